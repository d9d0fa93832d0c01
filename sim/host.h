// SPDX-License-Identifier: BSD-3-Clause
/**
 * DOC: the host core
 *
 * The host of the board (the Cortex-A side of an OMAP4) runs the reference natively as SystemC
 * threads: the remoteproc host (amp/remoteproc.h) with one processor per remote core, an rpmsg
 * node in the driver role with the service drivers of sim/host_drivers.h, and a mailbox
 * driver programmed as Linux's omap-mailbox and omap_remoteproc program theirs:
 *
 * - kick: the vring's notify id written to the core's host-to-core FIFO; when the FIFO is full
 *   the message waits in a software queue (Linux's mailbox txq, 20 deep) sent on NOTFULL;
 * - receive: on the host's mailbox interrupt, every message of each core-to-host FIFO is read,
 *   then the events are acknowledged; a notify id runs that remote's rpmsg receive path, and
 *   the TI messages are honoured: RP_MBOX_CRASH reports a crash, RP_MBOX_ECHO_REPLY is logged,
 *   the other control messages are ignored, anything else is dropped and logged;
 * - start: RP_MBOX_ECHO_REQUEST is sent, as omap_rproc_start() does, then the core is released
 *   from reset (its watchdog reset too); stop holds the core in reset.
 *
 * Crashes: a core fault (MMU fault for an access to unmapped memory, fatal error otherwise),
 * a watchdog expiry (watchdog crash) and RP_MBOX_CRASH are reported to remoteproc; the host
 * thread then recovers the remote (stop, optional core dump, reload, start) unless recovery is
 * disabled.
 *
 * The host's code takes no simulated time; its bus accesses never yield, so a reference call
 * runs to its end without another process in between. That is why the rpmsg node has no lock
 * hooks: the only place the host yields inside the reference is the wait hook of a blocked
 * sender, which the reference calls with nothing but the TX lock held - and a blocked sender
 * must let others run anyway.
 */
#ifndef AMPSIM_SIM_HOST_H
#define AMPSIM_SIM_HOST_H

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "amp/remoteproc.h"
#include "amp/rpmsg.h"
#include "board.h"
#include "host_drivers.h"
#include "run_log.h"

namespace ampsim
{

class platform;
struct remote_core;

/**
 * struct host_options - what the run asks of the host
 * @dialogue: the service drivers' parameters
 * @until: simulated time at which the run stops if it has not finished
 * @recovery: recover crashed remotes (remoteproc's "recovery" knob)
 * @coredump_dir: where core files of crashes go ("" for none)
 * @max_crashes: crashes of one remote after which it is no longer recovered (a firmware that
 *	crashes at every start would otherwise be recovered for ever)
 * @io_ops: hooks for every store and barrier the host's rpmsg links make in shared memory (the
 *	wire-level trace's tap; NULL: plain stores)
 * @io_ctx: passed to @io_ops
 * @cycles: boot/shutdown cycles: each boots every remote, waits until all settled, shuts
 *	them down (a soak test of remoteproc and the firmware's restart path)
 * @controlled: a control channel drives the run (ampsim run --control): after booting, the
 *	host serves the remotes until request_stop(), whether they settled or not
 */
struct host_options {
	dialogue_options dialogue;
	unsigned max_crashes = 10;
	const struct amp_io_ops *io_ops = nullptr;
	void *io_ctx = nullptr;
	unsigned cycles = 1;
	sc_core::sc_time until = sc_core::sc_time(10, sc_core::SC_SEC);
	bool recovery = true;
	bool controlled = false;
	std::string coredump_dir;
};

/**
 * struct control_message - a message the control endpoint received
 * @src: the sender's address
 * @data: the payload
 */
struct control_message {
	uint32_t src = 0;
	std::vector<uint8_t> data;
};

/**
 * struct channel_info - a channel a remote announced
 * @core: the remote
 * @name: the channel's name
 * @addr: the remote's address for it
 */
struct channel_info {
	std::string core, name;
	uint32_t addr = 0;
};

/**
 * struct remote_result - what a run saw of one remote
 * @name: the core's name
 * @state: remoteproc state at the end ("running", "crashed", ...)
 * @crashes: crashes handled
 * @channels: channels it announced
 * @kicks_to / @kicks_from: mailbox notifications sent to / received from it
 * @instructions: instructions its core executed
 * @emulation_seconds: wall time inside Unicorn
 * @bringup_wall_s: wall seconds from the start of its first boot to its first channel (< 0: none)
 * @boot_error: why its boot failed ("" if it did not)
 */
struct remote_result {
	std::string name, state;
	unsigned crashes = 0, channels = 0;
	uint64_t kicks_to = 0, kicks_from = 0, instructions = 0;
	double emulation_seconds = 0, bringup_wall_s = -1;
	std::string boot_error;
};

class host_cpu : public sc_core::sc_module
{
      public:
	/** The host's view of the bus (initiator 0 of the platform's router). */
	tlm_utils::simple_initiator_socket<host_cpu> bus;
	/** One interrupt input per board mailbox (low where the host has no user). */
	sc_core::sc_vector<sc_core::sc_in<bool>> irq;

