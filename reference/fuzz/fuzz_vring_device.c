// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the DEVICE role of the split virtqueue against a hostile driver.
 *
 * The fuzz input plays the driver: it writes the descriptor table, the available ring and
 * indirect tables (anything, at any time), while the harness calls the device API and checks
 * every result against a small executable model of the documented rules (vring.h). Memory is
 * allocated at exact sizes so that AddressSanitizer catches any access outside the ring, the
 * shared windows, the slot array or the caller's element array.
 *
 * Input format: the 15-byte header and the initial contents described in fuzz_common.h (here
 * the initial contents are what the driver left in the ring and window A before the device
 * attached, and region C reaches the 4 GiB chain-length and huge-table rules), then operations
 * until the budget or the input runs out: one opcode byte (b % OP_COUNT) followed by its
 * arguments, listed at enum op.
 *
 * Windows A and B are contiguous in device-address space but are separate allocations, so a
 * buffer straddling them must be rejected. The ring is never inside a window.
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/vring.h"
#include "fuzz_common.h"

enum op {
	OP_PEER_RING,     /* u16 off, u8 n, n bytes: raw bytes into the ring at off % size */
	OP_PEER_WINDOW,   /* u16 sel, u8 n, n bytes: raw bytes into window A (B if sel bit 15) */
	OP_PEER_DESC,     /* u8 index, desc fields: one entry of the descriptor table */
	OP_PEER_TABLE,    /* u16 off, desc fields: one descriptor anywhere in window A */
	OP_PEER_AVAIL,    /* u8 slot, u8 head (0xff: u16 head follows): an available ring entry */
	OP_PEER_IDX,      /* u8 mode (see fz_op_peer_idx()): avail.idx */
	OP_PEER_EVENT,    /* u8 which, u16 value: avail.flags (which bit 0 clear) or used_event */
	OP_PEER_ADD,      /* well-formed chain, see op_peer_add() */
	OP_GET_AVAIL,     /* u8 b: get_avail with max_elems = b % 20 */
	OP_GET_AVAIL_BAD, /* get_avail with max_elems 1 and no array: -EINVAL */
	OP_ADD_USED,      /* u8 sel (0xff: u16 head follows), u8 len mode (3: u32 follows) */
	OP_PUBLISH,
	OP_KICK_PREPARE,
	OP_KICK,
	OP_DISABLE,
	OP_ENABLE,
	OP_HAS_AVAIL,
	OP_RESET, /* u8 b: device reset; b bit 0: the driver also zeroes the ring */
	OP_BULK,  /* u8 b: ((b & 15) + 1) * 64 well-formed round trips */
	OP_COUNT
};

/*
 * Descriptor fields (OP_PEER_DESC, OP_PEER_TABLE): u8 mode, then the address, length and next.
 *   mode bits 0-2: flags NEXT, WRITE, INDIRECT; bit 3: also set undefined flag bits
 *   mode bits 4-5: address 0: A + u16, 1: B + u16, 2: C + u32, 3: raw u64
 *   mode bit 6: length is u32 (else u16); bit 7: next is u16 (else u8)
 */

#define MAX_STORED 32
#define MAX_ELEMS  20

enum { ST_FREE, ST_HEAD, ST_BODY };

/* What the documented rules say the device state is, beyond the shared &struct fz_model. */
struct dev_model {
	uint32_t held;
	uint8_t state[FZ_MAX_NUM];
	uint16_t next[FZ_MAX_NUM];
	uint16_t chain_len[FZ_MAX_NUM];
	uint32_t writable[FZ_MAX_NUM];
};

/* A chain walked by the model. */
struct mwalk {
	struct amp_vring_elem el[MAX_STORED];
	uint32_t count;
	uint64_t rd, wr;
	bool seen_w;
	uint16_t members[FZ_MAX_NUM];
	uint16_t nmembers;
	bool walking[FZ_MAX_NUM];
};

