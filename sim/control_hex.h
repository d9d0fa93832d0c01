/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message bytes as the control protocol carries them (docs/control.md): lower-case hex, two
 * digits a byte. The board's side (control.cpp) and the clients in C++ (conform_board.cpp)
 * share these.
 */
#ifndef AMPSIM_CONTROL_HEX_H
#define AMPSIM_CONTROL_HEX_H

#include <cstdint>
#include <string>
#include <vector>

namespace ampsim
{

/* @data as hex. */
inline std::string hex(const std::vector<uint8_t> &data)
{
	static const char digits[] = "0123456789abcdef";
	std::string out;

	for (uint8_t b : data) {
		out += digits[b >> 4];
		out += digits[b & 15];
	}
	return out;
}

/* @text (either case) into @out; false when it is not hex. */
inline bool unhex(const std::string &text, std::vector<uint8_t> &out)
{
	auto nibble = [](char c) {
		return c >= '0' && c <= '9'   ? c - '0'
		       : c >= 'a' && c <= 'f' ? c - 'a' + 10
		       : c >= 'A' && c <= 'F' ? c - 'A' + 10
					      : -1;
	};

	if (text.size() % 2)
		return false;
	for (size_t i = 0; i < text.size(); i += 2) {
		int hi = nibble(text[i]), lo = nibble(text[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out.push_back(static_cast<uint8_t>(hi << 4 | lo));
	}
	return true;
}

} // namespace ampsim

#endif
