// SPDX-License-Identifier: BSD-3-Clause
/*
 * Split ring, device role: the side that consumes buffers (the remote firmware).
 *
 * Everything the driver wrote (avail.idx, ring entries, descriptors, indirect tables) is read
 * exactly once into locals and validated before use. Which descriptors the device holds is
 * tracked in the caller's local slot array, which is also how loops and descriptors shared by
 * two chains are caught: a descriptor can enter a held chain only while it is free.
 */
#include "mutant.h"
#include "vring_internal.h"

/* An indirect table can describe at most as many buffers as the largest queue; a bigger table
 * is a hostile attempt to make the device walk memory (the spec bounds a chain by the queue
 * size, v1.0 §2.4.5.3.1). */
#define MAX_INDIRECT_ENTRIES AMP_VRING_MAX_NUM

/* How many chains ahead of the one taken the device prefetches the buffer of. */
#define PREFETCH_AHEAD 6

/*
 * Start fetching the buffer of the chain @PREFETCH_AHEAD positions ahead, when the driver has
 * already published it. A message's buffer was written by the other core, so reading it costs a
 * cache-line transfer; issued one by one as each chain is taken, those transfers overlap only as
 * far as the out-of-order window reaches. A prefetch is a hint: it never faults, and only
 * addresses inside the shared window are used.
 */
static AMP_ALWAYS_INLINE void prefetch_ahead(struct amp_vring *vr, uint16_t consumed, bool swap)
{
	uint16_t head;
	const volatile uint8_t *d;
	void *va;

	if ((uint16_t)(vr->peer_idx - consumed) <= PREFETCH_AHEAD)
		return;
	head = amp_load16(swap, vr_avail_entry(vr, (uint16_t)(consumed + PREFETCH_AHEAD)));
	if (head >= vr->layout.num)
		return;
	d = vr_desc(vr, head);
	va = vr_to_va(vr, amp_load64(swap, d), 1);
	if (va)
		__builtin_prefetch(va);
}

static void dev_reset_state(struct amp_vring *vr)
{
	for (uint32_t i = 0; i < vr->layout.num; i++) {
		vr->slots[i].token = NULL;
		vr->slots[i].chain.used_limit = 0;
		vr->slots[i].next = 0;
		vr->slots[i].chain.chain_len = 0;
		vr->slots[i].state = SLOT_FREE;
	}
	vr->own_idx = 0;
	vr->published = 0;
	vr->signalled = 0;
	vr->peer_idx = 0;
	vr->consumed = 0;
	vr->flags_shadow = 0;
	vr->notifications = true;
	vr->fault = AMP_VRING_FAULT_NONE;
}

int amp_vring_dev_init(struct amp_vring *vr, const struct amp_vring_config *cfg)
{
	int err = vr_attach(vr, cfg, AMP_VRING_DEVICE);

	if (err)
		return err;
	dev_reset_state(vr);
	return 0;
}

void amp_vring_dev_reset(struct amp_vring *vr)
{
	/* After a reset the device must not touch the ring (v1.2 §2.4.1) and restarts at avail
	 * index 0 (rpmsg-lite #11 shows what stale indices do), so only local state changes. */
	dev_reset_state(vr);
}

/* Running totals of a chain being validated. */
struct walk {
	struct amp_vring_chain *chain;
	uint64_t readable;
	uint64_t writable;
	uint32_t count;
	bool seen_writable;
};

/* Validate one buffer descriptor (not an indirect one) and append it to the chain. */
static int walk_buffer(struct amp_vring *vr, struct walk *w, uint64_t da, uint32_t len,
		       uint16_t flags)
{
	void *va = vr_to_va(vr, da, len);
	bool writable = flags & AMP_VRING_DESC_F_WRITE;

	if (AMP_UNLIKELY(!va))
		return vr_break(vr, AMP_VRING_FAULT_ADDR);
	if (writable) {
		w->writable += len;
		w->seen_writable = true;
	} else {
		/* Readable buffers first, then writable ones (v1.2 §2.7.4.2). */
		if (AMP_UNLIKELY(w->seen_writable))
			return vr_break(vr, AMP_VRING_FAULT_ORDER);
		w->readable += len;
	}
	/* A chain has at most 4 GiB of buffers in each direction (lengths are 32-bit). */
	if (AMP_UNLIKELY(w->writable > UINT32_MAX || w->readable > UINT32_MAX))
		return vr_break(vr, AMP_VRING_FAULT_LENGTH);
	if (w->count < w->chain->max_elems) {
		struct amp_vring_elem *e = &w->chain->elems[w->count];

		e->va = va;
		e->da = da;
		e->len = len;
		e->writable = writable;
	}
	w->count++;
	return 0;
}

