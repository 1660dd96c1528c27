// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mounts and namespaces made by confined tasks: lsm/userns_create, lsm/sb_mount,
 * lsm/move_mount, lsm/sb_remount, lsm/sb_pivotroot, lsm/sb_umount, lsm/capable, and the disk
 * behind a new superblock: lsm/sb_set_mnt_opts.
 *
 * Guarantees, for a task under a policy and outside its setup window (setup.bpf.h), each a
 * confinement built-in that follows the policy's mode:
 *  - it creates no user namespace (unshare, clone, clone3, vfork with CLONE_NEWUSER all reach
 *    userns_create) unless the policy says [system] userns = allow. Debian lets any user make
 *    one, and with it a mount namespace where it may mount tmpfs, overlayfs, procfs, sysfs;
 *  - it mounts, bind-mounts, moves, remounts (the superblock or a mount's own flags), changes
 *    propagation, unmounts and pivots the root (mount(2) reaches sb_mount; move_mount(2)
 *    move_mount; fspick's reconfiguration sb_remount; umount2 sb_umount; pivot_root
 *    sb_pivotroot) only as [system] mount = namespace (in a mount namespace other than the
 *    host's, which is lsmguard's, that the policy's own tasks made: fexit/copy_mnt_ns, and
 *    nothing there that reaches the host: propagation, a superblock's options or connection,
 *    the host's cgroup hierarchy) or mount = allow (anywhere) lets it;
 *  - the new mount API's steps that reach no hook of their own (fsopen, fsconfig, fsmount,
 *    fspick, open_tree with OPEN_TREE_CLONE, mount_setattr) are refused where the kernel asks
 *    whether the caller has CAP_SYS_ADMIN for the operation: lsm/capable, for the current
 *    task's own credentials, while the current system call is one of those. Every other
 *    capability check returns at the first comparison.
 * The same lsm/capable program refuses swapon and swapoff (a protection, host-control) and
 * decides the host's name (sethostname, setdomainname) as a kernel setting.
 * Whoever asks, a mount the host's namespace sees whose target is one of lsmguard's own objects
 * or a directory above one is refused even with mount = allow, in audit mode too
 * (lg_protected_target, protected.bpf.h).
 *
 * Not covered here: unshare(CLONE_NEWNS) itself (no hook; a private mount namespace is harmless
 * when nothing can be mounted in it), setns (no hook; opening another task's namespace needs
 * ptrace_access_check, refused across policies in protect.bpf.c, and a namespace entered by an
 * nsfs bind is not the service's own, so mount = namespace does not cover it), automounts (the
 * kernel chooses what is mounted).
 */
#include "path.bpf.h"
#include "protected.bpf.h"
#include "setup.bpf.h"
#include "mounted.bpf.h"

#define CAP_SYS_ADMIN 21
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_PROPAGATION ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20)) /* unbindable .. shared */

/* x86-64 system call numbers of the new mount API (the same in the ia32 table). */
#define NR_OPEN_TREE 428
#define NR_FSOPEN 430
#define NR_FSCONFIG 431
#define NR_FSMOUNT 432
#define NR_FSPICK 433
#define NR_MOUNT_SETATTR 442
/* The host's name: sethostname and setdomainname (x86-64; ia32 74 and 121, which are x86-64's
 * fsync and getpgid: neither asks for CAP_SYS_ADMIN). */
#define NR_SETHOSTNAME 170
#define NR_SETDOMAINNAME 171
#define NR_IA32_SETHOSTNAME 74
#define NR_IA32_SETDOMAINNAME 121
/* Swap: swapon and swapoff (x86-64; ia32 87 and 115, x86-64's unlink and getgroups, hence
 * taken only from a task in a 32-bit system call). */
#define NR_SWAPON 167
#define NR_SWAPOFF 168
#define NR_IA32_SWAPON 87
#define NR_IA32_SWAPOFF 115

/* The host's UTS namespace: a name set in a namespace of the service's own is its own. */
extern const void init_uts_ns __ksym __weak;
/* The host's cgroup namespace: a cgroup filesystem mounted from it changes the host's. */
extern const void init_cgroup_ns __ksym __weak;
/* An x32 system call's number carries X32_SYSCALL_BIT (common.bpf.h); the numbers above are
 * the same for x32. Debian builds without x32, but a kernel with it must not let these calls
 * through by their other number. */

char LICENSE[] SEC("license") = "GPL";

