/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private interfaces between the rpmsg core (endpoints, dispatch, name service, bus) and the two
 * virtio roles that move its buffers.
 */
#ifndef AMP_RPMSG_INTERNAL_H
#define AMP_RPMSG_INTERNAL_H

#include "amp/rpmsg.h"

/* Buffer record states (struct amp_rpmsg_bufrec.state). */
enum {
	BUF_NONE = 0,   /* driver: with the peer (posted or in flight); device: not taken */
	BUF_FREE,       /* transmit buffer on the free list */
	BUF_RESERVED,   /* transmit buffer lent to the application (zero-copy) */
	BUF_DELIVERING, /* receive buffer whose message is being dispatched */
	BUF_HELD,       /* receive buffer kept by the application */
};

/**
 * struct amp_rpmsg_transport_ops - how one virtio role moves buffers (private)
 * @start: driver role: bring the device up (NULL for the device role)
 * @up: follow the device block; called at the start of every poll. Device role: bring the link
 *	up at DRIVER_OK and down at reset. Return 0, or -AMP_EIO when the block is unusable
 * @get_tx: take a free transmit buffer (TX lock held); -AMP_ENOMEM when none is free
 * @put_tx: a taken transmit buffer goes back unused (TX lock held)
 * @send_tx: queue a filled transmit buffer of @len bytes (TX lock held); unless @more, publish
 *	everything queued and notify if the peer wants it
 * @flush_tx: publish what was queued with @more and notify if the peer wants it (TX lock held)
 * @want_tx_notify: ask (true) or stop asking (false) the peer to notify when it returns
 *	transmit buffers; returns true when one may already be free (TX lock held)
 * @get_rx: the next received buffer and the bytes delivered in it (RX lock held); -AMP_EAGAIN
 *	when none, -AMP_EIO when the ring is broken
 * @put_rx: return a received buffer (RX lock held); it reaches the peer at @flush_rx
 * @flush_rx: publish the returned receive buffers and notify if the peer wants it
 * @stop: take the buffers back (driver: reset the device); the link is already marked down
 * @buffers: fill the ring-side numbers of a &struct amp_rpmsg_buffer_counts
 */
struct amp_rpmsg_transport_ops {
	int (*start)(struct amp_rpmsg_link *link);
	int (*up)(struct amp_rpmsg_link *link);
	int (*get_tx)(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec);
	void (*put_tx)(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec);
	int (*send_tx)(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t len,
		       bool more);
	void (*flush_tx)(struct amp_rpmsg_link *link);
	bool (*want_tx_notify)(struct amp_rpmsg_link *link, bool on);
	int (*get_rx)(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec, uint32_t *len);
	void (*put_rx)(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec);
	void (*flush_rx)(struct amp_rpmsg_link *link);
	void (*stop)(struct amp_rpmsg_link *link);
	void (*buffers)(struct amp_rpmsg_link *link, struct amp_rpmsg_buffer_counts *counts);
};

extern const struct amp_rpmsg_transport_ops amp_rpmsg_virtio_driver_ops;
extern const struct amp_rpmsg_transport_ops amp_rpmsg_virtio_device_ops;

/* Lock helpers: no-ops without hooks. */
static inline void link_lock(struct amp_rpmsg_link *link, enum amp_rpmsg_lock which)
{
	const struct amp_rpmsg_node *node = link->node;

	if (node->locking)
		node->ops->lock(node->ctx, link, which);
}

static inline void link_unlock(struct amp_rpmsg_link *link, enum amp_rpmsg_lock which)
{
	const struct amp_rpmsg_node *node = link->node;

	if (node->locking)
		node->ops->unlock(node->ctx, link, which);
}

/* The node's BUS lock (the driver list). */
static inline void node_lock_bus(const struct amp_rpmsg_node *node)
{
	if (node->locking)
		node->ops->lock(node->ctx, NULL, AMP_RPMSG_LOCK_BUS);
}

static inline void node_unlock_bus(const struct amp_rpmsg_node *node)
{
	if (node->locking)
		node->ops->unlock(node->ctx, NULL, AMP_RPMSG_LOCK_BUS);
}

/*
 * @up and @sleepers change under the TX lock but are also looked at without it (a sender's
 * first look, the poll's check for sleepers). Relaxed atomic loads and stores make those looks
 * well-defined; the lock still gives the ordering. Plain loads and stores only, so that cores
 * without atomic read-modify-write (Cortex-M0) need no library support.
 */
static inline bool link_up(const struct amp_rpmsg_link *link)
{
	return __atomic_load_n(&link->up, __ATOMIC_RELAXED);
}

static inline uint32_t link_sleepers(const struct amp_rpmsg_link *link)
{
	return __atomic_load_n(&link->sleepers, __ATOMIC_RELAXED);
}

static inline void link_set_sleepers(struct amp_rpmsg_link *link, uint32_t n)
{
	__atomic_store_n(&link->sleepers, n, __ATOMIC_RELAXED);
}

/* Count an event and pass it to the platform. */
void link_event(struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a, uint32_t b);

/* The link came up (session starts) or went down (transport state already reset). */
void link_went_up(struct amp_rpmsg_link *link, uint64_t features);
void link_went_down(struct amp_rpmsg_link *link);

/* Does this side take part in the name service (configured with F_NS)? */
static inline bool link_supports_ns(const struct amp_rpmsg_link *link)
{
	return link->cfg.features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS);
}

/* Carve @size bytes (8-byte aligned) from the link's work area; NULL when it is exhausted. */
void *link_carve(struct amp_rpmsg_link *link, size_t *used, size_t size);

/* Name service and bus (rpmsg_ns.c). */
void ns_receive(struct amp_rpmsg_link *link, const volatile uint8_t *payload, uint32_t len);
void ns_announce_pending(struct amp_rpmsg_link *link);
int ns_send(struct amp_rpmsg_endpoint *ept, uint32_t flags);
void bus_link_down(struct amp_rpmsg_link *link);
void bus_link_stop(struct amp_rpmsg_link *link);

/* Endpoint table (rpmsg_endpoint.c); callers hold the EPT lock. */
int ept_bind(struct amp_rpmsg_link *link, struct amp_rpmsg_endpoint *ept, uint32_t addr);
void ept_unbind(struct amp_rpmsg_link *link, struct amp_rpmsg_endpoint *ept);
struct amp_rpmsg_endpoint *ept_lookup(struct amp_rpmsg_link *link, uint32_t addr);

/* Sending (rpmsg_send.c). */
int send_raw(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst, const void *data,
	     size_t len, unsigned int flags);

#endif /* AMP_RPMSG_INTERNAL_H */
