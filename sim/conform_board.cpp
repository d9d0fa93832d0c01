// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance sessions against firmware (conform_board.h): a board process driven over the
 * control protocol, the steps a firmware can take part in translated into requests, the trace
 * judged when the run has ended.
 */
#include "conform_board.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ampconf/iut.h"
#include "control_hex.h"

using json = nlohmann::json;

namespace
{

/* Simulated time a bring-up or a recovery may take (a remote boots in a few ms). */
constexpr double SETTLE_TIMEOUT_US = 2e6;
/* Simulated time an echo may take to come back (a round trip takes tens of us). */
constexpr double ECHO_TIMEOUT_US = 100e3;
/* Simulated time given to a message nobody answers (one to an unbound address). */
constexpr double QUIET_US = 1000;
/* Wall time one request may take before the board counts as hung. */
constexpr int REQUEST_TIMEOUT_MS = 120000;
/* Wall time a board that failed gets to end before it is killed. */
constexpr int KILL_GRACE_MS = 1000;

/* One `ampsim run --control` process and its JSON lines. */
class board_process
{
      public:
	~board_process()
	{
		end();
	}

	bool start(const std::vector<std::string> &args, const std::string &log_path)
	{
		int fds[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds))
			return fail(std::string("socketpair: ") + strerror(errno));
		fflush(nullptr);
		pid_ = fork();
		if (pid_ < 0) {
			pid_ = 0;
			close(fds[0]);
			close(fds[1]);
			return fail(std::string("fork: ") + strerror(errno));
		}
		if (pid_ == 0)
			exec_board(args, fds[1], log_path);
		close(fds[1]);
		fd_ = fds[0];
		return true;
	}

	/* One request, its reply; false when the board died or hung (error() says which). */
	bool request(json req, json &reply)
	{
		std::string line;

		req["id"] = ++id_;
		line = req.dump() + "\n";
		for (size_t done = 0; done < line.size();) {
			ssize_t n = send(fd_, line.data() + done, line.size() - done, MSG_NOSIGNAL);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return died();
			done += static_cast<size_t>(n);
		}
		if (!read_line(line))
			return false;
		try {
			reply = json::parse(line);
		} catch (const json::exception &) {
			return fail("the board answered something that is not JSON: " + line);
		}
		return true;
	}

	/* Stop the run; its exit status, or -1. */
	int finish()
	{
		json reply;
		int status = 0;

		if (fd_ >= 0)
			request({{"cmd", "stop"}}, reply);
		/* After "stop" the run ends itself, the trace's last records written on the way out
		 * (slowly under a sanitizer): give it the time of a request. */
		end(REQUEST_TIMEOUT_MS);
		status = status_;
		return status;
	}

	const std::string &error() const
	{
		return error_;
	}

      private:
	[[noreturn]] static void exec_board(const std::vector<std::string> &args, int fd,
					    const std::string &log_path)
	{
		std::vector<char *> argv;
		std::string fd_text = std::to_string(fd);
		int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		/* The board's end of the socket survives exec; its console goes to the log. */
		fcntl(fd, F_SETFD, 0);
		if (log >= 0) {
			dup2(log, STDOUT_FILENO);
			dup2(log, STDERR_FILENO);
		}
		argv.push_back(const_cast<char *>("ampsim"));
		argv.push_back(const_cast<char *>("run"));
		argv.push_back(const_cast<char *>("--control"));
		argv.push_back(fd_text.data());
		for (const auto &a : args)
			argv.push_back(const_cast<char *>(a.c_str()));
		argv.push_back(nullptr);
		setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
		execv("/proc/self/exe", argv.data());
		_exit(127);
	}

	bool read_line(std::string &line)
	{
		struct timespec t0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			size_t nl = pending_.find('\n');
			struct timespec t1;
			struct pollfd pfd = {fd_, POLLIN, 0};
			char buf[4096];
			long waited;
			ssize_t n;

			if (nl != std::string::npos) {
				line = pending_.substr(0, nl);
				pending_.erase(0, nl + 1);
				return true;
			}
			clock_gettime(CLOCK_MONOTONIC, &t1);
			waited = (t1.tv_sec - t0.tv_sec) * 1000 +
				 (t1.tv_nsec - t0.tv_nsec) / 1000000;
			if (waited >= REQUEST_TIMEOUT_MS)
				return fail("the board did not answer in time (hung?)");
			if (poll(&pfd, 1, static_cast<int>(REQUEST_TIMEOUT_MS - waited)) <= 0)
				continue;
			n = read(fd_, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return died();
			pending_.append(buf, static_cast<size_t>(n));
		}
	}

