// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: a UART register-compatible with the part of the ARM PL011 that bare-metal firmware uses
 *
 * Transmit only, and instantaneous: a write to DR sends its low 8 bits at once, so the transmit
 * FIFO is always empty (FR reads TXFE and RXFE, never BUSY or full) and the transmit interrupt
 * (RIS bit 5, TXRIS) is always raised; nothing is ever received (DR reads 0). The baud rate,
 * line control, FIFO level, DMA and control registers keep what is written (masked to their
 * PL011 widths) and change nothing: the UART transmits whether or not CR enables it, as QEMU's
 * pl011 does. The interrupt output is high while RIS & IMSC (MIS) is not 0, i.e. while the
 * firmware leaves TXIM set.
 *
 * What is transmitted is kept raw (output()) and split into lines for the board's log: on_line()
 * receives each line without its newline, with '\r' dropped and other bytes outside printable
 * ASCII written as \xNN; flush() delivers a last line that has no newline yet.
 *
 * DR takes 8-, 16- and 32-bit accesses at its own address (firmware stores bytes there); every
 * other register takes aligned 32-bit words. Guest misbehaviour (any other access, offsets with
 * no register, writes to read-only registers, reads of the write-only ICR) is counted and
 * reported as a SystemC warning, never fatal: a bad access answers with a TLM address error, a
 * write to a read-only register is ignored, an ICR read gives 0.
 */
#ifndef AMPSIM_MODELS_UART_H
#define AMPSIM_MODELS_UART_H

#include <cstdint>
#include <functional>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "primecell.h"

namespace ampsim
{

class uart : public sc_core::sc_module
{
      public:
	/** The register block, as seen from the bus. */
	tlm_utils::simple_target_socket<uart> bus;
	/** UARTINTR: high while an enabled interrupt is raised (MIS != 0). */
	sc_core::sc_out<bool> irq;

	/** Receives one transmitted line, without its newline, escaped to printable text. */
	using line_handler = std::function<void(const std::string &line)>;

	/** @name: instance name */
	explicit uart(const sc_core::sc_module_name &name);

	/** Block size in bytes (one 4 KiB page, as the PL011's ID registers end it). */
	static constexpr uint64_t size()
	{
		return 0x1000;
	}
	/** Sets who receives complete lines (replacing the previous handler; none drops them). */
	void on_line(line_handler handler)
	{
		line_handler_ = std::move(handler);
	}
	/** Delivers the pending partial line, if there is one, as if a newline had come. */
	void flush();
	/** Every byte transmitted so far, unescaped. */
	const std::string &output() const
	{
		return output_;
	}
	uint64_t bytes_transmitted() const
	{
		return output_.size();
	}
	/** Guest accesses counted as misbehaviour so far. */
	unsigned misbehaviour() const
	{
		return misbehaviour_;
	}

	/** The register offsets (PL011 TRM, r1p5). */
	static constexpr uint32_t DR = 0x000;
	static constexpr uint32_t RSR_ECR = 0x004;
	static constexpr uint32_t FR = 0x018;
	static constexpr uint32_t ILPR = 0x020;
	static constexpr uint32_t IBRD = 0x024;
	static constexpr uint32_t FBRD = 0x028;
	static constexpr uint32_t LCR_H = 0x02c;
	static constexpr uint32_t CR = 0x030;
	static constexpr uint32_t IFLS = 0x034;
	static constexpr uint32_t IMSC = 0x038;
	static constexpr uint32_t RIS = 0x03c;
	static constexpr uint32_t MIS = 0x040;
	static constexpr uint32_t ICR = 0x044;
	static constexpr uint32_t DMACR = 0x048;
	static constexpr uint32_t PERIPH_ID0 = primecell::PERIPH_ID0;
	static constexpr uint32_t PCELL_ID0 = primecell::PCELL_ID0;

	/** FR bits: transmit FIFO empty, receive FIFO empty (the others never set). */
	static constexpr uint32_t FR_TXFE = 1u << 7, FR_RXFF = 1u << 6, FR_TXFF = 1u << 5,
				  FR_RXFE = 1u << 4, FR_BUSY = 1u << 3;
	/** RIS / MIS / IMSC / ICR bit of the transmit interrupt. */
	static constexpr uint32_t INT_TX = 1u << 5;
	/** Reset values the PL011 TRM gives: UART disabled with TXE and RXE set, FIFO levels 1/2.
	 */
	static constexpr uint32_t CR_RESET = 0x300, IFLS_RESET = 0x12;
	/** The ID bytes Linux's amba bus reads to match the PL011 (part 0x011, ARM, r1). */
	static constexpr uint8_t PERIPH_ID[4] = {0x11, 0x10, 0x14, 0x00};

      private:
	void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
	unsigned int transport_dbg(tlm::tlm_generic_payload &tx);
	/* Whether @tx is an access this block takes: DR at 8/16/32 bits, else one aligned word. */
	static bool access_ok(const tlm::tlm_generic_payload &tx);
	/* One register access; false when the offset names no register. */
	bool read(uint32_t offset, uint32_t &value, bool debug);
	bool write(uint32_t offset, uint32_t value);
	void transmit(uint8_t byte);
	void update_irq();
	void guest_error(const char *what, uint64_t offset);

	uint32_t ilpr_ = 0, ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, cr_ = CR_RESET, ifls_ = IFLS_RESET,
		 imsc_ = 0, dmacr_ = 0;
	std::string output_;
	std::string line_; /* the current line, escaped */
	line_handler line_handler_;
	unsigned misbehaviour_ = 0;
};

} // namespace ampsim

#endif
