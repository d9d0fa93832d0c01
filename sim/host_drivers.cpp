// SPDX-License-Identifier: BSD-3-Clause
/* The host's rpmsg service drivers and their dialogues (host_drivers.h). */
#include "host_drivers.h"

#include <chrono>
#include <cstdarg>
#include <cstring>
#include <type_traits>

#include "amp/error.h"

namespace ampsim
{

namespace
{

/* Linux's sample sends this, and again on every answer (samples/rpmsg/rpmsg_client_sample.c). */
constexpr char SAMPLE_MESSAGE[] = "hello world!";
/* A checker message starts with its sequence number, little-endian. */
constexpr uint32_t SEQ_SIZE = 4;
/* Drawn payloads are at least this long: the sequence number and a few bytes to check. */
constexpr uint32_t MIN_DRAWN = 8;

double wall_now()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
		.count();
}

/* splitmix64: a run's payloads depend on its seed only. */
uint64_t next_random(uint64_t &state)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

} // namespace

service_drivers::service_drivers(run_log &log, const dialogue_options &opts, link_namer namer)
    : log_(log), opts_(opts), namer_(std::move(namer)), rng_(opts.seed)
{
	static const std::pair<enum kind, const char *> services[] = {
		{kind::client_sample, "rpmsg-client-sample"},
		{kind::echo, "rpmsg-echo"},
		{kind::crasher, "rpmsg-crasher"},
		{kind::p2p, "rpmsg-p2p-a"},
		{kind::p2p, "rpmsg-p2p-b"},
	};

	static_assert(std::is_standard_layout<driver>::value, "driver: container_of needs it");
	/* Registered by address: the vector must never move them. */
	drivers_.reserve(std::size(services));
	for (const auto &s : services) {
		driver d{};

		d.ids[0].name = s.second;
		d.ids[1].name = nullptr;
		d.drv.id_table = nullptr; /* set once the driver has its final address */
		d.drv.probe = probe;
		d.drv.remove = remove;
		d.drv.callback = callback;
		d.owner = this;
		d.kind = s.first;
		d.name = s.second;
		drivers_.push_back(d);
	}
	for (driver &d : drivers_)
		d.drv.id_table = d.ids;
}

int service_drivers::register_all(struct amp_rpmsg_node *node)
{
	for (driver &d : drivers_) {
		int err = amp_rpmsg_driver_register(node, &d.drv);

		if (err)
			return err;
	}
	return 0;
}

service_drivers::driver &service_drivers::of(struct amp_rpmsg_channel *ch)
{
	return *reinterpret_cast<driver *>(amp_rpmsg_channel_driver(ch));
}

service_drivers::dialogue &service_drivers::session(const driver &d, struct amp_rpmsg_channel *ch)
{
	std::string remote = namer_(amp_rpmsg_channel_link(ch));
	auto key = std::make_pair(remote, std::string(d.name));
	auto it = dialogues_.find(key);

	if (it == dialogues_.end()) {
		dialogue s;

		s.remote = remote;
		s.service = d.name;
		s.tag = std::string(d.name) + " " + remote;
		it = dialogues_.emplace(key, std::move(s)).first;
	}
	return it->second;
}

bool service_drivers::busy(const std::string &remote) const
{
	for (const auto &e : dialogues_)
		if (e.second.remote == remote &&
		    (e.second.state == phase::running || e.second.state == phase::crash_requested))
			return true;
	return false;
}

std::vector<std::pair<std::string, double>> service_drivers::dialogue_wall_seconds() const
{
	std::vector<std::pair<std::string, double>> out;

	for (const auto &e : dialogues_)
		if (e.second.state == phase::done)
			out.emplace_back(e.second.remote + "/" + e.second.service,
					 e.second.wall_end - e.second.wall_start);
	return out;
}

void service_drivers::finish(dialogue &s, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (s.state == phase::done || s.state == phase::failed)
		return;
	s.state = ok ? phase::done : phase::failed;
	s.wall_end = wall_now();
	if (ok)
		completed_++;
	else
		failures_++;
	va_start(ap, fmt);
	log_.vprint(ok ? log_level::info : log_level::error, "host", fmt, ap);
	va_end(ap);
	if (on_progress)
		on_progress();
}

std::vector<uint8_t> service_drivers::checker_payload(dialogue &s, uint32_t capacity)
{
	uint32_t len = opts_.payload_size;
	std::vector<uint8_t> msg;

	if (!len)
		len = MIN_DRAWN +
		      static_cast<uint32_t>(next_random(rng_) % (capacity - MIN_DRAWN + 1));
	msg.resize(len < SEQ_SIZE ? SEQ_SIZE : len);
	for (uint32_t i = 0; i < SEQ_SIZE; i++)
		msg[i] = static_cast<uint8_t>(s.next >> (8 * i));
	for (size_t i = SEQ_SIZE; i < msg.size(); i += 8) {
		uint64_t r = next_random(rng_);

		std::memcpy(&msg[i], &r, std::min<size_t>(8, msg.size() - i));
	}
	msg.resize(len);
	return msg;
}