/* The harness state: the shared part and the device's own model. */
struct dev_fz {
	struct fz fz;
	struct dev_model m;
};

static struct dev_fz g;

static struct dev_model *to_dev(struct fz *f)
{
	return &((struct dev_fz *)((char *)f - offsetof(struct dev_fz, fz)))->m;
}

/* ------------------------------------------------------------------ model */

static void model_reset(struct fz *f)
{
	fz_model_reset(f);
	memset(to_dev(f), 0, sizeof(struct dev_model));
}

/* The driver left the ring as the input says; attaching must not fail. */
static void attach(struct fz *f, const struct amp_vring_config *cfg)
{
	CHECK(amp_vring_dev_init(&f->vr, cfg) == 0);
	model_reset(f);
}

/*
 * The walk model returns an FZ_RULE() set of faults rather than one fault: every rule the
 * descriptor where the walk stops breaks (including its next link). The reference may check
 * those in any order, so any of them is an acceptable amp_vring_fault().
 */

/* Rules one buffer descriptor breaks, given the chain so far. */
static unsigned int buf_rules(struct fz *f, const struct mwalk *w, uint64_t da, uint32_t len,
			      uint16_t flags)
{
	bool writable = flags & AMP_VRING_DESC_F_WRITE;
	unsigned int rules = 0;

	if (!fz_model_to_va(f, da, len))
		rules |= FZ_RULE(AMP_VRING_FAULT_ADDR);
	if (!writable && w->seen_w)
		rules |= FZ_RULE(AMP_VRING_FAULT_ORDER);
	if ((writable ? w->wr : w->rd) + len > UINT32_MAX)
		rules |= FZ_RULE(AMP_VRING_FAULT_LENGTH);
	return rules;
}

/* Rules an indirect descriptor itself breaks. */
static unsigned int ind_rules(struct fz *f, uint64_t da, uint32_t len, uint16_t flags)
{
	const uint8_t *table = fz_model_to_va(f, da, len);
	unsigned int rules = 0;

	/* only with the feature, never with NEXT, a whole number of entries */
	if (!f->indirect || (flags & AMP_VRING_DESC_F_NEXT) || !len || len % 16)
		rules |= FZ_RULE(AMP_VRING_FAULT_INDIRECT);
	if (len / 16 > FZ_INDIRECT_MAX)
		rules |= FZ_RULE(AMP_VRING_FAULT_CHAIN_LENGTH);
	/* the reference also wants the table 4-byte aligned for its 32-bit loads */
	if (!table || ((uintptr_t)table & 3))
		rules |= FZ_RULE(AMP_VRING_FAULT_ADDR);
	return rules;
}

/* Rules a descriptor's content breaks, whatever its kind. */
static unsigned int desc_rules(struct fz *f, const struct mwalk *w, const uint8_t *d)
{
	uint16_t flags = (uint16_t)fz_ld(f, d + 12, 2);
	uint64_t da = fz_ld(f, d, 8);
	uint32_t len = (uint32_t)fz_ld(f, d + 8, 4);

	if (flags & AMP_VRING_DESC_F_INDIRECT)
		return ind_rules(f, da, len, flags);
	return buf_rules(f, w, da, len, flags);
}

static void append(struct mwalk *w, uint8_t *va, uint64_t da, uint32_t len, uint16_t flags)
{
	bool writable = flags & AMP_VRING_DESC_F_WRITE;

	if (writable) {
		w->wr += len;
		w->seen_w = true;
	} else {
		w->rd += len;
	}
	if (w->count < MAX_STORED) {
		w->el[w->count].va = va;
		w->el[w->count].da = da;
		w->el[w->count].len = len;
		w->el[w->count].writable = writable;
	}
	w->count++;
}

