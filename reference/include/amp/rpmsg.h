/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: rpmsg - endpoints, channels, drivers and the name service over virtio links
 *
 * A *node* is one processor's rpmsg stack. It owns any number of *links*; each link is one
 * virtio rpmsg device (two split rings, a buffer pool and a device block) on which this node
 * plays the driver role (what Linux does as a remoteproc host: it owns the buffers, drives the
 * status byte) or the device role (what remote firmware does). Role is per link, so one node can
 * drive two peers and be a device to a third (the peer-to-peer topology).
 *
 * On each link live *endpoints* (an address and a receive callback) and *channels* (a name, a
 * local and a remote address). Channels appear when the peer announces a service through the
 * name service, or when this node creates one; a *driver* registered on the node with an id table
 * of names is probed for each channel whose name it lists, exactly like Linux's rpmsg bus.
 *
 * Memory: nothing is allocated. The caller places every structure (node, link, endpoints,
 * drivers, a channel pool and a work area per link) wherever it likes, statically in firmware.
 *
 * Concurrency: without lock hooks every call on a link must come from one thread (the usual
 * firmware loop). With &amp_rpmsg_platform_ops.lock, any number of threads may send on a link
 * while one thread runs amp_rpmsg_link_poll(); see docs/rpmsg.md for the exact rules.
 *
 * Trust: a link's peer is untrusted. Everything read from shared memory is read once and
 * checked; a defective message is counted, reported and its buffer returned; a peer that breaks
 * the ring protocol breaks only its link (-AMP_EIO until the link is reset).
 */
#ifndef AMP_RPMSG_H
#define AMP_RPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "io.h"
#include "rpmsg_wire.h"
#include "vdev.h"
#include "vring.h"

