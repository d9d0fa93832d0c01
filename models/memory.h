// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: a RAM or ROM the board's initiators reach over TLM-2.0
 *
 * A byte array of a fixed size behind a target socket: blocking transport (any size, byte
 * enables and streaming width honoured), debug transport, and direct memory access so that a
 * core (Unicorn) or the host can map it and run at native speed. A read-only memory (flash)
 * answers bus writes with a command error and grants read-only DMI; its loader writes through
 * debug transport or data(), as remoteproc loads through its own mapping. Accesses outside the
 * memory are guest misbehaviour: counted, logged as a SystemC warning, answered with an address
 * error, never fatal.
 */
#ifndef AMPSIM_MODELS_MEMORY_H
#define AMPSIM_MODELS_MEMORY_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace ampsim
{

class memory : public sc_core::sc_module
{
      public:
	/** The memory, as seen from the bus (addresses are offsets from its start). */
	tlm_utils::simple_target_socket<memory> bus;

	/**
	 * @name: instance name
	 * @size: bytes (zero-filled)
	 * @read_only: refuse bus writes (flash, ROM)
	 * @latency: time annotated per access
	 */
	memory(const sc_core::sc_module_name &name, uint64_t size, bool read_only = false,
	       const sc_core::sc_time &latency = sc_core::SC_ZERO_TIME);

	uint64_t size() const
	{
		return bytes_.size();
	}
	bool read_only() const
	{
		return read_only_;
	}
	/** The contents, for loaders and tests (the memory outlives every DMI grant). */
	uint8_t *data()
	{
		return bytes_.data();
	}
	/** Guest accesses counted as misbehaviour so far. */
	unsigned misbehaviour() const
	{
		return misbehaviour_;
	}

      private:
	void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
	unsigned int transport_dbg(tlm::tlm_generic_payload &tx);
	bool get_direct_mem_ptr(tlm::tlm_generic_payload &tx, tlm::tlm_dmi &dmi);
	/* [addr, addr + len) inside the memory, without wrapping. */
	bool inside(uint64_t addr, uint64_t len) const;
	void guest_error(const char *what, uint64_t addr);

	std::vector<uint8_t> bytes_;
	const bool read_only_;
	const sc_core::sc_time latency_;
	unsigned misbehaviour_ = 0;
};

} // namespace ampsim

#endif
