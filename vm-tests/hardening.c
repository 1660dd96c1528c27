// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known bypasses of other enforcers, tried from a confined cgroup: each must get the verdict
 * the plain operation gets.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/bpf.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attempts.h"
#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define STRICT "/lgt/strict"

/* ---- exec ---- */

VM_TEST(bypass_exec_copied_binary_caught_by_default_deny, 100)
{
	long mark;

	VM_CHECK(system("mkdir -p /data/copies && cp /data/bin/allowed /data/copies/renamed") == 0);
	VM_CHECK(try_exec(STRICT, "/data/bin/allowed") == 0);
	mark = event_mark();
	VM_CHECK(try_exec(STRICT, "/data/copies/renamed") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"strict\"", "\"hook\":\"bprm_check_security\"",
			   "\"path\":\"/data/copies/renamed\"", "\"rule_object\":\"default\"");
}

static int exec_fd(int fd, bool use_fexecve)
{
	char *const argv[] = {"true", NULL};
	char *const envp[] = {NULL};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (use_fexecve)
			fexecve(fd, argv, envp);
		else
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(errno == EPERM ? 100 : 101);
	}
	if (waitpid(pid, &status, 0) != pid)
		return OP_NO_RESULT;
	/* The exec'd busybox "true" exits 0; a refused exec exits 100 for EPERM. A signal is
	 * never success: program_result() reports it as OP_KILLED. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 100)
		return EPERM;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 101)
		return EIO;
	return program_result(status);
}

static int do_execveat(const void *arg)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? errno : exec_fd(fd, false);
}

static int do_fexecve(const void *arg)
{
	int fd = open(arg, O_PATH | O_CLOEXEC);

	return fd < 0 ? errno : exec_fd(fd, true);
}

VM_TEST(bypass_exec_execveat_empty_path_and_fexecve, 101)
{
	long mark = event_mark(), fexecve_mark;

	VM_CHECK(in_cgroup(FILES, do_execveat, "/data/bin/denied") == EPERM);
	fexecve_mark = event_mark();
	VM_CHECK(in_cgroup(FILES, do_fexecve, "/data/bin/denied") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_execveat, "/data/bin/allowed") == 0);
	VM_CHECK(in_cgroup(NULL, do_fexecve, "/data/bin/denied") == 0);
	/* Each way names the program's file, not the descriptor. */
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"bprm_check_security\"",
			   "\"path\":\"/data/bin/denied\"");
	EXPECT_EVENT_AFTER(fexecve_mark, "\"policy\":\"files\"", "\"hook\":\"bprm_check_security\"",
			   "\"path\":\"/data/bin/denied\"");
}

/* memfd: a program on no filesystem the host knows. */
static int do_memfd_exec(const void *arg)
{
	char buf[65536];
	int src, fd = (int)syscall(SYS_memfd_create, "payload", 0);
	ssize_t n;

	(void)arg;
	src = open("/data/bin/allowed", O_RDONLY);
	if (fd < 0 || src < 0)
		return 200;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 201;
	close(src);
	return exec_fd(fd, true);
}

VM_TEST(bypass_exec_memfd_is_anonymous, 102)
{
	long mark = event_mark(), strict_mark;

	VM_CHECK(in_cgroup(FILES, do_memfd_exec, NULL) == EPERM);
	strict_mark = event_mark();
	VM_CHECK(in_cgroup(STRICT, do_memfd_exec, NULL) == EPERM);
	/* inner says anonymous = allow */
	VM_CHECK(in_cgroup(FILES "/inner", do_memfd_exec, NULL) == 0);
	VM_CHECK(in_cgroup(NULL, do_memfd_exec, NULL) == 0);
	/* A memfd has no path in any filesystem: the event says "/" (the walk's root). */
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"bprm_check_security\"",
			   "\"rule_object\":\"anonymous executables (implied)\"", "\"path\":\"/\"");
	EXPECT_EVENT_AFTER(strict_mark, "\"policy\":\"strict\"", "\"hook\":\"bprm_check_security\"",
			   "\"rule_object\":\"anonymous executables (implied)\"", "\"path\":\"/\"");
}

/* ---- files ---- */

