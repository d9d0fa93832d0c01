// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the DRIVER role of the split virtqueue against a hostile device.
 *
 * The fuzz input plays the device: it writes used.idx, used elements, used.flags and
 * avail_event (and scribbles anywhere in the ring or the shared windows, at any time), while the
 * harness adds buffers, chains and indirect tables through the driver API and collects them
 * back. Every result is checked against a small executable model of the documented rules
 * (vring.h): the driver never returns a token it does not hold, never the same token twice,
 * never a used length above the buffer's writable bytes, never reuses an outstanding
 * descriptor, and a broken ring stays broken until reset. Memory is allocated at exact sizes so
 * AddressSanitizer catches any access outside the ring, the windows, the slots or the sg array.
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
 *             region C exists (buffers of up to 4 GiB: the 32-bit writable-length rule)
 *     [6..13] device-address seed
 *     [14]    b != 0: start as if 65536 - b round trips had completed, so that the 16-bit
 *             indices wrap within a few operations; odd b: and without a kick decision for
 *             the last 65530 of them, so the 65535-unsignalled rule fires (fast_forward())
 *   initial contents, written by the device after the driver zeroed the ring
 *     u16 n, then n bytes copied to the ring from offset 0 (clamped to the ring and the input)
 *     u16 n, then n bytes copied to window A from offset 0 (clamped likewise)
 *   operations, until the budget or the input runs out
 *     one opcode byte (b % OP_COUNT) followed by its arguments, listed at enum op.
 *
 * A buffer (sg) is encoded as one kind byte and a place (read_sg()).
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
	OP_PEER_RING,    /* u16 off, u8 n, n bytes: raw bytes into the ring at off % size */
	OP_PEER_WINDOW,  /* u16 sel, u8 n, n bytes: raw bytes into window A (B if sel bit 15) */
	OP_PEER_ELEM,    /* u8 slot, u8 id (0xff: u32 follows), u16 len (0xffff: u32 follows) */
	OP_PEER_IDX,     /* u8 mode (see op_peer_idx()): used.idx */
	OP_PEER_EVENT,   /* u8 which, u16 value: used.flags (which bit 0 clear) or avail_event */
	OP_PEER_RETURN,  /* u8 sel, u8 len mode (3: u32 follows): a correct device returns one */
	OP_ADD_BUF,      /* u8 mode (bit 0 writable, bit 1 NULL token), sg */
	OP_ADD,          /* u8 shape (read_counts()), sgs */
	OP_ADD_INDIRECT, /* u8 shape, u8 table kind, u16 table offset, sgs */
	OP_PUBLISH,
	OP_KICK_PREPARE,
	OP_KICK,
	OP_GET_USED, /* u8 mode: bit 0 NULL len, bit 1 NULL token */
	OP_HAS_USED,
	OP_DISABLE,
	OP_ENABLE,
	OP_DETACH,
	OP_RESET,
	OP_BULK, /* u8 b: ((b & 15) + 1) * 64 correct round trips */
	OP_COUNT
};

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_failed(#cond, __LINE__);                                             \
	} while (0)

#define MAX_NUM      256
#define MAX_SG       40
#define HUGE_SIZE    (1ull << 33)
#define INDIRECT_MAX 32768u

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

/* One outstanding buffer; its address is the token. At most num are used, the first num. */
struct rec {
	bool used;
	uint16_t head;
	uint16_t ndesc;
	uint16_t pos; /* available ring index at which the head was exposed */
	uint32_t writable;
};

/* What the documented rules say the driver state is. */
struct model {
	bool broken;
	bool notif;
	uint16_t flags_shadow;
	uint16_t own_idx, published, signalled, consumed, peer_idx;
	uint32_t num_free;
	int16_t owner[MAX_NUM];    /* record holding each descriptor, or -1 */
	uint16_t mnext[MAX_NUM];   /* chain links as the driver wrote them */
	int16_t head_rec[MAX_NUM]; /* record whose head each descriptor is, or -1 */
	struct rec recs[MAX_NUM];
	uint16_t dev_idx; /* the peer's used.idx for correct returns */
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
	uint8_t outside[64]; /* local memory no window covers */
};

