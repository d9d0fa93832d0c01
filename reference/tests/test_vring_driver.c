// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the driver role of the split ring, driven through a ring_pair (a driver and a
 * device handle on one ring in one address space): adding, publishing and collecting buffers,
 * full and empty rings, index wrap, chains, indirect tables, error returns, teardown, and the
 * raw bytes the driver writes in both byte orders.
 */
#include <stdint.h>

#include "amp/error.h"
#include "amp/vring.h"
#include "ring_pair.h"
#include "testing.h"

#define F_INDIRECT AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)

/* ---------------------------------------------------------------- raw ring access */

static uint64_t get_raw(const uint8_t *p, unsigned int size, enum amp_byte_order o)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p[o == AMP_BIG_ENDIAN ? size - 1 - i : i] << (8 * i);
	return v;
}

static uint16_t rd16(const struct ring_pair *rp, size_t off)
{
	return (uint16_t)get_raw(rp->mem + off, 2, rp->drv_cfg.io.order);
}

static uint32_t rd32(const struct ring_pair *rp, size_t off)
{
	return (uint32_t)get_raw(rp->mem + off, 4, rp->drv_cfg.io.order);
}

static struct amp_vring_layout layout_of(const struct ring_pair *rp)
{
	struct amp_vring_layout l;

	memset(&l, 0, sizeof(l));
	amp_vring_layout(rp->num, rp->align, &l);
	return l;
}

static uint16_t raw_avail_idx(const struct ring_pair *rp)
{
	return rd16(rp, layout_of(rp).avail + 2);
}

static uint16_t raw_used_idx(const struct ring_pair *rp)
{
	return rd16(rp, layout_of(rp).used + 2);
}

/* Descriptor @i fields in CPU order. */
struct raw_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static struct raw_desc rd_desc_at(const struct ring_pair *rp, const uint8_t *d)
{
	enum amp_byte_order o = rp->drv_cfg.io.order;

	return (struct raw_desc){get_raw(d, 8, o), (uint32_t)get_raw(d + 8, 4, o),
				 (uint16_t)get_raw(d + 12, 2, o), (uint16_t)get_raw(d + 14, 2, o)};
}

static struct raw_desc rd_desc(const struct ring_pair *rp, uint16_t i)
{
	return rd_desc_at(rp, rp->mem + 16 * (size_t)i);
}

static void *tok(uint32_t i)
{
	return (void *)(uintptr_t)(0x10000u + i);
}

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

/* ---------------------------------------------------------------- device helpers */

/* Device: take the next chain (single-element view) and return it with @len. */
static int dev_complete_one(struct ring_pair *rp, uint32_t len, uint16_t *head)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	int err = amp_vring_dev_get_avail(&rp->dev, &c);

	if (err)
		return err;
	if (head)
		*head = c.head;
	return amp_vring_dev_add_used(&rp->dev, c.head, len);
}

/* ---------------------------------------------------------------- tests */

