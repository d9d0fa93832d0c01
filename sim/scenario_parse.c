// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario files (docs/scenarios.md): read the file, load it with libyaml's document API, read
 * the top level, the link and the steps into &struct ampconf_scenario with the board parser's
 * node and value helpers (board_node.c, board_value.c; their &struct board_ctx has no board
 * here), and check the steps against each other as they come: which labels each side has open,
 * which side is held. The file loading mirrors sim/board.c, whose helpers are private to it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampconf/iut.h"
#include "amptrace/check.h"
#include "board_internal.h"
#include "scenario_parse.h"

/* A scenario nests 4 levels: top, steps, a step, its parameters (board_check_events()). */
#define NEEDED_DEPTH 4u

/* Linux's rpmsg link: 256 buffers per direction (MAX_RPMSG_NUM_BUFS / 2) of 512 bytes. */
#define DEFAULT_NUM      256u
#define DEFAULT_BUF_SIZE 512u
/* remoteproc's usual vring alignment: a page. */
#define DEFAULT_ALIGN 4096u
/* A payload that fits the smallest buffer allowed (MIN_BUF_SIZE less the header). */
#define DEFAULT_SIZE 16u
/* The virtio queue size limit (a 16-bit index space halved: 2^15). */
#define MAX_NUM 32768u
/* A used ring is at least 4-byte aligned (its idx and elements); 64 KiB is the largest page. */
#define MIN_ALIGN 4u
#define MAX_ALIGN 65536u
/* A buffer holds the 16-byte rpmsg header and at least 16 bytes of payload. */
#define MIN_BUF_SIZE 32u
#define MAX_BUF_SIZE 65536u
/* Buffers are carved one after another from the pool: a multiple of 16 keeps each header aligned.
 */
#define BUF_SIZE_STEP 16u
/* A payload as large as the largest buffer (larger than fits, for tests of refused sends). */
#define MAX_PAYLOAD 65536u
/* A million messages is minutes of simulation; more is a typo. */
#define MAX_COUNT 1000000u
/* Fixed addresses: anything but AMPCONF_ADDR_ANY (RPMSG_ADDR_ANY), which means "any". */
#define MAX_FIXED_ADDR (AMPCONF_ADDR_ANY - 1u)

/* The two sides, however a scenario names them: peer/driver 0, iut/device 1 (&enum
 * ampconf_actor modulo 2). */
#define NUM_SIDES 2

/**
 * struct open_label - an endpoint label a side has open
 * @name: the label
 * @line: the line of the step that opened it
 */
struct open_label {
	char name[AMPCONF_NAME_SIZE];
	unsigned long line;
};

/**
 * struct scn_ctx - one scenario parse
 * @b: the node helpers' context (@b.board is NULL: no helper used here touches it)
 * @s: the result being filled in
 * @open: the labels each side (&enum ampconf_actor) has open after the steps read so far
 * @num_open: entries of @open, per side
 * @held: per side, the line of the hold step in force, or 0
 * @names: how the steps name the sides: &enum ampconf_actor of the first step's side with its
 *	vocabulary (AMPCONF_PEER or AMPCONF_BY_DRIVER), or -1 before the first
 */
struct scn_ctx {
	struct board_ctx b;
	struct ampconf_scenario *s;
	struct open_label open[NUM_SIDES][AMPCONF_MAX_STEPS];
	unsigned int num_open[NUM_SIDES];
	unsigned long held[NUM_SIDES];
	int names;
};

static const char *const side_words[] = {
	[AMPCONF_PEER] = "peer",
	[AMPCONF_IUT] = "iut",
	[AMPCONF_BY_DRIVER] = "driver",
	[AMPCONF_BY_DEVICE] = "device",
};

/**
 * enum step_key - the keys a mapping step may hold (&struct step_def.keys bits)
 * @K_BY: the acting side
 * @K_EPT: the acting side's endpoint label
 * @K_NAME: a service name
 * @K_ANNOUNCE: open: announce the name
 * @K_ADDR: open: a fixed address or any
 * @K_TO: the other side's endpoint label
 * @K_TO_ADDR: send: a destination address
 * @K_SIZE: payload bytes or max
 * @K_COUNT: messages
 * @K_UNTIL_FULL: send: stop when no buffer is free
 * @K_CREATED: service: announced or withdrawn
 * @NUM_KEYS: how many
 */
