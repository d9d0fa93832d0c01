/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The part of the vring fuzz targets that does not depend on the role under test: input
 * decoding, the setup of the ring and the shared windows, harness-side ring access, the address
 * model, the index and notification rules both roles follow, the operations both targets have,
 * and the operation loop. A target (fuzz_vring_device.c, fuzz_vring_driver.c) embeds &struct fz
 * in its own state, adds the model, operations and checks of its role, describes them in a
 * &struct fz_role and calls fz_main() from LLVMFuzzerTestOneInput().
 *
 * Input format (multi-byte input fields are little-endian; a field past the end of the input
 * reads as zero, so every input is valid and consumption is deterministic):
 *
 *   header, 15 bytes
 *     [0]     queue size: num = 1 << (b % 9), so 1..256
 *     [1]     bit 0: ring byte order big-endian (else little-endian)
 *             bit 1: EVENT_IDX negotiated
 *             bit 2: INDIRECT_DESC negotiated
 *             bits 3-4: used-ring alignment 4, 16, 64 or 4096
 *             bit 5: a second window B exists
 *             bits 6-7: where the windows sit in device-address space (place_windows())
 *     [2]     operation budget: 1 + 4 * b
 *     [3..4]  size of window A: 1 + v % 8192 bytes
 *     [5]     bits 0-6: size of window B: 16 * (b + 1) bytes; bit 7: an 8 GiB read-only
 *             region C exists (device: reaches the 4 GiB chain-length and huge-table rules;
 *             driver: buffers of up to 4 GiB, the 32-bit writable-length rule)
 *     [6..13] device-address seed
 *     [14]    b != 0: start as if 65536 - b round trips had completed, so that the 16-bit
 *             indices wrap within a few operations; odd b: and without a kick decision for
 *             the last 65530 of them, so the 65535-unsignalled rule fires (fast_forward())
 *   initial contents: for the device target what the driver left in the zeroed ring before the
 *   device attached; for the driver target what the device wrote after the driver zeroed the
 *   ring at init (the ring starts as garbage, which init must clear)
 *     u16 n, then n bytes copied to the ring from offset 0 (clamped to the ring and the input)
 *     u16 n, then n bytes copied to window A from offset 0 (clamped likewise)
 *   operations, until the budget or the input runs out
 *     one opcode byte (b % OP_COUNT) followed by its arguments, listed at enum op of each
 *     target.
 *
 * Windows A and B are contiguous in device-address space but are separate allocations, so a
 * buffer straddling them must be rejected. The ring is never inside a window. The ring, each
 * window and the slot array are allocated at exactly the size the API is given, so that
 * AddressSanitizer reports any access outside them.
 */
#ifndef AMP_FUZZ_COMMON_H
#define AMP_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "amp/vring.h"

#define FZ_MAX_NUM      256    /* largest queue size the header selects */
#define FZ_INDIRECT_MAX 32768u /* most entries of an indirect table */
#define FZ_SENTINEL     0xa5   /* fills memory the library must initialise or leave alone */

/* A set of AMP_VRING_FAULT_* kinds: any of them is an acceptable amp_vring_fault(). */
#define FZ_RULE(fault) (1u << (fault))

/* Trap, naming the condition, when an invariant of the documented rules does not hold. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fz_check_failed(#cond, __FILE__, __LINE__);                                \
	} while (0)

/* Log to stderr when AMP_FUZZ_TRACE is set. */
#define TRACE(...)                                                                                 \
	do {                                                                                       \
		if (fz_trace > 0)                                                                  \
			fprintf(stderr, __VA_ARGS__);                                              \
	} while (0)

/**
 * struct fz_input - the unread rest of the fuzz input
 * @p: next byte
 * @n: bytes left
 */
struct fz_input {
	const uint8_t *p;
	size_t n;
};

/**
 * struct fz_window - a shared memory window the address map translates
 * @va: local address of the first byte
 * @size: bytes; 0 when the window does not exist
 * @da: device address of the first byte
 * @readonly: mapped read-only (region C): the harness must not write to it
 */
struct fz_window {
	uint8_t *va;
	uint64_t size;
	uint64_t da;
	bool readonly;
};

