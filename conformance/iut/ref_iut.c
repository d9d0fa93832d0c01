// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim's reference implementation as an implementation under test (ampconf/iut.h), in both
 * roles: the conformance harness can run the reference against itself, which is how the
 * harness and the rule catalogue are checked before they judge anybody else.
 *
 * The adapter is a thin layer over the reference's rpmsg link API. It owns one rpmsg node with
 * one link on the harness's window, a fixed table of endpoints (the handles the harness sees are
 * indices into it), the link's channel pool and work area. Shared memory is touched only by the
 * reference, through the hooked build's &struct amp_io_ops: every store is an ordinary store
 * (amp_io_native_write()) that the harness traces by write-protecting the window, and every
 * barrier is executed and then reported to the harness.
 *
 * The module is loaded with dlmopen() into a namespace of its own and exports nothing but
 * ampconf_iut(): the reference's amp_* symbols are hidden (CMakeLists.txt).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/rpmsg.h"
#include "amp/vdev.h"
#include "amp/virtio.h"
#include "amp/vring.h"
#include "ampconf/iut.h"

/* Endpoints the harness may have open at once: a scenario needs a handful. */
#define REF_IUT_ENDPOINTS 16u
/* Channels the peer may announce at once; an announcement beyond is dropped (and logged). */
#define REF_IUT_CHANNELS 32u
/* Linux's rpmsg buffers per direction (MAX_RPMSG_NUM_BUFS / 2), the reference's default. */
#define REF_IUT_BUFS_PER_DIRECTION 256u
/* The one exported symbol; everything else is hidden by -fvisibility=hidden. */
#define REF_IUT_EXPORT __attribute__((visibility("default")))

/*
 * The adapter interface and the reference agree on these values; the asserts make passing them
 * through unchanged safe. The reference's error codes are Linux's errno numbers (amp/error.h),
 * which is what the interface wants back.
 */
_Static_assert(AMP_RPMSG_ADDR_ANY == 0xffffffffu, "AMPCONF_ADDR_ANY is RPMSG_ADDR_ANY");
_Static_assert(AMPCONF_F_NS == AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS), "F_NS bit");
_Static_assert(AMPCONF_F_EVENT_IDX == AMP_VIRTIO_FEATURE(AMP_VIRTIO_F_EVENT_IDX), "EVENT_IDX bit");
_Static_assert((int)AMPCONF_DRIVER == (int)AMP_RPMSG_DRIVER &&
		       (int)AMPCONF_DEVICE == (int)AMP_RPMSG_DEVICE,
	       "role values");
_Static_assert(AMP_BARRIER_WRITE == 0 && AMP_BARRIER_READ == 1 && AMP_BARRIER_FULL == 2,
	       "barrier kinds of ampconf_host.barrier");
_Static_assert(AMP_ENOENT == ENOENT && AMP_EIO == EIO && AMP_E2BIG == E2BIG &&
		       AMP_EAGAIN == EAGAIN && AMP_ENOMEM == ENOMEM && AMP_EFAULT == EFAULT &&
		       AMP_EBUSY == EBUSY && AMP_EEXIST == EEXIST && AMP_ENODEV == ENODEV &&
		       AMP_EINVAL == EINVAL && AMP_ENOSPC == ENOSPC && AMP_ERANGE == ERANGE &&
		       AMP_EPROTO == EPROTO && AMP_EBADMSG == EBADMSG && AMP_EMSGSIZE == EMSGSIZE &&
		       AMP_ENOTSUP == ENOTSUP && AMP_ENOTCONN == ENOTCONN &&
		       AMP_ETIMEDOUT == ETIMEDOUT,
	       "AMP_E* are Linux errno values");

struct ref_iut;

/**
 * struct ref_iut_ept - one slot of the adapter's endpoint table
 * @ept: the reference's endpoint (the reference lets the caller place it)
 * @iut: the instance, for the receive callback
 * @used: the slot holds a live endpoint
 */
struct ref_iut_ept {
	struct amp_rpmsg_endpoint ept;
	struct ref_iut *iut;
	bool used;
};

/**
 * struct ref_iut_service - what the harness was told about the channel in one pool slot
 * @reported: &ampconf_host.service said "created" and not yet "withdrawn"
 * @addr: the channel's remote address as reported
 * @name: its name as reported
 */
