/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: wire-level traces (docs/trace-format.md)
 *
 * A trace is what a board's shared memory saw: every store an initiator made to a shared region
 * (its bytes), every barrier it executed, every mailbox message written or read and every
 * mailbox interrupt raised or cleared, in the global order the board observed, each with its
 * simulated time. Initiators (the host, the cores) and regions (shared memories, mailboxes) are
 * defined in the stream before the events that name them.
 *
 * Two encodings carry the same content: a versioned binary one (compact, streamable) and a
 * canonical text one (one event per line, diffable, for hand-written fixtures). Converting
 * either into the other and back gives the same bytes. A reader holds one record at a time:
 * its memory does not grow with the trace's length. Every malformed input is an error with its
 * position (byte offset or line), never a crash.
 */
#ifndef AMPTRACE_TRACE_H
#define AMPTRACE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The format version this library writes and reads. */
#define AMPTRACE_VERSION 1
/* Ids of initiators and regions are 0..255: a board has a handful of each. */
#define AMPTRACE_MAX_IDS 256
/* The largest store one event holds; larger copies are several events (a 64 KiB bound keeps a
 * reader's buffer fixed). */
#define AMPTRACE_MAX_STORE 65536u
/* Names: 1..31 characters of [A-Za-z0-9_.-]. */
#define AMPTRACE_NAME_SIZE 32
/* Views: where a core sees a region (one per region and initiator; a board has a few dozen). */
#define AMPTRACE_MAX_VIEWS 1024
/* A reader's or writer's message about what went wrong. */
#define AMPTRACE_ERROR_SIZE 192

/**
 * enum amptrace_format - the two encodings
 * @AMPTRACE_BINARY: the binary one
 * @AMPTRACE_TEXT: the canonical text one
 */
enum amptrace_format {
	AMPTRACE_BINARY,
	AMPTRACE_TEXT,
};

/**
 * enum amptrace_kind - what an event is
 * @AMPTRACE_STORE: an initiator made bytes visible in a shared region
 * @AMPTRACE_BARRIER: an initiator executed a barrier (&amptrace_event.barrier)
 * @AMPTRACE_MBOX_WRITE: an initiator wrote a message into a mailbox FIFO
 * @AMPTRACE_MBOX_READ: an initiator read a message out of a mailbox FIFO
 * @AMPTRACE_IRQ: a mailbox changed the level of one user's interrupt line; the initiator is
 *	the one the line interrupts
 */
enum amptrace_kind {
	AMPTRACE_STORE = 1,
	AMPTRACE_BARRIER,
	AMPTRACE_MBOX_WRITE,
	AMPTRACE_MBOX_READ,
	AMPTRACE_IRQ,
};

/**
 * enum amptrace_initiator_kind - who an initiator is
 * @AMPTRACE_HOST: the host (native code)
 * @AMPTRACE_CORE: a remote core (firmware)
 */
enum amptrace_initiator_kind {
	AMPTRACE_HOST,
	AMPTRACE_CORE,
};

/**
 * enum amptrace_barrier - barrier kinds (the values of enum amp_barrier)
 * @AMPTRACE_BARRIER_WRITE: stores before stores (virtio_wmb, DMB ST)
 * @AMPTRACE_BARRIER_READ: loads before loads (virtio_rmb)
 * @AMPTRACE_BARRIER_FULL: everything before everything (virtio_mb, DMB, DSB)
 */
enum amptrace_barrier {
	AMPTRACE_BARRIER_WRITE,
	AMPTRACE_BARRIER_READ,
	AMPTRACE_BARRIER_FULL,
};

/**
 * struct amptrace_initiator - a defined initiator
 * @defined: the id was defined
 * @kind: &enum amptrace_initiator_kind
 * @name: unique among initiators
 */
struct amptrace_initiator {
	bool defined;
	uint8_t kind;
	char name[AMPTRACE_NAME_SIZE];
};

/**
 * struct amptrace_region - a defined region (a shared memory or a mailbox)
 * @defined: the id was defined
 * @base: its first address, in the one address space a trace uses (the host's physical one)
 * @size: its bytes (at least 1; base + size does not wrap)
 * @name: unique among regions
 */
struct amptrace_region {
	bool defined;
	uint64_t base;
	uint64_t size;
	char name[AMPTRACE_NAME_SIZE];
};

/**
 * struct amptrace_view - where an initiator sees a region (its device address for the region's
 *	first byte); stores are traced at the region's address, but what a core writes into shared
 *	memory - ring addresses in a device block, buffer addresses in descriptors - are its own
 * @region: region id
 * @initiator: initiator id
 * @base: the address of the region's first byte in the initiator's view
 */
struct amptrace_view {
	uint16_t region;
	uint16_t initiator;
	uint64_t base;
};

/**
 * struct amptrace_table - the definitions a stream has made so far
 * @initiator: by id
 * @region: by id
 * @view: in definition order
 * @nviews: entries of @view
 */
