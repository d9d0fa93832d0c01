// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the legacy split ring layout (amp_vring_layout(), amp_vring_size()) and of the
 * configuration checks of amp_vring_drv_init() / amp_vring_dev_init().
 *
 * The expected offsets are computed here independently from the spec formula (wire-format.md
 * §5.4), with division instead of masks, and the worked examples of that section are checked
 * literally.
 */
#include <stdalign.h>
#include <stdint.h>

#include "amp/error.h"
#include "amp/vring.h"
#include "ring_pair.h"
#include "testing.h"

/* ---------------------------------------------------------------- independent model */

struct ref_layout {
	size_t avail;
	size_t used_event;
	size_t used;
	size_t avail_event;
	size_t size;
};

static size_t ref_round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/* wire-format.md §5.4: used = ALIGN_UP(16N + 2(3 + N), a), size = used + 6 + 8N. */
static void ref_layout(uint32_t n, uint32_t a, struct ref_layout *r)
{
	r->avail = 16 * (size_t)n;
	r->used_event = 16 * (size_t)n + 4 + 2 * (size_t)n;
	r->used = ref_round_up(16 * (size_t)n + 2 * (3 + (size_t)n), a);
	r->avail_event = r->used + 4 + 8 * (size_t)n;
	r->size = r->used + 6 + 8 * (size_t)n;
}

static int ref_is_pow2(uint64_t v)
{
	int bits = 0;

	for (; v; v >>= 1)
		bits += (int)(v & 1);
	return bits == 1;
}

/* ---------------------------------------------------------------- layout */

static void test_layout_every_pow2_pair(void)
{
	unsigned int pairs = 0;

	for (uint32_t n = 1; n <= 32768; n *= 2) {
		for (uint32_t a = 1; a <= 65536; a *= 2) {
			struct amp_vring_layout l;
			struct ref_layout r;

			memset(&l, 0xee, sizeof(l));
			ref_layout(n, a, &r);
			REQUIRE(amp_vring_layout(n, a, &l) == 0);
			CHECK_EQ(l.num, n);
			CHECK_EQ(l.align, a);
			CHECK_EQ(l.desc, 0);
			CHECK_EQ(l.avail, r.avail);
			CHECK_EQ(l.avail_ring, r.avail + 4);
			CHECK_EQ(l.used_event, r.used_event);
			CHECK_EQ(l.used, r.used);
			CHECK_EQ(l.used_ring, r.used + 4);
			CHECK_EQ(l.avail_event, r.avail_event);
			CHECK_EQ(l.size, r.size);
			CHECK_EQ(amp_vring_size(n, a), r.size);
			/* Structural properties: used is aligned, after used_event, and no more
			 * than align - 1 bytes of padding separate them. */
			CHECK_EQ(l.used % a, 0);
			CHECK(l.used >= l.used_event + 2);
			CHECK(l.used - (l.used_event + 2) < a);
			pairs++;
		}
	}
	CHECK_EQ(pairs, 16 * 17);
}

static void test_layout_worked_examples(void)
{
	/* wire-format.md §5.4 table, copied literally. */
	static const struct {
		uint32_t n, a;
		size_t avail, used_event, used, avail_event, size;
	} ex[] = {
		{256, 4096, 0x1000, 0x1204, 0x2000, 0x2804, 10246},
		{128, 4096, 0x800, 0x904, 0x1000, 0x1404, 5126},
		{64, 4096, 0x400, 0x484, 0x1000, 0x1204, 4614},
		{16, 4096, 0x100, 0x124, 0x1000, 0x1084, 4230},
		{32, 16, 0x200, 0x244, 0x250, 0x354, 854},
		{4, 16, 0x40, 0x4C, 0x50, 0x74, 118},
		{2, 8, 0x20, 0x28, 0x30, 0x44, 70},
		{256, 4, 0x1000, 0x1204, 0x1208, 0x1A0C, 6670},
	};

	for (size_t i = 0; i < ARRAY_SIZE(ex); i++) {
		struct amp_vring_layout l;

		REQUIRE(amp_vring_layout(ex[i].n, ex[i].a, &l) == 0);
		CHECK_EQ(l.desc, 0);
		CHECK_EQ(l.avail, ex[i].avail);
		CHECK_EQ(l.avail_ring, ex[i].avail + 4);
		CHECK_EQ(l.used_event, ex[i].used_event);
		CHECK_EQ(l.used, ex[i].used);
		CHECK_EQ(l.used_ring, ex[i].used + 4);
		CHECK_EQ(l.avail_event, ex[i].avail_event);
		CHECK_EQ(l.size, ex[i].size);
		CHECK_EQ(amp_vring_size(ex[i].n, ex[i].a), ex[i].size);
	}
	/* The rpmsg-lite hazard cases: used must leave room for used_event. */
	CHECK_EQ(amp_vring_size(2, 8), 0x46);
	CHECK_EQ(amp_vring_size(256, 4), 0x1A0E);
}

