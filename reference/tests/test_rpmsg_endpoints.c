// SPDX-License-Identifier: BSD-3-Clause
/*
 * rpmsg endpoints: address allocation (RPMSG-010), reserved and taken addresses, names, the
 * bind-to-first-sender rule (RPMSG-011), delivery to the callback and what happens to a message
 * nobody receives (RPMSG-008, RPMSG-009). Everything runs on an rpmsg_pair stepped on one
 * thread, so every check sees a settled state.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

/* ---------------------------------------------------------------- helpers */

/**
 * struct rx_log - what one endpoint's callback saw
 * @count: messages delivered
 * @src: source of the last message
 * @len: length of the last message
 * @priv: private pointer of the last call
 * @ept: endpoint pointer of the last call
 * @data: payload of the last message (copied: the buffer goes back to the peer)
 */
struct rx_log {
	int count;
	uint32_t src;
	size_t len;
	void *priv;
	struct amp_rpmsg_endpoint *ept;
	uint8_t data[AMP_RPMSG_BUF_SIZE];
};

/* The callback's priv is the endpoint's rx_log: a wrong priv shows as a count on the wrong log. */
static int log_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src, void *priv)
{
	struct rx_log *log = priv;

	log->count++;
	log->src = src;
	log->len = len;
	log->priv = priv;
	log->ept = ept;
	memcpy(log->data, data, len < sizeof(log->data) ? len : sizeof(log->data));
	return 0;
}

/* Platform event hook: remember the arguments of the last NO_RECIPIENT report. */
struct ev_log {
	uint32_t no_recipient;
	uint32_t dst, src;
};

static void ev_hook(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		    uint32_t b)
{
	struct ev_log *log = ctx;

	(void)link;
	if (ev == AMP_RPMSG_EV_NO_RECIPIENT) {
		log->no_recipient++;
		log->dst = a;
		log->src = b;
	}
}

static const struct amp_rpmsg_platform_ops ev_ops = {.event = ev_hook};

static struct amp_rpmsg_endpoint_config ept_cfg(uint32_t addr, uint32_t dst, struct rx_log *log)
{
	struct amp_rpmsg_endpoint_config c = {
		.addr = addr,
		.dst = dst,
		.cb = log ? log_cb : NULL,
		.priv = log,
	};

	return c;
}

static uint16_t load16(enum amp_byte_order order, const volatile uint8_t *p)
{
	return order == AMP_BIG_ENDIAN ? (uint16_t)(p[0] << 8 | p[1])
				       : (uint16_t)(p[1] << 8 | p[0]);
}

/* used.idx of ring @i as the device last published it (the fixture's rings, link byte order). */
static uint16_t used_idx(const struct rpmsg_pair *p, unsigned int i, enum amp_byte_order order,
			 uint32_t num)
{
	struct amp_vring_layout l;

	if (amp_vring_layout(num, 4096, &l))
		return 0xffff;
	return load16(order, p->ring[i] + l.used + 2);
}

/* Buffer conservation on both sides (see amp_rpmsg_buffer_counts). */
static void check_conservation(struct rpmsg_pair *p, uint32_t rx, uint32_t tx, int line)
{
	struct amp_rpmsg_buffer_counts c;

	amp_rpmsg_link_buffers(&p->hlink, &c);
	if (c.rx_with_peer + c.rx_held != rx || c.tx_free + c.tx_reserved + c.tx_with_peer != tx) {
		fprintf(stderr, "%s:%d: host buffers not conserved: rx %u+%u, tx %u+%u+%u\n",
			__FILE__, line, c.rx_with_peer, c.rx_held, c.tx_free, c.tx_reserved,
			c.tx_with_peer);
		test_failures++;
	}
	amp_rpmsg_link_buffers(&p->rlink, &c);
	if (c.total != c.rx_held + c.tx_reserved + c.tx_free) {
		fprintf(stderr, "%s:%d: remote holds %u buffers, accounts for %u\n", __FILE__, line,
			c.total, c.rx_held + c.tx_reserved + c.tx_free);
		test_failures++;
	}
}

#define CHECK_CONSERVED(p) check_conservation(p, 256, 256, __LINE__)

