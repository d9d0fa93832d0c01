// SPDX-License-Identifier: BSD-3-Clause
/*
 * The streaming JSON writer (see json_writer.h).
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>

#include "json_writer.h"

void json_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->has_member[0] = false;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* The comma and key before a value at the current level. */
static void member(struct json_writer *w, const char *key)
{
	if (w->has_member[w->depth])
		fputc(',', w->out);
	w->has_member[w->depth] = true;
	if (key) {
		put_string(w->out, key);
		fputc(':', w->out);
	}
}

static void open_level(struct json_writer *w, const char *key, char bracket)
{
	member(w, key);
	fputc(bracket, w->out);
	assert(w->depth + 1 < JSON_MAX_DEPTH);
	w->has_member[++w->depth] = false;
}

static void close_level(struct json_writer *w, char bracket)
{
	assert(w->depth > 0);
	w->depth--;
	fputc(bracket, w->out);
	if (w->depth == 0)
		fputc('\n', w->out);
}

void json_begin_object(struct json_writer *w, const char *key)
{
	open_level(w, key, '{');
}

void json_end_object(struct json_writer *w)
{
	close_level(w, '}');
}

void json_begin_array(struct json_writer *w, const char *key)
{
	open_level(w, key, '[');
}

void json_end_array(struct json_writer *w)
{
	close_level(w, ']');
}

void json_string(struct json_writer *w, const char *key, const char *value)
{
	member(w, key);
	put_string(w->out, value);
}

void json_uint(struct json_writer *w, const char *key, uint64_t value)
{
	member(w, key);
	fprintf(w->out, "%" PRIu64, value);
}

void json_bool(struct json_writer *w, const char *key, bool value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->out);
}

void json_double(struct json_writer *w, const char *key, double value)
{
	member(w, key);
	if (isfinite(value))
		fprintf(w->out, "%.9g", value);
	else
		fputs("null", w->out);
}

void json_null(struct json_writer *w, const char *key)
{
	member(w, key);
	fputs("null", w->out);
}
