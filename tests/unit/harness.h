/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit tests' names for the shared harness (tests/harness/harness.h): TEST(name) { ... }
 * registers a case, run in a forked child with a time limit; cases run in name order. Output is
 * TAP; the last line is "unit: N passed, N failed, N skipped". Run some cases with:
 * unit-tests NAME...
 */
#ifndef LSMGUARD_TEST_HARNESS_H
#define LSMGUARD_TEST_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../harness/harness.h"

typedef harness_fn test_fn;

#define TEST(name) HARNESS_CASE(name, 0)
/* A case with a fixture: FIXTURE(f) { ... }; FIXTURE_SETUP(f) { ... }; FIXTURE_TEARDOWN(f) {...} */
#define TEST_F(fixture, name) HARNESS_CASE_F(fixture, name, 0)
/* The case cannot run here (not a failure, not a pass): "ok N - name # SKIP reason". */
#define SKIP(...) harness_skip(__VA_ARGS__)

#define FAIL_AT(...) harness_fail_at(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			FAIL_AT("check failed: %s", #cond);                                       \
	} while (0)

#define CHECK_INT(actual, expected)                                                               \
	do {                                                                                      \
		long long a_ = (long long)(actual), e_ = (long long)(expected);                   \
		if (a_ != e_)                                                                     \
			FAIL_AT("%s is %lld, expected %lld", #actual, a_, e_);                    \
	} while (0)

#define CHECK_STR(actual, expected)                                                               \
	do {                                                                                      \
		const char *a_ = (actual), *e_ = (expected);                                      \
		if (!a_ || strcmp(a_, e_) != 0)                                                   \
			FAIL_AT("%s is\n  \"%s\"\nexpected\n  \"%s\"", #actual,                   \
				a_ ? a_ : "(null)", e_);                                          \
	} while (0)

#endif
