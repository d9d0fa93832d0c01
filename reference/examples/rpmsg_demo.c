// SPDX-License-Identifier: BSD-3-Clause
/*
 * rpmsg_demo: Linux's rpmsg_client_sample between a host and a remote, on two threads.
 *
 *	rpmsg_demo [--messages N] [--num N] [--big-endian] [--event-idx] [--verbose K]
 *
 * One shared block holds what remoteproc would share: a device block (struct fw_rsc_vdev
 * layout), vring0, vring1 and the host's buffer pool. The host node drives the link (driver
 * role, what Linux does); the remote node is the device (what the firmware does). Each node runs
 * on its own thread with the platform hooks a hosted OS gives it: a mutex per lock, a condition
 * variable for blocked senders, and an eventfd as the interrupt line the peer's notify rings.
 *
 * The scenario is samples/rpmsg/rpmsg_client_sample.c: the remote announces the
 * "rpmsg-client-sample" service; the host's driver, matched through its id table, is probed,
 * sends "hello world!" and sends again each time the remote's echo arrives, until N echoes were
 * received; then it says goodbye and the host stops the link, which the remote sees as a reset.
 * Every message carries a sequence number, and every echo is checked against what was sent.
 * Exit status 0 only when all N echoes came back intact and in order and nothing was reported
 * as defective.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "amp/error.h"
#include "amp/rpmsg.h"
#include "amp/vdev.h"
#include "amp/virtio.h"

#define WINDOW_DA     0x60000000ull /* where both sides' device addresses place the block */
#define RING_BASE     0x1000u       /* vring0 after the device block's page */
#define CHANNELS      4u
#define SERVICE       "rpmsg-client-sample"
#define MSG           "hello world!"
#define PAYLOAD_MAX   64u
#define TICK_MS       100   /* poll(2) timeout: the remote must see status changes without a kick */
#define STALL_MS      10000 /* no new echo for this long fails the run */
#define JOIN_MS       5000  /* how long the remote may take to notice the reset */
#define WAIT_SLICE_MS 1u    /* a sender on the polling thread looks at the ring this often */

/**
 * struct node_ctx - one processor: its rpmsg node and link and the platform under them
 * @name: "host" or "remote", for messages
 * @link_lock: one mutex per &enum amp_rpmsg_lock of the node's one link (BUS unused)
 * @bus_lock: the node's driver list (AMP_RPMSG_LOCK_BUS comes with link == NULL)
 * @tx_cond: blocked senders wait here, on @link_lock[AMP_RPMSG_LOCK_TX]
 * @node: the rpmsg node
 * @link: its link
 * @channels: the link's channel pool
 * @work: the link's work area (local memory)
 * @irq_fd: eventfd: this processor's interrupt line, written by the peer's notify hook
 * @peer_fd: the peer's interrupt line, written by this link's notify hook
 * @kicks: notifications sent to the peer
 * @irqs: poll(2) returns with a notification pending
 * @ticks: poll(2) returns on the timeout
 * @poller: the thread that polls @link (and runs its callbacks)
 * @waits: calls of the wait hook (a send found no free buffer)
 * @verbose: print events
 */
struct node_ctx {
	const char *name;
	pthread_mutex_t link_lock[AMP_RPMSG_LOCK_COUNT];
	pthread_mutex_t bus_lock;
	pthread_cond_t tx_cond;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link link;
	struct amp_rpmsg_channel channels[CHANNELS];
	void *work;
	int irq_fd;
	int peer_fd;
	unsigned long kicks;
	unsigned long irqs;
	unsigned long ticks;
	pthread_t poller;
	unsigned long waits;
	bool verbose;
};

/**
 * struct demo - the run
 * @messages: echoes the host waits for
 * @verbose: incoming messages the host prints
 * @host: the host processor
 * @remote: the remote processor
 * @features: what the host negotiated (gfeatures)
 * @devname: the host channel's device name, as Linux would print it
 * @probed: the host driver's probe ran
 * @sent: messages the host sent (host thread only)
 * @replies: echoes the host received and checked (host thread only)
 * @t_first: when the probe sent the first message
 * @t_last: when the last echo arrived
 * @host_failed: the host saw an error; @host_error says which
 * @host_error: first host error
 * @echoed: messages the remote echoed (remote thread only)
 * @remote_failed: the remote saw an error; @remote_error says which (written before the flag)
 * @remote_error: first remote error
 * @remote_done: the remote thread has left its loop
 * @quit: ask the remote thread to stop (only when the run failed)
 */
struct demo {
	unsigned long messages;
	unsigned long verbose;
	struct node_ctx host;
	struct node_ctx remote;
	uint64_t features;
	char devname[96];
	bool probed;
	unsigned long sent;
	unsigned long replies;
	double t_first, t_last;
	bool host_failed;
	char host_error[160];
	unsigned long echoed;
	atomic_bool remote_failed;
	char remote_error[160];
	atomic_bool remote_done;
	atomic_bool quit;
};

/* The driver callbacks get only the channel, as in Linux: the module's state is global. */
static struct demo demo;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keep the first error only: later ones are usually its consequences. */
static void fail(bool *failed, char *buf, const char *fmt, ...)
{
	va_list ap;

	if (*failed)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, 160, fmt, ap);
	va_end(ap);
	*failed = true;
}

/* ------------------------------------------------------------------ platform hooks */

static pthread_mutex_t *node_mutex(struct node_ctx *n, struct amp_rpmsg_link *link,
				   enum amp_rpmsg_lock which)
{
	/* Each node has one link; a node with several would keep an array per link. */
	if (!link)
		return &n->bus_lock;
	return &n->link_lock[which];
}

static void hook_lock(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock which)
{
	pthread_mutex_lock(node_mutex(ctx, link, which));
}

static void hook_unlock(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock which)
{
	pthread_mutex_unlock(node_mutex(ctx, link, which));
}

static void add_ms(struct timespec *ts, uint32_t ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/*
 * Called with the link's TX lock held: the condition variable releases it while blocked, so a
 * wake issued under the TX lock cannot fall between the sender's last look at the ring and here.
 *
 * The wake comes from amp_rpmsg_link_poll() finding buffers returned. A sender on the thread
 * that polls the link - the sample sends from its receive callback - blocks that very poll, and
 * the peer's kick lands in an eventfd nobody reads meanwhile: no wake will come. That sender
 * waits in slices of WAIT_SLICE_MS and looks at the ring again after each, as a firmware loop
 * without interrupts does; senders on other threads sleep until woken.
 */
static int hook_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	struct node_ctx *n = ctx;
	bool poller = pthread_equal(pthread_self(), n->poller);
	struct timespec start, deadline, now;
	int64_t left_ns;
	int rc;

	(void)link;
	n->waits++;
	clock_gettime(CLOCK_MONOTONIC, &start);
	deadline = start;
	add_ms(&deadline, poller && *timeout_ms > WAIT_SLICE_MS ? WAIT_SLICE_MS : *timeout_ms);
	rc = pthread_cond_timedwait(&n->tx_cond, &n->link_lock[AMP_RPMSG_LOCK_TX], &deadline);
	clock_gettime(CLOCK_MONOTONIC, &now);
	add_ms(&start, *timeout_ms); /* the end of the whole wait */
	left_ns =
		(int64_t)(start.tv_sec - now.tv_sec) * 1000000000LL + (start.tv_nsec - now.tv_nsec);
	if (left_ns <= 0) {
		*timeout_ms = 0;
		return rc == ETIMEDOUT ? -AMP_ETIMEDOUT : 0;
	}
	/* Round up: a spurious wake-up must not shorten the time left to nothing. */
	*timeout_ms = (uint32_t)((left_ns + 999999) / 1000000);
	return 0;
}

