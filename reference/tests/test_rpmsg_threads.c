// SPDX-License-Identifier: BSD-3-Clause
/*
 * rpmsg with real threads: the host node and the remote node of one rpmsg_pair each run a poll
 * thread, woken only by the peer's kicks (a doorbell per side), with the platform hooks a
 * POSIX system would give them: one mutex per (link, lock kind) and one for each node's bus,
 * wait = pthread_cond_timedwait() on the link's TX mutex, wake = pthread_cond_broadcast().
 *
 *   sample            the seed's sample across threads: announce, probe, "dude", N replies
 *   stream_*          4 sender threads x M blocking sends in one direction while the other side
 *                     polls: every message exactly once, in order per sender, no timeout
 *   tiny_ring_*       the same with 4-entry rings, so that senders block all the time: the
 *                     wake-up protocol (sleepers, TX-complete notifications) carries the run
 *   *_more_*          the same with AMP_RPMSG_MORE batching across the sender threads
 *   destroy_*         an endpoint destroyed while the poll thread delivers to it is never
 *                     called after amp_rpmsg_endpoint_destroy() returned
 *   reset_during_remote_poll
 *                     the host resets the device in the middle of the remote's poll (stepped
 *                     on one thread so that the interleaving is exact)
 *
 * Poll threads sleep until kicked, with no timer to fall back on: a lost notification (NOTIF-003,
 * NOTIF-004) or a lost wake-up stalls the run and fails it at the deadline instead of only
 * slowing it down.
 *
 * Message counts scale with AMP_STRESS_MESSAGES (as test_vring_threads.c): the defaults below
 * are for AMP_STRESS_MESSAGES=2000000; ./scripts/test --long (10 000 000) runs 5 times more.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

#define SAMPLE_REPLIES 10000u /* round trips of the sample */
#define STREAM_SENDERS 4u
#define STREAM_MSGS    20000u /* per sender, 256-entry rings */
#define TINY_MSGS      5000u  /* per sender, 4-entry rings */
#define DESTROY_ROUNDS 2000u  /* create/destroy cycles of the victim endpoint */
#define MAX_PAYLOAD    (AMP_RPMSG_BUF_SIZE - AMP_RPMSG_HDR_SIZE)
#define DEADLINE_MS    30000u /* a stalled run fails after this */

#define STREAM_RX_ADDR   0x4000u /* the receiving endpoint */
#define STREAM_SRC_ADDR  0x5000u /* sender i sends from 0x5000 + i */
#define VICTIM_ADDR      0x6000u
#define VICTIM_SRC_ADDR  0x6100u
#define VICTIM_MAX_SLEEP 1000 /* busy-loop iterations inside the victim's callback */

