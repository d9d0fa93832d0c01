// SPDX-License-Identifier: BSD-3-Clause
/*
 * The resource-table reader: a table like real firmware's in both byte orders, decoded field by
 * field, then every header problem, every entry problem, the checks across entries, the
 * warnings and the names. Each case builds its table byte by byte (struct tb) and the reader
 * gets a copy in a malloc of exactly the table's size, so AddressSanitizer reports any read
 * past the end.
 */
#include <stdbool.h>
#include <stdint.h>

#include "amp/error.h"
#include "amp/rsc_table.h"
#include "testing.h"

/* The builder's staging buffer: a header with 1024 offsets and 1024 four-byte entries. */
#define TB_MAX (AMP_RSC_HDR_SIZE + 8 * AMP_RSC_MAX_ENTRIES)

/* A name that fills its 32 bytes, no NUL. */
#define NAME32 "0123456789abcdef0123456789ABCDEF"

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

/**
 * struct tb - a table being built
 * @order: byte order of its words
 * @size: the table's size: the bytes the reader gets. The builder may write past it, which is
 *	how a case cuts an entry short.
 * @b: the bytes, zero where nothing was written
 */
struct tb {
	enum amp_byte_order order;
	size_t size;
	uint8_t b[TB_MAX];
};

static void tb_u8(struct tb *tb, size_t off, uint8_t v)
{
	if (off >= TB_MAX)
		abort(); /* the case itself is wrong */
	tb->b[off] = v;
}

static void tb_u32(struct tb *tb, size_t off, uint32_t v)
{
	for (unsigned int k = 0; k < 4; k++)
		tb_u8(tb, off + k,
		      (uint8_t)(v >> (tb->order == AMP_BIG_ENDIAN ? 24 - 8 * k : 8 * k)));
}

/* A table of @size bytes: ver 1, @num entries, reserved 0, every offset 0. */
static void tb_begin(struct tb *tb, enum amp_byte_order order, uint32_t num, size_t size)
{
	memset(tb, 0, sizeof(*tb));
	tb->order = order;
	tb->size = size;
	tb_u32(tb, 0, AMP_RSC_TABLE_VERSION);
	tb_u32(tb, 4, num);
}

static void tb_offset(struct tb *tb, uint32_t index, uint32_t off)
{
	tb_u32(tb, AMP_RSC_HDR_SIZE + 4 * (size_t)index, off);
}

/* @name without its NUL, at most 32 bytes; the rest of the field stays zero. */
static void tb_name(struct tb *tb, size_t off, const char *name)
{
	size_t len = strlen(name);

	for (size_t k = 0; k < len && k < AMP_RSC_NAME_SIZE; k++)
		tb_u8(tb, off + k, (uint8_t)name[k]);
}

/* A carveout or devmem entry at @off, reserved 0. */
static void tb_mem(struct tb *tb, uint32_t off, uint32_t type, uint32_t da, uint32_t pa,
		   uint32_t len, uint32_t flags, const char *name)
{
	tb_u32(tb, off, type);
	tb_u32(tb, off + 4, da);
	tb_u32(tb, off + 8, pa);
	tb_u32(tb, off + 12, len);
	tb_u32(tb, off + 16, flags);
	tb_name(tb, off + 24, name);
}

/* A trace entry at @off, reserved 0. */
static void tb_trace(struct tb *tb, uint32_t off, uint32_t da, uint32_t len, const char *name)
{
	tb_u32(tb, off, AMP_RSC_TRACE);
	tb_u32(tb, off + 4, da);
	tb_u32(tb, off + 8, len);
	tb_name(tb, off + 16, name);
}

/* The fixed part of a vdev entry at @off: gfeatures, status and reserved 0. */
static void tb_vdev(struct tb *tb, uint32_t off, uint32_t id, uint32_t notifyid, uint32_t dfeatures,
		    uint32_t config_len, uint8_t num_of_vrings)
{
	tb_u32(tb, off, AMP_RSC_VDEV);
	tb_u32(tb, off + 4, id);
	tb_u32(tb, off + 8, notifyid);
	tb_u32(tb, off + 12, dfeatures);
	tb_u32(tb, off + 20, config_len);
	tb_u8(tb, off + 25, num_of_vrings);
}

/* Vring @k of the vdev at @vdev; pa 0. */
static void tb_vring(struct tb *tb, uint32_t vdev, unsigned int k, uint32_t da, uint32_t align,
		     uint32_t num, uint32_t notifyid)
{
	uint32_t v = vdev + 28 + 20 * k;

	tb_u32(tb, v, da);
	tb_u32(tb, v + 4, align);
	tb_u32(tb, v + 8, num);
	tb_u32(tb, v + 12, notifyid);
}

/* An rpmsg vdev at @off, 68 bytes: two vrings of 256, align 4096, the host chooses their
 * addresses, notify ids @n0 and @n1; no config space. */
static void tb_rpmsg(struct tb *tb, uint32_t off, uint32_t n0, uint32_t n1)
{
	tb_vdev(tb, off, AMP_VIRTIO_ID_RPMSG, 0, 1, 0, 2);
	tb_vring(tb, off, 0, AMP_FW_RSC_ADDR_ANY, 4096, 256, n0);
	tb_vring(tb, off, 1, AMP_FW_RSC_ADDR_ANY, 4096, 256, n1);
}

/* The table in a malloc of exactly its size. */
static uint8_t *tb_copy(const struct tb *tb)
{
	uint8_t *p = malloc(tb->size);

	if (!p)
		abort();
	memcpy(p, tb->b, tb->size);
	return p;
}

/**
 * struct run - what the reader said about a table
 * @open: amp_rsc_table_open()
 * @num: amp_rsc_table_num() after it, whatever it returned
 * @entry: amp_rsc_table_entry() of the entry asked for (AMP_RSC_PROBLEM_COUNT: not decoded)
 * @e: that entry
 * @check: amp_rsc_table_check() (AMP_RSC_PROBLEM_COUNT: not run, the open failed)
 * @f: its finding
 */
struct run {
	enum amp_rsc_problem open;
	uint32_t num;
	enum amp_rsc_problem entry;
	struct amp_rsc_entry e;
	enum amp_rsc_problem check;
	struct amp_rsc_finding f;
};

/* Open a copy of @tb, decode entry @index when the table has it, and run every check. */
static void run(const struct tb *tb, uint32_t index, struct run *r)
{
	struct amp_rsc_table t;
	uint8_t *mem = tb_copy(tb);

	memset(r, 0, sizeof(*r));
	r->entry = r->check = AMP_RSC_PROBLEM_COUNT;
	r->open = amp_rsc_table_open(&t, mem, tb->size, tb->order);
	r->num = amp_rsc_table_num(&t);
	if (r->open == AMP_RSC_OK) {
		if (index < r->num) {
			r->entry = amp_rsc_table_entry(&t, index, &r->e);
			CHECK_EQ(r->e.problem, r->entry);
			CHECK_EQ(r->e.index, index);
		}
		r->check = amp_rsc_table_check(&t, &r->f);
		CHECK_EQ(r->f.problem, r->check);
		CHECK_EQ(amp_rsc_table_check(&t, NULL), r->check);
	}
	free(mem);
}

