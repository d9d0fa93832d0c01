// SPDX-License-Identifier: BSD-3-Clause
/*
 * A conformance session (ampconf/conform.h): the window, the peer (the hooked reference), the
 * IUT behind its proxy, the trace both feed, and the scenario's steps.
 *
 * The window: the device block at offset 0, vring0 and vring1 each on their own pages after
 * it, then the driver's buffer pool (receive buffers, then transmit buffers, as many as each
 * ring has entries, at most 256 - Linux's split). It is a memfd mapping, so the IUT's process
 * shares it and write-protects its own view to see the IUT's stores.
 *
 * The trace: initiator 0 is the driver (kind host), 1 the device (kind core), named "peer" and
 * "iut" as they are cast; region 0 the window at its device address (both initiators see it
 * there), region 1 a mailbox whose FIFO 0 carries the driver's kicks and FIFO 1 the device's,
 * each message the notify id.
 *
 * Simulated time: a round is a poll period of ROUND_PS, and every event 1 ns after the one
 * before it in its round (the rules judge order, not time; the clock is for waiting). The link
 * is idle after QUIET_ROUNDS rounds of nothing: an IUT that works only every few polls - a
 * main loop that batches, a timer - has that long to react before an expectation fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "amp/addr.h"
#include "amp/error.h"
#include "amp/io.h"
#include "amp/rpmsg.h"
#include "amp/vdev.h"
#include "amp/virtio.h"
#include "amp/vring.h"
#include "ampconf/conform.h"
#include "ampconf/iut.h"
#include "amptrace/check.h"
#include "amptrace/trace.h"
#include "iut_proxy.h"

#define SHM_DA        0x90000000ull /* the window's device address (and trace address) */
#define MBOX_BASE     0x4a0f4000ull /* the kick mailbox's trace address */
#define VDEV_NOTIFYID 2u
#define MAX_EPTS      16u
/* Expected messages in flight per endpoint: a burst fills at most a 32768-entry ring. */
#define MAX_PENDING 32768u
/* A round: one poll of each side, 10 us of simulated time (a remote's main loop period). */
#define ROUND_PS 10000000ull
/* Rounds without an event or a poll that did work before the link counts as idle: 200 us of
 * simulated time. */
#define QUIET_ROUNDS 20u
/* Rounds a step may take before the link counts as never idle (a livelock: two sides kicking
 * each other forever): 10 s of simulated time, against a 65 536-message burst that needs a
 * few hundred. */
#define MAX_ROUNDS 1000000u
/* Rounds a blocked sender waits for a transmit buffer to come back. */
#define SEND_PATIENCE 1000u
#define FIFO_DRIVER   0u
#define FIFO_DEVICE   1u

/**
 * struct conform_ept - one endpoint a step opened
 * @label: the scenario's name for it
 * @in_use: the slot holds an open endpoint
 * @addr: its bound address
 * @handle: the IUT's handle (IUT endpoints)
 * @ept: the reference's endpoint (peer endpoints)
 * @received: messages it received
 * @expect: seeds of the messages sent to it and not received yet, oldest first (ring)
 * @expect_len: their lengths
 * @expect_src: their sources
 * @expect_data: their payloads when a step gave them (NULL: made from the seed)
 * @head: oldest entry of @expect
 * @pending: entries of @expect
 */
struct conform_ept {
	char label[AMPCONF_NAME_SIZE];
	bool in_use;
	uint32_t addr;
	int handle;
	struct amp_rpmsg_endpoint ept;
	uint64_t received;
	uint32_t *expect;
	uint32_t *expect_len;
	uint32_t *expect_src;
	const uint8_t **expect_data;
	uint32_t head, pending;
};

/**
 * struct conform_side - the peer or the IUT
 * @ept: its endpoints
 * @kicks: notify ids kicked at it and not delivered yet (ring)
 * @kick_head: oldest of @kicks
 * @nkicks: entries of @kicks
 * @held: a hold step stopped it
 * @initiator: its trace initiator (0 driver, 1 device)
 * @services: the name-service records it saw, as "name\n" lines of created services
 */
struct conform_side {
	struct conform_ept ept[MAX_EPTS];
	uint32_t kicks[1024];
	unsigned int kick_head, nkicks;
	bool held;
	unsigned int initiator;
	char services[2048];
};

/**
 * struct session - one scenario run
 * @opt: the options
 * @sc: the scenario
 * @res: the result being filled
 * @shm: the window
 * @shm_size: its bytes
 * @link: the layout given to both sides
 * @side: peer ([AMPCONF_PEER]) and IUT ([AMPCONF_IUT])
 * @proxy: the IUT's process
 * @node: the peer's rpmsg node
 * @plink: the peer's link
 * @work: the peer's link bookkeeping
 * @channels: the peer's channel pool
 * @region: the peer's address map region
 * @table: its region table
 * @io: the peer's shared-memory access (hooked: every store and barrier is traced)
 * @trace_file: the trace's stream
 * @log: the IUT's diagnostics (NAME.log beside a kept trace), or NULL
 * @writer: the trace
 * @now_ps: the time of the next event
 * @activity: stores and mailbox events recorded (what the other side can see); rounds compare
 *	it before and after
 * @seed: the next message's payload seed
 * @payload: a message being built
 * @broken: a step broke (the reason is in @res)
 */
struct session {
	const struct ampconf_options *opt;
	const struct ampconf_scenario *sc;
	struct ampconf_result *res;
	uint8_t *shm;
	size_t shm_size;
	struct ampconf_link link;
	struct conform_side side[2];
	struct iut_proxy proxy;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link plink;
	void *work;
	struct amp_rpmsg_channel channels[MAX_EPTS];
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_io io;
	FILE *trace_file;
	FILE *log;
	struct amptrace_writer writer;
	uint64_t now_ps;
	uint64_t activity;
	uint32_t seed;
	uint8_t payload[65536];
	bool broken;
};

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Break the session at the current step, once (the first reason is the one that counts). */
__attribute__((format(printf, 3, 4))) static int breaks(struct session *s, enum ampconf_outcome how,
							const char *fmt, ...)
{
	va_list ap;

	if (s->broken)
		return -1;
	s->broken = true;
	s->res->outcome = how;
	va_start(ap, fmt);
	vsnprintf(s->res->reason, sizeof(s->res->reason), fmt, ap);
	va_end(ap);
	return -1;
}