enum step_key {
	K_BY,
	K_EPT,
	K_NAME,
	K_ANNOUNCE,
	K_ADDR,
	K_TO,
	K_TO_ADDR,
	K_SIZE,
	K_COUNT,
	K_UNTIL_FULL,
	K_CREATED,
	NUM_KEYS,
};

static const char *const key_names[NUM_KEYS] = {
	"by",      "ept",  "name",  "announce",   "addr",    "to",
	"to_addr", "size", "count", "until_full", "created",
};

#define KEY(k) (1u << (k))

/**
 * struct step_def - one step kind as the file writes it
 * @name: the word
 * @kind: &enum ampconf_step_kind
 * @keys: the parameters it takes (KEY() bits); 0: a scalar step, no parameters
 * @required: the ones it needs
 */
struct step_def {
	const char *name;
	enum ampconf_step_kind kind;
	unsigned int keys;
	unsigned int required;
};

static const struct step_def step_defs[] = {
	{"start", AMPCONF_STEP_START, 0, 0},
	{"open", AMPCONF_STEP_OPEN,
	 KEY(K_BY) | KEY(K_EPT) | KEY(K_NAME) | KEY(K_ANNOUNCE) | KEY(K_ADDR),
	 KEY(K_BY) | KEY(K_EPT)},
	{"close", AMPCONF_STEP_CLOSE, KEY(K_BY) | KEY(K_EPT), KEY(K_BY) | KEY(K_EPT)},
	{"send", AMPCONF_STEP_SEND,
	 KEY(K_BY) | KEY(K_EPT) | KEY(K_TO) | KEY(K_TO_ADDR) | KEY(K_SIZE) | KEY(K_COUNT) |
		 KEY(K_UNTIL_FULL),
	 KEY(K_BY) | KEY(K_EPT)},
	{"expect", AMPCONF_STEP_EXPECT, KEY(K_BY) | KEY(K_EPT) | KEY(K_COUNT),
	 KEY(K_BY) | KEY(K_EPT)},
	{"service", AMPCONF_STEP_SERVICE, KEY(K_BY) | KEY(K_NAME) | KEY(K_CREATED),
	 KEY(K_BY) | KEY(K_NAME)},
	{"pingpong", AMPCONF_STEP_PINGPONG,
	 KEY(K_BY) | KEY(K_EPT) | KEY(K_TO) | KEY(K_SIZE) | KEY(K_COUNT),
	 KEY(K_BY) | KEY(K_EPT) | KEY(K_TO)},
	{"reset", AMPCONF_STEP_RESET, 0, 0},
	{"hold", AMPCONF_STEP_HOLD, KEY(K_BY), KEY(K_BY)},
	{"release", AMPCONF_STEP_RELEASE, KEY(K_BY), KEY(K_BY)},
	{"settle", AMPCONF_STEP_SETTLE, 0, 0},
};
#define NUM_STEP_DEFS (sizeof(step_defs) / sizeof(step_defs[0]))
#define STEP_KINDS                                                                                 \
	"start, open, close, send, expect, service, pingpong, reset, hold, release or settle"

/**
 * struct word - a word a list or scalar may hold, and what it stands for
 * @name: the word
 * @value: its bit or value
 */
struct word {
	const char *name;
	uint32_t value;
};

static const struct word role_words[] = {
	{"driver", 1u << AMPCONF_DRIVER},
	{"device", 1u << AMPCONF_DEVICE},
};

static const struct word feature_words[] = {
	{"ns", AMPCONF_F_NS},
	{"event_idx", AMPCONF_F_EVENT_IDX},
};
#define NUM_FEATURES (sizeof(feature_words) / sizeof(feature_words[0]))

/* What the steps call side @side (0 or 1). */
static const char *side_name(const struct scn_ctx *c, unsigned int side)
{
	return side_words[(c->names < 0 ? AMPCONF_PEER : (unsigned int)c->names) + side];
}

static const struct word actor_words[] = {
	{"peer", AMPCONF_PEER},
	{"iut", AMPCONF_IUT},
	{"driver", AMPCONF_BY_DRIVER},
	{"device", AMPCONF_BY_DEVICE},
};

/* ---- values ---- */

static const char *sub(char buf[BOARD_PATH_SIZE], const char *path, const char *key)
{
	return board_path(buf, "%s%s%s", path, *path ? "." : "", key);
}

