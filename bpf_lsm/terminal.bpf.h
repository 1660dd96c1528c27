/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Terminals that are somebody else's: an administrator's login, another service's pty. Opening
 * one is refused (knobs.bpf.h's lg_open_builtin); so is taking one over through a descriptor
 * inherited from it (meta.bpf.c's job control ioctls).
 */
#ifndef LSMGUARD_TERMINAL_BPF_H
#define LSMGUARD_TERMINAL_BPF_H

#include "common.bpf.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1

/*
 * The policy of the task that opened each pty's master (/dev/ptmx: files.bpf.c's
 * fexit/ptmx_open), by the slave's struct tty_struct: 32 bits of the policy's identity (the
 * same at every load, where its id changes), 0 for a task under no policy. A pty that is
 * nobody's controlling terminal belongs to whoever made it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u32);
} lg_pty_owners __weak SEC(".maps");

/*
 * A pty slave that is another session's controlling terminal (an administrator's ssh login, a
 * tmux pane, another service's): opened, it reads what is typed there and writes onto its
 * screen (a fake password prompt). A slave opens only through a devpts mount (the kernel finds
 * its tty in the devpts dentry, d_fsdata: a node made elsewhere gets EIO), whichever mount of
 * which devpts instance. The tty's session and the policy of that session's leader decide; a
 * pty that is nobody's controlling terminal (yet: a login between unlockpt() and setsid(); or
 * held without one) belongs to the task that opened its master (lg_pty_owners; a pty made
 * before lsmguard's start, unknown, is somebody else's). Under the same policy: the rules'.
 * A session whose leader has gone is somebody else's.
 */
static __always_inline bool lg_foreign_tty(struct tty_struct *tty, __u32 policy_id)
{
	struct hlist_node *first;
	struct task_struct *leader;
	struct pid *session;
	bool unknown = false;

	session = BPF_CORE_READ(tty, ctrl.session);
	if (!session) {
		__u64 key = (__u64)tty;
		__u32 *owner = bpf_map_lookup_elem(&lg_pty_owners, &key);
		const struct lg_policy_value *policy = bpf_map_lookup_elem(&lg_policies, &policy_id);

		return !owner || !*owner || !policy || policy->id != policy_id ||
		       *owner != (__u32)policy->identity;
	}
	first = BPF_CORE_READ(session, tasks[PIDTYPE_PID].first);
	if (!first)
		return true;
	leader = (void *)first - bpf_core_field_offset(struct task_struct, pid_links);
	return !lg_policy_ids_same(lg_task_policy(leader, &unknown), policy_id) || unknown;
}

/* The same for a file opened at dentry: a pty slave of a devpts mount. */
static __always_inline bool lg_foreign_terminal(struct dentry *dentry, __u32 policy_id)
{
	struct tty_struct *tty;

	if (!dentry || BPF_CORE_READ(dentry, d_sb, s_magic) != DEVPTS_SUPER_MAGIC)
		return false;
	tty = BPF_CORE_READ(dentry, d_fsdata);
	if (!tty)
		return false; /* ptmx, the directory */
	return lg_foreign_tty(tty, policy_id);
}

#endif /* LSMGUARD_TERMINAL_BPF_H */
