/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the virtio split virtqueue, legacy layout, both roles
 *
 * One &struct amp_vring is one side's handle on one split ring in shared memory. The same
 * structure serves the two roles:
 *
 * - driver (amp_vring_drv_*): owns the buffers, exposes them through the available ring and
 *   collects them back from the used ring. On a remoteproc link this is the host (Linux).
 * - device (amp_vring_dev_*): takes available buffers, returns them through the used ring with
 *   the number of bytes written. On a remoteproc link this is the remote firmware.
 *
 * Publication is separate from queueing so that a caller can batch: add or use several buffers,
 * then publish the index once (one cache-line transfer instead of one per buffer), then ask
 * whether the peer wants a notification (*_kick_prepare) and notify it (*_kick does all three).
 *
 * Everything the peer wrote is validated before use; a violation marks the ring broken
 * (amp_vring_fault() says which rule was broken) and every later call fails with -AMP_EIO, as
 * Linux does with BAD_RING. Local bookkeeping lives in caller-provided &struct amp_vring_slot
 * memory, never in shared memory, so a peer cannot corrupt it.
 *
 * No function allocates memory, sleeps or takes a lock: one ring has one user per side at a
 * time; callers serialise.
 */
#ifndef AMP_VRING_H
#define AMP_VRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "io.h"
#include "virtio.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct amp_vring_layout - byte offsets of the legacy split ring fields from the ring base
 * @num: queue size (number of descriptors)
 * @align: alignment of the used ring
 * @desc: descriptor table (always 0)
 * @avail: available ring header (flags, idx)
 * @avail_ring: first available ring entry
 * @used_event: used_event slot (after the last available entry)
 * @used: used ring header, aligned to @align
 * @used_ring: first used element
 * @avail_event: avail_event slot (after the last used element)
 * @size: total bytes the ring occupies (vring_size() in Linux)
 *
 * The used_event and avail_event slots exist whether or not EVENT_IDX is negotiated; the used
 * ring starts at the first @align boundary after used_event (virtio v1.2 §2.7.2).
 */
struct amp_vring_layout {
	uint32_t num;
	uint32_t align;
	size_t desc;
	size_t avail;
	size_t avail_ring;
	size_t used_event;
	size_t used;
	size_t used_ring;
	size_t avail_event;
	size_t size;
};

/**
 * amp_vring_layout() - compute the legacy layout of a ring
 * @num: queue size; a power of two from 1 to 32768
 * @align: used-ring alignment; a power of two
 * @layout: filled on success
 *
 * Return: 0, or -AMP_EINVAL for an invalid @num or @align.
 */
#if defined(__cplusplus) && defined(__GNUC__)
/* C++ warns that the function hides the struct of the same name; C keeps them apart. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
int amp_vring_layout(uint32_t num, uint32_t align, struct amp_vring_layout *layout);
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/**
 * amp_vring_size() - bytes a ring occupies
 * @num: queue size
 * @align: used-ring alignment
 *
 * Return: the size, or 0 when @num or @align is invalid.
 */
size_t amp_vring_size(uint32_t num, uint32_t align);

/**
 * enum amp_vring_role - which side of the ring this handle plays
 * @AMP_VRING_DRIVER: posts buffers and collects used ones
 * @AMP_VRING_DEVICE: consumes available buffers and returns them
 */
enum amp_vring_role {
	AMP_VRING_DRIVER = 0,
	AMP_VRING_DEVICE = 1,
};

