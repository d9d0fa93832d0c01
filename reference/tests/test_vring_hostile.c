// SPDX-License-Identifier: BSD-3-Clause
/*
 * Hostile-peer tests of the split ring.
 *
 * The peer is not trusted: these tests write garbage straight into the raw ring memory (offsets
 * from amp_vring_layout(), fields in the ring's byte order) and check that each violation
 *
 * - makes the call that sees it return -AMP_EIO,
 * - marks the ring broken with exactly the expected amp_vring_fault(),
 * - makes every later call fail too (-AMP_EIO, no kick, no notification, no ring write), and
 * - never makes the library read or write outside the ring or the shared window: the ring, the
 *   window and the slot arrays are heap blocks of exactly the size the library may touch, so
 *   AddressSanitizer reports any stray access.
 *
 * Against the driver the hostile side writes the used ring; against the device it writes the
 * descriptor table, the available ring and indirect tables. Most cases run on a little- and a
 * big-endian ring. Two random-garbage stress tests finish the file.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/vring.h"
#include "testing.h"

/* ---------------------------------------------------------------- fixture */

#define NUM      8u            /* queue size of most cases */
#define ALIGN    16u           /* used-ring alignment */
#define WIN_DA   0x40000000ull /* device address of the shared window */
#define WIN_SIZE 4096u         /* the window: buffers and indirect tables, not the ring */
#define TBL_OFF  256u          /* indirect tables of the table-driven cases */
#define BUF_OFF  1024u         /* buffers of the table-driven cases */

#define F_INDIRECT  AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX)

#define D_NEXT  AMP_VRING_DESC_F_NEXT
#define D_WRITE AMP_VRING_DESC_F_WRITE
#define D_IND   AMP_VRING_DESC_F_INDIRECT

#define TOK(i) ((void *)(uintptr_t)(0x1000u + (unsigned int)(i)))

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

/*
 * One ring with a driver and a device handle. The driver's view is used against a hostile
 * device (the test writes the used ring), the device's against a hostile driver (the test writes
 * descriptors and the available ring); the other handle serves the recovery tests.
 */
struct hf {
	uint32_t num;
	enum amp_byte_order order;
	struct amp_vring_layout l;
	uint8_t *ring; /* exactly l.size bytes */
	uint8_t *win;  /* exactly WIN_SIZE bytes at WIN_DA */
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_vring_slot *drv_slots; /* exactly num each */
	struct amp_vring_slot *dev_slots;
	struct amp_vring_config drv_cfg;
	struct amp_vring_config dev_cfg;
	struct amp_vring drv;
	struct amp_vring dev;
	unsigned int drv_kicks;
	unsigned int dev_kicks;
	uint16_t aidx; /* next available index the hostile driver writes */
	uint16_t uidx; /* next used index the hostile device writes */
};

static void hf_notify_drv(void *ctx, struct amp_vring *vr)
{
	(void)vr;
	((struct hf *)ctx)->drv_kicks++;
}

static void hf_notify_dev(void *ctx, struct amp_vring *vr)
{
	(void)vr;
	((struct hf *)ctx)->dev_kicks++;
}

/* A 16-byte aligned heap block of exactly @size bytes: one byte more is a reported overflow. */
static void *alloc_exact(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 16, size))
		return NULL;
	return p;
}

static void hf_fini(struct hf *h)
{
	free(h->ring);
	free(h->win);
	free(h->drv_slots);
	free(h->dev_slots);
	h->ring = NULL;
	h->win = NULL;
	h->drv_slots = NULL;
	h->dev_slots = NULL;
}

static int hf_init(struct hf *h, uint32_t num, enum amp_byte_order order, uint64_t features)
{
	int err;

	memset(h, 0, sizeof(*h));
	err = amp_vring_layout(num, ALIGN, &h->l);
	if (err)
		return err;
	h->num = num;
	h->order = order;
	h->ring = alloc_exact(h->l.size);
	h->win = alloc_exact(WIN_SIZE);
	h->drv_slots = alloc_exact(AMP_VRING_SLOTS_SIZE(num));
	h->dev_slots = alloc_exact(AMP_VRING_SLOTS_SIZE(num));
	if (!h->ring || !h->win || !h->drv_slots || !h->dev_slots) {
		hf_fini(h);
		return -AMP_ENOMEM;
	}
	memset(h->ring, 0xa5, h->l.size);
	memset(h->win, 0x5a, WIN_SIZE);
	h->region = (struct amp_mem_region){WIN_DA, h->win, WIN_SIZE};
	h->table = (struct amp_region_table){&h->region, 1};
	h->drv_cfg = (struct amp_vring_config){
		.num = num,
		.align = ALIGN,
		.ring = h->ring,
		.io = {.order = order},
		.addr = amp_addr_map_regions(&h->table),
		.features = features,
		.slots = h->drv_slots,
		.notify = hf_notify_drv,
		.notify_ctx = h,
	};
	h->dev_cfg = h->drv_cfg;
	h->dev_cfg.slots = h->dev_slots;
	h->dev_cfg.notify = hf_notify_dev;
	err = amp_vring_drv_init(&h->drv, &h->drv_cfg);
	if (!err)
		err = amp_vring_dev_init(&h->dev, &h->dev_cfg);
	if (err)
		hf_fini(h);
	return err;
}

/* ---------------------------------------------------------------- raw ring access */

static void put_n(uint8_t *p, uint64_t v, unsigned int n, enum amp_byte_order o)
{
	for (unsigned int i = 0; i < n; i++) {
		unsigned int shift = 8 * (o == AMP_BIG_ENDIAN ? n - 1 - i : i);

		p[i] = (uint8_t)(v >> shift);
	}
}

static uint64_t get_n(const uint8_t *p, unsigned int n, enum amp_byte_order o)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int shift = 8 * (o == AMP_BIG_ENDIAN ? n - 1 - i : i);

		v |= (uint64_t)p[i] << shift;
	}
	return v;
}

/* Descriptor @i of the table at @t: addr u64 @0, len u32 @8, flags u16 @12, next u16 @14. */
static void raw_desc(uint8_t *t, enum amp_byte_order o, uint32_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	uint8_t *d = t + 16 * (size_t)i;

	put_n(d, addr, 8, o);
	put_n(d + 8, len, 4, o);
	put_n(d + 12, flags, 2, o);
	put_n(d + 14, next, 2, o);
}

static void hf_desc(struct hf *h, uint32_t i, uint64_t addr, uint32_t len, uint16_t flags,
		    uint16_t next)
{
	raw_desc(h->ring + h->l.desc, h->order, i, addr, len, flags, next);
}

/* Hostile driver: next available ring entry, and avail.idx. */
static void hf_expose(struct hf *h, uint16_t head)
{
	put_n(h->ring + h->l.avail_ring + 2 * (size_t)(h->aidx & (h->num - 1)), head, 2, h->order);
	h->aidx++;
}

static void hf_avail_idx(struct hf *h, uint16_t idx)
{
	put_n(h->ring + h->l.avail + 2, idx, 2, h->order);
}

static void hf_publish_avail(struct hf *h)
{
	hf_avail_idx(h, h->aidx);
}

/* Hostile device: next used element, and used.idx. */
static void hf_used(struct hf *h, uint32_t id, uint32_t len)
{
	uint8_t *e = h->ring + h->l.used_ring + 8 * (size_t)(h->uidx & (h->num - 1));

	put_n(e, id, 4, h->order);
	put_n(e + 4, len, 4, h->order);
	h->uidx++;
}

static void hf_used_idx(struct hf *h, uint16_t idx)
{
	put_n(h->ring + h->l.used + 2, idx, 2, h->order);
}

static void hf_publish_used(struct hf *h)
{
	hf_used_idx(h, h->uidx);
}

/* The head the driver put in available ring entry @k. */
static uint16_t hf_exposed(const struct hf *h, uint32_t k)
{
	return (uint16_t)get_n(h->ring + h->l.avail_ring + 2 * (size_t)(k & (h->num - 1)), 2,
			       h->order);
}

static uint8_t *hf_buf(struct hf *h, uint32_t i)
{
	return h->win + 64 * (size_t)i;
}

/* The driver queues buffer @i of the window as one descriptor, with token TOK(@i). */
static int hf_add_buf(struct hf *h, uint32_t i, uint32_t len, bool writable)
{
	return amp_vring_drv_add_buf(&h->drv, hf_buf(h, i), len, writable, TOK(i));
}

/*
 * Device tests start with one legitimate round trip that is published but not signalled, so
 * that amp_vring_dev_kick_prepare() on a healthy ring would return true: the "no kick once
 * broken" checks can then fail. Uses descriptor num - 1 and available entry 0.
 */
static int hf_dev_prime(struct hf *h)
{
	uint16_t last = (uint16_t)(h->num - 1);
	struct amp_vring_chain c = {0};

	hf_desc(h, last, WIN_DA, 16, 0, 0);
	hf_expose(h, last);
	hf_publish_avail(h);
	if (amp_vring_dev_get_avail(&h->dev, &c) || c.head != last || c.count != 1)
		return -1;
	if (amp_vring_dev_add_used(&h->dev, last, 0))
		return -1;
	amp_vring_dev_publish(&h->dev);
	return 0;
}

/* ---------------------------------------------------------------- broken-state checks */

