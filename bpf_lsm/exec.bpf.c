// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exec rules: lsm/bprm_check_security.
 *
 * Guarantees: every execve/execveat by a task under a policy is decided by the policy's [exec]
 * rules on the program file. The kernel calls this hook once per binary handler round, so for a
 * script both the script and its interpreter (#!) are checked, each on its own path.
 *
 * Not covered here: code mapped executable without execve (the dynamic loader run directly,
 * mmap/mprotect of a library): the hardening hooks cover those.
 */
#include "path.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/bprm_check_security")
int BPF_PROG(lg_bprm_check, struct linux_binprm *bprm, int ret)
{
	const struct lg_policy_value *policy;
	struct lg_path_verdict verdict;
	__u64 cgroup_id = 0;
	struct file *file;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	file = bprm->file;
	lg_path_decide(policy, LG_CLASS_EXEC, LG_DECISION_EXEC, BPF_CORE_READ(file, f_path.dentry),
		       BPF_CORE_READ(file, f_path.mnt), &verdict);
	return lg_path_verdict_finish(policy, cgroup_id, LG_HOOK_BPRM_CHECK, LG_DECISION_EXEC,
				      &verdict);
}
