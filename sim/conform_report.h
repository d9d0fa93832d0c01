/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reports of `ampsim conform` (docs/conformance.md, "Test your own implementation"): text,
 * JSON, junit XML, and the HTML verdict matrix (rules x scenarios).
 */
#ifndef AMPSIM_CONFORM_REPORT_H
#define AMPSIM_CONFORM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ampconf/conform.h"
#include "ampconf/scenario.h"

/**
 * struct conform_entry - one scenario's session
 * @sc: the scenario
 * @res: its result
 * @trace: where its trace was kept ("" when not kept)
 * @replay: a replayed trace's steps (@sc is then its name and link), or NULL for a scenario
 *	file
 */
struct conform_entry {
	struct ampconf_scenario sc;
	struct ampconf_result res;
	char trace[AMPCONF_PATH_SIZE];
	struct ampconf_replay *replay;
};

/**
 * struct conform_run - a whole `ampsim conform` run
 * @iut: what the IUT was given as (--iut)
 * @iut_name: what it calls itself
 * @side: the role it played ("driver" or "device")
 * @profile: the profile judged with
 * @entries: one per scenario, in the order run
 * @count: entries of @entries
 */
struct conform_run {
	const char *iut;
	const char *iut_name;
	const char *side;
	const char *profile;
	struct conform_entry *entries;
	unsigned int count;
};

/**
 * conform_conformant() - did the IUT pass: no scenario failed, broke, crashed or erred, and
 *	at least one ran
 * @run: the run
 * Return: the verdict.
 */
bool conform_conformant(const struct conform_run *run);

/**
 * conform_rule_result() - a rule's verdict over every scenario: the worst (fail, warn,
 *	deviation, pass, not exercised, not judged - in that order)
 * @run: the run
 * @rule: an index of ampcheck_rules()
 * Return: &enum ampcheck_result.
 */
unsigned int conform_rule_result(const struct conform_run *run, unsigned int rule);

/* Each report; 0, or -1 when a file cannot be written (the reason on stderr). */
void conform_report_text(FILE *out, const struct conform_run *run);
void conform_report_json(FILE *out, const struct conform_run *run);
int conform_report_junit(const char *path, const struct conform_run *run);
int conform_report_html(const char *path, const struct conform_run *run);

#endif /* AMPSIM_CONFORM_REPORT_H */
