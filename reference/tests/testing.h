/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Minimal unit-test support for the C tests: CHECK macros that report file:line and keep going,
 * and a runner that prints "N passed, N failed" and exits non-zero on any failure.
 *
 *	static void test_something(void) { CHECK_EQ(1 + 1, 2); }
 *	int main(void) { static const struct test tests[] = { TEST(test_something) };
 *			 return run_tests(tests, ARRAY_SIZE(tests)); }
 */
#ifndef AMP_TESTING_H
#define AMP_TESTING_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct test {
	const char *name;
	void (*fn)(void);
};

#define TEST(fn)                                                                                   \
	{                                                                                          \
#fn, fn                                                                            \
	}

extern int test_failures; /* failures in the running test */

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
			test_failures++;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long va_ = (long long)(a), vb_ = (long long)(b);                              \
		if (va_ != vb_) {                                                                  \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n",        \
				__FILE__, __LINE__, #a, va_, #b, vb_);                             \
			test_failures++;                                                           \
		}                                                                                  \
	} while (0)

/* Stop the current test: later steps would only cascade. */
#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failures++;                                                           \
			return;                                                                    \
		}                                                                                  \
	} while (0)

int run_tests(const struct test *tests, size_t count);

#endif /* AMP_TESTING_H */
