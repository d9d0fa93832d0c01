// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the notification decisions of the split ring: the flags words without
 * EVENT_IDX, used_event / avail_event with it (including the need_event examples of
 * wire-format.md §5.8 reached through the API), the re-check done by enable_cb / enable_notify,
 * the notify callback, and the notification forced after 65535 unsignalled additions.
 *
 * The peer's event field is overwritten in raw ring memory where a test needs a value the API
 * would not produce by itself; offsets come from amp_vring_layout().
 */
#include <stdint.h>

#include "amp/error.h"
#include "amp/vring.h"
#include "ring_pair.h"
#include "testing.h"

#define F_EVENT_IDX AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX)

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

/* ---------------------------------------------------------------- raw ring access */

static struct amp_vring_layout layout_of(const struct ring_pair *rp)
{
	struct amp_vring_layout l;

	memset(&l, 0, sizeof(l));
	amp_vring_layout(rp->num, rp->align, &l);
	return l;
}

static uint16_t rd16(const struct ring_pair *rp, size_t off)
{
	const uint8_t *p = rp->mem + off;

	if (rp->drv_cfg.io.order == AMP_BIG_ENDIAN)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

static void wr16(struct ring_pair *rp, size_t off, uint16_t v)
{
	uint8_t *p = rp->mem + off;

	if (rp->drv_cfg.io.order == AMP_BIG_ENDIAN) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

static uint16_t raw_avail_flags(const struct ring_pair *rp)
{
	return rd16(rp, layout_of(rp).avail);
}

static uint16_t raw_used_flags(const struct ring_pair *rp)
{
	return rd16(rp, layout_of(rp).used);
}

static uint16_t raw_used_event(const struct ring_pair *rp)
{
	return rd16(rp, layout_of(rp).used_event);
}

static uint16_t raw_avail_event(const struct ring_pair *rp)
{
	return rd16(rp, layout_of(rp).avail_event);
}

static void *tok(uint32_t i)
{
	return (void *)(uintptr_t)(0x30000u + i);
}

/* ---------------------------------------------------------------- traffic helpers */

/* Driver: queue @n single writable buffers; publish when @publish. */
static int drv_post(struct ring_pair *rp, uint32_t n, bool publish)
{
	for (uint32_t i = 0; i < n; i++) {
		int err = amp_vring_drv_add_buf(&rp->drv, rp->bufs, rp->buf_size, true, tok(i));

		if (err)
			return err;
	}
	if (publish)
		amp_vring_drv_publish(&rp->drv);
	return 0;
}

/* Device: take everything available and return it (len 0); publish when @publish. */
static int dev_serve(struct ring_pair *rp, bool publish)
{
	struct amp_vring_chain c = {0};
	int n = 0, err;

	while ((err = amp_vring_dev_get_avail(&rp->dev, &c)) == 0) {
		err = amp_vring_dev_add_used(&rp->dev, c.head, 0);
		if (err)
			return err;
		n++;
	}
	if (err != -AMP_EAGAIN)
		return err;
	if (publish)
		amp_vring_dev_publish(&rp->dev);
	return n;
}

/* Driver: collect everything used; the count or a negative error. */
static int drv_collect(struct ring_pair *rp)
{
	int n = 0, err;

	while ((err = amp_vring_drv_get_used(&rp->drv, NULL, NULL)) == 0)
		n++;
	return err == -AMP_EAGAIN ? n : err;
}

/*
 * Run @count one-buffer round trips, with a notification decision on both sides after every
 * publication, so that afterwards each side's last decision covers everything it published.
 */
static int advance(struct ring_pair *rp, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		if (drv_post(rp, 1, true))
			return -1;
		amp_vring_drv_kick_prepare(&rp->drv);
		if (dev_serve(rp, true) != 1)
			return -1;
		amp_vring_dev_kick_prepare(&rp->dev);
		if (drv_collect(rp) != 1)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- without EVENT_IDX */

static void test_drv_kick_prepare_follows_used_flags(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct ring_pair rp;

		REQUIRE(ring_pair_init(&rp, 8, 16, 0, orders[o], 1, 64) == 0);
		CHECK_EQ(raw_used_flags(&rp), 0);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		CHECK(amp_vring_drv_kick_prepare(&rp.drv));

		amp_vring_dev_disable_notify(&rp.dev);
		CHECK_EQ(raw_used_flags(&rp), AMP_VRING_USED_F_NO_NOTIFY);
		/* Disabling twice keeps the flag. */
		amp_vring_dev_disable_notify(&rp.dev);
		CHECK_EQ(raw_used_flags(&rp), AMP_VRING_USED_F_NO_NOTIFY);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		REQUIRE(drv_post(&rp, 2, true) == 0);
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));

		/* Buffers are pending, so enabling reports them. */
		CHECK(amp_vring_dev_enable_notify(&rp.dev));
		CHECK_EQ(raw_used_flags(&rp), 0);
		REQUIRE(dev_serve(&rp, true) == 4);
		REQUIRE(drv_collect(&rp) == 4);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		CHECK(amp_vring_drv_kick_prepare(&rp.drv));
		ring_pair_fini(&rp);
	}
}

