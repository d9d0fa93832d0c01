// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: both roles of the rpmsg reference against a hostile peer.
 *
 * One shared block (device block, both rings, the buffer pool) is allocated at exactly its
 * size, so AddressSanitizer reports any access outside it. A host node (driver role) and a
 * remote node (device role) of the reference share it, and the fuzz input plays the hostile
 * party: it writes anything anywhere in the block (raw bytes, or one field of the device block,
 * a ring or a buffer header in the link's byte order), and it can act as a peer on the rings
 * behind the honest side's back: push a message to the host as a device would, or to the remote
 * as a driver would, return the host's transmit buffers, post receive buffers for the remote.
 * In between, the honest sides poll, send in every variant (copy, zero-copy, blocking with a
 * wait hook that may run the other side), hold and release receive buffers, create and destroy
 * endpoints and channels, register drivers, and the host resets and restarts the device.
 *
 * Properties (any violation prints "fuzz_rpmsg: invariant violated at ..." and aborts):
 *   - no crash, no sanitizer report, no access outside the block or the work areas;
 *   - amp_rpmsg_link_poll() returns >= 0 (at most one lap of the receive ring) or -AMP_EIO, and
 *     the link is not up after -AMP_EIO; every other call returns one of its documented values;
 *   - buffer conservation (amp_rpmsg_link_buffers()) while a link is up and no ring faulted:
 *     driver: rx_with_peer + rx_held == rx count, tx_free + tx_reserved + tx_with_peer == tx
 *     count; device: every buffer taken from the peer is free, reserved or held; held and
 *     reserved counts equal what the harness holds (RPMSG-008);
 *   - a callback's payload lies in the block; on the host, in one receive buffer, with
 *     len <= buffer size - 16 (RPMSG-002); callbacks only for live endpoints and channels;
 *   - lock hooks: never a lock taken twice, never two locks in both orders, none held after an
 *     operation, the EPT lock (only) held in receive callbacks, none in probe and remove, TX
 *     held in wait and wake;
 *   - while nothing hostile happened since the last recovery: the harness's own messages arrive
 *     intact, in order, at most once;
 *   - after a recovery (host reset, pristine device block, restart) both directions work.
 *
 * Input format (multi-byte fields little-endian; reading past the end yields zeroes):
 *
 *   header, 7 bytes
 *     [0] vring0 size: 1 << (b % 7), so 1..64      [1] vring1 size, the same
 *     [2] bit 0: big-endian link; bit 1: the device offers F_NS; bit 2: the host supports F_NS;
 *         bit 3: the remote supports F_NS; bit 4: EVENT_IDX offered and supported; bit 5:
 *         INDIRECT_DESC offered and supported; bit 6: the remote's openamp_used_len; bit 7: a
 *         wait hook (blocking sends wait; without it they fail at once)
 *     [3] bits 0-1: buffer size 512, 32, 96 or 272; bits 2-3: used-ring alignment 4096, 4,
 *         16 or 64; bit 4: half the receive buffers; bit 5: half the transmit buffers; bit 6:
 *         transmit buffers of 128 bytes; bit 7: the block sits above 4 GiB (the host cannot
 *         start)
 *     [4] operation budget: 1 + 4 * b
 *     [5..6] device address of the block: 0x1000 * (1 + v)
 *   operations until the budget or the input runs out: one opcode byte (b % OP_COUNT) and its
 *   arguments, listed at enum fz_op.
 *
 * The seeds in fixtures/fuzz/rpmsg/ are written by this file built with -DAMP_FUZZ_MAKE_SEEDS
 * (the make_rpmsg_seeds program, run by the fuzz_seeds target), so that the seed writer and the
 * harness share the opcodes and the header bits. AMP_FUZZ_TRACE=1 logs every operation, call
 * result, event and buffer count. See docs/fuzzing.md for running and replaying.
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Header byte 2. */
#define H_BIG         0x01u
#define H_DEV_NS      0x02u
#define H_HOST_NS     0x04u
#define H_REMOTE_NS   0x08u
#define H_EVENT_IDX   0x10u
#define H_INDIRECT    0x20u
#define H_OPENAMP_LEN 0x40u
#define H_WAIT        0x80u
/* Header byte 3. */
#define H_BUF_32     0x01u
#define H_BUF_96     0x02u
#define H_BUF_272    0x03u
#define H_ALIGN_4    0x04u
#define H_ALIGN_16   0x08u
#define H_ALIGN_64   0x0cu
#define H_HALF_RX    0x10u
#define H_HALF_TX    0x20u
#define H_TX_128     0x40u
#define H_HIGH_DA    0x80u
#define HEADER_BYTES 7

/*
 * Operations. "side" bytes: bit 0 selects the remote (else the host). "addr" bytes choose an
 * address, see addr_sel(). "mode" bytes are described at each hostile operation.
 */
enum fz_op {
	OP_RAW,           /* u16 off, u8 n, n bytes: raw bytes at off % block size */
	OP_FIELD,         /* u8 sel, u8 idx, u32 v: one field, see op_field() */
	OP_DEV_PUSH,      /* u8 mode, u8 addr, u16 len, u32 raw: a device sends on vring0 */
	OP_DRV_PUSH,      /* u8 mode, u8 desc, u8 addr, u16 len, u32 raw: a driver sends on
			     vring1 */
	OP_DEV_RETURN,    /* u8 mode, u32 raw: a device returns a vring1 buffer */
	OP_DRV_POST,      /* u8 mode, u8 desc, u16 len, u32 raw: a driver posts on vring0 */
	OP_POLL,          /* u8 b: bit 0 host, bit 1 remote, bit 2 until idle */
	OP_SEND,          /* u8 side | variant << 1, u8 slot, u8 addr, u16 len */
	OP_RESERVE,       /* u8 side | wait << 1: amp_rpmsg_get_tx_buffer() */
	OP_SEND_RESERVED, /* u8 side | variant << 1, u8 k, u8 addr, u16 len: zero-copy send */
	OP_RELEASE_TX,    /* u8 side, u8 k (0xff: a pointer that was never reserved) */
	OP_HOLD,          /* u8 side, u8 n: the next n callbacks of the side hold their buffer */
	OP_RELEASE_RX,    /* u8 side, u8 k (0xff: a pointer that was never held) */
	OP_EPT,           /* u8 side, u8 slot, u8 addr, u8 flags: create or destroy an endpoint */
	OP_CHANNEL,       /* u8 side | destroy << 1, u8 name, u8 src addr, u8 dst addr */
	OP_DRIVER,        /* u8 side: register or unregister the side's driver */
	OP_MODE,          /* u8 side, u8 bits: echo, probe fails, probe sends, nested poll */
	OP_HOST_STOP,     /* amp_rpmsg_link_stop() on the host */
	OP_HOST_START,    /* amp_rpmsg_link_start() on the host, block as it is */
	OP_REMOTE_STOP,   /* amp_rpmsg_link_stop() on the remote */
	OP_RECOVER,       /* reset, pristine block, restart; both directions must work */
	OP_PUMP,          /* u8 rounds: poll remote and host alternately */
	OP_FLUSH,         /* u8 side: amp_rpmsg_flush() */
	OP_COUNT
};

/* OP_SEND variants (bits 1-4 of the side byte); OP_SEND_RESERVED uses the first three as
 * send_nocopy, sendto_nocopy, send_offchannel_nocopy. */
enum {
	V_SEND,
	V_SENDTO,
	V_OFFCHANNEL,
	V_MORE, /* amp_rpmsg_send_flags(AMP_RPMSG_MORE): queued, published later */
	V_TRYSEND,
	V_TRYSENDTO,
	V_TRYOFFCHANNEL,
	V_TRYMORE, /* amp_rpmsg_send_flags(AMP_RPMSG_MORE | AMP_RPMSG_NONBLOCK) */
	V_COUNT
};

/* OP_MODE bits. */
#define M_ECHO        0x01u
#define M_PROBE_FAIL  0x02u
#define M_PROBE_SEND  0x04u
#define M_NESTED_POLL 0x08u

#define HOST_ADDR   0x500u /* host endpoint slot i: 0x500 + i; slot 0 is permanent */
#define REMOTE_ADDR 0x600u
#define SPARE_OFF   0x100u /* hostile scratch space after the device block */
#define RING0_OFF   0x1000u

#ifndef AMP_FUZZ_MAKE_SEEDS

#include "amp/error.h"
#include "amp/rpmsg.h"
#include "amp/virtio.h"

#define FUZZ_NAME "fuzz_rpmsg"
#include "fuzz_check.h"

#define NEPT  4
#define NHELD 8
#define NRES  4
#define NCH   4

/**
 * struct held_buf - a buffer the harness holds (received, or reserved for a zero-copy send)
 * @data: the payload pointer
 * @size: payload capacity (reserved buffers)
 *
 * Released through the side's permanent endpoint: release names the link, not an endpoint,
 * and the one that received or reserved the buffer may be gone by then.
 */
struct held_buf {
	void *data;
	uint32_t size;
};

/**
 * struct fside - one honest node and what the harness knows about it
 * @idx: 0 host, 1 remote
 * @node: the node
 * @link: its one link
 * @ch: the link's channel pool
 * @ept: endpoint slots; slot 0 is permanent
 * @live: slot holds a created endpoint
 * @drv: the node's driver ("fz-svc", "rpmsg-client-sample")
 * @drv_on: @drv is registered
 * @work: the link's work area (exact size)
 * @locked: locks held now, by &enum amp_rpmsg_lock
 * @order: order[a][b]: lock b was taken while a was held
 * @up: between LINK_UP and LINK_DOWN events
 * @held: received buffers held (forgotten at every link-up)
 * @nheld: entries in @held
 * @res: transmit buffers reserved (forgotten at every link-up)
 * @nres: entries in @res
 * @hold_next: callbacks left that hold their buffer
 * @echo: callbacks answer the sender
 * @probe_fail: probe declines
 * @probe_send: probe sends a greeting
 * @seq: next sequence number of the harness's messages from this side
 * @rx_seq: next sequence number expected from the peer (no smaller one may arrive)
 * @live_nonce: liveness message expected by this side (0: none)
 * @live_seen: it arrived
 */
struct fside {
	int idx;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link link;
	struct amp_rpmsg_channel ch[NCH];
	struct amp_rpmsg_endpoint ept[NEPT];
	bool live[NEPT];
	struct amp_rpmsg_driver drv;
	bool drv_on;
	void *work;
	bool locked[AMP_RPMSG_LOCK_COUNT];
	bool order[AMP_RPMSG_LOCK_COUNT][AMP_RPMSG_LOCK_COUNT];
	bool up;
	struct held_buf held[NHELD];
	uint32_t nheld;
	struct held_buf res[NRES];
	uint32_t nres;
	uint32_t hold_next;
	bool echo, probe_fail, probe_send;
	uint64_t seq, rx_seq;
	uint32_t live_nonce;
	bool live_seen;
};

/**
 * struct fz - the harness state for one input
 * @p: next input byte
 * @n: input bytes left
 * @mem: the shared block (exact size)
 * @size: its bytes
 * @da: its device address
 * @region: the one window both sides translate through
 * @table: the region table around @region
 * @io: the link's byte order
 * @opts: header byte 2
 * @num: ring sizes of the header (the pristine device block)
 * @align: used-ring alignment of the header
 * @dfeatures: what the pristine device block offers
 * @ring_off: offsets of the host's rings in the block
 * @ring_size: their bytes
 * @pool_off: offset of the buffer pool
 * @rx_size: receive buffer size
 * @tx_size: transmit buffer size
 * @rx_bufs: configured receive buffer count (0: default)
 * @tx_bufs: configured transmit buffer count (0: default)
 * @rx_count: receive buffers in effect since the host's last successful start
 * @tx_count: transmit buffers in effect likewise
 * @lay: the host's ring layouts in effect likewise
 * @tampered: something hostile happened since the last recovery
 * @nested: the wait hook polls the other side
 * @depth: nesting of that poll
 * @nonce: last liveness nonce
 * @side: host and remote
 */
struct fz {
	const uint8_t *p;
	size_t n;
	uint8_t *mem;
	size_t size;
	uint64_t da;
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_io io;
	uint8_t opts;
	uint32_t num[2], align, dfeatures;
	size_t ring_off[2], ring_size[2], pool_off;
	uint32_t rx_size, tx_size, rx_bufs, tx_bufs;
	uint32_t rx_count, tx_count;
	struct amp_vring_layout lay[2];
	bool tampered, nested;
	int depth;
	uint32_t nonce;
	struct fside side[2];
};

static struct fz g;
static uint8_t scratch[65536];

/* ------------------------------------------------------------------ input */

static uint8_t in8(void)
{
	if (!g.n)
		return 0;
	g.n--;
	return *g.p++;
}

static uint16_t in16(void)
{
	uint16_t lo = in8();

	return (uint16_t)(lo | in8() << 8);
}

static uint32_t in32(void)
{
	uint32_t lo = in16();

	return lo | (uint32_t)in16() << 16;
}

/* ------------------------------------------------------------------ block access */

/* Store @v in @bytes bytes at @off in the link's byte order; nothing outside the block. */
static void st(size_t off, uint64_t v, unsigned int bytes)
{
	if (off > g.size || bytes > g.size - off)
		return;
	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int shift = 8 * (g.io.order == AMP_BIG_ENDIAN ? bytes - 1 - i : i);

		g.mem[off + i] = (uint8_t)(v >> shift);
	}
}