/* Validate an indirect table (v1.2 §2.7.5.3) and append its buffers. */
static int walk_indirect(struct amp_vring *vr, struct walk *w, uint64_t da, uint32_t len,
			 uint16_t flags)
{
	const volatile uint8_t *table;
	uint32_t entries, steps = 0;
	uint16_t j = 0;

	/* Only with the feature, never combined with NEXT, and a whole number of entries. */
	if (AMP_UNLIKELY(!vr->indirect || (flags & AMP_VRING_DESC_F_NEXT) || !len ||
			 len % DESC_SIZE))
		return vr_break(vr, AMP_VRING_FAULT_INDIRECT);
	entries = len / DESC_SIZE;
	if (AMP_UNLIKELY(entries > MAX_INDIRECT_ENTRIES))
		return vr_break(vr, AMP_VRING_FAULT_CHAIN_LENGTH);
	table = vr_to_va(vr, da, len);
	if (AMP_UNLIKELY(!table || ((uintptr_t)table & 3u)))
		return vr_break(vr, AMP_VRING_FAULT_ADDR);

	for (;;) {
		const volatile uint8_t *d = table + (size_t)j * DESC_SIZE;
		uint64_t bda = amp_load64(vr->swap, d);
		uint32_t blen = amp_load32(vr->swap, d + 8);
		uint16_t bflags = amp_load16(vr->swap, d + 12);
		uint16_t next = amp_load16(vr->swap, d + 14);
		int err;

		/* One table per descriptor: no nesting (v1.2 §2.7.5.3.1). */
		if (AMP_UNLIKELY(bflags & AMP_VRING_DESC_F_INDIRECT))
			return vr_break(vr, AMP_VRING_FAULT_INDIRECT);
		err = walk_buffer(vr, w, bda, blen, bflags);
		if (err)
			return err;
		if (!(bflags & AMP_VRING_DESC_F_NEXT))
			return 0;
		if (AMP_UNLIKELY(next >= entries))
			return vr_break(vr, AMP_VRING_FAULT_NEXT_RANGE);
		/* A table of n entries has chains of at most n: more steps means a loop. */
		if (AMP_UNLIKELY(++steps >= entries))
			return vr_break(vr, AMP_VRING_FAULT_CHAIN_LENGTH);
		j = next;
	}
}

/* Validate the chain at @head; on success every member is marked held. */
static __attribute__((noinline)) int walk_chain(struct amp_vring *vr, uint16_t head,
						struct amp_vring_chain *chain)
{
	struct walk w = {.chain = chain};
	uint16_t i = head, ring_descs = 0;
	uint64_t total;

	chain->head = head;
	chain->readable_len = 0;
	chain->writable_len = 0;
	for (;;) {
		struct amp_vring_slot *s = &vr->slots[i];
		const volatile uint8_t *d = vr_desc(vr, i);
		uint64_t da;
		uint32_t len;
		uint16_t flags, next;
		int err;

		/* A descriptor seen earlier in this chain is a loop; one held by another chain
		 * was exposed twice. Either way the chain cannot be trusted (DRV-003, DRV-005). */
		if (AMP_UNLIKELY(s->state == SLOT_WALKING))
			return vr_break(vr, AMP_VRING_FAULT_CHAIN_LENGTH);
		if (AMP_UNLIKELY(s->state != SLOT_FREE))
			return vr_break(vr, AMP_VRING_FAULT_DESC_REUSED);
		s->state = SLOT_WALKING;
		ring_descs++;

		da = amp_load64(vr->swap, d);
		len = amp_load32(vr->swap, d + 8);
		flags = amp_load16(vr->swap, d + 12);
		next = amp_load16(vr->swap, d + 14);
		if (flags & AMP_VRING_DESC_F_INDIRECT)
			err = walk_indirect(vr, &w, da, len, flags);
		else
			err = walk_buffer(vr, &w, da, len, flags);
		if (err)
			return err;
		if (!(flags & AMP_VRING_DESC_F_NEXT))
			break;
		if (AMP_UNLIKELY(next >= vr->layout.num))
			return vr_break(vr, AMP_VRING_FAULT_NEXT_RANGE);
		/* Keep our own copy of the link: the driver could rewrite desc.next before we
		 * release the chain. */
		s->next = next;
		i = next;
	}

