// SPDX-License-Identifier: BSD-3-Clause
/*
 * A second, independent rpmsg device (remote) as an implementation under test
 * (ampconf/iut.h): libampconf_mini_iut.so, for the harness's own tests.
 *
 * It is written from the wire format alone - the remoteproc vdev resource entry, the legacy
 * virtio split ring, the rpmsg header and the name-service message - and shares no code with
 * ampsim's reference, so that a session against it checks the harness and the checker with an
 * implementation that was not built with the same assumptions as the peer. It is deliberately
 * small: device role only, F_NS but no EVENT_IDX, one descriptor per buffer.
 *
 * The driver on the other side is untrusted: every index, descriptor id, address and length
 * read from the window is checked before use, and garbage ends in a log line and a dead link
 * (until the driver resets the device), never in a stray access.
 *
 * Window layouts (little-endian; offsets in bytes):
 *
 * - device block: type 0, id 4, notifyid 8, dfeatures 12, gfeatures 16, config_len 20,
 *   status 24 (u8), num_of_vrings 25 (u8), reserved 26 (u16), vring[k] at 28 + 20k:
 *   {da 0, align 4, num 8, notifyid 12, pa 16}, all u32;
 * - split ring at da: desc[num] of 16 bytes {u64 addr, u32 len, u16 flags, u16 next};
 *   avail {u16 flags, u16 idx, u16 ring[num], u16 used_event}; used at align_up(end of avail,
 *   align): {u16 flags, u16 idx, {u32 id, u32 len}[num], u16 avail_event};
 * - rpmsg buffer: {u32 src, u32 dst, u32 reserved, u16 len, u16 flags} then the payload;
 * - name service (dst 53, 40 bytes): {char name[32], u32 addr, u32 flags (0 create, 1 destroy)}.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampconf/iut.h"

#define MINI_MAX_EPTS 32u
#define ADDR_ANY      0xffffffffu
#define NS_ADDR       53u
#define FIRST_DYNAMIC 1024u /* rpmsg reserves the addresses below for fixed services */
#define HDR_SIZE      16u
#define NS_MSG_SIZE   40u
#define NS_NAME_SIZE  32u
#define NS_CREATE     0u
#define NS_DESTROY    1u

/* The device block (offsets from its type word). */
#define BLK_TYPE         0u
#define BLK_ID           4u
#define BLK_NOTIFYID     8u
#define BLK_DFEATURES    12u
#define BLK_GFEATURES    16u
#define BLK_CONFIG_LEN   20u
#define BLK_STATUS       24u
#define BLK_NUM_VRINGS   25u
#define BLK_RESERVED     26u
#define BLK_VRING        28u
#define BLK_VRING_SIZE   20u
#define BLK_SIZE         (BLK_VRING + 2u * BLK_VRING_SIZE)
#define VR_DA            0u
#define VR_ALIGN         4u
#define VR_NUM           8u
#define VR_NOTIFYID      12u
#define VR_PA            16u
#define RSC_VDEV         3u
#define VIRTIO_ID_RPMSG  7u
#define STATUS_DRIVER_OK 0x04u
#define STATUS_FAILED    0x80u

/* Ring flags. */
#define DESC_F_NEXT                1u
#define DESC_F_WRITE               2u
#define VRING_AVAIL_F_NO_INTERRUPT 1u

/* The barrier kinds of &ampconf_host.barrier. */
#define BARRIER_WRITE 0u
#define BARRIER_READ  1u
#define BARRIER_FULL  2u

/**
 * struct mini_vring - the device's view of one split ring
 * @desc: window offset of the descriptor table
 * @avail: window offset of the avail ring
 * @used: window offset of the used ring
 * @end: window offset just past the used ring (for the overlap checks)
 * @num: entries (as the device declared them: the driver may not change num)
 * @notifyid: what a kick for this ring carries (as the driver left it at DRIVER_OK)
 * @last_avail: the next avail.ring slot to consume (free-running, like avail.idx)
 * @used_idx: the device's used.idx, published or not (free-running)
 * @published: the used.idx last stored into the window
 */
struct mini_vring {
	uint64_t desc, avail, used, end;
	uint32_t num, notifyid;
	uint16_t last_avail, used_idx, published;
};

