/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checker's state: a shadow of the shared bytes written, the links found, each link's
 * device block, vrings, buffers, name-service records and notification bookkeeping, and the
 * verdicts. Private to conformance/src/check*.c.
 */
#ifndef AMPCHECK_INTERNAL_H
#define AMPCHECK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "amptrace/check.h"
#include "rules_table.h"

/* Links a trace may show: a board has one per remote plus its peer-to-peer links. */
#define CK_MAX_LINKS 32
/* Descriptors over all vrings of all links: 2^18 entries bound the checker's ring state to a
 * few MiB whatever a hostile block declares (32768 is the largest legal vring). */
#define CK_MAX_RING_ENTRIES (1u << 18)
/* Shadow of written shared memory, in 4 KiB pages: 12288 pages = 48 MiB keeps the checker
 * under the 64 MiB the benchmark allows; a board's shared memory is far smaller. */
#define CK_PAGE_SHIFT 12
#define CK_PAGE_SIZE  (1u << CK_PAGE_SHIFT)
#define CK_MAX_PAGES  12288u
/* Recently touched pages kept at hand, direct-mapped by page number (a power of two): 4 MiB
 * of consecutive shared memory without a collision - a link's rings and its 256 KiB of buffers
 * do not evict each other. */
#define CK_RECENT 1024u
/* Publications a vring direction remembers until a kick settles them; more collapse into
 * their oldest (a peer that never kicks shows after the first). */
#define CK_MAX_PENDING 64
/* Mailbox messages waiting for their FIFO's reader to be known; a FIFO holds a few. */
#define CK_MAX_QUEUED 64
/* Name-service records and endpoint addresses remembered per link. */
#define CK_MAX_NS    128
#define CK_MAX_ADDRS 256

#define CK_NONE   0xffffu /* no initiator */
#define CK_DRIVER 0
#define CK_DEVICE 1
#define CK_OTHER  2

#define VRING_DESC_F_NEXT     1u
#define VRING_DESC_F_WRITE    2u
#define VRING_DESC_F_INDIRECT 4u
#define STATUS_ACK            1u
#define STATUS_DRIVER         2u
#define STATUS_DRIVER_OK      4u
#define STATUS_FAILED         0x80u
#define FEATURE_NS            0u
#define FEATURE_INDIRECT      28u
#define FEATURE_EVENT_IDX     29u
#define RPMSG_HDR             16u
#define RPMSG_NS_ADDR         53u
#define RPMSG_NS_LEN          40u
#define RPMSG_ADDR_ANY        0xffffffffu
#define MBOX_CONTROL          0xffffff00u /* remoteproc mailbox control messages (RP_MBOX_*) */

/* Descriptor states: the driver's until an avail.idx exposes it, the device's until a used
 * element returns it. */
enum ck_desc_state { DESC_FREE, DESC_AVAIL };

/* What a device publication or a driver publication did for its kick. */
enum ck_want { WANT_NO, WANT_YES, WANT_EITHER };

struct ck_desc {
	uint64_t addr; /* trace address of the buffer (0 when it maps nowhere) */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
	uint8_t state;
	bool head;
	uint16_t chain;   /* the head of the chain it belongs to while available */
	uint32_t written; /* bytes the device wrote into it while it owned it */
	bool unbound;     /* it carries a message to an address its receiver never made known */
	uint32_t buf;     /* its buffer's index in the link's buffers when last exposed (a hint:
			     an index moves when a buffer is added below it) */
	uint64_t exposed_seq;
	uint64_t exposed_time;
};

struct ck_pub {
	uint64_t seq;
	uint64_t time;
	uint16_t initiator;
	uint8_t want;
	bool early;        /* an empty kick came after the publication before it */
	bool after_change; /* first one the peer asked for after it re-enabled kicks */
};

/* One direction of notifications on one vring: [0] driver publishes (avail), [1] device (used). */
struct ck_notify {
	struct ck_pub pending[CK_MAX_PENDING];
	unsigned int npending;
	bool empty_kick; /* a kick with nothing to announce came after the last publication */
	bool changed;    /* the peer re-enabled kicks since the last publication */
	/* seq+1 of a publication neither kicked nor followed by a full barrier, and its time */
	uint64_t unfenced;
	uint64_t unfenced_time;
};

struct ck_vring {
	bool active; /* its layout is known and mapped */
	uint32_t da, align, num, notifyid;
	uint32_t image_notifyid;
	uint64_t desc, avail, avail_end, used, end; /* trace addresses */
	uint16_t avail_idx, used_idx;
	bool published; /* an avail.idx exposed something since allocation or reset */
	bool device_published;
	bool after_reset; /* reset since the link was ready: the device restarts at index 0 */
	bool avail_event_written;
	bool used_flags_by_device; /* the device wrote used.flags since allocation or reset */
	int first_elem_slot;       /* the device's first used element slot since a reset, or -1 */
	struct ck_desc *d;
	uint64_t *returned; /* vring0: addresses returned, not yet re-posted (FIFO of num) */
	unsigned int ret_head, ret_count;
	uint64_t entry_store_seq;      /* driver: seq+1 of its last entry/buffer store */
	uint64_t elem_store_seq;       /* device: seq+1 of its last element/buffer store */
	uint64_t max_returned_exposed; /* vring1: the latest exposure the device returned */
	struct ck_notify notify[2];
};

