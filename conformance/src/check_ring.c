// SPDX-License-Identifier: BSD-3-Clause
/*
 * The vrings: every store into a ring split into the legacy layout's fields and judged by who
 * made it; avail.idx and used.idx stores turned into publications (exposed chains, returned
 * elements) with the ownership of each descriptor and buffer; stores into buffers judged
 * against who owns them.
 */
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

/* Distinct buffer addresses remembered per link before the ones nobody holds are dropped. */
#define MAX_BUFS 65536u

void ck_ring_reset(struct ck_link *l, struct ck_vring *vr)
{
	if (vr->d)
		memset(vr->d, 0, sizeof(*vr->d) * vr->num);
	vr->avail_idx = 0;
	vr->used_idx = 0;
	vr->published = false;
	vr->device_published = false;
	vr->after_reset = l->ever_ok;
	vr->avail_event_written = false;
	vr->used_flags_by_device = false;
	vr->first_elem_slot = -1;
	vr->ret_head = 0;
	vr->ret_count = 0;
	vr->entry_store_seq = 0;
	vr->elem_store_seq = 0;
	vr->max_returned_exposed = 0;
	ck_notify_reset(vr);
}

/* ---- the buffer index: distinct buffer addresses, sorted ---------------------------------- */

/* Index of the last buffer whose address is <= @addr, or -1. */
static long buf_floor(const struct ck_link *l, uint64_t addr)
{
	const struct ck_buf *at = l->bufs;
	size_t n = l->nbufs;

	if (!n || at->addr > addr)
		return -1;
	/* Halve without a branch on the comparison (a conditional move): which half holds the
	 * address is a coin toss the branch predictor loses half the time. */
	while (n > 1) {
		size_t half = n / 2;

		at = at[half].addr <= addr ? at + half : at;
		n -= half;
	}
	return at - l->bufs;
}

/* buf_floor(), trying @hint first: the buffer a descriptor held last time it usually holds
 * again, and a search is a chain of dependent loads. */
static long buf_floor_near(const struct ck_link *l, uint64_t addr, uint32_t hint)
{
	if (hint < l->nbufs && l->bufs[hint].addr <= addr &&
	    (hint + 1 == l->nbufs || l->bufs[hint + 1].addr > addr))
		return hint;
	return buf_floor(l, addr);
}

static bool buf_held(const struct ck_link *l, const struct ck_buf *b)
{
	static const struct ck_desc none;
	const struct ck_vring *vr = &l->vr[b->vring];
	bool valid = vr->active && b->desc < vr->num;
	const struct ck_desc *d = valid ? &vr->d[b->desc] : &none;

	/* One answer from all the conditions, not a branch each: whether a buffer is held
	 * follows who stores into it, which alternates. */
	return valid & (d->state == DESC_AVAIL) & (d->addr == b->addr);
}

static int buf_insert(struct ampcheck *ck, struct ck_link *l, uint64_t addr, uint32_t len,
		      unsigned int vring, uint16_t desc)
{
	struct ck_desc *d = &l->vr[vring].d[desc];
	long at = buf_floor_near(l, addr, d->buf);
	struct ck_buf *b;

	if (at >= 0 && l->bufs[at].addr == addr) {
		b = &l->bufs[at];
		d->buf = (uint32_t)at;
		if (b->len == len && b->vring == vring && b->desc == desc)
			return 0; /* the usual re-exposure: nothing changes */
		goto set;
	}
	l->last_buf[CK_DRIVER] = l->last_buf[CK_DEVICE] = 0;
	if (l->nbufs == MAX_BUFS) {
		unsigned int kept = 0;

		for (unsigned int i = 0; i < l->nbufs; i++)
			if (buf_held(l, &l->bufs[i]))
				l->bufs[kept++] = l->bufs[i];
		l->nbufs = kept;
		if (kept == MAX_BUFS)
			return ck_fail(ck, "more than %u buffers outstanding on one link",
				       MAX_BUFS);
		at = buf_floor(l, addr);
	}
	if (l->nbufs == l->bufcap) {
		unsigned int cap = l->bufcap ? 2 * l->bufcap : 64;
		struct ck_buf *n = realloc(l->bufs, cap * sizeof(*n));

		if (!n)
			return ck_fail(ck, "out of memory");
		l->bufs = n;
		l->bufcap = cap;
	}
	at++;
	memmove(&l->bufs[at + 1], &l->bufs[at], (l->nbufs - (unsigned long)at) * sizeof(*l->bufs));
	l->nbufs++;
	b = &l->bufs[at];
	b->addr = addr;
	d->buf = (uint32_t)at;
set:
	if (len > l->max_buf_len)
		l->max_buf_len = len;
	b->len = len;
	b->vring = (uint8_t)vring;
	b->desc = desc;
	ck_link_bounds(l);
	return 0;
}

/* Does [@addr, @addr + @len) overlap a buffer some available descriptor holds? (@hint: as
 * buf_floor_near()) */
