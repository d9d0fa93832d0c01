// SPDX-License-Identifier: BSD-3-Clause
/*
 * The host's side of the control channel (sim/control.cpp): an anonymous endpoint per remote
 * link that a test sends from and receives on, fault injection, the channel list, the end of
 * a controlled run.
 *
 * The control channel runs in sc_main between sc_start() slices. Anything that stores into
 * shared memory or writes the mailbox goes through the host's interrupt thread (a SystemC
 * process may wait; sc_main may not): requests are queued on the remote and the thread is
 * woken; it serves them in service_control().
 */
#include "host.h"
#include "host_remote.h"

#include "amp/error.h"

using namespace sc_core;

namespace ampsim
{

void host_cpu::request_stop()
{
	stop_requested_ = true;
	stop_event_.notify(SC_ZERO_TIME);
}

bool host_cpu::settled_now() const
{
	for (const auto &r : remotes_)
		if (r->inject_crash || r->crash_reported)
			return false;
	return all_settled();
}

int host_cpu::remote_index(const std::string &core) const
{
	for (const auto &r : remotes_)
		if (r->name == core)
			return static_cast<int>(r->index);
	return -1;
}

int host_cpu::control_rx(struct amp_rpmsg_endpoint *, void *data, size_t len, uint32_t src,
			 void *priv)
{
	remote &r = *static_cast<remote *>(priv);
	const uint8_t *bytes = static_cast<const uint8_t *>(data);
	control_message m;

	m.src = src;
	m.data.assign(bytes, bytes + len);
	r.inbox.push_back(std::move(m));
	r.host->progress_.notify(SC_ZERO_TIME);
	return 0;
}

bool host_cpu::control_send(unsigned core, uint32_t dst, std::vector<uint8_t> data, uint32_t &src,
			    std::string &err)
{
	remote &r = *remotes_.at(core);
	struct amp_rpmsg_link *link = r.rproc ? amp_rproc_link(r.rproc, 0) : nullptr;

	if (!link || !amp_rpmsg_link_is_up(link)) {
		err = r.name + ": its rpmsg link is not up";
		return false;
	}
	if (!r.ctl_open) {
		/* Anonymous, no announcement: creating it stores nothing in shared memory. */
		const struct amp_rpmsg_endpoint_config cfg = {
			.name = nullptr,
			.addr = AMP_RPMSG_ADDR_ANY,
			.dst = AMP_RPMSG_ADDR_ANY,
			.cb = control_rx,
			.priv = &r,
			.announce = false,
		};
		int rc = amp_rpmsg_endpoint_create(&r.ctl, link, &cfg);

		if (rc) {
			err = r.name + ": no control endpoint: " + amp_strerror(rc);
			return false;
		}
		r.ctl_open = true;
	}
	src = amp_rpmsg_endpoint_addr(&r.ctl);
	r.outbox.emplace_back(dst, std::move(data));
	attention_.notify(SC_ZERO_TIME);
	return true;
}

bool host_cpu::control_receive(unsigned core, control_message &out)
{
	remote &r = *remotes_.at(core);

	if (r.inbox.empty())
		return false;
	out = std::move(r.inbox.front());
	r.inbox.pop_front();
	return true;
}

void host_cpu::inject_crash(unsigned core)
{
	remotes_.at(core)->inject_crash = true;
	remotes_.at(core)->injected++;
	attention_.notify(SC_ZERO_TIME);
}

unsigned host_cpu::injected_crashes(const std::string &core) const
{
	int i = remote_index(core);

	return i < 0 ? 0 : remotes_[static_cast<unsigned>(i)]->injected;
}

std::vector<channel_info> host_cpu::channels() const
{
	std::vector<channel_info> out;

	for (const auto &r : remotes_)
		out.insert(out.end(), r->channels_now.begin(), r->channels_now.end());
	return out;
}

/* In the interrupt thread: send what the control channel queued, declare injected crashes. */
void host_cpu::service_control()
{
	for (auto &rp : remotes_) {
		remote &r = *rp;

		if (r.inject_crash) {
			r.inject_crash = false;
			crash(r, AMP_RPROC_FATAL_ERROR, "injected by the control channel");
		}
		while (!r.outbox.empty() && r.ctl_open) {
			auto &m = r.outbox.front();
			int rc = amp_rpmsg_trysendto(&r.ctl, m.second.data(), m.second.size(),
						     m.first);

			if (rc == -AMP_ENOMEM)
				break; /* no free buffer yet: the next kick from the remote returns
					  one */
			if (rc)
				log_.print(log_level::warn, "host",
					   "control: a message to 0x%x on %s was not sent: %s",
					   m.first, r.name.c_str(), amp_strerror(rc));
			r.outbox.pop_front();
		}
	}
}

/* Before remoteproc stops or recovers @r: its link must hold no endpoint of ours. */
void host_cpu::control_close(remote &r)
{
	if (!r.ctl_open)
		return;
	amp_rpmsg_endpoint_destroy(&r.ctl);
	r.ctl_open = false;
	r.outbox.clear();
}

} // namespace ampsim
