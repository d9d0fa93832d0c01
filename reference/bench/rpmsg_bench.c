// SPDX-License-Identifier: BSD-3-Clause
/*
 * rpmsg benchmark: a host node (driver role) and a remote node (device role) of the reference on
 * one rpmsg link, each on its own polling thread pinned to CPU0 and CPU1, vrings of 256 entries,
 * 512-byte buffers; with the raw split-ring echo and the two-cache-line ping-pong measured in the
 * same run as calibrations (bench_harness.c, shared with the vring benchmark).
 *
 *	rpmsg_bench [--quick] [--json] [--pause] [--event-idx]
 *
 * --pause puts a PAUSE instruction in the doorbell spin loops; --event-idx offers and accepts
 * VIRTIO_F_EVENT_IDX (remoteproc resource tables rarely do; off by default). Both exist to
 * explore where time goes; the published figures use neither.
 *
 * The method is the one used to measure OpenAMP and rpmsg-lite natively (the anchors the
 * targets come from): one zeroed shared mapping; doorbells are per-side sequence counters in a
 * 128-byte-aligned line owned by the receiver; the link's notify hook release-stores the next
 * sequence number into the peer's line; the receiver spins on its own line and runs the link's
 * interrupt entry, amp_rpmsg_link_poll(), on its own thread whenever the value changes. No lock
 * hooks: each link is used by one thread only.
 *
 * Echo: the host sends a copying amp_rpmsg_sendto() of 16 or 496 bytes to the remote's
 * endpoint, whose callback checks it and replies with amp_rpmsg_sendto() to the source; the host
 * waits until its callback has seen (and copied out) the reply; one message in flight.
 * Stream: the host sends back to back with blocking copying sends; when all 256 transmit
 * buffers are out it waits in the platform's wait hook (spinning on its doorbell, which the
 * remote rings when it returns buffers while a sender waits); ns per message from the first send
 * to the remote's last receive. rpmsg_stream_* is the API's streaming mode: AMP_RPMSG_MORE on
 * every message but each STREAM_BATCH-th, which publishes and decides on a kick once per batch
 * (the spec allows any batching; the last message of a batch is an ordinary send).
 * rpmsg_stream_*_unbatched sends every message with plain amp_rpmsg_send(), which publishes
 * and decides every time, as Linux, OpenAMP and rpmsg-lite do. Every message carries its
 * sequence number in its first and last 8 bytes, checked on receipt, so no message can be
 * skipped or truncated unnoticed.
 *
 * The machine is shared and its two CPUs are sometimes two threads of one core and sometimes
 * not, which changes every figure several-fold. So each run measures the calibrations and the
 * echo back to back, the ratios are taken within each run, and the report gives the median of
 * the per-run ratios next to the median of each figure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/rpmsg.h"
#include "amp/virtio.h"
#include "bench_harness.h"

/* Layout of the shared mapping, as in reference/tests/rpmsg_pair.c. */
#define MAP_DA      0x40000000ull
#define RING_BASE   0x1000u
#define NOTIFYID0   0u
#define NOTIFYID1   1u
#define HOST_ADDR   0x400u
#define REMOTE_ADDR 0x401u
#define CHANNELS    2

/* Idle spins on a doorbell before polling anyway: a lost wakeup would cost time, not a hang. */
#define IDLE_POLL_SPINS (1u << 20)
/* Spins of the host's wait hook before it returns and the sender looks at the ring again. */
#define WAIT_SPINS (1u << 16)

enum mode { ECHO, STREAM, STREAM_UNBATCHED };

/* Messages per publication in the streaming mode. */
#define STREAM_BATCH 32

struct bench;

/**
 * struct side - everything one node owns; written only by its own thread, except @bell
 * @node: the node
 * @link: its end of the link
 * @ept: its endpoint (HOST_ADDR or REMOTE_ADDR)
 * @ch: channel pool of the link (unused: plain endpoints)
 * @work: the link's bookkeeping area
 * @b: the benchmark
 * @peer_bell: the peer's doorbell
 * @rung: last value stored into @peer_bell
 * @seen: last value of @bell acted on
 * @received: messages the endpoint's callback accepted
 * @wait_ns: time spent in the wait hook not yet charged to the sender's timeout
 * @local: where the host's callback copies a reply out
 * @bell: this side's doorbell, written by the peer: on a line of its own
 */
