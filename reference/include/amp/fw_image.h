/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: a remoteproc firmware image, read the way Linux's ELF loader reads it
 *
 * amp_fw_image_read_file() takes a file into memory; amp_fw_image_parse() checks the ELF structure
 * with libelf (identification, header, program and section header tables) and keeps the PT_LOAD
 * segments; the fw_image_check_* functions judge what a loader would then rely on: each
 * segment's file range and sizes, that no two segments load onto the same physical bytes, and
 * where the ``.resource_table`` section lies.
 *
 * No header field is trusted: every offset and size is checked against the file before libelf
 * is asked for what it describes, in 64-bit arithmetic that cannot wrap. Nothing here prints:
 * each function that finds a problem returns a negative AMP_E* code and writes one line that
 * states it precisely into the caller's @why buffer (AMP_FW_WHY_SIZE bytes).
 */
#ifndef AMP_FW_IMAGE_H
#define AMP_FW_IMAGE_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for one reason line; the longest names two ranges and a file size. */
#define AMP_FW_WHY_SIZE 256

/*
 * The largest file read. Remoteproc firmware is kilobytes to a few MiB; the bound keeps a
 * mistaken argument (a disk image) from being read whole into memory.
 */
#define AMP_FW_IMAGE_MAX_SIZE (256u << 20)

/**
 * struct amp_fw_segment - one PT_LOAD program header
 * @index: its index in the program header table
 * @offset: p_offset, where its bytes start in the file
 * @vaddr: p_vaddr
 * @paddr: p_paddr, where remoteproc loads it
 * @filesz: p_filesz, bytes taken from the file
 * @memsz: p_memsz, bytes it occupies once loaded (the rest is zeroed)
 * @flags: p_flags (PF_R, PF_W, PF_X)
 */
struct amp_fw_segment {
	size_t index;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;
};

/**
 * struct amp_fw_section - one section header
 * @index: its index in the section header table
 * @type: sh_type
 * @addr: sh_addr
 * @offset: sh_offset
 * @size: sh_size
 */
struct amp_fw_section {
	size_t index;
	uint32_t type;
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
};

/**
 * struct amp_fw_image - a parsed image
 * @bytes: the file's bytes (the caller's; they must outlive the image)
 * @size: number of @bytes
 * @elf: libelf's handle over @bytes
 * @have_ehdr: the fields from @elf_class to @entry are known (even when parsing failed later)
 * @elf_class: ELFCLASS32 or ELFCLASS64
 * @order: byte order of every multi-byte field, the resource table's included (EI_DATA)
 * @machine: e_machine
 * @type: e_type
 * @entry: e_entry
 * @phnum: program headers of any type
 * @shnum: section headers (0 when the image has none)
 * @shstrndx: index of the section name table (meaningful when @shnum is not 0)
 * @nload: number of @load
 * @load: the PT_LOAD program headers, in program header order
 */
struct amp_fw_image {
	const uint8_t *bytes;
	size_t size;
	Elf *elf;
	bool have_ehdr;
	int elf_class;
	enum amp_byte_order order;
	uint16_t machine;
	uint16_t type;
	uint64_t entry;
	size_t phnum;
	size_t shnum;
	size_t shstrndx;
	size_t nload;
	struct amp_fw_segment *load;
};

/**
 * amp_fw_image_read_file() - read a whole regular file into memory
 * @path: the file
 * @bytes: set to a malloc()ed copy of its contents (NULL for an empty file); free() it
 * @size: set to the number of bytes
 * @why: AMP_FW_WHY_SIZE bytes; on failure, why the file could not be read
 *
 * Return: 0; -AMP_EIO when it cannot be opened or read or is not a regular file; -AMP_E2BIG when
 * it is larger than AMP_FW_IMAGE_MAX_SIZE; -AMP_ENOMEM.
 */
int amp_fw_image_read_file(const char *path, uint8_t **bytes, size_t *size, char *why);

