/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the board parser's files (not part of the API): the parse context, messages with
 * positions and key checks (board_node.c), scalar readers (board_value.c), the entry parsers
 * (board_parse.c) and the checks across entries (board_check.c).
 */
#ifndef AMPSIM_BOARD_INTERNAL_H
#define AMPSIM_BOARD_INTERNAL_H

#include <yaml.h>

#include "board.h"

/* Key paths in messages: "memories[31].views." and a 31-character name fit with room to spare. */
#define BOARD_PATH_SIZE 96
/* A scalar quoted in a message: at most 40 characters shown, each possibly as "\xNN". */
#define BOARD_QUOTE_SHOWN 40
#define BOARD_QUOTE_SIZE  (BOARD_QUOTE_SHOWN * 4 + 8)

/**
 * struct board_ctx - one parse
 * @board: the result being filled in
 * @doc: the loaded YAML document; its nodes give every message its position
 * @file: FILE in messages
 * @err: the message buffer (may be NULL when @errlen is 0)
 * @errlen: its size
 * @host: the top level's "host" mapping, or NULL
 * @core: each core's mapping node, same index as @board->cores
 * @memory: each memory's mapping node
 * @mailbox: each mailbox's mapping node
 */
struct board_ctx {
	struct ampsim_board *board;
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t errlen;
	yaml_node_t *host;
	yaml_node_t *core[AMPSIM_BOARD_MAX_CORES];
	yaml_node_t *memory[AMPSIM_BOARD_MAX_MEMORIES];
	yaml_node_t *mailbox[AMPSIM_BOARD_MAX_MAILBOXES];
};

/**
 * struct board_key - one key a mapping may hold
 * @name: the key
 * @required: the mapping must hold it
 */
struct board_key {
	const char *name;
	bool required;
};

/* board_yaml.c: the file and the first pass over it */
int board_file_error(const char *path, const char *kind, char *err, size_t errlen, int ret,
		     const char *why);
int board_read_file(const char *path, const char *kind, char **text, size_t *len, char *err,
		    size_t errlen);
int board_syntax_error(struct board_ctx *c, const yaml_parser_t *p, const char *text, size_t len);
int board_check_events(struct board_ctx *c, const char *text, size_t len, const char *kind,
		       const char *what, unsigned int needed);

/* board_node.c: messages */
void board_one_line(char *s);
const char *board_path(char buf[BOARD_PATH_SIZE], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int board_error_at(struct board_ctx *c, unsigned long line, unsigned long col, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int board_error(struct board_ctx *c, const yaml_node_t *at, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
unsigned long board_line(const yaml_node_t *node);
const char *board_quote(char buf[BOARD_QUOTE_SIZE], const yaml_node_t *scalar);

/* board_node.c: structure */
int board_expect(struct board_ctx *c, const yaml_node_t *node, const char *path,
		 yaml_node_type_t type);
int board_mapping(struct board_ctx *c, yaml_node_t *node, const char *path,
		  const struct board_key *keys, size_t num_keys, yaml_node_t **values);
int board_sequence(struct board_ctx *c, yaml_node_t *node, const char *path, size_t min,
		   size_t max);
yaml_node_t *board_item(struct board_ctx *c, const yaml_node_t *seq, size_t index);
yaml_node_t *board_pair_key(struct board_ctx *c, const yaml_node_t *map, size_t index);
yaml_node_t *board_pair_value(struct board_ctx *c, const yaml_node_t *map, size_t index);
size_t board_length(const yaml_node_t *node);
yaml_node_t *board_child(struct board_ctx *c, const yaml_node_t *map, const char *key);
bool board_scalar_is(const yaml_node_t *node, const char *text);

/* board_value.c: scalars */
void board_format_size(char *buf, size_t size, uint64_t bytes);
int board_uint(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t min, uint64_t max,
	       unsigned int *out);
int board_address(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t max,
		  uint64_t *out);
int board_frequency(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t *hz);
int board_size(struct board_ctx *c, yaml_node_t *node, const char *path, uint64_t *bytes);
int board_bool(struct board_ctx *c, yaml_node_t *node, const char *path, bool *out);
int board_word(struct board_ctx *c, yaml_node_t *node, const char *path, bool (*ok)(unsigned char),
	       const char *what, const char *rule, char out[AMPSIM_BOARD_NAME_SIZE]);
int board_name(struct board_ctx *c, yaml_node_t *node, const char *path,
	       char out[AMPSIM_BOARD_NAME_SIZE]);
int board_text(struct board_ctx *c, yaml_node_t *node, const char *path, char *out, size_t size,
	       bool nonempty);

/* board_parse.c */
int board_parse_top(struct board_ctx *c, yaml_node_t *root);

/* board_check.c */
int board_check(struct board_ctx *c);

#endif /* AMPSIM_BOARD_INTERNAL_H */