VM_TEST(bypass_files_reopen_read_only_fd_for_write_through_proc, 110)
{
	VM_CHECK(in_cgroup(FILES, do_reopen_for_write, "/data/ro/file") == EPERM);
	VM_CHECK(in_cgroup(NULL, do_reopen_for_write, "/data/ro/file") == 0);
}

VM_TEST(bypass_files_through_proc_pid_root, 111)
{
	VM_CHECK(try_open(FILES, "/proc/self/root/data/secret", O_RDONLY) == EPERM);
	/* Another task's root needs ptrace access to it: pid 1 is under no policy, so the ptrace
	 * protection answers (EACCES, from proc) before the file rule could. */
	VM_CHECK(try_open(FILES, "/proc/1/root/data/private/x", O_RDONLY) == EACCES);
	VM_CHECK(try_open(FILES, "/proc/self/root/data/private/x", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/proc/self/cwd/data/secret", O_RDONLY) == EPERM);
}

static int do_uring_open(const void *arg)
{
	int ret = uring_openat(arg, O_RDONLY);

	if (ret >= 0) {
		close(ret);
		return 0;
	}
	return ret <= -1000 ? 200 : -ret;
}

VM_TEST(bypass_files_io_uring_openat, 112)
{
	VM_CHECK(in_cgroup(FILES, do_uring_open, "/data/secret") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_uring_open, "/data/secret-other") == 0);
	VM_CHECK(in_cgroup(NULL, do_uring_open, "/data/secret") == 0);
}

/* ---- network ---- */

static void sin_of(struct sockaddr_in *sin, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sin->sin_addr);
}

static int do_sendmmsg(const void *arg)
{
	struct sockaddr_in sin;
	struct iovec iov = {"x", 1};
	struct mmsghdr msgs[2];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	sin_of(&sin, *(const int *)arg);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 2; i++) {
		msgs[i].msg_hdr.msg_name = &sin;
		msgs[i].msg_hdr.msg_namelen = sizeof(sin);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return sendmmsg(fd, msgs, 2, 0) < 0 ? errno : 0;
}

VM_TEST(bypass_net_sendmmsg, 120)
{
	int denied = 3000, allowed = 3001;

	VM_CHECK(in_cgroup(FILES, do_sendmmsg, &denied) == EPERM);
	VM_CHECK(in_cgroup(FILES, do_sendmmsg, &allowed) == 0);
}

static int do_uring_net(const void *arg)
{
	int port = *(const int *)arg, fd, ret;
	struct sockaddr_in sin;

	sin_of(&sin, port < 0 ? -port : port);
	if (port > 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ret = uring_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		struct iovec iov = {"x", 1};
		struct msghdr msg = {.msg_name = &sin, .msg_namelen = sizeof(sin), .msg_iov = &iov,
				     .msg_iovlen = 1};

		fd = socket(AF_INET, SOCK_DGRAM, 0);
		ret = uring_sendmsg(fd, &msg);
	}
	close(fd);
	return ret >= 0 ? 0 : ret <= -1000 ? 200 : -ret;
}

VM_TEST(bypass_net_io_uring_connect_and_sendmsg, 121)
{
	int tcp_denied = 1000, tcp_allowed = 2500, udp_denied = -3000, udp_allowed = -3001;

	VM_CHECK(in_cgroup(FILES, do_uring_net, &tcp_denied) == EPERM);
	VM_CHECK(in_cgroup(FILES, do_uring_net, &tcp_allowed) == ECONNREFUSED);
	VM_CHECK(in_cgroup(FILES, do_uring_net, &udp_denied) == EPERM);
	VM_CHECK(in_cgroup(FILES, do_uring_net, &udp_allowed) == 0);
}

static int do_connect_after_unspec(const void *arg)
{
	struct sockaddr_in sin;
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void)arg;
	sin_of(&sin, 3001);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return 200;
	if (connect(fd, &unspec, sizeof(unspec)))
		return 201;
	sin_of(&sin, 3000);
	return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
}

VM_TEST(bypass_net_connect_after_af_unspec, 122)
{
	VM_CHECK(in_cgroup(FILES, do_connect_after_unspec, NULL) == EPERM);
}

