// SPDX-License-Identifier: BSD-3-Clause
/*
 * Wire-level order of the ring's stores and barriers, seen through the access hooks.
 *
 * Built against the hooked library (AMP_IO_HOOKS=1). Both handles of a ring_pair get a
 * struct amp_io_ops whose write hook performs the store (amp_io_native_write()) and whose barrier
 * hook executes the barrier (amp_io_native_barrier()); both append to one event log, tagged with
 * the side, the offset from the ring base (or from the first buffer) and the bytes stored.
 * Notifications are logged too, so the log is the trace a simulator would see.
 *
 * The tests check the exact sequences the spec requires (wire-format.md §5.7, DRV-001, DEV-002,
 * NOTIF-*), the ownership of every ring field (§5.5: the device never writes the descriptor
 * table or the available ring, the driver never writes the used ring after init), the byte
 * order of the stored fields, and that loads are never hooked.
 *
 * Built against the plain library the file only checks that hooks are refused.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "amp/error.h"
#include "amp/io.h"
#include "amp/vring.h"
#include "ring_pair.h"
#include "testing.h"

/* ---------------------------------------------------------------- event log */

enum ev_type { EV_WRITE, EV_BARRIER, EV_NOTIFY };
enum ev_side { SIDE_DRV, SIDE_DEV, SIDE_IO };
enum ev_region { REG_RING, REG_BUF, REG_OTHER };

#define EV_BYTES 64
#define EV_MAX   4096

/*
 * One store, barrier or notification. @off is from the ring base (REG_RING) or from the first
 * buffer (REG_BUF); @bytes holds the first bytes stored; @uniform says every byte stored equals
 * bytes[0].
 */
struct ev {
	enum ev_type type;
	enum ev_side side;
	enum ev_region region;
	size_t off;
	size_t len;
	uint8_t bytes[EV_BYTES];
	bool uniform;
	enum amp_barrier kind;
};

static struct {
	const struct ring_pair *rp;
	struct ev ev[EV_MAX];
	size_t n;
	size_t lost;
} evlog;

struct side_ctx {
	enum ev_side side;
};

static struct side_ctx drv_side = {SIDE_DRV};
static struct side_ctx dev_side = {SIDE_DEV};
static struct side_ctx io_side = {SIDE_IO};

static void log_reset(const struct ring_pair *rp)
{
	evlog.rp = rp;
	evlog.n = 0;
	evlog.lost = 0;
}

static struct ev *ev_new(enum ev_type type, enum ev_side side)
{
	struct ev *e;

	if (evlog.n == EV_MAX) {
		evlog.lost++;
		return NULL;
	}
	e = &evlog.ev[evlog.n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->side = side;
	return e;
}

static void rec_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	const struct side_ctx *sc = ctx;
	const struct ring_pair *rp = evlog.rp;
	uintptr_t p = (uintptr_t)dst;
	struct ev *e = ev_new(EV_WRITE, sc->side);

	if (e) {
		const uint8_t *s = src;

		e->len = len;
		if (rp && p >= (uintptr_t)rp->mem && p < (uintptr_t)rp->mem + rp->ring_size) {
			e->region = REG_RING;
			e->off = p - (uintptr_t)rp->mem;
		} else if (rp && p >= (uintptr_t)rp->bufs &&
			   p < (uintptr_t)rp->mem + rp->mem_size) {
			e->region = REG_BUF;
			e->off = p - (uintptr_t)rp->bufs;
		} else {
			e->region = REG_OTHER;
		}
		memcpy(e->bytes, src, len < EV_BYTES ? len : EV_BYTES);
		e->uniform = true;
		for (size_t i = 1; i < len; i++)
			e->uniform = e->uniform && s[i] == s[0];
	}
	amp_io_native_write(dst, src, len);
}

static void rec_barrier(void *ctx, enum amp_barrier kind)
{
	const struct side_ctx *sc = ctx;
	struct ev *e = ev_new(EV_BARRIER, sc->side);

	if (e)
		e->kind = kind;
	amp_io_native_barrier(kind);
}

static void rec_notify(void *ctx, struct amp_vring *vr)
{
	const struct side_ctx *sc = ctx;

	(void)vr;
	ev_new(EV_NOTIFY, sc->side);
}

static const struct amp_io_ops rec_ops = {rec_write, rec_barrier};

/* ---------------------------------------------------------------- checks */

static const char *const side_names[] = {"drv", "dev", "io"};
static const char *const region_names[] = {"ring", "bufs", "?"};
static const char *const barrier_names[] = {"WRITE", "READ", "FULL"};

static void ev_print(size_t i)
{
	const struct ev *e = &evlog.ev[i];

	if (i >= evlog.n) {
		fprintf(stderr, "    #%zu: (none; %zu events)\n", i, evlog.n);
		return;
	}
	switch (e->type) {
	case EV_WRITE:
		fprintf(stderr, "    #%zu: %s write %s+%#zx len %zu:", i, side_names[e->side],
			region_names[e->region], e->off, e->len);
		for (size_t b = 0; b < e->len && b < 16; b++)
			fprintf(stderr, " %02x", e->bytes[b]);
		fprintf(stderr, "\n");
		break;
	case EV_BARRIER:
		fprintf(stderr, "    #%zu: %s barrier %s\n", i, side_names[e->side],
			barrier_names[e->kind]);
		break;
	default:
		fprintf(stderr, "    #%zu: %s notify\n", i, side_names[e->side]);
		break;
	}
}

static void ev_fail(size_t i, const char *what, int line)
{
	fprintf(stderr, "%s:%d: event #%zu is not %s\n", __FILE__, line, i, what);
	ev_print(i);
	test_failures++;
}

static void expect_write(size_t i, enum ev_side side, enum ev_region region, size_t off, size_t len,
			 const void *bytes, int line)
{
	const struct ev *e = &evlog.ev[i];

	if (i >= evlog.n || e->type != EV_WRITE || e->side != side || e->region != region ||
	    e->off != off || e->len != len ||
	    (bytes && memcmp(e->bytes, bytes, len < EV_BYTES ? len : EV_BYTES))) {
		char what[96];

		snprintf(what, sizeof(what), "a %s write at %s+%#zx of %zu bytes", side_names[side],
			 region_names[region], off, len);
		ev_fail(i, what, line);
	}
}

static void expect_barrier(size_t i, enum ev_side side, enum amp_barrier kind, int line)
{
	const struct ev *e = &evlog.ev[i];

	if (i >= evlog.n || e->type != EV_BARRIER || e->side != side || e->kind != kind) {
		char what[64];

		snprintf(what, sizeof(what), "a %s %s barrier", side_names[side],
			 barrier_names[kind]);
		ev_fail(i, what, line);
	}
}

