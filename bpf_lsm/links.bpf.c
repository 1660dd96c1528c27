// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names: lsm/path_link, lsm/path_rename, lsm/path_unlink, lsm/path_truncate.
 *
 * Guarantees, for a task under a policy:
 *  - link() and rename() need write access ([files]) at the old name and at the new one, so a
 *    protected file cannot be given a name with more access than it had (a hard link of
 *    /etc/shadow in a writable directory, a read-only file moved under an allow rule), nor a
 *    file be put in place of a protected one;
 *  - unlink() and truncate() need write access at the name.
 * For every task, under a policy or not: link() records the file's original name (lg_links),
 * so that opening it through any later name also checks the original's rules, and a rename
 * moves the record with the name (lg_path_rename_record); an administrator's new name under a
 * deny rule takes the record's place (lg_by_administrator); both once the kernel has made the
 * change (lg_name_linked, lg_renamed); the record goes when the kernel frees the file
 * (lg_inode_freed). The path_* hooks are used rather than inode_*: they carry
 * the mount, which the path walk needs. When the records are full (`lsmguard run
 * --link-records N`, LG_MAX_LINKS by default), a new name is reported, and refused when the file
 * lies under a deny rule of any policy or the linker is under a policy (lg_link_unrecorded).
 *
 * A directory with a rule's path beneath it (one of the task's policy, or a deny rule of any
 * policy) is not renamed or moved away by a task under a policy, and no directory or symbolic
 * link is renamed or hard-linked to such a name (lg_path_rename_beneath, lg_path_link;
 * lg_beneath_verdict in protected.bpf.h).
 *
 * Not covered here: mkdir, rmdir, mknod, symlink creation, chmod, chown and xattrs (meta.bpf.c);
 * links made before lsmguard started, and names a directory's move carried off, are recorded
 * by the daemon at each load, for the files of exact deny rules and those its walk of directory
 * deny rules finds (enforcer/links.c).
 */
#include "protected.bpf.h"
#include "setup.bpf.h"

#define RENAME_EXCHANGE (1 << 1)

char LICENSE[] SEC("license") = "GPL";

/* Write access at (dentry, mnt); on deny, report it and return the hook's answer. */
static __always_inline int lg_check_write(const struct lg_policy_value *policy, __u64 cgroup_id,
					  __u8 hook, struct dentry *dentry, struct vfsmount *mnt,
					  bool *denied)
{
	struct lg_path_verdict verdict;

	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_WRITE, dentry, mnt, &verdict);
	/* Built-in: pins in bpffs hold lsmguard's programs attached; removing one could detach
	 * it. A confined task renames and removes nothing there. */
	if (BPF_CORE_READ(dentry, d_sb, s_magic) == BPF_FS_MAGIC) {
		lg_verdict_builtin(&verdict, LG_BUILTIN_BPFFS);
	}
	*denied = verdict.deny;
	if (!verdict.deny)
		return 0;
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &verdict);
}

/* Both names must allow writing. */
static __always_inline int lg_check_two_names(__u8 hook, struct dentry *old_dentry,
					      struct vfsmount *old_mnt, struct dentry *new_dentry,
					      struct vfsmount *new_mnt)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	bool denied;
	int ret;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	ret = lg_check_write(policy, cgroup_id, hook, old_dentry, old_mnt, &denied);
	if (denied)
		return ret;
	ret = lg_check_write(policy, cgroup_id, hook, new_dentry, new_mnt, &denied);
	if (denied)
		return ret;
	lg_count_allowed(policy->id, hook);
	return 0;
}


/* Whether both bits of entry x are set in bank's deny filter. */
static __always_inline bool lg_deny_filter_has(int bank, __u64 x)
{
	for (int k = 0; k < 2; k++) {
		__u32 bit = lg_deny_filter_bit(x, k);
		__u32 index = (bank & 1) * LG_DENY_FILTER_WORDS + (bit >> 6);
		__u64 *word = bpf_map_lookup_elem(&lg_deny_filter, &index);

		if (!word || !(*word & (1ULL << (bit & 63))))
			return false;
	}
	return true;
}

/*
 * Whether a deny rule of any policy may cover the name a link record holds: each of its
 * prefixes is looked up in the bank's deny filter as a directory rule, the name itself as a rule
 * on one object too. Both banks: only the one in force (and, for a moment during a reload, the
 * one coming) has bits set. The filter may answer yes for a name no deny rule covers (see
 * lsmguard_abi.h), never no for one it covers. Global (verified once), like the walk.
 */
__weak __noinline int lg_link_under_deny(const struct lg_link_value *link)
{
	if (!link)
		return 1; /* cannot tell: as if it were */
	for (int bank = 0; bank < 2; bank++) {
		int count = link->count[bank];

		for (int i = 0; i <= LG_PATH_DEPTH_MAX; i++) {
			__u64 hash;

			if (i >= count)
				break;
			hash = link->prefix_hash[bank][i];
			if (lg_deny_filter_has(bank, hash))
				return 1;
			if (i == count - 1 && lg_deny_filter_has(bank, hash ^ LG_DENY_FILTER_EXACT))
				return 1;
		}
	}
	return 0;
}

/*
 * The name at (scratch->in_dentry, scratch->in_mnt) as a link record, in scratch->link: its
 * prefix hashes for both banks' seeds and its path. Returns 0, or LG_WALK_FAIL when the name
 * has no path to record. Global (verified once).
 */