static void round_trip(enum amp_byte_order order)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct amp_vring_layout l;
	struct raw_desc d;
	struct ring_pair rp;
	uint8_t *buf;
	uint32_t len = 0;
	void *t = NULL;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, order, 4, 64) == 0);
	l = layout_of(&rp);
	buf = ring_pair_buf(&rp, 2);

	REQUIRE(amp_vring_drv_add_buf(&rp.drv, buf, 64, true, tok(1)) == 0);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 3);
	/* The descriptor and ring entry are written, the index is not. */
	d = rd_desc(&rp, 0);
	CHECK_EQ(d.addr, ring_pair_da(&rp, buf));
	CHECK_EQ(d.len, 64);
	CHECK_EQ(d.flags, AMP_VRING_DESC_F_WRITE);
	CHECK_EQ(rd16(&rp, l.avail_ring), 0);
	CHECK_EQ(raw_avail_idx(&rp), 0);
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);

	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 1);
	CHECK(amp_vring_dev_has_avail(&rp.dev));
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.head, 0);
	CHECK_EQ(c.count, 1);
	CHECK_EQ(c.readable_len, 0);
	CHECK_EQ(c.writable_len, 64);
	CHECK(e.va == buf);
	CHECK_EQ(e.da, ring_pair_da(&rp, buf));
	CHECK_EQ(e.len, 64);
	CHECK(e.writable);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 1);
	memset(e.va, 0x3c, 10);

	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 10) == 0);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EAGAIN);
	CHECK(!amp_vring_drv_has_used(&rp.drv));
	CHECK_EQ(raw_used_idx(&rp), 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 1);
	CHECK_EQ(rd32(&rp, l.used_ring), 0);
	CHECK_EQ(rd32(&rp, l.used_ring + 4), 10);
	CHECK(amp_vring_drv_has_used(&rp.drv));
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK_EQ(len, 10);
	CHECK(t == tok(1));
	CHECK_EQ(buf[9], 0x3c);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EAGAIN);

	/* A device-readable buffer comes back with len 0. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, buf, 33, false, tok(2)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.readable_len, 33);
	CHECK_EQ(c.writable_len, 0);
	CHECK(!e.writable);
	CHECK_EQ(rd_desc(&rp, c.head).flags, 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
	amp_vring_dev_publish(&rp.dev);
	len = 99;
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK_EQ(len, 0);
	CHECK(t == tok(2));
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_round_trip_le(void)
{
	round_trip(AMP_LITTLE_ENDIAN);
}

static void test_round_trip_be(void)
{
	round_trip(AMP_BIG_ENDIAN);
}

/* Big-endian: check the bytes themselves, not through a helper that could share a mistake. */
static void test_big_endian_raw_bytes(void)
{
	struct ring_pair rp;
	struct amp_vring_layout l;
	uint8_t *buf, *d, *a;
	uint64_t da;
	uint16_t head;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_BIG_ENDIAN, 8, 256) == 0);
	l = layout_of(&rp);
	/* Move the indices so that both bytes of each are non-zero-testable: 0x0102 buffers. */
	for (unsigned int i = 0; i < 0x0102; i++) {
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 8, true, tok(i)) ==
			0);
		amp_vring_drv_publish(&rp.drv);
		REQUIRE(dev_complete_one(&rp, 8, NULL) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, NULL) == 0);
	}
	buf = ring_pair_buf(&rp, 5) + 0x30;
	da = ring_pair_da(&rp, buf);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, buf, 0x01020304, false, tok(7)) == -AMP_EFAULT);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, buf, 0x0123, true, tok(7)) == 0);
	amp_vring_drv_publish(&rp.drv);

	a = rp.mem + l.avail;
	CHECK_EQ(a[0], 0);
	CHECK_EQ(a[1], 0);
	CHECK_EQ(a[2], 0x01); /* avail.idx = 0x0103, most significant byte first */
	CHECK_EQ(a[3], 0x03);
	/* Entry 0x0102 & 7 = 2 holds the head, big-endian. */
	head = (uint16_t)(a[4 + 2 * 2] << 8 | a[4 + 2 * 2 + 1]);
	REQUIRE(head < 8);
	d = rp.mem + 16 * (size_t)head;
	for (int i = 0; i < 8; i++)
		CHECK_EQ(d[i], (uint8_t)(da >> (56 - 8 * i)));
	CHECK_EQ(d[0], 0x00);
	CHECK_EQ(d[4], 0x80); /* RING_PAIR_DA = 0x80000000 */
	CHECK_EQ(d[8], 0);
	CHECK_EQ(d[9], 0);
	CHECK_EQ(d[10], 0x01);
	CHECK_EQ(d[11], 0x23);
	CHECK_EQ(d[12], 0);
	CHECK_EQ(d[13], AMP_VRING_DESC_F_WRITE);
	CHECK_EQ(d[14], 0);
	CHECK_EQ(d[15], 0);

	/* And the device reads the same values back in CPU order. */
	{
		struct amp_vring_elem e;
		struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
		uint8_t *u = rp.mem + l.used;
		uint32_t len = 0;
		void *t = NULL;

		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK_EQ(c.head, head);
		CHECK_EQ(e.da, da);
		CHECK(e.va == buf);
		CHECK_EQ(e.len, 0x0123);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0x0122) == 0);
		amp_vring_dev_publish(&rp.dev);
		CHECK_EQ(u[2], 0x01); /* used.idx = 0x0103 */
		CHECK_EQ(u[3], 0x03);
		/* Used element 2: id (u32) then len (u32), big-endian. */
		CHECK_EQ(u[4 + 16 + 0], 0);
		CHECK_EQ(u[4 + 16 + 3], head);
		CHECK_EQ(u[4 + 16 + 6], 0x01);
		CHECK_EQ(u[4 + 16 + 7], 0x22);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK_EQ(len, 0x0122);
		CHECK(t == tok(7));
	}
	ring_pair_fini(&rp);
}

static void test_invisible_until_publish(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 8, 64) == 0);
	for (uint32_t i = 0; i < 3; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64, true, tok(i)) ==
			0);
	CHECK_EQ(raw_avail_idx(&rp), 0);
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 3);
	/* A second publish with nothing new changes nothing. */
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 3);
	for (uint32_t i = 0; i < 3; i++) {
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK(e.va == ring_pair_buf(&rp, i));
	}
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);

	/* One more added but unpublished stays invisible while others flow. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 3), 64, true, tok(3)) == 0);
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK(e.va == ring_pair_buf(&rp, 3));
	ring_pair_fini(&rp);
}

static void test_batched_publish(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;
	uint32_t seen = 0;
	uint32_t len;
	void *t;

	REQUIRE(ring_pair_init(&rp, 32, 16, 0, AMP_LITTLE_ENDIAN, 32, 64) == 0);
	for (uint32_t i = 0; i < 32; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64, true, tok(i)) ==
			0);
	CHECK_EQ(raw_avail_idx(&rp), 0);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 32);
	while (amp_vring_dev_get_avail(&rp.dev, &c) == 0) {
		CHECK(e.va == ring_pair_buf(&rp, seen));
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, seen), 0);
		seen++;
	}
	CHECK_EQ(seen, 32);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 32);
	for (uint32_t i = 0; i < 32; i++) {
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK_EQ(len, i);
		CHECK(t == tok(i));
	}
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 32);
	ring_pair_fini(&rp);
}

static void test_full_ring(void)
{
	static const uint32_t nums[] = {1, 2, 8, 256};

	for (size_t k = 0; k < ARRAY_SIZE(nums); k++) {
		uint32_t num = nums[k];
		struct amp_vring_sg sg[2];
		struct ring_pair rp;
		uint16_t head;
		uint32_t len;
		void *t;

		REQUIRE(ring_pair_init(&rp, num, 16, 0, AMP_LITTLE_ENDIAN, 2, 64) == 0);
		sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 8};
		sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 8};
		for (uint32_t i = 0; i < num; i++) {
			CHECK_EQ(amp_vring_drv_num_free(&rp.drv), num - i);
			REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true,
						      tok(i)) == 0);
		}
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 0);
		CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, tok(99)),
			 -AMP_ENOSPC);
		CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 1, 0, tok(99)), -AMP_ENOSPC);
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 0);
		amp_vring_drv_publish(&rp.drv);
		CHECK_EQ(raw_avail_idx(&rp), (uint16_t)num);

		/* Returning one frees exactly one slot. */
		REQUIRE(dev_complete_one(&rp, 1, &head) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK(t == tok(0));
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 1);
		/* A chain of two needs two free descriptors. */
		CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 1, 1, tok(98)), -AMP_ENOSPC);
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 1);
		CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, tok(100)),
			 0);
		CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, tok(101)),
			 -AMP_ENOSPC);
		amp_vring_drv_publish(&rp.drv);
		CHECK_EQ(raw_avail_idx(&rp), (uint16_t)(num + 1));
		ring_pair_fini(&rp);
	}
}

