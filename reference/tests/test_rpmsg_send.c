// SPDX-License-Identifier: BSD-3-Clause
/*
 * The rpmsg send family, zero-copy transmit buffers, held receive buffers and the used lengths
 * each role reports, on an rpmsg_pair stepped on one thread.
 *
 * Both sides get the same endpoints (S at 1024 with default destination 1100, A at 1100 and B at
 * 1200), so every scenario runs in both directions with the same expectations: the host sends
 * on vring1 in buffers it owns, the remote on vring0 in buffers it learned from the host's
 * descriptors (RPMSG-005, RPMSG-006). The pool is filled with 0xa5 before the link comes up, so
 * that a header field a sender forgets to write shows (RPMSG-003).
 *
 * Blocking sends meet a platform wait hook that simulates time: it either reports the timeout
 * at once, consumes it in 1 s steps, or makes the peer run (which returns buffers), so no test
 * ever sleeps.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

#define ADDR_S   1024u /* the first dynamic address: the sender on both sides */
#define ADDR_A   1100u
#define ADDR_B   1200u
#define ADDR_OFF 3000u /* an off-channel source nobody bound */

enum { HOST = 0, REMOTE = 1 };

/* ---------------------------------------------------------------- fixture */

/**
 * struct rx_log - what one endpoint's callback saw
 * @count: messages delivered
 * @src: source of the last message
 * @len: length of the last message
 * @data: its payload (copied)
 * @hdr: the 16 header bytes in the shared buffer, as the sender wrote them
 * @hold: hold the buffer of the next message
 * @hold_err: what amp_rpmsg_hold_rx_buffer() returned for the payload pointer
 * @bad_hold_err: what it returned for a pointer one byte off
 * @held: the held payload pointer
 */
struct rx_log {
	int count;
	uint32_t src;
	size_t len;
	uint8_t data[AMP_RPMSG_BUF_SIZE];
	uint8_t hdr[AMP_RPMSG_HDR_SIZE];
	bool hold;
	int hold_err, bad_hold_err;
	void *held;
};

/**
 * struct side - one side's link and endpoints
 * @link: the link
 * @s: the sender, at ADDR_S, default destination ADDR_A
 * @a: a receiver at ADDR_A
 * @b: a receiver at ADDR_B
 * @ls: log of @s
 * @la: log of @a
 * @lb: log of @b
 */
struct side {
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_endpoint s, a, b;
	struct rx_log ls, la, lb;
};

enum wait_mode {
	WAIT_TIMEOUT, /* the time is up at the first wait */
	WAIT_TICK,    /* every wait takes 1 s */
	WAIT_PUMP,    /* the peer runs while we wait (1 s) and returns buffers */
};

/**
 * struct fixture - a pair, its endpoints and the wait hook's state
 * @p: the pair
 * @cfg: its configuration
 * @side: host and remote
 * @rx_count: the host's receive buffers
 * @tx_count: the host's transmit buffers
 * @wait_mode: what the wait hook does
 * @wait_calls: how often it was called
 * @first_timeout: *timeout_ms at its first call
 */
struct fixture {
	struct rpmsg_pair p;
	struct rpmsg_pair_config cfg;
	struct side side[2];
	uint32_t rx_count, tx_count;
	enum wait_mode wait_mode;
	int wait_calls;
	uint32_t first_timeout;
};

static struct fixture fx;

static int log_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src, void *priv)
{
	struct rx_log *log = priv;

	log->count++;
	log->src = src;
	log->len = len;
	memcpy(log->data, data, len < sizeof(log->data) ? len : sizeof(log->data));
	/* The payload pointer is inside the shared buffer: its header sits just before it. */
	memcpy(log->hdr, (const uint8_t *)data - AMP_RPMSG_HDR_SIZE, AMP_RPMSG_HDR_SIZE);
	if (log->hold) {
		log->hold = false;
		log->bad_hold_err = amp_rpmsg_hold_rx_buffer(ept, (uint8_t *)data + 1);
		log->hold_err = amp_rpmsg_hold_rx_buffer(ept, data);
		log->held = data;
	}
	return 0;
}

static struct amp_rpmsg_link *peer_of(struct amp_rpmsg_link *link)
{
	return link == &fx.p.hlink ? &fx.p.rlink : &fx.p.hlink;
}

static int wait_hook(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	struct fixture *f = ctx;

	if (!f->wait_calls++)
		f->first_timeout = *timeout_ms;
	/* A sender that ignored the time left would wait forever: end it, the call counts then
	 * show the failure. */
	if (f->wait_calls > 1000) {
		*timeout_ms = 0;
		return -AMP_ETIMEDOUT;
	}
	switch (f->wait_mode) {
	case WAIT_TIMEOUT:
		*timeout_ms = 0;
		return -AMP_ETIMEDOUT;
	case WAIT_TICK:
		if (*timeout_ms <= 1000) {
			*timeout_ms = 0;
			return -AMP_ETIMEDOUT;
		}
		*timeout_ms -= 1000;
		return 0;
	default:
		/* Called with the TX lock held; without lock hooks there is none to drop. Time
		 * passes here too, so that a peer that never returns a buffer ends the wait
		 * with -AMP_ETIMEDOUT instead of hanging the test. */
		(void)amp_rpmsg_link_poll(peer_of(link));
		if (*timeout_ms <= 1000) {
			*timeout_ms = 0;
			return -AMP_ETIMEDOUT;
		}
		*timeout_ms -= 1000;
		return 0;
	}
}

static const struct amp_rpmsg_platform_ops wait_ops = {.wait = wait_hook};

static uint32_t min256(uint32_t n)
{
	return n < 256 ? n : 256;
}

