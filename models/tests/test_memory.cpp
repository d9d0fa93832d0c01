// SPDX-License-Identifier: BSD-3-Clause
/*
 * The memory model through its socket: reads and writes of any size, byte enables and
 * streaming width, the latency it annotates, accesses outside it (counted, address error,
 * nothing written), a read-only memory (command error on the bus, writable by debug access,
 * read-only DMI), and DMI grants that alias the contents.
 */
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "memory.h"
#include "model_testing.h"

using ampsim::memory;

struct cpu : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<cpu> ram_bus{"ram_bus"}, rom_bus{"rom_bus"};

	explicit cpu(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
	}

	static tlm::tlm_response_status access(tlm_utils::simple_initiator_socket<cpu> &s,
					       tlm::tlm_command cmd, uint64_t addr, void *buf,
					       unsigned len, sc_core::sc_time *delay = nullptr,
					       const unsigned char *be = nullptr,
					       unsigned be_len = 0, unsigned width = 0)
	{
		tlm::tlm_generic_payload tx;
		sc_core::sc_time d = sc_core::SC_ZERO_TIME;

		tx.set_command(cmd);
		tx.set_address(addr);
		tx.set_data_ptr(static_cast<unsigned char *>(buf));
		tx.set_data_length(len);
		tx.set_streaming_width(width ? width : len);
		tx.set_byte_enable_ptr(const_cast<unsigned char *>(be));
		tx.set_byte_enable_length(be_len);
		tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		s->b_transport(tx, d);
		if (delay)
			*delay = d;
		return tx.get_response_status();
	}
};

struct bench : sc_core::sc_module {
	cpu core{"core"};
	memory ram{"ram", 4096, false, sc_core::sc_time(10, sc_core::SC_NS)};
	memory rom{"rom", 1024, true};

	SC_HAS_PROCESS(bench);
	explicit bench(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
		core.ram_bus.bind(ram.bus);
		core.rom_bus.bind(rom.bus);
		SC_THREAD(run);
	}

	void run()
	{
		uint8_t buf[16], out[16];
		uint32_t word = 0x11223344, got = 0;
		sc_core::sc_time delay;

		/* Plain accesses, with the annotated latency. */
		CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_WRITE_COMMAND, 0x100, &word, 4, &delay),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(delay == sc_core::sc_time(10, sc_core::SC_NS), true);
		CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_READ_COMMAND, 0x100, &got, 4),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(got, 0x11223344u);
		CHECK_EQ(ram.data()[0x100], 0x44);

		/* Byte enables: only enabled bytes are written. */
		{
			const unsigned char be[4] = {0xff, 0, 0xff, 0};
			uint32_t v = 0xaabbccdd;

			CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_WRITE_COMMAND, 0x100, &v, 4,
					     nullptr, be, 4),
				 tlm::TLM_OK_RESPONSE);
			CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_READ_COMMAND, 0x100, &got, 4),
				 tlm::TLM_OK_RESPONSE);
			CHECK_EQ(got, 0x11bb33ddu);
		}
		/* Streaming width 4 over 16 bytes: the same word written four times. */
		for (int i = 0; i < 16; i++)
			buf[i] = static_cast<uint8_t>(i);
		CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_WRITE_COMMAND, 0x200, buf, 16, nullptr,
				     nullptr, 0, 4),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(ram.data()[0x200], 12);
		CHECK_EQ(ram.data()[0x203], 15);
		CHECK_EQ(ram.data()[0x204], 0);

		/* Outside: address error, counted, nothing written. */
		CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_WRITE_COMMAND, 4094, &word, 4),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(ram.data()[4094], 0);
		CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_READ_COMMAND, UINT64_MAX - 1, &got, 4),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(ram.misbehaviour(), 2);
		CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_WRITE_COMMAND, 4092, &word, 4),
			 tlm::TLM_OK_RESPONSE); /* the last word is inside */

		/* Read-only memory: bus writes refused, the loader's debug writes allowed. */
		CHECK_EQ(cpu::access(core.rom_bus, tlm::TLM_WRITE_COMMAND, 0, &word, 4),
			 tlm::TLM_COMMAND_ERROR_RESPONSE);
		CHECK_EQ(rom.misbehaviour(), 1);
		{
			tlm::tlm_generic_payload tx;

			std::memcpy(buf, "firmware", 8);
			tx.set_command(tlm::TLM_WRITE_COMMAND);
			tx.set_address(1020);
			tx.set_data_ptr(buf);
			tx.set_data_length(8);
			CHECK_EQ(core.rom_bus->transport_dbg(tx), 4); /* clamped at the end */
			tx.set_command(tlm::TLM_READ_COMMAND);
			tx.set_data_ptr(out);
			CHECK_EQ(core.rom_bus->transport_dbg(tx), 4);
			CHECK_EQ(std::memcmp(out, "firm", 4), 0);
			tx.set_address(1024);
			CHECK_EQ(core.rom_bus->transport_dbg(tx), 0);
		}

		/* DMI: the whole memory, aliased; read-only for ROM. */
		{
			tlm::tlm_generic_payload tx;
			tlm::tlm_dmi dmi;

			tx.set_address(0);
			CHECK_EQ(core.ram_bus->get_direct_mem_ptr(tx, dmi), true);
			CHECK_EQ(dmi.get_start_address(), 0);
			CHECK_EQ(dmi.get_end_address(), 4095);
			CHECK_EQ(dmi.is_read_write_allowed(), true);
			dmi.get_dmi_ptr()[0x300] = 0x5a;
			CHECK_EQ(cpu::access(core.ram_bus, tlm::TLM_READ_COMMAND, 0x300, out, 1),
				 tlm::TLM_OK_RESPONSE);
			CHECK_EQ(out[0], 0x5a);
			CHECK_EQ(core.rom_bus->get_direct_mem_ptr(tx, dmi), true);
			CHECK_EQ(dmi.is_read_allowed(), true);
			CHECK_EQ(dmi.is_write_allowed(), false);
		}
		sc_core::sc_stop();
	}
};

int sc_main(int, char **)
{
	sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
	bench b("bench");

	sc_core::sc_start();
	return model_test_result("test_memory");
}
