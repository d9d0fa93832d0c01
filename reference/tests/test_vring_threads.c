// SPDX-License-Identifier: BSD-3-Clause
/*
 * A driver and a device on two threads over one ring: every payload and every used length
 * checked, with and without EVENT_IDX, polling and blocking (eventfd) notification.
 *
 * Messages per configuration: 2 000 000 by default; AMP_STRESS_MESSAGES overrides (the long
 * run, ./scripts/test --long, uses 10 000 000).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring_pair.h"
#include "stress_link.h"
#include "testing.h"

#define NUM      256
#define BUF_SIZE 256

static uint64_t message_count(void)
{
	const char *env = getenv("AMP_STRESS_MESSAGES");

	return env ? strtoull(env, NULL, 0) : 2000000;
}

static void *device_thread(void *arg)
{
	struct stress_side *s = arg;

	return (void *)(intptr_t)stress_device_run(s);
}

static void run(bool event_idx, bool blocking, enum amp_byte_order order)
{
	struct ring_pair rp;
	struct stress_side drv = {0}, dev = {0};
	int avail_fd = eventfd(0, EFD_CLOEXEC), used_fd = eventfd(0, EFD_CLOEXEC);
	uint64_t features = event_idx ? AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) : 0;
	pthread_t t;
	void *dev_ret;
	int drv_ret;

	REQUIRE(avail_fd >= 0 && used_fd >= 0);
	/* Two buffers (request, response) per message slot; num/2 chains fit the ring. */
	REQUIRE(ring_pair_init(&rp, NUM, 4096, features, order, NUM, BUF_SIZE) == 0);

	drv = (struct stress_side){.vr = &rp.drv,
				   .bufs = rp.bufs,
				   .buf_size = BUF_SIZE,
				   .slots = NUM / 2,
				   .messages = message_count(),
				   .blocking = blocking,
				   .wait_fd = used_fd,
				   .kick_fd = avail_fd,
				   .seed = 0x1234};
	dev = drv;
	dev.vr = &rp.dev;
	dev.wait_fd = avail_fd;
	dev.kick_fd = used_fd;
	/* Route each ring's notify hook to its side's eventfd. */
	rp.drv.notify = stress_notify;
	rp.drv.notify_ctx = &drv;
	rp.dev.notify = stress_notify;
	rp.dev.notify_ctx = &dev;

	REQUIRE(pthread_create(&t, NULL, device_thread, &dev) == 0);
	drv_ret = stress_driver_run(&drv);
	if (drv_ret) {
		/* Unblock a device waiting for requests that will never come. */
		dev.messages = 0;
		stress_notify(&drv, &rp.drv);
	}
	pthread_join(t, &dev_ret);

	printf("  event_idx=%d blocking=%d %s: %llu messages, driver kicks %llu waits %llu, "
	       "device kicks %llu waits %llu\n",
	       event_idx, blocking, order == AMP_BIG_ENDIAN ? "BE" : "LE",
	       (unsigned long long)drv.messages, (unsigned long long)drv.kicks,
	       (unsigned long long)drv.waits, (unsigned long long)dev.kicks,
	       (unsigned long long)dev.waits);
	if (drv.error[0])
		fprintf(stderr, "driver: %s\n", drv.error);
	if (dev.error[0])
		fprintf(stderr, "device: %s\n", dev.error);
	CHECK_EQ(drv_ret, 0);
	CHECK_EQ((intptr_t)dev_ret, 0);
	CHECK_EQ(amp_vring_fault(&rp.drv), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_fault(&rp.dev), AMP_VRING_FAULT_NONE);
	CHECK_EQ(amp_vring_drv_num_free(&rp.drv), NUM);
	CHECK_EQ(amp_vring_dev_num_held(&rp.dev), 0);
	ring_pair_fini(&rp);
	close(avail_fd);
	close(used_fd);
}

static void test_polling(void)
{
	run(false, false, AMP_LITTLE_ENDIAN);
}

static void test_polling_event_idx(void)
{
	run(true, false, AMP_LITTLE_ENDIAN);
}

static void test_blocking(void)
{
	run(false, true, AMP_LITTLE_ENDIAN);
}

static void test_blocking_event_idx(void)
{
	run(true, true, AMP_LITTLE_ENDIAN);
}

static void test_big_endian_event_idx(void)
{
	run(true, false, AMP_BIG_ENDIAN);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_polling),
		TEST(test_polling_event_idx),
		TEST(test_blocking),
		TEST(test_blocking_event_idx),
		TEST(test_big_endian_event_idx),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
