// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Cortex-M system control space on its own (no Unicorn): priorities and PRIGROUP, masks,
 * level lines, the register file, SysTick arithmetic and misbehaviour counting.
 */
#include <systemc>

#include "cortex_m_scs.h"
#include "model_testing.h"

using ampsim::cortex_m_scs;

namespace
{

constexpr uint32_t PPB = cortex_m_scs::PPB_BASE;

uint32_t rd(cortex_m_scs &s, uint32_t addr, uint64_t now = 0, unsigned size = 4)
{
	uint32_t v = 0xDEADBEEF;

	CHECK_EQ(s.read(addr - PPB, size, now, v), true);
	return v;
}

void wr(cortex_m_scs &s, uint32_t addr, uint32_t v, uint64_t now = 0, unsigned size = 4)
{
	CHECK_EQ(s.write(addr - PPB, size, v, now), true);
}

void test_reset_values()
{
	cortex_m_scs s("scs", 64, 0x410FC241u, 3, 200000000);

	CHECK_EQ(rd(s, 0xE000ED00), 0x410FC241u);
	CHECK_EQ(rd(s, 0xE000E004), 1);                      /* ICTR: 64 lines = 2 words */
	CHECK_EQ(rd(s, 0xE000ED0C), 0xFA050000u);            /* AIRCR */
	CHECK_EQ(rd(s, 0xE000ED14), 0x200);                  /* CCR.STKALIGN */
	CHECK_EQ(rd(s, 0xE000E01C), 0x80000000u | 1999999u); /* CALIB: TENMS at 200 MHz */
	CHECK_EQ(rd(s, 0xE000ED90), 0);                      /* no MPU */
	CHECK_EQ(s.preempting(0, 0, 0), cortex_m_scs::NONE);
	/* Priority registers keep only the implemented top 3 bits. */
	wr(s, 0xE000E400, 0xFF, 0, 1);
	CHECK_EQ(rd(s, 0xE000E400, 0, 1), 0xE0);
	/* Word accesses where only words exist; misaligned ones are bus errors. */
	uint32_t v;
	CHECK_EQ(s.read(0xED00, 2, 0, v), false);
	CHECK_EQ(s.read(0xED02, 4, 0, v), false);
	CHECK_EQ(s.misbehaviour(), 0);
	/* An unknown SCB register is RAZ/WI and counted; debug components are not. */
	CHECK_EQ(rd(s, 0xE000ED40), 0);
	CHECK_EQ(s.misbehaviour(), 1);
	CHECK_EQ(rd(s, 0xE0000000), 0); /* ITM */
	CHECK_EQ(s.misbehaviour(), 1);
	/* AIRCR without its key: ignored and counted. */
	wr(s, 0xE000ED0C, 0x00000300);
	CHECK_EQ(rd(s, 0xE000ED0C), 0xFA050000u);
	CHECK_EQ(s.misbehaviour(), 2);
}

void test_priorities()
{
	cortex_m_scs s("scs", 32, 0x412FC231u, 3, 100000000);

	/* Three lines enabled, pended in reverse: lowest value first, then lowest number. */
	wr(s, 0xE000E100, 0x7);
	wr(s, 0xE000E400, 0x00406060); /* IRQ0 0x60, IRQ1 0x60, IRQ2 0x40 */
	wr(s, 0xE000E200, 0x7);
	CHECK_EQ(s.preempting(0, 0, 0), 16 + 2);
	s.activate(16 + 2);
	/* 0x60 does not preempt 0x40; under PRIMASK nothing does; a wake-up still would. */
	CHECK_EQ(s.preempting(0, 0, 0), cortex_m_scs::NONE);
	s.deactivate();
	CHECK_EQ(s.preempting(1, 0, 0), cortex_m_scs::NONE);
	CHECK_EQ(s.preempting(0, 0x60, 0), cortex_m_scs::NONE); /* BASEPRI at their level */
	CHECK_EQ(s.preempting(0, 0x80, 0), 16 + 0);
	/* PRIGROUP 5: bits [5:0] are subpriority, so 0x40 and 0x60 share group 0x40. */
	wr(s, 0xE000E400, 0x00404060);
	wr(s, 0xE000ED0C, 0x05FA0500);
	s.activate(16 + 1);                                  /* 0x40 active */
	CHECK_EQ(s.preempting(0, 0, 0), cortex_m_scs::NONE); /* IRQ0 0x60: same group */
	CHECK_EQ(rd(s, 0xE000ED04) & 0x1FF, 16 + 1);         /* VECTACTIVE */
	CHECK_EQ((rd(s, 0xE000ED04) >> 12) & 0x1FF, 16 + 0); /* VECTPENDING */
	CHECK_EQ(s.deactivate(), 16 + 1);
	CHECK_EQ(s.deactivate(), cortex_m_scs::NONE);
	/* FAULTMASK holds back everything configurable; NMI still goes. */
	CHECK_EQ(s.preempting(0, 0, 1), cortex_m_scs::NONE);
	wr(s, 0xE000ED04, cortex_m_scs::ICSR_NMIPENDSET);
	CHECK_EQ(s.preempting(1, 0, 1), cortex_m_scs::NMI);
	/* Disabled lines are never taken; STIR pends by number. */
	wr(s, 0xE000E180, 0x7);
	s.activate(cortex_m_scs::NMI);
	s.deactivate();
	CHECK_EQ(s.preempting(0, 0, 0), cortex_m_scs::NONE);
	wr(s, 0xE000EF00, 5);
	CHECK_EQ(rd(s, 0xE000E200), 0x21); /* IRQ0 still pending, IRQ5 by STIR */
}

void test_level_lines()
{
	cortex_m_scs s("scs", 8, 0x412FC231u, 3, 100000000);

	wr(s, 0xE000E100, 0x1);
	s.set_line(0, true);
	CHECK_EQ(s.preempting(0, 0, 0), 16);
	s.activate(16);
	/* Clearing the pending bit of an asserted line that is not active does not take. */
	CHECK_EQ(rd(s, 0xE000E200), 0);
	s.deactivate(); /* still asserted: pending again */
	CHECK_EQ(rd(s, 0xE000E200), 1);
	wr(s, 0xE000E280, 1);
	CHECK_EQ(rd(s, 0xE000E200), 1);
	s.activate(16);
	s.set_line(0, false);
	CHECK_EQ(s.deactivate(), 16u);
	CHECK_EQ(rd(s, 0xE000E200), 0);
	/* A pulse while the handler runs is remembered. */
	s.activate(16);
	s.set_line(0, true);
	s.set_line(0, false);
	s.deactivate();
	CHECK_EQ(rd(s, 0xE000E200), 1);
	/* Lines beyond the implemented ones are ignored. */
	s.set_line(8, true);
	CHECK_EQ(rd(s, 0xE000E200), 1);
}

void test_systick()
{
	cortex_m_scs s("scs", 8, 0x412FC231u, 3, 100000000);

	wr(s, 0xE000E014, 99);      /* RVR: 100 cycles a period */
	wr(s, 0xE000E018, 0, 1000); /* CVR cleared */
	wr(s, 0xE000E010, 3, 1000); /* enable + interrupt: counter was 0, reloads at 1001 */
	CHECK_EQ(s.systick_next(), 1000 + 1 + 99);
	CHECK_EQ(rd(s, 0xE000E018, 1050), 50);
	s.systick_advance(1099);
	CHECK_EQ(s.preempting(0, 0, 0), cortex_m_scs::NONE);
	s.systick_advance(1100);
	CHECK_EQ(s.preempting(0, 0, 0), cortex_m_scs::SYSTICK);
	CHECK_EQ(s.systick_next(), 1200);
	/* Slept through 35 periods: one pending interrupt, the schedule stays on the grid. */
	s.systick_advance(4550);
	CHECK_EQ(s.systick_next(), 4600);
	CHECK_EQ(rd(s, 0xE000E010, 4550) & cortex_m_scs::SYST_COUNTFLAG,
		 cortex_m_scs::SYST_COUNTFLAG);
	CHECK_EQ(rd(s, 0xE000E010, 4551) & cortex_m_scs::SYST_COUNTFLAG, 0); /* cleared by read */
	/* Disabled: the counter freezes and no expiry is scheduled. */
	wr(s, 0xE000E010, 0, 4560);
	CHECK_EQ(s.systick_next(), cortex_m_scs::NEVER);
	CHECK_EQ(rd(s, 0xE000E018, 9999), 40);
	wr(s, 0xE000E010, 1, 10000);
	CHECK_EQ(s.systick_next(), 10040);
	/* A zero reload stops it after the next zero. */
	wr(s, 0xE000E014, 0, 10000);
	s.systick_advance(10040);
	CHECK_EQ(s.systick_next(), cortex_m_scs::NEVER);
}

void test_cycle_counter()
{
	cortex_m_scs s("scs", 8, 0x412FC231u, 3, 100000000);

	CHECK_EQ(rd(s, 0xE0001004, 500), 0);
	wr(s, 0xE0001000, 1, 500);
	CHECK_EQ(rd(s, 0xE0001004, 1500), 1000);
	wr(s, 0xE0001000, 0, 2000);
	CHECK_EQ(rd(s, 0xE0001004, 9000), 1500);
}

} // namespace

int sc_main(int, char **)
{
	sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
	test_reset_values();
	test_priorities();
	test_level_lines();
	test_systick();
	test_cycle_counter();
	return model_test_result("test_cortex_m_scs");
}