struct amptrace_table {
	struct amptrace_initiator initiator[AMPTRACE_MAX_IDS];
	struct amptrace_region region[AMPTRACE_MAX_IDS];
	struct amptrace_view view[AMPTRACE_MAX_VIEWS];
	unsigned int nviews;
};

/**
 * struct amptrace_event - one event
 * @kind: what it is
 * @seq: its position among the trace's events, from 0 (set by the reader; ignored by writers)
 * @time_ps: simulated time in picoseconds; never decreases along a trace
 * @initiator: who (an initiator id)
 * @region: store: the region written; mailbox and irq events: the mailbox
 * @addr: store: the first byte's address, inside @region
 * @size: store: 1..AMPTRACE_MAX_STORE bytes, all inside @region
 * @bytes: store: the @size bytes (a reader's stay valid until its next read)
 * @barrier: barrier: &enum amptrace_barrier
 * @fifo: mailbox events: the FIFO
 * @value: mailbox events: the message
 * @line: irq: the mailbox user whose line changed
 * @level: irq: the new level, 0 or 1
 */
struct amptrace_event {
	enum amptrace_kind kind;
	uint64_t seq;
	uint64_t time_ps;
	uint16_t initiator;
	uint16_t region;
	uint64_t addr;
	uint32_t size;
	const uint8_t *bytes;
	uint8_t barrier;
	uint8_t fifo;
	uint32_t value;
	uint8_t line;
	uint8_t level;
};

/**
 * struct amptrace_writer - a trace being written (fields private)
 */
struct amptrace_writer {
	FILE *out;
	enum amptrace_format format;
	struct amptrace_table table;
	uint64_t events;
	uint64_t last_time;
	bool failed;
	char error[AMPTRACE_ERROR_SIZE];
};

/**
 * struct amptrace_reader - a trace being read (fields private)
 *
 * About 490 KiB, most of it the binary read-ahead, the text line and the one-record buffer; place
 * it statically or on the heap.
 */
struct amptrace_reader {
	FILE *in;
	enum amptrace_format format;
	struct amptrace_table table;
	uint64_t offset; /* binary: bytes consumed; text: lines read */
	uint64_t events;
	uint64_t last_time;
	bool failed;
	unsigned int prefix; /* text: bytes of the first line already taken by the detection */
	/* the definitions the last amptrace_read() took in, in order: an initiator id, a region
	 * id | 0x100, a view index | 0x400 */
	uint16_t fresh[2 * AMPTRACE_MAX_IDS + AMPTRACE_MAX_VIEWS];
	unsigned int nfresh;
	char error[AMPTRACE_ERROR_SIZE];
	uint8_t record[24 + AMPTRACE_MAX_STORE]; /* text: a store's bytes */
	/* binary: the bytes at hand and the position in them; records are decoded where they lie
	 * (records are a few dozen bytes: one fread per record costs more than decoding it, and
	 * a copy per record as much again) */
	const uint8_t *win;
	size_t win_pos, win_len;
	/* binary, from a regular file: a window of it mapped instead of read (no copy through
	 * the read-ahead); @map_origin is the file offset of the trace's first byte, -1 when the
	 * stream is read instead */
	void *map;
	size_t map_len;
	int64_t map_origin;
	/* binary: the read-ahead, at least the largest record (header, store, 64 KiB of bytes) */
	uint8_t ahead[4 * AMPTRACE_MAX_STORE];
	uint8_t last_initiator, last_region; /* text: the names last looked up */
	char line[2 * AMPTRACE_MAX_STORE + 256];
};

/**
 * amptrace_writer_open() - start a trace on @out (writes the header)
 * @w: placed by the caller
 * @out: an open stream (binary mode for AMPTRACE_BINARY)
 * @format: the encoding
 *
 * Return: 0, or -1 with the reason in @w->error.
 */
int amptrace_writer_open(struct amptrace_writer *w, FILE *out, enum amptrace_format format);

/**
 * amptrace_define_initiator() - define initiator @id (before any event names it)
 * @w: the writer
 * @id: 0..255, not defined before
 * @kind: &enum amptrace_initiator_kind
 * @name: unique among initiators, 1..31 characters of [A-Za-z0-9_.-]
 *
 * Return: 0, or -1 with the reason in @w->error.
 */
int amptrace_define_initiator(struct amptrace_writer *w, unsigned int id, unsigned int kind,
			      const char *name);

/**
 * amptrace_define_region() - define region @id
 * @w: the writer
 * @id: 0..255, not defined before
 * @name: unique among regions, as for initiators
 * @base: first address
 * @size: bytes, at least 1, base + size not wrapping
 *
 * Return: 0, or -1 with the reason in @w->error.
 */
int amptrace_define_region(struct amptrace_writer *w, unsigned int id, const char *name,
			   uint64_t base, uint64_t size);