static void test_layout_rejects_invalid(void)
{
	static const uint32_t bad_num[] = {
		0, 3, 5, 6, 12, 100, 32767, 32769, 65535, 65536, 131072, 0x80000000u, 0xffffffffu};
	static const uint32_t bad_align[] = {0, 3, 6, 12, 100, 4095, 4097, 0xffffffffu};

	for (size_t i = 0; i < ARRAY_SIZE(bad_num); i++) {
		struct amp_vring_layout l;

		CHECK_EQ(amp_vring_layout(bad_num[i], 16, &l), -AMP_EINVAL);
		CHECK_EQ(amp_vring_layout(bad_num[i], 4096, &l), -AMP_EINVAL);
		CHECK_EQ(amp_vring_size(bad_num[i], 16), 0);
		CHECK_EQ(amp_vring_size(bad_num[i], 4096), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_align); i++) {
		struct amp_vring_layout l;

		CHECK_EQ(amp_vring_layout(256, bad_align[i], &l), -AMP_EINVAL);
		CHECK_EQ(amp_vring_layout(1, bad_align[i], &l), -AMP_EINVAL);
		CHECK_EQ(amp_vring_size(256, bad_align[i]), 0);
		CHECK_EQ(amp_vring_size(1, bad_align[i]), 0);
	}
	/* Both invalid. */
	CHECK_EQ(amp_vring_size(0, 0), 0);
	CHECK_EQ(amp_vring_size(3, 12), 0);
}

/* Exactly the powers of two up to 32768 are valid queue sizes; every power of two is a valid
 * alignment. */
static void test_layout_validity_sweep(void)
{
	unsigned int valid_num = 0, valid_align = 0;

	for (uint32_t n = 0; n <= 70000; n++) {
		int expect = ref_is_pow2(n) && n <= 32768;
		struct amp_vring_layout l;
		int err = amp_vring_layout(n, 16, &l);

		CHECK_EQ(err, expect ? 0 : -AMP_EINVAL);
		CHECK_EQ(amp_vring_size(n, 16) != 0, expect);
		valid_num += !err;
	}
	CHECK_EQ(valid_num, 16);
	for (uint32_t a = 0; a <= 70000; a++) {
		int expect = ref_is_pow2(a);
		struct amp_vring_layout l;
		int err = amp_vring_layout(4, a, &l);

		CHECK_EQ(err, expect ? 0 : -AMP_EINVAL);
		CHECK_EQ(amp_vring_size(4, a) != 0, expect);
		valid_align += !err;
	}
	CHECK_EQ(valid_align, 17);
	/* Large alignments are still powers of two. */
	for (uint32_t a = 1u << 17; a; a <<= 1) {
		struct ref_layout r;

		if (sizeof(size_t) <= 4 && a >= (1u << 30))
			break;
		ref_layout(4, a, &r);
		CHECK_EQ(amp_vring_size(4, a), r.size);
		CHECK_EQ(r.used, a);
	}
}

/* ---------------------------------------------------------------- attach checks */

#define MEM_SIZE  (96 * 1024)
#define MAX_SLOTS 256

static alignas(4096) uint8_t mem[MEM_SIZE];
static struct amp_vring_slot slots[MAX_SLOTS];
static struct amp_mem_region region;
static struct amp_region_table table;

