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
 * Input format: the 15-byte header and the initial contents described in fuzz_common.h (here
 * the initial contents are what the device wrote after the driver zeroed the ring, and region C
 * allows buffers of up to 4 GiB: the 32-bit writable-length rule), then operations until the
 * budget or the input runs out: one opcode byte (b % OP_COUNT) followed by its arguments,
 * listed at enum op.
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

#include "amp/error.h"
#include "amp/vring.h"
#include "fuzz_common.h"

enum op {
	OP_PEER_RING,    /* u16 off, u8 n, n bytes: raw bytes into the ring at off % size */
	OP_PEER_WINDOW,  /* u16 sel, u8 n, n bytes: raw bytes into window A (B if sel bit 15) */
	OP_PEER_ELEM,    /* u8 slot, u8 id (0xff: u32 follows), u16 len (0xffff: u32 follows) */
	OP_PEER_IDX,     /* u8 mode (see fz_op_peer_idx()): used.idx */
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

/* One outstanding buffer; its address is the token. At most num are used, the first num. */
struct rec {
	bool used;
	uint16_t head;
	uint16_t ndesc;
	uint16_t pos; /* available ring index at which the head was exposed */
	bool fresh;   /* exposed after the model last read used.idx */
	uint32_t writable;
};

/* What the documented rules say the driver state is, beyond the shared &struct fz_model. */
struct drv_model {
	uint32_t num_free;
	int16_t owner[FZ_MAX_NUM];    /* record holding each descriptor, or -1 */
	uint16_t mnext[FZ_MAX_NUM];   /* chain links as the driver wrote them */
	int16_t head_rec[FZ_MAX_NUM]; /* record whose head each descriptor is, or -1 */
	struct rec recs[FZ_MAX_NUM];
};

/* The harness state: the shared part, the driver's own model and memory outside the windows. */
struct drv_fz {
	struct fz fz;
	struct drv_model m;
	uint8_t outside[64]; /* local memory no window covers */
};

static struct drv_fz g;
static char dummy_token;

static struct drv_fz *to_drv(struct fz *f)
{
	return (struct drv_fz *)((char *)f - offsetof(struct drv_fz, fz));
}

/* ------------------------------------------------------------------ model */

static void model_reset(struct fz *f)
{
	struct drv_model *dm = &to_drv(f)->m;

	fz_model_reset(f);
	f->m.sim_idx = 0; /* init and reset zero used.idx too */
	memset(dm, 0, sizeof(*dm));
	dm->num_free = f->num;
	for (unsigned int i = 0; i < FZ_MAX_NUM; i++) {
		dm->owner[i] = -1;
		dm->head_rec[i] = -1;
	}
}

/* The driver's init and reset zero the whole ring. */
static void check_zeroed(struct fz *f)
{
	for (size_t i = 0; i < f->lay.size; i++)
		CHECK(f->ring[i] == 0);
}

/* The ring holds garbage until init zeroes it. */
static void attach(struct fz *f, const struct amp_vring_config *cfg)
{
	CHECK(amp_vring_drv_init(&f->vr, cfg) == 0);
	check_zeroed(f);
	model_reset(f);
}

/* Predict amp_vring_drv_get_used(); updates the cached peer index like the driver may. */
static int m_get_used(struct fz *f, int *fault, int *rec, uint32_t *len)
{
	struct drv_model *dm = &to_drv(f)->m;
	struct fz_model *m = &f->m;
	uint32_t id;

	*fault = 0;
	*rec = -1;
	if (m->broken)
		return -AMP_EIO;
	if (m->consumed == m->peer_idx) {
		uint16_t idx = fz_ld16(f, f->dev.idx);

		if (idx == m->consumed)
			return -AMP_EAGAIN;
		/* only what was published and not yet collected */
		if ((uint16_t)(idx - m->consumed) > (uint16_t)(m->published - m->consumed)) {
			*fault = AMP_VRING_FAULT_USED_IDX;
			return -AMP_EIO;
		}
		m->peer_idx = idx;
		/* what was exposed before this read may be in the elements it covers */
		for (unsigned int k = 0; k < f->num; k++)
			dm->recs[k].fresh = false;
	}
	id = (uint32_t)fz_ld(f, fz_used_elem(f, m->consumed), 4);
	*len = (uint32_t)fz_ld(f, fz_used_elem(f, m->consumed) + 4, 4);
	if (id >= f->num) {
		*fault = AMP_VRING_FAULT_USED_ID_RANGE;
		return -AMP_EIO;
	}
	*rec = dm->head_rec[id];
	/* an outstanding head, published, and exposed before the elements we read were
	 * written: a correct device cannot see the others */
	if (*rec < 0 || dm->recs[*rec].fresh ||
	    (uint16_t)(dm->recs[*rec].pos - m->published) < (uint16_t)(m->own_idx - m->published)) {
		*fault = AMP_VRING_FAULT_USED_ID_NOT_HEAD;
		return -AMP_EIO;
	}
	if (*len > dm->recs[*rec].writable) {
		*fault = AMP_VRING_FAULT_USED_LEN;
		return -AMP_EIO;
	}
	return 0;
}

static int rec_alloc(struct fz *f)
{
	struct drv_model *dm = &to_drv(f)->m;

	for (int k = 0; k < (int)f->num; k++) {
		if (!dm->recs[k].used)
			return k;
	}
	return -1;
}

static void rec_free(struct fz *f, int k)
{
	struct drv_model *dm = &to_drv(f)->m;
	struct rec *r = &dm->recs[k];
	uint16_t d = r->head;

	CHECK(r->used);
	for (uint16_t n = 0; n < r->ndesc; n++) {
		CHECK(dm->owner[d] == k);
		dm->owner[d] = -1;
		d = dm->mnext[d];
	}
	dm->head_rec[r->head] = -1;
	dm->num_free += r->ndesc;
	r->used = false;
}

/* The token must be a record we handed out and still hold; returns its index. */
static int token_rec(struct fz *f, void *token)
{
	struct drv_model *dm = &to_drv(f)->m;
	uintptr_t t = (uintptr_t)token, base = (uintptr_t)dm->recs;
	int k;

	CHECK(t >= base && t < base + sizeof(dm->recs));
	CHECK((t - base) % sizeof(struct rec) == 0);
	k = (int)((t - base) / sizeof(struct rec));
	CHECK(k < (int)f->num && dm->recs[k].used);
	return k;
}

/* ------------------------------------------------------------------ checked API calls */

static void check_state(struct fz *f)
{
	struct drv_model *dm = &to_drv(f)->m;
	uint32_t outstanding = 0;

	for (int k = 0; k < (int)f->num; k++) {
		if (dm->recs[k].used)
			outstanding += dm->recs[k].ndesc;
	}
	CHECK(amp_vring_drv_num_free(&f->vr) == dm->num_free);
	CHECK(dm->num_free + outstanding == f->num);
}

/* A successful add exposed its head at the next available slot: check what was written. */
static uint16_t check_exposed_head(struct fz *f, int k)
{
	struct drv_model *dm = &to_drv(f)->m;
	uint16_t head = fz_ld16(f, fz_avail_entry(f, f->m.own_idx));

	CHECK(head < f->num);
	CHECK(dm->owner[head] < 0); /* never a descriptor of an outstanding chain */
	dm->recs[k].head = head;
	dm->recs[k].pos = f->m.own_idx;
	dm->recs[k].fresh = true;
	dm->head_rec[head] = (int16_t)k;
	return head;
}

/* The descriptor at @d describes [va, va + len) with @flags. */
static void check_desc(struct fz *f, const uint8_t *d, const void *va, uint32_t len, uint16_t flags)
{
	CHECK(fz_va_translates(f, va, len, fz_ld(f, d, 8)));
	CHECK(fz_ld(f, d + 8, 4) == len);
	CHECK(fz_ld(f, d + 12, 2) == flags);
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

/* Did an add fail? Then with -EIO on a broken ring, else with one of the @n errors @errs. */
static bool add_failed(struct fz *f, int ret, const int *errs, unsigned int n)
{
	if (f->m.broken) {
		CHECK(ret == -AMP_EIO);
		return true;
	}
	if (ret) {
		CHECK(allowed(ret, errs, n));
		return true;
	}
	return false;
}

static int do_add_buf(struct fz *f, void *va, uint32_t len, bool writable, bool null_token)
{
	struct drv_model *dm = &to_drv(f)->m;
	const struct fz_window *w = fz_window_of(f, va, len);
	int k = rec_alloc(f);
	void *token = null_token ? NULL : k >= 0 ? (void *)&dm->recs[k] : &dummy_token;
	int errs[3];
	unsigned int n = 0;
	int ret;

	if (!token)
		errs[n++] = -AMP_EINVAL;
	if (!dm->num_free)
		errs[n++] = -AMP_ENOSPC;
	if (!w)
		errs[n++] = -AMP_EFAULT;
	ret = amp_vring_drv_add_buf(&f->vr, va, len, writable, token);
	TRACE("  add_buf(%p, %u, %d) = %d\n", va, len, writable, ret);
	if (add_failed(f, ret, errs, n))
		return ret;
	CHECK(n == 0 && k >= 0);

	{
		uint16_t head = check_exposed_head(f, k);

		check_desc(f, fz_desc(f, head), va, len, writable ? AMP_VRING_DESC_F_WRITE : 0);
		dm->owner[head] = (int16_t)k;
		dm->recs[k].used = true;
		dm->recs[k].ndesc = 1;
		dm->recs[k].writable = writable ? len : 0;
		dm->num_free--;
	}
	fz_advance_own(f);
	return 0;
}

/* Is any of the @total entries of @sg outside every window? Sums the writable ones (from @out). */
static bool sg_outside(struct fz *f, const struct amp_vring_sg *sg, unsigned int out,
		       unsigned int total, uint64_t *writable)
{
	bool fault = false;

	*writable = 0;
	for (unsigned int i = 0; i < total; i++) {
		fault |= !fz_window_of(f, sg[i].va, sg[i].len);
		if (i >= out)
			*writable += sg[i].len;
	}
	return fault;
}

static void do_add(struct fz *f, const struct amp_vring_sg *sg, unsigned int out, unsigned int in)
{
	struct drv_model *dm = &to_drv(f)->m;
	unsigned int total = out + in;
	int k = rec_alloc(f);
	void *token = k >= 0 ? (void *)&dm->recs[k] : &dummy_token;
	uint64_t writable;
	bool fault = sg_outside(f, sg, out, total, &writable);
	int errs[3];
	unsigned int n = 0;
	int ret;

	if (!total || writable > UINT32_MAX)
		errs[n++] = -AMP_EINVAL;
	if (total > dm->num_free)
		errs[n++] = -AMP_ENOSPC;
	if (fault)
		errs[n++] = -AMP_EFAULT;
	ret = amp_vring_drv_add(&f->vr, sg, out, in, token);
	TRACE("  add(%u out, %u in) = %d\n", out, in, ret);
	if (add_failed(f, ret, errs, n))
		return;
	CHECK(n == 0 && k >= 0);

	{
		uint16_t d = check_exposed_head(f, k);

		for (unsigned int i = 0; i < total; i++) {
			bool more = i + 1 < total;
			const uint8_t *p = fz_desc(f, d);

			CHECK(d < f->num && dm->owner[d] < 0);
			check_desc(f, p, sg[i].va, sg[i].len,
				   (uint16_t)((i >= out ? AMP_VRING_DESC_F_WRITE : 0) |
					      (more ? AMP_VRING_DESC_F_NEXT : 0)));
			dm->owner[d] = (int16_t)k;
			if (more) {
				dm->mnext[d] = fz_ld16(f, p + 14);
				d = dm->mnext[d];
			}
		}
		dm->recs[k].used = true;
		dm->recs[k].ndesc = (uint16_t)total;
		dm->recs[k].writable = (uint32_t)writable;
		dm->num_free -= total;
	}
	fz_advance_own(f);
}

static void do_add_indirect(struct fz *f, const struct amp_vring_sg *sg, unsigned int out,
			    unsigned int in, uint8_t *table)
{
	struct drv_model *dm = &to_drv(f)->m;
	unsigned int total = out + in;
	int k = rec_alloc(f);
	void *token = k >= 0 ? (void *)&dm->recs[k] : &dummy_token;
	const struct fz_window *tw = fz_window_of(f, table, 16 * (uint64_t)total);
	uint64_t writable;
	bool fault = sg_outside(f, sg, out, total, &writable);
	int errs[6];
	unsigned int n = 0;
	int ret;

	if (!f->indirect)
		errs[n++] = -AMP_ENOTSUP;
	if (!total || !table || ((uintptr_t)table & 15) || total > FZ_INDIRECT_MAX ||
	    writable > UINT32_MAX)
		errs[n++] = -AMP_EINVAL;
	if (!dm->num_free)
		errs[n++] = -AMP_ENOSPC;
	if (!tw || fault)
		errs[n++] = -AMP_EFAULT;
	ret = amp_vring_drv_add_indirect(&f->vr, sg, out, in, table, token);
	TRACE("  add_indirect(%u out, %u in, table %p) = %d\n", out, in, (void *)table, ret);
	if (add_failed(f, ret, errs, n))
		return;
	CHECK(n == 0 && k >= 0 && tw);

	{
		uint16_t head = check_exposed_head(f, k);

		check_desc(f, fz_desc(f, head), table, 16 * total, AMP_VRING_DESC_F_INDIRECT);
		for (unsigned int i = 0; i < total; i++) {
			bool more = i + 1 < total;
			const uint8_t *p = table + 16 * (size_t)i;

			check_desc(f, p, sg[i].va, sg[i].len,
				   (uint16_t)((i >= out ? AMP_VRING_DESC_F_WRITE : 0) |
					      (more ? AMP_VRING_DESC_F_NEXT : 0)));
			if (more)
				CHECK(fz_ld16(f, p + 14) == i + 1);
		}
		dm->owner[head] = (int16_t)k;
		dm->recs[k].used = true;
		dm->recs[k].ndesc = 1;
		dm->recs[k].writable = (uint32_t)writable;
		dm->num_free--;
	}
	fz_advance_own(f);
}

static int do_get_used(struct fz *f, bool want_len, bool want_token)
{
	struct drv_model *dm = &to_drv(f)->m;
	uint32_t len = 0xdeadbeef, mlen = 0;
	void *token = &dummy_token;
	int expect, ret, fault, k;

	expect = m_get_used(f, &fault, &k, &mlen);
	ret = amp_vring_drv_get_used(&f->vr, want_len ? &len : NULL, want_token ? &token : NULL);
	TRACE("  get_used = %d (model %d, fault %d, lib fault %d)\n", ret, expect, fault,
	      (int)amp_vring_fault(&f->vr));
	fz_check_get(f, ret, expect, FZ_RULE(fault));
	if (ret) {
		CHECK(len == 0xdeadbeef && token == &dummy_token);
		return ret;
	}

	if (want_token)
		CHECK(token_rec(f, token) == k);
	if (want_len) {
		CHECK(len == mlen);
		CHECK(len <= dm->recs[k].writable);
	}
	rec_free(f, k);
	fz_consume(f);
	return 0;
}

static void do_detach(struct fz *f)
{
	struct drv_model *dm = &to_drv(f)->m;
	void *token = amp_vring_drv_detach_unused(&f->vr);
	bool any = false;

	for (int k = 0; k < (int)f->num; k++)
		any |= dm->recs[k].used;
	TRACE("  detach_unused = %p\n", token);
	if (!token) {
		CHECK(!any);
		return;
	}
	rec_free(f, token_rec(f, token));
	/* a detached buffer tears the ring down until reset */
	if (!f->m.broken) {
		f->m.broken = true;
		CHECK(amp_vring_fault(&f->vr) == AMP_VRING_FAULT_TORN_DOWN);
	}
}

static void do_reset(struct fz *f)
{
	amp_vring_drv_reset(&f->vr);
	model_reset(f);
	check_zeroed(f);
	CHECK(amp_vring_fault(&f->vr) == AMP_VRING_FAULT_NONE);
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
	uint8_t *outside = to_drv(f)->outside;
	uint8_t kind = fz_u8(f);
	const struct fz_window *w = &f->win[0];
	uint64_t off, len;

	switch (kind & 3) {
	case 1:
		if (f->win[1].size)
			w = &f->win[1];
		/* fall through */
	case 0:
		off = fz_u16(f) % (w->size + 16);
		len = fz_u16(f);
		if (!(kind & 4) && off <= w->size)
			len %= w->size - off + 1;
		break;
	case 2:
		if (f->win[2].size)
			w = &f->win[2];
		off = fz_u32(f);
		len = fz_u32(f);
		break;
	default:
		sg->va = &outside[fz_u8(f) % sizeof(to_drv(f)->outside)];
		sg->len = fz_u16(f);
		return;
	}
	/* integer arithmetic: the pointer may be past the end on purpose */
	sg->va = (void *)((uintptr_t)w->va + (uintptr_t)off);
	sg->len = (uint32_t)len;
}

/* u8 shape: bits 0-2 readable count, bits 3-5 writable count, bit 6 adds 24 writable. */
static void read_counts(struct fz *f, unsigned int *out, unsigned int *in)
{
	uint8_t shape = fz_u8(f);

	*out = shape & 7;
	*in = ((shape >> 3) & 7) + (shape & 0x40 ? 24 : 0);
}

static void op_peer_elem(struct fz *f)
{
	uint8_t slot = fz_u8(f);
	uint32_t id = fz_u8(f);
	uint32_t len;

	if (id == 0xff)
		id = fz_u32(f);
	len = fz_u16(f);
	if (len == 0xffff)
		len = fz_u32(f);
	fz_st(f, fz_used_elem(f, slot), id, 4);
	fz_st(f, fz_used_elem(f, slot) + 4, len, 4);
}

/*
 * A correct device returns an outstanding buffer: u8 sel picks the record, u8 len mode:
 * bits 0-1 0 all writable bytes, 1 fewer by mode >> 3, 2 more by 1 + (mode >> 3) (hostile),
 * 3 a u32 follows (fz_len_mode()); bit 2 publishes used.idx.
 */
static void op_peer_return(struct fz *f)
{
	struct drv_model *dm = &to_drv(f)->m;
	struct fz_model *m = &f->m;
	uint8_t sel = fz_u8(f);
	uint8_t lm = fz_u8(f);
	unsigned int count = 0;
	uint32_t wl, len;
	int k = -1;

	for (int i = 0; i < (int)f->num; i++)
		count += dm->recs[i].used;
	if (count) {
		unsigned int want = sel % count;

		for (int i = 0; i < (int)f->num; i++) {
			if (dm->recs[i].used && !want--) {
				k = i;
				break;
			}
		}
	}
	wl = k >= 0 ? dm->recs[k].writable : 0;
	len = fz_len_mode(f, lm, 3, wl);
	if (k < 0)
		return;
	fz_st(f, fz_used_elem(f, m->sim_idx), dm->recs[k].head, 4);
	fz_st(f, fz_used_elem(f, m->sim_idx) + 4, len, 4);
	m->sim_idx++;
	if (lm & 4)
		fz_st(f, f->dev.idx, m->sim_idx, 2);
}

static void op_add_buf(struct fz *f)
{
	uint8_t mode = fz_u8(f);
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
		uint8_t kind = fz_u8(f);
		const struct fz_window *w = (kind & 1) && f->win[1].size ? &f->win[1] : &f->win[0];
		uint64_t off = fz_u16(f) % (w->size + 16) & ~(uint64_t)15;

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
	uint8_t mode = fz_u8(f);

	do_get_used(f, !(mode & 1), !(mode & 2));
}

/* Many correct round trips of one buffer (fz_bulk_begin()). */
static void op_bulk(struct fz *f)
{
	struct drv_model *dm = &to_drv(f)->m;
	struct fz_model *m = &f->m;
	uint32_t len, n = fz_bulk_begin(f, dm->num_free != 0, &len);

	for (uint32_t i = 0; i < n; i++) {
		int k = rec_alloc(f);

		if (k < 0 || do_add_buf(f, f->win[0].va, len, true, false))
			break;
		fz_op_publish(f);
		fz_op_kick_prepare(f);
		fz_st(f, fz_used_elem(f, m->sim_idx), dm->recs[k].head, 4);
		fz_st(f, fz_used_elem(f, m->sim_idx) + 4, len / 2, 4);
		fz_st(f, f->dev.idx, ++m->sim_idx, 2);
		if (do_get_used(f, true, true))
			break;
	}
}

static void op_add_direct(struct fz *f)
{
	op_add(f, false);
}

static void op_add_indirect(struct fz *f)
{
	op_add(f, true);
}

/* One function per operation, in enum op order. */
static const fz_op_fn ops[] = {
	fz_op_peer_ring,    /* OP_PEER_RING */
	fz_op_peer_window,  /* OP_PEER_WINDOW */
	op_peer_elem,       /* OP_PEER_ELEM */
	fz_op_peer_idx,     /* OP_PEER_IDX */
	fz_op_peer_event,   /* OP_PEER_EVENT */
	op_peer_return,     /* OP_PEER_RETURN */
	op_add_buf,         /* OP_ADD_BUF */
	op_add_direct,      /* OP_ADD */
	op_add_indirect,    /* OP_ADD_INDIRECT */
	fz_op_publish,      /* OP_PUBLISH */
	fz_op_kick_prepare, /* OP_KICK_PREPARE */
	fz_op_kick,         /* OP_KICK */
	op_get_used,        /* OP_GET_USED */
	fz_op_has,          /* OP_HAS_USED */
	fz_op_disable,      /* OP_DISABLE */
	fz_op_enable,       /* OP_ENABLE */
	do_detach,          /* OP_DETACH */
	do_reset,           /* OP_RESET */
	op_bulk,            /* OP_BULK */
};

FZ_TARGET("fuzz_vring_driver", AMP_VRING_DRIVER, g, attach, check_state, ops, OP_COUNT);
