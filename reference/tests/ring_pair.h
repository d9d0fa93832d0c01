/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test fixture: a driver and a device handle on one ring in one address space.
 *
 * Memory: the ring at the start of one 4 KiB-aligned block, then @nbufs buffers of @buf_size
 * bytes. The block is one shared window at device address RING_PAIR_DA, deliberately unlike its
 * local address so that a missing translation shows.
 */
#ifndef AMP_RING_PAIR_H
#define AMP_RING_PAIR_H

#include "amp/vring.h"

#define RING_PAIR_DA 0x80000000ull

struct ring_pair {
	uint32_t num;
	uint32_t align;
	uint8_t *mem; /* ring, then buffers */
	size_t mem_size;
	size_t ring_size;
	uint8_t *bufs; /* first buffer */
	uint32_t nbufs;
	uint32_t buf_size;
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_vring_config drv_cfg;
	struct amp_vring_config dev_cfg;
	/* Each side writes its handle on every operation: keep the two 128 bytes apart (the
	 * adjacent-line prefetcher pairs 64-byte lines) so they never share a cache line. */
	_Alignas(128) struct amp_vring drv;
	_Alignas(128) struct amp_vring dev;
	_Alignas(128) struct amp_vring_slot *drv_slots;
	struct amp_vring_slot *dev_slots;
	unsigned int drv_kicks; /* notifications the driver sent */
	unsigned int dev_kicks; /* notifications the device sent */
};

/* Set up and attach both sides; 0 or a negative AMP_E* code. @io_ops may be NULL. */
int ring_pair_init(struct ring_pair *rp, uint32_t num, uint32_t align, uint64_t features,
		   enum amp_byte_order order, uint32_t nbufs, uint32_t buf_size);
void ring_pair_fini(struct ring_pair *rp);

/* Local address of buffer @i. */
static inline uint8_t *ring_pair_buf(const struct ring_pair *rp, uint32_t i)
{
	return rp->bufs + (size_t)i * rp->buf_size;
}

/* Device address of local pointer @p inside the block. */
static inline uint64_t ring_pair_da(const struct ring_pair *rp, const void *p)
{
	return RING_PAIR_DA + (uint64_t)((const uint8_t *)p - rp->mem);
}

#endif /* AMP_RING_PAIR_H */