/**
 * amptrace_define_view() - say where @initiator sees @region
 * @w: the writer
 * @region: a defined region
 * @initiator: a defined initiator, without a view of @region yet
 * @base: the address of the region's first byte in the initiator's view (the region must not
 *	wrap there)
 *
 * Return: 0, or -1 with the reason in @w->error.
 */
int amptrace_define_view(struct amptrace_writer *w, unsigned int region, unsigned int initiator,
			 uint64_t base);

/**
 * amptrace_view_base() - where @initiator sees @region
 * @t: the definitions
 * @region: region id
 * @initiator: initiator id
 * @base: set when there is a view
 *
 * Return: true when @initiator has a view of @region.
 */
bool amptrace_view_base(const struct amptrace_table *t, unsigned int region, unsigned int initiator,
			uint64_t *base);

/**
 * amptrace_write() - append one event (checked as a reader checks it)
 * @w: the writer
 * @ev: the event
 *
 * Return: 0, or -1 with the reason in @w->error.
 */
int amptrace_write(struct amptrace_writer *w, const struct amptrace_event *ev);

/**
 * amptrace_writer_close() - flush; the stream stays open (the caller owns it)
 * @w: the writer
 *
 * Return: 0, or -1 when any write failed.
 */
int amptrace_writer_close(struct amptrace_writer *w);

/**
 * amptrace_reader_open() - start reading @in; the encoding is recognised by its first bytes
 * @r: placed by the caller
 * @in: an open stream at the trace's start
 *
 * Return: 0, or -1 with the reason in @r->error.
 */
int amptrace_reader_open(struct amptrace_reader *r, FILE *in);

/**
 * amptrace_reader_close() - release what a reader holds besides @r itself (the stream stays
 *	the caller's to close); call it once done, before opening @r again
 * @r: a reader amptrace_reader_open() was called on
 */
void amptrace_reader_close(struct amptrace_reader *r);

/**
 * amptrace_read() - the next event (definitions are taken in on the way)
 * @r: the reader
 * @ev: filled with the event
 *
 * Return: 1 with @ev filled, 0 at the end of the trace, -1 for a malformed or unreadable
 * trace with the reason and its position in @r->error ("byte N: ...", "line N: ...").
 */
int amptrace_read(struct amptrace_reader *r, struct amptrace_event *ev);

/**
 * struct amptrace_sink - what amptrace_read_into() hands each event to: a function per kind,
 *	called where decoding tells the kinds apart (a caller's own switch on the kind would be a
 *	second, as unpredictable as the first)
 * @on: indexed by &enum amptrace_kind (index 0 unused); each gets the caller's context and
 *	the event, and returns 0 to read on, nonzero to end the call after this event
 */
struct amptrace_sink {
	int (*on[AMPTRACE_IRQ + 1])(void *ctx, const struct amptrace_event *ev);
};

/**
 * amptrace_read_into() - the next events, up to @max of them, each handed to @sink as it is
 *	decoded (a call per event costs about as much as decoding one: the checker reads this way)
 * @r: the reader
 * @sink: a function for each kind of event
 * @ctx: their first argument
 * @max: at most this many
 *
 * A store's bytes are valid while its function runs. Definitions are taken in as they come;
 * amptrace_copy_definitions() after the call lists those of the whole call. A malformed record
 * after some events ends the call with those; the next call reports it. The functions must
 * not call the reader.
 *
 * Return: the number of events handed over (at least 1; the last one ended the call when its
 * function returned nonzero), 0 at the end of the trace, -1 as amptrace_read().
 */
int amptrace_read_into(struct amptrace_reader *r, const struct amptrace_sink *sink, void *ctx,
		       unsigned int max);

/**
 * amptrace_copy_definitions() - repeat on @w the definitions @r took in during its last
 *	amptrace_read(), in their order (call it before writing the event read, and once more
 *	after the end, for definitions that follow the last event): a copy keeps them where they
 *	were, so that converting a trace and back gives the same bytes
 * @r: the reader
 * @w: the writer
 *
 * Return: 0, or -1 with the reason in @w->error.
 */
int amptrace_copy_definitions(const struct amptrace_reader *r, struct amptrace_writer *w);

/**
 * amptrace_kind_name() - "store", "barrier", "mbox-write", "mbox-read", "irq"
 * @kind: an event kind
 */
const char *amptrace_kind_name(enum amptrace_kind kind);

/**
 * amptrace_barrier_name() - "write", "read", "full"
 * @barrier: a barrier kind
 */
const char *amptrace_barrier_name(enum amptrace_barrier barrier);

/**
 * amptrace_initiator_kind_name() - "host", "core"
 * @kind: an initiator kind
 */
const char *amptrace_initiator_kind_name(enum amptrace_initiator_kind kind);

#ifdef __cplusplus
}
#endif

#endif /* AMPTRACE_TRACE_H */
