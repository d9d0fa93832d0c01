// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: what a board run prints
 *
 * Every line of a run's dialogue goes through one &class ampsim::run_log: the consoles of the
 * remote cores, the host's remoteproc and rpmsg events, the host drivers' messages. A line is
 *
 *	[    0.001234] SOURCE: text
 *
 * with the simulated time in seconds (dmesg style) and the source (a core's name, or "host").
 * Only simulated quantities are printed here, so two runs with the same inputs print the same
 * bytes; wall-clock figures go to the summary on stderr.
 *
 * Each core's console also goes, without time stamps, to DIR/CORE.log when a log directory is
 * given.
 */
#ifndef AMPSIM_SIM_RUN_LOG_H
#define AMPSIM_SIM_RUN_LOG_H

#include <cstdarg>
#include <cstdio>
#include <map>
#include <string>

namespace ampsim
{

/**
 * enum log_level - how much a run prints
 * @error: failures only
 * @warn: and what the guest or a peer did wrong
 * @info: and the dialogue: consoles, remoteproc and rpmsg events (the default)
 * @debug: and every mailbox message
 */
enum class log_level { error, warn, info, debug };

/**
 * log_level_from() - parse "error", "warn", "info" or "debug"
 * @text: the name
 * @level: set on success
 *
 * Return: false for any other text.
 */
bool log_level_from(const std::string &text, log_level &level);

class run_log
{
      public:
	/**
	 * @out: where the lines go (stdout)
	 * @level: the most detailed level printed
	 */
	run_log(std::FILE *out, log_level level) : out_(out), level_(level)
	{
	}
	~run_log();
	run_log(const run_log &) = delete;
	run_log &operator=(const run_log &) = delete;

	/**
	 * open_console_logs() - also write every core's console to DIR/CORE.log
	 * @dir: an existing directory
	 * @why: set to the reason on failure
	 *
	 * Return: false when @dir is not a writable directory.
	 */
	bool open_console_logs(const std::string &dir, std::string &why);

	bool enabled(log_level level) const
	{
		return level <= level_;
	}

	/** One line from @source at @level, printf-style, no newline. */
	void print(log_level level, const std::string &source, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));
	void vprint(log_level level, const std::string &source, const char *fmt, va_list ap)
		__attribute__((format(printf, 4, 0)));

	/** A line a core's UART sent (printed at info, always written to the core's log). */
	void console(const std::string &core, const std::string &line);

	/** Lines printed at error and warn so far (the run's verdict counts them). */
	unsigned errors() const
	{
		return errors_;
	}
	unsigned warnings() const
	{
		return warnings_;
	}

      private:
	std::FILE *out_;
	log_level level_;
	std::string console_dir_;
	std::map<std::string, std::FILE *> console_files_;
	unsigned errors_ = 0, warnings_ = 0;
};

} // namespace ampsim

#endif