__weak __noinline int lg_link_name_walk(struct lg_scratch *scratch)
{
	struct lg_config *config;
	__u32 zero = 0;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!scratch || !config)
		return LG_WALK_FAIL;
	scratch->step.policy = 0; /* hash only */
	for (int bank = 0; bank < 2; bank++) {
		int count = lg_path_walk_record(scratch, config->path_seed[bank], bank);

		if (count == LG_WALK_FAIL)
			return LG_WALK_FAIL;
		scratch->link.count[bank] = count > 0 ? (__u8)count : 0;
	}
	lg_build_path(scratch);
	bpf_probe_read_kernel(scratch->link.path, LG_EVENT_PATH_MAX, scratch->path);
	scratch->link.path[LG_EVENT_PATH_MAX - 1] = 0;
	scratch->link.flags = 0;
	return 0;
}

/* The name at (dentry, mnt) as a link record, in scratch->link (a global function takes no
 * kernel pointer: they go by the scratch, as to the walk). */
static __always_inline int lg_link_name(struct lg_scratch *scratch, struct dentry *dentry,
					struct vfsmount *mnt)
{
	scratch->in_dentry = (__u64)dentry;
	scratch->in_mnt = (__u64)mnt;
	return lg_link_name_walk(scratch);
}

/*
 * A new name whose original could not be recorded (lg_links full): counted, reported (rate
 * limited, like every event) and, when the file lies under a deny rule of any policy (a
 * protection, every mode: that rule could not follow the new name) or the linker is under a
 * policy (its own confinement, as its mode says), refused. Otherwise (an unconfined link of a
 * file no deny rule covers) the link goes ahead with a notice.
 */
static __always_inline int lg_link_unrecorded(struct lg_scratch *scratch, __u8 hook)
{
	const struct lg_policy_value *policy;
	__u32 index = LG_EPOCH_LINKS_UNRECORDED;
	__u64 cgroup_id = 0, *unrecorded;
	struct lg_event *ev;
	bool protect, refuse;

	unrecorded = bpf_map_lookup_elem(&lg_epochs, &index);
	if (unrecorded)
		__sync_fetch_and_add(unrecorded, 1);
	policy = lg_current_policy(&cgroup_id);
	protect = lg_link_under_deny(&scratch->link) != 0;
	refuse = protect || policy;
	if (!policy)
		policy = &lg_no_policy;
	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, 0,
			    LG_EVENT_BUILTIN, LG_BUILTIN_LINK_FULL, LG_BUILTIN_LINK_FULL);
	if (ev) {
		ev->builtin = LG_BUILTIN_LINK_FULL;
		if (protect)
			ev->flags &= ~LG_EVENT_AUDIT;
		else if (!refuse)
			ev->flags = (ev->flags & ~(LG_EVENT_DENIED | LG_EVENT_AUDIT)) |
				    LG_EVENT_NOTICE;
		bpf_probe_read_kernel(ev->object.path, LG_EVENT_PATH_MAX, scratch->link.path);
		ev->object.path[LG_EVENT_PATH_MAX - 1] = 0;
		bpf_ringbuf_submit(ev, 0);
	}
	if (protect)
		return lg_protect_deny(policy, hook);
	if (refuse)
		return lg_deny(policy, hook);
	return 0;
}

/* Whether the kernel's share of the records is used up (the rest is the daemon's reserve,
 * LG_LINK_RESERVE). */
static __always_inline bool lg_links_full(void)
{
	__u32 made_index = LG_EPOCH_LINKS_MADE, cap_index = LG_EPOCH_LINKS_CAPACITY;
	__u64 *made = bpf_map_lookup_elem(&lg_epochs, &made_index);
	__u64 *capacity = bpf_map_lookup_elem(&lg_epochs, &cap_index);

	return made && capacity && *capacity && *made >= *capacity;
}

/* Records the kernel may still make (its share less those made). */
static __always_inline __u64 lg_links_room(void)
{
	__u32 made_index = LG_EPOCH_LINKS_MADE, cap_index = LG_EPOCH_LINKS_CAPACITY;
	__u64 *made = bpf_map_lookup_elem(&lg_epochs, &made_index);
	__u64 *capacity = bpf_map_lookup_elem(&lg_epochs, &cap_index);

	if (!made || !capacity || !*capacity)
		return ~0ULL; /* no capacity set: the map's size decides */
	return *made >= *capacity ? 0 : *capacity - *made;
}

/* Insert value as the record of key (BPF_NOEXIST), counted; the update's error. */
static __always_inline int lg_link_insert(struct lg_inode_key *key, struct lg_link_value *value)
{
	__u32 made_index = LG_EPOCH_LINKS_MADE;
	__u64 *made;
	int err;

	value->flags = 0;
	/* -E2BIG when the map is full; -ENOMEM when the kernel has no memory for it. */
	err = bpf_map_update_elem(&lg_links, key, value, BPF_NOEXIST);
	if (err)
		return err;
	made = bpf_map_lookup_elem(&lg_epochs, &made_index);
	if (made)
		__sync_fetch_and_add(made, 1);
	return 0;
}

/*
 * A new record, scratch->link, for the file at key; when it cannot be kept, lg_link_unrecorded
 * decides (returns the hook's answer).
 */
