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
#include <linux/bpf.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files" /* cases.c's policy: denies /data/secret and /data/private/ */
#define STRICT "/lgt/strict" /* cases.c's policy: no [system] userns = allow */
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

/* Pinned to CPU 0 with the others, then waits for its start byte on go: 0, or 200+ (setup). */
static int on_cpu0_when_told(int go)
{
	cpu_set_t cpu0;
	char c;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		return 200;
	return read(go, &c, 1) == 1 ? 0 : 201;
}

/* One task of the storm: pinned to CPU 0 with the others, as root or as uid 1000; returns the
 * number of wrong answers (capped) as its exit status. */
static int storm(int kid, int go)
{
	long wrong = 0, rounds = 0;
	struct timespec start, now;
	int ret = on_cpu0_when_told(go);

	if (ret)
		return ret;
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
	/* Each denied file with a second name: a hard-linked file's denial is never remembered
	 * (bpf_lsm/cache.bpf.h), so every denied open walks, and can be preempted in its walk. */
	VM_CHECK(system("mkdir -p /data/private/storm /data/storm && "
			"for i in $(seq 0 31); do echo x > /data/private/storm/f$i; "
			"ln -f /data/private/storm/f$i /data/private/storm/f$i-second-name; "
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


/*
 * Fresh tasks' state while another task is preempted inside a task-storage helper. 6.1's
 * helpers take a per-CPU busy counter by trylock; under preempt=full a task preempted while
 * holding it makes every call on that CPU, lookup or creation, return NULL until it runs again.
 * CI saw a fresh task's creat in an allowed directory decided fail-closed (EPERM; audit mode:
 * an "audit" event with no path): its walk's scratch could not be had. On CPU 0: two tasks fork
 * children into files' policy, each making a denied open or a denied unix peer's connect, then
 * creating and removing a file where the policy allows (12 of about 2,660 refused the creat
 * before the spare scratch); two, unconfined, clone children into strict's cgroup, each in its
 * setup window making a user namespace (15 of about 1,400 lost their mark while it was task
 * storage); four open a file in a loop, a task-storage lookup each time. Nothing allowed may be
 * refused and nothing denied let through; under preempt=full spares must have been handed out;
 * every spare and setup record goes with its task.
 */
#define FRESH_SECONDS 10
#define FRESH_SOCKET "/data/private/storm/peer.sock" /* under files.ini's deny = /data/private/ */

/* An unconfined task's children, made by clone3(CLONE_INTO_CGROUP) into strict's cgroup: each
 * is marked in its setup window at task_alloc, and makes a user namespace, which only the
 * window allows under strict's policy. Returns the number of children refused or failed. */
static int marked_forks(int kid, const struct timespec *start)
{
	long children = 0, refused = 0, failed = 0;
	int cgroup = open("/sys/fs/cgroup" STRICT, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	struct timespec now;

	if (cgroup < 0)
		return 203;
	do {
		struct clone_args args = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
					  .cgroup = (__u64)cgroup};
		long pid = syscall(SYS_clone3, &args, sizeof(args));
		int status;

		if (pid == 0)
			_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno == EPERM ? 1 : 2);
		if (pid < 0 || waitpid((pid_t)pid, &status, 0) != pid || !WIFEXITED(status))
			return 204;
		children++;
		if (WEXITSTATUS(status) == 1)
			refused++;
		else if (WEXITSTATUS(status) != 0)
			failed++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start->tv_sec < FRESH_SECONDS);
	close(cgroup);
	printf("# kid %d: %ld children cloned into strict's cgroup, %ld refused their window's user "
	       "namespace (EPERM), %ld failed otherwise\n", kid, children, refused, failed);
	fflush(stdout);
	return refused + failed > 100 ? 100 : (int)(refused + failed);
}

static int fresh_forks(int kid, int go)
{
	long children = 0, refused = 0, failed = 0, let_through = 0;
	struct timespec start, now;
	int ret = on_cpu0_when_told(go);

	if (ret)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (kid % 2) {
		/*
		 * Half of them hold the busy counter often: a task-storage lookup in every other
		 * open. Until 2026-12-04 every hook looked the task's policy up in task storage; it
		 * is a per-cgroup table now, so an allowed open answered by the cache takes no task
		 * storage at all (CI then saw no spare needed). The denied file has two names, so
		 * its denial is never remembered (cache.bpf.h): its walk takes the scratch from task
		 * storage each time.
		 */
		long opens = 0;

		do {
			bool deny = opens & 1;
			int fd = open(deny ? "/data/private/storm/f1" : "/data/storm/f1", O_RDONLY);

			if (deny ? fd >= 0 || errno != EPERM : fd < 0)
				failed++;
			if (fd >= 0)
				close(fd);
			if (++opens % 64 == 0)
				clock_gettime(CLOCK_MONOTONIC, &now);
		} while (opens % 64 || now.tv_sec - start.tv_sec < FRESH_SECONDS);
		printf("# kid %d: %ld opens, %ld failed\n", kid, opens, failed);
		fflush(stdout);
		return failed > 100 ? 100 : (int)failed;
	}
	if (kid % 4 == 2)
		return marked_forks(kid, &start);
	do {
		long pid = syscall(SYS_fork);
		int status;

		if (pid == 0) {
			struct sockaddr_un peer = {.sun_family = AF_UNIX, .sun_path = FRESH_SOCKET};
			char name[64];
			int fd;

			/* a denied open and a denied unix peer, then what the policy allows */
			if (children % 2) {
				fd = open("/data/private/storm/f1", O_RDONLY);
				if (fd >= 0 || errno != EPERM)
					_exit(3);
			} else {
				fd = socket(AF_UNIX, SOCK_DGRAM, 0);
				if (fd < 0)
					_exit(2);
				if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) == 0 ||
				    errno != EPERM)
					_exit(3);
				close(fd);
			}
			snprintf(name, sizeof(name), "/data/storm/fresh-%d-%ld", kid, children);
			fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				_exit(errno == EPERM ? 1 : 2);
			close(fd);
			_exit(unlink(name) == 0 ? 0 : errno == EPERM ? 1 : 2);
		}
		if (pid < 0 || waitpid((pid_t)pid, &status, 0) != pid || !WIFEXITED(status))
			return 202;
		children++;
		if (WEXITSTATUS(status) == 1)
			refused++;
		else if (WEXITSTATUS(status) == 3)
			let_through++;
		else if (WEXITSTATUS(status) != 0)
			failed++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < FRESH_SECONDS);
	printf("# kid %d: %ld fresh children, %ld refused an allowed creat (EPERM), %ld not refused "
	       "a denied open or unix peer, %ld failed otherwise\n",
	       kid, children, refused, let_through, failed);
	fflush(stdout);
	return refused + let_through + failed > 100 ? 100 : (int)(refused + let_through + failed);
}

