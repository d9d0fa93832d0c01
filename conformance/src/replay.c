// SPDX-License-Identifier: BSD-3-Clause
/*
 * A recorded trace made into a conformance session (ampconf/conform.h, ampconf_replay_load()).
 *
 * The decoder (the checker, listening) turns the trace's raw stores into what each side did on
 * its first rpmsg link: DRIVER_OK, resets, name-service records, messages with their payloads.
 * Those become steps for the session engine, each acted by whoever did it in the recording -
 * the IUT for the side it now plays, the peer for the other - so that the IUT meets the peer it
 * was recorded with, message for message, while its own choices (descriptor ids, buffer
 * addresses, the addresses of the endpoints it announces) are its own: the steps name
 * endpoints by label, and what a label's address turns out to be is learned in the session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampconf/conform.h"
#include "ampconf/iut.h"
#include "amptrace/check.h"
#include "amptrace/trace.h"

#define NS_ADDR   53u
#define STATUS_OK 0x04u
/* The session engine's endpoints per side. */
#define MAX_ENDPOINTS 16u
/* A replay is held in memory: a bound on what a trace may ask for. */
#define MAX_STEPS 4000000u
#define MAX_DATA  (512u << 20)

/**
 * enum rec_kind - what the recording showed
 * @REC_START: DRIVER_OK, the first time
 * @REC_RESET: the driver reset the device
 * @REC_NS: a name-service record (@flags 0 create, 1 destroy)
 * @REC_MSG: a message (@src, @dst, payload at @off, @len bytes)
 */
enum rec_kind {
	REC_START,
	REC_RESET,
	REC_NS,
	REC_MSG,
};

/**
 * struct rec - one thing the recording showed on link 0
 * @kind: &enum rec_kind
 * @side: 0 driver, 1 device
 * @seq: its event's number
 * @src: message source, or the announced address
 * @dst: message destination
 * @flags: name-service flags
 * @name: name-service name
 * @off: payload offset in &struct loader.data
 * @len: payload bytes
 */
struct rec {
	enum rec_kind kind;
	unsigned int side;
	uint64_t seq;
	uint32_t src, dst, flags;
	char name[AMPCONF_NAME_SIZE];
	size_t off;
	uint32_t len;
};

/**
 * struct endpoint - an endpoint of one side, as the steps open it
 * @addr: its recorded address
 * @label: its label in the steps
 * @open: opened and not closed
 * @announced: opened with a name-service announcement
 */
struct endpoint {
	uint32_t addr;
	char label[AMPCONF_NAME_SIZE];
	bool open;
	bool announced;
};

/**
 * struct loader - one replay being made
 * @rp: the result
 * @role: the IUT's role
 * @link: the link replayed (the decoder's numbering)
 * @rec: what the recording showed, in order
 * @nrec: entries of @rec
 * @cap: room in @rec
 * @data: payloads
 * @data_len: bytes of @data used
 * @data_cap: room in @data
 * @step_cap: room in @rp->step
 * @started: DRIVER_OK seen
 * @ept: endpoints per side (0 driver, 1 device)
 * @nept: entries of @ept per side
 * @labels: labels made so far (to number re-openings)
 * @failed: out of memory or over a bound
 * @err: why
 */
struct loader {
	struct ampconf_replay *rp;
	unsigned int role;
	unsigned int link;
	struct rec *rec;
	size_t nrec, cap;
	uint8_t *data;
	size_t data_len, data_cap;
	size_t step_cap;
	bool started;
	struct endpoint ept[2][MAX_ENDPOINTS];
	unsigned int nept[2];
	unsigned int labels;
	bool failed;
	char err[256];
};

static void fail(struct loader *ld, const char *why)
{
	if (!ld->failed)
		snprintf(ld->err, sizeof(ld->err), "%s", why);
	ld->failed = true;
}

static struct rec *add_rec(struct loader *ld, enum rec_kind kind, unsigned int side, uint64_t seq)
{
	struct rec *r;

