// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: one access to a block of 32-bit registers (mailbox, PL011, SP805)
 *
 * The register-block models decode offsets in their own read() and write(); what a TLM access
 * to such a block means is the same for all of them and lives here: which accesses are one
 * register word, moving the data between the payload and a register, and the debug transport
 * (a read without side effects; debug writes refused). The data is in host byte order, which
 * is little-endian like the guest, so a narrow access is the register's low bytes.
 */
#ifndef AMPSIM_MODELS_REGISTER_ACCESS_H
#define AMPSIM_MODELS_REGISTER_ACCESS_H

#include <cstdint>
#include <cstring>

#include <tlm>

namespace ampsim
{

/** One aligned 32-bit word inside a block of @size bytes, no byte enables, not streamed. */
inline bool word_access(const tlm::tlm_generic_payload &tx, uint64_t size)
{
	uint64_t addr = tx.get_address();

	return tx.get_data_length() == 4 && !(addr & 3) && addr < size &&
	       tx.get_streaming_width() == 4 && !tx.get_byte_enable_ptr();
}

/**
 * register_access() - perform a checked access as @len bytes of the register at its address
 * @tx: the access
 * @len: bytes moved (the payload's length)
 * @read: bool(uint32_t offset, uint32_t &value), false when no register is there
 * @write: bool(uint32_t offset, uint32_t value), likewise
 *
 * Return: false when no register is at the offset; an ignore command is fine.
 */
template <class Read, class Write>
bool register_access(tlm::tlm_generic_payload &tx, unsigned len, Read read, Write write)
{
	uint32_t offset = static_cast<uint32_t>(tx.get_address()), value = 0;
	bool ok;

	if (tx.is_read()) {
		ok = read(offset, value);
		if (ok)
			std::memcpy(tx.get_data_ptr(), &value, len);
		return ok;
	}
	if (tx.is_write()) {
		std::memcpy(&value, tx.get_data_ptr(), len);
		return write(offset, value);
	}
	return true; /* TLM_IGNORE_COMMAND */
}

/**
 * debug_read_word() - the debug transport of a register block of @size bytes
 * @tx: the debug access: one aligned 32-bit read inside the block, or nothing is done
 * @read: bool(uint32_t offset, uint32_t &value) without side effects
 *
 * Return: bytes transferred (4, or 0 for anything else, writes included).
 */
template <class Read>
unsigned int debug_read_word(tlm::tlm_generic_payload &tx, uint64_t size, Read read)
{
	uint64_t addr = tx.get_address();
	uint32_t value = 0;

	if (!tx.is_read() || tx.get_data_length() != 4 || (addr & 3) || addr >= size ||
	    !read(static_cast<uint32_t>(addr), value))
		return 0;
	std::memcpy(tx.get_data_ptr(), &value, 4);
	return 4;
}

} // namespace ampsim

#endif
