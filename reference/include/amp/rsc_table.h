/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the remoteproc resource table, both sides
 *
 * A remoteproc firmware image carries a resource table in its ``.resource_table`` section: what
 * memory the remote needs (carveouts), which device memory it maps (devmem), where its log ring
 * is (trace), and its virtio devices (vdev, the block in vdev.h). The host reads it before it
 * starts the remote and writes some fields back (carveout addresses, vring addresses and notify
 * ids, negotiated features, the status byte); the remote reads those.
 *
 * Firmware side: the amp_fw_rsc_* structures below are the table's exact layout, for a firmware
 * that declares its table as a C object (see docs/remoteproc.md for a complete example).
 *
 * Host side (and any tool that reads an image): amp_rsc_table_open() checks the header,
 * amp_rsc_table_entry() decodes and checks one entry, amp_rsc_table_check() runs every check
 * including those across entries. Each problem is an &enum amp_rsc_problem with a name and a
 * severity; nothing is read outside the given bytes, whatever they hold.
 *
 * Table layout (all words in the image's byte order):
 *
 * ====== ============= ============================================
 * offset field         meaning
 * ====== ============= ============================================
 * 0      ver           1
 * 4      num           number of entries
 * 8      reserved[2]   0
 * 16+4i  offset[i]     byte offset of entry i from the table start
 * ====== ============= ============================================
 *
 * Each entry starts with a 32-bit type: 0 carveout (56 bytes), 1 devmem (56), 2 trace (48),
 * 3 vdev (28 + 20 per vring + config_len); 128..512 belong to the platform (Linux hands them to
 * rproc_ops.handle_rsc); other types are skipped with a warning, as Linux does.
 */
#ifndef AMP_RSC_TABLE_H
#define AMP_RSC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "vdev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMP_RSC_CARVEOUT 0u
#define AMP_RSC_DEVMEM   1u
#define AMP_RSC_TRACE    2u
/* AMP_RSC_VDEV (3) is in vdev.h */
#define AMP_RSC_VENDOR_START 128u
#define AMP_RSC_VENDOR_END   512u

#define AMP_RSC_TABLE_VERSION 1u
#define AMP_RSC_HDR_SIZE      16u
#define AMP_RSC_NAME_SIZE     32u
/* "Let the host choose" for addresses (Linux FW_RSC_ADDR_ANY) and notify ids. */
#define AMP_FW_RSC_ADDR_ANY 0xffffffffu
/* Linux RVDEV_NUM_VRINGS: the most vrings one vdev may have. */
#define AMP_RSC_MAX_VRINGS 2u
/* Virtio device id of rpmsg. */
#define AMP_VIRTIO_ID_RPMSG 7u
/*
 * Entries the checks accept in one table. Real tables hold a handful; the bound keeps the
 * checks across entries (overlaps, notify ids) quadratic in a small number whatever a hostile
 * header claims.
 */
#define AMP_RSC_MAX_ENTRIES 1024u

/* Sizes of the fixed entries, type word included. */
#define AMP_RSC_CARVEOUT_SIZE 56u
#define AMP_RSC_DEVMEM_SIZE   56u
#define AMP_RSC_TRACE_SIZE    48u

/**
 * struct amp_fw_rsc_table_hdr - the table header, followed by @num 32-bit offsets
 * @ver: AMP_RSC_TABLE_VERSION
 * @num: number of entries
 * @reserved: zero
 */
struct amp_fw_rsc_table_hdr {
	uint32_t ver;
	uint32_t num;
	uint32_t reserved[2];
};

/**
 * struct amp_fw_rsc_carveout - memory the remote needs (type 0); devmem (type 1) is the same
 * @type: AMP_RSC_CARVEOUT or AMP_RSC_DEVMEM
 * @da: device address, or AMP_FW_RSC_ADDR_ANY; the host writes back what it chose
 * @pa: physical address, or AMP_FW_RSC_ADDR_ANY; the host writes back what it chose
 * @len: bytes
 * @flags: IOMMU protection flags (carveout), mapping flags (devmem)
 * @reserved: zero
 * @name: NUL-padded
 */
struct amp_fw_rsc_carveout {
	uint32_t type;
	uint32_t da;
	uint32_t pa;
	uint32_t len;
	uint32_t flags;
	uint32_t reserved;
	char name[AMP_RSC_NAME_SIZE];
};

/**
 * struct amp_fw_rsc_trace - a log ring the host can read (type 2)
 * @type: AMP_RSC_TRACE
 * @da: device address of the buffer
 * @len: bytes
 * @reserved: zero
 * @name: NUL-padded
 */
struct amp_fw_rsc_trace {
	uint32_t type;
	uint32_t da;
	uint32_t len;
	uint32_t reserved;
	char name[AMP_RSC_NAME_SIZE];
};

/**
 * struct amp_fw_rsc_vdev_vring - one vring of a vdev
 * @da: ring address, or AMP_FW_RSC_ADDR_ANY for the host to choose (and write back)
 * @align: used-ring alignment, a power of two
 * @num: queue size, a power of two up to 32768
 * @notifyid: kick id; the host assigns it and writes it back
 * @pa: unused (reserved in OpenAMP)
 */
struct amp_fw_rsc_vdev_vring {
	uint32_t da;
	uint32_t align;
	uint32_t num;
	uint32_t notifyid;
	uint32_t pa;
};

/**
 * struct amp_fw_rsc_vdev - a virtio device (type 3), followed by @num_of_vrings
 *	&struct amp_fw_rsc_vdev_vring and @config_len bytes of config space
 * @type: AMP_RSC_VDEV
 * @id: virtio device id (AMP_VIRTIO_ID_RPMSG)
 * @notifyid: the device's own notify id
 * @dfeatures: features the device offers
 * @gfeatures: 0 in the image; the host writes the negotiated features
 * @config_len: bytes of config space after the vrings
 * @status: 0 in the image; the host drives it
 * @num_of_vrings: vrings that follow
 * @reserved: zero
 */
struct amp_fw_rsc_vdev {
	uint32_t type;
	uint32_t id;
	uint32_t notifyid;
	uint32_t dfeatures;
	uint32_t gfeatures;
	uint32_t config_len;
	uint8_t status;
	uint8_t num_of_vrings;
	uint8_t reserved[2];
};

/* The wire layout, checked wherever the header is compiled (C11 or C++). */
#ifdef __cplusplus
#define AMP_RSC_LAYOUT_ASSERT static_assert
#else
#define AMP_RSC_LAYOUT_ASSERT _Static_assert
#endif
AMP_RSC_LAYOUT_ASSERT(sizeof(struct amp_fw_rsc_table_hdr) == AMP_RSC_HDR_SIZE, "table header");
AMP_RSC_LAYOUT_ASSERT(sizeof(struct amp_fw_rsc_carveout) == AMP_RSC_CARVEOUT_SIZE, "carveout");
AMP_RSC_LAYOUT_ASSERT(sizeof(struct amp_fw_rsc_trace) == AMP_RSC_TRACE_SIZE, "trace");
AMP_RSC_LAYOUT_ASSERT(sizeof(struct amp_fw_rsc_vdev_vring) == AMP_VDEV_VRING_SIZE, "vring");
AMP_RSC_LAYOUT_ASSERT(sizeof(struct amp_fw_rsc_vdev) == AMP_VDEV_OFF_VRING, "vdev");

/**
 * enum amp_rsc_problem - what a check found; warnings do not make a table invalid
 * @AMP_RSC_OK: nothing
 * @AMP_RSC_TABLE_SHORT: fewer bytes than the 16-byte header (RSC-001)
 * @AMP_RSC_BAD_VERSION: ver is not 1 (RSC-001)
 * @AMP_RSC_HDR_RESERVED: a reserved header word is not 0 (RSC-001)
 * @AMP_RSC_OFFSETS_TRUNCATED: the offset array runs past the table (RSC-001)
 * @AMP_RSC_TOO_MANY_ENTRIES: num exceeds AMP_RSC_MAX_ENTRIES
 * @AMP_RSC_OFFSET_RANGE: an offset points into the header or leaves no room for the type word
 *	(RSC-002)
 * @AMP_RSC_OFFSET_ALIGN: an offset is not a multiple of 4
 * @AMP_RSC_ENTRY_TRUNCATED: an entry (for a vdev: its vrings and config space) runs past the
 *	table (RSC-002, RSC-003)
 * @AMP_RSC_ENTRY_OVERLAP: two entries share bytes; the host's write-backs into one would change
 *	the other
 * @AMP_RSC_ENTRY_RESERVED: a reserved field of an entry is not 0 (RSC-003)
 * @AMP_RSC_VDEV_VRINGS: a vdev has more vrings than AMP_RSC_MAX_VRINGS, or an rpmsg vdev does
 *	not have exactly two (RSC-003)
 * @AMP_RSC_VRING_NUM: a vring's num is 0, not a power of two, or above 32768 (RSC-004)
 * @AMP_RSC_VRING_ALIGN: a vring's align is 0 or not a power of two (RSC-004)
 * @AMP_RSC_NOTIFYID_DUP: two vrings declare the same notify id (AMP_FW_RSC_ADDR_ANY excepted)
 * @AMP_RSC_WARN_UNKNOWN_TYPE: warning: a type neither defined nor vendor; skipped (RSC-002)
 * @AMP_RSC_WARN_NAME_UNTERMINATED: warning: a name fills its 32 bytes without a NUL
 * @AMP_RSC_WARN_VDEV_HOST_FIELDS: warning: gfeatures or status is not 0 in the image; they are
 *	the host's to write (RSC-005)
 * @AMP_RSC_PROBLEM_COUNT: number of values
 */
enum amp_rsc_problem {
	AMP_RSC_OK,
	AMP_RSC_TABLE_SHORT,
	AMP_RSC_BAD_VERSION,
	AMP_RSC_HDR_RESERVED,
	AMP_RSC_OFFSETS_TRUNCATED,
	AMP_RSC_TOO_MANY_ENTRIES,
	AMP_RSC_OFFSET_RANGE,
	AMP_RSC_OFFSET_ALIGN,
	AMP_RSC_ENTRY_TRUNCATED,
	AMP_RSC_ENTRY_OVERLAP,
	AMP_RSC_ENTRY_RESERVED,
	AMP_RSC_VDEV_VRINGS,
	AMP_RSC_VRING_NUM,
	AMP_RSC_VRING_ALIGN,
	AMP_RSC_NOTIFYID_DUP,
	AMP_RSC_WARN_UNKNOWN_TYPE,
	AMP_RSC_WARN_NAME_UNTERMINATED,
	AMP_RSC_WARN_VDEV_HOST_FIELDS,
	AMP_RSC_PROBLEM_COUNT
};

/**
 * struct amp_rsc_table - a table being read (fields private)
 *
 * Refers to the caller's bytes; nothing is copied. The bytes may be shared with a running
 * remote: every field is read once per decode.
 */
struct amp_rsc_table {
	const volatile uint8_t *data;
	size_t size;
	bool swap;
	uint32_t num;
};

/**
 * struct amp_rsc_mem - a carveout or devmem entry, decoded
 * @da: device address
 * @pa: physical address
 * @len: bytes
 * @flags: flags
 * @reserved: the reserved word as found
 * @name: the name, always NUL-terminated
 */
struct amp_rsc_mem {
	uint32_t da;
	uint32_t pa;
	uint32_t len;
	uint32_t flags;
	uint32_t reserved;
	char name[AMP_RSC_NAME_SIZE + 1];
};

/**
 * struct amp_rsc_trace - a trace entry, decoded
 * @da: device address of the buffer
 * @len: bytes
 * @reserved: the reserved word as found
 * @name: the name, always NUL-terminated
 */
struct amp_rsc_trace {
	uint32_t da;
	uint32_t len;
	uint32_t reserved;
	char name[AMP_RSC_NAME_SIZE + 1];
};

/**
 * struct amp_rsc_vdev - a vdev entry, decoded
 * @id: virtio device id
 * @notifyid: the device's notify id
 * @dfeatures: offered features
 * @gfeatures: negotiated features (0 in an image)
 * @config_len: bytes of config space
 * @config_offset: where the config space starts, from the table start
 * @status: status byte (0 in an image)
 * @num_of_vrings: vrings declared
 * @reserved: the reserved bytes as found
 * @vring: the first AMP_RSC_MAX_VRINGS vrings, in CPU byte order
 */
struct amp_rsc_vdev {
	uint32_t id;
	uint32_t notifyid;
	uint32_t dfeatures;
	uint32_t gfeatures;
	uint32_t config_len;
	uint32_t config_offset;
	uint8_t status;
	uint8_t num_of_vrings;
	uint8_t reserved[2];
	struct amp_vdev_vring_info vring[AMP_RSC_MAX_VRINGS];
};

/**
 * struct amp_rsc_entry - one entry, decoded
 * @index: its index in the offset array
 * @offset: where it starts, from the table start
 * @type: its type word
 * @size: bytes it occupies (type word included); 4 for vendor and unknown types, whose size the
 *	table does not say
 * @problem: the first problem of the entry itself (checks across entries are not included)
 * @u: the decoded body, for the types that have one (@u.mem for carveout and devmem)
 */
struct amp_rsc_entry {
	uint32_t index;
	uint32_t offset;
	uint32_t type;
	uint32_t size;
	enum amp_rsc_problem problem;
	union {
		struct amp_rsc_mem mem;
		struct amp_rsc_trace trace;
		struct amp_rsc_vdev vdev;
	} u;
};

/**
 * struct amp_rsc_finding - where amp_rsc_table_check() found a problem
 * @problem: the problem
 * @entry: the entry it concerns (for table-level problems, AMP_RSC_MAX_ENTRIES)
 * @other: for overlaps and duplicate notify ids, the other entry; else equal to @entry
 */
struct amp_rsc_finding {
	enum amp_rsc_problem problem;
	uint32_t entry;
	uint32_t other;
};

/**
 * amp_rsc_table_open() - check the header and remember the table
 * @t: the handle to fill
 * @data: the table's first byte
 * @size: bytes available from @data (the section size)
 * @order: the image's byte order
 *
 * Checks version, reserved words, that the offset array fits and the entry count bound.
 *
 * Return: AMP_RSC_OK, or the header's problem (then @t must not be used).
 */
enum amp_rsc_problem amp_rsc_table_open(struct amp_rsc_table *t, const volatile void *data,
					size_t size, enum amp_byte_order order);

/**
 * amp_rsc_table_num() - number of entries of an opened table
 * @t: the table
 */
uint32_t amp_rsc_table_num(const struct amp_rsc_table *t);

/**
 * amp_rsc_table_entry() - decode and check entry @index
 * @t: an opened table
 * @index: below amp_rsc_table_num()
 * @e: filled in; @e->problem repeats the return value
 *
 * Return: AMP_RSC_OK, a warning, or the first problem of the entry. When the entry is truncated,
 * only its type, offset and size are meaningful.
 */
enum amp_rsc_problem amp_rsc_table_entry(const struct amp_rsc_table *t, uint32_t index,
					 struct amp_rsc_entry *e);

/**
 * amp_rsc_table_find() - the @nth entry of type @type that has no error
 * @t: an opened table
 * @type: entry type
 * @nth: 0 for the first
 * @e: filled in with the entry
 *
 * How firmware finds its vdev block in its own table, and a host its carveouts.
 *
 * Return: 0, or -AMP_ENOENT when there is no such entry.
 */
int amp_rsc_table_find(const struct amp_rsc_table *t, uint32_t type, uint32_t nth,
		       struct amp_rsc_entry *e);

/**
 * amp_rsc_table_check() - every check: each entry, then overlaps and notify ids across entries
 * @t: an opened table
 * @first: where the first error was found (or, without one, the first warning); may be NULL
 *
 * Return: the first error, else the first warning, else AMP_RSC_OK.
 */
enum amp_rsc_problem amp_rsc_table_check(const struct amp_rsc_table *t,
					 struct amp_rsc_finding *first);

/**
 * amp_rsc_problem_is_error() - does @p make a table invalid?
 * @p: a problem
 */
bool amp_rsc_problem_is_error(enum amp_rsc_problem p);

/**
 * amp_rsc_problem_name() - a short name ("vring num not a power of two ...")
 * @p: a problem
 */
const char *amp_rsc_problem_name(enum amp_rsc_problem p);

/**
 * amp_rsc_type_name() - "carveout", "devmem", "trace", "vdev", "vendor" or "unknown"
 * @type: an entry's type word
 */
const char *amp_rsc_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif
