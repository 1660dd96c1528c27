/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Verdict caches: a verdict, remembered where the next identical question will look.
 *
 * Paths: in the inode's BPF storage, a few slots, each a verdict (allowed, or a rule's denial)
 * for one (policy, class, read or write) at one name of the inode. A path walk costs a lookup
 * per component; a hit costs one storage lookup and a few compares, whatever the depth and the
 * rule count.
 *
 * What a path verdict depends on, and what keeps each dependency honest:
 *  - the policy's rules: the policy id and the generation (every load bumps it);
 *  - the name: the dentry, its parent, its name's hash and length, and the dentry's move
 *    sequence (d_seq, read first, even) are compared. The kernel bumps d_seq while it moves
 *    the dentry (__d_move: rename, exchange, a network filesystem's alias moves; both the moved
 *    dentry and the one it replaces), drops it or changes its inode, so a slot stored by a walk
 *    that began before such a change never matches after it, even when the name comes back
 *    with the same hash (a rename away and back; two names whose salted hashes collide).
 *    What that cannot see is a change above the dentry: the kernel epoch is bumped before and
 *    after every move of a directory (renaming an ancestor changes nothing of the dentry itself), of
 *    anything but a regular file (a unix socket's peer verdicts hang on its name), every
 *    exchange, and every hard link of anything but a regular file (vfs_link). A regular file's
 *    own rename retires only its own slots, so log rotation, editors' atomic saves, package
 *    installs and database segment recycling leave every other verdict of the host cached;
 *  - the mount the walk stopped at: the starting mount's root is compared (a dentry's ancestors
 *    are pinned by it, so that pointer cannot be reused while the slot can match), the kernel
 *    epoch is bumped before a mount of the host namespace moves or goes (mounts.bpf.c), and the
 *    daemon bumps the mounts epoch after it rewrites the mount table;
 *  - walks that crossed into a parent mount, or passed over a mount table entry made suspect
 *    by a move, depend on the mount tree itself: never cached;
 *  - a file with several names (a regular file with i_nlink > 1, see path.bpf.h) is decided
 *    by its original name too: never cached;
 *  - a denial by a rule is remembered with its rule and object, but only to answer while the
 *    event rate limit holds its events back (a retry loop, a flood): an event that may be
 *    sent needs the walk's path, so the walk is made again for it (path.bpf.h,
 *    lg_file_verdict). Built-in denials (protections, host code, a walk that failed closed)
 *    are never remembered: the walk's cacheable flag is off for them.
 * The epochs are read before the walk and stored with the verdict: a move that completes while
 * a walk runs leaves a slot that no later lookup accepts.
 *
 * Directories: the walk's state at a directory for the files in it (below, lg_dir_cache): a
 * file's first open, when its directory's state is cached, adds one name to it.
 *
 * Sockets: in the socket's storage, the last allowed destination for one policy and tag (a
 * datagram socket sending to one server, a client reconnecting). A destination's verdict
 * depends on the policy's rules only: the policy id and the generation in the tag cover it.
 *
 * Unix peers: in the peer socket's storage (a listener, a datagram receiver), a few allowed
 * verdicts, each for one (policy, tag). A pathname peer is decided at the path its bind() made
 * (unix_sk(other)->path), which stays the socket's for its whole life, so the socket stands for
 * the name: what can change is the name's components (renames and links bump the kernel epoch,
 * mounts the kernel's or the daemon's) and the rules (the generation), all in the tag. Only a
 * rules verdict that the walk may cache is stored (unix.bpf.c): not the service manager's
 * sockets, not one allowed by the setup window, never a denial.
 */
#ifndef LSMGUARD_CACHE_BPF_H
#define LSMGUARD_CACHE_BPF_H

#include "common.bpf.h"

#define LG_CACHE_SLOTS 4