static struct amp_vring_config make_cfg(void *ring, uint32_t num, uint32_t align)
{
	region = (struct amp_mem_region){RING_PAIR_DA, mem, sizeof(mem)};
	table = (struct amp_region_table){&region, 1};
	return (struct amp_vring_config){
		.num = num,
		.align = align,
		.ring = ring,
		.io = {.order = AMP_LITTLE_ENDIAN},
		.addr = amp_addr_map_regions(&table),
		.slots = slots,
	};
}

/* True when every byte of mem[from, to) is @v. */
static int mem_all(size_t from, size_t to, uint8_t v)
{
	for (size_t i = from; i < to; i++)
		if (mem[i] != v)
			return 0;
	return 1;
}

static void check_rejected(const struct amp_vring_config *cfg, int err)
{
	struct amp_vring vr;

	memset(mem, 0x5a, sizeof(mem));
	CHECK_EQ(amp_vring_drv_init(&vr, cfg), err);
	CHECK_EQ(amp_vring_dev_init(&vr, cfg), err);
	/* A rejected configuration must not have been written through. */
	CHECK(mem_all(0, sizeof(mem), 0x5a));
}

static void test_init_accepts_valid(void)
{
	static const struct {
		uint32_t n, a;
	} ok[] = {{1, 4}, {2, 4}, {2, 8}, {4, 16}, {32, 16}, {256, 4}, {256, 4096}, {64, 65536}};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct amp_vring_config cfg = make_cfg(mem, ok[i].n, ok[i].a);
		struct amp_vring vr;

		REQUIRE(amp_vring_size(ok[i].n, ok[i].a) <= sizeof(mem));
		CHECK_EQ(amp_vring_drv_init(&vr, &cfg), 0);
		CHECK_EQ(amp_vring_num(&vr), ok[i].n);
		CHECK_EQ(amp_vring_drv_num_free(&vr), ok[i].n);
		CHECK_EQ(amp_vring_fault(&vr), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_dev_init(&vr, &cfg), 0);
		CHECK_EQ(amp_vring_num(&vr), ok[i].n);
		CHECK_EQ(amp_vring_dev_num_held(&vr), 0);
		CHECK_EQ(amp_vring_fault(&vr), AMP_VRING_FAULT_NONE);
	}
	/* 16-byte alignment of the ring is enough. */
	{
		struct amp_vring_config cfg = make_cfg(mem + 16, 8, 16);
		struct amp_vring vr;

		CHECK_EQ(amp_vring_drv_init(&vr, &cfg), 0);
		CHECK_EQ(amp_vring_dev_init(&vr, &cfg), 0);
	}
}

static void test_init_rejects_misaligned_ring(void)
{
	static const size_t offs[] = {1, 2, 4, 8, 12, 15, 24};

	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		struct amp_vring_config cfg = make_cfg(mem + offs[i], 8, 16);

		check_rejected(&cfg, -AMP_EINVAL);
	}
}

static void test_init_rejects_small_align(void)
{
	static const uint32_t nums[] = {2, 4, 8, 64, 256};

	/* 18N + 6 is 2 mod 4 for every even N: with align 1 or 2 the used ring would not be
	 * 4-byte aligned. */
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
		for (uint32_t a = 1; a <= 2; a++) {
			struct amp_vring_config cfg = make_cfg(mem, nums[i], a);
			struct amp_vring_layout l;

			/* The layout itself is computable... */
			REQUIRE(amp_vring_layout(nums[i], a, &l) == 0);
			CHECK_EQ(l.used % 4, 2);
			/* ...but no handle may be attached to it. */
			check_rejected(&cfg, -AMP_EINVAL);
		}
	}
}

static void test_init_rejects_bad_num_align(void)
{
	static const uint32_t bad_num[] = {0, 3, 6, 65536, 32769};
	static const uint32_t bad_align[] = {0, 3, 12};

	for (size_t i = 0; i < ARRAY_SIZE(bad_num); i++) {
		struct amp_vring_config cfg = make_cfg(mem, bad_num[i], 16);

		check_rejected(&cfg, -AMP_EINVAL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_align); i++) {
		struct amp_vring_config cfg = make_cfg(mem, 8, bad_align[i]);

		check_rejected(&cfg, -AMP_EINVAL);
	}
}

