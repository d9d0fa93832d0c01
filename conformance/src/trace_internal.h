/* SPDX-License-Identifier: BSD-3-Clause */
/* What the binary and text encodings share: the checks every definition and event passes. */
#ifndef AMPTRACE_TRACE_INTERNAL_H
#define AMPTRACE_TRACE_INTERNAL_H

#include <string.h>

#include "amptrace/trace.h"

/* The binary header: a magic with CR LF in it (a text-mode transfer mangles it), the version. */
#define BIN_MAGIC      "AMPTRC\r\n"
#define BIN_MAGIC_SIZE 8u
#define BIN_HEADER     16u
/* Each record: type, three zero bytes, payload length (little-endian). */
#define BIN_RECORD_HEADER 8u
#define BIN_INITIATOR     0x80u
#define BIN_REGION        0x81u
#define BIN_VIEW          0x82u
/* Fixed payload sizes (a store adds its bytes, a definition its name). */
#define BIN_INITIATOR_SIZE 4u
#define BIN_REGION_SIZE    20u
#define BIN_VIEW_SIZE      16u
#define BIN_STORE_SIZE     24u
#define BIN_BARRIER_SIZE   12u
#define BIN_MBOX_SIZE      20u
#define BIN_IRQ_SIZE       16u

#define TEXT_HEADER "ampsim-trace"

/* Each returns 0, or -1 with a message in @err (AMPTRACE_ERROR_SIZE bytes). */
int trace_check_name(const char *name, size_t len, char *err);
int trace_define_initiator(struct amptrace_table *t, unsigned int id, unsigned int kind,
			   const char *name, size_t len, char *err);
int trace_define_region(struct amptrace_table *t, unsigned int id, const char *name, size_t len,
			uint64_t base, uint64_t size, char *err);
int trace_define_view(struct amptrace_table *t, unsigned int region, unsigned int initiator,
		      uint64_t base, char *err);
int trace_check_event(const struct amptrace_table *t, const struct amptrace_event *ev,
		      uint64_t last_time, char *err);

/* A reader took in definition @id (| FRESH_REGION for a region). */
#define FRESH_REGION 0x100u
#define FRESH_VIEW   0x400u
void trace_note_fresh(struct amptrace_reader *r, unsigned int id);

/* The encodings. */
int bin_write_header(struct amptrace_writer *w);
int bin_write_initiator(struct amptrace_writer *w, unsigned int id);
int bin_write_region(struct amptrace_writer *w, unsigned int id);
int bin_write_view(struct amptrace_writer *w, unsigned int index);
int bin_write_event(struct amptrace_writer *w, const struct amptrace_event *ev);
/* A binary trace from a regular file is mapped a window at a time (bin_map_open() decides;
 * the stream is read otherwise); bin_map_close() unmaps what is mapped. */
void bin_map_open(struct amptrace_reader *r);
void bin_map_close(struct amptrace_reader *r);
/* Up to @max events handed to @sink (as amptrace_read_into()); seq and last_time kept; a
 * malformed record sets @r->failed and @r->error. Return: the events handed over. */
int bin_read(struct amptrace_reader *r, const struct amptrace_sink *sink, void *ctx,
	     unsigned int max);

int text_write_header(struct amptrace_writer *w);
int text_write_initiator(struct amptrace_writer *w, unsigned int id);
int text_write_region(struct amptrace_writer *w, unsigned int id);
int text_write_view(struct amptrace_writer *w, unsigned int index);
int text_write_event(struct amptrace_writer *w, const struct amptrace_event *ev);
int text_read(struct amptrace_reader *r, struct amptrace_event *ev);

/* A formatted message into @err; returns -1 (for "return trace_fail(...)"). */
int trace_fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Little-endian fields of the binary encoding and the pcapng export. */
static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The readers' loads: one load on a little-endian host (gcc does not merge the bytes of a
 * 16-bit field by itself), the bytes put together elsewhere. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint32_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}
#else
static inline uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}
#endif

#endif
