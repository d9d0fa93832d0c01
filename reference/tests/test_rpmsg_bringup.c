// SPDX-License-Identifier: BSD-3-Clause
/*
 * Bring-up, stop and restart of an rpmsg link seen on the wire.
 *
 * Built against the hooked library: both links of an rpmsg_pair are re-attached with a struct
 * amp_io_ops that performs every store and barrier (amp_io_native_write(),
 * amp_io_native_barrier()) and appends it to one trace, tagged with the side and the offset in
 * the shared block; kicks are appended by a wrapped notify. The trace is what a simulator would
 * record, and the checks are the conformance rules a checker would apply to it: the status
 * sequence (INIT-002), features (INIT-003, FEAT-001), the order of population, DRIVER_OK and
 * kicks (INIT-004..006), what the remote may write (RSC-007), the name service (NS-001, NS-002,
 * NS-005, NS-009) and silence and restart after a reset (INIT-007).
 *
 * While the host brings the device up, the store hook also polls the remote after every host
 * store made before DRIVER_OK, as a remote spinning on the status byte would: it must not act
 * on a half-initialised block.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "amp/error.h"
#include "amp/io.h"
#include "amp/vdev.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"
#include "testing.h"

enum { HOST = 0, REMOTE = 1 };

#define NOTIFYID0 5u /* vring notify ids written into the block: unlike 0 and 1, a kick with */
#define NOTIFYID1 9u /* an id the block never held, or with a ring index, shows */

#define F_NS  AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS)
#define F_EI  AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX)
#define F_IND AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)

/* ---------------------------------------------------------------- trace */

enum ev_type { EV_STORE, EV_BARRIER, EV_KICK };

#define EV_BYTES 64
#define EV_MAX   16384

/**
 * struct ev - one store, barrier or kick
 * @type: what happened
 * @side: HOST or REMOTE
 * @off: stores: offset from the start of the shared block (SIZE_MAX outside it)
 * @len: stores: bytes stored
 * @bytes: stores: the first EV_BYTES bytes stored
 * @id: kicks: the notify id
 */
struct ev {
	enum ev_type type;
	int side;
	size_t off;
	size_t len;
	uint8_t bytes[EV_BYTES];
	uint32_t id;
};

/**
 * struct trace - the event log and the hooks' state
 * @p: the pair being traced
 * @ev: events in order
 * @n: events recorded
 * @lost: events that did not fit
 * @record: append events (off for long runs: stores are still performed)
 * @poll_remote: poll the remote after every host store made before DRIVER_OK
 * @hook_polls: how often that happened
 * @hook_poll_err: a poll from the hook that returned non-zero
 * @avail_at_driver_ok: vring0 avail.idx when the host stored DRIVER_OK (0xffffffff: never)
 * @kicked: a side was kicked by its peer since the last look (kick-driven scheduling)
 */
struct trace {
	struct rpmsg_pair *p;
	struct ev ev[EV_MAX];
	size_t n, lost;
	bool record;
	bool poll_remote;
	int hook_polls;
	int hook_poll_err;
	uint32_t avail_at_driver_ok;
	bool kicked[2];
};

static struct trace tr;
static int side_ids[2] = {HOST, REMOTE};
static enum amp_byte_order trace_order;

static void trace_reset(void)
{
	tr.n = 0;
	tr.lost = 0;
	tr.record = true;
	tr.avail_at_driver_ok = 0xffffffffu;
}

static struct ev *ev_new(enum ev_type type, int side)
{
	struct ev *e;

	if (!tr.record)
		return NULL;
	if (tr.n == EV_MAX) {
		tr.lost++;
		return NULL;
	}
	e = &tr.ev[tr.n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->side = side;
	return e;
}

static uint16_t get16(const volatile uint8_t *b)
{
	return trace_order == AMP_BIG_ENDIAN ? (uint16_t)(b[0] << 8 | b[1])
					     : (uint16_t)(b[1] << 8 | b[0]);
}

static uint32_t get32(const volatile uint8_t *b)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)b[trace_order == AMP_BIG_ENDIAN ? 3 - i : i] << (8 * i);
	return v;
}

static struct amp_vring_layout ring_layout(unsigned int i)
{
	struct amp_vring_layout l = {0};
	struct amp_vdev_vring_info info;
	struct amp_io io = {.order = trace_order};

	amp_vdev_vring(&io, tr.p->vdev, i, &info);
	(void)amp_vring_layout(info.num, info.align, &l);
	return l;
}

/* Offset of ring @i's field at @field from the start of the shared block. */
static size_t ring_off(unsigned int i, size_t field)
{
	return (size_t)(tr.p->ring[i] - tr.p->mem) + field;
}

