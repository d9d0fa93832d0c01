// SPDX-License-Identifier: BSD-3-Clause
/*
 * Notifications: each publication (an avail.idx or used.idx store) is remembered with whether
 * the peer's suppression state (flags, or the event index with EVENT_IDX) asked to hear about
 * it; kicks - mailbox messages between a link's two sides naming a vring's notify id - settle
 * the publications before them. What is left when the trace ends was never announced.
 *
 * A FIFO's receiver is whoever reads it; messages written before anyone was seen reading wait
 * (in order) until the first read, and are judged with their own position in the trace.
 */
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

void ck_notify_reset(struct ck_vring *vr)
{
	memset(vr->notify, 0, sizeof(vr->notify));
}

/* Linux include/uapi/linux/virtio_ring.h vring_need_event(). */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/* The peer's suppression flag for publications in direction @dir (0 driver, 1 device). */
static uint16_t peer_flags(struct ampcheck *ck, const struct ck_link *l, const struct ck_vring *vr,
			   unsigned int dir)
{
	return ck_ld16(ck, l, dir ? vr->avail : vr->used);
}

static uint16_t peer_event(struct ampcheck *ck, const struct ck_link *l, const struct ck_vring *vr,
			   unsigned int dir)
{
	return ck_ld16(ck, l, dir ? vr->avail + 4 + 2ull * vr->num : vr->used + 4 + 8ull * vr->num);
}

void ck_publish(struct ampcheck *ck, struct ck_link *l, unsigned int vring, unsigned int dir,
		uint16_t old_idx, uint16_t new_idx)
{
	struct ck_vring *vr = &l->vr[vring];
	struct ck_notify *n = &vr->notify[dir];
	uint16_t who = l->initiator[dir ? CK_DEVICE : CK_DRIVER];
	bool want;
	struct ck_pub *p;

	if (ck_feature(ck, l, FEATURE_EVENT_IDX))
		want = need_event(peer_event(ck, l, vr, dir), new_idx, old_idx);
	else
		want = !(peer_flags(ck, l, vr, dir) & 1);
	if (ck->has_barriers[who]) {
		ck_exercise(ck, AMPCHECK_R_NOTIF_012);
		if (!n->unfenced) {
			n->unfenced = ck->ev->seq + 1;
			n->unfenced_time = ck->ev->time_ps;
		}
	}
	if (want)
		ck_exercise(ck, dir ? AMPCHECK_R_NOTIF_004 : AMPCHECK_R_NOTIF_003);
	if (n->npending == CK_MAX_PENDING) {
		/* Keep the oldest; the newest stands for the rest. */
		n->pending[CK_MAX_PENDING - 2].want =
			n->pending[CK_MAX_PENDING - 2].want == WANT_YES ||
					n->pending[CK_MAX_PENDING - 1].want == WANT_YES
				? WANT_YES
				: n->pending[CK_MAX_PENDING - 1].want;
		n->npending--;
	}
	p = &n->pending[n->npending++];
	p->seq = ck->ev->seq;
	p->time = ck->ev->time_ps;
	p->initiator = ck->ev->initiator;
	p->want = want ? WANT_YES : WANT_NO;
	p->early = n->empty_kick;
	p->after_change = want && n->changed;
	if (p->after_change && dir)
		ck_exercise(ck, AMPCHECK_R_NOTIF_008);
	if (want)
		n->changed = false;
	n->empty_kick = false;
}

/*
 * The peer of direction @dir changed its suppression state: publications it asked about and no
 * longer does were raced (the publisher may have read either state); turning kicks back on
 * makes the next wanted publication the one NOTIF-008 watches.
 */
void ck_suppression_changed(struct ampcheck *ck, struct ck_link *l, unsigned int vring,
			    unsigned int dir, unsigned int field)
{
	static const char *const names[] = {"avail.flags", "used.flags", "used_event",
					    "avail_event"};
	struct ck_vring *vr = &l->vr[vring];
	struct ck_notify *n = &vr->notify[dir];
	bool event_idx = ck_feature(ck, l, FEATURE_EVENT_IDX);
	bool off = !event_idx && (peer_flags(ck, l, vr, dir) & 1);
	uint16_t value = field < 2 ? peer_flags(ck, l, vr, dir) : peer_event(ck, l, vr, dir);

	/* The peer of direction 1 (device publications) is the driver, and the reverse. */
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){.kind = AMPCHECK_D_SUPPRESSION,
					      .vring = (int)vring,
					      .side = dir ? AMPCHECK_SIDE_DRIVER
							  : AMPCHECK_SIDE_DEVICE,
					      .flags = field,
					      .value = value},
		   "vring%u %s = %u", vring, names[field & 3], value);
	for (unsigned int i = 0; i < n->npending; i++)
		if (n->pending[i].want == WANT_YES && off)
			n->pending[i].want = WANT_EITHER;
		else if (n->pending[i].want == WANT_NO && !off)
			n->pending[i].want = WANT_EITHER;
	if (!off)
		n->changed = true;
}

