// SPDX-License-Identifier: BSD-3-Clause
/*
 * The virtio device role of an rpmsg link: what remote firmware does. It waits for DRIVER_OK,
 * takes the ring addresses and negotiated features from the device block, transmits in the
 * driver's vring0 buffers and receives in its vring1 buffers. It owns no buffer: everything it
 * holds goes back through the used rings.
 */
#include <string.h>

#include "amp/error.h"
#include "amp/virtio.h"
#include "io_access.h"
#include "mutant.h"
#include "rpmsg_internal.h"
#include "rpmsg_virtio.h"

/* Map both rings from the addresses the driver wrote; place the bookkeeping. */
static int dev_attach(struct amp_rpmsg_link *link, uint64_t features)
{
	const struct amp_rpmsg_link_config *cfg = &link->cfg;
	struct amp_vdev_vring_info info[2];
	void *ring[2];
	size_t used = 0;
	int err;

	/* Handles from an earlier session point into work memory carved anew below: forget them
	 * so that a failed attach leaves nothing for dev_forget_rings() to reset. */
	memset(&link->tx_vq, 0, sizeof(link->tx_vq));
	memset(&link->rx_vq, 0, sizeof(link->rx_vq));
	for (unsigned int i = 0; i < AMP_RPMSG_NUM_VRINGS; i++) {
		size_t size;

		amp_vdev_vring(&cfg->io, cfg->vdev, i, &info[i]);
		size = amp_vring_size(info[i].num, info[i].align);
		/* The whole ring must lie in memory the platform declared shared (INIT-008). */
		ring[i] = size ? amp_addr_to_va(&cfg->addr, info[i].da, size) : NULL;
		if (!ring[i]) {
			link_event(link, AMP_RPMSG_EV_BAD_CONFIG, i, 0);
			return -AMP_EINVAL;
		}
	}
	link->slots[0] = link_carve(link, &used, AMP_VRING_SLOTS_SIZE(info[0].num));
	link->slots[1] = link_carve(link, &used, AMP_VRING_SLOTS_SIZE(info[1].num));
	link->tx_rec = link_carve(link, &used, info[0].num * sizeof(*link->tx_rec));
	link->rx_rec = link_carve(link, &used, info[1].num * sizeof(*link->rx_rec));
	link->tx_free = link_carve(link, &used, info[0].num * sizeof(*link->tx_free));
	if (!link->slots[0] || !link->slots[1] || !link->tx_rec || !link->rx_rec ||
	    !link->tx_free) {
		link_event(link, AMP_RPMSG_EV_BAD_CONFIG, info[0].num > info[1].num ? 0 : 1, 0);
		return -AMP_EINVAL;
	}
	for (unsigned int i = 0; i < AMP_RPMSG_NUM_VRINGS; i++) {
		struct amp_vring_config vcfg;

		rpmsg_virtio_vring_config(link, &vcfg, &info[i], ring[i], link->slots[i], features);
		/* vring1 carries the driver's transmit buffers: an OpenAMP driver wants them back
		 * with their length, more than the zero bytes written. */
		vcfg.lenient_used_len = i == 1 && cfg->openamp_used_len;
		err = amp_vring_dev_init(i == 0 ? &link->tx_vq : &link->rx_vq, &vcfg);
		if (err) {
			link_event(link, AMP_RPMSG_EV_BAD_CONFIG, i, 0);
			return err;
		}
	}
	link->tx_count = info[0].num;
	link->rx_count = info[1].num;
	for (uint32_t i = 0; i < link->tx_count; i++)
		link->tx_rec[i] = (struct amp_rpmsg_bufrec){0};
	for (uint32_t i = 0; i < link->rx_count; i++)
		link->rx_rec[i] = (struct amp_rpmsg_bufrec){0};
	link->tx_size = 0;
	link->tx_free_head = 0;
	link->tx_free_len = 0;
	link->tx_reserved = 0;
	link->rx_held = 0;
	/* Kicks for re-posted vring0 buffers are wanted only while a sender waits for one. */
	amp_vring_dev_disable_notify(&link->tx_vq);
	return 0;
}

