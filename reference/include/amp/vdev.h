/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the virtio device block both sides of a remoteproc link share
 *
 * A remoteproc virtio device is described by a resource-table entry of type 3 (Linux struct
 * fw_rsc_vdev). The firmware declares it; the host fills in what it decides (negotiated
 * features, ring addresses, notify ids) and drives the status byte; the remote polls it, because
 * remoteproc has no configuration-change interrupt. The rpmsg transport reads and writes the
 * block through these helpers wherever it lives: inside a loaded resource table, or, for links
 * without remoteproc, as a stand-alone block in shared memory laid out the same way.
 *
 * Layout (packed, all words in the link's byte order, offsets from the entry's type word):
 *
 * ====== ===== =============== ===================================================
 * offset size field           written by
 * ====== ===== =============== ===================================================
 * 0      4     type (3)        firmware image
 * 4      4     id (7 = rpmsg)  firmware image
 * 8      4     notifyid        firmware image / host
 * 12     4     dfeatures       firmware image (what the device offers)
 * 16     4     gfeatures       host, before DRIVER_OK (what was negotiated)
 * 20     4     config_len      firmware image
 * 24     1     status          host only (0 = reset, then ACK, DRIVER, DRIVER_OK)
 * 25     1     num_of_vrings   firmware image
 * 26     2     reserved        0
 * 28+20k 20    vring[k]        da (host may write), align, num, notifyid, pa
 * ====== ===== =============== ===================================================
 */
#ifndef AMP_VDEV_H
#define AMP_VDEV_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMP_RSC_VDEV 3u /* resource-table entry type of a virtio device */

#define AMP_VDEV_OFF_TYPE          0u
#define AMP_VDEV_OFF_ID            4u
#define AMP_VDEV_OFF_NOTIFYID      8u
#define AMP_VDEV_OFF_DFEATURES     12u
#define AMP_VDEV_OFF_GFEATURES     16u
#define AMP_VDEV_OFF_CONFIG_LEN    20u
#define AMP_VDEV_OFF_STATUS        24u
#define AMP_VDEV_OFF_NUM_OF_VRINGS 25u
#define AMP_VDEV_OFF_VRING         28u
#define AMP_VDEV_VRING_SIZE        20u

/* Offsets inside one vring entry. */
#define AMP_VDEV_VRING_OFF_DA       0u
#define AMP_VDEV_VRING_OFF_ALIGN    4u
#define AMP_VDEV_VRING_OFF_NUM      8u
#define AMP_VDEV_VRING_OFF_NOTIFYID 12u
#define AMP_VDEV_VRING_OFF_PA       16u

/* Bytes of a block with @nvrings vring entries and no config space. */
#define AMP_VDEV_BLOCK_SIZE(nvrings) (AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * (size_t)(nvrings))

/* rpmsg devices have exactly two rings: vring0 carries remote -> host, vring1 host -> remote. */
#define AMP_RPMSG_NUM_VRINGS 2u

/**
 * struct amp_vdev_vring_info - one vring entry in CPU byte order
 * @da: device address of the ring (0 or 0xffffffff: "host, allocate it")
 * @align: used-ring alignment
 * @num: queue size
 * @notifyid: the id a kick for this ring carries
 */
struct amp_vdev_vring_info {
	uint32_t da;
	uint32_t align;
	uint32_t num;
	uint32_t notifyid;
};

/**
 * amp_vdev_block_init() - lay out a stand-alone rpmsg device block in shared memory
 * @io: how to store to the block (byte order, hooks)
 * @block: AMP_VDEV_BLOCK_SIZE(2) bytes, 4-byte aligned
 * @notifyid: the device's own notify id
 * @dfeatures: the features the device offers (bit AMP_VIRTIO_RPMSG_F_NS, transport bits)
 * @vrings: the two rings
 *
 * Writes what a firmware image would declare: type 3, id 7, @dfeatures, two vring entries,
 * gfeatures 0 and status 0.
 */
void amp_vdev_block_init(const struct amp_io *io, volatile void *block, uint32_t notifyid,
			 uint32_t dfeatures, const struct amp_vdev_vring_info vrings[2]);

/**
 * amp_vdev_read32() - read one word of the block
 * @io: byte order of the block
 * @block: the block
 * @off: byte offset (4-byte aligned)
 *
 * Return: the word in CPU order.
 */
uint32_t amp_vdev_read32(const struct amp_io *io, const volatile void *block, size_t off);

/**
 * amp_vdev_write32() - store one word of the block through @io
 * @io: byte order and hooks
 * @block: the block
 * @off: byte offset (4-byte aligned)
 * @value: the word in CPU order
 */
void amp_vdev_write32(const struct amp_io *io, volatile void *block, size_t off, uint32_t value);

/**
 * amp_vdev_status() - read the status byte
 * @block: the block
 *
 * Return: the status (AMP_VIRTIO_STATUS_* bits).
 */
uint8_t amp_vdev_status(const volatile void *block);

/**
 * amp_vdev_set_status() - store the status byte through @io
 * @io: hooks
 * @block: the block
 * @status: the new status
 */
void amp_vdev_set_status(const struct amp_io *io, volatile void *block, uint8_t status);

/**
 * amp_vdev_vring() - read a vring entry
 * @io: byte order
 * @block: the block
 * @index: 0 or 1
 * @info: filled in CPU order (each word read once)
 */
void amp_vdev_vring(const struct amp_io *io, const volatile void *block, unsigned int index,
		    struct amp_vdev_vring_info *info);

#ifdef __cplusplus
}
#endif

#endif /* AMP_VDEV_H */
