// SPDX-License-Identifier: BSD-3-Clause
/*
 * Wire-level traces: both encodings written and read back event for event; binary -> text ->
 * binary and text -> binary -> text byte for byte; every definition and event rule refused by
 * the writer and by the reader with its position; every truncation and every single-byte
 * corruption of a binary trace read without a crash (an error, or a shorter valid trace).
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include <stdlib.h>
#include <string.h>

#include "amptrace/trace.h"
#include "testing.h"

#define EVENTS 20000
/* REQUIRE for the helpers that return a value: a broken fixture ends the program. */
#define MUST(cond)                                                                                 \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: fixture failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The regions of the synthetic board: two shared memories and a mailbox. */
static const struct {
	const char *name;
	uint64_t base, size;
} regions[] = {
	{"ipu0-shared", 0x9e000000u, 0x100000u},
	{"p2p-shared", 0x9e300000u, 0x10000u},
	{"mbox", 0x4a0f4000u, 0x1000u},
};

static void define_board(struct amptrace_writer *w)
{
	REQUIRE(amptrace_define_initiator(w, 0, AMPTRACE_HOST, "host") == 0);
	REQUIRE(amptrace_define_initiator(w, 7, AMPTRACE_CORE, "ipu-c0") == 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(regions); i++)
		REQUIRE(amptrace_define_region(w, 10 + i, regions[i].name, regions[i].base,
					       regions[i].size) == 0);
	/* ipu-c0 sees its pool at 0x30000000 and the peer block at 0x38000000. */
	REQUIRE(amptrace_define_view(w, 10, 7, 0x30000000u) == 0);
	REQUIRE(amptrace_define_view(w, 11, 7, 0x38000000u) == 0);
}

/* Event @i of the synthetic trace (seeded); its store bytes in @buf. */
static struct amptrace_event synthetic(unsigned int i, uint64_t *time, uint8_t *buf)
{
	struct amptrace_event ev = {0};
	unsigned int region = (unsigned int)(rnd() % 2);

	*time += rnd() % 3 ? rnd() % 5000 : 0; /* equal times happen */
	ev.time_ps = *time;
	ev.initiator = rnd() % 2 ? 0 : 7;
	ev.kind = (enum amptrace_kind)(AMPTRACE_STORE + i % 5);
	switch (ev.kind) {
	case AMPTRACE_STORE:
		ev.region = (uint16_t)(10 + region);
		ev.size = (uint32_t)(i % 97 == 0 ? 4096 : 1 + rnd() % 16);
		ev.addr = regions[region].base + rnd() % (regions[region].size - ev.size + 1);
		for (uint32_t k = 0; k < ev.size; k++)
			buf[k] = (uint8_t)rnd();
		ev.bytes = buf;
		break;
	case AMPTRACE_BARRIER:
		ev.barrier = (uint8_t)(rnd() % 3);
		break;
	case AMPTRACE_MBOX_WRITE:
	case AMPTRACE_MBOX_READ:
		ev.region = 12;
		ev.fifo = (uint8_t)(rnd() % 8);
		ev.value = rnd() % 2 ? (uint32_t)rnd() : (uint32_t)(rnd() % 2);
		break;
	case AMPTRACE_IRQ:
		ev.region = 12;
		ev.line = (uint8_t)(rnd() % 3);
		ev.level = (uint8_t)(rnd() % 2);
		break;
	}
	return ev;
}

/* The synthetic trace in @format, as the bytes of a temporary file. */
static FILE *write_synthetic(enum amptrace_format format, uint64_t seed)
{
	static uint8_t buf[4096];
	struct amptrace_writer w;
	uint64_t time = 0;
	FILE *f = tmpfile();

	MUST(f);
	rng_state = seed;
	MUST(amptrace_writer_open(&w, f, format) == 0);
	define_board(&w);
	for (unsigned int i = 0; i < EVENTS; i++) {
		struct amptrace_event ev = synthetic(i, &time, buf);

		MUST(amptrace_write(&w, &ev) == 0);
	}
	/* A definition nothing uses, after the last event: a copy keeps it there too. */
	MUST(amptrace_define_initiator(&w, 9, AMPTRACE_CORE, "late") == 0);
	MUST(amptrace_writer_close(&w) == 0);
	rewind(f);
	return f;
}

/* Read @in whole and write it to a new temporary file in @format. */
static FILE *convert(FILE *in, enum amptrace_format format)
{
	static struct amptrace_reader r;
	struct amptrace_writer w;
	struct amptrace_event ev;
	FILE *out = tmpfile();
	int rc;

	MUST(out);
	MUST(amptrace_reader_open(&r, in) == 0);
	MUST(amptrace_writer_open(&w, out, format) == 0);
	while ((rc = amptrace_read(&r, &ev)) == 1) {
		MUST(amptrace_copy_definitions(&r, &w) == 0);
		MUST(amptrace_write(&w, &ev) == 0);
	}
	CHECK_EQ(rc, 0);
	MUST(amptrace_copy_definitions(&r, &w) == 0); /* definitions after the last event */
	amptrace_reader_close(&r);
	MUST(amptrace_writer_close(&w) == 0);
	rewind(out);
	return out;
}

static bool same_bytes(FILE *a, FILE *b)
{
	int ca, cb;

	rewind(a);
	rewind(b);
	do {
		ca = getc(a);
		cb = getc(b);
	} while (ca == cb && ca != EOF);
	rewind(a);
	rewind(b);
	return ca == cb;
}

static void test_read_back(void)
{
	static struct amptrace_reader r;
	static uint8_t buf[4096];

	for (int format = AMPTRACE_BINARY; format <= AMPTRACE_TEXT; format++) {
		FILE *f = write_synthetic((enum amptrace_format)format, 42);
		struct amptrace_event ev;
		uint64_t time = 0;
		unsigned int n = 0;

		REQUIRE(amptrace_reader_open(&r, f) == 0);
		CHECK_EQ(r.format, (enum amptrace_format)format);
		rng_state = 42;
		while (amptrace_read(&r, &ev) == 1) {
			struct amptrace_event want = synthetic(n, &time, buf);

			CHECK_EQ(ev.seq, n);
			CHECK_EQ(ev.kind, want.kind);
			CHECK_EQ(ev.time_ps, want.time_ps);
			CHECK_EQ(ev.initiator, want.initiator);
			if (want.kind != AMPTRACE_BARRIER)
				CHECK_EQ(ev.region, want.region);
			CHECK_EQ(ev.addr, want.addr);
			CHECK_EQ(ev.size, want.size);
			if (want.kind == AMPTRACE_STORE)
				CHECK(!memcmp(ev.bytes, want.bytes, want.size));
			CHECK_EQ(ev.barrier, want.barrier);
			CHECK_EQ(ev.fifo, want.fifo);
			CHECK_EQ(ev.value, want.value);
			CHECK_EQ(ev.line, want.line);
			CHECK_EQ(ev.level, want.level);
			n++;
		}
		CHECK_EQ(n, EVENTS);
		CHECK(!r.failed);
		CHECK(!strcmp(r.table.initiator[7].name, "ipu-c0"));
		CHECK(!strcmp(r.table.initiator[9].name, "late")); /* taken in at the end */
		{
			uint64_t base = 0;

			CHECK_EQ(r.table.nviews, 2u);
			CHECK(amptrace_view_base(&r.table, 11, 7, &base));
			CHECK_EQ(base, 0x38000000u);
			CHECK(!amptrace_view_base(&r.table, 12, 7, &base));
		}
		CHECK_EQ(r.nfresh, 1);
		CHECK_EQ(r.table.region[11].base, 0x9e300000u);
		amptrace_reader_close(&r);
		fclose(f);
	}
}

static void test_round_trips(void)
{
	FILE *bin = write_synthetic(AMPTRACE_BINARY, 7), *text = write_synthetic(AMPTRACE_TEXT, 7);
	FILE *bin_text = convert(bin, AMPTRACE_TEXT), *text_bin = convert(text, AMPTRACE_BINARY);
	FILE *bin_text_bin = convert(bin_text, AMPTRACE_BINARY);
	FILE *text_bin_text = convert(text_bin, AMPTRACE_TEXT);

	CHECK(same_bytes(bin_text, text));
	CHECK(same_bytes(text_bin, bin));
	CHECK(same_bytes(bin_text_bin, bin));
	CHECK(same_bytes(text_bin_text, text));
	fclose(bin);
	fclose(text);
	fclose(bin_text);
	fclose(text_bin);
	fclose(bin_text_bin);
	fclose(text_bin_text);
}