static unsigned int m_table(struct fz *f, struct mwalk *w, uint64_t da, uint32_t len)
{
	const uint8_t *table = fz_model_to_va(f, da, len);
	uint32_t entries = len / 16, steps = 0;
	uint16_t j = 0;

	for (;;) {
		const uint8_t *d = table + 16 * (size_t)j;
		uint64_t bda = fz_ld(f, d, 8);
		uint32_t blen = (uint32_t)fz_ld(f, d + 8, 4);
		uint16_t bflags = (uint16_t)fz_ld(f, d + 12, 2);
		uint16_t bnext = (uint16_t)fz_ld(f, d + 14, 2);
		unsigned int rules = buf_rules(f, w, bda, blen, bflags);

		/* one table per descriptor: no nesting */
		if (bflags & AMP_VRING_DESC_F_INDIRECT)
			rules |= FZ_RULE(AMP_VRING_FAULT_INDIRECT);
		if (bflags & AMP_VRING_DESC_F_NEXT) {
			if (bnext >= entries)
				rules |= FZ_RULE(AMP_VRING_FAULT_NEXT_RANGE);
			/* a table of n entries holds chains of at most n */
			if (steps + 1 >= entries)
				rules |= FZ_RULE(AMP_VRING_FAULT_CHAIN_LENGTH);
		}
		if (rules)
			return rules;
		append(w, fz_model_to_va(f, bda, blen), bda, blen, bflags);
		if (!(bflags & AMP_VRING_DESC_F_NEXT))
			return 0;
		steps++;
		j = bnext;
	}
}

static unsigned int m_chain(struct fz *f, uint16_t head, struct mwalk *w)
{
	uint16_t i = head;

	w->count = 0;
	w->rd = w->wr = 0;
	w->seen_w = false;
	w->nmembers = 0;
	memset(w->walking, 0, sizeof(w->walking));
	for (;;) {
		uint8_t *d = fz_desc(f, i);
		uint16_t flags = (uint16_t)fz_ld(f, d + 12, 2);
		uint16_t next = (uint16_t)fz_ld(f, d + 14, 2);
		uint64_t da = fz_ld(f, d, 8);
		uint32_t len = (uint32_t)fz_ld(f, d + 8, 4);
		unsigned int rules = 0;

		/* a descriptor seen earlier in this chain is a loop; one in a held chain reused */
		if (w->walking[i])
			rules |= FZ_RULE(AMP_VRING_FAULT_CHAIN_LENGTH);
		else if (to_dev(f)->state[i] != ST_FREE)
			rules |= FZ_RULE(AMP_VRING_FAULT_DESC_REUSED);
		if (rules)
			return rules | desc_rules(f, w, d);
		w->walking[i] = true;
		w->members[w->nmembers++] = i;
		rules = desc_rules(f, w, d);
		if ((flags & AMP_VRING_DESC_F_NEXT) && next >= f->num)
			rules |= FZ_RULE(AMP_VRING_FAULT_NEXT_RANGE);
		if (rules)
			return rules;
		if (flags & AMP_VRING_DESC_F_INDIRECT) {
			rules = m_table(f, w, da, len);
			if (rules)
				return rules;
			/* an indirect descriptor ends the chain (NEXT was refused above) */
			return 0;
		}
		append(w, fz_model_to_va(f, da, len), da, len, flags);
		if (!(flags & AMP_VRING_DESC_F_NEXT))
			return 0;
		i = next;
	}
}

