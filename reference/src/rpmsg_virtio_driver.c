// SPDX-License-Identifier: BSD-3-Clause
/*
 * The virtio driver role of an rpmsg link: what Linux virtio_rpmsg_bus.c does on a remoteproc
 * host. It owns the buffer pool, receives on vring0 (device-writable buffers it posts) and
 * transmits on vring1 (read-only buffers it fills).
 */
#include "amp/error.h"
#include "amp/virtio.h"
#include "rpmsg_internal.h"
#include "rpmsg_virtio.h"

/*
 * Linux's split: min(2 x num, 512) buffers, half for each direction; 256 per direction is
 * MAX_RPMSG_NUM_BUFS / 2. More buffers than descriptors could never all be posted.
 */
#define DEFAULT_BUFS_PER_DIRECTION 256u

static uint32_t default_count(uint32_t configured, uint32_t num)
{
	if (configured)
		return configured;
	return num < DEFAULT_BUFS_PER_DIRECTION ? num : DEFAULT_BUFS_PER_DIRECTION;
}

/* Place the pool and the bookkeeping; check everything the device block asked for fits. */
static int drv_place(struct amp_rpmsg_link *link, const struct amp_vdev_vring_info info[2])
{
	const struct amp_rpmsg_link_config *cfg = &link->cfg;
	uint32_t rx_size = cfg->rx_buf_size ? cfg->rx_buf_size : AMP_RPMSG_BUF_SIZE;
	uint32_t tx_size = cfg->tx_buf_size ? cfg->tx_buf_size : AMP_RPMSG_BUF_SIZE;
	uint32_t rx_count = default_count(cfg->rx_bufs, info[0].num);
	uint32_t tx_count = default_count(cfg->tx_bufs, info[1].num);
	uint64_t pool_bytes = (uint64_t)rx_count * rx_size + (uint64_t)tx_count * tx_size;
	size_t used = 0;
	uint64_t da;

	if (rx_size <= AMP_RPMSG_HDR_SIZE || tx_size <= AMP_RPMSG_HDR_SIZE || !rx_count ||
	    !tx_count || rx_count > info[0].num || tx_count > info[1].num ||
	    pool_bytes > cfg->pool_size ||
	    amp_addr_to_da(&cfg->addr, cfg->pool, (size_t)pool_bytes, &da))
		return -AMP_EINVAL;
	link->rx_size = rx_size;
	link->tx_size = tx_size;
	link->rx_count = rx_count;
	link->tx_count = tx_count;
	link->rx_base = cfg->pool;
	link->tx_base = link->rx_base + (size_t)rx_count * rx_size;
	link->slots[0] = link_carve(link, &used, AMP_VRING_SLOTS_SIZE(info[0].num));
	link->slots[1] = link_carve(link, &used, AMP_VRING_SLOTS_SIZE(info[1].num));
	link->rx_rec = link_carve(link, &used, rx_count * sizeof(*link->rx_rec));
	link->tx_rec = link_carve(link, &used, tx_count * sizeof(*link->tx_rec));
	link->tx_free = link_carve(link, &used, tx_count * sizeof(*link->tx_free));
	if (!link->slots[0] || !link->slots[1] || !link->rx_rec || !link->tx_rec || !link->tx_free)
		return -AMP_EINVAL;
	return 0;
}

/* Attach both rings where the caller placed them and publish their addresses in the block. */
static int drv_rings(struct amp_rpmsg_link *link, const struct amp_vdev_vring_info info[2],
		     uint64_t features)
{
	const struct amp_rpmsg_link_config *cfg = &link->cfg;
	struct amp_vring *vq[2] = {&link->rx_vq, &link->tx_vq};

	for (unsigned int i = 0; i < AMP_RPMSG_NUM_VRINGS; i++) {
		size_t size = amp_vring_size(info[i].num, info[i].align);
		struct amp_vring_config vcfg;
		uint64_t da;
		int err;

		if (!size || size > cfg->ring_size[i] ||
		    amp_addr_to_da(&cfg->addr, cfg->ring[i], size, &da) || da > UINT32_MAX)
			return -AMP_EINVAL;
		rpmsg_virtio_vring_config(link, &vcfg, &info[i], cfg->ring[i], link->slots[i],
					  features);
		/* Linux ignores used.len of transmit completions; OpenAMP and rpmsg-lite devices
		 * report the buffer length there. Receive lengths are judged by the core. */
		vcfg.lenient_used_len = true;
		err = amp_vring_drv_init(vq[i], &vcfg); /* zeroes the ring, as rp_find_vq() */
		if (err)
			return err;
		amp_vdev_write32(&cfg->io, cfg->vdev,
				 AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * i +
					 AMP_VDEV_VRING_OFF_DA,
				 (uint32_t)da);
	}
	return 0;
}

