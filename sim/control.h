/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the control channel (docs/control.md)
 *
 * `ampsim run --control FD` hands the run to whoever holds the other end of FD (a socket or a
 * pipe pair): JSON lines, one request {"id": N, "cmd": ...} and one reply {"id": N, "ok": ...}
 * at a time. The simulation advances only inside "run", "recv" and "stop", so a test sees a
 * deterministic board: the same requests on the same inputs give the same replies and the
 * same trace. The end of input is "stop".
 */
#ifndef AMPSIM_CONTROL_H
#define AMPSIM_CONTROL_H

#include <string>

#include "host.h"
#include "platform.h"
#include "run_log.h"

namespace ampsim
{

class control_channel
{
      public:
	/**
	 * @fd: the channel (read and written; not closed here)
	 * @host: the host core
	 * @board: the board's description
	 * @log: the run's console (requests are logged at debug level)
	 */
	control_channel(int fd, host_cpu &host, const ampsim_board &board, run_log &log);

	/** Serve requests until "stop" or the end of input; the simulation runs inside. */
	void serve();

      private:
	bool read_line(std::string &line);
	void write_line(const std::string &line);

	int fd_;
	host_cpu &host_;
	const ampsim_board &board_;
	run_log &log_;
	std::string pending_;
};

} // namespace ampsim

#endif