static int start_pair(struct rpmsg_pair *p, struct rpmsg_pair_config *cfg)
{
	int err = rpmsg_pair_init(p, cfg);

	if (!err)
		err = rpmsg_pair_start(p);
	if (!err)
		err = rpmsg_pair_pump(p, 100) < 0 ? -AMP_EIO : 0;
	return err;
}

/* ---------------------------------------------------------------- addresses */

/* Dynamic addresses are the lowest free one from 1024 up (RPMSG-010), holes are reused first. */
static void test_dynamic_lowest_free(void)
{
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	struct amp_rpmsg_endpoint e[8];
	struct amp_rpmsg_endpoint_config c = ept_cfg(AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY, NULL);
	struct amp_rpmsg_endpoint_config fixed = ept_cfg(1030, AMP_RPMSG_ADDR_ANY, NULL);

	rpmsg_pair_default_config(&cfg);
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(amp_rpmsg_endpoint_create(&e[i], &p.hlink, &c), 0);
		CHECK_EQ(amp_rpmsg_endpoint_addr(&e[i]), 1024 + i);
	}
	/* A hole in the middle is the lowest free address. */
	amp_rpmsg_endpoint_destroy(&e[1]);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[1], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[1]), 1025);
	/* Two holes: the lower one goes first. */
	amp_rpmsg_endpoint_destroy(&e[2]);
	amp_rpmsg_endpoint_destroy(&e[0]);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[0], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[0]), 1024);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[2], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[2]), 1026);
	/* A fixed address above 1024 is skipped by the allocator. */
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[4], &p.hlink, &fixed), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[4]), 1030);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[5], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[5]), 1028);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[6], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[6]), 1029);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[7], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[7]), 1031);
	/* Each link has its own address space: the remote starts at 1024 too. */
	{
		struct amp_rpmsg_endpoint r;

		CHECK_EQ(amp_rpmsg_endpoint_create(&r, &p.rlink, &c), 0);
		CHECK_EQ(amp_rpmsg_endpoint_addr(&r), 1024);
	}
	rpmsg_pair_fini(&p);
}

/* Fixed addresses below 1024 are for predefined services and can be bound explicitly. */
static void test_fixed_addresses(void)
{
	static const uint32_t addrs[] = {0, 1, 52, 54, 100, 1023, 1024, 5000, 0xfffffffeu};
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	/* A create that must fail gets a structure of its own (see test_names()). */
	struct amp_rpmsg_endpoint e[ARRAY_SIZE(addrs)], dup[ARRAY_SIZE(addrs) + 1], dyn, again;
	struct amp_rpmsg_endpoint_config c;

	rpmsg_pair_default_config(&cfg);
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		c = ept_cfg(addrs[i], AMP_RPMSG_ADDR_ANY, NULL);
		CHECK_EQ(amp_rpmsg_endpoint_create(&e[i], &p.rlink, &c), 0);
		CHECK_EQ(amp_rpmsg_endpoint_addr(&e[i]), addrs[i]);
	}
	/* Every one of them is now taken, whatever the order they were bound in. */
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		c = ept_cfg(addrs[i], AMP_RPMSG_ADDR_ANY, NULL);
		CHECK_EQ(amp_rpmsg_endpoint_create(&dup[i], &p.rlink, &c), -AMP_EBUSY);
	}
	/* 1024 is taken by a fixed endpoint: the allocator moves on. */
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY, NULL);
	CHECK_EQ(amp_rpmsg_endpoint_create(&dyn, &p.rlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&dyn), 1025);
	/* A dynamic address is as taken as a fixed one. */
	c = ept_cfg(1025, AMP_RPMSG_ADDR_ANY, NULL);
	CHECK_EQ(amp_rpmsg_endpoint_create(&dup[ARRAY_SIZE(addrs)], &p.rlink, &c), -AMP_EBUSY);
	/* Destroying frees the address for a fixed bind again. */
	amp_rpmsg_endpoint_destroy(&e[4]);
	c = ept_cfg(100, AMP_RPMSG_ADDR_ANY, NULL);
	CHECK_EQ(amp_rpmsg_endpoint_create(&again, &p.rlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&again), 100);
	rpmsg_pair_fini(&p);
}

