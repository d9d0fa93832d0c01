// SPDX-License-Identifier: BSD-3-Clause
/*
 * The checker's frame: the catalogue's accessors, verdict bookkeeping, the shadow of written
 * shared memory, address translation through the trace's views, and the dispatch of each event
 * to the link it concerns.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"

extern const struct ampcheck_rule ampcheck_rule_table[AMPCHECK_RULES];
extern const struct ampcheck_deviation ampcheck_deviation_table[AMPCHECK_DEVIATIONS];
extern const struct ampcheck_profile ampcheck_profile_table[AMPCHECK_PROFILES];

const struct ampcheck_rule *ampcheck_rules(unsigned int *count)
{
	*count = AMPCHECK_RULES;
	return ampcheck_rule_table;
}

const struct ampcheck_deviation *ampcheck_deviations(unsigned int *count)
{
	*count = AMPCHECK_DEVIATIONS;
	return ampcheck_deviation_table;
}

const struct ampcheck_profile *ampcheck_profiles(unsigned int *count)
{
	*count = AMPCHECK_PROFILES;
	return ampcheck_profile_table;
}

/* A name from @table, or "?" for a value out of range. */
static const char *name_of(const char *const *table, unsigned int count, unsigned int value)
{
	return value < count && table[value] ? table[value] : "?";
}

const char *ampcheck_result_name(unsigned int result)
{
	static const char *const names[] = {
		[AMPCHECK_PASS] = "pass",
		[AMPCHECK_FAIL] = "fail",
		[AMPCHECK_WARN] = "warn",
		[AMPCHECK_DEVIATION] = "deviation",
		[AMPCHECK_NOT_EXERCISED] = "not exercised",
		[AMPCHECK_NOT_JUDGED] = "not judged",
	};

	return name_of(names, sizeof(names) / sizeof(names[0]), result);
}

const char *ampcheck_severity_name(unsigned int severity)
{
	static const char *const names[] = {
		[AMPCHECK_MUST] = "MUST",           [AMPCHECK_MUST_DERIVED] = "MUST-derived",
		[AMPCHECK_DF_MUST] = "DF-MUST",     [AMPCHECK_SHOULD] = "SHOULD",
		[AMPCHECK_DF_SHOULD] = "DF-SHOULD",
	};

	return name_of(names, sizeof(names) / sizeof(names[0]), severity);
}

const char *ampcheck_side_name(unsigned int side)
{
	static const char *const names[] = {
		[AMPCHECK_SIDE_DRIVER] = "driver",
		[AMPCHECK_SIDE_DEVICE] = "device",
		[AMPCHECK_SIDE_BOTH] = "both",
		[AMPCHECK_SIDE_IMAGE] = "image",
	};

	return name_of(names, sizeof(names) / sizeof(names[0]), side);
}

const struct ampcheck_profile *ampcheck_profile_find(const char *name)
{
	for (unsigned int i = 0; i < AMPCHECK_PROFILES; i++)
		if (!strcmp(ampcheck_profile_table[i].name, name))
			return &ampcheck_profile_table[i];
	return NULL;
}

uint8_t ck_side_flag(unsigned int side)
{
	return side == CK_DRIVER ? AMPCHECK_SIDE_DRIVER : AMPCHECK_SIDE_DEVICE;
}

/* Is a rule of @side judged under --side? Image rules are the device's. */
static bool judged(const struct ampcheck *ck, unsigned int side)
{
	if (side == AMPCHECK_SIDE_IMAGE)
		side = AMPCHECK_SIDE_DEVICE;
	return (side & ck->sides) != 0;
}

static void record(struct ampcheck *ck, unsigned int rule, int deviation, uint8_t side,
		   uint64_t seq, uint64_t time, uint16_t initiator, const char *fmt, va_list ap)
{
	struct ampcheck_verdict *v = &ck->verdict[rule];
	uint32_t allows = ck->opt.profile ? ck->opt.profile->allows : 0;

	/* A violation by a side outside --side, or by another initiator than the one judged, is
	 * not this run's business. */
	if (!(side & ck->sides) ||
	    (ck->opt.initiator &&
	     (initiator >= AMPTRACE_MAX_IDS || !ck->table ||
	      strcmp(ck->table->initiator[initiator].name, ck->opt.initiator))))
		return;
	if (!v->exercised)
		v->exercised = 1;
	v->violations++;
	if (deviation >= 0 && (allows & (1u << deviation)))
		v->deviations++;
	if (v->shown < AMPCHECK_SHOWN) {
		struct ampcheck_violation *x = &v->first[v->shown++];

		x->seq = seq;
		x->time_ps = time;
		x->initiator = initiator;
		x->side = side;
		x->deviation = (int8_t)deviation;
		vsnprintf(x->text, sizeof(x->text), fmt, ap);
	}
}

