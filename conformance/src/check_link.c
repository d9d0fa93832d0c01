// SPDX-License-Identifier: BSD-3-Clause
/*
 * Links and their device blocks: finding them (a resource table stored into shared memory, or
 * the first status store into a well-formed block), the image rules on a table, the block's
 * fields as each side writes them (status sequence, features, host-owned fields, config space),
 * and each vring's layout from the block.
 */
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

#define RSC_VDEV          3u
#define VIRTIO_ID_RPMSG   7u
#define OFF_ID            4u
#define OFF_NOTIFYID      8u
#define OFF_DFEATURES     12u
#define OFF_GFEATURES     16u
#define OFF_CONFIG_LEN    20u
#define OFF_STATUS        24u
#define OFF_NUM_OF_VRINGS 25u
#define OFF_VRING         28u
#define VRING_ENTRY       20u
#define VR_DA             0u
#define VR_ALIGN          4u
#define VR_NUM            8u
#define VR_NOTIFYID       12u
#define FW_RSC_ADDR_ANY   0xffffffffu
/* Largest config space a plausible block declares (upstream rpmsg declares none). */
#define MAX_CONFIG_LEN 4096u
/* Largest resource table entry count we parse (Linux has no limit; real tables have a few). */
#define MAX_RSC_ENTRIES 256u

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static uint32_t ld32_order(const uint8_t *b, bool big)
{
	if (big)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* The byte order of a block whose type word is @b (3 in one order or the other), or -1. */
static int block_order(const struct ampcheck *ck, const uint8_t *b)
{
	if (ck->opt.byte_order == AMPCHECK_ORDER_LITTLE)
		return ld32_order(b, false) == RSC_VDEV ? 0 : -1;
	if (ck->opt.byte_order == AMPCHECK_ORDER_BIG)
		return ld32_order(b, true) == RSC_VDEV ? 1 : -1;
	if (ld32_order(b, false) == RSC_VDEV)
		return 0;
	if (ld32_order(b, true) == RSC_VDEV)
		return 1;
	return -1;
}

static int region_of(const struct amptrace_table *t, uint64_t addr)
{
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++)
		if (t->region[i].defined && addr >= t->region[i].base &&
		    addr - t->region[i].base < t->region[i].size)
			return (int)i;
	return -1;
}

static struct ck_link *link_at(struct ampcheck *ck, uint64_t block)
{
	for (unsigned int i = 0; i < ck->nlinks; i++)
		if (ck->link[i].block == block)
			return &ck->link[i];
	return NULL;
}

bool ck_feature(struct ampcheck *ck, const struct ck_link *l, unsigned int bit)
{
	return (ck_ld32(ck, l, l->block + OFF_GFEATURES) >> bit) & 1u;
}

void ck_link_bounds(struct ck_link *l)
{
	l->lo = l->block;
	l->hi = l->block + l->block_size;
	for (unsigned int i = 0; i < 2; i++) {
		const struct ck_vring *vr = &l->vr[i];

		if (!vr->active)
			continue;
		if (vr->desc < l->lo)
			l->lo = vr->desc;
		if (vr->end > l->hi)
			l->hi = vr->end;
	}
	if (l->nbufs) {
		const struct ck_buf *last = &l->bufs[l->nbufs - 1];

		if (l->bufs[0].addr < l->lo)
			l->lo = l->bufs[0].addr;
		if (last->addr + last->len > l->hi)
			l->hi = last->addr + last->len;
	}
}

/* The device is the one other initiator that sees the block's memory, when there is one. */
static void find_device(struct ampcheck *ck, struct ck_link *l)
{
	const struct amptrace_table *t = ck->table;
	uint16_t found = CK_NONE;

	for (unsigned int i = 0; i < t->nviews; i++) {
		uint16_t who = t->view[i].initiator;

		if (t->view[i].region != l->region || who == l->initiator[CK_DRIVER])
			continue;
		if (found != CK_NONE && found != who)
			return;
		found = who;
	}
	l->initiator[CK_DEVICE] = found;
}