static int do_short_sockaddr(const void *arg)
{
	const int *spec = arg; /* family, length */
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(1000)};
	int fd = socket(spec[0], SOCK_STREAM, 0);

	if (spec[0] == AF_INET) {
		struct sockaddr_in sin;

		sin_of(&sin, 1000);
		return connect(fd, (struct sockaddr *)&sin, (socklen_t)spec[1]) ? errno : 0;
	}
	sin6.sin6_addr.s6_addr[15] = 1;
	return connect(fd, (struct sockaddr *)&sin6, (socklen_t)spec[1]) ? errno : 0;
}

VM_TEST(bypass_net_truncated_sockaddr_is_refused_not_misread, 123)
{
	const int v4_short[] = {AF_INET, 8}, v4_one[] = {AF_INET, 1}, v6_short[] = {AF_INET6, 20};
	const int v6_rfc2133[] = {AF_INET6, 24};

	VM_CHECK(in_cgroup(FILES, do_short_sockaddr, v4_short) == EINVAL);
	VM_CHECK(in_cgroup(FILES, do_short_sockaddr, v4_one) == EINVAL);
	VM_CHECK(in_cgroup(FILES, do_short_sockaddr, v6_short) == EINVAL);
	/* 24 bytes (no scope id) is a valid IPv6 sockaddr: [::1]:1000 is not denied by a rule,
	 * so the listener's absence answers. */
	VM_CHECK(in_cgroup(FILES, do_short_sockaddr, v6_rfc2133) == ECONNREFUSED);
}

/* ---- leaving the cgroup ---- */

static int do_escape_then_open(const void *arg)
{
	int ret = do_move_self(arg);

	if (ret == 0)
		return 210; /* moved out: the escape worked */
	return try_open(NULL, "/data/secret", O_RDONLY);
}

VM_TEST(bypass_cgroup_escape_is_denied, 130)
{
	long mark = event_mark(), clone_mark;

	/* the target exists whatever ran before (alone, the move failed with ENOENT) */
	make_cgroup("/lgt/audit");
	make_cgroup("/lgt/files/child");
	VM_CHECK(in_cgroup(FILES, do_move_self, "/sys/fs/cgroup/cgroup.procs") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_move_self, "/sys/fs/cgroup/lgt/audit/cgroup.procs") == EPERM);
	/* Into another policy's cgroup: out from under its own. */
	make_cgroup("/lgt/files/inner");
	VM_CHECK(in_cgroup(FILES, do_move_self, "/sys/fs/cgroup/lgt/files/inner/cgroup.threads") ==
		 EPERM);
	/* Within its own policy's cgroups: only with [system] cgroups = delegate or in the setup
	 * window (namespaces.c, ns_moves_within_the_policy_need_cgroups_delegate). */
	VM_CHECK(in_cgroup(FILES, do_move_self, "/sys/fs/cgroup/lgt/files/child/cgroup.procs") ==
		 EPERM);
	VM_CHECK(in_cgroup(FILES, do_escape_then_open, "/sys/fs/cgroup/cgroup.procs") == EPERM);
	clone_mark = event_mark();
	VM_CHECK(in_cgroup(FILES, do_clone_into_cgroup, "/sys/fs/cgroup") == EPERM);
	VM_CHECK(in_cgroup(NULL, do_clone_into_cgroup, "/sys/fs/cgroup") == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/sys/fs/cgroup/cgroup.procs\"",
			   "\"source\":\"built-in: a confined task cannot move processes between "
			   "cgroups, nor within its policy's unless it says [system] cgroups = "
			   "delegate\"");
	EXPECT_EVENT_AFTER(clone_mark, "\"policy\":\"files\"", "\"hook\":\"task_alloc\"",
			   "\"path\":\"clone3(CLONE_INTO_CGROUP)\"");
}

static int do_unshare_then_try(const void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP))
		return 200;
	if (try_open(NULL, "/data/secret", O_RDONLY) != EPERM)
		return 201;
	if (try_connect(NULL, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) != EPERM)
		return 202;
	if (try_exec(NULL, "/data/bin/denied") != EPERM)
		return 203;
	return 0;
}

