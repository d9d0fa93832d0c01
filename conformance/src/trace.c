// SPDX-License-Identifier: BSD-3-Clause
/* Wire-level traces: the checks both encodings share, and the public entry points. */
#include <stdarg.h>
#include <string.h>

#include "trace_internal.h"

int trace_fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, AMPTRACE_ERROR_SIZE, fmt, ap);
	va_end(ap);
	return -1;
}

const char *amptrace_kind_name(enum amptrace_kind kind)
{
	switch (kind) {
	case AMPTRACE_STORE:
		return "store";
	case AMPTRACE_BARRIER:
		return "barrier";
	case AMPTRACE_MBOX_WRITE:
		return "mbox-write";
	case AMPTRACE_MBOX_READ:
		return "mbox-read";
	case AMPTRACE_IRQ:
		return "irq";
	}
	return "?";
}

const char *amptrace_barrier_name(enum amptrace_barrier barrier)
{
	switch (barrier) {
	case AMPTRACE_BARRIER_WRITE:
		return "write";
	case AMPTRACE_BARRIER_READ:
		return "read";
	case AMPTRACE_BARRIER_FULL:
		return "full";
	}
	return "?";
}

const char *amptrace_initiator_kind_name(enum amptrace_initiator_kind kind)
{
	switch (kind) {
	case AMPTRACE_HOST:
		return "host";
	case AMPTRACE_CORE:
		return "core";
	}
	return "?";
}

int trace_check_name(const char *name, size_t len, char *err)
{
	if (len == 0 || len >= AMPTRACE_NAME_SIZE)
		return trace_fail(err, "a name has 1 to %d characters, not %zu",
				  AMPTRACE_NAME_SIZE - 1, len);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return trace_fail(err, "a name has only [A-Za-z0-9_.-] (byte 0x%02x)",
					  (unsigned char)c);
	}
	return 0;
}

int trace_define_initiator(struct amptrace_table *t, unsigned int id, unsigned int kind,
			   const char *name, size_t len, char *err)
{
	if (id >= AMPTRACE_MAX_IDS)
		return trace_fail(err, "initiator id %u is above %d", id, AMPTRACE_MAX_IDS - 1);
	if (t->initiator[id].defined)
		return trace_fail(err, "initiator %u is defined twice", id);
	if (kind > AMPTRACE_CORE)
		return trace_fail(err, "initiator %u: unknown kind %u", id, kind);
	if (trace_check_name(name, len, err))
		return -1;
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++)
		if (t->initiator[i].defined && strlen(t->initiator[i].name) == len &&
		    !memcmp(t->initiator[i].name, name, len))
			return trace_fail(err, "initiator name '%s' is taken by initiator %u",
					  t->initiator[i].name, i);
	t->initiator[id].defined = true;
	t->initiator[id].kind = (uint8_t)kind;
	memcpy(t->initiator[id].name, name, len);
	t->initiator[id].name[len] = '\0';
	return 0;
}

int trace_define_region(struct amptrace_table *t, unsigned int id, const char *name, size_t len,
			uint64_t base, uint64_t size, char *err)
{
	if (id >= AMPTRACE_MAX_IDS)
		return trace_fail(err, "region id %u is above %d", id, AMPTRACE_MAX_IDS - 1);
	if (t->region[id].defined)
		return trace_fail(err, "region %u is defined twice", id);
	if (size == 0 || base + size - 1 < base)
		return trace_fail(err, "region %u: an empty or wrapping range", id);
	if (trace_check_name(name, len, err))
		return -1;
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++)
		if (t->region[i].defined && strlen(t->region[i].name) == len &&
		    !memcmp(t->region[i].name, name, len))
			return trace_fail(err, "region name '%s' is taken by region %u",
					  t->region[i].name, i);
	t->region[id].defined = true;
	t->region[id].base = base;
	t->region[id].size = size;
	memcpy(t->region[id].name, name, len);
	t->region[id].name[len] = '\0';
	return 0;
}