/* amp_rsc_table_check() found @p at entries @i and @j. */
#define CHECK_FINDING(r, p, i, j)                                                                  \
	do {                                                                                       \
		CHECK_EQ((r).check, (p));                                                          \
		CHECK_EQ((r).f.entry, (i));                                                        \
		CHECK_EQ((r).f.other, (j));                                                        \
	} while (0)

/* A header problem: the open failed and left no entries. */
#define CHECK_OPEN_FAILS(r, p)                                                                     \
	do {                                                                                       \
		CHECK_EQ((r).open, (p));                                                           \
		CHECK_EQ((r).num, 0);                                                              \
	} while (0)

/* ------------------------------------------------------------------ a valid table */

/*
 * What a remote's firmware declares: a code carveout, a peripheral window, a trace buffer, an
 * rpmsg vdev with 8 bytes of config space, two vendor entries (OpenAMP's fw_rsc_vendor: type
 * and length). Entries back to back after the six offsets.
 */
enum {
	FW_NUM = 6,
	FW_CARVEOUT = 40,
	FW_DEVMEM = 96,
	FW_TRACE = 152,
	FW_VDEV = 200,
	FW_CONFIG = 268, /* FW_VDEV + 28 + 2 * 20 */
	FW_CONFIG_LEN = 8,
	FW_VENDOR128 = 276,
	FW_VENDOR512 = 284,
	FW_SIZE = 292,
};

static void fw_table(struct tb *tb, enum amp_byte_order order)
{
	static const uint32_t offsets[FW_NUM] = {FW_CARVEOUT, FW_DEVMEM,    FW_TRACE,
						 FW_VDEV,     FW_VENDOR128, FW_VENDOR512};

	tb_begin(tb, order, FW_NUM, FW_SIZE);
	for (uint32_t i = 0; i < FW_NUM; i++)
		tb_offset(tb, i, offsets[i]);
	tb_mem(tb, FW_CARVEOUT, AMP_RSC_CARVEOUT, 0x10000000, AMP_FW_RSC_ADDR_ANY, 0x100000, 7,
	       "r5f-text");
	tb_mem(tb, FW_DEVMEM, AMP_RSC_DEVMEM, 0x40000000, 0x4a000000, 0x80000, 3, "peripherals");
	tb_trace(tb, FW_TRACE, 0x10100000, 0x8000, "trace:r5f0");
	tb_vdev(tb, FW_VDEV, AMP_VIRTIO_ID_RPMSG, 9, 1, FW_CONFIG_LEN, 2);
	tb_vring(tb, FW_VDEV, 0, 0x10200000, 4096, 256, 1);
	tb_vring(tb, FW_VDEV, 1, AMP_FW_RSC_ADDR_ANY, 16, 32, 2);
	for (unsigned int k = 0; k < FW_CONFIG_LEN; k++)
		tb_u8(tb, FW_CONFIG + k, (uint8_t)(0x11 * (k + 1)));
	tb_u32(tb, FW_VENDOR128, 128);
	tb_u32(tb, FW_VENDOR128 + 4, 8);
	tb_u32(tb, FW_VENDOR512, 512);
	tb_u32(tb, FW_VENDOR512 + 4, 8);
}

static void check_fw_entries(const struct amp_rsc_table *t)
{
	struct amp_rsc_entry e;
	const struct amp_rsc_vdev *vd = &e.u.vdev;

	CHECK_EQ(amp_rsc_table_entry(t, 0, &e), AMP_RSC_OK);
	CHECK_EQ(e.index, 0);
	CHECK_EQ(e.offset, FW_CARVEOUT);
	CHECK_EQ(e.type, AMP_RSC_CARVEOUT);
	CHECK_EQ(e.size, 56);
	CHECK_EQ(e.u.mem.da, 0x10000000);
	CHECK_EQ(e.u.mem.pa, AMP_FW_RSC_ADDR_ANY);
	CHECK_EQ(e.u.mem.len, 0x100000);
	CHECK_EQ(e.u.mem.flags, 7);
	CHECK_EQ(e.u.mem.reserved, 0);
	CHECK(!strcmp(e.u.mem.name, "r5f-text"));

	CHECK_EQ(amp_rsc_table_entry(t, 1, &e), AMP_RSC_OK);
	CHECK_EQ(e.index, 1);
	CHECK_EQ(e.offset, FW_DEVMEM);
	CHECK_EQ(e.type, AMP_RSC_DEVMEM);
	CHECK_EQ(e.size, 56);
	CHECK_EQ(e.u.mem.da, 0x40000000);
	CHECK_EQ(e.u.mem.pa, 0x4a000000);
	CHECK_EQ(e.u.mem.len, 0x80000);
	CHECK_EQ(e.u.mem.flags, 3);
	CHECK(!strcmp(e.u.mem.name, "peripherals"));

	CHECK_EQ(amp_rsc_table_entry(t, 2, &e), AMP_RSC_OK);
	CHECK_EQ(e.offset, FW_TRACE);
	CHECK_EQ(e.type, AMP_RSC_TRACE);
	CHECK_EQ(e.size, 48);
	CHECK_EQ(e.u.trace.da, 0x10100000);
	CHECK_EQ(e.u.trace.len, 0x8000);
	CHECK_EQ(e.u.trace.reserved, 0);
	CHECK(!strcmp(e.u.trace.name, "trace:r5f0"));

	CHECK_EQ(amp_rsc_table_entry(t, 3, &e), AMP_RSC_OK);
	CHECK_EQ(e.offset, FW_VDEV);
	CHECK_EQ(e.type, AMP_RSC_VDEV);
	CHECK_EQ(e.size, 28 + 40 + FW_CONFIG_LEN);
	CHECK_EQ(vd->id, AMP_VIRTIO_ID_RPMSG);
	CHECK_EQ(vd->notifyid, 9);
	CHECK_EQ(vd->dfeatures, 1);
	CHECK_EQ(vd->gfeatures, 0);
	CHECK_EQ(vd->config_len, FW_CONFIG_LEN);
	CHECK_EQ(vd->config_offset, FW_CONFIG);
	CHECK_EQ(vd->status, 0);
	CHECK_EQ(vd->num_of_vrings, 2);
	CHECK_EQ(vd->reserved[0], 0);
	CHECK_EQ(vd->reserved[1], 0);
	CHECK_EQ(vd->vring[0].da, 0x10200000);
	CHECK_EQ(vd->vring[0].align, 4096);
	CHECK_EQ(vd->vring[0].num, 256);
	CHECK_EQ(vd->vring[0].notifyid, 1);
	CHECK_EQ(vd->vring[1].da, AMP_FW_RSC_ADDR_ANY);
	CHECK_EQ(vd->vring[1].align, 16);
	CHECK_EQ(vd->vring[1].num, 32);
	CHECK_EQ(vd->vring[1].notifyid, 2);

	CHECK_EQ(amp_rsc_table_entry(t, 4, &e), AMP_RSC_OK);
	CHECK_EQ(e.offset, FW_VENDOR128);
	CHECK_EQ(e.type, 128);
	CHECK_EQ(e.size, 4);

	CHECK_EQ(amp_rsc_table_entry(t, 5, &e), AMP_RSC_OK);
	CHECK_EQ(e.index, 5);
	CHECK_EQ(e.offset, FW_VENDOR512);
	CHECK_EQ(e.type, 512);
	CHECK_EQ(e.size, 4);
}

