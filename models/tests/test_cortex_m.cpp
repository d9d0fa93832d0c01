// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Cortex-M core model running real firmware (fixtures/firmware/coretest/coretest.c): code
 * and RAM behind a router, and a bench device whose interrupt line the firmware acknowledges.
 * The firmware checks the exception model from the inside and leaves its results in RAM; the
 * bench checks them, the fault the firmware ends with, the core's counters and simulated time.
 *
 *   test_cortex_m FILE.bin [selftest|restart|bad-vector]
 * selftest: one run; restart: run, fault, start again, run again; bad-vector: an image whose
 * reset vector lacks the Thumb bit must fault at start.
 */
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <unicorn/arm.h>

#include "cortex_m.h"
#include "memory.h"
#include "model_testing.h"
#include "router.h"

using namespace sc_core;
using ampsim::cortex_m;

namespace
{

constexpr uint32_t PASS = 0x600DC0DEu;
constexpr unsigned BENCH_IRQ = 9, IRQS = 16;
constexpr uint64_t CLOCK_HZ = 100000000; /* 10 ns per instruction */

/* The firmware's struct results (coretest.c), word offsets. */
enum result_word {
	MAGIC,
	STEP,
	TICKS,
	CYCLES_10_TICKS,
	LOG_LEN,
	LOG,
	SVC = LOG + 24,
	PENDSV,
	BENCH_IRQS,
	PSP_BEFORE,
	PSP_AFTER,
	WFI_LOOPS
};

/* Raises its line a programmed time after the firmware asks, lowers it on acknowledge. */
struct bench_device : sc_module {
	tlm_utils::simple_target_socket<bench_device> bus;
	sc_out<bool> irq;
	sc_event raise;
	sc_time armed_at, raised_at;

	SC_HAS_PROCESS(bench_device);
	explicit bench_device(const sc_module_name &name) : sc_module(name), bus("bus"), irq("irq")
	{
		bus.register_b_transport(this, &bench_device::b_transport);
		SC_METHOD(fire);
		sensitive << raise;
		dont_initialize();
	}
	void fire()
	{
		raised_at = sc_time_stamp();
		irq.write(true);
	}
	void b_transport(tlm::tlm_generic_payload &tx, sc_time &delay)
	{
		uint32_t v = 0;

		std::memcpy(&v, tx.get_data_ptr(), std::min(4u, tx.get_data_length()));
		tx.set_response_status(tlm::TLM_OK_RESPONSE);
		if (!tx.is_write())
			return;
		if (tx.get_address() == 0) {
			irq.write(false);
		} else if (tx.get_address() == 4) {
			armed_at = sc_time_stamp() + delay;
			raise.notify(delay + sc_time(v, SC_US));
		} else {
			tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		}
	}
};

struct fault_record {
	int count = 0;
	cortex_m::fault_kind kind = cortex_m::fault_kind::hard;
	std::string text;
};

uint32_t word(ampsim::memory &ram, unsigned index)
{
	uint32_t v;

	std::memcpy(&v, ram.data() + 4 * index, 4);
	return v;
}

void check_selftest(ampsim::memory &ram, const fault_record &f, const cortex_m &core, unsigned runs)
{
	CHECK_EQ(word(ram, MAGIC), PASS);
	CHECK_EQ(word(ram, STEP), 9);
	CHECK_EQ(word(ram, TICKS), 10);
	/* The sequences, checked here too so a firmware that skips its checks still fails. */
	CHECK_EQ(word(ram, SVC), 1);
	CHECK_EQ(word(ram, PENDSV), 1);
	CHECK_EQ(word(ram, BENCH_IRQS), 1);
	CHECK_EQ(word(ram, PSP_BEFORE) & 7, 4);
	CHECK_EQ(word(ram, PSP_BEFORE), word(ram, PSP_AFTER));
	/* The log since step 7: the interrupt on PSP, then the bench's. */
	CHECK_EQ(word(ram, LOG_LEN), 4);
	CHECK_EQ(word(ram, LOG), 0x103);
	CHECK_EQ(word(ram, LOG + 2), 0x109);
	CHECK_EQ(f.count, 1);
	CHECK_EQ(static_cast<int>(f.kind), static_cast<int>(cortex_m::fault_kind::memory));
	CHECK_EQ(f.text.find("0x50000000") != std::string::npos, true);
	CHECK_EQ(core.current_state() == cortex_m::state::crashed, true);
	/* 10 SysTicks + 2 pend + 2 nesting + 3 release + 2 basepri + SVC + PendSV + PSP + bench. */
	CHECK_EQ(core.exceptions(), 23 * runs);
	CHECK_EQ(core.instructions() > 500 * runs, true);
	/* Most of the ten tick periods and the 50 us wait were slept, not executed. */
	CHECK_EQ(core.sleep_cycles() > 10000, true);
	CHECK_EQ(core.scs().misbehaviour(), 0);
}

} // namespace

