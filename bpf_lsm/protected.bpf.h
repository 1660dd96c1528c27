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

#endif /* LSMGUARD_PROTECTED_BPF_H */
