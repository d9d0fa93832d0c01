/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The session engine's own parts (conform.c: the session and its trace; conform_sides.c: the
 * peer and the IUT hooked to it, the messages checked where they arrive; conform_steps.c:
 * rounds and steps). Not installed: ampconf/conform.h is the interface.
 */
#ifndef AMPCONF_CONFORM_INTERNAL_H
#define AMPCONF_CONFORM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "amp/addr.h"
#include "amp/io.h"
#include "amp/rpmsg.h"
#include "ampconf/conform.h"
#include "ampconf/iut.h"
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

static inline size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* conform.c: the session's outcome and its trace */
__attribute__((format(printf, 3, 4))) int conf_break(struct session *s, enum ampconf_outcome how,
						     const char *fmt, ...);
int conf_crashed(struct session *s);
void conf_record_store(struct session *s, unsigned int initiator, uint64_t offset,
		       const uint8_t *bytes, uint32_t len);
void conf_record_barrier(struct session *s, unsigned int initiator, unsigned int kind);
void conf_kick(struct session *s, unsigned int from, uint32_t notifyid);
uint32_t conf_take_kick(struct session *s, unsigned int who);

/* conform_sides.c: the two sides, the messages */
struct conform_ept *conf_find_ept(struct session *s, unsigned int who, const char *label);
void conf_expect_message(struct conform_ept *e, uint32_t seed, const uint8_t *data, uint32_t len,
			 uint32_t src);
bool conf_has_service(const struct conform_side *me, const char *name);
int conf_peer_received(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		       void *priv);
int conf_peer_init(struct session *s);
int conf_iut_call(struct session *s, uint32_t type, const void *a, size_t alen, const void *b,
		  size_t blen, int *ret, uint32_t *bound);
extern const struct amp_io_ops conf_peer_io;
extern const struct iut_sink conf_iut_sink;

/* conform_steps.c: steps */
int conf_do_step(struct session *s, const struct ampconf_step *step);

#endif /* AMPCONF_CONFORM_INTERNAL_H */