/* 53 is the name service's on a link configured with F_NS, an ordinary address otherwise. */
static void test_ns_address_reserved(void)
{
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	/* One structure per create: an endpoint may be on one list only. */
	struct amp_rpmsg_endpoint e[8];
	struct amp_rpmsg_endpoint_config c = ept_cfg(AMP_RPMSG_NS_ADDR, AMP_RPMSG_ADDR_ANY, NULL);

	rpmsg_pair_default_config(&cfg);
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);
	/* Refused on both roles, before the link is up ... */
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[0], &p.hlink, &c), -AMP_EBUSY);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[1], &p.rlink, &c), -AMP_EBUSY);
	/* ... and after. */
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[2], &p.hlink, &c), -AMP_EBUSY);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[3], &p.rlink, &c), -AMP_EBUSY);
	rpmsg_pair_fini(&p);

	/* Neither side configured with F_NS: 53 is free. */
	rpmsg_pair_default_config(&cfg);
	cfg.host_features = 0;
	cfg.remote_features = 0;
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[4], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[4]), AMP_RPMSG_NS_ADDR);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[5], &p.rlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e[5]), AMP_RPMSG_NS_ADDR);
	rpmsg_pair_fini(&p);

	/* It is the link's configuration that counts, not the other side's. */
	rpmsg_pair_default_config(&cfg);
	cfg.host_features = 0;
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[6], &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&e[7], &p.rlink, &c), -AMP_EBUSY);
	rpmsg_pair_fini(&p);
}

/* Names: at most 31 characters plus the NUL (NS-003); announcing needs a name. */
static void test_names(void)
{
	char name31[32], name32[33];
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	/* Separate structures for the creates that must fail: one that wrongly succeeded and
	 * were created again would corrupt the endpoint list and hang the test. */
	struct amp_rpmsg_endpoint e, f, bad[4];
	struct amp_rpmsg_endpoint_config c = ept_cfg(AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY, NULL);

	memset(name31, 'a', 31);
	name31[31] = 0;
	memset(name32, 'b', 32);
	name32[32] = 0;
	rpmsg_pair_default_config(&cfg);
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);

	c.name = name32;
	CHECK_EQ(amp_rpmsg_endpoint_create(&bad[0], &p.hlink, &c), -AMP_EINVAL);
	c.announce = true;
	CHECK_EQ(amp_rpmsg_endpoint_create(&bad[1], &p.rlink, &c), -AMP_EINVAL);
	/* A refused create binds nothing: the next dynamic address is still 1024. */
	c.name = name31;
	c.announce = false;
	CHECK_EQ(amp_rpmsg_endpoint_create(&e, &p.hlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&e), 1024);
	CHECK(!strcmp(e.name, name31));

	c.name = NULL;
	c.announce = true;
	CHECK_EQ(amp_rpmsg_endpoint_create(&bad[2], &p.rlink, &c), -AMP_EINVAL);
	c.name = "";
	CHECK_EQ(amp_rpmsg_endpoint_create(&bad[3], &p.rlink, &c), -AMP_EINVAL);
	/* Anonymous endpoints are fine when not announced. */
	c.announce = false;
	CHECK_EQ(amp_rpmsg_endpoint_create(&f, &p.rlink, &c), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&f), 1024);
	rpmsg_pair_fini(&p);
}

/* ---------------------------------------------------------------- delivery */

/* The callback gets the payload, its length, the sender's address and its own priv. */
static void test_callback_arguments(void)
{
	static const uint8_t msg[] = "callback arguments";
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	struct amp_rpmsg_endpoint h, r1, r2;
	struct rx_log hl = {0}, l1 = {0}, l2 = {0};
	struct amp_rpmsg_endpoint_config c;

	rpmsg_pair_default_config(&cfg);
	REQUIRE(start_pair(&p, &cfg) == 0);
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, 700, &hl);
	REQUIRE(amp_rpmsg_endpoint_create(&h, &p.hlink, &c) == 0);
	c = ept_cfg(700, AMP_RPMSG_ADDR_ANY, &l1);
	REQUIRE(amp_rpmsg_endpoint_create(&r1, &p.rlink, &c) == 0);
	c = ept_cfg(701, AMP_RPMSG_ADDR_ANY, &l2);
	REQUIRE(amp_rpmsg_endpoint_create(&r2, &p.rlink, &c) == 0);

	CHECK_EQ(amp_rpmsg_send(&h, msg, sizeof(msg)), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(l1.count, 1);
	CHECK_EQ(l2.count, 0);
	CHECK_EQ(l1.len, sizeof(msg));
	CHECK_EQ(l1.src, 1024);
	CHECK(l1.priv == &l1);
	CHECK(l1.ept == &r1);
	CHECK(!memcmp(l1.data, msg, sizeof(msg)));

	/* Other way, to the second endpoint, zero length. */
	CHECK_EQ(amp_rpmsg_sendto(&r2, "", 0, 1024), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(hl.count, 1);
	CHECK_EQ(hl.len, 0);
	CHECK_EQ(hl.src, 701);
	CHECK(hl.priv == &hl);
	CHECK(hl.ept == &h);
	CHECK_EQ(amp_rpmsg_link_stats(&p.hlink)->rx_messages, 1);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->rx_messages, 1);
	CHECK_CONSERVED(&p);
	rpmsg_pair_fini(&p);
}

