// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the firmware-image reader (fw_image.h) and the remoteproc host's loader
 * (remoteproc.h) on hostile ELF files.
 *
 * Input: an ELF file, copied into a malloc of exactly its size, so that AddressSanitizer reports
 * any read past its end (libelf itself is not instrumented: what it hands back is checked).
 *
 * The reader. The harness reads the ELF header, the program and section header tables and the
 * section names itself, from the bytes, and compares (a violation prints "fuzz_fw_image:
 * invariant violated at ..." and traps):
 *   - amp_fw_image_parse() returns 0, -AMP_EBADMSG with a reason, or -AMP_ENOMEM; on 0 the class,
 *     byte order, machine, type, entry, header counts (extended numbering included) and the
 *     PT_LOAD list are the file's, and both header tables and the section name table lie in
 *     the file;
 *   - amp_fw_image_check_segment() fails exactly when p_offset + p_filesz runs past the file,
 *     p_filesz > p_memsz, or p_paddr + p_memsz wraps the class's address space;
 *   - amp_fw_image_check_overlap() names two distinct PT_LOAD indices (the smaller first) whose
 *     physical ranges really overlap, and when it reports none, no two segments with a range
 *     overlap (checked pair by pair);
 *   - amp_fw_image_find_section(".resource_table") finds the first section of that name, or
 *     reports the first name that lies outside the name table or is not terminated in it;
 *   - amp_fw_image_section_bytes() points into the input exactly when the section has file
 *     bytes that are all in the file; amp_fw_image_segment_holding() returns the first segment
 *     whose file image holds them, or NULL when none does.
 *
 * The loader. The image then boots with amp_rproc_create() + amp_rproc_boot() on a fake
 * platform: flash (64 KiB at 0), RAM (128 KiB at 0x20000000, physical 0x00800000) and a pool
 * piece (256 KiB at 0x30000000, physical 0x80000000), three exact-size allocations filled with
 * 0xee; a processor of any machine and either class in the image's byte order; an rpmsg node;
 * operations that record every call. Properties:
 *   - a refused boot returns a known negative code and a non-empty reason, which is exactly
 *     "firmware: " and the reader's own reason when parsing, a segment, the overlap check or the
 *     section names failed; start was never called, or stop after it; put returns 0;
 *   - when the platform is asked to start the remote, its memory is exactly what remoteproc.h
 *     describes: each PT_LOAD at its physical address with its file bytes and a zeroed tail,
 *     the resource table copied to its section's address with the carveout addresses and notify
 *     ids written back (the harness places carveouts and vrings from the pool itself:
 *     page-aligned, first fit, in table order; ids 0, 1, ...), and every other byte as the last
 *     stop left it; the entry point is e_entry;
 *   - a boot that succeeds leaves the processor RUNNING with one rpmsg link per rpmsg vdev and
 *     one trace buffer per trace entry; a crash is then recovered (core dump, reload, restart:
 *     the memory check again), the core file holds every loaded segment as memory held it,
 *     and shutdown and put return 0;
 *   - the input is never written, every link has left the node after put, and nothing leaks.
 *
 * AMP_FUZZ_TRACE=1 logs what the reader found and the boot's result. Seeds: fixtures/fuzz/
 * fw_image/, copies of corpus files from fixtures/firmware/malformed/ and the fw-* images of
 * make_seeds.c. See docs/fuzzing.md.
 */
#define _GNU_SOURCE /* memfd_create() */
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "amp/error.h"
#include "amp/fw_image.h"
#include "amp/remoteproc.h"

#define FUZZ_NAME "fuzz_fw_image"
#include "fuzz_check.h"

/* The fake remote's memory: the map of fixtures/firmware/malformed/make_malformed.py, whose
 * sample table has a carveout and vrings at 0x20010000-0x20017fff, hence 128 KiB of RAM. */
#define FLASH_DA 0x00000000u
#define FLASH_SZ 0x10000u
#define RAM_DA   0x20000000u
#define RAM_PA   0x00800000u /* another physical address: written-back ones are computed */
#define RAM_SZ   0x20000u
#define POOL_DA  0x30000000u
#define POOL_PA  0x80000000u
#define POOL_SZ  0x40000u
#define PIECES   3u
/* What memory holds before the first load: neither zero nor a plausible table word. */
#define FILL 0xee
/* remoteproc.h: carveouts and vrings are placed on page boundaries; rpmsg buffers of 512. */
#define PAGE     4096u
#define BUF_SIZE 512u

static const struct amp_rproc_mem memory_map[PIECES] = {
	{FLASH_DA, FLASH_DA, NULL, FLASH_SZ, 0},
	{RAM_DA, RAM_PA, NULL, RAM_SZ, 0},
	{POOL_DA, POOL_PA, NULL, POOL_SZ, AMP_RPROC_MEM_POOL},
};

/* ------------------------------------------------------------------ the file, read raw */

/*
 * struct layout - where the fields the harness reads are, in one ELF class: e_* in the ELF
 * header, p_* in a program header, sh_* in a section header (p_type, sh_name and sh_type are at
 * 0, 0 and 4 in both classes); @word is the size of an address, offset or size, @ehsize,
 * @phsize and @shsize the sizes of the three headers.
 */
struct layout {
	uint8_t word, ehsize;
	uint8_t e_entry, e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
	uint8_t phsize, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags;
	uint8_t shsize, sh_addr, sh_offset, sh_size, sh_link, sh_info;
};

static const struct layout elf32 = {
	.word = 4,
	.ehsize = 52,
	.e_entry = 24,
	.e_phoff = 28,
	.e_shoff = 32,
	.e_phentsize = 42,
	.e_phnum = 44,
	.e_shentsize = 46,
	.e_shnum = 48,
	.e_shstrndx = 50,
	.phsize = 32,
	.p_offset = 4,
	.p_vaddr = 8,
	.p_paddr = 12,
	.p_filesz = 16,
	.p_memsz = 20,
	.p_flags = 24,
	.shsize = 40,
	.sh_addr = 12,
	.sh_offset = 16,
	.sh_size = 20,
	.sh_link = 24,
	.sh_info = 28,
};
static const struct layout elf64 = {
	.word = 8,
	.ehsize = 64,
	.e_entry = 24,
	.e_phoff = 32,
	.e_shoff = 40,
	.e_phentsize = 54,
	.e_phnum = 56,
	.e_shentsize = 58,
	.e_shnum = 60,
	.e_shstrndx = 62,
	.phsize = 56,
	.p_offset = 8,
	.p_vaddr = 16,
	.p_paddr = 24,
	.p_filesz = 32,
	.p_memsz = 40,
	.p_flags = 4,
	.shsize = 64,
	.sh_addr = 16,
	.sh_offset = 24,
	.sh_size = 32,
	.sh_link = 40,
	.sh_info = 44,
};

/* The input as the harness reads it. */
static const uint8_t *in;
static size_t in_size;
static bool in_big;
static const struct layout *L;

/* @len bytes from @off lie in the input (no wrap). */
static bool in_file(uint64_t off, uint64_t len)
{
	return off <= in_size && len <= in_size - off;
}

/* The @width-byte field at @off, which the library has promised lies in the file. */
static uint64_t field(uint64_t off, unsigned int width)
{
	uint64_t v = 0;

	CHECK(in_file(off, width));
	for (unsigned int i = 0; i < width; i++)
		v = v << 8 | in[off + (in_big ? i : width - 1 - i)];
	return v;
}

static uint64_t word(uint64_t off)
{
	return field(off, L->word);
}

/**
 * struct headers - the ELF header's view of the tables, extended numbering resolved
 * @phoff: e_phoff
 * @phnum: program headers
 * @shoff: e_shoff
 * @shnum: section headers (0 without a table)
 * @shstrndx: section name table index
 */
struct headers {
	uint64_t phoff, phnum, shoff, shnum, shstrndx;
};

/* The header of a parsed image, field by field against the file. */
static void check_header(const struct amp_fw_image *img, struct headers *h)
{
	h->phoff = word(L->e_phoff);
	h->shoff = word(L->e_shoff);
	h->phnum = field(L->e_phnum, 2);
	h->shnum = field(L->e_shnum, 2);
	h->shstrndx = field(L->e_shstrndx, 2);
	CHECK(img->have_ehdr && in_size >= L->ehsize);
	CHECK(img->elf_class == in[EI_CLASS]);
	CHECK(img->order == (in_big ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN));
	CHECK(img->type == field(16, 2) && img->machine == field(18, 2));
	CHECK(img->entry == word(L->e_entry));
	CHECK(field(L->e_phentsize, 2) == L->phsize);
	if (h->shoff) {
		CHECK(field(L->e_shentsize, 2) == L->shsize);
		if (!h->shnum)
			h->shnum = word(h->shoff + L->sh_size);
		if (h->shstrndx == SHN_XINDEX)
			h->shstrndx = field(h->shoff + L->sh_link, 4);
	} else {
		h->shnum = 0;
	}
	if (h->phnum == PN_XNUM) {
		CHECK(h->shoff);
		h->phnum = field(h->shoff + L->sh_info, 4);
	}
	CHECK(img->phnum == h->phnum && img->shnum == h->shnum);
	CHECK(h->phnum && h->phnum <= in_size / L->phsize);
	CHECK(in_file(h->phoff, h->phnum * L->phsize));
	if (!h->shnum)
		return;
	CHECK(h->shnum <= in_size / L->shsize && in_file(h->shoff, h->shnum * L->shsize));
	CHECK(img->shstrndx == h->shstrndx && h->shstrndx != SHN_UNDEF && h->shstrndx < h->shnum);
	CHECK(field(h->shoff + h->shstrndx * L->shsize + 4, 4) == SHT_STRTAB);
	CHECK(in_file(word(h->shoff + h->shstrndx * L->shsize + L->sh_offset),
		      word(h->shoff + h->shstrndx * L->shsize + L->sh_size)));
}

/* The PT_LOAD list, in program header order, against the file. */
static void check_loads(const struct amp_fw_image *img, const struct headers *h)
{
	size_t k = 0;

	for (uint64_t i = 0; i < h->phnum; i++) {
		uint64_t p = h->phoff + i * L->phsize;
		const struct amp_fw_segment *s;

		if (field(p, 4) != PT_LOAD)
			continue;
		CHECK(k < img->nload);
		s = &img->load[k];
		CHECK(s->index == i && s->offset == word(p + L->p_offset));
		CHECK(s->vaddr == word(p + L->p_vaddr) && s->paddr == word(p + L->p_paddr));
		CHECK(s->filesz == word(p + L->p_filesz) && s->memsz == word(p + L->p_memsz));
		CHECK(s->flags == field(p + L->p_flags, 4));
		k++;
	}
	CHECK(k == img->nload && k > 0);
}

/* [first, last] of a segment's physical bytes, when it has some and they fit the class. */
static bool phys_range(const struct amp_fw_segment *s, uint64_t *first, uint64_t *last)
{
	uint64_t top = L == &elf64 ? UINT64_MAX : UINT32_MAX;

	if (!s->memsz || s->paddr > top || s->memsz - 1 > top - s->paddr)
		return false;
	*first = s->paddr;
	*last = s->paddr + (s->memsz - 1);
	return true;
}

static bool segment_loadable(const struct amp_fw_segment *s)
{
	uint64_t first, last;

	return in_file(s->offset, s->filesz) && s->filesz <= s->memsz &&
	       (!s->memsz || phys_range(s, &first, &last));
}

static const struct amp_fw_segment *load_by_index(const struct amp_fw_image *img, size_t index)
{
	for (size_t i = 0; i < img->nload; i++) {
		if (img->load[i].index == index)
			return &img->load[i];
	}
	return NULL;
}

static bool overlap(const struct amp_fw_segment *a, const struct amp_fw_segment *b)
{
	uint64_t a0, a1, b0, b1;

	return phys_range(a, &a0, &a1) && phys_range(b, &b0, &b1) && a0 <= b1 && b0 <= a1;
}

/* Pairs are compared one by one below this many segments (a hostile file can have many). */
#define PAIRWISE_MAX 2048u

static void check_overlap(const struct amp_fw_image *img, int ret, size_t first, size_t second)
{
	const struct amp_fw_segment *a, *b;

	CHECK(ret == 0 || ret == -AMP_EBADMSG || ret == -AMP_ENOMEM);
	if (ret == -AMP_EBADMSG) {
		a = load_by_index(img, first);
		b = load_by_index(img, second);
		CHECK(a && b && first < second && overlap(a, b));
	} else if (!ret && img->nload <= PAIRWISE_MAX) {
		for (size_t i = 0; i < img->nload; i++) {
			for (size_t j = i + 1; j < img->nload; j++)
				CHECK(!overlap(&img->load[i], &img->load[j]));
		}
	}
}

/* What amp_fw_image_find_section(".resource_table") must answer, from the raw names. */
static int expect_find(const struct headers *h, size_t *index)
{
	static const char name[] = ".resource_table";
	uint64_t strtab = h->shoff + h->shstrndx * L->shsize;
	uint64_t str_off = word(strtab + L->sh_offset), str_size = word(strtab + L->sh_size);

	for (uint64_t i = 1; i < h->shnum; i++) {
		uint64_t sh_name = field(h->shoff + i * L->shsize, 4);
		const uint8_t *s, *nul;

		if (sh_name >= str_size)
			return -AMP_EBADMSG;
		s = in + str_off + sh_name;
		nul = memchr(s, '\0', str_size - sh_name);
		if (!nul)
			return -AMP_EBADMSG;
		if ((size_t)(nul - s) == sizeof(name) - 1 && !memcmp(s, name, sizeof(name) - 1)) {
			*index = i;
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ the reader's verdict */

/**
 * struct reading - what the harness's own calls of the reader found
 * @img: the parsed image (released after the boot)
 * @parse: amp_fw_image_parse()
 * @bad_segment: a segment failed amp_fw_image_check_segment() (the first one's reason below)
 * @overlap: amp_fw_image_check_overlap()
 * @found: amp_fw_image_find_section(".resource_table")
 * @sec: the section, when @found is 1
 * @table: its bytes (amp_fw_image_section_bytes()), or NULL
 * @holder: the segment holding them (amp_fw_image_segment_holding()), or NULL
 * @why: the reason of the first failure above, the way the loader reports it
 */
struct reading {
	struct amp_fw_image img;
	int parse;
	bool bad_segment;
	int overlap;
	int found;
	struct amp_fw_section sec;
	const uint8_t *table;
	const struct amp_fw_segment *holder;
	char why[AMP_FW_WHY_SIZE];
};

/* The loader's words for a reader failure: "firmware: " and the reader's reason. */
static void first_failure(struct reading *r, const char *reason)
{
	if (!r->why[0])
		snprintf(r->why, sizeof(r->why), "firmware: %s", reason);
}

static void check_section(struct reading *r, const struct headers *h)
{
	char why[AMP_FW_WHY_SIZE] = "";
	size_t index = 0;
	int expect = h->shnum ? expect_find(h, &index) : 0;
	const struct amp_fw_segment *s;
	const struct amp_fw_section *sec = &r->sec;
	uint64_t sh;

	r->found = amp_fw_image_find_section(&r->img, ".resource_table", &r->sec, why);
	TRACE("find .resource_table: %d %s\n", r->found, why);
	/* Names are read raw, as Linux reads them, whatever the name table's flags say. */
	CHECK(r->found == expect);
	if (r->found < 0) {
		CHECK(why[0]);
		first_failure(r, why);
	}
	if (r->found != 1)
		return;
	sh = h->shoff + index * L->shsize;
	CHECK(sec->index == index && sec->type == field(sh + 4, 4));
	CHECK(sec->addr == word(sh + L->sh_addr) && sec->offset == word(sh + L->sh_offset));
	CHECK(sec->size == word(sh + L->sh_size));

	why[0] = '\0';
	r->table = amp_fw_image_section_bytes(&r->img, sec, why);
	if (sec->type != SHT_NOBITS && in_file(sec->offset, sec->size)) {
		CHECK(r->table == r->img.bytes + sec->offset);
	} else {
		CHECK(r->table == NULL && why[0]);
		return;
	}
	r->holder = amp_fw_image_segment_holding(&r->img, sec);
	for (s = r->img.load; s < r->img.load + r->img.nload; s++) {
		if (in_file(s->offset, s->filesz) && sec->offset >= s->offset &&
		    sec->offset - s->offset <= s->filesz &&
		    sec->size <= s->filesz - (sec->offset - s->offset))
			break;
	}
	CHECK(r->holder == (s < r->img.load + r->img.nload ? s : NULL));
	TRACE("table: %" PRIu64 " bytes at file 0x%" PRIx64 ", address 0x%" PRIx64
	      ", in segment %zu\n",
	      sec->size, sec->offset, sec->addr, r->holder ? r->holder->index : (size_t)-1);
}

/* Parse @r->img and run every check of fw_image.h on it. */
static void read_image(struct reading *r, const uint8_t *bytes, size_t size)
{
	char why[AMP_FW_WHY_SIZE] = "";
	struct headers h;
	size_t first = SIZE_MAX, second = SIZE_MAX;

	r->parse = amp_fw_image_parse(&r->img, bytes, size, why);
	TRACE("parse: %d %s\n", r->parse, why);
	CHECK(r->parse == 0 || r->parse == -AMP_EBADMSG || r->parse == -AMP_ENOMEM);
	if (r->parse) {
		CHECK(why[0] || r->parse == -AMP_ENOMEM);
		first_failure(r, why);
		return;
	}
	CHECK(r->img.bytes == bytes && r->img.size == size);
	check_header(&r->img, &h);
	check_loads(&r->img, &h);
	for (size_t i = 0; i < r->img.nload; i++) {
		const struct amp_fw_segment *s = &r->img.load[i];
		int ret;

		why[0] = '\0';
		ret = amp_fw_image_check_segment(&r->img, s, why);
		TRACE("PT_LOAD %zu: file 0x%" PRIx64 "+0x%" PRIx64 " paddr 0x%" PRIx64
		      " memsz 0x%" PRIx64 ": %d %s\n",
		      s->index, s->offset, s->filesz, s->paddr, s->memsz, ret, why);
		CHECK(ret == 0 || ret == -AMP_EBADMSG);
		CHECK(!ret == segment_loadable(s));
		if (ret) {
			CHECK(why[0]);
			r->bad_segment = true;
			first_failure(r, why);
		}
	}
	why[0] = '\0';
	r->overlap = amp_fw_image_check_overlap(&r->img, &first, &second, why);
	TRACE("overlap: %d %s\n", r->overlap, why);
	check_overlap(&r->img, r->overlap, first, second);
	if (r->overlap == -AMP_EBADMSG) {
		CHECK(why[0]);
		first_failure(r, why);
	}
	check_section(r, &h);
	if (r->found == 1 && !(r->table && r->holder) && !r->why[0])
		snprintf(r->why, sizeof(r->why),
			 "resource table is not in the loaded part of the image");
}

/* ------------------------------------------------------------------ the fake platform */

/**
 * struct platform - the fake remote and what its operations saw
 * @mem: the remote's memory, as the processor is configured with it
 * @before: each piece as the remote left it when last stopped (FILL before the first start)
 * @expect: scratch: each piece as the platform must find it at start
 * @r: the reader's view of the image
 * @starts: start calls
 * @stops: stop calls
 * @links: rpmsg vdevs in the table (counted at start)
 * @traces: trace entries in the table (counted at start)
 * @core_fd: a descriptor of the last core file, or -1
 */
struct platform {
	struct amp_rproc_mem mem[PIECES];
	uint8_t *before[PIECES];
	uint8_t *expect[PIECES];
	const struct reading *r;
	unsigned int starts, stops;
	unsigned int links, traces;
	int core_fd;
};

/* The piece holding all of [@da, @da + @len), or PIECES. */
static unsigned int piece_of(uint64_t da, uint64_t len)
{
	for (unsigned int i = 0; i < PIECES; i++) {
		const struct amp_rproc_mem *m = &memory_map[i];

		if (da >= m->da && da - m->da <= m->size && len <= m->size - (da - m->da))
			return i;
	}
	return PIECES;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[in_big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* A pool allocation: the next page boundary, when @len bytes fit there. */
static bool pool_take(uint64_t *used, uint64_t len, uint64_t *off)
{
	uint64_t start = (*used + PAGE - 1) / PAGE * PAGE;

	if (start > POOL_SZ || len > POOL_SZ - start)
		return false;
	*off = start;
	*used = start + len;
	return true;
}

/* vring_size(): descriptors, the avail ring and used_event, the used ring at @align. */
static uint64_t ring_bytes(uint32_t num, uint32_t align)
{
	uint64_t used = (18 * (uint64_t)num + 6 + align - 1) / align * align;

	return used + 6 + 8 * (uint64_t)num;
}

/* A carveout's written-back addresses. */
static void expect_carveout(const struct amp_rsc_entry *e, uint8_t *t, uint64_t *used)
{
	uint64_t da = e->u.mem.da, pa = e->u.mem.pa, off;
	unsigned int p;

	if (da == AMP_FW_RSC_ADDR_ANY) {
		CHECK(pool_take(used, e->u.mem.len, &off));
		da = POOL_DA + off;
		pa = POOL_PA + off;
	} else {
		p = piece_of(da, e->u.mem.len);
		CHECK(p < PIECES);
		if (pa == AMP_FW_RSC_ADDR_ANY)
			pa = memory_map[p].pa + (da - memory_map[p].da);
	}
	put32(t + e->offset + 4, (uint32_t)da);
	put32(t + e->offset + 8, (uint32_t)pa);
}

/* An rpmsg vdev: its vrings and buffers placed, its notify ids written back. */
static void expect_vdev(const struct amp_rsc_entry *e, uint8_t *t, uint64_t *used,
			uint32_t *next_id)
{
	const struct amp_rsc_vdev *vd = &e->u.vdev;
	uint64_t off, bufs = 0;

	for (unsigned int k = 0; k < 2; k++) {
		const struct amp_vdev_vring_info *v = &vd->vring[k];
		uint64_t bytes = ring_bytes(v->num, v->align);

		if (v->da == AMP_FW_RSC_ADDR_ANY)
			CHECK(pool_take(used, (bytes + PAGE - 1) / PAGE * PAGE, &off));
		else
			CHECK(piece_of(v->da, bytes) < PIECES);
		put32(t + e->offset + 28 + 20 * k + 12, (*next_id)++);
		bufs += v->num < 256 ? v->num : 256;
	}
	CHECK(pool_take(used, bufs * BUF_SIZE, &off));
}

/* The loaded table as remoteproc.h says the host writes it; counts links and traces. */
static void expect_table(struct platform *plat, uint8_t *t)
{
	const struct amp_fw_section *sec = &plat->r->sec;
	struct amp_rsc_table tbl;
	struct amp_rsc_entry e;
	uint64_t used = 0;
	uint32_t next_id = 0;

	CHECK(plat->r->table);
	memcpy(t, plat->r->table, sec->size);
	CHECK(amp_rsc_table_open(&tbl, plat->r->table, sec->size,
				 in_big ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN) == AMP_RSC_OK);
	for (uint32_t i = 0; i < amp_rsc_table_num(&tbl); i++) {
		CHECK(!amp_rsc_problem_is_error(amp_rsc_table_entry(&tbl, i, &e)));
		if (e.type == AMP_RSC_CARVEOUT) {
			expect_carveout(&e, t, &used);
		} else if (e.type == AMP_RSC_TRACE) {
			plat->traces++;
		} else if (e.type == AMP_RSC_VDEV && e.u.vdev.id == AMP_VIRTIO_ID_RPMSG) {
			expect_vdev(&e, t, &used, &next_id);
			plat->links++;
		}
	}
}

/* Write @len bytes at device address @da of the expected memory. */
static void expect_bytes(struct platform *plat, uint64_t da, const void *src, uint64_t len)
{
	unsigned int p = piece_of(da, len);

	CHECK(p < PIECES);
	memcpy(plat->expect[p] + (da - memory_map[p].da), src, len);
}

/* At start: the memory the remote will run from, byte for byte. */
static void check_memory(struct platform *plat)
{
	const struct amp_fw_image *img = &plat->r->img;
	const struct amp_fw_section *sec = &plat->r->sec;

	for (unsigned int p = 0; p < PIECES; p++)
		memcpy(plat->expect[p], plat->before[p], memory_map[p].size);
	for (size_t i = 0; i < img->nload; i++) {
		const struct amp_fw_segment *s = &img->load[i];
		unsigned int p = piece_of(s->paddr, s->memsz);

		if (!s->memsz)
			continue;
		CHECK(p < PIECES);
		expect_bytes(plat, s->paddr, img->bytes + s->offset, s->filesz);
		memset(plat->expect[p] + (s->paddr - memory_map[p].da) + s->filesz, 0,
		       s->memsz - s->filesz);
	}
	plat->links = plat->traces = 0;
	if (plat->r->found == 1) {
		uint8_t *t = malloc(sec->size ? sec->size : 1);

		CHECK(t);
		expect_table(plat, t);
		expect_bytes(plat, sec->addr, t, sec->size);
		free(t);
	}
	for (unsigned int p = 0; p < PIECES; p++) {
		const uint8_t *m = plat->mem[p].va;

		for (size_t i = 0; i < memory_map[p].size; i++) {
			if (m[i] != plat->expect[p][i]) {
				fprintf(stderr,
					"memory at 0x%" PRIx64 ": 0x%02x, expected 0x%02x\n",
					memory_map[p].da + i, m[i], plat->expect[p][i]);
				CHECK(!"the loaded memory is what remoteproc.h describes");
			}
		}
	}
}

static int op_start(void *ctx, struct amp_rproc *rproc, uint64_t entry)
{
	struct platform *plat = ctx;

	(void)rproc;
	CHECK(plat->starts == plat->stops && plat->r->parse == 0);
	CHECK(entry == plat->r->img.entry);
	check_memory(plat);
	plat->starts++;
	return 0;
}

static int op_stop(void *ctx, struct amp_rproc *rproc)
{
	struct platform *plat = ctx;

	(void)rproc;
	CHECK(plat->stops < plat->starts);
	plat->stops++;
	for (unsigned int p = 0; p < PIECES; p++)
		memcpy(plat->before[p], plat->mem[p].va, memory_map[p].size);
	return 0;
}

static void op_kick(void *ctx, struct amp_rproc *rproc, uint32_t notifyid)
{
	(void)ctx;
	(void)rproc;
	(void)notifyid;
}

/* Vendor entries: every byte the host says is there is read (ASan checks the range). */
static int op_handle_rsc(void *ctx, struct amp_rproc *rproc, uint32_t type,
			 const volatile void *entry, size_t avail)
{
	const volatile uint8_t *b = entry;
	unsigned int sum = 0;

	(void)ctx;
	(void)rproc;
	CHECK(type >= AMP_RSC_VENDOR_START && type <= AMP_RSC_VENDOR_END && avail >= 4);
	for (size_t i = 0; i < avail; i++)
		sum += b[i];
	(void)sum;
	/* The last vendor type is refused, so that a platform's refusal is fuzzed too. */
	return type == AMP_RSC_VENDOR_END ? -AMP_EINVAL : 0;
}

static int op_coredump_fd(void *ctx, struct amp_rproc *rproc)
{
	struct platform *plat = ctx;
	int fd = memfd_create("fuzz_fw_image_core", MFD_CLOEXEC);

	(void)rproc;
	CHECK(fd >= 0 && plat->core_fd < 0);
	plat->core_fd = dup(fd);
	CHECK(plat->core_fd >= 0);
	return fd;
}

static const struct amp_rproc_ops ops = {
	.start = op_start,
	.stop = op_stop,
	.kick = op_kick,
	.handle_rsc = op_handle_rsc,
	.coredump_fd = op_coredump_fd,
};

/* The core file of the crash: one PT_LOAD per loaded segment, as memory held it at the dump. */
static void check_core(struct platform *plat)
{
	const struct amp_fw_image *img = &plat->r->img;
	off_t size = lseek(plat->core_fd, 0, SEEK_END);
	uint8_t *core;
	size_t phnum, k = 0;
	GElf_Ehdr eh;
	Elf *elf;

	/* The firmware's class and machine, whatever the processor's configuration left open. */
	CHECK(size > 0 && elf_version(EV_CURRENT) != EV_NONE);
	core = malloc((size_t)size);
	CHECK(core && pread(plat->core_fd, core, (size_t)size, 0) == size);
	elf = elf_memory((char *)core, (size_t)size);
	CHECK(elf && gelf_getehdr(elf, &eh) && eh.e_type == ET_CORE);
	CHECK(gelf_getclass(elf) == img->elf_class && eh.e_machine == img->machine);
	CHECK(eh.e_entry == img->entry);
	CHECK(!elf_getphdrnum(elf, &phnum));
	for (size_t i = 0; i < img->nload; i++) {
		const struct amp_fw_segment *s = &img->load[i];
		unsigned int p = piece_of(s->paddr, s->memsz);
		GElf_Phdr ph;

		if (!s->memsz)
			continue;
		CHECK(p < PIECES && k < phnum && gelf_getphdr(elf, (int)k++, &ph));
		CHECK(ph.p_type == PT_LOAD && ph.p_paddr == s->paddr && ph.p_filesz == s->memsz);
		CHECK(ph.p_offset <= (uint64_t)size && ph.p_filesz <= (uint64_t)size - ph.p_offset);
		CHECK(!memcmp(core + ph.p_offset, plat->before[p] + (s->paddr - memory_map[p].da),
			      s->memsz));
	}
	CHECK(k == phnum);
	elf_end(elf);
	free(core);
}

/* ------------------------------------------------------------------ the boot */

/* A booted remote: its links and traces, a crash and its recovery, shutdown. */
static void run_booted(struct amp_rproc *rp, struct platform *plat)
{
	char log[64];

	CHECK(amp_rproc_state(rp) == AMP_RPROC_RUNNING);
	CHECK(plat->starts == 1 && plat->stops == 0);
	CHECK(plat->links == 0 || amp_rproc_link(rp, plat->links - 1));
	CHECK(!amp_rproc_link(rp, plat->links));
	for (unsigned int i = 0; i <= plat->traces; i++) {
		long n = amp_rproc_trace(rp, i, log, sizeof(log));

		CHECK(i < plat->traces ? n >= 0 && (size_t)n < sizeof(log) && !log[n]
				       : n == -AMP_ENOENT);
	}
	/* No remote runs: nothing can have arrived, whatever the rings overlap. */
	CHECK(amp_rproc_interrupt(rp, AMP_FW_RSC_ADDR_ANY) == 0);

	amp_rproc_report_crash(rp, AMP_RPROC_WATCHDOG);
	CHECK(amp_rproc_service(rp) == 0);
	CHECK(amp_rproc_state(rp) == AMP_RPROC_RUNNING && amp_rproc_crash_count(rp) == 1);
	CHECK(plat->starts == 2 && plat->stops == 1 && plat->core_fd >= 0);
	check_core(plat);

	CHECK(amp_rproc_shutdown(rp) == 0);
	CHECK(amp_rproc_state(rp) == AMP_RPROC_OFFLINE && plat->stops == 2);
}

static void boot(const uint8_t *image, size_t size, struct reading *r)
{
	struct amp_rproc_registry reg = {0};
	char why[AMP_RPROC_WHY_SIZE] = "";
	struct platform plat = {.r = r, .core_fd = -1};
	struct amp_rpmsg_node node;
	struct amp_rproc_config cfg;
	struct amp_rproc *rp;
	int ret;

	amp_rpmsg_node_init(&node, NULL, NULL);
	for (unsigned int p = 0; p < PIECES; p++) {
		plat.mem[p] = memory_map[p];
		/* page-aligned, as carveouts and vrings are placed; exact size for ASan */
		plat.mem[p].va = aligned_alloc(PAGE, memory_map[p].size);
		plat.before[p] = malloc(memory_map[p].size);
		plat.expect[p] = malloc(memory_map[p].size);
		CHECK(plat.mem[p].va && plat.before[p] && plat.expect[p]);
		memset(plat.mem[p].va, FILL, memory_map[p].size);
		memset(plat.before[p], FILL, memory_map[p].size);
	}
	cfg = (struct amp_rproc_config){
		.name = "fuzz",
		.ops = &ops,
		.ctx = &plat,
		.mem = plat.mem,
		.mem_count = PIECES,
		.order = in_big ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN,
		.firmware = image,
		.firmware_size = size,
		.node = &node,
	};
	ret = amp_rproc_create(&reg, &cfg, &rp);
	if (!size) {
		CHECK(ret == -AMP_EINVAL); /* nothing to load */
		goto out;
	}
	CHECK(ret == 0);
	ret = amp_rproc_boot(rp, why);
	TRACE("boot: %d %s (%u links, %u traces)\n", ret, why, plat.links, plat.traces);
	if (ret) {
		CHECK(ret < 0 && strcmp(amp_strerror(ret), "E?") && why[0]);
		CHECK(!r->why[0] || !strcmp(why, r->why));
		if (r->parse)
			CHECK(ret == r->parse);
		else if (r->why[0])
			CHECK(ret == -AMP_EINVAL);
		CHECK(plat.starts == plat.stops);
		CHECK(amp_rproc_state(rp) == AMP_RPROC_OFFLINE);
	} else {
		CHECK(!r->why[0]);
		run_booted(rp, &plat);
	}
	CHECK(amp_rproc_put(rp) == 0);
	CHECK(reg.head == NULL && node.links == NULL);
out:
	if (plat.core_fd >= 0)
		close(plat.core_fd);
	for (unsigned int p = 0; p < PIECES; p++) {
		free(plat.mem[p].va);
		free(plat.before[p]);
		free(plat.expect[p]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reading r;
	uint8_t *copy;

	fuzz_trace_init();
	/* exactly the file's bytes, so that the sanitizer's redzone starts after the last one */
	copy = malloc(size ? size : 1);
	CHECK(copy);
	memcpy(copy, data, size);
	in = copy;
	in_size = size;
	in_big = size > EI_DATA && data[EI_DATA] == ELFDATA2MSB;
	L = size > EI_CLASS && data[EI_CLASS] == ELFCLASS64 ? &elf64 : &elf32;

	memset(&r, 0, sizeof(r));
	read_image(&r, copy, size);
	boot(copy, size, &r);
	amp_fw_image_release(&r.img);
	/* libelf and the loader only read the image (the configuration holds it const) */
	CHECK(!memcmp(copy, data, size));
	free(copy);
	return 0;
}