static int crashed(struct session *s)
{
	return breaks(s, AMPCONF_CRASHED, "%s", s->proxy.error);
}

/* Record one event and judge it; a trace that cannot be written is the harness's error. */
static void record(struct session *s, struct amptrace_event *ev)
{
	ev->time_ps = s->now_ps;
	ev->seq = s->res->events;
	s->now_ps += 1000;
	if (amptrace_write(&s->writer, ev)) {
		breaks(s, AMPCONF_ERROR, "trace: %s", s->writer.error);
		return;
	}
	if (ampcheck_event(s->res->check, &s->writer.table, ev))
		breaks(s, AMPCONF_ERROR, "checker: %s", ampcheck_error(s->res->check));
	s->res->events++;
	/* A barrier alone changes nothing the other side could see: an IUT that fences in every
	 * poll is idle all the same. */
	if (ev->kind != AMPTRACE_BARRIER)
		s->activity++;
}

static void record_store(struct session *s, unsigned int initiator, uint64_t offset,
			 const uint8_t *bytes, uint32_t len)
{
	struct amptrace_event ev = {
		.kind = AMPTRACE_STORE,
		.initiator = (uint16_t)initiator,
		.region = 0,
		.addr = SHM_DA + offset,
		.bytes = bytes,
	};

	/* A trace store holds at most 64 KiB; larger copies are several. */
	while (len) {
		ev.size = len < AMPTRACE_MAX_STORE ? len : AMPTRACE_MAX_STORE;
		record(s, &ev);
		ev.addr += ev.size;
		ev.bytes += ev.size;
		len -= ev.size;
	}
}

static void record_barrier(struct session *s, unsigned int initiator, unsigned int kind)
{
	struct amptrace_event ev = {
		.kind = AMPTRACE_BARRIER,
		.initiator = (uint16_t)initiator,
		.barrier = (uint8_t)kind,
	};

	record(s, &ev);
}

static void record_mbox(struct session *s, enum amptrace_kind kind, unsigned int initiator,
			unsigned int fifo, uint32_t value)
{
	struct amptrace_event ev = {
		.kind = kind,
		.initiator = (uint16_t)initiator,
		.region = 1,
		.fifo = (uint8_t)fifo,
		.value = value,
	};

	record(s, &ev);
}

/* @from kicked: the mailbox message goes out now and reaches the other side in its round. */
static void kick(struct session *s, unsigned int from, uint32_t notifyid)
{
	struct conform_side *to = &s->side[!from];
	unsigned int fifo = s->side[from].initiator == 0 ? FIFO_DRIVER : FIFO_DEVICE;

	record_mbox(s, AMPTRACE_MBOX_WRITE, s->side[from].initiator, fifo, notifyid);
	if (to->nkicks == sizeof(to->kicks) / sizeof(to->kicks[0])) {
		breaks(s, AMPCONF_BROKEN, "%s kicked more than %zu times without being answered",
		       from == AMPCONF_IUT ? "the IUT" : "the peer",
		       sizeof(to->kicks) / sizeof(to->kicks[0]));
		return;
	}
	to->kicks[(to->kick_head + to->nkicks++) % (sizeof(to->kicks) / sizeof(to->kicks[0]))] =
		notifyid;
}

static uint32_t take_kick(struct session *s, unsigned int who)
{
	struct conform_side *me = &s->side[who];
	uint32_t id = me->kicks[me->kick_head];
	unsigned int fifo = me->initiator == 0 ? FIFO_DEVICE : FIFO_DRIVER;

	me->kick_head = (me->kick_head + 1) % (sizeof(me->kicks) / sizeof(me->kicks[0]));
	me->nkicks--;
	record_mbox(s, AMPTRACE_MBOX_READ, me->initiator, fifo, id);
	return id;
}

/* --- the messages the scenario sends, checked where they arrive ------------------------- */

static void fill_payload(uint8_t *p, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 37u);
}

static struct conform_ept *find_ept(struct session *s, unsigned int who, const char *label)
{
	for (unsigned int i = 0; i < MAX_EPTS; i++)
		if (s->side[who].ept[i].in_use && !strcmp(s->side[who].ept[i].label, label))
			return &s->side[who].ept[i];
	return NULL;
}

static struct conform_ept *ept_by_handle(struct session *s, unsigned int who, int handle)
{
	for (unsigned int i = 0; i < MAX_EPTS; i++)
		if (s->side[who].ept[i].in_use && s->side[who].ept[i].handle == handle)
			return &s->side[who].ept[i];
	return NULL;
}

static void expect_message(struct conform_ept *e, uint32_t seed, const uint8_t *data, uint32_t len,
			   uint32_t src)
{
	uint32_t at;

	if (e->pending == MAX_PENDING) { /* never: a ring holds fewer; drop the oldest */
		e->head = (e->head + 1) % MAX_PENDING;
		e->pending--;
	}
	at = (e->head + e->pending++) % MAX_PENDING;
	e->expect[at] = seed;
	e->expect_len[at] = len;
	e->expect_src[at] = src;
	e->expect_data[at] = data;
}

