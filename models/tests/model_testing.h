// SPDX-License-Identifier: BSD-3-Clause
/*
 * What the model tests share: a failure count and CHECK_EQ, which reports and counts a
 * mismatch and goes on (a SystemC thread cannot just return from sc_main).
 */
#ifndef AMPSIM_MODEL_TESTING_H
#define AMPSIM_MODEL_TESTING_H

#include <cstdio>

static int failures;

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		unsigned long long va_ = (a), vb_ = (b);                                           \
		if (va_ != vb_) {                                                                  \
			std::fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %llu, %s == %llu\n",   \
				     __FILE__, __LINE__, #a, va_, #b, vb_);                        \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* The verdict line, and the exit status of sc_main(). */
static inline int model_test_result(const char *name)
{
	std::printf("%s %s\n", failures ? "FAIL" : "ok  ", name);
	return failures ? 1 : 0;
}

#endif