static void rec_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	int side = *(const int *)ctx;
	uintptr_t a = (uintptr_t)dst, base = (uintptr_t)tr.p->mem;
	struct ev *e = ev_new(EV_STORE, side);

	if (e) {
		e->off = a >= base && a - base < tr.p->mem_size ? a - base : SIZE_MAX;
		e->len = len;
		memcpy(e->bytes, src, len < EV_BYTES ? len : EV_BYTES);
	}
	amp_io_native_write(dst, src, len);

	/* RPMSG-007 is about the moment DRIVER_OK is written: look at vring0 then. */
	if (side == HOST && a == base + AMP_VDEV_OFF_STATUS &&
	    (*(const uint8_t *)src & AMP_VIRTIO_STATUS_DRIVER_OK)) {
		struct amp_vring_layout l = ring_layout(0);

		tr.avail_at_driver_ok = get16(tr.p->ring[0] + l.avail + 2);
	}
	/* A remote spinning on the status byte sees every intermediate state of the block. */
	if (tr.poll_remote && side == HOST &&
	    !(amp_vdev_status(tr.p->vdev) & AMP_VIRTIO_STATUS_DRIVER_OK)) {
		int r = amp_rpmsg_link_poll(&tr.p->rlink);

		tr.hook_polls++;
		if (r)
			tr.hook_poll_err = r;
	}
}

static void rec_barrier(void *ctx, enum amp_barrier kind)
{
	(void)ev_new(EV_BARRIER, *(const int *)ctx);
	amp_io_native_barrier(kind);
}

static const struct amp_io_ops rec_ops = {rec_write, rec_barrier};

/* The fixture's notify, wrapped: log the kick, mark the peer as kicked, count as it does. */
static void rec_notify(void *ctx, uint32_t id)
{
	int side = *(const int *)ctx;
	struct ev *e = ev_new(EV_KICK, side);

	if (e)
		e->id = id;
	tr.kicked[!side] = true;
	if (id < 2) {
		if (side == HOST)
			tr.p->host_kicks[id]++;
		else
			tr.p->remote_kicks[id]++;
	}
}

/*
 * Lay out the pair, write the ring notify ids NOTIFYID0/1 into the block (what the host's
 * remoteproc layer assigns), then attach both links again with the recording hooks: the
 * fixture builds its link configurations itself, so they are taken from the links and
 * re-initialised on fresh nodes through the public API.
 */
static int pair_init_traced(struct rpmsg_pair *p, const struct rpmsg_pair_config *cfg)
{
	struct amp_io io = {.order = cfg->order};
	struct amp_rpmsg_link_config hc, rc;
	int err;

	memset(&tr, 0, sizeof(tr));
	tr.p = p;
	trace_order = cfg->order;
	err = rpmsg_pair_init(p, cfg);
	if (err)
		return err;
	amp_vdev_write32(&io, p->vdev, AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_OFF_NOTIFYID, NOTIFYID0);
	amp_vdev_write32(&io, p->vdev,
			 AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE + AMP_VDEV_VRING_OFF_NOTIFYID,
			 NOTIFYID1);
	hc = p->hlink.cfg;
	rc = p->rlink.cfg;
	hc.io.ops = &rec_ops;
	hc.io.ctx = &side_ids[HOST];
	hc.notify = rec_notify;
	hc.notify_ctx = &side_ids[HOST];
	rc.io.ops = &rec_ops;
	rc.io.ctx = &side_ids[REMOTE];
	rc.notify = rec_notify;
	rc.notify_ctx = &side_ids[REMOTE];
	amp_rpmsg_node_init(&p->host, cfg->host_ops, cfg->host_ctx);
	amp_rpmsg_node_init(&p->remote, cfg->remote_ops, cfg->remote_ctx);
	err = amp_rpmsg_link_init(&p->hlink, &p->host, &hc);
	if (!err)
		err = amp_rpmsg_link_init(&p->rlink, &p->remote, &rc);
	trace_reset();
	return err;
}

static void ev_print(size_t i)
{
	const struct ev *e = &tr.ev[i];
	static const char *const sides[] = {"host", "remote"};

	if (i >= tr.n) {
		fprintf(stderr, "    #%zu: (none; %zu events)\n", i, tr.n);
		return;
	}
	switch (e->type) {
	case EV_STORE:
		fprintf(stderr, "    #%zu: %s store +%#zx len %zu:", i, sides[e->side], e->off,
			e->len);
		for (size_t b = 0; b < e->len && b < 16; b++)
			fprintf(stderr, " %02x", e->bytes[b]);
		fprintf(stderr, "\n");
		break;
	case EV_BARRIER:
		fprintf(stderr, "    #%zu: %s barrier\n", i, sides[e->side]);
		break;
	default:
		fprintf(stderr, "    #%zu: %s kick %u\n", i, sides[e->side], e->id);
		break;
	}
}

static void ev_fail(size_t i, const char *what, int line)
{
	fprintf(stderr, "%s:%d: %s\n", __FILE__, line, what);
	if (i != SIZE_MAX)
		ev_print(i);
	test_failures++;
}

static bool is_store(const struct ev *e, int side, size_t off, size_t len)
{
	return e->type == EV_STORE && e->side == side && e->off == off && e->len == len;
}

