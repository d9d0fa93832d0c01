// SPDX-License-Identifier: BSD-3-Clause
/*
 * The name service and the bus, on the rpmsg_pair fixture (host = virtio driver, remote = virtio
 * device, stepped on one thread).
 *
 * Covered: which driver a remote announcement probes, late driver registration, unregistering,
 * failing probes, host-announced channels (Linux's rpdev->announce for fixed-address channels,
 * NS-008), DESTROY and re-CREATE (NS-007), duplicate CREATEs (NS-006), unknown DESTROYs, the same
 * name at two addresses, a full channel pool, links without F_NS (NS-001), announcements at
 * link-up and after a link reset, and 31-character names (NS-003).
 *
 * Raw name-service records are sent with amp_rpmsg_ns_encode() and an off-channel send to
 * address 53: that is how a misbehaving peer looks on the wire.
 */
#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

#define F_NS AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS)

#define NAME31 "abcdefghijklmnopqrstuvwxyz01234"  /* 31 characters: the longest name */
#define NAME32 "abcdefghijklmnopqrstuvwxyz012345" /* 32 characters: one too many */

/* ---------------------------------------------------------------- a recording driver */

/**
 * struct tdrv - a test driver that records what the bus does to it
 * @drv: the driver; first member, so that the channel's driver pointer leads back here
 * @ids: id table (NULL-terminated)
 * @probe_ret: what probe returns
 * @greeting: sent to the channel's default destination from probe when not NULL
 * @greet_ret: result of that send
 * @probes: probe calls
 * @removes: remove calls
 * @msgs: callback calls
 * @last: channel of the last probe
 * @last_src: source of the last message
 * @last_len: length of the last message
 * @last_msg: the last message (NUL-terminated copy)
 */
struct tdrv {
	struct amp_rpmsg_driver drv;
	struct amp_rpmsg_device_id ids[4];
	int probe_ret;
	const char *greeting;
	int greet_ret;
	int probes, removes, msgs;
	struct amp_rpmsg_channel *last;
	uint32_t last_src;
	size_t last_len;
	char last_msg[64];
};

/* The bus sets the channel's driver before probe and clears it after remove: a test-only peek
 * at a private field to find the recording structure without globals. */
static struct tdrv *tdrv_of(struct amp_rpmsg_channel *ch)
{
	return (struct tdrv *)ch->driver;
}

static int tdrv_probe(struct amp_rpmsg_channel *ch)
{
	struct tdrv *t = tdrv_of(ch);

	t->probes++;
	t->last = ch;
	if (t->probe_ret)
		return t->probe_ret;
	if (t->greeting)
		t->greet_ret = amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), t->greeting,
					      strlen(t->greeting));
	return 0;
}

static void tdrv_remove(struct amp_rpmsg_channel *ch)
{
	tdrv_of(ch)->removes++;
}

static int tdrv_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	struct tdrv *t = tdrv_of(ch);
	size_t n = len < sizeof(t->last_msg) - 1 ? len : sizeof(t->last_msg) - 1;

	t->msgs++;
	t->last_src = src;
	t->last_len = len;
	memcpy(t->last_msg, data, n);
	t->last_msg[n] = 0;
	return 0;
}

/* Up to three names; unused ones NULL. */
static void tdrv_init(struct tdrv *t, const char *a, const char *b, const char *c)
{
	memset(t, 0, sizeof(*t));
	t->ids[0].name = a;
	t->ids[1].name = b;
	t->ids[2].name = c;
	t->drv.id_table = t->ids;
	t->drv.probe = tdrv_probe;
	t->drv.remove = tdrv_remove;
	t->drv.callback = tdrv_cb;
}

/* ---------------------------------------------------------------- a recording endpoint */

/**
 * struct tept - an endpoint that records what it receives
 * @ept: the endpoint
 * @msgs: messages received
 * @last_src: source of the last one
 * @last_msg: the last one (NUL-terminated copy)
 */
struct tept {
	struct amp_rpmsg_endpoint ept;
	int msgs;
	uint32_t last_src;
	char last_msg[64];
};

static int tept_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src, void *priv)
{
	struct tept *t = priv;
	size_t n = len < sizeof(t->last_msg) - 1 ? len : sizeof(t->last_msg) - 1;

	(void)ept;
	t->msgs++;
	t->last_src = src;
	memcpy(t->last_msg, data, n);
	t->last_msg[n] = 0;
	return 0;
}

