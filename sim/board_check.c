// SPDX-License-Identifier: BSD-3-Clause
/*
 * Checks across the board's entries, after every entry was read: each core's kick against its
 * mailbox, the interrupt lines of every core, the address windows of every view, and that each
 * core has memory (and a pool, when it kicks). A problem between two entries is reported at the
 * one that comes later in the file, naming the earlier one with its line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_internal.h"

/* A core's view is 32-bit; the host's is 64-bit. */
#define CORE_VIEW_END (1ull << 32)
/* Every window: each memory in the host and each core view, each mailbox likewise, UART, watchdog.
 */
#define MAX_REGIONS                                                                                \
	((AMPSIM_BOARD_MAX_MEMORIES + AMPSIM_BOARD_MAX_MAILBOXES) * (1 + AMPSIM_BOARD_MAX_CORES) + \
	 2 * AMPSIM_BOARD_MAX_CORES)
/* Interrupt sources: a UART and a watchdog per core, a wired user per mailbox user. */
#define MAX_SOURCES                                                                                \
	(2 * AMPSIM_BOARD_MAX_CORES + AMPSIM_BOARD_MAX_MAILBOXES * AMPSIM_BOARD_MAX_USERS)
#define TEXT_SIZE 96

/**
 * enum block_kind - what a window or an interrupt source belongs to
 * @BLOCK_MEMORY: a memory (owner: its index)
 * @BLOCK_MAILBOX: a mailbox (owner: its index)
 * @BLOCK_UART: a core's UART (owner: the core)
 * @BLOCK_WATCHDOG: a core's watchdog (owner: the core)
 */
enum block_kind {
	BLOCK_MEMORY,
	BLOCK_MAILBOX,
	BLOCK_UART,
	BLOCK_WATCHDOG,
};

/**
 * struct region - one window of one view
 * @base: first address
 * @size: bytes
 * @view: AMPSIM_BOARD_HOST or the core whose view it is in
 * @kind: what it is
 * @owner: index of the memory, mailbox or core
 * @at: the node giving @base
 * @seq: collection order
 */
struct region {
	uint64_t base;
	uint64_t size;
	int view;
	enum block_kind kind;
	unsigned int owner;
	yaml_node_t *at;
	size_t seq;
};

/**
 * struct irq_source - something that drives one interrupt line of a core
 * @core: the core
 * @line: its line
 * @kind: a mailbox (one of its users), a UART or a watchdog
 * @owner: index of the mailbox or core
 * @user: the mailbox user (for BLOCK_MAILBOX)
 * @wiring: index into the mailbox's irq list (for BLOCK_MAILBOX)
 * @at: the node giving @line
 * @seq: collection order
 */
struct irq_source {
	int core;
	unsigned int line;
	enum block_kind kind;
	unsigned int owner;
	unsigned int user;
	unsigned int wiring;
	yaml_node_t *at;
	size_t seq;
};

static const char *core_name(struct board_ctx *c, int core)
{
	return c->board->cores[core].name;
}

/* "memory 'x'", "mailbox 'x'", "the UART of core 'x'" or "the watchdog of core 'x'". */
static const char *describe(struct board_ctx *c, enum block_kind kind, unsigned int owner,
			    char buf[TEXT_SIZE])
{
	switch (kind) {
	case BLOCK_MEMORY:
		snprintf(buf, TEXT_SIZE, "memory '%s'", c->board->memories[owner].name);
		break;
	case BLOCK_MAILBOX:
		snprintf(buf, TEXT_SIZE, "mailbox '%s'", c->board->mailboxes[owner].name);
		break;
	default:
		snprintf(buf, TEXT_SIZE, "the %s of core '%s'",
			 kind == BLOCK_UART ? "UART" : "watchdog", core_name(c, (int)owner));
	}
	return buf;
}

static const char *view_name(struct board_ctx *c, int view, char buf[TEXT_SIZE])
{
	if (view == AMPSIM_BOARD_HOST)
		snprintf(buf, TEXT_SIZE, "the host view");
	else
		snprintf(buf, TEXT_SIZE, "the view of core '%s'", core_name(c, view));
	return buf;
}

