/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reservations of a host-wide budget held by a task between the hook that checks the budget
 * and the kernel's own charge, later in the same system call (io_setup's AIO events,
 * capabilities.bpf.c; add_key's and KEYCTL_UPDATE's payload bytes, and mq_open's queue bytes,
 * ipc.bpf.c; SCM_RIGHTS descriptors sent over unix sockets, network.bpf.c). A key's bytes
 * are charged to its owner's quota, a queue's and a message's descriptors to its maker's user:
 * each user's reservations of a kind are summed in a pool of its own (lg_reserve_pools,
 * below). A queue's size is recorded at mq_open's entry (fentry: the kernel's copy of its
 * attr, as asked) and reserved by the hook that decides (inode_create, lg_reservation_find).
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
 * root's key past the ordinary quota decided as CAP_SYS_RESOURCE, another user's key refused
 * (EDQUOT), a descriptors' send refused (ETOOMANYREFS), a queue counted at the most its
 * mq_open may ask; an unconfined task's call then goes on unreserved (others' checks miss its
 * amount).
 */
#ifndef LSMGUARD_RESERVE_BPF_H
#define LSMGUARD_RESERVE_BPF_H

enum lg_reserve_kind {
	LG_RESERVE_AIO, /* io_setup's events (fs.aio-max-nr): one budget, the kind's total */
	LG_RESERVE_KEY, /* key payload bytes (each user's key quota): a pool a user */
	LG_RESERVE_MQ,	/* POSIX message queue bytes (each user's RLIMIT_MSGQUEUE): a pool a user */
	LG_RESERVE_FDS, /* descriptors in flight over unix sockets (each user's): a pool a user */
	LG_RESERVE_KINDS,
};
/* every caller passes a constant: the bound is for the verifier */
#define LG_RESERVE_KIND(kind) ((kind) < LG_RESERVE_KINDS ? (kind) : 0)

struct lg_reserve_total {
	__s64 reserved; /* what the tasks of the kind hold, every pool's together */
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
	return &totals->kind[LG_RESERVE_KIND(kind)];
}

/* A budget whose holders are all counted in its kind's total (AIO). */
#define LG_RESERVE_WHOLE 0xffffffffU
/*
 * Pools of per-user budgets: a counter each in lg_reserve_pools. A (kind, user) is given a pool
 * of its own the first time it reserves (lg_reserve_slots, never taken back: a pool in use by
 * a call in flight cannot be freed under it), LG_RESERVE_EXACT of them; past that, a (kind,
 * user) shares one of LG_RESERVE_SHARED pools by a hash of its uid with the other users past
 * it, which then count each other's amounts in flight (stricter, never looser). Review 54 and
 * attack run 30 found that sharing by hash from the start let uid 1000's calls in flight (or
 * held by a stalled caller) refuse another service's uid that hashed to its pool.
 */
#define LG_RESERVE_EXACT 4096
#define LG_RESERVE_SHARED 1024
#define LG_RESERVE_POOLS (LG_RESERVE_EXACT + LG_RESERVE_SHARED)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LG_RESERVE_POOLS);
	__type(key, __u32);
	__type(value, __s64);
} lg_reserve_pools __weak SEC(".maps");

struct lg_reserve_user {
	__u32 kind;
	__u32 uid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_RESERVE_EXACT);
	__type(key, struct lg_reserve_user);
	__type(value, __u32);
} lg_reserve_slots __weak SEC(".maps");

/* The next pool of lg_reserve_pools to give a (kind, user) (one element). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} lg_reserve_next __weak SEC(".maps");

/* The pool of a user's reservations of kind: its own (given at its first reservation), or,
 * past LG_RESERVE_EXACT of them, a shared one by a multiplicative hash of the uid. */
static __always_inline __u32 lg_reserve_user_pool(__u32 kind, __u32 uid)
{
	struct lg_reserve_user key = {LG_RESERVE_KIND(kind), uid};
	__u32 zero = 0, *slot, index;
	__s64 *next;

	slot = bpf_map_lookup_elem(&lg_reserve_slots, &key);
	if (slot)
		return *slot;
	next = bpf_map_lookup_elem(&lg_reserve_next, &zero);
	if (next) {
		index = (__u32)__sync_fetch_and_add(next, 1);
		if (index < LG_RESERVE_EXACT) {
			/* a racing first reservation of the same user may have won: its pool is
			 * the user's (this index is left unused) */
			bpf_map_update_elem(&lg_reserve_slots, &key, &index, BPF_NOEXIST);
			slot = bpf_map_lookup_elem(&lg_reserve_slots, &key);
			if (slot)
				return *slot;
		}
	}
	return LG_RESERVE_EXACT +
	       ((uid * 2654435761U) >> 16 ^ LG_RESERVE_KIND(kind) * 0x9e37U) % LG_RESERVE_SHARED;
}