struct ref_iut_service {
	bool reported;
	uint32_t addr;
	char name[AMP_RPMSG_NAME_SIZE];
};

/**
 * struct ref_iut - one attached instance (the context the harness passes back)
 * @link: the harness's link description (copied)
 * @host: the harness's callbacks (copied)
 * @shm: the window
 * @region: the window as the reference's address map sees it
 * @table: the one-region table behind &ref_iut.rlink's address map
 * @node: the rpmsg node (one per instance: no state is shared between instances)
 * @rlink: the rpmsg link on the window
 * @work: the link's work area (AMP_RPMSG_LINK_WORK_SIZE of the larger ring)
 * @channels: the link's channel pool
 * @services: per pool slot, what was reported through &ampconf_host.service
 * @epts: the endpoint table; a handle is an index into it
 */
struct ref_iut {
	struct ampconf_link link;
	struct ampconf_host host;
	volatile uint8_t *shm;
	struct amp_mem_region region;
	struct amp_region_table table;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link rlink;
	void *work;
	struct amp_rpmsg_channel channels[REF_IUT_CHANNELS];
	struct ref_iut_service services[REF_IUT_CHANNELS];
	struct ref_iut_ept epts[REF_IUT_ENDPOINTS];
};

/* printf-style diagnostics into the session's log, when the harness takes them. */
__attribute__((format(printf, 2, 3))) static void iut_log(struct ref_iut *iut, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	if (!iut->host.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	iut->host.log(iut->host.ctx, line);
}

/* The reference's codes already are negative errno values (asserted above). */
static int to_errno(int err)
{
	return err;
}

/* ---------------------------------------------------------------- shared-memory hooks */

/* Perform the store as the plain build would: the harness sees it by its page fault. */
static void iut_io_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	(void)ctx;
	amp_io_native_write(dst, src, len);
}

/* Execute the barrier, then report it: the harness orders it after the stores before it. */
static void iut_io_barrier(void *ctx, enum amp_barrier kind)
{
	struct ref_iut *iut = ctx;

	amp_io_native_barrier(kind);
	if (iut->host.barrier)
		iut->host.barrier(iut->host.ctx, (unsigned int)kind);
}

static const struct amp_io_ops iut_io_ops = {
	.write = iut_io_write,
	.barrier = iut_io_barrier,
};

static void iut_notify(void *ctx, uint32_t notifyid)
{
	struct ref_iut *iut = ctx;

	iut->host.notify(iut->host.ctx, notifyid);
}

/* ---------------------------------------------------------------- services */

static void service_report(struct ref_iut *iut, const struct ref_iut_service *s, int created)
{
	if (iut->host.service)
		iut->host.service(iut->host.ctx, s->name, s->addr, created);
}

/*
 * Report every reported channel that is gone from the pool. The channel-destroyed event names
 * only the remote address, so when two of the peer's channels share one (different names),
 * service_destroyed() cannot tell which one goes; the pool tells afterwards. A channel is still
 * in the pool while its event runs, so this never reports one early.
 */
static void services_reconcile(struct ref_iut *iut)
{
	for (uint32_t i = 0; i < REF_IUT_CHANNELS; i++) {
		struct ref_iut_service *s = &iut->services[i];

		if (s->reported &&
		    amp_rpmsg_channel_find(&iut->rlink, s->name, s->addr) != &iut->channels[i]) {
			s->reported = false;
			service_report(iut, s, 0);
		}
	}
}

/*
 * The peer announced a channel at @addr; it is in the pool now, whether or not a driver serves
 * it (the reference reports the event before it looks for one, and this adapter registers no
 * driver). Find its slot: the one, not yet reported, that a lookup by its own name and @addr
 * returns.
 */
static void service_created(struct ref_iut *iut, uint32_t addr)
{
	/* A slot freed by a withdrawal not reported yet may be the one reused now. */
	services_reconcile(iut);
	for (uint32_t i = 0; i < REF_IUT_CHANNELS; i++) {
		struct amp_rpmsg_channel *ch = &iut->channels[i];
		struct ref_iut_service *s = &iut->services[i];
		const char *name = amp_rpmsg_channel_name(ch);
		size_t n = 0;

		if (s->reported || amp_rpmsg_channel_find(&iut->rlink, name, addr) != ch)
			continue;
		while (n < sizeof(s->name) - 1 && name[n]) {
			s->name[n] = name[n];
			n++;
		}
		s->name[n] = '\0';
		s->addr = addr;
		s->reported = true;
		service_report(iut, s, 1);
		return;
	}
	iut_log(iut, "ref_iut: channel at 0x%x announced but not found in the pool",
		(unsigned int)addr);
}