/* A sink that counts the events it is handed and ends a call at every third. */
static int count_event(void *ctx, const struct amptrace_event *ev)
{
	long *counted = ctx;

	(void)ev;
	return ++*counted % 3 == 0;
}

static const struct amptrace_sink counting = {.on = {
						      [AMPTRACE_STORE] = count_event,
						      [AMPTRACE_BARRIER] = count_event,
						      [AMPTRACE_MBOX_WRITE] = count_event,
						      [AMPTRACE_MBOX_READ] = count_event,
						      [AMPTRACE_IRQ] = count_event,
					      }};

/*
 * Read @in whole: events read, and the error (or "") at the end; up to @batch a call through a
 * sink (amptrace_read_into()), or one at a time (0, amptrace_read()).
 */
static long read_stream(FILE *in, unsigned int batch, char *error)
{
	static struct amptrace_reader r;
	struct amptrace_event ev;
	long n = 0, counted = 0;
	int rc;

	error[0] = '\0';
	if (amptrace_reader_open(&r, in)) {
		strcpy(error, r.error);
		amptrace_reader_close(&r);
		return -1;
	}
	while ((rc = batch ? amptrace_read_into(&r, &counting, &counted, batch)
			   : amptrace_read(&r, &ev)) > 0) {
		n += rc;
		CHECK(!batch || n == counted);
	}
	if (rc < 0)
		strcpy(error, r.error);
	amptrace_reader_close(&r);
	return n;
}

/*
 * Read @bytes (@len) as a trace: events read, and the error (or "") at the end. Both ways a
 * reader takes bytes give the same: a file (a binary trace is mapped) in batches, and a stream
 * in memory (read through the read-ahead) one event at a time.
 */
static long read_all(const void *bytes, size_t len, char *error)
{
	static uint8_t none[1];
	char streamed[AMPTRACE_ERROR_SIZE];
	/* fmemopen takes no empty buffer: one byte, read away before the reader starts */
	FILE *f = tmpfile(), *m = fmemopen(len ? (void *)bytes : none, len ? len : 1, "rb");
	long n, again;

	MUST(f && m);
	MUST(fwrite(bytes, 1, len, f) == len);
	rewind(f);
	if (!len)
		(void)getc(m);
	n = read_stream(f, 7, error);
	again = read_stream(m, 0, streamed);
	if (n != again || strcmp(error, streamed)) {
		fprintf(stderr, "mapped in batches: %ld, '%s'; streamed: %ld, '%s'\n", n, error,
			again, streamed);
		CHECK(false);
	}
	fclose(f);
	fclose(m);
	return n;
}

static size_t slurp(FILE *f, uint8_t **out)
{
	size_t len;

	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	*out = malloc(len ? len : 1);
	MUST(*out && fread(*out, 1, len, f) == len);
	return len;
}

/*
 * Each reserved byte of each record of @bytes (a valid binary trace) set in turn: refused at that
 * record, with the events before it read (the readers' fast lane checks them as the long way).
 */
static void check_reserved_bytes(uint8_t *bytes, size_t len)
{
	char error[AMPTRACE_ERROR_SIZE], where[32];
	long events = 0;

	for (size_t at = 16; at + 8 <= len; at += 8 + (bytes[at + 4] | bytes[at + 5] << 8)) {
		const uint8_t *payload_reserved;
		size_t reserved[8], n = 0;

		for (size_t k = 1; k < 4; k++) /* the record header's */
			reserved[n++] = at + k;
		switch (bytes[at]) {
		case AMPTRACE_BARRIER:
			payload_reserved = (const uint8_t *)"\x0b";
			break;
		case AMPTRACE_MBOX_WRITE:
		case AMPTRACE_MBOX_READ:
			payload_reserved = (const uint8_t *)"\x0d\x0e\x0f";
			break;
		case AMPTRACE_IRQ:
			payload_reserved = (const uint8_t *)"\x0e\x0f";
			break;
		default:
			payload_reserved = (const uint8_t *)"";
			break;
		}
		for (; *payload_reserved; payload_reserved++)
			reserved[n++] = at + 8 + *payload_reserved;
		snprintf(where, sizeof(where), "byte %zu: ", at);
		for (size_t k = 0; k < n; k++) {
			bytes[reserved[k]] = 1;
			CHECK_EQ(read_all(bytes, len, error), events);
			CHECK(strstr(error, where) && (strstr(error, "reserved bytes not 0") ||
						       strstr(error, "malformed")));
			bytes[reserved[k]] = 0;
		}
		events += bytes[at] < 0x80;
	}
}

