// SPDX-License-Identifier: BSD-3-Clause
/*
 * Split ring, driver role: the side that owns the buffers (the remoteproc host).
 *
 * The driver trusts nothing it reads back from the ring. Its free list, chain links, tokens and
 * buffer lengths live in the caller's local &struct amp_vring_slot array, so a device that
 * scribbles over the descriptor table can neither redirect the free list nor make the driver
 * return a token twice. The only values read from shared memory are used.idx, the used elements,
 * and the device's suppression state, each validated before use.
 */
#include <string.h>

#include "mutant.h"
#include "vring_internal.h"

/* Linux (virtqueue_add_split) forces a notification after 65535 additions without one, since
 * the 16-bit event-index arithmetic cannot tell 65536 additions from none. */
#define MAX_UNSIGNALLED 0xffffu

static void drv_reset_state(struct amp_vring *vr)
{
	uint32_t num = vr->layout.num;

	for (uint32_t i = 0; i < num; i++) {
		vr->slots[i].token = NULL;
		vr->slots[i].chain = (struct amp_vring_slot_chain){0, 0};
		vr->slots[i].next = (uint16_t)(i + 1);
		vr->slots[i].avail_entry = 0; /* the ring was just zeroed */
		vr->slots[i].fresh = 0;
		vr->slots[i].state = SLOT_FREE;
	}
	vr->free_head = 0;
	vr->free_tail = (uint16_t)(num - 1);
	vr->num_free = num;
	vr->own_idx = 0;
	vr->fresh_from = 0;
	vr->published = 0;
	vr->signalled = 0;
	vr->peer_idx = 0;
	vr->consumed = 0;
	vr->flags_shadow = 0;
	vr->notifications = true;
	vr->fault = AMP_VRING_FAULT_NONE;
}

int amp_vring_drv_init(struct amp_vring *vr, const struct amp_vring_config *cfg)
{
	int err = vr_attach(vr, cfg, AMP_VRING_DRIVER);

	if (err)
		return err;
	amp_vring_drv_reset(vr);
	return 0;
}

void amp_vring_drv_reset(struct amp_vring *vr)
{
	/* Zero the whole ring as Linux rp_find_vq() does: the device may hold stale indices from
	 * an earlier session and must see used.flags == 0 (v1.2 §2.7.10.1) and idx 0. */
	amp_io_fill(&vr->io, vr->base, 0, vr->layout.size);
	drv_reset_state(vr);
}

static AMP_ALWAYS_INLINE void write_desc(struct amp_vring *vr, bool swap, volatile uint8_t *dst,
					 uint64_t da, uint32_t len, uint16_t flags, uint16_t next)
{
	/* One 16-byte store per descriptor: the device reads it only after the avail.idx that
	 * covers it, so it need not be single-copy atomic, and the trace shows one event. */
	amp_store_image16_if_changed(
		&vr->io, dst, amp_ring64(swap, da),
		amp_image32x2(amp_ring32(swap, len),
			      amp_image16x2(amp_ring16(swap, flags), amp_ring16(swap, next))));
}

/*
 * Put @head in the next available ring entry and account for it; published later. The entry is
 * stored only when it changes (see amp_store16_if_changed()); the local copy of the entries
 * serves queued_unpublished().
 */
static AMP_ALWAYS_INLINE void expose_head(struct amp_vring *vr, bool swap, uint16_t head)
{
	uint16_t pos = vr->own_idx;
	struct amp_vring_slot *entry = &vr->slots[pos & vr->mask];

	vr->own_idx = (uint16_t)(pos + 1);
	vr->slots[head].fresh = 1;
	if (entry->avail_entry != head)
		entry->avail_entry = head;
	/* Mutant: the index that exposes the entry goes out first, so that the device may read a
	 * stale head (DRV-001). */
	if (AMP_MUTANT_IS(IDX_BEFORE_ENTRY))
		vr_publish(vr);
	amp_store16_if_changed(&vr->io, swap, vr_avail_entry(vr, pos), head);
	if (AMP_UNLIKELY((uint16_t)(pos + 1 - vr->signalled) >= MAX_UNSIGNALLED))
		vr_kick(vr);
}