/* Predict amp_vring_dev_get_avail(); updates the cached peer index like the device may. */
static int m_get_avail(struct fz *f, struct mwalk *w, uint16_t *head, unsigned int *rules)
{
	struct fz_model *m = &f->m;

	*rules = 0;
	if (m->broken)
		return -AMP_EIO;
	if (m->consumed == m->peer_idx) {
		uint16_t idx = fz_ld16(f, f->drv.idx);
		uint16_t outstanding = (uint16_t)(idx - m->published);

		if (idx == m->consumed)
			return -AMP_EAGAIN;
		/* at most num buffers beyond what we returned, and never behind what we took */
		if (outstanding > f->num || (uint16_t)(idx - m->consumed) > outstanding) {
			*rules = FZ_RULE(AMP_VRING_FAULT_AVAIL_IDX);
			return -AMP_EIO;
		}
		m->peer_idx = idx;
	}
	*head = fz_ld16(f, fz_avail_entry(f, m->consumed));
	if (*head >= f->num) {
		*rules = FZ_RULE(AMP_VRING_FAULT_HEAD_RANGE);
		return -AMP_EIO;
	}
	*rules = m_chain(f, *head, w);
	return *rules ? -AMP_EIO : 0;
}

/* ------------------------------------------------------------------ checked API calls */

static void check_state(struct fz *f)
{
	CHECK(amp_vring_dev_num_held(&f->vr) == to_dev(f)->held);
}

/* Every stored element must lie inside a window; touch its ends so ASan sees any lie. */
static void check_elem(struct fz *f, const struct amp_vring_elem *e)
{
	const struct fz_window *w = fz_window_of(f, e->va, e->len);
	volatile uint8_t *p = e->va;

	CHECK(w);
	CHECK(fz_da_translates(f, e->da, e->len, e->va));
	if (!e->len || w->readonly)
		return;
	(void)p[0];
	(void)p[e->len - 1];
	if (e->writable) {
		p[0] = 0x5a;
		p[e->len - 1] = 0x5a;
	}
}

static int do_get_avail(struct fz *f, uint16_t max_elems, uint16_t *head_out, uint32_t *wlen_out)
{
	struct amp_vring_elem *elems = NULL;
	struct amp_vring_chain chain;
	struct dev_model *dm = to_dev(f);
	static struct mwalk w;
	uint16_t mhead = 0;
	unsigned int rules;
	int expect, ret;

	if (max_elems) {
		elems = malloc(sizeof(*elems) * max_elems);
		CHECK(elems);
		memset(elems, FZ_SENTINEL, sizeof(*elems) * max_elems);
	}
	memset(&chain, FZ_SENTINEL, sizeof(chain));
	chain.elems = elems;
	chain.max_elems = max_elems;

	expect = m_get_avail(f, &w, &mhead, &rules);
	ret = amp_vring_dev_get_avail(&f->vr, &chain);
	TRACE("  get_avail(max %u) = %d (model %d, rules %#x, lib fault %d)\n", max_elems, ret,
	      expect, rules, (int)amp_vring_fault(&f->vr));
	fz_check_get(f, ret, expect, rules);
	if (ret) {
		free(elems);
		return ret;
	}

	/* The chain is what the rules say it is. */
	CHECK(chain.head == mhead && chain.head < f->num);
	CHECK(chain.count == w.count && chain.count >= 1);
	CHECK(chain.readable_len == w.rd && chain.writable_len == w.wr);
	CHECK(chain.elems == elems && chain.max_elems == max_elems);
	{
		uint32_t stored = chain.count < max_elems ? chain.count : max_elems;
		uint64_t rd = 0, wr = 0;
		bool seen_w = false;

		for (uint32_t i = 0; i < stored; i++) {
			const struct amp_vring_elem *e = &elems[i];

			TRACE("    elem %u: va %p da %#llx len %u w %d (model va %p da %#llx len "
			      "%u)\n",
			      i, e->va, (unsigned long long)e->da, e->len, e->writable, w.el[i].va,
			      (unsigned long long)w.el[i].da, w.el[i].len);
			CHECK(e->da == w.el[i].da);
			CHECK(e->va == w.el[i].va || fz_da_translates(f, e->da, e->len, e->va));
			CHECK(e->len == w.el[i].len && e->writable == w.el[i].writable);
			check_elem(f, e);
			CHECK(!(seen_w && !e->writable));
			seen_w |= e->writable;
			*(e->writable ? &wr : &rd) += e->len;
		}
		if (stored == chain.count)
			CHECK(rd == chain.readable_len && wr == chain.writable_len);
		/* Nothing written past what the chain holds. */
		for (uint32_t i = stored; i < max_elems; i++) {
			const uint8_t *b = (const uint8_t *)&elems[i];

			for (size_t k = 0; k < sizeof(*elems); k++)
				CHECK(b[k] == FZ_SENTINEL);
		}
	}

	for (uint16_t k = 0; k < w.nmembers; k++) {
		uint16_t i = w.members[k];

		dm->state[i] = k ? ST_BODY : ST_HEAD;
		dm->next[i] = k + 1 < w.nmembers ? w.members[k + 1] : 0;
	}
	dm->chain_len[mhead] = w.nmembers;
	dm->writable[mhead] = (uint32_t)w.wr;
	dm->held++;
	fz_consume(f);
	if (head_out)
		*head_out = chain.head;
	if (wlen_out)
		*wlen_out = chain.writable_len;
	free(elems);
	return 0;
}