static const char *region_path(struct board_ctx *c, const struct region *r,
			       char buf[BOARD_PATH_SIZE])
{
	const char *list = r->kind == BLOCK_MEMORY ? "memories" : "mailboxes";

	if (r->kind == BLOCK_UART || r->kind == BLOCK_WATCHDOG)
		board_path(buf, "cores[%u].%s.base", r->owner,
			   r->kind == BLOCK_UART ? "uart" : "watchdog");
	else if (r->view == AMPSIM_BOARD_HOST)
		board_path(buf, "%s[%u].host", list, r->owner);
	else
		board_path(buf, "%s[%u].views.%s", list, r->owner, core_name(c, r->view));
	return buf;
}

/* FIFO @fifo read from @node must exist in mailbox @mb. */
static int check_fifo(struct board_ctx *c, yaml_node_t *node, const char *path,
		      const struct ampsim_board_mailbox *mb, unsigned int fifo)
{
	if (fifo < mb->fifos)
		return 0;
	return board_error(c, node, path,
			   "FIFO %u does not exist (mailbox '%s' has %u FIFOs, 0..%u)", fifo,
			   mb->name, mb->fifos, mb->fifos - 1);
}

/* Neither FIFO of core @core's kick may be one an earlier core's kick on the mailbox uses. */
static int check_fifo_shared(struct board_ctx *c, int core, yaml_node_t *kick_node,
			     const char *path)
{
	static const char *const keys[] = {"host-to-core", "core-to-host"};
	const struct ampsim_board_kick *kick = &c->board->cores[core].kick;
	const unsigned int fifos[] = {kick->host_to_core, kick->core_to_host};
	char p[BOARD_PATH_SIZE];

	for (int other = 0; other < core; other++) {
		const struct ampsim_board_kick *ok = &c->board->cores[other].kick;

		if (!ok->present || ok->mailbox != kick->mailbox)
			continue;
		for (int k = 0; k < 2; k++) {
			if (fifos[k] != ok->host_to_core && fifos[k] != ok->core_to_host)
				continue;
			board_path(p, "%s.%s", path, keys[k]);
			return board_error(c, board_child(c, kick_node, keys[k]), p,
					   "FIFO %u of mailbox '%s' is already used by the kick of "
					   "core '%s' (at line %lu)",
					   fifos[k], c->board->mailboxes[kick->mailbox].name,
					   core_name(c, other),
					   board_line(board_child(c, c->core[other], "kick")));
		}
	}
	return 0;
}

/* The mailbox user wired to @target, or -1. */
static int wired_user(const struct ampsim_board_mailbox *mb, int target)
{
	for (unsigned int i = 0; i < mb->num_irqs; i++)
		if (mb->irqs[i].core == target)
			return (int)i;
	return -1;
}

static int resolve_kick(struct board_ctx *c, int core)
{
	struct ampsim_board *b = c->board;
	struct ampsim_board_kick *kick = &b->cores[core].kick;
	yaml_node_t *node = board_child(c, c->core[core], "kick");
	yaml_node_t *name = board_child(c, node, "mailbox");
	const struct ampsim_board_mailbox *mb;
	char path[BOARD_PATH_SIZE], p[BOARD_PATH_SIZE], list[320] = "", quoted[BOARD_QUOTE_SIZE];
	size_t n = 0;
	int core_irq, host_irq, ret;

	board_path(path, "cores[%d].kick", core);
	for (kick->mailbox = 0; kick->mailbox < (int)b->num_mailboxes; kick->mailbox++)
		if (board_scalar_is(name, b->mailboxes[kick->mailbox].name))
			break;
	if (kick->mailbox == (int)b->num_mailboxes) {
		for (unsigned int i = 0; i < b->num_mailboxes && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
					      b->mailboxes[i].name);
		board_path(p, "%s.mailbox", path);
		return board_error(
			c, name, p, "unknown mailbox '%s' (%s%s)", board_quote(quoted, name),
			b->num_mailboxes ? "mailboxes: " : "the board has no mailboxes", list);
	}
	mb = &b->mailboxes[kick->mailbox];
	board_path(p, "%s.host-to-core", path);
	ret = check_fifo(c, board_child(c, node, "host-to-core"), p, mb, kick->host_to_core);
	board_path(p, "%s.core-to-host", path);
	if (!ret)
		ret = check_fifo(c, board_child(c, node, "core-to-host"), p, mb,
				 kick->core_to_host);
	if (!ret && kick->host_to_core == kick->core_to_host)
		ret = board_error(
			c, board_child(c, node, "core-to-host"), p,
			"FIFO %u is also host-to-core (each direction needs its own FIFO)",
			kick->core_to_host);
	if (!ret)
		ret = check_fifo_shared(c, core, node, path);
	if (ret)
		return ret;
	core_irq = wired_user(mb, core);
	host_irq = wired_user(mb, AMPSIM_BOARD_HOST);
	if (core_irq < 0)
		return board_error(c, node, path,
				   "IRQ not wired: no user of mailbox '%s' is wired to core '%s'",
				   mb->name, core_name(c, core));
	if (host_irq < 0)
		return board_error(c, node, path,
				   "IRQ not wired: no user of mailbox '%s' is wired to the host",
				   mb->name);
	kick->core_user = mb->irqs[core_irq].user;
	kick->core_line = mb->irqs[core_irq].line;
	kick->host_user = mb->irqs[host_irq].user;
	return 0;
}