VM_TEST(bypass_namespaces_do_not_change_verdicts, 131)
{
	VM_CHECK(in_cgroup(FILES, do_unshare_then_try, NULL) == 0);
}

/* ---- unprivileged users ---- */

static int do_as_user(const void *arg)
{
	(void)arg;
	if (setgid(1000) || setuid(1000))
		return 200;
	if (try_open(NULL, "/data/secret", O_RDONLY) != EPERM)
		return 201;
	if (try_open(NULL, "/data/secret-other", O_RDONLY) != 0)
		return 202;
	if (try_connect(NULL, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) != EPERM)
		return 203;
	if (try_exec(NULL, "/data/bin/denied") != EPERM)
		return 204;
	/* cgroup.procs is root's (0644): the kernel's own permission check answers first. */
	if (do_move_self("/sys/fs/cgroup/cgroup.procs") != EACCES)
		return 205;
	return 0;
}

VM_TEST(bypass_unprivileged_user_gets_the_same_verdicts, 132)
{
	long mark = event_mark();
	int step = in_cgroup(FILES, do_as_user, NULL);

	if (step != 0)
		VM_FAIL("do_as_user failed at step %d", step);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"uid\":1000",
			   "\"path\":\"/data/secret\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"uid\":1000", "\"port\":1000");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"uid\":1000",
			   "\"path\":\"/data/bin/denied\"");
}

/* ---- self-protection ---- */

#define PINNED_MAP "/sys/fs/bpf/lsmguard/maps/lg_cgroup_policy"

/* The map's id from a read-only fd, then BPF_MAP_GET_FD_BY_ID asking for write access. */
static int do_bpf_map_by_id(const void *arg)
{
	union {
		struct {
			uint32_t bpf_fd, info_len;
			uint64_t info;
		} info;
		struct {
			uint32_t map_id, next_id, open_flags;
		} by_id;
		char pad[128];
	} attr;
	struct {
		uint32_t type, id;
		char rest[120];
	} info;
	long fd = bpf_obj_get_flags(arg, BPF_F_RDONLY), fd2;

	if (fd < 0)
		return 200;
	memset(&attr, 0, sizeof(attr));
	memset(&info, 0, sizeof(info));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	if (syscall(SYS_bpf, 15 /* BPF_OBJ_GET_INFO_BY_FD */, &attr, sizeof(attr)) || !info.id)
		return 201;
	memset(&attr, 0, sizeof(attr));
	attr.by_id.map_id = info.id;
	fd2 = syscall(SYS_bpf, 14 /* BPF_MAP_GET_FD_BY_ID */, &attr, sizeof(attr));
	if (fd2 < 0)
		return errno;
	close((int)fd2);
	return 0;
}

VM_TEST(protect_confined_task_cannot_use_bpf, 140)
{
	long mark = event_mark();

	VM_CHECK(in_cgroup(FILES, do_bpf_obj_get, PINNED_MAP) == EPERM);
	VM_CHECK(in_cgroup(FILES, do_bpf_obj_get_rdonly, PINNED_MAP) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_bpf_obj_get_rdonly, PINNED_MAP) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"bpf\"", "\"path\":\"bpf()\"",
			   "\"source\":\"built-in: a confined task cannot use bpf()\"");
}

VM_TEST(protect_confined_task_cannot_remove_pins, 141)
{
	long mark = event_mark(), umount_mark;

	VM_CHECK(in_cgroup(FILES, do_unpin, "unlink") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_unpin, "rename") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_unpin, "symlink") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_unpin, "mkdir") == EPERM);
	VM_CHECK(access("/sys/fs/bpf/lsmguard/links/lg_subflow_connect4@1", F_OK) != 0);
	umount_mark = event_mark();
	VM_CHECK(in_cgroup(FILES, do_unpin, "umount") == EPERM);
	VM_CHECK(access("/sys/fs/bpf/lsmguard/links/lg_file_open", F_OK) == 0);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_unlink\"",
			   "\"path\":\"/sys/fs/bpf/lsmguard/links/lg_file_open\"",
			   "\"source\":\"built-in: a confined task cannot remove, rename, make or "
			   "change anything in bpffs, nor unmount it\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_rename\"",
			   "\"path\":\"/sys/fs/bpf/lsmguard/links/lg_file_open\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_symlink\"",
			   "\"path\":\"/sys/fs/bpf/lsmguard/links/lg_subflow_connect4@1\"");
	EXPECT_EVENT_AFTER(umount_mark, "\"policy\":\"files\"", "\"hook\":\"sb_umount\"",
			   "\"path\":\"bpffs\"");
}

