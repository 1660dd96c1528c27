/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The setup window (setup.bpf.c marks it, the confinement built-ins read it): a task that an
 * unconfined task put into a policy's cgroup and that has not executed a program since. Such a
 * task still runs the code of the service manager that forked it (systemd's child for a unit,
 * before it executes the service), which sets up the service's namespaces, mounts and device
 * nodes inside the service's cgroup. While a task is in its window, the built-ins that confine
 * a policy's own service (user namespaces, mounts, device nodes, and the [files] write checks
 * of names and metadata) do not apply to it; the rules on opens and executions do.
 */
#ifndef LSMGUARD_SETUP_BPF_H
#define LSMGUARD_SETUP_BPF_H

#include "common.bpf.h"

struct lg_task_setup {
	__u8 window;  /* the task is in its setup window */
	__u8 pending; /* fentry/cgroup_attach_task: this unconfined mover may mark at fexit */
	__u8 pad[6];
	__u64 leader;  /* with pending: the task it moves (its address) */
	__u64 exec_id; /* with window: the task's self_exec_id when it was found fresh */
};

/*
 * By the task_struct's address (unique among live tasks), in a hash map, not in task storage:
 * under preempt=full, 6.1's task-storage helpers return NULL, for a lookup as for a creation,
 * on a CPU where another task was preempted inside one (a per-CPU busy trylock). A mark kept
 * there was lost (systemd's child's setup then refused as the service's own: 15 of about 1,400
 * children cloned into a policy, preempted_storage_creation_keeps_fresh_tasks_walking), or
 * not seen when looked up. A hash map's bucket lock is taken with preemption disabled, and a
 * preallocated one takes its elements from a free list, not from a per-CPU cache that a burst
 * empties. An entry lives while its task is in its window or a mover's move is pending: deleted
 * at exec, at fexit, at task_free; a new task's stale entry (an address whose task was freed
 * before lg_task_freed was attached) is replaced or deleted at task_alloc. 8,192 tasks at once,
 * then a mark is lost (stricter: systemd's setup refused); only tasks put into a policy's
 * cgroup by an unconfined task, and their children before they execute, hold one.
 */
#define LG_SETUP_TASKS 8192

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_SETUP_TASKS);
	__type(key, __u64);
	__type(value, struct lg_task_setup);
} lg_task_setup __weak SEC(".maps");

/*
 * How many records lg_task_setup may hold: raised before a record is added, lowered after one
 * is deleted, so never below the records there are. At 0 (a host with no service starting, and
 * no record left by a task freed before lg_task_freed was attached) every lookup is skipped:
 * the hash lookup was most of lg_setup_task_alloc's 335 instructions, lg_task_freed's 236 and
 * lg_setup_exec's 198 for a task under no policy, on every fork and exec (make bench,
 * 2026-12-04).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} lg_setup_records __weak SEC(".maps");

static __always_inline __s64 *lg_setup_count(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&lg_setup_records, &zero);
}

/* task's record, or NULL. */
static __always_inline struct lg_task_setup *lg_setup_of(struct task_struct *task)
{
	__s64 *count = lg_setup_count();
	__u64 key = (__u64)task;

	if (count && *(volatile __s64 *)count <= 0)
		return 0;
	return bpf_map_lookup_elem(&lg_task_setup, &key);
}

/* Add a record (replace: or overwrite the one there is), counted first. */
static __always_inline void lg_setup_put(__u64 key, const struct lg_task_setup *value,
					 bool replace)
{
	__s64 *count = lg_setup_count();
	long ret;

	if (!count)
		return; /* cannot be (an array's only entry); uncounted, a record would be missed */
	__sync_fetch_and_add(count, 1);
	ret = bpf_map_update_elem(&lg_task_setup, &key, value, BPF_NOEXIST);
	if (ret == 0)
		return;
	__sync_fetch_and_add(count, -1);
	/* BPF_EXIST: never a record the count does not know */
	if (ret == -EEXIST && replace)
		bpf_map_update_elem(&lg_task_setup, &key, value, BPF_EXIST);
}

/* task's record deleted: its window ended, or the task is freed. */
static __always_inline void lg_setup_end(struct task_struct *task)
{
	__s64 *count = lg_setup_count();
	__u64 key = (__u64)task;

	if (bpf_map_delete_elem(&lg_task_setup, &key) == 0 && count)
		__sync_fetch_and_add(count, -1);
}

/*
 * A mark counts only for the program it was given under: every exec increments self_exec_id
 * (before bprm_committing_creds ends the window), so a mark written by a racing fexit after the
 * task's exec has begun names an older exec_id and is no window.
 */
static __always_inline bool lg_task_in_setup_window(struct task_struct *task)
{
	struct lg_task_setup *setup = lg_setup_of(task);

	return setup && setup->window && setup->exec_id == task->self_exec_id;
}

static __always_inline bool lg_in_setup_window(void)
{
	return lg_task_in_setup_window(bpf_get_current_task_btf());
}

#endif /* LSMGUARD_SETUP_BPF_H */