static uint64_t ld(size_t off, unsigned int bytes)
{
	uint64_t v = 0;

	if (off > g.size || bytes > g.size - off)
		return 0;
	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int shift = 8 * (g.io.order == AMP_BIG_ENDIAN ? bytes - 1 - i : i);

		v |= (uint64_t)g.mem[off + i] << shift;
	}
	return v;
}

/* The harness's own translation: is [da, da + len) in the block? */
static bool da_to_off(uint64_t da, uint64_t len, size_t *off)
{
	if (da < g.da || da - g.da > g.size || len > g.size - (da - g.da))
		return false;
	*off = (size_t)(da - g.da);
	return true;
}

/* ------------------------------------------------------------------ the harness's messages */

#define MSG_MAGIC "AmPf"
#define MSG_HEAD  13 /* magic, sender, 64-bit sequence number */
#define LIVE_LEN  8  /* "LiVe" and a 32-bit nonce */

static uint8_t pattern(uint64_t seq, size_t i)
{
	return (uint8_t)(seq * 31u + i * 7u + 1u);
}

/* The harness's message from @from with sequence number @seq, @len bytes (a prefix if short). */
static void make_msg(uint8_t *buf, size_t len, int from, uint64_t seq)
{
	uint8_t head[MSG_HEAD];

	memcpy(head, MSG_MAGIC, 4);
	head[4] = (uint8_t)from;
	for (unsigned int i = 0; i < 8; i++)
		head[5 + i] = (uint8_t)(seq >> (8 * i));
	for (size_t i = 0; i < len; i++)
		buf[i] = i < MSG_HEAD ? head[i] : pattern(seq, i);
}

/* ------------------------------------------------------------------ checks */

static bool no_locks(const struct fside *s)
{
	for (unsigned int i = 0; i < AMP_RPMSG_LOCK_COUNT; i++) {
		if (s->locked[i])
			return false;
	}
	return true;
}

/* The send family's documented results; -ETIMEDOUT only when a wait hook let it wait. */
static bool send_rc_ok(int rc, bool blocking)
{
	return rc == 0 || rc == -AMP_EMSGSIZE || rc == -AMP_EINVAL || rc == -AMP_ENOTCONN ||
	       rc == -AMP_EIO || rc == -AMP_ENOMEM ||
	       (blocking && (g.opts & H_WAIT) && rc == -AMP_ETIMEDOUT);
}

static uint32_t rx_ring_num(const struct fside *s)
{
	return s->idx == 0 ? g.lay[0].num : 32768;
}

static void check_poll(struct fside *s, int rc)
{
	TRACE("  poll %s = %d\n", s->idx ? "remote" : "host", rc);
	/* One lap of the receive ring at most, or -EIO for a broken link. */
	CHECK((rc >= 0 && (uint32_t)rc <= rx_ring_num(s)) || rc == -AMP_EIO);
	if (rc == -AMP_EIO)
		CHECK(!amp_rpmsg_link_is_up(&s->link));
}

static int poll_side(struct fside *s)
{
	int rc = amp_rpmsg_link_poll(&s->link);

	check_poll(s, rc);
	return rc;
}

/* Where the link's buffers are (RPMSG-008), while it is up and neither ring faulted. */
static void check_buffers(struct fside *s)
{
	struct amp_rpmsg_buffer_counts c;
	struct amp_rpmsg_link *l = &s->link;

	if (!amp_rpmsg_link_is_up(l) || amp_vring_fault(&l->rx_vq) || amp_vring_fault(&l->tx_vq))
		return;
	amp_rpmsg_link_buffers(l, &c);
	TRACE("  %s buffers: rx_with_peer %u rx_held %u tx_free %u tx_reserved %u tx_with_peer %u "
	      "total %u\n",
	      s->idx ? "remote" : "host", c.rx_with_peer, c.rx_held, c.tx_free, c.tx_reserved,
	      c.tx_with_peer, c.total);
	if (s->idx == 0) {
		CHECK(c.rx_with_peer + c.rx_held == g.rx_count);
		CHECK(c.tx_free + c.tx_reserved + c.tx_with_peer == g.tx_count);
		CHECK(c.total == g.rx_count + g.tx_count);
	} else {
		CHECK(c.total == c.tx_free + c.tx_reserved + c.rx_held);
	}
	CHECK(c.rx_held == s->nheld);
	CHECK(c.tx_reserved == s->nres);
}

static void check_state(void)
{
	for (int i = 0; i < 2; i++) {
		CHECK(no_locks(&g.side[i]));
		check_buffers(&g.side[i]);
		CHECK(amp_rpmsg_link_payload_size(&g.side[i].link) <= UINT16_MAX);
	}
}

/* ------------------------------------------------------------------ platform hooks */

static void hk_lock(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock w)
{
	struct fside *s = ctx;

	CHECK((unsigned int)w < AMP_RPMSG_LOCK_COUNT);
	CHECK((w == AMP_RPMSG_LOCK_BUS) == (link == NULL));
	CHECK(!link || link == &s->link);
	/* The reference never takes a lock it holds, nor two locks in both orders. */
	CHECK(!s->locked[w]);
	for (unsigned int h = 0; h < AMP_RPMSG_LOCK_COUNT; h++) {
		if (!s->locked[h])
			continue;
		s->order[h][w] = true;
		CHECK(!s->order[w][h]);
	}
	s->locked[w] = true;
}

static void hk_unlock(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock w)
{
	struct fside *s = ctx;

	CHECK((unsigned int)w < AMP_RPMSG_LOCK_COUNT);
	CHECK(!link || link == &s->link);
	CHECK(s->locked[w]);
	s->locked[w] = false;
}

