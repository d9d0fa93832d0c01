// SPDX-License-Identifier: BSD-3-Clause
/*
 * The SP805 watchdog (see watchdog.h). The counter is not ticked: it is the pair (count_ at
 * base_), and its value at any time follows from the WDOGCLK period. advance() brings the
 * state up to a time, processing the timeouts due by then in order, and queues every change
 * of the outputs with its time; update(), the one process, drives them when the kernel gets
 * there and sleeps until the next change or timeout.
 */
#include "watchdog.h"

#include <limits>
#include <sstream>

#include "register_access.h"

namespace ampsim
{

using sc_core::sc_time;

watchdog::watchdog(const sc_core::sc_module_name &name, const sc_time &wdogclk_period)
    : sc_core::sc_module(name), bus("bus"), irq("irq"), reset_out("reset_out"),
      period_(wdogclk_period)
{
	/* A zero period would make every timeout due at once, forever. */
	if (period_ == sc_core::SC_ZERO_TIME)
		SC_REPORT_FATAL(this->name(), "watchdog: the WDOGCLK period must not be zero");
	bus.register_b_transport(this, &watchdog::b_transport);
	bus.register_transport_dbg(this, &watchdog::transport_dbg);
	/* Also run at initialisation, which drives both outputs low. */
	SC_METHOD(update);
	sensitive << wake_;
}

void watchdog::guest_error(const char *what, uint32_t offset)
{
	std::ostringstream msg;

	misbehaviour_++;
	msg << what << " (offset 0x" << std::hex << offset << ")";
	SC_REPORT_WARNING(name(), msg.str().c_str());
}

bool watchdog::running() const
{
	return (control_ & INTEN) && !expired_;
}

uint32_t watchdog::counter() const
{
	uint64_t ticks;

	if (!running())
		return count_;
	ticks = (now_ - base_).value() / period_.value();
	/* advance() processed every timeout up to now_, so fewer than count_ ticks have passed. */
	return ticks < count_ ? static_cast<uint32_t>(count_ - ticks) : 0;
}

sc_time watchdog::deadline() const
{
	const uint64_t max = std::numeric_limits<uint64_t>::max();
	uint64_t span;

	/* 2^32 counts of a long period may not fit in sc_time: such a timeout never comes. */
	if (count_ > (max - base_.value()) / period_.value())
		return sc_core::sc_max_time();
	span = count_ * period_.value();
	return base_ + sc_time::from_value(span);
}

void watchdog::restart(const sc_time &from, uint32_t count)
{
	/* After an expiry the counter stays at 0 until reset(), whatever the guest writes. */
	if (expired_)
		return;
	base_ = from;
	count_ = count;
}

void watchdog::stop()
{
	restart(now_, counter());
}

void watchdog::advance(const sc_time &t)
{
	const uint64_t max = std::numeric_limits<uint64_t>::max();

	/* Time never goes backwards; a timeout due at now_ itself is processed too. */
	const sc_time until = t < now_ ? now_ : t;

	while (running()) {
		const sc_time due = deadline();

		if (due > until)
			break;
		now_ = due;
		if (!raw_interrupt_) {
			raw_interrupt_ = true;
			restart(due, load_);
		} else if (control_ & RESEN) {
			count_ = 0;
			base_ = due;
			expired_ = true;
			expiries_++;
		} else if (load_ > max / period_.value()) {
			/* Still pending, no reset: just a reload (the next is beyond sc_time). */
			restart(due, load_);
		} else {
			/* Still pending, no reset: every reload up to `until` at once. */
			const uint64_t interval = load_ * period_.value();
			const uint64_t skipped = (until - due).value() / interval;

			restart(due + sc_time::from_value(skipped * interval), load_);
		}
		queue_levels();
	}
	now_ = until;
}

void watchdog::queue_levels()
{
	const levels now{now_, raw_interrupt_ && (control_ & INTEN), expired_};

	if (now.interrupt == last_queued_.interrupt && now.reset == last_queued_.reset)
		return;
	queued_.push_back(now);
	last_queued_ = now;
}

void watchdog::wake(const sc_time &delay)
{
	/*
	 * Immediate, so that the lines follow in the next delta cycle as the mailbox's do, but
	 * only the evaluation phase may notify immediately. It overrides a pending wake, which
	 * is fine: update() sets the next one itself.
	 */
	if (delay == sc_core::SC_ZERO_TIME && sc_core::sc_get_status() == sc_core::SC_RUNNING)
		wake_.notify();
	else
		wake_.notify(delay);
}

void watchdog::update()
{
	const sc_time now = sc_core::sc_time_stamp();
	bool reset_rose = false;
	sc_time next = sc_core::sc_max_time();

	advance(now);
	while (!queued_.empty() && queued_.front().from <= now) {
		reset_rose |= queued_.front().reset && !driven_.reset;
		driven_ = queued_.front();
		queued_.pop_front();
	}
	irq.write(driven_.interrupt);
	reset_out.write(driven_.reset);
	if (reset_rose && expiry_handler_)
		expiry_handler_();
	/*
	 * Both are after now: advance() processed every timeout due by then. A timeout while
	 * the interrupt is pending and RESEN clear only reloads, which changes no output: no
	 * wake for it (the next access or update() catches up); a write that changes this wakes.
	 */
	if (!queued_.empty())
		next = queued_.front().from;
	if (running() && !(raw_interrupt_ && !(control_ & RESEN)) && deadline() < next)
		next = deadline();
	wake_.cancel();
	if (next != sc_core::sc_max_time())
		wake_.notify(next - now);
}

void watchdog::reset()
{
	advance(sc_core::sc_time_stamp());
	load_ = LOAD_RESET;
	control_ = 0;
	raw_interrupt_ = false;
	locked_ = false;
	expired_ = false;
	restart(now_, LOAD_RESET);
	queue_levels();
	wake(sc_core::SC_ZERO_TIME);
}

bool watchdog::read(uint32_t off, uint32_t &v, bool debug)
{
	switch (off) {
	case LOAD:
		v = load_;
		break;
	case VALUE:
		v = counter();
		break;
	case CONTROL:
		v = control_;
		break;
	case INTCLR:
		if (!debug)
			guest_error("read of the write-only WdogIntClr: reads 0", off);
		v = 0;
		break;
	case RIS:
		v = raw_interrupt_;
		break;
	case MIS:
		v = raw_interrupt_ && (control_ & INTEN);
		break;
	case LOCK:
		v = locked_;
		break;
	default:
		if (!primecell::is_id(off))
			return false;
		v = primecell::id(off, PERIPH_ID);
		break;
	}
	return true;
}

bool watchdog::write(uint32_t off, uint32_t v)
{
	const bool read_only = off == VALUE || off == RIS || off == MIS || primecell::is_id(off);

	if (read_only) {
		guest_error("write to a read-only register ignored", off);
		return true;
	}
	if (off == LOCK) {
		locked_ = v != UNLOCK_KEY;
		return true;
	}
	if (off != LOAD && off != CONTROL && off != INTCLR)
		return false;
	if (locked_) {
		guest_error("write while WdogLock is locked ignored", off);
		return true;
	}
	if (off == LOAD) {
		if (!v) {
			guest_error("WdogLoad of 0 (the minimum is 1): loads 1", off);
			v = 1;
		}
		load_ = v;
		restart(now_, load_);
	} else if (off == CONTROL) {
		const bool was_enabled = control_ & INTEN;

		/* Stop at the value the counter has now, before INTEN changes what that is. */
		if (!(v & INTEN))
			stop();
		control_ = v & (INTEN | RESEN);
		if (!was_enabled && (v & INTEN))
			restart(now_, load_);
	} else {
		raw_interrupt_ = false;
		restart(now_, load_);
	}
	return true;
}

void watchdog::b_transport(tlm::tlm_generic_payload &tx, sc_time &delay)
{
	uint32_t addr = static_cast<uint32_t>(tx.get_address());
	bool ok;

	if (!word_access(tx, size())) {
		guest_error("access that is not one aligned 32-bit word inside the block", addr);
		tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	/* The initiator is `delay` ahead of the kernel: that is when the access happens. */
	advance(sc_core::sc_time_stamp() + delay);
	ok = register_access(
		tx, 4, [this](uint32_t off, uint32_t &v) { return read(off, v, false); },
		[this, &delay](uint32_t off, uint32_t v) {
			bool written = write(off, v);

			queue_levels();
			wake(delay);
			return written;
		});
	if (!ok)
		guest_error("access to an offset with no register", addr);
	tx.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

unsigned int watchdog::transport_dbg(tlm::tlm_generic_payload &tx)
{
	/*
	 * Debug reads have no side effect; catching up with the kernel's time is none (the state
	 * at a time does not depend on when it is computed). Debug writes are refused.
	 */
	return debug_read_word(tx, size(), [this](uint32_t off, uint32_t &v) {
		advance(sc_core::sc_time_stamp());
		return read(off, v, true);
	});
}

} // namespace ampsim