/* Orders by position in the file; @seq (collection order) keeps aliased nodes in a stable order. */
#define BY_POSITION(type)                                                                          \
	static int type##_by_position(const void *pa, const void *pb)                              \
	{                                                                                          \
		const struct type *a = pa, *b = pb;                                                \
                                                                                                   \
		if (a->at->start_mark.index != b->at->start_mark.index)                            \
			return a->at->start_mark.index < b->at->start_mark.index ? -1 : 1;         \
		return a->seq < b->seq ? -1 : a->seq > b->seq;                                     \
	}
BY_POSITION(region)
BY_POSITION(irq_source)

static const char *source_path(const struct irq_source *s, char buf[BOARD_PATH_SIZE])
{
	if (s->kind == BLOCK_MAILBOX)
		board_path(buf, "mailboxes[%u].irq[%u].line", s->owner, s->wiring);
	else
		board_path(buf, "cores[%u].%s.irq", s->owner,
			   s->kind == BLOCK_UART ? "uart" : "watchdog");
	return buf;
}

static const char *source_name(struct board_ctx *c, const struct irq_source *s, char buf[TEXT_SIZE])
{
	if (s->kind == BLOCK_MAILBOX)
		snprintf(buf, TEXT_SIZE, "user %u of mailbox '%s'", s->user,
			 c->board->mailboxes[s->owner].name);
	else
		describe(c, s->kind, s->owner, buf);
	return buf;
}

/* No interrupt line of a core is driven by two sources. */
static int check_lines(struct board_ctx *c)
{
	const struct ampsim_board *b = c->board;
	struct irq_source src[MAX_SOURCES];
	char path[BOARD_PATH_SIZE], other[TEXT_SIZE];
	size_t n = 0;

	for (unsigned int i = 0; i < b->num_cores; i++) {
		const struct ampsim_board_core *co = &b->cores[i];

		if (co->uart.present)
			src[n++] = (struct irq_source){
				.core = (int)i,
				.line = co->uart.irq,
				.kind = BLOCK_UART,
				.owner = i,
				.at = board_child(c, board_child(c, c->core[i], "uart"), "irq")};
		if (co->watchdog.present)
			src[n++] = (struct irq_source){
				.core = (int)i,
				.line = co->watchdog.irq,
				.kind = BLOCK_WATCHDOG,
				.owner = i,
				.at = board_child(c, board_child(c, c->core[i], "watchdog"),
						  "irq")};
	}
	for (unsigned int m = 0; m < b->num_mailboxes; m++) {
		const struct ampsim_board_mailbox *mb = &b->mailboxes[m];
		yaml_node_t *list = board_child(c, c->mailbox[m], "irq");

		for (unsigned int k = 0; k < mb->num_irqs; k++)
			if (mb->irqs[k].core != AMPSIM_BOARD_HOST)
				src[n++] = (struct irq_source){
					.core = mb->irqs[k].core,
					.line = mb->irqs[k].line,
					.kind = BLOCK_MAILBOX,
					.owner = m,
					.user = mb->irqs[k].user,
					.wiring = k,
					.at = board_child(c, board_item(c, list, k), "line")};
	}
	for (size_t i = 0; i < n; i++)
		src[i].seq = i;
	qsort(src, n, sizeof(src[0]), irq_source_by_position);
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (src[j].core == src[i].core && src[j].line == src[i].line)
				return board_error(
					c, src[i].at, source_path(&src[i], path),
					"interrupt line %u of core '%s' is already taken by %s "
					"(at line %lu)",
					src[i].line, core_name(c, src[i].core),
					source_name(c, &src[j], other), board_line(src[j].at));
	return 0;
}

