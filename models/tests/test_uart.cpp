// SPDX-License-Identifier: BSD-3-Clause
/*
 * The PL011 UART model through its bus socket, the way bare-metal firmware uses it: reset
 * values and IDs, the registers an init sequence writes, byte / halfword / word stores to DR,
 * the transmitted text split into escaped lines and flushed, the always-raised transmit
 * interrupt behind IMSC, debug reads, and every kind of guest misbehaviour counted, answered
 * and never fatal.
 */
#include <cstring>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model_testing.h"
#include "uart.h"

using ampsim::uart;

/* CHECK_EQ for strings: reports both sides, counts a mismatch and goes on. */
#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const std::string sa_ = (a), sb_ = (b);                                            \
		if (sa_ != sb_) {                                                                  \
			std::fprintf(stderr,                                                       \
				     "%s:%d: CHECK_STR failed: %s == \"%s\", %s == \"%s\"\n",      \
				     __FILE__, __LINE__, #a, sa_.c_str(), #b, sb_.c_str());        \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* Line @i of @lines, or a marker that cannot match when there are fewer. */
static std::string line_at(const std::vector<std::string> &lines, size_t i)
{
	return i < lines.size() ? lines[i] : "<no line>";
}

/* Characters written to DR one byte store at a time, as a firmware's putc does. */
static void put_string(test_cpu &core, const char *s)
{
	while (*s)
		core.wr(uart::DR, static_cast<unsigned char>(*s++), 1);
}

/* The board: one CPU on the bus, the interrupt on a signal, lines collected. */
struct bench : sc_core::sc_module {
	test_cpu core{"core"};
	uart serial{"serial"};
	sc_core::sc_signal<bool> line{"line"};
	std::vector<std::string> lines;

	SC_HAS_PROCESS(bench);
	explicit bench(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
		core.bus.bind(serial.bus);
		serial.irq.bind(line);
		serial.on_line([this](const std::string &l) { lines.push_back(l); });
		SC_THREAD(run);
	}

	/* The interrupt line as the next delta cycle sees it. */
	bool irq()
	{
		wait(sc_core::SC_ZERO_TIME);
		return line.read();
	}

	void reset_values()
	{
		CHECK_EQ(serial.size(), 0x1000u);
		CHECK_EQ(core.rd(uart::DR), 0);
		CHECK_EQ(core.rd(uart::RSR_ECR), 0);
		CHECK_EQ(core.rd(uart::FR), uart::FR_TXFE | uart::FR_RXFE);
		CHECK_EQ(core.rd(uart::FR), 0x90u);
		CHECK_EQ(core.rd(uart::ILPR), 0);
		CHECK_EQ(core.rd(uart::IBRD), 0);
		CHECK_EQ(core.rd(uart::FBRD), 0);
		CHECK_EQ(core.rd(uart::LCR_H), 0);
		CHECK_EQ(core.rd(uart::CR), 0x300u);
		CHECK_EQ(core.rd(uart::IFLS), 0x12u);
		CHECK_EQ(core.rd(uart::IMSC), 0);
		CHECK_EQ(core.rd(uart::RIS), 0x20u);
		CHECK_EQ(core.rd(uart::MIS), 0);
		CHECK_EQ(core.rd(uart::DMACR), 0);
		CHECK_EQ(irq(), false);
		{
			const uint32_t periph[4] = {0x11, 0x10, 0x14, 0x00};
			const uint32_t pcell[4] = {0x0d, 0xf0, 0x05, 0xb1};

			for (unsigned i = 0; i < 4; i++) {
				CHECK_EQ(core.rd(uart::PERIPH_ID0 + 4 * i), periph[i]);
				CHECK_EQ(core.rd(uart::PCELL_ID0 + 4 * i), pcell[i]);
			}
		}
		CHECK_EQ(serial.misbehaviour(), 0);
	}

	void control_registers()
	{
		/* Every implemented bit reads back, the rest read 0. */
		const struct {
			uint32_t offset, bits;
		} rw[] = {{uart::ILPR, 0xff},  {uart::IBRD, 0xffff}, {uart::FBRD, 0x3f},
			  {uart::LCR_H, 0xff}, {uart::CR, 0xff87},   {uart::IFLS, 0x3f},
			  {uart::IMSC, 0x7ff}, {uart::DMACR, 0x7}};

		for (const auto &r : rw) {
			core.wr(r.offset, 0xffffffffu);
			CHECK_EQ(core.rd(r.offset), r.bits);
			core.wr(r.offset, 0);
			CHECK_EQ(core.rd(r.offset), 0);
		}
		/* A usual init: 115200 baud from 48 MHz, 8N1 with FIFOs, enabled; errors cleared.
		 */
		core.wr(uart::CR, 0);
		core.wr(uart::IBRD, 26);
		core.wr(uart::FBRD, 3);
		core.wr(uart::LCR_H, 0x70);
		core.wr(uart::RSR_ECR, 0);
		core.wr(uart::ICR, 0x7ff);
		core.wr(uart::CR, 0x301);
		CHECK_EQ(core.rd(uart::IBRD), 26);
		CHECK_EQ(core.rd(uart::FBRD), 3);
		CHECK_EQ(core.rd(uart::LCR_H), 0x70);
		CHECK_EQ(core.rd(uart::CR), 0x301);
		CHECK_EQ(serial.misbehaviour(), 0);
	}

	void transmit()
	{
		/* A byte, a halfword and a word store each send the low 8 bits only. */
		core.wr(uart::DR, 'H', 1);
		core.wr(uart::DR, 0x4169, 2);     /* 'i', the 'A' above it is dropped */
		core.wr(uart::DR, 0x12345621, 4); /* '!' */
		CHECK_EQ(lines.size(), 0);
		core.wr(uart::DR, '\r', 1);
		core.wr(uart::DR, '\n', 1);
		CHECK_EQ(lines.size(), 1);
		CHECK_STR(line_at(lines, 0), "Hi!");
		CHECK_STR(serial.output(), "Hi!\r\n");
		CHECK_EQ(serial.bytes_transmitted(), 5);
		/* Narrow reads of DR are fine too: nothing received. */
		CHECK_EQ(core.rd(uart::DR, 1), 0);
		CHECK_EQ(core.rd(uart::DR, 2), 0);

		/* Transmission does not depend on UARTEN / TXE (as QEMU's pl011). */
		core.wr(uart::CR, 0);
		put_string(core, "a\nb\n\nc");
		CHECK_EQ(lines.size(), 4);
		CHECK_STR(line_at(lines, 1), "a");
		CHECK_STR(line_at(lines, 2), "b");
		CHECK_STR(line_at(lines, 3), "");
		serial.flush();
		CHECK_EQ(lines.size(), 5);
		CHECK_STR(line_at(lines, 4), "c");
		serial.flush(); /* nothing pending: no empty line */
		CHECK_EQ(lines.size(), 5);

		/* Non-printable bytes are escaped in lines and kept raw in output(). */
		{
			const uint8_t raw[] = {0x1b, '[',  '0',  'm',  '\t',
					       0x00, 0x7f, 0x80, 0xff, '~'};

			for (uint8_t b : raw)
				core.wr(uart::DR, b, 1);
			core.wr(uart::DR, '\n', 4);
			CHECK_EQ(lines.size(), 6);
			CHECK_STR(line_at(lines, 5), "\\x1b[0m\\x09\\x00\\x7f\\x80\\xff~");
			CHECK_EQ(serial.bytes_transmitted(), 5 + 6 + sizeof raw + 1);
			CHECK_STR(serial.output().substr(11, sizeof raw),
				  std::string(reinterpret_cast<const char *>(raw), sizeof raw));
		}

		/* Without a handler lines are dropped, the raw output is still kept. */
		serial.on_line(nullptr);
		put_string(core, "lost\npartial");
		serial.flush();
		CHECK_EQ(lines.size(), 6);
		CHECK_STR(serial.output().substr(serial.output().size() - 12), "lost\npartial");
		serial.on_line([this](const std::string &l) { lines.push_back(l); });
		CHECK_EQ(serial.misbehaviour(), 0);
	}

	void interrupt()
	{
		/* TXRIS is raised for good: the interrupt follows IMSC.TXIM alone. */
		core.wr(uart::IMSC, uart::INT_TX);
		CHECK_EQ(core.rd(uart::MIS), uart::INT_TX);
		CHECK_EQ(irq(), true);
		core.wr(uart::ICR, uart::INT_TX);
		CHECK_EQ(core.rd(uart::RIS), uart::INT_TX);
		CHECK_EQ(irq(), true);
		/* Other sources never raise (nothing is received). */
		core.wr(uart::IMSC, 0x7ff & ~uart::INT_TX);
		CHECK_EQ(core.rd(uart::MIS), 0);
		CHECK_EQ(irq(), false);
		core.wr(uart::IMSC, 0);
	}

	void debug_access()
	{
		uint32_t v = 0;
		uint64_t sent = serial.bytes_transmitted();

		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, uart::FR, v), 4);
		CHECK_EQ(v, 0x90u);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, uart::ICR, v), 4); /* not misbehaviour */
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, uart::PCELL_ID0 + 12, v), 4);
		CHECK_EQ(v, 0xb1u);
		v = 'x';
		CHECK_EQ(core.dbg(tlm::TLM_WRITE_COMMAND, uart::DR, v), 0); /* would transmit */
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, 0x04c, v), 0);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, 0x1000, v), 0);
		CHECK_EQ(serial.bytes_transmitted(), sent);
		CHECK_EQ(serial.misbehaviour(), 0);
	}

	void misbehaviour()
	{
		const tlm::tlm_command r = tlm::TLM_READ_COMMAND, w = tlm::TLM_WRITE_COMMAND;
		const uint64_t sent = serial.bytes_transmitted();
		unsigned char enable[4] = {0xff, 0, 0, 0};
		uint32_t v = 'X';

		CHECK_EQ(core.access(r, 0x002, v), tlm::TLM_ADDRESS_ERROR_RESPONSE); /* unaligned */
		CHECK_EQ(core.access(w, 0x001, v, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE); /* DR+1 */
		CHECK_EQ(core.access(w, uart::CR, v, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(core.access(r, uart::FR, v, 2), tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(core.access(w, uart::DR, v, 4, sc_core::SC_ZERO_TIME, enable),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(core.access(r, 0x04c, v),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE); /* no register */
		CHECK_EQ(core.access(r, 0x1000, v), tlm::TLM_ADDRESS_ERROR_RESPONSE); /* outside */
		CHECK_EQ(serial.misbehaviour(), 7);
		CHECK_EQ(serial.bytes_transmitted(), sent);
		/* Read-only registers ignore writes, ICR reads 0: answered OK, still counted. */
		v = 0;
		CHECK_EQ(core.access(w, uart::FR, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(core.access(w, uart::RIS, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(core.access(w, uart::MIS, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(core.access(w, uart::PERIPH_ID0, v), tlm::TLM_OK_RESPONSE);
		v = 0xffffffff;
		CHECK_EQ(core.access(r, uart::ICR, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(v, 0);
		CHECK_EQ(serial.misbehaviour(), 12);
		CHECK_EQ(core.rd(uart::FR), 0x90u);
		CHECK_EQ(core.rd(uart::RIS), 0x20u);
		CHECK_EQ(core.rd(uart::PERIPH_ID0), 0x11u);
	}

	void run()
	{
		reset_values();
		control_registers();
		transmit();
		interrupt();
		debug_access();
		misbehaviour();
		sc_core::sc_stop();
	}
};

int sc_main(int, char **)
{
	/* Guest misbehaviour is a warning by design; keep the test's output to its checks. */
	sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
	bench b("bench");

	sc_core::sc_start();
	return model_test_result("test_uart");
}