static void test_firmware_table(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_rsc_finding f = {AMP_RSC_ENTRY_OVERLAP, 1, 2};
		struct amp_rsc_table t;
		struct tb tb;
		uint8_t *mem;

		fw_table(&tb, orders[o]);
		mem = tb_copy(&tb);
		CHECK_EQ(amp_rsc_table_open(&t, mem, FW_SIZE, orders[o]), AMP_RSC_OK);
		CHECK_EQ(amp_rsc_table_num(&t), FW_NUM);
		check_fw_entries(&t);
		CHECK_EQ(amp_rsc_table_check(&t, &f), AMP_RSC_OK);
		CHECK_EQ(f.problem, AMP_RSC_OK);
		CHECK_EQ(f.entry, AMP_RSC_MAX_ENTRIES);
		CHECK_EQ(f.other, AMP_RSC_MAX_ENTRIES);
		/* the config space is where config_offset says */
		CHECK_EQ(mem[FW_CONFIG], 0x11);
		CHECK_EQ(mem[FW_CONFIG + FW_CONFIG_LEN - 1], 0x88);
		free(mem);
	}
}

/* The little-endian image read as big-endian: ver reads 0x01000000. */
static void test_firmware_table_wrong_order(void)
{
	struct tb tb;
	struct run r;

	fw_table(&tb, AMP_LITTLE_ENDIAN);
	tb.order = AMP_BIG_ENDIAN;
	run(&tb, 0, &r);
	CHECK_OPEN_FAILS(r, AMP_RSC_BAD_VERSION);
}

static void test_empty_table(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct tb tb;
		struct run r;

		tb_begin(&tb, orders[o], 0, 16);
		run(&tb, 0, &r);
		CHECK_EQ(r.open, AMP_RSC_OK);
		CHECK_EQ(r.num, 0);
		CHECK_EQ(r.entry, AMP_RSC_PROBLEM_COUNT);
		CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
		/* bytes after the offset array (the rest of the section) change nothing */
		tb.size = 64;
		run(&tb, 0, &r);
		CHECK_EQ(r.open, AMP_RSC_OK);
		CHECK_EQ(r.num, 0);
		CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	}
}

/* ------------------------------------------------------------------ header */

static void test_header_short(void)
{
	for (size_t size = 0; size < AMP_RSC_HDR_SIZE; size++) {
		struct tb tb;
		struct run r;

		tb_begin(&tb, AMP_LITTLE_ENDIAN, 0, size);
		run(&tb, 0, &r);
		CHECK_OPEN_FAILS(r, AMP_RSC_TABLE_SHORT);
	}
}

static void test_header_null(void)
{
	static const size_t sizes[] = {0, 16, 4096};

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct amp_rsc_table t;

		CHECK_EQ(amp_rsc_table_open(&t, NULL, sizes[k], AMP_LITTLE_ENDIAN),
			 AMP_RSC_TABLE_SHORT);
		CHECK_EQ(amp_rsc_table_num(&t), 0);
	}
}

static void test_header_version(void)
{
	static const uint32_t bad[] = {0, 2, 0xffffffff};

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
			struct tb tb;
			struct run r;

			tb_begin(&tb, orders[o], 0, 16);
			tb_u32(&tb, 0, bad[k]);
			run(&tb, 0, &r);
			CHECK_OPEN_FAILS(r, AMP_RSC_BAD_VERSION);
			/* the version is judged first */
			tb_u32(&tb, 8, 1);
			tb_u32(&tb, 4, 0xffffffff);
			run(&tb, 0, &r);
			CHECK_OPEN_FAILS(r, AMP_RSC_BAD_VERSION);
		}
	}
}

static void test_header_reserved(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (unsigned int word = 0; word < 2; word++) {
			struct tb tb;
			struct run r;

			tb_begin(&tb, orders[o], 0, 16);
			tb_u32(&tb, 8 + 4 * word, 1);
			run(&tb, 0, &r);
			CHECK_OPEN_FAILS(r, AMP_RSC_HDR_RESERVED);
			tb_u32(&tb, 8 + 4 * word, 0x80000000);
			run(&tb, 0, &r);
			CHECK_OPEN_FAILS(r, AMP_RSC_HDR_RESERVED);
			/* judged before the offset array */
			tb_u32(&tb, 4, 5);
			run(&tb, 0, &r);
			CHECK_OPEN_FAILS(r, AMP_RSC_HDR_RESERVED);
		}
	}
}

static void test_header_offsets_truncated(void)
{
	/*
	 * 16 + 4 * num, computed in 32 bits, wraps to 12, 16, 16 and 0 for these: a reader doing
	 * that would accept a 16-byte table.
	 */
	static const uint32_t wraps[] = {0xffffffff, 0x40000000, 0xc0000000, 0xfffffffc};
	struct tb tb;
	struct run r;

	tb_begin(&tb, AMP_LITTLE_ENDIAN, 1, 16);
	run(&tb, 0, &r);
	CHECK_OPEN_FAILS(r, AMP_RSC_OFFSETS_TRUNCATED);
	tb.size = 19;
	run(&tb, 0, &r);
	CHECK_OPEN_FAILS(r, AMP_RSC_OFFSETS_TRUNCATED);
	tb_begin(&tb, AMP_BIG_ENDIAN, 3, 27);
	run(&tb, 0, &r);
	CHECK_OPEN_FAILS(r, AMP_RSC_OFFSETS_TRUNCATED);
	/* the offset array fits exactly: the header is fine (entry 0 then points at 0) */
	tb.size = 28;
	run(&tb, 0, &r);
	CHECK_EQ(r.open, AMP_RSC_OK);
	CHECK_EQ(r.num, 3);
	for (size_t k = 0; k < ARRAY_SIZE(wraps); k++) {
		tb_begin(&tb, AMP_LITTLE_ENDIAN, wraps[k], 16);
		run(&tb, 0, &r);
		CHECK_OPEN_FAILS(r, AMP_RSC_OFFSETS_TRUNCATED);
		tb.size = 4096;
		run(&tb, 0, &r);
		CHECK_OPEN_FAILS(r, AMP_RSC_OFFSETS_TRUNCATED);
	}
}

static void test_header_entry_count(void)
{
	static struct tb tb;
	struct run r;

	tb_begin(&tb, AMP_LITTLE_ENDIAN, AMP_RSC_MAX_ENTRIES + 1, 16 + 4 * 1025);
	run(&tb, 0, &r);
	CHECK_OPEN_FAILS(r, AMP_RSC_TOO_MANY_ENTRIES);
	/* a truncated offset array is reported first */
	tb.size--;
	run(&tb, 0, &r);
	CHECK_OPEN_FAILS(r, AMP_RSC_OFFSETS_TRUNCATED);

	/* 1024 vendor entries, back to back after the offsets: the most a table may have */
	tb_begin(&tb, AMP_BIG_ENDIAN, AMP_RSC_MAX_ENTRIES, TB_MAX);
	for (uint32_t i = 0; i < AMP_RSC_MAX_ENTRIES; i++) {
		uint32_t off = 16 + 4 * AMP_RSC_MAX_ENTRIES + 4 * i;

		tb_offset(&tb, i, off);
		tb_u32(&tb, off, AMP_RSC_VENDOR_START + i % 385);
	}
	run(&tb, AMP_RSC_MAX_ENTRIES - 1, &r);
	CHECK_EQ(r.open, AMP_RSC_OK);
	CHECK_EQ(r.num, AMP_RSC_MAX_ENTRIES);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_EQ(r.e.offset, TB_MAX - 4);
	CHECK_EQ(r.e.type, AMP_RSC_VENDOR_START + 1023 % 385);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
}

