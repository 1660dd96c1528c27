/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path decisions for files and exec.
 *
 * An object's path is rebuilt from its dentry and its ancestors in the filesystem (d_parent),
 * not from the caller's view of the mount tree: a bind mount or a chroot made in a new mount
 * namespace changes the caller's view, not the filesystem's, so a rule on a directory still
 * covers everything beneath it however that directory is reached. The walk stops at a mount
 * root that the host mount namespace knows (lg_mounts, filled by lsmguard from its own
 * mountinfo), which gives the host path of the mount point. The root of a kernel filesystem
 * (procfs, sysfs, cgroup2, bpffs and the others of LG_FSTYPE_ANCHORS) is named by its type,
 * wherever it is mounted. Another filesystem root the host does not know (a filesystem mounted
 * after load, or only inside a namespace) is crossed into its parent mount, as Landlock does,
 * for reads and writes; a program there is anonymous to [exec] (its path means nothing: the
 * mounter chose what lies there).
 *
 * Then each prefix of the path is hashed and looked up, from the root down: the deepest rule
 * wins, so the cost is one lookup per component and does not depend on the number of rules.
 * Deeper than LG_PATH_DEPTH_MAX components, or more steps than the walk allows, is decided
 * deny (fail closed) and flagged LG_EVENT_WALK_LIMIT; so is a disconnected dentry (a file opened
 * by handle before its name was looked up: no path leads to it), flagged LG_EVENT_DISCONNECTED.
 * Both follow the policy's mode: in audit mode they are reported.
 *
 * A regular file with more than one name may also have an original name recorded in lg_links
 * (see links.bpf.c): its prefixes are looked up too, and a deny there wins.
 *
 * The task's own directory in a procfs (/proc/1234 for a task of process 1234) is hashed as
 * "self", so a rule on /proc/self/oom_score_adj covers each task's own file and nobody else's.
 * Which directory is the task's own is decided by the process the procfs inode belongs to
 * (proc_inode->pid), not by the number in its name: it holds in any pid namespace. Such a
 * verdict depends on the task, so nothing under a procfs root is cached.
 */
#ifndef LSMGUARD_PATH_BPF_H
#define LSMGUARD_PATH_BPF_H

#include "cache.bpf.h"

#define LG_WALK_STEPS (LG_PATH_DEPTH_MAX + 1 + 8) /* components plus mount crossings */
#define LG_NAME_WORDS ((LG_NAME_MAX + 1) / 8)
#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_IFCHR 0020000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFLNK 0120000
#define PROC_SUPER_MAGIC 0x9fa0
#define DCACHE_DISCONNECTED 0x20 /* include/linux/dcache.h, 6.1 */
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

#define LG_FSTYPE_MAGIC_IS(name, magic, path) || m == (magic)
/* Whether a filesystem of this magic is named by its type (LG_FSTYPE_ANCHORS). */
static __always_inline bool lg_fstype_anchored(unsigned long m)
{
	return false LG_FSTYPE_ANCHORS(LG_FSTYPE_MAGIC_IS);
}
#undef LG_FSTYPE_MAGIC_IS
#define LG_SELF_WORD 0x666c6573ULL /* "self" as the little-endian word lg_walk_step hashes */

struct lg_path_verdict {
	__u32 rule;
	bool deny;
	__u8 flags; /* LG_EVENT_WALK_LIMIT, LG_EVENT_HARDLINK, LG_EVENT_BUILTIN */
	__u8 builtin; /* enum lg_builtin, with LG_EVENT_BUILTIN */
	/* For the event: how the path was found (the walk's details stay in the scratch). */
	bool linked;   /* LG_EVENT_HARDLINK: the path is the link record's */
	int components;
	__u32 stamp;   /* the walk's run mark, also in its scratch (lg_scratch_of); 0: none */
	__u64 object; /* the object's path hash: identifies it for the event rate limit */
	bool cacheable; /* depends on nothing a verdict cache does not check (cache.bpf.h) */
};

/* Make v a built-in's deny verdict (reason builtin); the walk's path stays for the event. */
static __always_inline void lg_verdict_builtin(struct lg_path_verdict *v, __u8 builtin)
{
	v->deny = true;
	v->rule = 0;
	v->flags = LG_EVENT_BUILTIN;
	v->builtin = builtin;
	v->linked = false;
	v->cacheable = false;
}

/* A verdict of the protected objects' records: lsmguard's own or host code (LG_PROTECTED_HOST). */
static __always_inline bool lg_builtin_protected_object(__u8 builtin)
{
	return builtin == LG_BUILTIN_PROTECTED || builtin == LG_BUILTIN_HOST_CODE;
}

static __always_inline struct mount *lg_real_mount(struct vfsmount *mnt)
{
	return (void *)mnt - bpf_core_field_offset(struct mount, mnt);
}

/*
 * One step of the walk: extend step->hash by the component step->name (if any), then look the
 * prefix up; when a rule applies there (the exact slot for the object itself, else the subtree
 * slot), it replaces the verdict so far: the deepest prefix with a rule wins.
 *
 * A global function (not static): the verifier checks it once, on its own, instead of once per
 * call inside the walk's loop, which would take the programs past its 1M-instruction limit.
 * __weak because every hook family's object includes it; the linker keeps one.
 */
