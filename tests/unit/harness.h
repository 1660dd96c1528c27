/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small test harness: TEST(name) { ... } registers a case; each case runs in a forked child so
 * that a crash fails that case only. Output is TAP-like, and the last line is
 * "N passed, N failed". Run one case with: unit-tests NAME.
 */
#ifndef LSMGUARD_TEST_HARNESS_H
#define LSMGUARD_TEST_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void harness_register(const char *name, test_fn fn);
extern int harness_failures; /* failed checks in the current case */

#define TEST(name)                                                                                \
	static void name(void);                                                                   \
	__attribute__((constructor)) static void register_##name(void)                            \
	{                                                                                         \
		harness_register(#name, name);                                                    \
	}                                                                                         \
	static void name(void)

#define FAIL_AT(...)                                                                              \
	do {                                                                                      \
		fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__);                                    \
		fprintf(stderr, __VA_ARGS__);                                                     \
		fputc('\n', stderr);                                                              \
		harness_failures++;                                                               \
	} while (0)

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
			FAIL_AT("%s is\n      \"%s\"\n    expected\n      \"%s\"", #actual,            \
				a_ ? a_ : "(null)", e_);                                          \
	} while (0)

#endif
