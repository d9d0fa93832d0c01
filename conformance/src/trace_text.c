// SPDX-License-Identifier: BSD-3-Clause
/*
 * The canonical text encoding (docs/trace-format.md): a header line "ampsim-trace 1", then one
 * definition or event per line, fields separated by spaces; '#' comments and blank lines are
 * allowed on input and never written.
 */
/* fgets_unlocked(): a reader owns its stream; stdio's per-call locking is a third of the time
 * of reading a line. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

/* Fields of the longest line: time, kind, initiator, region, address, bytes. */
#define MAX_FIELDS 8

int text_write_header(struct amptrace_writer *w)
{
	return fprintf(w->out, "%s %d\n", TEXT_HEADER, AMPTRACE_VERSION) < 0 ? -1 : 0;
}

int text_write_initiator(struct amptrace_writer *w, unsigned int id)
{
	const struct amptrace_initiator *i = &w->table.initiator[id];

	return fprintf(w->out, "initiator %u %s %s\n", id,
		       amptrace_initiator_kind_name((enum amptrace_initiator_kind)i->kind),
		       i->name) < 0
		       ? -1
		       : 0;
}

int text_write_region(struct amptrace_writer *w, unsigned int id)
{
	const struct amptrace_region *g = &w->table.region[id];

	return fprintf(w->out, "region %u %s 0x%" PRIx64 " 0x%" PRIx64 "\n", id, g->name, g->base,
		       g->size) < 0
		       ? -1
		       : 0;
}

int text_write_view(struct amptrace_writer *w, unsigned int index)
{
	const struct amptrace_view *v = &w->table.view[index];

	return fprintf(w->out, "view %s %s 0x%" PRIx64 "\n", w->table.region[v->region].name,
		       w->table.initiator[v->initiator].name, v->base) < 0
		       ? -1
		       : 0;
}

int text_write_event(struct amptrace_writer *w, const struct amptrace_event *ev)
{
	static const char hex[] = "0123456789abcdef";
	const char *who = w->table.initiator[ev->initiator].name;
	const char *where = w->table.region[ev->region].name;
	int n;

	n = fprintf(w->out, "%" PRIu64 " %s %s", ev->time_ps, amptrace_kind_name(ev->kind), who);
	switch (ev->kind) {
	case AMPTRACE_STORE:
		n |= fprintf(w->out, " %s 0x%" PRIx64 " ", where, ev->addr);
		for (uint32_t i = 0; i < ev->size && n >= 0; i++)
			if (putc(hex[ev->bytes[i] >> 4], w->out) == EOF ||
			    putc(hex[ev->bytes[i] & 15], w->out) == EOF)
				n = -1;
		break;
	case AMPTRACE_BARRIER:
		n |= fprintf(w->out, " %s",
			     amptrace_barrier_name((enum amptrace_barrier)ev->barrier));
		break;
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		n |= fprintf(w->out, " %s %u 0x%08" PRIx32, where, ev->fifo, ev->value);
		break;
	case AMPTRACE_IRQ:
		n |= fprintf(w->out, " %s %u %u", where, ev->line, ev->level);
		break;
	}
	return n < 0 || putc('\n', w->out) == EOF ? -1 : 0;
}

/* ------------------------------------------------------------------ reading */

/*
 * The next line into r->line, without its newline; 0 at the end, -1 with @err. A line longer
 * than the buffer is an error, not two lines.
 */
static int next_line(struct amptrace_reader *r, char *err)
{
	size_t len;

	if (!fgets_unlocked(r->line + r->prefix, (int)(sizeof(r->line) - r->prefix), r->in)) {
		if (ferror(r->in))
			return trace_fail(err, "read error");
		if (!r->prefix)
			return 0;
		r->line[r->prefix] = '\0'; /* the detected header, with no newline after it */
	}
	r->prefix = 0;
	len = strlen(r->line);
	if (len + 1 == sizeof(r->line) && r->line[len - 1] != '\n')
		return trace_fail(err, "longer than %zu characters", sizeof(r->line) - 2);
	/* fgets stops at a newline only: a line that ends without one (the last, or one cut by a
	 * NUL byte, which strlen stops at) is checked for a NUL before the stream position. */
	if (len && r->line[len - 1] == '\n')
		r->line[--len] = '\0';
	else if (!feof(r->in))
		return trace_fail(err, "a NUL byte in the line");
	if (len && r->line[len - 1] == '\r')
		r->line[--len] = '\0';
	r->offset++; /* errors above are reported as line r->offset + 1 */
	return 1;
}