static void expect_notify(size_t i, enum ev_side side, int line)
{
	const struct ev *e = &evlog.ev[i];

	if (i >= evlog.n || e->type != EV_NOTIFY || e->side != side)
		ev_fail(i, side == SIDE_DRV ? "a driver notification" : "a device notification",
			line);
}

static void expect_count(size_t n, int line)
{
	if (evlog.n != n || evlog.lost) {
		fprintf(stderr, "%s:%d: %zu events (%zu lost), expected %zu:\n", __FILE__, line,
			evlog.n, evlog.lost, n);
		for (size_t i = 0; i < evlog.n && i < 32; i++)
			ev_print(i);
		test_failures++;
	}
}

/* Field values in ring order, computed independently of the library. */
static void enc(uint8_t *out, uint64_t v, unsigned int n, enum amp_byte_order o)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (o == AMP_BIG_ENDIAN ? n - 1 - i : i)));
}

static void expect_w16(size_t i, enum ev_side side, size_t off, uint16_t v, enum amp_byte_order o,
		       int line)
{
	uint8_t b[2];

	enc(b, v, 2, o);
	expect_write(i, side, REG_RING, off, 2, b, line);
}

static void expect_desc(size_t i, enum ev_region region, size_t off, uint64_t da, uint32_t len,
			uint16_t flags, uint16_t next, enum amp_byte_order o, int line)
{
	uint8_t d[16];

	enc(d, da, 8, o);
	enc(d + 8, len, 4, o);
	enc(d + 12, flags, 2, o);
	enc(d + 14, next, 2, o);
	expect_write(i, SIDE_DRV, region, off, 16, d, line);
}

#define EXPECT_WRITE(i, s, r, off, len, b) expect_write((i), (s), (r), (off), (len), (b), __LINE__)
#define EXPECT_BARRIER(i, s, k)            expect_barrier((i), (s), (k), __LINE__)
#define EXPECT_NOTIFY(i, s)                expect_notify((i), (s), __LINE__)
#define EXPECT_COUNT(n)                    expect_count((n), __LINE__)
#define EXPECT_W16(i, s, off, v)           expect_w16((i), (s), (off), (v), order, __LINE__)
#define EXPECT_DESC(i, r, off, da, len, flags, next)                                               \
	expect_desc((i), (r), (off), (da), (len), (flags), (next), order, __LINE__)

/* ---------------------------------------------------------------- fixture */

#define NBUFS    16u
#define BUF_SIZE 256u

#define F_INDIRECT  AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX)

#define D_NEXT  AMP_VRING_DESC_F_NEXT
#define D_WRITE AMP_VRING_DESC_F_WRITE
#define D_IND   AMP_VRING_DESC_F_INDIRECT

#define TOK(i) ((void *)(uintptr_t)(0x1000u + (unsigned int)(i)))

#define TABLE_LO (12 * BUF_SIZE) /* buffers 12..15 hold the session's indirect tables */

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

/* A ring_pair whose two handles record through the hooks; the ring starts as garbage. */
/*
 * The ring skips storing an entry that already holds the value (a descriptor, an available
 * entry or a used element from the previous lap). To see every store of a first lap, start from
 * entries that hold none of the values the tests write; test_unchanged_entries_not_rewritten
 * covers the skipping itself.
 */
static void hp_dirty_entries(struct ring_pair *rp)
{
	struct amp_vring_layout l;

	(void)amp_vring_layout(rp->num, rp->align, &l);
	memset(rp->mem + l.desc, 0xee, (size_t)rp->num * 16);
	memset(rp->mem + l.avail_ring, 0xee, (size_t)rp->num * 2);
	memset(rp->mem + l.used_ring, 0xee, (size_t)rp->num * 8);
	log_reset(rp);
}

static int hp_init(struct ring_pair *rp, uint32_t num, uint32_t align, uint64_t features,
		   enum amp_byte_order order)
{
	int err = ring_pair_init(rp, num, align, features, order, NBUFS, BUF_SIZE);

	if (err)
		return err;
	rp->drv_cfg.io.ops = &rec_ops;
	rp->drv_cfg.io.ctx = &drv_side;
	rp->drv_cfg.notify = rec_notify;
	rp->drv_cfg.notify_ctx = &drv_side;
	rp->dev_cfg.io.ops = &rec_ops;
	rp->dev_cfg.io.ctx = &dev_side;
	rp->dev_cfg.notify = rec_notify;
	rp->dev_cfg.notify_ctx = &dev_side;
	memset(rp->mem, 0xa5, rp->ring_size);
	log_reset(rp);
	err = amp_vring_drv_init(&rp->drv, &rp->drv_cfg);
	if (!err)
		err = amp_vring_dev_init(&rp->dev, &rp->dev_cfg);
	if (err)
		ring_pair_fini(rp);
	return err;
}

static struct amp_vring_layout hp_layout(const struct ring_pair *rp)
{
	struct amp_vring_layout l;

	memset(&l, 0, sizeof(l));
	(void)amp_vring_layout(rp->num, rp->align, &l);
	return l;
}

/* The driver queues buffer @i as one descriptor, with token TOK(@i). */
static int drv_add_buf(struct ring_pair *rp, uint32_t i, uint32_t len, bool writable)
{
	return amp_vring_drv_add_buf(&rp->drv, ring_pair_buf(rp, i), len, writable, TOK(i));
}

static uint64_t buf_da(const struct ring_pair *rp, uint32_t i)
{
	return ring_pair_da(rp, ring_pair_buf(rp, i));
}

/* ---------------------------------------------------------------- tests */

static void test_hooks_available(void)
{
	struct amp_io io = {&rec_ops, &io_side, AMP_LITTLE_ENDIAN};

	CHECK(amp_io_hooks_available());
	CHECK_EQ(amp_io_check(&io), 0);
}

