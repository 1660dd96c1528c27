/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mount namespaces, and a name with a mount on it removed or replaced by a confined task.
 *
 * rmdir, unlink, or a rename over the name: where it is the caller's own mount point the kernel
 * refuses (EBUSY); where it is a mount point in another mount namespace only, the kernel
 * unmounts what is mounted there, lazily, in every such namespace (detach_mounts). A rename
 * away from it moves the mount with the name, to a path the daemon's table does not know (no
 * mount event tells it). A service in a namespace of its own, where a host mount point is a
 * plain empty directory, would so unmount or move the host's mount with no umount() (attack
 * run 24's 2404: the record went to a bind of the same root, and the rules written at the
 * mount's path named nothing). So, for a confined task outside the host's mount namespace, such
 * a name is a mount operation: refused without [system] mount = allow (LG_BUILTIN_MOUNT,
 * following the policy's mode), except to systemd's own code in the setup window, as the mount
 * hooks do. In the host's namespace every host mount point is the task's own (EBUSY), and the
 * name of a file another unit's sandbox binds over (ReadOnlyPaths=, InaccessiblePaths=) stays
 * renameable, as package managers and config tools do (review 45).
 * Left (review 45): overlayfs removes and renames its upper layer's names through vfs_* calls
 * that the path hooks do not see, so a service allowed to mount an overlay in its own
 * namespace, over the directory that holds a host mount point, still reaches it; the inode
 * hooks would see it.
 */
#ifndef LSMGUARD_MOUNTED_BPF_H
#define LSMGUARD_MOUNTED_BPF_H

#include "common.bpf.h"
#include "setup.bpf.h"

#define DCACHE_MOUNTED 0x00010000 /* include/linux/dcache.h, 6.1: a mount point somewhere */

/* Whether ns is the host's mount namespace (lsmguard's); unknown yet: taken as the host's. */
static __always_inline bool lg_mount_ns_is_host(struct mnt_namespace *ns)
{
	struct lg_config *config;
	__u32 zero = 0;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config || !config->mount_ns)
		return true;
	return ns && BPF_CORE_READ(ns, ns.inum) == config->mount_ns;
}

static __always_inline struct mnt_namespace *lg_current_mount_ns(void)
{
	return BPF_CORE_READ(bpf_get_current_task_btf(), nsproxy, mnt_ns);
}

static const char lg_mounted_what[] =
    "a name with a mount on it (removing or replacing it unmounts that mount)";

static __always_inline int lg_mounted_name(const struct lg_policy_value *policy, __u64 cgroup_id,
					   __u8 hook, struct dentry *dentry)
{
	if (!dentry || !(BPF_CORE_READ(dentry, d_flags) & DCACHE_MOUNTED) ||
	    (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) || lg_in_setup_window() ||
	    lg_mount_ns_is_host(lg_current_mount_ns()))
		return 0;
	return lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_MOUNT, lg_mounted_what,
			       sizeof(lg_mounted_what));
}

#endif /* LSMGUARD_MOUNTED_BPF_H */
