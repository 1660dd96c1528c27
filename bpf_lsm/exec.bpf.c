// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exec rules: lsm/bprm_check_security.
 *
 * Guarantees: every execve/execveat by a task under a policy is decided by the policy's [exec]
 * rules on the program file. The kernel calls this hook once per binary handler round, so for a
 * script both the script and its interpreter (#!) are checked, each on its own path.
 *
 * lsm/mmap_file and lsm/file_mprotect: a file mapped executable (mmap with PROT_EXEC, or mprotect
 * adding it) is decided by the same [exec] rules. That covers what runs without its own execve:
 * the dynamic loader started on a denied program, LD_PRELOAD and dlopen of a library from a
 * directory [exec] does not allow, and the kernel mapping the program and its interpreter.
 * So [exec] must allow a service's shared libraries too (/usr/lib/x86_64-linux-gnu/ ...).
 *
 * A program on a filesystem the host does not know (a tmpfs or an overlayfs mounted in a
 * namespace) is anonymous: [exec] anonymous decides it, never the path it has there. A program
 * on a host-known overlayfs is decided on the real file's path too (deny wins).
 *
 * Not covered: anonymous executable memory (a JIT's mprotect of non-file memory).
 */
#include "path.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define PROT_EXEC 0x4
#define VM_EXEC 0x4

static __always_inline int lg_exec_mapping(struct file *file, __u8 hook)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	int ret;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	ret = lg_file_verdict(policy, cgroup_id, hook, LG_CLASS_EXEC, LG_DECISION_EXEC, file);
	if (ret)
		return ret;
	return lg_overlay_verdict(policy, cgroup_id, hook, LG_CLASS_EXEC, LG_DECISION_EXEC, file);
}

SEC("lsm/mmap_file")
int BPF_PROG(lg_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret || !(prot & PROT_EXEC) || !file)
		return ret;
	return lg_exec_mapping(file, LG_HOOK_MMAP_FILE);
}

SEC("lsm/file_mprotect")
int BPF_PROG(lg_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	struct file *file;

	if (ret || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return ret; /* not becoming executable */
	file = vma->vm_file;
	if (!file)
		return 0;
	return lg_exec_mapping(file, LG_HOOK_FILE_MPROTECT);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(lg_bprm_check, struct linux_binprm *bprm, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	ret = lg_file_verdict(policy, cgroup_id, LG_HOOK_BPRM_CHECK, LG_CLASS_EXEC,
			      LG_DECISION_EXEC, bprm->file);
	if (ret)
		return ret;
	return lg_overlay_verdict(policy, cgroup_id, LG_HOOK_BPRM_CHECK, LG_CLASS_EXEC,
				  LG_DECISION_EXEC, bprm->file);
}
