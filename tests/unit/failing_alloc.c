// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interposes malloc, calloc and realloc (glibc supports replacing them; its own functions call
 * the replacement) and forwards to glibc's allocator. free is glibc's: the memory is glibc's.
 */
#include <errno.h>
#include <stdlib.h>

#include "failing_alloc.h"

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);

static unsigned long fail_at, calls;
static bool fired;

void alloc_fail_nth(unsigned long n)
{
	fail_at = n;
	if (n) {
		calls = 0;
		fired = false;
	}
}

bool alloc_failure_fired(void)
{
	return fired;
}

static bool fail_this_one(void)
{
	if (!fail_at || ++calls != fail_at)
		return false;
	fired = true;
	errno = ENOMEM;
	return true;
}

void *malloc(size_t size)
{
	return fail_this_one() ? NULL : __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
	return fail_this_one() ? NULL : __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size)
{
	return fail_this_one() ? NULL : __libc_realloc(ptr, size);
}
