// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: recording a board's wire-level trace (ampsim run --trace)
 *
 * The recorder writes what the board's shared memory sees (docs/trace-format.md):
 *
 * - initiators: the host (id 0) and every core (1 + its index in the board);
 * - regions: every memory and mailbox the host reaches, at its host address (ids in board
 *   order, memories first);
 * - the host's stores and barriers: every one its rpmsg links make, through the reference's
 *   store hooks (host_options.io_ops), each store at the host address of the bytes written;
 * - the cores' stores into shared memories - those marked `pool` and those two or more cores
 *   see - through bounded write hooks, and the DMB/DSB they execute (models/cortex_m.h); a
 *   core's private code and data are not traced;
 * - every mailbox message written or read and every change of a wired user's interrupt line,
 *   the initiator being the process that made the access (for lines: the one interrupted).
 *
 * Events carry the SystemC time at which they were made visible to the board (a core's, the
 * time of its last synchronisation) and come in the order the simulation executed them: the
 * global order the board observed, each initiator's events in its program order.
 */
#ifndef AMPSIM_SIM_TRACE_RECORDER_H
#define AMPSIM_SIM_TRACE_RECORDER_H

#include <cstdio>
#include <string>
#include <vector>

#include "amp/io.h"
#include "amptrace/trace.h"
#include "board.h"
#include "run_log.h"

namespace ampsim
{

class platform;

class trace_recorder
{
      public:
	/** The hooks to give the host (host_options.io_ops / io_ctx = this). */
	static const struct amp_io_ops host_io_ops;

	/**
	 * @board: the board (referred to)
	 * @log: where a failure is reported
	 */
	trace_recorder(const ampsim_board &board, run_log &log);
	~trace_recorder();
	trace_recorder(const trace_recorder &) = delete;
	trace_recorder &operator=(const trace_recorder &) = delete;

	/**
	 * open() - create @path and write the definitions
	 * @format: the encoding
	 * @why: set on failure
	 */
	bool open(const std::string &path, enum amptrace_format format, std::string &why);

	/** Hook the board's models (before the simulation starts). */
	void attach(platform &p);

	/** Flush and close; false when any event could not be written (the reason logged). */
	bool close();

	/** Events recorded so far. */
	uint64_t events() const
	{
		return writer_.events;
	}

      private:
	/* A memory the host reaches: where its bytes are, its host address, its region. */
	struct memory_range {
		const uint8_t *data;
		uint64_t size, host_base;
		unsigned region;
	};
	/* A shared memory in one core's view. */
	struct core_window {
		uint64_t base, size, host_base;
		unsigned region;
	};

	void store(unsigned initiator, uint64_t host_addr, unsigned region, const void *bytes,
		   size_t len);
	void barrier(unsigned initiator, unsigned kind);
	void mailbox_event(unsigned m, unsigned kind, unsigned index, uint32_t value);
	void event(struct amptrace_event &ev);
	unsigned current_initiator() const;
	static void host_write(void *ctx, volatile void *dst, const void *src, size_t len);
	static void host_barrier(void *ctx, enum amp_barrier kind);

	const ampsim_board &board_;
	run_log &log_;
	std::FILE *file_ = nullptr;
	struct amptrace_writer writer_ = {};
	bool failed_ = false;
	std::vector<memory_range> memories_;
	std::vector<int> memory_region_, mailbox_region_; /* region id by board index, -1: none */
	std::vector<std::string> core_names_;
};

} // namespace ampsim

#endif