static const char *item_path(char buf[BOARD_PATH_SIZE], const char *path, size_t index)
{
	return board_path(buf, "%s[%zu]", path, index);
}

static bool is_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.' || ch == '-';
}

/* Labels and service names are read as board names are (board_word()). */
_Static_assert(AMPCONF_NAME_SIZE == AMPSIM_BOARD_NAME_SIZE, "name sizes");

/* A label: 1 to 31 of A-Z a-z 0-9 _ . - */
static int read_label(struct board_ctx *c, yaml_node_t *node, const char *path,
		      char out[AMPCONF_NAME_SIZE])
{
	return board_word(c, node, path, is_name_char, "label", "1 to 31 of A-Z a-z 0-9 _ . -",
			  out);
}

static bool is_service_char(unsigned char ch)
{
	return ch > ' ' && ch < 0x7f;
}

/* A service name: 1 to 31 printable ASCII characters, no spaces (rpmsg's 32-byte name field). */
static int read_service(struct board_ctx *c, yaml_node_t *node, const char *path,
			char out[AMPCONF_NAME_SIZE])
{
	return board_word(c, node, path, is_service_char, "service name",
			  "1 to 31 printable characters, no spaces", out);
}

/* An integer up to @max, or @word standing for @word_value. @hex: show the range in hex. */
static int read_word_or_int(struct board_ctx *c, yaml_node_t *node, const char *path,
			    const char *word, uint32_t word_value, uint32_t max, bool hex,
			    uint32_t *out)
{
	char quoted[BOARD_QUOTE_SIZE];
	uint64_t addr;
	unsigned int value;
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	if (board_scalar_is(node, word)) {
		*out = word_value;
		return 0;
	}
	if (node->data.scalar.value[0] < '0' || node->data.scalar.value[0] > '9')
		return board_error(c, node, path, "'%s' is neither an integer nor '%s'",
				   board_quote(quoted, node), word);
	if (hex) {
		ret = board_address(c, node, path, max, &addr);
		value = (unsigned int)addr;
	} else {
		ret = board_uint(c, node, path, 0, max, &value);
	}
	if (!ret)
		*out = value;
	return ret;
}

static const struct word *find_word(const yaml_node_t *node, const struct word *words,
				    size_t num_words)
{
	for (size_t i = 0; i < num_words; i++)
		if (board_scalar_is(node, words[i].name))
			return &words[i];
	return NULL;
}

/* A word of @words (e.g. "peer"), its value into @out; else "'x' is not WHAT (expected LIST)". */
static int read_word(struct board_ctx *c, yaml_node_t *node, const char *path,
		     const struct word *words, size_t num_words, const char *what,
		     const char *expected, uint32_t *out)
{
	char quoted[BOARD_QUOTE_SIZE];
	const struct word *w;
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	w = find_word(node, words, num_words);
	if (w) {
		*out = w->value;
		return 0;
	}
	return board_error(c, node, path, "'%s' is not %s (expected %s)", board_quote(quoted, node),
			   what, expected);
}

/*
 * A sequence of @min or more words of @words, each once (so at most @num_words), OR-ed into
 * @mask. @what and @expected are for read_word().
 */
static int read_word_list(struct board_ctx *c, yaml_node_t *node, const char *path, size_t min,
			  const struct word *words, size_t num_words, const char *what,
			  const char *expected, uint32_t *mask)
{
	char item[BOARD_PATH_SIZE], quoted[BOARD_QUOTE_SIZE];
	int ret = board_sequence(c, node, path, min, num_words);

	*mask = 0;
	for (size_t i = 0; !ret && i < board_length(node); i++) {
		yaml_node_t *n = board_item(c, node, i);
		uint32_t bit = 0;

		ret = read_word(c, n, item_path(item, path, i), words, num_words, what, expected,
				&bit);
		if (ret)
			break;
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *earlier = board_item(c, node, j);

			if (board_scalar_is(earlier, (const char *)n->data.scalar.value))
				return board_error(c, n, item,
						   "'%s' is listed twice (first at line %lu)",
						   board_quote(quoted, n), board_line(earlier));
		}
		*mask |= bit;
	}
	return ret;
}

/* ---- the top level and the link ---- */

