// SPDX-License-Identifier: GPL-2.0-only
/*
 * A name with a mount on it, removed or replaced by a confined task: lsm/inode_rmdir,
 * lsm/inode_unlink, lsm/inode_rename.
 *
 * rmdir, unlink, or a rename over the name: where it is the caller's own mount point the kernel
 * refuses (EBUSY: before inode_rmdir and inode_unlink; after inode_rename, so a confined task
 * outside the host's namespace renaming its own mount point gets EPERM and an event instead,
 * review 46); where it is a mount point in another mount namespace
 * only, the kernel unmounts what is mounted there, lazily, in every such namespace
 * (detach_mounts). A rename away from it moves the mount with the name, to a path the daemon's
 * table does not know (no mount event tells it). A service in a namespace of its own, where a
 * host mount point is a plain empty directory, would so unmount or move the host's mount with
 * no umount() (attack run 24's 2404: the record went to a bind of the same root, and the rules
 * written at the mount's path named nothing). So, for a confined task outside the host's mount
 * namespace, such a name is a mount operation: refused without [system] mount = allow
 * (LG_BUILTIN_MOUNT, following the policy's mode), except to systemd's own code in the setup
 * window, as the mount hooks do. In the host's namespace every host mount point is the task's
 * own (EBUSY), and the name of a file another unit's sandbox binds over (ReadOnlyPaths=,
 * InaccessiblePaths=) stays renameable, as package managers and config tools do (review 45).
 *
 * The inode hooks, not the path hooks: overlayfs removes and renames its upper layer's names
 * through vfs_rmdir, vfs_unlink and vfs_rename, which call these and no path hook, so a service
 * allowed to mount an overlay in its own namespace, its upper layer over the directory that
 * holds a host mount point, reached the name there (review 45). A rename with RENAME_EXCHANGE
 * calls inode_rename for each direction. The first test is the dentry's flag: every other
 * rmdir, unlink and rename on the host returns there.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "mounted.bpf.h" /* DCACHE_MOUNTED too */
#include "setup.bpf.h"

static const char lg_mounted_what[] =
    "a name with a mount on it (removing or replacing it unmounts that mount)";

static __always_inline bool lg_is_mount_point(struct dentry *dentry)
{
	return dentry && (BPF_CORE_READ(dentry, d_flags) & DCACHE_MOUNTED);
}

/* The decision once a name has a mount on it: one copy, called by the three programs. */
static __noinline int lg_mounted_name(__u8 hook)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy || (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) || lg_in_setup_window() ||
	    lg_mount_ns_is_host(lg_current_mount_ns()))
		return 0;
	return lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_MOUNT, lg_mounted_what,
			       sizeof(lg_mounted_what));
}

SEC("lsm/inode_rmdir")
int BPF_PROG(lg_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret || !lg_is_mount_point(dentry))
		return ret;
	return lg_mounted_name(LG_HOOK_INODE_RMDIR);
}

SEC("lsm/inode_unlink")
int BPF_PROG(lg_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret || !lg_is_mount_point(dentry))
		return ret;
	return lg_mounted_name(LG_HOOK_INODE_UNLINK);
}

/* The name moved away (its mount goes with it), or the name replaced (its mount detached). */
SEC("lsm/inode_rename")
int BPF_PROG(lg_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret || (!lg_is_mount_point(old_dentry) && !lg_is_mount_point(new_dentry)))
		return ret;
	return lg_mounted_name(LG_HOOK_INODE_RENAME);
}

char LICENSE[] SEC("license") = "GPL";