/*
 * get_avail() with max_elems but no array. Whether the argument check comes before or after
 * reading avail.idx is the implementation's choice, so both orders are accepted; when only
 * the cached index can tell them apart, the model takes it from the handle.
 */
static void do_get_avail_bad(struct fz *f)
{
	struct amp_vring_chain chain = {.elems = NULL, .max_elems = 1};
	struct fz_model *m = &f->m;
	uint16_t idx = fz_ld16(f, f->drv.idx);
	uint16_t outstanding = (uint16_t)(idx - m->published);
	bool refresh = !m->broken && m->consumed == m->peer_idx;
	bool idx_bad = outstanding > f->num || (uint16_t)(idx - m->consumed) > outstanding;
	int ret = amp_vring_dev_get_avail(&f->vr, &chain);

	TRACE("  get_avail(NULL elems) = %d\n", ret);
	if (m->broken) {
		CHECK(ret == -AMP_EIO);
		return;
	}
	if (ret == -AMP_EINVAL) {
		if (refresh && f->vr.peer_idx != m->peer_idx) {
			/* it read avail.idx first and found it valid */
			CHECK(idx != m->consumed && !idx_bad && f->vr.peer_idx == idx);
			m->peer_idx = idx;
		}
		return;
	}
	CHECK(refresh);
	if (ret == -AMP_EAGAIN) {
		CHECK(idx == m->consumed);
		return;
	}
	CHECK(ret == -AMP_EIO && idx != m->consumed && idx_bad);
	CHECK(amp_vring_fault(&f->vr) == AMP_VRING_FAULT_AVAIL_IDX);
	m->broken = true;
}

static int do_add_used(struct fz *f, uint16_t head, uint32_t len)
{
	struct dev_model *dm = to_dev(f);
	int expect, ret;

	if (f->m.broken)
		expect = -AMP_EIO;
	else if (head >= f->num || dm->state[head] != ST_HEAD || len > dm->writable[head])
		expect = -AMP_EINVAL;
	else
		expect = 0;
	ret = amp_vring_dev_add_used(&f->vr, head, len);
	TRACE("  add_used(%u, %u) = %d (model %d)\n", head, len, ret, expect);
	CHECK(ret == 0 || ret == -AMP_EINVAL || ret == -AMP_EIO);
	CHECK(ret == expect);
	if (ret)
		return ret;

	CHECK(fz_ld(f, fz_used_elem(f, f->m.own_idx), 4) == head);
	CHECK(fz_ld(f, fz_used_elem(f, f->m.own_idx) + 4, 4) == len);
	{
		uint16_t i = head;

		for (uint16_t n = 0; n < dm->chain_len[head]; n++) {
			dm->state[i] = ST_FREE;
			i = dm->next[i];
		}
	}
	dm->held--;
	fz_advance_own(f);
	return 0;
}