int ck_vring_layout(struct ampcheck *ck, struct ck_link *l, unsigned int index)
{
	struct ck_vring *vr = &l->vr[index];
	uint64_t entry = l->block + OFF_VRING + VRING_ENTRY * index;
	uint32_t da = ck_ld32(ck, l, entry + VR_DA), align = ck_ld32(ck, l, entry + VR_ALIGN);
	uint32_t num = ck_ld32(ck, l, entry + VR_NUM);
	uint64_t size, base, used;

	vr->notifyid = ck_ld32(ck, l, entry + VR_NOTIFYID);
	if (vr->active && vr->da == da && vr->align == align && vr->num == num)
		return 0;
	if (vr->active)
		ck->ring_entries -= vr->num;
	vr->active = false;
	vr->da = da;
	vr->align = align;
	vr->num = num;
	/* Without an address, a size or an alignment there is no ring to decode (yet). */
	if (index >= l->nvrings || da == FW_RSC_ADDR_ANY || !num || num > 32768 || !pow2(align))
		return 0;
	used = ((uint64_t)16 * num + 6 + 2ull * num + align - 1) & ~((uint64_t)align - 1);
	size = used + 6 + 8ull * num;
	if (!ck_translate(ck, l, da, size, &base))
		return 0;
	if (ck->ring_entries + num > CK_MAX_RING_ENTRIES)
		return ck_fail(ck,
			       "the trace's vrings hold more than %u entries (the checker's limit)",
			       CK_MAX_RING_ENTRIES);
	free(vr->d);
	free(vr->returned);
	vr->d = calloc(num, sizeof(*vr->d));
	vr->returned = calloc(num, sizeof(uint64_t));
	if (!vr->d || !vr->returned)
		return ck_fail(ck, "out of memory");
	ck->ring_entries += num;
	vr->desc = base;
	vr->avail = base + 16ull * num;
	vr->avail_end = vr->avail + 6 + 2ull * num;
	vr->used = base + used;
	vr->end = base + size;
	vr->active = true;
	ck_ring_reset(l, vr);
	ck_link_bounds(l);
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){.kind = AMPCHECK_D_VRING,
					      .vring = (int)index,
					      .addr = base,
					      .old = da,
					      .num = num,
					      .align = align},
		   "vring%u at 0x%llx (da 0x%x), num %u, align %u: avail 0x%llx, used 0x%llx",
		   index, (unsigned long long)base, da, num, align, (unsigned long long)vr->avail,
		   (unsigned long long)vr->used);
	return 0;
}

static struct ck_link *link_add(struct ampcheck *ck, uint64_t block, bool big)
{
	struct ck_link *l;
	int region = region_of(ck->table, block);
	uint8_t head[28];

	if (ck->nlinks == CK_MAX_LINKS) {
		ck_fail(ck, "more than %u rpmsg device blocks (the checker's limit)", CK_MAX_LINKS);
		return NULL;
	}
	if (region < 0)
		return NULL;
	l = &ck->link[ck->nlinks++];
	memset(l, 0, sizeof(*l));
	l->block = block;
	l->region = (uint16_t)region;
	l->big = big;
	l->initiator[CK_DRIVER] = CK_NONE;
	l->initiator[CK_DEVICE] = CK_NONE;
	ck_shadow_read(ck, block, head, sizeof(head));
	l->nvrings = head[OFF_NUM_OF_VRINGS] < 2 ? head[OFF_NUM_OF_VRINGS] : 2;
	l->block_size = OFF_VRING + VRING_ENTRY * head[OFF_NUM_OF_VRINGS] +
			ck_ld32(ck, l, block + OFF_CONFIG_LEN);
	l->status = head[OFF_STATUS];
	for (unsigned int i = 0; i < 2; i++)
		l->vr[i].image_notifyid =
			ck_ld32(ck, l, block + OFF_VRING + VRING_ENTRY * i + VR_NOTIFYID);
	ck_link_bounds(l);
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){.kind = AMPCHECK_D_LINK, .vring = -1, .addr = block},
		   "rpmsg device block at 0x%llx (%s)", (unsigned long long)block,
		   ck->table->region[region].name);
	return l;
}

/* RSC-001..004 on a resource table the store @b / @size holds; returns the vdev entries' offsets.
 */