struct lg_cache_slot {
	__u64 dentry;
	__u64 parent;
	__u64 hash_len; /* the name's length and hash (d_name.hash_len) */
	__u64 mnt_root; /* root of the mount the walk started in */
	__u64 tag;      /* lg_cache_tag() when the walk started; 0: empty */
	__u32 policy;
	__u32 kind;     /* class << 1 | write, and LG_CACHE_DENIAL for a denial */
	__u32 seq;      /* the dentry's d_seq when the walk started (even) */
	__u32 rule;     /* a denial's rule */
	__u64 object;   /* a denial's object (its path hash: the event rate limit's key) */
};

/* A slot's kind bit: the verdict is a denial by a rule (rule, object), not an allowance. */
#define LG_CACHE_DENIAL (1u << 16)

/* What lg_cache_lookup found. */
#define LG_CACHE_MISS 0
#define LG_CACHE_ALLOWED 1
#define LG_CACHE_DENIED 2

struct lg_inode_cache {
	struct bpf_spin_lock lock;
	__u32 next; /* the slot the next miss replaces */
	__u64 seq;  /* odd while a writer (under the lock) changes the slots */
	struct lg_cache_slot slot[LG_CACHE_SLOTS];
};

/*
 * The slots are written under the lock, each change between two increments of seq
 * (lg_inode_cache_write_begin and _end), and read without it (lg_cache_lookup): a reader that
 * sees seq odd, or changed across its reads, takes it as a miss (the walk decides, which is
 * always right). The writer's stores are not reordered with each other, nor the reader's loads
 * (x86-64, the only architecture lsmguard is built for; the compiler is held to the program's
 * order by the barriers), and a writer holds a BPF spin lock with interrupts off, so it cannot
 * be preempted halfway. A reader can be (preempt=full), between its two reads of seq: 64 bits,
 * so that seq cannot come round to the value it read meanwhile. Keeps lock-taking helper calls
 * (interrupts off and on) off every cache hit.
 */
static __always_inline void lg_inode_cache_write_begin(struct lg_inode_cache *cache)
{
	*(volatile __u64 *)&cache->seq = cache->seq + 1;
	asm volatile("" ::: "memory");
}

static __always_inline void lg_inode_cache_write_end(struct lg_inode_cache *cache)
{
	asm volatile("" ::: "memory");
	*(volatile __u64 *)&cache->seq = cache->seq + 1;
}

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_inode_cache);
} lg_inode_cache __weak SEC(".maps");

/*
 * Directories: in the directory's inode storage, a few slots, each the walk's state at that
 * directory (its prefix hash and the verdict of the rules above and at it) for one (policy,
 * class, read or write) and one name of it. A file's first question (a miss of its own slots)
 * then adds its own name to its parent's state: one name hashed and one rule lookup, instead of
 * a lookup per component. The state depends on what a file's slot does, without the file: the
 * directory's dentry, parent, name and move sequence, the mount the walk started in, and the
 * tag (every directory move bumps the kernel epoch). Stored only by a walk whose verdict may be
 * cached; a new dentry of the directory clears them (lg_name_instantiated).
 */
struct lg_dir_cache {
	struct bpf_spin_lock lock;
	__u32 next;
	struct lg_dir_slot slot[LG_CACHE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_dir_cache);
} lg_dir_cache __weak SEC(".maps");

/* [0]: first opens decided from their directory's cached state; [1]: denials answered by a
 * remembered denial, their events held back. Counted in production (one atomic add each),
 * read by the tests. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} lg_dir_counts __weak SEC(".maps");

/*
 * For a rule's denial known without a walk (a remembered one, above): 1 when the rate
 * limit holds its event back, which is counted as lg_rate_allow counts it; 0 when the event may
 * be sent, with nothing counted (the caller then walks for the event's path and reports the
 * denial as any other, through lg_rate_allow). A window that another CPU turns between the
 * look and the count only holds back one event more, carried by the next one sent. A global
 * function: its key is off the stack of the hooks that call it (lg_file_open's chain of frames
 * is near the verifier's 512 bytes).
 */
