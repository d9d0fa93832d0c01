// SPDX-License-Identifier: BSD-3-Clause
/*
 * The remoteproc host's life cycle: registry and references, the power count, start and stop
 * with the rpmsg subdevices around them, crashes, recovery and core dumps, trace buffers.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amp/coredump.h"
#include "amp/error.h"
#include "amp/virtio.h"
#include "remoteproc_internal.h"

static bool config_valid(const struct amp_rproc_config *cfg)
{
	if (!cfg || !cfg->name || !cfg->name[0] || strlen(cfg->name) >= 32 || !cfg->ops ||
	    !cfg->ops->start || !cfg->ops->stop || !cfg->mem || !cfg->mem_count)
		return false;
	if (cfg->elf_class && cfg->elf_class != 32 && cfg->elf_class != 64)
		return false;
	if (cfg->detached ? !cfg->ops->attach || !cfg->ops->loaded_rsc_table
			  : !cfg->firmware || !cfg->firmware_size)
		return false;
	for (size_t i = 0; i < cfg->mem_count; i++) {
		if (!cfg->mem[i].va || !cfg->mem[i].size)
			return false;
	}
	return true;
}

int amp_rproc_create(struct amp_rproc_registry *reg, const struct amp_rproc_config *cfg,
		     struct amp_rproc **out)
{
	struct amp_rproc *rproc;

	struct amp_io io;
	int err;

	if (!reg || !out || !config_valid(cfg))
		return -AMP_EINVAL;
	io = (struct amp_io){.ops = cfg->io_ops, .ctx = cfg->io_ctx, .order = cfg->order};
	err = amp_io_check(&io);
	if (err)
		return err;
	for (rproc = reg->head; rproc; rproc = rproc->next) {
		if (!strcmp(rproc->name, cfg->name))
			return -AMP_EEXIST;
	}
	rproc = calloc(1, sizeof(*rproc));
	if (!rproc)
		return -AMP_ENOMEM;
	rproc->regions = calloc(cfg->mem_count, sizeof(*rproc->regions));
	rproc->pool_used = calloc(cfg->mem_count, sizeof(*rproc->pool_used));
	if (!rproc->regions || !rproc->pool_used) {
		free(rproc->regions);
		free(rproc->pool_used);
		free(rproc);
		return -AMP_ENOMEM;
	}
	strcpy(rproc->name, cfg->name);
	rproc->cfg = *cfg;
	rproc->cfg.name = rproc->name;
	for (size_t i = 0; i < cfg->mem_count; i++)
		rproc->regions[i] =
			(struct amp_mem_region){cfg->mem[i].da, cfg->mem[i].va, cfg->mem[i].size};
	rproc->region_table = (struct amp_region_table){rproc->regions, cfg->mem_count};
	rproc->refs = 1;
	rproc->recovery = true;
	rproc->state = cfg->detached ? AMP_RPROC_DETACHED : AMP_RPROC_OFFLINE;
	rproc->reg = reg;
	rproc->next = reg->head;
	reg->head = rproc;
	*out = rproc;
	return 0;
}

struct amp_rproc *amp_rproc_get_by_name(struct amp_rproc_registry *reg, const char *name)
{
	for (struct amp_rproc *r = reg ? reg->head : NULL; r && name; r = r->next) {
		if (!strcmp(r->name, name)) {
			r->refs++;
			return r;
		}
	}
	return NULL;
}

/*
 * Stop a vdev's link and take it off its node. A link that still carries endpoints the
 * application created stays on the node, stopped, and is started again at the next boot (the
 * same image and memory place everything at the same addresses again).
 */
static void vdev_release(struct rproc_vdev *v)
{
	if (v->inited && amp_rpmsg_link_remove(&v->link)) {
		amp_rpmsg_link_stop(&v->link);
		return;
	}
	v->inited = false;
	free(v->work);
	free(v->channels);
	v->work = NULL;
	v->channels = NULL;
}

int amp_rproc_put(struct amp_rproc *rproc)
{
	struct amp_rproc **at;

	if (!rproc)
		return -AMP_EINVAL;
	if (rproc->refs > 1) {
		rproc->refs--;
		return 0;
	}
	if (rproc->power)
		return -AMP_EBUSY;
	/* A link that still carries an application's endpoint is on the host's node: the
	 * processor, which holds the link, cannot go before it. */
	for (unsigned int i = 0; i < RPROC_MAX_VDEVS; i++) {
		vdev_release(&rproc->vdev[i]);
		if (rproc->vdev[i].inited)
			return -AMP_EBUSY;
	}
	for (at = &rproc->reg->head; *at && *at != rproc; at = &(*at)->next)
		;
	if (*at)
		*at = rproc->next;
	rproc->state = AMP_RPROC_DELETED;
	rproc_unload(rproc);
	free(rproc->clean);
	free(rproc->segments);
	free(rproc->regions);
	free(rproc->pool_used);
	free(rproc);
	return 0;
}

static void kick(void *ctx, uint32_t notifyid)
{
	struct amp_rproc *rproc = ctx;

	rproc->cfg.ops->kick(rproc->cfg.ctx, rproc, notifyid);
}