static bool overlaps_held(const struct ck_link *l, uint64_t addr, uint32_t len, uint32_t hint)
{
	long i = buf_floor_near(l, addr + (len ? len - 1 : 0), hint);

	/* From the last buffer starting inside [addr, addr + len) down: one starting below @addr
	 * reaches it only if it is longer than the distance, and none is longer than the longest
	 * seen. */
	for (; i >= 0; i--) {
		const struct ck_buf *b = &l->bufs[i];

		if (b->addr < addr && addr - b->addr >= l->max_buf_len)
			break;
		if (b->addr + b->len > addr && buf_held(l, b))
			return true;
	}
	return false;
}

/* ---- exposure of chains (avail.idx) ----------------------------------------------------- */

static void read_desc(struct ampcheck *ck, struct ck_link *l, struct ck_vring *vr, uint16_t i,
		      uint64_t *addr, uint32_t *len, uint16_t *flags, uint16_t *next)
{
	uint8_t tmp[16];
	const uint8_t *p = ck_shadow_bytes(ck, vr->desc + 16ull * i, sizeof(tmp), tmp);

	*addr = ck_get64(l, p);
	*len = ck_get32(l, p + 8);
	*flags = ck_get16(l, p + 12);
	*next = ck_get16(l, p + 14);
}

static void repost(struct ampcheck *ck, struct ck_vring *vr, struct ck_desc *d)
{
	unsigned int found = vr->ret_count;

	if (!vr->ret_count || !d->addr)
		return;
	ck_exercise(ck, AMPCHECK_R_DRV_009);
	for (unsigned int k = 0; k < vr->ret_count; k++)
		if (vr->returned[ck_slot(vr, vr->ret_head + k)] == d->addr) {
			found = k;
			break;
		}
	if (found == vr->ret_count)
		return;
	for (unsigned int k = 0; k < found; k++) {
		uint64_t skipped = vr->returned[ck_slot(vr, vr->ret_head + k)];

		ck_violate_now(ck, AMPCHECK_R_DRV_009, -1, AMPCHECK_SIDE_DRIVER,
			       "receive buffer 0x%llx re-posted before 0x%llx, returned earlier",
			       (unsigned long long)d->addr, (unsigned long long)skipped);
	}
	/* Drop the skipped ones (judged once) and the re-posted one. */
	for (unsigned int k = found + 1; k < vr->ret_count; k++)
		vr->returned[ck_slot(vr, vr->ret_head + k - found - 1)] =
			vr->returned[ck_slot(vr, vr->ret_head + k)];
	vr->ret_count -= found + 1;
}

