/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the two virtio roles of an rpmsg link share.
 */
#ifndef AMP_RPMSG_VIRTIO_H
#define AMP_RPMSG_VIRTIO_H

#include "rpmsg_internal.h"

/*
 * The feature bits an rpmsg link understands: F_NS and the two transport bits a 32-bit feature
 * word can carry. Everything else is vendor-specific or unreachable on remoteproc and is masked.
 */
static inline uint32_t rpmsg_virtio_known_features(uint32_t wanted)
{
	return wanted & (uint32_t)(AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS) |
				   AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) |
				   AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC));
}

/* Fill a ring configuration for one of the link's rings. */
void rpmsg_virtio_vring_config(struct amp_rpmsg_link *link, struct amp_vring_config *vcfg,
			       const struct amp_vdev_vring_info *info, void *ring,
			       struct amp_vring_slot *slots, uint64_t features);

#endif /* AMP_RPMSG_VIRTIO_H */
