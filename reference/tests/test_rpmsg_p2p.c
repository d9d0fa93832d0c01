// SPDX-License-Identifier: BSD-3-Clause
/*
 * The peer-to-peer topology of "Decouple RPMsg and Remoteproc": three nodes, three links, the
 * virtio role chosen per link.
 *
 *	    A ---- driver / device ---- B
 *	    |                           |
 *	  driver                      driver
 *	    |                           |
 *	  device ------------------- device
 *	    C
 *
 * A drives A-B and A-C; B is the device on A-B and drives B-C; C is the device on A-C and B-C.
 * Each link is one shared block laid out like rpmsg_pair.c (device block, vring0, vring1, buffer
 * pool) with its own shared window; each side has its own &struct amp_rpmsg_link on its node.
 *
 * Every node registers one driver whose id table lists the other two nodes' services, and
 * announces its own service ("svc-a", ...) on each of its links. The tests check that each
 * driver is probed once per link with the right peer's service, that messages between every
 * ordered pair of nodes arrive at the right endpoint of the right link with the right contents,
 * and that links are independent (a reset of one leaves the others running).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/rpmsg.h"
#include "amp/virtio.h"
#include "testing.h"

#define NODES     3
#define LINKS     3
#define P2P_NUM   16 /* ring size of every link */
#define P2P_CHANS 4  /* channel pool per link side */
#define P2P_BUF   AMP_RPMSG_BUF_SIZE
#define RING_BASE 0x1000u
#define ROUNDS    20 /* messages per ordered pair */

/* ---------------------------------------------------------------- fixture */

struct p2p;

/**
 * struct p2p_ept - a node's announced endpoint on one link
 * @ept: the endpoint
 * @self: index of the node that owns it
 * @peer: index of the node at the other end of the link
 * @link: index of the link
 * @msgs: messages received
 * @next_seq: the sequence number the next message must carry
 * @bad: messages with unexpected contents
 */
struct p2p_ept {
	struct amp_rpmsg_endpoint ept;
	int self, peer, link;
	int msgs;
	int next_seq;
	int bad;
};

/**
 * struct p2p_driver - a node's one driver and the channels it was given
 * @drv: the driver; first member, so the channel's driver pointer leads back here
 * @ids: the two other nodes' service names
 * @t: the fixture
 * @node: index of the node
 * @ch: channels probed, in probe order
 * @ch_link: index of the link each channel lives on
 * @nch: number of channels
 * @probes: probe calls
 * @removes: remove calls
 * @replies: echoes received
 * @bad: echoes with unexpected contents
 */
struct p2p_driver {
	struct amp_rpmsg_driver drv;
	struct amp_rpmsg_device_id ids[3];
	struct p2p *t;
	int node;
	struct amp_rpmsg_channel *ch[LINKS];
	int ch_link[LINKS];
	int nch;
	int probes, removes, replies, bad;
};

/**
 * struct p2p_link - one virtio rpmsg device shared by two nodes
 * @mem: the shared block: device block, vring0, vring1, pool
 * @mem_size: its size
 * @ring: the two rings inside @mem
 * @pool: the buffer pool inside @mem
 * @region: the block's shared window (its own device address per link)
 * @table: the window as a region table
 * @drv_node: node playing the driver role
 * @dev_node: node playing the device role
 * @side: the two sides' links: [0] driver, [1] device
 * @ch: the two sides' channel pools
 * @work: the two sides' bookkeeping
 */
struct p2p_link {
	uint8_t *mem;
	size_t mem_size;
	uint8_t *ring[2];
	uint8_t *pool;
	struct amp_mem_region region;
	struct amp_region_table table;
	int drv_node, dev_node;
	struct amp_rpmsg_link side[2];
	struct amp_rpmsg_channel ch[2][P2P_CHANS];
	void *work[2];
};

/**
 * struct p2p - the whole topology
 * @node: the three nodes
 * @link: the three links (A-B, A-C, B-C)
 * @drv: one driver per node
 * @ept: per node and link, the announced endpoint (unused where the node is not on the link)
 */
struct p2p {
	struct amp_rpmsg_node node[NODES];
	struct p2p_link link[LINKS];
	struct p2p_driver drv[NODES];
	struct p2p_ept ept[NODES][LINKS];
};

enum { A, B, C };
enum { AB, AC, BC };

static const char node_name[NODES] = {'A', 'B', 'C'};
static const char *const svc_name[NODES] = {"svc-a", "svc-b", "svc-c"};
/* Who drives and who is the device on each link. */
static const int link_nodes[LINKS][2] = {[AB] = {A, B}, [AC] = {A, C}, [BC] = {B, C}};

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The side of link @l that node @n plays, or -1. */
static int side_of(int l, int n)
{
	if (link_nodes[l][0] == n)
		return 0;
	if (link_nodes[l][1] == n)
		return 1;
	return -1;
}