static int tept_create(struct tept *t, struct amp_rpmsg_link *link, const char *name, uint32_t addr,
		       bool announce)
{
	struct amp_rpmsg_endpoint_config cfg = {
		.name = name,
		.addr = addr,
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = tept_cb,
		.priv = t,
		.announce = announce,
	};

	memset(t, 0, sizeof(*t));
	return amp_rpmsg_endpoint_create(&t->ept, link, &cfg);
}

/* ---------------------------------------------------------------- helpers */

static int pair_init(struct rpmsg_pair *p, uint32_t dfeatures, uint32_t host_features)
{
	struct rpmsg_pair_config cfg;

	rpmsg_pair_default_config(&cfg);
	/* Small rings keep each test's memory and start-up short. */
	cfg.num0 = 16;
	cfg.num1 = 16;
	cfg.dfeatures = dfeatures;
	cfg.host_features = host_features;
	return rpmsg_pair_init(p, &cfg);
}

/* Channels in use in a link's pool (the pool is the fixture's memory). */
static int count_channels(const struct amp_rpmsg_channel *pool)
{
	int n = 0;

	for (int i = 0; i < RPMSG_PAIR_CHANNELS; i++)
		n += pool[i].in_use;
	return n;
}

/* A raw name-service record from @from's link to address 53, as a peer might send it. */
static int send_ns_from(struct rpmsg_pair *p, struct amp_rpmsg_endpoint *from, uint32_t src,
			const char *name, uint32_t addr, uint32_t flags)
{
	uint8_t msg[AMP_RPMSG_NS_MSG_SIZE];
	int err = amp_rpmsg_ns_encode(name, addr, flags, p->hlink.cfg.io.order, msg);

	if (err)
		return err;
	return amp_rpmsg_trysend_offchannel(from, src, AMP_RPMSG_NS_ADDR, msg, sizeof(msg));
}

/* The same from the endpoint's own address, as every implementation sends (NS-005). */
static int send_ns(struct rpmsg_pair *p, struct amp_rpmsg_endpoint *from, const char *name,
		   uint32_t addr, uint32_t flags)
{
	return send_ns_from(p, from, amp_rpmsg_endpoint_addr(from), name, addr, flags);
}

/* Every buffer accounted for once both sides are idle (RPMSG-008). */
static void check_buffers(struct rpmsg_pair *p)
{
	struct amp_rpmsg_buffer_counts c;

	amp_rpmsg_link_buffers(&p->hlink, &c);
	CHECK_EQ(c.rx_with_peer + c.rx_held, 16);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, 16);
	amp_rpmsg_link_buffers(&p->rlink, &c);
	CHECK_EQ(c.total, 0);
}

static const struct amp_rpmsg_stats *hstats(const struct rpmsg_pair *p)
{
	return amp_rpmsg_link_stats(&p->hlink);
}

static const struct amp_rpmsg_stats *rstats(const struct rpmsg_pair *p)
{
	return amp_rpmsg_link_stats(&p->rlink);
}

/* ---------------------------------------------------------------- tests */

/* A remote announcement probes the driver whose id table lists the name, and only that one. */
static void test_remote_announce_probes_matching_driver(void)
{
	struct rpmsg_pair p;
	struct tdrv match, other;
	struct tept rept;
	struct amp_rpmsg_channel *ch;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	/* The name is the second entry of the matching table: the whole table is searched. */
	tdrv_init(&match, "svc-other", "svc-a", NULL);
	tdrv_init(&other, "svc-b", "svc-a-but-longer", "svc-");
	match.greeting = "hello";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &other.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &match.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "svc-a", 1500, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);

	CHECK_EQ(match.probes, 1);
	CHECK_EQ(other.probes, 0);
	ch = amp_rpmsg_channel_find(&p.hlink, "svc-a", 1500);
	REQUIRE(ch != NULL);
	CHECK(ch == match.last);
	CHECK(ch->bound);
	CHECK(!strcmp(amp_rpmsg_channel_name(ch), "svc-a"));
	/* The channel talks to the announced address from a dynamic one (RPMSG-010). */
	CHECK_EQ(amp_rpmsg_endpoint_dst(amp_rpmsg_channel_endpoint(ch)), 1500);
	CHECK(amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(ch)) >=
	      AMP_RPMSG_RESERVED_ADDRESSES);
	CHECK_EQ(match.greet_ret, 0);
	CHECK_EQ(rept.msgs, 1);
	CHECK(!strcmp(rept.last_msg, "hello"));
	CHECK_EQ(rept.last_src, amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(ch)));
	CHECK_EQ(count_channels(p.hch), 1);
	CHECK_EQ(count_channels(p.rch), 0);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* A driver registered after the announcement is probed at registration. */
