// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 7: an independent attacker against the enforcer itself (the daemon, its ring
 * buffer reader, its state directory and what it reports). Each case asserts the SECURE
 * outcome, so a failing case is an open route. The attacker is code that took over a confined
 * service whose policy allows every file, program and address and has no [system] key: a7
 * (enforce) and a7-audit (audit mode). Routes are tried as root and, where the kernel lets a
 * user, as uid 1000, with an unconfined control where one shows the route works.
 *
 * Results against ed3d479 (the Debian 6.1 VM, 2026-12-01); "open" = the case fails today:
 * 270 open   a built-in's rate limit is keyed by its reason, not its target: ten signals to
 *            PID 1, then kill(lsmguard, SIGKILL) in the same second: no event names lsmguard,
 *            the next one says "suppressed_before":1 with path "PID 1 (the service manager)";
 *            ten fsopen(), then open_tree(OPEN_TREE_CLONE): allowed in audit mode, never named
 * 271 open   the attacker's own nice -20 (CAP_SYS_NICE for itself): two spinners make a reload
 *            take 3.0-7.5 s instead of 75-130 ms ("duration_ms":7514.8, 3053.8) with the cpu
 *            controller off (systemd's default); with it on, contained (122 ms)
 * 272 open   its own cgroup's cpu.weight = 10000 (its own cgroup's files follow its [files]
 *            rules), lsmguard in a sibling cgroup: a reload 1.7-3.0 s instead of ~90 ms
 * 273 open   its own oom_score_adj = -1000 (and oom_adj = -17): unkillable by the OOM killer
 *            (lsmguard.service has -1000 too: a global OOM then kills the rest or panics)
 * 274 held   the daemon's ring buffer and map descriptors, consumer page: /proc/PID/map_files,
 *            /proc/PID/fd, pidfd_getfd, process_vm_readv, BPF_MAP_GET_FD_BY_ID (root, uid 1000)
 * 275 open   /run filled by a confined root: a reload is put in force ("result":"ok", metrics
 *            count it) but /run/lsmguard/state, which `lsmguard status` reads, keeps the old
 *            generation; uid 1000 cannot (Debian's /run is 0755)
 * 276 open   (claim check, root outside any policy, not lsmguard): pidfd_getfd of the daemon's
 *            map descriptors gives write access; BPF_MAP_UPDATE_ELEM into lg_rate succeeds
 * 277 open   (not every run) the held-back count of 270 lives in the lg_rate LRU record; a flood
 *            of distinct denials evicts it: no event line ever mentions the held-back kill
 * 278 open   /run full at a restart: the daemon starts (held), but cannot save its "lost"
 *            snapshot; the next daemon reports the same lost events again (999 twice)
 * 279 open   lg_links held full by one service (16,381 records): a file's second name made by
 *            an administrator while full, then a reload adding an exact deny rule for it: the
 *            rule's name EPERM, the second name opens (refresh_links' insert fails silently);
 *            another policy's link() while full: allowed in this run (the count is per-CPU)
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "vmtest.h"
#include "vmutil.h"

#define A7 "/lgt/a7"
#define A7_AUDIT "/lgt/a7-audit"
#define A7_SVC "/lgt/a7-svc" /* an unconfined sibling: lsmguard.service beside the service */
#define USER 1000

#define A7_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char a7_policy[] = "[policy]\nname = a7\ncgroup = " A7 "\nmode = enforce\n" A7_RULES;
static const char a7_audit_policy[] =
    "[policy]\nname = a7-audit\ncgroup = " A7_AUDIT "\nmode = audit\n" A7_RULES;

static const char *const attackers[] = {A7, A7_AUDIT};
static const char *const attacker_names[] = {"enforce", "audit"};

static void a7_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/a7.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a7.ini", a7_policy, 0644);
		write_file(POLICY_DIR "/a7-audit.ini", a7_audit_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A7);
	make_cgroup(A7_AUDIT);
}

static const char *res(int got)
{
	static char buf[8][48];
	static int n;
	char *b = buf[n++ % 8];

	if (got == 0)
		return "success";
	if (got > 0 && got < 200)
		snprintf(b, 48, "%s", strerror(got));
	else
		snprintf(b, 48, "code %d", got);
	return b;
}

