// SPDX-License-Identifier: BSD-3-Clause
/*
 * Address translation: the stock region-table implementation and the generic helpers.
 */
#include "amp/addr.h"
#include "amp/error.h"

static int table_find_da(void *ctx, uint64_t da, size_t len, struct amp_mem_region *window)
{
	const struct amp_region_table *t = ctx;

	for (size_t i = 0; i < t->count; i++) {
		if (t->regions[i].size && amp_region_contains_da(&t->regions[i], da, len)) {
			*window = t->regions[i];
			return 0;
		}
	}
	return -AMP_EFAULT;
}

static int table_find_va(void *ctx, const void *va, size_t len, struct amp_mem_region *window)
{
	const struct amp_region_table *t = ctx;

	for (size_t i = 0; i < t->count; i++) {
		if (t->regions[i].size && amp_region_contains_va(&t->regions[i], va, len)) {
			*window = t->regions[i];
			return 0;
		}
	}
	return -AMP_EFAULT;
}

const struct amp_addr_ops amp_region_table_ops = {
	.find_da = table_find_da,
	.find_va = table_find_va,
};

void *amp_addr_to_va(const struct amp_addr_map *map, uint64_t da, size_t len)
{
	struct amp_mem_region w;

	if (map->ops->find_da(map->ctx, da, len, &w) || !amp_region_contains_da(&w, da, len))
		return NULL;
	return (uint8_t *)w.va + (da - w.da);
}

int amp_addr_to_da(const struct amp_addr_map *map, const void *va, size_t len, uint64_t *da)
{
	struct amp_mem_region w;

	if (map->ops->find_va(map->ctx, va, len, &w) || !amp_region_contains_va(&w, va, len))
		return -AMP_EFAULT;
	*da = w.da + (uint64_t)((uintptr_t)va - (uintptr_t)w.va);
	return 0;
}
