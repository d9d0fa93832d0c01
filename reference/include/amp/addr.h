/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: address translation between device addresses and local pointers
 *
 * A descriptor carries a device address (da): the address at which the *device* sees the buffer.
 * Each side translates it to a pointer it can use. Translation is also the bounds check that keeps
 * a hostile peer from steering accesses outside the shared window: a translation succeeds only when
 * the whole range [da, da + len) lies inside one region the platform declared.
 */
#ifndef AMP_ADDR_H
#define AMP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_mem_region;

/**
 * struct amp_addr_ops - platform address translation
 * @find_da: find the window that holds the whole device-address range [@da, @da + @len);
 *           fill *@window and return 0, or return -AMP_EFAULT when the range is not entirely
 *           inside one window
 * @find_va: the same for the local range [@va, @va + @len)
 *
 * Returning the whole window, not one translated address, lets the ring cache it and translate
 * the next buffer in the same window inline. A platform whose translation is not a set of
 * windows (an IOMMU, say) returns a window covering exactly the range asked for.
 */
struct amp_addr_ops {
	int (*find_da)(void *ctx, uint64_t da, size_t len, struct amp_mem_region *window);
	int (*find_va)(void *ctx, const void *va, size_t len, struct amp_mem_region *window);
};

/**
 * struct amp_addr_map - an address translation instance
 * @ops: translation functions
 * @ctx: passed to them
 */
struct amp_addr_map {
	const struct amp_addr_ops *ops;
	void *ctx;
};

/**
 * struct amp_mem_region - one contiguous shared window
 * @da: device address of the first byte
 * @va: local address of the first byte
 * @size: length in bytes
 */
struct amp_mem_region {
	uint64_t da;
	void *va;
	size_t size;
};

/**
 * struct amp_region_table - the stock translation: a table of disjoint windows
 * @regions: the windows
 * @count: number of windows
 */
struct amp_region_table {
	const struct amp_mem_region *regions;
	size_t count;
};

/* Translation over a &struct amp_region_table passed as the context. */
extern const struct amp_addr_ops amp_region_table_ops;

/**
 * amp_region_contains_da() - is [@da, @da + @len) entirely inside @r?
 * @r: window
 * @da: first device address
 * @len: length
 *
 * Written so that no addition can overflow: addr = 2^64 - 1 with len = 2 must not wrap around
 * into the window.
 *
 * Return: true when it is.
 */
static inline bool amp_region_contains_da(const struct amp_mem_region *r, uint64_t da, size_t len)
{
	return da >= r->da && da - r->da <= r->size && len <= r->size - (da - r->da);
}

/**
 * amp_region_contains_va() - is [@va, @va + @len) entirely inside @r?
 * @r: window
 * @va: first local address
 * @len: length
 *
 * Return: true when it is.
 */
static inline bool amp_region_contains_va(const struct amp_mem_region *r, const void *va,
					  size_t len)
{
	uintptr_t p = (uintptr_t)va, base = (uintptr_t)r->va;

	return p >= base && p - base <= r->size && len <= r->size - (p - base);
}

/**
 * amp_addr_to_va() - translate a device-address range to a local pointer
 * @map: translation
 * @da: device address
 * @len: length of the range
 *
 * Return: the local address of @da, or NULL when the range is outside the shared window.
 */
void *amp_addr_to_va(const struct amp_addr_map *map, uint64_t da, size_t len);

/**
 * amp_addr_to_da() - translate a local range to a device address
 * @map: translation
 * @va: local address
 * @len: length of the range
 * @da: set to the device address of @va
 *
 * Return: 0, or -AMP_EFAULT when the range is outside the shared window.
 */
int amp_addr_to_da(const struct amp_addr_map *map, const void *va, size_t len, uint64_t *da);

/**
 * amp_addr_map_regions() - make a translation instance over a region table
 * @table: the table (must outlive the returned map)
 *
 * Return: the map.
 */
static inline struct amp_addr_map amp_addr_map_regions(const struct amp_region_table *table)
{
	struct amp_addr_map map = {&amp_region_table_ops, (void *)table};
	return map;
}

#ifdef __cplusplus
}
#endif

#endif /* AMP_ADDR_H */
