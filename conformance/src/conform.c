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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "amp/vring.h"
#include "amptrace/check.h"
#include "conform_internal.h"

/* Break the session at the current step, once (the first reason is the one that counts). */
int conf_break(struct session *s, enum ampconf_outcome how, const char *fmt, ...)
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

int conf_crashed(struct session *s)
{
	return conf_break(s, AMPCONF_CRASHED, "%s", s->proxy.error);
}

/* Record one event and judge it; a trace that cannot be written is the harness's error. */
static void record(struct session *s, struct amptrace_event *ev)
{
	ev->time_ps = s->now_ps;
	ev->seq = s->res->events;
	s->now_ps += 1000;
	if (amptrace_write(&s->writer, ev)) {
		conf_break(s, AMPCONF_ERROR, "trace: %s", s->writer.error);
		return;
	}
	if (ampcheck_event(s->res->check, &s->writer.table, ev))
		conf_break(s, AMPCONF_ERROR, "checker: %s", ampcheck_error(s->res->check));
	s->res->events++;
	/* A barrier alone changes nothing the other side could see: an IUT that fences in every
	 * poll is idle all the same. */
	if (ev->kind != AMPTRACE_BARRIER)
		s->activity++;
}

void conf_record_store(struct session *s, unsigned int initiator, uint64_t offset,
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

void conf_record_barrier(struct session *s, unsigned int initiator, unsigned int kind)
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
void conf_kick(struct session *s, unsigned int from, uint32_t notifyid)
{
	struct conform_side *to = &s->side[!from];
	unsigned int fifo = s->side[from].initiator == 0 ? FIFO_DRIVER : FIFO_DEVICE;

	record_mbox(s, AMPTRACE_MBOX_WRITE, s->side[from].initiator, fifo, notifyid);
	if (to->nkicks == sizeof(to->kicks) / sizeof(to->kicks[0])) {
		conf_break(s, AMPCONF_BROKEN,
			   "%s kicked more than %zu times without being answered",
			   from == AMPCONF_IUT ? "the IUT" : "the peer",
			   sizeof(to->kicks) / sizeof(to->kicks[0]));
		return;
	}
	to->kicks[(to->kick_head + to->nkicks++) % (sizeof(to->kicks) / sizeof(to->kicks[0]))] =
		notifyid;
}

uint32_t conf_take_kick(struct session *s, unsigned int who)
{
	struct conform_side *me = &s->side[who];
	uint32_t id = me->kicks[me->kick_head];
	unsigned int fifo = me->initiator == 0 ? FIFO_DEVICE : FIFO_DRIVER;

	me->kick_head = (me->kick_head + 1) % (sizeof(me->kicks) / sizeof(me->kicks[0]));
	me->nkicks--;
	record_mbox(s, AMPTRACE_MBOX_READ, me->initiator, fifo, id);
	return id;
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
			return conf_break(s, AMPCONF_ERROR, "vring%u: num %u, align %u unusable", k,
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
		return conf_break(s, AMPCONF_ERROR, "%s: %s",
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
		return conf_break(s, AMPCONF_ERROR, "trace: %s", w->error);
	return 0;
}

static int open_window(struct session *s)
{
	int fd = memfd_create("ampconf-window", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)s->shm_size)) {
		if (fd >= 0)
			close(fd);
		return conf_break(s, AMPCONF_ERROR, "shared window: %s", strerror(errno));
	}
	s->shm = mmap(NULL, s->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (s->shm == MAP_FAILED) {
		s->shm = NULL;
		return conf_break(s, AMPCONF_ERROR, "shared window: %s", strerror(errno));
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
				return conf_break(s, AMPCONF_ERROR, "no memory");
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
	struct iut_sink sink = conf_iut_sink;
	struct iut_wire_attach a;
	const char *why;
	int ret;

	sink.ctx = s;
	if (layout(s) || open_window(s) || alloc_expectations(s))
		return -1;
	if (iut_proxy_spawn(&s->proxy, s->opt->library, s->shm, s->shm_size, &sink,
			    s->opt->timeout_ms ? s->opt->timeout_ms : 10000))
		return conf_break(s, AMPCONF_ERROR, "%s", s->proxy.error);
	snprintf(s->res->iut_name, sizeof(s->res->iut_name), "%s", s->proxy.name);
	why = not_applicable(s);
	if (why)
		return conf_break(s, AMPCONF_SKIPPED, "%s", why);
	s->res->check = ampcheck_create(&co);
	if (!s->res->check)
		return conf_break(s, AMPCONF_ERROR, "no memory for the checker");
	if (open_trace(s))
		return -1;
	s->io = (struct amp_io){.ops = &conf_peer_io, .ctx = s, .order = AMP_LITTLE_ENDIAN};
	/* The device declares its block first: as the peer here, or in the IUT's attach. */
	if (s->opt->role == AMPCONF_DRIVER && conf_peer_init(s))
		return -1;
	a.link = s->link;
	if (conf_iut_call(s, IUT_CMD_ATTACH, &a, sizeof(a), NULL, 0, &ret, NULL))
		return -1;
	if (ret < 0)
		return conf_break(s, AMPCONF_BROKEN, "the IUT refused the link: %s",
				  s->proxy.error);
	if (s->opt->role == AMPCONF_DEVICE && conf_peer_init(s))
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
	struct amptrace_reader *rd = calloc(1, sizeof(*rd));
	FILE *in = fopen(path, "rb");
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
	r = ampcheck_trace(res->check, rd);
	res->events = rd->events;
	if (r < 0) {
		if (rd->failed)
			snprintf(res->reason, sizeof(res->reason), "%s: %s", path, rd->error);
		else
			snprintf(res->reason, sizeof(res->reason), "checker: %s",
				 ampcheck_error(res->check));
		goto out;
	}
	if (ampcheck_finish(res->check) && res->outcome == AMPCONF_PASSED)
		res->outcome = AMPCONF_FAILED;
out:
	if (r < 0)
		res->outcome = AMPCONF_ERROR;
	if (rd)
		amptrace_reader_close(rd);
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
		conf_crashed(s);
	if (s->trace_file) {
		if (amptrace_writer_close(&s->writer) && !s->broken)
			conf_break(s, AMPCONF_ERROR, "trace: %s", s->writer.error);
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
			if (conf_do_step(s, &steps[i]) && s->broken) {
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
