// SPDX-License-Identifier: GPL-2.0-only
/*
 * Issue 12's small routes: inode flags set through a read-only descriptor (file_ioctl), kernel
 * settings that weaken the host's protections and files that are kernel memory (file_open,
 * knobs.bpf.h), and tuning the daemon's priority, scheduling, limits and OOM score
 * (task_setnice, task_setscheduler, task_setioprio, task_setrlimit; its /proc/PID files).
 * Each from the enforce-mode and the audit-mode cgroup, as root and as uid 1000, with an
 * unconfined control.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define AUDIT "/lgt/audit"
#define STATE "/run/lsmguard/state"
#define DENIED_UNDER_AUDIT "\"event\":\"deny\"", "\"policy\":\"audit\""
#define KNOB_SOURCE                                                                                \
	"\"source\":\"built-in: a confined task cannot change kernel settings that run programs, " \
	"load code, weaken protections or bind every process, nor open kernel memory\""
#define TUNE_SOURCE                                                                                \
	"\"source\":\"built-in: a confined task cannot change the priority, scheduling, limits, " \
	"OOM score or /proc files of lsmguard, PID 1 or systemd-journald\""

/* ---- inode flags through a read-only descriptor ---- */

#define FS_IOC32_SETFLAGS_NR _IOW('f', 2, int)
#define FS_IOC32_GETFLAGS_NR _IOR('f', 1, int)

enum flags_how { FLAGS_IOCTL, FLAGS_FSXATTR, FLAGS_COMPAT };

struct flags_op {
	const char *path;
	uid_t uid;
	enum flags_how how;
	int flag; /* FS_*_FL to set (and clear again when it was set) */
};

/* ioctl through the 32-bit system call table (int $0x80: compat_sys_ioctl). */
static long ioctl32(int fd, unsigned cmd, void *arg)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(54 /* __NR_ioctl, i386 */), "b"(fd), "c"(cmd), "d"(arg)
		     : "memory");
	return ret;
}

/* Set op->flag through op->how on a read-only descriptor: 0, or the errno of the setting. */
static int set_flag(int fd, const struct flags_op *op, bool on)
{
	if (op->how == FLAGS_FSXATTR) {
		struct fsxattr fsx;
		int xflag = op->flag == FS_IMMUTABLE_FL ? FS_XFLAG_IMMUTABLE : FS_XFLAG_NOATIME;

		if (ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
			return 300 + errno;
		fsx.fsx_xflags = on ? fsx.fsx_xflags | xflag : fsx.fsx_xflags & ~xflag;
		return ioctl(fd, FS_IOC_FSSETXATTR, &fsx) ? errno : 0;
	}
	if (op->how == FLAGS_COMPAT) {
		/* The argument's address must fit the 32-bit call. */
		int *flags = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		long ret;

		if (flags == MAP_FAILED)
			return 400;
		ret = ioctl32(fd, FS_IOC32_GETFLAGS_NR, flags);
		if (ret == 0) {
			*flags = on ? *flags | op->flag : *flags & ~op->flag;
			ret = ioctl32(fd, FS_IOC32_SETFLAGS_NR, flags);
		} else {
			ret = -300 + ret; /* the get failed: 300 + errno */
		}
		munmap(flags, 4096);
		return ret < 0 ? (int)-ret : 0;
	}
	{
		int flags;

		if (ioctl(fd, FS_IOC_GETFLAGS, &flags))
			return 300 + errno;
		flags = on ? flags | op->flag : flags & ~op->flag;
		return ioctl(fd, FS_IOC_SETFLAGS, &flags) ? errno : 0;
	}
}

static int do_flags(const void *arg)
{
	const struct flags_op *op = arg;
	int fd, ret;

	if (op->uid && (setgid(op->uid) || setuid(op->uid)))
		return 200;
	fd = open(op->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 100 + errno;
	ret = set_flag(fd, op, true);
	if (ret == 0)
		set_flag(fd, op, false); /* leave the file as it was */
	close(fd);
	return ret;
}

static int try_flags(const char *cgroup, const char *path, uid_t uid, enum flags_how how, int flag)
{
	struct flags_op op = {path, uid, how, flag};

	return in_cgroup(cgroup, do_flags, &op);
}

/* The file's inode flags, read outside any policy (-1: unreadable). */
static int flags_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = -1;

	if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags))
		flags = -1;
	if (fd >= 0)
		close(fd);
	return flags;
}