struct side {
	_Alignas(128) struct amp_rpmsg_node node;
	struct amp_rpmsg_link link;
	struct amp_rpmsg_endpoint ept;
	struct amp_rpmsg_channel ch[CHANNELS];
	void *work;
	struct bench *b;
	uint64_t *peer_bell;
	uint64_t rung;
	uint64_t seen;
	uint64_t received;
	double wait_ns;
	uint8_t local[BENCH_BUF_SIZE];
	_Alignas(128) uint64_t bell;
};

/**
 * struct bench - one timed run
 * @host: the driver-role node (calling thread, CPU0)
 * @remote: the device-role node (CPU1)
 * @done: set by the remote when the last streamed message arrived; its own line
 * @mem: the shared mapping (read-only for both threads from here on, like the rest)
 * @mem_size: its size
 * @region: the mapping as one window at device address MAP_DA, unlike its local address
 * @table: the translation both links use
 * @mode: echo or stream
 * @count: round trips or messages
 * @payload: payload bytes
 * @pause: PAUSE in spin loops
 * @event_idx: negotiate VIRTIO_F_EVENT_IDX
 */
struct bench {
	struct side host;
	struct side remote;
	_Alignas(128) uint64_t done;
	_Alignas(128) uint8_t *mem;
	size_t mem_size;
	struct amp_mem_region region;
	struct amp_region_table table;
	enum mode mode;
	uint64_t count;
	uint32_t payload;
	bool pause;
	bool event_idx;
};

static bool opt_pause, opt_event_idx;

static bool extra_arg(const char *arg)
{
	if (!strcmp(arg, "--pause"))
		opt_pause = true;
	else if (!strcmp(arg, "--event-idx"))
		opt_event_idx = true;
	else
		return false;
	return true;
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline void spin_hint(const struct bench *b)
{
#if defined(__x86_64__) || defined(__i386__)
	if (b->pause)
		__builtin_ia32_pause();
#else
	(void)b;
#endif
}

/* ------------------------------------------------------------------ doorbells */

/* The link's notify hook: ring the peer's doorbell. Only this thread writes it, so the next
 * value comes from a local count: reading the peer's line first would cost a transfer. */
static void ring_bell(void *ctx, uint32_t notifyid)
{
	struct side *s = ctx;

	(void)notifyid; /* one doorbell per direction: the receiver polls the whole link */
	__atomic_store_n(s->peer_bell, ++s->rung, __ATOMIC_RELEASE);
}

/* Spin until the doorbell moves (or a bounded idle time passed). */
static void wait_bell(struct side *s)
{
	uint64_t v;
	uint32_t spins = 0;

	while ((v = __atomic_load_n(&s->bell, __ATOMIC_ACQUIRE)) == s->seen) {
		spin_hint(s->b);
		if (++spins == IDLE_POLL_SPINS)
			break;
	}
	s->seen = v;
}

/*
 * The interrupt handler: poll until a pass ends because the ring ran dry rather than because it
 * did a whole lap, as an ISR loops until its ring is empty. Everything the peer published before
 * ringing is seen by the first pass (the doorbell store is a release after the index store, our
 * load an acquire); whatever arrives after a pass found the ring dry comes with a doorbell of
 * its own (both nodes keep their receive notifications on).
 */
static void service(struct side *s)
{
	int n;

	while ((n = amp_rpmsg_link_poll(&s->link)) >= BENCH_NUM)
		;
	if (n < 0)
		bench_die("poll", n);
}

/*
 * The host's wait hook (no lock hooks, so nothing to release): spin on the doorbell, which the
 * remote rings when it returns transmit buffers while a sender waits, for a bounded time, then
 * let the sender look at the ring again. The time is charged to the send's timeout.
 */
static int host_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	struct side *s = ctx;
	double t0 = bench_now_ns();

	(void)link;
	for (uint32_t i = 0; i < WAIT_SPINS; i++) {
		uint64_t v = __atomic_load_n(&s->bell, __ATOMIC_ACQUIRE);

		if (v != s->seen) {
			s->seen = v;
			break;
		}
		spin_hint(s->b);
	}
	s->wait_ns += bench_now_ns() - t0;
	while (s->wait_ns >= 1e6 && *timeout_ms) {
		s->wait_ns -= 1e6;
		--*timeout_ms;
	}
	return *timeout_ms ? 0 : -AMP_ETIMEDOUT;
}

static const struct amp_rpmsg_platform_ops host_ops = {.wait = host_wait};

/* ------------------------------------------------------------------ messages */

static void fill(uint8_t *buf, uint32_t len, uint64_t seq)
{
	memset(buf, 0x5a, len);
	memcpy(buf, &seq, sizeof(seq));
	memcpy(buf + len - sizeof(seq), &seq, sizeof(seq));
}