static void test_drv_init_zeroes_ring_through_hook(void)
{
	static const struct {
		uint32_t num;
		uint32_t align;
		enum amp_byte_order order;
	} cfgs[] = {
		{1, 4, AMP_BIG_ENDIAN},
		{8, 16, AMP_LITTLE_ENDIAN},
		{16, 4096, AMP_BIG_ENDIAN},
		{256, 4096, AMP_LITTLE_ENDIAN},
	};

	for (size_t k = 0; k < ARRAY_SIZE(cfgs); k++) {
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, cfgs[k].num, cfgs[k].align, 0, cfgs[k].order) == 0);
		/* Twice: at init, and at a reset of a dirty ring. */
		for (int round = 0; round < 2; round++) {
			size_t next = 0;
			bool zero = true;

			CHECK(evlog.n > 0);
			CHECK_EQ(evlog.lost, 0);
			for (size_t i = 0; i < evlog.n; i++) {
				const struct ev *e = &evlog.ev[i];

				if (e->type != EV_WRITE || e->side != SIDE_DRV ||
				    e->region != REG_RING || e->off != next || !e->uniform ||
				    (e->len && e->bytes[0])) {
					ev_fail(i, "the next zeroing store of the driver",
						__LINE__);
					break;
				}
				next += e->len;
			}
			CHECK_EQ(next, rp.ring_size);
			for (size_t i = 0; i < rp.ring_size; i++)
				zero = zero && !rp.mem[i];
			CHECK(zero);
			/* Not one byte more. */
			CHECK_EQ(rp.mem[rp.ring_size], 0xa5);

			memset(rp.mem, 0x3c, rp.ring_size);
			log_reset(&rp);
			amp_vring_drv_reset(&rp.drv);
		}

		/* The device writes nothing at init or reset. */
		log_reset(&rp);
		CHECK_EQ(amp_vring_dev_init(&rp.dev, &rp.dev_cfg), 0);
		amp_vring_dev_reset(&rp.dev);
		EXPECT_COUNT(0);
		ring_pair_fini(&rp);
	}
}

static void test_drv_add_buf_publish_order(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_layout l;
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, 8, 16, 0, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);

		log_reset(&rp);
		CHECK_EQ(drv_add_buf(&rp, 0, 64, true), 0);
		EXPECT_DESC(0, REG_RING, 0, buf_da(&rp, 0), 64, D_WRITE, 0);
		EXPECT_W16(1, SIDE_DRV, l.avail_ring, 0);
		EXPECT_COUNT(2);
		amp_vring_drv_publish(&rp.drv);
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_W16(3, SIDE_DRV, l.avail + 2, 1);
		EXPECT_COUNT(4);

		log_reset(&rp);
		CHECK_EQ(drv_add_buf(&rp, 1, 32, false), 0);
		amp_vring_drv_publish(&rp.drv);
		EXPECT_DESC(0, REG_RING, 16, buf_da(&rp, 1), 32, 0, 0);
		EXPECT_W16(1, SIDE_DRV, l.avail_ring + 2, 1);
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_W16(3, SIDE_DRV, l.avail + 2, 2);
		EXPECT_COUNT(4);
		/* Literally, without the encoder. */
		if (order == AMP_BIG_ENDIAN)
			CHECK(evlog.ev[3].bytes[0] == 0x00 && evlog.ev[3].bytes[1] == 0x02);
		else
			CHECK(evlog.ev[3].bytes[0] == 0x02 && evlog.ev[3].bytes[1] == 0x00);

		/* Nothing new: publishing writes nothing. */
		log_reset(&rp);
		amp_vring_drv_publish(&rp.drv);
		EXPECT_COUNT(0);
		ring_pair_fini(&rp);
	}
}

static void test_drv_batched_publish(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_layout l;
		struct amp_vring_sg sg[3];
		struct ring_pair rp;
		uint8_t *table;
		size_t n;

		REQUIRE(hp_init(&rp, 8, 16, F_INDIRECT, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);
		log_reset(&rp);
		for (uint32_t i = 0; i < 3; i++)
			CHECK_EQ(drv_add_buf(&rp, i, 100 + i, true), 0);
		for (uint32_t i = 0; i < 3; i++) {
			EXPECT_DESC(2 * i, REG_RING, 16 * i, buf_da(&rp, i), 100 + i, D_WRITE, 0);
			EXPECT_W16(2 * i + 1, SIDE_DRV, l.avail_ring + 2 * i, (uint16_t)i);
		}
		EXPECT_COUNT(6);
		amp_vring_drv_publish(&rp.drv);
		EXPECT_BARRIER(6, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_W16(7, SIDE_DRV, l.avail + 2, 3);
		EXPECT_COUNT(8);
		amp_vring_drv_publish(&rp.drv);
		EXPECT_COUNT(8);

		/* A chain: its descriptors, then one ring entry. */
		log_reset(&rp);
		sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 3), 16};
		sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 4), 24};
		sg[2] = (struct amp_vring_sg){ring_pair_buf(&rp, 5), 32};
		CHECK_EQ(amp_vring_drv_add(&rp.drv, sg, 1, 2, TOK(3)), 0);
		EXPECT_DESC(0, REG_RING, 16 * 3, buf_da(&rp, 3), 16, D_NEXT, 4);
		EXPECT_DESC(1, REG_RING, 16 * 4, buf_da(&rp, 4), 24, D_WRITE | D_NEXT, 5);
		EXPECT_DESC(2, REG_RING, 16 * 5, buf_da(&rp, 5), 32, D_WRITE, 0);
		EXPECT_W16(3, SIDE_DRV, l.avail_ring + 2 * 3, 3);
		EXPECT_COUNT(4);

		/* An indirect chain: the table (in buffer memory), the descriptor, the entry. */
		table = ring_pair_buf(&rp, 8);
		sg[0] = (struct amp_vring_sg){ring_pair_buf(&rp, 6), 8};
		sg[1] = (struct amp_vring_sg){ring_pair_buf(&rp, 7), 40};
		CHECK_EQ(amp_vring_drv_add_indirect(&rp.drv, sg, 1, 1, table, TOK(4)), 0);
		EXPECT_DESC(4, REG_BUF, 8 * BUF_SIZE, buf_da(&rp, 6), 8, D_NEXT, 1);
		EXPECT_DESC(5, REG_BUF, 8 * BUF_SIZE + 16, buf_da(&rp, 7), 40, D_WRITE, 0);
		EXPECT_DESC(6, REG_RING, 16 * 6, buf_da(&rp, 8), 32, D_IND, 0);
		EXPECT_W16(7, SIDE_DRV, l.avail_ring + 2 * 4, 6);
		EXPECT_COUNT(8);

		/* One barrier and one index for both. */
		amp_vring_drv_publish(&rp.drv);
		EXPECT_BARRIER(8, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_W16(9, SIDE_DRV, l.avail + 2, 5);
		EXPECT_COUNT(10);
		n = 0;
		for (size_t i = 0; i < evlog.n; i++)
			n += evlog.ev[i].type == EV_BARRIER;
		CHECK_EQ(n, 1);
		ring_pair_fini(&rp);
	}
}

