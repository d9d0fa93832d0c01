// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim check TRACE [--side driver|device|both] [--profile P] [--byte-order auto|little|big]
 *                    [--initiator NAME] [--json]
 * ampsim check --rules [--json]
 *
 * Judges a wire-level trace against the rule catalogue (docs/conformance.md): one verdict per
 * rule, each violation with the events that show it. Exit 0 when every MUST-class rule judged
 * passed, 1 on violations, 2 on a usage error or an unreadable trace (with its position).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim.h"
#include "amptrace/check.h"
#include "amptrace/trace.h"
#include "check_cmd.h"
#include "json_writer.h"

static const char usage_text[] =
	"usage: ampsim check TRACE [--side driver|device|both] [--profile NAME]\n"
	"                          [--byte-order auto|little|big] [--initiator NAME] [--json]\n"
	"       ampsim check --rules [--json]\n"
	"\n"
	"Judges a wire-level trace (binary or text, '-' for standard input) against the rule\n"
	"catalogue: a verdict per rule (pass, fail, warn, deviation, not exercised, not judged),\n"
	"each violation with its events (number, time, initiator). --side judges one side's "
	"rules;\n"
	"--profile (strict, linux, openamp, rpmsg-lite; default strict) reports the deviations "
	"that\n"
	"implementation family is known for instead of failing them. --initiator judges only what\n"
	"one initiator (a core of a board) did. --rules lists the catalogue.\n"
	"exit status: 0 every MUST-class rule judged passed, 1 violations, 2 usage error or an\n"
	"             unreadable trace\n";

/* One reader (some 200 KiB of record buffer) for the one trace the verb reads. */
static struct amptrace_reader reader;

static int usage(const char *why)
{
	fprintf(stderr, "ampsim check: %s\n%s", why, usage_text);
	return AMPSIM_EXIT_USAGE;
}

static void list_rules(bool json)
{
	unsigned int n, nd, np;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);
	const struct ampcheck_deviation *devs = ampcheck_deviations(&nd);
	const struct ampcheck_profile *profiles = ampcheck_profiles(&np);
	struct json_writer w;

	if (!json) {
		for (unsigned int i = 0; i < n; i++)
			printf("%-10s %-6s %-12s %s\n", rules[i].id,
			       ampcheck_side_name(rules[i].side),
			       ampcheck_severity_name(rules[i].severity), rules[i].title);
		return;
	}
	json_init(&w, stdout);
	json_begin_object(&w, NULL);
	json_begin_array(&w, "rules");
	for (unsigned int i = 0; i < n; i++) {
		json_begin_object(&w, NULL);
		json_string(&w, "id", rules[i].id);
		json_string(&w, "side", ampcheck_side_name(rules[i].side));
		json_string(&w, "severity", ampcheck_severity_name(rules[i].severity));
		json_string(&w, "title", rules[i].title);
		json_string(&w, "observed", rules[i].observed);
		json_string(&w, "check", rules[i].check);
		json_string(&w, "source", rules[i].source);
		json_begin_array(&w, "deviations");
		for (unsigned int d = 0; d < nd; d++)
			if (rules[i].deviations & (1u << d))
				json_string(&w, NULL, devs[d].tag);
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_begin_object(&w, "profiles");
	for (unsigned int p = 0; p < np; p++) {
		json_begin_array(&w, profiles[p].name);
		for (unsigned int d = 0; d < nd; d++)
			if (profiles[p].allows & (1u << d))
				json_string(&w, NULL, devs[d].tag);
		json_end_array(&w);
	}
	json_end_object(&w);
	json_end_object(&w);
}

/* Time in picoseconds as seconds with microsecond digits, as ampsim run prints it. */
static void format_time(uint64_t ps, char *buf, size_t size)
{
	snprintf(buf, size, "%llu.%06llu", (unsigned long long)(ps / 1000000000000ull),
		 (unsigned long long)(ps / 1000000ull % 1000000ull));
}

static const char *initiator_name(uint16_t id)
{
	if (id >= AMPTRACE_MAX_IDS || !reader.table.initiator[id].defined)
		return "?";
	return reader.table.initiator[id].name;
}

