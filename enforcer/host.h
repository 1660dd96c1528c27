/* SPDX-License-Identifier: GPL-2.0-only */
/* What lsmguard reads of the host: its mount table and its cgroup tree. */
#ifndef LSMGUARD_HOST_H
#define LSMGUARD_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include "lsmguard_abi.h"

struct lg_mount_entry {
	struct lg_inode_key key;
	int mount_id;    /* mountinfo's first field */
	bool ignored;    /* not written: a later mount of a root an earlier entry holds, a mount
			  * named through another (contained), or a record held (below) */
	bool unanswered; /* with ignored: its look did not answer; the record at its path stays */
	bool covered;    /* with ignored: a later mount hides it; the record at its path stays */
	bool contained;  /* with ignored: a bind mount of a directory under a root that anchors,
			  * or a btrfs subvolume's mount made after a mount of a subvolume holding
			  * it: the walk climbs past its root to that one's */
	bool subvolume;  /* a btrfs subvolume's root, not the top-level's */
	bool unnamed;    /* its record names nothing (the walk fails closed at its root): a
			  * filesystem whose detached mount's name is not known (lg_mount_kept) */
	bool too_deep;   /* with ignored: its point is deeper than a record holds
			  * (LG_MOUNT_DEPTH_MAX), the first mount of its root that no shallower
			  * mount records: its record names nothing (LG_MOUNT_DEPTH_UNNAMED) */
	char *root;      /* mountinfo's root of the mount ("/", "/@home") */
	unsigned dev_major, dev_minor; /* mountinfo's device: the filesystem's */
	size_t kept;     /* with ignored or contained: the index of the entry that names it */
	char *named_as;  /* with ignored or contained: the path the kernel's walk gives its root */
	char path[4096]; /* mount point, "" for "/" */
	char fstype[64]; /* as mountinfo says ("proc", "cgroup2", ...) */
};

/*
 * The mounts that anchor paths (see bpf_lsm/path.bpf.h): every filesystem root and btrfs
 * subvolume root, mounted. Bind mounts of directories anchor nothing: an object reached through
 * one is matched at its path in the filesystem (they are returned, contained, for the names).
 *
 * A root has one record, the first mount of it in mountinfo's order (the order in which the
 * mounts were attached; a move keeps a mount's place): a later mount of the same root (`mount
 * --bind / /srv/x`, the same device mounted twice) is returned with ignored set and never
 * replaces it. A btrfs subvolume reached through an earlier mount of a subvolume holding it (the
 * top-level's at /mnt/pool holds @home) is named through that one, whatever mounts of the
 * subvolume itself come later (attack run 21). So the record stays what it was for as long as
 * that mount exists, covered by another or not. Returns the count of entries (the ignored ones
 * included) or -errno; lg_mount_entries_free frees them.
 */
int lg_read_mounts(const char *mountinfo, struct lg_mount_entry **out);
/*
 * The same, with held(ctx, path, cover) saying whether the kernel's table still has the record
 * of a covered mount at path: a record of that name under another key than cover's, the root of
 * the mount that covers it, whose record has the same name (review 41). Without held, a covered
 * mount of a whole filesystem is taken to.
 */
typedef bool lg_record_held_fn(void *ctx, const char *path, const struct lg_inode_key *cover);
/*
 * And with kept(ctx, &list): the records whose names are kept (bpf_lsm/mounts.bpf.c: the mount
 * was detached because its point's name went away, d_invalidate, not unmounted), asked for
 * after mountinfo is read (the kernel marks a root before the detach shows there, so a mark
 * is never missed by a reading that shows the detach). While the root is still mounted
 * elsewhere and not at path any more, the table reads as if it were still mounted at path
 * first: its record, and the names of its other mounts, stay. Each item's used is set when the
 * root is still mounted somewhere (an item without it is spent). The list stays the callback's.
 */
struct lg_mount_kept {
	struct lg_inode_key key;
	char path[4096]; /* the record's point, "" for "/" */
	bool unnamed;    /* no point known (never read, or too long for the record to keep): the
			  * filesystem's mounts get records that name nothing while it lasts */
	__u64 change;    /* the mark's LG_EPOCH_MOUNT_CHANGES */
	bool used;
};
typedef long lg_kept_fn(void *ctx, struct lg_mount_kept **list);
int lg_read_mounts_held(const char *mountinfo, struct lg_mount_entry **out,
			lg_record_held_fn *held, lg_kept_fn *kept, void *ctx);
