// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user-space evaluator: decides an operation from the compiled records exactly as the BPF
 * programs do (same keys, same walk, same bounds), so that `explain`, the unit tests and the
 * kernel can be checked against each other.
 */
#include <errno.h>
#include <string.h>

#include "hash.h"
#include "policy.h"

static const struct lg_path_value *find_path(const struct lg_compiled *c, __u32 policy,
					     enum lg_class class, __u64 hash)
{
	struct lg_path_key key = {.policy = policy, .class = class, .hash = hash};
	size_t lo = 0, hi = c->path_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = lg_compare_path_keys(&c->paths[mid].key, &key);

		if (cmp == 0)
			return &c->paths[mid].value;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool take_slot(const struct lg_path_value *v, unsigned slot, struct lg_verdict *out)
{
	if (!v || !v->rule[slot])
		return false;
	out->rule = v->rule[slot];
	out->deny = v->deny_mask & (1u << slot);
	out->from_default = false;
	return true;
}

static void take_default(const struct lg_policy_value *pol, enum lg_decision decision,
			 struct lg_verdict *out)
{
	out->rule = pol->default_rule[decision];
	out->deny = pol->default_deny & (1u << decision);
	out->from_default = true;
}

/*
 * lsmguard's own objects and host code: the records lg_compiled_add_protected_kinds() added (a
 * caller that added none finds none). Looked up at every prefix of a write, as the kernel's
 * walk does (lg_walk_step): the result's LG_EVAL_* bits.
 */
#define LG_EVAL_PROTECTED 1
#define LG_EVAL_HOST_CODE 2
#define LG_EVAL_HOST_NAMED 4

static unsigned protected_step(const struct lg_compiled *c, __u64 hash, bool object,
			       unsigned state)
{
	for (size_t i = 0; i < c->beneath_count; i++) {
		const struct lg_path_entry *e = &c->beneath[i];

		if (e->key.class != LG_PATH_CLASS_PROTECTED || e->key.hash != hash)
			continue;
		if (!(e->value.deny_mask & ((1u << LG_SLOT_TREE_WRITE) |
					    (object ? 1u << LG_SLOT_EXACT_WRITE : 0))))
			continue;
		if (e->value.deny_mask & LG_PROTECTED_HOST)
			return (state | LG_EVAL_HOST_CODE) & ~LG_EVAL_HOST_NAMED;
		return state | LG_EVAL_PROTECTED;
	}
	return state;
}

/* /proc/sys/..., and /sys/... apart from the filesystems mounted in it (cgroup2, bpffs). */
static bool is_kernel_setting_path(const char *path)
{
	if (strncmp(path, "/proc/sys/", 10) == 0)
		return path[10] != '\0';
	return strncmp(path, "/sys/", 5) == 0 && path[5] != '\0' &&
	       strncmp(path, "/sys/fs/cgroup/", 15) != 0 && strncmp(path, "/sys/fs/bpf/", 12) != 0;
}

int lg_eval_path(const struct lg_compiled *c, __u32 policy, enum lg_decision decision,
		 const char *path, struct lg_verdict *out)
{
	enum lg_class class = decision == LG_DECISION_EXEC ? LG_CLASS_EXEC : LG_CLASS_FILE;
	unsigned write = decision == LG_DECISION_FILE_WRITE;
	const struct lg_policy_value *pol;
	struct lg_path_walk walk;
	unsigned state = 0;

	memset(out, 0, sizeof(*out));
	pol = lg_compiled_policy(c, policy);
	if (!pol || path[0] != '/' || decision == LG_DECISION_NET)
		return -EINVAL;
	take_default(pol, decision, out);

	lg_path_walk_start(&walk, c->seed, path);
	if (write)
		state = protected_step(c, walk.hash, path[1] == '\0', state);
	if (take_slot(find_path(c, policy, class, walk.hash), LG_SLOT_TREE_READ + write, out) &&
	    (state & LG_EVAL_HOST_CODE))
		state |= LG_EVAL_HOST_NAMED;
	while (lg_path_walk_next(&walk)) {
		bool found;
		const struct lg_path_value *v;

		if (walk.depth > LG_PATH_DEPTH_MAX) {
			/* The kernel cannot see the top of such a path: fail closed, as it does. */
			out->deny = true;
			out->rule = 0;
			out->walk_limit = true;
			out->from_default = false;
			return 0;
		}
		if (write)
			state = protected_step(c, walk.hash, walk.last, state);
		v = find_path(c, policy, class, walk.hash);
		found = walk.last && take_slot(v, LG_SLOT_EXACT_READ + write, out);
		if (!found)
			found = take_slot(v, LG_SLOT_TREE_READ + write, out);
		if (found && (state & LG_EVAL_HOST_CODE))
			state |= LG_EVAL_HOST_NAMED;
	}
	/* A protection, whatever the rules say (the kernel's lg_path_decide). */
	if (state & LG_EVAL_PROTECTED)
		out->builtin = LG_BUILTIN_PROTECTED;
	else if ((state & (LG_EVAL_HOST_CODE | LG_EVAL_HOST_NAMED)) == LG_EVAL_HOST_CODE &&
		 !(pol->flags & LG_POLICY_SYSTEM_HOST_CODE))
		out->builtin = LG_BUILTIN_HOST_CODE;
	/* A kernel setting (the kernel knows it by its inode: these are its usual places). The
	 * settings that are protections whatever the key says (knobs.bpf.h) are not known here. */
	else if (write && is_kernel_setting_path(path) &&
		 !(pol->flags & LG_POLICY_SYSTEM_KERNEL_SETTINGS))
		out->builtin = LG_BUILTIN_KERNEL_SETTING;
	if (out->builtin) {
		out->deny = true;
		out->rule = 0;
		out->from_default = false;
	}
	return 0;
}

static void mask_key(struct lg_net_key *key, unsigned prefix)
{
	for (unsigned bit = prefix; bit < 128; bit++)
		key->addr[bit / 8] &= (__u8) ~(0x80 >> (bit % 8));
	key->prefixlen = LG_NET_KEY_FIXED_BITS + prefix;
}

/* Longest prefix of (policy, family, addr) that is at most max_prefix bits: an LPM lookup. */
static const struct lg_net_entry *lpm_lookup(const struct lg_compiled *c, __u32 policy,
					     __u8 family, const __u8 addr[16], int max_prefix)
{
	for (int len = max_prefix; len >= 0; len--) {
		struct lg_net_key key = {.policy = policy, .family = family};
		const struct lg_net_entry *e;

		memcpy(key.addr, addr, 16);
		mask_key(&key, (unsigned)len);
		e = lg_compiled_find_net(c, &key);
		if (e)
			return e;
	}
	return NULL;
}

int lg_eval_net(const struct lg_compiled *c, __u32 policy, __u8 family, const __u8 addr_in[16],
		__u8 protocol, __u16 port, struct lg_verdict *out)
{
	static const __u8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const struct lg_policy_value *pol;
	__u8 addr[16] = {0};
	int max_prefix;

	memset(out, 0, sizeof(*out));
	pol = lg_compiled_policy(c, policy);
	if (!pol || (family != 4 && family != 6))
		return -EINVAL;
	take_default(pol, LG_DECISION_NET, out);
	if (family == 6 && memcmp(addr_in, mapped, 12) == 0) {
		family = 4;
		memcpy(addr, addr_in + 12, 4);
	} else {
		memcpy(addr, addr_in, family == 4 ? 4 : 16);
	}
	max_prefix = family == 4 ? 32 : 128;
	for (int round = 0; round < LG_NET_CHAIN_MAX; round++) {
		const struct lg_net_entry *e = lpm_lookup(c, policy, family, addr, max_prefix);

		if (!e)
			return 0;
		for (unsigned i = 0; i < e->value.count && i < LG_NET_PORT_SLOTS; i++) {
			const struct lg_net_port_rule *r = &e->value.port[i];

			if ((r->flags & protocol) && port >= r->port_lo && port <= r->port_hi) {
				out->rule = r->rule;
				out->deny = r->flags & LG_NET_DENY;
				out->from_default = false;
				return 0;
			}
		}
		max_prefix = (int)(e->value.prefixlen - LG_NET_KEY_FIXED_BITS) - 1;
		if (max_prefix < 0)
			return 0;
	}
	out->deny = true; /* more nested prefixes than the kernel examines: fail closed */
	out->rule = 0;
	out->walk_limit = true;
	out->from_default = false;
	return 0;
}
