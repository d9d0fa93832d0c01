// SPDX-License-Identifier: BSD-3-Clause
/*
 * The reports of `ampsim conform` (conform_report.h). Every report says the same: per scenario
 * its outcome (and why), per rule its verdict over all scenarios, each violation with its
 * events (number and time in that scenario's trace).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amptrace/check.h"
#include "conform_report.h"
#include "json_writer.h"

/* Worse first: the order a rule's verdicts over several scenarios are merged in. */
static const unsigned int worse_first[] = {
	AMPCHECK_FAIL, AMPCHECK_WARN,          AMPCHECK_DEVIATION,
	AMPCHECK_PASS, AMPCHECK_NOT_EXERCISED, AMPCHECK_NOT_JUDGED,
};

static unsigned int rank(unsigned int result)
{
	for (unsigned int i = 0; i < sizeof(worse_first) / sizeof(worse_first[0]); i++)
		if (worse_first[i] == result)
			return i;
	return 0;
}

/* The verdict of @rule in @e, or NOT_JUDGED when the session never got to judging. */
static unsigned int entry_result(const struct conform_entry *e, unsigned int rule)
{
	if (!e->res.check || e->res.outcome == AMPCONF_SKIPPED || e->res.outcome == AMPCONF_ERROR)
		return AMPCHECK_NOT_JUDGED;
	return ampcheck_verdict(e->res.check, rule)->result;
}

unsigned int conform_rule_result(const struct conform_run *run, unsigned int rule)
{
	unsigned int best = AMPCHECK_NOT_JUDGED;

	for (unsigned int i = 0; i < run->count; i++) {
		unsigned int r = entry_result(&run->entries[i], rule);

		if (rank(r) < rank(best))
			best = r;
	}
	return best;
}

bool conform_conformant(const struct conform_run *run)
{
	unsigned int passed = 0;

	for (unsigned int i = 0; i < run->count; i++) {
		enum ampconf_outcome o = run->entries[i].res.outcome;

		if (o != AMPCONF_PASSED && o != AMPCONF_SKIPPED)
			return false;
		passed += o == AMPCONF_PASSED;
	}
	return passed > 0;
}

static void format_time(uint64_t ps, char *buf, size_t size)
{
	snprintf(buf, size, "%llu.%03llu us", (unsigned long long)(ps / 1000000),
		 (unsigned long long)(ps / 1000 % 1000));
}

/* --- text -------------------------------------------------------------------------------- */

static void text_violations(FILE *out, const struct conform_entry *e)
{
	unsigned int n;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);
	char when[32];

	for (unsigned int r = 0; r < n; r++) {
		const struct ampcheck_verdict *v;

		if (entry_result(e, r) != AMPCHECK_FAIL && entry_result(e, r) != AMPCHECK_WARN &&
		    entry_result(e, r) != AMPCHECK_DEVIATION)
			continue;
		v = ampcheck_verdict(e->res.check, r);
		fprintf(out, "      %s %s (%s): %s - %llu violation%s\n", rules[r].id,
			ampcheck_result_name(v->result), ampcheck_severity_name(rules[r].severity),
			rules[r].title, (unsigned long long)v->violations,
			v->violations == 1 ? "" : "s");
		for (unsigned int k = 0; k < v->shown; k++) {
			format_time(v->first[k].time_ps, when, sizeof(when));
			fprintf(out, "        #%llu [%s] %s\n", (unsigned long long)v->first[k].seq,
				when, v->first[k].text);
		}
	}
}

