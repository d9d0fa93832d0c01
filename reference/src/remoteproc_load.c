// SPDX-License-Identifier: BSD-3-Clause
/*
 * Loading a remote: the image checked against the processor, the resource table taken into a
 * cached copy and checked, resources placed (carveouts, vrings, rpmsg buffer pools, notify ids,
 * trace buffers, vendor entries), PT_LOAD segments copied to the remote's memory, and the cached
 * table copied over the loaded one, in the order Linux rproc_fw_boot() does it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/fw_image.h"
#include "amp/vring.h"
#include "io_access.h"
#include "remoteproc_internal.h"

void rproc_why(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, AMP_RPROC_WHY_SIZE, fmt, ap);
	va_end(ap);
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Store a 32-bit field of the cached table in the image's byte order. */
static void put32(struct amp_rproc *rproc, uint32_t off, uint32_t v)
{
	v = amp_ring32(amp_order_swaps(rproc->cfg.order), v);
	memcpy(rproc->cached + off, &v, sizeof(v));
}

/* Place @len bytes in the first pool piece with room; page-aligned, as DMA allocations are. */
static int pool_alloc(struct amp_rproc *rproc, uint64_t len, uint64_t *da, uint64_t *pa, void **va)
{
	for (size_t i = 0; i < rproc->cfg.mem_count; i++) {
		const struct amp_rproc_mem *m = &rproc->cfg.mem[i];
		uint64_t start = round_up(rproc->pool_used[i], RPROC_PAGE);

		if (!(m->flags & AMP_RPROC_MEM_POOL) || start > m->size || len > m->size - start)
			continue;
		rproc->pool_used[i] = start + len;
		*da = m->da + start;
		*pa = m->pa + start;
		*va = (uint8_t *)m->va + start;
		return 0;
	}
	return -AMP_ENOMEM;
}

/* The piece of memory holding all of [@da, @da + @len), or NULL. */
static const struct amp_rproc_mem *find_mem(const struct amp_rproc *rproc, uint64_t da, size_t len)
{
	/* rproc->regions mirrors cfg.mem piece by piece. */
	for (size_t i = 0; i < rproc->cfg.mem_count; i++) {
		if (amp_region_contains_da(&rproc->regions[i], da, len))
			return &rproc->cfg.mem[i];
	}
	return NULL;
}

void *amp_rproc_da_to_va(struct amp_rproc *rproc, uint64_t da, size_t len)
{
	const struct amp_rproc_mem *m = find_mem(rproc, da, len);

	return m ? (uint8_t *)m->va + (da - m->da) : NULL;
}

static int check_image(struct amp_rproc *rproc, struct amp_fw_image *img, char *why)
{
	char reason[AMP_FW_WHY_SIZE];
	size_t a, b;
	int err;

	if (rproc->cfg.elf_class && (unsigned int)img->elf_class * 32 != rproc->cfg.elf_class) {
		rproc_why(why, "firmware is ELF%d, the processor takes ELF%u",
			  img->elf_class == ELFCLASS64 ? 64 : 32, rproc->cfg.elf_class);
		return -AMP_EINVAL;
	}
	if (img->order != rproc->cfg.order) {
		rproc_why(why, "firmware is %s-endian, the processor is not",
			  img->order == AMP_BIG_ENDIAN ? "big" : "little");
		return -AMP_EINVAL;
	}
	if (rproc->cfg.machine && img->machine != rproc->cfg.machine) {
		rproc_why(why, "firmware is for machine %u, the processor is %u", img->machine,
			  rproc->cfg.machine);
		return -AMP_EINVAL;
	}
	for (size_t i = 0; i < img->nload; i++) {
		if (amp_fw_image_check_segment(img, &img->load[i], reason)) {
			rproc_why(why, "firmware: %s", reason);
			return -AMP_EINVAL;
		}
	}
	err = amp_fw_image_check_overlap(img, &a, &b, reason);
	if (err == -AMP_ENOMEM) {
		rproc_why(why, "out of memory");
		return err;
	}
	if (err) {
		rproc_why(why, "firmware: %s", reason);
		return -AMP_EINVAL;
	}
	return 0;
}