static void check_image(struct ampcheck *ck, const uint8_t *b, uint32_t size, bool big)
{
	uint32_t ver = ld32_order(b, big), num = ld32_order(b + 4, big);

	ck_exercise(ck, AMPCHECK_R_RSC_001);
	if (ver != 1)
		ck_violate_now(ck, AMPCHECK_R_RSC_001, -1, AMPCHECK_SIDE_DEVICE,
			       "resource table version %u (Linux supports 1)", ver);
	if (ld32_order(b + 8, big) || ld32_order(b + 12, big))
		ck_violate_now(ck, AMPCHECK_R_RSC_001, -1, AMPCHECK_SIDE_DEVICE,
			       "resource table reserved words are not zero");
	for (uint32_t i = 0; i < num; i++) {
		uint32_t off = ld32_order(b + 16 + 4 * i, big), type;

		ck_exercise(ck, AMPCHECK_R_RSC_002);
		if (off > size || size - off < 4) {
			ck_violate_now(ck, AMPCHECK_R_RSC_002, -1, AMPCHECK_SIDE_DEVICE,
				       "entry %u at offset %u is outside the %u-byte table", i, off,
				       size);
			continue;
		}
		type = ld32_order(b + off, big);
		if (type > RSC_VDEV && (type < 128 || type > 512))
			ck_violate_now(ck, AMPCHECK_R_RSC_002, -1, AMPCHECK_SIDE_DEVICE,
				       "entry %u has unknown type %u", i, type);
		if (type != RSC_VDEV || size - off < OFF_VRING ||
		    ld32_order(b + off + OFF_ID, big) != VIRTIO_ID_RPMSG)
			continue;
		ck_exercise(ck, AMPCHECK_R_RSC_003);
		{
			uint32_t nv = b[off + OFF_NUM_OF_VRINGS];
			uint64_t need = OFF_VRING + (uint64_t)VRING_ENTRY * nv +
					ld32_order(b + off + OFF_CONFIG_LEN, big);

			if (need > size - off)
				ck_violate_now(
					ck, AMPCHECK_R_RSC_003, -1, AMPCHECK_SIDE_DEVICE,
					"vdev entry needs %llu bytes, the table has %u after it",
					(unsigned long long)need, size - off);
			if (b[off + 26] || b[off + 27])
				ck_violate_now(ck, AMPCHECK_R_RSC_003, -1, AMPCHECK_SIDE_DEVICE,
					       "vdev entry reserved bytes are not zero");
			if (nv != 2)
				ck_violate_now(ck, AMPCHECK_R_RSC_003, -1, AMPCHECK_SIDE_DEVICE,
					       "vdev entry declares %u vrings (rpmsg needs 2)", nv);
			for (uint32_t k = 0; k < nv && k < 2; k++) {
				uint32_t e = off + OFF_VRING + VRING_ENTRY * k;

				if (e + VRING_ENTRY > size)
					break;
				ck_exercise(ck, AMPCHECK_R_RSC_004);
				if (!ld32_order(b + e + VR_NUM, big) ||
				    !ld32_order(b + e + VR_ALIGN, big))
					ck_violate_now(ck, AMPCHECK_R_RSC_004, -1,
						       AMPCHECK_SIDE_DEVICE,
						       "vring%u: num %u, align %u", k,
						       ld32_order(b + e + VR_NUM, big),
						       ld32_order(b + e + VR_ALIGN, big));
			}
		}
	}
}

/* A store that is a whole resource table (the header, an offset array, an rpmsg vdev entry). */
static int detect_table(struct ampcheck *ck, const struct amptrace_event *ev)
{
	const uint8_t *b = ev->bytes;
	int order = -1;
	uint32_t num;
	bool found = false;

	for (int big = 0; big < 2 && order < 0; big++) {
		num = ld32_order(b + 4, big);
		if (!num || num > MAX_RSC_ENTRIES || 16 + 4ull * num > ev->size)
			continue;
		for (uint32_t i = 0; i < num; i++) {
			uint32_t off = ld32_order(b + 16 + 4 * i, big);

			if (off < 16 + 4 * num || off > ev->size || ev->size - off < OFF_VRING ||
			    ld32_order(b + off, big) != RSC_VDEV ||
			    ld32_order(b + off + OFF_ID, big) != VIRTIO_ID_RPMSG)
				continue;
			if ((ck->opt.byte_order == AMPCHECK_ORDER_LITTLE && big) ||
			    (ck->opt.byte_order == AMPCHECK_ORDER_BIG && !big))
				continue;
			order = big;
			break;
		}
	}
	if (order < 0)
		return 0;
	num = ld32_order(b + 4, order);
	for (uint32_t i = 0; i < num; i++) {
		uint32_t off = ld32_order(b + 16 + 4 * i, order);
		struct ck_link *l;

		if (off < 16 + 4 * num || off > ev->size || ev->size - off < OFF_VRING ||
		    ld32_order(b + off, order) != RSC_VDEV ||
		    ld32_order(b + off + OFF_ID, order) != VIRTIO_ID_RPMSG)
			continue;
		if (link_at(ck, ev->addr + off)) {
			found = true;
			continue;
		}
		l = link_add(ck, ev->addr + off, order);
		if (!l)
			return ck->failed ? -1 : 0;
		for (unsigned int k = 0; k < l->nvrings; k++)
			if (ck_vring_layout(ck, l, k))
				return -1;
	}
	if (!found)
		check_image(ck, b, ev->size, order);
	return 0;
}

