// SPDX-License-Identifier: BSD-3-Clause
/* The run's console: simulated-time stamps, levels, per-core console logs (run_log.h). */
#include "run_log.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <systemc>

namespace ampsim
{

bool log_level_from(const std::string &text, log_level &level)
{
	static const std::pair<const char *, log_level> names[] = {
		{"error", log_level::error},
		{"warn", log_level::warn},
		{"info", log_level::info},
		{"debug", log_level::debug},
	};

	for (const auto &n : names) {
		if (text == n.first) {
			level = n.second;
			return true;
		}
	}
	return false;
}

run_log::~run_log()
{
	for (auto &f : console_files_)
		std::fclose(f.second);
}

bool run_log::open_console_logs(const std::string &dir, std::string &why)
{
	struct stat st;

	if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || access(dir.c_str(), W_OK) != 0) {
		why = dir + ": not a writable directory";
		return false;
	}
	console_dir_ = dir;
	return true;
}

void run_log::vprint(log_level level, const std::string &source, const char *fmt, va_list ap)
{
	/* Picoseconds are SystemC's default resolution; microseconds keep lines short and
	 * still order every event a reader cares about. */
	uint64_t us = static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e6 + 0.5);

	if (level == log_level::error)
		errors_++;
	else if (level == log_level::warn)
		warnings_++;
	if (!enabled(level))
		return;
	std::fprintf(out_, "[%5llu.%06llu] %s: ", static_cast<unsigned long long>(us / 1000000),
		     static_cast<unsigned long long>(us % 1000000), source.c_str());
	if (level == log_level::error)
		std::fputs("error: ", out_);
	else if (level == log_level::warn)
		std::fputs("warning: ", out_);
	std::vfprintf(out_, fmt, ap);
	std::fputc('\n', out_);
}

void run_log::print(log_level level, const std::string &source, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(level, source, fmt, ap);
	va_end(ap);
}

void run_log::console(const std::string &core, const std::string &line)
{
	print(log_level::info, core, "%s", line.c_str());
	if (console_dir_.empty())
		return;
	auto it = console_files_.find(core);
	if (it == console_files_.end()) {
		std::string path = console_dir_ + "/" + core + ".log";
		std::FILE *f = std::fopen(path.c_str(), "w");

		if (!f) {
			print(log_level::error, "ampsim", "cannot write %s: %s", path.c_str(),
			      std::strerror(errno));
			console_dir_.clear();
			return;
		}
		it = console_files_.emplace(core, f).first;
	}
	std::fprintf(it->second, "%s\n", line.c_str());
}

} // namespace ampsim
