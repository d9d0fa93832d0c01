// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the identification block of an ARM PrimeCell (AMBA) peripheral
 *
 * Every PrimeCell ends its 4 KiB register block with eight read-only ID words, one byte each:
 * PeriphID0-3 at 0xFE0 (part number, designer, revision: per peripheral) and PCellID0-3 at
 * 0xFF0 (the same 0x0D, 0xF0, 0x05, 0xB1 for all). Linux's amba bus and many BSPs read them to
 * find out what sits at an address, so the PL011 and SP805 models answer them alike.
 */
#ifndef AMPSIM_MODELS_PRIMECELL_H
#define AMPSIM_MODELS_PRIMECELL_H

#include <cstdint>

namespace ampsim
{
namespace primecell
{

constexpr uint32_t PERIPH_ID0 = 0xfe0; /* 4 words: PeriphID0..3 */
constexpr uint32_t PCELL_ID0 = 0xff0;  /* 4 words: PCellID0..3 */
constexpr uint8_t PCELL_ID[4] = {0x0d, 0xf0, 0x05, 0xb1};

/** Whether word offset @off is one of the eight ID registers. */
constexpr bool is_id(uint32_t off)
{
	return off >= PERIPH_ID0 && off < PCELL_ID0 + 16;
}

/** The ID register at @off (is_id() must hold) of a peripheral whose PeriphID is @periph. */
constexpr uint32_t id(uint32_t off, const uint8_t (&periph)[4])
{
	return off < PCELL_ID0 ? periph[(off - PERIPH_ID0) / 4] : PCELL_ID[(off - PCELL_ID0) / 4];
}

} // namespace primecell
} // namespace ampsim

#endif
