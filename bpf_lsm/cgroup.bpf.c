// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cgroup binding: tp_btf/cgroup_mkdir and tp_btf/cgroup_rmdir.
 *
 * A policy names a cgroup by path; a service restarted by systemd gets a new cgroup (a new id)
 * at the same path. The mkdir tracepoint runs before the new directory is made visible, so no
 * process can be placed in it before it is bound: the service is confined from its first
 * process, with no user-space watcher to race. rmdir drops the binding of a removed cgroup.
 * Only the cgroup v2 hierarchy (hierarchy id 0) is considered.
 */
#include "common.bpf.h"
#include "cache.bpf.h"

#define CLONE_INTO_CGROUP 0x200000000ULL

char LICENSE[] SEC("license") = "GPL";

/*
 * Built-in: a confined task may not start a child in another cgroup with
 * clone3(CLONE_INTO_CGROUP), which needs no write to cgroup.procs (see files.bpf.c). The flag
 * test comes first: every fork passes here.
 */
SEC("lsm/task_alloc")
int BPF_PROG(lg_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	static const char what[] = "clone3(CLONE_INTO_CGROUP)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret || !(clone_flags & CLONE_INTO_CGROUP))
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_TASK_ALLOC, LG_BUILTIN_CGROUP_MOVE, what,
			       sizeof(what));
}

/*
 * The new cgroup's path, read here. Per CPU: the tracepoint fires with cgroup_mutex held, so two
 * of these programs never run at once, preempted or not (the walks' scratch is per task).
 */
struct lg_cgroup_path_buf {
	__u8 path[LG_EVENT_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lg_cgroup_path_buf);
} lg_cgroup_path_buf SEC(".maps");

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(lg_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	__u32 zero = 0;
	struct lg_cgroup_path_buf *scratch = bpf_map_lookup_elem(&lg_cgroup_path_buf, &zero);
	struct lg_cgroup_path_key key;
	struct lg_config *config;
	__u32 *policy, value;
	__u64 h, id, *bound;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0 || !scratch)
		return 0;
	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config)
		return 0;
	if (bpf_probe_read_kernel_str(scratch->path, LG_EVENT_PATH_MAX, path) < 0)
		return 0;
	h = lg_hash_init(config->cgroup_seed);
	for (int i = 0; i < LG_EVENT_PATH_MAX; i++) {
		__u8 c = scratch->path[i];

		if (!c)
			break;
		h = lg_hash_byte(h, c);
	}
	key.hash = h;
	policy = bpf_map_lookup_elem(&lg_cgroup_paths, &key);
	if (!policy)
		return 0;
	/*
	 * The value copied, and read again through a second lookup that must agree: a reload
	 * rewrites the record, and on 6.1 the element a rewrite frees is reused by the next write
	 * at once, so the value behind the first pointer may already be another path's record
	 * (another policy's id), as lg_binding_read guards for the bindings.
	 */
	value = *(volatile __u32 *)policy;
	for (int i = 0; i < 3; i++) {
		__u32 *again = bpf_map_lookup_elem(&lg_cgroup_paths, &key), now;

		if (!again)
			return 0; /* the path's policy is gone meanwhile */
		now = *(volatile __u32 *)again;
		if (now == value)
			break;
		value = now;
	}
	id = BPF_CORE_READ(cgrp, kn, id);
	bpf_map_update_elem(&lg_cgroup_policy, &id, &value, BPF_ANY);
	/* The daemon attaches the cgroup connect programs here (enforcer/connect_attach.c): a count
	 * it compares, and a record too short to be an event to wake it now */
	zero = LG_EPOCH_CGROUPS_BOUND;
	bound = bpf_map_lookup_elem(&lg_epochs, &zero);
	if (bound) {
		__sync_fetch_and_add(bound, 1);
		bpf_ringbuf_output(&lg_events, &id, sizeof(id), 0);
	}
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(lg_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	__u64 id;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	id = BPF_CORE_READ(cgrp, kn, id);
	/* a bound cgroup gone: the daemon drops its connect programs' pins (auto-detached), woken
	 * as at mkdir */
	if (bpf_map_delete_elem(&lg_cgroup_policy, &id) == 0) {
		__u32 index = LG_EPOCH_CGROUPS_BOUND;
		__u64 *bound = bpf_map_lookup_elem(&lg_epochs, &index);

		if (bound) {
			__sync_fetch_and_add(bound, 1);
			bpf_ringbuf_output(&lg_events, &id, sizeof(id), 0);
		}
	}
	return 0;
}
