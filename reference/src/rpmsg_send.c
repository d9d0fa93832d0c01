// SPDX-License-Identifier: BSD-3-Clause
/*
 * The send family, zero-copy buffers and held receive buffers.
 *
 * A send takes a transmit buffer under the TX lock, fills it without the lock (the buffer is
 * ours alone by then, so concurrent senders copy in parallel) and queues it under the lock
 * again.
 */
#include <string.h>

#include "amp/error.h"
#include "io_access.h"
#include "rpmsg_internal.h"

/* Wait for a transmit buffer; TX lock held. Linux waits up to 15 s with TX-complete
 * notifications enabled only while somebody waits ("sleepers"). */
static int wait_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec)
{
	const struct amp_rpmsg_platform_ops *ops = link->node->ops;
	uint32_t left = link->cfg.tx_timeout_ms;
	int err;

	link_set_sleepers(link, link_sleepers(link) + 1);
	if (link_sleepers(link) == 1)
		(void)link->ops->want_tx_notify(link, true);
	for (;;) {
		err = link->ops->get_tx(link, rec);
		if (err != -AMP_ENOMEM)
			break;
		/* Checked under the TX lock before every wait: link_set_down() wakes only those
		 * already waiting. */
		if (!link_up(link)) {
			err = -AMP_ENOTCONN;
			break;
		}
		if (!left) {
			err = -AMP_ETIMEDOUT;
			break;
		}
		if (ops->wait(link->node->ctx, link, &left) == -AMP_ETIMEDOUT)
			left = 0; /* one last look at the ring, then give up */
	}
	link_set_sleepers(link, link_sleepers(link) - 1);
	if (!link_sleepers(link) && link_up(link))
		(void)link->ops->want_tx_notify(link, false);
	return err;
}

static int acquire_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec **rec, bool wait,
		      uint32_t *session)
{
	const struct amp_rpmsg_platform_ops *ops = link->node->ops;
	int err;

	link_lock(link, AMP_RPMSG_LOCK_TX);
	if (!link_up(link))
		err = -AMP_ENOTCONN;
	else if (link->broken)
		err = -AMP_EIO;
	else
		err = link->ops->get_tx(link, rec);
	if (err == -AMP_ENOMEM && link->tx_more) {
		/* Buffers queued with MORE cannot come back before they are published. */
		link->ops->flush_tx(link);
		link->tx_more = false;
	}
	if (err == -AMP_ENOMEM && wait && ops && ops->wait)
		err = wait_tx(link, rec);
	if (!err)
		link->tx_reserved++;
	*session = link->session;
	link_unlock(link, AMP_RPMSG_LOCK_TX);
	return err;
}

/* Give a reserved buffer back unused, unless the link was reset meanwhile: the buffer records
 * were rebuilt then and the buffer is already free. */
static void return_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t session)
{
	link_lock(link, AMP_RPMSG_LOCK_TX);
	if (link_up(link) && link->session == session) {
		link->ops->put_tx(link, rec);
		link->tx_reserved--;
	}
	link_unlock(link, AMP_RPMSG_LOCK_TX);
}

/* Queue a filled buffer of @len bytes (header included). */
static int queue_tx(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t len,
		    bool more)
{
	int err;

	link_lock(link, AMP_RPMSG_LOCK_TX);
	if (!link_up(link))
		err = -AMP_ENOTCONN;
	else
		err = link->ops->send_tx(link, rec, len, more);
	if (!err) {
		link->tx_more = more;
		link->tx_reserved--;
		link->stats.tx_messages++;
	}
	link_unlock(link, AMP_RPMSG_LOCK_TX);
	return err;
}

static uint32_t payload_capacity(const struct amp_rpmsg_bufrec *rec)
{
	uint32_t size = rec->size - AMP_RPMSG_HDR_SIZE;

	return size > UINT16_MAX ? UINT16_MAX : size;
}

static void write_header(struct amp_rpmsg_link *link, struct amp_rpmsg_bufrec *rec, uint32_t src,
			 uint32_t dst, size_t len)
{
	bool swap = amp_io_swaps(&link->cfg.io);

	/* struct rpmsg_hdr: src, dst, reserved, len, flags (rpmsg_wire.h); reserved and flags
	 * are 0 (RPMSG-003), as Linux writes them. */
	amp_store_image16(&link->cfg.io, rec->va,
			  amp_image32x2(amp_ring32(swap, src), amp_ring32(swap, dst)),
			  amp_image32x2(0, amp_image16x2(amp_ring16(swap, (uint16_t)len), 0)));
}

