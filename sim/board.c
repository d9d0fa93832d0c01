// SPDX-License-Identifier: BSD-3-Clause
/*
 * Board files: read the file, load it with libyaml's document API (every node keeps its
 * position for messages), read the entries (board_parse.c), check across them (board_check.c).
 * Nothing is kept once a parse returns: the board is plain arrays.
 */
#define _POSIX_C_SOURCE 200809L /* open, fstat */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board_internal.h"

/* A board file is a few KiB; anything past a megabyte is not one. */
#define MAX_FILE_SIZE (1024 * 1024)
/* Far more than a board needs, far less than what makes libyaml slow (check_events()). */
#define MAX_DEPTH   16
#define MAX_ANCHORS 256

static int file_error(const char *path, char *err, size_t errlen, int ret, const char *why)
{
	if (err && errlen) {
		snprintf(err, errlen, "%s: cannot read the board file: %s", path, why);
		board_one_line(err);
	}
	return ret;
}

/* The whole regular file at @path into a new buffer. */
static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	/* O_NONBLOCK: opening a FIFO by mistake must not hang; it is refused below. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), ret = 0;
	struct stat st;
	ssize_t got;
	char *buf;

	if (fd < 0)
		return file_error(path, err, errlen, -errno, strerror(errno));
	if (fstat(fd, &st))
		ret = file_error(path, err, errlen, -errno, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		ret = file_error(path, err, errlen, -EISDIR, strerror(EISDIR));
	else if (!S_ISREG(st.st_mode))
		ret = file_error(path, err, errlen, -EINVAL, "not a regular file");
	else if (st.st_size > MAX_FILE_SIZE)
		ret = file_error(path, err, errlen, -EFBIG, "larger than 1 MiB");
	buf = ret ? NULL : malloc((size_t)st.st_size + 1);
	if (!ret && !buf)
		ret = file_error(path, err, errlen, -ENOMEM, strerror(ENOMEM));
	*len = 0;
	while (!ret && *len < (size_t)st.st_size) {
		got = read(fd, buf + *len, (size_t)st.st_size - *len);
		if (got < 0 && errno != EINTR)
			ret = file_error(path, err, errlen, -errno, strerror(errno));
		if (got == 0)
			break; /* the file shrank: parse what is there */
		if (got > 0)
			*len += (size_t)got;
	}
	close(fd);
	if (ret)
		free(buf);
	else
		*text = buf;
	return ret;
}

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
	ret = read_file(path, &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = ampsim_board_parse_string(text, len, path, b, err, errlen);
	free(text);
	return ret;
}

/* libyaml's problem, at its position: a reader error has a byte offset, the others a mark. */
static int syntax_error(struct board_ctx *c, const yaml_parser_t *p, const char *text, size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown problem";
	unsigned long line = 1, col = 1;

	if (p->error == YAML_MEMORY_ERROR) {
		board_error_at(c, 1, 1, "", "out of memory");
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		for (size_t i = 0; i < p->problem_offset && i < len; i++, col++)
			if (text[i] == '\n') {
				line++;
				col = 0;
			}
		if (p->problem_value >= 0)
			return board_error_at(c, line, col, "", "YAML syntax error: %s (0x%02x)",
					      problem, p->problem_value);
		return board_error_at(c, line, col, "", "YAML syntax error: %s", problem);
	}
	line = p->problem_mark.line + 1;
	col = p->problem_mark.column + 1;
	if (p->context)
		return board_error_at(c, line, col, "", "YAML syntax error: %s (%s at line %lu)",
				      problem, p->context, (unsigned long)p->context_mark.line + 1);
	return board_error_at(c, line, col, "", "YAML syntax error: %s", problem);
}

/* The anchor of a node's first event, or NULL. */
static const yaml_char_t *anchor_of(const yaml_event_t *event)
{
	switch (event->type) {
	case YAML_SCALAR_EVENT:
		return event->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return event->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return event->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/*
 * A first pass over libyaml's events finds syntax errors and a second document, and refuses,
 * before the document is loaded, what would make libyaml slow on a hostile file: its scanner spends
 * time proportional to the flow depth on every token (a megabyte of '[' takes minutes), and its
 * loader compares every new anchor and every alias with all anchors so far. A board needs 5 levels
 * (top, mailboxes, a mailbox, irq, an entry) and a few anchors at most.
 */
static int check_events(struct board_ctx *c, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	unsigned int depth = 0, anchors = 0, documents = 0;
	int ret = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser)) {
		board_error_at(c, 1, 1, "", "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!ret && !done) {
		if (!yaml_parser_parse(&parser, &event)) {
			ret = syntax_error(c, &parser, text, len);
			break;
		}
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (event.type == YAML_SEQUENCE_END_EVENT ||
			 event.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (anchor_of(&event))
			anchors++;
		if (event.type == YAML_DOCUMENT_START_EVENT)
			documents++;
		if (documents > 1)
			ret = board_error_at(
				c, event.start_mark.line + 1, event.start_mark.column + 1, "",
				"a second YAML document (a board file holds exactly one)");
		else if (depth > MAX_DEPTH)
			ret = board_error_at(
				c, event.start_mark.line + 1, event.start_mark.column + 1, "",
				"nested deeper than %d levels (a board needs 5)", MAX_DEPTH);
		else if (anchors > MAX_ANCHORS)
			ret = board_error_at(c, event.start_mark.line + 1,
					     event.start_mark.column + 1, "",
					     "more than %d anchors", MAX_ANCHORS);
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
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
	ret = check_events(&c, text, len);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser)) {
		board_error_at(&c, 1, 1, "", "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = syntax_error(&c, &parser, text, len);
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