static bool overlaps(const struct ev *e, size_t off, size_t len)
{
	return e->type == EV_STORE && e->off != SIZE_MAX && e->off < off + len &&
	       off < e->off + e->len;
}

/* Index of the first event at or after @from matching a host status store with DRIVER_OK. */
static size_t find_driver_ok(size_t from)
{
	for (size_t i = from; i < tr.n; i++) {
		const struct ev *e = &tr.ev[i];

		if (is_store(e, HOST, AMP_VDEV_OFF_STATUS, 1) &&
		    (e->bytes[0] & AMP_VIRTIO_STATUS_DRIVER_OK))
			return i;
	}
	return SIZE_MAX;
}

static size_t find_kick(int side, size_t from)
{
	for (size_t i = from; i < tr.n; i++) {
		if (tr.ev[i].type == EV_KICK && tr.ev[i].side == side)
			return i;
	}
	return SIZE_MAX;
}

/* Pool geometry of the fixture: receive buffers first, then transmit buffers. */
static size_t pool_off(void)
{
	return (size_t)(tr.p->pool - tr.p->mem);
}

/**
 * struct msg - a message header found in the trace
 * @ev: index of the 16-byte header store
 * @side: who stored it
 * @src, @dst, @reserved, @len, @flags: decoded fields
 * @payload: index of the store of the payload (SIZE_MAX if none followed)
 */
struct msg {
	size_t ev;
	int side;
	uint32_t src, dst, reserved;
	uint16_t len, flags;
	size_t payload;
};

/* Is event @i the header store of a message: 16 bytes at the start of a pool buffer? */
static bool header_at(size_t i, uint32_t buf_size, struct msg *m)
{
	const struct ev *e = &tr.ev[i];

	if (e->type != EV_STORE || e->len != AMP_RPMSG_HDR_SIZE || e->off == SIZE_MAX ||
	    e->off < pool_off() || (e->off - pool_off()) % buf_size)
		return false;
	m->ev = i;
	m->side = e->side;
	m->src = get32(e->bytes);
	m->dst = get32(e->bytes + 4);
	m->reserved = get32(e->bytes + 8);
	m->len = get16(e->bytes + 12);
	m->flags = get16(e->bytes + 14);
	m->payload = SIZE_MAX;
	for (size_t j = i + 1; j < tr.n; j++) {
		const struct ev *f = &tr.ev[j];

		if (f->type == EV_STORE && f->side == e->side) {
			if (f->off == e->off + AMP_RPMSG_HDR_SIZE)
				m->payload = j;
			break;
		}
	}
	return true;
}

/* Count messages to the name service in the trace (from @side, or either with -1). */
static int count_ns_messages(int side, uint32_t buf_size)
{
	int n = 0;
	struct msg m;

	for (size_t i = 0; i < tr.n; i++) {
		if (header_at(i, buf_size, &m) && m.dst == AMP_RPMSG_NS_ADDR &&
		    (side < 0 || m.side == side))
			n++;
	}
	return n;
}

/*
 * Check the name-service message found at @m: 40 bytes to 53 from the announced address
 * (NS-002, NS-005), reserved and flags 0 (RPMSG-003), the record carrying @name (zero-padded,
 * NS-003), ns.addr == hdr.src == @addr and ns.flags == @ns_flags (NS-004).
 */
static void check_ns_message(const struct msg *m, const char *name, uint32_t addr,
			     uint32_t ns_flags, int line)
{
	uint8_t want_name[AMP_RPMSG_NAME_SIZE] = {0};
	const struct ev *p;

	strncpy((char *)want_name, name, sizeof(want_name) - 1);
	if (m->dst != AMP_RPMSG_NS_ADDR || m->len != AMP_RPMSG_NS_MSG_SIZE || m->src != addr ||
	    m->reserved || m->flags) {
		ev_fail(m->ev, "name-service header is not 40 bytes to 53 from the address", line);
		return;
	}
	if (m->payload == SIZE_MAX) {
		ev_fail(m->ev, "name-service header without a 40-byte record after it", line);
		return;
	}
	p = &tr.ev[m->payload];
	if (p->len != AMP_RPMSG_NS_MSG_SIZE || memcmp(p->bytes, want_name, sizeof(want_name)) ||
	    get32(p->bytes + 32) != addr || get32(p->bytes + 36) != ns_flags)
		ev_fail(m->payload, "name-service record does not match", line);
}

/* ---------------------------------------------------------------- services */

/**
 * struct svc - a service at each end: the remote's announced endpoint and the host's driver
 * @remote_rx: messages the remote endpoint received
 * @host_rx: messages the host's driver received
 * @probed: host driver probes
 * @removed: host driver removes
 * @limit: the host replies until it received this many messages
 * @ch: the host's channel
 */
struct svc {
	int remote_rx, host_rx, probed, removed, limit;
	struct amp_rpmsg_channel *ch;
};

static struct svc svc;

static int svc_probe(struct amp_rpmsg_channel *ch)
{
	svc.probed++;
	svc.ch = ch;
	return amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), "hello", 5);
}

static void svc_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	svc.removed++;
}

static int svc_host_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	(void)data;
	(void)len;
	(void)src;
	if (++svc.host_rx < svc.limit)
		CHECK_EQ(amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), "ping", 4), 0);
	return 0;
}

/* The remote echoes to whoever spoke first (its dst is bound to the host's channel). */
static int svc_remote_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
			 void *priv)
{
	(void)src;
	(void)priv;
	svc.remote_rx++;
	CHECK_EQ(amp_rpmsg_send(ept, data, len), 0);
	return 0;
}

static const struct amp_rpmsg_device_id svc_ids[] = {{"svc-remote"}, {NULL}};
static struct amp_rpmsg_driver svc_driver = {
	.id_table = svc_ids,
	.probe = svc_probe,
	.remove = svc_remove,
	.callback = svc_host_cb,
};

/* A host-side service with a fixed address, announced by the host (NS-008). */
static int host_svc_probe(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	return 0;
}

static const struct amp_rpmsg_device_id host_svc_ids[] = {{"host-svc"}, {NULL}};
static struct amp_rpmsg_driver host_svc_driver = {
	.id_table = host_svc_ids,
	.probe = host_svc_probe,
};

#define HOST_SVC_ADDR 400u

static int add_services(struct rpmsg_pair *p, struct amp_rpmsg_endpoint *rept, int limit)
{
	struct amp_rpmsg_endpoint_config c = {
		.name = "svc-remote",
		.addr = AMP_RPMSG_ADDR_ANY,
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = svc_remote_cb,
		.announce = true,
	};
	int err;

	memset(&svc, 0, sizeof(svc));
	svc.limit = limit;
	svc_driver.next = NULL;
	host_svc_driver.next = NULL;
	err = amp_rpmsg_driver_register(&p->host, &svc_driver);
	if (!err)
		err = amp_rpmsg_driver_register(&p->host, &host_svc_driver);
	if (!err)
		err = amp_rpmsg_endpoint_create(rept, &p->rlink, &c);
	return err;
}

/* Poll whichever side was kicked until nobody is: delivery driven by notifications alone, so a
 * kick that should have been sent and was suppressed stalls the exchange. */
static void run_kicked(struct rpmsg_pair *p, long max_rounds)
{
	while (max_rounds-- > 0 && (tr.kicked[HOST] || tr.kicked[REMOTE])) {
		for (int s = 0; s < 2; s++) {
			if (!tr.kicked[s])
				continue;
			tr.kicked[s] = false;
			CHECK(amp_rpmsg_link_poll(s == HOST ? &p->hlink : &p->rlink) >= 0);
		}
	}
}

/* ---------------------------------------------------------------- bring-up */

/*
 * The host's bring-up and the remote's reaction, checked on the trace. @dfeatures is what the
 * block offers, @host_features what the host supports, @want the gfeatures expected.
 */