static int drop_to(uid_t uid)
{
	if (uid && (setgid(uid) || setuid(uid)))
		return 200;
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A process run in cgroup (moved in before it starts); a7_wait collects fn's result. */
struct a7_proc {
	pid_t pid;
	int result_fd;
};

static bool a7_spawn(struct a7_proc *p, const char *cgroup, int (*fn)(const void *),
		     const void *arg)
{
	int res_pipe[2], go[2];
	char c = 0;

	if (pipe2(res_pipe, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return false;
	fflush(stdout);
	p->pid = fork();
	if (p->pid < 0)
		return false;
	if (p->pid == 0) {
		int r;

		close(res_pipe[0]);
		close(go[1]);
		if (read(go[0], &c, 1) != 1 || c != 'y')
			_exit(3);
		r = fn(arg);
		_exit(write(res_pipe[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(res_pipe[1]);
	close(go[0]);
	c = !cgroup || move_into_cgroup(cgroup, p->pid) ? 'y' : 'n';
	if (write(go[1], &c, 1) != 1)
		c = 'n';
	close(go[1]);
	p->result_fd = res_pipe[0];
	return c == 'y';
}

static int a7_wait(struct a7_proc *p, int timeout_ms)
{
	struct pollfd pfd = {.fd = p->result_fd, .events = POLLIN};
	int r = OP_NO_RESULT;

	if (poll(&pfd, 1, timeout_ms) == 1 && read(p->result_fd, &r, sizeof(r)) != sizeof(r))
		r = OP_NO_RESULT;
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	close(p->result_fd);
	return r;
}

/* A reload's time as the suite sees it (SIGHUP to the state file's new generation), or -1. */
static long reload_ms(void)
{
	long t0 = now_ms();

	return daemon_reload_wait() ? now_ms() - t0 : -1;
}

/* ===================================================================================== */
/* 270: a built-in's rate limit, keyed by its reason, merges different targets.            */
/* ===================================================================================== */

#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#define A7_OPEN_TREE_CLONE 1

struct merge_arg {
	pid_t daemon;
	bool mount; /* fsopen x10, then open_tree(OPEN_TREE_CLONE); else signals */
};

static int do_merge(const void *data)
{
	const struct merge_arg *a = data;
	int r;

	if (a->mount) {
		for (int i = 0; i < 10; i++) {
			int fd = (int)syscall(SYS_fsopen, "tmpfs", 0);

			if (fd >= 0)
				close(fd);
		}
		r = (int)syscall(SYS_open_tree, AT_FDCWD, "/tmp", A7_OPEN_TREE_CLONE);
		if (r >= 0) {
			close(r);
			return 0;
		}
		return errno;
	}
	/* Ten refused signals to PID 1 (SIGCONT: harmless if one got through)... */
	for (int i = 0; i < 10; i++)
		kill(1, SIGCONT);
	/* ...then the one the attacker wants nobody to see, in the same second. */
	return kill(a->daemon, SIGKILL) ? errno : 0;
}

static int do_one_more(const void *data)
{
	const struct merge_arg *a = data;

	if (a->mount) {
		int fd = (int)syscall(SYS_fsopen, "tmpfs", 0);

		if (fd >= 0)
			close(fd);
		return fd >= 0 ? 0 : errno;
	}
	return kill(1, SIGCONT) ? errno : 0;
}

VM_TEST(a7_builtin_rate_limit_merges_different_targets, 270)
{
	pid_t daemon;

	a7_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	if (daemon <= 1)
		return;
	for (size_t c = 0; c < 2; c++) {
		for (int m = 0; m < 2; m++) {
			struct merge_arg a = {daemon, m == 1};
			const char *needle = m ? "\"path\":\"open_tree(OPEN_TREE_CLONE)\""
					       : "\"path\":\"lsmguard\"";
			const char *hook = m ? "\"hook\":\"capable\"" : "\"hook\":\"task_kill\"";
			const char *const needles[] = {hook, needle, NULL};
			long mark = event_mark();
			int r = in_cgroup(attackers[c], do_merge, &a), r2;
			bool seen;

			usleep(1200 * 1000); /* past the rate window: the next one says what it held */
			r2 = in_cgroup(attackers[c], do_one_more, &a);
			seen = wait_event_after(mark, needles, 3000);
			printf("# %s: %s: the last call %s (then one more: %s); its own event (%s) %s\n",
			       attacker_names[c],
			       m ? "10 x fsopen, then open_tree(OPEN_TREE_CLONE)"
				 : "10 x kill(1, SIGCONT), then kill(lsmguard, SIGKILL)",
			       res(r), res(r2), needle, seen ? "printed" : "NEVER printed");
			print_events_after(mark, m ? "\"hook\":\"capable\"" : "\"hook\":\"task_kill\"");
			VM_CHECK(m || r == EPERM);
			VM_CHECK(kill(daemon, 0) == 0);
			if (!seen)
				VM_FAIL("%s: %s: the event naming the last target was merged into "
					"the first ten's (rate limit keyed by the built-in's reason)",
					attacker_names[c], m ? "open_tree" : "kill(lsmguard)");
		}
	}
}

/* ===================================================================================== */
/* 271, 272: the attacker's own CPU share against the daemon's.                            */
/* ===================================================================================== */

static volatile int spin_stop;

static void *spin_thread(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(long)arg % 2, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!spin_stop)
		;
	return NULL;
}

struct spin_arg {
	uid_t uid;
	int nice;	/* setpriority(self) first, unless 0 */
	int seconds;	/* 0: only the setting */
	int threads;
};

static int do_spin(const void *data)
{
	const struct spin_arg *a = data;
	pthread_t t[16];
	int n = a->threads > 16 ? 16 : a->threads;

	if (drop_to(a->uid))
		return 200;
	if (a->nice && setpriority(PRIO_PROCESS, 0, a->nice))
		return errno;
	if (a->seconds == 0)
		return 0;
	alarm((unsigned)a->seconds + 5);
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, spin_thread, (void *)i);
	sleep((unsigned)a->seconds);
	spin_stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* A reload's time while spinners of arg run in cgroup (they start 300 ms before). */
static long reload_under(const char *cgroup, const struct spin_arg *arg)
{
	struct a7_proc p;
	long ms;

	if (!a7_spawn(&p, cgroup, do_spin, arg))
		return -2;
	usleep(300 * 1000);
	ms = reload_ms();
	a7_wait(&p, 20000);
	/* Let an unfinished reload end before the next measurement. */
	for (int i = 0; i < 100 && ms < 0; i++) {
		usleep(100 * 1000);
	}
	return ms;
}

static bool cg_write(const char *cgroup, const char *file, const char *text)
{
	char path[256];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", cgroup, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

/* Whether the root cgroup hands out the cpu controller (protect.c's case turns it on). */
static bool root_has_cpu(void)
{
	char text[256] = "";
	FILE *f = fopen("/sys/fs/cgroup/cgroup.subtree_control", "r");

	if (f) {
		if (!fgets(text, sizeof(text), f))
			text[0] = '\0';
		fclose(f);
	}
	for (char *w = strtok(text, " \n"); w; w = strtok(NULL, " \n"))
		if (strcmp(w, "cpu") == 0)
			return true;
	return false;
}

VM_TEST(a7_own_nice_slows_the_daemon, 271)
{
	long base, plain, niced;
	bool had_cpu = root_has_cpu();

	a7_setup();
	VM_TIMEOUT(90);
	/* As on a host where no unit sets CPUWeight= or CPUQuota=: systemd then leaves the cpu
	 * controller off (CPUAccounting= reads cpu.stat without it), and every task competes
	 * with every other by its nice value alone. */
	cg_write("/lgt", "cgroup.subtree_control", "-cpu");
	cg_write("", "cgroup.subtree_control", "-cpu");
	printf("# the cpu controller at the root: %s (was %s)\n", root_has_cpu() ? "on" : "off",
	       had_cpu ? "on" : "off");
	for (size_t c = 0; c < 2; c++) {
		struct spin_arg set = {0, -20, 0, 0};
		int r = in_cgroup(attackers[c], do_spin, &set);

		printf("# %s: setpriority(PRIO_PROCESS, self, -20): %s\n", attacker_names[c], res(r));
		VM_CHECK(r == EPERM);
	}
	{
		struct spin_arg set = {USER, -20, 0, 0};
		int r = in_cgroup(A7, do_spin, &set);

		printf("# uid 1000: setpriority(self, -20): %s\n", res(r));
		VM_CHECK(r == EACCES || r == EPERM);
	}
	base = reload_ms();
	{
		struct spin_arg s = {0, 0, 8, 2};

		plain = reload_under(A7, &s);
	}
	{
		struct spin_arg s = {0, -20, 8, 2};

		niced = reload_under(A7, &s);
	}
	printf("# a reload takes %ld ms alone, %ld ms under two nice-0 spinners, %ld ms under two "
	       "nice -20 spinners of the confined root (-1: not done within 5 s)\n",
	       base, plain, niced);
	VM_CHECK(niced >= 0 && niced < 1000);
	if (had_cpu)
		cg_write("", "cgroup.subtree_control", "+cpu");
}

struct weight_arg {
	uid_t uid;
	const char *file;
	const char *value;
};

static int do_weight(const void *data)
{
	const struct weight_arg *a = data;
	int fd;

	if (drop_to(a->uid))
		return 200;
	fd = open(a->file, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, a->value, strlen(a->value)) < 0) {
		int e = errno;

		close(fd);
		return 100 + e;
	}
	close(fd);
	return 0;
}

VM_TEST(a7_own_cgroup_cpu_weight_slows_the_daemon, 272)
{
	char home[256] = "", line[256], pidtext[32];
	pid_t daemon;
	long base, plain, weighted;
	FILE *f;

	a7_setup();
	VM_TIMEOUT(90);
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	if (daemon <= 1)
		return;
	/* What systemd has on a host: the cpu controller on, the daemon in a sibling cgroup of
	 * the service's (system.slice/lsmguard.service beside system.slice/x.service). */
	VM_CHECK(cg_write("", "cgroup.subtree_control", "+cpu"));
	VM_CHECK(cg_write("/lgt", "cgroup.subtree_control", "+cpu"));
	make_cgroup(A7_SVC);
	snprintf(line, sizeof(line), "/proc/%d/cgroup", (int)daemon);
	f = fopen(line, "r");
	if (f) {
		if (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3) == 0)
			snprintf(home, sizeof(home), "%s", line + 3);
		fclose(f);
	}
	home[strcspn(home, "\n")] = '\0';
	if (strcmp(home, "/") == 0)
		home[0] = '\0';
	snprintf(pidtext, sizeof(pidtext), "%d", (int)daemon);
	VM_CHECK(cg_write(A7_SVC, "cgroup.procs", pidtext));
	for (size_t c = 0; c < 2; c++) {
		char file[128];
		struct weight_arg w = {0, file, "10000"};
		int r;

		snprintf(file, sizeof(file), "/sys/fs/cgroup%s/cpu.weight", attackers[c]);
		r = in_cgroup(attackers[c], do_weight, &w);
		printf("# %s: its own cgroup's cpu.weight = 10000: %s\n", attacker_names[c], res(r));
		VM_CHECK(r == EPERM);
		cg_write(attackers[c], "cpu.weight", "100");
	}
	{
		struct weight_arg w = {USER, "/sys/fs/cgroup" A7 "/cpu.weight", "10000"};
		int r = in_cgroup(A7, do_weight, &w);

		printf("# uid 1000: cpu.weight: %s\n", res(r));
	}
	base = reload_ms();
	{
		struct spin_arg s = {0, 0, 8, 2};

		plain = reload_under(A7, &s);
		cg_write(A7, "cpu.weight", "10000"); /* what the attacker's write does */
		{
			struct weight_arg w = {0, "/sys/fs/cgroup" A7 "/cpu.weight", "10000"};

			in_cgroup(A7, do_weight, &w);
		}
		weighted = reload_under(A7, &s);
		cg_write(A7, "cpu.weight", "100");
	}
	printf("# the daemon beside the service: a reload takes %ld ms alone, %ld ms under two "
	       "spinners at cpu.weight 100, %ld ms at cpu.weight 10000 (-1: not within 5 s)\n",
	       base, plain, weighted);
	VM_CHECK(weighted >= 0 && weighted < 1000);
	/* Back as it was. */
	VM_CHECK(cg_write(home, "cgroup.procs", pidtext));
	cg_write("/lgt", "cgroup.subtree_control", "-cpu");
	cg_write("", "cgroup.subtree_control", "-cpu");
}

/* ===================================================================================== */
/* 273: the attacker unkillable by the OOM killer.                                         */
/* ===================================================================================== */

struct oom_arg {
	uid_t uid;
	const char *file;
	const char *value;
};

static int do_oom(const void *data)
{
	const struct oom_arg *a = data;
	char back[32] = "";
	int fd;

	if (drop_to(a->uid))
		return 200;
	fd = open(a->file, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, a->value, strlen(a->value)) < 0) {
		int e = errno;

		close(fd);
		return 100 + e;
	}
	close(fd);
	fd = open("/proc/self/oom_score_adj", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, back, sizeof(back) - 1) < 0)
			back[0] = '\0';
		close(fd);
	}
	return atoi(back) == -1000 ? 0 : 190;
}

VM_TEST(a7_own_oom_score_adj_makes_it_unkillable, 273)
{
	char path[64], text[32] = "?";
	int fd;

	a7_setup();
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)daemon_pid());
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, text, sizeof(text) - 1);

		text[n > 0 ? n : 0] = '\0';
		text[strcspn(text, "\n")] = '\0';
		close(fd);
	}
	printf("# the daemon's oom_score_adj here: %s (lsmguard.service: OOMScoreAdjust=-1000)\n",
	       text);
	for (size_t c = 0; c < 2; c++) {
		struct oom_arg a = {0, "/proc/self/oom_score_adj", "-1000"};
		struct oom_arg b = {0, "/proc/self/oom_adj", "-17"};
		int r1 = in_cgroup(attackers[c], do_oom, &a), r2 = in_cgroup(attackers[c], do_oom, &b);

		printf("# %s: its own oom_score_adj = -1000: %s; oom_adj = -17: %s\n",
		       attacker_names[c], res(r1), res(r2));
		VM_CHECK(r1 == EPERM);
		VM_CHECK(r2 == EPERM);
	}
	{
		struct oom_arg a = {USER, "/proc/self/oom_score_adj", "-1000"};
		int r = in_cgroup(A7, do_oom, &a);

		printf("# uid 1000: oom_score_adj = -1000: %s\n", res(r));
		VM_CHECK(r != 0);
	}
	{
		struct oom_arg a = {0, "/proc/self/oom_score_adj", "-1000"};
		int r = in_cgroup(NULL, do_oom, &a);

		printf("# unconfined root: %s\n", res(r));
		VM_CHECK(r == 0);
	}
}

