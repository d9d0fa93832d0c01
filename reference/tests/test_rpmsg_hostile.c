// SPDX-License-Identifier: BSD-3-Clause
/*
 * rpmsg against a hostile peer, in both roles.
 *
 * The test plays the broken peer by writing straight into shared memory: message headers and
 * name-service records in the buffers, used elements and indices, available entries and
 * descriptors (offsets from amp_vring_layout(), fields in the link's byte order). Each defect
 * must be dropped and counted in amp_rpmsg_link_stats(), its buffer must go back (RPMSG-008;
 * checked with amp_rpmsg_link_buffers() after every case) and the link must carry the next good
 * message. Ring-protocol violations must break only the link (AMP_RPMSG_EV_RING_FAULT, -AMP_EIO
 * from poll and sends) until the host resets it.
 *
 * "To host" cases corrupt a message the remote sent on vring0 before the host polls (the host is
 * the victim); "to remote" cases corrupt one the host sent on vring1 before the remote polls.
 * Chains a real host never posts are built by a hand-played host (struct hand) that drives the
 * rings with the amp_vring driver API instead of the library's host link.
 *
 * The file ends with a randomized loop that checks, message by message, that exactly the
 * counter the rules (RPMSG-002, RPMSG-004, NS-002..NS-007) predict moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

#define NUM         16u /* ring size of every case */
#define BUF         AMP_RPMSG_BUF_SIZE
#define HOST_ADDR   2000u
#define REMOTE_ADDR 3000u
#define F_NS        AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS)

enum dir { TO_HOST = 0, TO_REMOTE = 1 };

static const char *const dir_name[2] = {"to host", "to remote"};

/* ---------------------------------------------------------------- raw field access */

static uint64_t get_n(const volatile uint8_t *p, int n, enum amp_byte_order o)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[o == AMP_LITTLE_ENDIAN ? i : n - 1 - i] << (8 * i);
	return v;
}

static void put_n(volatile uint8_t *p, int n, uint64_t v, enum amp_byte_order o)
{
	for (int i = 0; i < n; i++)
		p[o == AMP_LITTLE_ENDIAN ? i : n - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* ---------------------------------------------------------------- recording endpoint */

#define LOG_MAX 8

/**
 * struct rxe - an endpoint that logs what it receives
 * @ept: the endpoint
 * @msgs: messages received
 * @n: entries in the log since it was last cleared
 * @src: sources, by log entry
 * @len: lengths, by log entry
 * @data: payloads, by log entry
 */
struct rxe {
	struct amp_rpmsg_endpoint ept;
	int msgs;
	int n;
	uint32_t src[LOG_MAX];
	size_t len[LOG_MAX];
	uint8_t data[LOG_MAX][BUF];
};

static int rxe_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src, void *priv)
{
	struct rxe *r = priv;

	(void)ept;
	r->msgs++;
	if (r->n < LOG_MAX && len <= BUF) {
		r->src[r->n] = src;
		r->len[r->n] = len;
		memcpy(r->data[r->n], data, len);
	}
	r->n++;
	return 0;
}

static int rxe_create(struct rxe *r, struct amp_rpmsg_link *link, uint32_t addr)
{
	struct amp_rpmsg_endpoint_config cfg = {
		.addr = addr,
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = rxe_cb,
		.priv = r,
	};

	memset(r, 0, sizeof(*r));
	return amp_rpmsg_endpoint_create(&r->ept, link, &cfg);
}

/* ---------------------------------------------------------------- event log */

/**
 * struct evlog - the last ring fault a link reported
 * @faults: RING_FAULT events
 * @a: its &enum amp_vring_fault
 * @b: 0 for the receive ring, 1 for the transmit ring
 */
struct evlog {
	int faults;
	uint32_t a, b;
};

static void on_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		     uint32_t b)
{
	struct evlog *e = ctx;

	(void)link;
	if (ev != AMP_RPMSG_EV_RING_FAULT)
		return;
	e->faults++;
	e->a = a;
	e->b = b;
}

static const struct amp_rpmsg_platform_ops event_ops = {.event = on_event};

/* ---------------------------------------------------------------- fixture: library host */

/**
 * struct hx - a started pair with a logging endpoint on each side
 * @p: the pair
 * @order: its byte order
 * @l: layout of vring0 and vring1
 * @hrx: host endpoint at HOST_ADDR
 * @rrx: remote endpoint at REMOTE_ADDR
 * @hev: host's ring faults
 * @rev: remote's ring faults
 */
struct hx {
	struct rpmsg_pair p;
	enum amp_byte_order order;
	struct amp_vring_layout l[2];
	struct rxe hrx, rrx;
	struct evlog hev, rev;
};

static int hx_init(struct hx *h, enum amp_byte_order order)
{
	struct rpmsg_pair_config cfg;
	int err;

	memset(h, 0, sizeof(*h));
	rpmsg_pair_default_config(&cfg);
	cfg.num0 = NUM;
	cfg.num1 = NUM;
	cfg.order = order;
	cfg.host_ops = &event_ops;
	cfg.host_ctx = &h->hev;
	cfg.remote_ops = &event_ops;
	cfg.remote_ctx = &h->rev;
	h->order = order;
	err = rpmsg_pair_init(&h->p, &cfg);
	if (!err)
		err = amp_vring_layout(NUM, cfg.align, &h->l[0]);
	if (!err)
		err = amp_vring_layout(NUM, cfg.align, &h->l[1]);
	if (!err)
		err = rxe_create(&h->hrx, &h->p.hlink, HOST_ADDR);
	if (!err)
		err = rxe_create(&h->rrx, &h->p.rlink, REMOTE_ADDR);
	if (!err)
		err = rpmsg_pair_start(&h->p);
	if (!err)
		err = rpmsg_pair_pump(&h->p, 10) < 0 ? -AMP_EIO : 0;
	return err;
}

static volatile uint8_t *ring_at(struct hx *h, int ring, size_t off)
{
	return (volatile uint8_t *)h->p.ring[ring] + off;
}

static volatile uint8_t *desc_at(struct hx *h, int ring, uint32_t i)
{
	return ring_at(h, ring, h->l[ring].desc + 16u * i);
}

static volatile uint8_t *used_idx_at(struct hx *h, int ring)
{
	return ring_at(h, ring, h->l[ring].used + 2);
}

static volatile uint8_t *used_elem_at(struct hx *h, int ring, uint16_t pos)
{
	return ring_at(h, ring, h->l[ring].used_ring + 8u * (pos & (NUM - 1)));
}

static volatile uint8_t *avail_idx_at(struct hx *h, int ring)
{
	return ring_at(h, ring, h->l[ring].avail + 2);
}

static volatile uint8_t *avail_entry_at(struct hx *h, int ring, uint16_t pos)
{
	return ring_at(h, ring, h->l[ring].avail_ring + 2u * (pos & (NUM - 1)));
}

static uint32_t rd(struct hx *h, const volatile uint8_t *p, int n)
{
	return (uint32_t)get_n(p, n, h->order);
}

static void wr(struct hx *h, volatile uint8_t *p, int n, uint64_t v)
{
	put_n(p, n, v, h->order);
}

/**
 * struct flight - the last message in flight in one direction, as the receiver will see it
 * @buf: the buffer in shared memory
 * @len_field: where the receiver reads the delivered length: the used element's len (to host)
 *	or the descriptor's len (to remote)
 * @size: the buffer's size as the receiver knows it (to host: 512; to remote: desc.len)
 */