void conform_report_text(FILE *out, const struct conform_run *run)
{
	unsigned int n, counts[AMPCHECK_NOT_JUDGED + 1] = {0}, outcomes[AMPCONF_ERROR + 1] = {0};
	const struct ampcheck_rule *rules = ampcheck_rules(&n);

	fprintf(out, "ampsim conform: %s (%s) as %s, profile %s, %u scenario%s\n", run->iut,
		run->iut_name[0] ? run->iut_name : "?", run->side, run->profile, run->count,
		run->count == 1 ? "" : "s");
	for (unsigned int i = 0; i < run->count; i++) {
		const struct conform_entry *e = &run->entries[i];

		outcomes[e->res.outcome]++;
		fprintf(out, "  %-24s %-8s %9llu events %7llu messages", e->sc.name,
			ampconf_outcome_name(e->res.outcome), (unsigned long long)e->res.events,
			(unsigned long long)e->res.messages);
		if (e->trace[0])
			fprintf(out, "  %s", e->trace);
		fprintf(out, "\n");
		if (e->res.reason[0]) {
			fprintf(out, "      ");
			if (e->res.step)
				fprintf(out, "step %u (line %u): ", e->res.step, e->res.step_line);
			fprintf(out, "%s\n", e->res.reason);
		}
		if (e->res.unexercised[0] && e->res.outcome == AMPCONF_PASSED)
			fprintf(out, "      note: not exercised here: %s\n", e->res.unexercised);
		text_violations(out, e);
	}
	fprintf(out, "rules judged for the IUT (%s):\n", run->side);
	for (unsigned int r = 0; r < n; r++) {
		unsigned int result = conform_rule_result(run, r);

		counts[result]++;
		if (result == AMPCHECK_FAIL || result == AMPCHECK_WARN ||
		    result == AMPCHECK_DEVIATION)
			fprintf(out, "  %-10s %-13s %s\n", rules[r].id,
				ampcheck_result_name(result), rules[r].title);
	}
	fprintf(out, "  %u pass, %u fail, %u warn, %u deviation, %u not exercised, %u not judged\n",
		counts[AMPCHECK_PASS], counts[AMPCHECK_FAIL], counts[AMPCHECK_WARN],
		counts[AMPCHECK_DEVIATION], counts[AMPCHECK_NOT_EXERCISED],
		counts[AMPCHECK_NOT_JUDGED]);
	fprintf(out,
		"scenarios: %u pass, %u fail, %u broken, %u crashed, %u skipped, %u error\n"
		"verdict: %s\n",
		outcomes[AMPCONF_PASSED], outcomes[AMPCONF_FAILED], outcomes[AMPCONF_BROKEN],
		outcomes[AMPCONF_CRASHED], outcomes[AMPCONF_SKIPPED], outcomes[AMPCONF_ERROR],
		conform_conformant(run) ? "CONFORMANT" : "NOT CONFORMANT");
}

/* --- JSON -------------------------------------------------------------------------------- */

static void json_violations(struct json_writer *w, const struct ampcheck_verdict *v)
{
	json_begin_array(w, "events");
	for (unsigned int k = 0; k < v->shown; k++) {
		json_begin_object(w, NULL);
		json_uint(w, "seq", v->first[k].seq);
		json_uint(w, "time_ps", v->first[k].time_ps);
		json_string(w, "side", ampcheck_side_name(v->first[k].side));
		json_string(w, "text", v->first[k].text);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_entry(struct json_writer *w, const struct conform_entry *e)
{
	unsigned int n;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);

	json_begin_object(w, NULL);
	json_string(w, "name", e->sc.name);
	json_string(w, "summary", e->sc.summary);
	json_string(w, "outcome", ampconf_outcome_name(e->res.outcome));
	json_string(w, "reason", e->res.reason);
	json_uint(w, "step", e->res.step);
	json_uint(w, "line", e->res.step_line);
	json_uint(w, "events", e->res.events);
	json_uint(w, "messages", e->res.messages);
	if (e->trace[0])
		json_string(w, "trace", e->trace);
	else
		json_null(w, "trace");
	json_begin_array(w, "exercises");
	for (unsigned int i = 0; i < e->sc.nrules; i++)
		json_string(w, NULL, e->sc.rules[i]);
	json_end_array(w);
	json_string(w, "unexercised", e->res.unexercised);
	json_begin_array(w, "rules");
	for (unsigned int r = 0; r < n; r++) {
		unsigned int result = entry_result(e, r);

		if (result == AMPCHECK_NOT_JUDGED || result == AMPCHECK_NOT_EXERCISED)
			continue;
		json_begin_object(w, NULL);
		json_string(w, "id", rules[r].id);
		json_string(w, "result", ampcheck_result_name(result));
		json_uint(w, "exercised", ampcheck_verdict(e->res.check, r)->exercised);
		json_uint(w, "violations", ampcheck_verdict(e->res.check, r)->violations);
		json_violations(w, ampcheck_verdict(e->res.check, r));
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

void conform_report_json(FILE *out, const struct conform_run *run)
{
	unsigned int n;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);
	struct json_writer w;

	json_init(&w, out);
	json_begin_object(&w, NULL);
	json_string(&w, "iut", run->iut);
	json_string(&w, "iut_name", run->iut_name);
	json_string(&w, "side", run->side);
	json_string(&w, "profile", run->profile);
	json_begin_array(&w, "scenarios");
	for (unsigned int i = 0; i < run->count; i++)
		json_entry(&w, &run->entries[i]);
	json_end_array(&w);
	json_begin_array(&w, "rules");
	for (unsigned int r = 0; r < n; r++) {
		json_begin_object(&w, NULL);
		json_string(&w, "id", rules[r].id);
		json_string(&w, "severity", ampcheck_severity_name(rules[r].severity));
		json_string(&w, "result", ampcheck_result_name(conform_rule_result(run, r)));
		json_end_object(&w);
	}
	json_end_array(&w);
	json_bool(&w, "conformant", conform_conformant(run));
	json_end_object(&w);
	fputc('\n', out);
}

/* --- XML and HTML ------------------------------------------------------------------------ */

/* Text into XML or HTML: the five special characters escaped, control characters dropped. */
static void put_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				fputc(*s, out);
		}
	}
}