static void test_dev_kick_prepare_follows_avail_flags(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct ring_pair rp;

		REQUIRE(ring_pair_init(&rp, 8, 16, 0, orders[o], 1, 64) == 0);
		CHECK_EQ(raw_avail_flags(&rp), 0);
		REQUIRE(drv_post(&rp, 4, true) == 0);
		REQUIRE(dev_serve(&rp, true) == 4);
		CHECK(amp_vring_dev_kick_prepare(&rp.dev));
		REQUIRE(drv_collect(&rp) == 4);

		amp_vring_drv_disable_cb(&rp.drv);
		CHECK_EQ(raw_avail_flags(&rp), AMP_VRING_AVAIL_F_NO_INTERRUPT);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		REQUIRE(dev_serve(&rp, true) == 1);
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));

		/* The used buffer is waiting, so enabling reports it. */
		CHECK(amp_vring_drv_enable_cb(&rp.drv));
		CHECK_EQ(raw_avail_flags(&rp), 0);
		REQUIRE(drv_collect(&rp) == 1);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		REQUIRE(dev_serve(&rp, true) == 1);
		CHECK(amp_vring_dev_kick_prepare(&rp.dev));
		ring_pair_fini(&rp);
	}
}

static void test_kick_prepare_needs_something_new(void)
{
	for (int ev = 0; ev < 2; ev++) {
		struct ring_pair rp;

		REQUIRE(ring_pair_init(&rp, 8, 16, ev ? F_EVENT_IDX : 0, AMP_LITTLE_ENDIAN, 1,
				       64) == 0);
		/* Nothing published yet. */
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
		/* Added but not published is not new either. */
		REQUIRE(drv_post(&rp, 1, false) == 0);
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		amp_vring_drv_publish(&rp.drv);
		CHECK(amp_vring_drv_kick_prepare(&rp.drv));
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));

		REQUIRE(dev_serve(&rp, false) == 1);
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
		amp_vring_dev_publish(&rp.dev);
		CHECK(amp_vring_dev_kick_prepare(&rp.dev));
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
		REQUIRE(drv_collect(&rp) == 1);
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		ring_pair_fini(&rp);
	}
}

static void test_kick_calls_notify(void)
{
	struct ring_pair rp;
	struct amp_vring_layout l;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	l = layout_of(&rp);
	REQUIRE(drv_post(&rp, 2, false) == 0);
	/* drv_kick publishes, decides and notifies. */
	CHECK(amp_vring_drv_kick(&rp.drv));
	CHECK_EQ(rd16(&rp, l.avail + 2), 2);
	CHECK_EQ(rp.drv_kicks, 1);
	CHECK_EQ(rp.dev_kicks, 0);
	/* Nothing new: no notification. */
	CHECK(!amp_vring_drv_kick(&rp.drv));
	CHECK_EQ(rp.drv_kicks, 1);
	/* Suppressed by the device: published, not notified. */
	amp_vring_dev_disable_notify(&rp.dev);
	REQUIRE(drv_post(&rp, 1, false) == 0);
	CHECK(!amp_vring_drv_kick(&rp.drv));
	CHECK_EQ(rd16(&rp, l.avail + 2), 3);
	CHECK_EQ(rp.drv_kicks, 1);
	CHECK(amp_vring_dev_enable_notify(&rp.dev));

	REQUIRE(dev_serve(&rp, false) == 3);
	CHECK(amp_vring_dev_kick(&rp.dev));
	CHECK_EQ(rd16(&rp, l.used + 2), 3);
	CHECK_EQ(rp.dev_kicks, 1);
	CHECK(!amp_vring_dev_kick(&rp.dev));
	CHECK_EQ(rp.dev_kicks, 1);
	REQUIRE(drv_collect(&rp) == 3);
	amp_vring_drv_disable_cb(&rp.drv);
	REQUIRE(drv_post(&rp, 1, false) == 0);
	CHECK(amp_vring_drv_kick(&rp.drv));
	CHECK_EQ(rp.drv_kicks, 2);
	REQUIRE(dev_serve(&rp, false) == 1);
	CHECK(!amp_vring_dev_kick(&rp.dev));
	CHECK_EQ(rd16(&rp, l.used + 2), 4);
	CHECK_EQ(rp.dev_kicks, 1);
	CHECK_EQ(rp.drv_kicks, 2);
	ring_pair_fini(&rp);
}

