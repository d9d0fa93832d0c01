// SPDX-License-Identifier: BSD-3-Clause
/*
 * The board parser's view of the YAML document: messages with a node's position and key path,
 * node kinds, and mappings checked against their allowed keys (unknown, duplicate, missing).
 * Every check reports its own problem and returns -EINVAL, so a caller only passes it on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board_internal.h"

/**
 * board_one_line() - make a message one line of printable text
 * @s: the message, changed in place: every control character becomes '?'
 *
 * File names and scalars come from the user; a newline in either must not split the message.
 */
void board_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/**
 * board_path() - format a key path ("cores[0].uart.irq"), cut to BOARD_PATH_SIZE
 * @buf: where to write
 * @fmt: the path
 *
 * Paths hold names of at most 31 characters, so a cut cannot happen in practice; through
 * vsnprintf it is also not a compiler warning at every call.
 *
 * Return: @buf.
 */
const char *board_path(char buf[BOARD_PATH_SIZE], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, BOARD_PATH_SIZE, fmt, ap);
	va_end(ap);
	return buf;
}

/**
 * board_error_at() - report a problem at a position
 * @c: the parse
 * @line: 1-based line
 * @col: 1-based column
 * @path: the key path ("cores[0].clock"), or "" for none
 * @fmt: the message
 *
 * Writes "FILE:LINE:COL: PATH: message" into the context's buffer.
 *
 * Return: -EINVAL.
 */
int board_error_at(struct board_ctx *c, unsigned long line, unsigned long col, const char *path,
		   const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "%s:%lu:%lu: %s%s", c->file, line, col, path,
		     *path ? ": " : "");
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	board_one_line(c->err);
	return -EINVAL;
}

/**
 * board_error() - report a problem at a node
 * @c: the parse
 * @at: the node the problem is in
 * @path: the key path, or ""
 * @fmt: the message
 *
 * Return: -EINVAL.
 */
int board_error(struct board_ctx *c, const yaml_node_t *at, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return board_error_at(c, at->start_mark.line + 1, at->start_mark.column + 1, path, "%s",
			      msg);
}

/**
 * board_line() - the 1-based line a node starts on, for "(at line N)"
 * @node: the node
 *
 * Return: the line.
 */
unsigned long board_line(const yaml_node_t *node)
{
	return node->start_mark.line + 1;
}

/**
 * board_quote() - a scalar as a message shows it
 * @buf: where to write
 * @scalar: a scalar node
 *
 * At most BOARD_QUOTE_SHOWN bytes, then "..."; bytes outside printable ASCII as \xNN.
 *
 * Return: @buf.
 */
const char *board_quote(char buf[BOARD_QUOTE_SIZE], const yaml_node_t *scalar)
{
	const unsigned char *s = scalar->data.scalar.value;
	size_t len = scalar->data.scalar.length, n = 0;

	for (size_t i = 0; i < len && i < BOARD_QUOTE_SHOWN; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f)
			buf[n++] = (char)s[i];
		else
			n += (size_t)snprintf(buf + n, 5, "\\x%02x", s[i]);
	}
	if (len > BOARD_QUOTE_SHOWN)
		n += (size_t)snprintf(buf + n, 4, "...");
	buf[n] = '\0';
	return buf;
}

/* "a mapping", "a sequence", "a scalar", or "an empty value" for `key:` with nothing after. */
static const char *kind_name(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_SCALAR_NODE:
		return node->data.scalar.length == 0 &&
				       node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
			       ? "an empty value"
			       : "a scalar";
	default:
		return "nothing";
	}
}

/**
 * board_expect() - check a node's kind
 * @c: the parse
 * @node: the node
 * @path: its key path ("" for the top level)
 * @type: the kind it must be
 *
 * Return: 0 or -EINVAL ("expected a mapping, found a scalar").
 */
int board_expect(struct board_ctx *c, const yaml_node_t *node, const char *path,
		 yaml_node_type_t type)
{
	static const char *const wanted[] = {
		[YAML_SCALAR_NODE] = "a scalar",
		[YAML_SEQUENCE_NODE] = "a sequence",
		[YAML_MAPPING_NODE] = "a mapping",
	};

	/* An empty plain scalar is YAML's null: no value was given. */
	if (node->type == type && !(type == YAML_SCALAR_NODE && !node->data.scalar.length &&
				    node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE))
		return 0;
	return board_error(c, node, path, "expected %s%s, found %s", wanted[type],
			   *path ? "" : " at the top level", kind_name(node));
}

/**
 * board_pair_key() - the key node of a mapping's pair
 * @c: the parse
 * @map: a mapping node
 * @index: the pair, in file order
 *
 * Return: the node.
 */
yaml_node_t *board_pair_key(struct board_ctx *c, const yaml_node_t *map, size_t index)
{
	return yaml_document_get_node(c->doc, map->data.mapping.pairs.start[index].key);
}