/* Copy the image's .resource_table into the cached table and check it (RSC-001..006). */
static int take_table(struct amp_rproc *rproc, struct amp_fw_image *img, char *why)
{
	char reason[AMP_FW_WHY_SIZE];
	struct amp_fw_section sec;
	struct amp_rsc_finding f;
	struct amp_rsc_table t;
	const uint8_t *bytes;
	enum amp_rsc_problem p;
	int found;

	found = amp_fw_image_find_section(img, ".resource_table", &sec, reason);
	if (found < 0) {
		rproc_why(why, "firmware: %s", reason);
		return -AMP_EINVAL;
	}
	if (!found)
		return 0; /* Linux boots images without a table: no resources, no virtio */
	bytes = amp_fw_image_section_bytes(img, &sec, reason);
	if (!bytes || !amp_fw_image_segment_holding(img, &sec)) {
		rproc_why(why, "resource table is not in the loaded part of the image");
		return -AMP_EINVAL;
	}
	rproc->cached = malloc(sec.size ? sec.size : 1);
	if (!rproc->cached) {
		rproc_why(why, "out of memory");
		return -AMP_ENOMEM;
	}
	memcpy(rproc->cached, bytes, sec.size);
	rproc->table_size = sec.size;
	rproc->table_da = sec.addr;
	p = amp_rsc_table_open(&t, rproc->cached, sec.size, rproc->cfg.order);
	if (!p)
		p = amp_rsc_table_check(&t, &f);
	else
		f.entry = AMP_RSC_MAX_ENTRIES;
	if (amp_rsc_problem_is_error(p)) {
		if (f.entry < AMP_RSC_MAX_ENTRIES)
			rproc_why(why, "resource table entry %u: %s", f.entry,
				  amp_rsc_problem_name(p));
		else
			rproc_why(why, "resource table: %s", amp_rsc_problem_name(p));
		return -AMP_EINVAL;
	}
	return 0;
}

/* A carveout: placed from the pool when its address is ANY, else checked; written back. */
static int handle_carveout(struct amp_rproc *rproc, const struct amp_rsc_entry *e, bool attach,
			   char *why)
{
	const struct amp_rsc_mem *c = &e->u.mem;
	uint64_t da = c->da, pa = c->pa;
	const struct amp_rproc_mem *m;
	void *va;

	if (da == AMP_FW_RSC_ADDR_ANY && attach) {
		rproc_why(why, "carveout '%s' of a running remote has no address", c->name);
		return -AMP_EINVAL;
	}
	if (da == AMP_FW_RSC_ADDR_ANY) {
		if (pool_alloc(rproc, c->len, &da, &pa, &va)) {
			rproc_why(why, "carveout '%s' (%u bytes): no room in the remote's memory",
				  c->name, c->len);
			return -AMP_ENOMEM;
		}
	} else {
		m = find_mem(rproc, da, c->len);
		if (!m) {
			rproc_why(
				why,
				"carveout '%s' at %#llx (%u bytes) is outside the remote's memory",
				c->name, (unsigned long long)da, c->len);
			return -AMP_EINVAL;
		}
		if (pa == AMP_FW_RSC_ADDR_ANY)
			pa = m->pa + (da - m->da);
	}
	if (da > UINT32_MAX || pa > UINT32_MAX) {
		rproc_why(why, "carveout '%s' placed above 4 GiB, which the table cannot say",
			  c->name);
		return -AMP_ERANGE;
	}
	put32(rproc, e->offset + 4, (uint32_t)da);
	put32(rproc, e->offset + 8, (uint32_t)pa);
	return 0;
}