static uint64_t scaled(uint64_t base)
{
	const char *env = getenv("AMP_STRESS_MESSAGES");
	uint64_t v;

	if (!env)
		return base;
	v = base * strtoull(env, NULL, 0) / 2000000u;
	return v ? v : 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ platform hooks */

/**
 * struct side - one node's platform: locks, blocked-sender condition, doorbell, poll thread
 * @lock: one mutex per &enum amp_rpmsg_lock; the node has one link, so TX, RX and EPT are that
 *	link's and BUS is the node's
 * @tx_cond: blocked senders wait here, on @lock[AMP_RPMSG_LOCK_TX]
 * @link: the node's link (a hook called for any other link counts as @foreign)
 * @bell_lock: protects @bell and @stop
 * @bell_cond: the poll thread sleeps here
 * @bell: kicks received from the peer
 * @stop: ask the poll thread to exit
 * @poller: the poll thread
 * @running: @poller was started
 * @waits: calls of the wait hook
 * @wait_timeouts: waits that ended at the deadline
 * @wakes: calls of the wake hook
 * @foreign: hooks called with a link that is not @link (must stay 0)
 * @poll_error: first negative amp_rpmsg_link_poll() result (0: none)
 * @polls: amp_rpmsg_link_poll() calls of the poll thread
 */
struct side {
	pthread_mutex_t lock[AMP_RPMSG_LOCK_COUNT];
	pthread_cond_t tx_cond;
	struct amp_rpmsg_link *link;
	pthread_mutex_t bell_lock;
	pthread_cond_t bell_cond;
	uint64_t bell;
	bool stop;
	pthread_t poller;
	bool running;
	atomic_uint waits, wait_timeouts, wakes, foreign;
	atomic_int poll_error;
	uint64_t polls;
};

static pthread_mutex_t *side_mutex(struct side *s, struct amp_rpmsg_link *link,
				   enum amp_rpmsg_lock which)
{
	/* BUS comes with link == NULL; every other lock names our one link. */
	if ((which == AMP_RPMSG_LOCK_BUS) != (link == NULL) || (link && link != s->link) ||
	    (unsigned int)which >= AMP_RPMSG_LOCK_COUNT)
		atomic_fetch_add(&s->foreign, 1);
	return &s->lock[(unsigned int)which % AMP_RPMSG_LOCK_COUNT];
}

static void hook_lock(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock which)
{
	pthread_mutex_lock(side_mutex(ctx, link, which));
}

static void hook_unlock(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock which)
{
	pthread_mutex_unlock(side_mutex(ctx, link, which));
}

/* Called with the TX lock held; the condition variable releases it while blocked, so a wake
 * issued under the TX lock cannot fall between the sender's last look at the ring and here. */
static int hook_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	struct side *s = ctx;
	struct timespec deadline, now;
	int64_t left_ns;
	int rc;

	if (link != s->link)
		atomic_fetch_add(&s->foreign, 1);
	atomic_fetch_add(&s->waits, 1);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += *timeout_ms / 1000;
	deadline.tv_nsec += (long)(*timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	rc = pthread_cond_timedwait(&s->tx_cond, &s->lock[AMP_RPMSG_LOCK_TX], &deadline);
	clock_gettime(CLOCK_MONOTONIC, &now);
	left_ns = (int64_t)(deadline.tv_sec - now.tv_sec) * 1000000000LL +
		  (deadline.tv_nsec - now.tv_nsec);
	/* Round up: a spurious wake-up must not shorten the time left to nothing. */
	*timeout_ms = left_ns > 0 ? (uint32_t)((left_ns + 999999) / 1000000) : 0;
	if (rc == ETIMEDOUT) {
		atomic_fetch_add(&s->wait_timeouts, 1);
		*timeout_ms = 0;
		return -AMP_ETIMEDOUT;
	}
	return 0;
}

static void hook_wake(void *ctx, struct amp_rpmsg_link *link)
{
	struct side *s = ctx;

	if (link != s->link)
		atomic_fetch_add(&s->foreign, 1);
	atomic_fetch_add(&s->wakes, 1);
	pthread_cond_broadcast(&s->tx_cond);
}

static const struct amp_rpmsg_platform_ops thread_ops = {
	.lock = hook_lock,
	.unlock = hook_unlock,
	.wait = hook_wait,
	.wake = hook_wake,
};

/* The link's notify hook: ring the peer's doorbell (the interrupt of the other processor). */
static void ring_bell(void *ctx, uint32_t notifyid)
{
	struct side *peer = ctx;

	(void)notifyid;
	pthread_mutex_lock(&peer->bell_lock);
	peer->bell++;
	pthread_cond_signal(&peer->bell_cond);
	pthread_mutex_unlock(&peer->bell_lock);
}

/*
 * The interrupt handler of one side: sleep until kicked, then poll until a call delivers
 * nothing. A poll does at most one lap of the ring, so one that delivered something may have
 * left work whose kick came before we sampled the doorbell.
 */
static void *poll_thread(void *arg)
{
	struct side *s = arg;
	uint64_t seen = 0;

	for (;;) {
		int n;

		pthread_mutex_lock(&s->bell_lock);
		while (s->bell == seen && !s->stop)
			pthread_cond_wait(&s->bell_cond, &s->bell_lock);
		if (s->stop) {
			pthread_mutex_unlock(&s->bell_lock);
			break;
		}
		seen = s->bell;
		pthread_mutex_unlock(&s->bell_lock);
		do {
			n = amp_rpmsg_link_poll(s->link);
			s->polls++;
			if (n < 0) {
				int zero = 0;

				atomic_compare_exchange_strong(&s->poll_error, &zero, n);
			}
		} while (n > 0);
	}
	return NULL;
}

static void side_init(struct side *s)
{
	pthread_condattr_t ca;

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < AMP_RPMSG_LOCK_COUNT; i++)
		pthread_mutex_init(&s->lock[i], NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->tx_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->bell_lock, NULL);
	pthread_cond_init(&s->bell_cond, NULL);
}

static void side_fini(struct side *s)
{
	for (unsigned int i = 0; i < AMP_RPMSG_LOCK_COUNT; i++)
		pthread_mutex_destroy(&s->lock[i]);
	pthread_cond_destroy(&s->tx_cond);
	pthread_mutex_destroy(&s->bell_lock);
	pthread_cond_destroy(&s->bell_cond);
}

static int side_start(struct side *s)
{
	s->stop = false;
	if (pthread_create(&s->poller, NULL, poll_thread, s))
		return -1;
	s->running = true;
	return 0;
}

static void side_stop(struct side *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->bell_lock);
	s->stop = true;
	pthread_cond_signal(&s->bell_cond);
	pthread_mutex_unlock(&s->bell_lock);
	pthread_join(s->poller, NULL);
	s->running = false;
}

/**
 * struct rig - an rpmsg_pair whose two nodes run on their own threads
 * @p: the pair (memory layout, links, channels)
 * @host: the host's platform
 * @remote: the remote's platform
 */
struct rig {
	struct rpmsg_pair p;
	struct side host, remote;
};

static struct rig rig;

/*
 * Lay out the pair with the thread hooks and re-attach both links with the fixture's
 * configuration but a doorbell notify hook: the fixture's kick counters cannot wake a thread.
 */