/* Post every receive buffer device-writable on vring0; fill the transmit free list. */
static void drv_fill(struct amp_rpmsg_link *link)
{
	for (uint32_t i = 0; i < link->rx_count; i++) {
		struct amp_rpmsg_bufrec *rec = &link->rx_rec[i];

		rec->va = link->rx_base + (size_t)i * link->rx_size;
		rec->size = link->rx_size;
		rec->state = BUF_NONE;
		/* Cannot fail: rx_count <= num and the pool was translated as a whole. */
		(void)amp_vring_drv_add_buf(&link->rx_vq, (void *)rec->va, rec->size, true, rec);
	}
	for (uint32_t i = 0; i < link->tx_count; i++) {
		struct amp_rpmsg_bufrec *rec = &link->tx_rec[i];

		rec->va = link->tx_base + (size_t)i * link->tx_size;
		rec->size = link->tx_size;
		rec->state = BUF_FREE;
		link->tx_free[i] = (uint16_t)i;
	}
	link->tx_free_head = 0;
	link->tx_free_len = link->tx_count;
	link->tx_reserved = 0;
	link->rx_held = 0;
}

static int drv_start(struct amp_rpmsg_link *link)
{
	const struct amp_rpmsg_link_config *cfg = &link->cfg;
	struct amp_vdev_vring_info info[2];
	uint8_t status = AMP_VIRTIO_STATUS_ACKNOWLEDGE;
	uint32_t gfeatures;
	bool kick;
	int err;

	/* register_virtio_device(): reset, then ACKNOWLEDGE; virtio_dev_probe(): DRIVER. */
	amp_vdev_set_status(&cfg->io, cfg->vdev, 0);
	amp_vdev_set_status(&cfg->io, cfg->vdev, status);
	status |= AMP_VIRTIO_STATUS_DRIVER;
	amp_vdev_set_status(&cfg->io, cfg->vdev, status);

	/* Accept only what the device offers and we know (INIT-003, FEAT-001): unknown and
	 * vendor bits are masked, as Linux does. Written before DRIVER_OK and never again. */
	gfeatures = amp_vdev_read32(&cfg->io, cfg->vdev, AMP_VDEV_OFF_DFEATURES) &
		    rpmsg_virtio_known_features(cfg->features);
	amp_vdev_write32(&cfg->io, cfg->vdev, AMP_VDEV_OFF_GFEATURES, gfeatures);

	for (unsigned int i = 0; i < AMP_RPMSG_NUM_VRINGS; i++)
		amp_vdev_vring(&cfg->io, cfg->vdev, i, &info[i]);
	err = drv_place(link, info);
	if (!err)
		err = drv_rings(link, info, gfeatures);
	if (err) {
		/* The virtio core marks a device whose probe failed. */
		amp_vdev_set_status(&cfg->io, cfg->vdev, status | AMP_VIRTIO_STATUS_FAILED);
		link_event(link, AMP_RPMSG_EV_BAD_CONFIG, 0, 0);
		return err;
	}
	drv_fill(link);
	/* Transmit completions are not wanted until a sender waits for a buffer (Linux before
	 * v7.0): a streaming device then never has to kick. */
	amp_vring_drv_disable_cb(&link->tx_vq);
	/* Receive buffers may be exposed before DRIVER_OK (INIT-006), but the kick must follow
	 * it: "we can't do this before device is ready" (rpmsg_probe()). */
	amp_vring_drv_publish(&link->rx_vq);
	kick = amp_vring_drv_kick_prepare(&link->rx_vq);
	amp_vdev_set_status(&cfg->io, cfg->vdev, status | AMP_VIRTIO_STATUS_DRIVER_OK);
	if (kick && cfg->notify)
		cfg->notify(cfg->notify_ctx, link->notifyid[0]);
	link_went_up(link, gfeatures);
	return 0;
}

static int drv_up(struct amp_rpmsg_link *link)
{
	/* The driver writes the status itself: nothing to follow. */
	(void)link;
	return 0;
}

/* Collect every transmit buffer the device returned, in the order it returned them. */
static void drv_reclaim(struct amp_rpmsg_link *link)
{
	void *token;

	while (amp_vring_drv_get_used(&link->tx_vq, NULL, &token) == 0) {
		struct amp_rpmsg_bufrec *rec = token;
		uint32_t tail = link->tx_free_head + link->tx_free_len;

		if (tail >= link->tx_count)
			tail -= link->tx_count;
		rec->state = BUF_FREE;
		link->tx_free[tail] = (uint16_t)(rec - link->tx_rec);
		link->tx_free_len++;
	}
}

