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
 * Input format (multi-byte input fields are little-endian; a field past the end of the input
 * reads as zero, so every input is valid and consumption is deterministic):
 *
 *   header, 15 bytes
 *     [0]     queue size: num = 1 << (b % 9), so 1..256
 *     [1]     bit 0: ring byte order big-endian (else little-endian)
 *             bit 1: EVENT_IDX negotiated
 *             bit 2: INDIRECT_DESC negotiated
 *             bits 3-4: used-ring alignment 4, 16, 64 or 4096
 *             bit 5: a second window B exists
 *             bits 6-7: where the windows sit in device-address space (place_windows())
 *     [2]     operation budget: 1 + 4 * b
 *     [3..4]  size of window A: 1 + v % 8192 bytes
 *     [5]     bits 0-6: size of window B: 16 * (b + 1) bytes; bit 7: an 8 GiB read-only
 *             region C exists (reaches the 4 GiB chain-length and huge-table rules)
 *     [6..13] device-address seed
 *     [14]    b != 0: start as if 65536 - b round trips had completed, so that the 16-bit
 *             indices wrap within a few operations; odd b: and without a kick decision for
 *             the last 65530 of them, so the 65535-unsignalled rule fires (fast_forward())
 *   initial contents
 *     u16 n, then n bytes copied to the ring from offset 0 (clamped to the ring and the input)
 *     u16 n, then n bytes copied to window A from offset 0 (clamped likewise)
 *   operations, until the budget or the input runs out
 *     one opcode byte (b % OP_COUNT) followed by its arguments, listed at enum op.
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
#include <sys/mman.h>

#include "amp/error.h"
#include "amp/vring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op {
	OP_PEER_RING,     /* u16 off, u8 n, n bytes: raw bytes into the ring at off % size */
	OP_PEER_WINDOW,   /* u16 sel, u8 n, n bytes: raw bytes into window A (B if sel bit 15) */
	OP_PEER_DESC,     /* u8 index, desc fields: one entry of the descriptor table */
	OP_PEER_TABLE,    /* u16 off, desc fields: one descriptor anywhere in window A */
	OP_PEER_AVAIL,    /* u8 slot, u8 head (0xff: u16 head follows): an available ring entry */
	OP_PEER_IDX,      /* u8 mode (see op_peer_idx()): avail.idx */
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

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_failed(#cond, __LINE__);                                             \
	} while (0)

#define SENTINEL     0xa5
#define MAX_STORED   32
#define MAX_ELEMS    20
#define MAX_NUM      256
#define HUGE_SIZE    (1ull << 33)
#define INDIRECT_MAX 32768u

enum { ST_FREE, ST_HEAD, ST_BODY };

struct input {
	const uint8_t *p;
	size_t n;
};

struct window {
	uint8_t *va;
	uint64_t size;
	uint64_t da;
	bool readonly;
};

struct layout {
	size_t avail, used_event, used, avail_event, size;
};

/* What the documented rules say the device state is. */
struct model {
	bool broken;
	bool notif;
	uint16_t flags_shadow;
	uint16_t consumed, peer_idx, own_idx, published, signalled;
	uint32_t held;
	uint8_t state[MAX_NUM];
	uint16_t next[MAX_NUM];
	uint16_t chain_len[MAX_NUM];
	uint32_t writable[MAX_NUM];
	uint16_t drv_idx; /* the peer's avail.idx for well-formed additions */
};

/* A chain walked by the model. */
struct mwalk {
	struct amp_vring_elem el[MAX_STORED];
	uint32_t count;
	uint64_t rd, wr;
	bool seen_w;
	uint16_t members[MAX_NUM];
	uint16_t nmembers;
	bool walking[MAX_NUM];
};

struct fz {
	struct input in;
	uint32_t num;
	uint16_t mask;
	uint32_t align;
	bool big, event_idx, indirect;
	struct layout lay;
	uint8_t *ring;
	struct window win[3]; /* A, B, C; absent ones have size 0 */
	struct amp_mem_region regions[3];
	struct amp_region_table table;
	struct amp_vring_slot *slots;
	struct amp_vring vr;
	struct model m;
	unsigned long notified, expect_notified;
};

static struct fz g;
static int trace = -1;
static uint8_t *huge;

static void check_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_vring_device: invariant violated at line %d: %s\n", line, what);
	__builtin_trap();
}

#define TRACE(...)                                                                                 \
	do {                                                                                       \
		if (trace > 0)                                                                     \
			fprintf(stderr, __VA_ARGS__);                                              \
	} while (0)

/* ------------------------------------------------------------------ input */

static uint8_t in_u8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t in_u16(struct input *in)
{
	uint16_t lo = in_u8(in);

	return (uint16_t)(lo | in_u8(in) << 8);
}

static uint32_t in_u32(struct input *in)
{
	uint32_t lo = in_u16(in);

	return lo | (uint32_t)in_u16(in) << 16;
}

