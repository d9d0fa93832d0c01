// SPDX-License-Identifier: BSD-3-Clause
/* The binary encoding (docs/trace-format.md): little-endian fields, length-prefixed records. */
#define _GNU_SOURCE /* MAP_POPULATE, fileno, ftello */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_internal.h"

/* A mapped window of a trace file: 4 MiB, much more than a record (at most 64 KiB and change)
 * and few enough mapped pages at once that the reader's memory does not grow with the trace. */
#define MAP_WINDOW (4u << 20)
#ifndef MAP_POPULATE
#define MAP_POPULATE 0 /* Linux's: the window's pages mapped in one call, not a fault each */
#endif

/* One record: the 8-byte record header, @len bytes of fixed payload, then @tail (may be NULL). */
static int put_record(struct amptrace_writer *w, unsigned int type, const uint8_t *fixed,
		      uint32_t len, const void *tail, uint32_t tail_len)
{
	uint8_t head[BIN_RECORD_HEADER] = {(uint8_t)type};

	put32(head + 4, len + tail_len);
	if (fwrite(head, 1, sizeof(head), w->out) != sizeof(head) ||
	    fwrite(fixed, 1, len, w->out) != len ||
	    (tail_len && fwrite(tail, 1, tail_len, w->out) != tail_len))
		return -1;
	return 0;
}

int bin_write_header(struct amptrace_writer *w)
{
	uint8_t head[BIN_HEADER] = {0};

	memcpy(head, BIN_MAGIC, BIN_MAGIC_SIZE);
	put16(head + 8, AMPTRACE_VERSION);
	return fwrite(head, 1, sizeof(head), w->out) == sizeof(head) ? 0 : -1;
}

int bin_write_initiator(struct amptrace_writer *w, unsigned int id)
{
	const struct amptrace_initiator *i = &w->table.initiator[id];
	uint8_t p[BIN_INITIATOR_SIZE];
	uint32_t n = (uint32_t)strlen(i->name);

	put16(p, id);
	p[2] = i->kind;
	p[3] = (uint8_t)n;
	return put_record(w, BIN_INITIATOR, p, sizeof(p), i->name, n);
}

int bin_write_region(struct amptrace_writer *w, unsigned int id)
{
	const struct amptrace_region *g = &w->table.region[id];
	uint8_t p[BIN_REGION_SIZE] = {0};
	uint32_t n = (uint32_t)strlen(g->name);

	put16(p, id);
	p[2] = (uint8_t)n;
	put64(p + 4, g->base);
	put64(p + 12, g->size);
	return put_record(w, BIN_REGION, p, sizeof(p), g->name, n);
}

int bin_write_view(struct amptrace_writer *w, unsigned int index)
{
	const struct amptrace_view *v = &w->table.view[index];
	uint8_t p[BIN_VIEW_SIZE] = {0};

	put16(p, v->region);
	put16(p + 2, v->initiator);
	put64(p + 8, v->base);
	return put_record(w, BIN_VIEW, p, sizeof(p), NULL, 0);
}

int bin_write_event(struct amptrace_writer *w, const struct amptrace_event *ev)
{
	uint8_t p[BIN_STORE_SIZE] = {0};

	put64(p, ev->time_ps);
	put16(p + 8, ev->initiator);
	switch (ev->kind) {
	case AMPTRACE_STORE:
		put16(p + 10, ev->region);
		put32(p + 12, ev->size);
		put64(p + 16, ev->addr);
		return put_record(w, ev->kind, p, BIN_STORE_SIZE, ev->bytes, ev->size);
	case AMPTRACE_BARRIER:
		p[10] = ev->barrier;
		return put_record(w, ev->kind, p, BIN_BARRIER_SIZE, NULL, 0);
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		put16(p + 10, ev->region);
		p[12] = ev->fifo;
		put32(p + 16, ev->value);
		return put_record(w, ev->kind, p, BIN_MBOX_SIZE, NULL, 0);
	case AMPTRACE_IRQ:
		put16(p + 10, ev->region);
		p[12] = ev->line;
		p[13] = ev->level;
		return put_record(w, ev->kind, p, BIN_IRQ_SIZE, NULL, 0);
	}
	return -1;
}

