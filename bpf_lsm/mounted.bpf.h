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
 * the subtree that has mounts of its own is a parent whose peers count (attack run 25's
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
	bool reaches_out;     /* a mount with mounts of its own propagates out of its namespace */
	bool any_reaches_out; /* any mount in the subtree propagates out of its namespace */
	bool pins;	      /* lsmguard's bpffs is in the subtree, its unmount seen elsewhere */
};

/* 6.1's struct mount keeps its slaves on a list_head (an hlist in the kernels after it, as in
 * include/vmlinux.h): this flavour reads it as 6.1 lays it out. */
struct mount___lg61 {
	struct list_head mnt_slave_list;
} __attribute__((preserve_access_index));

/* 6.1's mnt_namespace: seq 0 is an anonymous namespace (is_anon_ns), the detached tree of an
 * open_tree clone or an fsmount; ns.count its references. Later kernels name both otherwise. */
struct ns_common___lg61 {
	refcount_t count;
} __attribute__((preserve_access_index));

struct mnt_namespace___lg61 {
	struct ns_common___lg61 ns;
	__u64 seq;
} __attribute__((preserve_access_index));

/*
 * The mount namespaces that a task under a policy with mount = namespace made (copy_mnt_ns:
 * unshare, clone; systemd's child making a unit's namespace in its cgroup), by their sequence
 * number (6.1's mnt_namespace.seq, never reused; 0 for an anonymous one): 32 bits of the
 * policy's identity, the same at every load. mount = namespace covers a namespace of its own
 * policy only, not one it entered by setns (attack run 27's 2701: an nsfs bind of a namespace
 * the administrator made, entered and mounted in). A namespace's record goes with its last
 * reference (put_mnt_ns); past 16,384 live ones, the least recently used are forgotten first:
 * a namespace forgotten is no longer the service's (fail closed). So that one policy's
 * namespaces cannot push out another's (its service's mounts refused from then on), a policy
 * has at most LG_MOUNT_NS_PER_POLICY recorded at once (lg_mount_ns_counts): a namespace made
 * past that is not its own, and its mounts are refused (review 50's open item). The map is
 * the loaded object's, not pinned apart: a fresh load (not a restart that adopts the pins)
 * knows no namespace from before it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);
} lg_mount_ns_owners __weak SEC(".maps");

/*
 * Namespaces recorded per policy identity. A record pushed out of the LRU map, or one whose
 * put the program did not see (two last references put at once: each sees the other's), is
 * not taken off its count: the count can only err high, and a policy whose namespaces leak so
 * a thousand times has its newest refused (fail closed) until lsmguard is loaded afresh.
 */
#define LG_MOUNT_NS_PER_POLICY 1024
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} lg_mount_ns_counts __weak SEC(".maps");

/* Whether ns is a mount namespace that policy's tasks made, or an anonymous one (a detached
 * tree of open_tree or fsmount, attached only where its holder may mount). */
static __always_inline bool lg_mount_ns_made_by(const struct lg_policy_value *policy,
						struct mnt_namespace *ns)
{
	struct mnt_namespace___lg61 *n = (void *)ns;
	__u32 *owner;
	__u64 seq;

	if (!ns)
		return false;
	seq = BPF_CORE_READ(n, seq);
	if (!seq)
		return true;
	owner = bpf_map_lookup_elem(&lg_mount_ns_owners, &seq);
	return owner && *owner == (__u32)policy->identity;
}

/* Whether a peer in namespace ns stays with the caller: ns is the mount's own, the caller's, or
 * anonymous (a detached tree: open_tree and its clone source must be in the caller's
 * namespace, the kernel's check_mnt, and it is attached only where its holder mounts it). */
static __always_inline bool lg_peer_ns_local(struct mnt_namespace *ns, struct mnt_namespace *own,
					     struct mnt_namespace *caller)
{
	struct mnt_namespace___lg61 *n = (void *)ns;

	return ns == own || ns == caller || (ns && BPF_CORE_READ(n, seq) == 0);
}

#define LG_PEERS_WALKED 16

