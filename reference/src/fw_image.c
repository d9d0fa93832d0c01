// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading a firmware image with libelf. The identification bytes are checked here first, so
 * that a wrong class or byte order gets a precise reason; every offset and count from a header
 * is then checked against the file before libelf is asked for what it points at, because libelf
 * reports an out-of-range table as "no sections" or "invalid data" without saying which.
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amp/error.h"
#include "amp/fw_image.h"

/* Format the reason into @why and return -AMP_EBADMSG: every parse failure ends this way. */
__attribute__((format(printf, 2, 3))) static int bad(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, AMP_FW_WHY_SIZE, fmt, ap);
	va_end(ap);
	return -AMP_EBADMSG;
}

static int libelf_failed(char *why, const char *what)
{
	return bad(why, "libelf cannot read the %s: %s", what, elf_errmsg(-1));
}

/* @count entries of @entsize bytes from @off lie inside a file of @size bytes (no wrap). */
static bool table_in_file(uint64_t off, uint64_t count, uint64_t entsize, size_t size)
{
	return off <= size && count <= (size - off) / entsize;
}

/* @len bytes from @off lie inside a file of @size bytes (no wrap). */
static bool range_in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

int amp_fw_image_read_file(const char *path, uint8_t **bytes, size_t *size, char *why)
{
	uint8_t *buf = NULL;
	size_t got = 0;
	struct stat st;
	int fd, ret;

	*bytes = NULL;
	*size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, AMP_FW_WHY_SIZE, "cannot open %s: %s", path, strerror(errno));
		return -AMP_EIO;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, AMP_FW_WHY_SIZE, "%s is not a regular file", path);
		ret = -AMP_EIO;
		goto out_close;
	}
	if ((uint64_t)st.st_size > AMP_FW_IMAGE_MAX_SIZE) {
		snprintf(why, AMP_FW_WHY_SIZE, "%s is larger than %u MiB", path,
			 AMP_FW_IMAGE_MAX_SIZE >> 20);
		ret = -AMP_E2BIG;
		goto out_close;
	}
	if (st.st_size > 0) {
		buf = malloc((size_t)st.st_size);
		if (!buf) {
			snprintf(why, AMP_FW_WHY_SIZE, "out of memory reading %s", path);
			ret = -AMP_ENOMEM;
			goto out_close;
		}
	}
	/* A file that shrinks while being read yields what it still had. */
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, AMP_FW_WHY_SIZE, "cannot read %s: %s", path, strerror(errno));
			free(buf);
			ret = -AMP_EIO;
			goto out_close;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*bytes = buf;
	*size = got;
	ret = 0;
out_close:
	close(fd);
	return ret;
}

static int class_bits(const struct amp_fw_image *img)
{
	return img->elf_class == ELFCLASS64 ? 64 : 32;
}

/* The 16 identification bytes, before libelf sees the file. */
static int check_ident(struct amp_fw_image *img, char *why)
{
	static const uint8_t magic[SELFMAG] = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3};
	const uint8_t *b = img->bytes;
	size_t n = img->size, need;

	if (n == 0)
		return bad(why, "empty file (0 bytes)");
	if (memcmp(b, magic, n < SELFMAG ? n : SELFMAG))
		return bad(why, "not an ELF file (no \\x7fELF magic at offset 0)");
	if (n < EI_NIDENT)
		return bad(why, "truncated ELF header: %zu bytes, the identification alone is %d",
			   n, EI_NIDENT);
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return bad(why, "unsupported ELF class %u (EI_CLASS: 1 = ELF32, 2 = ELF64)",
			   b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB && b[EI_DATA] != ELFDATA2MSB)
		return bad(why,
			   "unsupported ELF data encoding %u (EI_DATA: 1 = little-endian, "
			   "2 = big-endian)",
			   b[EI_DATA]);
	if (b[EI_VERSION] != EV_CURRENT)
		return bad(why, "unsupported ELF version %u (EI_VERSION must be 1)", b[EI_VERSION]);
	img->elf_class = b[EI_CLASS];
	img->order = b[EI_DATA] == ELFDATA2MSB ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN;
	need = img->elf_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (n < need)
		return bad(why, "truncated ELF header: %zu bytes, an ELF%d header is %zu", n,
			   class_bits(img), need);
	return 0;
}

/*
 * Section 0's header, through libelf's translation: with extended numbering it holds the
 * section count (sh_size), the program header count (sh_info) and the name table index
 * (sh_link), which libelf would otherwise clamp to what fits the file without saying so.
 */