/* Lay out the pair (link down), optionally with the wait hook on both nodes. */
static int fx_init(const struct rpmsg_pair_config *cfg, bool with_wait)
{
	int err;

	memset(&fx, 0, sizeof(fx));
	fx.cfg = *cfg;
	if (with_wait) {
		fx.cfg.host_ops = &wait_ops;
		fx.cfg.host_ctx = &fx;
		fx.cfg.remote_ops = &wait_ops;
		fx.cfg.remote_ctx = &fx;
	}
	fx.rx_count = min256(cfg->num0);
	fx.tx_count = min256(cfg->num1);
	err = rpmsg_pair_init(&fx.p, &fx.cfg);
	if (err)
		return err;
	memset(fx.p.pool, 0xa5, fx.p.pool_size);
	fx.side[HOST].link = &fx.p.hlink;
	fx.side[REMOTE].link = &fx.p.rlink;
	for (int i = 0; i < 2; i++) {
		struct side *s = &fx.side[i];
		struct amp_rpmsg_endpoint_config c = {
			.addr = AMP_RPMSG_ADDR_ANY, .dst = ADDR_A, .cb = log_cb, .priv = &s->ls};

		err = amp_rpmsg_endpoint_create(&s->s, s->link, &c);
		c = (struct amp_rpmsg_endpoint_config){
			.addr = ADDR_A, .dst = AMP_RPMSG_ADDR_ANY, .cb = log_cb, .priv = &s->la};
		if (!err)
			err = amp_rpmsg_endpoint_create(&s->a, s->link, &c);
		c.addr = ADDR_B;
		c.priv = &s->lb;
		if (!err)
			err = amp_rpmsg_endpoint_create(&s->b, s->link, &c);
		if (err)
			return err;
	}
	return 0;
}

static int fx_setup(const struct rpmsg_pair_config *cfg, bool with_wait)
{
	int err = fx_init(cfg, with_wait);

	if (!err)
		err = rpmsg_pair_start(&fx.p);
	if (!err && rpmsg_pair_pump(&fx.p, 100) < 0)
		err = -AMP_EIO;
	return err;
}

static int pump(void)
{
	return rpmsg_pair_pump(&fx.p, 1000);
}

/* Buffer conservation on both sides (see amp_rpmsg_buffer_counts). */
static void check_conservation(int line)
{
	struct amp_rpmsg_buffer_counts c;

	amp_rpmsg_link_buffers(&fx.p.hlink, &c);
	if (c.rx_with_peer + c.rx_held != fx.rx_count ||
	    c.tx_free + c.tx_reserved + c.tx_with_peer != fx.tx_count) {
		fprintf(stderr,
			"%s:%d: host buffers not conserved: rx %u+%u of %u, tx %u+%u+%u of %u\n",
			__FILE__, line, c.rx_with_peer, c.rx_held, fx.rx_count, c.tx_free,
			c.tx_reserved, c.tx_with_peer, fx.tx_count);
		test_failures++;
	}
	amp_rpmsg_link_buffers(&fx.p.rlink, &c);
	if (c.total != c.rx_held + c.tx_reserved + c.tx_free) {
		fprintf(stderr, "%s:%d: remote holds %u buffers, accounts for %u+%u+%u\n", __FILE__,
			line, c.total, c.rx_held, c.tx_reserved, c.tx_free);
		test_failures++;
	}
}

#define CHECK_CONSERVED() check_conservation(__LINE__)

static void put16(enum amp_byte_order o, uint8_t *b, uint16_t v)
{
	b[o == AMP_BIG_ENDIAN ? 0 : 1] = (uint8_t)(v >> 8);
	b[o == AMP_BIG_ENDIAN ? 1 : 0] = (uint8_t)v;
}

static void put32(enum amp_byte_order o, uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[o == AMP_BIG_ENDIAN ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(enum amp_byte_order o, const volatile uint8_t *b)
{
	return o == AMP_BIG_ENDIAN ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static uint32_t get32(enum amp_byte_order o, const volatile uint8_t *b)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)b[o == AMP_BIG_ENDIAN ? 3 - i : i] << (8 * i);
	return v;
}

/* The raw header a sender must have written (RPMSG-001, RPMSG-003), built without the
 * library's encoder. */
static void check_hdr(const uint8_t raw[AMP_RPMSG_HDR_SIZE], uint32_t src, uint32_t dst,
		      uint16_t len, int line)
{
	uint8_t want[AMP_RPMSG_HDR_SIZE] = {0};

	put32(fx.cfg.order, want + 0, src);
	put32(fx.cfg.order, want + 4, dst);
	put16(fx.cfg.order, want + 12, len);
	if (memcmp(raw, want, sizeof(want))) {
		fprintf(stderr, "%s:%d: header bytes:", __FILE__, line);
		for (size_t i = 0; i < sizeof(want); i++)
			fprintf(stderr, " %02x", raw[i]);
		fprintf(stderr, "\n  expected:    ");
		for (size_t i = 0; i < sizeof(want); i++)
			fprintf(stderr, " %02x", want[i]);
		fprintf(stderr, "\n");
		test_failures++;
	}
}

/* A delivered message: on @log, from @src, @len bytes of pattern @seed, header as expected. */
static void check_rx(const struct rx_log *log, int count, uint32_t src, uint32_t dst, size_t len,
		     uint8_t seed, int line)
{
	bool ok = log->count == count && log->src == src && log->len == len;

	for (size_t i = 0; ok && i < len; i++)
		ok = log->data[i] == (uint8_t)(seed + i);
	if (!ok) {
		fprintf(stderr,
			"%s:%d: expected message %d from %u of %zu bytes (seed %u); got %d, last "
			"from %u of %zu bytes\n",
			__FILE__, line, count, src, len, seed, log->count, log->src, log->len);
		test_failures++;
	}
	check_hdr(log->hdr, src, dst, (uint16_t)len, line);
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i);
}

