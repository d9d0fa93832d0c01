// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: a watchdog register-compatible with the ARM SP805
 *
 * A 32-bit counter that counts down once per WDOGCLK period while WdogControl.INTEN is set.
 * Load periods after it was (re)loaded it times out: if the interrupt is not pending, the
 * interrupt is raised (WdogRIS) and the counter reloads from WdogLoad; if it is still pending
 * and WdogControl.RESEN is set, the reset output is asserted, expiries() counts it, on_expiry
 * is called and the counter stops, until the board calls reset(); with RESEN clear the counter
 * just reloads. Writing WdogLoad or WdogIntClr (any value: "petting") reloads the counter; a
 * WdogIntClr write also clears the interrupt. Enabling INTEN after it was clear reloads the
 * counter; clearing it stops the counter where it is. WdogLock guards every other register:
 * 0x1ACCE551 unlocks it, any other value locks it.
 *
 * Time is simulated time and honours temporal decoupling: an access whose initiator runs
 * `delay` ahead happens at sc_time_stamp() + delay, and the model brings itself up to that
 * time before the access (WdogValue is computed, timeouts that fell due are processed). Output
 * changes are queued with their times and driven by an SC_METHOD, woken by an sc_event, when
 * the kernel reaches them: a line never changes before its time even when an access ahead of
 * the kernel already caused it. Nothing polls and nothing calls wait(). Time never goes
 * backwards for the model: an access stamped earlier than one already made happens at the
 * later time.
 *
 * Every register is one aligned 32-bit word. Guest misbehaviour (other accesses, offsets with
 * no register, writes while locked or to read-only registers, reads of the write-only
 * WdogIntClr, a WdogLoad of 0) is counted and reported as a SystemC warning, never fatal: a bad
 * access answers with a TLM address error, an ignored write with OK, a WdogIntClr read gives 0,
 * a WdogLoad of 0 loads 1.
 */
#ifndef AMPSIM_MODELS_WATCHDOG_H
#define AMPSIM_MODELS_WATCHDOG_H

#include <cstdint>
#include <deque>
#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "primecell.h"

namespace ampsim
{

class watchdog : public sc_core::sc_module
{
      public:
	/** The register block, as seen from the bus. */
	tlm_utils::simple_target_socket<watchdog> bus;
	/** WDOGINT: high while the interrupt is raised and enabled (WdogMIS). */
	sc_core::sc_out<bool> irq;
	/** WDOGRES: high from an expiry until reset(). */
	sc_core::sc_out<bool> reset_out;

	/**
	 * @name: instance name
	 * @wdogclk_period: one count of the counter (the board's WDOGCLK, e.g. 1/32768 s)
	 */
	watchdog(const sc_core::sc_module_name &name, const sc_core::sc_time &wdogclk_period);
	SC_HAS_PROCESS(watchdog);

	/** Block size in bytes (one 4 KiB page, as the SP805's ID registers end it). */
	static constexpr uint64_t size()
	{
		return 0x1000;
	}
	/**
	 * Soft reset, as the board restarts the core the watchdog guards: every register back to
	 * its reset value, the counter stopped, unlocked, both outputs low from the model time
	 * (the kernel's, or a decoupled access's if one was made ahead of it). The counts
	 * (expiries, misbehaviour) are kept.
	 */
	void reset();
	/** Called when the reset output rises (in the model's process, at the expiry's time). */
	void on_expiry(std::function<void()> handler)
	{
		expiry_handler_ = std::move(handler);
	}
	/** Timeouts that asserted the reset output so far. */
	unsigned expiries() const
	{
		return expiries_;
	}
	/** Guest accesses counted as misbehaviour so far. */
	unsigned misbehaviour() const
	{
		return misbehaviour_;
	}

	/** The register offsets (SP805 TRM). */
	static constexpr uint32_t LOAD = 0x000;
	static constexpr uint32_t VALUE = 0x004;
	static constexpr uint32_t CONTROL = 0x008;
	static constexpr uint32_t INTCLR = 0x00c;
	static constexpr uint32_t RIS = 0x010;
	static constexpr uint32_t MIS = 0x014;
	static constexpr uint32_t LOCK = 0xc00;
	static constexpr uint32_t PERIPH_ID0 = primecell::PERIPH_ID0;
	static constexpr uint32_t PCELL_ID0 = primecell::PCELL_ID0;

	/** WdogControl bits: count and interrupt enable; reset output enable. */
	static constexpr uint32_t INTEN = 1u << 0, RESEN = 1u << 1;
	/** The WdogLock value that opens the other registers to writes. */
	static constexpr uint32_t UNLOCK_KEY = 0x1acce551;
	/** WdogLoad out of reset: the longest timeout. */
	static constexpr uint32_t LOAD_RESET = 0xffffffff;
	/** The ID bytes Linux's amba bus reads to match the SP805 (part 0x805, ARM, r1). */
	static constexpr uint8_t PERIPH_ID[4] = {0x05, 0x18, 0x14, 0x00};

      private:
	/* Both outputs from a time on. */
	struct levels {
		sc_core::sc_time from;
		bool interrupt, reset;
	};

	void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
	unsigned int transport_dbg(tlm::tlm_generic_payload &tx);
	/* One register access at the model time; false when no register is there. */
	bool read(uint32_t offset, uint32_t &value, bool debug);
	bool write(uint32_t offset, uint32_t value);
	/* Brings the state up to simulated time @t, processing every timeout due by then. */
	void advance(const sc_core::sc_time &t);
	/* Counter value at the model time. */
	uint32_t counter() const;
	/* Counting starts again from @count at model time @from (not after an expiry). */
	void restart(const sc_core::sc_time &from, uint32_t count);
	/* Stops the counter, holding its value at the model time. */
	void stop();
	bool running() const;
	/* When the running counter reaches 0; sc_max_time() if beyond what sc_time holds. */
	sc_core::sc_time deadline() const;
	/* Queues the outputs the state gives at the model time, if they changed. */
	void queue_levels();
	/* Wakes update(): in this evaluation phase for @delay 0 (a line then follows an access
	 * in one delta cycle, as the mailbox's), else at sc_time_stamp() + @delay. */
	void wake(const sc_core::sc_time &delay);
	/* The process: drives the levels that fell due, announces a reset, sets the next wake. */
	void update();
	void guest_error(const char *what, uint32_t offset);

	const sc_core::sc_time period_;
	uint32_t load_ = LOAD_RESET;
	uint32_t control_ = 0;
	bool raw_interrupt_ = false;
	bool locked_ = false;
	bool expired_ = false; /* the reset output is due high */
	/* The counter held count_ at model time base_; when stopped, it holds count_. */
	uint32_t count_ = LOAD_RESET;
	sc_core::sc_time base_;
	sc_core::sc_time now_; /* the model time: the state is valid there */
	/* Output changes the kernel has not reached yet, in time order; the last one queued and
	 * the ones driven. */
	std::deque<levels> queued_;
	levels last_queued_{sc_core::SC_ZERO_TIME, false, false};
	levels driven_{sc_core::SC_ZERO_TIME, false, false};
	sc_core::sc_event wake_;
	std::function<void()> expiry_handler_;
	unsigned expiries_ = 0;
	unsigned misbehaviour_ = 0;
};

} // namespace ampsim

#endif
