/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every lsmguard BPF program shares: the maps (defined __weak here, so that each hook
 * family's object can use them and `bpftool gen object` merges them into one), which policy
 * applies to the current task, and how a verdict is counted, reported and returned.
 */
#ifndef LSMGUARD_COMMON_BPF_H
#define LSMGUARD_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "lsmguard_abi.h"

#define EPERM 1
#define ENOMEM 12
#define EEXIST 17
/* The x32 ABI's system call numbers are x86-64's with this bit set (orig_ax). */
#define X32_SYSCALL_BIT 0x40000000UL
/* thread_info.status on x86: the task is in a 32-bit (ia32) system call. */
#define LG_TS_COMPAT 0x0002

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LG_POLICY_ID_MAX + 1);
	__type(key, __u32);
	__type(value, struct lg_policy_value);
} lg_policies __weak SEC(".maps");

/* cgroup id -> policy id: cgroups named by a policy (not their descendants). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_CGROUPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u32);
} lg_cgroup_policy __weak SEC(".maps");

/* hash of a cgroup path -> policy id: binds cgroups created after load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_POLICY_ID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_cgroup_path_key);
	__type(value, __u32);
} lg_cgroup_paths __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * (LG_MAX_PATH_ENTRIES + LG_MAX_BENEATH_ENTRIES));
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_path_key);
	__type(value, struct lg_path_value);
} lg_paths __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * LG_MAX_NET_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_net_key);
	__type(value, struct lg_net_value);
} lg_nets __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_MOUNTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_inode_key);
	__type(value, struct lg_mount_value);
} lg_mounts __weak SEC(".maps");

/*
 * Mount roots of the host namespace that left their place (moved or unmounted): the value is
 * LG_EPOCH_MOUNT_CHANGES after that change. mounts.bpf.c writes them, the walk reads them.
 * Preallocated: a record pruned while a walk reads it is reused only as another record.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_MOUNT_CHANGES);
	__type(key, struct lg_inode_key);
	__type(value, __u64);
} lg_mount_changes __weak SEC(".maps");

/*
 * Mount roots of the host namespace whose mount the kernel detached because its mount point's
 * name went away under it (d_invalidate: a FUSE or network filesystem's server said the name
 * is gone, or a name removed in another namespace), not by an unmount: their records keep
 * their names (mounts.bpf.c writes them, and deletes them when the filesystem's superblock is
 * shut down; the daemon reads them and deletes those of filesystems mounted nowhere, apply.c).
 * The value is LG_EPOCH_MOUNT_CHANGES at the detach, for whoever looks. Pinned: a restarted
 * daemon keeps the names too.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_MOUNTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_inode_key);
	__type(value, __u64);
} lg_mount_detached __weak SEC(".maps");

/*
 * Superblocks made outside the host's mount namespace (a service's own tmpfs, systemd's
 * PrivateDevices= /dev, a container's filesystems), by their address: the host's table has no
 * record of their roots, and they are named where their namespace mounts them. Any other
 * filesystem root without a record, met in another namespace, is the host's and fails closed
 * (lg_root_unrecorded). mount.bpf.c adds them as they are made and drops them when freed.
 */
#define LG_NS_SUPERS 16384
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_NS_SUPERS);
	__type(key, __u64);
	__type(value, __u8);
} lg_ns_supers __weak SEC(".maps");

/* Original names of hard-linked files (links.bpf.c records them, path.bpf.h reads them). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_LINKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_inode_key);
	__type(value, struct lg_link_value);
} lg_links __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lg_config);
} lg_config_map __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, (LG_POLICY_ID_MAX + 1) * LG_HOOK_COUNT);
	__type(key, __u32);
	__type(value, struct lg_counter);
} lg_counters __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LG_RATE_KEYS);
	__type(key, struct lg_rate_key);
	__type(value, struct lg_rate_value);
} lg_rate __weak SEC(".maps");

/*
 * The counts the rate limit held back, per lg_rate key, until an event of the key carries them
 * ("suppressed_before"). Not in lg_rate: an LRU record is evicted without a trace, and its count
 * with it (attack run 7, 277: 65,536 refused names evicted a held-back kill of lsmguard). No LRU
 * here: when it is full, what would be held back is counted as lost (lg_lost) instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_RATE_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lg_rate_key);
	__type(value, __u64);
} lg_held __weak SEC(".maps");

/*
 * The same counts, first in a slot of an array indexed by the key's hash (an array lookup is a
 * few inlined instructions, a hash lookup hashes 24 bytes and walks a bucket: 238 ns of the 378
 * that a held-back denial cost more than before lg_held, in make bench). A slot belongs for
 * good to the first key that holds a count there (key_hash, never 0), so a count outlives its
 * lg_rate record as lg_held's does; a key whose slot another key owns uses lg_held. A key's
 * count is the sum of both. A 64-bit hash shared by two keys would merge their counts (the
 * object is a seeded path or destination hash).
 */
#define LG_HELD_SLOTS 16384

struct lg_held_slot {
	__u64 key_hash;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LG_HELD_SLOTS);
	__type(key, __u32);
	__type(value, struct lg_held_slot);
} lg_held_slots __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_LOST_KEYS);
	__type(key, struct lg_lost_key);
	__type(value, struct lg_lost_value);
} lg_lost __weak SEC(".maps");

/* The deny filter of each bank (LG_DENY_FILTER_WORDS words each), lsmguard_abi.h. Mappable:
 * the daemon writes a bank's half with one copy instead of 16,384 element updates. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 2 * LG_DENY_FILTER_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} lg_deny_filter __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} lg_events __weak SEC(".maps");

/*
 * One step of a path walk, in memory so that a global function can take it (see lg_walk_step in
 * path.bpf.h): extend the hash by one component, then look the prefix up. The verdict so far
 * lives here too: the walk's loop never branches on it, which keeps the verifier's work linear.
 */
/* lg_walk_step.protected: lsmguard's own object (LG_BUILTIN_PROTECTED), host code
 * (LG_PROTECTED_HOST records, LG_BUILTIN_HOST_CODE unless the policy opts in), and a write rule
 * found at or below the deepest host code record (the policy names that host code). */
#define LG_STEP_PROTECTED 1
#define LG_STEP_HOST_CODE 2
#define LG_STEP_HOST_NAMED 4

