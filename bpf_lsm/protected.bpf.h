/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lsmguard's own objects (LG_BUILTIN_PROTECTED, a protection: it holds for every confined task,
 * in audit mode too): the policy directory and the directories above it up to /etc/lsmguard,
 * the executable, the state (/run/lsmguard, the metrics file, the --log file), the systemd unit
 * and its drop-ins. The daemon names them; the compiler (lg_compiled_add_protected) turns them
 * into records of the first id of each bank, class LG_PATH_CLASS_PROTECTED (the objects) and
 * LG_PATH_CLASS_PROTECTED_BENEATH (every directory above one).
 *
 * Writes of every kind (open for writing, truncate, create, link, unlink, rename on either side,
 * mknod, symlink, mkdir, rmdir, chmod, chown, xattrs) pass through lg_path_decide with the write
 * decision, whose walk looks each prefix up in the objects' records (lg_walk_step): nothing to
 * add in those hooks. What the walk does not see is a directory *above* an object, which a
 * rename or a mount would take away with it: that is what the helpers below answer.
 */
#ifndef LSMGUARD_PROTECTED_BPF_H
#define LSMGUARD_PROTECTED_BPF_H

#include "path.bpf.h"

/* Whether a protected object lies beneath the directory whose path hashes to hash (bank's seed). */
static __always_inline bool lg_protected_beneath(const struct lg_policy_value *policy, __u64 hash)
{
	struct lg_path_key key = {
	    .policy = (policy->bank & 1) * LG_MAX_POLICIES + 1,
	    .class = LG_PATH_CLASS_PROTECTED_BENEATH,
	    .hash = hash,
	};

	return bpf_map_lookup_elem(&lg_paths, &key) != 0;
}

/*
 * For the mount hooks: whether a mount on (dentry, mnt), the target, would cover one of
 * lsmguard's objects: the target is a protected object, lies beneath one, or is a directory
 * above one (a mount on /etc hides /etc/lsmguard). A target the walk cannot name (deeper than
 * LG_PATH_DEPTH_MAX, disconnected) counts as protected: fail closed.
 *
 * Contract: policy is the current task's (not NULL). Walks the target once (lg_path_decide,
 * write decision). Returns true with v set to the protection's deny verdict (builtin
 * LG_BUILTIN_PROTECTED, rule 0, the target's path for the event): the caller reports and
 * returns it with lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, v),
 * which denies with -EPERM in enforce and audit mode alike. Returns false with v holding the
 * policy's own write verdict at the target, so a caller that also decides the target by the
 * rules needs no second walk. It looks at paths only, not at namespaces: a caller that lets
 * mounts in a service's private namespace through (systemd's ProtectSystem= bind-mounts /etc and
 * /usr there, which are above protected objects) checks the namespace before calling.
 */
static __always_inline bool lg_protected_target(const struct lg_policy_value *policy,
						struct dentry *dentry, struct vfsmount *mnt,
						struct lg_path_verdict *v)
{
	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_WRITE, dentry, mnt, v);
	if (lg_builtin_protected_object(v->builtin))
		return true;
	if (v->flags & (LG_EVENT_WALK_LIMIT | LG_EVENT_DISCONNECTED)) {
		lg_verdict_builtin(v, LG_BUILTIN_PROTECTED);
		return true;
	}
	if (!lg_protected_beneath(policy, v->object))
		return false;
	lg_verdict_builtin(v, LG_BUILTIN_PROTECTED);
	return true;
}