static void test_empty_ring(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;
	uint32_t len = 77;
	void *t = tok(77);

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EAGAIN);
	CHECK_EQ(len, 77); /* untouched on failure */
	CHECK(t == tok(77));
	CHECK(!amp_vring_drv_has_used(&rp.drv));
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	/* After a full round trip both sides are empty again. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, tok(1)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(dev_complete_one(&rp, 5, NULL) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	CHECK(!amp_vring_drv_has_used(&rp.drv));
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

/*
 * Free-running indices: at least 70000 buffers through rings of several sizes, in batches of
 * 1..min(num, 5), checking the raw idx fields against a model counter modulo 65536 and the
 * avail/used ring slot each buffer went through.
 */
static void wrap_run(uint32_t num, enum amp_byte_order order)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct amp_vring_layout l;
	struct ring_pair rp;
	uint32_t sent = 0, batch_max = num < 5 ? num : 5, batch = 1;
	uint32_t mismatches = 0;

	REQUIRE(ring_pair_init(&rp, num, 16, 0, order, 1, 64) == 0);
	l = layout_of(&rp);
	while (sent < 70000) {
		for (uint32_t b = 0; b < batch; b++)
			REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, (sent + b) & 63, true,
						      tok(sent + b)) == 0);
		amp_vring_drv_publish(&rp.drv);
		if (raw_avail_idx(&rp) != (uint16_t)(sent + batch))
			mismatches++;
		for (uint32_t b = 0; b < batch; b++) {
			uint16_t idx = (uint16_t)(sent + b);

			REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
			if (rd16(&rp, l.avail_ring + 2 * (idx & (num - 1))) != c.head)
				mismatches++;
			REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, (sent + b) & 63) == 0);
		}
		amp_vring_dev_publish(&rp.dev);
		if (raw_used_idx(&rp) != (uint16_t)(sent + batch))
			mismatches++;
		for (uint32_t b = 0; b < batch; b++) {
			uint16_t idx = (uint16_t)(sent + b);
			uint32_t len = 0;
			void *t = NULL;

			/* The used element sits at slot idx & (num - 1). */
			if (rd32(&rp, l.used_ring + 8 * (idx & (num - 1)) + 4) != ((sent + b) & 63))
				mismatches++;
			REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
			if (len != ((sent + b) & 63) || t != tok(sent + b))
				mismatches++;
		}
		sent += batch;
		batch = batch % batch_max + 1;
	}
	CHECK_EQ(mismatches, 0);
	CHECK(sent >= 70000);
	CHECK_EQ(raw_avail_idx(&rp), sent & 0xffff);
	CHECK_EQ(raw_used_idx(&rp), sent & 0xffff);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), num);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_index_wrap(void)
{
	static const uint32_t nums[] = {1, 2, 8, 256};

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++)
		for (size_t k = 0; k < ARRAY_SIZE(nums); k++)
			wrap_run(nums[k], orders[o]);
}

/* The ring can be kept full across the wrap: num outstanding at every step. */
static void test_index_wrap_full_ring(void)
{
	struct ring_pair rp;
	uint32_t num = 8, next_tok = 0, expect_tok = 0, bad = 0;

	REQUIRE(ring_pair_init(&rp, num, 16, 0, AMP_BIG_ENDIAN, 1, 64) == 0);
	for (uint32_t i = 0; i < num; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(next_tok++)) == 0);
	amp_vring_drv_publish(&rp.drv);
	for (uint32_t step = 0; step < 70000; step++) {
		void *t = NULL;

		REQUIRE(dev_complete_one(&rp, 1, NULL) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
		bad += t != tok(expect_tok++);
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(next_tok++)) == 0);
		amp_vring_drv_publish(&rp.drv);
		bad += amp_vring_drv_num_free(&rp.drv) != 0;
		bad += (uint16_t)(raw_avail_idx(&rp) - raw_used_idx(&rp)) != num;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(raw_avail_idx(&rp), (70000 + num) & 0xffff);
	CHECK_EQ(raw_used_idx(&rp), 70000 & 0xffff);
	ring_pair_fini(&rp);
}