static uint64_t in_u64(struct input *in)
{
	uint64_t lo = in_u32(in);

	return lo | (uint64_t)in_u32(in) << 32;
}

/* Copy up to @want input bytes to @dst; returns how many were copied. */
static size_t in_copy(struct input *in, uint8_t *dst, size_t want)
{
	size_t n = want < in->n ? want : in->n;

	memcpy(dst, in->p, n);
	in->p += n;
	in->n -= n;
	return n;
}

/* ------------------------------------------------------------------ ring access (harness side) */

static uint64_t ld(const struct fz *f, const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (f->big ? 8 * (bytes - 1 - i) : 8 * i);
	return v;
}

static void st(const struct fz *f, uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (f->big ? 8 * (bytes - 1 - i) : 8 * i));
}

static uint8_t *f_desc(struct fz *f, uint32_t i)
{
	return f->ring + 16 * (size_t)i;
}

static uint8_t *f_avail_flags(struct fz *f)
{
	return f->ring + f->lay.avail;
}

static uint8_t *f_avail_idx(struct fz *f)
{
	return f->ring + f->lay.avail + 2;
}

static uint8_t *f_avail_entry(struct fz *f, uint16_t idx)
{
	return f->ring + f->lay.avail + 4 + 2 * (size_t)(idx & f->mask);
}

static uint8_t *f_used_event(struct fz *f)
{
	return f->ring + f->lay.used_event;
}

static uint8_t *f_used_flags(struct fz *f)
{
	return f->ring + f->lay.used;
}

static uint8_t *f_used_idx(struct fz *f)
{
	return f->ring + f->lay.used + 2;
}

static uint8_t *f_used_elem(struct fz *f, uint16_t idx)
{
	return f->ring + f->lay.used + 4 + 8 * (size_t)(idx & f->mask);
}

static uint8_t *f_avail_event(struct fz *f)
{
	return f->ring + f->lay.avail_event;
}

static uint16_t ld16(struct fz *f, const uint8_t *p)
{
	return (uint16_t)ld(f, p, 2);
}

static void write_desc(struct fz *f, uint8_t *d, uint64_t da, uint32_t len, uint16_t flags,
		       uint16_t next)
{
	st(f, d, da, 8);
	st(f, d + 8, len, 4);
	st(f, d + 12, flags, 2);
	st(f, d + 14, next, 2);
}

/* The whole range [da, da + len) inside one window, else NULL (amp_addr.h semantics). */
static uint8_t *model_to_va(const struct fz *f, uint64_t da, uint64_t len)
{
	for (unsigned int i = 0; i < 3; i++) {
		const struct window *w = &f->win[i];
		uint64_t off;

		if (!w->size || da < w->da)
			continue;
		off = da - w->da;
		if (off > w->size || len > w->size - off)
			continue;
		return w->va + off;
	}
	return NULL;
}

/*
 * Is @va a translation of [da, da + len) through some window? A zero-length range where one
 * window ends and the next begins is inside both, so more than one answer can be right.
 */
static bool translates(const struct fz *f, uint64_t da, uint64_t len, const void *va)
{
	for (unsigned int i = 0; i < 3; i++) {
		const struct window *w = &f->win[i];

		if (w->size && da >= w->da && da - w->da <= w->size &&
		    len <= w->size - (da - w->da) && va == w->va + (da - w->da))
			return true;
	}
	return false;
}

/* The window holding the whole local range, or NULL. */
static const struct window *window_of(const struct fz *f, const void *va, uint64_t len)
{
	for (unsigned int i = 0; i < 3; i++) {
		const struct window *w = &f->win[i];
		uintptr_t p = (uintptr_t)va, b = (uintptr_t)w->va;

		if (w->size && p >= b && p - b <= w->size && len <= w->size - (p - b))
			return w;
	}
	return NULL;
}

static bool need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	/* virtio v1.2 §2.7.7.2 vring_need_event() */
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/* ------------------------------------------------------------------ model */

static void model_reset(struct model *m)
{
	uint16_t drv_idx = m->drv_idx;

	memset(m, 0, sizeof(*m));
	m->notif = true;
	m->drv_idx = drv_idx;
}

static bool m_has_avail(struct fz *f)
{
	return f->m.broken || f->m.consumed != f->m.peer_idx ||
	       ld16(f, f_avail_idx(f)) != f->m.consumed;
}

/*
 * The walk model returns a mask of AMP_VRING_FAULT_* bits rather than one fault: every rule the
 * descriptor where the walk stops breaks (including its next link). The reference may check
 * those in any order, so any of them is an acceptable amp_vring_fault().
 */
#define RULE(fault) (1u << (fault))