/* Every prefix and every single-byte change of a small binary trace: no crash, and a cut in
 * the middle of a record is an error. */
static void test_corruption(void)
{
	static struct amptrace_writer w;
	char error[AMPTRACE_ERROR_SIZE];
	uint8_t stored[] = {1, 2, 3, 4};
	struct amptrace_event ev[] = {
		{.kind = AMPTRACE_STORE,
		 .time_ps = 5,
		 .initiator = 0,
		 .region = 10,
		 .addr = 0x9e000010u,
		 .size = 4,
		 .bytes = stored},
		{.kind = AMPTRACE_BARRIER, .time_ps = 6, .initiator = 7, .barrier = 1},
		{.kind = AMPTRACE_MBOX_WRITE,
		 .time_ps = 6,
		 .initiator = 0,
		 .region = 12,
		 .fifo = 3,
		 .value = 0xffffff03u},
		{.kind = AMPTRACE_IRQ,
		 .time_ps = 9,
		 .initiator = 7,
		 .region = 12,
		 .line = 2,
		 .level = 1},
	};
	FILE *f = tmpfile();
	uint8_t *bytes;
	size_t len;

	REQUIRE(f && amptrace_writer_open(&w, f, AMPTRACE_BINARY) == 0);
	define_board(&w);
	for (unsigned int i = 0; i < ARRAY_SIZE(ev); i++)
		REQUIRE(amptrace_write(&w, &ev[i]) == 0);
	REQUIRE(amptrace_writer_close(&w) == 0);
	len = slurp(f, &bytes);
	fclose(f);
	CHECK_EQ(read_all(bytes, len, error), 4);
	CHECK(!error[0]);
	check_reserved_bytes(bytes, len);
	for (size_t cut = 0; cut < len; cut++) {
		long n = read_all(bytes, cut, error);

		/* A cut between records is a valid shorter trace; any other is an error. */
		CHECK(n < 4);
		if (n >= 0 && !error[0])
			continue;
		CHECK(strstr(error, "byte ") || strstr(error, "not an ampsim trace"));
	}
	for (size_t at = 0; at < len; at++) {
		for (unsigned int flip = 1; flip < 256; flip <<= 1) {
			bytes[at] ^= (uint8_t)flip;
			(void)read_all(bytes, len, error);
			bytes[at] ^= (uint8_t)flip;
		}
	}
	free(bytes);
}

/* The writer refuses what a reader would refuse, and stays failed. */
static void test_writer_refuses(void)
{
	static struct amptrace_writer w;
	uint8_t b = 0;
	FILE *f = tmpfile();
	struct amptrace_event ev = {.kind = AMPTRACE_STORE,
				    .time_ps = 100,
				    .initiator = 0,
				    .region = 10,
				    .addr = 0x9e000000u,
				    .size = 1,
				    .bytes = &b};

	REQUIRE(f && amptrace_writer_open(&w, f, AMPTRACE_TEXT) == 0);
	define_board(&w);
	CHECK_EQ(amptrace_define_initiator(&w, 1, AMPTRACE_CORE, "host"), -1);
	CHECK(strstr(w.error, "initiator name 'host' is taken by initiator 0"));
	CHECK_EQ(amptrace_define_region(&w, 3, "bad name", 0, 1), -1);
	CHECK(strstr(w.error, "only [A-Za-z0-9_.-]"));
	CHECK_EQ(amptrace_define_region(&w, 3, "wraps", UINT64_MAX, 2), -1);
	CHECK(strstr(w.error, "empty or wrapping"));
	CHECK_EQ(amptrace_define_initiator(&w, 300, AMPTRACE_CORE, "x"), -1);
	CHECK_EQ(amptrace_define_view(&w, 10, 7, 0x40000000u), -1);
	CHECK(strstr(w.error, "initiator 'ipu-c0' has a view of region 'ipu0-shared' already"));
	CHECK_EQ(amptrace_define_view(&w, 99, 7, 0), -1);
	CHECK(strstr(w.error, "a view of region 99, which is not defined"));
	CHECK_EQ(amptrace_define_view(&w, 12, 0, UINT64_MAX - 10), -1);
	CHECK(strstr(w.error, "wraps"));
	REQUIRE(amptrace_write(&w, &ev) == 0);
	ev.time_ps = 99;
	CHECK_EQ(amptrace_write(&w, &ev), -1);
	CHECK(strstr(w.error, "time goes back (99 ps after 100 ps)"));
	ev.time_ps = 100;
	ev.addr = 0x9e100000u; /* one past the region */
	CHECK_EQ(amptrace_write(&w, &ev), -1);
	CHECK(strstr(w.error, "outside region 'ipu0-shared'"));
	ev.addr = 0x9e000000u;
	ev.initiator = 3;
	CHECK_EQ(amptrace_write(&w, &ev), -1);
	CHECK(strstr(w.error, "initiator 3 is not defined"));
	ev.initiator = 0;
	ev.size = AMPTRACE_MAX_STORE + 1;
	CHECK_EQ(amptrace_write(&w, &ev), -1);
	fclose(f);
}