void lg_mount_entries_free(struct lg_mount_entry *entries, int count);

/*
 * The host's paths against the kernel's names: for each visible mount, its point and the path
 * the kernel's walk names its root by (the same, for a record; the first mount's for a second
 * mount of a root; the holder's path and the rest for a bind of a directory or a subvolume's
 * later mount).
 */
struct lg_mount_name {
	char *point;    /* "" for "/" */
	char *named_as; /* "" for "/" */
};
/*
 * A mount named at its own point with no record above it: a bind of a directory that keeps a
 * record of its own (its filesystem's root is mounted nowhere visible), or a mount too deep for
 * a record. Files beneath two such mounts of one filesystem, one's root inside the other's, are
 * named by either, whichever mount they are reached through (attack runs 23's 2303, 24's 2401).
 */
struct lg_mount_bind {
	char *point; /* "" for "/" */
	char *root;  /* mountinfo's root of the mount: a directory of its filesystem ("" for its
		      * root: a mount too deep for a record, named at its own point too) */
	unsigned dev_major, dev_minor;
};
struct lg_mount_names {
	struct lg_mount_name *names;
	size_t count;
	struct lg_mount_bind *binds; /* lg_mount_names_of: none when names are made by hand */
	size_t bind_count;
	/* The names lg_mount_canonical looks at, in order: those the kernel names otherwise, and
	 * those at or under one of them (which may be deeper at a path). A host with few binds
	 * and subvolumes has few, whatever its mounts: 10,000 rules cost a scan of those. */
	size_t *relevant;
	size_t relevant_count;
};
int lg_mount_names_read(const char *mountinfo, struct lg_mount_names *out);
/* The same from entries lg_read_mounts returned. */
int lg_mount_names_of(const struct lg_mount_entry *entries, int count,
		      struct lg_mount_names *out);
/* names->relevant made from names->names (lg_mount_names_of does it); 0 or -ENOMEM. */
int lg_mount_names_index(struct lg_mount_names *names);
void lg_mount_names_free(struct lg_mount_names *names);
/*
 * The path the kernel's walk names what the host's absolute path leads to (through the deepest
 * mount at or above it; symbolic links are not followed): 1 with it in out when it differs, 0
 * when it is path itself, -ENAMETOOLONG.
 */
int lg_mount_canonical(const struct lg_mount_names *names, const char *path, char *out,
		       size_t size);
/*
 * The kernel's names of what path leads to, one per index (lg_policy_set.path_alias): index 0
 * its own name when it differs (lg_mount_canonical). 1 with the name in out ("" for "/"), 0 past
 * the last, -ENAMETOOLONG for one that does not fit, -ELOOP for one that is "/" or a directory
 * above path (out set): carried there, a rule would reach past what it names. Mounts beneath a
 * directory rule are not its names: they show other files, named at their own paths (vm-test
 * 94, a bind of an allowed directory over part of a denied one). Then, where the name lies
 * under a bind with a record of its own (lg_mount_bind), the names of the same files under the
 * other such binds of its filesystem: for a directory rule (subtree), a bind whose root lies
 * beneath the rule's directory too, whole.
 */
int lg_mount_aliases(const struct lg_mount_names *names, const char *path, bool subtree,
		     unsigned index, char *out, size_t size);

/* The value of a mount entry for both banks' seeds. */
void lg_mount_value_for(const struct lg_mount_entry *entry, const __u64 seeds[2],
			struct lg_mount_value *value);
/* Kernel device number (sb->s_dev) of a user-space dev_t. */
__u32 lg_kernel_dev(unsigned long long dev);

/*
 * The address of a kernel data symbol in kallsyms (a /proc/kallsyms file), for a BPF program to
 * read a variable the kernel's BTF has no record of. 0 when it is not there or hidden
 * (kernel.kptr_restrict shows zeros); -errno when the file cannot be read.
 */
int lg_kallsyms_address(const char *kallsyms, const char *name, unsigned long long *addr);

/* The addresses of count symbols (at most LG_KALLSYMS_MAX) in one reading of kallsyms, as
 * lg_kallsyms_address finds each: the kernel's own (a module's symbols are not looked at); a
 * name the kernel lists twice (two static variables of one name) gives 0. -E2BIG for too many
 * names. */