static void hook_wake(void *ctx, struct amp_rpmsg_link *link)
{
	struct node_ctx *n = ctx;

	(void)link;
	pthread_cond_broadcast(&n->tx_cond);
}

static void hook_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		       uint32_t b)
{
	struct node_ctx *n = ctx;

	(void)link;
	if (!n->verbose)
		return;
	if (ev == AMP_RPMSG_EV_LINK_UP)
		printf("%s: event: %s (features %#x)\n", n->name, amp_rpmsg_event_name(ev), a);
	else if (ev == AMP_RPMSG_EV_LINK_DOWN)
		printf("%s: event: %s\n", n->name, amp_rpmsg_event_name(ev));
	else if (ev == AMP_RPMSG_EV_RING_FAULT)
		printf("%s: event: %s (%s, %s ring)\n", n->name, amp_rpmsg_event_name(ev),
		       amp_vring_fault_name((enum amp_vring_fault)a), b ? "transmit" : "receive");
	else
		printf("%s: event: %s (%#x, %#x)\n", n->name, amp_rpmsg_event_name(ev), a, b);
}

static const struct amp_rpmsg_platform_ops platform_ops = {
	.lock = hook_lock,
	.unlock = hook_unlock,
	.wait = hook_wait,
	.wake = hook_wake,
	.event = hook_event,
};

/* The link's notify hook: raise the peer's interrupt (a mailbox doorbell on real hardware). */
static void kick_peer(void *ctx, uint32_t notifyid)
{
	struct node_ctx *n = ctx;
	uint64_t one = 1;

	(void)notifyid;
	n->kicks++;
	if (write(n->peer_fd, &one, sizeof(one)) != sizeof(one))
		perror("rpmsg_demo: eventfd write");
}

/*
 * Sleep until the peer kicks or @timeout_ms pass, then clear the interrupt. Clearing it before
 * the link is polled loses nothing: a kick that comes after the read leaves the eventfd readable
 * for the next round.
 */
static void wait_for_interrupt(struct node_ctx *n, int timeout_ms)
{
	struct pollfd p = {.fd = n->irq_fd, .events = POLLIN};
	uint64_t count;

	if (poll(&p, 1, timeout_ms) == 1 && read(n->irq_fd, &count, sizeof(count)) == sizeof(count))
		n->irqs++;
	else
		n->ticks++;
}

/* The interrupt handler's body: a poll does at most one lap of the ring, so repeat until one
 * delivers nothing. */
static int poll_link(struct node_ctx *n)
{
	int r;

	do
		r = amp_rpmsg_link_poll(&n->link);
	while (r > 0);
	return r;
}

/* ------------------------------------------------------------------ the host: the sample driver */

static size_t format_msg(char *buf, unsigned long seq)
{
	return (size_t)snprintf(buf, PAYLOAD_MAX, MSG " #%lu", seq);
}

static int send_next(struct amp_rpmsg_channel *ch)
{
	char msg[PAYLOAD_MAX];
	size_t len = format_msg(msg, demo.sent + 1);
	int err = amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), msg, len);

	if (err) {
		fail(&demo.host_failed, demo.host_error, "host: send of message %lu: %s",
		     demo.sent + 1, amp_strerror(err));
		return err;
	}
	demo.sent++;
	return 0;
}

static int sample_probe(struct amp_rpmsg_channel *ch)
{
	struct amp_rpmsg_endpoint *ept = amp_rpmsg_channel_endpoint(ch);

	/* Linux names the device virtio0.<name>.<src>.<dst>; a channel from the name service has
	 * src = RPMSG_ADDR_ANY (-1) until its endpoint is created. */
	snprintf(demo.devname, sizeof(demo.devname), "rpmsg_client_sample virtio0.%s.-1.%u",
		 amp_rpmsg_channel_name(ch), amp_rpmsg_endpoint_dst(ept));
	printf("host: %s: new channel: 0x%x -> 0x%x!\n", demo.devname, amp_rpmsg_endpoint_addr(ept),
	       amp_rpmsg_endpoint_dst(ept));
	demo.probed = true;
	demo.t_first = now_s();
	return send_next(ch);
}