__weak __noinline int lg_rate_holds_back(__u32 policy_id, __u32 hook, __u32 decision, __u32 rule,
					 __u64 object)
{
	struct lg_rate_key key = {.policy = policy_id, .rule = rule, .object = object,
				  .hook = (__u8)hook, .decision = (__u8)decision};
	struct lg_rate_value *value = bpf_map_lookup_elem(&lg_rate, &key);
	__u32 one = 1;
	__u64 *count;

	if (!value || bpf_ktime_get_ns() - value->window_start > LG_RATE_WINDOW_NS ||
	    *(volatile __u64 *)&value->count < LG_RATE_EVENTS)
		return 0;
	__sync_fetch_and_add(&value->count, 1);
	lg_rate_held(&key, 0);
	count = bpf_map_lookup_elem(&lg_dir_counts, &one);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 1;
}

/* Written under the lock between two increments of seq, read without it, as lg_inode_cache. */
struct lg_sock_cache {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 seq;
	__u64 tag;
	__u32 policy;
	__u8 family;
	__u8 protocol;
	__u16 port;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_sock_cache);
} lg_sock_cache __weak SEC(".maps");

struct lg_peer_cache {
	struct bpf_spin_lock lock;
	__u32 next; /* the slot the next store replaces */
	struct {
		__u64 tag;
		__u32 policy;
		__u32 pad;
	} slot[LG_CACHE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_peer_cache);
} lg_peer_cache __weak SEC(".maps");

/*
 * The generation and the epochs as one number: each only grows, so their sum changes whenever
 * one of them does and never comes back. Never 0 (0 marks an empty slot).
 */
static __always_inline __u64 lg_cache_tag(void)
{
	__u32 zero = 0, one = 1;
	struct lg_config *config = bpf_map_lookup_elem(&lg_config_map, &zero);
	__u64 *kernel = bpf_map_lookup_elem(&lg_epochs, &zero);
	__u64 *mounts = bpf_map_lookup_elem(&lg_epochs, &one);

	if (!config || !kernel || !mounts)
		return 0;
	return (__u64)config->generation + *kernel + *mounts + 1;
}

static __always_inline void lg_epoch_bump(void)
{
	__u32 zero = 0;
	__u64 *kernel = bpf_map_lookup_elem(&lg_epochs, &zero);

	if (kernel)
		__sync_fetch_and_add(kernel, 1);
}

static __always_inline void lg_count_cached(__u32 policy, __u8 hook)
{
	struct lg_counter *c = lg_counter(policy, hook);

	if (c) {
		c->allowed++;
		c->cached++;
	}
}

/* What identifies one name of an inode, and the question asked about it. */
struct lg_cache_probe {
	struct lg_cache_slot want;
	struct lg_inode_cache *cache; /* NULL: not cacheable */
};

#define LG_S_IFMT 00170000
#define LG_S_IFDIR 0040000

/*
 * What names dentry in a slot's key: its move sequence first (false while it is odd, as the
 * kernel moves the dentry: nothing may be stored or matched), then its parent and its name's
 * hash and length, which a move changes only with the sequence. Volatile reads, so that the
 * compiler keeps them in that order (x86 keeps loads in order). Every key of the caches is
 * read here: the file's (lg_cache_lookup, lg_cache_hit) and its directory's (lg_dir_key,
 * lg_dir_lookup).
 */
static __always_inline bool lg_name_key(struct dentry *dentry, __u32 *seq, __u64 *parent,
					__u64 *hash_len)
{
	*seq = *(volatile __u32 *)&dentry->d_seq.seqcount.sequence;
	if (*seq & 1)
		return false;
	*parent = *(volatile __u64 *)&dentry->d_parent;
	*hash_len = (__u64)*(volatile __u32 *)&dentry->d_name.len << 32 |
		    *(volatile __u32 *)&dentry->d_name.hash;
	return true;
}

