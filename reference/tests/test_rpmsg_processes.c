// SPDX-License-Identifier: BSD-3-Clause
/*
 * The seed's sample across two processes: the host node (driver role) in the parent, the remote
 * node (device role) in a forked child, over one memfd that each process maps at its own
 * address. Only device addresses cross: each side translates them through its own region table
 * (same device address, different local mapping), so a local pointer written into shared memory
 * or a missing translation faults or fails the payload checks. Kicks are eventfds inherited
 * across fork(). Run in both byte orders; the child reports through its exit status, and an
 * alarm in each process turns a hang into a failure.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "amp/error.h"
#include "amp/rpmsg.h"
#include "amp/virtio.h"
#include "testing.h"

#define NUM           128
#define ALIGN         4096
#define SHM_DA        0x60000000ull /* where both sides' device addresses put the object */
#define RING_BASE     0x1000u
#define REPLIES       10000u
#define MSG_LEN       8  /* "dude" and a 32-bit sequence number */
#define DEADLINE      60 /* seconds before a stuck process is killed */
#define POLL_MS       100
#define TX_TIMEOUT_MS 5000 /* a buffer that never comes back fails the run this fast */
#define CHANNELS      4
#define WORK_BYTES    AMP_RPMSG_LINK_WORK_SIZE(NUM)

/* Exit codes of the child. */
enum {
	CHILD_OK = 0,
	CHILD_MAP = 10,    /* could not map the object elsewhere */
	CHILD_INIT,        /* link or endpoint set-up failed */
	CHILD_POLL,        /* amp_rpmsg_link_poll() failed */
	CHILD_PAYLOAD,     /* a request was not what the host sent */
	CHILD_COUNT,       /* not exactly REPLIES requests */
	CHILD_NEVER_UP,    /* the link never came up */
	CHILD_BUFFERS,     /* buffers still held when the host reset the link */
	CHILD_SEND,        /* an echo could not be sent */
	CHILD_SAME_ADDRESS /* the object sits at the parent's address */
};

static const char *child_status_name(int status)
{
	static const char *const names[] = {
		"link or endpoint set-up failed",
		"poll failed",
		"bad request payload",
		"wrong request count",
		"link never came up",
		"buffers not returned",
		"echo not sent",
		"mapped at the parent's address",
	};

	if (status == CHILD_OK)
		return "ok";
	if (status == CHILD_MAP)
		return "mmap failed";
	if (status > CHILD_MAP && status <= CHILD_SAME_ADDRESS)
		return names[status - CHILD_INIT];
	return "unknown";
}

/**
 * struct shm_link - what both processes know about the shared object
 * @fd: the memfd
 * @size: its bytes
 * @ring_size: bytes of one ring
 * @ring1: offset of vring1
 * @pool: offset of the buffer pool
 * @to_remote: eventfd the host kicks
 * @to_host: eventfd the remote kicks
 * @order: byte order of the link
 * @openamp_used_len: the remote's &amp_rpmsg_link_config.openamp_used_len
 */
struct shm_link {
	int fd;
	size_t size;
	size_t ring_size;
	size_t ring1;
	size_t pool;
	int to_remote;
	int to_host;
	enum amp_byte_order order;
	bool openamp_used_len;
};

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void kick(void *ctx, uint32_t notifyid)
{
	int fd = *(int *)ctx;
	uint64_t one = 1;

	(void)notifyid;
	if (write(fd, &one, sizeof(one)) != sizeof(one))
		abort();
}

/* Sleep until kicked (or POLL_MS: spurious polls are harmless, NOTIF-006). */
static void wait_kick(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint64_t v;

	if (poll(&pfd, 1, POLL_MS) > 0)
		(void)!read(fd, &v, sizeof(v));
}

/* Report what a link complains about: the exit status alone would not say why. */
static void log_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		      uint32_t b)
{
	(void)link;
	if (ev >= AMP_RPMSG_EV_RING_FAULT && ev <= AMP_RPMSG_EV_BAD_BUFFER)
		fprintf(stderr, "%s: %s (%u, %u)\n", (const char *)ctx, amp_rpmsg_event_name(ev), a,
			b);
}

static unsigned int delays; /* waits for a transmit buffer, in this process */

