/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampsim check: a wire-level trace judged against the rule catalogue (docs/conformance.md).
 */
#ifndef AMPSIM_CHECK_CMD_H
#define AMPSIM_CHECK_CMD_H

/* ampsim check ...; @argv[0] is "check". Returns an &enum ampsim_exit. */
int ampsim_check(int argc, char **argv);

#endif