static __always_inline int lg_link_store(struct lg_scratch *scratch, struct lg_inode_key *key,
					 __u8 hook)
{
	int err;

	if (lg_links_full())
		return lg_link_unrecorded(scratch, hook);
	err = lg_link_insert(key, &scratch->link);
	if (err == -EEXIST)
		return 0; /* another CPU's record, made first */
	if (err)
		return lg_link_unrecorded(scratch, hook);
	return 0;
}

/*
 * Whether the current task is under no policy: an administrator's link or rename. A file's
 * denied-name record (LG_LINK_KEY_DENIED) is made only by an administrator's new name
 * (lg_denied_op): a task allowed to write a path under another policy's deny rule could
 * otherwise take that place, or drop what is there, to take that policy's check off the file.
 */
static __always_inline bool lg_by_administrator(void)
{
	__u64 cgroup_id = 0;

	return !lg_current_policy(&cgroup_id);
}

/*
 * A link's or rename's changes to link records, decided at path_link or path_rename and made by
 * fexit of vfs_link or vfs_rename once the kernel has made the name (lg_name_linked,
 * lg_renamed): a record changed at the hook would stay changed when the kernel then refuses
 * (EACCES from the directory's mode, a sticky directory, an immutable file, EBUSY, another
 * LSM) or does nothing (a rename between two names of one file), and any user could then take
 * a record off its denied name, or put one on a name that denies a shared program to every
 * service (review 35). One change for each of the two files an exchange moves, each the new
 * name (value) and what it becomes (op, bits); the dentries name the operation it belongs to.
 */
#define LG_NAME_FOLLOW 1	/* the original record's name moved: value is its new name */
#define LG_NAME_DENIED_FOLLOW 2 /* the denied-name record's name moved */
#define LG_NAME_DENIED_ADD 4	/* value becomes the denied name where there is none */
#define LG_NAME_DENIED_SET 8	/* value becomes the denied name (an administrator's) */

struct lg_name_change {
	__u64 from; /* the moving or linked dentry (its address) */
	__u64 to;   /* the target dentry, or the link's new one */
	struct lg_inode_key key; /* the file's original record's key (pad 0) */
	__u32 op;
	__u32 pad;
	struct lg_link_value value;
};

struct lg_name_pending {
	struct lg_name_change change[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_name_pending);
} lg_name_pending SEC(".maps");

/* Stash scratch->link as change i of the current task's link or rename. A task storage that
 * cannot be had: -ENOMEM, the operation refused (the record could not follow it). */
static __always_inline int lg_name_stash(__u32 i, struct dentry *from, struct dentry *to,
					 struct lg_inode_key *key, __u32 op,
					 struct lg_scratch *scratch)
{
	struct lg_name_pending *pending;
	struct lg_name_change *change;

	pending = lg_task_storage_create(&lg_name_pending, bpf_get_current_task_btf());
	if (!pending)
		return -ENOMEM;
	change = &pending->change[i & 1];
	change->from = (__u64)from;
	change->to = (__u64)to;
	change->key = *key;
	change->key.pad = 0;
	change->op = op;
	__builtin_memcpy(&change->value, &scratch->link, sizeof(change->value));
	return 0;
}

/* The current task's pending changes, cleared (a new link or rename starts). */
static __always_inline void lg_name_clear(void)
{
	struct lg_name_pending *pending;

	pending = bpf_task_storage_get(&lg_name_pending, bpf_get_current_task_btf(), 0, 0);
	if (pending) {
		pending->change[0].op = 0;
		pending->change[1].op = 0;
	}
}

/*
 * What a new name in scratch->link, under a deny rule, does to the file's denied-name record
 * (denied: that record, or NULL), when an administrator gives it: it adds it where there is
 * none, and replaces one whose name lies under no deny rule any more (moved off by a rename).
 * A denied name under a deny rule stays: the filter also answers yes for names under an [exec]
 * deny of their directory, or another policy's rule, and a backup link of the denied file made
 * there must not take the denied name's place (attack run 18's O_TMPFILE case). A confined
 * task's names never go there: its own link under such a directory would hold the place
 * before the administrator's link onto the denied name (attack run 18, 1801). When none can be added (the records full), lg_link_unrecorded decides now (returns the
 * hook's answer: refused, the file is under a deny rule); otherwise the op bit, or 0.
 */
static __always_inline int lg_denied_op(struct lg_scratch *scratch,
					const struct lg_link_value *record,
					const struct lg_link_value *denied, __u8 hook, __u32 *op)
{
	*op = 0;
	if (!lg_link_under_deny(&scratch->link))
		return 0;
	*op = denied ? LG_NAME_DENIED_SET : LG_NAME_DENIED_ADD;
	/* A new record needs room: two for a file with none (its original beside it). */
	if (!denied && lg_links_room() < (record ? 1 : 2)) {
		*op = 0;
		return lg_link_unrecorded(scratch, hook);
	}
	return 0;
}

/* Whether a new name may change the file's denied-name record at all: an administrator's, where
 * there is none or it lies under no deny rule any more (before any walk of the new name). */
static __always_inline bool lg_denied_open(const struct lg_link_value *denied)
{
	return lg_by_administrator() && (!denied || !lg_link_under_deny(denied));
}

static __always_inline bool lg_link_names(struct lg_scratch *scratch,
					  const struct lg_link_value *record);

