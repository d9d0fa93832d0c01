// SPDX-License-Identifier: BSD-3-Clause
/*
 * The OMAP4 mailbox (see mailbox.h). Registers are decoded from the offset; every access is one
 * aligned 32-bit word, as the Linux driver makes them.
 */
#include "mailbox.h"

#include <sstream>

#include "register_access.h"

namespace ampsim
{

mailbox::mailbox(const sc_core::sc_module_name &name, unsigned fifos, unsigned users,
		 unsigned depth)
    : sc_core::sc_module(name), bus("bus"), irq("irq", users), fifos_(fifos), users_(users),
      depth_(depth), fifo_(fifos), user_(users), level_(users, false)
{
	/* Two event bits per FIFO in one 32-bit status register: at most 16 FIFOs. */
	if (!fifos || fifos > 16 || !users || !depth)
		SC_REPORT_FATAL(this->name(),
				"mailbox: 1..16 FIFOs, at least one user and depth 1");
	bus.register_b_transport(this, &mailbox::b_transport);
	bus.register_transport_dbg(this, &mailbox::transport_dbg);
}

uint64_t mailbox::size() const
{
	return IRQ_BASE + IRQ_STRIDE * static_cast<uint64_t>(users_);
}

void mailbox::end_of_elaboration()
{
	reset();
}

void mailbox::guest_error(const char *what, uint32_t offset)
{
	std::ostringstream msg;

	misbehaviour_++;
	msg << what << " (offset 0x" << std::hex << offset << ")";
	SC_REPORT_WARNING(name(), msg.str().c_str());
}

void mailbox::reset()
{
	for (auto &f : fifo_)
		f.clear();
	for (auto &u : user_)
		u = user();
	/* Every FIFO is empty, so it has room: NOTFULL is pending (disabled) for everyone. */
	for (unsigned m = 0; m < fifos_; m++)
		raise(notfull(m));
}

void mailbox::raise(uint32_t events)
{
	for (auto &u : user_)
		u.raw |= events;
	update_irq();
}

void mailbox::update_irq()
{
	/* Ports can only be written once bound, i.e. from end_of_elaboration() on. */
	for (unsigned u = 0; u < users_; u++) {
		bool level = (user_[u].raw & user_[u].enable) != 0;

		if (!irq[u].get_interface())
			continue;
		irq[u].write(level);
		if (level != level_[u] && tap)
			tap({event::kind::irq, u, level});
		level_[u] = level;
	}
}

void mailbox::push(unsigned m, uint32_t message)
{
	if (fifo_[m].size() == depth_) {
		guest_error("message written to a full FIFO: dropped", MESSAGE + 4 * m);
		return;
	}
	fifo_[m].push_back(message);
	if (tap)
		tap({event::kind::message_written, m, message});
	raise(newmsg(m));
}

uint32_t mailbox::pop(unsigned m, bool debug)
{
	uint32_t message;
	bool was_full;

	if (fifo_[m].empty()) {
		if (!debug)
			guest_error("message read from an empty FIFO: reads 0", MESSAGE + 4 * m);
		return 0;
	}
	message = fifo_[m].front();
	if (debug)
		return message;
	was_full = fifo_[m].size() == depth_;
	fifo_[m].pop_front();
	if (tap)
		tap({event::kind::message_read, m, message});
	if (was_full)
		raise(notfull(m));
	return message;
}

bool mailbox::read(uint32_t off, uint32_t &v, bool debug)
{
	if (off == REVISION) {
		v = REVISION_VALUE;
	} else if (off == SYSCONFIG) {
		v = 0; /* SOFTRESET completes at once */
	} else if (off >= MESSAGE && off < MESSAGE + 4 * fifos_) {
		v = pop((off - MESSAGE) / 4, debug);
	} else if (off >= FIFOSTATUS && off < FIFOSTATUS + 4 * fifos_) {
		v = fifo_[(off - FIFOSTATUS) / 4].size() == depth_;
	} else if (off >= MSGSTATUS && off < MSGSTATUS + 4 * fifos_) {
		v = static_cast<uint32_t>(fifo_[(off - MSGSTATUS) / 4].size());
	} else if (off >= IRQ_BASE && off < size()) {
		const user &u = user_[(off - IRQ_BASE) / IRQ_STRIDE];

		switch ((off - IRQ_BASE) % IRQ_STRIDE) {
		case IRQSTATUS_RAW:
			v = u.raw;
			break;
		case IRQSTATUS:
			v = u.raw & u.enable;
			break;
		default: /* IRQENABLE and IRQENABLE_CLR both read the mask */
			v = u.enable;
			break;
		}
	} else {
		return false;
	}
	return true;
}

bool mailbox::write(uint32_t off, uint32_t v)
{
	if (off == SYSCONFIG) {
		if (v & SOFTRESET)
			reset();
	} else if (off >= MESSAGE && off < MESSAGE + 4 * fifos_) {
		push((off - MESSAGE) / 4, v);
	} else if (off >= IRQ_BASE && off < size()) {
		user &u = user_[(off - IRQ_BASE) / IRQ_STRIDE];

		switch ((off - IRQ_BASE) % IRQ_STRIDE) {
		case IRQSTATUS:
			/* Write 1 to clear; an event whose condition still holds stays. */
			for (unsigned m = 0; m < fifos_; m++) {
				if ((v & newmsg(m)) && fifo_[m].empty())
					u.raw &= ~newmsg(m);
				if ((v & notfull(m)) && fifo_[m].size() == depth_)
					u.raw &= ~notfull(m);
			}
			break;
		case IRQENABLE:
			u.enable |= v & ((1u << (2 * fifos_ - 1) << 1) - 1);
			break;
		case IRQENABLE_CLR:
			u.enable &= ~v;
			break;
		default: /* IRQSTATUS_RAW is read-only */
			guest_error("write to IRQSTATUS_RAW ignored", off);
			break;
		}
		update_irq();
	} else if (off == REVISION || (off >= FIFOSTATUS && off < MSGSTATUS + 4 * fifos_)) {
		guest_error("write to a read-only register ignored", off);
	} else {
		return false;
	}
	return true;
}

void mailbox::b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
	uint32_t addr = static_cast<uint32_t>(tx.get_address());
	bool ok;

	(void)delay;
	if (!word_access(tx, size())) {
		guest_error("access that is not one aligned 32-bit word inside the block", addr);
		tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	ok = register_access(
		tx, 4, [this](uint32_t off, uint32_t &v) { return read(off, v, false); },
		[this](uint32_t off, uint32_t v) { return write(off, v); });
	if (!ok)
		guest_error("access to an offset with no register", addr);
	tx.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

unsigned int mailbox::transport_dbg(tlm::tlm_generic_payload &tx)
{
	/* Debug reads have no side effect (a MESSAGE read peeks); debug writes are refused. */
	return debug_read_word(tx, size(),
			       [this](uint32_t off, uint32_t &v) { return read(off, v, true); });
}

} // namespace ampsim
