// SPDX-License-Identifier: BSD-3-Clause
/*
 * Endpoints: a link's address table, kept sorted by address so that the lowest free dynamic
 * address is found in one walk (Linux allocates with an idr from 1024 up).
 */
#include <string.h>

#include "amp/error.h"
#include "mutant.h"
#include "rpmsg_internal.h"

struct amp_rpmsg_endpoint *ept_lookup(struct amp_rpmsg_link *link, uint32_t addr)
{
	struct amp_rpmsg_endpoint *e = link->epts;

	while (e && e->addr < addr)
		e = e->next;
	return e && e->addr == addr ? e : NULL;
}

/* Insert @ept after @prev (NULL: at the head). */
static void insert_after(struct amp_rpmsg_link *link, struct amp_rpmsg_endpoint *prev,
			 struct amp_rpmsg_endpoint *ept)
{
	struct amp_rpmsg_endpoint **at = prev ? &prev->next : &link->epts;

	ept->next = *at;
	*at = ept;
}

int ept_bind(struct amp_rpmsg_link *link, struct amp_rpmsg_endpoint *ept, uint32_t addr)
{
	struct amp_rpmsg_endpoint *prev = NULL, *e = link->epts;

	if (addr == AMP_RPMSG_ADDR_ANY) {
		/* Lowest free address >= 1024: addresses below are reserved for predefined
		 * services (RPMSG-010). */
		addr = AMP_RPMSG_RESERVED_ADDRESSES;
		/* Mutant: dynamic addresses from 256, among the reserved ones (RPMSG-010). */
		if (AMP_MUTANT_IS(DYNAMIC_ADDR_LOW))
			addr = 256;
		for (; e && e->addr <= addr; prev = e, e = e->next) {
			if (e->addr == addr && ++addr == AMP_RPMSG_ADDR_ANY)
				return -AMP_ENOSPC;
		}
	} else {
		/* 53 belongs to the name service on links that speak it. */
		if (addr == AMP_RPMSG_NS_ADDR && link_supports_ns(link))
			return -AMP_EBUSY;
		for (; e && e->addr < addr; prev = e, e = e->next)
			;
		if (e && e->addr == addr)
			return -AMP_EBUSY;
	}
	ept->addr = addr;
	insert_after(link, prev, ept);
	return 0;
}

void ept_unbind(struct amp_rpmsg_link *link, struct amp_rpmsg_endpoint *ept)
{
	struct amp_rpmsg_endpoint **at = &link->epts;

	while (*at && *at != ept)
		at = &(*at)->next;
	if (*at)
		*at = ept->next;
	ept->next = NULL;
}

static size_t name_length(const char *name)
{
	size_t n = 0;

	while (name && n < AMP_RPMSG_NAME_SIZE && name[n])
		n++;
	return n;
}

int amp_rpmsg_endpoint_create(struct amp_rpmsg_endpoint *ept, struct amp_rpmsg_link *link,
			      const struct amp_rpmsg_endpoint_config *cfg)
{
	size_t n;
	int err;

	if (!ept || !link || !cfg)
		return -AMP_EINVAL;
	n = name_length(cfg->name);
	if (n >= AMP_RPMSG_NAME_SIZE || (cfg->announce && !n))
		return -AMP_EINVAL;
	memset(ept, 0, sizeof(*ept));
	ept->link = link;
	ept->cb = cfg->cb;
	ept->priv = cfg->priv;
	ept->dst = cfg->dst;
	ept->bind_dst = cfg->dst == AMP_RPMSG_ADDR_ANY;
	ept->announce = cfg->announce;
	if (n)
		memcpy(ept->name, cfg->name, n);

	link_lock(link, AMP_RPMSG_LOCK_EPT);
	err = ept_bind(link, ept, cfg->addr);
	if (!err && ept->announce)
		link->announce_pending = true;
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
	if (!err)
		ns_announce_pending(link);
	return err;
}

void amp_rpmsg_endpoint_destroy(struct amp_rpmsg_endpoint *ept)
{
	struct amp_rpmsg_link *link = ept->link;

	/* Withdraw the name while the address still exists (NS-007). */
	if (ept->announced && link->ns && link_up(link))
		(void)ns_send(ept, AMP_RPMSG_NS_DESTROY);
	ept->announced = false;
	ept->announce = false;
	link_lock(link, AMP_RPMSG_LOCK_EPT);
	ept_unbind(link, ept);
	link_unlock(link, AMP_RPMSG_LOCK_EPT);
}