/* Expose the chain whose head avail.ring[@pos] names. */
static int expose(struct ampcheck *ck, struct ck_link *l, unsigned int idx, uint16_t pos)
{
	struct ck_vring *vr = &l->vr[idx];
	uint16_t head = ck_ld16(ck, l, vr->avail + 4 + 2ull * ck_slot(vr, pos)), j = head;
	bool writable = false, malformed = false;
	uint32_t count = 0;

	ck_exercise(ck, AMPCHECK_R_DRV_003);
	if (head >= vr->num) {
		ck_violate_now(ck, AMPCHECK_R_DRV_003, -1, AMPCHECK_SIDE_DRIVER,
			       "vring%u avail.ring[%u] names descriptor %u of %u", idx,
			       pos % vr->num, head, vr->num);
		return 0;
	}
	if (vr->d[head].state == DESC_AVAIL) {
		ck_violate_now(ck, AMPCHECK_R_DRV_003, -1, AMPCHECK_SIDE_DRIVER,
			       "vring%u head %u exposed again before the device returned it", idx,
			       head);
		return 0;
	}
	ck_exercise(ck, AMPCHECK_R_DRV_005);
	for (;;) {
		struct ck_desc *d = &vr->d[j];
		uint64_t addr, mapped = 0;
		uint32_t len;
		uint16_t flags, next;

		read_desc(ck, l, vr, j, &addr, &len, &flags, &next);
		ck_exercise(ck, AMPCHECK_R_LAYOUT_001);
		if (flags & ~(VRING_DESC_F_NEXT | VRING_DESC_F_WRITE | VRING_DESC_F_INDIRECT))
			ck_violate_now(ck, AMPCHECK_R_LAYOUT_001, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u desc %u flags 0x%x", idx, j, flags);
		ck_exercise(ck, AMPCHECK_R_FEAT_003);
		if (flags & VRING_DESC_F_INDIRECT) {
			if (!ck_feature(ck, l, FEATURE_INDIRECT))
				ck_violate_now(ck, AMPCHECK_R_FEAT_003, -1, AMPCHECK_SIDE_DRIVER,
					       "vring%u desc %u is INDIRECT, not negotiated", idx,
					       j);
			else if ((flags & VRING_DESC_F_NEXT) || !len || len % 16)
				ck_violate_now(ck, AMPCHECK_R_FEAT_003, -1, AMPCHECK_SIDE_DRIVER,
					       "vring%u desc %u: INDIRECT with flags 0x%x, len %u",
					       idx, j, flags, len);
		}
		if (j != head && d->state == DESC_AVAIL) {
			ck_violate_now(ck, AMPCHECK_R_DRV_003, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u desc %u is in two available chains", idx, j);
			break;
		}
		if (writable && !(flags & VRING_DESC_F_WRITE)) {
			ck_violate_now(ck, AMPCHECK_R_DRV_005, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u desc %u is device-readable after a writable one",
				       idx, j);
			malformed = true;
		}
		writable |= (flags & VRING_DESC_F_WRITE) != 0;
		ck_exercise(ck, AMPCHECK_R_DRV_008);
		if (!(flags & VRING_DESC_F_INDIRECT)) {
			if (!ck_translate(ck, l, addr, len, &mapped)) {
				ck_violate_now(ck, AMPCHECK_R_DRV_008, -1, AMPCHECK_SIDE_DRIVER,
					       "vring%u desc %u: [0x%llx, +%u) is in no memory the "
					       "device sees",
					       idx, j, (unsigned long long)addr, len);
				mapped = 0;
			} else if (overlaps_held(l, mapped, len, d->buf)) {
				ck_violate_now(
					ck, AMPCHECK_R_DRV_008, -1, AMPCHECK_SIDE_DRIVER,
					"vring%u desc %u: buffer 0x%llx overlaps an available "
					"buffer",
					idx, j, (unsigned long long)addr);
			}
		}
		d->addr = mapped;
		d->len = len;
		d->flags = flags;
		d->next = next;
		d->state = DESC_AVAIL;
		d->head = j == head;
		d->chain = head;
		d->written = 0;
		d->unbound = false;
		d->exposed_seq = ck->ev->seq + 1;
		d->exposed_time = ck->ev->time_ps;
		if (mapped && len && buf_insert(ck, l, mapped, len, idx, j))
			return -1;
		CK_DECODED(ck, l,
			   &(struct ampcheck_decoded){.kind = AMPCHECK_D_DESC,
						      .vring = (int)idx,
						      .side = AMPCHECK_SIDE_DRIVER,
						      .addr = mapped,
						      .value = j,
						      .len = len,
						      .flags = flags},
			   "vring%u desc %u exposed: buffer 0x%llx, %u bytes, flags 0x%x", idx, j,
			   (unsigned long long)mapped, len, flags);
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (next >= vr->num) {
			malformed = true;
			ck_violate_now(ck, AMPCHECK_R_DRV_005, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u desc %u: next %u of %u", idx, j, next, vr->num);
			break;
		}
		if (++count >= vr->num) {
			malformed = true;
			ck_violate_now(ck, AMPCHECK_R_DRV_005, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u chain from %u loops or is longer than %u", idx,
				       head, vr->num);
			break;
		}
		j = next;
	}
	{
		struct ck_desc *d = &vr->d[head];

		ck_exercise(ck, AMPCHECK_R_DRV_006);
		if ((d->flags & VRING_DESC_F_NEXT) && !malformed)
			ck_violate_now(
				ck, AMPCHECK_R_DRV_006, -1, AMPCHECK_SIDE_DRIVER,
				"vring%u head %u chains descriptors (rpmsg uses one per buffer)",
				idx, head);
		else if (idx == 0 && d->len < RPMSG_HDR)
			ck_violate_now(ck, AMPCHECK_R_DRV_006, -1, AMPCHECK_SIDE_DRIVER,
				       "vring0 buffer of %u bytes holds no rpmsg header", d->len);
		ck_exercise(ck, AMPCHECK_R_RPMSG_005);
		if ((idx == 0) != ((d->flags & VRING_DESC_F_WRITE) != 0))
			ck_violate_now(ck, AMPCHECK_R_RPMSG_005, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u buffer %s device-writable", idx,
				       idx ? "is" : "is not");
		ck_exercise(ck, AMPCHECK_R_RPMSG_006);
		if ((idx == 0 && d->len != 512) || (idx == 1 && d->len > 512))
			ck_violate_now(ck, AMPCHECK_R_RPMSG_006, AMPCHECK_DEV_BUFFER_SIZE,
				       AMPCHECK_SIDE_DRIVER, "vring%u buffer of %u bytes", idx,
				       d->len);
		if (idx == 0) {
			repost(ck, vr, d);
		} else {
			ck_exercise(ck, AMPCHECK_R_RPMSG_001);
			if (d->len < RPMSG_HDR)
				ck_violate_now(ck, AMPCHECK_R_RPMSG_001, -1, AMPCHECK_SIDE_DRIVER,
					       "vring1 buffer of %u bytes holds no rpmsg header",
					       d->len);
			else if (d->addr)
				ck_message(ck, l, CK_DRIVER, d, d->len);
		}
	}
	return 0;
}

/*
 * DRV-010 / DEV-007: a write barrier of the publisher @who between its last store to the
 * publication's entries (seq+1 @since) and the index store; judged from its first barrier on.
 */
static void publication_barrier(struct ampcheck *ck, unsigned int rule, uint16_t who,
				uint64_t since, unsigned int idx, const char *index,
				uint16_t new_idx, const char *entries)
{
	if (!ck->has_barriers[who])
		return;
	ck_exercise(ck, rule);
	if (since > ck->barrier[who])
		ck_violate_now(ck, rule, -1,
			       rule == AMPCHECK_R_DRV_010 ? AMPCHECK_SIDE_DRIVER
							  : AMPCHECK_SIDE_DEVICE,
			       "vring%u %s %u published without a write barrier after the %s (last "
			       "at #%llu)",
			       idx, index, new_idx, entries, (unsigned long long)(since - 1));
}

static int avail_idx_store(struct ampcheck *ck, struct ck_link *l, unsigned int idx)
{
	struct ck_vring *vr = &l->vr[idx];
	uint16_t new_idx = ck_ld16(ck, l, vr->avail + 2), old = vr->avail_idx;
	uint16_t delta = (uint16_t)(new_idx - old);
	uint16_t driver = l->initiator[CK_DRIVER];

	ck_exercise(ck, AMPCHECK_R_DRV_002);
	if (!delta)
		return 0;
	if (!vr->published) {
		uint16_t swapped = (uint16_t)(new_idx << 8 | new_idx >> 8);

		ck_exercise(ck, AMPCHECK_R_LAYOUT_006);
		if (new_idx > vr->num && swapped <= vr->num) {
			ck_violate_now(ck, AMPCHECK_R_LAYOUT_006, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u avail.idx %u reads as %u in the other byte order",
				       idx, new_idx, swapped);
			vr->avail_idx = new_idx;
			return 0;
		}
	}
	if (delta > vr->num) {
		ck_violate_now(ck, AMPCHECK_R_DRV_002, -1, AMPCHECK_SIDE_DRIVER,
			       "vring%u avail.idx %u -> %u (%s)", idx, old, new_idx,
			       delta > 32768 ? "a decrement" : "more than num at once");
		vr->avail_idx = new_idx;
		return 0;
	}
	if (!vr->published) {
		ck_exercise(ck, AMPCHECK_R_LAYOUT_007);
		if (ck_ld16(ck, l, vr->used) && !vr->used_flags_by_device)
			ck_violate_now(ck, AMPCHECK_R_LAYOUT_007, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u used.flags is 0x%x at the first publication", idx,
				       ck_ld16(ck, l, vr->used));
	}
	ck_exercise(ck, AMPCHECK_R_DRV_007);
	publication_barrier(ck, AMPCHECK_R_DRV_010, driver, vr->entry_store_seq, idx, "avail.idx",
			    new_idx, "entries");
	if ((uint16_t)(new_idx - vr->used_idx) > vr->num)
		ck_violate_now(ck, AMPCHECK_R_DRV_003, -1, AMPCHECK_SIDE_DRIVER,
			       "vring%u: %u buffers outstanding of %u", idx,
			       (uint16_t)(new_idx - vr->used_idx), vr->num);
	for (uint16_t p = old; p != new_idx; p++)
		if (expose(ck, l, idx, p))
			return -1;
	vr->avail_idx = new_idx;
	vr->published = true;
	vr->entry_store_seq = 0;
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){.kind = AMPCHECK_D_AVAIL_IDX,
					      .vring = (int)idx,
					      .side = AMPCHECK_SIDE_DRIVER,
					      .old = old,
					      .value = new_idx},
		   "vring%u avail.idx %u -> %u", idx, old, new_idx);
	ck_publish(ck, l, idx, 0, old, new_idx);
	return 0;
}

static void return_chain(struct ampcheck *ck, struct ck_link *l, unsigned int idx, uint32_t id,
			 uint32_t len)
{
	struct ck_vring *vr = &l->vr[idx];
	struct ck_desc *d = &vr->d[id];
	uint32_t writable = 0, total = 0;
	uint16_t j = (uint16_t)id;

	for (uint32_t n = 0; n < vr->num; n++) {
		struct ck_desc *c = &vr->d[j];

		if (c->state != DESC_AVAIL || c->chain != id)
			break;
		total += c->len;
		if (c->flags & VRING_DESC_F_WRITE)
			writable += c->len;
		c->state = DESC_FREE;
		if (!(c->flags & VRING_DESC_F_NEXT) || c->next >= vr->num)
			break;
		j = c->next;
	}
	ck_exercise(ck, AMPCHECK_R_DEV_003);
	if (!writable && len)
		ck_violate_now(
			ck, AMPCHECK_R_DEV_003,
			len == total ? AMPCHECK_DEV_USED_LEN_BUFFER_LEN : -1, AMPCHECK_SIDE_DEVICE,
			"vring%u: used.len %u for device-readable descriptor %u (0 expected)", idx,
			len, id);
	else if (writable && len > writable)
		ck_violate_now(
			ck, AMPCHECK_R_DEV_003, -1, AMPCHECK_SIDE_DEVICE,
			"vring%u: used.len %u exceeds the %u writable bytes of descriptor %u", idx,
			len, writable, id);
	else if (writable && len > d->written && len == writable)
		ck_violate_now(ck, AMPCHECK_R_DEV_003, AMPCHECK_DEV_USED_LEN_BUFFER_LEN,
			       AMPCHECK_SIDE_DEVICE,
			       "vring%u: used.len %u is the buffer's length; %u bytes were written",
			       idx, len, d->written);
	if (idx == 0) {
		ck_exercise(ck, AMPCHECK_R_RPMSG_001);
		if (len < RPMSG_HDR)
			ck_violate_now(
				ck, AMPCHECK_R_RPMSG_001, -1, AMPCHECK_SIDE_DEVICE,
				"vring0 message of %u bytes (used.len) holds no rpmsg header", len);
		else if (d->addr)
			ck_message(ck, l, CK_DEVICE, d, len < d->len ? len : d->len);
		if (d->addr && vr->ret_count < vr->num)
			vr->returned[ck_slot(vr, vr->ret_head + vr->ret_count++)] = d->addr;
	} else {
		ck_exercise(ck, AMPCHECK_R_RPMSG_008);
		if (d->exposed_seq > vr->max_returned_exposed)
			vr->max_returned_exposed = d->exposed_seq;
	}
}

static void used_idx_store(struct ampcheck *ck, struct ck_link *l, unsigned int idx)
{
	struct ck_vring *vr = &l->vr[idx];
	uint16_t new_idx = ck_ld16(ck, l, vr->used + 2), old = vr->used_idx;
	uint16_t delta = (uint16_t)(new_idx - old);
	uint16_t outstanding = (uint16_t)(vr->avail_idx - old);
	uint16_t device = l->initiator[CK_DEVICE];

	ck_exercise(ck, AMPCHECK_R_DEV_002);
	if (!delta)
		return;
	if (vr->after_reset && !vr->device_published) {
		ck_exercise(ck, AMPCHECK_R_INIT_007);
		if (vr->first_elem_slot >= 0 && (uint32_t)vr->first_elem_slot != ck_slot(vr, old)) {
			ck_violate_now(
				ck, AMPCHECK_R_INIT_007, -1, AMPCHECK_SIDE_DEVICE,
				"vring%u: after the reset the device returns at used.ring[%d], "
				"not at %u (it did not restart from index 0)",
				idx, vr->first_elem_slot, old % vr->num);
			vr->used_idx = new_idx;
			vr->device_published = true;
			return;
		}
	}
	if (delta > outstanding) {
		bool restart = vr->after_reset && !vr->device_published;

		ck_violate_now(ck, restart ? AMPCHECK_R_INIT_007 : AMPCHECK_R_DEV_002, -1,
			       AMPCHECK_SIDE_DEVICE,
			       "vring%u used.idx %u -> %u returns more than the %u available%s",
			       idx, old, new_idx, outstanding,
			       restart ? " (not restarted from 0 after the reset)" : "");
		vr->used_idx = new_idx;
		return;
	}
	publication_barrier(ck, AMPCHECK_R_DEV_007, device, vr->elem_store_seq, idx, "used.idx",
			    new_idx, "elements");
	for (uint16_t p = old; p != new_idx; p++) {
		uint8_t tmp[8];
		const uint8_t *elem =
			ck_shadow_bytes(ck, vr->used + 4 + 8ull * ck_slot(vr, p), sizeof(tmp), tmp);
		uint32_t id = ck_get32(l, elem), len = ck_get32(l, elem + 4);

		ck_exercise(ck, AMPCHECK_R_DEV_001);
		if (id >= vr->num || vr->d[id].state != DESC_AVAIL || !vr->d[id].head) {
			ck_violate_now(ck, AMPCHECK_R_DEV_001, -1, AMPCHECK_SIDE_DEVICE,
				       "vring%u used id %u is %s", idx, id,
				       id >= vr->num ? "out of range" : "not an available head");
			continue;
		}
		CK_DECODED(ck, l,
			   &(struct ampcheck_decoded){.kind = AMPCHECK_D_USED,
						      .vring = (int)idx,
						      .side = AMPCHECK_SIDE_DEVICE,
						      .value = id,
						      .len = len},
			   "vring%u desc %u returned, used length %u", idx, id, len);
		return_chain(ck, l, idx, id, len);
	}
	vr->used_idx = new_idx;
	vr->device_published = true;
	vr->elem_store_seq = 0;
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){.kind = AMPCHECK_D_USED_IDX,
					      .vring = (int)idx,
					      .side = AMPCHECK_SIDE_DEVICE,
					      .old = old,
					      .value = new_idx},
		   "vring%u used.idx %u -> %u", idx, old, new_idx);
	ck_publish(ck, l, idx, 1, old, new_idx);
}