static void test_driver_registered_late(void)
{
	struct rpmsg_pair p;
	struct tdrv d;
	struct tept rept;
	struct amp_rpmsg_channel *ch;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	REQUIRE(tept_create(&rept, &p.rlink, "late-svc", AMP_RPMSG_ADDR_ANY, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	ch = amp_rpmsg_channel_find(&p.hlink, "late-svc", amp_rpmsg_endpoint_addr(&rept.ept));
	REQUIRE(ch != NULL);
	CHECK(!ch->bound);

	tdrv_init(&d, "late-svc", NULL, NULL);
	d.greeting = "late";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &d.drv), 0);
	CHECK_EQ(d.probes, 1);
	CHECK(d.last == ch);
	CHECK(ch->bound);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(rept.msgs, 1);
	CHECK(!strcmp(rept.last_msg, "late"));
	/* Registering is not a second probe of an already bound channel. */
	CHECK_EQ(count_channels(p.hch), 1);
	rpmsg_pair_fini(&p);
}

/* Unregistering calls remove; the channel stays, unbound, and a new driver can take it. */
static void test_unregister_calls_remove(void)
{
	struct rpmsg_pair p;
	struct tdrv d, d2;
	struct tept rept;
	struct amp_rpmsg_channel *ch;
	uint32_t host_addr;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&d, "svc", NULL, NULL);
	d.greeting = "one";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &d.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "svc", AMP_RPMSG_ADDR_ANY, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	REQUIRE(d.probes == 1);
	ch = d.last;
	host_addr = amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(ch));
	CHECK_EQ(rept.last_src, host_addr);

	amp_rpmsg_driver_unregister(&p.host, &d.drv);
	CHECK_EQ(d.removes, 1);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "svc", AMP_RPMSG_ADDR_ANY) == ch);
	CHECK(!ch->bound);
	/* The channel's endpoint went with the driver: the remote's reply has no recipient. */
	CHECK_EQ(amp_rpmsg_sendto(&rept.ept, "x", 1, host_addr), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(d.msgs, 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NO_RECIPIENT], 1);

	tdrv_init(&d2, "svc", NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &d2.drv), 0);
	CHECK_EQ(d2.probes, 1);
	CHECK(ch->bound);
	CHECK_EQ(d.probes, 1);
	CHECK_EQ(d.removes, 1);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* A probe that fails leaves the channel unbound and is counted; a later driver can bind it. */
static void test_probe_error_leaves_channel_unbound(void)
{
	struct rpmsg_pair p;
	struct tdrv bad, good;
	struct tept rept;
	struct amp_rpmsg_channel *ch;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&bad, "svc", NULL, NULL);
	bad.probe_ret = -AMP_ENODEV;
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &bad.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "svc", AMP_RPMSG_ADDR_ANY, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(bad.probes, 1);
	CHECK_EQ(bad.removes, 0); /* no remove for a probe that failed, as Linux */
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_PROBE_FAILED], 1);
	ch = amp_rpmsg_channel_find(&p.hlink, "svc", AMP_RPMSG_ADDR_ANY);
	REQUIRE(ch != NULL);
	CHECK(!ch->bound);
	/* The endpoint created for the probe is gone again: nothing answers at the host. */
	CHECK(p.hlink.epts == NULL);

	amp_rpmsg_driver_unregister(&p.host, &bad.drv);
	CHECK_EQ(bad.removes, 0);
	tdrv_init(&good, "svc", NULL, NULL);
	good.greeting = "ok";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &good.drv), 0);
	CHECK_EQ(good.probes, 1);
	CHECK(ch->bound);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(rept.msgs, 1);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_PROBE_FAILED], 1);
	rpmsg_pair_fini(&p);
}

/*
 * Host-announced name service: the host creates a channel with a fixed local address; once a
 * driver binds it, the host sends CREATE; the remote creates the channel, probes its own driver,
 * and that driver talks to the host's fixed address (NS-008).
 */