/*
 * Look up the verdict for file's name: LG_CACHE_ALLOWED, LG_CACHE_DENIED (probe->want.rule and
 * probe->want.object, which are not part of the key, say which rule, for what) or
 * LG_CACHE_MISS, when probe says whether the walk's verdict may be stored afterwards
 * (lg_cache_store).
 */
static __always_inline int lg_cache_lookup(struct file *file, __u32 policy, __u32 class,
					   bool write, struct lg_cache_probe *probe)
{
	/* lg_cache_hit (below) reads and compares the same key: change both together. */
	struct dentry *dentry = file->f_path.dentry;
	struct inode *inode = file->f_inode;
	struct lg_inode_cache *cache;
	int found = LG_CACHE_MISS;
	__u64 seq;

	/* Every field set on every path: clang may otherwise merge the stores of a path that
	 * returned early with a register that holds nothing there, which the verifier refuses
	 * (R2 !read_ok in lg_file_open). */
	__builtin_memset(probe, 0, sizeof(*probe));
	/* Overlayfs's inner open of the real file under the overlay's path: the real inode's
	 * slots would be keyed by a dentry that is not its own (whose new dentries clear only
	 * the overlay inode's): not cached (the outer open's verdict is). */
	if (!inode || !dentry || inode != dentry->d_inode)
		return LG_CACHE_MISS;
	/* Several names: decided by the original name too (path.bpf.h), never cached. */
	if (inode->i_nlink != 1 && (inode->i_mode & LG_S_IFMT) != LG_S_IFDIR)
		return LG_CACHE_MISS;
	if (!lg_name_key(dentry, &probe->want.seq, &probe->want.parent, &probe->want.hash_len))
		return LG_CACHE_MISS;
	probe->want.tag = lg_cache_tag();
	if (!probe->want.tag)
		return LG_CACHE_MISS;
	probe->want.dentry = (__u64)dentry;
	probe->want.mnt_root = (__u64)file->f_path.mnt->mnt_root;
	probe->want.policy = policy;
	probe->want.kind = class << 1 | (write ? 1 : 0);
	cache = bpf_inode_storage_get(&lg_inode_cache, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cache)
		return LG_CACHE_MISS;
	probe->cache = cache;
	seq = *(volatile __u64 *)&cache->seq;
	if (seq & 1)
		return LG_CACHE_MISS;
	asm volatile("" ::: "memory");
	for (int i = 0; i < LG_CACHE_SLOTS; i++) {
		struct lg_cache_slot *s = &cache->slot[i];

		if (s->tag == probe->want.tag && s->policy == policy &&
		    (s->kind & ~LG_CACHE_DENIAL) == probe->want.kind &&
		    s->dentry == probe->want.dentry && s->parent == probe->want.parent &&
		    s->hash_len == probe->want.hash_len && s->mnt_root == probe->want.mnt_root &&
		    s->seq == probe->want.seq) {
			found = LG_CACHE_ALLOWED;
			if (s->kind & LG_CACHE_DENIAL) {
				found = LG_CACHE_DENIED;
				probe->want.rule = s->rule;
				probe->want.object = s->object;
			}
			break;
		}
	}
	asm volatile("" ::: "memory");
	if (*(volatile __u64 *)&cache->seq != seq)
		return LG_CACHE_MISS;
	return found;
}

/*
 * The hit path alone, for lg_file_open's plain files: true when file's slots hold an allowed
 * verdict for (policy, kind). The same key and the same reading as lg_cache_lookup, but nothing
 * is set up for a miss (lg_cache_lookup does that, reading the few fields again, on a path that
 * then decides from the directory's state or walks): asked first, with few values live, the
 * common answer spills nothing (make bench 2026-12-07).
 */
