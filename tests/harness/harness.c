// SPDX-License-Identifier: GPL-2.0-only
/* The runner of tests/harness/harness.h: see there for what it guarantees. */
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

struct harness_case {
	const char *name;
	harness_fn fn;
	int order;
	bool selected;
	long took_ms; /* how long the case ran, after_case included */
};

/* What a case's child tells the runner, in memory the two share. */
struct harness_shared {
	pid_t case_pid; /* the case's own process (not its children) */
	bool skipped;	/* harness_skip() was called by it */
	char skip_reason[256];
	long deadline_ms; /* harness_set_timeout(): when the case may still run; 0 if not called */
	int expected_count;
	char expected[HARNESS_MAX_EXPECTED][HARNESS_EXPECTED_LEN];
};

static struct harness_case cases[HARNESS_MAX_CASES];
static int case_count, cases_refused;
static struct harness_shared *shared;
static void (*teardown_fn)(void *);
static void *teardown_arg;
int harness_failures;

void harness_register(const char *name, harness_fn fn, int order)
{
	if (case_count == HARNESS_MAX_CASES) {
		cases_refused++; /* main() fails the run: a case is never dropped silently */
		return;
	}
	cases[case_count++] = (struct harness_case){.name = name, .fn = fn, .order = order};
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool in_case_process(void)
{
	return shared && shared->case_pid == getpid();
}

void harness_set_teardown(void (*teardown)(void *), void *arg)
{
	teardown_fn = teardown;
	teardown_arg = arg;
}

void harness_skip(const char *fmt, ...)
{
	void (*teardown)(void *) = teardown_fn;
	va_list ap;

	if (!in_case_process()) {
		harness_fail_at(__FILE__, __LINE__, "harness_skip() outside a case's own process");
		fflush(stdout);
		_exit(1);
	}
	teardown_fn = NULL;
	if (teardown)
		teardown(teardown_arg);
	va_start(ap, fmt);
	vsnprintf(shared->skip_reason, sizeof(shared->skip_reason), fmt, ap);
	va_end(ap);
	shared->skip_reason[strcspn(shared->skip_reason, "\n")] = '\0';
	shared->skipped = true;
	fflush(stdout);
	_exit(harness_failures ? 1 : HARNESS_EXIT_SKIP);
}

void harness_set_timeout(unsigned seconds)
{
	alarm(seconds);
	if (in_case_process())
		shared->deadline_ms = now_ms() + (long)seconds * 1000;
}

void harness_expect(const char *text)
{
	if (!in_case_process()) {
		harness_fail_at(__FILE__, __LINE__,
				"harness_expect() outside a case's own process");
		return;
	}
	if (shared->expected_count == HARNESS_MAX_EXPECTED) {
		harness_fail_at(__FILE__, __LINE__, "more than %d expected outputs declared",
				HARNESS_MAX_EXPECTED);
		return;
	}
	snprintf(shared->expected[shared->expected_count++], HARNESS_EXPECTED_LEN, "%s", text);
}

/* A case that calls exit() itself still fails when one of its checks failed. */
static void exit_with_failures(void)
{
	if (in_case_process() && harness_failures) {
		fflush(stdout);
		_exit(1);
	}
}

static int compare_cases(const void *a, const void *b)
{
	const struct harness_case *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

enum result { RESULT_PASS, RESULT_FAIL, RESULT_SKIP };

/* Wait for the case's child; past the hard limit, kill its whole process group. */
static int wait_case(const struct harness_suite *suite, pid_t pid, int *status)
{
	long start = now_ms(), limit;

	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			return 0;
		if (got < 0)
			return -1;
		limit = start + (long)suite->hard_timeout_s * 1000;
		if (shared->deadline_ms && shared->deadline_ms + 10000 > limit)
			limit = shared->deadline_ms + 10000;
		if (now_ms() > limit) {
			printf("#   timed out: killed by the runner after %ld s\n",
			       (now_ms() - start) / 1000);
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			return waitpid(pid, status, 0) == pid ? 0 : -1;
		}
		usleep(10 * 1000);
	}
}

static enum result run_case(const struct harness_suite *suite, const struct harness_case *tc)
{
	enum result result = RESULT_FAIL;
	int status;
	pid_t pid;

	memset(shared, 0, sizeof(*shared));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("#   fork: %s\n", strerror(errno));
		return RESULT_FAIL;
	}
	if (pid == 0) {
		setpgid(0, 0); /* the runner can kill everything the case started */
		shared->case_pid = getpid();
		harness_failures = 0;
		atexit(exit_with_failures);
		signal(SIGALRM, SIG_DFL);
		alarm(suite->timeout_s); /* a hung case is a failed case */
		tc->fn();
		fflush(stdout);
		_exit(harness_failures ? 1 : 0);
	}
	setpgid(pid, pid);
	if (wait_case(suite, pid, &status) != 0) {
		printf("#   waitpid: %s\n", strerror(errno));
		kill(-pid, SIGKILL);
		return RESULT_FAIL;
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		if (sig == SIGALRM)
			printf("#   timed out (SIGALRM: %u s, unless the case raised it)\n",
			       suite->timeout_s);
		else
			printf("#   killed by signal %d (%s)\n", sig, strsignal(sig));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		result = RESULT_PASS;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == HARNESS_EXIT_SKIP &&
		   shared->skipped) {
		result = RESULT_SKIP;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 1) {
		printf("#   the case's process exited with status %d\n", WEXITSTATUS(status));
	}
	if (suite->after_case &&
	    !suite->after_case((const char(*)[HARNESS_EXPECTED_LEN])shared->expected,
			       shared->expected_count))
		result = RESULT_FAIL;
	return result;
}

