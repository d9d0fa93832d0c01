/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The property checks and the trace switch of the stand-alone fuzz targets (fuzz_rpmsg.c,
 * fuzz_rsc_table.c, fuzz_fw_image.c). Define FUZZ_NAME (the target's name, a string) before
 * including. A violated property prints "NAME: invariant violated at NAME.c:LINE: CONDITION"
 * and traps, so that libFuzzer keeps the input; AMP_FUZZ_TRACE=1 in the environment turns the
 * TRACE() lines on (fuzz_trace_init() reads it once).
 */
#ifndef AMP_FUZZ_CHECK_H
#define AMP_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including fuzz_check.h"
#endif

static int trace = -1;

static _Noreturn void check_failed(const char *what, int line)
{
	fprintf(stderr, FUZZ_NAME ": invariant violated at " FUZZ_NAME ".c:%d: %s\n", line, what);
	__builtin_trap();
}

/* Read AMP_FUZZ_TRACE once. */
static inline void fuzz_trace_init(void)
{
	if (trace < 0)
		trace = getenv("AMP_FUZZ_TRACE") != NULL;
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_failed(#cond, __LINE__);                                             \
	} while (0)

#define TRACE(...)                                                                                 \
	do {                                                                                       \
		if (trace > 0)                                                                     \
			fprintf(stderr, __VA_ARGS__);                                              \
	} while (0)

#endif