static struct fz g;
static int trace = -1;
static uint8_t *huge;
static char dummy_token;

static void check_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_vring_driver: invariant violated at line %d: %s\n", line, what);
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

/* The window holding the whole local range [va, va + len), or NULL (amp_addr.h semantics). */
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

static uint64_t da_of(const struct window *w, const void *va)
{
	return w->da + (uint64_t)((uintptr_t)va - (uintptr_t)w->va);
}

/*
 * Is @da a translation of the local range [va, va + len) through some window? A zero-length
 * range where one allocation ends and another begins is inside both windows.
 */
static bool translates(const struct fz *f, const void *va, uint64_t len, uint64_t da)
{
	for (unsigned int i = 0; i < 3; i++) {
		const struct window *w = &f->win[i];
		uintptr_t p = (uintptr_t)va, b = (uintptr_t)w->va;

		if (w->size && p >= b && p - b <= w->size && len <= w->size - (p - b) &&
		    da == da_of(w, va))
			return true;
	}
	return false;
}

static bool need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	/* virtio v1.2 §2.7.7.2 vring_need_event() */
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/* ------------------------------------------------------------------ model */

static void model_reset(struct fz *f)
{
	struct model *m = &f->m;

	memset(m, 0, sizeof(*m));
	m->notif = true;
	m->num_free = f->num;
	for (unsigned int i = 0; i < MAX_NUM; i++) {
		m->owner[i] = -1;
		m->head_rec[i] = -1;
	}
}

static bool m_has_used(struct fz *f)
{
	return f->m.broken || f->m.consumed != f->m.peer_idx ||
	       ld16(f, f_used_idx(f)) != f->m.consumed;
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
		return need_event(ld16(f, f_avail_event(f)), new_idx, old);
	return !(ld16(f, f_used_flags(f)) & AMP_VRING_USED_F_NO_NOTIFY);
}

/* Predict amp_vring_drv_get_used(); updates the cached peer index like the driver may. */
static int m_get_used(struct fz *f, int *fault, int *rec, uint32_t *len)
{
	struct model *m = &f->m;
	uint32_t id;

	*fault = 0;
	*rec = -1;
	if (m->broken)
		return -AMP_EIO;
	if (m->consumed == m->peer_idx) {
		uint16_t idx = ld16(f, f_used_idx(f));

		if (idx == m->consumed)
			return -AMP_EAGAIN;
		/* only what was published and not yet collected */
		if ((uint16_t)(idx - m->consumed) > (uint16_t)(m->published - m->consumed)) {
			*fault = AMP_VRING_FAULT_USED_IDX;
			return -AMP_EIO;
		}
		m->peer_idx = idx;
	}
	id = (uint32_t)ld(f, f_used_elem(f, m->consumed), 4);
	*len = (uint32_t)ld(f, f_used_elem(f, m->consumed) + 4, 4);
	if (id >= f->num) {
		*fault = AMP_VRING_FAULT_USED_ID_RANGE;
		return -AMP_EIO;
	}
	*rec = m->head_rec[id];
	/* an outstanding head, and published: a correct device cannot see the others */
	if (*rec < 0 ||
	    (uint16_t)(m->recs[*rec].pos - m->published) < (uint16_t)(m->own_idx - m->published)) {
		*fault = AMP_VRING_FAULT_USED_ID_NOT_HEAD;
		return -AMP_EIO;
	}
	if (*len > m->recs[*rec].writable) {
		*fault = AMP_VRING_FAULT_USED_LEN;
		return -AMP_EIO;
	}
	return 0;
}

static int rec_alloc(struct fz *f)
{
	for (int k = 0; k < (int)f->num; k++) {
		if (!f->m.recs[k].used)
			return k;
	}
	return -1;
}

