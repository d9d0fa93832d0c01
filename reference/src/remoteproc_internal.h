/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The remoteproc host's private state, shared by its life cycle (remoteproc.c) and its loader
 * and resource handling (remoteproc_load.c).
 */
#ifndef AMP_REMOTEPROC_INTERNAL_H
#define AMP_REMOTEPROC_INTERNAL_H

#include "amp/addr.h"
#include "amp/remoteproc.h"

/* rpmsg vdevs and trace buffers one table may declare; more fail the boot with a reason. */
#define RPROC_MAX_VDEVS  4u
#define RPROC_MAX_TRACES 8u
/* Channels each rpmsg link can hold (the remote's announcements plus our own). */
#define RPROC_CHANNELS 16u
/* Carveouts and vrings are placed on page boundaries, as dma_alloc_coherent() places them. */
#define RPROC_PAGE 4096u
/* Linux rpmsg buffers when the configuration does not say. */
#define RPROC_RPMSG_BUF_SIZE 512u

/**
 * struct rproc_vdev - one rpmsg vdev of the table and the link that drives it
 * @offset: the vdev entry's offset in the table
 * @ring: where each vring is (host pointers), @ring_size bytes each
 * @ring_size: bytes reserved per vring (page-rounded vring_size())
 * @pool: the rpmsg buffers, @pool_size bytes
 * @pool_size: bytes
 * @notifyid: the ids assigned to the vrings
 * @max_num: the larger queue size of the two vrings (sizes the link's work area)
 * @buf_size: rpmsg buffer size, both directions
 * @work: the link's bookkeeping (malloc), @work_size bytes
 * @work_size: bytes
 * @channels: the link's channel pool (malloc)
 * @link: the rpmsg link (driver role)
 * @inited: @link is on the node's list
 */
struct rproc_vdev {
	uint32_t offset;
	void *ring[2];
	size_t ring_size[2];
	void *pool;
	size_t pool_size;
	uint32_t notifyid[2];
	uint32_t max_num;
	uint32_t buf_size;
	void *work;
	size_t work_size;
	struct amp_rpmsg_channel *channels;
	struct amp_rpmsg_link link;
	bool inited;
};

/**
 * struct amp_rproc - one remote processor (private)
 * @reg: the registry it is on
 * @next: next in the registry
 * @name: its name
 * @cfg: its configuration (name points at @name)
 * @regions: @cfg.mem as address-translation windows, for the rpmsg links
 * @region_table: the table over @regions
 * @refs: references (amp_rproc_get_by_name(), the creator's)
 * @power: boots not yet shut down
 * @state: enum amp_rproc_state
 * @started: the platform started (or attached to) the remote and has not stopped it
 * @recovery: recover crashes automatically
 * @crash_pending: a crash was reported and not handled yet (atomic)
 * @crash_type: the type of the last reported crash (atomic)
 * @crash_count: crashes handled
 * @pool_used: bytes allocated so far in each piece of memory (pool pieces only)
 * @cached: the host's copy of the table (malloc), @table_size bytes; NULL without a table
 * @table_size: bytes of the table
 * @clean: the running remote's table as first found when attaching (malloc), before the host
 *	wrote anything into it: what later attaches start from (Linux clean_table)
 * @clean_size: bytes of @clean
 * @table_da: where the image loads the table
 * @loaded: the loaded table in remote memory (NULL while stopped or without a table)
 * @entry: the image's entry point
 * @image_class: the loaded image's class (32 or 64; 0 before a load), for core files
 * @image_machine: the loaded image's e_machine
 * @vdev: the rpmsg vdevs, @nvdev of them
 * @nvdev: number of @vdev
 * @trace: trace buffers (device address and length), @ntrace of them
 * @ntrace: number of @trace
 * @segments: the loaded segments, for core dumps (malloc), @nsegments of them
 * @nsegments: number of @segments
 */
struct amp_rproc {
	struct amp_rproc_registry *reg;
	struct amp_rproc *next;
	char name[32];
	struct amp_rproc_config cfg;
	struct amp_mem_region *regions;
	struct amp_region_table region_table;
	unsigned int refs;
	unsigned int power;
	enum amp_rproc_state state;
	bool started;
	bool recovery;
	int crash_pending;
	int crash_type;
	uint32_t crash_count;
	size_t *pool_used;
	uint8_t *cached;
	size_t table_size;
	uint8_t *clean;
	size_t clean_size;
	uint64_t table_da;
	volatile uint8_t *loaded;
	uint64_t entry;
	unsigned int image_class;
	uint16_t image_machine;
	struct rproc_vdev vdev[RPROC_MAX_VDEVS];
	unsigned int nvdev;
	struct {
		uint64_t da;
		uint32_t len;
	} trace[RPROC_MAX_TRACES];
	unsigned int ntrace;
	struct {
		uint64_t da;
		uint64_t size;
	} * segments;
	size_t nsegments;
};

/* Load the image: checks, table, resources, segments, loaded table (rproc_fw_boot() without
 * the start). Fills @why on failure. */
int rproc_load(struct amp_rproc *rproc, char *why);

/* Forget what rproc_load() set up (not the links). */
void rproc_unload(struct amp_rproc *rproc);

/* Attach to a running remote: its table in place, resources as for a load, nothing copied. */
int rproc_attach_resources(struct amp_rproc *rproc, char *why);

/* printf into @why when it is not NULL. */
void rproc_why(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
