// SPDX-License-Identifier: BSD-3-Clause
/*
 * vring benchmark: the reference split ring between two polling threads pinned to two CPUs,
 * ring size 256, 512-byte buffers, with a two-cache-line ping-pong measured in the same run as
 * the physical floor.
 *
 *	vring_bench [--quick] [--json]
 *
 * Each metric is the median of several runs. Payloads are copied into and out of the shared
 * buffers and checked, so the figures include real data movement.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amp/error.h"
#include "ring_pair.h"

#define NUM      256
#define BUF_SIZE 512
#define BATCH    32

struct params {
	uint64_t stream_messages;
	uint64_t echo_round_trips;
	uint64_t pingpong_rounds;
	int runs;
};

/* What one timed run needs; the device half runs on the second thread. */
struct job {
	void (*device)(struct job *j);
	struct ring_pair *tx; /* driver -> device */
	struct ring_pair *rx; /* device -> driver (echo only) */
	uint64_t count;
	uint32_t payload;
	bool batched;
	volatile uint64_t *ping; /* ping-pong lines */
	volatile uint64_t *pong;
	volatile int ready;
	uint64_t sink;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "vring_bench: %s: %s\n", what, amp_strerror(err));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Best effort: on a one-CPU machine the figures are just slower, not wrong. */
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* ------------------------------------------------------------------ ping-pong */

static void pingpong_device(struct job *j)
{
	for (uint64_t i = 1; i <= j->count; i++) {
		while (__atomic_load_n(j->ping, __ATOMIC_ACQUIRE) != i)
			;
		__atomic_store_n(j->pong, i, __ATOMIC_RELEASE);
	}
}

static void pingpong_driver(struct job *j)
{
	for (uint64_t i = 1; i <= j->count; i++) {
		__atomic_store_n(j->ping, i, __ATOMIC_RELEASE);
		while (__atomic_load_n(j->pong, __ATOMIC_ACQUIRE) != i)
			;
	}
}

/* ------------------------------------------------------------------ one-way stream */

static void stream_device(struct job *j)
{
	struct amp_vring *vr = &j->tx->dev;
	struct amp_vring_elem elem;
	struct amp_vring_chain chain = {.elems = &elem, .max_elems = 1};
	uint8_t local[BUF_SIZE];
	uint64_t n = 0, expect = 0;

	while (n < j->count) {
		int r = amp_vring_dev_get_avail(vr, &chain);

		if (r == -AMP_EAGAIN) {
			amp_vring_dev_publish(vr);
			continue;
		}
		if (r)
			die("stream get_avail", r);
		memcpy(local, elem.va, j->payload);
		memcpy(&expect, local, sizeof(expect));
		if (expect != n)
			die("stream payload", -AMP_EBADMSG);
		r = amp_vring_dev_add_used(vr, chain.head, 0);
		if (r)
			die("stream add_used", r);
		/* Buffers go back per poll pass (and every BATCH): "unbatched" is the sender
		 * publishing avail.idx per message, as in the prototype the targets come from. */
		if (++n % BATCH == 0)
			amp_vring_dev_publish(vr);
	}
	amp_vring_dev_publish(vr);
}

/*
 * Transmit buffers are used round robin. The device returns them in the order it took them
 * (what every rpmsg device does, and what Linux's transmit-buffer reclaim relies on), so the
 * next free buffer is known; each returned token is checked against it.
 */
struct buf_cycle {
	struct ring_pair *rp;
	uint64_t sent;      /* buffers handed out */
	uint64_t reclaimed; /* buffers back from the used ring */
};

/* Collect returned buffers until at least one is free. */
static void reclaim(struct amp_vring *vr, struct buf_cycle *c)
{
	void *token;
	int r;

	while (c->sent - c->reclaimed == NUM) {
		while ((r = amp_vring_drv_get_used(vr, NULL, &token)) == 0) {
			if (token != ring_pair_buf(c->rp, (uint32_t)(c->reclaimed++ % NUM)))
				die("buffer returned out of order", -AMP_EPROTO);
		}
		if (r != -AMP_EAGAIN)
			die("reclaim", r);
	}
}