/* With no callback, kick still decides (and reports the decision) without calling anything. */
static void test_kick_without_callback(void)
{
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	rp.drv_cfg.notify = NULL;
	rp.dev_cfg.notify = NULL;
	REQUIRE(amp_vring_drv_init(&rp.drv, &rp.drv_cfg) == 0);
	REQUIRE(amp_vring_dev_init(&rp.dev, &rp.dev_cfg) == 0);
	REQUIRE(drv_post(&rp, 1, false) == 0);
	CHECK(amp_vring_drv_kick(&rp.drv));
	REQUIRE(dev_serve(&rp, false) == 1);
	CHECK(amp_vring_dev_kick(&rp.dev));
	CHECK_EQ(rp.drv_kicks, 0);
	CHECK_EQ(rp.dev_kicks, 0);
	ring_pair_fini(&rp);
}

/* enable_cb / enable_notify re-check for work that arrived while disabled. */
static void test_enable_rechecks_pending_work(void)
{
	for (int ev = 0; ev < 2; ev++) {
		struct ring_pair rp;

		REQUIRE(ring_pair_init(&rp, 8, 16, ev ? F_EVENT_IDX : 0, AMP_BIG_ENDIAN, 1, 64) ==
			0);
		/* Nothing pending anywhere. */
		amp_vring_drv_disable_cb(&rp.drv);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		amp_vring_dev_disable_notify(&rp.dev);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		/* Enabling while enabled is harmless and still re-checks. */
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));

		/* A buffer published while the device had notifications off. */
		amp_vring_dev_disable_notify(&rp.dev);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		CHECK(amp_vring_dev_enable_notify(&rp.dev));
		/* Queued but unpublished does not count. */
		REQUIRE(dev_serve(&rp, false) == 1);
		REQUIRE(drv_post(&rp, 1, false) == 0);
		amp_vring_dev_disable_notify(&rp.dev);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		amp_vring_drv_publish(&rp.drv);
		CHECK(amp_vring_dev_enable_notify(&rp.dev));
		REQUIRE(dev_serve(&rp, false) == 1);
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));

		/* Used buffers returned (but unpublished, then published) while the driver had
		 * callbacks off. */
		amp_vring_drv_disable_cb(&rp.drv);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		amp_vring_drv_disable_cb(&rp.drv);
		amp_vring_dev_publish(&rp.dev);
		CHECK(amp_vring_drv_enable_cb(&rp.drv));
		/* Still true until collected: the re-check looks at the ring, not at history. */
		CHECK(amp_vring_drv_enable_cb(&rp.drv));
		REQUIRE(drv_collect(&rp) == 2);
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		CHECK(!amp_vring_drv_has_used(&rp.drv));
		CHECK(!amp_vring_dev_has_avail(&rp.dev));
		ring_pair_fini(&rp);
	}
}

/* ---------------------------------------------------------------- with EVENT_IDX */

static void test_event_idx_leaves_flags_zero(void)
{
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, F_EVENT_IDX, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	amp_vring_drv_disable_cb(&rp.drv);
	amp_vring_dev_disable_notify(&rp.dev);
	CHECK_EQ(raw_avail_flags(&rp), 0);
	CHECK_EQ(raw_used_flags(&rp), 0);
	REQUIRE(drv_post(&rp, 1, true) == 0);
	REQUIRE(dev_serve(&rp, true) == 1);
	REQUIRE(drv_collect(&rp) == 1);
	amp_vring_drv_enable_cb(&rp.drv);
	amp_vring_dev_enable_notify(&rp.dev);
	CHECK_EQ(raw_avail_flags(&rp), 0);
	CHECK_EQ(raw_used_flags(&rp), 0);
	ring_pair_fini(&rp);
}

