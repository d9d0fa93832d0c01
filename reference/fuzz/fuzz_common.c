// SPDX-License-Identifier: BSD-3-Clause
/*
 * The shared part of the vring fuzz targets; the input format and the split between this file
 * and the targets are described in fuzz_common.h.
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
#include "fuzz_common.h"

#define HUGE_SIZE (1ull << 33) /* region C */

/*
 * The calls of each role that the shared operations make, and the faults the role can report
 * (its peer's rule violations).
 */
struct role_calls {
	void (*publish)(struct amp_vring *vr);
	bool (*kick_prepare)(struct amp_vring *vr);
	bool (*kick)(struct amp_vring *vr);
	void (*disable)(struct amp_vring *vr);
	bool (*enable)(struct amp_vring *vr);
	bool (*has)(struct amp_vring *vr);
	enum amp_vring_fault first_fault, last_fault;
};

static const struct role_calls drv_calls = {
	.publish = amp_vring_drv_publish,
	.kick_prepare = amp_vring_drv_kick_prepare,
	.kick = amp_vring_drv_kick,
	.disable = amp_vring_drv_disable_cb,
	.enable = amp_vring_drv_enable_cb,
	.has = amp_vring_drv_has_used,
	.first_fault = AMP_VRING_FAULT_USED_IDX,
	.last_fault = AMP_VRING_FAULT_USED_LEN,
};

static const struct role_calls dev_calls = {
	.publish = amp_vring_dev_publish,
	.kick_prepare = amp_vring_dev_kick_prepare,
	.kick = amp_vring_dev_kick,
	.disable = amp_vring_dev_disable_notify,
	.enable = amp_vring_dev_enable_notify,
	.has = amp_vring_dev_has_avail,
	.first_fault = AMP_VRING_FAULT_AVAIL_IDX,
	.last_fault = AMP_VRING_FAULT_LENGTH,
};

/* Whether TRACE() logs: -1 until the first input reads AMP_FUZZ_TRACE. */
int fz_trace = -1;

static const char *target_name = "fuzz_vring";
static uint8_t *huge;

static const struct role_calls *calls(const struct fz *f)
{
	return f->role->role == AMP_VRING_DEVICE ? &dev_calls : &drv_calls;
}

/**
 * fz_check_failed() - report a violated invariant and trap
 * @what: the condition, as written
 * @file: source file of the check
 * @line: line of the check
 *
 * Called by CHECK(); the trap is what libFuzzer and the replay programs report as a crash.
 */
_Noreturn void fz_check_failed(const char *what, const char *file, int line)
{
	const char *base = strrchr(file, '/');

	fprintf(stderr, "%s: invariant violated at %s:%d: %s\n", target_name,
		base ? base + 1 : file, line, what);
	__builtin_trap();
}

/* ------------------------------------------------------------------ input */

/**
 * fz_u8() - consume one input byte
 * @f: harness state
 *
 * Return: the byte, or 0 when the input is exhausted.
 */
uint8_t fz_u8(struct fz *f)
{
	struct fz_input *in = &f->in;

	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/**
 * fz_u16() - consume a little-endian u16 (missing bytes read as zero)
 * @f: harness state
 *
 * Return: the value.
 */
uint16_t fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | fz_u8(f) << 8);
}

/**
 * fz_u32() - consume a little-endian u32 (missing bytes read as zero)
 * @f: harness state
 *
 * Return: the value.
 */
uint32_t fz_u32(struct fz *f)
{
	uint32_t lo = fz_u16(f);

	return lo | (uint32_t)fz_u16(f) << 16;
}

/**
 * fz_u64() - consume a little-endian u64 (missing bytes read as zero)
 * @f: harness state
 *
 * Return: the value.
 */
uint64_t fz_u64(struct fz *f)
{
	uint64_t lo = fz_u32(f);

	return lo | (uint64_t)fz_u32(f) << 32;
}