static FILE *open_report(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "ampsim conform: %s: %s\n", path, strerror(errno));
	return f;
}

static int close_report(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "ampsim conform: %s: write error\n", path);
		return -1;
	}
	return 0;
}

int conform_report_junit(const char *path, const struct conform_run *run)
{
	unsigned int failures = 0, errors = 0, skipped = 0;
	FILE *f = open_report(path);

	if (!f)
		return -1;
	for (unsigned int i = 0; i < run->count; i++) {
		enum ampconf_outcome o = run->entries[i].res.outcome;

		failures += o == AMPCONF_FAILED || o == AMPCONF_BROKEN;
		errors += o == AMPCONF_CRASHED || o == AMPCONF_ERROR;
		skipped += o == AMPCONF_SKIPPED;
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		"<testsuite name=\"ampsim-conform\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
		"skipped=\"%u\">\n",
		run->count, failures, errors, skipped);
	fprintf(f, "  <properties>\n    <property name=\"iut\" value=\"");
	put_escaped(f, run->iut);
	fprintf(f,
		"\"/>\n    <property name=\"side\" value=\"%s\"/>\n"
		"    <property name=\"profile\" value=\"%s\"/>\n  </properties>\n",
		run->side, run->profile);
	for (unsigned int i = 0; i < run->count; i++) {
		const struct conform_entry *e = &run->entries[i];
		const char *tag =
			e->res.outcome == AMPCONF_FAILED || e->res.outcome == AMPCONF_BROKEN
				? "failure"
			: e->res.outcome == AMPCONF_SKIPPED ? "skipped"
			: e->res.outcome == AMPCONF_PASSED  ? NULL
							    : "error";

		fprintf(f, "  <testcase classname=\"conform.%s\" name=\"%s\">\n", run->side,
			e->sc.name);
		if (tag) {
			fprintf(f, "    <%s message=\"%s", tag,
				ampconf_outcome_name(e->res.outcome));
			if (e->res.reason[0]) {
				fputs(": ", f);
				put_escaped(f, e->res.reason);
			}
			fprintf(f, "\">");
			if (e->res.check) { /* the violations, whatever else went wrong */
				char *text = NULL;
				size_t len = 0;
				FILE *mem = open_memstream(&text, &len);

				if (mem) {
					text_violations(mem, e);
					fclose(mem);
					put_escaped(f, text);
					free(text);
				}
			}
			fprintf(f, "</%s>\n", tag);
		}
		if (e->trace[0]) {
			fprintf(f, "    <properties><property name=\"ampsim_trace\" value=\"");
			put_escaped(f, e->trace);
			fprintf(f, "\"/></properties>\n");
		}
		fprintf(f, "  </testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	return close_report(f, path);
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<title>ampsim conform: verdict matrix</title>\n<style>\n"
	"body{font-family:sans-serif;font-size:13px;margin:1em}\n"
	"table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 5px}\n"
	"th.s{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal}\n"
	"td.pass{background:#9d9}td.fail{background:#e66;font-weight:bold}\n"
	"td.warn{background:#fc6}td.deviation{background:#acf}\n"
	"td.not-exercised{background:#f4f4f4;color:#aaa}td.not-judged{background:#ddd;color:#999}\n"
	"td.o-pass{background:#9d9}td.o-fail,td.o-broken,td.o-crashed,td.o-error{background:#e66}\n"
	"td.o-skipped{background:#ddd}a{color:inherit}\n.v{font-family:monospace}\n"
	"</style></head><body>\n";

static void html_class(FILE *f, const char *name)
{
	for (; *name; name++)
		fputc(*name == ' ' ? '-' : *name, f);
}

static void html_matrix(FILE *f, const struct conform_run *run)
{
	unsigned int n;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);

	fprintf(f, "<table>\n<tr><th>rule</th><th>severity</th><th>all</th>");
	for (unsigned int i = 0; i < run->count; i++)
		fprintf(f, "<th class=\"s\"><a href=\"#s-%s\">%s</a></th>", run->entries[i].sc.name,
			run->entries[i].sc.name);
	fprintf(f, "<th>title</th></tr>\n<tr><td colspan=\"3\">outcome</td>");
	for (unsigned int i = 0; i < run->count; i++) {
		const char *o = ampconf_outcome_name(run->entries[i].res.outcome);

		fprintf(f, "<td class=\"o-%s\" title=\"%s\">%.1s</td>", o, o, o);
	}
	fprintf(f, "<td></td></tr>\n");
	for (unsigned int r = 0; r < n; r++) {
		const char *all = ampcheck_result_name(conform_rule_result(run, r));

		fprintf(f, "<tr><td>%s</td><td>%s</td><td class=\"", rules[r].id,
			ampcheck_severity_name(rules[r].severity));
		html_class(f, all);
		fprintf(f, "\">%s</td>", all);
		for (unsigned int i = 0; i < run->count; i++) {
			const char *res = ampcheck_result_name(entry_result(&run->entries[i], r));
			bool bad = !strcmp(res, "fail") || !strcmp(res, "warn") ||
				   !strcmp(res, "deviation");

			fprintf(f, "<td class=\"");
			html_class(f, res);
			fprintf(f, "\" title=\"%s\">", res);
			if (bad)
				fprintf(f, "<a href=\"#v-%s-%s\">%.1s</a>", run->entries[i].sc.name,
					rules[r].id, res);
			else if (!strcmp(res, "pass"))
				fprintf(f, "&#10003;");
			fprintf(f, "</td>");
		}
		fprintf(f, "<td>");
		put_escaped(f, rules[r].title);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

static void html_scenario(FILE *f, const struct conform_entry *e)
{
	unsigned int n;
	const struct ampcheck_rule *rules = ampcheck_rules(&n);
	char when[32];

	fprintf(f, "<h3 id=\"s-%s\">%s: %s</h3>\n<p>", e->sc.name, e->sc.name,
		ampconf_outcome_name(e->res.outcome));
	put_escaped(f, e->sc.summary);
	fprintf(f, "<br>%llu events, %llu messages checked", (unsigned long long)e->res.events,
		(unsigned long long)e->res.messages);
	if (e->trace[0]) {
		fprintf(f, "; trace <span class=\"v\">");
		put_escaped(f, e->trace);
		fprintf(f, "</span>");
	}
	if (e->res.reason[0]) {
		fprintf(f, "<br>");
		if (e->res.step)
			fprintf(f, "step %u (line %u): ", e->res.step, e->res.step_line);
		put_escaped(f, e->res.reason);
	}
	fprintf(f, "</p>\n");
	for (unsigned int r = 0; r < n; r++) {
		unsigned int result = entry_result(e, r);
		const struct ampcheck_verdict *v;

		if (result != AMPCHECK_FAIL && result != AMPCHECK_WARN &&
		    result != AMPCHECK_DEVIATION)
			continue;
		v = ampcheck_verdict(e->res.check, r);
		fprintf(f, "<p id=\"v-%s-%s\"><b>%s %s</b> (%s): ", e->sc.name, rules[r].id,
			rules[r].id, ampcheck_result_name(result),
			ampcheck_severity_name(rules[r].severity));
		put_escaped(f, rules[r].title);
		fprintf(f, "<br>source: ");
		put_escaped(f, rules[r].source);
		fprintf(f, "</p>\n<ul class=\"v\">\n");
		for (unsigned int k = 0; k < v->shown; k++) {
			format_time(v->first[k].time_ps, when, sizeof(when));
			fprintf(f, "<li>#%llu [%s] ", (unsigned long long)v->first[k].seq, when);
			put_escaped(f, v->first[k].text);
			fprintf(f, "</li>\n");
		}
		if (v->violations > v->shown)
			fprintf(f, "<li>... %llu more</li>\n",
				(unsigned long long)(v->violations - v->shown));
		fprintf(f, "</ul>\n");
	}
}

int conform_report_html(const char *path, const struct conform_run *run)
{
	FILE *f = open_report(path);

	if (!f)
		return -1;
	fputs(html_head, f);
	fprintf(f, "<h1>ampsim conform: %s</h1>\n<p>IUT <span class=\"v\">",
		conform_conformant(run) ? "CONFORMANT" : "NOT CONFORMANT");
	put_escaped(f, run->iut);
	fprintf(f, "</span> (");
	put_escaped(f, run->iut_name);
	fprintf(f,
		") as %s, profile %s. Rules judged for the IUT's side; a cell links to the "
		"events that violate the rule in that scenario.</p>\n",
		run->side, run->profile);
	html_matrix(f, run);
	fprintf(f, "<h2>Scenarios</h2>\n");
	for (unsigned int i = 0; i < run->count; i++)
		html_scenario(f, &run->entries[i]);
	fprintf(f, "</body></html>\n");
	return close_report(f, path);
}