/* The policy the current task's mounts answer to: none when unconfined or in its window. */
static __always_inline const struct lg_policy_value *lg_mount_subject(__u64 *cgroup_id)
{
	const struct lg_policy_value *policy = lg_current_policy(cgroup_id);

	if (!policy || lg_in_setup_window())
		return 0;
	return policy;
}

static __always_inline struct mnt_namespace *lg_mount_ns_of(struct vfsmount *mnt)
{
	return BPF_CORE_READ(lg_real_mount(mnt), mnt_ns);
}


/* Whether the policy opts into mount operations in namespace ns: under namespace, one its own
 * tasks made (lg_mount_ns_made_by), never the host's. */
static __always_inline bool lg_mount_opted_in(const struct lg_policy_value *policy,
					      struct mnt_namespace *ns)
{
	if (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW)
		return true;
	return (policy->flags & LG_POLICY_SYSTEM_MOUNT_NAMESPACE) && !lg_mount_ns_is_host(ns) &&
	       lg_mount_ns_made_by(policy, ns);
}

#define CLONE_NEWNS 0x00020000

/*
 * A mount namespace made by a task under a policy: recorded as that policy's
 * (lg_mount_ns_owners, mounted.bpf.h). copy_mnt_ns is global and called from
 * create_new_namespaces, never inlined there (6.1). A run the kernel skipped (the tracing
 * programs' recursion check) leaves the namespace unrecorded: refused under namespace (fail
 * closed, enforcer/skip_effect.c).
 */
SEC("fexit/copy_mnt_ns")
int BPF_PROG(lg_mount_ns_made, unsigned long flags, struct mnt_namespace *ns,
	     struct user_namespace *user_ns, struct fs_struct *new_fs, struct mnt_namespace *ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0, seq, zero = 0, *counted;
	__u32 owner;

	if (!(flags & CLONE_NEWNS) || !ret || (unsigned long)ret >= (unsigned long)-4095L)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || !(policy->flags & LG_POLICY_SYSTEM_MOUNT_NAMESPACE))
		return 0; /* only where it is asked: another policy's churn evicts nothing */
	seq = BPF_CORE_READ((struct mnt_namespace___lg61 *)ret, seq);
	owner = (__u32)policy->identity;
	counted = bpf_map_lookup_elem(&lg_mount_ns_counts, &owner);
	if (!counted) {
		bpf_map_update_elem(&lg_mount_ns_counts, &owner, &zero, BPF_NOEXIST);
		counted = bpf_map_lookup_elem(&lg_mount_ns_counts, &owner);
	}
	/* past its share: not recorded, so not its own (its mounts there are refused) */
	if (!counted || *counted >= LG_MOUNT_NS_PER_POLICY)
		return 0;
	if (bpf_map_update_elem(&lg_mount_ns_owners, &seq, &owner, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(counted, 1);
	return 0;
}

/*
 * Whether a mount attached under mnt (or removed from under it) would propagate out of mnt's
 * namespace (lg_mount_propagates_out, mounted.bpf.h): a namespace made by unshare(CLONE_NEWNS)
 * without a user namespace keeps its copies in the host's peer groups (systemd makes every
 * host mount shared), so a mount there would appear in the host's namespace too. mount =
 * namespace covers such a mount once the namespace's mounts share with nothing outside it:
 * made private or slave, or slave and then shared again, as systemd leaves a unit's.
 */
static __always_inline bool lg_mount_reaches_out(struct vfsmount *mnt)
{
	return lg_mount_propagates_out(lg_real_mount(mnt));
}

/* Refuse (or audit) a mount operation at (dentry, mnt), reported with that path. */
static __always_inline int lg_mount_deny_at(const struct lg_policy_value *policy, __u64 cgroup_id,
					    __u8 hook, __u8 builtin, struct dentry *dentry,
					    struct vfsmount *mnt)
{
	struct lg_path_verdict verdict;

	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_WRITE, dentry, mnt,
		       &verdict); /* for the event's path */
	lg_verdict_builtin(&verdict, builtin);
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &verdict);
}

/*
 * A mount operation of a task under policy whose target is (dentry, mnt), in that mount's
 * namespace (and in also's: where a moved mount comes from); propagates: the change reaches
 * mnt's peers, which may be the host's mounts, so mount = namespace does not cover it. The
 * hooks look the policy up once and pass it down.
 */
