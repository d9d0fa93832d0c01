/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host's record of one remote core, shared by the host's files (sim/host.cpp, the
 * lifecycle and mailbox driver; sim/host_control.cpp, the control channel's side).
 */
#ifndef AMPSIM_HOST_REMOTE_H
#define AMPSIM_HOST_REMOTE_H

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "host.h"
#include "platform.h"

namespace ampsim
{

/**
 * struct host_cpu::remote - the host's side of one remote core
 * @host: the host
 * @index: the core's index in the board
 * @name: the core's name
 * @hw: the core's models
 * @image: the firmware's bytes
 * @image_name: the firmware's file name
 * @mem: the memory remoteproc may reach (the core's aliases of memories the host sees)
 * @rproc: the remote processor
 * @kick: how the host and the core notify each other
 * @mbox_base: the kick mailbox's base in the host's view
 * @txq: kicks waiting for room in the host-to-core FIFO
 * @kicks_to: messages written to the core
 * @kicks_from: messages read from the core
 * @dropped: messages dropped with the queue full
 * @channels: channels the remote announced, over the run
 * @announced: the remote announced a channel since its last (re)start
 * @crash_reported: a crash awaits the host thread
 * @boot_wall: when its first boot began (wall seconds)
 * @bringup: seconds from @boot_wall to its first announcement (< 0: none yet)
 * @boot_error: why its boot failed
 * @dumps: core files written
 * @final_state: its remoteproc state when the run ended, before the host shut it down
 * @ctl: the control channel's endpoint on its link (sim/host_control.cpp), when @ctl_open
 * @ctl_open: @ctl is bound
 * @outbox: messages the control channel queued for the host thread to send: address, data
 * @inbox: messages @ctl received
 * @inject_crash: the control channel declared it crashed (the host thread has yet to see it)
 * @injected: crashes the control channel injected, over the run
 * @channels_now: the channels it has announced and not destroyed
 */
struct host_cpu::remote {
	host_cpu *host = nullptr;
	unsigned index = 0;
	std::string name;
	remote_core *hw = nullptr;
	const std::vector<char> *image = nullptr;
	std::string image_name;
	std::vector<struct amp_rproc_mem> mem;
	struct amp_rproc *rproc = nullptr;
	const ampsim_board_kick *kick = nullptr;
	uint64_t mbox_base = 0;
	std::deque<uint32_t> txq;
	uint64_t kicks_to = 0, kicks_from = 0, dropped = 0;
	unsigned channels = 0;
	bool announced = false, crash_reported = false;
	double boot_wall = -1, bringup = -1;
	std::string boot_error;
	unsigned dumps = 0;
	std::string final_state;
	struct amp_rpmsg_endpoint ctl = {};
	bool ctl_open = false;
	std::deque<std::pair<uint32_t, std::vector<uint8_t>>> outbox;
	std::deque<control_message> inbox;
	bool inject_crash = false;
	unsigned injected = 0;
	std::vector<channel_info> channels_now;
};

} // namespace ampsim

#endif