/* The fixed payload size of each record type, 0 for a type that does not exist. */
static const uint8_t fixed_size_of[256] = {
	[AMPTRACE_STORE] = BIN_STORE_SIZE,     [AMPTRACE_BARRIER] = BIN_BARRIER_SIZE,
	[AMPTRACE_MBOX_WRITE] = BIN_MBOX_SIZE, [AMPTRACE_MBOX_READ] = BIN_MBOX_SIZE,
	[AMPTRACE_IRQ] = BIN_IRQ_SIZE,         [BIN_INITIATOR] = BIN_INITIATOR_SIZE,
	[BIN_REGION] = BIN_REGION_SIZE,        [BIN_VIEW] = BIN_VIEW_SIZE,
};

/* Bytes that must be zero, for a reader of a later version to rely on. */
static int zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return -1;
	return 0;
}

/*
 * Decode the payload of @type at @p (@len bytes, at least its fixed size): 1 for a
 * definition (taken into the table), 0 for an event (in @ev), -1 with @err.
 */
static int decode(struct amptrace_reader *r, unsigned int type, const uint8_t *p, uint32_t len,
		  struct amptrace_event *ev, char *err)
{
	uint32_t fixed = fixed_size_of[type], tail = len - fixed;

	memset(ev, 0, sizeof(*ev));
	switch (type) {
	case BIN_INITIATOR:
		if (tail != p[3])
			return trace_fail(err, "initiator record of %u bytes for a %u-byte name",
					  len, p[3]);
		if (trace_define_initiator(&r->table, get16(p), p[2], (const char *)p + 4, tail,
					   err))
			return -1;
		trace_note_fresh(r, get16(p));
		return 1;
	case BIN_REGION:
		if (tail != p[2] || p[3])
			return trace_fail(err, "region record of %u bytes for a %u-byte name", len,
					  p[2]);
		if (trace_define_region(&r->table, get16(p), (const char *)p + 20, tail,
					get64(p + 4), get64(p + 12), err))
			return -1;
		trace_note_fresh(r, get16(p) | FRESH_REGION);
		return 1;
	case BIN_VIEW:
		if (tail || zeros(p + 4, 4))
			return trace_fail(err, "malformed view record");
		if (trace_define_view(&r->table, get16(p), get16(p + 2), get64(p + 8), err))
			return -1;
		trace_note_fresh(r, (r->table.nviews - 1) | FRESH_VIEW);
		return 1;
	}
	ev->kind = (enum amptrace_kind)type;
	ev->time_ps = get64(p);
	ev->initiator = (uint16_t)get16(p + 8);
	switch (ev->kind) {
	case AMPTRACE_STORE:
		ev->region = (uint16_t)get16(p + 10);
		ev->size = get32(p + 12);
		ev->addr = get64(p + 16);
		ev->bytes = p + BIN_STORE_SIZE;
		if (ev->size != tail)
			return trace_fail(err, "store record of %u bytes for %u stored bytes", len,
					  ev->size);
		break;
	case AMPTRACE_BARRIER:
		ev->barrier = p[10];
		if (tail || p[11])
			return trace_fail(err, "malformed barrier record");
		break;
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		ev->region = (uint16_t)get16(p + 10);
		ev->fifo = p[12];
		ev->value = get32(p + 16);
		if (tail || zeros(p + 13, 3))
			return trace_fail(err, "malformed mailbox record");
		break;
	case AMPTRACE_IRQ:
		ev->region = (uint16_t)get16(p + 10);
		ev->line = p[12];
		ev->level = p[13];
		if (tail || zeros(p + 14, 2))
			return trace_fail(err, "malformed interrupt record");
		break;
	}
	return trace_check_event(&r->table, ev, r->last_time, err) ? -1 : 0;
}

/*
 * Make the next @need bytes of the stream contiguous at hand: what is left of the read-ahead
 * moves to its front and the rest is read after it. Return: the bytes at hand (fewer than
 * @need only at the end of the stream or on a read error).
 */
static size_t stream_refill(struct amptrace_reader *r, size_t need)
{
	size_t left = r->win_len - r->win_pos;

	memmove(r->ahead, r->ahead + r->win_pos, left);
	r->win_pos = 0;
	r->win_len = left;
	while (r->win_len < need) {
		size_t n = fread(r->ahead + r->win_len, 1, sizeof(r->ahead) - r->win_len, r->in);

		if (!n)
			break;
		r->win_len += n;
	}
	return r->win_len;
}