/**
 * enum amp_vring_fault - why a ring was marked broken
 * @AMP_VRING_FAULT_NONE: not broken
 * @AMP_VRING_FAULT_USED_IDX: used.idx moved past what the driver made available (DEV-002)
 * @AMP_VRING_FAULT_USED_ID_RANGE: a used id is >= num (DEV-001)
 * @AMP_VRING_FAULT_USED_ID_NOT_HEAD: a used id is not the head of an outstanding, published buffer,
 *	e.g. a duplicate (DEV-001)
 * @AMP_VRING_FAULT_USED_LEN: a used len exceeds the buffer's device-writable bytes (DEV-003)
 * @AMP_VRING_FAULT_AVAIL_IDX: avail.idx moved so that more than num buffers are outstanding,
 *	or backwards (DRV-002, DRV-003)
 * @AMP_VRING_FAULT_HEAD_RANGE: an available ring entry is >= num (DRV-003)
 * @AMP_VRING_FAULT_DESC_REUSED: a descriptor is already part of an outstanding chain: a loop,
 *	or a head exposed twice (DRV-003, DRV-005)
 * @AMP_VRING_FAULT_NEXT_RANGE: a next index is outside the table (DRV-005)
 * @AMP_VRING_FAULT_CHAIN_LENGTH: a chain is longer than the queue size or its indirect
 *	table, i.e. it loops (DRV-005)
 * @AMP_VRING_FAULT_ADDR: a buffer or indirect table is outside the shared window, or an
 *	indirect table is not 4-byte aligned in local memory (DRV-008)
 * @AMP_VRING_FAULT_INDIRECT: INDIRECT without the feature, with NEXT, nested, or a table
 *	length that is zero or not a multiple of 16 (FEAT-003)
 * @AMP_VRING_FAULT_ORDER: a device-readable descriptor follows a device-writable one (DRV-005)
 * @AMP_VRING_FAULT_LENGTH: the lengths of a chain add up to more than 4 GiB (DRV-005)
 * @AMP_VRING_FAULT_TORN_DOWN: not a peer's fault: amp_vring_drv_detach_unused() handed back a
 *	buffer, so the ring no longer matches the driver's records until amp_vring_drv_reset()
 * @AMP_VRING_FAULT_COUNT: number of fault kinds
 */
enum amp_vring_fault {
	AMP_VRING_FAULT_NONE = 0,
	AMP_VRING_FAULT_USED_IDX,
	AMP_VRING_FAULT_USED_ID_RANGE,
	AMP_VRING_FAULT_USED_ID_NOT_HEAD,
	AMP_VRING_FAULT_USED_LEN,
	AMP_VRING_FAULT_AVAIL_IDX,
	AMP_VRING_FAULT_HEAD_RANGE,
	AMP_VRING_FAULT_DESC_REUSED,
	AMP_VRING_FAULT_NEXT_RANGE,
	AMP_VRING_FAULT_CHAIN_LENGTH,
	AMP_VRING_FAULT_ADDR,
	AMP_VRING_FAULT_INDIRECT,
	AMP_VRING_FAULT_ORDER,
	AMP_VRING_FAULT_LENGTH,
	AMP_VRING_FAULT_TORN_DOWN,
	AMP_VRING_FAULT_COUNT
};

/**
 * struct amp_vring_slot_chain - what a slot records about the chain headed there (private)
 * @used_limit: the largest used len for the chain: its device-writable bytes, or on a device
 *	with @lenient_used_len all of its bytes
 * @chain_len: number of ring descriptors in the chain
 *
 * Kept together so that recording a chain is one store: the driver's hot path is bound by how
 * many stores sit between two payload stores that miss (see docs/ring.md).
 */
struct amp_vring_slot_chain {
	uint32_t used_limit;
	uint16_t chain_len;
};

/**
 * struct amp_vring_slot - local bookkeeping for one descriptor (private)
 * @token: driver: the caller's cookie while the descriptor heads an outstanding chain, NULL
 *	otherwise (tokens are never NULL, so this is also the driver's "outstanding" mark)
 * @chain: the chain headed here
 * @next: next descriptor of the chain, or of the driver's free list
 * @avail_entry: driver: the head last queued at the available ring entry with this slot's
 *	index (a local copy the device cannot change)
 * @fresh: driver: the chain headed here was queued after the last read of used.idx, so no
 *	used element up to that index can return it
 * @state: device: AMP_VRING_SLOT_* (private)
 *
 * The caller provides an array of &amp_vring_config.num of these, in local memory the peer
 * cannot reach. AMP_VRING_SLOTS_SIZE() gives its size in bytes.
 */
struct amp_vring_slot {
	void *token;
	struct amp_vring_slot_chain chain;
	uint16_t next;
	uint16_t avail_entry;
	uint8_t state;
	uint8_t fresh;
};

#define AMP_VRING_SLOTS_SIZE(num) ((size_t)(num) * sizeof(struct amp_vring_slot))

struct amp_vring;

/**
 * typedef amp_vring_notify_fn - send a notification (kick) to the peer
 * @ctx: &amp_vring_config.notify_ctx
 * @vr: the ring that needs its peer notified
 */
