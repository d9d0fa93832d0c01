// SPDX-License-Identifier: BSD-3-Clause
/*
 * The board file's entries, read into &struct ampsim_board: the top level, the host, the cores,
 * the memories and the mailboxes, in this order whatever the file's order, so that a memory's
 * views and a mailbox's wiring can name cores. Checks that need one entry (and the names before
 * it) are made here; the ones across entries are in board_check.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board_internal.h"

#define DEFAULT_HOST_NAME   "host"
#define DEFAULT_QUANTUM     10000u
#define DEFAULT_IRQS        64u
#define DEFAULT_WATCHDOG_HZ 32768u /* SP805's usual WDOGCLK, a 32 kHz crystal */
#define DEFAULT_FIFOS       8u     /* OMAP4's system mailbox */
#define DEFAULT_USERS       3u
#define DEFAULT_DEPTH       4u
/*
 * A time slice below 100 instructions spends more on switching than on running; above ten
 * million the cores drift too far apart for a kick's latency to mean anything.
 */
#define MIN_QUANTUM 100u
#define MAX_QUANTUM 10000000u
/* FIFO, user and line numbers are read whole, then checked against their mailbox or core. */
#define ANY_NUMBER UINT32_MAX

/**
 * enum name_kind - what a name belongs to (names are unique across all of them)
 * @NAME_HOST: the host
 * @NAME_CORE: a core
 * @NAME_MEMORY: a memory
 * @NAME_MAILBOX: a mailbox
 */
enum name_kind {
	NAME_HOST,
	NAME_CORE,
	NAME_MEMORY,
	NAME_MAILBOX,
};

static const char *sub(char buf[BOARD_PATH_SIZE], const char *path, const char *key)
{
	return board_path(buf, "%s%s%s", path, *path ? "." : "", key);
}

static const char *item_path(char buf[BOARD_PATH_SIZE], const char *path, size_t index)
{
	return board_path(buf, "%s[%zu]", path, index);
}

/* The name node of an entry and its path; NULL for the host when it has its default name. */
static yaml_node_t *name_node(struct board_ctx *c, enum name_kind kind, size_t index,
			      char path[BOARD_PATH_SIZE])
{
	static const char *const lists[] = {"host", "cores", "memories", "mailboxes"};
	yaml_node_t *entry = kind == NAME_CORE      ? c->core[index]
			     : kind == NAME_MEMORY  ? c->memory[index]
			     : kind == NAME_MAILBOX ? c->mailbox[index]
						    : c->host;

	if (kind == NAME_HOST)
		board_path(path, "host.name");
	else
		board_path(path, "%s[%zu].name", lists[kind], index);
	return board_child(c, entry, "name");
}

static const char *entry_name(const struct ampsim_board *b, enum name_kind kind, size_t index)
{
	switch (kind) {
	case NAME_CORE:
		return b->cores[index].name;
	case NAME_MEMORY:
		return b->memories[index].name;
	case NAME_MAILBOX:
		return b->mailboxes[index].name;
	default:
		return b->host_name;
	}
}

/*
 * The new entry's name (@kind, @index) against every name read before it (the host, the cores,
 * the memories, the mailboxes, in this order). A clash is reported at whichever of the two comes
 * later in the file, naming the other.
 */
static int check_unique_name(struct board_ctx *c, enum name_kind kind, size_t index)
{
	static const char *const kinds[] = {"the host", "core", "memory", "mailbox"};
	const struct ampsim_board *b = c->board;
	/* Entries read so far: the new one is not counted yet. */
	const unsigned int counts[] = {1, b->num_cores, b->num_memories, b->num_mailboxes};
	const char *name = entry_name(b, kind, index);
	char path[BOARD_PATH_SIZE], other_path[BOARD_PATH_SIZE];
	yaml_node_t *self = name_node(c, kind, index, path), *other;

	for (int k = NAME_HOST; k <= (int)kind; k++) {
		for (size_t i = 0; i < counts[k]; i++) {
			if (strcmp(entry_name(b, (enum name_kind)k, i), name))
				continue;
			other = name_node(c, (enum name_kind)k, i, other_path);
			if (!other)
				return board_error(c, self, path,
						   "duplicate name '%s' (the host's default name)",
						   name);
			if (other->start_mark.index > self->start_mark.index)
				return board_error(c, other, other_path,
						   "duplicate name '%s' (%s at line %lu)", name,
						   kinds[kind], board_line(self));
			return board_error(c, self, path, "duplicate name '%s' (%s at line %lu)",
					   name, kinds[k], board_line(other));
		}
	}
	return 0;
}

