/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The harness's side of a native IUT: a child process hosts the library (iut_child.c); a
 * proxy sends it one command at a time and hands what the IUT did - stores, barriers, kicks,
 * messages, name-service records - to a sink, in order, until the command is done. A crash, a
 * hang (no answer within the timeout) or a garbled message ends the proxy with a reason; the
 * harness goes on.
 */
#ifndef AMPCONF_IUT_PROXY_H
#define AMPCONF_IUT_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "iut_wire.h"

/**
 * struct iut_sink - where the IUT's doings go
 * @ctx: passed to each
 * @store: @len bytes stored at @offset of the window
 * @barrier: a barrier the IUT reported (0 write, 1 read, 2 full; anything else is the IUT's
 *	mistake, passed on as it is)
 * @notify: the IUT kicked @notifyid
 * @received: a message reached harness endpoint @ept
 * @service: a name-service record reached the IUT (@name NUL-terminated)
 * @log: a diagnostic line (NUL-terminated)
 * @misuse: the IUT called the harness wrongly (NUL-terminated: how)
 */
struct iut_sink {
	void *ctx;
	void (*store)(void *ctx, uint64_t offset, const uint8_t *bytes, uint32_t len);
	void (*barrier)(void *ctx, uint32_t kind);
	void (*notify)(void *ctx, uint32_t notifyid);
	void (*received)(void *ctx, int32_t ept, uint32_t src, const uint8_t *data, uint32_t len);
	void (*service)(void *ctx, const char *name, uint32_t addr, bool created);
	void (*log)(void *ctx, const char *text);
	void (*misuse)(void *ctx, const char *text);
};

/**
 * struct iut_proxy - one IUT process
 * @pid: the child (0 when gone)
 * @cmd_fd: commands to it
 * @ev_fd: messages from it
 * @timeout_ms: how long one command may take (wall clock) before the IUT counts as hung
 * @shm_size: the window's bytes (store offsets are checked against it)
 * @sink: where the IUT's doings go
 * @hello: what the library said of itself
 * @name: its name
 * @failed: the IUT died, hung or broke the protocol: no more commands
 * @error: why (set with @failed, or by a refused command)
 * @buf: one message
 */
struct iut_proxy {
	pid_t pid;
	int cmd_fd;
	int ev_fd;
	int timeout_ms;
	uint64_t shm_size;
	struct iut_sink sink;
	struct iut_wire_hello hello;
	char name[129];
	bool failed;
	char error[512];
	uint8_t buf[IUT_WIRE_MAX_PAYLOAD + 1];
};

/**
 * iut_proxy_spawn() - start the child and load @library in it
 * @p: placed by the caller
 * @library: the shared object
 * @shm: the window, mapped MAP_SHARED (the child inherits it)
 * @shm_size: its bytes
 * @sink: where the IUT's doings go
 * @timeout_ms: per command
 * Return: 0, -1 when the library cannot be used as an IUT (reason in @p->error; the child is
 * gone), -2 when no process could be made.
 */
int iut_proxy_spawn(struct iut_proxy *p, const char *library, volatile void *shm, uint64_t shm_size,
		    const struct iut_sink *sink, int timeout_ms);

/**
 * iut_proxy_call() - run one command in the IUT
 * @p: the proxy
 * @type: IUT_CMD_*
 * @a: payload part one (may be NULL)
 * @alen: its bytes
 * @b: payload part two (may be NULL)
 * @blen: its bytes
 * @ret: set to the operation's return value
 * @bound: set to the bound address (open), may be NULL
 * Return: 0 when the command ran (whatever it returned), -1 when the IUT failed (@p->failed,
 * @p->error).
 */
int iut_proxy_call(struct iut_proxy *p, uint32_t type, const void *a, size_t alen, const void *b,
		   size_t blen, int *ret, uint32_t *bound);

/**
 * iut_proxy_close() - detach and end the child (killed if it does not end in time)
 * @p: the proxy
 */
void iut_proxy_close(struct iut_proxy *p);

#endif /* AMPCONF_IUT_PROXY_H */