/* ===================================================================================== */
/* 274, 276: the daemon's map descriptors and mappings.                                    */
/* ===================================================================================== */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

struct daemon_maps {
	pid_t pid;
	int ring_fd;		/* the events ring buffer's descriptor number in the daemon */
	unsigned ring_id;
	int other_fd;		/* another map (a hash or array): the config, rules... */
	unsigned long consumer; /* the consumer page's address in the daemon */
	char consumer_range[64];
};

static int fdinfo_field(pid_t pid, int fd, const char *field)
{
	char path[64], line[128];
	size_t len = strlen(field);
	int value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0)
			value = (int)strtol(line + len, NULL, 0);
	fclose(f);
	return value;
}

static bool find_daemon_maps(struct daemon_maps *m)
{
	char path[64], link[128], line[512];
	struct dirent *e;
	DIR *dir;
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->pid = daemon_pid();
	m->ring_fd = m->other_fd = -1;
	if (m->pid <= 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)m->pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((e = readdir(dir))) {
		char lp[384];
		ssize_t n;
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(lp, sizeof(lp), "%s/%s", path, e->d_name);
		n = readlink(lp, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:bpf-map") != 0)
			continue;
		if (fdinfo_field(m->pid, fd, "map_type:") == BPF_MAP_TYPE_RINGBUF) {
			m->ring_fd = fd;
			m->ring_id = (unsigned)fdinfo_field(m->pid, fd, "map_id:");
		} else if (m->other_fd < 0 &&
			   fdinfo_field(m->pid, fd, "map_type:") == BPF_MAP_TYPE_HASH) {
			m->other_fd = fd;
		}
	}
	closedir(dir);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)m->pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		if (!strstr(line, "bpf-map") ||
		    sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		/* The consumer page: the one page mapped writable and shared. */
		if (hi - lo == 4096 && perms[1] == 'w' && perms[3] == 's' && !m->consumer) {
			m->consumer = lo;
			snprintf(m->consumer_range, sizeof(m->consumer_range), "%lx-%lx", lo, hi);
		}
	}
	fclose(f);
	return m->ring_fd >= 0;
}