struct flight {
	volatile uint8_t *buf;
	volatile uint8_t *len_field;
	uint32_t size;
};

static struct flight flight_last(struct hx *h, enum dir d)
{
	struct flight f;
	volatile uint8_t *desc;

	if (d == TO_HOST) {
		uint16_t u = (uint16_t)rd(h, used_idx_at(h, 0), 2);
		volatile uint8_t *elem = used_elem_at(h, 0, (uint16_t)(u - 1));

		desc = desc_at(h, 0, rd(h, elem, 4) & (NUM - 1));
		f.len_field = elem + 4;
	} else {
		uint16_t a = (uint16_t)rd(h, avail_idx_at(h, 1), 2);
		uint16_t head = (uint16_t)rd(h, avail_entry_at(h, 1, (uint16_t)(a - 1)), 2);

		desc = desc_at(h, 1, head & (NUM - 1));
		f.len_field = desc + 8;
	}
	f.buf = h->p.mem + (get_n(desc, 8, h->order) - RPMSG_PAIR_DA);
	f.size = rd(h, desc + 8, 4);
	return f;
}

static uint32_t delivered(struct hx *h, const struct flight *f)
{
	return rd(h, f->len_field, 4);
}

static struct rxe *receiver(struct hx *h, enum dir d)
{
	return d == TO_HOST ? &h->hrx : &h->rrx;
}

static struct rxe *sender(struct hx *h, enum dir d)
{
	return d == TO_HOST ? &h->rrx : &h->hrx;
}

static struct amp_rpmsg_link *rx_link(struct hx *h, enum dir d)
{
	return d == TO_HOST ? &h->p.hlink : &h->p.rlink;
}

static struct amp_rpmsg_channel *rx_pool(struct hx *h, enum dir d)
{
	return d == TO_HOST ? h->p.hch : h->p.rch;
}

static uint32_t rx_addr(enum dir d)
{
	return d == TO_HOST ? HOST_ADDR : REMOTE_ADDR;
}

static int send_to(struct hx *h, enum dir d, const void *data, size_t len)
{
	return amp_rpmsg_trysendto(&sender(h, d)->ept, data, len, rx_addr(d));
}

static int count_channels(const struct amp_rpmsg_channel *pool)
{
	int n = 0;

	for (int i = 0; i < RPMSG_PAIR_CHANNELS; i++)
		n += pool[i].in_use;
	return n;
}

/* Every buffer accounted for (RPMSG-008); after a pump the host has re-posted them all. */
static void check_conserved(struct hx *h, const char *what)
{
	struct amp_rpmsg_buffer_counts c;
	int before = test_failures;

	amp_rpmsg_link_buffers(&h->p.hlink, &c);
	CHECK_EQ(c.rx_with_peer, NUM);
	CHECK_EQ(c.rx_held, 0);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, NUM);
	CHECK_EQ(c.tx_reserved, 0);
	amp_rpmsg_link_buffers(&h->p.rlink, &c);
	CHECK_EQ(c.total, 0);
	if (test_failures != before)
		fprintf(stderr, "  ... buffers after: %s\n", what);
}

/* A good message still gets through in direction @d, intact. */
static void check_good(struct hx *h, enum dir d, const char *what)
{
	static const char msg[] = "still alive";
	struct rxe *r = receiver(h, d);
	int before = test_failures, msgs = r->msgs;

	r->n = 0;
	CHECK_EQ(send_to(h, d, msg, sizeof(msg)), 0);
	CHECK(rpmsg_pair_pump(&h->p, 10) > 0);
	CHECK_EQ(r->msgs, msgs + 1);
	CHECK_EQ(r->len[0], sizeof(msg));
	CHECK(!memcmp(r->data[0], msg, sizeof(msg)));
	CHECK_EQ(r->src[0], rx_addr(d == TO_HOST ? TO_REMOTE : TO_HOST));
	if (test_failures != before)
		fprintf(stderr, "  ... good message after: %s\n", what);
}

/* The receiver's statistics equal @want in every field. */
static void check_stats(const struct amp_rpmsg_stats *got, const struct amp_rpmsg_stats *want,
			const char *what)
{
	int before = test_failures;

	CHECK_EQ(got->rx_messages, want->rx_messages);
	CHECK_EQ(got->tx_messages, want->tx_messages);
	for (int i = 0; i < AMP_RPMSG_EV_COUNT; i++)
		CHECK_EQ(got->events[i], want->events[i]);
	for (int i = 0; i < AMP_RPMSG_DEFECT_COUNT; i++)
		CHECK_EQ(got->defects[i], want->defects[i]);
	if (test_failures != before)
		fprintf(stderr, "  ... statistics after: %s\n", what);
}

/* ---------------------------------------------------------------- malformed messages */

/**
 * struct msg_case - one corruption of an in-flight message
 * @name: description
 * @host_only: only meaningful when the host receives (the device's bound is desc.len itself)
 * @apply: corrupt the flight
 * @value: parameter of @apply
 * @defect: what the receiver must count
 */
struct msg_case {
	const char *name;
	bool host_only;
	void (*apply)(struct hx *h, struct flight *f, uint32_t value);
	uint32_t value;
	enum amp_rpmsg_defect defect;
};

/* hdr.len = delivered - 16 + value (value 0xffffffff: 0xffff). */
static void set_hdr_len(struct hx *h, struct flight *f, uint32_t value)
{
	uint32_t len =
		value == 0xffffffffu ? 0xffffu : delivered(h, f) - AMP_RPMSG_HDR_SIZE + value;

	wr(h, f->buf + 12, 2, len);
}

static void set_delivered(struct hx *h, struct flight *f, uint32_t value)
{
	wr(h, f->len_field, 4, value);
}

static void set_src(struct hx *h, struct flight *f, uint32_t value)
{
	wr(h, f->buf, 4, value);
}

static void set_dst(struct hx *h, struct flight *f, uint32_t value)
{
	wr(h, f->buf + 4, 4, value);
}

static const struct msg_case msg_cases[] = {
	/* RPMSG-002: hdr.len against the bytes delivered. */
	{"hdr.len one byte beyond delivered", false, set_hdr_len, 1, AMP_RPMSG_LEN_OVER_BUFFER},
	{"hdr.len 0xffff", false, set_hdr_len, 0xffffffffu, AMP_RPMSG_LEN_OVER_BUFFER},
	{"delivered 15 bytes", false, set_delivered, 15, AMP_RPMSG_BUFFER_TOO_SHORT},
	{"delivered 0 bytes", false, set_delivered, 0, AMP_RPMSG_BUFFER_TOO_SHORT},
	{"used.len 513 > 512-byte buffer", true, set_delivered, BUF + 1,
	 AMP_RPMSG_USED_LEN_OVER_BUFFER},
	{"used.len 0xffffffff", true, set_delivered, 0xffffffffu, AMP_RPMSG_USED_LEN_OVER_BUFFER},
	/* RPMSG-004. */
	{"src RPMSG_ADDR_ANY", false, set_src, AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY_USED},
	{"dst RPMSG_ADDR_ANY", false, set_dst, AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY_USED},
};