static int read_section0(struct amp_fw_image *img, const GElf_Ehdr *eh, GElf_Shdr *s0, char *why)
{
	size_t entsize = img->elf_class == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	Elf_Data *d = elf_getdata_rawchunk(img->elf, (int64_t)eh->e_shoff, entsize, ELF_T_SHDR);

	if (!d || d->d_size < entsize)
		return libelf_failed(why, "section header 0");
	if (img->elf_class == ELFCLASS64) {
		Elf64_Shdr x;

		memcpy(&x, d->d_buf, sizeof(x));
		*s0 = (GElf_Shdr){.sh_size = x.sh_size, .sh_info = x.sh_info, .sh_link = x.sh_link};
	} else {
		Elf32_Shdr x;

		memcpy(&x, d->d_buf, sizeof(x));
		*s0 = (GElf_Shdr){.sh_size = x.sh_size, .sh_info = x.sh_info, .sh_link = x.sh_link};
	}
	return 0;
}

/* The section header table, when there is one (then @s0 is set), and the section name table. */
static int check_sections(struct amp_fw_image *img, const GElf_Ehdr *eh, GElf_Shdr *s0, char *why)
{
	size_t entsize = img->elf_class == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t count;
	GElf_Shdr strtab;
	size_t n;
	int ret;

	if (eh->e_shoff == 0)
		return 0; /* no section headers: a stripped image, without a resource table */
	if (eh->e_shentsize != entsize)
		return bad(why, "e_shentsize %u, an ELF%d section header is %zu bytes",
			   eh->e_shentsize, class_bits(img), entsize);
	/* With e_shnum 0 the count is in section 0 (extended numbering), which must be there. */
	count = eh->e_shnum ? eh->e_shnum : 1;
	if (!table_in_file(eh->e_shoff, count, entsize, img->size))
		goto out_of_file;
	ret = read_section0(img, eh, s0, why);
	if (ret)
		return ret;
	count = eh->e_shnum ? eh->e_shnum : s0->sh_size;
	if (!table_in_file(eh->e_shoff, count, entsize, img->size))
		goto out_of_file;
	if (elf_getshdrnum(img->elf, &n))
		return libelf_failed(why, "section count");
	if (n != count)
		return bad(why, "libelf reads %zu sections where the header says %" PRIu64, n,
			   count);
	img->shnum = n;
	if (n == 0)
		return 0;
	if (elf_getshdrstrndx(img->elf, &img->shstrndx))
		return libelf_failed(why, "section name table index");
	if (img->shstrndx == SHN_UNDEF)
		return bad(why, "no section name table (e_shstrndx 0): sections cannot be found by "
				"name");
	if (img->shstrndx >= n)
		return bad(why, "section name table index %zu is not a section (the file has %zu)",
			   img->shstrndx, n);
	if (!gelf_getshdr(elf_getscn(img->elf, img->shstrndx), &strtab))
		return libelf_failed(why, "section name table's header");
	if (strtab.sh_type != SHT_STRTAB)
		return bad(why,
			   "section name table (section %zu) has type %" PRIu32 ", not SHT_STRTAB",
			   img->shstrndx, strtab.sh_type);
	if (!range_in_file(strtab.sh_offset, strtab.sh_size, img->size))
		return bad(why,
			   "section name table (section %zu): sh_offset 0x%" PRIx64
			   " + sh_size 0x%" PRIx64 " runs past the end of the file (%zu bytes)",
			   img->shstrndx, strtab.sh_offset, strtab.sh_size, img->size);
	return 0;

out_of_file:
	return bad(why,
		   "section header table (e_shoff 0x%" PRIx64 ", %" PRIu64
		   " entries of %zu bytes) runs past the end of the file (%zu bytes)",
		   eh->e_shoff, count, entsize, img->size);
}

/* The program header table; then keep its PT_LOAD entries. @s0: section 0, or NULL. */
static int collect_segments(struct amp_fw_image *img, const GElf_Ehdr *eh, const GElf_Shdr *s0,
			    char *why)
{
	size_t entsize = img->elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t n, k = 0, libelf_n;
	GElf_Phdr ph;

	if (eh->e_phentsize != entsize)
		return bad(why, "e_phentsize %u, an ELF%d program header is %zu bytes",
			   eh->e_phentsize, class_bits(img), entsize);
	n = eh->e_phnum;
	if (n == PN_XNUM) {
		if (!s0)
			return bad(why, "e_phnum is PN_XNUM (0xffff) but there is no section 0 to "
					"hold the count");
		n = s0->sh_info;
	}
	if (!table_in_file(eh->e_phoff, n, entsize, img->size))
		return bad(why,
			   "program header table (e_phoff 0x%" PRIx64
			   ", %zu entries of %zu bytes) runs past the end of the file (%zu bytes)",
			   eh->e_phoff, n, entsize, img->size);
	if (elf_getphdrnum(img->elf, &libelf_n))
		return libelf_failed(why, "program header count");
	if (libelf_n != n)
		return bad(why, "libelf reads %zu program headers where the header says %zu",
			   libelf_n, n);
	img->phnum = n;
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(img->elf, (int)i, &ph))
			return libelf_failed(why, "program headers");
		k += ph.p_type == PT_LOAD;
	}
	if (k == 0)
		return bad(why, "no PT_LOAD segment among the %zu program headers: nothing to load",
			   n);
	img->load = calloc(k, sizeof(*img->load));
	if (!img->load)
		return -AMP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		gelf_getphdr(img->elf, (int)i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		img->load[img->nload++] = (struct amp_fw_segment){
			.index = i,
			.offset = ph.p_offset,
			.vaddr = ph.p_vaddr,
			.paddr = ph.p_paddr,
			.filesz = ph.p_filesz,
			.memsz = ph.p_memsz,
			.flags = ph.p_flags,
		};
	}
	return 0;
}