struct lg_walk_step {
	__u64 name;   /* in: kernel address of the component's name; 0: no component to add */
	__u64 hash;   /* in/out */
	__u32 len;    /* in: bytes of the name */
	__u32 policy; /* in */
	__u32 class;  /* in */
	__u8 object;  /* in: this prefix is the object itself (exact slot first) */
	__u8 write;   /* in: write slots; also looks for lsmguard's protected objects */
	__u8 protected; /* in/out: a prefix is (under) a protected object: LG_STEP_* bits */
	__u8 deny;    /* in/out: the verdict so far, replaced when a rule applies here */
	__u32 rule;   /* in/out: its rule */
	__u32 pad;
	__u64 words[(LG_NAME_MAX + 1) / 8];
};

/*
 * One directory's slot in the directory cache (cache.bpf.h): what names the directory and the
 * question, and the walk's state there: the verdict so far and the prefix hash before a file's
 * own name is added.
 */
struct lg_dir_slot {
	__u64 dentry;
	__u64 parent;
	__u64 hash_len;
	__u64 mnt_root;
	__u64 tag; /* 0: empty */
	__u32 policy;
	__u32 kind;
	__u32 seq;
	__u32 rule; /* the verdict so far at the directory */
	__u64 hash; /* the directory's prefix hash (the policy set's bank) */
	__u8 deny;
	__u8 protected;
	__u8 pad[6];
};

/* The walk's state at the object's parent directory (lg_walk_prefixes), and the directory
 * cache's key built beside it: in the scratch, not on the stack (the verifier's 512 bytes). */
struct lg_dir_state {
	__u64 parent; /* the dentry the walk climbed to from the object (its d_parent) */
	__u32 valid;  /* 0: the object is the walk's anchor (no parent inside the walk) */
	__u32 pad;
	struct lg_dir_slot slot; /* hash, rule, deny, protected: the walk's; the rest: the key */
};

/* Whether a mount table entry may be used as the walk's anchor (lg_anchor_trusted, path.bpf.h). */
struct lg_anchor_check {
	struct lg_inode_key key; /* in: the mount root's key */
	__u64 mnt;               /* in: the struct mount the walk is in */
	__u32 namespace_root;    /* in: that mount is the root of its namespace */
	__u32 pad;
};

/* Scratch space larger than the 512-byte stack: the path walk's dentries and buffers. */
struct lg_scratch {
	/* The walk's dentries (kernel addresses as numbers: a global function may take this
	 * struct by pointer only while it holds no pointers). A power of two: indexes are
	 * masked. */
	__u64 dentries[LG_PATH_DEPTH_MAX];
	__u64 names[LG_PATH_DEPTH_MAX];             /* each dentry's d_name.name and len, read */
	__u32 lens[LG_PATH_DEPTH_MAX];              /* by the walk's one read per dentry */
	struct lg_walk_step step;
	/* Counters kept here rather than in registers: reloaded in each loop round, they give the
	 * verifier one state per round instead of one per value they could hold. */
	__u32 path_off; /* lg_build_path's write offset */
	__u32 count;    /* dentries recorded by the walk */
	__u32 crossed;  /* the walk went up into a parent mount */
	__u32 procfs;   /* the walk went through the root of a procfs */
	__u32 self_at;  /* 1 + index of the dentry that is the task's own /proc/PID, or 0 */
	struct lg_anchor_check anchor_check;
	__u32 disconnected; /* the walk ended at a disconnected dentry (no path) */
	__u32 foreign;      /* the walk crossed up from a filesystem root the host does not know */
	__u32 unknown_root; /* a walk with no mount ended at a root the host does not know */
	/* The walk is in a btrfs mount: a subvolume's root may anchor it. Kept here, not in a
	 * register, so the verifier does not follow the two values through every step. */
	__u32 btrfs;
	/* The walk has met the root of the mount it is in (lg_walk_collect): a filesystem root
	 * reached without it lies outside the mount. */
	__u32 in_mount;
	/* lg_path_walk's object (kernel addresses, passed as numbers: see path.bpf.h) and what
	 * it found besides the verdict in step: whether an anchor, and the addresses of the
	 * anchor's and the link record's path strings (map values: valid for the whole program
	 * run, which holds the RCU read lock), read back by address for an event. */
	__u64 in_dentry;
	__u64 in_mnt;
	__u64 object_inode; /* in_dentry's d_inode, as the walk read it */
	__u32 anchored;
	__u32 stamp; /* lg_path_decide's mark of the run that walked here (path.bpf.h) */
	__u64 anchor_path;
	__u64 link_path;
	__u64 peer_tag; /* a unix peer's cache tag, read before its walk (unix.bpf.c) */
	struct lg_dir_state dir; /* the walk's state at the object's parent */
	__u8 path[2 * LG_EVENT_PATH_MAX]; /* path string under construction; see lg_build_path */
	struct lg_link_value link;        /* a link record under construction */
};

/*
 * A task's storage in map, created if it has none: bpf_task_storage_get with
 * BPF_LOCAL_STORAGE_GET_F_CREATE, asked twice. All of a task's task-storage maps hang from one
 * pointer in its task_struct, and the first of them is published with a cmpxchg
 * (bpf_local_storage_alloc): when two CPUs create a task's first storage at once (PID 1's
 * fexit/cgroup_attach_task marking its fresh child, while the child's own first hook creates
 * its policy cache), the loser's call fails with EAGAIN and the helper returns NULL. Asked
 * again, it finds the winner's storage and adds its element there. realsvc saw it once: a
 * systemd child's setup-window mark lost, its CAP_SYS_RESOURCE refused under nginx's policy.
 */
#define lg_task_storage_create(map, task)                                                     \
	(bpf_task_storage_get(map, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE)                    \
	     ?: bpf_task_storage_get(map, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))

/* The same for a socket's storage (its first storage published by cmpxchg too: two threads of
 * one process creating two of a socket's storages at once). */
#define lg_sk_storage_create(map, sk)                                                         \
	(bpf_sk_storage_get(map, sk, 0, BPF_SK_STORAGE_GET_F_CREATE)                           \
	     ?: bpf_sk_storage_get(map, sk, 0, BPF_SK_STORAGE_GET_F_CREATE))