/*
 * Whether a file's original record stands at its administrator's link from old (in mnt). It
 * does unless the file has one name (old) and the record does not name it: the record went
 * stale, its name read through a mount that is gone (a btrfs subvolume's own mount, unmounted:
 * its files are named through the top-level's since; attack run 21's 2105), and a link made
 * now would have kept the dead name as the original, so that the new name was read. Only an
 * administrator's link puts the original in its place (lg_by_administrator: a policy's task
 * allowed to write the stale name does not take another policy's check off the file).
 */
static __always_inline bool lg_record_current(struct lg_scratch *scratch, struct inode *inode,
					      const struct lg_link_value *record,
					      struct dentry *old, struct vfsmount *mnt)
{
	if (BPF_CORE_READ(inode, i_nlink) >= 2 || !lg_by_administrator() ||
	    lg_link_under_deny(record))
		return true; /* a name under a deny rule that the file lost (ln, then rm of the
			      * denied name) keeps its rules on the file (review 40) */
	scratch->in_dentry = (__u64)old;
	scratch->in_mnt = (__u64)mnt;
	return lg_link_names(scratch, record);
}

/*
 * A regular file is getting another name (dentry at new, in mnt): remember its original name,
 * the old one, now (it stays a name of the file if the link fails). A new name under a deny
 * rule becomes the file's denied name once the link is made (lg_denied_op, lg_name_linked).
 * When the original cannot be remembered, lg_link_unrecorded decides (returns the hook's answer).
 */
static __always_inline int lg_record_link(struct dentry *old, struct dentry *new,
					  struct vfsmount *mnt)
{
	struct lg_scratch *scratch = lg_scratch();
	struct inode *inode = BPF_CORE_READ(old, d_inode);
	const struct lg_link_value *record, *denied;
	struct lg_inode_key key = {};
	__u32 op = 0;
	int ret;

	if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return 0;
	if (!scratch)
		return -ENOMEM; /* no memory for the task's scratch: the name could not follow */
	key.dev = lg_inode_dev((__u64)inode, 0);
	key.ino = BPF_CORE_READ(inode, i_ino);
	record = bpf_map_lookup_elem(&lg_links, &key);
	denied = 0; /* a file has a denied name only beside an original */
	if (record) {
		key.pad = LG_LINK_KEY_DENIED;
		denied = bpf_map_lookup_elem(&lg_links, &key);
		key.pad = 0;
	}
	lg_name_clear();
	if (lg_denied_open(denied) && !lg_link_name(scratch, new, mnt)) {
		ret = lg_denied_op(scratch, record, denied, LG_HOOK_PATH_LINK, &op);
		if (ret)
			return ret;
		if (op) {
			ret = lg_name_stash(0, old, new, &key, op, scratch);
			if (ret)
				return ret;
		}
	}
	if (record && lg_record_current(scratch, inode, record, old, mnt))
		return 0; /* the first name is the original */
	if (lg_link_name(scratch, old, mnt))
		return 0;
	if (record) {
		/* the administrator's link of a file whose one name the record no longer names:
		 * that name is the original now */
		scratch->link.flags = record->flags;
		bpf_map_update_elem(&lg_links, &key, &scratch->link, BPF_EXIST);
		return 0;
	}
	return lg_link_store(scratch, &key, LG_HOOK_PATH_LINK);
}

/* Whether the name at (scratch->in_dentry, in_mnt) is the one record holds: its last prefix
 * hash and its length, for a bank the record holds. */
static __always_inline bool lg_link_names(struct lg_scratch *scratch,
					  const struct lg_link_value *record)
{
	struct lg_config *config;
	__u32 zero = 0;
	int bank, count;
	__u64 last;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config || !record)
		return false;
	bank = record->count[0] ? 0 : 1;
	count = record->count[bank];
	if (count < 1 || count > LG_PATH_DEPTH_MAX + 1)
		return false;
	last = record->prefix_hash[bank & 1][(count - 1) & (2 * LG_PATH_DEPTH_MAX - 1)];
	scratch->step.policy = 0; /* hash only */
	return lg_path_walk_record(scratch, config->path_seed[bank], bank) == count &&
	       scratch->link.prefix_hash[bank & 1][(count - 1) & (2 * LG_PATH_DEPTH_MAX - 1)] == last;
}

/*
 * A regular file's name from is moving to to (in mnt), change i of the rename. Each of the
 * file's records (its original name, its denied name) follows the move when from is its name:
 * the rules of a path stay with the path, as for any file moved. A to under a deny rule becomes
 * the file's denied name (lg_denied_op). Otherwise a rename of the administrator's temporary
 * file onto the denied name, made after the service had linked the temporary file, left the
 * service a name with the old, allowed original (attack run 17). Decided here, made once the
 * rename is done (lg_renamed).
 */
static __always_inline int lg_follow_rename(__u32 i, struct dentry *from, struct dentry *to,
					    struct vfsmount *mnt)
{
	struct inode *inode = BPF_CORE_READ(from, d_inode);
	const struct lg_link_value *record, *denied;
	struct lg_inode_key key = {};
	struct lg_scratch *scratch;
	__u32 op = 0, deny_op;
	int ret;