/*
 * A suite's time limit is the machine's (vm-tests/run-vm.sh): the end of a run says where the
 * time went, so that a suite nearing its limit shows which cases to make shorter.
 */
#define HARNESS_SLOWEST 10

static void print_times(long total_ms)
{
	int shown[HARNESS_SLOWEST], count = 0;

	printf("# time: %ld.%01ld s in all; the slowest cases:", total_ms / 1000,
	       total_ms % 1000 / 100);
	while (count < HARNESS_SLOWEST) {
		int best = -1;

		for (int i = 0; i < case_count; i++) {
			bool taken = false;

			for (int k = 0; k < count; k++)
				taken |= shown[k] == i;
			if (cases[i].selected && !taken &&
			    (best < 0 || cases[i].took_ms > cases[best].took_ms))
				best = i;
		}
		if (best < 0)
			break;
		printf("%s %s %ld.%01ld s", count ? "," : "", cases[best].name,
		       cases[best].took_ms / 1000, cases[best].took_ms % 1000 / 100);
		shown[count++] = best;
	}
	printf("\n");
}

/* The run cannot start: one failed result, so that nothing reads it as a pass. */
static int bail_out(const struct harness_suite *suite, const char *why, const char *detail)
{
	printf("1..1\nnot ok 1 - %s\n", why);
	if (detail)
		printf("#   %s\n", detail);
	printf("Bail out! %s\n", why);
	printf("%s: 0 passed, 1 failed, 0 skipped\n", suite->name);
	return 1;
}

/*
 * Select the cases named on the command line: every case when none is named. A name may be a
 * shell pattern ("cache_*", "*race*": fnmatch). "-NAME" leaves out the cases NAME matches (of
 * every case when the command line has only exclusions), whatever else selects them. Each name
 * must match a case: a misspelt one would otherwise run what it meant to leave out, or less.
 */
static int select_cases(const struct harness_suite *suite, int argc, char **argv)
{
	bool included = false;
	int selected = 0;

	for (int a = 1; a < argc; a++)
		included |= argv[a][0] != '-';
	for (int i = 0; i < case_count; i++)
		cases[i].selected = !included;
	for (int pass = 0; pass < 2; pass++) { /* exclusions last: "A* -A1" runs no A1 */
		for (int a = 1; a < argc; a++) {
			bool exclude = argv[a][0] == '-';
			const char *name = argv[a] + exclude;
			bool found = false;

			if (exclude != pass)
				continue;
			for (int i = 0; i < case_count; i++) {
				if (fnmatch(name, cases[i].name, 0) == 0) {
					found = true;
					cases[i].selected = !exclude;
				}
			}
			if (!found) {
				char detail[256];

				snprintf(detail, sizeof(detail), "no case is named '%s'", name);
				bail_out(suite, "selection", detail);
				return -1;
			}
		}
	}
	for (int i = 0; i < case_count; i++)
		selected += cases[i].selected;
	if (selected == 0 && case_count > 0) {
		bail_out(suite, "selection", "the exclusions leave out every case the names select");
		return -1;
	}
	return selected;
}

int harness_main(const struct harness_suite *suite, int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, planned, reported = 0;
	long run_start;
	char detail[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (cases_refused) {
		snprintf(detail, sizeof(detail), "%d cases registered, at most %d are run",
			 case_count + cases_refused, HARNESS_MAX_CASES);
		return bail_out(suite, "too many cases (raise HARNESS_MAX_CASES)", detail);
	}
	qsort(cases, (size_t)case_count, sizeof(cases[0]), compare_cases);
	for (int i = 0; i < case_count; i++) {
		for (int j = 0; j < i; j++) {
			if (strcmp(cases[i].name, cases[j].name) == 0) {
				snprintf(detail, sizeof(detail), "two cases are named '%s'",
					 cases[i].name);
				return bail_out(suite, "duplicate case", detail);
			}
		}
	}
	planned = select_cases(suite, argc, argv);
	if (planned < 0)
		return 1;
	if (planned == 0)
		return bail_out(suite, "no case registered", NULL);
	shared =
	    mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return bail_out(suite, "shared memory", strerror(errno));
	if (suite->setup && suite->setup() != 0)
		return bail_out(suite, "setup", NULL);

	printf("1..%d\n", planned);
	run_start = now_ms();
	for (int i = 0; i < case_count; i++) {
		enum result result;
		long start;

		if (!cases[i].selected)
			continue;
		start = now_ms();
		result = run_case(suite, &cases[i]);
		cases[i].took_ms = now_ms() - start;
		reported++;
		if (result == RESULT_PASS) {
			printf("ok %d - %s\n", reported, cases[i].name);
			passed++;
		} else if (result == RESULT_SKIP) {
			printf("ok %d - %s # SKIP %s\n", reported, cases[i].name,
			       shared->skip_reason);
			skipped++;
		} else {
			printf("not ok %d - %s\n", reported, cases[i].name);
			failed++;
		}
	}
	if (reported != planned) {
		printf("# the plan was %d cases, %d were reported: counted as 1 failure\n", planned,
		       reported);
		failed++;
	}
	print_times(now_ms() - run_start);
	printf("%s: %d passed, %d failed, %d skipped\n", suite->name, passed, failed, skipped);
	return failed ? 1 : 0;
}