static void test_drv_kick_prepare_and_kick(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_layout l;
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, 8, 16, 0, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);
		CHECK_EQ(drv_add_buf(&rp, 0, 64, true), 0);
		amp_vring_drv_publish(&rp.drv);

		/* The device asks to be kicked: the first look says so, and a write barrier orders
		 * the index before the notification. Nothing written. */
		log_reset(&rp);
		CHECK(amp_vring_drv_kick_prepare(&rp.drv));
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_COUNT(1);
		/* Nothing new since: no barrier either. */
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		EXPECT_COUNT(1);

		/* kick = publish, decide, notify: the notification after the index. */
		CHECK_EQ(drv_add_buf(&rp, 1, 64, true), 0);
		log_reset(&rp);
		CHECK(amp_vring_drv_kick(&rp.drv));
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_W16(1, SIDE_DRV, l.avail + 2, 2);
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_NOTIFY(3, SIDE_DRV);
		EXPECT_COUNT(4);

		/* The device asks not to be kicked: the full barrier before the look that counts
		 * (it could be turning notifications on right now), no notification. */
		amp_vring_dev_disable_notify(&rp.dev);
		CHECK_EQ(drv_add_buf(&rp, 2, 64, true), 0);
		log_reset(&rp);
		CHECK(!amp_vring_drv_kick(&rp.drv));
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_WRITE);
		EXPECT_W16(1, SIDE_DRV, l.avail + 2, 3);
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_FULL);
		EXPECT_COUNT(3);
		ring_pair_fini(&rp);
	}
}

/* Driver and device exchange one buffer; the driver's log starts at get_used. */
static void round_trip_to_used(struct ring_pair *rp, uint32_t buf, uint32_t len)
{
	struct amp_vring_chain c = {0};

	REQUIRE(amp_vring_drv_add_buf(&rp->drv, ring_pair_buf(rp, buf), 64, true, TOK(buf)) == 0);
	amp_vring_drv_kick(&rp->drv);
	REQUIRE(amp_vring_dev_get_avail(&rp->dev, &c) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp->dev, c.head, len) == 0);
	amp_vring_dev_kick(&rp->dev);
}

static void test_drv_get_used_event_idx(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_layout l;
		struct ring_pair rp;
		uint32_t len = 0;
		void *tok = NULL;

		REQUIRE(hp_init(&rp, 8, 16, F_EVENT_IDX, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);

		/* Callbacks enabled: the new used_event, then a full barrier (virtio_store_mb). */
		round_trip_to_used(&rp, 0, 8);
		log_reset(&rp);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &tok), 0);
		CHECK_EQ(len, 8);
		CHECK(tok == TOK(0));
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_READ);
		EXPECT_W16(1, SIDE_DRV, l.used_event, 1);
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_FULL);
		EXPECT_COUNT(3);

		/* Callbacks disabled: used_event parked one behind, and left alone. */
		log_reset(&rp);
		amp_vring_drv_disable_cb(&rp.drv);
		EXPECT_W16(0, SIDE_DRV, l.used_event, 0);
		EXPECT_COUNT(1);
		round_trip_to_used(&rp, 1, 9);
		log_reset(&rp);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &tok), 0);
		CHECK(tok == TOK(1));
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_READ);
		EXPECT_COUNT(1);

		/* Re-enabled: used_event = what was collected, then a full barrier. */
		log_reset(&rp);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		EXPECT_W16(0, SIDE_DRV, l.used_event, 2);
		EXPECT_BARRIER(1, SIDE_DRV, AMP_BARRIER_FULL);
		EXPECT_COUNT(2);
		ring_pair_fini(&rp);

		/* Without EVENT_IDX, collecting writes nothing. */
		REQUIRE(hp_init(&rp, 8, 16, 0, order) == 0);
		hp_dirty_entries(&rp);
		round_trip_to_used(&rp, 0, 8);
		log_reset(&rp);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, &len, &tok), 0);
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_READ);
		EXPECT_COUNT(1);
		ring_pair_fini(&rp);
	}
}

static void test_dev_add_used_publish_order(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		static const uint8_t elem_le[8] = {1, 0, 0, 0, 5, 0, 0, 0};
		static const uint8_t elem_be[8] = {0, 0, 0, 1, 0, 0, 0, 5};
		struct amp_vring_chain c = {0};
		struct amp_vring_layout l;
		struct ring_pair rp;
		uint8_t elem[8];

		REQUIRE(hp_init(&rp, 8, 16, 0, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);
		CHECK_EQ(drv_add_buf(&rp, 0, 64, true), 0);
		CHECK_EQ(drv_add_buf(&rp, 1, 64, true), 0);
		amp_vring_drv_kick(&rp.drv);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		CHECK_EQ(c.head, 1);

		/* One 8-byte store of {id, len}, then the barrier, then used.idx. */
		log_reset(&rp);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, 1, 5), 0);
		EXPECT_WRITE(0, SIDE_DEV, REG_RING, l.used_ring, 8,
			     order == AMP_BIG_ENDIAN ? elem_be : elem_le);
		EXPECT_COUNT(1);
		amp_vring_dev_publish(&rp.dev);
		EXPECT_BARRIER(1, SIDE_DEV, AMP_BARRIER_WRITE);
		EXPECT_W16(2, SIDE_DEV, l.used + 2, 1);
		EXPECT_COUNT(3);
		if (order == AMP_BIG_ENDIAN)
			CHECK(evlog.ev[2].bytes[0] == 0x00 && evlog.ev[2].bytes[1] == 0x01);
		else
			CHECK(evlog.ev[2].bytes[0] == 0x01 && evlog.ev[2].bytes[1] == 0x00);

		/* Deciding for a driver that wants notifications: a write barrier, nothing else. */
		log_reset(&rp);
		CHECK(amp_vring_dev_kick_prepare(&rp.dev));
		EXPECT_BARRIER(0, SIDE_DEV, AMP_BARRIER_WRITE);
		EXPECT_COUNT(1);
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
		EXPECT_COUNT(1);

		/* kick = publish, decide, notify. */
		log_reset(&rp);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, 0, 64), 0);
		CHECK(amp_vring_dev_kick(&rp.dev));
		enc(elem, 0, 4, order);
		enc(elem + 4, 64, 4, order);
		EXPECT_WRITE(0, SIDE_DEV, REG_RING, l.used_ring + 8, 8, elem);
		EXPECT_BARRIER(1, SIDE_DEV, AMP_BARRIER_WRITE);
		EXPECT_W16(2, SIDE_DEV, l.used + 2, 2);
		EXPECT_BARRIER(3, SIDE_DEV, AMP_BARRIER_WRITE);
		EXPECT_NOTIFY(4, SIDE_DEV);
		EXPECT_COUNT(5);

		/* Batched: two elements, one barrier, one index. */
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), 0);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), 0);
		CHECK_EQ(drv_add_buf(&rp, 2, 64, true), 0);
		CHECK_EQ(drv_add_buf(&rp, 3, 64, true), 0);
		amp_vring_drv_kick(&rp.drv);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 1), 0);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		log_reset(&rp);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 2), 0);
		amp_vring_dev_publish(&rp.dev);
		amp_vring_dev_publish(&rp.dev);
		EXPECT_WRITE(0, SIDE_DEV, REG_RING, l.used_ring + 8 * 3, 8, NULL);
		EXPECT_BARRIER(1, SIDE_DEV, AMP_BARRIER_WRITE);
		EXPECT_W16(2, SIDE_DEV, l.used + 2, 4);
		EXPECT_COUNT(3);
		ring_pair_fini(&rp);
	}
}