/*
 * Called with the TX lock held. One "millisecond" per call; with nested polling the other
 * processor runs meanwhile (it may return buffers), as it would while a real sender sleeps.
 */
static int hk_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	struct fside *s = ctx;

	CHECK(link == &s->link && s->locked[AMP_RPMSG_LOCK_TX]);
	if (g.nested && !g.depth) {
		g.depth++;
		(void)poll_side(&g.side[!s->idx]);
		g.depth--;
	}
	*timeout_ms = *timeout_ms ? *timeout_ms - 1 : 0;
	return *timeout_ms ? 0 : -AMP_ETIMEDOUT;
}

static void hk_wake(void *ctx, struct amp_rpmsg_link *link)
{
	struct fside *s = ctx;

	/* Under the TX lock, or a sender between its look at the ring and its wait misses it. */
	CHECK(link == &s->link && s->locked[AMP_RPMSG_LOCK_TX]);
}

static void hk_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		     uint32_t b)
{
	struct fside *s = ctx;

	TRACE("  %s event: %s (%u, %u)\n", s->idx ? "remote" : "host", amp_rpmsg_event_name(ev), a,
	      b);
	CHECK(link == &s->link);
	CHECK((unsigned int)ev < AMP_RPMSG_EV_COUNT);
	switch (ev) {
	case AMP_RPMSG_EV_LINK_UP:
		CHECK(!s->up);
		s->up = true;
		/* Buffers held or reserved in an earlier session are forgotten. */
		s->nheld = 0;
		s->nres = 0;
		break;
	case AMP_RPMSG_EV_LINK_DOWN:
		CHECK(s->up);
		s->up = false;
		break;
	case AMP_RPMSG_EV_RING_FAULT:
		CHECK(a > AMP_VRING_FAULT_NONE && a < AMP_VRING_FAULT_COUNT && b <= 1);
		break;
	case AMP_RPMSG_EV_BAD_MESSAGE:
		CHECK(a < AMP_RPMSG_DEFECT_COUNT);
		break;
	default:
		break;
	}
}

static const struct amp_rpmsg_platform_ops ops_wait = {
	.lock = hk_lock,
	.unlock = hk_unlock,
	.wait = hk_wait,
	.wake = hk_wake,
	.event = hk_event,
};

static const struct amp_rpmsg_platform_ops ops_nowait = {
	.lock = hk_lock,
	.unlock = hk_unlock,
	.wake = hk_wake,
	.event = hk_event,
};

static void notify(void *ctx, uint32_t notifyid)
{
	(void)ctx;
	(void)notifyid; /* both sides poll when the input says so: kicks change nothing */
}

/* ------------------------------------------------------------------ deliveries */

/*
 * Everything a receive callback may assume: its payload lies in the block, on the host in one
 * receive buffer (RPMSG-002), only the EPT lock is held; then the harness's own message checks,
 * holding and echoing.
 */
static void deliver(struct fside *s, struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		    uint32_t src)
{
	uint8_t *p = data;

	TRACE("  %s rx: ept %#x len %zu src %#x\n", s->idx ? "remote" : "host",
	      amp_rpmsg_endpoint_addr(ept), len, src);
	CHECK(s->locked[AMP_RPMSG_LOCK_EPT] && !s->locked[AMP_RPMSG_LOCK_RX] &&
	      !s->locked[AMP_RPMSG_LOCK_TX] && !s->locked[AMP_RPMSG_LOCK_BUS]);
	CHECK(len <= UINT16_MAX);
	CHECK(p >= g.mem + 16 && p <= g.mem + g.size && len <= (size_t)(g.mem + g.size - p));
	if (s->idx == 0) {
		size_t off = (size_t)(p - 16 - (g.mem + g.pool_off));

		CHECK(p - 16 >= g.mem + g.pool_off);
		CHECK(off % g.rx_size == 0 && off / g.rx_size < g.rx_count);
		CHECK(len <= g.rx_size - 16);
	}
	memcpy(scratch, p, len); /* every byte read: a lie about len shows under ASan */

	if (len >= MSG_HEAD && !memcmp(scratch, MSG_MAGIC, 4) && scratch[4] == !s->idx &&
	    !g.tampered) {
		uint64_t seq = 0;

		for (unsigned int i = 0; i < 8; i++)
			seq |= (uint64_t)scratch[5 + i] << (8 * i);
		/* In order, at most once, intact. */
		CHECK(seq >= s->rx_seq);
		CHECK(seq < g.side[!s->idx].seq);
		for (size_t i = MSG_HEAD; i < len; i++)
			CHECK(scratch[i] == pattern(seq, i));
		s->rx_seq = seq + 1;
	}
	if (len == LIVE_LEN && !memcmp(scratch, "LiVe", 4) && s->live_nonce) {
		uint32_t nonce = (uint32_t)scratch[4] | (uint32_t)scratch[5] << 8 |
				 (uint32_t)scratch[6] << 16 | (uint32_t)scratch[7] << 24;

		if (nonce == s->live_nonce)
			s->live_seen = true;
	}
	if (s->hold_next && s->nheld < NHELD) {
		s->hold_next--;
		CHECK(amp_rpmsg_hold_rx_buffer(ept, p + 1) == -AMP_EINVAL);
		CHECK(amp_rpmsg_hold_rx_buffer(ept, p) == 0);
		s->held[s->nheld++] = (struct held_buf){p, 0};
	}
	if (s->echo && src != AMP_RPMSG_ADDR_ANY) {
		int rc;

		/* An echo is not the harness's message any more: its sequence number is old. */
		scratch[0] = (uint8_t)'e';
		rc = amp_rpmsg_trysendto(ept, scratch, len < 48 ? len : 48, src);

		CHECK(send_rc_ok(rc, false));
	}
}

static int ept_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src, void *priv)
{
	struct fside *s = priv;

	/* Only live endpoints of this side are called. */
	CHECK(ept >= s->ept && ept < s->ept + NEPT && s->live[ept - s->ept]);
	deliver(s, ept, data, len, src);
	return 0;
}

static struct fside *side_of_channel(struct amp_rpmsg_channel *ch)
{
	for (int i = 0; i < 2; i++) {
		if (ch >= g.side[i].ch && ch < g.side[i].ch + NCH)
			return &g.side[i];
	}
	CHECK(!"a channel outside the pools");
	return NULL;
}

static int drv_probe(struct amp_rpmsg_channel *ch)
{
	struct fside *s = side_of_channel(ch);

	TRACE("  %s probe %s\n", s->idx ? "remote" : "host", amp_rpmsg_channel_name(ch));
	CHECK(no_locks(s));
	if (s->probe_send) {
		int rc = amp_rpmsg_trysend(amp_rpmsg_channel_endpoint(ch), "hello", 5);

		CHECK(send_rc_ok(rc, false));
	}
	return s->probe_fail ? -AMP_EINVAL : 0;
}

static void drv_remove(struct amp_rpmsg_channel *ch)
{
	struct fside *s = side_of_channel(ch);

	CHECK(no_locks(s));
}

static int drv_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	struct fside *s = side_of_channel(ch);

	deliver(s, amp_rpmsg_channel_endpoint(ch), data, len, src);
	return 0;
}

static const struct amp_rpmsg_device_id drv_ids[] = {{"fz-svc"}, {"rpmsg-client-sample"}, {NULL}};

/* ------------------------------------------------------------------ addresses and names */

static const char *const names[] = {
	"",
	"fz-svc",
	"rpmsg-client-sample",
	"fz-other",
	"0123456789abcdef0123456789abcdef", /* 32 characters: one too many */
	"0123456789abcdef0123456789abcde",  /* 31: the longest */
	"fz-svc",
	"x",
};

/* An address: the peer's or our own endpoints, the name service, ANY, dynamic, raw. */
static uint32_t addr_sel(const struct fside *s, uint8_t b)
{
	uint32_t own = s->idx ? REMOTE_ADDR : HOST_ADDR, peer = s->idx ? HOST_ADDR : REMOTE_ADDR;
	uint32_t k = (b >> 3) & 3;

	switch (b & 7) {
	case 0:
		return peer;
	case 1:
		return peer + k;
	case 2:
		return AMP_RPMSG_NS_ADDR;
	case 3:
		return AMP_RPMSG_ADDR_ANY;
	case 4:
		return AMP_RPMSG_RESERVED_ADDRESSES + k;
	case 5:
		return own + k;
	case 6:
		return b >> 3;
	default:
		return 0xfffffff0u | k;
	}
}

/* ------------------------------------------------------------------ hostile operations */

static size_t ring_field(int r, size_t off)
{
	return g.ring_off[r] + off;
}

static uint32_t rnum(int r)
{
	return g.lay[r].num;
}

static void op_raw(void)
{
	size_t off = in16() % g.size;
	size_t n = in8();

	if (n > g.size - off)
		n = g.size - off;
	for (size_t i = 0; i < n; i++)
		g.mem[off + i] = in8();
	g.tampered = true;
}

/* One field of the device block, a ring (idx bit 0: which ring, idx >> 1: entry) or a buffer
 * header word (idx & 3: word, idx >> 2: buffer). */