static struct amp_rpmsg_link *node_link(struct p2p *t, int n, int l)
{
	int s = side_of(l, n);

	return s < 0 ? NULL : &t->link[l].side[s];
}

static int other_node(int l, int n)
{
	return link_nodes[l][0] == n ? link_nodes[l][1] : link_nodes[l][0];
}

/* The link a channel lives on, found through the public lookup. */
static int channel_link(struct p2p *t, int n, struct amp_rpmsg_channel *ch)
{
	for (int l = 0; l < LINKS; l++) {
		struct amp_rpmsg_link *link = node_link(t, n, l);

		if (link && amp_rpmsg_channel_find(link, amp_rpmsg_channel_name(ch),
						   AMP_RPMSG_ADDR_ANY) == ch)
			return l;
	}
	return -1;
}

/* The node whose service a channel name is, or -1. */
static int service_node(const char *name)
{
	for (int n = 0; n < NODES; n++)
		if (!strcmp(name, svc_name[n]))
			return n;
	return -1;
}

static struct p2p_driver *p2p_driver_of(struct amp_rpmsg_channel *ch)
{
	/* Test-only peek at the bus's private driver pointer (set before probe). */
	return (struct p2p_driver *)ch->driver;
}

static int p2p_probe(struct amp_rpmsg_channel *ch)
{
	struct p2p_driver *d = p2p_driver_of(ch);
	int l = channel_link(d->t, d->node, ch);

	d->probes++;
	if (l < 0 || d->nch == LINKS)
		return -AMP_EINVAL;
	d->ch[d->nch] = ch;
	d->ch_link[d->nch] = l;
	d->nch++;
	return 0;
}

static void p2p_remove(struct amp_rpmsg_channel *ch)
{
	struct p2p_driver *d = p2p_driver_of(ch);

	d->removes++;
	for (int i = 0; i < d->nch; i++) {
		if (d->ch[i] != ch)
			continue;
		d->ch[i] = d->ch[d->nch - 1];
		d->ch_link[i] = d->ch_link[d->nch - 1];
		d->nch--;
		break;
	}
}

/* An echo "echo X->Y #n" of what this node (X) sent to the service's node (Y). */
static int p2p_reply(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	struct p2p_driver *d = p2p_driver_of(ch);
	int peer = service_node(amp_rpmsg_channel_name(ch));
	char want_prefix[32];
	int n;

	(void)src;
	d->replies++;
	n = snprintf(want_prefix, sizeof(want_prefix), "echo %c->%c #", node_name[d->node],
		     peer >= 0 ? node_name[peer] : '?');
	if (len <= (size_t)n || memcmp(data, want_prefix, (size_t)n))
		d->bad++;
	return 0;
}

/* A message "X->Y #n" from the peer X of this link to this node Y: check it, echo it. */
static int p2p_ept_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		      void *priv)
{
	struct p2p_ept *e = priv;
	char want[32], echo[40];
	int n = snprintf(want, sizeof(want), "%c->%c #%d", node_name[e->peer], node_name[e->self],
			 e->next_seq);

	e->msgs++;
	if (len != (size_t)n || memcmp(data, want, len))
		e->bad++;
	e->next_seq++;
	n = snprintf(echo, sizeof(echo), "echo %.*s", (int)len < 30 ? (int)len : 30,
		     (const char *)data);
	return amp_rpmsg_sendto(ept, echo, (size_t)n, src);
}