static void sample_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	printf("host: %s: rpmsg sample client driver is removed\n", demo.devname);
}

static int sample_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	unsigned long seq = demo.replies + 1;
	char want[PAYLOAD_MAX], got[PAYLOAD_MAX];
	size_t want_len = format_msg(want, seq);

	if (demo.host_failed)
		return 0;
	/* The payload is in shared memory the peer may still write: copy, then check the copy. */
	if (len != want_len) {
		fail(&demo.host_failed, demo.host_error,
		     "host: echo %lu has %zu bytes, expected %zu", seq, len, want_len);
		return -AMP_EINVAL;
	}
	memcpy(got, data, len);
	if (memcmp(got, want, len)) {
		fail(&demo.host_failed, demo.host_error,
		     "host: echo %lu is \"%.*s\", expected \"%s\"", seq, (int)len, got, want);
		return -AMP_EINVAL;
	}
	if (src != amp_rpmsg_endpoint_dst(amp_rpmsg_channel_endpoint(ch))) {
		fail(&demo.host_failed, demo.host_error, "host: echo %lu from 0x%x, expected 0x%x",
		     seq, src, amp_rpmsg_endpoint_dst(amp_rpmsg_channel_endpoint(ch)));
		return -AMP_EINVAL;
	}
	demo.replies = seq;
	if (seq <= demo.verbose)
		printf("host: %s: incoming msg %lu (src: 0x%x): \"%.*s\"\n", demo.devname, seq, src,
		       (int)len, got);
	else if (demo.verbose && seq == demo.verbose + 1)
		printf("host: %s: ... (--verbose %lu prints the first %lu)\n", demo.devname,
		       demo.verbose, demo.verbose);
	if (seq >= demo.messages) {
		demo.t_last = now_s();
		printf("host: %s: goodbye!\n", demo.devname);
		return 0;
	}
	return send_next(ch);
}

static const struct amp_rpmsg_device_id sample_ids[] = {{SERVICE}, {NULL}};

static struct amp_rpmsg_driver sample_driver = {
	.id_table = sample_ids,
	.probe = sample_probe,
	.remove = sample_remove,
	.callback = sample_cb,
};

/* ------------------------------------------------------------------ the remote: the echo */

static int remote_echo(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		       void *priv)
{
	struct demo *d = priv;
	int err = amp_rpmsg_sendto(ept, data, len, src);

	if (err) {
		if (!atomic_load(&d->remote_failed)) {
			snprintf(d->remote_error, sizeof(d->remote_error),
				 "remote: echo of message %lu: %s", d->echoed + 1,
				 amp_strerror(err));
			atomic_store(&d->remote_failed, true);
		}
		return err;
	}
	d->echoed++;
	return 0;
}

/*
 * The remote's main loop. remoteproc gives the device no interrupt when the status byte changes,
 * so the loop also wakes every TICK_MS to let amp_rpmsg_link_poll() look at it: that is how the
 * link comes up at DRIVER_OK without a kick and how the host's reset is noticed.
 */