/**
 * struct fz_layout - ring offsets, computed by the harness independently of the library
 * @avail: available ring (flags, idx, entries)
 * @used_event: used_event, after the available ring entries
 * @used: used ring (flags, idx, elements), aligned
 * @avail_event: avail_event, after the used ring elements
 * @size: bytes of the whole ring
 */
struct fz_layout {
	size_t avail, used_event, used, avail_event, size;
};

/**
 * struct fz_side - the index, event and flags fields one role writes in the ring
 * @idx: avail.idx (driver) or used.idx (device)
 * @event: used_event (driver) or avail_event (device): where the role wants to be notified
 * @flags: avail.flags (driver) or used.flags (device)
 * @no_notify: the bit in @flags asking the other role not to notify:
 *	AMP_VRING_AVAIL_F_NO_INTERRUPT (driver) or AMP_VRING_USED_F_NO_NOTIFY (device)
 */
struct fz_side {
	uint8_t *idx;
	uint8_t *event;
	uint8_t *flags;
	uint16_t no_notify;
};

/**
 * struct fz_model - what the documented rules say the index and notification state of the role
 *	under test is; the same for both roles
 * @broken: a call returned -EIO; every call returns -EIO until reset
 * @notif: notifications from the peer are enabled
 * @flags_shadow: the flags word the role last wrote
 * @own_idx: next index of the role's own ring (used ring for the device, available ring for the
 *	driver)
 * @published: @own_idx as last made visible in the role's idx field
 * @signalled: @published at the last kick decision
 * @consumed: entries of the peer's ring taken
 * @peer_idx: the peer's idx field as last read (cached)
 * @sim_idx: the index of the peer's well-formed writes, which the input simulates
 *	(fz_op_peer_idx() and the targets' well-formed additions or returns)
 */
struct fz_model {
	bool broken;
	bool notif;
	uint16_t flags_shadow;
	uint16_t own_idx, published, signalled, consumed, peer_idx;
	uint16_t sim_idx;
};

struct fz;

/* One operation: reads its arguments from the input, calls the library, checks the result. */
typedef void (*fz_op_fn)(struct fz *f);

/**
 * struct fz_role - what a fuzz target adds to the shared harness
 * @name: program name for invariant messages
 * @role: the role under test
 * @attach: initialise the handle as @role with the configuration, check the result and reset the
 *	model (fz_model_reset() and the target's own part)
 * @check_state: check the target's own model against the handle, after the setup and after
 *	every operation (fault and notification checks are shared)
 * @ops: the operations, indexed by opcode
 * @op_count: entries in @ops
 */
struct fz_role {
	const char *name;
	enum amp_vring_role role;
	void (*attach)(struct fz *f, const struct amp_vring_config *cfg);
	void (*check_state)(struct fz *f);
	const fz_op_fn *ops;
	unsigned int op_count;
};

/**
 * struct fz - the state of one fuzz input that both targets share; each target embeds it in a
 *	structure with its own model
 * @role: the target's description
 * @in: unread input
 * @num: queue size
 * @mask: @num - 1
 * @align: used-ring alignment
 * @big: the ring is big-endian
 * @event_idx: EVENT_IDX negotiated
 * @indirect: INDIRECT_DESC negotiated
 * @lay: ring offsets
 * @ring: the ring, @lay.size bytes
 * @drv: the fields the driver writes (avail.idx, used_event, avail.flags)
 * @dev: the fields the device writes (used.idx, avail_event, used.flags)
 * @own: the fields the role under test writes: @dev or @drv
 * @peer: the fields the peer (the input) writes: the other one
 * @win: windows A, B and C
 * @regions: the existing windows as regions of @table
 * @table: the address map the handle is configured with
 * @slots: the handle's slot array
 * @vr: the handle under test
 * @m: the shared part of the model
 * @notified: notification callbacks seen
 * @expect_notified: notification callbacks the model expects
 */