__weak __noinline int lg_walk_step(struct lg_walk_step *step)
{
	struct lg_path_key key = {};
	struct lg_path_value *value;
	unsigned slot;
	__u32 len;
	__u64 h;

	if (!step)
		return 0;
	h = step->hash;
	if (step->name) {
		len = step->len;
		if (len > LG_NAME_MAX)
			len = LG_NAME_MAX;
		bpf_probe_read_kernel(step->words, len & 0xff, (const void *)step->name);
		h = lg_hash_component_start(h, len);
		for (int w = 0; w < LG_NAME_WORDS; w++) {
			__u32 rest = len - w * 8;
			__u64 word;

			if ((__u32)w * 8 >= len)
				break;
			word = step->words[w];
			if (rest < 8)
				word &= (1ULL << (rest * 8)) - 1;
			h = lg_hash_mix(h, word);
		}
		step->hash = h;
	}
	if (!step->policy)
		return 0; /* hashing only (recording a link) */
	key.hash = h;
	if (step->write) {
		/* lsmguard's own objects, under the first id of the policy's bank: one lookup more
		 * per prefix, for writes only. */
		key.policy = step->policy > LG_MAX_POLICIES ? LG_MAX_POLICIES + 1 : 1;
		key.class = LG_PATH_CLASS_PROTECTED;
		value = bpf_map_lookup_elem(&lg_paths, &key);
		if (value && (value->deny_mask & ((1u << LG_SLOT_TREE_WRITE) |
						  (step->object ? 1u << LG_SLOT_EXACT_WRITE : 0))))
		{
			/* Host code: a rule at this prefix or below names it (LG_STEP_HOST_NAMED
			 * again below); one above it, such as allow-write = /, does not. */
			if (value->deny_mask & LG_PROTECTED_HOST)
				step->protected = (step->protected | LG_STEP_HOST_CODE) &
						  ~LG_STEP_HOST_NAMED;
			else
				step->protected |= LG_STEP_PROTECTED;
		}
	}
	key.policy = step->policy;
	key.class = step->class;
	value = bpf_map_lookup_elem(&lg_paths, &key);
	if (!value)
		return 0;
	slot = LG_SLOT_TREE_READ + (step->write & 1);
	if (step->object && value->rule[LG_SLOT_EXACT_READ + (step->write & 1)])
		slot = LG_SLOT_EXACT_READ + (step->write & 1);
	slot &= 3;
	if (!value->rule[slot])
		return 0;
	step->rule = value->rule[slot];
	step->deny = (value->deny_mask >> slot) & 1;
	if (step->protected & LG_STEP_HOST_CODE)
		step->protected |= LG_STEP_HOST_NAMED;
	return 0;
}

/*
 * At a procfs root, with the dentry just below it recorded last: when that is the directory of
 * the current task's process, mark it to be hashed as "self".
 */
static __always_inline void lg_walk_mark_self(struct lg_scratch *scratch, struct dentry *root)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct proc_inode *pi;
	struct dentry *child;
	struct inode *inode;
	__u32 n = scratch->count;

	scratch->procfs = 1;
	if (n < 1 || n > LG_PATH_DEPTH_MAX || scratch->self_at)
		return;
	child = (struct dentry *)scratch->dentries[(n - 1) & (LG_PATH_DEPTH_MAX - 1)];
	inode = BPF_CORE_READ(child, d_inode);
	if (!inode || BPF_CORE_READ(child, d_sb) != BPF_CORE_READ(root, d_sb))
		return; /* only a procfs inode is a proc_inode */
	pi = (void *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode);
	if (BPF_CORE_READ(pi, pid) == BPF_CORE_READ(task, group_leader, thread_pid))
		scratch->self_at = n;
}

/*
 * Whether the mount table's entry for check->key may anchor the walk. The table is the daemon's
 * reading of its mountinfo, so a mount of the host namespace that has moved or been unmounted
 * since (mounts.bpf.c records it before the change is visible) makes its entry, and those of
 * the mounts beneath it, suspect until the daemon has read the table again. A suspect entry is
 * passed over: the walk goes on through the live mount tree instead (LG_ANCHOR_LIVE: a mount of
 * the host namespace is named where it now stands), and is not cached. The root of the host
 * namespace itself is always "/", whatever was recorded. A suspect entry met in a mount of
 * another namespace (a service's own) leaves the walk to climb the filesystem, as before the
 * entry: that namespace's places are the service's choice, not the host's.
 *
 * Global (checked once by the verifier), like lg_walk_step. Costs two array reads while the
 * table is current, which is all the time but the moments after a host mount moved.
 */
#define LG_ANCHOR_LIVE 2 /* lg_anchor_trusted: suspect, a mount of the host namespace */

__weak __noinline int lg_anchor_trusted(struct lg_anchor_check *check)
{
	__u64 *epoch, changes, table;
	struct lg_config *config;
	struct mount *mnt;
	/* One slot for every key, and epochs read as values, not kept as pointers (no spill):
	 * the frame stays within 32 bytes, which keeps the walk's chain of calls (hook,
	 * lg_path_walk, this) under the verifier's 512. */
	__u32 index;

	if (!check)
		return 0;
	index = LG_EPOCH_MOUNT_CHANGES;
	epoch = bpf_map_lookup_elem(&lg_epochs, &index);
	if (!epoch)
		return 0;
	changes = *epoch;
	index = LG_EPOCH_MOUNT_TABLE;
	epoch = bpf_map_lookup_elem(&lg_epochs, &index);
	if (!epoch)
		return 0;
	table = *epoch;
	if (changes == table)
		return 1; /* no host mount has moved since the table was read */
	index = LG_EPOCH_MOUNT_ALL;
	epoch = bpf_map_lookup_elem(&lg_epochs, &index);
	if (!epoch)
		return 0;
	if (*epoch <= table) {
		struct lg_inode_key key = check->key; /* 6.1 takes no argument memory as a key */
		__u64 *changed = bpf_map_lookup_elem(&lg_mount_changes, &key);

		if (!changed || *changed <= table)
			return 1;
	}
	/* Suspect: is the mount the walk is in the host namespace's (the table's)? */
	index = 0;
	config = bpf_map_lookup_elem(&lg_config_map, &index);
	mnt = (struct mount *)check->mnt;
	if (!config || !config->mount_ns || !mnt ||
	    BPF_CORE_READ(mnt, mnt_ns, ns.inum) != config->mount_ns)
		return 0;
	/* its root mount is "/" whatever moved; another of its mounts is named where it now
	 * stands in the live tree (LG_ANCHOR_LIVE) */
	return check->namespace_root ? 1 : LG_ANCHOR_LIVE;
}

/*
 * Whether a filesystem root without a record (root), met in mount mnt, must fail closed rather
 * than be named through the live tree:
 *  - the mount table lacks records the daemon found no room for (LG_EPOCH_MOUNTS_UNRECORDED),
 *    and mnt is not its namespace's root mount: the root may be one of those. In every mount
 *    namespace: a host mount's copy in a
 *    service's own namespace (PrivateTmp=, a container) has no record either (review 44, 1),
 *    and a root the namespace mounted itself cannot be told from one;
 *  - a host filesystem seen from another mount namespace: the host's table has no record of it
 *    (unmounted by the host while a service's namespace keeps its copy, covered when the
 *    daemon read the table, a mount point longer than a path: attack run 25's 2501, 2502,
 *    2504), and the place that namespace gives it was chosen by whoever mounts there: the
 *    service, when its policy lets it mount or bind in a namespace of its own (mount =
 *    namespace or allow, userns = allow). Only for such a policy (policy_id, the walk's):
 *    without those rights the namespace is systemd's, as the unit says, and a host mount new
 *    there (an automount, a mount unit started while the service runs) or a filesystem made
 *    before lsmguard loaded (a PrivateDevices= /dev) is named there as before (review 47,
 *    M2). A filesystem made in that or any other namespace but the host's (lg_ns_supers) is
 *    named there too. Not in the host's namespace, whose live tree is the administrator's,
 *    nor for the kernel's own mounts (MNT_NS_INTERNAL), nor before the daemon has said which
 *    namespace is the host's.
 * One global function for both, called once with what the walk holds anyway (a call site more,
 * or one more value kept across it, cost the walk's frame the 32 bytes that broke the
 * verifier's 512 for the chain hook, lg_path_walk, lg_anchor_trusted).
 * Its own frame stays small: one slot for every key, values read as values. Addresses as
 * scalars: a global function takes no kernel object pointers on 6.1.
 */
