/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the benchmarks share: two threads pinned to CPUs 0 and 1, timing, medians, the report
 * (a table, or one JSON object with --json), and the two calibrations every benchmark measures
 * in its own run so that its figures can be read as ratios: the two-cache-line ping-pong and
 * the raw split-ring echo over the reference's vring API.
 *
 * The driver half of a timed run always runs on the calling thread (pinned to CPU0 by
 * bench_parse_args()); the device half on a second thread pinned to CPU1.
 */
#ifndef AMP_BENCH_HARNESS_H
#define AMP_BENCH_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "ring_pair.h"

/* Ring geometry of every benchmark: ring size, buffer size, publication batch. */
#define BENCH_NUM      256
#define BENCH_BUF_SIZE 512
#define BENCH_BATCH    32

/* The median is taken over at most this many runs. */
#define BENCH_MAX_RUNS 16

/**
 * struct bench_metric - one line of the report
 * @name: the metric's fixed name (the JSON key)
 * @value: its value
 * @target: what it should be, for the table ("calibration", "<= 50", "-")
 */
struct bench_metric {
	const char *name;
	double value;
	const char *target;
};

/**
 * struct bench_options - the command line every benchmark accepts
 * @quick: fewer and shorter runs
 * @json: print one JSON object instead of a table
 */
struct bench_options {
	bool quick;
	bool json;
};

/**
 * bench_parse_args() - parse [--quick] [--json], name the program for messages, pin to CPU0
 * @prog: short name used in error messages ("vring_bench")
 * @argc: from main
 * @argv: from main
 * @extra: optional parser for benchmark-specific flags (returns true when it took the flag);
 *	may be NULL
 * @opt: filled
 *
 * Prints the usage and exits with status 2 on an unknown argument.
 */
void bench_parse_args(const char *prog, int argc, char **argv, bool (*extra)(const char *arg),
		      struct bench_options *opt);

/* Print "PROG: WHAT: error text" and exit(1). */
void bench_die(const char *what, int err);

/* CLOCK_MONOTONIC in nanoseconds. */
double bench_now_ns(void);

/* Pin the calling thread to @cpu, best effort (a one-CPU machine is slower, not wrong). */
void bench_pin(int cpu);

/* Sort @v[0..@n) in place and return its median. */
double bench_median(double *v, int n);

/**
 * bench_timed() - one timed run on two threads
 * @driver: runs on the calling thread between the two clock readings
 * @device: runs on a new thread pinned to CPU1, started (and signalled ready) before the clock
 *	starts; it must finish on its own once @driver is done
 * @arg: passed to both
 *
 * Return: nanoseconds @driver took. The device thread is joined after the second clock reading.
 */
double bench_timed(void (*driver)(void *), void (*device)(void *), void *arg);

/**
 * struct bench_ring_job - what one timed run over the reference's split ring needs
 * @tx: driver -> device ring
 * @rx: device -> driver ring (echo only)
 * @count: messages or round trips
 * @payload: payload bytes per message
 * @batched: publish avail.idx every BENCH_BATCH messages instead of every message
 */
struct bench_ring_job {
	struct ring_pair *tx;
	struct ring_pair *rx;
	uint64_t count;
	uint32_t payload;
	bool batched;
};

/**
 * bench_ring_median() - median over @runs runs of @driver / @device on two fresh ring pairs
 * @runs: number of runs (at most BENCH_MAX_RUNS are used)
 * @driver: the driver half (calling thread)
 * @device: the device half (CPU1)
 * @j: the job; @j->tx and @j->rx are set for each run
 * @prepost_rx: post every buffer of @j->rx device-writable before the run (as rpmsg does)
 *
 * Both rings are ring size BENCH_NUM with BENCH_NUM buffers of BENCH_BUF_SIZE bytes, native byte
 * order, notifications disabled on both sides (polling).
 *
 * Return: the median of nanoseconds per message (@j->count per run).
 */
double bench_ring_median(int runs, void (*driver)(struct bench_ring_job *),
			 void (*device)(struct bench_ring_job *), struct bench_ring_job *j,
			 bool prepost_rx);

/**
 * struct bench_buf_cycle - round-robin transmit buffers of one ring pair
 * @rp: the ring pair whose buffers are used
 * @sent: buffers handed out
 * @reclaimed: buffers back from the used ring
 *
 * The device returns buffers in the order it took them (what every rpmsg device does, and what
 * Linux's transmit-buffer reclaim relies on), so the next free buffer is known; each returned
 * token is checked against it.
 */
struct bench_buf_cycle {
	struct ring_pair *rp;
	uint64_t sent;
	uint64_t reclaimed;
};

/* Collect returned buffers from @vr (the driver handle of @c->rp) until one is free. */
void bench_reclaim(struct amp_vring *vr, struct bench_buf_cycle *c);

/* The next free buffer (call bench_reclaim() first). */
uint8_t *bench_next_buf(struct bench_buf_cycle *c);

/**
 * bench_pingpong_rtt_ns() - calibration: the two-cache-line ping-pong
 * @rounds: round trips per run
 * @runs: runs (median)
 *
 * Two 64-bit counters on separate 128-byte-aligned lines, bounced between CPU0 and CPU1: the
 * physical floor of any cross-core exchange.
 *
 * Return: median nanoseconds per round trip.
 */
double bench_pingpong_rtt_ns(uint64_t rounds, int runs);

/**
 * bench_vring_echo_rtt_ns() - echo over two reference split rings, one request outstanding
 * @payload: bytes per request and reply
 * @round_trips: round trips per run
 * @runs: runs (median)
 *
 * The request goes on one ring, the device copies it into a receive buffer the driver
 * pre-posted on a second ring (as rpmsg does), the driver copies the reply out and checks it.
 *
 * Return: median nanoseconds per round trip.
 */
double bench_vring_echo_rtt_ns(uint32_t payload, uint64_t round_trips, int runs);

/**
 * bench_report() - print the metrics
 * @bench: the benchmark's name (the JSON "bench" value)
 * @headline: first line of the table (ignored with @json)
 * @m: metrics
 * @n: number of metrics
 * @json: one line {"bench": @bench, "metrics": {...}} instead of the table
 */
void bench_report(const char *bench, const char *headline, const struct bench_metric *m, int n,
		  bool json);

#endif /* AMP_BENCH_HARNESS_H */