/* dst ANY: the endpoint replies to whoever spoke first (OpenAMP; RPMSG-011, RPMSG-012). */
static void test_bind_dst_first_sender(void)
{
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	struct amp_rpmsg_endpoint h1, h2, r;
	struct rx_log hl1 = {0}, hl2 = {0}, rl = {0};
	struct amp_rpmsg_endpoint_config c;

	rpmsg_pair_default_config(&cfg);
	REQUIRE(start_pair(&p, &cfg) == 0);
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, 800, &hl1);
	REQUIRE(amp_rpmsg_endpoint_create(&h1, &p.hlink, &c) == 0);
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, 800, &hl2);
	REQUIRE(amp_rpmsg_endpoint_create(&h2, &p.hlink, &c) == 0);
	c = ept_cfg(800, AMP_RPMSG_ADDR_ANY, &rl);
	REQUIRE(amp_rpmsg_endpoint_create(&r, &p.rlink, &c) == 0);

	/* Unbound: nowhere to send (RPMSG-004). */
	CHECK_EQ(amp_rpmsg_endpoint_dst(&r), AMP_RPMSG_ADDR_ANY);
	CHECK_EQ(amp_rpmsg_send(&r, "x", 1), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_trysend(&r, "x", 1), -AMP_EINVAL);

	/* The second host endpoint speaks first. */
	CHECK_EQ(amp_rpmsg_send(&h2, "hi", 2), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(rl.count, 1);
	CHECK_EQ(amp_rpmsg_endpoint_dst(&r), amp_rpmsg_endpoint_addr(&h2));

	/* A later sender does not rebind it. */
	CHECK_EQ(amp_rpmsg_send(&h1, "ho", 2), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(rl.count, 2);
	CHECK_EQ(rl.src, amp_rpmsg_endpoint_addr(&h1));
	CHECK_EQ(amp_rpmsg_endpoint_dst(&r), amp_rpmsg_endpoint_addr(&h2));

	/* The reply goes to the first sender. */
	CHECK_EQ(amp_rpmsg_send(&r, "reply", 5), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(hl2.count, 1);
	CHECK_EQ(hl1.count, 0);
	CHECK_EQ(hl2.src, 800);
	CHECK(!memcmp(hl2.data, "reply", 5));

	/* A fixed dst is never rebound. */
	CHECK_EQ(amp_rpmsg_endpoint_dst(&h1), 800);
	CHECK_CONSERVED(&p);
	rpmsg_pair_fini(&p);
}

/*
 * A message for an address nobody bound, or bound without callback, is dropped, counted and
 * its buffer returned (RPMSG-008, RPMSG-009), in both directions.
 */
static void test_no_recipient(void)
{
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	struct ev_log hev = {0}, rev = {0};
	struct amp_rpmsg_endpoint h, r, rnull;
	struct rx_log hl = {0}, rl = {0};
	struct amp_rpmsg_endpoint_config c;
	struct amp_rpmsg_buffer_counts bc;
	uint16_t used1;

	rpmsg_pair_default_config(&cfg);
	cfg.host_ops = &ev_ops;
	cfg.host_ctx = &hev;
	cfg.remote_ops = &ev_ops;
	cfg.remote_ctx = &rev;
	REQUIRE(start_pair(&p, &cfg) == 0);
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, 900, &hl);
	REQUIRE(amp_rpmsg_endpoint_create(&h, &p.hlink, &c) == 0);
	c = ept_cfg(900, AMP_RPMSG_ADDR_ANY, &rl);
	REQUIRE(amp_rpmsg_endpoint_create(&r, &p.rlink, &c) == 0);
	c = ept_cfg(901, AMP_RPMSG_ADDR_ANY, NULL);
	REQUIRE(amp_rpmsg_endpoint_create(&rnull, &p.rlink, &c) == 0);

	/* host -> remote, nobody at 2000. */
	used1 = used_idx(&p, 1, cfg.order, cfg.num1);
	CHECK_EQ(amp_rpmsg_sendto(&h, "lost", 4, 2000), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->events[AMP_RPMSG_EV_NO_RECIPIENT], 1);
	CHECK_EQ(rev.no_recipient, 1);
	CHECK_EQ(rev.dst, 2000);
	CHECK_EQ(rev.src, 1024);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->rx_messages, 0);
	/* The remote gave the vring1 buffer back and holds nothing. */
	CHECK_EQ((uint16_t)(used_idx(&p, 1, cfg.order, cfg.num1) - used1), 1);
	amp_rpmsg_link_buffers(&p.rlink, &bc);
	CHECK_EQ(bc.total, 0);

	/* host -> remote, endpoint without callback. */
	CHECK_EQ(amp_rpmsg_sendto(&h, "lost", 4, 901), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->events[AMP_RPMSG_EV_NO_RECIPIENT], 2);
	CHECK_EQ(rev.dst, 901);
	CHECK_EQ((uint16_t)(used_idx(&p, 1, cfg.order, cfg.num1) - used1), 2);
	amp_rpmsg_link_buffers(&p.rlink, &bc);
	CHECK_EQ(bc.total, 0);
	CHECK_EQ(rl.count, 0);

	/* remote -> host, nobody at 3000 and nobody at 53 (no NS traffic results: RPMSG-009). */
	CHECK_EQ(amp_rpmsg_sendto(&r, "lost", 4, 3000), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.hlink)->events[AMP_RPMSG_EV_NO_RECIPIENT], 1);
	CHECK_EQ(hev.no_recipient, 1);
	CHECK_EQ(hev.dst, 3000);
	CHECK_EQ(hev.src, 900);
	CHECK_EQ(amp_rpmsg_link_stats(&p.hlink)->rx_messages, 0);
	amp_rpmsg_link_buffers(&p.hlink, &bc);
	CHECK_EQ(bc.rx_with_peer, 256); /* re-posted on vring0 */
	CHECK_EQ(bc.rx_held, 0);
	CHECK_EQ(hl.count, 0);
	/* No reply, no side effect on the remote. */
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->rx_messages, 0);

	/* The link still works. */
	CHECK_EQ(amp_rpmsg_send(&h, "ok", 2), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(rl.count, 1);
	CHECK_CONSERVED(&p);
	rpmsg_pair_fini(&p);
}

