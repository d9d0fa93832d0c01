// SPDX-License-Identifier: BSD-3-Clause
/*
 * The name service and the bus: channels appear when the peer announces a service (or when
 * this node creates one), drivers are matched to them by name, and endpoints marked for
 * announcement are announced whenever a link with F_NS comes up.
 */
#include <string.h>

#include "amp/error.h"
#include "rpmsg_internal.h"

int ns_send(struct amp_rpmsg_endpoint *ept, uint32_t flags)
{
	uint8_t msg[AMP_RPMSG_NS_MSG_SIZE];
	int err = amp_rpmsg_ns_encode(ept->name, ept->addr, flags, ept->link->cfg.io.order, msg);

	if (err)
		return err;
	/* From the announced address itself (NS-005), never waiting: announcements are retried
	 * at the next poll when no buffer is free. */
	return send_raw(ept, ept->addr, AMP_RPMSG_NS_ADDR, msg, sizeof(msg), AMP_RPMSG_NONBLOCK);
}

void ns_announce_pending(struct amp_rpmsg_link *link)
{
	if (!link->ns || !link_up(link) || !link->announce_pending)
		return;
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	link->announce_pending = false;
	for (struct amp_rpmsg_endpoint *e = link->epts; e; e = e->next) {
		if (!e->announce || e->announced)
			continue;
		if (ns_send(e, AMP_RPMSG_NS_CREATE))
			link->announce_pending = true;
		else
			e->announced = true;
	}
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
}

static bool driver_serves(const struct amp_rpmsg_driver *drv, const char *name)
{
	for (const struct amp_rpmsg_device_id *id = drv->id_table; id->name; id++) {
		if (!strncmp(id->name, name, AMP_RPMSG_NAME_SIZE))
			return true;
	}
	return false;
}

/* A bound channel's endpoint hands its messages to the driver. */
static int channel_rx(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		      void *priv)
{
	struct amp_rpmsg_channel *ch = priv;

	(void)ept;
	return ch->driver->callback ? ch->driver->callback(ch, data, len, src) : 0;
}

/* Create the channel's endpoint and let @drv probe it (rpmsg_dev_probe()). No lock held. */
static void channel_bind(struct amp_rpmsg_channel *ch, struct amp_rpmsg_driver *drv)
{
	struct amp_rpmsg_link *link = ch->link;
	struct amp_rpmsg_endpoint_config cfg = {
		.name = ch->name,
		.addr = ch->src,
		.dst = ch->dst,
		.cb = channel_rx,
		.priv = ch,
	};
	int err;

	ch->driver = drv;
	err = amp_rpmsg_endpoint_create(&ch->ept, link, &cfg);
	if (!err) {
		ch->ept.channel = ch;
		err = drv->probe(ch);
		if (err)
			amp_rpmsg_endpoint_destroy(&ch->ept);
	}
	if (err) {
		ch->driver = NULL;
		link_event(link, AMP_RPMSG_EV_PROBE_FAILED, (uint32_t)-err, 0);
		return;
	}
	ch->bound = true;
	/* Linux announces a channel with a fixed local address after its probe (rpdev->announce);
	 * one with a dynamic address waits for the peer to speak first. */
	if (ch->src != AMP_RPMSG_ADDR_ANY) {
		link_lock(link, AMP_RPMSG_LOCK_EPT);
		ch->ept.announce = true;
		link->announce_pending = true;
		link_unlock(link, AMP_RPMSG_LOCK_EPT);
		ns_announce_pending(link);
	}
}

static void channel_unbind(struct amp_rpmsg_channel *ch)
{
	if (!ch->bound)
		return;
	if (ch->driver->remove)
		ch->driver->remove(ch);
	amp_rpmsg_endpoint_destroy(&ch->ept);
	ch->bound = false;
	ch->driver = NULL;
}

