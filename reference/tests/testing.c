// SPDX-License-Identifier: BSD-3-Clause
#include "testing.h"

int test_failures;

int run_tests(const struct test *tests, size_t count)
{
	const char *only = getenv("TEST_ONLY");
	unsigned passed = 0, failed = 0;

	for (size_t i = 0; i < count; i++) {
		if (only && strcmp(only, tests[i].name))
			continue;
		test_failures = 0;
		tests[i].fn();
		if (test_failures) {
			failed++;
			printf("FAIL %s (%d checks)\n", tests[i].name, test_failures);
		} else {
			passed++;
			printf("ok   %s\n", tests[i].name);
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