/* Rules one buffer descriptor breaks, given the chain so far. */
static unsigned int buf_rules(struct fz *f, const struct mwalk *w, uint64_t da, uint32_t len,
			      uint16_t flags)
{
	bool writable = flags & AMP_VRING_DESC_F_WRITE;
	unsigned int rules = 0;

	if (!model_to_va(f, da, len))
		rules |= RULE(AMP_VRING_FAULT_ADDR);
	if (!writable && w->seen_w)
		rules |= RULE(AMP_VRING_FAULT_ORDER);
	if ((writable ? w->wr : w->rd) + len > UINT32_MAX)
		rules |= RULE(AMP_VRING_FAULT_LENGTH);
	return rules;
}

/* Rules an indirect descriptor itself breaks. */
static unsigned int ind_rules(struct fz *f, uint64_t da, uint32_t len, uint16_t flags)
{
	const uint8_t *table = model_to_va(f, da, len);
	unsigned int rules = 0;

	/* only with the feature, never with NEXT, a whole number of entries */
	if (!f->indirect || (flags & AMP_VRING_DESC_F_NEXT) || !len || len % 16)
		rules |= RULE(AMP_VRING_FAULT_INDIRECT);
	if (len / 16 > INDIRECT_MAX)
		rules |= RULE(AMP_VRING_FAULT_CHAIN_LENGTH);
	/* the reference also wants the table 4-byte aligned for its 32-bit loads */
	if (!table || ((uintptr_t)table & 3))
		rules |= RULE(AMP_VRING_FAULT_ADDR);
	return rules;
}

/* Rules a descriptor's content breaks, whatever its kind. */
static unsigned int desc_rules(struct fz *f, const struct mwalk *w, const uint8_t *d)
{
	uint16_t flags = (uint16_t)ld(f, d + 12, 2);
	uint64_t da = ld(f, d, 8);
	uint32_t len = (uint32_t)ld(f, d + 8, 4);

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
	const uint8_t *table = model_to_va(f, da, len);
	uint32_t entries = len / 16, steps = 0;
	uint16_t j = 0;

	for (;;) {
		const uint8_t *d = table + 16 * (size_t)j;
		uint64_t bda = ld(f, d, 8);
		uint32_t blen = (uint32_t)ld(f, d + 8, 4);
		uint16_t bflags = (uint16_t)ld(f, d + 12, 2);
		uint16_t bnext = (uint16_t)ld(f, d + 14, 2);
		unsigned int rules = buf_rules(f, w, bda, blen, bflags);

		/* one table per descriptor: no nesting */
		if (bflags & AMP_VRING_DESC_F_INDIRECT)
			rules |= RULE(AMP_VRING_FAULT_INDIRECT);
		if (bflags & AMP_VRING_DESC_F_NEXT) {
			if (bnext >= entries)
				rules |= RULE(AMP_VRING_FAULT_NEXT_RANGE);
			/* a table of n entries holds chains of at most n */
			if (steps + 1 >= entries)
				rules |= RULE(AMP_VRING_FAULT_CHAIN_LENGTH);
		}
		if (rules)
			return rules;
		append(w, model_to_va(f, bda, blen), bda, blen, bflags);
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
		uint8_t *d = f_desc(f, i);
		uint16_t flags = (uint16_t)ld(f, d + 12, 2);
		uint16_t next = (uint16_t)ld(f, d + 14, 2);
		uint64_t da = ld(f, d, 8);
		uint32_t len = (uint32_t)ld(f, d + 8, 4);
		unsigned int rules = 0;

		/* a descriptor seen earlier in this chain is a loop; one in a held chain reused */
		if (w->walking[i])
			rules |= RULE(AMP_VRING_FAULT_CHAIN_LENGTH);
		else if (f->m.state[i] != ST_FREE)
			rules |= RULE(AMP_VRING_FAULT_DESC_REUSED);
		if (rules)
			return rules | desc_rules(f, w, d);
		w->walking[i] = true;
		w->members[w->nmembers++] = i;
		rules = desc_rules(f, w, d);
		if ((flags & AMP_VRING_DESC_F_NEXT) && next >= f->num)
			rules |= RULE(AMP_VRING_FAULT_NEXT_RANGE);
		if (rules)
			return rules;
		if (flags & AMP_VRING_DESC_F_INDIRECT) {
			rules = m_table(f, w, da, len);
			if (rules)
				return rules;
			/* an indirect descriptor ends the chain (NEXT was refused above) */
			return 0;
		}
		append(w, model_to_va(f, da, len), da, len, flags);
		if (!(flags & AMP_VRING_DESC_F_NEXT))
			return 0;
		i = next;
	}
}

