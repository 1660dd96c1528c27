// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names and metadata: lsm/path_mknod, lsm/path_symlink, lsm/path_mkdir, lsm/path_rmdir,
 * lsm/path_chmod, lsm/path_chown, lsm/inode_setxattr, lsm/inode_removexattr, lsm/inode_setattr,
 * lsm/file_ioctl, lsm/file_ioctl_compat, lsm/file_fcntl.
 *
 * Guarantees, for a task under a policy: creating a name (a file, fifo, socket or device node,
 * a directory, a symlink), removing a directory, and changing an object's mode, owner or
 * extended attributes (ACLs included: 6.1 sets them through setxattr) are each a write at the
 * object's path, decided by the policy's [files] rules and following its mode. open(O_CREAT) of
 * a new file passes path_mknod before the file exists, so a create the policy refuses leaves
 * nothing behind (file_open comes too late for that: the file is already made).
 *
 * Built in (a policy's own confinement: enforced in enforce mode, logged in audit mode): no block
 * or character device node is created unless the policy says [system] devices = allow; a node
 * for the disk is a way around every file rule on that disk.
 *
 * Neither applies to a task in its setup window (setup.bpf.h): systemd's child makes the
 * service's /dev nodes, runtime directories and their owners before it executes the service.
 *
 * The xattr hooks carry a dentry and no mount: their walk climbs to the filesystem's root,
 * which names the file canonically when the host mounts that root; a filesystem whose root the
 * host does not know is decided deny (fail closed, flagged walk_limit).
 *
 * Inode flags (chattr: immutable, append-only, no-atime...) are set by ioctl on a descriptor
 * of any mode, read-only included, and 6.1 calls no path hook for them (vfs_fileattr_set):
 * FS_IOC_SETFLAGS, its 32-bit twin, FS_IOC_FSSETXATTR and FS_IOC_ENABLE_VERITY (which makes a
 * file read-only for good) are decided in file_ioctl as a write at the file's path. +i on
 * lsmguard's state or policy file would make every later rename onto it fail. btrfs's own
 * commands (subvolumes, snapshots, tree search, send, devices) are decided by their number
 * (lg_btrfs_ioctl). Every other ioctl returns at the first comparisons.
 *
 * Timestamps (utimensat, futimens, utimes, utime) reach no path hook either: inode_setattr
 * decides them as a write at the file's path, like the xattr hooks (a dentry, no mount). Only a
 * change of the access or modification time alone: a change with the mode, owner or size has
 * had its path hook (path_chmod, path_chown, path_truncate, or file_open for O_TRUNC), and the
 * kernel's own updates after a write never call it.
 *
 * Not covered: O_TMPFILE (no name is made; file_open decides the write in the directory and
 * path_link the name it later gets).
 */
#include "path.bpf.h"
#include "protected.bpf.h"
#include "setup.bpf.h"
#include "capability.bpf.h"
#include "terminal.bpf.h"

/* ioctl commands that change an inode's flags (include/uapi/linux/fs.h, fsverity.h): the same
 * numbers through ioctl and compat_ioctl, apart from SETFLAGS's 32-bit one. */
#define FS_IOC_SETFLAGS 0x40086602
#define FS_IOC32_SETFLAGS 0x40046602
#define FS_IOC_FSSETXATTR 0x401c5820
#define FS_IOC_ENABLE_VERITY 0x40806685
/* Typing into a terminal (include/uapi/asm-generic/ioctls.h): TIOCSTI pushes bytes into a
 * tty's input, and 6.1 asks only CAP_SYS_ADMIN for a tty that is not the caller's; TIOCLINUX's
 * paste does the same on a virtual console (its other subcommands are left out with it). */
#define LG_TIOCSTI 0x5412
#define LG_TIOCLINUX 0x541c
/* A line discipline makes the kernel read a tty as a device: N_MOUSE (serport) binds a serio
 * keyboard driver (atkbd, xtkbd) to a pty, whose master then types on the console; N_HCI,
 * N_GSM, N_SLIP and N_CAN make Bluetooth, modem and network devices. Every TIOCSETD is
 * refused: the number is read from user memory, which another thread may change between a
 * check here and the kernel's own read. */
#define LG_TIOCSETD 0x5423
/* The console's keymap (include/uapi/linux/kd.h): a function key string or a key's meaning
 * changed by a root service types its text when an administrator presses the key. */
#define LG_KDSKBENT 0x4b47
#define LG_KDSKBSENT 0x4b49
#define LG_KDSETKEYCODE 0x4b4d
#define LG_KDSKBMODE 0x4b45  /* the console keyboard raw or off (K_OFF) */
#define LG_KDSETMODE 0x4b3a  /* the console in graphics mode: its text no longer shown */
/* A disk's own commands through a character device (raw-disks, LG_BUILTIN_RAW_DISK): SG_IO
 * (SCSI commands: bsg's /dev/bsg/ nodes, tapes and changers; /dev/sgN is refused at its open) and
 * NVMe's passthrough ioctls, type 'N' numbers 0x40-0x7f (ADMIN_CMD, SUBMIT_IO, IO_CMD, the
 * resets and rescans, the 64-bit and vectored forms) on /dev/ngXnY and /dev/nvmeX. */
#define LG_SG_IO 0x2285
/* The console's output redirected to a tty of the caller's (TIOCCONS: the terminal built-in). */
#define LG_TIOCCONS 0x541d
/* A filesystem frozen (every writer on the host blocks: journald, lsmguard's state, PID 1) or
 * shut down (dead until remounted): FIFREEZE, FITHAW, and ext4's, xfs's and f2fs's shutdown
 * (one number, _IOR('X', 125, __u32)), through any descriptor, a read-only directory's too.
 * LG_BUILTIN_HOST_CONTROL. */
#define LG_FIFREEZE 0xc0045877
#define LG_FITHAW 0xc0045878
#define LG_FS_SHUTDOWN 0x8004587d
/* A whole filesystem changed through any descriptor of it (attack run 6: the root filesystem's
 * label or UUID rewritten through a read-only descriptor, and a boot that mounts by LABEL= or
 * UUID= fails): FS_IOC_SETFSLABEL (ext4, btrfs, xfs, f2fs), ext4's SETFSUUID, its online
 * resizes and its boot loader inode swap. LG_BUILTIN_HOST_CONTROL. Known by number alone,
 * whatever the descriptor's filesystem ('X' and 0xf5 are XFS's and f2fs's own types). */
#define LG_FS_IOC_SETFSLABEL 0x41009432
#define LG_EXT4_IOC_SETFSUUID 0x4008662c
#define LG_EXT4_IOC_RESIZE_FS 0x40086610
#define LG_EXT4_IOC_GROUP_EXTEND 0x40086607
#define LG_EXT4_IOC_GROUP_EXTEND32 0x40046607
#define LG_EXT4_IOC_GROUP_ADD 0x40286608
#define LG_EXT4_IOC32_GROUP_ADD 0x40246608 /* the packed 32-bit struct, converted by the kernel */
#define LG_EXT4_IOC_SWAP_BOOT 0x6611
/* The same class on XFS (its grows, and the reserved-block pool: set to nothing, the blocks kept
 * for the filesystem's own metadata; set large, the filesystem full for everyone) and f2fs (its
 * resize), with the 32-bit forms of XFS's packed structs. */
#define LG_XFS_IOC_FSGROWFSDATA 0x4010586e
#define LG_XFS_IOC_FSGROWFSDATA32 0x400c586e
#define LG_XFS_IOC_FSGROWFSLOG 0x4008586f
#define LG_XFS_IOC_FSGROWFSRT 0x40105870
#define LG_XFS_IOC_FSGROWFSRT32 0x400c5870
#define LG_XFS_IOC_SET_RESBLKS 0xc0105872
#define LG_F2FS_IOC_RESIZE_FS 0x4008f510
/* fcntl */
#define LG_F_SETLEASE 1024
#define LG_F_UNLCK 2
/* A file's owner, whom its I/O signals (include/uapi/asm-generic/fcntl.h, sockios.h): fcntl
 * F_SETOWN (a number: a process, or minus a process group), F_SETOWN_EX (struct f_owner_ex:
 * F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP), and a socket's ioctl FIOSETOWN and SIOCSPGRP
 * (a pointer to F_SETOWN's number). The same numbers through the 32-bit calls. */
#define LG_F_SETOWN 8
#define LG_F_SETOWN_EX 15
#define LG_F_OWNER_PGRP 2
#define LG_FIOSETOWN 0x8901
#define LG_SIOCSPGRP 0x8902
#define LG_IOC_TYPE(cmd) (((cmd) >> 8) & 0xff)
#define LG_IOC_NR(cmd) ((cmd)&0xff)
/* struct iattr's ia_valid bits (include/linux/fs.h) */
#define LG_ATTR_MODE (1 << 0)
#define LG_ATTR_UID (1 << 1)
#define LG_ATTR_GID (1 << 2)
#define LG_ATTR_SIZE (1 << 3)
#define LG_ATTR_ATIME (1 << 4)
#define LG_ATTR_MTIME (1 << 5)

char LICENSE[] SEC("license") = "GPL";

/*
 * btrfs's own ioctls (include/uapi/linux/btrfs.h, type 0x94), on a file of a btrfs filesystem:
 * 6.1 calls no path hook for most of them. A subvolume or snapshot is made at a name (a
 * directory, where a rule's path may lie beneath), a snapshot copies a whole tree with the
 * files that rules deny under new paths, without one open; the tree search returns the raw
 * items of any tree (a small file's data is kept inline), send streams a subvolume's files,
 * adding or replacing a device opens and overwrites a disk inside the kernel. Decided by the
 * command's number (nr); only the ones below are left to the rules (each acts on a descriptor
 * whose open was decided, or only reports), and a number not known here is refused: btrfs
 * adds commands, and a new one is looked at before it is allowed.
 */
#define LG_BTRFS_IOCTL_MAGIC 0x94
#define LG_BTRFS_IOC_START_SYNC 0x80089418 /* nr 24, as SUBVOL_CREATE_V2: told by direction */
enum lg_btrfs_class {
	LG_BTRFS_LEFT,	      /* to the rules: the descriptor's open decided it, or a report */
	LG_BTRFS_SUBVOLUME,   /* an empty subvolume made: mount = allow, and a write there */
	LG_BTRFS_SNAPSHOT,    /* a snapshot made, a subvolume removed or its flags or received
			       * UUID set: mount = allow and raw-disks = allow (a snapshot copies
			       * every file of the subvolume, denied ones too, to paths no rule
			       * names; a removal by id reaches any subvolume), and a write there */
	LG_BTRFS_RAW,	      /* raw trees, devices opened by the kernel: raw-disks = allow */
	LG_BTRFS_HOST_CONTROL /* the filesystem as a whole: no key */
};

static __always_inline enum lg_btrfs_class lg_btrfs_class_of(unsigned int cmd)
{
	switch (LG_IOC_NR(cmd)) {
	case 2:	 /* DEFRAG */
	case 8:	 /* SYNC */
	case 9:	 /* CLONE (FICLONE) */
	case 13: /* CLONE_RANGE (FICLONERANGE) */
	case 16: /* DEFRAG_RANGE */
	case 18: /* INO_LOOKUP */
	case 20: /* SPACE_INFO */
	case 22: /* WAIT_SYNC */
	case 25: /* SUBVOL_GETFLAGS */
	case 29: /* SCRUB_PROGRESS */
	case 30: /* DEV_INFO */
	case 31: /* FS_INFO */
	case 34: /* BALANCE_PROGRESS */
	case 35: /* INO_PATHS */
	case 36: /* LOGICAL_INO */
	case 45: /* QUOTA_RESCAN_STATUS */
	case 46: /* QUOTA_RESCAN_WAIT */
	case 49: /* GET_FSLABEL (SET_FSLABEL is refused above, for every filesystem) */
	case 54: /* FILE_EXTENT_SAME (FIDEDUPERANGE) */
	case 59: /* LOGICAL_INO_V2 */
	case 60: /* GET_SUBVOL_INFO */
	case 61: /* GET_SUBVOL_ROOTREF */
	case 62: /* INO_LOOKUP_USER */
	case 64: /* ENCODED_READ, ENCODED_WRITE: the descriptor's mode */
		return LG_BTRFS_LEFT;
	case 57: /* GET_FEATURES, GET_SUPPORTED_FEATURES read; SET_FEATURES writes */
		return (cmd >> 30) == 2 ? LG_BTRFS_LEFT : LG_BTRFS_HOST_CONTROL;
	case 24: /* START_SYNC; SUBVOL_CREATE_V2 */
		if (cmd == LG_BTRFS_IOC_START_SYNC)
			return LG_BTRFS_LEFT;
		return LG_BTRFS_SUBVOLUME;
	case 14: /* SUBVOL_CREATE */
		return LG_BTRFS_SUBVOLUME;
	case 1:	 /* SNAP_CREATE */
	case 15: /* SNAP_DESTROY */
	case 23: /* SNAP_CREATE_V2 */
	case 26: /* SUBVOL_SETFLAGS */
	case 37: /* SET_RECEIVED_SUBVOL (and its 32-bit form) */
	case 63: /* SNAP_DESTROY_V2 */
		return LG_BTRFS_SNAPSHOT;
	case 10: /* ADD_DEV */
	case 17: /* TREE_SEARCH, TREE_SEARCH_V2 */
	case 38: /* SEND (and its 32-bit form) */
	case 53: /* DEV_REPLACE */
	case 52: /* GET_DEV_STATS: with BTRFS_DEV_STATS_RESET it zeroes a disk's error counters,
		  * a flag in the caller's memory (read by the hook, it could change before btrfs
		  * reads it): decided by number. A monitor reads them from sysfs (error_stats). */
		return LG_BTRFS_RAW;
	default: /* RESIZE, RM_DEV, BALANCE, SCRUB, quotas and qgroups, transactions,
		  * DEFAULT_SUBVOL (the root of the next mount), unknown */
		return LG_BTRFS_HOST_CONTROL;
	}
}

static __always_inline int lg_meta_write(__u8 hook, struct dentry *dentry, struct vfsmount *mnt,
					 __u8 builtin, bool beneath);

/*
 * A btrfs command on file (a directory for the subvolume commands). The keys first; then a
 * subvolume made, snapshotted, removed or changed is a write at the descriptor's path (the
 * directory the name is made or removed in, or the subvolume whose flags change), decided by
 * the rules and the built-ins as a write there: with mount = allow, a subvolume in
 * /etc/systemd/system (host code) or in a denied directory is still refused (review 38, H1).
 */
static __always_inline int lg_btrfs_ioctl(struct file *file, unsigned int cmd)
{
	static const char subvolume[] = "btrfs subvolumes and snapshots (creating, removing, "
					"flags, a received UUID)";
	static const char raw[] = "btrfs's copies, raw trees and devices (snapshots, removing or "
				  "changing a subvolume, tree search, send, adding or replacing a "
				  "device)";
	static const char whole[] = "a btrfs filesystem's devices, size, balance, scrub, quotas, "
				    "features or default subvolume";
	enum lg_btrfs_class class = lg_btrfs_class_of(cmd);
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (class == LG_BTRFS_LEFT)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (class == LG_BTRFS_HOST_CONTROL)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL,
				       LG_BUILTIN_HOST_CONTROL, whole, sizeof(whole));
	if ((class == LG_BTRFS_SUBVOLUME || class == LG_BTRFS_SNAPSHOT) &&
	    !lg_in_setup_window() && !(policy->flags & LG_POLICY_SYSTEM_MOUNT_ALLOW))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_MOUNT,
				       subvolume, sizeof(subvolume));
	if ((class == LG_BTRFS_RAW || class == LG_BTRFS_SNAPSHOT) &&
	    !(policy->flags & LG_POLICY_SYSTEM_RAW_DISKS))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_RAW_DISK,
				       raw, sizeof(raw));
	if (class == LG_BTRFS_RAW) {
		lg_count_allowed(policy->id, LG_HOOK_FILE_IOCTL);
		return 0;
	}
	return lg_meta_write(LG_HOOK_FILE_IOCTL, file->f_path.dentry, file->f_path.mnt, 0, false);
}

