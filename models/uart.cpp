// SPDX-License-Identifier: BSD-3-Clause
/*
 * The PL011 subset (see uart.h): registers decoded from the offset, bytes transmitted at once
 * into the raw output and the current line.
 */
#include "uart.h"

#include <sstream>

#include "register_access.h"

namespace ampsim
{

namespace
{

/* Bits the PL011 implements in each read-write register; the rest read as zero. */
constexpr uint32_t ILPR_MASK = 0xff;   /* IrDA low-power divisor, 8 bits */
constexpr uint32_t IBRD_MASK = 0xffff; /* integer baud divisor, 16 bits */
constexpr uint32_t FBRD_MASK = 0x3f;   /* fractional baud divisor, 6 bits */
constexpr uint32_t LCR_H_MASK = 0xff;
constexpr uint32_t CR_MASK = 0xff87; /* bits 3-6 are reserved */
constexpr uint32_t IFLS_MASK = 0x3f;
constexpr uint32_t INT_MASK = 0x7ff; /* 11 interrupt sources */
constexpr uint32_t DMACR_MASK = 0x7;

/* The transmit FIFO is always empty and nothing is ever received. */
constexpr uint32_t FR_VALUE = uart::FR_TXFE | uart::FR_RXFE;
constexpr uint32_t RIS_VALUE = uart::INT_TX;

} // namespace

uart::uart(const sc_core::sc_module_name &name) : sc_core::sc_module(name), bus("bus"), irq("irq")
{
	bus.register_b_transport(this, &uart::b_transport);
	bus.register_transport_dbg(this, &uart::transport_dbg);
}

void uart::guest_error(const char *what, uint64_t offset)
{
	std::ostringstream msg;

	misbehaviour_++;
	msg << what << " (offset 0x" << std::hex << offset << ")";
	SC_REPORT_WARNING(name(), msg.str().c_str());
}

void uart::flush()
{
	if (line_.empty())
		return;
	if (line_handler_)
		line_handler_(line_);
	line_.clear();
}

void uart::transmit(uint8_t byte)
{
	static const char hex[] = "0123456789abcdef";

	output_.push_back(static_cast<char>(byte));
	if (byte == '\n') {
		/* An empty line is still a line: flush() skips it, so deliver it here. */
		if (line_handler_)
			line_handler_(line_);
		line_.clear();
	} else if (byte == '\r') {
		/* "\r\n" line ends are the norm on serial consoles; the log has its own. */
	} else if (byte >= 0x20 && byte < 0x7f) {
		line_.push_back(static_cast<char>(byte));
	} else {
		line_ += "\\x";
		line_.push_back(hex[byte >> 4]);
		line_.push_back(hex[byte & 0xf]);
	}
}

void uart::update_irq()
{
	irq.write((RIS_VALUE & imsc_) != 0);
}

bool uart::read(uint32_t off, uint32_t &v, bool debug)
{
	switch (off) {
	case DR:
	case RSR_ECR: /* no receive errors */
		v = 0;
		break;
	case FR:
		v = FR_VALUE;
		break;
	case ILPR:
		v = ilpr_;
		break;
	case IBRD:
		v = ibrd_;
		break;
	case FBRD:
		v = fbrd_;
		break;
	case LCR_H:
		v = lcr_h_;
		break;
	case CR:
		v = cr_;
		break;
	case IFLS:
		v = ifls_;
		break;
	case IMSC:
		v = imsc_;
		break;
	case RIS:
		v = RIS_VALUE;
		break;
	case MIS:
		v = RIS_VALUE & imsc_;
		break;
	case ICR:
		if (!debug)
			guest_error("read of the write-only ICR: reads 0", off);
		v = 0;
		break;
	case DMACR:
		v = dmacr_;
		break;
	default:
		if (!primecell::is_id(off))
			return false;
		v = primecell::id(off, PERIPH_ID);
		break;
	}
	return true;
}

bool uart::write(uint32_t off, uint32_t v)
{
	switch (off) {
	case DR:
		transmit(static_cast<uint8_t>(v));
		break;
	case RSR_ECR: /* clears receive errors: there are none */
		break;
	case ILPR:
		ilpr_ = v & ILPR_MASK;
		break;
	case IBRD:
		ibrd_ = v & IBRD_MASK;
		break;
	case FBRD:
		fbrd_ = v & FBRD_MASK;
		break;
	case LCR_H:
		lcr_h_ = v & LCR_H_MASK;
		break;
	case CR:
		cr_ = v & CR_MASK;
		break;
	case IFLS:
		ifls_ = v & IFLS_MASK;
		break;
	case IMSC:
		imsc_ = v & INT_MASK;
		update_irq();
		break;
	case ICR:
		/* Write 1 to clear; TXRIS is raised again at once since the FIFO stays empty. */
		break;
	case DMACR:
		dmacr_ = v & DMACR_MASK;
		break;
	case FR:
	case RIS:
	case MIS:
		guest_error("write to a read-only register ignored", off);
		break;
	default:
		if (primecell::is_id(off))
			guest_error("write to a read-only ID register ignored", off);
		else
			return false;
		break;
	}
	return true;
}

bool uart::access_ok(const tlm::tlm_generic_payload &tx)
{
	unsigned int len = tx.get_data_length();

	/* DR also takes bytes and halfwords: the transmit data is its low byte. */
	if (tx.get_address() == DR)
		return (len == 1 || len == 2 || len == 4) && !tx.get_byte_enable_ptr() &&
		       tx.get_streaming_width() == len;
	return word_access(tx, size());
}

void uart::b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
	uint64_t addr = tx.get_address();
	bool ok;

	(void)delay;
	if (!access_ok(tx)) {
		guest_error("access that is neither DR at 8, 16 or 32 bits nor one aligned "
			    "32-bit word inside the block",
			    addr);
		tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	ok = register_access(
		tx, tx.get_data_length(),
		[this](uint32_t off, uint32_t &v) { return read(off, v, false); },
		[this](uint32_t off, uint32_t v) { return write(off, v); });
	if (!ok)
		guest_error("access to an offset with no register", addr);
	tx.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

unsigned int uart::transport_dbg(tlm::tlm_generic_payload &tx)
{
	/* Debug reads have no side effect (nothing to pop); debug writes would transmit: refused.
	 */
	return debug_read_word(tx, size(),
			       [this](uint32_t off, uint32_t &v) { return read(off, v, true); });
}

} // namespace ampsim
