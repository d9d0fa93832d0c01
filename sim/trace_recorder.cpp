// SPDX-License-Identifier: BSD-3-Clause
/* Recording a board's wire-level trace (trace_recorder.h). */
#include "trace_recorder.h"

#include <cerrno>
#include <cstring>

#include <systemc>

#include "platform.h"

namespace ampsim
{

namespace
{

constexpr unsigned HOST_INITIATOR = 0;

uint64_t now_ps()
{
	/* Exact to 2^53 ps (about 2.5 hours of simulated time). */
	return static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5);
}

/* A memory is traced in the cores' views when the wire lives there: the pool remoteproc
 * allocates vrings and buffers from, or a block two cores share. */
bool shared_memory(const ampsim_board_memory &m)
{
	return m.has_host && (m.pool || m.num_views > 1);
}

} // namespace

const struct amp_io_ops trace_recorder::host_io_ops = {
	.write = trace_recorder::host_write,
	.barrier = trace_recorder::host_barrier,
};

trace_recorder::trace_recorder(const ampsim_board &board, run_log &log) : board_(board), log_(log)
{
}

trace_recorder::~trace_recorder()
{
	if (file_)
		std::fclose(file_);
}

bool trace_recorder::open(const std::string &path, enum amptrace_format format, std::string &why)
{
	unsigned region = 0;
	bool ok;

	file_ = std::fopen(path.c_str(), "wb");
	if (!file_) {
		why = path + ": " + std::strerror(errno);
		return false;
	}
	ok = !amptrace_writer_open(&writer_, file_, format) &&
	     !amptrace_define_initiator(&writer_, HOST_INITIATOR, AMPTRACE_HOST, board_.host_name);
	for (unsigned i = 0; ok && i < board_.num_cores; i++)
		ok = !amptrace_define_initiator(&writer_, 1 + i, AMPTRACE_CORE,
						board_.cores[i].name);
	/* Regions: the memories, then the mailboxes the host reaches, in board order. */
	for (unsigned m = 0; ok && m < board_.num_memories; m++) {
		const ampsim_board_memory &d = board_.memories[m];

		memory_region_.push_back(d.has_host ? static_cast<int>(region) : -1);
		if (d.has_host)
			ok = !amptrace_define_region(&writer_, region++, d.name, d.host_base,
						     d.size);
	}
	for (unsigned m = 0; ok && m < board_.num_mailboxes; m++) {
		const ampsim_board_mailbox &d = board_.mailboxes[m];

		mailbox_region_.push_back(d.has_host ? static_cast<int>(region) : -1);
		if (d.has_host)
			ok = !amptrace_define_region(&writer_, region++, d.name, d.host_base,
						     AMPSIM_BOARD_PAGE_SIZE);
	}
	/* Where each core sees each region: the addresses it writes into shared memory. */
	for (unsigned m = 0; ok && m < board_.num_memories; m++)
		for (unsigned v = 0;
		     ok && v < board_.memories[m].num_views && memory_region_[m] >= 0; v++)
			ok = !amptrace_define_view(&writer_, memory_region_[m],
						   1 + board_.memories[m].views[v].core,
						   board_.memories[m].views[v].base);
	for (unsigned m = 0; ok && m < board_.num_mailboxes; m++)
		for (unsigned v = 0;
		     ok && v < board_.mailboxes[m].num_views && mailbox_region_[m] >= 0; v++)
			ok = !amptrace_define_view(&writer_, mailbox_region_[m],
						   1 + board_.mailboxes[m].views[v].core,
						   board_.mailboxes[m].views[v].base);
	if (!ok)
		why = path + ": " + writer_.error;
	return ok;
}

void trace_recorder::attach(platform &p)
{
	for (unsigned m = 0; m < board_.num_memories; m++)
		if (memory_region_[m] >= 0)
			memories_.push_back({p.ram(m).data(), board_.memories[m].size,
					     board_.memories[m].host_base,
					     static_cast<unsigned>(memory_region_[m])});
	for (unsigned i = 0; i < board_.num_cores; i++) {
		cortex_m &cpu = *p.core(i).cpu;
		const unsigned initiator = 1 + i;
		std::vector<core_window> shared;

		core_names_.push_back(std::string(cpu.name()) + ".");
		for (unsigned m = 0; m < board_.num_memories; m++) {
			const ampsim_board_memory &d = board_.memories[m];

			for (unsigned v = 0; v < d.num_views && shared_memory(d); v++)
				if (d.views[v].core == static_cast<int>(i)) {
					shared.push_back(
						{d.views[v].base, d.size, d.host_base,
						 static_cast<unsigned>(memory_region_[m])});
					cpu.observe_stores(d.views[v].base, d.size);
				}
		}
		cpu.on_barrier = [this, initiator](unsigned kind) { barrier(initiator, kind); };
		/* The core's view address back to the host's: only the observed windows store. */
		cpu.on_store = [this, initiator, shared](uint64_t addr, unsigned size,
							 uint64_t value) {
			uint8_t bytes[8];

			for (const core_window &w : shared) {
				if (addr < w.base || addr - w.base >= w.size)
					continue;
				for (unsigned b = 0; b < size && b < 8; b++)
					bytes[b] = static_cast<uint8_t>(value >> (8 * b));
				store(initiator, w.host_base + (addr - w.base), w.region, bytes,
				      size < 8 ? size : 8);
				return;
			}
		};
	}
	for (unsigned m = 0; m < board_.num_mailboxes; m++) {
		if (mailbox_region_[m] < 0)
			continue;
		p.mbox(m).tap = [this, m](const mailbox::event &e) {
			mailbox_event(m, static_cast<unsigned>(e.what), e.index, e.value);
		};
	}
}

