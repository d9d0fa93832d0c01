// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim trace show [--decode] FILE   every definition and event, one per line, numbered;
 *                                     --decode adds what the checker's decoder made of them
 * ampsim trace convert IN OUT [--to binary|text|pcapng]
 *                                     re-encode (default: the other encoding than IN's; pcapng
 *                                     with the decoder's items, for Wireshark)
 * "-" is standard input or output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim.h"
#include "amptrace/check.h"
#include "amptrace/pcapng.h"
#include "amptrace/trace.h"
#include "trace_cmd.h"

static const char usage_text[] =
	"usage: ampsim trace show [--decode] FILE\n"
	"       ampsim trace convert IN OUT [--to binary|text|pcapng]\n"
	"\n"
	"show prints a trace's definitions and events in the text encoding, each event numbered;\n"
	"with --decode, each event is followed by '#   ' comment lines with what it meant for the\n"
	"rpmsg links (status, features, ring layout, publications, kicks, messages, name "
	"service).\n"
	"convert re-encodes a trace (binary <-> text; by default into the encoding IN is not in),\n"
	"or exports it as pcapng: an interface per initiator, a packet per event with what the\n"
	"decoder recognised in it (conformance/wireshark/ampsim.lua dissects it).\n"
	"FILE, IN and OUT may be '-' for standard input or output.\n"
	"exit status: 0 done, 1 a malformed trace (stderr says where), 2 usage error or a file\n"
	"             that cannot be opened\n";

/* Readers hold a record buffer of some 200 KiB: one, static, for the one trace a verb reads. */
static struct amptrace_reader reader;
/* The pcapng writer holds one packet (some 200 KiB). */
static struct amptrace_pcapng pcapng;
/* --to pcapng: not an encoding of enum amptrace_format. */
#define TO_PCAPNG 2

static int usage(const char *why)
{
	fprintf(stderr, "ampsim trace: %s\n%s", why, usage_text);
	return AMPSIM_EXIT_USAGE;
}

static FILE *open_file(const char *path, const char *mode)
{
	FILE *f = strcmp(path, "-") ? fopen(path, mode) : mode[0] == 'r' ? stdin : stdout;

	if (!f)
		fprintf(stderr, "ampsim trace: %s: %s\n", path, strerror(errno));
	return f;
}

/* The decoder's account of an event, as comment lines after it. */
static void print_note(void *ctx, const struct amptrace_event *ev, const struct ampcheck_decoded *d)
{
	(void)ev;
	fprintf(ctx, "#   %s\n", d->text);
}

/* copy_trace()'s events, from the open reader. */
static int copy_events(const char *in_path, FILE *out, int format, bool numbered,
		       struct ampcheck *decoder)
{
	struct amptrace_writer w;
	struct amptrace_event ev;
	int rc;

	if (format < 0)
		format = reader.format == AMPTRACE_BINARY ? AMPTRACE_TEXT : AMPTRACE_BINARY;
	if (amptrace_writer_open(&w, out, (enum amptrace_format)format))
		goto write_error;
	while ((rc = amptrace_read(&reader, &ev)) == 1) {
		if (amptrace_copy_definitions(&reader, &w))
			goto write_error;
		if (numbered && fprintf(out, "#%llu ", (unsigned long long)ev.seq) < 0)
			goto write_error;
		if (amptrace_write(&w, &ev))
			goto write_error;
		if (decoder && ampcheck_event(decoder, &reader.table, &ev)) {
			fprintf(stderr, "ampsim trace: %s: event %llu: %s\n", in_path,
				(unsigned long long)ev.seq, ampcheck_error(decoder));
			return AMPSIM_EXIT_FAILURE;
		}
	}
	if ((rc == 0 && amptrace_copy_definitions(&reader, &w)) || amptrace_writer_close(&w))
		goto write_error;
	if (rc < 0) {
		fprintf(stderr, "ampsim trace: %s: %s\n", in_path, reader.error);
		return AMPSIM_EXIT_FAILURE;
	}
	return AMPSIM_EXIT_OK;

write_error:
	fprintf(stderr, "ampsim trace: cannot write: %s\n", w.error);
	return AMPSIM_EXIT_USAGE;
}

/*
 * Copy the trace of @in to @out in @format; with @numbered, "#SEQ" before each event line; with
 * @decoder, the decoder's notes after each event.
 */
static int copy_trace(const char *in_path, FILE *in, FILE *out, int format, bool numbered,
		      struct ampcheck *decoder)
{
	int status;

	if (amptrace_reader_open(&reader, in)) {
		fprintf(stderr, "ampsim trace: %s: %s\n", in_path, reader.error);
		return AMPSIM_EXIT_FAILURE;
	}
	status = copy_events(in_path, out, format, numbered, decoder);
	amptrace_reader_close(&reader);
	return status;
}

static void pcapng_item(void *ctx, const struct amptrace_event *ev,
			const struct ampcheck_decoded *d)
{
	(void)ev;
	amptrace_pcapng_decoded(ctx, d);
}

/* Export the trace of @in to @out as pcapng, each event with the decoder's items. */
static int export_pcapng(const char *in_path, FILE *in, FILE *out)
{
	struct ampcheck_options opt = {.decoded = pcapng_item, .ctx = &pcapng};
	struct amptrace_event ev;
	struct ampcheck *decoder;
	int rc, status = AMPSIM_EXIT_OK;

	if (amptrace_reader_open(&reader, in)) {
		fprintf(stderr, "ampsim trace: %s: %s\n", in_path, reader.error);
		return AMPSIM_EXIT_FAILURE;
	}
	decoder = ampcheck_create(&opt);
	if (!decoder || amptrace_pcapng_open(&pcapng, out)) {
		fprintf(stderr, "ampsim trace: %s\n", decoder ? "cannot write" : "out of memory");
		ampcheck_destroy(decoder);
		return AMPSIM_EXIT_USAGE;
	}
	while ((rc = amptrace_read(&reader, &ev)) == 1) {
		if (amptrace_pcapng_begin(&pcapng, &reader.table, &ev))
			break;
		if (ampcheck_event(decoder, &reader.table, &ev)) {
			fprintf(stderr, "ampsim trace: %s: event %llu: %s\n", in_path,
				(unsigned long long)ev.seq, ampcheck_error(decoder));
			status = AMPSIM_EXIT_FAILURE;
			break;
		}
		if (amptrace_pcapng_end(&pcapng))
			break;
	}
	if (rc < 0) {
		fprintf(stderr, "ampsim trace: %s: %s\n", in_path, reader.error);
		status = AMPSIM_EXIT_FAILURE;
	}
	if (amptrace_pcapng_close(&pcapng) && status == AMPSIM_EXIT_OK) {
		fprintf(stderr, "ampsim trace: cannot write the pcapng file\n");
		status = AMPSIM_EXIT_USAGE;
	}
	ampcheck_destroy(decoder);
	amptrace_reader_close(&reader);
	return status;
}

int ampsim_trace(int argc, char **argv)
{
	static const struct option options[] = {
		{"to", required_argument, NULL, 't'},
		{"decode", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, format = -1, status, nrest;
	bool decode = false;
	const char *verb;
	char **rest;
	FILE *in, *out;

	if (argc < 2)
		return usage("no trace verb (show or convert)");
	/* The verb stands where getopt expects the program's name: it is never permuted. */
	verb = argv[1];
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!strcmp(optarg, "binary"))
				format = AMPTRACE_BINARY;
			else if (!strcmp(optarg, "text"))
				format = AMPTRACE_TEXT;
			else if (!strcmp(optarg, "pcapng"))
				format = TO_PCAPNG;
			else
				return usage("--to takes binary, text or pcapng");
			break;
		case 'd':
			decode = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return AMPSIM_EXIT_OK;
		default:
			return usage("unknown option");
		}
	}
	rest = argv + 1 + optind;
	nrest = argc - 1 - optind;
	if (decode && strcmp(verb, "show"))
		return usage("--decode is an option of trace show");
	if (!strcmp(verb, "show")) {
		struct ampcheck_options opt = {.decoded = print_note, .ctx = stdout};
		struct ampcheck *decoder = NULL;

		if (nrest != 1 || format >= 0)
			return usage("trace show takes one FILE");
		in = open_file(rest[0], "rb");
		if (!in)
			return AMPSIM_EXIT_USAGE;
		if (decode && !(decoder = ampcheck_create(&opt))) {
			fprintf(stderr, "ampsim trace: out of memory\n");
			status = AMPSIM_EXIT_USAGE;
		} else {
			status = copy_trace(rest[0], in, stdout, AMPTRACE_TEXT, true, decoder);
		}
		ampcheck_destroy(decoder);
	} else if (!strcmp(verb, "convert")) {
		if (nrest != 2)
			return usage("trace convert takes IN and OUT");
		in = open_file(rest[0], "rb");
		out = in ? open_file(rest[1], "wb") : NULL;
		if (!out) {
			if (in && in != stdin)
				fclose(in);
			return AMPSIM_EXIT_USAGE;
		}
		if (format == TO_PCAPNG)
			status = export_pcapng(rest[0], in, out);
		else
			status = copy_trace(rest[0], in, out, format, false, NULL);
		if (out != stdout && fclose(out) && status == AMPSIM_EXIT_OK) {
			fprintf(stderr, "ampsim trace: %s: %s\n", rest[1], strerror(errno));
			status = AMPSIM_EXIT_USAGE;
		}
	} else {
		return usage("unknown trace verb");
	}
	if (in != stdin)
		fclose(in);
	return status;
}
