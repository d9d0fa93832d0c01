/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the remoteproc host (host only, Linux semantics)
 *
 * A &struct amp_rproc is one remote processor as Linux remoteproc sees it: a firmware image to
 * load, the remote's memory as the host reaches it, platform operations to start, stop and kick
 * it, and the rpmsg devices its resource table declares, which the host drives in the rpmsg
 * driver role once the remote runs.
 *
 * Life cycle (enum amp_rproc_state): OFFLINE --boot--> RUNNING --shutdown--> OFFLINE; a crash
 * reported from any context makes the next amp_rproc_service() call handle it: CRASHED, crash
 * count + 1, and, with recovery enabled, stop, core dump, reload and restart, after which the
 * remote announces its channels again. A remote started by someone else is DETACHED at
 * registration and ATTACHED by amp_rproc_boot(), its table used where it is.
 *
 * Two counts, as Linux keeps them: references (amp_rproc_get_by_name() / amp_rproc_put()) keep
 * the object registered; the power count (amp_rproc_boot() / amp_rproc_shutdown()) keeps the
 * remote running: the first boot loads and starts it, the last shutdown stops it.
 *
 * Booting (rproc_fw_boot()): the image is checked against the processor (ELF class, byte order,
 * machine); the ``.resource_table`` section is copied into a cached table and checked with
 * amp_rsc_table_check(); carveouts are placed (a fixed device address must lie in the remote's
 * memory, AMP_FW_RSC_ADDR_ANY is allocated from the memory marked as pool) and their addresses
 * written back; each rpmsg vdev gets its vrings (allocated when their address is ANY), notify
 * ids 0, 1, ... and a buffer pool; vendor entries go to the platform; PT_LOAD segments are copied
 * to their physical addresses (the memsz tail zeroed) after checking that they lie in the
 * remote's memory and do not overlap; the cached table is copied over the loaded one; then the
 * platform starts the remote, and only then the rpmsg links start (status 0, 1, 3, 7).
 */
#ifndef AMP_REMOTEPROC_H
#define AMP_REMOTEPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "rpmsg.h"
#include "rsc_table.h"

