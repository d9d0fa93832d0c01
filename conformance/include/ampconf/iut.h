/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the adapter an implementation under test (IUT) provides as a native library
 *
 * ``ampsim conform --iut lib:PATH.so`` loads PATH.so in a process of its own, in a link
 * namespace of its own (dlmopen(LM_ID_NEWLM)): an IUT built on OpenAMP, libmetal or rpmsg-lite
 * can never clash with the symbols of ampsim's reference, and a crash or hang of the IUT is a
 * verdict, not the end of the harness.
 *
 * The library exports one symbol, ampconf_iut(), returning a constant &struct ampconf_iut_ops. The
 * harness gives the IUT one rpmsg link (&struct ampconf_link): a shared window, a device block
 * in it laid out as a remoteproc vdev resource entry with two vrings, and the role the IUT plays.
 * The harness's peer - ampsim's reference implementation - plays the other role on the same
 * window. Everything is single-threaded and call-driven: the IUT runs only inside one of its
 * operations, and must not touch the window from any other thread or at any other time.
 *
 * What the harness observes: every store the IUT makes into the window (the window is
 * write-protected while an operation runs; each store is taken with its bytes, in program
 * order), the kicks it asks for through &ampconf_host.notify, and - if the IUT reports them
 * through &ampconf_host.barrier - its barriers. A store that leaves a byte's value unchanged is
 * not seen (the window is compared before and after each store instruction). Without reported
 * barriers, the barrier rules are "not judged" for the IUT.
 *
 * Error returns are negative Linux errno values (-EAGAIN, -EINVAL, ...).
 */
#ifndef AMPCONF_IUT_H
#define AMPCONF_IUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface; &ampconf_iut_ops.abi must equal it. */
#define AMPCONF_IUT_ABI 1
/* The symbol the harness looks up. */
#define AMPCONF_IUT_SYMBOL "ampconf_iut"

/**
 * enum ampconf_role - the virtio role of a side
 * @AMPCONF_DRIVER: the host side: places the rings, provides every buffer, drives the status
 *	byte, receives on vring0 and transmits on vring1
 * @AMPCONF_DEVICE: the remote side: declares the device block, waits for DRIVER_OK, transmits on
 *	vring0 and receives on vring1 with the driver's buffers
 */
enum ampconf_role {
	AMPCONF_DRIVER = 0,
	AMPCONF_DEVICE = 1,
};

/* Feature bits (the 32-bit feature words of a remoteproc device block). */
#define AMPCONF_F_NS        (1u << 0)  /* VIRTIO_RPMSG_F_NS: the name service */
#define AMPCONF_F_EVENT_IDX (1u << 29) /* VIRTIO_RING_F_EVENT_IDX */

/* &ampconf_iut_ops.flags */
#define AMPCONF_IUT_REPORTS_BARRIERS 0x1u /* calls &ampconf_host.barrier for each barrier */

/**
 * struct ampconf_link - the link the IUT is given
 * @role: &enum ampconf_role the IUT plays
 * @shm: the shared window (page aligned)
 * @shm_da: the window's device address: what ring addresses in the device block and buffer
 *	addresses in descriptors are, on both sides
 * @shm_size: bytes of the window
 * @vdev_offset: where in the window the device block is (4-byte aligned; a struct fw_rsc_vdev
 *	with two struct fw_rsc_vdev_vring entries and no config space)
 * @vdev_notifyid: the device block's own notify id
 * @features: device: the features to offer (the block's dfeatures); driver: the features it may
 *	accept (it negotiates the device's offer with what it implements, within these)
 * @num: the two vrings' sizes
 * @align: the used rings' alignment
 * @notifyid: the two vrings' notify ids: a kick for vring k carries @notifyid[k]
 * @vring_offset: where in the window the two vrings are (device address @shm_da + offset);
 *	the device declares these addresses, the driver places the rings there
 * @pool_offset: driver: the window's buffer pool (the rings are elsewhere)
 * @pool_size: driver: bytes of the pool
 * @buf_size: driver: bytes of each rpmsg buffer (header and payload)
 *
 * The device's declaration: type 3, id 7, @vdev_notifyid, dfeatures @features, gfeatures 0,
 * config_len 0, status 0, two vrings with da = @shm_da + @vring_offset[k], @align, @num[k],
 * @notifyid[k] and pa 0 - all in little-endian order.
 */
