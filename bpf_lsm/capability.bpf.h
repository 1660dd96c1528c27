/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A capability the kernel grants without asking security_capable (the capability LSM's own
 * checks, uid 0's exemptions, a device that asks nothing), decided as [capabilities] decides
 * capable(): shared by capabilities.bpf.c and meta.bpf.c (the userfaultfd device's ioctl).
 */
#ifndef LSMGUARD_CAPABILITY_BPF_H
#define LSMGUARD_CAPABILITY_BPF_H

#include "common.bpf.h"
#include "setup.bpf.h"

/* backstop: the second look at a use whose first was skipped: nothing in audit mode (the first
 * look reported it, or the daemon's program_skipped counts the skip), nothing counted allowed;
 * any_ns: decided in a user namespace of the task's own too (the kernel's exemption holds
 * there as well) */
static __always_inline int lg_cap_direct(int cap, __u8 hook, bool backstop, bool any_ns)
{
	struct task_struct *current = bpf_get_current_task_btf();
	const struct lg_policy_value *policy;
	struct lg_event *ev;
	__u64 cgroup_id = 0;

	if (!any_ns && BPF_CORE_READ(current, cred, user_ns, level) != 0)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || !policy->capabilities_rule)
		return 0;
	if ((policy->capabilities >> cap) & 1) {
		if (!backstop)
			lg_count_allowed(policy->id, hook);
		return 0;
	}
	if (lg_in_setup_window() || (backstop && policy->mode == LG_MODE_AUDIT))
		return 0;
	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE,
			    policy->capabilities_rule, 0, lg_hash_mix(0x636170ULL, (__u64)cap), 0);
	if (ev) {
		ev->object.capability.number = (__u32)cap;
		ev->object.capability.ns_level = 0;
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny(policy, hook);
}

#endif