/* Write access at (dentry, mnt) for the current task; builtin, when set, overrides a verdict.
 * beneath: the name must also have no rule's path beneath it (a symbolic link made there would
 * lead the rules' paths elsewhere: lg_beneath_verdict). */
static __always_inline int lg_meta_write(__u8 hook, struct dentry *dentry, struct vfsmount *mnt,
					 __u8 builtin, bool beneath)
{
	const struct lg_policy_value *policy;
	struct lg_path_verdict verdict;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* Built-in: a confined task makes no name in bpffs, where the daemon pins the cgroup
	 * connect programs' links under names it chooses (attack run 11: names taken ahead of a
	 * restarted service's cgroup id) */
	if (BPF_CORE_READ(dentry, d_sb, s_magic) == BPF_FS_MAGIC)
		builtin = LG_BUILTIN_BPFFS;
	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_WRITE, dentry, mnt, &verdict);
	if (beneath && !lg_in_setup_window())
		lg_beneath_verdict(policy, &verdict);
	/* A built-in never replaces the protection of lsmguard's objects, which holds in audit
	 * mode too. */
	if (builtin && !lg_builtin_protected_object(verdict.builtin))
		lg_verdict_builtin(&verdict, builtin);
	/*
	 * In its setup window (systemd's own code, before the service runs) a task is held to
	 * nothing but the protections of lsmguard's objects and kernel settings, which no confined
	 * task escapes. Host code is not among them: the window runs the service manager's own
	 * code, which makes its namespace's mount points under /run/systemd (unit-root,
	 * propagate/UNIT) and, for BindPaths= and the like, mount-point files anywhere.
	 */
	if (lg_in_setup_window() && (!lg_is_protection(verdict.flags, verdict.builtin) ||
				     verdict.builtin == LG_BUILTIN_HOST_CODE)) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &verdict);
}