#ifdef __cplusplus
extern "C" {
#endif

struct amp_rpmsg_node;
struct amp_rpmsg_link;
struct amp_rpmsg_endpoint;
struct amp_rpmsg_channel;

/**
 * enum amp_rpmsg_role - the virtio role this node plays on a link
 * @AMP_RPMSG_DRIVER: the host side: allocates buffers, drives the status byte, receives on
 *	vring0 and transmits on vring1
 * @AMP_RPMSG_DEVICE: the remote side: waits for DRIVER_OK, transmits on vring0 and receives on
 *	vring1 with the driver's buffers
 */
enum amp_rpmsg_role {
	AMP_RPMSG_DRIVER = 0,
	AMP_RPMSG_DEVICE = 1,
};

/**
 * enum amp_rpmsg_lock - what a lock hook protects
 * @AMP_RPMSG_LOCK_TX: a link's transmit ring and transmit buffers
 * @AMP_RPMSG_LOCK_RX: a link's receive ring and held receive buffers
 * @AMP_RPMSG_LOCK_EPT: a link's endpoint and channel tables; held while a user callback runs,
 *	so that an endpoint destroyed on another thread is never called afterwards
 * @AMP_RPMSG_LOCK_BUS: the node's driver list
 */
enum amp_rpmsg_lock {
	AMP_RPMSG_LOCK_TX = 0,
	AMP_RPMSG_LOCK_RX,
	AMP_RPMSG_LOCK_EPT,
	AMP_RPMSG_LOCK_BUS,
	AMP_RPMSG_LOCK_COUNT
};

/**
 * enum amp_rpmsg_event - things a link reports through &amp_rpmsg_platform_ops.event
 * @AMP_RPMSG_EV_LINK_UP: the link is ready (driver: DRIVER_OK written; device: DRIVER_OK seen)
 * @AMP_RPMSG_EV_LINK_DOWN: the link stopped (driver: stopped; device: the driver reset it)
 * @AMP_RPMSG_EV_RING_FAULT: the peer broke the ring protocol; @a = &enum amp_vring_fault,
 *	@b = 0 for the receive ring, 1 for the transmit ring
 * @AMP_RPMSG_EV_BAD_CONFIG: the device block holds values this side cannot use (ring size,
 *	alignment, address); @a = vring index
 * @AMP_RPMSG_EV_BAD_MESSAGE: a received message was malformed and dropped; @a = &enum
 *	amp_rpmsg_defect, @b = destination (or 0 when the header was unreadable)
 * @AMP_RPMSG_EV_BAD_BUFFER: a received descriptor chain cannot hold an rpmsg buffer (wrong
 *	direction, several elements, too short); returned unused; @a = descriptor head
 * @AMP_RPMSG_EV_NO_RECIPIENT: a message to an address with no endpoint was dropped; @a = dst,
 *	@b = src
 * @AMP_RPMSG_EV_NS_WITHOUT_FEATURE: a message to address 53 arrived although F_NS was not
 *	negotiated; dropped; @a = src
 * @AMP_RPMSG_EV_NS_DUPLICATE: a CREATE for a channel that exists; @a = address
 * @AMP_RPMSG_EV_NS_UNKNOWN_DESTROY: a DESTROY for a channel that does not exist; @a = address
 * @AMP_RPMSG_EV_NS_NO_ROOM: a CREATE found the channel pool full; @a = address
 * @AMP_RPMSG_EV_PROBE_FAILED: a driver's probe returned an error; @a = -error
 * @AMP_RPMSG_EV_CHANNEL_CREATED: the peer announced a channel (Linux logs "creating channel");
 *	@a = its remote address; reported before a driver is probed, so that
 *	amp_rpmsg_channel_find(link, NULL, @a) names it
 * @AMP_RPMSG_EV_CHANNEL_DESTROYED: a channel the peer announced goes away (its DESTROY, or the
 *	link went down); @a = its remote address; reported while it can still be found
 * @AMP_RPMSG_EV_COUNT: number of events
 */
enum amp_rpmsg_event {
	AMP_RPMSG_EV_LINK_UP = 0,
	AMP_RPMSG_EV_LINK_DOWN,
	AMP_RPMSG_EV_RING_FAULT,
	AMP_RPMSG_EV_BAD_CONFIG,
	AMP_RPMSG_EV_BAD_MESSAGE,
	AMP_RPMSG_EV_BAD_BUFFER,
	AMP_RPMSG_EV_NO_RECIPIENT,
	AMP_RPMSG_EV_NS_WITHOUT_FEATURE,
	AMP_RPMSG_EV_NS_DUPLICATE,
	AMP_RPMSG_EV_NS_UNKNOWN_DESTROY,
	AMP_RPMSG_EV_NS_NO_ROOM,
	AMP_RPMSG_EV_PROBE_FAILED,
	AMP_RPMSG_EV_CHANNEL_CREATED,
	AMP_RPMSG_EV_CHANNEL_DESTROYED,
	AMP_RPMSG_EV_COUNT
};

/**
 * amp_rpmsg_event_name() - short description of an event
 * @ev: the event
 *
 * Return: a static string.
 */
const char *amp_rpmsg_event_name(enum amp_rpmsg_event ev);

/**
 * struct amp_rpmsg_platform_ops - what the reference needs from the system (all optional)
 * @lock: take the lock @which of @link (@link is NULL for AMP_RPMSG_LOCK_BUS); a plain mutex
 *	per (link, which) is enough: the reference never takes one lock while holding the same
 * @unlock: release it
 * @wait: block until @wake is called for @link or *@timeout_ms milliseconds pass; store the time
 *	left in *@timeout_ms; return 0 when woken, -AMP_ETIMEDOUT when the time is up. It is called
 *	with @link's TX lock held and must release it while blocked (pthread_cond_timedwait() on
 *	the TX mutex does exactly that), so that a wake cannot slip in between. A firmware loop
 *	without interrupts may simply delay and return: the sender looks at the ring again.
 *	Without @wait, blocking sends fail at once like the try variants
 * @wake: wake the threads waiting in @wait on @link
 * @event: a link reports something (&enum amp_rpmsg_event); for logging and tests
 */
struct amp_rpmsg_platform_ops {
	void (*lock)(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock which);
	void (*unlock)(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_lock which);
	int (*wait)(void *ctx, struct amp_rpmsg_link *link, uint32_t *timeout_ms);
	void (*wake)(void *ctx, struct amp_rpmsg_link *link);
	void (*event)(void *ctx, struct amp_rpmsg_link *link, enum amp_rpmsg_event ev, uint32_t a,
		      uint32_t b);
};

/**
 * typedef amp_rpmsg_rx_cb - an endpoint's receive callback
 * @ept: the endpoint
 * @data: the payload, in shared memory the peer may still write: copy what you check
 * @len: payload length (already checked against the buffer)
 * @src: the sender's address
 * @priv: the endpoint's private pointer
 *
 * Runs in amp_rpmsg_link_poll(). It may send (on any link) and may hold the buffer with
 * amp_rpmsg_hold_rx_buffer(); it must not create or destroy endpoints on its own link.
 *
 * Return: 0; a negative value is counted but changes nothing (Linux ignores it too).
 */
typedef int (*amp_rpmsg_rx_cb)(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
			       void *priv);

/**
 * struct amp_rpmsg_endpoint - an address on a link (fields private)
 *
 * Placed by the caller; valid from amp_rpmsg_endpoint_create() to amp_rpmsg_endpoint_destroy().
 */
struct amp_rpmsg_endpoint {
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_endpoint *next;
	struct amp_rpmsg_channel *channel;
	amp_rpmsg_rx_cb cb;
	void *priv;
	uint32_t addr;
	uint32_t dst;
	char name[AMP_RPMSG_NAME_SIZE];
	bool announce;  /* announce @name through the name service */
	bool announced; /* a CREATE went out on the current link session */
	bool bind_dst;  /* @dst is ANY: take it from the first message received */
};

/**
 * struct amp_rpmsg_endpoint_config - how to create an endpoint
 * @name: service name, up to 31 characters; NULL or "" for an anonymous endpoint
 * @addr: fixed local address, or AMP_RPMSG_ADDR_ANY for the lowest free address >= 1024
 * @dst: default destination for amp_rpmsg_send(), or AMP_RPMSG_ADDR_ANY to bind it to the
 *	source of the first message received (what OpenAMP does)
 * @cb: receive callback (may be NULL: messages are then dropped and counted)
 * @priv: passed to @cb
 * @announce: send a name-service CREATE for @name (when and whenever the link is up with
 *	F_NS) and a DESTROY when the endpoint is destroyed
 */
struct amp_rpmsg_endpoint_config {
	const char *name;
	uint32_t addr;
	uint32_t dst;
	amp_rpmsg_rx_cb cb;
	void *priv;
	bool announce;
};

/**
 * struct amp_rpmsg_device_id - one entry of a driver's id table
 * @name: a channel name the driver serves; the table ends with an entry whose name is NULL
 */
struct amp_rpmsg_device_id {
	const char *name;
};

/**
 * struct amp_rpmsg_driver - a service driver on the node's bus (like Linux struct rpmsg_driver)
 * @id_table: the channel names this driver serves
 * @probe: a matching channel appeared; its endpoint exists. Return 0 to bind, a negative error
 *	to decline (the channel stays unbound)
 * @remove: the channel is going away; its endpoint is still usable
 * @callback: a message arrived on a bound channel's endpoint
 * @next: private
 *
 * Placed by the caller; registered with amp_rpmsg_driver_register().
 */
struct amp_rpmsg_driver {
	const struct amp_rpmsg_device_id *id_table;
	int (*probe)(struct amp_rpmsg_channel *ch);
	void (*remove)(struct amp_rpmsg_channel *ch);
	int (*callback)(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src);
	struct amp_rpmsg_driver *next;
};

/**
 * struct amp_rpmsg_channel - a named service on a link (fields private but for @priv)
 * @priv: the driver's data
 *
 * Channels live in the pool the link was given (&amp_rpmsg_link_config.channels).
 */
struct amp_rpmsg_channel {
	void *priv;
	/* private */
	struct amp_rpmsg_link *link;
	struct amp_rpmsg_driver *driver;
	struct amp_rpmsg_endpoint ept;
	char name[AMP_RPMSG_NAME_SIZE];
	uint32_t src;
	uint32_t dst;
	bool in_use;
	bool from_peer; /* created by the peer's announcement; goes away with the link */
	bool bound;     /* a driver's probe accepted it */
};

/**
 * struct amp_rpmsg_stats - what a link counted since amp_rpmsg_link_init()
 * @rx_messages: messages delivered to an endpoint callback
 * @tx_messages: messages sent
 * @events: how often each &enum amp_rpmsg_event was reported
 * @defects: received messages dropped, by &enum amp_rpmsg_defect
 */
struct amp_rpmsg_stats {
	uint64_t rx_messages;
	uint64_t tx_messages;
	uint32_t events[AMP_RPMSG_EV_COUNT];
	uint32_t defects[AMP_RPMSG_DEFECT_COUNT];
};

/**
 * struct amp_rpmsg_buffer_counts - where a link's buffers are (the conservation check)
 * @rx_with_peer: receive buffers the peer holds (driver: posted on vring0; device: 0)
 * @rx_held: received buffers held by the application (amp_rpmsg_hold_rx_buffer())
 * @tx_free: transmit buffers this side can use without waiting
 * @tx_reserved: transmit buffers taken by amp_rpmsg_get_tx_buffer() and not yet sent or released
 * @tx_with_peer: transmit buffers sent and not yet returned (driver role)
 * @total: driver role: rx + tx buffers in the pool; device role: buffers taken from the peer and
 *	not yet returned (a device must end at 0 when idle)
 *
 * Driver role: rx_with_peer + rx_held = rx count and tx_free + tx_reserved + tx_with_peer = tx
 * count at all times, whatever the peer sends.
 */
struct amp_rpmsg_buffer_counts {
	uint32_t rx_with_peer;
	uint32_t rx_held;
	uint32_t tx_free;
	uint32_t tx_reserved;
	uint32_t tx_with_peer;
	uint32_t total;
};

/**
 * typedef amp_rpmsg_notify_fn - kick the peer
 * @ctx: &amp_rpmsg_link_config.notify_ctx
 * @notifyid: the ring's notify id from the device block
 */
typedef void (*amp_rpmsg_notify_fn)(void *ctx, uint32_t notifyid);

/**
 * struct amp_rpmsg_link_config - one virtio rpmsg device, seen from one side
 * @role: driver (host) or device (remote)
 * @vdev: the device block in shared memory (struct fw_rsc_vdev layout, amp/vdev.h)
 * @io: byte order of the link and store hooks. On a legacy device the byte order is the
 *	driver's native one, so a big-endian remote talking to a little-endian host says LITTLE
 * @addr: device address <-> local pointer translation; bounds every peer-supplied address
 * @features: rpmsg device features this side supports (AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS)
 *	and the transport bits AMP_VIRTIO_F_EVENT_IDX, AMP_VIRTIO_F_INDIRECT_DESC). Driver: the
 *	negotiated set is the device's offer intersected with this; device: only F_NS counts,
 *	saying whether this side runs the name service at all (what is offered is in the block,
 *	and the driver's gfeatures decide whether it is used)
 * @ring: driver only: local memory for vring0 and vring1 (the driver places the rings and
 *	writes their device addresses into the block), each @ring_size[i] bytes
 * @ring_size: sizes of @ring
 * @pool: driver only: the buffer pool (receive buffers first, then transmit buffers)
 * @pool_size: bytes in @pool
 * @rx_buf_size: driver only: receive buffer size (0: 512)
 * @tx_buf_size: driver only: transmit buffer size (0: 512)
 * @rx_bufs: driver only: number of receive buffers (0: min(vring0 num, 256), Linux's split of
 *	min(2 x num, 512))
 * @tx_bufs: driver only: number of transmit buffers (0: min(vring1 num, 256))
 * @openamp_used_len: device only: return consumed receive buffers with used length = buffer
 *	length instead of 0 (the spec's value); OpenAMP's driver role needs it
 * @work: local memory for the link's bookkeeping, AMP_RPMSG_LINK_WORK_SIZE(largest num) bytes,
 *	8-byte aligned, not shared with the peer; the queue sizes in the device block are checked
 *	against it at every link-up
 * @work_size: bytes in @work
 * @channels: pool of channel structures for this link
 * @channel_count: entries in @channels
 * @notify: kicks the peer
 * @notify_ctx: passed to @notify
 * @tx_timeout_ms: how long blocking sends wait for a buffer (0: 15000, Linux's value)
 */
struct amp_rpmsg_link_config {
	enum amp_rpmsg_role role;
	volatile void *vdev;
	struct amp_io io;
	struct amp_addr_map addr;
	uint32_t features;
	void *ring[2];
	size_t ring_size[2];
	void *pool;
	size_t pool_size;
	uint32_t rx_buf_size;
	uint32_t tx_buf_size;
	uint32_t rx_bufs;
	uint32_t tx_bufs;
	bool openamp_used_len;
	void *work;
	size_t work_size;
	struct amp_rpmsg_channel *channels;
	uint32_t channel_count;
	amp_rpmsg_notify_fn notify;
	void *notify_ctx;
	uint32_t tx_timeout_ms;
};

/**
 * struct amp_rpmsg_bufrec - local record of one buffer (private)
 * @va: the buffer in shared memory
 * @size: its length
 * @state: who has it (private AMP_RPMSG_BUF_* values)
 */
struct amp_rpmsg_bufrec {
	volatile uint8_t *va;
	uint32_t size;
	uint8_t state;
};

/**
 * AMP_RPMSG_LINK_WORK_SIZE() - bytes of local bookkeeping a link needs
 * @max_num: largest queue size of either ring
 *
 * Per ring: the ring's slot array, a buffer record per descriptor and a 16-bit free list.
 */
#define AMP_RPMSG_LINK_WORK_SIZE(max_num)                                                          \
	(2 * (AMP_VRING_SLOTS_SIZE(max_num) +                                                      \
	      (size_t)(max_num) * (sizeof(struct amp_rpmsg_bufrec) + sizeof(uint16_t))) +          \
	 64)

/**
 * struct amp_rpmsg_link - one side of one rpmsg link (fields private)
 */
struct amp_rpmsg_link {
	struct amp_rpmsg_node *node;
	struct amp_rpmsg_link *next;
	struct amp_rpmsg_link_config cfg;
	const struct amp_rpmsg_transport_ops *ops;
	/* rings from this side's point of view: rx = vring0 for the driver, vring1 for the device
	 */
	struct amp_vring rx_vq;
	struct amp_vring tx_vq;
	struct amp_vring_slot *slots[2];
	uint32_t notifyid[2];
	uint64_t features; /* negotiated: rpmsg bits and transport bits */
	bool up;
	bool ns;               /* F_NS negotiated and the name-service endpoint is bound */
	bool broken;           /* a ring fault or a bad device block: waits for reset */
	bool started;          /* driver: amp_rpmsg_link_start() ran */
	bool wait_reset;       /* device: stay down until the driver resets the device */
	bool announce_pending; /* an endpoint waits for its name-service CREATE */
	bool tx_more;          /* messages were queued with AMP_RPMSG_MORE and not published */
	uint32_t sleepers;     /* senders waiting for a transmit buffer */
	uint32_t session;      /* increments at every link-up: stale held buffers are recognised */
	/* buffers: records per receive and per transmit buffer (driver: per pool buffer, receive
	 * buffers first; device: per descriptor head of vring1, then of vring0) */
	struct amp_rpmsg_bufrec *rx_rec;
	struct amp_rpmsg_bufrec *tx_rec;
	uint32_t rx_count, tx_count;
	uint32_t rx_size, tx_size; /* driver: configured sizes; device: tx_size learned */
	volatile uint8_t *rx_base, *tx_base;
	/* free transmit buffers: driver: pool indices, oldest first (a FIFO keeps each buffer on
	 * the same descriptor lap after lap, so the descriptor stores are skipped); device: heads
	 * of chains taken from vring0 and not used yet */
	uint16_t *tx_free;
	uint32_t tx_free_head, tx_free_len;
	uint32_t tx_reserved;
	uint32_t rx_held;
	/* the receive being delivered (for amp_rpmsg_hold_rx_buffer()) */
	struct amp_rpmsg_bufrec *rx_current;
	bool rx_current_held;
	/* endpoints, sorted by address */
	struct amp_rpmsg_endpoint *epts;
	struct amp_rpmsg_stats stats;
};

/**
 * struct amp_rpmsg_node - one processor's rpmsg stack (fields private)
 */
struct amp_rpmsg_node {
	struct amp_rpmsg_link *links;
	struct amp_rpmsg_driver *drivers;
	const struct amp_rpmsg_platform_ops *ops;
	void *ctx;
	bool locking; /* ops has lock and unlock: looked up once, tested on every message */
};

/**
 * amp_rpmsg_node_init() - prepare a node
 * @node: placed by the caller
 * @ops: platform hooks (may be NULL); lock and unlock are used only as a pair
 * @ctx: passed to every hook
 */
void amp_rpmsg_node_init(struct amp_rpmsg_node *node, const struct amp_rpmsg_platform_ops *ops,
			 void *ctx);

/**
 * amp_rpmsg_link_init() - attach a link to a node
 * @link: placed by the caller
 * @node: the node
 * @cfg: the configuration (copied; the memory it points to must outlive the link)
 *
 * Checks the configuration; touches no shared memory. A driver link then needs
 * amp_rpmsg_link_start(); a device link comes up in amp_rpmsg_link_poll() once the driver
 * wrote DRIVER_OK.
 *
 * Return: 0 or -AMP_EINVAL.
 */
int amp_rpmsg_link_init(struct amp_rpmsg_link *link, struct amp_rpmsg_node *node,
			const struct amp_rpmsg_link_config *cfg);

/**
 * amp_rpmsg_link_start() - driver role: bring the device up, as Linux rpmsg_probe() does
 * @link: a driver link
 *
 * Status 0 (reset), ACK, DRIVER; reads dfeatures, writes gfeatures = dfeatures & supported;
 * places and zeroes both rings and writes their addresses; posts every receive buffer on
 * vring0; status DRIVER_OK; then the single "host online" kick on vring0. With F_NS the
 * name-service endpoint is bound and every endpoint and channel marked for announcement is
 * announced.
 *
 * Return: 0, -AMP_EINVAL for a device block this driver cannot use (ring larger than its memory
 * or &amp_rpmsg_link_config.max_num, bad alignment, pool too small), -AMP_EBUSY if started.
 */
int amp_rpmsg_link_start(struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_stop() - take the link down
 * @link: the link
 *
 * Announced endpoints and channels send DESTROY (while the link can still carry them), channels
 * that came from the peer are removed (drivers' remove callbacks), then a driver link writes
 * status 0 (reset) and takes every buffer back. A device link just stops using the rings; its
 * endpoints stay and are announced again when the link comes back.
 */
void amp_rpmsg_link_stop(struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_remove() - stop the link and detach it from its node
 * @link: the link; its memory and work area may be reused once this returned 0
 *
 * Channels the link still holds are destroyed (drivers' remove callbacks). Endpoints the
 * application created on the link must be destroyed before.
 *
 * Return: 0, or -AMP_EBUSY when an application endpoint remains (nothing is changed then).
 */
int amp_rpmsg_link_remove(struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_poll() - the link's interrupt entry: do all pending receive work
 * @link: the link
 *
 * Device role: follows the status byte (link up at DRIVER_OK, down at reset) and sends pending
 * announcements. Both roles: delivers every received message, returns the buffers in one batch
 * and notifies the peer if it asked; publishes messages left queued with AMP_RPMSG_MORE; wakes
 * blocked senders when buffers came back. Call it when
 * the peer kicks (any notify id of the link: spurious calls are harmless) or in a loop.
 *
 * Return: number of messages delivered, or -AMP_EIO when the link is broken.
 */
int amp_rpmsg_link_poll(struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_is_up() - is the link ready to carry messages?
 * @link: the link
 *
 * Return: true between link-up and link-down.
 */
bool amp_rpmsg_link_is_up(const struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_features() - negotiated features
 * @link: the link
 *
 * Return: the gfeatures word of the current link session (0 while down).
 */
uint64_t amp_rpmsg_link_features(const struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_stats() - counters
 * @link: the link
 *
 * Return: the link's statistics (valid as long as the link).
 */
const struct amp_rpmsg_stats *amp_rpmsg_link_stats(const struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_link_buffers() - where the link's buffers are now
 * @link: the link
 * @counts: filled
 */
void amp_rpmsg_link_buffers(struct amp_rpmsg_link *link, struct amp_rpmsg_buffer_counts *counts);

/**
 * amp_rpmsg_link_payload_size() - largest payload a transmit buffer holds
 * @link: the link
 *
 * Return: transmit buffer size - 16 (driver), or the size learned from the last transmit
 * descriptor the peer offered (device; 0 before the first one).
 */
uint32_t amp_rpmsg_link_payload_size(const struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_endpoint_create() - bind an address on a link
 * @ept: placed by the caller
 * @link: the link
 * @cfg: address, name, callback
 *
 * Return: 0; -AMP_EBUSY when the fixed address is taken (53 is the name service's when the
 * link supports F_NS); -AMP_ENOSPC when no dynamic address is left; -AMP_EINVAL for a name
 * longer than 31 characters or announce without a name.
 */
int amp_rpmsg_endpoint_create(struct amp_rpmsg_endpoint *ept, struct amp_rpmsg_link *link,
			      const struct amp_rpmsg_endpoint_config *cfg);

/**
 * amp_rpmsg_endpoint_destroy() - unbind an endpoint
 * @ept: the endpoint
 *
 * Sends a name-service DESTROY first if the endpoint was announced. When it returns, the
 * callback is not running and will not run again.
 */
void amp_rpmsg_endpoint_destroy(struct amp_rpmsg_endpoint *ept);

/**
 * amp_rpmsg_endpoint_addr() - local address of an endpoint
 * @ept: the endpoint
 *
 * Return: the address.
 */
static inline uint32_t amp_rpmsg_endpoint_addr(const struct amp_rpmsg_endpoint *ept)
{
	return ept->addr;
}

/**
 * amp_rpmsg_endpoint_dst() - default destination of an endpoint
 * @ept: the endpoint
 *
 * Return: the destination, or AMP_RPMSG_ADDR_ANY while unbound.
 */
static inline uint32_t amp_rpmsg_endpoint_dst(const struct amp_rpmsg_endpoint *ept)
{
	return ept->dst;
}

/*
 * The send family (Linux semantics). The plain variants wait up to the link's transmit timeout
 * for a free buffer (through &amp_rpmsg_platform_ops.wait) and return -AMP_ETIMEDOUT; the try
 * variants return -AMP_ENOMEM at once. All return 0 on success, -AMP_EMSGSIZE when @len exceeds
 * the buffer's payload size, -AMP_EINVAL for a source or destination of RPMSG_ADDR_ANY,
 * -AMP_ENOTCONN when the link is down, -AMP_EIO when it is broken.
 *
 * send:            from the endpoint's address to its default destination
 * sendto:          from the endpoint's address to @dst
 * send_offchannel: from @src to @dst, over the endpoint's link
 */
int amp_rpmsg_send(struct amp_rpmsg_endpoint *ept, const void *data, size_t len);
int amp_rpmsg_sendto(struct amp_rpmsg_endpoint *ept, const void *data, size_t len, uint32_t dst);
int amp_rpmsg_send_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
			      const void *data, size_t len);
int amp_rpmsg_trysend(struct amp_rpmsg_endpoint *ept, const void *data, size_t len);
int amp_rpmsg_trysendto(struct amp_rpmsg_endpoint *ept, const void *data, size_t len, uint32_t dst);
int amp_rpmsg_trysend_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
				 const void *data, size_t len);

/* Flags of amp_rpmsg_send_flags(). */
#define AMP_RPMSG_NONBLOCK 0x1u /* fail with -AMP_ENOMEM instead of waiting for a buffer */
#define AMP_RPMSG_MORE     0x2u /* more messages follow: publication and notification may wait */

/**
 * amp_rpmsg_send_flags() - the general send
 * @ept: the endpoint whose link carries the message
 * @src: source address
 * @dst: destination address
 * @data: payload
 * @len: payload length
 * @flags: AMP_RPMSG_NONBLOCK, AMP_RPMSG_MORE
 *
 * With AMP_RPMSG_MORE the message is queued in the ring but neither published nor notified,
 * like MSG_MORE on a socket: the next send without it, amp_rpmsg_flush(), or the link's next
 * amp_rpmsg_link_poll() publishes every queued message with one index store and makes one
 * notification decision. A sender that runs out of buffers publishes what it queued before it
 * waits. This is how a stream avoids paying a full barrier and a kick per message.
 *
 * Return: as for amp_rpmsg_send().
 */
int amp_rpmsg_send_flags(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
			 const void *data, size_t len, unsigned int flags);

/**
 * amp_rpmsg_flush() - publish messages queued with AMP_RPMSG_MORE
 * @link: the link
 */
void amp_rpmsg_flush(struct amp_rpmsg_link *link);

/**
 * amp_rpmsg_get_tx_buffer() - zero-copy: reserve a transmit buffer
 * @ept: the endpoint that will send it
 * @data: set to the payload area (in shared memory)
 * @size: set to the payload capacity
 * @wait: wait up to the transmit timeout for a buffer (else fail with -AMP_ENOMEM at once)
 *
 * The buffer must then be sent with one of the *_nocopy calls or given back with
 * amp_rpmsg_release_tx_buffer().
 *
 * Return: 0 or a negative error as for the send family.
 */
int amp_rpmsg_get_tx_buffer(struct amp_rpmsg_endpoint *ept, void **data, uint32_t *size, bool wait);

/*
 * Zero-copy sends of a buffer from amp_rpmsg_get_tx_buffer() whose first @len payload bytes the
 * caller filled. On success the buffer belongs to the peer; on failure it stays reserved.
 */
int amp_rpmsg_send_nocopy(struct amp_rpmsg_endpoint *ept, void *data, size_t len);
int amp_rpmsg_sendto_nocopy(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t dst);
int amp_rpmsg_send_offchannel_nocopy(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
				     void *data, size_t len);

/**
 * amp_rpmsg_release_tx_buffer() - zero-copy: give back a reserved buffer unsent
 * @ept: the endpoint
 * @data: the payload pointer amp_rpmsg_get_tx_buffer() returned
 *
 * Return: 0, or -AMP_EINVAL when @data is not a reserved buffer of this link.
 */
int amp_rpmsg_release_tx_buffer(struct amp_rpmsg_endpoint *ept, void *data);

/**
 * amp_rpmsg_hold_rx_buffer() - keep the buffer being delivered after the callback returns
 * @ept: the endpoint whose callback is running
 * @data: the payload pointer the callback received
 *
 * Only valid inside the receive callback. The buffer stays out of the ring until
 * amp_rpmsg_release_rx_buffer(); the peer has one receive buffer less meanwhile.
 *
 * Return: 0, or -AMP_EINVAL when @data is not the buffer being delivered.
 */
int amp_rpmsg_hold_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data);

/**
 * amp_rpmsg_release_rx_buffer() - return a held receive buffer to the peer
 * @ept: the endpoint
 * @data: the payload pointer that was held
 *
 * A buffer held across a link reset is simply forgotten (the ring it belonged to is gone).
 *
 * Return: 0, or -AMP_EINVAL when @data is not a held buffer of this link.
 */
int amp_rpmsg_release_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data);

/**
 * amp_rpmsg_driver_register() - add a driver to the node's bus
 * @node: the node
 * @drv: placed by the caller; its id table must stay valid
 *
 * Probes every unbound channel of every link whose name is in the id table.
 *
 * Return: 0, or -AMP_EINVAL for a driver without id table or probe.
 */
int amp_rpmsg_driver_register(struct amp_rpmsg_node *node, struct amp_rpmsg_driver *drv);

/**
 * amp_rpmsg_driver_unregister() - remove a driver; its channels are unbound (remove called)
 * @node: the node
 * @drv: a registered driver
 */
void amp_rpmsg_driver_unregister(struct amp_rpmsg_node *node, struct amp_rpmsg_driver *drv);

/**
 * amp_rpmsg_channel_create() - create a local channel (and probe a driver for it)
 * @link: the link
 * @name: service name (1..31 characters)
 * @src: local address, or AMP_RPMSG_ADDR_ANY for a dynamic one
 * @dst: remote address, or AMP_RPMSG_ADDR_ANY when the peer will speak first
 * @ch: set to the channel
 *
 * As in Linux, a channel with a fixed @src is announced to the peer (CREATE when bound and the
 * link is up with F_NS, DESTROY on removal): this is how a host offers a service to a remote
 * (host-announced name service). A channel with a dynamic @src is not announced.
 *
 * Return: 0, -AMP_EEXIST for a channel with the same name and @dst, -AMP_ENOSPC when the pool is
 * full, -AMP_EBUSY when @src is taken, -AMP_EINVAL for a bad name.
 */
int amp_rpmsg_channel_create(struct amp_rpmsg_link *link, const char *name, uint32_t src,
			     uint32_t dst, struct amp_rpmsg_channel **ch);

/**
 * amp_rpmsg_channel_destroy() - remove a channel (driver's remove, DESTROY if announced)
 * @ch: the channel
 */
void amp_rpmsg_channel_destroy(struct amp_rpmsg_channel *ch);

/**
 * amp_rpmsg_channel_endpoint() - the endpoint of a channel (to send with)
 * @ch: the channel
 *
 * Return: the endpoint; its default destination is the channel's remote address.
 */
static inline struct amp_rpmsg_endpoint *amp_rpmsg_channel_endpoint(struct amp_rpmsg_channel *ch)
{
	return &ch->ept;
}

/**
 * amp_rpmsg_channel_link() - the link a channel lives on
 * @ch: the channel
 *
 * Return: the link (a driver serving several remotes tells them apart by it).
 */
static inline struct amp_rpmsg_link *amp_rpmsg_channel_link(const struct amp_rpmsg_channel *ch)
{
	return ch->link;
}

/**
 * amp_rpmsg_channel_driver() - the driver bound to a channel
 * @ch: the channel
 *
 * Return: the driver, or NULL while none is bound. A driver placed in a larger structure finds
 * it from here (Linux: to_rpmsg_driver(rpdev->dev.driver)), so its callbacks need no globals.
 */
static inline struct amp_rpmsg_driver *amp_rpmsg_channel_driver(const struct amp_rpmsg_channel *ch)
{
	return ch->driver;
}

/**
 * amp_rpmsg_channel_name() - the channel's service name
 * @ch: the channel
 *
 * Return: the NUL-terminated name.
 */
static inline const char *amp_rpmsg_channel_name(const struct amp_rpmsg_channel *ch)
{
	return ch->name;
}

/**
 * amp_rpmsg_channel_find() - look a channel up by name and remote address
 * @link: the link
 * @name: service name, or NULL for any
 * @dst: remote address, or AMP_RPMSG_ADDR_ANY for any
 *
 * Return: the channel or NULL.
 */
struct amp_rpmsg_channel *amp_rpmsg_channel_find(struct amp_rpmsg_link *link, const char *name,
						 uint32_t dst);

#ifdef __cplusplus
}
#endif

#endif /* AMP_RPMSG_H */