/* Bring up one rpmsg vdev in the driver role over the loaded table's block. */
static int vdev_start(struct amp_rproc *rproc, struct rproc_vdev *v, char *why)
{
	struct amp_rpmsg_link_config lc;
	int err;

	if (!v->inited) {
		v->work_size = AMP_RPMSG_LINK_WORK_SIZE(v->max_num);
		v->work = aligned_alloc(8, (v->work_size + 7) & ~(size_t)7);
		v->channels = calloc(RPROC_CHANNELS, sizeof(*v->channels));
		if (!v->work || !v->channels) {
			vdev_release(v);
			rproc_why(why, "out of memory");
			return -AMP_ENOMEM;
		}
		lc = (struct amp_rpmsg_link_config){
			.role = AMP_RPMSG_DRIVER,
			.vdev = rproc->loaded + v->offset,
			.io = {.ops = rproc->cfg.io_ops,
			       .ctx = rproc->cfg.io_ctx,
			       .order = rproc->cfg.order},
			.addr = amp_addr_map_regions(&rproc->region_table),
			.features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS),
			.ring = {v->ring[0], v->ring[1]},
			.ring_size = {v->ring_size[0], v->ring_size[1]},
			.pool = v->pool,
			.pool_size = v->pool_size,
			.rx_buf_size = v->buf_size,
			.tx_buf_size = v->buf_size,
			.work = v->work,
			.work_size = v->work_size,
			.channels = v->channels,
			.channel_count = RPROC_CHANNELS,
			.notify = kick,
			.notify_ctx = rproc,
		};
		err = amp_rpmsg_link_init(&v->link, rproc->cfg.node, &lc);
		if (err) {
			vdev_release(v);
			rproc_why(why, "rpmsg device at table offset %u refused its link (%d)",
				  v->offset, err);
			return err;
		}
		v->inited = true;
	}
	err = amp_rpmsg_link_start(&v->link);
	if (err)
		rproc_why(why, "rpmsg device at table offset %u did not start (%d)", v->offset,
			  err);
	return err;
}

/* Stop the subdevices (status 0 in the loaded table), then the remote (rproc_stop()). */
static void stop_remote(struct amp_rproc *rproc)
{
	for (unsigned int i = 0; i < rproc->nvdev; i++)
		vdev_release(&rproc->vdev[i]);
	if (rproc->started)
		(void)rproc->cfg.ops->stop(rproc->cfg.ctx, rproc);
	rproc->started = false;
	rproc->loaded = NULL;
}

/* Load (or attach), start the remote, then its rpmsg devices (rproc_start()). */
static int start_remote(struct amp_rproc *rproc, bool attach, char *why)
{
	const struct amp_rproc_ops *ops = rproc->cfg.ops;
	int err;

	err = attach ? rproc_attach_resources(rproc, why) : rproc_load(rproc, why);
	if (err)
		return err;
	err = attach ? ops->attach(rproc->cfg.ctx, rproc)
		     : ops->start(rproc->cfg.ctx, rproc, rproc->entry);
	if (err) {
		rproc_why(why, "the platform could not %s the remote (%d)",
			  attach ? "attach to" : "start", err);
		rproc_unload(rproc);
		return err;
	}
	rproc->started = true;
	/* The remote runs before any virtio state exists, as on Linux; the links follow. */
	for (unsigned int i = 0; i < rproc->nvdev && !err; i++)
		err = vdev_start(rproc, &rproc->vdev[i], why);
	if (err) {
		stop_remote(rproc);
		rproc_unload(rproc);
		return err;
	}
	rproc->state = attach ? AMP_RPROC_ATTACHED : AMP_RPROC_RUNNING;
	return 0;
}

int amp_rproc_boot(struct amp_rproc *rproc, char *why)
{
	int err;

	if (!rproc)
		return -AMP_EINVAL;
	if (rproc->power) {
		rproc->power++;
		return 0;
	}
	err = start_remote(rproc, rproc->state == AMP_RPROC_DETACHED, why);
	if (!err)
		rproc->power = 1;
	return err;
}

int amp_rproc_shutdown(struct amp_rproc *rproc)
{
	if (!rproc || !rproc->power)
		return -AMP_EINVAL;
	if (--rproc->power)
		return 0;
	stop_remote(rproc);
	rproc_unload(rproc);
	rproc->state = AMP_RPROC_OFFLINE;
	return 0;
}

void amp_rproc_report_crash(struct amp_rproc *rproc, enum amp_rproc_crash_type type)
{
	__atomic_store_n(&rproc->crash_type, (int)type, __ATOMIC_RELAXED);
	__atomic_store_n(&rproc->crash_pending, 1, __ATOMIC_RELEASE);
}