/**
 * fz_copy() - consume up to @want input bytes into @dst
 * @f: harness state
 * @dst: destination
 * @want: bytes wanted
 *
 * Return: how many were copied (fewer when the input runs out).
 */
size_t fz_copy(struct fz *f, uint8_t *dst, size_t want)
{
	struct fz_input *in = &f->in;
	size_t n = want < in->n ? want : in->n;

	memcpy(dst, in->p, n);
	in->p += n;
	in->n -= n;
	return n;
}

/* ------------------------------------------------------------------ ring access (harness side) */

/**
 * fz_ld() - load a ring field in the ring's byte order
 * @f: harness state
 * @p: first byte of the field
 * @bytes: field size, 1 to 8
 *
 * Return: the value.
 */
uint64_t fz_ld(const struct fz *f, const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (f->big ? 8 * (bytes - 1 - i) : 8 * i);
	return v;
}

/**
 * fz_st() - store a ring field in the ring's byte order
 * @f: harness state
 * @p: first byte of the field
 * @v: value; only the low @bytes bytes are stored
 * @bytes: field size, 1 to 8
 */
void fz_st(const struct fz *f, uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (f->big ? 8 * (bytes - 1 - i) : 8 * i));
}

/**
 * fz_ld16() - load a 16-bit ring field
 * @f: harness state
 * @p: first byte of the field
 *
 * Return: the value.
 */
uint16_t fz_ld16(const struct fz *f, const uint8_t *p)
{
	return (uint16_t)fz_ld(f, p, 2);
}

/**
 * fz_desc() - descriptor @i of the descriptor table
 * @f: harness state
 * @i: descriptor index, below num
 *
 * Return: its first byte.
 */
uint8_t *fz_desc(struct fz *f, uint32_t i)
{
	return f->ring + 16 * (size_t)i;
}

/**
 * fz_avail_entry() - the available ring entry for a free-running index
 * @f: harness state
 * @idx: index; the entry is @idx modulo num
 *
 * Return: its first byte.
 */
uint8_t *fz_avail_entry(struct fz *f, uint16_t idx)
{
	return f->ring + f->lay.avail + 4 + 2 * (size_t)(idx & f->mask);
}

/**
 * fz_used_elem() - the used element (u32 id, u32 len) for a free-running index
 * @f: harness state
 * @idx: index; the element is @idx modulo num
 *
 * Return: its first byte.
 */
uint8_t *fz_used_elem(struct fz *f, uint16_t idx)
{
	return f->ring + f->lay.used + 4 + 8 * (size_t)(idx & f->mask);
}

/**
 * fz_write_desc() - write a descriptor as the driver would
 * @f: harness state
 * @d: the descriptor's first byte, in the table or in an indirect table
 * @da: buffer device address
 * @len: buffer length
 * @flags: AMP_VRING_DESC_F_* (or anything)
 * @next: next descriptor index
 */
void fz_write_desc(struct fz *f, uint8_t *d, uint64_t da, uint32_t len, uint16_t flags,
		   uint16_t next)
{
	fz_st(f, d, da, 8);
	fz_st(f, d + 8, len, 4);
	fz_st(f, d + 12, flags, 2);
	fz_st(f, d + 14, next, 2);
}

/* ------------------------------------------------------------------ address model */

/* Is the device range [da, da + len) inside @w? Then *@off is its offset. */
static bool da_inside(const struct fz_window *w, uint64_t da, uint64_t len, uint64_t *off)
{
	if (!w->size || da < w->da)
		return false;
	*off = da - w->da;
	return *off <= w->size && len <= w->size - *off;
}

/* Is the local range [va, va + len) inside @w? Then *@off is its offset. */
static bool va_inside(const struct fz_window *w, const void *va, uint64_t len, uint64_t *off)
{
	uintptr_t p = (uintptr_t)va, b = (uintptr_t)w->va;

	if (!w->size || p < b)
		return false;
	*off = p - b;
	return *off <= w->size && len <= w->size - *off;
}

