// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the OMAP4 mailbox, register-compatible with what Linux's omap-mailbox driver programs
 *
 * A bank of one-way FIFOs of 32-bit messages (8 by default, 4 deep) shared by several users
 * (3 by default: interrupt lines, one per processor). Writing MESSAGE(m) pushes into FIFO m,
 * reading it pops the oldest message. Every user has its own event status per FIFO, NEWMSG
 * (bit 2m) and NOTFULL (bit 2m + 1), its own enable mask, and an interrupt output that is high
 * while an enabled event is pending. The register map is the one in the shared wire-format
 * notes (§13): REVISION 0x000, SYSCONFIG 0x010 (bit 1 SOFTRESET), MESSAGE 0x040 + 4m,
 * FIFOSTATUS 0x080 + 4m (bit 0 full), MSGSTATUS 0x0c0 + 4m (count), and per user u at
 * 0x100 + 0x10u: IRQSTATUS_RAW, IRQSTATUS (write 1 to clear), IRQENABLE (write 1 to set),
 * IRQENABLE_CLR (write 1 to clear).
 *
 * Events are set when they happen (a message arrives; a pop leaves room) and cleared by writing
 * 1 to IRQSTATUS; a clear does not take while its condition still holds (the FIFO still has a
 * message, or still has room), so a handler that acknowledges before draining is interrupted
 * again, as Linux's driver expects. Guest misbehaviour (writing a full FIFO, reading an empty
 * one, accesses that are not one aligned 32-bit word, offsets outside the block) is counted and
 * reported as a SystemC warning, never fatal: a full FIFO drops the message, an empty one
 * reads 0, a bad access answers with a TLM error response.
 */
#ifndef AMPSIM_MODELS_MAILBOX_H
#define AMPSIM_MODELS_MAILBOX_H

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace ampsim
{

class mailbox : public sc_core::sc_module
{
      public:
	/** The register block, as seen from the bus. */
	tlm_utils::simple_target_socket<mailbox> bus;
	/** One interrupt output per user, high while an enabled event is pending. */
	sc_core::sc_vector<sc_core::sc_out<bool>> irq;

	/**
	 * @name: instance name
	 * @fifos: message FIFOs (OMAP4: 8)
	 * @users: interrupt users (OMAP4: 3)
	 * @depth: messages per FIFO (OMAP4: 4)
	 */
	mailbox(const sc_core::sc_module_name &name, unsigned fifos = 8, unsigned users = 3,
		unsigned depth = 4);

	/** Block size in bytes (the last user's IRQENABLE_CLR + 4). */
	uint64_t size() const;
	/**
	 * struct event - what a tap sees
	 * @what: a message accepted into a FIFO, one taken out of it, or a user's line changing
	 * @index: the FIFO, or for an irq the user
	 * @value: the message, or for an irq the new level
	 */
	struct event {
		enum class kind { message_written, message_read, irq } what;
		unsigned index;
		uint32_t value;
	};
	/** Called for every event (a trace recorder); called in the process that caused it. */
	std::function<void(const event &)> tap;

	/** Guest accesses counted as misbehaviour so far. */
	unsigned misbehaviour() const
	{
		return misbehaviour_;
	}

	/** The register offsets (Linux omap-mailbox, OMAP4 layout). */
	static constexpr uint32_t REVISION = 0x000;
	static constexpr uint32_t SYSCONFIG = 0x010;
	static constexpr uint32_t SOFTRESET = 1u << 1;
	static constexpr uint32_t MESSAGE = 0x040;
	static constexpr uint32_t FIFOSTATUS = 0x080;
	static constexpr uint32_t MSGSTATUS = 0x0c0;
	static constexpr uint32_t IRQ_BASE = 0x100;
	static constexpr uint32_t IRQ_STRIDE = 0x10;
	static constexpr uint32_t IRQSTATUS_RAW = 0x0, IRQSTATUS = 0x4, IRQENABLE = 0x8,
				  IRQENABLE_CLR = 0xc;
	/** What REVISION reads; Linux only prints it. */
	static constexpr uint32_t REVISION_VALUE = 0x00000400;

	static constexpr uint32_t newmsg(unsigned fifo)
	{
		return 1u << (2 * fifo);
	}
	static constexpr uint32_t notfull(unsigned fifo)
	{
		return 1u << (2 * fifo + 1);
	}

      private:
	/* Per user: pending events and enable mask. */
	struct user {
		uint32_t raw = 0;
		uint32_t enable = 0;
	};

	void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
	unsigned int transport_dbg(tlm::tlm_generic_payload &tx);
	/* One register access; false when the offset names no register. */
	bool read(uint32_t offset, uint32_t &value, bool debug);
	bool write(uint32_t offset, uint32_t value);
	void push(unsigned fifo, uint32_t message);
	uint32_t pop(unsigned fifo, bool debug);
	void raise(uint32_t events);
	void reset();
	void update_irq();
	void end_of_elaboration() override;
	void guest_error(const char *what, uint32_t offset);

	const unsigned fifos_, users_, depth_;
	std::vector<std::deque<uint32_t>> fifo_;
	std::vector<user> user_;
	std::vector<bool> level_; /* each line's level as last driven, for the tap */
	unsigned misbehaviour_ = 0;
};

} // namespace ampsim

#endif
