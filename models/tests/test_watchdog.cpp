// SPDX-License-Identifier: BSD-3-Clause
/*
 * The SP805 watchdog model through its bus socket, the way Linux's sp805_wdt and bare-metal
 * firmware use it: reset values and IDs, the count-down at given simulated times, the interrupt
 * at the first timeout and the reset at the second (only with RESEN), petting, reloads, the
 * lock, the model's soft reset, accesses made ahead of the kernel under temporal decoupling,
 * debug reads, and every kind of guest misbehaviour counted, answered and never fatal.
 */
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model_testing.h"
#include "watchdog.h"

using ampsim::watchdog;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_US;

/* A watchdog on its own bus with its outputs on signals, the rising edges and expiries seen. */
struct guarded : sc_core::sc_module {
	test_cpu core{"core"};
	watchdog wdt;
	sc_core::sc_signal<bool> wdogint{"wdogint"}, wdogres{"wdogres"};
	unsigned int_rises = 0, res_rises = 0;
	std::vector<sc_time> expiry_times; /* when on_expiry was called */

	SC_HAS_PROCESS(guarded);
	guarded(const sc_core::sc_module_name &n, const sc_time &period)
	    : sc_core::sc_module(n), wdt("wdt", period)
	{
		core.bus.bind(wdt.bus);
		wdt.irq.bind(wdogint);
		wdt.reset_out.bind(wdogres);
		wdt.on_expiry([this] { expiry_times.push_back(sc_core::sc_time_stamp()); });
		SC_METHOD(count_int);
		sensitive << wdogint.posedge_event();
		dont_initialize();
		SC_METHOD(count_res);
		sensitive << wdogres.posedge_event();
		dont_initialize();
	}
	void count_int()
	{
		int_rises++;
	}
	void count_res()
	{
		res_rises++;
	}
};

/* The period every timing check uses: round numbers of microseconds. */
static const sc_time P(1, SC_US);

struct bench : sc_core::sc_module {
	guarded g{"g", P};
	/* The board's real WDOGCLK, 32768 Hz, and one so slow that timeouts overflow sc_time. */
	guarded g32k{"g32k", sc_time(1.0 / 32768, sc_core::SC_SEC)};
	guarded slow{"slow", sc_time(1e6, sc_core::SC_SEC)};
	test_cpu &core = g.core;

	SC_HAS_PROCESS(bench);
	explicit bench(const sc_core::sc_module_name &n) : sc_core::sc_module(n)
	{
		SC_THREAD(run);
	}

	/* Both outputs as the next delta cycle sees them, as bits: WDOGRES << 1 | WDOGINT. */
	unsigned outputs()
	{
		wait(sc_core::SC_ZERO_TIME);
		return (g.wdogres.read() << 1) | g.wdogint.read();
	}
	/* Waits until @t after @start. */
	void wait_until(const sc_time &start, const sc_time &t)
	{
		wait(start + t - sc_core::sc_time_stamp());
	}

	void reset_values()
	{
		CHECK_EQ(g.wdt.size(), 0x1000u);
		CHECK_EQ(core.rd(watchdog::LOAD), 0xffffffffu);
		CHECK_EQ(core.rd(watchdog::VALUE), 0xffffffffu);
		CHECK_EQ(core.rd(watchdog::CONTROL), 0);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		CHECK_EQ(core.rd(watchdog::MIS), 0);
		CHECK_EQ(core.rd(watchdog::LOCK), 0);
		{
			const uint32_t periph[4] = {0x05, 0x18, 0x14, 0x00};
			const uint32_t pcell[4] = {0x0d, 0xf0, 0x05, 0xb1};

			for (unsigned i = 0; i < 4; i++) {
				CHECK_EQ(core.rd(watchdog::PERIPH_ID0 + 4 * i), periph[i]);
				CHECK_EQ(core.rd(watchdog::PCELL_ID0 + 4 * i), pcell[i]);
			}
		}
		CHECK_EQ(outputs(), 0);
		/* Out of reset the counter does not count. */
		wait(100 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 0xffffffffu);
		CHECK_EQ(g.wdt.misbehaviour(), 0);
	}