/* ------------------------------------------------------------------ entry position */

/* Two entries, table of 64 bytes: a vendor entry at 24, entry 1 at @off. */
static void two_entries(struct tb *tb, uint32_t off)
{
	tb_begin(tb, AMP_LITTLE_ENDIAN, 2, 64);
	tb_offset(tb, 0, 24);
	tb_u32(tb, 24, 128);
	tb_offset(tb, 1, off);
}

static void test_offset_range(void)
{
	/* inside the header, inside the offset array, at or past the end; the last two wrap
	 * offset + 4 in 32 bits */
	static const uint32_t bad[] = {0,  4,          8,          12,         16,
				       20, 61,         62,         63,         64,
				       68, 0x80000000, 0xfffffffc, 0xfffffffd, 0xffffffff};

	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct tb tb;
		struct run r;

		two_entries(&tb, bad[k]);
		run(&tb, 1, &r);
		CHECK_EQ(r.entry, AMP_RSC_OFFSET_RANGE);
		CHECK_EQ(r.e.offset, bad[k]);
		CHECK_EQ(r.e.type, 0);
		CHECK_EQ(r.e.size, 4);
		CHECK_FINDING(r, AMP_RSC_OFFSET_RANGE, 1, 1);
	}
}

static void test_offset_edges_valid(void)
{
	struct tb tb;
	struct run r;

	/* the last four bytes of the table */
	two_entries(&tb, 60);
	tb_u32(&tb, 60, 129);
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_EQ(r.e.type, 129);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	/* right after the offset array */
	tb_offset(&tb, 0, 60);
	tb_offset(&tb, 1, 24);
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_EQ(r.e.offset, 24);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
}

static void test_offset_align(void)
{
	static const uint32_t bad[] = {25, 26, 27, 42, 57, 58, 59};

	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct tb tb;
		struct run r;

		two_entries(&tb, bad[k]);
		run(&tb, 1, &r);
		CHECK_EQ(r.entry, AMP_RSC_OFFSET_ALIGN);
		CHECK_EQ(r.e.offset, bad[k]);
		CHECK_EQ(r.e.type, 0);
		CHECK_EQ(r.e.size, 4);
		/* no position: not compared with entry 0, which it would overlap */
		CHECK_FINDING(r, AMP_RSC_OFFSET_ALIGN, 1, 1);
	}
}

/* ------------------------------------------------------------------ truncated entries */

/* One entry at 20 of each fixed size, full length @size; the builders write it whole. */
struct fixed_case {
	const char *what;
	uint32_t type;
	uint32_t size;
};

static const struct fixed_case fixed_cases[] = {
	{"carveout", AMP_RSC_CARVEOUT, 56},
	{"devmem", AMP_RSC_DEVMEM, 56},
	{"trace", AMP_RSC_TRACE, 48},
	/* a vdev of another device type with no vrings and no config: its 28 fixed bytes */
	{"vdev", AMP_RSC_VDEV, 28},
};

static void fixed_entry(struct tb *tb, enum amp_byte_order order, const struct fixed_case *c)
{
	tb_begin(tb, order, 1, 20 + c->size);
	tb_offset(tb, 0, 20);
	if (c->type == AMP_RSC_TRACE)
		tb_trace(tb, 20, 0x1000, 0x100, c->what);
	else if (c->type == AMP_RSC_VDEV)
		tb_vdev(tb, 20, 3, 0, 0, 0, 0);
	else
		tb_mem(tb, 20, c->type, 0x1000, 0x2000, 0x100, 0, c->what);
}

static void test_fixed_entries_truncated(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (size_t k = 0; k < ARRAY_SIZE(fixed_cases); k++) {
			const struct fixed_case *c = &fixed_cases[k];
			struct tb tb;
			struct run r;

			fixed_entry(&tb, orders[o], c);
			run(&tb, 0, &r);
			CHECK_EQ(r.entry, AMP_RSC_OK);
			CHECK_EQ(r.e.size, c->size);
			CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
			tb.size--;
			run(&tb, 0, &r);
			CHECK_EQ(r.entry, AMP_RSC_ENTRY_TRUNCATED);
			CHECK_EQ(r.e.type, c->type);
			CHECK_EQ(r.e.offset, 20);
			CHECK_FINDING(r, AMP_RSC_ENTRY_TRUNCATED, 0, 0);
		}
	}
}

/*
 * A truncated entry's size is what it occupies of the table ("What fits is still the entry's",
 * as rsc_table.c says for a vdev whose vrings or config space are cut): never past the end.
 */
static void test_truncated_entry_size_within_table(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(fixed_cases); k++) {
		struct tb tb;
		struct run r;

		fixed_entry(&tb, AMP_LITTLE_ENDIAN, &fixed_cases[k]);
		tb.size--;
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, AMP_RSC_ENTRY_TRUNCATED);
		if (r.e.size != fixed_cases[k].size - 1)
			fprintf(stderr, "truncated %s:\n", fixed_cases[k].what);
		CHECK_EQ(r.e.size, fixed_cases[k].size - 1);
	}
}

static void test_vdev_truncated(void)
{
	/*
	 * config_len near 2^32: 28 + 40 + config_len in 32 bits wraps to 67 and 48, which would
	 * fit the 168-byte table.
	 */
	static const uint32_t huge[] = {0xffffffff, 0xffffffec};
	struct tb tb;
	struct run r;

	/* two vrings, cut in the second */
	tb_begin(&tb, AMP_LITTLE_ENDIAN, 1, 20 + 68 - 1);
	tb_offset(&tb, 0, 20);
	tb_rpmsg(&tb, 20, 1, 2);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_ENTRY_TRUNCATED);
	CHECK_EQ(r.e.type, AMP_RSC_VDEV);
	CHECK_EQ(r.e.size, 67);
	CHECK_FINDING(r, AMP_RSC_ENTRY_TRUNCATED, 0, 0);
	/* the same vdev with 8 bytes of config space, cut in it */
	tb_u32(&tb, 20 + 20, 8);
	tb.size = 20 + 76 - 1;
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_ENTRY_TRUNCATED);
	CHECK_EQ(r.e.size, 75);
	/* and whole */
	tb.size = 20 + 76;
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_EQ(r.e.size, 76);
	CHECK_EQ(r.e.u.vdev.config_offset, 88);
	CHECK_EQ(r.e.u.vdev.config_offset + r.e.u.vdev.config_len, tb.size);
	for (size_t k = 0; k < ARRAY_SIZE(huge); k++) {
		tb_u32(&tb, 20 + 20, huge[k]);
		tb.size = 168;
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, AMP_RSC_ENTRY_TRUNCATED);
		CHECK_EQ(r.e.u.vdev.config_len, huge[k]);
		CHECK_EQ(r.e.size, 148);
		CHECK_FINDING(r, AMP_RSC_ENTRY_TRUNCATED, 0, 0);
	}
	/* 255 vrings and the largest config space */
	tb_u8(&tb, 20 + 25, 255);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_ENTRY_TRUNCATED);
	CHECK_EQ(r.e.size, 148);
}