VM_TEST(protect_root_outside_any_policy_cannot_change_lsmguard, 145)
{
	long mark = event_mark(), umount_mark;

	/* Root, under no policy, not running lsmguard: reading is fine, changing is not. */
	VM_CHECK(in_cgroup(NULL, do_bpf_obj_get_rdonly, PINNED_MAP) == 0);
	VM_CHECK(in_cgroup(NULL, do_bpf_obj_get, PINNED_MAP) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_bpf_map_by_id, PINNED_MAP) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_unpin, "unlink") == EPERM);
	VM_CHECK(in_cgroup(NULL, do_unpin, "rename") == EPERM);
	umount_mark = event_mark();
	VM_CHECK(in_cgroup(NULL, do_unpin, "umount") == EPERM);
	VM_CHECK(access("/sys/fs/bpf/lsmguard/links/lg_file_open", F_OK) == 0);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":null", "\"hook\":\"bpf_map\"",
			   "\"path\":\"lsmguard's maps\"",
			   "\"source\":\"built-in: only lsmguard changes its maps and pins "
			   "(lsmguard unload ends enforcement)\"");
	/* To a task under no policy the event names the pins as a whole, not the file. */
	EXPECT_EVENT_AFTER(mark, "\"policy\":null", "\"hook\":\"path_unlink\"",
			   "\"path\":\"lsmguard's pins\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":null", "\"hook\":\"path_rename\"",
			   "\"path\":\"lsmguard's pins\"");
	EXPECT_EVENT_AFTER(umount_mark, "\"policy\":null", "\"hook\":\"sb_umount\"",
			   "\"path\":\"bpffs\"");
}

static int do_load_module(const void *arg)
{
	int fd = open(arg, O_RDONLY);

	if (fd < 0)
		return 200;
	return syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
}

VM_TEST(protect_confined_task_cannot_load_modules, 142)
{
	long mark = event_mark();

	VM_CHECK(in_cgroup(FILES, do_load_module, "/data/secret-other") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_init_module, NULL) == EPERM);
	/* Outside any policy the kernel gets to look at the (invalid) module. */
	VM_CHECK(in_cgroup(NULL, do_load_module, "/data/secret-other") == ENOEXEC);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"kernel_module\"",
			   "\"path\":\"kernel module or kexec image\"",
			   "\"source\":\"built-in: a confined task cannot load kernel modules "
			   "or kexec images, nor have the kernel run its helpers for it (module "
			   "autoload unless its policy says [system] module-autoload = allow, key "
			   "upcalls)\"");
}

static int do_ptrace_other(const void *arg)
{
	pid_t target = *(const pid_t *)arg;
	int status;

	if (ptrace(PTRACE_ATTACH, target, NULL, NULL))
		return errno;
	waitpid(target, &status, 0);
	ptrace(PTRACE_DETACH, target, NULL, NULL);
	return 0;
}

static int do_ptrace_sibling(const void *arg)
{
	pid_t sibling = fork();
	int ret;

	(void)arg;
	if (sibling == 0) {
		pause();
		_exit(0);
	}
	ret = do_ptrace_other(&sibling);
	kill(sibling, SIGKILL);
	waitpid(sibling, NULL, 0);
	return ret;
}