static AMP_ALWAYS_INLINE int drv_add_buf(struct amp_vring *vr, void *va, uint32_t len,
					 bool writable, void *token, bool swap)
{
	uint16_t head = vr->free_head;
	struct amp_vring_slot *s = &vr->slots[head];
	uint64_t da;

	if (AMP_UNLIKELY(vr_broken(vr) || !vr->num_free || !token))
		return vr_broken(vr) ? -AMP_EIO : token ? -AMP_ENOSPC : -AMP_EINVAL;
	if (AMP_UNLIKELY(vr_to_da(vr, va, len, &da)))
		return -AMP_EFAULT;

	vr->free_head = s->next;
	vr->num_free--;
	s->token = token;
	s->chain = (struct amp_vring_slot_chain){writable ? len : 0, 1};
	write_desc(vr, swap, vr_desc(vr, head), da, len, writable ? AMP_VRING_DESC_F_WRITE : 0, 0);
	expose_head(vr, swap, head);
	return 0;
}

/* The hot paths are compiled once per byte order so the conversions fold away. */
int amp_vring_drv_add_buf(struct amp_vring *vr, void *va, uint32_t len, bool writable, void *token)
{
	if (vr->swap)
		return drv_add_buf(vr, va, len, writable, token, true);
	return drv_add_buf(vr, va, len, writable, token, false);
}

int amp_vring_drv_add(struct amp_vring *vr, const struct amp_vring_sg *sg, unsigned int out,
		      unsigned int in, void *token)
{
	uint32_t total = out + in;
	uint64_t writable = 0;
	uint16_t head, i;

	if (vr_broken(vr))
		return -AMP_EIO;
	if (!token || !sg || !total || total < out)
		return -AMP_EINVAL;
	if (total > vr->num_free)
		return -AMP_ENOSPC;

	/* Walk the free list without committing: on an error nothing changes, and the
	 * descriptors already written are free ones the device cannot see. */
	head = i = vr->free_head;
	for (uint32_t k = 0; k < total; k++) {
		bool more = k + 1 < total;
		uint16_t next = vr->slots[i].next;
		uint64_t da;

		if (vr_to_da(vr, sg[k].va, sg[k].len, &da))
			return -AMP_EFAULT;
		if (k >= out)
			writable += sg[k].len;
		/* Device-writable descriptors come after the readable ones (v1.2 §2.7.4.2). */
		write_desc(vr, vr->swap, vr_desc(vr, i), da, sg[k].len,
			   (uint16_t)((k >= out ? AMP_VRING_DESC_F_WRITE : 0) |
				      (more ? AMP_VRING_DESC_F_NEXT : 0)),
			   more ? next : 0);
		i = next;
	}
	if (writable > UINT32_MAX)
		return -AMP_EINVAL;

	/* The free list is in chain order, so slots[].next of the chain members already links
	 * the chain; only the head and the free list need updating. */
	vr->free_head = i;
	vr->num_free -= total;
	vr->slots[head].token = token;
	vr->slots[head].chain = (struct amp_vring_slot_chain){(uint32_t)writable, (uint16_t)total};
	expose_head(vr, vr->swap, head);
	return 0;
}

