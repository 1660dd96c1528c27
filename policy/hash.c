// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path and cgroup hashes in user space, computed exactly as bpf_lsm/path.bpf.h and
 * bpf_lsm/cgroup.bpf.c compute them (tests/unit/hash_reference.py is an independent copy of
 * the algorithm, and tests/unit/test_hash.c holds its answers).
 */
#include <string.h>

#include "hash.h"

__u64 lg_hash_name(__u64 h, const char *name, size_t len)
{
	h = lg_hash_component_start(h, (__u32)len);
	for (size_t i = 0; i < len; i += 8) {
		__u64 word = 0;

		/* Little-endian, as the kernel reads them; the last word zero-padded. */
		memcpy(&word, name + i, len - i < 8 ? len - i : 8);
		h = lg_hash_mix(h, word);
	}
	return h;
}

void lg_path_walk_start(struct lg_path_walk *walk, __u64 seed, const char *path)
{
	while (*path == '/')
		path++;
	memset(walk, 0, sizeof(*walk));
	walk->hash = lg_hash_init(seed);
	walk->name = path;
	walk->last = !*path;
	walk->rest = path;
}

bool lg_path_walk_next(struct lg_path_walk *walk)
{
	const char *end;

	if (!*walk->rest)
		return false;
	end = strchrnul(walk->rest, '/');
	walk->name = walk->rest;
	walk->len = (size_t)(end - walk->rest);
	walk->hash = lg_hash_name(walk->hash, walk->name, walk->len);
	walk->depth++;
	walk->rest = *end ? end + 1 : end;
	walk->last = !*walk->rest;
	return true;
}

__u64 lg_path_hash(__u64 seed, const char *path)
{
	struct lg_path_walk walk;

	lg_path_walk_start(&walk, seed, path);
	while (lg_path_walk_next(&walk))
		;
	return walk.hash;
}

unsigned lg_path_prefix_hashes(__u64 seed, const char *path, __u64 *out, unsigned max_depth)
{
	struct lg_path_walk walk;

	lg_path_walk_start(&walk, seed, path);
	out[0] = walk.hash;
	while (walk.depth < max_depth && lg_path_walk_next(&walk))
		out[walk.depth] = walk.hash;
	return walk.depth;
}

__u64 lg_hash_bytes(__u64 h, const void *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = lg_hash_byte(h, ((const __u8 *)data)[i]);
	return h;
}

__u64 lg_cgroup_path_hash(__u64 seed, const char *path)
{
	return lg_hash_bytes(lg_hash_init(seed), path, strlen(path));
}