static void report_text(const struct ampcheck *ck, const char *path, uint64_t events,
			const char *profile, unsigned int sides, int status)
{
	unsigned int n, counts[AMPCHECK_NOT_JUDGED + 1] = {0};
	const struct ampcheck_rule *rules = ampcheck_rules(&n);
	char buf[512], when[32];

	printf("ampsim check: %s: %llu events, %u rpmsg link%s, profile %s, judging %s\n", path,
	       (unsigned long long)events, ampcheck_links(ck), ampcheck_links(ck) == 1 ? "" : "s",
	       profile, ampcheck_side_name(sides));
	for (unsigned int i = 0; i < ampcheck_links(ck); i++) {
		ampcheck_link_describe(ck, i, buf, sizeof(buf));
		printf("  link %u: %s\n", i, buf);
	}
	for (unsigned int r = 0; r < n; r++) {
		const struct ampcheck_verdict *v = ampcheck_verdict(ck, r);

		counts[v->result]++;
		printf("%-10s %-12s %-13s %8llu  %s\n", rules[r].id,
		       ampcheck_severity_name(rules[r].severity), ampcheck_result_name(v->result),
		       (unsigned long long)v->exercised, rules[r].title);
	}
	for (unsigned int r = 0; r < n; r++) {
		const struct ampcheck_verdict *v = ampcheck_verdict(ck, r);

		if (!v->violations || v->result == AMPCHECK_NOT_JUDGED)
			continue;
		printf("\n%s %s (%s, %s): %s\n  source: %s\n  %llu violation%s", rules[r].id,
		       ampcheck_result_name(v->result), ampcheck_severity_name(rules[r].severity),
		       ampcheck_side_name(rules[r].side), rules[r].title, rules[r].source,
		       (unsigned long long)v->violations, v->violations == 1 ? "" : "s");
		if (v->deviations)
			printf(", %llu allowed by the profile", (unsigned long long)v->deviations);
		printf(":\n");
		for (unsigned int k = 0; k < v->shown; k++) {
			const struct ampcheck_violation *x = &v->first[k];

			format_time(x->time_ps, when, sizeof(when));
			printf("    #%llu [%s] %s (%s): %s\n", (unsigned long long)x->seq, when,
			       initiator_name(x->initiator), ampcheck_side_name(x->side), x->text);
		}
		if (v->violations > v->shown)
			printf("    ... %llu more\n",
			       (unsigned long long)(v->violations - v->shown));
	}
	printf("\nsummary: %u pass, %u fail, %u warn, %u deviation, %u not exercised, %u not "
	       "judged\n",
	       counts[AMPCHECK_PASS], counts[AMPCHECK_FAIL], counts[AMPCHECK_WARN],
	       counts[AMPCHECK_DEVIATION], counts[AMPCHECK_NOT_EXERCISED],
	       counts[AMPCHECK_NOT_JUDGED]);
	printf("result: %s\n", status ? "FAIL" : "PASS");
}