static int rig_init(struct rig *r, uint32_t num, enum amp_byte_order order)
{
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_link_config hc, rc;
	int err;

	side_init(&r->host);
	side_init(&r->remote);
	rpmsg_pair_default_config(&cfg);
	cfg.num0 = num;
	cfg.num1 = num;
	cfg.order = order;
	cfg.host_ops = &thread_ops;
	cfg.host_ctx = &r->host;
	cfg.remote_ops = &thread_ops;
	cfg.remote_ctx = &r->remote;
	err = rpmsg_pair_init(&r->p, &cfg);
	if (err)
		return err;
	hc = r->p.hlink.cfg;
	rc = r->p.rlink.cfg;
	hc.notify = ring_bell;
	hc.notify_ctx = &r->remote;
	rc.notify = ring_bell;
	rc.notify_ctx = &r->host;
	amp_rpmsg_node_init(&r->p.host, &thread_ops, &r->host);
	amp_rpmsg_node_init(&r->p.remote, &thread_ops, &r->remote);
	err = amp_rpmsg_link_init(&r->p.hlink, &r->p.host, &hc);
	if (!err)
		err = amp_rpmsg_link_init(&r->p.rlink, &r->p.remote, &rc);
	r->host.link = &r->p.hlink;
	r->remote.link = &r->p.rlink;
	return err;
}

static void rig_stop_threads(struct rig *r)
{
	side_stop(&r->host);
	side_stop(&r->remote);
}

/* What must hold once the threads are stopped: hooks used correctly, no poll failed, no peer
 * misbehaved, and every buffer is where it belongs (RPMSG-008). */
static void rig_check_idle(struct rig *r, uint32_t num)
{
	const struct amp_rpmsg_stats *hs = amp_rpmsg_link_stats(&r->p.hlink);
	const struct amp_rpmsg_stats *rs = amp_rpmsg_link_stats(&r->p.rlink);
	struct amp_rpmsg_buffer_counts c;

	CHECK_EQ(atomic_load(&r->host.foreign), 0);
	CHECK_EQ(atomic_load(&r->remote.foreign), 0);
	CHECK_EQ(atomic_load(&r->host.poll_error), 0);
	CHECK_EQ(atomic_load(&r->remote.poll_error), 0);
	CHECK_EQ(atomic_load(&r->host.wait_timeouts), 0);
	CHECK_EQ(atomic_load(&r->remote.wait_timeouts), 0);
	for (unsigned int ev = AMP_RPMSG_EV_RING_FAULT; ev <= AMP_RPMSG_EV_BAD_BUFFER; ev++) {
		CHECK_EQ(hs->events[ev], 0);
		CHECK_EQ(rs->events[ev], 0);
	}
	/* Whatever is still in flight settles on one thread. */
	CHECK(rpmsg_pair_pump(&r->p, 1000) >= 0);
	amp_rpmsg_link_buffers(&r->p.hlink, &c);
	CHECK_EQ(c.rx_with_peer + c.rx_held, num);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, num);
	CHECK_EQ(c.rx_held, 0);
	CHECK_EQ(c.tx_reserved, 0);
	amp_rpmsg_link_buffers(&r->p.rlink, &c);
	CHECK_EQ(c.total, c.tx_free);
	CHECK_EQ(c.rx_held + c.tx_reserved, 0);
}

static void rig_fini(struct rig *r)
{
	rig_stop_threads(r);
	rpmsg_pair_fini(&r->p);
	side_fini(&r->host);
	side_fini(&r->remote);
}

/* Wait until *@counter reaches @target; false at the deadline. */
static bool wait_for(atomic_uint_fast64_t *counter, uint64_t target)
{
	uint64_t end = now_ms() + DEADLINE_MS;

	while (atomic_load(counter) < target) {
		if (now_ms() > end)
			return false;
		sleep_us(200);
	}
	return true;
}

/* ------------------------------------------------------------------ the sample across threads */

#define SAMPLE_LEN 8 /* "dude" and a 32-bit sequence number */

/**
 * struct sample - the sample's state; the callbacks run on the poll threads
 * @limit: round trips to run
 * @probed: the host driver's probe calls
 * @removed: its remove calls
 * @replies: echoes the host received, in order
 * @echoes: messages the remote echoed
 * @errors: payload, length, order or send failures seen in a callback
 * @remote_src: source of the last echo (the remote's endpoint)
 */
struct sample {
	uint32_t limit;
	atomic_uint probed, removed, errors;
	atomic_uint_fast64_t replies, echoes;
	atomic_uint remote_src;
};

static struct sample sample;

static void sample_msg(uint8_t *msg, uint32_t seq)
{
	memcpy(msg, "dude", 4);
	msg[4] = (uint8_t)seq;
	msg[5] = (uint8_t)(seq >> 8);
	msg[6] = (uint8_t)(seq >> 16);
	msg[7] = (uint8_t)(seq >> 24);
}

static int sample_probe(struct amp_rpmsg_channel *ch)
{
	uint8_t msg[SAMPLE_LEN];

	atomic_fetch_add(&sample.probed, 1);
	sample_msg(msg, 0);
	/* Runs on the host's poll thread, inside the name-service CREATE's delivery. */
	if (amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), msg, sizeof(msg)))
		atomic_fetch_add(&sample.errors, 1);
	return 0;
}

static void sample_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	atomic_fetch_add(&sample.removed, 1);
}