static void run_msg_cases(enum amp_byte_order order)
{
	static struct hx h;

	REQUIRE(hx_init(&h, order) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(msg_cases); i++) {
		const struct msg_case *c = &msg_cases[i];

		for (int d = TO_HOST; d <= TO_REMOTE; d++) {
			struct amp_rpmsg_stats want = *amp_rpmsg_link_stats(rx_link(&h, d));
			char what[96];
			struct flight f;
			int msgs = receiver(&h, d)->msgs;

			if (c->host_only && d == TO_REMOTE)
				continue;
			snprintf(what, sizeof(what), "%s, %s", c->name, dir_name[d]);
			REQUIRE(send_to(&h, d, "victim", 6) == 0);
			f = flight_last(&h, d);
			/* The flight is the message just sent, before the corruption. */
			CHECK_EQ(delivered(&h, &f), AMP_RPMSG_HDR_SIZE + 6);
			CHECK(!memcmp((const void *)(f.buf + 16), "victim", 6));
			c->apply(&h, &f, c->value);
			CHECK(rpmsg_pair_pump(&h.p, 10) > 0);
			CHECK_EQ(receiver(&h, d)->msgs, msgs);
			want.defects[c->defect]++;
			want.events[AMP_RPMSG_EV_BAD_MESSAGE]++;
			check_stats(amp_rpmsg_link_stats(rx_link(&h, d)), &want, what);
			check_conserved(&h, what);
			check_good(&h, d, what);
		}
	}
	CHECK_EQ(h.hev.faults + h.rev.faults, 0);
	rpmsg_pair_fini(&h.p);
}

static void test_malformed_messages_le(void)
{
	run_msg_cases(AMP_LITTLE_ENDIAN);
}

static void test_malformed_messages_be(void)
{
	run_msg_cases(AMP_BIG_ENDIAN);
}

/* ---------------------------------------------------------------- malformed name service */

/* A 40-byte record from raw name bytes (not necessarily terminated). */
static void ns_raw(uint8_t out[AMP_RPMSG_NS_MSG_SIZE + 1], const char name[AMP_RPMSG_NAME_SIZE],
		   uint32_t addr, uint32_t flags, enum amp_byte_order o)
{
	memset(out, 0, AMP_RPMSG_NS_MSG_SIZE + 1);
	memcpy(out, name, AMP_RPMSG_NAME_SIZE);
	put_n(out + 32, 4, addr, o);
	put_n(out + 36, 4, flags, o);
}

/**
 * struct ns_case - a name-service record a broken peer sends to 53
 * @name: description
 * @svc: the 32 name bytes
 * @addr: announced address
 * @len: payload length (40 is right)
 * @defect: what the receiver must count
 */
struct ns_case {
	const char *name;
	char svc[AMP_RPMSG_NAME_SIZE];
	uint32_t addr;
	uint32_t len;
	enum amp_rpmsg_defect defect;
};

static const struct ns_case ns_cases[] = {
	/* NS-002 */
	{"39-byte record", "svc", 1024, 39, AMP_RPMSG_NS_BAD_SIZE},
	{"41-byte record", "svc", 1024, 41, AMP_RPMSG_NS_BAD_SIZE},
	{"0-byte record", "svc", 1024, 0, AMP_RPMSG_NS_BAD_SIZE},
	/* NS-003: 32 characters and no NUL. */
	{"unterminated name",
	 {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p',
	  'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5'},
	 1024,
	 40,
	 AMP_RPMSG_NS_NAME_UNTERMINATED},
	{"empty name", "", 1024, 40, AMP_RPMSG_NS_NAME_EMPTY},
	/* NS-005 */
	{"announces address 53", "svc", AMP_RPMSG_NS_ADDR, 40, AMP_RPMSG_NS_ADDR_RESERVED},
	{"announces RPMSG_ADDR_ANY", "svc", AMP_RPMSG_ADDR_ANY, 40, AMP_RPMSG_NS_ADDR_RESERVED},
};

static void run_ns_cases(enum amp_byte_order order)
{
	static struct hx h;

	REQUIRE(hx_init(&h, order) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(ns_cases); i++) {
		const struct ns_case *c = &ns_cases[i];

		for (int d = TO_HOST; d <= TO_REMOTE; d++) {
			struct amp_rpmsg_stats want = *amp_rpmsg_link_stats(rx_link(&h, d));
			uint8_t rec[AMP_RPMSG_NS_MSG_SIZE + 1];
			char what[96];

			snprintf(what, sizeof(what), "%s, %s", c->name, dir_name[d]);
			ns_raw(rec, c->svc, c->addr, AMP_RPMSG_NS_CREATE, order);
			REQUIRE(amp_rpmsg_trysend_offchannel(
					&sender(&h, d)->ept,
					rx_addr(d == TO_HOST ? TO_REMOTE : TO_HOST),
					AMP_RPMSG_NS_ADDR, rec, c->len) == 0);
			CHECK(rpmsg_pair_pump(&h.p, 10) > 0);
			want.defects[c->defect]++;
			want.events[AMP_RPMSG_EV_BAD_MESSAGE]++;
			check_stats(amp_rpmsg_link_stats(rx_link(&h, d)), &want, what);
			CHECK_EQ(count_channels(rx_pool(&h, d)), 0);
			check_conserved(&h, what);
			check_good(&h, d, what);
		}
	}
	CHECK_EQ(h.hev.faults + h.rev.faults, 0);
	rpmsg_pair_fini(&h.p);
}

static void test_malformed_ns_le(void)
{
	run_ns_cases(AMP_LITTLE_ENDIAN);
}

static void test_malformed_ns_be(void)
{
	run_ns_cases(AMP_BIG_ENDIAN);
}

/*
 * NS-004: flags other than 0 and 1 break the rule, but receivers look at bit 0 only (Linux,
 * OpenAMP): extra bits on a CREATE still create, on a DESTROY still destroy, and nothing is
 * counted as a defect.
 */
static void test_ns_flags_extra_bits(void)
{
	static struct hx h;

	REQUIRE(hx_init(&h, AMP_LITTLE_ENDIAN) == 0);
	for (int d = TO_HOST; d <= TO_REMOTE; d++) {
		struct amp_rpmsg_stats want = *amp_rpmsg_link_stats(rx_link(&h, d));
		struct amp_rpmsg_endpoint *from = &sender(&h, d)->ept;
		uint32_t src = amp_rpmsg_endpoint_addr(from);
		uint8_t rec[AMP_RPMSG_NS_MSG_SIZE + 1];
		char svc[AMP_RPMSG_NAME_SIZE] = "flags-svc";

		ns_raw(rec, svc, 1100, 0xfffffffeu, AMP_LITTLE_ENDIAN); /* bit 0 clear: CREATE */
		REQUIRE(amp_rpmsg_trysend_offchannel(from, src, AMP_RPMSG_NS_ADDR, rec, 40) == 0);
		CHECK(rpmsg_pair_pump(&h.p, 10) > 0);
		CHECK(amp_rpmsg_channel_find(rx_link(&h, d), "flags-svc", 1100) != NULL);
		CHECK_EQ(count_channels(rx_pool(&h, d)), 1);

		ns_raw(rec, svc, 1100, 0x80000001u, AMP_LITTLE_ENDIAN); /* bit 0 set: DESTROY */
		REQUIRE(amp_rpmsg_trysend_offchannel(from, src, AMP_RPMSG_NS_ADDR, rec, 40) == 0);
		CHECK(rpmsg_pair_pump(&h.p, 10) > 0);
		CHECK(amp_rpmsg_channel_find(rx_link(&h, d), "flags-svc", 1100) == NULL);
		CHECK_EQ(count_channels(rx_pool(&h, d)), 0);
		want.events[AMP_RPMSG_EV_CHANNEL_CREATED]++;
		want.events[AMP_RPMSG_EV_CHANNEL_DESTROYED]++;
		check_stats(amp_rpmsg_link_stats(rx_link(&h, d)), &want, dir_name[d]);
		check_conserved(&h, dir_name[d]);
		check_good(&h, d, dir_name[d]);
	}
	rpmsg_pair_fini(&h.p);
}