/*
 * One scratch per task (task storage), not one per CPU: a program is not atomic. Under full
 * preemption (preempt=full on Debian's kernels, CONFIG_PREEMPT) a task can be preempted in the
 * middle of a walk, and another task's program on the same CPU then rewrote a per-CPU scratch
 * under it: measured on 6.1 with eight confined tasks on one CPU, 78% of their denied opens
 * went through. A task runs one program at a time (no lsmguard program runs in interrupt
 * context with a scratch: see docs/security.md), so its own scratch is never shared. Created
 * on first use, freed with the task; when it cannot be created, a spare (below); NULL fails closed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_scratch);
} lg_scratch_map __weak SEC(".maps");

/*
 * The spare scratches, for a task whose task storage cannot be had: by the task_struct's address
 * (unique among live tasks). 6.1's task-storage helpers take a per-CPU busy counter by trylock,
 * and under preempt=full a task preempted inside one of them makes every call on that CPU
 * return NULL, lookups too, until it runs again: CI saw a fresh task's first creat in an
 * allowed directory decided fail-closed so (vm-preempt; 12 of about 2,660 fresh children in
 * preempted_storage_creation_keeps_fresh_tasks_walking). A hash map's bucket lock is taken with
 * preemption disabled (its own per-CPU trylock then fails only for a program nested in an
 * interrupt on that CPU). A scratch holds nothing from one program run to the next, so which
 * one a run gets does not matter, only that no other live task has it, and that one run does
 * not switch between two: once a task has a spare it keeps it, looked up first, until a
 * walk starts while its own storage answers (lg_scratch_start) or task_free; a run whose task
 * storage answered and then did not (a spare handed out halfway) is caught by the walk's stamp
 * (lg_path_decide, lg_scratch_of). Preallocated: an element not preallocated comes from a
 * per-CPU cache that holds one element of this size and is refilled later (irq_work). Full:
 * NULL, fail closed.
 */
#define LG_SCRATCH_SPARES 1024 /* preallocated: 2,456 bytes and the hash's header each */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_SCRATCH_SPARES);
	__type(key, __u64);
	__type(value, struct lg_scratch);
} lg_scratch_spare __weak SEC(".maps");

/* A blank scratch, the value a spare is created from (never written). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lg_scratch);
} lg_scratch_blank __weak SEC(".maps");

/* [0]: spares held now (a lookup only when some are); [1]: spares ever handed out; [2]: spares
 * given back at a walk (lg_scratch_start). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __s64);
} lg_spare_counts __weak SEC(".maps");

static __always_inline __s64 *lg_spare_counts_at(__u32 index)
{
	return bpf_map_lookup_elem(&lg_spare_counts, &index);
}

static __always_inline struct lg_scratch *lg_scratch_inline(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__s64 *held = lg_spare_counts_at(0), *taken;
	struct lg_scratch *scratch;
	__u64 key = (__u64)task;
	__u32 zero = 0;
	void *blank;

	if (!held)
		return 0;
	if (*(volatile __s64 *)held > 0) {
		scratch = bpf_map_lookup_elem(&lg_scratch_spare, &key);
		if (scratch)
			return scratch;
	}
	scratch = lg_task_storage_create(&lg_scratch_map, task);
	if (scratch)
		return scratch;
	blank = bpf_map_lookup_elem(&lg_scratch_blank, &zero);
	if (!blank || bpf_map_update_elem(&lg_scratch_spare, &key, blank, BPF_NOEXIST))
		return 0;
	__sync_fetch_and_add(held, 1);
	taken = lg_spare_counts_at(1);
	if (taken)
		__sync_fetch_and_add(taken, 1);
	return bpf_map_lookup_elem(&lg_scratch_spare, &key);
}

/*
 * The task's scratch, as a call: its slots are its own frame, not its callers'. The verifier
 * limits a chain of calls to 512 bytes, each frame rounded up to 32; the file and unix hooks'
 * frames are at 224 and their walks' chains at the limit, so the inlined version's slots
 * pushed them past it. lg_abstract_decide, at the end of a chain three deep where one more
 * frame is one too many, has room for the inlined version.
 */
static __noinline __attribute__((unused)) struct lg_scratch *lg_scratch(void)
{
	return lg_scratch_inline();
}

/*
 * The scratch at the start of a walk (lg_path_decide, and the unix peer check's tag just
 * before its walk): a task that holds a spare gives it back once its own task storage answers
 * again, so that a spare is held across the runs that needed one, not until the task ends (a
 * long-lived task that once met the busy trylock would keep one of the 1,024 for its life). A
 * run that walks twice (a rename's two names, an exec's program and interpreter) may give it
 * back before its second walk: nothing of the first walk is read after the second begins, and
 * the rule for every caller is that no scratch pointer is kept across lg_path_decide (a spare
 * given back is another CPU's task's at once: the map is preallocated).
 */
static __noinline __attribute__((unused)) struct lg_scratch *lg_scratch_start(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__s64 *held = lg_spare_counts_at(0);
	struct lg_scratch *own;
	__u64 key = (__u64)task;

	if (held && *(volatile __s64 *)held > 0 && bpf_map_lookup_elem(&lg_scratch_spare, &key)) {
		own = lg_task_storage_create(&lg_scratch_map, task);
		if (!own)
			return bpf_map_lookup_elem(&lg_scratch_spare, &key);
		if (!bpf_map_delete_elem(&lg_scratch_spare, &key)) {
			__s64 *back = lg_spare_counts_at(2);

			__sync_fetch_and_add(held, -1);
			if (back)
				__sync_fetch_and_add(back, 1);
		}
		return own;
	}
	return lg_scratch_inline();
}

/* A freed task's spare deleted (one load when no task holds one). */
static __always_inline void lg_scratch_spare_end(struct task_struct *task)
{
	__s64 *held = lg_spare_counts_at(0);
	__u64 key = (__u64)task;

	if (held && *(volatile __s64 *)held > 0 && bpf_map_lookup_elem(&lg_scratch_spare, &key) &&
	    !bpf_map_delete_elem(&lg_scratch_spare, &key))
		__sync_fetch_and_add(held, -1);
}

/*
 * A binding's policy id, read so that a reload cannot hand over another cgroup's: a reload
 * rewrites every binding, and on 6.1 the element a rewrite frees is reused by the next one at
 * once, so the value behind a pointer just looked up may already be another cgroup's new
 * binding. A second lookup that agrees proves the value was this cgroup's (a reused element
 * holds the same id only if that id is this cgroup's binding too).
 */
static __always_inline __u32 lg_binding_confirm(__u64 id, __u32 *first)
{
	__u32 value = *(volatile __u32 *)first;

	for (int i = 0; i < 3; i++) {
		__u32 *again = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		__u32 now;

		if (!again)
			return 0; /* unbound meanwhile */
		now = *(volatile __u32 *)again;
		if (now == value)
			return value;
		value = now;
	}
	return value;
}

/* lg_binding_confirm as a call (one copy where a program reads several bindings). */
static __noinline __u32 lg_binding_read(__u64 id, __u32 *first)
{
	return lg_binding_confirm(id, first);
}

/* lg_find_policy for a task deeper than LG_CGROUP_DEPTH_MAX: from that level up. */
static __always_inline __u32 lg_deep_policy_id(void)
{
	for (int i = 0; i < LG_CGROUP_DEPTH_MAX; i++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(LG_CGROUP_DEPTH_MAX - i);
		__u32 *policy_id;

		if (LG_CGROUP_DEPTH_MAX - i < 1)
			break;
		policy_id = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (policy_id)
			return lg_binding_confirm(id, policy_id);
	}
	return 0;
}

/* The epochs and counters of enum lg_epoch_index (lsmguard_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LG_EPOCH_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} lg_epochs __weak SEC(".maps");

/*
 * The policy found for a cgroup (its own binding or its nearest bound ancestor's), remembered
 * per cgroup in a direct-mapped table (lg_cgroup_answer_slot, lsmguard_abi.h): valid while its
 * tag, the generation plus the bindings epoch, is the same. Bindings of existing cgroups change
 * only in a load (which bumps the generation) and in the daemon's second switch after the
 * load's grace period (which bumps LG_EPOCH_BINDINGS: a cgroup made during the switch may have
 * been bound by the kernel from the old records); the kernel binds only new cgroups
 * (cgroup.bpf.c), which cannot be the ancestors of a cgroup that already exists; cgroup ids are
 * never reused. Two cgroups whose ids share a slot take it in turn (a miss is one climb).
 *
 * Why a table and not the task's storage (until 2026-12-04): every hook of every task, confined
 * or not, asks this first. Per task, each new task climbed the cgroups once (an exec's open:
 * 1,445 instructions), and every hook took task storage's per-CPU busy counter (under
 * preempt=full, a holder preempted there leaves other tasks' storage lookups failing). Per
 * cgroup, the tasks of one cgroup share one search, and an array element is found without a
 * helper. A hook's own cost for a task under no policy hardly changed (an open's lg_file_open
 * 259 -> 265 instructions, as counted with the bench's clock reads).
 *
 * The table is written by every CPU, and under full preemption a writer can be stopped halfway,
 * so an entry is a sequence lock: seq is odd while its writer writes. A writer claims the entry
 * by compare-and-swap from an even seq (a busy entry is not written: the search's answer is used
 * uncached), writes, and makes seq even again; a reader uses an entry only when seq was even
 * before and the same after its reads. So a reader never pairs one cgroup's id with another
 * cgroup's policy: a torn answer would put a confined task under no policy for one hook. The
 * order of the loads and stores is the program's (volatile, with compiler barriers) and x86's
 * (stores are not reordered with stores, nor loads with loads); seq is 64 bits so that it cannot
 * come round to the same value while a reader is preempted between its two loads.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LG_CGROUP_ANSWERS);
	__type(key, __u32);
	__type(value, struct lg_cgroup_answer);
} lg_cgroup_answers __weak SEC(".maps");

/*
 * The nearest bound cgroup's policy id from cgrp up (0: none), for a cgroup at most
 * LG_CGROUP_DEPTH_MAX deep: a climb of at most that many levels. A deeper one's search starts
 * at its ancestor at that level: lg_current_policy finds it for the current task with the
 * helper (lg_deep_policy_id); for another task's cgroup the callers decide what a deeper
 * cgroup counts as (setup.bpf.c: whichever way marks nothing) rather than climb further.
 */
static __always_inline __u64 lg_find_binding(struct cgroup *cgrp, __u32 **binding)
{
	*binding = 0;
	if (cgrp->level > LG_CGROUP_DEPTH_MAX)
		return 0;
	for (int i = 0; i < LG_CGROUP_DEPTH_MAX; i++) {
		struct cgroup_subsys_state *parent;
		__u64 id;
		__u32 *policy_id;

		if (cgrp->level < 1)
			break; /* the root cgroup is never bound */
		id = cgrp->kn->id;
		policy_id = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (policy_id) {
			*binding = policy_id;
			return id;
		}
		parent = cgrp->self.parent;
		if (!parent)
			break;
		cgrp = parent->cgroup;
		if (!cgrp)
			break;
	}
	return 0;
}

static __always_inline __u32 lg_find_policy(struct cgroup *cgrp)
{
	__u32 *binding;
	__u64 id = lg_find_binding(cgrp, &binding);

	return id && binding ? lg_binding_read(id, binding) : 0;
}

/*
 * The policy id of the current task: its cgroup's, or the nearest ancestor's that has one (0:
 * none); cgroup_id is the cgroup the caller read. Policies are bound at most
 * LG_CGROUP_DEPTH_MAX levels deep (the compiler refuses deeper ones), so a deeper task's search
 * starts there and cannot miss the nearest policy. Every hook runs this for every task, confined
 * or not: the answer is remembered per cgroup (lg_cgroup_answers), and the search climbs the
 * cgroups through BTF pointers (direct loads), one hash lookup per level.
 *
 * Not remembered: the answer for a cgroup deeper than LG_CGROUP_DEPTH_MAX, whose search reads
 * the task's cgroup again through a helper (a task moved between the two reads would leave the
 * new cgroup's answer under the old one's id); and an answer whose policy record does not
 * carry its id (a binding or a policy record changing under the search): searched again,
 * uncached.
 *
 * A global function: the verifier checks it once, and every hook sees a call that returns a
 * number (inlined, its branches multiplied each caller's states). Its argument is the id of
 * the cgroup the caller read (bpf_get_current_cgroup_id: one helper call, where the cgroup's
 * pointer took a helper call and four checked loads, make bench 2026-12-04). A remembered
 * answer needs nothing more: answers are remembered only for cgroups at most
 * LG_CGROUP_DEPTH_MAX deep, and a cgroup's depth never changes. The task's cgroup is read
 * through pointers only to search.
 */
__weak __noinline __u32 lg_current_policy_id(__u64 cgroup_id)
{
	const struct lg_policy_value *policy;
	struct lg_cgroup_answer *answer = 0;
	__u32 zero = 0, policy_id = 0, tag, slot, index = LG_EPOCH_BINDINGS;
	struct lg_config *config;
	__u64 bound, *bindings;
	struct cgroup *cgrp;
	__u32 *binding;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	bindings = bpf_map_lookup_elem(&lg_epochs, &index);
	if (!config || !bindings)
		return 0;
	/*
	 * Read once, before the bindings: a load that switches the bindings and bumps the
	 * generation between this read and the search leaves an answer tagged with the old
	 * generation, which the next hook discards. Reading it again to store it would tag an
	 * old-bank answer as current, and once that bank is retired the task would be under no
	 * policy until the next load (the 1000-reload test caught this, once in 226,000 opens).
	 * The bindings epoch likewise, for the daemon's second binding after a reload.
	 */
	tag = *(volatile __u32 *)&config->generation;
	if (tag)
		tag += (__u32) * (volatile __u64 *)bindings;
	slot = lg_cgroup_answer_slot(cgroup_id);
	if (tag)
		answer = bpf_map_lookup_elem(&lg_cgroup_answers, &slot);
	if (answer && lg_cgroup_answer_get(answer, cgroup_id, tag, &policy_id)) {
		if (!policy_id)
			return 0;
		policy = bpf_map_lookup_elem(&lg_policies, &policy_id);
		if (policy && policy->id == policy_id)
			return policy_id;
		answer = 0; /* searched again below, and not remembered */
	}
	cgrp = bpf_get_current_task_btf()->cgroups->dfl_cgrp;
	if (!cgrp)
		return 0;
	/* moved since the caller read its cgroup: this one's answer, not remembered (the event
	 * names the cgroup the caller read) */
	if (cgrp->kn->id != cgroup_id)
		answer = 0;
	if (cgrp->level > LG_CGROUP_DEPTH_MAX)
		return lg_deep_policy_id();
	/* the climb's binding read inline: one frame less under the hooks' own stacks */
	bound = lg_find_binding(cgrp, &binding);
	policy_id = bound && binding ? lg_binding_confirm(bound, binding) : 0;
	if (answer)
		lg_cgroup_answer_put(answer, cgroup_id, tag, policy_id);
	return policy_id;
}

/* The policy of the current task (NULL: none), and its cgroup's id. */
static __always_inline const struct lg_policy_value *lg_current_policy(__u64 *cgroup_id)
{
	const struct lg_policy_value *policy;
	__u32 policy_id;

	*cgroup_id = bpf_get_current_cgroup_id();
	policy_id = lg_current_policy_id(*cgroup_id);
	if (!policy_id)
		return 0;
	policy = bpf_map_lookup_elem(&lg_policies, &policy_id);
	/* An id whose record is not (or no longer) written is no policy. */
	if (!policy || policy->id != policy_id)
		return 0;
	return policy;
}

/*
 * A policy's counters for a hook, per CPU. Under full preemption another task's program on the
 * same CPU can run between a counter's read and its write: the counts an administrator relies
 * on for what was denied or not reported (denied, audited, dropped, suppressed) are added
 * atomically; allowed and cached, on every allowed access, are plain additions that may come out
 * a little low under preempt=full (docs/security.md, "Full preemption").
 */
static __always_inline struct lg_counter *lg_counter(__u32 policy, __u8 hook)
{
	__u32 key = policy * LG_HOOK_COUNT + hook;

	return bpf_map_lookup_elem(&lg_counters, &key);
}

static __always_inline void lg_count_allowed(__u32 policy, __u8 hook)
{
	struct lg_counter *c = lg_counter(policy, hook);

	if (c)
		c->allowed++;
}

/* Count n lost events under their (policy, rule, built-in) and where, with when. */
static __always_inline void lg_lost_add(__u32 policy, __u32 rule, __u8 hook, __u64 builtin,
					__u64 n, __u8 where)
{
	struct lg_lost_key key = {.policy = policy, .rule = rule, .hook = hook, .where = where};
	struct lg_lost_value *value, fresh;
	__u64 now = bpf_ktime_get_boot_ns();

	key.builtin = builtin < LG_BUILTIN_COUNT ? (__u8)builtin : 0;
	value = bpf_map_lookup_elem(&lg_lost, &key);
	if (!value) {
		fresh = (struct lg_lost_value){.count = n, .first_ns = now, .last_ns = now};
		if (bpf_map_update_elem(&lg_lost, &key, &fresh, BPF_NOEXIST) == 0)
			return;
		value = bpf_map_lookup_elem(&lg_lost, &key);
		if (!value)
			return;
	}
	__sync_fetch_and_add(&value->count, n);
	value->last_ns = now;
}

/* The key's hash for lg_held_slots: never 0 (a free slot). */
static __always_inline __u64 lg_held_hash(const struct lg_rate_key *key)
{
	__u64 h = lg_hash_mix(lg_hash_mix(LG_HASH_BASIS, ((__u64)key->policy << 32) | key->rule),
			      key->object);

	return lg_hash_mix(h, key->hook | (__u64)key->decision << 8) | 1;
}

/* The key's slot when the key owns it (claimed now when free and claim), else NULL. */
static __always_inline struct lg_held_slot *lg_held_slot(__u64 hash, bool claim)
{
	__u32 index = (__u32)(hash >> 32) & (LG_HELD_SLOTS - 1);
	struct lg_held_slot *slot = bpf_map_lookup_elem(&lg_held_slots, &index);

	if (!slot)
		return 0;
	if (slot->key_hash == hash)
		return slot;
	if (claim && !slot->key_hash &&
	    (__sync_val_compare_and_swap(&slot->key_hash, 0, hash) == 0 || slot->key_hash == hash))
		return slot;
	return 0;
}

/* The count held back under key, taken (0 when none): the event about to be sent carries it. */
static __always_inline __u32 lg_held_take(const struct lg_rate_key *key)
{
	struct lg_held_slot *slot = lg_held_slot(lg_held_hash(key), false);
	__u64 *held = bpf_map_lookup_elem(&lg_held, key);
	__u32 n = 0;

	if (slot)
		n = (__u32)__sync_lock_test_and_set(&slot->count, 0);
	if (!held)
		return n;
	n += (__u32)__sync_lock_test_and_set(held, 0);
	/* A hold-back on another CPU between the exchange and the delete is the one count that
	 * can go (the window of two instructions at a window's turn); none is carried twice. */
	bpf_map_delete_elem(&lg_held, key);
	return n;
}