int amp_vring_drv_add_indirect(struct amp_vring *vr, const struct amp_vring_sg *sg,
			       unsigned int out, unsigned int in, void *table, void *token)
{
	uint32_t total = out + in;
	uint64_t writable = 0, table_da;
	volatile uint8_t *t = table;
	struct amp_vring_slot *s;
	uint16_t head;

	if (vr_broken(vr))
		return -AMP_EIO;
	if (!vr->indirect)
		return -AMP_ENOTSUP;
	if (!token || !sg || !table || !total || total < out || total > AMP_VRING_MAX_NUM ||
	    ((uintptr_t)table & 15u))
		return -AMP_EINVAL;
	if (!vr->num_free)
		return -AMP_ENOSPC;
	if (vr_to_da(vr, table, (size_t)total * DESC_SIZE, &table_da))
		return -AMP_EFAULT;

	for (uint32_t k = 0; k < total; k++) {
		bool more = k + 1 < total;
		uint64_t da;

		if (vr_to_da(vr, sg[k].va, sg[k].len, &da))
			return -AMP_EFAULT;
		if (k >= out)
			writable += sg[k].len;
		/* Inside a table, next indexes the table (v1.2 §2.7.5.3.2). */
		write_desc(vr, vr->swap, t + (size_t)k * DESC_SIZE, da, sg[k].len,
			   (uint16_t)((k >= out ? AMP_VRING_DESC_F_WRITE : 0) |
				      (more ? AMP_VRING_DESC_F_NEXT : 0)),
			   more ? (uint16_t)(k + 1) : 0);
	}
	if (writable > UINT32_MAX)
		return -AMP_EINVAL;

	head = vr->free_head;
	s = &vr->slots[head];
	vr->free_head = s->next;
	vr->num_free--;
	s->token = token;
	s->chain = (struct amp_vring_slot_chain){(uint32_t)writable, 1};
	write_desc(vr, vr->swap, vr_desc(vr, head), table_da, total * DESC_SIZE,
		   AMP_VRING_DESC_F_INDIRECT, 0);
	expose_head(vr, vr->swap, head);
	return 0;
}

void amp_vring_drv_publish(struct amp_vring *vr)
{
	vr_publish(vr);
}

bool amp_vring_drv_kick_prepare(struct amp_vring *vr)
{
	return vr_kick_prepare(vr);
}

bool amp_vring_drv_kick(struct amp_vring *vr)
{
	return vr_kick(vr);
}

/*
 * Return the chain headed by @head to the tail of the free list; its links are our own copy.
 *
 * First in, first out: when the device completes in order, as rpmsg devices do, ring position p
 * then always gets descriptor p mod num, so the available ring entries (and the descriptors of
 * buffers posted again) keep their values lap after lap and need not be stored again.
 */
static AMP_ALWAYS_INLINE void free_chain(struct amp_vring *vr, uint16_t head)
{
	struct amp_vring_slot *s = &vr->slots[head];
	uint16_t last = head;

	for (uint16_t n = 1; n < s->chain.chain_len; n++)
		last = vr->slots[last].next;
	if (vr->num_free)
		vr->slots[vr->free_tail].next = head;
	else
		vr->free_head = head;
	vr->free_tail = last;
	vr->num_free += s->chain.chain_len;
	s->token = NULL;
}

/*
 * Is @head among the chains queued since the last publication? Those sit at ring positions
 * [published, own_idx), at most num of them and usually none when buffers are collected. The
 * local copy of the entries answers exactly: a head outstanding since long ago (held by the
 * device while 65536 others went round) is never mistaken for a new one.
 */
static bool queued_unpublished(const struct amp_vring *vr, uint16_t head)
{
	for (uint16_t pos = vr->published; pos != vr->own_idx; pos++)
		if (vr->slots[pos & vr->mask].avail_entry == head)
			return true;
	return false;
}