/* What a task holds of one kind, and in which pool. */
struct lg_reserve_hold {
	__s64 amount;
	__s64 asked; /* what its call asked for, recorded before it is reserved (mq_open's) */
	__u32 pool;  /* LG_RESERVE_WHOLE or an index of lg_reserve_pools */
	__u32 pad;
};

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
	__type(value, struct lg_reserve_hold);
} lg_reserve_held __weak SEC(".maps");

/* Where the hash has no room: the task's own storage, one hold a kind. */
struct lg_reserve_own {
	struct lg_reserve_hold hold[LG_RESERVE_KINDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_reserve_own);
} lg_reserve_own __weak SEC(".maps");

struct lg_reservation {
	struct lg_reserve_total *total;
	__s64 *pool;	       /* the budget's pool (pooled), else total->reserved */
	struct lg_reserve_hold *mine;
	bool pooled;
	bool own;	       /* mine is in the task's own storage */
};

/* The counter that sums pool's holders: an element of lg_reserve_pools, or the total's. */
static __always_inline __s64 *lg_reserve_pool_of(struct lg_reserve_total *total, __u32 pool)
{
	if (pool == LG_RESERVE_WHOLE)
		return &total->reserved;
	return bpf_map_lookup_elem(&lg_reserve_pools, &pool);
}

/* hold's amount given back to its pool and total (own: in the task's own storage). */
static __always_inline void lg_reserve_give_back(struct lg_reserve_total *total,
						 struct lg_reserve_hold *hold, bool own)
{
	__s64 amount = hold->amount, *pool;

	hold->asked = 0;
	if (!amount)
		return;
	hold->amount = 0;
	__sync_fetch_and_add(&total->reserved, -amount);
	if (hold->pool != LG_RESERVE_WHOLE) {
		pool = bpf_map_lookup_elem(&lg_reserve_pools, &hold->pool);
		if (pool)
			__sync_fetch_and_add(pool, -amount);
	}
	if (own)
		__sync_fetch_and_add(&total->owned, -1);
}

/* The current task's reservation of kind in pool (LG_RESERVE_WHOLE, or one of
 * lg_reserve_pools), recorded (0) if it holds none. False when it cannot be had: the caller
 * decides as if the budget were passed. */
static __always_inline bool lg_reservation_of(__u32 kind, __u32 pool, struct lg_reservation *r)
{
	struct lg_reserve_key key = {(__u64)bpf_get_current_task_btf(), kind, 0};
	struct lg_reserve_hold fresh = {0, 0, pool, 0};
	struct lg_reserve_own *own;

	r->mine = 0;
	r->own = false;
	r->pooled = pool != LG_RESERVE_WHOLE;
	r->total = lg_reserve_total_of(kind);
	if (!r->total)
		return false;
	r->pool = lg_reserve_pool_of(r->total, pool);
	if (!r->pool)
		return false;
	r->mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
	if (r->mine)
		goto found;
	/* An amount already in its own storage (an earlier ask of the same call, the hash full
	 * then): raised there, not counted twice in a new entry. */
	if (*(volatile __s64 *)&r->total->owned > 0) {
		own = bpf_task_storage_get(&lg_reserve_own, bpf_get_current_task_btf(), 0, 0);
		if (own) {
			barrier_var(own);
			if (own->hold[LG_RESERVE_KIND(kind)].amount) {
				r->mine = &own->hold[LG_RESERVE_KIND(kind)];
				r->own = true;
				goto found;
			}
		}
	}
	if (!bpf_map_update_elem(&lg_reserve_held, &key, &fresh, BPF_NOEXIST)) {
		/* counted after the entry exists, by the task itself, which alone ends it (or its
		 * free, after it): held counts every entry whose end can run */
		__sync_fetch_and_add(&r->total->held, 1);
		r->mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
		if (!r->mine)
			return false;
		goto found;
	}
	own = lg_task_storage_create(&lg_reserve_own, bpf_get_current_task_btf());
	if (!own)
		return false;
	barrier_var(own); /* as in lg_reserve_total_of */
	r->mine = &own->hold[LG_RESERVE_KIND(kind)];
	r->own = true;
found:
	/* left by an earlier call whose end was skipped, in another pool (another user's key):
	 * given back before this call's is counted */
	if (r->mine->pool != pool) {
		lg_reserve_give_back(r->total, r->mine, r->own);
		r->mine->pool = pool;
	}
	return true;
}

/* The current task's hold of kind, if it has one (recorded by an earlier hook of the same
 * call, its amount possibly 0); false if it has none. */