static int check_addresses(const struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst)
{
	/* "bcasting isn't allowed" (RPMSG-004). */
	if (!ept || src == AMP_RPMSG_ADDR_ANY || dst == AMP_RPMSG_ADDR_ANY)
		return -AMP_EINVAL;
	return 0;
}

int send_raw(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst, const void *data,
	     size_t len, unsigned int flags)
{
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_bufrec *rec;
	uint32_t session;
	int err;

	/* A link that is down says why before anything else: an endpoint that learned its
	 * destination from the peer has forgotten it with the link. */
	if (ept && !link_up(ept->link))
		return -AMP_ENOTCONN;
	err = check_addresses(ept, src, dst);
	if (err)
		return err;
	link = ept->link;
	/* The driver knows its buffer size before taking one (Linux: -EMSGSIZE first). */
	if (link->cfg.role == AMP_RPMSG_DRIVER && len > link->tx_size - AMP_RPMSG_HDR_SIZE)
		return -AMP_EMSGSIZE;
	err = acquire_tx(link, &rec, !(flags & AMP_RPMSG_NONBLOCK), &session);
	if (err)
		return err;
	if (len > payload_capacity(rec)) {
		return_tx(link, rec, session);
		return -AMP_EMSGSIZE;
	}
	write_header(link, rec, src, dst, len);
	amp_store_bytes(&link->cfg.io, rec->va + AMP_RPMSG_HDR_SIZE, data, len);
	err = queue_tx(link, rec, AMP_RPMSG_HDR_SIZE + (uint32_t)len, flags & AMP_RPMSG_MORE);
	if (err)
		return_tx(link, rec, session);
	return err;
}

int amp_rpmsg_send_flags(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
			 const void *data, size_t len, unsigned int flags)
{
	return send_raw(ept, src, dst, data, len, flags);
}

void amp_rpmsg_flush(struct amp_rpmsg_link *link)
{
	link_lock(link, AMP_RPMSG_LOCK_TX);
	if (link_up(link) && link->tx_more)
		link->ops->flush_tx(link);
	link->tx_more = false;
	link_unlock(link, AMP_RPMSG_LOCK_TX);
}

int amp_rpmsg_send(struct amp_rpmsg_endpoint *ept, const void *data, size_t len)
{
	return send_raw(ept, ept ? ept->addr : 0, ept ? ept->dst : 0, data, len, 0);
}

int amp_rpmsg_sendto(struct amp_rpmsg_endpoint *ept, const void *data, size_t len, uint32_t dst)
{
	return send_raw(ept, ept ? ept->addr : 0, dst, data, len, 0);
}

int amp_rpmsg_send_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
			      const void *data, size_t len)
{
	return send_raw(ept, src, dst, data, len, 0);
}

int amp_rpmsg_trysend(struct amp_rpmsg_endpoint *ept, const void *data, size_t len)
{
	return send_raw(ept, ept ? ept->addr : 0, ept ? ept->dst : 0, data, len,
			AMP_RPMSG_NONBLOCK);
}

int amp_rpmsg_trysendto(struct amp_rpmsg_endpoint *ept, const void *data, size_t len, uint32_t dst)
{
	return send_raw(ept, ept ? ept->addr : 0, dst, data, len, AMP_RPMSG_NONBLOCK);
}

int amp_rpmsg_trysend_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
				 const void *data, size_t len)
{
	return send_raw(ept, src, dst, data, len, AMP_RPMSG_NONBLOCK);
}

int amp_rpmsg_get_tx_buffer(struct amp_rpmsg_endpoint *ept, void **data, uint32_t *size, bool wait)
{
	struct amp_rpmsg_bufrec *rec;
	uint32_t session;
	int err;

	if (!ept || !data || !size)
		return -AMP_EINVAL;
	err = acquire_tx(ept->link, &rec, wait, &session);
	if (err)
		return err;
	*data = (void *)(rec->va + AMP_RPMSG_HDR_SIZE);
	*size = payload_capacity(rec);
	return 0;
}

/*
 * The record of a buffer from its payload pointer: arithmetic on the driver's pool, a search of
 * the device's records (the device's buffers are wherever the driver put them). The state
 * must match: a pointer the application made up, or kept from an earlier link session, is
 * refused.
 */
