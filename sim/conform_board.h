/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: conformance sessions against firmware (ampsim conform --iut firmware:CORE=ELF)
 *
 * The IUT is a firmware image on a core of a virtual board: one `ampsim run --control` process
 * per session, its host - the reference, behaving as Linux - the peer, driven over the control
 * protocol (docs/control.md), its trace judged by the rule engine when the run ends. Firmware
 * takes no commands, so it plays the device and is reached through a service it announces that
 * answers every message with the same bytes (an echo service): an endpoint a scenario opens on
 * the IUT's side is that service, a message the peer sends to it must come back unchanged, and
 * a reset is the host's crash recovery (the remote stopped, reloaded and started again).
 * Scenarios with steps firmware cannot act - the IUT sending, closing or being held on
 * command, a second peer endpoint, a link other than the one the firmware declares - are
 * skipped with the reason.
 */
#ifndef AMPSIM_CONFORM_BOARD_H
#define AMPSIM_CONFORM_BOARD_H

#include <stddef.h>

#include "ampconf/conform.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct conform_firmware - where the firmware runs
 * @board: the board (a name of sim/boards or a file)
 * @core: the core it runs on
 * @elf: the image
 * @service: the echo service's name, or NULL for the first announced one whose name holds
 *	"echo"
 */
struct conform_firmware {
	const char *board;
	const char *core;
	const char *elf;
	const char *service;
};

/**
 * ampsim_conform_firmware() - run steps against firmware on a board
 * @fw: the firmware
 * @opt: the options (@opt->library unused; @opt->trace_path NULL: the trace is not kept)
 * @sc: the scenario (its link and rules; @steps are run)
 * @steps: the steps
 * @nsteps: their number
 * @res: filled in (release with ampconf_result_release())
 * Return: @res->outcome.
 */
enum ampconf_outcome ampsim_conform_firmware(const struct conform_firmware *fw,
					     const struct ampconf_options *opt,
					     const struct ampconf_scenario *sc,
					     const struct ampconf_step *steps, size_t nsteps,
					     struct ampconf_result *res);

#ifdef __cplusplus
}
#endif

#endif /* AMPSIM_CONFORM_BOARD_H */