enum steal_op { STEAL_MAP_FILES, STEAL_PROC_FD, STEAL_PIDFD_GETFD, STEAL_VM_READV,
		STEAL_MAP_BY_ID, STEAL_GETFD_OTHER, STEAL_WRITE_RATE };
static const char *const steal_names[] = {
    "open /proc/D/map_files/<consumer page> O_RDWR", "open /proc/D/fd/<ring buffer>",
    "pidfd_getfd(<ring buffer>)", "process_vm_readv(<consumer page>)",
    "bpf(BPF_MAP_GET_FD_BY_ID, <ring buffer>)", "pidfd_getfd(<a hash map>)",
    "pidfd_getfd of each map until lg_rate, then BPF_MAP_UPDATE_ELEM of a new key (deleted)"};

/* Every bpf-map descriptor of the daemon taken with pidfd_getfd until lg_rate; a key of all
 * 0xff bytes inserted (BPF_NOEXIST), then deleted. 0: written; else the errno of the step. */
static int steal_and_write(pid_t pid)
{
	char path[64], lp[384], link[64];
	struct dirent *e;
	int pidfd, ret = 170;
	DIR *dir;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return 100 + errno;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 171;
	while ((e = readdir(dir))) {
		struct bpf_map_info info;
		union bpf_attr attr;
		unsigned char key[256], value[4096];
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(lp, sizeof(lp), "%s/%s", path, e->d_name);
		n = readlink(lp, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:bpf-map") != 0)
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(e->d_name), 0);
		if (fd < 0) {
			ret = errno;
			continue;
		}
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (unsigned)fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (unsigned long)&info;
		if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) ||
		    strcmp(info.name, "lg_rate") != 0 || info.key_size > sizeof(key) ||
		    info.value_size > sizeof(value)) {
			close(fd);
			continue;
		}
		memset(key, 0xff, sizeof(key));
		memset(value, 0, sizeof(value));
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = (unsigned)fd;
		attr.key = (unsigned long)key;
		attr.value = (unsigned long)value;
		attr.flags = BPF_NOEXIST;
		ret = syscall(SYS_bpf, BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr)) ? errno : 0;
		if (ret == 0) {
			attr.flags = 0;
			syscall(SYS_bpf, BPF_MAP_DELETE_ELEM, &attr, sizeof(attr));
		}
		close(fd);
		break;
	}
	closedir(dir);
	close(pidfd);
	return ret;
}

