// SPDX-License-Identifier: BSD-3-Clause
/*
 * rpmsg messages as they are published - a vring1 buffer the driver exposes, a vring0 buffer
 * the device returns: the header, addressing, and name-service records with the channels they
 * create and destroy.
 */
#include <string.h>

#include "check_internal.h"

#define NS_DESTROY 1u

void ck_msg_reset(struct ck_link *l)
{
	l->nns = 0;
	l->naddrs[0] = l->naddrs[1] = 0;
}

static bool known(const struct ck_link *l, unsigned int side, uint32_t addr)
{
	if (l->naddrs[side] == CK_MAX_ADDRS)
		return true; /* too many to tell: assume the peer made it known */
	for (unsigned int i = 0; i < l->naddrs[side]; i++)
		if (l->addrs[side][i] == addr)
			return true;
	return false;
}

static void learn(struct ck_link *l, unsigned int side, uint32_t addr)
{
	if (!known(l, side, addr))
		l->addrs[side][l->naddrs[side]++] = addr;
}

static struct ck_ns *ns_find(struct ck_link *l, unsigned int side, const char *name, uint32_t addr)
{
	for (unsigned int i = 0; i < l->nns; i++) {
		struct ck_ns *r = &l->ns[i];

		if (r->active && r->side == side && r->addr == addr && !strcmp(r->name, name))
			return r;
	}
	return NULL;
}

static void ns_message(struct ampcheck *ck, struct ck_link *l, unsigned int who, uint64_t buf,
		       uint32_t src, uint16_t len)
{
	uint8_t side = ck_side_flag(who);
	char name[33];
	uint32_t addr, flags;
	bool terminated;
	struct ck_ns *r;

	ck_exercise(ck, AMPCHECK_R_NS_001);
	if (!ck_feature(ck, l, FEATURE_NS))
		ck_violate_now(ck, AMPCHECK_R_NS_001, AMPCHECK_DEV_NS_WITHOUT_FEATURE, side,
			       "name-service message without VIRTIO_RPMSG_F_NS negotiated");
	ck_exercise(ck, AMPCHECK_R_NS_002);
	if (len != RPMSG_NS_LEN) {
		ck_violate_now(ck, AMPCHECK_R_NS_002, -1, side,
			       "name-service message of %u bytes (40 expected)", len);
		return;
	}
	ck_shadow_read(ck, buf + RPMSG_HDR, name, 32);
	name[32] = '\0';
	addr = ck_ld32(ck, l, buf + RPMSG_HDR + 32);
	flags = ck_ld32(ck, l, buf + RPMSG_HDR + 36);
	terminated = memchr(name, '\0', 32) != NULL;
	ck_exercise(ck, AMPCHECK_R_NS_003);
	if (!terminated || !name[0])
		ck_violate_now(ck, AMPCHECK_R_NS_003, -1, side, "name-service name %s",
			       terminated ? "is empty" : "is not NUL-terminated within 32 bytes");
	ck_exercise(ck, AMPCHECK_R_NS_004);
	if (flags > NS_DESTROY)
		ck_violate_now(ck, AMPCHECK_R_NS_004, -1, side, "name-service flags 0x%x", flags);
	ck_exercise(ck, AMPCHECK_R_NS_005);
	if (addr == RPMSG_NS_ADDR || addr == RPMSG_ADDR_ANY || addr != src)
		ck_violate_now(ck, AMPCHECK_R_NS_005, -1, side,
			       "name-service record announces 0x%x from 0x%x", addr, src);
	if (ck->opt.decoded) {
		struct ampcheck_decoded dec = {.kind = AMPCHECK_D_NS,
					       .vring = who == CK_DRIVER,
					       .side = side,
					       .addr = addr,
					       .src = src,
					       .flags = flags};

		memcpy(dec.name, name, sizeof(dec.name));
		CK_DECODED(ck, l, &dec, "name service: %s %s at 0x%x (from %s)",
			   flags & NS_DESTROY ? "destroy" : "create", name, addr,
			   who == CK_DRIVER ? "driver" : "device");
	}
	if (who == CK_DEVICE && !l->device_announced && ck_driver_ok_at(l, ck->ev->seq)) {
		l->device_announced = true;
		ck_exercise(ck, AMPCHECK_R_NS_009);
		if (!l->vring0_kicked)
			ck_violate_now(ck, AMPCHECK_R_NS_009, -1, AMPCHECK_SIDE_DEVICE,
				       "the device announced %s before the driver's vring0 kick",
				       name);
	}
	r = ns_find(l, who, name, addr);
	if (!(flags & NS_DESTROY)) {
		ck_exercise(ck, AMPCHECK_R_RPMSG_010);
		if (addr < 1024)
			ck_violate_now(ck, AMPCHECK_R_RPMSG_010, AMPCHECK_DEV_LOW_DYNAMIC_ADDRESS,
				       side, "%s announced at 0x%x, below 1024", name, addr);
		ck_exercise(ck, AMPCHECK_R_NS_006);
		if (r)
			ck_violate_now(ck, AMPCHECK_R_NS_006, -1, side,
				       "%s at 0x%x created again without a destroy", name, addr);
		else if (l->nns < CK_MAX_NS) {
			r = &l->ns[l->nns++];
			*r = (struct ck_ns){.addr = addr, .side = (uint8_t)who, .active = true};
			memcpy(r->name, name, sizeof(r->name));
		}
		learn(l, who, addr);
		return;
	}
	ck_exercise(ck, AMPCHECK_R_NS_007);
	if (r)
		r->active = false;
	else
		ck_violate_now(ck, AMPCHECK_R_NS_007, -1, side,
			       "destroy of %s at 0x%x, which was not created", name, addr);
}

