/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal: field addresses of the legacy split ring and helpers shared by both roles.
 */
#ifndef AMP_VRING_INTERNAL_H
#define AMP_VRING_INTERNAL_H

#include "amp/error.h"
#include "amp/vring.h"
#include "io_access.h"

/* States of &struct amp_vring_slot. */
enum {
	SLOT_FREE = 0,    /* driver: on the free list; device: not held */
	SLOT_HEAD = 1,    /* head of an outstanding (driver) or held (device) chain */
	SLOT_BODY = 2,    /* device: non-head member of a held chain */
	SLOT_WALKING = 3, /* device: member of the chain being validated right now */
};

/* A descriptor is 16 bytes: addr u64 @0, len u32 @8, flags u16 @12, next u16 @14. */
#define DESC_SIZE      16u
#define USED_ELEM_SIZE 8u

static inline volatile uint8_t *vr_desc(const struct amp_vring *vr, uint32_t i)
{
	return vr->desc + (size_t)i * DESC_SIZE;
}

static inline volatile uint8_t *vr_avail_flags(const struct amp_vring *vr)
{
	return vr->avail;
}

static inline volatile uint8_t *vr_avail_idx(const struct amp_vring *vr)
{
	return vr->avail + 2;
}

static inline volatile uint8_t *vr_avail_entry(const struct amp_vring *vr, uint16_t idx)
{
	return vr->avail + 4 + 2u * (idx & vr->mask);
}

static inline volatile uint8_t *vr_used_event(const struct amp_vring *vr)
{
	return vr->avail + 4 + 2u * vr->layout.num;
}

static inline volatile uint8_t *vr_used_flags(const struct amp_vring *vr)
{
	return vr->used;
}

static inline volatile uint8_t *vr_used_idx(const struct amp_vring *vr)
{
	return vr->used + 2;
}

static inline volatile uint8_t *vr_used_elem(const struct amp_vring *vr, uint16_t idx)
{
	return vr->used + 4 + USED_ELEM_SIZE * (idx & vr->mask);
}

static inline volatile uint8_t *vr_avail_event(const struct amp_vring *vr)
{
	return vr->used + 4 + USED_ELEM_SIZE * vr->layout.num;
}

/*
 * The index, flags and event fields as seen from one side: "own" fields this side writes, "peer"
 * fields the other side writes. The driver owns avail.idx, avail.flags and used_event; the
 * device owns used.idx, used.flags and avail_event.
 */
static inline volatile uint8_t *vr_own_idx(const struct amp_vring *vr)
{
	return vr->role == AMP_VRING_DRIVER ? vr_avail_idx(vr) : vr_used_idx(vr);
}

static inline volatile uint8_t *vr_peer_idx(const struct amp_vring *vr)
{
	return vr->role == AMP_VRING_DRIVER ? vr_used_idx(vr) : vr_avail_idx(vr);
}

static inline volatile uint8_t *vr_own_flags(const struct amp_vring *vr)
{
	return vr->role == AMP_VRING_DRIVER ? vr_avail_flags(vr) : vr_used_flags(vr);
}

static inline volatile uint8_t *vr_peer_flags(const struct amp_vring *vr)
{
	return vr->role == AMP_VRING_DRIVER ? vr_used_flags(vr) : vr_avail_flags(vr);
}

static inline volatile uint8_t *vr_own_event(const struct amp_vring *vr)
{
	return vr->role == AMP_VRING_DRIVER ? vr_used_event(vr) : vr_avail_event(vr);
}

static inline volatile uint8_t *vr_peer_event(const struct amp_vring *vr)
{
	return vr->role == AMP_VRING_DRIVER ? vr_avail_event(vr) : vr_used_event(vr);
}

/* Bit 0 of either flags word says "do not notify me": VRING_AVAIL_F_NO_INTERRUPT in avail.flags
 * (driver to device), VRING_USED_F_NO_NOTIFY in used.flags (device to driver). */
#define FLAG_NO_NOTIFICATION 1u

/*
 * need_event() - did moving an index from @old to @new cross the event index @ev?
 *
 * virtio v1.2 §2.7.7.2 / Linux vring_need_event(): notify iff ev lies in [old, new), computed
 * in 16-bit modular arithmetic so that it stays right across the 65535 -> 0 wrap.
 */
static inline bool need_event(uint16_t ev, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - ev - 1) < (uint16_t)(new_idx - old);
}

/*
 * Mark the ring broken; every later operation fails with -AMP_EIO. Forgetting the cached peer
 * index sends the next get_used/get_avail down its slow path, which is where the broken state
 * is checked, so the fast path needs no test of its own.
 */
static inline int vr_break(struct amp_vring *vr, enum amp_vring_fault fault)
{
	if (vr->fault == AMP_VRING_FAULT_NONE)
		vr->fault = (uint8_t)fault;
	vr->peer_idx = vr->consumed;
	return -AMP_EIO;
}

static inline bool vr_broken(const struct amp_vring *vr)
{
	return AMP_UNLIKELY(vr->fault != AMP_VRING_FAULT_NONE);
}

void *vr_to_va_slow(struct amp_vring *vr, uint64_t da, size_t len);
int vr_to_da_slow(struct amp_vring *vr, const void *va, size_t len, uint64_t *da);

/* Translate a device address through the cached window, else ask the platform. NULL when the
 * range is not entirely inside the shared window. */
static inline void *vr_to_va(struct amp_vring *vr, uint64_t da, size_t len)
{
	if (AMP_LIKELY(vr->win.size && amp_region_contains_da(&vr->win, da, len)))
		return (uint8_t *)vr->win.va + (da - vr->win.da);
	return vr_to_va_slow(vr, da, len);
}

static inline int vr_to_da(struct amp_vring *vr, const void *va, size_t len, uint64_t *da)
{
	if (AMP_LIKELY(vr->win.size && amp_region_contains_va(&vr->win, va, len))) {
		*da = vr->win.da + (uint64_t)((uintptr_t)va - (uintptr_t)vr->win.va);
		return 0;
	}
	return vr_to_da_slow(vr, va, len, da);
}

/* Role-independent halves of the public functions; see vring.c. */
void vr_publish(struct amp_vring *vr);
bool vr_kick_prepare(struct amp_vring *vr);
bool vr_kick(struct amp_vring *vr);
void vr_disable_notifications(struct amp_vring *vr);
bool vr_enable_notifications(struct amp_vring *vr);
bool vr_has_pending(struct amp_vring *vr);

int vr_attach(struct amp_vring *vr, const struct amp_vring_config *cfg, enum amp_vring_role role);

#endif /* AMP_VRING_INTERNAL_H */