typedef void (*amp_vring_notify_fn)(void *ctx, struct amp_vring *vr);

/**
 * struct amp_vring_config - everything needed to attach to a ring
 * @num: queue size; power of two, 1..32768
 * @align: used-ring alignment; a power of two that puts the used ring on a 4-byte boundary (it
 *	holds 32-bit fields): at least 4, except that num 1 works with any align
 * @ring: local pointer to the ring base; 16-byte aligned, amp_vring_size() bytes
 * @io: how to store to the ring and its buffers (hooks, byte order)
 * @addr: translation of descriptor addresses; also the bounds of the shared window
 * @features: negotiated transport features (AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX),
 *	AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)); other bits are ignored
 * @slots: &num local bookkeeping entries
 * @notify: sends a kick to the peer; may be NULL if the caller kicks itself after
 *	*_kick_prepare()
 * @notify_ctx: passed to @notify
 * @id: caller's identifier for the ring (e.g. the remoteproc notify id); not used by the ring
 * @lenient_used_len: driver: a used len above the chain's device-writable bytes is returned
 *	as it is instead of breaking the ring, for the caller to judge. Device: a used len up to
 *	the chain's total length is accepted. Legacy devices report the whole buffer length even
 *	for read-only buffers (OpenAMP, rpmsg-lite), on a legacy device the spec's bound is only a
 *	recommendation (DEV-003), and OpenAMP's driver depends on it (docs/rpmsg.md)
 */
struct amp_vring_config {
	uint32_t num;
	uint32_t align;
	void *ring;
	struct amp_io io;
	struct amp_addr_map addr;
	uint64_t features;
	struct amp_vring_slot *slots;
	amp_vring_notify_fn notify;
	void *notify_ctx;
	uint32_t id;
	bool lenient_used_len;
};

/**
 * struct amp_vring - one side's handle on a split ring (fields private)
 *
 * The caller places this structure; all fields are private. The shadow indices are what this
 * side wrote or last read, so that the hot path reads the peer's cache lines only when needed.
 */
struct amp_vring {
	/* configuration */
	struct amp_vring_layout layout;
	volatile uint8_t *base;
	volatile uint8_t *desc;
	volatile uint8_t *avail;
	volatile uint8_t *used;
	struct amp_io io;
	struct amp_addr_map addr;
	struct amp_mem_region win; /* last window translated through: checked inline first */
	struct amp_vring_slot *slots;
	amp_vring_notify_fn notify;
	void *notify_ctx;
	uint32_t id;
	uint16_t mask;
	uint8_t role;
	bool event_idx;
	bool indirect;
	bool swap;
	bool lenient_used_len;
	/* state */
	uint8_t fault;
	bool notifications;    /* we want notifications from the peer */
	uint16_t own_idx;      /* next avail (driver) or used (device) index we will write */
	uint16_t published;    /* last value of our idx made visible */
	uint16_t signalled;    /* published value at the last notification decision */
	uint16_t peer_idx;     /* last peer idx read: used.idx (driver) or avail.idx (device) */
	uint16_t consumed;     /* driver: last used idx collected; device: last avail idx taken */
	uint16_t flags_shadow; /* our flags word (avail.flags or used.flags) as last written */
	uint16_t free_head;    /* driver: first free descriptor (FIFO: reuse in freeing order) */
	uint16_t free_tail;    /* driver: last free descriptor */
	uint16_t fresh_from;   /* driver: own_idx at the last read of used.idx */
	uint32_t num_free;     /* driver: free descriptors */
};

/**
 * amp_vring_drv_init() - attach as the driver and reset the ring
 * @vr: handle to initialise
 * @cfg: configuration
 *
 * Zeroes the whole ring through &amp_vring_config.io (as Linux rp_find_vq() does), so used.flags
 * starts at 0 (virtio v1.2 §2.7.10.1) and all indices at 0.
 *
 * Return: 0, or -AMP_EINVAL for an invalid configuration, -AMP_ENOTSUP for hooks on the plain
 * build.
 */
int amp_vring_drv_init(struct amp_vring *vr, const struct amp_vring_config *cfg);

/**
 * amp_vring_dev_init() - attach as the device
 * @vr: handle to initialise
 * @cfg: configuration
 *
 * Does not write to the ring: the driver owns its initial state. Consumption starts at available
 * index 0.
 *
 * Return: 0 or a negative error as for amp_vring_drv_init().
 */