static void run_bringup(enum amp_byte_order order, uint32_t num, uint32_t dfeatures,
			uint32_t host_features, uint32_t want)
{
	static struct rpmsg_pair p;
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_endpoint rept;
	static const uint8_t want_status[] = {0x00, 0x01, 0x03, 0x07};
	uint8_t status[8];
	size_t nstatus = 0, dok, gf_at = SIZE_MAX, da_at[2] = {SIZE_MAX, SIZE_MAX};
	size_t host_kick, ns_at = SIZE_MAX;
	uint32_t rx_count = num < 256 ? num : 256;
	struct amp_io io = {.order = order};
	int gf_stores = 0, da_stores[2] = {0, 0}, ns_creates = 0;
	struct msg m;

	rpmsg_pair_default_config(&cfg);
	cfg.order = order;
	cfg.num0 = num;
	cfg.num1 = num;
	cfg.dfeatures = dfeatures;
	cfg.host_features = host_features;
	REQUIRE(pair_init_traced(&p, &cfg) == 0);
	REQUIRE(add_services(&p, &rept, 1) == 0);
	CHECK_EQ(amp_rpmsg_endpoint_addr(&rept), 1024);

	/* Before the host starts, the remote polls and does nothing. */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(amp_rpmsg_link_poll(&p.rlink), 0);
	CHECK(!amp_rpmsg_link_is_up(&p.rlink));
	CHECK_EQ(tr.n, 0);

	tr.poll_remote = true;
	REQUIRE(amp_rpmsg_link_start(&p.hlink) == 0);
	tr.poll_remote = false;
	CHECK(tr.hook_polls > 0);
	CHECK_EQ(tr.hook_poll_err, 0);
	/* It was polled only before DRIVER_OK: still down. */
	CHECK(!amp_rpmsg_link_is_up(&p.rlink));
	CHECK(amp_rpmsg_link_is_up(&p.hlink));
	CHECK_EQ(amp_rpmsg_link_poll(&p.rlink), 0);
	CHECK(amp_rpmsg_link_is_up(&p.rlink));
	run_kicked(&p, 100);
	CHECK_EQ(tr.lost, 0);

	/* INIT-002: exactly 0, ACK, ACK|DRIVER, ACK|DRIVER|DRIVER_OK. */
	for (size_t i = 0; i < tr.n; i++) {
		if (is_store(&tr.ev[i], HOST, AMP_VDEV_OFF_STATUS, 1) && nstatus < sizeof(status))
			status[nstatus++] = tr.ev[i].bytes[0];
	}
	CHECK_EQ(nstatus, sizeof(want_status));
	CHECK(!memcmp(status, want_status, sizeof(want_status)));
	dok = find_driver_ok(0);
	REQUIRE(dok != SIZE_MAX);

	/* INIT-003, FEAT-001: gfeatures once, before DRIVER_OK, a subset of the offer with the
	 * unknown bits masked. */
	for (size_t i = 0; i < tr.n; i++) {
		if (overlaps(&tr.ev[i], AMP_VDEV_OFF_GFEATURES, 4) && tr.ev[i].side == HOST) {
			gf_stores++;
			gf_at = i;
		}
	}
	CHECK_EQ(gf_stores, 1);
	REQUIRE(gf_at != SIZE_MAX);
	CHECK(gf_at < dok);
	CHECK(is_store(&tr.ev[gf_at], HOST, AMP_VDEV_OFF_GFEATURES, 4));
	CHECK_EQ(get32(tr.ev[gf_at].bytes), want);
	CHECK_EQ(get32(tr.ev[gf_at].bytes) & ~dfeatures, 0);
	CHECK_EQ(amp_vdev_read32(&io, p.vdev, AMP_VDEV_OFF_GFEATURES), want);
	CHECK_EQ(amp_rpmsg_link_features(&p.hlink), want);
	CHECK_EQ(amp_rpmsg_link_features(&p.rlink), want);

	/* RPMSG-007: every receive buffer is on vring0 when DRIVER_OK is written. */
	CHECK_EQ(tr.avail_at_driver_ok, rx_count);

	/* RSC-005: the ring addresses written into the block are where the rings are. */
	for (unsigned int r = 0; r < 2; r++) {
		size_t off = AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * r + AMP_VDEV_VRING_OFF_DA;
		uint32_t da = (uint32_t)(RPMSG_PAIR_DA + (uint64_t)(p.ring[r] - p.mem));

		for (size_t i = 0; i < tr.n; i++) {
			if (overlaps(&tr.ev[i], off, 4) && tr.ev[i].side == HOST) {
				da_stores[r]++;
				da_at[r] = i;
			}
		}
		CHECK_EQ(da_stores[r], 1);
		REQUIRE(da_at[r] != SIZE_MAX);
		CHECK(da_at[r] < dok);
		CHECK(is_store(&tr.ev[da_at[r]], HOST, off, 4));
		CHECK_EQ(get32(tr.ev[da_at[r]].bytes), da);
		CHECK_EQ(amp_vdev_read32(&io, p.vdev, off), da);
	}

	/* INIT-005, INIT-006: the first host kick follows DRIVER_OK and names vring0. */
	host_kick = find_kick(HOST, 0);
	REQUIRE(host_kick != SIZE_MAX);
	CHECK(host_kick > dok);
	CHECK_EQ(tr.ev[host_kick].id, NOTIFYID0);

	/* INIT-004, RSC-007: the remote stores and kicks nothing before DRIVER_OK, and never
	 * writes the device block; its kicks name the block's notify ids. */
	for (size_t i = 0; i < tr.n; i++) {
		const struct ev *e = &tr.ev[i];

		if (e->side != REMOTE || e->type == EV_BARRIER)
			continue;
		if (i < dok)
			ev_fail(i, "remote store or kick before DRIVER_OK (INIT-004)", __LINE__);
		if (overlaps(e, 0, AMP_VDEV_BLOCK_SIZE(2)))
			ev_fail(i, "remote store into the device block (RSC-007)", __LINE__);
		if (e->type == EV_STORE && e->off == SIZE_MAX)
			ev_fail(i, "remote store outside shared memory", __LINE__);
		if (e->type == EV_KICK && e->id != NOTIFYID0 && e->id != NOTIFYID1)
			ev_fail(i, "remote kick with an id the block does not hold", __LINE__);
	}

	/* NS-002, NS-005, NS-009: one CREATE from the remote, in a vring0 buffer, after the
	 * host's kick. */
	for (size_t i = 0; i < tr.n; i++) {
		if (!header_at(i, AMP_RPMSG_BUF_SIZE, &m) || m.dst != AMP_RPMSG_NS_ADDR)
			continue;
		if (m.side != REMOTE) {
			ev_fail(i, "unexpected name-service message from the host", __LINE__);
			continue;
		}
		ns_creates++;
		ns_at = i;
		check_ns_message(&m, "svc-remote", 1024, AMP_RPMSG_NS_CREATE, __LINE__);
		CHECK(tr.ev[i].off - pool_off() < (size_t)rx_count * AMP_RPMSG_BUF_SIZE);
	}
	CHECK_EQ(ns_creates, 1);
	CHECK(ns_at != SIZE_MAX && ns_at > host_kick);

	/* The service came up end to end. */
	CHECK_EQ(svc.probed, 1);
	CHECK_EQ(svc.remote_rx, 1);
	CHECK_EQ(svc.host_rx, 1);
	CHECK_EQ(amp_rpmsg_endpoint_dst(&rept), 1024);
	rpmsg_pair_fini(&p);
}

