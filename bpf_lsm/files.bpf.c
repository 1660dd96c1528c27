// SPDX-License-Identifier: GPL-2.0-only
/*
 * File rules: lsm/file_open.
 *
 * Guarantees: every open of a file system object by a task under a policy (open, openat,
 * openat2, io_uring openat, a re-open through /proc/PID/fd) is decided by the policy's [files]
 * rules on the object the path leads to (after symlinks), as a write when the open asks for
 * write access, appending or truncation. A file opened through overlayfs is decided on the
 * real file's path too (path.bpf.h, lg_overlay_verdict): deny wins.
 *
 * Built in (protections, every mode): opening for writing a kernel setting that runs code or
 * weakens a protection, opening kernel memory at all (knobs.bpf.h), opening for writing a file
 * of lsmguard's own /proc/PID directory; and the cgroup files below.
 *
 * Not covered here: opens the kernel makes to execute a program (FMODE_EXEC), which [exec]
 * decides in bprm_check_security; file descriptors a task already holds or receives over a
 * socket; objects never opened (pipes, sockets, memfd) unless re-opened through /proc.
 */
#include "knobs.bpf.h"
#include "path.bpf.h"
#include "setup.bpf.h"

#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define __FMODE_EXEC 0x20 /* in f_flags: the open execve makes (do_open_execat) */
#define O_TRUNC 01000
#define O_APPEND 02000

#define CGROUP2_SUPER_MAGIC 0x63677270
#define CGROUP_SUPER_MAGIC 0x27e0eb

char LICENSE[] SEC("license") = "GPL";

/*
 * Built-in: a confined task may not move processes into a cgroup under another policy or none
 * (out from under its own); moves within its own policy's cgroups are allowed. Opening
 * cgroup.procs or cgroup.threads for writing, on any cgroup2 mount, is the way to do that;
 * clone3(CLONE_INTO_CGROUP) is the other, closed in cgroup.bpf.c.
 *
 * Built-in: nor may it write any other file of a cgroup outside its own policy: cgroup.freeze
 * and cgroup.kill (stop or kill every process there, lsmguard's own cgroup included),
 * cgroup.subtree_control, cgroup.type, cgroup.max.*, memory.*, pids.*, cpu.*, io.*, cpuset.*.
 * The cgroup is the directory that holds the file (its kernfs node), so it does not matter
 * where cgroupfs is mounted or by what name the file was reached. The files of its own
 * policy's cgroups are left to its [files] rules.
 */
/* Equal, NUL included. (__builtin_memcmp would leave an extern memcmp the linker refuses.) */
static __always_inline bool lg_name_is(const char *name, const char *want, int size)
{
	for (int i = 0; i < size; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/*
 * A file of a cgroup filesystem: cgroup2, or a cgroup v1 hierarchy (whose cgroups are never
 * bound, so none of its files is under the task's own policy).
 */
static __always_inline bool lg_is_cgroup_file(struct file *file)
{
	unsigned long magic = BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic);

	return magic == CGROUP2_SUPER_MAGIC || magic == CGROUP_SUPER_MAGIC;
}

static __always_inline bool lg_is_cgroup_migration(struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	char name[16] = {};

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name));
	return lg_name_is(name, "cgroup.procs", 13) || lg_name_is(name, "cgroup.threads", 15);
}

/*
 * The policy bound nearest above the cgroup that holds this cgroup.procs (0: none): in cgroupfs
 * a directory inode's i_private is its kernfs node, whose id is the cgroup id. Moving a process
 * into a cgroup under the task's own policy keeps it there: systemd's child for a service does
 * exactly that before it executes the service (found by vm-tests/realsvc). Deeper than the
 * walk: 0, which denies.
 */