/* A one-byte store to the status byte of a well-formed rpmsg block nobody declared to us. */
static int detect_status(struct ampcheck *ck, const struct amptrace_event *ev)
{
	uint64_t block = ev->addr - OFF_STATUS;
	uint8_t head[OFF_VRING + 2 * VRING_ENTRY];
	struct ck_link *l;
	int order;

	if (ev->addr < OFF_STATUS || link_at(ck, block))
		return 0;
	ck_shadow_read(ck, block, head, sizeof(head));
	order = block_order(ck, head);
	if (order < 0 || ld32_order(head + OFF_ID, order) != VIRTIO_ID_RPMSG ||
	    head[OFF_NUM_OF_VRINGS] != 2 || head[26] || head[27] ||
	    ld32_order(head + OFF_CONFIG_LEN, order) > MAX_CONFIG_LEN)
		return 0;
	for (unsigned int k = 0; k < 2; k++) {
		uint32_t num = ld32_order(head + OFF_VRING + VRING_ENTRY * k + VR_NUM, order);
		uint32_t align = ld32_order(head + OFF_VRING + VRING_ENTRY * k + VR_ALIGN, order);

		if (!num || num > 32768 || !align)
			return 0;
	}
	l = link_add(ck, block, order);
	if (!l)
		return ck->failed ? -1 : 0;
	/* Rings the device declared at fixed addresses are known now: the driver may leave their
	 * da as it is and publish before DRIVER_OK. */
	for (unsigned int k = 0; k < l->nvrings; k++)
		if (ck_vring_layout(ck, l, k))
			return -1;
	/* The store that revealed the block is its first status store: judge it. */
	l->status = 0;
	ck_block_store(ck, l, CK_DRIVER, ev);
	return ck->failed ? -1 : 0;
}

int ck_link_detect(struct ampcheck *ck, const struct amptrace_event *ev)
{
	if (ev->size >= 16 + 4 + OFF_VRING)
		return detect_table(ck, ev);
	if (ev->size == 1)
		return detect_status(ck, ev);
	return 0;
}

bool ck_driver_ok_at(const struct ck_link *l, uint64_t seq)
{
	return l->driver_ok_seq && l->driver_ok_seq <= seq + 1 &&
	       !(l->reset_seq > l->driver_ok_seq && l->reset_seq <= seq + 1);
}

static void link_reset(struct ampcheck *ck, struct ck_link *l)
{
	if (l->vring0_kick_owed)
		ck_violate(ck, AMPCHECK_R_INIT_006, -1, AMPCHECK_SIDE_DRIVER,
			   l->vring0_kick_owed_seq, l->vring0_kick_owed_time,
			   l->initiator[CK_DRIVER],
			   "DRIVER_OK was set and the device reset without a vring0 kick");
	l->vring0_kick_owed = false;
	l->vring0_kicked = false;
	l->device_announced = false;
	ck_unreturned(ck, l);
	for (unsigned int i = 0; i < 2; i++)
		ck_ring_reset(l, &l->vr[i]);
	ck_msg_reset(l);
	CK_DECODED(ck, l, &(struct ampcheck_decoded){.kind = AMPCHECK_D_RESET, .vring = -1},
		   "reset");
}