/* Whether the current task's policy lets it create device nodes (no policy: yes). */
static __always_inline bool lg_devices_allowed(void)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	return !policy || (policy->flags & LG_POLICY_SYSTEM_DEVICES);
}

SEC("lsm/path_mknod")
int BPF_PROG(lg_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	__u32 type = mode & S_IFMT;
	__u8 builtin = 0;

	if (ret)
		return ret;
	if ((type == S_IFCHR || type == S_IFBLK) && !lg_devices_allowed())
		builtin = LG_BUILTIN_DEVICES;
	return lg_meta_write(LG_HOOK_PATH_MKNOD, dentry, BPF_CORE_READ(dir, mnt), builtin, false);
}

SEC("lsm/path_symlink")
int BPF_PROG(lg_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_PATH_SYMLINK, dentry, BPF_CORE_READ(dir, mnt), 0, true);
}

/*
 * A cgroup made or removed by mkdir or rmdir in a cgroup filesystem (attack run 31's 3150: a
 * confined root made cgroups in another service's tree, until its cgroup.max.descendants
 * refused the service its own, and removed that service's empty child cgroups): refused as
 * writing the cgroup's files is (files.bpf.c), LG_BUILTIN_CGROUP_FILE, unless the parent
 * cgroup is under the task's own policy and the policy says [system] cgroups = delegate (then
 * its [files] rules decide). A v1 hierarchy's cgroups are never the task's own.
 */