int trace_define_view(struct amptrace_table *t, unsigned int region, unsigned int initiator,
		      uint64_t base, char *err)
{
	uint64_t ignored;

	if (region >= AMPTRACE_MAX_IDS || !t->region[region].defined)
		return trace_fail(err, "a view of region %u, which is not defined", region);
	if (initiator >= AMPTRACE_MAX_IDS || !t->initiator[initiator].defined)
		return trace_fail(err, "a view for initiator %u, which is not defined", initiator);
	if (amptrace_view_base(t, region, initiator, &ignored))
		return trace_fail(err, "initiator '%s' has a view of region '%s' already",
				  t->initiator[initiator].name, t->region[region].name);
	if (base + t->region[region].size - 1 < base)
		return trace_fail(err, "the view of region '%s' at 0x%llx wraps",
				  t->region[region].name, (unsigned long long)base);
	if (t->nviews == AMPTRACE_MAX_VIEWS)
		return trace_fail(err, "more than %d views", AMPTRACE_MAX_VIEWS);
	t->view[t->nviews++] = (struct amptrace_view){(uint16_t)region, (uint16_t)initiator, base};
	return 0;
}

bool amptrace_view_base(const struct amptrace_table *t, unsigned int region, unsigned int initiator,
			uint64_t *base)
{
	for (unsigned int i = 0; i < t->nviews; i++)
		if (t->view[i].region == region && t->view[i].initiator == initiator) {
			*base = t->view[i].base;
			return true;
		}
	return false;
}

int trace_check_event(const struct amptrace_table *t, const struct amptrace_event *ev,
		      uint64_t last_time, char *err)
{
	const struct amptrace_region *reg;

	if (ev->kind < AMPTRACE_STORE || ev->kind > AMPTRACE_IRQ)
		return trace_fail(err, "unknown event kind %d", (int)ev->kind);
	if (ev->time_ps < last_time)
		return trace_fail(err, "time goes back (%llu ps after %llu ps)",
				  (unsigned long long)ev->time_ps, (unsigned long long)last_time);
	if (ev->initiator >= AMPTRACE_MAX_IDS || !t->initiator[ev->initiator].defined)
		return trace_fail(err, "initiator %u is not defined", ev->initiator);
	if (ev->kind == AMPTRACE_BARRIER) {
		if (ev->barrier > AMPTRACE_BARRIER_FULL)
			return trace_fail(err, "unknown barrier kind %u", ev->barrier);
		return 0;
	}
	if (ev->region >= AMPTRACE_MAX_IDS || !t->region[ev->region].defined)
		return trace_fail(err, "region %u is not defined", ev->region);
	reg = &t->region[ev->region];
	if (ev->kind == AMPTRACE_STORE) {
		if (ev->size == 0 || ev->size > AMPTRACE_MAX_STORE)
			return trace_fail(err, "a store of %u bytes (1 to %u)", ev->size,
					  AMPTRACE_MAX_STORE);
		if (ev->size > reg->size || ev->addr < reg->base ||
		    ev->addr - reg->base > reg->size - ev->size)
			return trace_fail(err, "a store at 0x%llx of %u bytes outside region '%s'",
					  (unsigned long long)ev->addr, ev->size, reg->name);
		if (!ev->bytes)
			return trace_fail(err, "a store without its bytes");
	}
	if (ev->kind == AMPTRACE_IRQ && ev->level > 1)
		return trace_fail(err, "an interrupt level of %u (0 or 1)", ev->level);
	return 0;
}

/* ------------------------------------------------------------------ writer */

