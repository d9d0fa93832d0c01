// SPDX-License-Identifier: BSD-3-Clause
/* The host core: remoteproc, the rpmsg driver role and the mailbox driver (host.h). */
#include "host.h"
#include "host_remote.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>

#include "amp/error.h"
#include "platform.h"

using namespace sc_core;

namespace ampsim
{

namespace
{

/* TI/OMAP remoteproc mailbox messages (Linux drivers/remoteproc/omap_remoteproc.h). */
constexpr uint32_t RP_MBOX_READY = 0xffffff00u;
constexpr uint32_t RP_MBOX_CRASH = 0xffffff02u;
constexpr uint32_t RP_MBOX_ECHO_REQUEST = 0xffffff03u;
constexpr uint32_t RP_MBOX_ECHO_REPLY = 0xffffff04u;
/* The end of the control range; 0xffffff06..0xffffff13 are the suspend messages. */
constexpr uint32_t RP_MBOX_END_MSG = 0xffffff14u;
/* Linux's mailbox framework queues this many messages per channel (MBOX_TX_QUEUE_LEN). */
constexpr size_t TX_QUEUE_LEN = 20;
/* FIFOSTATUS bit 0: the FIFO is full. */
constexpr uint32_t FIFO_FULL = 1u;
/* ELF e_machine of ARM (the remote cores' images). */
constexpr uint16_t EM_ARM_MACHINE = 40;
/* How long a blocked sender sleeps before it looks at the ring again, unless woken first. */
const sc_time SEND_WAIT_SLICE(1, SC_MS);
/* A mailbox interrupt still high after it was served is not ours to clear: look again after
 * this long rather than spinning at one simulated instant. */
const sc_time STUCK_IRQ_BACKOFF(1, SC_US);

double wall_now()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
		.count();
}

uint32_t fifo_reg(uint32_t base, unsigned fifo)
{
	return base + 4u * fifo;
}

uint32_t user_reg(unsigned user, uint32_t reg)
{
	return mailbox::IRQ_BASE + mailbox::IRQ_STRIDE * user + reg;
}

const char *crash_name(enum amp_rproc_crash_type type)
{
	switch (type) {
	case AMP_RPROC_MMUFAULT:
		return "mmufault";
	case AMP_RPROC_WATCHDOG:
		return "watchdog";
	default:
		return "fatal error";
	}
}

} // namespace

host_cpu::host_cpu(const sc_module_name &name, const ampsim_board &board,
		   const std::vector<std::vector<char>> &images,
		   const std::vector<std::string> &image_names, const host_options &opts,
		   run_log &log)
    : sc_module(name), bus("bus"), irq("irq", board.num_mailboxes), board_(board), opts_(opts),
      log_(log),
      drivers_(log, opts.dialogue, [this](struct amp_rpmsg_link *link) { return link_name(link); })
{
	static const struct amp_rpmsg_platform_ops rpmsg_ops = {
		.lock = nullptr,
		.unlock = nullptr,
		.wait = op_wait,
		.wake = nullptr,
		.event = op_event,
	};

	for (unsigned i = 0; i < board.num_cores; i++) {
		auto r = std::make_unique<remote>();

		r->host = this;
		r->index = i;
		r->name = board.cores[i].name;
		r->image = &images[i];
		r->image_name = image_names[i];
		if (board.cores[i].kick.present) {
			r->kick = &board.cores[i].kick;
			r->mbox_base = board.mailboxes[r->kick->mailbox].host_base;
		}
		remotes_.push_back(std::move(r));
	}
	amp_rpmsg_node_init(&node_, &rpmsg_ops, this);
	if (drivers_.register_all(&node_))
		throw std::runtime_error("cannot register the host's rpmsg drivers");
	drivers_.on_progress = [this] { progress_.notify(); };
	SC_THREAD(main_thread);
	SC_THREAD(irq_thread);
}

host_cpu::~host_cpu()
{
	for (auto &r : remotes_)
		if (r->rproc) {
			if (amp_rproc_state(r->rproc) != AMP_RPROC_OFFLINE)
				(void)amp_rproc_shutdown(r->rproc);
			(void)amp_rproc_put(r->rproc);
		}
}