static int handle_trace(struct amp_rproc *rproc, const struct amp_rsc_entry *e, char *why)
{
	const struct amp_rsc_trace *tr = &e->u.trace;

	if (rproc->ntrace == RPROC_MAX_TRACES) {
		rproc_why(why, "more than %u trace entries", RPROC_MAX_TRACES);
		return -AMP_E2BIG;
	}
	if (!find_mem(rproc, tr->da, tr->len)) {
		rproc_why(why, "trace buffer '%s' at %#x is outside the remote's memory", tr->name,
			  tr->da);
		return -AMP_EINVAL;
	}
	rproc->trace[rproc->ntrace].da = tr->da;
	rproc->trace[rproc->ntrace].len = tr->len;
	rproc->ntrace++;
	return 0;
}

/* A vring: its memory (from the pool for ANY) and the next notify id, written back. */
static int place_vring(struct amp_rproc *rproc, const struct amp_rsc_entry *e, unsigned int k,
		       uint32_t *next_id, struct rproc_vdev *v, char *why)
{
	const struct amp_vdev_vring_info *info = &e->u.vdev.vring[k];
	uint64_t size = round_up(amp_vring_size(info->num, info->align), RPROC_PAGE);
	uint32_t entry = e->offset + AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * k;
	uint64_t da, pa;

	if (info->da == AMP_FW_RSC_ADDR_ANY) {
		if (pool_alloc(rproc, size, &da, &pa, &v->ring[k])) {
			rproc_why(why, "vring %u of vdev %u (%llu bytes): no room", k, rproc->nvdev,
				  (unsigned long long)size);
			return -AMP_ENOMEM;
		}
	} else {
		/* A fixed address must hold the whole ring (Linux: inside a carveout). */
		size = amp_vring_size(info->num, info->align);
		v->ring[k] = amp_rproc_da_to_va(rproc, info->da, size);
		if (!v->ring[k]) {
			rproc_why(why, "vring %u of vdev %u at %#x is outside the remote's memory",
				  k, rproc->nvdev, info->da);
			return -AMP_EINVAL;
		}
	}
	v->ring_size[k] = size;
	/* Linux assigns ids 0, 1, ... and ignores the image's (RSC-005). */
	v->notifyid[k] = (*next_id)++;
	put32(rproc, entry + AMP_VDEV_VRING_OFF_NOTIFYID, v->notifyid[k]);
	return 0;
}

static int handle_vdev(struct amp_rproc *rproc, const struct amp_rsc_entry *e, uint32_t *next_id,
		       char *why)
{
	const struct amp_rsc_vdev *vd = &e->u.vdev;
	uint32_t bufs, buf_size;
	struct rproc_vdev *v;
	uint64_t da, pa;
	int err;

	if (vd->id != AMP_VIRTIO_ID_RPMSG)
		return 0; /* only rpmsg is driven; other virtio devices are left alone */
	if (!rproc->cfg.node) {
		rproc_why(why,
			  "the table declares an rpmsg device but no rpmsg node is configured");
		return -AMP_EINVAL;
	}
	if (rproc->nvdev == RPROC_MAX_VDEVS) {
		rproc_why(why, "more than %u rpmsg devices", RPROC_MAX_VDEVS);
		return -AMP_E2BIG;
	}
	v = &rproc->vdev[rproc->nvdev];
	v->offset = e->offset;
	for (unsigned int k = 0; k < AMP_RPMSG_NUM_VRINGS; k++) {
		err = place_vring(rproc, e, k, next_id, v, why);
		if (err)
			return err;
	}
	/* Linux's pool: min(num, 256) buffers per direction, receive half first. */
	buf_size = rproc->cfg.rpmsg_buf_size ? rproc->cfg.rpmsg_buf_size : RPROC_RPMSG_BUF_SIZE;
	bufs = (vd->vring[0].num < 256 ? vd->vring[0].num : 256) +
	       (vd->vring[1].num < 256 ? vd->vring[1].num : 256);
	v->buf_size = buf_size;
	v->max_num = vd->vring[0].num > vd->vring[1].num ? vd->vring[0].num : vd->vring[1].num;
	v->pool_size = (size_t)bufs * buf_size;
	if (pool_alloc(rproc, v->pool_size, &da, &pa, &v->pool)) {
		rproc_why(why, "rpmsg buffers of vdev %u (%zu bytes): no room", rproc->nvdev,
			  v->pool_size);
		return -AMP_ENOMEM;
	}
	rproc->nvdev++;
	return 0;
}