static void test_init_rejects_null(void)
{
	static const struct amp_addr_ops no_funcs; /* both translation hooks NULL */
	struct amp_vring_config cfg;

	cfg = make_cfg(NULL, 8, 16);
	check_rejected(&cfg, -AMP_EINVAL);

	cfg = make_cfg(mem, 8, 16);
	cfg.slots = NULL;
	check_rejected(&cfg, -AMP_EINVAL);

	cfg = make_cfg(mem, 8, 16);
	cfg.addr.ops = NULL;
	check_rejected(&cfg, -AMP_EINVAL);

	cfg = make_cfg(mem, 8, 16);
	cfg.addr.ops = &no_funcs;
	check_rejected(&cfg, -AMP_EINVAL);
}

static void dummy_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	(void)ctx;
	amp_io_native_write(dst, src, len);
}

static void dummy_barrier(void *ctx, enum amp_barrier kind)
{
	(void)ctx;
	amp_io_native_barrier(kind);
}

static void test_init_rejects_hooks_on_plain_build(void)
{
	static const struct amp_io_ops ops = {dummy_write, dummy_barrier};
	struct amp_vring_config cfg = make_cfg(mem, 8, 16);

	/* These tests link the plain library. */
	REQUIRE(!amp_io_hooks_available());
	cfg.io.ops = &ops;
	check_rejected(&cfg, -AMP_ENOTSUP);
	cfg.io.order = AMP_BIG_ENDIAN;
	check_rejected(&cfg, -AMP_ENOTSUP);
}

static void test_init_rejects_bad_byte_order(void)
{
	static const int orders[] = {2, 3, 0x7f, -1};

	for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
		struct amp_vring_config cfg = make_cfg(mem, 8, 16);

		cfg.io.order = (enum amp_byte_order)orders[i];
		check_rejected(&cfg, -AMP_EINVAL);
	}
	/* Both valid orders are accepted. */
	{
		struct amp_vring_config cfg = make_cfg(mem, 8, 16);
		struct amp_vring vr;

		cfg.io.order = AMP_BIG_ENDIAN;
		CHECK_EQ(amp_vring_drv_init(&vr, &cfg), 0);
		CHECK_EQ(amp_vring_dev_init(&vr, &cfg), 0);
	}
}

/* ---------------------------------------------------------------- initial ring contents */

static void test_drv_init_zeroes_whole_ring(void)
{
	static const struct {
		uint32_t n, a;
	} cases[] = {{1, 4}, {2, 8}, {4, 16}, {32, 16}, {256, 4}, {256, 4096}, {1024, 4096}};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int order = AMP_LITTLE_ENDIAN; order <= AMP_BIG_ENDIAN; order++) {
			struct ring_pair rp;
			size_t j, zero = 0, pattern = 0;

			REQUIRE(ring_pair_init(&rp, cases[i].n, cases[i].a, 0,
					       (enum amp_byte_order)order, 4, 64) == 0);
			REQUIRE(rp.ring_size == amp_vring_size(cases[i].n, cases[i].a));
			for (j = 0; j < rp.ring_size; j++)
				zero += rp.mem[j] == 0;
			CHECK_EQ(zero, rp.ring_size);
			/* Everything after the ring (padding and buffers) keeps the fixture's
			 * 0xa5 garbage, starting with the very first byte past the ring. */
			CHECK_EQ(rp.mem[rp.ring_size], 0xa5);
			for (j = rp.ring_size; j < rp.mem_size; j++)
				pattern += rp.mem[j] == 0xa5;
			CHECK_EQ(pattern, rp.mem_size - rp.ring_size);
			ring_pair_fini(&rp);
		}
	}
}