static void list_cores(const struct ampsim_board *b, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < b->num_cores && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", b->cores[i].name);
}

/* A core by the name in @node, or an error naming the cores (and the host, for irq `to`). */
static int find_core_node(struct board_ctx *c, yaml_node_t *node, const char *path,
			  bool host_allowed, int *core)
{
	char name[AMPSIM_BOARD_NAME_SIZE], quoted[BOARD_QUOTE_SIZE], cores[320];
	int ret = board_name(c, node, path, name);

	if (ret)
		return ret;
	*core = ampsim_board_find_core(c->board, name);
	if (*core >= 0)
		return 0;
	if (host_allowed && !strcmp(name, c->board->host_name)) {
		*core = AMPSIM_BOARD_HOST;
		return 0;
	}
	list_cores(c->board, cores, sizeof(cores));
	if (host_allowed)
		return board_error(c, node, path, "unknown core '%s' (expected %s or a core: %s)",
				   board_quote(quoted, node), c->board->host_name, cores);
	if (!strcmp(name, c->board->host_name))
		return board_error(c, node, path,
				   "unknown core '%s' (the host's base is the 'host' key)",
				   board_quote(quoted, node));
	return board_error(c, node, path, "unknown core '%s' (cores: %s)",
			   board_quote(quoted, node), cores);
}

/* `views: {CORE: BASE, ...}` of a memory or mailbox at @path. */
static int parse_views(struct board_ctx *c, yaml_node_t *node, const char *path,
		       struct ampsim_board_view *views, unsigned int *num_views)
{
	char sub_path[BOARD_PATH_SIZE];
	uint64_t base;
	int ret;

	*num_views = 0;
	ret = board_expect(c, node, path, YAML_MAPPING_NODE);
	if (ret)
		return ret;
	for (size_t i = 0; i < board_length(node); i++) {
		yaml_node_t *key = board_pair_key(c, node, i);
		int core;

		ret = find_core_node(c, key, path, false, &core);
		if (ret)
			return ret;
		for (size_t j = 0; j < i; j++)
			if (views[j].core == core)
				return board_error(c, key, path,
						   "duplicate key '%s' (first at line %lu)",
						   c->board->cores[core].name,
						   board_line(board_pair_key(c, node, j)));
		ret = board_address(c, board_pair_value(c, node, i),
				    sub(sub_path, path, c->board->cores[core].name), UINT32_MAX,
				    &base);
		if (ret)
			return ret;
		views[i] = (struct ampsim_board_view){.core = core, .base = (uint32_t)base};
		*num_views = (unsigned int)i + 1;
	}
	return 0;
}

/* @line must be one of core @core's interrupt lines (0..irqs-1). */
static int check_line(struct board_ctx *c, yaml_node_t *node, const char *path, int core,
		      unsigned int line)
{
	const struct ampsim_board_core *co = &c->board->cores[core];

	if (line < co->irqs)
		return 0;
	return board_error(c, node, path,
			   "interrupt line %u does not exist (core '%s' has %u, 0..%u)", line,
			   co->name, co->irqs, co->irqs - 1);
}