	/* Counting, the interrupt at the first timeout, no reset while RESEN is clear. */
	void interrupt_without_reset()
	{
		const sc_time t0 = sc_core::sc_time_stamp();

		core.wr(watchdog::LOAD, 1000);
		core.wr(watchdog::CONTROL, watchdog::INTEN);
		wait_until(t0, 250 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 750);
		wait_until(t0, 250 * P + P / 2); /* between two WDOGCLK edges */
		CHECK_EQ(core.rd(watchdog::VALUE), 750);
		wait_until(t0, 999 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 1);
		wait_until(t0, 1000 * P - sc_time(1, SC_NS));
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		CHECK_EQ(outputs(), 0);
		/* Load periods after the load: interrupt, and the counter reloads. */
		wait_until(t0, 1000 * P);
		CHECK_EQ(core.rd(watchdog::RIS), 1);
		CHECK_EQ(core.rd(watchdog::MIS), 1);
		CHECK_EQ(outputs(), 1);
		CHECK_EQ(core.rd(watchdog::VALUE), 1000);
		wait_until(t0, 1100 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 900);
		/* Five more timeouts with the interrupt pending: RESEN is clear, no reset. */
		wait_until(t0, 6123 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 877);
		CHECK_EQ(core.rd(watchdog::RIS), 1);
		CHECK_EQ(outputs(), 1);
		CHECK_EQ(g.wdt.expiries(), 0);
		CHECK_EQ(g.int_rises, 1);
		CHECK_EQ(g.res_rises, 0);
		/* Setting RESEN does not reload; the next timeout resets (the interrupt is
		 * pending). */
		core.wr(watchdog::CONTROL, watchdog::INTEN | watchdog::RESEN);
		CHECK_EQ(core.rd(watchdog::VALUE), 877);
		wait_until(t0, 7000 * P - sc_time(1, SC_NS));
		CHECK_EQ(outputs(), 1);
		wait_until(t0, 7000 * P);
		CHECK_EQ(outputs(), 3);
		CHECK_EQ(g.wdt.expiries(), 1);
		CHECK_EQ(g.expiry_times.size(), 1);
		CHECK_EQ(g.expiry_times.empty() ? 0 : g.expiry_times[0].value(),
			 (t0 + 7000 * P).value());
		/* The counter stopped at 0, and stays there whatever the guest writes. */
		CHECK_EQ(core.rd(watchdog::VALUE), 0);
		core.wr(watchdog::INTCLR, 0);
		core.wr(watchdog::LOAD, 10);
		wait(100 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 0);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		CHECK_EQ(outputs(), 2); /* the interrupt cleared, the reset stays */
		CHECK_EQ(g.wdt.expiries(), 1);
		CHECK_EQ(g.res_rises, 1);
	}

	/* reset() puts every register back, drops both outputs and keeps the counts. */
	void soft_reset()
	{
		core.wr(watchdog::LOCK, 0);
		g.wdt.reset();
		CHECK_EQ(outputs(), 0);
		CHECK_EQ(core.rd(watchdog::LOAD), 0xffffffffu);
		CHECK_EQ(core.rd(watchdog::VALUE), 0xffffffffu);
		CHECK_EQ(core.rd(watchdog::CONTROL), 0);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		CHECK_EQ(core.rd(watchdog::LOCK), 0);
		wait(100 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 0xffffffffu);
		CHECK_EQ(g.wdt.expiries(), 1);
		CHECK_EQ(g.expiry_times.size(), 1);
	}

	/* The interrupt at the first timeout, the reset at the second. */
	void reset_at_second_timeout()
	{
		const sc_time t0 = sc_core::sc_time_stamp();

		core.wr(watchdog::LOAD, 100);
		core.wr(watchdog::CONTROL, watchdog::INTEN | watchdog::RESEN);
		wait_until(t0, 100 * P);
		CHECK_EQ(outputs(), 1);
		CHECK_EQ(g.wdt.expiries(), 1);
		wait_until(t0, 200 * P);
		CHECK_EQ(outputs(), 3);
		CHECK_EQ(g.wdt.expiries(), 2);
		CHECK_EQ(g.expiry_times.size(), 2);
		CHECK_EQ(g.expiry_times.size() < 2 ? 0 : g.expiry_times[1].value(),
			 (t0 + 200 * P).value());
		g.wdt.reset();
		CHECK_EQ(outputs(), 0);
	}

