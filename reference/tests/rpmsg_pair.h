/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test fixture: a host node (driver role) and a remote node (device role) on one rpmsg link in
 * one address space, stepped by the test on one thread.
 *
 * Memory (one 4 KiB-aligned block, one shared window at device address RPMSG_PAIR_DA, unlike
 * its local address so that a missing translation shows):
 *   0x0000  the device block (struct fw_rsc_vdev layout)
 *   0x1000  vring0, then vring1 at the next 4 KiB boundary
 *   then    the buffer pool: receive buffers, then transmit buffers
 */
#ifndef AMP_RPMSG_PAIR_H
#define AMP_RPMSG_PAIR_H

#include "amp/rpmsg.h"

#define RPMSG_PAIR_DA        0x40000000ull
#define RPMSG_PAIR_CHANNELS  8
#define RPMSG_PAIR_NOTIFYID0 0u
#define RPMSG_PAIR_NOTIFYID1 1u

/**
 * struct rpmsg_pair_config - what differs between tests
 * @num0: vring0 size
 * @num1: vring1 size
 * @align: used-ring alignment of both rings
 * @order: byte order of the link
 * @dfeatures: what the device block offers
 * @host_features: what the host supports (&amp_rpmsg_link_config.features)
 * @remote_features: what the remote supports
 * @buf_size: buffer size in both directions (0: 512)
 * @openamp_used_len: remote's compatibility setting
 * @host_ops: host platform hooks (may be NULL)
 * @host_ctx: their context
 * @remote_ops: remote platform hooks (may be NULL)
 * @remote_ctx: their context
 */
struct rpmsg_pair_config {
	uint32_t num0, num1, align;
	enum amp_byte_order order;
	uint32_t dfeatures;
	uint32_t host_features;
	uint32_t remote_features;
	uint32_t buf_size;
	bool openamp_used_len;
	const struct amp_rpmsg_platform_ops *host_ops;
	void *host_ctx;
	const struct amp_rpmsg_platform_ops *remote_ops;
	void *remote_ctx;
};

struct rpmsg_pair {
	uint8_t *mem;
	size_t mem_size;
	volatile uint8_t *vdev;
	uint8_t *ring[2];
	size_t ring_size[2];
	uint8_t *pool;
	size_t pool_size;
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_rpmsg_node host, remote;
	struct amp_rpmsg_link hlink, rlink;
	struct amp_rpmsg_channel hch[RPMSG_PAIR_CHANNELS], rch[RPMSG_PAIR_CHANNELS];
	void *hwork, *rwork;
	unsigned int host_kicks[2];   /* kicks the host sent, by notify id */
	unsigned int remote_kicks[2]; /* kicks the remote sent, by notify id */
};

/* 256-entry rings, align 4096, little-endian, F_NS offered and supported on both sides. */
void rpmsg_pair_default_config(struct rpmsg_pair_config *cfg);

/* Lay out the memory, write the device block and initialise both links (none started). */
int rpmsg_pair_init(struct rpmsg_pair *p, const struct rpmsg_pair_config *cfg);

/* Start the host's link and poll the remote until its link is up; 0 or a negative error. */
int rpmsg_pair_start(struct rpmsg_pair *p);

/* Poll both sides until a round delivers nothing (at most @max_rounds rounds); returns the
 * number of messages delivered, or a negative error from a poll. */
int rpmsg_pair_pump(struct rpmsg_pair *p, int max_rounds);

void rpmsg_pair_fini(struct rpmsg_pair *p);

#endif /* AMP_RPMSG_PAIR_H */