/* ---------------------------------------------------------------- the six variants */

enum variant { V_SEND, V_SENDTO, V_OFFCHANNEL, V_TRYSEND, V_TRYSENDTO, V_TRYOFFCHANNEL, V_COUNT };

static const char *const variant_names[V_COUNT] = {
	"send", "sendto", "send_offchannel", "trysend", "trysendto", "trysend_offchannel",
};

/* Call variant @v on @ept: sendto goes to @dst, offchannel from @src to @dst. */
static int send_variant(enum variant v, struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
			const void *data, size_t len)
{
	switch (v) {
	case V_SEND:
		return amp_rpmsg_send(ept, data, len);
	case V_SENDTO:
		return amp_rpmsg_sendto(ept, data, len, dst);
	case V_OFFCHANNEL:
		return amp_rpmsg_send_offchannel(ept, src, dst, data, len);
	case V_TRYSEND:
		return amp_rpmsg_trysend(ept, data, len);
	case V_TRYSENDTO:
		return amp_rpmsg_trysendto(ept, data, len, dst);
	default:
		return amp_rpmsg_trysend_offchannel(ept, src, dst, data, len);
	}
}

/* Where variant @v sends from S: send to S's default ADDR_A, sendto to ADDR_B, offchannel from
 * ADDR_OFF + v to ADDR_A. */
static void variant_addrs(enum variant v, uint32_t *src, uint32_t *dst)
{
	bool to = v == V_SENDTO || v == V_TRYSENDTO;
	bool off = v == V_OFFCHANNEL || v == V_TRYOFFCHANNEL;

	*src = off ? ADDR_OFF + v : ADDR_S;
	*dst = to ? ADDR_B : ADDR_A;
}

static void run_variants(enum amp_byte_order order, int from)
{
	struct rpmsg_pair_config cfg;
	struct side *tx, *rx;
	uint8_t buf[AMP_RPMSG_BUF_SIZE];

	rpmsg_pair_default_config(&cfg);
	cfg.order = order;
	REQUIRE(fx_setup(&cfg, false) == 0);
	tx = &fx.side[from];
	rx = &fx.side[!from];
	for (int v = 0; v < V_COUNT; v++) {
		uint32_t src, dst;
		size_t len = 1 + 37 * (size_t)v;
		uint8_t seed = (uint8_t)(0x10 * v + 1);
		struct rx_log *log;
		int before;
		uint64_t sent = amp_rpmsg_link_stats(tx->link)->tx_messages;

		variant_addrs(v, &src, &dst);
		log = dst == ADDR_B ? &rx->lb : &rx->la;
		before = log->count;
		fill(buf, len, seed);
		if (send_variant(v, &tx->s, src, dst, buf, len)) {
			fprintf(stderr, "%s from %s failed\n", variant_names[v],
				from == HOST ? "host" : "remote");
			test_failures++;
			continue;
		}
		CHECK_EQ(amp_rpmsg_link_stats(tx->link)->tx_messages, sent + 1);
		CHECK(pump() >= 1);
		check_rx(log, before + 1, src, dst, len, seed, __LINE__);
	}
	/* Nothing went astray. */
	CHECK_EQ(rx->la.count + rx->lb.count, V_COUNT);
	CHECK_EQ(rx->ls.count, 0);
	CHECK_EQ(amp_rpmsg_link_stats(rx->link)->events[AMP_RPMSG_EV_NO_RECIPIENT], 0);
	CHECK_CONSERVED();
	rpmsg_pair_fini(&fx.p);
}

static void test_variants_host_to_remote_le(void)
{
	run_variants(AMP_LITTLE_ENDIAN, HOST);
}

static void test_variants_remote_to_host_le(void)
{
	run_variants(AMP_LITTLE_ENDIAN, REMOTE);
}

static void test_variants_host_to_remote_be(void)
{
	run_variants(AMP_BIG_ENDIAN, HOST);
}

static void test_variants_remote_to_host_be(void)
{
	run_variants(AMP_BIG_ENDIAN, REMOTE);
}

/* ---------------------------------------------------------------- argument errors */