/**
 * fz_model_to_va() - translate a device range the way amp_addr.h specifies
 * @f: harness state
 * @da: device address
 * @len: bytes
 *
 * Return: the local address of @da when the whole range [@da, @da + @len) lies inside one
 * window (the first such window), else NULL.
 */
uint8_t *fz_model_to_va(const struct fz *f, uint64_t da, uint64_t len)
{
	uint64_t off;

	for (unsigned int i = 0; i < 3; i++) {
		if (da_inside(&f->win[i], da, len, &off))
			return f->win[i].va + off;
	}
	return NULL;
}

/**
 * fz_da_translates() - is @va a translation of the device range [@da, @da + @len)?
 * @f: harness state
 * @da: device address
 * @len: bytes
 * @va: local address to check
 *
 * A zero-length range where one window ends and the next begins is inside both, so more than
 * one answer can be right.
 *
 * Return: true when some window holds the range and maps @da to @va.
 */
bool fz_da_translates(const struct fz *f, uint64_t da, uint64_t len, const void *va)
{
	uint64_t off;

	for (unsigned int i = 0; i < 3; i++) {
		if (da_inside(&f->win[i], da, len, &off) && va == f->win[i].va + off)
			return true;
	}
	return false;
}

/**
 * fz_window_of() - the window holding a whole local range
 * @f: harness state
 * @va: local address
 * @len: bytes
 *
 * Return: the first window that holds [@va, @va + @len), or NULL.
 */
const struct fz_window *fz_window_of(const struct fz *f, const void *va, uint64_t len)
{
	uint64_t off;

	for (unsigned int i = 0; i < 3; i++) {
		if (va_inside(&f->win[i], va, len, &off))
			return &f->win[i];
	}
	return NULL;
}

/**
 * fz_va_translates() - is @da a translation of the local range [@va, @va + @len)?
 * @f: harness state
 * @va: local address
 * @len: bytes
 * @da: device address to check
 *
 * A zero-length range where one allocation ends and another begins is inside both windows.
 *
 * Return: true when some window holds the range and maps @va to @da.
 */
bool fz_va_translates(const struct fz *f, const void *va, uint64_t len, uint64_t da)
{
	uint64_t off;

	for (unsigned int i = 0; i < 3; i++) {
		if (va_inside(&f->win[i], va, len, &off) && da == f->win[i].da + off)
			return true;
	}
	return false;
}

/* --------------------------------------------------- index and notification model */

static bool need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	/* virtio v1.2 §2.7.7.2 vring_need_event() */
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/**
 * fz_model_reset() - the shared model after init or reset of the role
 * @f: harness state
 *
 * Keeps &fz_model.sim_idx: whether the peer's index restarts is the target's decision.
 */
void fz_model_reset(struct fz *f)
{
	uint16_t sim_idx = f->m.sim_idx;

	memset(&f->m, 0, sizeof(f->m));
	f->m.notif = true;
	f->m.sim_idx = sim_idx;
}

/* Predict has_avail (device) or has_used (driver). */
static bool m_has(const struct fz *f)
{
	return f->m.broken || f->m.consumed != f->m.peer_idx ||
	       fz_ld16(f, f->peer->idx) != f->m.consumed;
}

static void m_publish(struct fz *f)
{
	f->m.published = f->m.own_idx;
}

/* Predict a kick decision: from the peer's event index, or else from its flags. */
static bool m_kick_prepare(struct fz *f)
{
	struct fz_model *m = &f->m;
	uint16_t old = m->signalled, new_idx = m->published;

	if (m->broken || old == new_idx)
		return false;
	m->signalled = new_idx;
	if (f->event_idx)
		return need_event(fz_ld16(f, f->peer->event), new_idx, old);
	return !(fz_ld16(f, f->peer->flags) & f->peer->no_notify);
}

/**
 * fz_check_fault() - the handle is broken with a fault its role reports
 * @f: harness state
 */
