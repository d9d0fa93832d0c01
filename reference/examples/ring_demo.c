// SPDX-License-Identifier: BSD-3-Clause
/*
 * ring_demo: a driver and a device exchanging messages over one split ring, on two threads.
 *
 *	ring_demo [--messages N] [--num N] [--event-idx] [--big-endian] [--verbose K]
 *
 * The driver sends each request as a two-descriptor chain (a readable request, a writable reply
 * buffer); the device reads the request and writes an upper-cased reply; the driver checks it.
 * Notifications go through eventfds with the enable-and-recheck handshake, so both threads
 * sleep when idle. The first K exchanges are printed, then a summary.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "amp/error.h"
#include "amp/vring.h"

#define BUF_SIZE  128
#define WINDOW_DA 0x60000000ull /* where the device sees the shared window */

struct side {
	const char *name;
	struct amp_vring vr;
	int wait_fd; /* notifications to this side */
	int kick_fd; /* notifications to the peer */
	unsigned long kicks;
	unsigned long sleeps;
};

struct demo {
	unsigned long messages;
	unsigned long verbose;
	uint8_t *bufs;
	_Alignas(128) struct side driver;
	_Alignas(128) struct side device;
};

static void notify(void *ctx, struct amp_vring *vr)
{
	struct side *s = ctx;
	uint64_t one = 1;

	(void)vr;
	s->kicks++;
	if (write(s->kick_fd, &one, sizeof(one)) != sizeof(one))
		perror("eventfd");
}

static void sleep_until_kicked(struct side *s)
{
	struct pollfd p = {.fd = s->wait_fd, .events = POLLIN};
	uint64_t count;

	s->sleeps++;
	if (poll(&p, 1, 10000) != 1 || read(s->wait_fd, &count, sizeof(count)) != sizeof(count)) {
		fprintf(stderr, "%s: no notification for 10 s\n", s->name);
		exit(1);
	}
}

static void *device_main(void *arg)
{
	struct demo *d = arg;
	struct amp_vring *vr = &d->device.vr;
	unsigned long n = 0;

	amp_vring_dev_disable_notify(vr);
	while (n < d->messages) {
		struct amp_vring_elem e[2];
		struct amp_vring_chain c = {.elems = e, .max_elems = 2};
		char reply[BUF_SIZE];
		int r = amp_vring_dev_get_avail(vr, &c);

		if (r == -AMP_EAGAIN) {
			amp_vring_dev_kick(vr);
			if (!amp_vring_dev_enable_notify(vr))
				sleep_until_kicked(&d->device);
			amp_vring_dev_disable_notify(vr);
			continue;
		}
		if (r || c.count != 2 || e[0].writable || !e[1].writable) {
			fprintf(stderr, "device: bad chain: %s (%s)\n", amp_strerror(r),
				amp_vring_fault_name(amp_vring_fault(vr)));
			exit(1);
		}
		for (uint32_t k = 0; k < e[0].len; k++)
			reply[k] = (char)toupper(((char *)e[0].va)[k]);
		memcpy(e[1].va, reply, e[0].len);
		if (n < d->verbose)
			printf("device: took head %u (%u bytes at da %#llx): \"%.*s\" -> replied "
			       "%u "
			       "bytes\n",
			       c.head, e[0].len, (unsigned long long)e[0].da, (int)e[0].len,
			       (char *)e[0].va, e[0].len);
		amp_vring_dev_add_used(vr, c.head, e[0].len);
		n++;
	}
	amp_vring_dev_kick(vr);
	return NULL;
}

