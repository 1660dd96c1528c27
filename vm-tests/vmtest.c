// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm-tests: lsmguard in a real kernel. Writes the test policies and data, starts `lsmguard run`,
 * then runs every case (see cases.c) in a forked child with a time limit.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

struct vm_case {
	const char *name;
	vm_test_fn fn;
	int order;
};

static struct vm_case cases[256];
static int case_count;
int vm_failures;

void vm_register(const char *name, vm_test_fn fn, int order)
{
	if (case_count < (int)(sizeof(cases) / sizeof(cases[0])))
		cases[case_count++] = (struct vm_case){name, fn, order};
}

static int compare_cases(const void *a, const void *b)
{
	const struct vm_case *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool run_case(const struct vm_case *tc)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		alarm(120); /* a hung case is a failed case */
		vm_failures = 0;
		tc->fn();
		fflush(stdout);
		_exit(vm_failures ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return false;
	if (WIFSIGNALED(status)) {
		printf("#   killed by signal %d%s\n", WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timed out)" : "");
		return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, number = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qsort(cases, (size_t)case_count, sizeof(cases[0]), compare_cases);
	if (vm_setup() != 0) {
		printf("not ok 1 - setup\nvm: 0 passed, 1 failed\n");
		return 1;
	}
	printf("TAP version 13\n1..%d\n", case_count);
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
	printf("vm: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
