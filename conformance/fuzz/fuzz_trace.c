// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the trace reader on hostile input, either encoding. Whatever it accepts must
 * be writable again (the writer applies the reader's checks), and the binary rewrite must read
 * back as the same events: a reader that lets a bad event through, or one that misdecodes a
 * good one, fails here. The same bytes as a file (a binary trace is mapped) read in batches
 * must give the same events and the same error as the stream read one event at a time.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "amptrace/trace.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_trace: %s\n", #cond);                                \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Readers are large (one record's buffer): two, placed statically. */
static struct amptrace_reader first, second;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_event(const struct amptrace_event *a, const struct amptrace_event *b)
{
	return a->kind == b->kind && a->seq == b->seq && a->time_ps == b->time_ps &&
	       a->initiator == b->initiator && a->region == b->region && a->addr == b->addr &&
	       a->size == b->size && a->barrier == b->barrier && a->fifo == b->fifo &&
	       a->value == b->value && a->line == b->line && a->level == b->level &&
	       (a->kind != AMPTRACE_STORE || !memcmp(a->bytes, b->bytes, a->size));
}

/* @data as a file read in batches against @data as a stream read event by event. */
/* The sink of the mapped reading: each event must be the streamed reader's next. */
static int match_streamed(void *ctx, const struct amptrace_event *ev)
{
	struct amptrace_event again;

	(void)ctx;
	CHECK(amptrace_read(&second, &again) == 1 && same_event(ev, &again));
	return 0;
}

static const struct amptrace_sink matching = {.on = {
						      [AMPTRACE_STORE] = match_streamed,
						      [AMPTRACE_BARRIER] = match_streamed,
						      [AMPTRACE_MBOX_WRITE] = match_streamed,
						      [AMPTRACE_MBOX_READ] = match_streamed,
						      [AMPTRACE_IRQ] = match_streamed,
					      }};

/* @data as a file (mapped) read through a sink against @data as a stream read event by event. */
static void batches_match_stream(const uint8_t *data, size_t size)
{
	struct amptrace_event ev;
	int fd = memfd_create("trace", 0);
	FILE *file, *stream = fmemopen((void *)data, size, "rb");
	int rc;

	CHECK(fd >= 0 && stream && write(fd, data, size) == (ssize_t)size);
	file = fdopen(fd, "rb");
	CHECK(file && fseek(file, 0, SEEK_SET) == 0);
	rc = amptrace_reader_open(&first, file);
	CHECK(rc == amptrace_reader_open(&second, stream));
	if (!rc) {
		while ((rc = amptrace_read_into(&first, &matching, NULL,
						1 + (unsigned int)(size % 5))) > 0)
			;
		CHECK(rc == amptrace_read(&second, &ev));
	}
	CHECK(!strcmp(first.error, second.error));
	amptrace_reader_close(&first);
	amptrace_reader_close(&second);
	fclose(file);
	fclose(stream);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct amptrace_writer w;
	struct amptrace_event ev, again;
	char *copy = NULL;
	size_t copy_len = 0;
	FILE *in, *out;
	unsigned long events = 0;

	if (!size)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	out = open_memstream(&copy, &copy_len);
	CHECK(in && out);
	if (amptrace_reader_open(&first, in) == 0) {
		CHECK(amptrace_writer_open(&w, out, AMPTRACE_BINARY) == 0);
		int rc;

		while ((rc = amptrace_read(&first, &ev)) == 1) {
			CHECK(amptrace_copy_definitions(&first, &w) == 0);
			CHECK(amptrace_write(&w, &ev) == 0);
			events++;
		}
		if (rc == 0)
			CHECK(amptrace_copy_definitions(&first, &w) == 0);
		CHECK(amptrace_writer_close(&w) == 0);
	}
	fclose(in);
	fclose(out);
	if (events) {
		/* The rewrite holds the same events. */
		in = fmemopen((void *)data, size, "rb");
		out = fmemopen(copy, copy_len, "rb");
		CHECK(in && out);
		CHECK(amptrace_reader_open(&first, in) == 0 &&
		      amptrace_reader_open(&second, out) == 0);
		for (unsigned long n = 0; n < events; n++) {
			CHECK(amptrace_read(&first, &ev) == 1 &&
			      amptrace_read(&second, &again) == 1);
			CHECK(ev.kind == again.kind && ev.time_ps == again.time_ps &&
			      ev.initiator == again.initiator && ev.size == again.size &&
			      ev.addr == again.addr && ev.value == again.value &&
			      ev.level == again.level && ev.barrier == again.barrier);
			CHECK(ev.kind != AMPTRACE_STORE || !memcmp(ev.bytes, again.bytes, ev.size));
		}
		CHECK(amptrace_read(&second, &again) == 0);
		fclose(in);
		fclose(out);
	}
	free(copy);
	batches_match_stream(data, size);
	return 0;
}