/* One more held back under key; where there is no room for it, counted as lost. */
static __always_inline void lg_held_add(const struct lg_rate_key *key, __u64 builtin)
{
	struct lg_held_slot *slot = lg_held_slot(lg_held_hash(key), true);
	__u64 *held, one = 1;

	if (slot) {
		__sync_fetch_and_add(&slot->count, 1);
		return;
	}
	held = bpf_map_lookup_elem(&lg_held, key);
	if (!held) {
		if (bpf_map_update_elem(&lg_held, key, &one, BPF_NOEXIST) == 0)
			return;
		held = bpf_map_lookup_elem(&lg_held, key); /* made by another CPU meanwhile */
	}
	if (held)
		__sync_fetch_and_add(held, 1);
	else
		lg_lost_add(key->policy, key->rule, key->hook, builtin, 1, LG_LOST_RATE_LIMIT);
}

/* An event held back under key: carried by the next one sent (lg_held) and counted as the
 * policy's suppressed (lg_rate_allow, and the remembered denials' lg_rate_holds_back). */
static __always_inline void lg_rate_held(const struct lg_rate_key *key, __u64 builtin)
{
	struct lg_counter *c;

	lg_held_add(key, builtin);
	c = lg_counter(key->policy, key->hook);
	if (c)
		__sync_fetch_and_add(&c->suppressed, 1);
}

/*
 * The rate limit: true when this event may be sent (*held_back: how many identical events were
 * held back before it); false when it is held back, which is counted (lg_held, and the
 * policy's "suppressed" counter). builtin: the reason lost events are counted under.
 */
static __always_inline bool lg_rate_allow(const struct lg_policy_value *policy, __u8 hook,
					  __u8 decision, __u32 rule, __u64 object, __u64 builtin,
					  __u32 *held_back)
{
	struct lg_rate_key key = {.policy = policy->id, .rule = rule, .object = object,
				  .hook = hook, .decision = decision};
	struct lg_rate_value *value, fresh;
	__u64 now = bpf_ktime_get_ns();

	*held_back = 0;
	value = bpf_map_lookup_elem(&lg_rate, &key);
	if (!value) {
		/* New, or evicted from the LRU: what was held back under it is still in lg_held. */
		fresh = (struct lg_rate_value){.window_start = now, .count = 1};
		bpf_map_update_elem(&lg_rate, &key, &fresh, BPF_NOEXIST);
		*held_back = lg_held_take(&key);
		return true;
	}
	if (now - value->window_start > LG_RATE_WINDOW_NS) {
		value->window_start = now;
		value->count = 1;
		*held_back = lg_held_take(&key);
		return true;
	}
	if (__sync_fetch_and_add(&value->count, 1) < LG_RATE_EVENTS)
		return true;
	lg_rate_held(&key, builtin);
	return false;
}

/*
 * A built-in target's rate-limit object: its text's first 32 bytes mixed with the reason (the
 * texts name the targets: "lsmguard", "PID 1 (the service manager)"...). A pointer cannot be
 * hashed (the verifier refuses arithmetic on it), its bytes can.
 */
static __always_inline __u64 lg_text_key(const char *what, __u64 reason)
{
	__u64 words[4] = {}, h = reason;

	if (what)
		bpf_probe_read_kernel(words, sizeof(words), what);
	for (int i = 0; i < 4; i++)
		h = lg_hash_mix(h, words[i]);
	return h;
}

/*
 * Start an event for a deny verdict (enforced or audited); NULL when the rate limit holds it
 * back or the ring buffer is full, each counted. object identifies what was denied (a path or
 * destination hash, a built-in's target) for the rate limit: distinct objects are never merged,
 * a built-in's included (attack run 7: ten refused signals to PID 1 held back the one to
 * lsmguard in the same second, which was named by no event). builtin is the built-in's reason
 * (0 for a rule) under which a lost event is counted. The verdict never depends on the event.
 */
