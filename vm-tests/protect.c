// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protections of lsmguard, of the other policies and of the host (issue 12): they hold for every
 * confined task whatever its policy's mode, so each is tried from the enforce-mode cgroup, from
 * the audit-mode one, as root and as an unprivileged user, with an unconfined control.
 */
#include <fcntl.h>
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

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define AUDIT "/lgt/audit"
#define PINNED_MAP "/sys/fs/bpf/lsmguard/maps/lg_cgroup_policy"
#define PIN "/sys/fs/bpf/lsmguard/links/lg_file_open"

/* An audit-mode policy's denial of a protection is enforced, and reported as such. */
#define DENIED_UNDER_AUDIT "\"event\":\"deny\"", "\"policy\":\"audit\""

/* ---- protections hold under an audit-mode policy ---- */

/* BPF_OBJ_GET of the pin at path with file_flags: 0 or the errno. */
static int bpf_obj_get(const char *path, uint32_t flags)
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
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

static int do_bpf_obj_get(const void *arg)
{
	return bpf_obj_get(arg, 0);
}

static int do_bpf_obj_get_rdonly(const void *arg)
{
	return bpf_obj_get(arg, 1U << 3 /* BPF_F_RDONLY */);
}

static int do_unpin(const void *arg)
{
	const char *what = arg;

	if (strcmp(what, "rename") == 0)
		return rename(PIN, "/sys/fs/bpf/moved") ? errno : 0;
	if (strcmp(what, "umount") == 0)
		return umount2("/sys/fs/bpf", MNT_DETACH) ? errno : 0;
	return unlink(PIN) ? errno : 0;
}

static int do_init_module(const void *arg)
{
	static char image[64] = "not an ELF module";

	(void)arg;
	return syscall(SYS_init_module, image, sizeof(image), "") ? errno : 0;
}

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

static int do_move_self(const void *arg)
{
	char text[32];
	int fd = open(arg, O_WRONLY);

	if (fd < 0)
		return errno;
	snprintf(text, sizeof(text), "%d", (int)getpid());
	return write(fd, text, strlen(text)) < 0 ? errno : 0;
}

static int do_clone_into_cgroup(const void *arg)
{
	struct clone_args args = {0};
	int cgroup = open(arg, O_DIRECTORY | O_RDONLY);
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
	waitpid((pid_t)pid, NULL, 0);
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
			   "\"source\":\"built-in: a confined task cannot move processes out from "
			   "under its policy\"");
	EXPECT_EVENT_AFTER(clone_mark, DENIED_UNDER_AUDIT, "\"hook\":\"task_alloc\"",
			   "\"path\":\"clone3(CLONE_INTO_CGROUP)\"");
}