/*
 * Whether a mount attached, moved or unmounted under m reaches a mount of another namespace
 * by propagation: m is shared, and its peer group holds a mount of a namespace that is neither
 * m's, nor the caller's, nor a detached tree's (lg_peer_ns_local), or has slaves (wherever
 * they are: a slave of the group may be the host's, as when the host makes its copy of a
 * mount a slave while a service's namespace holds a peer of it), or more peers than are
 * looked at. A peer group of the namespace's own reaches nothing outside it: systemd's unit
 * namespace is made slave, then shared again (MountFlags= defaults to shared), and each of its
 * mounts is then a peer group of one, a slave of the host's (review 48 M2: the shared flag
 * alone refused such a unit's own mounts under mount = namespace). Only a mount of the
 * namespace, or an open_tree clone of one, can join such a group (a bind's or a clone's source
 * is in the caller's namespace, the kernel's check_mnt), and a namespace copied from it
 * (unshare) makes peers in that copy, which this then counts.
 */
static __always_inline bool lg_mount_propagates_out(struct mount *m)
{
	struct mnt_namespace *ns, *caller;
	struct list_head *next;
	struct mount *p = m;
	int i;

	if (!(BPF_CORE_READ(m, mnt.mnt_flags) & MNT_SHARED))
		return false;
	ns = BPF_CORE_READ(m, mnt_ns);
	caller = lg_current_mount_ns();
	for (i = 0; i < LG_PEERS_WALKED; i++) {
		struct mount___lg61 *q = (void *)p;

		if (!lg_peer_ns_local(BPF_CORE_READ(p, mnt_ns), ns, caller) ||
		    (void *)BPF_CORE_READ(q, mnt_slave_list.next) !=
			(void *)q + bpf_core_field_offset(struct mount___lg61, mnt_slave_list))
			return true;
		next = BPF_CORE_READ(p, mnt_share.next);
		p = (void *)next - bpf_core_field_offset(struct mount, mnt_share);
		if (p == m)
			return false;
	}
	return true;
}

/*
 * One edge of a walk over root's subtree, each mount visited before its children (the caller
 * visits *at while !*leaving, then steps): down to *at's first child, else to its next
 * sibling, else up. Returns true when the walk is back at root, every mount visited.
 * mounts.bpf.c's records and the unmount check below walk with it.
 */
static __always_inline bool lg_mount_tree_next(struct mount *root, struct mount **at,
					       bool *leaving)
{
	struct mount *m = *at, *parent;
	struct list_head *next;

	if (!*leaving) {
		next = BPF_CORE_READ(m, mnt_mounts.next);
		if ((void *)next != (void *)m + bpf_core_field_offset(struct mount, mnt_mounts)) {
			*at = (void *)next - bpf_core_field_offset(struct mount, mnt_child);
			return false;
		}
		*leaving = true;
	}
	if (m == root)
		return true;
	parent = BPF_CORE_READ(m, mnt_parent);
	next = BPF_CORE_READ(m, mnt_child.next);
	if ((void *)next != (void *)parent + bpf_core_field_offset(struct mount, mnt_mounts)) {
		*at = (void *)next - bpf_core_field_offset(struct mount, mnt_child);
		*leaving = false;
		return false;
	}
	*at = parent;
	return false;
}

static long lg_umount_step(__u32 index, void *ctx)
{
	struct lg_umount_walk *w = ctx;
	struct mount *m = w->at;

	if (!w->leaving && w->pin_dev) {
		/* lsmguard's bpffs whose unmount the host sees: in the host's namespace, or under
		 * a parent whose peers reach another (the host's copy among them). A copy in a
		 * namespace of its own, slave or private, or shared only within it, reaches
		 * nothing: runc's, bwrap's and systemd's pivot_root then umount -l of the old
		 * root, a unit's umount -l in its namespace (review 48's L2) */
		if (BPF_CORE_READ(m, mnt.mnt_sb, s_magic) == BPF_FS_MAGIC &&
		    BPF_CORE_READ(m, mnt.mnt_sb, s_dev) == w->pin_dev &&
		    (lg_mount_ns_is_host(BPF_CORE_READ(m, mnt_ns)) ||
		     lg_mount_propagates_out(BPF_CORE_READ(m, mnt_parent))))
			w->pins = true;
	} else if (!w->leaving && lg_mount_propagates_out(m)) {
		w->any_reaches_out = true;
		/* a mount with mounts of its own: where its peers are counts for an unmount */
		if (BPF_CORE_READ(m, mnt_mounts.next) !=
		    (void *)m + bpf_core_field_offset(struct mount, mnt_mounts))
			w->reaches_out = true;
	}
	w->done = lg_mount_tree_next(w->root, &w->at, &w->leaving);
	return w->done;
}

