// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Cortex-M core on Unicorn (see cortex_m.h). The facts about Unicorn 2.0.1 this relies on
 * were each checked on the Debian package (shared notes, unicorn-cortex-m.md): writing IPSR
 * switches Unicorn into handler mode and banks SP to MSP; a branch to EXC_RETURN raises
 * interrupt 8 with nothing unstacked; uc_emu_start() returns after WFI and fails with "invalid
 * instruction" just past a WFE; memory faults leave PC at the start of the faulting block.
 */
#include "cortex_m.h"

#include <chrono>
#include <cstring>
#include <sstream>

#include <unicorn/unicorn.h>

namespace ampsim
{

namespace
{

/* Unicorn's exception numbers for the interrupt hook (QEMU target/arm/cpu.h). */
constexpr uint32_t EXCP_UDEF = 1, EXCP_SWI = 2, EXCP_BKPT = 7, EXCP_EXCEPTION_EXIT = 8,
		   EXCP_NOCP = 17, EXCP_INVSTATE = 18;

/* Configurable fault status bits (ARMv7-M B3.2.15) recorded for a crash report. */
constexpr uint32_t CFSR_IBUSERR = 1u << 8, CFSR_PRECISERR = 1u << 9, CFSR_UNSTKERR = 1u << 11,
		   CFSR_STKERR = 1u << 12, CFSR_BFARVALID = 1u << 15, CFSR_UNDEFINSTR = 1u << 16,
		   CFSR_INVSTATE = 1u << 17, CFSR_INVPC = 1u << 18, CFSR_NOCP = 1u << 19,
		   HFSR_FORCED = 1u << 30;

constexpr uint32_t XPSR_THUMB = 1u << 24;
/* The stacked xPSR bit that records the 4-byte stack realignment (CCR.STKALIGN). */
constexpr uint32_t XPSR_STACK_ALIGNED = 1u << 9;
/* Flags and GE bits survive exception entry; IT bits and the exception number do not. */
constexpr uint32_t XPSR_KEPT_ON_ENTRY = 0xF80F0000u;
constexpr uint32_t CONTROL_SPSEL = 1u << 1, CONTROL_FPCA = 1u << 2;
/* "Run until" an odd address: a Thumb PC is always even, so Unicorn never stops there. */
constexpr uint64_t NO_UNTIL = 0xFFFFFFFFu;
/* Thumb-2 DSB and DMB: 0xF3BF, then 0x8F4x (DSB) or 0x8F5x (DMB), x the option. */
constexpr uint16_t BARRIER_FIRST = 0xf3bf, BARRIER_SECOND = 0x8f40, BARRIER_MASK = 0xffe0;
constexpr uint16_t BARRIER_OPTION_ST = 0xe; /* stores only: a write barrier */
/* flush_barriers(): every pending one. */
constexpr uint64_t ALL_BARRIERS = ~0ull;

std::string hex(uint64_t v)
{
	std::ostringstream s;

	s << "0x" << std::hex << v;
	return s.str();
}

} // namespace

/* The C callbacks Unicorn calls, forwarding to the core. */
struct cortex_m_hooks {
	static void block(uc_engine *, uint64_t addr, uint32_t size, void *core)
	{
		static_cast<cortex_m *>(core)->on_block(addr, size);
	}
	static void intr(uc_engine *, uint32_t intno, void *core)
	{
		static_cast<cortex_m *>(core)->on_interrupt(intno);
	}
	static void store(uc_engine *, uc_mem_type, uint64_t addr, int size, int64_t value,
			  void *core)
	{
		cortex_m *c = static_cast<cortex_m *>(core);

		if (c->on_barrier)
			c->flush_barriers(c->reg(UC_ARM_REG_PC));
		if (c->on_store)
			c->on_store(addr, static_cast<unsigned>(size),
				    static_cast<uint64_t>(value));
	}
	static bool unmapped(uc_engine *, uc_mem_type, uint64_t addr, int, int64_t, void *core)
	{
		static_cast<cortex_m *>(core)->on_unmapped(addr);
		return false;
	}
	static uint64_t mmio_read(uc_engine *, uint64_t offset, unsigned size, void *w)
	{
		auto *win = static_cast<cortex_m::window *>(w);
		uint64_t value = 0;

		win->core->bus_access(*win, offset, size, value, false);
		return value;
	}
	static void mmio_write(uc_engine *, uint64_t offset, unsigned size, uint64_t value, void *w)
	{
		auto *win = static_cast<cortex_m::window *>(w);

		win->core->bus_access(*win, offset, size, value, true);
	}
	static uint64_t ppb_read(uc_engine *, uint64_t offset, unsigned size, void *core)
	{
		return static_cast<cortex_m *>(core)->on_ppb(offset, size, 0, false);
	}
	static void ppb_write(uc_engine *, uint64_t offset, unsigned size, uint64_t value,
			      void *core)
	{
		static_cast<cortex_m *>(core)->on_ppb(offset, size, value, true);
	}
};

cortex_m::cortex_m(const sc_core::sc_module_name &name, const config &cfg)
    : sc_core::sc_module(name), bus("bus"), irq("irq", cfg.irqs), cfg_(cfg),
      period_(sc_core::sc_time(1.0 / static_cast<double>(cfg.clock_hz ? cfg.clock_hz : 1),
			       sc_core::SC_SEC)),
      scs_(this->name(), cfg.irqs, cfg.type == core_type::m3 ? 0x412FC231u : 0x410FC241u,
	   cfg.priority_bits, cfg.clock_hz)
{
	if (!cfg.clock_hz || !cfg.quantum || period_ == sc_core::SC_ZERO_TIME)
		SC_REPORT_FATAL(this->name(),
				"cortex-m: the clock and the quantum must not be zero "
				"(and the period above the time resolution)");
	SC_HAS_PROCESS(cortex_m);
	SC_THREAD(run);
	SC_METHOD(lines_changed);
	for (auto &line : irq)
		sensitive << line;
	dont_initialize();
}

cortex_m::~cortex_m()
{
	close_engine();
}

bool cortex_m::add_window(uint64_t base, uint64_t size)
{
	constexpr uint64_t page = 4096;

	if (!size || base % page || size % page || base + size > cortex_m_scs::PPB_BASE ||
	    base + size < base)
		return false;
	for (const auto &w : windows_)
		if (base < w.base + w.size && w.base < base + size)
			return false;
	windows_.push_back(window{base, size, nullptr, false, this});
	return true;
}

void cortex_m::end_of_elaboration()
{
	/* Ask for direct access to every window; what is granted whole runs at host speed. */
	for (auto &w : windows_) {
		tlm::tlm_generic_payload tx;
		tlm::tlm_dmi dmi;

		tx.set_command(tlm::TLM_READ_COMMAND);
		tx.set_address(w.base);
		if (!bus->get_direct_mem_ptr(tx, dmi))
			continue;
		if (dmi.get_start_address() > w.base ||
		    dmi.get_end_address() < w.base + w.size - 1 || !dmi.is_read_allowed())
			continue;
		w.host = dmi.get_dmi_ptr() + (w.base - dmi.get_start_address());
		w.writable = dmi.is_write_allowed();
	}
}

void cortex_m::write_reg(int r, uint32_t v)
{
	uc_reg_write(uc_, r, &v);
}

uint32_t cortex_m::reg(int uc_reg) const
{
	uint32_t v = 0;

	if (uc_)
		uc_reg_read(uc_, uc_reg, &v);
	return v;
}

uint64_t cortex_m::time_cycles(const sc_core::sc_time &t) const
{
	/* Round up: a core woken between two clock edges runs from the next one. */
	uint64_t p = period_.value();

	return (t.value() + p - 1) / p;
}

bool cortex_m::open_engine()
{
	uc_hook h;

	if (uc_open(UC_ARCH_ARM, static_cast<uc_mode>(UC_MODE_THUMB | UC_MODE_MCLASS), &uc_) !=
	    UC_ERR_OK) {
		uc_ = nullptr;
		return false;
	}
	uc_ctl_set_cpu_model(uc_, cfg_.type == core_type::m3 ? UC_CPU_ARM_CORTEX_M3
							     : UC_CPU_ARM_CORTEX_M4);
	/*
	 * Slices end through the block hook, never at an address. Without the exits mode Unicorn
	 * 2.0.1 rebuilds its exit set (a GTree, allocated) at every uc_emu_start() and invalidates
	 * the translated code at the "until" address when it returns; an empty exit set does
	 * neither.
	 */
	if (uc_ctl_exits_enable(uc_) != UC_ERR_OK)
		return false;
	for (auto &w : windows_) {
		uc_err err;

		if (w.host)
			err = uc_mem_map_ptr(uc_, w.base, w.size,
					     w.writable ? UC_PROT_ALL : UC_PROT_READ | UC_PROT_EXEC,
					     w.host);
		else
			err = uc_mmio_map(uc_, w.base, w.size, cortex_m_hooks::mmio_read, &w,
					  cortex_m_hooks::mmio_write, &w);
		if (err != UC_ERR_OK)
			return false;
	}
	if (uc_mmio_map(uc_, cortex_m_scs::PPB_BASE, cortex_m_scs::PPB_SIZE,
			cortex_m_hooks::ppb_read, this, cortex_m_hooks::ppb_write,
			this) != UC_ERR_OK)
		return false;
	/* Every block, for the budget; no per-instruction or per-access hook anywhere. */
	if (uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void *>(cortex_m_hooks::block),
			this, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void *>(cortex_m_hooks::intr), this,
			1, 0) != UC_ERR_OK ||
	    uc_hook_add(uc_, &h, UC_HOOK_MEM_UNMAPPED,
			reinterpret_cast<void *>(cortex_m_hooks::unmapped), this, 1,
			0) != UC_ERR_OK)
		return false;
	return hook_observers();
}