/* ---------------------------------------------------------------- ring-protocol violations */

/**
 * struct ring_case - a ring-protocol violation
 * @name: description
 * @victim: the side that must detect it (TO_HOST: the host; TO_REMOTE: the remote)
 * @setup: make the peer violate the protocol (leaves the violation in shared memory)
 * @fault: the &enum amp_vring_fault the victim must report
 * @ring: 0 when found on the victim's receive ring, 1 on its transmit ring
 * @found_by_send: the victim's next send finds it (its transmit ring), not its poll
 */
struct ring_case {
	const char *name;
	enum dir victim;
	void (*setup)(struct hx *h);
	enum amp_vring_fault fault;
	uint32_t ring;
	bool found_by_send;
};

/* Remote as the hostile device: a used id beyond the ring. */
static void used_id_out_of_range(struct hx *h)
{
	uint16_t u;

	REQUIRE(send_to(h, TO_HOST, "x", 1) == 0);
	u = (uint16_t)rd(h, used_idx_at(h, 0), 2);
	wr(h, used_elem_at(h, 0, (uint16_t)(u - 1)), 4, NUM);
}

/* Remote as the hostile device: used.idx jumps past everything the host made available (all
 * NUM receive buffers are outstanding, so a smaller jump would be legal as far as the index
 * goes). */
static void used_idx_ahead(struct hx *h)
{
	REQUIRE(send_to(h, TO_HOST, "x", 1) == 0);
	wr(h, used_idx_at(h, 0), 2, rd(h, used_idx_at(h, 0), 2) + NUM);
}

/* Remote as the hostile device: the same head returned twice in one batch (DEV-001). The host
 * re-posts (and publishes) the buffer after the first element, but only after it read the
 * used.idx that covers the second, so the second cannot be a new use. */
static void used_id_twice(struct hx *h)
{
	uint16_t u;

	REQUIRE(send_to(h, TO_HOST, "x", 1) == 0);
	REQUIRE(send_to(h, TO_HOST, "y", 1) == 0);
	u = (uint16_t)rd(h, used_idx_at(h, 0), 2);
	wr(h, used_elem_at(h, 0, (uint16_t)(u - 1)), 4,
	   rd(h, used_elem_at(h, 0, (uint16_t)(u - 2)), 4));
}

/* Remote as the hostile device on vring1: the host finds it when it reclaims transmit buffers,
 * which it does once its free list is empty. */
static void tx_used_idx_ahead(struct hx *h)
{
	for (uint32_t i = 0; i < NUM; i++)
		REQUIRE(send_to(h, TO_REMOTE, "x", 1) == 0);
	REQUIRE(rpmsg_pair_pump(&h->p, 10) > 0);
	wr(h, used_idx_at(h, 1), 2, rd(h, used_idx_at(h, 1), 2) + 3);
}

/* Host as the hostile driver: avail.idx more than num ahead of what the device returned. */
static void avail_idx_ahead(struct hx *h)
{
	REQUIRE(send_to(h, TO_REMOTE, "x", 1) == 0);
	wr(h, avail_idx_at(h, 1), 2, rd(h, used_idx_at(h, 1), 2) + NUM + 1);
}

/* Host as the hostile driver: a descriptor pointing outside the shared window (DRV-008). */
static void desc_outside_window(struct hx *h)
{
	uint16_t a, head;

	REQUIRE(send_to(h, TO_REMOTE, "x", 1) == 0);
	a = (uint16_t)rd(h, avail_idx_at(h, 1), 2);
	head = (uint16_t)rd(h, avail_entry_at(h, 1, (uint16_t)(a - 1)), 2);
	wr(h, desc_at(h, 1, head), 8, 0x1000); /* below RPMSG_PAIR_DA */
}

/* Host as the hostile driver: an available entry naming a descriptor beyond the table. */
static void avail_head_out_of_range(struct hx *h)
{
	uint16_t a;

	REQUIRE(send_to(h, TO_REMOTE, "x", 1) == 0);
	a = (uint16_t)rd(h, avail_idx_at(h, 1), 2);
	wr(h, avail_entry_at(h, 1, (uint16_t)(a - 1)), 2, NUM);
}

/* Host as the hostile driver on vring0 (the remote's transmit ring): found at the next send. */
static void tx_avail_idx_ahead(struct hx *h)
{
	wr(h, avail_idx_at(h, 0), 2, rd(h, used_idx_at(h, 0), 2) + NUM + 1);
}

static const struct ring_case ring_cases[] = {
	{"used id out of range", TO_HOST, used_id_out_of_range, AMP_VRING_FAULT_USED_ID_RANGE, 0,
	 false},
	{"used idx ahead", TO_HOST, used_idx_ahead, AMP_VRING_FAULT_USED_IDX, 0, false},
	{"used id returned twice", TO_HOST, used_id_twice, AMP_VRING_FAULT_USED_ID_NOT_HEAD, 0,
	 false},
	{"vring1 used idx ahead", TO_HOST, tx_used_idx_ahead, AMP_VRING_FAULT_USED_IDX, 1, true},
	{"avail idx more than num ahead", TO_REMOTE, avail_idx_ahead, AMP_VRING_FAULT_AVAIL_IDX, 0,
	 false},
	{"descriptor outside the window", TO_REMOTE, desc_outside_window, AMP_VRING_FAULT_ADDR, 0,
	 false},
	{"avail head out of range", TO_REMOTE, avail_head_out_of_range, AMP_VRING_FAULT_HEAD_RANGE,
	 0, false},
	{"vring0 avail idx more than num ahead", TO_REMOTE, tx_avail_idx_ahead,
	 AMP_VRING_FAULT_AVAIL_IDX, 1, true},
};