struct fz {
	const struct fz_role *role;
	struct fz_input in;
	uint32_t num;
	uint16_t mask;
	uint32_t align;
	bool big, event_idx, indirect;
	struct fz_layout lay;
	uint8_t *ring;
	struct fz_side drv, dev;
	const struct fz_side *own, *peer;
	struct fz_window win[3];
	struct amp_mem_region regions[3];
	struct amp_region_table table;
	struct amp_vring_slot *slots;
	struct amp_vring vr;
	struct fz_model m;
	unsigned long notified, expect_notified;
};

/**
 * FZ_TARGET() - define a fuzz target: its &struct fz_role and LLVMFuzzerTestOneInput()
 * @name_: program name, for invariant messages
 * @role_: the role under test
 * @state_: the target's state, a static structure that embeds &struct fz as its member fz
 * @attach_: &fz_role.attach
 * @check_state_: &fz_role.check_state
 * @ops_: the array of operations, indexed by opcode
 * @op_count_: the target's OP_COUNT; @ops_ must have that many entries
 */
#define FZ_TARGET(name_, role_, state_, attach_, check_state_, ops_, op_count_)                    \
	static const struct fz_role fz_target = {                                                  \
		.name = name_,                                                                     \
		.role = role_,                                                                     \
		.attach = attach_,                                                                 \
		.check_state = check_state_,                                                       \
		.ops = ops_,                                                                       \
		.op_count = op_count_,                                                             \
	};                                                                                         \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
	{                                                                                          \
		return fz_main(&(state_).fz, &fz_target, data, size);                              \
	}                                                                                          \
	_Static_assert(sizeof(ops_) / sizeof((ops_)[0]) == (op_count_), "one function per opcode")

extern int fz_trace;

/* libFuzzer's entry point, which FZ_TARGET() defines */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* main loop and invariants */
int fz_main(struct fz *f, const struct fz_role *role, const uint8_t *data, size_t size);
_Noreturn void fz_check_failed(const char *what, const char *file, int line);

/* input */
uint8_t fz_u8(struct fz *f);
uint16_t fz_u16(struct fz *f);
uint32_t fz_u32(struct fz *f);
uint64_t fz_u64(struct fz *f);
size_t fz_copy(struct fz *f, uint8_t *dst, size_t want);

/* ring access in the ring's byte order */
uint64_t fz_ld(const struct fz *f, const uint8_t *p, unsigned int bytes);
void fz_st(const struct fz *f, uint8_t *p, uint64_t v, unsigned int bytes);
uint16_t fz_ld16(const struct fz *f, const uint8_t *p);
uint8_t *fz_desc(struct fz *f, uint32_t i);
uint8_t *fz_avail_entry(struct fz *f, uint16_t idx);
uint8_t *fz_used_elem(struct fz *f, uint16_t idx);
void fz_write_desc(struct fz *f, uint8_t *d, uint64_t da, uint32_t len, uint16_t flags,
		   uint16_t next);

/* address model */
uint8_t *fz_model_to_va(const struct fz *f, uint64_t da, uint64_t len);
bool fz_da_translates(const struct fz *f, uint64_t da, uint64_t len, const void *va);
const struct fz_window *fz_window_of(const struct fz *f, const void *va, uint64_t len);
bool fz_va_translates(const struct fz *f, const void *va, uint64_t len, uint64_t da);

/* index and notification model */
void fz_model_reset(struct fz *f);
void fz_check_fault(struct fz *f);
void fz_check_get(struct fz *f, int ret, int expect, unsigned int rules);
void fz_consume(struct fz *f);
void fz_advance_own(struct fz *f);
uint32_t fz_bulk_begin(struct fz *f, bool ready, uint32_t *len);
uint32_t fz_len_mode(struct fz *f, uint8_t mode, unsigned int shift, uint32_t writable);

/* operations both targets have */
void fz_op_peer_ring(struct fz *f);
void fz_op_peer_window(struct fz *f);
void fz_op_peer_idx(struct fz *f);
void fz_op_peer_event(struct fz *f);
void fz_op_publish(struct fz *f);
void fz_op_kick_prepare(struct fz *f);
void fz_op_kick(struct fz *f);
void fz_op_disable(struct fz *f);
void fz_op_enable(struct fz *f);
void fz_op_has(struct fz *f);

#endif /* AMP_FUZZ_COMMON_H */
