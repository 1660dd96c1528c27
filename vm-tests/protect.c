// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protections of lsmguard, of the other policies and of the host (issue 12): they hold for every
 * confined task whatever its policy's mode, so each is tried from the enforce-mode cgroup, from
 * the audit-mode one, as root and as an unprivileged user, with an unconfined control.
 */
#include <fcntl.h>
#include <stdio.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attempts.h"
#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define AUDIT "/lgt/audit"
#define PINNED_MAP "/sys/fs/bpf/lsmguard/maps/lg_cgroup_policy"
#define PIN "/sys/fs/bpf/lsmguard/links/lg_file_open"

/* An audit-mode policy's denial of a protection is enforced, and reported as such. */
#define DENIED_UNDER_AUDIT "\"event\":\"deny\"", "\"policy\":\"audit\""

/* ---- protections hold under an audit-mode policy ---- */

static int do_finit_module(const void *arg)
{
	int fd = open(arg, O_RDONLY);

	if (fd < 0)
		return 200;
	return syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
}

static int do_ptrace(const void *arg)
{
	pid_t target = *(const pid_t *)arg;

	if (ptrace(PTRACE_ATTACH, target, NULL, NULL))
		return errno;
	waitpid(target, NULL, 0);
	ptrace(PTRACE_DETACH, target, NULL, NULL);
	return 0;
}

VM_TEST(protect_audit_policy_cannot_use_bpf, 160)
{
	long mark = event_mark();

	VM_CHECK(in_cgroup(AUDIT, do_bpf_obj_get, PINNED_MAP) == EPERM);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"bpf\"", "\"path\":\"bpf()\"",
			   "\"source\":\"built-in: a confined task cannot use bpf()\"");
	/* Control: read-only, since a write fd is refused to every task but lsmguard. */
	VM_CHECK(in_cgroup(AUDIT, do_bpf_obj_get_rdonly, PINNED_MAP) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_bpf_obj_get_rdonly, PINNED_MAP) == 0);
}

VM_TEST(protect_audit_policy_cannot_remove_pins, 161)
{
	long mark = event_mark(), umount_mark;

	VM_CHECK(in_cgroup(AUDIT, do_unpin, "unlink") == EPERM);
	VM_CHECK(in_cgroup(AUDIT, do_unpin, "rename") == EPERM);
	umount_mark = event_mark();
	VM_CHECK(in_cgroup(AUDIT, do_unpin, "umount") == EPERM);
	VM_CHECK(access(PIN, F_OK) == 0);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"path_unlink\"",
			   "\"path\":\"" PIN "\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"path_rename\"",
			   "\"path\":\"" PIN "\"");
	EXPECT_EVENT_AFTER(umount_mark, DENIED_UNDER_AUDIT, "\"hook\":\"sb_umount\"",
			   "\"path\":\"bpffs\"");
}

VM_TEST(protect_audit_policy_cannot_load_modules, 162)
{
	long mark = event_mark();

	VM_CHECK(in_cgroup(AUDIT, do_finit_module, "/data/secret-other") == EPERM);
	VM_CHECK(in_cgroup(AUDIT, do_init_module, NULL) == EPERM);
	/* Control: outside any policy the kernel itself looks at the (invalid) module. */
	VM_CHECK(in_cgroup(NULL, do_finit_module, "/data/secret-other") == ENOEXEC);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"kernel_module\"",
			   "\"path\":\"kernel module or kexec image\"");
}

VM_TEST(protect_audit_policy_cannot_trace_outside_its_policy, 163)
{
	long mark = event_mark();
	pid_t outside = fork();

	if (outside == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(in_cgroup(AUDIT, do_ptrace, &outside) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_ptrace, &outside) == 0);
	kill(outside, SIGKILL);
	waitpid(outside, NULL, 0);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"ptrace_access_check\"",
			   "\"path\":\"a task under another policy or none\"");
}

VM_TEST(protect_audit_policy_cannot_leave_its_cgroup, 164)
{
	long mark = event_mark(), clone_mark;

	VM_CHECK(in_cgroup(AUDIT, do_move_self, "/sys/fs/cgroup/cgroup.procs") == EPERM);
	VM_CHECK(in_cgroup(AUDIT, do_move_self, "/sys/fs/cgroup/lgt/files/cgroup.procs") == EPERM);
	clone_mark = event_mark();
	VM_CHECK(in_cgroup(AUDIT, do_clone_into_cgroup, "/sys/fs/cgroup") == EPERM);
	VM_CHECK(in_cgroup(NULL, do_clone_into_cgroup, "/sys/fs/cgroup") == 0);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"path\":\"/sys/fs/cgroup/cgroup.procs\"",
			   "\"source\":\"built-in: a confined task cannot move processes between "
			   "cgroups, nor within its policy's unless it says [system] cgroups = "
			   "delegate\"");
	EXPECT_EVENT_AFTER(clone_mark, DENIED_UNDER_AUDIT, "\"hook\":\"task_alloc\"",
			   "\"path\":\"clone3(CLONE_INTO_CGROUP)\"");
}

/* ---- blinding the daemon: signals ---- */

#define VICTIM_FIFO "/run/prot.fifo"

/*
 * A second process running lsmguard's executable, in a process group of its own, as uid (0 or
 * 1000): `lsmguard check FIFO` waits in open() until a writer comes, which never does.
 */
static pid_t lsmguard_victim(uid_t uid)
{
	pid_t pid;

	mkfifo(VICTIM_FIFO, 0666);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (uid && (setgid(uid) || setuid(uid)))
			_exit(120);
		execl(LSMGUARD, "lsmguard", "check", VICTIM_FIFO, (char *)NULL);
		_exit(121);
	}
	/* Until it runs lsmguard and waits in open(). */
	for (int i = 0; i < 100; i++) {
		char path[64], exe[64] = "", text[256] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		if (readlink(path, exe, sizeof(exe) - 1) > 0 && strcmp(exe, LSMGUARD) == 0) {
			snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
			f = fopen(path, "r");
			if (f && fgets(text, sizeof(text), f) &&
			    (strstr(text, "fifo") || strstr(text, "partner")))
				i = 100;
			if (f)
				fclose(f);
			if (i == 100)
				break;
		}
		usleep(50 * 1000);
	}
	return pid;
}

/* Whether pid is alive and not stopped (its state in /proc/PID/stat). */
static bool running(pid_t pid)
{
	char path[64], text[256], *state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(text, sizeof(text), f)) {
		fclose(f);
		return false;
	}
	fclose(f);
	state = strrchr(text, ')');
	return state && (state[2] == 'S' || state[2] == 'R');
}