static void dev_forget_rings(struct amp_rpmsg_link *link)
{
	/* No store: after a reset the rings belong to the driver again (INIT-007). */
	amp_vring_dev_reset(&link->tx_vq);
	amp_vring_dev_reset(&link->rx_vq);
	link->tx_free_len = 0;
}

/*
 * Follow the status byte: remoteproc has no configuration interrupt, so the device polls it
 * (as OpenAMP's rpmsg_virtio_wait_remote_ready()). Only DRIVER_OK is tested: OpenAMP's driver
 * writes DRIVER_OK alone, Linux 0x07.
 */
static int dev_up(struct amp_rpmsg_link *link)
{
	const struct amp_rpmsg_link_config *cfg = &link->cfg;
	uint8_t status = amp_vdev_status(cfg->vdev);
	uint64_t features;

	if (!(status & AMP_VIRTIO_STATUS_DRIVER_OK)) {
		if (link_up(link)) {
			dev_forget_rings(link);
			link_went_down(link);
		}
		link->broken = false;
		link->wait_reset = false;
		return 0;
	}
	if (link->broken)
		return -AMP_EIO;
	if (link_up(link) || link->wait_reset)
		return 0;
	/* Everything the driver wrote before DRIVER_OK (features, ring addresses) must be read
	 * after the status that announced it. */
	amp_barrier(&cfg->io, AMP_BARRIER_READ);
	features = amp_vdev_read32(&cfg->io, cfg->vdev, AMP_VDEV_OFF_GFEATURES);
	if (dev_attach(link, features)) {
		link->broken = true;
		return -AMP_EIO;
	}
	link_went_up(link, features);
	return 0;
}

/* A chain the device cannot use as an rpmsg buffer goes straight back, unused. */
static void dev_reject(struct amp_rpmsg_link *link, struct amp_vring *vq, uint16_t head)
{
	link_event(link, AMP_RPMSG_EV_BAD_BUFFER, head, 0);
	/* Cannot fail but on a broken ring, which the next poll reports. */
	(void)amp_vring_dev_add_used(vq, head, 0);
}

static int dev_get_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec)
{
	struct amp_vring_elem e;
	struct amp_vring_chain chain = {.elems = &e, .max_elems = 1};
	struct amp_rpmsg_bufrec *r;
	bool rejected = false;
	int err;

	/* The kick decision after this message reads the driver's avail.flags: load the line
	 * while the caller fills the buffer. */
	amp_vring_prefetch_kick(&link->tx_vq);
	if (link->tx_free_len) {
		r = &link->tx_rec[link->tx_free[--link->tx_free_len]];
		r->state = BUF_RESERVED;
		*rec = r;
		return 0;
	}
	for (;;) {
		err = amp_vring_dev_get_avail(&link->tx_vq, &chain);
		if (err) {
			/* Rejected chains go back now: no send may follow to publish them. */
			if (rejected)
				amp_vring_dev_kick(&link->tx_vq);
			return err == -AMP_EAGAIN ? -AMP_ENOMEM : err;
		}
		/* rpmsg buffers are single device-writable descriptors that hold a header. */
		if (chain.count == 1 && !chain.readable_len && e.len > AMP_RPMSG_HDR_SIZE)
			break;
		dev_reject(link, &link->tx_vq, chain.head);
		rejected = true;
	}
	r = &link->tx_rec[chain.head];
	r->va = e.va;
	r->size = e.len;
	r->state = BUF_RESERVED;
	link->tx_size = e.len; /* the buffer size is the driver's choice (RPMSG-006) */
	*rec = r;
	return 0;
}

static void dev_put_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec)
{
	rec->state = BUF_FREE;
	link->tx_free[link->tx_free_len++] = (uint16_t)(rec - link->tx_rec);
}