void cortex_m::observe_stores(uint64_t base, uint64_t size)
{
	if (size)
		observed_.emplace_back(base, size);
}

/*
 * Tracing: a write hook per observed range, installed before anything is translated (a hook
 * added later would flush Unicorn's translated code). A bounded memory hook costs nothing
 * outside its range, and does not change how code is translated: a run behaves the same with
 * and without it. (Code hooks do not qualify: with Unicorn 2.0.1 a code hook on a DMB's address
 * made an M-profile firmware print wrong values; barriers come from the blocks instead.)
 */
bool cortex_m::hook_observers()
{
	uc_hook h;

	for (const auto &r : observed_)
		if (uc_hook_add(uc_, &h, UC_HOOK_MEM_WRITE,
				reinterpret_cast<void *>(cortex_m_hooks::store), this, r.first,
				r.first + r.second - 1) != UC_ERR_OK)
			return false;
	return true;
}

void cortex_m::close_engine()
{
	if (uc_)
		uc_close(uc_);
	uc_ = nullptr;
}

void cortex_m::start()
{
	/* Through "halted", so that a sleeping or running core's thread notices at once. */
	state_ = state::halted;
	start_requested_ = true;
	if (emulating_)
		uc_emu_stop(uc_);
	control_event_.notify(sc_core::SC_ZERO_TIME);
}