struct ck_ns {
	char name[33];
	uint32_t addr;
	uint8_t side;
	bool active;
};

/* A buffer a descriptor pointed at, by trace address (sorted), with who holds it now. */
struct ck_buf {
	uint64_t addr;
	uint32_t len;
	uint8_t vring;
	uint16_t desc;
};

struct ck_link {
	uint64_t block;      /* trace address of the device block (the vdev entry's type word) */
	uint32_t block_size; /* 28 + 20 * num_of_vrings + config_len */
	uint32_t nvrings;
	uint16_t region;
	uint16_t initiator[2]; /* [CK_DRIVER], [CK_DEVICE] */
	bool big;
	bool started; /* the driver has written the status */
	uint8_t status;
	uint64_t driver_ok_seq; /* seq+1 of the store that set DRIVER_OK, 0 when not set */
	uint64_t reset_seq;     /* seq+1 of the last reset (status 0 after a nonzero status) */
	bool ever_ok;           /* DRIVER_OK was set since the block was found */
	bool vring0_kick_owed;
	uint64_t vring0_kick_owed_seq, vring0_kick_owed_time;
	bool vring0_kicked; /* the driver kicked vring0 since DRIVER_OK */
	bool device_announced;
	struct ck_vring vr[2];
	struct ck_buf *bufs;
	unsigned int nbufs, bufcap;
	unsigned int last_buf[2]; /* per side, the buffer its last buffer store hit (stores come
				     in runs, and the sides' runs interleave) */
	uint32_t max_buf_len;     /* the longest buffer seen */
	struct ck_ns ns[CK_MAX_NS];
	unsigned int nns;
	uint32_t addrs[2][CK_MAX_ADDRS]; /* per side: addresses announced or sent from */
	unsigned int naddrs[2];
	uint64_t lo, hi; /* bounds of everything the link owns, for a fast miss */
};

/* A mailbox FIFO: who reads it, and what was written before anybody was seen reading. */
struct ck_fifo {
	uint16_t reader;
	unsigned int nqueued;
	struct ck_queued {
		uint64_t seq, time, barrier;
		uint16_t initiator;
		uint32_t value;
	} queued[CK_MAX_QUEUED];
};

struct ck_page {
	uint64_t key; /* page number + 1; 0 = empty slot */
	uint8_t *bytes;
};

struct ampcheck {
	struct ampcheck_options opt;
	unsigned int sides;
	const struct amptrace_table *table;
	struct ampcheck_verdict verdict[AMPCHECK_RULES];
	struct ck_link link[CK_MAX_LINKS];
	unsigned int nlinks;
	uint64_t ring_entries;
	struct ck_page *pages; /* open addressing, 2 * CK_MAX_PAGES slots */
	unsigned int npages;
	/* the pages touched lately, direct-mapped by page number: an event touches a buffer page,
	 * then the descriptor, avail or used page of its ring, and one entry would thrash */
	struct ck_page recent[CK_RECENT];
	struct ck_fifo *fifo[AMPTRACE_MAX_IDS]; /* per mailbox region, 256 FIFOs each, lazily */
	uint64_t barrier[AMPTRACE_MAX_IDS];     /* per initiator: seq+1 of its last barrier */
	bool has_barriers[AMPTRACE_MAX_IDS];
	const struct amptrace_event *ev;     /* the event being judged */
	uint8_t payload[AMPTRACE_MAX_STORE]; /* a decoded message's payload, for the caller */
	bool failed;
	char error[AMPTRACE_ERROR_SIZE];
};

/* The rule had something to judge (called for every judgement: kept inline). */
static inline void ck_exercise(struct ampcheck *ck, unsigned int rule)
{
	ck->verdict[rule].exercised++;
}