static int dev_send_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t len,
		       bool more)
{
	/* used.len = bytes written (virtio v1.2 §2.7.8). */
	int err = amp_vring_dev_add_used(&link->tx_vq, (uint16_t)(rec - link->tx_rec), len);

	if (err)
		return err;
	rec->state = BUF_NONE;
	if (!more)
		amp_vring_dev_kick(&link->tx_vq);
	return 0;
}

static void dev_flush_tx(struct amp_rpmsg_link *link)
{
	amp_vring_dev_kick(&link->tx_vq);
}

static bool dev_want_tx_notify(struct amp_rpmsg_link *link, bool on)
{
	if (!on) {
		amp_vring_dev_disable_notify(&link->tx_vq);
		return false;
	}
	return amp_vring_dev_enable_notify(&link->tx_vq);
}

static int dev_get_rx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec, uint32_t *len)
{
	struct amp_vring_elem e;
	struct amp_vring_chain chain = {.elems = &e, .max_elems = 1};
	struct amp_rpmsg_bufrec *r;
	int err;

	for (;;) {
		err = amp_vring_dev_get_avail(&link->rx_vq, &chain);
		if (err)
			return err;
		if (chain.count == 1 && !chain.writable_len)
			break;
		dev_reject(link, &link->rx_vq, chain.head);
	}
	r = &link->rx_rec[chain.head];
	r->va = e.va;
	r->size = e.len;
	*len = e.len; /* the header's len is checked against what the descriptor holds */
	*rec = r;
	return 0;
}

static void dev_put_rx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec)
{
	/* The spec's used.len for a read-only buffer is 0 bytes written; OpenAMP's driver reads
	 * it as the buffer length and breaks on 0, hence the compatibility setting. */
	uint32_t len = link->cfg.openamp_used_len ? rec->size : 0;

	/* Mutant: the driver's read-only buffer is scribbled on while still held; the first byte
	 * inverted, so the store always changes what is there (DEV-004). */
	if (AMP_MUTANT_IS(WRITE_READABLE_BUFFER)) {
		uint8_t b = (uint8_t)~rec->va[0];

		amp_store_bytes(&link->cfg.io, rec->va, &b, sizeof(b));
	}
	rec->state = BUF_NONE;
	/* Cannot fail but on a broken ring: the head came from get_avail and the length is within
	 * what the ring was configured to accept. */
	(void)amp_vring_dev_add_used(&link->rx_vq, (uint16_t)(rec - link->rx_rec), len);
	/* Visible at once, as OpenAMP's virtqueue_add_consumed_buffer(): a poll can take a whole
	 * lap, and a driver that runs out of transmit buffers meanwhile may be the one our
	 * callbacks wait for. Only the kick waits for the end of the batch. */
	amp_vring_dev_publish(&link->rx_vq);
}

static void dev_flush_rx(struct amp_rpmsg_link *link)
{
	amp_vring_dev_kick(&link->rx_vq);
}

static void dev_stop(struct amp_rpmsg_link *link)
{
	dev_forget_rings(link);
	/* Using the rings again before the driver re-initialises them would replay stale
	 * indices (rpmsg-lite #11): stay down until the next reset. */
	link->wait_reset = true;
}

static void dev_buffers(struct amp_rpmsg_link *link, struct amp_rpmsg_buffer_counts *c)
{
	c->tx_free = link->tx_free_len;
	c->total = link_up(link) ? amp_vring_dev_num_held(&link->rx_vq) +
					   amp_vring_dev_num_held(&link->tx_vq)
				 : 0;
}

const struct amp_rpmsg_transport_ops amp_rpmsg_virtio_device_ops = {
	.start = NULL,
	.up = dev_up,
	.get_tx = dev_get_tx,
	.put_tx = dev_put_tx,
	.send_tx = dev_send_tx,
	.flush_tx = dev_flush_tx,
	.want_tx_notify = dev_want_tx_notify,
	.get_rx = dev_get_rx,
	.put_rx = dev_put_rx,
	.flush_rx = dev_flush_rx,
	.stop = dev_stop,
	.buffers = dev_buffers,
};