void cortex_m::halt()
{
	start_requested_ = false;
	state_ = state::halted;
	if (emulating_)
		uc_emu_stop(uc_);
	control_event_.notify(sc_core::SC_ZERO_TIME);
}

void cortex_m::read_lines()
{
	for (unsigned n = 0; n < irq.size(); n++)
		scs_.set_line(n, irq[n].read());
}

void cortex_m::lines_changed()
{
	read_lines();
	wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void cortex_m::fault(fault_kind kind, const std::string &why)
{
	std::ostringstream text;

	text << why << " (pc " << hex(reg(UC_ARM_REG_PC)) << ", lr " << hex(reg(UC_ARM_REG_LR))
	     << ", sp " << hex(reg(UC_ARM_REG_SP)) << ", ipsr " << scs_.current() << ")";
	fault_text_ = text.str();
	state_ = state::crashed;
	SC_REPORT_INFO(name(), ("halted by a fault: " + fault_text_).c_str());
	if (on_fault)
		on_fault(kind, fault_text_);
}

bool cortex_m::load_reset_vector()
{
	uint32_t vec[2];

	if (uc_mem_read(uc_, cfg_.vtor_reset, vec, sizeof(vec)) != UC_ERR_OK) {
		fault(fault_kind::memory,
		      "reset: the vector table at " + hex(cfg_.vtor_reset) + " is not in memory");
		return false;
	}
	if (!(vec[1] & 1)) {
		scs_.record_fault(CFSR_INVSTATE, HFSR_FORCED, 0);
		fault(fault_kind::hard, "reset: the reset vector " + hex(vec[1]) +
						" has the Thumb bit clear (INVSTATE)");
		return false;
	}
	for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; r++)
		write_reg(r, 0);
	write_reg(UC_ARM_REG_CONTROL, 0);
	write_reg(UC_ARM_REG_PRIMASK, 0);
	write_reg(UC_ARM_REG_BASEPRI, 0);
	write_reg(UC_ARM_REG_FAULTMASK, 0);
	write_reg(UC_ARM_REG_XPSR, XPSR_THUMB);
	write_reg(UC_ARM_REG_PSP, 0);
	/* SP_main is word aligned (its low two bits are read-as-zero). */
	write_reg(UC_ARM_REG_MSP, vec[0] & ~3u);
	write_reg(UC_ARM_REG_LR, 0xFFFFFFFFu);
	write_reg(UC_ARM_REG_PC, vec[1] & ~1u);
	return true;
}

void cortex_m::do_reset()
{
	close_engine();
	scs_.reset();
	blocks_ = {};
	event_register_ = false;
	fault_text_.clear();
	/* A fresh engine: no code translated from the image that ran before can survive. */
	if (!open_engine()) {
		state_ = state::crashed;
		fault_text_ = "reset: Unicorn could not map the core's memory";
		SC_REPORT_ERROR(name(), fault_text_.c_str());
		if (on_fault)
			on_fault(fault_kind::unsupported, fault_text_);
		return;
	}
	state_ = state::running;
	load_reset_vector();
}