static void check_features(struct ampcheck *ck, struct ck_link *l)
{
	uint32_t d = ck_ld32(ck, l, l->block + OFF_DFEATURES);
	uint32_t g = ck_ld32(ck, l, l->block + OFF_GFEATURES);
	uint32_t known = 1u << FEATURE_NS | 1u << FEATURE_INDIRECT | 1u << FEATURE_EVENT_IDX;

	ck_exercise(ck, AMPCHECK_R_INIT_003);
	if (g & ~d)
		ck_violate_now(ck, AMPCHECK_R_INIT_003, -1, AMPCHECK_SIDE_DRIVER,
			       "gfeatures 0x%x accepts bits 0x%x the device did not offer (0x%x)",
			       g, g & ~d, d);
	ck_exercise(ck, AMPCHECK_R_FEAT_001);
	if (d & ~known)
		ck_violate_now(
			ck, AMPCHECK_R_FEAT_001, -1, AMPCHECK_SIDE_DEVICE,
			"dfeatures 0x%x offers bits 0x%x beyond F_NS, INDIRECT and EVENT_IDX", d,
			d & ~known);
	if (g & ~known & d)
		ck_violate_now(ck, AMPCHECK_R_FEAT_001, -1, AMPCHECK_SIDE_DRIVER,
			       "gfeatures 0x%x accepts vendor bits 0x%x", g, g & ~known);
	CK_DECODED(ck, l,
		   &(struct ampcheck_decoded){
			   .kind = AMPCHECK_D_FEATURES, .vring = -1, .old = d, .value = g},
		   "features: offered 0x%x, accepted 0x%x", d, g);
}

/* LAYOUT-003/005 and RPMSG-007 when the driver declares the device ready. */
static void check_layout(struct ampcheck *ck, struct ck_link *l)
{
	struct ck_vring *v0 = &l->vr[0], *v1 = &l->vr[1];

	for (unsigned int i = 0; i < l->nvrings; i++) {
		struct ck_vring *vr = &l->vr[i];

		if (vr->num) {
			ck_exercise(ck, AMPCHECK_R_LAYOUT_003);
			if (!pow2(vr->num) || vr->num > 32768)
				ck_violate_now(ck, AMPCHECK_R_LAYOUT_003, -1, AMPCHECK_SIDE_BOTH,
					       "vring%u num %u is not a power of 2 up to 32768", i,
					       vr->num);
		}
		if (!vr->active)
			continue;
		ck_exercise(ck, AMPCHECK_R_LAYOUT_005);
		if (vr->desc % 16)
			ck_violate_now(ck, AMPCHECK_R_LAYOUT_005, -1, AMPCHECK_SIDE_BOTH,
				       "vring%u at 0x%llx is not 16-byte aligned", i,
				       (unsigned long long)vr->desc);
		if (vr->desc < l->block + l->block_size && vr->end > l->block)
			ck_violate_now(ck, AMPCHECK_R_LAYOUT_005, -1, AMPCHECK_SIDE_BOTH,
				       "vring%u overlaps the device block", i);
	}
	if (v0->active && v1->active) {
		if (v0->desc < v1->end && v1->desc < v0->end)
			ck_violate_now(
				ck, AMPCHECK_R_LAYOUT_005, -1, AMPCHECK_SIDE_BOTH,
				"vring0 [0x%llx, 0x%llx) and vring1 [0x%llx, 0x%llx) overlap",
				(unsigned long long)v0->desc, (unsigned long long)v0->end,
				(unsigned long long)v1->desc, (unsigned long long)v1->end);
		else if (v1->da % v1->align)
			ck_violate_now(ck, AMPCHECK_R_LAYOUT_005, -1, AMPCHECK_SIDE_BOTH,
				       "vring1 at da 0x%x is not on its %u-byte alignment", v1->da,
				       v1->align);
		ck_exercise(ck, AMPCHECK_R_RPMSG_007);
		if (v0->num != v1->num)
			ck_violate_now(
				ck, AMPCHECK_R_RPMSG_007, -1, AMPCHECK_SIDE_DRIVER,
				"vring0 has %u entries, vring1 %u (Linux expects symmetric vrings)",
				v0->num, v1->num);
		else if (v0->avail_idx <= v0->num &&
			 v0->avail_idx != (v0->num < 256 ? v0->num : 256))
			ck_violate_now(ck, AMPCHECK_R_RPMSG_007, -1, AMPCHECK_SIDE_DRIVER,
				       "%u receive buffers posted at DRIVER_OK (Linux posts %u)",
				       v0->avail_idx, v0->num < 256 ? v0->num : 256);
	}
}