unsigned trace_recorder::current_initiator() const
{
	const char *process = sc_core::sc_get_current_process_handle().name();

	for (unsigned i = 0; i < core_names_.size(); i++)
		if (process &&
		    !std::strncmp(process, core_names_[i].c_str(), core_names_[i].size()))
			return 1 + i;
	return HOST_INITIATOR;
}

void trace_recorder::event(struct amptrace_event &ev)
{
	if (failed_)
		return;
	ev.time_ps = now_ps();
	if (amptrace_write(&writer_, &ev)) {
		failed_ = true;
		log_.print(log_level::error, "trace", "recording stopped: %s", writer_.error);
	}
}

void trace_recorder::store(unsigned initiator, uint64_t host_addr, unsigned region,
			   const void *bytes, size_t len)
{
	const uint8_t *p = static_cast<const uint8_t *>(bytes);

	/* Larger copies are several events of at most AMPTRACE_MAX_STORE bytes. */
	while (len) {
		struct amptrace_event ev = {};
		size_t n = len < AMPTRACE_MAX_STORE ? len : AMPTRACE_MAX_STORE;

		ev.kind = AMPTRACE_STORE;
		ev.initiator = static_cast<uint16_t>(initiator);
		ev.region = static_cast<uint16_t>(region);
		ev.addr = host_addr;
		ev.size = static_cast<uint32_t>(n);
		ev.bytes = p;
		event(ev);
		host_addr += n;
		p += n;
		len -= n;
	}
}

void trace_recorder::barrier(unsigned initiator, unsigned kind)
{
	struct amptrace_event ev = {};

	ev.kind = AMPTRACE_BARRIER;
	ev.initiator = static_cast<uint16_t>(initiator);
	ev.barrier = static_cast<uint8_t>(kind);
	event(ev);
}

void trace_recorder::mailbox_event(unsigned m, unsigned kind, unsigned index, uint32_t value)
{
	const ampsim_board_mailbox &d = board_.mailboxes[m];
	struct amptrace_event ev = {};

	ev.region = static_cast<uint16_t>(mailbox_region_[m]);
	if (kind == static_cast<unsigned>(mailbox::event::kind::irq)) {
		const ampsim_board_irq *wire = nullptr;

		for (unsigned k = 0; k < d.num_irqs; k++)
			if (d.irqs[k].user == index)
				wire = &d.irqs[k];
		if (!wire)
			return; /* a line nobody listens to */
		ev.kind = AMPTRACE_IRQ;
		ev.initiator = static_cast<uint16_t>(
			wire->core == AMPSIM_BOARD_HOST ? HOST_INITIATOR : 1u + wire->core);
		ev.line = static_cast<uint8_t>(index);
		ev.level = static_cast<uint8_t>(value);
	} else {
		ev.kind = kind == static_cast<unsigned>(mailbox::event::kind::message_written)
				  ? AMPTRACE_MBOX_WRITE
				  : AMPTRACE_MBOX_READ;
		ev.initiator = static_cast<uint16_t>(current_initiator());
		ev.fifo = static_cast<uint8_t>(index);
		ev.value = value;
	}
	event(ev);
}

void trace_recorder::host_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	trace_recorder &t = *static_cast<trace_recorder *>(ctx);
	const uint8_t *at = const_cast<const uint8_t *>(static_cast<volatile uint8_t *>(dst));

	amp_io_native_write(dst, src, len);
	for (const memory_range &m : t.memories_) {
		if (m.data && at >= m.data && static_cast<uint64_t>(at - m.data) < m.size) {
			t.store(HOST_INITIATOR, m.host_base + static_cast<uint64_t>(at - m.data),
				m.region, src, len);
			return;
		}
	}
	if (!t.failed_) {
		t.failed_ = true;
		t.log_.print(log_level::error, "trace",
			     "a host store outside every memory; recording stopped");
	}
}

void trace_recorder::host_barrier(void *ctx, enum amp_barrier kind)
{
	amp_io_native_barrier(kind);
	static_cast<trace_recorder *>(ctx)->barrier(HOST_INITIATOR, static_cast<unsigned>(kind));
}

bool trace_recorder::close()
{
	bool ok = !failed_;

	if (!file_)
		return ok;
	if (amptrace_writer_close(&writer_)) {
		log_.print(log_level::error, "trace", "%s", writer_.error);
		ok = false;
	}
	if (std::fclose(file_)) {
		log_.print(log_level::error, "trace", "closing the trace: %s",
			   std::strerror(errno));
		ok = false;
	}
	file_ = nullptr;
	return ok;
}

} // namespace ampsim
