// SPDX-License-Identifier: GPL-2.0-only
/*
 * File rules: lsm/file_open.
 *
 * Guarantees: every open of a file system object by a task under a policy (open, openat,
 * openat2, io_uring openat, a re-open through /proc/PID/fd) is decided by the policy's [files]
 * rules on the object the path leads to (after symlinks), as a write when the open asks for
 * write access, appending or truncation.
 *
 * Not covered here: opens the kernel makes to execute a program (FMODE_EXEC), which [exec]
 * decides in bprm_check_security; file descriptors a task already holds or receives over a
 * socket; objects never opened (pipes, sockets, memfd) unless re-opened through /proc.
 */
#include "path.bpf.h"

#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define __FMODE_EXEC 0x20 /* in f_flags: the open execve makes (do_open_execat) */
#define O_TRUNC 01000
#define O_APPEND 02000

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_open")
int BPF_PROG(lg_file_open, struct file *file, int ret)
{
	const struct lg_policy_value *policy;
	struct lg_path_verdict verdict;
	enum lg_decision decision;
	__u64 cgroup_id = 0;

	if (ret)
		return ret; /* an earlier LSM already denied: keep its answer */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* execve's own open of the program: [exec] decides it in bprm_check_security. At this
	 * point 6.1 has the flag in f_flags only; later kernels also set FMODE_EXEC. */
	if ((file->f_mode & FMODE_EXEC) || (file->f_flags & __FMODE_EXEC))
		return 0;
	decision = (file->f_mode & FMODE_WRITE) || (file->f_flags & (O_TRUNC | O_APPEND))
			   ? LG_DECISION_FILE_WRITE
			   : LG_DECISION_FILE_READ;
	lg_path_decide(policy, LG_CLASS_FILE, decision, file->f_path.dentry, file->f_path.mnt,
		       &verdict);
	return lg_path_verdict_finish(policy, cgroup_id, LG_HOOK_FILE_OPEN, decision, &verdict);
}
