// SPDX-License-Identifier: BSD-3-Clause
/*
 * vring benchmark: the reference split ring between two polling threads pinned to two CPUs,
 * ring size 256, 512-byte buffers, with a two-cache-line ping-pong measured in the same run as
 * the physical floor.
 *
 *	vring_bench [--quick] [--json]
 *
 * Each metric is the median of several runs. Payloads are copied into and out of the shared
 * buffers and checked, so the figures include real data movement. Threads, the report, the
 * ping-pong and the echo live in bench_harness.c, shared with the rpmsg benchmark.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "amp/error.h"
#include "bench_harness.h"

#define NUM      BENCH_NUM
#define BUF_SIZE BENCH_BUF_SIZE
#define BATCH    BENCH_BATCH

struct params {
	uint64_t stream_messages;
	uint64_t echo_round_trips;
	uint64_t pingpong_rounds;
	int runs;
};

/* ------------------------------------------------------------------ one-way stream */

static void stream_device(struct bench_ring_job *j)
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
			bench_die("stream get_avail", r);
		memcpy(local, elem.va, j->payload);
		memcpy(&expect, local, sizeof(expect));
		if (expect != n)
			bench_die("stream payload", -AMP_EBADMSG);
		r = amp_vring_dev_add_used(vr, chain.head, 0);
		if (r)
			bench_die("stream add_used", r);
		/* Buffers go back per poll pass (and every BATCH): "unbatched" is the sender
		 * publishing avail.idx per message, as in the prototype the targets come from. */
		if (++n % BATCH == 0)
			amp_vring_dev_publish(vr);
	}
	amp_vring_dev_publish(vr);
}

static void stream_driver(struct bench_ring_job *j)
{
	struct amp_vring *vr = &j->tx->drv;
	struct bench_buf_cycle bufs = {.rp = j->tx};
	uint8_t local[BUF_SIZE];
	int r;

	memset(local, 0x5a, sizeof(local));
	for (uint64_t i = 0; i < j->count; i++) {
		uint8_t *buf;

		bench_reclaim(vr, &bufs);
		buf = bench_next_buf(&bufs);
		memcpy(local, &i, sizeof(i));
		memcpy(buf, local, j->payload);
		r = amp_vring_drv_add_buf(vr, buf, j->payload, false, buf);
		if (r)
			bench_die("stream add", r);
		if (!j->batched || (i + 1) % BATCH == 0)
			amp_vring_drv_publish(vr);
	}
	amp_vring_drv_publish(vr);
	/* Done when every buffer is back: the device has consumed all of them. */
	while (amp_vring_drv_num_free(vr) < NUM) {
		r = amp_vring_drv_get_used(vr, NULL, NULL);
		if (r && r != -AMP_EAGAIN)
			bench_die("stream drain", r);
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

static void bare_device(struct bench_ring_job *j)
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
			bench_die("bare payload", -AMP_EBADMSG);
		r.used_ring[2 * (used % NUM)] = head;
		r.used_ring[2 * (used % NUM) + 1] = 0;
		used++;
		if (++n % BATCH == 0)
			__atomic_store_n(r.used_idx, used, __ATOMIC_RELEASE);
	}
	__atomic_store_n(r.used_idx, used, __ATOMIC_RELEASE);
}

static void bare_driver(struct bench_ring_job *j)
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

int main(int argc, char **argv)
{
	struct params p = {2000000, 200000, 1000000, 5};
	struct bench_options opt;
	struct bench_metric m[12];
	struct bench_ring_job j;
	char headline[128];
	int nm = 0;

	bench_parse_args("vring_bench", argc, argv, NULL, &opt);
	if (opt.quick)
		p = (struct params){200000, 20000, 100000, 3};

	m[nm++] = (struct bench_metric){
		"pingpong_rtt_ns", bench_pingpong_rtt_ns(p.pingpong_rounds, p.runs), "calibration"};

	j = (struct bench_ring_job){.count = p.stream_messages, .payload = 16};
	m[nm++] = (struct bench_metric){
		"stream_unbatched_ns",
		bench_ring_median(p.runs, stream_driver, stream_device, &j, false), "<= 50"};
	j.batched = true;
	m[nm++] = (struct bench_metric){
		"stream_batched_ns",
		bench_ring_median(p.runs, stream_driver, stream_device, &j, false), "<= 15"};
	j.payload = 496;
	m[nm++] = (struct bench_metric){
		"stream_512_ns", bench_ring_median(p.runs, stream_driver, stream_device, &j, false),
		"<= 120"};

	m[nm++] = (struct bench_metric){
		"echo_rtt_16_ns", bench_vring_echo_rtt_ns(16, p.echo_round_trips, p.runs), "-"};
	m[nm++] = (struct bench_metric){
		"echo_rtt_496_ns", bench_vring_echo_rtt_ns(496, p.echo_round_trips, p.runs), "-"};
	m[nm++] = (struct bench_metric){"echo_over_pingpong", m[4].value / m[0].value, "<= 3.0"};

	j = (struct bench_ring_job){.count = p.stream_messages, .payload = 16};
	m[nm++] = (struct bench_metric){
		"bare_stream_batched_ns",
		bench_ring_median(p.runs, bare_driver, bare_device, &j, false), "calibration"};
	m[nm++] = (struct bench_metric){"stream_batched_over_bare", m[2].value / m[7].value, "-"};

	snprintf(headline, sizeof(headline),
		 "vring: ring %d, %d-byte buffers, two polling threads on CPUs 0 and 1, "
		 "median of %d runs",
		 NUM, BUF_SIZE, p.runs);
	bench_report("vring", headline, m, nm, opt.json);
	return 0;
}
