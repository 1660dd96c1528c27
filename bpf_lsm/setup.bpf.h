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
};

/* Separate from lg_task_policies, so that the policy cache's rules stay what they are. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_task_setup);
} lg_task_setup __weak SEC(".maps");

static __always_inline bool lg_task_in_setup_window(struct task_struct *task)
{
	struct lg_task_setup *setup = bpf_task_storage_get(&lg_task_setup, task, 0, 0);

	return setup && setup->window;
}

static __always_inline bool lg_in_setup_window(void)
{
	return lg_task_in_setup_window(bpf_get_current_task_btf());
}

#endif /* LSMGUARD_SETUP_BPF_H */