/* ------------------------------------------------------------------ operations */

/* Read descriptor fields from the input (format above OP_PEER_DESC) and store them at @d. */
static void peer_desc_fields(struct fz *f, uint8_t *d)
{
	uint8_t mode = fz_u8(f);
	uint16_t flags = mode & 7;
	const struct fz_window *w;
	uint64_t da;
	uint32_t len;
	uint16_t next;

	if (mode & 8)
		flags |= 0xfff8;
	switch ((mode >> 4) & 3) {
	case 0:
		da = f->win[0].da + fz_u16(f);
		break;
	case 1:
		w = f->win[1].size ? &f->win[1] : &f->win[0];
		da = w->da + fz_u16(f);
		break;
	case 2:
		w = f->win[2].size ? &f->win[2] : &f->win[0];
		da = w->da + fz_u32(f);
		break;
	default:
		da = fz_u64(f);
		break;
	}
	len = mode & 0x40 ? fz_u32(f) : fz_u16(f);
	next = mode & 0x80 ? fz_u16(f) : fz_u8(f);
	fz_write_desc(f, d, da, len, flags, next);
}

static void op_peer_table(struct fz *f)
{
	size_t off = fz_u16(f) % f->win[0].size;

	if (f->win[0].size - off < 16) {
		uint8_t scratch[16];

		peer_desc_fields(f, scratch); /* consume the fields all the same */
		return;
	}
	peer_desc_fields(f, f->win[0].va + off);
}

static void op_peer_avail(struct fz *f)
{
	uint8_t slot = fz_u8(f);
	uint16_t head = fz_u8(f);

	if (head == 0xff)
		head = fz_u16(f);
	fz_st(f, fz_avail_entry(f, slot), head, 2);
}

/*
 * A well-formed chain as a correct driver would add it:
 *   u8 head; u8 shape: bits 0-2 n - 1, bits 3-5 readable count (clamped to n), bit 6 publish
 *   avail.idx, bit 7 through an indirect table; [u16 table offset if indirect]; then n times
 *   u16 offset, u16 length inside window A. A direct chain uses descriptors head, head + 1, ...
 */
static void op_peer_add(struct fz *f)
{
	const struct fz_window *a = &f->win[0];
	uint16_t head = fz_u8(f) % f->num;
	uint8_t shape = fz_u8(f);
	uint32_t n = (shape & 7) + 1u, nout = (shape >> 3) & 7;
	bool indirect = shape & 0x80;
	size_t toff = 0;

	if (nout > n)
		nout = n;
	if (indirect) {
		toff = (fz_u16(f) % a->size) & ~(size_t)15;
		if (toff + 16 * n > a->size)
			indirect = false;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint64_t off = fz_u16(f) % a->size;
		uint32_t len = (uint32_t)(fz_u16(f) % (a->size - off + 1));
		uint16_t flags = (uint16_t)((k >= nout ? AMP_VRING_DESC_F_WRITE : 0) |
					    (k + 1 < n ? AMP_VRING_DESC_F_NEXT : 0));

		if (indirect)
			fz_write_desc(f, a->va + toff + 16 * k, a->da + off, len, flags,
				      (uint16_t)(k + 1 < n ? k + 1 : 0));
		else
			fz_write_desc(f, fz_desc(f, (head + k) & f->mask), a->da + off, len, flags,
				      (uint16_t)((head + k + 1) & f->mask));
	}
	if (indirect)
		fz_write_desc(f, fz_desc(f, head), a->da + toff, 16 * n, AMP_VRING_DESC_F_INDIRECT,
			      0);
	fz_st(f, fz_avail_entry(f, f->m.sim_idx), head, 2);
	f->m.sim_idx++;
	if (shape & 0x40)
		fz_st(f, f->drv.idx, f->m.sim_idx, 2);
}

