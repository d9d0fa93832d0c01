// SPDX-License-Identifier: BSD-3-Clause
#include "seed_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

void seed_u8(struct seed *s, unsigned int v)
{
	if (s->n == sizeof(s->b)) {
		fprintf(stderr, "seed too long\n");
		exit(1);
	}
	s->b[s->n++] = (uint8_t)v;
}

void seed_u16(struct seed *s, unsigned int v)
{
	seed_u8(s, v & 0xff);
	seed_u8(s, (v >> 8) & 0xff);
}

void seed_u32(struct seed *s, uint32_t v)
{
	seed_u16(s, v & 0xffff);
	seed_u16(s, v >> 16);
}

void seed_u64(struct seed *s, uint64_t v)
{
	seed_u32(s, (uint32_t)v);
	seed_u32(s, (uint32_t)(v >> 32));
}

void seed_save(const char *dir, const char *name, const struct seed *s)
{
	char path[4096];
	FILE *fp;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		perror(dir);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fwrite(s->b, 1, s->n, fp) != s->n || fclose(fp)) {
		perror(path);
		exit(1);
	}
}
