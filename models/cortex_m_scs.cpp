// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Cortex-M system control space (see cortex_m_scs.h): exception state and priorities, the
 * NVIC/SCB/SysTick registers and the DWT cycle counter.
 */
#include "cortex_m_scs.h"

#include <sstream>

#include <systemc>

namespace ampsim
{

cortex_m_scs::cortex_m_scs(std::string name, unsigned irqs, uint32_t cpuid, unsigned priority_bits,
			   uint64_t clock_hz)
    : name_(std::move(name)), irqs_(irqs), cpuid_(cpuid),
      priority_mask_(static_cast<uint8_t>(0xFF00u >> priority_bits)), clock_hz_(clock_hz)
{
	if (!irqs || irqs > MAX_EXCEPTIONS - IRQ0 || priority_bits < 2 || priority_bits > 8 ||
	    !clock_hz)
		SC_REPORT_FATAL(name_.c_str(),
				"cortex-m: 1..240 interrupts, 2..8 priority bits, a clock");
	reset();
}

void cortex_m_scs::reset()
{
	pending_ = {};
	enabled_ = {};
	active_ = {};
	prio_ = {};
	depth_ = 0;
	vtor_ = aircr_prigroup_ = scr_ = shcsr_ = cpacr_ = 0;
	cfsr_ = hfsr_ = bfar_ = mmfar_ = demcr_ = fpcar_ = fpdscr_ = 0;
	/* STKALIGN is set out of reset on the M3 r2p0 and later and on the M4. */
	ccr_ = 1u << 9;
	/* ASPEN and LSPEN: what an M4 comes out of reset with (harmless on an M3). */
	fpccr_ = 0xC0000000u;
	reset_request_ = false;
	syst_csr_ = syst_rvr_ = syst_frozen_ = 0;
	syst_next_ = NEVER;
	dwt_ctrl_ = cyc_value_ = 0;
	cyc_since_ = 0;
	/* The fixed-priority exceptions are always enabled. */
	for (unsigned e : {NMI, HARDFAULT, SVCALL, DEBUGMON, PENDSV, SYSTICK})
		assign(enabled_, e, true);
	/* A line that is high at reset makes its interrupt pending again. */
	for (unsigned n = 0; n < irqs_; n++)
		if (test(line_, IRQ0 + n))
			assign(pending_, IRQ0 + n, true);
	update_attention();
}

void cortex_m_scs::guest_error(const char *what, uint32_t offset)
{
	std::ostringstream msg;

	misbehaviour_++;
	msg << what << " (address 0x" << std::hex << PPB_BASE + offset << ")";
	SC_REPORT_WARNING(name_.c_str(), msg.str().c_str());
}

int cortex_m_scs::priority(unsigned exc) const
{
	switch (exc) {
	case RESET:
		return -3;
	case NMI:
		return -2;
	case HARDFAULT:
		return -1;
	default:
		return prio_[exc];
	}
}

int cortex_m_scs::group(int prio) const
{
	/* PRIGROUP = n: bits [n:0] are subpriority, the bits above are the group. */
	if (prio < 0)
		return prio;
	return prio & ~((2 << aircr_prigroup_) - 1);
}

bool cortex_m_scs::enabled(unsigned exc) const
{
	return test(enabled_, exc);
}

void cortex_m_scs::update_attention()
{
	uint32_t any = 0;

	for (unsigned w = 0; w < pending_.size(); w++)
		any |= pending_[w] & enabled_[w];
	attention_ = any != 0;
}

unsigned cortex_m_scs::best_pending() const
{
	unsigned best = NONE;
	int best_prio = 0;

	for (unsigned w = 0; w < pending_.size(); w++) {
		uint32_t word = pending_[w] & enabled_[w];

		while (word) {
			unsigned exc = 32 * w + static_cast<unsigned>(__builtin_ctz(word));
			int p = priority(exc);

			word &= word - 1;
			/* Ascending exception numbers: ties keep the lower number. */
			if (best == NONE || p < best_prio) {
				best = exc;
				best_prio = p;
			}
		}
	}
	return best;
}

int cortex_m_scs::execution_priority(uint32_t primask, uint32_t basepri, uint32_t faultmask) const
{
	/* Thread mode with no boost runs below every configurable priority. */
	int exec = 256;

	for (unsigned i = 0; i < depth_; i++) {
		int g = group(priority(stack_[i]));

		if (g < exec)
			exec = g;
	}
	if ((basepri & priority_mask_) && group(static_cast<int>(basepri & priority_mask_)) < exec)
		exec = group(static_cast<int>(basepri & priority_mask_));
	if ((primask & 1) && exec > 0)
		exec = 0;
	if ((faultmask & 1) && exec > -1)
		exec = -1;
	return exec;
}

bool cortex_m_scs::can_preempt(unsigned exc, uint32_t primask, uint32_t basepri,
			       uint32_t faultmask) const
{
	return group(priority(exc)) < execution_priority(primask, basepri, faultmask);
}

unsigned cortex_m_scs::preempting(uint32_t primask, uint32_t basepri, uint32_t faultmask) const
{
	unsigned exc;

	if (!attention_)
		return NONE;
	exc = best_pending();
	if (exc == NONE || !can_preempt(exc, primask, basepri, faultmask))
		return NONE;
	return exc;
}

void cortex_m_scs::set_line(unsigned irq, bool level)
{
	unsigned exc = IRQ0 + irq;

	bool rising;

	if (irq >= irqs_)
		return;
	rising = level && !test(line_, exc);
	assign(line_, exc, level);
	/*
	 * An assertion pends the interrupt, even while its handler runs; a held level pends it
	 * whenever it is not active (and deactivate() re-pends it if still held at return).
	 */
	if (rising || (level && !test(active_, exc))) {
		assign(pending_, exc, true);
		update_attention();
	}
}

void cortex_m_scs::set_pending(unsigned exc)
{
	if (exc >= MAX_EXCEPTIONS || exc == NONE || (exc >= IRQ0 && exc - IRQ0 >= irqs_))
		return;
	assign(pending_, exc, true);
	update_attention();
}

void cortex_m_scs::activate(unsigned exc)
{
	assign(pending_, exc, false);
	assign(active_, exc, true);
	stack_[depth_++] = static_cast<uint16_t>(exc);
	update_attention();
}

unsigned cortex_m_scs::deactivate()
{
	unsigned exc;

	if (!depth_)
		return NONE;
	exc = stack_[--depth_];
	assign(active_, exc, false);
	/* A level interrupt still asserted at return is pending again (B3.4.1). */
	if (exc >= IRQ0 && test(line_, exc))
		assign(pending_, exc, true);
	update_attention();
	return exc;
}

bool cortex_m_scs::take_reset_request()
{
	bool r = reset_request_;

	reset_request_ = false;
	return r;
}

void cortex_m_scs::record_fault(uint32_t cfsr, uint32_t hfsr, uint32_t bfar)
{
	cfsr_ |= cfsr;
	hfsr_ |= hfsr;
	if (cfsr & (1u << 15)) /* BFARVALID */
		bfar_ = bfar;
}

/* ---- SysTick ---- */

uint32_t cortex_m_scs::syst_value(uint64_t now) const
{
	if (!(syst_csr_ & SYST_ENABLE))
		return syst_frozen_;
	if (syst_next_ == NEVER || now >= syst_next_)
		return 0;
	return static_cast<uint32_t>(syst_next_ - now);
}

void cortex_m_scs::systick_advance(uint64_t now)
{
	uint64_t period;

	if (!(syst_csr_ & SYST_ENABLE) || syst_next_ == NEVER || now < syst_next_)
		return;
	syst_csr_ |= SYST_COUNTFLAG;
	if (syst_csr_ & SYST_TICKINT)
		set_pending(SYSTICK);
	/* A zero reload stops the counter at the next reload (ARMv7-M B3.3.1). */
	if (!syst_rvr_) {
		syst_next_ = NEVER;
		return;
	}
	/* Counting down from RVR to 0 takes RVR + 1 cycles; skip the expiries slept through. */
	period = static_cast<uint64_t>(syst_rvr_) + 1;
	syst_next_ += ((now - syst_next_) / period + 1) * period;
}

void cortex_m_scs::write_syst_csr(uint32_t value, uint64_t now)
{
	bool was = syst_csr_ & SYST_ENABLE, on = value & SYST_ENABLE;

	systick_advance(now);
	if (was && !on)
		syst_frozen_ = syst_value(now);
	syst_csr_ = (syst_csr_ & SYST_COUNTFLAG) | (value & (SYST_ENABLE | SYST_TICKINT)) |
		    SYST_CLKSOURCE;
	if (!was && on) {
		/* A zero counter loads RVR on the next cycle, a non-zero one counts on. */
		if (syst_frozen_)
			syst_next_ = now + syst_frozen_;
		else
			syst_next_ = syst_rvr_ ? now + 1 + syst_rvr_ : NEVER;
	}
}

/* ---- registers ---- */

uint32_t cortex_m_scs::irq_word(const bits &b, unsigned word) const
{
	/* Word w covers IRQ 32w..32w+31, i.e. exceptions 16 + 32w...; mask unimplemented lines. */
	uint32_t v = 0;

	for (unsigned i = 0; i < 32; i++) {
		unsigned irq = 32 * word + i;

		if (irq < irqs_ && test(b, IRQ0 + irq))
			v |= 1u << i;
	}
	return v;
}

uint32_t cortex_m_scs::read_icsr() const
{
	uint32_t v = current();
	unsigned pend = best_pending();

	if (depth_ <= 1)
		v |= 1u << 11; /* RETTOBASE: no exception active but the current one */
	v |= (pend & 0x1FF) << 12;
	for (unsigned n = 0; n < irqs_; n++)
		if (test(pending_, IRQ0 + n)) {
			v |= 1u << 22; /* ISRPENDING */
			break;
		}
	if (test(pending_, SYSTICK))
		v |= ICSR_PENDSTSET;
	if (test(pending_, PENDSV))
		v |= ICSR_PENDSVSET;
	if (test(pending_, NMI))
		v |= ICSR_NMIPENDSET;
	return v;
}

void cortex_m_scs::write_icsr(uint32_t value)
{
	if (value & ICSR_NMIPENDSET)
		assign(pending_, NMI, true);
	if (value & ICSR_PENDSVSET)
		assign(pending_, PENDSV, true);
	else if (value & ICSR_PENDSVCLR)
		assign(pending_, PENDSV, false);
	if (value & ICSR_PENDSTSET)
		assign(pending_, SYSTICK, true);
	else if (value & ICSR_PENDSTCLR)
		assign(pending_, SYSTICK, false);
	update_attention();
}

bool cortex_m_scs::read(uint32_t offset, unsigned size, uint64_t now, uint32_t &value)
{
	value = 0;
	if (offset % size)
		return false;
	/* Byte-addressable: the priority registers. */
	if (offset >= NVIC_IPR && offset < NVIC_IPR + irqs_) {
		for (unsigned i = 0; i < size && offset + i < NVIC_IPR + irqs_; i++)
			value |= static_cast<uint32_t>(prio_[IRQ0 + offset - NVIC_IPR + i])
				 << 8 * i;
		return true;
	}
	if (offset >= SHPR1 && offset < SHPR1 + 12) {
		for (unsigned i = 0; i < size; i++)
			value |= static_cast<uint32_t>(prio_[4 + offset - SHPR1 + i]) << 8 * i;
		return true;
	}
	if (size != 4)
		return false;
	if (offset >= NVIC_ISER && offset < NVIC_IPR) {
		unsigned word = (offset & 0x7F) / 4, bank = (offset - NVIC_ISER) / 0x80;

		if (32 * word >= irqs_) {
			value = 0;
			return true;
		}
		value = irq_word(bank < 2 ? enabled_ : bank < 4 ? pending_ : active_, word);
		return true;
	}
	switch (offset) {
	case DWT_CTRL:
		value = dwt_ctrl_;
		return true;
	case DWT_CYCCNT:
		value = (dwt_ctrl_ & 1) ? cyc_value_ + static_cast<uint32_t>(now - cyc_since_)
					: cyc_value_;
		return true;
	case ICTR:
		value = (irqs_ + 31) / 32 - 1;
		return true;
	case SYST_CSR:
		systick_advance(now);
		value = syst_csr_;
		/* COUNTFLAG clears when read. */
		syst_csr_ &= ~SYST_COUNTFLAG;
		return true;
	case SYST_RVR:
		value = syst_rvr_;
		return true;
	case SYST_CVR:
		value = syst_value(now);
		return true;
	case SYST_CALIB: {
		/* No reference clock (NOREF); TENMS = cycles in 10 ms when it fits 24 bits. */
		uint64_t tenms = clock_hz_ / 100 - 1;

		value = (1u << 31) | (tenms <= 0xFFFFFF ? static_cast<uint32_t>(tenms) : 0);
		return true;
	}
	case CPUID:
		value = cpuid_;
		return true;
	case ICSR:
		value = read_icsr();
		return true;
	case VTOR:
		value = vtor_;
		return true;
	case AIRCR:
		value = AIRCR_VECTKEYSTAT << 16 | aircr_prigroup_ << 8;
		return true;
	case SCR:
		value = scr_;
		return true;
	case CCR:
		value = ccr_;
		return true;
	case SHCSR:
		value = shcsr_;
		return true;
	case CFSR:
		value = cfsr_;
		return true;
	case HFSR:
		value = hfsr_;
		return true;
	case DFSR:
	case AFSR:
	case MMFAR:
		value = offset == MMFAR ? mmfar_ : 0;
		return true;
	case BFAR:
		value = bfar_;
		return true;
	case CPACR:
		value = cpacr_;
		return true;
	case MPU_TYPE:
		/* No MPU regions: firmware that probes skips MPU set-up. */
		value = 0;
		return true;
	case DEMCR:
		value = demcr_;
		return true;
	case FPCCR:
		value = fpccr_;
		return true;
	case FPCAR:
		value = fpcar_;
		return true;
	case FPDSCR:
		value = fpdscr_;
		return true;
	default:
		break;
	}
	if (offset < 0x0E000 || (offset >= 0x0EDF0 && offset < 0x0EF00) || offset >= 0x40000)
		return true; /* debug components: read as zero */
	guest_error("read of a system control register that is not modelled", offset);
	return true;
}

bool cortex_m_scs::write(uint32_t offset, unsigned size, uint32_t value, uint64_t now)
{
	if (offset % size)
		return false;
	if (offset >= NVIC_IPR && offset < NVIC_IPR + irqs_) {
		for (unsigned i = 0; i < size && offset + i < NVIC_IPR + irqs_; i++)
			prio_[IRQ0 + offset - NVIC_IPR + i] =
				static_cast<uint8_t>(value >> 8 * i) & priority_mask_;
		return true;
	}
	if (offset >= SHPR1 && offset < SHPR1 + 12) {
		for (unsigned i = 0; i < size; i++) {
			unsigned exc = 4 + offset - SHPR1 + i;

			/* Only MemManage..UsageFault, SVCall, DebugMonitor, PendSV, SysTick exist.
			 */
			if (exc <= USAGEFAULT || exc == SVCALL || exc == DEBUGMON ||
			    exc == PENDSV || exc == SYSTICK)
				prio_[exc] = static_cast<uint8_t>(value >> 8 * i) & priority_mask_;
		}
		return true;
	}
	if (size != 4)
		return false;
	if (offset >= NVIC_ISER && offset < NVIC_IPR) {
		unsigned word = (offset & 0x7F) / 4, bank = (offset - NVIC_ISER) / 0x80;

		for (unsigned i = 0; i < 32; i++) {
			unsigned irq = 32 * word + i, exc = IRQ0 + irq;

			if (!(value >> i & 1) || irq >= irqs_)
				continue;
			switch (bank) {
			case 0:
				assign(enabled_, exc, true);
				break;
			case 1:
				assign(enabled_, exc, false);
				break;
			case 2:
				assign(pending_, exc, true);
				break;
			case 3:
				/* An asserted level line re-pends at once. */
				if (!test(line_, exc) || test(active_, exc))
					assign(pending_, exc, false);
				break;
			default:
				break; /* IABR is read-only */
			}
		}
		update_attention();
		return true;
	}
	switch (offset) {
	case DWT_CTRL:
		if ((value & 1) && !(dwt_ctrl_ & 1))
			cyc_since_ = now;
		else if (!(value & 1) && (dwt_ctrl_ & 1))
			cyc_value_ += static_cast<uint32_t>(now - cyc_since_);
		dwt_ctrl_ = value & 1;
		return true;
	case DWT_CYCCNT:
		cyc_value_ = value;
		cyc_since_ = now;
		return true;
	case SYST_CSR:
		write_syst_csr(value, now);
		return true;
	case SYST_RVR:
		systick_advance(now);
		syst_rvr_ = value & 0xFFFFFF;
		return true;
	case SYST_CVR:
		/* Any write clears the counter and COUNTFLAG; it reloads on the next cycle. */
		systick_advance(now);
		syst_csr_ &= ~SYST_COUNTFLAG;
		syst_frozen_ = 0;
		if (syst_csr_ & SYST_ENABLE)
			syst_next_ = syst_rvr_ ? now + 1 + syst_rvr_ : NEVER;
		return true;
	case ICSR:
		write_icsr(value);
		return true;
	case VTOR:
		/* TBLOFF: 128-byte aligned on parts with up to 16 interrupts, more with more. */
		vtor_ = value & 0xFFFFFF80u;
		return true;
	case AIRCR:
		if (value >> 16 != AIRCR_VECTKEY) {
			guest_error("AIRCR written without VECTKEY: ignored", offset);
			return true;
		}
		aircr_prigroup_ = value >> 8 & 7;
		if (value & AIRCR_SYSRESETREQ)
			reset_request_ = true;
		return true;
	case SCR:
		scr_ = value & 0x16;
		return true;
	case CCR:
		ccr_ = (value & 0x31B) | (1u << 9);
		return true;
	case SHCSR:
		shcsr_ = value & 0x70000;
		return true;
	case CFSR:
		cfsr_ &= ~value; /* write one to clear */
		return true;
	case HFSR:
		hfsr_ &= ~value;
		return true;
	case DFSR:
	case AFSR:
		return true;
	case MMFAR:
		mmfar_ = value;
		return true;
	case BFAR:
		bfar_ = value;
		return true;
	case CPACR:
		cpacr_ = value & 0x00F00000;
		return true;
	case DEMCR:
		demcr_ = value & 0x010F07F1;
		return true;
	case STIR:
		if ((value & 0x1FF) < irqs_)
			set_pending(IRQ0 + (value & 0x1FF));
		return true;
	case FPCCR:
		fpccr_ = value & 0xC00001FBu;
		return true;
	case FPCAR:
		fpcar_ = value & ~7u;
		return true;
	case FPDSCR:
		fpdscr_ = value & 0x07C00000;
		return true;
	default:
		break;
	}
	if (offset < 0x0E000 || (offset >= 0x0EDF0 && offset < 0x0EF00) || offset >= 0x40000)
		return true; /* debug components: writes ignored */
	guest_error("write to a system control register that is not modelled: ignored", offset);
	return true;
}

} // namespace ampsim
