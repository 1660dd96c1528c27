// SPDX-License-Identifier: GPL-2.0-only
/*
 * Verdicts under preemption. A BPF program is not atomic: with full preemption (preempt=full on
 * Debian's kernels, which are built with CONFIG_PREEMPT_DYNAMIC) a task can be preempted in the
 * middle of a hook's walk, and other tasks then run the same programs on the same CPU. State
 * kept per CPU between two steps of one program run is then shared between tasks: the walks'
 * scratch was, and eight confined tasks on one CPU saw 78% of their denied opens succeed.
 *
 * The case runs in every VM boot; the suite vm-preempt (vm-tests/run-vm.sh preempt) boots the
 * kernel with preempt=full, where it is the test that fails when per-task state is shared.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files" /* cases.c's policy: denies /data/secret and /data/private/ */
#define KIDS 8
#define NAMES 32
#define STORM_SECONDS 8

/* Whether full preemption, asked for on the command line (vmutil.c), is really in force. */
static bool full_preemption_in_force(void)
{
	char mode[128] = "";
	bool full = false;
	FILE *f;

	if (mkdir("/run/preempt-debugfs", 0700) && errno != EEXIST)
		return false;
	if (mount("debugfs", "/run/preempt-debugfs", "debugfs", 0, NULL))
		return false;
	f = fopen("/run/preempt-debugfs/sched/preempt", "r");
	if (f) {
		if (fgets(mode, sizeof(mode), f))
			full = strstr(mode, "(full)") != NULL;
		fclose(f);
	}
	umount("/run/preempt-debugfs");
	return full;
}

/* One task of the storm: pinned to CPU 0 with the others, as root or as uid 1000; returns the
 * number of wrong answers (capped) as its exit status. */
static int storm(int kid, int go)
{
	long wrong = 0, rounds = 0;
	struct timespec start, now;
	cpu_set_t cpu0;
	char c;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		return 200;
	if (read(go, &c, 1) != 1)
		return 201;
	if (kid % 2 && (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
			setresuid(1000, 1000, 1000)))
		return 202;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		char denied[64], allowed[64];
		int n = (int)(rounds++ % NAMES), fd;

		snprintf(denied, sizeof(denied), "/data/private/storm/f%d", n);
		snprintf(allowed, sizeof(allowed), "/data/storm/f%d", n);
		fd = open(denied, O_RDONLY);
		if (fd >= 0 || errno != EPERM) {
			if (wrong++ < 3)
				printf("# kid %d: open %s: %s\n", kid, denied,
				       fd >= 0 ? "opened" : strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		fd = open(n % 2 ? "/data/secret" : denied, O_RDONLY);
		if (fd >= 0 || errno != EPERM) {
			wrong++;
			if (fd >= 0)
				close(fd);
		}
		fd = open(allowed, O_RDONLY);
		if (fd < 0) {
			if (wrong++ < 3)
				printf("# kid %d: open %s: %s\n", kid, allowed, strerror(errno));
		} else {
			close(fd);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < STORM_SECONDS);
	printf("# kid %d (%s): %ld rounds, %ld wrong answers\n", kid, kid % 2 ? "uid 1000" : "root",
	       rounds, wrong);
	fflush(stdout);
	return wrong > 100 ? 100 : (int)wrong;
}

VM_TEST(preempted_walks_keep_their_verdicts, 160)
{
	pid_t kids[KIDS];
	char start[KIDS];
	int go[2], status;

	VM_TIMEOUT(90);
	if (full_preemption_asked())
		VM_CHECK(full_preemption_in_force());
	VM_CHECK(system("mkdir -p /data/private/storm /data/storm && "
			"for i in $(seq 0 31); do echo x > /data/private/storm/f$i; "
			"echo x > /data/storm/f$i; done") == 0);
	/* The controls: readable to root and uid 1000 outside every policy. */
	VM_CHECK(try_open(NULL, "/data/private/storm/f1", O_RDONLY) == 0);
	VM_CHECK(try_open(NULL, "/data/secret", O_RDONLY) == 0);
	VM_CHECK(pipe(go) == 0);
	for (int i = 0; i < KIDS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(go[1]);
			_exit(storm(i, go[0]));
		}
		VM_CHECK(kids[i] > 0 && move_into_cgroup(FILES, kids[i]));
	}
	close(go[0]);
	/* One start byte for each storm task: all start at once. */
	memset(start, 'g', sizeof(start));
	VM_CHECK(write(go[1], start, sizeof(start)) == KIDS);
	close(go[1]);
	for (int i = 0; i < KIDS; i++) {
		VM_CHECK(waitpid(kids[i], &status, 0) == kids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			VM_FAIL("storm task %d (%s): status 0x%x (exit = wrong answers, 200+ = setup)",
				i, i % 2 ? "uid 1000" : "root", status);
	}
	/* And no verdict the storm could have left in a cache answers wrongly afterwards (the
	 * per-CPU scratch left an allow cached for one denied name, which then opened every time). */
	for (int n = 0; n < NAMES; n++) {
		char denied[64], allowed[64];

		snprintf(denied, sizeof(denied), "/data/private/storm/f%d", n);
		snprintf(allowed, sizeof(allowed), "/data/storm/f%d", n);
		VM_CHECK(try_open(FILES, denied, O_RDONLY) == EPERM);
		VM_CHECK(try_open(FILES, allowed, O_RDONLY) == 0);
	}
}

