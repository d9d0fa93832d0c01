// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: a Cortex-M3/M4 core that runs firmware in Unicorn Engine
 *
 * Unicorn executes the instructions; this model supplies what Unicorn lacks on M-profile: the
 * NVIC, SysTick and SCB (models/cortex_m_scs.h), exception entry and return, sleep, reset and
 * the connection to the SystemC world.
 *
 * Memory: the board gives the core its view as windows (add_window()). At the end of
 * elaboration the core asks the bus for a DMI pointer for each; a window granted read-write
 * (RAM) or read-only (ROM) is handed to Unicorn as host memory, so guest loads and stores run at
 * full speed; any other window becomes MMIO whose accesses are TLM transactions on @bus,
 * annotated with the core's local time. The private peripheral bus (0xE0000000-0xE00FFFFF)
 * is the core's own.
 *
 * Time: one instruction is one cycle of @clock_hz. The core runs in time slices of at most
 * @quantum instructions (temporal decoupling), ended by an instruction budget counted in a
 * block hook that calls uc_emu_stop() - not by uc_emu_start()'s count argument, which Unicorn
 * implements with a per-instruction hook (about 6x slower), and with no global code or memory
 * hook (5-7x). A slice also ends at the next SysTick expiry, at WFI/WFE, SVC, exception return
 * and faults. Local time is synchronised with SystemC once it reaches a quantum or before the
 * core sleeps.
 *
 * Exceptions: external interrupts are level inputs (@irq). Entry is done by the model between
 * slices: the 8-word frame pushed on the active stack (with the 4-byte realignment of
 * CCR.STKALIGN recorded in the stacked xPSR), LR = EXC_RETURN, IPSR = the exception, PC from
 * the vector table at VTOR. Unicorn reports a branch to an EXC_RETURN value as interrupt 8,
 * without unstacking: the model pops the frame from MSP or PSP, restores the mode and stack
 * selection, and tail-chains into the next pending exception. An interrupt made deliverable by
 * the core itself (CPSIE, an NVIC write) is taken at the next block boundary: while one is
 * pending the block hook checks the masks.
 *
 * Sleep: WFI and WFE end the slice (Unicorn returns after WFI, and reports WFE as an invalid
 * instruction just past it); the core then waits on an SystemC event until an interrupt is
 * pending that would be taken with PRIMASK clear, or SysTick expires: no busy quanta while
 * idle. WFE also wakes after one quantum (a spurious wake-up the architecture allows), since a
 * SEV is invisible to the model.
 *
 * Faults: an undefined instruction, an access to unmapped memory, a bus error from a peripheral,
 * a stacking failure, a bad EXC_RETURN or vector, a BKPT, or an SVC that cannot be taken halts
 * the core and is reported through on_fault() - on real silicon all of these end in HardFault or
 * lockup, and a remoteproc host sees a crash either way. The floating-point context is not
 * stacked: an exception taken with CONTROL.FPCA set is reported as a fault rather than silently
 * corrupting the interrupted code's FP registers.
 */
#ifndef AMPSIM_MODELS_CORTEX_M_H
#define AMPSIM_MODELS_CORTEX_M_H

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "cortex_m_scs.h"

struct uc_struct;

namespace ampsim
{

class cortex_m : public sc_core::sc_module
{
      public:
	enum class core_type { m3, m4 };
	enum class state { halted, running, sleeping, crashed };
	/** What kind of fault stopped the core (the host maps it to a remoteproc crash type). */
	enum class fault_kind {
		memory, /* an access to memory no window holds (an MMU fault on a real remote) */
		bus,    /* a peripheral answered with an error */
		hard,   /* undefined instruction, bad state, BKPT, bad EXC_RETURN or vector */
		lockup, /* a fault while stacking or unstacking */
		unsupported /* something the model does not implement (FP context stacking) */
	};