struct event_case {
	uint16_t old_idx, new_idx, ev;
	bool notify;
};

/* wire-format.md §5.8 examples first, then neighbours of each boundary. */
static const struct event_case event_cases[] = {
	{10, 11, 10, true},      {10, 11, 9, false},   {10, 14, 12, true},
	{65535, 1, 0, true},     {10, 11, 11, false},  {10, 14, 10, true},
	{10, 14, 13, true},      {10, 14, 14, false},  {10, 14, 9, false},
	{65535, 1, 65535, true}, {65535, 1, 1, false}, {65535, 1, 65534, false},
	{65530, 3, 65534, true}, {65530, 3, 2, true},  {65530, 3, 3, false},
	{0, 16, 15, true},       {0, 16, 0, true},     {0, 16, 16, false},
	{0, 16, 65535, false},
};

static uint16_t count_for(uint16_t from, uint16_t to)
{
	return (uint16_t)(to - from);
}

static void test_event_idx_drv_decisions(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(event_cases); i++) {
		const struct event_case *e = &event_cases[i];
		struct ring_pair rp;
		struct amp_vring_layout l;

		REQUIRE(ring_pair_init(&rp, 16, 16, F_EVENT_IDX, orders[i & 1], 1, 64) == 0);
		l = layout_of(&rp);
		REQUIRE(advance(&rp, e->old_idx) == 0);
		/* The driver's last decision covered old_idx. */
		CHECK_EQ(rd16(&rp, l.avail + 2), e->old_idx);
		CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
		REQUIRE(drv_post(&rp, count_for(e->old_idx, e->new_idx), true) == 0);
		CHECK_EQ(rd16(&rp, l.avail + 2), e->new_idx);
		wr16(&rp, l.avail_event, e->ev);
		if (amp_vring_drv_kick_prepare(&rp.drv) != e->notify) {
			fprintf(stderr, "drv: old %u new %u avail_event %u: expected %s\n",
				e->old_idx, e->new_idx, e->ev, e->notify ? "kick" : "no kick");
			test_failures++;
		}
		ring_pair_fini(&rp);
	}
}

static void test_event_idx_dev_decisions(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(event_cases); i++) {
		const struct event_case *e = &event_cases[i];
		struct ring_pair rp;
		struct amp_vring_layout l;

		REQUIRE(ring_pair_init(&rp, 16, 16, F_EVENT_IDX, orders[(i + 1) & 1], 1, 64) == 0);
		l = layout_of(&rp);
		REQUIRE(advance(&rp, e->old_idx) == 0);
		CHECK_EQ(rd16(&rp, l.used + 2), e->old_idx);
		CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
		REQUIRE(drv_post(&rp, count_for(e->old_idx, e->new_idx), true) == 0);
		REQUIRE(dev_serve(&rp, true) == count_for(e->old_idx, e->new_idx));
		CHECK_EQ(rd16(&rp, l.used + 2), e->new_idx);
		wr16(&rp, l.used_event, e->ev);
		if (amp_vring_dev_kick_prepare(&rp.dev) != e->notify) {
			fprintf(stderr, "dev: old %u new %u used_event %u: expected %s\n",
				e->old_idx, e->new_idx, e->ev, e->notify ? "kick" : "no kick");
			test_failures++;
		}
		ring_pair_fini(&rp);
	}
}

/*
 * A sweep through the wrap: every step publishes k = 1..4 buffers on each side and places the
 * peer's event index at old + d for d in -2..k+1; a notification is due iff 0 <= d < k.
 */
