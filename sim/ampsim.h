/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: what every ampsim verb shares
 *
 * Exit statuses (docs/architecture.md, command surface): a script tells "the input is bad" from
 * "the command was used wrongly" without reading the output.
 */
#ifndef AMPSIM_H
#define AMPSIM_H

/**
 * enum ampsim_exit - exit statuses of every verb
 * @AMPSIM_EXIT_OK: success; the input is valid or conformant (warnings allowed)
 * @AMPSIM_EXIT_FAILURE: the input is invalid, or violations were found
 * @AMPSIM_EXIT_USAGE: wrong usage, or an input that cannot be read at all
 */
enum ampsim_exit {
	AMPSIM_EXIT_OK = 0,
	AMPSIM_EXIT_FAILURE = 1,
	AMPSIM_EXIT_USAGE = 2,
};

#endif