void fz_check_fault(struct fz *f)
{
	enum amp_vring_fault fault = amp_vring_fault(&f->vr);

	CHECK((fault >= calls(f)->first_fault && fault <= calls(f)->last_fault) ||
	      (f->role->role == AMP_VRING_DRIVER && fault == AMP_VRING_FAULT_TORN_DOWN));
}

/**
 * fz_check_get() - check the result of get_avail (device) or get_used (driver)
 * @f: harness state
 * @ret: what the library returned
 * @expect: what the model predicted
 * @rules: FZ_RULE() set of faults the model accepts when it predicts -EIO on a working ring
 *
 * On -EIO the model's ring is broken from now on.
 */
void fz_check_get(struct fz *f, int ret, int expect, unsigned int rules)
{
	CHECK(ret == 0 || ret == -AMP_EAGAIN || ret == -AMP_EIO);
	CHECK(ret == expect);
	if (ret != -AMP_EIO)
		return;
	fz_check_fault(f);
	/* the fault names a rule the peer broke (rules is 0 when already broken) */
	if (!f->m.broken)
		CHECK(rules & FZ_RULE(amp_vring_fault(&f->vr)));
	f->m.broken = true;
}

/**
 * fz_consume() - the role took one entry of the peer's ring
 * @f: harness state
 *
 * With EVENT_IDX and notifications enabled, the role's event field must follow.
 */
void fz_consume(struct fz *f)
{
	struct fz_model *m = &f->m;

	m->consumed++;
	if (f->event_idx && m->notif)
		CHECK(fz_ld16(f, f->own->event) == m->consumed);
}

/**
 * fz_advance_own() - the role wrote one more entry of its own ring
 * @f: harness state
 *
 * After 65535 entries without a kick decision the role publishes and decides on a kick by
 * itself, rather than let 65536 unsignalled entries look like none.
 */
void fz_advance_own(struct fz *f)
{
	struct fz_model *m = &f->m;

	m->own_idx++;
	if ((uint16_t)(m->own_idx - m->signalled) >= 0xffff) {
		m_publish(f);
		if (m_kick_prepare(f))
			f->expect_notified++;
	}
}

/**
 * fz_bulk_begin() - start of a bulk operation: u8 b, ((b & 15) + 1) * 64 correct round trips
 * @f: harness state
 * @ready: the target's own model allows a round trip (a free descriptor, nothing held)
 * @len: set to the buffer length to use, min(64, size of window A)
 *
 * The round trips run only on a working ring with nothing pending from the peer; the peer's
 * index restarts from what the role consumed.
 *
 * Return: the number of round trips, or 0 when they cannot run.
 */
uint32_t fz_bulk_begin(struct fz *f, bool ready, uint32_t *len)
{
	uint32_t n = ((fz_u8(f) & 15u) + 1) * 64;

	*len = f->win[0].size < 64 ? (uint32_t)f->win[0].size : 64;
	if (f->m.broken || !ready || m_has(f))
		return 0;
	CHECK(!calls(f)->has(&f->vr));
	f->m.sim_idx = f->m.consumed;
	return n;
}

/**
 * fz_len_mode() - a used length, chosen by the input relative to a buffer's writable bytes
 * @f: harness state
 * @mode: length mode: bits 0-1 select 0: @writable, 1: @writable - (@mode >> @shift), at
 *	least 0, 2: @writable + 1 + (@mode >> @shift), too long, 3: a u32 that follows
 * @shift: first bit of the amount in @mode
 * @writable: the buffer's writable bytes
 *
 * Return: the length.
 */
uint32_t fz_len_mode(struct fz *f, uint8_t mode, unsigned int shift, uint32_t writable)
{
	uint32_t amount = mode >> shift;

	switch (mode & 3) {
	case 0:
		return writable;
	case 1:
		return writable > amount ? writable - amount : 0;
	case 2:
		return writable + 1 + amount;
	default:
		return fz_u32(f);
	}
}

/* --------------------------------------------------- operations both targets have */