static void test_host_announced_channel(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, rd;
	struct amp_rpmsg_channel *hch = NULL, *rch;
	struct amp_rpmsg_endpoint *rept;
	uint64_t tx_before;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "host-svc", NULL, NULL);
	tdrv_init(&rd, "host-svc", NULL, NULL);
	rd.greeting = "hi host";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) >= 0);

	tx_before = hstats(&p)->tx_messages;
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "host-svc", 400, AMP_RPMSG_ADDR_ANY, &hch), 0);
	REQUIRE(hch != NULL);
	CHECK_EQ(hd.probes, 1);
	CHECK(hch->bound);
	CHECK_EQ(amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(hch)), 400);
	CHECK_EQ(hstats(&p)->tx_messages, tx_before + 1); /* the CREATE, sent right away */
	CHECK(rpmsg_pair_pump(&p, 100) > 0);

	CHECK_EQ(rd.probes, 1);
	rch = amp_rpmsg_channel_find(&p.rlink, "host-svc", 400);
	REQUIRE(rch != NULL);
	CHECK(rch == rd.last);
	CHECK(rch->bound);
	rept = amp_rpmsg_channel_endpoint(rch);
	CHECK_EQ(amp_rpmsg_endpoint_dst(rept), 400);
	CHECK_EQ(rd.greet_ret, 0);
	CHECK_EQ(hd.msgs, 1);
	CHECK(!strcmp(hd.last_msg, "hi host"));
	CHECK_EQ(hd.last_src, amp_rpmsg_endpoint_addr(rept));
	/* The host's channel had no remote address: it took the remote's from that message. */
	CHECK_EQ(amp_rpmsg_endpoint_dst(amp_rpmsg_channel_endpoint(hch)),
		 amp_rpmsg_endpoint_addr(rept));
	CHECK_EQ(amp_rpmsg_send(amp_rpmsg_channel_endpoint(hch), "hi remote", 9), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(rd.msgs, 1);
	CHECK(!strcmp(rd.last_msg, "hi remote"));
	CHECK_EQ(rd.last_src, 400);
	/* The remote's end has a dynamic address and is not announced back. */
	CHECK_EQ(count_channels(p.hch), 1);
	CHECK_EQ(count_channels(p.rch), 1);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* A channel with a dynamic local address is not announced (Linux: rpdev->announce only for a
 * fixed src). */
static void test_dynamic_src_channel_not_announced(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, rd;
	struct amp_rpmsg_channel *ch = NULL;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "dyn-svc", NULL, NULL);
	tdrv_init(&rd, "dyn-svc", NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "dyn-svc", AMP_RPMSG_ADDR_ANY,
					  AMP_RPMSG_ADDR_ANY, &ch),
		 0);
	REQUIRE(ch != NULL);
	CHECK_EQ(hd.probes, 1);
	CHECK(ch->bound);
	CHECK(amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(ch)) >=
	      AMP_RPMSG_RESERVED_ADDRESSES);
	CHECK_EQ(rpmsg_pair_pump(&p, 100), 0);
	CHECK_EQ(hstats(&p)->tx_messages, 0);
	CHECK_EQ(rd.probes, 0);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "dyn-svc", AMP_RPMSG_ADDR_ANY) == NULL);
	/* Destroying it sends no DESTROY either. */
	amp_rpmsg_channel_destroy(ch);
	CHECK_EQ(hd.removes, 1);
	CHECK_EQ(hstats(&p)->tx_messages, 0);
	CHECK_EQ(count_channels(p.hch), 0);
	rpmsg_pair_fini(&p);
}

/*
 * DESTROY from the peer removes the channel and calls remove, in both directions: a remote
 * endpoint destroyed sends DESTROY to the host, a host channel destroyed sends DESTROY to the
 * remote (NS-007).
 */