static void expect_drv_broken(struct hf *h, enum amp_vring_fault fault, int line)
{
	int before = test_failures;
	struct amp_vring_sg sg[2] = {{h->win + 1024, 16}, {h->win + 1040, 16}};
	uint32_t nfree = amp_vring_drv_num_free(&h->drv);
	unsigned int kicks = h->drv_kicks;
	uint32_t len = 0xdeadbeef;
	void *tok = TOK(0xbad);

	CHECK_EQ(amp_vring_fault(&h->drv), fault);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(amp_vring_drv_get_used(&h->drv, &len, &tok), -AMP_EIO);
	CHECK_EQ(len, 0xdeadbeef);
	CHECK(tok == TOK(0xbad));
	CHECK_EQ(amp_vring_drv_add_buf(&h->drv, h->win + 1024, 16, true, TOK(77)), -AMP_EIO);
	CHECK_EQ(amp_vring_drv_add(&h->drv, sg, 1, 1, TOK(78)), -AMP_EIO);
	CHECK_EQ(amp_vring_drv_add_indirect(&h->drv, sg, 1, 1, h->win + 2048, TOK(79)), -AMP_EIO);
	CHECK_EQ(amp_vring_drv_num_free(&h->drv), nfree);
	CHECK(!amp_vring_drv_kick_prepare(&h->drv));
	CHECK(!amp_vring_drv_kick(&h->drv));
	CHECK_EQ(h->drv_kicks, kicks);
	CHECK(amp_vring_drv_has_used(&h->drv));
	CHECK_EQ(amp_vring_fault(&h->drv), fault);
	CHECK(strcmp(amp_vring_fault_name(fault), "unknown") != 0);
	if (test_failures != before)
		fprintf(stderr, "  (driver broken-state check called from line %d)\n", line);
}

static void expect_dev_broken(struct hf *h, enum amp_vring_fault fault, int line)
{
	int before = test_failures;
	struct amp_vring_elem e[2];
	struct amp_vring_chain c = {.elems = e, .max_elems = 2};
	unsigned int kicks = h->dev_kicks;
	uint32_t held = amp_vring_dev_num_held(&h->dev);
	uint8_t *snap = malloc(h->l.size);

	REQUIRE(snap);
	/* Chains returned before the fault may still be published; after that the ring must
	 * not change. */
	amp_vring_dev_publish(&h->dev);
	memcpy(snap, h->ring, h->l.size);
	CHECK_EQ(amp_vring_fault(&h->dev), fault);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(amp_vring_dev_get_avail(&h->dev, &c), -AMP_EIO);
	for (uint32_t i = 0; i < h->num; i++)
		CHECK_EQ(amp_vring_dev_add_used(&h->dev, (uint16_t)i, 0), -AMP_EIO);
	CHECK_EQ(amp_vring_dev_num_held(&h->dev), held);
	CHECK(!amp_vring_dev_kick_prepare(&h->dev));
	CHECK(!amp_vring_dev_kick(&h->dev));
	CHECK_EQ(h->dev_kicks, kicks);
	CHECK(amp_vring_dev_has_avail(&h->dev));
	CHECK_EQ(amp_vring_fault(&h->dev), fault);
	CHECK(strcmp(amp_vring_fault_name(fault), "unknown") != 0);
	/* A broken device stops writing to the ring. */
	CHECK(memcmp(snap, h->ring, h->l.size) == 0);
	free(snap);
	if (test_failures != before)
		fprintf(stderr, "  (device broken-state check called from line %d)\n", line);
}

#define EXPECT_DRV_BROKEN(h, f) expect_drv_broken((h), (f), __LINE__)
#define EXPECT_DEV_BROKEN(h, f) expect_dev_broken((h), (f), __LINE__)

/* ---------------------------------------------------------------- controls */

/* Without a fault the checks above would fail: a published buffer wants a kick. */
static void test_control_healthy_rings_kick(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		amp_vring_drv_publish(&h.drv);
		CHECK(amp_vring_drv_kick_prepare(&h.drv));
		CHECK(!amp_vring_drv_has_used(&h.drv));
		hf_fini(&h);

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		CHECK(!amp_vring_dev_has_avail(&h.dev));
		CHECK(amp_vring_dev_kick(&h.dev));
		CHECK_EQ(h.dev_kicks, 1);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

/* ---------------------------------------------------------------- hostile device */

static void test_drv_used_id_out_of_range(void)
{
	/* 0x10000 would alias head 0 if the id were truncated to 16 bits. */
	static const uint32_t ids[] = {NUM, NUM + 1, 0x10000, 0x7fffffff, 0xffffffff};

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
			uint32_t len;
			void *tok;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
			amp_vring_drv_publish(&h.drv);
			hf_used(&h, ids[k], 0);
			hf_publish_used(&h);
			CHECK(amp_vring_drv_has_used(&h.drv));
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_RANGE);
			hf_fini(&h);
		}
	}
}

/* A little-endian id on a big-endian ring reads as 0x01000000: the ring order is honoured. */
static void test_drv_used_id_wrong_byte_order(void)
{
	uint32_t len;
	void *tok;
	struct hf h;

	REQUIRE(hf_init(&h, NUM, AMP_BIG_ENDIAN, 0) == 0);
	REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
	REQUIRE(hf_add_buf(&h, 1, 64, true) == 0);
	amp_vring_drv_publish(&h.drv);
	put_n(h.ring + h.l.used_ring, 1, 4, AMP_LITTLE_ENDIAN);
	put_n(h.ring + h.l.used_ring + 4, 0, 4, AMP_BIG_ENDIAN);
	hf_used_idx(&h, 1);
	CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
	EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_RANGE);
	hf_fini(&h);
}

static void test_drv_used_id_free_descriptor(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		uint32_t len;
		void *tok;
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		/* Head 0 is outstanding; 3 was never used. */
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 3, 0);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_NOT_HEAD);
		hf_fini(&h);
	}
}

static void test_drv_used_id_chain_body(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_sg sg[3];
		uint32_t len;
		void *tok;
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		sg[0] = (struct amp_vring_sg){hf_buf(&h, 0), 16};
		sg[1] = (struct amp_vring_sg){hf_buf(&h, 1), 32};
		sg[2] = (struct amp_vring_sg){hf_buf(&h, 2), 32};
		/* Descriptors 0, 1, 2 form one chain headed by 0. */
		REQUIRE(amp_vring_drv_add(&h.drv, sg, 1, 2, TOK(0)) == 0);
		amp_vring_drv_publish(&h.drv);
		CHECK_EQ(get_n(h.ring + h.l.avail_ring, 2, h.order), 0);
		hf_used(&h, 1, 0);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_NOT_HEAD);
		hf_fini(&h);

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		sg[0] = (struct amp_vring_sg){hf_buf(&h, 0), 16};
		sg[1] = (struct amp_vring_sg){hf_buf(&h, 1), 32};
		sg[2] = (struct amp_vring_sg){hf_buf(&h, 2), 32};
		REQUIRE(amp_vring_drv_add(&h.drv, sg, 1, 2, TOK(0)) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 2, 0);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_NOT_HEAD);
		hf_fini(&h);
	}
}

static void test_drv_used_id_duplicate(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		REQUIRE(hf_add_buf(&h, 1, 64, true) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 1, 7);
		hf_used(&h, 1, 7);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
		CHECK_EQ(len, 7);
		CHECK(tok == TOK(1));
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_NOT_HEAD);
		hf_fini(&h);
	}
}

/*
 * DEV-001 within one batch: the driver re-offers the head it just collected (and publishes it at
 * once, as a receive path does) before it reaches the second element of the same batch. That
 * element was written before the head was offered again, so it cannot be a new use of it.
 */
static void test_drv_used_id_duplicate_after_repost(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;

		REQUIRE(hf_init(&h, 2, orders[o], 0) == 0);
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		REQUIRE(hf_add_buf(&h, 1, 64, true) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 0, 7);
		hf_used(&h, 0, 7);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
		CHECK(tok == TOK(0));
		/* Head 0 is the only free descriptor: the re-offered buffer is the same head. */
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		amp_vring_drv_publish(&h.drv);
		CHECK_EQ(hf_exposed(&h, 2), 0);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_NOT_HEAD);
		hf_fini(&h);
	}
}

/* The legitimate version: the device returns the re-offered head in a later batch. */
static void test_drv_used_id_reuse_next_batch_ok(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;

		REQUIRE(hf_init(&h, 1, orders[o], 0) == 0);
		for (uint32_t lap = 0; lap < 3; lap++) {
			REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
			amp_vring_drv_publish(&h.drv);
			hf_used(&h, 0, lap);
			hf_publish_used(&h);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
			CHECK_EQ(len, lap);
			CHECK(tok == TOK(0));
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EAGAIN);
		}
		CHECK_EQ(amp_vring_fault(&h.drv), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

/*
 * DEV-001: a used id must be the head of a chain the driver *published*. A head that was added
 * but not yet covered by avail.idx cannot have been seen by a correct device; accepting it hands
 * the token back while the next publish still exposes the (now free, soon reused) descriptor.
 */
static void test_drv_used_id_unpublished_head(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		amp_vring_drv_publish(&h.drv);
		/* Head 1: added, not published. */
		REQUIRE(hf_add_buf(&h, 1, 64, true) == 0);
		hf_used(&h, 1, 0);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		CHECK(tok != TOK(1));
		CHECK_EQ(amp_vring_fault(&h.drv), AMP_VRING_FAULT_USED_ID_NOT_HEAD);
		hf_fini(&h);
	}
}

