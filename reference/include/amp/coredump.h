/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: ELF core files of a remote processor's memory (host only)
 *
 * When a remote crashes, Linux remoteproc writes its memory out as an ELF core file (devcoredump,
 * rproc_coredump()): an ET_CORE file of the firmware's class and machine with one PT_LOAD
 * program header per dumped segment, p_vaddr = p_paddr = the segment's device address and
 * p_filesz = p_memsz = its length. amp_coredump_write() produces the same, through libelf, so
 * that ``readelf -l`` lists the segments and gdb opens the file together with the firmware ELF.
 * The file has no section headers, as a core file needs none.
 */
#ifndef AMP_COREDUMP_H
#define AMP_COREDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Program header flags of a dumped segment (ELF PF_X, PF_W, PF_R). */
#define AMP_COREDUMP_PF_X 1u
#define AMP_COREDUMP_PF_W 2u
#define AMP_COREDUMP_PF_R 4u

/**
 * struct amp_coredump_segment - one piece of remote memory
 * @da: its device address (p_vaddr and p_paddr)
 * @data: its contents, @size bytes, read once while the file is written
 * @size: bytes
 * @flags: AMP_COREDUMP_PF_*; 0 means read, write and execute, as Linux writes them
 */
struct amp_coredump_segment {
	uint64_t da;
	const volatile void *data;
	uint64_t size;
	uint32_t flags;
};

/**
 * struct amp_coredump_config - what the core file describes
 * @elf_class: 32 or 64, normally the firmware's class
 * @order: the firmware's byte order
 * @machine: e_machine, normally the firmware's (40 = ARM)
 * @entry: e_entry, normally the firmware's entry point
 * @segments: @count segments, in the order they are written
 * @count: number of segments
 */
struct amp_coredump_config {
	unsigned int elf_class;
	enum amp_byte_order order;
	uint16_t machine;
	uint64_t entry;
	const struct amp_coredump_segment *segments;
	size_t count;
};

/**
 * amp_coredump_write() - write an ELF core file
 * @fd: a file descriptor open for writing (and reading: libelf may read back), positioned at 0
 * @cfg: what to write
 *
 * Segments of an ELF32 file must lie below 4 GiB (device address and end).
 *
 * Return: 0, -AMP_EINVAL for a bad configuration, -AMP_ERANGE when a segment does not fit the
 * class, -AMP_EIO when libelf or the file fails.
 */
int amp_coredump_write(int fd, const struct amp_coredump_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