/* Read used.idx once and validate how far it moved; 0, -AMP_EAGAIN or a fault. */
static __attribute__((noinline)) int drv_refresh_used(struct amp_vring *vr)
{
	uint16_t idx = amp_load16(vr->swap, vr_used_idx(vr));

	if (idx == vr->consumed)
		return -AMP_EAGAIN;
	/* The index before the elements it covers (v1.2 §2.7.14, Linux virtio_rmb()). */
	amp_barrier(&vr->io, AMP_BARRIER_READ);
	/* The device can only return what was published and not yet collected; anything else,
	 * including a used.idx that went backwards, is a protocol violation (DEV-002). */
	if ((uint16_t)(idx - vr->consumed) > (uint16_t)(vr->published - vr->consumed))
		return vr_break(vr, AMP_VRING_FAULT_USED_IDX);
	vr->peer_idx = idx;
	/* Everything queued before this read may be in the elements it covers: no longer fresh.
	 * Each queued head is visited here once, from the local copy of the entries. */
	for (uint16_t pos = vr->fresh_from; pos != vr->own_idx; pos++)
		vr->slots[vr->slots[pos & vr->mask].avail_entry].fresh = 0;
	vr->fresh_from = vr->own_idx;
	return 0;
}

static AMP_ALWAYS_INLINE int drv_get_used(struct amp_vring *vr, uint32_t *len, void **token,
					  bool swap)
{
	uint16_t consumed = vr->consumed;
	volatile uint8_t *elem;
	struct amp_vring_slot *s;
	uint32_t id, ulen;

	if (consumed == vr->peer_idx) {
		int err;

		if (vr_broken(vr))
			return -AMP_EIO;
		err = drv_refresh_used(vr);
		if (err)
			return err;
	}

	elem = vr_used_elem(vr, consumed);
	id = amp_load32(swap, elem);
	ulen = amp_load32(swap, elem + 4);
	if (AMP_UNLIKELY(id >= vr->layout.num))
		return vr_break(vr, AMP_VRING_FAULT_USED_ID_RANGE);
	s = &vr->slots[id];
	/* Outstanding and published: a head queued after the last avail.idx store is invisible
	 * to a correct device, so returning it is as wrong as returning a free one. And offered
	 * before this element was written: a head re-queued after we read the used.idx that
	 * covers this element cannot be in it (the same head returned twice in one batch). */
	if (AMP_UNLIKELY(!s->token || s->fresh || queued_unpublished(vr, (uint16_t)id)))
		return vr_break(vr, AMP_VRING_FAULT_USED_ID_NOT_HEAD);
	if (AMP_UNLIKELY(ulen > s->chain.used_limit) && !vr->lenient_used_len)
		return vr_break(vr, AMP_VRING_FAULT_USED_LEN);

	if (len)
		*len = ulen;
	if (token)
		*token = s->token;
	free_chain(vr, (uint16_t)id);
	vr->consumed = ++consumed;

	if (vr->event_idx && vr->notifications) {
		/* Ask for a notification at the next used buffer; the full barrier makes this
		 * visible before we look at used.idx again (Linux virtio_store_mb()). */
		amp_store16(&vr->io, swap, vr_used_event(vr), consumed);
		amp_barrier(&vr->io, AMP_BARRIER_FULL);
	}
	return 0;
}

int amp_vring_drv_get_used(struct amp_vring *vr, uint32_t *len, void **token)
{
	if (vr->swap)
		return drv_get_used(vr, len, token, true);
	return drv_get_used(vr, len, token, false);
}

bool amp_vring_drv_has_used(struct amp_vring *vr)
{
	return vr_has_pending(vr);
}

void amp_vring_drv_disable_cb(struct amp_vring *vr)
{
	vr_disable_notifications(vr);
}

bool amp_vring_drv_enable_cb(struct amp_vring *vr)
{
	return vr_enable_notifications(vr);
}

void *amp_vring_drv_detach_unused(struct amp_vring *vr)
{
	for (uint32_t i = 0; i < vr->layout.num; i++) {
		void *token = vr->slots[i].token;

		if (!vr->slots[i].token)
			continue;
		free_chain(vr, (uint16_t)i);
		/* The buffer may still be in the ring, where the device can return it, and its
		 * position cannot be taken back: nothing but teardown makes sense until reset. */
		vr_break(vr, AMP_VRING_FAULT_TORN_DOWN);
		return token;
	}
	return NULL;
}