/* A message reached endpoint @e of side @who: it must be the oldest one sent to it. */
static void arrived(struct session *s, unsigned int who, struct conform_ept *e, uint32_t src,
		    const uint8_t *data, uint32_t len)
{
	const char *name = who == AMPCONF_IUT ? "the IUT" : "the peer";
	const uint8_t *want;
	uint32_t seed, want_len, want_src;

	if (!e->pending) {
		breaks(s, AMPCONF_BROKEN,
		       "%s's endpoint '%s' received a message nobody sent it (%u bytes from %u)",
		       name, e->label, len, src);
		return;
	}
	seed = e->expect[e->head];
	want_len = e->expect_len[e->head];
	want_src = e->expect_src[e->head];
	want = e->expect_data[e->head];
	e->head = (e->head + 1) % MAX_PENDING;
	e->pending--;
	e->received++;
	if (!want) {
		fill_payload(s->payload, want_len, seed);
		want = s->payload;
	}
	if (len != want_len || src != want_src || (len && memcmp(data, want, len)))
		breaks(s, AMPCONF_BROKEN,
		       "%s's endpoint '%s' received message %llu wrong: %u bytes from %u, sent "
		       "were %u bytes from %u%s",
		       name, e->label, (unsigned long long)e->received, len, src, want_len,
		       want_src,
		       len == want_len && src == want_src ? " (the payload differs)" : "");
	else
		s->res->messages++;
}

static void note_service(struct session *s, unsigned int who, const char *name, bool created)
{
	struct conform_side *me = &s->side[who];
	char line[AMPCONF_NAME_SIZE + 2];
	char *at;

	snprintf(line, sizeof(line), "%s\n", name);
	at = strstr(me->services, line);
	while (at && at != me->services && at[-1] != '\n')
		at = strstr(at + 1, line);
	if (created && !at && strlen(me->services) + strlen(line) < sizeof(me->services))
		strcat(me->services, line);
	else if (!created && at)
		memmove(at, at + strlen(line), strlen(at + strlen(line)) + 1);
}

static bool has_service(const struct conform_side *me, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = me->services; *p; p = strchr(p, '\n') + 1)
		if (!strncmp(p, name, n) && p[n] == '\n')
			return true;
	return false;
}

/* --- the peer: the reference, hooked ---------------------------------------------------- */

static void peer_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	struct session *s = ctx;
	uint8_t *d = (uint8_t *)(uintptr_t)dst;

	amp_io_native_write(dst, src, len);
	if (d >= s->shm && d + len <= s->shm + s->shm_size)
		record_store(s, s->side[AMPCONF_PEER].initiator, (uint64_t)(d - s->shm), d,
			     (uint32_t)len);
}

static void peer_barrier(void *ctx, enum amp_barrier kind)
{
	struct session *s = ctx;

	amp_io_native_barrier(kind);
	record_barrier(s, s->side[AMPCONF_PEER].initiator, (unsigned int)kind);
}

static const struct amp_io_ops peer_io_ops = {
	.write = peer_write,
	.barrier = peer_barrier,
};

static void peer_notify(void *ctx, uint32_t notifyid)
{
	kick(ctx, AMPCONF_PEER, notifyid);
}

static int peer_received(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
			 void *priv)
{
	struct session *s = priv;

	for (unsigned int i = 0; i < MAX_EPTS; i++) {
		struct conform_ept *e = &s->side[AMPCONF_PEER].ept[i];

		if (e->in_use && &e->ept == ept) {
			arrived(s, AMPCONF_PEER, e, src, data, (uint32_t)len);
			break;
		}
	}
	return 0;
}

static void peer_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		       uint32_t b)
{
	struct session *s = ctx;
	struct amp_rpmsg_channel *ch;

	(void)b;
	if (ev != AMP_RPMSG_EV_CHANNEL_CREATED && ev != AMP_RPMSG_EV_CHANNEL_DESTROYED)
		return;
	ch = amp_rpmsg_channel_find(link, NULL, a);
	if (ch)
		note_service(s, AMPCONF_PEER, amp_rpmsg_channel_name(ch),
			     ev == AMP_RPMSG_EV_CHANNEL_CREATED);
}

static const struct amp_rpmsg_platform_ops peer_platform = {
	.event = peer_event,
};

static int peer_init(struct session *s)
{
	unsigned int role = s->opt->role == AMPCONF_DRIVER ? AMPCONF_DEVICE : AMPCONF_DRIVER;
	uint32_t max_num = s->sc->num[0] > s->sc->num[1] ? s->sc->num[0] : s->sc->num[1];
	size_t work_size = AMP_RPMSG_LINK_WORK_SIZE(max_num);
	struct amp_rpmsg_link_config cfg = {
		.role = role == AMPCONF_DRIVER ? AMP_RPMSG_DRIVER : AMP_RPMSG_DEVICE,
		.vdev = s->shm + s->link.vdev_offset,
		.io = s->io,
		.features = s->sc->features,
		.work_size = work_size,
		.channels = s->channels,
		.channel_count = MAX_EPTS,
		.notify = peer_notify,
		.notify_ctx = s,
	};

	s->work = aligned_alloc(64, align_up(work_size, 64));
	if (!s->work)
		return breaks(s, AMPCONF_ERROR, "no memory for the peer");
	cfg.work = s->work;
	s->region = (struct amp_mem_region){.da = SHM_DA, .va = s->shm, .size = s->shm_size};
	s->table = (struct amp_region_table){.regions = &s->region, .count = 1};
	cfg.addr = amp_addr_map_regions(&s->table);
	if (role == AMPCONF_DRIVER) {
		for (unsigned int k = 0; k < 2; k++) {
			cfg.ring[k] = s->shm + s->link.vring_offset[k];
			cfg.ring_size[k] = amp_vring_size(s->link.num[k], s->link.align);
		}
		cfg.pool = s->shm + s->link.pool_offset;
		cfg.pool_size = s->link.pool_size;
		cfg.rx_buf_size = cfg.tx_buf_size = s->link.buf_size;
	} else {
		struct amp_vdev_vring_info vr[2];

		for (unsigned int k = 0; k < 2; k++)
			vr[k] = (struct amp_vdev_vring_info){
				.da = (uint32_t)(SHM_DA + s->link.vring_offset[k]),
				.align = s->link.align,
				.num = s->link.num[k],
				.notifyid = s->link.notifyid[k],
			};
		amp_vdev_block_init(&s->io, cfg.vdev, VDEV_NOTIFYID, s->sc->features, vr);
	}
	amp_rpmsg_node_init(&s->node, &peer_platform, s);
	if (amp_rpmsg_link_init(&s->plink, &s->node, &cfg))
		return breaks(s, AMPCONF_ERROR, "the peer refused the scenario's link");
	return 0;
}