static void chain_add(enum amp_byte_order order)
{
	struct amp_vring_elem e[8];
	struct amp_vring_chain c = {.elems = e, .max_elems = 8};
	struct amp_vring_sg sg[5];
	struct ring_pair rp;
	uint16_t i;
	uint32_t len = 0;
	void *t = NULL;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, order, 5, 256) == 0);
	for (uint32_t k = 0; k < 5; k++)
		sg[k] = (struct amp_vring_sg){ring_pair_buf(&rp, k), 16 * (k + 1)};
	/* Occupy descriptor 0 so the chain does not start at 0. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 4, false, tok(0)) == 0);
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 2, 3, tok(1)) == 0);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8 - 1 - 5);
	amp_vring_drv_publish(&rp.drv);

	/* Raw descriptors: follow next from the head the avail ring names. */
	i = rd16(&rp, layout_of(&rp).avail_ring + 2);
	CHECK(i != 0);
	for (uint32_t k = 0; k < 5; k++) {
		struct raw_desc d;

		REQUIRE(i < 8);
		d = rd_desc(&rp, i);
		CHECK_EQ(d.addr, ring_pair_da(&rp, sg[k].va));
		CHECK_EQ(d.len, sg[k].len);
		CHECK_EQ(d.flags, (k >= 2 ? AMP_VRING_DESC_F_WRITE : 0) |
					  (k < 4 ? AMP_VRING_DESC_F_NEXT : 0));
		i = d.next;
	}

	REQUIRE(dev_complete_one(&rp, 0, NULL) == 0);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 5);
	CHECK_EQ(c.readable_len, 16 + 32);
	CHECK_EQ(c.writable_len, 48 + 64 + 80);
	for (uint32_t k = 0; k < 5; k++) {
		CHECK(e[k].va == sg[k].va);
		CHECK_EQ(e[k].da, ring_pair_da(&rp, sg[k].va));
		CHECK_EQ(e[k].len, sg[k].len);
		CHECK_EQ(e[k].writable, k >= 2);
	}
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 48 + 64 + 80) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(0));
	CHECK_EQ(len, 0);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(1));
	CHECK_EQ(len, 48 + 64 + 80);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8);

	/* The freed descriptors can form a full-ring chain: 8 readable. */
	{
		struct amp_vring_sg big[8];

		for (uint32_t k = 0; k < 8; k++)
			big[k] = (struct amp_vring_sg){ring_pair_buf(&rp, k % 5), 1};
		REQUIRE(amp_vring_drv_add(&rp.drv, big, 8, 0, tok(2)) == 0);
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 0);
		amp_vring_drv_publish(&rp.drv);
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK_EQ(c.count, 8);
		CHECK_EQ(c.readable_len, 8);
		CHECK_EQ(c.writable_len, 0);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK(t == tok(2));
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8);
	}
	ring_pair_fini(&rp);
}

static void test_chain_add_le(void)
{
	chain_add(AMP_LITTLE_ENDIAN);
}

static void test_chain_add_be(void)
{
	chain_add(AMP_BIG_ENDIAN);
}

static void test_add_invalid_args(void)
{
	struct amp_vring_sg sg[2];
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 4, 16, F_INDIRECT, AMP_LITTLE_ENDIAN, 2, 64) == 0);
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 8};
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 8};
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, sg[0].va, 8, true, NULL), -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 1, 1, NULL), -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 0, 0, tok(1)), -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_add(&rp.drv, NULL, 1, 0, tok(1)), -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 0, 0, ring_pair_buf(&rp, 1), tok(1)),
		 -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 0, NULL, tok(1)), -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 0, ring_pair_buf(&rp, 1), NULL),
		 -AMP_EINVAL);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 0);
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_add_outside_window(void)
{
	static uint8_t outside[64];
	struct amp_vring_elem e[4];
	struct amp_vring_chain c = {.elems = e, .max_elems = 4};
	struct amp_vring_sg sg[3];
	struct ring_pair rp;
	uint8_t *end;
	void *t;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 3, 64) == 0);
	end = rp.mem + rp.mem_size;
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, outside, 8, true, tok(1)), -AMP_EFAULT);
	/* Straddling the end of the window by one byte. */
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, end - 8, 9, true, tok(1)), -AMP_EFAULT);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, (void *)((uintptr_t)rp.mem - 1), 1, true, tok(1)),
		 -AMP_EFAULT);
	/* The last byte of the window is fine. */
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, end - 8, 8, true, tok(2)), 0);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 3);

	/* A chain whose middle or last element is outside is refused as a whole. */
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 8};
	sg[1] = (struct amp_vring_sg){outside, 8};
	sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 2), 8};
	CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 1, 2, tok(3)), -AMP_EFAULT);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 3);
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 8};
	sg[2] = (struct amp_vring_sg){end - 4, 8};
	CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 1, 2, tok(3)), -AMP_EFAULT);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 3);

	/* Nothing of the refused chains is visible; a good chain afterwards is intact. */
	sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 2), 24};
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 2, tok(4)) == 0);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 0);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 2);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 1);
	CHECK(e[0].va == end - 8);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 3);
	CHECK_EQ(c.readable_len, 8);
	CHECK_EQ(c.writable_len, 32);
	CHECK(e[0].va == ring_pair_buf(&rp, 0));
	CHECK(e[1].va == ring_pair_buf(&rp, 1));
	CHECK(e[2].va == ring_pair_buf(&rp, 2));
	CHECK_EQ(e[2].len, 24);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 32) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
	CHECK(t == tok(4));
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_used_len_exact(void)
{
	static const uint32_t lens[] = {0, 1, 2, 63, 64, 17, 0, 64};
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_BIG_ENDIAN, 1, 64) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		uint32_t len = 0xdeadbeef;
		void *t = NULL;

		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok((uint32_t)i)) == 0);
		amp_vring_drv_publish(&rp.drv);
		REQUIRE(dev_complete_one(&rp, lens[i], NULL) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK_EQ(len, lens[i]);
		CHECK(t == tok((uint32_t)i));
	}
	/* Either output pointer may be NULL. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(50)) == 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(51)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(dev_complete_one(&rp, 5, NULL) == 0);
	REQUIRE(dev_complete_one(&rp, 6, NULL) == 0);
	amp_vring_dev_publish(&rp.dev);
	{
		uint32_t len = 0;
		void *t = NULL;

		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, NULL) == 0);
		CHECK_EQ(len, 5);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
		CHECK(t == tok(51));
	}
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4);
	ring_pair_fini(&rp);
}

/* The driver checks a used len against its own record of the writable bytes: a device that
 * reports more than it was given breaks the ring instead of reaching the caller. */