static void op_field(void)
{
	uint8_t sel = in8(), idx = in8();
	uint32_t v = in32();
	int r = idx & 1;
	uint32_t i = (uint32_t)(idx >> 1) % rnum(r);
	const struct amp_vring_layout *l = &g.lay[r];
	size_t vr = AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * (size_t)r;

	TRACE("  field %u idx %u = %#x\n", sel % 22u, idx, v);
	switch (sel % 22u) {
	case 0:
		g.mem[AMP_VDEV_OFF_STATUS] = (uint8_t)v;
		break;
	case 1:
		st(AMP_VDEV_OFF_GFEATURES, v, 4);
		break;
	case 2:
		st(AMP_VDEV_OFF_DFEATURES, v, 4);
		break;
	case 3:
		st(vr + AMP_VDEV_VRING_OFF_DA, v, 4);
		break;
	case 4:
		st(vr + AMP_VDEV_VRING_OFF_ALIGN, v, 4);
		break;
	case 5:
		st(vr + AMP_VDEV_VRING_OFF_NUM, v, 4);
		break;
	case 6:
		st(vr + AMP_VDEV_VRING_OFF_NOTIFYID, v, 4);
		break;
	case 7:
		st(ring_field(r, l->avail), v, 2);
		break;
	case 8:
		st(ring_field(r, l->avail + 2), v, 2);
		break;
	case 9:
		st(ring_field(r, l->avail_ring + 2 * (size_t)i), v, 2);
		break;
	case 10:
		st(ring_field(r, l->used_event), v, 2);
		break;
	case 11:
		st(ring_field(r, l->used), v, 2);
		break;
	case 12:
		st(ring_field(r, l->used + 2), v, 2);
		break;
	case 13:
		st(ring_field(r, l->used_ring + 8 * (size_t)i), v, 4);
		break;
	case 14:
		st(ring_field(r, l->used_ring + 8 * (size_t)i + 4), v, 4);
		break;
	case 15:
		st(ring_field(r, l->avail_event), v, 2);
		break;
	case 16: /* an address inside the block (offset v), or v itself when idx bit 7 */
		st(ring_field(r, l->desc + 16 * (size_t)i), idx & 0x80 ? v : g.da + v, 8);
		break;
	case 17:
		st(ring_field(r, l->desc + 16 * (size_t)i + 8), v, 4);
		break;
	case 18:
		st(ring_field(r, l->desc + 16 * (size_t)i + 12), v, 2);
		break;
	case 19:
		st(ring_field(r, l->desc + 16 * (size_t)i + 14), v, 2);
		break;
	case 20:
		st(g.pool_off + (size_t)((idx >> 2) % g.rx_count) * g.rx_size +
			   4 * (size_t)(idx & 3),
		   v, 4);
		break;
	default:
		st(g.pool_off + (size_t)g.rx_count * g.rx_size +
			   (size_t)((idx >> 2) % g.tx_count) * g.tx_size + 4 * (size_t)(idx & 3),
		   v, 4);
		break;
	}
	g.tampered = true;
}

/* Write an rpmsg message at block offset @off with room for @room bytes after the header. */
static uint32_t put_msg(size_t off, uint32_t room, uint32_t src, uint32_t dst, uint32_t len,
			bool raw_len, uint16_t hdr_len, int from)
{
	uint32_t n = len < room ? len : room;

	st(off, src, 4);
	st(off + 4, dst, 4);
	st(off + 8, 0, 4);
	st(off + 12, raw_len ? hdr_len : n, 2);
	st(off + 14, 0, 2);
	make_msg(scratch, n, from, g.side[from].seq++);
	if (off + 16 <= g.size && n <= g.size - off - 16)
		memcpy(g.mem + off + 16, scratch, n);
	return n;
}

/*
 * A device sends to the host on vring0, where the host's ring says the next buffer is.
 * mode bit 0: raw used id (raw & 0xffff); bit 1: header len = raw >> 16; bit 2: src = raw;
 * bits 3-4: used.len 16 + payload, 0, descriptor length, raw; bit 5: used.idx jumps raw >> 24
 * & 7 further.
 */
static void op_dev_push(void)
{
	uint8_t mode = in8(), asel = in8();
	uint16_t len = in16();
	uint32_t raw = in32();
	const struct amp_vring_layout *l = &g.lay[0];
	uint16_t pos = (uint16_t)ld(ring_field(0, l->used + 2), 2);
	uint16_t head = (uint16_t)ld(ring_field(0, l->avail_ring + 2 * (size_t)(pos % rnum(0))), 2);
	size_t d, off;
	uint64_t da;
	uint32_t dlen, n = 0, used_len;

	if (mode & 1)
		head = (uint16_t)raw;
	d = ring_field(0, l->desc + 16 * (size_t)(head % rnum(0)));
	da = ld(d, 8);
	dlen = (uint32_t)ld(d + 8, 4);
	if (dlen >= 16 && da_to_off(da, dlen, &off))
		n = put_msg(off, dlen - 16, mode & 4 ? raw : REMOTE_ADDR,
			    addr_sel(&g.side[1], asel), len, mode & 2, (uint16_t)(raw >> 16), 1);
	switch ((mode >> 3) & 3) {
	case 0:
		used_len = 16 + n;
		break;
	case 1:
		used_len = 0;
		break;
	case 2:
		used_len = dlen;
		break;
	default:
		used_len = raw;
		break;
	}
	st(ring_field(0, l->used_ring + 8 * (size_t)(pos % rnum(0))), head, 4);
	st(ring_field(0, l->used_ring + 8 * (size_t)(pos % rnum(0)) + 4), used_len, 4);
	st(ring_field(0, l->used + 2), (uint16_t)(pos + 1 + (mode & 0x20 ? (raw >> 24) & 7 : 0)),
	   2);
	g.tampered = true;
}

/* A buffer for a hostile driver: mode bits 0-1: transmit pool buffer @k, spare area, raw
 * offset, receive pool buffer @k. */
static size_t drv_buffer(uint8_t mode, uint32_t k, uint32_t raw)
{
	switch (mode & 3) {
	case 0:
		return g.pool_off + (size_t)g.rx_count * g.rx_size +
		       (size_t)(k % g.tx_count) * g.tx_size;
	case 1:
		return SPARE_OFF + (raw & 0x7f0);
	case 2:
		return raw % g.size;
	default:
		return g.pool_off + (size_t)(k % g.rx_count) * g.rx_size;
	}
}

/*
 * A driver sends to the remote on vring1: a message in a buffer (drv_buffer()), descriptor
 * @desc, the next available entry. mode bit 2: descriptor length raw >> 16 (else header +
 * payload); bit 3: descriptor flags (raw >> 8) & 0xff (else 0); bit 4: src = raw; bit 5:
 * avail.idx jumps (raw >> 24) & 7 further; bit 6: header len = raw & 0xffff.
 */
static void op_drv_push(void)
{
	uint8_t mode = in8(), desc = in8(), asel = in8();
	uint16_t len = in16();
	uint32_t raw = in32();
	const struct amp_vring_layout *l = &g.lay[1];
	uint16_t pos = (uint16_t)ld(ring_field(1, l->avail + 2), 2);
	uint32_t d = desc % rnum(1);
	size_t off = drv_buffer(mode, desc, raw), dd = ring_field(1, l->desc + 16 * (size_t)d);
	uint32_t room = off < g.size && g.size - off > 16 ? (uint32_t)(g.size - off - 16) : 0;
	uint32_t n = put_msg(off, room, mode & 0x10 ? raw : HOST_ADDR, addr_sel(&g.side[0], asel),
			     len, mode & 0x40, (uint16_t)raw, 0);

	st(dd, g.da + off, 8);
	st(dd + 8, mode & 4 ? raw >> 16 : 16 + n, 4);
	st(dd + 12, mode & 8 ? (raw >> 8) & 0xff : 0, 2);
	st(dd + 14, 0, 2);
	st(ring_field(1, l->avail_ring + 2 * (size_t)(pos % rnum(1))), d, 2);
	st(ring_field(1, l->avail + 2), (uint16_t)(pos + 1 + (mode & 0x20 ? (raw >> 24) & 7 : 0)),
	   2);
	g.tampered = true;
}

/* A device returns a host transmit buffer on vring1. mode bit 0: raw id; bits 1-2: used.len
 * 0, raw, descriptor length, 16. */
static void op_dev_return(void)
{
	uint8_t mode = in8();
	uint32_t raw = in32();
	const struct amp_vring_layout *l = &g.lay[1];
	uint16_t pos = (uint16_t)ld(ring_field(1, l->used + 2), 2);
	uint16_t head = (uint16_t)ld(ring_field(1, l->avail_ring + 2 * (size_t)(pos % rnum(1))), 2);
	uint32_t len;

	if (mode & 1)
		head = (uint16_t)raw;
	switch ((mode >> 1) & 3) {
	case 0:
		len = 0;
		break;
	case 1:
		len = raw;
		break;
	case 2:
		len = (uint32_t)ld(ring_field(1, l->desc + 16 * (size_t)(head % rnum(1)) + 8), 4);
		break;
	default:
		len = 16;
		break;
	}
	st(ring_field(1, l->used_ring + 8 * (size_t)(pos % rnum(1))), head, 4);
	st(ring_field(1, l->used_ring + 8 * (size_t)(pos % rnum(1)) + 4), len, 4);
	st(ring_field(1, l->used + 2), (uint16_t)(pos + 1), 2);
	g.tampered = true;
}

/* A driver posts a buffer for the remote to send in, on vring0. Buffer as drv_buffer(); mode
 * bit 2: length @len (else the receive buffer size); bit 3: flags (raw >> 8) & 0xff (else
 * WRITE). */