#define LG_CGROUP2_MAGIC 0x63677270
#define LG_CGROUP1_MAGIC 0x27e0eb

static __always_inline __u8 lg_cgroup_tree_change(struct dentry *dentry)
{
	unsigned long magic = BPF_CORE_READ(dentry, d_sb, s_magic);
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (magic != LG_CGROUP2_MAGIC && magic != LG_CGROUP1_MAGIC)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (magic == LG_CGROUP2_MAGIC && (policy->flags & LG_POLICY_SYSTEM_CGROUPS_DELEGATE) &&
	    lg_policy_ids_same(lg_cgroup_file_policy(dentry), policy->id))
		return 0;
	return LG_BUILTIN_CGROUP_FILE;
}

SEC("lsm/path_mkdir")
int BPF_PROG(lg_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_PATH_MKDIR, dentry, BPF_CORE_READ(dir, mnt),
			     lg_cgroup_tree_change(dentry), false);
}

SEC("lsm/path_rmdir")
int BPF_PROG(lg_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_PATH_RMDIR, dentry, BPF_CORE_READ(dir, mnt),
			     lg_cgroup_tree_change(dentry), false);
}

SEC("lsm/path_chmod")
int BPF_PROG(lg_path_chmod, const struct path *path, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_PATH_CHMOD, BPF_CORE_READ(path, dentry),
			     BPF_CORE_READ(path, mnt), 0, false);
}