/* Whether a marker says a rule's path lies beneath the directory whose path hashes to hash. */
static __always_inline __u8 lg_rules_beneath(const struct lg_policy_value *policy, __u64 hash)
{
	struct lg_path_key key = {
		.policy = (policy->bank & 1) * LG_MAX_POLICIES + 1, /* the bank's record */
		.class = LG_PATH_CLASS_DENY_BENEATH,
		.hash = hash,
	};
	struct lg_path_value *marker = bpf_map_lookup_elem(&lg_paths, &key);
	__u32 only;

	if (!marker)
		return 0; /* no rule of any policy beneath */
	only = marker->rule[0];
	if (only == policy->id)
		return LG_BUILTIN_RULES_BENEATH; /* its own rules: its confinement, by its mode */
	if (!only) { /* several policies' rules: this one's have a key of their own */
		key.policy = policy->id;
		key.class = LG_PATH_CLASS_BENEATH;
		if (bpf_map_lookup_elem(&lg_paths, &key))
			return LG_BUILTIN_RULES_BENEATH;
	}
	/* Only another policy's deny rule (its own made the answer above): a protection of that
	 * policy, which an audit-mode policy must not undo either. */
	return (marker->deny_mask & LG_BENEATH_DENY) ? LG_BUILTIN_OTHERS_BENEATH : 0;
}

/*
 * A name whose path other paths lie beneath: lsmguard's objects, or a rule's path (its own
 * policy's, or another's deny rule). A confined task moves no directory away from such a name
 * (the objects would leave their paths), and puts there neither a directory nor a symbolic link
 * of its own, by rename, link or symlink (the rules' paths would lead into what it brought: a
 * service's own directory renamed to /srv/conf, or a link /srv/conf -> its directory, while a
 * deny rule names /srv/conf/secret and the administrator has not made it yet; attack run 19).
 * v is the task's write verdict at the name (lg_path_decide). Returns true with v set to the
 * built-in answer (or left as the host code's), false when nothing lies beneath. Callers leave
 * the new checks (a directory or link arriving) to systemd in a task's setup window: its own
 * code makes the unit's symbolic links (DynamicUser='s /var/lib/NAME -> private/NAME) and
 * directories there.
 */
static __always_inline bool lg_beneath_verdict(const struct lg_policy_value *policy,
					       struct lg_path_verdict *v)
{
	__u8 beneath;

	/* No hash to look the markers up with: fail closed, as lg_protected_target (the write
	 * check refuses the name too, but only audits it in audit mode, where this protection
	 * must hold: review 37) */
	if ((v->flags & (LG_EVENT_WALK_LIMIT | LG_EVENT_DISCONNECTED)) ||
	    v->builtin == LG_BUILTIN_PROTECTED || lg_protected_beneath(policy, v->object)) {
		/* lsmguard's objects (or host code) beneath: a protection, in audit mode too */
		lg_verdict_builtin(v, LG_BUILTIN_PROTECTED);
		return true;
	}
	if (v->builtin == LG_BUILTIN_HOST_CODE)
		return true; /* the name is host code itself: that verdict */
	beneath = lg_rules_beneath(policy, v->object);
	if (!beneath)
		return false;
	lg_verdict_builtin(v, beneath);
	return true;
}

static __always_inline bool lg_is_dir(struct dentry *dentry)
{
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);

	return inode && (BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFDIR;
}

/* Whether an object at dentry leads to other paths: a directory, or a symbolic link. */
static __always_inline bool lg_leads_on(struct dentry *dentry)
{
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);
	__u32 type = inode ? BPF_CORE_READ(inode, i_mode) & S_IFMT : 0;

	return type == S_IFDIR || type == S_IFLNK;
}

/* The name at (dentry, mnt), moving away or being taken (lg_beneath_verdict), for a rename or
 * link (hook): report and refuse, or 0. */
static __always_inline int lg_check_beneath(const struct lg_policy_value *policy, __u64 cgroup_id,
					    __u8 hook, struct dentry *dentry, struct vfsmount *mnt)
{
	struct lg_path_verdict verdict;

	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_WRITE, dentry, mnt, &verdict);
	if (!lg_beneath_verdict(policy, &verdict))
		return 0;
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &verdict);
}

#endif /* LSMGUARD_PROTECTED_BPF_H */
