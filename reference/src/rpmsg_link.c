// SPDX-License-Identifier: BSD-3-Clause
/*
 * The rpmsg core: nodes, links, the receive path and the link's life cycle. The virtio roles
 * (rpmsg_virtio_driver.c, rpmsg_virtio_device.c) move the buffers; this file decides what a
 * received buffer means and who gets it.
 */
#include <string.h>

#include "amp/error.h"
#include "amp/vdev.h"
#include "amp/virtio.h"
#include "io_access.h"
#include "mutant.h"
#include "rpmsg_internal.h"

const char *amp_rpmsg_event_name(enum amp_rpmsg_event ev)
{
	static const char *const names[AMP_RPMSG_EV_COUNT] = {
		[AMP_RPMSG_EV_LINK_UP] = "link up",
		[AMP_RPMSG_EV_LINK_DOWN] = "link down",
		[AMP_RPMSG_EV_RING_FAULT] = "peer broke the ring protocol",
		[AMP_RPMSG_EV_BAD_CONFIG] = "unusable device block",
		[AMP_RPMSG_EV_BAD_MESSAGE] = "malformed message dropped",
		[AMP_RPMSG_EV_BAD_BUFFER] = "unusable descriptor chain returned",
		[AMP_RPMSG_EV_NO_RECIPIENT] = "message with no recipient dropped",
		[AMP_RPMSG_EV_NS_WITHOUT_FEATURE] = "name-service message without F_NS dropped",
		[AMP_RPMSG_EV_NS_DUPLICATE] = "duplicate name-service CREATE",
		[AMP_RPMSG_EV_NS_UNKNOWN_DESTROY] = "name-service DESTROY of an unknown channel",
		[AMP_RPMSG_EV_NS_NO_ROOM] = "no free channel for a name-service CREATE",
		[AMP_RPMSG_EV_PROBE_FAILED] = "driver probe failed",
		[AMP_RPMSG_EV_CHANNEL_CREATED] = "channel created",
		[AMP_RPMSG_EV_CHANNEL_DESTROYED] = "channel destroyed",
	};

	if ((unsigned int)ev >= AMP_RPMSG_EV_COUNT)
		return "unknown";
	return names[ev];
}

void link_event(struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a, uint32_t b)
{
	const struct amp_rpmsg_platform_ops *ops = link->node->ops;

	link->stats.events[ev]++;
	if (ops && ops->event)
		ops->event(link->node->ctx, link, ev, a, b);
}

void *link_carve(struct amp_rpmsg_link *link, size_t *used, size_t size)
{
	size_t start = (*used + 7) & ~(size_t)7;
	uintptr_t base = (uintptr_t)link->cfg.work;

	if (start > link->cfg.work_size || size > link->cfg.work_size - start)
		return NULL;
	*used = start + size;
	return (void *)(base + start);
}

void amp_rpmsg_node_init(struct amp_rpmsg_node *node, const struct amp_rpmsg_platform_ops *ops,
			 void *ctx)
{
	memset(node, 0, sizeof(*node));
	node->ops = ops;
	node->ctx = ctx;
	node->locking = ops && ops->lock && ops->unlock;
}

static bool link_config_valid(const struct amp_rpmsg_link_config *cfg)
{
	if (!cfg || !cfg->vdev || amp_io_check(&cfg->io) || !cfg->addr.ops ||
	    !cfg->addr.ops->find_da || !cfg->addr.ops->find_va || !cfg->work ||
	    ((uintptr_t)cfg->work & 7) || ((uintptr_t)cfg->vdev & 3) ||
	    (cfg->channel_count && !cfg->channels))
		return false;
	if (cfg->role == AMP_RPMSG_DEVICE)
		return true;
	return cfg->role == AMP_RPMSG_DRIVER && cfg->ring[0] && cfg->ring[1] && cfg->pool;
}

int amp_rpmsg_link_init(struct amp_rpmsg_link *link, struct amp_rpmsg_node *node,
			const struct amp_rpmsg_link_config *cfg)
{
	if (!link || !node || !link_config_valid(cfg))
		return -AMP_EINVAL;
	memset(link, 0, sizeof(*link));
	link->node = node;
	link->cfg = *cfg;
	if (!link->cfg.tx_timeout_ms)
		link->cfg.tx_timeout_ms = 15000; /* Linux rpmsg_send_offchannel_raw(): 15 s */
	link->ops = cfg->role == AMP_RPMSG_DRIVER ? &amp_rpmsg_virtio_driver_ops
						  : &amp_rpmsg_virtio_device_ops;
	for (uint32_t i = 0; i < cfg->channel_count; i++)
		memset(&cfg->channels[i], 0, sizeof(cfg->channels[i]));
	link->next = node->links;
	node->links = link;
	return 0;
}

int amp_rpmsg_link_start(struct amp_rpmsg_link *link)
{
	int err;

	if (!link->ops->start)
		return -AMP_EINVAL;
	if (link->started)
		return -AMP_EBUSY;
	link->broken = false;
	err = link->ops->start(link);
	if (!err)
		link->started = true;
	return err;
}