/* The sequence number at both ends of the payload, read once each. */
static bool check(const void *data, size_t len, uint32_t want_len, uint64_t seq)
{
	uint64_t a, z;

	if (len != want_len)
		return false;
	memcpy(&a, data, sizeof(a));
	memcpy(&z, (const uint8_t *)data + len - sizeof(z), sizeof(z));
	return a == seq && z == seq;
}

static int remote_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		     void *priv)
{
	struct side *r = priv;
	struct bench *b = r->b;
	int err;

	if (!check(data, len, b->payload, r->received))
		bench_die("remote received", -AMP_EBADMSG);
	r->received++;
	if (b->mode == ECHO) {
		/* A copying reply straight from the receive buffer, as the echo samples do. */
		err = amp_rpmsg_sendto(ept, data, len, src);
		if (err)
			bench_die("remote reply", err);
	} else if (r->received == b->count) {
		__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

static int host_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src, void *priv)
{
	struct side *h = priv;

	(void)ept;
	if (src != REMOTE_ADDR || len > sizeof(h->local))
		bench_die("host received", -AMP_EBADMSG);
	/* Copy out, then check the copy: the application consumes the reply. */
	memcpy(h->local, data, len);
	if (!check(h->local, len, h->b->payload, h->received))
		bench_die("host received", -AMP_EBADMSG);
	h->received++;
	return 0;
}

/* ------------------------------------------------------------------ the two halves */

static void echo_host(void *arg)
{
	struct bench *b = arg;
	struct side *h = &b->host;
	uint8_t msg[BENCH_BUF_SIZE];

	for (uint64_t i = 0; i < b->count; i++) {
		int err;

		fill(msg, b->payload, i);
		err = amp_rpmsg_sendto(&h->ept, msg, b->payload, REMOTE_ADDR);
		if (err)
			bench_die("host send", err);
		while (h->received == i) {
			wait_bell(h);
			service(h);
		}
	}
}

static void stream_host(void *arg)
{
	struct bench *b = arg;
	struct side *h = &b->host;
	uint8_t msg[BENCH_BUF_SIZE];

	fill(msg, b->payload, 0);
	for (uint64_t i = 0; i < b->count; i++) {
		int err;

		/* Only the sequence numbers change between messages. */
		memcpy(msg, &i, sizeof(i));
		memcpy(msg + b->payload - sizeof(i), &i, sizeof(i));
		if (b->mode == STREAM_UNBATCHED)
			err = amp_rpmsg_send(&h->ept, msg, b->payload);
		else
			err = amp_rpmsg_send_flags(&h->ept, HOST_ADDR, REMOTE_ADDR, msg, b->payload,
						   (i + 1) % STREAM_BATCH ? AMP_RPMSG_MORE : 0);
		if (err)
			bench_die("host send", err);
	}
	while (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE))
		spin_hint(b);
}

static void remote_loop(void *arg)
{
	struct bench *b = arg;
	struct side *r = &b->remote;

	while (r->received < b->count) {
		wait_bell(r);
		service(r);
	}
}

/* ------------------------------------------------------------------ set-up */

static void *alloc_work(size_t size)
{
	void *p = aligned_alloc(128, align_up(size, 128));

	if (!p)
		bench_die("work area", -AMP_ENOMEM);
	memset(p, 0, align_up(size, 128));
	return p;
}

