// SPDX-License-Identifier: BSD-3-Clause
/*
 * The bus with per-initiator address views (see router.h).
 */
#include "router.h"

#include <sstream>

namespace ampsim
{

router::router(const sc_core::sc_module_name &name) : sc_core::sc_module(name), in("in"), out("out")
{
	in.register_b_transport(this, &router::b_transport);
	in.register_transport_dbg(this, &router::transport_dbg);
	in.register_get_direct_mem_ptr(this, &router::get_direct_mem_ptr);
	out.register_invalidate_direct_mem_ptr(this, &router::invalidate_direct_mem_ptr);
}

bool router::map(unsigned initiator, uint64_t base, uint64_t size, unsigned target, uint64_t offset)
{
	if (!size || base + (size - 1) < base || offset + (size - 1) < offset)
		return false;
	if (views_.size() <= initiator)
		views_.resize(initiator + 1);
	for (const window &w : views_[initiator]) {
		if (base <= w.base + (w.size - 1) && w.base <= base + (size - 1))
			return false;
	}
	views_[initiator].push_back(window{base, size, target, offset});
	return true;
}

const router::window *router::find(unsigned initiator, uint64_t addr, uint64_t len) const
{
	if (initiator >= views_.size())
		return nullptr;
	for (const window &w : views_[initiator]) {
		/* Whole inside, overflow-safe: an access may not straddle two windows. */
		if (addr >= w.base && addr - w.base < w.size && len <= w.size - (addr - w.base))
			return &w;
	}
	return nullptr;
}

void router::b_transport(int id, tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
	uint64_t addr = tx.get_address();
	unsigned int len = tx.get_data_length();
	unsigned int width = tx.get_streaming_width() ? tx.get_streaming_width() : len;
	const window *w = find(static_cast<unsigned>(id), addr, width < len ? width : len);

	if (!w || w->target >= static_cast<unsigned>(out.size())) {
		std::ostringstream msg;

		misbehaviour_++;
		msg << "initiator " << id << ": no memory at 0x" << std::hex << addr;
		SC_REPORT_WARNING(name(), msg.str().c_str());
		tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	tx.set_address(addr - w->base + w->offset);
	out[w->target]->b_transport(tx, delay);
	tx.set_address(addr);
}

unsigned int router::transport_dbg(int id, tlm::tlm_generic_payload &tx)
{
	uint64_t addr = tx.get_address();
	const window *w = find(static_cast<unsigned>(id), addr, 1);
	unsigned int len = tx.get_data_length(), n;

	if (!w || w->target >= static_cast<unsigned>(out.size()))
		return 0;
	/* Debug access stops at the window's end. */
	if (len > w->size - (addr - w->base))
		tx.set_data_length(static_cast<unsigned int>(w->size - (addr - w->base)));
	tx.set_address(addr - w->base + w->offset);
	n = out[w->target]->transport_dbg(tx);
	tx.set_address(addr);
	tx.set_data_length(len);
	return n;
}

bool router::get_direct_mem_ptr(int id, tlm::tlm_generic_payload &tx, tlm::tlm_dmi &dmi)
{
	uint64_t addr = tx.get_address();
	const window *w = find(static_cast<unsigned>(id), addr, 1);
	uint64_t lo, hi;
	bool ok;

	if (!w || w->target >= static_cast<unsigned>(out.size()))
		return false;
	tx.set_address(addr - w->base + w->offset);
	ok = out[w->target]->get_direct_mem_ptr(tx, dmi);
	tx.set_address(addr);
	if (!ok)
		return false;
	/* The grant in target addresses, clipped to the window, then in the initiator's. */
	lo = dmi.get_start_address() > w->offset ? dmi.get_start_address() : w->offset;
	hi = dmi.get_end_address() < w->offset + (w->size - 1) ? dmi.get_end_address()
							       : w->offset + (w->size - 1);
	if (lo > hi)
		return false;
	dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (lo - dmi.get_start_address()));
	dmi.set_start_address(lo - w->offset + w->base);
	dmi.set_end_address(hi - w->offset + w->base);
	return true;
}

void router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end)
{
	/* Tell every initiator whose view maps target @id, in its own addresses. */
	for (unsigned i = 0; i < views_.size() && i < static_cast<unsigned>(in.size()); i++) {
		for (const window &w : views_[i]) {
			uint64_t lo = start > w.offset ? start : w.offset;
			uint64_t hi = end < w.offset + (w.size - 1) ? end : w.offset + (w.size - 1);

			if (w.target == static_cast<unsigned>(id) && lo <= hi)
				in[i]->invalidate_direct_mem_ptr(lo - w.offset + w.base,
								 hi - w.offset + w.base);
		}
	}
}

} // namespace ampsim