uint32_t cortex_m::count_instructions(uint32_t addr, uint32_t size)
{
	block_info &b = blocks_[(addr >> 1) % blocks_.size()];
	uint16_t code[512];
	uint32_t n = 0;

	if (b.addr == addr && b.size == size)
		return b.count;
	/* Thumb: a halfword with top five bits 0b11101, 0b11110 or 0b11111 starts a 32-bit one. */
	if (size <= sizeof(code) && uc_mem_read(uc_, addr, code, size) == UC_ERR_OK) {
		for (uint32_t i = 0; i < size / 2; i++, n++)
			if ((code[i] >> 11) >= 0x1D)
				i++;
	} else {
		n = size / 2; /* code Unicorn cannot read back: count every halfword */
	}
	if (!n)
		n = 1;
	b = block_info{addr, size, n};
	return n;
}

uint32_t cortex_m::masks(uint32_t &basepri, uint32_t &faultmask) const
{
	basepri = reg(UC_ARM_REG_BASEPRI);
	faultmask = reg(UC_ARM_REG_FAULTMASK);
	return reg(UC_ARM_REG_PRIMASK);
}

/*
 * The cores' barriers, for tracing, without a code hook: a translated block runs to its end
 * unless it faults (a stop requested in its block hook takes effect at the next block), so the
 * barriers of a block are reported when something later in program order happens - a store or
 * a peripheral access at a higher address in the block, the next block, the end of the slice.
 */
void cortex_m::barriers_of_block(uint32_t addr, uint32_t size)
{
	uint64_t key = (static_cast<uint64_t>(addr) << 32) | size;
	auto it = block_barriers_.find(key);

	if (it == block_barriers_.end()) {
		std::vector<std::pair<uint32_t, uint8_t>> found;
		std::vector<uint16_t> code(size / 2 + 1);

		if (uc_mem_read(uc_, addr, code.data(), size) == UC_ERR_OK) {
			for (uint32_t i = 0; i + 1 < size / 2; i++) {
				if (code[i] == BARRIER_FIRST &&
				    (code[i + 1] & BARRIER_MASK) == BARRIER_SECOND)
					found.emplace_back(
						addr + 2 * i,
						(code[i + 1] & 0xf) == BARRIER_OPTION_ST ? 0 : 2);
				if ((code[i] >> 11) >= 0x1D)
					i++; /* the second half of a 32-bit instruction */
			}
		}
		it = block_barriers_.emplace(key, std::move(found)).first;
	}
	pending_barriers_ = it->second;
	pending_next_ = 0;
}

void cortex_m::flush_barriers(uint64_t before)
{
	while (pending_next_ < pending_barriers_.size() &&
	       pending_barriers_[pending_next_].first < before)
		on_barrier(pending_barriers_[pending_next_++].second);
}

void cortex_m::on_block(uint64_t addr, uint32_t size)
{
	if (on_barrier) {
		flush_barriers(ALL_BARRIERS); /* the previous block ran to its end */
		barriers_of_block(static_cast<uint32_t>(addr), size);
	}
	executed_ += count_instructions(static_cast<uint32_t>(addr), size);
	if (executed_ >= budget_) {
		stop_ = stop::budget;
		uc_emu_stop(uc_);
		return;
	}
	/* Something pending: if the core just made it deliverable (CPSIE, MSR), take it now. */
	if (scs_.attention()) {
		uint32_t basepri, faultmask, primask = masks(basepri, faultmask);

		if (scs_.preempting(primask, basepri, faultmask) != cortex_m_scs::NONE) {
			stop_ = stop::attention;
			uc_emu_stop(uc_);
		}
	}
}

void cortex_m::on_interrupt(uint32_t intno)
{
	intno_ = intno;
	switch (intno) {
	case EXCP_EXCEPTION_EXIT:
		stop_ = stop::exception_exit;
		break;
	case EXCP_SWI:
		stop_ = stop::svc;
		break;
	case EXCP_BKPT:
		stop_ = stop::bkpt;
		break;
	default:
		stop_ = stop::fault;
		break;
	}
	uc_emu_stop(uc_);
}

void cortex_m::on_unmapped(uint64_t addr)
{
	fault_addr_ = addr;
	fault_addr_valid_ = true;
}

