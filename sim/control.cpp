// SPDX-License-Identifier: BSD-3-Clause
/*
 * The control channel (control.h, docs/control.md): JSON lines parsed with nlohmann::json,
 * each request served between sc_start() slices.
 */
#include "control.h"
#include "control_hex.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <nlohmann/json.hpp>

using json = nlohmann::json;
using namespace sc_core;

namespace ampsim
{

namespace
{

/* The protocol's version, in "hello". */
constexpr int PROTOCOL = 1;
/* "run until settled" and "recv" advance in slices of this much simulated time: fine enough
 * that a reply is not much later than the event, coarse enough to cost nothing. */
const sc_time SLICE(10, SC_US);
/* "recv" waits this long when the request gives no timeout. */
constexpr double DEFAULT_TIMEOUT_US = 10000;
/* A request line longer than this is refused (the largest send is a few KiB of hex). */
constexpr size_t MAX_LINE = 1 << 20;

uint64_t now_ps()
{
	return static_cast<uint64_t>(sc_time_stamp() / sc_time(1, SC_PS));
}

sc_time micros(double us)
{
	return sc_time(us, SC_US);
}

/* A reply's error: the request stays unanswered otherwise. */
struct request_error : std::runtime_error {
	using std::runtime_error::runtime_error;
};

double number(const json &req, const char *key, double fallback, bool required = false)
{
	if (!req.contains(key)) {
		if (required)
			throw request_error(std::string("missing \"") + key + "\"");
		return fallback;
	}
	if (!req[key].is_number() || req[key].get<double>() < 0)
		throw request_error(std::string("\"") + key + "\" must be a number >= 0");
	return req[key].get<double>();
}

/* Simulated time moves on by @t, unless the simulation ended. */
void advance(const sc_time &t)
{
	if (sc_get_status() != SC_STOPPED && t > SC_ZERO_TIME)
		sc_start(t);
}

} // namespace

control_channel::control_channel(int fd, host_cpu &host, const ampsim_board &board, run_log &log)
    : fd_(fd), host_(host), board_(board), log_(log)
{
}

bool control_channel::read_line(std::string &line)
{
	char buf[4096];

	for (;;) {
		size_t nl = pending_.find('\n');

		if (nl != std::string::npos) {
			line = pending_.substr(0, nl);
			pending_.erase(0, nl + 1);
			return true;
		}
		if (pending_.size() > MAX_LINE) {
			line = pending_;
			pending_.clear();
			return true; /* refused by the parser as too long */
		}
		ssize_t n = ::read(fd_, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (pending_.empty())
				return false;
			line = pending_;
			pending_.clear();
			return true;
		}
		pending_.append(buf, static_cast<size_t>(n));
	}
}

void control_channel::write_line(const std::string &line)
{
	std::string out = line + "\n";
	size_t done = 0;

	while (done < out.size()) {
		ssize_t n = ::write(fd_, out.data() + done, out.size() - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the other end left: the next read ends the run */
		done += static_cast<size_t>(n);
	}
}

void control_channel::serve()
{
	std::string line;

	while (read_line(line)) {
		json req, reply;
		bool stop = false;

		try {
			req = json::parse(line.size() > MAX_LINE ? std::string("x") : line);
		} catch (const json::exception &e) {
			write_line(json{{"id", nullptr},
					{"ok", false},
					{"error", std::string("not a JSON request: ") + e.what()}}
					   .dump());
			continue;
		}
		reply["id"] = req.is_object() && req.contains("id") ? req["id"] : json(nullptr);
		try {
			if (!req.is_object() || !req.contains("cmd") || !req["cmd"].is_string())
				throw request_error("a request is an object with a \"cmd\" string");
			const std::string cmd = req["cmd"];
			auto core_of = [&]() {
				if (!req.contains("core") || !req["core"].is_string())
					throw request_error("missing \"core\"");
				int i = host_.remote_index(req["core"]);
				if (i < 0)
					throw request_error("no core named " +
							    req["core"].get<std::string>());
				return static_cast<unsigned>(i);
			};

			log_.print(log_level::debug, "control", "%s", line.c_str());
			if (cmd == "hello") {
				json cores = json::array();

				for (unsigned i = 0; i < board_.num_cores; i++)
					cores.push_back(board_.cores[i].name);
				reply["protocol"] = PROTOCOL;
				reply["board"] = board_.name;
				reply["cores"] = cores;
			} else if (cmd == "status") {
				json remotes = json::array();

				for (const auto &r : host_.results())
					remotes.push_back({{"name", r.name},
							   {"state", r.state},
							   {"channels", r.channels},
							   {"crashes", r.crashes},
							   {"kicks_to", r.kicks_to},
							   {"kicks_from", r.kicks_from},
							   {"instructions", r.instructions}});
				reply["settled"] = host_.settled_now();
				reply["remotes"] = remotes;
			} else if (cmd == "run") {
				if (req.contains("until") && req["until"] == "settled") {
					sc_time end = sc_time_stamp() +
						      micros(number(req, "timeout_us", 1e6));

					while (!host_.settled_now() && sc_time_stamp() < end &&
					       sc_get_status() != SC_STOPPED)
						advance(SLICE);
					reply["settled"] = host_.settled_now();
				} else if (req.contains("until_us")) {
					sc_time at = micros(number(req, "until_us", 0));

					if (at > sc_time_stamp())
						advance(at - sc_time_stamp());
				} else {
					advance(micros(number(req, "for_us", 0, true)));
				}
			} else if (cmd == "channels") {
				json list = json::array();

				for (const auto &c : host_.channels())
					list.push_back({{"core", c.core},
							{"name", c.name},
							{"addr", c.addr}});
				reply["channels"] = list;
			} else if (cmd == "send") {
				unsigned core = core_of();
				std::vector<uint8_t> data;
				std::string err;
				uint32_t src = 0;

				if (req.contains("text") && req["text"].is_string()) {
					const std::string text = req["text"];
					data.assign(text.begin(), text.end());
				} else if (!req.contains("data") || !req["data"].is_string() ||
					   !unhex(req["data"], data)) {
					throw request_error(
						"send needs \"data\" (hex) or \"text\"");
				}
				double dst = number(req, "dst", 0, true);
				if (dst > 0xfffffffe)
					throw request_error("\"dst\" is not an rpmsg address");
				if (!host_.control_send(core, static_cast<uint32_t>(dst),
							std::move(data), src, err))
					throw request_error(err);
				advance(SC_ZERO_TIME);
				reply["src"] = src;
			} else if (cmd == "recv") {
				unsigned core = core_of();
				sc_time end = sc_time_stamp() +
					      micros(number(req, "timeout_us", DEFAULT_TIMEOUT_US));
				control_message m;

				while (!host_.control_receive(core, m)) {
					if (sc_time_stamp() >= end || sc_get_status() == SC_STOPPED)
						throw request_error("timeout: nothing received");
					advance(std::min(SLICE, end - sc_time_stamp()));
				}
				reply["src"] = m.src;
				reply["data"] = hex(m.data);
			} else if (cmd == "crash") {
				host_.inject_crash(core_of());
				advance(SC_ZERO_TIME);
			} else if (cmd == "stop") {
				stop = true;
			} else {
				throw request_error("unknown command " + cmd);
			}
			reply["ok"] = true;
		} catch (const request_error &e) {
			reply["ok"] = false;
			reply["error"] = e.what();
		} catch (const json::exception &e) {
			reply["ok"] = false;
			reply["error"] = e.what();
		}
		if (stop) {
			host_.request_stop();
			if (sc_get_status() != SC_STOPPED)
				sc_start();
		}
		reply["time_ps"] = now_ps();
		write_line(reply.dump());
		if (stop)
			return;
	}
	/* The end of input: as "stop". */
	host_.request_stop();
	if (sc_get_status() != SC_STOPPED)
		sc_start();
}

} // namespace ampsim