/* Every window of a memory or mailbox (@views, @has_host) into @r; returns the new count. */
static size_t add_block(struct board_ctx *c, struct region *r, size_t n, enum block_kind kind,
			unsigned int owner, uint64_t size, bool has_host, uint64_t host_base,
			const struct ampsim_board_view *views, unsigned int num_views)
{
	yaml_node_t *entry = kind == BLOCK_MEMORY ? c->memory[owner] : c->mailbox[owner];
	yaml_node_t *view_map = board_child(c, entry, "views");

	if (has_host)
		r[n++] = (struct region){.base = host_base,
					 .size = size,
					 .view = AMPSIM_BOARD_HOST,
					 .kind = kind,
					 .owner = owner,
					 .at = board_child(c, entry, "host")};
	for (unsigned int v = 0; v < num_views; v++)
		r[n++] = (struct region){.base = views[v].base,
					 .size = size,
					 .view = views[v].core,
					 .kind = kind,
					 .owner = owner,
					 .at = board_pair_value(c, view_map, v)};
	return n;
}

static size_t collect_regions(struct board_ctx *c, struct region *r)
{
	const struct ampsim_board *b = c->board;
	size_t n = 0;

	for (unsigned int m = 0; m < b->num_memories; m++) {
		const struct ampsim_board_memory *mem = &b->memories[m];

		n = add_block(c, r, n, BLOCK_MEMORY, m, mem->size, mem->has_host, mem->host_base,
			      mem->views, mem->num_views);
	}
	for (unsigned int m = 0; m < b->num_mailboxes; m++) {
		const struct ampsim_board_mailbox *mb = &b->mailboxes[m];

		n = add_block(c, r, n, BLOCK_MAILBOX, m, AMPSIM_BOARD_PAGE_SIZE, mb->has_host,
			      mb->host_base, mb->views, mb->num_views);
	}
	for (unsigned int i = 0; i < b->num_cores; i++) {
		const struct ampsim_board_core *co = &b->cores[i];

		if (co->uart.present)
			r[n++] = (struct region){
				.base = co->uart.base,
				.size = AMPSIM_BOARD_PAGE_SIZE,
				.view = (int)i,
				.kind = BLOCK_UART,
				.owner = i,
				.at = board_child(c, board_child(c, c->core[i], "uart"), "base")};
		if (co->watchdog.present)
			r[n++] = (struct region){
				.base = co->watchdog.base,
				.size = AMPSIM_BOARD_PAGE_SIZE,
				.view = (int)i,
				.kind = BLOCK_WATCHDOG,
				.owner = i,
				.at = board_child(c, board_child(c, c->core[i], "watchdog"),
						  "base")};
	}
	return n;
}

/* One window on its own: alignment (core views), wrapping, the private peripheral bus. */
static int check_region(struct board_ctx *c, const struct region *r)
{
	char path[BOARD_PATH_SIZE], what[TEXT_SIZE], view[TEXT_SIZE], size[32];

	region_path(c, r, path);
	describe(c, r->kind, r->owner, what);
	view_name(c, r->view, view);
	board_format_size(size, sizeof(size), r->size);
	if (r->view == AMPSIM_BOARD_HOST) {
		if (r->size - 1 > UINT64_MAX - r->base)
			return board_error(c, r->at, path,
					   "%s at 0x%08" PRIx64 " with %s wraps past 2^64 in %s",
					   what, r->base, size, view);
		return 0;
	}
	if (r->base % AMPSIM_BOARD_PAGE_SIZE)
		return board_error(c, r->at, path,
				   "%s at 0x%08" PRIx64 " is not 4 KiB aligned in %s (Unicorn maps "
				   "whole 4 KiB pages)",
				   what, r->base, view);
	if (r->size % AMPSIM_BOARD_PAGE_SIZE) {
		board_path(path, "memories[%u].size", r->owner);
		return board_error(c, board_child(c, c->memory[r->owner], "size"), path,
				   "%s of %s is not a multiple of 4 KiB, and core '%s' sees it "
				   "(Unicorn maps whole 4 KiB pages)",
				   what, size, core_name(c, r->view));
	}
	if (r->base + r->size > CORE_VIEW_END)
		return board_error(c, r->at, path,
				   "%s at 0x%08" PRIx64 " with %s wraps past 2^32 in %s", what,
				   r->base, size, view);
	if (r->base + r->size > AMPSIM_BOARD_PPB_BASE)
		return board_error(c, r->at, path,
				   "%s (0x%08" PRIx64 "..0x%08" PRIx64
				   ") reaches into the Cortex-M "
				   "private peripheral bus (0xe0000000..0xffffffff) in %s",
				   what, r->base, r->base + r->size - 1, view);
	return 0;
}