static void test_notification_writes_without_event_idx(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_layout l;
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, 8, 16, 0, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);

		log_reset(&rp);
		amp_vring_drv_disable_cb(&rp.drv);
		EXPECT_W16(0, SIDE_DRV, l.avail, AMP_VRING_AVAIL_F_NO_INTERRUPT);
		EXPECT_COUNT(1);
		amp_vring_drv_disable_cb(&rp.drv);
		EXPECT_COUNT(1);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		EXPECT_W16(1, SIDE_DRV, l.avail, 0);
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_FULL);
		EXPECT_COUNT(3);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		EXPECT_BARRIER(3, SIDE_DRV, AMP_BARRIER_FULL);
		EXPECT_COUNT(4);

		log_reset(&rp);
		amp_vring_dev_disable_notify(&rp.dev);
		EXPECT_W16(0, SIDE_DEV, l.used, AMP_VRING_USED_F_NO_NOTIFY);
		EXPECT_COUNT(1);
		amp_vring_dev_disable_notify(&rp.dev);
		EXPECT_COUNT(1);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		EXPECT_W16(1, SIDE_DEV, l.used, 0);
		EXPECT_BARRIER(2, SIDE_DEV, AMP_BARRIER_FULL);
		EXPECT_COUNT(3);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		EXPECT_BARRIER(3, SIDE_DEV, AMP_BARRIER_FULL);
		EXPECT_COUNT(4);
		ring_pair_fini(&rp);
	}
}

static void test_notification_writes_with_event_idx(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_chain c = {0};
		struct amp_vring_layout l;
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, 8, 16, F_EVENT_IDX, order) == 0);
		hp_dirty_entries(&rp);
		l = hp_layout(&rp);

		/* Nothing collected or taken yet: "never" is 0 - 1. */
		log_reset(&rp);
		amp_vring_drv_disable_cb(&rp.drv);
		EXPECT_W16(0, SIDE_DRV, l.used_event, 0xffff);
		amp_vring_dev_disable_notify(&rp.dev);
		EXPECT_W16(1, SIDE_DEV, l.avail_event, 0xffff);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		EXPECT_W16(2, SIDE_DRV, l.used_event, 0);
		EXPECT_BARRIER(3, SIDE_DRV, AMP_BARRIER_FULL);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		EXPECT_W16(4, SIDE_DEV, l.avail_event, 0);
		EXPECT_BARRIER(5, SIDE_DEV, AMP_BARRIER_FULL);
		EXPECT_COUNT(6);

		/* Taking a chain moves avail_event past it. */
		CHECK_EQ(drv_add_buf(&rp, 0, 64, true), 0);
		amp_vring_drv_kick(&rp.drv);
		log_reset(&rp);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		EXPECT_BARRIER(0, SIDE_DEV, AMP_BARRIER_READ);
		EXPECT_W16(1, SIDE_DEV, l.avail_event, 1);
		EXPECT_COUNT(2);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 0), 0);
		amp_vring_dev_kick(&rp.dev);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), 0);

		/* After one exchange: disable parks one behind, enable points at the next. */
		log_reset(&rp);
		amp_vring_drv_disable_cb(&rp.drv);
		EXPECT_W16(0, SIDE_DRV, l.used_event, 0);
		amp_vring_dev_disable_notify(&rp.dev);
		EXPECT_W16(1, SIDE_DEV, l.avail_event, 0);
		EXPECT_COUNT(2);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		EXPECT_W16(2, SIDE_DRV, l.used_event, 1);
		EXPECT_BARRIER(3, SIDE_DRV, AMP_BARRIER_FULL);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		EXPECT_W16(4, SIDE_DEV, l.avail_event, 1);
		EXPECT_BARRIER(5, SIDE_DEV, AMP_BARRIER_FULL);
		EXPECT_COUNT(6);

		/* Notifications disabled: taking a chain leaves avail_event alone. */
		amp_vring_dev_disable_notify(&rp.dev);
		CHECK_EQ(drv_add_buf(&rp, 1, 64, true), 0);
		amp_vring_drv_kick(&rp.drv);
		log_reset(&rp);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		EXPECT_BARRIER(0, SIDE_DEV, AMP_BARRIER_READ);
		EXPECT_COUNT(1);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, 0), 0);
		amp_vring_dev_kick(&rp.dev);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), 0);
		(void)amp_vring_dev_enable_notify(&rp.dev);

		/* With EVENT_IDX the flags words stay 0 and are never written. */
		log_reset(&rp);
		amp_vring_drv_disable_cb(&rp.drv);
		amp_vring_dev_disable_notify(&rp.dev);
		(void)amp_vring_drv_enable_cb(&rp.drv);
		(void)amp_vring_dev_enable_notify(&rp.dev);
		for (size_t i = 0; i < evlog.n; i++) {
			const struct ev *e = &evlog.ev[i];

			if (e->type == EV_WRITE && e->region == REG_RING &&
			    (e->off == l.avail || e->off == l.used))
				ev_fail(i, "a store outside the flags words", __LINE__);
		}
		ring_pair_fini(&rp);
	}
}