int amp_fw_image_parse(struct amp_fw_image *img, const uint8_t *bytes, size_t size, char *why)
{
	GElf_Shdr s0;
	GElf_Ehdr eh;
	int ret;

	memset(img, 0, sizeof(*img));
	img->bytes = bytes;
	img->size = size;
	ret = check_ident(img, why);
	if (ret)
		return ret;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return libelf_failed(why, "ELF version");
	/* libelf's prototype is not const; an image opened for reading is never written. */
	img->elf = elf_memory((char *)bytes, size);
	if (!img->elf || elf_kind(img->elf) != ELF_K_ELF)
		return libelf_failed(why, "file");
	if (!gelf_getehdr(img->elf, &eh))
		return libelf_failed(why, "ELF header");
	img->have_ehdr = true;
	img->machine = eh.e_machine;
	img->type = eh.e_type;
	img->entry = eh.e_entry;
	if (eh.e_phnum == 0)
		return bad(why, "no program headers (e_phnum 0): nothing to load");
	ret = check_sections(img, &eh, &s0, why);
	if (ret)
		return ret;
	return collect_segments(img, &eh, eh.e_shoff ? &s0 : NULL, why);
}

void amp_fw_image_release(struct amp_fw_image *img)
{
	if (img->elf)
		elf_end(img->elf);
	free(img->load);
	img->elf = NULL;
	img->load = NULL;
	img->nload = 0;
}

/* The segment's last physical byte, when [paddr, paddr + memsz) fits the address space. */
static bool segment_last(const struct amp_fw_image *img, const struct amp_fw_segment *seg,
			 uint64_t *last)
{
	uint64_t top = img->elf_class == ELFCLASS64 ? UINT64_MAX : UINT32_MAX;

	if (seg->memsz == 0 || seg->paddr > top || seg->memsz - 1 > top - seg->paddr)
		return false;
	*last = seg->paddr + (seg->memsz - 1);
	return true;
}

int amp_fw_image_check_segment(const struct amp_fw_image *img, const struct amp_fw_segment *seg,
			       char *why)
{
	uint64_t last;

	if (!range_in_file(seg->offset, seg->filesz, img->size))
		return bad(why,
			   "program header %zu (PT_LOAD): p_offset 0x%" PRIx64
			   " + p_filesz 0x%" PRIx64 " runs past the end of the file (%zu bytes)",
			   seg->index, seg->offset, seg->filesz, img->size);
	if (seg->filesz > seg->memsz)
		return bad(why,
			   "program header %zu (PT_LOAD): p_filesz 0x%" PRIx64
			   " exceeds p_memsz 0x%" PRIx64,
			   seg->index, seg->filesz, seg->memsz);
	if (seg->memsz && !segment_last(img, seg, &last))
		return bad(why,
			   "program header %zu (PT_LOAD): p_paddr 0x%" PRIx64
			   " + p_memsz 0x%" PRIx64 " wraps the %d-bit address space",
			   seg->index, seg->paddr, seg->memsz, class_bits(img));
	return 0;
}

/**
 * struct phys_range - a segment's physical bytes, for sorting
 * @first: first address
 * @last: last address (inclusive, so that a range ending at the top of the space fits)
 * @index: program header index
 */
struct phys_range {
	uint64_t first;
	uint64_t last;
	size_t index;
};