	/**
	 * struct config - what the board decides about a core
	 * @type: M3 or M4 (selects Unicorn's CPU model and CPUID)
	 * @clock_hz: instructions per simulated second
	 * @irqs: external interrupt lines (1..240)
	 * @quantum: instructions per time slice
	 * @priority_bits: implemented NVIC priority bits
	 * @vtor_reset: where the vector table is at reset (0 on every M3/M4)
	 */
	struct config {
		core_type type = core_type::m4;
		uint64_t clock_hz = 200000000;
		unsigned irqs = 64;
		unsigned quantum = 10000;
		unsigned priority_bits = 3;
		uint32_t vtor_reset = 0;
	};

	/** The core's view of the bus. */
	tlm_utils::simple_initiator_socket<cortex_m> bus;
	/** External interrupt lines, level-sensitive, active high. */
	sc_core::sc_vector<sc_core::sc_in<bool>> irq;

	cortex_m(const sc_core::sc_module_name &name, const config &cfg);
	~cortex_m() override;

	/**
	 * add_window() - a piece of the core's address space the bus serves
	 * @base: start, 4 KiB aligned (Unicorn maps pages)
	 * @size: bytes, a multiple of 4 KiB
	 *
	 * Call during elaboration. Return: false if misaligned or overlapping another window or
	 * the private peripheral bus.
	 */
	bool add_window(uint64_t base, uint64_t size);

	/** Release from reset: SP and PC from the vector table at VTOR (remoteproc start). */
	void start();
	/** Hold in reset (remoteproc stop). */
	void halt();
	state current_state() const
	{
		return state_;
	}
	/** Called once per fault, from the core's thread, after the core halted. */
	std::function<void(fault_kind, const std::string &)> on_fault;
	/** Called on a system reset request (AIRCR.SYSRESETREQ); the core restarts itself after. */
	std::function<void()> on_reset_request;

	/**
	 * observe_stores() - report every store into [@base, @base + @size) of the core's view
	 *	through on_store (a trace recorder on the shared regions; call before the core
	 *	starts; each such store then costs a callback)
	 */
	void observe_stores(uint64_t base, uint64_t size);
	/** An observed store, in program order: address in the core's view, bytes, value
	 * (little-endian, as the core stored it). */
	std::function<void(uint64_t addr, unsigned size, uint64_t value)> on_store;
	/**
	 * The core executed DMB or DSB (set before the core starts): 0 for a store barrier
	 * (option ST), 2 for a full one. Reported in program order with on_store and the core's
	 * peripheral accesses; found in the translated blocks, not by a code hook.
	 */
	std::function<void(unsigned kind)> on_barrier;

	/** Instructions executed since construction. */
	uint64_t instructions() const
	{
		return instructions_;
	}
	/** Cycles spent asleep (WFI/WFE) since construction. */
	uint64_t sleep_cycles() const
	{
		return sleep_cycles_;
	}
	/** Exceptions entered since construction. */
	uint64_t exceptions() const
	{
		return exceptions_;
	}
	/** The last fault's description ("" if none). */
	const std::string &fault_description() const
	{
		return fault_text_;
	}
	/** Seconds of host time spent inside Unicorn (for MIPS figures). */
	double emulation_seconds() const
	{
		return emu_seconds_;
	}
	/** The NVIC/SCB/SysTick state (tests, the board's statistics). */
	const cortex_m_scs &scs() const
	{
		return scs_;
	}
	/** Read a core register (UC_ARM_REG_*), for tests and crash reports. */
	uint32_t reg(int uc_reg) const;

      private:
	/* Why the current slice ended, as the hooks saw it. */
	enum class stop { none, budget, attention, exception_exit, svc, fault, bkpt, callback };
	struct window {
		uint64_t base, size;
		uint8_t *host = nullptr; /* DMI pointer, or null for MMIO */
		bool writable = false;
		cortex_m *core = nullptr;
	};
	/* One decoded block: its instruction count, cached by address. */
	struct block_info {
		uint32_t addr = 1, size = 0, count = 0;
	};

