// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the device role of the split ring, driven through a ring_pair: taking chains
 * (elements, lengths, max_elems), returning them (len checks, heads not held), indirect tables,
 * batching, out-of-order return across the index wrap, reset, and the raw used-ring bytes in
 * both byte orders.
 */
#include <stdint.h>

#include "amp/error.h"
#include "amp/vring.h"
#include "ring_pair.h"
#include "testing.h"

#define F_INDIRECT AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)

static uint64_t get_raw(const uint8_t *p, unsigned int size, enum amp_byte_order o)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p[o == AMP_BIG_ENDIAN ? size - 1 - i : i] << (8 * i);
	return v;
}

static struct amp_vring_layout layout_of(const struct ring_pair *rp)
{
	struct amp_vring_layout l;

	memset(&l, 0, sizeof(l));
	amp_vring_layout(rp->num, rp->align, &l);
	return l;
}

static uint16_t raw_used_idx(const struct ring_pair *rp)
{
	return (uint16_t)get_raw(rp->mem + layout_of(rp).used + 2, 2, rp->dev_cfg.io.order);
}

/* Used element at ring slot @slot: id and len in CPU order. */
static void raw_used_elem(const struct ring_pair *rp, uint32_t slot, uint32_t *id, uint32_t *len)
{
	const uint8_t *p = rp->mem + layout_of(rp).used_ring + 8 * (size_t)slot;

	*id = (uint32_t)get_raw(p, 4, rp->dev_cfg.io.order);
	*len = (uint32_t)get_raw(p + 4, 4, rp->dev_cfg.io.order);
}

static void *tok(uint32_t i)
{
	return (void *)(uintptr_t)(0x20000u + i);
}

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

/* ---------------------------------------------------------------- tests */

static void test_empty(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	c.head = 0x5555;
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	CHECK(!amp_vring_dev_has_avail(&rp.dev));
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	/* Nothing taken: no head can be returned. */
	for (uint16_t h = 0; h < 8; h++)
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, h, 0), -AMP_EINVAL);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 0);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void chain_elements(enum amp_byte_order order)
{
	struct amp_vring_elem e[6];
	struct amp_vring_chain c = {.elems = e, .max_elems = 6};
	struct amp_vring_sg sg[4];
	struct ring_pair rp;
	uint32_t len = 0, id = 0, ulen = 0;
	void *t = NULL;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, order, 4, 256) == 0);
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 3), 16};
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 0) + 7, 32};
	sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 2), 64};
	sg[3] = (struct amp_vring_sg){ring_pair_buf(&rp, 1) + 128, 128};
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 2, 2, tok(1)) == 0);
	amp_vring_drv_publish(&rp.drv);

	memset(e, 0, sizeof(e));
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK(c.head < 8);
	CHECK_EQ(c.count, 4);
	CHECK_EQ(c.readable_len, 48);
	CHECK_EQ(c.writable_len, 192);
	for (int k = 0; k < 4; k++) {
		CHECK(e[k].va == sg[k].va);
		CHECK_EQ(e[k].da, ring_pair_da(&rp, sg[k].va));
		CHECK_EQ(e[k].len, sg[k].len);
		CHECK_EQ(e[k].writable, k >= 2);
	}
	/* Unused element slots are left alone. */
	CHECK(e[4].va == NULL);
	CHECK_EQ(e[4].len, 0);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 1);
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);

	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 100) == 0);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 1);
	raw_used_elem(&rp, 0, &id, &ulen);
	CHECK_EQ(id, c.head);
	CHECK_EQ(ulen, 100);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK_EQ(len, 100);
	CHECK(t == tok(1));
	ring_pair_fini(&rp);
}

static void test_chain_elements(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++)
		chain_elements(orders[o]);
}