static uint32_t vring_notifyid(struct ampcheck *ck, const struct ck_link *l, unsigned int k)
{
	return ck_ld32(ck, l, l->block + 28 + 20ull * k + 12);
}

/* A kick of @vring by @who (CK_DRIVER or CK_DEVICE) that was written at @q. */
static void kick(struct ampcheck *ck, struct ck_link *l, unsigned int vring, unsigned int who,
		 const struct ck_queued *q)
{
	struct ck_notify *n = &l->vr[vring].notify[who == CK_DRIVER ? 0 : 1];
	uint8_t side = ck_side_flag(who);
	unsigned int consumed = 0, wanted = 0;
	uint64_t last = 0;
	bool ok = ck_driver_ok_at(l, q->seq);

	if (who == CK_DRIVER) {
		ck_exercise(ck, AMPCHECK_R_INIT_005);
		if (!ok)
			ck_violate(ck, AMPCHECK_R_INIT_005, -1, side, q->seq, q->time, q->initiator,
				   "vring%u kicked while the status (0x%02x) lacks DRIVER_OK",
				   vring, l->status);
		if (ok && vring == 0) {
			l->vring0_kicked = true;
			l->vring0_kick_owed = false;
		}
	} else {
		ck_exercise(ck, AMPCHECK_R_INIT_004);
		if (!ok)
			ck_violate(ck,
				   l->vr[vring].after_reset ? AMPCHECK_R_INIT_007
							    : AMPCHECK_R_INIT_004,
				   AMPCHECK_DEV_NO_STATUS_READ, side, q->seq, q->time, q->initiator,
				   "vring%u kicked by the device while the status (0x%02x) lacks "
				   "DRIVER_OK",
				   vring, l->status);
	}
	ck_exercise(ck, AMPCHECK_R_NOTIF_007);
	if (who == CK_DEVICE && l->vr[vring].image_notifyid != vring_notifyid(ck, l, vring))
		ck_exercise(ck, AMPCHECK_R_INIT_008);
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){.kind = AMPCHECK_D_KICK,
					      .vring = (int)vring,
					      .side = side,
					      .value = q->value},
		   "kick vring%u by the %s (%s)", vring, who == CK_DRIVER ? "driver" : "device",
		   ck_name(ck, q->initiator));
	while (consumed < n->npending && n->pending[consumed].seq < q->seq) {
		if (n->pending[consumed].want != WANT_NO)
			wanted++;
		last = n->pending[consumed].seq;
		consumed++;
	}
	ck_exercise(ck, AMPCHECK_R_NOTIF_005);
	if (!consumed) {
		n->empty_kick = true;
		return;
	}
	ck_exercise(ck, AMPCHECK_R_NOTIF_010);
	if (!wanted)
		ck_violate(ck, AMPCHECK_R_NOTIF_010,
			   who == CK_DEVICE ? AMPCHECK_DEV_EXTRA_KICKS : -1, side, q->seq, q->time,
			   q->initiator,
			   "vring%u kicked for %u publication(s) the peer asked not to hear about",
			   vring, consumed);
	if (ck->has_barriers[q->initiator]) {
		ck_exercise(ck, AMPCHECK_R_NOTIF_011);
		if (q->barrier <= last + 1)
			ck_violate(ck, AMPCHECK_R_NOTIF_011, -1, side, q->seq, q->time,
				   q->initiator,
				   "vring%u kick with no barrier after the index store #%llu",
				   vring, (unsigned long long)last);
	}
	memmove(n->pending, n->pending + consumed,
		(n->npending - consumed) * sizeof(n->pending[0]));
	n->npending -= consumed;
	n->unfenced = 0;
}

/* A full barrier by @initiator settles the kick decisions of everything it published. */
void ck_fence(struct ampcheck *ck, uint16_t initiator)
{
	for (unsigned int i = 0; i < ck->nlinks; i++) {
		struct ck_link *l = &ck->link[i];

		for (unsigned int dir = 0; dir < 2; dir++)
			if (l->initiator[dir ? CK_DEVICE : CK_DRIVER] == initiator)
				l->vr[0].notify[dir].unfenced = l->vr[1].notify[dir].unfenced = 0;
	}
}