	/* Commit: the head remembers the chain; its members become held. */
	i = head;
	for (uint16_t n = 0; n < ring_descs; n++) {
		vr->slots[i].state = n ? SLOT_BODY : SLOT_HEAD;
		i = vr->slots[i].next;
	}
	vr->slots[head].chain.chain_len = ring_descs;
	total = vr->lenient_used_len ? w.writable + w.readable : w.writable;
	vr->slots[head].chain.used_limit = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	chain->count = w.count;
	chain->readable_len = (uint32_t)w.readable;
	chain->writable_len = (uint32_t)w.writable;
	return 0;
}

/* Read avail.idx once and validate how far it moved; 0, -AMP_EAGAIN or a fault. */
static __attribute__((noinline)) int dev_refresh_avail(struct amp_vring *vr)
{
	uint16_t idx = amp_load16(vr->swap, vr_avail_idx(vr));
	uint16_t outstanding;

	if (idx == vr->consumed)
		return -AMP_EAGAIN;
	/* The index before the entries and descriptors it covers (Linux virtio_rmb()). */
	amp_barrier(&vr->io, AMP_BARRIER_READ);
	/* The driver can have collected at most what we published, so it can have at most
	 * num buffers beyond that; and the index never goes back past what we already took
	 * (DRV-002, DRV-003). */
	outstanding = (uint16_t)(idx - vr->published);
	if (AMP_UNLIKELY(outstanding > vr->layout.num ||
			 (uint16_t)(idx - vr->consumed) > outstanding))
		return vr_break(vr, AMP_VRING_FAULT_AVAIL_IDX);
	vr->peer_idx = idx;
	return 0;
}

static AMP_ALWAYS_INLINE int dev_get_avail(struct amp_vring *vr, struct amp_vring_chain *chain,
					   bool swap)
{
	const volatile uint8_t *d;
	struct amp_vring_slot *s;
	uint16_t consumed = vr->consumed, head, flags;
	int err;

	if (consumed == vr->peer_idx) {
		if (vr_broken(vr))
			return -AMP_EIO;
		err = dev_refresh_avail(vr);
		if (err)
			return err;
	}
	if (AMP_UNLIKELY(!chain || (chain->max_elems && !chain->elems)))
		return -AMP_EINVAL;

	head = amp_load16(swap, vr_avail_entry(vr, consumed));
	if (AMP_UNLIKELY(head >= vr->layout.num))
		return vr_break(vr, AMP_VRING_FAULT_HEAD_RANGE);
	s = &vr->slots[head];
	d = vr_desc(vr, head);
	flags = amp_load16(swap, d + 12);
	if (AMP_LIKELY(!(flags & (AMP_VRING_DESC_F_NEXT | AMP_VRING_DESC_F_INDIRECT)) &&
		       s->state == SLOT_FREE)) {
		/* One descriptor, the rpmsg case: the same checks as walk_chain(), inline. */
		uint64_t da = amp_load64(swap, d);
		uint32_t len = amp_load32(swap, d + 8);
		bool writable = flags & AMP_VRING_DESC_F_WRITE;
		void *va = vr_to_va(vr, da, len);

		if (AMP_UNLIKELY(!va))
			return vr_break(vr, AMP_VRING_FAULT_ADDR);
		s->state = SLOT_HEAD;
		s->chain.chain_len = 1;
		s->chain.used_limit = writable || vr->lenient_used_len ? len : 0;
		chain->head = head;
		chain->count = 1;
		chain->readable_len = writable ? 0 : len;
		chain->writable_len = writable ? len : 0;
		if (chain->max_elems)
			chain->elems[0] = (struct amp_vring_elem){va, da, len, writable};
	} else {
		err = walk_chain(vr, head, chain);
		if (err)
			return err;
	}
	vr->consumed = ++consumed;
	prefetch_ahead(vr, consumed, swap);

	if (vr->event_idx && vr->notifications) {
		/* Ask to be notified when the driver adds past what we took. */
		amp_store16(&vr->io, swap, vr_avail_event(vr), consumed);
	}
	return 0;
}

