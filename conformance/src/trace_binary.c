// SPDX-License-Identifier: BSD-3-Clause
/* The binary encoding (docs/trace-format.md): little-endian fields, length-prefixed records. */
#include <string.h>

#include "trace_internal.h"

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

/* The fixed size of a record's payload, 0 for an unknown type. */
static uint32_t fixed_size(unsigned int type)
{
	switch (type) {
	case BIN_INITIATOR:
		return BIN_INITIATOR_SIZE;
	case BIN_REGION:
		return BIN_REGION_SIZE;
	case BIN_VIEW:
		return BIN_VIEW_SIZE;
	case AMPTRACE_STORE:
		return BIN_STORE_SIZE;
	case AMPTRACE_BARRIER:
		return BIN_BARRIER_SIZE;
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		return BIN_MBOX_SIZE;
	case AMPTRACE_IRQ:
		return BIN_IRQ_SIZE;
	}
	return 0;
}

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
	uint32_t fixed = fixed_size(type), tail = len - fixed;

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

/* @n bytes of the stream into @dst through the read-ahead buffer; fewer at its end. */
static size_t take(struct amptrace_reader *r, uint8_t *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t k;

		if (r->ahead_pos == r->ahead_len) {
			r->ahead_pos = 0;
			r->ahead_len = fread(r->ahead, 1, sizeof(r->ahead), r->in);
			if (!r->ahead_len)
				break;
		}
		k = r->ahead_len - r->ahead_pos < n - got ? r->ahead_len - r->ahead_pos : n - got;
		memcpy(dst + got, r->ahead + r->ahead_pos, k);
		r->ahead_pos += k;
		got += k;
	}
	return got;
}

int bin_read(struct amptrace_reader *r, struct amptrace_event *ev)
{
	char why[AMPTRACE_ERROR_SIZE];

	for (;;) {
		uint8_t copy[BIN_RECORD_HEADER];
		const uint8_t *head = copy, *payload;
		uint64_t at = r->offset;
		size_t n = BIN_RECORD_HEADER;
		uint32_t len, fixed;
		uint8_t type;
		int rc;

		/* The record header where it lies when the read-ahead holds it (the usual case);
		 * its fields are taken before the payload's read may refill the read-ahead. */
		if (r->ahead_len - r->ahead_pos >= BIN_RECORD_HEADER) {
			head = r->ahead + r->ahead_pos;
			r->ahead_pos += BIN_RECORD_HEADER;
		} else {
			n = take(r, copy, BIN_RECORD_HEADER);
		}

		if (n == 0 && !ferror(r->in))
			return 0;
		if (n != BIN_RECORD_HEADER)
			return trace_fail(r->error, "byte %llu: %s", (unsigned long long)at,
					  ferror(r->in) ? "read error"
							: "a record header cut short");
		type = head[0];
		len = get32(head + 4);
		fixed = fixed_size(type);
		if (!fixed)
			return trace_fail(r->error, "byte %llu: unknown record type 0x%02x",
					  (unsigned long long)at, type);
		if (zeros(head + 1, 3))
			return trace_fail(r->error, "byte %llu: reserved bytes not 0",
					  (unsigned long long)at);
		if (len < fixed || len > sizeof(r->record))
			return trace_fail(r->error, "byte %llu: a %s record of %u bytes",
					  (unsigned long long)at,
					  type >= BIN_INITIATOR
						  ? "definition"
						  : amptrace_kind_name((enum amptrace_kind)type),
					  len);
		/* A record wholly in the read-ahead is decoded where it lies (a store's bytes stay
		 * valid until the next read, which is all the API promises). */
		if (r->ahead_len - r->ahead_pos >= len) {
			payload = r->ahead + r->ahead_pos;
			r->ahead_pos += len;
		} else if (take(r, r->record, len) == len) {
			payload = r->record;
		} else {
			return trace_fail(r->error, "byte %llu: %s", (unsigned long long)at,
					  ferror(r->in) ? "read error" : "a record cut short");
		}
		r->offset = at + BIN_RECORD_HEADER + len;
		rc = decode(r, type, payload, len, ev, why);
		if (rc < 0)
			return trace_fail(r->error, "byte %llu: %s", (unsigned long long)at, why);
		if (rc == 0)
			return 1; /* an event */
				  /* a definition: on to the next record */
	}
}
