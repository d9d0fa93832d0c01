// SPDX-License-Identifier: BSD-3-Clause
/*
 * The resource table: header and entry checks, decoding into CPU byte order. Every word is read
 * once from the caller's bytes (which a running remote may share) into a local before it is
 * checked, and every read is bounded by the size the caller gave.
 */
#include <string.h>

#include "amp/error.h"
#include "amp/rsc_table.h"
#include "amp/vring.h"
#include "io_access.h"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* The 32-bit word at @off; the caller has checked that it lies inside the table. */
static uint32_t word(const struct amp_rsc_table *t, size_t off)
{
	uint32_t v;

	amp_copy_in(&v, t->data + off, sizeof(v));
	return amp_ring32(t->swap, v);
}

static uint8_t byte(const struct amp_rsc_table *t, size_t off)
{
	return t->data[off];
}

/* Copy a 32-byte name and terminate it; true when the image had a NUL in it. */
static bool read_name(const struct amp_rsc_table *t, size_t off, char out[AMP_RSC_NAME_SIZE + 1])
{
	amp_copy_in(out, t->data + off, AMP_RSC_NAME_SIZE);
	out[AMP_RSC_NAME_SIZE] = '\0';
	return memchr(out, '\0', AMP_RSC_NAME_SIZE) != NULL;
}

enum amp_rsc_problem amp_rsc_table_open(struct amp_rsc_table *t, const volatile void *data,
					size_t size, enum amp_byte_order order)
{
	uint32_t ver, num;

	t->data = data;
	/* Offsets and sizes in a table are 32-bit: nothing past 4 GiB can belong to it, and the
	 * clamp keeps every size and offset computed from it in 32 bits. */
	t->size = size > UINT32_MAX ? UINT32_MAX : size;
	t->swap = amp_order_swaps(order);
	t->num = 0;
	if (!data || size < AMP_RSC_HDR_SIZE)
		return AMP_RSC_TABLE_SHORT;
	ver = word(t, 0);
	num = word(t, 4);
	if (ver != AMP_RSC_TABLE_VERSION)
		return AMP_RSC_BAD_VERSION;
	if (word(t, 8) || word(t, 12))
		return AMP_RSC_HDR_RESERVED;
	/* 64-bit arithmetic: num is the image's word, 16 + 4 * num can exceed 32 bits. */
	if ((uint64_t)AMP_RSC_HDR_SIZE + 4 * (uint64_t)num > size)
		return AMP_RSC_OFFSETS_TRUNCATED;
	if (num > AMP_RSC_MAX_ENTRIES)
		return AMP_RSC_TOO_MANY_ENTRIES;
	t->num = num;
	return AMP_RSC_OK;
}

uint32_t amp_rsc_table_num(const struct amp_rsc_table *t)
{
	return t->num;
}

/* Bytes left in the table from @off, which is inside it. */
static size_t room(const struct amp_rsc_table *t, uint32_t off)
{
	return t->size - off;
}

/*
 * Give the entry @size bytes, or what is left of the table when that is less: a truncated
 * entry still occupies what it has, for overlap checks and reports. Non-zero when truncated.
 */
static int fits(const struct amp_rsc_table *t, struct amp_rsc_entry *e, uint64_t size)
{
	size_t left = room(t, e->offset);

	e->size = size > left ? (uint32_t)left : (uint32_t)size;
	return size > left;
}

static enum amp_rsc_problem decode_mem(const struct amp_rsc_table *t, struct amp_rsc_entry *e)
{
	struct amp_rsc_mem *m = &e->u.mem;
	uint32_t o = e->offset;
	bool terminated;

	if (fits(t, e, AMP_RSC_CARVEOUT_SIZE))
		return AMP_RSC_ENTRY_TRUNCATED;
	m->da = word(t, o + 4);
	m->pa = word(t, o + 8);
	m->len = word(t, o + 12);
	m->flags = word(t, o + 16);
	m->reserved = word(t, o + 20);
	terminated = read_name(t, o + 24, m->name);
	if (m->reserved)
		return AMP_RSC_ENTRY_RESERVED;
	return terminated ? AMP_RSC_OK : AMP_RSC_WARN_NAME_UNTERMINATED;
}