/* RPMSG_ADDR_ANY as source or destination is refused (RPMSG-004), and nothing is taken. */
static void test_addr_any_refused(void)
{
	struct rpmsg_pair_config cfg;
	uint8_t msg[4] = {1, 2, 3, 4};

	rpmsg_pair_default_config(&cfg);
	REQUIRE(fx_setup(&cfg, false) == 0);
	for (int i = 0; i < 2; i++) {
		struct side *s = &fx.side[i];
		struct amp_rpmsg_buffer_counts c;
		uint64_t sent = amp_rpmsg_link_stats(s->link)->tx_messages;
		void *data;
		uint32_t size;

		/* A has no default destination. */
		CHECK_EQ(amp_rpmsg_send(&s->a, msg, sizeof(msg)), -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_trysend(&s->a, msg, sizeof(msg)), -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_sendto(&s->s, msg, sizeof(msg), AMP_RPMSG_ADDR_ANY),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_trysendto(&s->s, msg, sizeof(msg), AMP_RPMSG_ADDR_ANY),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_send_offchannel(&s->s, AMP_RPMSG_ADDR_ANY, ADDR_A, msg,
						   sizeof(msg)),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_send_offchannel(&s->s, ADDR_S, AMP_RPMSG_ADDR_ANY, msg,
						   sizeof(msg)),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_trysend_offchannel(&s->s, AMP_RPMSG_ADDR_ANY, ADDR_A, msg,
						      sizeof(msg)),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_trysend_offchannel(&s->s, ADDR_S, AMP_RPMSG_ADDR_ANY, msg,
						      sizeof(msg)),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_send(NULL, msg, sizeof(msg)), -AMP_EINVAL);

		/* Zero-copy: refused, and the buffer stays reserved. */
		REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false) == 0);
		memcpy(data, msg, sizeof(msg));
		CHECK_EQ(amp_rpmsg_send_nocopy(&s->a, data, sizeof(msg)), -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_sendto_nocopy(&s->s, data, sizeof(msg), AMP_RPMSG_ADDR_ANY),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_send_offchannel_nocopy(&s->s, AMP_RPMSG_ADDR_ANY, ADDR_A, data,
							  sizeof(msg)),
			 -AMP_EINVAL);
		CHECK_EQ(amp_rpmsg_send_offchannel_nocopy(&s->s, ADDR_S, AMP_RPMSG_ADDR_ANY, data,
							  sizeof(msg)),
			 -AMP_EINVAL);
		amp_rpmsg_link_buffers(s->link, &c);
		CHECK_EQ(c.tx_reserved, 1);
		CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, data), 0);
		CHECK_EQ(amp_rpmsg_link_stats(s->link)->tx_messages, sent);
	}
	CHECK(pump() >= 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(fx.side[i].la.count + fx.side[i].lb.count + fx.side[i].ls.count, 0);
	CHECK_CONSERVED();
	rpmsg_pair_fini(&fx.p);
}

static void check_not_connected(struct side *s, int line)
{
	uint8_t msg[4] = {0};
	void *data = NULL;
	uint32_t size;
	int before = test_failures;

	for (int v = 0; v < V_COUNT; v++) {
		uint32_t src, dst;

		variant_addrs(v, &src, &dst);
		CHECK_EQ(send_variant(v, &s->s, src, dst, msg, sizeof(msg)), -AMP_ENOTCONN);
	}
	CHECK_EQ(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false), -AMP_ENOTCONN);
	CHECK_EQ(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, true), -AMP_ENOTCONN);
	if (test_failures != before)
		fprintf(stderr, "%s:%d: (the link above was expected down)\n", __FILE__, line);
}

/* Sending on a link that is not up: before start, before the remote saw DRIVER_OK, after stop. */
static void test_not_connected(void)
{
	struct rpmsg_pair_config cfg;
	uint8_t msg[4] = {0};

	rpmsg_pair_default_config(&cfg);
	REQUIRE(fx_init(&cfg, true) == 0);
	check_not_connected(&fx.side[HOST], __LINE__);
	check_not_connected(&fx.side[REMOTE], __LINE__);
	CHECK_EQ(fx.wait_calls, 0);

	/* The host is up; the remote has not polled yet. */
	REQUIRE(amp_rpmsg_link_start(&fx.p.hlink) == 0);
	check_not_connected(&fx.side[REMOTE], __LINE__);
	CHECK_EQ(amp_rpmsg_send(&fx.side[HOST].s, msg, sizeof(msg)), 0);
	CHECK(pump() >= 1);
	CHECK_EQ(fx.side[REMOTE].la.count, 1);
	CHECK_CONSERVED();

	/* Host stop: both sides are down once the remote has seen the reset. */
	amp_rpmsg_link_stop(&fx.p.hlink);
	check_not_connected(&fx.side[HOST], __LINE__);
	CHECK(pump() >= 0);
	CHECK(!amp_rpmsg_link_is_up(&fx.p.rlink));
	check_not_connected(&fx.side[REMOTE], __LINE__);
	CHECK_EQ(fx.wait_calls, 0);
	rpmsg_pair_fini(&fx.p);
}

/* ---------------------------------------------------------------- sizes */

/*
 * A payload of exactly buffer - 16 bytes fits, one more is -AMP_EMSGSIZE (RPMSG-002). The host
 * knows its buffer size; the remote learns it from the descriptors the host posts (RPMSG-006).
 */
static void run_sizes(uint32_t buf_size)
{
	struct rpmsg_pair_config cfg;
	uint32_t max = (buf_size ? buf_size : AMP_RPMSG_BUF_SIZE) - AMP_RPMSG_HDR_SIZE;
	static uint8_t buf[AMP_RPMSG_BUF_SIZE + 1];
	struct amp_rpmsg_buffer_counts c;

	rpmsg_pair_default_config(&cfg);
	cfg.buf_size = buf_size;
	REQUIRE(fx_setup(&cfg, false) == 0);
	CHECK_EQ(amp_rpmsg_link_payload_size(&fx.p.hlink), max);
	/* Nothing taken from vring0 yet: the remote does not know. */
	CHECK_EQ(amp_rpmsg_link_payload_size(&fx.p.rlink), 0);

	for (int i = 0; i < 2; i++) {
		struct side *s = &fx.side[i];
		struct side *peer = &fx.side[!i];

		for (int v = 0; v < V_COUNT; v++) {
			uint32_t src, dst;
			struct rx_log *log;
			int before;
			uint8_t seed = (uint8_t)(v + 7 * i);

			variant_addrs(v, &src, &dst);
			log = dst == ADDR_B ? &peer->lb : &peer->la;
			before = log->count;
			CHECK_EQ(send_variant(v, &s->s, src, dst, buf, max + 1), -AMP_EMSGSIZE);
			fill(buf, max, seed);
			CHECK_EQ(send_variant(v, &s->s, src, dst, buf, max), 0);
			CHECK(pump() >= 1);
			check_rx(log, before + 1, src, dst, max, seed, __LINE__);
			CHECK_CONSERVED();
		}
		CHECK_EQ(amp_rpmsg_link_payload_size(s->link), max);
		/* A refused send leaves no buffer behind (the remote keeps the one it took for
		 * the next send: it cannot give it back to the host unused). */
		CHECK_EQ(amp_rpmsg_trysend(&s->s, buf, max + 1), -AMP_EMSGSIZE);
		amp_rpmsg_link_buffers(s->link, &c);
		CHECK_EQ(c.tx_reserved, 0);
		if (i == HOST)
			CHECK_EQ(c.tx_free + c.tx_with_peer, fx.tx_count);
		else
			CHECK_EQ(c.total, c.tx_free);
		CHECK_CONSERVED();
	}
	rpmsg_pair_fini(&fx.p);
}