/* The hot paths are compiled once per byte order so the conversions fold away. */
int amp_vring_dev_get_avail(struct amp_vring *vr, struct amp_vring_chain *chain)
{
	if (vr->swap)
		return dev_get_avail(vr, chain, true);
	return dev_get_avail(vr, chain, false);
}

bool amp_vring_dev_has_avail(struct amp_vring *vr)
{
	return vr_has_pending(vr);
}

static AMP_ALWAYS_INLINE int dev_add_used(struct amp_vring *vr, uint16_t head, uint32_t len,
					  bool swap)
{
	uint16_t pos = vr->own_idx;
	struct amp_vring_slot *s;
	uint32_t elem[2], id = head;

	if (AMP_UNLIKELY(vr_broken(vr)))
		return -AMP_EIO;
	if (AMP_UNLIKELY(head >= vr->layout.num))
		return -AMP_EINVAL;
	s = &vr->slots[head];
	/* used.len is the number of bytes written (v1.2 §2.7.8); never more than writable unless
	 * the caller asked for legacy lengths. */
	if (AMP_UNLIKELY(s->state != SLOT_HEAD || len > s->chain.used_limit))
		return -AMP_EINVAL;
	/* Mutants past the checks, so that they reach the ring: a length beyond anything the
	 * chain can hold, 1 for a read-only one (DEV-003); the next head's id, a buffer we were
	 * not given wherever the driver has only a few out, as on its transmit ring (DEV-001); the
	 * id of our previous element again, a head already returned (DEV-001). */
	if (AMP_MUTANT_IS(USED_LEN_TOO_LARGE))
		len = s->chain.used_limit + 1;
	if (AMP_MUTANT_IS(USED_ID_OFF_BY_ONE))
		id = (uint32_t)head + 1;
	if (AMP_MUTANT_IS(USED_ID_DUPLICATE) && pos)
		id = amp_load32(swap, vr_used_elem(vr, (uint16_t)(pos - 1)));

	if (AMP_LIKELY(s->chain.chain_len == 1)) {
		s->state = SLOT_FREE;
	} else {
		uint16_t i = head;

		for (uint16_t n = 0; n < s->chain.chain_len; n++) {
			uint16_t next = vr->slots[i].next;

			vr->slots[i].state = SLOT_FREE;
			i = next;
		}
	}
	vr->own_idx = (uint16_t)(pos + 1);
	elem[0] = amp_ring32(swap, id);
	elem[1] = amp_ring32(swap, len);
	/* Mutant: the index that covers the element goes out first (DEV-002). */
	if (AMP_MUTANT_IS(USED_IDX_BEFORE_ELEM))
		vr_publish(vr);
	amp_store_bytes_if_changed(&vr->io, vr_used_elem(vr, pos), elem, sizeof(elem));
	/* As on the driver side: 65536 unsignalled buffers would look like none. */
	if (AMP_UNLIKELY((uint16_t)(pos + 1 - vr->signalled) >= 0xffffu))
		vr_kick(vr);
	return 0;
}

int amp_vring_dev_add_used(struct amp_vring *vr, uint16_t head, uint32_t len)
{
	if (vr->swap)
		return dev_add_used(vr, head, len, true);
	return dev_add_used(vr, head, len, false);
}

void amp_vring_dev_publish(struct amp_vring *vr)
{
	vr_publish(vr);
}

bool amp_vring_dev_kick_prepare(struct amp_vring *vr)
{
	return vr_kick_prepare(vr);
}

bool amp_vring_dev_kick(struct amp_vring *vr)
{
	return vr_kick(vr);
}

void amp_vring_dev_disable_notify(struct amp_vring *vr)
{
	vr_disable_notifications(vr);
}

bool amp_vring_dev_enable_notify(struct amp_vring *vr)
{
	return vr_enable_notifications(vr);
}