static void rec_free(struct fz *f, int k)
{
	struct model *m = &f->m;
	struct rec *r = &m->recs[k];
	uint16_t d = r->head;

	CHECK(r->used);
	for (uint16_t n = 0; n < r->ndesc; n++) {
		CHECK(m->owner[d] == k);
		m->owner[d] = -1;
		d = m->mnext[d];
	}
	m->head_rec[r->head] = -1;
	m->num_free += r->ndesc;
	r->used = false;
}

/* The token must be a record we handed out and still hold; returns its index. */
static int token_rec(struct fz *f, void *token)
{
	uintptr_t t = (uintptr_t)token, base = (uintptr_t)f->m.recs;
	int k;

	CHECK(t >= base && t < base + sizeof(f->m.recs));
	CHECK((t - base) % sizeof(struct rec) == 0);
	k = (int)((t - base) / sizeof(struct rec));
	CHECK(k < (int)f->num && f->m.recs[k].used);
	return k;
}

/* ------------------------------------------------------------------ checked API calls */

static void check_state(struct fz *f)
{
	enum amp_vring_fault fault = amp_vring_fault(&f->vr);
	uint32_t outstanding = 0;

	CHECK((fault != AMP_VRING_FAULT_NONE) == f->m.broken);
	if (f->m.broken)
		CHECK(fault >= AMP_VRING_FAULT_USED_IDX && fault <= AMP_VRING_FAULT_USED_LEN);
	for (int k = 0; k < (int)f->num; k++) {
		if (f->m.recs[k].used)
			outstanding += f->m.recs[k].ndesc;
	}
	CHECK(amp_vring_drv_num_free(&f->vr) == f->m.num_free);
	CHECK(f->m.num_free + outstanding == f->num);
	CHECK(f->notified == f->expect_notified);
}

/* A successful add exposed its head at the next available slot: check what was written. */
static uint16_t check_exposed_head(struct fz *f, int k)
{
	uint16_t head = ld16(f, f_avail_entry(f, f->m.own_idx));

	CHECK(head < f->num);
	CHECK(f->m.owner[head] < 0); /* never a descriptor of an outstanding chain */
	f->m.recs[k].head = head;
	f->m.recs[k].pos = f->m.own_idx;
	f->m.head_rec[head] = (int16_t)k;
	return head;
}

/* The descriptor at @d describes [va, va + len) with @flags. */
static void check_desc(struct fz *f, const uint8_t *d, const void *va, uint32_t len, uint16_t flags)
{
	CHECK(translates(f, va, len, ld(f, d, 8)));
	CHECK(ld(f, d + 8, 4) == len);
	CHECK(ld(f, d + 12, 2) == flags);
}

static void after_add(struct fz *f)
{
	struct model *m = &f->m;

	m->own_idx++;
	if ((uint16_t)(m->own_idx - m->signalled) >= 0xffff) {
		/* kick rather than let 65536 unsignalled buffers look like none */
		m_publish(f);
		if (m_kick_prepare(f))
			f->expect_notified++;
	}
}

/* Is @err among the @n errors the documentation allows here? */
static bool allowed(int err, const int *errs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (errs[i] == err)
			return true;
	}
	return false;
}

static int do_add_buf(struct fz *f, void *va, uint32_t len, bool writable, bool null_token)
{
	struct model *m = &f->m;
	const struct window *w = window_of(f, va, len);
	int k = rec_alloc(f);
	void *token = null_token ? NULL : k >= 0 ? (void *)&m->recs[k] : &dummy_token;
	int errs[3];
	unsigned int n = 0;
	int ret;

	if (!token)
		errs[n++] = -AMP_EINVAL;
	if (!m->num_free)
		errs[n++] = -AMP_ENOSPC;
	if (!w)
		errs[n++] = -AMP_EFAULT;
	ret = amp_vring_drv_add_buf(&f->vr, va, len, writable, token);
	TRACE("  add_buf(%p, %u, %d) = %d\n", va, len, writable, ret);
	if (m->broken) {
		CHECK(ret == -AMP_EIO);
		return ret;
	}
	if (ret) {
		CHECK(allowed(ret, errs, n));
		return ret;
	}
	CHECK(n == 0 && k >= 0);

	{
		uint16_t head = check_exposed_head(f, k);

		check_desc(f, f_desc(f, head), va, len, writable ? AMP_VRING_DESC_F_WRITE : 0);
		m->owner[head] = (int16_t)k;
		m->recs[k].used = true;
		m->recs[k].ndesc = 1;
		m->recs[k].writable = writable ? len : 0;
		m->num_free--;
	}
	after_add(f);
	return 0;
}