/* Loads are never hooked: only the READ barrier that orders a fresh index shows. */
static void test_loads_not_hooked(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_chain c = {0};
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, 8, 16, 0, order) == 0);
		hp_dirty_entries(&rp);

		/* Nothing published: the index is read, no barrier. */
		log_reset(&rp);
		CHECK(!amp_vring_dev_has_avail(&rp.dev));
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
		CHECK(!amp_vring_drv_has_used(&rp.drv));
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), -AMP_EAGAIN);
		EXPECT_COUNT(0);

		for (uint32_t i = 0; i < 2; i++)
			CHECK_EQ(drv_add_buf(&rp, i, 64, true), 0);
		amp_vring_drv_publish(&rp.drv);

		/* The device: one READ barrier when it refreshes avail.idx, none while the
		 * cached index covers the next entry. */
		log_reset(&rp);
		CHECK(amp_vring_dev_has_avail(&rp.dev));
		EXPECT_COUNT(0);
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		EXPECT_BARRIER(0, SIDE_DEV, AMP_BARRIER_READ);
		EXPECT_COUNT(1);
		CHECK(amp_vring_dev_has_avail(&rp.dev));
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), 0);
		EXPECT_COUNT(1);
		CHECK(!amp_vring_dev_has_avail(&rp.dev));
		CHECK_EQ(amp_vring_dev_get_avail(&rp.dev, &c), -AMP_EAGAIN);
		EXPECT_COUNT(1);

		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, 0, 1), 0);
		CHECK_EQ(amp_vring_dev_add_used(&rp.dev, 1, 2), 0);
		amp_vring_dev_publish(&rp.dev);

		/* The driver, the same way. */
		log_reset(&rp);
		CHECK(amp_vring_drv_has_used(&rp.drv));
		EXPECT_COUNT(0);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), 0);
		EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_READ);
		EXPECT_COUNT(1);
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), 0);
		EXPECT_COUNT(1);
		CHECK(!amp_vring_drv_has_used(&rp.drv));
		CHECK_EQ(amp_vring_drv_get_used(&rp.drv, NULL, NULL), -AMP_EAGAIN);
		EXPECT_COUNT(1);
		CHECK_EQ(amp_vring_drv_num_free(&rp.drv), 8);
		ring_pair_fini(&rp);
	}
}

/* Non-palindromic indices (0x0102) as literal bytes, on both byte orders. */
static void test_idx_bytes_follow_ring_order(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_chain c = {0};
		struct amp_vring_layout l;
		struct ring_pair rp;
		const struct ev *e;

		REQUIRE(hp_init(&rp, 4, 16, 0, order) == 0);
		l = hp_layout(&rp);
		for (uint32_t i = 1; i <= 0x0102; i++) {
			/* Earlier laps stored the same entries; make the last lap store them all.
			 */
			if (i == 0x0102)
				hp_dirty_entries(&rp);
			log_reset(&rp);
			REQUIRE(drv_add_buf(&rp, 0, 0x0304, true) == 0);
			amp_vring_drv_publish(&rp.drv);
			REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
			REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0x0201) == 0);
			amp_vring_dev_publish(&rp.dev);
			REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, NULL) == 0);
		}
		/* desc, entry, WRITE, avail.idx, READ, used elem, WRITE, used.idx, READ */
		EXPECT_COUNT(9);
		e = &evlog.ev[0];
		CHECK(e->type == EV_WRITE && e->len == 16);
		if (order == AMP_BIG_ENDIAN) {
			/* da 0x80000000 + offset, len 0x304, flags WRITE, next 0 */
			CHECK(e->bytes[0] == 0 && e->bytes[3] == 0 && e->bytes[4] == 0x80);
			CHECK(e->bytes[8] == 0 && e->bytes[9] == 0 && e->bytes[10] == 0x03 &&
			      e->bytes[11] == 0x04);
			CHECK(e->bytes[12] == 0 && e->bytes[13] == 2);
		} else {
			CHECK(e->bytes[7] == 0 && e->bytes[4] == 0 && e->bytes[3] == 0x80);
			CHECK(e->bytes[8] == 0x04 && e->bytes[9] == 0x03 && e->bytes[10] == 0 &&
			      e->bytes[11] == 0);
			CHECK(e->bytes[12] == 2 && e->bytes[13] == 0);
		}
		EXPECT_BARRIER(2, SIDE_DRV, AMP_BARRIER_WRITE);
		e = &evlog.ev[3];
		CHECK(e->type == EV_WRITE && e->off == l.avail + 2 && e->len == 2);
		e = &evlog.ev[7];
		CHECK(e->type == EV_WRITE && e->off == l.used + 2 && e->len == 2);
		for (size_t i = 3; i <= 7; i += 4) {
			e = &evlog.ev[i];
			if (order == AMP_BIG_ENDIAN)
				CHECK(e->bytes[0] == 0x01 && e->bytes[1] == 0x02);
			else
				CHECK(e->bytes[0] == 0x02 && e->bytes[1] == 0x01);
		}
		e = &evlog.ev[5];
		CHECK(e->type == EV_WRITE && e->len == 8);
		if (order == AMP_BIG_ENDIAN)
			CHECK(e->bytes[4] == 0 && e->bytes[5] == 0 && e->bytes[6] == 0x02 &&
			      e->bytes[7] == 0x01);
		else
			CHECK(e->bytes[4] == 0x01 && e->bytes[5] == 0x02 && e->bytes[6] == 0 &&
			      e->bytes[7] == 0);
		ring_pair_fini(&rp);
	}
}

/*
 * A lap that stores the same descriptor, available entry and used element as the previous one
 * skips those stores: only the barriers and the two index stores remain, and both sides still
 * read the right values. A changed value is stored again.
 */