struct steal_arg {
	enum steal_op op;
	uid_t uid;
	const struct daemon_maps *m;
};

/* 0: got a descriptor that maps the consumer page writable (or read the page); else errno. */
static int do_steal(const void *data)
{
	const struct steal_arg *a = data;
	const struct daemon_maps *m = a->m;
	char path[128];
	int fd = -1, pidfd;
	void *p;

	if (drop_to(a->uid))
		return 200;
	switch (a->op) {
	case STEAL_MAP_FILES:
		snprintf(path, sizeof(path), "/proc/%d/map_files/%s", (int)m->pid,
			 m->consumer_range);
		fd = open(path, O_RDWR);
		break;
	case STEAL_PROC_FD:
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)m->pid, m->ring_fd);
		fd = open(path, O_RDWR);
		break;
	case STEAL_PIDFD_GETFD:
	case STEAL_GETFD_OTHER:
		pidfd = (int)syscall(SYS_pidfd_open, m->pid, 0);
		if (pidfd < 0)
			return 100 + errno;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd,
				  a->op == STEAL_PIDFD_GETFD ? m->ring_fd : m->other_fd, 0);
		break;
	case STEAL_VM_READV: {
		unsigned long pos = 0;
		struct iovec local = {&pos, sizeof(pos)};
		struct iovec remote = {(void *)m->consumer, sizeof(pos)};

		return process_vm_readv(m->pid, &local, 1, &remote, 1, 0) == sizeof(pos) ? 0
											  : errno;
	}
	case STEAL_WRITE_RATE:
		return steal_and_write(m->pid);
	case STEAL_MAP_BY_ID: {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_id = m->ring_id;
		fd = (int)syscall(SYS_bpf, BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr));
		break;
	}
	}
	if (fd < 0)
		return errno;
	if (a->op == STEAL_GETFD_OTHER) {
		/* A write-capable descriptor of lsmguard's map: a key that cannot exist, looked
		 * up only (BPF_MAP_LOOKUP_ELEM works on any descriptor); write access is what the
		 * descriptor's mode says. */
		int flags = fcntl(fd, F_GETFL);

		close(fd);
		return flags >= 0 && (flags & O_ACCMODE) == O_RDWR ? 0 : 180;
	}
	/* The consumer page mapped writable: the reader's position is ours to move. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		close(fd);
		return 150 + e;
	}
	munmap(p, 4096);
	close(fd);
	return 0;
}

VM_TEST(a7_daemon_ring_buffer_descriptors_and_mappings, 274)
{
	struct daemon_maps m;

	a7_setup();
	if (!find_daemon_maps(&m)) {
		VM_FAIL("cannot find the daemon's ring buffer descriptor");
		return;
	}
	printf("# the daemon %d: ring buffer fd %d (map id %u), consumer page %s, a hash map fd "
	       "%d\n",
	       (int)m.pid, m.ring_fd, m.ring_id, m.consumer_range, m.other_fd);
	for (size_t c = 0; c < 2; c++) {
		for (int u = 0; u < 2; u++) {
			for (int op = 0; op <= STEAL_WRITE_RATE; op++) {
				struct steal_arg a = {(enum steal_op)op, u ? USER : 0, &m};
				int r = in_cgroup(attackers[c], do_steal, &a);

				printf("# %s, uid %d: %s: %s\n", attacker_names[c], u ? USER : 0,
				       steal_names[op], res(r));
				VM_CHECK(r != 0);
				VM_CHECK(kill(m.pid, 0) == 0);
			}
		}
	}
}

VM_TEST(a7_unconfined_root_takes_a_writable_map_descriptor, 276)
{
	struct daemon_maps m;

	a7_setup();
	if (!find_daemon_maps(&m)) {
		VM_FAIL("cannot find the daemon's ring buffer descriptor");
		return;
	}
	/* docs/security.md: "Other programs run as root can read lsmguard's maps, but cannot
	 * write them ... the kernel lets only tasks running lsmguard's own executable do that." */
	for (int op = 0; op <= STEAL_WRITE_RATE; op++) {
		struct steal_arg a = {(enum steal_op)op, 0, &m};
		int r = in_cgroup(NULL, do_steal, &a);

		printf("# root outside any policy (not lsmguard): %s: %s\n", steal_names[op],
		       res(r));
		if (op == STEAL_PIDFD_GETFD || op == STEAL_GETFD_OTHER || op == STEAL_MAP_FILES ||
		    op == STEAL_WRITE_RATE)
			VM_CHECK(r != 0);
	}
}