SEC("lsm/path_chown")
int BPF_PROG(lg_path_chown, const struct path *path, __u32 uid, __u32 gid, int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_PATH_CHOWN, BPF_CORE_READ(path, dentry),
			     BPF_CORE_READ(path, mnt), 0, false);
}

SEC("lsm/inode_setxattr")
int BPF_PROG(lg_inode_setxattr, struct user_namespace *mnt_userns, struct dentry *dentry,
	     const char *name, const void *value, size_t size, int flags, int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_INODE_SETXATTR, dentry, 0, 0, false);
}

SEC("lsm/inode_removexattr")
int BPF_PROG(lg_inode_removexattr, struct user_namespace *mnt_userns, struct dentry *dentry,
	     const char *name, int ret)
{
	if (ret)
		return ret;
	return lg_meta_write(LG_HOOK_INODE_REMOVEXATTR, dentry, 0, 0, false);
}

/* 6.1's hook has no idmap argument (6.3 added it). */
SEC("lsm/inode_setattr")
int BPF_PROG(lg_inode_setattr, struct dentry *dentry, struct iattr *attr, int ret)
{
	unsigned int valid;

	if (ret)
		return ret;
	valid = BPF_CORE_READ(attr, ia_valid);
	if (!(valid & (LG_ATTR_ATIME | LG_ATTR_MTIME)) ||
	    (valid & (LG_ATTR_MODE | LG_ATTR_UID | LG_ATTR_GID | LG_ATTR_SIZE)))
		return 0;
	return lg_meta_write(LG_HOOK_INODE_SETATTR, dentry, 0, 0, false);
}

static __always_inline bool lg_is_terminal_input(unsigned int cmd)
{
	return cmd == LG_TIOCSTI || cmd == LG_TIOCLINUX || cmd == LG_TIOCSETD ||
	       cmd == LG_KDSKBENT || cmd == LG_KDSKBSENT || cmd == LG_KDSETKEYCODE ||
	       cmd == LG_KDSKBMODE || cmd == LG_KDSETMODE || cmd == LG_TIOCCONS;
}

/* The ioctls above: a protection for every confined task, whatever the tty. */
static __always_inline int lg_terminal_input(unsigned int cmd)
{
	static const char sti[] = "typing into a terminal (TIOCSTI)";
	static const char linux[] = "typing into a terminal (TIOCLINUX)";
	static const char setd[] = "a terminal's line discipline (TIOCSETD)";
	static const char keymap[] = "the console's keymap or mode (KDSKBENT, KDSKBSENT, KDSETKEYCODE, "
				     "KDSKBMODE, KDSETMODE)";
	static const char cons[] = "the console's output (TIOCCONS)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (cmd == LG_TIOCSTI)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_TERMINAL,
				       sti, sizeof(sti));
	if (cmd == LG_TIOCLINUX)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_TERMINAL,
				       linux, sizeof(linux));
	if (cmd == LG_TIOCSETD)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_TERMINAL,
				       setd, sizeof(setd));
	if (cmd == LG_TIOCCONS)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_TERMINAL,
				       cons, sizeof(cons));
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_TERMINAL, keymap,
			       sizeof(keymap));
}