int sc_main(int argc, char **argv)
{
	std::string scenario = argc > 2 ? argv[2] : "selftest";
	std::vector<char> image;
	fault_record fault;
	int starts = 0;

	if (argc < 2) {
		std::fprintf(stderr,
			     "usage: test_cortex_m FILE.bin [selftest|restart|bad-vector]\n");
		return 2;
	}
	{
		std::ifstream in(argv[1], std::ios::binary);

		image.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
		if (image.empty() || image.size() > 64 * 1024) {
			std::fprintf(stderr, "test_cortex_m: cannot read %s\n", argv[1]);
			return 2;
		}
	}
	sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);

	cortex_m::config cfg;
	cfg.type = cortex_m::core_type::m3;
	cfg.clock_hz = CLOCK_HZ;
	cfg.irqs = IRQS;
	cfg.quantum = 2000;
	cortex_m core("core", cfg);
	ampsim::memory code("code", 64 * 1024), ram("ram", 16 * 1024);
	ampsim::router bus("bus");
	bench_device bench("bench");
	sc_signal<bool, SC_MANY_WRITERS> bench_line("bench_line");
	sc_vector<sc_signal<bool>> idle("idle", IRQS);

	core.bus.bind(bus.in);
	bus.out.bind(code.bus);
	bus.out.bind(ram.bus);
	bus.out.bind(bench.bus);
	bus.map(0, 0x00000000, 64 * 1024, 0);
	bus.map(0, 0x20000000, 16 * 1024, 1);
	bus.map(0, 0x40000000, 0x1000, 2);
	CHECK_EQ(core.add_window(0x00000000, 64 * 1024), true);
	CHECK_EQ(core.add_window(0x20000000, 16 * 1024), true);
	CHECK_EQ(core.add_window(0x40000000, 0x1000), true);
	/* Misaligned, overlapping or in the private peripheral bus: refused. */
	CHECK_EQ(core.add_window(0x20001000, 0x1000), false);
	CHECK_EQ(core.add_window(0x30000800, 0x1000), false);
	CHECK_EQ(core.add_window(0xE0000000, 0x1000), false);
	for (unsigned n = 0; n < IRQS; n++) {
		if (n == BENCH_IRQ)
			core.irq[n].bind(bench_line);
		else
			core.irq[n].bind(idle[n]);
	}
	bench.irq.bind(bench_line);

	std::memcpy(code.data(), image.data(), image.size());
	if (scenario == "bad-vector") {
		uint32_t even = 0x100;

		std::memcpy(code.data() + 4, &even, 4);
	}
	core.on_fault = [&](cortex_m::fault_kind kind, const std::string &text) {
		fault.count++;
		fault.kind = kind;
		fault.text = text;
		if (scenario == "restart" && starts == 1) {
			check_selftest(ram, fault, core, 1);
			std::memset(ram.data(), 0, 256);
			fault = fault_record();
			starts++;
			core.start();
			return;
		}
		sc_stop();
	};
	core.start();
	starts = 1;
	sc_start(1, SC_SEC);

	if (scenario == "bad-vector") {
		CHECK_EQ(fault.count, 1);
		CHECK_EQ(static_cast<int>(fault.kind),
			 static_cast<int>(cortex_m::fault_kind::hard));
		CHECK_EQ(fault.text.find("Thumb bit clear") != std::string::npos, true);
		CHECK_EQ(core.instructions(), 0);
	} else {
		check_selftest(ram, fault, core, scenario == "restart" ? 2 : 1);
		CHECK_EQ(starts, scenario == "restart" ? 2 : 1);
		/* The bench's interrupt came 50 us after it was armed, and was taken. */
		CHECK_EQ(bench.raised_at - bench.armed_at == sc_time(50, SC_US), true);
		/* Simulated time is instruction time plus sleep: well under the 1 s limit. */
		CHECK_EQ(sc_time_stamp() < sc_time(10, SC_MS), true);
		std::printf("%s: %llu instructions, %llu exceptions, %llu cycles asleep, %s "
			    "simulated\n",
			    scenario.c_str(), static_cast<unsigned long long>(core.instructions()),
			    static_cast<unsigned long long>(core.exceptions()),
			    static_cast<unsigned long long>(core.sleep_cycles()),
			    sc_time_stamp().to_string().c_str());
	}
	if (fault.count)
		std::printf("fault: %s\n", fault.text.c_str());
	return model_test_result(("test_cortex_m " + scenario).c_str());
}