static void test_drv_used_len_too_long(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_sg sg[3];
		uint32_t len;
		void *tok;
		struct hf h;

		/* Writable buffer of 64 bytes: 65 and 2^32 - 1 are too long. */
		for (int k = 0; k < 2; k++) {
			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
			amp_vring_drv_publish(&h.drv);
			hf_used(&h, 0, k ? 0xffffffffu : 65);
			hf_publish_used(&h);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_LEN);
			hf_fini(&h);
		}

		/* Read-only buffer: any len > 0. */
		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_add_buf(&h, 0, 64, false) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 0, 1);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_LEN);
		hf_fini(&h);

		/* Chain of 16 readable + 2 x 24 writable bytes: 49 is too long, the readable
		 * bytes do not count. */
		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		sg[0] = (struct amp_vring_sg){hf_buf(&h, 0), 16};
		sg[1] = (struct amp_vring_sg){hf_buf(&h, 1), 24};
		sg[2] = (struct amp_vring_sg){hf_buf(&h, 2), 24};
		REQUIRE(amp_vring_drv_add(&h.drv, sg, 1, 2, TOK(0)) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 0, 49);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_LEN);
		hf_fini(&h);

		/* Indirect chain: the writable bytes of the table count. */
		REQUIRE(hf_init(&h, NUM, orders[o], F_INDIRECT) == 0);
		sg[0] = (struct amp_vring_sg){hf_buf(&h, 0), 16};
		sg[1] = (struct amp_vring_sg){hf_buf(&h, 1), 24};
		REQUIRE(amp_vring_drv_add_indirect(&h.drv, sg, 1, 1, hf_buf(&h, 8), TOK(0)) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, 0, 25);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_LEN);
		hf_fini(&h);
	}
}

/* The limits are inclusive: the cases above fail for the right reason. */
static void test_drv_used_len_at_limit_ok(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_sg sg[3];
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
		REQUIRE(hf_add_buf(&h, 1, 64, false) == 0);
		sg[0] = (struct amp_vring_sg){hf_buf(&h, 2), 16};
		sg[1] = (struct amp_vring_sg){hf_buf(&h, 3), 24};
		sg[2] = (struct amp_vring_sg){hf_buf(&h, 4), 24};
		REQUIRE(amp_vring_drv_add(&h.drv, sg, 1, 2, TOK(2)) == 0);
		amp_vring_drv_publish(&h.drv);
		CHECK_EQ(amp_vring_drv_num_free(&h.drv), NUM - 5);
		/* Out of order, as a device may. */
		hf_used(&h, 2, 48);
		hf_used(&h, 1, 0);
		hf_used(&h, 0, 64);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
		CHECK_EQ(len, 48);
		CHECK(tok == TOK(2));
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
		CHECK_EQ(len, 0);
		CHECK(tok == TOK(1));
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
		CHECK_EQ(len, 64);
		CHECK(tok == TOK(0));
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EAGAIN);
		CHECK_EQ(amp_vring_drv_num_free(&h.drv), NUM);
		CHECK_EQ(amp_vring_fault(&h.drv), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

static void test_drv_used_idx_runs_ahead(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		static const uint16_t idxs[] = {3, 4, NUM + 1, 0x8000, 0xffff};

		for (size_t k = 0; k < ARRAY_SIZE(idxs); k++) {
			uint32_t len;
			void *tok;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
			REQUIRE(hf_add_buf(&h, 1, 64, true) == 0);
			amp_vring_drv_publish(&h.drv);
			/* Added, not published: does not count. */
			REQUIRE(hf_add_buf(&h, 2, 64, true) == 0);
			/* Valid elements, too many of them. */
			hf_used(&h, 0, 0);
			hf_used(&h, 1, 0);
			hf_used(&h, 2, 0);
			hf_used_idx(&h, idxs[k]);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_IDX);
			hf_fini(&h);
		}
	}
}

static void test_drv_used_idx_backwards(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		/* k = 0: nothing outstanding after the two returns; k = 1: one outstanding. */
		for (int k = 0; k < 2; k++) {
			uint32_t len;
			void *tok;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			for (int i = 0; i < 2 + k; i++)
				REQUIRE(amp_vring_drv_add_buf(&h.drv, hf_buf(&h, (uint32_t)i), 64,
							      true, TOK(i)) == 0);
			amp_vring_drv_publish(&h.drv);
			hf_used(&h, 0, 1);
			hf_used(&h, 1, 2);
			hf_publish_used(&h);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EAGAIN);
			hf_used_idx(&h, 1);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_IDX);
			hf_fini(&h);
		}
	}
}

static void test_drv_reset_recovers(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_elem e[1];
		struct amp_vring_chain c = {.elems = e, .max_elems = 1};
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;
		bool zero = true;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		for (int i = 0; i < 3; i++)
			REQUIRE(amp_vring_drv_add_buf(&h.drv, hf_buf(&h, (uint32_t)i), 64, true,
						      TOK(i)) == 0);
		amp_vring_drv_publish(&h.drv);
		hf_used(&h, NUM, 0);
		hf_publish_used(&h);
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_RANGE);

		amp_vring_drv_reset(&h.drv);
		CHECK_EQ(amp_vring_fault(&h.drv), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_drv_num_free(&h.drv), NUM);
		for (size_t i = 0; i < h.l.size; i++)
			zero = zero && !h.ring[i];
		CHECK(zero);
		CHECK(!amp_vring_drv_has_used(&h.drv));
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EAGAIN);
		CHECK(amp_vring_drv_detach_unused(&h.drv) == NULL);

		/* A whole round trip with the (reset) device. */
		amp_vring_dev_reset(&h.dev);
		CHECK_EQ(hf_add_buf(&h, 5, 40, true), 0);
		CHECK(amp_vring_drv_kick(&h.drv));
		CHECK_EQ(h.drv_kicks, 1);
		REQUIRE(amp_vring_dev_get_avail(&h.dev, &c) == 0);
		CHECK_EQ(c.count, 1);
		CHECK(e[0].va == hf_buf(&h, 5));
		CHECK_EQ(e[0].da, WIN_DA + 5 * 64);
		CHECK_EQ(e[0].len, 40);
		CHECK(e[0].writable);
		CHECK_EQ(amp_vring_dev_add_used(&h.dev, c.head, 40), 0);
		CHECK(amp_vring_dev_kick(&h.dev));
		CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
		CHECK_EQ(len, 40);
		CHECK(tok == TOK(5));
		CHECK_EQ(amp_vring_drv_num_free(&h.drv), NUM);
		CHECK_EQ(amp_vring_fault(&h.drv), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

/*
 * A fault is sticky: the peer cannot undo it by repairing the offending entry afterwards, even
 * while used entries the driver has not collected yet remain behind used.idx.
 */
static void test_drv_fault_survives_repair(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		static const struct {
			uint32_t id;
			uint32_t len;
			enum amp_vring_fault fault;
		} bad[] = {
			{NUM, 0, AMP_VRING_FAULT_USED_ID_RANGE},
			{5, 0, AMP_VRING_FAULT_USED_ID_NOT_HEAD},
			{0, 65, AMP_VRING_FAULT_USED_LEN},
		};

		for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
			uint32_t len = 0xdeadbeef;
			void *tok = TOK(0xbad);
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_add_buf(&h, 0, 64, true) == 0);
			REQUIRE(hf_add_buf(&h, 1, 64, true) == 0);
			amp_vring_drv_publish(&h.drv);
			hf_used(&h, bad[k].id, bad[k].len);
			hf_used(&h, 1, 0);
			hf_publish_used(&h);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			CHECK_EQ(amp_vring_fault(&h.drv), bad[k].fault);
			/* The device rewrites the element into a valid one. */
			h.uidx = 0;
			hf_used(&h, 0, 0);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
			CHECK_EQ(len, 0xdeadbeef);
			CHECK(tok == TOK(0xbad));
			CHECK_EQ(amp_vring_drv_num_free(&h.drv), NUM - 2);
			EXPECT_DRV_BROKEN(&h, bad[k].fault);
			hf_fini(&h);
		}
	}
}

/* ---------------------------------------------------------------- hostile driver: indices */

static void test_dev_avail_idx_runs_ahead(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		/* After the prime: consumed = published = 1, so at most 1 + NUM is legal. */
		static const uint16_t idxs[] = {1 + NUM + 1, 1 + 2 * NUM, 1 + 0x8000, 0};
		struct amp_vring_chain c = {0};
		struct hf h;

		for (size_t k = 0; k < ARRAY_SIZE(idxs); k++) {
			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_dev_prime(&h) == 0);
			for (uint32_t i = 0; i < NUM; i++) {
				hf_desc(&h, i, WIN_DA, 16, 0, 0);
				hf_expose(&h, (uint16_t)i);
			}
			hf_avail_idx(&h, idxs[k]);
			CHECK(amp_vring_dev_has_avail(&h.dev));
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_AVAIL_IDX);
			hf_fini(&h);
		}

		/* Held chains do not make room: 3 held, published still 1. */
		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		for (uint32_t i = 0; i < 3; i++) {
			hf_desc(&h, i, WIN_DA, 16, 0, 0);
			hf_expose(&h, (uint16_t)i);
		}
		hf_publish_avail(&h);
		for (int i = 0; i < 3; i++)
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
		/* Returned but not published does not make room either. */
		CHECK_EQ(amp_vring_dev_add_used(&h.dev, 0, 0), 0);
		hf_avail_idx(&h, 1 + NUM + 1);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_AVAIL_IDX);
		hf_fini(&h);

		/* Without the prime, from 0. */
		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		hf_avail_idx(&h, NUM + 1);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_AVAIL_IDX);
		hf_fini(&h);
	}
}

/* The control: exactly NUM outstanding is legal, and a returned published chain makes room. */
static void test_dev_avail_idx_full_ring_ok(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_elem e[1];
		struct amp_vring_chain c = {.elems = e, .max_elems = 1};
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		for (uint32_t i = 0; i < NUM; i++) {
			hf_desc(&h, i, WIN_DA + 16 * i, 16, 0, 0);
			hf_expose(&h, (uint16_t)(NUM - 1 - i));
		}
		hf_publish_avail(&h);
		for (uint32_t i = 0; i < NUM; i++) {
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
			CHECK_EQ(c.head, NUM - 1 - i);
			CHECK(e[0].va == h.win + 16 * (NUM - 1 - i));
		}
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EAGAIN);
		CHECK_EQ(amp_vring_dev_num_held(&h.dev), NUM);
		/* Return and publish one: one more may come. */
		CHECK_EQ(amp_vring_dev_add_used(&h.dev, 3, 0), 0);
		amp_vring_dev_publish(&h.dev);
		hf_expose(&h, 3);
		hf_publish_avail(&h);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
		CHECK_EQ(c.head, 3);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