bool cortex_m::bus_access(window &w, uint64_t offset, unsigned size, uint64_t &value, bool write)
{
	tlm::tlm_generic_payload tx;
	uint8_t data[8] = {};
	sc_core::sc_time before = cycles_time(now() - synced_), delay = before;

	if (on_barrier)
		flush_barriers(reg(UC_ARM_REG_PC)); /* a DSB before a mailbox write comes first */

	if (size > sizeof(data))
		size = sizeof(data);
	if (write)
		std::memcpy(data, &value, size); /* little-endian guest on a little-endian host */
	tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
	tx.set_address(w.base + offset);
	tx.set_data_ptr(data);
	tx.set_data_length(size);
	tx.set_streaming_width(size);
	tx.set_byte_enable_ptr(nullptr);
	tx.set_dmi_allowed(false);
	tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	bus->b_transport(tx, delay);
	bus_written_ |= write;
	/* The target's latency is time the core waited. */
	if (delay > before)
		executed_ += time_cycles(delay - before);
	if (tx.is_response_error()) {
		scs_.record_fault(CFSR_PRECISERR | CFSR_BFARVALID, HFSR_FORCED,
				  static_cast<uint32_t>(w.base + offset));
		callback_fault_ = fault_kind::bus;
		callback_fault_text_ = std::string("bus error: ") +
				       (write ? "write to " : "read of ") + hex(w.base + offset) +
				       " (" + std::to_string(size) +
				       " bytes): " + tx.get_response_string();
		stop_ = stop::callback;
		uc_emu_stop(uc_);
		value = 0;
		return false;
	}
	if (!write) {
		value = 0;
		std::memcpy(&value, data, size);
	}
	return true;
}

uint64_t cortex_m::on_ppb(uint64_t offset, unsigned size, uint64_t value, bool write)
{
	uint32_t v = static_cast<uint32_t>(value);
	bool ok = write ? scs_.write(static_cast<uint32_t>(offset), size, v, now())
			: scs_.read(static_cast<uint32_t>(offset), size, now(), v);

	if (!ok) {
		scs_.record_fault(CFSR_PRECISERR | CFSR_BFARVALID, HFSR_FORCED,
				  static_cast<uint32_t>(cortex_m_scs::PPB_BASE + offset));
		callback_fault_ = fault_kind::bus;
		callback_fault_text_ = "bus error: " + std::to_string(size) + "-byte access to " +
				       hex(cortex_m_scs::PPB_BASE + offset) +
				       " in the system control space";
		stop_ = stop::callback;
		uc_emu_stop(uc_);
		return 0;
	}
	if (write && scs_.take_reset_request()) {
		reset_requested_ = true;
		stop_ = stop::callback;
		uc_emu_stop(uc_);
	}
	return write ? 0 : v;
}

/*
 * Stacking goes straight to the window's host memory when the stack is in RAM: uc_mem_write()
 * runs QEMU's self-modifying-code check, which allocates and frees a page collection per call
 * and made each exception entry cost microseconds. No code is ever translated from a stack, so
 * there is nothing for the check to find. (Guest memory is little-endian, as is every host
 * Debian runs this on.)
 */
bool cortex_m::stack_words(uint32_t addr, uint32_t *words, unsigned n, bool write)
{
	for (const window &w : windows_) {
		if (!w.host || addr < w.base || addr - w.base + 4ull * n > w.size)
			continue;
		if (write && !w.writable)
			break;
		if (write)
			std::memcpy(w.host + (addr - w.base), words, 4 * n);
		else
			std::memcpy(words, w.host + (addr - w.base), 4 * n);
		return true;
	}
	return (write ? uc_mem_write(uc_, addr, words, 4 * n)
		      : uc_mem_read(uc_, addr, words, 4 * n)) == UC_ERR_OK;
}

