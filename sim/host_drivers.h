// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the host's rpmsg service drivers (what the board's dialogue is made of)
 *
 * The host node runs one driver per sample service, matched by name as Linux's rpmsg bus
 * matches them; each drives one dialogue per remote:
 *
 * - "rpmsg-client-sample": Linux's samples/rpmsg/rpmsg_client_sample.c. Probed, it prints
 *   "new channel: 0xSRC -> 0xDST!" and sends "hello world!"; every answer is printed as
 *   "incoming msg N (src: 0xADDR)" and answered, until N answers arrived ("goodbye!").
 * - "rpmsg-echo": a checker. Message k carries k and a payload drawn from the run's seed (or
 *   of a fixed size); each echo must come back whole and in order; one message in flight.
 * - "rpmsg-crasher": the echo checker, and with a crash requested it then sends
 *   "crash:KIND", waits for the remote to crash, be recovered and announce itself again,
 *   and runs the echo dialogue a second time.
 * - "rpmsg-p2p-a", "rpmsg-p2p-b": the echo checker for answers prefixed with the endpoint's
 *   name ("rpmsg-p2p-a: ...").
 *
 * A dialogue is keyed by (remote, service), so a crash and re-probe continue it. A channel
 * whose name no driver serves is still created (and logged by the host); it has no dialogue.
 */
#ifndef AMPSIM_SIM_HOST_DRIVERS_H
#define AMPSIM_SIM_HOST_DRIVERS_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "amp/rpmsg.h"
#include "run_log.h"

namespace ampsim
{

/**
 * struct dialogue_options - what the run asks of the drivers
 * @messages: answers each dialogue waits for (the crasher: per round)
 * @payload_size: fixed payload size of the checkers' messages (0: drawn from @seed, 8..max)
 * @seed: seeds the checkers' payloads
 * @crash: "", or what the crasher asks for: "fault", "watchdog" or "report"
 */
struct dialogue_options {
	unsigned messages = 100;
	unsigned payload_size = 0;
	uint64_t seed = 1;
	std::string crash;
};

class service_drivers
{
      public:
	/** Names the remote behind a link (for messages and dialogue keys). */
	using link_namer = std::function<std::string(struct amp_rpmsg_link *)>;

	/**
	 * @log: where the drivers print
	 * @opts: the dialogue's parameters
	 * @namer: link to remote name
	 */
	service_drivers(run_log &log, const dialogue_options &opts, link_namer namer);
	service_drivers(const service_drivers &) = delete;
	service_drivers &operator=(const service_drivers &) = delete;

	/** Register every driver on @node. Return: 0 or the reference's error. */
	int register_all(struct amp_rpmsg_node *node);

	/** Forget the dialogues (not the counts): the next boot cycle talks afresh. */
	void new_session()
	{
		dialogues_.clear();
	}
	/** A dialogue with @remote has started and not ended. */
	bool busy(const std::string &remote) const;
	/** Dialogues that failed (a wrong echo, a send error). */
	unsigned failures() const
	{
		return failures_;
	}
	/** Dialogues that completed. */
	unsigned completed() const
	{
		return completed_;
	}
	/** Messages sent and answers received by all dialogues. */
	uint64_t sent() const
	{
		return sent_;
	}
	uint64_t received() const
	{
		return received_;
	}
	/** Host time spent in completed checker dialogues and their round trips (benchmarks). */
	std::vector<std::pair<std::string, double>> dialogue_wall_seconds() const;

	/** Called whenever a dialogue ends (the host re-checks whether the run is done). */
	std::function<void()> on_progress;

      private:
	enum class kind { client_sample, echo, crasher, p2p };
	enum class phase { running, crash_requested, done, failed };

	/*
	 * One driver. Standard layout with the struct amp_rpmsg_driver first, so the pointer a
	 * channel's amp_rpmsg_channel_driver() returns converts back to it (container_of).
	 */
	struct driver {
		struct amp_rpmsg_driver drv;
		struct amp_rpmsg_device_id ids[2];
		service_drivers *owner;
		enum kind kind;
		const char *name;
	};

	/**
	 * struct dialogue - one remote's session with one service
	 * @remote: the remote's name
	 * @service: the service's name
	 * @tag: the driver and the remote, as messages name them (Linux prints the driver and
	 *	the device: "rpmsg_client_sample virtio0.NAME.-1.1024")
	 * @phase: where it is
	 * @probes: how often the channel was probed
	 * @round: the crasher's round (0 before the crash, 1 after)
	 * @answers: answers received in this round
	 * @next: the checker's next sequence number
	 * @expect: what the pending answer must be
	 * @wall_start: when the round's first message went (wall seconds)
	 * @wall_end: when the dialogue completed
	 */
	struct dialogue {
		std::string remote, service, tag;
		phase state = phase::running;
		unsigned probes = 0, round = 0, answers = 0;
		uint32_t next = 0;
		std::vector<uint8_t> expect;
		double wall_start = 0, wall_end = 0;
	};

	static int probe(struct amp_rpmsg_channel *ch);
	static void remove(struct amp_rpmsg_channel *ch);
	static int callback(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src);
	static driver &of(struct amp_rpmsg_channel *ch);

	dialogue &session(const driver &d, struct amp_rpmsg_channel *ch);
	/* The dialogue probe() put on a bound channel (its priv). */
	static dialogue &of_channel(struct amp_rpmsg_channel *ch)
	{
		return *static_cast<dialogue *>(ch->priv);
	}
	int send_next(const driver &d, dialogue &s, struct amp_rpmsg_channel *ch);
	void answer(const driver &d, dialogue &s, struct amp_rpmsg_channel *ch, const uint8_t *data,
		    size_t len, uint32_t src);
	void finish(dialogue &s, bool ok, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));
	std::vector<uint8_t> checker_payload(dialogue &s, uint32_t capacity);

	run_log &log_;
	dialogue_options opts_;
	link_namer namer_;
	std::vector<driver> drivers_;
	/* By (remote, service); a std::map, so channels can point at their dialogue (priv). */
	std::map<std::pair<std::string, std::string>, dialogue> dialogues_;
	std::vector<uint8_t> rx_copy_; /* the message being answered, out of shared memory */
	uint64_t rng_;
	unsigned failures_ = 0, completed_ = 0;
	uint64_t sent_ = 0, received_ = 0;
};

} // namespace ampsim

#endif