static void test_dev_avail_idx_backwards(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		/* k = 0: two held; k = 1: two returned, not published; k = 2: two published. */
		for (int k = 0; k < 3; k++) {
			struct amp_vring_chain c = {0};
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_dev_prime(&h) == 0);
			hf_desc(&h, 0, WIN_DA, 16, 0, 0);
			hf_desc(&h, 1, WIN_DA, 16, 0, 0);
			hf_expose(&h, 0);
			hf_expose(&h, 1);
			hf_publish_avail(&h);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EAGAIN);
			if (k) {
				CHECK_EQ(amp_vring_dev_add_used(&h.dev, 0, 0), 0);
				CHECK_EQ(amp_vring_dev_add_used(&h.dev, 1, 0), 0);
			}
			if (k == 2)
				amp_vring_dev_publish(&h.dev);
			hf_avail_idx(&h, 2);
			CHECK(amp_vring_dev_has_avail(&h.dev));
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_AVAIL_IDX);
			hf_fini(&h);
		}
	}

	/* From a fresh device: 0xffff is 0 - 1. */
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_chain c = {0};
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_avail_idx(&h, 0);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_AVAIL_IDX);
		hf_fini(&h);
	}
}

/* A little-endian avail.idx of 1 on a big-endian ring reads as 256. */
static void test_dev_avail_idx_wrong_byte_order(void)
{
	struct amp_vring_chain c = {0};
	struct hf h;

	REQUIRE(hf_init(&h, NUM, AMP_BIG_ENDIAN, 0) == 0);
	REQUIRE(hf_dev_prime(&h) == 0);
	hf_desc(&h, 0, WIN_DA, 16, 0, 0);
	hf_expose(&h, 0);
	put_n(h.ring + h.l.avail + 2, 2, 2, AMP_LITTLE_ENDIAN);
	CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
	EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_AVAIL_IDX);
	hf_fini(&h);
}

static void test_dev_head_out_of_range(void)
{
	static const uint16_t heads[] = {NUM, NUM + 1, 0x8000, 0xffff};

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (size_t k = 0; k < ARRAY_SIZE(heads); k++) {
			struct amp_vring_chain c = {0};
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_dev_prime(&h) == 0);
			hf_expose(&h, heads[k]);
			hf_publish_avail(&h);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_HEAD_RANGE);
			hf_fini(&h);
		}
	}
}

/*
 * A fault is sticky: the driver cannot undo it by repairing the descriptor or the ring entry
 * afterwards, even while entries the device has not taken yet remain behind avail.idx.
 */
static void test_dev_fault_survives_repair(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (int k = 0; k < 4; k++) {
			struct amp_vring_chain c = {0};
			enum amp_vring_fault fault;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			REQUIRE(hf_dev_prime(&h) == 0);
			hf_desc(&h, 1, WIN_DA + 16, 16, 0, 0);
			switch (k) {
			case 0: /* buffer outside the window */
				hf_desc(&h, 0, WIN_DA - 16, 16, 0, 0);
				hf_expose(&h, 0);
				fault = AMP_VRING_FAULT_ADDR;
				break;
			case 1: /* head out of range */
				hf_desc(&h, 0, WIN_DA, 16, 0, 0);
				hf_expose(&h, NUM);
				fault = AMP_VRING_FAULT_HEAD_RANGE;
				break;
			case 2: /* head exposed twice */
				hf_desc(&h, 0, WIN_DA, 16, 0, 0);
				hf_expose(&h, 0);
				hf_expose(&h, 0);
				fault = AMP_VRING_FAULT_DESC_REUSED;
				break;
			default: /* readable after writable */
				hf_desc(&h, 0, WIN_DA, 16, D_WRITE | D_NEXT, 1);
				hf_expose(&h, 0);
				fault = AMP_VRING_FAULT_ORDER;
				break;
			}
			hf_expose(&h, 1);
			hf_publish_avail(&h);
			if (k == 2)
				CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			CHECK_EQ(amp_vring_fault(&h.dev), fault);

			/* The driver rewrites the entry and the descriptor into valid ones. */
			hf_desc(&h, 0, WIN_DA, 16, 0, 0);
			hf_desc(&h, 2, WIN_DA, 16, 0, 0);
			h.aidx = (uint16_t)(k == 2 ? 3 : 2) - 1;
			hf_expose(&h, k == 2 ? 2 : 0);
			c.head = 0xffff;
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			CHECK_EQ(c.head, 0xffff);
			CHECK_EQ(amp_vring_dev_num_held(&h.dev), k == 2 ? 1 : 0);
			EXPECT_DEV_BROKEN(&h, fault);
			hf_fini(&h);
		}
	}
}