static __always_inline __u32 lg_cgroup_file_policy(struct dentry *file_dentry)
{
	struct dentry *d = BPF_CORE_READ(file_dentry, d_parent);

	for (int i = 0; i <= LG_CGROUP_DEPTH_MAX; i++) {
		struct kernfs_node *kn = (struct kernfs_node *)BPF_CORE_READ(d, d_inode, i_private);
		struct dentry *up;
		__u32 *policy_id;
		__u64 id;

		if (!kn)
			break;
		id = BPF_CORE_READ(kn, id);
		policy_id = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (policy_id)
			return lg_binding_read(id, policy_id);
		up = BPF_CORE_READ(d, d_parent);
		if (up == d)
			break;
		d = up;
	}
	return 0;
}

/*
 * Whether lg_open_builtin could answer anything for this open: any write; a read only of a
 * procfs file (/proc/kcore) or a character device (/dev/mem). Every open of a confined task
 * passes here, so these are direct loads, and an ordinary read never reaches the helper calls
 * of the global check.
 */
static __always_inline bool lg_may_be_builtin(struct file *file, bool write)
{
	struct inode *inode = file->f_inode;

	if (write)
		return true;
	if (!inode)
		return false;
	return (inode->i_mode & LG_S_IFMT) == LG_S_IFCHR ||
	       inode->i_sb->s_magic == PROC_SUPER_MAGIC;
}

SEC("lsm/file_open")
int BPF_PROG(lg_file_open, struct file *file, int ret)
{
	const struct lg_policy_value *policy;
	struct lg_path_verdict verdict;
	enum lg_decision decision;
	__u64 cgroup_id = 0;
	int builtin;

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
	/* Kernel settings and kernel memory (knobs.bpf.h); lsmguard's own /proc/PID files
	 * (oom_score_adj: the OOM killer's first choice). The inode is read with BPF_CORE_READ:
	 * a global function takes a scalar, not a pointer. */
	builtin = 0;
	if (lg_may_be_builtin(file, decision == LG_DECISION_FILE_WRITE))
		builtin = lg_open_builtin((__u64)BPF_CORE_READ(file, f_inode),
					  decision == LG_DECISION_FILE_WRITE);
	if (builtin) {
		lg_path_decide(policy, LG_CLASS_FILE, decision, file->f_path.dentry,
			       file->f_path.mnt, &verdict); /* for the event's path */
		lg_verdict_builtin(&verdict, builtin);
		return lg_path_verdict_finish(policy, cgroup_id, LG_HOOK_FILE_OPEN, decision,
					      &verdict);
	}
	if (decision == LG_DECISION_FILE_WRITE && lg_is_cgroup_file(file)) {
		bool move = lg_is_cgroup_migration(file);
		bool own = lg_cgroup_file_policy(file->f_path.dentry) == policy->id;

		/*
		 * Its own policy's cgroups: other files are left to the rules; a move is allowed
		 * whatever [files] says to systemd's child (in its setup window it writes its
		 * service's cgroup.procs) and under cgroups = delegate. Otherwise the kernel
		 * checks only the writer's access to the cgroups, so a process from anywhere,
		 * lsmguard's daemon included, could be pulled in and frozen or starved there.
		 */
		if (own && move &&
		    (lg_in_setup_window() || (policy->flags & LG_POLICY_SYSTEM_CGROUPS_DELEGATE))) {
			lg_count_allowed(policy->id, LG_HOOK_FILE_OPEN);
			return 0;
		}
		if (!own || move) {
			lg_path_decide(policy, LG_CLASS_FILE, decision, file->f_path.dentry,
				       file->f_path.mnt, &verdict); /* for the event's path */
			lg_verdict_builtin(&verdict, move ? LG_BUILTIN_CGROUP_MOVE
							  : LG_BUILTIN_CGROUP_FILE);
			return lg_path_verdict_finish(policy, cgroup_id, LG_HOOK_FILE_OPEN,
						      decision, &verdict);
		}
	}
	ret = lg_file_verdict(policy, cgroup_id, LG_HOOK_FILE_OPEN, LG_CLASS_FILE, decision, file);
	if (ret)
		return ret;
	/* Through overlayfs: the real file's path decides too (the second file_open, that of
	 * the real file under the overlay's path). */
	return lg_overlay_verdict(policy, cgroup_id, LG_HOOK_FILE_OPEN, LG_CLASS_FILE, decision,
				  file);
}