	if (ld->failed)
		return NULL;
	if (ld->nrec == ld->cap) {
		size_t cap = ld->cap ? 2 * ld->cap : 256;
		struct rec *grown =
			cap <= MAX_STEPS ? realloc(ld->rec, cap * sizeof(*grown)) : NULL;

		if (!grown) {
			fail(ld,
			     cap > MAX_STEPS ? "more messages than a replay holds" : "no memory");
			return NULL;
		}
		ld->rec = grown;
		ld->cap = cap;
	}
	r = &ld->rec[ld->nrec++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->side = side;
	r->seq = seq;
	return r;
}

static bool keep_payload(struct loader *ld, struct rec *r, const uint8_t *p, uint32_t len)
{
	if (ld->data_len + len > ld->data_cap) {
		size_t cap = ld->data_cap ? ld->data_cap : 65536;
		uint8_t *grown;

		while (cap < ld->data_len + len)
			cap *= 2;
		grown = cap <= MAX_DATA ? realloc(ld->data, cap) : NULL;
		if (!grown) {
			fail(ld, cap > MAX_DATA ? "more payload than a replay holds" : "no memory");
			return false;
		}
		ld->data = grown;
		ld->data_cap = cap;
	}
	memcpy(ld->data + ld->data_len, p, len);
	r->off = ld->data_len;
	r->len = len;
	ld->data_len += len;
	return true;
}

/* The decoder's account of link 0, kept in order. */
static void decoded(void *ctx, const struct amptrace_event *ev, const struct ampcheck_decoded *d)
{
	struct loader *ld = ctx;
	struct ampconf_scenario *sc = &ld->rp->sc;
	unsigned int side = d->side == AMPCHECK_SIDE_DEVICE;
	struct rec *r;

	if (d->link != ld->link || ld->failed)
		return;
	switch (d->kind) {
	case AMPCHECK_D_VRING:
		if (d->vring == 0 || d->vring == 1) {
			sc->num[d->vring] = d->num;
			sc->align = d->align;
		}
		break;
	case AMPCHECK_D_FEATURES:
		sc->features = (uint32_t)d->value & (AMPCONF_F_NS | AMPCONF_F_EVENT_IDX);
		break;
	case AMPCHECK_D_DESC:
		/* The driver's receive buffers (vring0) are the link's buffer size. */
		if (d->vring == 0 && !ld->started && d->len >= 32 && d->len <= 65536 &&
		    d->len % 16 == 0)
			sc->buf_size = d->len;
		break;
	case AMPCHECK_D_STATUS:
		if ((d->value & STATUS_OK) && !(d->old & STATUS_OK) && !ld->started) {
			ld->started = true;
			add_rec(ld, REC_START, 0, ev->seq);
		}
		break;
	case AMPCHECK_D_RESET:
		if (ld->started)
			add_rec(ld, REC_RESET, 0, ev->seq);
		break;
	case AMPCHECK_D_NS:
		r = ld->started ? add_rec(ld, REC_NS, side, ev->seq) : NULL;
		if (r) {
			r->src = (uint32_t)d->addr;
			r->flags = d->flags;
			snprintf(r->name, sizeof(r->name), "%.31s", d->name);
		}
		break;
	case AMPCHECK_D_MESSAGE:
		if (d->dst == NS_ADDR || !ld->started)
			break;
		r = add_rec(ld, REC_MSG, side, ev->seq);
		if (r) {
			r->src = d->src;
			r->dst = d->dst;
			keep_payload(ld, r, d->payload,
				     d->payload_len < d->len ? d->payload_len : d->len);
		}
		break;
	default:
		break;
	}
}

/* Read the whole trace through the decoder. */
static int read_trace(struct loader *ld, const char *path, char *err, size_t errlen)
{
	struct ampcheck_options opt = {.decoded = decoded, .ctx = ld};
	struct amptrace_reader *rd = calloc(1, sizeof(*rd));
	struct amptrace_event ev;
	struct ampcheck *ck = ampcheck_create(&opt);
	FILE *in = fopen(path, "rb");
	int ret = -1, r = 0;

	if (!in || !rd || !ck) {
		snprintf(err, errlen, "%s: %s", path, in ? "no memory" : strerror(errno));
		goto out;
	}
	if (amptrace_reader_open(rd, in)) {
		snprintf(err, errlen, "%s: %s", path, rd->error);
		goto out;
	}
	while (!ld->failed && (r = amptrace_read(rd, &ev)) > 0)
		if (ampcheck_event(ck, &rd->table, &ev)) {
			snprintf(err, errlen, "%s: %s", path, ampcheck_error(ck));
			goto out;
		}
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, rd->error);
		goto out;
	}
	if (ld->failed) {
		snprintf(err, errlen, "%s: %s", path, ld->err);
		goto out;
	}
	if (ampcheck_links(ck) <= ld->link || !ld->started) {
		if (ampcheck_links(ck) <= ld->link)
			snprintf(err, errlen, "%s: no rpmsg link %u in the trace (it shows %u)",
				 path, ld->link, ampcheck_links(ck));
		else
			snprintf(err, errlen, "%s: rpmsg link %u never came up (DRIVER_OK)", path,
				 ld->link);
		goto out;
	}
	ret = 0;
