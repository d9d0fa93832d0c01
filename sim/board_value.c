// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scalars of a board file read as integers, addresses, frequencies, sizes, booleans, names and
 * text. Every reader reports its own problem (board_node.c) and returns -EINVAL.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "board_internal.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
/* Below 1 kHz a core or watchdog clock is a typo; 10 GHz is above any core we simulate. */
#define MIN_HZ 1000ull
#define MAX_HZ 10000000000ull
/* A memory is backed by host RAM and must fit a 32-bit core view. */
#define MAX_MEMORY_SIZE (4 * GIB)

/**
 * struct unit - a unit a number may carry
 * @name: as written
 * @factor: what one of it is worth
 */
struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit frequency_units[] = {
	{"Hz", 1},
	{"kHz", 1000},
	{"MHz", 1000000},
	{"GHz", 1000000000},
};
#define FREQUENCY_UNITS "Hz, kHz, MHz or GHz"

static const struct unit size_units[] = {
	{"B", 1}, {"KiB", KIB}, {"MiB", MIB}, {"GiB", GIB}, {"K", KIB}, {"M", MIB}, {"G", GIB},
};
#define SIZE_UNITS "B, KiB, MiB, GiB, K, M or G"

/**
 * board_format_size() - a size in the largest binary unit that divides it
 * @buf: where to write
 * @size: its size
 * @bytes: the size to show ("256 KiB", "1000 B")
 */
void board_format_size(char *buf, size_t size, uint64_t bytes)
{
	static const struct unit shown[] = {{"GiB", GIB}, {"MiB", MIB}, {"KiB", KIB}};

	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		if (bytes && bytes % shown[i].factor == 0) {
			snprintf(buf, size, "%" PRIu64 " %s", bytes / shown[i].factor,
				 shown[i].name);
			return;
		}
	}
	snprintf(buf, size, "%" PRIu64 " B", bytes);
}