/* After destroy, the address receives nothing: messages to it are dropped as unbound. */
static void test_destroy_stops_delivery(void)
{
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	struct amp_rpmsg_endpoint h, r, r2;
	struct rx_log hl = {0}, rl = {0}, rl2 = {0};
	struct amp_rpmsg_endpoint_config c;
	const struct amp_rpmsg_stats *rs;

	rpmsg_pair_default_config(&cfg);
	REQUIRE(start_pair(&p, &cfg) == 0);
	rs = amp_rpmsg_link_stats(&p.rlink);
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, 1500, &hl);
	REQUIRE(amp_rpmsg_endpoint_create(&h, &p.hlink, &c) == 0);
	c = ept_cfg(1500, AMP_RPMSG_ADDR_ANY, &rl);
	REQUIRE(amp_rpmsg_endpoint_create(&r, &p.rlink, &c) == 0);

	CHECK_EQ(amp_rpmsg_send(&h, "one", 3), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(rl.count, 1);
	CHECK_EQ(rs->events[AMP_RPMSG_EV_NO_RECIPIENT], 0);

	/* A message already in the ring when the endpoint goes is not delivered either. */
	CHECK_EQ(amp_rpmsg_send(&h, "two", 3), 0);
	amp_rpmsg_endpoint_destroy(&r);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(amp_rpmsg_send(&h, "three", 5), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(rl.count, 1);
	CHECK_EQ(rs->events[AMP_RPMSG_EV_NO_RECIPIENT], 2);
	CHECK_EQ(rs->rx_messages, 1);

	/* The address can be bound again, and the new endpoint gets the traffic. */
	c = ept_cfg(1500, AMP_RPMSG_ADDR_ANY, &rl2);
	CHECK_EQ(amp_rpmsg_endpoint_create(&r2, &p.rlink, &c), 0);
	CHECK_EQ(amp_rpmsg_send(&h, "four", 4), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(rl.count, 1);
	CHECK_EQ(rl2.count, 1);
	CHECK(!memcmp(rl2.data, "four", 4));

	/* Same on the host side. */
	amp_rpmsg_endpoint_destroy(&h);
	CHECK_EQ(amp_rpmsg_sendto(&r2, "back", 4, 1024), 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(hl.count, 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.hlink)->events[AMP_RPMSG_EV_NO_RECIPIENT], 1);
	CHECK_CONSERVED(&p);
	rpmsg_pair_fini(&p);
}

/*
 * amp_rpmsg_link_remove(): refused while an application endpoint is on the link (nothing
 * changes); then the link stops, its channels go (remove callbacks) and it leaves the node,
 * whose other links keep working; its memory can be initialised again as a new link.
 */
static unsigned int removed_channels;

static void count_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	removed_channels++;
}

static int accept_probe(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	return 0;
}

static void test_link_remove(void)
{
	static const struct amp_rpmsg_device_id ids[] = {{"svc"}, {NULL}};
	struct amp_rpmsg_driver drv = {
		.id_table = ids, .probe = accept_probe, .remove = count_remove};
	struct amp_rpmsg_endpoint_config c;
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_endpoint h, r;
	struct rx_log hl = {0}, rl = {0};
	struct amp_rpmsg_link_config hc;
	struct rpmsg_pair p;

	rpmsg_pair_default_config(&cfg);
	REQUIRE(start_pair(&p, &cfg) == 0);
	REQUIRE(amp_rpmsg_driver_register(&p.host, &drv) == 0);
	c = ept_cfg(AMP_RPMSG_ADDR_ANY, 1500, &hl);
	REQUIRE(amp_rpmsg_endpoint_create(&h, &p.hlink, &c) == 0);
	c = ept_cfg(1500, AMP_RPMSG_ADDR_ANY, &rl);
	c.name = "svc";
	c.announce = true;
	REQUIRE(amp_rpmsg_endpoint_create(&r, &p.rlink, &c) == 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "svc", AMP_RPMSG_ADDR_ANY) != NULL);

	CHECK_EQ(amp_rpmsg_link_remove(&p.hlink), -AMP_EBUSY);
	CHECK(p.host.links == &p.hlink);
	CHECK(amp_rpmsg_link_is_up(&p.hlink));
	amp_rpmsg_endpoint_destroy(&h);
	removed_channels = 0;
	CHECK_EQ(amp_rpmsg_link_remove(&p.hlink), 0);
	CHECK(p.host.links == NULL);
	CHECK(!amp_rpmsg_link_is_up(&p.hlink));
	CHECK_EQ(removed_channels, 1);
	/* The device sees the reset. */
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK(!amp_rpmsg_link_is_up(&p.rlink));

	/* The same memory as a new link: the remote comes back and announces again. */
	hc = p.hlink.cfg;
	REQUIRE(amp_rpmsg_link_init(&p.hlink, &p.host, &hc) == 0);
	CHECK(p.host.links == &p.hlink && p.hlink.next == NULL);
	REQUIRE(amp_rpmsg_link_start(&p.hlink) == 0);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK(amp_rpmsg_link_is_up(&p.rlink));
	CHECK(amp_rpmsg_channel_find(&p.hlink, "svc", AMP_RPMSG_ADDR_ANY) != NULL);
	amp_rpmsg_endpoint_destroy(&r);
	amp_rpmsg_driver_unregister(&p.host, &drv);
	rpmsg_pair_fini(&p);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_dynamic_lowest_free), TEST(test_fixed_addresses),
		TEST(test_ns_address_reserved), TEST(test_names),
		TEST(test_callback_arguments),  TEST(test_bind_dst_first_sender),
		TEST(test_no_recipient),        TEST(test_destroy_stops_delivery),
		TEST(test_link_remove),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