static void test_size_default(void)
{
	run_sizes(0);
}

static void test_size_256(void)
{
	run_sizes(256);
}

/* ---------------------------------------------------------------- exhaustion */

/* Fill every buffer the side @from can send in, without letting the peer run. */
static uint32_t exhaust(int from)
{
	uint32_t n = 0;
	uint8_t msg[8] = {0};
	int err;

	while ((err = amp_rpmsg_trysend(&fx.side[from].s, msg, sizeof(msg))) == 0 && n < 1000)
		n++;
	CHECK_EQ(err, -AMP_ENOMEM);
	return n;
}

static void check_exhausted_try(int from)
{
	struct side *s = &fx.side[from];
	uint8_t msg[8] = {0};
	void *data;
	uint32_t size;
	int calls = fx.wait_calls;

	for (int v = V_TRYSEND; v < V_COUNT; v++) {
		uint32_t src, dst;

		variant_addrs(v, &src, &dst);
		CHECK_EQ(send_variant(v, &s->s, src, dst, msg, sizeof(msg)), -AMP_ENOMEM);
	}
	CHECK_EQ(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false), -AMP_ENOMEM);
	/* Try variants never wait. */
	CHECK_EQ(fx.wait_calls, calls);
}

/* After exhaustion, the peer runs: everything sent arrives, buffers are back. */
static void drain_and_check(int from, uint32_t expected)
{
	struct side *peer = &fx.side[!from];

	CHECK(pump() >= 0);
	CHECK_EQ((uint32_t)(peer->la.count + peer->lb.count), expected);
	CHECK_CONSERVED();
}

/* Host side: -AMP_ENOMEM for try variants and for blocking ones without a wait hook. */
static void run_exhaust_no_wait(int from)
{
	struct rpmsg_pair_config cfg;
	uint8_t msg[8] = {0};
	void *data;
	uint32_t size, n;
	struct amp_rpmsg_buffer_counts c;

	rpmsg_pair_default_config(&cfg);
	cfg.num0 = 16;
	cfg.num1 = 16;
	REQUIRE(fx_setup(&cfg, false) == 0);
	n = exhaust(from);
	/* host: its 16 transmit buffers; remote: the host's 16 receive buffers. */
	CHECK_EQ(n, from == HOST ? fx.tx_count : fx.rx_count);
	check_exhausted_try(from);
	for (int v = V_SEND; v < V_TRYSEND; v++) {
		uint32_t src, dst;

		variant_addrs(v, &src, &dst);
		CHECK_EQ(send_variant(v, &fx.side[from].s, src, dst, msg, sizeof(msg)),
			 -AMP_ENOMEM);
	}
	CHECK_EQ(amp_rpmsg_get_tx_buffer(&fx.side[from].s, &data, &size, true), -AMP_ENOMEM);
	amp_rpmsg_link_buffers(fx.side[from].link, &c);
	if (from == HOST) {
		/* The size check comes before the buffer: -AMP_EMSGSIZE, not -AMP_ENOMEM. */
		CHECK_EQ(amp_rpmsg_trysend(&fx.side[HOST].s, msg, 497), -AMP_EMSGSIZE);
		CHECK_EQ(c.tx_free, 0);
		CHECK_EQ(c.tx_with_peer, fx.tx_count);
	} else {
		CHECK_EQ(c.total, 0);
	}
	CHECK_EQ(c.tx_reserved, 0);
	CHECK_CONSERVED();
	drain_and_check(from, n);
	/* And the side can send again. */
	CHECK_EQ(amp_rpmsg_trysend(&fx.side[from].s, msg, sizeof(msg)), 0);
	drain_and_check(from, n + 1);
	rpmsg_pair_fini(&fx.p);
}

static void test_exhaust_host_no_wait(void)
{
	run_exhaust_no_wait(HOST);
}

static void test_exhaust_remote_no_wait(void)
{
	run_exhaust_no_wait(REMOTE);
}

/* Blocking variants with a wait hook whose time runs out: -AMP_ETIMEDOUT. */
static void run_exhaust_timeout(int from)
{
	struct rpmsg_pair_config cfg;
	uint8_t msg[8] = {0};
	void *data;
	uint32_t size, n;

	rpmsg_pair_default_config(&cfg);
	cfg.num0 = 16;
	cfg.num1 = 16;
	REQUIRE(fx_setup(&cfg, true) == 0);
	n = exhaust(from);
	CHECK_EQ(fx.wait_calls, 0);
	check_exhausted_try(from);

	/* The time is up at the first wait: one wait per call. */
	fx.wait_mode = WAIT_TIMEOUT;
	for (int v = V_SEND; v < V_TRYSEND; v++) {
		uint32_t src, dst;
		int calls = fx.wait_calls;

		variant_addrs(v, &src, &dst);
		CHECK_EQ(send_variant(v, &fx.side[from].s, src, dst, msg, sizeof(msg)),
			 -AMP_ETIMEDOUT);
		CHECK_EQ(fx.wait_calls, calls + 1);
	}
	CHECK_EQ(amp_rpmsg_get_tx_buffer(&fx.side[from].s, &data, &size, true), -AMP_ETIMEDOUT);
	CHECK_EQ(fx.wait_calls, 4);
	/* Linux's 15 s, the default when the link config says 0. */
	CHECK_EQ(fx.first_timeout, 15000);

	/* Each wait takes a second: the sender waits the whole 15 s, then gives up. */
	fx.wait_mode = WAIT_TICK;
	fx.wait_calls = 0;
	CHECK_EQ(amp_rpmsg_send(&fx.side[from].s, msg, sizeof(msg)), -AMP_ETIMEDOUT);
	CHECK_EQ(fx.wait_calls, 15);
	CHECK_CONSERVED();
	drain_and_check(from, n);
	rpmsg_pair_fini(&fx.p);
}