	if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return 0;
	if (BPF_CORE_READ(to, d_inode) == inode)
		return 0; /* two names of one file: the kernel does nothing */
	key.dev = lg_inode_dev((__u64)inode, 0);
	key.ino = BPF_CORE_READ(inode, i_ino);
	record = bpf_map_lookup_elem(&lg_links, &key);
	if (!record && BPF_CORE_READ(inode, i_nlink) < 2)
		return 0; /* one name, and no record: nothing follows it */
	denied = 0; /* a file has a denied name only beside an original */
	if (record) {
		key.pad = LG_LINK_KEY_DENIED;
		denied = bpf_map_lookup_elem(&lg_links, &key);
		key.pad = 0;
	}
	scratch = lg_scratch();
	if (!scratch)
		return record ? -ENOMEM : 0; /* a record that could not follow: refused */
	scratch->in_dentry = (__u64)from;
	scratch->in_mnt = (__u64)mnt;
	if (record && lg_link_names(scratch, record))
		op |= LG_NAME_FOLLOW;
	scratch->in_dentry = (__u64)from;
	scratch->in_mnt = (__u64)mnt;
	if (denied && lg_link_names(scratch, denied))
		op |= LG_NAME_DENIED_FOLLOW;
	deny_op = lg_denied_open(denied);
	if (!op && !deny_op)
		return 0; /* nothing of this file follows the move */
	if (lg_link_name(scratch, to, mnt))
		return 0; /* the name moves where it has no path to record */
	if (deny_op) {
		ret = lg_denied_op(scratch, record, denied, LG_HOOK_PATH_RENAME, &deny_op);
		if (ret)
			return ret;
		op |= deny_op;
	}
	if (!op)
		return 0;
	return lg_name_stash(i, from, to, &key, op, scratch);
}

/*
 * The kernel frees an inode (every inode of the host passes here): its record goes when the
 * file is gone for good. That is when no name is left (i_nlink 0), whatever removed the last
 * one: an unlink or rename the path hooks saw, or a vfs_unlink they do not see (nfsd,
 * overlayfs on its upper layer); and a memory filesystem's file when the filesystem goes with
 * it (tmpfs, ramfs: unmounted, or freed with the last mount namespace that held it; their
 * inodes are freed only then or when deleted). A disk filesystem's inode freed to save memory
 * with its names left is the same file when it is read again: its record stays. Forgetting
 * here rather than at the last unlink, which the kernel may still refuse after the hook, never
 * drops the record of a file that keeps a name. A record left behind would count against the
 * capacity for ever and, once the numbers are reused (a new tmpfs takes a freed anonymous
 * device number, a filesystem a freed inode number), stand for another file.
 */
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6

SEC("lsm/inode_free_security")
int BPF_PROG(lg_inode_freed, struct inode *inode)
{
	__u32 made_index = LG_EPOCH_LINKS_MADE;
	struct lg_inode_key key = {};
	struct lg_link_value *value;
	__u64 *made, inode_addr = 0;
	bool kernel_made;

	if ((inode->i_mode & S_IFMT) != S_IFREG)
		return 0;
	if (inode->i_nlink) {
		unsigned long magic = inode->i_sb->s_magic;

		if (magic != TMPFS_MAGIC && magic != RAMFS_MAGIC)
			return 0;
	}
	/* The inode's address as a number (a global function takes no BTF pointer): read from
	 * the hook's own argument. */
	bpf_probe_read_kernel(&inode_addr, sizeof(inode_addr), ctx);
	key.dev = lg_inode_dev(inode_addr, 0);
	key.ino = inode->i_ino;
	/* The original's record, then the denied name's (there is none without the first). */
	for (int pad = 0; pad <= LG_LINK_KEY_DENIED; pad++) {
		key.pad = pad;
		value = bpf_map_lookup_elem(&lg_links, &key);
		if (!value)
			return 0;
		kernel_made = !(value->flags & LG_LINK_BY_DAEMON);
		made = bpf_map_lookup_elem(&lg_epochs, &made_index);
		if (bpf_map_delete_elem(&lg_links, &key) == 0 && kernel_made && made && *made)
			__sync_fetch_and_sub(made, 1);
	}
	return 0;
}


/*
 * A file that an [exec] deny rule of the policy names (not its default) cannot be renamed,
 * moved or hard-linked to a name that rule does not cover: the write checks see [files] only,
 * so a service that may write /usr/bin/ could otherwise move a denied /usr/bin/nc to
 * /usr/bin/x and run it, or link it there and unlink the old name (attack run 6: with two
 * names both count, with one only the new one). Within the rule (bin/prog to bin/prog.old
 * under deny = bin/) it may.
 */
static __always_inline int lg_check_exec_rule(const struct lg_policy_value *policy,
					      __u64 cgroup_id, __u8 hook, struct dentry *from,
					      struct vfsmount *from_mnt, struct dentry *to,
					      struct vfsmount *to_mnt)
{
	struct inode *inode = BPF_CORE_READ(from, d_inode);
	struct lg_path_verdict verdict;

	if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFDIR)
		return 0;
	lg_path_decide(policy, LG_CLASS_EXEC, LG_DECISION_EXEC, from, from_mnt, &verdict);
	if (!verdict.deny || verdict.rule == policy->default_rule[LG_DECISION_EXEC] ||
	    verdict.rule == policy->anonymous_rule ||
	    (verdict.flags & (LG_EVENT_WALK_LIMIT | LG_EVENT_DISCONNECTED)))
		return 0;
	lg_path_decide(policy, LG_CLASS_EXEC, LG_DECISION_EXEC, to, to_mnt, &verdict);
	if (verdict.deny)
		return 0;
	/* Walked again for the event's path: the denied name. */
	lg_path_decide(policy, LG_CLASS_EXEC, LG_DECISION_EXEC, from, from_mnt, &verdict);
	lg_verdict_builtin(&verdict, LG_BUILTIN_RULES_BENEATH);
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_EXEC, &verdict);
}