static enum amp_rsc_problem decode_trace(const struct amp_rsc_table *t, struct amp_rsc_entry *e)
{
	struct amp_rsc_trace *tr = &e->u.trace;
	uint32_t o = e->offset;
	bool terminated;

	if (fits(t, e, AMP_RSC_TRACE_SIZE))
		return AMP_RSC_ENTRY_TRUNCATED;
	tr->da = word(t, o + 4);
	tr->len = word(t, o + 8);
	tr->reserved = word(t, o + 12);
	terminated = read_name(t, o + 16, tr->name);
	if (tr->reserved)
		return AMP_RSC_ENTRY_RESERVED;
	return terminated ? AMP_RSC_OK : AMP_RSC_WARN_NAME_UNTERMINATED;
}

static enum amp_rsc_problem check_vring(const struct amp_vdev_vring_info *v)
{
	/* Linux checks only for zero; every index computation masks with num - 1 (RSC-004). */
	if (!is_pow2(v->num) || v->num > AMP_VRING_MAX_NUM)
		return AMP_RSC_VRING_NUM;
	if (!is_pow2(v->align))
		return AMP_RSC_VRING_ALIGN;
	return AMP_RSC_OK;
}

static enum amp_rsc_problem decode_vdev(const struct amp_rsc_table *t, struct amp_rsc_entry *e)
{
	struct amp_rsc_vdev *vd = &e->u.vdev;
	uint32_t o = e->offset;
	uint64_t size;

	if (fits(t, e, AMP_VDEV_OFF_VRING))
		return AMP_RSC_ENTRY_TRUNCATED;
	vd->id = word(t, o + AMP_VDEV_OFF_ID);
	vd->notifyid = word(t, o + AMP_VDEV_OFF_NOTIFYID);
	vd->dfeatures = word(t, o + AMP_VDEV_OFF_DFEATURES);
	vd->gfeatures = word(t, o + AMP_VDEV_OFF_GFEATURES);
	vd->config_len = word(t, o + AMP_VDEV_OFF_CONFIG_LEN);
	vd->status = byte(t, o + AMP_VDEV_OFF_STATUS);
	vd->num_of_vrings = byte(t, o + AMP_VDEV_OFF_NUM_OF_VRINGS);
	vd->reserved[0] = byte(t, o + AMP_VDEV_OFF_NUM_OF_VRINGS + 1);
	vd->reserved[1] = byte(t, o + AMP_VDEV_OFF_NUM_OF_VRINGS + 2);
	/* The vrings and the config space belong to the entry ("vdev rsc is truncated"). */
	size = AMP_VDEV_OFF_VRING + (uint64_t)AMP_VDEV_VRING_SIZE * vd->num_of_vrings +
	       vd->config_len;
	if (fits(t, e, size))
		return AMP_RSC_ENTRY_TRUNCATED;
	vd->config_offset = o + AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * vd->num_of_vrings;
	/* Every declared vring that the decoded form holds, whatever is wrong with the entry:
	 * a report shows them as the table has them. */
	for (uint32_t k = 0; k < vd->num_of_vrings && k < AMP_RSC_MAX_VRINGS; k++) {
		uint32_t v = o + AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * k;

		vd->vring[k] = (struct amp_vdev_vring_info){
			.da = word(t, v + AMP_VDEV_VRING_OFF_DA),
			.align = word(t, v + AMP_VDEV_VRING_OFF_ALIGN),
			.num = word(t, v + AMP_VDEV_VRING_OFF_NUM),
			.notifyid = word(t, v + AMP_VDEV_VRING_OFF_NOTIFYID),
		};
	}
	if (vd->reserved[0] || vd->reserved[1])
		return AMP_RSC_ENTRY_RESERVED;
	if (vd->num_of_vrings > AMP_RSC_MAX_VRINGS ||
	    (vd->id == AMP_VIRTIO_ID_RPMSG && vd->num_of_vrings != AMP_RPMSG_NUM_VRINGS))
		return AMP_RSC_VDEV_VRINGS;
	for (uint32_t k = 0; k < vd->num_of_vrings; k++) {
		enum amp_rsc_problem p = check_vring(&vd->vring[k]);

		if (p)
			return p;
	}
	if (vd->gfeatures || vd->status)
		return AMP_RSC_WARN_VDEV_HOST_FIELDS;
	return AMP_RSC_OK;
}