static void do_add(struct fz *f, const struct amp_vring_sg *sg, unsigned int out, unsigned int in)
{
	struct model *m = &f->m;
	unsigned int total = out + in;
	int k = rec_alloc(f);
	void *token = k >= 0 ? (void *)&m->recs[k] : &dummy_token;
	uint64_t writable = 0;
	bool fault = false;
	int errs[3];
	unsigned int n = 0;
	int ret;

	for (unsigned int i = 0; i < total; i++) {
		fault |= !window_of(f, sg[i].va, sg[i].len);
		if (i >= out)
			writable += sg[i].len;
	}
	if (!total || writable > UINT32_MAX)
		errs[n++] = -AMP_EINVAL;
	if (total > m->num_free)
		errs[n++] = -AMP_ENOSPC;
	if (fault)
		errs[n++] = -AMP_EFAULT;
	ret = amp_vring_drv_add(&f->vr, sg, out, in, token);
	TRACE("  add(%u out, %u in) = %d\n", out, in, ret);
	if (m->broken) {
		CHECK(ret == -AMP_EIO);
		return;
	}
	if (ret) {
		CHECK(allowed(ret, errs, n));
		return;
	}
	CHECK(n == 0 && k >= 0);

	{
		uint16_t d = check_exposed_head(f, k);

		for (unsigned int i = 0; i < total; i++) {
			bool more = i + 1 < total;
			const uint8_t *p = f_desc(f, d);

			CHECK(d < f->num && m->owner[d] < 0);
			check_desc(f, p, sg[i].va, sg[i].len,
				   (uint16_t)((i >= out ? AMP_VRING_DESC_F_WRITE : 0) |
					      (more ? AMP_VRING_DESC_F_NEXT : 0)));
			m->owner[d] = (int16_t)k;
			if (more) {
				m->mnext[d] = ld16(f, p + 14);
				d = m->mnext[d];
			}
		}
		m->recs[k].used = true;
		m->recs[k].ndesc = (uint16_t)total;
		m->recs[k].writable = (uint32_t)writable;
		m->num_free -= total;
	}
	after_add(f);
}