static int sample_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	uint64_t n = atomic_load(&sample.replies);
	uint8_t want[SAMPLE_LEN], got[SAMPLE_LEN];

	/* Copy before checking: the payload is in shared memory. */
	sample_msg(want, (uint32_t)n);
	if (len == SAMPLE_LEN)
		memcpy(got, data, SAMPLE_LEN);
	if (len != SAMPLE_LEN || memcmp(got, want, SAMPLE_LEN)) {
		fprintf(stderr, "sample: reply %llu: bad payload (len %zu)\n",
			(unsigned long long)n, len);
		atomic_fetch_add(&sample.errors, 1);
	}
	atomic_store(&sample.remote_src, src);
	if (n + 1 < sample.limit) {
		sample_msg(want, (uint32_t)n + 1);
		if (amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), want, SAMPLE_LEN))
			atomic_fetch_add(&sample.errors, 1);
	}
	/* Counted last: the main thread may tear down as soon as the count is complete. */
	atomic_store(&sample.replies, n + 1);
	return 0;
}

static const struct amp_rpmsg_device_id sample_ids[] = {{"rpmsg-client-sample"}, {NULL}};

static struct amp_rpmsg_driver sample_driver = {
	.id_table = sample_ids,
	.probe = sample_probe,
	.remove = sample_remove,
	.callback = sample_cb,
};

static int sample_echo(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		       void *priv)
{
	uint64_t n = atomic_load(&sample.echoes);
	uint8_t want[SAMPLE_LEN], got[SAMPLE_LEN];

	(void)priv;
	sample_msg(want, (uint32_t)n);
	if (len == SAMPLE_LEN)
		memcpy(got, data, SAMPLE_LEN);
	/* The host's first dynamic address; the request carries the next sequence number. */
	if (src != AMP_RPMSG_RESERVED_ADDRESSES || len != SAMPLE_LEN ||
	    memcmp(got, want, SAMPLE_LEN)) {
		fprintf(stderr, "sample: request %llu from %u: bad (len %zu)\n",
			(unsigned long long)n, src, len);
		atomic_fetch_add(&sample.errors, 1);
	}
	/* Counted before the echo goes out: the host may see the last reply, and the main
	 * thread check this count, before this callback returns. */
	atomic_store(&sample.echoes, n + 1);
	/* Blocking send on the remote's poll thread: buffers come back from the host's. */
	if (amp_rpmsg_sendto(ept, got, SAMPLE_LEN, src))
		atomic_fetch_add(&sample.errors, 1);
	return 0;
}

static void run_sample(enum amp_byte_order order)
{
	struct amp_rpmsg_endpoint ept;
	struct amp_rpmsg_endpoint_config ecfg = {
		.name = "rpmsg-client-sample",
		.addr = AMP_RPMSG_ADDR_ANY,
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = sample_echo,
		.announce = true,
	};
	uint32_t limit = (uint32_t)scaled(SAMPLE_REPLIES);
	uint64_t start = now_ms(), end;
	bool done;

	memset(&sample, 0, sizeof(sample));
	sample.limit = limit;
	REQUIRE(rig_init(&rig, 256, order) == 0);
	CHECK_EQ(amp_rpmsg_driver_register(&rig.p.host, &sample_driver), 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&ept, &rig.p.rlink, &ecfg), 0);

	/* The remote's thread brings its link up on the host's start kick and announces; the
	 * host's thread takes the announcement, probes the driver, and the ping-pong runs. */
	REQUIRE(side_start(&rig.remote) == 0);
	REQUIRE(amp_rpmsg_link_start(&rig.p.hlink) == 0);
	REQUIRE(side_start(&rig.host) == 0);
	done = wait_for(&sample.replies, limit);
	end = now_ms();
	CHECK(done);
	CHECK_EQ(atomic_load(&sample.probed), 1);
	CHECK_EQ(atomic_load(&sample.replies), limit);
	CHECK_EQ(atomic_load(&sample.echoes), limit);
	CHECK_EQ(atomic_load(&sample.errors), 0);
	CHECK_EQ(atomic_load(&sample.remote_src), amp_rpmsg_endpoint_addr(&ept));
	CHECK_EQ(amp_rpmsg_endpoint_dst(&ept), AMP_RPMSG_RESERVED_ADDRESSES);

	/* The remote withdraws its service from the main thread while both pollers run (NS-007):
	 * the host's channel goes away. */
	amp_rpmsg_endpoint_destroy(&ept);
	{
		uint64_t stop = now_ms() + DEADLINE_MS;

		while (!atomic_load(&sample.removed) && now_ms() < stop)
			sleep_us(200);
	}
	CHECK_EQ(atomic_load(&sample.removed), 1);
	rig_stop_threads(&rig);
	CHECK(amp_rpmsg_channel_find(&rig.p.hlink, "rpmsg-client-sample", AMP_RPMSG_ADDR_ANY) ==
	      NULL);
	CHECK_EQ(amp_rpmsg_link_stats(&rig.p.hlink)->rx_messages, limit);
	rig_check_idle(&rig, 256);
	printf("  %s: %u round trips in %llu ms, host polls %llu, remote polls %llu\n",
	       order == AMP_BIG_ENDIAN ? "BE" : "LE", limit, (unsigned long long)(end - start),
	       (unsigned long long)rig.host.polls, (unsigned long long)rig.remote.polls);

	amp_rpmsg_link_stop(&rig.p.hlink);
	CHECK(rpmsg_pair_pump(&rig.p, 10) >= 0);
	CHECK(!amp_rpmsg_link_is_up(&rig.p.rlink));
	rig_fini(&rig);
}