static int do_getflags(const void *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags, ret = 0;

	if (fd < 0)
		return 100 + errno;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags))
		ret = errno;
	close(fd);
	return ret;
}

VM_TEST(knobs_inode_flags_through_a_read_only_descriptor, 176)
{
	static const enum flags_how hows[] = {FLAGS_IOCTL, FLAGS_FSXATTR, FLAGS_COMPAT};
	static const char *const how_names[] = {"FS_IOC_SETFLAGS", "FS_IOC_FSSETXATTR",
						"FS_IOC32_SETFLAGS (int $0x80)"};
	long mark = event_mark();

	write_file("/data/ro/attr", "x\n", 0644);
	for (size_t i = 0; i < sizeof(hows) / sizeof(hows[0]); i++) {
		/* Control first: the route works outside any policy (tmpfs has fileattr). */
		if (try_flags(NULL, "/data/ro/attr", 0, hows[i], FS_IMMUTABLE_FL) != 0)
			VM_FAIL("%s: control, +i outside any policy failed", how_names[i]);
		/* allow-read = /data/ro/: a write, refused in enforce mode, audited in audit. */
		if (try_flags(FILES, "/data/ro/attr", 0, hows[i], FS_IMMUTABLE_FL) != EPERM)
			VM_FAIL("%s: +i under allow-read from %s not EPERM", how_names[i], FILES);
		if (try_flags(AUDIT, "/data/ro/attr", 0, hows[i], FS_IMMUTABLE_FL) != 0)
			VM_FAIL("%s: +i under allow-read from %s (audit) refused", how_names[i],
				AUDIT);
		/* lsmguard's own objects: a protection, in audit mode too. */
		if (try_flags(AUDIT, POLICY_DIR "/files.ini", 0, hows[i], FS_IMMUTABLE_FL) != EPERM)
			VM_FAIL("%s: +i on files.ini from %s not EPERM", how_names[i], AUDIT);
		if (try_flags(AUDIT, STATE, 0, hows[i], FS_IMMUTABLE_FL) != EPERM)
			VM_FAIL("%s: +i on the state from %s not EPERM", how_names[i], AUDIT);
		if (try_flags(FILES, STATE, 0, hows[i], FS_IMMUTABLE_FL) != EPERM)
			VM_FAIL("%s: +i on the state from %s not EPERM", how_names[i], FILES);
	}
	VM_CHECK(flags_of("/data/ro/attr") == 0);
	VM_CHECK(flags_of(POLICY_DIR "/files.ini") == 0);
	VM_CHECK(flags_of(STATE) == 0);
	/* Where the rules allow writing, the flags may change; other ioctls pass. */
	write_file("/data/knobs-writable", "x\n", 0644); /* under no rule: default allow */
	VM_CHECK(try_flags(FILES, "/data/knobs-writable", 0, FLAGS_IOCTL, FS_IMMUTABLE_FL) == 0);
	VM_CHECK(in_cgroup(FILES, do_getflags, "/data/ro/attr") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_ioctl\"", "\"access\":\"write\"",
			   "\"path\":\"/data/ro/attr\"",
			   source_of("files.ini", "allow-read = /data/ro/"));
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"audit\"",
			   "\"hook\":\"file_ioctl\"", "\"path\":\"/data/ro/attr\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"file_ioctl\"",
			   "\"path\":\"" POLICY_DIR "/files.ini\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"file_ioctl\"",
			   "\"path\":\"" STATE "\"");
}