static void test_chain_longer_than_max_elems(void)
{
	struct amp_vring_elem e[4];
	struct amp_vring_chain c = {.elems = e, .max_elems = 2};
	struct amp_vring_sg sg[6];
	struct ring_pair rp;
	void *t = NULL;

	REQUIRE(ring_pair_init(&rp, 16, 16, 0, AMP_BIG_ENDIAN, 6, 64) == 0);
	for (uint32_t k = 0; k < 6; k++)
		sg[k] = (struct amp_vring_sg){ring_pair_buf(&rp, k), k + 1};
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 3, 3, tok(1)) == 0);
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 2, tok(2)) == 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, sg[5].va, 6, true, tok(3)) == 0);
	amp_vring_drv_publish(&rp.drv);

	memset(e, 0xee, sizeof(e));
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 6);
	CHECK_EQ(c.readable_len, 1 + 2 + 3);
	CHECK_EQ(c.writable_len, 4 + 5 + 6);
	CHECK(e[0].va == sg[0].va);
	CHECK(e[1].va == sg[1].va);
	CHECK_EQ(e[1].len, 2);
	/* Only max_elems entries are written. */
	CHECK_EQ(e[2].len, 0xeeeeeeee);
	CHECK_EQ(e[3].len, 0xeeeeeeee);
	/* The whole chain is held: returning with the full writable length works. */
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 16), -AMP_EINVAL);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 15) == 0);

	/* max_elems 0 with no array: only the totals. */
	c = (struct amp_vring_chain){0};
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 3);
	CHECK_EQ(c.readable_len, 1);
	CHECK_EQ(c.writable_len, 5);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 5) == 0);

	/* max_elems without an array is refused and consumes nothing. */
	c = (struct amp_vring_chain){.elems = NULL, .max_elems = 1};
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, NULL), -AMP_EINVAL);
	c = (struct amp_vring_chain){.elems = e, .max_elems = 1};
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 1);
	CHECK(e[0].va == sg[5].va);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 6) == 0);
	amp_vring_dev_publish(&rp.dev);

	for (uint32_t i = 1; i <= 3; i++) {
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, &t) == 0);
		CHECK(t == tok(i));
	}
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 16);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_add_used_errors(void)
{
	struct amp_vring_elem e[3];
	struct amp_vring_chain c = {.elems = e, .max_elems = 3};
	struct amp_vring_chain ro = {.elems = e, .max_elems = 3};
	struct amp_vring_sg sg[3];
	struct ring_pair rp;
	uint16_t body = 0;
	uint32_t len = 0;
	void *t = NULL;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 3, 64) == 0);
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 10};
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 20};
	sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 2), 30};
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 2, tok(1)) == 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, sg[0].va, 10, false, tok(2)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &ro) == 0);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 2);
	CHECK_EQ(c.writable_len, 50);
	CHECK_EQ(ro.writable_len, 0);

	/* More than the writable bytes. */
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 51), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 0xffffffffu), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, ro.head, 1), -AMP_EINVAL);
	/* Heads that are not held: out of range, never exposed, or a body descriptor. */
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, 8, 0), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, 0xffff, 0), -AMP_EINVAL);
	for (uint16_t h = 0; h < 8; h++) {
		if (h == c.head || h == ro.head)
			continue;
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, h, 0), -AMP_EINVAL);
		/* The bodies of the chain are held too, but are not heads. */
		body += h < 3;
	}
	CHECK(body >= 1);
	/* None of the refusals wrote anything or broke the ring. */
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 2);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 0);

	/* Exactly the writable bytes is fine; a second return of the same head is not. */
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 50) == 0);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 50), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 0), -AMP_EINVAL);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, ro.head, 0) == 0);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, ro.head, 0), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 2);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(1));
	CHECK_EQ(len, 50);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(2));
	CHECK_EQ(len, 0);
	CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &t), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

/*
 * lenient_used_len on the device (the OpenAMP compatibility setting): a used len up to the whole
 * chain, read-only bytes included, is accepted; beyond that it is still refused.
 */
