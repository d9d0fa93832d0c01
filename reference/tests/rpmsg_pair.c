// SPDX-License-Identifier: BSD-3-Clause
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_pair.h"

#define RING_BASE 0x1000u

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void host_notify(void *ctx, uint32_t id)
{
	struct rpmsg_pair *p = ctx;

	if (id < 2)
		p->host_kicks[id]++;
}

static void remote_notify(void *ctx, uint32_t id)
{
	struct rpmsg_pair *p = ctx;

	if (id < 2)
		p->remote_kicks[id]++;
}

void rpmsg_pair_default_config(struct rpmsg_pair_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->num0 = 256;
	cfg->num1 = 256;
	cfg->align = 4096;
	cfg->order = AMP_LITTLE_ENDIAN;
	cfg->dfeatures = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS);
	cfg->host_features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS);
	cfg->remote_features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS);
}

int rpmsg_pair_init(struct rpmsg_pair *p, const struct rpmsg_pair_config *cfg)
{
	uint32_t buf = cfg->buf_size ? cfg->buf_size : AMP_RPMSG_BUF_SIZE;
	uint32_t nbufs = (cfg->num0 < 256 ? cfg->num0 : 256) + (cfg->num1 < 256 ? cfg->num1 : 256);
	uint32_t max_num = cfg->num0 > cfg->num1 ? cfg->num0 : cfg->num1;
	struct amp_vdev_vring_info vr[2] = {
		{.da = 0, .align = cfg->align, .num = cfg->num0, .notifyid = RPMSG_PAIR_NOTIFYID0},
		{.da = 0, .align = cfg->align, .num = cfg->num1, .notifyid = RPMSG_PAIR_NOTIFYID1},
	};
	struct amp_io io = {.order = cfg->order};
	struct amp_rpmsg_link_config hc, rc;
	size_t off;
	int err;

	memset(p, 0, sizeof(*p));
	p->ring_size[0] = amp_vring_size(cfg->num0, cfg->align);
	p->ring_size[1] = amp_vring_size(cfg->num1, cfg->align);
	if (!p->ring_size[0] || !p->ring_size[1])
		return -AMP_EINVAL;
	off = align_up(RING_BASE + p->ring_size[0], 4096);
	off = align_up(off + p->ring_size[1], 4096);
	p->pool_size = (size_t)nbufs * buf;
	p->mem_size = align_up(off + p->pool_size, 4096);
	p->mem = aligned_alloc(4096, p->mem_size);
	p->hwork = aligned_alloc(64, align_up(AMP_RPMSG_LINK_WORK_SIZE(max_num), 64));
	p->rwork = aligned_alloc(64, align_up(AMP_RPMSG_LINK_WORK_SIZE(max_num), 64));
	if (!p->mem || !p->hwork || !p->rwork)
		return -AMP_ENOMEM;
	memset(p->mem, 0, p->mem_size);
	p->vdev = p->mem;
	p->ring[0] = p->mem + RING_BASE;
	p->ring[1] = p->mem + align_up(RING_BASE + p->ring_size[0], 4096);
	p->pool = p->mem + off;
	p->region = (struct amp_mem_region){.da = RPMSG_PAIR_DA, .va = p->mem, .size = p->mem_size};
	p->table = (struct amp_region_table){.regions = &p->region, .count = 1};
	amp_vdev_block_init(&io, p->vdev, 2, cfg->dfeatures, vr);

	amp_rpmsg_node_init(&p->host, cfg->host_ops, cfg->host_ctx);
	amp_rpmsg_node_init(&p->remote, cfg->remote_ops, cfg->remote_ctx);
	hc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DRIVER,
		.vdev = p->vdev,
		.io = io,
		.addr = amp_addr_map_regions(&p->table),
		.features = cfg->host_features,
		.ring = {p->ring[0], p->ring[1]},
		.ring_size = {p->ring_size[0], p->ring_size[1]},
		.pool = p->pool,
		.pool_size = p->pool_size,
		.rx_buf_size = buf,
		.tx_buf_size = buf,
		.work = p->hwork,
		.work_size = AMP_RPMSG_LINK_WORK_SIZE(max_num),
		.channels = p->hch,
		.channel_count = RPMSG_PAIR_CHANNELS,
		.notify = host_notify,
		.notify_ctx = p,
	};
	rc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DEVICE,
		.vdev = p->vdev,
		.io = io,
		.addr = amp_addr_map_regions(&p->table),
		.features = cfg->remote_features,
		.openamp_used_len = cfg->openamp_used_len,
		.work = p->rwork,
		.work_size = AMP_RPMSG_LINK_WORK_SIZE(max_num),
		.channels = p->rch,
		.channel_count = RPMSG_PAIR_CHANNELS,
		.notify = remote_notify,
		.notify_ctx = p,
	};
	err = amp_rpmsg_link_init(&p->hlink, &p->host, &hc);
	if (!err)
		err = amp_rpmsg_link_init(&p->rlink, &p->remote, &rc);
	return err;
}

int rpmsg_pair_start(struct rpmsg_pair *p)
{
	int err = amp_rpmsg_link_start(&p->hlink);

	if (err)
		return err;
	err = amp_rpmsg_link_poll(&p->rlink);
	if (err < 0)
		return err;
	return amp_rpmsg_link_is_up(&p->rlink) ? 0 : -AMP_ENOTCONN;
}

int rpmsg_pair_pump(struct rpmsg_pair *p, int max_rounds)
{
	int total = 0;

	while (max_rounds-- > 0) {
		int a = amp_rpmsg_link_poll(&p->rlink);
		int b = amp_rpmsg_link_poll(&p->hlink);

		if (a < 0)
			return a;
		if (b < 0)
			return b;
		total += a + b;
		if (!a && !b)
			break;
	}
	return total;
}

void rpmsg_pair_fini(struct rpmsg_pair *p)
{
	free(p->mem);
	free(p->hwork);
	free(p->rwork);
	memset(p, 0, sizeof(*p));
}