int amp_vring_dev_init(struct amp_vring *vr, const struct amp_vring_config *cfg);

/**
 * amp_vring_drv_reset() - driver: forget every outstanding buffer and zero the ring again
 * @vr: driver handle
 *
 * Use after resetting the device (status 0). Tokens of outstanding buffers are lost; collect
 * them first with amp_vring_drv_detach_unused(). Clears a broken state.
 */
void amp_vring_drv_reset(struct amp_vring *vr);

/**
 * amp_vring_dev_reset() - device: restart from available index 0 without touching the ring
 * @vr: device handle
 *
 * Use when the driver reset the device (status back to 0). Clears a broken state.
 */
void amp_vring_dev_reset(struct amp_vring *vr);

/**
 * amp_vring_fault() - why the ring is broken
 * @vr: handle
 *
 * Return: AMP_VRING_FAULT_NONE while the ring is healthy.
 */
enum amp_vring_fault amp_vring_fault(const struct amp_vring *vr);

/**
 * amp_vring_fault_name() - short description of a fault
 * @fault: the fault
 *
 * Return: a static string.
 */
const char *amp_vring_fault_name(enum amp_vring_fault fault);

/**
 * amp_vring_num() - queue size
 * @vr: handle
 *
 * Return: the number of descriptors.
 */
static inline uint32_t amp_vring_num(const struct amp_vring *vr)
{
	return vr->layout.num;
}

/**
 * amp_vring_id() - the caller's identifier for the ring
 * @vr: handle
 *
 * Return: &amp_vring_config.id, e.g. the notify id a &amp_vring_notify_fn sends.
 */
static inline uint32_t amp_vring_id(const struct amp_vring *vr)
{
	return vr->id;
}

/* ---------------------------------------------------------------- driver role */

/**
 * struct amp_vring_sg - one buffer of a chain, as the driver sees it
 * @va: local address; must lie inside the shared window
 * @len: length in bytes
 */
struct amp_vring_sg {
	void *va;
	uint32_t len;
};

/**
 * amp_vring_drv_add() - queue a chain of buffers
 * @vr: driver handle
 * @sg: @out device-readable buffers followed by @in device-writable ones
 * @out: number of device-readable buffers
 * @in: number of device-writable buffers
 * @token: returned by amp_vring_drv_get_used() with the chain; must not be NULL
 *
 * Writes the descriptors (chained with NEXT) and the available ring entry; the buffer becomes
 * visible to the device at the next amp_vring_drv_publish().
 *
 * Return: 0, -AMP_ENOSPC when fewer than @out + @in descriptors are free, -AMP_EFAULT when a
 * buffer is outside the shared window, -AMP_EINVAL for an empty chain or NULL @token, -AMP_EIO
 * when the ring is broken.
 */
int amp_vring_drv_add(struct amp_vring *vr, const struct amp_vring_sg *sg, unsigned int out,
		      unsigned int in, void *token);

/**
 * amp_vring_drv_add_buf() - queue one buffer (one descriptor); the rpmsg fast path
 * @vr: driver handle
 * @va: the buffer
 * @len: its length
 * @writable: true when the device is to write it (AMP_VRING_DESC_F_WRITE)
 * @token: returned with the buffer; must not be NULL
 *
 * Return: as amp_vring_drv_add().
 */
int amp_vring_drv_add_buf(struct amp_vring *vr, void *va, uint32_t len, bool writable, void *token);

/**
 * amp_vring_drv_add_indirect() - queue a chain through an indirect descriptor table
 * @vr: driver handle (AMP_VIRTIO_F_INDIRECT_DESC must be negotiated)
 * @sg: buffers as for amp_vring_drv_add()
 * @out: number of device-readable buffers
 * @in: number of device-writable buffers
 * @table: shared memory for the table: 16 * (@out + @in) bytes, 16-byte aligned, owned by the
 *	driver until the chain is returned
 * @token: returned with the chain
 *
 * Uses one ring descriptor whatever the chain length (virtio v1.2 §2.7.5.3).
 *
 * Return: as amp_vring_drv_add(), and -AMP_ENOTSUP without the feature.
 */