static void test_destroy_removes_channel(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, rd;
	struct tept rept;
	struct amp_rpmsg_channel *hch = NULL;
	uint64_t rtx, htx;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "remote-svc", "host-svc", NULL);
	tdrv_init(&rd, "host-svc", NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "remote-svc", 1200, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "host-svc", 400, AMP_RPMSG_ADDR_ANY, &hch), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 2);
	CHECK_EQ(rd.probes, 1);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "remote-svc", 1200) != NULL);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-svc", 400) != NULL);

	rtx = rstats(&p)->tx_messages;
	amp_rpmsg_endpoint_destroy(&rept.ept);
	CHECK_EQ(rstats(&p)->tx_messages, rtx + 1); /* the DESTROY */
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.removes, 1);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "remote-svc", AMP_RPMSG_ADDR_ANY) == NULL);
	CHECK_EQ(count_channels(p.hch), 1);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY], 0);

	htx = hstats(&p)->tx_messages;
	amp_rpmsg_channel_destroy(hch);
	CHECK_EQ(hd.removes, 2); /* our own driver's remove */
	CHECK_EQ(hstats(&p)->tx_messages, htx + 1);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(rd.removes, 1);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-svc", AMP_RPMSG_ADDR_ANY) == NULL);
	CHECK_EQ(count_channels(p.hch), 0);
	CHECK_EQ(count_channels(p.rch), 0);
	CHECK_EQ(rstats(&p)->events[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY], 0);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* CREATE after DESTROY probes again; the new channel works. */
static void test_recreate_after_destroy(void)
{
	struct rpmsg_pair p;
	struct tdrv hd;
	struct tept rept;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "svc", NULL, NULL);
	hd.greeting = "again";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	for (int round = 1; round <= 3; round++) {
		REQUIRE(tept_create(&rept, &p.rlink, "svc", 1300, true) == 0);
		CHECK(rpmsg_pair_pump(&p, 100) > 0);
		CHECK_EQ(hd.probes, round);
		CHECK_EQ(hd.removes, round - 1);
		CHECK_EQ(rept.msgs, 1);
		CHECK(!strcmp(rept.last_msg, "again"));
		CHECK(amp_rpmsg_channel_find(&p.hlink, "svc", 1300) != NULL);
		amp_rpmsg_endpoint_destroy(&rept.ept);
		CHECK(rpmsg_pair_pump(&p, 100) > 0);
		CHECK_EQ(hd.removes, round);
		CHECK_EQ(count_channels(p.hch), 0);
	}
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_DUPLICATE], 0);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* A second CREATE for an existing (name, addr) is counted and changes nothing (NS-006). */
static void test_duplicate_create(void)
{
	struct rpmsg_pair p;
	struct tdrv hd;
	struct tept rept;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "dup-svc", NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "dup-svc", 1400, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 1);

	CHECK_EQ(send_ns(&p, &rept.ept, "dup-svc", 1400, AMP_RPMSG_NS_CREATE), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_DUPLICATE], 1);
	CHECK_EQ(hd.probes, 1);
	CHECK_EQ(count_channels(p.hch), 1);
	/* Still one channel after a duplicate from another source address: the record's address
	 * is the key, as in Linux rpmsg_ns_cb(), not hdr.src. */
	CHECK_EQ(send_ns_from(&p, &rept.ept, 1401, "dup-svc", 1400, AMP_RPMSG_NS_CREATE), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_DUPLICATE], 2);
	CHECK_EQ(count_channels(p.hch), 1);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* DESTROY of a channel that does not exist is counted; the peer cannot withdraw one of ours. */
static void test_unknown_destroy(void)
{
	struct rpmsg_pair p;
	struct tdrv hd;
	struct tept rept;
	struct amp_rpmsg_channel *mine = NULL;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "mine", "known", NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "known", 1500, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 1);

	CHECK_EQ(send_ns(&p, &rept.ept, "ghost", 2000, AMP_RPMSG_NS_DESTROY), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY], 1);
	/* A known name at the wrong address is unknown too. */
	CHECK_EQ(send_ns(&p, &rept.ept, "known", 1501, AMP_RPMSG_NS_DESTROY), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY], 2);
	CHECK_EQ(hd.removes, 0);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "known", 1500) != NULL);

	/* Our own channel with a fixed remote address: a DESTROY naming it is not the peer's to
	 * send. */
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "mine", 401, 600, &mine), 0);
	CHECK_EQ(hd.probes, 2);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(send_ns(&p, &rept.ept, "mine", 600, AMP_RPMSG_NS_DESTROY), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY], 3);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "mine", 600) == mine);
	CHECK(mine->bound);
	CHECK_EQ(hd.removes, 0);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* The same name at a second address is a second channel (NS-006: Linux does the same). */