static void test_used_len_over_writable_breaks_ring(void)
{
	struct ring_pair rp;
	struct amp_vring_layout l;
	uint32_t len = 7;
	void *t = tok(7);

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_BIG_ENDIAN, 1, 64) == 0);
	l = layout_of(&rp);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(1)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(dev_complete_one(&rp, 64, NULL) == 0);
	amp_vring_dev_publish(&rp.dev);
	/* Rewrite used.ring[0].len to 65 (big-endian) behind the device handle's back. */
	rp.mem[l.used_ring + 4] = 0;
	rp.mem[l.used_ring + 5] = 0;
	rp.mem[l.used_ring + 6] = 0;
	rp.mem[l.used_ring + 7] = 65;
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EIO);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_USED_LEN);
	CHECK_EQ(len, 7);
	CHECK(t == tok(7));
	/* Broken for good: every later call fails. */
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EIO);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(2)), -AMP_EIO);
	/* A reset clears it. */
	amp_vring_drv_reset(&rp.drv);
	amp_vring_dev_reset(&rp.dev);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(3)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(dev_complete_one(&rp, 64, NULL) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK_EQ(len, 64);
	CHECK(t == tok(3));
	ring_pair_fini(&rp);
}

/*
 * Two shared windows with unrelated device addresses, back to back in local memory: buffers
 * alternate between them (so any cached translation must be re-checked), and a buffer that
 * straddles the boundary is refused although every byte of it is shared.
 */
