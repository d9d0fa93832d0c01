/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: how the reference touches shared memory
 *
 * Every store the reference makes to shared memory (ring fields, descriptors, message buffers,
 * resource-table fields) and every memory barrier it executes goes through one &struct amp_io.
 * That is what lets the simulator record a wire-level trace of native code and what lets a
 * fault injector corrupt or drop a store.
 *
 * The reference is built in two variants from the same sources:
 *
 * - plain (library ``ampref``): stores are inline plain stores and barriers are C11 fences; the
 *   hooks cost nothing because they do not exist. &amp_io.ops must be NULL.
 * - hooked (library ``ampref_hooked``, AMP_IO_HOOKS=1): every store and barrier calls
 *   &amp_io.ops, which must perform it (amp_io_native_write() and amp_io_native_barrier() do)
 *   and may record it. A NULL &amp_io.ops behaves like the plain build.
 *
 * Loads are never hooked: the trace only needs what each side made visible.
 */
#ifndef AMP_IO_H
#define AMP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum amp_byte_order - byte order of the multi-byte fields in shared memory
 * @AMP_LITTLE_ENDIAN: least significant byte first
 * @AMP_BIG_ENDIAN: most significant byte first
 *
 * Legacy virtio devices (every remoteproc vdev) use the driver's native order; a link between a
 * little- and a big-endian core therefore byte-swaps on one side only.
 */
enum amp_byte_order {
	AMP_LITTLE_ENDIAN = 0,
	AMP_BIG_ENDIAN = 1,
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define AMP_NATIVE_BYTE_ORDER AMP_BIG_ENDIAN
#else
#define AMP_NATIVE_BYTE_ORDER AMP_LITTLE_ENDIAN
#endif

/**
 * enum amp_barrier - the three barriers the virtio protocol needs
 * @AMP_BARRIER_WRITE: earlier stores become visible before later stores (virtio_wmb)
 * @AMP_BARRIER_READ: earlier loads complete before later loads (virtio_rmb)
 * @AMP_BARRIER_FULL: earlier loads and stores complete before later ones (virtio_mb)
 */
enum amp_barrier {
	AMP_BARRIER_WRITE = 0,
	AMP_BARRIER_READ = 1,
	AMP_BARRIER_FULL = 2,
};

/**
 * struct amp_io_ops - shared-memory access hooks (hooked build only)
 * @write: perform a store of @len bytes at @dst (already in ring byte order) and optionally
 *         record it. Field stores are 1, 2, 4, 8 or 16 bytes at their natural alignment
 *         (16 = one descriptor); buffer copies and ring zeroing can be any length.
 * @barrier: execute the barrier @kind and optionally record it.
 */
struct amp_io_ops {
	void (*write)(void *ctx, volatile void *dst, const void *src, size_t len);
	void (*barrier)(void *ctx, enum amp_barrier kind);
};

/**
 * struct amp_io - one side's view of how to access a shared-memory region
 * @ops: hooks; must be NULL in the plain build (honoured only when built with AMP_IO_HOOKS)
 * @ctx: passed to every hook
 * @order: byte order of the fields in this region
 */
struct amp_io {
	const struct amp_io_ops *ops;
	void *ctx;
	enum amp_byte_order order;
};

/**
 * amp_io_hooks_available() - whether this build of the reference calls &struct amp_io_ops
 *
 * Return: true for the hooked build, false for the plain one.
 */
bool amp_io_hooks_available(void);

/**
 * amp_io_check() - validate an &struct amp_io for this build
 * @io: the access description
 *
 * Return: 0, or -AMP_ENOTSUP when hooks are given to the plain build (they would be silently
 * ignored and a trace would miss events), or -AMP_EINVAL for an invalid byte order or a hook
 * table missing a hook.
 */
int amp_io_check(const struct amp_io *io);

/**
 * amp_io_write() - copy bytes into shared memory through @io
 * @io: access description of the destination region
 * @dst: destination in shared memory
 * @src: source in local memory
 * @len: number of bytes
 *
 * Use for message payloads and any other store a peer will read, so that the store is traced.
 */
void amp_io_write(const struct amp_io *io, volatile void *dst, const void *src, size_t len);

/**
 * amp_io_fill() - set @len bytes of shared memory to @byte through @io
 * @io: access description of the destination region
 * @dst: destination in shared memory
 * @byte: fill value
 * @len: number of bytes
 */
void amp_io_fill(const struct amp_io *io, volatile void *dst, uint8_t byte, size_t len);

/**
 * amp_io_read() - copy bytes out of shared memory
 * @dst: destination in local memory
 * @src: source in shared memory
 * @len: number of bytes
 */
void amp_io_read(void *dst, const volatile void *src, size_t len);

/**
 * amp_io_native_write() - perform a store without hooks (for hook implementations)
 * @dst: destination
 * @src: bytes to store
 * @len: length; 1, 2, 4 and 8 at natural alignment are single-copy atomic
 */
void amp_io_native_write(volatile void *dst, const void *src, size_t len);

/**
 * amp_io_native_barrier() - execute a barrier without hooks (for hook implementations)
 * @kind: which barrier
 */
void amp_io_native_barrier(enum amp_barrier kind);

#ifdef __cplusplus
}
#endif

#endif /* AMP_IO_H */
