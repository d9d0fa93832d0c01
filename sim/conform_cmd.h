/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AMPSIM_CONFORM_CMD_H
#define AMPSIM_CONFORM_CMD_H

/* ampsim conform ... (conform_cmd.c); returns an &enum ampsim_exit. */
int ampsim_conform(int argc, char **argv);

#endif /* AMPSIM_CONFORM_CMD_H */
