/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: conformance sessions against an implementation under test
 *
 * One session runs one scenario (ampconf/scenario.h) on one link: the IUT - a native library
 * behind the adapter of ampconf/iut.h, hosted in a process of its own - plays one role, and the
 * peer, ampsim's reference implementation, plays the other on the same shared window. The
 * harness drives both in lock step: a round delivers each side the kicks the other sent and
 * polls it; a step of the scenario acts (open, send, reset, ...) and then runs rounds until the
 * link is idle. Everything the two sides store, every barrier they report and every kick is
 * recorded as a wire-level trace (docs/trace-format.md) and judged by the rule engine as it is
 * made; the messages the scenario sends are checked where they arrive (payload, length,
 * source). Endpoint addresses, descriptor ids and buffer addresses are the IUT's to choose: the
 * peer adapts to them, nothing is compared byte for byte.
 */
#ifndef AMPCONF_CONFORM_H
#define AMPCONF_CONFORM_H

#include <stdint.h>

#include "amptrace/check.h"
#include "ampconf/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMPCONF_REASON_SIZE 512
#define AMPCONF_PATH_SIZE   4096

/**
 * enum ampconf_outcome - how a session ended
 * @AMPCONF_PASSED: every step completed, no MUST-class rule violated by the IUT
 * @AMPCONF_FAILED: every step completed, but the IUT violated rules
 * @AMPCONF_BROKEN: a step could not complete: a message lost or garbled, an expected service
 *	missing, an operation of the IUT failed, the link never idle
 * @AMPCONF_CRASHED: the IUT's process died, hung or garbled the harness protocol
 * @AMPCONF_SKIPPED: the scenario does not apply (role, a feature or reset the IUT lacks)
 * @AMPCONF_ERROR: the harness could not run the session (no memory, trace not writable,
 *	library not usable as an IUT)
 */
enum ampconf_outcome {
	AMPCONF_PASSED,
	AMPCONF_FAILED,
	AMPCONF_BROKEN,
	AMPCONF_CRASHED,
	AMPCONF_SKIPPED,
	AMPCONF_ERROR,
};

/**
 * struct ampconf_options - what a session is run against
 * @library: the IUT's shared object (lib:PATH)
 * @role: the role the IUT plays (&enum ampconf_role)
 * @profile: the deviations allowed (NULL: strict)
 * @trace_path: where the session's trace goes (binary); NULL: not kept
 * @timeout_ms: how long one operation of the IUT may take (wall clock) before it counts as
 *	hung (0: 10000)
 */
struct ampconf_options {
	const char *library;
	unsigned int role;
	const struct ampcheck_profile *profile;
	const char *trace_path;
	int timeout_ms;
};

/**
 * struct ampconf_result - what a session came to
 * @outcome: &enum ampconf_outcome
 * @reason: why (for every outcome but PASSED and FAILED), one line
 * @step: the step that broke, 1-based (0: none)
 * @step_line: its line in the scenario file
 * @events: trace events recorded
 * @messages: messages the scenario delivered and checked
 * @iut_name: what the library calls itself
 * @unexercised: the scenario's rules that came out not exercised, comma-separated
 * @check: the checker with every rule's verdict (NULL when the session never started);
 *	ampconf_result_release() frees it
 */
struct ampconf_result {
	enum ampconf_outcome outcome;
	char reason[AMPCONF_REASON_SIZE];
	unsigned int step;
	unsigned int step_line;
	uint64_t events;
	uint64_t messages;
	char iut_name[129];
	char unexercised[AMPCONF_REASON_SIZE];
	struct ampcheck *check;
};

/**
 * ampconf_run() - run one scenario against the IUT
 * @opt: the IUT and how to judge it
 * @sc: the scenario
 * @res: filled in (release it with ampconf_result_release())
 * Return: @res->outcome.
 */
enum ampconf_outcome ampconf_run(const struct ampconf_options *opt,
				 const struct ampconf_scenario *sc, struct ampconf_result *res);

/**
 * ampconf_result_release() - free what a result holds
 * @res: the result
 */
void ampconf_result_release(struct ampconf_result *res);

/**
 * ampconf_outcome_name() - "pass", "fail", "broken", "crashed", "skipped", "error"
 * @outcome: the outcome
 * Return: a static string.
 */
const char *ampconf_outcome_name(enum ampconf_outcome outcome);

#ifdef __cplusplus
}
#endif

#endif /* AMPCONF_CONFORM_H */