static __always_inline bool lg_cache_hit(struct file *file, __u32 policy, __u32 kind)
{
	/* Keep the key, its reading order and its compare the same as lg_cache_lookup's: a field
	 * that only one of them checks would let this one answer what the other refuses. */
	struct dentry *dentry = file->f_path.dentry;
	struct inode *inode = file->f_inode;
	__u64 parent, hash_len, tag, mnt_root;
	struct lg_inode_cache *cache;
	__u64 cache_seq;
	bool hit = false;
	__u32 seq;

	if (!inode || !dentry || inode != dentry->d_inode)
		return false;
	if (inode->i_nlink != 1 && (inode->i_mode & LG_S_IFMT) != LG_S_IFDIR)
		return false;
	if (!lg_name_key(dentry, &seq, &parent, &hash_len))
		return false;
	tag = lg_cache_tag();
	mnt_root = (__u64)file->f_path.mnt->mnt_root;
	cache = bpf_inode_storage_get(&lg_inode_cache, inode, 0, 0);
	if (!cache || !tag)
		return false;
	cache_seq = *(volatile __u64 *)&cache->seq;
	if (cache_seq & 1)
		return false;
	asm volatile("" ::: "memory");
	for (int i = 0; i < LG_CACHE_SLOTS; i++) {
		struct lg_cache_slot *s = &cache->slot[i];

		if (s->tag == tag && s->policy == policy && s->kind == kind &&
		    s->dentry == (__u64)dentry && s->parent == parent && s->hash_len == hash_len &&
		    s->mnt_root == mnt_root && s->seq == seq) {
			hit = true;
			break;
		}
	}
	asm volatile("" ::: "memory");
	return hit && *(volatile __u64 *)&cache->seq == cache_seq;
}

/* Remember a verdict that lg_cache_lookup missed, if it may be: allowed, or denied by rule (for
 * object). */
static __always_inline void lg_cache_store_verdict(const struct lg_cache_probe *probe, bool deny,
						   __u32 rule, __u64 object)
{
	struct lg_inode_cache *cache = probe->cache;
	__u32 i;

	if (!cache)
		return;
	bpf_spin_lock(&cache->lock);
	lg_inode_cache_write_begin(cache);
	i = cache->next % LG_CACHE_SLOTS;
	cache->next = i + 1;
	cache->slot[i] = probe->want;
	cache->slot[i].rule = rule;
	cache->slot[i].object = object;
	if (deny)
		cache->slot[i].kind |= LG_CACHE_DENIAL;
	lg_inode_cache_write_end(cache);
	bpf_spin_unlock(&cache->lock);
}

static __always_inline void lg_cache_store(const struct lg_cache_probe *probe)
{
	lg_cache_store_verdict(probe, false, 0, 0);
}

/*
 * Fill key with what names file's parent directory and the question probe asks; returns the
 * directory's inode, or NULL when its state cannot be cached.
 */
static __always_inline struct inode *lg_dir_key(struct file *file,
						const struct lg_cache_probe *probe,
						struct lg_dir_slot *key)
{
	struct dentry *dir = file->f_path.dentry->d_parent;

	if (!probe->cache || !dir || (__u64)dir != probe->want.parent)
		return 0;
	if (!lg_name_key(dir, &key->seq, &key->parent, &key->hash_len))
		return 0;
	key->dentry = (__u64)dir;
	key->mnt_root = probe->want.mnt_root;
	key->tag = probe->want.tag;
	key->policy = probe->want.policy;
	key->kind = probe->want.kind;
	return dir->d_inode;
}

/* What a directory's slot gives the walk: its state at the directory. */
struct lg_dir_found {
	__u64 hash;
	__u32 rule;
	__u8 deny;
	__u8 protected;
	__u16 pad;
};

/*
 * The walk's state at file's parent directory, if its cache holds it for the question probe
 * asks (lg_cache_lookup missed). The key is compared field by field (no key in memory: the
 * hooks' frames are near the verifier's 512 bytes), before any scratch is asked for.
 */