static void status_store(struct ampcheck *ck, struct ck_link *l, unsigned int who, uint8_t s)
{
	uint8_t old = l->status;
	static const char *const step_names = "0, 1, 3, 7";

	if (who == CK_DEVICE) {
		ck_exercise(ck, AMPCHECK_R_INIT_009);
		ck_violate_now(ck, AMPCHECK_R_INIT_009, -1, AMPCHECK_SIDE_DEVICE,
			       "the device wrote status 0x%02x", s);
		l->status = s;
		return;
	}
	if (!l->started) {
		l->started = true;
		if (l->initiator[CK_DRIVER] == CK_NONE) {
			l->initiator[CK_DRIVER] = ck->ev->initiator;
			find_device(ck, l);
		}
	}
	ck_exercise(ck, AMPCHECK_R_INIT_001);
	if (s && (old & ~s))
		ck_violate_now(ck, AMPCHECK_R_INIT_001, -1, AMPCHECK_SIDE_DRIVER,
			       "status 0x%02x -> 0x%02x clears bits 0x%02x", old, s, old & ~s);
	else if (s && (old & STATUS_FAILED) && s != old)
		ck_violate_now(ck, AMPCHECK_R_INIT_001, -1, AMPCHECK_SIDE_DRIVER,
			       "status 0x%02x after FAILED without a reset", s);
	ck_exercise(ck, AMPCHECK_R_INIT_002);
	if (s && s != old && !(s & STATUS_FAILED) && !(old & ~s) && !(old & STATUS_FAILED)) {
		bool next = (old == 0 && s == STATUS_ACK) ||
			    (old == STATUS_ACK && s == (STATUS_ACK | STATUS_DRIVER)) ||
			    (old == (STATUS_ACK | STATUS_DRIVER) &&
			     s == (STATUS_ACK | STATUS_DRIVER | STATUS_DRIVER_OK));

		if (!next)
			ck_violate_now(ck, AMPCHECK_R_INIT_002,
				       old == 0 && s == STATUS_DRIVER_OK
					       ? AMPCHECK_DEV_STATUS_DRIVER_OK_ONLY
					       : -1,
				       AMPCHECK_SIDE_DRIVER,
				       "status 0x%02x -> 0x%02x is not the next of %s", old, s,
				       step_names);
	}
	l->status = s;
	if (s != old)
		CK_DECODED(ck, l,
			   &(struct ampcheck_decoded){
				   .kind = AMPCHECK_D_STATUS, .vring = -1, .old = old, .value = s},
			   "status 0x%02x -> 0x%02x", old, s);
	if (!s && old) {
		l->reset_seq = ck->ev->seq + 1;
		l->driver_ok_seq = 0;
		link_reset(ck, l);
	}
	if ((s & STATUS_DRIVER_OK) && !(old & STATUS_DRIVER_OK)) {
		l->driver_ok_seq = ck->ev->seq + 1;
		l->ever_ok = true;
		for (unsigned int i = 0; i < l->nvrings; i++)
			if (ck_vring_layout(ck, l, i))
				return;
		check_features(ck, l);
		check_layout(ck, l);
		l->vring0_kick_owed = true;
		l->vring0_kick_owed_seq = ck->ev->seq;
		l->vring0_kick_owed_time = ck->ev->time_ps;
		/* The device had the block to itself until now: its rules have something to judge.
		 */
		ck_exercise(ck, AMPCHECK_R_INIT_009);
		ck_exercise(ck, AMPCHECK_R_RSC_007);
	}
}

/* Does [@off, @off + @len) of the block intersect the store's [@a, @b)? */
static bool hits(uint64_t a, uint64_t b, uint64_t block, uint32_t off, uint32_t len)
{
	return a < block + off + len && b > block + off;
}