void bin_map_open(struct amptrace_reader *r)
{
	struct stat st;
	int fd = fileno(r->in);
	off_t at;

	/* Only a regular file is mapped (a pipe or terminal is read), from where the stream
	 * stands: the header was read through it. */
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	at = ftello(r->in);
	if (at < (off_t)r->offset)
		return;
	r->map_origin = (int64_t)(at - (off_t)r->offset);
}

void bin_map_close(struct amptrace_reader *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
	r->map_len = 0;
}

/*
 * The window at the reader's offset, at least @need bytes when the file holds them. Return:
 * the bytes at hand; 0 at the end of the file, or with the mapping failed (then the stream is
 * read from the same place on).
 */
static size_t map_refill(struct amptrace_reader *r, size_t need)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t at = (uint64_t)r->map_origin + r->offset;
	uint64_t base = at & ~(uint64_t)(page - 1);
	struct stat st;
	size_t len;
	void *map;

	if (r->win_len - r->win_pos >= need)
		return r->win_len - r->win_pos;
	/* The size now, not at the start: a trace still being written has grown. */
	if (fstat(fileno(r->in), &st) || (uint64_t)st.st_size <= at) {
		bin_map_close(r);
		r->win = r->ahead;
		r->win_pos = r->win_len = 0;
		return 0;
	}
	len = (uint64_t)st.st_size - base < MAP_WINDOW ? (size_t)((uint64_t)st.st_size - base)
						       : MAP_WINDOW;
	bin_map_close(r);
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(r->in), (off_t)base);
	if (map == MAP_FAILED) {
		/* Read on from here instead. */
		r->map_origin = -1;
		r->win = r->ahead;
		r->win_pos = r->win_len = 0;
		if (fseeko(r->in, (off_t)at, SEEK_SET))
			return 0;
		return stream_refill(r, need);
	}
	r->map = map;
	r->map_len = len;
	r->win = (const uint8_t *)map + (at - base);
	r->win_pos = 0;
	r->win_len = len - (size_t)(at - base);
	return r->win_len;
}

/* At least @need bytes at hand from the reader's offset on, when the trace holds them. */
static size_t refill(struct amptrace_reader *r, size_t need)
{
	return r->map_origin >= 0 ? map_refill(r, need) : stream_refill(r, need);
}

/* The header of the record at byte @at is malformed: say how. */
static int bad_header(struct amptrace_reader *r, const uint8_t *head, uint64_t at)
{
	unsigned int type = head[0];
	uint32_t len = get32(head + 4);

	if (!fixed_size_of[type])
		return trace_fail(r->error, "byte %llu: unknown record type 0x%02x",
				  (unsigned long long)at, type);
	if (zeros(head + 1, 3))
		return trace_fail(r->error, "byte %llu: reserved bytes not 0",
				  (unsigned long long)at);
	return trace_fail(r->error, "byte %llu: a %s record of %u bytes", (unsigned long long)at,
			  type >= BIN_INITIATOR ? "definition"
						: amptrace_kind_name((enum amptrace_kind)type),
			  len);
}

/*
 * Fill every field of @ev (field by field: a compound literal's zeroing compiles to "rep stos"
 * in places, which costs more than the rest of the decoding).
 */
static inline void fill(struct amptrace_event *ev, unsigned int kind, uint64_t seq, uint64_t time,
			uint32_t who, uint32_t region)
{
	ev->kind = (enum amptrace_kind)kind;
	ev->seq = seq;
	ev->time_ps = time;
	ev->initiator = (uint16_t)who;
	ev->region = (uint16_t)region;
	ev->addr = 0;
	ev->size = 0;
	ev->bytes = NULL;
	ev->barrier = 0;
	ev->fifo = 0;
	ev->value = 0;
	ev->line = 0;
	ev->level = 0;
}

/* The region @id of an event, NULL when it is not defined. */
static inline const struct amptrace_region *region_of(const struct amptrace_table *t, uint32_t id)
{
	return id < AMPTRACE_MAX_IDS && t->region[id].defined ? &t->region[id] : NULL;
}