/**
 * enum mini_ept_state - the life of an endpoint slot
 * @EPT_FREE: unused
 * @EPT_OPEN: open: receives, sends, is announced when asked to be
 * @EPT_CLOSING: closed by the harness, but its DESTROY still has to go out (no buffer was free):
 *	the slot keeps its name and address until it has
 */
enum mini_ept_state {
	EPT_FREE = 0,
	EPT_OPEN,
	EPT_CLOSING,
};

/**
 * struct mini_ept - one endpoint
 * @state: &enum mini_ept_state
 * @addr: its bound address
 * @dst: its default destination, or ADDR_ANY
 * @name: its service name ("" for none)
 * @announce: the harness asked for a name-service announcement
 * @announced: a CREATE went out on the current link (a reset forgets it)
 */
struct mini_ept {
	enum mini_ept_state state;
	uint32_t addr, dst;
	char name[NS_NAME_SIZE];
	bool announce, announced;
};

/**
 * struct mini - the device
 * @link: the link as the harness gave it
 * @host: the harness's callbacks
 * @shm: the window
 * @blk: window offset of the device block
 * @up: DRIVER_OK was seen and the rings are usable
 * @dead: the driver left the link in a state the device cannot use (bad ring address, garbage
 *	index); nothing is touched until it resets the device (status 0)
 * @ns: F_NS was negotiated (gfeatures at DRIVER_OK)
 * @kicked0: the driver kicked vring0 since DRIVER_OK: the start signal announcements wait for
 *	(Linux posts its receive buffers, writes DRIVER_OK, then kicks vring0)
 * @vr: vring0 (device to driver) and vring1 (driver to device)
 * @ept: the endpoints; a handle is an index
 * @next_addr: where the search for a dynamic address starts
 */
struct mini {
	struct ampconf_link link;
	struct ampconf_host host;
	volatile uint8_t *shm;
	uint64_t blk;
	bool up, dead, ns, kicked0;
	struct mini_vring vr[2];
	struct mini_ept ept[MINI_MAX_EPTS];
	uint32_t next_addr;
};

/* --- window access: little-endian words at checked offsets -------------------------------- */

/* The window is little-endian whatever the host; these are no-ops on x86-64. */
static uint16_t le16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static uint32_t le32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

static uint64_t le64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

/*
 * Single loads and stores of the field's width through volatile pointers: the driver reads an
 * index as one access, so it must be written as one (a torn used.idx would publish elements
 * that are not there yet), and the harness sees each store with its exact bytes. Callers
 * guarantee the offset is in the window and naturally aligned (checked when the rings are set
 * up).
 */
static uint8_t ld8(const struct mini *m, uint64_t off)
{
	return m->shm[off];
}

static uint16_t ld16(const struct mini *m, uint64_t off)
{
	return le16(*(const volatile uint16_t *)(m->shm + off));
}

static uint32_t ld32(const struct mini *m, uint64_t off)
{
	return le32(*(const volatile uint32_t *)(m->shm + off));
}

static uint64_t ld64(const struct mini *m, uint64_t off)
{
	return le64(*(const volatile uint64_t *)(m->shm + off));
}

static void st8(struct mini *m, uint64_t off, uint8_t v)
{
	m->shm[off] = v;
}

static void st16(struct mini *m, uint64_t off, uint16_t v)
{
	*(volatile uint16_t *)(m->shm + off) = le16(v);
}

static void st32(struct mini *m, uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(m->shm + off) = le32(v);
}

static void barrier(struct mini *m, unsigned int kind)
{
	/* The harness cannot see a fence instruction: each one is reported next to it. */
	if (kind == BARRIER_WRITE)
		atomic_thread_fence(memory_order_release);
	else if (kind == BARRIER_READ)
		atomic_thread_fence(memory_order_acquire);
	else
		atomic_thread_fence(memory_order_seq_cst);
	if (m->host.barrier)
		m->host.barrier(m->host.ctx, kind);
}

