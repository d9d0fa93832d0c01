/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: ampsim run
 *
 * Boot a board and run it (docs/simulator.md): the host's remoteproc loads every core's
 * firmware and starts it, the host's rpmsg drivers talk to the services the remotes announce,
 * and the run ends when every remote has settled (booted, announced, every dialogue done) or
 * at --until.
 */
#ifndef AMPSIM_SIM_RUN_H
#define AMPSIM_SIM_RUN_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ampsim_run() - the "run" verb
 * @argc: argument count, @argv[0] being "run"
 * @argv: the arguments
 *
 * Return: an &enum ampsim_exit: 0 when the run succeeded, 1 when it failed or an input was
 * invalid, 2 for a usage error or an input that cannot be read.
 */
int ampsim_run(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
