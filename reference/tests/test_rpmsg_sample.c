// SPDX-License-Identifier: BSD-3-Clause
/*
 * The seed's sample, end to end on one thread: the remote announces "rpmsg-client-sample", the
 * host's driver is probed through its id table, sends "dude", and the remote echoes until the
 * host has received MSG_LIMIT replies. Run in both byte orders.
 */
#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

#define MSG_LIMIT 100

struct sample_state {
	int probed, removed, replies;
	uint32_t remote_src;
	struct amp_rpmsg_channel *ch;
};

static struct sample_state host_state;

static int sample_probe(struct amp_rpmsg_channel *ch)
{
	host_state.probed++;
	host_state.ch = ch;
	return amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), "dude", 4);
}

static void sample_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	host_state.removed++;
}

static int sample_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	host_state.replies++;
	host_state.remote_src = src;
	CHECK_EQ(len, 4);
	CHECK(!memcmp(data, "dude", 4));
	if (host_state.replies < MSG_LIMIT)
		CHECK_EQ(amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), "dude", 4), 0);
	return 0;
}

static const struct amp_rpmsg_device_id sample_ids[] = {{"rpmsg-client-sample"}, {NULL}};

static struct amp_rpmsg_driver sample_driver = {
	.id_table = sample_ids,
	.probe = sample_probe,
	.remove = sample_remove,
	.callback = sample_cb,
};

static int remote_received;

static int remote_echo(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		       void *priv)
{
	(void)priv;
	remote_received++;
	CHECK_EQ(src, AMP_RPMSG_RESERVED_ADDRESSES); /* the host's first dynamic address */
	CHECK_EQ(amp_rpmsg_sendto(ept, data, len, src), 0);
	return 0;
}

static void run_sample(enum amp_byte_order order)
{
	struct rpmsg_pair_config cfg;
	struct rpmsg_pair p;
	struct amp_rpmsg_endpoint ept;
	struct amp_rpmsg_buffer_counts c;
	struct amp_rpmsg_endpoint_config ecfg = {
		.name = "rpmsg-client-sample",
		.addr = AMP_RPMSG_ADDR_ANY,
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = remote_echo,
		.announce = true,
	};

	memset(&host_state, 0, sizeof(host_state));
	remote_received = 0;
	rpmsg_pair_default_config(&cfg);
	cfg.order = order;
	REQUIRE(rpmsg_pair_init(&p, &cfg) == 0);
	CHECK_EQ(amp_rpmsg_driver_register(&p.host, &sample_driver), 0);
	CHECK_EQ(amp_rpmsg_endpoint_create(&ept, &p.rlink, &ecfg), 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&ept), 1024);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK_EQ(p.hlink.ns, true);
	CHECK(rpmsg_pair_pump(&p, 10000) > 0);

	CHECK_EQ(host_state.probed, 1);
	CHECK_EQ(host_state.replies, MSG_LIMIT);
	CHECK_EQ(remote_received, MSG_LIMIT);
	CHECK_EQ(host_state.remote_src, 1024);
	CHECK_EQ(amp_rpmsg_endpoint_dst(&ept), 1024);
	CHECK_EQ(amp_rpmsg_link_stats(&p.hlink)->rx_messages, MSG_LIMIT);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->rx_messages, MSG_LIMIT);

	amp_rpmsg_link_buffers(&p.hlink, &c);
	CHECK_EQ(c.rx_with_peer + c.rx_held, 256);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, 256);
	amp_rpmsg_link_buffers(&p.rlink, &c);
	CHECK_EQ(c.total, 0);

	/* The remote withdraws its service: the host's channel goes away. */
	amp_rpmsg_endpoint_destroy(&ept);
	CHECK(rpmsg_pair_pump(&p, 100) >= 0);
	CHECK_EQ(host_state.removed, 1);
	CHECK(amp_rpmsg_channel_find(&p.hlink, "rpmsg-client-sample", AMP_RPMSG_ADDR_ANY) == NULL);
	amp_rpmsg_link_stop(&p.hlink);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK(!amp_rpmsg_link_is_up(&p.rlink));
	rpmsg_pair_fini(&p);
}

static void test_sample_little_endian(void)
{
	run_sample(AMP_LITTLE_ENDIAN);
}

static void test_sample_big_endian(void)
{
	run_sample(AMP_BIG_ENDIAN);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_sample_little_endian),
		TEST(test_sample_big_endian),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
