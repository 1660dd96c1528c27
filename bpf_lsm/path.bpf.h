/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path decisions for files and exec.
 *
 * An object's path is rebuilt from its dentry and its ancestors in the filesystem (d_parent),
 * not from the caller's view of the mount tree: a bind mount or a chroot made in a new mount
 * namespace changes the caller's view, not the filesystem's, so a rule on a directory still
 * covers everything beneath it however that directory is reached. The walk stops at a mount
 * root that the host mount namespace knows (lg_mounts, filled by lsmguard from its own
 * mountinfo), which gives the host path of the mount point. A filesystem root the host does not
 * know (a filesystem mounted after load, or only inside a namespace) is crossed into its parent
 * mount, as Landlock does.
 *
 * Then each prefix of the path is hashed and looked up, from the root down: the deepest rule
 * wins, so the cost is one lookup per component and does not depend on the number of rules.
 * Deeper than LG_PATH_DEPTH_MAX components, or more steps than the walk allows, is decided
 * deny (fail closed) and flagged LG_EVENT_WALK_LIMIT.
 */
#ifndef LSMGUARD_PATH_BPF_H
#define LSMGUARD_PATH_BPF_H

#include "common.bpf.h"

#define LG_WALK_STEPS (LG_PATH_DEPTH_MAX + 1 + 8) /* components plus mount crossings */
#define LG_NAME_WORDS ((LG_NAME_MAX + 1) / 8)

struct lg_path_verdict {
	__u32 rule;
	bool deny;
	__u8 flags; /* LG_EVENT_WALK_LIMIT */
	/* For the event: how the path was found. */
	const struct lg_mount_value *anchor;
	int components; /* dentries recorded in the scratch, object first */
};

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
	key.policy = step->policy;
	key.class = step->class;
	key.hash = h;
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
	return 0;
}

/*
 * Decide an access to the object at (dentry, mnt) for class (FILE or EXEC); write selects the
 * write slots. Starts from the policy's default for decision.
 */
static __always_inline void lg_path_decide(const struct lg_policy_value *policy, __u32 class,
					   enum lg_decision decision, struct dentry *dentry,
					   struct vfsmount *vfsmnt, struct lg_path_verdict *v)
{
	struct lg_scratch *scratch = lg_scratch();
	struct mount *mnt = lg_real_mount(vfsmnt);
	const struct lg_mount_value *anchor = 0;
	unsigned write = decision == LG_DECISION_FILE_WRITE;
	struct lg_walk_step *step;
	int depth = 0;
	bool anchored = false;
	__u32 n;

	v->rule = policy->default_rule[decision & 3];
	v->deny = policy->default_deny & (1u << decision);
	v->flags = 0;
	v->anchor = 0;
	v->components = 0;
	if (!scratch)
		goto out_fail_closed;
	scratch->count = 0;

	/* Bottom-up: record the dentries until a known mount root. */
	for (int step = 0; step < LG_WALK_STEPS; step++) {
		struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
		struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);