static void test_exhaust_host_timeout(void)
{
	run_exhaust_timeout(HOST);
}

static void test_exhaust_remote_timeout(void)
{
	run_exhaust_timeout(REMOTE);
}

/* A wait during which the peer runs and returns buffers lets every blocking variant succeed. */
static void run_exhaust_peer_runs(int from)
{
	struct rpmsg_pair_config cfg;
	uint8_t buf[32];
	uint32_t n, delivered;
	void *data;
	uint32_t size;

	rpmsg_pair_default_config(&cfg);
	cfg.num0 = 16;
	cfg.num1 = 16;
	REQUIRE(fx_setup(&cfg, true) == 0);
	fx.wait_mode = WAIT_PUMP;
	n = exhaust(from);
	CHECK_EQ(fx.wait_calls, 0);
	delivered = n;
	for (int v = V_SEND; v < V_TRYSEND; v++) {
		uint32_t src, dst;
		struct side *peer = &fx.side[!from];
		struct rx_log *log;
		int calls = fx.wait_calls, before;
		uint8_t seed = (uint8_t)(0x40 + v);

		variant_addrs(v, &src, &dst);
		log = dst == ADDR_B ? &peer->lb : &peer->la;
		fill(buf, sizeof(buf), seed);
		CHECK_EQ(send_variant(v, &fx.side[from].s, src, dst, buf, sizeof(buf)), 0);
		CHECK_EQ(fx.wait_calls, calls + 1);
		/* The wait delivered what was queued; this one arrives at the next pump. */
		before = log->count;
		CHECK(pump() >= 1);
		check_rx(log, before + 1, src, dst, sizeof(buf), seed, __LINE__);
		delivered++;
		/* Fill again for the next variant. */
		n = exhaust(from);
		delivered += n;
	}
	/* Zero-copy get waits too. */
	CHECK_EQ(amp_rpmsg_get_tx_buffer(&fx.side[from].s, &data, &size, true), 0);
	CHECK_EQ(amp_rpmsg_send_nocopy(&fx.side[from].s, data, 0), 0);
	delivered++;
	CHECK_EQ(fx.wait_calls, 4);
	drain_and_check(from, delivered);
	rpmsg_pair_fini(&fx.p);
}

static void test_exhaust_host_peer_runs(void)
{
	run_exhaust_peer_runs(HOST);
}

static void test_exhaust_remote_peer_runs(void)
{
	run_exhaust_peer_runs(REMOTE);
}

/* ---------------------------------------------------------------- zero copy */

static void run_zero_copy(int from, enum amp_byte_order order)
{
	struct rpmsg_pair_config cfg;
	struct side *s, *peer;
	struct amp_rpmsg_buffer_counts c;
	uint8_t local[32];
	void *data, *again;
	uint32_t size;

	rpmsg_pair_default_config(&cfg);
	cfg.order = order;
	REQUIRE(fx_setup(&cfg, false) == 0);
	s = &fx.side[from];
	peer = &fx.side[!from];

	/* send_nocopy: to the default destination. */
	REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false) == 0);
	CHECK_EQ(size, AMP_RPMSG_BUF_SIZE - AMP_RPMSG_HDR_SIZE);
	amp_rpmsg_link_buffers(s->link, &c);
	CHECK_EQ(c.tx_reserved, 1);
	CHECK_CONSERVED();
	fill(data, size, 0x31);
	/* Too long for the buffer: refused, still reserved. */
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, data, size + 1), -AMP_EMSGSIZE);
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, data, size), 0);
	amp_rpmsg_link_buffers(s->link, &c);
	CHECK_EQ(c.tx_reserved, 0);
	CHECK(pump() >= 1);
	check_rx(&peer->la, 1, ADDR_S, ADDR_A, size, 0x31, __LINE__);
	/* Sent: the pointer is no longer ours. */
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, data, 1), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, data), -AMP_EINVAL);

	/* sendto_nocopy. */
	REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, true) == 0);
	fill(data, 20, 0x52);
	CHECK_EQ(amp_rpmsg_sendto_nocopy(&s->s, data, 20, ADDR_B), 0);
	CHECK(pump() >= 1);
	check_rx(&peer->lb, 1, ADDR_S, ADDR_B, 20, 0x52, __LINE__);

	/* send_offchannel_nocopy. */
	REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false) == 0);
	fill(data, 33, 0x63);
	CHECK_EQ(amp_rpmsg_send_offchannel_nocopy(&s->s, ADDR_OFF, ADDR_A, data, 33), 0);
	CHECK(pump() >= 1);
	check_rx(&peer->la, 2, ADDR_OFF, ADDR_A, 33, 0x63, __LINE__);

	/* release: the buffer is reused by the next get, and cannot be sent any more. */
	REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false) == 0);
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, data), 0);
	amp_rpmsg_link_buffers(s->link, &c);
	CHECK_EQ(c.tx_reserved, 0);
	CHECK_CONSERVED();
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, data, 4), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, data), -AMP_EINVAL);
	REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &again, &size, false) == 0);
	CHECK(again == data);

	/* Made-up pointers are refused; the real one stays reserved. */
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, (uint8_t *)again + 1), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, (uint8_t *)again + AMP_RPMSG_BUF_SIZE),
		 -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, local), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, local, 4), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, (uint8_t *)again - AMP_RPMSG_HDR_SIZE, 4),
		 -AMP_EINVAL);
	amp_rpmsg_link_buffers(s->link, &c);
	CHECK_EQ(c.tx_reserved, 1);
	/* Two reservations at once are two different buffers. */
	REQUIRE(amp_rpmsg_get_tx_buffer(&s->s, &data, &size, false) == 0);
	CHECK(data != again);
	amp_rpmsg_link_buffers(s->link, &c);
	CHECK_EQ(c.tx_reserved, 2);
	CHECK_CONSERVED();
	CHECK_EQ(amp_rpmsg_release_tx_buffer(&s->s, again), 0);
	fill(data, 5, 0x74);
	CHECK_EQ(amp_rpmsg_send_nocopy(&s->s, data, 5), 0);
	CHECK(pump() >= 1);
	check_rx(&peer->la, 3, ADDR_S, ADDR_A, 5, 0x74, __LINE__);

	CHECK_EQ(peer->la.count + peer->lb.count, 4);
	amp_rpmsg_link_buffers(s->link, &c);
	CHECK_EQ(c.tx_reserved, 0);
	CHECK_CONSERVED();
	rpmsg_pair_fini(&fx.p);
}