void link_went_up(struct amp_rpmsg_link *link, uint64_t features)
{
	link->features = features;
	link->ns = link_supports_ns(link) && (features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS));
	/* Mutant: the name service runs whatever was offered and negotiated (NS-001). */
	if (AMP_MUTANT_IS(NS_WITHOUT_FEATURE))
		link->ns = true;
	link->session++;
	link_lock(link, AMP_RPMSG_LOCK_TX);
	__atomic_store_n(&link->up, true, __ATOMIC_RELAXED);
	link_unlock(link, AMP_RPMSG_LOCK_TX);
	link_event(link, AMP_RPMSG_EV_LINK_UP, (uint32_t)features, 0);
	ns_announce_pending(link);
}

/* Take the link down under the TX lock and wake blocked senders: a sender looks at the state
 * under the same lock before it waits, so it either sees the link down or is woken. */
static void link_set_down(struct amp_rpmsg_link *link)
{
	const struct amp_rpmsg_platform_ops *ops = link->node->ops;

	link_lock(link, AMP_RPMSG_LOCK_TX);
	__atomic_store_n(&link->up, false, __ATOMIC_RELAXED);
	if (link_sleepers(link) && ops && ops->wake)
		ops->wake(link->node->ctx, link);
	link_unlock(link, AMP_RPMSG_LOCK_TX);
}

void link_went_down(struct amp_rpmsg_link *link)
{
	link_set_down(link);
	link->ns = false;
	link->features = 0;
	link->rx_held = 0;
	link->tx_reserved = 0;
	bus_link_down(link);
	link_event(link, AMP_RPMSG_EV_LINK_DOWN, 0, 0);
}

void amp_rpmsg_link_stop(struct amp_rpmsg_link *link)
{
	if (link_up(link) && !link->broken)
		bus_link_stop(link);
	if (link_up(link)) {
		link_set_down(link);
		link->ops->stop(link);
		link_went_down(link);
	} else if (link->started || link->cfg.role == AMP_RPMSG_DEVICE) {
		link->ops->stop(link);
	}
	link->started = false;
	link->broken = false;
}

int amp_rpmsg_link_remove(struct amp_rpmsg_link *link)
{
	struct amp_rpmsg_link **at;

	for (struct amp_rpmsg_endpoint *e = link->epts; e; e = e->next) {
		if (!e->channel)
			return -AMP_EBUSY;
	}
	amp_rpmsg_link_stop(link);
	for (uint32_t i = 0; i < link->cfg.channel_count; i++)
		amp_rpmsg_channel_destroy(&link->cfg.channels[i]);
	for (at = &link->node->links; *at && *at != link; at = &(*at)->next)
		;
	if (*at)
		*at = link->next;
	link->next = NULL;
	return 0;
}

/* A ring the peer corrupted stays broken until the link is reset: report it once. */
static void link_check_faults(struct amp_rpmsg_link *link)
{
	enum amp_vring_fault rx = amp_vring_fault(&link->rx_vq);
	enum amp_vring_fault tx = amp_vring_fault(&link->tx_vq);

	if (link->broken || (!rx && !tx))
		return;
	/* A driver that resets the device while this side walks the rings may change them under
	 * it (INIT-007): that is the reset, not a fault; the next poll sees status 0 and takes the
	 * link down. */
	if (link->cfg.role == AMP_RPMSG_DEVICE) {
		amp_barrier(&link->cfg.io, AMP_BARRIER_READ);
		if (!(amp_vdev_status(link->cfg.vdev) & AMP_VIRTIO_STATUS_DRIVER_OK))
			return;
	}
	link->broken = true;
	link_event(link, AMP_RPMSG_EV_RING_FAULT, rx ? rx : tx, rx ? 0 : 1);
}

static void report_defect(struct amp_rpmsg_link *link, enum amp_rpmsg_defect d, uint32_t dst)
{
	link->stats.defects[d]++;
	link_event(link, AMP_RPMSG_EV_BAD_MESSAGE, d, dst);
}

/*
 * Decide what a received buffer is and hand it to its endpoint. Returns true when the
 * application held the buffer; every other path lets the caller return it (RPMSG-008), whatever
 * the peer wrote into it.
 */