/*
 * The usual well-formed event, decoded and checked against the definitions without a detour,
 * and handed to @sink (event number @seq): 0, or 1 when the sink asked to stop. -1 for
 * anything else - a malformed or unexpected record - which decode() then explains. It takes
 * exactly what decode() and trace_check_event() take (fuzz_trace writes every event read back
 * through the writer's checks; test_trace sets each reserved byte of each kind of record).
 */
static inline int fast_event(const struct amptrace_table *t, uint64_t last_time, uint64_t seq,
			     unsigned int type, const uint8_t *p, uint32_t len,
			     struct amptrace_event *ev, const struct amptrace_sink *sink, void *ctx)
{
	uint64_t time = get64(p);
	uint32_t who = get16(p + 8), region = get16(p + 10), size;
	const struct amptrace_region *g;
	uint64_t addr;

	if (time < last_time || who >= AMPTRACE_MAX_IDS || !t->initiator[who].defined)
		return -1;
	/* One switch over the kinds (a jump table: one branch to predict, where a chain of
	 * comparisons has several), each case calling its own function of the sink: the caller
	 * does not tell the kinds apart again, and each call site has one target. */
	switch (type) {
	case AMPTRACE_STORE:
		g = region_of(t, region);
		if (!g || len < BIN_STORE_SIZE)
			return -1;
		size = get32(p + 12);
		addr = get64(p + 16);
		if (size != len - BIN_STORE_SIZE || !size || size > AMPTRACE_MAX_STORE ||
		    size > g->size || addr < g->base || addr - g->base > g->size - size)
			return -1;
		fill(ev, type, seq, time, who, region);
		ev->addr = addr;
		ev->size = size;
		ev->bytes = p + BIN_STORE_SIZE;
		return sink->on[AMPTRACE_STORE](ctx, ev) != 0;
	case AMPTRACE_BARRIER:
		if (len != BIN_BARRIER_SIZE || p[10] > AMPTRACE_BARRIER_FULL || p[11])
			return -1;
		fill(ev, type, seq, time, who, 0);
		ev->barrier = p[10];
		return sink->on[AMPTRACE_BARRIER](ctx, ev) != 0;
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		if (len != BIN_MBOX_SIZE || !region_of(t, region) || p[13] || p[14] || p[15])
			return -1;
		fill(ev, type, seq, time, who, region);
		ev->fifo = p[12];
		ev->value = get32(p + 16);
		return sink->on[type](ctx, ev) != 0;
	case AMPTRACE_IRQ:
		if (len != BIN_IRQ_SIZE || !region_of(t, region) || p[13] > 1 || p[14] || p[15])
			return -1;
		fill(ev, type, seq, time, who, region);
		ev->line = p[12];
		ev->level = p[13];
		return sink->on[AMPTRACE_IRQ](ctx, ev) != 0;
	}
	return -1;
}

/* A failure at byte @at: "read error" or what was cut short. */
static int cut_short(struct amptrace_reader *r, uint64_t at, const char *what)
{
	return trace_fail(r->error, "byte %llu: %s", (unsigned long long)at,
			  ferror(r->in) ? "read error" : what);
}

/*
 * The fast lane: well-formed events wholly at hand, up to @max of them, each handed to @sink.
 * It stops at anything else - a definition, a record not wholly at hand, whatever
 * fast_event() would not take - for one_record() to deal with; *@stop when the sink asked.
 */
static unsigned int fast_lane(struct amptrace_reader *r, const struct amptrace_sink *sink,
			      void *ctx, unsigned int max, bool *stop)
{
	/* Locals while the loop runs: the event's fields are of the same types as the reader's
	 * counters, and each store into it would otherwise reload them. */
	const uint8_t *win = r->win;
	const struct amptrace_table *t = &r->table;
	size_t pos = r->win_pos, end = r->win_len;
	uint64_t seq = r->events, last = r->last_time;
	struct amptrace_event ev;
	unsigned int n = 0;

	while (n < max && end - pos >= BIN_RECORD_HEADER) {
		/* type, three reserved zero bytes, the payload's length */
		uint64_t word = get64(win + pos);
		unsigned int type = (uint8_t)word;
		uint32_t len = (uint32_t)(word >> 32);
		int rc;

		/* The hardware's prefetcher stops at page boundaries, and a mapped file's pages lie
		 * anywhere: ask for the bytes a few records ahead. */
		__builtin_prefetch(win + pos + 1024);

		/* fast_event() reads the fields every event has (the shortest, a barrier's) and
		 * checks the rest of each kind's length itself. */
		if ((word & 0xffffff00u) || len < BIN_BARRIER_SIZE ||
		    end - pos - BIN_RECORD_HEADER < len)
			break;
		rc = fast_event(t, last, seq, type, win + pos + BIN_RECORD_HEADER, len, &ev, sink,
				ctx);
		if (rc < 0)
			break;
		seq++;
		last = ev.time_ps;
		pos += BIN_RECORD_HEADER + len;
		n++;
		if (rc) {
			*stop = true;
			break;
		}
	}
	r->offset += pos - r->win_pos;
	r->win_pos = pos;
	r->events = seq;
	r->last_time = last;
	return n;
}