static void test_drv_init_zeroes_only_the_ring(void)
{
	/* A ring in the middle of memory: bytes on both sides must survive. */
	size_t off = 48, size = amp_vring_size(16, 64);
	struct amp_vring_config cfg = make_cfg(mem + off, 16, 64);
	struct amp_vring vr;

	memset(mem, 0xa5, sizeof(mem));
	REQUIRE(amp_vring_drv_init(&vr, &cfg) == 0);
	CHECK(mem_all(0, off, 0xa5));
	CHECK(mem_all(off, off + size, 0));
	CHECK(mem_all(off + size, sizeof(mem), 0xa5));
}

static void test_dev_init_writes_nothing(void)
{
	struct amp_vring_config cfg = make_cfg(mem, 64, 4096);
	struct amp_vring vr;

	memset(mem, 0xa5, sizeof(mem));
	REQUIRE(amp_vring_dev_init(&vr, &cfg) == 0);
	CHECK(mem_all(0, sizeof(mem), 0xa5));
	amp_vring_dev_reset(&vr);
	CHECK(mem_all(0, sizeof(mem), 0xa5));
}

/* ---------------------------------------------------------------- the handles use the layout */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Drive one buffer through both handles and find every field where the model puts it. */
static void check_fields_at_model_offsets(uint32_t n, uint32_t a)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ref_layout r;
	struct ring_pair rp;
	uint32_t len = 0;
	void *tok = NULL;

	ref_layout(n, a, &r);
	REQUIRE(ring_pair_init(&rp, n, a, AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX),
			       AMP_LITTLE_ENDIAN, 2, 64) == 0);
	/* Two round trips: the second uses avail/used slot 1 when n > 1. */
	for (int round = 0; round < 2; round++) {
		uint16_t idx = (uint16_t)(round + 1);
		uint16_t slot = (uint16_t)(round & (n - 1));

		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, &rp) == 0);
		amp_vring_drv_publish(&rp.drv);
		CHECK_EQ(le16(rp.mem + r.avail + 2), idx);
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK_EQ(le16(rp.mem + r.avail + 4 + 2 * slot), c.head);
		CHECK_EQ(le32(rp.mem + 16 * (size_t)c.head + 8), 64);
		CHECK_EQ(le16(rp.mem + 16 * (size_t)c.head + 12), AMP_VRING_DESC_F_WRITE);
		/* EVENT_IDX: the device asks for the next index in avail_event. */
		CHECK_EQ(le16(rp.mem + r.avail_event), idx);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, (uint32_t)(10 + round)) == 0);
		amp_vring_dev_publish(&rp.dev);
		CHECK_EQ(le16(rp.mem + r.used + 2), idx);
		CHECK_EQ(le32(rp.mem + r.used + 4 + 8 * (size_t)slot), c.head);
		CHECK_EQ(le32(rp.mem + r.used + 8 + 8 * (size_t)slot), 10 + round);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &tok) == 0);
		CHECK_EQ(len, 10 + round);
		CHECK(tok == &rp);
		/* EVENT_IDX: the driver asks for the next used index in used_event. */
		CHECK_EQ(le16(rp.mem + r.used_event), idx);
	}
	/* Nothing was written past the model's end of the ring. */
	CHECK_EQ(rp.mem[r.size], 0xa5);
	ring_pair_fini(&rp);
}

static void test_handles_use_model_offsets(void)
{
	check_fields_at_model_offsets(1, 4);
	check_fields_at_model_offsets(2, 8);
	check_fields_at_model_offsets(4, 16);
	check_fields_at_model_offsets(32, 16);
	check_fields_at_model_offsets(256, 4);
	check_fields_at_model_offsets(256, 4096);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_layout_every_pow2_pair),
		TEST(test_layout_worked_examples),
		TEST(test_layout_rejects_invalid),
		TEST(test_layout_validity_sweep),
		TEST(test_init_accepts_valid),
		TEST(test_init_rejects_misaligned_ring),
		TEST(test_init_rejects_small_align),
		TEST(test_init_rejects_bad_num_align),
		TEST(test_init_rejects_null),
		TEST(test_init_rejects_hooks_on_plain_build),
		TEST(test_init_rejects_bad_byte_order),
		TEST(test_drv_init_zeroes_whole_ring),
		TEST(test_drv_init_zeroes_only_the_ring),
		TEST(test_dev_init_writes_nothing),
		TEST(test_handles_use_model_offsets),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
