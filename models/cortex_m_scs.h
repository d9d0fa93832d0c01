// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the Cortex-M system control space: NVIC, SCB, SysTick and the DWT cycle counter
 *
 * Everything of an ARMv7-M core that is neither instruction execution nor memory: the exception
 * state (pending, enabled, active, priorities), the registers firmware programs it with on the
 * private peripheral bus (0xE0000000-0xE00FFFFF), and the SysTick timer. Unicorn executes the
 * instructions but has no NVIC (see models/cortex_m.h), so the core model asks this class which
 * exception to take, and tells it when one is entered and when it returns.
 *
 * Priorities follow the architecture: Reset -3, NMI -2, HardFault -1, everything else 0..255
 * with the low 8 - @priority_bits bits reading as zero; AIRCR.PRIGROUP splits them into group
 * priority (preemption) and subpriority (order among pending ones). An exception preempts when
 * its group priority is lower than the execution priority, which is the lowest of the active
 * exceptions' group priorities, boosted by PRIMASK (to 0), BASEPRI and FAULTMASK (to -1).
 * Among pending candidates the lowest priority value wins, then the lowest exception number.
 *
 * External interrupts are level inputs: a high line makes its interrupt pending; while the
 * handler runs the line does not re-pend it, but if the line is still high when the handler
 * returns the interrupt is pending again (ARMv7-M B3.4.1). Clearing the pending bit of an
 * asserted line does not take.
 *
 * Time is the core's cycle count (one instruction = one cycle), passed in by the caller; the
 * class has no clock of its own, so SysTick is computed, not ticked: the next expiry is a cycle
 * number the core runs to. Guest accesses to registers that do not exist are counted and
 * reported as SystemC warnings; the debug components (ITM, DWT beyond CYCCNT, FPB, TPIU, ROM
 * table) read as zero and ignore writes, as on a part whose debug logic is powered down.
 */
#ifndef AMPSIM_MODELS_CORTEX_M_SCS_H
#define AMPSIM_MODELS_CORTEX_M_SCS_H

#include <array>
#include <cstdint>
#include <string>

namespace ampsim
{

class cortex_m_scs
{
      public:
	/** Exception numbers (IPSR values) of the ARMv7-M exceptions. */
	enum exception : unsigned {
		NONE = 0,
		RESET = 1,
		NMI = 2,
		HARDFAULT = 3,
		MEMMANAGE = 4,
		BUSFAULT = 5,
		USAGEFAULT = 6,
		SVCALL = 11,
		DEBUGMON = 12,
		PENDSV = 14,
		SYSTICK = 15,
		IRQ0 = 16,
	};
	/** The architecture's limit: 16 system exceptions and 240 interrupts (IPSR is 9 bits). */
	static constexpr unsigned MAX_EXCEPTIONS = 256;
	static constexpr uint32_t PPB_BASE = 0xE0000000;
	static constexpr uint32_t PPB_SIZE = 0x00100000;
	static constexpr uint64_t NEVER = UINT64_MAX;

	/** Register offsets from PPB_BASE. */
	static constexpr uint32_t DWT_CTRL = 0x01000, DWT_CYCCNT = 0x01004;
	static constexpr uint32_t ICTR = 0x0E004;
	static constexpr uint32_t SYST_CSR = 0x0E010, SYST_RVR = 0x0E014, SYST_CVR = 0x0E018,
				  SYST_CALIB = 0x0E01C;
	static constexpr uint32_t NVIC_ISER = 0x0E100, NVIC_ICER = 0x0E180, NVIC_ISPR = 0x0E200,
				  NVIC_ICPR = 0x0E280, NVIC_IABR = 0x0E300, NVIC_IPR = 0x0E400;
	static constexpr uint32_t CPUID = 0x0ED00, ICSR = 0x0ED04, VTOR = 0x0ED08, AIRCR = 0x0ED0C,
				  SCR = 0x0ED10, CCR = 0x0ED14, SHPR1 = 0x0ED18, SHCSR = 0x0ED24,
				  CFSR = 0x0ED28, HFSR = 0x0ED2C, DFSR = 0x0ED30, MMFAR = 0x0ED34,
				  BFAR = 0x0ED38, AFSR = 0x0ED3C, CPACR = 0x0ED88,
				  MPU_TYPE = 0x0ED90, DEMCR = 0x0EDFC, STIR = 0x0EF00,
				  FPCCR = 0x0EF34, FPCAR = 0x0EF38, FPDSCR = 0x0EF3C;

