// SPDX-License-Identifier: BSD-3-Clause
/*
 * The support modules: address translation helpers, error names, plain shared-memory access.
 */
#include <stdint.h>

#include "amp/addr.h"
#include "amp/error.h"
#include "amp/io.h"
#include "testing.h"

/* Two windows cut from one array, with gaps around them, so that "just outside" is memory that
 * exists but is not shared. */
static uint8_t pool[1024];
#define mem_a (pool + 128) /* 256 bytes */
#define mem_b (pool + 512) /* 64 bytes */

static const struct amp_mem_region regions[] = {
	{0x1000, mem_a, 256}, {0xffffffffffffffc0ull, mem_b, 64}, /* ends exactly at 2^64 */
};
static const struct amp_region_table table = {regions, 2};

static void test_to_va_inside_and_at_edges(void)
{
	struct amp_addr_map map = amp_addr_map_regions(&table);

	CHECK(amp_addr_to_va(&map, 0x1000, 256) == mem_a);
	CHECK(amp_addr_to_va(&map, 0x10ff, 1) == mem_a + 255);
	CHECK(amp_addr_to_va(&map, 0x1100, 0) == mem_a + 256); /* empty range at the end */
	CHECK(amp_addr_to_va(&map, 0xffffffffffffffc0ull, 64) == mem_b);
	CHECK(amp_addr_to_va(&map, 0xffffffffffffffffull, 1) == mem_b + 63);
}

static void test_to_va_rejects_outside_and_overflow(void)
{
	struct amp_addr_map map = amp_addr_map_regions(&table);

	CHECK(!amp_addr_to_va(&map, 0xfff, 1));                 /* one byte before */
	CHECK(!amp_addr_to_va(&map, 0x1000, 257));              /* one byte past */
	CHECK(!amp_addr_to_va(&map, 0x10ff, 2));                /* straddles the end */
	CHECK(!amp_addr_to_va(&map, 0x1101, 0));                /* empty range past the end */
	CHECK(!amp_addr_to_va(&map, 0xffffffffffffffffull, 2)); /* wraps past 2^64 */
	CHECK(!amp_addr_to_va(&map, 0x1000, SIZE_MAX));
	CHECK(!amp_addr_to_va(&map, 0, 0x1100));
}

static void test_to_da_round_trip(void)
{
	struct amp_addr_map map = amp_addr_map_regions(&table);
	uint64_t da = 0;

	CHECK_EQ(amp_addr_to_da(&map, mem_a + 17, 10, &da), 0);
	CHECK_EQ(da, 0x1011);
	CHECK(amp_addr_to_va(&map, da, 10) == mem_a + 17);
	CHECK_EQ(amp_addr_to_da(&map, mem_b + 63, 1, &da), 0);
	CHECK(da == 0xffffffffffffffffull);
	CHECK_EQ(amp_addr_to_da(&map, mem_a + 250, 7, &da), -AMP_EFAULT);
	CHECK_EQ(amp_addr_to_da(&map, mem_b + 64, 1, &da), -AMP_EFAULT);
	CHECK_EQ(amp_addr_to_da(&map, &da, sizeof(da), &da), -AMP_EFAULT); /* not shared */
}

/* A platform whose find returns a window that does not contain the range is not trusted. */
static int lying_find_da(void *ctx, uint64_t da, size_t len, struct amp_mem_region *w)
{
	(void)ctx;
	(void)da;
	(void)len;
	*w = regions[0];
	return 0;
}

static int lying_find_va(void *ctx, const void *va, size_t len, struct amp_mem_region *w)
{
	(void)ctx;
	(void)va;
	(void)len;
	*w = regions[0];
	return 0;
}

static void test_helpers_recheck_the_platform_window(void)
{
	static const struct amp_addr_ops lying = {lying_find_da, lying_find_va};
	struct amp_addr_map map = {&lying, NULL};
	uint64_t da;

	CHECK(!amp_addr_to_va(&map, 0x9000, 4));
	CHECK_EQ(amp_addr_to_da(&map, mem_b, 4, &da), -AMP_EFAULT);
	CHECK(amp_addr_to_va(&map, 0x1004, 4) == mem_a + 4);
}

static void test_strerror_names_every_code(void)
{
	static const struct {
		int code;
		const char *name;
	} codes[] = {
		{0, "OK"},
		{AMP_EIO, "EIO"},
		{AMP_E2BIG, "E2BIG"},
		{AMP_EAGAIN, "EAGAIN"},
		{AMP_ENOMEM, "ENOMEM"},
		{AMP_EFAULT, "EFAULT"},
		{AMP_EBUSY, "EBUSY"},
		{AMP_EEXIST, "EEXIST"},
		{AMP_ENOENT, "ENOENT"},
		{AMP_ENODEV, "ENODEV"},
		{AMP_EINVAL, "EINVAL"},
		{AMP_ENOSPC, "ENOSPC"},
		{AMP_ERANGE, "ERANGE"},
		{AMP_EPROTO, "EPROTO"},
		{AMP_EBADMSG, "EBADMSG"},
		{AMP_EMSGSIZE, "EMSGSIZE"},
		{AMP_ENOTSUP, "ENOTSUP"},
		{AMP_ENOTCONN, "ENOTCONN"},
		{AMP_ETIMEDOUT, "ETIMEDOUT"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		CHECK(!strcmp(amp_strerror(-codes[i].code), codes[i].name));
		CHECK(!strcmp(amp_strerror(codes[i].code), codes[i].name));
	}
	CHECK(!strcmp(amp_strerror(-12345), "E?"));
}

static void test_plain_io_copies(void)
{
	struct amp_io io = {.order = AMP_NATIVE_BYTE_ORDER};
	uint8_t shared[32] = {0}, local[32];

	CHECK(!amp_io_hooks_available());
	CHECK_EQ(amp_io_check(&io), 0);
	amp_io_write(&io, shared + 3, "payload", 7);
	amp_io_fill(&io, shared + 10, 0x5a, 4);
	amp_io_read(local, shared, sizeof(shared));
	CHECK(!memcmp(local + 3, "payload", 7));
	CHECK(local[2] == 0 && local[10] == 0x5a && local[13] == 0x5a && local[14] == 0);
	io.order = (enum amp_byte_order)7;
	CHECK_EQ(amp_io_check(&io), -AMP_EINVAL);
	CHECK_EQ(amp_io_check(NULL), -AMP_EINVAL);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_to_va_inside_and_at_edges),
		TEST(test_to_va_rejects_outside_and_overflow),
		TEST(test_to_da_round_trip),
		TEST(test_helpers_recheck_the_platform_window),
		TEST(test_strerror_names_every_code),
		TEST(test_plain_io_copies),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
