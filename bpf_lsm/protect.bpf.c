// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-protection, built in for every policy: what a confined task could otherwise use to get
 * out from under lsmguard. Each is denied (EPERM) in enforce mode and reported in audit mode,
 * with no rule (the event's "source" names the protection).
 *
 *  - lsm/bpf: every bpf() system call. With it a confined root task could open lsmguard's pinned
 *    maps and rewrite its own cgroup's binding, or load programs of its own.
 *  - lsm/kernel_load_data, lsm/kernel_read_file: loading a kernel module (init_module,
 *    finit_module) or a kexec image.
 *  - lsm/ptrace_access_check: tracing (ptrace, /proc/PID/mem, process_vm_*) a task that is not
 *    under the same policy: an unconfined task, or one under another policy.
 *  - lsm/sb_umount: unmounting a bpffs, which would release the pins (removing and renaming pins
 *    is refused in links.bpf.c).
 *
 * Not covered here: root outside any policy (the administrator) changing lsmguard's maps, links
 * or pins.
 */
#include "common.bpf.h"

#define BPF_FS_MAGIC 0xcafe4a11
#define LG_CGROUP_WALK_MAX 64

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/bpf")
int BPF_PROG(lg_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	static const char what[] = "bpf()";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_BPF, LG_BUILTIN_BPF, what, sizeof(what));
}

static __always_inline int lg_module_check(int id_is_module_or_kexec)
{
	static const char what[] = "kernel module or kexec image";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (!id_is_module_or_kexec)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_KERNEL_MODULE, LG_BUILTIN_MODULE, what,
			       sizeof(what));
}

SEC("lsm/kernel_load_data")
int BPF_PROG(lg_kernel_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret)
		return ret;
	return lg_module_check(id == LOADING_MODULE || id == LOADING_KEXEC_IMAGE);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(lg_kernel_read_file, struct file *file, enum kernel_read_file_id id, bool contents,
	     int ret)
{
	if (ret)
		return ret;
	return lg_module_check(id == READING_MODULE || id == READING_KEXEC_IMAGE ||
			       id == READING_KEXEC_INITRAMFS);
}

/* The policy id of another task: its cgroup's or the nearest ancestor's; 0 for none. */
static __always_inline __u32 lg_task_policy(struct task_struct *task, bool *unknown)
{
	struct cgroup *cgrp = BPF_CORE_READ(task, cgroups, dfl_cgrp);

	for (int i = 0; i < LG_CGROUP_WALK_MAX; i++) {
		__u32 *policy;
		__u64 id;

		if (!cgrp)
			return 0;
		id = BPF_CORE_READ(cgrp, kn, id);
		policy = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (policy)
			return *policy;
		cgrp = BPF_CORE_READ(cgrp, self.parent, cgroup);
	}
	*unknown = true; /* deeper than the walk: treat as another policy */
	return 0;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(lg_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	static const char what[] = "a task under another policy or none";
	const struct lg_policy_value *policy;
	bool unknown = false;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (lg_task_policy(child, &unknown) == policy->id && !unknown)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_PTRACE, LG_BUILTIN_PTRACE, what,
			       sizeof(what));
}

SEC("lsm/sb_umount")
int BPF_PROG(lg_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	static const char what[] = "bpffs";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	if (BPF_CORE_READ(mnt, mnt_sb, s_magic) != BPF_FS_MAGIC)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SB_UMOUNT, LG_BUILTIN_BPFFS, what,
			       sizeof(what));
}