/* A returned chain may be exposed again: DESC_REUSED is only about held chains. */
static void test_dev_reexpose_returned_head_ok(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_chain c = {0};
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_desc(&h, 0, WIN_DA, 16, D_NEXT, 1);
		hf_desc(&h, 1, WIN_DA + 16, 16, D_WRITE, 0);
		for (int round = 0; round < 3 * (int)NUM; round++) {
			hf_expose(&h, 0);
			hf_publish_avail(&h);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
			CHECK_EQ(c.head, 0);
			CHECK_EQ(c.count, 2);
			CHECK_EQ(amp_vring_dev_add_used(&h.dev, 0, 16), 0);
			if (round & 1)
				amp_vring_dev_publish(&h.dev);
		}
		/* The second descriptor was freed too: it may head a chain of its own. */
		hf_desc(&h, 1, WIN_DA + 16, 16, D_WRITE, 0);
		hf_expose(&h, 1);
		hf_publish_avail(&h);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
		CHECK_EQ(c.head, 1);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

/* ---------------------------------------------------------------- hostile driver: chains */

struct rdesc {
	uint64_t da;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
	bool set; /* written to the ring (descriptors without it keep the prime's contents) */
};

/* clang-format off */
#define DS(da_, len_, flags_, next_) {(da_), (len_), (flags_), (next_), true}

#define B(off) (WIN_DA + BUF_OFF + (off)) /* a buffer in the window */
#define T      (WIN_DA + TBL_OFF)         /* the indirect table in the window */

/*
 * One hostile-driver case: descriptors 0..7 (those with .set), an indirect table at T, the heads
 * exposed after the prime; @good chains are taken successfully, then @fault (NONE: EAGAIN, and
 * the last chain has @count elements of @readable and @writable bytes).
 */
struct dcase {
	const char *name;
	uint64_t features;
	struct rdesc desc[NUM];
	struct rdesc tbl[4];
	uint16_t heads[3];
	unsigned int nheads;
	unsigned int good;
	enum amp_vring_fault fault;
	uint32_t count;
	uint32_t readable;
	uint32_t writable;
};

static const struct dcase dcases[] = {
	/* next index out of the table */
	{"next == num", 0, {DS(B(0), 16, D_NEXT, NUM)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_NEXT_RANGE, 0, 0, 0},
	{"next == 0xffff", 0, {DS(B(0), 16, D_NEXT, 0xffff)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_NEXT_RANGE, 0, 0, 0},
	{"second next out of range", 0,
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_WRITE | D_NEXT, NUM + 3)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_NEXT_RANGE, 0, 0, 0},
	{"next == num - 1 ok", 0,
	 {DS(B(0), 16, D_NEXT, NUM - 1), [NUM - 1] = DS(B(16), 32, D_WRITE, 0)}, {{0}}, {0}, 1,
	 1, AMP_VRING_FAULT_NONE, 2, 16, 32},
	/* loops */
	{"self loop", 0, {DS(B(0), 16, D_NEXT, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"a -> b -> a", 0, {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_NEXT, 0)}, {{0}}, {0}, 1,
	 0, AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"a -> b -> c -> b", 0,
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_NEXT | D_WRITE, 2),
	  DS(B(32), 16, D_NEXT | D_WRITE, 1)},
	 {{0}}, {0}, 1, 0, AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"loop at a later head", 0,
	 {DS(B(0), 16, 0, 0), [4] = DS(B(16), 16, D_NEXT, 5), DS(B(32), 16, D_NEXT, 4)}, {{0}},
	 {0, 4}, 2, 1, AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	/* descriptors shared with a held chain */
	{"head exposed twice while held", 0, {DS(B(0), 16, 0, 0)}, {{0}}, {0, 0}, 2, 1,
	 AMP_VRING_FAULT_DESC_REUSED, 0, 0, 0},
	{"body shared with a held chain", 0,
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_WRITE, 0), DS(B(32), 16, D_NEXT, 1)}, {{0}},
	 {0, 2}, 2, 1, AMP_VRING_FAULT_DESC_REUSED, 0, 0, 0},
	{"chain into a held head", 0, {DS(B(0), 16, 0, 0), DS(B(16), 16, D_NEXT, 0)}, {{0}},
	 {0, 1}, 2, 1, AMP_VRING_FAULT_DESC_REUSED, 0, 0, 0},
	{"head is a held body", 0, {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_WRITE, 0)}, {{0}},
	 {0, 1}, 2, 1, AMP_VRING_FAULT_DESC_REUSED, 0, 0, 0},
	{"third chain reuses the first", 0,
	 {DS(B(0), 16, 0, 0), DS(B(16), 16, 0, 0), DS(B(32), 16, D_NEXT, 0)}, {{0}}, {0, 1, 2}, 3,
	 2, AMP_VRING_FAULT_DESC_REUSED, 0, 0, 0},
	/* addresses outside the window */
	{"below the window", 0, {DS(WIN_DA - 16, 16, 0, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"straddles the start", 0, {DS(WIN_DA - 1, 2, 0, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"just past the end", 0, {DS(WIN_DA + WIN_SIZE, 1, D_WRITE, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"len runs past the end", 0, {DS(WIN_DA + WIN_SIZE - 8, 9, D_WRITE, 0)}, {{0}}, {0}, 1,
	 0, AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"window + 1 byte", 0, {DS(WIN_DA, WIN_SIZE + 1, 0, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"len 0xffffffff", 0, {DS(WIN_DA + 16, 0xffffffffu, 0, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"address 0", 0, {DS(0, 16, 0, 0)}, {{0}}, {0}, 1, 0, AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"da + len wraps 2^64", 0, {DS(0xfffffffffffffff0ull, 0x20, 0, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"second descriptor outside", 0,
	 {DS(B(0), 16, D_NEXT, 1), DS(WIN_DA + 2 * WIN_SIZE, 16, D_WRITE, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"last bytes of the window ok", 0,
	 {DS(WIN_DA + WIN_SIZE - 8, 8, D_NEXT, 1), DS(WIN_DA, WIN_SIZE, D_WRITE, 0)}, {{0}}, {0},
	 1, 1, AMP_VRING_FAULT_NONE, 2, 8, WIN_SIZE},
	/* readable after writable */
	{"W then R", 0, {DS(B(0), 16, D_WRITE | D_NEXT, 1), DS(B(16), 16, 0, 0)}, {{0}}, {0}, 1,
	 0, AMP_VRING_FAULT_ORDER, 0, 0, 0},
	{"R W R", 0,
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_WRITE | D_NEXT, 2), DS(B(32), 16, 0, 0)},
	 {{0}}, {0}, 1, 0, AMP_VRING_FAULT_ORDER, 0, 0, 0},
	{"R R W ok", 0,
	 {DS(B(0), 1, D_NEXT, 1), DS(B(16), 2, D_NEXT, 2), DS(B(32), 4, D_WRITE, 0)}, {{0}}, {0},
	 1, 1, AMP_VRING_FAULT_NONE, 3, 3, 4},
	/* indirect descriptors */
	{"indirect without the feature", 0, {DS(T, 16, D_IND, 0)}, {DS(B(0), 16, 0, 0)}, {0}, 1,
	 0, AMP_VRING_FAULT_INDIRECT, 0, 0, 0},
	{"indirect with next", F_INDIRECT,
	 {DS(T, 16, D_IND | D_NEXT, 1), DS(B(16), 16, D_WRITE, 0)}, {DS(B(0), 16, 0, 0)}, {0}, 1,
	 0, AMP_VRING_FAULT_INDIRECT, 0, 0, 0},
	{"indirect len 0", F_INDIRECT, {DS(T, 0, D_IND, 0)}, {DS(B(0), 16, 0, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_INDIRECT, 0, 0, 0},
	{"indirect len 8", F_INDIRECT, {DS(T, 8, D_IND, 0)}, {DS(B(0), 16, 0, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_INDIRECT, 0, 0, 0},
	{"indirect len 24", F_INDIRECT, {DS(T, 24, D_IND, 0)}, {DS(B(0), 16, 0, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_INDIRECT, 0, 0, 0},
	{"nested indirect", F_INDIRECT, {DS(T, 16, D_IND, 0)}, {DS(T, 16, D_IND, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_INDIRECT, 0, 0, 0},
	{"nested indirect second", F_INDIRECT, {DS(T, 32, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 1), DS(T, 16, D_IND, 0)}, {0}, 1, 0, AMP_VRING_FAULT_INDIRECT, 0,
	 0, 0},
	{"table past the end", F_INDIRECT, {DS(WIN_DA + WIN_SIZE - 16, 32, D_IND, 0)}, {{0}}, {0},
	 1, 0, AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"table at address 0x1000", F_INDIRECT, {DS(0x1000, 16, D_IND, 0)}, {{0}}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"table da + len wraps", F_INDIRECT, {DS(0xfffffffffffffff0ull, 0x20, D_IND, 0)}, {{0}},
	 {0}, 1, 0, AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"table of 32769 entries", F_INDIRECT, {DS(WIN_DA, 16 * 32769u, D_IND, 0)}, {{0}}, {0}, 1,
	 0, AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"table self loop", F_INDIRECT, {DS(T, 16, D_IND, 0)}, {DS(B(0), 16, D_NEXT, 0)}, {0}, 1,
	 0, AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"table self loop in 3", F_INDIRECT, {DS(T, 48, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 0), DS(B(0), 16, 0, 0), DS(B(0), 16, 0, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"table a -> b -> a", F_INDIRECT, {DS(T, 32, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_NEXT, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	{"table a -> b -> c -> b", F_INDIRECT, {DS(T, 48, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_NEXT, 2), DS(B(32), 16, D_NEXT, 1)}, {0}, 1, 0,
	 AMP_VRING_FAULT_CHAIN_LENGTH, 0, 0, 0},
	/* next 1 is a valid ring index but not a valid index of a one-entry table */
	{"table next == entries", F_INDIRECT, {DS(T, 16, D_IND, 0)}, {DS(B(0), 16, D_NEXT, 1)},
	 {0}, 1, 0, AMP_VRING_FAULT_NEXT_RANGE, 0, 0, 0},
	{"table next 0xffff", F_INDIRECT, {DS(T, 32, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 1), DS(B(16), 16, D_NEXT, 0xffff)}, {0}, 1, 0,
	 AMP_VRING_FAULT_NEXT_RANGE, 0, 0, 0},
	{"table W then R", F_INDIRECT, {DS(T, 32, D_IND, 0)},
	 {DS(B(0), 16, D_WRITE | D_NEXT, 1), DS(B(16), 16, 0, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_ORDER, 0, 0, 0},
	{"ring W then table R", F_INDIRECT,
	 {DS(B(0), 16, D_WRITE | D_NEXT, 1), DS(T, 16, D_IND, 0)}, {DS(B(16), 16, 0, 0)}, {0}, 1,
	 0, AMP_VRING_FAULT_ORDER, 0, 0, 0},
	{"table buffer outside", F_INDIRECT, {DS(T, 32, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 1), DS(WIN_DA + WIN_SIZE, 1, D_WRITE, 0)}, {0}, 1, 0,
	 AMP_VRING_FAULT_ADDR, 0, 0, 0},
	{"table ok", F_INDIRECT, {DS(T, 48, D_IND, 0)},
	 {DS(B(0), 16, D_NEXT, 2), DS(B(64), 64, D_WRITE, 0), DS(B(16), 32, D_WRITE | D_NEXT, 1)},
	 {0}, 1, 1, AMP_VRING_FAULT_NONE, 3, 16, 96},
	{"ring R then table ok", F_INDIRECT,
	 {DS(B(0), 16, D_NEXT, 1), DS(T, 32, D_IND | D_WRITE, 0)},
	 {DS(B(16), 16, D_NEXT, 1), DS(B(32), 8, D_WRITE, 0)}, {0}, 1, 1, AMP_VRING_FAULT_NONE, 3,
	 32, 8},
};
/* clang-format on */

static void check_elems(struct hf *h, const struct amp_vring_chain *c)
{
	uint32_t n = c->count < c->max_elems ? c->count : c->max_elems;

	for (uint32_t i = 0; i < n; i++) {
		const struct amp_vring_elem *e = &c->elems[i];
		uintptr_t off = (uintptr_t)e->va - (uintptr_t)h->win;

		CHECK((uintptr_t)e->va >= (uintptr_t)h->win);
		CHECK(off <= WIN_SIZE && e->len <= WIN_SIZE - off);
		CHECK_EQ(e->da, WIN_DA + off);
	}
}

static void run_dcase(const struct dcase *dc, enum amp_byte_order order)
{
	int before = test_failures;
	struct amp_vring_elem e[4];
	struct amp_vring_chain c = {.elems = e, .max_elems = 4};
	struct hf h;

	REQUIRE(hf_init(&h, NUM, order, dc->features) == 0);
	REQUIRE(hf_dev_prime(&h) == 0);
	for (uint32_t i = 0; i < NUM; i++) {
		const struct rdesc *d = &dc->desc[i];

		if (d->set)
			hf_desc(&h, i, d->da, d->len, d->flags, d->next);
	}
	for (uint32_t i = 0; i < ARRAY_SIZE(dc->tbl); i++) {
		const struct rdesc *d = &dc->tbl[i];

		if (d->set)
			raw_desc(h.win + TBL_OFF, order, i, d->da, d->len, d->flags, d->next);
	}
	for (unsigned int i = 0; i < dc->nheads; i++)
		hf_expose(&h, dc->heads[i]);
	hf_publish_avail(&h);

	for (unsigned int i = 0; i < dc->good; i++) {
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
		CHECK_EQ(c.head, dc->heads[i]);
		check_elems(&h, &c);
	}
	if (dc->fault == AMP_VRING_FAULT_NONE) {
		CHECK_EQ(c.count, dc->count);
		CHECK_EQ(c.readable_len, dc->readable);
		CHECK_EQ(c.writable_len, dc->writable);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EAGAIN);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		/* The writable length is the limit for used.len. */
		CHECK_EQ(amp_vring_dev_add_used(&h.dev, c.head, dc->writable + 1), -AMP_EINVAL);
		CHECK_EQ(amp_vring_dev_add_used(&h.dev, c.head, dc->writable), 0);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
	} else {
		CHECK(amp_vring_dev_has_avail(&h.dev));
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, dc->fault);
	}
	hf_fini(&h);
	if (test_failures != before)
		fprintf(stderr, "  (case \"%s\", %s-endian ring)\n", dc->name,
			order == AMP_BIG_ENDIAN ? "big" : "little");
}

static void test_dev_hostile_chains(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(dcases); k++)
		for (size_t o = 0; o < ARRAY_SIZE(orders); o++)
			run_dcase(&dcases[k], orders[o]);
}

/* The overflow case where it matters: a window that ends at 2^64. */
static void test_dev_addr_wrap_at_top_of_space(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		static const struct {
			uint64_t da;
			uint32_t len;
			bool ok;
		} cases[] = {
			{0xfffffffffffffff0ull, 0x10, true},
			{0xfffffffffffffff0ull, 0x20, false},
			{0xffffffffffffffffull, 1, true},
			{0xffffffffffffffffull, 2, false},
			{0 - (uint64_t)WIN_SIZE, WIN_SIZE, true},
			{0 - (uint64_t)WIN_SIZE, 0xffffffffu, false},
		};

		for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
			struct amp_vring_elem e[1];
			struct amp_vring_chain c = {.elems = e, .max_elems = 1};
			struct amp_mem_region top;
			struct amp_region_table ttable;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			top = (struct amp_mem_region){0 - (uint64_t)WIN_SIZE, h.win, WIN_SIZE};
			ttable = (struct amp_region_table){&top, 1};
			h.dev_cfg.addr = amp_addr_map_regions(&ttable);
			REQUIRE(amp_vring_dev_init(&h.dev, &h.dev_cfg) == 0);
			hf_desc(&h, 0, cases[k].da, cases[k].len, D_WRITE, 0);
			hf_expose(&h, 0);
			hf_publish_avail(&h);
			if (cases[k].ok) {
				CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
				CHECK(e[0].va == h.win + (size_t)(cases[k].da - top.da));
				CHECK_EQ(e[0].len, cases[k].len);
			} else {
				CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
				CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_ADDR);
				CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			}
			hf_fini(&h);
		}
	}
}

/*
 * More than 4 GiB in one direction. The device only translates buffer addresses, never
 * dereferences them, so a region that claims 8 GiB over a 4 KiB block is safe here.
 */
static void test_dev_chain_length_over_4g(void)
{
#if SIZE_MAX > 0xffffffffu
	static const uint64_t fake_da = 0x100000000ull;
	static const struct {
		uint32_t len[3];
		uint16_t flags[3];
		bool ok;
	} cases[] = {
		{{0x80000000u, 0x80000001u, 0}, {0, 0, 0}, false},
		{{0x80000000u, 0x80000001u, 0}, {D_WRITE, D_WRITE, 0}, false},
		{{1, 0xffffffffu, 0}, {D_WRITE, D_WRITE, 0}, false},
		{{0x80000000u, 0x7fffffffu, 0xffffffffu}, {0, 0, D_WRITE}, true},
		{{0xffffffffu, 0x80000000u, 0x7fffffffu}, {0, D_WRITE, D_WRITE}, true},
	};

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
			struct amp_vring_chain c = {0};
			struct amp_mem_region regions[2];
			struct amp_region_table htable;
			uint32_t rd = 0, wr = 0;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], 0) == 0);
			/* The real window (for the prime) and the fake 8 GiB one. */
			regions[0] = h.region;
			regions[1] = (struct amp_mem_region){fake_da, h.win, (size_t)1 << 33};
			htable = (struct amp_region_table){regions, 2};
			h.dev_cfg.addr = amp_addr_map_regions(&htable);
			REQUIRE(amp_vring_dev_init(&h.dev, &h.dev_cfg) == 0);
			REQUIRE(hf_dev_prime(&h) == 0);
			for (uint32_t i = 0; i < 3; i++) {
				uint32_t len = cases[k].len[i];
				bool more = i < 2 && cases[k].len[i + 1];

				if (!len)
					break;
				hf_desc(&h, i, fake_da + 0x100000000ull * (i & 1), len,
					(uint16_t)(cases[k].flags[i] | (more ? D_NEXT : 0)),
					(uint16_t)(more ? i + 1 : 0));
				if (cases[k].flags[i] & D_WRITE)
					wr += len;
				else
					rd += len;
			}
			hf_expose(&h, 0);
			hf_publish_avail(&h);
			if (cases[k].ok) {
				CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
				CHECK_EQ(c.count, 3);
				CHECK_EQ(c.readable_len, rd);
				CHECK_EQ(c.writable_len, wr);
			} else {
				CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
				EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_LENGTH);
			}
			hf_fini(&h);
		}
	}
#endif
}

/*
 * An indirect table that is not 4-byte aligned is refused (ADDR): the device reads table fields
 * with aligned 32-bit loads. The table content is valid, so only the alignment can fault.
 */
static void test_dev_indirect_table_misaligned(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		for (uint32_t mis = 1; mis < 4; mis++) {
			struct amp_vring_chain c = {0};
			uint8_t *t;
			struct hf h;

			REQUIRE(hf_init(&h, NUM, orders[o], F_INDIRECT) == 0);
			REQUIRE(hf_dev_prime(&h) == 0);
			t = h.win + TBL_OFF + mis;
			raw_desc(t, h.order, 0, B(0), 16, 0, 0);
			hf_desc(&h, 0, T + mis, 16, D_IND, 0);
			hf_expose(&h, 0);
			hf_publish_avail(&h);
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
			EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_ADDR);
			hf_fini(&h);
		}
	}
}

/* num = 1 and num = 32768: the edges of the index arithmetic, on exact-size rings. */
static void test_dev_extreme_queue_sizes(void)
{
	static const uint32_t nums[] = {1, 32768};

	for (size_t n = 0; n < ARRAY_SIZE(nums); n++) {
		uint32_t num = nums[n];
		struct amp_vring_chain c = {0};
		struct hf h;

		/* One past the last head. */
		REQUIRE(hf_init(&h, num, AMP_BIG_ENDIAN, 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_expose(&h, (uint16_t)num);
		hf_publish_avail(&h);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_HEAD_RANGE);
		hf_fini(&h);

		/* One more than num outstanding. */
		REQUIRE(hf_init(&h, num, AMP_LITTLE_ENDIAN, 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_avail_idx(&h, (uint16_t)(1 + num + 1));
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_AVAIL_IDX);
		hf_fini(&h);

		/* The last descriptor links one past the table. */
		REQUIRE(hf_init(&h, num, AMP_BIG_ENDIAN, 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_desc(&h, num - 1, WIN_DA, 16, D_NEXT, (uint16_t)num);
		hf_expose(&h, (uint16_t)(num - 1));
		hf_publish_avail(&h);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_NEXT_RANGE);
		hf_fini(&h);

		/* The last descriptor links to itself. */
		REQUIRE(hf_init(&h, num, AMP_LITTLE_ENDIAN, 0) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_desc(&h, num - 1, WIN_DA, 16, D_NEXT, (uint16_t)(num - 1));
		hf_expose(&h, (uint16_t)(num - 1));
		hf_publish_avail(&h);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_CHAIN_LENGTH);
		hf_fini(&h);

		/* The driver's side: used id num, in the last used slot. */
		REQUIRE(hf_init(&h, num, AMP_BIG_ENDIAN, 0) == 0);
		for (uint32_t i = 0; i < num; i++) {
			uint32_t len;
			void *tok;

			uint16_t head;

			REQUIRE(amp_vring_drv_add_buf(&h.drv, h.win, 16, true, TOK(i)) == 0);
			amp_vring_drv_publish(&h.drv);
			head = hf_exposed(&h, i);
			if (i + 1 < num) {
				hf_used(&h, head, 16);
				hf_publish_used(&h);
				REQUIRE(amp_vring_drv_get_used(&h.drv, &len, &tok) == 0);
				REQUIRE(tok == TOK(i));
			}
		}
		hf_used(&h, num, 0);
		hf_publish_used(&h);
		{
			uint32_t len;
			void *tok;

			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EIO);
		}
		EXPECT_DRV_BROKEN(&h, AMP_VRING_FAULT_USED_ID_RANGE);
		hf_fini(&h);
	}
}

static void test_dev_reset_recovers(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_elem e[2];
		struct amp_vring_chain c = {.elems = e, .max_elems = 2};
		uint32_t len = 0;
		void *tok = NULL;
		struct hf h;

		REQUIRE(hf_init(&h, NUM, orders[o], F_INDIRECT) == 0);
		REQUIRE(hf_dev_prime(&h) == 0);
		hf_desc(&h, 0, WIN_DA, 16, 0, 0);
		hf_expose(&h, 0);
		hf_desc(&h, 1, WIN_DA, 16, D_NEXT, 1);
		hf_expose(&h, 1);
		hf_publish_avail(&h);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), 0);
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EIO);
		EXPECT_DEV_BROKEN(&h, AMP_VRING_FAULT_CHAIN_LENGTH);

		/* The driver resets the device (and zeroes the ring); the device forgets. */
		amp_vring_dev_reset(&h.dev);
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_dev_num_held(&h.dev), 0);
		amp_vring_drv_reset(&h.drv);
		CHECK(!amp_vring_dev_has_avail(&h.dev));
		CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EAGAIN);

		/* Every descriptor, including the ones the broken walk left half-visited, is
		 * usable: fill the whole ring twice. */
		for (int round = 0; round < 2; round++) {
			for (uint32_t i = 0; i < NUM; i++)
				REQUIRE(hf_add_buf(&h, i, 32, true) == 0);
			CHECK(amp_vring_drv_kick(&h.drv));
			for (uint32_t i = 0; i < NUM; i++) {
				REQUIRE(amp_vring_dev_get_avail(&h.dev, &c) == 0);
				CHECK_EQ(c.count, 1);
				CHECK(e[0].writable);
				CHECK_EQ(amp_vring_dev_add_used(&h.dev, c.head, i), 0);
			}
			CHECK_EQ(amp_vring_dev_get_avail(&h.dev, &c), -AMP_EAGAIN);
			CHECK(amp_vring_dev_kick(&h.dev));
			for (uint32_t i = 0; i < NUM; i++) {
				CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), 0);
				CHECK(tok == TOK(len));
			}
			CHECK_EQ(amp_vring_drv_get_used(&h.drv, &len, &tok), -AMP_EAGAIN);
		}
		CHECK_EQ(amp_vring_fault(&h.dev), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_fault(&h.drv), AMP_VRING_FAULT_NONE);
		hf_fini(&h);
	}
}

/* ---------------------------------------------------------------- random garbage */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static uint64_t rnd_da(void)
{
	switch (rnd_below(16)) {
	case 0:
		return rnd();
	case 1:
		return WIN_DA + WIN_SIZE - rnd_below(64);
	case 2:
		return WIN_DA - rnd_below(64);
	case 3:
		return 0xffffffffffffffffull - rnd_below(64);
	default:
		return WIN_DA + rnd_below(WIN_SIZE);
	}
}

static uint32_t rnd_len(void)
{
	switch (rnd_below(16)) {
	case 0:
		return (uint32_t)rnd();
	case 1:
		return 0;
	case 2:
	case 3:
	case 4:
		return 16 * rnd_below(6); /* looks like an indirect table */
	case 5:
		return 0xffffffffu - rnd_below(16);
	default:
		return rnd_below(256);
	}
}

static void rnd_descs(uint8_t *t, enum amp_byte_order o, uint32_t n, uint32_t limit)
{
	for (uint32_t i = 0; i < n; i++) {
		uint16_t flags, next;
		uint64_t da;
		uint32_t len;

		if (!rnd_below(16)) {
			for (unsigned int b = 0; b < 16; b++)
				t[16 * (size_t)i + b] = (uint8_t)rnd();
			continue;
		}
		flags = rnd_below(10) ? (uint16_t)rnd_below(8) : (uint16_t)rnd();
		/* Indirect tables are interesting but should not dominate. */
		if ((flags & D_IND) && rnd_below(4))
			flags &= (uint16_t)~D_IND;
		next = rnd_below(10) ? (uint16_t)rnd_below(limit + 2) : (uint16_t)rnd();
		/* One call per statement: the stream must not depend on argument order. */
		da = rnd_da();
		len = rnd_len();
		raw_desc(t, o, i, da, len, flags, next);
	}
}

/* Returned chains must point inside the window; the bookkeeping must add up. */
static void check_random_chain(struct hf *h, const struct amp_vring_chain *c)
{
	uint32_t n = c->count < c->max_elems ? c->count : c->max_elems;
	uint64_t rd = 0, wr = 0;
	bool seen_w = false;

	CHECK(c->head < h->num);
	CHECK(c->count >= 1);
	for (uint32_t i = 0; i < n; i++) {
		const struct amp_vring_elem *e = &c->elems[i];
		uintptr_t off = (uintptr_t)e->va - (uintptr_t)h->win;

		CHECK((uintptr_t)e->va >= (uintptr_t)h->win);
		CHECK(off <= WIN_SIZE && e->len <= WIN_SIZE - off);
		CHECK(off < WIN_SIZE || e->len == 0);
		CHECK_EQ(e->da, WIN_DA + off);
		if (e->writable) {
			seen_w = true;
			wr += e->len;
		} else {
			CHECK(!seen_w);
			rd += e->len;
		}
	}
	if (c->count <= c->max_elems) {
		CHECK_EQ(rd, c->readable_len);
		CHECK_EQ(wr, c->writable_len);
	}
}

static void test_dev_random_garbage(void)
{
	static const struct {
		uint32_t num;
		enum amp_byte_order order;
		uint64_t features;
	} cfgs[] = {
		{1, AMP_LITTLE_ENDIAN, F_INDIRECT},
		{4, AMP_BIG_ENDIAN, F_INDIRECT | F_EVENT_IDX},
		{8, AMP_LITTLE_ENDIAN, 0},
		{8, AMP_BIG_ENDIAN, F_INDIRECT},
		{16, AMP_LITTLE_ENDIAN, F_INDIRECT | F_EVENT_IDX},
	};
	struct hf hs[ARRAY_SIZE(cfgs)];
	unsigned int ok = 0, again = 0, broken = 0, faults[AMP_VRING_FAULT_COUNT] = {0};
	unsigned int kinds = 0;
	int summary_failures;

	rng = 0x9e3779b97f4a7c15ull;
	for (size_t k = 0; k < ARRAY_SIZE(cfgs); k++)
		REQUIRE(hf_init(&hs[k], cfgs[k].num, cfgs[k].order, cfgs[k].features) == 0);

	for (unsigned int iter = 0; iter < 20000; iter++) {
		struct hf *h = &hs[iter % ARRAY_SIZE(cfgs)];
		int before = test_failures;
		uint32_t held = 0;

		amp_vring_dev_reset(&h->dev);
		for (size_t b = 0; b < h->l.size; b++)
			h->ring[b] = (uint8_t)rnd();
		if (rnd_below(4))
			rnd_descs(h->ring + h->l.desc, h->order, h->num, h->num);
		for (size_t b = 0; b < WIN_SIZE; b++)
			h->win[b] = (uint8_t)rnd();
		rnd_descs(h->win, h->order, 64, 64);
		h->aidx = 0;
		for (uint32_t i = 0; i < h->num; i++)
			hf_expose(h, rnd_below(16) ? (uint16_t)rnd_below(h->num + 1)
						   : (uint16_t)rnd());
		hf_avail_idx(h, rnd_below(16) ? (uint16_t)rnd_below(h->num + 2) : (uint16_t)rnd());

		for (uint32_t step = 0; step < h->num + 3; step++) {
			struct amp_vring_elem e[8];
			struct amp_vring_chain c = {.max_elems = (uint16_t)rnd_below(9)};
			int rc;

			c.elems = c.max_elems ? e : NULL;
			rc = amp_vring_dev_get_avail(&h->dev, &c);
			if (rc == 0) {
				ok++;
				held++;
				check_random_chain(h, &c);
				if (c.writable_len < 0xffffffffu)
					CHECK_EQ(amp_vring_dev_add_used(&h->dev, c.head,
									c.writable_len + 1),
						 -AMP_EINVAL);
				if (rnd_below(2)) {
					uint32_t len =
						c.writable_len ? rnd_below(c.writable_len) : 0;

					CHECK_EQ(amp_vring_dev_add_used(&h->dev, c.head, len), 0);
					held--;
				}
				if (!rnd_below(4))
					(void)amp_vring_dev_kick(&h->dev);
				CHECK_EQ(amp_vring_dev_num_held(&h->dev), held);
				CHECK_EQ(amp_vring_fault(&h->dev), AMP_VRING_FAULT_NONE);
			} else if (rc == -AMP_EAGAIN) {
				again++;
				CHECK_EQ(amp_vring_fault(&h->dev), AMP_VRING_FAULT_NONE);
				CHECK(!amp_vring_dev_has_avail(&h->dev));
				break;
			} else {
				enum amp_vring_fault f = amp_vring_fault(&h->dev);

				CHECK_EQ(rc, -AMP_EIO);
				broken++;
				CHECK(f > AMP_VRING_FAULT_NONE && f < AMP_VRING_FAULT_COUNT);
				if (f > AMP_VRING_FAULT_NONE && f < AMP_VRING_FAULT_COUNT)
					faults[f]++;
				CHECK_EQ(amp_vring_dev_get_avail(&h->dev, &c), -AMP_EIO);
				CHECK_EQ(amp_vring_dev_add_used(&h->dev, 0, 0), -AMP_EIO);
				CHECK(!amp_vring_dev_kick_prepare(&h->dev));
				CHECK_EQ(amp_vring_dev_num_held(&h->dev), held);
				break;
			}
		}
		if (test_failures != before) {
			fprintf(stderr, "  (device garbage iteration %u)\n", iter);
			break;
		}
	}
	for (int f = 0; f < AMP_VRING_FAULT_COUNT; f++)
		kinds += faults[f] != 0;
	printf("     device garbage: %u chains, %u empty, %u broken, %u fault kinds\n", ok, again,
	       broken, kinds);
	summary_failures = test_failures;
	/* The generator must reach both outcomes and every device-side check but LENGTH, which
	 * a 4 KiB window cannot reach (test_dev_chain_length_over_4g covers it). */
	CHECK(ok > 2000);
	CHECK(broken > 2000);
	CHECK_EQ(kinds, 8);
	CHECK(!faults[AMP_VRING_FAULT_USED_IDX] && !faults[AMP_VRING_FAULT_USED_ID_RANGE] &&
	      !faults[AMP_VRING_FAULT_USED_ID_NOT_HEAD] && !faults[AMP_VRING_FAULT_USED_LEN] &&
	      !faults[AMP_VRING_FAULT_LENGTH]);
	if (test_failures != summary_failures)
		for (int f = 1; f < AMP_VRING_FAULT_COUNT; f++)
			fprintf(stderr, "  %-45s %u\n",
				amp_vring_fault_name((enum amp_vring_fault)f), faults[f]);
	for (size_t k = 0; k < ARRAY_SIZE(cfgs); k++)
		hf_fini(&hs[k]);
}

struct out_buf {
	void *token;
	uint16_t head;
	uint16_t descs;
	uint32_t writable;
	bool returned;
};

static void test_drv_random_garbage(void)
{
	static const struct {
		uint32_t num;
		enum amp_byte_order order;
		uint64_t features;
	} cfgs[] = {
		{1, AMP_BIG_ENDIAN, 0},
		{4, AMP_LITTLE_ENDIAN, F_EVENT_IDX},
		{8, AMP_BIG_ENDIAN, F_INDIRECT},
		{16, AMP_LITTLE_ENDIAN, F_INDIRECT | F_EVENT_IDX},
	};
	struct hf hs[ARRAY_SIZE(cfgs)];
	unsigned int ok = 0, again = 0, broken = 0, faults[AMP_VRING_FAULT_COUNT] = {0};
	unsigned int kinds = 0;

	rng = 0x2545f4914f6cdd1dull;
	for (size_t k = 0; k < ARRAY_SIZE(cfgs); k++)
		REQUIRE(hf_init(&hs[k], cfgs[k].num, cfgs[k].order, cfgs[k].features) == 0);

	for (unsigned int iter = 0; iter < 20000; iter++) {
		struct hf *h = &hs[iter % ARRAY_SIZE(cfgs)];
		struct out_buf ob[16];
		unsigned int nob = 0, done = 0;
		int before = test_failures;
		uint32_t used_descs = 0;

		amp_vring_drv_reset(&h->drv);
		if (rnd_below(2))
			amp_vring_drv_disable_cb(&h->drv);
		/* A random mix of buffers, chains and indirect chains, all published. */
		while (nob < ARRAY_SIZE(ob) && amp_vring_drv_num_free(&h->drv)) {
			uint32_t nfree = amp_vring_drv_num_free(&h->drv);
			uint32_t kind = rnd_below(3), out, in, wr = 0;
			struct amp_vring_sg sg[4];
			uint8_t *slot = hf_buf(h, 4 * nob);
			uint16_t descs = 1;
			int rc;

			out = rnd_below(3);
			in = rnd_below(3);
			if (!out && !in)
				in = 1;
			for (uint32_t i = 0; i < out + in; i++) {
				sg[i] = (struct amp_vring_sg){slot + 48 * i, 1 + rnd_below(48)};
				if (i >= out)
					wr += sg[i].len;
			}
			if (kind == 1 && !(cfgs[iter % ARRAY_SIZE(cfgs)].features & F_INDIRECT))
				kind = 2;
			if (kind == 2 && out + in > nfree)
				kind = 0;
			if (kind == 0) {
				bool w = rnd_below(2);

				wr = w ? sg[0].len : 0;
				rc = amp_vring_drv_add_buf(&h->drv, sg[0].va, sg[0].len, w,
							   TOK(nob));
			} else if (kind == 1) {
				/* The table (at most 64 bytes) goes after the four 48-byte
				 * pieces of the 256-byte slot. */
				rc = amp_vring_drv_add_indirect(&h->drv, sg, out, in, slot + 192,
								TOK(nob));
			} else {
				rc = amp_vring_drv_add(&h->drv, sg, out, in, TOK(nob));
				descs = (uint16_t)(out + in);
			}
			REQUIRE(rc == 0);
			ob[nob] = (struct out_buf){TOK(nob), 0, descs, wr, false};
			ob[nob].head = hf_exposed(h, nob);
			used_descs += descs;
			nob++;
			if (rnd_below(4) == 0)
				break;
		}
		amp_vring_drv_publish(&h->drv);
		CHECK_EQ(amp_vring_drv_num_free(&h->drv), h->num - used_descs);

		/* The hostile device's answer. */
		h->uidx = 0;
		if (!rnd_below(8)) {
			for (size_t b = h->l.used; b < h->l.size; b++)
				h->ring[b] = (uint8_t)rnd();
		} else {
			for (uint32_t i = 0; i < h->num; i++) {
				uint32_t id, len, r = rnd_below(10);
				const struct out_buf *pick = &ob[rnd_below(nob)];

				if (r < 6)
					id = pick->head;
				else if (r < 8)
					id = rnd_below(h->num + 2);
				else
					id = (uint32_t)rnd();
				r = rnd_below(10);
				if (r < 6)
					len = pick->writable ? rnd_below(pick->writable + 1) : 0;
				else if (r < 8)
					len = pick->writable + rnd_below(3);
				else
					len = (uint32_t)rnd();
				hf_used(h, id, len);
			}
			hf_used_idx(h,
				    rnd_below(8) ? (uint16_t)rnd_below(nob + 2) : (uint16_t)rnd());
		}

		for (uint32_t step = 0; step < nob + 2; step++) {
			uint32_t len = 0;
			void *tok = NULL;
			int rc = amp_vring_drv_get_used(&h->drv, &len, &tok);

			if (rc == 0) {
				uintptr_t t = (uintptr_t)tok - (uintptr_t)TOK(0);

				ok++;
				CHECK(t < nob);
				if (t >= nob)
					break;
				CHECK(!ob[t].returned);
				CHECK(len <= ob[t].writable);
				ob[t].returned = true;
				done++;
				used_descs -= ob[t].descs;
				CHECK_EQ(amp_vring_drv_num_free(&h->drv), h->num - used_descs);
				CHECK_EQ(amp_vring_fault(&h->drv), AMP_VRING_FAULT_NONE);
				if (!rnd_below(4))
					(void)amp_vring_drv_enable_cb(&h->drv);
			} else if (rc == -AMP_EAGAIN) {
				again++;
				CHECK_EQ(amp_vring_fault(&h->drv), AMP_VRING_FAULT_NONE);
				CHECK(!amp_vring_drv_has_used(&h->drv));
				break;
			} else {
				enum amp_vring_fault f = amp_vring_fault(&h->drv);

				CHECK_EQ(rc, -AMP_EIO);
				broken++;
				CHECK(f > AMP_VRING_FAULT_NONE && f < AMP_VRING_FAULT_COUNT);
				if (f > AMP_VRING_FAULT_NONE && f < AMP_VRING_FAULT_COUNT)
					faults[f]++;
				CHECK_EQ(amp_vring_drv_get_used(&h->drv, &len, &tok), -AMP_EIO);
				CHECK_EQ(amp_vring_drv_add_buf(&h->drv, h->win, 1, true, TOK(99)),
					 -AMP_EIO);
				CHECK(!amp_vring_drv_kick_prepare(&h->drv));
				CHECK_EQ(amp_vring_drv_num_free(&h->drv), h->num - used_descs);
				break;
			}
		}
		/* Whatever happened, teardown hands back exactly the rest. */
		for (void *tok; (tok = amp_vring_drv_detach_unused(&h->drv)) != NULL;) {
			uintptr_t t = (uintptr_t)tok - (uintptr_t)TOK(0);

			CHECK(t < nob);
			if (t >= nob)
				break;
			CHECK(!ob[t].returned);
			ob[t].returned = true;
			done++;
		}
		CHECK_EQ(done, nob);
		CHECK_EQ(amp_vring_drv_num_free(&h->drv), h->num);
		if (test_failures != before) {
			fprintf(stderr, "  (driver garbage iteration %u)\n", iter);
			break;
		}
	}
	for (int f = 0; f < AMP_VRING_FAULT_COUNT; f++)
		kinds += faults[f] != 0;
	printf("     driver garbage: %u buffers, %u empty, %u broken, %u fault kinds\n", ok, again,
	       broken, kinds);
	CHECK(ok > 2000);
	CHECK(broken > 2000);
	CHECK_EQ(kinds, 4); /* USED_IDX, USED_ID_RANGE, USED_ID_NOT_HEAD, USED_LEN */
	CHECK(faults[AMP_VRING_FAULT_USED_IDX] && faults[AMP_VRING_FAULT_USED_ID_RANGE] &&
	      faults[AMP_VRING_FAULT_USED_ID_NOT_HEAD] && faults[AMP_VRING_FAULT_USED_LEN]);
	for (size_t k = 0; k < ARRAY_SIZE(cfgs); k++)
		hf_fini(&hs[k]);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_control_healthy_rings_kick),
		TEST(test_drv_used_id_out_of_range),
		TEST(test_drv_used_id_wrong_byte_order),
		TEST(test_drv_used_id_free_descriptor),
		TEST(test_drv_used_id_chain_body),
		TEST(test_drv_used_id_duplicate),
		TEST(test_drv_used_id_duplicate_after_repost),
		TEST(test_drv_used_id_reuse_next_batch_ok),
		TEST(test_drv_used_id_unpublished_head),
		TEST(test_drv_used_len_too_long),
		TEST(test_drv_used_len_at_limit_ok),
		TEST(test_drv_used_idx_runs_ahead),
		TEST(test_drv_used_idx_backwards),
		TEST(test_drv_fault_survives_repair),
		TEST(test_drv_reset_recovers),
		TEST(test_dev_avail_idx_runs_ahead),
		TEST(test_dev_avail_idx_full_ring_ok),
		TEST(test_dev_avail_idx_backwards),
		TEST(test_dev_avail_idx_wrong_byte_order),
		TEST(test_dev_head_out_of_range),
		TEST(test_dev_fault_survives_repair),
		TEST(test_dev_reexpose_returned_head_ok),
		TEST(test_dev_hostile_chains),
		TEST(test_dev_indirect_table_misaligned),
		TEST(test_dev_addr_wrap_at_top_of_space),
		TEST(test_dev_chain_length_over_4g),
		TEST(test_dev_extreme_queue_sizes),
		TEST(test_dev_reset_recovers),
		TEST(test_dev_random_garbage),
		TEST(test_drv_random_garbage),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