int service_drivers::send_next(const driver &d, dialogue &s, struct amp_rpmsg_channel *ch)
{
	struct amp_rpmsg_endpoint *ept = amp_rpmsg_channel_endpoint(ch);
	uint32_t capacity = amp_rpmsg_link_payload_size(amp_rpmsg_channel_link(ch));
	std::vector<uint8_t> msg;
	std::string prefix;
	int err;

	if (d.kind == kind::client_sample) {
		msg.assign(SAMPLE_MESSAGE, SAMPLE_MESSAGE + sizeof(SAMPLE_MESSAGE) - 1);
		s.expect = msg;
	} else {
		if (d.kind == kind::p2p) /* the answer must fit the remote's buffer too */
			prefix = std::string(d.name) + ": ";
		if (opts_.payload_size && opts_.payload_size + prefix.size() > capacity) {
			finish(s, false, "%s: payload size %u does not fit a %u-byte buffer",
			       s.tag.c_str(), opts_.payload_size, capacity);
			return -AMP_EMSGSIZE;
		}
		msg = checker_payload(s, capacity - static_cast<uint32_t>(prefix.size()));
		s.expect.assign(prefix.begin(), prefix.end());
		s.expect.insert(s.expect.end(), msg.begin(), msg.end());
		s.next++;
	}
	err = amp_rpmsg_send(ept, msg.data(), msg.size());
	if (err) {
		finish(s, false, "%s: send failed: %s", s.tag.c_str(), amp_strerror(err));
		return err;
	}
	sent_++;
	return 0;
}

int service_drivers::probe(struct amp_rpmsg_channel *ch)
{
	driver &d = of(ch);
	service_drivers &self = *d.owner;
	dialogue &s = self.session(d, ch);
	struct amp_rpmsg_endpoint *ept = amp_rpmsg_channel_endpoint(ch);

	ch->priv = &s;
	s.probes++;
	self.log_.print(log_level::info, "host", "%s: new channel: 0x%x -> 0x%x!", s.tag.c_str(),
			amp_rpmsg_endpoint_addr(ept), amp_rpmsg_endpoint_dst(ept));
	if (s.state == phase::crash_requested) {
		/* Back after the crash it was asked for: the second round. */
		s.state = phase::running;
		s.round = 1;
		s.answers = 0;
	} else if (s.state != phase::running) {
		return 0; /* done (or failed) before: a later session is not talked to */
	} else {
		s.answers = 0; /* Linux counts per probe */
	}
	if (s.round == 0 && s.probes == 1)
		s.wall_start = wall_now();
	/* A failed first send ends the dialogue, not the binding (Linux's sample does the same). */
	(void)self.send_next(d, s, ch);
	return 0;
}

void service_drivers::remove(struct amp_rpmsg_channel *ch)
{
	driver &d = of(ch);
	service_drivers &self = *d.owner;
	dialogue &s = of_channel(ch);

	if (d.kind == kind::client_sample)
		self.log_.print(log_level::info, "host",
				"%s: rpmsg sample client driver is removed", s.tag.c_str());
	else
		self.log_.print(log_level::info, "host", "%s: channel removed", s.tag.c_str());
	if (s.state == phase::running)
		self.finish(s, false, "%s: channel went away after %u of %u answers", s.tag.c_str(),
			    s.answers, self.opts_.messages);
}

int service_drivers::callback(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	driver &d = of(ch);
	service_drivers &self = *d.owner;

	/* The buffer is shared memory the remote may still write: look at one copy only. */
	self.rx_copy_.resize(len);
	amp_io_read(self.rx_copy_.data(), data, len);
	self.answer(d, of_channel(ch), ch, self.rx_copy_.data(), len, src);
	return 0;
}

void service_drivers::answer(const driver &d, dialogue &s, struct amp_rpmsg_channel *ch,
			     const uint8_t *data, size_t len, uint32_t src)
{
	const char *who = s.tag.c_str();

	received_++;
	if (s.state != phase::running) {
		log_.print(log_level::warn, "host", "%s: unexpected message from 0x%x (%zu bytes)",
			   who, src, len);
		return;
	}
	s.answers++;
	if (d.kind == kind::client_sample)
		log_.print(log_level::info, "host", "%s: incoming msg %u (src: 0x%x)", who,
			   s.answers, src);
	if (len != s.expect.size() || std::memcmp(data, s.expect.data(), len) != 0) {
		finish(s, false, "%s: answer %u is not what was sent (%zu bytes, expected %zu)",
		       who, s.answers, len, s.expect.size());
		return;
	}
	if (s.answers < opts_.messages) {
		(void)send_next(d, s, ch);
		return;
	}
	if (d.kind == kind::client_sample) {
		finish(s, true, "%s: goodbye!", who);
	} else if (d.kind == kind::crasher && !opts_.crash.empty() && s.round == 0) {
		std::string cmd = "crash:" + opts_.crash;
		int err;

		log_.print(log_level::info, "host", "%s: %u answers checked; sending \"%s\"", who,
			   s.answers, cmd.c_str());
		s.state = phase::crash_requested;
		err = amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), cmd.data(), cmd.size());
		if (err) {
			s.state = phase::running;
			finish(s, false, "%s: send failed: %s", who, amp_strerror(err));
		}
	} else {
		finish(s, true, "%s: %u answers checked%s", who, s.answers,
		       s.round ? " after the recovery" : "");
	}
}

} // namespace ampsim