static int p2p_link_init(struct p2p *t, int l, enum amp_byte_order order)
{
	struct p2p_link *k = &t->link[l];
	struct amp_vdev_vring_info vr[2] = {
		{.align = 4096, .num = P2P_NUM, .notifyid = 0},
		{.align = 4096, .num = P2P_NUM, .notifyid = 1},
	};
	struct amp_io io = {.order = order};
	size_t ring_size = amp_vring_size(P2P_NUM, 4096);
	size_t work = AMP_RPMSG_LINK_WORK_SIZE(P2P_NUM);
	size_t off = align_up(align_up(RING_BASE + ring_size, 4096) + ring_size, 4096);
	size_t pool = 2u * P2P_NUM * P2P_BUF;
	int err = 0;

	k->drv_node = link_nodes[l][0];
	k->dev_node = link_nodes[l][1];
	k->mem_size = align_up(off + pool, 4096);
	k->mem = aligned_alloc(4096, k->mem_size);
	k->work[0] = aligned_alloc(64, align_up(work, 64));
	k->work[1] = aligned_alloc(64, align_up(work, 64));
	if (!k->mem || !k->work[0] || !k->work[1])
		return -AMP_ENOMEM;
	memset(k->mem, 0, k->mem_size);
	k->ring[0] = k->mem + RING_BASE;
	k->ring[1] = k->mem + align_up(RING_BASE + ring_size, 4096);
	k->pool = k->mem + off;
	/* A distinct device address per link: a buffer of one link can never pass on another. */
	k->region = (struct amp_mem_region){.da = 0x40000000ull + 0x10000000ull * (uint64_t)l,
					    .va = k->mem,
					    .size = k->mem_size};
	k->table = (struct amp_region_table){.regions = &k->region, .count = 1};
	amp_vdev_block_init(&io, k->mem, 2, AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS), vr);

	for (int s = 0; s < 2 && !err; s++) {
		struct amp_rpmsg_link_config cfg = {
			.role = s == 0 ? AMP_RPMSG_DRIVER : AMP_RPMSG_DEVICE,
			.vdev = k->mem,
			.io = io,
			.addr = amp_addr_map_regions(&k->table),
			.features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS),
			.work = k->work[s],
			.work_size = work,
			.channels = k->ch[s],
			.channel_count = P2P_CHANS,
		};

		if (s == 0) {
			cfg.ring[0] = k->ring[0];
			cfg.ring[1] = k->ring[1];
			cfg.ring_size[0] = ring_size;
			cfg.ring_size[1] = ring_size;
			cfg.pool = k->pool;
			cfg.pool_size = pool;
		}
		err = amp_rpmsg_link_init(&k->side[s], &t->node[link_nodes[l][s]], &cfg);
	}
	return err;
}

/*
 * Build the topology: nodes, links, one driver per node and one announced endpoint per node and
 * link. @orders gives each link's byte order. Nothing is started.
 */
static int p2p_init(struct p2p *t, const enum amp_byte_order orders[LINKS])
{
	int err = 0;

	memset(t, 0, sizeof(*t));
	for (int n = 0; n < NODES; n++)
		amp_rpmsg_node_init(&t->node[n], NULL, NULL);
	for (int l = 0; l < LINKS && !err; l++)
		err = p2p_link_init(t, l, orders[l]);
	for (int n = 0; n < NODES && !err; n++) {
		struct p2p_driver *d = &t->drv[n];
		int k = 0;

		for (int m = 0; m < NODES; m++)
			if (m != n)
				d->ids[k++].name = svc_name[m];
		d->drv.id_table = d->ids;
		d->drv.probe = p2p_probe;
		d->drv.remove = p2p_remove;
		d->drv.callback = p2p_reply;
		d->t = t;
		d->node = n;
		err = amp_rpmsg_driver_register(&t->node[n], &d->drv);
	}
	for (int n = 0; n < NODES && !err; n++) {
		for (int l = 0; l < LINKS && !err; l++) {
			struct p2p_ept *e = &t->ept[n][l];
			struct amp_rpmsg_endpoint_config cfg = {
				.name = svc_name[n],
				.addr = AMP_RPMSG_ADDR_ANY,
				.dst = AMP_RPMSG_ADDR_ANY,
				.cb = p2p_ept_cb,
				.priv = e,
				.announce = true,
			};

			if (side_of(l, n) < 0)
				continue;
			e->self = n;
			e->peer = other_node(l, n);
			e->link = l;
			err = amp_rpmsg_endpoint_create(&e->ept, node_link(t, n, l), &cfg);
		}
	}
	return err;
}

/* Every driver side starts its links (A: A-B and A-C, B: B-C). */
static int p2p_start(struct p2p *t)
{
	for (int l = 0; l < LINKS; l++) {
		int err = amp_rpmsg_link_start(&t->link[l].side[0]);

		if (err)
			return err;
	}
	return 0;
}

/* Poll every side of every link until a round delivers nothing; total delivered or an error. */
static int p2p_pump(struct p2p *t, int max_rounds)
{
	int total = 0;

	while (max_rounds-- > 0) {
		int round = 0;

		for (int l = 0; l < LINKS; l++) {
			for (int s = 1; s >= 0; s--) {
				int r = amp_rpmsg_link_poll(&t->link[l].side[s]);

				if (r < 0)
					return r;
				round += r;
			}
		}
		total += round;
		if (!round)
			break;
	}
	return total;
}