/* Walk the subtree of mount m into *w (w->done false: too big to walk whole). */
static __always_inline void lg_umount_walk_mount(struct mount *m, __u32 pin_dev,
						 struct lg_umount_walk *w)
{
	*w = (struct lg_umount_walk){.root = m, .at = m, .pin_dev = pin_dev};
	bpf_loop(LG_UMOUNT_WALK_STEPS, lg_umount_step, w, 0);
}

static __always_inline void lg_umount_walk(struct vfsmount *mnt, __u32 pin_dev,
					   struct lg_umount_walk *w)
{
	lg_umount_walk_mount((void *)mnt - bpf_core_field_offset(struct mount, mnt), pin_dev, w);
}

/*
 * Whether a subtree holds a mount whose peers reach another namespace (lg_mount_propagates_out),
 * or more mounts than a walk sees: the whole namespace's tree (mnt NULL: the current task's),
 * or a tree about to be moved. A bind or a move there may put a peer of the host's mounts
 * where the service's own mounts and unmounts are decided (mount.bpf.c, lg_bind_may_reach_out).
 */
static __always_inline bool lg_mount_tree_reaches_out(struct vfsmount *mnt)
{
	struct lg_umount_walk w;
	struct mount *root;

	if (mnt)
		root = (void *)mnt - bpf_core_field_offset(struct mount, mnt);
	else
		root = BPF_CORE_READ(lg_current_mount_ns(), root);
	if (!root)
		return true;
	lg_umount_walk_mount(root, 0, &w);
	return w.any_reaches_out || !w.done;
}

/* A walk over mnt's children for one that is mounted on point. */
struct lg_cover_walk {
	struct dentry *point;
	struct list_head *head; /* mnt's list of children */
	struct list_head *at;
	bool covered;
	bool done;
};

static long lg_cover_step(__u32 index, void *ctx)
{
	struct lg_cover_walk *w = ctx;
	struct mount *child;

	if (w->at == w->head) {
		w->done = true;
		return 1;
	}
	child = (void *)w->at - bpf_core_field_offset(struct mount, mnt_child);
	if (BPF_CORE_READ(child, mnt_mountpoint) == w->point) {
		w->covered = w->done = true;
		return 1;
	}
	w->at = BPF_CORE_READ(child, mnt_child.next);
	return 0;
}

#define DCACHE_MOUNTED 0x00010000 /* include/linux/dcache.h, 6.1: a mount point somewhere */

/*
 * Whether a mount covers dentry in mnt: a mount made there would go on top of the topmost
 * mount at that place (the kernel's lock_mount), not at the name a hook is given. The dentry's
 * flag says a mount is on it in some mount; mnt's children say whether in this one. A list too
 * long to walk counts as covered.
 */
static __always_inline bool lg_mount_covered(struct vfsmount *mnt, struct dentry *dentry)
{
	struct mount *m = (void *)mnt - bpf_core_field_offset(struct mount, mnt);
	struct lg_cover_walk w = {.point = dentry};

	if (!dentry || !(BPF_CORE_READ(dentry, d_flags) & DCACHE_MOUNTED))
		return false;
	w.head = (void *)m + bpf_core_field_offset(struct mount, mnt_mounts);
	w.at = BPF_CORE_READ(m, mnt_mounts.next);
	bpf_loop(LG_UMOUNT_WALK_STEPS, lg_cover_step, &w, 0);
	return w.covered || !w.done;
}

#endif /* LSMGUARD_MOUNTED_BPF_H */
