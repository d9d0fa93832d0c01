// SPDX-License-Identifier: BSD-3-Clause
/*
 * Board files: read the file, load it with libyaml's document API (every node keeps its
 * position for messages), read the entries (board_parse.c), check across them (board_check.c).
 * Nothing is kept once a parse returns: the board is plain arrays.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_internal.h"

/* A board nests 5 levels: top, mailboxes, a mailbox, irq, an entry (board_check_events()). */
#define NEEDED_DEPTH 5u

/**
 * ampsim_board_parse_file() - read and check a board file
 * @path: the file; also the FILE of messages
 * @b: filled in on success
 * @err: one line "FILE:LINE:COL: message", or "FILE: cannot read the board file: why"
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL, -ENOMEM, or the negative errno of reading the file.
 */
int ampsim_board_parse_file(const char *path, struct ampsim_board *b, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	ret = board_read_file(path, "board file", &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = ampsim_board_parse_string(text, len, path, b, err, errlen);
	free(text);
	return ret;
}

/**
 * ampsim_board_parse_string() - check a board given as text
 * @text: the YAML text (need not be NUL-terminated)
 * @len: its length
 * @name_for_messages: FILE in messages
 * @b: filled in on success
 * @err: one line "FILE:LINE:COL: message"
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int ampsim_board_parse_string(const char *text, size_t len, const char *name_for_messages,
			      struct ampsim_board *b, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct board_ctx c = {.board = b,
			      .doc = &doc,
			      .file = name_for_messages ? name_for_messages : "<board>",
			      .err = err,
			      .errlen = errlen};
	yaml_node_t *root;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!text && !len)
		text = ""; /* libyaml asserts on a NULL input */
	ret = board_check_events(&c, text, len, "board file", "board", NEEDED_DEPTH);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser)) {
		board_error_at(&c, 1, 1, "", "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = board_syntax_error(&c, &parser, text, len);
		yaml_parser_delete(&parser);
		return ret;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		ret = board_error_at(&c, 1, 1, "",
				     "empty board file (expected a mapping with board, cores and "
				     "memories)");
	else
		ret = board_parse_top(&c, root);
	if (!ret)
		ret = board_check(&c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

/**
 * ampsim_board_find_core() - a core's index by name
 * @b: the board
 * @name: the name
 *
 * Return: the index, or -1.
 */
int ampsim_board_find_core(const struct ampsim_board *b, const char *name)
{
	for (unsigned int i = 0; i < b->num_cores; i++)
		if (!strcmp(b->cores[i].name, name))
			return (int)i;
	return -1;
}

/**
 * ampsim_board_check_firmware() - every core has a firmware image
 * @b: the board, with the program's --firmware overrides written in
 * @err: the message for the first core without one
 * @errlen: size of @err
 *
 * Return: 0 or -EINVAL.
 */
int ampsim_board_check_firmware(const struct ampsim_board *b, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < b->num_cores; i++) {
		const char *name = b->cores[i].name;

		if (b->cores[i].firmware[0])
			continue;
		if (err && errlen)
			snprintf(err, errlen, "core '%s' has no firmware (give --firmware %s=FILE)",
				 name, name);
		return -EINVAL;
	}
	return 0;
}