static __always_inline struct lg_event *lg_event_start(const struct lg_policy_value *policy,
						       __u64 cgroup_id, __u8 hook, __u8 decision,
						       __u32 rule, __u8 flags, __u64 object,
						       __u8 builtin)
{
	struct lg_event *ev;
	__u64 pid_tgid, uid_gid;
	__u32 held_back;

	if (!lg_rate_allow(policy, hook, decision, rule, object,
			   (flags & LG_EVENT_BUILTIN) ? builtin : 0, &held_back))
		return 0;
	ev = bpf_ringbuf_reserve(&lg_events, sizeof(*ev), 0);
	if (!ev) {
		struct lg_counter *c = lg_counter(policy->id, hook);

		if (c)
			__sync_fetch_and_add(&c->dropped, 1);
		/* This one, and the ones held back that it would have carried. */
		lg_lost_add(policy->id, rule, hook, (flags & LG_EVENT_BUILTIN) ? builtin : 0,
			    1 + (__u64)held_back, LG_LOST_RING_BUFFER);
		return 0;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	uid_gid = bpf_get_current_uid_gid();
	ev->version = LG_ABI_VERSION;
	ev->hook = hook;
	ev->decision = decision;
	ev->flags = flags | LG_EVENT_DENIED | (policy->mode == LG_MODE_AUDIT ? LG_EVENT_AUDIT : 0);
	ev->builtin = 0;
	ev->object_kind = 0;
	ev->pad0 = 0;
	ev->time_ns = bpf_ktime_get_boot_ns();
	ev->cgroup_id = cgroup_id;
	ev->pid = (__u32)pid_tgid;
	ev->tgid = (__u32)(pid_tgid >> 32);
	ev->uid = (__u32)uid_gid;
	ev->policy = policy->id;
	ev->rule = rule;
	ev->suppressed = held_back;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	return ev;
}

/* Count a deny verdict and return what the hook returns: -EPERM, or 0 in audit mode. */
static __always_inline int lg_deny(const struct lg_policy_value *policy, __u8 hook)
{
	struct lg_counter *c = lg_counter(policy->id, hook);
	bool audit = policy->mode == LG_MODE_AUDIT;

	if (c) {
		if (audit)
			__sync_fetch_and_add(&c->audited, 1);
		else
			__sync_fetch_and_add(&c->denied, 1);
	}
	return audit ? 0 : -EPERM;
}

/*
 * A protection's verdict (LG_BUILTIN_PROTECTIONS): -EPERM and counted as denied in every mode.
 * A policy in audit mode audits its own service's confinement; it cannot switch off what keeps
 * lsmguard and the other policies in force.
 */
static __always_inline int lg_protect_deny(const struct lg_policy_value *policy, __u8 hook)
{
	struct lg_counter *c = lg_counter(policy->id, hook);

	if (c)
		__sync_fetch_and_add(&c->denied, 1);
	return -EPERM;
}

/* Whether a deny verdict with these event flags and built-in reason is a protection's. */
static __always_inline bool lg_is_protection(__u8 flags, __u8 builtin)
{
	return (flags & LG_EVENT_BUILTIN) && LG_BUILTIN_IS_PROTECTION(builtin);
}

/* Count a deny verdict and return it: a protection's always, else as the policy's mode says. */
static __always_inline int lg_deny_verdict(const struct lg_policy_value *policy, __u8 hook,
					   __u8 flags, __u8 builtin)
{
	if (lg_is_protection(flags, builtin))
		return lg_protect_deny(policy, hook);
	return lg_deny(policy, hook);
}

/*
 * Mark a started event with its built-in reason; a protection's event is a "deny" event even
 * under an audit-mode policy (it was enforced).
 */
static __always_inline void lg_event_builtin(struct lg_event *ev, __u8 builtin)
{
	ev->builtin = builtin;
	if (lg_is_protection(ev->flags, builtin))
		ev->flags &= ~LG_EVENT_AUDIT;
}

/* A built-in's verdict: reported with its reason and an object text. */
static __always_inline int lg_builtin_deny(const struct lg_policy_value *policy, __u64 cgroup_id,
					   __u8 hook, __u8 reason, const char *what, int size)
{
	struct lg_event *ev =
	    lg_event_start(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, 0, LG_EVENT_BUILTIN,
			   lg_text_key(what, reason), reason);

	if (ev) {
		lg_event_builtin(ev, reason);
		bpf_probe_read_kernel_str(ev->object.path, size < LG_EVENT_PATH_MAX ? size : 1, what);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, hook, LG_EVENT_BUILTIN, reason);
}

#define LG_CGROUP_WALK_MAX 64 /* cgroup levels looked up for another task's policy */

/*
 * The policy id of another task: its cgroup's or the nearest ancestor's; 0 for none. *bound is
 * the id of the cgroup whose binding that is (0 for none): it names the policy across reloads,
 * which give policies new ids.
 */
static __always_inline __u32 lg_task_binding(struct task_struct *task, __u64 *bound, bool *unknown)
{
	struct cgroup *cgrp = BPF_CORE_READ(task, cgroups, dfl_cgrp);

	*bound = 0;
	for (int i = 0; i < LG_CGROUP_WALK_MAX; i++) {
		__u32 *policy;
		__u64 id;

		if (!cgrp)
			return 0;
		id = BPF_CORE_READ(cgrp, kn, id);
		policy = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (policy) {
			*bound = id;
			return lg_binding_read(id, policy);
		}
		cgrp = BPF_CORE_READ(cgrp, self.parent, cgroup);
	}
	*unknown = true; /* deeper than the walk: treat as another policy */
	return 0;
}

static __always_inline __u32 lg_task_policy(struct task_struct *task, bool *unknown)
{
	__u64 bound;

	return lg_task_binding(task, &bound, unknown);
}

/*
 * Whether two policy ids name the same policy. During a reload a service's tasks and cgroups
 * are found under either bank's id of its policy (a remembered answer, a binding switched a
 * moment apart): the two records carry the same identity (the name's hash). Outside a reload
 * only the first comparison runs.
 */
static __always_inline bool lg_policy_ids_same(__u32 a, __u32 b)
{
	const struct lg_policy_value *pa, *pb;

	if (a == b)
		return true;
	if (!a || !b)
		return false;
	pa = bpf_map_lookup_elem(&lg_policies, &a);
	pb = bpf_map_lookup_elem(&lg_policies, &b);
	return pa && pb && pa->id == a && pb->id == b && pa->identity == pb->identity;
}

/*
 * Whether task is outside policy_id: under another policy or under none (the host's own
 * daemons, an administrator's session, another user's processes). A cgroup too deep to walk
 * counts as outside.
 */
static __always_inline bool lg_task_of_other_policy(struct task_struct *task, __u32 policy_id)
{
	bool unknown = false;
	__u32 other = lg_task_policy(task, &unknown);

	return unknown || !lg_policy_ids_same(other, policy_id);
}

/* lg_builtin_deny for the current task: 0 when it is under no policy. */
static __always_inline int lg_current_builtin_deny(__u8 hook, __u8 reason, const char *what,
						   int size)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, hook, reason, what, size);
}

/*
 * The policy bound nearest above the cgroup that holds this cgroup.procs, or this new or
 * removed cgroup directory (0: none): in cgroupfs
 * a directory inode's i_private is its kernfs node, whose id is the cgroup id. Moving a process
 * into a cgroup under the task's own policy keeps it there: systemd's child for a service does
 * exactly that before it executes the service (found by vm-tests/realsvc). Deeper than the
 * walk: 0, which denies.
 */
static __always_inline __u32 lg_cgroup_file_policy(struct dentry *file_dentry)
{
	struct dentry *d = BPF_CORE_READ(file_dentry, d_parent);

	for (int i = 0; i <= LG_CGROUP_DEPTH_MAX; i++) {
		struct kernfs_node *kn = (struct kernfs_node *)BPF_CORE_READ(d, d_inode, i_private);
		struct dentry *up;
		__u32 *policy_id;
		__u64 id;

		if (!kn)
			break;
		id = BPF_CORE_READ(kn, id);
		policy_id = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (policy_id)
			return lg_binding_read(id, policy_id);
		up = BPF_CORE_READ(d, d_parent);
		if (up == d)
			break;
		d = up;
	}
	return 0;
}

#define LG_PID_NS_LEVELS 32 /* MAX_PID_NS_LEVEL */

/* pid's number and namespace at level of the pid namespaces; false when it has none there (or
 * it cannot be read). */
static __always_inline bool lg_upid_at(struct pid *pid, unsigned int level, struct upid *at)
{
	return pid && level < LG_PID_NS_LEVELS && BPF_CORE_READ(pid, level) >= level &&
	       !bpf_probe_read_kernel(at, sizeof(*at),
				      (void *)pid + bpf_core_field_offset(struct pid, numbers) +
					  level * sizeof(struct upid));
}

/* pid's number at level of the pid namespaces, in the namespace ns; -1 when it has none there. */
static __always_inline __s32 lg_pid_nr_at(struct pid *pid, unsigned int level, const void *ns)
{
	struct upid at;

	return lg_upid_at(pid, level, &at) && at.ns == ns ? at.nr : -1;
}