static __always_inline bool lg_reservation_find(__u32 kind, struct lg_reservation *r)
{
	struct lg_reserve_key key = {(__u64)bpf_get_current_task_btf(), kind, 0};
	struct lg_reserve_own *own;

	r->own = false;
	r->total = lg_reserve_total_of(kind);
	if (!r->total)
		return false;
	r->mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
	/* its own storage whatever owned says: a hold there that asked and holds no amount yet
	 * is not counted in owned (review 55) */
	if (!r->mine) {
		own = bpf_task_storage_get(&lg_reserve_own, bpf_get_current_task_btf(), 0, 0);
		if (own) {
			barrier_var(own);
			r->mine = &own->hold[LG_RESERVE_KIND(kind)];
			r->own = true;
		}
	}
	if (!r->mine || (r->own && !r->mine->amount && !r->mine->asked))
		return false;
	r->pooled = r->mine->pool != LG_RESERVE_WHOLE;
	r->pool = lg_reserve_pool_of(r->total, r->mine->pool);
	return r->pool != 0;
}

/* The reservation raised by more; what the other tasks hold reserved in its pool (at least
 * 0). The callers read the kernel's count after this and rely on the add being a full
 * barrier, and on a racer's end (a plain atomic add) coming after its charge: x86-64's lock
 * xadd and lock add give both, the only target lsmguard is built for (the BPF memory model
 * leaves a non-fetching add relaxed: an arm64 port needs the fetching form at the ends). */
static __always_inline __s64 lg_reservation_raise(struct lg_reservation *r, __s64 more)
{
	__s64 others = __sync_fetch_and_add(r->pool, more) - r->mine->amount;

	if (r->pooled)
		__sync_fetch_and_add(&r->total->reserved, more);
	/* an own amount counted while it is not 0, so that the task's free looks for it */
	if (r->own && !r->mine->amount && more)
		__sync_fetch_and_add(&r->total->owned, 1);
	r->mine->amount += more;
	return others > 0 ? others : 0;
}

/* The reservation lowered by less (a refused call takes back what it raised). */
static __always_inline void lg_reservation_lower(struct lg_reservation *r, __s64 less)
{
	__sync_fetch_and_add(r->pool, -less);
	if (r->pooled)
		__sync_fetch_and_add(&r->total->reserved, -less);
	r->mine->amount -= less;
	if (r->own && less && !r->mine->amount)
		__sync_fetch_and_add(&r->total->owned, -1);
}

/* task's reservation of kind given back whole (its hash entry deleted, its own amount
 * zeroed): the system call's end (charged by then, or failed), or the task's free. */
static __always_inline void lg_reservation_end(struct task_struct *task, __u32 kind)
{
	struct lg_reserve_key key = {(__u64)task, kind, 0};
	struct lg_reserve_total *total;
	struct lg_reserve_hold *mine, copy;
	struct lg_reserve_own *own;

	total = lg_reserve_total_of(kind);
	if (!total)
		return;
	if (*(volatile __s64 *)&total->held > 0) {
		mine = bpf_map_lookup_elem(&lg_reserve_held, &key);
		if (mine) {
			copy = *mine;
			if (!bpf_map_delete_elem(&lg_reserve_held, &key)) {
				lg_reserve_give_back(total, &copy, false);
				__sync_fetch_and_add(&total->held, -1);
			}
		}
	}
	if (*(volatile __s64 *)&total->owned <= 0)
		return;
	own = bpf_task_storage_get(&lg_reserve_own, task, 0, 0);
	if (!own)
		return;
	barrier_var(own);
	lg_reserve_give_back(total, &own->hold[LG_RESERVE_KIND(kind)], true);
}

/* A task freed: what its skipped fexits left given back (its task storage is freed after this
 * hook). One lookup and eight loads while no task holds a reservation (every task of the host
 * passes here). */
static __always_inline void lg_reservations_freed(struct task_struct *task)
{
	struct lg_reserve_totals *totals;
	__u32 zero = 0;

	totals = bpf_map_lookup_elem(&lg_reserve_totals, &zero);
	if (!totals || (*(volatile __s64 *)&totals->kind[LG_RESERVE_AIO].held <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_KEY].held <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_MQ].held <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_FDS].held <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_AIO].owned <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_KEY].owned <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_MQ].owned <= 0 &&
			*(volatile __s64 *)&totals->kind[LG_RESERVE_FDS].owned <= 0))
		return;
	lg_reservation_end(task, LG_RESERVE_AIO);
	lg_reservation_end(task, LG_RESERVE_KEY);
	lg_reservation_end(task, LG_RESERVE_MQ);
	lg_reservation_end(task, LG_RESERVE_FDS);
}

#endif /* LSMGUARD_RESERVE_BPF_H */