static __always_inline int lg_mount_at(const struct lg_policy_value *policy, __u64 cgroup_id,
				       __u8 hook, struct dentry *dentry, struct vfsmount *mnt,
				       struct mnt_namespace *also, bool propagates)
{
	/*
	 * lsmguard's own objects (protected.bpf.h): no mount that the host's namespace sees covers
	 * them or a directory above them, whatever the policy opts into, in audit mode and in the
	 * setup window too. In a namespace of the service's own, a mount hides them from the
	 * service alone.
	 */
	if (lg_mount_ns_is_host(lg_mount_ns_of(mnt)) || lg_mount_ns_is_host(also) || propagates) {
		struct lg_path_verdict verdict;

		if (lg_protected_target(policy, dentry, mnt, &verdict))
			return lg_path_verdict_finish(policy, cgroup_id, hook,
						      LG_DECISION_FILE_WRITE, &verdict);
	}
	if (lg_in_setup_window() || (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) ||
	    (!propagates && lg_mount_opted_in(policy, lg_mount_ns_of(mnt)) &&
	     lg_mount_opted_in(policy, also))) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	return lg_mount_deny_at(policy, cgroup_id, hook, LG_BUILTIN_MOUNT, dentry, mnt);
}

SEC("lsm/userns_create")
int BPF_PROG(lg_userns_create, const struct cred *cred, int ret)
{
	static const char what[] = "user namespace";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_USERNS) {
		lg_count_allowed(policy->id, LG_HOOK_USERNS_CREATE);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_USERNS_CREATE, LG_BUILTIN_USERNS, what,
			       sizeof(what));
}

/*
 * A bind or a move under mount = namespace that may bring a peer of the host's mounts into the
 * service's tree: the tree moved (from), or for mount(2), which names its source by a string
 * this hook cannot follow, any mount in the caller's namespace whose peers reach another
 * namespace. Once no mount of the namespace shares with one outside it (a user namespace's
 * copy is slave already; systemd's unit namespace is slave, then shared in peer groups of its
 * own), no peer of the host's can enter it again: a bind's source is a mount of the caller's
 * own namespace (the kernel's check_mnt), and a propagation change makes a peer group of its
 * own. So no tree that shares with the host is bound or moved into a subtree after a lazy
 * unmount's walk of it (review 47: another thread's bind raced the unmount past its check,
 * which runs before the kernel's namespace lock, and the unmount propagated to the host's
 * mounts). Taken as propagating: refused under namespace, as a mount under such a mount is.
 */
static __always_inline bool lg_bind_may_reach_out(const struct lg_policy_value *policy,
					      struct vfsmount *from)
{
	if ((policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) ||
	    !(policy->flags & LG_POLICY_SYSTEM_MOUNT_NAMESPACE) || lg_in_setup_window() ||
	    lg_mount_ns_is_host(lg_current_mount_ns()))
		return false; /* refused anyway, or allowed anyway: no walk */
	return lg_mount_tree_reaches_out(from);
}

/*
 * A mount attached at a name that a mount covers in its mount: a name reached through a
 * descriptor, a working directory, /proc/self/fd or a handle from before the mount over it.
 * The kernel puts the new mount on top of the topmost mount there (lock_mount), not at the
 * name this hook sees, so neither that mount's sharing nor what it covers is known here:
 * attack run 26 covered the host's /etc/lsmguard and /sys/fs/bpf through a name under a
 * shared bind, from a private namespace under mount = namespace, and from the host's under
 * mount = allow. Refused to every confined task, whatever its mode or rights (a protection),
 * but in systemd's setup of a unit.
 */
static __always_inline int lg_mount_onto_covered(const struct lg_policy_value *policy,
						 __u64 cgroup_id, __u8 hook, struct dentry *dentry,
						 struct vfsmount *mnt)
{
	if (!lg_mount_covered(mnt, dentry) || lg_in_setup_window())
		return 0;
	return lg_mount_deny_at(policy, cgroup_id, hook, LG_BUILTIN_COVERED, dentry, mnt);
}

/*
 * A new mount of a cgroup filesystem: cgroup2 by a task in the host's cgroup namespace (the
 * kernel applies its root options to the host's one hierarchy: a mount without nsdelegate or
 * memory_recursiveprot clears them for every cgroup of the host, apply_cgroup_root_flags,
 * which looks at the current task's cgroup namespace), or any v1 hierarchy ("cgroup", and
 * "cpuset", which 6.1 registers for the cpuset controller alone): it binds controllers to a
 * hierarchy of its own, taking them from the host's cgroup2 when unused there, and a new one
 * can only be made from the host's cgroup namespace, which the context keeps from fsopen, not
 * from now (attack run 27's 2705, 2706; review 50). Host-wide, whatever mount namespace the
 * mount is made in: only mount = allow covers it. cgroup2 from a container's own cgroup
 * namespace changes nothing of the host's.
 */
