/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writing fuzz seeds: little-endian fields appended to a byte buffer, and the buffer saved as
 * one file. Shared by the seed writers of every target (make_seeds.c, fuzz_rpmsg.c built with
 * AMP_FUZZ_MAKE_SEEDS), so that each writes its inputs the way its harness reads them.
 */
#ifndef AMP_FUZZ_SEED_WRITER_H
#define AMP_FUZZ_SEED_WRITER_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct seed - one input being written
 * @b: its bytes
 * @n: how many are used
 */
struct seed {
	uint8_t b[4096];
	size_t n;
};

/* Append a field; an input that outgrows the buffer ends the program with an error. */
void seed_u8(struct seed *s, unsigned int v);
void seed_u16(struct seed *s, unsigned int v);
void seed_u32(struct seed *s, uint32_t v);
void seed_u64(struct seed *s, uint64_t v);

/* Write @s to @dir/@name, creating @dir when missing; errors end the program. */
void seed_save(const char *dir, const char *name, const struct seed *s);

#endif