static void test_sample_threads(void)
{
	run_sample(AMP_LITTLE_ENDIAN);
}

static void test_sample_threads_big_endian(void)
{
	run_sample(AMP_BIG_ENDIAN);
}

/* ------------------------------------------------------------------ streams */

/* A mix of the sender and the sequence number: every message's length and bytes differ. */
static uint32_t stream_mix(uint32_t sender, uint32_t seq)
{
	uint32_t x = sender * 0x9e3779b9u ^ (seq + 0x7f4a7c15u) * 0x85ebca6bu;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return x;
}

/* 1..496 bytes: every length a 512-byte buffer can carry. */
static uint32_t stream_len(uint32_t sender, uint32_t seq)
{
	return 1 + stream_mix(sender, seq) % MAX_PAYLOAD;
}

/* Sender id and sequence number first when they fit, then a pattern of both. */
static void stream_fill(uint8_t *buf, uint32_t sender, uint32_t seq, uint32_t len)
{
	uint32_t mix = stream_mix(sender, seq);
	uint32_t i = 0;

	if (len >= 5) {
		buf[0] = (uint8_t)sender;
		buf[1] = (uint8_t)seq;
		buf[2] = (uint8_t)(seq >> 8);
		buf[3] = (uint8_t)(seq >> 16);
		buf[4] = (uint8_t)(seq >> 24);
		i = 5;
	}
	for (; i < len; i++)
		buf[i] = (uint8_t)((mix >> (8 * (i & 3))) + i);
}

/**
 * struct stream - one direction of a stream test
 * @from: the sending side's link
 * @senders: the sending endpoints, one per sender thread
 * @rx: the receiving endpoint
 * @messages: messages per sender
 * @more: send with AMP_RPMSG_MORE, but every 8th and the last message of each sender
 * @next: per sender, the sequence number expected next (written by the receiving thread only)
 * @delivered: messages received intact and in order
 * @bad: messages received out of order, duplicated or corrupted
 * @send_errors: sends that failed (a timeout included)
 * @first_send_error: the first failure's return value
 */
struct stream {
	struct amp_rpmsg_link *from;
	struct amp_rpmsg_endpoint senders[STREAM_SENDERS];
	struct amp_rpmsg_endpoint rx;
	uint32_t messages;
	bool more;
	uint32_t next[STREAM_SENDERS];
	atomic_uint_fast64_t delivered;
	atomic_uint bad, send_errors;
	atomic_int first_send_error;
};

static struct stream stream;

static int stream_rx(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		     void *priv)
{
	struct stream *st = priv;
	uint8_t got[MAX_PAYLOAD], want[MAX_PAYLOAD];
	uint32_t sender = src - STREAM_SRC_ADDR, seq;

	(void)ept;
	if (sender >= STREAM_SENDERS || len > MAX_PAYLOAD) {
		atomic_fetch_add(&st->bad, 1);
		return 0;
	}
	seq = st->next[sender];
	memcpy(got, data, len);
	stream_fill(want, sender, seq, stream_len(sender, seq));
	if (seq >= st->messages || len != stream_len(sender, seq) || memcmp(got, want, len)) {
		if (atomic_fetch_add(&st->bad, 1) < 5)
			fprintf(stderr, "stream: sender %u expected seq %u (len %u), got len %zu\n",
				sender, seq, stream_len(sender, seq), len);
		/* Resynchronise on the sequence number the message carries, if any, so that
		 * one loss is reported once and not as every later message. */
		if (len >= 5)
			st->next[sender] = ((uint32_t)got[1] | (uint32_t)got[2] << 8 |
					    (uint32_t)got[3] << 16 | (uint32_t)got[4] << 24) +
					   1;
		return 0;
	}
	st->next[sender] = seq + 1;
	atomic_fetch_add(&st->delivered, 1);
	return 0;
}

struct sender_arg {
	struct stream *st;
	uint32_t id;
};

static void *sender_thread(void *arg)
{
	struct sender_arg *a = arg;
	struct stream *st = a->st;
	uint8_t buf[MAX_PAYLOAD];

	for (uint32_t seq = 0; seq < st->messages; seq++) {
		uint32_t len = stream_len(a->id, seq);
		int err;

		unsigned int flags = 0;

		stream_fill(buf, a->id, seq, len);
		/* Queued unpublished, batched with whatever the other senders queue; the batch
		 * goes out with the next send without MORE, by any sender. */
		if (st->more && seq % 8 != 7 && seq + 1 < st->messages)
			flags = AMP_RPMSG_MORE;
		/* Blocking: with the ring full the thread sleeps in the wait hook until the
		 * peer returns a buffer and this side's poll thread wakes it. */
		err = amp_rpmsg_send_flags(&st->senders[a->id],
					   amp_rpmsg_endpoint_addr(&st->senders[a->id]),
					   STREAM_RX_ADDR, buf, len, flags);
		if (err) {
			int zero = 0;

			atomic_compare_exchange_strong(&st->first_send_error, &zero, err);
			atomic_fetch_add(&st->send_errors, 1);
			break;
		}
	}
	return NULL;
}

/*
 * STREAM_SENDERS threads of the host (host_sends) or of the remote each send @messages
 * messages to one endpoint of the other side; both poll threads run (the receiving one
 * delivers, the sending one wakes blocked senders when buffers come back).
 */