/* Predict amp_vring_dev_get_avail(); updates the cached peer index like the device may. */
static int m_get_avail(struct fz *f, struct mwalk *w, uint16_t *head, unsigned int *rules)
{
	struct model *m = &f->m;

	*rules = 0;
	if (m->broken)
		return -AMP_EIO;
	if (m->consumed == m->peer_idx) {
		uint16_t idx = ld16(f, f_avail_idx(f));
		uint16_t outstanding = (uint16_t)(idx - m->published);

		if (idx == m->consumed)
			return -AMP_EAGAIN;
		/* at most num buffers beyond what we returned, and never behind what we took */
		if (outstanding > f->num || (uint16_t)(idx - m->consumed) > outstanding) {
			*rules = RULE(AMP_VRING_FAULT_AVAIL_IDX);
			return -AMP_EIO;
		}
		m->peer_idx = idx;
	}
	*head = ld16(f, f_avail_entry(f, m->consumed));
	if (*head >= f->num) {
		*rules = RULE(AMP_VRING_FAULT_HEAD_RANGE);
		return -AMP_EIO;
	}
	*rules = m_chain(f, *head, w);
	return *rules ? -AMP_EIO : 0;
}

static void m_publish(struct fz *f)
{
	f->m.published = f->m.own_idx;
}

static bool m_kick_prepare(struct fz *f)
{
	struct model *m = &f->m;
	uint16_t old = m->signalled, new_idx = m->published;

	if (m->broken || old == new_idx)
		return false;
	m->signalled = new_idx;
	if (f->event_idx)
		return need_event(ld16(f, f_used_event(f)), new_idx, old);
	return !(ld16(f, f_avail_flags(f)) & AMP_VRING_AVAIL_F_NO_INTERRUPT);
}

/* ------------------------------------------------------------------ checked API calls */

static void check_device_fault(struct fz *f)
{
	enum amp_vring_fault fault = amp_vring_fault(&f->vr);

	CHECK(fault >= AMP_VRING_FAULT_AVAIL_IDX && fault <= AMP_VRING_FAULT_LENGTH);
}

static void check_state(struct fz *f)
{
	CHECK((amp_vring_fault(&f->vr) != AMP_VRING_FAULT_NONE) == f->m.broken);
	if (f->m.broken)
		check_device_fault(f);
	CHECK(amp_vring_dev_num_held(&f->vr) == f->m.held);
	CHECK(f->notified == f->expect_notified);
}

/* Every stored element must lie inside a window; touch its ends so ASan sees any lie. */
static void check_elem(struct fz *f, const struct amp_vring_elem *e)
{
	const struct window *w = window_of(f, e->va, e->len);
	volatile uint8_t *p = e->va;

	CHECK(w);
	CHECK(translates(f, e->da, e->len, e->va));
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
	struct model *m = &f->m;
	static struct mwalk w;
	uint16_t mhead = 0;
	unsigned int rules;
	int expect, ret;

	if (max_elems) {
		elems = malloc(sizeof(*elems) * max_elems);
		CHECK(elems);
		memset(elems, SENTINEL, sizeof(*elems) * max_elems);
	}
	memset(&chain, SENTINEL, sizeof(chain));
	chain.elems = elems;
	chain.max_elems = max_elems;

	expect = m_get_avail(f, &w, &mhead, &rules);
	ret = amp_vring_dev_get_avail(&f->vr, &chain);
	TRACE("  get_avail(max %u) = %d (model %d, rules %#x, lib fault %d)\n", max_elems, ret,
	      expect, rules, (int)amp_vring_fault(&f->vr));
	CHECK(ret == 0 || ret == -AMP_EAGAIN || ret == -AMP_EIO);
	CHECK(ret == expect);
	if (ret == -AMP_EIO) {
		check_device_fault(f);
		/* the fault names a rule the driver broke (rules is 0 when already broken) */
		if (!m->broken)
			CHECK(rules & RULE(amp_vring_fault(&f->vr)));
		m->broken = true;
	}
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
			CHECK(e->va == w.el[i].va || translates(f, e->da, e->len, e->va));
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
				CHECK(b[k] == SENTINEL);
		}
	}

	for (uint16_t k = 0; k < w.nmembers; k++) {
		uint16_t d = w.members[k];

		m->state[d] = k ? ST_BODY : ST_HEAD;
		m->next[d] = k + 1 < w.nmembers ? w.members[k + 1] : 0;
	}
	m->chain_len[mhead] = w.nmembers;
	m->writable[mhead] = (uint32_t)w.wr;
	m->held++;
	m->consumed++;
	if (f->event_idx && m->notif)
		CHECK(ld16(f, f_avail_event(f)) == m->consumed);
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
	struct model *m = &f->m;
	uint16_t idx = ld16(f, f_avail_idx(f));
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
	struct model *m = &f->m;
	int expect, ret;

	if (m->broken)
		expect = -AMP_EIO;
	else if (head >= f->num || m->state[head] != ST_HEAD || len > m->writable[head])
		expect = -AMP_EINVAL;
	else
		expect = 0;
	ret = amp_vring_dev_add_used(&f->vr, head, len);
	TRACE("  add_used(%u, %u) = %d (model %d)\n", head, len, ret, expect);
	CHECK(ret == 0 || ret == -AMP_EINVAL || ret == -AMP_EIO);
	CHECK(ret == expect);
	if (ret)
		return ret;

	CHECK(ld(f, f_used_elem(f, m->own_idx), 4) == head);
	CHECK(ld(f, f_used_elem(f, m->own_idx) + 4, 4) == len);
	{
		uint16_t i = head;

		for (uint16_t n = 0; n < m->chain_len[head]; n++) {
			m->state[i] = ST_FREE;
			i = m->next[i];
		}
	}
	m->held--;
	m->own_idx++;
	if ((uint16_t)(m->own_idx - m->signalled) >= 0xffff) {
		/* kick rather than let 65536 unsignalled buffers look like none */
		m_publish(f);
		if (m_kick_prepare(f))
			f->expect_notified++;
	}
	return 0;
}

