// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the checker on whatever trace the reader accepts - hostile resource tables,
 * device blocks, ring indices, descriptors, headers, kicks, in any order. The checker must judge
 * (or give up with a reason) without reading or writing out of bounds, and its verdicts must be
 * consistent: every rule settled, no more violations shown than counted.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "amptrace/check.h"
#include "amptrace/trace.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_check: %s\n", #cond);                                \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A reader is large (one record's buffer): placed statically. */
static struct amptrace_reader reader;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the options, so each profile, side and byte order gets its turn. */
	struct ampcheck_options opt = {0};
	unsigned int nrules, nprofiles;
	const struct ampcheck_profile *profiles = ampcheck_profiles(&nprofiles);
	struct amptrace_event ev;
	struct ampcheck *ck;
	bool failed = false;
	FILE *in;
	int rc;

	if (size < 2)
		return 0;
	opt.sides = data[0] & 3;
	opt.byte_order = (enum ampcheck_byte_order)((data[0] >> 2) % 3);
	opt.profile = &profiles[(data[0] >> 4) % nprofiles];
	in = fmemopen((void *)(data + 1), size - 1, "rb");
	CHECK(in);
	ck = ampcheck_create(&opt);
	CHECK(ck);
	if (amptrace_reader_open(&reader, in) == 0) {
		while ((rc = amptrace_read(&reader, &ev)) == 1)
			if (ampcheck_event(ck, &reader.table, &ev)) {
				failed = true;
				CHECK(ampcheck_error(ck)[0]);
				break;
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
	fclose(in);
	return 0;
}