static void test_event_idx_sweep_across_wrap(void)
{
	struct ring_pair rp;
	struct amp_vring_layout l;
	uint16_t old = 0;
	uint32_t bad_drv = 0, bad_dev = 0, steps = 0, yes = 0;

	REQUIRE(ring_pair_init(&rp, 8, 16, F_EVENT_IDX, AMP_BIG_ENDIAN, 1, 64) == 0);
	l = layout_of(&rp);
	for (uint32_t total = 0; total < 140000; steps++) {
		uint16_t k = (uint16_t)(steps % 4 + 1);
		int d = (int)(steps % (uint32_t)(k + 4)) - 2;
		uint16_t ev = (uint16_t)(old + d);
		bool expect = d >= 0 && d < k;

		REQUIRE(drv_post(&rp, k, true) == 0);
		wr16(&rp, l.avail_event, ev);
		bad_drv += amp_vring_drv_kick_prepare(&rp.drv) != expect;
		REQUIRE(dev_serve(&rp, true) == k);
		wr16(&rp, l.used_event, ev);
		bad_dev += amp_vring_dev_kick_prepare(&rp.dev) != expect;
		REQUIRE(drv_collect(&rp) == k);
		yes += expect;
		old = (uint16_t)(old + k);
		total += k;
	}
	CHECK_EQ(bad_drv, 0);
	CHECK_EQ(bad_dev, 0);
	CHECK(yes > 1000 && yes < steps);
	CHECK_EQ(rp.drv_kicks + rp.dev_kicks, 0); /* decisions only, nothing forced */
	ring_pair_fini(&rp);
}

/* used_event = last collected used index, while callbacks are enabled. */
static void test_used_event_tracks_collection(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct ring_pair rp;
		uint16_t frozen;

		REQUIRE(ring_pair_init(&rp, 8, 16, F_EVENT_IDX, orders[o], 1, 64) == 0);
		CHECK_EQ(raw_used_event(&rp), 0);
		REQUIRE(drv_post(&rp, 5, true) == 0);
		REQUIRE(dev_serve(&rp, true) == 5);
		/* The device's decision covering the first five (the driver asked for them). */
		CHECK(amp_vring_dev_kick_prepare(&rp.dev));
		for (uint16_t i = 1; i <= 5; i++) {
			REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, NULL) == 0);
			CHECK_EQ(raw_used_event(&rp), i);
		}
		/* Disabled: the device must not see a due event for the next buffers, and
		 * collecting does not move used_event. */
		amp_vring_drv_disable_cb(&rp.drv);
		frozen = raw_used_event(&rp);
		CHECK(frozen != 5);
		for (int i = 0; i < 3; i++) {
			REQUIRE(drv_post(&rp, 1, true) == 0);
			REQUIRE(dev_serve(&rp, true) == 1);
			CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
			REQUIRE(drv_collect(&rp) == 1);
			CHECK_EQ(raw_used_event(&rp), frozen);
		}
		/* Enabled again: used_event = collected (8), and nothing is pending. */
		CHECK(!amp_vring_drv_enable_cb(&rp.drv));
		CHECK_EQ(raw_used_event(&rp), 8);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		REQUIRE(dev_serve(&rp, true) == 1);
		CHECK(amp_vring_dev_kick_prepare(&rp.dev));
		REQUIRE(drv_collect(&rp) == 1);
		CHECK_EQ(raw_used_event(&rp), 9);
		ring_pair_fini(&rp);
	}
}

/* avail_event = last taken available index, while notifications are enabled. */
static void test_avail_event_tracks_consumption(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_vring_chain c = {0};
		struct ring_pair rp;
		uint16_t frozen;

		REQUIRE(ring_pair_init(&rp, 8, 16, F_EVENT_IDX, orders[o], 1, 64) == 0);
		CHECK_EQ(raw_avail_event(&rp), 0);
		REQUIRE(drv_post(&rp, 5, true) == 0);
		for (uint16_t i = 1; i <= 5; i++) {
			REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
			CHECK_EQ(raw_avail_event(&rp), i);
			REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
		}
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(drv_collect(&rp) == 5);

		amp_vring_dev_disable_notify(&rp.dev);
		frozen = raw_avail_event(&rp);
		CHECK(frozen != 5);
		/* The decision covering the first five (the device asked for them). */
		CHECK(amp_vring_drv_kick_prepare(&rp.drv));
		for (int i = 0; i < 3; i++) {
			REQUIRE(drv_post(&rp, 1, true) == 0);
			CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
			REQUIRE(dev_serve(&rp, true) == 1);
			CHECK_EQ(raw_avail_event(&rp), frozen);
			REQUIRE(drv_collect(&rp) == 1);
		}
		CHECK(!amp_vring_dev_enable_notify(&rp.dev));
		CHECK_EQ(raw_avail_event(&rp), 8);
		REQUIRE(drv_post(&rp, 1, true) == 0);
		CHECK(amp_vring_drv_kick_prepare(&rp.drv));
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		CHECK_EQ(raw_avail_event(&rp), 9);
		ring_pair_fini(&rp);
	}
}