void host_cpu::attach(platform &p)
{
	static const struct amp_rproc_ops rproc_ops = {
		.start = op_start,
		.stop = op_stop,
		.kick = op_kick,
		.handle_rsc = nullptr,
		.attach = nullptr,
		.loaded_rsc_table = nullptr,
		.coredump_fd = op_coredump_fd,
	};

	platform_ = &p;
	for (auto &rp : remotes_) {
		remote &r = *rp;
		struct amp_rproc_config cfg = {};
		int err;

		r.hw = &p.core(r.index);
		/* What remoteproc reaches: every memory the host and this core both see. */
		for (unsigned m = 0; m < board_.num_memories; m++) {
			const ampsim_board_memory &d = board_.memories[m];

			for (unsigned v = 0; v < d.num_views && d.has_host; v++)
				if (d.views[v].core == static_cast<int>(r.index))
					r.mem.push_back({d.views[v].base, d.host_base,
							 p.ram(m).data(),
							 static_cast<size_t>(d.size),
							 d.pool ? AMP_RPROC_MEM_POOL : 0u});
		}
		cfg.name = r.name.c_str();
		cfg.ops = &rproc_ops;
		cfg.ctx = &r;
		cfg.mem = r.mem.data();
		cfg.mem_count = r.mem.size();
		cfg.machine = EM_ARM_MACHINE;
		cfg.elf_class = 32;
		cfg.order = AMP_LITTLE_ENDIAN;
		cfg.firmware = r.image->data();
		cfg.firmware_size = r.image->size();
		cfg.node = r.kick ? &node_ : nullptr;
		cfg.io_ops = opts_.io_ops;
		cfg.io_ctx = opts_.io_ctx;
		err = amp_rproc_create(&registry_, &cfg, &r.rproc);
		if (err)
			throw std::runtime_error("core '" + r.name +
						 "': remoteproc refused it: " + amp_strerror(err));
		amp_rproc_set_recovery(r.rproc, opts_.recovery);
		r.hw->cpu->on_fault = [this, &r](cortex_m::fault_kind kind,
						 const std::string &text) {
			crash(r,
			      kind == cortex_m::fault_kind::memory ? AMP_RPROC_MMUFAULT
								   : AMP_RPROC_FATAL_ERROR,
			      text);
		};
		r.hw->cpu->on_reset_request = [this, &r] {
			log_.print(log_level::info, "host",
				   "%s: the firmware requested a system reset", r.name.c_str());
		};
		if (r.hw->wdt)
			r.hw->wdt->on_expiry(
				[this, &r] { crash(r, AMP_RPROC_WATCHDOG, "watchdog expired"); });
		if (r.hw->console)
			r.hw->console->on_line([this, &r](const std::string &line) {
				log_.console(r.name, line);
			});
	}
}

/* ------------------------------------------------------------------ the mailbox driver */

bool host_cpu::bus_access(uint64_t addr, uint32_t &value, bool write)
{
	tlm::tlm_generic_payload tx;
	sc_time delay = SC_ZERO_TIME;

	tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
	tx.set_address(addr);
	tx.set_data_ptr(reinterpret_cast<unsigned char *>(&value));
	tx.set_data_length(4);
	tx.set_streaming_width(4);
	tx.set_byte_enable_ptr(nullptr);
	tx.set_dmi_allowed(false);
	tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	/* The host's code takes no simulated time (host.h): the delay is not waited. */
	bus->b_transport(tx, delay);
	return tx.is_response_ok();
}

uint32_t host_cpu::mbox_read(unsigned m, uint32_t offset)
{
	uint32_t value = 0;

	if (!bus_access(board_.mailboxes[m].host_base + offset, value, false)) {
		log_.print(log_level::error, "host", "mailbox %s: read at +%#x failed",
			   board_.mailboxes[m].name, offset);
		trouble_++;
	}
	return value;
}

void host_cpu::mbox_write(unsigned m, uint32_t offset, uint32_t value)
{
	if (!bus_access(board_.mailboxes[m].host_base + offset, value, true)) {
		log_.print(log_level::error, "host", "mailbox %s: write at +%#x failed",
			   board_.mailboxes[m].name, offset);
		trouble_++;
	}
}