void ck_violate(struct ampcheck *ck, unsigned int rule, int deviation, uint8_t side, uint64_t seq,
		uint64_t time, uint16_t initiator, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ck, rule, deviation, side, seq, time, initiator, fmt, ap);
	va_end(ap);
}

void ck_violate_now(struct ampcheck *ck, unsigned int rule, int deviation, uint8_t side,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ck, rule, deviation, side, ck->ev->seq, ck->ev->time_ps, ck->ev->initiator, fmt, ap);
	va_end(ap);
}

/* Tell the caller what the decoder recognised in @l (@d filled but for link and text). */
void ck_decoded(struct ampcheck *ck, const struct ck_link *l, struct ampcheck_decoded *d,
		const char *fmt, ...)
{
	va_list ap;

	if (!ck->opt.decoded)
		return;
	d->link = (unsigned int)(l - ck->link);
	va_start(ap, fmt);
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
	ck->opt.decoded(ck->opt.ctx, ck->ev, d);
}

int ck_fail(struct ampcheck *ck, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ck->error, sizeof(ck->error), fmt, ap);
	va_end(ap);
	ck->failed = true;
	return -1;
}

const char *ck_name(const struct ampcheck *ck, uint16_t initiator)
{
	if (initiator >= AMPTRACE_MAX_IDS || !ck->table || !ck->table->initiator[initiator].defined)
		return "?";
	return ck->table->initiator[initiator].name;
}

/* ---- shadow memory: 4 KiB pages in an open-addressing table keyed by page number ---------- */

static uint64_t page_hash(uint64_t key)
{
	key *= 0x9e3779b97f4a7c15ull;
	return key >> 32;
}

static uint8_t *page_find(struct ampcheck *ck, uint64_t page, bool create)
{
	uint64_t key = page + 1;
	unsigned int slots = 2 * CK_MAX_PAGES;
	unsigned int i = (unsigned int)(page_hash(key) % slots);
	struct ck_page *recent = &ck->recent[page & (CK_RECENT - 1)];

	if (recent->key == key)
		return recent->bytes;
	while (ck->pages[i].key) {
		if (ck->pages[i].key == key) {
			*recent = ck->pages[i];
			return ck->pages[i].bytes;
		}
		i = (i + 1) % slots;
	}
	if (!create)
		return NULL;
	if (ck->npages == CK_MAX_PAGES) {
		ck_fail(ck,
			"the trace writes more than %u MiB of distinct shared memory (the "
			"checker's limit)",
			CK_MAX_PAGES * CK_PAGE_SIZE >> 20);
		return NULL;
	}
	ck->pages[i].bytes = calloc(1, CK_PAGE_SIZE);
	if (!ck->pages[i].bytes) {
		ck_fail(ck, "out of memory");
		return NULL;
	}
	ck->pages[i].key = key;
	ck->npages++;
	*recent = ck->pages[i];
	return ck->pages[i].bytes;
}

/* @n bytes, few: the usual store is a ring field or a word of a message, and a call to memcpy
 * for it costs more than the copy. */
static inline void copy_small(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(dst, src, 8);
		memcpy(dst + n - 8, src + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(dst, src, 4);
		memcpy(dst + n - 4, src + n - 4, 4);
	} else if (n < 4) {
		for (uint32_t i = 0; i < n; i++)
			dst[i] = src[i];
	} else {
		memcpy(dst, src, n);
	}
}

static int shadow_write(struct ampcheck *ck, uint64_t addr, const uint8_t *bytes, uint32_t size)
{
	uint8_t *at = (uint8_t *)ck_shadow_at(ck, addr, size);

	if (at) {
		copy_small(at, bytes, size);
		return 0;
	}
	while (size) {
		uint32_t off = (uint32_t)(addr & (CK_PAGE_SIZE - 1));
		uint32_t n = CK_PAGE_SIZE - off < size ? CK_PAGE_SIZE - off : size;
		uint8_t *page = page_find(ck, addr >> CK_PAGE_SHIFT, true);

		if (!page)
			return -1;
		memcpy(page + off, bytes, n);
		addr += n;
		bytes += n;
		size -= n;
	}
	return 0;
}

/* Bytes never written read as 0 (what a zeroed memory holds). */
void ck_shadow_read(struct ampcheck *ck, uint64_t addr, void *out, uint32_t size)
{
	uint8_t *dst = out;

	while (size) {
		uint32_t off = (uint32_t)(addr & (CK_PAGE_SIZE - 1));
		uint32_t n = CK_PAGE_SIZE - off < size ? CK_PAGE_SIZE - off : size;
		const uint8_t *page = page_find(ck, addr >> CK_PAGE_SHIFT, false);

		if (page)
			memcpy(dst, page + off, n);
		else
			memset(dst, 0, n);
		addr += n;
		dst += n;
		size -= n;
	}
}

