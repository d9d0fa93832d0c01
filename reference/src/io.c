// SPDX-License-Identifier: BSD-3-Clause
/*
 * Shared-memory access entry points that are not on a hot path.
 */
#include <string.h>

#include "amp/error.h"
#include "amp/io.h"
#include "io_access.h"

bool amp_io_hooks_available(void)
{
	return AMP_IO_HOOKS != 0;
}

int amp_io_check(const struct amp_io *io)
{
	if (!io || (io->order != AMP_LITTLE_ENDIAN && io->order != AMP_BIG_ENDIAN))
		return -AMP_EINVAL;
	if (!io->ops)
		return 0;
	if (!AMP_IO_HOOKS)
		return -AMP_ENOTSUP;
	if (!io->ops->write || !io->ops->barrier)
		return -AMP_EINVAL;
	return 0;
}

void amp_io_write(const struct amp_io *io, volatile void *dst, const void *src, size_t len)
{
	amp_store_bytes(io, dst, src, len);
}

void amp_io_fill(const struct amp_io *io, volatile void *dst, uint8_t byte, size_t len)
{
	uint8_t chunk[64];
	volatile uint8_t *d = dst;

#if AMP_IO_HOOKS
	if (io->ops) {
		/* One hook call per 64 bytes keeps a fill of a large ring traceable without a
		 * buffer the size of the ring. */
		memset(chunk, byte, sizeof(chunk));
		while (len) {
			size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

			io->ops->write(io->ctx, d, chunk, n);
			d += n;
			len -= n;
		}
		return;
	}
#else
	(void)io;
	(void)chunk;
#endif
	memset((void *)d, byte, len);
}

void amp_io_read(void *dst, const volatile void *src, size_t len)
{
	memcpy(dst, (const void *)src, len);
}

void amp_io_native_write(volatile void *dst, const void *src, size_t len)
{
	amp_native_store(dst, src, len);
}

void amp_io_native_barrier(enum amp_barrier kind)
{
	amp_fence(kind);
}