static void channel_probe(struct amp_rpmsg_channel *ch)
{
	struct amp_rpmsg_node *node = ch->link->node;
	struct amp_rpmsg_driver *drv;

	node_lock_bus(node);
	for (drv = node->drivers; drv && !driver_serves(drv, ch->name); drv = drv->next)
		;
	node_unlock_bus(node);
	if (drv)
		channel_bind(ch, drv);
}

static void channel_free(struct amp_rpmsg_channel *ch)
{
	struct amp_rpmsg_link *link = ch->link;

	if (ch->from_peer)
		link_event(link, AMP_RPMSG_EV_CHANNEL_DESTROYED, ch->dst, 0);
	channel_unbind(ch);
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	ch->in_use = false;
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
}

/* EPT lock held. */
static struct amp_rpmsg_channel *channel_lookup(struct amp_rpmsg_link *link, const char *name,
						uint32_t dst)
{
	for (uint32_t i = 0; i < link->cfg.channel_count; i++) {
		struct amp_rpmsg_channel *ch = &link->cfg.channels[i];

		if (ch->in_use && (!name || !strncmp(ch->name, name, AMP_RPMSG_NAME_SIZE)) &&
		    (dst == AMP_RPMSG_ADDR_ANY || ch->dst == dst))
			return ch;
	}
	return NULL;
}

/* Take a free channel from the pool; EPT lock held. */
static struct amp_rpmsg_channel *channel_alloc(struct amp_rpmsg_link *link, const char *name,
					       uint32_t src, uint32_t dst, bool from_peer)
{
	for (uint32_t i = 0; i < link->cfg.channel_count; i++) {
		struct amp_rpmsg_channel *ch = &link->cfg.channels[i];

		if (ch->in_use)
			continue;
		memset(ch, 0, sizeof(*ch));
		ch->in_use = true;
		ch->link = link;
		ch->src = src;
		ch->dst = dst;
		ch->from_peer = from_peer;
		strncpy(ch->name, name, AMP_RPMSG_NAME_SIZE - 1);
		return ch;
	}
	return NULL;
}

struct amp_rpmsg_channel *amp_rpmsg_channel_find(struct amp_rpmsg_link *link, const char *name,
						 uint32_t dst)
{
	struct amp_rpmsg_channel *ch;

	link_lock(link, AMP_RPMSG_LOCK_EPT);
	ch = channel_lookup(link, name, dst);
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
	return ch;
}

void ns_receive(struct amp_rpmsg_link *link, const volatile uint8_t *payload, uint32_t len)
{
	struct amp_rpmsg_ns_msg ns;
	struct amp_rpmsg_channel *ch;
	enum amp_rpmsg_defect d = amp_rpmsg_ns_decode(payload, len, link->cfg.io.order, &ns);

	if (d) {
		link->stats.defects[d]++;
		link_event(link, AMP_RPMSG_EV_BAD_MESSAGE, d, AMP_RPMSG_NS_ADDR);
		return;
	}
	/* Keyed on the announced address, not hdr.src, as Linux rpmsg_ns_cb(); only bit 0 of the
	 * flags counts (NS-004). */
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	ch = channel_lookup(link, ns.name, ns.addr);
	if (ns.flags & AMP_RPMSG_NS_DESTROY) {
		if (ch && !ch->from_peer)
			ch = NULL; /* the peer cannot withdraw our own channel */
		link_unlock(link, AMP_RPMSG_LOCK_EPT);
		if (ch)
			channel_free(ch);
		else
			link_event(link, AMP_RPMSG_EV_NS_UNKNOWN_DESTROY, ns.addr, 0);
		return;
	}
	if (ch) {
		link_unlock(link, AMP_RPMSG_LOCK_EPT);
		link_event(link, AMP_RPMSG_EV_NS_DUPLICATE, ns.addr, 0);
		return;
	}
	/* Our end gets a dynamic address: the peer learns it from our first message. */
	ch = channel_alloc(link, ns.name, AMP_RPMSG_ADDR_ANY, ns.addr, true);
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
	if (!ch) {
		link_event(link, AMP_RPMSG_EV_NS_NO_ROOM, ns.addr, 0);
		return;
	}
	link_event(link, AMP_RPMSG_EV_CHANNEL_CREATED, ns.addr, 0);
	channel_probe(ch);
}

