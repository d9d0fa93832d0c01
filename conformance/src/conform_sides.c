// SPDX-License-Identifier: BSD-3-Clause
/*
 * The two sides of a session (conform_internal.h): the peer - the hooked reference, whose
 * every store and barrier goes into the trace - and the IUT, whose process's doings arrive
 * through the proxy's sink; and the messages the scenario sends, checked where they arrive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/vdev.h"
#include "amp/vring.h"
#include "conform_internal.h"

/* --- the messages the scenario sends, checked where they arrive ------------------------- */

/**
 * ampconf_payload() - the bytes of a message the harness makes up (ampconf/conform.h)
 */
void ampconf_payload(uint8_t *p, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 37u);
}

struct conform_ept *conf_find_ept(struct session *s, unsigned int who, const char *label)
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

void conf_expect_message(struct conform_ept *e, uint32_t seed, const uint8_t *data, uint32_t len,
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
		conf_break(
			s, AMPCONF_BROKEN,
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
		ampconf_payload(s->payload, want_len, seed);
		want = s->payload;
	}
	if (len != want_len || src != want_src || (len && memcmp(data, want, len)))
		conf_break(s, AMPCONF_BROKEN,
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

bool conf_has_service(const struct conform_side *me, const char *name)
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
		conf_record_store(s, s->side[AMPCONF_PEER].initiator, (uint64_t)(d - s->shm), d,
				  (uint32_t)len);
}

static void peer_barrier(void *ctx, enum amp_barrier kind)
{
	struct session *s = ctx;

	amp_io_native_barrier(kind);
	conf_record_barrier(s, s->side[AMPCONF_PEER].initiator, (unsigned int)kind);
}

const struct amp_io_ops conf_peer_io = {
	.write = peer_write,
	.barrier = peer_barrier,
};

static void peer_notify(void *ctx, uint32_t notifyid)
{
	conf_kick(ctx, AMPCONF_PEER, notifyid);
}

int conf_peer_received(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
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

int conf_peer_init(struct session *s)
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
		return conf_break(s, AMPCONF_ERROR, "no memory for the peer");
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
		return conf_break(s, AMPCONF_ERROR, "the peer refused the scenario's link");
	return 0;
}

/* --- the IUT: its process's doings, into the trace ------------------------------------- */

static void iut_store(void *ctx, uint64_t offset, const uint8_t *bytes, uint32_t len)
{
	struct session *s = ctx;

	conf_record_store(s, s->side[AMPCONF_IUT].initiator, offset, bytes, len);
}

static void iut_barrier(void *ctx, uint32_t kind)
{
	struct session *s = ctx;

	if (kind > AMPTRACE_BARRIER_FULL) {
		conf_break(s, AMPCONF_BROKEN,
			   "the IUT reported a barrier of kind %u (0 write, 1 read, 2 full)", kind);
		return;
	}
	conf_record_barrier(s, s->side[AMPCONF_IUT].initiator, kind);
}

static void iut_notify(void *ctx, uint32_t notifyid)
{
	conf_kick(ctx, AMPCONF_IUT, notifyid);
}

static void iut_received(void *ctx, int32_t handle, uint32_t src, const uint8_t *data, uint32_t len)
{
	struct session *s = ctx;
	struct conform_ept *e = ept_by_handle(s, AMPCONF_IUT, handle);

	if (!e) {
		conf_break(s, AMPCONF_BROKEN,
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
	conf_break(ctx, AMPCONF_BROKEN, "the IUT called the harness wrongly: %s", text);
}

const struct iut_sink conf_iut_sink = {
	.store = iut_store,
	.barrier = iut_barrier,
	.notify = iut_notify,
	.received = iut_received,
	.service = iut_service,
	.log = iut_log,
	.misuse = iut_misuse,
};

/* Run an operation in the IUT; -1 when its process failed (the session is crashed). */
int conf_iut_call(struct session *s, uint32_t type, const void *a, size_t alen, const void *b,
		  size_t blen, int *ret, uint32_t *bound)
{
	if (iut_proxy_call(&s->proxy, type, a, alen, b, blen, ret, bound))
		return conf_crashed(s);
	return s->broken ? -1 : 0;
}