	bool died()
	{
		end();
		if (WIFSIGNALED(status_))
			return fail(std::string("the board process died: ") +
				    strsignal(WTERMSIG(status_)));
		return fail("the board process ended with status " +
			    std::to_string(WEXITSTATUS(status_)));
	}

	bool fail(const std::string &why)
	{
		if (error_.empty())
			error_ = why;
		end();
		return false;
	}

	/* Close the channel and reap the process, killed if it has not ended within @grace_ms. */
	void end(int grace_ms = KILL_GRACE_MS)
	{
		if (fd_ >= 0)
			close(fd_);
		fd_ = -1;
		if (pid_ > 0) {
			pid_t r = 0;

			for (int i = 0;
			     i < grace_ms / 10 && (r = waitpid(pid_, &status_, WNOHANG)) == 0; i++)
				usleep(10000);
			if (r == 0) {
				kill(pid_, SIGKILL);
				waitpid(pid_, &status_, 0);
			}
			pid_ = 0;
		}
	}

	pid_t pid_ = 0;
	int fd_ = -1;
	int status_ = 0;
	long id_ = 0;
	std::string pending_;
	std::string error_;
};

/* One session: the steps, as requests. */
class session
{
      public:
	session(const conform_firmware &fw, const ampconf_options &opt, const ampconf_scenario &sc,
		ampconf_result &res)
	    : fw_(fw), opt_(opt), sc_(sc), res_(res)
	{
	}

	void run(const ampconf_step *steps, size_t n);

      private:
	bool breaks(ampconf_outcome how, const std::string &why)
	{
		if (broken_)
			return false;
		broken_ = true;
		res_.outcome = how;
		snprintf(res_.reason, sizeof(res_.reason), "%s", why.c_str());
		return false;
	}
	bool crashed()
	{
		return breaks(AMPCONF_CRASHED, board_.error());
	}

	bool call(json req, json &reply)
	{
		if (!board_.request(std::move(req), reply))
			return crashed();
		return true;
	}

	const char *not_applicable(const ampconf_step *steps, size_t n) const;
	bool settle();
	int lookup(uint32_t &addr, std::string &seen);
	bool find_service(uint32_t &addr, ampconf_outcome how, const char *when);
	bool send_one(const ampconf_step &st, uint32_t dst, bool echoed);
	bool step(const ampconf_step &st);
	static std::string last_words(const std::string &log, const std::string &otherwise);

	const conform_firmware &fw_;
	const ampconf_options &opt_;
	const ampconf_scenario &sc_;
	ampconf_result &res_;
	board_process board_;
	std::map<std::string, uint32_t> iut_; /* IUT labels: the echo service's address */
	std::map<std::string, uint64_t> received_;
	std::string peer_; /* the peer's one label: the control endpoint */
	uint32_t seed_ = 1;
	unsigned resets_ = 0;
	bool broken_ = false;
};

const char *session::not_applicable(const ampconf_step *steps, size_t n) const
{
	unsigned peer_opens = 0;

	if (opt_.role != AMPCONF_DEVICE)
		return "firmware plays the device";
	if (sc_.num[0] != 256 || sc_.num[1] != 256 || sc_.align != 4096 || sc_.buf_size != 512 ||
	    sc_.features != AMPCONF_F_NS)
		return "the firmware's resource table decides the link; the scenario needs another";
	for (size_t i = 0; i < n; i++) {
		const ampconf_step &st = steps[i];
		bool iut = st.actor == AMPCONF_IUT || st.actor == AMPCONF_BY_DEVICE;

		switch (st.kind) {
		case AMPCONF_STEP_OPEN:
			if (!iut &&
			    (++peer_opens > 1 || st.announce || st.addr != AMPCONF_ADDR_ANY))
				return "the host has one control endpoint, anonymous and silent";
			break;
		case AMPCONF_STEP_SEND:
			if (iut || st.payload)
				return "firmware takes no commands: the scenario has the IUT send";
			break;
		case AMPCONF_STEP_PINGPONG:
			if (iut)
				return "firmware takes no commands: the scenario has the IUT send";
			break;
		case AMPCONF_STEP_CLOSE:
			return "firmware takes no commands: the scenario closes an endpoint";
		case AMPCONF_STEP_HOLD:
		case AMPCONF_STEP_RELEASE:
			return "a board cannot hold one side";
		case AMPCONF_STEP_SERVICE:
			if (iut)
				return "what firmware learns of services is not observable";
			break;
		default:
			break;
		}
	}
	return nullptr;
}

bool session::settle()
{
	json reply;

	if (!call({{"cmd", "run"}, {"until", "settled"}, {"timeout_us", SETTLE_TIMEOUT_US}}, reply))
		return false;
	if (!reply.value("settled", false))
		return breaks(AMPCONF_BROKEN,
			      "the board did not settle within 2 s of simulated time "
			      "(the firmware did not boot or announce)");
	return true;
}

/* The echo service the firmware announced on its core: 1 found, 0 not (@seen: what it
 * announces), -1 the board failed. */
int session::lookup(uint32_t &addr, std::string &seen)
{
	json reply;

	if (!call({{"cmd", "channels"}}, reply))
		return -1;
	for (const auto &c : reply.value("channels", json::array())) {
		std::string name = c.value("name", "");

		if (c.value("core", "") != fw_.core)
			continue;
		seen += (seen.empty() ? "" : ", ") + name;
		if (fw_.service ? name == fw_.service : name.find("echo") != std::string::npos) {
			addr = c.value("addr", 0u);
			return 1;
		}
	}
	return 0;
}

/* The service an IUT endpoint stands for; without one the scenario cannot run (@how). */
bool session::find_service(uint32_t &addr, ampconf_outcome how, const char *when)
{
	std::string seen;
	int found = lookup(addr, seen);

	if (found)
		return found > 0;
	return breaks(how, std::string("the firmware announces no ") +
				   (fw_.service ? std::string("service '") + fw_.service + "'"
						: std::string("echo service")) +
				   when + " (it announces: " + (seen.empty() ? "nothing" : seen) +
				   (fw_.service ? ")" : "; --service names another)"));
}

/* One message from the control endpoint to @dst; with @echoed, its echo must come back. */
bool session::send_one(const ampconf_step &st, uint32_t dst, bool echoed)
{
	uint32_t len = st.size == AMPCONF_SIZE_MAX ? sc_.buf_size - 16 : st.size;
	std::vector<uint8_t> data(len);
	json reply;

	ampconf_payload(data.data(), len, seed_++);
	if (!call({{"cmd", "send"}, {"core", fw_.core}, {"dst", dst}, {"data", ampsim::hex(data)}},
		  reply))
		return false;
	if (!reply.value("ok", false))
		return breaks(AMPCONF_BROKEN,
			      "the host could not send: " + reply.value("error", ""));
	if (!echoed)
		return true;
	if (!call({{"cmd", "recv"}, {"core", fw_.core}, {"timeout_us", ECHO_TIMEOUT_US}}, reply))
		return false;
	if (!reply.value("ok", false))
		return breaks(AMPCONF_BROKEN,
			      "the echo of a " + std::to_string(len) +
				      "-byte message did not come back within 100 ms");
	if (reply.value("src", 0u) != dst || reply.value("data", "") != ampsim::hex(data))
		return breaks(AMPCONF_BROKEN,
			      "the echo of a " + std::to_string(len) + "-byte message came back " +
				      "different (from " + std::to_string(reply.value("src", 0u)) +
				      ", " + std::to_string(reply.value("data", "").size() / 2) +
				      " bytes)");
	res_.messages += 2;
	return true;
}

bool session::step(const ampconf_step &st)
{
	bool iut = st.actor == AMPCONF_IUT || st.actor == AMPCONF_BY_DEVICE;
	json reply;

	switch (st.kind) {
	case AMPCONF_STEP_START:
	case AMPCONF_STEP_SETTLE:
		return settle();
	case AMPCONF_STEP_OPEN:
		if (!iut) {
			peer_ = st.ept;
			return true;
		}
		return find_service(iut_[st.ept], AMPCONF_SKIPPED, "");
	case AMPCONF_STEP_SEND:
	case AMPCONF_STEP_PINGPONG: {
		bool to_iut = st.to[0] != '\0';
		uint32_t dst = to_iut ? iut_[st.to] : st.to_addr;

		for (uint32_t i = 0; i < st.count; i++)
			if (!send_one(st, dst, to_iut))
				return false;
		if (to_iut) {
			received_[st.to] += st.count;
			received_[st.ept] += st.count;
			return true;
		}
		return call({{"cmd", "run"}, {"for_us", QUIET_US}}, reply);
	}
	case AMPCONF_STEP_EXPECT:
		if (st.count && received_[st.ept] != st.count)
			return breaks(AMPCONF_BROKEN,
				      "'" + std::string(st.ept) + "' received " +
					      std::to_string(received_[st.ept]) + " messages, " +
					      std::to_string(st.count) + " expected");
		return true;
	case AMPCONF_STEP_SERVICE: {
		uint32_t addr = 0;
		std::string seen;
		int found = lookup(addr, seen);

		if (found < 0 || (found > 0) == st.created)
			return found >= 0;
		return breaks(AMPCONF_BROKEN,
			      st.created ? "the firmware's service is not announced "
					   "(it announces: " +
						   seen + ")"
					 : "the firmware's service is still announced");
	}
	case AMPCONF_STEP_RESET:
		resets_++;
		if (!call({{"cmd", "crash"}, {"core", fw_.core}}, reply) || !settle())
			return false;
		/* The service comes back, perhaps at another address. */
		for (auto &l : iut_)
			if (!find_service(l.second, AMPCONF_BROKEN, " after the reset"))
				return false;
		return true;
	default:
		return breaks(AMPCONF_ERROR, "a step firmware cannot take part in");
	}
}

void session::run(const ampconf_step *steps, size_t n)
{
	const char *why = not_applicable(steps, n);
	std::string trace = opt_.trace_path ? opt_.trace_path : "";
	std::string log;
	json reply;
	int status;

	res_.outcome = AMPCONF_PASSED;
	snprintf(res_.iut_name, sizeof(res_.iut_name), "%s on %s", fw_.elf, fw_.core);
	if (why) {
		breaks(AMPCONF_SKIPPED, why);
		return;
	}
	if (trace.empty()) {
		char tmpl[] = "/tmp/ampsim-conform-XXXXXX";
		int fd = mkstemp(tmpl);

		if (fd < 0) {
			breaks(AMPCONF_ERROR, std::string("mkstemp: ") + strerror(errno));
			return;
		}
		close(fd);
		trace = tmpl;
	}
	log = trace.substr(0,
			   trace.rfind('.') > trace.rfind('/') ? trace.rfind('.') : trace.size()) +
	      ".log";
	if (board_.start({"--board", fw_.board, "--firmware", std::string(fw_.core) + "=" + fw_.elf,
			  "--trace", trace, "--log-level", "warn"},
			 log) &&
	    call({{"cmd", "hello"}}, reply)) {
		for (size_t i = 0; i < n && !broken_; i++)
			if (!step(steps[i]) && broken_) {
				res_.step = static_cast<unsigned>(i) + 1;
				res_.step_line = steps[i].line;
			}
		if (!broken_ && call({{"cmd", "status"}}, reply))
			for (const auto &r : reply.value("remotes", json::array()))
				if (r.value("name", "") == fw_.core &&
				    r.value("crashes", 0u) > resets_)
					breaks(AMPCONF_BROKEN,
					       "the firmware crashed " +
						       std::to_string(r.value("crashes", 0u) -
								      resets_) +
						       " time(s) on its own");
	}
	status = board_.finish();
	/* ampsim run ends 0 (passed) or 1 (its own verdict failed); anything else is the board
	 * process failing - a simulator fault, a sanitizer's report - with a trace cut short. */
	if (res_.events == 0 && broken_ && res_.outcome == AMPCONF_CRASHED && !res_.step) {
		res_.outcome = AMPCONF_ERROR;
		snprintf(res_.reason, sizeof(res_.reason), "the board did not start: %s",
			 last_words(log, board_.error()).c_str());
	} else if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1)) {
		broken_ = false;
		breaks(AMPCONF_CRASHED,
		       "the board process failed: " +
			       last_words(log, "status " + std::to_string(status)));
	} else {
		ampconf_judge_trace(trace.c_str(), AMPCONF_DEVICE, fw_.core, opt_.profile, &res_);
	}
	ampconf_note_unexercised(&sc_, &res_);
	if (!opt_.trace_path) {
		unlink(trace.c_str());
		unlink(log.c_str());
	}
}

/* The last line the board process wrote (its console), or @otherwise. */
std::string session::last_words(const std::string &log, const std::string &otherwise)
{
	FILE *f = fopen(log.c_str(), "r");
	char line[512], last[512] = "";

	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(last, sizeof(last), "%s", line);
	if (f)
		fclose(f);
	last[strcspn(last, "\n")] = '\0';
	return last[0] ? std::string(last) : otherwise;
}

} // namespace

enum ampconf_outcome ampsim_conform_firmware(const struct conform_firmware *fw,
					     const struct ampconf_options *opt,
					     const struct ampconf_scenario *sc,
					     const struct ampconf_step *steps, size_t nsteps,
					     struct ampconf_result *res)
{
	memset(res, 0, sizeof(*res));
	session(*fw, *opt, *sc, *res).run(steps, nsteps);
	return res->outcome;
}