/**
 * fz_op_peer_ring() - u16 off, u8 n, n bytes: raw bytes into the ring at off % size
 * @f: harness state
 */
void fz_op_peer_ring(struct fz *f)
{
	size_t off = fz_u16(f) % f->lay.size;
	size_t n = fz_u8(f);

	if (n > f->lay.size - off)
		n = f->lay.size - off;
	fz_copy(f, f->ring + off, n);
}

/**
 * fz_op_peer_window() - u16 sel, u8 n, n bytes: raw bytes into window A (B if sel bit 15)
 * @f: harness state
 *
 * The bytes go to offset (sel & 0x7fff) % size, clamped to the window; without B, to A.
 */
void fz_op_peer_window(struct fz *f)
{
	uint16_t sel = fz_u16(f);
	const struct fz_window *w = (sel & 0x8000) && f->win[1].size ? &f->win[1] : &f->win[0];
	size_t off = (sel & 0x7fff) % w->size;
	size_t n = fz_u8(f);

	if (n > w->size - off)
		n = w->size - off;
	fz_copy(f, w->va + off, n);
}

/**
 * fz_op_peer_idx() - u8 mode: move the peer's idx field (avail.idx or used.idx)
 * @f: harness state
 *
 * mode bits 0-1: 0 advance by mode >> 2, 1 raw u16 follows, 2 go back by mode >> 2, 3 jump
 * num + (mode >> 2) ahead. The move applies to &fz_model.sim_idx, which is then stored.
 */
void fz_op_peer_idx(struct fz *f)
{
	uint8_t mode = fz_u8(f);
	struct fz_model *m = &f->m;

	switch (mode & 3) {
	case 0:
		m->sim_idx += mode >> 2;
		break;
	case 1:
		m->sim_idx = fz_u16(f);
		break;
	case 2:
		m->sim_idx -= mode >> 2;
		break;
	default:
		m->sim_idx += f->num + (mode >> 2);
		break;
	}
	fz_st(f, f->peer->idx, m->sim_idx, 2);
}

/**
 * fz_op_peer_event() - u8 which, u16 value: the peer's flags (which bit 0 clear) or its event
 *	field (avail.flags or used_event for the driver as peer, used.flags or avail_event for
 *	the device as peer)
 * @f: harness state
 */
void fz_op_peer_event(struct fz *f)
{
	uint8_t which = fz_u8(f);
	uint16_t v = fz_u16(f);

	fz_st(f, which & 1 ? f->peer->event : f->peer->flags, v, 2);
}

/**
 * fz_op_publish() - publish: the role's idx field shows everything written so far
 * @f: harness state
 */
void fz_op_publish(struct fz *f)
{
	bool moved = f->m.own_idx != f->m.published;

	calls(f)->publish(&f->vr);
	m_publish(f);
	if (moved)
		CHECK(fz_ld16(f, f->own->idx) == f->m.own_idx);
}

/**
 * fz_op_kick_prepare() - kick_prepare decides as the model does
 * @f: harness state
 */
void fz_op_kick_prepare(struct fz *f)
{
	bool expect = m_kick_prepare(f);
	bool ret = calls(f)->kick_prepare(&f->vr);

	TRACE("  kick_prepare = %d (model %d)\n", ret, expect);
	CHECK(ret == expect);
}

/**
 * fz_op_kick() - kick: publish, decide, and call the notify callback when the model says so
 * @f: harness state
 */
void fz_op_kick(struct fz *f)
{
	bool moved = f->m.own_idx != f->m.published;
	bool expect, ret;

	m_publish(f);
	expect = m_kick_prepare(f);
	if (expect)
		f->expect_notified++;
	ret = calls(f)->kick(&f->vr);
	CHECK(ret == expect);
	if (moved)
		CHECK(fz_ld16(f, f->own->idx) == f->m.own_idx);
}