out:
	ampcheck_destroy(ck);
	if (rd)
		amptrace_reader_close(rd);
	if (in)
		fclose(in);
	free(rd);
	return ret;
}

static struct ampconf_step *add_step(struct loader *ld, enum ampconf_step_kind kind,
				     unsigned int actor, uint64_t seq)
{
	struct ampconf_replay *rp = ld->rp;
	struct ampconf_step *st;

	if (ld->failed)
		return NULL;
	if (rp->nsteps == ld->step_cap) {
		size_t cap = ld->step_cap ? 2 * ld->step_cap : 256;
		struct ampconf_step *grown =
			cap <= MAX_STEPS ? realloc(rp->step, cap * sizeof(*grown)) : NULL;

		if (!grown) {
			fail(ld, cap > MAX_STEPS ? "more steps than a replay holds" : "no memory");
			return NULL;
		}
		rp->step = grown;
		ld->step_cap = cap;
	}
	st = &rp->step[rp->nsteps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->actor = actor;
	st->line = seq > UINT32_MAX ? UINT32_MAX : (unsigned int)seq;
	return st;
}

/* Who acts for the recorded side @side: the IUT for the role it plays, the peer otherwise. */
static unsigned int actor_of(const struct loader *ld, unsigned int side)
{
	return side == (ld->role == AMPCONF_DEVICE) ? AMPCONF_IUT : AMPCONF_PEER;
}

static struct endpoint *find_open(struct loader *ld, unsigned int side, uint32_t addr)
{
	for (unsigned int i = 0; i < ld->nept[side]; i++)
		if (ld->ept[side][i].open && ld->ept[side][i].addr == addr)
			return &ld->ept[side][i];
	return NULL;
}

/*
 * Open an endpoint for @addr on @side: by @name and announced when the recording announced it
 * (the IUT then picks its address), at the recorded address otherwise (an address the peer
 * knew without being told is a fixed one).
 */
static struct endpoint *open_ept(struct loader *ld, unsigned int side, uint32_t addr,
				 const char *name, uint64_t seq)
{
	struct endpoint *e = NULL;
	struct ampconf_step *st;

	for (unsigned int i = 0; i < ld->nept[side] && !e; i++)
		if (!ld->ept[side][i].open)
			e = &ld->ept[side][i];
	if (!e && ld->nept[side] < MAX_ENDPOINTS)
		e = &ld->ept[side][ld->nept[side]++];
	if (!e) {
		fail(ld, "more endpoints on one side than a session holds (16)");
		return NULL;
	}
	st = add_step(ld, AMPCONF_STEP_OPEN, actor_of(ld, side), seq);
	if (!st)
		return NULL;
	e->addr = addr;
	e->open = true;
	e->announced = name && name[0];
	snprintf(e->label, sizeof(e->label), "e%x.%u", addr, ++ld->labels);
	memcpy(st->ept, e->label, sizeof(st->ept));
	if (e->announced) {
		snprintf(st->name, sizeof(st->name), "%s", name);
		st->announce = true;
	}
	st->addr = e->announced && actor_of(ld, side) == AMPCONF_IUT ? AMPCONF_ADDR_ANY : addr;
	return e;
}

/* The name a recorded side announced @addr under before it sent from it, if it did. */
static const char *announced_name(const struct loader *ld, unsigned int side, uint32_t addr)
{
	for (size_t i = 0; i < ld->nrec; i++) {
		const struct rec *r = &ld->rec[i];

		if (r->side != side || r->src != addr || r->kind == REC_START ||
		    r->kind == REC_RESET)
			continue;
		return r->kind == REC_NS && !r->flags ? r->name : NULL;
	}
	return NULL;
}

/* Every endpoint the recording shows in use, opened once the link is up. */
static void open_all(struct loader *ld, uint64_t seq)
{
	for (size_t i = 0; i < ld->nrec && !ld->failed; i++) {
		const struct rec *r = &ld->rec[i];

		if ((r->kind == REC_MSG || (r->kind == REC_NS && !r->flags)) &&
		    !find_open(ld, r->side, r->src))
			open_ept(ld, r->side, r->src, announced_name(ld, r->side, r->src), seq);
	}
}

static void service_check(struct loader *ld, unsigned int side, const char *name, bool created,
			  uint64_t seq)
{
	struct ampconf_step *st;

	/* The peer reports every record it receives; what an IUT does with them is its own. */
	if (actor_of(ld, side) != AMPCONF_IUT)
		return;
	st = add_step(ld, AMPCONF_STEP_SERVICE, AMPCONF_PEER, seq);
	if (st) {
		snprintf(st->name, sizeof(st->name), "%s", name);
		st->created = created;
	}
}

static void replay_ns(struct loader *ld, const struct rec *r)
{
	struct endpoint *e = find_open(ld, r->side, r->src);
	struct ampconf_step *st;

	if (!r->flags) {
		/* Announced again after a reset, or a duplicate: the endpoint is open already. */
		if (!e && !open_ept(ld, r->side, r->src, r->name, r->seq))
			return;
		if (!e || e->announced)
			service_check(ld, r->side, r->name, true, r->seq);
		return;
	}
	if (!e)
		return;
	st = add_step(ld, AMPCONF_STEP_CLOSE, actor_of(ld, r->side), r->seq);
	if (!st)
		return;
	memcpy(st->ept, e->label, sizeof(st->ept));
	e->open = false;
	if (e->announced)
		service_check(ld, r->side, r->name, false, r->seq);
}

static void replay_msg(struct loader *ld, const struct rec *r)
{
	struct endpoint *from = find_open(ld, r->side, r->src);
	struct endpoint *to = find_open(ld, !r->side, r->dst);
	struct ampconf_step *st;

	if (!from)
		from = open_ept(ld, r->side, r->src, NULL, r->seq);
	st = from ? add_step(ld, AMPCONF_STEP_SEND, actor_of(ld, r->side), r->seq) : NULL;
	if (!st)
		return;
	memcpy(st->ept, from->label, sizeof(st->ept));
	if (to)
		memcpy(st->to, to->label, sizeof(st->to));
	else
		st->to_addr = r->dst;
	st->size = r->len;
	st->count = 1;
	st->payload = (const uint8_t *)(uintptr_t)r->off; /* made a pointer once data is final */
	ld->rp->messages++;
}

/* The recording, step by step; at the end, every message sent must have arrived. */
static void make_steps(struct loader *ld)
{
	struct ampconf_replay *rp = ld->rp;

	for (size_t i = 0; i < ld->nrec && !ld->failed; i++) {
		const struct rec *r = &ld->rec[i];

		switch (r->kind) {
		case REC_START:
			add_step(ld, AMPCONF_STEP_START, AMPCONF_PEER, r->seq);
			open_all(ld, r->seq);
			break;
		case REC_RESET:
			add_step(ld, AMPCONF_STEP_RESET, AMPCONF_PEER, r->seq);
			break;
		case REC_NS:
			replay_ns(ld, r);
			break;
		case REC_MSG:
			replay_msg(ld, r);
			break;
		}
	}
	add_step(ld, AMPCONF_STEP_SETTLE, AMPCONF_PEER, 0);
	for (unsigned int side = 0; side < 2; side++)
		for (unsigned int i = 0; i < ld->nept[side]; i++) {
			struct ampconf_step *st;

			if (!ld->ept[side][i].open)
				continue;
			st = add_step(ld, AMPCONF_STEP_EXPECT, actor_of(ld, side), 0);
			if (st)
				memcpy(st->ept, ld->ept[side][i].label, sizeof(st->ept));
		}
	for (size_t i = 0; i < rp->nsteps && !ld->failed; i++)
		if (rp->step[i].kind == AMPCONF_STEP_SEND)
			rp->step[i].payload = ld->data + (uintptr_t)rp->step[i].payload;
}

static void name_it(struct ampconf_replay *rp, const char *path, unsigned int link,
		    unsigned int role)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strcspn(base, ".");
	char *p;

	if (link)
		snprintf(rp->sc.name, sizeof(rp->sc.name), "replay%u-%.*s", link, (int)n, base);
	else
		snprintf(rp->sc.name, sizeof(rp->sc.name), "replay-%.*s", (int)n, base);
	for (p = rp->sc.name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	snprintf(rp->sc.summary, sizeof(rp->sc.summary),
		 "%s link %u: the recorded %s re-enacted against the IUT as %s (%zu messages)",
		 base, link, role == AMPCONF_DRIVER ? "device" : "driver",
		 role == AMPCONF_DRIVER ? "driver" : "device", rp->messages);
}

/**
 * ampconf_replay_load() - a recorded trace made into a session (ampconf/conform.h)
 */
int ampconf_replay_load(const char *path, unsigned int link, unsigned int role,
			struct ampconf_replay *rp, char *err, size_t errlen)
{
	struct loader *ld = calloc(1, sizeof(*ld));
	int ret = -1;

	memset(rp, 0, sizeof(*rp));
	if (!ld) {
		snprintf(err, errlen, "%s: no memory", path);
		return -1;
	}
	ld->rp = rp;
	ld->role = role;
	ld->link = link;
	rp->sc.roles = 1u << AMPCONF_DRIVER | 1u << AMPCONF_DEVICE;
	rp->sc.num[0] = rp->sc.num[1] = 256;
	rp->sc.align = 4096;
	rp->sc.buf_size = 512;
	if (read_trace(ld, path, err, errlen))
		goto out;
	rp->sc.needs = rp->sc.features;
	make_steps(ld);
	if (ld->failed) {
		snprintf(err, errlen, "%s: %s", path, ld->err);
		goto out;
	}
	name_it(rp, path, link, role);
	rp->data = ld->data;
	ld->data = NULL;
	ret = 0;
out:
	if (ret)
		ampconf_replay_free(rp);
	free(ld->data);
	free(ld->rec);
	free(ld);
	return ret;
}

/**
 * ampconf_replay_free() - free what ampconf_replay_load() made (ampconf/conform.h)
 */
void ampconf_replay_free(struct ampconf_replay *rp)
{
	free(rp->step);
	free(rp->data);
	memset(rp, 0, sizeof(*rp));
}