void host_cpu::send_message(remote &r, uint32_t msg)
{
	if (log_.enabled(log_level::debug))
		log_.print(log_level::debug, "host", "%s: mailbox: send %#x", r.name.c_str(), msg);
	if (r.txq.empty() &&
	    !(mbox_read(r.kick->mailbox, fifo_reg(mailbox::FIFOSTATUS, r.kick->host_to_core)) &
	      FIFO_FULL)) {
		mbox_write(r.kick->mailbox, fifo_reg(mailbox::MESSAGE, r.kick->host_to_core), msg);
		r.kicks_to++;
		return;
	}
	if (r.txq.size() >= TX_QUEUE_LEN) {
		/* Linux: mbox_send_message() fails with -ENOBUFS and the kick is lost. The
		 * remote is not draining its FIFO, which still holds four kicks for it. */
		if (!r.dropped++)
			log_.print(log_level::warn, "host",
				   "%s: mailbox full and %zu messages queued; dropping %#x",
				   r.name.c_str(), r.txq.size(), msg);
		return;
	}
	r.txq.push_back(msg);
	mbox_write(r.kick->mailbox, user_reg(r.kick->host_user, mailbox::IRQENABLE),
		   mailbox::notfull(r.kick->host_to_core));
}

void host_cpu::flush_queue(remote &r)
{
	while (!r.txq.empty() &&
	       !(mbox_read(r.kick->mailbox, fifo_reg(mailbox::FIFOSTATUS, r.kick->host_to_core)) &
		 FIFO_FULL)) {
		mbox_write(r.kick->mailbox, fifo_reg(mailbox::MESSAGE, r.kick->host_to_core),
			   r.txq.front());
		r.txq.pop_front();
		r.kicks_to++;
	}
	if (r.txq.empty())
		mbox_write(r.kick->mailbox, user_reg(r.kick->host_user, mailbox::IRQENABLE_CLR),
			   mailbox::notfull(r.kick->host_to_core));
}

void host_cpu::handle_message(remote &r, uint32_t msg)
{
	enum amp_rproc_state st;
	unsigned vdevs = 0;
	int n;

	r.kicks_from++;
	if (log_.enabled(log_level::debug))
		log_.print(log_level::debug, "host", "%s: mailbox: received %#x", r.name.c_str(),
			   msg);
	switch (msg) {
	case RP_MBOX_CRASH:
		log_.print(log_level::info, "host", "omap-rproc %s: omap rproc %s crashed",
			   r.name.c_str(), r.name.c_str());
		crash(r, AMP_RPROC_FATAL_ERROR, "the remote reported RP_MBOX_CRASH");
		return;
	case RP_MBOX_ECHO_REPLY:
		log_.print(log_level::info, "host", "omap-rproc %s: received echo reply from %s",
			   r.name.c_str(), r.name.c_str());
		return;
	default:
		break;
	}
	if (msg >= RP_MBOX_READY && msg < RP_MBOX_END_MSG)
		return; /* the other control messages: Linux ignores them too */
	st = amp_rproc_state(r.rproc);
	if (st != AMP_RPROC_RUNNING && st != AMP_RPROC_ATTACHED)
		return; /* a kick the remote sent before it stopped */
	/* remoteproc numbers the rings of its rpmsg devices 0, 1, 2, ... */
	while (amp_rproc_link(r.rproc, vdevs))
		vdevs++;
	if (msg >= 2 * vdevs) {
		log_.print(log_level::warn, "host", "omap-rproc %s: dropping unknown message %#x",
			   r.name.c_str(), msg);
		trouble_++;
		return;
	}
	n = amp_rproc_interrupt(r.rproc, msg);
	if (n < 0) {
		log_.print(log_level::warn, "host", "%s: rpmsg receive on vq %u failed: %s",
			   r.name.c_str(), msg, amp_strerror(n));
		trouble_++;
	}
}