/* A channel of the peer at @addr goes away (its DESTROY, or the link went down). */
static void service_destroyed(struct ref_iut *iut, uint32_t addr)
{
	struct ref_iut_service *match = NULL;
	unsigned int count = 0;

	services_reconcile(iut);
	for (uint32_t i = 0; i < REF_IUT_CHANNELS; i++) {
		struct ref_iut_service *s = &iut->services[i];

		if (s->reported && s->addr == addr) {
			match = s;
			count++;
		}
	}
	/* Several candidates: services_reconcile() reports the right one once it is gone. */
	if (count == 1) {
		match->reported = false;
		service_report(iut, match, 0);
	}
}

static void iut_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		      uint32_t b)
{
	struct ref_iut *iut = ctx;

	(void)link;
	switch (ev) {
	case AMP_RPMSG_EV_CHANNEL_CREATED:
		service_created(iut, a);
		break;
	case AMP_RPMSG_EV_CHANNEL_DESTROYED:
		service_destroyed(iut, a);
		break;
	default:
		iut_log(iut, "ref_iut: %s (%u, %u)", amp_rpmsg_event_name(ev), (unsigned int)a,
			(unsigned int)b);
		break;
	}
}

/* Single-threaded and call-driven (ampconf/iut.h): no locks, no waits. */
static const struct amp_rpmsg_platform_ops iut_platform_ops = {
	.event = iut_event,
};

/* ---------------------------------------------------------------- attach */