static int by_first(const void *a, const void *b)
{
	const struct phys_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int amp_fw_image_check_overlap(const struct amp_fw_image *img, size_t *first, size_t *second,
			       char *why)
{
	struct phys_range *r;
	size_t n = 0;
	int ret = 0;

	r = calloc(img->nload ? img->nload : 1, sizeof(*r));
	if (!r)
		return -AMP_ENOMEM;
	for (size_t i = 0; i < img->nload; i++) {
		const struct amp_fw_segment *s = &img->load[i];

		if (segment_last(img, s, &r[n].last)) {
			r[n].first = s->paddr;
			r[n].index = s->index;
			n++;
		}
	}
	qsort(r, n, sizeof(*r), by_first);
	/* Sorted by start and disjoint up to the previous one: a range overlaps an earlier one
	 * iff it starts at or before the previous one's last byte. */
	for (size_t i = 1; i < n; i++) {
		const struct phys_range *lo = &r[i - 1], *hi = &r[i];

		if (hi->first > lo->last)
			continue;
		if (lo->index > hi->index) {
			lo = &r[i];
			hi = &r[i - 1];
		}
		*first = lo->index;
		*second = hi->index;
		ret = bad(why,
			  "PT_LOAD segments %zu (physical 0x%" PRIx64 "-0x%" PRIx64
			  ") and %zu (0x%" PRIx64 "-0x%" PRIx64 ") overlap",
			  lo->index, lo->first, lo->last, hi->index, hi->first, hi->last);
		break;
	}
	free(r);
	return ret;
}

int amp_fw_image_find_section(const struct amp_fw_image *img, const char *name,
			      struct amp_fw_section *sec, char *why)
{
	GElf_Shdr strtab, sh;

	if (img->shnum == 0)
		return 0;
	/* amp_fw_image_parse() read this header and checked its range. */
	gelf_getshdr(elf_getscn(img->elf, img->shstrndx), &strtab);
	for (size_t i = 1; i < img->shnum; i++) {
		const char *s;

		if (!gelf_getshdr(elf_getscn(img->elf, i), &sh))
			return libelf_failed(why, "section headers");
		if (sh.sh_name >= strtab.sh_size)
			return bad(why,
				   "section %zu: name offset 0x%" PRIx32
				   " lies outside the section name table (%" PRIu64 " bytes)",
				   i, sh.sh_name, strtab.sh_size);
		/* Raw bytes, as Linux reads names: elf_strptr() would try to decompress a name
		 * table flagged SHF_COMPRESSED. The table's file range was checked by
		 * amp_fw_image_parse(). */
		s = (const char *)img->bytes + strtab.sh_offset + sh.sh_name;
		if (!memchr(s, '\0', strtab.sh_size - sh.sh_name))
			return bad(why,
				   "section %zu: name at offset 0x%" PRIx32 " is not terminated "
				   "inside the section name table",
				   i, sh.sh_name);
		if (strcmp(s, name) == 0) {
			*sec = (struct amp_fw_section){
				.index = i,
				.type = sh.sh_type,
				.addr = sh.sh_addr,
				.offset = sh.sh_offset,
				.size = sh.sh_size,
			};
			return 1;
		}
	}
	return 0;
}

const uint8_t *amp_fw_image_section_bytes(const struct amp_fw_image *img,
					  const struct amp_fw_section *sec, char *why)
{
	if (sec->type == SHT_NOBITS) {
		bad(why, "section %zu is SHT_NOBITS: it has no bytes in the file", sec->index);
		return NULL;
	}
	if (!range_in_file(sec->offset, sec->size, img->size)) {
		bad(why,
		    "section %zu: sh_offset 0x%" PRIx64 " + sh_size 0x%" PRIx64
		    " runs past the end of the file (%zu bytes)",
		    sec->index, sec->offset, sec->size, img->size);
		return NULL;
	}
	return img->bytes + sec->offset;
}

const struct amp_fw_segment *amp_fw_image_segment_holding(const struct amp_fw_image *img,
							  const struct amp_fw_section *sec)
{
	for (size_t i = 0; i < img->nload; i++) {
		const struct amp_fw_segment *s = &img->load[i];

		/* The segment's own range is in the file, so these sums cannot wrap. */
		if (range_in_file(s->offset, s->filesz, img->size) && sec->offset >= s->offset &&
		    sec->offset + sec->size <= s->offset + s->filesz)
			return s;
	}
	return NULL;
}

const char *amp_fw_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_ARM:
		return "ARM";
	case EM_AARCH64:
		return "AArch64";
	case EM_RISCV:
		return "RISC-V";
	case EM_XTENSA:
		return "Xtensa";
	case EM_TI_C6000:
		return "TI C6000";
	case EM_X86_64:
		return "x86-64";
	default:
		return NULL;
	}
}

const char *amp_fw_type_name(uint16_t type)
{
	switch (type) {
	case ET_REL:
		return "REL";
	case ET_EXEC:
		return "EXEC";
	case ET_DYN:
		return "DYN";
	case ET_CORE:
		return "CORE";
	default:
		return NULL;
	}
}