static void test_two_windows(void)
{
	struct amp_mem_region regions[2];
	struct amp_region_table two;
	struct amp_vring_elem e[2];
	struct amp_vring_chain c = {.elems = e, .max_elems = 2};
	struct ring_pair rp;
	size_t half;
	uint64_t da[4];

	REQUIRE(ring_pair_init(&rp, 8, 16, F_INDIRECT, AMP_LITTLE_ENDIAN, 4, 256) == 0);
	half = (size_t)(ring_pair_buf(&rp, 2) - rp.mem);
	regions[0] = (struct amp_mem_region){RING_PAIR_DA, rp.mem, half};
	regions[1] = (struct amp_mem_region){0x10000000ull, rp.mem + half, rp.mem_size - half};
	two = (struct amp_region_table){regions, 2};
	rp.drv_cfg.addr = amp_addr_map_regions(&two);
	rp.dev_cfg.addr = amp_addr_map_regions(&two);
	REQUIRE(amp_vring_drv_init(&rp.drv, &rp.drv_cfg) == 0);
	REQUIRE(amp_vring_dev_init(&rp.dev, &rp.dev_cfg) == 0);
	for (uint32_t i = 0; i < 4; i++)
		da[i] = i < 2 ? RING_PAIR_DA + (uint64_t)(ring_pair_buf(&rp, i) - rp.mem)
			      : 0x10000000ull + (uint64_t)(ring_pair_buf(&rp, i) - rp.mem - half);

	for (int round = 0; round < 3; round++) {
		static const uint32_t order[] = {0, 2, 1, 3, 3, 0};

		for (size_t k = 0; k < ARRAY_SIZE(order); k += 2) {
			struct amp_vring_sg sg[2] = {{ring_pair_buf(&rp, order[k]), 16},
						     {ring_pair_buf(&rp, order[k + 1]), 32}};

			REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 1, tok((uint32_t)k)) == 0);
		}
		amp_vring_drv_publish(&rp.drv);
		for (size_t k = 0; k < ARRAY_SIZE(order); k += 2) {
			void *t = NULL;

			REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
			CHECK_EQ(c.count, 2);
			CHECK(e[0].va == ring_pair_buf(&rp, order[k]));
			CHECK_EQ(e[0].da, da[order[k]]);
			CHECK(e[1].va == ring_pair_buf(&rp, order[k + 1]));
			CHECK_EQ(e[1].da, da[order[k + 1]]);
			REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 32) == 0);
			amp_vring_dev_publish(&rp.dev);
			REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
			CHECK(t == tok((uint32_t)k));
		}
	}
	/* Straddling the boundary, before and after the cache holds either window. */
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.mem + half - 4, 8, true, tok(9)), -AMP_EFAULT);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 8, true, tok(10)) == 0);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.mem + half - 4, 8, true, tok(9)), -AMP_EFAULT);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 3), 8, true, tok(11)) == 0);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.mem + half - 4, 8, true, tok(9)), -AMP_EFAULT);
	/* The last bytes of window 0 and the first of window 1 are each fine. */
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.mem + half - 4, 4, true, tok(12)), 0);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.mem + half, 4, true, tok(13)), 0);
	/* An indirect table in window 1 describing buffers in window 0. */
	{
		struct amp_vring_sg sg[2] = {{ring_pair_buf(&rp, 1), 5},
					     {ring_pair_buf(&rp, 0), 6}};

		REQUIRE(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 1, ring_pair_buf(&rp, 2),
						   tok(14)) == 0);
	}
	amp_vring_drv_publish(&rp.drv);
	for (uint32_t k = 10; k <= 14; k++) {
		void *t = NULL;

		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		if (k == 12) {
			CHECK_EQ(e[0].da, RING_PAIR_DA + half - 4);
		} else if (k == 13) {
			CHECK_EQ(e[0].da, 0x10000000ull);
		} else if (k == 14) {
			CHECK_EQ(c.count, 2);
			CHECK_EQ(e[0].da, da[1]);
			CHECK_EQ(e[1].da, da[0]);
			CHECK(e[1].va == ring_pair_buf(&rp, 0));
		}
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
		CHECK(t == tok(k));
	}
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_out_of_order_completion(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;
	uint16_t heads[8];
	uint32_t seen_mask = 0;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 8, 64) == 0);
	for (int round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < 8; i++)
			REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64, true,
						      tok(100 * (uint32_t)round + i)) == 0);
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 0);
		amp_vring_drv_publish(&rp.drv);
		seen_mask = 0;
		for (uint32_t i = 0; i < 8; i++) {
			REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
			CHECK(e.va == ring_pair_buf(&rp, i));
			heads[i] = c.head;
			seen_mask |= 1u << c.head;
		}
		/* Every descriptor is in use exactly once. */
		CHECK_EQ(seen_mask, 0xff);
		/* Return in reverse order with distinct lengths. */
		for (int i = 7; i >= 0; i--)
			REQUIRE(amp_vring_dev_add_used(&rp.dev, heads[i], 40 + (uint32_t)i) == 0);
		amp_vring_dev_publish(&rp.dev);
		for (int i = 7; i >= 0; i--) {
			uint32_t len = 0;
			void *t = NULL;

			REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
			CHECK(t == tok(100 * (uint32_t)round + (uint32_t)i));
			CHECK_EQ(len, 40 + (uint32_t)i);
		}
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8);
	}
	/* Interleaved: return the odd ones, collect, then the even ones. */
	for (uint32_t i = 0; i < 8; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64, true, tok(i)) ==
			0);
	amp_vring_drv_publish(&rp.drv);
	for (uint32_t i = 0; i < 8; i++) {
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		heads[i] = c.head;
	}
	for (uint32_t pass = 0; pass < 2; pass++) {
		for (uint32_t i = 1 - pass; i < 8; i += 2)
			REQUIRE(amp_vring_dev_add_used(&rp.dev, heads[i], i) == 0);
		amp_vring_dev_publish(&rp.dev);
		for (uint32_t i = 1 - pass; i < 8; i += 2) {
			uint32_t len = 0;
			void *t = NULL;

			REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
			CHECK(t == tok(i));
			CHECK_EQ(len, i);
		}
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4 + 4 * pass);
		/* Refill the freed slots: the free list must hand out exactly those. */
		if (!pass) {
			for (uint32_t i = 1; i < 8; i += 2)
				REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64,
							      true, tok(200 + i)) == 0);
			CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 0);
			CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(300)),
				 -AMP_ENOSPC);
			amp_vring_drv_publish(&rp.drv);
			for (uint32_t i = 1; i < 8; i += 2) {
				REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
				CHECK(e.va == ring_pair_buf(&rp, i));
				REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 1) == 0);
			}
			amp_vring_dev_publish(&rp.dev);
			for (uint32_t i = 1; i < 8; i += 2) {
				void *t = NULL;

				REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
				CHECK(t == tok(200 + i));
			}
		}
	}
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_detach_unused_then_reset(void)
{
	struct amp_vring_sg sg[3];
	struct ring_pair rp;
	unsigned int count[12] = {0};
	uint16_t heads[5];
	void *t;
	uint32_t n = 0;

	REQUIRE(ring_pair_init(&rp, 32, 16, 0, AMP_LITTLE_ENDIAN, 3, 64) == 0);
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 8};
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 8};
	sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 2), 8};
	/* Tokens 0..9: single buffers and chains, in several states. */
	for (uint32_t i = 0; i < 10; i++) {
		if (i % 3 == 0)
			REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 1 + (i & 1), tok(i)) == 0);
		else
			REQUIRE(amp_vring_drv_add_buf(&rp.drv, sg[0].va, 8, true, tok(i)) == 0);
	}
	/* Chains of 2, 3, 2, 3 descriptors and 6 single ones. */
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 32 - 16);
	amp_vring_drv_publish(&rp.drv);
	/* Device takes 5, returns 2 of them; the driver collects 1 (token 0). */
	for (int i = 0; i < 5; i++) {
		struct amp_vring_chain c = {0};

		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		heads[i] = c.head;
	}
	REQUIRE(amp_vring_dev_add_used(&rp.dev, heads[0], 0) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, heads[3], 0) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
	CHECK(t == tok(0));
	/* One more added but never published. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, sg[0].va, 8, true, tok(10)) == 0);

	/* Teardown: every outstanding token comes back exactly once (1..10). */
	while ((t = amp_vring_drv_detach_unused(&rp.drv)) != NULL) {
		uintptr_t v = (uintptr_t)t - (uintptr_t)tok(0);

		REQUIRE(v < ARRAY_SIZE(count));
		count[v]++;
		n++;
		REQUIRE(n <= 20);
	}
	CHECK_EQ(n, 10);
	CHECK_EQ(count[0], 0);
	for (uint32_t i = 1; i <= 10; i++)
		CHECK_EQ(count[i], 1);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 32);
	CHECK(amp_vring_drv_detach_unused(&rp.drv) == NULL);

	/* Reset both sides: the ring is zero again and traffic restarts at index 0. */
	memset(rp.mem, 0x5a, rp.ring_size);
	amp_vring_drv_reset(&rp.drv);
	amp_vring_dev_reset(&rp.dev);
	{
		size_t zero = 0;

		for (size_t i = 0; i < rp.ring_size; i++)
			zero += rp.mem[i] == 0;
		CHECK_EQ(zero, rp.ring_size);
		CHECK_EQ(rp.mem[rp.ring_size], 0xa5);
	}
	CHECK(amp_vring_drv_detach_unused(&rp.drv) == NULL);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 32);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, sg[1].va, 8, true, tok(42)) == 0);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 1);
	REQUIRE(dev_complete_one(&rp, 3, NULL) == 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 1);
	{
		uint32_t len = 0;

		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK(t == tok(42));
		CHECK_EQ(len, 3);
	}
	ring_pair_fini(&rp);
}

