// SPDX-License-Identifier: BSD-3-Clause
/*
 * The OMAP4 mailbox model through its bus socket, the way Linux's omap-mailbox driver uses it:
 * messages in and out of each FIFO with the status registers, the NEWMSG / NOTFULL events per
 * user with enable, clear and the interrupt lines, soft reset, debug access without side
 * effects, and every kind of guest misbehaviour counted, answered and never fatal.
 */
#include <cstring>

#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "mailbox.h"
#include "model_testing.h"

using ampsim::mailbox;

/* A CPU that performs single-word accesses on the mailbox's bus. */
static constexpr uint32_t irqstatus_raw(unsigned u)
{
	return mailbox::IRQ_BASE + mailbox::IRQ_STRIDE * u + mailbox::IRQSTATUS_RAW;
}
static constexpr uint32_t irqstatus(unsigned u)
{
	return mailbox::IRQ_BASE + mailbox::IRQ_STRIDE * u + mailbox::IRQSTATUS;
}
static constexpr uint32_t irqenable(unsigned u)
{
	return mailbox::IRQ_BASE + mailbox::IRQ_STRIDE * u + mailbox::IRQENABLE;
}
static constexpr uint32_t irqenable_clr(unsigned u)
{
	return mailbox::IRQ_BASE + mailbox::IRQ_STRIDE * u + mailbox::IRQENABLE_CLR;
}
static constexpr uint32_t message(unsigned m)
{
	return mailbox::MESSAGE + 4 * m;
}
static constexpr uint32_t msgstatus(unsigned m)
{
	return mailbox::MSGSTATUS + 4 * m;
}
static constexpr uint32_t fifostatus(unsigned m)
{
	return mailbox::FIFOSTATUS + 4 * m;
}

/* The board: one CPU on the bus, the three interrupt lines on signals. */
struct bench : sc_core::sc_module {
	test_cpu host{"host"};
	mailbox mbox{"mbox"};
	sc_core::sc_vector<sc_core::sc_signal<bool>> line{"line", 3};

	SC_HAS_PROCESS(bench);
	explicit bench(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
		host.bus.bind(mbox.bus);
		for (unsigned u = 0; u < 3; u++)
			mbox.irq[u].bind(line[u]);
		SC_THREAD(run);
	}

	/* The interrupt line of user @u as the next delta cycle sees it. */
	bool irq(unsigned u)
	{
		wait(sc_core::SC_ZERO_TIME);
		return line[u].read();
	}

