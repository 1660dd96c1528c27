// SPDX-License-Identifier: GPL-2.0-only
/*
 * The setup window (setup.bpf.h): fentry/fexit cgroup_attach_task, lsm/task_alloc,
 * fexit/cgroup_can_fork, lsm/bprm_committing_creds, lsm/ptrace_access_check.
 *
 * systemd forks a child of PID 1 for each command of a unit; the child is placed in the unit's
 * cgroup (by PID 1, and again by itself) and, still running systemd's code, unshares the mount
 * namespace, mounts PrivateTmp=, ProtectSystem=, ProtectHome=, PrivateDevices= (a tmpfs /dev
 * with its nodes made by mknod), creates RuntimeDirectory= and only then executes the service.
 * The confinement built-ins must not refuse that, and must refuse the same operations to the
 * service's own code.
 *
 * A task is marked when an unconfined task puts it into a cgroup under a policy:
 *  - it moves itself there (cgroup.procs or cgroup.threads), while still unconfined;
 *  - its parent moves it there before it has executed anything since the fork
 *    (self_exec_id == parent_exec_id: equal at fork, the child's own exec increments it);
 *  in both cases only a task under no policy before the move (a confined service's orphan,
 *  adopted by the mover, runs the service's code);
 *  - an unconfined parent creates it with clone3(CLONE_INTO_CGROUP) in a cgroup under a policy
 *    (fexit/cgroup_can_fork, where the target cgroup is known and the child has not run);
 *  - its parent is marked (systemd's child forks helpers).
 * A task moved by anyone else (an administrator's echo PID > cgroup.procs of a running program)
 * is not marked: its code is already running. A confined task cannot create a marked task: it
 * moves nothing into a cgroup as an unconfined mover, its clone3(CLONE_INTO_CGROUP) is refused
 * (cgroup.bpf.c), and its children are marked only if it is.
 *
 * The mark ends at the task's next exec (bprm_committing_creds, past the point of no return: a
 * failed exec keeps the trusted code running, and the mark). A confined task outside its window
 * cannot trace a marked task (ptrace, /proc/PID/mem, process_vm_writev, pidfd_getfd): it would
 * run its own code with the window's rights. A protection: refused in audit mode too.
 */
#include "setup.bpf.h"

#define CLONE_INTO_CGROUP 0x200000000ULL

char LICENSE[] SEC("license") = "GPL";

/* Mark task, found fresh at exec_id: one update, whatever its record held (a moved or new task
 * is no mover). */
static __always_inline void lg_setup_mark(struct task_struct *task, __u64 exec_id)
{
	struct lg_task_setup mark = {.window = 1, .exec_id = exec_id};
	__u64 key = (__u64)task;

	lg_setup_put(key, &mark, true);
}

/* The mover's note for fexit: set to this move's answer, so that no earlier one survives. Only
 * the mover itself writes or deletes its record here (at exec, at task_free), so a lookup and
 * a write in place are safe. */
static __always_inline void lg_setup_note(struct task_struct *current, struct task_struct *leader,
					  bool may_mark)
{
	struct lg_task_setup *setup = lg_setup_of(current), note = {};
	__u64 key = (__u64)current;

	if (setup) {
		setup->pending = may_mark;
		setup->leader = may_mark ? (__u64)leader : 0;
		if (!may_mark && !setup->window)
			lg_setup_end(current);
		return;
	}
	if (!may_mark)
		return;
	note.pending = 1;
	note.leader = (__u64)leader;
	lg_setup_put(key, &note, false);
}

/*
 * The mover is still in its old cgroup here: remember whether it is unconfined and moves
 * itself or its fresh child. The mark waits for fexit, when the move has succeeded.
 */
