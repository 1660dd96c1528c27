/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A counted failing allocator for the unit tests: malloc, calloc and realloc of the whole test
 * binary (the C library's own allocations inside strdup, vasprintf, getline, fmemopen and
 * libinih included) pass through it, and the Nth call after alloc_fail_nth(N) fails with ENOMEM.
 */
#ifndef LSMGUARD_TEST_FAILING_ALLOC_H
#define LSMGUARD_TEST_FAILING_ALLOC_H

#include <stdbool.h>

/* Fail the nth allocation from now (n >= 1) and no other; 0 turns failing off. */
void alloc_fail_nth(unsigned long n);
/* Whether the failure armed by the last alloc_fail_nth(n >= 1) happened. */
bool alloc_failure_fired(void);

#endif