static void do_add_indirect(struct fz *f, const struct amp_vring_sg *sg, unsigned int out,
			    unsigned int in, uint8_t *table)
{
	struct model *m = &f->m;
	unsigned int total = out + in;
	int k = rec_alloc(f);
	void *token = k >= 0 ? (void *)&m->recs[k] : &dummy_token;
	const struct window *tw = window_of(f, table, 16 * (uint64_t)total);
	uint64_t writable = 0;
	bool fault = false;
	int errs[6];
	unsigned int n = 0;
	int ret;

	for (unsigned int i = 0; i < total; i++) {
		fault |= !window_of(f, sg[i].va, sg[i].len);
		if (i >= out)
			writable += sg[i].len;
	}
	if (!f->indirect)
		errs[n++] = -AMP_ENOTSUP;
	if (!total || !table || ((uintptr_t)table & 15) || total > INDIRECT_MAX ||
	    writable > UINT32_MAX)
		errs[n++] = -AMP_EINVAL;
	if (!m->num_free)
		errs[n++] = -AMP_ENOSPC;
	if (!tw || fault)
		errs[n++] = -AMP_EFAULT;
	ret = amp_vring_drv_add_indirect(&f->vr, sg, out, in, table, token);
	TRACE("  add_indirect(%u out, %u in, table %p) = %d\n", out, in, (void *)table, ret);
	if (m->broken) {
		CHECK(ret == -AMP_EIO);
		return;
	}
	if (ret) {
		CHECK(allowed(ret, errs, n));
		return;
	}
	CHECK(n == 0 && k >= 0 && tw);

	{
		uint16_t head = check_exposed_head(f, k);

		check_desc(f, f_desc(f, head), table, 16 * total, AMP_VRING_DESC_F_INDIRECT);
		for (unsigned int i = 0; i < total; i++) {
			bool more = i + 1 < total;
			const uint8_t *p = table + 16 * (size_t)i;

			check_desc(f, p, sg[i].va, sg[i].len,
				   (uint16_t)((i >= out ? AMP_VRING_DESC_F_WRITE : 0) |
					      (more ? AMP_VRING_DESC_F_NEXT : 0)));
			if (more)
				CHECK(ld16(f, p + 14) == i + 1);
		}
		m->owner[head] = (int16_t)k;
		m->recs[k].used = true;
		m->recs[k].ndesc = 1;
		m->recs[k].writable = (uint32_t)writable;
		m->num_free--;
	}
	after_add(f);
}

static void do_publish(struct fz *f)
{
	bool moved = f->m.own_idx != f->m.published;

	amp_vring_drv_publish(&f->vr);
	m_publish(f);
	if (moved)
		CHECK(ld16(f, f_avail_idx(f)) == f->m.own_idx);
}

static void do_kick_prepare(struct fz *f)
{
	bool expect = m_kick_prepare(f);
	bool ret = amp_vring_drv_kick_prepare(&f->vr);

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
	ret = amp_vring_drv_kick(&f->vr);
	CHECK(ret == expect);
	if (moved)
		CHECK(ld16(f, f_avail_idx(f)) == f->m.own_idx);
}

static int do_get_used(struct fz *f, bool want_len, bool want_token)
{
	struct model *m = &f->m;
	uint32_t len = 0xdeadbeef, mlen = 0;
	void *token = &dummy_token;
	int expect, ret, fault, k;

	expect = m_get_used(f, &fault, &k, &mlen);
	ret = amp_vring_drv_get_used(&f->vr, want_len ? &len : NULL, want_token ? &token : NULL);
	TRACE("  get_used = %d (model %d, fault %d, lib fault %d)\n", ret, expect, fault,
	      (int)amp_vring_fault(&f->vr));
	CHECK(ret == 0 || ret == -AMP_EAGAIN || ret == -AMP_EIO);
	CHECK(ret == expect);
	if (ret == -AMP_EIO) {
		if (!m->broken)
			CHECK(amp_vring_fault(&f->vr) == (enum amp_vring_fault)fault);
		m->broken = true;
	}
	if (ret) {
		CHECK(len == 0xdeadbeef && token == &dummy_token);
		return ret;
	}

	if (want_token)
		CHECK(token_rec(f, token) == k);
	if (want_len) {
		CHECK(len == mlen);
		CHECK(len <= m->recs[k].writable);
	}
	rec_free(f, k);
	m->consumed++;
	if (f->event_idx && m->notif)
		CHECK(ld16(f, f_used_event(f)) == m->consumed);
	return 0;
}

static void do_disable(struct fz *f)
{
	struct model *m = &f->m;

	amp_vring_drv_disable_cb(&f->vr);
	if (!m->notif)
		return;
	m->notif = false;
	if (f->event_idx) {
		CHECK(ld16(f, f_used_event(f)) == (uint16_t)(m->consumed - 1));
	} else {
		m->flags_shadow |= AMP_VRING_AVAIL_F_NO_INTERRUPT;
		CHECK(ld16(f, f_avail_flags(f)) == m->flags_shadow);
	}
}