/* ---- address translation ------------------------------------------------------------------ */

/* @addr .. @addr + @len in @initiator's view, as a trace address. */
static bool view_translate(const struct amptrace_table *t, uint16_t initiator, uint64_t addr,
			   uint64_t len, uint64_t *out)
{
	for (unsigned int i = 0; i < t->nviews; i++) {
		const struct amptrace_view *v = &t->view[i];
		const struct amptrace_region *r = &t->region[v->region];

		if (v->initiator != initiator || addr < v->base || addr - v->base > r->size ||
		    len > r->size - (addr - v->base))
			continue;
		*out = r->base + (addr - v->base);
		return true;
	}
	return false;
}

static bool in_region(const struct amptrace_table *t, uint64_t addr, uint64_t len)
{
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++) {
		const struct amptrace_region *r = &t->region[i];

		if (r->defined && addr >= r->base && addr - r->base <= r->size &&
		    len <= r->size - (addr - r->base))
			return true;
	}
	return false;
}

/*
 * A device address a driver wrote (a vring's da, a descriptor's addr) as a trace address: the
 * device's view first (what remoteproc drivers write), then the driver's, then the address
 * itself when it lies in a region (a host whose view is the trace's address space).
 */
bool ck_translate(const struct ampcheck *ck, const struct ck_link *l, uint64_t addr, uint64_t len,
		  uint64_t *out)
{
	const struct amptrace_table *t = ck->table;

	if (!len)
		len = 1;
	if (l->initiator[CK_DEVICE] != CK_NONE &&
	    view_translate(t, l->initiator[CK_DEVICE], addr, len, out))
		return true;
	if (l->initiator[CK_DRIVER] != CK_NONE &&
	    view_translate(t, l->initiator[CK_DRIVER], addr, len, out))
		return true;
	if (in_region(t, addr, len)) {
		*out = addr;
		return true;
	}
	return false;
}

/* ---- the checker ----------------------------------------------------------------------- */

struct ampcheck *ampcheck_create(const struct ampcheck_options *opt)
{
	struct ampcheck *ck = calloc(1, sizeof(*ck));

	if (!ck)
		return NULL;
	ck->pages = calloc(2 * CK_MAX_PAGES, sizeof(*ck->pages));
	if (!ck->pages) {
		free(ck);
		return NULL;
	}
	ck->opt = *opt;
	ck->sides = opt->sides ? opt->sides : AMPCHECK_SIDE_BOTH;
	return ck;
}

static void link_free(struct ck_link *l)
{
	for (unsigned int i = 0; i < 2; i++) {
		free(l->vr[i].d);
		free(l->vr[i].returned);
	}
	free(l->bufs);
}

void ampcheck_destroy(struct ampcheck *ck)
{
	if (!ck)
		return;
	for (unsigned int i = 0; i < ck->nlinks; i++)
		link_free(&ck->link[i]);
	for (unsigned int i = 0; i < 2 * CK_MAX_PAGES; i++)
		free(ck->pages[i].bytes);
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++)
		free(ck->fifo[i]);
	free(ck->pages);
	free(ck);
}

const char *ampcheck_error(const struct ampcheck *ck)
{
	return ck->error;
}

unsigned int ampcheck_links(const struct ampcheck *ck)
{
	return ck->nlinks;
}

void ampcheck_link_describe(const struct ampcheck *ck, unsigned int index, char *buf,
			    unsigned int size)
{
	const struct ck_link *l = &ck->link[index];
	int n;

	n = snprintf(buf, size, "device block 0x%llx (%s), driver %s, device %s, %s-endian",
		     (unsigned long long)l->block, ck->table->region[l->region].name,
		     ck_name(ck, l->initiator[CK_DRIVER]), ck_name(ck, l->initiator[CK_DEVICE]),
		     l->big ? "big" : "little");
	for (unsigned int i = 0; i < 2 && n > 0 && (unsigned int)n < size; i++) {
		const struct ck_vring *vr = &l->vr[i];

		if (vr->active)
			n += snprintf(buf + n, size - (unsigned int)n,
				      "; vring%u 0x%llx num %u align %u notifyid %u", i,
				      (unsigned long long)vr->desc, vr->num, vr->align,
				      vr->notifyid);
	}
}

/* Which party of @l made this store: driver, device, or another initiator. */
static unsigned int party(struct ck_link *l, uint16_t initiator)
{
	/* Before anyone wrote the status of a declared block, the next writer is taken for the
	 * driver (its status store names it). */
	if (initiator == l->initiator[CK_DRIVER] || l->initiator[CK_DRIVER] == CK_NONE)
		return CK_DRIVER;
	if (l->initiator[CK_DEVICE] == CK_NONE && l->started)
		l->initiator[CK_DEVICE] = initiator;
	return initiator == l->initiator[CK_DEVICE] ? CK_DEVICE : CK_OTHER;
}

