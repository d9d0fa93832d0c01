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

#include <stddef.h>
#include <stdint.h>

#include "ampconf/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* amptrace/check.h: the checker and a profile, by pointer only (C++ users need not see the
 * checker's header). */
struct ampcheck;
struct ampcheck_profile;

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
 * ampconf_run_steps() - run @sc's link with steps given apart (a replayed trace's, which are
 *	more than a scenario file holds)
 * @opt: the IUT and how to judge it
 * @sc: the scenario: its link, name and rules (its own steps are ignored)
 * @steps: the steps
 * @nsteps: their number
 * @res: filled in (release it with ampconf_result_release())
 * Return: @res->outcome.
 */
enum ampconf_outcome ampconf_run_steps(const struct ampconf_options *opt,
				       const struct ampconf_scenario *sc,
				       const struct ampconf_step *steps, size_t nsteps,
				       struct ampconf_result *res);

/**
 * struct ampconf_replay - a recorded trace made into a session (ampconf_replay_load())
 * @sc: name ("replay-" - "replayN-" for link N > 0 - and the trace's stem), summary, the recorded
 *link's parameters; no rules, no steps of its own
 * @step: the steps: the link brought up, the endpoints both sides used opened (the recorded
 *	addresses of the peer's side and of the IUT's unannounced endpoints asked for; announced
 *	ones by name), every message of either side sent again with its recorded payload in the
 *	recorded order, announcements withdrawn where they were, resets where they were, and at
 *	the end every message sent expected to have arrived
 * @nsteps: entries of @step
 * @messages: messages among the steps
 * @data: the payloads the steps point into
 */
struct ampconf_replay {
	struct ampconf_scenario sc;
	struct ampconf_step *step;
	size_t nsteps;
	size_t messages;
	uint8_t *data;
};

/**
 * ampconf_replay_load() - make one rpmsg link of a recorded trace into a session in which
 *	the IUT plays @role and the peer re-enacts the other side
 * @path: the trace (binary or text)
 * @link: which link, numbered as `ampsim check` lists them (in the order the trace shows them)
 * @role: the IUT's role (&enum ampconf_role)
 * @rp: filled in; free with ampconf_replay_free()
 * @err: why not, one line
 * @errlen: bytes of @err
 * Return: 0, or -1 (the trace unreadable, no link in it, or more than the replay holds).
 */
int ampconf_replay_load(const char *path, unsigned int link, unsigned int role,
			struct ampconf_replay *rp, char *err, size_t errlen);

/**
 * ampconf_replay_free() - free what ampconf_replay_load() made
 * @rp: the replay
 */
void ampconf_replay_free(struct ampconf_replay *rp);

/**
 * ampconf_payload() - the bytes of a message the harness makes up: byte i is seed + 37 i
 *	(mod 256), so that every message of a session differs and a byte out of place shows
 * @p: where they go
 * @len: how many
 * @seed: the message's seed (one per message)
 */
void ampconf_payload(uint8_t *p, uint32_t len, uint32_t seed);

/**
 * ampconf_judge_trace() - judge a finished trace file for one side into @res
 * @path: the trace
 * @role: the side judged (&enum ampconf_role)
 * @initiator: only what this initiator did is judged (a board's IUT core), or NULL
 * @profile: the deviations allowed (NULL: strict)
 * @res: its check, events and - when violations are found and nothing broke before - outcome
 *	AMPCONF_FAILED are set; an unreadable trace makes it AMPCONF_ERROR
 * Return: 0, or -1 when the trace could not be judged.
 */
int ampconf_judge_trace(const char *path, unsigned int role, const char *initiator,
			const struct ampcheck_profile *profile, struct ampconf_result *res);

/**
 * ampconf_note_unexercised() - fill @res->unexercised: the rules @sc names that came out not
 *	exercised (nothing for a session that was skipped or never judged)
 * @sc: the scenario
 * @res: a result with its checker finished
 */
void ampconf_note_unexercised(const struct ampconf_scenario *sc, struct ampconf_result *res);

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