/* --- the IUT: its process's doings, into the trace ------------------------------------- */

static void iut_store(void *ctx, uint64_t offset, const uint8_t *bytes, uint32_t len)
{
	struct session *s = ctx;

	record_store(s, s->side[AMPCONF_IUT].initiator, offset, bytes, len);
}

static void iut_barrier(void *ctx, uint32_t kind)
{
	struct session *s = ctx;

	if (kind > AMPTRACE_BARRIER_FULL) {
		breaks(s, AMPCONF_BROKEN,
		       "the IUT reported a barrier of kind %u (0 write, 1 read, 2 full)", kind);
		return;
	}
	record_barrier(s, s->side[AMPCONF_IUT].initiator, kind);
}

static void iut_notify(void *ctx, uint32_t notifyid)
{
	kick(ctx, AMPCONF_IUT, notifyid);
}

static void iut_received(void *ctx, int32_t handle, uint32_t src, const uint8_t *data, uint32_t len)
{
	struct session *s = ctx;
	struct conform_ept *e = ept_by_handle(s, AMPCONF_IUT, handle);

	if (!e) {
		breaks(s, AMPCONF_BROKEN,
		       "the IUT delivered a message to endpoint handle %d, "
		       "which it never returned from open()",
		       handle);
		return;
	}
	arrived(s, AMPCONF_IUT, e, src, data, len);
}

static void iut_service(void *ctx, const char *name, uint32_t addr, bool created)
{
	(void)addr;
	note_service(ctx, AMPCONF_IUT, name, created);
}

/* The IUT's diagnostics go next to the session's trace, when it is kept. */
static void iut_log(void *ctx, const char *text)
{
	struct session *s = ctx;

	if (s->log)
		fprintf(s->log, "#%llu %s\n", (unsigned long long)s->res->events, text);
}

static void iut_misuse(void *ctx, const char *text)
{
	breaks(ctx, AMPCONF_BROKEN, "the IUT called the harness wrongly: %s", text);
}

static const struct iut_sink iut_sink_ops = {
	.store = iut_store,
	.barrier = iut_barrier,
	.notify = iut_notify,
	.received = iut_received,
	.service = iut_service,
	.log = iut_log,
	.misuse = iut_misuse,
};

/* Run an operation in the IUT; -1 when its process failed (the session is crashed). */
static int iut_call(struct session *s, uint32_t type, const void *a, size_t alen, const void *b,
		    size_t blen, int *ret, uint32_t *bound)
{
	if (iut_proxy_call(&s->proxy, type, a, alen, b, blen, ret, bound))
		return crashed(s);
	return s->broken ? -1 : 0;
}

/* --- rounds ------------------------------------------------------------------------------ */

/*
 * Each side takes the kicks sent to it and is polled; true when either made a store or a kick.
 * What a poll returns is the IUT's claim; the stores and kicks are what the other side sees.
 */
static bool round_once(struct session *s)
{
	uint64_t before = s->activity;
	int ret;

	if (!s->side[AMPCONF_IUT].held) {
		while (s->side[AMPCONF_IUT].nkicks && !s->broken) {
			uint32_t id = take_kick(s, AMPCONF_IUT);

			if (iut_call(s, IUT_CMD_KICK, &id, sizeof(id), NULL, 0, &ret, NULL))
				return false;
		}
		if (s->broken || iut_call(s, IUT_CMD_POLL, NULL, 0, NULL, 0, &ret, NULL))
			return false;
		if (ret < 0 && s->log)
			fprintf(s->log, "#%llu poll() returned %d\n",
				(unsigned long long)s->res->events, ret);
	}
	if (!s->side[AMPCONF_PEER].held) {
		while (s->side[AMPCONF_PEER].nkicks)
			take_kick(s, AMPCONF_PEER);
		amp_rpmsg_link_poll(&s->plink);
	}
	s->now_ps = (s->now_ps / ROUND_PS + 1) * ROUND_PS;
	return !s->broken && s->activity != before;
}

/* Rounds until the link is idle. */
static int settle(struct session *s)
{
	unsigned int idle = 0;

	for (uint32_t n = 0; n < MAX_ROUNDS && !s->broken; n++) {
		idle = round_once(s) ? 0 : idle + 1;
		if (idle == QUIET_ROUNDS)
			return 0;
	}
	if (s->broken)
		return -1;
	return breaks(s, AMPCONF_BROKEN,
		      "the link never became idle (%u rounds: the two sides "
		      "keep each other busy)",
		      MAX_ROUNDS);
}

/* --- steps ------------------------------------------------------------------------------- */

static struct conform_ept *free_ept(struct session *s, unsigned int who)
{
	for (unsigned int i = 0; i < MAX_EPTS; i++)
		if (!s->side[who].ept[i].in_use)
			return &s->side[who].ept[i];
	return NULL;
}

static int do_open(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = free_ept(s, st->actor);
	int ret;

	if (!e)
		return breaks(s, AMPCONF_ERROR, "more than %u endpoints open", MAX_EPTS);
	memset(e->label, 0, sizeof(e->label));
	snprintf(e->label, sizeof(e->label), "%s", st->ept);
	e->received = 0;
	e->head = e->pending = 0;
	if (st->actor == AMPCONF_IUT) {
		struct iut_wire_open o = {
			.addr = st->addr, .dst = AMPCONF_ADDR_ANY, .announce = st->announce};

		snprintf(o.name, sizeof(o.name), "%s", st->name);
		if (iut_call(s, IUT_CMD_OPEN, &o, sizeof(o), NULL, 0, &ret, &e->addr))
			return -1;
		if (ret < 0)
			return breaks(s, AMPCONF_BROKEN, "the IUT's open('%s') failed: %d%s%s",
				      st->name, ret, s->proxy.error[0] ? ": " : "", s->proxy.error);
		e->handle = ret;
	} else {
		struct amp_rpmsg_endpoint_config c = {
			.name = st->name,
			.addr = st->addr,
			.dst = AMP_RPMSG_ADDR_ANY,
			.cb = peer_received,
			.priv = s,
			.announce = st->announce,
		};

		ret = amp_rpmsg_endpoint_create(&e->ept, &s->plink, &c);
		if (ret)
			return breaks(s, AMPCONF_ERROR, "the peer could not open '%s': %d", st->ept,
				      ret);
		e->addr = amp_rpmsg_endpoint_addr(&e->ept);
	}
	e->in_use = true;
	return settle(s);
}