	/* Petting every half period for 100 periods: never a timeout; stop and it comes. */
	void petting()
	{
		const unsigned int_rises = g.int_rises, expiries = g.wdt.expiries();
		const sc_time t0 = sc_core::sc_time_stamp();

		core.wr(watchdog::LOAD, 100);
		core.wr(watchdog::CONTROL, watchdog::INTEN | watchdog::RESEN);
		for (unsigned i = 0; i < 200; i++) {
			wait(50 * P);
			core.wr(watchdog::INTCLR, 0x12345678);
		}
		CHECK_EQ(core.rd(watchdog::VALUE), 100);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		CHECK_EQ(outputs(), 0);
		CHECK_EQ(g.int_rises, int_rises);
		CHECK_EQ(g.wdt.expiries(), expiries);
		/* Without the pets: interrupt after 100 periods, reset after 200. */
		const sc_time last_pet = sc_core::sc_time_stamp();
		CHECK_EQ(last_pet.value(), (t0 + 10000 * P).value());
		wait_until(last_pet, 100 * P);
		CHECK_EQ(outputs(), 1);
		wait_until(last_pet, 200 * P);
		CHECK_EQ(outputs(), 3);
		CHECK_EQ(g.wdt.expiries(), expiries + 1);
		g.wdt.reset();
	}

	/* WdogLoad reloads at once; INTEN stops the counter and reloads it when set again. */
	void reloads()
	{
		const sc_time t0 = sc_core::sc_time_stamp();

		core.wr(watchdog::LOAD, 500); /* while stopped: the counter takes it */
		CHECK_EQ(core.rd(watchdog::VALUE), 500);
		core.wr(watchdog::LOAD, 100);
		core.wr(watchdog::CONTROL, watchdog::INTEN);
		wait_until(t0, 60 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 40);
		core.wr(watchdog::LOAD, 100);
		CHECK_EQ(core.rd(watchdog::VALUE), 100);
		wait_until(t0, 110 * P); /* past the first deadline: postponed */
		CHECK_EQ(core.rd(watchdog::VALUE), 50);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		/* Clearing INTEN holds the value; setting it again reloads. */
		core.wr(watchdog::CONTROL, 0);
		wait_until(t0, 300 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 50);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		core.wr(watchdog::CONTROL, watchdog::INTEN);
		CHECK_EQ(core.rd(watchdog::VALUE), 100);
		wait_until(t0, 330 * P);
		CHECK_EQ(core.rd(watchdog::VALUE), 70);
		wait_until(t0, 400 * P);
		CHECK_EQ(core.rd(watchdog::RIS), 1);
		/* The interrupt is masked with INTEN (MIS and the output), RIS stays. */
		core.wr(watchdog::CONTROL, 0);
		CHECK_EQ(core.rd(watchdog::RIS), 1);
		CHECK_EQ(core.rd(watchdog::MIS), 0);
		CHECK_EQ(outputs(), 0);
		g.wdt.reset();
		CHECK_EQ(g.wdt.misbehaviour(), 0);
	}

	/* WdogLock: any value but the key locks; locked writes are ignored and counted. */
	void lock()
	{
		const unsigned before = g.wdt.misbehaviour();
		const sc_time t0 = sc_core::sc_time_stamp();

		core.wr(watchdog::LOAD, 100);
		core.wr(watchdog::CONTROL, watchdog::INTEN);
		core.wr(watchdog::LOCK, 1);
		CHECK_EQ(core.rd(watchdog::LOCK), 1);
		core.wr(watchdog::LOAD, 5000);
		core.wr(watchdog::CONTROL, 0);
		wait_until(t0, 100 * P);
		CHECK_EQ(outputs(), 1);
		core.wr(watchdog::INTCLR, 0); /* a locked pet does not clear */
		CHECK_EQ(outputs(), 1);
		CHECK_EQ(g.wdt.misbehaviour(), before + 3);
		CHECK_EQ(core.rd(watchdog::LOAD), 100);
		CHECK_EQ(core.rd(watchdog::CONTROL), watchdog::INTEN);
		CHECK_EQ(core.rd(watchdog::RIS), 1);
		/* A wrong key locks too; the right one unlocks. */
		core.wr(watchdog::LOCK, watchdog::UNLOCK_KEY + 1);
		CHECK_EQ(core.rd(watchdog::LOCK), 1);
		core.wr(watchdog::LOCK, watchdog::UNLOCK_KEY);
		CHECK_EQ(core.rd(watchdog::LOCK), 0);
		core.wr(watchdog::INTCLR, 0);
		CHECK_EQ(core.rd(watchdog::RIS), 0);
		CHECK_EQ(outputs(), 0);
		core.wr(watchdog::LOAD, 5000);
		CHECK_EQ(core.rd(watchdog::LOAD), 5000);
		CHECK_EQ(g.wdt.misbehaviour(), before + 3);
		/* reset() unlocks. */
		core.wr(watchdog::LOCK, 0);
		g.wdt.reset();
		CHECK_EQ(core.rd(watchdog::LOCK), 0);
	}

