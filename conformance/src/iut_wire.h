/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The messages between the harness and the process that hosts a native IUT (iut_child.c,
 * iut_proxy.c). Each is an 8-byte header - type, payload length - and the payload, in the
 * host's byte order (both ends are the same program). The parent trusts nothing it reads: the
 * IUT runs in the child and may have scribbled over the child's memory before it died.
 */
#ifndef AMPCONF_IUT_WIRE_H
#define AMPCONF_IUT_WIRE_H

#include <stdint.h>

#include "ampconf/iut.h"

/* The largest payload: a message of a 64 KiB buffer plus its fields. */
#define IUT_WIRE_MAX_PAYLOAD (65536u + 64u)

/**
 * enum iut_wire_type - message types
 * @IUT_CMD_ATTACH: parent: &struct iut_wire_attach
 * @IUT_CMD_START: parent: &ampconf_iut_ops.start
 * @IUT_CMD_KICK: parent: a uint32_t notify id
 * @IUT_CMD_POLL: parent: &ampconf_iut_ops.poll
 * @IUT_CMD_OPEN: parent: &struct iut_wire_open
 * @IUT_CMD_CLOSE: parent: an int32_t endpoint
 * @IUT_CMD_SEND: parent: &struct iut_wire_send, then the payload
 * @IUT_CMD_RESET: parent: &ampconf_iut_ops.reset
 * @IUT_CMD_DETACH: parent: &ampconf_iut_ops.detach, then the child exits
 * @IUT_EV_HELLO: child: the library loaded: &struct iut_wire_hello, then the IUT's name
 * @IUT_EV_STORE: child: a uint64_t window offset, then the bytes stored there
 * @IUT_EV_BARRIER: child: a uint32_t barrier kind the IUT reported
 * @IUT_EV_NOTIFY: child: a uint32_t notify id the IUT kicked
 * @IUT_EV_RECEIVED: child: &struct iut_wire_received, then the payload
 * @IUT_EV_SERVICE: child: &struct iut_wire_service, then the name
 * @IUT_EV_LOG: child: a line of text
 * @IUT_EV_MISUSE: child: the IUT called the harness wrongly (the text says how)
 * @IUT_EV_DONE: child: the command finished: &struct iut_wire_done, then an error text
 */
enum iut_wire_type {
	IUT_CMD_ATTACH = 1,
	IUT_CMD_START,
	IUT_CMD_KICK,
	IUT_CMD_POLL,
	IUT_CMD_OPEN,
	IUT_CMD_CLOSE,
	IUT_CMD_SEND,
	IUT_CMD_RESET,
	IUT_CMD_DETACH,
	IUT_EV_HELLO = 64,
	IUT_EV_STORE,
	IUT_EV_BARRIER,
	IUT_EV_NOTIFY,
	IUT_EV_RECEIVED,
	IUT_EV_SERVICE,
	IUT_EV_LOG,
	IUT_EV_MISUSE,
	IUT_EV_DONE,
};

/**
 * struct iut_wire_header - before every payload
 * @type: &enum iut_wire_type
 * @len: payload bytes (at most IUT_WIRE_MAX_PAYLOAD)
 */
struct iut_wire_header {
	uint32_t type;
	uint32_t len;
};

/**
 * struct iut_wire_attach - the link, without the window pointer (the child has the same
 *	mapping at the same address: it was forked after the window was mapped)
 * @link: &struct ampconf_link with @shm ignored
 */
struct iut_wire_attach {
	struct ampconf_link link;
};

/**
 * struct iut_wire_open - an endpoint to open
 * @addr: fixed address or AMPCONF_ADDR_ANY
 * @dst: default destination or AMPCONF_ADDR_ANY
 * @announce: announce @name
 * @name: NUL-terminated service name ("" for none)
 */
struct iut_wire_open {
	uint32_t addr;
	uint32_t dst;
	uint32_t announce;
	char name[32];
};

/**
 * struct iut_wire_send - a message to send (the payload follows)
 * @ept: endpoint handle
 * @dst: destination address
 */
struct iut_wire_send {
	int32_t ept;
	uint32_t dst;
};

/**
 * struct iut_wire_hello - what the loaded library says of itself
 * @abi: &ampconf_iut_ops.abi
 * @roles: &ampconf_iut_ops.roles
 * @features: &ampconf_iut_ops.features
 * @flags: &ampconf_iut_ops.flags
 * @ops: bit per optional operation present: 1 start, 2 reset
 */
struct iut_wire_hello {
	uint32_t abi;
	uint32_t roles;
	uint32_t features;
	uint32_t flags;
	uint32_t ops;
};

#define IUT_HAS_START 0x1u
#define IUT_HAS_RESET 0x2u

/**
 * struct iut_wire_received - a message the IUT delivered to one of the harness's endpoints
 * @ept: the endpoint handle
 * @src: the sender's address
 */
struct iut_wire_received {
	int32_t ept;
	uint32_t src;
};

/**
 * struct iut_wire_service - a name-service record the IUT passed on
 * @addr: the service's address
 * @created: 1 announced, 0 withdrawn
 */
struct iut_wire_service {
	uint32_t addr;
	uint32_t created;
};

/**
 * struct iut_wire_done - a command's outcome
 * @ret: the operation's return value
 * @bound: open: the address bound
 */
struct iut_wire_done {
	int32_t ret;
	uint32_t bound;
};

/* iut_child.c: the child's life after fork(); never returns. */
void ampconf_iut_child(const char *library, int cmd_fd, int ev_fd, volatile void *shm,
		       uint64_t shm_size) __attribute__((noreturn));

#endif /* AMPCONF_IUT_WIRE_H */