enum amp_rsc_problem amp_rsc_table_entry(const struct amp_rsc_table *t, uint32_t index,
					 struct amp_rsc_entry *e)
{
	uint64_t end_of_offsets = AMP_RSC_HDR_SIZE + 4 * (uint64_t)t->num;
	enum amp_rsc_problem p;

	memset(e, 0, sizeof(*e));
	e->index = index;
	if (index >= t->num)
		return e->problem = AMP_RSC_OFFSET_RANGE;
	e->offset = word(t, AMP_RSC_HDR_SIZE + 4 * (size_t)index);
	e->size = 4;
	/* The type word must fit, after the header and its offset array. */
	if (e->offset < end_of_offsets || (uint64_t)e->offset + 4 > t->size)
		p = AMP_RSC_OFFSET_RANGE;
	else if (e->offset & 3u)
		p = AMP_RSC_OFFSET_ALIGN;
	else {
		e->type = word(t, e->offset);
		switch (e->type) {
		case AMP_RSC_CARVEOUT:
		case AMP_RSC_DEVMEM:
			p = decode_mem(t, e);
			break;
		case AMP_RSC_TRACE:
			p = decode_trace(t, e);
			break;
		case AMP_RSC_VDEV:
			p = decode_vdev(t, e);
			break;
		default:
			/* Vendor entries are the platform's to judge (Linux: handle_rsc()). */
			p = e->type >= AMP_RSC_VENDOR_START && e->type <= AMP_RSC_VENDOR_END
				    ? AMP_RSC_OK
				    : AMP_RSC_WARN_UNKNOWN_TYPE;
			break;
		}
	}
	return e->problem = p;
}

int amp_rsc_table_find(const struct amp_rsc_table *t, uint32_t type, uint32_t nth,
		       struct amp_rsc_entry *e)
{
	for (uint32_t i = 0; i < t->num; i++) {
		enum amp_rsc_problem p = amp_rsc_table_entry(t, i, e);

		if (!amp_rsc_problem_is_error(p) && e->type == type && !nth--)
			return 0;
	}
	return -AMP_ENOENT;
}

bool amp_rsc_problem_is_error(enum amp_rsc_problem p)
{
	return p != AMP_RSC_OK && p < AMP_RSC_WARN_UNKNOWN_TYPE;
}

/* Keep the first error; a warning only while nothing worse was found. */
static void note(struct amp_rsc_finding *f, enum amp_rsc_problem p, uint32_t entry, uint32_t other)
{
	if (p == AMP_RSC_OK || amp_rsc_problem_is_error(f->problem))
		return;
	if (f->problem != AMP_RSC_OK && !amp_rsc_problem_is_error(p))
		return;
	*f = (struct amp_rsc_finding){p, entry, other};
}

static bool overlap(const struct amp_rsc_entry *a, const struct amp_rsc_entry *b)
{
	return (uint64_t)a->offset < (uint64_t)b->offset + b->size &&
	       (uint64_t)b->offset < (uint64_t)a->offset + a->size;
}

/* Entry @i again, when it has a usable position (an in-range, aligned offset). */
static bool placed(const struct amp_rsc_table *t, uint32_t i, struct amp_rsc_entry *e)
{
	enum amp_rsc_problem p = amp_rsc_table_entry(t, i, e);

	return p != AMP_RSC_OFFSET_RANGE && p != AMP_RSC_OFFSET_ALIGN;
}

/* Two vrings, anywhere in the table, with the same declared notify id. */
static bool duplicate_notifyid(const struct amp_rsc_entry *a, const struct amp_rsc_entry *b,
			       bool same)
{
	const struct amp_rsc_vdev *va = &a->u.vdev, *vb = &b->u.vdev;

	if (a->type != AMP_RSC_VDEV || b->type != AMP_RSC_VDEV ||
	    amp_rsc_problem_is_error(a->problem) || amp_rsc_problem_is_error(b->problem))
		return false;
	for (uint32_t x = 0; x < va->num_of_vrings; x++) {
		for (uint32_t y = same ? x + 1 : 0; y < vb->num_of_vrings; y++) {
			uint32_t id = va->vring[x].notifyid;

			if (id != AMP_FW_RSC_ADDR_ANY && id == vb->vring[y].notifyid)
				return true;
		}
	}
	return false;
}

