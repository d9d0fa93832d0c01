// SPDX-License-Identifier: BSD-3-Clause
/*
 * The shared benchmark harness (see bench_harness.h): threads, timing, report, and the two
 * calibrations (ping-pong, raw split-ring echo) that every benchmark measures in its own run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amp/error.h"
#include "bench_harness.h"

static const char *bench_prog = "bench";

void bench_die(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", bench_prog, what, amp_strerror(err));
	exit(1);
}

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Best effort: on a one-CPU machine the figures are just slower, not wrong. */
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

void bench_parse_args(const char *prog, int argc, char **argv, bool (*extra)(const char *arg),
		      struct bench_options *opt)
{
	bench_prog = prog;
	*opt = (struct bench_options){0};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			opt->quick = true;
		} else if (!strcmp(argv[i], "--json")) {
			opt->json = true;
		} else if (!extra || !extra(argv[i])) {
			fprintf(stderr, "usage: %s [--quick] [--json]\n", argv[0]);
			exit(2);
		}
	}
	bench_pin(0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

/* ------------------------------------------------------------------ two threads */

struct timed {
	void (*device)(void *);
	void *arg;
	volatile int ready;
};

static void *device_thread(void *p)
{
	struct timed *t = p;

	bench_pin(1);
	__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	t->device(t->arg);
	return NULL;
}

double bench_timed(void (*driver)(void *), void (*device)(void *), void *arg)
{
	struct timed t = {.device = device, .arg = arg};
	pthread_t th;
	double t0, t1;

	if (pthread_create(&th, NULL, device_thread, &t))
		bench_die("pthread_create", -AMP_ENOMEM);
	while (!__atomic_load_n(&t.ready, __ATOMIC_ACQUIRE))
		;
	t0 = bench_now_ns();
	driver(arg);
	t1 = bench_now_ns();
	/* After the clock: joining wakes a sleeping thread, which costs tens of microseconds on a
	 * virtual machine. */
	pthread_join(th, NULL);
	return t1 - t0;
}

/* ------------------------------------------------------------------ ping-pong */

struct pingpong {
	volatile uint64_t *ping;
	volatile uint64_t *pong;
	uint64_t count;
};

static void pingpong_device(void *arg)
{
	struct pingpong *j = arg;

	for (uint64_t i = 1; i <= j->count; i++) {
		while (__atomic_load_n(j->ping, __ATOMIC_ACQUIRE) != i)
			;
		__atomic_store_n(j->pong, i, __ATOMIC_RELEASE);
	}
}

static void pingpong_driver(void *arg)
{
	struct pingpong *j = arg;

	for (uint64_t i = 1; i <= j->count; i++) {
		__atomic_store_n(j->ping, i, __ATOMIC_RELEASE);
		while (__atomic_load_n(j->pong, __ATOMIC_ACQUIRE) != i)
			;
	}
}

double bench_pingpong_rtt_ns(uint64_t rounds, int runs)
{
	/* 128 bytes apart: the adjacent-line prefetcher pairs 64-byte lines. */
	static struct {
		_Alignas(128) uint64_t ping;
		_Alignas(128) uint64_t pong;
	} lines;
	struct pingpong j = {&lines.ping, &lines.pong, rounds};
	double v[BENCH_MAX_RUNS];
	int n = runs < BENCH_MAX_RUNS ? runs : BENCH_MAX_RUNS;

	for (int i = 0; i < n; i++) {
		lines.ping = lines.pong = 0; /* each run counts from 1 again */
		v[i] = bench_timed(pingpong_driver, pingpong_device, &j) / (double)rounds;
	}
	return bench_median(v, n);
}

/* ------------------------------------------------------------------ ring runs */

void bench_reclaim(struct amp_vring *vr, struct bench_buf_cycle *c)
{
	void *token;
	int r;

	while (c->sent - c->reclaimed == BENCH_NUM) {
		while ((r = amp_vring_drv_get_used(vr, NULL, &token)) == 0) {
			if (token != ring_pair_buf(c->rp, (uint32_t)(c->reclaimed++ % BENCH_NUM)))
				bench_die("buffer returned out of order", -AMP_EPROTO);
		}
		if (r != -AMP_EAGAIN)
			bench_die("reclaim", r);
	}
}

uint8_t *bench_next_buf(struct bench_buf_cycle *c)
{
	return ring_pair_buf(c->rp, (uint32_t)(c->sent++ % BENCH_NUM));
}

static void setup_pair(struct ring_pair *rp)
{
	int err = ring_pair_init(rp, BENCH_NUM, 4096, 0, AMP_NATIVE_BYTE_ORDER, BENCH_NUM,
				 BENCH_BUF_SIZE);

	if (err)
		bench_die("ring setup", err);
	/* Polling on both sides: neither wants notifications. */
	amp_vring_drv_disable_cb(&rp->drv);
	amp_vring_dev_disable_notify(&rp->dev);
}

struct ring_run {
	void (*driver)(struct bench_ring_job *);
	void (*device)(struct bench_ring_job *);
	struct bench_ring_job *job;
};

static void ring_run_driver(void *arg)
{
	struct ring_run *r = arg;

	r->driver(r->job);
}

static void ring_run_device(void *arg)
{
	struct ring_run *r = arg;

	r->device(r->job);
}

/* One timed run; returns nanoseconds per message or round trip. */
static double ring_run_once(struct ring_run *run, bool prepost_rx)
{
	struct bench_ring_job *j = run->job;
	struct ring_pair tx, rx;
	double ns;

	setup_pair(&tx);
	setup_pair(&rx);
	j->tx = &tx;
	j->rx = &rx;
	if (prepost_rx) {
		for (uint32_t i = 0; i < BENCH_NUM; i++) {
			int err =
				amp_vring_drv_add_buf(&rx.drv, ring_pair_buf(&rx, i),
						      BENCH_BUF_SIZE, true, ring_pair_buf(&rx, i));
			if (err)
				bench_die("pre-post", err);
		}
		amp_vring_drv_publish(&rx.drv);
	}
	ns = bench_timed(ring_run_driver, ring_run_device, run);
	ring_pair_fini(&tx);
	ring_pair_fini(&rx);
	return ns / (double)j->count;
}

double bench_ring_median(int runs, void (*driver)(struct bench_ring_job *),
			 void (*device)(struct bench_ring_job *), struct bench_ring_job *j,
			 bool prepost_rx)
{
	struct ring_run run = {driver, device, j};
	double v[BENCH_MAX_RUNS];
	int n = runs < BENCH_MAX_RUNS ? runs : BENCH_MAX_RUNS;

	for (int i = 0; i < n; i++)
		v[i] = ring_run_once(&run, prepost_rx);
	return bench_median(v, n);
}

/* ------------------------------------------------------------------ echo (two rings) */

static void echo_device(struct bench_ring_job *j)
{
	struct amp_vring *tx = &j->tx->dev, *rx = &j->rx->dev;
	struct amp_vring_elem req, resp;
	struct amp_vring_chain creq = {.elems = &req, .max_elems = 1};
	struct amp_vring_chain cresp = {.elems = &resp, .max_elems = 1};
	uint64_t n = 0;
	int r;

	while (n < j->count) {
		/* Take the reply buffer before the request arrives: its descriptor and line are
		 * then off the critical path. */
		while ((r = amp_vring_dev_get_avail(rx, &cresp)) == -AMP_EAGAIN)
			;
		if (r)
			bench_die("echo get reply buffer", r);
		while ((r = amp_vring_dev_get_avail(tx, &creq)) == -AMP_EAGAIN)
			amp_vring_dev_publish(tx); /* return consumed requests while idle */
		if (r)
			bench_die("echo get request", r);
		/* The reply is on the critical path: publish it first, return the request
		 * buffer afterwards and in batches. */
		memcpy(resp.va, req.va, req.len);
		r = amp_vring_dev_add_used(rx, cresp.head, req.len);
		if (r)
			bench_die("echo add reply", r);
		amp_vring_dev_publish(rx);
		r = amp_vring_dev_add_used(tx, creq.head, 0);
		if (r)
			bench_die("echo return request", r);
		if (++n % BENCH_BATCH == 0)
			amp_vring_dev_publish(tx);
	}
	amp_vring_dev_publish(tx);
}

/* Send request @i from a free transmit buffer. */
static void echo_send(struct bench_ring_job *j, struct bench_buf_cycle *tx_bufs, uint64_t i)
{
	struct amp_vring *tx = &j->tx->drv;
	uint8_t local[BENCH_BUF_SIZE];
	uint8_t *buf;
	int r;

	bench_reclaim(tx, tx_bufs);
	buf = bench_next_buf(tx_bufs);
	memset(local, 0xa5, j->payload);
	memcpy(local, &i, sizeof(i));
	memcpy(buf, local, j->payload);
	r = amp_vring_drv_add_buf(tx, buf, j->payload, false, buf);
	if (r)
		bench_die("echo send", r);
	amp_vring_drv_publish(tx);
}

static void echo_driver(struct bench_ring_job *j)
{
	struct amp_vring *rx = &j->rx->drv;
	struct bench_buf_cycle tx_bufs = {.rp = j->tx};
	uint8_t local[BENCH_BUF_SIZE];
	int r;

	echo_send(j, &tx_bufs, 0);
	for (uint64_t i = 0; i < j->count; i++) {
		void *token;
		uint32_t len;
		uint64_t got;

		while ((r = amp_vring_drv_get_used(rx, &len, &token)) == -AMP_EAGAIN)
			;
		if (r)
			bench_die("echo receive", r);
		memcpy(local, token, len);
		memcpy(&got, local, sizeof(got));
		if (len != j->payload || got != i)
			bench_die("echo reply", -AMP_EBADMSG);
		if (i + 1 < j->count)
			echo_send(j, &tx_bufs, i + 1);
		/* Re-post the receive buffer, as rpmsg does after each message, once the next
		 * request is out: its stores would otherwise be ordered before the request's. */
		r = amp_vring_drv_add_buf(rx, token, BENCH_BUF_SIZE, true, token);
		if (r)
			bench_die("echo re-post", r);
		amp_vring_drv_publish(rx);
	}
}

double bench_vring_echo_rtt_ns(uint32_t payload, uint64_t round_trips, int runs)
{
	struct bench_ring_job j = {.count = round_trips, .payload = payload};

	return bench_ring_median(runs, echo_driver, echo_device, &j, true);
}

/* ------------------------------------------------------------------ report */

void bench_report(const char *bench, const char *headline, const struct bench_metric *m, int n,
		  bool json)
{
	int width = 22;

	if (json) {
		printf("{\"bench\": \"%s\", \"metrics\": {", bench);
		for (int i = 0; i < n; i++)
			printf("%s\"%s\": %.3f", i ? ", " : "", m[i].name, m[i].value);
		printf("}}\n");
		return;
	}
	/* The name column fits the longest name. */
	for (int i = 0; i < n; i++)
		width = (int)strlen(m[i].name) > width ? (int)strlen(m[i].name) : width;
	printf("%s\n\n", headline);
	printf("%-*s %12s  %s\n", width, "metric", "value", "target");
	for (int i = 0; i < n; i++)
		printf("%-*s %12.2f  %s\n", width, m[i].name, m[i].value, m[i].target);
}