/* drv_reset forgets outstanding buffers: nothing is left to detach, all slots are free. */
static void test_reset_forgets_outstanding(void)
{
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_BIG_ENDIAN, 1, 64) == 0);
	for (uint32_t i = 0; i < 5; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(i)) == 0);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 5);
	amp_vring_drv_reset(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 0);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8);
	CHECK(amp_vring_drv_detach_unused(&rp.drv) == NULL);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), -AMP_EAGAIN);
	for (uint32_t i = 0; i < 8; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(i)) == 0);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(9)), -AMP_ENOSPC);
	ring_pair_fini(&rp);
}

static void test_indirect_needs_feature(void)
{
	struct amp_vring_sg sg[2];
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 3, 64) == 0);
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 8};
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 8};
	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 1, ring_pair_buf(&rp, 2), tok(1)),
		 -AMP_ENOTSUP);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4);
	amp_vring_drv_publish(&rp.drv);
	CHECK_EQ(raw_avail_idx(&rp), 0);
	ring_pair_fini(&rp);
}

static void indirect_add(enum amp_byte_order order)
{
	struct amp_vring_elem e[8];
	struct amp_vring_chain c = {.elems = e, .max_elems = 8};
	struct amp_vring_sg sg[6];
	struct ring_pair rp;
	struct raw_desc d;
	uint8_t *table;
	uint16_t head;
	uint32_t len = 0;
	void *t = NULL;

	/* num 2: a table of 6 entries is longer than the ring. */
	REQUIRE(ring_pair_init(&rp, 2, 16, F_INDIRECT, order, 8, 128) == 0);
	table = ring_pair_buf(&rp, 7);
	REQUIRE(((uintptr_t)table & 15) == 0);
	for (uint32_t k = 0; k < 6; k++)
		sg[k] = (struct amp_vring_sg){ring_pair_buf(&rp, k), 10 * (k + 1)};

	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 2, 4, table + 8, tok(1)), -AMP_EINVAL);
	{
		static uint8_t outside_table[16 * 6] __attribute__((aligned(16)));

		CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 2, 4, outside_table, tok(1)),
			 -AMP_EFAULT);
	}
	/* A table that would straddle the end of the window. */
	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 2, 4, rp.mem + rp.mem_size - 16 * 5,
					    tok(1)),
		 -AMP_EFAULT);
	{
		struct amp_vring_sg bad[2] = {{sg[0].va, 8}, {(uint8_t *)rp.mem + rp.mem_size, 1}};

		CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, bad, 1, 1, table, tok(1)),
			 -AMP_EFAULT);
	}
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 2);

	REQUIRE(amp_vring_drv_add_indirect(&rp.drv, sg, 2, 4, table, tok(1)) == 0);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 1);
	amp_vring_drv_publish(&rp.drv);
	head = rd16(&rp, layout_of(&rp).avail_ring);
	REQUIRE(head < 2);
	d = rd_desc(&rp, head);
	CHECK_EQ(d.addr, ring_pair_da(&rp, table));
	CHECK_EQ(d.len, 16 * 6);
	CHECK_EQ(d.flags, AMP_VRING_DESC_F_INDIRECT);
	for (uint32_t k = 0; k < 6; k++) {
		d = rd_desc_at(&rp, table + 16 * k);
		CHECK_EQ(d.addr, ring_pair_da(&rp, sg[k].va));
		CHECK_EQ(d.len, sg[k].len);
		CHECK_EQ(d.flags, (k >= 2 ? AMP_VRING_DESC_F_WRITE : 0) |
					  (k < 5 ? AMP_VRING_DESC_F_NEXT : 0));
		if (k < 5)
			CHECK_EQ(d.next, k + 1);
	}

	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.head, head);
	CHECK_EQ(c.count, 6);
	CHECK_EQ(c.readable_len, 10 + 20);
	CHECK_EQ(c.writable_len, 30 + 40 + 50 + 60);
	for (uint32_t k = 0; k < 6; k++) {
		CHECK(e[k].va == sg[k].va);
		CHECK_EQ(e[k].len, sg[k].len);
		CHECK_EQ(e[k].writable, k >= 2);
	}
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 181), -AMP_EINVAL);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 180) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(1));
	CHECK_EQ(len, 180);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 2);

	/* Indirect and direct buffers mix; both slots can hold indirect chains. */
	REQUIRE(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 0, table, tok(2)) == 0);
	REQUIRE(amp_vring_drv_add_indirect(&rp.drv, sg + 2, 0, 1, ring_pair_buf(&rp, 6), tok(3)) ==
		0);
	CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 0, table, tok(4)), -AMP_ENOSPC);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 1);
	CHECK_EQ(c.readable_len, 10);
	CHECK(!e[0].writable);
	head = c.head;
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 1);
	CHECK_EQ(c.writable_len, 30);
	CHECK(e[0].writable);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 30) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, head, 0) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(3));
	CHECK_EQ(len, 30);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(2));
	CHECK_EQ(len, 0);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_indirect_le(void)
{
	indirect_add(AMP_LITTLE_ENDIAN);
}