static void run_stream(bool host_sends, uint32_t num, uint32_t messages, bool more)
{
	struct amp_rpmsg_link *from, *to;
	struct side *sending;
	pthread_t t[STREAM_SENDERS];
	struct sender_arg args[STREAM_SENDERS];
	uint64_t total = (uint64_t)messages * STREAM_SENDERS, start, end;
	bool done;

	memset(&stream, 0, sizeof(stream));
	stream.messages = messages;
	stream.more = more;
	REQUIRE(rig_init(&rig, num, AMP_LITTLE_ENDIAN) == 0);
	from = host_sends ? &rig.p.hlink : &rig.p.rlink;
	to = host_sends ? &rig.p.rlink : &rig.p.hlink;
	sending = host_sends ? &rig.host : &rig.remote;
	stream.from = from;
	for (uint32_t i = 0; i < STREAM_SENDERS; i++) {
		struct amp_rpmsg_endpoint_config c = {.addr = STREAM_SRC_ADDR + i,
						      .dst = STREAM_RX_ADDR};

		CHECK_EQ(amp_rpmsg_endpoint_create(&stream.senders[i], from, &c), 0);
	}
	{
		struct amp_rpmsg_endpoint_config c = {.addr = STREAM_RX_ADDR,
						      .dst = AMP_RPMSG_ADDR_ANY,
						      .cb = stream_rx,
						      .priv = &stream};

		CHECK_EQ(amp_rpmsg_endpoint_create(&stream.rx, to, &c), 0);
	}
	REQUIRE(rpmsg_pair_start(&rig.p) == 0);
	REQUIRE(side_start(&rig.host) == 0);
	REQUIRE(side_start(&rig.remote) == 0);

	start = now_ms();
	for (uint32_t i = 0; i < STREAM_SENDERS; i++) {
		args[i] = (struct sender_arg){&stream, i};
		REQUIRE(pthread_create(&t[i], NULL, sender_thread, &args[i]) == 0);
	}
	for (uint32_t i = 0; i < STREAM_SENDERS; i++)
		pthread_join(t[i], NULL);
	done = wait_for(&stream.delivered, total);
	end = now_ms();
	rig_stop_threads(&rig);

	printf("  %s sends%s, num %u: %llu messages in %llu ms, sender waits %u, wakes %u, "
	       "polls %llu/%llu\n",
	       host_sends ? "host" : "remote", more ? " with MORE" : "", num,
	       (unsigned long long)total, (unsigned long long)(end - start),
	       atomic_load(&sending->waits), atomic_load(&sending->wakes),
	       (unsigned long long)rig.host.polls, (unsigned long long)rig.remote.polls);
	if (stream.send_errors)
		fprintf(stderr, "first send error %d\n", atomic_load(&stream.first_send_error));
	CHECK(done);
	CHECK_EQ(atomic_load(&stream.send_errors), 0);
	CHECK_EQ(atomic_load(&stream.bad), 0);
	CHECK_EQ(atomic_load(&stream.delivered), total);
	for (uint32_t i = 0; i < STREAM_SENDERS; i++)
		CHECK_EQ(stream.next[i], messages);
	CHECK_EQ(amp_rpmsg_link_stats(from)->tx_messages, total);
	CHECK_EQ(amp_rpmsg_link_stats(to)->rx_messages, total);
	CHECK_EQ(amp_rpmsg_link_stats(to)->events[AMP_RPMSG_EV_NO_RECIPIENT], 0);
	/* With 4 buffers for 4 senders the senders must have slept; the run shows they were all
	 * woken (no wait reached its deadline). */
	if (num <= STREAM_SENDERS)
		CHECK(atomic_load(&sending->waits) > 0);
	rig_check_idle(&rig, num);
	rig_fini(&rig);
}

static void test_stream_host_to_remote(void)
{
	run_stream(true, 256, (uint32_t)scaled(STREAM_MSGS), false);
}

static void test_stream_remote_to_host(void)
{
	run_stream(false, 256, (uint32_t)scaled(STREAM_MSGS), false);
}

static void test_tiny_ring_host_to_remote(void)
{
	run_stream(true, 4, (uint32_t)scaled(TINY_MSGS), false);
}

static void test_tiny_ring_remote_to_host(void)
{
	run_stream(false, 4, (uint32_t)scaled(TINY_MSGS), false);
}

/* AMP_RPMSG_MORE from several threads: batches mix senders, and a sender that runs out of
 * buffers must publish the batch before it sleeps, or nothing comes back to wake it. */
static void test_stream_more_host_to_remote(void)
{
	run_stream(true, 256, (uint32_t)scaled(STREAM_MSGS), true);
}

static void test_stream_more_remote_to_host(void)
{
	run_stream(false, 256, (uint32_t)scaled(STREAM_MSGS), true);
}

static void test_tiny_ring_more_host_to_remote(void)
{
	run_stream(true, 4, (uint32_t)scaled(TINY_MSGS), true);
}

static void test_tiny_ring_more_remote_to_host(void)
{
	run_stream(false, 4, (uint32_t)scaled(TINY_MSGS), true);
}

/* ------------------------------------------------------------------ destroy while delivering */

