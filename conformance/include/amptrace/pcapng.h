/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: pcapng export (docs/trace-format.md, "pcapng export")
 *
 * A trace as a pcapng file for Wireshark and tshark: one interface per initiator (named after
 * it, link type LINKTYPE_USER0, picosecond timestamps), one packet per event holding the event
 * and what the checker's decoder recognised in it (link, status, features, ring layout,
 * publications, kicks, rpmsg messages, name-service records) as type-length-value items; the
 * decoder's lines are also the packet's comments. conformance/wireshark/ampsim.lua dissects it.
 *
 * The packet layout, little-endian: version (8, = 1), kind (8, as &enum amptrace_kind), sub
 * (8: barrier kind, mailbox FIFO or interrupt user), level (8), initiator (16), region (16),
 * seq (64), time_ps (64), address (64), message (32), byte count (32), the store's bytes, then
 * items: type (8), 0 (8), length (16), value - the types are &enum amptrace_pcapng_item.
 */
#ifndef AMPTRACE_PCAPNG_H
#define AMPTRACE_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "amptrace/check.h"
#include "amptrace/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* LINKTYPE_USER0: a private link type, which the shipped dissector claims. */
#define AMPTRACE_PCAPNG_LINKTYPE 147
#define AMPTRACE_PCAPNG_VERSION  1
/* A packet: the fixed header, the largest store, and the decoder's items. */
#define AMPTRACE_PCAPNG_HEADER     40
#define AMPTRACE_PCAPNG_MAX_PACKET (AMPTRACE_PCAPNG_HEADER + AMPTRACE_MAX_STORE + 2 * 65536)

/**
 * enum amptrace_pcapng_item - the items after an event (values little-endian)
 * @AMPTRACE_ITEM_REGION: the store's region name (characters)
 * @AMPTRACE_ITEM_LINK: link (32), device block address (64)
 * @AMPTRACE_ITEM_STATUS: link (32), old (8), new (8)
 * @AMPTRACE_ITEM_FEATURES: link (32), offered (32), accepted (32)
 * @AMPTRACE_ITEM_VRING: link (32), vring (8), 0 (24), address (64), da (32), num (32), align (32)
 * @AMPTRACE_ITEM_NOTIFYID: link (32), vring (8), 0 (24), da (32), notify id (32)
 * @AMPTRACE_ITEM_AVAIL_IDX: link (32), vring (8), 0 (8), old (16), new (16)
 * @AMPTRACE_ITEM_USED_IDX: as AVAIL_IDX
 * @AMPTRACE_ITEM_KICK: link (32), vring (8), side (8: 1 driver, 2 device), 0 (16), message (32)
 * @AMPTRACE_ITEM_MESSAGE: link (32), vring (8), side (8), hdr.len (16), src (32), dst (32),
 *	flags (16), 0 (16), the payload
 * @AMPTRACE_ITEM_NS: link (32), vring (8), side (8), 0 (16), addr (32), flags (32), src (32),
 *	name (32 bytes)
 * @AMPTRACE_ITEM_RESET: link (32)
 * @AMPTRACE_ITEM_DESC: link (32), vring (8), 0 (8), descriptor (16), buffer address (64),
 *	length (32), flags (16) - exposed to the device
 * @AMPTRACE_ITEM_USED: link (32), vring (8), 0 (8), descriptor (16), used length (32) -
 *	returned to the driver
 * @AMPTRACE_ITEM_SUPPRESSION: link (32), vring (8), side (8), field (8: 0 avail.flags,
 *	1 used.flags, 2 used_event, 3 avail_event), 0 (8), value (16)
 */
enum amptrace_pcapng_item {
	AMPTRACE_ITEM_REGION = 1,
	AMPTRACE_ITEM_LINK,
	AMPTRACE_ITEM_STATUS,
	AMPTRACE_ITEM_FEATURES,
	AMPTRACE_ITEM_VRING,
	AMPTRACE_ITEM_NOTIFYID,
	AMPTRACE_ITEM_AVAIL_IDX,
	AMPTRACE_ITEM_USED_IDX,
	AMPTRACE_ITEM_KICK,
	AMPTRACE_ITEM_MESSAGE,
	AMPTRACE_ITEM_NS,
	AMPTRACE_ITEM_RESET,
	AMPTRACE_ITEM_DESC,
	AMPTRACE_ITEM_USED,
	AMPTRACE_ITEM_SUPPRESSION,
};

/**
 * struct amptrace_pcapng - a pcapng file being written (fields private)
 */
struct amptrace_pcapng {
	FILE *out;
	bool failed;
	uint32_t interface[AMPTRACE_MAX_IDS]; /* interface id + 1 of each initiator */
	uint32_t ninterfaces;
	uint32_t len;       /* bytes of @packet so far; 0 outside begin/end */
	uint16_t initiator; /* the packet's */
	uint64_t time_ps;
	uint32_t comments; /* bytes of @comment so far */
	uint8_t packet[AMPTRACE_PCAPNG_MAX_PACKET];
	char comment[4096];
};

/**
 * amptrace_pcapng_open() - start a pcapng file on @out (writes the section header)
 * @p: placed by the caller (about 200 KiB)
 * @out: an open binary stream
 *
 * Return: 0, or -1 when writing failed.
 */
int amptrace_pcapng_open(struct amptrace_pcapng *p, FILE *out);

/**
 * amptrace_pcapng_begin() - start the packet of @ev (an interface for its initiator first)
 * @p: the file
 * @t: the trace's definitions (names)
 * @ev: the event
 *
 * Return: 0, or -1 when writing failed.
 */
int amptrace_pcapng_begin(struct amptrace_pcapng *p, const struct amptrace_table *t,
			  const struct amptrace_event *ev);

/**
 * amptrace_pcapng_decoded() - add what the decoder recognised to the packet begun
 * @p: the file
 * @d: the record (an &ampcheck_options.decoded callback can pass it straight on)
 */
void amptrace_pcapng_decoded(struct amptrace_pcapng *p, const struct ampcheck_decoded *d);

/**
 * amptrace_pcapng_end() - write the packet begun
 * @p: the file
 *
 * Return: 0, or -1 when writing failed.
 */
int amptrace_pcapng_end(struct amptrace_pcapng *p);

/**
 * amptrace_pcapng_close() - flush (the stream stays open)
 * @p: the file
 *
 * Return: 0, or -1 when any write failed.
 */
int amptrace_pcapng_close(struct amptrace_pcapng *p);

#ifdef __cplusplus
}
#endif

#endif
