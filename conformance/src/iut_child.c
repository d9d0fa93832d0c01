// SPDX-License-Identifier: BSD-3-Clause
/*
 * The process that hosts a native IUT: it loads the library in a link namespace of its own,
 * serves the harness's commands (iut_wire.h) one at a time, and reports every store the IUT
 * makes into the shared window, in program order, with its bytes.
 *
 * How stores are seen: the window is mapped read-only in this process (the harness's own
 * mapping stays writable). A store faults; the handler saves a copy of the page, makes it
 * writable and sets the trap flag, so the store executes and the very next instruction traps;
 * the trap handler compares the page with its copy, reports the bytes that changed as one store
 * and write-protects the page again. A repeated string instruction (rep movs/stos: memcpy,
 * memset) traps after each iteration with its instruction pointer unchanged; its pages stay
 * open until it moves on, so it is reported as one store per page, not one per byte.
 * This needs x86-64 (the trap flag); elsewhere the child refuses to load an IUT.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "iut_wire.h"

#define PAGE_SIZE 4096u
/* Pages one instruction may have open at once: a rep movs of a 64 KiB buffer touches 17; more
 * are reported in parts (the pages open so far, then the rest). */
#define MAX_OPEN 32u
/* x86 EFLAGS.TF: trap after the next instruction. */
#define EFLAGS_TF 0x100u

/**
 * struct open_page - a page made writable for the store being stepped
 * @page: its first byte
 * @copy: its content before the store
 */
struct open_page {
	uint8_t *page;
	uint8_t copy[PAGE_SIZE];
};

/**
 * struct child - everything the child holds (one per process: the signal handlers reach it
 *	through the one static pointer below)
 * @iut: the library's description
 * @ctx: what &ampconf_iut_ops.attach returned
 * @host: the callbacks given to the IUT
 * @shm: the window
 * @shm_size: its bytes
 * @ev_fd: where messages go
 * @stepping: a store is being stepped
 * @rip: the instruction being stepped
 * @open: pages open for it
 * @nopen: entries of @open
 * @out: messages not written yet
 * @out_len: bytes of @out
 */
struct child {
	const struct ampconf_iut_ops *iut;
	void *ctx;
	struct ampconf_host host;
	uint8_t *shm;
	uint64_t shm_size;
	int ev_fd;
	bool stepping;
	greg_t rip;
	struct open_page open[MAX_OPEN];
	unsigned int nopen;
	uint8_t out[1u << 17];
	size_t out_len;
};

/* The signal handlers have no other way to their state. */
static struct child *self;