__weak __noinline int lg_root_unrecorded(__u64 mnt_addr, __u64 root_addr, __u32 policy_id)
{
	struct mount *mnt = (struct mount *)mnt_addr;
	const struct lg_policy_value *policy;
	struct lg_config *config;
	__u64 key = LG_EPOCH_MOUNTS_UNRECORDED, ns;
	__u64 *missing;
	__u32 host;

	missing = bpf_map_lookup_elem(&lg_epochs, &key);
	if (missing && *missing && (__u64)BPF_CORE_READ(mnt, mnt_parent) != mnt_addr)
		return 1;
	key = policy_id;
	policy = bpf_map_lookup_elem(&lg_policies, &key);
	if (!policy || !(policy->flags & (LG_POLICY_SYSTEM_MOUNT_NAMESPACE |
					  LG_POLICY_SYSTEM_MOUNT_ALLOW | LG_POLICY_SYSTEM_USERNS)))
		return 0;
	key = 0; /* the config's index: its first 4 bytes */
	config = bpf_map_lookup_elem(&lg_config_map, &key);
	if (!config)
		return 0;
	host = config->mount_ns;
	ns = (__u64)BPF_CORE_READ(mnt, mnt_ns);
	/* (no namespace, NULL as hugetlbfs's kern_mount has, or MNT_NS_INTERNAL: the
	 * kernel's own mount, which no task names a file through: attack run 23's 2308) */
	if (!host || !ns || ns >= (__u64)-4095L || BPF_CORE_READ(mnt, mnt_ns, ns.inum) == host)
		return 0;
	key = (__u64)BPF_CORE_READ((struct dentry *)root_addr, d_sb);
	return !bpf_map_lookup_elem(&lg_ns_supers, &key);
}

/*
 * What the walk reads of each dentry: its flags, parent, name and inode. In 6.1 they are the
 * first 56 bytes of struct dentry, read with one helper call instead of one per field (each
 * call costs more than the copy). The offsets are CO-RE relocated; another layout falls back
 * to a read per field.
 */
struct lg_dentry_head {
	__u32 flags;
	__u32 len;
	__u64 parent;
	__u64 name;
	__u64 inode;
};

#define LG_DENTRY_SPAN 64
static __always_inline void lg_dentry_head(struct dentry *d, struct lg_dentry_head *h)
{
	__u32 flags_off = bpf_core_field_offset(struct dentry, d_flags);
	__u32 parent_off = bpf_core_field_offset(struct dentry, d_parent);
	__u32 name_off = bpf_core_field_offset(struct dentry, d_name);
	__u32 len_off = name_off + bpf_core_field_offset(struct qstr, len);
	__u32 str_off = name_off + bpf_core_field_offset(struct qstr, name);
	__u32 inode_off = bpf_core_field_offset(struct dentry, d_inode);
	__u32 end = inode_off + 8; /* one past the last byte used, whatever the order */
	__u8 span[LG_DENTRY_SPAN];

	if (parent_off + 8 > end)
		end = parent_off + 8;
	if (str_off + 8 > end)
		end = str_off + 8;
	if (len_off + 4 > end)
		end = len_off + 4;
	if (flags_off == 0 && end <= LG_DENTRY_SPAN) {
		if (bpf_probe_read_kernel(span, end, d)) {
			__builtin_memset(h, 0, sizeof(*h));
			return;
		}
		h->flags = *(__u32 *)&span[0];
		h->parent = *(__u64 *)&span[parent_off];
		h->len = *(__u32 *)&span[len_off];
		h->name = *(__u64 *)&span[str_off];
		h->inode = *(__u64 *)&span[inode_off];
		return;
	}
	h->flags = BPF_CORE_READ(d, d_flags);
	h->parent = (__u64)BPF_CORE_READ(d, d_parent);
	h->len = BPF_CORE_READ(d, d_name.len);
	h->name = (__u64)BPF_CORE_READ(d, d_name.name);
	h->inode = (__u64)BPF_CORE_READ(d, d_inode);
}

/*
 * A mount unmounted while something still holds it (umount -l with a descriptor or a working
 * directory in it): umount_tree marks it MNT_UMOUNT. (Its mnt_ns is NULL then, but so is that
 * of hugetlbfs's internal mount, whose files MAP_HUGETLB mappings are: review 43, M3.)
 */
static __always_inline bool lg_mount_unmounted(struct mount *mnt)
{
	return BPF_CORE_READ(mnt, mnt.mnt_flags) & MNT_UMOUNT;
}

/* A mount of the kernel's own, in no namespace a task can reach (kern_mount, overlayfs's
 * private clones of its layers): its mnt_ns is MNT_NS_INTERNAL, ERR_PTR(-EINVAL). */
static __always_inline bool lg_mount_internal(struct mount *mnt)
{
	return (unsigned long)BPF_CORE_READ(mnt, mnt_ns) >= (unsigned long)-4095L;
}

/*
 * Phase 1, bottom-up: record the object's dentries in the scratch (scratch->count of them, the
 * object first) up to a mount root the host knows (*anchor), or to the namespace root (*anchor
 * NULL). Returns false when the walk bound is hit. With no vfsmnt (hooks that get a dentry
 * only), the walk climbs to the filesystem's root, and returns false when the host does not
 * know that root: without the mount there is no parent mount to cross into.
 */
