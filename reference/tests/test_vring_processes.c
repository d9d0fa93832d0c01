// SPDX-License-Identifier: BSD-3-Clause
/*
 * A driver and a device in two processes over a POSIX shared-memory object that each process
 * maps at a different address, with eventfd notifications inherited across fork(). Descriptors
 * carry device addresses; each side translates them through its own region table, so a
 * pointer leaking into shared memory, or a translation mistake, fails the payload checks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "amp/error.h"
#include "stress_link.h"
#include "testing.h"

#define NUM      128
#define ALIGN    4096
#define BUF_SIZE 512
#define SHM_DA   0x20000000ull /* where the device sees the window */
#define MESSAGES 200000
#define DEADLINE 120 /* seconds before the watchdog kills a stuck run */

struct link {
	int fd;
	size_t size;
	size_t ring_size;
	int avail_fd; /* driver -> device kicks */
	int used_fd;  /* device -> driver kicks */
};

/* Map the object at an address this process has not used for it before. */
static uint8_t *map_fresh(const struct link *l, void *avoid)
{
	void *p = mmap(NULL, l->size, PROT_READ | PROT_WRITE, MAP_SHARED, l->fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (p == avoid) {
		munmap(p, l->size);
		return NULL;
	}
	return p;
}

static int attach(struct amp_vring *vr, struct amp_vring_slot *slots, uint8_t *base, size_t size,
		  struct amp_mem_region *region, struct amp_region_table *table, uint64_t features,
		  enum amp_byte_order order, struct stress_side *side, bool driver)
{
	struct amp_vring_config cfg = {
		.num = NUM,
		.align = ALIGN,
		.ring = base,
		.io = {.order = order},
		.features = features,
		.slots = slots,
		.notify = stress_notify,
		.notify_ctx = side,
	};

	/* The whole object is one window; the device sees it at SHM_DA in both processes. */
	*region = (struct amp_mem_region){SHM_DA, base, size};
	*table = (struct amp_region_table){region, 1};
	cfg.addr = amp_addr_map_regions(table);
	return driver ? amp_vring_drv_init(vr, &cfg) : amp_vring_dev_init(vr, &cfg);
}

static void fill_side(struct stress_side *s, uint8_t *base, const struct link *l, bool driver)
{
	*s = (struct stress_side){
		.bufs = base + ((l->ring_size + 4095) & ~(size_t)4095),
		.buf_size = BUF_SIZE,
		.slots = NUM / 2,
		.messages = MESSAGES,
		.blocking = true,
		.wait_fd = driver ? l->used_fd : l->avail_fd,
		.kick_fd = driver ? l->avail_fd : l->used_fd,
		.seed = 99,
	};
}

static int device_process(const struct link *l, void *parent_base, uint64_t features,
			  enum amp_byte_order order, int ready_fd)
{
	static struct amp_vring_slot slots[NUM];
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_vring vr;
	struct stress_side side;
	uint8_t *base;
	uint64_t go;

	/* A new mapping is necessarily elsewhere than the inherited one, which we then drop. */
	base = map_fresh(l, parent_base);
	if (!base)
		return 10;
	munmap(parent_base, l->size);
	fill_side(&side, base, l, false);
	side.vr = &vr;
	/* Attach only once the driver has reset the ring, as a remote waits for DRIVER_OK. */
	if (read(ready_fd, &go, sizeof(go)) != sizeof(go))
		return 11;
	if (attach(&vr, slots, base, l->size, &region, &table, features, order, &side, false))
		return 12;
	if (stress_device_run(&side)) {
		fprintf(stderr, "device: %s\n", side.error);
		return 13;
	}
	return 0;
}

static void run(uint64_t features, enum amp_byte_order order)
{
	static struct amp_vring_slot slots[NUM];
	char name[64];
	struct link l = {0};
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_vring vr;
	struct stress_side side;
	uint8_t *first, *base;
	int ready_fd = eventfd(0, 0), status = 0, r;
	uint64_t one = 1;
	pid_t pid;

	snprintf(name, sizeof(name), "/ampsim-vring-test-%d", (int)getpid());
	l.ring_size = amp_vring_size(NUM, ALIGN);
	l.size = ((l.ring_size + 4095) & ~(size_t)4095) + (size_t)NUM * 2 * BUF_SIZE;
	l.fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	REQUIRE(l.fd >= 0);
	shm_unlink(name); /* nothing left behind, whatever happens next */
	REQUIRE(ftruncate(l.fd, (off_t)l.size) == 0);
	l.avail_fd = eventfd(0, 0);
	l.used_fd = eventfd(0, 0);
	REQUIRE(l.avail_fd >= 0 && l.used_fd >= 0 && ready_fd >= 0);
	first = map_fresh(&l, NULL);
	REQUIRE(first);

	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		alarm(DEADLINE);
		_exit(device_process(&l, first, features, order, ready_fd));
	}

	/* The parent also remaps, so neither side uses the address the object was created at. */
	base = map_fresh(&l, first);
	REQUIRE(base);
	munmap(first, l.size);
	fill_side(&side, base, &l, true);
	side.vr = &vr;
	REQUIRE(attach(&vr, slots, base, l.size, &region, &table, features, order, &side, true) ==
		0);
	REQUIRE(write(ready_fd, &one, sizeof(one)) == sizeof(one));

	alarm(DEADLINE);
	r = stress_driver_run(&side);
	alarm(0);
	if (r) {
		fprintf(stderr, "driver: %s\n", side.error);
		kill(pid, SIGKILL);
	}
	REQUIRE(waitpid(pid, &status, 0) == pid);
	printf("  features=%#llx %s: %d messages, driver waits %llu kicks %llu\n",
	       (unsigned long long)features, order == AMP_BIG_ENDIAN ? "BE" : "LE", MESSAGES,
	       (unsigned long long)side.waits, (unsigned long long)side.kicks);
	CHECK_EQ(r, 0);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_EQ(amp_vring_drv_num_free(&vr), NUM);
	munmap(base, l.size);
	close(l.fd);
	close(l.avail_fd);
	close(l.used_fd);
	close(ready_fd);
}

static void test_two_processes(void)
{
	run(0, AMP_LITTLE_ENDIAN);
}

static void test_two_processes_event_idx(void)
{
	run(AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX), AMP_LITTLE_ENDIAN);
}

static void test_two_processes_big_endian(void)
{
	run(AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX), AMP_BIG_ENDIAN);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_two_processes),
		TEST(test_two_processes_event_idx),
		TEST(test_two_processes_big_endian),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