		if (dentry == mnt_root || dentry == parent) {
			struct lg_mount_key key = {
				.dev = BPF_CORE_READ(dentry, d_sb, s_dev),
				.ino = BPF_CORE_READ(dentry, d_inode, i_ino),
			};

			anchor = bpf_map_lookup_elem(&lg_mounts, &key);
			if (anchor) {
				anchored = true;
				break;
			}
			if (dentry == parent) {
				struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

				if (up == mnt) {
					anchored = true; /* namespace root: no host prefix */
					break;
				}
				dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
				mnt = up;
				continue;
			}
			/* A mount root inside a filesystem (a bind mount): keep climbing it. */
		}
		n = scratch->count;
		if (n > LG_PATH_DEPTH_MAX - 1)
			goto out_fail_closed;
		scratch->dentries[n & (LG_PATH_DEPTH_MAX - 1)] = dentry;
		scratch->count = n + 1;
		dentry = parent;
	}
	if (!anchored)
		goto out_fail_closed;
	n = scratch->count;
	if (n > LG_PATH_DEPTH_MAX)
		goto out_fail_closed;
	v->anchor = anchor;
	v->components = n;

	/* Top-down: the mount point's own prefixes, then each recorded component. */
	step = &scratch->step;
	step->policy = policy->id;
	step->class = class;
	step->write = write;
	step->name = 0;
	step->rule = v->rule;
	step->deny = v->deny;
	if (anchor) {
		depth = anchor->depth;
		if (depth > LG_MOUNT_DEPTH_MAX || depth + (int)n > LG_PATH_DEPTH_MAX)
			goto out_fail_closed;
		for (int i = 0; i <= LG_MOUNT_DEPTH_MAX; i++) {
			if (i > depth)
				break;
			step->hash = anchor->prefix_hash[policy->bank & 1][i];
			step->object = i == depth && n == 0;
			lg_walk_step(step);
		}
	} else {
		step->hash = lg_hash_init(policy->seed);
		step->object = n == 0;
		lg_walk_step(step);
	}
	for (int j = 0; j < LG_PATH_DEPTH_MAX; j++) {
		struct dentry *d;
		int k = (int)n - 1 - j;

		if (k < 0)
			break;
		d = scratch->dentries[k & (LG_PATH_DEPTH_MAX - 1)];
		step->name = (__u64)BPF_CORE_READ(d, d_name.name);
		step->len = BPF_CORE_READ(d, d_name.len);
		step->object = k == 0;
		lg_walk_step(step);
	}
	v->rule = step->rule;
	v->deny = step->deny;
	return;

out_fail_closed:
	v->rule = 0;
	v->deny = true;
	v->flags = LG_EVENT_WALK_LIMIT;
}

/*
 * The object's path for an event, rebuilt from the walk just done: the mount point's path, then
 * the recorded components. Built in the scratch buffer, which is twice the event's size so that
 * every copy at a masked offset stays inside it. The write offset lives in the scratch map, not
 * in a register: reloaded and masked in each round, it gives the verifier the same state at
 * every loop head, where a register would give it a new range per name length.
 */
static __always_inline void lg_event_path(struct lg_event *ev, const struct lg_path_verdict *v)
{
	struct lg_scratch *scratch = lg_scratch();
	int n = v->components;
	__u32 off;

	if (!scratch)
		return;
	scratch->path[0] = 0;
	scratch->path_off = 0;
	if (v->anchor) {
		long len = bpf_probe_read_kernel_str(scratch->path, LG_MOUNT_PATH_MAX, v->anchor->path);

		if (len > 1)
			scratch->path_off = (__u32)len - 1;
	}
	for (int j = 0; j < LG_PATH_DEPTH_MAX; j++) {
		int k = n - 1 - j;
		struct dentry *d;
		long len;

		if (k < 0)
			break;
		off = scratch->path_off;
		if (off >= LG_EVENT_PATH_MAX - 1) {
			ev->flags |= LG_EVENT_TRUNCATED;
			break;
		}
		/* barrier_var: clang would drop these masks as redundant; the verifier needs them. */
		barrier_var(off);
		off &= LG_EVENT_PATH_MAX - 1;
		d = scratch->dentries[k & (LG_PATH_DEPTH_MAX - 1)];
		scratch->path[off] = '/';
		off++;
		barrier_var(off);
		off &= LG_EVENT_PATH_MAX - 1;
		len = bpf_probe_read_kernel_str(&scratch->path[off], LG_EVENT_PATH_MAX,
						BPF_CORE_READ(d, d_name.name));
		scratch->path_off = off + (len > 1 ? (__u32)len - 1 : 0);
	}
	off = scratch->path_off;
	if (off == 0) {
		scratch->path[0] = '/';
		off = 1;
	}
	if (off >= LG_EVENT_PATH_MAX) {
		ev->flags |= LG_EVENT_TRUNCATED;
		off = LG_EVENT_PATH_MAX - 1;
	}
	barrier_var(off);
	scratch->path[off & (2 * LG_EVENT_PATH_MAX - 1)] = 0;
	bpf_probe_read_kernel(ev->object.path, LG_EVENT_PATH_MAX, scratch->path);
	ev->object.path[LG_EVENT_PATH_MAX - 1] = 0;
}

#endif /* LSMGUARD_PATH_BPF_H */