/* ===================================================================================== */
/* 275: /run filled by a confined root: the reload is in force, the status says otherwise. */
/* ===================================================================================== */

#define A7_FILL "/run/a7fill"

struct fill_arg {
	uid_t uid;
	const char *path;
};

static int do_fill(const void *data)
{
	const struct fill_arg *a = data;
	static char chunk[1 << 20];
	long total = 0;
	int fd;

	if (drop_to(a->uid))
		return 200;
	fd = open(a->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return errno;
	memset(chunk, 'x', sizeof(chunk));
	for (; total < (8L << 30); total += sizeof(chunk)) {
		ssize_t n = write(fd, chunk, sizeof(chunk));

		if (n < (ssize_t)sizeof(chunk)) {
			/* the last bytes too */
			while (write(fd, chunk, 4096) > 0)
				;
			while (write(fd, chunk, 1) > 0)
				;
			break;
		}
	}
	close(fd);
	return 0;
}

static long metrics_value(const char *name)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(METRICS_FILE, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0)
			v = atol(line + strlen(name));
	fclose(f);
	return v;
}

VM_TEST(a7_full_run_makes_the_status_lie, 275)
{
	const char *ok_metric = "lsmguard_reloads_total{result=\"ok\"} ";
	pid_t daemon;

	a7_setup();
	VM_TIMEOUT(60);
	daemon = daemon_pid();
	for (size_t c = 0; c < 2; c++) {
		struct fill_arg a = {0, A7_FILL};
		int gen0 = state_generation(), gen1, r;
		long ok0 = metrics_value(ok_metric), ok1;

		r = in_cgroup(attackers[c], do_fill, &a);
		printf("# %s: /run filled by the confined root: %s\n", attacker_names[c], res(r));
		kill(daemon, SIGHUP);
		sleep(2);
		VM_CHECK(system("rm -f " A7_FILL "*") == 0);
		sleep(2); /* the metrics file is rewritten every second */
		gen1 = state_generation();
		ok1 = metrics_value(ok_metric);
		printf("# %s: after SIGHUP with /run full: reloads ok %ld -> %ld (metrics), the "
		       "state file's generation (lsmguard status) %d -> %d\n",
		       attacker_names[c], ok0, ok1, gen0, gen1);
		if (ok1 > ok0 && gen1 == gen0)
			VM_FAIL("%s: a reload was put in force but the state file still names "
				"generation %d",
				attacker_names[c], gen0);
		VM_CHECK(daemon_reload_wait()); /* the state again */
		VM_CHECK(kill(daemon, 0) == 0);
	}
	{
		struct fill_arg a = {USER, A7_FILL};
		struct stat st;
		int r;

		/* The VM mounts /run as tmpfs's default 1777; Debian's is 0755. */
		VM_CHECK(stat("/run", &st) == 0);
		VM_CHECK(chmod("/run", 0755) == 0);
		r = in_cgroup(A7, do_fill, &a);
		chmod("/run", st.st_mode & 07777);
		printf("# uid 1000, /run 0755 as on Debian: %s\n", res(r));
		VM_CHECK(r == EACCES);
		VM_CHECK(system("rm -f " A7_FILL "*") == 0);
	}
}

/* ===================================================================================== */
/* 277: the held-back count of 270 evicted from the rate limit's LRU map: no trace left.   */
/* ===================================================================================== */

/* n refused creations of distinct names (a negative n: each name twice, so that every
 * rate-limit record is used again and none is first in line for eviction). */
static int do_flood_protected(const void *data)
{
	int n = *(const int *)data, refused = 0, twice = n < 0;

	if (twice)
		n = -n;
	for (int i = 0; i < n; i++) {
		char path[96];
		int fd;

		snprintf(path, sizeof(path), POLICY_DIR "/a7-%d.ini", twice ? i / 2 : i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		} else if (errno == EPERM) {
			refused++;
		}
	}
	return refused == n ? 0 : 1;
}