static bool is_hex_digit(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/*
 * Reads an unsigned decimal, or hex after "0x", from the start of @s. Returns the bytes read
 * (0: no number); *@overflow tells that the value does not fit 64 bits.
 */
static size_t read_number(const unsigned char *s, size_t len, uint64_t *value, bool *overflow)
{
	bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex_digit(s[2]);
	unsigned base = hex ? 16 : 10;
	size_t i = hex ? 2 : 0;

	*value = 0;
	*overflow = false;
	for (; i < len; i++) {
		unsigned digit;

		if (s[i] >= '0' && s[i] <= '9')
			digit = s[i] - '0';
		else if (hex && s[i] >= 'a' && s[i] <= 'f')
			digit = s[i] - 'a' + 10;
		else if (hex && s[i] >= 'A' && s[i] <= 'F')
			digit = s[i] - 'A' + 10;
		else
			break;
		if (*value > (UINT64_MAX - digit) / base)
			*overflow = true;
		*value = *value * base + digit;
	}
	return i;
}

/* A whole scalar as an integer in [min, max]; the range is shown in @range_fmt's base. */
static int read_integer(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t min,
			uint64_t max, const char *range_fmt, uint64_t *out)
{
	const unsigned char *s;
	size_t len;
	char quoted[BOARD_QUOTE_SIZE], range[64];
	bool overflow;
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	s = node->data.scalar.value;
	len = node->data.scalar.length;
	if (!len || read_number(s, len, out, &overflow) != len)
		return board_error(c, node, path,
				   "'%s' is not an integer (decimal, or hex with 0x; no sign)",
				   board_quote(quoted, node));
	if (overflow || *out < min || *out > max) {
		snprintf(range, sizeof(range), range_fmt, min, max);
		return board_error(c, node, path, "'%s' is out of range (%s)",
				   board_quote(quoted, node), range);
	}
	return 0;
}

/**
 * board_uint() - read a count or index in [@min, @max]
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @min: smallest allowed
 * @max: largest allowed (at most UINT_MAX)
 * @out: the value
 *
 * Return: 0 or -EINVAL.
 */
int board_uint(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t min, uint64_t max,
	       unsigned int *out)
{
	uint64_t value;
	int ret = read_integer(c, node, path, min, max, "%" PRIu64 "..%" PRIu64, &value);

	if (!ret)
		*out = (unsigned int)value;
	return ret;
}

/**
 * board_address() - read a base address in [0, @max]
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @max: UINT32_MAX for a core view, UINT64_MAX for the host's
 * @out: the address
 *
 * Return: 0 or -EINVAL.
 */
int board_address(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t max,
		  uint64_t *out)
{
	return read_integer(c, node, path, 0, max, "%#" PRIx64 "..%#" PRIx64, out);
}

/*
 * A number, optional spaces and a unit from @units (none: @no_unit, 0 meaning the unit is
 * required), in [min, max]. @what names the quantity, @range shows the allowed range.
 */
static int read_with_unit(struct board_ctx *c, yaml_node_t *node, const char *path,
			  const struct unit *units, size_t num_units, const char *unit_names,
			  uint64_t no_unit, uint64_t min, uint64_t max, const char *what,
			  const char *range, uint64_t *out)
{
	const unsigned char *s;
	size_t len, i, k;
	char quoted[BOARD_QUOTE_SIZE];
	uint64_t number, factor = no_unit;
	bool overflow;
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	s = node->data.scalar.value;
	len = node->data.scalar.length;
	board_quote(quoted, node);
	i = read_number(s, len, &number, &overflow);
	if (!i)
		return board_error(c, node, path, "'%s' is not %s (an integer and %s: %s)", quoted,
				   what, no_unit ? "an optional unit" : "a unit", unit_names);
	while (i < len && s[i] == ' ')
		i++;
	if (i == len && !no_unit)
		return board_error(c, node, path, "'%s' has no unit (expected %s)", quoted,
				   unit_names);
	if (i < len) {
		for (k = 0; k < num_units; k++)
			if (strlen(units[k].name) == len - i &&
			    memcmp(units[k].name, s + i, len - i) == 0)
				break;
		if (k == num_units)
			return board_error(c, node, path, "'%s' has an unknown unit (expected %s)",
					   quoted, unit_names);
		factor = units[k].factor;
	}
	if (overflow || number > max / factor || number * factor < min)
		return board_error(c, node, path, "'%s' is out of range (%s)", quoted, range);
	*out = number * factor;
	return 0;
}

/**
 * board_frequency() - read a clock: an integer and Hz, kHz, MHz or GHz, 1 kHz..10 GHz
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @hz: the frequency in Hz
 *
 * Return: 0 or -EINVAL.
 */
int board_frequency(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t *hz)
{
	return read_with_unit(c, node, path, frequency_units,
			      sizeof(frequency_units) / sizeof(frequency_units[0]), FREQUENCY_UNITS,
			      0, MIN_HZ, MAX_HZ, "a frequency", "1 kHz..10 GHz", hz);
}

/**
 * board_size() - read a memory size: an integer with an optional unit (bytes), 1 B..4 GiB
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @bytes: the size
 *
 * Return: 0 or -EINVAL.
 */
int board_size(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t *bytes)
{
	return read_with_unit(c, node, path, size_units, sizeof(size_units) / sizeof(size_units[0]),
			      SIZE_UNITS, 1, 1, MAX_MEMORY_SIZE, "a size", "1 B..4 GiB", bytes);
}

/**
 * board_bool() - read true or false (nothing else: "yes" and "on" are YAML 1.1 traps)
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @out: the value
 *
 * Return: 0 or -EINVAL.
 */
int board_bool(struct board_ctx *c, yaml_node_t *node, const char *path, bool *out)
{
	char quoted[BOARD_QUOTE_SIZE];
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	if (board_scalar_is(node, "true") || board_scalar_is(node, "false")) {
		*out = board_scalar_is(node, "true");
		return 0;
	}
	return board_error(c, node, path, "'%s' is not a boolean (true or false)",
			   board_quote(quoted, node));
}

static bool is_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

/**
 * board_word() - a scalar of 1..31 bytes, each accepted by @ok
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @ok: the bytes allowed
 * @what: what it is, for the message ("name", "label")
 * @rule: the rule, for the message ("1 to 31 of A-Z a-z 0-9 _ -")
 * @out: the word, NUL-terminated
 *
 * Return: 0, or -EINVAL with "'x' is not a valid WHAT (RULE)".
 */
int board_word(struct board_ctx *c, yaml_node_t *node, const char *path, bool (*ok)(unsigned char),
	       const char *what, const char *rule, char out[AMPSIM_BOARD_NAME_SIZE])
{
	char quoted[BOARD_QUOTE_SIZE];
	const unsigned char *s;
	size_t len;
	bool good;
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	s = node->data.scalar.value;
	len = node->data.scalar.length;
	good = len >= 1 && len < AMPSIM_BOARD_NAME_SIZE;
	for (size_t i = 0; good && i < len; i++)
		good = ok(s[i]);
	if (!good)
		return board_error(c, node, path, "'%s' is not a valid %s (%s)",
				   board_quote(quoted, node), what, rule);
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/**
 * board_name() - read a name: 1 to 31 of A-Z a-z 0-9 _ -
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @out: the name, NUL-terminated
 *
 * Return: 0 or -EINVAL.
 */
int board_name(struct board_ctx *c, yaml_node_t *node, const char *path,
	       char out[AMPSIM_BOARD_NAME_SIZE])
{
	return board_word(c, node, path, is_name_char, "name", "1 to 31 of A-Z a-z 0-9 _ -", out);
}

/**
 * board_text() - read free text that fits @size bytes with its NUL
 * @c: the parse
 * @node: the node
 * @path: its key path
 * @out: the text
 * @size: size of @out
 * @nonempty: the text may not be empty
 *
 * Return: 0 or -EINVAL.
 */
int board_text(struct board_ctx *c, yaml_node_t *node, const char *path, char *out, size_t size,
	       bool nonempty)
{
	size_t len;
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	len = node->data.scalar.length;
	if (nonempty && !len)
		return board_error(c, node, path, "must not be empty");
	if (len >= size)
		return board_error(c, node, path, "too long (%zu bytes, at most %zu)", len,
				   size - 1);
	if (memchr(node->data.scalar.value, '\0', len))
		return board_error(c, node, path, "contains a NUL character");
	memcpy(out, node->data.scalar.value, len);
	out[len] = '\0';
	return 0;
}