static bool dispatch(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t len)
{
	struct amp_rpmsg_endpoint *ept;
	struct amp_rpmsg_hdr hdr;
	enum amp_rpmsg_defect d;
	bool held;

	if (len > rec->size) {
		/* Linux warns "inbound msg too big" and loses the buffer; we drop the message. */
		report_defect(link, AMP_RPMSG_USED_LEN_OVER_BUFFER, 0);
		return false;
	}
	d = amp_rpmsg_hdr_decode(rec->va, len, link->cfg.io.order, &hdr);
	if (d) {
		report_defect(link, d, 0);
		return false;
	}
	if (hdr.dst == AMP_RPMSG_NS_ADDR && link_supports_ns(link)) {
		if (link->ns)
			ns_receive(link, rec->va + AMP_RPMSG_HDR_SIZE, hdr.len);
		else
			link_event(link, AMP_RPMSG_EV_NS_WITHOUT_FEATURE, hdr.src, 0);
		return false;
	}

	/* The endpoint lock is held across the callback: amp_rpmsg_endpoint_destroy() on another
	 * thread waits for it, and never returns while the callback can still run. */
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	ept = ept_lookup(link, hdr.dst);
	if (!ept || !ept->cb) {
		link_unlock(link, AMP_RPMSG_LOCK_EPT);
		link_event(link, AMP_RPMSG_EV_NO_RECIPIENT, hdr.dst, hdr.src);
		/* Mutant: the dropped message's buffer counts as held and never goes back
		 * (RPMSG-009). */
		return AMP_MUTANT_IS(UNKNOWN_DST_BUFFER_KEPT);
	}
	if (ept->bind_dst && ept->dst == AMP_RPMSG_ADDR_ANY)
		ept->dst = hdr.src; /* reply to whoever spoke first (RPMSG-011) */
	link->rx_current = rec;
	link->rx_current_held = false;
	ept->cb(ept, (void *)(rec->va + AMP_RPMSG_HDR_SIZE), hdr.len, hdr.src, ept->priv);
	link->stats.rx_messages++;
	link->rx_current = NULL;
	held = link->rx_current_held;
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
	return held;
}

int amp_rpmsg_link_poll(struct amp_rpmsg_link *link)
{
	const struct amp_rpmsg_platform_ops *ops = link->node->ops;
	struct amp_rpmsg_bufrec *rec;
	uint32_t len, budget;
	int err, n = 0;

	err = link->ops->up(link);
	if (err)
		return err;
	if (link->broken)
		return -AMP_EIO;
	if (!link_up(link))
		return 0;
	/* One lap of the ring per call, so that a peer that never stops sending cannot keep the
	 * caller here forever. */
	budget = amp_vring_num(&link->rx_vq);
	while (budget--) {
		bool held;

		link_lock(link, AMP_RPMSG_LOCK_RX);
		err = link->ops->get_rx(link, &rec, &len);
		if (!err)
			rec->state = BUF_DELIVERING;
		link_unlock(link, AMP_RPMSG_LOCK_RX);
		if (err)
			break;
		held = dispatch(link, rec, len);
		link_lock(link, AMP_RPMSG_LOCK_RX);
		if (held) {
			rec->state = BUF_HELD;
			link->rx_held++;
		} else {
			link->ops->put_rx(link, rec);
		}
		link_unlock(link, AMP_RPMSG_LOCK_RX);
		n++;
	}
	link_lock(link, AMP_RPMSG_LOCK_RX);
	link->ops->flush_rx(link);
	link_unlock(link, AMP_RPMSG_LOCK_RX);

	if (link_sleepers(link) && ops && ops->wake) {
		/* Under the TX lock: a sender between its last look at the ring and its wait
		 * holds the lock, so the wake cannot fall in between. */
		link_lock(link, AMP_RPMSG_LOCK_TX);
		if (link_sleepers(link))
			ops->wake(link->node->ctx, link);
		link_unlock(link, AMP_RPMSG_LOCK_TX);
	}
	/* A sender that queued with MORE and stopped there is published here at the latest. */
	amp_rpmsg_flush(link);
	link_check_faults(link);
	if (link->broken)
		return -AMP_EIO;
	ns_announce_pending(link);
	return n;
}

bool amp_rpmsg_link_is_up(const struct amp_rpmsg_link *link)
{
	return link_up(link) && !link->broken;
}

uint64_t amp_rpmsg_link_features(const struct amp_rpmsg_link *link)
{
	return link->features;
}

const struct amp_rpmsg_stats *amp_rpmsg_link_stats(const struct amp_rpmsg_link *link)
{
	return &link->stats;
}

uint32_t amp_rpmsg_link_payload_size(const struct amp_rpmsg_link *link)
{
	uint32_t size = link->tx_size > AMP_RPMSG_HDR_SIZE ? link->tx_size - AMP_RPMSG_HDR_SIZE : 0;

	/* hdr.len is 16 bits: a larger buffer cannot carry a larger message. */
	return size > UINT16_MAX ? UINT16_MAX : size;
}

static uint32_t count_state(const struct amp_rpmsg_bufrec *rec, uint32_t n, uint8_t state)
{
	uint32_t c = 0;

	for (uint32_t i = 0; i < n; i++)
		c += rec[i].state == state;
	return c;
}

void amp_rpmsg_link_buffers(struct amp_rpmsg_link *link, struct amp_rpmsg_buffer_counts *counts)
{
	memset(counts, 0, sizeof(*counts));
	if (!link_up(link))
		return;
	link_lock(link, AMP_RPMSG_LOCK_RX);
	link_lock(link, AMP_RPMSG_LOCK_TX);
	link->ops->buffers(link, counts);
	/* Counted from the records, independently of the running counters. */
	counts->rx_held = count_state(link->rx_rec, link->rx_count, BUF_HELD);
	counts->tx_reserved = count_state(link->tx_rec, link->tx_count, BUF_RESERVED);
	link_unlock(link, AMP_RPMSG_LOCK_TX);
	link_unlock(link, AMP_RPMSG_LOCK_RX);
}