static int do_close(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = find_ept(s, st->actor, st->ept);
	int ret = 0;

	if (!e)
		return breaks(s, AMPCONF_ERROR, "no endpoint '%s'", st->ept);
	if (st->actor == AMPCONF_IUT) {
		if (iut_call(s, IUT_CMD_CLOSE, &e->handle, sizeof(int32_t), NULL, 0, &ret, NULL))
			return -1;
	} else {
		amp_rpmsg_endpoint_destroy(&e->ept);
	}
	e->in_use = false;
	if (ret < 0)
		return breaks(s, AMPCONF_BROKEN, "the IUT's close('%s') failed: %d", st->ept, ret);
	return settle(s);
}

/*
 * One message from @e (side @who) to @dst: @data, or made from the next seed when NULL; 0 sent,
 * 1 no buffer free now, -1 broken.
 */
static int send_one(struct session *s, unsigned int who, struct conform_ept *e, uint32_t dst,
		    struct conform_ept *to, const uint8_t *data, uint32_t len)
{
	uint32_t seed = s->seed;
	const uint8_t *bytes = data;
	int ret;

	if (!data) {
		fill_payload(s->payload, len, seed);
		bytes = s->payload;
	}
	if (who == AMPCONF_IUT) {
		struct iut_wire_send m = {.ept = e->handle, .dst = dst};

		if (iut_call(s, IUT_CMD_SEND, &m, sizeof(m), bytes, len, &ret, NULL))
			return -1;
		if (ret == -EAGAIN)
			return 1;
	} else {
		ret = amp_rpmsg_trysendto(&e->ept, bytes, len, dst);
		if (ret == -AMP_ENOMEM)
			return 1;
	}
	if (ret < 0)
		return breaks(s, who == AMPCONF_IUT ? AMPCONF_BROKEN : AMPCONF_ERROR,
			      "%s could not send %u bytes from '%s' to %u: %d%s%s",
			      who == AMPCONF_IUT ? "the IUT" : "the peer", len, e->label, dst, ret,
			      who == AMPCONF_IUT && s->proxy.error[0] ? ": " : "",
			      who == AMPCONF_IUT ? s->proxy.error : "");
	s->seed++;
	if (to)
		expect_message(to, seed, data, len, e->addr);
	return 0;
}

static uint32_t payload_size(const struct session *s, uint32_t size)
{
	return size == AMPCONF_SIZE_MAX ? s->link.buf_size - AMP_RPMSG_HDR_SIZE : size;
}

static int do_send(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = find_ept(s, st->actor, st->ept);
	struct conform_ept *to = st->to[0] ? find_ept(s, !st->actor, st->to) : NULL;
	uint32_t dst = to ? to->addr : st->to_addr, len = payload_size(s, st->size);

	if (!e || (st->to[0] && !to))
		return breaks(s, AMPCONF_ERROR, "endpoint '%s' or '%s' not open", st->ept, st->to);
	for (uint32_t n = 0; n < st->count && !s->broken; n++) {
		unsigned int waited = 0;
		int r;

		while ((r = send_one(s, st->actor, e, dst, to, st->payload, len)) == 1) {
			if (st->until_full)
				return 0;
			if (++waited > SEND_PATIENCE)
				return breaks(s, AMPCONF_BROKEN,
					      "%s found no transmit buffer for message %u of %u "
					      "after %u rounds (buffers not returned?)",
					      st->actor == AMPCONF_IUT ? "the IUT" : "the peer",
					      n + 1, st->count, SEND_PATIENCE);
			round_once(s);
		}
		if (r < 0)
			return -1;
	}
	return settle(s);
}

static int do_expect(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = find_ept(s, st->actor, st->ept);

	if (!e)
		return breaks(s, AMPCONF_ERROR, "no endpoint '%s'", st->ept);
	if (settle(s))
		return -1;
	if (!st->count && e->pending)
		return breaks(s, AMPCONF_BROKEN,
			      "%s's endpoint '%s' received %llu messages; %u more "
			      "were sent to it",
			      st->actor == AMPCONF_IUT ? "the IUT" : "the peer", st->ept,
			      (unsigned long long)e->received, e->pending);
	if (st->count && e->received != st->count)
		return breaks(s, AMPCONF_BROKEN,
			      "%s's endpoint '%s' received %llu messages, %u "
			      "expected",
			      st->actor == AMPCONF_IUT ? "the IUT" : "the peer", st->ept,
			      (unsigned long long)e->received, st->count);
	return 0;
}

static int do_pingpong(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = find_ept(s, st->actor, st->ept);
	struct conform_ept *to = find_ept(s, !st->actor, st->to);
	uint32_t len = payload_size(s, st->size);

	if (!e || !to)
		return breaks(s, AMPCONF_ERROR, "endpoint '%s' or '%s' not open", st->ept, st->to);
	for (uint32_t n = 0; n < st->count && !s->broken; n++) {
		uint64_t there = to->received + 1, back = e->received + 1;

		if (send_one(s, st->actor, e, to->addr, to, NULL, len) || settle(s))
			return breaks(s, AMPCONF_BROKEN, "ping %u of %u could not be sent", n + 1,
				      st->count);
		if (to->received != there)
			return breaks(s, AMPCONF_BROKEN, "ping %u of %u did not arrive", n + 1,
				      st->count);
		if (send_one(s, !st->actor, to, e->addr, e, NULL, len) || settle(s))
			return breaks(s, AMPCONF_BROKEN, "pong %u of %u could not be sent", n + 1,
				      st->count);
		if (e->received != back)
			return breaks(s, AMPCONF_BROKEN, "pong %u of %u did not arrive", n + 1,
				      st->count);
	}
	return 0;
}