/**
 * struct incarnation - one life of the victim endpoint (create ... destroy)
 * @ept: the endpoint structure it uses
 * @calls: callbacks it got
 * @in_cb: a callback is running now
 * @gone: amp_rpmsg_endpoint_destroy() returned
 * @late: callbacks that started after @gone (must stay 0)
 */
struct incarnation {
	struct amp_rpmsg_endpoint *ept;
	atomic_uint calls, in_cb, gone, late;
};

/**
 * struct victim - the destroy test
 * @epts: two endpoint structures, used in turn
 * @lives: one record per incarnation
 * @stop: tell the senders to finish
 * @send_errors: sends that failed with something else than a full ring
 * @wrong_ept: callbacks whose endpoint is not their incarnation's
 */
struct victim {
	struct amp_rpmsg_endpoint epts[2];
	struct incarnation *lives;
	atomic_uint stop, send_errors, wrong_ept;
};

static struct victim victim;

static int victim_rx(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		     void *priv)
{
	struct incarnation *life = priv;
	uint32_t spin = ((uint32_t)len * 2654435761u) % VICTIM_MAX_SLEEP;

	(void)data;
	(void)src;
	if (atomic_load(&life->gone))
		atomic_fetch_add(&life->late, 1);
	if (ept != life->ept)
		atomic_fetch_add(&victim.wrong_ept, 1);
	atomic_store(&life->in_cb, 1);
	atomic_fetch_add(&life->calls, 1);
	/* Stay a little so that destroy often finds the callback running. */
	for (volatile uint32_t i = 0; i < spin; i++)
		;
	if (atomic_load(&life->gone))
		atomic_fetch_add(&life->late, 1);
	atomic_store(&life->in_cb, 0);
	return 0;
}

static void *victim_sender(void *arg)
{
	struct amp_rpmsg_endpoint *ept = arg;
	uint8_t buf[64];
	uint32_t n = 0;

	memset(buf, 0x5a, sizeof(buf));
	while (!atomic_load(&victim.stop)) {
		/* Blocking sends: messages to the victim's address while it is gone are dropped
		 * (RPMSG-009) but their buffers still come back. */
		int err = amp_rpmsg_sendto(ept, buf, 1 + n++ % sizeof(buf), VICTIM_ADDR);

		if (err)
			atomic_fetch_add(&victim.send_errors, 1);
	}
	return NULL;
}

/*
 * The side receiving (victim_on_remote: the remote) has its poll thread delivering a stream of
 * messages to VICTIM_ADDR from two sender threads of the other side; the main thread, another
 * thread of the receiving side, creates the endpoint, lets it receive, and destroys it, over
 * and over. amp_rpmsg_endpoint_destroy() must not return while the callback runs and no
 * callback may start afterwards (the EPT lock is held across callbacks).
 */
