// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim run: options, board and firmware resolution, elaboration, the run and its summary
 * (run.h, docs/simulator.md).
 */
#include "run.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <getopt.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <systemc>

#include "ampsim.h"
#include "board.h"
#include "control.h"
#include "host.h"
#include "json_writer.h"
#include "platform.h"
#include "run_log.h"
#include "trace_recorder.h"

namespace
{

using namespace ampsim;

const char usage_text[] =
	"usage: ampsim run [OPTIONS]\n"
	"\n"
	"Boot a virtual board: the host's remoteproc loads and starts every remote core's\n"
	"firmware, the host's rpmsg drivers talk to the services the remotes announce; the run\n"
	"ends when every remote has settled or at --until.\n"
	"\n"
	"  --board B              board name (searched in $AMPSIM_BOARD_PATH and the shipped\n"
	"                         boards) or a path to a board file (default: omap4)\n"
	"  --firmware CORE=ELF    run ELF on CORE instead of the board's default (repeatable)\n"
	"  --firmware-dir DIR     look for firmware file names in DIR first (repeatable)\n"
	"  --until TIME           stop at this simulated time: 10s, 250ms, 500us (default: 10s)\n"
	"  --messages N           answers each host dialogue waits for (default: 100)\n"
	"  --payload-size N       fixed payload size of the checkers' messages (default: drawn)\n"
	"  --seed S               seed of the drawn payloads (default: 1)\n"
	"  --crash KIND           the rpmsg-crasher dialogue asks for a crash after its messages:\n"
	"                         fault, watchdog or report, and expects a recovery\n"
	"  --no-recovery          leave crashed remotes crashed (remoteproc's recovery knob)\n"
	"  --max-crashes N        stop recovering a remote after its Nth crash (default: 10)\n"
	"  --cycles N             boot, run until settled and shut down N times (default: 1)\n"
	"  --log-level L          error, warn, info (default) or debug\n"
	"  --log-dir DIR          also write each core's console to DIR/CORE.log\n"
	"  --coredump-dir DIR     write a core file per crash to DIR\n"
	"  --stats FILE           write the run's figures (wall times included) as JSON\n"
	"  --trace FILE           record the wire-level trace (docs/trace-format.md): binary, or\n"
	"                         text when FILE ends in .txt\n"
	"  --control FD           serve the control protocol (JSON lines, docs/control.md) on the\n"
	"                         open file descriptor FD: the run lasts until it says stop\n"
	"\n"
	"Standard output carries only simulated quantities: the same inputs print the same\n"
	"bytes. Wall-clock figures go to standard error.\n"
	"exit status: 0 the run succeeded, 1 it failed (or an input is invalid),\n"
	"             2 usage error or an input that cannot be read\n";

/* Firmware images larger than this are refused before reading: no remote memory is as big. */
constexpr off_t MAX_IMAGE_SIZE = 256 * 1024 * 1024;

/**
 * struct run_config - the command line, checked
 * @board_arg: --board as given
 * @overrides: --firmware CORE=ELF pairs
 * @firmware_dirs: --firmware-dir, in order
 * @host: the host's parameters
 * @level: --log-level
 * @log_dir: --log-dir
 * @stats_path: --stats
 * @trace_path: --trace
 * @control_fd: --control (-1: none)
 */
struct run_config {
	std::string board_arg = "omap4";
	std::vector<std::pair<std::string, std::string>> overrides;
	std::vector<std::string> firmware_dirs;
	host_options host;
	log_level level = log_level::info;
	std::string log_dir, stats_path, trace_path;
	int control_fd = -1;
};

/**
 * struct run_context - what sc_main() elaborates and runs (SystemC's entry point takes no
 *	argument of ours, so the verb leaves it here for the one run a process makes)
 */
struct run_context {
	const run_config *cfg;
	const ampsim_board *board;
	std::vector<std::vector<char>> images;
	std::vector<std::string> image_names;
	int status = AMPSIM_EXIT_FAILURE;
};

run_context *the_run;
/* Where the models' SystemC reports go while a run is on (set by sc_main()). */
run_log *report_log;

/*
 * The models report guest misbehaviour as SystemC warnings and notable events as infos, under
 * their instance name ("board.m4_uart"): into the run's log, as warnings and debug lines.
 * Errors and fatals keep SystemC's handling (they end the run).
 */
void route_report(const sc_core::sc_report &rep, const sc_core::sc_actions &actions)
{
	sc_core::sc_severity sev = rep.get_severity();
	std::string source = rep.get_msg_type();

	if (!report_log || (sev != sc_core::SC_INFO && sev != sc_core::SC_WARNING)) {
		sc_core::sc_report_handler::default_handler(rep, actions);
		return;
	}
	if (source.compare(0, 6, "board.") == 0)
		source.erase(0, 6);
	report_log->print(sev == sc_core::SC_INFO ? log_level::debug : log_level::warn, source,
			  "%s", rep.get_msg());
}

int usage_error(const std::string &what)
{
	std::fprintf(stderr, "ampsim run: %s\n", what.c_str());
	std::fputs(usage_text, stderr);
	return AMPSIM_EXIT_USAGE;
}

bool parse_uint(const char *text, uint64_t max, uint64_t &out)
{
	char *end;
	unsigned long long v;

	if (!*text || *text == '-')
		return false;
	errno = 0;
	v = std::strtoull(text, &end, 0);
	if (errno || *end || v > max)
		return false;
	out = v;
	return true;
}

/* "10s", "250 ms", "500us", "100ns": a positive time of at most a day. */
bool parse_time(const char *text, sc_core::sc_time &out)
{
	static const std::pair<const char *, double> units[] = {
		{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
	char *end;
	double v;

	errno = 0;
	v = std::strtod(text, &end);
	if (errno || end == text || !(v > 0))
		return false;
	while (*end == ' ')
		end++;
	for (const auto &u : units) {
		if (!std::strcmp(end, u.first) && v * u.second <= 86400.0) {
			out = sc_core::sc_time(v * u.second, sc_core::SC_SEC);
			return out > sc_core::SC_ZERO_TIME;
		}
	}
	return false;
}

bool is_file(const std::string &path)
{
	struct stat st;

	return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string &path)
{
	struct stat st;

	return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> split_path(const char *env)
{
	std::vector<std::string> out;
	std::string s = env ? env : "";
	size_t at = 0;

	while (at <= s.size() && !s.empty()) {
		size_t colon = s.find(':', at);
		std::string dir = s.substr(at, colon == std::string::npos ? colon : colon - at);

		if (!dir.empty())
			out.push_back(dir);
		if (colon == std::string::npos)
			break;
		at = colon + 1;
	}
	return out;
}

std::string dir_of(const std::string &path)
{
	size_t slash = path.rfind('/');

	return slash == std::string::npos ? "." : path.substr(0, slash);
}

/* A board given by name is looked up in $AMPSIM_BOARD_PATH, then among the shipped boards. */
std::string find_board(const std::string &arg)
{
	if (arg.find('/') != std::string::npos ||
	    (arg.size() > 5 && arg.compare(arg.size() - 5, 5, ".yaml") == 0))
		return arg;
	std::vector<std::string> dirs = split_path(std::getenv("AMPSIM_BOARD_PATH"));

	dirs.push_back(AMPSIM_SOURCE_DIR "/sim/boards");
	for (const auto &d : dirs)
		if (is_file(d + "/" + arg + ".yaml"))
			return d + "/" + arg + ".yaml";
	return arg;
}

/*
 * A firmware name: a path with a '/' is taken as it is; a plain file name is looked up in the
 * --firmware-dir directories, $AMPSIM_FIRMWARE_PATH, the board file's directory (for names the
 * board gives) or the working directory (for --firmware), and the firmware this build made.
 */
std::string find_firmware(const std::string &name, const run_config &cfg,
			  const std::string &board_dir, bool from_board)
{
	std::vector<std::string> dirs = cfg.firmware_dirs;

	if (name.find('/') != std::string::npos)
		return name;
	for (const auto &d : split_path(std::getenv("AMPSIM_FIRMWARE_PATH")))
		dirs.push_back(d);
	dirs.push_back(from_board ? board_dir : ".");
	dirs.push_back(AMPSIM_FIRMWARE_DIR);
	for (const auto &d : dirs)
		if (is_file(d + "/" + name))
			return d + "/" + name;
	return name;
}

/* Read a whole image; false with @why on failure. */
bool read_image(const std::string &path, std::vector<char> &out, std::string &why)
{
	struct stat st;
	std::ifstream in;

	if (stat(path.c_str(), &st) != 0) {
		why = path + ": " + std::strerror(errno);
		return false;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_IMAGE_SIZE) {
		why = path +
		      (S_ISREG(st.st_mode) ? ": larger than 256 MiB" : ": not a regular file");
		return false;
	}
	in.open(path, std::ios::binary);
	out.resize(static_cast<size_t>(st.st_size));
	if (!in || !in.read(out.data(), static_cast<std::streamsize>(out.size()))) {
		why = path + ": cannot be read";
		return false;
	}
	return true;
}

int parse_options(int argc, char **argv, run_config &cfg)
{
	enum {
		OPT_BOARD = 256,
		OPT_FIRMWARE,
		OPT_FIRMWARE_DIR,
		OPT_UNTIL,
		OPT_MESSAGES,
		OPT_PAYLOAD,
		OPT_SEED,
		OPT_CRASH,
		OPT_NO_RECOVERY,
		OPT_CYCLES,
		OPT_MAX_CRASHES,
		OPT_LOG_LEVEL,
		OPT_LOG_DIR,
		OPT_COREDUMP_DIR,
		OPT_STATS,
		OPT_TRACE,
		OPT_CONTROL,
	};
	static const struct option options[] = {
		{"board", required_argument, nullptr, OPT_BOARD},
		{"firmware", required_argument, nullptr, OPT_FIRMWARE},
		{"firmware-dir", required_argument, nullptr, OPT_FIRMWARE_DIR},
		{"until", required_argument, nullptr, OPT_UNTIL},
		{"messages", required_argument, nullptr, OPT_MESSAGES},
		{"payload-size", required_argument, nullptr, OPT_PAYLOAD},
		{"seed", required_argument, nullptr, OPT_SEED},
		{"crash", required_argument, nullptr, OPT_CRASH},
		{"no-recovery", no_argument, nullptr, OPT_NO_RECOVERY},
		{"cycles", required_argument, nullptr, OPT_CYCLES},
		{"max-crashes", required_argument, nullptr, OPT_MAX_CRASHES},
		{"log-level", required_argument, nullptr, OPT_LOG_LEVEL},
		{"log-dir", required_argument, nullptr, OPT_LOG_DIR},
		{"coredump-dir", required_argument, nullptr, OPT_COREDUMP_DIR},
		{"stats", required_argument, nullptr, OPT_STATS},
		{"trace", required_argument, nullptr, OPT_TRACE},
		{"control", required_argument, nullptr, OPT_CONTROL},
		{"help", no_argument, nullptr, 'h'},
		{nullptr, 0, nullptr, 0},
	};
	uint64_t v;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", options, nullptr)) != -1) {
		std::string arg = optarg ? optarg : "";

		switch (c) {
		case OPT_BOARD:
			cfg.board_arg = arg;
			break;
		case OPT_FIRMWARE: {
			size_t eq = arg.find('=');

			if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
				return usage_error("--firmware takes CORE=ELF, not '" + arg + "'");
			cfg.overrides.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
			break;
		}
		case OPT_FIRMWARE_DIR:
			cfg.firmware_dirs.push_back(arg);
			break;
		case OPT_UNTIL:
			if (!parse_time(optarg, cfg.host.until))
				return usage_error("--until takes a time such as 10s, 250ms or "
						   "500us (at most a day), not '" +
						   arg + "'");
			break;
		case OPT_MESSAGES:
			if (!parse_uint(optarg, 100000000, v) || !v)
				return usage_error("--messages takes 1..100000000, not '" + arg +
						   "'");
			cfg.host.dialogue.messages = static_cast<unsigned>(v);
			break;
		case OPT_PAYLOAD:
			if (!parse_uint(optarg, 65536, v) || v < 4)
				return usage_error("--payload-size takes 4..65536 bytes, not '" +
						   arg + "'");
			cfg.host.dialogue.payload_size = static_cast<unsigned>(v);
			break;
		case OPT_SEED:
			if (!parse_uint(optarg, UINT64_MAX, v))
				return usage_error("--seed takes an unsigned integer, not '" + arg +
						   "'");
			cfg.host.dialogue.seed = v;
			break;
		case OPT_CRASH:
			if (arg != "fault" && arg != "watchdog" && arg != "report")
				return usage_error(
					"--crash takes fault, watchdog or report, not '" + arg +
					"'");
			cfg.host.dialogue.crash = arg;
			break;
		case OPT_NO_RECOVERY:
			cfg.host.recovery = false;
			break;
		case OPT_CYCLES:
			if (!parse_uint(optarg, 1000000, v) || !v)
				return usage_error("--cycles takes 1..1000000, not '" + arg + "'");
			cfg.host.cycles = static_cast<unsigned>(v);
			break;
		case OPT_MAX_CRASHES:
			if (!parse_uint(optarg, 1000000, v) || !v)
				return usage_error("--max-crashes takes 1..1000000, not '" + arg +
						   "'");
			cfg.host.max_crashes = static_cast<unsigned>(v);
			break;
		case OPT_LOG_LEVEL:
			if (!log_level_from(arg, cfg.level))
				return usage_error("--log-level takes error, warn, info or debug, "
						   "not '" +
						   arg + "'");
			break;
		case OPT_LOG_DIR:
			cfg.log_dir = arg;
			break;
		case OPT_COREDUMP_DIR:
			if (!is_dir(arg))
				return usage_error("--coredump-dir: '" + arg +
						   "' is not a directory");
			cfg.host.coredump_dir = arg;
			break;
		case OPT_STATS:
			cfg.stats_path = arg;
			break;
		case OPT_TRACE:
			cfg.trace_path = arg;
			break;
		case OPT_CONTROL:
			if (!parse_uint(optarg, 1000000, v) ||
			    fcntl(static_cast<int>(v), F_GETFD) < 0)
				return usage_error(
					"--control takes an open file descriptor, not '" + arg +
					"'");
			cfg.control_fd = static_cast<int>(v);
			cfg.host.controlled = true;
			break;
		case 'h':
			std::fputs(usage_text, stdout);
			return -1;
		default:
			return usage_error(std::string("unknown option '") + argv[optind - 1] +
					   "'");
		}
	}
	if (optind < argc)
		return usage_error(std::string("unexpected argument '") + argv[optind] + "'");
	return AMPSIM_EXIT_OK;
}

void write_stats(const std::string &path, const run_context &ctx, const host_cpu &host,
		 double wall_s, const char *verdict)
{
	std::FILE *f = std::fopen(path.c_str(), "w");
	struct json_writer w;

	if (!f) {
		std::fprintf(stderr, "ampsim run: cannot write %s: %s\n", path.c_str(),
			     std::strerror(errno));
		return;
	}
	json_init(&w, f);
	json_begin_object(&w, nullptr);
	json_string(&w, "board", ctx.board->name);
	json_string(&w, "verdict", verdict);
	json_bool(&w, "finished", host.finished());
	json_uint(&w, "cycles_done", host.cycles_done());
	json_double(&w, "simulated_s", sc_core::sc_time_stamp().to_seconds());
	json_double(&w, "wall_s", wall_s);
	json_uint(&w, "messages_sent", host.drivers().sent());
	json_uint(&w, "answers_received", host.drivers().received());
	json_uint(&w, "dialogues_completed", host.drivers().completed());
	json_uint(&w, "dialogues_failed", host.drivers().failures());
	json_begin_array(&w, "dialogues");
	for (const auto &d : host.drivers().dialogue_wall_seconds()) {
		json_begin_object(&w, nullptr);
		json_string(&w, "name", d.first.c_str());
		json_double(&w, "wall_s", d.second);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_begin_array(&w, "remotes");
	for (const auto &r : host.results()) {
		json_begin_object(&w, nullptr);
		json_string(&w, "name", r.name.c_str());
		json_string(&w, "state", r.state.c_str());
		json_uint(&w, "crashes", r.crashes);
		json_uint(&w, "channels", r.channels);
		json_uint(&w, "kicks_to", r.kicks_to);
		json_uint(&w, "kicks_from", r.kicks_from);
		json_uint(&w, "instructions", r.instructions);
		json_double(&w, "emulation_s", r.emulation_seconds);
		if (r.bringup_wall_s >= 0)
			json_double(&w, "bringup_wall_s", r.bringup_wall_s);
		else
			json_null(&w, "bringup_wall_s");
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	std::fputc('\n', f);
	std::fclose(f);
}

/* The summary: simulated figures on stdout (deterministic), wall-clock ones on stderr. */
int summarise(run_context &ctx, const host_cpu &host, const platform &board, run_log &log,
	      double wall_s)
{
	const service_drivers &drv = host.drivers();
	std::vector<remote_result> results = host.results();
	std::vector<std::string> problems;
	bool crash_expected = !ctx.cfg->host.dialogue.crash.empty();
	const char *stopper = ctx.cfg->host.controlled ? "the control channel" : "--until";

	std::printf("summary: %s%s at %.6f s simulated\n",
		    host.finished() ? "every remote settled" : "stopped by ",
		    host.finished() ? "" : stopper, sc_core::sc_time_stamp().to_seconds());
	if (ctx.cfg->host.cycles > 1)
		std::printf("  boot cycles: %u of %u completed\n", host.cycles_done(),
			    ctx.cfg->host.cycles);
	for (const auto &r : results) {
		std::printf("  %-10s %-8s %u channel%s, %u crash%s, %llu instructions, "
			    "mailbox %llu to / %llu from\n",
			    r.name.c_str(), r.state.c_str(), r.channels, r.channels == 1 ? "" : "s",
			    r.crashes, r.crashes == 1 ? "" : "es",
			    static_cast<unsigned long long>(r.instructions),
			    static_cast<unsigned long long>(r.kicks_to),
			    static_cast<unsigned long long>(r.kicks_from));
		if (!r.boot_error.empty())
			problems.push_back(r.name + " did not boot");
		else if (r.crashes > host.injected_crashes(r.name) && !crash_expected)
			problems.push_back(r.name + " crashed");
		else if (r.state == "crashed")
			problems.push_back(r.name + " stayed crashed");
	}
	std::printf("  dialogues: %u completed, %u failed; %llu messages sent, %llu answers\n",
		    drv.completed(), drv.failures(), static_cast<unsigned long long>(drv.sent()),
		    static_cast<unsigned long long>(drv.received()));
	if (host.cycles_done() < ctx.cfg->host.cycles && host.finished())
		problems.push_back("not every boot cycle completed");
	if (drv.failures())
		problems.push_back(std::to_string(drv.failures()) + " dialogue(s) failed");
	for (const auto &r : results)
		if (!host.finished() && host.drivers().busy(r.name))
			problems.push_back(r.name + ": a dialogue did not finish by " + stopper);
	if (host.trouble())
		problems.push_back(std::to_string(host.trouble()) +
				   " protocol problem(s) seen by the host");
	if (board.misbehaviour())
		problems.push_back(std::to_string(board.misbehaviour()) +
				   " guest misbehaviour(s) counted by the models");
	if (log.errors() && problems.empty())
		problems.push_back(std::to_string(log.errors()) + " error(s) logged");
	if (problems.empty()) {
		std::printf("result: PASS\n");
		ctx.status = AMPSIM_EXIT_OK;
	} else {
		std::string all;

		for (const auto &p : problems)
			all += (all.empty() ? "" : "; ") + p;
		std::printf("result: FAIL (%s)\n", all.c_str());
		ctx.status = AMPSIM_EXIT_FAILURE;
	}
	std::fflush(stdout);
	std::fprintf(stderr, "ampsim run: %.3f s wall", wall_s);
	for (const auto &r : results) {
		std::fprintf(stderr, "; %s %.1f MIPS", r.name.c_str(),
			     wall_s > 0 ? static_cast<double>(r.instructions) / wall_s / 1e6 : 0.0);
		if (r.bringup_wall_s >= 0)
			std::fprintf(stderr, ", bring-up %.2f ms", r.bringup_wall_s * 1e3);
	}
	std::fputc('\n', stderr);
	if (!ctx.cfg->stats_path.empty())
		write_stats(ctx.cfg->stats_path, ctx, host, wall_s,
			    ctx.status == AMPSIM_EXIT_OK ? "pass" : "fail");
	return ctx.status;
}

} // namespace

/* SystemC's entry point: elaborate the board the verb prepared and run it. */
int sc_main(int, char **)
{
	run_context &ctx = *the_run;
	run_log log(stdout, ctx.cfg->level);
	std::string why;

	if (!ctx.cfg->log_dir.empty() && !log.open_console_logs(ctx.cfg->log_dir, why)) {
		std::fprintf(stderr, "ampsim run: --log-dir %s\n", why.c_str());
		return ctx.status = AMPSIM_EXIT_USAGE;
	}
	report_log = &log;
	sc_core::sc_report_handler::set_handler(route_report);
	try {
		trace_recorder recorder(*ctx.board, log);
		host_options host_opts = ctx.cfg->host;
		const std::string &trace = ctx.cfg->trace_path;
		bool text = trace.size() > 4 && !trace.compare(trace.size() - 4, 4, ".txt");

		if (!trace.empty()) {
			if (!recorder.open(trace, text ? AMPTRACE_TEXT : AMPTRACE_BINARY, why)) {
				report_log = nullptr;
				std::fprintf(stderr, "ampsim run: --trace %s\n", why.c_str());
				return ctx.status = AMPSIM_EXIT_USAGE;
			}
			host_opts.io_ops = &trace_recorder::host_io_ops;
			host_opts.io_ctx = &recorder;
		}

		host_cpu host("host", *ctx.board, ctx.images, ctx.image_names, host_opts, log);
		platform board("board", *ctx.board, host);
		auto t0 = std::chrono::steady_clock::now();

		host.attach(board);
		if (!trace.empty())
			recorder.attach(board);
		if (ctx.cfg->control_fd >= 0)
			control_channel(ctx.cfg->control_fd, host, *ctx.board, log).serve();
		else
			sc_core::sc_start();
		if (!trace.empty() && !recorder.close())
			log.print(log_level::error, "trace", "%s is incomplete", trace.c_str());
		std::fflush(stdout);
		report_log = nullptr;
		if (!trace.empty())
			std::printf("  trace: %llu events\n",
				    static_cast<unsigned long long>(recorder.events()));
		return summarise(
			ctx, host, board, log,
			std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
				.count());
	} catch (const std::exception &e) {
		report_log = nullptr;
		std::fprintf(stderr, "ampsim run: %s\n", e.what());
		return ctx.status = AMPSIM_EXIT_FAILURE;
	}
}

extern "C" int ampsim_run(int argc, char **argv)
{
	run_config cfg;
	ampsim_board board;
	run_context ctx;
	char err[512];
	std::string board_path, board_dir, why;
	int status = parse_options(argc, argv, cfg);

	if (status < 0)
		return AMPSIM_EXIT_OK; /* --help */
	if (status)
		return status;
	board_path = find_board(cfg.board_arg);
	status = ampsim_board_parse_file(board_path.c_str(), &board, err, sizeof(err));
	if (status) {
		std::fprintf(stderr, "ampsim run: %s\n", err);
		return status == -EINVAL ? AMPSIM_EXIT_FAILURE : AMPSIM_EXIT_USAGE;
	}
	board_dir = dir_of(board_path);
	for (const auto &o : cfg.overrides) {
		int core = ampsim_board_find_core(&board, o.first.c_str());
		std::string path = find_firmware(o.second, cfg, board_dir, false);

		if (core < 0)
			return usage_error("--firmware: board '" + std::string(board.name) +
					   "' has no core '" + o.first + "'");
		if (path.size() >= AMPSIM_BOARD_FIRMWARE_SIZE)
			return usage_error("--firmware: path too long");
		std::snprintf(board.cores[core].firmware, AMPSIM_BOARD_FIRMWARE_SIZE, "%s",
			      path.c_str());
	}
	if (ampsim_board_check_firmware(&board, err, sizeof(err))) {
		std::fprintf(stderr, "ampsim run: %s\n", err);
		return AMPSIM_EXIT_USAGE;
	}
	ctx.cfg = &cfg;
	ctx.board = &board;
	for (unsigned i = 0; i < board.num_cores; i++) {
		std::string path = find_firmware(board.cores[i].firmware, cfg, board_dir, true);
		std::vector<char> image;

		if (!read_image(path, image, why)) {
			std::fprintf(stderr, "ampsim run: core '%s': firmware %s\n",
				     board.cores[i].name, why.c_str());
			return AMPSIM_EXIT_USAGE;
		}
		ctx.images.push_back(std::move(image));
		ctx.image_names.push_back(path.substr(path.rfind('/') + 1));
	}
	/* SystemC prints its banner on stdout unless told not to: the output stays ours. */
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
	/* The host ends the run with sc_stop(); the kernel's note about it is noise. */
	sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
						sc_core::SC_DO_NOTHING);
	the_run = &ctx;
	status = sc_core::sc_elab_and_sim(argc, argv);
	the_run = nullptr;
	return status;
}