static void p2p_fini(struct p2p *t)
{
	for (int l = 0; l < LINKS; l++) {
		free(t->link[l].mem);
		free(t->link[l].work[0]);
		free(t->link[l].work[1]);
	}
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- checks */

/* Node @n's driver holds exactly one channel per link of @n, named after that link's peer. */
static void check_probes(struct p2p *t, int n)
{
	struct p2p_driver *d = &t->drv[n];
	int seen[LINKS] = {0};

	CHECK_EQ(d->nch, 2);
	for (int i = 0; i < d->nch; i++) {
		int l = d->ch_link[i];

		REQUIRE(l >= 0 && l < LINKS);
		CHECK(side_of(l, n) >= 0);
		seen[l]++;
		CHECK_EQ(service_node(amp_rpmsg_channel_name(d->ch[i])), other_node(l, n));
		/* The channel talks to the peer's announced endpoint on that link. */
		CHECK_EQ(amp_rpmsg_endpoint_dst(amp_rpmsg_channel_endpoint(d->ch[i])),
			 amp_rpmsg_endpoint_addr(&t->ept[other_node(l, n)][l].ept));
	}
	for (int l = 0; l < LINKS; l++)
		CHECK_EQ(seen[l], side_of(l, n) >= 0 ? 1 : 0);
}

/* Buffers are where they should be on an idle link (RPMSG-008). */
static void check_buffers(struct p2p *t, int l)
{
	struct amp_rpmsg_buffer_counts c;

	amp_rpmsg_link_buffers(&t->link[l].side[0], &c);
	CHECK_EQ(c.rx_with_peer + c.rx_held, P2P_NUM);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, P2P_NUM);
	amp_rpmsg_link_buffers(&t->link[l].side[1], &c);
	CHECK_EQ(c.total, 0);
}

/* Every node sends ROUNDS messages (sequence 0..ROUNDS-1) to each neighbour on every link it
 * shares with it, skipping the links in @skip, one round at a time; returns the number sent. */
static int send_all(struct p2p *t, const bool skip[LINKS])
{
	int sent = 0;

	for (int r = 0; r < ROUNDS; r++) {
		for (int n = 0; n < NODES; n++) {
			struct p2p_driver *d = &t->drv[n];

			for (int i = 0; i < d->nch; i++) {
				int l = d->ch_link[i];
				int peer = other_node(l, n);
				char msg[32];
				int len;

				if (skip[l])
					continue;
				len = snprintf(msg, sizeof(msg), "%c->%c #%d", node_name[n],
					       node_name[peer], r);
				CHECK_EQ(amp_rpmsg_send(amp_rpmsg_channel_endpoint(d->ch[i]), msg,
							(size_t)len),
					 0);
				sent++;
			}
		}
		CHECK(p2p_pump(t, 100) > 0);
	}
	return sent;
}

static void run_topology(const enum amp_byte_order orders[LINKS])
{
	static struct p2p t;
	const bool none[LINKS] = {false, false, false};
	int sent;

	REQUIRE(p2p_init(&t, orders) == 0);
	REQUIRE(p2p_start(&t) == 0);
	CHECK(p2p_pump(&t, 100) > 0);
	for (int l = 0; l < LINKS; l++) {
		CHECK(amp_rpmsg_link_is_up(&t.link[l].side[0]));
		CHECK(amp_rpmsg_link_is_up(&t.link[l].side[1]));
	}

	/* Each driver probed once per link, never on a link its node is not on. */
	for (int n = 0; n < NODES; n++) {
		CHECK_EQ(t.drv[n].probes, 2);
		check_probes(&t, n);
	}
	/* Both directions of every link, hence A->B, B->A, A->C, C->A, B->C, C->B. */
	sent = send_all(&t, none);
	CHECK_EQ(sent, ROUNDS * 6);
	for (int n = 0; n < NODES; n++) {
		CHECK_EQ(t.drv[n].replies, 2 * ROUNDS);
		CHECK_EQ(t.drv[n].bad, 0);
		for (int l = 0; l < LINKS; l++) {
			if (side_of(l, n) < 0)
				continue;
			CHECK_EQ(t.ept[n][l].msgs, ROUNDS);
			CHECK_EQ(t.ept[n][l].bad, 0);
		}
	}
	for (int l = 0; l < LINKS; l++) {
		/* Per link: ROUNDS messages and ROUNDS echoes each way, nothing else delivered. */
		CHECK_EQ(amp_rpmsg_link_stats(&t.link[l].side[0])->rx_messages, 2 * ROUNDS);
		CHECK_EQ(amp_rpmsg_link_stats(&t.link[l].side[1])->rx_messages, 2 * ROUNDS);
		CHECK_EQ(
			amp_rpmsg_link_stats(&t.link[l].side[0])->events[AMP_RPMSG_EV_NO_RECIPIENT],
			0);
		CHECK_EQ(amp_rpmsg_link_stats(&t.link[l].side[1])->events[AMP_RPMSG_EV_BAD_MESSAGE],
			 0);
		check_buffers(&t, l);
	}
	p2p_fini(&t);
}