static uint8_t *next_buf(struct buf_cycle *c)
{
	return ring_pair_buf(c->rp, (uint32_t)(c->sent++ % NUM));
}

static void stream_driver(struct job *j)
{
	struct amp_vring *vr = &j->tx->drv;
	struct buf_cycle bufs = {.rp = j->tx};
	uint8_t local[BUF_SIZE];
	int r;

	memset(local, 0x5a, sizeof(local));
	for (uint64_t i = 0; i < j->count; i++) {
		uint8_t *buf;

		reclaim(vr, &bufs);
		buf = next_buf(&bufs);
		memcpy(local, &i, sizeof(i));
		memcpy(buf, local, j->payload);
		r = amp_vring_drv_add_buf(vr, buf, j->payload, false, buf);
		if (r)
			die("stream add", r);
		if (!j->batched || (i + 1) % BATCH == 0)
			amp_vring_drv_publish(vr);
	}
	amp_vring_drv_publish(vr);
	/* Done when every buffer is back: the device has consumed all of them. */
	while (amp_vring_drv_num_free(vr) < NUM) {
		r = amp_vring_drv_get_used(vr, NULL, NULL);
		if (r && r != -AMP_EAGAIN)
			die("stream drain", r);
	}
}

/* ------------------------------------------------------------------ echo (two rings) */

static void echo_device(struct job *j)
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
			die("echo get reply buffer", r);
		while ((r = amp_vring_dev_get_avail(tx, &creq)) == -AMP_EAGAIN)
			amp_vring_dev_publish(tx); /* return consumed requests while idle */
		if (r)
			die("echo get request", r);
		/* The reply is on the critical path: publish it first, return the request
		 * buffer afterwards and in batches. */
		memcpy(resp.va, req.va, req.len);
		r = amp_vring_dev_add_used(rx, cresp.head, req.len);
		if (r)
			die("echo add reply", r);
		amp_vring_dev_publish(rx);
		r = amp_vring_dev_add_used(tx, creq.head, 0);
		if (r)
			die("echo return request", r);
		if (++n % BATCH == 0)
			amp_vring_dev_publish(tx);
	}
	amp_vring_dev_publish(tx);
}

/* Send request @i from a free transmit buffer. */
static void echo_send(struct job *j, struct buf_cycle *tx_bufs, uint64_t i)
{
	struct amp_vring *tx = &j->tx->drv;
	uint8_t local[BUF_SIZE];
	uint8_t *buf;
	int r;

	reclaim(tx, tx_bufs);
	buf = next_buf(tx_bufs);
	memset(local, 0xa5, j->payload);
	memcpy(local, &i, sizeof(i));
	memcpy(buf, local, j->payload);
	r = amp_vring_drv_add_buf(tx, buf, j->payload, false, buf);
	if (r)
		die("echo send", r);
	amp_vring_drv_publish(tx);
}

static void echo_driver(struct job *j)
{
	struct amp_vring *rx = &j->rx->drv;
	struct buf_cycle tx_bufs = {.rp = j->tx};
	uint8_t local[BUF_SIZE];
	int r;

	echo_send(j, &tx_bufs, 0);
	for (uint64_t i = 0; i < j->count; i++) {
		void *token;
		uint32_t len;
		uint64_t got;

		while ((r = amp_vring_drv_get_used(rx, &len, &token)) == -AMP_EAGAIN)
			;
		if (r)
			die("echo receive", r);
		memcpy(local, token, len);
		memcpy(&got, local, sizeof(got));
		if (len != j->payload || got != i)
			die("echo reply", -AMP_EBADMSG);
		if (i + 1 < j->count)
			echo_send(j, &tx_bufs, i + 1);
		/* Re-post the receive buffer, as rpmsg does after each message, once the next
		 * request is out: its stores would otherwise be ordered before the request's. */
		r = amp_vring_drv_add_buf(rx, token, BUF_SIZE, true, token);
		if (r)
			die("echo re-post", r);
		amp_vring_drv_publish(rx);
	}
}

/* ------------------------------------------------------------------ bare ring floor */

/*
 * The same one-way batched stream over a bare split ring: the same layout, buffers and payload
 * copies, but no API, no validation, no byte order, no translation. It is the floor any
 * split-ring implementation meets on this machine, measured in the same run.
 */