static __always_inline bool lg_walk_collect(struct lg_scratch *scratch, struct dentry *dentry,
					    struct vfsmount *vfsmnt,
					    const struct lg_mount_value **anchor)
{
	struct mount *mnt = vfsmnt ? lg_real_mount(vfsmnt) : 0;
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct lg_dentry_head head;
	__u32 n;

	*anchor = 0;
	scratch->count = 0;
	scratch->crossed = 0;
	scratch->procfs = 0;
	scratch->self_at = 0;
	scratch->disconnected = 0;
	scratch->foreign = 0;
	scratch->unknown_root = 0;
	scratch->btrfs = BPF_CORE_READ(dentry, d_sb, s_magic) == LG_BTRFS_SUPER_MAGIC;
	scratch->in_mount = 0;
	for (int step = 0; step < LG_WALK_STEPS; step++) {
		struct dentry *parent;
		struct inode *inode;

		lg_dentry_head(dentry, &head);
		if (step == 0) {
			scratch->object_inode = head.inode;
			scratch->dir.parent = head.parent;
		}
		parent = (struct dentry *)head.parent;
		/*
		 * A btrfs subvolume's root is a filesystem root too: the host may mount it by
		 * itself (subvol=), and a walk that reached it through the top-level subvolume's
		 * mount must anchor where the host mounted it, as one through its own mount does.
		 */
		inode = (struct inode *)head.inode;
		if (dentry == mnt_root || dentry == parent ||
		    (scratch->btrfs && BPF_CORE_READ(inode, i_ino) == LG_BTRFS_SUBVOL_ROOT_INO)) {
			struct lg_anchor_check *check = &scratch->anchor_check;
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
			struct super_block *sb = BPF_CORE_READ(dentry, d_sb);
			bool cross;

			/*
			 * Its own parent without being its filesystem's root: a dentry made for a
			 * file handle (open_by_handle_at, exportfs) before its name was known.
			 * Pseudo files (pipes, sockets, memfd) are their own parents too, but never
			 * marked disconnected.
			 */
			if (dentry == parent && (head.flags & DCACHE_DISCONNECTED) &&
			    dentry != BPF_CORE_READ(sb, s_root)) {
				scratch->disconnected = 1;
				return false;
			}
			/*
			 * A mount unmounted lazily (umount -l) while a descriptor or a working
			 * directory still holds it: no path names its files any more. It is its own
			 * parent then, and was taken for a namespace root (attack run 23's 2306:
			 * its secret/key named "/secret/key"). Fail closed, as disconnected,
			 * whether or not the table still has its root's record.
			 */
			if (mnt && lg_mount_unmounted(mnt)) {
				scratch->disconnected = 1;
				return false;
			}
			if (dentry == mnt_root)
				scratch->in_mount = 1;
			/*
			 * The filesystem's root reached without passing the mount's own root: the
			 * file is not beneath this mount at all (a handle of another part of the
			 * filesystem opened through it, open_by_handle_at: attack run 23's 2301).
			 * No path leads to it through this mount: fail closed, as disconnected.
			 * Not for the kernel's own mounts, which no task can hand to
			 * open_by_handle_at: overlayfs makes its copy-up's temporary file under
			 * workdir through its private clone of upperdir's mount (review 43, H1).
			 */
			if (dentry == parent && mnt && !scratch->in_mount &&
			    dentry == BPF_CORE_READ(sb, s_root) && !lg_mount_internal(mnt)) {
				scratch->disconnected = 1;
				return false;
			}
			/* A subvolume's root met on the way (neither this mount's root nor the
			 * filesystem's): no key without the btrfs offsets (lg_inode_dev). */
			check->key.dev = lg_inode_dev((__u64)inode, dentry != mnt_root &&
									dentry != parent);
			check->key.pad = 0;
			check->key.ino = BPF_CORE_READ(inode, i_ino);
			if (dentry == parent) {
				unsigned long magic = BPF_CORE_READ(sb, s_magic);

				if (magic == PROC_SUPER_MAGIC)
					lg_walk_mark_self(scratch, dentry);
				/* A kernel filesystem: named by its type, wherever it is. */
				if (lg_fstype_anchored(magic)) {
					struct lg_inode_key type_key = {
						.pad = LG_FSTYPE_KEY_PAD,
						.ino = magic,
					};

					*anchor = bpf_map_lookup_elem(&lg_mounts, &type_key);
					if (*anchor) {
						check->key = type_key;
						return true;
					}
				}
			}
			{
				/* A helper's key must be on the stack or in a map value: the
				 * scratch is argument memory here. */
				struct lg_inode_key key = check->key;

				*anchor = bpf_map_lookup_elem(&lg_mounts, &key);
			}
			if (dentry == parent && !*anchor) {
				/* A filesystem the host does not know, not merely one whose
				 * record is suspect for a moment: with no mount given (xattr
				 * hooks, an overlay's real file) there is no host prefix; with
				 * one, its programs are anonymous. */
				if (!mnt) {
					scratch->unknown_root = 1;
					return false;
				}
				if (up != mnt)
					scratch->foreign = 1;
				/* (a root the full table may have no record of, a host filesystem
				 * seen from another namespace: closed) */
				if (lg_root_unrecorded((__u64)mnt, (__u64)dentry,
						       scratch->step.policy)) {
					scratch->disconnected = 1;
					return false;
				}
			}
			cross = dentry == parent;
			if (*anchor) {
				int trusted;

				check->mnt = (__u64)mnt;
				/* The root mount of its namespace, whatever its root is (a root
				 * on subvol=@ mounted with no initramfs) */
				check->namespace_root = dentry == mnt_root && up == mnt;
				trusted = lg_anchor_trusted(check);
				if (trusted == 1)
					return true;
				/* Decided through the live mount tree: not cached. */
				*anchor = 0;
				scratch->crossed = 1;
				/* A host mount of a subvolume or of a directory whose record
				 * is suspect: its place in the live tree names it, as a
				 * filesystem root's does. Climbing on would name its files by
				 * the filesystem's own path under this mount's point
				 * (/mnt/s/vol/secret for subvol=vol at /mnt/s). */
				if (trusted == LG_ANCHOR_LIVE && dentry == mnt_root && up != mnt)
					cross = true;
			}
			if (cross) {
				if (!mnt)
					return false; /* no mount given (xattr hooks): no host prefix known */
				if (up == mnt) {
					return true; /* namespace root: no host prefix */
				}
				scratch->crossed = 1;
				scratch->in_mount = 0;
				dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
				mnt = up;
				mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
				scratch->btrfs = BPF_CORE_READ(dentry, d_sb, s_magic) ==
						 LG_BTRFS_SUPER_MAGIC;
				continue;
			}
			/* A mount root inside a filesystem (a bind mount) or a subvolume's root the host
			 * has not mounted: keep climbing it. */
		}
		n = scratch->count;
		if (n > LG_PATH_DEPTH_MAX - 1)
			return false;
		scratch->dentries[n & (LG_PATH_DEPTH_MAX - 1)] = (__u64)dentry;
		scratch->names[n & (LG_PATH_DEPTH_MAX - 1)] = head.name;
		scratch->lens[n & (LG_PATH_DEPTH_MAX - 1)] = head.len;
		scratch->count = n + 1;
		dentry = parent;
	}
	return false;
}