__attribute__((format(printf, 3, 4))) static int attach_fail(char *err, size_t errlen,
							     const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Is [@off, @off + @len) inside the window? Written so that nothing can overflow. */
static bool in_window(const struct ampconf_link *l, uint64_t off, uint64_t len)
{
	return off <= l->shm_size && len <= l->shm_size - off;
}

/**
 * struct ref_iut_range - a part of the window the link uses, for the overlap check
 * @off: first byte
 * @len: bytes
 * @what: its name for the error text
 */
struct ref_iut_range {
	uint64_t off;
	uint64_t len;
	const char *what;
};

/*
 * Check everything the reference would otherwise find only at link-up, or not at all (a pool
 * overlapping a ring): a bad link is the harness's mistake and deserves a reason.
 */
static int link_check(const struct ampconf_link *l, const struct ampconf_host *h, char *err,
		      size_t errlen)
{
	struct ref_iut_range r[4];
	unsigned int nr = 0;

	if (!l || !h)
		return attach_fail(err, errlen, "no link or no host callbacks");
	if (!h->notify)
		return attach_fail(err, errlen, "host.notify is required");
	if (l->role != AMPCONF_DRIVER && l->role != AMPCONF_DEVICE)
		return attach_fail(err, errlen, "role %u is neither driver nor device",
				   (unsigned int)l->role);
	if (!l->shm || !l->shm_size || l->shm_size > SIZE_MAX ||
	    l->shm_da > UINT64_MAX - l->shm_size)
		return attach_fail(err, errlen, "no window, or a window of impossible size");
	if ((l->vdev_offset & 3) || !in_window(l, l->vdev_offset, AMP_VDEV_BLOCK_SIZE(2)))
		return attach_fail(err, errlen,
				   "device block at 0x%llx: unaligned or outside the window",
				   (unsigned long long)l->vdev_offset);
	r[nr++] = (struct ref_iut_range){l->vdev_offset, AMP_VDEV_BLOCK_SIZE(2), "device block"};
	for (unsigned int k = 0; k < 2; k++) {
		size_t size = amp_vring_size(l->num[k], l->align);

		if (!size)
			return attach_fail(err, errlen, "vring%u: num %u or align %u invalid", k,
					   (unsigned int)l->num[k], (unsigned int)l->align);
		/* The descriptor table needs 16 bytes; the window is page aligned. */
		if ((l->vring_offset[k] & 15) || !in_window(l, l->vring_offset[k], size))
			return attach_fail(err, errlen,
					   "vring%u at 0x%llx: unaligned or outside the window", k,
					   (unsigned long long)l->vring_offset[k]);
		/* The device block holds 32-bit ring addresses. */
		if (l->shm_da + l->vring_offset[k] > UINT32_MAX)
			return attach_fail(err, errlen, "vring%u: device address above 4 GiB", k);
		r[nr++] = (struct ref_iut_range){l->vring_offset[k], size, k ? "vring1" : "vring0"};
	}
	if (l->role == AMPCONF_DRIVER) {
		if (l->buf_size <= AMP_RPMSG_HDR_SIZE)
			return attach_fail(err, errlen, "buffer size %u holds no payload",
					   (unsigned int)l->buf_size);
		if (!l->pool_size || !in_window(l, l->pool_offset, l->pool_size))
			return attach_fail(err, errlen, "pool empty or outside the window");
		r[nr++] = (struct ref_iut_range){l->pool_offset, l->pool_size, "pool"};
	}
	for (unsigned int i = 0; i < nr; i++) {
		for (unsigned int j = i + 1; j < nr; j++) {
			if (r[i].off < r[j].off + r[j].len && r[j].off < r[i].off + r[i].len)
				return attach_fail(err, errlen, "%s and %s overlap", r[i].what,
						   r[j].what);
		}
	}
	return 0;
}

/*
 * Driver role: buffers per direction. The reference's default is Linux's, min(num, 256) each;
 * a pool too small for that is shared out evenly instead of failing at start(), so that the
 * harness may hand out a smaller pool.
 */
static int driver_buffers(const struct ampconf_link *l, uint32_t *rx, uint32_t *tx)
{
	uint32_t want_rx =
		l->num[0] < REF_IUT_BUFS_PER_DIRECTION ? l->num[0] : REF_IUT_BUFS_PER_DIRECTION;
	uint32_t want_tx =
		l->num[1] < REF_IUT_BUFS_PER_DIRECTION ? l->num[1] : REF_IUT_BUFS_PER_DIRECTION;
	uint64_t fits = l->pool_size / l->buf_size;

	*rx = 0; /* 0: the reference's default */
	*tx = 0;
	if (fits >= (uint64_t)want_rx + want_tx)
		return 0;
	*rx = fits / 2 < want_rx ? (uint32_t)(fits / 2) : want_rx;
	*tx = fits - *rx < want_tx ? (uint32_t)(fits - *rx) : want_tx;
	return *rx && *tx ? 0 : -EINVAL;
}

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static void *iut_attach(const struct ampconf_link *link, const struct ampconf_host *host, char *err,
			size_t errlen)
{
	struct amp_rpmsg_link_config cfg;
	struct ref_iut *iut = NULL, *ret = NULL;
	uint32_t max_num, rx_bufs = 0, tx_bufs = 0;
	size_t work_size;
	int rc;

	if (link_check(link, host, err, errlen))
		goto out;
	if (link->role == AMPCONF_DRIVER && driver_buffers(link, &rx_bufs, &tx_bufs)) {
		attach_fail(err, errlen, "a pool of %llu bytes holds fewer than 2 buffers of %u",
			    (unsigned long long)link->pool_size, (unsigned int)link->buf_size);
		goto out;
	}
	iut = calloc(1, sizeof(*iut));
	if (!iut) {
		attach_fail(err, errlen, "out of memory");
		goto out;
	}
	iut->link = *link;
	iut->host = *host;
	iut->shm = link->shm;
	max_num = link->num[0] > link->num[1] ? link->num[0] : link->num[1];
	work_size = AMP_RPMSG_LINK_WORK_SIZE(max_num);
	/* aligned_alloc() wants a multiple of the alignment; the reference wants 8 bytes. */
	iut->work = aligned_alloc(64, round_up(work_size, 64));
	if (!iut->work) {
		attach_fail(err, errlen, "out of memory");
		goto out;
	}
	iut->region = (struct amp_mem_region){
		.da = link->shm_da,
		.va = (void *)(uintptr_t)link->shm,
		.size = (size_t)link->shm_size,
	};
	iut->table = (struct amp_region_table){.regions = &iut->region, .count = 1};
	for (uint32_t i = 0; i < REF_IUT_ENDPOINTS; i++)
		iut->epts[i].iut = iut;

	amp_rpmsg_node_init(&iut->node, &iut_platform_ops, iut);
	cfg = (struct amp_rpmsg_link_config){
		.role = link->role == AMPCONF_DRIVER ? AMP_RPMSG_DRIVER : AMP_RPMSG_DEVICE,
		.vdev = iut->shm + link->vdev_offset,
		.io = {.ops = &iut_io_ops, .ctx = iut, .order = AMP_LITTLE_ENDIAN},
		.addr = amp_addr_map_regions(&iut->table),
		/* Driver: the offer is intersected with this; device: says whether it runs the
		 * name service at all (the offer is the block's dfeatures, below). */
		.features = link->features,
		.work = iut->work,
		.work_size = work_size,
		.channels = iut->channels,
		.channel_count = REF_IUT_CHANNELS,
		.notify = iut_notify,
		.notify_ctx = iut,
	};
	if (link->role == AMPCONF_DRIVER) {
		for (unsigned int k = 0; k < 2; k++) {
			cfg.ring[k] = (void *)(uintptr_t)(iut->shm + link->vring_offset[k]);
			cfg.ring_size[k] = amp_vring_size(link->num[k], link->align);
		}
		cfg.pool = (void *)(uintptr_t)(iut->shm + link->pool_offset);
		cfg.pool_size = (size_t)link->pool_size;
		cfg.rx_buf_size = link->buf_size;
		cfg.tx_buf_size = link->buf_size;
		cfg.rx_bufs = rx_bufs;
		cfg.tx_bufs = tx_bufs;
	}
	/* Checks the configuration and touches no shared memory: a refusal leaves the window
	 * as it was. */
	rc = amp_rpmsg_link_init(&iut->rlink, &iut->node, &cfg);
	if (rc) {
		attach_fail(err, errlen, "the reference refused the link (%s)", amp_strerror(rc));
		goto out;
	}
	if (link->role == AMPCONF_DEVICE) {
		struct amp_vdev_vring_info vr[2];

		for (unsigned int k = 0; k < 2; k++) {
			vr[k] = (struct amp_vdev_vring_info){
				.da = (uint32_t)(link->shm_da + link->vring_offset[k]),
				.align = link->align,
				.num = link->num[k],
				.notifyid = link->notifyid[k],
			};
		}
		/* What a firmware image declares: the driver finds it before it starts. */
		amp_vdev_block_init(&cfg.io, cfg.vdev, link->vdev_notifyid, link->features, vr);
	}
	ret = iut;
	iut = NULL;
out:
	if (iut) {
		free(iut->work);
		free(iut);
	}
	return ret;
}

/* ---------------------------------------------------------------- operations */

static int iut_start(void *p)
{
	struct ref_iut *iut = p;
	int ret = 0;

	/* A device has nothing to do: it notices DRIVER_OK in poll. */
	if (iut->link.role == AMPCONF_DRIVER)
		ret = to_errno(amp_rpmsg_link_start(&iut->rlink));
	services_reconcile(iut);
	return ret;
}

/* The messages delivered, or an error (the harness judges progress by the stores and kicks). */
static int iut_poll(void *p)
{
	struct ref_iut *iut = p;
	int n = amp_rpmsg_link_poll(&iut->rlink);

	services_reconcile(iut);
	return n < 0 ? to_errno(n) : n;
}

/* Any kick is worth a poll of both rings (spurious ones are harmless to the reference). */
static int iut_kick(void *p, uint32_t notifyid)
{
	(void)notifyid;
	return iut_poll(p);
}

/* An endpoint's message goes to the harness; the payload is valid during the call only. */
static int iut_received(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
			void *priv)
{
	struct ref_iut_ept *e = priv;
	struct ref_iut *iut = e->iut;

	(void)ept;
	if (iut->host.received)
		iut->host.received(iut->host.ctx, (int)(e - iut->epts), src, data, len);
	return 0;
}

static int iut_open(void *p, const char *name, uint32_t addr, uint32_t dst, int announce,
		    uint32_t *bound)
{
	struct ref_iut *iut = p;
	struct amp_rpmsg_endpoint_config cfg;
	struct ref_iut_ept *e = NULL;
	int ret;

	for (uint32_t i = 0; i < REF_IUT_ENDPOINTS && !e; i++) {
		if (!iut->epts[i].used)
			e = &iut->epts[i];
	}
	if (!e) {
		ret = -ENOSPC;
		goto out;
	}
	cfg = (struct amp_rpmsg_endpoint_config){
		.name = name && name[0] ? name : NULL,
		.addr = addr,
		.dst = dst,
		.cb = iut_received,
		.priv = e,
		.announce = announce != 0,
	};
	/* Announces at once when the link is up with F_NS, else at the next link-up. */
	ret = to_errno(amp_rpmsg_endpoint_create(&e->ept, &iut->rlink, &cfg));
	if (ret)
		goto out;
	e->used = true;
	if (bound)
		*bound = amp_rpmsg_endpoint_addr(&e->ept);
	ret = (int)(e - iut->epts);
out:
	services_reconcile(iut);
	return ret;
}

static struct ref_iut_ept *ept_of(struct ref_iut *iut, int handle)
{
	if (handle < 0 || (unsigned int)handle >= REF_IUT_ENDPOINTS || !iut->epts[handle].used)
		return NULL;
	return &iut->epts[handle];
}

static int iut_close(void *p, int handle)
{
	struct ref_iut *iut = p;
	struct ref_iut_ept *e = ept_of(iut, handle);
	int ret = 0;

	if (!e) {
		ret = -EINVAL;
		goto out;
	}
	/* Sends the name-service DESTROY first when the endpoint was announced. */
	amp_rpmsg_endpoint_destroy(&e->ept);
	e->used = false;
out:
	services_reconcile(iut);
	return ret;
}

static int iut_send(void *p, int handle, uint32_t dst, const void *data, size_t len)
{
	struct ref_iut *iut = p;
	struct ref_iut_ept *e = ept_of(iut, handle);
	int ret;

	if (!e || (!data && len)) {
		ret = -EINVAL;
		goto out;
	}
	ret = amp_rpmsg_trysendto(&e->ept, data, len, dst);
	/* The try variant's "no transmit buffer now" is what the interface calls -EAGAIN. */
	ret = ret == -AMP_ENOMEM ? -EAGAIN : to_errno(ret);
out:
	services_reconcile(iut);
	return ret;
}

/*
 * Driver role: what a host does when the remote crashed: take the link down (DESTROY for what
 * was announced while the link still carries it, the peer's channels removed, status 0). The
 * harness lets the device see the reset, then calls start() to bring the link up again.
 */
static int iut_reset(void *p)
{
	struct ref_iut *iut = p;

	if (iut->link.role != AMPCONF_DRIVER)
		return -EOPNOTSUPP;
	amp_rpmsg_link_stop(&iut->rlink);
	services_reconcile(iut);
	return 0;
}

/*
 * The window is not touched any more (ampconf/iut.h): no link stop, no DESTROY, no status
 * store; the memory is simply given back.
 */
static void iut_detach(void *p)
{
	struct ref_iut *iut = p;

	if (!iut)
		return;
	free(iut->work);
	free(iut);
}

static const struct ampconf_iut_ops ref_iut = {
	.abi = AMPCONF_IUT_ABI,
	.name = "ampsim reference",
	.roles = (1u << AMPCONF_DRIVER) | (1u << AMPCONF_DEVICE),
	/* Both roles run the name service and event-index suppression (vring.c, either role). */
	.features = AMPCONF_F_NS | AMPCONF_F_EVENT_IDX,
	.flags = AMPCONF_IUT_REPORTS_BARRIERS,
	.attach = iut_attach,
	.start = iut_start,
	.kick = iut_kick,
	.poll = iut_poll,
	.open = iut_open,
	.close = iut_close,
	.send = iut_send,
	.reset = iut_reset,
	.detach = iut_detach,
};

/**
 * ampconf_iut() - the reference's description as an implementation under test
 *
 * The one symbol the module exports; the harness looks it up by AMPCONF_IUT_SYMBOL.
 *
 * Return: the constant description.
 */
REF_IUT_EXPORT const struct ampconf_iut_ops *ampconf_iut(void)
{
	return &ref_iut;
}