static void victim_end(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

enum sig_route { BY_KILL, BY_TGKILL, BY_TKILL, BY_SIGQUEUE, BY_PIDFD, BY_PGRP };

struct sig_args {
	pid_t pid;
	int sig;
	enum sig_route how;
	uid_t uid; /* 0: stay root */
};

static int do_signal(const void *arg)
{
	const struct sig_args *a = arg;
	siginfo_t info;
	long pidfd, r = -1;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	switch (a->how) {
	case BY_KILL:
		r = kill(a->pid, a->sig);
		break;
	case BY_TGKILL:
		r = syscall(SYS_tgkill, a->pid, a->pid, a->sig);
		break;
	case BY_TKILL:
		r = syscall(SYS_tkill, a->pid, a->sig);
		break;
	case BY_SIGQUEUE:
		memset(&info, 0, sizeof(info));
		info.si_signo = a->sig;
		info.si_code = SI_QUEUE;
		info.si_pid = getpid();
		info.si_uid = getuid();
		r = syscall(SYS_rt_sigqueueinfo, a->pid, a->sig, &info);
		break;
	case BY_PIDFD:
		pidfd = syscall(SYS_pidfd_open, a->pid, 0);
		if (pidfd < 0)
			return 201;
		r = syscall(SYS_pidfd_send_signal, (int)pidfd, a->sig, NULL, 0);
		break;
	case BY_PGRP:
		r = kill(-a->pid, a->sig);
		break;
	}
	return r ? errno : 0;
}

static int try_signal(const char *cgroup, pid_t pid, int sig, enum sig_route how, uid_t uid)
{
	struct sig_args a = {pid, sig, how, uid};

	return in_cgroup(cgroup, do_signal, &a);
}

VM_TEST(protect_confined_root_cannot_signal_the_daemon, 165)
{
	static const int sigs[] = {0, SIGSTOP, SIGTERM, SIGKILL, SIGHUP};
	static const char *const cgroups[] = {FILES, AUDIT};
	long mark = event_mark();
	pid_t daemon = daemon_pid();

	VM_CHECK(daemon > 1);
	for (int c = 0; c < 2; c++)
		for (size_t s = 0; s < sizeof(sigs) / sizeof(sigs[0]); s++) {
			if (try_signal(cgroups[c], daemon, sigs[s], BY_KILL, 0) != EPERM)
				VM_FAIL("%s: kill(daemon, %d) not EPERM", cgroups[c], sigs[s]);
			if (try_signal(cgroups[c], daemon, sigs[s], BY_PIDFD, 0) != EPERM)
				VM_FAIL("%s: pidfd_send_signal(daemon, %d) not EPERM", cgroups[c],
					sigs[s]);
		}
	VM_CHECK(try_signal(FILES, daemon, SIGTERM, BY_TGKILL, 0) == EPERM);
	VM_CHECK(try_signal(FILES, daemon, SIGTERM, BY_TKILL, 0) == EPERM);
	VM_CHECK(try_signal(FILES, daemon, SIGTERM, BY_SIGQUEUE, 0) == EPERM);
	VM_CHECK(running(daemon));
	/* Control: outside any policy root may signal it (0: only asks whether it exists). */
	VM_CHECK(try_signal(NULL, daemon, 0, BY_KILL, 0) == 0);
	VM_CHECK(try_signal(NULL, daemon, 0, BY_PIDFD, 0) == 0);
	EXPECT_EVENT_AFTER(
	    mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"hook\":\"task_kill\"",
	    "\"path\":\"lsmguard\"",
	    "\"source\":\"built-in: a confined task cannot signal lsmguard, PID 1 (the "
	    "service manager) or systemd-journald; no SIGIO or SIGURG reaches them\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"task_kill\"",
			   "\"path\":\"lsmguard\"");
}

VM_TEST(protect_signals_to_any_lsmguard_process_by_every_route, 166)
{
	static const enum sig_route routes[] = {BY_KILL,     BY_TGKILL, BY_TKILL,
						BY_SIGQUEUE, BY_PIDFD,	BY_PGRP};
	pid_t victim = lsmguard_victim(0), other;

	for (size_t r = 0; r < sizeof(routes) / sizeof(routes[0]); r++) {
		if (try_signal(FILES, victim, SIGKILL, routes[r], 0) != EPERM)
			VM_FAIL("route %zu: SIGKILL from %s not EPERM", r, FILES);
		if (try_signal(AUDIT, victim, SIGKILL, routes[r], 0) != EPERM)
			VM_FAIL("route %zu: SIGKILL from %s not EPERM", r, AUDIT);
	}
	VM_CHECK(running(victim));
	/* Control: the process group route from outside any policy reaches it. */
	VM_CHECK(try_signal(NULL, victim, SIGKILL, BY_PGRP, 0) == 0);
	VM_CHECK(wait_exit(victim, 2000));
	waitpid(victim, NULL, 0);
	/* Control: a confined task signals a process of its own policy that is not lsmguard. */
	other = fork();
	if (other == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(move_into_cgroup(FILES, other));
	VM_CHECK(try_signal(FILES, other, SIGKILL, BY_KILL, 0) == 0);
	waitpid(other, NULL, 0);
}

VM_TEST(protect_unprivileged_confined_user_cannot_signal_lsmguard, 167)
{
	pid_t victim = lsmguard_victim(1000), daemon = daemon_pid();
	long mark;

	/* Identical events are rate limited (10 a second per policy, rule, hook and object): let
	 * the window of the cases before end, so that this case's events are sent. */
	sleep(2);
	mark = event_mark();

	/* lsmguard running as the same user: only the protection stands in the way. */
	VM_CHECK(try_signal(FILES, victim, SIGSTOP, BY_KILL, 1000) == EPERM);
	VM_CHECK(try_signal(FILES, victim, SIGKILL, BY_PIDFD, 1000) == EPERM);
	VM_CHECK(try_signal(AUDIT, victim, SIGTERM, BY_KILL, 1000) == EPERM);
	VM_CHECK(try_signal(AUDIT, victim, SIGKILL, BY_PGRP, 1000) == EPERM);
	VM_CHECK(running(victim));
	/* Control: the same user outside any policy. */
	VM_CHECK(try_signal(NULL, victim, 0, BY_KILL, 1000) == 0);
	/* The root daemon: the kernel refuses another user first (EPERM too). */
	VM_CHECK(try_signal(FILES, daemon, SIGKILL, BY_KILL, 1000) == EPERM);
	victim_end(victim);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"", "\"uid\":1000",
			   "\"hook\":\"task_kill\"", "\"path\":\"lsmguard\"");
}

/* F_SETOWN the read end of a pipe to pid, F_SETSIG sig, O_ASYNC, then write: SIGIO as sig. */
static int do_sigio(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	int fds[2];

	if (pipe(fds))
		return 200;
	if (fcntl(fds[0], F_SETOWN, pid) || fcntl(fds[0], F_SETSIG, SIGKILL) ||
	    fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return errno;
	if (write(fds[1], "x", 1) != 1)
		return 201;
	close(fds[0]);
	close(fds[1]);
	return 0;
}

VM_TEST(protect_sigio_cannot_reach_lsmguard, 168)
{
	long mark = event_mark();
	pid_t victim = lsmguard_victim(0), other;

	int fds[2];

	/* A confined task names no other process as a file's owner (blind.c). */
	VM_CHECK(in_cgroup(FILES, do_sigio, &victim) == EPERM);
	VM_CHECK(in_cgroup(AUDIT, do_sigio, &victim) == EPERM);
	/* An owner set outside every policy: the confined task's write works, no signal. */
	VM_CHECK(sigio_armed_pipe(victim, SIGKILL, fds));
	VM_CHECK(in_cgroup(FILES, do_write_byte, &fds[1]) == 0);
	VM_CHECK(in_cgroup(AUDIT, do_write_byte, &fds[1]) == 0);
	usleep(100 * 1000);
	VM_CHECK(running(victim));
	victim_end(victim);
	close(fds[0]);
	close(fds[1]);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_send_sigiotask\"", "\"path\":\"lsmguard (SIGIO)\"");
	/* Control: the same SIGIO (as SIGKILL) reaches a process that is not lsmguard. */
	other = fork();
	if (other == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(sigio_armed_pipe(other, SIGKILL, fds));
	VM_CHECK(in_cgroup(FILES, do_write_byte, &fds[1]) == 0);
	VM_CHECK(wait_exit(other, 2000));
	waitpid(other, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

/* ---- blinding the daemon: its cgroup and the other cgroups ---- */

#define VICTIM_CG "/sys/fs/cgroup/prot-victim"
#define USER_CG "/sys/fs/cgroup/prot-user"
#define DAEMON_CG "/sys/fs/cgroup/lsmguard.service"

static void move_pid(pid_t pid, const char *cgroup_dir)
{
	char path[256], text[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir);
	snprintf(text, sizeof(text), "%d", (int)pid);
	write_into(path, text);
}

struct open_as {
	const char *path;
	uid_t uid;
};

static int do_open_write_as(const void *arg)
{
	const struct open_as *a = arg;
	int fd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	fd = open(a->path, O_WRONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_write_open(const char *cgroup, const char *path, uid_t uid)
{
	struct open_as a = {path, uid};

	return in_cgroup(cgroup, do_open_write_as, &a);
}

VM_TEST(protect_confined_task_cannot_write_other_cgroups_control_files, 169)
{
	static const char *const files[] = {"cgroup.freeze",
					    "cgroup.kill",
					    "cgroup.procs",
					    "cgroup.threads",
					    "cgroup.subtree_control",
					    "cgroup.max.depth",
					    "cgroup.max.descendants",
					    "cgroup.type",
					    "memory.max",
					    "memory.high",
					    "pids.max",
					    "cpu.weight",
					    "cpu.max",
					    NULL};
	long mark = event_mark(), mount_mark;
	pid_t daemon = daemon_pid(), sleeper;
	char path[256];
	int tested = 0;

	/* Controllers, one by one: one that cannot be enabled must not keep the others off. */
	for (int i = 0; i < 3; i++) {
		static const char *const controllers[] = {"+memory", "+pids", "+cpu"};
		int fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_WRONLY);

		if (fd >= 0 && write(fd, controllers[i], strlen(controllers[i])) < 0)
			printf("#   %s: %s\n", controllers[i], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	mkdir(VICTIM_CG, 0755);
	sleeper = fork();
	if (sleeper == 0) {
		pause();
		_exit(0);
	}
	move_pid(sleeper, VICTIM_CG);
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), VICTIM_CG "/%s", files[i]);
		if (access(path, F_OK))
			continue;
		tested++;
		if (try_write_open(FILES, path, 0) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", path, FILES);
		if (try_write_open(AUDIT, path, 0) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", path, AUDIT);
		/* The kernel's own check answers an unprivileged user first. */
		if (try_write_open(FILES, path, 1000) != EACCES)
			VM_FAIL("%s: open for writing as uid 1000 not EACCES", path);
		if (try_write_open(NULL, path, 0) != 0)
			VM_FAIL("%s: control, open for writing outside any policy failed", path);
	}
	VM_CHECK(tested >= 11); /* memory.* and pids.* at least (cpu.* may be missing) */
	/* The root cgroup's, and another policy's. */
	VM_CHECK(try_write_open(FILES, "/sys/fs/cgroup/cgroup.subtree_control", 0) == EPERM);
	VM_CHECK(try_write_open(FILES, "/sys/fs/cgroup/lgt/audit/cgroup.freeze", 0) == EPERM);
	/* Its own cgroup's too, without cgroups = delegate (namespaces.c, the case
	 * ns_own_cgroup_files_need_cgroups_delegate). */
	VM_CHECK(try_write_open(FILES, "/sys/fs/cgroup/lgt/files/cgroup.freeze", 0) == EPERM);
	/* The same cgroup through a second mount of cgroupfs, at another path. */
	mkdir("/mnt/cg2", 0755);
	VM_CHECK(mount("cgroup2", "/mnt/cg2", "cgroup2", 0, NULL) == 0);
	mount_mark = event_mark();
	VM_CHECK(try_write_open(FILES, "/mnt/cg2/prot-victim/cgroup.freeze", 0) == EPERM);
	VM_CHECK(try_write_open(NULL, "/mnt/cg2/prot-victim/cgroup.freeze", 0) == 0);
	umount("/mnt/cg2");
	/* The daemon in a cgroup of its own, as under systemd: not to be frozen or killed. */
	mkdir(DAEMON_CG, 0755);
	move_pid(daemon, DAEMON_CG);
	VM_CHECK(try_write_open(FILES, DAEMON_CG "/cgroup.freeze", 0) == EPERM);
	VM_CHECK(try_write_open(AUDIT, DAEMON_CG "/cgroup.kill", 0) == EPERM);
	VM_CHECK(try_write_open(AUDIT, DAEMON_CG "/memory.max", 0) == EPERM);
	VM_CHECK(try_write_open(NULL, DAEMON_CG "/cgroup.freeze", 0) == 0);
	move_pid(daemon, "/sys/fs/cgroup");
	VM_CHECK(running(daemon));
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" VICTIM_CG "/cgroup.freeze\"",
			   "\"source\":\"built-in: a confined task cannot write the control files "
			   "of cgroups outside its policy, nor of its own unless it says [system] "
			   "cgroups = delegate, nor any file of a cgroup v1 hierarchy\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"path\":\"" VICTIM_CG "/cgroup.kill\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"" VICTIM_CG "/cgroup.procs\"",
			   "\"source\":\"built-in: a confined task cannot move processes between "
			   "cgroups, nor within its policy's unless it says [system] cgroups = "
			   "delegate\"");
	{
		/* The path is the mount the daemon's table records for that filesystem root
		 * (a second mount of a known root may take over the record: issue 12, class 1). */
		const char *const at_sys[] = {"\"policy\":\"files\"", "\"hook\":\"file_open\"",
					      "\"path\":\"" VICTIM_CG "/cgroup.freeze\"", NULL};
		const char *const at_mnt[] = {"\"policy\":\"files\"", "\"hook\":\"file_open\"",
					      "\"path\":\"/mnt/cg2/prot-victim/cgroup.freeze\"",
					      NULL};

		if (!wait_event_after(mount_mark, at_sys, 5000) &&
		    !wait_event_after(mount_mark, at_mnt, 100))
			VM_FAIL("no event for the cgroup.freeze denied through /mnt/cg2");
	}
}

VM_TEST(protect_unprivileged_owner_of_a_cgroup_outside_its_policy, 170)
{
	long mark = event_mark();

	/* A cgroup delegated to uid 1000 (its files chowned, as systemd delegates). */
	mkdir(USER_CG, 0755);
	VM_CHECK(system("chown -R 1000:1000 " USER_CG) == 0);
	VM_CHECK(try_write_open(NULL, USER_CG "/cgroup.freeze", 1000) == 0); /* control */
	VM_CHECK(try_write_open(FILES, USER_CG "/cgroup.freeze", 1000) == EPERM);
	VM_CHECK(try_write_open(AUDIT, USER_CG "/cgroup.kill", 1000) == EPERM);
	VM_CHECK(try_write_open(FILES, USER_CG "/cgroup.procs", 1000) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"uid\":1000",
			   "\"path\":\"" USER_CG "/cgroup.freeze\"");
	rmdir(USER_CG);
}

/* ---- kernel settings that run programs or load code ---- */

static const char *const code_knobs[] = {
    "/proc/sys/kernel/core_pattern",
    "/proc/sys/kernel/core_pipe_limit",
    "/proc/sys/fs/suid_dumpable",
    "/proc/sys/kernel/modprobe",
    "/proc/sys/kernel/poweroff_cmd",
    "/proc/sys/kernel/usermodehelper/bset",
    "/proc/sys/kernel/usermodehelper/inheritable",
    "/sys/module/firmware_class/parameters/path",
    "/sys/power/resume",
    "/sys/power/resume_offset",
    NULL,
};

VM_TEST(protect_confined_task_cannot_change_kernel_settings_that_run_programs, 171)
{
	long mark = event_mark(), moved_mark;

	for (int i = 0; code_knobs[i]; i++) {
		if (access(code_knobs[i], F_OK)) {
			VM_FAIL("%s: missing in the test kernel", code_knobs[i]);
			continue;
		}
		if (try_write_open(FILES, code_knobs[i], 0) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", code_knobs[i], FILES);
		if (try_write_open(AUDIT, code_knobs[i], 0) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", code_knobs[i], AUDIT);
		if (try_open(FILES, code_knobs[i], O_RDONLY) != 0)
			VM_FAIL("%s: reading from %s refused", code_knobs[i], FILES);
		if (try_write_open(NULL, code_knobs[i], 0) != 0)
			VM_FAIL("%s: control, open for writing outside any policy failed",
				code_knobs[i]);
	}
	VM_CHECK(in_cgroup(FILES, do_reopen_for_write, "/proc/sys/kernel/core_pattern") == EPERM);
	/* Other sysctls: the policy's confinement (logged, not refused, in audit mode). */
	VM_CHECK(try_write_open(AUDIT, "/proc/sys/kernel/domainname", 0) == 0);
	VM_CHECK(try_write_open(AUDIT, "/sys/kernel/profiling", 0) == 0 ||
		 access("/sys/kernel/profiling", F_OK) != 0);
	EXPECT_EVENT_AFTER(
	    mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"hook\":\"file_open\"",
	    "\"path\":\"/proc/sys/kernel/core_pattern\"",
	    "\"source\":\"built-in: a confined task cannot change kernel settings that "
	    "run programs, load code, weaken protections or bind every process, nor open kernel "
	    "memory\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"path\":\"/proc/sys/kernel/modprobe\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"",
			   "\"path\":\"/sys/module/firmware_class/parameters/path\"");
	/* The same settings under other names: procfs and sysfs mounted again elsewhere, and a
	 * bind mount of /proc/sys/kernel (made by an administrator). */
	mkdir("/mnt/proc2", 0755);
	mkdir("/mnt/sys2", 0755);
	mkdir("/mnt/ksys", 0755);
	VM_CHECK(mount("proc", "/mnt/proc2", "proc", 0, NULL) == 0);
	VM_CHECK(mount("sysfs", "/mnt/sys2", "sysfs", 0, NULL) == 0);
	VM_CHECK(mount("/proc/sys/kernel", "/mnt/ksys", NULL, MS_BIND, NULL) == 0);
	moved_mark = event_mark();
	VM_CHECK(try_write_open(FILES, "/mnt/proc2/sys/kernel/core_pattern", 0) == EPERM);
	VM_CHECK(try_write_open(AUDIT, "/mnt/proc2/sys/kernel/modprobe", 0) == EPERM);
	VM_CHECK(try_write_open(FILES, "/mnt/ksys/core_pattern", 0) == EPERM);
	VM_CHECK(try_write_open(FILES, "/mnt/sys2/power/resume", 0) == EPERM);
	VM_CHECK(try_write_open(FILES, "/mnt/sys2/module/firmware_class/parameters/path", 0) ==
		 EPERM);
	VM_CHECK(try_write_open(NULL, "/mnt/ksys/core_pattern", 0) == 0);
	{
		/* Waited for (the log may lag the refusals by a moment under load). */
		const char *const knob_events[] = {
		    "\"source\":\"built-in: a confined task cannot change kernel settings that "
		    "run programs, load code, weaken protections or bind every process, nor open "
		    "kernel memory\"",
		    NULL};

		VM_CHECK(wait_event_after(moved_mark, knob_events, 5000));
	}
	umount("/mnt/ksys");
	umount("/mnt/proc2");
	umount("/mnt/sys2");
}

VM_TEST(protect_unprivileged_user_and_kernel_settings, 172)
{
	/* root's 0644 files: the kernel refuses another user first, confined or not. */
	VM_CHECK(try_write_open(FILES, "/proc/sys/kernel/core_pattern", 1000) == EACCES);
	VM_CHECK(try_write_open(NULL, "/proc/sys/kernel/core_pattern", 1000) == EACCES);
	VM_CHECK(try_write_open(AUDIT, "/sys/module/firmware_class/parameters/path", 1000) ==
		 EACCES);
}

/* ---- perf events on other tasks ---- */

struct perf_args {
	pid_t pid; /* -1: CPU-wide; -2: a child of the caller's own */
	int cpu;
	uid_t uid;
};

static int do_perf_open(const void *arg)
{
	const struct perf_args *a = arg;
	struct perf_event_attr attr;
	pid_t pid = a->pid, child = 0;
	long fd;
	int ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (pid == -2) {
		child = fork();
		if (child == 0) {
			pause();
			_exit(0);
		}
		pid = child;
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = 100000;
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	attr.sample_regs_user = 0xff;
	attr.sample_stack_user = 4096;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, pid, a->cpu, -1, 0);
	ret = fd < 0 ? errno : 0;
	if (fd >= 0)
		close((int)fd);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return ret;
}

static int try_perf(const char *cgroup, pid_t pid, int cpu, uid_t uid)
{
	struct perf_args a = {pid, cpu, uid};

	return in_cgroup(cgroup, do_perf_open, &a);
}

VM_TEST(protect_confined_task_cannot_watch_other_tasks_with_perf, 173)
{
	long mark = event_mark();
	pid_t outside = fork();

	if (outside == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(try_perf(FILES, outside, -1, 0) == EPERM);
	VM_CHECK(try_perf(AUDIT, outside, -1, 0) == EPERM);
	VM_CHECK(try_perf(FILES, daemon_pid(), -1, 0) == EPERM);
	VM_CHECK(try_perf(FILES, -1, 0, 0) == EPERM); /* CPU-wide */
	VM_CHECK(try_perf(AUDIT, -1, 1, 0) == EPERM);
	/* Its own tasks: itself, its child. */
	VM_CHECK(try_perf(FILES, 0, -1, 0) == 0);
	VM_CHECK(try_perf(FILES, -2, -1, 0) == 0);
	/* Controls outside any policy. */
	VM_CHECK(try_perf(NULL, outside, -1, 0) == 0);
	VM_CHECK(try_perf(NULL, -1, 0, 0) == 0);
	/* Unprivileged: Debian's perf_event_paranoid (3) refuses any perf event first. */
	VM_CHECK(try_perf(FILES, 0, -1, 1000) == EACCES);
	VM_CHECK(try_perf(NULL, 0, -1, 1000) == EACCES);
	kill(outside, SIGKILL);
	waitpid(outside, NULL, 0);
	EXPECT_EVENT_AFTER(
	    mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"hook\":\"perf_event_alloc\"",
	    "\"path\":\"perf event on a task outside the policy, or CPU-wide\"",
	    "\"source\":\"built-in: a confined task cannot open perf events on tasks "
	    "outside its policy or CPU-wide\"");
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"perf_event_alloc\"",
			   "\"path\":\"perf event on a task outside the policy, or CPU-wide\"");
}

/* ---- a lost event is never silent ---- */

#define FLOOD_DIR "/data/private/flood"
#define FLOOD_FILES 6000

static int do_open_flood(const void *arg)
{
	char path[64];
	int denied = 0;

	(void)arg;
	for (int i = 0; i < FLOOD_FILES; i++) {
		snprintf(path, sizeof(path), FLOOD_DIR "/f%d", i);
		if (open(path, O_RDONLY) < 0 && errno == EPERM)
			denied++;
	}
	return denied == FLOOD_FILES ? 0 : 200;
}

VM_TEST(protect_lost_events_are_reported_when_the_daemon_resumes, 174)
{
	pid_t daemon = daemon_pid();
	char path[64];
	long mark;

	mkdir(FLOOD_DIR, 0755);
	for (int i = 0; i < FLOOD_FILES; i++) {
		snprintf(path, sizeof(path), FLOOD_DIR "/f%d", i);
		close(open(path, O_WRONLY | O_CREAT, 0644));
	}
	sleep(2); /* the daemon has read everything before */
	mark = event_mark();
	/* Stopped by an administrator (unconfined): distinct denials fill the ring buffer. */
	VM_CHECK(kill(daemon, SIGSTOP) == 0);
	VM_CHECK(in_cgroup(FILES, do_open_flood, NULL) == 0);
	VM_CHECK(kill(daemon, SIGCONT) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"" FLOOD_DIR "/f0\"");
	{
		const char *const lost[] = {"\"event\":\"lost\"", "\"hook\":\"file_open\"",
					    "\"policy\":\"files\"",
					    source_of("files.ini", "deny = /data/private/"), NULL};

		if (!wait_event_after(mark, lost, 5000))
			VM_FAIL("no \"lost\" event for the denials the full ring buffer dropped");
	}
	print_events_after(mark, "\"event\":\"lost\"");
	VM_CHECK(system("rm -rf " FLOOD_DIR) == 0);
}