/* ---------------------------------------------------------------- tests */

static void test_topology_little_endian(void)
{
	const enum amp_byte_order o[LINKS] = {AMP_LITTLE_ENDIAN, AMP_LITTLE_ENDIAN,
					      AMP_LITTLE_ENDIAN};

	run_topology(o);
}

static void test_topology_big_endian(void)
{
	const enum amp_byte_order o[LINKS] = {AMP_BIG_ENDIAN, AMP_BIG_ENDIAN, AMP_BIG_ENDIAN};

	run_topology(o);
}

/* Byte order is per link: a node can speak both at once. */
static void test_topology_mixed_orders(void)
{
	const enum amp_byte_order o[LINKS] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN, AMP_LITTLE_ENDIAN};

	run_topology(o);
}

/*
 * Links are independent: A resets A-B; the A-B channels go away on both ends (removes), A-C and
 * B-C keep carrying traffic meanwhile, and after the restart A-B's services come back.
 */
static void test_link_reset_is_local(void)
{
	static struct p2p t;
	const enum amp_byte_order o[LINKS] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN, AMP_LITTLE_ENDIAN};
	const bool skip_ab[LINKS] = {true, false, false};
	const bool none[LINKS] = {false, false, false};
	REQUIRE(p2p_init(&t, o) == 0);
	REQUIRE(p2p_start(&t) == 0);
	CHECK(p2p_pump(&t, 100) > 0);

	amp_rpmsg_link_stop(&t.link[AB].side[0]);
	CHECK(p2p_pump(&t, 100) >= 0);
	CHECK(!amp_rpmsg_link_is_up(&t.link[AB].side[1]));
	CHECK_EQ(t.drv[A].removes, 1);
	CHECK_EQ(t.drv[B].removes, 1);
	CHECK_EQ(t.drv[C].removes, 0);
	CHECK_EQ(t.drv[A].nch, 1);
	CHECK_EQ(t.drv[A].ch_link[0], AC);
	CHECK_EQ(t.drv[B].nch, 1);
	CHECK_EQ(t.drv[B].ch_link[0], BC);
	CHECK_EQ(t.drv[C].nch, 2);

	/* The other links still route: A->C, C->A, B->C, C->B. */
	CHECK_EQ(send_all(&t, skip_ab), ROUNDS * 4);
	CHECK_EQ(t.ept[C][AC].msgs, ROUNDS);
	CHECK_EQ(t.ept[C][BC].msgs, ROUNDS);
	CHECK_EQ(t.ept[A][AC].msgs, ROUNDS);
	CHECK_EQ(t.ept[B][BC].msgs, ROUNDS);
	CHECK_EQ(t.ept[A][AB].msgs, 0);
	CHECK_EQ(t.ept[B][AB].msgs, 0);

	REQUIRE(amp_rpmsg_link_start(&t.link[AB].side[0]) == 0);
	CHECK(p2p_pump(&t, 100) > 0);
	for (int n = 0; n < NODES; n++)
		check_probes(&t, n);
	CHECK_EQ(t.drv[A].probes, 3);
	CHECK_EQ(t.drv[B].probes, 3);
	CHECK_EQ(t.drv[C].probes, 2);
	/* The next burst numbers its messages from 0 again on every link. */
	for (int l = 0; l < LINKS; l++)
		for (int n = 0; n < NODES; n++)
			t.ept[n][l].next_seq = 0;
	CHECK_EQ(send_all(&t, none), ROUNDS * 6);
	CHECK_EQ(t.ept[A][AB].msgs, ROUNDS);
	CHECK_EQ(t.ept[B][AB].msgs, ROUNDS);
	CHECK_EQ(t.ept[C][AC].msgs, 2 * ROUNDS);
	for (int n = 0; n < NODES; n++) {
		CHECK_EQ(t.drv[n].bad, 0);
		for (int l = 0; l < LINKS; l++)
			CHECK_EQ(t.ept[n][l].bad, 0);
	}
	for (int l = 0; l < LINKS; l++)
		check_buffers(&t, l);
	p2p_fini(&t);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_topology_little_endian),
		TEST(test_topology_big_endian),
		TEST(test_topology_mixed_orders),
		TEST(test_link_reset_is_local),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