enum amp_rsc_problem amp_rsc_table_check(const struct amp_rsc_table *t,
					 struct amp_rsc_finding *first)
{
	struct amp_rsc_finding f = {AMP_RSC_OK, AMP_RSC_MAX_ENTRIES, AMP_RSC_MAX_ENTRIES};
	struct amp_rsc_entry a, b;

	/* Each entry on its own first: its own problem is the more precise report. */
	for (uint32_t i = 0; i < t->num; i++)
		note(&f, amp_rsc_table_entry(t, i, &a), i, i);
	/* Then pairs. The table bounds their number (AMP_RSC_MAX_ENTRIES); decoding again
	 * instead of keeping every entry keeps the check allocation-free. */
	for (uint32_t i = 0; i < t->num && !amp_rsc_problem_is_error(f.problem); i++) {
		if (!placed(t, i, &a))
			continue;
		if (duplicate_notifyid(&a, &a, true))
			note(&f, AMP_RSC_NOTIFYID_DUP, i, i);
		for (uint32_t j = i + 1; j < t->num; j++) {
			if (!placed(t, j, &b))
				continue;
			if (overlap(&a, &b))
				note(&f, AMP_RSC_ENTRY_OVERLAP, i, j);
			else if (duplicate_notifyid(&a, &b, false))
				note(&f, AMP_RSC_NOTIFYID_DUP, i, j);
		}
	}
	if (first)
		*first = f;
	return f.problem;
}

const char *amp_rsc_problem_name(enum amp_rsc_problem p)
{
	static const char *const names[AMP_RSC_PROBLEM_COUNT] = {
		[AMP_RSC_OK] = "ok",
		[AMP_RSC_TABLE_SHORT] = "table shorter than its 16-byte header",
		[AMP_RSC_BAD_VERSION] = "unsupported table version (not 1)",
		[AMP_RSC_HDR_RESERVED] = "non-zero reserved words in the table header",
		[AMP_RSC_OFFSETS_TRUNCATED] = "offset array runs past the table",
		[AMP_RSC_TOO_MANY_ENTRIES] = "more entries than the checks accept (1024)",
		[AMP_RSC_OFFSET_RANGE] = "entry offset outside the table or inside its header",
		[AMP_RSC_OFFSET_ALIGN] = "entry offset not a multiple of 4",
		[AMP_RSC_ENTRY_TRUNCATED] = "entry runs past the table",
		[AMP_RSC_ENTRY_OVERLAP] = "entries overlap",
		[AMP_RSC_ENTRY_RESERVED] = "non-zero reserved field in an entry",
		[AMP_RSC_VDEV_VRINGS] = "vdev vring count (at most 2; rpmsg needs exactly 2)",
		[AMP_RSC_VRING_NUM] = "vring num zero, not a power of two, or above 32768",
		[AMP_RSC_VRING_ALIGN] = "vring align zero or not a power of two",
		[AMP_RSC_NOTIFYID_DUP] = "two vrings declare the same notify id",
		[AMP_RSC_WARN_UNKNOWN_TYPE] = "unknown entry type, skipped",
		[AMP_RSC_WARN_NAME_UNTERMINATED] = "name fills 32 bytes without a NUL",
		[AMP_RSC_WARN_VDEV_HOST_FIELDS] = "gfeatures or status set in the image",
	};

	return (unsigned int)p < AMP_RSC_PROBLEM_COUNT ? names[p] : "unknown problem";
}

const char *amp_rsc_type_name(uint32_t type)
{
	switch (type) {
	case AMP_RSC_CARVEOUT:
		return "carveout";
	case AMP_RSC_DEVMEM:
		return "devmem";
	case AMP_RSC_TRACE:
		return "trace";
	case AMP_RSC_VDEV:
		return "vdev";
	default:
		return type >= AMP_RSC_VENDOR_START && type <= AMP_RSC_VENDOR_END ? "vendor"
										  : "unknown";
	}
}