/**
 * fz_op_disable() - disable notifications from the peer
 * @f: harness state
 *
 * With EVENT_IDX the role's event field moves one behind what it consumed; without, it sets
 * its no-notify flag.
 */
void fz_op_disable(struct fz *f)
{
	struct fz_model *m = &f->m;

	calls(f)->disable(&f->vr);
	if (!m->notif)
		return;
	m->notif = false;
	if (f->event_idx) {
		CHECK(fz_ld16(f, f->own->event) == (uint16_t)(m->consumed - 1));
	} else {
		m->flags_shadow |= f->own->no_notify;
		CHECK(fz_ld16(f, f->own->flags) == m->flags_shadow);
	}
}

/**
 * fz_op_enable() - enable notifications from the peer; the result says whether entries are
 *	pending
 * @f: harness state
 */
void fz_op_enable(struct fz *f)
{
	struct fz_model *m = &f->m;
	bool ret = calls(f)->enable(&f->vr);

	m->notif = true;
	if (f->event_idx) {
		CHECK(fz_ld16(f, f->own->event) == m->consumed);
	} else if (m->flags_shadow & f->own->no_notify) {
		m->flags_shadow &= (uint16_t)~f->own->no_notify;
		CHECK(fz_ld16(f, f->own->flags) == m->flags_shadow);
	}
	CHECK(ret == m_has(f));
}

/**
 * fz_op_has() - has_avail (device) or has_used (driver) agrees with the model
 * @f: harness state
 */
void fz_op_has(struct fz *f)
{
	CHECK(calls(f)->has(&f->vr) == m_has(f));
}

/* ------------------------------------------------------------------ setup and main loop */

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
	struct fz_window *a = &f->win[0], *b = &f->win[1], *c = &f->win[2];
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

/* Point the fields of each side into the ring; own is the role under test. */
static void set_sides(struct fz *f)
{
	bool device = f->role->role == AMP_VRING_DEVICE;

	f->drv.idx = f->ring + f->lay.avail + 2;
	f->drv.event = f->ring + f->lay.used_event;
	f->drv.flags = f->ring + f->lay.avail;
	f->drv.no_notify = AMP_VRING_AVAIL_F_NO_INTERRUPT;
	f->dev.idx = f->ring + f->lay.used + 2;
	f->dev.event = f->ring + f->lay.avail_event;
	f->dev.flags = f->ring + f->lay.used;
	f->dev.no_notify = AMP_VRING_USED_F_NO_NOTIFY;
	f->own = device ? &f->dev : &f->drv;
	f->peer = device ? &f->drv : &f->dev;
}

/*
 * Decode the header, compute the layout, place and allocate the ring and the windows, and
 * build the address map. The driver's ring starts as garbage (its init must zero it), the
 * device's as zeroes; the slots are garbage for both. Returns the operation budget; *@start
 * is header byte 14.
 */
static uint32_t setup(struct fz *f, uint8_t *start)
{
	static const uint32_t aligns[4] = {4, 16, 64, 4096};
	uint8_t num_sel, opts, budget_sel, bsel;
	uint16_t asize;
	uint64_t seed;
	unsigned int nreg = 0;

	num_sel = fz_u8(f);
	opts = fz_u8(f);
	budget_sel = fz_u8(f);
	asize = fz_u16(f);
	bsel = fz_u8(f);
	seed = fz_u64(f);
	*start = fz_u8(f);

	f->num = 1u << (num_sel % 9);
	f->mask = (uint16_t)(f->num - 1);
	f->big = opts & 1;
	f->event_idx = opts & 2;
	f->indirect = opts & 4;
	f->align = aligns[(opts >> 3) & 3];

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
	memset(f->ring, f->role->role == AMP_VRING_DEVICE ? 0 : FZ_SENTINEL, f->lay.size);
	memset(f->slots, FZ_SENTINEL, AMP_VRING_SLOTS_SIZE(f->num));
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
	set_sides(f);
	return 1 + 4u * budget_sel;
}