static void run_ring_case(const struct ring_case *c, enum amp_byte_order order)
{
	static struct hx h;
	struct amp_rpmsg_link *victim;
	struct evlog *ev;
	struct rxe *vept;
	uint32_t peer_addr;
	int before = test_failures;

	REQUIRE(hx_init(&h, order) == 0);
	victim = c->victim == TO_HOST ? &h.p.hlink : &h.p.rlink;
	ev = c->victim == TO_HOST ? &h.hev : &h.rev;
	vept = c->victim == TO_HOST ? &h.hrx : &h.rrx;
	peer_addr = c->victim == TO_HOST ? REMOTE_ADDR : HOST_ADDR;
	c->setup(&h);

	if (c->found_by_send) {
		CHECK_EQ(amp_rpmsg_trysendto(&vept->ept, "z", 1, peer_addr), -AMP_EIO);
		CHECK_EQ(ev->faults, 0); /* reported by the next poll */
	}
	CHECK_EQ(amp_rpmsg_link_poll(victim), -AMP_EIO);
	CHECK_EQ(ev->faults, 1);
	CHECK_EQ(ev->a, c->fault);
	CHECK_EQ(ev->b, c->ring);
	CHECK_EQ(amp_rpmsg_link_stats(victim)->events[AMP_RPMSG_EV_RING_FAULT], 1);
	CHECK(!amp_rpmsg_link_is_up(victim));
	/* Broken until reset: polls and sends keep failing, the fault is reported once. */
	CHECK_EQ(amp_rpmsg_link_poll(victim), -AMP_EIO);
	CHECK_EQ(amp_rpmsg_trysendto(&vept->ept, "z", 1, peer_addr), -AMP_EIO);
	CHECK_EQ(amp_rpmsg_sendto(&vept->ept, "z", 1, peer_addr), -AMP_EIO);
	CHECK_EQ(ev->faults, 1);

	/* The host resets the device; the remote follows the status byte. */
	amp_rpmsg_link_stop(&h.p.hlink);
	CHECK(rpmsg_pair_pump(&h.p, 10) >= 0);
	CHECK(!amp_rpmsg_link_is_up(&h.p.rlink));
	REQUIRE(amp_rpmsg_link_start(&h.p.hlink) == 0);
	CHECK(rpmsg_pair_pump(&h.p, 10) >= 0);
	CHECK(amp_rpmsg_link_is_up(&h.p.hlink));
	CHECK(amp_rpmsg_link_is_up(&h.p.rlink));
	check_conserved(&h, c->name);
	check_good(&h, TO_HOST, c->name);
	check_good(&h, TO_REMOTE, c->name);
	check_conserved(&h, c->name);
	CHECK_EQ(h.hev.faults + h.rev.faults, 1);
	if (test_failures != before)
		fprintf(stderr, "  ... ring case: %s (%s)\n", c->name,
			order == AMP_LITTLE_ENDIAN ? "LE" : "BE");
	rpmsg_pair_fini(&h.p);
}

static void test_ring_violations(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(ring_cases); i++) {
		run_ring_case(&ring_cases[i], AMP_LITTLE_ENDIAN);
		run_ring_case(&ring_cases[i], AMP_BIG_ENDIAN);
	}
}

/* ---------------------------------------------------------------- unusable chains (hand host) */

/**
 * struct hand - the remote's link driven by a host played by hand
 * @p: the pair; its host link is never started
 * @io: byte order
 * @vq: driver handles on vring0 and vring1
 * @slots: their bookkeeping
 * @rrx: remote endpoint at REMOTE_ADDR
 * @rev: remote's ring faults
 */
struct hand {
	struct rpmsg_pair p;
	struct amp_io io;
	struct amp_vring vq[2];
	struct amp_vring_slot slots[2][NUM];
	struct rxe rrx;
	struct evlog rev;
};

static void *hbuf(struct hand *h, int k)
{
	return h->p.pool + (size_t)k * BUF;
}

static void *tok(int k)
{
	return (void *)(uintptr_t)(0x100 + k);
}

/* What a host does at probe time, minus posting receive buffers: rings, features, DRIVER_OK. */
static int hand_init(struct hand *h, enum amp_byte_order order)
{
	struct rpmsg_pair_config cfg;
	int err;

	memset(h, 0, sizeof(*h));
	rpmsg_pair_default_config(&cfg);
	cfg.num0 = NUM;
	cfg.num1 = NUM;
	cfg.order = order;
	cfg.remote_ops = &event_ops;
	cfg.remote_ctx = &h->rev;
	h->io.order = order;
	err = rpmsg_pair_init(&h->p, &cfg);
	for (int i = 0; i < 2 && !err; i++) {
		struct amp_vring_config vcfg = {
			.num = NUM,
			.align = cfg.align,
			.ring = h->p.ring[i],
			.io = h->io,
			.addr = amp_addr_map_regions(&h->p.table),
			.slots = h->slots[i],
		};

		err = amp_vring_drv_init(&h->vq[i], &vcfg);
		amp_vdev_write32(&h->io, h->p.vdev,
				 AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * (size_t)i +
					 AMP_VDEV_VRING_OFF_DA,
				 (uint32_t)(RPMSG_PAIR_DA + (uint64_t)(h->p.ring[i] - h->p.mem)));
	}
	if (err)
		return err;
	amp_vdev_write32(&h->io, h->p.vdev, AMP_VDEV_OFF_GFEATURES, (uint32_t)F_NS);
	amp_vdev_set_status(&h->io, h->p.vdev,
			    AMP_VIRTIO_STATUS_ACKNOWLEDGE | AMP_VIRTIO_STATUS_DRIVER |
				    AMP_VIRTIO_STATUS_DRIVER_OK);
	err = rxe_create(&h->rrx, &h->p.rlink, REMOTE_ADDR);
	if (!err && amp_rpmsg_link_poll(&h->p.rlink) < 0)
		err = -AMP_EIO;
	if (!err && !amp_rpmsg_link_is_up(&h->p.rlink))
		err = -AMP_ENOTCONN;
	return err;
}

/* Write a message into hand buffer @k; returns its length with the header. */
static uint32_t hand_msg(struct hand *h, int k, const char *text)
{
	struct amp_rpmsg_hdr hdr = {
		.src = HOST_ADDR, .dst = REMOTE_ADDR, .len = (uint16_t)strlen(text)};
	uint8_t raw[AMP_RPMSG_HDR_SIZE];

	amp_rpmsg_hdr_encode(&hdr, h->io.order, raw);
	memcpy(hbuf(h, k), raw, sizeof(raw));
	memcpy((uint8_t *)hbuf(h, k) + sizeof(raw), text, hdr.len);
	return AMP_RPMSG_HDR_SIZE + hdr.len;
}

/* Collect one used buffer of ring @i: it must be @want with used length @len. */
static void expect_used(struct hand *h, int i, void *want, uint32_t len)
{
	void *token = NULL;
	uint32_t got = 0xdeadbeef;

	CHECK_EQ(amp_vring_drv_get_used(&h->vq[i], &got, &token), 0);
	CHECK(token == want);
	CHECK_EQ(got, len);
}

static void expect_idle(struct hand *h)
{
	struct amp_rpmsg_buffer_counts c;
	void *token;

	CHECK_EQ(amp_vring_drv_get_used(&h->vq[0], NULL, &token), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_drv_get_used(&h->vq[1], NULL, &token), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_drv_num_free(&h->vq[0]), NUM);
	CHECK_EQ(amp_vring_drv_num_free(&h->vq[1]), NUM);
	amp_rpmsg_link_buffers(&h->p.rlink, &c);
	CHECK_EQ(c.total, 0);
	CHECK_EQ(h->rev.faults, 0);
}

/* Receive side (vring1): a device-writable buffer, and two-descriptor chains, are not rpmsg
 * buffers (DRV-006): each goes back unused with used.len 0 and the next good one is read. */