static __always_inline bool lg_mount_host_cgroup_fs(const char *type)
{
	char name[8] = {};

	if (!type || bpf_probe_read_kernel_str(name, sizeof(name), type) < 7)
		return false;
	if (name[0] == 'c' && name[1] == 'p' && name[2] == 'u' && name[3] == 's' &&
	    name[4] == 'e' && name[5] == 't' && !name[6])
		return true;
	if (name[0] != 'c' || name[1] != 'g' || name[2] != 'r' || name[3] != 'o' ||
	    name[4] != 'u' || name[5] != 'p' || (name[6] && name[6] != '2'))
		return false;
	if (!name[6])
		return true; /* v1 */
	return !&init_cgroup_ns ||
	       (const void *)BPF_CORE_READ(bpf_get_current_task_btf(), nsproxy, cgroup_ns) ==
		   &init_cgroup_ns;
}

/* mount(2), every kind: new, MS_BIND, MS_MOVE, MS_REMOUNT (| MS_BIND), propagation. */
SEC("lsm/sb_mount")
int BPF_PROG(lg_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	struct vfsmount *mnt;
	bool propagates;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	mnt = BPF_CORE_READ(path, mnt);
	/* A remount or a propagation change alters mnt alone; the rest attach under it. The
	 * kernel's order (path_mount): MS_REMOUNT, then MS_BIND, then the propagation flags, so
	 * MS_BIND | MS_PRIVATE is a bind (review 48: it was taken for a propagation change and
	 * bound over a shared target under mount = namespace, into the host's namespace). */
	if ((flags & MS_REMOUNT) || ((flags & MS_PROPAGATION) && !(flags & MS_BIND))) {
		propagates = false;
	} else {
		ret = lg_mount_onto_covered(policy, cgroup_id, LG_HOOK_SB_MOUNT,
					    BPF_CORE_READ(path, dentry), mnt);
		if (ret)
			return ret;
		propagates = lg_mount_reaches_out(mnt) ||
			     ((flags & (MS_BIND | MS_MOVE)) && lg_bind_may_reach_out(policy, NULL)) ||
			     (!(flags & (MS_BIND | MS_MOVE)) && lg_mount_host_cgroup_fs(type));
	}
	return lg_mount_at(policy, cgroup_id, LG_HOOK_SB_MOUNT, BPF_CORE_READ(path, dentry), mnt,
			   lg_mount_ns_of(mnt), propagates);
}

/* move_mount(2): attaching a detached mount (fsmount, open_tree) or moving an attached one. */
SEC("lsm/move_mount")
int BPF_PROG(lg_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	const struct lg_policy_value *policy;
	struct vfsmount *mnt, *from;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	mnt = BPF_CORE_READ(to_path, mnt);
	from = BPF_CORE_READ(from_path, mnt);
	ret = lg_mount_onto_covered(policy, cgroup_id, LG_HOOK_MOVE_MOUNT,
				    BPF_CORE_READ(to_path, dentry), mnt);
	if (ret)
		return ret;
	return lg_mount_at(policy, cgroup_id, LG_HOOK_MOVE_MOUNT, BPF_CORE_READ(to_path, dentry),
			   mnt, lg_mount_ns_of(from),
			   lg_mount_reaches_out(mnt) || lg_bind_may_reach_out(policy, from));
}

/* pivot_root(2): the new root's namespace is the caller's. */
SEC("lsm/sb_pivotroot")
int BPF_PROG(lg_sb_pivotroot, const struct path *old_path, const struct path *new_path, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	struct vfsmount *mnt;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	mnt = BPF_CORE_READ(new_path, mnt);
	return lg_mount_at(policy, cgroup_id, LG_HOOK_SB_PIVOTROOT, BPF_CORE_READ(new_path, dentry),
			   mnt, lg_mount_ns_of(mnt), false); /* the kernel refuses shared mounts here */
}

/*
 * umount2(2), every flag. A bpffs is protect.bpf.c's (a protection, whatever the mode): that
 * program runs first and this one leaves its answer alone.
 */
/* Whether unmounting mnt (with flags) reaches other namespaces: by propagation (lg_umount_walk,
 * mounted.bpf.h; a tree too big to walk counts as reaching them), or, with MNT_FORCE, through
 * the superblock: umount_begin acts on the filesystem every namespace's mounts of it share
 * (attack run 27: a service's forced unmount of its own copy of a host FUSE mount aborted the
 * host's connection; NFS and CIFS kill the host's requests in flight). */
