// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the elaborated board
 *
 * A &class ampsim::platform is a board file (&struct ampsim_board) turned into SystemC models:
 *
 * - one router (models/router.h) whose initiator 0 is the host and initiator 1 + i the i-th
 *   remote core; every memory, mailbox, UART and watchdog is one of its targets, mapped into
 *   each initiator's view at the address the board gives (a memory at its host base in the
 *   host's view and at each core's alias in that core's view);
 * - per memory a RAM (models/memory.h), per mailbox an OMAP4 mailbox (models/mailbox.h) with
 *   one interrupt line per user: wired users drive a core's NVIC line or the host's interrupt,
 *   the others drive nothing;
 * - per remote core a Cortex-M (models/cortex_m.h) with a window per block of its view, and its
 *   UART (models/uart.h) and watchdog (models/watchdog.h) on their NVIC lines;
 * - the host (sim/host.h), the reference remoteproc and rpmsg running natively.
 *
 * A board that ampsim_board_parse_file() accepted always elaborates; what it cannot check
 * (a window the core model refuses) throws std::runtime_error with the reason.
 */
#ifndef AMPSIM_SIM_PLATFORM_H
#define AMPSIM_SIM_PLATFORM_H

#include <memory>
#include <vector>

#include <systemc>

#include "board.h"
#include "cortex_m.h"
#include "mailbox.h"
#include "memory.h"
#include "router.h"
#include "uart.h"
#include "watchdog.h"

namespace ampsim
{

class host_cpu;

/**
 * A signal several processes may drive, even in one delta cycle: a model drives its line from
 * whichever initiator's process made the access that changed it (the host and a core may both
 * touch a mailbox at one instant). Each write is the model's current level, so the last one of
 * a delta cycle is the right one - SC_MANY_WRITERS would call two writes in a delta an error.
 */
using irq_line = sc_core::sc_signal<bool, sc_core::SC_UNCHECKED_WRITERS>;

/**
 * struct remote_core - one remote core and its private peripherals
 * @desc: the board's description
 * @cpu: the core
 * @console: its UART, or null
 * @wdt: its watchdog, or null
 */
struct remote_core {
	const ampsim_board_core *desc = nullptr;
	std::unique_ptr<cortex_m> cpu;
	std::unique_ptr<uart> console;
	std::unique_ptr<watchdog> wdt;
};

class platform : public sc_core::sc_module
{
      public:
	/**
	 * @name: instance name
	 * @board: a checked board; referred to, must outlive the platform
	 * @host: the host, bound as initiator 0 and to the mailboxes' host interrupts
	 */
	platform(const sc_core::sc_module_name &name, const ampsim_board &board, host_cpu &host);
	~platform() override;

	const ampsim_board &board() const
	{
		return board_;
	}
	remote_core &core(unsigned i)
	{
		return cores_[i];
	}
	memory &ram(unsigned i)
	{
		return *memories_[i];
	}
	mailbox &mbox(unsigned i)
	{
		return *mailboxes_[i];
	}
	/** Guest misbehaviour the models counted (mailboxes, UARTs, watchdogs, memories). */
	unsigned misbehaviour() const;

      private:
	/* A fresh signal, kept for the platform's lifetime. */
	irq_line &new_line(const char *what);
	void build_memories(unsigned &target);
	void build_mailboxes(unsigned &target, host_cpu &host);
	void build_core(unsigned i, unsigned &target);
	void map_block(int initiator_core, uint64_t base, uint64_t size, unsigned target);

	const ampsim_board &board_;
	router bus_;
	std::vector<std::unique_ptr<memory>> memories_;
	std::vector<std::unique_ptr<mailbox>> mailboxes_;
	std::vector<remote_core> cores_;
	std::vector<std::unique_ptr<irq_line>> lines_;
	/* Per core, per NVIC line: what drives it (null: nothing, bound to @low_). */
	std::vector<std::vector<irq_line *>> core_lines_;
	irq_line low_;
};

} // namespace ampsim

#endif