	/* An access `delay` ahead of the kernel happens at now + delay. */
	void temporal_decoupling()
	{
		const sc_time t0 = sc_core::sc_time_stamp();
		const unsigned int_rises = g.int_rises;

		core.wr(watchdog::LOAD, 1000);
		core.wr(watchdog::CONTROL, watchdog::INTEN);
		CHECK_EQ(core.rd_at(watchdog::VALUE, 300 * P), 700);
		core.wr_at(watchdog::INTCLR, 0, 400 * P); /* a pet at t0 + 400 */
		CHECK_EQ(core.rd_at(watchdog::VALUE, 500 * P), 900);
		/* Time does not go backwards: an access stamped earlier happens at t0 + 500. */
		CHECK_EQ(core.rd_at(watchdog::VALUE, 100 * P), 900);
		/* The timeout due at t0 + 1400, seen by an access at t0 + 1450... */
		CHECK_EQ(core.rd_at(watchdog::RIS, 1450 * P), 1);
		CHECK_EQ(core.rd_at(watchdog::VALUE, 1450 * P), 950);
		/* ...drives the output at t0 + 1400 in the kernel's time, not before. */
		CHECK_EQ(outputs(), 0);
		wait_until(t0, 1400 * P - sc_time(1, SC_NS));
		CHECK_EQ(outputs(), 0);
		wait_until(t0, 1400 * P);
		CHECK_EQ(outputs(), 1);
		CHECK_EQ(g.int_rises, int_rises + 1);
		/* A write ahead of the kernel changes the output at its own time (the model is at
		 * t0 + 1450 already: the pet is at t0 + 1470). */
		core.wr_at(watchdog::INTCLR, 0, 70 * P);
		CHECK_EQ(outputs(), 1);
		wait_until(t0, 1470 * P - sc_time(1, SC_NS));
		CHECK_EQ(outputs(), 1);
		wait_until(t0, 1470 * P);
		CHECK_EQ(outputs(), 0);
		/* The reset, reached by an access ahead of the kernel, is announced at its time:
		 * the pet at t0 + 1470 makes the interrupt due at t0 + 2470, the reset at 3470. */
		core.wr(watchdog::CONTROL, watchdog::INTEN | watchdog::RESEN);
		const unsigned expiries = g.wdt.expiries();
		const size_t seen = g.expiry_times.size();
		CHECK_EQ(core.rd_at(watchdog::VALUE, 530 * P), 470); /* at t0 + 2000 */
		CHECK_EQ(core.rd_at(watchdog::VALUE, 2030 * P), 0);  /* at t0 + 3500 */
		CHECK_EQ(g.wdt.expiries(), expiries + 1);
		CHECK_EQ(g.expiry_times.size(), seen);
		CHECK_EQ(outputs(), 0);
		wait_until(t0, 2470 * P);
		CHECK_EQ(outputs(), 1);
		wait_until(t0, 3470 * P - sc_time(1, SC_NS));
		CHECK_EQ(outputs(), 1);
		CHECK_EQ(g.expiry_times.size(), seen);
		wait_until(t0, 3470 * P);
		CHECK_EQ(outputs(), 3);
		CHECK_EQ(g.expiry_times.size(), seen + 1);
		CHECK_EQ(g.expiry_times.size() == seen + 1 ? g.expiry_times[seen].value() : 0,
			 (t0 + 3470 * P).value());
		/* reset() cannot undo the access made at t0 + 3500: it happens there too. */
		g.wdt.reset();
		CHECK_EQ(outputs(), 3);
		wait_until(t0, 3500 * P);
		CHECK_EQ(outputs(), 0);
		CHECK_EQ(core.rd(watchdog::VALUE), 0xffffffffu);
	}