/* `uart: {base, irq}` or `watchdog: {base, irq, clock}` of core @core. */
static int parse_device(struct board_ctx *c, yaml_node_t *node, const char *path, int core,
			bool watchdog)
{
	static const struct board_key keys[] = {{"base", true}, {"irq", true}, {"clock", false}};
	struct ampsim_board_core *co = &c->board->cores[core];
	yaml_node_t *v[3];
	char p[BOARD_PATH_SIZE];
	uint64_t base, hz = DEFAULT_WATCHDOG_HZ;
	unsigned int irq;
	int ret = board_mapping(c, node, path, keys, watchdog ? 3 : 2, v);

	if (!ret)
		ret = board_address(c, v[0], sub(p, path, "base"), UINT32_MAX, &base);
	if (!ret)
		ret = board_uint(c, v[1], sub(p, path, "irq"), 0, ANY_NUMBER, &irq);
	if (!ret)
		ret = check_line(c, v[1], p, core, irq);
	if (!ret && watchdog && v[2])
		ret = board_frequency(c, v[2], sub(p, path, "clock"), &hz);
	if (ret)
		return ret;
	if (watchdog)
		co->watchdog = (struct ampsim_board_watchdog){
			.present = true, .base = (uint32_t)base, .irq = irq, .clock_hz = hz};
	else
		co->uart = (struct ampsim_board_uart){
			.present = true, .base = (uint32_t)base, .irq = irq};
	return 0;
}

/* `kick: {mailbox, host-to-core, core-to-host}`; the mailbox is resolved in board_check.c. */
static int parse_kick(struct board_ctx *c, yaml_node_t *node, const char *path,
		      struct ampsim_board_kick *kick)
{
	static const struct board_key keys[] = {
		{"mailbox", true}, {"host-to-core", true}, {"core-to-host", true}};
	char p[BOARD_PATH_SIZE], mailbox[AMPSIM_BOARD_NAME_SIZE];
	yaml_node_t *v[3];
	int ret = board_mapping(c, node, path, keys, 3, v);

	if (!ret)
		ret = board_name(c, v[0], sub(p, path, "mailbox"), mailbox);
	if (!ret)
		ret = board_uint(c, v[1], sub(p, path, "host-to-core"), 0, ANY_NUMBER,
				 &kick->host_to_core);
	if (!ret)
		ret = board_uint(c, v[2], sub(p, path, "core-to-host"), 0, ANY_NUMBER,
				 &kick->core_to_host);
	kick->present = !ret;
	return ret;
}

static int parse_core_type(struct board_ctx *c, yaml_node_t *node, const char *path,
			   enum ampsim_board_core_type *type)
{
	char quoted[BOARD_QUOTE_SIZE];
	int ret = board_expect(c, node, path, YAML_SCALAR_NODE);

	if (ret)
		return ret;
	if (board_scalar_is(node, "cortex-m3"))
		*type = AMPSIM_BOARD_CORTEX_M3;
	else if (board_scalar_is(node, "cortex-m4"))
		*type = AMPSIM_BOARD_CORTEX_M4;
	else
		return board_error(c, node, path,
				   "'%s' is not a core type (expected cortex-m3 or cortex-m4)",
				   board_quote(quoted, node));
	return 0;
}

