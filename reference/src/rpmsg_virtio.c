// SPDX-License-Identifier: BSD-3-Clause
/*
 * Pieces both virtio roles of an rpmsg link use.
 */
#include "amp/virtio.h"
#include "mutant.h"
#include "rpmsg_virtio.h"

/* The ring's notify hook: a kick names the ring's notify id from the device block (NOTIF-007). */
static void vring_notify(void *ctx, struct amp_vring *vr)
{
	struct amp_rpmsg_link *link = ctx;

	/* Mutant: the ring this side transmits on is published but never kicked, whatever the
	 * peer asks (NOTIF-003 for the driver's vring1, NOTIF-004 for the device's vring0). */
	if (AMP_MUTANT_IS(MISSING_KICK) && vr == &link->tx_vq)
		return;
	if (link->cfg.notify)
		link->cfg.notify(link->cfg.notify_ctx, amp_vring_id(vr));
}

void rpmsg_virtio_vring_config(struct amp_rpmsg_link *link, struct amp_vring_config *vcfg,
			       const struct amp_vdev_vring_info *info, void *ring,
			       struct amp_vring_slot *slots, uint64_t features)
{
	unsigned int index = slots == link->slots[0] ? 0 : 1;

	*vcfg = (struct amp_vring_config){
		.num = info->num,
		.align = info->align,
		.ring = ring,
		.io = link->cfg.io,
		.addr = link->cfg.addr,
		/* rpmsg never chains, but a driver may offer indirect tables: accept them. */
		.features = features & (AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) |
					AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)),
		.slots = slots,
		.notify = vring_notify,
		.notify_ctx = link,
		.id = info->notifyid,
	};
	link->notifyid[index] = info->notifyid;
}