static int driver_main(struct demo *d, uint32_t num)
{
	struct amp_vring *vr = &d->driver.vr;
	unsigned long sent = 0, done = 0;
	uint32_t free_slots[num / 2], nfree = 0;

	for (uint32_t i = 0; i < num / 2; i++)
		free_slots[nfree++] = i;
	amp_vring_drv_disable_cb(vr);
	while (done < d->messages) {
		uint32_t len;
		void *token;
		bool progress = false;

		while (amp_vring_drv_get_used(vr, &len, &token) == 0) {
			uint32_t slot = (uint32_t)(uintptr_t)token - 1;
			char *req = (char *)d->bufs + 2 * slot * BUF_SIZE;
			char *reply = req + BUF_SIZE;

			for (uint32_t k = 0; k < len; k++) {
				if (reply[k] != toupper(req[k])) {
					fprintf(stderr, "driver: reply %lu is wrong\n", done);
					return 1;
				}
			}
			if (done < d->verbose)
				printf("driver: reply \"%.*s\" (used len %u)\n", (int)len, reply,
				       len);
			free_slots[nfree++] = slot;
			done++;
			progress = true;
		}
		while (sent < d->messages && nfree) {
			uint32_t slot = free_slots[--nfree];
			char *req = (char *)d->bufs + 2 * slot * BUF_SIZE;
			int n = snprintf(req, BUF_SIZE, "hello from the driver, message %lu", sent);
			struct amp_vring_sg sg[2] = {{req, (uint32_t)n},
						     {req + BUF_SIZE, BUF_SIZE}};
			int r = amp_vring_drv_add(vr, sg, 1, 1, (void *)(uintptr_t)(slot + 1));

			if (r) {
				fprintf(stderr, "driver: add: %s\n", amp_strerror(r));
				return 1;
			}
			if (sent < d->verbose)
				printf("driver: sent \"%s\"\n", req);
			sent++;
			progress = true;
		}
		amp_vring_drv_kick(vr);
		if (!progress) {
			if (!amp_vring_drv_enable_cb(vr))
				sleep_until_kicked(&d->driver);
			amp_vring_drv_disable_cb(vr);
		}
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"messages", required_argument, NULL, 'm'},
		{"num", required_argument, NULL, 'n'},
		{"event-idx", no_argument, NULL, 'e'},
		{"big-endian", no_argument, NULL, 'b'},
		{"verbose", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct demo d = {.messages = 100000, .verbose = 3};
	uint32_t num = 64;
	uint64_t features = 0;
	enum amp_byte_order order = AMP_NATIVE_BYTE_ORDER;
	struct amp_vring_slot *drv_slots, *dev_slots;
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_vring_config cfg;
	size_t ring_size, size;
	uint8_t *mem;
	pthread_t t;
	double t0, t1;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "m:n:ebv:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			d.messages = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			num = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'e':
			features |= AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX);
			break;
		case 'b':
			order = AMP_BIG_ENDIAN;
			break;
		case 'v':
			d.verbose = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [--messages N] [--num N] [--event-idx] "
				"[--big-endian] [--verbose K]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	ring_size = amp_vring_size(num, 4096);
	if (!ring_size || num < 2) {
		fprintf(stderr, "ring_demo: --num must be a power of two from 2 to 32768\n");
		return 2;
	}

	/* One window: the ring, then two buffers (request, reply) per outstanding message. */
	size = ((ring_size + 4095) & ~(size_t)4095) + (size_t)num * BUF_SIZE;
	mem = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	drv_slots = calloc(num, sizeof(*drv_slots));
	dev_slots = calloc(num, sizeof(*dev_slots));
	if (!mem || !drv_slots || !dev_slots)
		return 1;
	d.bufs = mem + ((ring_size + 4095) & ~(size_t)4095);
	region = (struct amp_mem_region){WINDOW_DA, mem, size};
	table = (struct amp_region_table){&region, 1};
	d.driver =
		(struct side){.name = "driver", .wait_fd = eventfd(0, 0), .kick_fd = eventfd(0, 0)};
	d.device = (struct side){
		.name = "device", .wait_fd = d.driver.kick_fd, .kick_fd = d.driver.wait_fd};

	cfg = (struct amp_vring_config){.num = num,
					.align = 4096,
					.ring = mem,
					.io = {.order = order},
					.addr = amp_addr_map_regions(&table),
					.features = features,
					.slots = drv_slots,
					.notify = notify,
					.notify_ctx = &d.driver};
	err = amp_vring_drv_init(&d.driver.vr, &cfg);
	cfg.slots = dev_slots;
	cfg.notify_ctx = &d.device;
	if (!err)
		err = amp_vring_dev_init(&d.device.vr, &cfg);
	if (err) {
		fprintf(stderr, "ring_demo: init: %s\n", amp_strerror(err));
		return 1;
	}

	printf("ring: num %u, align 4096, %zu bytes, %s, EVENT_IDX %s; window at da %#llx\n", num,
	       ring_size, order == AMP_BIG_ENDIAN ? "big-endian" : "little-endian",
	       features ? "on" : "off", (unsigned long long)WINDOW_DA);
	t0 = now_s();
	pthread_create(&t, NULL, device_main, &d);
	err = driver_main(&d, num);
	pthread_join(t, NULL);
	t1 = now_s();
	if (err)
		return 1;

	printf("\nsummary: %lu messages exchanged and checked in %.3f s (%.0f per second)\n",
	       d.messages, t1 - t0, (double)d.messages / (t1 - t0));
	printf("  driver: %lu notifications sent, slept %lu times\n", d.driver.kicks,
	       d.driver.sleeps);
	printf("  device: %lu notifications sent, slept %lu times\n", d.device.kicks,
	       d.device.sleeps);
	printf("  ring faults: driver %s, device %s\n",
	       amp_vring_fault_name(amp_vring_fault(&d.driver.vr)),
	       amp_vring_fault_name(amp_vring_fault(&d.device.vr)));
	free(mem);
	free(drv_slots);
	free(dev_slots);
	return 0;
}