static void op_drv_post(void)
{
	uint8_t mode = in8(), desc = in8();
	uint16_t len = in16();
	uint32_t raw = in32();
	const struct amp_vring_layout *l = &g.lay[0];
	uint16_t pos = (uint16_t)ld(ring_field(0, l->avail + 2), 2);
	uint32_t d = desc % rnum(0);
	size_t dd = ring_field(0, l->desc + 16 * (size_t)d);

	st(dd, g.da + drv_buffer(mode, desc, raw), 8);
	st(dd + 8, mode & 4 ? len : g.rx_size, 4);
	st(dd + 12, mode & 8 ? (raw >> 8) & 0xff : 2 /* WRITE */, 2);
	st(dd + 14, 0, 2);
	st(ring_field(0, l->avail_ring + 2 * (size_t)(pos % rnum(0))), d, 2);
	st(ring_field(0, l->avail + 2), (uint16_t)(pos + 1), 2);
	g.tampered = true;
}

/* ------------------------------------------------------------------ honest operations */

static struct fside *side_arg(uint8_t b)
{
	return &g.side[b & 1];
}

static void op_poll(void)
{
	uint8_t b = in8();

	for (int i = 0; i < 2; i++) {
		if (!(b & (1u << i)))
			continue;
		for (int k = 0; k < 8; k++) {
			if (poll_side(&g.side[i]) <= 0 || !(b & 4))
				break;
		}
	}
}

static struct amp_rpmsg_endpoint *ept_arg(struct fside *s, uint8_t slot)
{
	uint32_t k = slot % NEPT;

	return s->live[k] ? &s->ept[k] : &s->ept[0];
}

/* Fill @len bytes of @buf with the side's next message; returns its sequence number. */
static uint64_t fill_msg(struct fside *s, uint8_t *buf, size_t len)
{
	uint64_t seq = s->seq++;

	make_msg(buf, len, s->idx, seq);
	return seq;
}

static int send_variant(struct amp_rpmsg_endpoint *ept, unsigned int v, const void *data,
			size_t len, uint32_t dst)
{
	switch (v) {
	case V_SEND:
		return amp_rpmsg_send(ept, data, len);
	case V_SENDTO:
		return amp_rpmsg_sendto(ept, data, len, dst);
	case V_OFFCHANNEL:
		return amp_rpmsg_send_offchannel(ept, amp_rpmsg_endpoint_addr(ept), dst, data, len);
	case V_TRYSEND:
		return amp_rpmsg_trysend(ept, data, len);
	case V_TRYSENDTO:
		return amp_rpmsg_trysendto(ept, data, len, dst);
	case V_MORE:
		return amp_rpmsg_send_flags(ept, amp_rpmsg_endpoint_addr(ept), dst, data, len,
					    AMP_RPMSG_MORE);
	case V_TRYMORE:
		return amp_rpmsg_send_flags(ept, amp_rpmsg_endpoint_addr(ept), dst, data, len,
					    AMP_RPMSG_MORE | AMP_RPMSG_NONBLOCK);
	default:
		return amp_rpmsg_trysend_offchannel(ept, amp_rpmsg_endpoint_addr(ept), dst, data,
						    len);
	}
}

static uint32_t dst_of(struct amp_rpmsg_endpoint *ept, unsigned int v, uint32_t dst)
{
	return v == V_SEND || v == V_TRYSEND ? amp_rpmsg_endpoint_dst(ept) : dst;
}

static void op_send(void)
{
	uint8_t b = in8(), slot = in8(), asel = in8();
	uint16_t len = in16();
	struct fside *s = side_arg(b);
	unsigned int v = ((unsigned int)b >> 1) % V_COUNT;
	struct amp_rpmsg_endpoint *ept = ept_arg(s, slot);
	uint32_t dst = addr_sel(s, asel);
	bool was_up = amp_rpmsg_link_is_up(&s->link);
	uint32_t payload = amp_rpmsg_link_payload_size(&s->link);
	static uint8_t buf[65536];
	int rc;

	fill_msg(s, buf, len);
	rc = send_variant(ept, v, buf, len, dst);
	TRACE("  %s send v%u len %u dst %#x = %d\n", s->idx ? "remote" : "host", v, len,
	      dst_of(ept, v, dst), rc);
	CHECK(send_rc_ok(rc, v < V_TRYSEND));
	/* RPMSG-004; a link that is down says so first. */
	if (dst_of(ept, v, dst) == AMP_RPMSG_ADDR_ANY)
		CHECK(rc == -AMP_EINVAL || (!was_up && rc == -AMP_ENOTCONN));
	if (!rc)
		CHECK(was_up);
	/* The driver knows its payload size: too long is -EMSGSIZE whatever the ring says. */
	if (s->idx == 0 && was_up && len > payload && dst_of(ept, v, dst) != AMP_RPMSG_ADDR_ANY)
		CHECK(rc == -AMP_EMSGSIZE);
}

static void op_reserve(void)
{
	uint8_t b = in8();
	struct fside *s = side_arg(b);
	void *data = NULL;
	uint32_t size = 0;
	int rc;

	if (s->nres == NRES)
		return;
	rc = amp_rpmsg_get_tx_buffer(&s->ept[0], &data, &size, b & 2);
	TRACE("  %s reserve = %d\n", s->idx ? "remote" : "host", rc);
	CHECK(send_rc_ok(rc, b & 2));
	if (rc)
		return;
	CHECK(s->up);
	CHECK((uint8_t *)data >= g.mem + 16 && (uint8_t *)data <= g.mem + g.size &&
	      size <= (size_t)(g.mem + g.size - (uint8_t *)data));
	if (s->idx == 0) {
		size_t off = (size_t)((uint8_t *)data - 16 - g.mem) - g.pool_off -
			     (size_t)g.rx_count * g.rx_size;

		CHECK(off % g.tx_size == 0 && off / g.tx_size < g.tx_count);
		CHECK(size == g.tx_size - 16);
	}
	s->res[s->nres++] = (struct held_buf){data, size};
}

static void drop(struct held_buf *list, uint32_t *n, uint32_t k)
{
	list[k] = list[--*n];
}

static void op_send_reserved(void)
{
	uint8_t b = in8(), k = in8(), asel = in8();
	uint16_t len = in16();
	struct fside *s = side_arg(b);
	unsigned int v = ((unsigned int)b >> 1) % 3;
	uint32_t dst = addr_sel(s, asel);
	struct held_buf *h;
	int rc;

	if (!s->nres)
		return;
	h = &s->res[k % s->nres];
	/* Fill what the buffer holds (a longer send must fail with -EMSGSIZE). */
	if (s->up && len <= h->size)
		fill_msg(s, h->data, len);
	switch (v) {
	case 0:
		rc = amp_rpmsg_send_nocopy(&s->ept[0], h->data, len);
		break;
	case 1:
		rc = amp_rpmsg_sendto_nocopy(&s->ept[0], h->data, len, dst);
		break;
	default:
		rc = amp_rpmsg_send_offchannel_nocopy(
			&s->ept[0], amp_rpmsg_endpoint_addr(&s->ept[0]), dst, h->data, len);
		break;
	}
	TRACE("  %s send_nocopy v%u len %u = %d\n", s->idx ? "remote" : "host", v, len, rc);
	CHECK(send_rc_ok(rc, false));
	if (s->up && len > h->size && dst != AMP_RPMSG_ADDR_ANY && v)
		CHECK(rc == -AMP_EMSGSIZE);
	if (!rc)
		drop(s->res, &s->nres, k % s->nres);
}

static void op_release_tx(void)
{
	uint8_t b = in8(), k = in8();
	struct fside *s = side_arg(b);
	int rc;

	if (k == 0xff || !s->nres) {
		/* A pointer that was never reserved is refused. */
		rc = amp_rpmsg_release_tx_buffer(&s->ept[0], scratch + 16);
		CHECK(rc == -AMP_EINVAL);
		return;
	}
	k %= s->nres;
	rc = amp_rpmsg_release_tx_buffer(&s->ept[0], s->res[k].data);
	CHECK(rc == (s->up ? 0 : -AMP_EINVAL));
	drop(s->res, &s->nres, k);
}

static void op_hold(void)
{
	uint8_t b = in8();

	side_arg(b)->hold_next = in8() % 8;
}

static void op_release_rx(void)
{
	uint8_t b = in8(), k = in8();
	struct fside *s = side_arg(b);
	int rc;

	if (k == 0xff || !s->nheld) {
		rc = amp_rpmsg_release_rx_buffer(&s->ept[0], scratch + 16);
		CHECK(rc == -AMP_EINVAL);
		return;
	}
	k %= s->nheld;
	rc = amp_rpmsg_release_rx_buffer(&s->ept[0], s->held[k].data);
	/* Held in this session: released; after a link-down: forgotten, refused. */
	CHECK(rc == (s->up ? 0 : -AMP_EINVAL));
	drop(s->held, &s->nheld, k);
}

static void op_ept(void)
{
	uint8_t b = in8(), slot = in8(), asel = in8(), flags = in8();
	struct fside *s = side_arg(b);
	uint32_t k = 1 + slot % (NEPT - 1);
	const char *name = names[flags & 7];
	struct amp_rpmsg_endpoint_config cfg = {
		.name = name,
		.addr = (asel & 7) == 0 ? AMP_RPMSG_ADDR_ANY : addr_sel(s, asel),
		.dst = addr_sel(s, flags >> 4),
		.cb = flags & 8 ? NULL : ept_cb,
		.priv = s,
		.announce = flags & 0x80,
	};
	int rc;

	if (s->live[k]) {
		amp_rpmsg_endpoint_destroy(&s->ept[k]);
		s->live[k] = false;
		return;
	}
	rc = amp_rpmsg_endpoint_create(&s->ept[k], &s->link, &cfg);
	TRACE("  %s ept create %#x '%s' = %d\n", s->idx ? "remote" : "host", cfg.addr, name, rc);
	CHECK(rc == 0 || rc == -AMP_EBUSY || rc == -AMP_EINVAL || rc == -AMP_ENOSPC);
	if (strlen(name) >= AMP_RPMSG_NAME_SIZE || (cfg.announce && !name[0]))
		CHECK(rc == -AMP_EINVAL);
	if (rc)
		return;
	s->live[k] = true;
	if (cfg.addr == AMP_RPMSG_ADDR_ANY)
		CHECK(amp_rpmsg_endpoint_addr(&s->ept[k]) >= AMP_RPMSG_RESERVED_ADDRESSES);
	else
		CHECK(amp_rpmsg_endpoint_addr(&s->ept[k]) == cfg.addr);
}