static void do_publish(struct fz *f)
{
	bool moved = f->m.own_idx != f->m.published;

	amp_vring_dev_publish(&f->vr);
	m_publish(f);
	if (moved)
		CHECK(ld16(f, f_used_idx(f)) == f->m.own_idx);
}

static void do_kick_prepare(struct fz *f)
{
	bool expect = m_kick_prepare(f);
	bool ret = amp_vring_dev_kick_prepare(&f->vr);

	TRACE("  kick_prepare = %d (model %d)\n", ret, expect);
	CHECK(ret == expect);
}

static void do_kick(struct fz *f)
{
	bool moved = f->m.own_idx != f->m.published;
	bool expect, ret;

	m_publish(f);
	expect = m_kick_prepare(f);
	if (expect)
		f->expect_notified++;
	ret = amp_vring_dev_kick(&f->vr);
	CHECK(ret == expect);
	if (moved)
		CHECK(ld16(f, f_used_idx(f)) == f->m.own_idx);
}

static void do_disable(struct fz *f)
{
	struct model *m = &f->m;

	amp_vring_dev_disable_notify(&f->vr);
	if (!m->notif)
		return;
	m->notif = false;
	if (f->event_idx) {
		CHECK(ld16(f, f_avail_event(f)) == (uint16_t)(m->consumed - 1));
	} else {
		m->flags_shadow |= AMP_VRING_USED_F_NO_NOTIFY;
		CHECK(ld16(f, f_used_flags(f)) == m->flags_shadow);
	}
}

static void do_enable(struct fz *f)
{
	struct model *m = &f->m;
	bool ret = amp_vring_dev_enable_notify(&f->vr);

	m->notif = true;
	if (f->event_idx) {
		CHECK(ld16(f, f_avail_event(f)) == m->consumed);
	} else if (m->flags_shadow & AMP_VRING_USED_F_NO_NOTIFY) {
		m->flags_shadow &= (uint16_t)~AMP_VRING_USED_F_NO_NOTIFY;
		CHECK(ld16(f, f_used_flags(f)) == m->flags_shadow);
	}
	CHECK(ret == m_has_avail(f));
}

static void notify_cb(void *ctx, struct amp_vring *vr)
{
	struct fz *f = ctx;

	CHECK(vr == &f->vr);
	f->notified++;
}

/* ------------------------------------------------------------------ operations */

/* Read descriptor fields from the input (format above OP_PEER_DESC) and store them at @d. */
static void peer_desc_fields(struct fz *f, uint8_t *d)
{
	uint8_t mode = in_u8(&f->in);
	uint16_t flags = mode & 7;
	const struct window *w;
	uint64_t da;
	uint32_t len;
	uint16_t next;

	if (mode & 8)
		flags |= 0xfff8;
	switch ((mode >> 4) & 3) {
	case 0:
		da = f->win[0].da + in_u16(&f->in);
		break;
	case 1:
		w = f->win[1].size ? &f->win[1] : &f->win[0];
		da = w->da + in_u16(&f->in);
		break;
	case 2:
		w = f->win[2].size ? &f->win[2] : &f->win[0];
		da = w->da + in_u32(&f->in);
		break;
	default:
		da = in_u64(&f->in);
		break;
	}
	len = mode & 0x40 ? in_u32(&f->in) : in_u16(&f->in);
	next = mode & 0x80 ? in_u16(&f->in) : in_u8(&f->in);
	write_desc(f, d, da, len, flags, next);
}

static void op_peer_ring(struct fz *f)
{
	size_t off = in_u16(&f->in) % f->lay.size;
	size_t n = in_u8(&f->in);

	if (n > f->lay.size - off)
		n = f->lay.size - off;
	in_copy(&f->in, f->ring + off, n);
}

static void op_peer_window(struct fz *f)
{
	uint16_t sel = in_u16(&f->in);
	const struct window *w = (sel & 0x8000) && f->win[1].size ? &f->win[1] : &f->win[0];
	size_t off = (sel & 0x7fff) % w->size;
	size_t n = in_u8(&f->in);

	if (n > w->size - off)
		n = w->size - off;
	in_copy(&f->in, w->va + off, n);
}

static void op_peer_table(struct fz *f)
{
	size_t off = in_u16(&f->in) % f->win[0].size;

	if (f->win[0].size - off < 16) {
		uint8_t scratch[16];

		peer_desc_fields(f, scratch); /* consume the fields all the same */
		return;
	}
	peer_desc_fields(f, f->win[0].va + off);
}