/* clone3(CLONE_INTO_CGROUP) of a child that executes busybox's unshare -U: its exec ends the
 * window it was cloned in, so strict's policy refuses the namespace (unshare exits 1). */
static int exec_then_unshare_in_strict(void)
{
	int cgroup = open("/sys/fs/cgroup" STRICT, O_DIRECTORY | O_RDONLY | O_CLOEXEC), status;
	struct clone_args args = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD};
	long pid;

	if (cgroup < 0)
		return -1;
	args.cgroup = (__u64)cgroup;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		execl("/bin/busybox", "unshare", "-U", "true", (char *)NULL);
		_exit(127);
	}
	close(cgroup);
	if (pid < 0 || waitpid((pid_t)pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

VM_TEST(preempted_storage_creation_keeps_fresh_tasks_walking, 160)
{
	int go[2], status, peer, spares = 0, marks = 0, spares_before, marks_before;
	long long taken_before, taken, given_back_before, given_back;
	pid_t kids[KIDS];
	char start[KIDS];

	VM_TIMEOUT(90);
	if (full_preemption_asked())
		VM_CHECK(full_preemption_in_force());
	/* f1 with a second name: a hard-linked file's verdict is never cached nor its denial
	 * remembered (bpf_lsm/cache.bpf.h), so every denied open of it walks and takes a scratch */
	VM_CHECK(system("mkdir -p /data/storm /data/private/storm && echo x > /data/storm/f1 && "
			"echo x > /data/private/storm/f1 && "
			"ln -f /data/private/storm/f1 /data/private/storm/f1-second-name") == 0);
	make_cgroup(STRICT);
	peer = unix_bound_at(FRESH_SOCKET, SOCK_DGRAM);
	/* Controls: the denied objects are there for a task under no policy; strict refuses a
	 * user namespace to a child whose exec ended its window. */
	VM_CHECK(try_open(NULL, "/data/private/storm/f1", O_RDONLY) == 0);
	{
		struct sockaddr_un at = {.sun_family = AF_UNIX, .sun_path = FRESH_SOCKET};
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		VM_CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&at, sizeof(at)) == 0);
		close(fd);
	}
	VM_CHECK(exec_then_unshare_in_strict() == 1);
	spares_before = map_entries("lg_scratch_spare");
	marks_before = map_entries("lg_task_setup");
	taken_before = map_u64("lg_spare_counts", 1);
	given_back_before = map_u64("lg_spare_counts", 2);
	VM_CHECK(spares_before >= 0 && marks_before >= 0 && taken_before >= 0 &&
		 given_back_before >= 0);
	VM_CHECK(pipe(go) == 0);
	for (int i = 0; i < KIDS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(go[1]);
			_exit(fresh_forks(i, go[0]));
		}
		/* kid 2 and 6 stay unconfined: they clone their children into strict's cgroup */
		VM_CHECK(kids[i] > 0 && (i % 4 == 2 || move_into_cgroup(FILES, kids[i])));
	}
	close(go[0]);
	memset(start, 'g', sizeof(start));
	VM_CHECK(write(go[1], start, sizeof(start)) == KIDS);
	close(go[1]);
	/* How many spares and setup records were held at once, sampled. */
	for (int i = 0; i < FRESH_SECONDS * 20; i++) {
		int now = map_entries("lg_scratch_spare"), held = map_entries("lg_task_setup");

		spares = now > spares ? now : spares;
		marks = held > marks ? held : marks;
		usleep(50 * 1000);
	}
	for (int i = 0; i < KIDS; i++) {
		VM_CHECK(waitpid(kids[i], &status, 0) == kids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			VM_FAIL("fresh-fork task %d: status 0x%x (exit = children refused or let "
				"through or failed, 200+ = setup)", i, status);
	}
	close(peer);
	taken = map_u64("lg_spare_counts", 1) - taken_before;
	given_back = map_u64("lg_spare_counts", 2) - given_back_before;
	printf("# spare scratches handed out: %lld, given back at a walk: %lld; held at once, "
	       "sampled: at most %d spares (%d before), %d setup records (%d before)\n",
	       taken, given_back, spares, spares_before, marks, marks_before);
	/* Under full preemption the spares were needed (the case reproduces what it guards).
	 * How many were given back at a later walk is only reported: a child's three walks
	 * usually all meet the same preempted holder of the busy counter (CI: 13 handed out, 0
	 * given back at a walk, every one at task_free). */
	if (full_preemption_asked())
		VM_CHECK(taken > 0);
	/* Every child is freed (an RCU grace period after its exit): its spare and its setup
	 * record deleted with it. */
	for (int tries = 0; tries < 50 && (map_entries("lg_scratch_spare") > spares_before ||
					   map_entries("lg_task_setup") > marks_before);
	     tries++)
		usleep(100 * 1000);
	VM_CHECK(map_entries("lg_scratch_spare") <= spares_before);
	VM_CHECK(map_entries("lg_task_setup") <= marks_before);
	/* The count of spares held (which spares a lookup only when it is above 0) is what the map
	 * holds: every spare given back at a walk or at task_free was counted off once. */
	VM_CHECK(map_u64("lg_spare_counts", 0) == map_entries("lg_scratch_spare"));
}