static int drv_get_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec)
{
	struct amp_rpmsg_bufrec *r;

	/* The kick decision after this message reads the device's used.flags: load the line
	 * while the caller fills the buffer. */
	amp_vring_prefetch_kick(&link->tx_vq);

	if (!link->tx_free_len) {
		drv_reclaim(link);
		if (amp_vring_fault(&link->tx_vq))
			return -AMP_EIO;
		if (!link->tx_free_len)
			return -AMP_ENOMEM;
	}
	r = &link->tx_rec[link->tx_free[link->tx_free_head]];
	if (++link->tx_free_head == link->tx_count)
		link->tx_free_head = 0;
	link->tx_free_len--;
	r->state = BUF_RESERVED;
	*rec = r;
	return 0;
}

static void drv_put_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec)
{
	/* Back to the head of the list: the next send takes it, and descriptors stay in step. */
	if (link->tx_free_head == 0)
		link->tx_free_head = link->tx_count;
	link->tx_free[--link->tx_free_head] = (uint16_t)(rec - link->tx_rec);
	link->tx_free_len++;
	rec->state = BUF_FREE;
}

static int drv_send_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t len,
		       bool more)
{
	/* One read-only descriptor of 16 + payload bytes (DRV-006), as virtqueue_add_outbuf(). */
	int err = amp_vring_drv_add_buf(&link->tx_vq, (void *)rec->va, len, false, rec);

	if (err)
		return err;
	rec->state = BUF_NONE;
	if (!more)
		amp_vring_drv_kick(&link->tx_vq);
	return 0;
}

static void drv_flush_tx(struct amp_rpmsg_link *link)
{
	amp_vring_drv_kick(&link->tx_vq);
}

static bool drv_want_tx_notify(struct amp_rpmsg_link *link, bool on)
{
	if (!on) {
		amp_vring_drv_disable_cb(&link->tx_vq);
		return false;
	}
	return amp_vring_drv_enable_cb(&link->tx_vq);
}

static int drv_get_rx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec, uint32_t *len)
{
	void *token;
	int err = amp_vring_drv_get_used(&link->rx_vq, len, &token);

	if (err)
		return err;
	*rec = token;
	return 0;
}

static void drv_put_rx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec)
{
	/* Same address, full length, device-writable: "publish the real size of the buffer". */
	rec->state = BUF_NONE;
	(void)amp_vring_drv_add_buf(&link->rx_vq, (void *)rec->va, rec->size, true, rec);
	/*
	 * Visible at once, as virtqueue_add_inbuf() does: a poll can take a whole lap, and a device
	 * that runs out of buffers meanwhile may be the one our callbacks wait for. Only the kick
	 * waits for the end of the batch.
	 */
	amp_vring_drv_publish(&link->rx_vq);
}

static void drv_flush_rx(struct amp_rpmsg_link *link)
{
	/* At most one kick per batch, as rpmsg_recv_done(). */
	amp_vring_drv_kick(&link->rx_vq);
}

static void drv_stop(struct amp_rpmsg_link *link)
{
	const struct amp_rpmsg_link_config *cfg = &link->cfg;

	/*
	 * virtio_reset_device(): the device must stop touching the rings before we reuse them.
	 * The rings stay as they are: a device that read DRIVER_OK just before this store may
	 * still be walking them, and zeroed indices would look to it like a driver fault. They are
	 * zeroed when the link starts again (drv_init()), after the device saw status 0.
	 */
	amp_vdev_set_status(&cfg->io, cfg->vdev, 0);
}

static void drv_buffers(struct amp_rpmsg_link *link, struct amp_rpmsg_buffer_counts *c)
{
	c->rx_with_peer = amp_vring_num(&link->rx_vq) - amp_vring_drv_num_free(&link->rx_vq);
	c->tx_with_peer = amp_vring_num(&link->tx_vq) - amp_vring_drv_num_free(&link->tx_vq);
	c->tx_free = link->tx_free_len;
	c->total = link->rx_count + link->tx_count;
}

const struct amp_rpmsg_transport_ops amp_rpmsg_virtio_driver_ops = {
	.start = drv_start,
	.up = drv_up,
	.get_tx = drv_get_tx,
	.put_tx = drv_put_tx,
	.send_tx = drv_send_tx,
	.flush_tx = drv_flush_tx,
	.want_tx_notify = drv_want_tx_notify,
	.get_rx = drv_get_rx,
	.put_rx = drv_put_rx,
	.flush_rx = drv_flush_rx,
	.stop = drv_stop,
	.buffers = drv_buffers,
};