static void run_bad_rx_chains(enum amp_byte_order order)
{
	static struct hand h;
	struct amp_vring_sg sg[2];
	uint32_t n;

	REQUIRE(hand_init(&h, order) == 0);

	/* Device-writable. */
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[1], hbuf(&h, 0), BUF, true, tok(0)), 0);
	n = hand_msg(&h, 1, "good 1");
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[1], hbuf(&h, 1), n, false, tok(1)), 0);
	amp_vring_drv_kick(&h.vq[1]);
	CHECK_EQ(amp_rpmsg_link_poll(&h.p.rlink), 1);
	CHECK_EQ(amp_rpmsg_link_stats(&h.p.rlink)->events[AMP_RPMSG_EV_BAD_BUFFER], 1);
	CHECK_EQ(h.rrx.msgs, 1);
	CHECK(!memcmp(h.rrx.data[0], "good 1", 6));
	expect_used(&h, 1, tok(0), 0);
	expect_used(&h, 1, tok(1), 0);
	expect_idle(&h);

	/* Header and payload in two read-only descriptors. */
	n = hand_msg(&h, 2, "split");
	sg[0] = (struct amp_vring_sg){hbuf(&h, 2), AMP_RPMSG_HDR_SIZE};
	sg[1] = (struct amp_vring_sg){(uint8_t *)hbuf(&h, 2) + AMP_RPMSG_HDR_SIZE,
				      n - AMP_RPMSG_HDR_SIZE};
	CHECK_EQ(amp_vring_drv_add(&h.vq[1], sg, 2, 0, tok(2)), 0);
	/* A readable header with a writable tail. */
	sg[0] = (struct amp_vring_sg){hbuf(&h, 3), AMP_RPMSG_HDR_SIZE};
	sg[1] = (struct amp_vring_sg){hbuf(&h, 4), BUF};
	CHECK_EQ(amp_vring_drv_add(&h.vq[1], sg, 1, 1, tok(3)), 0);
	n = hand_msg(&h, 5, "good 2");
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[1], hbuf(&h, 5), n, false, tok(5)), 0);
	amp_vring_drv_kick(&h.vq[1]);
	CHECK_EQ(amp_rpmsg_link_poll(&h.p.rlink), 1);
	CHECK_EQ(amp_rpmsg_link_stats(&h.p.rlink)->events[AMP_RPMSG_EV_BAD_BUFFER], 3);
	CHECK_EQ(h.rrx.msgs, 2);
	CHECK(!memcmp(h.rrx.data[1], "good 2", 6));
	expect_used(&h, 1, tok(2), 0);
	expect_used(&h, 1, tok(3), 0);
	expect_used(&h, 1, tok(5), 0);
	expect_idle(&h);
	CHECK_EQ(amp_rpmsg_link_stats(&h.p.rlink)->events[AMP_RPMSG_EV_BAD_MESSAGE], 0);
	rpmsg_pair_fini(&h.p);
}

static void test_bad_rx_chains_le(void)
{
	run_bad_rx_chains(AMP_LITTLE_ENDIAN);
}

static void test_bad_rx_chains_be(void)
{
	run_bad_rx_chains(AMP_BIG_ENDIAN);
}

/* The message the remote wrote into hand buffer @k: header and payload as sent. */
static void expect_sent(struct hand *h, int k, const char *text)
{
	struct amp_rpmsg_hdr hdr;
	size_t n = strlen(text);

	CHECK_EQ(amp_rpmsg_hdr_decode(hbuf(h, k), (uint32_t)(AMP_RPMSG_HDR_SIZE + n), h->io.order,
				      &hdr),
		 AMP_RPMSG_VALID);
	CHECK_EQ(hdr.src, REMOTE_ADDR);
	CHECK_EQ(hdr.dst, HOST_ADDR);
	CHECK_EQ(hdr.len, n);
	CHECK(!memcmp((uint8_t *)hbuf(h, k) + AMP_RPMSG_HDR_SIZE, text, n));
}

/*
 * Transmit side (vring0): read-only buffers, buffers of 16 bytes or less (no room for a payload
 * after the header) and two-descriptor chains go back unused with used.len 0; the remote sends
 * in the next usable buffer. A 17-byte buffer is usable for a 1-byte message.
 */
static void run_bad_tx_chains(enum amp_byte_order order)
{
	static struct hand h;
	struct amp_vring_sg sg[2];
	const struct amp_rpmsg_stats *st;

	REQUIRE(hand_init(&h, order) == 0);
	st = amp_rpmsg_link_stats(&h.p.rlink);

	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[0], hbuf(&h, 0), BUF, false, tok(0)), 0);
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[0], hbuf(&h, 1), AMP_RPMSG_HDR_SIZE, true, tok(1)), 0);
	sg[0] = (struct amp_vring_sg){hbuf(&h, 2), AMP_RPMSG_HDR_SIZE};
	sg[1] = (struct amp_vring_sg){hbuf(&h, 3), BUF};
	CHECK_EQ(amp_vring_drv_add(&h.vq[0], sg, 0, 2, tok(2)), 0);
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[0], hbuf(&h, 4), AMP_RPMSG_HDR_SIZE + 1, true, tok(4)),
		 0);
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[0], hbuf(&h, 5), BUF, true, tok(5)), 0);
	amp_vring_drv_kick(&h.vq[0]);

	CHECK_EQ(amp_rpmsg_trysendto(&h.rrx.ept, "1", 1, HOST_ADDR), 0);
	CHECK_EQ(st->events[AMP_RPMSG_EV_BAD_BUFFER], 3);
	CHECK_EQ(amp_rpmsg_link_payload_size(&h.p.rlink), 1);
	CHECK_EQ(amp_rpmsg_trysendto(&h.rrx.ept, "second", 6, HOST_ADDR), 0);
	CHECK_EQ(st->events[AMP_RPMSG_EV_BAD_BUFFER], 3);
	expect_used(&h, 0, tok(0), 0);
	expect_used(&h, 0, tok(1), 0);
	expect_used(&h, 0, tok(2), 0);
	expect_used(&h, 0, tok(4), AMP_RPMSG_HDR_SIZE + 1);
	expect_used(&h, 0, tok(5), AMP_RPMSG_HDR_SIZE + 6);
	expect_sent(&h, 4, "1");
	expect_sent(&h, 5, "second");
	CHECK_EQ(amp_rpmsg_link_poll(&h.p.rlink), 0);
	expect_idle(&h);
	CHECK_EQ(st->tx_messages, 2);
	rpmsg_pair_fini(&h.p);
}

static void test_bad_tx_chains_le(void)
{
	run_bad_tx_chains(AMP_LITTLE_ENDIAN);
}

static void test_bad_tx_chains_be(void)
{
	run_bad_tx_chains(AMP_BIG_ENDIAN);
}

/*
 * Only unusable transmit buffers: the send fails for want of a buffer, and the rejected chain
 * must still reach the driver (RPMSG-008), at the latest after the remote's next poll, not only
 * with the next successful send.
 */