/* ---- stores into a ring ------------------------------------------------------------------- */

static bool all_zero(const struct amptrace_event *ev)
{
	for (uint32_t i = 0; i < ev->size; i++)
		if (ev->bytes[i])
			return false;
	return true;
}

static bool span(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
	return a < hi && b > lo;
}

static void device_status_check(struct ampcheck *ck, struct ck_link *l, unsigned int idx,
				const char *what)
{
	if (ck_driver_ok_at(l, ck->ev->seq))
		return;
	ck_violate_now(ck, l->vr[idx].after_reset ? AMPCHECK_R_INIT_007 : AMPCHECK_R_INIT_004,
		       AMPCHECK_DEV_NO_STATUS_READ, AMPCHECK_SIDE_DEVICE,
		       "vring%u %s written while the status (0x%02x) lacks DRIVER_OK", idx, what,
		       l->status);
}

static int driver_ring_store(struct ampcheck *ck, struct ck_link *l, unsigned int idx, uint64_t a,
			     uint64_t b, bool zeroing)
{
	struct ck_vring *vr = &l->vr[idx];
	uint64_t seq1 = ck->ev->seq + 1;

	for (uint64_t at = a < vr->desc ? vr->desc : a; at < b && at < vr->avail;
	     at = vr->desc + ((at - vr->desc) / 16 + 1) * 16) {
		uint16_t i = (uint16_t)((at - vr->desc) / 16);

		ck_exercise(ck, AMPCHECK_R_DRV_004);
		if (vr->d[i].state == DESC_AVAIL)
			ck_violate_now(ck, AMPCHECK_R_DRV_004, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u desc %u written while the device owns it", idx, i);
		vr->entry_store_seq = seq1;
	}
	if (span(a, b, vr->avail, vr->avail + 2)) {
		uint16_t flags = ck_ld16(ck, l, vr->avail);

		ck_exercise(ck, AMPCHECK_R_NOTIF_001);
		if (flags > 1 || (flags && ck_feature(ck, l, FEATURE_EVENT_IDX)))
			ck_violate_now(ck, AMPCHECK_R_NOTIF_001, -1, AMPCHECK_SIDE_DRIVER,
				       "vring%u avail.flags 0x%x", idx, flags);
		ck_suppression_changed(ck, l, idx, 1, 0);
	}
	for (uint64_t at = a < vr->avail + 4 ? vr->avail + 4 : a & ~1ull;
	     at < b && at < vr->avail + 4 + 2ull * vr->num; at += 2) {
		uint16_t slot = (uint16_t)((at - vr->avail - 4) / 2);
		/* The latest position this slot stood for, and whether the device still holds it.
		 */
		uint16_t last = (uint16_t)(vr->avail_idx - 1 -
					   ck_slot(vr, (uint16_t)(vr->avail_idx - 1 - slot)));

		vr->entry_store_seq = seq1;
		if (!vr->published)
			continue;
		ck_exercise(ck, AMPCHECK_R_DRV_001);
		if ((uint16_t)(last - vr->used_idx) >= (uint16_t)(vr->avail_idx - vr->used_idx))
			continue;
		ck_violate_now(ck, AMPCHECK_R_DRV_001, -1, AMPCHECK_SIDE_DRIVER,
			       "vring%u avail.ring[%u] rewritten after avail.idx %u exposed it",
			       idx, slot, vr->avail_idx);
	}
	if (span(a, b, vr->avail + 4 + 2ull * vr->num, vr->avail_end))
		ck_suppression_changed(ck, l, idx, 1, 2);
	if (span(a, b, vr->used, vr->end) && !zeroing) {
		ck_exercise(ck, AMPCHECK_R_DRV_007);
		ck_violate_now(ck, AMPCHECK_R_DRV_007, AMPCHECK_DEV_DRIVER_WRITES_USED,
			       AMPCHECK_SIDE_DRIVER, "vring%u used ring written by the driver",
			       idx);
	}
	if (span(a, b, vr->avail + 2, vr->avail + 4))
		return avail_idx_store(ck, l, idx);
	return 0;
}

static void device_ring_store(struct ampcheck *ck, struct ck_link *l, unsigned int idx, uint64_t a,
			      uint64_t b)
{
	struct ck_vring *vr = &l->vr[idx];

	ck_exercise(ck, AMPCHECK_R_DEV_004);
	if (span(a, b, vr->desc, vr->avail_end))
		ck_violate_now(ck, AMPCHECK_R_DEV_004, -1, AMPCHECK_SIDE_DEVICE,
			       "vring%u %s written by the device", idx,
			       a < vr->avail ? "descriptor table" : "avail ring");
	ck_exercise(ck, AMPCHECK_R_LAYOUT_004);
	if (span(a, b, vr->avail_end, vr->used))
		ck_violate_now(
			ck, AMPCHECK_R_LAYOUT_004, -1, AMPCHECK_SIDE_DEVICE,
			"vring%u: device store at 0x%llx in the padding before the used ring "
			"(align mismatch?)",
			idx, (unsigned long long)a);
	if (span(a, b, vr->used, vr->used + 2)) {
		uint16_t flags = ck_ld16(ck, l, vr->used);

		vr->used_flags_by_device = true;
		ck_exercise(ck, AMPCHECK_R_NOTIF_002);
		if (flags > 1 || (flags && ck_feature(ck, l, FEATURE_EVENT_IDX)))
			ck_violate_now(ck, AMPCHECK_R_NOTIF_002, -1, AMPCHECK_SIDE_DEVICE,
				       "vring%u used.flags 0x%x", idx, flags);
		ck_suppression_changed(ck, l, idx, 0, 1);
	}
	if (span(a, b, vr->used + 4, vr->used + 4 + 8ull * vr->num)) {
		uint64_t from = a < vr->used + 4 ? vr->used + 4 : a;

		ck_exercise(ck, AMPCHECK_R_INIT_004);
		device_status_check(ck, l, idx, "used ring");
		/* An element names a buffer the device returns next: its position is at most the
		 * available count ahead of used.idx. Further ahead, it rewrites one published. */
		for (uint64_t at = from; at < b && at < vr->used + 4 + 8ull * vr->num;
		     at = vr->used + 4 + ((at - vr->used - 4) / 8 + 1) * 8) {
			uint32_t slot = (uint32_t)((at - vr->used - 4) / 8);
			uint32_t ahead = ck_slot(vr, slot + vr->num - ck_slot(vr, vr->used_idx));

			if (vr->first_elem_slot < 0)
				vr->first_elem_slot = (int)slot;
			ck_exercise(ck, AMPCHECK_R_DEV_002);
			if (ahead >= (uint16_t)(vr->avail_idx - vr->used_idx))
				ck_violate_now(
					ck, AMPCHECK_R_DEV_002, -1, AMPCHECK_SIDE_DEVICE,
					"vring%u used.ring[%u] written after used.idx %u published "
					"it",
					idx, slot, vr->used_idx);
		}
		vr->elem_store_seq = ck->ev->seq + 1;
	}
	if (span(a, b, vr->used + 4 + 8ull * vr->num, vr->end)) {
		vr->avail_event_written = true;
		ck_suppression_changed(ck, l, idx, 0, 3);
	}
	if (span(a, b, vr->used + 2, vr->used + 4)) {
		ck_exercise(ck, AMPCHECK_R_INIT_004);
		device_status_check(ck, l, idx, "used.idx");
		used_idx_store(ck, l, idx);
	}
}

/*
 * A store that hit vring @idx of @l. Kept out of line: most stores miss the rings (a message's
 * words into its buffer), and their path stays short when this one is not inlined into it.
 */
static __attribute__((noinline)) int ring_hit(struct ampcheck *ck, struct ck_link *l,
					      unsigned int who, unsigned int idx,
					      const struct amptrace_event *ev)
{
	struct ck_vring *vr = &l->vr[idx];
	uint64_t a = ev->addr, b = ev->addr + ev->size;
	bool zeroing = who == CK_DRIVER && !vr->published && all_zero(ev);
	unsigned int parts = span(a, b, vr->desc, vr->avail) +
			     span(a, b, vr->avail, vr->avail_end) +
			     span(a, b, vr->avail_end, vr->used) + span(a, b, vr->used, vr->end) +
			     (a < vr->desc) + (b > vr->end);

	ck_exercise(ck, AMPCHECK_R_LAYOUT_002);
	if (parts > 1 && !zeroing)
		ck_violate_now(ck, AMPCHECK_R_LAYOUT_002, -1, ck_side_flag(who),
			       "vring%u: store [0x%llx, 0x%llx) spans %u parts of the ring", idx,
			       (unsigned long long)a, (unsigned long long)b, parts);
	if (who == CK_DRIVER)
		return driver_ring_store(ck, l, idx, a, b, zeroing);
	device_ring_store(ck, l, idx, a, b);
	return 0;
}

bool ck_ring_store(struct ampcheck *ck, struct ck_link *l, unsigned int who,
		   const struct amptrace_event *ev)
{
	uint64_t a = ev->addr, b = ev->addr + ev->size;
	bool hit = false;

	for (unsigned int idx = 0; idx < 2; idx++) {
		const struct ck_vring *vr = &l->vr[idx];

		if (!vr->active || !span(a, b, vr->desc, vr->end))
			continue;
		hit = true;
		if (ring_hit(ck, l, who, idx, ev))
			return true;
	}
	return hit;
}

/* ---- stores into buffers ---------------------------------------------------------------- */

int ck_buffer_store(struct ampcheck *ck, struct ck_link *l, unsigned int who,
		    const struct amptrace_event *ev)
{
	uint64_t a = ev->addr, b = ev->addr + ev->size;
	unsigned int last = l->last_buf[who];
	long at;
	const struct ck_buf *buf;
	struct ck_vring *vr;
	struct ck_desc *d;
	bool held;

	/* This side's last buffer, else the one after it (buffers are taken in turn). */
	if (last < l->nbufs && a >= l->bufs[last].addr &&
	    a < l->bufs[last].addr + l->bufs[last].len) {
		at = last;
	} else {
		at = buf_floor_near(l, a, last + 1);
		if (at < 0 || a >= l->bufs[at].addr + l->bufs[at].len)
			return 0;
		l->last_buf[who] = (unsigned int)at;
	}
	buf = &l->bufs[at];
	vr = &l->vr[buf->vring];
	held = buf_held(l, buf);
	d = held ? &vr->d[buf->desc] : NULL;
	if (who == CK_DRIVER) {
		vr->entry_store_seq = ck->ev->seq + 1;
		if (!held)
			return 0;
		if (d->flags & VRING_DESC_F_WRITE) {
			ck_exercise(ck, AMPCHECK_R_DRV_007);
			ck_violate_now(ck, AMPCHECK_R_DRV_007, -1, AMPCHECK_SIDE_DRIVER,
				       "driver store into vring%u buffer 0x%llx the device owns",
				       buf->vring, (unsigned long long)buf->addr);
		} else {
			ck_exercise(ck, AMPCHECK_R_DRV_004);
			ck_violate_now(ck, AMPCHECK_R_DRV_004, -1, AMPCHECK_SIDE_DRIVER,
				       "driver store into vring%u buffer 0x%llx after exposing it",
				       buf->vring, (unsigned long long)buf->addr);
		}
		return 0;
	}
	ck_exercise(ck, AMPCHECK_R_DEV_005);
	if (!held) {
		ck_violate_now(ck, AMPCHECK_R_DEV_005, -1, AMPCHECK_SIDE_DEVICE,
			       "device store at 0x%llx into vring%u buffer 0x%llx it does not own",
			       (unsigned long long)a, buf->vring, (unsigned long long)buf->addr);
		return 0;
	}
	if (!(d->flags & VRING_DESC_F_WRITE)) {
		bool reserved = a >= buf->addr + 8 && b <= buf->addr + 12;

		ck_exercise(ck, AMPCHECK_R_DEV_004);
		ck_violate_now(ck, AMPCHECK_R_DEV_004,
			       reserved ? AMPCHECK_DEV_DEVICE_WRITES_RESERVED : -1,
			       AMPCHECK_SIDE_DEVICE,
			       "device store at 0x%llx into device-readable vring%u buffer 0x%llx",
			       (unsigned long long)a, buf->vring, (unsigned long long)buf->addr);
		return 0;
	}
	if (b > buf->addr + d->len)
		ck_violate_now(
			ck, AMPCHECK_R_DEV_005, -1, AMPCHECK_SIDE_DEVICE,
			"device store [0x%llx, 0x%llx) runs past vring%u buffer 0x%llx (+%u)",
			(unsigned long long)a, (unsigned long long)b, buf->vring,
			(unsigned long long)buf->addr, d->len);
	if (b - buf->addr > d->written)
		d->written = (uint32_t)(b - buf->addr < d->len ? b - buf->addr : d->len);
	vr->elem_store_seq = ck->ev->seq + 1;
	return 0;
}

void ck_ring_finish(struct ampcheck *ck, struct ck_link *l)
{
	for (unsigned int idx = 0; idx < 2; idx++) {
		struct ck_vring *vr = &l->vr[idx];

		if (vr->active && vr->published && ck_feature(ck, l, FEATURE_EVENT_IDX)) {
			ck_exercise(ck, AMPCHECK_R_FEAT_002);
			if (!vr->avail_event_written)
				ck_violate(ck, AMPCHECK_R_FEAT_002, -1, AMPCHECK_SIDE_DEVICE, 0, 0,
					   l->initiator[CK_DEVICE],
					   "EVENT_IDX negotiated and vring%u's avail_event never "
					   "written",
					   idx);
		}
	}
	ck_unreturned(ck, l);
}

void ck_unreturned(struct ampcheck *ck, struct ck_link *l)
{
	struct ck_vring *v1 = &l->vr[1];

	if (!v1->active || !v1->max_returned_exposed)
		return;
	for (uint32_t i = 0; i < v1->num; i++) {
		const struct ck_desc *d = &v1->d[i];

		if (d->state == DESC_AVAIL && d->head && d->exposed_seq < v1->max_returned_exposed)
			ck_violate(
				ck, d->unbound ? AMPCHECK_R_RPMSG_009 : AMPCHECK_R_RPMSG_008, -1,
				AMPCHECK_SIDE_DEVICE, d->exposed_seq - 1, d->exposed_time,
				l->initiator[CK_DEVICE],
				"vring1 descriptor %u (buffer 0x%llx%s) never returned while later "
				"ones were",
				i, (unsigned long long)d->addr,
				d->unbound ? ", a message to an unbound address" : "");
	}
}