/*
 * Somebody else's terminal taken over through a descriptor the task inherited (attack run 31's
 * 3120: a confined member of an administrator's session, a leftover child of an `lsmguard
 * exec` run from a login, may not open the administrator's pty, but its stdin is that pty):
 * TIOCSCTTY (root, after setsid, with 1) took the terminal from the login's session, and
 * TIOCVHANGUP hung it up, killing the login's shell with SIGHUP. On a terminal that is
 * somebody else's (terminal.bpf.h: a pty whose session leader is under another policy or
 * none, a virtual console, the console): TIOCSCTTY is refused while the terminal is another
 * session's (one with no session takes nothing from anyone), TIOCVHANGUP always; a built-in
 * terminal protection, every mode, but for systemd's child in its setup window (a unit's
 * TTYPath=: TTYVHangup=, then acquire_terminal's TIOCSCTTY, as file_open lets it open the
 * terminal). vhangup(2), the same hangup of the caller's own controlling terminal, is refused
 * at its capability (lockdown.bpf.c, CAP_SYS_TTY_CONFIG).
 *
 * Left open (review 57): the foreground. TIOCSPGRP after setpgid (SIGTTOU ignored) made the
 * member the foreground, and setpgid into the foreground group needs no ioctl at all; a rule
 * on TIOCSPGRP alone refused `sudo lsmguard exec bash`'s job control and stopped neither.
 * Nor does an ioctl rule stop setsid() followed by a read (attack31.c's r): job control stops
 * only a reader whose controlling terminal the tty is. Closing the class takes a decision at
 * the read itself (docs/security.md, 3120).
 */
#define LG_TIOCSCTTY 0x540e
#define LG_TIOCVHANGUP 0x5437
#define LG_TTY_MAJOR 4
#define LG_PTY_SLAVE_MAJOR_FIRST 136 /* UNIX98_PTY_SLAVE_MAJOR, 8 majors */
#define LG_PTY_SLAVE_MAJOR_LAST 143

/* The tty of a terminal's descriptor (a pty slave, a virtual console or serial line, /dev/tty,
 * /dev/console), NULL for any other file (a pty master, /dev/ptmx, is its own maker's). */
static __always_inline struct tty_struct *lg_file_tty(struct file *file)
{
	struct inode *inode = file->f_inode;
	struct tty_file_private *priv;
	__u32 rdev, major;

	if (!inode || (inode->i_mode & S_IFMT) != S_IFCHR)
		return NULL;
	rdev = inode->i_rdev;
	major = rdev >> 20;
	if (major != LG_TTY_MAJOR &&
	    (major < LG_PTY_SLAVE_MAJOR_FIRST || major > LG_PTY_SLAVE_MAJOR_LAST) &&
	    rdev != ((5 << 20) | 0) && rdev != ((5 << 20) | 1))
		return NULL;
	priv = (struct tty_file_private *)BPF_CORE_READ(file, private_data);
	return priv ? BPF_CORE_READ(priv, tty) : NULL;
}

static __always_inline int lg_terminal_takeover(struct file *file, unsigned int cmd)
{
	static const char what[] = "taking over somebody else's terminal (TIOCSCTTY, TIOCVHANGUP)";
	const struct lg_policy_value *policy;
	struct tty_struct *tty;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy || lg_in_setup_window())
		return 0;
	tty = lg_file_tty(file);
	if (!tty || !lg_foreign_tty(tty, policy->id))
		return 0;
	if (cmd == LG_TIOCSCTTY && !BPF_CORE_READ(tty, ctrl.session))
		return 0; /* nobody's controlling terminal: taking it takes nothing */
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_TERMINAL, what,
			       sizeof(what));
}

/* SG_IO and NVMe's passthrough on a character device: refused unless raw-disks = allow. */
static __always_inline int lg_disk_command(struct file *file, unsigned int cmd)
{
	static const char what[] = "a disk's own commands (SG_IO, NVMe passthrough ioctls)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFCHR)
		return 0; /* a block device's were decided at its open */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_RAW_DISKS) {
		lg_count_allowed(policy->id, LG_HOOK_FILE_IOCTL);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_IOCTL, LG_BUILTIN_RAW_DISK, what,
			       sizeof(what));
}

/* FIFREEZE, FITHAW and the shutdowns: a protection, whatever the descriptor. */
static __always_inline int lg_filesystem_stop(void)
{
	static const char what[] = "freezing or shutting down a filesystem";

	return lg_current_builtin_deny(LG_HOOK_FILE_IOCTL, LG_BUILTIN_HOST_CONTROL, what,
				       sizeof(what));
}

/* A filesystem's label, UUID, size or boot inode: a protection, whatever the descriptor. */
static __always_inline bool lg_is_filesystem_change(unsigned int cmd)
{
	return cmd == LG_FS_IOC_SETFSLABEL || cmd == LG_EXT4_IOC_SETFSUUID ||
	       cmd == LG_EXT4_IOC_RESIZE_FS || cmd == LG_EXT4_IOC_GROUP_EXTEND ||
	       cmd == LG_EXT4_IOC_GROUP_EXTEND32 || cmd == LG_EXT4_IOC_GROUP_ADD ||
	       cmd == LG_EXT4_IOC32_GROUP_ADD || cmd == LG_EXT4_IOC_SWAP_BOOT ||
	       cmd == LG_XFS_IOC_FSGROWFSDATA || cmd == LG_XFS_IOC_FSGROWFSDATA32 ||
	       cmd == LG_XFS_IOC_FSGROWFSLOG || cmd == LG_XFS_IOC_FSGROWFSRT ||
	       cmd == LG_XFS_IOC_FSGROWFSRT32 || cmd == LG_XFS_IOC_SET_RESBLKS ||
	       cmd == LG_F2FS_IOC_RESIZE_FS;
}

