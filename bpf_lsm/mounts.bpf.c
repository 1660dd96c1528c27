// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mounts: fentry/unhash_mnt, fentry/umount_tree, lsm/sb_delete.
 *
 * The walk (path.bpf.h) anchors at the host path the daemon's mount table gives a mount root,
 * and the verdict caches keep what such walks decided. The daemon rewrites the table when its
 * mountinfo signals a change, a moment after the change: until then, a mount moved into a
 * denied directory (or unmounted) would still be decided at its old path. These programs close
 * that window in the kernel. Before a mount of the host namespace leaves its place, they record
 * its root and the roots of every mount beneath it (they move or go with it) in
 * lg_mount_changes, and bump the caches' kernel epoch. From then on the walk passes over those
 * entries (lg_anchor_trusted) and decides through the live mount tree, uncached, until the
 * daemon has read its mountinfo again.
 *
 * Why these two functions: on 6.1 every mount that leaves its mount point goes through
 * unhash_mnt (MS_MOVE and move_mount, pivot_root; umount via umount_mnt) or is first gathered by
 * umount_tree (umount, lazy umount, a mount point removed in another namespace, propagated
 * umounts), and neither is inlined into a caller (checked in Debian's 6.1 cloud kernel: both
 * are in kallsyms and in available_filter_functions, and every call to them is a call). Both run
 * with namespace_sem held for writing, which readers of mountinfo hold for reading: the daemon
 * reads LG_EPOCH_MOUNT_CHANGES before its mountinfo, so a change it has counted is one its
 * mountinfo shows. A mount arriving (attach, bind, propagation) needs nothing: a mount root's
 * entry is its filesystem path, which a new mount elsewhere does not change.
 *
 * Why a racing walk cannot cache a stale allow: the records are written, then the epoch
 * bumped, before the change is made. A walk that read the cache tag before the bump stores its
 * slot under the old tag, which no lookup accepts after the bump; a walk that read it after the
 * bump finds the records, so it crosses the mount tree and caches nothing.
 *
 * One kind of leaving is not an unmount: a mount the kernel detaches because the name it stood
 * on went away (umount_tree's UMOUNT_CONNECTED). Its tree's roots are marked instead
 * (lg_mount_detached) and their records stay trusted: the names do not move (lg_mount_leaving).
 * A mark goes, and its record is made suspect as above, when its filesystem's superblock is
 * shut down (lsm/sb_delete: the device number may be the next filesystem's).
 *
 * Not covered: changes in other mount namespaces (their paths are not the table's), and a
 * daemon that is not running (nothing rewrites the table: entries stay suspect, so walks go
 * through the live tree).
 */
#include "path.bpf.h"
#include "mounted.bpf.h" /* lg_mount_tree_next */

#define LG_MOUNT_WALK_STEPS (4 * LG_MAX_MOUNTS) /* two steps per mount, twice the table */

char LICENSE[] SEC("license") = "GPL";

/* A walk over a tree of mounts, one edge a step (bpf_loop). */
struct lg_mount_tree_walk {
	struct mount *root;
	struct mount *at;
	__u64 change; /* LG_EPOCH_MOUNT_CHANGES for this change */
	bool leaving; /* every mount below at is done */
	bool done;
	bool overflow; /* a record could not be written */
	bool detached; /* d_invalidate's detach: marks in lg_mount_detached, not lg_mount_changes */
	bool unmark;   /* take this walk's marks back (the marking overflowed) */
};

static __always_inline void lg_mount_record(struct mount *m, struct lg_mount_tree_walk *w)
{
	struct dentry *root = BPF_CORE_READ(m, mnt.mnt_root);
	struct lg_inode_key key = {
	    .dev = lg_inode_dev((__u64)BPF_CORE_READ(root, d_inode), 0),
	    .ino = BPF_CORE_READ(root, d_inode, i_ino),
	};
	__u64 *changed;

	if (w->unmark) {
		bpf_map_delete_elem(&lg_mount_detached, &key);
		return;
	}
	if (w->detached) {
		/* Only a mount of a filesystem's root: a bind of a directory has no record of its
		 * own to keep (a mark of it made its whole filesystem's records unnamed). */
		if (root != BPF_CORE_READ(m, mnt.mnt_sb, s_root))
			return;
		if (bpf_map_update_elem(&lg_mount_detached, &key, &w->change, BPF_ANY))
			w->overflow = true;
		return;
	}
	changed = bpf_map_lookup_elem(&lg_mount_changes, &key);
	/* In place when present: a rewritten element would be reused at once (see apply.c). */
	if (changed)
		*changed = w->change;
	else if (bpf_map_update_elem(&lg_mount_changes, &key, &w->change, BPF_NOEXIST))
		w->overflow = true;
}

static long lg_mount_tree_step(__u32 index, void *ctx)
{
	struct lg_mount_tree_walk *w = ctx;

	if (!w->leaving)
		lg_mount_record(w->at, w);
	w->done = lg_mount_tree_next(w->root, &w->at, &w->leaving);
	return w->done;
}

/* A record the daemon's table has caught up with holds nothing: make room. */
static long lg_mount_prune(struct bpf_map *map, struct lg_inode_key *key, __u64 *changed,
			   __u64 *table)
{
	if (*changed <= *table)
		bpf_map_delete_elem(map, key);
	return 0;
}

static __always_inline void lg_mount_leaving(struct mount *mnt, bool detached)
{
	__u32 zero = 0, changes_index = LG_EPOCH_MOUNT_CHANGES, table_index = LG_EPOCH_MOUNT_TABLE;
	__u32 all_index = LG_EPOCH_MOUNT_ALL;
	struct lg_mount_tree_walk w = {.root = mnt, .at = mnt};
	__u64 *changes, *table, *all;
	struct lg_config *config;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config || !config->mount_ns || BPF_CORE_READ(mnt, mnt_ns, ns.inum) != config->mount_ns)
		return; /* not a mount of the table's namespace (umount_tree has gathered it) */
	changes = bpf_map_lookup_elem(&lg_epochs, &changes_index);
	table = bpf_map_lookup_elem(&lg_epochs, &table_index);
	all = bpf_map_lookup_elem(&lg_epochs, &all_index);
	if (!changes || !table || !all)
		return;
	/*
	 * Detached by the kernel because the mount point's name went away (umount_tree's
	 * UMOUNT_CONNECTED, from __detach_mounts only: d_invalidate, and a name removed in another
	 * namespace). Whoever serves a FUSE or network filesystem decides when a name on it goes
	 * (FUSE_NOTIFY_INVAL_ENTRY, or an answer to the lookup that revalidates it), with no hook
	 * of its own; the mounts of the roots in the tree are gone from their places, and another
	 * mount of one of them (a bind made elsewhere) would become its record: its files renamed
	 * past every rule written at the first place (attack run 25's 2500). The roots are marked
	 * instead, and their records keep their names: the walk goes on trusting them, and the
	 * daemon keeps them while another mount of the root stays (apply.c). No mark written
	 * (the map full): made suspect as an unmount, the names follow the live tree.
	 */
	if (detached) {
		w.detached = true;
		/* counted as a change (the daemon spends no mark newer than its reading), with no
		 * record made suspect: lg_anchor_trusted finds none for these roots */
		w.change = __sync_fetch_and_add(changes, 1) + 1;
		bpf_loop(LG_MOUNT_WALK_STEPS, lg_mount_tree_step, &w, 0);
		if (w.done && !w.overflow) {
			lg_epoch_bump();
			return;
		}
		/* not every root marked: none is (the tree is handled as an unmount, whole) */
		w.at = mnt;
		w.detached = w.leaving = w.done = w.overflow = false;
		w.unmark = true;
		bpf_loop(LG_MOUNT_WALK_STEPS, lg_mount_tree_step, &w, 0);
		w.at = mnt;
		w.unmark = w.leaving = w.done = w.overflow = false;
	}
	w.change = __sync_fetch_and_add(changes, 1) + 1;
	bpf_loop(LG_MOUNT_WALK_STEPS, lg_mount_tree_step, &w, 0);
	if (w.overflow) {
		__u64 caught_up = *table;

		bpf_for_each_map_elem(&lg_mount_changes, lg_mount_prune, &caught_up, 0);
		w.at = mnt;
		w.leaving = w.done = w.overflow = false;
		bpf_loop(LG_MOUNT_WALK_STEPS, lg_mount_tree_step, &w, 0);
	}
	if (!w.done || w.overflow)
		*all = w.change; /* too many to record one by one: every entry is suspect */
	lg_epoch_bump();
}

SEC("fentry/unhash_mnt")
int BPF_PROG(lg_mount_unhash, struct mount *mnt)
{
	lg_mount_leaving(mnt, false);
	return 0;
}

SEC("fentry/umount_tree")
int BPF_PROG(lg_mount_umount_tree, struct mount *mnt, enum umount_tree_flags how)
{
	lg_mount_leaving(mnt, how & bpf_core_enum_value(enum umount_tree_flags, UMOUNT_CONNECTED));
	return 0;
}

/*
 * A superblock shut down (generic_shutdown_super, before kill_anon_super frees its device
 * number for the next filesystem's): a mark of its root (lg_mount_detached) goes, and the
 * record it kept is made suspect, as an unmount's is. Otherwise a filesystem mounted next with
 * the same device number and root inode (a tmpfs's or a FUSE root's inode 1) would be named at
 * the detached mount's point by the trusted record (review 51, H3).
 */
struct lg_sb_gone {
	__u32 dev;
	__u64 change; /* LG_EPOCH_MOUNT_CHANGES for this change, once a mark matched */
};

static long lg_mount_unmark_dev(struct bpf_map *map, struct lg_inode_key *key, __u64 *value,
				struct lg_sb_gone *g)
{
	__u32 changes_index = LG_EPOCH_MOUNT_CHANGES, all_index = LG_EPOCH_MOUNT_ALL;
	struct lg_inode_key k = *key;
	__u64 *changes, *all;

	if (k.dev != g->dev)
		return 0;
	if (!g->change) {
		changes = bpf_map_lookup_elem(&lg_epochs, &changes_index);
		if (!changes)
			return 1;
		g->change = __sync_fetch_and_add(changes, 1) + 1;
	}
	if (bpf_map_update_elem(&lg_mount_changes, &k, &g->change, BPF_ANY)) {
		all = bpf_map_lookup_elem(&lg_epochs, &all_index);
		if (all)
			*all = g->change; /* no room for the record: every entry is suspect */
	}
	bpf_map_delete_elem(map, &k);
	return 0;
}

SEC("lsm/sb_delete")
int BPF_PROG(lg_mount_sb_gone, struct super_block *sb)
{
	struct lg_sb_gone g = {.dev = BPF_CORE_READ(sb, s_dev)};

	bpf_for_each_map_elem(&lg_mount_detached, lg_mount_unmark_dev, &g, 0);
	if (g.change)
		lg_epoch_bump();
	return 0;
}