/* Split r->line at spaces and tabs into at most MAX_FIELDS fields; returns their number. */
static int split(char *line, char **field, char *err)
{
	int n = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == MAX_FIELDS)
			return trace_fail(err, "more than %d fields", MAX_FIELDS);
		field[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

/* Decimal, or hexadecimal after 0x / 0X (a leading 0 is not octal), up to @max. */
static int number(const char *text, uint64_t max, uint64_t *out, const char *what, char *err)
{
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	const char *p = hex ? text + 2 : text;
	uint64_t v = 0, base = hex ? 16 : 10;

	if (!*p)
		return trace_fail(err, "%s: '%s' is not a number", what, text);
	for (; *p; p++) {
		unsigned int d = *p >= '0' && *p <= '9'          ? (unsigned int)(*p - '0')
				 : hex && *p >= 'a' && *p <= 'f' ? (unsigned int)(*p - 'a' + 10)
				 : hex && *p >= 'A' && *p <= 'F' ? (unsigned int)(*p - 'A' + 10)
								 : 16u;

		if (d >= base)
			return trace_fail(err, "%s: '%s' is not a number", what, text);
		if (v > (UINT64_MAX - d) / base)
			return trace_fail(err, "%s: %s is above %" PRIu64, what, text, max);
		v = v * base + d;
	}
	if (v > max)
		return trace_fail(err, "%s: %s is above %" PRIu64, what, text, max);
	*out = v;
	return 0;
}

/*
 * Names to ids. Events name the same few initiators and regions over and over: the last hit of
 * each is tried first (checked against the table, which a definition may have changed since).
 */
static int find_initiator(struct amptrace_reader *r, const char *name, uint16_t *id, char *err)
{
	const struct amptrace_table *t = &r->table;
	unsigned int last = r->last_initiator;

	if (t->initiator[last].defined && !strcmp(t->initiator[last].name, name)) {
		*id = (uint16_t)last;
		return 0;
	}
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++)
		if (t->initiator[i].defined && !strcmp(t->initiator[i].name, name)) {
			*id = (uint16_t)i;
			r->last_initiator = (uint8_t)i;
			return 0;
		}
	return trace_fail(err, "no initiator named '%s'", name);
}

static int find_region(struct amptrace_reader *r, const char *name, uint16_t *id, char *err)
{
	const struct amptrace_table *t = &r->table;
	unsigned int last = r->last_region;

	if (t->region[last].defined && !strcmp(t->region[last].name, name)) {
		*id = (uint16_t)last;
		return 0;
	}
	for (unsigned int i = 0; i < AMPTRACE_MAX_IDS; i++)
		if (t->region[i].defined && !strcmp(t->region[i].name, name)) {
			*id = (uint16_t)i;
			r->last_region = (uint8_t)i;
			return 0;
		}
	return trace_fail(err, "no region named '%s'", name);
}

static int hexbytes(const char *text, uint8_t *out, uint32_t *size, char *err)
{
	size_t len = strlen(text);

	if (len == 0 || len % 2 || len / 2 > AMPTRACE_MAX_STORE)
		return trace_fail(err, "stored bytes: %zu hex digits (an even number, 2 to %u)",
				  len, 2 * AMPTRACE_MAX_STORE);
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		unsigned int d = c >= '0' && c <= '9'   ? (unsigned int)(c - '0')
				 : c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10)
				 : c >= 'A' && c <= 'F' ? (unsigned int)(c - 'A' + 10)
							: 16u;

		if (d == 16)
			return trace_fail(err, "stored bytes: '%c' is not a hex digit", c);
		out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | d : d << 4);
	}
	*size = (uint32_t)(len / 2);
	return 0;
}

static int parse_definition(struct amptrace_reader *r, char **f, int n, char *err)
{
	uint64_t id, base, size;

	if (!strcmp(f[0], "initiator")) {
		unsigned int kind;

		if (n != 4)
			return trace_fail(err, "initiator ID KIND NAME: %d fields", n);
		if (number(f[1], AMPTRACE_MAX_IDS - 1, &id, "initiator id", err))
			return -1;
		if (!strcmp(f[2], "host"))
			kind = AMPTRACE_HOST;
		else if (!strcmp(f[2], "core"))
			kind = AMPTRACE_CORE;
		else
			return trace_fail(err, "initiator kind '%s' (host or core)", f[2]);
		if (trace_define_initiator(&r->table, (unsigned int)id, kind, f[3], strlen(f[3]),
					   err))
			return -1;
		trace_note_fresh(r, (unsigned int)id);
		return 0;
	}
	if (!strcmp(f[0], "view")) {
		uint16_t region = 0, initiator = 0;

		if (n != 4)
			return trace_fail(err, "view REGION INITIATOR BASE: %d fields", n);
		if (find_region(r, f[1], &region, err) ||
		    find_initiator(r, f[2], &initiator, err) ||
		    number(f[3], UINT64_MAX, &base, "view base", err) ||
		    trace_define_view(&r->table, region, initiator, base, err))
			return -1;
		trace_note_fresh(r, (r->table.nviews - 1) | FRESH_VIEW);
		return 0;
	}
	if (n != 5)
		return trace_fail(err, "region ID NAME BASE SIZE: %d fields", n);
	if (number(f[1], AMPTRACE_MAX_IDS - 1, &id, "region id", err) ||
	    number(f[3], UINT64_MAX, &base, "region base", err) ||
	    number(f[4], UINT64_MAX, &size, "region size", err))
		return -1;
	if (trace_define_region(&r->table, (unsigned int)id, f[2], strlen(f[2]), base, size, err))
		return -1;
	trace_note_fresh(r, (unsigned int)id | FRESH_REGION);
	return 0;
}