static int parse_summary(struct scn_ctx *c, yaml_node_t *node)
{
	char *s = c->s->summary;
	int ret = board_text(&c->b, node, "summary", s, sizeof(c->s->summary), true);

	for (size_t i = 0; !ret && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			ret = board_error(&c->b, node, "summary",
					  "must be one line (no newline or control character)");
	return ret;
}

/* A rule ID of the checker's catalogue (conformance/rules.yaml). */
static bool known_rule(const yaml_node_t *node)
{
	unsigned int count = 0;
	const struct ampcheck_rule *rules = ampcheck_rules(&count);

	for (unsigned int i = 0; i < count; i++)
		if (board_scalar_is(node, rules[i].id))
			return true;
	return false;
}

static int parse_rules(struct scn_ctx *c, yaml_node_t *node)
{
	struct board_ctx *b = &c->b;
	char item[BOARD_PATH_SIZE], quoted[BOARD_QUOTE_SIZE];
	int ret = board_sequence(b, node, "rules", 1, AMPCONF_MAX_RULES);

	for (size_t i = 0; !ret && i < board_length(node); i++) {
		yaml_node_t *n = board_item(b, node, i);

		item_path(item, "rules", i);
		ret = board_expect(b, n, item, YAML_SCALAR_NODE);
		if (ret)
			break;
		if (!known_rule(n))
			return board_error(b, n, item,
					   "unknown rule '%s' (not in the catalogue, "
					   "conformance/rules.yaml)",
					   board_quote(quoted, n));
		/* A catalogue ID has no NUL and fits AMPCONF_RULE_SIZE (gen_rules.py). */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->s->rules[j], (const char *)n->data.scalar.value))
				return board_error(
					b, n, item, "'%s' is listed twice (first at line %lu)",
					c->s->rules[j], board_line(board_item(b, node, j)));
		snprintf(c->s->rules[i], AMPCONF_RULE_SIZE, "%s",
			 (const char *)n->data.scalar.value);
		c->s->nrules = (unsigned int)i + 1;
	}
	return ret;
}

/* A vring size: a power of two, 1..MAX_NUM. */
static int read_num(struct board_ctx *c, yaml_node_t *node, const char *path, uint32_t *num)
{
	char quoted[BOARD_QUOTE_SIZE];
	unsigned int value;
	int ret = board_uint(c, node, path, 1, MAX_NUM, &value);

	if (ret)
		return ret;
	if (value & (value - 1))
		return board_error(c, node, path, "'%s' is not a power of two",
				   board_quote(quoted, node));
	*num = value;
	return 0;
}

static int parse_link(struct scn_ctx *c, yaml_node_t *node)
{
	enum { NUM, NUM0, NUM1, ALIGN, BUF_SIZE, FEATURES, NEEDS, NEEDS_RESET, KEYS };
	static const struct board_key keys[] = {
		{"num", false},      {"num0", false},     {"num1", false},  {"align", false},
		{"buf_size", false}, {"features", false}, {"needs", false}, {"needs_reset", false},
	};
	static const char features[] = "ns or event_idx";
	struct board_ctx *b = &c->b;
	struct ampconf_scenario *s = c->s;
	char p[BOARD_PATH_SIZE], quoted[BOARD_QUOTE_SIZE];
	yaml_node_t *v[KEYS];
	unsigned int value;
	int ret = board_mapping(b, node, "link", keys, KEYS, v);

	if (ret)
		return ret;
	if (v[NUM] && (v[NUM0] || v[NUM1])) {
		int k = v[NUM0] ? NUM0 : NUM1;

		return board_error(b, v[k], sub(p, "link", keys[k].name),
				   "'%s' and 'num' are exclusive (num sets both vrings)",
				   keys[k].name);
	}
	if (v[NUM]) {
		ret = read_num(b, v[NUM], "link.num", &s->num[0]);
		s->num[1] = s->num[0];
	}
	if (!ret && v[NUM0])
		ret = read_num(b, v[NUM0], "link.num0", &s->num[0]);
	if (!ret && v[NUM1])
		ret = read_num(b, v[NUM1], "link.num1", &s->num[1]);
	if (!ret && v[ALIGN]) {
		ret = board_uint(b, v[ALIGN], "link.align", MIN_ALIGN, MAX_ALIGN, &value);
		if (!ret && (value & (value - 1)))
			ret = board_error(b, v[ALIGN], "link.align", "'%s' is not a power of two",
					  board_quote(quoted, v[ALIGN]));
		s->align = value;
	}
	if (!ret && v[BUF_SIZE]) {
		ret = board_uint(b, v[BUF_SIZE], "link.buf_size", MIN_BUF_SIZE, MAX_BUF_SIZE,
				 &value);
		if (!ret && value % BUF_SIZE_STEP)
			ret = board_error(b, v[BUF_SIZE], "link.buf_size",
					  "'%s' is not a multiple of %u",
					  board_quote(quoted, v[BUF_SIZE]), BUF_SIZE_STEP);
		s->buf_size = value;
	}
	if (!ret && v[FEATURES])
		ret = read_word_list(b, v[FEATURES], "link.features", 0, feature_words,
				     NUM_FEATURES, "a feature", features, &s->features);
	if (!ret && v[NEEDS])
		ret = read_word_list(b, v[NEEDS], "link.needs", 0, feature_words, NUM_FEATURES,
				     "a feature", features, &s->needs);
	/* Name the first needed feature the link does not give. */
	for (size_t i = 0; !ret && (s->needs & ~s->features) && i < board_length(v[NEEDS]); i++) {
		yaml_node_t *n = board_item(b, v[NEEDS], i);
		const struct word *w = find_word(n, feature_words, NUM_FEATURES);

		if (w && (w->value & ~s->features))
			ret = board_error(b, n, item_path(p, "link.needs", i),
					  "'%s' is not in link.features (needs must be a subset "
					  "of the features the link gives)",
					  board_quote(quoted, n));
	}
	if (!ret && v[NEEDS_RESET])
		ret = board_bool(b, v[NEEDS_RESET], "link.needs_reset", &s->needs_reset);
	return ret;
}