#define MNT_FORCE 1

static __always_inline bool lg_umount_reaches_out(struct vfsmount *mnt, int flags)
{
	struct lg_umount_walk w;

	if (flags & MNT_FORCE)
		return true;
	if (lg_mount_reaches_out(&BPF_CORE_READ(lg_real_mount(mnt), mnt_parent)->mnt))
		return true;
	if (!(flags & MNT_DETACH))
		return false; /* a mount with mounts of its own is busy: unmounted alone */
	lg_umount_walk(mnt, 0, &w);
	return w.reaches_out || !w.done;
}

SEC("lsm/sb_umount")
int BPF_PROG(lg_sb_umount_confine, struct vfsmount *mnt, int flags, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret || BPF_CORE_READ(mnt, mnt_sb, s_magic) == BPF_FS_MAGIC)
		return ret;
	/* The tree's walk is for confined tasks only: an unconfined unmount pays one lookup. */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_mount_at(policy, cgroup_id, LG_HOOK_SB_UMOUNT, BPF_CORE_READ(mnt, mnt_root), mnt,
			   lg_mount_ns_of(mnt), lg_umount_reaches_out(mnt, flags));
}

/*
 * A superblock's reconfiguration: mount(MS_REMOUNT) without MS_BIND (after sb_mount) and
 * fsconfig's FSCONFIG_CMD_RECONFIGURE after fspick. A filesystem's settings are shared by all
 * its mounts, in every namespace: remounting the host's /tmp read-only from a private namespace
 * makes it read-only for the host. So only mount = allow covers it. Reported at the host path
 * of the filesystem's root.
 */
SEC("lsm/sb_remount")
int BPF_PROG(lg_sb_remount, struct super_block *sb, void *mnt_opts, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) {
		lg_count_allowed(policy->id, LG_HOOK_SB_REMOUNT);
		return 0;
	}
	return lg_mount_deny_at(policy, cgroup_id, LG_HOOK_SB_REMOUNT, LG_BUILTIN_MOUNT,
				BPF_CORE_READ(sb, s_root), 0);
}

/*
 * A filesystem read from a disk (ext4, xfs, btrfs, vfat on a partition, a loop device, a
 * device-mapper volume): once mounted, every file of it is reachable at whatever path the mount
 * gets, in a namespace of the service's own as well, and a disk the host has not mounted (a
 * backup, another system's volume) has no rules at all. The kernel opens the block device
 * itself (no file_open of the task's), so this is opening a disk: refused like one (raw-disks,
 * a protection) whatever [system] mount = says. vfs_get_tree asks once the superblock exists,
 * for mount(2) and for fsconfig(FSCONFIG_CMD_CREATE) alike, a new superblock or one already in
 * use; bind mounts of mounted filesystems, tmpfs, overlayfs, procfs and the like have no disk.
 * systemd's child in its setup window (RootImage=, a loop device) is exempt.
 */
#define FS_REQUIRES_DEV 1

/*
 * The same decision before the filesystem reads its disk: the "source" parameter of a mount of
 * a type that needs a device (mount(2) passes its device this way, fsconfig FSCONFIG_SET_STRING,
 * _SET_PATH and _SET_FD too). Deciding only once the superblock exists, as sb_set_mnt_opts does,
 * lets the filesystem read an image of the task's choosing and replay its journal on a disk the
 * host never mounted (review of the session's changes); that hook stays for devices named
 * otherwise (btrfs's device= option).
 */
SEC("lsm/fs_context_parse_param")
int BPF_PROG(lg_fs_context_parse_param, struct fs_context *fc, struct fs_parameter *param, int ret)
{
	static const char what[] = "a disk's filesystem, mounted from its block device";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	char key[8] = {};

	/* ret is an earlier BPF program's answer, 0 when none: returning 0 lets the hook's own
	 * default (-ENOPARAM: "not the LSM's") stand. */
	if (ret)
		return ret;
	if (!(BPF_CORE_READ(fc, fs_type, fs_flags) & FS_REQUIRES_DEV))
		return 0;
	if (bpf_probe_read_kernel_str(key, sizeof(key), BPF_CORE_READ(param, key)) != 7 ||
	    key[0] != 's' || key[1] != 'o' || key[2] != 'u' || key[3] != 'r' || key[4] != 'c' ||
	    key[5] != 'e')
		return 0;
	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_RAW_DISKS) {
		lg_count_allowed(policy->id, LG_HOOK_FS_CONTEXT_PARSE_PARAM);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FS_CONTEXT_PARSE_PARAM,
			       LG_BUILTIN_RAW_DISK, what, sizeof(what));
}