static int do_start(struct session *s)
{
	int ret = 0;

	if (s->opt->role == AMPCONF_DRIVER) {
		if (s->proxy.hello.ops & IUT_HAS_START) {
			if (iut_call(s, IUT_CMD_START, NULL, 0, NULL, 0, &ret, NULL))
				return -1;
			if (ret < 0)
				return breaks(s, AMPCONF_BROKEN, "the IUT's start() failed: %d",
					      ret);
		}
	} else if ((ret = amp_rpmsg_link_start(&s->plink))) {
		return breaks(s, AMPCONF_ERROR, "the peer could not start the link: %d", ret);
	}
	if (settle(s))
		return -1;
	if (!amp_rpmsg_link_is_up(&s->plink))
		return breaks(s, AMPCONF_BROKEN,
			      "the link did not come up (the peer, as %s, is "
			      "not up)",
			      s->opt->role == AMPCONF_DRIVER ? "device" : "driver");
	return 0;
}

/* Messages in flight at a reset are lost on purpose: nobody expects them any more. */
static void forget_in_flight(struct session *s)
{
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < MAX_EPTS; i++)
			s->side[w].ept[i].head = s->side[w].ept[i].pending = 0;
}

/*
 * The driver resets the device as a host does when the remote crashed: status 0 first; the
 * device notices (a remoteproc device has no configuration interrupt: it polls) and the link
 * comes up again.
 */
static int do_reset(struct session *s)
{
	int ret = 0;

	forget_in_flight(s);
	if (s->opt->role == AMPCONF_DRIVER) {
		if (iut_call(s, IUT_CMD_RESET, NULL, 0, NULL, 0, &ret, NULL))
			return -1;
		if (ret < 0)
			return breaks(s, AMPCONF_BROKEN, "the IUT's reset() failed: %d", ret);
	} else {
		amp_rpmsg_link_stop(&s->plink);
	}
	if (settle(s))
		return -1;
	return do_start(s);
}

/* The step with its actor as peer or IUT (a scenario may name the driver or the device). */
static int do_step(struct session *s, const struct ampconf_step *step)
{
	struct ampconf_step resolved = *step;
	const struct ampconf_step *st = &resolved;

	if (step->actor == AMPCONF_BY_DRIVER || step->actor == AMPCONF_BY_DEVICE)
		resolved.actor =
			(step->actor == AMPCONF_BY_DRIVER) == (s->opt->role == AMPCONF_DRIVER)
				? AMPCONF_IUT
				: AMPCONF_PEER;
	switch (st->kind) {
	case AMPCONF_STEP_START:
		return do_start(s);
	case AMPCONF_STEP_OPEN:
		return do_open(s, st);
	case AMPCONF_STEP_CLOSE:
		return do_close(s, st);
	case AMPCONF_STEP_SEND:
		return do_send(s, st);
	case AMPCONF_STEP_EXPECT:
		return do_expect(s, st);
	case AMPCONF_STEP_SERVICE:
		if (settle(s))
			return -1;
		if (has_service(&s->side[st->actor], st->name) != st->created)
			return breaks(s, AMPCONF_BROKEN, "%s %s service '%s'",
				      st->actor == AMPCONF_IUT ? "the IUT" : "the peer",
				      st->created ? "was never told of" : "still knows", st->name);
		return 0;
	case AMPCONF_STEP_PINGPONG:
		return do_pingpong(s, st);
	case AMPCONF_STEP_RESET:
		return do_reset(s);
	case AMPCONF_STEP_HOLD:
	case AMPCONF_STEP_RELEASE:
		s->side[st->actor].held = st->kind == AMPCONF_STEP_HOLD;
		return st->kind == AMPCONF_STEP_HOLD ? 0 : settle(s);
	case AMPCONF_STEP_SETTLE:
		return settle(s);
	}
	return breaks(s, AMPCONF_ERROR, "unknown step kind %d", (int)st->kind);
}

/* --- the session ------------------------------------------------------------------------- */

static int layout(struct session *s)
{
	const struct ampconf_scenario *sc = s->sc;
	uint32_t bufs =
		(sc->num[0] < 256 ? sc->num[0] : 256) + (sc->num[1] < 256 ? sc->num[1] : 256);
	size_t off = 4096;

	s->link = (struct ampconf_link){
		.role = s->opt->role,
		.shm_da = SHM_DA,
		.vdev_offset = 0,
		.vdev_notifyid = VDEV_NOTIFYID,
		.features = sc->features,
		.num = {sc->num[0], sc->num[1]},
		.align = sc->align,
		.notifyid = {0, 1},
		.buf_size = sc->buf_size,
	};
	for (unsigned int k = 0; k < 2; k++) {
		size_t size = amp_vring_size(sc->num[k], sc->align);

		if (!size)
			return breaks(s, AMPCONF_ERROR, "vring%u: num %u, align %u unusable", k,
				      sc->num[k], sc->align);
		off = align_up(off, sc->align > 4096 ? sc->align : 4096);
		s->link.vring_offset[k] = off;
		off += size;
	}
	s->link.pool_offset = align_up(off, 4096);
	s->link.pool_size = (uint64_t)bufs * sc->buf_size;
	s->shm_size = align_up(s->link.pool_offset + s->link.pool_size, 4096);
	s->link.shm_size = s->shm_size;
	return 0;
}