#ifdef __cplusplus
extern "C" {
#endif

struct amp_rproc;

/* Memory flags: carveouts and vrings at AMP_FW_RSC_ADDR_ANY are allocated from POOL memory. */
#define AMP_RPROC_MEM_POOL 1u

/**
 * struct amp_rproc_mem - a piece of the remote's memory that the host can reach
 * @da: device address (what the remote and the image call it)
 * @pa: physical address, written back into carveouts
 * @va: where the host reaches it
 * @size: bytes
 * @flags: AMP_RPROC_MEM_*
 */
struct amp_rproc_mem {
	uint64_t da;
	uint64_t pa;
	void *va;
	size_t size;
	uint32_t flags;
};

/**
 * enum amp_rproc_state - Linux enum rproc_state
 * @AMP_RPROC_OFFLINE: powered off
 * @AMP_RPROC_SUSPENDED: suspended (not entered by this implementation)
 * @AMP_RPROC_RUNNING: booted and running
 * @AMP_RPROC_CRASHED: crashed, recovery pending or disabled
 * @AMP_RPROC_DELETED: unregistered
 * @AMP_RPROC_ATTACHED: running, started by someone else, attached to
 * @AMP_RPROC_DETACHED: running, started by someone else, not attached yet
 */
enum amp_rproc_state {
	AMP_RPROC_OFFLINE,
	AMP_RPROC_SUSPENDED,
	AMP_RPROC_RUNNING,
	AMP_RPROC_CRASHED,
	AMP_RPROC_DELETED,
	AMP_RPROC_ATTACHED,
	AMP_RPROC_DETACHED,
};

/**
 * enum amp_rproc_crash_type - Linux enum rproc_crash_type
 * @AMP_RPROC_MMUFAULT: an MMU fault
 * @AMP_RPROC_WATCHDOG: the watchdog expired
 * @AMP_RPROC_FATAL_ERROR: the remote reported a fatal error
 */
enum amp_rproc_crash_type {
	AMP_RPROC_MMUFAULT,
	AMP_RPROC_WATCHDOG,
	AMP_RPROC_FATAL_ERROR,
};

/**
 * struct amp_rproc_ops - what the platform does for the host (all take the config's ctx)
 * @start: release the remote from reset at @entry (required)
 * @stop: hold the remote in reset (required)
 * @kick: notify the remote of ring @notifyid (required for rpmsg)
 * @handle_rsc: a vendor entry (types 128..512) of @avail bytes; 0 accepts it, a negative code
 *	fails the boot (optional: without it vendor entries are skipped)
 * @attach: attach to a remote started by someone else (optional; required for DETACHED)
 * @loaded_rsc_table: where the running remote's table is, for attaching (optional; required
 *	for DETACHED)
 * @coredump_fd: a file descriptor to write a crash's core file to, or -1 for none (optional)
 */
struct amp_rproc_ops {
	int (*start)(void *ctx, struct amp_rproc *rproc, uint64_t entry);
	int (*stop)(void *ctx, struct amp_rproc *rproc);
	void (*kick)(void *ctx, struct amp_rproc *rproc, uint32_t notifyid);
	int (*handle_rsc)(void *ctx, struct amp_rproc *rproc, uint32_t type,
			  const volatile void *entry, size_t avail);
	int (*attach)(void *ctx, struct amp_rproc *rproc);
	volatile void *(*loaded_rsc_table)(void *ctx, struct amp_rproc *rproc, size_t *size);
	int (*coredump_fd)(void *ctx, struct amp_rproc *rproc);
};

/**
 * struct amp_rproc_config - one remote processor
 * @name: unique within its registry (copied, at most 31 characters)
 * @ops: platform operations
 * @ctx: passed to every operation
 * @mem: the remote's memory, @mem_count pieces (referred to, not copied)
 * @mem_count: number of @mem
 * @machine: ELF e_machine the images must have (0: any)
 * @elf_class: 32 or 64 (0: either)
 * @order: the remote's byte order; images must match it
 * @firmware: the image, @firmware_size bytes (referred to; must stay valid while registered)
 * @firmware_size: bytes
 * @node: the host's rpmsg node that the rpmsg devices' links join (NULL: vdevs are refused)
 * @rpmsg_buf_size: rpmsg buffer size, both directions (0: 512)
 * @detached: the remote is already running (started by a boot loader): attach instead of load
 * @io_ops: store and barrier hooks for the rpmsg links' shared-memory accesses (rings, buffers,
 *	the device block's status and features): what a wire-level trace records. Only the hooked
 *	build (``ampref_host_hooked``) honours them; the plain build refuses them. NULL: plain
 *	stores. The resource table's copy into the remote's memory goes through them too (a
 *	trace holds the device blocks and ring addresses the host wrote); the image's segments
 *	do not.
 * @io_ctx: passed to @io_ops
 */
struct amp_rproc_config {
	const char *name;
	const struct amp_rproc_ops *ops;
	void *ctx;
	const struct amp_rproc_mem *mem;
	size_t mem_count;
	uint16_t machine;
	unsigned int elf_class;
	enum amp_byte_order order;
	const void *firmware;
	size_t firmware_size;
	struct amp_rpmsg_node *node;
	uint32_t rpmsg_buf_size;
	bool detached;
	const struct amp_io_ops *io_ops;
	void *io_ctx;
};

/**
 * struct amp_rproc_registry - the processors a host knows, looked up by name
 * @head: first registered processor (private)
 */
struct amp_rproc_registry {
	struct amp_rproc *head;
};

/**
 * amp_rproc_create() - allocate and register a processor (Linux rproc_alloc() + rproc_add())
 * @reg: the registry
 * @cfg: its configuration (copied; the memory and firmware it points to are not)
 * @out: set to the new processor, which holds one reference for the caller
 *
 * Return: 0; -AMP_EINVAL for a bad configuration; -AMP_ENOTSUP for store hooks given to the
 * plain build; -AMP_EEXIST when the name is taken; -AMP_ENOMEM.
 */
int amp_rproc_create(struct amp_rproc_registry *reg, const struct amp_rproc_config *cfg,
		     struct amp_rproc **out);

/**
 * amp_rproc_get_by_name() - look a processor up and take a reference
 * @reg: the registry
 * @name: its name
 *
 * Return: the processor, or NULL.
 */
struct amp_rproc *amp_rproc_get_by_name(struct amp_rproc_registry *reg, const char *name);

/**
 * amp_rproc_put() - drop a reference; the last one unregisters and frees the processor, which
 *	must be powered off by then
 * @rproc: the processor
 *
 * Return: 0, or -AMP_EBUSY when this was the last reference and the remote still runs, or an
 * rpmsg link of the processor still carries an endpoint the application created (the reference
 * is not dropped; destroy the endpoint and put again).
 */
int amp_rproc_put(struct amp_rproc *rproc);

/**
 * amp_rproc_boot() - power up: the first call loads and starts the remote (or attaches)
 * @rproc: the processor
 * @why: AMP_RPROC_WHY_SIZE bytes for a one-line reason on failure (may be NULL)
 *
 * Return: 0, or a negative code (the power count is unchanged then).
 */
int amp_rproc_boot(struct amp_rproc *rproc, char *why);

#define AMP_RPROC_WHY_SIZE 256

/**
 * amp_rproc_shutdown() - power down: the last call stops the remote
 * @rproc: the processor
 *
 * Return: 0, or -AMP_EINVAL when it was not powered.
 */
int amp_rproc_shutdown(struct amp_rproc *rproc);

/**
 * amp_rproc_report_crash() - the platform saw the remote crash (any context, any thread)
 * @rproc: the processor
 * @type: what happened
 *
 * Only marks the crash: amp_rproc_service() handles it.
 */
void amp_rproc_report_crash(struct amp_rproc *rproc, enum amp_rproc_crash_type type);

/**
 * amp_rproc_service() - handle a reported crash (Linux's crash work item); call it from the
 *	host's thread whenever a crash may have been reported
 * @rproc: the processor
 *
 * Return: 0, or the error of a failed recovery (the processor stays CRASHED).
 */
int amp_rproc_service(struct amp_rproc *rproc);

/**
 * amp_rproc_set_recovery() - enable or disable automatic recovery (Linux "recovery" knob)
 * @rproc: the processor
 * @enabled: recover crashes automatically
 */
void amp_rproc_set_recovery(struct amp_rproc *rproc, bool enabled);

/**
 * amp_rproc_recover() - recover a CRASHED processor now ("recover" in the knob)
 * @rproc: the processor
 *
 * Return: 0, -AMP_EINVAL when it is not crashed, or the error of the recovery.
 */
int amp_rproc_recover(struct amp_rproc *rproc);

/**
 * amp_rproc_interrupt() - the remote kicked ring @notifyid: run its rpmsg link's receive path
 * @rproc: the processor
 * @notifyid: the ring, or AMP_FW_RSC_ADDR_ANY for all
 *
 * Return: messages delivered, or a negative code from the link.
 */
int amp_rproc_interrupt(struct amp_rproc *rproc, uint32_t notifyid);

/**
 * amp_rproc_state() - the processor's state
 * @rproc: the processor
 */
enum amp_rproc_state amp_rproc_state(const struct amp_rproc *rproc);

/**
 * amp_rproc_crash_count() - crashes handled so far
 * @rproc: the processor
 */
uint32_t amp_rproc_crash_count(const struct amp_rproc *rproc);

/**
 * amp_rproc_crash_type() - the type of the last crash reported (meaningful once one was)
 * @rproc: the processor
 */
enum amp_rproc_crash_type amp_rproc_crash_type(const struct amp_rproc *rproc);

/**
 * amp_rproc_link() - the rpmsg link of the processor's @index-th rpmsg vdev, while it runs
 * @rproc: the processor
 * @index: 0 for the first
 *
 * Return: the link, or NULL.
 */
struct amp_rpmsg_link *amp_rproc_link(struct amp_rproc *rproc, unsigned int index);

/**
 * amp_rproc_trace() - copy the @index-th trace buffer (Linux debugfs traceN)
 * @rproc: a running processor
 * @index: 0 for the first trace entry
 * @buf: where to copy
 * @size: bytes of @buf; the copy stops at the first NUL or the buffer's end and is terminated
 *
 * Return: bytes copied (without the NUL), or -AMP_ENOENT.
 */
long amp_rproc_trace(struct amp_rproc *rproc, unsigned int index, char *buf, size_t size);

/**
 * amp_rproc_da_to_va() - where the host reaches device address @da, for @len bytes
 * @rproc: the processor
 * @da: device address
 * @len: bytes that must all be inside one piece of memory
 *
 * Return: the host pointer, or NULL.
 */
void *amp_rproc_da_to_va(struct amp_rproc *rproc, uint64_t da, size_t len);

/**
 * amp_rproc_state_name() - "offline", "running", ...
 * @state: a state
 */
const char *amp_rproc_state_name(enum amp_rproc_state state);

#ifdef __cplusplus
}
#endif

#endif
