/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal: inline shared-memory accessors used by every reference module.
 *
 * Stores and barriers go through amp_io (hooked build) or compile to plain single-copy-atomic
 * stores and C11 fences (plain build). Loads of fields the peer may change concurrently are
 * relaxed atomic loads, read exactly once into a local before validation, so a peer changing a
 * field between check and use (a TOCTOU attack) cannot get an unchecked value past us.
 */
#ifndef AMP_IO_ACCESS_H
#define AMP_IO_ACCESS_H

#include <stdint.h>
#include <string.h>

#include "amp/io.h"

#ifndef AMP_IO_HOOKS
#define AMP_IO_HOOKS 0
#endif

#define AMP_LIKELY(x)     __builtin_expect(!!(x), 1)
#define AMP_UNLIKELY(x)   __builtin_expect(!!(x), 0)
#define AMP_ALWAYS_INLINE inline __attribute__((always_inline))

static inline uint16_t amp_swab16(uint16_t v)
{
	return __builtin_bswap16(v);
}

static inline uint32_t amp_swab32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static inline uint64_t amp_swab64(uint64_t v)
{
	return __builtin_bswap64(v);
}

/* Conversion between CPU order and ring order; @swap is true when they differ. */
static inline uint16_t amp_ring16(bool swap, uint16_t v)
{
	return swap ? amp_swab16(v) : v;
}

static inline uint32_t amp_ring32(bool swap, uint32_t v)
{
	return swap ? amp_swab32(v) : v;
}

static inline uint64_t amp_ring64(bool swap, uint64_t v)
{
	return swap ? amp_swab64(v) : v;
}

/* Do fields in @order need swapping on this CPU? */
static inline bool amp_order_swaps(enum amp_byte_order order)
{
	return order != AMP_NATIVE_BYTE_ORDER;
}

static inline bool amp_io_swaps(const struct amp_io *io)
{
	return amp_order_swaps(io->order);
}

static inline void amp_fence(enum amp_barrier kind)
{
	switch (kind) {
	case AMP_BARRIER_WRITE:
		__atomic_thread_fence(__ATOMIC_RELEASE);
		break;
	case AMP_BARRIER_READ:
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		break;
	default:
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		break;
	}
}

static inline void amp_barrier(const struct amp_io *io, enum amp_barrier kind)
{
#if AMP_IO_HOOKS
	if (io->ops) {
		io->ops->barrier(io->ctx, kind);
		return;
	}
#else
	(void)io;
#endif
	amp_fence(kind);
}

/* Stores of CPU-order values; the conversion to ring order (@swap) happens here. */
static inline void amp_store16(const struct amp_io *io, bool swap, volatile void *p, uint16_t v)
{
	v = amp_ring16(swap, v);
#if AMP_IO_HOOKS
	if (io->ops) {
		io->ops->write(io->ctx, p, &v, sizeof(v));
		return;
	}
#else
	(void)io;
#endif
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

/* Store bytes already in ring order (a descriptor, a used element, a payload). */
/*
 * Store @len bytes at @p the way the platform's own stores go: a naturally aligned field the
 * peer may read at any time (an index, the status byte, features, ring addresses) in one
 * access, so a concurrent reader never sees it torn; everything else as a plain copy. With @len
 * a constant, as it is in almost every caller, only one branch remains.
 */
static inline void amp_native_store(volatile void *p, const void *src, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	if (len == 1) {
		__atomic_store_n((uint8_t *)p, *(const uint8_t *)src, __ATOMIC_RELAXED);
	} else if (len == 2 && !(a & 1)) {
		uint16_t v;

		memcpy(&v, src, sizeof(v));
		__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
	} else if (len == 4 && !(a & 3)) {
		uint32_t v;

		memcpy(&v, src, sizeof(v));
		__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
	} else {
		memcpy((void *)p, src, len);
	}
}

static inline void amp_store_bytes(const struct amp_io *io, volatile void *p, const void *src,
				   size_t len)
{
	/* A store of nothing (an empty message's payload, whose source may be NULL) is nothing:
	 * no memcpy with a NULL source, no empty event for a hook to record. */
	if (!len)
		return;
#if AMP_IO_HOOKS
	if (io->ops) {
		io->ops->write(io->ctx, p, src, len);
		return;
	}
#else
	(void)io;
#endif
	amp_native_store(p, src, len);
}

/*
 * Stores of ring entries that often hold the same value lap after lap (available ring entries,
 * descriptors of buffers posted again, used elements under in-order completion). Each field has
 * one legitimate writer, so reading it back costs a hit in our own cache, and skipping an
 * unchanged store spares the peer a cache-line transfer: it still holds the line, with the right
 * value. The memory holds the value before the index store that publishes it either way, which
 * is all the ordering rules ask.
 */
static inline void amp_store16_if_changed(const struct amp_io *io, bool swap, volatile void *p,
					  uint16_t v)
{
	if (__atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED) != amp_ring16(swap, v))
		amp_store16(io, swap, p, v);
}