/*
 * Phase 2, top-down: run every prefix of the collected path through lg_walk_step for bank's
 * seed: the anchor's (its record's hashes, 0..depth; without one, the namespace root's), then
 * one per collected component. The step must hold policy, class and write (policy 0: hash only)
 * and the verdict so far. With record, each prefix's hash is stored in scratch->link too;
 * returns how many, or -1 when the path is deeper than LG_PATH_DEPTH_MAX (a record of a point
 * deeper than that, LG_MOUNT_DEPTH_UNNAMED, names nothing beneath it).
 */
static __always_inline int lg_walk_prefixes(struct lg_scratch *scratch,
					     const struct lg_mount_value *anchor, unsigned bank,
					     __u64 seed, bool record)
{
	struct lg_walk_step *step = &scratch->step;
	__u32 n = scratch->count;
	int depth = 0, stored = 0;

	if (n > LG_PATH_DEPTH_MAX)
		return -1;
	if (anchor) {
		depth = anchor->depth;
		if (depth > LG_MOUNT_DEPTH_MAX || depth + (int)n > LG_PATH_DEPTH_MAX)
			return -1;
	}
	/* Before each component, the state so far: after the last, scratch->dir is the state at
	 * the object's parent (the directory cache's, cache.bpf.h). */
	scratch->dir.valid = n > 0;
	/*
	 * One loop for both parts (depth + n <= LG_PATH_DEPTH_MAX prefixes after the first): the
	 * verifier walks it once, where two loops cost it LG_MOUNT_DEPTH_MAX more rounds.
	 */
	for (int i = 0; i <= LG_PATH_DEPTH_MAX; i++) {
		int k = depth + (int)n - i; /* the component added here, when i > depth */

		if (k < 0)
			break;
		if (i <= depth) {
			step->name = 0;
			step->hash = anchor ? anchor->prefix_hash[bank & 1][i] : lg_hash_init(seed);
			step->object = i == depth && n == 0;
		} else {
			scratch->dir.slot.hash = step->hash;
			scratch->dir.slot.rule = step->rule;
			scratch->dir.slot.deny = step->deny;
			scratch->dir.slot.protected = step->protected;
			step->object = k == 0;
			if (k + 1 == (int)scratch->self_at) {
				/* The task's own /proc/PID: hashed as the name "self". */
				step->name = 0;
				step->hash = lg_hash_mix(lg_hash_component_start(step->hash, 4),
							 LG_SELF_WORD);
			} else {
				step->name = scratch->names[k & (LG_PATH_DEPTH_MAX - 1)];
				step->len = scratch->lens[k & (LG_PATH_DEPTH_MAX - 1)];
			}
		}
		lg_walk_step(step);
		if (record && stored <= LG_PATH_DEPTH_MAX)
			scratch->link.prefix_hash[bank & 1][stored++] = step->hash;
	}
	return stored;
}