/* check.c: verdicts, shadow memory, helpers */
void ck_violate(struct ampcheck *ck, unsigned int rule, int deviation, uint8_t side, uint64_t seq,
		uint64_t time, uint16_t initiator, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
void ck_violate_now(struct ampcheck *ck, unsigned int rule, int deviation, uint8_t side,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ck_decoded(struct ampcheck *ck, const struct ck_link *l, struct ampcheck_decoded *d,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* ck_decoded() only when a caller listens: the record is not even built otherwise (the
 * checker's hot paths report on every descriptor). */
#define CK_DECODED(ck, l, ...)                                                                     \
	do {                                                                                       \
		if ((ck)->opt.decoded)                                                             \
			ck_decoded(ck, l, __VA_ARGS__);                                            \
	} while (0)
int ck_fail(struct ampcheck *ck, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ck_shadow_read(struct ampcheck *ck, uint64_t addr, void *out, uint32_t size);

/*
 * The shadow's bytes at @addr when all @size of them lie on a page touched lately (nearly every
 * ring field the checker reads: its ring was just written), else NULL.
 */
static inline const uint8_t *ck_shadow_at(const struct ampcheck *ck, uint64_t addr, uint32_t size)
{
	const struct ck_page *p = &ck->recent[(addr >> CK_PAGE_SHIFT) & (CK_RECENT - 1)];
	uint32_t off = (uint32_t)(addr & (CK_PAGE_SIZE - 1));

	return p->key == (addr >> CK_PAGE_SHIFT) + 1 && off + size <= CK_PAGE_SIZE ? p->bytes + off
										   : NULL;
}

/* @size bytes of the shadow at @addr: where they lie, or copied into @tmp (@size bytes). */
static inline const uint8_t *ck_shadow_bytes(struct ampcheck *ck, uint64_t addr, uint32_t size,
					     uint8_t *tmp)
{
	const uint8_t *p = ck_shadow_at(ck, addr, size);

	if (!p) {
		ck_shadow_read(ck, addr, tmp, size);
		p = tmp;
	}
	return p;
}

/* Fields at @p in the link's byte order. */
static inline uint16_t ck_get16(const struct ck_link *l, const uint8_t *p)
{
	return l->big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t ck_get32(const struct ck_link *l, const uint8_t *p)
{
	if (l->big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t ck_get64(const struct ck_link *l, const uint8_t *p)
{
	uint64_t a = ck_get32(l, p), b = ck_get32(l, p + 4);

	return l->big ? a << 32 | b : b << 32 | a;
}

/* Fields of shared memory in the link's byte order (a load is on every ring event: inline;
 * several fields of one structure are cheaper through one ck_shadow_bytes()). */
static inline uint16_t ck_ld16(struct ampcheck *ck, const struct ck_link *l, uint64_t addr)
{
	uint8_t b[2];

	return ck_get16(l, ck_shadow_bytes(ck, addr, sizeof(b), b));
}

static inline uint32_t ck_ld32(struct ampcheck *ck, const struct ck_link *l, uint64_t addr)
{
	uint8_t b[4];

	return ck_get32(l, ck_shadow_bytes(ck, addr, sizeof(b), b));
}

/*
 * Index @i of a ring of @vr->num entries (free-running indices wrap at 2^16; num is a power of
 * two in every ring that works - LAYOUT-003 - but a hostile one is still followed).
 */
static inline uint32_t ck_slot(const struct ck_vring *vr, uint32_t i)
{
	return vr->num & (vr->num - 1) ? i % vr->num : i & (vr->num - 1);
}
const char *ck_name(const struct ampcheck *ck, uint16_t initiator);
bool ck_translate(const struct ampcheck *ck, const struct ck_link *l, uint64_t addr, uint64_t len,
		  uint64_t *out);
uint8_t ck_side_flag(unsigned int side);

/* check_link.c: links, device blocks, status and features */
int ck_link_detect(struct ampcheck *ck, const struct amptrace_event *ev);
void ck_block_store(struct ampcheck *ck, struct ck_link *l, unsigned int who,
		    const struct amptrace_event *ev);
bool ck_driver_ok_at(const struct ck_link *l, uint64_t seq);
int ck_vring_layout(struct ampcheck *ck, struct ck_link *l, unsigned int index);
void ck_link_bounds(struct ck_link *l);
bool ck_feature(struct ampcheck *ck, const struct ck_link *l, unsigned int bit);
void ck_link_finish(struct ampcheck *ck, struct ck_link *l);

/* check_ring.c: ring fields, buffers, publications */
bool ck_ring_store(struct ampcheck *ck, struct ck_link *l, unsigned int who,
		   const struct amptrace_event *ev);
int ck_buffer_store(struct ampcheck *ck, struct ck_link *l, unsigned int who,
		    const struct amptrace_event *ev);
void ck_ring_reset(struct ck_link *l, struct ck_vring *vr);
void ck_ring_finish(struct ampcheck *ck, struct ck_link *l);
void ck_unreturned(struct ampcheck *ck, struct ck_link *l);

/* check_msg.c: rpmsg messages and name service */
void ck_message(struct ampcheck *ck, struct ck_link *l, unsigned int who, struct ck_desc *d,
		uint32_t room);
void ck_msg_reset(struct ck_link *l);

/* check_notify.c: publications, kicks, suppression */
void ck_publish(struct ampcheck *ck, struct ck_link *l, unsigned int vring, unsigned int dir,
		uint16_t old_idx, uint16_t new_idx);

void ck_suppression_changed(struct ampcheck *ck, struct ck_link *l, unsigned int vring,
			    unsigned int dir, unsigned int field);
void ck_mailbox(struct ampcheck *ck, const struct amptrace_event *ev);
void ck_notify_reset(struct ck_vring *vr);
void ck_fence(struct ampcheck *ck, uint16_t initiator);
void ck_notify_finish(struct ampcheck *ck);

#endif