static __always_inline int lg_filesystem_change(void)
{
	static const char what[] = "a filesystem's label, UUID, size, reserved blocks or boot inode";

	return lg_current_builtin_deny(LG_HOOK_FILE_IOCTL, LG_BUILTIN_HOST_CONTROL, what,
				       sizeof(what));
}

/*
 * A file's owner (F_SETOWN, F_SETOWN_EX, FIOSETOWN, SIOCSPGRP): the process or process group its
 * I/O signals, with SIGIO or whatever F_SETSIG names (SIGKILL included), and a socket's urgent
 * data with SIGURG. The signal is sent later by whoever does the I/O (any task, or a packet in
 * softirq), and the kernel compares uids only: a confined root names another service's process
 * and kills it. BPF on 6.1 cannot look a pid up, so a confined task may name here only no one
 * (0), its own process or thread, or its own process group: anything else is refused
 * (LG_BUILTIN_OTHER_POLICY, a protection) unless the policy says signal-others = allow, even a
 * process of its own policy. The owner the kernel really sets is checked again where each signal
 * is sent (protect.bpf.c: fentry/__f_setown, file_send_sigiotask): that covers a second thread
 * rewriting the number between this read and the kernel's, an unreadable number (left to the
 * kernel here), and the owners set on other routes (a tty's O_ASYNC names its foreground
 * process group).
 */
static __always_inline int lg_owner_check(__u8 hook, bool group, __s32 nr)
{
	static const char what[] = "another process as SIGIO owner";
	struct task_struct *task = bpf_get_current_task_btf();
	const struct lg_policy_value *policy;
	struct pid *own = task->thread_pid;
	__u64 cgroup_id = 0;
	unsigned int level;
	struct upid mine;

	if (!nr)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* Numbers are the caller's pid namespace's (find_vpid): its own task's level there. */
	level = BPF_CORE_READ(own, level);
	if (lg_upid_at(own, level, &mine)) {
		if (group && nr == lg_pid_nr_at(BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]),
						 level, mine.ns))
			return 0;
		if (!group && (nr == mine.nr ||
			       nr == lg_pid_nr_at(BPF_CORE_READ(task, group_leader, thread_pid),
						  level, mine.ns)))
			return 0;
	}
	if (policy->flags & LG_POLICY_SYSTEM_SIGNAL_OTHERS) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_OTHER_POLICY, what,
			       sizeof(what));
}

/* F_SETOWN's number: a process, or minus a process group (INT_MIN: the kernel's EINVAL). */
/* An owner the setting checks could not read: a pid no task has (above PID_MAX_LIMIT). */
#define LG_OWNER_UNREAD 0x7fffffff

static __always_inline int lg_owner_number(__u8 hook, __s32 who)
{
	if (who == (__s32)0x80000000)
		return 0;
	return who < 0 ? lg_owner_check(hook, true, -who) : lg_owner_check(hook, false, who);
}

/*
 * /dev/userfaultfd (6.1, a misc device, mode 0600 root): its USERFAULTFD_IOC_NEW hands out a
 * userfaultfd that catches the kernel's own faults on the task's pages (a way to stall the
 * kernel at a chosen point and win its races), which the userfaultfd() system call gives only
 * with CAP_SYS_PTRACE (unless vm.unprivileged_userfaultfd says otherwise), and asks nothing:
 * the device's owner, root, has it (attack run 10). Decided as CAP_SYS_PTRACE under
 * [capabilities]; a user-mode-only one (UFFD_USER_MODE_ONLY), which anyone may have, is not.
 * Other drivers do not use the command's type (0xAA), and only a misc device is looked at.
 * Reported as hook capable (CAP_SYS_PTRACE), as the system call's check would be. In a user
 * namespace too: the system call asks for CAP_SYS_PTRACE in the host's, which no task in
 * another has, and the device (opened before an unshare, or handed in) asks nothing there.
 */
#define LG_USERFAULTFD_IOC_NEW 0xaa00 /* _IO(0xAA, 0x00) */
#define LG_UFFD_USER_MODE_ONLY 1
#ifndef LG_S_IFCHR
#define LG_S_IFCHR 0020000
#endif
#ifndef LG_S_IFMT
#define LG_S_IFMT 00170000
#endif
#define CAP_SYS_PTRACE 19

static __always_inline bool lg_uffd_kernel_faults(struct file *file, unsigned int cmd,
						  unsigned long arg)
{
	struct inode *inode;

	if (cmd != LG_USERFAULTFD_IOC_NEW || (arg & LG_UFFD_USER_MODE_ONLY))
		return false;
	inode = file->f_inode;
	return inode && (inode->i_mode & LG_S_IFMT) == LG_S_IFCHR &&
	       (inode->i_rdev >> 20) == LG_MISC_MAJOR;
}