static void *remote_main(void *arg)
{
	struct demo *d = arg;
	struct node_ctx *r = &d->remote;
	const struct amp_rpmsg_stats *st = amp_rpmsg_link_stats(&r->link);

	r->poller = pthread_self(); /* before the first poll: only this thread uses the link */
	while (!atomic_load(&d->quit)) {
		int err;

		wait_for_interrupt(r, TICK_MS);
		err = poll_link(r);
		if (err < 0 && !atomic_load(&d->remote_failed)) {
			snprintf(d->remote_error, sizeof(d->remote_error),
				 "remote: poll: %s (the link is broken: %s)", amp_strerror(err),
				 amp_vring_fault_name(amp_vring_fault(&r->link.rx_vq)
							      ? amp_vring_fault(&r->link.rx_vq)
							      : amp_vring_fault(&r->link.tx_vq)));
			atomic_store(&d->remote_failed, true);
		}
		/* A broken link stays down until the driver resets it (firmware cannot do more):
		 * keep polling, the reset below ends the loop. */
		if (st->events[AMP_RPMSG_EV_LINK_DOWN])
			break; /* the host reset the device: the session is over */
	}
	atomic_store(&d->remote_done, true);
	return NULL;
}

/* ------------------------------------------------------------------ set-up and summary */