/*
 * Return a chain: u8 sel picks the held chain (0xff: a u16 head follows, any value), u8 len
 * mode relative to the chain's writable bytes (fz_len_mode(), the amount in bits 2-7).
 */
static void op_add_used(struct fz *f)
{
	struct dev_model *dm = to_dev(f);
	uint8_t sel = fz_u8(f);
	uint8_t lm = fz_u8(f);
	uint16_t head = 0;
	uint32_t wl;

	if (sel == 0xff) {
		head = fz_u16(f);
	} else if (dm->held) {
		uint32_t k = sel % dm->held;

		for (uint32_t i = 0; i < f->num; i++) {
			if (dm->state[i] == ST_HEAD && !k--) {
				head = (uint16_t)i;
				break;
			}
		}
	} else {
		head = sel % f->num;
	}
	wl = head < f->num && dm->state[head] == ST_HEAD ? dm->writable[head] : 0;
	do_add_used(f, head, fz_len_mode(f, lm, 2, wl));
}

static void op_reset(struct fz *f)
{
	uint8_t b = fz_u8(f);

	if (b & 1) {
		memset(f->ring, 0, f->lay.size);
		f->m.sim_idx = 0;
	}
	amp_vring_dev_reset(&f->vr);
	model_reset(f);
	CHECK(amp_vring_fault(&f->vr) == AMP_VRING_FAULT_NONE);
}

/* Many correct round trips through descriptor 0 (fz_bulk_begin()). */
static void op_bulk(struct fz *f)
{
	struct fz_model *m = &f->m;
	uint32_t len, n = fz_bulk_begin(f, !to_dev(f)->held, &len);

	for (uint32_t k = 0; k < n; k++) {
		uint16_t head;
		uint32_t wl;

		fz_write_desc(f, fz_desc(f, 0), f->win[0].da, len, AMP_VRING_DESC_F_WRITE, 0);
		fz_st(f, fz_avail_entry(f, m->sim_idx), 0, 2);
		fz_st(f, f->drv.idx, ++m->sim_idx, 2);
		if (do_get_avail(f, 0, &head, &wl))
			break;
		if (do_add_used(f, head, wl / 2))
			break;
		fz_op_publish(f);
		fz_op_kick_prepare(f);
	}
}

static void op_peer_desc(struct fz *f)
{
	peer_desc_fields(f, fz_desc(f, fz_u8(f) & f->mask));
}

static void op_get_avail(struct fz *f)
{
	do_get_avail(f, fz_u8(f) % MAX_ELEMS, NULL, NULL);
}

/* One function per operation, in enum op order. */
static const fz_op_fn ops[] = {
	fz_op_peer_ring,    /* OP_PEER_RING */
	fz_op_peer_window,  /* OP_PEER_WINDOW */
	op_peer_desc,       /* OP_PEER_DESC */
	op_peer_table,      /* OP_PEER_TABLE */
	op_peer_avail,      /* OP_PEER_AVAIL */
	fz_op_peer_idx,     /* OP_PEER_IDX */
	fz_op_peer_event,   /* OP_PEER_EVENT */
	op_peer_add,        /* OP_PEER_ADD */
	op_get_avail,       /* OP_GET_AVAIL */
	do_get_avail_bad,   /* OP_GET_AVAIL_BAD */
	op_add_used,        /* OP_ADD_USED */
	fz_op_publish,      /* OP_PUBLISH */
	fz_op_kick_prepare, /* OP_KICK_PREPARE */
	fz_op_kick,         /* OP_KICK */
	fz_op_disable,      /* OP_DISABLE */
	fz_op_enable,       /* OP_ENABLE */
	fz_op_has,          /* OP_HAS_AVAIL */
	op_reset,           /* OP_RESET */
	op_bulk,            /* OP_BULK */
};

FZ_TARGET("fuzz_vring_device", AMP_VRING_DEVICE, g, attach, check_state, ops, OP_COUNT);
