// SPDX-License-Identifier: BSD-3-Clause
/*
 * Split ring layout and the parts common to both roles.
 */
#include <string.h>

#include "mutant.h"
#include "vring_internal.h"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int amp_vring_layout(uint32_t num, uint32_t align, struct amp_vring_layout *l)
{
	if (!l || !is_pow2(num) || num > AMP_VRING_MAX_NUM || !is_pow2(align))
		return -AMP_EINVAL;

	l->num = num;
	l->align = align;
	l->desc = 0;
	l->avail = DESC_SIZE * (size_t)num;
	l->avail_ring = l->avail + 4;
	l->used_event = l->avail_ring + 2 * (size_t)num;
	/* The used ring starts at the first align boundary after the used_event slot
	 * (Linux vring_init(): "used = ALIGN(&avail->ring[num] + sizeof(u16), align)"). */
	l->used = align_up(l->used_event + 2, align);
	l->used_ring = l->used + 4;
	l->avail_event = l->used_ring + USED_ELEM_SIZE * (size_t)num;
	l->size = l->avail_event + 2;
	return 0;
}

size_t amp_vring_size(uint32_t num, uint32_t align)
{
	struct amp_vring_layout l;

	return amp_vring_layout(num, align, &l) ? 0 : l.size;
}

int vr_attach(struct amp_vring *vr, const struct amp_vring_config *cfg, enum amp_vring_role role)
{
	struct amp_vring_layout layout;
	int err;

	if (!vr || !cfg || !cfg->ring || !cfg->slots || !cfg->addr.ops || !cfg->addr.ops->find_da ||
	    !cfg->addr.ops->find_va)
		return -AMP_EINVAL;
	/* The descriptor table needs 16-byte alignment (virtio v1.2 §2.7 alignment table). */
	if ((uintptr_t)cfg->ring & 15u)
		return -AMP_EINVAL;
	err = amp_io_check(&cfg->io);
	if (err)
		return err;
	err = amp_vring_layout(cfg->num, cfg->align, &layout);
	if (err)
		return err;
	/* The used ring holds 32-bit fields and needs 4-byte alignment (same table); with a
	 * smaller align, 18 * num + 6 leaves it 2 bytes off for every even num. */
	if (layout.used & 3u)
		return -AMP_EINVAL;

	/* Only a configuration that passed every check touches the handle: a failed attach
	 * leaves the handle as it was. */
	memset(vr, 0, sizeof(*vr));
	vr->layout = layout;
	vr->base = cfg->ring;
	vr->desc = vr->base + vr->layout.desc;
	vr->avail = vr->base + vr->layout.avail;
	vr->used = vr->base + vr->layout.used;
	vr->io = cfg->io;
	vr->swap = amp_io_swaps(&cfg->io);
	vr->addr = cfg->addr;
	vr->slots = cfg->slots;
	vr->notify = cfg->notify;
	vr->notify_ctx = cfg->notify_ctx;
	vr->id = cfg->id;
	vr->mask = (uint16_t)(cfg->num - 1);
	vr->role = (uint8_t)role;
	vr->event_idx = !!(cfg->features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX));
	vr->indirect = !!(cfg->features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC));
	vr->lenient_used_len = cfg->lenient_used_len;
	return 0;
}

/* The platform's window is checked again: a buggy translation must not widen the window. */
void *vr_to_va_slow(struct amp_vring *vr, uint64_t da, size_t len)
{
	struct amp_mem_region w;

	if (vr->addr.ops->find_da(vr->addr.ctx, da, len, &w) || !w.size ||
	    !amp_region_contains_da(&w, da, len))
		return NULL;
	vr->win = w;
	return (uint8_t *)w.va + (da - w.da);
}

int vr_to_da_slow(struct amp_vring *vr, const void *va, size_t len, uint64_t *da)
{
	struct amp_mem_region w;

	if (vr->addr.ops->find_va(vr->addr.ctx, va, len, &w) || !w.size ||
	    !amp_region_contains_va(&w, va, len))
		return -AMP_EFAULT;
	vr->win = w;
	*da = w.da + (uint64_t)((uintptr_t)va - (uintptr_t)w.va);
	return 0;
}

/*
 * Publish everything queued: a write barrier, then our index. Descriptors, ring entries, used
 * elements and buffer contents must be visible before the index that covers them (v1.2
 * §2.7.13.3.1 for the driver, §2.7.8.2 for the device; Linux virtqueue_add_split():
 * "Descriptors and available array need to be set before we expose the new available array
 * entries").
 */
void vr_publish(struct amp_vring *vr)
{
	if (vr->own_idx == vr->published)
		return;
	/* Mutants: the index may overtake the entries it covers on a weakly ordered machine
	 * (DRV-010 for the driver, DEV-007 for the device). */
	if (!(AMP_MUTANT_IS(NO_WRITE_BARRIER) && vr->role == AMP_VRING_DRIVER) &&
	    !(AMP_MUTANT_IS(NO_USED_BARRIER) && vr->role == AMP_VRING_DEVICE))
		amp_barrier(&vr->io, AMP_BARRIER_WRITE);
	amp_store16(&vr->io, vr->swap, vr_own_idx(vr), vr->own_idx);
	vr->published = vr->own_idx;
}

/*
 * Does the peer want a notification for what was published since the last decision? A full
 * barrier first: our index store must be visible before we read the peer's suppression state,
 * or the peer can read our old index and ask for a notification while we read its old
 * suppression and skip it, and both wait forever (v1.2 §2.7.13.4.1, §2.7.7.2).
 */
