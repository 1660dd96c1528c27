// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct test_case {
	const char *name;
	test_fn fn;
};

static struct test_case cases[512];
static int case_count;
int harness_failures;

void harness_register(const char *name, test_fn fn)
{
	if (case_count == (int)(sizeof(cases) / sizeof(cases[0]))) {
		fprintf(stderr, "harness: too many tests\n");
		exit(2);
	}
	cases[case_count].name = name;
	cases[case_count].fn = fn;
	case_count++;
}

static int compare_cases(const void *a, const void *b)
{
	return strcmp(((const struct test_case *)a)->name, ((const struct test_case *)b)->name);
}

/* Run one case in a child: exit status 0 means every check passed. */
static bool run_case(const struct test_case *tc)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return false;
	}
	if (pid == 0) {
		harness_failures = 0;
		tc->fn();
		fflush(stdout);
		_exit(harness_failures ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return false;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "    killed by signal %d\n", WTERMSIG(status));
		return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, number = 0;

	qsort(cases, (size_t)case_count, sizeof(cases[0]), compare_cases);
	for (int i = 0; i < case_count; i++) {
		bool selected = argc < 2;

		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], cases[i].name) == 0)
				selected = true;
		if (!selected)
			continue;
		number++;
		if (run_case(&cases[i])) {
			printf("ok %d - %s\n", number, cases[i].name);
			passed++;
		} else {
			printf("not ok %d - %s\n", number, cases[i].name);
			failed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed || number == 0 ? 1 : 0;
}