static void test_zero_copy_host(void)
{
	run_zero_copy(HOST, AMP_LITTLE_ENDIAN);
}

static void test_zero_copy_remote(void)
{
	run_zero_copy(REMOTE, AMP_LITTLE_ENDIAN);
}

static void test_zero_copy_host_be(void)
{
	run_zero_copy(HOST, AMP_BIG_ENDIAN);
}

static void test_zero_copy_remote_be(void)
{
	run_zero_copy(REMOTE, AMP_BIG_ENDIAN);
}

/* ---------------------------------------------------------------- held receive buffers */

static struct amp_vring_layout ring_layout(unsigned int i)
{
	struct amp_vring_layout l = {0};

	(void)amp_vring_layout(i ? fx.cfg.num1 : fx.cfg.num0, fx.cfg.align, &l);
	return l;
}

static uint16_t avail_idx(unsigned int i)
{
	struct amp_vring_layout l = ring_layout(i);

	return get16(fx.cfg.order, fx.p.ring[i] + l.avail + 2);
}

static uint16_t used_idx(unsigned int i)
{
	struct amp_vring_layout l = ring_layout(i);

	return get16(fx.cfg.order, fx.p.ring[i] + l.used + 2);
}

/*
 * The receiving side @to holds a buffer inside its callback and releases it later: meanwhile
 * the peer does not get it back (the host does not re-post it on vring0; the remote does not
 * return it on vring1's used ring).
 */
static void run_hold(int to)
{
	struct rpmsg_pair_config cfg;
	struct side *r, *s;
	struct amp_rpmsg_buffer_counts c;
	uint8_t buf[40];
	uint16_t ring_before;
	/* The ring on which the receiver gives buffers back: vring0's avail (host) or vring1's
	 * used (remote). */
	uint16_t (*returned)(unsigned int) = to == HOST ? avail_idx : used_idx;
	unsigned int ring = to == HOST ? 0 : 1;

	rpmsg_pair_default_config(&cfg);
	REQUIRE(fx_setup(&cfg, false) == 0);
	r = &fx.side[to];
	s = &fx.side[!to];

	ring_before = returned(ring);
	r->la.hold = true;
	fill(buf, sizeof(buf), 0x11);
	CHECK_EQ(amp_rpmsg_send(&s->s, buf, sizeof(buf)), 0);
	CHECK(pump() >= 1);
	CHECK_EQ(r->la.count, 1);
	CHECK_EQ(r->la.hold_err, 0);
	CHECK_EQ(r->la.bad_hold_err, -AMP_EINVAL);
	REQUIRE(r->la.held != NULL);
	/* Outside a callback there is nothing to hold. */
	CHECK_EQ(amp_rpmsg_hold_rx_buffer(&r->a, r->la.held), -AMP_EINVAL);

	amp_rpmsg_link_buffers(r->link, &c);
	CHECK_EQ(c.rx_held, 1);
	if (to == HOST)
		CHECK_EQ(c.rx_with_peer, fx.rx_count - 1);
	else
		CHECK_EQ(c.total, 1);
	CHECK_EQ((uint16_t)(returned(ring) - ring_before), 0);
	CHECK_CONSERVED();

	/* Traffic goes on meanwhile; the held payload is untouched. */
	fill(buf, sizeof(buf), 0x22);
	CHECK_EQ(amp_rpmsg_send(&s->s, buf, 8), 0);
	CHECK(pump() >= 1);
	CHECK_EQ(r->la.count, 2);
	CHECK_EQ((uint16_t)(returned(ring) - ring_before), 1);
	for (int i = 0; i < 40; i++)
		CHECK_EQ(((uint8_t *)r->la.held)[i], (uint8_t)(0x11 + i));
	amp_rpmsg_link_buffers(r->link, &c);
	CHECK_EQ(c.rx_held, 1);
	CHECK_CONSERVED();

	/* Release from outside: the buffer goes back to the peer at once. */
	CHECK_EQ(amp_rpmsg_release_rx_buffer(&r->a, r->la.held), 0);
	CHECK_EQ((uint16_t)(returned(ring) - ring_before), 2);
	amp_rpmsg_link_buffers(r->link, &c);
	CHECK_EQ(c.rx_held, 0);
	if (to == HOST)
		CHECK_EQ(c.rx_with_peer, fx.rx_count);
	else
		CHECK_EQ(c.total, 0);
	CHECK_EQ(amp_rpmsg_release_rx_buffer(&r->a, r->la.held), -AMP_EINVAL);
	CHECK_EQ((uint16_t)(returned(ring) - ring_before), 2);
	/* A pointer that was never held. */
	CHECK_EQ(amp_rpmsg_release_rx_buffer(&r->a, buf), -AMP_EINVAL);
	CHECK(pump() >= 0);
	CHECK_CONSERVED();
	rpmsg_pair_fini(&fx.p);
}

