/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one test harness of the unit tests (tests/unit/harness.h) and the vm-tests
 * (vm-tests/vmtest.h); each of those headers only names the macros its suite uses.
 *
 * A case registers itself from a constructor. The runner sorts the cases (by order, then by
 * name), selects those named on the command line (all when none is named; a name may be a
 * shell pattern, and "-NAME" leaves out what it matches), prints a TAP plan "1..N" and runs
 * each case in a forked child, in its own process group, with a time limit: a crash, a signal
 * or a hang fails that case only. A case passes when it returns with no failed
 * check, fails otherwise, and is skipped (reported "ok N - name # SKIP reason", counted apart)
 * when it calls harness_skip() before any check failed. The last line is
 * "NAME: N passed, N failed, N skipped".
 *
 * The run fails when no case is registered or selected, when a name on the command line matches
 * no case, when more than HARNESS_MAX_CASES cases register, when two cases share a name, and
 * when the number of results reported differs from the plan.
 */
#ifndef LSMGUARD_HARNESS_H
#define LSMGUARD_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The most cases one program can hold; one more fails the run, loudly. */
#define HARNESS_MAX_CASES 512
/* The most outputs one case can declare it expects (harness_expect). */
#define HARNESS_MAX_EXPECTED 16
#define HARNESS_EXPECTED_LEN 160
/* A skipped case's exit status (the automake convention), trusted with harness_skip() only. */
#define HARNESS_EXIT_SKIP 77

typedef void (*harness_fn)(void);

struct harness_suite {
	const char *name;	 /* the summary line's prefix */
	unsigned timeout_s;	 /* per case: SIGALRM in the case's child */
	unsigned hard_timeout_s; /* the runner kills the case's process group after this */
	/* In the runner, before any case; non-zero fails the run (reported as "setup"). */
	int (*setup)(void);
	/* In the runner, before each case is forked. */
	void (*before_case)(void);
	/*
	 * In the runner, after each case, whatever its result: false fails the case. expected
	 * holds what the case declared with harness_expect() (count entries).
	 */
	bool (*after_case)(const char (*expected)[HARNESS_EXPECTED_LEN], int count);
};

/* Failed checks of the running case (in its child). */
extern int harness_failures;

void harness_register(const char *name, harness_fn fn, int order);
int harness_main(const struct harness_suite *suite, int argc, char **argv);

/* The case cannot run here: it ends now, reported as skipped unless a check already failed. */
void harness_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The case may run seconds from now (replaces the suite's per-case limit). */
void harness_set_timeout(unsigned seconds);
/* Declare an output the running case expects (the suite's after_case hook decides on it). */
void harness_expect(const char *text);
/* What a fixture's teardown needs when its case ends in harness_skip() (set by HARNESS_CASE_F). */
void harness_set_teardown(void (*teardown)(void *), void *arg);

/*
 * Report a failed check as TAP diagnostics ("#   FILE:LINE: message", every line of the message
 * behind a "#"). Inline so that programs using a suite's check macros outside the runner (the
 * benchmark) need no more than a harness_failures of their own.
 */
static inline __attribute__((format(printf, 3, 4))) void
harness_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[4096];
	const char *p = msg;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("#   %s:%d: ", file, line);
	for (;;) {
		size_t len = strcspn(p, "\n");

		printf("%.*s\n", (int)len, p);
		if (!p[len])
			break;
		p += len + 1;
		printf("#   ");
	}
	fflush(stdout);
	harness_failures++;
}

/* ---- fixtures: state set up before a case, torn down after it even when a check failed ---- */

/*
 * FIXTURE(name) { fields };  FIXTURE_SETUP(name) { self->... }  FIXTURE_TEARDOWN(name) { ... }
 * then each suite's TEST_F-style macro (HARNESS_CASE_F) runs setup, the body (only when the setup
 * failed no check) and teardown, in the case's child, with self pointing to the fixture.
 */
#define FIXTURE(fixture) struct fixture_##fixture
#define FIXTURE_SETUP(fixture) static void fixture_setup_##fixture(struct fixture_##fixture *self)
#define FIXTURE_TEARDOWN(fixture)                                                                 \
	static void fixture_teardown_##fixture(struct fixture_##fixture *self)

#define HARNESS_CASE(name, order)                                                                 \
	static void name(void);                                                                   \
	__attribute__((constructor)) static void register_##name(void)                            \
	{                                                                                         \
		harness_register(#name, name, order);                                             \
	}                                                                                         \
	static void name(void)

#define HARNESS_CASE_F(fixture, name, order)                                                      \
	static void fixture_body_##name(struct fixture_##fixture *self);                          \
	static void fixture_teardown_of_##name(void *self)                                        \
	{                                                                                         \
		fixture_teardown_##fixture(self);                                                 \
	}                                                                                         \
	HARNESS_CASE(name, order)                                                                 \
	{                                                                                         \
		struct fixture_##fixture self_ = {0};                                             \
		int failures_before_ = harness_failures;                                          \
		harness_set_teardown(fixture_teardown_of_##name, &self_);                         \
		fixture_setup_##fixture(&self_);                                                  \
		if (harness_failures == failures_before_)                                         \
			fixture_body_##name(&self_);                                              \
		harness_set_teardown(NULL, NULL);                                                 \
		fixture_teardown_##fixture(&self_);                                               \
	}                                                                                         \
	static void fixture_body_##name(struct fixture_##fixture *self)

#endif