	void run()
	{
		const unsigned ipu_tx = 0, ipu_rx = 1; /* omap4 dts: mbox-ipu tx 0, rx 1, user 0 */

		CHECK_EQ(host.rd(mailbox::REVISION), mailbox::REVISION_VALUE);
		CHECK_EQ(mbox.size(), 0x130u);
		/* Out of reset: every FIFO empty with room, NOTFULL pending but nothing enabled. */
		CHECK_EQ(host.rd(msgstatus(ipu_tx)), 0);
		CHECK_EQ(host.rd(fifostatus(ipu_tx)), 0);
		CHECK_EQ(host.rd(irqstatus_raw(0)), 0xaaaau);
		CHECK_EQ(host.rd(irqstatus(0)), 0);
		CHECK_EQ(irq(0), false);

		/* The remote (user 2) wants NEWMSG of FIFO 0; the host sends a kick there. A tap
		 * (the trace recorder's) sees the message go in and out and the line rise and fall.
		 */
		std::vector<mailbox::event> seen;
		mbox.tap = [&seen](const mailbox::event &e) { seen.push_back(e); };
		host.wr(irqenable(2), mailbox::newmsg(ipu_tx));
		CHECK_EQ(host.rd(irqenable(2)), mailbox::newmsg(ipu_tx));
		host.wr(message(ipu_tx), 1); /* vring notify id 1 */
		CHECK_EQ(host.rd(msgstatus(ipu_tx)), 1);
		CHECK_EQ(host.rd(irqstatus(2)), mailbox::newmsg(ipu_tx));
		CHECK_EQ(irq(2), true);
		CHECK_EQ(irq(0), false); /* user 0 did not enable it */
		/* Acknowledging before draining does not take: the FIFO still holds a message. */
		host.wr(irqstatus(2), mailbox::newmsg(ipu_tx));
		CHECK_EQ(irq(2), true);
		CHECK_EQ(host.peek(message(ipu_tx)), 1); /* debug read: no pop */
		CHECK_EQ(host.rd(msgstatus(ipu_tx)), 1);
		CHECK_EQ(host.rd(message(ipu_tx)), 1);
		CHECK_EQ(host.rd(msgstatus(ipu_tx)), 0);
		host.wr(irqstatus(2), mailbox::newmsg(ipu_tx));
		CHECK_EQ(host.rd(irqstatus_raw(2)) & mailbox::newmsg(ipu_tx), 0);
		/* Written, the line up, read (the peek is not a read), the line down. */
		CHECK_EQ(seen.size(), 4u);
		if (seen.size() == 4) {
			CHECK_EQ(static_cast<int>(seen[0].what),
				 static_cast<int>(mailbox::event::kind::message_written));
			CHECK_EQ(seen[0].index, ipu_tx);
			CHECK_EQ(seen[0].value, 1u);
			CHECK_EQ(static_cast<int>(seen[1].what),
				 static_cast<int>(mailbox::event::kind::irq));
			CHECK_EQ(seen[1].index, 2u);
			CHECK_EQ(seen[1].value, 1u);
			CHECK_EQ(static_cast<int>(seen[2].what),
				 static_cast<int>(mailbox::event::kind::message_read));
			CHECK_EQ(seen[2].value, 1u);
			CHECK_EQ(static_cast<int>(seen[3].what),
				 static_cast<int>(mailbox::event::kind::irq));
			CHECK_EQ(seen[3].value, 0u);
		}
		mbox.tap = nullptr;
		CHECK_EQ(irq(2), false);
		/* User 0's own copy of the event is independent. */
		CHECK_EQ(host.rd(irqstatus_raw(0)) & mailbox::newmsg(ipu_tx),
			 mailbox::newmsg(ipu_tx));

		/* Order and depth: four messages fit, the fifth is dropped and counted. */
		for (uint32_t i = 0; i < 4; i++)
			host.wr(message(ipu_rx), 100 + i);
		CHECK_EQ(host.rd(fifostatus(ipu_rx)), 1);
		CHECK_EQ(host.rd(msgstatus(ipu_rx)), 4);
		host.wr(message(ipu_rx), 999);
		CHECK_EQ(mbox.misbehaviour(), 1);
		CHECK_EQ(host.rd(msgstatus(ipu_rx)), 4);
		/* NOTFULL: the host enables it while the FIFO is full (Linux's TX path); a pop
		 * raises it; clearing it while there is room does not take. */
		host.wr(irqstatus(0), mailbox::notfull(ipu_rx));
		CHECK_EQ(host.rd(irqstatus_raw(0)) & mailbox::notfull(ipu_rx), 0);
		host.wr(irqenable(0), mailbox::notfull(ipu_rx));
		CHECK_EQ(irq(0), false);
		CHECK_EQ(host.rd(message(ipu_rx)), 100);
		CHECK_EQ(host.rd(fifostatus(ipu_rx)), 0);
		CHECK_EQ(irq(0), true);
		host.wr(irqstatus(0), mailbox::notfull(ipu_rx));
		CHECK_EQ(irq(0), true);
		host.wr(irqenable_clr(0), mailbox::notfull(ipu_rx));
		CHECK_EQ(host.rd(irqenable_clr(0)), 0);
		CHECK_EQ(irq(0), false);
		for (uint32_t i = 1; i < 4; i++)
			CHECK_EQ(host.rd(message(ipu_rx)), 100 + i);
		CHECK_EQ(host.rd(message(ipu_rx)), 0); /* empty: reads 0, counted */
		CHECK_EQ(mbox.misbehaviour(), 2);

		/* Soft reset: FIFOs emptied, enables cleared, the bit reads back 0. */
		host.wr(irqenable(1), 0xffffffffu);
		CHECK_EQ(host.rd(irqenable(1)), 0xffffu); /* 8 FIFOs: 16 event bits */
		host.wr(message(3), 7);
		host.wr(mailbox::SYSCONFIG, mailbox::SOFTRESET);
		CHECK_EQ(host.rd(mailbox::SYSCONFIG), 0);
		CHECK_EQ(host.rd(msgstatus(3)), 0);
		CHECK_EQ(host.rd(irqenable(1)), 0);
		CHECK_EQ(irq(1), false);

		/* Misbehaviour: answered with an error, counted, never fatal. */
		{
			uint32_t v = 0;

			CHECK_EQ(host.access(tlm::TLM_READ_COMMAND, 0x042, v),
				 tlm::TLM_ADDRESS_ERROR_RESPONSE);
			CHECK_EQ(host.access(tlm::TLM_READ_COMMAND, 0x040, v, 2),
				 tlm::TLM_ADDRESS_ERROR_RESPONSE);
			CHECK_EQ(host.access(tlm::TLM_READ_COMMAND, 0x130, v),
				 tlm::TLM_ADDRESS_ERROR_RESPONSE);
			CHECK_EQ(host.access(tlm::TLM_READ_COMMAND, 0x020, v),
				 tlm::TLM_ADDRESS_ERROR_RESPONSE);
			CHECK_EQ(host.access(tlm::TLM_WRITE_COMMAND, fifostatus(0), v),
				 tlm::TLM_OK_RESPONSE);
			CHECK_EQ(host.access(tlm::TLM_WRITE_COMMAND, irqstatus_raw(0), v),
				 tlm::TLM_OK_RESPONSE);
		}
		CHECK_EQ(mbox.misbehaviour(), 8);
		sc_core::sc_stop();
	}
};

int sc_main(int, char **)
{
	/* Guest misbehaviour is a warning by design; keep the test's output to its checks. */
	sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
	bench b("bench");

	sc_core::sc_start();
	return model_test_result("test_mailbox");
}