	/** ICSR bits. */
	static constexpr uint32_t ICSR_PENDSTCLR = 1u << 25, ICSR_PENDSTSET = 1u << 26,
				  ICSR_PENDSVCLR = 1u << 27, ICSR_PENDSVSET = 1u << 28,
				  ICSR_NMIPENDSET = 1u << 31;
	/** SCR bits. */
	static constexpr uint32_t SCR_SLEEPONEXIT = 1u << 1;
	/** SysTick control bits. */
	static constexpr uint32_t SYST_ENABLE = 1u << 0, SYST_TICKINT = 1u << 1,
				  SYST_CLKSOURCE = 1u << 2, SYST_COUNTFLAG = 1u << 16;
	/** AIRCR: writes need this key in the upper half; reads show it byte-swapped. */
	static constexpr uint32_t AIRCR_VECTKEY = 0x05FA, AIRCR_VECTKEYSTAT = 0xFA05;
	static constexpr uint32_t AIRCR_SYSRESETREQ = 1u << 2;

	/**
	 * @name: for messages (the core's SystemC name)
	 * @irqs: external interrupt lines, 1..240
	 * @cpuid: what CPUID reads (the core type)
	 * @priority_bits: implemented priority bits, 2..8 (3 on most Cortex-M3/M4 parts)
	 * @clock_hz: core clock, for SYST_CALIB's 10 ms value
	 */
	cortex_m_scs(std::string name, unsigned irqs, uint32_t cpuid, unsigned priority_bits,
		     uint64_t clock_hz);

	/** Everything to its reset value (the interrupt lines keep their level). */
	void reset();

	/**
	 * read() / write() - one guest access to the private peripheral bus
	 * @offset: from PPB_BASE
	 * @size: bytes, 1, 2 or 4 (byte and halfword accesses only where the architecture has
	 *        them: NVIC_IPR and SHPR; elsewhere they are misbehaviour)
	 * @now: the core's cycle count at the access
	 *
	 * Return: false for a bus error (an access the architecture faults: misaligned, wrong
	 * size); unknown registers are RAZ/WI and counted as misbehaviour but return true.
	 */
	bool read(uint32_t offset, unsigned size, uint64_t now, uint32_t &value);
	bool write(uint32_t offset, unsigned size, uint32_t value, uint64_t now);

	/** Level of external interrupt line @irq changes. */
	void set_line(unsigned irq, bool level);
	/** Make exception @exc pending (SVC, a fault, or a test). */
	void set_pending(unsigned exc);

	/**
	 * preempting() - the exception to enter now, or NONE
	 * @primask, @basepri, @faultmask: the core's mask registers
	 */
	unsigned preempting(uint32_t primask, uint32_t basepri, uint32_t faultmask) const;
	/** Whether an exception is pending and enabled at all (cheap; the core polls it). */
	bool attention() const
	{
		return attention_;
	}
	/** Exception entry: @exc leaves pending and becomes active (and current). */
	void activate(unsigned exc);
	/**
	 * deactivate() - exception return from the current exception
	 *
	 * Return: the exception returned from, NONE if none was active (the core treats that as
	 * an invalid return).
	 */
	unsigned deactivate();
	/** The exception being handled (IPSR), NONE in thread mode. */
	unsigned current() const
	{
		return depth_ ? static_cast<unsigned>(stack_[depth_ - 1]) : 0u;
	}
	/** Active exceptions, i.e. nesting depth. */
	unsigned depth() const
	{
		return depth_;
	}
	/** Whether @exc would be taken by preemption if it were pending now. */
	bool can_preempt(unsigned exc, uint32_t primask, uint32_t basepri,
			 uint32_t faultmask) const;