/* ------------------------------------------------------------------ entry fields */

static void test_entry_reserved(void)
{
	for (size_t k = 0; k < 3; k++) {
		const struct fixed_case *c = &fixed_cases[k];
		uint32_t reserved_at = c->type == AMP_RSC_TRACE ? 12 : 20;
		struct tb tb;
		struct run r;

		fixed_entry(&tb, AMP_BIG_ENDIAN, c);
		tb_u32(&tb, 20 + reserved_at, 0x80000001);
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, AMP_RSC_ENTRY_RESERVED);
		CHECK_EQ(c->type == AMP_RSC_TRACE ? r.e.u.trace.reserved : r.e.u.mem.reserved,
			 0x80000001);
		CHECK(!strcmp(c->type == AMP_RSC_TRACE ? r.e.u.trace.name : r.e.u.mem.name,
			      c->what));
		CHECK_FINDING(r, AMP_RSC_ENTRY_RESERVED, 0, 0);
	}
	for (unsigned int byte = 0; byte < 2; byte++) {
		struct tb tb;
		struct run r;

		tb_begin(&tb, AMP_LITTLE_ENDIAN, 1, 20 + 68);
		tb_offset(&tb, 0, 20);
		tb_rpmsg(&tb, 20, 1, 2);
		tb_u8(&tb, 20 + 26 + byte, 0x80);
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, AMP_RSC_ENTRY_RESERVED);
		CHECK_EQ(r.e.u.vdev.reserved[byte], 0x80);
		CHECK_EQ(r.e.u.vdev.reserved[1 - byte], 0);
		CHECK_EQ(r.e.u.vdev.num_of_vrings, 2);
		CHECK_FINDING(r, AMP_RSC_ENTRY_RESERVED, 0, 0);
	}
}

/* A vdev of device type @id with @n vrings (num 16, align 64) at 20, the table just fits. */
static void vdev_with(struct tb *tb, uint32_t id, uint8_t n)
{
	tb_begin(tb, AMP_LITTLE_ENDIAN, 1, 20 + 28 + 20 * (size_t)n);
	tb_offset(tb, 0, 20);
	tb_vdev(tb, 20, id, 0, 0, 0, n);
	for (unsigned int k = 0; k < n; k++)
		tb_vring(tb, 20, k, AMP_FW_RSC_ADDR_ANY, 64, 16, k);
}

static void test_vdev_vrings(void)
{
	static const struct {
		uint32_t id;
		uint8_t n;
		enum amp_rsc_problem expect;
	} cases[] = {
		{AMP_VIRTIO_ID_RPMSG, 3, AMP_RSC_VDEV_VRINGS},
		{AMP_VIRTIO_ID_RPMSG, 1, AMP_RSC_VDEV_VRINGS},
		{AMP_VIRTIO_ID_RPMSG, 0, AMP_RSC_VDEV_VRINGS},
		{3, 3, AMP_RSC_VDEV_VRINGS},
		{3, 1, AMP_RSC_OK},
	};

	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		struct tb tb;
		struct run r;

		vdev_with(&tb, cases[k].id, cases[k].n);
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, cases[k].expect);
		CHECK_EQ(r.e.size, 28 + 20 * cases[k].n);
		CHECK_EQ(r.e.u.vdev.id, cases[k].id);
		CHECK_EQ(r.e.u.vdev.num_of_vrings, cases[k].n);
		CHECK_EQ(r.check, cases[k].expect);
	}
	{
		struct tb tb;
		struct run r;

		vdev_with(&tb, 3, 1);
		run(&tb, 0, &r);
		CHECK_EQ(r.e.u.vdev.vring[0].da, AMP_FW_RSC_ADDR_ANY);
		CHECK_EQ(r.e.u.vdev.vring[0].align, 64);
		CHECK_EQ(r.e.u.vdev.vring[0].num, 16);
		CHECK_EQ(r.e.u.vdev.vring[0].notifyid, 0);
		CHECK_EQ(r.e.u.vdev.config_offset, 68);
		CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	}
}

/*
 * "When the entry is truncated, only its type, offset and size are meaningful": for any other
 * problem the decoded fields are. A vdev with a reserved byte set, with three vrings, or with an
 * invalid vring 0 still shows its first two vrings as the table declares them.
 */
static void test_vdev_vrings_decoded_despite_error(void)
{
	for (unsigned int c = 0; c < 3; c++) {
		struct tb tb;
		struct run r;

		tb_begin(&tb, AMP_LITTLE_ENDIAN, 1, 20 + 28 + 3 * 20);
		tb_offset(&tb, 0, 20);
		tb_vdev(&tb, 20, AMP_VIRTIO_ID_RPMSG, 0, 1, 0, 2);
		tb_vring(&tb, 20, 0, 0x1000, 4096, 256, 1);
		tb_vring(&tb, 20, 1, 0x2000, 64, 16, 2);
		if (c == 0)
			tb_u8(&tb, 20 + 26, 1);
		else if (c == 1)
			tb_u8(&tb, 20 + 25, 3);
		else
			tb_vring(&tb, 20, 0, 0x1000, 4096, 3, 1);
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, c == 0   ? AMP_RSC_ENTRY_RESERVED
				  : c == 1 ? AMP_RSC_VDEV_VRINGS
					   : AMP_RSC_VRING_NUM);
		CHECK_EQ(r.e.u.vdev.vring[0].da, 0x1000);
		CHECK_EQ(r.e.u.vdev.vring[0].num, c == 2 ? 3 : 256);
		CHECK_EQ(r.e.u.vdev.vring[1].da, 0x2000);
		CHECK_EQ(r.e.u.vdev.vring[1].align, 64);
		CHECK_EQ(r.e.u.vdev.vring[1].num, 16);
		CHECK_EQ(r.e.u.vdev.vring[1].notifyid, 2);
	}
}

/* An rpmsg vdev at 20 whose vring @k has @align and @num (the other vring is valid). */
static void vring_case(struct tb *tb, unsigned int k, uint32_t align, uint32_t num)
{
	tb_begin(tb, AMP_BIG_ENDIAN, 1, 20 + 68);
	tb_offset(tb, 0, 20);
	tb_rpmsg(tb, 20, 1, 2);
	tb_vring(tb, 20, k, AMP_FW_RSC_ADDR_ANY, align, num, 1 + k);
}

static void test_vring_num(void)
{
	static const struct {
		uint32_t num;
		enum amp_rsc_problem expect;
	} cases[] = {
		{0, AMP_RSC_VRING_NUM},
		{3, AMP_RSC_VRING_NUM},
		{255, AMP_RSC_VRING_NUM},
		{65536, AMP_RSC_VRING_NUM},
		{0x80000000, AMP_RSC_VRING_NUM},
		{1, AMP_RSC_OK},
		{32768, AMP_RSC_OK},
	};

	for (unsigned int k = 0; k < 2; k++) {
		for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
			struct tb tb;
			struct run r;

			vring_case(&tb, k, 4096, cases[c].num);
			run(&tb, 0, &r);
			CHECK_EQ(r.entry, cases[c].expect);
			CHECK_EQ(r.e.u.vdev.vring[k].num, cases[c].num);
			CHECK_EQ(r.check, cases[c].expect);
			CHECK_EQ(r.f.entry, cases[c].expect ? 0 : AMP_RSC_MAX_ENTRIES);
		}
	}
}