static void test_same_name_other_address(void)
{
	struct rpmsg_pair p;
	struct tdrv hd;
	struct tept a, b;
	struct amp_rpmsg_channel *ca, *cb;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "multi", NULL, NULL);
	hd.greeting = "hey";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	REQUIRE(tept_create(&a, &p.rlink, "multi", 1100, true) == 0);
	REQUIRE(tept_create(&b, &p.rlink, "multi", 1101, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 2);
	ca = amp_rpmsg_channel_find(&p.hlink, "multi", 1100);
	cb = amp_rpmsg_channel_find(&p.hlink, "multi", 1101);
	REQUIRE(ca && cb);
	CHECK(ca != cb);
	CHECK(amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(ca)) !=
	      amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(cb)));
	/* Each greeting reached its own endpoint. */
	CHECK_EQ(a.msgs, 1);
	CHECK_EQ(b.msgs, 1);
	CHECK_EQ(a.last_src, amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(ca)));
	CHECK_EQ(b.last_src, amp_rpmsg_endpoint_addr(amp_rpmsg_channel_endpoint(cb)));
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_DUPLICATE], 0);
	/* Withdrawing one leaves the other. */
	amp_rpmsg_endpoint_destroy(&a.ept);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.removes, 1);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "multi", 1100) == NULL);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "multi", 1101) == cb);
	rpmsg_pair_fini(&p);
}

/* A CREATE that finds the pool (RPMSG_PAIR_CHANNELS) full is counted; a freed slot is reused. */
static void test_channel_pool_full(void)
{
	enum { N = RPMSG_PAIR_CHANNELS + 1 };
	struct rpmsg_pair p;
	struct tept e[N];
	char names[N][16];
	int missing = -1, found = 0, victim;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "svc-%d", i);
		REQUIRE(tept_create(&e[i], &p.rlink, names[i], 1100 + (uint32_t)i, true) == 0);
	}
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(rstats(&p)->tx_messages, N);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_NO_ROOM], 1);
	CHECK_EQ(count_channels(p.hch), RPMSG_PAIR_CHANNELS);
	for (int i = 0; i < N; i++) {
		if (amp_rpmsg_channel_find(&p.hlink, names[i], 1100 + (uint32_t)i))
			found++;
		else
			missing = i;
	}
	CHECK_EQ(found, RPMSG_PAIR_CHANNELS);
	REQUIRE(missing >= 0);

	/* Free one slot; the lost announcement can then be repeated. */
	victim = missing == 0 ? 1 : 0;
	amp_rpmsg_endpoint_destroy(&e[victim].ept);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(count_channels(p.hch), RPMSG_PAIR_CHANNELS - 1);
	CHECK_EQ(send_ns(&p, &e[missing].ept, names[missing], 1100 + (uint32_t)missing,
			 AMP_RPMSG_NS_CREATE),
		 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(count_channels(p.hch), RPMSG_PAIR_CHANNELS);
	CHECK(amp_rpmsg_channel_find(&p.hlink, names[missing], 1100 + (uint32_t)missing) != NULL);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_NO_ROOM], 1);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/*
 * The device does not offer F_NS: nothing announces, and a name-service record sent anyway is
 * counted and dropped by either side (NS-001).
 */