static int node_init(struct node_ctx *n, const char *name, uint32_t num, bool verbose)
{
	pthread_condattr_t ca;
	size_t work = (AMP_RPMSG_LINK_WORK_SIZE(num) + 63) & ~(size_t)63;

	n->name = name;
	n->verbose = verbose;
	for (unsigned int i = 0; i < AMP_RPMSG_LOCK_COUNT; i++)
		pthread_mutex_init(&n->link_lock[i], NULL);
	pthread_mutex_init(&n->bus_lock, NULL);
	/* hook_wait computes CLOCK_MONOTONIC deadlines: wall-clock steps must not matter. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->tx_cond, &ca);
	pthread_condattr_destroy(&ca);
	n->irq_fd = eventfd(0, EFD_NONBLOCK);
	n->work = aligned_alloc(64, work);
	if (n->irq_fd < 0 || !n->work)
		return -1;
	memset(n->work, 0, work);
	amp_rpmsg_node_init(&n->node, &platform_ops, n);
	return 0;
}

static void node_fini(struct node_ctx *n)
{
	for (unsigned int i = 0; i < AMP_RPMSG_LOCK_COUNT; i++)
		pthread_mutex_destroy(&n->link_lock[i]);
	pthread_mutex_destroy(&n->bus_lock);
	pthread_cond_destroy(&n->tx_cond);
	if (n->irq_fd >= 0)
		close(n->irq_fd);
	free(n->work);
}

/* Problems a clean run never reports: anything but the link and channels coming and going. */
static unsigned long trouble(const struct amp_rpmsg_stats *st)
{
	unsigned long sum = 0;

	for (unsigned int i = 0; i < AMP_RPMSG_DEFECT_COUNT; i++)
		sum += st->defects[i];
	for (unsigned int i = 0; i < AMP_RPMSG_EV_COUNT; i++)
		if (i != AMP_RPMSG_EV_LINK_UP && i != AMP_RPMSG_EV_LINK_DOWN &&
		    i != AMP_RPMSG_EV_CHANNEL_CREATED && i != AMP_RPMSG_EV_CHANNEL_DESTROYED)
			sum += st->events[i];
	return sum;
}

static void print_stats(const struct node_ctx *n)
{
	const struct amp_rpmsg_stats *st = amp_rpmsg_link_stats(&n->link);
	unsigned long defects = 0;
	const char *sep = "";

	for (unsigned int i = 0; i < AMP_RPMSG_DEFECT_COUNT; i++)
		defects += st->defects[i];
	printf("  %s:%*s%llu received, %llu sent; %lu kicks sent, woke %lu times on a kick and "
	       "%lu on the %d ms timer; sends waited for a buffer %lu times\n",
	       n->name, (int)(8 - strlen(n->name)), "", (unsigned long long)st->rx_messages,
	       (unsigned long long)st->tx_messages, n->kicks, n->irqs, n->ticks, TICK_MS, n->waits);
	printf("%11sdefects: %lu", "", defects);
	for (unsigned int i = 0; i < AMP_RPMSG_DEFECT_COUNT; i++)
		if (st->defects[i])
			printf(" (%s: %u)", amp_rpmsg_defect_name((enum amp_rpmsg_defect)i),
			       st->defects[i]);
	printf("; events:");
	for (unsigned int i = 0; i < AMP_RPMSG_EV_COUNT; i++) {
		if (!st->events[i])
			continue;
		printf("%s %s %u", sep, amp_rpmsg_event_name((enum amp_rpmsg_event)i),
		       st->events[i]);
		sep = ",";
	}
	printf("%s\n", *sep ? "" : " none");
}

static bool parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return !errno && end != s && !*end && *s != '-';
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [--messages N] [--num N] [--big-endian] [--event-idx] [--verbose K]\n"
		"  Linux's rpmsg_client_sample: a host (driver role) and a remote (device role) "
		"on\n"
		"  two threads over one shared block; the remote announces \"%s\" and\n"
		"  echoes, the host's driver sends until N echoes came back, checking each.\n"
		"  --messages N   echoes to wait for (default 100)\n"
		"  --num N        entries per vring, a power of two from 2 to 32768 (default 256)\n"
		"  --big-endian   big-endian link (default: little-endian)\n"
		"  --event-idx    offer and support VIRTIO_F_EVENT_IDX (bit 29)\n"
		"  --verbose K    print the first K incoming messages and the link events "
		"(default 5; 0: summary only)\n",
		prog, SERVICE);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"messages", required_argument, NULL, 'm'},
		{"num", required_argument, NULL, 'n'},
		{"big-endian", no_argument, NULL, 'b'},
		{"event-idx", no_argument, NULL, 'e'},
		{"verbose", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct demo *d = &demo;
	unsigned long num = 256, v;
	uint32_t features = (uint32_t)AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS);
	enum amp_byte_order order = AMP_LITTLE_ENDIAN;
	struct amp_vdev_vring_info vr[2];
	struct amp_rpmsg_link_config hc, rc;
	struct amp_rpmsg_endpoint ept;
	struct amp_rpmsg_endpoint_config ec;
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_io io;
	size_t ring_size, ring1_off, pool_off, pool_size, mem_size;
	uint32_t nbufs;
	uint8_t *mem;
	pthread_t remote_thread;
	struct timespec join_deadline;
	double last_progress;
	unsigned long last_replies = 0;
	bool ok;
	int opt, err;

	d->messages = 100;
	d->verbose = 5;
	while ((opt = getopt_long(argc, argv, "m:n:bev:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (!parse_ulong(optarg, &d->messages) || !d->messages) {
				fprintf(stderr, "rpmsg_demo: --messages must be at least 1\n");
				return 2;
			}
			break;
		case 'n':
			if (!parse_ulong(optarg, &num) || num < 2 || num > AMP_VRING_MAX_NUM ||
			    (num & (num - 1))) {
				fprintf(stderr, "rpmsg_demo: --num must be a power of two from 2 "
						"to 32768\n");
				return 2;
			}
			break;
		case 'b':
			order = AMP_BIG_ENDIAN;
			break;
		case 'e':
			features |= (uint32_t)AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX);
			break;
		case 'v':
			if (!parse_ulong(optarg, &v)) {
				fprintf(stderr, "rpmsg_demo: --verbose needs a number\n");
				return 2;
			}
			d->verbose = v;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr, argv[0]);
		return 2;
	}

	/*
	 * The shared block, as remoteproc lays it out for one vdev: the device block in the first
	 * page, each ring 4 KiB aligned, then the pool the host carves its buffers from (Linux's
	 * default: min(num, 256) receive buffers and as many transmit buffers, 512 bytes each).
	 */
	ring_size = amp_vring_size((uint32_t)num, 4096);
	ring1_off = (RING_BASE + ring_size + 4095) & ~(size_t)4095;
	pool_off = (ring1_off + ring_size + 4095) & ~(size_t)4095;
	nbufs = 2 * (num < 256 ? (uint32_t)num : 256u);
	pool_size = (size_t)nbufs * AMP_RPMSG_BUF_SIZE;
	mem_size = (pool_off + pool_size + 4095) & ~(size_t)4095;
	mem = aligned_alloc(4096, mem_size);
	if (!mem || node_init(&d->host, "host", (uint32_t)num, d->verbose > 0) ||
	    node_init(&d->remote, "remote", (uint32_t)num, d->verbose > 0)) {
		fprintf(stderr, "rpmsg_demo: out of memory or eventfd: %s\n", strerror(errno));
		return 1;
	}
	memset(mem, 0, mem_size);
	d->host.peer_fd = d->remote.irq_fd;
	d->remote.peer_fd = d->host.irq_fd;
	region = (struct amp_mem_region){.da = WINDOW_DA, .va = mem, .size = mem_size};
	table = (struct amp_region_table){.regions = &region, .count = 1};
	io = (struct amp_io){.order = order};

	/* What the firmware image declares: both rings "host, allocate it" (da 0). */
	vr[0] = (struct amp_vdev_vring_info){.align = 4096, .num = (uint32_t)num, .notifyid = 0};
	vr[1] = (struct amp_vdev_vring_info){.align = 4096, .num = (uint32_t)num, .notifyid = 1};
	amp_vdev_block_init(&io, mem, 2, features, vr);

	hc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DRIVER,
		.vdev = mem,
		.io = io,
		.addr = amp_addr_map_regions(&table),
		.features = features,
		.ring = {mem + RING_BASE, mem + ring1_off},
		.ring_size = {ring_size, ring_size},
		.pool = mem + pool_off,
		.pool_size = pool_size,
		.work = d->host.work,
		.work_size = AMP_RPMSG_LINK_WORK_SIZE(num),
		.channels = d->host.channels,
		.channel_count = CHANNELS,
		.notify = kick_peer,
		.notify_ctx = &d->host,
		.tx_timeout_ms = STALL_MS,
	};
	/* The remote sees the same window at the same device addresses; it owns no buffer. */
	rc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DEVICE,
		.vdev = mem,
		.io = io,
		.addr = amp_addr_map_regions(&table),
		.features = features,
		.work = d->remote.work,
		.work_size = AMP_RPMSG_LINK_WORK_SIZE(num),
		.channels = d->remote.channels,
		.channel_count = CHANNELS,
		.notify = kick_peer,
		.notify_ctx = &d->remote,
		.tx_timeout_ms = STALL_MS,
	};
	ec = (struct amp_rpmsg_endpoint_config){
		.name = SERVICE,
		.addr = AMP_RPMSG_ADDR_ANY,
		.dst = AMP_RPMSG_ADDR_ANY, /* bound to the host's address by its first message */
		.cb = remote_echo,
		.priv = d,
		.announce = true, /* a name-service CREATE once the link is up */
	};
	err = amp_rpmsg_link_init(&d->host.link, &d->host.node, &hc);
	if (!err)
		err = amp_rpmsg_link_init(&d->remote.link, &d->remote.node, &rc);
	if (!err)
		err = amp_rpmsg_endpoint_create(&ept, &d->remote.link, &ec);
	if (!err)
		err = amp_rpmsg_driver_register(&d->host.node, &sample_driver);
	if (err) {
		fprintf(stderr, "rpmsg_demo: set-up: %s\n", amp_strerror(err));
		return 1;
	}

	printf("rpmsg: vrings of %lu entries (align 4096), %u + %u buffers of %u bytes, %s, "
	       "offering F_NS%s; shared block of %zu bytes at da %#llx\n",
	       num, nbufs / 2, nbufs / 2, AMP_RPMSG_BUF_SIZE,
	       order == AMP_BIG_ENDIAN ? "big-endian" : "little-endian",
	       features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) ? " and EVENT_IDX" : "",
	       mem_size, (unsigned long long)WINDOW_DA);
	printf("remote: endpoint \"%s\" at 0x%x, announced when the link comes up\n", SERVICE,
	       amp_rpmsg_endpoint_addr(&ept));

	d->host.poller = pthread_self();
	if (pthread_create(&remote_thread, NULL, remote_main, d)) {
		fprintf(stderr, "rpmsg_demo: cannot start the remote thread\n");
		return 1;
	}

	/* The host: bring the device up as Linux's rpmsg_probe() does, then serve interrupts. */
	err = amp_rpmsg_link_start(&d->host.link);
	if (err)
		fail(&d->host_failed, d->host_error, "host: link start: %s", amp_strerror(err));
	d->features = amp_rpmsg_link_features(&d->host.link);
	last_progress = now_s();
	while (!d->host_failed && d->replies < d->messages) {
		wait_for_interrupt(&d->host, TICK_MS);
		err = poll_link(&d->host);
		if (err < 0)
			fail(&d->host_failed, d->host_error, "host: poll: %s", amp_strerror(err));
		if (atomic_load(&d->remote_failed))
			fail(&d->host_failed, d->host_error, "the remote failed");
		if (d->replies != last_replies) {
			last_replies = d->replies;
			last_progress = now_s();
		} else if (now_s() - last_progress > STALL_MS / 1000.0) {
			fail(&d->host_failed, d->host_error,
			     "host: no echo for %d s (%s; %lu of %lu echoes received)",
			     STALL_MS / 1000,
			     d->probed ? "channel probed" : "no channel was announced", d->replies,
			     d->messages);
		}
	}

	/* Done (or given up): reset the device. The remote notices at its next tick and leaves. */
	amp_rpmsg_link_stop(&d->host.link);
	clock_gettime(CLOCK_REALTIME, &join_deadline);
	join_deadline.tv_sec += JOIN_MS / 1000;
	if (pthread_timedjoin_np(remote_thread, NULL, &join_deadline)) {
		fail(&d->host_failed, d->host_error,
		     "remote: did not see the link go down within %d s", JOIN_MS / 1000);
		atomic_store(&d->quit, true);
		pthread_join(remote_thread, NULL);
	}
	amp_rpmsg_endpoint_destroy(&ept);

	ok = !d->host_failed && !atomic_load(&d->remote_failed) && d->replies == d->messages &&
	     d->echoed == d->messages && !trouble(amp_rpmsg_link_stats(&d->host.link)) &&
	     !trouble(amp_rpmsg_link_stats(&d->remote.link));
	if (ok) {
		double elapsed = d->t_last - d->t_first;

		printf("\nsummary: %lu messages sent, echoed and checked in %.3f s (%.1f us per "
		       "round trip)\n",
		       d->messages, elapsed, elapsed * 1e6 / (double)d->messages);
	} else {
		printf("\nsummary: FAILED after %lu of %lu echoes\n", d->replies, d->messages);
	}
	printf("  features negotiated: %#llx (F_NS %s, EVENT_IDX %s)\n",
	       (unsigned long long)d->features,
	       d->features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS) ? "on" : "off",
	       d->features & AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX) ? "on" : "off");
	printf("  kicks: host -> remote %lu, remote -> host %lu\n", d->host.kicks, d->remote.kicks);
	print_stats(&d->host);
	print_stats(&d->remote);

	if (!ok) {
		if (d->host_failed)
			fprintf(stderr, "rpmsg_demo: %s\n", d->host_error);
		if (atomic_load(&d->remote_failed))
			fprintf(stderr, "rpmsg_demo: %s\n", d->remote_error);
		if (!d->host_failed && !atomic_load(&d->remote_failed))
			fprintf(stderr,
				"rpmsg_demo: %lu echoes received, %lu sent by the remote, or a "
				"defect or event was reported (see the summary)\n",
				d->replies, d->echoed);
	}
	node_fini(&d->host);
	node_fini(&d->remote);
	free(mem);
	return ok ? 0 : 1;
}