VM_TEST(knobs_inode_flags_as_an_unprivileged_owner, 177)
{
	long mark = event_mark();

	write_file("/data/ro/userattr", "x\n", 0644);
	VM_CHECK(chown("/data/ro/userattr", 1000, 1000) == 0);
	/* The owner may set no-atime (A) without privilege: outside any policy it can. */
	VM_CHECK(try_flags(NULL, "/data/ro/userattr", 1000, FLAGS_IOCTL, FS_NOATIME_FL) == 0);
	VM_CHECK(try_flags(NULL, "/data/ro/userattr", 1000, FLAGS_FSXATTR, FS_NOATIME_FL) == 0);
	VM_CHECK(try_flags(FILES, "/data/ro/userattr", 1000, FLAGS_IOCTL, FS_NOATIME_FL) == EPERM);
	VM_CHECK(try_flags(FILES, "/data/ro/userattr", 1000, FLAGS_FSXATTR, FS_NOATIME_FL) ==
		 EPERM);
	VM_CHECK(try_flags(FILES, "/data/ro/userattr", 1000, FLAGS_COMPAT, FS_NOATIME_FL) == EPERM);
	VM_CHECK(try_flags(AUDIT, "/data/ro/userattr", 1000, FLAGS_IOCTL, FS_NOATIME_FL) == 0);
	/* +i needs CAP_LINUX_IMMUTABLE: the kernel refuses uid 1000 itself, confined or not. */
	VM_CHECK(try_flags(NULL, "/data/ro/userattr", 1000, FLAGS_IOCTL, FS_IMMUTABLE_FL) == EPERM);
	VM_CHECK(flags_of("/data/ro/userattr") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"uid\":1000",
			   "\"hook\":\"file_ioctl\"", "\"path\":\"/data/ro/userattr\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"audit\"", "\"uid\":1000",
			   "\"hook\":\"file_ioctl\"", "\"path\":\"/data/ro/userattr\"");
}

/* ---- kernel settings that weaken protections, and kernel memory ---- */

struct open_as {
	const char *path;
	uid_t uid;
	int flags;
};