static int store(struct ampcheck *ck, const struct amptrace_event *ev)
{
	uint64_t end = ev->addr + ev->size;

	if (shadow_write(ck, ev->addr, ev->bytes, ev->size))
		return -1;
	for (unsigned int i = 0; i < ck->nlinks; i++) {
		struct ck_link *l = &ck->link[i];
		unsigned int who;

		if (end <= l->lo || ev->addr >= l->hi)
			continue;
		who = party(l, ev->initiator);
		if (who == CK_OTHER)
			continue;
		if (ev->addr < l->block + l->block_size && end > l->block)
			ck_block_store(ck, l, who, ev);
		else if (!ck_ring_store(ck, l, who, ev) && ck_buffer_store(ck, l, who, ev))
			return -1;
		if (ck->failed)
			return -1;
	}
	return ck_link_detect(ck, ev);
}

/* The judgement of each kind of event, for ampcheck_event() and as the checker's sink. */
static int judge_store(void *ctx, const struct amptrace_event *ev)
{
	struct ampcheck *ck = ctx;

	ck->ev = ev;
	return store(ck, ev);
}

static int judge_barrier(void *ctx, const struct amptrace_event *ev)
{
	struct ampcheck *ck = ctx;

	ck->ev = ev;
	ck->barrier[ev->initiator] = ev->seq + 1;
	if (ev->barrier == AMPTRACE_BARRIER_FULL)
		ck_fence(ck, ev->initiator);
	ck->has_barriers[ev->initiator] = true;
	return 0;
}

static int judge_mailbox(void *ctx, const struct amptrace_event *ev)
{
	struct ampcheck *ck = ctx;

	ck->ev = ev;
	ck_mailbox(ck, ev);
	return ck->failed ? -1 : 0;
}

/* The interrupt lines follow the mailbox messages; no rule judges them on their own. */
static int judge_irq(void *ctx, const struct amptrace_event *ev)
{
	struct ampcheck *ck = ctx;

	ck->ev = ev;
	return 0;
}

static const struct amptrace_sink judge_sink = {.on = {
							[AMPTRACE_STORE] = judge_store,
							[AMPTRACE_BARRIER] = judge_barrier,
							[AMPTRACE_MBOX_WRITE] = judge_mailbox,
							[AMPTRACE_MBOX_READ] = judge_mailbox,
							[AMPTRACE_IRQ] = judge_irq,
						}};

int ampcheck_event(struct ampcheck *ck, const struct amptrace_table *table,
		   const struct amptrace_event *ev)
{
	if (ck->failed)
		return -1;
	if (ev->kind < AMPTRACE_STORE || ev->kind > AMPTRACE_IRQ)
		return ck_fail(ck, "event %llu of unknown kind %d", (unsigned long long)ev->seq,
			       (int)ev->kind);
	ck->table = table;
	return judge_sink.on[ev->kind](ck, ev);
}

int ampcheck_trace(struct ampcheck *ck, struct amptrace_reader *r)
{
	/* Events a call: the reader's state is saved and reloaded once per call. */
	enum { BATCH = 64 };
	int n;

	if (ck->failed)
		return -1;
	ck->table = &r->table;
	while ((n = amptrace_read_into(r, &judge_sink, ck, BATCH)) > 0)
		if (ck->failed)
			return -1;
	return n;
}

int ampcheck_finish(struct ampcheck *ck)
{
	int status = 0;

	ck_notify_finish(ck);
	for (unsigned int i = 0; i < ck->nlinks; i++) {
		ck_ring_finish(ck, &ck->link[i]);
		ck_link_finish(ck, &ck->link[i]);
	}
	for (unsigned int r = 0; r < AMPCHECK_RULES; r++) {
		struct ampcheck_verdict *v = &ck->verdict[r];
		const struct ampcheck_rule *rule = &ampcheck_rule_table[r];
		bool should =
			rule->severity == AMPCHECK_SHOULD || rule->severity == AMPCHECK_DF_SHOULD;

		if (!judged(ck, rule->side))
			v->result = AMPCHECK_NOT_JUDGED;
		else if (v->violations > v->deviations)
			v->result = should ? AMPCHECK_WARN : AMPCHECK_FAIL;
		else if (v->violations)
			v->result = AMPCHECK_DEVIATION;
		else if (v->exercised)
			v->result = AMPCHECK_PASS;
		else
			v->result = AMPCHECK_NOT_EXERCISED;
		if (v->result == AMPCHECK_FAIL)
			status = 1;
	}
	return status;
}

const struct ampcheck_verdict *ampcheck_verdict(const struct ampcheck *ck, unsigned int rule)
{
	return &ck->verdict[rule];
}