int amp_vring_drv_add_indirect(struct amp_vring *vr, const struct amp_vring_sg *sg,
			       unsigned int out, unsigned int in, void *table, void *token);

/**
 * amp_vring_prefetch_kick() - start loading what the next kick decision reads
 * @vr: driver or device handle
 *
 * The peer's suppression state shares a cache line with an index the peer writes, so reading it
 * usually misses. A sender that calls this before it fills its buffer has the line by the time
 * it decides whether to notify. A hint only: nothing is read or written.
 */
void amp_vring_prefetch_kick(const struct amp_vring *vr);

/**
 * amp_vring_drv_publish() - make every queued buffer visible to the device
 * @vr: driver handle
 *
 * Write barrier, then avail.idx: the descriptors and ring entries must be visible before the
 * index that covers them (virtio v1.2 §2.7.13.3.1).
 */
void amp_vring_drv_publish(struct amp_vring *vr);

/**
 * amp_vring_drv_kick_prepare() - does the device want a notification for what was published?
 * @vr: driver handle
 *
 * Reads used.flags or, with EVENT_IDX, avail_event. When that first read does not already ask
 * for the notification, a full barrier follows (the avail.idx store must be visible before the
 * suppression state is read, or both sides can decide not to notify) and the state is read
 * again. When it asks, a write barrier orders the index before the caller's notification; a
 * peer that turned notifications off meanwhile gets a spurious one.
 *
 * Return: true when the caller must notify the device.
 */
bool amp_vring_drv_kick_prepare(struct amp_vring *vr);

/**
 * amp_vring_drv_kick() - publish, decide and notify through &amp_vring_config.notify
 * @vr: driver handle
 *
 * Return: true when a notification was sent.
 */
bool amp_vring_drv_kick(struct amp_vring *vr);

/**
 * amp_vring_drv_get_used() - collect one buffer the device returned
 * @vr: driver handle
 * @len: set to the number of bytes the device wrote
 * @token: set to the token given when the buffer was added
 *
 * Validates the used element against the driver's own records: the id must be an outstanding
 * head and the length at most its device-writable bytes; otherwise the ring is broken.
 *
 * Return: 0, -AMP_EAGAIN when nothing is used, -AMP_EIO when the ring is broken.
 */
int amp_vring_drv_get_used(struct amp_vring *vr, uint32_t *len, void **token);

/**
 * amp_vring_drv_has_used() - is a used buffer waiting?
 * @vr: driver handle
 *
 * Return: true when amp_vring_drv_get_used() would return a buffer (or a fault).
 */
bool amp_vring_drv_has_used(struct amp_vring *vr);

/**
 * amp_vring_drv_disable_cb() - ask the device not to notify about used buffers
 * @vr: driver handle
 *
 * Sets avail.flags NO_INTERRUPT or, with EVENT_IDX, moves used_event out of the way. A hint:
 * the device may still notify (virtio v1.2 §2.7.7).
 */
void amp_vring_drv_disable_cb(struct amp_vring *vr);

/**
 * amp_vring_drv_enable_cb() - ask the device to notify about the next used buffer
 * @vr: driver handle
 *
 * Return: true when a used buffer is already waiting: the caller must collect it rather than
 * wait for a notification that may never come.
 */
bool amp_vring_drv_enable_cb(struct amp_vring *vr);

/**
 * amp_vring_drv_num_free() - free descriptors
 * @vr: driver handle
 *
 * Return: how many descriptors amp_vring_drv_add() can still use.
 */
static inline uint32_t amp_vring_drv_num_free(const struct amp_vring *vr)
{
	return vr->num_free;
}

/**
 * amp_vring_drv_detach_unused() - take back one outstanding buffer for teardown
 * @vr: driver handle, after the device has been reset
 *
 * The first buffer handed back tears the ring down: the device may still see it in the ring, so
 * every other call fails with -AMP_EIO (amp_vring_fault() says AMP_VRING_FAULT_TORN_DOWN unless
 * the ring was already broken) until amp_vring_drv_reset(). Further calls keep handing back
 * buffers.
 *
 * Return: the token of an outstanding buffer (freeing its descriptors), or NULL when none is
 * left.
 */
void *amp_vring_drv_detach_unused(struct amp_vring *vr);

/* ---------------------------------------------------------------- device role */

