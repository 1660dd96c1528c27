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

/*
 * /proc/sys/..., procfs's own files outside the processes' directories (/proc/irq/...,
 * /proc/mtrr), and /sys/... apart from the filesystems mounted in it (cgroup2, bpffs).
 */
static bool is_kernel_setting_path(const char *path)
{
	if (strncmp(path, "/proc/sys/", 10) == 0)
		return path[10] != '\0';
	if (strncmp(path, "/proc/", 6) == 0 && path[6]) {
		const char *name = path + 6;

		/* A process's own files, but not its net/ (procfs's own per-namespace tree). */
		if ((name[0] >= '0' && name[0] <= '9') || strncmp(name, "self/", 5) == 0 ||
		    strncmp(name, "thread-self/", 12) == 0 || strcmp(name, "self") == 0 ||
		    strcmp(name, "thread-self") == 0) {
			const char *rest = strchr(name, '/');

			return rest && strncmp(rest, "/net/", 5) == 0 && rest[5];
		}
		return true;
	}
	return strncmp(path, "/sys/", 5) == 0 && path[5] != '\0' &&
	       strncmp(path, "/sys/fs/cgroup/", 15) != 0 && strncmp(path, "/sys/fs/bpf/", 12) != 0;
}

/*
 * The settings and files that are refused with every key and in every mode (the kernel knows
 * them by what they are, bpf_lsm/knobs.bpf.h and lockdown.bpf.c; these are their usual names,
 * so that explain gives the kernel's answer at those names). A name ending in '/' covers what
 * is beneath it. read: refused for reading too.
 */