static void op_peer_avail(struct fz *f)
{
	uint8_t slot = in_u8(&f->in);
	uint16_t head = in_u8(&f->in);

	if (head == 0xff)
		head = in_u16(&f->in);
	st(f, f_avail_entry(f, slot), head, 2);
}

/* mode bits 0-1: 0 advance by mode >> 2, 1 raw u16 follows, 2 go back by mode >> 2,
 * 3 jump num + (mode >> 2) ahead. */
static void op_peer_idx(struct fz *f)
{
	uint8_t mode = in_u8(&f->in);
	struct model *m = &f->m;

	switch (mode & 3) {
	case 0:
		m->drv_idx += mode >> 2;
		break;
	case 1:
		m->drv_idx = in_u16(&f->in);
		break;
	case 2:
		m->drv_idx -= mode >> 2;
		break;
	default:
		m->drv_idx += f->num + (mode >> 2);
		break;
	}
	st(f, f_avail_idx(f), m->drv_idx, 2);
}

static void op_peer_event(struct fz *f)
{
	uint8_t which = in_u8(&f->in);
	uint16_t v = in_u16(&f->in);

	st(f, which & 1 ? f_used_event(f) : f_avail_flags(f), v, 2);
}

/*
 * A well-formed chain as a correct driver would add it:
 *   u8 head; u8 shape: bits 0-2 n - 1, bits 3-5 readable count (clamped to n), bit 6 publish
 *   avail.idx, bit 7 through an indirect table; [u16 table offset if indirect]; then n times
 *   u16 offset, u16 length inside window A. A direct chain uses descriptors head, head + 1, ...
 */
static void op_peer_add(struct fz *f)
{
	const struct window *a = &f->win[0];
	uint16_t head = in_u8(&f->in) % f->num;
	uint8_t shape = in_u8(&f->in);
	uint32_t n = (shape & 7) + 1u, nout = (shape >> 3) & 7;
	bool indirect = shape & 0x80;
	size_t toff = 0;

	if (nout > n)
		nout = n;
	if (indirect) {
		toff = (in_u16(&f->in) % a->size) & ~(size_t)15;
		if (toff + 16 * n > a->size)
			indirect = false;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint64_t off = in_u16(&f->in) % a->size;
		uint32_t len = (uint32_t)(in_u16(&f->in) % (a->size - off + 1));
		uint16_t flags = (uint16_t)((k >= nout ? AMP_VRING_DESC_F_WRITE : 0) |
					    (k + 1 < n ? AMP_VRING_DESC_F_NEXT : 0));

		if (indirect)
			write_desc(f, a->va + toff + 16 * k, a->da + off, len, flags,
				   (uint16_t)(k + 1 < n ? k + 1 : 0));
		else
			write_desc(f, f_desc(f, (head + k) & f->mask), a->da + off, len, flags,
				   (uint16_t)((head + k + 1) & f->mask));
	}
	if (indirect)
		write_desc(f, f_desc(f, head), a->da + toff, 16 * n, AMP_VRING_DESC_F_INDIRECT, 0);
	st(f, f_avail_entry(f, f->m.drv_idx), head, 2);
	f->m.drv_idx++;
	if (shape & 0x40)
		st(f, f_avail_idx(f), f->m.drv_idx, 2);
}

static void op_add_used(struct fz *f)
{
	uint8_t sel = in_u8(&f->in);
	uint8_t lm = in_u8(&f->in);
	uint16_t head = 0;
	uint32_t wl, len;

	if (sel == 0xff) {
		head = in_u16(&f->in);
	} else if (f->m.held) {
		uint32_t k = sel % f->m.held;

		for (uint32_t i = 0; i < f->num; i++) {
			if (f->m.state[i] == ST_HEAD && !k--) {
				head = (uint16_t)i;
				break;
			}
		}
	} else {
		head = sel % f->num;
	}
	wl = head < f->num && f->m.state[head] == ST_HEAD ? f->m.writable[head] : 0;
	switch (lm & 3) {
	case 0:
		len = wl;
		break;
	case 1:
		len = wl > (lm >> 2) ? wl - (lm >> 2) : 0;
		break;
	case 2:
		len = wl + 1 + (lm >> 2); /* too long */
		break;
	default:
		len = in_u32(&f->in);
		break;
	}
	do_add_used(f, head, len);
}

static void op_reset(struct fz *f)
{
	uint8_t b = in_u8(&f->in);

	if (b & 1) {
		memset(f->ring, 0, f->lay.size);
		f->m.drv_idx = 0;
	}
	amp_vring_dev_reset(&f->vr);
	model_reset(&f->m);
	CHECK(amp_vring_fault(&f->vr) == AMP_VRING_FAULT_NONE);
}