int amptrace_writer_open(struct amptrace_writer *w, FILE *out, enum amptrace_format format)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->format = format;
	if (!out || (format != AMPTRACE_BINARY && format != AMPTRACE_TEXT)) {
		w->failed = true;
		return trace_fail(w->error, "no stream or an unknown format");
	}
	if ((format == AMPTRACE_BINARY ? bin_write_header(w) : text_write_header(w))) {
		w->failed = true;
		return trace_fail(w->error, "cannot write the header");
	}
	return 0;
}

/* A writer that failed once stays failed: a trace with a hole must not look whole. */
static int writer_usable(struct amptrace_writer *w)
{
	return w->failed ? -1 : 0;
}

static int writer_io(struct amptrace_writer *w, int rc)
{
	if (rc) {
		w->failed = true;
		trace_fail(w->error, "write failed after %llu events",
			   (unsigned long long)w->events);
	}
	return rc ? -1 : 0;
}

int amptrace_define_initiator(struct amptrace_writer *w, unsigned int id, unsigned int kind,
			      const char *name)
{
	if (writer_usable(w) ||
	    trace_define_initiator(&w->table, id, kind, name, name ? strlen(name) : 0, w->error))
		return -1;
	return writer_io(w, w->format == AMPTRACE_BINARY ? bin_write_initiator(w, id)
							 : text_write_initiator(w, id));
}

int amptrace_define_region(struct amptrace_writer *w, unsigned int id, const char *name,
			   uint64_t base, uint64_t size)
{
	if (writer_usable(w) ||
	    trace_define_region(&w->table, id, name, name ? strlen(name) : 0, base, size, w->error))
		return -1;
	return writer_io(w, w->format == AMPTRACE_BINARY ? bin_write_region(w, id)
							 : text_write_region(w, id));
}

int amptrace_define_view(struct amptrace_writer *w, unsigned int region, unsigned int initiator,
			 uint64_t base)
{
	if (writer_usable(w) || trace_define_view(&w->table, region, initiator, base, w->error))
		return -1;
	return writer_io(w, w->format == AMPTRACE_BINARY ? bin_write_view(w, w->table.nviews - 1)
							 : text_write_view(w, w->table.nviews - 1));
}

int amptrace_write(struct amptrace_writer *w, const struct amptrace_event *ev)
{
	if (writer_usable(w) || trace_check_event(&w->table, ev, w->last_time, w->error))
		return -1;
	if (writer_io(w, w->format == AMPTRACE_BINARY ? bin_write_event(w, ev)
						      : text_write_event(w, ev)))
		return -1;
	w->last_time = ev->time_ps;
	w->events++;
	return 0;
}

int amptrace_writer_close(struct amptrace_writer *w)
{
	if (fflush(w->out) || ferror(w->out)) {
		w->failed = true;
		trace_fail(w->error, "write failed");
	}
	return w->failed ? -1 : 0;
}

/* ------------------------------------------------------------------ reader */

int amptrace_reader_open(struct amptrace_reader *r, FILE *in)
{
	uint8_t head[BIN_HEADER];
	size_t n;

	memset(&r->table, 0, sizeof(r->table));
	r->in = in;
	r->offset = 0;
	r->events = 0;
	r->last_time = 0;
	r->failed = false;
	r->prefix = 0;
	r->nfresh = 0;
	r->win = r->ahead;
	r->win_pos = r->win_len = 0;
	r->map = NULL;
	r->map_len = 0;
	r->map_origin = -1;
	r->last_initiator = r->last_region = 0;
	r->error[0] = '\0';
	if (!in)
		return trace_fail(r->error, "no stream");
	n = fread(head, 1, BIN_MAGIC_SIZE, in);
	if (n == BIN_MAGIC_SIZE && !memcmp(head, BIN_MAGIC, BIN_MAGIC_SIZE)) {
		r->format = AMPTRACE_BINARY;
		n += fread(head + n, 1, BIN_HEADER - n, in);
		if (n != BIN_HEADER)
			return trace_fail(r->error, "byte %zu: the header is cut short", n);
		if ((head[8] | head[9] << 8) != AMPTRACE_VERSION)
			return trace_fail(r->error,
					  "byte 8: format version %u (this reader knows %d)",
					  (unsigned int)(head[8] | head[9] << 8), AMPTRACE_VERSION);
		for (unsigned int i = 10; i < BIN_HEADER; i++)
			if (head[i])
				return trace_fail(r->error, "byte %u: reserved, must be 0", i);
		r->offset = BIN_HEADER;
		bin_map_open(r);
		return 0;
	}
	if (n == BIN_MAGIC_SIZE && !memcmp(head, TEXT_HEADER " ", BIN_MAGIC_SIZE)) {
		/* The text reader takes the rest of the header line after these bytes (the
		 * stream may be a pipe: no seeking back). */
		r->format = AMPTRACE_TEXT;
		memcpy(r->line, head, n);
		r->prefix = (unsigned int)n;
		return text_read(r, NULL);
	}
	return trace_fail(r->error, "not an ampsim trace (neither the binary magic nor \"%s\")",
			  TEXT_HEADER " 1");
}

