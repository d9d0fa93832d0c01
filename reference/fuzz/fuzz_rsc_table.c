// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the resource-table reader (rsc_table.h) on hostile tables.
 *
 * Input: byte 0, bit 0 chooses the table's byte order (1: big-endian); the other bytes are the
 * table. They are copied into a malloc of exactly their size, so AddressSanitizer reports any
 * read past the end.
 *
 * The harness opens the table, decodes every entry, runs amp_rsc_table_check() and
 * amp_rsc_table_find(), and compares with its own reading of the bytes. Properties (a violation
 * prints "fuzz_rsc_table: invariant violated at ..." and traps):
 *   - every result is a value of enum amp_rsc_problem; open returns the header's problem (in the
 *     documented order: version, reserved words, offset array, entry count), and a failed open
 *     leaves no entries to decode;
 *   - each entry's offset and type are the words in the table; OFFSET_RANGE and OFFSET_ALIGN
 *     exactly when the offset is inside the header or offset array / leaves no room for the type
 *     word, or is not a multiple of 4;
 *   - every other entry lies inside the table (offset + size <= table size); one that fits has
 *     its full size (56, 48, 28 + 20 per vring + config_len, 4 for vendor and unknown types),
 *     and ENTRY_TRUNCATED exactly when it does not fit;
 *   - the entry's problem is one it has (the harness lists them all: reserved fields, vring
 *     count, vring num and align, unknown type, unterminated name, host fields), OK only when it
 *     has none, and an error whenever it has one;
 *   - names are NUL-terminated and match the table; the decoded words match the table; a vdev
 *     with no error has its config space right after its vrings and inside the table;
 *   - decoding an entry twice gives the same result;
 *   - check() returns an error exactly when an entry has one, two placed entries share bytes,
 *     or two vrings of error-free vdevs declare the same notify id (other than "any"); overlaps
 *     and duplicates are computed here from the harness's own sizes and ids; the finding names
 *     entries below num (AMP_RSC_MAX_ENTRIES both when there is none) that have what it says;
 *     with no error it is the first warning;
 *   - amp_rsc_table_find() returns the nth error-free entry of a type, or -AMP_ENOENT.
 *
 * AMP_FUZZ_TRACE=1 logs the header result, every entry and the check's finding. Seeds:
 * fixtures/fuzz/rsc_table/, written by make_seeds.c. See docs/fuzzing.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/rsc_table.h"

#define FUZZ_NAME "fuzz_rsc_table"
#include "fuzz_check.h"

#define BIT(p) (1u << (p))

/* The problems that make a table invalid, as a set of BIT()s. */
#define ERRORS (BIT(AMP_RSC_WARN_UNKNOWN_TYPE) - 1 - BIT(AMP_RSC_OK))

/**
 * struct model - what the harness reads from an entry's bytes, without the library
 * @placed: the offset leaves room for the type word after the offset array and is aligned
 * @offset: the offset word
 * @size: bytes of the entry inside the table: its full size, or what fits when truncated
 * @problems: every problem the entry has, as BIT()s; only ENTRY_TRUNCATED when truncated
 * @nids: vrings of an error-free vdev whose notify ids take part in the duplicate check
 * @ids: their notify ids
 */
struct model {
	bool placed;
	uint32_t offset;
	uint32_t size;
	uint32_t problems;
	uint32_t nids;
	uint32_t ids[AMP_RSC_MAX_VRINGS];
};

/* The table as the harness reads it. */
static const uint8_t *tbl;
static size_t tbl_size;
static bool big;

static struct amp_rsc_entry ent[AMP_RSC_MAX_ENTRIES];
static struct model mod[AMP_RSC_MAX_ENTRIES];