void host_cpu::handle_mailbox(unsigned m)
{
	const ampsim_board_mailbox &mb = board_.mailboxes[m];
	const unsigned user = host_user(m);
	uint32_t status = mbox_read(m, user_reg(user, mailbox::IRQSTATUS)), owned = 0;

	for (auto &rp : remotes_) {
		remote &r = *rp;

		if (!r.kick || r.kick->mailbox != static_cast<int>(m))
			continue;
		owned |= mailbox::newmsg(r.kick->core_to_host) |
			 mailbox::notfull(r.kick->host_to_core);
		if (status & mailbox::newmsg(r.kick->core_to_host)) {
			/* At most a FIFO's worth per pass: a remote refilling it as fast as we read
			 * cannot keep the host here at one instant. */
			for (unsigned k = 0;
			     k < mb.depth &&
			     mbox_read(m, fifo_reg(mailbox::MSGSTATUS, r.kick->core_to_host));
			     k++)
				handle_message(r, mbox_read(m, fifo_reg(mailbox::MESSAGE,
									r.kick->core_to_host)));
		}
		if (status & mailbox::notfull(r.kick->host_to_core))
			flush_queue(r);
	}
	if (status & ~owned) {
		/* Someone enabled events for the host's user that the host does not serve (on a
		 * mailbox no remote kicks through, every event is such). */
		log_.print(log_level::warn, "host",
			   "mailbox %s: events %#x enabled for the host's user %u by a guest; "
			   "disabled",
			   mb.name, status & ~owned, user);
		mbox_write(m, user_reg(user, mailbox::IRQENABLE_CLR), status & ~owned);
		trouble_++;
	}
	mbox_write(m, user_reg(user, mailbox::IRQSTATUS), status);
}

unsigned host_cpu::host_user(unsigned m) const
{
	const ampsim_board_mailbox &mb = board_.mailboxes[m];

	/* The first user wired to the host is the host's (the platform binds that one). */
	for (unsigned k = 0; k < mb.num_irqs; k++)
		if (mb.irqs[k].core == AMPSIM_BOARD_HOST)
			return mb.irqs[k].user;
	return 0; /* unreachable: a mailbox without a host user has its host line bound low */
}

/* ------------------------------------------------------------------ remoteproc operations */

int host_cpu::op_start(void *ctx, struct amp_rproc *rproc, uint64_t entry)
{
	remote &r = *static_cast<remote *>(ctx);

	(void)rproc;
	(void)entry; /* an M-profile core boots from its vector table, not from e_entry */
	if (r.hw->wdt)
		r.hw->wdt->reset();
	r.announced = false;
	/* omap_rproc_start(): ping the remote before releasing it ("only for sanity sake"). */
	if (r.kick)
		r.host->send_message(r, RP_MBOX_ECHO_REQUEST);
	r.hw->cpu->start();
	return 0;
}

int host_cpu::op_stop(void *ctx, struct amp_rproc *rproc)
{
	remote &r = *static_cast<remote *>(ctx);

	(void)rproc;
	r.hw->cpu->halt();
	if (r.hw->wdt)
		r.hw->wdt->reset();
	if (r.hw->console)
		r.hw->console->flush();
	r.txq.clear();
	return 0;
}

void host_cpu::op_kick(void *ctx, struct amp_rproc *rproc, uint32_t notifyid)
{
	remote &r = *static_cast<remote *>(ctx);

	(void)rproc;
	if (r.kick)
		r.host->send_message(r, notifyid);
}

int host_cpu::op_coredump_fd(void *ctx, struct amp_rproc *rproc)
{
	remote &r = *static_cast<remote *>(ctx);
	host_cpu &h = *r.host;
	std::string path;
	int fd;

	(void)rproc;
	if (h.opts_.coredump_dir.empty())
		return -1;
	path = h.opts_.coredump_dir + "/" + r.name + "-crash" + std::to_string(++r.dumps) + ".core";
	fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		h.log_.print(log_level::error, "host", "%s: cannot write %s: %s", r.name.c_str(),
			     path.c_str(), std::strerror(errno));
	else
		h.log_.print(log_level::info, "host", "%s: core dump written to %s", r.name.c_str(),
			     path.c_str());
	return fd;
}

/* ------------------------------------------------------------------ rpmsg operations */