void bus_link_stop(struct amp_rpmsg_link *link)
{
	/* Withdraw every name we announced while the link can still carry it. */
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	for (struct amp_rpmsg_endpoint *e = link->epts; e; e = e->next) {
		if (e->announced && link->ns)
			(void)ns_send(e, AMP_RPMSG_NS_DESTROY);
		e->announced = false;
	}
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
}

void bus_link_down(struct amp_rpmsg_link *link)
{
	/* The peer's services went away with it; ours stay and are announced again at the next
	 * link-up. */
	for (uint32_t i = 0; i < link->cfg.channel_count; i++) {
		struct amp_rpmsg_channel *ch = &link->cfg.channels[i];

		if (ch->in_use && ch->from_peer)
			channel_free(ch);
	}
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	for (struct amp_rpmsg_endpoint *e = link->epts; e; e = e->next) {
		e->announced = false;
		if (e->announce)
			link->announce_pending = true;
		/* A learned destination belonged to the peer's previous life (it may come back with
		 * other addresses): learn it again from its next first message. */
		if (e->bind_dst)
			e->dst = AMP_RPMSG_ADDR_ANY;
	}
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
}

static bool valid_name(const char *name)
{
	size_t n = 0;

	while (name && n < AMP_RPMSG_NAME_SIZE && name[n])
		n++;
	return n && n < AMP_RPMSG_NAME_SIZE;
}

int amp_rpmsg_channel_create(struct amp_rpmsg_link *link, const char *name, uint32_t src,
			     uint32_t dst, struct amp_rpmsg_channel **out)
{
	struct amp_rpmsg_channel *ch;
	int err = 0;

	if (!link || !valid_name(name))
		return -AMP_EINVAL;
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	if (channel_lookup(link, name, dst))
		err = -AMP_EEXIST;
	else if (src != AMP_RPMSG_ADDR_ANY &&
		 (ept_lookup(link, src) || (src == AMP_RPMSG_NS_ADDR && link_supports_ns(link))))
		err = -AMP_EBUSY;
	else if (!(ch = channel_alloc(link, name, src, dst, false)))
		err = -AMP_ENOSPC;
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
	if (err)
		return err;
	channel_probe(ch);
	if (out)
		*out = ch;
	return 0;
}

void amp_rpmsg_channel_destroy(struct amp_rpmsg_channel *ch)
{
	if (ch && ch->in_use)
		channel_free(ch);
}

int amp_rpmsg_driver_register(struct amp_rpmsg_node *node, struct amp_rpmsg_driver *drv)
{
	if (!drv || !drv->id_table || !drv->probe)
		return -AMP_EINVAL;
	node_lock_bus(node);
	drv->next = node->drivers;
	node->drivers = drv;
	node_unlock_bus(node);
	for (struct amp_rpmsg_link *link = node->links; link; link = link->next) {
		for (uint32_t i = 0; i < link->cfg.channel_count; i++) {
			struct amp_rpmsg_channel *ch = &link->cfg.channels[i];

			if (ch->in_use && !ch->bound && driver_serves(drv, ch->name))
				channel_bind(ch, drv);
		}
	}
	return 0;
}

void amp_rpmsg_driver_unregister(struct amp_rpmsg_node *node, struct amp_rpmsg_driver *drv)
{
	struct amp_rpmsg_driver **at = &node->drivers;

	node_lock_bus(node);
	while (*at && *at != drv)
		at = &(*at)->next;
	if (*at)
		*at = drv->next;
	node_unlock_bus(node);
	for (struct amp_rpmsg_link *link = node->links; link; link = link->next) {
		for (uint32_t i = 0; i < link->cfg.channel_count; i++) {
			struct amp_rpmsg_channel *ch = &link->cfg.channels[i];

			if (ch->in_use && ch->driver == drv)
				channel_unbind(ch);
		}
	}
}
