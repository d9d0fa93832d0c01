// SPDX-License-Identifier: BSD-3-Clause
/*
 * Rounds and steps of a session (conform_internal.h): a round hands each side the kicks the
 * other sent and polls it; a step acts (open, send, expect, reset, ...) and runs rounds until
 * the link is idle.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "amp/error.h"
#include "amp/rpmsg_wire.h"
#include "conform_internal.h"

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
			uint32_t id = conf_take_kick(s, AMPCONF_IUT);

			if (conf_iut_call(s, IUT_CMD_KICK, &id, sizeof(id), NULL, 0, &ret, NULL))
				return false;
		}
		if (s->broken || conf_iut_call(s, IUT_CMD_POLL, NULL, 0, NULL, 0, &ret, NULL))
			return false;
		if (ret < 0 && s->log)
			fprintf(s->log, "#%llu poll() returned %d\n",
				(unsigned long long)s->res->events, ret);
	}
	if (!s->side[AMPCONF_PEER].held) {
		while (s->side[AMPCONF_PEER].nkicks)
			conf_take_kick(s, AMPCONF_PEER);
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
	return conf_break(s, AMPCONF_BROKEN,
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
		return conf_break(s, AMPCONF_ERROR, "more than %u endpoints open", MAX_EPTS);
	memset(e->label, 0, sizeof(e->label));
	snprintf(e->label, sizeof(e->label), "%s", st->ept);
	e->received = 0;
	e->head = e->pending = 0;
	if (st->actor == AMPCONF_IUT) {
		struct iut_wire_open o = {
			.addr = st->addr, .dst = AMPCONF_ADDR_ANY, .announce = st->announce};

		snprintf(o.name, sizeof(o.name), "%s", st->name);
		if (conf_iut_call(s, IUT_CMD_OPEN, &o, sizeof(o), NULL, 0, &ret, &e->addr))
			return -1;
		if (ret < 0)
			return conf_break(s, AMPCONF_BROKEN, "the IUT's open('%s') failed: %d%s%s",
					  st->name, ret, s->proxy.error[0] ? ": " : "",
					  s->proxy.error);
		e->handle = ret;
	} else {
		struct amp_rpmsg_endpoint_config c = {
			.name = st->name,
			.addr = st->addr,
			.dst = AMP_RPMSG_ADDR_ANY,
			.cb = conf_peer_received,
			.priv = s,
			.announce = st->announce,
		};

		ret = amp_rpmsg_endpoint_create(&e->ept, &s->plink, &c);
		if (ret)
			return conf_break(s, AMPCONF_ERROR, "the peer could not open '%s': %d",
					  st->ept, ret);
		e->addr = amp_rpmsg_endpoint_addr(&e->ept);
	}
	e->in_use = true;
	return settle(s);
}

static int do_close(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = conf_find_ept(s, st->actor, st->ept);
	int ret = 0;

	if (!e)
		return conf_break(s, AMPCONF_ERROR, "no endpoint '%s'", st->ept);
	if (st->actor == AMPCONF_IUT) {
		if (conf_iut_call(s, IUT_CMD_CLOSE, &e->handle, sizeof(int32_t), NULL, 0, &ret,
				  NULL))
			return -1;
	} else {
		amp_rpmsg_endpoint_destroy(&e->ept);
	}
	e->in_use = false;
	if (ret < 0)
		return conf_break(s, AMPCONF_BROKEN, "the IUT's close('%s') failed: %d", st->ept,
				  ret);
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
		ampconf_payload(s->payload, len, seed);
		bytes = s->payload;
	}
	if (who == AMPCONF_IUT) {
		struct iut_wire_send m = {.ept = e->handle, .dst = dst};

		if (conf_iut_call(s, IUT_CMD_SEND, &m, sizeof(m), bytes, len, &ret, NULL))
			return -1;
		if (ret == -EAGAIN)
			return 1;
	} else {
		ret = amp_rpmsg_trysendto(&e->ept, bytes, len, dst);
		if (ret == -AMP_ENOMEM)
			return 1;
	}
	if (ret < 0)
		return conf_break(s, who == AMPCONF_IUT ? AMPCONF_BROKEN : AMPCONF_ERROR,
				  "%s could not send %u bytes from '%s' to %u: %d%s%s",
				  who == AMPCONF_IUT ? "the IUT" : "the peer", len, e->label, dst,
				  ret, who == AMPCONF_IUT && s->proxy.error[0] ? ": " : "",
				  who == AMPCONF_IUT ? s->proxy.error : "");
	s->seed++;
	if (to)
		conf_expect_message(to, seed, data, len, e->addr);
	return 0;
}

static uint32_t payload_size(const struct session *s, uint32_t size)
{
	return size == AMPCONF_SIZE_MAX ? s->link.buf_size - AMP_RPMSG_HDR_SIZE : size;
}

static int do_send(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = conf_find_ept(s, st->actor, st->ept);
	struct conform_ept *to = st->to[0] ? conf_find_ept(s, !st->actor, st->to) : NULL;
	uint32_t dst = to ? to->addr : st->to_addr, len = payload_size(s, st->size);

	if (!e || (st->to[0] && !to))
		return conf_break(s, AMPCONF_ERROR, "endpoint '%s' or '%s' not open", st->ept,
				  st->to);
	for (uint32_t n = 0; n < st->count && !s->broken; n++) {
		unsigned int waited = 0;
		int r;

		while ((r = send_one(s, st->actor, e, dst, to, st->payload, len)) == 1) {
			if (st->until_full)
				return 0;
			if (++waited > SEND_PATIENCE)
				return conf_break(
					s, AMPCONF_BROKEN,
					"%s found no transmit buffer for message %u of %u "
					"after %u rounds (buffers not returned?)",
					st->actor == AMPCONF_IUT ? "the IUT" : "the peer", n + 1,
					st->count, SEND_PATIENCE);
			round_once(s);
		}
		if (r < 0)
			return -1;
	}
	return settle(s);
}

static int do_expect(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = conf_find_ept(s, st->actor, st->ept);

	if (!e)
		return conf_break(s, AMPCONF_ERROR, "no endpoint '%s'", st->ept);
	if (settle(s))
		return -1;
	if (!st->count && e->pending)
		return conf_break(s, AMPCONF_BROKEN,
				  "%s's endpoint '%s' received %llu messages; %u more "
				  "were sent to it",
				  st->actor == AMPCONF_IUT ? "the IUT" : "the peer", st->ept,
				  (unsigned long long)e->received, e->pending);
	if (st->count && e->received != st->count)
		return conf_break(s, AMPCONF_BROKEN,
				  "%s's endpoint '%s' received %llu messages, %u "
				  "expected",
				  st->actor == AMPCONF_IUT ? "the IUT" : "the peer", st->ept,
				  (unsigned long long)e->received, st->count);
	return 0;
}

static int do_pingpong(struct session *s, const struct ampconf_step *st)
{
	struct conform_ept *e = conf_find_ept(s, st->actor, st->ept);
	struct conform_ept *to = conf_find_ept(s, !st->actor, st->to);
	uint32_t len = payload_size(s, st->size);

	if (!e || !to)
		return conf_break(s, AMPCONF_ERROR, "endpoint '%s' or '%s' not open", st->ept,
				  st->to);
	for (uint32_t n = 0; n < st->count && !s->broken; n++) {
		uint64_t there = to->received + 1, back = e->received + 1;

		if (send_one(s, st->actor, e, to->addr, to, NULL, len) || settle(s))
			return conf_break(s, AMPCONF_BROKEN, "ping %u of %u could not be sent",
					  n + 1, st->count);
		if (to->received != there)
			return conf_break(s, AMPCONF_BROKEN, "ping %u of %u did not arrive", n + 1,
					  st->count);
		if (send_one(s, !st->actor, to, e->addr, e, NULL, len) || settle(s))
			return conf_break(s, AMPCONF_BROKEN, "pong %u of %u could not be sent",
					  n + 1, st->count);
		if (e->received != back)
			return conf_break(s, AMPCONF_BROKEN, "pong %u of %u did not arrive", n + 1,
					  st->count);
	}
	return 0;
}

static int do_start(struct session *s)
{
	int ret = 0;

	if (s->opt->role == AMPCONF_DRIVER) {
		if (s->proxy.hello.ops & IUT_HAS_START) {
			if (conf_iut_call(s, IUT_CMD_START, NULL, 0, NULL, 0, &ret, NULL))
				return -1;
			if (ret < 0)
				return conf_break(s, AMPCONF_BROKEN, "the IUT's start() failed: %d",
						  ret);
		}
	} else if ((ret = amp_rpmsg_link_start(&s->plink))) {
		return conf_break(s, AMPCONF_ERROR, "the peer could not start the link: %d", ret);
	}
	if (settle(s))
		return -1;
	if (!amp_rpmsg_link_is_up(&s->plink))
		return conf_break(s, AMPCONF_BROKEN,
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
		if (conf_iut_call(s, IUT_CMD_RESET, NULL, 0, NULL, 0, &ret, NULL))
			return -1;
		if (ret < 0)
			return conf_break(s, AMPCONF_BROKEN, "the IUT's reset() failed: %d", ret);
	} else {
		amp_rpmsg_link_stop(&s->plink);
	}
	if (settle(s))
		return -1;
	return do_start(s);
}

/* The step with its actor as peer or IUT (a scenario may name the driver or the device). */
int conf_do_step(struct session *s, const struct ampconf_step *step)
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
		if (conf_has_service(&s->side[st->actor], st->name) != st->created)
			return conf_break(s, AMPCONF_BROKEN, "%s %s service '%s'",
					  st->actor == AMPCONF_IUT ? "the IUT" : "the peer",
					  st->created ? "was never told of" : "still knows",
					  st->name);
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
	return conf_break(s, AMPCONF_ERROR, "unknown step kind %d", (int)st->kind);
}