/* The word at @off, which the caller has bounded. */
static uint32_t rd32(size_t off)
{
	const uint8_t *p = tbl + off;

	if (big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool valid_problem(enum amp_rsc_problem p)
{
	return (unsigned int)p < AMP_RSC_PROBLEM_COUNT && amp_rsc_problem_name(p) != NULL;
}

static enum amp_rsc_problem expect_open(void)
{
	uint32_t num;

	if (tbl_size < AMP_RSC_HDR_SIZE)
		return AMP_RSC_TABLE_SHORT;
	if (rd32(0) != AMP_RSC_TABLE_VERSION)
		return AMP_RSC_BAD_VERSION;
	if (rd32(8) || rd32(12))
		return AMP_RSC_HDR_RESERVED;
	num = rd32(4);
	if (AMP_RSC_HDR_SIZE + 4 * (uint64_t)num > tbl_size)
		return AMP_RSC_OFFSETS_TRUNCATED;
	if (num > AMP_RSC_MAX_ENTRIES)
		return AMP_RSC_TOO_MANY_ENTRIES;
	return AMP_RSC_OK;
}

/* The name at @off as the library should give it: the 32 bytes, then a NUL. */
static void check_name(const char *name, size_t off, uint32_t *problems)
{
	CHECK(memchr(name, '\0', AMP_RSC_NAME_SIZE + 1) != NULL);
	CHECK(!strncmp(name, (const char *)tbl + off, AMP_RSC_NAME_SIZE));
	if (!memchr(tbl + off, '\0', AMP_RSC_NAME_SIZE))
		*problems |= BIT(AMP_RSC_WARN_NAME_UNTERMINATED);
}

/* Carveout and devmem: the problems, and the decoded words against the table. */
static void model_mem(const struct amp_rsc_entry *e, struct model *m)
{
	const struct amp_rsc_mem *mem = &e->u.mem;
	uint32_t o = m->offset;

	CHECK(mem->da == rd32(o + 4) && mem->pa == rd32(o + 8) && mem->len == rd32(o + 12));
	CHECK(mem->flags == rd32(o + 16) && mem->reserved == rd32(o + 20));
	if (mem->reserved)
		m->problems |= BIT(AMP_RSC_ENTRY_RESERVED);
	check_name(mem->name, o + 24, &m->problems);
}

static void model_trace(const struct amp_rsc_entry *e, struct model *m)
{
	const struct amp_rsc_trace *tr = &e->u.trace;
	uint32_t o = m->offset;

	CHECK(tr->da == rd32(o + 4) && tr->len == rd32(o + 8) && tr->reserved == rd32(o + 12));
	if (tr->reserved)
		m->problems |= BIT(AMP_RSC_ENTRY_RESERVED);
	check_name(tr->name, o + 16, &m->problems);
}

/* A vdev that fits, vrings and config space included. */
static void model_vdev(const struct amp_rsc_entry *e, struct model *m)
{
	const struct amp_rsc_vdev *vd = &e->u.vdev;
	uint32_t o = m->offset;
	uint8_t nv = tbl[o + 25];

	CHECK(vd->id == rd32(o + 4) && vd->notifyid == rd32(o + 8));
	CHECK(vd->dfeatures == rd32(o + 12) && vd->gfeatures == rd32(o + 16));
	CHECK(vd->config_len == rd32(o + 20) && vd->status == tbl[o + 24]);
	CHECK(vd->num_of_vrings == nv);
	CHECK(vd->reserved[0] == tbl[o + 26] && vd->reserved[1] == tbl[o + 27]);
	if (tbl[o + 26] || tbl[o + 27])
		m->problems |= BIT(AMP_RSC_ENTRY_RESERVED);
	if (nv > AMP_RSC_MAX_VRINGS || (vd->id == AMP_VIRTIO_ID_RPMSG && nv != 2))
		m->problems |= BIT(AMP_RSC_VDEV_VRINGS);
	for (uint32_t k = 0; k < nv; k++) {
		size_t v = o + 28 + 20 * (size_t)k;
		uint32_t align = rd32(v + 4), num = rd32(v + 8);

		if (!is_pow2(num) || num > 32768)
			m->problems |= BIT(AMP_RSC_VRING_NUM);
		if (!is_pow2(align))
			m->problems |= BIT(AMP_RSC_VRING_ALIGN);
	}
	if (rd32(o + 16) || tbl[o + 24])
		m->problems |= BIT(AMP_RSC_WARN_VDEV_HOST_FIELDS);
	if (m->problems & ERRORS)
		return;
	/* An error-free vdev: every vring decoded, the config space inside the table. */
	CHECK(vd->config_offset == o + 28 + 20 * nv);
	CHECK((uint64_t)vd->config_offset + vd->config_len <= tbl_size);
	for (uint32_t k = 0; k < nv; k++) {
		size_t v = o + 28 + 20 * (size_t)k;

		CHECK(vd->vring[k].da == rd32(v) && vd->vring[k].align == rd32(v + 4));
		CHECK(vd->vring[k].num == rd32(v + 8) && vd->vring[k].notifyid == rd32(v + 12));
		m->ids[m->nids++] = rd32(v + 12);
	}
}

/* The full size of the entry of @type at @o that has @room bytes, or 0 when even the fixed
 * part of a vdev does not fit. */
static uint64_t full_size(uint32_t type, uint32_t o, size_t room)
{
	switch (type) {
	case AMP_RSC_CARVEOUT:
	case AMP_RSC_DEVMEM:
		return AMP_RSC_CARVEOUT_SIZE;
	case AMP_RSC_TRACE:
		return AMP_RSC_TRACE_SIZE;
	case AMP_RSC_VDEV:
		if (room < 28)
			return 0;
		return 28 + 20 * (uint64_t)tbl[o + 25] + rd32(o + 20);
	default:
		return 4;
	}
}

/* Decode entry @i, build its model, and check one against the other. */
static void check_entry(const struct amp_rsc_table *t, uint32_t i, uint32_t num)
{
	struct amp_rsc_entry *e = &ent[i], again;
	struct model *m = &mod[i];
	enum amp_rsc_problem p = amp_rsc_table_entry(t, i, e);
	uint64_t end_of_offsets = AMP_RSC_HDR_SIZE + 4 * (uint64_t)num;
	uint64_t full;
	size_t room;

	memset(m, 0, sizeof(*m));
	m->offset = rd32(AMP_RSC_HDR_SIZE + 4 * (size_t)i);
	TRACE("entry %u: offset %u type %u (%s) size %u: %s\n", i, e->offset, e->type,
	      amp_rsc_type_name(e->type), e->size, amp_rsc_problem_name(p));
	CHECK(valid_problem(p) && e->problem == p);
	CHECK(e->index == i && e->offset == m->offset);
	CHECK(amp_rsc_type_name(e->type) != NULL);
	CHECK(amp_rsc_table_entry(t, i, &again) == p && !memcmp(&again, e, sizeof(again)));

	if (m->offset < end_of_offsets || (uint64_t)m->offset + 4 > tbl_size) {
		CHECK(p == AMP_RSC_OFFSET_RANGE);
		return;
	}
	if (m->offset & 3u) {
		CHECK(p == AMP_RSC_OFFSET_ALIGN);
		return;
	}
	m->placed = true;
	CHECK(e->type == rd32(m->offset));
	CHECK(e->size >= 4 && (uint64_t)e->offset + e->size <= tbl_size);
	room = tbl_size - m->offset;
	full = full_size(e->type, m->offset, room);
	if (!full || full > room) {
		CHECK(p == AMP_RSC_ENTRY_TRUNCATED);
		m->size = (uint32_t)room;
		m->problems = BIT(AMP_RSC_ENTRY_TRUNCATED);
		return;
	}
	CHECK(e->size == full);
	m->size = (uint32_t)full;
	switch (e->type) {
	case AMP_RSC_CARVEOUT:
	case AMP_RSC_DEVMEM:
		model_mem(e, m);
		break;
	case AMP_RSC_TRACE:
		model_trace(e, m);
		break;
	case AMP_RSC_VDEV:
		model_vdev(e, m);
		break;
	default:
		if (e->type < AMP_RSC_VENDOR_START || e->type > AMP_RSC_VENDOR_END)
			m->problems |= BIT(AMP_RSC_WARN_UNKNOWN_TYPE);
		break;
	}
	/* The first problem of the entry: one it has, an error when it has one. */
	CHECK(p == AMP_RSC_OK ? !m->problems : (m->problems & BIT(p)) != 0);
	CHECK(amp_rsc_problem_is_error(p) == ((m->problems & ERRORS) != 0));
}

static bool overlap(uint32_t i, uint32_t j)
{
	const struct model *a = &mod[i], *b = &mod[j];

	return a->placed && b->placed && (uint64_t)a->offset < (uint64_t)b->offset + b->size &&
	       (uint64_t)b->offset < (uint64_t)a->offset + a->size;
}

/* Vrings of entries @i and @j (two different ones of @i when i == j) share a notify id. */
static bool duplicate(uint32_t i, uint32_t j)
{
	const struct model *a = &mod[i], *b = &mod[j];

	for (uint32_t x = 0; x < a->nids; x++) {
		for (uint32_t y = i == j ? x + 1 : 0; y < b->nids; y++) {
			if (a->ids[x] != AMP_FW_RSC_ADDR_ANY && a->ids[x] == b->ids[y])
				return true;
		}
	}
	return false;
}

static void check_table(const struct amp_rsc_table *t, uint32_t num)
{
	struct amp_rsc_finding f;
	uint32_t first_error = num, first_warning = num;
	bool cross = false;
	enum amp_rsc_problem r;

	for (uint32_t i = 0; i < num; i++) {
		enum amp_rsc_problem p = ent[i].problem;

		if (amp_rsc_problem_is_error(p) && first_error == num)
			first_error = i;
		if (p != AMP_RSC_OK && !amp_rsc_problem_is_error(p) && first_warning == num)
			first_warning = i;
		for (uint32_t j = i; j < num && !cross; j++)
			cross = (j > i && overlap(i, j)) || duplicate(i, j);
	}

	r = amp_rsc_table_check(t, &f);
	TRACE("check: %s at %u, %u\n", amp_rsc_problem_name(r), f.entry, f.other);
	CHECK(valid_problem(r) && f.problem == r);
	CHECK(amp_rsc_problem_is_error(r) == (first_error < num || cross));
	if (r == AMP_RSC_OK) {
		CHECK(first_warning == num);
		CHECK(f.entry == AMP_RSC_MAX_ENTRIES && f.other == AMP_RSC_MAX_ENTRIES);
		return;
	}
	CHECK(f.entry < num && f.other < num);
	if (!amp_rsc_problem_is_error(r)) {
		CHECK(f.entry == first_warning && f.other == first_warning);
		CHECK(r == ent[first_warning].problem);
	} else if (r == AMP_RSC_ENTRY_OVERLAP) {
		CHECK(f.entry < f.other && overlap(f.entry, f.other));
	} else if (r == AMP_RSC_NOTIFYID_DUP) {
		CHECK(f.entry <= f.other && duplicate(f.entry, f.other));
	} else {
		CHECK(f.entry == f.other && ent[f.entry].problem == r);
		if (!cross)
			CHECK(f.entry == first_error);
	}
}

/* amp_rsc_table_find() for the first two entries of @type against the decoded entries. */
static void check_find(const struct amp_rsc_table *t, uint32_t num, uint32_t type)
{
	for (uint32_t nth = 0; nth < 2; nth++) {
		struct amp_rsc_entry e;
		uint32_t seen = 0, expect = num;
		int ret = amp_rsc_table_find(t, type, nth, &e);

		for (uint32_t i = 0; i < num && expect == num; i++) {
			if (ent[i].type == type && !amp_rsc_problem_is_error(ent[i].problem) &&
			    seen++ == nth)
				expect = i;
		}
		CHECK(ret == 0 || ret == -AMP_ENOENT);
		CHECK((ret == 0) == (expect < num));
		if (!ret)
			CHECK(e.index == expect && !memcmp(&e, &ent[expect], sizeof(e)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t find_types[] = {AMP_RSC_CARVEOUT, AMP_RSC_DEVMEM, AMP_RSC_TRACE,
					      AMP_RSC_VDEV, AMP_RSC_VENDOR_START};
	struct amp_rsc_table t;
	enum amp_rsc_problem p;
	uint8_t *copy;
	uint32_t num;

	if (!size)
		return 0;
	fuzz_trace_init();
	big = data[0] & 1;
	tbl = data + 1;
	tbl_size = size - 1;
	/* exactly the table's bytes, so that the sanitizer's redzone starts after the last one */
	copy = malloc(tbl_size);
	CHECK(copy || !tbl_size);
	if (tbl_size)
		memcpy(copy, tbl, tbl_size);

	p = amp_rsc_table_open(&t, copy, tbl_size, big ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN);
	num = amp_rsc_table_num(&t);
	TRACE("%s-endian table, %zu bytes: %s, %u entries\n", big ? "big" : "little", tbl_size,
	      amp_rsc_problem_name(p), num);
	CHECK(valid_problem(p) && p == expect_open());
	if (p != AMP_RSC_OK) {
		CHECK(num == 0);
		goto out;
	}
	CHECK(num == rd32(4));
	for (uint32_t i = 0; i < num; i++)
		check_entry(&t, i, num);
	check_table(&t, num);
	for (size_t k = 0; k < sizeof(find_types) / sizeof(find_types[0]); k++)
		check_find(&t, num, find_types[k]);
out:
	free(copy);
	return 0;
}