void amptrace_reader_close(struct amptrace_reader *r)
{
	bin_map_close(r);
}

void trace_note_fresh(struct amptrace_reader *r, unsigned int id)
{
	/* At most every id of both kinds once: the array cannot overflow. */
	r->fresh[r->nfresh++] = (uint16_t)id;
}

int amptrace_copy_definitions(const struct amptrace_reader *r, struct amptrace_writer *w)
{
	for (unsigned int k = 0; k < r->nfresh; k++) {
		unsigned int id = r->fresh[k] & (AMPTRACE_MAX_IDS - 1);

		int rc;

		if (r->fresh[k] & FRESH_VIEW) {
			const struct amptrace_view *v = &r->table.view[r->fresh[k] & ~FRESH_VIEW];

			rc = amptrace_define_view(w, v->region, v->initiator, v->base);
		} else if (r->fresh[k] & FRESH_REGION)
			rc = amptrace_define_region(w, id, r->table.region[id].name,
						    r->table.region[id].base,
						    r->table.region[id].size);
		else
			rc = amptrace_define_initiator(w, id, r->table.initiator[id].kind,
						       r->table.initiator[id].name);
		if (rc)
			return -1;
	}
	return 0;
}

int amptrace_read_into(struct amptrace_reader *r, const struct amptrace_sink *sink, void *ctx,
		       unsigned int max)
{
	struct amptrace_event ev;
	int n = 0;

	r->nfresh = 0;
	if (r->failed)
		return -1;
	if (r->format == AMPTRACE_BINARY) {
		n = bin_read(r, sink, ctx, max);
	} else {
		/* A text line's bytes live in the reader: one line at a time. */
		while ((unsigned int)n < max) {
			int rc = text_read(r, &ev);

			if (rc < 0)
				r->failed = true;
			if (rc <= 0)
				break;
			ev.seq = r->events++;
			r->last_time = ev.time_ps;
			n++;
			if (sink->on[ev.kind](ctx, &ev))
				break;
		}
	}
	/* A failure after some events is reported by the next call. */
	return n ? n : r->failed ? -1 : 0;
}

/* amptrace_read()'s sink: the event where the caller wants it. */
static int copy_out(void *ctx, const struct amptrace_event *ev)
{
	*(struct amptrace_event *)ctx = *ev;
	return 0;
}

static const struct amptrace_sink copy_sink = {.on = {
						       [AMPTRACE_STORE] = copy_out,
						       [AMPTRACE_BARRIER] = copy_out,
						       [AMPTRACE_MBOX_WRITE] = copy_out,
						       [AMPTRACE_MBOX_READ] = copy_out,
						       [AMPTRACE_IRQ] = copy_out,
					       }};

int amptrace_read(struct amptrace_reader *r, struct amptrace_event *ev)
{
	return amptrace_read_into(r, &copy_sink, ev, 1);
}
