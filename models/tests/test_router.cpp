// SPDX-License-Identifier: BSD-3-Clause
/*
 * The router's per-initiator views: one memory at 0x80000000 for the host and, from offset
 * 0x1000, at 0x0 for the remote (the OMAP4 M3 behind its MMU); what one writes the other reads
 * at its own address; accesses outside every window (or straddling one's end) are refused and
 * counted; debug access stops at a window's end; DMI grants come back in the initiator's
 * addresses and clipped to the window; overlapping windows are refused.
 */
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "memory.h"
#include "router.h"
#include "model_testing.h"

using ampsim::memory;
using ampsim::router;

struct cpu : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<cpu> bus{"bus"};

	explicit cpu(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
	}

	tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void *buf,
					unsigned len)
	{
		tlm::tlm_generic_payload tx;
		sc_core::sc_time d = sc_core::SC_ZERO_TIME;

		tx.set_command(cmd);
		tx.set_address(addr);
		tx.set_data_ptr(static_cast<unsigned char *>(buf));
		tx.set_data_length(len);
		tx.set_streaming_width(len);
		tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		bus->b_transport(tx, d);
		/* The initiator's payload is given back with its own address. */
		CHECK_EQ(tx.get_address(), addr);
		return tx.get_response_status();
	}
};

struct bench : sc_core::sc_module {
	cpu host{"host"}, m3{"m3"};
	router bus{"bus"};
	memory ram{"ram", 0x10000};

	SC_HAS_PROCESS(bench);
	explicit bench(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
		host.bus.bind(bus.in); /* initiator 0 */
		m3.bus.bind(bus.in);   /* initiator 1 */
		bus.out.bind(ram.bus); /* target 0 */
		CHECK_EQ(bus.map(0, 0x80000000u, 0x10000, 0), true);
		CHECK_EQ(bus.map(1, 0x0, 0x8000, 0, 0x1000), true);
		/* Overlapping, empty or wrapping windows are refused. */
		CHECK_EQ(bus.map(1, 0x7000, 0x2000, 0), false);
		CHECK_EQ(bus.map(1, 0x9000, 0, 0), false);
		CHECK_EQ(bus.map(1, UINT64_MAX - 10, 0x100, 0), false);
		SC_THREAD(run);
	}

	void run()
	{
		uint32_t word = 0xcafef00d, got = 0;
		uint8_t buf[64];

		/* The host writes at its address; the M3 reads the same bytes at its own. */
		CHECK_EQ(host.access(tlm::TLM_WRITE_COMMAND, 0x80001010u, &word, 4),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(m3.access(tlm::TLM_READ_COMMAND, 0x10, &got, 4), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(got, 0xcafef00du);
		CHECK_EQ(ram.data()[0x1010], 0x0d);

		/* Outside every window, or straddling a window's end: refused, counted. */
		CHECK_EQ(m3.access(tlm::TLM_READ_COMMAND, 0x8000, &got, 4),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(m3.access(tlm::TLM_READ_COMMAND, 0x7ffe, &got, 4),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(host.access(tlm::TLM_READ_COMMAND, 0x0, &got, 4),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(bus.misbehaviour(), 3);

		/* Debug access stops at the window's end. */
		{
			tlm::tlm_generic_payload tx;

			tx.set_command(tlm::TLM_READ_COMMAND);
			tx.set_address(0x7ff0);
			tx.set_data_ptr(buf);
			tx.set_data_length(64);
			CHECK_EQ(m3.bus->transport_dbg(tx), 16);
			CHECK_EQ(tx.get_address(), 0x7ff0);
			CHECK_EQ(tx.get_data_length(), 64);
		}

		/* DMI: in the M3's addresses, clipped to its window, aliasing the memory. */
		{
			tlm::tlm_generic_payload tx;
			tlm::tlm_dmi dmi;

			tx.set_address(0x100);
			CHECK_EQ(m3.bus->get_direct_mem_ptr(tx, dmi), true);
			CHECK_EQ(dmi.get_start_address(), 0x0);
			CHECK_EQ(dmi.get_end_address(), 0x7fff);
			CHECK_EQ(dmi.get_dmi_ptr() == ram.data() + 0x1000, true);
			CHECK_EQ(tx.get_address(), 0x100);
			tx.set_address(0x80000000u);
			CHECK_EQ(host.bus->get_direct_mem_ptr(tx, dmi), true);
			CHECK_EQ(dmi.get_start_address(), 0x80000000u);
			CHECK_EQ(dmi.get_end_address(), 0x8000ffffu);
			tx.set_address(0x9000);
			CHECK_EQ(m3.bus->get_direct_mem_ptr(tx, dmi), false);
		}
		sc_core::sc_stop();
	}
};

int sc_main(int, char **)
{
	sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
	bench b("bench");

	sc_core::sc_start();
	return model_test_result("test_router");
}
