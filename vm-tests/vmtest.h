/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vm-test harness: runs inside the test VM as root, after /init has mounted the kernel
 * filesystems. Each case runs in a forked child with a time limit, so a crash or a hang fails
 * that case only; cases run in the order they are declared. Output is TAP; the last line is
 * "vm: N passed, N failed".
 */
#ifndef LSMGUARD_VMTEST_H
#define LSMGUARD_VMTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (*vm_test_fn)(void);
void vm_register(const char *name, vm_test_fn fn, int order);
extern int vm_failures;

#define VM_TEST(name, order)                                                                      \
	static void name(void);                                                                   \
	__attribute__((constructor)) static void register_##name(void)                            \
	{                                                                                         \
		vm_register(#name, name, order);                                                  \
	}                                                                                         \
	static void name(void)

#define VM_FAIL(...)                                                                              \
	do {                                                                                      \
		fprintf(stdout, "#   %s:%d: ", __FILE__, __LINE__);                                 \
		fprintf(stdout, __VA_ARGS__);                                                     \
		fputc('\n', stdout);                                                              \
		vm_failures++;                                                                    \
	} while (0)

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