static void test_without_ns_feature(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, rd;
	struct tept rept, hept;
	struct amp_rpmsg_channel *ch = NULL;

	REQUIRE(pair_init(&p, 0, F_NS) == 0);
	tdrv_init(&hd, "svc", "host-svc", NULL);
	tdrv_init(&rd, "host-svc", NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "svc", 1500, true) == 0);
	REQUIRE(tept_create(&hept, &p.hlink, NULL, 2000, false) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_link_features(&p.hlink) & F_NS, 0);
	CHECK_EQ(amp_rpmsg_link_features(&p.rlink) & F_NS, 0);
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "host-svc", 400, AMP_RPMSG_ADDR_ANY, &ch), 0);
	CHECK_EQ(rpmsg_pair_pump(&p, 100), 0);
	CHECK_EQ(rstats(&p)->tx_messages, 0);
	CHECK_EQ(hstats(&p)->tx_messages, 0);
	CHECK_EQ(hd.probes, 1); /* only our own channel */
	CHECK_EQ(rd.probes, 0);
	CHECK_EQ(count_channels(p.hch), 1);
	CHECK_EQ(count_channels(p.rch), 0);

	/* Records to 53 anyway, in both directions. */
	CHECK_EQ(send_ns(&p, &rept.ept, "svc", 1500, AMP_RPMSG_NS_CREATE), 0);
	CHECK_EQ(send_ns(&p, &hept.ept, "host-svc", 400, AMP_RPMSG_NS_CREATE), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_WITHOUT_FEATURE], 1);
	CHECK_EQ(rstats(&p)->events[AMP_RPMSG_EV_NS_WITHOUT_FEATURE], 1);
	CHECK_EQ(count_channels(p.hch), 1);
	CHECK_EQ(count_channels(p.rch), 0);
	CHECK_EQ(hd.probes, 1);
	CHECK_EQ(rd.probes, 0);
	/* Plain traffic is unaffected. */
	CHECK_EQ(amp_rpmsg_sendto(&rept.ept, "plain", 5, 2000), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hept.msgs, 1);
	/* Destroying an endpoint that never announced sends nothing. */
	amp_rpmsg_endpoint_destroy(&rept.ept);
	CHECK_EQ(rstats(&p)->tx_messages, 2);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* The host does not support F_NS: it is not negotiated although offered, so the remote stays
 * silent, and the host, which has no name service, treats 53 as an address without endpoint. */
static void test_host_without_ns_support(void)
{
	struct rpmsg_pair p;
	struct tept rept;

	REQUIRE(pair_init(&p, F_NS, 0) == 0);
	REQUIRE(tept_create(&rept, &p.rlink, "svc", 1500, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_link_features(&p.rlink) & F_NS, 0);
	CHECK_EQ(rpmsg_pair_pump(&p, 100), 0);
	CHECK_EQ(rstats(&p)->tx_messages, 0);
	CHECK_EQ(send_ns(&p, &rept.ept, "svc", 1500, AMP_RPMSG_NS_CREATE), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_WITHOUT_FEATURE], 0);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NO_RECIPIENT], 1);
	CHECK_EQ(count_channels(p.hch), 0);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/*
 * Link reset: the host stops and starts the device. Channels that came from the peer go away on
 * both sides (remove called), our own stay; at the new link-up both sides announce again and
 * both drivers are probed again.
 */
static void test_link_reset_reannounces(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, rd;
	struct tept rept;
	struct amp_rpmsg_channel *hch = NULL;

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, "remote-svc", "host-svc", NULL);
	tdrv_init(&rd, "host-svc", NULL, NULL);
	rd.greeting = "remote here";
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, "remote-svc", 1600, true) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "host-svc", 400, AMP_RPMSG_ADDR_ANY, &hch), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 2);
	CHECK_EQ(rd.probes, 1);
	CHECK_EQ(hd.msgs, 1);

	amp_rpmsg_link_stop(&p.hlink);
	CHECK(!amp_rpmsg_link_is_up(&p.hlink));
	CHECK_EQ(hd.removes, 1); /* the remote's channel */
	CHECK(amp_rpmsg_channel_find(&p.hlink, "remote-svc", AMP_RPMSG_ADDR_ANY) == NULL);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "host-svc", AMP_RPMSG_ADDR_ANY) == hch);
	CHECK(hch->bound);
	/* The remote sees the reset at its next poll. */
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK(!amp_rpmsg_link_is_up(&p.rlink));
	CHECK_EQ(rd.removes, 1);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-svc", AMP_RPMSG_ADDR_ANY) == NULL);
	CHECK_EQ(count_channels(p.rch), 0);
	CHECK_EQ(rstats(&p)->events[AMP_RPMSG_EV_LINK_DOWN], 1);

	REQUIRE(amp_rpmsg_link_start(&p.hlink) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK(amp_rpmsg_link_is_up(&p.rlink));
	CHECK_EQ(hd.probes, 3);
	CHECK_EQ(rd.probes, 2);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "remote-svc", 1600) != NULL);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-svc", 400) != NULL);
	CHECK_EQ(hd.msgs, 2);
	CHECK(!strcmp(hd.last_msg, "remote here"));
	CHECK_EQ(hd.removes, 1);
	CHECK_EQ(rd.removes, 1);
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_NS_DUPLICATE], 0);
	CHECK_EQ(rstats(&p)->events[AMP_RPMSG_EV_NS_DUPLICATE], 0);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