static void test_add_used_lenient(void)
{
	struct amp_vring_elem e[3];
	struct amp_vring_chain c = {.elems = e, .max_elems = 3};
	struct amp_vring_chain ro = {.elems = e, .max_elems = 3};
	struct amp_vring_sg sg[3];
	struct ring_pair rp;
	uint32_t len = 0;
	void *t = NULL;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 3, 64) == 0);
	rp.drv_cfg.lenient_used_len = true;
	rp.dev_cfg.lenient_used_len = true;
	REQUIRE(amp_vring_drv_init(&rp.drv, &rp.drv_cfg) == 0);
	REQUIRE(amp_vring_dev_init(&rp.dev, &rp.dev_cfg) == 0);
	sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 0), 10};
	sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 1), 20};
	sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 2), 30};
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 2, tok(1)) == 0);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, sg[0].va, 10, false, tok(2)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &ro) == 0);
	/* The chain reports what it is; only the bound on used len changes. */
	CHECK_EQ(c.writable_len, 50);
	CHECK_EQ(ro.writable_len, 0);
	CHECK_EQ(ro.readable_len, 10);

	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 61), -AMP_EINVAL);
	CHECK_EQ(amp_vring_dev_add_used(&rp.dev, ro.head, 11), -AMP_EINVAL);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 60) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, ro.head, 10) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(1));
	CHECK_EQ(len, 60);
	REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
	CHECK(t == tok(2));
	CHECK_EQ(len, 10);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

static void test_batched_publish(void)
{
	struct amp_vring_chain c = {0};
	struct ring_pair rp;
	uint16_t heads[4];

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_BIG_ENDIAN, 1, 64) == 0);
	for (uint32_t i = 0; i < 4; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(i)) == 0);
	amp_vring_drv_publish(&rp.drv);
	for (uint32_t i = 0; i < 4; i++) {
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		heads[i] = c.head;
	}
	for (uint32_t i = 0; i < 4; i++) {
		REQUIRE(amp_vring_dev_add_used(&rp.dev, heads[i], 4 * i) == 0);
		/* Not visible before publish. */
		CHECK_EQ(raw_used_idx(&rp), 0);
		CHECK(!amp_vring_drv_has_used(&rp.drv));
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), -AMP_EAGAIN);
	}
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 4);
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t id = 0, ulen = 0, len = 0;
		void *t = NULL;

		raw_used_elem(&rp, i, &id, &ulen);
		CHECK_EQ(id, heads[i]);
		CHECK_EQ(ulen, 4 * i);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK_EQ(len, 4 * i);
		CHECK(t == tok(i));
	}
	/* Publishing again with nothing new leaves used.idx alone. */
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 4);
	ring_pair_fini(&rp);
}

/* Big-endian used element bytes, checked byte by byte. */
static void test_big_endian_used_bytes(void)
{
	struct amp_vring_chain c = {0};
	struct ring_pair rp;
	const uint8_t *u;
	uint16_t head;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_BIG_ENDIAN, 1, 0x400) == 0);
	u = rp.mem + layout_of(&rp).used;
	/* Take three so that the one returned has head 2 (a fresh free list is 0, 1, 2...). */
	for (uint32_t i = 0; i < 3; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 0x400, true, tok(i)) == 0);
	amp_vring_drv_publish(&rp.drv);
	for (uint32_t i = 0; i < 3; i++)
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	head = c.head;
	REQUIRE(head == 2);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, head, 0x0304) == 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(u[0], 0);
	CHECK_EQ(u[1], 0);
	CHECK_EQ(u[2], 0x00);
	CHECK_EQ(u[3], 0x01);
	/* Element 0: id = 2, len = 0x304, both u32 big-endian. */
	CHECK_EQ(u[4], 0);
	CHECK_EQ(u[5], 0);
	CHECK_EQ(u[6], 0);
	CHECK_EQ(u[7], 2);
	CHECK_EQ(u[8], 0);
	CHECK_EQ(u[9], 0);
	CHECK_EQ(u[10], 0x03);
	CHECK_EQ(u[11], 0x04);
	{
		uint32_t len = 0;
		void *t = NULL;

		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK_EQ(len, 0x304);
		CHECK(t == tok(2));
	}
	ring_pair_fini(&rp);
}

