/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: conformance scenarios
 *
 * A scenario is what one conformance session does with a link: bring it up, open endpoints,
 * send, expect, reset, ... - each step acted by the peer (ampsim's reference) or by the
 * implementation under test. The library of scenarios lives in fixtures/scenarios/ as YAML
 * files (docs/conformance.md, "Scenarios"); ampsim_scenario_load() reads one into this form.
 * Steps name endpoints by labels; what an endpoint's address turns out to be is the acting
 * side's choice, learned at run time.
 */
#ifndef AMPCONF_SCENARIO_H
#define AMPCONF_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AMPCONF_NAME_SIZE    32 /* labels and service names: up to 31 characters */
#define AMPCONF_SUMMARY_SIZE 160
#define AMPCONF_RULE_SIZE    12 /* "NOTIF-012" */
#define AMPCONF_MAX_STEPS    64
#define AMPCONF_MAX_RULES    32
#define AMPCONF_ADDR_ANY     0xffffffffu
/* &ampconf_step.size: the largest payload the link's buffers hold */
#define AMPCONF_SIZE_MAX 0xffffffffu

/**
 * enum ampconf_actor - who acts in a step
 * @AMPCONF_PEER: the harness's peer (the reference, in the other role)
 * @AMPCONF_IUT: the implementation under test
 * @AMPCONF_BY_DRIVER: the driver, whichever of the two it is
 * @AMPCONF_BY_DEVICE: the device, whichever of the two it is
 *
 * A scenario names the sides one way or the other; the value modulo 2 tells the two sides
 * apart (the peer and the driver are 0).
 */
enum ampconf_actor {
	AMPCONF_PEER = 0,
	AMPCONF_IUT = 1,
	AMPCONF_BY_DRIVER = 2,
	AMPCONF_BY_DEVICE = 3,
};

/**
 * enum ampconf_step_kind - what a step does
 * @AMPCONF_STEP_START: the driver brings the link up; runs until both sides are idle
 * @AMPCONF_STEP_OPEN: @actor opens endpoint @ept (service @name, fixed @addr or any,
 *	announced when @announce)
 * @AMPCONF_STEP_CLOSE: @actor closes endpoint @ept
 * @AMPCONF_STEP_SEND: @actor sends @count messages of @size bytes from @ept to @to (a label of
 *	the other side's endpoints) or @to_addr; with @until_full it sends until no transmit
 *	buffer is free (at most @count), without waiting
 * @AMPCONF_STEP_EXPECT: @actor's endpoint @ept has received @count messages in all (each
 *	checked: payload, length, source); @count 0: every message sent to it so far
 * @AMPCONF_STEP_SERVICE: @actor has seen the other side announce service @name (@created) or
 *	withdraw it
 * @AMPCONF_STEP_PINGPONG: @count times: @actor sends @size bytes from @ept to @to, the other
 *	side receives it and sends it back, @actor receives it
 * @AMPCONF_STEP_RESET: the driver resets the device (status 0) and brings it up again
 * @AMPCONF_STEP_HOLD: @actor stops taking kicks and polling (its peer's messages pile up)
 * @AMPCONF_STEP_RELEASE: @actor runs again
 * @AMPCONF_STEP_SETTLE: run until both sides are idle
 */
enum ampconf_step_kind {
	AMPCONF_STEP_START,
	AMPCONF_STEP_OPEN,
	AMPCONF_STEP_CLOSE,
	AMPCONF_STEP_SEND,
	AMPCONF_STEP_EXPECT,
	AMPCONF_STEP_SERVICE,
	AMPCONF_STEP_PINGPONG,
	AMPCONF_STEP_RESET,
	AMPCONF_STEP_HOLD,
	AMPCONF_STEP_RELEASE,
	AMPCONF_STEP_SETTLE,
};

/**
 * struct ampconf_step - one step (fields as &enum ampconf_step_kind says; others zero)
 * @kind: &enum ampconf_step_kind
 * @actor: &enum ampconf_actor
 * @line: its line in the scenario file
 * @ept: the acting side's endpoint label
 * @name: a service name ("" for none)
 * @addr: open: a fixed address, or AMPCONF_ADDR_ANY
 * @announce: open: announce @name through the name service
 * @to: send, pingpong: the other side's endpoint label ("" when @to_addr is used)
 * @to_addr: send: a destination address when @to is ""
 * @size: send, pingpong: payload bytes, or AMPCONF_SIZE_MAX
 * @count: send, expect, pingpong: messages
 * @until_full: send: stop at the first "no buffer free" (not an error)
 * @created: service: announced (true) or withdrawn (false)
 * @payload: send: the @size bytes of each message, or NULL for bytes the harness makes up and
 *	checks (scenario files never give them; a replayed trace does)
 */
struct ampconf_step {
	enum ampconf_step_kind kind;
	unsigned int actor;
	unsigned int line;
	char ept[AMPCONF_NAME_SIZE];
	char name[AMPCONF_NAME_SIZE];
	uint32_t addr;
	bool announce;
	char to[AMPCONF_NAME_SIZE];
	uint32_t to_addr;
	uint32_t size;
	uint32_t count;
	bool until_full;
	bool created;
	const uint8_t *payload;
};

/**
 * struct ampconf_scenario - one scenario
 * @name: its name (the file's stem)
 * @summary: one line
 * @roles: the IUT roles it applies to: bit (1 << &enum ampconf_role) each
 * @features: the features both sides are given (AMPCONF_F_*): the device offers them, the
 *	driver may accept them
 * @needs: features the IUT must implement, or the scenario is skipped for it
 * @needs_reset: the IUT must implement &ampconf_iut_ops.reset when it is the driver
 * @num: the vrings' sizes
 * @align: the used rings' alignment
 * @buf_size: the driver's buffer size
 * @rules: the rule IDs the scenario exercises (each must come out other than "not exercised")
 * @nrules: entries of @rules
 * @step: the steps, in order
 * @nsteps: entries of @step
 */
struct ampconf_scenario {
	char name[AMPCONF_NAME_SIZE];
	char summary[AMPCONF_SUMMARY_SIZE];
	unsigned int roles;
	uint32_t features;
	uint32_t needs;
	bool needs_reset;
	uint32_t num[2];
	uint32_t align;
	uint32_t buf_size;
	char rules[AMPCONF_MAX_RULES][AMPCONF_RULE_SIZE];
	unsigned int nrules;
	struct ampconf_step step[AMPCONF_MAX_STEPS];
	unsigned int nsteps;
};

#ifdef __cplusplus
}
#endif

#endif /* AMPCONF_SCENARIO_H */
