/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The datagram checks' per-task state (unix.bpf.c lg_notify_check and lg_journal_check say
 * what they decide):
 * shared with network.bpf.c, whose socket_sendmsg forgets the skb a task's previous datagram
 * was copied into before this datagram's copy is made.
 */
#ifndef LSMGUARD_NOTIFY_BPF_H
#define LSMGUARD_NOTIFY_BPF_H

#include "common.bpf.h"

#define AF_UNIX 1
#define SOCK_STREAM 1

struct lg_notify_scan {
	__u64 skb;    /* the skb the task's last skb_copy_datagram_from_iter filled (0: none) */
	__u64 data;   /* the datagram's first byte (kernel address) */
	__u64 number; /* the value of the MAINPID= line being read */
	__u32 own;    /* the sender's thread-group id (initial pid namespace) */
	__u32 parent; /* its parent's, when under the same policy; else 0 */
	__s32 matched; /* characters of "MAINPID=" matched on this line; -1: not such a line */
	__u32 digits;
	__u32 escaped; /* the previous byte of the key was a backslash */
	__u32 verdict; /* LG_NOTIFY_* */
	/* A journal datagram's scan (unix.bpf.c lg_journal_check): characters of "OBJECT_" and of
	 * "COREDUMP" matched at the start of this line; -1: the line begins otherwise. */
	__s32 object;
	__s32 coredump;
};

/*
 * The scan's state lives in a map value, not on the stack: Linux 6.1 verifies a bpf_loop
 * callback once, with the caller's stack as it was at the call, and removes the branches that
 * state never takes (a line already matched, a value being read): they would be dead code in
 * the JIT image. A map value's contents are unknown to the verifier. The value is the sending
 * task's own (task storage), not a per-CPU one: a BPF LSM program runs with migration, not
 * preemption, disabled, so under preempt=full a second sender preempting the first on the same
 * CPU would rewrite a per-CPU scan halfway (its own "OK" ending the first's refusal).
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_notify_scan);
} lg_notify_scans __weak SEC(".maps");

/*
 * A unix datagram (or seqpacket) send begins: its copy is not made yet. Forgetting the previous
 * one here (an LSM program: never skipped) makes a copy whose fentry was skipped a refusal.
 */
static __always_inline void lg_notify_send_begins(struct socket *sock)
{
	struct lg_notify_scan *s;
	struct sock *sk = sock->sk;

	if (!sk || sk->__sk_common.skc_family != AF_UNIX || sock->type == SOCK_STREAM)
		return;
	s = bpf_task_storage_get(&lg_notify_scans, bpf_get_current_task_btf(), 0, 0);
	if (s)
		s->skb = 0;
}

#endif