static void test_unchanged_entries_not_rewritten(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		enum amp_byte_order order = orders[o];
		struct amp_vring_elem e;
		struct amp_vring_chain c = {.elems = &e, .max_elems = 1};
		struct amp_vring_layout l;
		struct ring_pair rp;
		uint32_t len;

		REQUIRE(hp_init(&rp, 1, 16, 0, order) == 0);
		l = hp_layout(&rp);
		for (int lap = 0; lap < 3; lap++) {
			uint32_t size = lap < 2 ? 48 : 40;

			log_reset(&rp);
			REQUIRE(drv_add_buf(&rp, 0, size, true) == 0);
			amp_vring_drv_publish(&rp.drv);
			REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
			CHECK_EQ(e.len, size);
			CHECK_EQ(e.da, buf_da(&rp, 0));
			REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 16) == 0);
			amp_vring_dev_publish(&rp.dev);
			REQUIRE(amp_vring_drv_get_used(&rp.drv, &len, NULL) == 0);
			CHECK_EQ(len, 16);
			if (lap == 1) {
				/* Same buffer, length, position and result as lap 0. */
				EXPECT_BARRIER(0, SIDE_DRV, AMP_BARRIER_WRITE);
				EXPECT_W16(1, SIDE_DRV, l.avail + 2, 2);
				EXPECT_BARRIER(2, SIDE_DEV, AMP_BARRIER_READ);
				EXPECT_BARRIER(3, SIDE_DEV, AMP_BARRIER_WRITE);
				EXPECT_W16(4, SIDE_DEV, l.used + 2, 2);
				EXPECT_BARRIER(5, SIDE_DRV, AMP_BARRIER_READ);
				EXPECT_COUNT(6);
			} else if (lap == 2) {
				/* A new length: the descriptor is stored again, nothing else. */
				EXPECT_DESC(0, REG_RING, 0, buf_da(&rp, 0), 40, D_WRITE, 0);
				EXPECT_BARRIER(1, SIDE_DRV, AMP_BARRIER_WRITE);
				EXPECT_W16(2, SIDE_DRV, l.avail + 2, 3);
				EXPECT_COUNT(7);
			}
		}
		ring_pair_fini(&rp);
	}
}

/* ---------------------------------------------------------------- ownership over a session */

static uint64_t rng;

static uint32_t rnd_below(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* The driver's part of the ring ([desc, used_event + 2)), and the indirect tables. */
static bool drv_store_allowed(const struct ev *e, const struct amp_vring_layout *l)
{
	if (e->region == REG_RING)
		return e->off + e->len <= l->used_event + 2;
	return e->region == REG_BUF && e->off >= TABLE_LO && e->off + e->len <= NBUFS * BUF_SIZE;
}

/*
 * A long random session of both roles (adds, chains, indirect chains, kicks, takes, returns,
 * notification toggles). Afterwards every store is checked against the ownership table of
 * wire-format.md §5.5: the device writes only [used, size) of the ring and no buffer; the driver
 * writes only [desc, used_event + 2) of the ring, and of the buffers only its indirect tables.
 */
static void test_ring_ownership_over_a_session(void)
{
	static const struct {
		uint64_t features;
		enum amp_byte_order order;
	} cfgs[] = {
		{0, AMP_LITTLE_ENDIAN},
		{F_EVENT_IDX, AMP_BIG_ENDIAN},
		{F_EVENT_IDX | F_INDIRECT, AMP_LITTLE_ENDIAN},
		{F_INDIRECT, AMP_BIG_ENDIAN},
	};

	rng = 0x0123456789abcdefull;
	for (size_t k = 0; k < ARRAY_SIZE(cfgs); k++) {
		unsigned int returned = 0, drv_writes = 0, dev_writes = 0, notifies = 0;
		bool outstanding[NBUFS] = {false};
		struct amp_vring_layout l;
		struct ring_pair rp;

		REQUIRE(hp_init(&rp, 8, 16, cfgs[k].features, cfgs[k].order) == 0);
		l = hp_layout(&rp);
		log_reset(&rp);
		for (int step = 0; step < 2000 && evlog.n < EV_MAX - 64; step++) {
			uint32_t r = rnd_below(12);
			struct amp_vring_elem e[4];
			struct amp_vring_chain c = {.elems = e, .max_elems = 4};
			uint32_t b = rnd_below(4); /* a "message" of three buffers 3b..3b+2 */
			struct amp_vring_sg sg[3];
			void *tok;
			int rc;

			for (uint32_t i = 0; i < 3; i++)
				sg[i] = (struct amp_vring_sg){ring_pair_buf(&rp, 3 * b + i), 64};
			if (r < 3 && !outstanding[b]) {
				if (r == 0)
					rc = amp_vring_drv_add_buf(&rp.drv, sg[0].va, 64,
								   rnd_below(2), TOK(b));
				else if (r == 1 || !(cfgs[k].features & F_INDIRECT))
					rc = amp_vring_drv_add(&rp.drv, sg, 1, 2, TOK(b));
				else
					rc = amp_vring_drv_add_indirect(&rp.drv, sg, 2, 1,
									ring_pair_buf(&rp, 12 + b),
									TOK(b));
				if (rc == 0)
					outstanding[b] = true;
				else
					CHECK_EQ(rc, -AMP_ENOSPC);
			} else if (r == 3) {
				amp_vring_drv_kick(&rp.drv);
			} else if (r == 4) {
				amp_vring_drv_publish(&rp.drv);
			} else if (r == 5) {
				while (amp_vring_dev_get_avail(&rp.dev, &c) == 0) {
					uint32_t len = rnd_below(c.writable_len + 1);

					CHECK_EQ(amp_vring_dev_add_used(&rp.dev, c.head, len), 0);
				}
			} else if (r == 6) {
				amp_vring_dev_kick(&rp.dev);
			} else if (r == 7) {
				while (amp_vring_drv_get_used(&rp.drv, NULL, &tok) == 0) {
					uintptr_t t = (uintptr_t)tok - (uintptr_t)TOK(0);

					REQUIRE(t < 4 && outstanding[t]);
					outstanding[t] = false;
					returned++;
				}
			} else if (r == 8) {
				if (rnd_below(2))
					amp_vring_drv_disable_cb(&rp.drv);
				else
					(void)amp_vring_drv_enable_cb(&rp.drv);
			} else if (r == 9) {
				if (rnd_below(2))
					amp_vring_dev_disable_notify(&rp.dev);
				else
					(void)amp_vring_dev_enable_notify(&rp.dev);
			} else if (r == 10) {
				(void)amp_vring_drv_kick_prepare(&rp.drv);
				(void)amp_vring_dev_kick_prepare(&rp.dev);
			} else {
				amp_vring_dev_publish(&rp.dev);
			}
		}
		CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
		CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
		CHECK_EQ(evlog.lost, 0);

		for (size_t i = 0; i < evlog.n; i++) {
			const struct ev *e = &evlog.ev[i];

			if (e->type == EV_NOTIFY)
				notifies++;
			if (e->type != EV_WRITE)
				continue;
			if (e->side == SIDE_DEV) {
				dev_writes++;
				if (e->region != REG_RING || e->off < l.used ||
				    e->off + e->len > l.size)
					ev_fail(i, "a device store inside the used area", __LINE__);
			} else if (e->side == SIDE_DRV) {
				drv_writes++;
				if (!drv_store_allowed(e, &l))
					ev_fail(i, "a driver store inside the driver area",
						__LINE__);
			} else {
				ev_fail(i, "a store by a ring handle", __LINE__);
			}
		}
		/* The session did real work. */
		CHECK(returned > 100);
		CHECK(drv_writes > 300);
		CHECK(dev_writes > 150);
		CHECK(notifies > 30);
		ring_pair_fini(&rp);
	}
}

/* ---------------------------------------------------------------- io entry points */

static void test_io_write_and_fill_through_hook(void)
{
	struct amp_io io = {&rec_ops, &io_side, AMP_LITTLE_ENDIAN};
	struct amp_io plain = {NULL, NULL, AMP_LITTLE_ENDIAN};
	uint8_t src[100];
	struct ring_pair rp;
	uint8_t *buf;
	size_t next, total = 0;

	REQUIRE(hp_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN) == 0);
	buf = ring_pair_buf(&rp, 2);
	memset(buf, 0xa5, 2 * BUF_SIZE);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);

	log_reset(&rp);
	amp_io_write(&io, buf, src, sizeof(src));
	EXPECT_WRITE(0, SIDE_IO, REG_BUF, 2 * BUF_SIZE, sizeof(src), src);
	EXPECT_COUNT(1);
	CHECK(memcmp(buf, src, sizeof(src)) == 0);

	log_reset(&rp);
	amp_io_fill(&io, buf + 100, 0x5a, 200);
	CHECK(evlog.n >= 1);
	next = 2 * BUF_SIZE + 100;
	for (size_t i = 0; i < evlog.n; i++) {
		const struct ev *e = &evlog.ev[i];

		if (e->type != EV_WRITE || e->side != SIDE_IO || e->region != REG_BUF ||
		    e->off != next || !e->uniform || e->bytes[0] != 0x5a) {
			ev_fail(i, "the next fill store", __LINE__);
			break;
		}
		next += e->len;
		total += e->len;
	}
	CHECK_EQ(total, 200);
	for (size_t i = 100; i < 300; i++)
		CHECK_EQ(buf[i], 0x5a);
	CHECK_EQ(buf[99], src[99]);
	CHECK_EQ(buf[300], 0xa5);

	/* Without ops the hooked build stores directly. */
	log_reset(&rp);
	amp_io_write(&plain, buf + 400, src, 10);
	amp_io_fill(&plain, buf + 410, 0x11, 10);
	EXPECT_COUNT(0);
	CHECK(memcmp(buf + 400, src, 10) == 0);
	CHECK_EQ(buf[419], 0x11);
	CHECK_EQ(buf[420], 0xa5);
	ring_pair_fini(&rp);
}