	/** The next cycle at which SysTick reaches zero after @now, or NEVER. */
	uint64_t systick_next() const
	{
		return (syst_csr_ & SYST_ENABLE) ? syst_next_ : NEVER;
	}
	/** Process SysTick expiries up to and including cycle @now. */
	void systick_advance(uint64_t now);

	uint32_t vtor() const
	{
		return vtor_;
	}
	bool sleep_on_exit() const
	{
		return scr_ & SCR_SLEEPONEXIT;
	}
	/** A system reset requested through AIRCR.SYSRESETREQ since the last call. */
	bool take_reset_request();
	/** Record fault status for the crash report and a debugger (CFSR, HFSR, BFAR). */
	void record_fault(uint32_t cfsr, uint32_t hfsr, uint32_t bfar);
	uint32_t cfsr() const
	{
		return cfsr_;
	}
	uint32_t hfsr() const
	{
		return hfsr_;
	}
	unsigned irqs() const
	{
		return irqs_;
	}
	/** Guest accesses counted as misbehaviour so far. */
	unsigned misbehaviour() const
	{
		return misbehaviour_;
	}

      private:
	using bits = std::array<uint32_t, MAX_EXCEPTIONS / 32>;

	static bool test(const bits &b, unsigned n)
	{
		return b[n / 32] >> (n % 32) & 1;
	}
	static void assign(bits &b, unsigned n, bool v)
	{
		if (v)
			b[n / 32] |= 1u << (n % 32);
		else
			b[n / 32] &= ~(1u << (n % 32));
	}
	/* Priority of @exc (negative for the fixed ones). */
	int priority(unsigned exc) const;
	/* The group (preemption) part of a priority. */
	int group(int prio) const;
	int execution_priority(uint32_t primask, uint32_t basepri, uint32_t faultmask) const;
	/* The pending, enabled exception with the lowest priority, NONE if none. */
	unsigned best_pending() const;
	bool enabled(unsigned exc) const;
	void update_attention();
	uint32_t read_icsr() const;
	void write_icsr(uint32_t value);
	void write_syst_csr(uint32_t value, uint64_t now);
	uint32_t syst_value(uint64_t now) const;
	/* One 32-bit word of an interrupt bit array (ISER..IABR). */
	uint32_t irq_word(const bits &b, unsigned word) const;
	void guest_error(const char *what, uint32_t offset);

	const std::string name_;
	const unsigned irqs_;
	const uint32_t cpuid_;
	const uint8_t priority_mask_;
	const uint64_t clock_hz_;

	bits pending_{}, enabled_{}, active_{}, line_{};
	std::array<uint8_t, MAX_EXCEPTIONS> prio_{};
	/* Active exceptions in entry order; the top is IPSR. */
	std::array<uint16_t, MAX_EXCEPTIONS> stack_{};
	unsigned depth_ = 0;
	bool attention_ = false;

	uint32_t vtor_ = 0, aircr_prigroup_ = 0, scr_ = 0, ccr_ = 0, shcsr_ = 0, cpacr_ = 0;
	uint32_t cfsr_ = 0, hfsr_ = 0, bfar_ = 0, mmfar_ = 0, demcr_ = 0, fpccr_ = 0, fpcar_ = 0,
		 fpdscr_ = 0;
	bool reset_request_ = false;

	/* SysTick: control, reload, the cycle of the next zero and the value while stopped. */
	uint32_t syst_csr_ = 0, syst_rvr_ = 0, syst_frozen_ = 0;
	uint64_t syst_next_ = NEVER;

	/* DWT: CYCCNT counts while enabled; it is the value at @cyc_since plus cycles since. */
	uint32_t dwt_ctrl_ = 0, cyc_value_ = 0;
	uint64_t cyc_since_ = 0;

	unsigned misbehaviour_ = 0;
};

} // namespace ampsim

#endif