static int do_open_as(const void *arg)
{
	const struct open_as *a = arg;
	int fd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	fd = open(a->path, a->flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_open_as(const char *cgroup, const char *path, uid_t uid, int flags)
{
	struct open_as a = {path, uid, flags};

	return in_cgroup(cgroup, do_open_as, &a);
}

/* Writing refused to confined tasks (each exists in the 6.1 test kernel). */
static const char *const weakening_knobs[] = {
    "/proc/sys/kernel/unprivileged_userns_clone",
    "/proc/sys/kernel/yama/ptrace_scope",
    "/proc/sys/kernel/perf_event_paranoid",
    "/proc/sys/kernel/kptr_restrict",
    "/proc/sys/kernel/dmesg_restrict",
    "/proc/sys/kernel/unprivileged_bpf_disabled",
    "/proc/sys/kernel/kexec_load_disabled",
    "/proc/sys/kernel/modules_disabled",
    "/proc/sys/kernel/randomize_va_space",
    "/proc/sys/fs/protected_symlinks",
    "/proc/sys/fs/protected_hardlinks",
    "/proc/sys/fs/protected_fifos",
    "/proc/sys/fs/protected_regular",
    "/proc/sys/vm/mmap_min_addr",
    "/proc/sys/vm/unprivileged_userfaultfd",
    "/proc/sys/net/core/bpf_jit_harden",
    "/proc/sysrq-trigger",
    "/sys/kernel/tracing/kprobe_events",
    "/sys/kernel/tracing/uprobe_events",
    "/sys/kernel/tracing/dynamic_events",
    "/sys/kernel/tracing/set_ftrace_filter",
    "/sys/kernel/tracing/current_tracer",
    "/sys/kernel/tracing/events/enable",
    "/sys/kernel/tracing/tracing_on",
    "/sys/kernel/security/lockdown",
    NULL,
};

static void mount_tracing(void)
{
	/* tracefs and debugfs are not mounted by the test VM's /init. */
	if (access("/sys/kernel/tracing/kprobe_events", F_OK))
		VM_CHECK(mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0);
	if (access("/sys/kernel/debug/tracing", F_OK))
		VM_CHECK(mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) == 0);
}

VM_TEST(knobs_confined_task_cannot_weaken_the_hosts_protections, 178)
{
	char debugfs_file[256] = "";
	long mark = event_mark(), moved_mark;
	int fd;

	mount_tracing();
	for (int i = 0; weakening_knobs[i]; i++) {
		const char *knob = weakening_knobs[i];

		if (access(knob, F_OK)) {
			VM_FAIL("%s: missing in the test kernel", knob);
			continue;
		}
		if (try_open_as(FILES, knob, 0, O_WRONLY) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", knob, FILES);
		if (try_open_as(AUDIT, knob, 0, O_WRONLY) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", knob, AUDIT);
		if (try_open_as(NULL, knob, 0, O_WRONLY) != 0)
			VM_FAIL("%s: control, open for writing outside any policy failed", knob);
		/* Reading: a tracefs file asks lockdown at every open (LOCKDOWN_TRACEFS), which
		 * refuses confined tasks (vm-tests/hardware.c); ftrace's filter files answer that
		 * refusal with ENODEV. The rest stays readable. */
		if (strncmp(knob, "/sys/kernel/tracing/", 20) == 0) {
			int want = strcmp(knob, "/sys/kernel/tracing/set_ftrace_filter") ? EPERM
											 : ENODEV;
			int got = try_open_as(FILES, knob, 0, O_RDONLY);

			if (got != want)
				VM_FAIL("%s: reading from %s: %d, expected %s", knob, FILES, got,
					strerror(want));
		} else if (strcmp(knob, "/proc/sysrq-trigger") != 0 &&
			   try_open_as(FILES, knob, 0, O_RDONLY) != 0) {
			VM_FAIL("%s: reading from %s refused", knob, FILES);
		}
	}
	/* The control really writes: 'h' only prints the help (to the console). */
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	VM_CHECK(fd >= 0 && write(fd, "h", 1) == 1);
	if (fd >= 0)
		close(fd);
	/* A writable debugfs file (drivers' raw controls): one that opening does not act on. */
	if (access("/sys/kernel/debug/clear_warn_once", F_OK) == 0) {
		strcpy(debugfs_file, "/sys/kernel/debug/clear_warn_once");
	} else {
		const char *const argv[] = {"/bin/sh", "-c",
					    "find /sys/kernel/debug -path '*/tracing' -prune -o "
					    "-type f -perm -200 -print | head -n 1",
					    NULL};

		VM_CHECK(run_command(argv, debugfs_file, sizeof(debugfs_file)) == 0);
		debugfs_file[strcspn(debugfs_file, "\n")] = 0;
	}
	if (debugfs_file[0]) {
		VM_CHECK(try_open_as(FILES, debugfs_file, 0, O_WRONLY) == EPERM);
		VM_CHECK(try_open_as(AUDIT, debugfs_file, 0, O_WRONLY) == EPERM);
		VM_CHECK(try_open_as(NULL, debugfs_file, 0, O_WRONLY) == 0);
		printf("# debugfs file tried: %s\n", debugfs_file);
	} else {
		VM_FAIL("no writable debugfs file found");
	}
	/* Settings that weaken nothing are the policy's own confinement: refused without
	 * [system] kernel-settings = allow (hoststate.c), logged in audit mode. */
	VM_CHECK(try_open_as(FILES, "/proc/sys/kernel/domainname", 0, O_WRONLY) == EPERM);
	VM_CHECK(try_open_as(AUDIT, "/proc/sys/vm/swappiness", 0, O_WRONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_open\"",
			   "\"path\":\"/proc/sys/kernel/yama/ptrace_scope\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"path\":\"/proc/sysrq-trigger\"",
			   KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"",
			   "\"path\":\"/sys/kernel/tracing/kprobe_events\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"",
			   "\"path\":\"/sys/kernel/security/lockdown\"", KNOB_SOURCE);
	/* Under other names: procfs and tracefs mounted again elsewhere. */
	mkdir("/mnt/proc3", 0755);
	mkdir("/mnt/trace2", 0755);
	VM_CHECK(mount("proc", "/mnt/proc3", "proc", 0, NULL) == 0);
	VM_CHECK(mount("tracefs", "/mnt/trace2", "tracefs", 0, NULL) == 0);
	moved_mark = event_mark();
	VM_CHECK(try_open_as(FILES, "/mnt/proc3/sys/kernel/kptr_restrict", 0, O_WRONLY) == EPERM);
	VM_CHECK(try_open_as(FILES, "/mnt/proc3/sysrq-trigger", 0, O_WRONLY) == EPERM);
	VM_CHECK(try_open_as(FILES, "/mnt/trace2/uprobe_events", 0, O_WRONLY) == EPERM);
	VM_CHECK(try_open_as(NULL, "/mnt/proc3/sys/kernel/kptr_restrict", 0, O_WRONLY) == 0);
	/* Named by the filesystem's type, wherever it is mounted. */
	EXPECT_EVENT_AFTER(moved_mark, "\"policy\":\"files\"",
			   "\"path\":\"/proc/sys/kernel/kptr_restrict\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(moved_mark, "\"policy\":\"files\"", "\"path\":\"/proc/sysrq-trigger\"",
			   KNOB_SOURCE);
	EXPECT_EVENT_AFTER(moved_mark, "\"policy\":\"files\"",
			   "\"path\":\"/sys/kernel/tracing/uprobe_events\"", KNOB_SOURCE);
	umount("/mnt/proc3");
	umount("/mnt/trace2");
	umount("/sys/kernel/debug");
	umount("/sys/kernel/tracing");
}

VM_TEST(knobs_confined_task_cannot_open_kernel_memory, 179)
{
	long mark = event_mark();

	VM_CHECK(try_open_as(NULL, "/proc/kcore", 0, O_RDONLY) == 0);
	VM_CHECK(try_open_as(FILES, "/proc/kcore", 0, O_RDONLY) == EPERM);
	VM_CHECK(try_open_as(AUDIT, "/proc/kcore", 0, O_RDONLY) == EPERM);
	VM_CHECK(try_open_as(NULL, "/dev/mem", 0, O_RDONLY) == 0);
	VM_CHECK(try_open_as(FILES, "/dev/mem", 0, O_RDONLY) == EPERM);
	VM_CHECK(try_open_as(AUDIT, "/dev/mem", 0, O_RDONLY) == EPERM);
	VM_CHECK(try_open_as(FILES, "/dev/mem", 0, O_RDWR) == EPERM);
	/* The device by its number, under any name (made by an administrator). */
	unlink("/data/mem-copy");
	VM_CHECK(mknod("/data/mem-copy", S_IFCHR | 0600, makedev(1, 1)) == 0);
	VM_CHECK(try_open_as(FILES, "/data/mem-copy", 0, O_RDONLY) == EPERM);
	VM_CHECK(try_open_as(NULL, "/data/mem-copy", 0, O_RDONLY) == 0);
	VM_CHECK(unlink("/data/mem-copy") == 0);
	/* root's 0400/0600 files: the kernel refuses uid 1000 itself, confined or not. */
	VM_CHECK(try_open_as(FILES, "/proc/kcore", 1000, O_RDONLY) == EACCES);
	VM_CHECK(try_open_as(NULL, "/proc/kcore", 1000, O_RDONLY) == EACCES);
	VM_CHECK(try_open_as(FILES, "/proc/sys/kernel/kptr_restrict", 1000, O_WRONLY) == EACCES);
	VM_CHECK(try_open_as(AUDIT, "/dev/mem", 1000, O_RDONLY) == EACCES);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"access\":\"read\"", "\"path\":\"/proc/kcore\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"path\":\"/dev/mem\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/mem-copy\"",
			   KNOB_SOURCE);
}

/* ---- the daemon's priority, scheduling, limits and OOM score ---- */

enum tune_how { TUNE_NICE, TUNE_SCHED, TUNE_AFFINITY, TUNE_IOPRIO, TUNE_RLIMIT, TUNE_COUNT };

static const char *const tune_names[TUNE_COUNT] = {
    "setpriority", "sched_setscheduler", "sched_setaffinity", "ioprio_set", "prlimit64",
};

struct tune_op {
	pid_t target;
	uid_t uid;
	enum tune_how how;
};

#define IOPRIO_WHO_PROCESS 1

/* Set the target's value to what it is now: nothing changes when it is allowed. */
static int do_tune(const void *arg)
{
	const struct tune_op *op = arg;
	struct sched_param param = {0};
	struct rlimit limit;
	cpu_set_t cpus;
	long prio;
	int nice;

	if (op->uid && (setgid(op->uid) || setuid(op->uid)))
		return 200;
	switch (op->how) {
	case TUNE_NICE:
		errno = 0;
		nice = getpriority(PRIO_PROCESS, op->target);
		if (errno)
			return 300 + errno;
		return setpriority(PRIO_PROCESS, op->target, nice) ? errno : 0;
	case TUNE_SCHED:
		return sched_setscheduler(op->target, SCHED_OTHER, &param) ? errno : 0;
	case TUNE_AFFINITY:
		if (sched_getaffinity(op->target, sizeof(cpus), &cpus))
			return 300 + errno;
		return sched_setaffinity(op->target, sizeof(cpus), &cpus) ? errno : 0;
	case TUNE_IOPRIO:
		prio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, op->target);
		if (prio < 0)
			return 300 + errno;
		return syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, op->target, prio) ? errno : 0;
	case TUNE_RLIMIT:
		/* uid 1000 may not even read root's limits: it sets its own values. */
		if (op->uid ? getrlimit(RLIMIT_NOFILE, &limit)
			    : prlimit(op->target, RLIMIT_NOFILE, NULL, &limit))
			return 300 + errno;
		return prlimit(op->target, RLIMIT_NOFILE, &limit, NULL) ? errno : 0;
	default:
		return 400;
	}
}

static int try_tune(const char *cgroup, pid_t target, uid_t uid, enum tune_how how)
{
	struct tune_op op = {target, uid, how};

	return in_cgroup(cgroup, do_tune, &op);
}

VM_TEST(knobs_confined_task_cannot_tune_the_daemon, 180)
{
	static const char *const proc_files[] = {"oom_score_adj", "oom_adj", NULL};
	pid_t daemon = daemon_pid(), other;
	long mark = event_mark();
	char path[128], needle[160];

	VM_CHECK(daemon > 1);
	other = fork(); /* a process of the files policy that is not lsmguard */
	if (other == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(move_into_cgroup(FILES, other));
	for (int how = 0; how < TUNE_COUNT; how++) {
		if (try_tune(NULL, daemon, 0, how) != 0)
			VM_FAIL("%s: control, outside any policy on lsmguard failed",
				tune_names[how]);
		if (try_tune(FILES, daemon, 0, how) != EPERM)
			VM_FAIL("%s: on lsmguard from %s not EPERM", tune_names[how], FILES);
		if (try_tune(AUDIT, daemon, 0, how) != EPERM)
			VM_FAIL("%s: on lsmguard from %s not EPERM", tune_names[how], AUDIT);
		/* Only lsmguard is protected here: a process of the policy's own may be tuned
		 * (processes outside the policy: blind_other_policies_processes). */
		if (try_tune(FILES, other, 0, how) != 0)
			VM_FAIL("%s: on another process from %s refused", tune_names[how], FILES);
		/* uid 1000 may not change root's process: the kernel says EPERM first. */
		if (try_tune(FILES, daemon, 1000, how) != EPERM ||
		    try_tune(NULL, daemon, 1000, how) != EPERM)
			VM_FAIL("%s: as uid 1000 not EPERM", tune_names[how]);
	}
	for (int i = 0; proc_files[i]; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)daemon, proc_files[i]);
		VM_CHECK(try_open_as(NULL, path, 0, O_WRONLY) == 0);
		VM_CHECK(try_open_as(FILES, path, 0, O_WRONLY) == EPERM);
		VM_CHECK(try_open_as(AUDIT, path, 0, O_WRONLY) == EPERM);
		VM_CHECK(try_open_as(FILES, path, 0, O_RDONLY) == 0);
		VM_CHECK(try_open_as(FILES, path, 1000, O_WRONLY) == EACCES);
		VM_CHECK(try_open_as(NULL, path, 1000, O_WRONLY) == EACCES);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)daemon, (int)daemon,
			 proc_files[i]);
		VM_CHECK(try_open_as(FILES, path, 0, O_WRONLY) == EPERM);
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)other, proc_files[i]);
		VM_CHECK(try_open_as(FILES, path, 0, O_WRONLY) == 0);
	}
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"task_setnice\"", "\"path\":\"lsmguard's nice value\"",
			   TUNE_SOURCE);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"task_setscheduler\"",
			   "\"path\":\"lsmguard's scheduling\"", TUNE_SOURCE);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"task_setioprio\"",
			   "\"path\":\"lsmguard's I/O priority\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"task_setrlimit\"",
			   "\"path\":\"lsmguard's resource limits\"");
	snprintf(needle, sizeof(needle), "\"path\":\"/proc/%d/oom_score_adj\"", (int)daemon);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"file_open\"", needle, TUNE_SOURCE);
}

/* This file's programs are attached; what the verifier processed for each (a TAP comment). */
VM_TEST(knobs_programs_attached, 181)
{
	static const char *const programs[] = {
	    "lg_file_ioctl",	 "lg_file_ioctl_compat", "lg_task_setnice", "lg_task_setscheduler",
	    "lg_task_setioprio", "lg_task_setrlimit",	 "lg_file_open",	"lg_file_fcntl",
	};
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];

	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		program_verified(out, programs[i]);
}
