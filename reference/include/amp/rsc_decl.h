/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: declaring a resource table in firmware
 *
 * A firmware image declares its resource table as one C object of its own struct type: the
 * header, the offset array, then the entries in the order the offsets list them. The compiler
 * lays the entries out (every field is a 32-bit word or a byte group of four, so there is never
 * padding) and offsetof() fills the offset array, so no offset is ever counted by hand.
 *
 * The object is ``const volatile``: const because the remote never writes it (the fields that
 * change are the host's, RSC-007), volatile because the host does write into the loaded copy
 * after the remote has started (status, negotiated features, vring addresses and notify ids), so
 * the compiler must not fold the initial values into code that reads them later (RSC-008).
 *
 * A complete table with a carveout, a trace buffer and an rpmsg device::
 *
 *	#include <stddef.h>
 *	#include "amp/rpmsg_wire.h"
 *	#include "amp/rsc_decl.h"
 *
 *	static uint8_t work[4096];
 *	static char trace[512];
 *
 *	struct my_rsc_table {
 *		struct amp_fw_rsc_table_hdr hdr;
 *		uint32_t offset[3];
 *		struct amp_fw_rsc_carveout work;
 *		struct amp_fw_rsc_trace trace;
 *		struct amp_fw_rsc_vdev vdev;
 *		struct amp_fw_rsc_vdev_vring vring[AMP_RPMSG_NUM_VRINGS];
 *	};
 *	_Static_assert(AMP_RSC_VRINGS_FOLLOW(struct my_rsc_table, vdev, vring), "vdev layout");
 *
 *	AMP_RSC_TABLE_SECTION const volatile struct my_rsc_table my_rsc_table = {
 *		.hdr = AMP_RSC_HDR_INIT(AMP_RSC_TABLE_NUM(struct my_rsc_table)),
 *		.offset = {
 *			offsetof(struct my_rsc_table, work),
 *			offsetof(struct my_rsc_table, trace),
 *			offsetof(struct my_rsc_table, vdev),
 *		},
 *		.work = AMP_RSC_CARVEOUT_INIT(AMP_RSC_DA(work), AMP_FW_RSC_ADDR_ANY,
 *					      sizeof(work), 0, "work"),
 *		.trace = AMP_RSC_TRACE_INIT(AMP_RSC_DA(trace), sizeof(trace), "trace"),
 *		.vdev = AMP_RSC_VDEV_RPMSG_INIT(31, 1u << AMP_VIRTIO_RPMSG_F_NS, 0),
 *		.vring = {
 *			AMP_RSC_VRING_INIT(AMP_FW_RSC_ADDR_ANY, 16, 8, 0),
 *			AMP_RSC_VRING_INIT(AMP_FW_RSC_ADDR_ANY, 16, 8, 1),
 *		},
 *	};
 *
 * The linker script must keep the section (``KEEP(*(.resource_table))``) inside a loadable
 * segment: the host finds the table by section name and writes into the loaded copy. Read the
 * host's fields back through the object (or a ``const volatile`` pointer to it), never from a
 * copy taken before the host set DRIVER_OK.
 */
#ifndef AMP_RSC_DECL_H
#define AMP_RSC_DECL_H

#include <stddef.h>
#include <stdint.h>

#include "rsc_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Puts the table where hosts look for it, keeps it although no code may refer to it, and aligns
 * it for the 32-bit reads both sides make. A toolchain without GNU attributes defines its own
 * before including this header.
 */
#ifndef AMP_RSC_TABLE_SECTION
#define AMP_RSC_TABLE_SECTION __attribute__((section(".resource_table"), used, aligned(4)))
#endif

/*
 * The device address of a static object, for a firmware whose device addresses are its own
 * addresses (no IOMMU, the usual Cortex-M case). A link-time constant on a 32-bit target.
 */
#define AMP_RSC_DA(object) ((uint32_t)(uintptr_t)(&(object)))

/* Number of entries of table type @type: the length of its offset array, so num cannot drift. */
#define AMP_RSC_TABLE_NUM(type) ((uint32_t)(sizeof(((type *)0)->offset) / sizeof(uint32_t)))

/*
 * True when the vring array @vring starts right after the vdev entry @vdev in @type, as the wire
 * format requires (the vrings are part of the entry, not entries of their own).
 */
#define AMP_RSC_VRINGS_FOLLOW(type, vdev, vring)                                                   \
	(offsetof(type, vring) == offsetof(type, vdev) + sizeof(struct amp_fw_rsc_vdev))

/* True when the string literal @name fits a 32-byte name field with its NUL. */
#define AMP_RSC_NAME_FITS(name) (sizeof(name) <= AMP_RSC_NAME_SIZE)

/*
 * 0, or a compile error when @name does not fit: a literal of exactly 32 characters would
 * initialize the field without its NUL, which C accepts silently. Used as a reserved field's
 * initializer so that the check costs nothing.
 */
#define AMP_RSC_NAME_CHECKED_ZERO_(name)                                                           \
	(0u * sizeof(struct {                                                                      \
		 _Static_assert(AMP_RSC_NAME_FITS(name), "resource name: at most 31 characters");  \
		 char c;                                                                           \
	 }))

/* The table header for @num_ entries. */
#define AMP_RSC_HDR_INIT(num_)                                                                     \
	{                                                                                          \
		.ver = AMP_RSC_TABLE_VERSION, .num = (num_), .reserved[0] = 0, .reserved[1] = 0    \
	}

/*
 * Memory the remote needs (type 0). @da_ or @pa_ may be AMP_FW_RSC_ADDR_ANY for the host to
 * choose; the host writes back what it allocated.
 */
#define AMP_RSC_CARVEOUT_INIT(da_, pa_, len_, flags_, name_)                                       \
	{                                                                                          \
		.type = AMP_RSC_CARVEOUT, .da = (da_), .pa = (pa_), .len = (len_),                 \
		.flags = (flags_), .reserved = AMP_RSC_NAME_CHECKED_ZERO_(name_), .name = name_    \
	}

/* A log buffer of @len_ bytes at @da_ that the host may read (type 2). */
#define AMP_RSC_TRACE_INIT(da_, len_, name_)                                                       \
	{                                                                                          \
		.type = AMP_RSC_TRACE, .da = (da_), .len = (len_),                                 \
		.reserved = AMP_RSC_NAME_CHECKED_ZERO_(name_), .name = name_                       \
	}

/*
 * An rpmsg device (type 3, id 7) with its two vrings and @config_len_ bytes of config space,
 * both of which must follow it in the table. gfeatures and status start at 0: they are the
 * host's to write (RSC-005).
 */
#define AMP_RSC_VDEV_RPMSG_INIT(notifyid_, dfeatures_, config_len_)                                \
	{                                                                                          \
		.type = AMP_RSC_VDEV, .id = AMP_VIRTIO_ID_RPMSG, .notifyid = (notifyid_),          \
		.dfeatures = (dfeatures_), .gfeatures = 0, .config_len = (config_len_),            \
		.status = 0, .num_of_vrings = AMP_RPMSG_NUM_VRINGS, .reserved[0] = 0,              \
		.reserved[1] = 0                                                                   \
	}

/*
 * One vring of a vdev: @da_ (or AMP_FW_RSC_ADDR_ANY), used-ring alignment @align_ and queue size
 * @num_ (powers of two), and a notify id the host may replace with its own.
 */
#define AMP_RSC_VRING_INIT(da_, align_, num_, notifyid_)                                           \
	{                                                                                          \
		.da = (da_), .align = (align_), .num = (num_), .notifyid = (notifyid_), .pa = 0    \
	}

#ifdef __cplusplus
}
#endif

#endif