static int handle_vendor(struct amp_rproc *rproc, const struct amp_rsc_entry *e, char *why)
{
	const struct amp_rproc_ops *ops = rproc->cfg.ops;
	int err;

	if (!ops->handle_rsc)
		return 0;
	err = ops->handle_rsc(rproc->cfg.ctx, rproc, e->type, rproc->cached + e->offset,
			      rproc->table_size - e->offset);
	if (err)
		rproc_why(why, "vendor entry %u (type %u) refused by the platform (%d)", e->index,
			  e->type, err);
	return err;
}

/* rproc_handle_resources(): every entry of the cached table, in table order. */
static int handle_resources(struct amp_rproc *rproc, bool attach, char *why)
{
	struct amp_rsc_entry e;
	struct amp_rsc_table t;
	uint32_t next_id = 0;
	int err = 0;

	for (size_t i = 0; i < rproc->cfg.mem_count; i++)
		rproc->pool_used[i] = 0;
	rproc->nvdev = 0;
	rproc->ntrace = 0;
	if (!rproc->cached)
		return 0;
	(void)amp_rsc_table_open(&t, rproc->cached, rproc->table_size, rproc->cfg.order);
	for (uint32_t i = 0; i < amp_rsc_table_num(&t) && !err; i++) {
		(void)amp_rsc_table_entry(&t, i, &e); /* checked: no errors, warnings only */
		switch (e.type) {
		case AMP_RSC_CARVEOUT:
			err = handle_carveout(rproc, &e, attach, why);
			break;
		case AMP_RSC_TRACE:
			err = handle_trace(rproc, &e, why);
			break;
		case AMP_RSC_VDEV:
			err = handle_vdev(rproc, &e, &next_id, why);
			break;
		case AMP_RSC_DEVMEM:
			/* Device memory is mapped into the remote's IOMMU; without one there is
			 * nothing for the host to do (Linux: rproc_handle_devmem()). */
			break;
		default:
			if (e.type >= AMP_RSC_VENDOR_START && e.type <= AMP_RSC_VENDOR_END)
				err = handle_vendor(rproc, &e, why);
			break;
		}
	}
	return err;
}

static int load_segments(struct amp_rproc *rproc, const struct amp_fw_image *img, char *why)
{
	free(rproc->segments);
	rproc->segments = calloc(img->nload ? img->nload : 1, sizeof(*rproc->segments));
	rproc->nsegments = 0;
	if (!rproc->segments)
		return -AMP_ENOMEM;
	for (size_t i = 0; i < img->nload; i++) {
		const struct amp_fw_segment *s = &img->load[i];
		uint8_t *va;

		if (!s->memsz)
			continue;
		/* A size a host pointer cannot span is outside any memory it can reach. */
		va = (uint64_t)(size_t)s->memsz == s->memsz
			     ? amp_rproc_da_to_va(rproc, s->paddr, (size_t)s->memsz)
			     : NULL;
		if (!va) {
			rproc_why(why,
				  "segment %zu (%#llx, %llu bytes) is outside the remote's memory",
				  s->index, (unsigned long long)s->paddr,
				  (unsigned long long)s->memsz);
			return -AMP_EINVAL;
		}
		/* Checked by amp_fw_image_check_segment(): the file bytes exist. */
		memcpy(va, img->bytes + s->offset, s->filesz);
		memset(va + s->filesz, 0, s->memsz - s->filesz);
		rproc->segments[rproc->nsegments].da = s->paddr;
		rproc->segments[rproc->nsegments].size = s->memsz;
		rproc->nsegments++;
	}
	return 0;
}

/*
 * The cached table over the loaded one, through the store hooks: a trace then holds the
 * remote's device blocks, ring addresses and notify ids as the host wrote them.
 */
static void table_store(struct amp_rproc *rproc, size_t size)
{
	const struct amp_io io = {
		.ops = rproc->cfg.io_ops, .ctx = rproc->cfg.io_ctx, .order = rproc->cfg.order};

	amp_io_write(&io, rproc->loaded, rproc->cached, size);
}

