// SPDX-License-Identifier: BSD-3-Clause
/*
 * ELF core files of remote memory. libelf writes the ELF header and the program headers in the
 * file's class and byte order; the segment bytes follow them in program-header order and are
 * written here, in chunks, since they are raw memory that needs no translation.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "amp/coredump.h"
#include "amp/error.h"

/* Bytes copied out of remote memory per write. */
#define CHUNK 65536u

/* PN_XNUM and above would need extended numbering through section 0, which a core without
 * sections cannot carry. */
#define MAX_SEGMENTS 0xfffeu

static int check_config(const struct amp_coredump_config *cfg, uint64_t data_start)
{
	uint64_t offset = data_start;

	for (size_t i = 0; i < cfg->count; i++) {
		const struct amp_coredump_segment *s = &cfg->segments[i];
		uint64_t limit = cfg->elf_class == 32 ? UINT32_MAX : UINT64_MAX;

		if (s->size && !s->data)
			return -AMP_EINVAL;
		/* The segment's addresses and the file bytes it lands at must be expressible in the
		 * class: its last byte at most at the class's largest address or offset. */
		if (s->da > limit || offset > limit ||
		    (s->size && (s->size - 1 > limit - s->da || s->size - 1 > limit - offset)))
			return -AMP_ERANGE;
		offset += s->size;
	}
	return 0;
}

/* Write all of @len bytes at @off, whatever partial writes the file does. */
static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -AMP_EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int write_segment(int fd, const struct amp_coredump_segment *s, uint64_t off)
{
	unsigned char buf[CHUNK];
	const volatile unsigned char *src = s->data;

	for (uint64_t done = 0; done < s->size;) {
		size_t n = s->size - done < CHUNK ? (size_t)(s->size - done) : CHUNK;
		int err;

		/* A crashed remote's memory is not written any more, but read it once anyway. */
		for (size_t k = 0; k < n; k++)
			buf[k] = src[done + k];
		err = write_all(fd, buf, n, off + done);
		if (err)
			return err;
		done += n;
	}
	return 0;
}

static int write_headers(Elf *elf, const struct amp_coredump_config *cfg, uint64_t data_start)
{
	GElf_Ehdr eh;
	uint64_t offset = data_start;

	if (!gelf_newehdr(elf, cfg->elf_class == 64 ? ELFCLASS64 : ELFCLASS32) ||
	    !gelf_getehdr(elf, &eh))
		return -AMP_EIO;
	eh.e_ident[EI_DATA] = cfg->order == AMP_BIG_ENDIAN ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = cfg->machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = cfg->entry;
	eh.e_phoff = gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
	eh.e_shoff = 0;
	eh.e_flags = 0;
	if (!gelf_update_ehdr(elf, &eh))
		return -AMP_EIO;
	if (cfg->count && !gelf_newphdr(elf, cfg->count))
		return -AMP_EIO;
	for (size_t i = 0; i < cfg->count; i++) {
		const struct amp_coredump_segment *s = &cfg->segments[i];
		GElf_Phdr ph = {
			.p_type = PT_LOAD,
			.p_offset = offset,
			.p_vaddr = s->da,
			.p_paddr = s->da,
			.p_filesz = s->size,
			.p_memsz = s->size,
			.p_flags = s->flags ? s->flags : PF_R | PF_W | PF_X,
			.p_align = 0, /* as Linux writes them: the dump is not meant to be mapped */
		};

		if (!gelf_update_phdr(elf, (int)i, &ph))
			return -AMP_EIO;
		offset += s->size;
	}
	/* Our offsets, not libelf's: there are no sections for it to lay out. */
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	return elf_update(elf, ELF_C_WRITE) < 0 ? -AMP_EIO : 0;
}

int amp_coredump_write(int fd, const struct amp_coredump_config *cfg)
{
	uint64_t data_start, offset;
	Elf *elf = NULL;
	int err;

	if (!cfg || fd < 0 || (cfg->elf_class != 32 && cfg->elf_class != 64) ||
	    (cfg->count && !cfg->segments) || cfg->count > MAX_SEGMENTS)
		return -AMP_EINVAL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -AMP_EIO;
	data_start = cfg->elf_class == 64 ? sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) * cfg->count
					  : sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr) * cfg->count;
	err = check_config(cfg, data_start);
	if (err)
		return err;

	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf)
		return -AMP_EIO;
	err = write_headers(elf, cfg, data_start);
	if (err)
		goto out;
	offset = data_start;
	for (size_t i = 0; i < cfg->count; i++) {
		err = write_segment(fd, &cfg->segments[i], offset);
		if (err)
			goto out;
		offset += cfg->segments[i].size;
	}
out:
	elf_end(elf);
	return err;
}