int host_cpu::op_wait(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms)
{
	host_cpu &h = *static_cast<host_cpu *>(ctx);
	sc_time start = sc_time_stamp();
	sc_event_or_list wake;
	uint64_t elapsed_ms;

	(void)link;
	/* Any mailbox interrupt may mean buffers came back; the sender looks again either way. */
	for (unsigned m = 0; m < h.board_.num_mailboxes; m++)
		wake |= h.irq[m]->value_changed_event();
	wake |= h.attention_;
	sc_core::wait(SEND_WAIT_SLICE, wake);
	/* Rounded up: every wake-up uses at least a millisecond of the timeout, so a sender
	 * woken often still gives up in the end. */
	elapsed_ms = static_cast<uint64_t>((sc_time_stamp() - start).to_seconds() * 1e3 + 0.999999);
	if (elapsed_ms == 0)
		elapsed_ms = 1;
	if (elapsed_ms >= *timeout_ms) {
		*timeout_ms = 0;
		return -AMP_ETIMEDOUT;
	}
	*timeout_ms -= static_cast<uint32_t>(elapsed_ms);
	return 0;
}

void host_cpu::op_event(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
			uint32_t b)
{
	host_cpu &h = *static_cast<host_cpu *>(ctx);
	remote *r = h.remote_of(link);
	std::string who = h.link_name(link);
	struct amp_rpmsg_channel *ch;

	switch (ev) {
	case AMP_RPMSG_EV_LINK_UP:
		h.log_.print(log_level::info, "host", "virtio_rpmsg_bus %s: rpmsg host is online",
			     who.c_str());
		return;
	case AMP_RPMSG_EV_LINK_DOWN:
		h.log_.print(log_level::info, "host", "virtio_rpmsg_bus %s: link down",
			     who.c_str());
		return;
	case AMP_RPMSG_EV_CHANNEL_CREATED:
	case AMP_RPMSG_EV_CHANNEL_DESTROYED:
		ch = amp_rpmsg_channel_find(link, nullptr, a);
		h.log_.print(log_level::info, "host",
			     "virtio_rpmsg_bus %s: %s channel %s addr 0x%x", who.c_str(),
			     ev == AMP_RPMSG_EV_CHANNEL_CREATED ? "creating" : "destroying",
			     ch ? amp_rpmsg_channel_name(ch) : "?", a);
		if (r && ev == AMP_RPMSG_EV_CHANNEL_DESTROYED) {
			auto &now = r->channels_now;

			for (auto it = now.begin(); it != now.end(); ++it)
				if (it->addr == a) {
					now.erase(it);
					break;
				}
		}
		if (ev == AMP_RPMSG_EV_CHANNEL_CREATED && r) {
			r->channels_now.push_back(
				{r->name, ch ? amp_rpmsg_channel_name(ch) : "?", a});
			r->channels++;
			r->announced = true;
			if (r->bringup < 0)
				r->bringup = wall_now() - r->boot_wall;
			h.progress_.notify();
		}
		return;
	case AMP_RPMSG_EV_RING_FAULT:
		h.log_.print(log_level::warn, "host", "virtio_rpmsg_bus %s: %s: %s, %s ring",
			     who.c_str(), amp_rpmsg_event_name(ev),
			     amp_vring_fault_name(static_cast<enum amp_vring_fault>(a)),
			     b ? "transmit" : "receive");
		h.trouble_++;
		return;
	case AMP_RPMSG_EV_BAD_MESSAGE:
		h.log_.print(log_level::warn, "host", "virtio_rpmsg_bus %s: %s: %s (to 0x%x)",
			     who.c_str(), amp_rpmsg_event_name(ev),
			     amp_rpmsg_defect_name(static_cast<enum amp_rpmsg_defect>(a)), b);
		h.trouble_++;
		return;
	case AMP_RPMSG_EV_PROBE_FAILED:
		h.log_.print(log_level::warn, "host", "virtio_rpmsg_bus %s: %s (%d)", who.c_str(),
			     amp_rpmsg_event_name(ev), -static_cast<int>(a));
		h.trouble_++;
		return;
	default:
		h.log_.print(log_level::warn, "host", "virtio_rpmsg_bus %s: %s (%#x, %#x)",
			     who.c_str(), amp_rpmsg_event_name(ev), a, b);
		h.trouble_++;
		return;
	}
}