static int parse_core(struct board_ctx *c, yaml_node_t *node, const char *path, int index)
{
	enum { NAME, TYPE, CLOCK, QUANTUM, IRQS, FIRMWARE, UART, WATCHDOG, KICK, KEYS };
	static const struct board_key keys[] = {
		{"name", true},     {"type", true},      {"clock", true},
		{"quantum", false}, {"irqs", false},     {"firmware", false},
		{"uart", false},    {"watchdog", false}, {"kick", false},
	};
	struct ampsim_board_core *co = &c->board->cores[index];
	char p[BOARD_PATH_SIZE];
	yaml_node_t *v[KEYS];
	int ret = board_mapping(c, node, path, keys, KEYS, v);

	if (ret)
		return ret;
	memset(co, 0, sizeof(*co));
	co->quantum = DEFAULT_QUANTUM;
	co->irqs = DEFAULT_IRQS;
	ret = board_name(c, v[NAME], sub(p, path, "name"), co->name);
	if (!ret)
		ret = check_unique_name(c, NAME_CORE, (size_t)index);
	if (!ret)
		ret = parse_core_type(c, v[TYPE], sub(p, path, "type"), &co->type);
	if (!ret)
		ret = board_frequency(c, v[CLOCK], sub(p, path, "clock"), &co->clock_hz);
	if (!ret && v[QUANTUM])
		ret = board_uint(c, v[QUANTUM], sub(p, path, "quantum"), MIN_QUANTUM, MAX_QUANTUM,
				 &co->quantum);
	if (!ret && v[IRQS])
		ret = board_uint(c, v[IRQS], sub(p, path, "irqs"), 1, AMPSIM_BOARD_MAX_IRQS,
				 &co->irqs);
	if (!ret && v[FIRMWARE])
		ret = board_text(c, v[FIRMWARE], sub(p, path, "firmware"), co->firmware,
				 sizeof(co->firmware), true);
	if (!ret && v[UART])
		ret = parse_device(c, v[UART], sub(p, path, "uart"), index, false);
	if (!ret && v[WATCHDOG])
		ret = parse_device(c, v[WATCHDOG], sub(p, path, "watchdog"), index, true);
	if (!ret && v[KICK])
		ret = parse_kick(c, v[KICK], sub(p, path, "kick"), &co->kick);
	return ret;
}

static int parse_memory(struct board_ctx *c, yaml_node_t *node, const char *path, int index)
{
	enum { NAME, SIZE, HOST, VIEWS, POOL, KEYS };
	static const struct board_key keys[] = {
		{"name", true}, {"size", true}, {"host", false}, {"views", false}, {"pool", false},
	};
	struct ampsim_board_memory *m = &c->board->memories[index];
	char p[BOARD_PATH_SIZE];
	yaml_node_t *v[KEYS];
	int ret = board_mapping(c, node, path, keys, KEYS, v);

	if (ret)
		return ret;
	memset(m, 0, sizeof(*m));
	ret = board_name(c, v[NAME], sub(p, path, "name"), m->name);
	if (!ret)
		ret = check_unique_name(c, NAME_MEMORY, (size_t)index);
	if (!ret)
		ret = board_size(c, v[SIZE], sub(p, path, "size"), &m->size);
	m->has_host = v[HOST] != NULL;
	if (!ret && v[HOST])
		ret = board_address(c, v[HOST], sub(p, path, "host"), UINT64_MAX, &m->host_base);
	if (!ret && v[VIEWS])
		ret = parse_views(c, v[VIEWS], sub(p, path, "views"), m->views, &m->num_views);
	if (!ret && v[POOL])
		ret = board_bool(c, v[POOL], sub(p, path, "pool"), &m->pool);
	if (!ret && m->pool && !m->has_host)
		ret = board_error(c, v[POOL], p,
				  "pool memory '%s' has no host base (the host allocates vrings "
				  "and buffers in it)",
				  m->name);
	return ret;
}

/* Is the mailbox in that target's view? */
static bool sees_mailbox(const struct ampsim_board_mailbox *mb, int core)
{
	if (core == AMPSIM_BOARD_HOST)
		return mb->has_host;
	for (unsigned int i = 0; i < mb->num_views; i++)
		if (mb->views[i].core == core)
			return true;
	return false;
}

static const char *target_name(const struct ampsim_board *b, int core, char *buf, size_t size)
{
	if (core == AMPSIM_BOARD_HOST)
		snprintf(buf, size, "the host");
	else
		snprintf(buf, size, "core '%s'", b->cores[core].name);
	return buf;
}

/* One entry `{user, to, line}` of a mailbox's `irq` list; the entries before it are in @mb. */
static int parse_irq(struct board_ctx *c, yaml_node_t *node, const char *path,
		     struct ampsim_board_mailbox *mb, yaml_node_t *list)
{
	enum { USER, TO, LINE, KEYS };
	static const struct board_key keys[] = {{"user", true}, {"to", true}, {"line", false}};
	struct ampsim_board_irq *irq = &mb->irqs[mb->num_irqs];
	char p[BOARD_PATH_SIZE], target[64];
	yaml_node_t *v[KEYS];
	int ret = board_mapping(c, node, path, keys, KEYS, v);