static void test_vring_align(void)
{
	static const struct {
		uint32_t align;
		enum amp_rsc_problem expect;
	} cases[] = {
		{0, AMP_RSC_VRING_ALIGN},
		{3, AMP_RSC_VRING_ALIGN},
		{4097, AMP_RSC_VRING_ALIGN},
		{0xffffffff, AMP_RSC_VRING_ALIGN},
		{1, AMP_RSC_OK},
		{4, AMP_RSC_OK},
		{0x80000000, AMP_RSC_OK},
	};
	struct tb tb;
	struct run r;

	for (unsigned int k = 0; k < 2; k++) {
		for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
			vring_case(&tb, k, cases[c].align, 256);
			run(&tb, 0, &r);
			CHECK_EQ(r.entry, cases[c].expect);
			CHECK_EQ(r.e.u.vdev.vring[k].align, cases[c].align);
			CHECK_EQ(r.check, cases[c].expect);
		}
	}
	/* num and align both wrong: num is reported */
	vring_case(&tb, 0, 3, 3);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_VRING_NUM);
	/* vring 0 is judged before vring 1 */
	vring_case(&tb, 0, 0, 256);
	tb_vring(&tb, 20, 1, 0, 4096, 7, 2);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_VRING_ALIGN);
}

/* ------------------------------------------------------------------ across entries */

static void test_overlap(void)
{
	struct tb tb;
	struct run r;

	/* a carveout at 24..80 and a trace at 76..124: four bytes shared */
	tb_begin(&tb, AMP_LITTLE_ENDIAN, 2, 124);
	tb_offset(&tb, 0, 24);
	tb_mem(&tb, 24, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, 0, "text");
	tb_offset(&tb, 1, 76);
	tb_trace(&tb, 76, 0x2000, 0x100, "trace");
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_FINDING(r, AMP_RSC_ENTRY_OVERLAP, 0, 1);

	/* the later entry first in memory: the pair is still (0, 1) */
	tb_offset(&tb, 0, 76);
	tb_offset(&tb, 1, 24);
	run(&tb, 0, &r);
	CHECK_FINDING(r, AMP_RSC_ENTRY_OVERLAP, 0, 1);

	/* adjacent, nothing shared */
	tb_begin(&tb, AMP_LITTLE_ENDIAN, 2, 128);
	tb_offset(&tb, 0, 24);
	tb_mem(&tb, 24, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, 0, "text");
	tb_offset(&tb, 1, 80);
	tb_trace(&tb, 80, 0x2000, 0x100, "trace");
	run(&tb, 1, &r);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	/* the same two, the later entry first in memory */
	tb_begin(&tb, AMP_LITTLE_ENDIAN, 2, 128);
	tb_offset(&tb, 0, 72);
	tb_mem(&tb, 72, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, 0, "text");
	tb_offset(&tb, 1, 24);
	tb_trace(&tb, 24, 0x2000, 0x100, "trace");
	run(&tb, 1, &r);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);

	/* the same offset twice */
	tb_offset(&tb, 1, 72);
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_FINDING(r, AMP_RSC_ENTRY_OVERLAP, 0, 1);

	/* a vendor entry's type word inside the carveout's name; entries 1 and 2 overlap */
	tb_begin(&tb, AMP_BIG_ENDIAN, 3, 88);
	tb_offset(&tb, 0, 28);
	tb_u32(&tb, 28, 200);
	tb_offset(&tb, 1, 32);
	tb_mem(&tb, 32, AMP_RSC_DEVMEM, 0x1000, 0x1000, 0x1000, 0, "");
	tb_offset(&tb, 2, 60);
	tb_u32(&tb, 60, 300);
	run(&tb, 2, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_FINDING(r, AMP_RSC_ENTRY_OVERLAP, 1, 2);

	/* a vdev's vrings and config space are its own: a vendor entry in its config space */
	tb_begin(&tb, AMP_LITTLE_ENDIAN, 2, 24 + 76);
	tb_offset(&tb, 0, 24);
	tb_rpmsg(&tb, 24, 1, 2);
	tb_u32(&tb, 24 + 20, 8);
	tb_offset(&tb, 1, 96);
	tb_u32(&tb, 96, 128);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_EQ(r.e.size, 76);
	CHECK_FINDING(r, AMP_RSC_ENTRY_OVERLAP, 0, 1);
}

/* Two rpmsg vdevs at 24 and 92, vring notify ids @a0, @a1 and @b0, @b1. */
static void two_vdevs(struct tb *tb, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
	tb_begin(tb, AMP_LITTLE_ENDIAN, 2, 24 + 2 * 68);
	tb_offset(tb, 0, 24);
	tb_rpmsg(tb, 24, a0, a1);
	tb_offset(tb, 1, 92);
	tb_rpmsg(tb, 92, b0, b1);
}

static void test_notifyid_dup(void)
{
	const uint32_t any = AMP_FW_RSC_ADDR_ANY;
	struct tb tb;
	struct run r;

	two_vdevs(&tb, 0, 1, 2, 3);
	run(&tb, 1, &r);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	/* both vrings of vdev 1 */
	two_vdevs(&tb, 0, 1, 5, 5);
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_FINDING(r, AMP_RSC_NOTIFYID_DUP, 1, 1);
	/* vring 1 of vdev 0 and vring 0 of vdev 1 */
	two_vdevs(&tb, 0, 2, 2, 3);
	run(&tb, 1, &r);
	CHECK_FINDING(r, AMP_RSC_NOTIFYID_DUP, 0, 1);
	/* "let the host choose", many times over */
	two_vdevs(&tb, any, any, any, any);
	run(&tb, 1, &r);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	two_vdevs(&tb, any, 4, any, 5);
	run(&tb, 1, &r);
	CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	/* a vdev with an error is not compared: its own problem is the finding */
	two_vdevs(&tb, 0, 2, 2, 3);
	tb_vring(&tb, 92, 1, any, 4096, 3, 3);
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_VRING_NUM);
	CHECK_FINDING(r, AMP_RSC_VRING_NUM, 1, 1);
}

/* ------------------------------------------------------------------ warnings */

static void test_unknown_types(void)
{
	static const uint32_t unknown[] = {4, 127, 513, 0xffffffff};
	static const uint32_t vendor[] = {128, 300, 512};
	struct tb tb;
	struct run r;

	for (size_t k = 0; k < ARRAY_SIZE(unknown); k++) {
		two_entries(&tb, 40);
		tb_u32(&tb, 40, unknown[k]);
		run(&tb, 1, &r);
		CHECK_EQ(r.open, AMP_RSC_OK);
		CHECK_EQ(r.entry, AMP_RSC_WARN_UNKNOWN_TYPE);
		CHECK_EQ(r.e.type, unknown[k]);
		CHECK_EQ(r.e.size, 4);
		CHECK_FINDING(r, AMP_RSC_WARN_UNKNOWN_TYPE, 1, 1);
		CHECK(!amp_rsc_problem_is_error(r.check));
	}
	for (size_t k = 0; k < ARRAY_SIZE(vendor); k++) {
		two_entries(&tb, 40);
		tb_u32(&tb, 40, vendor[k]);
		run(&tb, 1, &r);
		CHECK_EQ(r.entry, AMP_RSC_OK);
		CHECK_EQ(r.e.size, 4);
		CHECK_FINDING(r, AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES);
	}
}