static void run_destroy(bool victim_on_remote)
{
	uint32_t rounds = (uint32_t)scaled(DESTROY_ROUNDS);
	struct amp_rpmsg_link *rx_link, *tx_link;
	struct amp_rpmsg_endpoint senders[2];
	pthread_t t[2];
	uint32_t running_at_destroy = 0, late = 0, in_cb_after = 0, received = 0, starved = 0;

	memset(&victim, 0, sizeof(victim));
	victim.lives = calloc(rounds, sizeof(*victim.lives));
	REQUIRE(victim.lives);
	REQUIRE(rig_init(&rig, 256, AMP_LITTLE_ENDIAN) == 0);
	rx_link = victim_on_remote ? &rig.p.rlink : &rig.p.hlink;
	tx_link = victim_on_remote ? &rig.p.hlink : &rig.p.rlink;
	for (uint32_t i = 0; i < 2; i++) {
		struct amp_rpmsg_endpoint_config c = {.addr = VICTIM_SRC_ADDR + i,
						      .dst = VICTIM_ADDR};

		CHECK_EQ(amp_rpmsg_endpoint_create(&senders[i], tx_link, &c), 0);
	}
	REQUIRE(rpmsg_pair_start(&rig.p) == 0);
	REQUIRE(side_start(&rig.host) == 0);
	REQUIRE(side_start(&rig.remote) == 0);
	for (uint32_t i = 0; i < 2; i++)
		REQUIRE(pthread_create(&t[i], NULL, victim_sender, &senders[i]) == 0);

	for (uint32_t k = 0; k < rounds; k++) {
		struct incarnation *life = &victim.lives[k];
		struct amp_rpmsg_endpoint_config c = {.addr = VICTIM_ADDR,
						      .dst = AMP_RPMSG_ADDR_ANY,
						      .cb = victim_rx,
						      .priv = life};
		uint64_t end = now_ms() + 1000;
		int err;

		life->ept = &victim.epts[k & 1];
		err = amp_rpmsg_endpoint_create(life->ept, rx_link, &c);
		CHECK_EQ(err, 0);
		if (err)
			break;
		/* Let it receive at least once (bounded: a stalled stream is reported below). */
		while (!atomic_load(&life->calls) && now_ms() < end)
			sched_yield();
		if (!atomic_load(&life->calls))
			starved++;
		running_at_destroy += atomic_load(&life->in_cb);
		amp_rpmsg_endpoint_destroy(life->ept);
		/* destroy returned: the callback is not running ... */
		in_cb_after += atomic_load(&life->in_cb);
		atomic_store(&life->gone, 1);
	}
	atomic_store(&victim.stop, 1);
	for (uint32_t i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	rig_stop_threads(&rig);

	/* ... and never ran again. */
	for (uint32_t k = 0; k < rounds; k++) {
		late += atomic_load(&victim.lives[k].late);
		received += atomic_load(&victim.lives[k].calls);
	}
	printf("  victim on %s: %u lives, %u callbacks, destroy found the callback running %u "
	       "times, %u messages dropped as unbound\n",
	       victim_on_remote ? "remote" : "host", rounds, received, running_at_destroy,
	       amp_rpmsg_link_stats(rx_link)->events[AMP_RPMSG_EV_NO_RECIPIENT]);
	CHECK_EQ(late, 0);
	CHECK_EQ(in_cb_after, 0);
	CHECK_EQ(atomic_load(&victim.wrong_ept), 0);
	CHECK_EQ(atomic_load(&victim.send_errors), 0);
	CHECK_EQ(starved, 0);
	CHECK_EQ(amp_rpmsg_link_stats(rx_link)->rx_messages, received);
	rig_check_idle(&rig, 256);
	rig_fini(&rig);
	free(victim.lives);
}

static void test_destroy_while_delivering_remote(void)
{
	run_destroy(true);
}

static void test_destroy_while_delivering_host(void)
{
	run_destroy(false);
}

/* ------------------------------------------------------------------ reset during a poll */

/**
 * struct reset_race - the host resets the device while the remote's poll is running
 * @p: the pair, stepped on one thread
 * @calls: callbacks of the remote's endpoint
 */
struct reset_race {
	struct rpmsg_pair p;
	uint32_t calls;
};

static struct reset_race race;

static int reset_rx(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		    void *priv)
{
	(void)ept;
	(void)data;
	(void)len;
	(void)src;
	(void)priv;
	/* What the host's thread does while the remote's poll runs on the other processor. */
	if (race.calls++ == 0)
		amp_rpmsg_link_stop(&race.p.hlink);
	return 0;
}

/*
 * The interleaving the two-process test runs into when the host stops the link right after
 * its last reply: the remote read DRIVER_OK at the start of its poll, then the host writes
 * status 0 (virtio_reset_device()) before the remote looks at the ring again. Stepped on one
 * thread so that the interleaving is exact: the remote's callback plays the host's thread.
 *
 * Expected: the reset leaves the rings alone (they are zeroed at the next start, when the
 * remote has seen status 0), so the remote finishes its lap (both messages, queued before the
 * reset, are delivered) without a ring fault or a failed poll; the next poll takes the link
 * down. Zeroing the rings at stop made the remote see avail.idx go backwards and report the
 * driver's orderly reset as RING_FAULT AVAIL_IDX.
 */
static void test_reset_during_remote_poll(void)
{
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_endpoint rx, tx;
	struct amp_rpmsg_endpoint_config rc = {
		.addr = 0x7000, .dst = AMP_RPMSG_ADDR_ANY, .cb = reset_rx};
	struct amp_rpmsg_endpoint_config tc = {.addr = 0x7001, .dst = 0x7000};
	const struct amp_rpmsg_stats *rs;
	int n;

	memset(&race, 0, sizeof(race));
	rpmsg_pair_default_config(&cfg);
	REQUIRE(rpmsg_pair_init(&race.p, &cfg) == 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&rx, &race.p.rlink, &rc), 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&tx, &race.p.hlink, &tc), 0);
	REQUIRE(rpmsg_pair_start(&race.p) == 0);
	CHECK(rpmsg_pair_pump(&race.p, 10) >= 0);
	CHECK_EQ(amp_rpmsg_trysend(&tx, "a", 1), 0);
	CHECK_EQ(amp_rpmsg_trysend(&tx, "b", 1), 0);

	n = amp_rpmsg_link_poll(&race.p.rlink);
	rs = amp_rpmsg_link_stats(&race.p.rlink);
	CHECK_EQ(race.calls, 2);
	CHECK(n >= 0);
	CHECK_EQ(rs->events[AMP_RPMSG_EV_RING_FAULT], 0);
	/* Whatever this poll returned, the next one sees status 0 and takes the link down. */
	CHECK_EQ(amp_rpmsg_link_poll(&race.p.rlink), 0);
	CHECK(!amp_rpmsg_link_is_up(&race.p.rlink));
	CHECK_EQ(rs->events[AMP_RPMSG_EV_LINK_DOWN], 1);
	amp_rpmsg_endpoint_destroy(&rx);
	amp_rpmsg_endpoint_destroy(&tx);
	rpmsg_pair_fini(&race.p);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_sample_threads),
		TEST(test_sample_threads_big_endian),
		TEST(test_stream_host_to_remote),
		TEST(test_stream_remote_to_host),
		TEST(test_tiny_ring_host_to_remote),
		TEST(test_tiny_ring_remote_to_host),
		TEST(test_stream_more_host_to_remote),
		TEST(test_stream_more_remote_to_host),
		TEST(test_tiny_ring_more_host_to_remote),
		TEST(test_tiny_ring_more_remote_to_host),
		TEST(test_destroy_while_delivering_remote),
		TEST(test_destroy_while_delivering_host),
		TEST(test_reset_during_remote_poll),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