/* What one_record() did. */
enum { ONE_EVENT, ONE_DEFINITION, ONE_END, ONE_ERROR };

/*
 * The record at hand the long way: refill the read-ahead, take in a definition, decode an event
 * into @ev (or explain what is wrong with it).
 */
static int one_record(struct amptrace_reader *r, struct amptrace_event *ev)
{
	size_t at_hand = r->win_len - r->win_pos;
	const uint8_t *head = r->win + r->win_pos;
	uint64_t word = at_hand >= BIN_RECORD_HEADER ? get64(head) : 0;
	unsigned int type = (uint8_t)word;
	uint32_t len = (uint32_t)(word >> 32);
	char why[AMPTRACE_ERROR_SIZE];
	int rc;

	if (at_hand < BIN_RECORD_HEADER || at_hand - BIN_RECORD_HEADER < len) {
		/* A header that promises more than a record can hold is explained below without
		 * reading on. */
		size_t need = BIN_RECORD_HEADER;

		if (at_hand >= BIN_RECORD_HEADER && len <= BIN_STORE_SIZE + AMPTRACE_MAX_STORE)
			need += len;
		at_hand = refill(r, need);
		if (at_hand == 0 && !ferror(r->in))
			return ONE_END;
		if (at_hand < BIN_RECORD_HEADER) {
			cut_short(r, r->offset, "a record header cut short");
			return ONE_ERROR;
		}
		head = r->win + r->win_pos;
		word = get64(head);
		type = (uint8_t)word;
		len = (uint32_t)(word >> 32);
		if (need == BIN_RECORD_HEADER && !(word & 0xffffff00u) &&
		    len <= BIN_STORE_SIZE + AMPTRACE_MAX_STORE && at_hand - BIN_RECORD_HEADER < len)
			return one_record(r, ev); /* the header was cut: now its record */
	}
	if ((word & 0xffffff00u) || !fixed_size_of[type] || len < fixed_size_of[type] ||
	    len > BIN_STORE_SIZE + AMPTRACE_MAX_STORE) {
		bad_header(r, head, r->offset);
		return ONE_ERROR;
	}
	if (at_hand - BIN_RECORD_HEADER < len) {
		cut_short(r, r->offset, "a record cut short");
		return ONE_ERROR;
	}
	rc = decode(r, type, head + BIN_RECORD_HEADER, len, ev, why);
	if (rc < 0) {
		trace_fail(r->error, "byte %llu: %s", (unsigned long long)r->offset, why);
		return ONE_ERROR;
	}
	r->win_pos += BIN_RECORD_HEADER + len;
	r->offset += BIN_RECORD_HEADER + len;
	if (rc > 0)
		return ONE_DEFINITION;
	ev->seq = r->events++;
	r->last_time = ev->time_ps;
	return ONE_EVENT;
}

int bin_read(struct amptrace_reader *r, const struct amptrace_sink *sink, void *ctx,
	     unsigned int max)
{
	bool stop = false;
	unsigned int n = fast_lane(r, sink, ctx, max, &stop);

	while (n < max && !stop) {
		struct amptrace_event ev;

		switch (one_record(r, &ev)) {
		case ONE_EVENT:
			n++;
			stop = sink->on[ev.kind](ctx, &ev) != 0;
			break;
		case ONE_DEFINITION:
			break;
		case ONE_ERROR:
			/* The events before it are the caller's; the next call reports it. */
			r->failed = true;
			return (int)n;
		default: /* ONE_END */
			return (int)n;
		}
		if (!stop)
			n += fast_lane(r, sink, ctx, max - n, &stop);
	}
	return (int)n;
}