static void test_hold_rx_host(void)
{
	run_hold(HOST);
}

static void test_hold_rx_remote(void)
{
	run_hold(REMOTE);
}

/* ---------------------------------------------------------------- used lengths */

/* Check the used elements ring @ring published since index @from: each id's descriptor, the
 * used len against what is expected. */
static void check_used_lens(unsigned int ring, uint16_t from, uint16_t to, bool want_desc_len,
			    uint32_t fixed, int line)
{
	struct amp_vring_layout l = ring_layout(ring);
	const volatile uint8_t *base = fx.p.ring[ring];

	for (uint16_t i = from; i != to; i++) {
		const volatile uint8_t *e = base + l.used_ring + 8 * (size_t)(i % l.num);
		uint32_t id = get32(fx.cfg.order, e);
		uint32_t len = get32(fx.cfg.order, e + 4);
		uint32_t want = fixed;

		if (id >= l.num) {
			fprintf(stderr, "%s:%d: used id %u out of range\n", __FILE__, line, id);
			test_failures++;
			continue;
		}
		if (want_desc_len)
			want = get32(fx.cfg.order, base + l.desc + 16 * (size_t)id + 8);
		if (len != want) {
			fprintf(stderr, "%s:%d: vring%u used[%u] len %u, expected %u\n", __FILE__,
				line, ring, i, len, want);
			test_failures++;
		}
	}
}

static void run_used_len(bool openamp, enum amp_byte_order order)
{
	static const size_t lens[] = {0, 1, 100, 496};
	struct rpmsg_pair_config cfg;
	uint8_t buf[AMP_RPMSG_BUF_SIZE];
	uint16_t u0, u1;

	rpmsg_pair_default_config(&cfg);
	cfg.order = order;
	cfg.openamp_used_len = openamp;
	REQUIRE(fx_setup(&cfg, false) == 0);
	fill(buf, sizeof(buf), 0);

	/* host -> remote: consumed vring1 buffers come back with 0 (nothing written, virtio
	 * §2.7.8), or with the descriptor's length in OpenAMP mode; that is 16 + payload, the
	 * length the host posted (DRV-006). */
	u1 = used_idx(1);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		uint16_t at = used_idx(1);

		CHECK_EQ(amp_rpmsg_send(&fx.side[HOST].s, buf, lens[i]), 0);
		CHECK(pump() >= 1);
		CHECK_EQ((uint16_t)(used_idx(1) - at), 1);
		check_used_lens(1, at, used_idx(1), openamp, 0, __LINE__);
		if (openamp)
			check_used_lens(1, at, used_idx(1), false,
					(uint32_t)(AMP_RPMSG_HDR_SIZE + lens[i]), __LINE__);
	}
	CHECK_EQ((uint16_t)(used_idx(1) - u1), ARRAY_SIZE(lens));

	/* remote -> host: used len = bytes written, 16 + payload, whatever the setting. */
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		u0 = used_idx(0);
		CHECK_EQ(amp_rpmsg_send(&fx.side[REMOTE].s, buf, lens[i]), 0);
		CHECK_EQ((uint16_t)(used_idx(0) - u0), 1);
		check_used_lens(0, u0, used_idx(0), false, (uint32_t)(AMP_RPMSG_HDR_SIZE + lens[i]),
				__LINE__);
		CHECK(pump() >= 1);
	}
	CHECK_EQ(fx.side[HOST].la.count, ARRAY_SIZE(lens));
	CHECK_EQ(fx.side[REMOTE].la.count, ARRAY_SIZE(lens));
	CHECK_CONSERVED();
	rpmsg_pair_fini(&fx.p);
}

static void test_used_len_default(void)
{
	run_used_len(false, AMP_LITTLE_ENDIAN);
	run_used_len(false, AMP_BIG_ENDIAN);
}

static void test_used_len_openamp(void)
{
	run_used_len(true, AMP_LITTLE_ENDIAN);
	run_used_len(true, AMP_BIG_ENDIAN);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_variants_host_to_remote_le),
		TEST(test_variants_remote_to_host_le),
		TEST(test_variants_host_to_remote_be),
		TEST(test_variants_remote_to_host_be),
		TEST(test_addr_any_refused),
		TEST(test_not_connected),
		TEST(test_size_default),
		TEST(test_size_256),
		TEST(test_exhaust_host_no_wait),
		TEST(test_exhaust_remote_no_wait),
		TEST(test_exhaust_host_timeout),
		TEST(test_exhaust_remote_timeout),
		TEST(test_exhaust_host_peer_runs),
		TEST(test_exhaust_remote_peer_runs),
		TEST(test_zero_copy_host),
		TEST(test_zero_copy_remote),
		TEST(test_zero_copy_host_be),
		TEST(test_zero_copy_remote_be),
		TEST(test_hold_rx_host),
		TEST(test_hold_rx_remote),
		TEST(test_used_len_default),
		TEST(test_used_len_openamp),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
