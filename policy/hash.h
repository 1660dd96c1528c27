/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hashes user space shares with the kernel: path hashes (map keys of path rules, prefix
 * hashes of mount points and hard links) and cgroup path hashes. The mixing steps are the inline
 * functions of include/lsmguard_abi.h, which the BPF programs compile too; this is the one place
 * in user space that strings them into hashes of whole paths.
 */
#ifndef LSMGUARD_POLICY_HASH_H
#define LSMGUARD_POLICY_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include "lsmguard_abi.h"

/*
 * The walk over a path's components, as the kernel hashes them: leading slashes are skipped (the
 * root "/" is the initial state), then each component separated by '/' extends the hash; a
 * trailing slash ends the path. After each lg_path_walk_next that returns true, hash is the
 * hash of the prefix that ends with the component name[0..len).
 */
struct lg_path_walk {
	__u64 hash;	  /* the prefix walked so far; the root's before the first component */
	unsigned depth;	  /* components walked */
	const char *name; /* the last component walked (not terminated) */
	size_t len;
	bool last;	  /* name is the path's last component */
	const char *rest; /* where the next component starts */
};

void lg_path_walk_start(struct lg_path_walk *walk, __u64 seed, const char *path);
/* Walk one component; false when the path has no more. */
bool lg_path_walk_next(struct lg_path_walk *walk);

/* Hash of a canonical path as the kernel computes it ("" and "/" both hash as the root). */
__u64 lg_path_hash(__u64 seed, const char *path);
/*
 * The hash of every prefix of path: out[0] is the root's, out[i] that of the first i components,
 * for at most max_depth components (out holds max_depth + 1 values). Returns the number of
 * components hashed.
 */
unsigned lg_path_prefix_hashes(__u64 seed, const char *path, __u64 *out, unsigned max_depth);
/* Extend a path hash by one component of len bytes. */
__u64 lg_hash_name(__u64 h, const char *name, size_t len);
/* Extend a hash by len bytes, one at a time (cgroup paths; the parser's duplicate table). */
__u64 lg_hash_bytes(__u64 h, const void *data, size_t len);
/* Hash of a cgroup path, as the cgroup_mkdir program computes it: byte by byte. */
__u64 lg_cgroup_path_hash(__u64 seed, const char *path);

#endif /* LSMGUARD_POLICY_HASH_H */