/* Initial contents: what the peer wrote to the ring and window A. */
static void load_contents(struct fz *f)
{
	size_t n;

	n = fz_u16(f);
	fz_copy(f, f->ring, n < f->lay.size ? n : f->lay.size);
	n = fz_u16(f);
	fz_copy(f, f->win[0].va, n < f->win[0].size ? n : f->win[0].size);
}

/*
 * The state after @start round trips of a correct peer with nothing outstanding, set
 * directly: running 65535 round trips per input to reach the index wrap would cost ~0.2 s.
 * This is the one place the harness touches the handle's private fields. @unsignalled: the
 * last kick decision was that many entries ago.
 */
static void fast_forward(struct fz *f, uint16_t start, uint16_t unsignalled)
{
	struct amp_vring *vr = &f->vr;
	struct fz_model *m = &f->m;

	vr->own_idx = vr->published = vr->peer_idx = vr->consumed = vr->fresh_from = start;
	m->own_idx = m->published = m->peer_idx = m->consumed = start;
	vr->signalled = m->signalled = (uint16_t)(start - unsignalled);
	m->sim_idx = start;
	fz_st(f, f->own->idx, start, 2);
	fz_st(f, f->peer->idx, start, 2);
	fz_st(f, f->peer->event, start, 2);
	if (f->event_idx)
		fz_st(f, f->own->event, start, 2);
}

static void notify_cb(void *ctx, struct amp_vring *vr)
{
	struct fz *f = ctx;

	CHECK(vr == &f->vr);
	f->notified++;
}

/* The handle agrees with the model: shared checks around the target's own. */
static void check_state(struct fz *f)
{
	CHECK((amp_vring_fault(&f->vr) != AMP_VRING_FAULT_NONE) == f->m.broken);
	if (f->m.broken)
		fz_check_fault(f);
	f->role->check_state(f);
	CHECK(f->notified == f->expect_notified);
}

/**
 * fz_main() - run one fuzz input
 * @f: harness state, embedded in the target's state (whose own model @role->attach resets)
 * @role: the target
 * @data: the input (format in fuzz_common.h)
 * @size: its bytes
 *
 * Sets up the ring and the windows, attaches the role under test, then runs operations until
 * the budget or the input runs out, checking the state after each. A violated invariant traps.
 *
 * Return: 0, as LLVMFuzzerTestOneInput() returns.
 */
int fz_main(struct fz *f, const struct fz_role *role, const uint8_t *data, size_t size)
{
	bool device = role->role == AMP_VRING_DEVICE;
	struct amp_vring_config cfg;
	uint32_t budget;
	uint8_t start;

	if (fz_trace < 0)
		fz_trace = getenv("AMP_FUZZ_TRACE") != NULL;
	target_name = role->name;
	memset(f, 0, sizeof(*f));
	f->role = role;
	f->in.p = data;
	f->in.n = size;

	budget = setup(f, &start);
	/* the device attaches to a ring the driver has written; the driver's init zeroes it */
	if (device)
		load_contents(f);
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
	role->attach(f, &cfg);
	if (start)
		fast_forward(f, (uint16_t)(0x10000 - start), start & 1 ? 65530 : 0);
	if (!device)
		load_contents(f);
	TRACE("num %u align %u big %d event_idx %d indirect %d A %#llx+%llu B %#llx+%llu C %d\n",
	      f->num, f->align, f->big, f->event_idx, f->indirect, (unsigned long long)f->win[0].da,
	      (unsigned long long)f->win[0].size, (unsigned long long)f->win[1].da,
	      (unsigned long long)f->win[1].size, f->win[2].size != 0);
	check_state(f);

	for (uint32_t k = 0; k < budget && f->in.n; k++) {
		uint8_t op = fz_u8(f) % role->op_count;

		TRACE("op %u\n", op);
		role->ops[op](f);
		check_state(f);
	}

	free(f->slots);
	free(f->win[1].va);
	free(f->win[0].va);
	free(f->ring);
	return 0;
}