/* Hand-written text traces, each with the reader's exact complaint. */
static void test_text_errors(void)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{"", "not an ampsim trace"},
		{"ampsim-trace 2\n", "line 1: 'ampsim-trace 2' is not the header 'ampsim-trace 1'"},
		{"ampsim-trace 1\n10 store host r 0x0 00\n", "line 2: no initiator named 'host'"},
		{"ampsim-trace 1\ninitiator 0 host host\nregion 1 r 0x1000 0x10\n"
		 "10 store host r 0x100f 0001\n",
		 "line 4: a store at 0x100f of 2 bytes outside region 'r'"},
		/* larger than the whole region, from its base: no wrap in the bound */
		{"ampsim-trace 1\ninitiator 0 host host\nregion 1 r 0x1000 0x10\n"
		 "10 store host r 0x1000 "
		 "00000000000000000000000000000000000000000000000000000000000000"
		 "00\n",
		 "line 4: a store at 0x1000 of 32 bytes outside region 'r'"},
		{"ampsim-trace 1\ninitiator 0 host host\nregion 1 r 0x1000 0x10\n"
		 "10 store host r 0x1000 0g\n",
		 "line 4: stored bytes: 'g' is not a hex digit"},
		{"ampsim-trace 1\ninitiator 0 host host\n5 barrier host total\n",
		 "line 3: barrier kind 'total' (write, read or full)"},
		{"ampsim-trace 1\ninitiator 0 host host\n5 fence host\n",
		 "line 3: unknown event 'fence'"},
		{"ampsim-trace 1\ninitiator 0 host host\n5 barrier host full\n4 barrier host "
		 "full\n",
		 "line 4: time goes back (4 ps after 5 ps)"},
		{"ampsim-trace 1\ninitiator 0 host host\nregion 1 m 0x0 0x1000\n5 irq host m 0 2\n",
		 "line 4: level: 2 is above 1"},
		{"ampsim-trace 1\ninitiator 0 guest host\n",
		 "line 2: initiator kind 'guest' (host or core)"},
		{"ampsim-trace 1\ninitiator 0 host a\ninitiator 0 core b\n",
		 "line 3: initiator 0 is defined twice"},
		{"ampsim-trace 1\n-5 barrier x full\n", "line 2: time: '-5' is not a number"},
		{"ampsim-trace 1\ninitiator 0 host host\nview m host 0x0\n",
		 "line 3: no region named 'm'"},
		{"ampsim-trace 1\ninitiator 0 host host\nregion 1 m 0x0 0x1000\nview m host 0x0 "
		 "9\n",
		 "line 4: view REGION INITIATOR BASE: 5 fields"},
	};
	char error[AMPTRACE_ERROR_SIZE];

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)read_all(cases[i].text, strlen(cases[i].text), error);
		if (!strstr(error, cases[i].error)) {
			fprintf(stderr, "case %u: got '%s', want '%s'\n", i, error, cases[i].error);
			CHECK(false);
		}
	}
	/* Comments, blank lines, tabs and CR LF are taken; the events are what counts. */
	{
		static const char ok[] =
			"ampsim-trace 1\r\n# a board\n\ninitiator 0 host host\n"
			"region\t1 m 0x0 0x1000\n7 mbox-write host m 2 0xffffff03\n";

		CHECK_EQ(read_all(ok, sizeof(ok) - 1, error), 1);
		CHECK(!error[0]);
	}
}