static void op_channel(void)
{
	uint8_t b = in8(), nsel = in8(), ssel = in8(), dsel = in8();
	struct fside *s = side_arg(b);
	const char *name = names[nsel & 7];
	struct amp_rpmsg_channel *ch = NULL;
	int rc;

	if (b & 2) {
		ch = amp_rpmsg_channel_find(&s->link, name, AMP_RPMSG_ADDR_ANY);
		if (ch) {
			CHECK(side_of_channel(ch) == s);
			amp_rpmsg_channel_destroy(ch);
		}
		return;
	}
	rc = amp_rpmsg_channel_create(&s->link, name,
				      (ssel & 7) == 3 ? AMP_RPMSG_ADDR_ANY : addr_sel(s, ssel),
				      addr_sel(s, dsel), &ch);
	TRACE("  %s channel create '%s' = %d\n", s->idx ? "remote" : "host", name, rc);
	CHECK(rc == 0 || rc == -AMP_EEXIST || rc == -AMP_ENOSPC || rc == -AMP_EBUSY ||
	      rc == -AMP_EINVAL);
	if (!rc)
		CHECK(side_of_channel(ch) == s);
}

static void op_driver(void)
{
	struct fside *s = side_arg(in8());

	if (s->drv_on) {
		amp_rpmsg_driver_unregister(&s->node, &s->drv);
		s->drv_on = false;
	} else {
		CHECK(amp_rpmsg_driver_register(&s->node, &s->drv) == 0);
		s->drv_on = true;
	}
}

static void op_mode(void)
{
	struct fside *s = side_arg(in8());
	uint8_t bits = in8();

	s->echo = bits & M_ECHO;
	s->probe_fail = bits & M_PROBE_FAIL;
	s->probe_send = bits & M_PROBE_SEND;
	g.nested = bits & M_NESTED_POLL;
}

/* The layout the host will use: what the device block says now (drv_start reads it too). */
static void note_start(void)
{
	struct amp_io io = g.io;

	for (int r = 0; r < 2; r++) {
		struct amp_vdev_vring_info info;

		amp_vdev_vring(&io, g.mem, (unsigned int)r, &info);
		CHECK(amp_vring_layout(info.num, info.align, &g.lay[r]) == 0);
	}
	g.rx_count = g.rx_bufs ? g.rx_bufs : (g.lay[0].num < 256 ? g.lay[0].num : 256);
	g.tx_count = g.tx_bufs ? g.tx_bufs : (g.lay[1].num < 256 ? g.lay[1].num : 256);
}

static int host_start(void)
{
	struct amp_rpmsg_link *l = &g.side[0].link;
	struct amp_vring_layout lay[2] = {g.lay[0], g.lay[1]};
	uint32_t rx = g.rx_count, tx = g.tx_count;
	int rc;

	rc = amp_rpmsg_link_start(l);
	TRACE("  host start = %d\n", rc);
	CHECK(rc == 0 || rc == -AMP_EINVAL || rc == -AMP_EBUSY);
	if (rc == 0) {
		note_start();
		CHECK(g.side[0].up);
	} else {
		/* Nothing changed: keep the layout in effect. */
		g.lay[0] = lay[0];
		g.lay[1] = lay[1];
		g.rx_count = rx;
		g.tx_count = tx;
	}
	return rc;
}

static void op_host_start(void)
{
	/* With the block as the input left it: -EINVAL for what the host cannot use. */
	(void)host_start();
	g.tampered = true;
}

/* Pristine device block: status 0, the header's rings and features, no ring addresses. */
static void write_block(void)
{
	struct amp_vdev_vring_info vr[2] = {
		{.da = 0, .align = g.align, .num = g.num[0], .notifyid = 0},
		{.da = 0, .align = g.align, .num = g.num[1], .notifyid = 1},
	};

	amp_vdev_block_init(&g.io, g.mem, 2, g.dfeatures, vr);
}

/* Poll both sides alternately until a round delivers nothing. */
static void pump(int rounds)
{
	while (rounds-- > 0) {
		int a = poll_side(&g.side[1]);
		int b = poll_side(&g.side[0]);

		if (a <= 0 && b <= 0)
			break;
	}
}

/*
 * Poll both sides for a fixed number of rounds. A round that delivers nothing can still send:
 * each poll ends with the announcements that waited for a buffer, one per free buffer, so with
 * one-entry rings every endpoint and channel to announce takes a round.
 */
static void settle(void)
{
	for (int k = 0; k < 2 * (NEPT + NCH) + 4; k++) {
		(void)poll_side(&g.side[1]);
		(void)poll_side(&g.side[0]);
	}
}

/* Send a liveness message from @from's permanent endpoint to the other's; it must arrive. */
static void liveness(struct fside *from)
{
	struct fside *to = &g.side[!from->idx];
	uint8_t msg[LIVE_LEN];
	int rc;

	g.nonce++;
	memcpy(msg, "LiVe", 4);
	for (unsigned int i = 0; i < 4; i++)
		msg[4 + i] = (uint8_t)(g.nonce >> (8 * i));
	to->live_nonce = g.nonce;
	to->live_seen = false;
	rc = amp_rpmsg_trysendto(&from->ept[0], msg, sizeof(msg),
				 amp_rpmsg_endpoint_addr(&to->ept[0]));
	TRACE("  liveness %s -> %s = %d\n", from->idx ? "remote" : "host",
	      to->idx ? "remote" : "host", rc);
	CHECK(rc == 0);
	settle();
	CHECK(to->live_seen);
	to->live_nonce = 0;
}

/*
 * Recovery: the host resets the device, the firmware's device block is restored, the remote
 * sees the reset, the host starts again; then both directions must carry a message, whatever
 * happened before (INIT-007: nothing from the old session survives a reset).
 */
static void op_recover(void)
{
	struct fside *h = &g.side[0], *r = &g.side[1];

	if (g.da > UINT32_MAX)
		return; /* the host cannot start with the block above 4 GiB */
	for (int i = 0; i < 2; i++) {
		g.side[i].hold_next = 0;
		g.side[i].echo = false;
		g.side[i].probe_send = false;
	}
	g.nested = false;
	amp_rpmsg_link_stop(&h->link);
	write_block();
	(void)poll_side(r); /* sees status 0: down, and ready for the next session */
	CHECK(!r->up);
	CHECK(host_start() == 0);
	(void)poll_side(r);
	CHECK(r->up && amp_rpmsg_link_is_up(&r->link));
	g.tampered = false;
	h->rx_seq = r->seq;
	r->rx_seq = h->seq;
	settle();
	liveness(h);
	liveness(r);
}

static void op_pump(void)
{
	pump(1 + in8() % 8);
}

static void op_flush(void)
{
	amp_rpmsg_flush(&side_arg(in8())->link);
}

static void op_host_stop(void)
{
	amp_rpmsg_link_stop(&g.side[0].link);
	CHECK(!g.side[0].up);
	g.tampered = true;
}

static void op_remote_stop(void)
{
	amp_rpmsg_link_stop(&g.side[1].link);
	CHECK(!g.side[1].up);
	g.tampered = true;
}

typedef void (*op_fn)(void);

static const op_fn ops[OP_COUNT] = {
	[OP_RAW] = op_raw,
	[OP_FIELD] = op_field,
	[OP_DEV_PUSH] = op_dev_push,
	[OP_DRV_PUSH] = op_drv_push,
	[OP_DEV_RETURN] = op_dev_return,
	[OP_DRV_POST] = op_drv_post,
	[OP_POLL] = op_poll,
	[OP_SEND] = op_send,
	[OP_RESERVE] = op_reserve,
	[OP_SEND_RESERVED] = op_send_reserved,
	[OP_RELEASE_TX] = op_release_tx,
	[OP_HOLD] = op_hold,
	[OP_RELEASE_RX] = op_release_rx,
	[OP_EPT] = op_ept,
	[OP_CHANNEL] = op_channel,
	[OP_DRIVER] = op_driver,
	[OP_MODE] = op_mode,
	[OP_HOST_STOP] = op_host_stop,
	[OP_HOST_START] = op_host_start,
	[OP_REMOTE_STOP] = op_remote_stop,
	[OP_RECOVER] = op_recover,
	[OP_PUMP] = op_pump,
	[OP_FLUSH] = op_flush,
};

/* ------------------------------------------------------------------ setup */

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void *alloc_exact(size_t align, size_t size)
{
	void *p = NULL;

	/* exact size, so that the sanitizer's redzone starts right after the last byte */
	if (posix_memalign(&p, align, size))
		return NULL;
	return p;
}