	if (!ret)
		ret = board_uint(c, v[USER], sub(p, path, "user"), 0, ANY_NUMBER, &irq->user);
	if (ret)
		return ret;
	if (irq->user >= mb->users)
		return board_error(c, v[USER], p,
				   "user %u does not exist (mailbox '%s' has %u users, 0..%u)",
				   irq->user, mb->name, mb->users, mb->users - 1);
	for (unsigned int i = 0; i < mb->num_irqs; i++)
		if (mb->irqs[i].user == irq->user)
			return board_error(c, v[USER], p,
					   "user %u is wired twice (first at line %lu)", irq->user,
					   board_line(board_item(c, list, i)));
	ret = find_core_node(c, v[TO], sub(p, path, "to"), true, &irq->core);
	if (ret)
		return ret;
	target_name(c->board, irq->core, target, sizeof(target));
	if (!sees_mailbox(mb, irq->core))
		return board_error(c, v[TO], p, "%s does not see mailbox '%s' (%s)", target,
				   mb->name,
				   irq->core == AMPSIM_BOARD_HOST ? "give the mailbox a 'host' base"
								  : "add the core to its views");
	for (unsigned int i = 0; i < mb->num_irqs; i++)
		if (mb->irqs[i].core == irq->core)
			return board_error(c, v[TO], p, "%s already has user %u (at line %lu)",
					   target, mb->irqs[i].user,
					   board_line(board_item(c, list, i)));
	irq->line = 0;
	if (irq->core == AMPSIM_BOARD_HOST && v[LINE])
		return board_error(c, v[LINE], sub(p, path, "line"),
				   "the host takes no line (give 'line' only for a core)");
	if (irq->core != AMPSIM_BOARD_HOST && !v[LINE])
		return board_error(c, node, path, "missing required key 'line' (for %s)", target);
	if (v[LINE]) {
		ret = board_uint(c, v[LINE], sub(p, path, "line"), 0, ANY_NUMBER, &irq->line);
		if (!ret)
			ret = check_line(c, v[LINE], p, irq->core, irq->line);
		if (ret)
			return ret;
	}
	mb->num_irqs++;
	return 0;
}

static int parse_mailbox(struct board_ctx *c, yaml_node_t *node, const char *path, int index)
{
	enum { NAME, HOST, VIEWS, FIFOS, USERS, DEPTH, IRQ, KEYS };
	static const struct board_key keys[] = {
		{"name", true},   {"host", false},  {"views", false}, {"fifos", false},
		{"users", false}, {"depth", false}, {"irq", false},
	};
	struct ampsim_board_mailbox *mb = &c->board->mailboxes[index];
	char p[BOARD_PATH_SIZE], item[BOARD_PATH_SIZE];
	yaml_node_t *v[KEYS];
	int ret = board_mapping(c, node, path, keys, KEYS, v);

	if (ret)
		return ret;
	memset(mb, 0, sizeof(*mb));
	mb->fifos = DEFAULT_FIFOS;
	mb->users = DEFAULT_USERS;
	mb->depth = DEFAULT_DEPTH;
	ret = board_name(c, v[NAME], sub(p, path, "name"), mb->name);
	if (!ret)
		ret = check_unique_name(c, NAME_MAILBOX, (size_t)index);
	mb->has_host = v[HOST] != NULL;
	if (!ret && v[HOST])
		ret = board_address(c, v[HOST], sub(p, path, "host"), UINT64_MAX, &mb->host_base);
	if (!ret && v[VIEWS])
		ret = parse_views(c, v[VIEWS], sub(p, path, "views"), mb->views, &mb->num_views);
	if (!ret && v[FIFOS])
		ret = board_uint(c, v[FIFOS], sub(p, path, "fifos"), 1, AMPSIM_BOARD_MAX_FIFOS,
				 &mb->fifos);
	if (!ret && v[USERS])
		ret = board_uint(c, v[USERS], sub(p, path, "users"), 1, AMPSIM_BOARD_MAX_USERS,
				 &mb->users);
	if (!ret && v[DEPTH])
		ret = board_uint(c, v[DEPTH], sub(p, path, "depth"), 1, AMPSIM_BOARD_MAX_DEPTH,
				 &mb->depth);
	if (!ret && v[IRQ])
		ret = board_sequence(c, v[IRQ], sub(p, path, "irq"), 0, AMPSIM_BOARD_MAX_USERS);
	for (size_t i = 0; !ret && v[IRQ] && i < board_length(v[IRQ]); i++)
		ret = parse_irq(c, board_item(c, v[IRQ], i), item_path(item, p, i), mb, v[IRQ]);
	return ret;
}