/* The whole event-index protocol between the two handles, no raw writes. */
static void test_event_idx_end_to_end(void)
{
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, F_EVENT_IDX, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	/* Device asks for the first buffer (avail_event 0). */
	REQUIRE(drv_post(&rp, 1, true) == 0);
	CHECK(amp_vring_drv_kick_prepare(&rp.drv));
	/* It has not taken it yet: a second buffer needs no second kick. */
	REQUIRE(drv_post(&rp, 1, true) == 0);
	CHECK(!amp_vring_drv_kick_prepare(&rp.drv));
	/* Once it took both it asks for index 2. */
	REQUIRE(dev_serve(&rp, false) == 2);
	CHECK_EQ(raw_avail_event(&rp), 2);
	REQUIRE(drv_post(&rp, 3, true) == 0);
	CHECK(amp_vring_drv_kick_prepare(&rp.drv));

	/* Driver asked for the first used buffer (used_event 0). */
	amp_vring_dev_publish(&rp.dev); /* used.idx 0 -> 2 */
	CHECK(amp_vring_dev_kick_prepare(&rp.dev));
	REQUIRE(dev_serve(&rp, true) == 3); /* 2 -> 5, driver has collected nothing */
	CHECK(!amp_vring_dev_kick_prepare(&rp.dev));
	REQUIRE(drv_collect(&rp) == 5);
	CHECK_EQ(raw_used_event(&rp), 5);
	REQUIRE(drv_post(&rp, 1, true) == 0);
	REQUIRE(dev_serve(&rp, true) == 1);
	CHECK(amp_vring_dev_kick_prepare(&rp.dev));
	CHECK_EQ(rp.drv_kicks + rp.dev_kicks, 0);
	ring_pair_fini(&rp);
}

/* ---------------------------------------------------------------- forced notification */

/*
 * 65535 additions without a notification decision force one (Linux virtqueue_add_split): the
 * driver adds and publishes, the device takes and returns, nobody calls *_kick_prepare, and the
 * notify callbacks fire by themselves exactly at the 65535th buffer, then again 65535 later.
 */