/* ---- the steps ---- */

static struct open_label *find_open(struct scn_ctx *c, unsigned int side, const char *label)
{
	for (unsigned int i = 0; i < c->num_open[side]; i++)
		if (!strcmp(c->open[side][i].name, label))
			return &c->open[side][i];
	return NULL;
}

/* @label (at @node) must be open on @side: the acting side's own endpoint. */
static int check_own(struct scn_ctx *c, yaml_node_t *node, const char *path, unsigned int side,
		     const char *label)
{
	const struct open_label *other = find_open(c, !side, label);

	if (find_open(c, side, label))
		return 0;
	if (other)
		return board_error(&c->b, node, path,
				   "endpoint '%s' is not open on the %s side (the %s opened it at "
				   "line %lu; 'ept' names the acting side's own endpoint)",
				   label, side_name(c, side), side_name(c, !side), other->line);
	return board_error(&c->b, node, path,
			   "endpoint '%s' is not open on the %s side (open it in an earlier step "
			   "by: %s)",
			   label, side_name(c, side), side_name(c, side));
}

/* @label (at @node) must be open on the side other than @side: a destination. */
static int check_other(struct scn_ctx *c, yaml_node_t *node, const char *path, unsigned int side,
		       const char *label)
{
	const struct open_label *own = find_open(c, side, label);

	if (find_open(c, !side, label))
		return 0;
	if (own)
		return board_error(&c->b, node, path,
				   "'%s' is the %s's own endpoint (opened at line %lu); 'to' names "
				   "an endpoint the %s opened",
				   label, side_name(c, side), own->line, side_name(c, !side));
	return board_error(&c->b, node, path,
			   "endpoint '%s' is not open on the %s side ('to' names an endpoint the "
			   "other side opened in an earlier step)",
			   label, side_name(c, !side));
}

/* The parameters of a mapping step, read into @st with their defaults. */
static int read_params(struct scn_ctx *c, yaml_node_t **v, const char *path,
		       struct ampconf_step *st)
{
	struct board_ctx *b = &c->b;
	char p[BOARD_PATH_SIZE];
	uint32_t actor = AMPCONF_PEER;
	int ret;

