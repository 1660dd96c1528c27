/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A name with a mount on it, removed or replaced: rmdir, unlink, or a rename away from it or
 * over it. Where the name is the caller's own mount point the kernel refuses (EBUSY); where it
 * is a mount point in another mount namespace only, the kernel unmounts what is mounted there,
 * lazily, in every such namespace (d_invalidate, detach_mounts). A service in a namespace of its
 * own, where a host mount point is a plain empty directory, would unmount the host's mount with
 * no umount() (attack run 24's 2404: the record went to a bind of the same root, and the rules
 * written at the mount's path named nothing). So, for a confined task, such a name is a mount
 * operation: refused without [system] mount = allow (LG_BUILTIN_MOUNT, following the policy's
 * mode), except to systemd's own code in the setup window, as the mount hooks do.
 */
#ifndef LSMGUARD_MOUNTED_BPF_H
#define LSMGUARD_MOUNTED_BPF_H

#include "common.bpf.h"
#include "setup.bpf.h"

#define DCACHE_MOUNTED 0x00010000 /* include/linux/dcache.h, 6.1: a mount point somewhere */

static const char lg_mounted_what[] =
    "a name with a mount on it (removing or replacing it unmounts that mount)";

static __always_inline int lg_mounted_name(const struct lg_policy_value *policy, __u64 cgroup_id,
					   __u8 hook, struct dentry *dentry)
{
	if (!dentry || !(BPF_CORE_READ(dentry, d_flags) & DCACHE_MOUNTED) ||
	    (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) || lg_in_setup_window())
		return 0;
	return lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_MOUNT, lg_mounted_what,
			       sizeof(lg_mounted_what));
}

#endif /* LSMGUARD_MOUNTED_BPF_H */