struct ampconf_link {
	uint32_t role;
	volatile void *shm;
	uint64_t shm_da;
	uint64_t shm_size;
	uint64_t vdev_offset;
	uint32_t vdev_notifyid;
	uint32_t features;
	uint32_t num[2];
	uint32_t align;
	uint32_t notifyid[2];
	uint64_t vring_offset[2];
	uint64_t pool_offset;
	uint64_t pool_size;
	uint32_t buf_size;
};

/**
 * struct ampconf_host - what the harness offers the IUT
 * @ctx: pass it back to every call below
 * @notify: kick the peer for the vring whose notify id is @notifyid (required)
 * @received: a message reached an endpoint the harness opened: @ept is what &ampconf_iut_ops.open
 *	returned, @src the sender's address; @data is valid during the call only
 * @service: the peer announced a service by name service (@created 1) or withdrew it (0)
 * @barrier: report a barrier executed between shared-memory accesses (0 write, 1 read,
 *	2 full; &ampconf_iut_ops.flags says whether the IUT does)
 * @log: a line of diagnostics for the session's log
 */
struct ampconf_host {
	void *ctx;
	void (*notify)(void *ctx, uint32_t notifyid);
	void (*received)(void *ctx, int ept, uint32_t src, const void *data, size_t len);
	void (*service)(void *ctx, const char *name, uint32_t addr, int created);
	void (*barrier)(void *ctx, unsigned int kind);
	void (*log)(void *ctx, const char *text);
};

/**
 * struct ampconf_iut_ops - an implementation under test
 * @abi: AMPCONF_IUT_ABI
 * @name: for reports ("openamp-2024.10 remote")
 * @roles: the roles it can play: bit (1 << &enum ampconf_role) each
 * @features: what it implements (AMPCONF_F_*); scenarios needing more are skipped
 * @flags: AMPCONF_IUT_REPORTS_BARRIERS or 0
 * @attach: take the link; a device declares its block here. Return the IUT's context, or NULL
 *	with a reason in @err (@errlen bytes)
 * @start: driver: bring the device up (features, rings, receive buffers, DRIVER_OK) and
 *	return; device: NULL or nothing to do (it notices DRIVER_OK in @poll)
 * @kick: the peer kicked the vring whose notify id is @notifyid
 * @poll: do what is pending without a kick (a device notices status changes here). Return
 *	>= 0, or a negative error (logged). The harness calls it once a round - a poll period of
 *	10 us of simulated time - and counts the link idle after 20 rounds without a store or a
 *	kick from either side: an IUT that defers work has that long to do it
 * @open: create an endpoint: @name ("" for none) announced through the name service when
 *	@announce and the link negotiated it; @addr a fixed address or 0xffffffff for any; @dst the
 *	default destination or 0xffffffff. Store the bound address in *@bound and return a handle
 *	>= 0 (what &ampconf_host.received and @send name), or an error
 * @close: destroy an endpoint (a DESTROY goes out if it was announced)
 * @send: send @len bytes from endpoint @ept to @dst without waiting: 0, -EAGAIN when no
 *	transmit buffer is free now, or another error
 * @reset: driver: take the link down as after a crash of the remote: status 0, every buffer
 *	and endpoint announcement of the session forgotten (the endpoints stay open). The harness
 *	then lets the device notice and calls @start again. NULL when not supported (scenarios
 *	needing it are skipped)
 * @detach: free everything (the window is not touched any more)
 */
struct ampconf_iut_ops {
	uint32_t abi;
	const char *name;
	uint32_t roles;
	uint32_t features;
	uint32_t flags;
	void *(*attach)(const struct ampconf_link *link, const struct ampconf_host *host, char *err,
			size_t errlen);
	int (*start)(void *iut);
	int (*kick)(void *iut, uint32_t notifyid);
	int (*poll)(void *iut);
	int (*open)(void *iut, const char *name, uint32_t addr, uint32_t dst, int announce,
		    uint32_t *bound);
	int (*close)(void *iut, int ept);
	int (*send)(void *iut, int ept, uint32_t dst, const void *data, size_t len);
	int (*reset)(void *iut);
	void (*detach)(void *iut);
};

/**
 * ampconf_iut() - the one symbol an IUT library exports
 * Return: its constant description.
 */
const struct ampconf_iut_ops *ampconf_iut(void);

#ifdef __cplusplus
}
#endif

#endif /* AMPCONF_IUT_H */
