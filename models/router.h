// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the bus, with an address view per initiator
 *
 * Initiators bind to ``in`` and targets to ``out`` (multi-passthrough sockets: the order of
 * binding gives each its index). Every initiator has its own address map: map() makes
 * [base, base + size) of initiator @i reach @target at @offset. So the same memory can sit at
 * 0x80000000 for the host and at 0x0 for a Cortex-M3 behind its MMU, as on the OMAP4, and the
 * host's remoteproc loader, which goes by device address, uses the remote's view.
 *
 * Blocking, debug and DMI requests are translated into the target's addresses and back (a DMI
 * grant is clipped to the window). An access that no window of its initiator holds whole is
 * guest misbehaviour: counted, logged as a SystemC warning, answered with an address error.
 */
#ifndef AMPSIM_MODELS_ROUTER_H
#define AMPSIM_MODELS_ROUTER_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace ampsim
{

class router : public sc_core::sc_module
{
      public:
	/** Initiators bind here, in index order. */
	tlm_utils::multi_passthrough_target_socket<router> in;
	/** Targets bind here, in index order. */
	tlm_utils::multi_passthrough_initiator_socket<router> out;

	explicit router(const sc_core::sc_module_name &name);

	/**
	 * map() - add a window to an initiator's view
	 * @initiator: index of the initiator (binding order on @in)
	 * @base: where the window starts in that view
	 * @size: bytes
	 * @target: index of the target (binding order on @out)
	 * @offset: the target address the window's first byte reaches
	 *
	 * Return: false (nothing added) when the window is empty, wraps, or overlaps another
	 * window of the same view.
	 */
	bool map(unsigned initiator, uint64_t base, uint64_t size, unsigned target,
		 uint64_t offset = 0);

	/** Accesses no window held, so far. */
	unsigned misbehaviour() const
	{
		return misbehaviour_;
	}

      private:
	struct window {
		uint64_t base, size;
		unsigned target;
		uint64_t offset;
	};

	/* The window of @initiator that holds [addr, addr + len), or null. */
	const window *find(unsigned initiator, uint64_t addr, uint64_t len) const;
	void b_transport(int id, tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
	unsigned int transport_dbg(int id, tlm::tlm_generic_payload &tx);
	bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload &tx, tlm::tlm_dmi &dmi);
	void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);

	std::vector<std::vector<window>> views_;
	unsigned misbehaviour_ = 0;
};

} // namespace ampsim

#endif
