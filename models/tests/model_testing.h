// SPDX-License-Identifier: BSD-3-Clause
/*
 * What the model tests share: a failure count and CHECK_EQ, which reports and counts a
 * mismatch and goes on (a SystemC thread cannot just return from sc_main); and test_cpu, the
 * initiator that programs a register block as a core's loads and stores would.
 */
#ifndef AMPSIM_MODEL_TESTING_H
#define AMPSIM_MODEL_TESTING_H

#include <cstdint>
#include <cstdio>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

static int failures;

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		unsigned long long va_ = (a), vb_ = (b);                                           \
		if (va_ != vb_) {                                                                  \
			std::fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %llu, %s == %llu\n",   \
				     __FILE__, __LINE__, #a, va_, #b, vb_);                        \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/*
 * A CPU performing one register access at a time: 1, 2 or 4 bytes (a narrow value in the low
 * bytes, in host byte order, as a little-endian core's store puts it), optionally @delay ahead
 * of the kernel (temporal decoupling), optionally with byte enables; and debug accesses.
 */
struct test_cpu : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<test_cpu> bus{"bus"};

	explicit test_cpu(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
	}

	tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint32_t &v,
					unsigned len = 4,
					sc_core::sc_time delay = sc_core::SC_ZERO_TIME,
					unsigned char *byte_enable = nullptr)
	{
		tlm::tlm_generic_payload tx;
		unsigned char data[4] = {0};

		std::memcpy(data, &v, len);
		tx.set_command(cmd);
		tx.set_address(addr);
		tx.set_data_ptr(data);
		tx.set_data_length(len);
		tx.set_streaming_width(len);
		tx.set_byte_enable_ptr(byte_enable);
		tx.set_byte_enable_length(byte_enable ? len : 0);
		tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		bus->b_transport(tx, delay);
		v = 0;
		std::memcpy(&v, data, len);
		return tx.get_response_status();
	}
	uint32_t rd(uint64_t addr, unsigned len = 4)
	{
		return rd_at(addr, sc_core::SC_ZERO_TIME, len);
	}
	void wr(uint64_t addr, uint32_t v, unsigned len = 4)
	{
		wr_at(addr, v, sc_core::SC_ZERO_TIME, len);
	}
	/* An access @delay ahead of the kernel; it must succeed. */
	uint32_t rd_at(uint64_t addr, sc_core::sc_time delay, unsigned len = 4)
	{
		uint32_t v = 0xdeadbeef;

		CHECK_EQ(access(tlm::TLM_READ_COMMAND, addr, v, len, delay), tlm::TLM_OK_RESPONSE);
		return v;
	}
	void wr_at(uint64_t addr, uint32_t v, sc_core::sc_time delay, unsigned len = 4)
	{
		CHECK_EQ(access(tlm::TLM_WRITE_COMMAND, addr, v, len, delay), tlm::TLM_OK_RESPONSE);
	}
	/* A debug access: the bytes transferred (4, or 0 when refused). */
	unsigned dbg(tlm::tlm_command cmd, uint64_t addr, uint32_t &v)
	{
		tlm::tlm_generic_payload tx;

		tx.set_command(cmd);
		tx.set_address(addr);
		tx.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
		tx.set_data_length(4);
		return bus->transport_dbg(tx);
	}
	/* A debug read that must succeed. */
	uint32_t peek(uint64_t addr)
	{
		uint32_t v = 0;

		CHECK_EQ(dbg(tlm::TLM_READ_COMMAND, addr, v), 4);
		return v;
	}
};

/* The verdict line, and the exit status of sc_main(). */
static inline int model_test_result(const char *name)
{
	std::printf("%s %s\n", failures ? "FAIL" : "ok  ", name);
	return failures ? 1 : 0;
}

#endif