/* Every window alone, then no two windows of one view overlapping. */
static int check_regions(struct board_ctx *c)
{
	struct region r[MAX_REGIONS];
	char path[BOARD_PATH_SIZE], what[TEXT_SIZE], other[TEXT_SIZE], view[TEXT_SIZE];
	size_t n = collect_regions(c, r);
	int ret;

	for (size_t i = 0; i < n; i++)
		r[i].seq = i;
	qsort(r, n, sizeof(r[0]), region_by_position);
	for (size_t i = 0; i < n; i++) {
		ret = check_region(c, &r[i]);
		if (ret)
			return ret;
	}
	for (size_t i = 1; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (r[j].view != r[i].view || r[i].base > r[j].base + (r[j].size - 1) ||
			    r[j].base > r[i].base + (r[i].size - 1))
				continue;
			return board_error(c, r[i].at, region_path(c, &r[i], path),
					   "%s (0x%08" PRIx64 "..0x%08" PRIx64
					   ") overlaps %s (0x%08" PRIx64 "..0x%08" PRIx64
					   ", at line %lu) in %s",
					   describe(c, r[i].kind, r[i].owner, what), r[i].base,
					   r[i].base + r[i].size - 1,
					   describe(c, r[j].kind, r[j].owner, other), r[j].base,
					   r[j].base + r[j].size - 1, board_line(r[j].at),
					   view_name(c, r[i].view, view));
		}
	}
	return 0;
}

/* Does memory @mem appear in core @core's view? */
static bool in_view(const struct ampsim_board_memory *mem, int core)
{
	for (unsigned int v = 0; v < mem->num_views; v++)
		if (mem->views[v].core == core)
			return true;
	return false;
}

/* Every core sees some memory, and a core that kicks sees a pool (which has a host base). */
static int check_core_memory(struct board_ctx *c, int core)
{
	const struct ampsim_board *b = c->board;
	bool any = false, pool = false;
	char path[BOARD_PATH_SIZE];

	for (unsigned int m = 0; m < b->num_memories; m++) {
		if (!in_view(&b->memories[m], core))
			continue;
		any = true;
		pool |= b->memories[m].pool;
	}
	board_path(path, "cores[%d]", core);
	if (!any)
		return board_error(c, c->core[core], path,
				   "core '%s' has no memory in its view (give a memory 'views: "
				   "{%s: BASE}')",
				   core_name(c, core), core_name(c, core));
	board_path(path, "cores[%d].kick", core);
	if (b->cores[core].kick.present && !pool)
		return board_error(
			c, board_child(c, c->core[core], "kick"), path,
			"core '%s' has a kick but no pool memory in its view (rpmsg needs "
			"a memory with 'pool: true' that the host and the core reach)",
			core_name(c, core));
	return 0;
}

/**
 * board_check() - the checks across entries, once every entry was read
 * @c: the parse
 *
 * Also resolves each kick's mailbox, users and interrupt line.
 *
 * Return: 0 or -EINVAL.
 */
int board_check(struct board_ctx *c)
{
	int ret = 0;

	for (int i = 0; !ret && i < (int)c->board->num_cores; i++)
		if (c->board->cores[i].kick.present)
			ret = resolve_kick(c, i);
	if (!ret)
		ret = check_lines(c);
	if (!ret)
		ret = check_regions(c);
	for (int i = 0; !ret && i < (int)c->board->num_cores; i++)
		ret = check_core_memory(c, i);
	return ret;
}