	/**
	 * @name: instance name
	 * @board: the board (referred to)
	 * @images: per core, its firmware image's bytes (referred to)
	 * @image_names: per core, the firmware file name (for messages)
	 * @opts: the run's parameters
	 * @log: the run's console
	 */
	host_cpu(const sc_core::sc_module_name &name, const ampsim_board &board,
		 const std::vector<std::vector<char>> &images,
		 const std::vector<std::string> &image_names, const host_options &opts,
		 run_log &log);
	~host_cpu() override;
	SC_HAS_PROCESS(host_cpu);

	/** Connect to the board's models; call once the platform is built. */
	void attach(platform &p);

	/** Per remote, what the run saw. */
	std::vector<remote_result> results() const;
	/** The service dialogues. */
	const service_drivers &drivers() const
	{
		return drivers_;
	}
	/** Problems the host counted: rpmsg trouble events, dropped mailbox messages. */
	unsigned trouble() const
	{
		return trouble_;
	}
	/** The run ended because every remote settled (not at --until). */
	bool finished() const
	{
		return finished_;
	}
	/** Boot/shutdown cycles that ended with every remote settled. */
	unsigned cycles_done() const
	{
		return cycles_done_;
	}
	/**
	 * Every remote settled (booted, announced, its dialogues done or crashed for good) and
	 * no crash waits to be handled.
	 */
	bool settled_now() const;

	/*
	 * The control channel's side of the host (sim/host_control.cpp). Called from sc_main
	 * between sc_start() slices, never from a SystemC process: what must touch the bus is
	 * queued for the host's interrupt thread.
	 */
	/** End a controlled run: the host shuts the remotes down and stops the simulation. */
	void request_stop();
	/** The index of the remote named @core, or -1. */
	int remote_index(const std::string &core) const;
	/**
	 * Queue @data from the control endpoint on remote @core's link to address @dst (the host
	 * thread sends it); the endpoint's address goes to @src.
	 * Return: false with @err when the link is down or the endpoint cannot be made.
	 */
	bool control_send(unsigned core, uint32_t dst, std::vector<uint8_t> data, uint32_t &src,
			  std::string &err);
	/** Take the oldest message the control endpoint on @core received; false if none. */
	bool control_receive(unsigned core, control_message &out);
	/** Declare @core crashed (fault injection): the host recovers it as any crash. */
	void inject_crash(unsigned core);
	/** The channels the remotes have announced, in order. */
	std::vector<channel_info> channels() const;
	/** Crashes of remote @core the control channel injected. */
	unsigned injected_crashes(const std::string &core) const;

      private:
	struct remote;

	void main_thread();
	void irq_thread();
	bool settled(const remote &r) const;
	bool all_settled() const;
	void boot_all();
	void shutdown_all();
	void service_crashes();
	void service_control();
	void control_close(remote &r);
	static int control_rx(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
			      void *priv);

	/* The mailbox, as the host's driver programs it. */
	/* Mailbox @m's register at @offset, through the host's bus. */
	uint32_t mbox_read(unsigned m, uint32_t offset);
	void mbox_write(unsigned m, uint32_t offset, uint32_t value);
	unsigned host_user(unsigned m) const;
	bool bus_access(uint64_t addr, uint32_t &value, bool write);
	void send_message(remote &r, uint32_t msg);
	void flush_queue(remote &r);
	void handle_mailbox(unsigned m);
	void handle_message(remote &r, uint32_t msg);
	void crash(remote &r, enum amp_rproc_crash_type type, const std::string &why);
	remote *remote_of(struct amp_rpmsg_link *link) const;
	std::string link_name(struct amp_rpmsg_link *link) const;

	/* remoteproc platform operations (ctx: struct remote). */
	static int op_start(void *ctx, struct amp_rproc *rproc, uint64_t entry);
	static int op_stop(void *ctx, struct amp_rproc *rproc);
	static void op_kick(void *ctx, struct amp_rproc *rproc, uint32_t notifyid);
	static int op_coredump_fd(void *ctx, struct amp_rproc *rproc);
	/* rpmsg platform operations (ctx: the host). */
	static int op_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms);
	static void op_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev,
			     uint32_t a, uint32_t b);

	const ampsim_board &board_;
	const host_options opts_;
	run_log &log_;
	platform *platform_ = nullptr;
	std::vector<std::unique_ptr<remote>> remotes_;
	struct amp_rproc_registry registry_ = {};
	struct amp_rpmsg_node node_ = {};
	service_drivers drivers_;
	sc_core::sc_event progress_, attention_;
	sc_core::sc_event_or_list irq_events_;
	unsigned trouble_ = 0, cycles_done_ = 0;
	bool finished_ = false, stopping_ = false, stop_requested_ = false;
	sc_core::sc_event stop_event_;
};

} // namespace ampsim

#endif