/* Where the image put the table: the section's address in the remote's memory. */
static int copy_table(struct amp_rproc *rproc, char *why)
{
	if (!rproc->cached)
		return 0;
	rproc->loaded = amp_rproc_da_to_va(rproc, rproc->table_da, rproc->table_size);
	if (!rproc->loaded) {
		rproc_why(why, "the resource table's address %#llx is outside the remote's memory",
			  (unsigned long long)rproc->table_da);
		return -AMP_EINVAL;
	}
	table_store(rproc, rproc->table_size);
	return 0;
}

int rproc_load(struct amp_rproc *rproc, char *why)
{
	char reason[AMP_FW_WHY_SIZE];
	struct amp_fw_image img;
	int err;

	rproc_unload(rproc);
	reason[0] = '\0';
	err = amp_fw_image_parse(&img, rproc->cfg.firmware, rproc->cfg.firmware_size, reason);
	if (err) {
		if (err == -AMP_ENOMEM)
			rproc_why(why, "out of memory");
		else
			rproc_why(why, "firmware: %s", reason);
		goto out;
	}
	rproc->image_class = img.elf_class == ELFCLASS64 ? 64 : 32;
	rproc->image_machine = img.machine;
	err = check_image(rproc, &img, why);
	if (!err)
		err = take_table(rproc, &img, why);
	if (!err)
		err = handle_resources(rproc, false, why);
	if (!err)
		err = load_segments(rproc, &img, why);
	if (!err)
		err = copy_table(rproc, why);
	rproc->entry = img.entry;
out:
	amp_fw_image_release(&img);
	if (err)
		rproc_unload(rproc);
	return err;
}

int rproc_attach_resources(struct amp_rproc *rproc, char *why)
{
	const struct amp_rproc_ops *ops = rproc->cfg.ops;
	struct amp_rsc_finding f;
	struct amp_rsc_table t;
	enum amp_rsc_problem p;
	volatile void *table;
	size_t size = 0;
	int err;

	rproc_unload(rproc);
	table = ops->loaded_rsc_table(rproc->cfg.ctx, rproc, &size);
	if (!table) {
		rproc_why(why, "the platform knows no resource table of the running remote");
		return -AMP_EINVAL;
	}
	if (!rproc->clean || rproc->clean_size != size) {
		/* First attach, or the platform now reports another table. */
		free(rproc->clean);
		rproc->clean = malloc(size ? size : 1);
		if (!rproc->clean) {
			rproc_why(why, "out of memory");
			return -AMP_ENOMEM;
		}
		amp_copy_in(rproc->clean, table, size);
		rproc->clean_size = size;
	}
	rproc->cached = malloc(size ? size : 1);
	if (!rproc->cached) {
		rproc_why(why, "out of memory");
		return -AMP_ENOMEM;
	}
	/* Ring addresses, features and status in the running table are the last session's:
	 * start from the table as the remote's boot loader left it. */
	memcpy(rproc->cached, rproc->clean, size);
	rproc->table_size = size;
	p = amp_rsc_table_open(&t, rproc->cached, size, rproc->cfg.order);
	if (!p)
		p = amp_rsc_table_check(&t, &f);
	if (amp_rsc_problem_is_error(p)) {
		rproc_why(why, "resource table: %s", amp_rsc_problem_name(p));
		err = -AMP_EINVAL;
		goto fail;
	}
	err = handle_resources(rproc, true, why);
	if (err)
		goto fail;
	/* Used in place: the running remote reads this very copy. */
	rproc->loaded = table;
	table_store(rproc, size);
	return 0;
fail:
	rproc_unload(rproc);
	return err;
}

void rproc_unload(struct amp_rproc *rproc)
{
	free(rproc->cached);
	rproc->cached = NULL;
	rproc->table_size = 0;
	rproc->loaded = NULL;
	rproc->nvdev = 0;
	rproc->ntrace = 0;
}