/* Does the peer's suppression state ask for a notification of [old, new_idx)? */
static bool peer_wants(struct amp_vring *vr, uint16_t new_idx, uint16_t old)
{
	if (vr->event_idx)
		return need_event(amp_load16(vr->swap, vr_peer_event(vr)), new_idx, old);
	return !(amp_load16(vr->swap, vr_peer_flags(vr)) & FLAG_NO_NOTIFICATION);
}

/*
 * The full barrier orders our index store before the read of the peer's suppression state: a
 * peer that turns notifications on stores its state, fences and looks at our index again, so
 * one of the two sides always sees the other (Linux virtqueue_kick_prepare_split()). It is only
 * needed to avoid a lost notification, so a first look without it settles the common case of a
 * peer that waits for us: if that look already asks for the notification, it is sent, and the
 * only race (the peer turning notifications off meanwhile) costs a spurious one, which the peer
 * must tolerate (v1.2 §2.7.7.1). The fence waits for our stores to reach a line the peer is
 * polling; skipping it lets the notification follow the index at once. A write barrier still
 * orders the index before the notification.
 */
bool vr_kick_prepare(struct amp_vring *vr)
{
	uint16_t old = vr->signalled, new_idx = vr->published;

	if (vr_broken(vr) || old == new_idx)
		return false;
	vr->signalled = new_idx;
	/* Mutant: the peer's suppression state is never looked at (NOTIF-010). */
	if (AMP_MUTANT_IS(KICK_WHILE_SUPPRESSED) || peer_wants(vr, new_idx, old)) {
		amp_barrier(&vr->io, AMP_BARRIER_WRITE);
		return true;
	}
	amp_barrier(&vr->io, AMP_BARRIER_FULL);
	return peer_wants(vr, new_idx, old);
}

void amp_vring_prefetch_kick(const struct amp_vring *vr)
{
	__builtin_prefetch((const void *)(vr->event_idx ? vr_peer_event(vr) : vr_peer_flags(vr)));
}

bool vr_kick(struct amp_vring *vr)
{
	vr_publish(vr);
	if (!vr_kick_prepare(vr))
		return false;
	if (vr->notify)
		vr->notify(vr->notify_ctx, vr);
	return true;
}

bool vr_has_pending(struct amp_vring *vr)
{
	if (vr_broken(vr) || vr->consumed != vr->peer_idx)
		return true;
	return amp_load16(vr->swap, vr_peer_idx(vr)) != vr->consumed;
}

void vr_disable_notifications(struct amp_vring *vr)
{
	if (!vr->notifications)
		return;
	vr->notifications = false;
	if (vr->event_idx) {
		/* An event index one behind what we consumed is crossed only after 65535 more
		 * entries, which is as close to "never" as the field can say. */
		amp_store16(&vr->io, vr->swap, vr_own_event(vr), (uint16_t)(vr->consumed - 1));
	} else {
		vr->flags_shadow |= FLAG_NO_NOTIFICATION;
		amp_store16(&vr->io, vr->swap, vr_own_flags(vr), vr->flags_shadow);
	}
}

/*
 * Ask for a notification at the next entry, then look again: the request must be visible before
 * the re-check (full barrier), so work that arrived in between is either seen here or notified
 * (Linux virtqueue_enable_cb() + virtqueue_poll()).
 */
bool vr_enable_notifications(struct amp_vring *vr)
{
	vr->notifications = true;
	if (vr->event_idx) {
		amp_store16(&vr->io, vr->swap, vr_own_event(vr), vr->consumed);
	} else if (vr->flags_shadow & FLAG_NO_NOTIFICATION) {
		vr->flags_shadow &= (uint16_t)~FLAG_NO_NOTIFICATION;
		amp_store16(&vr->io, vr->swap, vr_own_flags(vr), vr->flags_shadow);
	}
	amp_barrier(&vr->io, AMP_BARRIER_FULL);
	return vr_has_pending(vr);
}

enum amp_vring_fault amp_vring_fault(const struct amp_vring *vr)
{
	return (enum amp_vring_fault)vr->fault;
}

const char *amp_vring_fault_name(enum amp_vring_fault fault)
{
	static const char *const names[AMP_VRING_FAULT_COUNT] = {
		[AMP_VRING_FAULT_NONE] = "none",
		[AMP_VRING_FAULT_USED_IDX] = "used idx ran ahead of the available buffers",
		[AMP_VRING_FAULT_USED_ID_RANGE] = "used id out of range",
		[AMP_VRING_FAULT_USED_ID_NOT_HEAD] = "used id is not an outstanding head",
		[AMP_VRING_FAULT_USED_LEN] = "used len larger than the writable buffer",
		[AMP_VRING_FAULT_AVAIL_IDX] = "avail idx exposes more than num buffers",
		[AMP_VRING_FAULT_HEAD_RANGE] = "available head out of range",
		[AMP_VRING_FAULT_DESC_REUSED] = "descriptor already in an outstanding chain",
		[AMP_VRING_FAULT_NEXT_RANGE] = "next index out of range",
		[AMP_VRING_FAULT_CHAIN_LENGTH] = "descriptor chain loops or is too long",
		[AMP_VRING_FAULT_ADDR] = "buffer outside the shared window",
		[AMP_VRING_FAULT_INDIRECT] = "invalid indirect descriptor",
		[AMP_VRING_FAULT_ORDER] = "readable descriptor after a writable one",
		[AMP_VRING_FAULT_LENGTH] = "chain length overflows 32 bits",
		[AMP_VRING_FAULT_TORN_DOWN] = "torn down by detach_unused; reset to reuse",
	};

	if ((unsigned int)fault >= AMP_VRING_FAULT_COUNT)
		return "unknown";
	return names[fault];
}
