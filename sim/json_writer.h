/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: a minimal streaming JSON writer for ``--json`` output
 *
 * Values are written as they come; the writer only remembers, per open object or array, whether
 * a comma is due. Keys are given for members of objects and NULL for elements of arrays.
 * Strings are byte strings: quote, backslash and control bytes are escaped, a well-formed UTF-8
 * sequence becomes its code point (\\uXXXX, a surrogate pair above U+FFFF), and any other byte
 * from 0x80 up is written as \\u0080..\\u00ff (the byte as one code point), so the output is
 * valid JSON and ASCII whatever a firmware name holds.
 */
#ifndef AMPSIM_JSON_WRITER_H
#define AMPSIM_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Nesting deeper than any report needs; deeper opens are a programming error (asserted). */
#define JSON_MAX_DEPTH 8

/**
 * struct json_writer - one document being written
 * @out: where it goes
 * @depth: open objects and arrays
 * @has_member: per level, whether something was written at that level (a comma is due)
 */
struct json_writer {
	FILE *out;
	int depth;
	bool has_member[JSON_MAX_DEPTH];
};

/* Start a document on @out; its top level is one value (usually json_begin_object(w, NULL)). */
void json_init(struct json_writer *w, FILE *out);

void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);

void json_string(struct json_writer *w, const char *key, const char *value);
void json_uint(struct json_writer *w, const char *key, uint64_t value);
void json_bool(struct json_writer *w, const char *key, bool value);
/* A finite number with up to 9 significant digits (non-finite values are written as null). */
void json_double(struct json_writer *w, const char *key, double value);
void json_null(struct json_writer *w, const char *key);

#ifdef __cplusplus
}
#endif

#endif
