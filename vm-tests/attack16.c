// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 16 (helper-79, an independent attacker) against 02d4e62: the file budget read once
 * per several allocations per CPU (lg_files_unread), the policy lookup by
 * bpf_get_current_cgroup_id, the setup-window record count. No bypass on the default kernel; by
 * reading, the file budget's allowance could be stored stale under preempt=full (fixed: a
 * compare-and-swap over the word the program read). Its low-mapping probes found nothing below
 * 4 MiB and are covered by a8_capabilities_low_mmap_as_root; they are not kept here.
 *
 * The attacker: a16 (enforce, default allow, deny = /data/a16/secret, cgroups = delegate, no
 * [capabilities] section, no mount or userns), as root and uid 1000; unconfined is the
 * control. Cases print their numbers ("#   ..." lines).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define A16 "/lgt/a16"
#define A16_USER 1000
#define A16_SECRET "/data/a16/secret"

static const char a16_policy[] = "[policy]\nname = a16\ncgroup = " A16 "\nmode = enforce\n"
				 "[files]\ndefault = allow\ndeny = " A16_SECRET "\n"
				 "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
				 "[system]\ncgroups = delegate\n";

static void a16_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup(A16);
	mkdir("/data", 0755);
	mkdir("/data/a16", 0755);
	if (access(A16_SECRET, F_OK) != 0)
		write_file(A16_SECRET, "secret\n", 0644);
	if (access(POLICY_DIR "/a16.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a16.ini", a16_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

static void *a16_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void a16_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* ================= 1. the file budget ================= */

struct a16_files {
	uid_t uid;
	int threads_per_cpu;
	volatile int phase;	/* 0: hold */
	volatile int made[2];	/* per CPU */
	volatile int err[2];
	volatile int done;
	volatile int release;
	volatile int probe_made;
	volatile int probe_err;
};

static int a16_open_one(int kind)
{
	int fds[2];

	switch (kind % 3) {
	case 0:
		return open("/dev/null", O_RDONLY);
	case 1:
		return eventfd(0, 0);
	default:
		/* a pipe is two files: count both */
		if (pipe(fds))
			return -1;
		return fds[1];
	}
}

struct a16_thread_arg {
	struct a16_files *f;
	int cpu;
	int racing;
};

static pthread_mutex_t a16_lock = PTHREAD_MUTEX_INITIALIZER;

/* Phase 1 on CPU0: one file (arms CPU0's unread); phase 2: CPU1 to the line; phase 3: CPU0's
 * allowance; phase 4: both racing with all kinds of files. */
static void *a16_files_thread(void *p)
{
	struct a16_thread_arg *a = p;
	struct a16_files *f = a->f;
	int kind = 0, fd;

	a16_pin(a->cpu);
	if (!a->racing)
		return NULL;
	while (f->phase < 4)
		usleep(1000);
	for (;;) {
		fd = a16_open_one(kind++);
		if (fd < 0) {
			f->err[a->cpu] = errno;
			break;
		}
		pthread_mutex_lock(&a16_lock);
		f->made[a->cpu] += (kind - 1) % 3 == 2 ? 2 : 1;
		pthread_mutex_unlock(&a16_lock);
	}
	return NULL;
}

static int a16_fill_on(struct a16_files *f, int cpu)
{
	int n = 0;

	a16_pin(cpu);
	for (;;) {
		if (open("/dev/null", O_RDONLY) < 0) {
			f->err[cpu] = errno;
			break;
		}
		n++;
	}
	f->made[cpu] += n;
	return n;
}

static int a16_hold_files(const void *arg)
{
	struct a16_files *f = (struct a16_files *)arg;
	struct rlimit r = {.rlim_cur = 100000, .rlim_max = 100000};
	pthread_t th[16];
	struct a16_thread_arg ta[16];
	int n = 0, ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setrlimit(RLIMIT_NOFILE, &r);
	if ((ret = become(f->uid)))
		return ret;
	if (f->threads_per_cpu == 0) {
		/* ordered: arm CPU0 with one file, CPU1 to the line, then CPU0's allowance,
		 * then CPU1 and CPU0 once more */
		a16_pin(0);
		if (open("/dev/null", O_RDONLY) >= 0)
			f->made[0]++;
		a16_fill_on(f, 1);
		a16_fill_on(f, 0);
		a16_fill_on(f, 1);
		a16_fill_on(f, 0);
	} else {
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < f->threads_per_cpu && n < 16; i++, n++) {
				ta[n] = (struct a16_thread_arg){f, c, 1};
				pthread_create(&th[n], NULL, a16_files_thread, &ta[n]);
			}
		f->phase = 4;
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	}
	f->done = 1;
	while (!f->release)
		usleep(10 * 1000);
	return 0;
}

/* The unconfined probe: opens until refused, counting (how far the host is from file-max). */
static int a16_probe_files(const void *arg)
{
	struct a16_files *f = (struct a16_files *)arg;
	struct rlimit r = {.rlim_cur = 100000, .rlim_max = 100000};
	int ret;

	setrlimit(RLIMIT_NOFILE, &r);
	if ((ret = become(A16_USER)))
		return ret;
	for (;;) {
		if (open("/dev/null", O_RDONLY) < 0) {
			f->probe_err = errno;
			break;
		}
		f->probe_made++;
	}
	return 0;
}

static void a16_files_round(const char *cgroup, uid_t uid, int threads, long extra, bool big)
{
	long old = read_number("/proc/sys/fs/file-max");
	struct a16_files *f = a16_shared(sizeof(*f));
	struct in_cgroup_thread t;
	long nr, max, line;

	if (!f)
		return;
	f->uid = uid;
	f->threads_per_cpu = threads;
	nr = read_number("/proc/sys/fs/file-nr");
	/* big: headroom of about 300 to the line, so each CPU's allowance is the full 64 */
	max = big ? (nr + extra) * 4 / 3 : nr + extra;
	line = max - (max >> 2);
	write_number("/proc/sys/fs/file-max", max);
	if (!in_cgroup_start(&t, cgroup, a16_hold_files, f)) {
		VM_FAIL("holder did not start");
		write_number("/proc/sys/fs/file-max", old);
		return;
	}
	for (int i = 0; i < 6000 && !f->done; i++)
		usleep(10 * 1000);
	in_cgroup(NULL, a16_probe_files, f);
	f->release = 1;
	VM_CHECK(in_cgroup_join(&t) == 0);
	write_number("/proc/sys/fs/file-max", old);
	/* the host's files when the holder stopped, as the probe found them: max - probe_made */
	printf("#   %s uid %u threads/cpu %d: file-nr before %ld, file-max %ld, line %ld; "
	       "holder made cpu0 %d (errno %d) cpu1 %d (errno %d); unconfined uid 1000 then "
	       "opened %d more (errno %d): host at ~%ld, %ld past the line, %ld short of file-max\n",
	       cgroup ? cgroup : "unconfined", uid, threads, nr, max, line, f->made[0], f->err[0],
	       f->made[1], f->err[1], f->probe_made, f->probe_err, max - f->probe_made,
	       max - f->probe_made - line, (long)f->probe_made);
	if (cgroup && f->probe_made == 0)
		VM_FAIL("BYPASS: confined holder brought the host to fs.file-max: unconfined uid "
			"1000 got errno %d", f->probe_err);
	/* at most 64 files a CPU past the line (lg_file_budget), and nr_files's per-CPU batch
	 * (32 a CPU on this VM) the kernel's shared count may lag */
	if (cgroup && max - f->probe_made - line > (64 + 32) * sysconf(_SC_NPROCESSORS_CONF))
		VM_FAIL("the confined holder took the host %ld files past the line",
			max - f->probe_made - line);
	if (cgroup)
		VM_CHECK(f->err[0] == ENFILE || f->err[1] == ENFILE);
	/* the control: an unconfined holder takes the host to fs.file-max itself (a few files
	 * the host closes meanwhile may be taken by the probe) */
	if (!cgroup) {
		VM_CHECK(f->probe_err == ENFILE);
		VM_CHECK(f->probe_made <= 16);
	}
	munmap(f, sizeof(*f));
}

VM_TEST(a16_file_budget_overshoot, 1600)
{
	a16_setup();
	VM_TIMEOUT(300);
	printf("#   possible cpus %ld online %ld\n", sysconf(_SC_NPROCESSORS_CONF),
	       sysconf(_SC_NPROCESSORS_ONLN));
	a16_files_round(NULL, A16_USER, 0, 400, false);
	a16_files_round(A16, A16_USER, 0, 400, false);
	a16_files_round(A16, 0, 0, 400, false);
	a16_files_round(A16, A16_USER, 0, 300, true);
	a16_files_round(A16, A16_USER, 0, 1000, true);
	a16_files_round(A16, A16_USER, 1, 400, false);
	a16_files_round(A16, A16_USER, 6, 400, false);
	a16_files_round(A16, 0, 6, 1000, true);
	a16_files_round(A16, A16_USER, 6, 1000, true);
}

/* ================= 2. the policy lookup: deep cgroups, moves, reloads ================= */

struct a16_race {
	volatile int stop;
	volatile long opens, opened, moves, move_err;
	volatile int first_move_errno;
	volatile int deep_open_errno, mid_open_errno;
};

static void *a16_open_loop(void *p)
{
	struct a16_race *r = p;
	int fd;

	while (!r->stop) {
		fd = open(A16_SECRET, O_RDONLY);
		r->opens++;
		if (fd >= 0) {
			r->opened++;
			close(fd);
		}
	}
	return NULL;
}

static char a16_deep_path[64][512];
#define A16_DEPTH 24

static int a16_move_self(const char *dir)
{
	char path[600], buf[32];
	int fd, n, err = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = snprintf(buf, sizeof(buf), "%d", getpid());
	if (write(fd, buf, n) != n)
		err = errno;
	close(fd);
	return err;
}

static int a16_race_op(const void *arg)
{
	struct a16_race *r = (struct a16_race *)arg;
	uid_t uid = r->stop; /* passed in through stop, then reset */
	pthread_t th[2];
	int fd, ret;

	r->stop = 0;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((ret = become(uid)))
		return ret;
	/* static: at level 26 (the deepest) and at level 18 */
	if (a16_move_self(a16_deep_path[A16_DEPTH]) == 0) {
		fd = open(A16_SECRET, O_RDONLY);
		r->deep_open_errno = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
	} else {
		r->deep_open_errno = -1;
	}
	if (a16_move_self(a16_deep_path[16]) == 0) {
		fd = open(A16_SECRET, O_RDONLY);
		r->mid_open_errno = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, a16_open_loop, r);
	for (int i = 0; i < 3000; i++) {
		/* levels 2, 17, 18, 19, 20, 26, 3 and 19 */
		static const int levels[] = {0, 15, 16, 17, 18, A16_DEPTH, 1, 17};
		int e = a16_move_self(a16_deep_path[levels[i % 8]]);

		r->moves++;
		if (e) {
			r->move_err++;
			if (!r->first_move_errno)
				r->first_move_errno = e;
		}
	}
	r->stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	return 0;
}

VM_TEST(a16_policy_lookup_deep_and_moving, 1601)
{
	a16_setup();
	VM_TIMEOUT(300);
	snprintf(a16_deep_path[0], sizeof(a16_deep_path[0]), "/sys/fs/cgroup" A16);
	for (int i = 1; i <= A16_DEPTH; i++) {
		snprintf(a16_deep_path[i], sizeof(a16_deep_path[i]), "%.490s/d%d", a16_deep_path[i - 1],
			 i);
		mkdir(a16_deep_path[i], 0755);
		if (A16_USER) {
			char p[600];

			/* delegation to uid 1000, as systemd's Delegate= does */
			chown(a16_deep_path[i], A16_USER, A16_USER);
			snprintf(p, sizeof(p), "%s/cgroup.procs", a16_deep_path[i]);
			chown(p, A16_USER, A16_USER);
		}
	}
	{
		char p[600];

		snprintf(p, sizeof(p), "%s/cgroup.procs", a16_deep_path[0]);
		chown(p, A16_USER, A16_USER);
		chown(a16_deep_path[0], A16_USER, A16_USER);
	}
	printf("#   cgroup level of a16: 2; deepest made: %d levels below it (level %d)\n",
	       A16_DEPTH, A16_DEPTH + 2);
	for (int round = 0; round < 3; round++) {
		uid_t uid = round == 1 ? A16_USER : 0;
		struct a16_race *r = a16_shared(sizeof(*r));
		struct in_cgroup_thread t;
		pid_t d = daemon_pid();
		const char *cg = round == 2 ? NULL : A16;

		if (!r)
			break;
		r->stop = uid;
		if (!in_cgroup_start(&t, cg ? cg : A16, a16_race_op, r)) {
			VM_FAIL("no start");
			break;
		}
		/* reloads by an administrator while the race runs (rounds 0 and 1) */
		for (int i = 0; i < 8 && round < 2; i++) {
			usleep(300 * 1000);
			if (d > 0)
				kill(d, SIGHUP);
		}
		in_cgroup_join(&t);
		printf("#   round %d uid %u: open in level %d: errno %d; in level 18: errno %d; race: "
		       "%ld opens, %ld opened the denied file; %ld moves, %ld failed (first errno "
		       "%d)\n",
		       round, uid, A16_DEPTH + 2, r->deep_open_errno, r->mid_open_errno, r->opens,
		       r->opened, r->moves, r->move_err, r->first_move_errno);
		VM_CHECK(r->opens > 0);
		/* levels 2, 3, 17 and 18 taken; 19, 20 and 26 refused (delegation is decided
		 * within 16 levels of the policy's cgroup: fail closed) */
		VM_CHECK(r->move_err == r->moves / 2);
		VM_CHECK(r->first_move_errno == EPERM);
		/* the move there is refused (-1: delegation is decided 16 levels deep) or the open */
		VM_CHECK(r->deep_open_errno == EPERM || r->deep_open_errno == -1);
		VM_CHECK(r->mid_open_errno == EPERM);
		if (r->opened)
			VM_FAIL("BYPASS: %ld opens of the denied file succeeded", r->opened);
		munmap(r, sizeof(*r));
		if (round == 1)
			break;
	}
	VM_CHECK(daemon_reload_wait());
	/* control: unconfined open of the secret */
	VM_CHECK(try_open(NULL, A16_SECRET, O_RDONLY) == 0);
}

/* ================= 3. the setup window ================= */

static int a16_try_mount(void)
{
	if (unshare(CLONE_NEWNS))
		return errno;
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 1000 + errno;
	if (mount("tmpfs", "/mnt", "tmpfs", 0, NULL))
		return 2000 + errno;
	umount("/mnt");
	return 0;
}

/* What a16_setup_op saw: the fresh child's move and mount, the clone3 and its child's mount. */
struct a16_setup_seen {
	int move_errno;  /* the parent's move of its fresh child: 0 or errno */
	int mount;	 /* the moved child's a16_try_mount() */
	int clone_errno; /* clone3(CLONE_INTO_CGROUP): 0 or errno */
	int clone_mount; /* its child's a16_try_mount() */
};

static struct a16_setup_seen *a16_seen;

/* A fresh child moved by its (confined or unconfined) parent into the policy's cgroup, or
 * cloned into it with CLONE_INTO_CGROUP, then mounts without exec. */
static int a16_setup_op(const void *arg)
{
	struct a16_setup_seen *seen = a16_seen;
	const char *target = arg;
	struct clone_args ca = {0};
	char path[600], buf[32], c;
	int go[2], res[2], r = -1, cgfd, fd, n;
	pid_t pid;

	if (pipe(go) || pipe(res))
		return 900;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		r = a16_try_mount();
		if (write(res[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	/* the parent moves its fresh child */
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", target);
	fd = open(path, O_WRONLY);
	n = snprintf(buf, sizeof(buf), "%d", pid);
	seen->move_errno = fd < 0 ? errno : write(fd, buf, n) != n ? errno : 0;
	if (fd >= 0)
		close(fd);
	if (write(go[1], "g", 1) != 1 || read(res[0], &r, sizeof(r)) != sizeof(r))
		r = -1;
	close(go[1]);
	waitpid(pid, NULL, 0);
	seen->mount = r;
	/* clone3 into the cgroup */
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s", target);
	cgfd = open(path, O_RDONLY | O_DIRECTORY);
	ca.flags = CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = cgfd;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		r = a16_try_mount();
		_exit(write(res[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	seen->clone_errno = pid < 0 ? errno : 0;
	seen->clone_mount = -1;
	if (pid > 0) {
		if (read(res[0], &r, sizeof(r)) == sizeof(r))
			seen->clone_mount = r;
		waitpid(pid, NULL, 0);
	}
	close(cgfd);
	close(res[0]);
	close(res[1]);
	return 0;
}

VM_TEST(a16_setup_window_from_inside, 1602)
{
	struct a16_setup_seen *seen = a16_shared(2 * sizeof(*seen));

	a16_setup();
	make_cgroup(A16 "/sub");
	VM_CHECK(seen != NULL);
	if (!seen)
		return;
	/* a confined parent (root) moving its fresh child into its delegated subgroup: the move
	 * is made, no window is given (the mount refused), the clone refused at task_alloc */
	a16_seen = &seen[0];
	VM_CHECK(in_cgroup(A16, a16_setup_op, A16 "/sub") == 0);
	printf("#   confined root parent: move %d, mount %d, clone3 %d, its mount %d\n",
	       seen[0].move_errno, seen[0].mount, seen[0].clone_errno, seen[0].clone_mount);
	VM_CHECK(seen[0].move_errno == 0);
	VM_CHECK(seen[0].mount == 1000 + EPERM);
	VM_CHECK(seen[0].clone_errno == EPERM);
	/* the control: an unconfined parent (systemd's role) gets the window both ways */
	a16_seen = &seen[1];
	VM_CHECK(in_cgroup(NULL, a16_setup_op, A16 "/sub") == 0);
	printf("#   unconfined parent: move %d, mount %d, clone3 %d, its mount %d\n",
	       seen[1].move_errno, seen[1].mount, seen[1].clone_errno, seen[1].clone_mount);
	VM_CHECK(seen[1].move_errno == 0);
	VM_CHECK(seen[1].mount == 0);
	VM_CHECK(seen[1].clone_errno == 0);
	VM_CHECK(seen[1].clone_mount == 0);
	munmap(seen, 2 * sizeof(*seen));
}

/* The file budget raced under full preemption: 8 threads a CPU, all kinds of files. */
VM_TEST(a16_file_budget_preempted, 1604)
{
	a16_setup();
	VM_TIMEOUT(300);
	printf("#   full preemption asked: %d\n", full_preemption_asked());
	for (int i = 0; i < 4; i++) {
		a16_files_round(A16, A16_USER, 8, 1000, true);
		a16_files_round(A16, 0, 8, 400, false);
	}
}