__attribute__((format(printf, 2, 3))) static void say(struct mini *m, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	if (!m->host.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->host.log(m->host.ctx, line);
}

/* The driver broke the link: stop touching it until it resets the device. */
static int give_up(struct mini *m, const char *why, uint32_t a, uint32_t b)
{
	if (!m->dead)
		say(m, "mini-iut: %s (%u, %u): link dead until the driver resets it", why, a, b);
	m->dead = true;
	m->up = false;
	return -EPROTO;
}

/* Do [a, a + alen) and [b, b + blen) overlap? */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * The window offset of a buffer the driver named by device address, or UINT64_MAX when it does
 * not lie wholly in the window or reaches into the device block or a ring (writing there
 * through a buffer would corrupt the device's own view of the link).
 */
static uint64_t buf_offset(const struct mini *m, uint64_t da, uint32_t len)
{
	uint64_t off = da - m->link.shm_da;

	if (da < m->link.shm_da || off > m->link.shm_size || len > m->link.shm_size - off)
		return UINT64_MAX;
	if (overlap(off, len, m->blk, BLK_SIZE))
		return UINT64_MAX;
	for (unsigned int k = 0; k < 2; k++)
		if (overlap(off, len, m->vr[k].desc, m->vr[k].end - m->vr[k].desc))
			return UINT64_MAX;
	return off;
}

/* --- the rings ----------------------------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Take vring @k's placement from the block as the driver left it at DRIVER_OK. */
static int ring_setup(struct mini *m, unsigned int k)
{
	struct mini_vring *vr = &m->vr[k];
	uint64_t e = m->blk + BLK_VRING + BLK_VRING_SIZE * k;
	uint32_t da = ld32(m, e + VR_DA);
	uint64_t off = (uint64_t)da - m->link.shm_da;

	/* num and align are the device's own declaration; the driver writes only da and
	 * notifyid. attach() checked that num and align are sane. */
	vr->num = m->link.num[k];
	vr->notifyid = ld32(m, e + VR_NOTIFYID);
	if (da < m->link.shm_da || off % 16 || off > m->link.shm_size)
		return give_up(m, "a vring address outside the window or misaligned", k, da);
	vr->desc = off;
	vr->avail = off + 16ull * vr->num;
	vr->used = align_up(vr->avail + 6 + 2ull * vr->num, m->link.align);
	vr->end = vr->used + 6 + 8ull * vr->num;
	if (vr->end > m->link.shm_size || overlap(off, vr->end - off, m->blk, BLK_SIZE) ||
	    (k == 1 && overlap(off, vr->end - off, m->vr[0].desc, m->vr[0].end - m->vr[0].desc)))
		return give_up(m, "a vring that does not fit the window or overlaps", k, da);
	vr->last_avail = vr->used_idx = vr->published = 0;
	return 0;
}

/*
 * Read avail.idx and return how many entries wait; a read barrier orders the read of the
 * entries after it. Nothing waiting means nothing more is read, so no barrier: an idle poll
 * that reported one would look like activity to the harness, and the link would never settle.
 * More than num waiting is garbage.
 */
static int avail_pending(struct mini *m, unsigned int k)
{
	struct mini_vring *vr = &m->vr[k];
	uint16_t idx = ld16(m, vr->avail + 2);
	uint16_t pending = (uint16_t)(idx - vr->last_avail);

	if (!pending)
		return 0;
	barrier(m, BARRIER_READ);
	if (pending > vr->num)
		return give_up(m, "avail.idx ahead of the device by more than num", k, pending);
	return pending;
}

/* The head in the next avail slot (not consumed yet), or -EPROTO when it is no valid id. */
static int avail_head(struct mini *m, unsigned int k)
{
	struct mini_vring *vr = &m->vr[k];
	uint16_t head = ld16(m, vr->avail + 4 + 2ull * (vr->last_avail % vr->num));

	if (head >= vr->num)
		return give_up(m, "an avail.ring entry that is no descriptor", k, head);
	return head;
}

/* Fill the next used element (not published yet). */
static void put_used(struct mini *m, unsigned int k, uint32_t id, uint32_t len)
{
	struct mini_vring *vr = &m->vr[k];
	uint64_t elem = vr->used + 4 + 8ull * (vr->used_idx % vr->num);

	st32(m, elem, id);
	st32(m, elem + 4, len);
	vr->used_idx++;
}

/*
 * Publish the used elements filled since the last time, then kick unless the driver asked not
 * to be interrupted. The write barrier orders the elements (and the buffers' bytes) before
 * used.idx; the full barrier orders used.idx before the read of avail.flags, so a driver that
 * clears NO_INTERRUPT and then checks used.idx cannot miss both the entry and the kick.
 */
static int publish(struct mini *m, unsigned int k)
{
	struct mini_vring *vr = &m->vr[k];

	if (vr->used_idx == vr->published)
		return 0;
	barrier(m, BARRIER_WRITE);
	st16(m, vr->used + 2, vr->used_idx);
	vr->published = vr->used_idx;
	barrier(m, BARRIER_FULL);
	if (!(ld16(m, vr->avail) & VRING_AVAIL_F_NO_INTERRUPT))
		m->host.notify(m->host.ctx, vr->notifyid);
	return 1;
}

/*
 * Send one message on vring0 with a receive buffer of the driver: 0, -EAGAIN when none is
 * available, -EMSGSIZE when the payload does not fit it (the buffer stays available).
 */
static int transmit(struct mini *m, uint32_t src, uint32_t dst, const void *data, size_t len)
{
	struct mini_vring *vr = &m->vr[0];
	uint8_t hdr[HDR_SIZE];
	uint32_t w, blen;
	uint64_t d, off;
	uint16_t flags;
	int pending, head;

	if (m->dead)
		return -EIO;
	if (!m->up)
		return -EAGAIN;
	pending = avail_pending(m, 0);
	if (pending <= 0)
		return pending ? pending : -EAGAIN;
	head = avail_head(m, 0);
	if (head < 0)
		return head;
	d = vr->desc + 16ull * (uint32_t)head;
	blen = ld32(m, d + 8);
	flags = ld16(m, d + 12);
	/* A receive buffer must be device-writable and hold at least the header. */
	if (!(flags & DESC_F_WRITE) || blen < HDR_SIZE)
		return give_up(m, "a vring0 descriptor not writable or shorter than 16 bytes",
			       (uint32_t)head, blen);
	off = buf_offset(m, ld64(m, d), blen);
	if (off == UINT64_MAX)
		return give_up(m, "a vring0 buffer outside the buffer area", (uint32_t)head, blen);
	if (len > blen - HDR_SIZE)
		return -EMSGSIZE;
	/* One 16-byte header: src, dst, reserved 0, len, flags 0. */
	w = le32(src);
	memcpy(hdr, &w, 4);
	w = le32(dst);
	memcpy(hdr + 4, &w, 4);
	w = 0;
	memcpy(hdr + 8, &w, 4);
	w = le32((uint32_t)len); /* len (u16) then flags 0 (u16) */
	memcpy(hdr + 12, &w, 4);
	memcpy((uint8_t *)(uintptr_t)(m->shm + off), hdr, sizeof(hdr));
	if (len)
		memcpy((uint8_t *)(uintptr_t)(m->shm + off + HDR_SIZE), data, len);
	vr->last_avail++;
	put_used(m, 0, (uint32_t)head, HDR_SIZE + (uint32_t)len);
	publish(m, 0);
	return 0;
}

/* A name-service message for endpoint @e. */
static int ns_send(struct mini *m, const struct mini_ept *e, uint32_t flags)
{
	uint8_t msg[NS_MSG_SIZE] = {0};
	uint32_t w;

	memcpy(msg, e->name, strlen(e->name)); /* open() kept it under 32 bytes */
	w = le32(e->addr);
	memcpy(msg + NS_NAME_SIZE, &w, 4);
	w = le32(flags);
	memcpy(msg + NS_NAME_SIZE + 4, &w, 4);
	return transmit(m, e->addr, NS_ADDR, msg, sizeof(msg));
}

/*
 * Send the name-service messages that wait: CREATEs of announced endpoints, DESTROYs of closed
 * ones. Announcements wait for the link: DRIVER_OK, F_NS and the driver's first vring0 kick.
 */
static int ns_flush(struct mini *m)
{
	int did = 0;

	if (!m->up || !m->ns || !m->kicked0)
		return 0;
	for (unsigned int i = 0; i < MINI_MAX_EPTS; i++) {
		struct mini_ept *e = &m->ept[i];
		int ret;

		if (e->state == EPT_OPEN && e->announce && !e->announced) {
			ret = ns_send(m, e, NS_CREATE);
			if (ret)
				return did;
			e->announced = true;
			did = 1;
		} else if (e->state == EPT_CLOSING) {
			ret = ns_send(m, e, NS_DESTROY);
			if (ret)
				return did;
			e->state = EPT_FREE;
			did = 1;
		}
	}
	return did;
}

/* A name-service message from the driver: tell the harness. Malformed ones are dropped. */
static void ns_received(struct mini *m, const volatile uint8_t *p, uint32_t len)
{
	char name[NS_NAME_SIZE + 1];
	uint32_t addr, flags;

	if (!m->ns || len != NS_MSG_SIZE || !m->host.service)
		return;
	for (unsigned int i = 0; i < NS_NAME_SIZE; i++)
		name[i] = (char)p[i];
	name[NS_NAME_SIZE] = '\0'; /* the driver need not have terminated it */
	memcpy(&addr, (const uint8_t *)(uintptr_t)(p + NS_NAME_SIZE), 4);
	memcpy(&flags, (const uint8_t *)(uintptr_t)(p + NS_NAME_SIZE + 4), 4);
	flags = le32(flags);
	if (!name[0] || (flags != NS_CREATE && flags != NS_DESTROY))
		return;
	m->host.service(m->host.ctx, name, le32(addr), flags == NS_CREATE);
}

/* Deliver the message in vring1 descriptor @head, if it is one; the buffer is returned anyway. */
static void deliver(struct mini *m, uint32_t head)
{
	uint64_t d = m->vr[1].desc + 16ull * head, off;
	uint32_t blen = ld32(m, d + 8), src, dst, plen;
	uint16_t flags = ld16(m, d + 12);
	uint8_t hdr[HDR_SIZE];

	/* A transmit buffer is device-readable and holds a header; anything else is dropped. */
	if ((flags & DESC_F_WRITE) || blen < HDR_SIZE)
		return;
	off = buf_offset(m, ld64(m, d), blen);
	if (off == UINT64_MAX)
		return;
	memcpy(hdr, (const uint8_t *)(uintptr_t)(m->shm + off), sizeof(hdr));
	memcpy(&src, hdr, 4);
	memcpy(&dst, hdr + 4, 4);
	src = le32(src);
	dst = le32(dst);
	plen = (uint32_t)hdr[12] | (uint32_t)hdr[13] << 8;
	if (plen > blen - HDR_SIZE)
		return;
	if (dst == NS_ADDR) {
		ns_received(m, m->shm + off + HDR_SIZE, plen);
		return;
	}
	for (unsigned int i = 0; i < MINI_MAX_EPTS; i++)
		if (m->ept[i].state == EPT_OPEN && m->ept[i].addr == dst) {
			m->host.received(m->host.ctx, (int)i, src,
					 (const void *)(uintptr_t)(m->shm + off + HDR_SIZE), plen);
			return;
		}
	/* No endpoint at @dst: dropped, as rpmsg does; the buffer still goes back. */
}

/* Take every message the driver made available on vring1, return the buffers, publish once. */
static int receive(struct mini *m)
{
	int pending = avail_pending(m, 1);

	if (pending <= 0)
		return 0;
	for (int n = 0; n < pending && m->up; n++) {
		int head = avail_head(m, 1);

		if (head < 0)
			return 0;
		m->vr[1].last_avail++;
		/* The harness's received() runs here; it does not call back into the device. */
		if (m->host.received)
			deliver(m, (uint32_t)head);
		put_used(m, 1, (uint32_t)head, 0); /* device-readable: no byte written */
	}
	publish(m, 1);
	return 1;
}

/* --- the link's state ---------------------------------------------------------------------- */

/* Forget the rings and announcements of the link that went down; the endpoints stay open. */
static void link_down(struct mini *m)
{
	m->up = m->dead = m->ns = m->kicked0 = false;
	for (unsigned int i = 0; i < MINI_MAX_EPTS; i++) {
		m->ept[i].announced = false;
		/* A DESTROY for a link that no longer exists is owed to nobody. */
		if (m->ept[i].state == EPT_CLOSING)
			m->ept[i].state = EPT_FREE;
	}
}

/*
 * Follow the status byte (remoteproc has no configuration interrupt: the device polls it).
 * Returns 1 when the link just came up.
 */
static int follow_status(struct mini *m)
{
	uint8_t status = ld8(m, m->blk + BLK_STATUS);

	/* Status 0 is a reset; FAILED, or DRIVER_OK gone, is a link the driver gave up on. */
	if (status == 0 || (status & STATUS_FAILED) || (m->up && !(status & STATUS_DRIVER_OK))) {
		if (m->up || m->dead || m->kicked0)
			link_down(m);
		return 0;
	}
	if (m->up || m->dead || !(status & STATUS_DRIVER_OK))
		return 0;
	/* What the driver wrote before DRIVER_OK is read after it. */
	barrier(m, BARRIER_READ);
	m->ns = (ld32(m, m->blk + BLK_GFEATURES) & m->link.features & AMPCONF_F_NS) != 0;
	if (ring_setup(m, 0) || ring_setup(m, 1))
		return 0;
	m->up = true;
	return 1;
}

/* --- the adapter --------------------------------------------------------------------------- */

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static void *mini_attach(const struct ampconf_link *link, const struct ampconf_host *host,
			 char *err, size_t errlen)
{
	struct mini *m;
	uint64_t b;

	if (link->role != AMPCONF_DEVICE) {
		snprintf(err, errlen, "mini-iut plays the device role only");
		return NULL;
	}
	if (!host || !host->notify || !link->shm) {
		snprintf(err, errlen, "no window or no notify callback");
		return NULL;
	}
	/* The ring layout relies on these for aligned single accesses. */
	for (unsigned int k = 0; k < 2; k++)
		if (!pow2(link->num[k]) || link->num[k] > 32768) {
			snprintf(err, errlen, "vring%u: num %u is no power of 2 up to 32768", k,
				 link->num[k]);
			return NULL;
		}
	if (!pow2(link->align) || link->align < 4) {
		snprintf(err, errlen, "align %u is no power of 2 of at least 4", link->align);
		return NULL;
	}
	/* The block's vring da is 32 bits: the rings must have a device address it can hold. */
	for (unsigned int k = 0; k < 2; k++)
		if (link->vring_offset[k] > link->shm_size ||
		    link->shm_da + link->vring_offset[k] > UINT32_MAX) {
			snprintf(err, errlen, "vring%u: no 32-bit device address in the window", k);
			return NULL;
		}
	if (link->vdev_offset % 4 || link->vdev_offset > link->shm_size ||
	    link->shm_size - link->vdev_offset < BLK_SIZE) {
		snprintf(err, errlen, "the device block does not fit the window");
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "no memory");
		return NULL;
	}
	m->link = *link;
	m->host = *host;
	m->shm = (volatile uint8_t *)link->shm;
	m->blk = link->vdev_offset;
	m->next_addr = FIRST_DYNAMIC;
	/* The declaration (iut.h): only F_NS is offered, whatever else the link would allow. */
	b = m->blk;
	st32(m, b + BLK_TYPE, RSC_VDEV);
	st32(m, b + BLK_ID, VIRTIO_ID_RPMSG);
	st32(m, b + BLK_NOTIFYID, link->vdev_notifyid);
	st32(m, b + BLK_DFEATURES, link->features & AMPCONF_F_NS);
	st32(m, b + BLK_GFEATURES, 0);
	st32(m, b + BLK_CONFIG_LEN, 0);
	st8(m, b + BLK_STATUS, 0);
	st8(m, b + BLK_NUM_VRINGS, 2);
	st16(m, b + BLK_RESERVED, 0);
	for (unsigned int k = 0; k < 2; k++) {
		uint64_t e = b + BLK_VRING + BLK_VRING_SIZE * k;

		st32(m, e + VR_DA, (uint32_t)(link->shm_da + link->vring_offset[k]));
		st32(m, e + VR_ALIGN, link->align);
		st32(m, e + VR_NUM, link->num[k]);
		st32(m, e + VR_NOTIFYID, link->notifyid[k]);
		st32(m, e + VR_PA, 0);
	}
	return m;
}

static int mini_kick(void *iut, uint32_t notifyid)
{
	struct mini *m = iut;
	int did = follow_status(m);

	if (!m->up)
		return did;
	if (notifyid == m->vr[0].notifyid) {
		/* New receive buffers: announcements and senders may go on. */
		m->kicked0 = true;
		did |= ns_flush(m);
	}
	if (m->up && notifyid == m->vr[1].notifyid)
		did |= receive(m);
	return did;
}

static int mini_poll(void *iut)
{
	struct mini *m = iut;
	int did = follow_status(m);

	if (!m->up)
		return did;
	did |= receive(m);
	did |= ns_flush(m);
	return did;
}

static int mini_open(void *iut, const char *name, uint32_t addr, uint32_t dst, int announce,
		     uint32_t *bound)
{
	struct mini *m = iut;
	struct mini_ept *e = NULL;
	int handle = -1;

	if (!name || !memchr(name, '\0', NS_NAME_SIZE) || (announce && !name[0]))
		return -EINVAL;
	for (unsigned int i = 0; i < MINI_MAX_EPTS; i++) {
		if (m->ept[i].state == EPT_FREE) {
			if (!e) {
				e = &m->ept[i];
				handle = (int)i;
			}
		} else if (addr != ADDR_ANY && m->ept[i].addr == addr) {
			return -EADDRINUSE;
		}
	}
	if (!e)
		return -ENOMEM;
	if (addr == NS_ADDR)
		return -EADDRINUSE; /* the name service's own address */
	if (addr == ADDR_ANY) {
		/* The next dynamic address nobody holds (at most MINI_MAX_EPTS are held). */
		for (bool taken = true; taken;) {
			addr = m->next_addr++;
			if (m->next_addr == ADDR_ANY)
				m->next_addr = FIRST_DYNAMIC;
			taken = false;
			for (unsigned int i = 0; i < MINI_MAX_EPTS; i++)
				taken |= m->ept[i].state != EPT_FREE && m->ept[i].addr == addr;
		}
	}
	memset(e, 0, sizeof(*e));
	e->state = EPT_OPEN;
	e->addr = addr;
	e->dst = dst;
	memcpy(e->name, name, strlen(name));
	e->announce = announce != 0;
	*bound = addr;
	ns_flush(m);
	return handle;
}

static int mini_close(void *iut, int ept)
{
	struct mini *m = iut;
	struct mini_ept *e;

	if (ept < 0 || (unsigned int)ept >= MINI_MAX_EPTS || m->ept[ept].state != EPT_OPEN)
		return -EBADF;
	e = &m->ept[ept];
	if (e->announced && m->up && m->ns) {
		e->state = EPT_CLOSING;
		ns_flush(m);
	} else {
		e->state = EPT_FREE;
	}
	return 0;
}

static int mini_send(void *iut, int ept, uint32_t dst, const void *data, size_t len)
{
	struct mini *m = iut;
	const struct mini_ept *e;

	if (ept < 0 || (unsigned int)ept >= MINI_MAX_EPTS || m->ept[ept].state != EPT_OPEN)
		return -EBADF;
	e = &m->ept[ept];
	if (dst == ADDR_ANY)
		dst = e->dst;
	if (dst == ADDR_ANY || (len && !data))
		return -EINVAL;
	if (len > 0xffff) /* hdr.len is 16 bits */
		return -EMSGSIZE;
	/* Pending announcements first: the driver must learn of a service before its traffic. */
	ns_flush(m);
	return transmit(m, e->addr, dst, data, len);
}

static void mini_detach(void *iut)
{
	free(iut);
}

static const struct ampconf_iut_ops mini_iut = {
	.abi = AMPCONF_IUT_ABI,
	.name = "mini-iut rpmsg device (conformance tests)",
	.roles = 1u << AMPCONF_DEVICE,
	.features = AMPCONF_F_NS,
	.flags = AMPCONF_IUT_REPORTS_BARRIERS,
	.attach = mini_attach,
	.start = NULL,
	.kick = mini_kick,
	.poll = mini_poll,
	.open = mini_open,
	.close = mini_close,
	.send = mini_send,
	.reset = NULL,
	.detach = mini_detach,
};

/**
 * ampconf_iut() - the adapter's one exported symbol (ampconf/iut.h)
 *
 * Return: the mini device's description.
 */
__attribute__((visibility("default"))) const struct ampconf_iut_ops *ampconf_iut(void)
{
	return &mini_iut;
}