static void report_json(const struct ampcheck *ck, const char *path, uint64_t events,
			const char *profile, unsigned int sides, int status)
{
	unsigned int n, nd;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);
	const struct ampcheck_deviation *devs = ampcheck_deviations(&nd);
	struct json_writer w;
	char buf[512];

	json_init(&w, stdout);
	json_begin_object(&w, NULL);
	json_string(&w, "trace", path);
	json_uint(&w, "events", events);
	json_string(&w, "profile", profile);
	json_string(&w, "side", ampcheck_side_name(sides));
	json_begin_array(&w, "links");
	for (unsigned int i = 0; i < ampcheck_links(ck); i++) {
		ampcheck_link_describe(ck, i, buf, sizeof(buf));
		json_string(&w, NULL, buf);
	}
	json_end_array(&w);
	json_begin_array(&w, "rules");
	for (unsigned int r = 0; r < n; r++) {
		const struct ampcheck_verdict *v = ampcheck_verdict(ck, r);

		json_begin_object(&w, NULL);
		json_string(&w, "id", rules[r].id);
		json_string(&w, "side", ampcheck_side_name(rules[r].side));
		json_string(&w, "severity", ampcheck_severity_name(rules[r].severity));
		json_string(&w, "result", ampcheck_result_name(v->result));
		json_uint(&w, "exercised", v->exercised);
		json_uint(&w, "violations", v->violations);
		json_uint(&w, "deviations", v->deviations);
		json_begin_array(&w, "events");
		for (unsigned int k = 0; k < v->shown; k++) {
			const struct ampcheck_violation *x = &v->first[k];

			json_begin_object(&w, NULL);
			json_uint(&w, "seq", x->seq);
			json_uint(&w, "time_ps", x->time_ps);
			json_string(&w, "initiator", initiator_name(x->initiator));
			json_string(&w, "side", ampcheck_side_name(x->side));
			if (x->deviation >= 0 && (unsigned int)x->deviation < nd)
				json_string(&w, "deviation", devs[x->deviation].tag);
			json_string(&w, "text", x->text);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_string(&w, "result", status ? "fail" : "pass");
	json_end_object(&w);
}

int ampsim_check(int argc, char **argv)
{
	static const struct option options[] = {
		{"side", required_argument, NULL, 's'},
		{"profile", required_argument, NULL, 'p'},
		{"byte-order", required_argument, NULL, 'b'},
		{"initiator", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"rules", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ampcheck_options opt = {.sides = AMPCHECK_SIDE_BOTH};
	const char *profile = "strict", *path;
	bool json = false, rules = false;
	struct ampcheck *ck;
	int c, status;
	FILE *in;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!strcmp(optarg, "driver"))
				opt.sides = AMPCHECK_SIDE_DRIVER;
			else if (!strcmp(optarg, "device"))
				opt.sides = AMPCHECK_SIDE_DEVICE;
			else if (!strcmp(optarg, "both"))
				opt.sides = AMPCHECK_SIDE_BOTH;
			else
				return usage("--side takes driver, device or both");
			break;
		case 'p':
			profile = optarg;
			if (!ampcheck_profile_find(profile))
				return usage(
					"--profile takes strict, linux, openamp or rpmsg-lite");
			break;
		case 'b':
			if (!strcmp(optarg, "auto"))
				opt.byte_order = AMPCHECK_ORDER_AUTO;
			else if (!strcmp(optarg, "little"))
				opt.byte_order = AMPCHECK_ORDER_LITTLE;
			else if (!strcmp(optarg, "big"))
				opt.byte_order = AMPCHECK_ORDER_BIG;
			else
				return usage("--byte-order takes auto, little or big");
			break;
		case 'i':
			opt.initiator = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			rules = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return AMPSIM_EXIT_OK;
		default:
			return usage("unknown option");
		}
	}
	if (rules) {
		if (optind != argc)
			return usage("--rules takes no trace");
		list_rules(json);
		return AMPSIM_EXIT_OK;
	}
	if (argc - optind != 1)
		return usage("check takes one TRACE");
	path = argv[optind];
	opt.profile = ampcheck_profile_find(profile);
	in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!in) {
		fprintf(stderr, "ampsim check: %s: %s\n", path, strerror(errno));
		return AMPSIM_EXIT_USAGE;
	}
	ck = ampcheck_create(&opt);
	if (!ck) {
		fprintf(stderr, "ampsim check: out of memory\n");
		status = AMPSIM_EXIT_USAGE;
		goto close;
	}
	if (amptrace_reader_open(&reader, in)) {
		fprintf(stderr, "ampsim check: %s: %s\n", path, reader.error);
		status = AMPSIM_EXIT_USAGE;
		goto destroy;
	}
	if (ampcheck_trace(ck, &reader)) {
		if (reader.failed)
			fprintf(stderr, "ampsim check: %s: %s\n", path, reader.error);
		else
			fprintf(stderr, "ampsim check: %s: event %llu: %s\n", path,
				(unsigned long long)reader.events - 1, ampcheck_error(ck));
		status = AMPSIM_EXIT_USAGE;
		goto destroy;
	}
	status = ampcheck_finish(ck) ? AMPSIM_EXIT_FAILURE : AMPSIM_EXIT_OK;
	if (!ampcheck_links(ck))
		fprintf(stderr,
			"ampsim check: %s: no rpmsg link found (no resource table copied in, no "
			"device block's status written): no rule had anything to judge\n",
			path);
	if (json)
		report_json(ck, path, reader.events, profile, opt.sides, status);
	else
		report_text(ck, path, reader.events, profile, opt.sides, status);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ampsim check: cannot write the report\n");
		status = AMPSIM_EXIT_USAGE;
	}
destroy:
	amptrace_reader_close(&reader);
	ampcheck_destroy(ck);
close:
	if (in != stdin)
		fclose(in);
	return status;
}