static void do_enable(struct fz *f)
{
	struct model *m = &f->m;
	bool ret = amp_vring_drv_enable_cb(&f->vr);

	m->notif = true;
	if (f->event_idx) {
		CHECK(ld16(f, f_used_event(f)) == m->consumed);
	} else if (m->flags_shadow & AMP_VRING_AVAIL_F_NO_INTERRUPT) {
		m->flags_shadow &= (uint16_t)~AMP_VRING_AVAIL_F_NO_INTERRUPT;
		CHECK(ld16(f, f_avail_flags(f)) == m->flags_shadow);
	}
	CHECK(ret == m_has_used(f));
}

static void do_detach(struct fz *f)
{
	void *token = amp_vring_drv_detach_unused(&f->vr);
	bool any = false;

	for (int k = 0; k < (int)f->num; k++)
		any |= f->m.recs[k].used;
	TRACE("  detach_unused = %p\n", token);
	if (!token) {
		CHECK(!any);
		return;
	}
	rec_free(f, token_rec(f, token));
}

static void do_reset(struct fz *f)
{
	amp_vring_drv_reset(&f->vr);
	model_reset(f);
	for (size_t i = 0; i < f->lay.size; i++)
		CHECK(f->ring[i] == 0);
	CHECK(amp_vring_fault(&f->vr) == AMP_VRING_FAULT_NONE);
}

static void notify_cb(void *ctx, struct amp_vring *vr)
{
	struct fz *f = ctx;

	CHECK(vr == &f->vr);
	f->notified++;
}

/* ------------------------------------------------------------------ operations */

/*
 * One buffer: u8 kind, then by kind & 3
 *   0, 1: window A, B (A when there is no B): u16 offset % (size + 16), u16 length (kept
 *         inside the window unless kind bit 2)
 *   2:    region C (A when there is none): u32 offset, u32 length
 *   3:    local memory outside every window: u8 offset, u16 length
 */
static void read_sg(struct fz *f, struct amp_vring_sg *sg)
{
	uint8_t kind = in_u8(&f->in);
	const struct window *w = &f->win[0];
	uint64_t off, len;

	switch (kind & 3) {
	case 1:
		if (f->win[1].size)
			w = &f->win[1];
		/* fall through */
	case 0:
		off = in_u16(&f->in) % (w->size + 16);
		len = in_u16(&f->in);
		if (!(kind & 4) && off <= w->size)
			len %= w->size - off + 1;
		break;
	case 2:
		if (f->win[2].size)
			w = &f->win[2];
		off = in_u32(&f->in);
		len = in_u32(&f->in);
		break;
	default:
		sg->va = &f->outside[in_u8(&f->in) % sizeof(f->outside)];
		sg->len = in_u16(&f->in);
		return;
	}
	/* integer arithmetic: the pointer may be past the end on purpose */
	sg->va = (void *)((uintptr_t)w->va + (uintptr_t)off);
	sg->len = (uint32_t)len;
}