/* Binary traces with one thing wrong, each with its position. */
static void test_binary_errors(void)
{
	char error[AMPTRACE_ERROR_SIZE];
	uint8_t head[16 + 8] = "AMPTRC\r\n\x01";

	CHECK_EQ(read_all(head, 16, error), 0); /* an empty trace */
	head[8] = 2;
	CHECK_EQ(read_all(head, 16, error), -1);
	CHECK(strstr(error, "byte 8: format version 2"));
	head[8] = 1;
	head[16] = 0x42; /* unknown record type */
	CHECK_EQ(read_all(head, 24, error), 0);
	CHECK(strstr(error, "byte 16: unknown record type 0x42"));
	head[16] = AMPTRACE_BARRIER;
	head[20] = 0xff; /* a barrier of 255 bytes */
	CHECK_EQ(read_all(head, 24, error), 0);
	CHECK(strstr(error, "byte 16: a record cut short"));
	head[21] = 0xff; /* 65535 + ... bytes: above the record bound */
	head[22] = 0xff;
	CHECK_EQ(read_all(head, 24, error), 0);
	CHECK(strstr(error, "byte 16: a barrier record of"));
}

/* Store @i of the large trace: a size from 1 byte to the 64 KiB bound, bytes from the seed. */
static struct amptrace_event large_store(unsigned int i, uint8_t *buf)
{
	static const uint32_t sizes[] = {1, 4, 16, 4096, AMPTRACE_MAX_STORE, 65535, 333};
	struct amptrace_event ev = {.kind = AMPTRACE_STORE, .time_ps = i, .region = 10};

	ev.size = sizes[i % ARRAY_SIZE(sizes)];
	ev.addr = regions[0].base + (i * 4096u) % (regions[0].size - AMPTRACE_MAX_STORE);
	for (uint32_t k = 0; k < ev.size; k++)
		buf[k] = (uint8_t)(i * 31 + k);
	ev.bytes = buf;
	return ev;
}

/*
 * A trace of 12 MiB: records of every size cross the boundaries of the windows a file is
 * mapped in (4 MiB) and of the read-ahead, in batches of every length; each comes out whole.
 */
/* test_large()'s sink: each event the store large_store() makes of its number. */
struct large_check {
	unsigned int n;
	uint8_t buf[AMPTRACE_MAX_STORE];
};

static int check_large(void *ctx, const struct amptrace_event *ev)
{
	struct large_check *c = ctx;
	struct amptrace_event want = large_store(c->n, c->buf);

	CHECK_EQ(ev->kind, AMPTRACE_STORE);
	CHECK_EQ(ev->seq, c->n);
	CHECK_EQ(ev->size, want.size);
	CHECK_EQ(ev->addr, want.addr);
	CHECK(!memcmp(ev->bytes, want.bytes, want.size));
	c->n++;
	return 0;
}

static void test_large(void)
{
	static const struct amptrace_sink sink = {.on = {
							  [AMPTRACE_STORE] = check_large,
							  [AMPTRACE_BARRIER] = check_large,
							  [AMPTRACE_MBOX_WRITE] = check_large,
							  [AMPTRACE_MBOX_READ] = check_large,
							  [AMPTRACE_IRQ] = check_large,
						  }};
	static struct large_check check;
	static struct amptrace_reader r;
	static struct amptrace_writer w;
	const unsigned int stores = 12u * 7 * 1024 * 1024 / (AMPTRACE_MAX_STORE + 65535 + 4096);
	FILE *f = tmpfile();
	unsigned int batch = 1;
	int rc;

	REQUIRE(f && amptrace_writer_open(&w, f, AMPTRACE_BINARY) == 0);
	define_board(&w);
	for (unsigned int i = 0; i < stores; i++) {
		struct amptrace_event e = large_store(i, check.buf);

		REQUIRE(amptrace_write(&w, &e) == 0);
	}
	REQUIRE(amptrace_writer_close(&w) == 0);
	rewind(f);
	REQUIRE(amptrace_reader_open(&r, f) == 0);
	while ((rc = amptrace_read_into(&r, &sink, &check, batch)) > 0) {
		CHECK(rc <= (int)batch);
		batch = batch % 16 + 1;
	}
	CHECK_EQ(rc, 0);
	CHECK_EQ(check.n, stores);
	CHECK(r.offset > 12u << 20);
	amptrace_reader_close(&r);
	fclose(f);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_read_back),      TEST(test_round_trips), TEST(test_corruption),
		TEST(test_writer_refuses), TEST(test_text_errors), TEST(test_binary_errors),
		TEST(test_large),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
