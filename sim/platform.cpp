// SPDX-License-Identifier: BSD-3-Clause
/* A board file elaborated into models (platform.h). */
#include "platform.h"

#include <cstdio>
#include <stdexcept>
#include <string>

#include "host.h"

using namespace sc_core;

namespace ampsim
{

namespace
{

/* The board's initiator numbering: the host first, then the cores in file order. */
constexpr unsigned HOST_INITIATOR = 0;

std::string hex(uint64_t v)
{
	char buf[24];

	std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
	return buf;
}

unsigned core_initiator(int core)
{
	return core == AMPSIM_BOARD_HOST ? HOST_INITIATOR : 1u + static_cast<unsigned>(core);
}

cortex_m::config core_config(const ampsim_board_core &c)
{
	cortex_m::config cfg;

	cfg.type = c.type == AMPSIM_BOARD_CORTEX_M3 ? cortex_m::core_type::m3
						    : cortex_m::core_type::m4;
	cfg.clock_hz = c.clock_hz;
	cfg.irqs = c.irqs;
	cfg.quantum = c.quantum;
	return cfg;
}

} // namespace

platform::platform(const sc_module_name &name, const ampsim_board &board, host_cpu &host)
    : sc_module(name), board_(board), bus_("bus"), cores_(board.num_cores),
      core_lines_(board.num_cores), low_("low", false)
{
	unsigned target = 0;

	/* Initiator 0 is the host: it binds first. */
	host.bus.bind(bus_.in);
	for (unsigned i = 0; i < board.num_cores; i++)
		core_lines_[i].assign(board.cores[i].irqs, nullptr);
	build_memories(target);
	build_mailboxes(target, host);
	for (unsigned i = 0; i < board.num_cores; i++)
		build_core(i, target);
}

platform::~platform() = default;

irq_line &platform::new_line(const char *what)
{
	lines_.push_back(std::make_unique<irq_line>(sc_gen_unique_name(what), false));
	return *lines_.back();
}

void platform::map_block(int core, uint64_t base, uint64_t size, unsigned target)
{
	if (!bus_.map(core_initiator(core), base, size, target))
		throw std::runtime_error(
			hex(base) + ": a window that overlaps another in the view of " +
			(core == AMPSIM_BOARD_HOST ? board_.host_name : board_.cores[core].name));
}

void platform::build_memories(unsigned &target)
{
	for (unsigned m = 0; m < board_.num_memories; m++) {
		const ampsim_board_memory &d = board_.memories[m];

		memories_.push_back(std::make_unique<memory>(d.name, d.size));
		bus_.out.bind(memories_.back()->bus);
		if (d.has_host)
			map_block(AMPSIM_BOARD_HOST, d.host_base, d.size, target);
		for (unsigned v = 0; v < d.num_views; v++)
			map_block(d.views[v].core, d.views[v].base, d.size, target);
		target++;
	}
}

void platform::build_mailboxes(unsigned &target, host_cpu &host)
{
	for (unsigned m = 0; m < board_.num_mailboxes; m++) {
		const ampsim_board_mailbox &d = board_.mailboxes[m];
		bool host_wired = false;

		mailboxes_.push_back(std::make_unique<mailbox>(d.name, d.fifos, d.users, d.depth));
		mailbox &mb = *mailboxes_.back();
		bus_.out.bind(mb.bus);
		if (d.has_host)
			map_block(AMPSIM_BOARD_HOST, d.host_base, AMPSIM_BOARD_PAGE_SIZE, target);
		for (unsigned v = 0; v < d.num_views; v++)
			map_block(d.views[v].core, d.views[v].base, AMPSIM_BOARD_PAGE_SIZE, target);
		target++;
		for (unsigned u = 0; u < d.users; u++) {
			const ampsim_board_irq *wire = nullptr;

			for (unsigned k = 0; k < d.num_irqs; k++)
				if (d.irqs[k].user == u)
					wire = &d.irqs[k];
			irq_line &line = new_line("mbox_irq");
			mb.irq[u].bind(line);
			if (!wire)
				continue;
			if (wire->core != AMPSIM_BOARD_HOST) {
				core_lines_[wire->core][wire->line] = &line;
			} else if (!host_wired) {
				/* The host serves the first user wired to it (board.md). */
				host.irq[m].bind(line);
				host_wired = true;
			}
		}
		if (!host_wired)
			host.irq[m].bind(low_);
	}
}

void platform::build_core(unsigned i, unsigned &target)
{
	const ampsim_board_core &d = board_.cores[i];
	remote_core &rc = cores_[i];
	std::string base = d.name;

	rc.desc = &d;
	rc.cpu = std::make_unique<cortex_m>(d.name, core_config(d));
	rc.cpu->bus.bind(bus_.in);
	if (d.uart.present) {
		rc.console = std::make_unique<uart>((base + "_uart").c_str());
		bus_.out.bind(rc.console->bus);
		map_block(static_cast<int>(i), d.uart.base, uart::size(), target++);
		irq_line &line = new_line("uart_irq");
		rc.console->irq.bind(line);
		core_lines_[i][d.uart.irq] = &line;
	}
	if (d.watchdog.present) {
		rc.wdt = std::make_unique<watchdog>(
			(base + "_wdt").c_str(),
			sc_time(1.0 / static_cast<double>(d.watchdog.clock_hz), SC_SEC));
		bus_.out.bind(rc.wdt->bus);
		map_block(static_cast<int>(i), d.watchdog.base, watchdog::size(), target++);
		irq_line &line = new_line("wdt_irq");
		rc.wdt->irq.bind(line);
		rc.wdt->reset_out.bind(new_line("wdt_reset"));
		core_lines_[i][d.watchdog.irq] = &line;
	}
	for (unsigned l = 0; l < d.irqs; l++)
		rc.cpu->irq[l].bind(core_lines_[i][l] ? *core_lines_[i][l] : low_);
	/* The core's view, as windows: memories and mailboxes it sees, its own devices. */
	auto window = [&](uint64_t at, uint64_t size) {
		if (!rc.cpu->add_window(at, size))
			throw std::runtime_error(std::string("core '") + d.name +
						 "': the core model refuses a window at " +
						 hex(at) + " of " + hex(size) +
						 " bytes (whole 4 KiB pages, no overlap)");
	};
	for (unsigned m = 0; m < board_.num_memories; m++)
		for (unsigned v = 0; v < board_.memories[m].num_views; v++)
			if (board_.memories[m].views[v].core == static_cast<int>(i))
				window(board_.memories[m].views[v].base, board_.memories[m].size);
	for (unsigned m = 0; m < board_.num_mailboxes; m++)
		for (unsigned v = 0; v < board_.mailboxes[m].num_views; v++)
			if (board_.mailboxes[m].views[v].core == static_cast<int>(i))
				window(board_.mailboxes[m].views[v].base, AMPSIM_BOARD_PAGE_SIZE);
	if (rc.console)
		window(d.uart.base, uart::size());
	if (rc.wdt)
		window(d.watchdog.base, watchdog::size());
}

unsigned platform::misbehaviour() const
{
	unsigned n = 0;

	for (const auto &m : memories_)
		n += m->misbehaviour();
	for (const auto &m : mailboxes_)
		n += m->misbehaviour();
	for (const auto &c : cores_) {
		if (c.console)
			n += c.console->misbehaviour();
		if (c.wdt)
			n += c.wdt->misbehaviour();
		n += c.cpu->scs().misbehaviour();
	}
	return n;
}

} // namespace ampsim