static void test_bad_tx_chain_returned_without_send(void)
{
	static struct hand h;
	void *token = NULL;
	uint32_t len = 0xdeadbeef;
	bool early;

	REQUIRE(hand_init(&h, AMP_LITTLE_ENDIAN) == 0);
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[0], hbuf(&h, 0), BUF, false, tok(0)), 0);
	amp_vring_drv_kick(&h.vq[0]);
	CHECK_EQ(amp_rpmsg_trysendto(&h.rrx.ept, "x", 1, HOST_ADDR), -AMP_ENOMEM);
	CHECK_EQ(amp_rpmsg_link_stats(&h.p.rlink)->events[AMP_RPMSG_EV_BAD_BUFFER], 1);
	CHECK_EQ(amp_rpmsg_link_poll(&h.p.rlink), 0);
	early = amp_vring_drv_get_used(&h.vq[0], &len, &token) == 0;
	CHECK(early);
	if (early) {
		CHECK(token == tok(0));
		CHECK_EQ(len, 0);
	}
	/* A good buffer afterwards carries the message (and, at the latest, publishes the
	 * rejected chain's used element). */
	CHECK_EQ(amp_vring_drv_add_buf(&h.vq[0], hbuf(&h, 1), BUF, true, tok(1)), 0);
	amp_vring_drv_kick(&h.vq[0]);
	CHECK_EQ(amp_rpmsg_trysendto(&h.rrx.ept, "x", 1, HOST_ADDR), 0);
	if (!early)
		expect_used(&h, 0, tok(0), 0);
	expect_used(&h, 0, tok(1), AMP_RPMSG_HDR_SIZE + 1);
	expect_sent(&h, 1, "x");
	expect_idle(&h);
	rpmsg_pair_fini(&h.p);
}

/* ---------------------------------------------------------------- randomized corruption */

static uint32_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift32: fixed seed, same sequence on every run. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t rnd_below(uint32_t n)
{
	return rnd() % n;
}

/**
 * struct model - what the receiver's channel pool must hold (all channels come from the peer)
 * @n: channels
 * @name: their names
 * @addr: their remote addresses
 */
struct model {
	int n;
	char name[RPMSG_PAIR_CHANNELS][AMP_RPMSG_NAME_SIZE];
	uint32_t addr[RPMSG_PAIR_CHANNELS];
};

static void model_load(struct model *m, const struct amp_rpmsg_channel *pool)
{
	m->n = 0;
	for (int i = 0; i < RPMSG_PAIR_CHANNELS; i++) {
		if (!pool[i].in_use)
			continue;
		memcpy(m->name[m->n], pool[i].name, AMP_RPMSG_NAME_SIZE);
		m->addr[m->n] = pool[i].dst;
		m->n++;
	}
}

static int model_find(const struct model *m, const char *name, uint32_t addr)
{
	for (int i = 0; i < m->n; i++)
		if (m->addr[i] == addr && !strncmp(m->name[i], name, AMP_RPMSG_NAME_SIZE))
			return i;
	return -1;
}

/**
 * struct expect - what the receiver must do with one message
 * @stats: the receiver's statistics after it
 * @deliver: it reaches the test endpoint
 * @src: ... from this source
 * @len: ... with this length
 * @data: ... and these bytes
 */
struct expect {
	bool deliver;
	uint32_t src;
	uint16_t len;
	uint8_t data[BUF];
};

/*
 * The rules, applied to a copy of what the receiver will read: @raw is the buffer (at least
 * 16 + 512 bytes readable), @got the bytes delivered, @size the buffer size. Updates @want and
 * @m; fills @e.
 */
static void predict(const uint8_t *raw, uint32_t got, uint32_t size, enum amp_byte_order o,
		    uint32_t ept_addr, struct amp_rpmsg_stats *want, struct model *m,
		    struct expect *e)
{
	uint32_t src, dst, len, addr, flags;
	char name[AMP_RPMSG_NAME_SIZE + 1];
	const uint8_t *ns = raw + AMP_RPMSG_HDR_SIZE;
	int i, d = AMP_RPMSG_VALID;

	e->deliver = false;
	src = (uint32_t)get_n(raw, 4, o);
	dst = (uint32_t)get_n(raw + 4, 4, o);
	len = (uint32_t)get_n(raw + 12, 2, o);
	if (got > size)
		d = AMP_RPMSG_USED_LEN_OVER_BUFFER; /* RPMSG-002, vring0 */
	else if (got < AMP_RPMSG_HDR_SIZE)
		d = AMP_RPMSG_BUFFER_TOO_SHORT;
	else if (len > got - AMP_RPMSG_HDR_SIZE)
		d = AMP_RPMSG_LEN_OVER_BUFFER; /* RPMSG-002 */
	else if (src == AMP_RPMSG_ADDR_ANY || dst == AMP_RPMSG_ADDR_ANY)
		d = AMP_RPMSG_ADDR_ANY_USED; /* RPMSG-004 */
	if (d) {
		want->defects[d]++;
		want->events[AMP_RPMSG_EV_BAD_MESSAGE]++;
		return;
	}
	if (dst != AMP_RPMSG_NS_ADDR) {
		if (dst == ept_addr) {
			want->rx_messages++;
			e->deliver = true;
			e->src = src;
			e->len = (uint16_t)len;
			memcpy(e->data, raw + AMP_RPMSG_HDR_SIZE, len);
		} else {
			want->events[AMP_RPMSG_EV_NO_RECIPIENT]++; /* RPMSG-009 */
		}
		return;
	}
	/* NS-002, NS-003, NS-005 */
	memcpy(name, ns, AMP_RPMSG_NAME_SIZE);
	name[AMP_RPMSG_NAME_SIZE] = 0;
	addr = (uint32_t)get_n(ns + 32, 4, o);
	flags = (uint32_t)get_n(ns + 36, 4, o);
	if (len != AMP_RPMSG_NS_MSG_SIZE)
		d = AMP_RPMSG_NS_BAD_SIZE;
	else if (strlen(name) == AMP_RPMSG_NAME_SIZE)
		d = AMP_RPMSG_NS_NAME_UNTERMINATED;
	else if (!name[0])
		d = AMP_RPMSG_NS_NAME_EMPTY;
	else if (addr == AMP_RPMSG_ADDR_ANY || addr == AMP_RPMSG_NS_ADDR)
		d = AMP_RPMSG_NS_ADDR_RESERVED;
	if (d) {
		want->defects[d]++;
		want->events[AMP_RPMSG_EV_BAD_MESSAGE]++;
		return;
	}
	i = model_find(m, name, addr);
	if (flags & AMP_RPMSG_NS_DESTROY) { /* NS-004: bit 0 only */
		if (i < 0) {
			want->events[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY]++;
		} else {
			want->events[AMP_RPMSG_EV_CHANNEL_DESTROYED]++;
			m->n--;
			memcpy(m->name[i], m->name[m->n], AMP_RPMSG_NAME_SIZE);
			m->addr[i] = m->addr[m->n];
		}
	} else if (i >= 0) {
		want->events[AMP_RPMSG_EV_NS_DUPLICATE]++;
	} else if (m->n == RPMSG_PAIR_CHANNELS) {
		want->events[AMP_RPMSG_EV_NS_NO_ROOM]++;
	} else {
		want->events[AMP_RPMSG_EV_CHANNEL_CREATED]++;
		memset(m->name[m->n], 0, AMP_RPMSG_NAME_SIZE);
		memcpy(m->name[m->n], name, strlen(name));
		m->addr[m->n] = addr;
		m->n++;
	}
}

/* A few names and addresses, so that duplicates, destroys and a full pool all happen. */
static const char *const rnd_names[] = {"n0", "n1", "n2", "abcdefghijklmnopqrstuvwxyz01234", ""};
static const uint32_t rnd_addrs[] = {1024, 1025, 1030, AMP_RPMSG_NS_ADDR, AMP_RPMSG_ADDR_ANY};