static void test_name_unterminated(void)
{
	for (size_t k = 0; k < 3; k++) {
		const struct fixed_case *c = &fixed_cases[k];
		uint32_t name_at = 20 + (c->type == AMP_RSC_TRACE ? 16 : 24);
		const char *name;
		struct tb tb;
		struct run r;

		fixed_entry(&tb, AMP_LITTLE_ENDIAN, c);
		tb_name(&tb, name_at, NAME32);
		run(&tb, 0, &r);
		name = c->type == AMP_RSC_TRACE ? r.e.u.trace.name : r.e.u.mem.name;
		CHECK_EQ(r.entry, AMP_RSC_WARN_NAME_UNTERMINATED);
		CHECK(!strcmp(name, NAME32));
		CHECK_FINDING(r, AMP_RSC_WARN_NAME_UNTERMINATED, 0, 0);
		/* 31 characters and a NUL are fine */
		tb_u8(&tb, name_at + 31, 0);
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, AMP_RSC_OK);
		CHECK_EQ(strlen(c->type == AMP_RSC_TRACE ? r.e.u.trace.name : r.e.u.mem.name), 31);
		/* the reserved field is an error, reported over the warning */
		tb_u8(&tb, name_at + 31, 'x');
		tb_u32(&tb, name_at - 4, 1);
		run(&tb, 0, &r);
		CHECK_EQ(r.entry, AMP_RSC_ENTRY_RESERVED);
		CHECK_FINDING(r, AMP_RSC_ENTRY_RESERVED, 0, 0);
	}
}

static void test_vdev_host_fields(void)
{
	struct tb tb;
	struct run r;

	tb_begin(&tb, AMP_BIG_ENDIAN, 1, 20 + 68);
	tb_offset(&tb, 0, 20);
	tb_rpmsg(&tb, 20, 1, 2);
	tb_u32(&tb, 20 + 16, 0x1);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_WARN_VDEV_HOST_FIELDS);
	CHECK_EQ(r.e.u.vdev.gfeatures, 1);
	CHECK_EQ(r.e.u.vdev.vring[1].notifyid, 2);
	CHECK_FINDING(r, AMP_RSC_WARN_VDEV_HOST_FIELDS, 0, 0);
	tb_u32(&tb, 20 + 16, 0);
	tb_u8(&tb, 20 + 24, 0x07); /* ACKNOWLEDGE | DRIVER | DRIVER_OK */
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_WARN_VDEV_HOST_FIELDS);
	CHECK_EQ(r.e.u.vdev.status, 7);
	CHECK_FINDING(r, AMP_RSC_WARN_VDEV_HOST_FIELDS, 0, 0);
	/* an invalid vring is reported over the warning */
	tb_vring(&tb, 20, 1, AMP_FW_RSC_ADDR_ANY, 4096, 0, 2);
	run(&tb, 0, &r);
	CHECK_EQ(r.entry, AMP_RSC_VRING_NUM);
	CHECK_FINDING(r, AMP_RSC_VRING_NUM, 0, 0);
}

/* Entries at 28 (an unknown type), 32 (a carveout, 56 bytes, its name unterminated) and
 * @trace (a trace, 48 bytes); 136 bytes. */
static void three_entries(struct tb *tb, uint32_t trace)
{
	tb_begin(tb, AMP_LITTLE_ENDIAN, 3, 136);
	tb_offset(tb, 0, 28);
	tb_u32(tb, 28, 4);
	tb_offset(tb, 1, 32);
	tb_mem(tb, 32, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, 0, NAME32);
	tb_offset(tb, 2, trace);
	tb_trace(tb, trace, 0x2000, 0x100, "trace");
}

static void test_check_first_finding(void)
{
	struct tb tb;
	struct run r;

	/* two warnings and no error: the first warning */
	three_entries(&tb, 88);
	run(&tb, 0, &r);
	CHECK_FINDING(r, AMP_RSC_WARN_UNKNOWN_TYPE, 0, 0);
	tb_u32(&tb, 28, 128);
	run(&tb, 0, &r);
	CHECK_FINDING(r, AMP_RSC_WARN_NAME_UNTERMINATED, 1, 1);
	/* warnings first, then an error: the error */
	three_entries(&tb, 88);
	tb_u32(&tb, 88 + 12, 1);
	run(&tb, 2, &r);
	CHECK_EQ(r.entry, AMP_RSC_ENTRY_RESERVED);
	CHECK_FINDING(r, AMP_RSC_ENTRY_RESERVED, 2, 2);
	/* two errors: the first */
	tb_u32(&tb, 32 + 20, 1);
	run(&tb, 2, &r);
	CHECK_FINDING(r, AMP_RSC_ENTRY_RESERVED, 1, 1);
	/* warnings, then an overlap */
	three_entries(&tb, 84);
	run(&tb, 2, &r);
	CHECK_EQ(r.entry, AMP_RSC_OK);
	CHECK_FINDING(r, AMP_RSC_ENTRY_OVERLAP, 1, 2);
}

/*
 * "every check: each entry, then overlaps and notify ids across entries": entry 1's own error
 * comes before the overlap of entries 0 and 2 (Linux, which has no overlap check, rejects
 * the table at entry 1).
 */
static void test_check_entry_problems_before_cross_checks(void)
{
	struct tb tb;
	struct run r;

	tb_begin(&tb, AMP_LITTLE_ENDIAN, 3, 84 + 56);
	tb_offset(&tb, 0, 28);
	tb_mem(&tb, 28, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, 0, "text");
	tb_offset(&tb, 1, 84);
	tb_mem(&tb, 84, AMP_RSC_CARVEOUT, 0x2000, 0x2000, 0x1000, 0, "data");
	tb_u32(&tb, 84 + 20, 1);
	tb_offset(&tb, 2, 56); /* inside entry 0's name */
	tb_u32(&tb, 56, 128);
	run(&tb, 1, &r);
	CHECK_EQ(r.entry, AMP_RSC_ENTRY_RESERVED);
	CHECK_FINDING(r, AMP_RSC_ENTRY_RESERVED, 1, 1);
}

/* ------------------------------------------------------------------ find */

static void test_find_firmware_table(void)
{
	static const struct {
		uint32_t type, nth, index, offset;
	} found[] = {
		{AMP_RSC_CARVEOUT, 0, 0, FW_CARVEOUT},
		{AMP_RSC_DEVMEM, 0, 1, FW_DEVMEM},
		{AMP_RSC_TRACE, 0, 2, FW_TRACE},
		{AMP_RSC_VDEV, 0, 3, FW_VDEV},
		{128, 0, 4, FW_VENDOR128},
		{512, 0, 5, FW_VENDOR512},
	};
	static const struct {
		uint32_t type, nth;
	} absent[] = {{AMP_RSC_CARVEOUT, 1}, {AMP_RSC_VDEV, 1}, {4, 0}, {300, 0}};
	struct amp_rsc_table t;
	struct amp_rsc_entry e;
	struct tb tb;
	uint8_t *mem;

	fw_table(&tb, AMP_BIG_ENDIAN);
	mem = tb_copy(&tb);
	CHECK_EQ(amp_rsc_table_open(&t, mem, tb.size, tb.order), AMP_RSC_OK);
	for (size_t k = 0; k < ARRAY_SIZE(found); k++) {
		CHECK_EQ(amp_rsc_table_find(&t, found[k].type, found[k].nth, &e), 0);
		CHECK_EQ(e.index, found[k].index);
		CHECK_EQ(e.offset, found[k].offset);
		CHECK_EQ(e.type, found[k].type);
		CHECK_EQ(e.problem, AMP_RSC_OK);
	}
	CHECK_EQ(amp_rsc_table_find(&t, AMP_RSC_VDEV, 0, &e), 0);
	CHECK_EQ(e.u.vdev.config_offset, FW_CONFIG);
	CHECK_EQ(e.u.vdev.vring[1].num, 32);
	for (size_t k = 0; k < ARRAY_SIZE(absent); k++)
		CHECK_EQ(amp_rsc_table_find(&t, absent[k].type, absent[k].nth, &e), -AMP_ENOENT);
	free(mem);
}