/* Many correct round trips through descriptor 0. */
static void op_bulk(struct fz *f)
{
	uint32_t n = ((in_u8(&f->in) & 15u) + 1) * 64;
	struct model *m = &f->m;
	uint32_t len = f->win[0].size < 64 ? (uint32_t)f->win[0].size : 64;

	if (m->broken || m->held || m_has_avail(f))
		return;
	CHECK(!amp_vring_dev_has_avail(&f->vr));
	m->drv_idx = m->consumed;
	for (uint32_t k = 0; k < n; k++) {
		uint16_t head;
		uint32_t wl;

		write_desc(f, f_desc(f, 0), f->win[0].da, len, AMP_VRING_DESC_F_WRITE, 0);
		st(f, f_avail_entry(f, m->drv_idx), 0, 2);
		st(f, f_avail_idx(f), ++m->drv_idx, 2);
		if (do_get_avail(f, 0, &head, &wl))
			break;
		if (do_add_used(f, head, wl / 2))
			break;
		do_publish(f);
		do_kick_prepare(f);
	}
}

/*
 * The state after @start round trips of a correct driver with nothing outstanding, set
 * directly: running 65535 round trips per input to reach the index wrap would cost ~0.2 s.
 * This is the one place the harness touches the handle's private fields. @unsignalled: the
 * last kick decision was that many buffers ago.
 */
static void fast_forward(struct fz *f, uint16_t start, uint16_t unsignalled)
{
	struct amp_vring *vr = &f->vr;
	struct model *m = &f->m;

	vr->own_idx = vr->published = vr->peer_idx = vr->consumed = start;
	m->own_idx = m->published = m->peer_idx = m->consumed = start;
	vr->signalled = m->signalled = (uint16_t)(start - unsignalled);
	m->drv_idx = start;
	st(f, f_avail_idx(f), start, 2);
	st(f, f_used_idx(f), start, 2);
	st(f, f_used_event(f), start, 2);
	if (f->event_idx)
		st(f, f_avail_event(f), start, 2);
}

static void run_op(struct fz *f, uint8_t op)
{
	TRACE("op %u\n", op);
	switch (op) {
	case OP_PEER_RING:
		op_peer_ring(f);
		break;
	case OP_PEER_WINDOW:
		op_peer_window(f);
		break;
	case OP_PEER_DESC:
		peer_desc_fields(f, f_desc(f, in_u8(&f->in) & f->mask));
		break;
	case OP_PEER_TABLE:
		op_peer_table(f);
		break;
	case OP_PEER_AVAIL:
		op_peer_avail(f);
		break;
	case OP_PEER_IDX:
		op_peer_idx(f);
		break;
	case OP_PEER_EVENT:
		op_peer_event(f);
		break;
	case OP_PEER_ADD:
		op_peer_add(f);
		break;
	case OP_GET_AVAIL:
		do_get_avail(f, in_u8(&f->in) % MAX_ELEMS, NULL, NULL);
		break;
	case OP_GET_AVAIL_BAD:
		do_get_avail_bad(f);
		break;
	case OP_ADD_USED:
		op_add_used(f);
		break;
	case OP_PUBLISH:
		do_publish(f);
		break;
	case OP_KICK_PREPARE:
		do_kick_prepare(f);
		break;
	case OP_KICK:
		do_kick(f);
		break;
	case OP_DISABLE:
		do_disable(f);
		break;
	case OP_ENABLE:
		do_enable(f);
		break;
	case OP_HAS_AVAIL:
		CHECK(amp_vring_dev_has_avail(&f->vr) == m_has_avail(f));
		break;
	case OP_RESET:
		op_reset(f);
		break;
	default:
		op_bulk(f);
		break;
	}
	check_state(f);
}

/* ------------------------------------------------------------------ setup */

static void *alloc_exact(size_t size)
{
	void *p = NULL;

	/* exact size, so the sanitizer's redzone starts right after the last byte */
	if (posix_memalign(&p, 16, size))
		return NULL;
	return p;
}