static void test_bringup_le(void)
{
	run_bringup(AMP_LITTLE_ENDIAN, 256, 0x20000007u, F_NS | F_EI, F_NS | F_EI);
}

static void test_bringup_be(void)
{
	run_bringup(AMP_BIG_ENDIAN, 256, 0x20000007u, F_NS | F_EI, F_NS | F_EI);
}

/* Smaller and larger rings: RX count is min(num, 256). */
static void test_bringup_num64(void)
{
	run_bringup(AMP_LITTLE_ENDIAN, 64, 0x20000007u, F_NS | F_EI, F_NS | F_EI);
}

static void test_bringup_num512(void)
{
	run_bringup(AMP_BIG_ENDIAN, 512, 0x20000007u, F_NS | F_EI, F_NS | F_EI);
}

/* A host that claims every bit still accepts only the ones it knows (FEAT-001). */
static void test_features_masked(void)
{
	/* Offered: bits 0-3, 28, 29, 31; known: 0 (F_NS), 28 (INDIRECT_DESC), 29 (EVENT_IDX). */
	run_bringup(AMP_LITTLE_ENDIAN, 256, 0xb000000fu, 0xffffffffu, F_NS | F_IND | F_EI);
}

/*
 * NS-001: without F_NS negotiated nobody talks to 53: the remote's announcement is not sent,
 * nor the host's for its fixed-address channel, while ordinary traffic flows.
 */
static void test_no_ns_feature(void)
{
	static struct rpmsg_pair p;
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_endpoint rept;
	struct amp_rpmsg_channel *hch = NULL;
	struct amp_rpmsg_endpoint *hept;
	struct amp_io io;
	uint32_t gf;

	rpmsg_pair_default_config(&cfg);
	cfg.dfeatures = 0x20000007u;
	cfg.host_features = F_EI; /* the host does not do the name service */
	REQUIRE(pair_init_traced(&p, &cfg) == 0);
	io = (struct amp_io){.order = cfg.order};
	REQUIRE(add_services(&p, &rept, 50) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) >= 0);

	gf = amp_vdev_read32(&io, p.vdev, AMP_VDEV_OFF_GFEATURES);
	CHECK_EQ(gf, F_EI);
	CHECK_EQ(gf & F_NS, 0);
	CHECK_EQ(amp_rpmsg_link_features(&p.rlink) & F_NS, 0);
	/* The remote's announced endpoint stayed silent; the host has no channel for it. */
	CHECK(amp_rpmsg_channel_find(&p.hlink, "svc-remote", AMP_RPMSG_ADDR_ANY) == NULL);
	CHECK_EQ(svc.probed, 0);

	/* The host creates a channel with a fixed address itself: Linux would announce it with
	 * F_NS; without, it must not. Its first message binds the remote endpoint. */
	REQUIRE(amp_rpmsg_channel_create(&p.hlink, "svc-remote", 1200, 1024, &hch) == 0);
	CHECK_EQ(svc.probed, 1); /* svc_probe sent "hello" to 1024 */
	hept = amp_rpmsg_channel_endpoint(hch);
	CHECK_EQ(amp_rpmsg_endpoint_addr(hept), 1200);
	CHECK(rpmsg_pair_pump(&p, 1000) > 0);
	CHECK_EQ(svc.remote_rx, 50);
	CHECK_EQ(svc.host_rx, 50);
	CHECK_EQ(amp_rpmsg_endpoint_dst(&rept), 1200);

	/* Withdrawing and stopping send no DESTROY either. */
	amp_rpmsg_endpoint_destroy(&rept);
	amp_rpmsg_channel_destroy(hch);
	amp_rpmsg_link_stop(&p.hlink);
	CHECK(rpmsg_pair_pump(&p, 10) >= 0);
	CHECK_EQ(tr.lost, 0);
	CHECK_EQ(count_ns_messages(-1, AMP_RPMSG_BUF_SIZE), 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.hlink)->events[AMP_RPMSG_EV_NO_RECIPIENT], 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->events[AMP_RPMSG_EV_NO_RECIPIENT], 0);
	CHECK_EQ(amp_rpmsg_link_stats(&p.rlink)->events[AMP_RPMSG_EV_NS_WITHOUT_FEATURE], 0);
	rpmsg_pair_fini(&p);
}

/* ---------------------------------------------------------------- stop and restart */