static int open_trace(struct session *s)
{
	const char *names[2] = {"peer", "iut"};
	unsigned int driver = s->opt->role == AMPCONF_DRIVER ? AMPCONF_IUT : AMPCONF_PEER;
	struct amptrace_writer *w = &s->writer;

	s->side[driver].initiator = 0;
	s->side[!driver].initiator = 1;
	s->trace_file =
		s->opt->trace_path ? fopen(s->opt->trace_path, "wb") : fopen("/dev/null", "wb");
	if (!s->trace_file)
		return breaks(s, AMPCONF_ERROR, "%s: %s",
			      s->opt->trace_path ? s->opt->trace_path : "/dev/null",
			      strerror(errno));
	if (s->opt->trace_path) {
		char path[AMPCONF_PATH_SIZE];
		const char *dot = strrchr(s->opt->trace_path, '.');
		int stem = dot && !strchr(dot, '/') ? (int)(dot - s->opt->trace_path)
						    : (int)strlen(s->opt->trace_path);

		snprintf(path, sizeof(path), "%.*s.log", stem, s->opt->trace_path);
		s->log = fopen(path, "w");
	}
	if (amptrace_writer_open(w, s->trace_file, AMPTRACE_BINARY) ||
	    amptrace_define_initiator(w, 0, AMPTRACE_HOST, names[driver]) ||
	    amptrace_define_initiator(w, 1, AMPTRACE_CORE, names[!driver]) ||
	    amptrace_define_region(w, 0, "shm", SHM_DA, s->shm_size) ||
	    amptrace_define_region(w, 1, "mbox", MBOX_BASE, 0x1000) ||
	    amptrace_define_view(w, 0, 0, SHM_DA) || amptrace_define_view(w, 0, 1, SHM_DA) ||
	    amptrace_define_view(w, 1, 0, MBOX_BASE) || amptrace_define_view(w, 1, 1, MBOX_BASE))
		return breaks(s, AMPCONF_ERROR, "trace: %s", w->error);
	return 0;
}

static int open_window(struct session *s)
{
	int fd = memfd_create("ampconf-window", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)s->shm_size)) {
		if (fd >= 0)
			close(fd);
		return breaks(s, AMPCONF_ERROR, "shared window: %s", strerror(errno));
	}
	s->shm = mmap(NULL, s->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (s->shm == MAP_FAILED) {
		s->shm = NULL;
		return breaks(s, AMPCONF_ERROR, "shared window: %s", strerror(errno));
	}
	s->link.shm = s->shm;
	return 0;
}

static int alloc_expectations(struct session *s)
{
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < MAX_EPTS; i++) {
			struct conform_ept *e = &s->side[w].ept[i];

			e->expect = calloc(MAX_PENDING, 3 * sizeof(uint32_t));
			e->expect_data = calloc(MAX_PENDING, sizeof(*e->expect_data));
			if (!e->expect || !e->expect_data)
				return breaks(s, AMPCONF_ERROR, "no memory");
			e->expect_len = e->expect + MAX_PENDING;
			e->expect_src = e->expect + 2 * MAX_PENDING;
		}
	return 0;
}

/* Why the scenario does not apply to this IUT, or NULL. */
static const char *not_applicable(const struct session *s)
{
	const struct iut_wire_hello *h = &s->proxy.hello;

	if (!(h->roles & (1u << s->opt->role)))
		return "the IUT does not play this role";
	if (!(s->sc->roles & (1u << s->opt->role)))
		return "the scenario is not for this role";
	if ((s->sc->needs & h->features) != s->sc->needs)
		return "the IUT lacks a feature the scenario needs";
	if (s->sc->needs_reset && s->opt->role == AMPCONF_DRIVER && !(h->ops & IUT_HAS_RESET))
		return "the IUT cannot reset the device";
	return NULL;
}

static int start_session(struct session *s)
{
	struct ampcheck_options co = {
		.sides = s->opt->role == AMPCONF_DRIVER ? AMPCHECK_SIDE_DRIVER
							: AMPCHECK_SIDE_DEVICE,
		.profile = s->opt->profile,
	};
	struct iut_sink sink = iut_sink_ops;
	struct iut_wire_attach a;
	const char *why;
	int ret;

	sink.ctx = s;
	if (layout(s) || open_window(s) || alloc_expectations(s))
		return -1;
	if (iut_proxy_spawn(&s->proxy, s->opt->library, s->shm, s->shm_size, &sink,
			    s->opt->timeout_ms ? s->opt->timeout_ms : 10000))
		return breaks(s, AMPCONF_ERROR, "%s", s->proxy.error);
	snprintf(s->res->iut_name, sizeof(s->res->iut_name), "%s", s->proxy.name);
	why = not_applicable(s);
	if (why)
		return breaks(s, AMPCONF_SKIPPED, "%s", why);
	s->res->check = ampcheck_create(&co);
	if (!s->res->check)
		return breaks(s, AMPCONF_ERROR, "no memory for the checker");
	if (open_trace(s))
		return -1;
	s->io = (struct amp_io){.ops = &peer_io_ops, .ctx = s, .order = AMP_LITTLE_ENDIAN};
	/* The device declares its block first: as the peer here, or in the IUT's attach. */
	if (s->opt->role == AMPCONF_DRIVER && peer_init(s))
		return -1;
	a.link = s->link;
	if (iut_call(s, IUT_CMD_ATTACH, &a, sizeof(a), NULL, 0, &ret, NULL))
		return -1;
	if (ret < 0)
		return breaks(s, AMPCONF_BROKEN, "the IUT refused the link: %s", s->proxy.error);
	if (s->opt->role == AMPCONF_DEVICE && peer_init(s))
		return -1;
	return 0;
}

/**
 * ampconf_judge_trace() - judge a finished trace file (ampconf/conform.h)
 */