/* A superblock freed: its address may be another's next (lg_ns_supers). */
SEC("lsm/sb_free_security")
int BPF_PROG(lg_super_freed, struct super_block *sb)
{
	__u64 key = (__u64)sb;

	bpf_map_delete_elem(&lg_ns_supers, &key);
	return 0;
}

/*
 * An overlayfs made by a confined task (mount(2) or fsconfig's FSCONFIG_CMD_CREATE, in any
 * namespace): overlayfs removes, renames and makes the names of its upper layer itself, through
 * vfs_unlink, vfs_rename, vfs_create..., which pass no path hook, so every path decision about
 * them (a directory with rules beneath it moved, a denied name renamed away, lsmguard's policy
 * files removed, an ancestor of a host mount point renamed) would be made at the overlay's own
 * path, which names none of that (review 46). A protection: refused unless [system] mount =
 * allow, whose risk docs/policy.md states. An overlay the host or systemd's setup makes is not
 * the service's choice (its paths are the administrator's), and reads through any overlay are
 * decided at the real file's path too (files.bpf.c, lg_overlay_verdict).
 */
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
/* ecryptfs stacks the same way (its lower directory's names made, renamed and removed by
 * vfs_* calls of its own: review 47); Debian's cloud kernel has no ecryptfs (the test VM's
 * does not build it), the generic one has it as a module (module autoload is refused to
 * confined tasks; an administrator's load makes it reachable). */
#define ECRYPTFS_SUPER_MAGIC 0xf15f

static __noinline int lg_overlay_made(int ecryptfs)
{
	static const char what[] = "an overlayfs (its upper layer changed below every path rule)";
	static const char what_ecryptfs[] =
	    "an ecryptfs (its lower directory changed below every path rule)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) {
		lg_count_allowed(policy->id, LG_HOOK_SB_SET_MNT_OPTS);
		return 0;
	}
	if (ecryptfs)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SB_SET_MNT_OPTS, LG_BUILTIN_OVERLAY,
				       what_ecryptfs, sizeof(what_ecryptfs));
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SB_SET_MNT_OPTS, LG_BUILTIN_OVERLAY, what,
			       sizeof(what));
}

/* A mount namespace's last reference put: its record goes (lg_mount_ns_owners). put_mnt_ns is
 * global and called from other files (free_nsproxy), never inlined there (6.1). */
SEC("fentry/put_mnt_ns")
int BPF_PROG(lg_mount_ns_put, struct mnt_namespace *ns)
{
	struct mnt_namespace___lg61 *n = (void *)ns;
	__u64 seq, *counted;
	__u32 *owner;

	if (!ns || BPF_CORE_READ(n, ns.count.refs.counter) != 1)
		return 0;
	seq = BPF_CORE_READ(n, seq);
	owner = seq ? bpf_map_lookup_elem(&lg_mount_ns_owners, &seq) : 0;
	if (!owner)
		return 0;
	counted = bpf_map_lookup_elem(&lg_mount_ns_counts, owner);
	/* only the put that took the record off counts it off */
	if (bpf_map_delete_elem(&lg_mount_ns_owners, &seq) == 0 && counted && *counted)
		__sync_fetch_and_add(counted, -1);
	return 0;
}

/* 6.1's super_block keeps its mounts on a list_head (a pointer in later kernels, as in
 * include/vmlinux.h): this flavour reads it as 6.1 lays it out. */
struct super_block___lg61 {
	struct list_head s_mounts;
} __attribute__((preserve_access_index));

/*
 * Whether sb is new: vfs_get_tree calls sb_set_mnt_opts after get_tree and before the mount is
 * made (vfs_create_mount), so a superblock that get_tree made has no mount yet, and one it
 * found again (sget's test matched) has those it had (review 48's open item: a service's mount
 * of the host's devtmpfs, or of a FUSE connection's fd, marked the host's superblock as made
 * in the service's namespace).
 */
static __always_inline bool lg_super_is_new(struct super_block *sb)
{
	struct super_block___lg61 *s = (void *)sb;

	return (void *)BPF_CORE_READ(s, s_mounts.next) ==
	       (void *)s + bpf_core_field_offset(struct super_block___lg61, s_mounts);
}