/**
 * board_pair_value() - the value node of a mapping's pair
 * @c: the parse
 * @map: a mapping node
 * @index: the pair, in file order
 *
 * Return: the node.
 */
yaml_node_t *board_pair_value(struct board_ctx *c, const yaml_node_t *map, size_t index)
{
	return yaml_document_get_node(c->doc, map->data.mapping.pairs.start[index].value);
}

/**
 * board_item() - an item of a sequence
 * @c: the parse
 * @seq: a sequence node
 * @index: the item
 *
 * Return: the node.
 */
yaml_node_t *board_item(struct board_ctx *c, const yaml_node_t *seq, size_t index)
{
	return yaml_document_get_node(c->doc, seq->data.sequence.items.start[index]);
}

/**
 * board_length() - pairs of a mapping or items of a sequence
 * @node: a mapping or sequence node
 *
 * Return: the count (0 for a scalar).
 */
size_t board_length(const yaml_node_t *node)
{
	if (node->type == YAML_MAPPING_NODE)
		return (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	if (node->type == YAML_SEQUENCE_NODE)
		return (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	return 0;
}

/**
 * board_scalar_is() - a node is the scalar @text
 * @node: any node
 * @text: the text
 *
 * Return: true when it is.
 */
bool board_scalar_is(const yaml_node_t *node, const char *text)
{
	size_t len = strlen(text);

	return node->type == YAML_SCALAR_NODE && node->data.scalar.length == len &&
	       memcmp(node->data.scalar.value, text, len) == 0;
}

/**
 * board_child() - the value of a key in a mapping board_mapping() accepted
 * @c: the parse
 * @map: the mapping, or NULL
 * @key: the key
 *
 * Return: the value node, or NULL when @map is NULL or lacks @key.
 */
yaml_node_t *board_child(struct board_ctx *c, const yaml_node_t *map, const char *key)
{
	if (!map)
		return NULL;
	for (size_t i = 0; i < board_length(map); i++)
		if (board_scalar_is(board_pair_key(c, map, i), key))
			return board_pair_value(c, map, i);
	return NULL;
}

static void list_keys(char *buf, size_t size, const struct board_key *keys, size_t num_keys)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < num_keys && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", keys[i].name);
}

/**
 * board_mapping() - check a mapping's keys and find their values
 * @c: the parse
 * @node: the node that must be a mapping
 * @path: its key path ("" for the top level)
 * @keys: the keys it may hold
 * @num_keys: how many (at most 16)
 * @values: receives each key's value node, or NULL when absent
 *
 * Keys are checked in file order (a scalar, allowed, not seen before), then the required ones.
 *
 * Return: 0 or -EINVAL.
 */
int board_mapping(struct board_ctx *c, yaml_node_t *node, const char *path,
		  const struct board_key *keys, size_t num_keys, yaml_node_t **values)
{
	yaml_node_t *key_nodes[16] = {NULL};
	char allowed[256], quoted[BOARD_QUOTE_SIZE];
	int ret = board_expect(c, node, path, YAML_MAPPING_NODE);

	if (ret)
		return ret;
	for (size_t k = 0; k < num_keys; k++)
		values[k] = NULL;
	for (size_t i = 0; i < board_length(node); i++) {
		yaml_node_t *key = board_pair_key(c, node, i);
		size_t k = 0;

		if (key->type != YAML_SCALAR_NODE)
			return board_error(c, key, path, "expected a scalar key, found %s",
					   kind_name(key));
		while (k < num_keys && !board_scalar_is(key, keys[k].name))
			k++;
		if (k == num_keys) {
			list_keys(allowed, sizeof(allowed), keys, num_keys);
			return board_error(c, key, path, "unknown key '%s' (allowed: %s)",
					   board_quote(quoted, key), allowed);
		}
		if (key_nodes[k])
			return board_error(c, key, path, "duplicate key '%s' (first at line %lu)",
					   keys[k].name, board_line(key_nodes[k]));
		key_nodes[k] = key;
		values[k] = board_pair_value(c, node, i);
	}
	for (size_t k = 0; k < num_keys; k++)
		if (keys[k].required && !values[k])
			return board_error(c, node, path, "missing required key '%s'",
					   keys[k].name);
	return 0;
}

/**
 * board_sequence() - check that a node is a sequence of @min..@max entries
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @min: fewest entries
 * @max: most entries
 *
 * Return: 0 or -EINVAL.
 */
int board_sequence(struct board_ctx *c, yaml_node_t *node, const char *path, size_t min, size_t max)
{
	int ret = board_expect(c, node, path, YAML_SEQUENCE_NODE);
	size_t n = board_length(node);

	if (ret)
		return ret;
	if (n < min || n > max)
		return board_error(c, node, path, "expected %zu to %zu entries, found %zu", min,
				   max, n);
	return 0;
}