void cortex_m::enter_exception(unsigned exc)
{
	static constexpr int stacked[] = {UC_ARM_REG_R0, UC_ARM_REG_R1,  UC_ARM_REG_R2,
					  UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};
	uint32_t control = reg(UC_ARM_REG_CONTROL), frame[8], vector, sp, exc_return;
	bool thread = scs_.depth() == 0, on_psp = thread && (control & CONTROL_SPSEL);
	uint32_t xpsr = reg(UC_ARM_REG_XPSR);

	if (control & CONTROL_FPCA) {
		fault(fault_kind::unsupported,
		      "exception " + std::to_string(exc) +
			      " taken with an active floating-point context (CONTROL.FPCA): "
			      "the model does not stack FP registers");
		return;
	}
	for (unsigned i = 0; i < 6; i++)
		frame[i] = reg(stacked[i]);
	frame[6] = reg(UC_ARM_REG_PC);
	sp = reg(on_psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP);
	/* CCR.STKALIGN: the frame is 8-byte aligned; the stacked xPSR remembers the padding. */
	frame[7] = xpsr | ((sp & 4) ? XPSR_STACK_ALIGNED : 0);
	sp = (sp - 32) & ~7u;
	if (!stack_words(sp, frame, 8, true)) {
		scs_.record_fault(CFSR_STKERR, HFSR_FORCED, 0);
		fault(fault_kind::lockup, "stacking for exception " + std::to_string(exc) +
						  " failed: the stack at " + hex(sp) +
						  " is not in writable memory");
		return;
	}
	if (uc_mem_read(uc_, scs_.vtor() + 4 * exc, &vector, 4) != UC_ERR_OK) {
		scs_.record_fault(CFSR_IBUSERR, HFSR_FORCED, 0);
		fault(fault_kind::lockup, "the vector of exception " + std::to_string(exc) +
						  " (at " + hex(scs_.vtor() + 4 * exc) +
						  ") is not in memory");
		return;
	}
	if (!(vector & 1)) {
		scs_.record_fault(CFSR_INVSTATE, HFSR_FORCED, 0);
		fault(fault_kind::hard, "the vector of exception " + std::to_string(exc) + " (" +
						hex(vector) +
						") has the Thumb bit clear (INVSTATE)");
		return;
	}
	exc_return = !thread ? 0xFFFFFFF1u : on_psp ? 0xFFFFFFFDu : 0xFFFFFFF9u;
	scs_.activate(exc);
	/*
	 * Order matters: IPSR first (Unicorn then banks SP to MSP), then CONTROL.SPSEL = 0 as
	 * exception entry requires, then both stack pointers explicitly.
	 */
	write_reg(UC_ARM_REG_XPSR, (xpsr & XPSR_KEPT_ON_ENTRY) | XPSR_THUMB | exc);
	write_reg(UC_ARM_REG_IPSR, exc);
	write_reg(UC_ARM_REG_CONTROL, control & ~CONTROL_SPSEL);
	if (on_psp)
		write_reg(UC_ARM_REG_PSP, sp);
	else
		write_reg(UC_ARM_REG_MSP, sp);
	write_reg(UC_ARM_REG_LR, exc_return);
	write_reg(UC_ARM_REG_PC, vector & ~1u);
	exceptions_++;
	event_register_ = true;
}

void cortex_m::return_from_exception(uint32_t exc_return)
{
	static constexpr int unstacked[] = {UC_ARM_REG_R0, UC_ARM_REG_R1,  UC_ARM_REG_R2,
					    UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};
	bool to_thread = exc_return & 8, on_psp = exc_return & 4;
	uint32_t frame[8], sp, control;
	unsigned exc;

	if (exc_return != 0xFFFFFFF1u && exc_return != 0xFFFFFFF9u && exc_return != 0xFFFFFFFDu) {
		scs_.record_fault(CFSR_INVPC, HFSR_FORCED, 0);
		fault((exc_return & 0x10) ? fault_kind::hard : fault_kind::unsupported,
		      "exception return with EXC_RETURN " + hex(exc_return) +
			      ((exc_return & 0x10) ? " (not a valid value, INVPC)"
						   : " (a floating-point frame, not modelled)"));
		return;
	}
	exc = scs_.deactivate();
	if (exc == cortex_m_scs::NONE || (to_thread && scs_.depth()) ||
	    (!to_thread && !scs_.depth())) {
		scs_.record_fault(CFSR_INVPC, HFSR_FORCED, 0);
		fault(fault_kind::hard, "exception return with EXC_RETURN " + hex(exc_return) +
						" does not match the active exceptions (INVPC)");
		return;
	}
	sp = reg(on_psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP);
	if (!stack_words(sp, frame, 8, false)) {
		scs_.record_fault(CFSR_UNSTKERR, HFSR_FORCED, 0);
		fault(fault_kind::lockup, "unstacking on return from exception " +
						  std::to_string(exc) + " failed: the stack at " +
						  hex(sp) + " is not in memory");
		return;
	}
	sp += 32 + ((frame[7] & XPSR_STACK_ALIGNED) ? 4 : 0);
	for (unsigned i = 0; i < 6; i++)
		write_reg(unstacked[i], frame[i]);
	/* IPSR from our own record; the rest (flags, IT state, Thumb) from the frame. */
	write_reg(UC_ARM_REG_XPSR, (frame[7] & ~(0x1FFu | XPSR_STACK_ALIGNED)) | scs_.current());
	write_reg(UC_ARM_REG_IPSR, scs_.current());
	control = reg(UC_ARM_REG_CONTROL);
	write_reg(UC_ARM_REG_CONTROL,
		  (to_thread && on_psp) ? control | CONTROL_SPSEL : control & ~CONTROL_SPSEL);
	write_reg(on_psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP, sp);
	write_reg(UC_ARM_REG_PC, frame[6] & ~1u);
	event_register_ = true;
	if (to_thread && scs_.sleep_on_exit())
		sleep_until_woken(false);
}