SEC("lsm/path_link")
int BPF_PROG(lg_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	struct vfsmount *mnt;

	if (ret)
		return ret;
	mnt = BPF_CORE_READ(new_dir, mnt); /* link() never crosses mounts */
	ret = lg_check_two_names(LG_HOOK_PATH_LINK, old_dentry, mnt, new_dentry, mnt);
	if (!ret) {
		const struct lg_policy_value *policy;
		__u64 cgroup_id = 0;

		policy = lg_current_policy(&cgroup_id);
		if (policy)
			ret = lg_check_exec_rule(policy, cgroup_id, LG_HOOK_PATH_LINK, old_dentry, mnt,
						 new_dentry, mnt);
		/* a second name of a symbolic link (linkat without AT_SYMLINK_FOLLOW) where rules
		 * lie beneath: their paths would lead where it points (lg_beneath_verdict) */
		if (policy && !ret && lg_leads_on(old_dentry) && !lg_in_setup_window())
			ret = lg_check_beneath(policy, cgroup_id, LG_HOOK_PATH_LINK, new_dentry, mnt);
	}
	return ret;
}

/*
 * A second program on the same hook, attached after lg_path_link (the verifier would not take
 * both in one program): it receives the check's answer as ret, and records only links that
 * are going ahead.
 */
SEC("lsm/path_link")
int BPF_PROG(lg_path_link_record, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return lg_record_link(old_dentry, new_dentry, BPF_CORE_READ(new_dir, mnt));
}

/*
 * Self-protection for every task, under a policy or not: only lsmguard itself removes or
 * renames what lives in the bpffs of its pins (`lsmguard unload` ends enforcement; `rm` of a
 * pin by anyone else would detach a program).
 */
static __always_inline int lg_guard_pins(struct dentry *dentry, __u8 hook)
{
	static const char what[] = "lsmguard's pins";

	if (!lg_in_pin_fs(dentry) || lg_is_lsmguard())
		return 0;
	return lg_builtin_deny(&lg_no_policy, 0, hook, LG_BUILTIN_SELF, what, sizeof(what));
}

SEC("lsm/path_rename")
int BPF_PROG(lg_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	ret = lg_check_two_names(LG_HOOK_PATH_RENAME, old_dentry, BPF_CORE_READ(old_dir, mnt),
				 new_dentry, BPF_CORE_READ(new_dir, mnt));
	if (!ret)
		ret = lg_guard_pins(old_dentry, LG_HOOK_PATH_RENAME);
	if (!ret)
		ret = lg_guard_pins(new_dentry, LG_HOOK_PATH_RENAME);
	return ret;
}


/*
 * A second program on path_rename, after lg_path_rename (its own verifier budget): a task under
 * a policy moves no directory away from a name that has one of lsmguard's own objects beneath
 * it (a protection, protected.bpf.h), or a rule of its policy, or a deny rule of any policy (the
 * rule's objects would leave its path); and moves no directory or symbolic link to such a name
 * (the rules' paths would lead into it: lg_beneath_verdict). One lookup per walked prefix, as
 * any write check, plus two for the markers of the name; a file moving over a file takes none.
 * With RENAME_EXCHANGE both names move, each to the other's place.
 */
SEC("lsm/path_rename")
int BPF_PROG(lg_path_rename_beneath, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	const struct lg_policy_value *policy;
	bool exchange = flags & RENAME_EXCHANGE;
	bool old_name, new_name;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* the old name: a directory leaves it, or (an exchange) one or a link arrives there */
	old_name = lg_is_dir(old_dentry) ||
		   (exchange && lg_leads_on(new_dentry) && !lg_in_setup_window());
	/* the new name: a directory or a link arrives there, or (an exchange) a directory leaves;
	 * what arrives is left to systemd's own code in the setup window (lg_beneath_verdict) */
	new_name = (lg_leads_on(old_dentry) && !lg_in_setup_window()) ||
		   (exchange && lg_is_dir(new_dentry));
	if (old_name)
		ret = lg_check_beneath(policy, cgroup_id, LG_HOOK_PATH_RENAME, old_dentry,
				       BPF_CORE_READ(old_dir, mnt));
	if (!ret && new_name)
		ret = lg_check_beneath(policy, cgroup_id, LG_HOOK_PATH_RENAME, new_dentry,
				       BPF_CORE_READ(new_dir, mnt));
	if (!ret)
		ret = lg_check_exec_rule(policy, cgroup_id, LG_HOOK_PATH_RENAME, old_dentry,
					 BPF_CORE_READ(old_dir, mnt),
					 new_dentry, BPF_CORE_READ(new_dir, mnt));
	if (!ret && exchange)
		ret = lg_check_exec_rule(policy, cgroup_id, LG_HOOK_PATH_RENAME, new_dentry,
					 BPF_CORE_READ(new_dir, mnt),
					 old_dentry, BPF_CORE_READ(old_dir, mnt));
	return ret;
}

/*
 * A third program on path_rename, after the checks (it sees their answer as ret): what a move of
 * a file's names changes in its link record (lg_follow_rename), for every task, kept until the
 * rename is done (lg_renamed). With RENAME_EXCHANGE both files move. A rename never crosses
 * mounts: one mount for both names.
 */