host_cpu::remote *host_cpu::remote_of(struct amp_rpmsg_link *link) const
{
	for (const auto &r : remotes_) {
		struct amp_rpmsg_link *l;

		for (unsigned i = 0; r->rproc && (l = amp_rproc_link(r->rproc, i)); i++)
			if (l == link)
				return r.get();
	}
	return nullptr;
}

std::string host_cpu::link_name(struct amp_rpmsg_link *link) const
{
	remote *r = remote_of(link);

	return r ? r->name : std::string("?");
}

/* ------------------------------------------------------------------ crashes */

void host_cpu::crash(remote &r, enum amp_rproc_crash_type type, const std::string &why)
{
	if (stopping_)
		return;
	log_.print(log_level::info, "host", "remoteproc %s: crash detected in %s: type %s (%s)",
		   r.name.c_str(), r.name.c_str(), crash_name(type), why.c_str());
	amp_rproc_report_crash(r.rproc, type);
	r.crash_reported = true;
	attention_.notify();
}

void host_cpu::service_crashes()
{
	for (auto &rp : remotes_) {
		remote &r = *rp;
		uint32_t before = amp_rproc_crash_count(r.rproc);
		int err;

		if (!r.crash_reported)
			continue;
		r.crash_reported = false;
		if (opts_.recovery && before + 1 >= opts_.max_crashes &&
		    amp_rproc_state(r.rproc) == AMP_RPROC_RUNNING) {
			log_.print(log_level::error, "host",
				   "remoteproc %s: %u crashes; recovery disabled for it",
				   r.name.c_str(), before + 1);
			amp_rproc_set_recovery(r.rproc, false);
		}
		if (amp_rproc_state(r.rproc) == AMP_RPROC_RUNNING)
			log_.print(log_level::info, "host",
				   "remoteproc %s: handling crash #%u in %s", r.name.c_str(),
				   before + 1, r.name.c_str());
		control_close(r); /* remoteproc removes the link: no endpoint of ours on it */
		err = amp_rproc_service(r.rproc);
		if (amp_rproc_crash_count(r.rproc) == before)
			continue; /* already crashed, or stopped: remoteproc ignores it */
		if (err)
			log_.print(log_level::error, "host", "remoteproc %s: recovery failed: %s",
				   r.name.c_str(), amp_strerror(err));
		else if (amp_rproc_state(r.rproc) == AMP_RPROC_RUNNING)
			log_.print(log_level::info, "host",
				   "remoteproc %s: recovered; remote processor %s is now up",
				   r.name.c_str(), r.name.c_str());
		else
			log_.print(log_level::info, "host",
				   "remoteproc %s: recovery disabled; %s stays crashed",
				   r.name.c_str(), r.name.c_str());
		progress_.notify();
	}
}

/* ------------------------------------------------------------------ the threads */

bool host_cpu::settled(const remote &r) const
{
	enum amp_rproc_state st = amp_rproc_state(r.rproc);

	if (!r.boot_error.empty() || st == AMP_RPROC_CRASHED)
		return true;
	if (r.crash_reported || st != AMP_RPROC_RUNNING)
		return false;
	if (amp_rproc_link(r.rproc, 0) && !r.announced)
		return false;
	return !drivers_.busy(r.name);
}

bool host_cpu::all_settled() const
{
	for (const auto &r : remotes_)
		if (!settled(*r))
			return false;
	return true;
}