/* The original name of a hard-linked regular file (of inode), if one is recorded. */
static __always_inline const struct lg_link_value *lg_link_of(struct inode *inode, __u32 pad)
{
	struct lg_inode_key key = {.pad = pad};

	if (!inode || BPF_CORE_READ(inode, i_nlink) < 2 ||
	    (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return 0;
	key.dev = lg_inode_dev((__u64)inode, 0);
	key.ino = BPF_CORE_READ(inode, i_ino);
	return bpf_map_lookup_elem(&lg_links, &key);
}

#define LG_WALK_EXEC 1   /* stop before the prefixes when no anchor: an anonymous program */
#define LG_WALK_RECORD 2 /* store each prefix's hash in scratch->link.prefix_hash[bank] */
#define LG_WALK_COLLECT 4 /* collect the dentries only (a path for an event), no prefixes */
#define LG_WALK_FAIL (-1)
#define LG_WALK_UNANCHORED (-2)

/*
 * The whole walk of the object at scratch->in_dentry (and scratch->in_mnt, 0 for a hook that
 * has none): collect its dentries, then run every prefix through scratch->step for bank's seed.
 * Returns the number of prefixes run (recorded with LG_WALK_RECORD; 0 with LG_WALK_COLLECT, which
 * stops once the dentries are collected), LG_WALK_FAIL when the walk
 * cannot name the object (too deep, disconnected), or LG_WALK_UNANCHORED (LG_WALK_EXEC: a
 * program on no filesystem the host knows, or below a filesystem root the host does not know:
 * matching it at its mount point would let whoever mounted it choose what runs there).
 *
 * Global, like lg_walk_step, and for a bigger reason: a program that inlines the walk has it
 * verified at every call and in every state its caller reaches there; the file and name hooks
 * inlined it one to four times each, and their programs took a minute to load under emulation.
 * As a global function it is verified once per program, from one state. 6.1 passes a global
 * function scalars and memory, no kernel object pointers: hence the addresses in the scratch.
 */
static __always_inline int lg_path_walk_inline(struct lg_scratch *scratch, __u64 seed,
					       __u32 bank, __u32 mode)
{
	const struct lg_mount_value *anchor;

	if (!scratch)
		return LG_WALK_FAIL;
	scratch->anchored = 0;
	scratch->anchor_path = 0;
	if (!lg_walk_collect(scratch, (struct dentry *)scratch->in_dentry,
			     (struct vfsmount *)scratch->in_mnt, &anchor))
		return LG_WALK_FAIL;
	scratch->anchored = anchor != 0;
	if (anchor)
		scratch->anchor_path = (__u64)anchor->path;
	if ((mode & LG_WALK_EXEC) && (!anchor || scratch->foreign))
		return LG_WALK_UNANCHORED;
	if (mode & LG_WALK_COLLECT)
		return 0;
	return lg_walk_prefixes(scratch, anchor, bank & 1, seed, mode & LG_WALK_RECORD);
}

/* mode: LG_WALK_EXEC, LG_WALK_COLLECT. */
__weak __noinline int lg_path_walk(struct lg_scratch *scratch, __u64 seed, __u32 bank,
				   __u32 mode)
{
	return lg_path_walk_inline(scratch, seed, bank, mode & (LG_WALK_EXEC | LG_WALK_COLLECT));
}

/* The walk for a link record (links.bpf.c): a separate function, so that the record's stores
 * are compiled out of every other program's walk. */
__weak __noinline int lg_path_walk_record(struct lg_scratch *scratch, __u64 seed, __u32 bank)
{
	return lg_path_walk_inline(scratch, seed, bank, LG_WALK_RECORD);
}

/*
 * When the object at scratch->in_dentry is a regular file with recorded names (its original,
 * and its denied name, LG_LINK_KEY_DENIED): run each name's prefixes through scratch->step (its
 * verdict reset first) and return 1; the first that denies stops, with the address of its path
 * in scratch->link_path. Global for the same reason as lg_path_walk.
 */
__weak __noinline int lg_link_walk(struct lg_scratch *scratch, __u32 bank)
{
	const struct lg_link_value *link;
	struct lg_walk_step *step;
	int found = 0;

	if (!scratch)
		return 0;
	for (__u32 pad = 0; pad <= LG_LINK_KEY_DENIED; pad++) {
		int count;

		link = lg_link_of((struct inode *)scratch->object_inode, pad);
		if (!link)
			break; /* no denied name without an original */
		count = link->count[bank & 1];
		if (count < 1 || count > LG_PATH_DEPTH_MAX + 1)
			continue;
		found = 1;
		scratch->link_path = (__u64)link->path;
		step = &scratch->step;
		step->rule = 0;
		step->deny = 0;
		step->name = 0;
		for (int i = 0; i <= LG_PATH_DEPTH_MAX; i++) {
			if (i >= count)
				break;
			step->hash = link->prefix_hash[bank & 1][i];
			step->object = i == count - 1;
			lg_walk_step(step);
		}
		if (step->deny)
			break;
	}
	return found;
}

/*
 * Decide an access to the object at (dentry, mnt) for class (FILE or EXEC); the decision picks
 * the write or read slots and the default.
 */
static __always_inline void lg_path_decide(const struct lg_policy_value *policy, __u32 class,
					   enum lg_decision decision, struct dentry *dentry,
					   struct vfsmount *vfsmnt, struct lg_path_verdict *v)
{
	struct lg_scratch *scratch = lg_scratch_start();
	struct lg_walk_step *step;
	unsigned bank = policy->bank & 1;
	int ret;

	v->rule = policy->default_rule[decision & 3];
	v->deny = policy->default_deny & (1u << decision);
	v->flags = 0;
	v->builtin = 0;
	v->linked = false;
	v->components = 0;
	v->object = 0;
	v->cacheable = false;
	v->stamp = 0;
	if (!scratch)
		goto out_fail_closed;
	/* This run's mark: a later lg_scratch() of the run that got another scratch (task
	 * storage failing halfway, a spare handed out) does not read this walk's results. */
	v->stamp = bpf_get_prandom_u32() | 1;
	scratch->stamp = v->stamp;
	step = &scratch->step;
	step->policy = policy->id;
	step->class = class;
	step->write = decision == LG_DECISION_FILE_WRITE;
	step->rule = v->rule;
	step->deny = v->deny;
	step->protected = 0;
	scratch->in_dentry = (__u64)dentry;
	scratch->in_mnt = (__u64)vfsmnt;
	ret = lg_path_walk(scratch, policy->seed, bank, class == LG_CLASS_EXEC ? LG_WALK_EXEC : 0);
	v->components = (int)scratch->count;
	/* A program on no filesystem the host knows (memfd, a namespace's private root, a tmpfs
	 * or overlayfs mounted in a namespace): its path means nothing to the policy, which
	 * allows such programs or not as a whole. */
	if (ret == LG_WALK_UNANCHORED) {
		v->rule = policy->anonymous_rule;
		v->deny = !(policy->flags & LG_POLICY_EXEC_ANONYMOUS);
		return;
	}
	if (ret < 0)
		goto out_fail_closed;
	v->rule = step->rule;
	v->deny = step->deny;
	v->object = step->hash;
	v->cacheable = scratch->anchored && !scratch->crossed && !scratch->procfs;

	/* Another name of the same file: its original name's rules apply too; deny wins. */
	if (lg_link_walk(scratch, bank)) {
		v->cacheable = false;
		if (step->deny && !v->deny) {
			v->deny = true;
			v->rule = step->rule;
			v->flags |= LG_EVENT_HARDLINK;
			v->linked = true;
		}
	}
	/* lsmguard's own objects (under either name): a protection, whatever the rules say. Host
	 * code too, unless a rule of the policy names it (at or beneath the protected directory)
	 * or the policy says [system] host-code = allow. */
	if (step->protected & LG_STEP_PROTECTED)
		lg_verdict_builtin(v, LG_BUILTIN_PROTECTED);
	else if ((step->protected & (LG_STEP_HOST_CODE | LG_STEP_HOST_NAMED)) ==
		     LG_STEP_HOST_CODE &&
		 !(policy->flags & LG_POLICY_SYSTEM_HOST_CODE))
		lg_verdict_builtin(v, LG_BUILTIN_HOST_CODE);
	return;

out_fail_closed:
	v->rule = 0;
	v->deny = true;
	v->flags = !scratch		 ? LG_EVENT_NO_SCRATCH
		   : scratch->disconnected ? LG_EVENT_DISCONNECTED
					   : LG_EVENT_WALK_LIMIT;
}

/*
 * The collected path as a string in scratch->path: the mount point's path, then the recorded
 * components. The buffer is twice LG_EVENT_PATH_MAX so that every copy at a masked offset stays
 * inside it. The write offset lives in the scratch map, not in a register: reloaded and masked
 * in each round, it gives the verifier the same state at every loop head, where a register
 * would give it a new range per name length. Returns 1 when the path was cut. Global (verified
 * once per program); the anchor's path is read by the address the walk left in the scratch.
 */
__weak __noinline int lg_build_path(struct lg_scratch *scratch)
{
	bool truncated = false;
	__u32 off;
	int n;

	if (!scratch)
		return 0;
	n = (int)scratch->count;
	scratch->path[0] = 0;
	scratch->path_off = 0;
	if (scratch->anchor_path) {
		long len = bpf_probe_read_kernel_str(scratch->path, LG_MOUNT_PATH_MAX,
						     (const void *)scratch->anchor_path);

		if (len > 1)
			scratch->path_off = (__u32)len - 1;
	}
	for (int j = 0; j < LG_PATH_DEPTH_MAX; j++) {
		int k = n - 1 - j;
		long len;

		if (k < 0)
			break;
		off = scratch->path_off;
		if (off >= LG_EVENT_PATH_MAX - 1) {
			truncated = true;
			break;
		}
		/* barrier_var: clang would drop these masks as redundant; the verifier needs them. */
		barrier_var(off);
		off &= LG_EVENT_PATH_MAX - 1;
		scratch->path[off] = '/';
		off++;
		barrier_var(off);
		off &= LG_EVENT_PATH_MAX - 1;
		len = bpf_probe_read_kernel_str(&scratch->path[off], LG_EVENT_PATH_MAX,
						(const void *)scratch->names[k & (LG_PATH_DEPTH_MAX - 1)]);
		scratch->path_off = off + (len > 1 ? (__u32)len - 1 : 0);
	}
	off = scratch->path_off;
	if (off == 0) {
		scratch->path[0] = '/';
		off = 1;
	}
	if (off >= LG_EVENT_PATH_MAX) {
		truncated = true;
		off = LG_EVENT_PATH_MAX - 1;
	}
	barrier_var(off);
	scratch->path[off & (2 * LG_EVENT_PATH_MAX - 1)] = 0;
	return truncated;
}

/* The object's path for an event: the walk just done, or the original name of a hard link. */
/* The scratch of the walk behind v, or NULL when this run's scratch is another (common.bpf.h). */
static __always_inline struct lg_scratch *lg_scratch_of(const struct lg_path_verdict *v)
{
	struct lg_scratch *scratch = lg_scratch();

	return scratch && v->stamp && scratch->stamp == v->stamp ? scratch : 0;
}

static __always_inline void lg_event_path(struct lg_event *ev, const struct lg_path_verdict *v)
{
	struct lg_scratch *scratch = lg_scratch_of(v);

	if (!scratch)
		return;
	if (v->linked && scratch->link_path) {
		bpf_probe_read_kernel_str(ev->object.path, LG_EVENT_PATH_MAX,
					  (const void *)scratch->link_path);
		return;
	}
	if (lg_build_path(scratch))
		ev->flags |= LG_EVENT_TRUNCATED;
	bpf_probe_read_kernel(ev->object.path, LG_EVENT_PATH_MAX, scratch->path);
	ev->object.path[LG_EVENT_PATH_MAX - 1] = 0;
}

/* Count, report and return a path verdict (the common tail of every path hook). */
static __always_inline int lg_path_verdict_finish(const struct lg_policy_value *policy,
						  __u64 cgroup_id, __u8 hook, __u8 decision,
						  const struct lg_path_verdict *v)
{
	struct lg_event *ev;

	if (!v->deny) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	ev = lg_event_start(policy, cgroup_id, hook, decision, v->rule, v->flags, v->object,
			    v->builtin);
	if (ev) {
		lg_event_builtin(ev, v->builtin);
		lg_event_path(ev, v);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, hook, v->flags, v->builtin);
}

#define LG_DIR_NONE 0    /* walk: no state, or one that cannot decide this object */
#define LG_DIR_ALLOWED 1 /* allowed by the rules */
#define LG_DIR_DENIED 2  /* denied by a rule: v->rule and v->object set */

/*
 * A miss of file's own slots answered from its parent directory's cached state (cache.bpf.h):
 * the file's name added to it, one rule lookup. A verdict that a built-in touches (lsmguard's
 * own objects, host code) is walked whole instead (LG_DIR_NONE).
 */
static __always_inline int lg_dir_decide(const struct lg_policy_value *policy, __u32 class,
					 enum lg_decision decision, struct file *file,
					 const struct lg_cache_probe *probe, struct lg_path_verdict *v)
{
	struct dentry *dentry = file->f_path.dentry;
	struct lg_dir_found found;
	struct lg_walk_step *step;
	struct lg_scratch *scratch;
	__u32 zero = 0;
	__u64 *count;

	/* Where the walk's first step depends on the object itself, the object is the walk's:
	 * a filesystem's root is its own parent, and a mount's root may be the walk's anchor;
	 * either is decided there (the exact rules at the mount point's path), never as its
	 * parent's state plus a name (attack run 14: `deny = /home` on a mount, read after a
	 * child's open; review 23: a mount whose root is a directory inside its filesystem). */
	if (!probe->cache || probe->want.parent == probe->want.dentry ||
	    probe->want.dentry == probe->want.mnt_root)
		return LG_DIR_NONE;
	/* The state first: a task that has no scratch yet (a fresh child's exec) gets none for
	 * a directory with no state. */
	if (!lg_dir_lookup(file, probe, &found))
		return LG_DIR_NONE;
	scratch = lg_scratch_start();
	if (!scratch)
		return LG_DIR_NONE;
	step = &scratch->step;
	step->hash = found.hash;
	step->rule = found.rule;
	step->deny = found.deny;
	step->protected = found.protected;
	step->policy = policy->id;
	step->class = class;
	step->write = decision == LG_DECISION_FILE_WRITE;
	step->object = 1;
	step->name = (__u64)BPF_CORE_READ(dentry, d_name.name);
	step->len = BPF_CORE_READ(dentry, d_name.len);
	lg_walk_step(step);
	/* The name and its length are two reads: a move of the file meanwhile (its sequence
	 * changed since the probe read it) is walked whole. */
	if ((step->protected & (LG_STEP_PROTECTED | LG_STEP_HOST_CODE)) ||
	    *(volatile __u32 *)&dentry->d_seq.seqcount.sequence != probe->want.seq)
		return LG_DIR_NONE;
	/* Counted here, for both verdicts (a denial whose path cannot be collected is walked
	 * whole after all, and counted all the same: the tests never meet one). The frame has
	 * no byte to spare (a counter in a helper of its own took lg_mmap_file's chain of
	 * calls to 544 bytes of stack, over the verifier's 512). */
	count = bpf_map_lookup_elem(&lg_dir_counts, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	if (!step->deny)
		return LG_DIR_ALLOWED;
	v->rule = step->rule;
	v->object = step->hash;
	return LG_DIR_DENIED;
}

/*
 * A denial decided from the directory's state (v->rule and v->object set): collect the file's
 * dentries for the event's path, without looking each prefix up again. False when the walk
 * cannot name the file (decided by the whole walk then, which fails closed).
 */
static __always_inline bool lg_dir_denial(const struct lg_policy_value *policy, __u32 class,
					  struct file *file, struct lg_path_verdict *v)
{
	struct lg_scratch *scratch = lg_scratch_start();

	if (!scratch)
		return false;
	v->deny = true;
	v->flags = 0;
	v->builtin = 0;
	v->linked = false;
	v->cacheable = false;
	v->stamp = bpf_get_prandom_u32() | 1;
	scratch->stamp = v->stamp;
	scratch->in_dentry = (__u64)file->f_path.dentry;
	scratch->in_mnt = (__u64)file->f_path.mnt;
	if (lg_path_walk(scratch, policy->seed, policy->bank & 1,
			 LG_WALK_COLLECT | (class == LG_CLASS_EXEC ? LG_WALK_EXEC : 0)))
		return false;
	v->components = (int)scratch->count;
	return true;
}

/*
 * Decide, count and report an access to an open file, through the inode's verdict cache: a hit
 * answers at once (a remembered denial only while its events are held back); a miss is decided
 * from the parent directory's cached state when it has one (lg_dir_decide), else walks the path,
 * and remembers a verdict that may be cached (denials only when remember_denials: a constant
 * of the caller's, off for file_receive, whose two decisions would pass the verifier's limit
 * with it) and the walk's state at the parent.
 */
static __always_inline int lg_file_verdict_of(const struct lg_policy_value *policy,
					      __u64 cgroup_id, __u8 hook, __u32 class,
					      enum lg_decision decision, struct file *file,
					      const bool remember_denials)
{
	struct lg_cache_probe probe;
	struct lg_path_verdict v;

	switch (lg_cache_lookup(file, policy->id, class, decision == LG_DECISION_FILE_WRITE,
				&probe)) {
	case LG_CACHE_ALLOWED:
		lg_count_cached(policy->id, hook);
		return 0;
	case LG_CACHE_DENIED:
		if (!remember_denials)
			break; /* walked, and not stored again */
		/* A remembered denial whose event is held back anyway needs no path: counted and
		 * answered here. One whose event is sent is decided again below, for its path
		 * (and not stored twice). */
		if (lg_rate_holds_back(policy->id, hook, decision, probe.want.rule,
				       probe.want.object))
			return lg_deny_verdict(policy, hook, 0, 0);
		probe.cache = 0;
		break;
	}
	switch (lg_dir_decide(policy, class, decision, file, &probe, &v)) {
	case LG_DIR_ALLOWED:
		lg_cache_store(&probe);
		lg_count_allowed(policy->id, hook);
		return 0;
	case LG_DIR_DENIED:
		if (lg_dir_denial(policy, class, file, &v)) {
			if (remember_denials)
				lg_cache_store_verdict(&probe, true, v.rule, v.object);
			return lg_path_verdict_finish(policy, cgroup_id, hook, decision, &v);
		}
		break;
	}
	lg_path_decide(policy, class, decision, file->f_path.dentry, file->f_path.mnt, &v);
	if (v.cacheable) {
		struct lg_scratch *scratch = lg_scratch_of(&v);

		if (!v.deny || remember_denials)
			lg_cache_store_verdict(&probe, v.deny, v.rule, v.object);
		if (scratch && scratch->dir.valid && scratch->dir.parent == probe.want.parent)
			lg_dir_store(file, &probe, &scratch->dir.slot);
	}
	return lg_path_verdict_finish(policy, cgroup_id, hook, decision, &v);
}

static __always_inline int lg_file_verdict(const struct lg_policy_value *policy, __u64 cgroup_id,
					   __u8 hook, __u32 class, enum lg_decision decision,
					   struct file *file)
{
	return lg_file_verdict_of(policy, cgroup_id, hook, class, decision, file, true);
}

/*
 * The real file behind a file of overlayfs, as a dentry (NULL when file is not on overlayfs, or
 * its real file is not known yet). On 6.1 ovl_open opens the real file with the overlay's path
 * (open_with_fake_path): that file has f_path on overlayfs and f_inode the real inode; the
 * overlay file itself keeps the real file in private_data (regular files). Any alias of the
 * real inode names it (other names of a hard-linked file are covered by its link record).
 */
static __always_inline struct dentry *lg_overlay_real_dentry(struct file *file)
{
	struct dentry *dentry;
	struct inode *inode;
	struct hlist_node *first;

	/* Every open passes here: direct loads through BTF pointers, no helper calls, until
	 * the file is known to be on overlayfs. */
	if (!file || file->f_path.dentry->d_sb->s_magic != OVERLAYFS_SUPER_MAGIC)
		return 0;
	dentry = BPF_CORE_READ(file, f_path.dentry);
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode)
		return 0;
	if (inode == BPF_CORE_READ(dentry, d_inode)) {
		struct file *real;

		if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
			return 0;
		real = BPF_CORE_READ(file, private_data);
		if (!real)
			return 0; /* not opened yet (this is the overlay file's own file_open) */
		inode = BPF_CORE_READ(real, f_inode);
		if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
			return 0;
	}
	first = BPF_CORE_READ(inode, i_dentry.first);
	if (!first)
		return 0;
	return (struct dentry *)((void *)first - bpf_core_field_offset(struct dentry, d_u.d_alias));
}

/*
 * A file of overlayfs is decided on the real file's path too (after its overlay path, which
 * the caller has decided); deny wins. The real file's name is walked without a mount up to its
 * filesystem's root, which names it when the host knows that root. A real file on a filesystem
 * the host does not know (mounted in a namespace, so the mounter's own data) has no other name
 * than the overlay's: nothing more is decided. Not cached: rare, and the cache keys the overlay
 * inode, not the real one.
 */
static __always_inline int lg_overlay_verdict(const struct lg_policy_value *policy,
					      __u64 cgroup_id, __u8 hook, __u32 class,
					      enum lg_decision decision, struct file *file)
{
	struct lg_scratch *scratch;
	struct lg_path_verdict v;
	struct dentry *real;
	__u32 type;

	if (!file || file->f_path.dentry->d_sb->s_magic != OVERLAYFS_SUPER_MAGIC)
		return 0;
	/*
	 * A device node through an overlay: overlayfs opens the device itself (no real file to
	 * name), so a rule on the node's real path (/dev/sda) would not see it. Like making a
	 * node, reaching one this way needs [system] devices = allow.
	 */
	type = file->f_inode->i_mode & S_IFMT;
	if ((type == S_IFCHR || type == S_IFBLK) && !(policy->flags & LG_POLICY_SYSTEM_DEVICES)) {
		lg_path_decide(policy, class, decision, file->f_path.dentry, file->f_path.mnt, &v);
		lg_verdict_builtin(&v, LG_BUILTIN_DEVICES);
		return lg_path_verdict_finish(policy, cgroup_id, hook, decision, &v);
	}
	real = lg_overlay_real_dentry(file);
	if (!real)
		return 0;
	lg_path_decide(policy, class, decision, real, 0, &v);
	scratch = lg_scratch_of(&v);
	if (!v.deny || (scratch && scratch->unknown_root))
		return 0;
	return lg_path_verdict_finish(policy, cgroup_id, hook, decision, &v);
}

#endif /* LSMGUARD_PATH_BPF_H */