bool cortex_m::wake_condition() const
{
	uint32_t basepri, faultmask;

	if (!scs_.attention())
		return false;
	masks(basepri, faultmask);
	/* WFI wakes for an exception that would be taken if PRIMASK were clear. */
	return scs_.preempting(0, basepri, faultmask) != cortex_m_scs::NONE;
}

void cortex_m::sync()
{
	if (cycles_ > synced_) {
		wait(cycles_time(cycles_ - synced_));
		synced_ = cycles_;
	}
}

void cortex_m::sleep_until_woken(bool wfe)
{
	uint64_t spurious = wfe ? cycles_ + cfg_.quantum : cortex_m_scs::NEVER;

	if (wfe && event_register_) {
		event_register_ = false;
		return;
	}
	if (wake_condition())
		return;
	state_ = state::sleeping;
	/* Catching up with SystemC lets other processes run: an interrupt may arrive here. */
	sync();
	while (state_ == state::sleeping) {
		uint64_t deadline = std::min(scs_.systick_next(), spurious), woke;

		if (wake_condition() || cycles_ >= spurious) {
			state_ = state::running;
			break;
		}
		if (deadline == cortex_m_scs::NEVER)
			wait(wake_event_ | control_event_);
		else if (deadline > cycles_)
			wait(cycles_time(deadline - cycles_), wake_event_ | control_event_);
		woke = std::max(time_cycles(sc_core::sc_time_stamp()), cycles_);
		sleep_cycles_ += woke - cycles_;
		cycles_ = synced_ = woke;
		scs_.systick_advance(cycles_);
		if (state_ != state::sleeping)
			return; /* halted or restarted meanwhile */
	}
	event_register_ = false;
}

bool cortex_m::instruction_before(uint32_t pc, uint16_t narrow, uint32_t wide)
{
	uint16_t hw[2];

	if (pc >= 2 && uc_mem_read(uc_, pc - 2, hw, 2) == UC_ERR_OK && hw[0] == narrow)
		return true;
	return pc >= 4 && uc_mem_read(uc_, pc - 4, hw, 4) == UC_ERR_OK &&
	       (static_cast<uint32_t>(hw[0]) << 16 | hw[1]) == wide;
}

void cortex_m::refresh_lines()
{
	/*
	 * A peripheral the core wrote to (an interrupt acknowledged, a mailbox read empty) changes
	 * its interrupt signal in the next delta cycle; the core, running ahead in local time,
	 * would otherwise take the stale level for a new interrupt when the handler returns. One
	 * delta cycle lets the signals settle; then the lines are read directly.
	 */
	wait(sc_core::SC_ZERO_TIME);
	read_lines();
	bus_written_ = false;
}

