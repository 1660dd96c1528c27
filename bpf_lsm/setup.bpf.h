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

/* task's record, or NULL. */
static __always_inline struct lg_task_setup *lg_setup_of(struct task_struct *task)
{
	__u64 key = (__u64)task;

	return bpf_map_lookup_elem(&lg_task_setup, &key);
}

/* task's record deleted: its window ended, or the task is freed. */
static __always_inline void lg_setup_end(struct task_struct *task)
{
	__u64 key = (__u64)task;

	bpf_map_delete_elem(&lg_task_setup, &key);
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