/**
 * amp_fw_image_parse() - check the ELF structure of @bytes and collect its PT_LOAD segments
 * @img: filled in; release with amp_fw_image_release() whatever the result
 * @bytes: the file's bytes; not modified, and used by @img until it is released
 * @size: number of @bytes
 * @why: AMP_FW_WHY_SIZE bytes; on failure, what is wrong
 *
 * Checks: the identification (magic, class, byte order, version), the header's size, that there
 * are program headers and at least one PT_LOAD, the entry sizes and file ranges of the program
 * and section header tables, and the section name table (index, type, file range).
 *
 * Return: 0; -AMP_EBADMSG when the image is not a well-formed ELF file; -AMP_ENOMEM.
 */
int amp_fw_image_parse(struct amp_fw_image *img, const uint8_t *bytes, size_t size, char *why);

/**
 * amp_fw_image_release() - free what amp_fw_image_parse() allocated (not the bytes)
 * @img: a parsed (or partly parsed) image
 */
void amp_fw_image_release(struct amp_fw_image *img);

/**
 * amp_fw_image_check_segment() - can a loader load this segment as it says?
 * @img: a parsed image
 * @seg: one of @img->load
 * @why: AMP_FW_WHY_SIZE bytes; on failure, what is wrong
 *
 * Checks that p_offset + p_filesz lies inside the file, that p_filesz <= p_memsz and that
 * p_paddr + p_memsz does not wrap the class's address space (32 or 64 bits).
 *
 * Return: 0 or -AMP_EBADMSG.
 */
int amp_fw_image_check_segment(const struct amp_fw_image *img, const struct amp_fw_segment *seg,
			       char *why);

/**
 * amp_fw_image_check_overlap() - do two PT_LOAD segments load onto the same physical bytes?
 * @img: a parsed image
 * @first: set to the program header index of one segment of the first overlap found
 * @second: set to the other (the larger index)
 * @why: AMP_FW_WHY_SIZE bytes; on failure, which segments and where
 *
 * Segments are compared by [p_paddr, p_paddr + p_memsz), sorted, so that a hostile program
 * header count costs n log n, not n squared. Segments whose range wraps are left out (see
 * amp_fw_image_check_segment()).
 *
 * Return: 0; -AMP_EBADMSG on an overlap; -AMP_ENOMEM.
 */
int amp_fw_image_check_overlap(const struct amp_fw_image *img, size_t *first, size_t *second,
			       char *why);

/**
 * amp_fw_image_find_section() - the first section called @name (Linux takes the first too)
 * @img: a parsed image
 * @name: the section name
 * @sec: filled in when found
 * @why: AMP_FW_WHY_SIZE bytes; on failure, what is wrong
 *
 * Return: 1 when found, 0 when no section has that name, -AMP_EBADMSG when a section's name
 * offset lies outside the section name table.
 */
int amp_fw_image_find_section(const struct amp_fw_image *img, const char *name,
			      struct amp_fw_section *sec, char *why);

/**
 * amp_fw_image_section_bytes() - the file bytes of a section, if they are all in the file
 * @img: a parsed image
 * @sec: a section of @img
 * @why: AMP_FW_WHY_SIZE bytes; on failure, what is wrong
 *
 * Return: a pointer to sh_size bytes, or NULL when the section is SHT_NOBITS (no file bytes) or
 * its file range runs past the end of the file.
 */
const uint8_t *amp_fw_image_section_bytes(const struct amp_fw_image *img,
					  const struct amp_fw_section *sec, char *why);

/**
 * amp_fw_image_segment_holding() - the PT_LOAD segment whose file image holds a section's bytes
 * @img: a parsed image
 * @sec: a section of @img whose bytes are in the file
 *
 * Only what a segment copies from the file counts (p_offset to p_offset + p_filesz): a section
 * outside every such range is not loaded, whatever its address says.
 *
 * Return: the first such segment, or NULL.
 */
const struct amp_fw_segment *amp_fw_image_segment_holding(const struct amp_fw_image *img,
							  const struct amp_fw_section *sec);

/**
 * amp_fw_machine_name() - "ARM", "RISC-V", ... or NULL for a machine without a name here
 * @machine: e_machine
 */
const char *amp_fw_machine_name(uint16_t machine);

/**
 * amp_fw_type_name() - "EXEC", "DYN", "REL", "CORE", or NULL
 * @type: e_type
 */
const char *amp_fw_type_name(uint16_t type);

#ifdef __cplusplus
}
#endif

#endif