static struct amp_rpmsg_bufrec *find_rec(struct amp_rpmsg_link *link, bool tx, const void *data,
					 uint8_t state)
{
	struct amp_rpmsg_bufrec *recs = tx ? link->tx_rec : link->rx_rec;
	uint32_t count = tx ? link->tx_count : link->rx_count;
	uintptr_t va = (uintptr_t)data - AMP_RPMSG_HDR_SIZE;

	if (!link_up(link) || !recs)
		return NULL;
	if (link->cfg.role == AMP_RPMSG_DRIVER) {
		uintptr_t base = (uintptr_t)(tx ? link->tx_base : link->rx_base);
		uint32_t size = tx ? link->tx_size : link->rx_size;
		uintptr_t off = va - base;

		if (va < base || off % size || off / size >= count)
			return NULL;
		return recs[off / size].state == state ? &recs[off / size] : NULL;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (recs[i].state == state && (uintptr_t)recs[i].va == va)
			return &recs[i];
	}
	return NULL;
}

/*
 * The application wrote the payload with plain stores the hooks never saw; store it again
 * through them so that a trace holds what the peer will read.
 */
static void retrace_payload(struct amp_rpmsg_link *link, volatile uint8_t *p, size_t len)
{
#if AMP_IO_HOOKS
	uint8_t chunk[64];

	if (!link->cfg.io.ops)
		return;
	while (len) {
		size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

		amp_io_read(chunk, p, n);
		amp_io_write(&link->cfg.io, p, chunk, n);
		p += n;
		len -= n;
	}
#else
	(void)link;
	(void)p;
	(void)len;
#endif
}

int amp_rpmsg_send_offchannel_nocopy(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
				     void *data, size_t len)
{
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_bufrec *rec;
	int err = check_addresses(ept, src, dst);

	if (err)
		return err;
	link = ept->link;
	link_lock(link, AMP_RPMSG_LOCK_TX);
	rec = find_rec(link, true, data, BUF_RESERVED);
	link_unlock(link, AMP_RPMSG_LOCK_TX);
	if (!rec)
		return link_up(link) ? -AMP_EINVAL : -AMP_ENOTCONN;
	if (len > payload_capacity(rec))
		return -AMP_EMSGSIZE;
	write_header(link, rec, src, dst, len);
	retrace_payload(link, rec->va + AMP_RPMSG_HDR_SIZE, len);
	return queue_tx(link, rec, AMP_RPMSG_HDR_SIZE + (uint32_t)len, false);
}

int amp_rpmsg_send_nocopy(struct amp_rpmsg_endpoint *ept, void *data, size_t len)
{
	if (!ept)
		return -AMP_EINVAL;
	return amp_rpmsg_send_offchannel_nocopy(ept, ept->addr, ept->dst, data, len);
}

int amp_rpmsg_sendto_nocopy(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t dst)
{
	if (!ept)
		return -AMP_EINVAL;
	return amp_rpmsg_send_offchannel_nocopy(ept, ept->addr, dst, data, len);
}

int amp_rpmsg_release_tx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_bufrec *rec;

	if (!ept)
		return -AMP_EINVAL;
	link = ept->link;
	link_lock(link, AMP_RPMSG_LOCK_TX);
	rec = find_rec(link, true, data, BUF_RESERVED);
	if (rec) {
		link->ops->put_tx(link, rec);
		link->tx_reserved--;
	}
	link_unlock(link, AMP_RPMSG_LOCK_TX);
	return rec ? 0 : -AMP_EINVAL;
}

int amp_rpmsg_hold_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_link *link;

	if (!ept)
		return -AMP_EINVAL;
	link = ept->link;
	if (!link->rx_current || data != (void *)(link->rx_current->va + AMP_RPMSG_HDR_SIZE))
		return -AMP_EINVAL;
	link->rx_current_held = true;
	return 0;
}

int amp_rpmsg_release_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_bufrec *rec;

	if (!ept)
		return -AMP_EINVAL;
	link = ept->link;
	link_lock(link, AMP_RPMSG_LOCK_RX);
	rec = find_rec(link, false, data, BUF_HELD);
	if (rec) {
		link->ops->put_rx(link, rec);
		link->rx_held--;
		link->ops->flush_rx(link);
	}
	link_unlock(link, AMP_RPMSG_LOCK_RX);
	return rec ? 0 : -AMP_EINVAL;
}