struct bare_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct bare_ring {
	struct bare_desc *desc;
	uint16_t *avail_idx;
	uint16_t *avail_ring;
	uint16_t *used_idx;
	uint32_t *used_ring; /* id, len pairs */
};

static struct bare_ring bare_map(struct ring_pair *rp)
{
	struct amp_vring_layout l;

	amp_vring_layout(NUM, 4096, &l);
	return (struct bare_ring){(struct bare_desc *)rp->mem, (uint16_t *)(rp->mem + l.avail + 2),
				  (uint16_t *)(rp->mem + l.avail_ring),
				  (uint16_t *)(rp->mem + l.used + 2),
				  (uint32_t *)(rp->mem + l.used_ring)};
}

static void bare_device(struct job *j)
{
	struct bare_ring r = bare_map(j->tx);
	uint16_t last = 0, avail = 0, used = 0;
	uint8_t local[BUF_SIZE];
	uint64_t n = 0, expect;

	while (n < j->count) {
		uint16_t head;

		if (last == avail) {
			avail = __atomic_load_n(r.avail_idx, __ATOMIC_ACQUIRE);
			if (avail == last) {
				__atomic_store_n(r.used_idx, used, __ATOMIC_RELEASE);
				continue;
			}
		}
		head = r.avail_ring[last++ % NUM];
		memcpy(local, (void *)(uintptr_t)r.desc[head].addr, j->payload);
		memcpy(&expect, local, sizeof(expect));
		if (expect != n)
			die("bare payload", -AMP_EBADMSG);
		r.used_ring[2 * (used % NUM)] = head;
		r.used_ring[2 * (used % NUM) + 1] = 0;
		used++;
		if (++n % BATCH == 0)
			__atomic_store_n(r.used_idx, used, __ATOMIC_RELEASE);
	}
	__atomic_store_n(r.used_idx, used, __ATOMIC_RELEASE);
}