SEC("lsm/path_rename")
int BPF_PROG(lg_path_rename_record, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	struct vfsmount *mnt;

	if (ret)
		return ret;
	mnt = BPF_CORE_READ(new_dir, mnt);
	lg_name_clear();
	ret = lg_follow_rename(0, old_dentry, new_dentry, mnt);
	if (!ret && (flags & RENAME_EXCHANGE))
		ret = lg_follow_rename(1, new_dentry, old_dentry, mnt);
	return ret;
}

/* Keep value under key (the file's record of one kind), as a new record (counted) or in place
 * of the one there (its accounting kept); a new one that finds no room is counted unrecorded. */
static __always_inline void lg_link_put(struct lg_inode_key *key, struct lg_link_value *value,
					bool replace)
{
	const struct lg_link_value *old = bpf_map_lookup_elem(&lg_links, key);
	int err;

	if (old) {
		if (!replace)
			return;
		value->flags = old->flags;
		bpf_map_update_elem(&lg_links, key, value, BPF_EXIST);
		return;
	}
	err = lg_links_full() ? -ENOMEM : lg_link_insert(key, value);
	if (err && err != -EEXIST) {
		__u32 index = LG_EPOCH_LINKS_UNRECORDED;
		__u64 *unrecorded = bpf_map_lookup_elem(&lg_epochs, &index);

		if (unrecorded)
			__sync_fetch_and_add(unrecorded, 1);
	}
}

/* Make change i if it belongs to this operation (its two dentries). */
static __always_inline void lg_name_apply(struct lg_name_pending *pending, __u32 i, __u64 from,
					  __u64 to)
{
	struct lg_name_change *change = &pending->change[i & 1];
	__u32 op = change->op;

	/* Another operation's (a stacked filesystem's own vfs_rename or vfs_link on its layer,
	 * run inside this one: overlayfs, ecryptfs): left for the one it belongs to (review 36). */
	if (!op || change->from != from || change->to != to)
		return;
	change->op = 0;
	if (op & LG_NAME_FOLLOW) {
		change->key.pad = 0;
		if (bpf_map_lookup_elem(&lg_links, &change->key))
			lg_link_put(&change->key, &change->value, true);
	}
	/* A denied name has an original record beside it (lg_inode_freed looks for the second
	 * only after the first): a file with no record gets the denied name as both. */
	change->key.pad = 0;
	if ((op & (LG_NAME_DENIED_SET | LG_NAME_DENIED_ADD)) &&
	    !bpf_map_lookup_elem(&lg_links, &change->key)) {
		lg_link_put(&change->key, &change->value, false);
		if (!bpf_map_lookup_elem(&lg_links, &change->key))
			return; /* no original: no denied name either (lg_inode_freed) */
	}
	change->key.pad = LG_LINK_KEY_DENIED;
	if (op & (LG_NAME_DENIED_FOLLOW | LG_NAME_DENIED_SET))
		lg_link_put(&change->key, &change->value, true);
	else if (op & LG_NAME_DENIED_ADD)
		lg_link_put(&change->key, &change->value, false);
}

/*
 * The rename is done (ret 0): the changes lg_path_rename_record decided for it are made. A rename
 * the kernel refused, or one the path hooks never saw (nfsd, overlayfs), changes nothing.
 */
SEC("fexit/vfs_rename")
int BPF_PROG(lg_renamed, struct renamedata *rd, int ret)
{
	struct lg_name_pending *pending;
	__u64 old, new;

	pending = bpf_task_storage_get(&lg_name_pending, bpf_get_current_task_btf(), 0, 0);
	if (!pending)
		return 0;
	old = (__u64)BPF_CORE_READ(rd, old_dentry);
	new = (__u64)BPF_CORE_READ(rd, new_dentry);
	if (ret) {
		pending->change[0].op = 0;
		pending->change[1].op = 0;
		return 0;
	}
	lg_name_apply(pending, 0, old, new);
	lg_name_apply(pending, 1, new, old);
	return 0;
}

SEC("lsm/path_unlink")
int BPF_PROG(lg_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	bool denied;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy) {
		ret = lg_guard_pins(dentry, LG_HOOK_PATH_UNLINK);
		if (ret)
			return ret;
	} else {
		ret = lg_check_write(policy, cgroup_id, LG_HOOK_PATH_UNLINK, dentry,
				     BPF_CORE_READ(dir, mnt), &denied);
		if (denied && ret)
			return ret;
		if (!denied)
			lg_count_allowed(policy->id, LG_HOOK_PATH_UNLINK);
	}
	return 0;
}

SEC("lsm/path_truncate")
int BPF_PROG(lg_path_truncate, const struct path *path, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	bool denied;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	ret = lg_check_write(policy, cgroup_id, LG_HOOK_PATH_TRUNCATE, BPF_CORE_READ(path, dentry),
			     BPF_CORE_READ(path, mnt), &denied);
	if (!denied)
		lg_count_allowed(policy->id, LG_HOOK_PATH_TRUNCATE);
	return ret;
}

/*
 * The verdict caches' kernel epoch (cache.bpf.h), bumped after the fact, for every task: a name
 * moved (rename, exchange, a network filesystem moving an alias; all go through __d_move) or a
 * hard link made, when that can change a verdict other than the moved file's own. An LSM hook
 * runs before the change and would let a walk started in between cache the old name's verdict;
 * fexit runs once the change is visible.
 */