/* u8 shape: bits 0-2 readable count, bits 3-5 writable count, bit 6 adds 24 writable. */
static void read_counts(struct fz *f, unsigned int *out, unsigned int *in)
{
	uint8_t shape = in_u8(&f->in);

	*out = shape & 7;
	*in = ((shape >> 3) & 7) + (shape & 0x40 ? 24 : 0);
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

static void op_peer_elem(struct fz *f)
{
	uint8_t slot = in_u8(&f->in);
	uint32_t id = in_u8(&f->in);
	uint32_t len;

	if (id == 0xff)
		id = in_u32(&f->in);
	len = in_u16(&f->in);
	if (len == 0xffff)
		len = in_u32(&f->in);
	st(f, f_used_elem(f, slot), id, 4);
	st(f, f_used_elem(f, slot) + 4, len, 4);
}

/* mode bits 0-1: 0 advance by mode >> 2, 1 raw u16 follows, 2 go back by mode >> 2,
 * 3 jump num + (mode >> 2) ahead. */
static void op_peer_idx(struct fz *f)
{
	uint8_t mode = in_u8(&f->in);
	struct model *m = &f->m;

	switch (mode & 3) {
	case 0:
		m->dev_idx += mode >> 2;
		break;
	case 1:
		m->dev_idx = in_u16(&f->in);
		break;
	case 2:
		m->dev_idx -= mode >> 2;
		break;
	default:
		m->dev_idx += f->num + (mode >> 2);
		break;
	}
	st(f, f_used_idx(f), m->dev_idx, 2);
}

static void op_peer_event(struct fz *f)
{
	uint8_t which = in_u8(&f->in);
	uint16_t v = in_u16(&f->in);

	st(f, which & 1 ? f_avail_event(f) : f_used_flags(f), v, 2);
}

/*
 * A correct device returns an outstanding buffer: u8 sel picks the record, u8 len mode:
 * bits 0-1 0 all writable bytes, 1 fewer by mode >> 3, 2 more by 1 + (mode >> 3) (hostile),
 * 3 a u32 follows; bit 2 publishes used.idx.
 */
static void op_peer_return(struct fz *f)
{
	struct model *m = &f->m;
	uint8_t sel = in_u8(&f->in);
	uint8_t lm = in_u8(&f->in);
	unsigned int count = 0;
	uint32_t wl, len;
	int k = -1;

	for (int i = 0; i < (int)f->num; i++)
		count += m->recs[i].used;
	if (count) {
		unsigned int want = sel % count;

		for (int i = 0; i < (int)f->num; i++) {
			if (m->recs[i].used && !want--) {
				k = i;
				break;
			}
		}
	}
	wl = k >= 0 ? m->recs[k].writable : 0;
	switch (lm & 3) {
	case 0:
		len = wl;
		break;
	case 1:
		len = wl > (lm >> 3) ? wl - (lm >> 3) : 0;
		break;
	case 2:
		len = wl + 1 + (lm >> 3);
		break;
	default:
		len = in_u32(&f->in);
		break;
	}
	if (k < 0)
		return;
	st(f, f_used_elem(f, m->dev_idx), m->recs[k].head, 4);
	st(f, f_used_elem(f, m->dev_idx) + 4, len, 4);
	m->dev_idx++;
	if (lm & 4)
		st(f, f_used_idx(f), m->dev_idx, 2);
}

static void op_add_buf(struct fz *f)
{
	uint8_t mode = in_u8(&f->in);
	struct amp_vring_sg sg;

	read_sg(f, &sg);
	do_add_buf(f, sg.va, sg.len, mode & 1, mode & 2);
}

static void op_add(struct fz *f, bool indirect)
{
	struct amp_vring_sg *sg;
	unsigned int out, in;
	uint8_t *table = NULL;

	read_counts(f, &out, &in);
	if (indirect) {
		/* u8 kind: bit 0 window B, bit 1 misaligned by 1 + (kind >> 2 & 7), bit 7 NULL */
		uint8_t kind = in_u8(&f->in);
		const struct window *w = (kind & 1) && f->win[1].size ? &f->win[1] : &f->win[0];
		uint64_t off = in_u16(&f->in) % (w->size + 16) & ~(uint64_t)15;

		if (kind & 2)
			off += 1 + ((kind >> 2) & 7);
		if (!(kind & 0x80))
			table = (uint8_t *)((uintptr_t)w->va + (uintptr_t)off);
	}
	/* exactly out + in entries, so reading past them is caught */
	sg = malloc(sizeof(*sg) * (out + in ? out + in : 1));
	CHECK(sg);
	for (unsigned int i = 0; i < out + in; i++)
		read_sg(f, &sg[i]);
	if (indirect)
		do_add_indirect(f, sg, out, in, table);
	else
		do_add(f, sg, out, in);
	free(sg);
}

static void op_get_used(struct fz *f)
{
	uint8_t mode = in_u8(&f->in);

	do_get_used(f, !(mode & 1), !(mode & 2));
}

/* Many correct round trips of one buffer. */
static void op_bulk(struct fz *f)
{
	uint32_t n = ((in_u8(&f->in) & 15u) + 1) * 64;
	struct model *m = &f->m;
	uint32_t len = f->win[0].size < 64 ? (uint32_t)f->win[0].size : 64;

	if (m->broken || !m->num_free || m_has_used(f))
		return;
	CHECK(!amp_vring_drv_has_used(&f->vr));
	m->dev_idx = m->consumed;
	for (uint32_t i = 0; i < n; i++) {
		int k = rec_alloc(f);

		if (k < 0 || do_add_buf(f, f->win[0].va, len, true, false))
			break;
		do_publish(f);
		do_kick_prepare(f);
		st(f, f_used_elem(f, m->dev_idx), m->recs[k].head, 4);
		st(f, f_used_elem(f, m->dev_idx) + 4, len / 2, 4);
		st(f, f_used_idx(f), ++m->dev_idx, 2);
		if (do_get_used(f, true, true))
			break;
	}
}

/*
 * The state after @start round trips with nothing outstanding, set directly: running 65535
 * round trips per input to reach the index wrap would cost ~0.2 s. This is the one place the
 * harness touches the handle's private fields. @unsignalled: the last kick decision was that
 * many buffers ago.
 */
static void fast_forward(struct fz *f, uint16_t start, uint16_t unsignalled)
{
	struct amp_vring *vr = &f->vr;
	struct model *m = &f->m;

	vr->own_idx = vr->published = vr->peer_idx = vr->consumed = start;
	m->own_idx = m->published = m->peer_idx = m->consumed = start;
	vr->signalled = m->signalled = (uint16_t)(start - unsignalled);
	m->dev_idx = start;
	st(f, f_avail_idx(f), start, 2);
	st(f, f_used_idx(f), start, 2);
	st(f, f_avail_event(f), start, 2);
	if (f->event_idx)
		st(f, f_used_event(f), start, 2);
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
	case OP_PEER_ELEM:
		op_peer_elem(f);
		break;
	case OP_PEER_IDX:
		op_peer_idx(f);
		break;
	case OP_PEER_EVENT:
		op_peer_event(f);
		break;
	case OP_PEER_RETURN:
		op_peer_return(f);
		break;
	case OP_ADD_BUF:
		op_add_buf(f);
		break;
	case OP_ADD:
		op_add(f, false);
		break;
	case OP_ADD_INDIRECT:
		op_add(f, true);
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
	case OP_GET_USED:
		op_get_used(f);
		break;
	case OP_HAS_USED:
		CHECK(amp_vring_drv_has_used(&f->vr) == m_has_used(f));
		break;
	case OP_DISABLE:
		do_disable(f);
		break;
	case OP_ENABLE:
		do_enable(f);
		break;
	case OP_DETACH:
		do_detach(f);
		break;
	case OP_RESET:
		do_reset(f);
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
	/* garbage: the driver must zero the ring and initialise the slots itself */
	memset(f->ring, 0xa5, f->lay.size);
	memset(f->slots, 0xa5, AMP_VRING_SLOTS_SIZE(f->num));
	memset(f->win[0].va, 0, f->win[0].size);
	if (f->win[1].size)
		memset(f->win[1].va, 0, f->win[1].size);
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
	CHECK(amp_vring_drv_init(&f->vr, &cfg) == 0);
	for (size_t i = 0; i < f->lay.size; i++)
		CHECK(f->ring[i] == 0);
	model_reset(f);
	if (start)
		fast_forward(f, (uint16_t)(0x10000 - start), start & 1 ? 65530 : 0);

	/* Initial contents: what the device wrote after the driver zeroed the ring. */
	n = in_u16(&f->in);
	in_copy(&f->in, f->ring, n < f->lay.size ? n : f->lay.size);
	n = in_u16(&f->in);
	in_copy(&f->in, f->win[0].va, n < f->win[0].size ? n : f->win[0].size);

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
