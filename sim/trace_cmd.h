/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampsim trace show|convert: wire-level trace files (docs/trace-format.md).
 */
#ifndef AMPSIM_TRACE_CMD_H
#define AMPSIM_TRACE_CMD_H

/*
 * ampsim_trace() - the "trace" verb; @argv[0] is "trace"
 *
 * Return: an &enum ampsim_exit: 0 done, 1 a malformed trace (stderr: where and why), 2 usage
 * or an unreadable file.
 */
int ampsim_trace(int argc, char **argv);

#endif
