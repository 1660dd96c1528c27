// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cases that prove what the harness does with each kind of outcome; tests/harness/test-harness.sh
 * runs them and checks the runner's verdicts. Built twice: with its cases, and with none
 * (-DSELFTEST_EMPTY, for the zero-case guard). HARNESS_SELFTEST_MANY=N registers N more cases.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

#define FAIL(...) harness_fail_at(__FILE__, __LINE__, __VA_ARGS__)

#ifndef SELFTEST_EMPTY
HARNESS_CASE(passes, 0)
{
}

HARNESS_CASE(fails_a_check, 0)
{
	FAIL("a failed check\nwith a second line");
}

HARNESS_CASE(crashes, 0)
{
	raise(SIGSEGV);
}

HARNESS_CASE(hangs, 0)
{
	pause();
}

HARNESS_CASE(hangs_ignoring_its_alarm, 0)
{
	signal(SIGALRM, SIG_IGN);
	for (;;)
		pause();
}

HARNESS_CASE(raises_its_time_limit, 0)
{
	harness_set_timeout(3);
	sleep(2); /* past the suite's 1 s: passes only because the limit was raised */
}

HARNESS_CASE(skips, 0)
{
	harness_skip("the machine lacks %s", "something");
}

HARNESS_CASE(skips_after_a_failed_check, 0)
{
	FAIL("failed before skipping");
	harness_skip("too late");
}

HARNESS_CASE(exits_0_after_a_failed_check, 0)
{
	FAIL("failed, then exit(0)");
	exit(0);
}

HARNESS_CASE(exits_77_without_skipping, 0)
{
	_exit(HARNESS_EXIT_SKIP);
}

HARNESS_CASE(declares_what_after_case_must_see, 0)
{
	harness_expect("expected-text");
}

FIXTURE(marker)
{
	const char *path;
};

FIXTURE_SETUP(marker)
{
	self->path = getenv("HARNESS_SELFTEST_MARKER");
}

FIXTURE_TEARDOWN(marker)
{
	FILE *f = self->path ? fopen(self->path, "a") : NULL;

	if (f) {
		fputs("teardown\n", f);
		fclose(f);
	}
}

HARNESS_CASE_F(marker, fixture_fails_then_tears_down, 0)
{
	(void)self;
	FAIL("failed in the body");
}

HARNESS_CASE_F(marker, fixture_skips_then_tears_down, 0)
{
	(void)self;
	harness_skip("skipped in the body");
}

static void another(void)
{
}

__attribute__((constructor)) static void register_many(void)
{
	const char *many = getenv("HARNESS_SELFTEST_MANY");
	static char names[1024][16];

	for (int i = 0; many && i < atoi(many) && i < 1024; i++) {
		snprintf(names[i], sizeof(names[i]), "many_%d", i);
		harness_register(names[i], another, 1);
	}
	if (getenv("HARNESS_SELFTEST_DUPLICATE"))
		harness_register("passes", another, 1);
}
#endif

/* The runner's verdict on declares_what_after_case_must_see: it names what it expected. */
static bool after_case(const char (*expected)[HARNESS_EXPECTED_LEN], int count)
{
	for (int i = 0; i < count; i++)
		printf("# after_case saw '%s'\n", expected[i]);
	return true;
}

int main(int argc, char **argv)
{
	static const struct harness_suite selftest = {
		.name = "selftest",
		.timeout_s = 1,
		.hard_timeout_s = 2,
		.after_case = after_case,
	};

	return harness_main(&selftest, argc, argv);
}