/* Whether a name change of dentry's file can leave stale a verdict other than its own slots
 * (which its d_seq retires): anything but a regular file. */
static __always_inline bool lg_name_change_retires(struct dentry *dentry)
{
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);

	return inode && (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG;
}

/* Whether a move can leave stale a verdict other than the moved files' own slots (see
 * lg_name_moved): a move of anything but a regular file over nothing or another regular file. */
static __always_inline bool lg_move_retires(struct dentry *dentry, struct dentry *target,
					    bool exchange)
{
	return exchange || lg_name_change_retires(dentry) || lg_name_change_retires(target) ||
	       !BPF_CORE_READ(dentry, d_inode);
}

/* Regular-file moves that bumped no epoch, counted: one bump every 2^20 of them, so that no
 * dentry's 32-bit d_seq (2 a move) can come back to a slot's value under one tag. */
#define LG_SKIPPED_MOVES_MASK ((1ULL << 20) - 1)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lg_moves_skipped SEC(".maps");

/*
 * The same bump before the move too, for the moves that retire everyone's verdicts: a slot stored
 * before the move must not answer while the move is under way, between the moment the name is
 * visible at its new place and the bump after it (fexit): a file in a directory being moved into
 * a denied one, opened through a descriptor of the directory, or a directory's state (cache.bpf.h)
 * whose key a store read after the move (attack run 14). A regular file's own slots need none:
 * its move sequence is odd for the whole move.
 */
SEC("fentry/__d_move")
int BPF_PROG(lg_name_moving, struct dentry *dentry, struct dentry *target, bool exchange)
{
	if (!lg_move_retires(dentry, target, exchange))
		return 0;
	lg_epoch_bump();
	return 0;
}

SEC("fexit/__d_move")
int BPF_PROG(lg_name_moved, struct dentry *dentry, struct dentry *target, bool exchange)
{
	__u32 zero = 0;
	__u64 *skipped;

	/*
	 * A regular file moved over nothing or over another regular file: the move bumped both
	 * dentries' d_seq, which retires their own slots, and no other verdict depends on their
	 * names (a slot names its own dentry; a regular file with several names is never cached;
	 * a new dentry of the file clears its slots, lg_name_instantiated). A directory,
	 * anything else, or an exchange: everyone's. (This also spares lsmguard's own atomic
	 * writes: the state, and the metrics file every second.)
	 */
	if (!lg_move_retires(dentry, target, exchange)) {
		skipped = bpf_map_lookup_elem(&lg_moves_skipped, &zero);
		if (skipped && (__sync_fetch_and_add(skipped, 1) & LG_SKIPPED_MOVES_MASK))
			return 0;
	}
	lg_epoch_bump();
	return 0;
}

/*
 * A dentry given an inode (a lookup that missed the dentry cache, a creation, a link, an
 * alias made from a file handle): every verdict cached in the inode's storage goes. A slot
 * names its dentry and parent by address, and a dentry freed (reclaimed, or a name unlinked
 * while another keeps the file) can be allocated again at the same address, with a fresh move
 * sequence, under a parent that reuses an old parent's address, at a name with the same salted
 * hash: the old slot would match a new path (review of the move-sequence change: a link and an
 * rmdir, or memory pressure and a rename, were enough). A slot lives only while the dentry it
 * names does: any new dentry of the file ends them all.
 */
SEC("lsm/d_instantiate")
int BPF_PROG(lg_name_instantiated, struct dentry *dentry, struct inode *inode)
{
	struct lg_inode_cache *cache;
	struct lg_dir_cache *dir;

	if (!inode)
		return 0;
	cache = bpf_inode_storage_get(&lg_inode_cache, inode, 0, 0);
	if (cache) {
		bpf_spin_lock(&cache->lock);
		lg_inode_cache_write_begin(cache);
		for (int i = 0; i < LG_CACHE_SLOTS; i++)
			cache->slot[i].tag = 0;
		lg_inode_cache_write_end(cache);
		bpf_spin_unlock(&cache->lock);
	}
	/* A directory's state for the files in it (cache.bpf.h) names its dentry the same way. */
	if ((inode->i_mode & S_IFMT) != S_IFDIR)
		return 0;
	dir = bpf_inode_storage_get(&lg_dir_cache, inode, 0, 0);
	if (!dir)
		return 0;
	bpf_spin_lock(&dir->lock);
	for (int i = 0; i < LG_CACHE_SLOTS; i++)
		dir->slot[i].tag = 0;
	bpf_spin_unlock(&dir->lock);
	return 0;
}

/* Every hard link (rare beside renames): its new dentry clears the file's own slots, and this
 * retires the others too. */
SEC("fexit/vfs_link")
int BPF_PROG(lg_name_linked, struct dentry *old_dentry, void *idmap, struct inode *dir,
	     struct dentry *new_dentry, struct inode **delegated_inode, int ret)
{
	struct lg_name_pending *pending;

	lg_epoch_bump();
	pending = bpf_task_storage_get(&lg_name_pending, bpf_get_current_task_btf(), 0, 0);
	if (!pending)
		return 0;
	if (ret) {
		pending->change[0].op = 0;
		return 0;
	}
	/* The link is made: a new name under a deny rule becomes the file's denied name. */
	lg_name_apply(pending, 0, (__u64)old_dentry, (__u64)new_dentry);
	return 0;
}