static __always_inline int lg_ioctl_check(struct file *file, unsigned int cmd, unsigned long arg)
{
	bool efivar;
	__s32 who;

	if (lg_uffd_kernel_faults(file, cmd, arg))
		return lg_cap_direct(CAP_SYS_PTRACE, LG_HOOK_CAPABLE, false, true);

	if (cmd == LG_FIOSETOWN || cmd == LG_SIOCSPGRP) {
		/* Unreadable here (a page not faulted in: this read does not fault, the kernel's
		 * will): refused as an owner that is not the task (review of the session's
		 * changes), which only a caller that never wrote its own argument meets. */
		if (bpf_probe_read_user(&who, sizeof(who), (void *)arg))
			return lg_owner_check(LG_HOOK_FILE_IOCTL, false, LG_OWNER_UNREAD);
		return lg_owner_number(LG_HOOK_FILE_IOCTL, who);
	}
	if (cmd == LG_FIFREEZE || cmd == LG_FITHAW || cmd == LG_FS_SHUTDOWN)
		return lg_filesystem_stop();
	if (lg_is_filesystem_change(cmd))
		return lg_filesystem_change();
	if (lg_is_terminal_input(cmd))
		return lg_terminal_input(cmd);
	if (cmd == LG_TIOCSCTTY || cmd == LG_TIOCVHANGUP)
		return lg_terminal_takeover(file, cmd);
	if (cmd == LG_SG_IO ||
	    (LG_IOC_TYPE(cmd) == 'N' && LG_IOC_NR(cmd) >= 0x40 && LG_IOC_NR(cmd) <= 0x7f))
		return lg_disk_command(file, cmd);
	if (LG_IOC_TYPE(cmd) == LG_BTRFS_IOCTL_MAGIC &&
	    BPF_CORE_READ(file, f_inode, i_sb, s_magic) == LG_BTRFS_SUPER_MAGIC)
		return lg_btrfs_ioctl(file, cmd);
	if (cmd != FS_IOC_SETFLAGS && cmd != FS_IOC32_SETFLAGS && cmd != FS_IOC_FSSETXATTR &&
	    cmd != FS_IOC_ENABLE_VERITY)
		return 0;
	/* A UEFI variable (efivarfs keeps them immutable until chattr -i, and then a write or
	 * an unlink reaches the firmware): a kernel setting (knobs.bpf.h), a protection. The
	 * other filesystems of knobs.bpf.h have no inode flags. */
	efivar = BPF_CORE_READ(file, f_inode, i_sb, s_magic) == EFIVARFS_MAGIC;
	return lg_meta_write(LG_HOOK_FILE_IOCTL, file->f_path.dentry, file->f_path.mnt,
			     efivar ? LG_BUILTIN_KNOB : 0, false);
}

/*
 * A lease (fcntl F_SETLEASE): while it is held, every other process's open of the file waits
 * for the holder (lease-break-time, 45 s by default) or fails with EAGAIN, and the holder can
 * take a new one after each break: lsmguard's policy files at every reload, /etc/passwd...
 * Decided as a write at the file's path (the kernel asks only for ownership or CAP_LEASE).
 */
SEC("lsm/file_fcntl")
int BPF_PROG(lg_file_fcntl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	struct f_owner_ex owner;

	if (ret)
		return ret;
	if (cmd == LG_F_SETOWN)
		return lg_owner_number(LG_HOOK_FILE_FCNTL, (__s32)arg);
	if (cmd == LG_F_SETOWN_EX) {
		if (bpf_probe_read_user(&owner, sizeof(owner), (void *)arg))
			return lg_owner_check(LG_HOOK_FILE_FCNTL, false, LG_OWNER_UNREAD);
		return lg_owner_check(LG_HOOK_FILE_FCNTL, owner.type == LG_F_OWNER_PGRP, owner.pid);
	}
	if (cmd != LG_F_SETLEASE || arg == LG_F_UNLCK)
		return 0;
	return lg_meta_write(LG_HOOK_FILE_FCNTL, file->f_path.dentry, file->f_path.mnt, 0, false);
}

SEC("lsm/file_ioctl")
int BPF_PROG(lg_file_ioctl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	if (ret)
		return ret;
	return lg_ioctl_check(file, cmd, arg);
}

/*
 * The 32-bit system call (int $0x80, a 32-bit program) has its own hook since 6.8, backported
 * to 6.1.y (Debian's 6.1 has it); a kernel without it calls file_ioctl there too, and lsmguard
 * then leaves this program out (enforcer/bpf_state.c). Reported as file_ioctl.
 */
SEC("lsm/file_ioctl_compat")
int BPF_PROG(lg_file_ioctl_compat, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	if (ret)
		return ret;
	return lg_ioctl_check(file, cmd, arg);
}