/* A message from @q->initiator to @receiver (CK_NONE: not known yet). */
static void deliver(struct ampcheck *ck, const struct ck_queued *q, uint16_t receiver)
{
	struct ck_link *match = NULL;
	unsigned int matches = 0;

	if (q->value >= MBOX_CONTROL)
		return;
	for (unsigned int i = 0; i < ck->nlinks; i++) {
		struct ck_link *l = &ck->link[i];
		uint16_t drv = l->initiator[CK_DRIVER], dev = l->initiator[CK_DEVICE];

		if (!l->started)
			continue;
		if (!((q->initiator == drv && (receiver == dev || receiver == CK_NONE)) ||
		      (q->initiator == dev && (receiver == drv || receiver == CK_NONE))))
			continue;
		for (unsigned int k = 0; k < l->nvrings; k++)
			if (vring_notifyid(ck, l, k) == q->value) {
				kick(ck, l, k, q->initiator == drv ? CK_DRIVER : CK_DEVICE, q);
				return;
			}
		match = l;
		matches++;
	}
	if (matches != 1 || receiver == CK_NONE)
		return; /* not between the sides of one link: another protocol's message */
	{
		unsigned int who =
			q->initiator == match->initiator[CK_DRIVER] ? CK_DRIVER : CK_DEVICE;

		for (unsigned int k = 0; k < match->nvrings; k++)
			if (who == CK_DEVICE && match->vr[k].image_notifyid == q->value) {
				ck_exercise(ck, AMPCHECK_R_INIT_008);
				ck_violate(ck, AMPCHECK_R_INIT_008, -1, AMPCHECK_SIDE_DEVICE,
					   q->seq, q->time, q->initiator,
					   "kick 0x%x is vring%u's notify id in the image, not the "
					   "one "
					   "the driver assigned (%u)",
					   q->value, k, vring_notifyid(ck, match, k));
				/* It is still the kick of that vring, late or lost: judged as one.
				 */
				kick(ck, match, k, CK_DEVICE, q);
				return;
			}
		ck_violate(ck, AMPCHECK_R_NOTIF_007, -1, ck_side_flag(who), q->seq, q->time,
			   q->initiator, "mailbox message 0x%x names no vring of the link",
			   q->value);
	}
}

void ck_mailbox(struct ampcheck *ck, const struct amptrace_event *ev)
{
	struct ck_fifo *f;
	struct ck_queued q;

	if (!ck->fifo[ev->region]) {
		ck->fifo[ev->region] = calloc(256, sizeof(struct ck_fifo));
		if (!ck->fifo[ev->region]) {
			ck_fail(ck, "out of memory");
			return;
		}
		for (unsigned int i = 0; i < 256; i++)
			ck->fifo[ev->region][i].reader = CK_NONE;
	}
	f = &ck->fifo[ev->region][ev->fifo];
	if (ev->kind == AMPTRACE_MBOX_READ) {
		bool first = f->reader == CK_NONE;

		f->reader = ev->initiator;
		if (!first)
			return;
		for (unsigned int i = 0; i < f->nqueued; i++)
			deliver(ck, &f->queued[i], f->reader);
		f->nqueued = 0;
		return;
	}
	q = (struct ck_queued){.seq = ev->seq,
			       .time = ev->time_ps,
			       .barrier = ck->barrier[ev->initiator],
			       .initiator = ev->initiator,
			       .value = ev->value};
	if (f->reader != CK_NONE) {
		deliver(ck, &q, f->reader);
		return;
	}
	if (f->nqueued == CK_MAX_QUEUED) {
		/* Nobody reads this FIFO: judge the oldest message by its value alone. */
		deliver(ck, &f->queued[0], CK_NONE);
		memmove(f->queued, f->queued + 1, (CK_MAX_QUEUED - 1) * sizeof(f->queued[0]));
		f->nqueued--;
	}
	f->queued[f->nqueued++] = q;
}

void ck_notify_finish(struct ampcheck *ck)
{
	/* Messages nobody was seen reading: by their value alone. */
	for (unsigned int r = 0; r < AMPTRACE_MAX_IDS; r++) {
		if (!ck->fifo[r])
			continue;
		for (unsigned int i = 0; i < 256; i++) {
			struct ck_fifo *f = &ck->fifo[r][i];

			for (unsigned int k = 0; k < f->nqueued; k++)
				deliver(ck, &f->queued[k], CK_NONE);
			f->nqueued = 0;
		}
	}
	for (unsigned int i = 0; i < ck->nlinks; i++) {
		struct ck_link *l = &ck->link[i];

		for (unsigned int v = 0; v < 2; v++) {
			for (unsigned int dir = 0; dir < 2; dir++) {
				struct ck_notify *n = &l->vr[v].notify[dir];

				if (n->unfenced && !(l->vring0_kick_owed && !v && !dir))
					ck_violate(ck, AMPCHECK_R_NOTIF_012, -1, ck_side_flag(dir),
						   n->unfenced - 1, n->unfenced_time,
						   l->initiator[dir],
						   "vring%u: %s index published, not kicked, and "
						   "no full "
						   "barrier followed it",
						   v, dir ? "used" : "avail");

				for (unsigned int k = 0; k < n->npending; k++) {
					const struct ck_pub *p = &n->pending[k];
					unsigned int rule =
						dir ? AMPCHECK_R_NOTIF_004 : AMPCHECK_R_NOTIF_003;

					if (p->want != WANT_YES ||
					    (l->vring0_kick_owed && !v && !dir))
						continue;
					if (p->early)
						rule = AMPCHECK_R_NOTIF_005;
					else if (dir && p->after_change)
						rule = AMPCHECK_R_NOTIF_008;
					ck_violate(ck, rule, -1, ck_side_flag(dir), p->seq, p->time,
						   p->initiator,
						   "vring%u: %s index published, the peer asked "
						   "for a kick, "
						   "none followed%s",
						   v, dir ? "used" : "avail",
						   p->early ? " (a kick came before the index)"
							    : "");
				}
			}
		}
	}
}