/* Choose device addresses for A, B (right after A) and C; no window wraps past 2^64. */
static void place_windows(struct fz *f, unsigned int mode, uint64_t seed)
{
	struct window *a = &f->win[0], *b = &f->win[1], *c = &f->win[2];
	uint64_t total = a->size + b->size;
	uint64_t top = 0 - total;
	uint64_t base;

	switch (mode) {
	case 0:
		base = seed > top ? top : seed;
		break;
	case 1:
		base = top; /* the last window ends exactly at 2^64 */
		break;
	case 2:
		base = seed & 0xffffffffu;
		break;
	default:
		/* A ends at 2^64, B starts at 0 */
		a->da = 0 - a->size;
		b->da = 0;
		c->da = b->size;
		return;
	}
	a->da = base;
	b->da = base + a->size;
	if (base + total <= 0 - HUGE_SIZE)
		c->da = base + total;
	else
		c->da = base - HUGE_SIZE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *f = &g;
	struct amp_vring_config cfg;
	static const uint32_t aligns[4] = {4, 16, 64, 4096};
	uint8_t num_sel, opts, budget_sel, bsel, start;
	uint16_t asize;
	uint64_t seed;
	unsigned int nreg = 0;
	uint32_t budget;
	size_t n;

	if (trace < 0)
		trace = getenv("AMP_FUZZ_TRACE") != NULL;
	memset(f, 0, sizeof(*f));
	f->in.p = data;
	f->in.n = size;

	num_sel = in_u8(&f->in);
	opts = in_u8(&f->in);
	budget_sel = in_u8(&f->in);
	asize = in_u16(&f->in);
	bsel = in_u8(&f->in);
	seed = in_u64(&f->in);
	start = in_u8(&f->in);

	f->num = 1u << (num_sel % 9);
	f->mask = (uint16_t)(f->num - 1);
	f->big = opts & 1;
	f->event_idx = opts & 2;
	f->indirect = opts & 4;
	f->align = aligns[(opts >> 3) & 3];
	budget = 1 + 4u * budget_sel;

	/* Layout computed here independently, then cross-checked with the library. */
	f->lay.avail = 16 * (size_t)f->num;
	f->lay.used_event = f->lay.avail + 4 + 2 * (size_t)f->num;
	f->lay.used = (f->lay.used_event + 2 + f->align - 1) & ~(size_t)(f->align - 1);
	f->lay.avail_event = f->lay.used + 4 + 8 * (size_t)f->num;
	f->lay.size = f->lay.avail_event + 2;
	CHECK(amp_vring_size(f->num, f->align) == f->lay.size);

	f->win[0].size = 1 + asize % 8192;
	if (opts & 0x20)
		f->win[1].size = 16 * ((bsel & 0x7fu) + 1);
	if (bsel & 0x80) {
		if (!huge) {
			void *p = mmap(NULL, HUGE_SIZE, PROT_READ,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

			huge = p == MAP_FAILED ? NULL : p;
		}
		if (huge) {
			f->win[2].va = huge;
			f->win[2].size = HUGE_SIZE;
			f->win[2].readonly = true;
		}
	}
	place_windows(f, opts >> 6, seed);

	f->ring = alloc_exact(f->lay.size);
	f->win[0].va = alloc_exact(f->win[0].size);
	if (f->win[1].size)
		f->win[1].va = alloc_exact(f->win[1].size);
	f->slots = malloc(AMP_VRING_SLOTS_SIZE(f->num));
	CHECK(f->ring && f->win[0].va && (!f->win[1].size || f->win[1].va) && f->slots);
	memset(f->ring, 0, f->lay.size);
	memset(f->win[0].va, 0, f->win[0].size);
	if (f->win[1].size)
		memset(f->win[1].va, 0, f->win[1].size);
	memset(f->slots, SENTINEL, AMP_VRING_SLOTS_SIZE(f->num));
	for (unsigned int i = 0; i < 3; i++) {
		if (!f->win[i].size)
			continue;
		f->regions[nreg].da = f->win[i].da;
		f->regions[nreg].va = f->win[i].va;
		f->regions[nreg].size = f->win[i].size;
		nreg++;
	}
	f->table.regions = f->regions;
	f->table.count = nreg;

	/* Initial contents: what the driver left in the ring and window A. */
	n = in_u16(&f->in);
	in_copy(&f->in, f->ring, n < f->lay.size ? n : f->lay.size);
	n = in_u16(&f->in);
	in_copy(&f->in, f->win[0].va, n < f->win[0].size ? n : f->win[0].size);

	memset(&cfg, 0, sizeof(cfg));
	cfg.num = f->num;
	cfg.align = f->align;
	cfg.ring = f->ring;
	cfg.io.order = f->big ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN;
	cfg.addr = amp_addr_map_regions(&f->table);
	cfg.features = (f->event_idx ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) : 0) |
		       (f->indirect ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC) : 0);
	cfg.slots = f->slots;
	cfg.notify = notify_cb;
	cfg.notify_ctx = f;
	CHECK(amp_vring_dev_init(&f->vr, &cfg) == 0);
	model_reset(&f->m);
	if (start)
		fast_forward(f, (uint16_t)(0x10000 - start), start & 1 ? 65530 : 0);
	TRACE("num %u align %u big %d event_idx %d indirect %d A %#llx+%llu B %#llx+%llu C %d\n",
	      f->num, f->align, f->big, f->event_idx, f->indirect, (unsigned long long)f->win[0].da,
	      (unsigned long long)f->win[0].size, (unsigned long long)f->win[1].da,
	      (unsigned long long)f->win[1].size, f->win[2].size != 0);
	check_state(f);

	for (uint32_t k = 0; k < budget && f->in.n; k++)
		run_op(f, in_u8(&f->in) % OP_COUNT);

	free(f->slots);
	free(f->win[1].va);
	free(f->win[0].va);
	free(f->ring);
	return 0;
}