VM_TEST(a7_suppressed_count_evicted_from_the_rate_limit, 277)
{
	pid_t daemon;

	a7_setup();
	VM_TIMEOUT(180);
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	if (daemon <= 1)
		return;
	for (size_t c = 0; c < 2; c++) {
		struct merge_arg a = {daemon, false};
		const char *const held[] = {"\"hook\":\"task_kill\"", "\"suppressed_before\"", NULL};
		const char *const lost[] = {"\"event\":\"lost\"", "\"hook\":\"task_kill\"", NULL};
		long long before = policy_counter(attacker_names[c][0] == 'e' ? "a7" : "a7-audit",
						  "task_kill", "suppressed"), after;
		int flood = -131072, r, rf;
		long mark, t0;
		bool said;

		usleep(1200 * 1000);
		mark = event_mark();
		r = in_cgroup(attackers[c], do_merge, &a); /* the 11th, kill(lsmguard), held back */
		t0 = now_ms();
		rf = in_cgroup(attackers[c], do_flood_protected, &flood);
		printf("# %s: kill(lsmguard) %s, held back; then 65536 distinct names in the policy "
		       "directory, each refused twice (%s) in %ld ms\n",
		       attacker_names[c], res(r), res(rf), now_ms() - t0);
		usleep(1200 * 1000);
		in_cgroup(attackers[c], do_one_more, &a);
		said = wait_event_after(mark, held, 3000) || wait_event_after(mark, lost, 100);
		after = policy_counter(attacker_names[c][0] == 'e' ? "a7" : "a7-audit", "task_kill",
				       "suppressed");
		printf("# %s: the next task_kill event %s suppressed_before; metrics' task_kill "
		       "suppressed %lld -> %lld; \"lost\" lines after the flood: %d\n",
		       attacker_names[c], said ? "says" : "has NO", before, after,
		       count_events_after(mark, "\"event\":\"lost\""));
		print_events_after(mark, "\"hook\":\"task_kill\"");
		if (!said)
			VM_FAIL("%s: the held-back kill(lsmguard) is in no event line (its count "
				"left with the evicted rate-limit record)",
				attacker_names[c]);
		VM_CHECK(kill(daemon, 0) == 0);
	}
}

/* ===================================================================================== */
/* 278: /run full at a restart; the "lost" snapshot not saved, so reported twice.          */
/* ===================================================================================== */

/* `lsmguard run` with its lines in log (not on /run); its pid once ready, or -1. */
static pid_t start_own_daemon(const char *log)
{
	int out = open(log, O_RDWR | O_CREAT | O_TRUNC, 0644);
	static char text[1 << 20];
	long end = now_ms() + 30000;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(out, 2);
		execl(LSMGUARD, "lsmguard", "run", "--policy-dir", POLICY_DIR, (char *)NULL);
		_exit(127);
	}
	while (now_ms() < end) {
		ssize_t n = pread(out, text, sizeof(text) - 1, 0);
		int status;

		text[n > 0 ? n : 0] = '\0';
		if (strstr(text, "\"event\":\"ready\"")) {
			close(out);
			return pid;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			printf("# lsmguard run exited (status %d); it said:\n", status);
			for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
				printf("#   %.200s\n", l);
			close(out);
			return -1;
		}
		usleep(50 * 1000);
	}
	close(out);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void stop_own_daemon(pid_t pid)
{
	kill(pid, SIGTERM);
	if (!wait_exit(pid, 10000))
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The sum of "count" of the ring buffer's "lost" lines in log, and how many lines. */
static long lost_in_log(const char *log, int *lines)
{
	char line[4096];
	long sum = 0;
	FILE *f = fopen(log, "r");

	*lines = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *count = strstr(line, "\"count\":");

		if (!strstr(line, "\"event\":\"lost\"") ||
		    !strstr(line, "\"lost_in\":\"ring_buffer\"") || !count)
			continue;
		sum += atol(count + 8);
		(*lines)++;
	}
	fclose(f);
	return sum;
}