void cortex_m::after_slice(int err, uint32_t start_pc)
{
	uint32_t pc = reg(UC_ARM_REG_PC);

	if (bus_written_)
		refresh_lines();
	if (state_ != state::running)
		return; /* halted or restarted during the delta cycle */

	if (stop_ == stop::callback) {
		if (reset_requested_) {
			reset_requested_ = false;
			SC_REPORT_INFO(name(), "system reset requested (AIRCR.SYSRESETREQ)");
			if (on_reset_request)
				on_reset_request();
			start_requested_ = true;
			return;
		}
		fault(callback_fault_, callback_fault_text_);
		return;
	}
	if (err != UC_ERR_OK) {
		/* WFE: Unicorn has no use for it and fails just past it (never at the start). */
		if (err == UC_ERR_INSN_INVALID && pc != start_pc &&
		    instruction_before(pc, 0xBF20, 0xF3AF8002u)) {
			sleep_until_woken(true);
			return;
		}
		switch (err) {
		case UC_ERR_READ_UNMAPPED:
		case UC_ERR_WRITE_UNMAPPED:
		case UC_ERR_FETCH_UNMAPPED:
		case UC_ERR_WRITE_PROT:
		case UC_ERR_READ_PROT:
		case UC_ERR_FETCH_PROT:
			scs_.record_fault(err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_PROT
						  ? CFSR_IBUSERR
						  : CFSR_PRECISERR | CFSR_BFARVALID,
					  HFSR_FORCED, static_cast<uint32_t>(fault_addr_));
			fault(fault_kind::memory,
			      std::string(uc_strerror(static_cast<uc_err>(err))) +
				      (fault_addr_valid_ ? " at " + hex(fault_addr_)
							 : std::string()) +
				      ", in the block at " + hex(pc));
			return;
		case UC_ERR_INSN_INVALID:
			scs_.record_fault(CFSR_UNDEFINSTR, HFSR_FORCED, 0);
			fault(fault_kind::hard, "undefined instruction at " + hex(pc));
			return;
		default:
			fault(fault_kind::hard, std::string("emulation stopped: ") +
							uc_strerror(static_cast<uc_err>(err)));
			return;
		}
	}
	switch (stop_) {
	case stop::none:
		/* Unicorn returned by itself: that is WFI (it stops just after one). */
		if (instruction_before(pc, 0xBF30, 0xF3AF8003u))
			sleep_until_woken(false);
		return;
	case stop::budget:
	case stop::attention:
		return;
	case stop::exception_exit:
		return_from_exception(pc | 1);
		return;
	case stop::svc: {
		uint32_t basepri, faultmask, primask = masks(basepri, faultmask);

		/* SVC is synchronous: if SVCall cannot preempt now it escalates to HardFault. */
		if (!scs_.can_preempt(cortex_m_scs::SVCALL, primask, basepri, faultmask)) {
			fault(fault_kind::hard, "SVC executed while SVCall cannot be taken "
						"(masked or not above the current priority)");
			return;
		}
		scs_.set_pending(cortex_m_scs::SVCALL);
		return;
	}
	case stop::bkpt:
		fault(fault_kind::hard, "BKPT executed with no debugger attached");
		return;
	case stop::fault:
		scs_.record_fault(intno_ == EXCP_NOCP       ? CFSR_NOCP
				  : intno_ == EXCP_INVSTATE ? CFSR_INVSTATE
				  : intno_ == EXCP_UDEF     ? CFSR_UNDEFINSTR
							    : 0,
				  HFSR_FORCED, 0);
		fault(fault_kind::hard, intno_ == EXCP_NOCP ? "coprocessor instruction with "
							      "the coprocessor disabled (NOCP)"
					: intno_ == EXCP_INVSTATE
						? "instruction in ARM state (INVSTATE)"
						: "processor exception " + std::to_string(intno_));
		return;
	case stop::callback:
		return;
	}
}

void cortex_m::run_slice(uint64_t budget)
{
	uint32_t pc = reg(UC_ARM_REG_PC);
	auto t0 = std::chrono::steady_clock::now();
	int err;

	executed_ = 0;
	budget_ = budget;
	stop_ = stop::none;
	fault_addr_valid_ = false;
	emulating_ = true;
	err = uc_emu_start(uc_, pc | 1, NO_UNTIL, 0, 0);
	emulating_ = false;
	if (on_barrier) {
		/* The last block ran to its end, or to the instruction that faulted. */
		flush_barriers(stop_ == stop::fault || stop_ == stop::callback || err != UC_ERR_OK
				       ? reg(UC_ARM_REG_PC)
				       : ALL_BARRIERS);
		pending_barriers_.clear();
		pending_next_ = 0;
	}
	emu_seconds_ +=
		std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	cycles_ += executed_;
	instructions_ += executed_;
	executed_ = 0;
	if (state_ != state::running)
		return; /* halted from a callback */
	after_slice(err, pc);
}

void cortex_m::take_pending_exceptions()
{
	/* Tail-chaining and late arrival: take the best one until nothing preempts. */
	while (state_ == state::running && scs_.attention()) {
		uint32_t basepri, faultmask, primask = masks(basepri, faultmask);
		unsigned exc = scs_.preempting(primask, basepri, faultmask);

		if (exc == cortex_m_scs::NONE)
			return;
		enter_exception(exc);
	}
}

void cortex_m::run()
{
	for (;;) {
		if (start_requested_) {
			start_requested_ = false;
			cycles_ = synced_ =
				std::max(cycles_, time_cycles(sc_core::sc_time_stamp()));
			do_reset();
		}
		if (state_ != state::running) {
			sync();
			/* A start requested while catching up has notified already. */
			if (!start_requested_)
				wait(control_event_);
			cycles_ = synced_ =
				std::max(cycles_, time_cycles(sc_core::sc_time_stamp()));
			continue;
		}
		take_pending_exceptions();
		if (state_ != state::running)
			continue;
		{
			uint64_t local = cycles_ - synced_;
			uint64_t budget = local < cfg_.quantum ? cfg_.quantum - local : 1;
			uint64_t tick = scs_.systick_next();

			if (tick != cortex_m_scs::NEVER)
				budget = std::min(budget, tick > cycles_ ? tick - cycles_ : 1);
			run_slice(budget);
		}
		scs_.systick_advance(cycles_);
		if (cycles_ - synced_ >= cfg_.quantum)
			sync();
	}
}

} // namespace ampsim
