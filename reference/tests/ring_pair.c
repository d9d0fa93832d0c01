// SPDX-License-Identifier: BSD-3-Clause
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "ring_pair.h"

static void count_drv_kick(void *ctx, struct amp_vring *vr)
{
	(void)vr;
	((struct ring_pair *)ctx)->drv_kicks++;
}

static void count_dev_kick(void *ctx, struct amp_vring *vr)
{
	(void)vr;
	((struct ring_pair *)ctx)->dev_kicks++;
}

/* Slot arrays on their own cache lines, for the same reason as the handles. */
static struct amp_vring_slot *alloc_slots(uint32_t num)
{
	size_t size = (AMP_VRING_SLOTS_SIZE(num) + 127) & ~(size_t)127;
	struct amp_vring_slot *s = aligned_alloc(128, size);

	if (s)
		memset(s, 0, size);
	return s;
}

int ring_pair_init(struct ring_pair *rp, uint32_t num, uint32_t align, uint64_t features,
		   enum amp_byte_order order, uint32_t nbufs, uint32_t buf_size)
{
	size_t ring_size = amp_vring_size(num, align);
	int err;

	memset(rp, 0, sizeof(*rp));
	if (!ring_size)
		return -AMP_EINVAL;
	rp->num = num;
	rp->align = align;
	rp->ring_size = ring_size;
	rp->nbufs = nbufs;
	rp->buf_size = buf_size;
	rp->mem_size = ((ring_size + 4095) & ~(size_t)4095) + (size_t)nbufs * buf_size;
	rp->mem = aligned_alloc(4096, (rp->mem_size + 4095) & ~(size_t)4095);
	rp->drv_slots = alloc_slots(num);
	rp->dev_slots = alloc_slots(num);
	if (!rp->mem || !rp->drv_slots || !rp->dev_slots) {
		ring_pair_fini(rp);
		return -AMP_ENOMEM;
	}
	/* Garbage, not zeroes: the driver's init must zero the ring itself. */
	memset(rp->mem, 0xa5, rp->mem_size);
	rp->bufs = rp->mem + ((ring_size + 4095) & ~(size_t)4095);
	rp->region = (struct amp_mem_region){RING_PAIR_DA, rp->mem, rp->mem_size};
	rp->table = (struct amp_region_table){&rp->region, 1};

	rp->drv_cfg = (struct amp_vring_config){
		.num = num,
		.align = align,
		.ring = rp->mem,
		.io = {.order = order},
		.addr = amp_addr_map_regions(&rp->table),
		.features = features,
		.slots = rp->drv_slots,
		.notify = count_drv_kick,
		.notify_ctx = rp,
	};
	rp->dev_cfg = rp->drv_cfg;
	rp->dev_cfg.slots = rp->dev_slots;
	rp->dev_cfg.notify = count_dev_kick;

	err = amp_vring_drv_init(&rp->drv, &rp->drv_cfg);
	if (!err)
		err = amp_vring_dev_init(&rp->dev, &rp->dev_cfg);
	if (err)
		ring_pair_fini(rp);
	return err;
}

void ring_pair_fini(struct ring_pair *rp)
{
	free(rp->mem);
	free(rp->drv_slots);
	free(rp->dev_slots);
	rp->mem = NULL;
	rp->drv_slots = NULL;
	rp->dev_slots = NULL;
}