void ck_block_store(struct ampcheck *ck, struct ck_link *l, unsigned int who,
		    const struct amptrace_event *ev)
{
	uint64_t a = ev->addr, b = ev->addr + ev->size, blk = l->block;
	uint8_t side = ck_side_flag(who);
	bool owned_by_driver = l->started && (l->status & STATUS_ACK);

	/* The whole block stored again (a reload of the table): a new life. */
	if (a <= blk && b >= blk + OFF_VRING) {
		if (l->status)
			link_reset(ck, l);
		l->status = 0;
		l->started = false;
		l->driver_ok_seq = 0;
		for (unsigned int i = 0; i < l->nvrings; i++)
			if (ck_vring_layout(ck, l, i))
				return;
		return;
	}
	if (a >= blk && b > blk + l->block_size) {
		ck_exercise(ck, AMPCHECK_R_RSC_006);
		ck_violate_now(ck, AMPCHECK_R_RSC_006, -1, side,
			       "store [0x%llx, 0x%llx) runs past the block's end 0x%llx",
			       (unsigned long long)a, (unsigned long long)b,
			       (unsigned long long)(blk + l->block_size));
	} else if (a >= blk + OFF_VRING + VRING_ENTRY * l->nvrings) {
		ck_exercise(ck, AMPCHECK_R_RSC_006);
	}
	if (hits(a, b, blk, OFF_STATUS, 1))
		status_store(ck, l, who, ev->bytes[blk + OFF_STATUS - a]);
	if (!owned_by_driver)
		return;
	if (who == CK_DRIVER) {
		bool host_owned = true;

		ck_exercise(ck, AMPCHECK_R_RSC_005);
		if (hits(a, b, blk, 0, OFF_GFEATURES) || hits(a, b, blk, OFF_CONFIG_LEN, 4) ||
		    hits(a, b, blk, OFF_NUM_OF_VRINGS, 3))
			host_owned = false;
		for (unsigned int k = 0; k < l->nvrings; k++) {
			uint32_t e = OFF_VRING + VRING_ENTRY * k;

			if (hits(a, b, blk, e + VR_ALIGN, 8) || hits(a, b, blk, e + 16, 4))
				host_owned = false;
			if ((hits(a, b, blk, e + VR_DA, 4) ||
			     hits(a, b, blk, e + VR_NOTIFYID, 4)) &&
			    (l->status & STATUS_DRIVER_OK))
				ck_violate_now(ck, AMPCHECK_R_RSC_005, -1, AMPCHECK_SIDE_DRIVER,
					       "vring%u's da or notifyid written after DRIVER_OK",
					       k);
			if (hits(a, b, blk, e + VR_DA, 4) || hits(a, b, blk, e + VR_NOTIFYID, 4))
				CK_DECODED(ck, l,
					   &(struct ampcheck_decoded){
						   .kind = AMPCHECK_D_NOTIFYID,
						   .vring = (int)k,
						   .old = ck_ld32(ck, l, blk + e + VR_DA),
						   .value = ck_ld32(ck, l, blk + e + VR_NOTIFYID)},
					   "vring%u da 0x%x notifyid %u", k,
					   ck_ld32(ck, l, blk + e + VR_DA),
					   ck_ld32(ck, l, blk + e + VR_NOTIFYID));
			if (hits(a, b, blk, e + VR_DA, 4) && ck_vring_layout(ck, l, k))
				return;
		}
		if (!host_owned)
			ck_violate_now(
				ck, AMPCHECK_R_RSC_005, -1, AMPCHECK_SIDE_DRIVER,
				"store [+%llu, +%llu) of the block writes a field the device owns",
				(unsigned long long)(a > blk ? a - blk : 0),
				(unsigned long long)(b - blk));
		if (hits(a, b, blk, OFF_GFEATURES, 4)) {
			ck_exercise(ck, AMPCHECK_R_INIT_003);
			if (l->status & STATUS_DRIVER_OK)
				ck_violate_now(ck, AMPCHECK_R_INIT_003, -1, AMPCHECK_SIDE_DRIVER,
					       "gfeatures changed to 0x%x after DRIVER_OK",
					       ck_ld32(ck, l, blk + OFF_GFEATURES));
		}
		return;
	}
	ck_exercise(ck, AMPCHECK_R_RSC_007);
	if (hits(a, b, blk, OFF_GFEATURES, 4))
		ck_violate_now(ck, AMPCHECK_R_RSC_007, -1, AMPCHECK_SIDE_DEVICE,
			       "the device wrote gfeatures");
	for (unsigned int k = 0; k < l->nvrings; k++) {
		uint32_t e = OFF_VRING + VRING_ENTRY * k;

		if (hits(a, b, blk, e + VR_DA, 4) || hits(a, b, blk, e + VR_NOTIFYID, 4))
			ck_violate_now(ck, AMPCHECK_R_RSC_007, -1, AMPCHECK_SIDE_DEVICE,
				       "the device wrote vring%u's da or notifyid", k);
	}
}

void ck_link_finish(struct ampcheck *ck, struct ck_link *l)
{
	if (l->vring0_kick_owed)
		ck_violate(ck, AMPCHECK_R_INIT_006, -1, AMPCHECK_SIDE_DRIVER,
			   l->vring0_kick_owed_seq, l->vring0_kick_owed_time,
			   l->initiator[CK_DRIVER],
			   "DRIVER_OK was set and the trace ends without a vring0 kick");
	if (l->ever_ok)
		ck_exercise(ck, AMPCHECK_R_INIT_006);
}