static int parse_event(struct amptrace_reader *r, char **f, int n, struct amptrace_event *ev,
		       char *err)
{
	static const struct {
		const char *name;
		enum amptrace_kind kind;
		int fields;
	} kinds[] = {
		{"store", AMPTRACE_STORE, 6},
		{"barrier", AMPTRACE_BARRIER, 4},
		{"mbox-write", AMPTRACE_MBOX_WRITE, 6},
		{"mbox-read", AMPTRACE_MBOX_READ, 6},
		{"irq", AMPTRACE_IRQ, 6},
	};
	uint64_t v;
	unsigned int k;

	memset(ev, 0, sizeof(*ev));
	/* The kinds differ in their first letters (but the two mailbox ones): start there. */
	switch (f[1][0]) {
	case 's':
		k = 0;
		break;
	case 'b':
		k = 1;
		break;
	case 'm': /* "mbox-write" or "mbox-read" (strncmp stops at a shorter word's end) */
		k = !strncmp(f[1], "mbox-w", 6) ? 2 : 3;
		break;
	case 'i':
		k = 4;
		break;
	default:
		k = sizeof(kinds) / sizeof(kinds[0]);
		break;
	}
	if (k < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[k].name, f[1]))
		k = sizeof(kinds) / sizeof(kinds[0]);
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return trace_fail(err, "unknown event '%s'", f[1]);
	if (n != kinds[k].fields)
		return trace_fail(err, "%s: %d fields, not %d", f[1], n, kinds[k].fields);
	ev->kind = kinds[k].kind;
	if (number(f[0], UINT64_MAX, &ev->time_ps, "time", err) ||
	    find_initiator(r, f[2], &ev->initiator, err))
		return -1;
	if (ev->kind == AMPTRACE_BARRIER) {
		for (v = 0; v <= AMPTRACE_BARRIER_FULL &&
			    strcmp(f[3], amptrace_barrier_name((enum amptrace_barrier)v));
		     v++)
			;
		if (v > AMPTRACE_BARRIER_FULL)
			return trace_fail(err, "barrier kind '%s' (write, read or full)", f[3]);
		ev->barrier = (uint8_t)v;
		return trace_check_event(&r->table, ev, r->last_time, err);
	}
	if (find_region(r, f[3], &ev->region, err))
		return -1;
	switch (ev->kind) {
	case AMPTRACE_STORE:
		if (number(f[4], UINT64_MAX, &ev->addr, "address", err) ||
		    hexbytes(f[5], r->record, &ev->size, err))
			return -1;
		ev->bytes = r->record;
		break;
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		if (number(f[4], UINT8_MAX, &v, "fifo", err))
			return -1;
		ev->fifo = (uint8_t)v;
		if (number(f[5], UINT32_MAX, &v, "message", err))
			return -1;
		ev->value = (uint32_t)v;
		break;
	default: /* AMPTRACE_IRQ */
		if (number(f[4], UINT8_MAX, &v, "line", err))
			return -1;
		ev->line = (uint8_t)v;
		if (number(f[5], 1, &v, "level", err))
			return -1;
		ev->level = (uint8_t)v;
		break;
	}
	return trace_check_event(&r->table, ev, r->last_time, err);
}

int text_read(struct amptrace_reader *r, struct amptrace_event *ev)
{
	char why[AMPTRACE_ERROR_SIZE];
	char *f[MAX_FIELDS];

	for (;;) {
		int n, rc = next_line(r, why);

		if (rc <= 0) {
			if (rc < 0)
				return trace_fail(r->error, "line %llu: %s",
						  (unsigned long long)r->offset + 1, why);
			if (!ev) /* the header line is missing */
				return trace_fail(r->error, "line 1: no header");
			return 0;
		}
		if (!ev) { /* the header: exactly "ampsim-trace VERSION" */
			char expect[32];

			snprintf(expect, sizeof(expect), "%s %d", TEXT_HEADER, AMPTRACE_VERSION);
			if (strcmp(r->line, expect))
				return trace_fail(r->error,
						  "line 1: '%.60s' is not the header '%s'", r->line,
						  expect);
			return 0;
		}
		{
			const char *p = r->line + strspn(r->line, " \t");

			if (*p == '#' || !*p)
				continue; /* a comment or a blank line */
		}
		n = split(r->line, f, why);
		if (n < 0)
			return trace_fail(r->error, "line %llu: %s", (unsigned long long)r->offset,
					  why);
		/* An event starts with its time, a definition with a word. */
		if ((f[0][0] < '0' || f[0][0] > '9') &&
		    (!strcmp(f[0], "initiator") || !strcmp(f[0], "region") ||
		     !strcmp(f[0], "view"))) {
			if (parse_definition(r, f, n, why))
				return trace_fail(r->error, "line %llu: %s",
						  (unsigned long long)r->offset, why);
			continue;
		}
		if (n < 2 || parse_event(r, f, n, ev, why))
			return trace_fail(r->error, "line %llu: %s", (unsigned long long)r->offset,
					  n < 2 ? "an event has a time and a kind" : why);
		return 1;
	}
}