static void side_init(struct fside *s, int idx, bool ns)
{
	static const uint32_t perm[2] = {HOST_ADDR, REMOTE_ADDR};
	uint32_t max_num = g.num[0] > g.num[1] ? g.num[0] : g.num[1];
	size_t work = AMP_RPMSG_LINK_WORK_SIZE(max_num);
	struct amp_rpmsg_link_config cfg = {
		.role = idx ? AMP_RPMSG_DEVICE : AMP_RPMSG_DRIVER,
		.vdev = g.mem,
		.io = g.io,
		.addr = amp_addr_map_regions(&g.table),
		.features =
			(ns ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS) : 0) |
			(g.opts & H_EVENT_IDX ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) : 0) |
			(g.opts & H_INDIRECT ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC) : 0),
		.openamp_used_len = idx && (g.opts & H_OPENAMP_LEN),
		.channels = s->ch,
		.channel_count = NCH,
		.notify = notify,
		.notify_ctx = s,
		.tx_timeout_ms = 3,
	};
	struct amp_rpmsg_endpoint_config ecfg = {
		.name = idx ? "fz-svc" : "fz-host",
		.addr = perm[idx],
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = ept_cb,
		.priv = s,
		.announce = ns,
	};

	s->idx = idx;
	s->work = alloc_exact(8, work);
	CHECK(s->work);
	cfg.work = s->work;
	cfg.work_size = work;
	if (!idx) {
		cfg.ring[0] = g.mem + g.ring_off[0];
		cfg.ring[1] = g.mem + g.ring_off[1];
		cfg.ring_size[0] = g.ring_size[0];
		cfg.ring_size[1] = g.ring_size[1];
		cfg.pool = g.mem + g.pool_off;
		cfg.pool_size = g.size - g.pool_off;
		cfg.rx_buf_size = g.rx_size;
		cfg.tx_buf_size = g.tx_size;
		cfg.rx_bufs = g.rx_bufs;
		cfg.tx_bufs = g.tx_bufs;
	}
	amp_rpmsg_node_init(&s->node, g.opts & H_WAIT ? &ops_wait : &ops_nowait, s);
	CHECK(amp_rpmsg_link_init(&s->link, &s->node, &cfg) == 0);
	s->drv = (struct amp_rpmsg_driver){
		.id_table = drv_ids,
		.probe = drv_probe,
		.remove = drv_remove,
		.callback = drv_cb,
	};
	CHECK(amp_rpmsg_driver_register(&s->node, &s->drv) == 0);
	s->drv_on = true;
	CHECK(amp_rpmsg_endpoint_create(&s->ept[0], &s->link, &ecfg) == 0);
	s->live[0] = true;
	CHECK(no_locks(s));
}

/* Decode the header, lay out and allocate the block, bring both sides up. */
static bool setup(void)
{
	static const uint32_t bufs[4] = {512, 32, 96, 272};
	static const uint32_t aligns[4] = {4096, 4, 16, 64};
	uint8_t b0 = in8(), b1 = in8(), opts = in8(), b3 = in8();
	uint16_t dasel;

	g.opts = opts;
	(void)in8(); /* the budget, read by the caller */
	dasel = in16();
	g.num[0] = 1u << (b0 % 7);
	g.num[1] = 1u << (b1 % 7);
	g.align = aligns[(b3 >> 2) & 3];
	g.io.order = opts & H_BIG ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN;
	g.dfeatures = (opts & H_DEV_NS ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS) : 0) |
		      (opts & H_EVENT_IDX ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) : 0) |
		      (opts & H_INDIRECT ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC) : 0);
	g.rx_size = bufs[b3 & 3];
	g.tx_size = b3 & H_TX_128 ? 128 : g.rx_size;
	g.rx_bufs = b3 & H_HALF_RX ? (g.num[0] + 1) / 2 : 0;
	g.tx_bufs = b3 & H_HALF_TX ? (g.num[1] + 1) / 2 : 0;
	g.rx_count = g.rx_bufs ? g.rx_bufs : g.num[0];
	g.tx_count = g.tx_bufs ? g.tx_bufs : g.num[1];
	for (int r = 0; r < 2; r++) {
		if (amp_vring_layout(g.num[r], g.align, &g.lay[r]))
			return false; /* num 1 needs no used-ring alignment, other sizes may */
		g.ring_size[r] = g.lay[r].size;
	}
	if (g.lay[0].used & 3 || g.lay[1].used & 3)
		return false; /* an alignment the ring refuses: nothing to run */
	g.ring_off[0] = RING0_OFF;
	g.ring_off[1] = align_up(RING0_OFF + g.ring_size[0], g.align == 4096 ? 4096 : 64);
	g.pool_off = align_up(g.ring_off[1] + g.ring_size[1], 64);
	g.size = g.pool_off + (size_t)g.rx_count * g.rx_size + (size_t)g.tx_count * g.tx_size;
	g.da = (uint64_t)0x1000 * (1u + dasel);
	if (b3 & H_HIGH_DA)
		g.da += 0x100000000ull;
	g.mem = alloc_exact(4096, g.size);
	CHECK(g.mem);
	memset(g.mem, 0, g.size);
	g.region = (struct amp_mem_region){.da = g.da, .va = g.mem, .size = g.size};
	g.table = (struct amp_region_table){.regions = &g.region, .count = 1};
	write_block();

	side_init(&g.side[0], 0, opts & H_HOST_NS);
	side_init(&g.side[1], 1, opts & H_REMOTE_NS);
	if (g.da > UINT32_MAX) {
		/* Ring addresses are 32-bit in the device block: the host must refuse. */
		CHECK(amp_rpmsg_link_start(&g.side[0].link) == -AMP_EINVAL);
		return true;
	}
	CHECK(host_start() == 0);
	(void)poll_side(&g.side[1]);
	CHECK(g.side[1].up);
	return true;
}