	switch (st->kind) {
	case AMPCONF_STEP_OPEN:
		st->addr = AMPCONF_ADDR_ANY;
		break;
	case AMPCONF_STEP_SEND:
	case AMPCONF_STEP_PINGPONG:
		st->size = DEFAULT_SIZE;
		st->count = 1;
		break;
	case AMPCONF_STEP_SERVICE:
		st->created = true;
		break;
	default:
		break;
	}
	ret = read_word(b, v[K_BY], sub(p, path, "by"), actor_words,
			sizeof(actor_words) / sizeof(actor_words[0]), "a side",
			"peer, iut, driver or device", &actor);
	st->actor = actor;
	if (!ret && v[K_BY]) {
		int names = actor >= AMPCONF_BY_DRIVER ? AMPCONF_BY_DRIVER : AMPCONF_PEER;

		if (c->names >= 0 && c->names != names)
			return board_error(b, v[K_BY], sub(p, path, "by"),
					   "a scenario names the sides either peer and iut or "
					   "driver and device, not both");
		c->names = names;
	}
	if (!ret && v[K_EPT])
		ret = read_label(b, v[K_EPT], sub(p, path, "ept"), st->ept);
	if (!ret && v[K_NAME])
		ret = read_service(b, v[K_NAME], sub(p, path, "name"), st->name);
	if (!ret && v[K_ANNOUNCE])
		ret = board_bool(b, v[K_ANNOUNCE], sub(p, path, "announce"), &st->announce);
	if (!ret && v[K_ADDR])
		ret = read_word_or_int(b, v[K_ADDR], sub(p, path, "addr"), "any", AMPCONF_ADDR_ANY,
				       MAX_FIXED_ADDR, true, &st->addr);
	if (!ret && v[K_TO])
		ret = read_label(b, v[K_TO], sub(p, path, "to"), st->to);
	if (!ret && v[K_TO_ADDR]) {
		uint64_t addr;

		ret = board_address(b, v[K_TO_ADDR], sub(p, path, "to_addr"), UINT32_MAX, &addr);
		st->to_addr = (uint32_t)addr;
	}
	if (!ret && v[K_SIZE])
		ret = read_word_or_int(b, v[K_SIZE], sub(p, path, "size"), "max", AMPCONF_SIZE_MAX,
				       MAX_PAYLOAD, false, &st->size);
	if (!ret && v[K_COUNT])
		ret = board_uint(b, v[K_COUNT], sub(p, path, "count"), 1, MAX_COUNT, &st->count);
	if (!ret && v[K_UNTIL_FULL])
		ret = board_bool(b, v[K_UNTIL_FULL], sub(p, path, "until_full"), &st->until_full);
	if (!ret && v[K_CREATED])
		ret = board_bool(b, v[K_CREATED], sub(p, path, "created"), &st->created);
	return ret;
}

/* The checks of a mapping step against the steps before it, and what it changes. */
static int check_step(struct scn_ctx *c, yaml_node_t *node, yaml_node_t **v, const char *path,
		      struct ampconf_step *st)
{
	struct board_ctx *b = &c->b;
	unsigned int side = st->actor % NUM_SIDES;
	struct open_label *label;
	char p[BOARD_PATH_SIZE];
	int ret = 0;

	switch (st->kind) {
	case AMPCONF_STEP_OPEN:
		label = find_open(c, side, st->ept);
		if (label)
			return board_error(b, v[K_EPT], sub(p, path, "ept"),
					   "endpoint '%s' is already open on the %s side (opened "
					   "at line %lu)",
					   st->ept, side_name(c, side), label->line);
		if (st->announce && !st->name[0])
			return board_error(b, v[K_ANNOUNCE], sub(p, path, "announce"),
					   "announce needs a service name ('name')");
		label = &c->open[side][c->num_open[side]++];
		memcpy(label->name, st->ept, sizeof(label->name));
		label->line = st->line;
		return 0;
	case AMPCONF_STEP_CLOSE:
		ret = check_own(c, v[K_EPT], sub(p, path, "ept"), side, st->ept);
		if (ret)
			return ret;
		label = find_open(c, side, st->ept);
		*label = c->open[side][--c->num_open[side]];
		return 0;
	case AMPCONF_STEP_SEND:
		if (v[K_TO] && v[K_TO_ADDR])
			return board_error(
				b, v[K_TO_ADDR], sub(p, path, "to_addr"),
				"'to' and 'to_addr' are exclusive (give one destination)");
		if (!v[K_TO] && !v[K_TO_ADDR])
			return board_error(b, node, path,
					   "missing a destination ('to' or 'to_addr')");
		/* fall through */
	case AMPCONF_STEP_PINGPONG:
		ret = check_own(c, v[K_EPT], sub(p, path, "ept"), side, st->ept);
		if (!ret && v[K_TO])
			ret = check_other(c, v[K_TO], sub(p, path, "to"), side, st->to);
		return ret;
	case AMPCONF_STEP_EXPECT:
		return check_own(c, v[K_EPT], sub(p, path, "ept"), side, st->ept);
	case AMPCONF_STEP_HOLD:
		if (c->held[side])
			return board_error(b, node, path,
					   "the %s is already held (hold at line %lu)",
					   side_name(c, side), c->held[side]);
		c->held[side] = st->line;
		return 0;
	case AMPCONF_STEP_RELEASE:
		if (!c->held[side])
			return board_error(b, node, path,
					   "the %s is not held (release needs an earlier hold by: "
					   "%s)",
					   side_name(c, side), side_name(c, side));
		c->held[side] = 0;
		return 0;
	default:
		return 0;
	}
}