static const struct {
	const char *path;
	unsigned char builtin;
	bool read;
} fixed_builtins[] = {
	/* sysctls that run programs, weaken a protection or bind every process */
	{"/proc/sys/kernel/core_pattern", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/core_pipe_limit", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/suid_dumpable", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/modprobe", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/poweroff_cmd", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/hotplug", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/usermodehelper/", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/unprivileged_userns_clone", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/yama/ptrace_scope", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/perf_event_paranoid", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/kptr_restrict", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/dmesg_restrict", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/unprivileged_bpf_disabled", LG_BUILTIN_KNOB, false},
	{"/proc/sys/net/core/bpf_jit_harden", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/kexec_load_disabled", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/modules_disabled", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/protected_symlinks", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/protected_hardlinks", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/protected_fifos", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/protected_regular", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/mmap_min_addr", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/unprivileged_userfaultfd", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/randomize_va_space", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/sched_rt_runtime_us", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/sched_rt_period_us", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/printk", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/printk_devkmsg", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/ftrace_enabled", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/epoll/max_user_watches", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/inotify/max_user_instances", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/inotify/max_user_watches", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/fanotify/max_user_groups", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/fanotify/max_user_marks", LG_BUILTIN_KNOB, false},
	{"/proc/sys/user/", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/threads-max", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/pid_max", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/ns_last_pid", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/file-max", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/nr_open", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/mount-max", LG_BUILTIN_KNOB, false},
	{"/proc/sys/fs/aio-max-nr", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/max_map_count", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/admin_reserve_kbytes", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/user_reserve_kbytes", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/overcommit_memory", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/overcommit_ratio", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/overcommit_kbytes", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/min_free_kbytes", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/nr_hugepages", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/nr_hugepages_mempolicy", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/nr_overcommit_hugepages", LG_BUILTIN_KNOB, false},
	{"/proc/sys/vm/panic_on_oom", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/panic_on_oops", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/panic_on_warn", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/hung_task_panic", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/softlockup_panic", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/keys/root_maxkeys", LG_BUILTIN_KNOB, false},
	{"/proc/sys/kernel/keys/root_maxbytes", LG_BUILTIN_KNOB, false},
	/* whole filesystems and single files of procfs and sysfs */
	{"/proc/sys/fs/binfmt_misc/", LG_BUILTIN_KNOB, false},
	{"/proc/sysrq-trigger", LG_BUILTIN_KNOB, false},
	{"/proc/kcore", LG_BUILTIN_KNOB, true},
	{"/dev/mem", LG_BUILTIN_KNOB, true},
	{"/dev/kmem", LG_BUILTIN_KNOB, true},
	{"/dev/port", LG_BUILTIN_KNOB, true},
	{"/sys/kernel/tracing/", LG_BUILTIN_KNOB, false},
	{"/sys/kernel/debug/", LG_BUILTIN_KNOB, false},
	{"/sys/kernel/security/", LG_BUILTIN_KNOB, false},
	{"/sys/firmware/efi/efivars/", LG_BUILTIN_KNOB, false},
	{"/sys/kernel/uevent_helper", LG_BUILTIN_KNOB, false},
	{"/sys/module/firmware_class/parameters/path", LG_BUILTIN_KNOB, false},
	{"/sys/power/resume", LG_BUILTIN_KNOB, false},
	{"/sys/power/resume_offset", LG_BUILTIN_KNOB, false},
	/* read: every tracefs file asks the kernel's lockdown (LOCKDOWN_TRACEFS) */
	{"/sys/kernel/tracing/", LG_BUILTIN_LOCKDOWN, true},
	{"/sys/kernel/debug/tracing/", LG_BUILTIN_LOCKDOWN, true},
};

/* The built-in that refuses path whatever the policy says, or 0. */
static unsigned fixed_builtin(const char *path, bool write)
{
	for (size_t i = 0; i < sizeof(fixed_builtins) / sizeof(fixed_builtins[0]); i++) {
		const char *name = fixed_builtins[i].path;
		size_t len = strlen(name);
		bool match = name[len - 1] == '/'
				     ? strncmp(path, name, len) == 0 ||
					       (strncmp(path, name, len - 1) == 0 && !path[len - 1])
				     : strcmp(path, name) == 0;

		if (match && (write || fixed_builtins[i].read))
			return fixed_builtins[i].builtin;
	}
	return 0;
}

int lg_eval_path(const struct lg_compiled *c, __u32 policy, enum lg_decision decision,
		 const char *path, struct lg_verdict *out)
{
	enum lg_class class = decision == LG_DECISION_EXEC ? LG_CLASS_EXEC : LG_CLASS_FILE;
	unsigned write = decision == LG_DECISION_FILE_WRITE;
	const struct lg_policy_value *pol;
	struct lg_path_walk walk;
	unsigned state = 0, fixed;

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
	/* Refused before any rule is looked at (the kernel's file_open built-ins). */
	fixed = decision != LG_DECISION_EXEC ? fixed_builtin(path, write) : 0;
	if (fixed)
		out->builtin = fixed;
	/* A protection, whatever the rules say (the kernel's lg_path_decide). */
	else if (state & LG_EVAL_PROTECTED)
		out->builtin = LG_BUILTIN_PROTECTED;
	else if ((state & (LG_EVAL_HOST_CODE | LG_EVAL_HOST_NAMED)) == LG_EVAL_HOST_CODE &&
		 !(pol->flags & LG_POLICY_SYSTEM_HOST_CODE))
		out->builtin = LG_BUILTIN_HOST_CODE;
	/* A kernel setting (the kernel knows it by its inode: these are its usual places). */
	/* configfs builds targets that export disks: raw-disks = allow is needed (a protection),
	 * whatever kernel-settings says. */
	else if (write && strncmp(path, "/sys/kernel/config/", 19) == 0 && path[19] &&
		 !(pol->flags & LG_POLICY_SYSTEM_RAW_DISKS))
		out->builtin = LG_BUILTIN_RAW_DISK;
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

static int eval_net(const struct lg_compiled *c, __u32 policy, __u8 family, const __u8 addr_in[16],
		    __u8 protocol, __u16 port, __u8 trie, struct lg_verdict *out)
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
		const struct lg_net_entry *e = lpm_lookup(c, policy, family | trie, addr, max_prefix);

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

/*
 * An abstract unix socket name, as bpf_lsm/unix.bpf.c decides it: the rule on the whole name,
 * else the one on its longest prefix that has one (only the lengths the policy's
 * ABSTRACT_LENGTHS record names are looked up), else [network] default. bind: binding the
 * name (the listen rules), else reaching it (connect, send).
 */
int lg_eval_abstract(const struct lg_compiled *c, __u32 policy, const __u8 *name, size_t len,
		     bool bind, struct lg_verdict *out)
{
	unsigned slot = bind ? LG_SLOT_EXACT_WRITE : LG_SLOT_EXACT_READ;
	const struct lg_policy_value *pol;
	const struct lg_path_value *lengths, *v;
	__u64 h;

	memset(out, 0, sizeof(*out));
	pol = lg_compiled_policy(c, policy);
	if (!pol || len > LG_ABSTRACT_NAME_MAX)
		return -EINVAL;
	take_default(pol, LG_DECISION_NET, out);
	h = lg_hash_init(pol->seed);
	lengths = find_path(c, policy, LG_PATH_CLASS_ABSTRACT_LENGTHS, 0);
	for (size_t l = 0; l <= len; l++) {
		if (l)
			h = lg_hash_byte(h, name[l - 1]);
		if (lengths && (lengths->rule[l / 32] >> (l % 32) & 1)) {
			v = find_path(c, policy, LG_PATH_CLASS_ABSTRACT_PREFIX,
				      lg_abstract_hash(h, (__u32)l));
			take_slot(v, slot, out);
		}
	}
	v = find_path(c, policy, LG_PATH_CLASS_ABSTRACT, lg_abstract_hash(h, (__u32)len));
	take_slot(v, slot, out);
	return 0;
}

int lg_eval_net(const struct lg_compiled *c, __u32 policy, __u8 family, const __u8 addr[16],
		__u8 protocol, __u16 port, struct lg_verdict *out)
{
	return eval_net(c, policy, family, addr, protocol, port, 0, out);
}

int lg_eval_listen(const struct lg_compiled *c, __u32 policy, __u8 family, const __u8 addr[16],
		   __u8 protocol, __u16 port, struct lg_verdict *out)
{
	static const __u8 zero[16];
	int ret = eval_net(c, policy, family, addr, protocol, port, LG_NET_LISTEN_KEY, out);

	if (ret || out->deny || family != 6 || memcmp(addr, zero, 16) != 0)
		return ret;
	return eval_net(c, policy, 4, zero, protocol, port, LG_NET_LISTEN_KEY, out);
}

int lg_eval_capability(const struct lg_compiled *c, __u32 policy, unsigned cap,
		       struct lg_verdict *out)
{
	const struct lg_policy_value *value = lg_compiled_policy(c, policy);

	memset(out, 0, sizeof(*out));
	if (!value || cap >= LG_CAP_COUNT)
		return -EINVAL;
	if (!value->capabilities_rule)
		return 0; /* no [capabilities]: not decided */
	if (value->capabilities & (1ULL << cap)) {
		/* the kept capability's own rule */
		for (size_t i = 0; i < c->rule_count; i++) {
			const struct lg_rule_source *r = &c->rules[i];

			if (r->policy == policy && r->kind == LG_RULE_CAPABILITY &&
			    r->action == LG_ACT_ALLOW && strcmp(r->object, lg_capability_name(cap)) == 0)
				out->rule = r->id;
		}
		return 0;
	}
	out->deny = true;
	out->rule = value->capabilities_rule;
	return 0;
}
