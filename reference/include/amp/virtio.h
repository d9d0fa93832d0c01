/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: virtio constants used on remoteproc links
 *
 * Values from the OASIS virtio specification (v1.2+ numbering) and Linux
 * include/uapi/linux/virtio_ring.h. remoteproc virtio devices are always legacy devices
 * (the resource table holds 32-bit feature words, so VIRTIO_F_VERSION_1 can never be offered).
 */
#ifndef AMP_VIRTIO_H
#define AMP_VIRTIO_H

#ifdef __cplusplus
extern "C" {
#endif

/* Descriptor flags (virtio v1.2 §2.7.5). */
#define AMP_VRING_DESC_F_NEXT     1u /* the chain continues at the next field */
#define AMP_VRING_DESC_F_WRITE    2u /* the buffer is device-writable */
#define AMP_VRING_DESC_F_INDIRECT 4u /* the buffer is a table of descriptors */

/* avail.flags: the driver asks the device not to send used-buffer notifications (§2.7.7). */
#define AMP_VRING_AVAIL_F_NO_INTERRUPT 1u
/* used.flags: the device asks the driver not to send available-buffer notifications (§2.7.10). */
#define AMP_VRING_USED_F_NO_NOTIFY 1u

/* Transport feature bits (§6); 28 and 29 are the only ones a 32-bit feature word can carry. */
#define AMP_VIRTIO_F_INDIRECT_DESC 28
#define AMP_VIRTIO_F_EVENT_IDX     29
#define AMP_VIRTIO_F_VERSION_1     32

/* Largest queue size the split ring allows (§2.7: "The maximum Queue Size value is 32768"). */
#define AMP_VRING_MAX_NUM 32768u

/* Device status bits (§2.1). */
#define AMP_VIRTIO_STATUS_ACKNOWLEDGE        0x01u
#define AMP_VIRTIO_STATUS_DRIVER             0x02u
#define AMP_VIRTIO_STATUS_DRIVER_OK          0x04u
#define AMP_VIRTIO_STATUS_FEATURES_OK        0x08u
#define AMP_VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40u
#define AMP_VIRTIO_STATUS_FAILED             0x80u

/* Device IDs (§5). */
#define AMP_VIRTIO_ID_RPMSG 7u

/* Bit mask for a feature bit number. */
#define AMP_VIRTIO_FEATURE(bit) (1ull << (bit))

#ifdef __cplusplus
}
#endif

#endif /* AMP_VIRTIO_H */