static inline void amp_store_bytes_if_changed(const struct amp_io *io, volatile void *p,
					      const void *src, size_t len)
{
	if (memcmp((const void *)p, src, len))
		amp_store_bytes(io, p, src, len);
}

/*
 * Memory images of adjacent fields, composed in registers: @at0 lies at the lower address. The
 * fields are already in ring byte order; only the host's order decides where each one goes.
 * Multi-field records (descriptors, rpmsg headers) are stored from such images: building them
 * in a byte buffer and reading that back as wider words stalls store forwarding on every
 * message.
 */
static inline uint32_t amp_image16x2(uint16_t at0, uint16_t at2)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return ((uint32_t)at0 << 16) | at2;
#else
	return at0 | ((uint32_t)at2 << 16);
#endif
}

static inline uint64_t amp_image32x2(uint32_t at0, uint32_t at4)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return ((uint64_t)at0 << 32) | at4;
#else
	return at0 | ((uint64_t)at4 << 32);
#endif
}

/* Store a 16-byte record given as two 8-byte images (@lo at the lower address). */
static inline void amp_store_image16(const struct amp_io *io, volatile void *p, uint64_t lo,
				     uint64_t hi)
{
	uint64_t img[2] = {lo, hi};

	amp_store_bytes(io, p, img, sizeof(img));
}

/* The same, skipped when memory already holds it (see amp_store16_if_changed()). */
static inline void amp_store_image16_if_changed(const struct amp_io *io, volatile void *p,
						uint64_t lo, uint64_t hi)
{
	uint64_t cur[2];

	memcpy(cur, (const void *)p, sizeof(cur));
	if (cur[0] != lo || cur[1] != hi)
		amp_store_image16(io, p, lo, hi);
}

/* amp_io_read() for the library's own fixed-size reads: inline, so the copy is a few loads. */
static inline void amp_copy_in(void *dst, const volatile void *src, size_t len)
{
	memcpy(dst, (const void *)src, len);
}

static inline uint16_t amp_load16(bool swap, const volatile void *p)
{
	return amp_ring16(swap, __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED));
}

static inline uint32_t amp_load32(bool swap, const volatile void *p)
{
	return amp_ring32(swap, __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED));
}

/* 64-bit fields are read as two 32-bit halves: a 32-bit core has no single-copy-atomic 64-bit
 * load, and the fields read this way (descriptor addresses) are stable once published. */
static inline uint64_t amp_load64(bool swap, const volatile void *p)
{
	const volatile uint8_t *b = p;
	uint32_t w0 = __atomic_load_n((const uint32_t *)b, __ATOMIC_RELAXED);
	uint32_t w1 = __atomic_load_n((const uint32_t *)(b + 4), __ATOMIC_RELAXED);
	uint64_t raw;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	raw = ((uint64_t)w0 << 32) | w1;
#else
	raw = ((uint64_t)w1 << 32) | w0;
#endif
	return amp_ring64(swap, raw);
}

#endif /* AMP_IO_ACCESS_H */