/* Entries with an error are skipped, entries with a warning are not; @nth counts what is found. */
static void test_find_skips_errors(void)
{
	struct amp_rsc_table t;
	struct amp_rsc_entry e;
	struct tb tb;
	uint8_t *mem;

	tb_begin(&tb, AMP_LITTLE_ENDIAN, 3, 28 + 3 * 56);
	tb_offset(&tb, 0, 28);
	tb_mem(&tb, 28, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, 0, "reserved set");
	tb_u32(&tb, 28 + 20, 1);
	tb_offset(&tb, 1, 84);
	tb_mem(&tb, 84, AMP_RSC_CARVEOUT, 0x2000, 0x2000, 0x1000, 0, NAME32);
	tb_offset(&tb, 2, 140);
	tb_mem(&tb, 140, AMP_RSC_CARVEOUT, 0x3000, 0x3000, 0x1000, 0, "fine");
	mem = tb_copy(&tb);
	CHECK_EQ(amp_rsc_table_open(&t, mem, tb.size, tb.order), AMP_RSC_OK);
	CHECK_EQ(amp_rsc_table_find(&t, AMP_RSC_CARVEOUT, 0, &e), 0);
	CHECK_EQ(e.index, 1);
	CHECK_EQ(e.problem, AMP_RSC_WARN_NAME_UNTERMINATED);
	CHECK_EQ(e.u.mem.da, 0x2000);
	CHECK_EQ(amp_rsc_table_find(&t, AMP_RSC_CARVEOUT, 1, &e), 0);
	CHECK_EQ(e.index, 2);
	CHECK(!strcmp(e.u.mem.name, "fine"));
	CHECK_EQ(amp_rsc_table_find(&t, AMP_RSC_CARVEOUT, 2, &e), -AMP_ENOENT);
	free(mem);

	tb_begin(&tb, AMP_LITTLE_ENDIAN, 0, 16);
	mem = tb_copy(&tb);
	CHECK_EQ(amp_rsc_table_open(&t, mem, tb.size, tb.order), AMP_RSC_OK);
	CHECK_EQ(amp_rsc_table_find(&t, AMP_RSC_CARVEOUT, 0, &e), -AMP_ENOENT);
	free(mem);
}

/* ------------------------------------------------------------------ names */

static void test_problem_names(void)
{
	for (int p = 0; p < AMP_RSC_PROBLEM_COUNT; p++) {
		const char *name = amp_rsc_problem_name((enum amp_rsc_problem)p);

		REQUIRE(name);
		CHECK(name[0]);
		CHECK(strcmp(name, "unknown problem"));
		for (int q = 0; q < p; q++)
			CHECK(strcmp(name, amp_rsc_problem_name((enum amp_rsc_problem)q)));
	}
	CHECK(!strcmp(amp_rsc_problem_name(AMP_RSC_OK), "ok"));
	CHECK(!strcmp(amp_rsc_problem_name(AMP_RSC_PROBLEM_COUNT), "unknown problem"));
	CHECK(!strcmp(amp_rsc_problem_name((enum amp_rsc_problem)1000), "unknown problem"));
}

static void test_type_names(void)
{
	static const struct {
		uint32_t type;
		const char *name;
	} cases[] = {
		{0, "carveout"},  {1, "devmem"},           {2, "trace"},
		{3, "vdev"},      {4, "unknown"},          {127, "unknown"},
		{128, "vendor"},  {300, "vendor"},         {512, "vendor"},
		{513, "unknown"}, {0xffffffff, "unknown"},
	};

	for (size_t k = 0; k < ARRAY_SIZE(cases); k++)
		CHECK(!strcmp(amp_rsc_type_name(cases[k].type), cases[k].name));
}

static void test_problem_is_error(void)
{
	static const bool error[AMP_RSC_PROBLEM_COUNT] = {
		[AMP_RSC_OK] = false,
		[AMP_RSC_TABLE_SHORT] = true,
		[AMP_RSC_BAD_VERSION] = true,
		[AMP_RSC_HDR_RESERVED] = true,
		[AMP_RSC_OFFSETS_TRUNCATED] = true,
		[AMP_RSC_TOO_MANY_ENTRIES] = true,
		[AMP_RSC_OFFSET_RANGE] = true,
		[AMP_RSC_OFFSET_ALIGN] = true,
		[AMP_RSC_ENTRY_TRUNCATED] = true,
		[AMP_RSC_ENTRY_OVERLAP] = true,
		[AMP_RSC_ENTRY_RESERVED] = true,
		[AMP_RSC_VDEV_VRINGS] = true,
		[AMP_RSC_VRING_NUM] = true,
		[AMP_RSC_VRING_ALIGN] = true,
		[AMP_RSC_NOTIFYID_DUP] = true,
		[AMP_RSC_WARN_UNKNOWN_TYPE] = false,
		[AMP_RSC_WARN_NAME_UNTERMINATED] = false,
		[AMP_RSC_WARN_VDEV_HOST_FIELDS] = false,
	};

	for (int p = 0; p < AMP_RSC_PROBLEM_COUNT; p++)
		CHECK_EQ(amp_rsc_problem_is_error((enum amp_rsc_problem)p), error[p]);
	CHECK(!amp_rsc_problem_is_error(AMP_RSC_PROBLEM_COUNT));
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_firmware_table),
		TEST(test_firmware_table_wrong_order),
		TEST(test_empty_table),
		TEST(test_header_short),
		TEST(test_header_null),
		TEST(test_header_version),
		TEST(test_header_reserved),
		TEST(test_header_offsets_truncated),
		TEST(test_header_entry_count),
		TEST(test_offset_range),
		TEST(test_offset_edges_valid),
		TEST(test_offset_align),
		TEST(test_fixed_entries_truncated),
		TEST(test_truncated_entry_size_within_table),
		TEST(test_vdev_truncated),
		TEST(test_entry_reserved),
		TEST(test_vdev_vrings),
		TEST(test_vdev_vrings_decoded_despite_error),
		TEST(test_vring_num),
		TEST(test_vring_align),
		TEST(test_overlap),
		TEST(test_notifyid_dup),
		TEST(test_unknown_types),
		TEST(test_name_unterminated),
		TEST(test_vdev_host_fields),
		TEST(test_check_first_finding),
		TEST(test_check_entry_problems_before_cross_checks),
		TEST(test_find_firmware_table),
		TEST(test_find_skips_errors),
		TEST(test_problem_names),
		TEST(test_type_names),
		TEST(test_problem_is_error),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