void ck_message(struct ampcheck *ck, struct ck_link *l, unsigned int who, struct ck_desc *d,
		uint32_t room)
{
	uint64_t buf = d->addr;
	uint8_t tmp[RPMSG_HDR];
	const uint8_t *hdr = ck_shadow_bytes(ck, buf, sizeof(tmp), tmp);
	uint32_t src = ck_get32(l, hdr), dst = ck_get32(l, hdr + 4),
		 reserved = ck_get32(l, hdr + 8);
	uint16_t len = ck_get16(l, hdr + 12), flags = ck_get16(l, hdr + 14);
	uint8_t side = ck_side_flag(who);
	unsigned int peer = who == CK_DRIVER ? CK_DEVICE : CK_DRIVER;

	ck_exercise(ck, AMPCHECK_R_RPMSG_002);
	if (RPMSG_HDR + (uint32_t)len > room || RPMSG_HDR + (uint32_t)len > d->len)
		ck_violate_now(ck, AMPCHECK_R_RPMSG_002, -1, side,
			       "hdr.len %u does not fit the %u bytes of the message (buffer %u)",
			       len, room, d->len);
	ck_exercise(ck, AMPCHECK_R_RPMSG_003);
	if (reserved || flags)
		ck_violate_now(ck, AMPCHECK_R_RPMSG_003, -1, side,
			       "reserved 0x%x and flags 0x%x sent (0 expected)", reserved, flags);
	ck_exercise(ck, AMPCHECK_R_RPMSG_004);
	if (src == RPMSG_ADDR_ANY || dst == RPMSG_ADDR_ANY)
		ck_violate_now(ck, AMPCHECK_R_RPMSG_004, -1, side,
			       "message 0x%x -> 0x%x uses RPMSG_ADDR_ANY", src, dst);
	if (ck->opt.decoded) {
		/* The payload as far as the message's room holds it. */
		uint8_t *payload = ck->payload;
		uint32_t n = room > RPMSG_HDR ? room - RPMSG_HDR : 0;

		if (n > len)
			n = len;
		if (n > sizeof(ck->payload))
			n = sizeof(ck->payload);
		ck_shadow_read(ck, buf + RPMSG_HDR, payload, n);
		CK_DECODED(ck, l,
			   &(struct ampcheck_decoded){.kind = AMPCHECK_D_MESSAGE,
						      .vring = who == CK_DRIVER,
						      .side = side,
						      .src = src,
						      .dst = dst,
						      .len = len,
						      .flags = flags,
						      .payload = payload,
						      .payload_len = n},
			   "message 0x%x -> 0x%x, %u bytes (from %s)", src, dst, len,
			   who == CK_DRIVER ? "driver" : "device");
	}
	if (dst == RPMSG_NS_ADDR) {
		ns_message(ck, l, who, buf, src, len);
		learn(l, who, src);
		return;
	}
	learn(l, who, src);
	ck_exercise(ck, AMPCHECK_R_RPMSG_011);
	if (!known(l, peer, dst)) {
		ck_violate_now(ck, AMPCHECK_R_RPMSG_011, -1, side,
			       "message to 0x%x, an address the peer never made known", dst);
		/* An unbound destination on the device: its buffer must still come back. */
		if (who == CK_DRIVER) {
			ck_exercise(ck, AMPCHECK_R_RPMSG_009);
			d->unbound = true;
		}
	}
}