static void forced_kick(uint64_t features)
{
	struct amp_vring_chain c = {0};
	struct ring_pair rp;
	uint32_t early = 0;
	uint32_t drv_at[2] = {0, 0}, dev_at[2] = {0, 0};

	REQUIRE(ring_pair_init(&rp, 4, 16, features, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	for (uint32_t i = 1; i <= 2 * 65535; i++) {
		unsigned int dk = rp.drv_kicks, vk = rp.dev_kicks;

		REQUIRE(amp_vring_drv_add_buf(&rp.drv, rp.bufs, 64, true, tok(i)) == 0);
		if (rp.drv_kicks != dk) {
			if (rp.drv_kicks - 1 < 2)
				drv_at[rp.drv_kicks - 1] = i;
			/* The forced kick published what it announced. */
			CHECK_EQ(rd16(&rp, layout_of(&rp).avail + 2), i & 0xffff);
		}
		amp_vring_drv_publish(&rp.drv);
		REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
		REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
		if (rp.dev_kicks != vk) {
			if (rp.dev_kicks - 1 < 2)
				dev_at[rp.dev_kicks - 1] = i;
			CHECK_EQ(rd16(&rp, layout_of(&rp).used + 2), i & 0xffff);
		}
		amp_vring_dev_publish(&rp.dev);
		REQUIRE(amp_vring_drv_get_used(&rp.drv, NULL, NULL) == 0);
		early += i < 65535 && (rp.drv_kicks || rp.dev_kicks);
	}
	CHECK_EQ(early, 0);
	CHECK_EQ(rp.drv_kicks, 2);
	CHECK_EQ(rp.dev_kicks, 2);
	CHECK_EQ(drv_at[0], 65535);
	CHECK_EQ(drv_at[1], 2 * 65535);
	CHECK_EQ(dev_at[0], 65535);
	CHECK_EQ(dev_at[1], 2 * 65535);
	ring_pair_fini(&rp);
}

static void test_forced_kick_after_65535(void)
{
	forced_kick(0);
}

static void test_forced_kick_after_65535_event_idx(void)
{
	forced_kick(F_EVENT_IDX);
}

/*
 * The forced notification must count from the last decision, including buffers queued before
 * that decision but published after it. Here the decision covers index 1 while buffer 2 is
 * already queued; the 65535th buffer past the decision is queued at k = 65534. Waiting for 65535
 * more additions instead makes the forced kick publish index 1 + 65536 = 1 again, which
 * kick_prepare reads as "nothing new" and drops.
 */
static void test_forced_kick_counts_unpublished_drv(void)
{
	struct ring_pair rp;
	uint32_t fired_at = 0;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	REQUIRE(drv_post(&rp, 1, true) == 0);
	REQUIRE(drv_post(&rp, 1, false) == 0);
	CHECK(amp_vring_drv_kick_prepare(&rp.drv));
	REQUIRE(dev_serve(&rp, true) == 1);
	REQUIRE(drv_collect(&rp) == 1);
	for (uint32_t k = 1; k <= 65536; k++) {
		REQUIRE(drv_post(&rp, 1, true) == 0);
		if (rp.drv_kicks && !fired_at)
			fired_at = k;
		REQUIRE(dev_serve(&rp, true) >= 1);
		REQUIRE(drv_collect(&rp) >= 1);
	}
	CHECK_EQ(rp.drv_kicks, 1);
	CHECK_EQ(fired_at, 65534);
	ring_pair_fini(&rp);
}

static void test_forced_kick_counts_unpublished_dev(void)
{
	struct amp_vring_chain c = {0};
	struct ring_pair rp;
	uint32_t fired_at = 0;

	REQUIRE(ring_pair_init(&rp, 4, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	REQUIRE(drv_post(&rp, 2, true) == 0);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
	amp_vring_dev_publish(&rp.dev);
	REQUIRE(amp_vring_dev_get_avail(&rp.dev, &c) == 0);
	REQUIRE(amp_vring_dev_add_used(&rp.dev, c.head, 0) == 0);
	/* The decision covers used index 1; used buffer 2 is queued, unpublished. */
	CHECK(amp_vring_dev_kick_prepare(&rp.dev));
	REQUIRE(drv_collect(&rp) == 1);
	for (uint32_t k = 1; k <= 65536; k++) {
		REQUIRE(drv_post(&rp, 1, true) == 0);
		REQUIRE(dev_serve(&rp, true) == 1);
		if (rp.dev_kicks && !fired_at)
			fired_at = k;
		REQUIRE(drv_collect(&rp) >= 1);
	}
	CHECK_EQ(rp.dev_kicks, 1);
	CHECK_EQ(fired_at, 65534);
	ring_pair_fini(&rp);
}

/* The notify id the caller configured is what a notify callback reads back. */
static void test_ring_id_for_notify(void)
{
	struct ring_pair rp;

	REQUIRE(ring_pair_init(&rp, 8, 16, 0, AMP_LITTLE_ENDIAN, 1, 64) == 0);
	rp.drv_cfg.id = 7;
	rp.dev_cfg.id = 0xffffff00;
	REQUIRE(amp_vring_drv_init(&rp.drv, &rp.drv_cfg) == 0);
	REQUIRE(amp_vring_dev_init(&rp.dev, &rp.dev_cfg) == 0);
	CHECK_EQ(amp_vring_id(&rp.drv), 7);
	CHECK_EQ(amp_vring_id(&rp.dev), 0xffffff00);
	ring_pair_fini(&rp);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_ring_id_for_notify),
		TEST(test_drv_kick_prepare_follows_used_flags),
		TEST(test_dev_kick_prepare_follows_avail_flags),
		TEST(test_kick_prepare_needs_something_new),
		TEST(test_kick_calls_notify),
		TEST(test_kick_without_callback),
		TEST(test_enable_rechecks_pending_work),
		TEST(test_event_idx_leaves_flags_zero),
		TEST(test_event_idx_drv_decisions),
		TEST(test_event_idx_dev_decisions),
		TEST(test_event_idx_sweep_across_wrap),
		TEST(test_used_event_tracks_collection),
		TEST(test_avail_event_tracks_consumption),
		TEST(test_event_idx_end_to_end),
		TEST(test_forced_kick_after_65535),
		TEST(test_forced_kick_after_65535_event_idx),
		TEST(test_forced_kick_counts_unpublished_drv),
		TEST(test_forced_kick_counts_unpublished_dev),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
