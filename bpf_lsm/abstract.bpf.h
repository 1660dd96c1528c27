/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Abstract unix socket names ([network] @NAME and @PREFIX* rules, lsmguard_abi.h's
 * LG_PATH_CLASS_ABSTRACT*): reaching one (unix.bpf.c: connect, send; the allow and deny rules,
 * slot LG_SLOT_EXACT_READ) and binding one (network.bpf.c socket_bind: the listen and
 * deny-listen rules, slot LG_SLOT_EXACT_WRITE).
 */
#ifndef LSMGUARD_ABSTRACT_BPF_H
#define LSMGUARD_ABSTRACT_BPF_H

#include "common.bpf.h"

/*
 * The verdict on the abstract name of n bytes at src (kernel memory: the bytes after the
 * address's leading NUL, NULs included) for slot. The rule on the whole name decides, else the
 * one on its longest prefix that has one, else [network] default. A name that cannot be read
 * (or of an impossible length) is refused whatever the rules say, fail closed, and its event
 * carries no rule. An event's path carries the name's length then its bytes (object_kind
 * ABSTRACT; the daemon writes it as a rule would: @NAME with \xHH escapes).
 */
static __noinline int lg_abstract_decide(const struct lg_policy_value *policy, __u64 cgroup_id,
					 const void *src, int n, __u8 hook, __u32 slot)
{
	struct lg_path_key key = {.policy = policy->id, .class = LG_PATH_CLASS_ABSTRACT_LENGTHS};
	__u32 lengths[4] = {}, rule;
	struct lg_path_value *value;
	struct lg_scratch *scratch;
	bool deny, unreadable = false;
	unsigned char *name;
	struct lg_event *ev;
	__u64 h;

	/* The name's bytes in the task's scratch (a pathname walk never runs with this one), not
	 * on the stack: with the caller's frame, 128 bytes more passed the 512-byte limit. */
	scratch = lg_scratch_inline();
	if (!scratch)
		return lg_deny_verdict(policy, hook, 0, 0); /* no memory: fail closed */
	name = scratch->path;
	__builtin_memset(name, 0, 128);
	slot &= LG_SLOT_COUNT - 1;
	if (n < 0 || n > LG_ABSTRACT_NAME_MAX ||
	    bpf_probe_read_kernel(name, n & 127, src)) {
		n = 0;
		unreadable = true;
	}
	rule = policy->default_rule[LG_DECISION_NET];
	deny = policy->default_deny & (1u << LG_DECISION_NET);
	value = bpf_map_lookup_elem(&lg_paths, &key);
	if (value) {
		lengths[0] = value->rule[0];
		lengths[1] = value->rule[1];
		lengths[2] = value->rule[2];
		lengths[3] = value->rule[3];
	}
	h = lg_hash_init(policy->seed);
	for (int l = 0; l <= LG_ABSTRACT_NAME_MAX; l++) {
		if (l > n)
			break;
		if (l)
			h = lg_hash_byte(h, name[(l - 1) & 127]);
		if (!((lengths[(l >> 5) & 3] >> (l & 31)) & 1))
			continue;
		key.class = LG_PATH_CLASS_ABSTRACT_PREFIX;
		key.hash = lg_abstract_hash(h, (__u32)l);
		value = bpf_map_lookup_elem(&lg_paths, &key);
		if (value && value->rule[slot]) {
			rule = value->rule[slot];
			deny = (value->deny_mask >> slot) & 1;
		}
	}
	key.class = LG_PATH_CLASS_ABSTRACT;
	key.hash = lg_abstract_hash(h, (__u32)n);
	value = bpf_map_lookup_elem(&lg_paths, &key);
	if (value && value->rule[slot]) {
		rule = value->rule[slot];
		deny = (value->deny_mask >> slot) & 1;
	}
	if (unreadable)
		rule = 0; /* no rule decided it */
	if (!deny && !unreadable) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_NET, rule,
			    unreadable ? LG_EVENT_WALK_LIMIT : 0, key.hash, 0);
	if (ev) {
		ev->object_kind = LG_EVENT_OBJECT_ABSTRACT;
		ev->object.path[0] = (__u8)n;
		bpf_probe_read_kernel(&ev->object.path[1], n & 127, name);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, hook, 0, 0);
}

#endif