static void print_matching(const char *log, const char *needle)
{
	char line[4096];
	FILE *f = fopen(log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			printf("#   %.300s", line);
	fclose(f);
}

VM_TEST(a7_full_run_at_a_restart_reports_losses_twice, 278)
{
	struct fill_arg fill = {0, A7_FILL};
	int flood = 20000, lines1, lines2, r;
	long lost1, lost2;
	pid_t d0, d1, d2;

	a7_setup();
	VM_TIMEOUT(180);
	d0 = daemon_pid();
	if (d0 > 1) {
		kill(d0, SIGTERM);
		VM_CHECK(wait_exit(d0, 10000));
	}
	r = in_cgroup(A7, do_fill, &fill);
	printf("# /run filled by the confined root: %s\n", res(r));
	/* A restart (upgrade, crash, systemctl restart) while /run is full. */
	d1 = start_own_daemon("/tmp/a7-d1.log");
	printf("# lsmguard run with /run full: %s\n", d1 > 0 ? "ready" : "NOT ready");
	VM_CHECK(d1 > 0);
	print_matching("/tmp/a7-d1.log", "cannot");
	if (d1 > 0) {
		/* Losses: more distinct denials than the ring buffer holds. */
		r = in_cgroup(A7, do_flood_protected, &flood);
		sleep(3);
		lost1 = lost_in_log("/tmp/a7-d1.log", &lines1);
		print_matching("/tmp/a7-d1.log", "/lost");
		VM_CHECK(system("rm -f " A7_FILL "*") == 0);
		sleep(2);
		stop_own_daemon(d1);
		/* The next daemon adopts the pins and starts from the saved snapshot. */
		d2 = start_own_daemon("/tmp/a7-d2.log");
		VM_CHECK(d2 > 0);
		if (d2 > 0) {
			sleep(3);
			lost2 = lost_in_log("/tmp/a7-d2.log", &lines2);
			stop_own_daemon(d2);
			printf("# the first daemon reported %ld lost events (%d lines) while /run was "
			       "full; the next one, with no loss since, reports %ld (%d lines)\n",
			       lost1, lines1, lost2, lines2);
			VM_CHECK(lost1 > 0);
			if (lost2 != 0)
				VM_FAIL("the same %ld lost events reported again by the next daemon "
					"(the lost snapshot could not be saved on a full /run)",
					lost2);
		}
	}
	system("rm -f " A7_FILL "*");
	VM_CHECK(daemon_start() > 0);
}

/* ===================================================================================== */
/* 279: the hard-link records used up by one service: every confined service's link()     */
/* refused, and a deny rule added later does not follow a file's second name.              */
/* ===================================================================================== */

#define A7_OTHER "/lgt/a7-other"
#define A7_LINKS "/data/a7links"
static const char a7_other_policy[] = "[policy]\nname = a7-other\ncgroup = " A7_OTHER
				      "\nmode = enforce\n" A7_RULES;
static const char a7_denying_policy[] = "[policy]\nname = a7\ncgroup = " A7 "\nmode = enforce\n"
					"[files]\ndefault = allow\ndeny = " A7_LINKS "/secret\n"
					"[exec]\ndefault = allow\n[network]\ndefault = allow\n";

struct links_report {
	int made;
	int stop_errno;
};

static int links_ready[2];

/* Files with a second name each until the records are full; then it holds them. */
static int do_fill_links(const void *data)
{
	struct links_report rep = {0, 0};

	(void)data;
	mkdir(A7_LINKS "/f", 0755);
	for (int i = 0; i < 40000; i++) {
		char a[96], b[96];
		int fd;

		snprintf(a, sizeof(a), A7_LINKS "/f/%d", i);
		snprintf(b, sizeof(b), A7_LINKS "/f/%d.l", i);
		fd = open(a, O_WRONLY | O_CREAT, 0644);
		if (fd < 0) {
			rep.stop_errno = 1000 + errno;
			break;
		}
		close(fd);
		if (link(a, b)) {
			rep.stop_errno = errno;
			break;
		}
		rep.made++;
	}
	if (write(links_ready[1], &rep, sizeof(rep)) != sizeof(rep))
		return 201;
	pause();
	return 0;
}

static int do_link_own(const void *data)
{
	const char *dir = data;
	char a[96], b[96];
	int fd;

	snprintf(a, sizeof(a), "%s/own", dir);
	snprintf(b, sizeof(b), "%s/own.lock", dir);
	unlink(b);
	fd = open(a, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return 100 + errno;
	close(fd);
	if (link(a, b))
		return errno;
	unlink(b);
	return 0;
}

VM_TEST(a7_link_records_used_up_by_one_service, 279)
{
	struct links_report rep = {0, 0};
	struct pollfd pfd;
	struct a7_proc hog;
	int r_other, r_own, r_secret, r_alias, r_alias2;

	a7_setup();
	VM_TIMEOUT(240);
	write_file(POLICY_DIR "/a7-other.ini", a7_other_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	make_cgroup(A7_OTHER);
	VM_CHECK(system("rm -rf " A7_LINKS " && mkdir -p " A7_LINKS "/o && echo a7-secret > "
			A7_LINKS "/secret") == 0);
	/* Control: another service's link() before. */
	r_other = in_cgroup(A7_OTHER, do_link_own, A7_LINKS "/o");
	printf("# another policy's link() before: %s\n", res(r_other));
	VM_CHECK(r_other == 0);
	VM_CHECK(pipe(links_ready) == 0);
	VM_CHECK(a7_spawn(&hog, A7, do_fill_links, NULL));
	pfd = (struct pollfd){.fd = links_ready[0], .events = POLLIN};
	if (poll(&pfd, 1, 180000) != 1 || read(links_ready[0], &rep, sizeof(rep)) != sizeof(rep)) {
		VM_FAIL("the attacker reported nothing");
		a7_wait(&hog, 100);
		return;
	}
	printf("# the confined root (enforce) made %d files with a second name, then: %s\n",
	       rep.made, res(rep.stop_errno));
	/* Every other confined service's link() now (lock files, maildrops...). */
	r_other = in_cgroup(A7_OTHER, do_link_own, A7_LINKS "/o");
	r_own = in_cgroup(A7, do_link_own, A7_LINKS "/o");
	printf("# while it holds them: another policy's link(): %s; its own: %s\n", res(r_other),
	       res(r_own));
	VM_CHECK(r_other == 0);
	/* An administrator gives a file a second name (no rule covers it yet), then a reload
	 * adds an exact deny rule for it to the attacker's policy. */
	VM_CHECK(link(A7_LINKS "/secret", A7_LINKS "/alias") == 0);
	write_file(POLICY_DIR "/a7.ini", a7_denying_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	r_secret = try_open(A7, A7_LINKS "/secret", O_RDONLY);
	r_alias = try_open(A7, A7_LINKS "/alias", O_RDONLY);
	printf("# after the reload with deny = %s/secret: the rule's name %s, the second name "
	       "%s\n",
	       A7_LINKS, res(r_secret), res(r_alias));
	VM_CHECK(r_secret == EPERM);
	VM_CHECK(r_alias == EPERM);
	/* Control: the records given back, the same second name made again: recorded. */
	a7_wait(&hog, 100);
	VM_CHECK(system("rm -rf " A7_LINKS "/f && rm -f " A7_LINKS "/alias") == 0);
	VM_CHECK(link(A7_LINKS "/secret", A7_LINKS "/alias") == 0);
	r_alias2 = try_open(A7, A7_LINKS "/alias", O_RDONLY);
	printf("# control, the records not full: the second name %s\n", res(r_alias2));
	VM_CHECK(r_alias2 == EPERM);
	close(links_ready[0]);
	close(links_ready[1]);
	write_file(POLICY_DIR "/a7.ini", a7_policy, 0644);
	unlink(POLICY_DIR "/a7-other.ini");
	VM_CHECK(daemon_reload_wait());
	system("rm -rf " A7_LINKS);
}