VM_TEST(protect_confined_task_can_trace_only_its_own_policy, 143)
{
	long mark = event_mark();
	pid_t outside = fork();

	if (outside == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(in_cgroup(FILES, do_ptrace_other, &outside) == EPERM);
	VM_CHECK(try_open(FILES, "/proc/1/mem", O_RDONLY) == EACCES); /* mm_access says EACCES */
	VM_CHECK(in_cgroup(FILES, do_ptrace_sibling, NULL) == 0);
	VM_CHECK(in_cgroup(NULL, do_ptrace_other, &outside) == 0);
	kill(outside, SIGKILL);
	waitpid(outside, NULL, 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"ptrace_access_check\"",
			   "\"path\":\"a task under another policy or none\"",
			   "\"source\":\"built-in: a confined task can trace only tasks under "
			   "its own policy\"");
}

/* ---- code mapped executable without its own execve ---- */

#define DYN "/lgt/dyn"
#define LOADER "/lib64/ld-linux-x86-64.so.2"

struct exec_args {
	const char *path;
	const char *arg1;  /* NULL: none */
	const char *env;   /* NULL: none */
};

/* Run a program, wait, return its exit status (201: execve said EPERM, 202: another errno),
 * or OP_KILLED(signal) when it died of a signal. */
static int do_run(const void *arg)
{
	const struct exec_args *a = arg;
	char *const argv[] = {(char *)a->path, (char *)a->arg1, NULL};
	char *const envp[] = {(char *)a->env, NULL};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(a->path, argv, envp);
		_exit(errno == EPERM ? 201 : 202);
	}
	if (waitpid(pid, &status, 0) != pid)
		return OP_NO_RESULT;
	return WIFEXITED(status) ? WEXITSTATUS(status) : program_result(status);
}

VM_TEST(bypass_exec_dynamic_program_needs_its_libraries_allowed, 150)
{
	struct exec_args allowed = {"/data/dyn/allowed-dyn", NULL, NULL};
	long mark;

	unlink("/run/dyn-ran");
	VM_CHECK(in_cgroup(DYN, do_run, &allowed) == 0);
	VM_CHECK(access("/run/dyn-ran", F_OK) == 0);
	/* strict allows the program but not the loader or libc: the kernel's own mapping of the
	 * loader (the program's interpreter) is refused, and the program never runs. */
	unlink("/run/dyn-ran");
	mark = event_mark();
	/* Refused after execve's point of no return: the kernel kills the task with SIGSEGV. */
	VM_CHECK(in_cgroup(STRICT, do_run, &allowed) == OP_KILLED(SIGSEGV));
	VM_EXPECT(access("/run/dyn-ran", F_OK), ENOENT);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"strict\"", "\"hook\":\"mmap_file\"",
			   "\"path\":\"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\"");
}

VM_TEST(bypass_exec_through_the_dynamic_loader, 151)
{
	struct exec_args direct = {"/data/dyn/denied-dyn", NULL, NULL};
	struct exec_args loader = {LOADER, "/data/dyn/denied-dyn", NULL};
	long mark = event_mark(), loader_mark;

	unlink("/run/dyn-ran");
	VM_CHECK(in_cgroup(DYN, do_run, &direct) == 201); /* execve: EPERM */
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"dyn\"", "\"hook\":\"bprm_check_security\"",
			   "\"path\":\"/data/dyn/denied-dyn\"");
	loader_mark = event_mark();
	/* The loader cannot map it: it says so and exits 127. */
	VM_CHECK(in_cgroup(DYN, do_run, &loader) == 127);
	VM_EXPECT(access("/run/dyn-ran", F_OK), ENOENT);
	VM_CHECK(in_cgroup(NULL, do_run, &loader) == 0); /* control: outside any policy */
	VM_CHECK(access("/run/dyn-ran", F_OK) == 0);
	EXPECT_EVENT_AFTER(loader_mark, "\"policy\":\"dyn\"", "\"hook\":\"mmap_file\"",
			   "\"path\":\"/data/dyn/denied-dyn\"", "\"access\":\"exec\"");
}

VM_TEST(bypass_exec_ld_preload_from_a_directory_exec_does_not_allow, 152)
{
	struct exec_args preloaded = {"/data/dyn/allowed-dyn", NULL,
				      "LD_PRELOAD=/data/dyn/preload.so"};

	long mark = event_mark();

	unlink("/run/preloaded");
	/* The program runs; the loader is refused the library and goes on without it. */
	VM_CHECK(in_cgroup(DYN, do_run, &preloaded) == 0);
	VM_EXPECT(access("/run/preloaded", F_OK), ENOENT);
	VM_CHECK(in_cgroup(NULL, do_run, &preloaded) == 0);
	VM_CHECK(access("/run/preloaded", F_OK) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"dyn\"", "\"hook\":\"mmap_file\"",
			   "\"path\":\"/data/dyn/preload.so\"");
}