/* The dump of the loaded segments (rproc_coredump()), when the platform wants one. */
static void dump_core(struct amp_rproc *rproc)
{
	const struct amp_rproc_ops *ops = rproc->cfg.ops;
	struct amp_coredump_segment *segs;
	struct amp_coredump_config cc;
	int fd;

	if (!ops->coredump_fd)
		return;
	fd = ops->coredump_fd(rproc->cfg.ctx, rproc);
	if (fd < 0)
		return;
	segs = calloc(rproc->nsegments ? rproc->nsegments : 1, sizeof(*segs));
	if (segs) {
		for (size_t i = 0; i < rproc->nsegments; i++)
			segs[i] = (struct amp_coredump_segment){
				.da = rproc->segments[i].da,
				.data = amp_rproc_da_to_va(rproc, rproc->segments[i].da,
							   rproc->segments[i].size),
				.size = rproc->segments[i].size,
			};
		/* The firmware's class and machine (coredump.h); an attached remote without an
		 * image has the configuration's. */
		cc = (struct amp_coredump_config){
			.elf_class = rproc->image_class     ? rproc->image_class
				     : rproc->cfg.elf_class ? rproc->cfg.elf_class
							    : 32,
			.order = rproc->cfg.order,
			.machine = rproc->image_class ? rproc->image_machine : rproc->cfg.machine,
			.entry = rproc->entry,
			.segments = segs,
			.count = rproc->nsegments,
		};
		(void)amp_coredump_write(fd, &cc);
		free(segs);
	}
	close(fd);
}

/* rproc_boot_recovery(): stop, dump, reload, restart; a remote we only attached to, and have
 * no image of, is attached to again. */
static int recover(struct amp_rproc *rproc)
{
	stop_remote(rproc);
	dump_core(rproc);
	return start_remote(rproc, rproc->cfg.detached && !rproc->cfg.firmware, NULL);
}

int amp_rproc_service(struct amp_rproc *rproc)
{
	int err = 0;

	/* A crash reported while recovering is handled by the next round. */
	while (__atomic_exchange_n(&rproc->crash_pending, 0, __ATOMIC_ACQUIRE)) {
		if (rproc->state != AMP_RPROC_RUNNING && rproc->state != AMP_RPROC_ATTACHED)
			continue; /* Linux acts on the first crash only; stopped remotes ignore it
				   */
		rproc->state = AMP_RPROC_CRASHED;
		rproc->crash_count++;
		if (!rproc->recovery)
			break;
		err = recover(rproc);
		if (err)
			break;
	}
	return err;
}

void amp_rproc_set_recovery(struct amp_rproc *rproc, bool enabled)
{
	rproc->recovery = enabled;
}

int amp_rproc_recover(struct amp_rproc *rproc)
{
	if (!rproc || rproc->state != AMP_RPROC_CRASHED)
		return -AMP_EINVAL;
	return recover(rproc);
}

int amp_rproc_interrupt(struct amp_rproc *rproc, uint32_t notifyid)
{
	int total = 0;

	for (unsigned int i = 0; i < rproc->nvdev; i++) {
		struct rproc_vdev *v = &rproc->vdev[i];
		int n;

		if (!v->inited || (notifyid != AMP_FW_RSC_ADDR_ANY && notifyid != v->notifyid[0] &&
				   notifyid != v->notifyid[1]))
			continue;
		n = amp_rpmsg_link_poll(&v->link);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

enum amp_rproc_state amp_rproc_state(const struct amp_rproc *rproc)
{
	return rproc->state;
}

uint32_t amp_rproc_crash_count(const struct amp_rproc *rproc)
{
	return rproc->crash_count;
}

enum amp_rproc_crash_type amp_rproc_crash_type(const struct amp_rproc *rproc)
{
	return (enum amp_rproc_crash_type)__atomic_load_n(&rproc->crash_type, __ATOMIC_RELAXED);
}

struct amp_rpmsg_link *amp_rproc_link(struct amp_rproc *rproc, unsigned int index)
{
	return index < rproc->nvdev && rproc->vdev[index].inited ? &rproc->vdev[index].link : NULL;
}

long amp_rproc_trace(struct amp_rproc *rproc, unsigned int index, char *buf, size_t size)
{
	const volatile char *src;
	size_t n = 0;

	if (!buf || !size || index >= rproc->ntrace)
		return -AMP_ENOENT;
	src = amp_rproc_da_to_va(rproc, rproc->trace[index].da, rproc->trace[index].len);
	if (!src)
		return -AMP_ENOENT;
	/* The remote may be writing it: one read per byte, up to the first NUL. */
	while (n + 1 < size && n < rproc->trace[index].len && src[n]) {
		buf[n] = src[n];
		n++;
	}
	buf[n] = '\0';
	return (long)n;
}

const char *amp_rproc_state_name(enum amp_rproc_state state)
{
	static const char *const names[] = {
		[AMP_RPROC_OFFLINE] = "offline",   [AMP_RPROC_SUSPENDED] = "suspended",
		[AMP_RPROC_RUNNING] = "running",   [AMP_RPROC_CRASHED] = "crashed",
		[AMP_RPROC_DELETED] = "deleted",   [AMP_RPROC_ATTACHED] = "attached",
		[AMP_RPROC_DETACHED] = "detached",
	};

	return (unsigned int)state < sizeof(names) / sizeof(names[0]) ? names[state] : "invalid";
}