static const struct step_def *find_step_def(const yaml_node_t *node)
{
	for (size_t i = 0; i < NUM_STEP_DEFS; i++)
		if (board_scalar_is(node, step_defs[i].name))
			return &step_defs[i];
	return NULL;
}

/* The step's kind from the scalar @node (a scalar step, or a mapping step's key). */
static int step_kind(struct board_ctx *c, yaml_node_t *node, const char *path,
		     const struct step_def **def)
{
	char quoted[BOARD_QUOTE_SIZE];
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	*def = find_step_def(node);
	if (!*def)
		return board_error(c, node, path, "unknown step '%s' (expected " STEP_KINDS ")",
				   board_quote(quoted, node));
	return 0;
}

static int parse_step(struct scn_ctx *c, yaml_node_t *node, const char *path,
		      struct ampconf_step *st)
{
	struct board_ctx *b = &c->b;
	const struct step_def *def = NULL;
	struct board_key keys[NUM_KEYS];
	yaml_node_t *found[NUM_KEYS], *v[NUM_KEYS] = {NULL};
	char p[BOARD_PATH_SIZE];
	size_t n = 0;
	int ret;

	st->line = (unsigned int)board_line(node);
	if (node->type == YAML_SCALAR_NODE) {
		ret = step_kind(b, node, path, &def);
		if (ret)
			return ret;
		if (def->keys)
			return board_error(b, node, path,
					   "step '%s' needs parameters (write '%s: {by: ...}')",
					   def->name, def->name);
		st->kind = def->kind;
		return 0;
	}
	if (node->type != YAML_MAPPING_NODE)
		return board_error(b, node, path,
				   "expected a step (a word such as 'start', or a mapping with one "
				   "key such as 'open: {...}'), found a sequence");
	if (board_length(node) != 1)
		return board_error(b, node, path,
				   "a step is a mapping with exactly one key (its kind), found %zu",
				   board_length(node));
	ret = step_kind(b, board_pair_key(b, node, 0), path, &def);
	if (ret)
		return ret;
	if (!def->keys)
		return board_error(b, board_pair_key(b, node, 0), path,
				   "step '%s' takes no parameters (write '- %s')", def->name,
				   def->name);
	st->kind = def->kind;
	sub(p, path, def->name);
	for (int k = 0; k < NUM_KEYS; k++)
		if (def->keys & KEY(k))
			keys[n++] = (struct board_key){key_names[k], (def->required & KEY(k)) != 0};
	ret = board_mapping(b, board_pair_value(b, node, 0), p, keys, n, found);
	if (ret)
		return ret;
	n = 0;
	for (int k = 0; k < NUM_KEYS; k++)
		if (def->keys & KEY(k))
			v[k] = found[n++];
	ret = read_params(c, v, p, st);
	if (!ret)
		ret = check_step(c, board_pair_value(b, node, 0), v, p, st);
	return ret;
}

static int parse_steps(struct scn_ctx *c, yaml_node_t *node)
{
	char item[BOARD_PATH_SIZE];
	int ret = board_sequence(&c->b, node, "steps", 1, AMPCONF_MAX_STEPS);

	for (size_t i = 0; !ret && i < board_length(node); i++) {
		ret = parse_step(c, board_item(&c->b, node, i), item_path(item, "steps", i),
				 &c->s->step[i]);
		if (!ret)
			c->s->nsteps = (unsigned int)i + 1;
	}
	return ret;
}