static void test_indirect_be(void)
{
	indirect_add(AMP_BIG_ENDIAN);
}

/*
 * A buffer the device holds while 65536 others go round must still be accepted when it comes
 * back, even when a newer buffer queued but not yet published sits at its ring position modulo
 * 65536: only heads actually queued since the last publication are "unpublished".
 */
static void test_held_buffer_across_index_wrap(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;
	uint16_t held;
	uint32_t len;
	void *tok;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 4, 64) == 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, &rp) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	held = c.head;
	/* Positions 1..65535 cycle through another buffer. */
	for (uint32_t i = 1; i < 65536; i++) {
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 1), 64, false,
					      ring_pair_buf(&rp, 1)) == 0);
		amp_vring_drv_publish(&rp.drv);
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &tok) == 0);
	}
	/* Position 65536 (= 0 mod 65536) is queued, not published. */
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 2), 64, false,
				      ring_pair_buf(&rp, 2)) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, held, 5) == 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &tok), 0);
	CHECK(tok == &rp);
	CHECK_EQ(len, 5);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

/*
 * Handing back an outstanding buffer tears the ring down: it may still be in the ring, so until
 * reset everything but further detaching fails, and the fault says why.
 */
static void test_detach_tears_down_until_reset(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;
	uint32_t len;
	void *t;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 4, 64) == 0);
	CHECK(amp_vring_drv_detach_unused(&rp.drv) == NULL); /* nothing outstanding: no teardown */
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 0), 64, true, tok(1)) == 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 1), 64, true, tok(2)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);

	t = amp_vring_drv_detach_unused(&rp.drv);
	CHECK(t == tok(1) || t == tok(2));
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_TORN_DOWN);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 2), 64, true, tok(3)), -AMP_EIO);
	/* The device still returns the buffer it took: the driver no longer accepts it. */
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EIO);
	CHECK(!amp_vring_drv_kick(&rp.drv));
	CHECK(amp_vring_drv_detach_unused(&rp.drv) != NULL);
	CHECK(amp_vring_drv_detach_unused(&rp.drv) == NULL);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4);

	amp_vring_drv_reset(&rp.drv);
	amp_vring_dev_reset(&rp.dev);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 2), 64, true, tok(3)), 0);
	ring_pair_fini(&rp);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_held_buffer_across_index_wrap),
		TEST(test_detach_tears_down_until_reset),
		TEST(test_round_trip_le),
		TEST(test_round_trip_be),
		TEST(test_big_endian_raw_bytes),
		TEST(test_invisible_until_publish),
		TEST(test_batched_publish),
		TEST(test_full_ring),
		TEST(test_empty_ring),
		TEST(test_index_wrap),
		TEST(test_index_wrap_full_ring),
		TEST(test_chain_add_le),
		TEST(test_chain_add_be),
		TEST(test_add_invalid_args),
		TEST(test_add_outside_window),
		TEST(test_used_len_exact),
		TEST(test_used_len_over_writable_breaks_ring),
		TEST(test_two_windows),
		TEST(test_out_of_order_completion),
		TEST(test_detach_unused_then_reset),
		TEST(test_reset_forgets_outstanding),
		TEST(test_indirect_needs_feature),
		TEST(test_indirect_le),
		TEST(test_indirect_be),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