#define LG_KALLSYMS_MAX 16
int lg_kallsyms_addresses(const char *kallsyms, const char *const *names,
			  unsigned long long *addrs, int count);

/* The kernel variables lsmguard's programs read where the kernel keeps them (bpf_state.c),
 * found in kallsyms at the load: lg_kernel_variable_names[LG_KV_...]. */
enum lg_kernel_variable {
	LG_KV_MMAP_MIN_ADDR,
	LG_KV_KEY_MAXKEYS,
	LG_KV_KEY_MAXBYTES,
	LG_KV_PTY_COUNT,
	LG_KV_PTY_LIMIT,
	LG_KV_PTY_RESERVE,
	LG_KV_AIO_NR,
	LG_KV_AIO_MAX_NR,
	LG_KV_KEY_USER_TREE,
	LG_KV_NR_THREADS,
	LG_KV_MAX_THREADS,
	LG_KV_NR_FILES,
	LG_KV_FILES_STAT,
	LG_KV_COUNT
};
extern const char *const lg_kernel_variable_names[LG_KV_COUNT];

/* The host budgets (docs/policy.md) that need a kernel variable of their own: without its
 * address a budget is off (the key chown budget refuses instead: it cannot count). */
enum lg_kallsyms_budget {
	LG_BUDGET_PTYS,
	LG_BUDGET_AIO,
	LG_BUDGET_TASKS,
	LG_BUDGET_FILES,
	LG_BUDGET_KEY_CHOWN,
	LG_BUDGET_KALLSYMS_COUNT
};
extern const char *const lg_kallsyms_budget_names[LG_BUDGET_KALLSYMS_COUNT];
/* The budgets the addresses at (indexed by enum lg_kernel_variable, 0 unknown) leave off: a bit
 * (1 << LG_BUDGET_...) each. */
unsigned lg_host_budgets_off(const unsigned long long *at);

/*
 * Why a kernel refuses lsmguard's BPF-LSM programs (`lsmguard run`'s load failing), from what
 * can be read of it, in the order a fix has to come: the capabilities, BTF, the kernel's BPF
 * LSM itself (a kernel without it cannot list it), the active LSM list, what two probe
 * programs show (a minimal LSM program
 * against a minimal socket filter: refused before verification, something beneath the
 * kernel's own checks refuses them), the hooks lsmguard attaches to, then lockdown.
 */
struct lg_lsm_facts {
	bool capable;      /* CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON, in the effective set */
	bool btf;          /* /sys/kernel/btf/vmlinux */
	int bpf_listed;    /* 1: "bpf" in /sys/kernel/security/lsm, 0: not, -1: unreadable */
	char lsm[256];     /* that list */
	bool bpf_lsm;      /* the kernel's BTF has bpf_lsm_file_open (CONFIG_BPF_LSM) */
	char missing_hook[64]; /* an LSM hook lsmguard attaches to that this kernel lacks */
	int lockdown;      /* 0 none, 1 integrity, 2 confidentiality, -1 unknown */
	int probe_lsm;     /* a minimal LSM program: 0 loaded, -errno */
	int probe_filter;  /* a minimal socket filter: 0 loaded, -errno */
};

/* The reason and its fix, one sentence or two, into out. */
void lg_lsm_refusal(const struct lg_lsm_facts *facts, char *out, size_t size);

/* The number a /proc/sys file holds; fallback when it cannot be read. */
unsigned long long lg_sysctl_number(const char *path, unsigned long long fallback);

/* Where cgroup2 is mounted ("/sys/fs/cgroup"), or NULL. */
const char *lg_cgroup2_root(void);
/* The cgroup id of a cgroup v2 path relative to the hierarchy root; -errno on error. */
int lg_cgroup_id(const char *cgroup, __u64 *id);
/*
 * The path of the cgroup with this id, relative to the hierarchy root as policies name it
 * ("/system.slice/nginx.service"); -ESTALE once the cgroup is removed, -errno on error.
 */
int lg_cgroup_path_of(__u64 id, char *buf, size_t size);
/* Create a cgroup and its parents (mkdir -p). */
int lg_cgroup_create(const char *cgroup);
/* Move a process into a cgroup. */
int lg_cgroup_enter(const char *cgroup, int pid);

#endif