/* Lay out the mapping as rpmsg_pair.c does, start the host, bring the remote up. */
static struct bench *setup(enum mode mode, uint64_t count, uint32_t payload)
{
	uint32_t features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS) |
			    (opt_event_idx ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) : 0);
	struct amp_vdev_vring_info vr[2] = {
		{.da = 0, .align = 4096, .num = BENCH_NUM, .notifyid = NOTIFYID0},
		{.da = 0, .align = 4096, .num = BENCH_NUM, .notifyid = NOTIFYID1},
	};
	size_t ring_size = amp_vring_size(BENCH_NUM, 4096);
	size_t work_size = AMP_RPMSG_LINK_WORK_SIZE(BENCH_NUM);
	size_t ring1 = align_up(RING_BASE + ring_size, 4096);
	size_t pool = align_up(ring1 + ring_size, 4096);
	size_t pool_size = (size_t)2 * BENCH_NUM * BENCH_BUF_SIZE;
	struct amp_io io = {.order = AMP_NATIVE_BYTE_ORDER};
	struct amp_rpmsg_link_config hc, rc;
	struct amp_rpmsg_endpoint_config ec;
	struct bench *b = aligned_alloc(128, align_up(sizeof(*b), 128));
	int err;

	if (!b)
		bench_die("set-up", -AMP_ENOMEM);
	memset(b, 0, sizeof(*b));
	b->mode = mode;
	b->count = count;
	b->payload = payload;
	b->pause = opt_pause;
	b->event_idx = opt_event_idx;
	b->mem_size = align_up(pool + pool_size, 4096);
	b->mem = aligned_alloc(4096, b->mem_size);
	if (!b->mem)
		bench_die("mapping", -AMP_ENOMEM);
	memset(b->mem, 0, b->mem_size);
	b->region = (struct amp_mem_region){.da = MAP_DA, .va = b->mem, .size = b->mem_size};
	b->table = (struct amp_region_table){.regions = &b->region, .count = 1};
	amp_vdev_block_init(&io, b->mem, 2, features, vr);

	b->host.b = b->remote.b = b;
	b->host.peer_bell = &b->remote.bell;
	b->remote.peer_bell = &b->host.bell;
	b->host.work = alloc_work(work_size);
	b->remote.work = alloc_work(work_size);
	amp_rpmsg_node_init(&b->host.node, &host_ops, &b->host);
	amp_rpmsg_node_init(&b->remote.node, NULL, NULL);
	hc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DRIVER,
		.vdev = b->mem,
		.io = io,
		.addr = amp_addr_map_regions(&b->table),
		.features = features,
		.ring = {b->mem + RING_BASE, b->mem + ring1},
		.ring_size = {ring_size, ring_size},
		.pool = b->mem + pool,
		.pool_size = pool_size,
		.rx_buf_size = BENCH_BUF_SIZE,
		.tx_buf_size = BENCH_BUF_SIZE,
		.work = b->host.work,
		.work_size = work_size,
		.channels = b->host.ch,
		.channel_count = CHANNELS,
		.notify = ring_bell,
		.notify_ctx = &b->host,
	};
	rc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DEVICE,
		.vdev = b->mem,
		.io = io,
		.addr = amp_addr_map_regions(&b->table),
		.features = features,
		.work = b->remote.work,
		.work_size = work_size,
		.channels = b->remote.ch,
		.channel_count = CHANNELS,
		.notify = ring_bell,
		.notify_ctx = &b->remote,
	};
	err = amp_rpmsg_link_init(&b->host.link, &b->host.node, &hc);
	if (!err)
		err = amp_rpmsg_link_init(&b->remote.link, &b->remote.node, &rc);
	if (err)
		bench_die("link init", err);

	/* Plain endpoints at fixed addresses; the host's default destination is the remote's. */
	ec = (struct amp_rpmsg_endpoint_config){
		.addr = HOST_ADDR, .dst = REMOTE_ADDR, .cb = host_cb, .priv = &b->host};
	err = amp_rpmsg_endpoint_create(&b->host.ept, &b->host.link, &ec);
	if (err)
		bench_die("host endpoint", err);
	ec = (struct amp_rpmsg_endpoint_config){
		.addr = REMOTE_ADDR, .dst = HOST_ADDR, .cb = remote_cb, .priv = &b->remote};
	err = amp_rpmsg_endpoint_create(&b->remote.ept, &b->remote.link, &ec);
	if (err)
		bench_die("remote endpoint", err);

	err = amp_rpmsg_link_start(&b->host.link);
	if (err)
		bench_die("host start", err);
	err = amp_rpmsg_link_poll(&b->remote.link);
	if (err < 0 || !amp_rpmsg_link_is_up(&b->remote.link))
		bench_die("remote link-up", err < 0 ? err : -AMP_ENOTCONN);
	/* The host's "online" kick was consumed by the poll above. */
	b->remote.seen = b->remote.bell;
	b->host.seen = b->host.bell;
	return b;
}

/* Check the counters against what the run did, outside the timing. */
static void verify(struct bench *b)
{
	const struct amp_rpmsg_stats *hs = amp_rpmsg_link_stats(&b->host.link);
	const struct amp_rpmsg_stats *rs = amp_rpmsg_link_stats(&b->remote.link);

	if (b->remote.received != b->count || rs->rx_messages != b->count ||
	    hs->tx_messages != b->count ||
	    (b->mode == ECHO && (b->host.received != b->count || rs->tx_messages != b->count)))
		bench_die("message count", -AMP_EPROTO);
	for (int e = AMP_RPMSG_EV_RING_FAULT; e < AMP_RPMSG_EV_COUNT; e++)
		if (hs->events[e] || rs->events[e])
			bench_die(amp_rpmsg_event_name((enum amp_rpmsg_event)e), -AMP_EPROTO);
}

