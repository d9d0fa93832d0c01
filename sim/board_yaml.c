// SPDX-License-Identifier: BSD-3-Clause
/*
 * YAML files the board parser's way (board files, scenario files): read the whole file, then a
 * first pass over libyaml's events finds syntax errors and refuses, before the document is
 * loaded, what would make libyaml slow on a hostile file. Both kinds are a few KiB.
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

/* A board or scenario file is a few KiB; anything past a megabyte is not one. */
#define MAX_FILE_SIZE (1024 * 1024)
/* Far more than a file needs, far less than what makes libyaml slow (board_check_events()). */
#define MAX_DEPTH   16
#define MAX_ANCHORS 256

/**
 * board_file_error() - "FILE: cannot read the KIND: why"
 * @path: the file
 * @kind: "board file", "scenario file"
 * @err: where the message goes (may be NULL when @errlen is 0)
 * @errlen: its size
 * @ret: returned
 * @why: the reason
 *
 * Return: @ret.
 */
int board_file_error(const char *path, const char *kind, char *err, size_t errlen, int ret,
		     const char *why)
{
	if (err && errlen) {
		snprintf(err, errlen, "%s: cannot read the %s: %s", path, kind, why);
		board_one_line(err);
	}
	return ret;
}

/**
 * board_read_file() - the whole regular file at @path into a new buffer
 * @path: the file
 * @kind: what it is, for messages ("board file")
 * @text: set to the buffer (free() it)
 * @len: set to its bytes
 * @err: the message on failure
 * @errlen: its size
 *
 * Return: 0, or the negative errno (-EISDIR, -EFBIG past 1 MiB, -EINVAL not a regular file).
 */
int board_read_file(const char *path, const char *kind, char **text, size_t *len, char *err,
		    size_t errlen)
{
	/* O_NONBLOCK: opening a FIFO by mistake must not hang; it is refused below. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), ret = 0;
	struct stat st;
	ssize_t got;
	char *buf;

	if (fd < 0)
		return board_file_error(path, kind, err, errlen, -errno, strerror(errno));
	if (fstat(fd, &st))
		ret = board_file_error(path, kind, err, errlen, -errno, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		ret = board_file_error(path, kind, err, errlen, -EISDIR, strerror(EISDIR));
	else if (!S_ISREG(st.st_mode))
		ret = board_file_error(path, kind, err, errlen, -EINVAL, "not a regular file");
	else if (st.st_size > MAX_FILE_SIZE)
		ret = board_file_error(path, kind, err, errlen, -EFBIG, "larger than 1 MiB");
	buf = ret ? NULL : malloc((size_t)st.st_size + 1);
	if (!ret && !buf)
		ret = board_file_error(path, kind, err, errlen, -ENOMEM, strerror(ENOMEM));
	*len = 0;
	while (!ret && *len < (size_t)st.st_size) {
		got = read(fd, buf + *len, (size_t)st.st_size - *len);
		if (got < 0 && errno != EINTR)
			ret = board_file_error(path, kind, err, errlen, -errno, strerror(errno));
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
 * board_syntax_error() - libyaml's problem, at its position (a reader error has a byte offset,
 *	the others a mark)
 * @c: the parse
 * @p: the parser that failed
 * @text: the text it read
 * @len: its bytes
 *
 * Return: -EINVAL, or -ENOMEM.
 */
int board_syntax_error(struct board_ctx *c, const yaml_parser_t *p, const char *text, size_t len)
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

/**
 * board_check_events() - a first pass over libyaml's events: syntax errors and a second
 *	document, and what would make libyaml slow on a hostile file, refused before the document
 *	is loaded: its scanner spends time proportional to the flow depth on every token (a
 *	megabyte of '[' takes minutes), and its loader compares every new anchor and every alias
 *	with all anchors so far
 * @c: the parse
 * @text: the file's text
 * @len: its bytes
 * @kind: what the file is, for messages ("board file")
 * @what: what it describes ("board")
 * @needed: the nesting such a file needs (a board 5: top, mailboxes, a mailbox, irq, an entry)
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int board_check_events(struct board_ctx *c, const char *text, size_t len, const char *kind,
		       const char *what, unsigned int needed)
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
			ret = board_syntax_error(c, &parser, text, len);
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
				"a second YAML document (a %s holds exactly one)", kind);
		else if (depth > MAX_DEPTH)
			ret = board_error_at(c, event.start_mark.line + 1,
					     event.start_mark.column + 1, "",
					     "nested deeper than %d levels (a %s needs %u)",
					     MAX_DEPTH, what, needed);
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
