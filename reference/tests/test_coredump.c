// SPDX-License-Identifier: BSD-3-Clause
/*
 * ELF core files (amp_coredump_write()): written to a temporary file, read back with libelf
 * field by field and byte by byte, in both classes and byte orders; and the configurations that
 * must be refused.
 */
#define _POSIX_C_SOURCE 200809L
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amp/coredump.h"
#include "amp/error.h"
#include "testing.h"

#define EM_ARM_ 40

static int temp_file(void)
{
	char path[] = "/tmp/amp_coredump_XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Read the file back and compare with @cfg. */
static void check_file(int fd, const struct amp_coredump_config *cfg)
{
	GElf_Ehdr eh;
	size_t phnum = 0, size = 0;
	const uint8_t *raw;
	Elf *elf;

	REQUIRE(elf_version(EV_CURRENT) != EV_NONE);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	REQUIRE(elf != NULL);
	REQUIRE(gelf_getehdr(elf, &eh) != NULL);
	CHECK_EQ(gelf_getclass(elf), cfg->elf_class == 64 ? ELFCLASS64 : ELFCLASS32);
	CHECK_EQ(eh.e_ident[EI_DATA], cfg->order == AMP_BIG_ENDIAN ? ELFDATA2MSB : ELFDATA2LSB);
	CHECK_EQ(eh.e_type, ET_CORE);
	CHECK_EQ(eh.e_machine, cfg->machine);
	CHECK_EQ(eh.e_version, EV_CURRENT);
	CHECK_EQ(eh.e_entry, cfg->entry);
	CHECK_EQ(eh.e_shoff, 0);
	CHECK_EQ(eh.e_shnum, 0);
	REQUIRE(elf_getphdrnum(elf, &phnum) == 0);
	CHECK_EQ(phnum, cfg->count);
	raw = (const uint8_t *)elf_rawfile(elf, &size);
	REQUIRE(raw != NULL);
	for (size_t i = 0; i < phnum && i < cfg->count; i++) {
		const struct amp_coredump_segment *s = &cfg->segments[i];
		GElf_Phdr ph;

		REQUIRE(gelf_getphdr(elf, (int)i, &ph) != NULL);
		CHECK_EQ(ph.p_type, PT_LOAD);
		CHECK_EQ(ph.p_vaddr, s->da);
		CHECK_EQ(ph.p_paddr, s->da);
		CHECK_EQ(ph.p_filesz, s->size);
		CHECK_EQ(ph.p_memsz, s->size);
		CHECK_EQ(ph.p_flags, s->flags ? s->flags : (PF_R | PF_W | PF_X));
		REQUIRE(ph.p_offset + ph.p_filesz <= size);
		CHECK(memcmp(raw + ph.p_offset, (const void *)s->data, s->size) == 0);
	}
	elf_end(elf);
}

static void roundtrip(unsigned int elf_class, enum amp_byte_order order)
{
	static uint8_t a[4096], b[100], c[3];
	const struct amp_coredump_segment segs[] = {
		{0x20000000, a, sizeof(a), 0},
		{0x00000000, b, sizeof(b), AMP_COREDUMP_PF_R | AMP_COREDUMP_PF_X},
		{0x20001000, c, 0, 0}, /* an empty segment is still listed */
		{0x10000000, c, sizeof(c), AMP_COREDUMP_PF_R},
	};
	const struct amp_coredump_config cfg = {
		.elf_class = elf_class,
		.order = order,
		.machine = EM_ARM_,
		.entry = 0x101,
		.segments = segs,
		.count = sizeof(segs) / sizeof(segs[0]),
	};
	int fd = temp_file();

	REQUIRE(fd >= 0);
	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	fill(c, sizeof(c), 3);
	CHECK_EQ(amp_coredump_write(fd, &cfg), 0);
	check_file(fd, &cfg);
	close(fd);
}

static void test_elf32_little(void)
{
	roundtrip(32, AMP_LITTLE_ENDIAN);
}

static void test_elf32_big(void)
{
	roundtrip(32, AMP_BIG_ENDIAN);
}

static void test_elf64_little(void)
{
	roundtrip(64, AMP_LITTLE_ENDIAN);
}

static void test_elf64_big(void)
{
	roundtrip(64, AMP_BIG_ENDIAN);
}

/* A remote with nothing to dump still gets a valid (header-only) core file. */
static void test_no_segments(void)
{
	const struct amp_coredump_config cfg = {
		.elf_class = 32, .order = AMP_LITTLE_ENDIAN, .machine = EM_ARM_};
	int fd = temp_file();

	REQUIRE(fd >= 0);
	CHECK_EQ(amp_coredump_write(fd, &cfg), 0);
	check_file(fd, &cfg);
	CHECK_EQ(lseek(fd, 0, SEEK_END), (off_t)sizeof(Elf32_Ehdr));
	close(fd);
}

/* More than 64 KiB in one segment: the copy goes in chunks. */
static void test_large_segment(void)
{
	size_t n = 200000;
	uint8_t *big = malloc(n);
	struct amp_coredump_segment seg = {0x80000000u, big, n, 0};
	const struct amp_coredump_config cfg = {.elf_class = 32,
						.order = AMP_LITTLE_ENDIAN,
						.machine = EM_ARM_,
						.segments = &seg,
						.count = 1};
	int fd = temp_file();

	REQUIRE(big != NULL && fd >= 0);
	fill(big, n, 9);
	CHECK_EQ(amp_coredump_write(fd, &cfg), 0);
	check_file(fd, &cfg);
	close(fd);
	free(big);
}

/* Run @cmd through the shell and collect its output; the exit status, or -1. */
static int run_tool(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	if (!p)
		return -1;
	while (n + 1 < size && fgets(out + n, (int)(size - n), p))
		n += strlen(out + n);
	out[n] = '\0';
	return pclose(p);
}

/*
 * The file as the tools see it: readelf (binutils, always there with the compiler) must list a
 * CORE file with the LOAD segments; gdb, when installed, must read remote memory from it.
 */
static void test_tools_accept_it(void)
{
	static uint8_t ram[256] = {0xde, 0xad, 0xbe, 0xef};
	const struct amp_coredump_segment seg = {0x20000000, ram, sizeof(ram), 0};
	const struct amp_coredump_config cfg = {.elf_class = 32,
						.order = AMP_LITTLE_ENDIAN,
						.machine = EM_ARM_,
						.segments = &seg,
						.count = 1};
	char path[] = "/tmp/amp_core_tool_XXXXXX", cmd[256], out[4096];
	int fd = mkstemp(path);

	REQUIRE(fd >= 0);
	CHECK_EQ(amp_coredump_write(fd, &cfg), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "readelf -h -l -W %s 2>&1", path);
	CHECK_EQ(run_tool(cmd, out, sizeof(out)), 0);
	CHECK(strstr(out, "CORE (Core file)") != NULL);
	CHECK(strstr(out, "LOAD           0x000054 0x20000000 0x20000000 0x00100 0x00100 RWE") !=
	      NULL);
	if (run_tool("command -v gdb >/dev/null 2>&1", out, sizeof(out)) == 0) {
		snprintf(cmd, sizeof(cmd),
			 "gdb -nx -batch -ex 'core-file %s' -ex 'x/4xb 0x20000000' 2>&1", path);
		run_tool(cmd, out, sizeof(out));
		CHECK(strstr(out, "0xde\t0xad\t0xbe\t0xef") != NULL);
	}
	unlink(path);
}

static void test_refused(void)
{
	static uint8_t m[16];
	struct amp_coredump_segment seg = {0, m, sizeof(m), 0};
	struct amp_coredump_config cfg = {.elf_class = 32,
					  .order = AMP_LITTLE_ENDIAN,
					  .machine = EM_ARM_,
					  .segments = &seg,
					  .count = 1};
	int fd = temp_file();

	REQUIRE(fd >= 0);
	CHECK_EQ(amp_coredump_write(fd, NULL), -AMP_EINVAL);
	CHECK_EQ(amp_coredump_write(-1, &cfg), -AMP_EINVAL);
	cfg.elf_class = 16;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_EINVAL);
	cfg.elf_class = 32;
	cfg.segments = NULL;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_EINVAL);
	cfg.segments = &seg;
	cfg.count = 0x10000;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_EINVAL);
	cfg.count = 1;
	seg.data = NULL;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_EINVAL);
	seg.data = m;
	/* ELF32: the segment must end at or below 4 GiB. */
	seg.da = 0xfffffff8u;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_ERANGE);
	seg.da = 0xfffffff0u;
	CHECK_EQ(amp_coredump_write(fd, &cfg), 0);
	seg.da = 0x100000000ull;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_ERANGE);
	cfg.elf_class = 64;
	CHECK_EQ(amp_coredump_write(fd, &cfg), 0);
	seg.da = UINT64_MAX - 8;
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_ERANGE);
	/* Nothing to write to. */
	seg.da = 0;
	close(fd);
	CHECK_EQ(amp_coredump_write(fd, &cfg), -AMP_EIO);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_elf32_little), TEST(test_elf32_big),       TEST(test_elf64_little),
		TEST(test_elf64_big),    TEST(test_no_segments),     TEST(test_large_segment),
		TEST(test_refused),      TEST(test_tools_accept_it),
	};

	return run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