static void bare_driver(struct job *j)
{
	struct bare_ring r = bare_map(j->tx);
	uint16_t free_heads[NUM], nfree = 0, avail = 0, last_used = 0;
	uint8_t local[BUF_SIZE];

	memset(local, 0x5a, sizeof(local));
	for (uint16_t i = 0; i < NUM; i++)
		free_heads[nfree++] = i;
	for (uint64_t i = 0; i < j->count; i++) {
		uint16_t head;
		uint8_t *buf;

		while (!nfree) {
			uint16_t used = __atomic_load_n(r.used_idx, __ATOMIC_ACQUIRE);

			while (last_used != used)
				free_heads[nfree++] =
					(uint16_t)r.used_ring[2 * (last_used++ % NUM)];
		}
		head = free_heads[--nfree];
		buf = ring_pair_buf(j->tx, head);
		memcpy(local, &i, sizeof(i));
		memcpy(buf, local, j->payload);
		r.desc[head] = (struct bare_desc){(uintptr_t)buf, j->payload, 0, 0};
		r.avail_ring[avail++ % NUM] = head;
		if (avail % BATCH == 0)
			__atomic_store_n(r.avail_idx, avail, __ATOMIC_RELEASE);
	}
	__atomic_store_n(r.avail_idx, avail, __ATOMIC_RELEASE);
	while (last_used != avail)
		last_used = __atomic_load_n(r.used_idx, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------------ harness */

static void *device_thread(void *arg)
{
	struct job *j = arg;

	pin(1);
	__atomic_store_n(&j->ready, 1, __ATOMIC_RELEASE);
	j->device(j);
	return NULL;
}

static void setup_pair(struct ring_pair *rp)
{
	int err = ring_pair_init(rp, NUM, 4096, 0, AMP_NATIVE_BYTE_ORDER, NUM, BUF_SIZE);

	if (err)
		die("ring setup", err);
	/* Polling on both sides: neither wants notifications. */
	amp_vring_drv_disable_cb(&rp->drv);
	amp_vring_dev_disable_notify(&rp->dev);
}

/* One timed run; returns nanoseconds per message, round trip or ping-pong round. */
static double run_once(void (*driver)(struct job *), struct job *j)
{
	struct ring_pair tx, rx;
	pthread_t t;
	double t0, t1;

	setup_pair(&tx);
	setup_pair(&rx);
	j->tx = &tx;
	j->rx = &rx;
	j->ready = 0;
	if (j->ping) /* each run counts from 1 again */
		*j->ping = *j->pong = 0;
	if (j->device == echo_device) {
		for (uint32_t i = 0; i < NUM; i++) {
			int err = amp_vring_drv_add_buf(&rx.drv, ring_pair_buf(&rx, i), BUF_SIZE,
							true, ring_pair_buf(&rx, i));
			if (err)
				die("pre-post", err);
		}
		amp_vring_drv_publish(&rx.drv);
	}
	if (pthread_create(&t, NULL, device_thread, j))
		die("pthread_create", -AMP_ENOMEM);
	while (!__atomic_load_n(&j->ready, __ATOMIC_ACQUIRE))
		;
	t0 = now_ns();
	driver(j);
	t1 = now_ns();
	pthread_join(t, NULL);
	ring_pair_fini(&tx);
	ring_pair_fini(&rx);
	return (t1 - t0) / (double)j->count;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(const struct params *p, void (*driver)(struct job *), struct job *j)
{
	double v[16];
	int n = p->runs < 16 ? p->runs : 16;

	for (int i = 0; i < n; i++)
		v[i] = run_once(driver, j);
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

struct metric {
	const char *name;
	double value;
	const char *target;
};

int main(int argc, char **argv)
{
	struct params p = {2000000, 200000, 1000000, 5};
	bool json = false;
	struct metric m[12];
	int nm = 0;
	static struct {
		_Alignas(128) uint64_t ping;
		_Alignas(128) uint64_t pong;
	} lines;
	struct job j;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			p = (struct params){200000, 20000, 100000, 3};
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else {
			fprintf(stderr, "usage: %s [--quick] [--json]\n", argv[0]);
			return 2;
		}
	}
	pin(0);

	j = (struct job){.device = pingpong_device,
			 .count = p.pingpong_rounds,
			 .ping = &lines.ping,
			 .pong = &lines.pong};
	m[nm++] = (struct metric){"pingpong_rtt_ns", median_of(&p, pingpong_driver, &j),
				  "calibration"};

	j = (struct job){.device = stream_device, .count = p.stream_messages, .payload = 16};
	m[nm++] = (struct metric){"stream_unbatched_ns", median_of(&p, stream_driver, &j), "<= 50"};
	j.batched = true;
	m[nm++] = (struct metric){"stream_batched_ns", median_of(&p, stream_driver, &j), "<= 15"};
	j.payload = 496;
	m[nm++] = (struct metric){"stream_512_ns", median_of(&p, stream_driver, &j), "<= 120"};

	j = (struct job){.device = echo_device, .count = p.echo_round_trips, .payload = 16};
	m[nm++] = (struct metric){"echo_rtt_16_ns", median_of(&p, echo_driver, &j), "-"};
	j.payload = 496;
	m[nm++] = (struct metric){"echo_rtt_496_ns", median_of(&p, echo_driver, &j), "-"};
	m[nm++] = (struct metric){"echo_over_pingpong", m[4].value / m[0].value, "<= 3.0"};

	j = (struct job){.device = bare_device, .count = p.stream_messages, .payload = 16};
	m[nm++] = (struct metric){"bare_stream_batched_ns", median_of(&p, bare_driver, &j),
				  "calibration"};
	m[nm++] = (struct metric){"stream_batched_over_bare", m[2].value / m[7].value, "-"};

	if (json) {
		printf("{\"bench\": \"vring\", \"metrics\": {");
		for (int i = 0; i < nm; i++)
			printf("%s\"%s\": %.3f", i ? ", " : "", m[i].name, m[i].value);
		printf("}}\n");
	} else {
		printf("vring: ring %d, %d-byte buffers, two polling threads on CPUs 0 and 1, "
		       "median of %d runs\n\n",
		       NUM, BUF_SIZE, p.runs);
		printf("%-22s %12s  %s\n", "metric", "value", "target");
		for (int i = 0; i < nm; i++)
			printf("%-22s %12.2f  %s\n", m[i].name, m[i].value, m[i].target);
	}
	return 0;
}