static int parse_top(struct scn_ctx *c, yaml_node_t *root)
{
	enum { SUMMARY, ROLES, RULES, LINK, STEPS, KEYS };
	static const struct board_key keys[] = {
		{"summary", true}, {"roles", false}, {"rules", true},
		{"link", false},   {"steps", true},
	};
	struct ampconf_scenario *s = c->s;
	yaml_node_t *v[KEYS];
	uint32_t roles;
	int ret = board_mapping(&c->b, root, "", keys, KEYS, v);

	if (ret)
		return ret;
	s->roles = (1u << AMPCONF_DRIVER) | (1u << AMPCONF_DEVICE);
	s->features = AMPCONF_F_NS;
	s->num[0] = s->num[1] = DEFAULT_NUM;
	s->align = DEFAULT_ALIGN;
	s->buf_size = DEFAULT_BUF_SIZE;
	ret = parse_summary(c, v[SUMMARY]);
	if (!ret && v[ROLES]) {
		ret = read_word_list(&c->b, v[ROLES], "roles", 1, role_words,
				     sizeof(role_words) / sizeof(role_words[0]), "a role",
				     "driver or device", &roles);
		s->roles = roles;
	}
	if (!ret)
		ret = parse_rules(c, v[RULES]);
	if (!ret && v[LINK])
		ret = parse_link(c, v[LINK]);
	if (!ret)
		ret = parse_steps(c, v[STEPS]);
	return ret;
}

/* The scenario's name: the file's stem. */
static int set_name(struct scn_ctx *c, const char *path)
{
	static const char suffix[] = ".yaml";
	const char *base = strrchr(path, '/');
	size_t len;
	bool ok;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len >= sizeof(suffix) - 1 && !strcmp(base + len - (sizeof(suffix) - 1), suffix))
		len -= sizeof(suffix) - 1;
	ok = len >= 1 && len < AMPCONF_NAME_SIZE;
	for (size_t i = 0; ok && i < len; i++)
		ok = is_name_char((unsigned char)base[i]);
	if (!ok)
		return board_error_at(&c->b, 1, 1, "",
				      "the file's stem '%.*s%s' is not a valid scenario name (1 to "
				      "31 of A-Z a-z 0-9 _ . -)",
				      (int)(len < BOARD_QUOTE_SHOWN ? len : BOARD_QUOTE_SHOWN),
				      base, len > BOARD_QUOTE_SHOWN ? "..." : "");
	memcpy(c->s->name, base, len);
	c->s->name[len] = '\0';
	return 0;
}

/**
 * ampsim_scenario_load() - read and check a scenario file
 * @path: the file; its stem is the scenario's name
 * @out: filled in on success, all zero on failure
 * @err: one line "FILE:LINE:COL: PATH: message", or "FILE: cannot read the scenario file: why"
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL, -ENOMEM, or the negative errno of reading the file.
 */
int ampsim_scenario_load(const char *path, struct ampconf_scenario *out, char *err, size_t errlen)
{
	/* About 5 KiB of label tables: on the heap, not on a caller's stack. */
	struct scn_ctx *c = calloc(1, sizeof(*c));
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	char *text = NULL;
	size_t len = 0;
	bool parser_ready = false, doc_ready = false;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!c)
		return board_file_error(path, "scenario file", err, errlen, -ENOMEM,
					strerror(ENOMEM));
	c->b = (struct board_ctx){
		.board = NULL, .doc = &doc, .file = path, .err = err, .errlen = errlen};
	c->s = out;
	c->names = -1;
	ret = board_read_file(path, "scenario file", &text, &len, err, errlen);
	if (ret)
		goto out;
	ret = set_name(c, path);
	if (ret)
		goto out;
	ret = board_check_events(&c->b, text, len, "scenario file", "scenario", NEEDED_DEPTH);
	if (ret)
		goto out;
	if (!yaml_parser_initialize(&parser)) {
		board_error_at(&c->b, 1, 1, "", "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	parser_ready = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = board_syntax_error(&c->b, &parser, text, len);
		goto out;
	}
	doc_ready = true;
	root = yaml_document_get_root_node(&doc);
	if (!root)
		ret = board_error_at(&c->b, 1, 1, "",
				     "empty scenario file (expected a mapping with summary, rules "
				     "and steps)");
	else
		ret = parse_top(c, root);
out:
	if (doc_ready)
		yaml_document_delete(&doc);
	if (parser_ready)
		yaml_parser_delete(&parser);
	free(text);
	free(c);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}