	void end_of_elaboration() override;
	void run();
	void lines_changed();

	/* Engine life: a fresh engine per reset, so no translated code outlives a reload. */
	bool open_engine();
	void close_engine();
	bool load_reset_vector();
	/* One slice of at most @budget instructions. */
	void run_slice(uint64_t budget);
	void after_slice(int err, uint32_t start_pc);
	bool instruction_before(uint32_t pc, uint16_t narrow, uint32_t wide);
	void take_pending_exceptions();
	uint32_t masks(uint32_t &basepri, uint32_t &faultmask) const;
	void enter_exception(unsigned exc);
	void return_from_exception(uint32_t exc_return);
	void sleep_until_woken(bool wfe);
	bool wake_condition() const;
	void do_reset();
	void read_lines();
	void refresh_lines();
	/* Synchronise local time with SystemC. */
	void sync();
	void fault(fault_kind kind, const std::string &why);
	bool stack_words(uint32_t addr, uint32_t *words, unsigned n, bool write);
	uint32_t count_instructions(uint32_t addr, uint32_t size);
	uint64_t now() const
	{
		return cycles_ + executed_;
	}
	uint64_t time_cycles(const sc_core::sc_time &t) const;
	sc_core::sc_time cycles_time(uint64_t cycles) const
	{
		return period_ * static_cast<double>(cycles);
	}
	void write_reg(int r, uint32_t v);

	/* The Unicorn callbacks (cortex_m.cpp) call the private members below. */
	friend struct cortex_m_hooks;
	void on_block(uint64_t addr, uint32_t size);
	bool hook_observers();
	void barriers_of_block(uint32_t addr, uint32_t size);
	void flush_barriers(uint64_t before);
	void on_interrupt(uint32_t intno);
	void on_unmapped(uint64_t addr);
	uint64_t on_ppb(uint64_t offset, unsigned size, uint64_t value, bool write);
	bool bus_access(window &w, uint64_t offset, unsigned size, uint64_t &value, bool write);

	const config cfg_;
	const sc_core::sc_time period_;
	cortex_m_scs scs_;
	uc_struct *uc_ = nullptr;
	std::deque<window> windows_;
	std::vector<std::pair<uint64_t, uint64_t>> observed_; /* observe_stores() ranges */
	/* Tracing: the barriers (address, kind) of each block seen, and those of the block now
	 * executing that have not been reported yet, from pending_next_ on. */
	std::map<uint64_t, std::vector<std::pair<uint32_t, uint8_t>>> block_barriers_;
	std::vector<std::pair<uint32_t, uint8_t>> pending_barriers_;
	size_t pending_next_ = 0;

	state state_ = state::halted;
	sc_core::sc_event control_event_, wake_event_;
	bool start_requested_ = false;

	/*
	 * Cycles: the core's own count (cycles_, ahead by its local time) and the count SystemC's
	 * time stands for (synced_); cycles_ - synced_ is the local time offset.
	 */
	uint64_t cycles_ = 0, synced_ = 0;
	/* The current slice: instructions so far, its budget, why it stopped. */
	uint64_t executed_ = 0, budget_ = 0;
	stop stop_ = stop::none;
	uint32_t intno_ = 0;
	bool event_register_ = false;
	uint64_t fault_addr_ = 0;
	bool fault_addr_valid_ = false;
	/* A fault a callback saw (bus error, PPB fault); reported when the slice ends. */
	fault_kind callback_fault_ = fault_kind::bus;
	std::string callback_fault_text_;
	bool reset_requested_ = false;
	bool emulating_ = false;
	/* The core wrote to a peripheral in this slice: its interrupt lines may change. */
	bool bus_written_ = false;

	std::array<block_info, 4096> blocks_{};

	uint64_t instructions_ = 0, sleep_cycles_ = 0, exceptions_ = 0;
	double emu_seconds_ = 0;
	std::string fault_text_;
};

} // namespace ampsim

#endif