static __always_inline bool lg_dir_lookup(struct file *file, const struct lg_cache_probe *probe,
					  struct lg_dir_found *found)
{
	struct dentry *dir = file->f_path.dentry->d_parent;
	struct lg_dir_cache *cache;
	__u64 parent, hash_len;
	bool hit = false;
	struct inode *inode;
	__u32 seq;

	if (!probe->cache || !dir || (__u64)dir != probe->want.parent)
		return false;
	if (!lg_name_key(dir, &seq, &parent, &hash_len))
		return false;
	inode = dir->d_inode;
	if (!inode)
		return false;
	cache = bpf_inode_storage_get(&lg_dir_cache, inode, 0, 0);
	if (!cache)
		return false;
	bpf_spin_lock(&cache->lock);
	for (int i = 0; i < LG_CACHE_SLOTS; i++) {
		struct lg_dir_slot *s = &cache->slot[i];

		if (s->tag == probe->want.tag && s->policy == probe->want.policy &&
		    s->kind == probe->want.kind && s->dentry == probe->want.parent &&
		    s->parent == parent && s->hash_len == hash_len &&
		    s->mnt_root == probe->want.mnt_root && s->seq == seq) {
			found->hash = s->hash;
			found->rule = s->rule;
			found->deny = s->deny;
			found->protected = s->protected;
			hit = true;
			break;
		}
	}
	bpf_spin_unlock(&cache->lock);
	return hit;
}

/* Remember slot (the walk's state at file's parent, lg_walk_prefixes) under its key. */
static __always_inline void lg_dir_store(struct file *file, const struct lg_cache_probe *probe,
					 struct lg_dir_slot *slot)
{
	struct lg_dir_cache *cache;
	struct inode *inode;
	__u32 i;

	/* A state that carries a built-in (lsmguard's own objects, host code) could decide
	 * nothing (lg_dir_decide walks those whole): not stored. */
	if (slot->protected & (LG_STEP_PROTECTED | LG_STEP_HOST_CODE))
		return;
	inode = lg_dir_key(file, probe, slot);
	if (!inode)
		return;
	cache = bpf_inode_storage_get(&lg_dir_cache, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cache)
		return;
	bpf_spin_lock(&cache->lock);
	i = cache->next % LG_CACHE_SLOTS;
	cache->next = i + 1;
	cache->slot[i] = *slot;
	bpf_spin_unlock(&cache->lock);
}

/* Whether peer's storage holds an allowed verdict for (policy, tag); tag 0 never matches. */
static __always_inline bool lg_peer_cache_hit(struct sock *peer, __u32 policy, __u64 tag)
{
	struct lg_peer_cache *cache;
	bool hit = false;

	if (!tag)
		return false;
	cache = bpf_sk_storage_get(&lg_peer_cache, peer, 0, 0);
	if (!cache)
		return false;
	bpf_spin_lock(&cache->lock);
	for (int i = 0; i < LG_CACHE_SLOTS; i++) {
		if (cache->slot[i].tag == tag && cache->slot[i].policy == policy) {
			hit = true;
			break;
		}
	}
	bpf_spin_unlock(&cache->lock);
	return hit;
}

/* Remember an allowed verdict for (policy, tag) in peer's storage, over the oldest slot. */
static __always_inline void lg_peer_cache_store(struct sock *peer, __u32 policy, __u64 tag)
{
	struct lg_peer_cache *cache;
	__u32 i;

	if (!tag)
		return;
	cache = bpf_sk_storage_get(&lg_peer_cache, peer, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cache)
		return;
	bpf_spin_lock(&cache->lock);
	i = cache->next % LG_CACHE_SLOTS;
	cache->next = i + 1;
	cache->slot[i].tag = tag;
	cache->slot[i].policy = policy;
	bpf_spin_unlock(&cache->lock);
}

#endif /* LSMGUARD_CACHE_BPF_H */