/*
 * No interrupts to wait for a buffer with: delay and let the sender look at the ring again, as
 * the wait hook's documentation suggests for a firmware loop. It is needed: a poll returns the
 * buffers it consumed only when it ends, after up to a whole lap of the ring, so a peer that
 * answers every message while that poll runs can find all its buffers in use.
 */
static int delay_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};

	(void)ctx;
	(void)link;
	delays++;
	nanosleep(&ms, NULL);
	*timeout_ms = *timeout_ms > 1 ? *timeout_ms - 1 : 0;
	return *timeout_ms ? 0 : -AMP_ETIMEDOUT;
}

static const struct amp_rpmsg_platform_ops proc_ops = {.wait = delay_wait, .event = log_event};

/* The region table of one process: the object at its own local address, at SHM_DA for both. */
static void make_table(uint8_t *base, size_t size, struct amp_mem_region *region,
		       struct amp_region_table *table)
{
	*region = (struct amp_mem_region){.da = SHM_DA, .va = base, .size = size};
	*table = (struct amp_region_table){.regions = region, .count = 1};
}

static void sample_msg(uint8_t *msg, uint32_t seq)
{
	memcpy(msg, "dude", 4);
	for (unsigned int i = 0; i < 4; i++)
		msg[4 + i] = (uint8_t)(seq >> (8 * i));
}

/* ------------------------------------------------------------------ the remote (child) */

struct remote_state {
	uint32_t echoes, bad, send_errors;
};

static struct remote_state remote;

static int remote_echo(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		       void *priv)
{
	uint8_t want[MSG_LEN], got[MSG_LEN];

	(void)priv;
	sample_msg(want, remote.echoes);
	if (len == MSG_LEN)
		memcpy(got, data, MSG_LEN);
	/* From the host's first dynamic address, in sequence (RPMSG-011: reply to the source). */
	if (src != AMP_RPMSG_RESERVED_ADDRESSES || len != MSG_LEN || memcmp(got, want, MSG_LEN))
		remote.bad++;
	if (amp_rpmsg_sendto(ept, got, MSG_LEN, src))
		remote.send_errors++;
	remote.echoes++;
	return 0;
}

static int remote_process(const struct shm_link *l, void *parent_base)
{
	static struct amp_rpmsg_channel channels[CHANNELS];
	static uint64_t work[WORK_BYTES / 8 + 1];
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link link;
	struct amp_rpmsg_endpoint ept;
	struct amp_rpmsg_buffer_counts c;
	struct amp_rpmsg_link_config cfg;
	struct amp_rpmsg_endpoint_config ecfg = {
		.name = "rpmsg-client-sample",
		.addr = AMP_RPMSG_ADDR_ANY,
		.dst = AMP_RPMSG_ADDR_ANY,
		.cb = remote_echo,
		.announce = true,
	};
	bool was_up = false;
	uint32_t resets_raced = 0;
	uint8_t *base;

	/* A new mapping while the parent's is still mapped here lands elsewhere; then the
	 * parent's goes, so that any use of a parent pointer faults. */
	base = mmap(NULL, l->size, PROT_READ | PROT_WRITE, MAP_SHARED, l->fd, 0);
	if (base == MAP_FAILED)
		return CHILD_MAP;
	if (base == parent_base)
		return CHILD_SAME_ADDRESS;
	munmap(parent_base, l->size);
	make_table(base, l->size, &region, &table);

	amp_rpmsg_node_init(&node, &proc_ops, "remote");
	cfg = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DEVICE,
		.vdev = base,
		.io = {.order = l->order},
		.addr = amp_addr_map_regions(&table),
		.features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS),
		.openamp_used_len = l->openamp_used_len,
		.work = work,
		.work_size = WORK_BYTES,
		.channels = channels,
		.channel_count = CHANNELS,
		.notify = kick,
		.notify_ctx = (void *)&l->to_host,
		.tx_timeout_ms = TX_TIMEOUT_MS,
	};
	if (amp_rpmsg_link_init(&link, &node, &cfg) ||
	    amp_rpmsg_endpoint_create(&ept, &link, &ecfg))
		return CHILD_INIT;

	/* Firmware main loop: poll on every kick until the host resets the device. */
	for (;;) {
		int n;

		wait_kick(l->to_remote);
		do {
			n = amp_rpmsg_link_poll(&link);
		} while (n > 0);
		if (n < 0) {
			/* The host's reset can land in the middle of a poll that already saw
			 * DRIVER_OK; the reference then reports the zeroed ring as a fault for
			 * one poll (test_rpmsg_threads.c, test_reset_during_remote_poll). Any
			 * other failure is one. */
			if (amp_vdev_status(base) & AMP_VIRTIO_STATUS_DRIVER_OK)
				return CHILD_POLL;
			fprintf(stderr, "remote: poll failed across the host's reset (%d)\n", n);
			resets_raced++;
			continue;
		}
		if (amp_rpmsg_link_is_up(&link)) {
			was_up = true;
			/* Everything taken from the host is back between polls (RPMSG-008). */
			amp_rpmsg_link_buffers(&link, &c);
			if (c.total != c.tx_free || c.rx_held || c.tx_reserved)
				return CHILD_BUFFERS;
		} else if (was_up) {
			break;
		}
	}
	if (resets_raced > 1)
		return CHILD_POLL;
	if (remote.bad)
		return CHILD_PAYLOAD;
	if (remote.send_errors)
		return CHILD_SEND;
	if (remote.echoes != REPLIES)
		return CHILD_COUNT;
	fprintf(stderr, "remote: %u delays for a buffer\n", delays);
	return was_up ? CHILD_OK : CHILD_NEVER_UP;
}