/* Write everything out, or die: a harness that stopped listening has nothing more to learn. */
static void flush(struct child *c)
{
	size_t done = 0;

	while (done < c->out_len) {
		ssize_t n = write(c->ev_fd, c->out + done, c->out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		done += (size_t)n;
	}
	c->out_len = 0;
}

/* Queue one message (async-signal-safe: the trap handler emits stores). */
static void emit(struct child *c, uint32_t type, const void *a, size_t alen, const void *b,
		 size_t blen)
{
	struct iut_wire_header h = {.type = type, .len = (uint32_t)(alen + blen)};

	if (alen + blen > IUT_WIRE_MAX_PAYLOAD)
		return;
	if (c->out_len + sizeof(h) + alen + blen > sizeof(c->out))
		flush(c);
	memcpy(c->out + c->out_len, &h, sizeof(h));
	c->out_len += sizeof(h);
	if (alen)
		memcpy(c->out + c->out_len, a, alen);
	c->out_len += alen;
	if (blen)
		memcpy(c->out + c->out_len, b, blen);
	c->out_len += blen;
}

/*
 * Die of @sig as if no handler were installed (the harness reports the signal). The handler
 * runs with @sig blocked: unblock it, or raise() would leave it pending and the process would
 * only exit.
 */
static void die_of(int sig)
{
	sigset_t set;

	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

/* Report what changed in each open page and close it again. */
static void close_pages(struct child *c)
{
	for (unsigned int i = 0; i < c->nopen; i++) {
		struct open_page *p = &c->open[i];
		size_t first = 0, last = PAGE_SIZE;

		while (first < PAGE_SIZE && p->page[first] == p->copy[first])
			first++;
		while (last > first && p->page[last - 1] == p->copy[last - 1])
			last--;
		if (first < last) {
			uint64_t off = (uint64_t)(p->page - c->shm) + first;

			emit(c, IUT_EV_STORE, &off, sizeof(off), p->page + first, last - first);
		}
		mprotect(p->page, PAGE_SIZE, PROT_READ);
	}
	c->nopen = 0;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct child *c = self;
	uint8_t *a = si->si_addr;

	if (!c || si->si_code != SEGV_ACCERR || a < c->shm || a >= c->shm + c->shm_size)
		die_of(sig);
	if (!c->stepping) {
		c->stepping = true;
		c->rip = uc->uc_mcontext.gregs[REG_RIP];
	}
	if (c->nopen == MAX_OPEN)
		close_pages(c);
	c->open[c->nopen].page = c->shm + ((uint64_t)(a - c->shm) & ~(uint64_t)(PAGE_SIZE - 1));
	memcpy(c->open[c->nopen].copy, c->open[c->nopen].page, PAGE_SIZE);
	if (mprotect(c->open[c->nopen].page, PAGE_SIZE, PROT_READ | PROT_WRITE))
		die_of(sig);
	c->nopen++;
	uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct child *c = self;

	(void)si;
	if (!c || !c->stepping)
		die_of(sig);
	/* A repeated string instruction goes on: keep its pages open and keep stepping. */
	if (uc->uc_mcontext.gregs[REG_RIP] == c->rip)
		return;
	close_pages(c);
	c->stepping = false;
	uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)EFLAGS_TF;
}

static void host_notify(void *ctx, uint32_t notifyid)
{
	emit(ctx, IUT_EV_NOTIFY, &notifyid, sizeof(notifyid), NULL, 0);
}

static void host_received(void *ctx, int ept, uint32_t src, const void *data, size_t len)
{
	struct iut_wire_received r = {.ept = ept, .src = src};

	if (len > 65536 || (len && !data)) {
		static const char text[] = "received() with more than 64 KiB or without data";

		emit(ctx, IUT_EV_MISUSE, text, sizeof(text) - 1, NULL, 0);
		return;
	}
	emit(ctx, IUT_EV_RECEIVED, &r, sizeof(r), data, len);
}

static void host_service(void *ctx, const char *name, uint32_t addr, int created)
{
	struct iut_wire_service s = {.addr = addr, .created = created != 0};

	emit(ctx, IUT_EV_SERVICE, &s, sizeof(s), name, name ? strnlen(name, 32) : 0);
}

static void host_barrier(void *ctx, unsigned int kind)
{
	uint32_t k = kind;

	emit(ctx, IUT_EV_BARRIER, &k, sizeof(k), NULL, 0);
}

static void host_log(void *ctx, const char *text)
{
	if (text)
		emit(ctx, IUT_EV_LOG, text, strnlen(text, 512), NULL, 0);
}

static void done(struct child *c, int32_t ret, uint32_t bound, const char *text)
{
	struct iut_wire_done d = {.ret = ret, .bound = bound};

	emit(c, IUT_EV_DONE, &d, sizeof(d), text, text ? strlen(text) : 0);
	flush(c);
}

static bool read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (uint8_t *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* Load the library and say what it is; exits on failure after telling why. */
static void load(struct child *c, const char *library)
{
	const struct ampconf_iut_ops *(*entry)(void);
	struct iut_wire_hello hello = {0};
	const char *missing;
	char why[512];
	void *handle;

#ifndef __x86_64__
	done(c, -ENOTSUP, 0, "native IUTs are traced with the x86-64 trap flag: not on this host");
	_exit(2);
#endif
	handle = dlmopen(LM_ID_NEWLM, library, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(why, sizeof(why), "cannot load: %s", dlerror());
		done(c, -ENOENT, 0, why);
		_exit(2);
	}
	*(void **)&entry = dlsym(handle, AMPCONF_IUT_SYMBOL);
	c->iut = entry ? entry() : NULL;
	if (!c->iut) {
		snprintf(why, sizeof(why),
			 entry ? "%s: %s() returned NULL"
			       : "%s: exports no %s() (see ampconf/iut.h)",
			 library, AMPCONF_IUT_SYMBOL);
		done(c, -EINVAL, 0, why);
		_exit(2);
	}
	hello = (struct iut_wire_hello){
		.abi = c->iut->abi,
		.roles = c->iut->roles,
		.features = c->iut->features,
		.flags = c->iut->flags,
		.ops = (c->iut->start ? IUT_HAS_START : 0) | (c->iut->reset ? IUT_HAS_RESET : 0),
	};
	if (c->iut->abi != AMPCONF_IUT_ABI) {
		snprintf(why, sizeof(why),
			 "%s: adapter interface version %u (this harness speaks %u)", library,
			 c->iut->abi, AMPCONF_IUT_ABI);
		done(c, -EINVAL, 0, why);
		_exit(2);
	}
	missing = !c->iut->attach   ? "attach"
		  : !c->iut->kick   ? "kick"
		  : !c->iut->poll   ? "poll"
		  : !c->iut->open   ? "open"
		  : !c->iut->close  ? "close"
		  : !c->iut->send   ? "send"
		  : !c->iut->detach ? "detach"
				    : NULL;
	if (missing) {
		snprintf(why, sizeof(why), "%s: the required operation %s() is missing", library,
			 missing);
		done(c, -EINVAL, 0, why);
		_exit(2);
	}
	emit(c, IUT_EV_HELLO, &hello, sizeof(hello), c->iut->name,
	     c->iut->name ? strnlen(c->iut->name, 128) : 0);
	flush(c);
}

/* Run one command; the IUT runs inside. */
static void serve(struct child *c, uint32_t type, uint8_t *p, uint32_t len)
{
	char why[256] = "";
	uint32_t bound = 0;
	int ret = -EINVAL;

	switch (type) {
	case IUT_CMD_ATTACH: {
		struct iut_wire_attach a;

		if (len != sizeof(a) || c->ctx)
			break;
		memcpy(&a, p, sizeof(a));
		a.link.shm = c->shm;
		c->ctx = c->iut->attach(&a.link, &c->host, why, sizeof(why));
		why[sizeof(why) - 1] = '\0';
		ret = c->ctx ? 0 : -EINVAL;
		break;
	}
	case IUT_CMD_START:
		ret = c->iut->start ? c->iut->start(c->ctx) : 0;
		break;
	case IUT_CMD_KICK:
		if (len == sizeof(uint32_t)) {
			uint32_t id;

			memcpy(&id, p, sizeof(id));
			ret = c->iut->kick(c->ctx, id);
		}
		break;
	case IUT_CMD_POLL:
		ret = c->iut->poll(c->ctx);
		break;
	case IUT_CMD_OPEN:
		if (len == sizeof(struct iut_wire_open)) {
			struct iut_wire_open o;

			memcpy(&o, p, sizeof(o));
			o.name[sizeof(o.name) - 1] = '\0';
			ret = c->iut->open(c->ctx, o.name, o.addr, o.dst, (int)o.announce, &bound);
		}
		break;
	case IUT_CMD_CLOSE:
		if (len == sizeof(int32_t)) {
			int32_t ept;

			memcpy(&ept, p, sizeof(ept));
			ret = c->iut->close(c->ctx, ept);
		}
		break;
	case IUT_CMD_SEND:
		if (len >= sizeof(struct iut_wire_send)) {
			struct iut_wire_send s;

			memcpy(&s, p, sizeof(s));
			ret = c->iut->send(c->ctx, s.ept, s.dst, p + sizeof(s), len - sizeof(s));
		}
		break;
	case IUT_CMD_RESET:
		ret = c->iut->reset ? c->iut->reset(c->ctx) : -EOPNOTSUPP;
		break;
	default:
		break;
	}
	done(c, ret, bound, why);
}

/**
 * ampconf_iut_child() - the child's life after fork()
 * @library: the IUT's shared object
 * @cmd_fd: commands from the harness
 * @ev_fd: messages to the harness
 * @shm: the window (mapped shared before the fork)
 * @shm_size: its bytes (a multiple of the page size)
 *
 * Exits 0 after DETACH, 2 when the library cannot be used, 3 when the harness went away; dies
 * of the IUT's own signal when it crashes.
 */
void ampconf_iut_child(const char *library, int cmd_fd, int ev_fd, volatile void *shm,
		       uint64_t shm_size)
{
	static struct child c;
	static uint8_t payload[IUT_WIRE_MAX_PAYLOAD];
	struct rlimit no_core = {0, 0};
	struct sigaction sa = {.sa_flags = SA_SIGINFO};
	struct iut_wire_header h;

	/* A crashing IUT is a verdict, not a core file; and it must not outlive the harness. */
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	c.shm = (uint8_t *)shm;
	c.shm_size = shm_size;
	c.ev_fd = ev_fd;
	c.host = (struct ampconf_host){
		.ctx = &c,
		.notify = host_notify,
		.received = host_received,
		.service = host_service,
		.barrier = host_barrier,
		.log = host_log,
	};
	self = &c;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_fault;
	sigaction(SIGSEGV, &sa, NULL);
	sa.sa_sigaction = on_trap;
	sigaction(SIGTRAP, &sa, NULL);
	load(&c, library);
	if (mprotect(c.shm, shm_size, PROT_READ)) {
		done(&c, -errno, 0, "cannot write-protect the shared window");
		_exit(2);
	}
	while (read_all(cmd_fd, &h, sizeof(h))) {
		if (h.len > sizeof(payload) || !read_all(cmd_fd, payload, h.len))
			break;
		if (h.type == IUT_CMD_DETACH) {
			if (c.ctx)
				c.iut->detach(c.ctx);
			c.ctx = NULL;
			done(&c, 0, 0, NULL);
			_exit(0);
		}
		if (!c.ctx && h.type != IUT_CMD_ATTACH) {
			done(&c, -ENOTCONN, 0, "not attached");
			continue;
		}
		serve(&c, h.type, payload, h.len);
	}
	_exit(3);
}