static void teardown(void)
{
	free(g.side[0].work);
	free(g.side[1].work);
	free(g.mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t budget;

	fuzz_trace_init();
	memset(&g, 0, sizeof(g));
	g.p = data;
	g.n = size;
	budget = 1 + 4u * (size > 4 ? data[4] : 0);
	if (!setup()) {
		teardown();
		return 0;
	}
	TRACE("num %u/%u align %u buf %u/%u bufs %u/%u opts %#x da %#llx size %zu\n", g.num[0],
	      g.num[1], g.align, g.rx_size, g.tx_size, g.rx_count, g.tx_count, g.opts,
	      (unsigned long long)g.da, g.size);
	check_state();
	for (uint32_t k = 0; k < budget && g.n; k++) {
		uint8_t op = in8() % OP_COUNT;

		TRACE("op %u\n", op);
		ops[op]();
		check_state();
	}
	teardown();
	return 0;
}

#else /* AMP_FUZZ_MAKE_SEEDS */

#include <errno.h>
#include <sys/stat.h>

#include "seed_writer.h"

static const char *out_dir;

/* Sizes as log2 (0..6), options of header bytes 2 and 3, budget byte, block address. */
static void header(struct seed *s, unsigned int log0, unsigned int log1, unsigned int opts,
		   unsigned int bufs, unsigned int budget, unsigned int dasel)
{
	s->n = 0;
	seed_u8(s, log0);
	seed_u8(s, log1);
	seed_u8(s, opts);
	seed_u8(s, bufs);
	seed_u8(s, budget);
	seed_u16(s, dasel);
}

#define NS_ALL (H_DEV_NS | H_HOST_NS | H_REMOTE_NS)

static void save(const char *name, const struct seed *s)
{
	seed_save(out_dir, name, s);
}

static void snd(struct seed *s, unsigned int side, unsigned int variant, unsigned int slot,
		unsigned int addr, unsigned int len)
{
	seed_u8(s, OP_SEND);
	seed_u8(s, side | variant << 1);
	seed_u8(s, slot);
	seed_u8(s, addr);
	seed_u16(s, len);
}

static void pump(struct seed *s, unsigned int rounds)
{
	seed_u8(s, OP_PUMP);
	seed_u8(s, rounds);
}

static void field(struct seed *s, unsigned int sel, unsigned int idx, uint32_t v)
{
	seed_u8(s, OP_FIELD);
	seed_u8(s, sel);
	seed_u8(s, idx);
	seed_u32(s, v);
}

int main(int argc, char **argv)
{
	struct seed s;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0777) && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}

	/* Honest traffic both ways, echo, holds and releases, zero-copy; then a recovery. */
	header(&s, 4, 4, NS_ALL, 0, 64, 0x3ff);
	pump(&s, 4);
	snd(&s, 0, V_SENDTO, 0, 0, 40);
	snd(&s, 1, V_TRYSENDTO, 0, 0, 200);
	seed_u8(&s, OP_HOLD);
	seed_u8(&s, 1);
	seed_u8(&s, 2);
	pump(&s, 4);
	seed_u8(&s, OP_MODE);
	seed_u8(&s, 1);
	seed_u8(&s, M_ECHO);
	snd(&s, 0, V_SEND, 0, 0, 13);
	snd(&s, 0, V_SENDTO, 0, 1, 496);
	snd(&s, 0, V_SENDTO, 0, 0, 497);
	pump(&s, 4);
	snd(&s, 0, V_MORE, 0, 0, 30);
	snd(&s, 0, V_TRYMORE, 0, 0, 31);
	seed_u8(&s, OP_FLUSH);
	seed_u8(&s, 0);
	snd(&s, 1, V_MORE, 0, 0, 32);
	snd(&s, 1, V_MORE, 0, 0, 33);
	pump(&s, 4);
	seed_u8(&s, OP_RELEASE_RX);
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u8(&s, OP_RELEASE_RX);
	seed_u8(&s, 1);
	seed_u8(&s, 0xff);
	seed_u8(&s, OP_RESERVE);
	seed_u8(&s, 0);
	seed_u8(&s, OP_SEND_RESERVED);
	seed_u8(&s, 0 | 1 << 1);
	seed_u8(&s, 0);
	seed_u8(&s, 0);
	seed_u16(&s, 64);
	seed_u8(&s, OP_RESERVE);
	seed_u8(&s, 1);
	seed_u8(&s, OP_RELEASE_TX);
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	pump(&s, 4);
	seed_u8(&s, OP_RECOVER);
	save("sample", &s);

	/* Big-endian, one-entry rings, 32-byte buffers, blocking sends with a wait hook that
	 * runs the other side. */
	header(&s, 0, 0, NS_ALL | H_BIG | H_WAIT, H_BUF_32 | H_ALIGN_16, 64, 0x10);
	pump(&s, 2);
	seed_u8(&s, OP_MODE);
	seed_u8(&s, 0);
	seed_u8(&s, M_NESTED_POLL);
	for (unsigned int i = 0; i < 4; i++) {
		snd(&s, 0, V_SENDTO, 0, 0, 16);
		snd(&s, 1, V_SENDTO, 0, 0, 8 + i);
	}
	pump(&s, 4);
	seed_u8(&s, OP_RECOVER);
	save("big-endian-tiny", &s);

	/* A hostile device: messages with bad lengths and ids, used.idx jumps, NS garbage. */
	header(&s, 3, 3, NS_ALL | H_EVENT_IDX, H_BUF_96, 80, 0x80);
	pump(&s, 2);
	seed_u8(&s, OP_DEV_PUSH); /* well-formed, to the host's permanent endpoint */
	seed_u8(&s, 0);
	seed_u8(&s, 5);
	seed_u16(&s, 20);
	seed_u32(&s, 0);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 1);
	seed_u8(&s, OP_DEV_PUSH); /* header len beyond the buffer */
	seed_u8(&s, 2);
	seed_u8(&s, 5);
	seed_u16(&s, 20);
	seed_u32(&s, 0xffff0000u);
	seed_u8(&s, OP_DEV_PUSH); /* used.len 0 */
	seed_u8(&s, 1 << 3);
	seed_u8(&s, 5);
	seed_u16(&s, 20);
	seed_u32(&s, 0);
	seed_u8(&s, OP_DEV_PUSH); /* to the name service */
	seed_u8(&s, 0);
	seed_u8(&s, 2);
	seed_u16(&s, 40);
	seed_u32(&s, 0);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 5);
	seed_u8(&s, OP_DEV_PUSH); /* an id out of range */
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u16(&s, 8);
	seed_u32(&s, 1000);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 1);
	seed_u8(&s, OP_DEV_RETURN); /* a transmit buffer returned twice */
	seed_u8(&s, 0);
	seed_u32(&s, 0);
	seed_u8(&s, OP_DEV_RETURN);
	seed_u8(&s, 1);
	seed_u32(&s, 0);
	snd(&s, 0, V_TRYSENDTO, 0, 0, 10);
	seed_u8(&s, OP_RECOVER);
	seed_u8(&s, OP_DEV_PUSH); /* used.idx jumps ahead */
	seed_u8(&s, 0x20);
	seed_u8(&s, 0);
	seed_u16(&s, 8);
	seed_u32(&s, 5u << 24);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 1);
	seed_u8(&s, OP_RECOVER);
	save("hostile-device", &s);

	/* A hostile driver: buffers in the spare area, writable buffers to receive from, bad
	 * lengths, indirect flags, avail.idx jumps. */
	header(&s, 3, 3, NS_ALL | H_INDIRECT, 0, 80, 0x200);
	pump(&s, 2);
	seed_u8(&s, OP_DRV_PUSH); /* well-formed, in the spare area */
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u8(&s, 0);
	seed_u16(&s, 24);
	seed_u32(&s, 0x40);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_DRV_PUSH); /* a writable descriptor where a readable one belongs */
	seed_u8(&s, 0x08);
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u16(&s, 24);
	seed_u32(&s, 0x0200);
	seed_u8(&s, OP_DRV_PUSH); /* descriptor length below the header */
	seed_u8(&s, 0x04);
	seed_u8(&s, 2);
	seed_u8(&s, 0);
	seed_u16(&s, 24);
	seed_u32(&s, 8u << 16);
	seed_u8(&s, OP_DRV_PUSH); /* header len above the descriptor */
	seed_u8(&s, 0x40);
	seed_u8(&s, 3);
	seed_u8(&s, 0);
	seed_u16(&s, 4);
	seed_u32(&s, 400);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 6);
	seed_u8(&s, OP_DRV_POST); /* a readable buffer posted for the remote to write */
	seed_u8(&s, 0x08);
	seed_u8(&s, 0);
	seed_u16(&s, 0);
	seed_u32(&s, 0);
	snd(&s, 1, V_TRYSENDTO, 0, 0, 10);
	seed_u8(&s, OP_DRV_PUSH); /* indirect descriptor */
	seed_u8(&s, 0x08);
	seed_u8(&s, 4);
	seed_u8(&s, 0);
	seed_u16(&s, 24);
	seed_u32(&s, 0x0400);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_RECOVER);
	seed_u8(&s, OP_DRV_PUSH); /* avail.idx jumps past num */
	seed_u8(&s, 0x20);
	seed_u8(&s, 0);
	seed_u8(&s, 0);
	seed_u16(&s, 8);
	seed_u32(&s, 7u << 24);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_RECOVER);
	save("hostile-driver", &s);

	/* The device block changes under the remote: ring sizes, addresses, status flips,
	 * features; host stops and starts with the block as it is. */
	header(&s, 2, 2, NS_ALL, H_ALIGN_64, 80, 0x40);
	pump(&s, 2);
	field(&s, 0, 0, 0); /* status 0 behind the host's back */
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	field(&s, 0, 0, 7);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_HOST_STOP);
	field(&s, 5, 0, 1024); /* vring0 num beyond the host's memory */
	seed_u8(&s, OP_HOST_START);
	seed_u8(&s, OP_RECOVER);
	seed_u8(&s, OP_HOST_STOP);
	field(&s, 3, 1, 0xfffff000u); /* vring1 outside the window */
	field(&s, 0, 0, 7);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	field(&s, 0, 0, 0);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_RECOVER);
	seed_u8(&s, OP_REMOTE_STOP);
	snd(&s, 0, V_TRYSENDTO, 0, 0, 10);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 3);
	field(&s, 1, 0, 0xffffffffu); /* gfeatures: everything */
	seed_u8(&s, OP_HOST_STOP);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_HOST_START);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 3);
	seed_u8(&s, OP_RECOVER);
	save("hostile-block", &s);

	/* Endpoints, channels and drivers come and go; announcements with and without F_NS. */
	header(&s, 3, 3, NS_ALL, H_HALF_RX | H_TX_128, 80, 0x100);
	pump(&s, 2);
	for (unsigned int i = 0; i < 4; i++) {
		seed_u8(&s, OP_EPT);
		seed_u8(&s, i & 1);
		seed_u8(&s, i);
		seed_u8(&s, i ? 0 : 5 | 1 << 3);
		seed_u8(&s, (i + 1) | (i & 1 ? 0x80 : 0));
	}
	pump(&s, 4);
	seed_u8(&s, OP_CHANNEL);
	seed_u8(&s, 0);
	seed_u8(&s, 1);
	seed_u8(&s, 5 | 2 << 3);
	seed_u8(&s, 3);
	seed_u8(&s, OP_CHANNEL);
	seed_u8(&s, 1);
	seed_u8(&s, 2);
	seed_u8(&s, 3);
	seed_u8(&s, 0);
	pump(&s, 4);
	seed_u8(&s, OP_MODE);
	seed_u8(&s, 0);
	seed_u8(&s, M_PROBE_FAIL | M_PROBE_SEND);
	seed_u8(&s, OP_DRIVER);
	seed_u8(&s, 0);
	seed_u8(&s, OP_DRIVER);
	seed_u8(&s, 0);
	seed_u8(&s, OP_CHANNEL);
	seed_u8(&s, 0 | 2);
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u8(&s, 0);
	seed_u8(&s, OP_EPT);
	seed_u8(&s, 1);
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u8(&s, 0);
	pump(&s, 4);
	seed_u8(&s, OP_HOST_STOP);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_HOST_START);
	pump(&s, 4);
	seed_u8(&s, OP_RECOVER);
	save("lifecycle", &s);

	/* No name service on the remote: NS messages from the host arrive without F_NS. */
	header(&s, 2, 5, H_DEV_NS | H_HOST_NS | H_OPENAMP_LEN | H_WAIT, H_BUF_272 | H_ALIGN_4, 64,
	       0x7fff);
	pump(&s, 2);
	snd(&s, 0, V_SENDTO, 0, 2, 40);
	snd(&s, 1, V_SENDTO, 0, 2, 40);
	pump(&s, 4);
	seed_u8(&s, OP_RAW); /* garbage over the first host receive buffer */
	seed_u16(&s, 0x1000);
	seed_u8(&s, 8);
	seed_u32(&s, 0xdeadbeefu);
	seed_u32(&s, 0x35);
	seed_u8(&s, OP_RECOVER);
	save("no-ns-openamp", &s);

	/* The remote's attach fails on a ring whose used ring would be misaligned, then the
	 * remote stops its link. */
	header(&s, 1, 1, NS_ALL, 0, 16, 0x20);
	pump(&s, 2);
	seed_u8(&s, OP_HOST_STOP);
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_HOST_START);
	field(&s, 4, 1, 2); /* vring1 align 2 */
	seed_u8(&s, OP_POLL);
	seed_u8(&s, 2);
	seed_u8(&s, OP_REMOTE_STOP);
	seed_u8(&s, OP_RECOVER);
	save("hostile-align-stop", &s);
	return 0;
}

#endif /* AMP_FUZZ_MAKE_SEEDS */
