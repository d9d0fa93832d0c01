// SPDX-License-Identifier: BSD-3-Clause
/*
 * The harness's side of a native IUT (iut_proxy.h). The two processes talk over one stream
 * socket pair (a socket, unlike a pipe, lets a write to a dead child fail with EPIPE instead of
 * raising SIGPIPE in the harness).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iut_proxy.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Printable, one line: what the child says is untrusted text. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* The child is gone or must go: reap it and say how it ended. */
static void reap(struct iut_proxy *p, const char *what)
{
	int status = 0;
	pid_t r;

	if (!p->pid)
		return;
	r = waitpid(p->pid, &status, WNOHANG);
	for (int i = 0; r == 0 && i < 100; i++) {
		struct timespec ten_ms = {0, 10 * 1000 * 1000};

		nanosleep(&ten_ms, NULL);
		r = waitpid(p->pid, &status, WNOHANG);
	}
	if (r == 0) {
		kill(p->pid, SIGKILL);
		r = waitpid(p->pid, &status, 0);
	}
	p->pid = 0;
	if (!what || r < 0)
		return;
	if (WIFSIGNALED(status))
		snprintf(p->error, sizeof(p->error), "the IUT crashed %s: %s (signal %d)", what,
			 strsignal(WTERMSIG(status)), WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		snprintf(p->error, sizeof(p->error), "the IUT's process exited with status %d %s",
			 WEXITSTATUS(status), what);
	else
		snprintf(p->error, sizeof(p->error), "the IUT's process ended %s", what);
}

static int fail(struct iut_proxy *p, const char *fmt, const char *what)
{
	if (!p->failed) {
		snprintf(p->error, sizeof(p->error), fmt, what);
		p->failed = true;
	}
	if (p->pid) {
		kill(p->pid, SIGKILL);
		reap(p, NULL);
	}
	return -1;
}

/* Read @len bytes before @deadline; 0, or -1 with @p failed. */
static int read_by(struct iut_proxy *p, void *buf, size_t len, int64_t deadline, const char *what)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = {.fd = p->ev_fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return fail(p, "the IUT did not finish %s in time (hung?)", what);
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(p->ev_fd, (uint8_t *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			reap(p, what);
			p->failed = true;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static int write_all(struct iut_proxy *p, const void *buf, size_t len, const char *what)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(p->cmd_fd, (const uint8_t *)buf + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			reap(p, what);
			p->failed = true;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Hand one message other than DONE and HELLO to the sink; -1 on a garbled one. */
static int deliver(struct iut_proxy *p, uint32_t type, uint32_t len)
{
	const struct iut_sink *s = &p->sink;
	uint8_t *b = p->buf;
	uint32_t u32;
	uint64_t off;

	switch (type) {
	case IUT_EV_STORE:
		if (len <= sizeof(off))
			return -1;
		memcpy(&off, b, sizeof(off));
		if (off > p->shm_size || len - sizeof(off) > p->shm_size - off)
			return -1;
		s->store(s->ctx, off, b + sizeof(off), len - (uint32_t)sizeof(off));
		return 0;
	case IUT_EV_BARRIER:
	case IUT_EV_NOTIFY:
		if (len != sizeof(u32))
			return -1;
		memcpy(&u32, b, sizeof(u32));
		if (type == IUT_EV_NOTIFY) {
			s->notify(s->ctx, u32);
			return 0;
		}
		s->barrier(s->ctx, u32);
		return 0;
	case IUT_EV_RECEIVED: {
		struct iut_wire_received r;

		if (len < sizeof(r))
			return -1;
		memcpy(&r, b, sizeof(r));
		s->received(s->ctx, r.ept, r.src, b + sizeof(r), len - (uint32_t)sizeof(r));
		return 0;
	}
	case IUT_EV_SERVICE: {
		struct iut_wire_service sv;

		if (len < sizeof(sv) || len - sizeof(sv) > 32)
			return -1;
		memcpy(&sv, b, sizeof(sv));
		b[len] = '\0';
		s->service(s->ctx, (char *)b + sizeof(sv), sv.addr, sv.created != 0);
		return 0;
	}
	case IUT_EV_LOG:
	case IUT_EV_MISUSE:
		b[len] = '\0';
		sanitize((char *)b);
		(type == IUT_EV_LOG ? s->log : s->misuse)(s->ctx, (char *)b);
		return 0;
	default:
		return -1;
	}
}

/* Messages until DONE (or HELLO at start-up); the payload of that last one stays in @p->buf. */
static int await(struct iut_proxy *p, uint32_t until, uint32_t *len, const char *what)
{
	int64_t deadline = now_ms() + p->timeout_ms;
	struct iut_wire_header h;

	for (;;) {
		if (read_by(p, &h, sizeof(h), deadline, what) ||
		    (h.len > IUT_WIRE_MAX_PAYLOAD &&
		     fail(p, "the IUT's process sent a garbled message %s", what)) ||
		    read_by(p, p->buf, h.len, deadline, what))
			return -1;
		if (h.type == until || h.type == IUT_EV_DONE) {
			p->buf[h.len] = '\0';
			*len = h.len;
			return h.type == until ? 0 : 1;
		}
		if (deliver(p, h.type, h.len))
			return fail(p, "the IUT's process sent a garbled message %s", what);
	}
}

/**
 * iut_proxy_spawn() - start the child and load @library in it (iut_proxy.h)
 */
int iut_proxy_spawn(struct iut_proxy *p, const char *library, volatile void *shm, uint64_t shm_size,
		    const struct iut_sink *sink, int timeout_ms)
{
	int fds[2];
	uint32_t len;
	int r;

	memset(p, 0, sizeof(*p));
	p->cmd_fd = p->ev_fd = -1;
	p->sink = *sink;
	p->shm_size = shm_size;
	p->timeout_ms = timeout_ms;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)) {
		snprintf(p->error, sizeof(p->error), "socketpair: %s", strerror(errno));
		p->failed = true;
		return -2;
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0) {
		snprintf(p->error, sizeof(p->error), "fork: %s", strerror(errno));
		p->pid = 0;
		p->failed = true;
		close(fds[0]);
		close(fds[1]);
		return -2;
	}
	if (p->pid == 0) {
		close(fds[0]);
		ampconf_iut_child(library, fds[1], fds[1], shm, shm_size);
	}
	close(fds[1]);
	p->cmd_fd = p->ev_fd = fds[0];
	r = await(p, IUT_EV_HELLO, &len, "while loading");
	if (r < 0)
		return -1;
	if (r > 0) { /* DONE instead of HELLO: the child says why it cannot */
		if (len > sizeof(struct iut_wire_done))
			snprintf(p->error, sizeof(p->error), "%s",
				 (char *)p->buf + sizeof(struct iut_wire_done));
		else
			snprintf(p->error, sizeof(p->error), "%s: not usable as an IUT", library);
		sanitize(p->error);
		reap(p, NULL);
		p->failed = true;
		return -1;
	}
	if (len < sizeof(p->hello))
		return fail(p, "the IUT's process sent a garbled message %s", "while loading");
	memcpy(&p->hello, p->buf, sizeof(p->hello));
	snprintf(p->name, sizeof(p->name), "%s", (char *)p->buf + sizeof(p->hello));
	sanitize(p->name);
	return 0;
}

/**
 * iut_proxy_call() - run one command in the IUT (iut_proxy.h)
 */
int iut_proxy_call(struct iut_proxy *p, uint32_t type, const void *a, size_t alen, const void *b,
		   size_t blen, int *ret, uint32_t *bound)
{
	static const char *const names[] = {
		[IUT_CMD_ATTACH] = "in attach()", [IUT_CMD_START] = "in start()",
		[IUT_CMD_KICK] = "in kick()",     [IUT_CMD_POLL] = "in poll()",
		[IUT_CMD_OPEN] = "in open()",     [IUT_CMD_CLOSE] = "in close()",
		[IUT_CMD_SEND] = "in send()",     [IUT_CMD_RESET] = "in reset()",
		[IUT_CMD_DETACH] = "in detach()",
	};
	const char *what = type < sizeof(names) / sizeof(names[0]) ? names[type] : "";
	struct iut_wire_header h = {.type = type, .len = (uint32_t)(alen + blen)};
	struct iut_wire_done d;
	uint32_t len;

	if (p->failed)
		return -1;
	if (alen + blen > IUT_WIRE_MAX_PAYLOAD)
		return fail(p, "a command too large for the IUT %s", what);
	if (write_all(p, &h, sizeof(h), what) || (alen && write_all(p, a, alen, what)) ||
	    (blen && write_all(p, b, blen, what)) || await(p, IUT_EV_DONE, &len, what) < 0)
		return -1;
	if (len < sizeof(d))
		return fail(p, "the IUT's process sent a garbled message %s", what);
	memcpy(&d, p->buf, sizeof(d));
	*ret = d.ret;
	if (bound)
		*bound = d.bound;
	p->error[0] = '\0';
	if (len > sizeof(d)) {
		snprintf(p->error, sizeof(p->error), "%s", (char *)p->buf + sizeof(d));
		sanitize(p->error);
	}
	return 0;
}

/**
 * iut_proxy_close() - detach and end the child (iut_proxy.h)
 */
void iut_proxy_close(struct iut_proxy *p)
{
	int ret;

	if (p->pid && !p->failed &&
	    !iut_proxy_call(p, IUT_CMD_DETACH, NULL, 0, NULL, 0, &ret, NULL))
		reap(p, NULL);
	if (p->pid) {
		kill(p->pid, SIGKILL);
		reap(p, NULL);
	}
	if (p->ev_fd >= 0)
		close(p->ev_fd);
	p->cmd_fd = p->ev_fd = -1;
}