SEC("lsm/sb_set_mnt_opts")
int BPF_PROG(lg_sb_set_mnt_opts, struct super_block *sb, void *mnt_opts, unsigned long kern_flags,
	     unsigned long *set_kern_flags, int ret)
{
	static const char what[] = "a disk's filesystem, mounted from its block device";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	/* A filesystem made outside the host's namespace: named where that namespace mounts it
	 * (lg_root_unrecorded). A table too full to say so fails closed for it. Only a superblock
	 * this mount made: one that get_tree found (devtmpfs, a FUSE connection's fd=, NFS's shared
	 * cache) is the host's still, mounted where it was made. */
	if (!lg_mount_ns_is_host(lg_current_mount_ns()) && lg_super_is_new(sb)) {
		__u64 key = (__u64)sb;
		__u8 one = 1;

		bpf_map_update_elem(&lg_ns_supers, &key, &one, BPF_ANY);
	}
	if (BPF_CORE_READ(sb, s_magic) == OVERLAYFS_SUPER_MAGIC)
		return lg_overlay_made(0);
	if (BPF_CORE_READ(sb, s_magic) == ECRYPTFS_SUPER_MAGIC)
		return lg_overlay_made(1);
	if (!BPF_CORE_READ(sb, s_bdev) && !(BPF_CORE_READ(sb, s_type, fs_flags) & FS_REQUIRES_DEV))
		return 0;
	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_RAW_DISKS) {
		lg_count_allowed(policy->id, LG_HOOK_SB_SET_MNT_OPTS);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SB_SET_MNT_OPTS, LG_BUILTIN_RAW_DISK, what,
			       sizeof(what));
}

/*
 * The new mount API: its system calls ask for CAP_SYS_ADMIN in the caller's mount namespace's
 * user namespace (may_mount, or ns_capable directly) and reach no LSM hook of their own, apart
 * from move_mount (its own hook, which reports the target) and the reconfiguration sb_remount
 * sees. Only the current task asking about its own credentials, during one of these calls:
 * the kernel also asks about other tasks (OOM scoring, a ptrace target's capabilities), which
 * must never be refused.
 */
/*
 * The host's name and domain name (sethostname, setdomainname: the journal's _HOSTNAME, what a
 * central log sorts by) reach no hook of their own in 6.1: the kernel asks for CAP_SYS_ADMIN in
 * the caller's UTS namespace. In the host's, a kernel setting like /proc/sys/kernel/hostname
 * (LG_BUILTIN_KERNEL_SETTING: follows the mode, kernel-settings = allow opens it); in a UTS
 * namespace of the service's own (ProtectHostname=, unshare), its own.
 */
static __always_inline int lg_host_name(struct task_struct *current)
{
	static const char what[] = "the host's name (sethostname, setdomainname)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (!&init_uts_ns || (const void *)BPF_CORE_READ(current, nsproxy, uts_ns) != &init_uts_ns)
		return 0;
	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_KERNEL_SETTINGS) {
		lg_count_allowed(policy->id, LG_HOOK_CAPABLE);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_CAPABLE, LG_BUILTIN_KERNEL_SETTING, what,
			       sizeof(what));
}

/*
 * Swap (swapon, swapoff: CAP_SYS_ADMIN, no hook of their own). A swap file of the task's makes
 * the kernel write every process's memory into a file it can read (other services' secrets,
 * lsmguard's maps' contents in the daemon's pages); swapoff of the host's swap can take the
 * host's memory away. Refused to every confined task (host-control, a protection).
 */
static __always_inline int lg_swap(void)
{
	static const char what[] = "swap (swapon, swapoff)";

	return lg_current_builtin_deny(LG_HOOK_CAPABLE, LG_BUILTIN_HOST_CONTROL, what,
				       sizeof(what));
}

#define FSCONFIG_CMD_CREATE 6
#define FSCONFIG_CMD_CREATE_EXCL 8 /* Linux 6.6 and later: the same create */
#define LG_MUTEX_FLAGS 0x07UL	   /* kernel/locking/mutex.c: the owner word's low bits */

/* fs/fsopen.c's descriptors (fsopen, fspick): what fsmount itself checks a descriptor by. From
 * kallsyms (typeless: 6.1's BTF has no variables but per-CPU ones); 0 where it is missing. */
extern const void fscontext_fops __ksym __weak;