/* Names of 31 characters (the maximum) work both ways; 32 are refused locally (NS-003). */
static void test_name_of_31_chars(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, rd;
	struct tept rept, tmp;
	struct amp_rpmsg_channel *ch = NULL;

	CHECK_EQ(strlen(NAME31), 31);
	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, NAME31, NULL, NULL);
	tdrv_init(&rd, NAME31, NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	REQUIRE(tept_create(&rept, &p.rlink, NAME31, 1700, true) == 0);
	CHECK_EQ(tept_create(&tmp, &p.rlink, NAME32, 1701, true), -AMP_EINVAL);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, NAME32, 401, AMP_RPMSG_ADDR_ANY, &ch),
		 -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, NAME31, 401, AMP_RPMSG_ADDR_ANY, &ch), 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 2);
	CHECK_EQ(rd.probes, 1);
	ch = amp_rpmsg_channel_find(&p.hlink, NAME31, 1700);
	REQUIRE(ch != NULL);
	CHECK(!strcmp(amp_rpmsg_channel_name(ch), NAME31));
	ch = amp_rpmsg_channel_find(&p.rlink, NAME31, 401);
	REQUIRE(ch != NULL);
	CHECK(!strcmp(amp_rpmsg_channel_name(ch), NAME31));
	CHECK_EQ(hstats(&p)->events[AMP_RPMSG_EV_BAD_MESSAGE], 0);
	CHECK_EQ(rstats(&p)->events[AMP_RPMSG_EV_BAD_MESSAGE], 0);
	rpmsg_pair_fini(&p);
}

/* Endpoints and channels marked for announcement before link-up are announced at link-up, after
 * DRIVER_OK (NS-009). */
static void test_announced_at_link_up(void)
{
	struct rpmsg_pair p;
	struct tdrv hd, hd2, rd;
	struct tept e[3];
	struct amp_rpmsg_channel *hch = NULL;
	static const char *const names[3] = {"early-0", "early-1", "early-2"};

	REQUIRE(pair_init(&p, F_NS, F_NS) == 0);
	tdrv_init(&hd, names[0], names[1], names[2]);
	tdrv_init(&hd2, "host-early", NULL, NULL);
	tdrv_init(&rd, "host-early", NULL, NULL);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &hd2.drv), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.remote, &rd.drv), 0);
	for (int i = 0; i < 3; i++)
		REQUIRE(tept_create(&e[i], &p.rlink, names[i], AMP_RPMSG_ADDR_ANY, true) == 0);
	/* The host's channel binds now (its driver is there), is announced later. */
	CHECK_EQ(amp_rpmsg_channel_create(&p.hlink, "host-early", 402, AMP_RPMSG_ADDR_ANY, &hch),
		 0);
	CHECK_EQ(hd2.probes, 1);
	CHECK(hch->bound);
	CHECK_EQ(hstats(&p)->tx_messages, 0);
	/* The remote is polled before the host starts: nothing may go out before DRIVER_OK. */
	CHECK_EQ(amp_rpmsg_link_poll(&p.rlink), 0);
	CHECK_EQ(rstats(&p)->tx_messages, 0);

	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(hstats(&p)->tx_messages, 1);
	CHECK_EQ(rstats(&p)->tx_messages, 3);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(hd.probes, 3);
	CHECK_EQ(rd.probes, 1);
	for (int i = 0; i < 3; i++)
		CHECK(amp_rpmsg_channel_find(&p.hlink, names[i],
					     amp_rpmsg_endpoint_addr(&e[i].ept)) != NULL);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-early", 402) != NULL);
	check_buffers(&p);
	rpmsg_pair_fini(&p);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_remote_announce_probes_matching_driver),
		TEST(test_driver_registered_late),
		TEST(test_unregister_calls_remove),
		TEST(test_probe_error_leaves_channel_unbound),
		TEST(test_host_announced_channel),
		TEST(test_dynamic_src_channel_not_announced),
		TEST(test_destroy_removes_channel),
		TEST(test_recreate_after_destroy),
		TEST(test_duplicate_create),
		TEST(test_unknown_destroy),
		TEST(test_same_name_other_address),
		TEST(test_channel_pool_full),
		TEST(test_without_ns_feature),
		TEST(test_host_without_ns_support),
		TEST(test_link_reset_reannounces),
		TEST(test_name_of_31_chars),
		TEST(test_announced_at_link_up),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