int ampconf_judge_trace(const char *path, unsigned int role, const char *initiator,
			const struct ampcheck_profile *profile, struct ampconf_result *res)
{
	struct ampcheck_options co = {
		.sides = role == AMPCONF_DRIVER ? AMPCHECK_SIDE_DRIVER : AMPCHECK_SIDE_DEVICE,
		.profile = profile,
		.initiator = initiator,
	};
	struct amptrace_reader *rd = malloc(sizeof(*rd));
	FILE *in = fopen(path, "rb");
	struct amptrace_event ev;
	int r = -1;

	res->check = ampcheck_create(&co);
	if (!rd || !in || !res->check) {
		snprintf(res->reason, sizeof(res->reason), "%s: %s", path,
			 in ? "no memory" : strerror(errno));
		goto out;
	}
	if (amptrace_reader_open(rd, in)) {
		snprintf(res->reason, sizeof(res->reason), "%s: %s", path, rd->error);
		goto out;
	}
	while ((r = amptrace_read(rd, &ev)) > 0) {
		res->events++;
		if (ampcheck_event(res->check, &rd->table, &ev)) {
			snprintf(res->reason, sizeof(res->reason), "checker: %s",
				 ampcheck_error(res->check));
			r = -1;
			goto out;
		}
	}
	if (r < 0) {
		snprintf(res->reason, sizeof(res->reason), "%s: %s", path, rd->error);
		goto out;
	}
	if (ampcheck_finish(res->check) && res->outcome == AMPCONF_PASSED)
		res->outcome = AMPCONF_FAILED;
out:
	if (r < 0)
		res->outcome = AMPCONF_ERROR;
	if (in)
		fclose(in);
	free(rd);
	return r < 0 ? -1 : 0;
}

/**
 * ampconf_note_unexercised() - list the scenario's rules that came out not exercised
 *	(ampconf/conform.h)
 */
void ampconf_note_unexercised(const struct ampconf_scenario *sc, struct ampconf_result *res)
{
	unsigned int count;
	const struct ampcheck_rule *rules = ampcheck_rules(&count);
	size_t used = 0;

	res->unexercised[0] = '\0';
	if (!res->check || res->outcome == AMPCONF_SKIPPED || res->outcome == AMPCONF_ERROR)
		return;
	for (unsigned int i = 0; i < sc->nrules; i++)
		for (unsigned int r = 0; r < count; r++) {
			if (strcmp(rules[r].id, sc->rules[i]))
				continue;
			if (ampcheck_verdict(res->check, r)->result != AMPCHECK_NOT_EXERCISED)
				break;
			used += (size_t)snprintf(res->unexercised + used,
						 used < sizeof(res->unexercised)
							 ? sizeof(res->unexercised) - used
							 : 0,
						 "%s%s", used ? ", " : "", rules[r].id);
			break;
		}
}

static void end_session(struct session *s)
{
	if (s->proxy.pid || s->proxy.ev_fd > 0)
		iut_proxy_close(&s->proxy);
	if (s->proxy.failed && !s->broken && s->proxy.error[0])
		crashed(s);
	if (s->trace_file) {
		if (amptrace_writer_close(&s->writer) && !s->broken)
			breaks(s, AMPCONF_ERROR, "trace: %s", s->writer.error);
		fclose(s->trace_file);
	}
	if (s->log)
		fclose(s->log);
	if (s->res->check && s->res->outcome != AMPCONF_SKIPPED &&
	    s->res->outcome != AMPCONF_ERROR) {
		int bad = ampcheck_finish(s->res->check);

		if (!s->broken)
			s->res->outcome = bad ? AMPCONF_FAILED : AMPCONF_PASSED;
		ampconf_note_unexercised(s->sc, s->res);
	}
	if (s->shm)
		munmap(s->shm, s->shm_size);
	for (unsigned int w = 0; w < 2; w++)
		for (unsigned int i = 0; i < MAX_EPTS; i++) {
			free(s->side[w].ept[i].expect);
			free(s->side[w].ept[i].expect_data);
		}
	free(s->work);
}

/**
 * ampconf_run() - run one scenario against the IUT (ampconf/conform.h)
 */
enum ampconf_outcome ampconf_run(const struct ampconf_options *opt,
				 const struct ampconf_scenario *sc, struct ampconf_result *res)
{
	return ampconf_run_steps(opt, sc, sc->step, sc->nsteps, res);
}

/**
 * ampconf_run_steps() - run steps given apart from the scenario (ampconf/conform.h)
 */
enum ampconf_outcome ampconf_run_steps(const struct ampconf_options *opt,
				       const struct ampconf_scenario *sc,
				       const struct ampconf_step *steps, size_t nsteps,
				       struct ampconf_result *res)
{
	struct session *s = calloc(1, sizeof(*s));
	enum ampconf_outcome outcome;

	memset(res, 0, sizeof(*res));
	if (!s) {
		res->outcome = AMPCONF_ERROR;
		snprintf(res->reason, sizeof(res->reason), "no memory");
		return res->outcome;
	}
	s->opt = opt;
	s->sc = sc;
	s->res = res;
	s->proxy.ev_fd = -1;
	s->seed = 1;
	if (!start_session(s))
		for (size_t i = 0; i < nsteps && !s->broken; i++)
			if (do_step(s, &steps[i]) && s->broken) {
				res->step = (unsigned int)i + 1;
				res->step_line = steps[i].line;
			}
	end_session(s);
	outcome = res->outcome;
	free(s);
	return outcome;
}

/**
 * ampconf_result_release() - free what a result holds (ampconf/conform.h)
 */
void ampconf_result_release(struct ampconf_result *res)
{
	ampcheck_destroy(res->check);
	res->check = NULL;
}

/**
 * ampconf_outcome_name() - an outcome's name (ampconf/conform.h)
 */
const char *ampconf_outcome_name(enum ampconf_outcome outcome)
{
	static const char *const names[] = {
		[AMPCONF_PASSED] = "pass",     [AMPCONF_FAILED] = "fail",
		[AMPCONF_BROKEN] = "broken",   [AMPCONF_CRASHED] = "crashed",
		[AMPCONF_SKIPPED] = "skipped", [AMPCONF_ERROR] = "error",
	};

	return (unsigned int)outcome < sizeof(names) / sizeof(names[0]) ? names[outcome] : "?";
}
