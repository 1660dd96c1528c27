// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations on lsmguard's protections that the self-protection cases (hardening.c) and the
 * protections-in-every-mode cases (protect.c) both attempt, each run with in_cgroup(): 0 on
 * success, else the errno of the operation (200 and up: a step before it failed).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attempts.h"

/* BPF_OBJ_GET with file_flags; returns the fd or -errno. */
long bpf_obj_get_flags(const char *path, uint32_t flags)
{
	union {
		struct {
			uint64_t pathname;
			uint32_t bpf_fd, file_flags;
		} get;
		char pad[128];
	} attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.get.pathname = (uint64_t)(uintptr_t)path;
	attr.get.file_flags = flags;
	fd = syscall(SYS_bpf, 7 /* BPF_OBJ_GET */, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

int do_bpf_obj_get(const void *arg)
{
	long fd = bpf_obj_get_flags(arg, 0);

	if (fd < 0)
		return (int)-fd;
	close((int)fd);
	return 0;
}

int do_bpf_obj_get_rdonly(const void *arg)
{
	long fd = bpf_obj_get_flags(arg, BPF_F_RDONLY);

	if (fd < 0)
		return (int)-fd;
	close((int)fd);
	return 0;
}

int do_move_self(const void *arg)
{
	char text[32];
	int fd = open(arg, O_WRONLY);

	if (fd < 0)
		return errno;
	snprintf(text, sizeof(text), "%d", (int)getpid());
	return write(fd, text, strlen(text)) < 0 ? errno : 0;
}

int do_clone_into_cgroup(const void *arg)
{
	struct clone_args args = {0};
	int cgroup = open(arg, O_DIRECTORY | O_RDONLY), status;
	long pid;

	if (cgroup < 0)
		return 200;
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cgroup;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno;
	waitpid((pid_t)pid, &status, 0);
	return 0;
}

int do_init_module(const void *arg)
{
	static char image[64] = "not an ELF module";

	(void)arg;
	return syscall(SYS_init_module, image, sizeof(image), "") ? errno : 0;
}

int do_reopen_for_write(const void *arg)
{
	char proc[64];
	int fd = open(arg, O_RDONLY), fd2;

	if (fd < 0)
		return 200;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	fd2 = open(proc, O_WRONLY);
	if (fd2 < 0)
		return errno;
	close(fd2);
	return 0;
}

int do_unpin(const void *arg)
{
	const char *what = arg;

	if (strcmp(what, "rename") == 0)
		return rename(ATTEMPT_PIN, "/sys/fs/bpf/moved") ? errno : 0;
	if (strcmp(what, "umount") == 0)
		return umount2("/sys/fs/bpf", MNT_DETACH) ? errno : 0;
	if (strcmp(what, "symlink") == 0) /* a name where the daemon would pin a link */
		return symlink("/", "/sys/fs/bpf/lsmguard/links/lg_subflow_connect4@1") ? errno : 0;
	if (strcmp(what, "mkdir") == 0)
		return mkdir("/sys/fs/bpf/lsmguard/links/squat", 0700) ? errno : 0;
	return unlink(ATTEMPT_PIN) ? errno : 0;
}
