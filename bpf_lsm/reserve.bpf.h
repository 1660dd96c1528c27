/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reservations of a host-wide budget held by a task between the hook that checks the budget
 * and the kernel's own charge, later in the same system call (io_setup's AIO events,
 * capabilities.bpf.c; add_key's and KEYCTL_UPDATE's payload for the root user, ipc.bpf.c).
 * Two calls racing would each be checked without the other's charge; so each call reserves
 * what it asks, sees what the others reserved, and gives its reservation back at the system
 * call's return (fexit), or when that fexit was skipped (a tracing program's recursion check,
 * under preempt=full) at the end of the task's next such call or at its free (lsm/task_free).
 * x32's io_setup has no fexit here (Debian boots with x32 off): its events are given back at
 * the task's next io_setup return or its free.
 *
 * Recorded by task address in a preallocated hash, not in task storage: 6.1's task storage
 * helpers take a per-CPU busy counter with a trylock, and under preempt=full a task preempted
 * inside one makes every other task's call on that CPU return NULL. A reservation that could
 * not be recorded was not made, and two racing io_setup calls both passed the share
 * (budgets_aio_racing_calls_keep_the_quarter, once in 200 rounds in CI's vm-preempt suite). A
 * preallocated hash takes its bucket lock with preemption disabled and its elements from its
 * own free list: it fails when 4,096 tasks hold a reservation at once (or, rarely, with
 * EBUSY, when a program on the same CPU interrupts one holding the bucket's lock: a delete that
 * fails so leaves its entry, stricter, until that task's next call or free). A call can hold
 * its entry for long only by stalling between the hook and its return (io_setup's last
 * put_user on a page whose fault a userfaultfd of the caller's, or a FUSE server, leaves
 * unanswered), so a service could fill it; past it a reservation is the task's own storage, as
 * before (counted in owned, so that the task's free gives it back too), and only when neither
 * can be had is the budget decided as passed: a confined task's io_setup refused, a confined
 * root's key past the ordinary quota decided as CAP_SYS_RESOURCE; an unconfined task's call
 * then goes on unreserved (others' checks miss its amount).
 */
#ifndef LSMGUARD_RESERVE_BPF_H
#define LSMGUARD_RESERVE_BPF_H

enum lg_reserve_kind {
	LG_RESERVE_AIO,	 /* io_setup's events (fs.aio-max-nr) */
	LG_RESERVE_KEY,	 /* the root user's key payload bytes (kernel.keys.root_maxbytes) */
	LG_RESERVE_KINDS,
};
_Static_assert((LG_RESERVE_KINDS & (LG_RESERVE_KINDS - 1)) == 0,
	       "kinds are masked with LG_RESERVE_KINDS - 1");

struct lg_reserve_total {
	__s64 reserved; /* what the tasks of the kind hold */
	__s64 held;	/* entries of the kind in lg_reserve_held */
	__s64 owned;	/* tasks holding an amount of the kind in their own storage */
	__s64 pad;	/* held and owned both 0: no task needs a look at its free */
};

struct lg_reserve_totals {
	struct lg_reserve_total kind[LG_RESERVE_KINDS];
};

/* One element: every task's free looks at all the kinds' counts with one lookup. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lg_reserve_totals);
} lg_reserve_totals __weak SEC(".maps");

static __always_inline struct lg_reserve_total *lg_reserve_total_of(__u32 kind)
{
	struct lg_reserve_totals *totals;
	__u32 zero = 0;

	totals = bpf_map_lookup_elem(&lg_reserve_totals, &zero);
	if (!totals)
		return 0;
	/* barrier_var: no offset added before the test (clang hoists it; the verifier refuses
	 * arithmetic on a pointer that may be NULL) */
	barrier_var(totals);
	return &totals->kind[kind & (LG_RESERVE_KINDS - 1)];
}

struct lg_reserve_key {
	__u64 task; /* the task_struct's address: not reused before its task_free */
	__u32 kind;
	__u32 pad;
};

#define LG_RESERVE_HOLDERS 4096

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_RESERVE_HOLDERS);
	__type(key, struct lg_reserve_key);
	__type(value, __s64);
} lg_reserve_held __weak SEC(".maps");

/* Where the hash has no room: the task's own storage, one word a budget. */
struct lg_reserve_own {
	__s64 amount[LG_RESERVE_KINDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_reserve_own);
} lg_reserve_own __weak SEC(".maps");

struct lg_reservation {
	struct lg_reserve_total *total;
	__s64 *mine;
	bool own; /* mine is in the task's own storage */
};

/* The current task's reservation of kind, recorded (0) if it holds none. False when it cannot
 * be had: the caller decides as if the budget were passed. */
static __always_inline bool lg_reservation_of(__u32 kind, struct lg_reservation *r)
{
	struct lg_reserve_key key = {(__u64)bpf_get_current_task_btf(), kind, 0};
	struct lg_reserve_own *own;
	__s64 zero = 0;

	r->mine = 0;
	r->own = false;
	r->total = lg_reserve_total_of(kind);
	if (!r->total)
		return false;
	r->mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
	if (r->mine)
		return true;
	/* An amount already in its own storage (an earlier ask of the same call, the hash full
	 * then): raised there, not counted twice in a new entry. */
	if (*(volatile __s64 *)&r->total->owned > 0) {
		own = bpf_task_storage_get(&lg_reserve_own, bpf_get_current_task_btf(), 0, 0);
		if (own) {
			barrier_var(own);
			if (own->amount[kind & (LG_RESERVE_KINDS - 1)]) {
				r->mine = &own->amount[kind & (LG_RESERVE_KINDS - 1)];
				r->own = true;
				return true;
			}
		}
	}
	if (!bpf_map_update_elem(&lg_reserve_held, &key, &zero, BPF_NOEXIST)) {
		/* counted after the entry exists, by the task itself, which alone ends it (or its
		 * free, after it): held counts every entry whose end can run */
		__sync_fetch_and_add(&r->total->held, 1);
		r->mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
		return r->mine != 0;
	}
	own = lg_task_storage_create(&lg_reserve_own, bpf_get_current_task_btf());
	if (!own)
		return false;
	barrier_var(own); /* as in lg_reserve_total_of */
	r->mine = &own->amount[kind & (LG_RESERVE_KINDS - 1)];
	r->own = true;
	return true;
}

/* The reservation raised by more; what the other tasks hold reserved (at least 0). */
static __always_inline __s64 lg_reservation_raise(struct lg_reservation *r, __s64 more)
{
	__s64 others = __sync_fetch_and_add(&r->total->reserved, more) - *r->mine;

	/* an own amount counted while it is not 0, so that the task's free looks for it */
	if (r->own && !*r->mine && more)
		__sync_fetch_and_add(&r->total->owned, 1);
	*r->mine += more;
	return others > 0 ? others : 0;
}

/* The reservation lowered by less (a refused call takes back what it raised). */
static __always_inline void lg_reservation_lower(struct lg_reservation *r, __s64 less)
{
	__sync_fetch_and_add(&r->total->reserved, -less);
	*r->mine -= less;
	if (r->own && less && !*r->mine)
		__sync_fetch_and_add(&r->total->owned, -1);
}

/* task's reservation of kind given back whole (its hash entry deleted, its own amount
 * zeroed): the system call's end (charged by then, or failed), or the task's free. */
static __always_inline void lg_reservation_end(struct task_struct *task, __u32 kind)
{
	struct lg_reserve_key key = {(__u64)task, kind, 0};
	struct lg_reserve_total *total;
	struct lg_reserve_own *mine_own;
	__s64 *mine, amount;

	total = lg_reserve_total_of(kind);
	if (!total)
		return;
	if (*(volatile __s64 *)&total->held > 0) {
		mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
		if (mine) {
			amount = *mine;
			if (!bpf_map_delete_elem(&lg_reserve_held, &key)) {
				__sync_fetch_and_add(&total->reserved, -amount);
				__sync_fetch_and_add(&total->held, -1);
			}
		}
	}
	if (*(volatile __s64 *)&total->owned <= 0)
		return;
	mine_own = bpf_task_storage_get(&lg_reserve_own, task, 0, 0);
	if (!mine_own)
		return;
	barrier_var(mine_own);
	amount = mine_own->amount[kind & (LG_RESERVE_KINDS - 1)];
	if (!amount)
		return;
	mine_own->amount[kind & (LG_RESERVE_KINDS - 1)] = 0;
	__sync_fetch_and_add(&total->reserved, -amount);
	__sync_fetch_and_add(&total->owned, -1);
}

/* A task freed: what its skipped fexits left given back (its task storage is freed after this
 * hook). One lookup and four loads while no task holds a reservation (every task of the host
 * passes here). */
static __always_inline void lg_reservations_freed(struct task_struct *task)
{
	struct lg_reserve_totals *totals;
	__u32 zero = 0;

	totals = bpf_map_lookup_elem(&lg_reserve_totals, &zero);
	if (!totals || (*(volatile __s64 *)&totals->kind[LG_RESERVE_AIO].held <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_KEY].held <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_AIO].owned <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_KEY].owned <= 0))
		return;
	lg_reservation_end(task, LG_RESERVE_AIO);
	lg_reservation_end(task, LG_RESERVE_KEY);
}

#endif /* LSMGUARD_RESERVE_BPF_H */