SEC("fentry/cgroup_attach_task")
int BPF_PROG(lg_setup_attach_enter, struct cgroup *dst_cgrp, struct task_struct *leader,
	     bool threadgroup)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct cgroup *cgrp;
	__u64 cgroup_id = 0;
	bool own;

	if (lg_current_policy(&cgroup_id)) {
		lg_setup_note(current, leader, false);
		return 0;
	}
	own = leader == current || leader == current->group_leader ||
	      (leader->real_parent->tgid == current->tgid &&
	       leader->self_exec_id == leader->parent_exec_id);
	/*
	 * Only a task that is under no policy yet: systemd's child comes from init.scope. A fork
	 * of a confined service, orphaned and adopted by PID 1 or a subreaper, passes the test
	 * above (its parent is now the mover, and it has executed nothing), but it runs the
	 * service's code, not its mover's. A task in a cgroup deeper than policies are bound
	 * counts as under one (lg_find_policy cannot climb from there): not marked.
	 */
	cgrp = leader->cgroups->dfl_cgrp;
	lg_setup_note(current, leader,
		      own && cgrp->level <= LG_CGROUP_DEPTH_MAX && !lg_find_policy(cgrp));
	return 0;
}

SEC("fexit/cgroup_attach_task")
int BPF_PROG(lg_setup_attach_exit, struct cgroup *dst_cgrp, struct task_struct *leader,
	     bool threadgroup, int ret)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct lg_task_setup *setup;
	__u64 moved, exec_id;

	setup = lg_setup_of(current);
	if (!setup || !setup->pending)
		return 0;
	moved = setup->leader;
	setup->pending = 0;
	setup->leader = 0;
	if (!setup->window)
		lg_setup_end(current);
	/* the task fentry judged, moved, into a cgroup under a policy (one deeper than policies
	 * are bound counts as under none), and still fresh: its own exec between fentry and here
	 * ends what the mark would have covered, and one that begins after this read makes the
	 * mark's exec_id an old one */
	exec_id = leader->self_exec_id;
	if (ret || moved != (__u64)leader || !lg_find_policy(dst_cgrp) ||
	    (leader != current && exec_id != leader->parent_exec_id &&
	     leader != current->group_leader))
		return 0;
	lg_setup_mark(leader, exec_id);
	return 0;
}

/*
 * Every fork passes here: a child of a marked task is marked (systemd's child forks helpers);
 * any other child's record, left at its address by a task freed before lg_task_freed was
 * attached, is deleted (a lookup first: almost no address has one).
 */
SEC("lsm/task_alloc")
int BPF_PROG(lg_setup_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	if (ret)
		return ret;
	if (lg_in_setup_window())
		lg_setup_mark(task, task->self_exec_id);
	else if (lg_setup_of(task))
		lg_setup_end(task);
	return 0;
}

/*
 * A child an unconfined parent creates with clone3(CLONE_INTO_CGROUP) into a cgroup under a
 * policy (newer systemd starts its executor that way). The target cgroup is known here, after
 * task_alloc and before the child runs: a child cloned into any other cgroup is not marked (an
 * unprivileged user could otherwise fill the map with parked children of its own cgroups).
 */
SEC("fexit/cgroup_can_fork")
int BPF_PROG(lg_setup_clone_into, struct task_struct *child, struct kernel_clone_args *kargs,
	     int ret)
{
	__u64 cgroup_id = 0;

	if (ret || !(kargs->flags & CLONE_INTO_CGROUP) || !kargs->cgrp ||
	    lg_current_policy(&cgroup_id) || !lg_find_policy(kargs->cgrp))
		return 0;
	lg_setup_mark(child, child->self_exec_id);
	return 0;
}

SEC("lsm/bprm_committing_creds")
int BPF_PROG(lg_setup_exec, struct linux_binprm *bprm)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct lg_task_setup *setup = lg_setup_of(current);

	if (!setup)
		return 0;
	setup->window = 0;
	if (!setup->pending)
		lg_setup_end(current);
	return 0;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(lg_setup_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	static const char what[] = "a task in its setup window";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	if (!lg_task_in_setup_window(child))
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || lg_in_setup_window())
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_PTRACE, LG_BUILTIN_PTRACE, what,
			       sizeof(what));
}