static void test_incomplete_hook_table_rejected(void)
{
	static const struct amp_io_ops no_barrier = {rec_write, NULL};
	static const struct amp_io_ops no_write = {NULL, rec_barrier};
	const struct amp_io_ops *bad[] = {&no_barrier, &no_write};
	struct amp_vring drv, dev;
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, NBUFS, BUF_SIZE) == 0);
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct amp_vring_config dcfg = rp.drv_cfg, vcfg = rp.dev_cfg;
		bool untouched = true;

		dcfg.io.ops = bad[k];
		dcfg.io.ctx = &drv_side;
		vcfg.io.ops = bad[k];
		vcfg.io.ctx = &dev_side;
		memset(rp.mem, 0xa5, rp.ring_size);
		log_reset(&rp);
		CHECK_EQ(amp_io_check(&dcfg.io), -AMP_EINVAL);
		CHECK_EQ(amp_vring_drv_init(&drv, &dcfg), -AMP_EINVAL);
		CHECK_EQ(amp_vring_dev_init(&dev, &vcfg), -AMP_EINVAL);
		EXPECT_COUNT(0);
		for (size_t i = 0; i < rp.ring_size; i++)
			untouched = untouched && rp.mem[i] == 0xa5;
		CHECK(untouched);
	}

	/* An invalid byte order is refused too; no ops at all is the plain behaviour. */
	{
		struct amp_vring_config dcfg = rp.drv_cfg;

		dcfg.io.order = (enum amp_byte_order)2;
		CHECK_EQ(amp_vring_drv_init(&drv, &dcfg), -AMP_EINVAL);
		dcfg = rp.drv_cfg;
		CHECK(dcfg.io.ops == NULL);
		log_reset(&rp);
		CHECK_EQ(amp_vring_drv_init(&drv, &dcfg), 0);
		CHECK_EQ(amp_vring_drv_add_buf(&drv, ring_pair_buf(&rp, 0), 8, true, TOK(0)), 0);
		CHECK(amp_vring_drv_kick(&drv));
		EXPECT_COUNT(0);
	}
	ring_pair_fini(&rp);
}

/* The plain build must refuse hooks rather than silently skip them (the trace would lie). */
static void test_plain_build_refuses_hooks(void)
{
	struct amp_vring drv, dev;
	struct ring_pair rp;

	CHECK(!amp_io_hooks_available());
	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, NBUFS, BUF_SIZE) == 0);
	rp.drv_cfg.io.ops = &rec_ops;
	rp.dev_cfg.io.ops = &rec_ops;
	CHECK_EQ(amp_io_check(&rp.drv_cfg.io), -AMP_ENOTSUP);
	CHECK_EQ(amp_vring_drv_init(&drv, &rp.drv_cfg), -AMP_ENOTSUP);
	CHECK_EQ(amp_vring_dev_init(&dev, &rp.dev_cfg), -AMP_ENOTSUP);
	ring_pair_fini(&rp);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_hooks_available),
		TEST(test_drv_init_zeroes_ring_through_hook),
		TEST(test_drv_add_buf_publish_order),
		TEST(test_drv_batched_publish),
		TEST(test_drv_kick_prepare_and_kick),
		TEST(test_drv_get_used_event_idx),
		TEST(test_dev_add_used_publish_order),
		TEST(test_notification_writes_without_event_idx),
		TEST(test_notification_writes_with_event_idx),
		TEST(test_loads_not_hooked),
		TEST(test_idx_bytes_follow_ring_order),
		TEST(test_unchanged_entries_not_rewritten),
		TEST(test_ring_ownership_over_a_session),
		TEST(test_io_write_and_fill_through_hook),
		TEST(test_incomplete_hook_table_rejected),
	};
	static const struct test plain_tests[] = {
		TEST(test_plain_build_refuses_hooks),
	};

	if (!amp_io_hooks_available()) {
		printf("plain build: only checking that hooks are refused\n");
		return run_tests(plain_tests, ARRAY_SIZE(plain_tests));
	}
	return run_tests(tests, ARRAY_SIZE(tests));
}