/* Indirect tables as the device sees them, including the interaction with max_elems. */
static void test_indirect_chain(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_elem e[3];
		struct amp_vring_chain c = {.elems = e, .max_elems = 3};
		struct amp_vring_sg sg[5];
		struct ring_pair rp;
		uint8_t *table;
		uint32_t len = 0;
		void *t = NULL;

		REQUIRE(ring_pair_init(&rp, 4, 16, F_INDIRECT, orders[o], 6, 128) == 0);
		table = ring_pair_buf(&rp, 5) + 16;
		for (uint32_t k = 0; k < 5; k++)
			sg[k] = (struct amp_vring_sg){ring_pair_buf(&rp, k), 100 + k};
		REQUIRE(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 4, table, tok(1)) == 0);
		/* A direct chain right behind it. */
		REQUIRE(amp_vring_drv_add(&rp.drv, sg, 2, 1, tok(2)) == 0);
		amp_vring_drv_publish(&rp.drv);

		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK_EQ(c.count, 5);
		CHECK_EQ(c.readable_len, 100);
		CHECK_EQ(c.writable_len, 101 + 102 + 103 + 104);
		for (uint32_t k = 0; k < 3; k++) {
			CHECK(e[k].va == sg[k].va);
			CHECK_EQ(e[k].da, ring_pair_da(&rp, sg[k].va));
			CHECK_EQ(e[k].len, 100 + k);
			CHECK_EQ(e[k].writable, k >= 1);
		}
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 411), -AMP_EINVAL);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 410) == 0);

		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK_EQ(c.count, 3);
		CHECK_EQ(c.readable_len, 201);
		CHECK_EQ(c.writable_len, 102);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 1) == 0);
		amp_vring_dev_publish(&rp.dev);

		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK(t == tok(1));
		CHECK_EQ(len, 410);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK(t == tok(2));
		CHECK_EQ(len, 1);
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 4);
		CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
		ring_pair_fini(&rp);
	}
}

/*
 * The device holds the whole ring and returns it in reverse order, over and over, across the
 * 65535 -> 0 wrap of both indices.
 */
static void test_out_of_order_across_wrap(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_chain c = {0};
		struct ring_pair rp;
		uint16_t heads[8];
		uint32_t sent = 0, bad = 0;

		REQUIRE(ring_pair_init(&rp, 8, 16, 0, orders[o], 8, 16) == 0);
		while (sent < 70000) {
			for (uint32_t i = 0; i < 8; i++)
				REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 16,
							      true, tok(sent + i)) == 0);
			amp_vring_drv_publish(&rp.drv);
			for (uint32_t i = 0; i < 8; i++) {
				REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
				heads[i] = c.head;
			}
			bad += amp_vring_dev_num_held(&rp.dev) != 8;
			bad += amp_vring_dev_get_avail(&rp.dev, &c) != -AMP_EAGAIN;
			for (int i = 7; i >= 0; i--)
				REQUIRE(amp_vring_dev_add_used(&rp.dev, heads[i], (uint32_t)i) ==
					0);
			amp_vring_dev_publish(&rp.dev);
			bad += raw_used_idx(&rp) != (uint16_t)(sent + 8);
			for (int i = 7; i >= 0; i--) {
				uint32_t len = 0;
				void *t = NULL;

				REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
				bad += t != tok(sent + (uint32_t)i);
				bad += len != (uint32_t)i;
			}
			sent += 8;
		}
		CHECK_EQ(bad, 0);
		CHECK_EQ(raw_used_idx(&rp), sent & 0xffff);
		CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
		CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
		ring_pair_fini(&rp);
	}
}

