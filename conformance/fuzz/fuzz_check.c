// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the checker on whatever trace the reader accepts - hostile resource tables,
 * device blocks, ring indices, descriptors, headers, kicks, in any order. The checker must judge
 * (or give up with a reason) without reading or writing out of bounds, and its verdicts must be
 * consistent: every rule settled, no more violations shown than counted. Everything the decoder
 * recognises goes into a pcapng export on the way, as `ampsim trace convert --to pcapng` does.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "amptrace/check.h"
#include "amptrace/pcapng.h"
#include "amptrace/trace.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_check: %s\n", #cond);                                \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A reader and a pcapng writer are large (one record's or packet's buffer): placed statically. */
static struct amptrace_reader reader;
static struct amptrace_pcapng pcapng;

static void export_item(void *ctx, const struct amptrace_event *ev,
			const struct ampcheck_decoded *d)
{
	(void)ctx;
	(void)ev;
	CHECK(d->text[0] && d->payload_len <= AMPTRACE_MAX_STORE);
	amptrace_pcapng_decoded(&pcapng, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the options, so each profile, side and byte order gets its turn. */
	struct ampcheck_options opt = {.decoded = export_item};
	unsigned int nrules, nprofiles;
	const struct ampcheck_profile *profiles = ampcheck_profiles(&nprofiles);
	struct amptrace_event ev;
	struct ampcheck *ck;
	bool failed = false;
	char *exported = NULL;
	size_t exported_len = 0;
	FILE *in, *out;
	int rc;

	if (size < 2)
		return 0;
	opt.sides = data[0] & 3;
	opt.byte_order = (enum ampcheck_byte_order)((data[0] >> 2) % 3);
	opt.profile = &profiles[(data[0] >> 4) % nprofiles];
	in = fmemopen((void *)(data + 1), size - 1, "rb");
	CHECK(in);
	out = open_memstream(&exported, &exported_len);
	CHECK(out && amptrace_pcapng_open(&pcapng, out) == 0);
	ck = ampcheck_create(&opt);
	CHECK(ck);
	if (amptrace_reader_open(&reader, in) == 0) {
		while ((rc = amptrace_read(&reader, &ev)) == 1) {
			CHECK(amptrace_pcapng_begin(&pcapng, &reader.table, &ev) == 0);
			if (ampcheck_event(ck, &reader.table, &ev)) {
				failed = true;
				CHECK(ampcheck_error(ck)[0]);
				break;
			}
			CHECK(amptrace_pcapng_end(&pcapng) == 0);
		}
		if (!failed) {
			char line[512];

			ampcheck_finish(ck);
			ampcheck_rules(&nrules);
			for (unsigned int r = 0; r < nrules; r++) {
				const struct ampcheck_verdict *v = ampcheck_verdict(ck, r);

				CHECK(v->shown <= AMPCHECK_SHOWN && v->shown <= v->violations);
				CHECK(v->deviations <= v->violations);
				CHECK(v->result <= AMPCHECK_NOT_JUDGED);
			}
			for (unsigned int i = 0; i < ampcheck_links(ck); i++)
				ampcheck_link_describe(ck, i, line, sizeof(line));
		}
	}
	ampcheck_destroy(ck);
	CHECK(amptrace_pcapng_close(&pcapng) == 0);
	fclose(out);
	free(exported);
	fclose(in);
	return 0;
}
