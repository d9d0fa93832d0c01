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

/*
 * The code point of the well-formed UTF-8 sequence at @p (2 to 4 bytes: no overlong form, no
 * surrogate, at most U+10FFFF), its length in @len; 0 when @p does not start one.
 */
static uint32_t utf8_decode(const unsigned char *p, int *len)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t cp;
	int n;

	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2, cp = *p & 0x1f;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3, cp = *p & 0x0f;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4, cp = *p & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*len = n;
	return cp;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		uint32_t cp;
		int len;

		if (*p == '"' || *p == '\\') {
			fprintf(out, "\\%c", *p);
		} else if (*p >= 0x80 && (cp = utf8_decode(p, &len)) != 0) {
			if (cp >= 0x10000)
				fprintf(out, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
					0xdc00 + ((cp - 0x10000) & 0x3ff));
			else
				fprintf(out, "\\u%04x", cp);
			p += len - 1;
		} else if (*p < 0x20 || *p >= 0x7f) {
			fprintf(out, "\\u%04x", *p);
		} else {
			fputc(*p, out);
		}
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
