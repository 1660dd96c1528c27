/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mount namespaces: whether a task is in the host's (lsmguard's). The mount hooks
 * (mount.bpf.c) and the names with a mount on them (mounted.bpf.c) decide by it.
 */
#ifndef LSMGUARD_MOUNTED_BPF_H
#define LSMGUARD_MOUNTED_BPF_H

#include "common.bpf.h"

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

/*
 * What a lazy unmount (MNT_DETACH) of a mount takes with it: the whole subtree. An unmount
 * propagates to the peers of each unmounted mount's parent: where that parent is shared, the
 * mounts at the same place under its peers, the host's among them, go too; so each mount in
 * the subtree that has mounts of its own is a parent whose sharing counts (attack run 25's
 * 2503 and 2506: a service that made "/" private but not recursively unmounted its copy of a
 * shared /sys lazily, and the host lost /sys/fs/bpf, lsmguard's pins). One edge a step
 * (bpf_loop), as mounts.bpf.c walks a tree.
 */
#define LG_UMOUNT_WALK_STEPS (4 * LG_MAX_MOUNTS)
#define MNT_DETACH 2
#ifndef MNT_SHARED
#define MNT_SHARED 0x1000 /* vfsmount.mnt_flags: in a peer group (include/linux/mount.h, 6.1) */
#endif

struct lg_umount_walk {
	struct mount *root;
	struct mount *at;
	__u32 pin_dev; /* lsmguard's bpffs (0: not looked for) */
	bool leaving;  /* every mount below at is done */
	bool done;
	bool shared; /* a mount with mounts of its own is shared */
	bool pins;   /* lsmguard's bpffs is in the subtree, under a shared parent */
};

static long lg_umount_step(__u32 index, void *ctx)
{
	struct lg_umount_walk *w = ctx;
	struct mount *m = w->at, *parent;
	struct list_head *next;

	if (!w->leaving) {
		/* lsmguard's bpffs under a shared parent: its unmount reaches the parent's
		 * peers, the host's copy among them (a slave or private copy reaches nothing:
		 * runc's, bwrap's and systemd's pivot_root then umount -l of the old root) */
		if (w->pin_dev && BPF_CORE_READ(m, mnt.mnt_sb, s_magic) == BPF_FS_MAGIC &&
		    BPF_CORE_READ(m, mnt.mnt_sb, s_dev) == w->pin_dev &&
		    (BPF_CORE_READ(m, mnt_parent, mnt.mnt_flags) & MNT_SHARED))
			w->pins = true;
		next = BPF_CORE_READ(m, mnt_mounts.next);
		if ((void *)next != (void *)m + bpf_core_field_offset(struct mount, mnt_mounts)) {
			if (BPF_CORE_READ(m, mnt.mnt_flags) & MNT_SHARED)
				w->shared = true;
			w->at = (void *)next - bpf_core_field_offset(struct mount, mnt_child);
			return 0;
		}
		w->leaving = true;
	}
	if (m == w->root) {
		w->done = true;
		return 1;
	}
	parent = BPF_CORE_READ(m, mnt_parent);
	next = BPF_CORE_READ(m, mnt_child.next);
	if ((void *)next != (void *)parent + bpf_core_field_offset(struct mount, mnt_mounts)) {
		w->at = (void *)next - bpf_core_field_offset(struct mount, mnt_child);
		w->leaving = false;
		return 0;
	}
	w->at = parent;
	return 0;
}

/* Walk mnt's subtree into *w (w->done false: too big to walk whole). */
static __always_inline void lg_umount_walk(struct vfsmount *mnt, __u32 pin_dev,
					   struct lg_umount_walk *w)
{
	struct mount *m = (void *)mnt - bpf_core_field_offset(struct mount, mnt);

	*w = (struct lg_umount_walk){.root = m, .at = m, .pin_dev = pin_dev};
	bpf_loop(LG_UMOUNT_WALK_STEPS, lg_umount_step, w, 0);
}

#endif /* LSMGUARD_MOUNTED_BPF_H */