static int do_map_exec(const void *arg)
{
	const char *how = arg;
	int fd = open(strchr(how, '/'), O_RDONLY);
	void *map;

	if (fd < 0)
		return 200;
	if (how[0] == 'm') { /* mmap with PROT_EXEC */
		map = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		return map == MAP_FAILED ? errno : 0;
	}
	map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0); /* then mprotect */
	if (map == MAP_FAILED)
		return 201;
	return mprotect(map, 4096, PROT_READ | PROT_EXEC) ? errno : 0;
}

VM_TEST(bypass_exec_mmap_and_mprotect_of_a_non_allowed_file, 153)
{
	long mark = event_mark(), mprotect_mark;

	VM_CHECK(in_cgroup(DYN, do_map_exec, "m/data/dyn/denied-dyn") == EPERM);
	mprotect_mark = event_mark();
	VM_CHECK(in_cgroup(DYN, do_map_exec, "p/data/dyn/denied-dyn") == EPERM);
	VM_CHECK(in_cgroup(DYN, do_map_exec, "m/usr/lib/x86_64-linux-gnu/libc.so.6") == 0);
	VM_CHECK(in_cgroup(DYN, do_map_exec, "p/usr/lib/x86_64-linux-gnu/libc.so.6") == 0);
	VM_CHECK(in_cgroup(NULL, do_map_exec, "p/data/dyn/denied-dyn") == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"dyn\"", "\"hook\":\"mmap_file\"",
			   "\"path\":\"/data/dyn/denied-dyn\"");
	EXPECT_EVENT_AFTER(mprotect_mark, "\"policy\":\"dyn\"", "\"hook\":\"file_mprotect\"",
			   "\"path\":\"/data/dyn/denied-dyn\"");
}

/* ---- pins left by another lsmguard version ---- */

/* Create an array map with the given value size and pin it at each path. */
static int pin_fake_map(uint32_t value_size, const char *const *paths)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = 1;
	strcpy(attr.map_name, "lg_policies");
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	for (int i = 0; paths[i]; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.pathname = (uint64_t)(uintptr_t)paths[i];
		attr.bpf_fd = (uint32_t)fd;
		if (syscall(SYS_bpf, BPF_OBJ_PIN, &attr, sizeof(attr)))
			return -errno;
	}
	close((int)fd);
	return 0;
}

VM_TEST(pins_of_another_version_are_refused_with_the_reason, 200)
{
	const char *const paths[] = {"/sys/fs/bpf/lsmguard/maps/lg_policies",
				     "/sys/fs/bpf/lsmguard/links/lg_file_open", NULL};
	const char *const status[] = {LSMGUARD, "status", NULL};
	const char *const unload[] = {LSMGUARD, "unload", NULL};
	char err[2048] = "";
	int fd, saved;

	VM_CHECK(system("mkdir -p /sys/fs/bpf/lsmguard/maps /sys/fs/bpf/lsmguard/links") == 0);
	VM_CHECK(pin_fake_map(8, paths) == 0);
	/* status's stderr into a file: run_command keeps stdout only */
	fd = open("/run/status.err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	saved = dup(2);
	dup2(fd, 2);
	VM_CHECK(run_command(status, NULL, 0) == 1);
	dup2(saved, 2);
	close(fd);
	fd = open("/run/status.err", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, err, sizeof(err) - 1);

		err[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (!strstr(err, "lsmguard: pinned map lg_policies is from another lsmguard version (type 2, "
			 "key 4, value 8 bytes; this one expects type 2, key 4, value 88); run "
			 "'lsmguard unload' with the version that pinned it, then start this one"))
		VM_FAIL("status said: %s", err);
	VM_CHECK(run_command(unload, NULL, 0) == 0);
	VM_EXPECT(access("/sys/fs/bpf/lsmguard", F_OK), ENOENT);
}