/* ------------------------------------------------------------------ the host (parent) */

struct host_state {
	uint32_t probed, removed, replies, bad;
	uint32_t remote_src;
};

static struct host_state host;

static int sample_probe(struct amp_rpmsg_channel *ch)
{
	uint8_t msg[MSG_LEN];

	host.probed++;
	sample_msg(msg, 0);
	return amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), msg, MSG_LEN);
}

static void sample_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	host.removed++;
}

static int sample_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	uint8_t want[MSG_LEN], got[MSG_LEN];

	sample_msg(want, host.replies);
	if (len == MSG_LEN)
		memcpy(got, data, MSG_LEN);
	if (len != MSG_LEN || memcmp(got, want, MSG_LEN))
		host.bad++;
	host.remote_src = src;
	host.replies++;
	if (host.replies < REPLIES) {
		sample_msg(want, host.replies);
		CHECK_EQ(amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), want, MSG_LEN), 0);
	}
	return 0;
}

static const struct amp_rpmsg_device_id sample_ids[] = {{"rpmsg-client-sample"}, {NULL}};

static struct amp_rpmsg_driver sample_driver = {
	.id_table = sample_ids,
	.probe = sample_probe,
	.remove = sample_remove,
	.callback = sample_cb,
};

static void run(enum amp_byte_order order, bool openamp_used_len)
{
	static struct amp_rpmsg_channel channels[CHANNELS];
	static uint64_t work[WORK_BYTES / 8 + 1];
	struct amp_vdev_vring_info vr[2] = {
		{.da = 0, .align = ALIGN, .num = NUM, .notifyid = 0},
		{.da = 0, .align = ALIGN, .num = NUM, .notifyid = 1},
	};
	struct shm_link l = {.order = order, .openamp_used_len = openamp_used_len};
	struct amp_io io = {.order = order};
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link link;
	struct amp_rpmsg_link_config cfg;
	struct amp_rpmsg_buffer_counts c;
	uint8_t *base;
	int status = 0;
	pid_t pid;

	memset(&host, 0, sizeof(host));
	delays = 0;
	l.ring_size = amp_vring_size(NUM, ALIGN);
	l.ring1 = align_up(RING_BASE + l.ring_size, 4096);
	l.pool = align_up(l.ring1 + l.ring_size, 4096);
	l.size = l.pool + 2u * NUM * AMP_RPMSG_BUF_SIZE;
	l.fd = memfd_create("ampsim-rpmsg-test", MFD_CLOEXEC);
	REQUIRE(l.fd >= 0);
	REQUIRE(ftruncate(l.fd, (off_t)l.size) == 0);
	l.to_remote = eventfd(0, EFD_NONBLOCK);
	l.to_host = eventfd(0, EFD_NONBLOCK);
	REQUIRE(l.to_remote >= 0 && l.to_host >= 0);
	base = mmap(NULL, l.size, PROT_READ | PROT_WRITE, MAP_SHARED, l.fd, 0);
	REQUIRE(base != MAP_FAILED);
	/* The loader writes the firmware's device block before the remote runs. */
	amp_vdev_block_init(&io, base, 2, AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS), vr);

	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		alarm(DEADLINE);
		_exit(remote_process(&l, base));
	}

	alarm(DEADLINE);
	make_table(base, l.size, &region, &table);
	amp_rpmsg_node_init(&node, &proc_ops, "host");
	cfg = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DRIVER,
		.vdev = base,
		.io = io,
		.addr = amp_addr_map_regions(&table),
		.features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS),
		.ring = {base + RING_BASE, base + l.ring1},
		.ring_size = {l.ring_size, l.ring_size},
		.pool = base + l.pool,
		.pool_size = l.size - l.pool,
		.work = work,
		.work_size = WORK_BYTES,
		.channels = channels,
		.channel_count = CHANNELS,
		.notify = kick,
		.notify_ctx = &l.to_remote,
		.tx_timeout_ms = TX_TIMEOUT_MS,
	};
	CHECK_EQ(amp_rpmsg_link_init(&link, &node, &cfg), 0);
	CHECK_EQ(amp_rpmsg_driver_register(&node, &sample_driver), 0);
	CHECK_EQ(amp_rpmsg_link_start(&link), 0);
	/* The ring addresses in the block are device addresses, not the parent's pointers. */
	CHECK_EQ(amp_vdev_read32(&io, base, AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_OFF_DA),
		 SHM_DA + RING_BASE);
	CHECK_EQ(amp_vdev_read32(&io, base,
				 AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE + AMP_VDEV_VRING_OFF_DA),
		 SHM_DA + l.ring1);

	while (host.replies < REPLIES && !test_failures) {
		int n;

		/* A child that died early would leave us waiting for the alarm. */
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = -1;
			break;
		}
		wait_kick(l.to_host);
		do {
			n = amp_rpmsg_link_poll(&link);
		} while (n > 0);
		CHECK_EQ(n, 0);
	}
	CHECK_EQ(host.probed, 1);
	CHECK_EQ(host.replies, REPLIES);
	CHECK_EQ(host.bad, 0);
	CHECK_EQ(host.remote_src, AMP_RPMSG_RESERVED_ADDRESSES); /* the remote's first address */
	CHECK_EQ(amp_rpmsg_link_stats(&link)->rx_messages, REPLIES);
	amp_rpmsg_link_buffers(&link, &c);
	CHECK_EQ(c.rx_with_peer + c.rx_held, NUM);
	CHECK_EQ(c.tx_free + c.tx_reserved + c.tx_with_peer, NUM);

	/* Reset the device (status 0) and kick: the child sees the link go down and exits. */
	amp_rpmsg_link_stop(&link);
	CHECK_EQ(host.removed, 1);
	kick(&l.to_remote, 0);
	if (pid > 0)
		REQUIRE(waitpid(pid, &status, 0) == pid);
	alarm(0);
	if (WIFEXITED(status))
		printf("  %s%s: child exit status %d (%s), host delays for a buffer %u\n",
		       order == AMP_BIG_ENDIAN ? "BE" : "LE",
		       openamp_used_len ? " openamp_used_len" : "", WEXITSTATUS(status),
		       child_status_name(WEXITSTATUS(status)), delays);
	else
		printf("  %s: child killed by signal %d\n", order == AMP_BIG_ENDIAN ? "BE" : "LE",
		       WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), CHILD_OK);
	munmap(base, l.size);
	close(l.fd);
	close(l.to_remote);
	close(l.to_host);
}

static void test_two_processes_little_endian(void)
{
	run(AMP_LITTLE_ENDIAN, false);
}

static void test_two_processes_big_endian(void)
{
	run(AMP_BIG_ENDIAN, false);
}

/*
 * A remote built for OpenAMP hosts returns consumed receive buffers with used.len = buffer
 * length; the reference host ignores used.len of its transmit buffers, as Linux does (DEV-003 is
 * a warning on a legacy device), so the sample must run the same.
 */
static void test_two_processes_openamp_used_len(void)
{
	run(AMP_LITTLE_ENDIAN, true);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_two_processes_little_endian),
		TEST(test_two_processes_big_endian),
		TEST(test_two_processes_openamp_used_len),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