void host_cpu::boot_all()
{
	/* The host takes the events it serves: NEWMSG of every FIFO a core sends on. */
	for (auto &rp : remotes_) {
		remote &r = *rp;

		if (r.kick)
			mbox_write(r.kick->mailbox, user_reg(r.kick->host_user, mailbox::IRQENABLE),
				   mailbox::newmsg(r.kick->core_to_host));
	}
	for (auto &rp : remotes_) {
		remote &r = *rp;
		char why[AMP_RPROC_WHY_SIZE] = "";
		int err;

		log_.print(log_level::info, "host", "remoteproc %s: powering up %s", r.name.c_str(),
			   r.name.c_str());
		log_.print(log_level::info, "host", "remoteproc %s: Booting fw image %s, size %zu",
			   r.name.c_str(), r.image_name.c_str(), r.image->size());
		if (r.boot_wall < 0)
			r.boot_wall = wall_now();
		err = amp_rproc_boot(r.rproc, why);
		if (err) {
			r.boot_error = why[0] ? why : amp_strerror(err);
			log_.print(log_level::error, "host", "remoteproc %s: Boot failed: %s",
				   r.name.c_str(), r.boot_error.c_str());
			continue;
		}
		log_.print(log_level::info, "host", "remoteproc %s: remote processor %s is now up",
			   r.name.c_str(), r.name.c_str());
	}
}

void host_cpu::shutdown_all()
{
	for (auto &rp : remotes_) {
		remote &r = *rp;

		r.final_state = amp_rproc_state_name(amp_rproc_state(r.rproc));
		if (amp_rproc_state(r.rproc) == AMP_RPROC_OFFLINE)
			continue;
		control_close(r);
		(void)amp_rproc_shutdown(r.rproc);
		log_.print(log_level::info, "host", "remoteproc %s: stopped remote processor %s",
			   r.name.c_str(), r.name.c_str());
	}
}

void host_cpu::main_thread()
{
	for (unsigned cycle = 1; cycle <= opts_.cycles; cycle++) {
		if (opts_.cycles > 1) {
			log_.print(log_level::info, "host", "boot cycle %u of %u", cycle,
				   opts_.cycles);
			drivers_.new_session();
		}
		boot_all();
		attention_.notify(); /* a crash during boot waits for the host thread */
		/* Under a control channel the run lasts until it says stop. */
		while (opts_.controlled && !stop_requested_)
			wait(stop_event_);
		while (!opts_.controlled && !(finished_ = all_settled())) {
			if (sc_time_stamp() >= opts_.until)
				break;
			wait(opts_.until - sc_time_stamp(), progress_);
		}
		if (opts_.controlled)
			finished_ = all_settled();
		stopping_ = !finished_ || cycle == opts_.cycles;
		shutdown_all();
		if (!finished_)
			break;
		cycles_done_++;
		/* Kicks and crashes the stopped remotes left behind are not the next cycle's. */
		wait(SC_ZERO_TIME);
		for (auto &r : remotes_)
			r->crash_reported = false;
	}
	stopping_ = true;
	sc_stop();
}

void host_cpu::irq_thread()
{
	/* A member, not a local: this thread never returns, and its stack is never unwound. */
	for (unsigned m = 0; m < board_.num_mailboxes; m++)
		irq_events_ |= irq[m]->value_changed_event();
	irq_events_ |= attention_;
	for (;;) {
		bool served = false, still_high = false;

		for (unsigned m = 0; m < board_.num_mailboxes; m++) {
			if (irq[m]->read()) {
				handle_mailbox(m);
				served = true;
			}
		}
		if (!stopping_) {
			if (opts_.controlled)
				service_control();
			service_crashes();
		}
		for (unsigned m = 0; served && m < board_.num_mailboxes; m++)
			still_high |= irq[m]->read();
		if (still_high)
			wait(STUCK_IRQ_BACKOFF);
		else
			wait(irq_events_);
	}
}

std::vector<remote_result> host_cpu::results() const
{
	std::vector<remote_result> out;

	for (const auto &rp : remotes_) {
		const remote &r = *rp;
		remote_result res;

		res.name = r.name;
		res.state = !r.final_state.empty() ? r.final_state
			    : r.rproc              ? amp_rproc_state_name(amp_rproc_state(r.rproc))
						   : "none";
		res.crashes = r.rproc ? amp_rproc_crash_count(r.rproc) : 0;
		res.channels = r.channels;
		res.kicks_to = r.kicks_to;
		res.kicks_from = r.kicks_from;
		if (r.hw) {
			res.instructions = r.hw->cpu->instructions();
			res.emulation_seconds = r.hw->cpu->emulation_seconds();
		}
		res.bringup_wall_s = r.bringup;
		res.boot_error = r.boot_error;
		out.push_back(res);
	}
	return out;
}

} // namespace ampsim