/* First remote store of ring @r's used.idx at or after @from; its value, or -1. */
static long first_used_idx_store(unsigned int r, size_t from)
{
	size_t off = ring_off(r, ring_layout(r).used + 2);

	for (size_t i = from; i < tr.n; i++) {
		if (is_store(&tr.ev[i], REMOTE, off, 2))
			return get16(tr.ev[i].bytes);
	}
	return -1;
}

/*
 * Host stop: DESTROY for the host's announced channel, then status 0 (NS-007, "while the link
 * can still carry it"); the remote goes silent (INIT-007). Restart: the same bring-up again
 * from index 0, the remote back up, its service announced again.
 */
static void test_stop_restart(void)
{
	static struct rpmsg_pair p;
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_endpoint rept;
	struct amp_rpmsg_channel *hch = NULL;
	static const uint8_t want_status[] = {0x00, 0x01, 0x03, 0x07};
	size_t reset_at = SIZE_MAX, destroy_at = SIZE_MAX, dok;
	int host_ns = 0, nstatus = 0, remote_ns = 0;
	uint8_t status[8];
	struct msg m;

	rpmsg_pair_default_config(&cfg);
	cfg.dfeatures = F_NS | F_EI;
	cfg.host_features = F_NS | F_EI;
	REQUIRE(pair_init_traced(&p, &cfg) == 0);
	REQUIRE(add_services(&p, &rept, 3) == 0);
	REQUIRE(rpmsg_pair_start(&p) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(svc.probed, 1);
	CHECK_EQ(svc.host_rx, 3);
	/* A host service with a fixed address: announced (NS-008). */
	REQUIRE(amp_rpmsg_channel_create(&p.hlink, "host-svc", HOST_SVC_ADDR, AMP_RPMSG_ADDR_ANY,
					 &hch) == 0);
	CHECK(rpmsg_pair_pump(&p, 100) >= 0);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-svc", HOST_SVC_ADDR) != NULL);

	/* Stop. */
	trace_reset();
	amp_rpmsg_link_stop(&p.hlink);
	for (size_t i = 0; i < tr.n; i++) {
		if (is_store(&tr.ev[i], HOST, AMP_VDEV_OFF_STATUS, 1)) {
			CHECK_EQ(tr.ev[i].bytes[0], 0);
			if (reset_at == SIZE_MAX)
				reset_at = i;
		}
		if (header_at(i, AMP_RPMSG_BUF_SIZE, &m) && m.dst == AMP_RPMSG_NS_ADDR) {
			CHECK_EQ(m.side, HOST);
			host_ns++;
			destroy_at = i;
			check_ns_message(&m, "host-svc", HOST_SVC_ADDR, AMP_RPMSG_NS_DESTROY,
					 __LINE__);
		}
	}
	REQUIRE(reset_at != SIZE_MAX);
	CHECK_EQ(host_ns, 1);
	CHECK(destroy_at < reset_at);
	CHECK_EQ(svc.removed, 1); /* the remote's service went away with the link */
	CHECK(!amp_rpmsg_link_is_up(&p.hlink));

	/* The remote sees the reset at its next poll and then stays silent (INIT-007). */
	CHECK_EQ(amp_rpmsg_link_poll(&p.rlink), 0);
	CHECK(!amp_rpmsg_link_is_up(&p.rlink));
	for (int i = 0; i < 3; i++)
		CHECK_EQ(amp_rpmsg_link_poll(&p.rlink), 0);
	for (size_t i = reset_at; i < tr.n; i++) {
		if (tr.ev[i].side == REMOTE && tr.ev[i].type != EV_BARRIER)
			ev_fail(i, "remote store or kick after the reset (INIT-007)", __LINE__);
	}
	/* The remote did not withdraw anything itself: it was reset, not stopped. */
	CHECK_EQ(count_ns_messages(REMOTE, AMP_RPMSG_BUF_SIZE), 0);

	/* Restart. */
	trace_reset();
	svc.host_rx = 0;
	svc.remote_rx = 0;
	REQUIRE(amp_rpmsg_link_start(&p.hlink) == 0);
	CHECK_EQ(tr.avail_at_driver_ok, 256);
	for (size_t i = 0; i < tr.n; i++) {
		if (is_store(&tr.ev[i], HOST, AMP_VDEV_OFF_STATUS, 1) && nstatus < 8)
			status[nstatus++] = tr.ev[i].bytes[0];
	}
	CHECK_EQ(nstatus, 4);
	CHECK(!memcmp(status, want_status, sizeof(want_status)));
	dok = find_driver_ok(0);
	/* Up at the first poll, which already takes the host's CREATE for host-svc. */
	CHECK_EQ(amp_rpmsg_link_poll(&p.rlink), 1);
	CHECK(amp_rpmsg_link_is_up(&p.rlink));
	CHECK(rpmsg_pair_pump(&p, 100) > 0);
	CHECK_EQ(tr.lost, 0);

	/* Both announcements again, each once. */
	for (size_t i = 0; i < tr.n; i++) {
		if (!header_at(i, AMP_RPMSG_BUF_SIZE, &m) || m.dst != AMP_RPMSG_NS_ADDR)
			continue;
		if (m.side == REMOTE) {
			remote_ns++;
			check_ns_message(&m, "svc-remote", 1024, AMP_RPMSG_NS_CREATE, __LINE__);
		} else {
			check_ns_message(&m, "host-svc", HOST_SVC_ADDR, AMP_RPMSG_NS_CREATE,
					 __LINE__);
		}
		CHECK(i > dok);
	}
	CHECK_EQ(remote_ns, 1);
	CHECK_EQ(count_ns_messages(HOST, AMP_RPMSG_BUF_SIZE), 1);
	CHECK(amp_rpmsg_channel_find(&p.rlink, "host-svc", HOST_SVC_ADDR) != NULL);

	/* Indices restarted: the remote's first used.idx on each ring is 1 (INIT-007). */
	CHECK_EQ(first_used_idx_store(0, 0), 1);
	CHECK_EQ(first_used_idx_store(1, 0), 1);

	/* The service works again. */
	CHECK_EQ(svc.probed, 2);
	CHECK_EQ(svc.host_rx, 3);
	CHECK_EQ(svc.remote_rx, 3);
	amp_rpmsg_link_stop(&p.hlink);
	rpmsg_pair_fini(&p);
}

/* ---------------------------------------------------------------- EVENT_IDX */

/*
 * Ping-pong driven by kicks alone, with and without EVENT_IDX, on 16-entry rings, long enough
 * for the 16-bit ring indices to wrap. With EVENT_IDX each side publishes its event index
 * (FEAT-002: the device writes avail_event, the driver used_event).
 */
static void run_kick_driven(uint32_t features, int round_trips)
{
	static struct rpmsg_pair p;
	struct rpmsg_pair_config cfg;
	struct amp_rpmsg_endpoint rept;
	struct amp_rpmsg_buffer_counts c;
	bool ei = features & F_EI;
	int avail_event = 0, used_event = 0;
	size_t off_avail_event, off_used_event;

	rpmsg_pair_default_config(&cfg);
	cfg.num0 = 16;
	cfg.num1 = 16;
	cfg.dfeatures = features;
	cfg.host_features = features;
	REQUIRE(pair_init_traced(&p, &cfg) == 0);
	REQUIRE(add_services(&p, &rept, round_trips) == 0);
	REQUIRE(amp_rpmsg_link_start(&p.hlink) == 0);
	/* The host's start kick is what gets the remote going. */
	CHECK(tr.kicked[REMOTE]);
	run_kicked(&p, 100);
	CHECK(amp_rpmsg_link_is_up(&p.rlink));
	CHECK_EQ(amp_rpmsg_link_features(&p.hlink), features);
	CHECK_EQ(amp_rpmsg_link_features(&p.rlink), features);

	/* The first few exchanges are traced; the long run only counts. */
	off_avail_event = ring_off(1, ring_layout(1).avail_event);
	off_used_event = ring_off(0, ring_layout(0).used_event);
	for (size_t i = 0; i < tr.n; i++) {
		avail_event += is_store(&tr.ev[i], REMOTE, off_avail_event, 2);
		used_event += is_store(&tr.ev[i], HOST, off_used_event, 2);
	}
	if (ei) {
		CHECK(avail_event > 0);
		CHECK(used_event > 0);
	} else {
		CHECK_EQ(avail_event + used_event, 0);
	}
	tr.record = false;
	run_kicked(&p, 10L * round_trips + 100);
	CHECK_EQ(svc.probed, 1);
	CHECK_EQ(svc.host_rx, round_trips);
	CHECK_EQ(svc.remote_rx, round_trips);
	CHECK(!tr.kicked[HOST] && !tr.kicked[REMOTE]);
	amp_rpmsg_link_buffers(&p.hlink, &c);
	CHECK_EQ(c.rx_with_peer + c.rx_held, 16);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, 16);
	amp_rpmsg_link_buffers(&p.rlink, &c);
	CHECK_EQ(c.total, c.rx_held + c.tx_reserved + c.tx_free);
	rpmsg_pair_fini(&p);
}

static void test_event_idx_end_to_end(void)
{
	run_kick_driven((uint32_t)(F_NS | F_EI), 70000);
}

static void test_no_event_idx_end_to_end(void)
{
	run_kick_driven((uint32_t)F_NS, 2000);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_bringup_le),
		TEST(test_bringup_be),
		TEST(test_bringup_num64),
		TEST(test_bringup_num512),
		TEST(test_features_masked),
		TEST(test_no_ns_feature),
		TEST(test_stop_restart),
		TEST(test_event_idx_end_to_end),
		TEST(test_no_event_idx_end_to_end),
	};

	if (!amp_io_hooks_available()) {
		fprintf(stderr,
			"built against the plain library: these tests need ampref_hooked\n");
		return 1;
	}
	return run_tests(tests, ARRAY_SIZE(tests));
}