/*
 * Whether fsconfig(fd, FSCONFIG_CMD_CREATE), asking for CAP_SYS_ADMIN now (mount_capable),
 * creates a host cgroup filesystem (lg_mount_host_cgroup_fs): the new mount API's way to the
 * same host-wide change as mount(2)'s. The arguments as the kernel takes them (int fd,
 * unsigned int cmd): in di and si for x86-64 and x32, in bx and cx for a 32-bit call
 * (int $0x80 from any process; the number, 431, is the same), upper bits dropped (review 50:
 * a command of 0x100000006 is a create to the kernel). The context is found by the
 * descriptor and proven by its uapi_mutex, which the kernel holds for the current task through
 * the command (vfs_fsconfig_locked): a descriptor another thread replaced since the kernel
 * took it shows another owner. Not proven (another file, no owner field on a PREEMPT_RT
 * kernel): taken as host-wide (refused under namespace).
 */
static __always_inline bool lg_fsconfig_host_cgroup(struct task_struct *current,
						    struct pt_regs *regs)
{
	bool compat = current->thread_info.status & LG_TS_COMPAT;
	struct fdtable *fdt = BPF_CORE_READ(current, files, fdt);
	unsigned long owner;
	struct fs_context *fc;
	struct file *file = 0;
	struct file **fds;
	unsigned int cmd;
	int fd;

	fd = compat ? (int)BPF_CORE_READ(regs, bx) : (int)BPF_CORE_READ(regs, di);
	cmd = compat ? (unsigned int)BPF_CORE_READ(regs, cx) : (unsigned int)BPF_CORE_READ(regs, si);
	if (cmd != FSCONFIG_CMD_CREATE && cmd != FSCONFIG_CMD_CREATE_EXCL)
		return false;
	if (fd < 0 || !fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return true;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), fds + fd) || !file)
		return true;
	if (&fscontext_fops && (const void *)BPF_CORE_READ(file, f_op) != &fscontext_fops)
		return true;
	fc = BPF_CORE_READ(file, private_data);
	if (!fc || !bpf_core_field_exists(fc->uapi_mutex.owner))
		return true;
	owner = (unsigned long)BPF_CORE_READ(fc, uapi_mutex.owner.counter);
	if ((owner & ~LG_MUTEX_FLAGS) != (unsigned long)current)
		return true;
	return lg_mount_host_cgroup_fs(BPF_CORE_READ(fc, fs_type, name));
}

SEC("lsm/capable")
int BPF_PROG(lg_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	static const char open_tree[] = "open_tree(OPEN_TREE_CLONE)";
	static const char fsopen[] = "fsopen";
	static const char fsconfig[] = "fsconfig";
	static const char fsmount[] = "fsmount";
	static const char fspick[] = "fspick";
	static const char mount_setattr[] = "mount_setattr";
	struct task_struct *current;
	const struct lg_policy_value *policy;
	struct pt_regs *regs;
	__u64 cgroup_id = 0;
	bool host_wide = false;
	const char *what;
	int size;

	if (ret || cap != CAP_SYS_ADMIN)
		return ret;
	current = bpf_get_current_task_btf();
	if (cred != current->cred)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(current);
	if (!regs)
		return 0;
	switch (BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT) {
	case NR_IA32_SWAPON:
	case NR_IA32_SWAPOFF:
		if (!(current->thread_info.status & LG_TS_COMPAT))
			return 0;
		return lg_swap();
	case NR_SWAPON:
	case NR_SWAPOFF:
		return lg_swap();
	case NR_SETHOSTNAME:
	case NR_SETDOMAINNAME:
	case NR_IA32_SETHOSTNAME:
	case NR_IA32_SETDOMAINNAME:
		return lg_host_name(current);
	case NR_OPEN_TREE:
		what = open_tree, size = sizeof(open_tree);
		break;
	case NR_FSOPEN:
		what = fsopen, size = sizeof(fsopen);
		break;
	case NR_FSCONFIG:
		what = fsconfig, size = sizeof(fsconfig);
		host_wide = true; /* decided below, once the task is known to be confined */
		break;
	case NR_FSMOUNT:
		what = fsmount, size = sizeof(fsmount);
		break;
	case NR_FSPICK:
		what = fspick, size = sizeof(fspick);
		break;
	case NR_MOUNT_SETATTR:
		what = mount_setattr, size = sizeof(mount_setattr);
		break;
	default:
		return 0;
	}
	policy = lg_mount_subject(&cgroup_id);
	if (!policy)
		return 0;
	/* the fd table's walk for a confined task under namespace only */
	if (host_wide && !(policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW))
		host_wide = lg_fsconfig_host_cgroup(current, regs);
	if ((policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW) ||
	    (!host_wide && lg_mount_opted_in(policy, lg_current_mount_ns()))) {
		lg_count_allowed(policy->id, LG_HOOK_CAPABLE);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_CAPABLE, LG_BUILTIN_MOUNT, what, size);
}
