// SPDX-License-Identifier: BSD-3-Clause
/*
 * The virtio device block (struct fw_rsc_vdev layout): field access in the link's byte order,
 * every store through the link's io so that a trace sees status and feature writes.
 */
#include "amp/vdev.h"
#include "amp/virtio.h"
#include "io_access.h"

static volatile uint8_t *at(const volatile void *block, size_t off)
{
	return (volatile uint8_t *)block + off;
}

uint32_t amp_vdev_read32(const struct amp_io *io, const volatile void *block, size_t off)
{
	return amp_load32(amp_io_swaps(io), at(block, off));
}

void amp_vdev_write32(const struct amp_io *io, volatile void *block, size_t off, uint32_t value)
{
	value = amp_ring32(amp_io_swaps(io), value);
	amp_store_bytes(io, at(block, off), &value, sizeof(value));
}

uint8_t amp_vdev_status(const volatile void *block)
{
	return __atomic_load_n((const uint8_t *)at(block, AMP_VDEV_OFF_STATUS), __ATOMIC_RELAXED);
}

void amp_vdev_set_status(const struct amp_io *io, volatile void *block, uint8_t status)
{
	amp_store_bytes(io, at(block, AMP_VDEV_OFF_STATUS), &status, 1);
}

void amp_vdev_vring(const struct amp_io *io, const volatile void *block, unsigned int index,
		    struct amp_vdev_vring_info *info)
{
	size_t base = AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * (size_t)index;

	info->da = amp_vdev_read32(io, block, base + AMP_VDEV_VRING_OFF_DA);
	info->align = amp_vdev_read32(io, block, base + AMP_VDEV_VRING_OFF_ALIGN);
	info->num = amp_vdev_read32(io, block, base + AMP_VDEV_VRING_OFF_NUM);
	info->notifyid = amp_vdev_read32(io, block, base + AMP_VDEV_VRING_OFF_NOTIFYID);
}

void amp_vdev_block_init(const struct amp_io *io, volatile void *block, uint32_t notifyid,
			 uint32_t dfeatures, const struct amp_vdev_vring_info vrings[2])
{
	amp_io_fill(io, block, 0, AMP_VDEV_BLOCK_SIZE(AMP_RPMSG_NUM_VRINGS));
	amp_vdev_write32(io, block, AMP_VDEV_OFF_TYPE, AMP_RSC_VDEV);
	amp_vdev_write32(io, block, AMP_VDEV_OFF_ID, AMP_VIRTIO_ID_RPMSG);
	amp_vdev_write32(io, block, AMP_VDEV_OFF_NOTIFYID, notifyid);
	amp_vdev_write32(io, block, AMP_VDEV_OFF_DFEATURES, dfeatures);
	/* num_of_vrings is a byte: the word at 24 holds status 0, num_of_vrings, reserved 0, 0. */
	{
		uint8_t n = AMP_RPMSG_NUM_VRINGS;

		amp_store_bytes(io, at(block, AMP_VDEV_OFF_NUM_OF_VRINGS), &n, 1);
	}
	for (unsigned int i = 0; i < AMP_RPMSG_NUM_VRINGS; i++) {
		size_t base = AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * (size_t)i;

		amp_vdev_write32(io, block, base + AMP_VDEV_VRING_OFF_DA, vrings[i].da);
		amp_vdev_write32(io, block, base + AMP_VDEV_VRING_OFF_ALIGN, vrings[i].align);
		amp_vdev_write32(io, block, base + AMP_VDEV_VRING_OFF_NUM, vrings[i].num);
		amp_vdev_write32(io, block, base + AMP_VDEV_VRING_OFF_NOTIFYID, vrings[i].notifyid);
	}
}
