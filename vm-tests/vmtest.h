/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vm-tests' names for the shared harness (tests/harness/harness.h). The suite runs inside the
 * test VM as root, after /init has mounted the kernel filesystems. Each case runs in a forked
 * child with a time limit, so a crash or a hang fails that case only; cases run in the order
 * they are declared. A case fails when the daemon wrote to its stderr while it ran, unless the
 * case declared that line with VM_EXPECT_DAEMON_WARNING. Output is TAP; the last line is
 * "vm: N passed, N failed, N skipped".
 */
#ifndef LSMGUARD_VMTEST_H
#define LSMGUARD_VMTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../tests/harness/harness.h"

typedef harness_fn vm_test_fn;
/* Registers through harness_register (vmtest.c); the benchmark defines its own, empty one. */
void vm_register(const char *name, vm_test_fn fn, int order);
#define vm_failures harness_failures

#define VM_TEST(name, order)                                                                      \
	static void name(void);                                                                   \
	__attribute__((constructor)) static void register_##name(void)                            \
	{                                                                                         \
		vm_register(#name, name, order);                                                  \
	}                                                                                         \
	static void name(void)

/* A case with a fixture (FIXTURE, FIXTURE_SETUP, FIXTURE_TEARDOWN of harness.h). */
#define VM_TEST_F(fixture, name, order) HARNESS_CASE_F(fixture, name, order)
/* The case cannot run here (not a failure, not a pass): "ok N - name # SKIP reason". */
#define VM_SKIP(...) harness_skip(__VA_ARGS__)
/* Run this case for up to seconds (instead of the suite's 120 s). */
#define VM_TIMEOUT(seconds) harness_set_timeout(seconds)
/*
 * The daemon will write a line holding text to its stderr during this case, on purpose: that
 * line does not fail the case (every other new line does). Text must match a line
 * (a substring, e.g. "reload failed"); a declared line that never appears fails the case too.
 */
#define VM_EXPECT_DAEMON_WARNING(text) harness_expect(text)

#define VM_FAIL(...) harness_fail_at(__FILE__, __LINE__, __VA_ARGS__)

#define VM_CHECK(cond)                                                                            \
	do {                                                                                      \
		if (!(cond))                                                                      \
			VM_FAIL("check failed: %s", #cond);                                       \
	} while (0)

/* The result of a system call: 0 on success, else its errno. */
#define VM_EXPECT(call, expected_errno)                                                           \
	do {                                                                                      \
		errno = 0;                                                                        \
		long r_ = (long)(call);                                                           \
		int e_ = r_ < 0 ? errno : 0;                                                      \
		if (e_ != (expected_errno))                                                       \
			VM_FAIL("%s: %s, expected %s", #call, e_ ? strerror(e_) : "success",       \
				(expected_errno) ? strerror(expected_errno) : "success");          \
	} while (0)

#endif
