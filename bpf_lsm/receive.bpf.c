// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptors received: lsm/file_receive.
 *
 * Guarantees, for a task under a policy: a file descriptor it receives from another process
 * (SCM_RIGHTS over a unix socket, by recvmsg or io_uring's recvmsg; pidfd_getfd; a seccomp
 * supervisor's SECCOMP_IOCTL_NOTIF_ADDFD) is decided by its own policy's [files] rules, as if it
 * had opened the file itself with the file's access mode: a read at the path when the file is
 * open for reading, a write when open for writing, both when both (through the same path
 * decision and verdict cache as file_open). So a process under another policy, or none, cannot
 * hand it a file its rules deny.
 *
 * Allowed without a path decision: O_PATH descriptors (every use of one goes through a hook of
 * its own: an open of /proc/self/fd/N, execveat, linkat) and files of the kernel's internal
 * mounts (pipes, sockets, anonymous inodes such as eventfd or pidfd, memfd), which have no path
 * a rule could name; a memfd executed is still [exec] anonymous. POSIX message queues are on an
 * internal mount too, but are named (/dev/mqueue/NAME): decided by path.
 *
 * Refused (built-in protection, every mode): namespace descriptors (nsfs: setns into another
 * task's namespaces, the host's mount namespace among them) and BPF objects (maps, programs,
 * links: a map fd could be mmap'd, or used by a task that may call bpf()).
 *
 * The kernel stops at a refused descriptor: recvmsg succeeds with MSG_CTRUNC and installs no
 * descriptor from that one on; pidfd_getfd and SECCOMP_IOCTL_NOTIF_ADDFD fail with EPERM.
 *
 * Not covered: io_uring's IORING_OP_MSG_RING with IORING_MSG_SEND_FD (6.0+), which installs a
 * descriptor in another ring's fixed file table without this hook; descriptors inherited at fork
 * or exec from an unconfined parent (how a unit or `lsmguard exec` hands them over).
 */
#include "path.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_PATH 0x4000
#define MNT_INTERNAL 0x4000 /* include/linux/mount.h, 6.1: kern_mount()ed filesystems */
#define NSFS_MAGIC 0x6e736673
#define ANON_INODE_FS_MAGIC 0x09041934
#define MQUEUE_MAGIC 0x19800202

/* A BPF object's anonymous inode: "bpf-map", "bpf-prog", "bpf_link", "bpf_iter". */
static __always_inline bool lg_is_bpf_object(struct file *file)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	char name[4] = {};

	if (BPF_CORE_READ(dentry, d_sb, s_magic) != ANON_INODE_FS_MAGIC)
		return false;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name));
	return name[0] == 'b' && name[1] == 'p' && name[2] == 'f';
}

SEC("lsm/file_receive")
int BPF_PROG(lg_file_receive, struct file *file, int ret)
{
	static const char namespace[] = "a namespace descriptor";
	static const char bpf_object[] = "a BPF object's descriptor";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	unsigned int mode;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	mode = file->f_mode;
	if (mode & FMODE_PATH) {
		lg_count_allowed(policy->id, LG_HOOK_FILE_RECEIVE);
		return 0;
	}
	if (BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic) == NSFS_MAGIC)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_BUILTIN_RECEIVE,
				       namespace, sizeof(namespace));
	if (lg_is_bpf_object(file))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_BUILTIN_RECEIVE,
				       bpf_object, sizeof(bpf_object));
	/* A POSIX message queue (mq_open) lives on the IPC namespace's internal mount, but it has
	 * a name, /dev/mqueue/NAME under the filesystem's type, and is another service's channel:
	 * decided by the rules like any file (file_open decides mq_open the same way). */
	if ((BPF_CORE_READ(file, f_path.mnt, mnt_flags) & MNT_INTERNAL) &&
	    BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic) != MQUEUE_MAGIC) {
		lg_count_allowed(policy->id, LG_HOOK_FILE_RECEIVE);
		return 0;
	}
	if (mode & FMODE_READ) {
		ret = lg_file_verdict(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_CLASS_FILE,
				      LG_DECISION_FILE_READ, file);
		if (!ret)
			ret = lg_overlay_verdict(policy, cgroup_id, LG_HOOK_FILE_RECEIVE,
						 LG_CLASS_FILE, LG_DECISION_FILE_READ, file);
		if (ret)
			return ret;
	}
	if (mode & FMODE_WRITE) {
		ret = lg_file_verdict(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_CLASS_FILE,
				      LG_DECISION_FILE_WRITE, file);
		if (!ret)
			ret = lg_overlay_verdict(policy, cgroup_id, LG_HOOK_FILE_RECEIVE,
						 LG_CLASS_FILE, LG_DECISION_FILE_WRITE, file);
	}
	return ret;
}