static void teardown(struct bench *b)
{
	free(b->host.work);
	free(b->remote.work);
	free(b->mem);
	free(b);
}

/* Nanoseconds per round trip or message over one fresh set-up. */
static double rpmsg_once(enum mode mode, uint64_t count, uint32_t payload)
{
	struct bench *b = setup(mode, count, payload);
	double ns =
		bench_timed(mode == ECHO ? echo_host : stream_host, remote_loop, b) / (double)count;

	verify(b);
	teardown(b);
	return ns;
}

struct params {
	uint64_t echo_round_trips;
	uint64_t stream_messages;
	uint64_t pingpong_rounds;
	int runs;
};

enum metric_id {
	M_ECHO16,
	M_ECHO496,
	M_STREAM16,
	M_STREAM496,
	M_STREAM16_UNBATCHED,
	M_STREAM496_UNBATCHED,
	M_VRING_ECHO,
	M_PINGPONG,
	M_OVER_VRING,
	M_OVER_PINGPONG,
	M_COUNT
};

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *target;
	} def[M_COUNT] = {
		[M_ECHO16] = {"rpmsg_echo_rtt_16_ns", "-"},
		[M_ECHO496] = {"rpmsg_echo_rtt_496_ns", "-"},
		[M_STREAM16] = {"rpmsg_stream_16_ns", "<= 60"},
		[M_STREAM496] = {"rpmsg_stream_496_ns", "<= 120"},
		[M_STREAM16_UNBATCHED] = {"rpmsg_stream_16_unbatched_ns", "-"},
		[M_STREAM496_UNBATCHED] = {"rpmsg_stream_496_unbatched_ns", "-"},
		[M_VRING_ECHO] = {"vring_echo_rtt_16_ns", "calibration"},
		[M_PINGPONG] = {"pingpong_rtt_ns", "calibration"},
		[M_OVER_VRING] = {"rpmsg_over_vring", "<= 1.15"},
		[M_OVER_PINGPONG] = {"rpmsg_echo_over_pingpong", "<= 2.9"},
	};
	struct params p = {200000, 1000000, 1000000, 5};
	double v[M_COUNT][BENCH_MAX_RUNS];
	struct bench_metric m[M_COUNT];
	struct bench_options opt;
	char headline[200];
	int runs;

	bench_parse_args("rpmsg_bench", argc, argv, extra_arg, &opt);
	if (opt.quick)
		p = (struct params){20000, 100000, 100000, 3};
	runs = p.runs < BENCH_MAX_RUNS ? p.runs : BENCH_MAX_RUNS;

	for (int r = 0; r < runs; r++) {
		/* The calibrations and the echo it is compared with, back to back. */
		v[M_PINGPONG][r] = bench_pingpong_rtt_ns(p.pingpong_rounds, 1);
		v[M_VRING_ECHO][r] = bench_vring_echo_rtt_ns(16, p.echo_round_trips, 1);
		v[M_ECHO16][r] = rpmsg_once(ECHO, p.echo_round_trips, 16);
		v[M_OVER_VRING][r] = v[M_ECHO16][r] / v[M_VRING_ECHO][r];
		v[M_OVER_PINGPONG][r] = v[M_ECHO16][r] / v[M_PINGPONG][r];
		v[M_ECHO496][r] = rpmsg_once(ECHO, p.echo_round_trips, 496);
		v[M_STREAM16][r] = rpmsg_once(STREAM, p.stream_messages, 16);
		v[M_STREAM496][r] = rpmsg_once(STREAM, p.stream_messages, 496);
		v[M_STREAM16_UNBATCHED][r] = rpmsg_once(STREAM_UNBATCHED, p.stream_messages, 16);
		v[M_STREAM496_UNBATCHED][r] = rpmsg_once(STREAM_UNBATCHED, p.stream_messages, 496);
	}
	for (int i = 0; i < M_COUNT; i++)
		m[i] = (struct bench_metric){def[i].name, bench_median(v[i], runs), def[i].target};

	snprintf(headline, sizeof(headline),
		 "rpmsg: vrings of %d, %d-byte buffers, host and remote on polling threads on CPUs "
		 "0 and 1, doorbells%s%s, streams batched by %d; medians of %d runs (ratios: of "
		 "per-run ratios)",
		 BENCH_NUM, BENCH_BUF_SIZE, opt_pause ? " with PAUSE" : "",
		 opt_event_idx ? ", EVENT_IDX" : "", STREAM_BATCH, runs);
	bench_report("rpmsg", headline, m, M_COUNT, opt.json);
	return 0;
}