#define BPF_FS_MAGIC 0xcafe4a11
#define EFIVARFS_MAGIC 0xde5e81e4 /* knobs.bpf.h, meta.bpf.c */

/* The "policy" of events about tasks under no policy (self-protection): id 0, enforce. */
static const struct lg_policy_value lg_no_policy;

#define LG_BTRFS_SUPER_MAGIC 0x9123683e

/*
 * The device number stat() reports for a file of this inode, which is what the daemon's keys
 * hold (its mount table, link records, its own executable): the superblock's s_dev, except on
 * btrfs, where each subvolume has a device number of its own (its root's anon_dev) and only the
 * top-level subvolume's is the superblock's. Without that, two subvolumes' roots (both inode
 * 256) had one key, a subvolume mounted by itself (a root filesystem on subvol=@) anchored
 * nothing, and no link record of a file in a subvolume was ever found. The offsets come from
 * the btrfs module's BTF (lg_config, filled by the daemon): while unknown, s_dev.
 *
 * subvolume_met: the walk met this inode as a subvolume's root on its way (neither its mount's
 * root nor the filesystem's). Without the offsets such a root would have the superblock's
 * device, the key of the top-level subvolume's root, and any user's new subvolume would be
 * named as that mount's root (review 39, H1: ~/s/usr/bin/x as /usr/bin/x): 0 then, which no
 * mount has.
 *
 * Global (checked once by the verifier); takes the inode as a number so any hook may pass one.
 */
__weak __noinline __u32 lg_inode_dev(__u64 inode_addr, __u32 subvolume_met)
{
	struct inode *inode = (struct inode *)inode_addr;
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);
	__u32 dev = BPF_CORE_READ(sb, s_dev), zero = 0, anon = 0;
	struct lg_config *config;
	__u64 root = 0;

	if (!inode_addr || BPF_CORE_READ(sb, s_magic) != LG_BTRFS_SUPER_MAGIC)
		return dev;
	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config || !config->btrfs_known)
		return subvolume_met ? 0 : dev;
	if (bpf_probe_read_kernel(&root, sizeof(root),
				  (void *)(inode_addr - config->btrfs_vfs_inode + config->btrfs_root)) ||
	    !root)
		return dev;
	if (bpf_probe_read_kernel(&anon, sizeof(anon), (void *)(root + config->btrfs_anon_dev)) ||
	    !anon)
		return dev;
	return anon;
}

/*
 * Whether task runs lsmguard's executable (recorded in lg_config by the daemon). Until the
 * daemon has recorded it, the answer is unarmed.
 */
static __always_inline bool lg_task_is_lsmguard(struct task_struct *task, bool unarmed)
{
	struct lg_config *config;
	struct file *exe;
	__u32 zero = 0, dev;
	__u64 ino;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config || !config->self_ino)
		return unarmed;

	exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return false;
	ino = BPF_CORE_READ(exe, f_inode, i_ino);
	dev = lg_inode_dev((__u64)BPF_CORE_READ(exe, f_inode), 0);
	return (ino == config->self_ino && dev == config->self_dev) ||
	       (config->successor_ino && ino == config->successor_ino &&
		dev == config->successor_dev);
}

/*
 * Whether task is PID 1 of the initial pid namespace, the service manager (task->tgid is the
 * number in that namespace; the init of a container's pid namespace has another one there).
 */
static __always_inline bool lg_task_is_init(struct task_struct *task)
{
	return BPF_CORE_READ(task, tgid) == 1;
}

/* 6.1's kernfs_node; later kernels renamed parent to __parent (the vmlinux.h has that). */
struct kernfs_node___v61 {
	struct kernfs_node___v61 *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *lg_kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___v61, parent))
		return (struct kernfs_node *)BPF_CORE_READ((struct kernfs_node___v61 *)kn, parent);
	return BPF_CORE_READ(kn, __parent);
}

/* Whether kn's name starts with the size bytes of want (NUL included when it must end). */
static __always_inline bool lg_kn_name_starts(struct kernfs_node *kn, const char *want, int size)
{
	char name[32] = {};

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name));
	for (int i = 0; i < size && i < (int)sizeof(name); i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/*
 * Whether task is systemd-journald: in the cgroup v2 hierarchy, in
 * /system.slice/systemd-journald.service or a journal namespace's
 * /system.slice/systemd-journald@NAME.service. Known by its cgroup's place, not its pid (a new
 * one at each restart) nor its cgroup id (a new one when the unit's cgroup is made again), nor
 * its name (any task can take "systemd-journal"). Only the service manager makes cgroups there:
 * confined tasks cannot move anything into them (LG_BUILTIN_CGROUP_MOVE).
 */
static __always_inline bool lg_task_is_journald(struct task_struct *task)
{
	struct kernfs_node *kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn), *slice, *root;

	if (!kn)
		return false;
	slice = lg_kn_parent(kn);
	if (!slice)
		return false;
	root = lg_kn_parent(slice);
	if (!root || lg_kn_parent(root))
		return false;
	if (!lg_kn_name_starts(slice, "system.slice", 13))
		return false;
	return lg_kn_name_starts(kn, "systemd-journald.service", 25) ||
	       lg_kn_name_starts(kn, "systemd-journald@", 17);
}

/*
 * The processes the host's own control runs in and that confined tasks cannot starve or tune:
 * lsmguard's, PID 1 and systemd-journald. 1 lsmguard, 2 PID 1, 3 journald, 0 any other.
 */
static __always_inline int lg_task_protected_kind(struct task_struct *task)
{
	if (lg_task_is_lsmguard(task, false))
		return 1;
	if (lg_task_is_init(task))
		return 2;
	return lg_task_is_journald(task) ? 3 : 0;
}

/* Whether the current task runs lsmguard's executable; until armed, every task does. */
static __always_inline bool lg_is_lsmguard(void)
{
	return lg_task_is_lsmguard(bpf_get_current_task_btf(), true);
}

/* Whether dentry is in the bpffs that holds lsmguard's pins. */
static __always_inline bool lg_in_pin_fs(struct dentry *dentry)
{
	struct lg_config *config;
	__u32 zero = 0;

	if (BPF_CORE_READ(dentry, d_sb, s_magic) != BPF_FS_MAGIC)
		return false;
	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	return config && config->pin_dev && BPF_CORE_READ(dentry, d_sb, s_dev) == config->pin_dev;
}

#endif /* LSMGUARD_COMMON_BPF_H */