/* dev_reset: local state only, and consumption restarts at available index 0. */
static void test_reset_restarts_at_zero(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;
	uint8_t *snap;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 8, 64) == 0);
	snap = malloc(rp.mem_size);
	REQUIRE(snap);
	/* Some traffic: 5 round trips, then 2 more taken and held. */
	for (uint32_t i = 0; i < 7; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64, true, tok(i)) ==
			0);
	amp_vring_drv_publish(&rp.drv);
	for (uint32_t i = 0; i < 7; i++) {
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		if (i < 5)
			REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 1) == 0);
	}
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 2);
	CHECK_EQ(raw_used_idx(&rp), 5);

	/* The device reset writes nothing to shared memory. */
	memcpy(snap, rp.mem, rp.mem_size);
	amp_vring_dev_reset(&rp.dev);
	CHECK_EQ(memcmp(snap, rp.mem, rp.mem_size), 0);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	/* Nothing is held any more. */
	for (uint16_t h = 0; h < 8; h++)
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, h, 0), -AMP_EINVAL);

	/* The driver resets too (zeroing the ring) and starts again. */
	amp_vring_drv_reset(&rp.drv);
	REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, 7), 64, true, tok(70)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK(e.va == ring_pair_buf(&rp, 7));
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 9) == 0);
	amp_vring_dev_publish(&rp.dev);
	CHECK_EQ(raw_used_idx(&rp), 1);
	{
		uint32_t id = 0, ulen = 0, len = 0;
		void *t = NULL;

		raw_used_elem(&rp, 0, &id, &ulen);
		CHECK_EQ(id, c.head);
		CHECK_EQ(ulen, 9);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, &t) == 0);
		CHECK(t == tok(70));
		CHECK_EQ(len, 9);
	}
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	free(snap);
	ring_pair_fini(&rp);
}

/* A freshly reset device re-reads the available ring from entry 0 even if the ring was not
 * zeroed: what is there (up to num entries) is taken again from the start. */
static void test_reset_rereads_from_entry_zero(void)
{
	struct amp_vring_elem e;
	struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 4, 64) == 0);
	for (uint32_t i = 0; i < 3; i++)
		REQUIRE(amp_vring_drv_add_buf(&rp.drv, ring_pair_buf(&rp, i), 64, true, tok(i)) ==
			0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK(e.va == ring_pair_buf(&rp, 1));
	amp_vring_dev_reset(&rp.dev);
	for (uint32_t i = 0; i < 3; i++) {
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK(e.va == ring_pair_buf(&rp, i));
	}
	CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 3);
	ring_pair_fini(&rp);
}

/* Buffers at the edges of the shared window are translated back to the right pointers. */
static void test_window_edges(void)
{
	struct amp_vring_elem e[2];
	struct amp_vring_chain c = {.elems = e, .max_elems = 2};
	struct amp_vring_sg sg[2];
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_BIG_ENDIAN, 2, 64) == 0);
	sg[0] = (struct amp_vring_sg){rp.mem, 1};                   /* first byte (the ring) */
	sg[1] = (struct amp_vring_sg){rp.mem + rp.mem_size - 5, 5}; /* last five bytes */
	REQUIRE(amp_vring_drv_add(&rp.drv, sg, 1, 1, tok(1)) == 0);
	amp_vring_drv_publish(&rp.drv);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	CHECK_EQ(c.count, 2);
	CHECK(e[0].va == rp.mem);
	CHECK_EQ(e[0].da, RING_PAIR_DA);
	CHECK(e[1].va == rp.mem + rp.mem_size - 5);
	CHECK_EQ(e[1].da, RING_PAIR_DA + rp.mem_size - 5);
	CHECK_EQ(e[1].len, 5);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	ring_pair_fini(&rp);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_empty),
		TEST(test_chain_elements),
		TEST(test_chain_longer_than_max_elems),
		TEST(test_add_used_errors),
		TEST(test_add_used_lenient),
		TEST(test_batched_publish),
		TEST(test_big_endian_used_bytes),
		TEST(test_indirect_chain),
		TEST(test_out_of_order_across_wrap),
		TEST(test_reset_restarts_at_zero),
		TEST(test_reset_rereads_from_entry_zero),
		TEST(test_window_edges),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
