// SPDX-License-Identifier: BSD-3-Clause
/*
 * A RAM or ROM behind a TLM-2.0 target socket (see memory.h).
 */
#include "memory.h"

#include <cstring>
#include <sstream>

namespace ampsim
{

memory::memory(const sc_core::sc_module_name &name, uint64_t size, bool read_only,
	       const sc_core::sc_time &latency)
    : sc_core::sc_module(name), bus("bus"), bytes_(size), read_only_(read_only), latency_(latency)
{
	bus.register_b_transport(this, &memory::b_transport);
	bus.register_transport_dbg(this, &memory::transport_dbg);
	bus.register_get_direct_mem_ptr(this, &memory::get_direct_mem_ptr);
}

bool memory::inside(uint64_t addr, uint64_t len) const
{
	return addr <= bytes_.size() && len <= bytes_.size() - addr;
}

void memory::guest_error(const char *what, uint64_t addr)
{
	std::ostringstream msg;

	misbehaviour_++;
	msg << what << " (address 0x" << std::hex << addr << ")";
	SC_REPORT_WARNING(name(), msg.str().c_str());
}

void memory::b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
	uint64_t addr = tx.get_address();
	unsigned int len = tx.get_data_length();
	unsigned int width = tx.get_streaming_width() ? tx.get_streaming_width() : len;
	const unsigned char *be = tx.get_byte_enable_ptr();
	unsigned int be_len = tx.get_byte_enable_length();
	unsigned char *data = tx.get_data_ptr();

	/* A streaming burst revisits its first `width` bytes: that is what must fit. */
	if (!inside(addr, width < len ? width : len)) {
		guest_error("access outside the memory", addr);
		tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (tx.is_write() && read_only_) {
		guest_error("write to read-only memory ignored", addr);
		tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		return;
	}
	if (be && !be_len) {
		tx.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
		return;
	}
	for (unsigned int i = 0; i < len; i++) {
		uint8_t *cell = &bytes_[addr + i % width];

		if (be && !be[i % be_len])
			continue;
		if (tx.is_read())
			data[i] = *cell;
		else if (tx.is_write())
			*cell = data[i];
	}
	delay += latency_;
	tx.set_dmi_allowed(true);
	tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int memory::transport_dbg(tlm::tlm_generic_payload &tx)
{
	uint64_t addr = tx.get_address();
	unsigned int len = tx.get_data_length();

	/* Debug access is the loader's: it may write a read-only memory. */
	if (addr >= bytes_.size())
		return 0;
	if (len > bytes_.size() - addr)
		len = static_cast<unsigned int>(bytes_.size() - addr);
	if (tx.is_read())
		std::memcpy(tx.get_data_ptr(), &bytes_[addr], len);
	else if (tx.is_write())
		std::memcpy(&bytes_[addr], tx.get_data_ptr(), len);
	else
		return 0;
	return len;
}

bool memory::get_direct_mem_ptr(tlm::tlm_generic_payload &tx, tlm::tlm_dmi &dmi)
{
	(void)tx;
	if (bytes_.empty())
		return false;
	dmi.set_dmi_ptr(bytes_.data());
	dmi.set_start_address(0);
	dmi.set_end_address(bytes_.size() - 1);
	dmi.set_read_latency(latency_);
	dmi.set_write_latency(latency_);
	if (read_only_)
		dmi.allow_read();
	else
		dmi.allow_read_write();
	return true;
}

} // namespace ampsim