static int parse_host(struct board_ctx *c, yaml_node_t *node)
{
	static const struct board_key keys[] = {{"name", false}};
	yaml_node_t *name;
	int ret = board_mapping(c, node, "host", keys, 1, &name);

	if (!ret && name)
		ret = board_name(c, name, "host.name", c->board->host_name);
	return ret;
}

/* Each entry of the sequence @seq at @path through @parse, after its length is checked. */
static int parse_list(struct board_ctx *c, yaml_node_t *seq, const char *path, size_t min,
		      size_t max, yaml_node_t **nodes, unsigned int *count,
		      int (*parse)(struct board_ctx *, yaml_node_t *, const char *, int))
{
	char item[BOARD_PATH_SIZE];
	int ret = board_sequence(c, seq, path, min, max);

	for (size_t i = 0; !ret && i < board_length(seq); i++) {
		nodes[i] = board_item(c, seq, i);
		ret = parse(c, nodes[i], item_path(item, path, i), (int)i);
		if (!ret)
			*count = (unsigned int)i + 1;
	}
	return ret;
}

/**
 * board_parse_top() - read the whole document into the board
 * @c: the parse; @c->board is cleared here
 * @root: the document's root node
 *
 * Return: 0 or -EINVAL.
 */
int board_parse_top(struct board_ctx *c, yaml_node_t *root)
{
	enum { BOARD, DESCRIPTION, HOST, CORES, MEMORIES, MAILBOXES, KEYS };
	static const struct board_key keys[] = {
		{"board", true}, {"description", false}, {"host", false},
		{"cores", true}, {"memories", true},     {"mailboxes", false},
	};
	struct ampsim_board *b = c->board;
	yaml_node_t *v[KEYS];
	int ret = board_mapping(c, root, "", keys, KEYS, v);

	if (ret)
		return ret;
	memset(b, 0, sizeof(*b));
	snprintf(b->host_name, sizeof(b->host_name), DEFAULT_HOST_NAME);
	ret = board_name(c, v[BOARD], "board", b->name);
	if (!ret && v[DESCRIPTION])
		ret = board_text(c, v[DESCRIPTION], "description", b->description,
				 sizeof(b->description), false);
	c->host = v[HOST];
	if (!ret && v[HOST])
		ret = parse_host(c, v[HOST]);
	if (!ret)
		ret = parse_list(c, v[CORES], "cores", 1, AMPSIM_BOARD_MAX_CORES, c->core,
				 &b->num_cores, parse_core);
	if (!ret)
		ret = parse_list(c, v[MEMORIES], "memories", 1, AMPSIM_BOARD_MAX_MEMORIES,
				 c->memory, &b->num_memories, parse_memory);
	if (!ret && v[MAILBOXES])
		ret = parse_list(c, v[MAILBOXES], "mailboxes", 0, AMPSIM_BOARD_MAX_MAILBOXES,
				 c->mailbox, &b->num_mailboxes, parse_mailbox);
	return ret;
}