	void debug_access()
	{
		const unsigned before = g.wdt.misbehaviour();
		uint32_t v = 0;

		core.wr(watchdog::LOAD, 100);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, watchdog::VALUE, v), 4);
		CHECK_EQ(v, 100);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, watchdog::INTCLR, v), 4);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, watchdog::PERIPH_ID0 + 4, v), 4);
		CHECK_EQ(v, 0x18);
		v = 7;
		CHECK_EQ(core.dbg(tlm::TLM_WRITE_COMMAND, watchdog::LOAD, v), 0);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, 0x018, v), 0);
		CHECK_EQ(core.dbg(tlm::TLM_READ_COMMAND, 0x1000, v), 0);
		CHECK_EQ(core.rd(watchdog::LOAD), 100);
		CHECK_EQ(g.wdt.misbehaviour(), before);
		g.wdt.reset();
	}

	void misbehaviour()
	{
		const tlm::tlm_command r = tlm::TLM_READ_COMMAND, w = tlm::TLM_WRITE_COMMAND;
		const unsigned before = g.wdt.misbehaviour();
		uint32_t v = 0;

		CHECK_EQ(core.access(r, 0x002, v), tlm::TLM_ADDRESS_ERROR_RESPONSE); /* unaligned */
		CHECK_EQ(core.access(w, watchdog::LOAD, v, 2), tlm::TLM_ADDRESS_ERROR_RESPONSE);
		CHECK_EQ(core.access(r, 0x018, v),
			 tlm::TLM_ADDRESS_ERROR_RESPONSE); /* no register */
		CHECK_EQ(core.access(r, 0xf00, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);  /* no ITCR */
		CHECK_EQ(core.access(r, 0x1000, v), tlm::TLM_ADDRESS_ERROR_RESPONSE); /* outside */
		CHECK_EQ(g.wdt.misbehaviour(), before + 5);
		/* Read-only registers ignore writes; WdogIntClr reads 0; OK, but counted. */
		v = 5;
		CHECK_EQ(core.access(w, watchdog::VALUE, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(core.access(w, watchdog::RIS, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(core.access(w, watchdog::MIS, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(core.access(w, watchdog::PCELL_ID0, v), tlm::TLM_OK_RESPONSE);
		v = 0xffffffff;
		CHECK_EQ(core.access(r, watchdog::INTCLR, v), tlm::TLM_OK_RESPONSE);
		CHECK_EQ(v, 0);
		CHECK_EQ(core.rd(watchdog::VALUE), 0xffffffffu);
		CHECK_EQ(core.rd(watchdog::PCELL_ID0), 0x0du);
		CHECK_EQ(g.wdt.misbehaviour(), before + 10);
		/* A WdogLoad of 0 is below the minimum: it loads 1, the next period times out. */
		const sc_time t0 = sc_core::sc_time_stamp();
		core.wr(watchdog::LOAD, 0);
		CHECK_EQ(g.wdt.misbehaviour(), before + 11);
		CHECK_EQ(core.rd(watchdog::LOAD), 1);
		core.wr(watchdog::CONTROL, watchdog::INTEN);
		wait_until(t0, P);
		CHECK_EQ(outputs(), 1);
		g.wdt.reset();
	}

	/* The board's 32768 Hz clock: 32768 counts in one second; a timeout beyond sc_time. */
	void other_periods()
	{
		const sc_time t0 = sc_core::sc_time_stamp();
		uint32_t v = 65536;

		CHECK_EQ(g32k.core.access(tlm::TLM_WRITE_COMMAND, watchdog::LOAD, v),
			 tlm::TLM_OK_RESPONSE);
		v = watchdog::INTEN;
		CHECK_EQ(g32k.core.access(tlm::TLM_WRITE_COMMAND, watchdog::CONTROL, v),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(slow.core.access(tlm::TLM_WRITE_COMMAND, watchdog::CONTROL, v),
			 tlm::TLM_OK_RESPONSE);
		wait_until(t0, sc_time(1, sc_core::SC_SEC));
		CHECK_EQ(g32k.core.access(tlm::TLM_READ_COMMAND, watchdog::VALUE, v),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(v, 32768);
		CHECK_EQ(slow.core.access(tlm::TLM_READ_COMMAND, watchdog::VALUE, v),
			 tlm::TLM_OK_RESPONSE);
		CHECK_EQ(v, 0xffffffffu);
		wait_until(t0, sc_time(2, sc_core::SC_SEC));
		CHECK_EQ(g32k.wdogint.read(), true);
		CHECK_EQ(slow.wdogint.read(), false);
	}

	void run()
	{
		reset_values();
		interrupt_without_reset();
		soft_reset();
		reset_at_second_timeout();
		petting();
		reloads();
		lock();
		temporal_decoupling();
		debug_access();
		misbehaviour();
		other_periods();
		sc_core::sc_stop();
	}
};

int sc_main(int, char **)
{
	/* Guest misbehaviour is a warning by design; keep the test's output to its checks. */
	sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
	bench b("bench");

	sc_core::sc_start();
	return model_test_result("test_watchdog");
}