/* Corrupt one in-flight message in one of several ways. */
static void corrupt(struct hx *h, enum dir d, struct flight *f)
{
	uint32_t got = delivered(h, f);
	uint32_t span = got + 8 < BUF ? got + 8 : BUF;
	uint32_t mode = rnd_below(100);

	if (mode < 25)
		return; /* left alone */
	if (mode < 50) {
		/* Random bytes over header and payload. */
		for (uint32_t k = 1 + rnd_below(4); k; k--)
			f->buf[rnd_below(span)] = (uint8_t)rnd();
		return;
	}
	if (mode < 70) {
		/* One header field set to a boundary value. */
		static const uint32_t addrs[] = {AMP_RPMSG_ADDR_ANY, AMP_RPMSG_NS_ADDR, 0,
						 HOST_ADDR, REMOTE_ADDR};
		uint32_t v = rnd_below(2) ? addrs[rnd_below(ARRAY_SIZE(addrs))] : rnd();

		switch (rnd_below(3)) {
		case 0:
			wr(h, f->buf, 4, v);
			break;
		case 1:
			wr(h, f->buf + 4, 4, v);
			break;
		default: {
			const uint32_t lens[] = {0, got - 16, got - 15, 0xffff, rnd() & 0xffff};

			wr(h, f->buf + 12, 2, lens[rnd_below(ARRAY_SIZE(lens))]);
		}
		}
		return;
	}
	if (mode < 90) {
		/* A name-service record, mostly well formed. */
		const char *name = rnd_names[rnd_below(ARRAY_SIZE(rnd_names))];
		uint32_t len = rnd_below(8) ? 40 : 39 + 2 * rnd_below(2);
		uint8_t rec[AMP_RPMSG_NS_MSG_SIZE];
		uint32_t flags = rnd_below(2) | (rnd_below(4) ? 0 : rnd() & ~1u);

		memset(rec, 0, sizeof(rec));
		if (rnd_below(10))
			memcpy(rec, name, strlen(name));
		else
			memset(rec, 'x', AMP_RPMSG_NAME_SIZE); /* unterminated */
		put_n(rec + 32, 4,
		      rnd_below(8) ? rnd_addrs[rnd_below(ARRAY_SIZE(rnd_addrs))] : rnd(), h->order);
		put_n(rec + 36, 4, flags, h->order);
		if (!rnd_below(10))
			rec[rnd_below(sizeof(rec))] = (uint8_t)rnd();
		wr(h, f->buf + 4, 4, AMP_RPMSG_NS_ADDR);
		wr(h, f->buf + 12, 2, len);
		memcpy((void *)(f->buf + AMP_RPMSG_HDR_SIZE), rec, sizeof(rec));
		if (rnd_below(8))
			wr(h, f->len_field, 4, AMP_RPMSG_HDR_SIZE + len);
		return;
	}
	/* The delivered length: beyond the buffer is only possible to the host (used.len); to the
	 * remote it is desc.len and must stay inside the shared window. */
	wr(h, f->len_field, 4, d == TO_HOST ? rnd_below(700) : rnd_below(BUF + 1));
}

static void run_random(enum amp_byte_order order, uint32_t seed, int iterations)
{
	static struct hx h;
	static struct expect exp[4];
	static uint8_t copy[BUF + AMP_RPMSG_NS_MSG_SIZE];
	uint64_t counts[2] = {0, 0};

	REQUIRE(hx_init(&h, order) == 0);
	rng_state = seed;
	for (int it = 0; it < iterations; it++) {
		enum dir d = (enum dir)rnd_below(2);
		struct amp_rpmsg_link *rl = rx_link(&h, d);
		struct amp_rpmsg_stats want = *amp_rpmsg_link_stats(rl);
		uint64_t sent_before = amp_rpmsg_link_stats(rx_link(&h, !d))->tx_messages;
		struct flight fl[4];
		struct model m, actual;
		struct rxe *r = receiver(&h, d);
		int msgs = (int)(1 + rnd_below(4)), delivered_n = 0, before = test_failures;
		char what[64];

		snprintf(what, sizeof(what), "random iteration %d, %s", it, dir_name[d]);
		model_load(&m, rx_pool(&h, d));
		for (int k = 0; k < msgs; k++) {
			uint8_t payload[64];
			uint32_t len = rnd_below(sizeof(payload) + 1);

			for (uint32_t j = 0; j < len; j++)
				payload[j] = (uint8_t)rnd();
			REQUIRE(send_to(&h, d, payload, len) == 0);
			fl[k] = flight_last(&h, d);
			corrupt(&h, d, &fl[k]);
		}
		/* Predict in ring order from what the receiver will read. */
		for (int k = 0; k < msgs; k++) {
			uint32_t got = delivered(&h, &fl[k]);
			/* To the remote the buffer is what desc.len (perhaps corrupted) says. */
			uint32_t size = d == TO_HOST ? BUF : got;

			memset(copy, 0, sizeof(copy));
			memcpy(copy, (const void *)fl[k].buf, BUF);
			predict(copy, got, size, order, rx_addr(d), &want, &m, &exp[k]);
			delivered_n += exp[k].deliver;
		}
		r->n = 0;
		CHECK(rpmsg_pair_pump(&h.p, 10) > 0);
		check_stats(amp_rpmsg_link_stats(rl), &want, what);
		CHECK_EQ(amp_rpmsg_link_stats(rx_link(&h, !d))->tx_messages, sent_before + msgs);
		CHECK_EQ(r->n, delivered_n);
		for (int k = 0, j = 0; k < msgs && j < r->n; k++) {
			if (!exp[k].deliver)
				continue;
			CHECK_EQ(r->src[j], exp[k].src);
			CHECK_EQ(r->len[j], exp[k].len);
			CHECK(!memcmp(r->data[j], exp[k].data, exp[k].len));
			j++;
		}
		model_load(&actual, rx_pool(&h, d));
		CHECK_EQ(actual.n, m.n);
		for (int k = 0; k < actual.n; k++)
			CHECK(model_find(&m, actual.name[k], actual.addr[k]) >= 0);
		check_conserved(&h, what);
		counts[d] += (uint64_t)msgs;
		if (test_failures != before) {
			fprintf(stderr, "  ... %s\n", what);
			break;
		}
	}
	/* Both directions were exercised, nothing broke a ring, and good messages still pass. */
	CHECK(counts[TO_HOST] > 0 && counts[TO_REMOTE] > 0);
	CHECK_EQ(h.hev.faults + h.rev.faults, 0);
	check_good(&h, TO_HOST, "random loop");
	check_good(&h, TO_REMOTE, "random loop");
	check_conserved(&h, "random loop");
	rpmsg_pair_fini(&h.p);
}

static void test_random_corruption_le(void)
{
	run_random(AMP_LITTLE_ENDIAN, 0x2545f491u, 2000);
}

static void test_random_corruption_be(void)
{
	run_random(AMP_BIG_ENDIAN, 0x9e3779b9u, 2000);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_malformed_messages_le),
		TEST(test_malformed_messages_be),
		TEST(test_malformed_ns_le),
		TEST(test_malformed_ns_be),
		TEST(test_ns_flags_extra_bits),
		TEST(test_ring_violations),
		TEST(test_bad_rx_chains_le),
		TEST(test_bad_rx_chains_be),
		TEST(test_bad_tx_chains_le),
		TEST(test_bad_tx_chains_be),
		TEST(test_bad_tx_chain_returned_without_send),
		TEST(test_random_corruption_le),
		TEST(test_random_corruption_be),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