/**
 * struct amp_vring_elem - one validated descriptor of an available chain
 * @va: local address of the buffer (inside the shared window)
 * @da: device address as the driver wrote it
 * @len: length in bytes
 * @writable: the device may write this buffer
 */
struct amp_vring_elem {
	void *va;
	uint64_t da;
	uint32_t len;
	bool writable;
};

/**
 * struct amp_vring_chain - an available chain taken by the device
 * @elems: caller's array for the elements (may be NULL when @max_elems is 0)
 * @max_elems: capacity of @elems
 * @head: head descriptor index, to pass to amp_vring_dev_add_used()
 * @count: number of elements in the chain (may exceed @max_elems; only the first @max_elems
 *	are stored)
 * @readable_len: total bytes of the device-readable elements
 * @writable_len: total bytes of the device-writable elements
 */
struct amp_vring_chain {
	struct amp_vring_elem *elems;
	uint16_t max_elems;
	uint16_t head;
	uint32_t count;
	uint32_t readable_len;
	uint32_t writable_len;
};

/**
 * amp_vring_dev_get_avail() - take the next available chain
 * @vr: device handle
 * @chain: caller sets @elems and @max_elems; the rest is filled
 *
 * Every field the driver wrote is read once into local memory and validated (index ranges,
 * loops, chain length, addresses inside the shared window, readable before writable, indirect
 * rules) before anything is returned; any violation marks the ring broken. The chain belongs
 * to the device until amp_vring_dev_add_used().
 *
 * Return: 0, -AMP_EAGAIN when nothing is available, -AMP_EIO when the ring is broken.
 */
int amp_vring_dev_get_avail(struct amp_vring *vr, struct amp_vring_chain *chain);

/**
 * amp_vring_dev_has_avail() - is an available chain waiting?
 * @vr: device handle
 *
 * Return: true when amp_vring_dev_get_avail() would return a chain (or a fault).
 */
bool amp_vring_dev_has_avail(struct amp_vring *vr);

/**
 * amp_vring_dev_add_used() - return a chain to the driver
 * @vr: device handle
 * @head: &amp_vring_chain.head of a chain this device holds
 * @len: bytes written into the device-writable part (0 for read-only chains)
 *
 * Writes the used element; the driver sees it at the next amp_vring_dev_publish().
 *
 * Return: 0, -AMP_EINVAL when @head is not held or @len exceeds the writable bytes, -AMP_EIO
 * when the ring is broken.
 */
int amp_vring_dev_add_used(struct amp_vring *vr, uint16_t head, uint32_t len);

/**
 * amp_vring_dev_publish() - make every returned chain visible to the driver
 * @vr: device handle
 *
 * Write barrier, then used.idx: the buffer contents and used elements must be visible before
 * the index that covers them (virtio v1.2 §2.7.8.2).
 */
void amp_vring_dev_publish(struct amp_vring *vr);

/**
 * amp_vring_dev_kick_prepare() - does the driver want a notification for what was published?
 * @vr: device handle
 *
 * As amp_vring_drv_kick_prepare(), with avail.flags or used_event.
 *
 * Return: true when the caller must notify the driver.
 */
bool amp_vring_dev_kick_prepare(struct amp_vring *vr);

/**
 * amp_vring_dev_kick() - publish, decide and notify through &amp_vring_config.notify
 * @vr: device handle
 *
 * Return: true when a notification was sent.
 */
bool amp_vring_dev_kick(struct amp_vring *vr);

/**
 * amp_vring_dev_disable_notify() - ask the driver not to notify about available buffers
 * @vr: device handle
 */
void amp_vring_dev_disable_notify(struct amp_vring *vr);

/**
 * amp_vring_dev_enable_notify() - ask the driver to notify about the next available buffer
 * @vr: device handle
 *
 * Return: true when a chain is already available: take it rather than wait.
 */
bool amp_vring_dev_enable_notify(struct amp_vring *vr);

/**
 * amp_vring_dev_num_held() - chains taken and not yet returned
 * @vr: device handle
 *
 * Return: the number of held chains.
 */
static inline uint32_t amp_vring_dev_num_held(const struct amp_vring *vr)
{
	/* Taken (consumed) minus returned (own_idx): at most num, so 16 bits tell. */
	return (uint16_t)(vr->consumed - vr->own_idx);
}

#ifdef __cplusplus
}
#endif

#endif /* AMP_VRING_H */
