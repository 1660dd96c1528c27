// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known answers for the hashes the kernel and user space share. The tables between the BEGIN
 * and END lines were printed by tests/unit/hash_reference.py, an independent implementation
 * written from the algorithm's description (regenerate with `python3
 * tests/unit/hash_reference.py`, compare with `--check tests/unit/test_hash.c`). They are
 * literal: a change to the hash changes these numbers, and so the kernel's keys.
 */
#include <stdlib.h>

#include "harness.h"
#include "helpers.h"

struct path_vector {
	__u64 seed;
	const char *path;
	__u64 hash;
};

struct prefix_vector {
	__u64 seed;
	const char *path;
	unsigned depth;
	__u64 hashes[8]; /* [i]: the first i components */
};

/* clang-format off */
/* BEGIN hash_reference.py */
static const struct path_vector path_vectors[] = {
	{0x0000000000000000ULL, "/",
	 0xaf63bd49fd1c5dbbULL},
	{0x0000000000000000ULL, "/etc",
	 0xd52031ac1683a276ULL},
	{0x0000000000000000ULL, "/etc/shadow",
	 0xd8e70fba036159c8ULL},
	{0x0000000000000000ULL, "/abcdefg",
	 0xdc660732cb3aca4eULL},
	{0x0000000000000000ULL, "/abcdefgh",
	 0xbd64073619a2f970ULL},
	{0x0000000000000000ULL, "/abcdefghi",
	 0x9e0a4b8dce86a0aaULL},
	{0x0000000000000000ULL, "/abcdefghijklmnop/q",
	 0x4ad648fd6dd1c361ULL},
	{0x0000000000000000ULL, "/usr/lib/x86_64-linux-gnu/libc.so.6",
	 0xf06df83679b81e19ULL},
	{0x0000000000000000ULL, "/tmp/caf\303\251/\377\376\200",
	 0x4cc67714a70f2e69ULL},
	{0x0000000000000000ULL, "/srv/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"
		"hijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234"
		"56789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abc/x",
	 0x50553ed82662d2c0ULL},
	{0x000000000000002aULL, "/",
	 0xaf63a749fd1ca819ULL},
	{0x000000000000002aULL, "/etc",
	 0x502a8fc06814bd8aULL},
	{0x000000000000002aULL, "/etc/shadow",
	 0x231ce335b6183b7bULL},
	{0x000000000000002aULL, "/abcdefg",
	 0x1e8cdd3e8b7a8b22ULL},
	{0x000000000000002aULL, "/abcdefgh",
	 0x22e6dd30b3bb205cULL},
	{0x000000000000002aULL, "/abcdefghi",
	 0x76410f3f05157ceaULL},
	{0x000000000000002aULL, "/abcdefghijklmnop/q",
	 0x85cada7d08c6cbd5ULL},
	{0x000000000000002aULL, "/usr/lib/x86_64-linux-gnu/libc.so.6",
	 0xf4f28b35f7bdfa88ULL},
	{0x000000000000002aULL, "/tmp/caf\303\251/\377\376\200",
	 0xa5c54f1339acf20eULL},
	{0x000000000000002aULL, "/srv/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"
		"hijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234"
		"56789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abc/x",
	 0xb029170a5c75a116ULL},
	{0x0123456789abcdefULL, "/",
	 0x2c8363b1657bdcbeULL},
	{0x0123456789abcdefULL, "/etc",
	 0xf6e3ef838464e446ULL},
	{0x0123456789abcdefULL, "/etc/shadow",
	 0x92108b2924a1b738ULL},
	{0x0123456789abcdefULL, "/abcdefg",
	 0x7812ee91a1bba308ULL},
	{0x0123456789abcdefULL, "/abcdefgh",
	 0xb4e4ee945c4d6a14ULL},
	{0x0123456789abcdefULL, "/abcdefghi",
	 0xbc30e3af19df7e30ULL},
	{0x0123456789abcdefULL, "/abcdefghijklmnop/q",
	 0x919ea33a1a6c3cdeULL},
	{0x0123456789abcdefULL, "/usr/lib/x86_64-linux-gnu/libc.so.6",
	 0xe8311ef284b1b7eeULL},
	{0x0123456789abcdefULL, "/tmp/caf\303\251/\377\376\200",
	 0xc15077787d8aeaf1ULL},
	{0x0123456789abcdefULL, "/srv/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"
		"hijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234"
		"56789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abc/x",
	 0xf66179e14e003387ULL},
	{0xffffffffffffffffULL, "/",
	 0x509c41b1fd1c4bf5ULL},
	{0xffffffffffffffffULL, "/etc",
	 0x19db453dbbf35472ULL},
	{0xffffffffffffffffULL, "/etc/shadow",
	 0xf06aa0909510334aULL},
	{0xffffffffffffffffULL, "/abcdefg",
	 0xdc55f173cbfd49ccULL},
	{0xffffffffffffffffULL, "/abcdefgh",
	 0xd703f172921690c4ULL},
	{0xffffffffffffffffULL, "/abcdefghi",
	 0x662cf181febb0152ULL},
	{0xffffffffffffffffULL, "/abcdefghijklmnop/q",
	 0xa5eaa5846586f302ULL},
	{0xffffffffffffffffULL, "/usr/lib/x86_64-linux-gnu/libc.so.6",
	 0x7e9ef718275023cfULL},
	{0xffffffffffffffffULL, "/tmp/caf\303\251/\377\376\200",
	 0x9d749a8fd6aad17cULL},
	{0xffffffffffffffffULL, "/srv/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"
		"hijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234"
		"56789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abc/x",
	 0xbd0b859df9b9c1c3ULL},
};
static const struct prefix_vector prefix_vectors[] = {
	{0x000000000000002aULL, "/var/lib/postgresql/15/main/base", 6, {
		0xaf63a749fd1ca819ULL,
		0x41159cc0c70ccca2ULL,
		0x7624a2cac80bf155ULL,
		0x39380240fd4eb40aULL,
		0x48796c6a7f2c4786ULL,
		0x3ef8e91c66ffcceeULL,
		0x7886cf808e4880d1ULL,
	}},
	{0x000000000000002aULL, "/srv/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"
		"hijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234"
		"56789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abc/x", 3, {
		0xaf63a749fd1ca819ULL,
		0x3d2899c321b0a08dULL,
		0x9b3c10a4ada338a7ULL,
		0xb029170a5c75a116ULL,
	}},
	{0xffffffffffffffffULL, "/var/lib/postgresql/15/main/base", 6, {
		0x509c41b1fd1c4bf5ULL,
		0x28e6523cc98bd55cULL,
		0x683c63f5f248c397ULL,
		0x7b869741d9e1d84aULL,
		0xc2ae73c24dd38047ULL,
		0xc85bb5792d61c7b7ULL,
		0x9e859bd7abb0a584ULL,
	}},
	{0xffffffffffffffffULL, "/srv/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"
		"hijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234"
		"56789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
		"tuvwxyz0123456789abc/x", 3, {
		0x509c41b1fd1c4bf5ULL,
		0x24d9573ca11d8fc3ULL,
		0xbbc44a7ffb0812d8ULL,
		0xbd0b859df9b9c1c3ULL,
	}},
};
static const struct path_vector cgroup_vectors[] = {
	{0x0000000000000000ULL, "", 0xaf63bd49fd1c5dbbULL},
	{0x0000000000000000ULL, "/", 0x22d838b91733027cULL},
	{0x0000000000000000ULL, "/system.slice/nginx.service", 0x0a1bead654199827ULL},
	{0x0000000000000000ULL, "/t.slice/caf\303\251\377.service", 0xda4946ac89a886e7ULL},
	{0x000000000000002aULL, "", 0xaf63a749fd1ca819ULL},
	{0x000000000000002aULL, "/", 0x22fd78b917b1d3c2ULL},
	{0x000000000000002aULL, "/system.slice/nginx.service", 0x4695d0859c59eb4dULL},
	{0x000000000000002aULL, "/t.slice/caf\303\251\377.service", 0x8ad23ae00b736fa9ULL},
	{0x0123456789abcdefULL, "", 0x2c8363b1657bdcbeULL},
	{0x0123456789abcdefULL, "/", 0x1f1ef76f7177ca63ULL},
	{0x0123456789abcdefULL, "/system.slice/nginx.service", 0xcf96785a4055f078ULL},
	{0x0123456789abcdefULL, "/t.slice/caf\303\251\377.service", 0xd064cbf549f2e594ULL},
	{0xffffffffffffffffULL, "", 0x509c41b1fd1c4bf5ULL},
	{0xffffffffffffffffULL, "/", 0x15cf7b711714e36eULL},
	{0xffffffffffffffffULL, "/system.slice/nginx.service", 0x7242442ad26ea2a9ULL},
	{0xffffffffffffffffULL, "/t.slice/caf\303\251\377.service", 0x4b52d254f7bb403dULL},
};
/* END hash_reference.py */
/* clang-format on */

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

TEST(hash_path_known_answers)
{
	for (size_t i = 0; i < COUNT(path_vectors); i++) {
		const struct path_vector *v = &path_vectors[i];
		__u64 got = lg_path_hash(v->seed, v->path);

		if (got != v->hash)
			FAIL_AT("lg_path_hash(%#llx, \"%s\") is %#llx, expected %#llx",
				(unsigned long long)v->seed, v->path, (unsigned long long)got,
				(unsigned long long)v->hash);
	}
	CHECK_INT(COUNT(path_vectors), 40);
}

TEST(hash_prefix_known_answers)
{
	for (size_t i = 0; i < COUNT(prefix_vectors); i++) {
		const struct prefix_vector *v = &prefix_vectors[i];
		__u64 out[LG_PATH_DEPTH_MAX + 1];
		struct lg_path_walk walk;

		CHECK_INT(lg_path_prefix_hashes(v->seed, v->path, out, LG_PATH_DEPTH_MAX),
			  v->depth);
		for (unsigned d = 0; d <= v->depth; d++)
			if (out[d] != v->hashes[d])
				FAIL_AT("prefix %u of \"%s\" (seed %#llx) is %#llx, expected %#llx",
					d, v->path, (unsigned long long)v->seed,
					(unsigned long long)out[d],
					(unsigned long long)v->hashes[d]);
		/* The walk gives the same prefixes one at a time, and knows the last one. */
		lg_path_walk_start(&walk, v->seed, v->path);
		CHECK(walk.hash == v->hashes[0]);
		while (lg_path_walk_next(&walk)) {
			CHECK(walk.depth <= v->depth && walk.hash == v->hashes[walk.depth]);
			CHECK_INT(walk.last, walk.depth == v->depth);
		}
		CHECK_INT(walk.depth, v->depth);
		CHECK(lg_path_hash(v->seed, v->path) == v->hashes[v->depth]);
	}
}

TEST(hash_prefix_walk_stops_at_the_depth_limit)
{
	const struct prefix_vector *v = &prefix_vectors[0]; /* six components */
	__u64 out[8] = {0, 0, 0, 0x5eed, 0x5eed, 0x5eed, 0x5eed, 0x5eed};

	CHECK_INT(v->depth, 6);
	CHECK_INT(lg_path_prefix_hashes(v->seed, v->path, out, 2), 2);
	CHECK(out[0] == v->hashes[0] && out[1] == v->hashes[1] && out[2] == v->hashes[2]);
	CHECK(out[3] == 0x5eed); /* nothing written past max_depth */
	CHECK_INT(lg_path_prefix_hashes(v->seed, v->path, out, 0), 0);
	CHECK(out[0] == v->hashes[0]);
	/* A trailing slash ends the path; the root is the state before any component. */
	CHECK(lg_path_hash(42, "/etc/") == lg_path_hash(42, "/etc"));
	CHECK(lg_path_hash(42, "") == path_vectors[10].hash);
	CHECK_STR(path_vectors[10].path, "/");
	CHECK_INT(path_vectors[10].seed, 42);
}

TEST(hash_cgroup_known_answers)
{
	for (size_t i = 0; i < COUNT(cgroup_vectors); i++) {
		const struct path_vector *v = &cgroup_vectors[i];
		__u64 got = lg_cgroup_path_hash(v->seed, v->path);

		if (got != v->hash)
			FAIL_AT("lg_cgroup_path_hash(%#llx, \"%s\") is %#llx, expected %#llx",
				(unsigned long long)v->seed, v->path, (unsigned long long)got,
				(unsigned long long)v->hash);
	}
	CHECK_INT(COUNT(cgroup_vectors), 16);
}

/* The compiler keys rules with the same hash: the known answer is in the map record. */
TEST(hash_compiled_key_is_the_known_answer)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /etc/shadow\n", &set);

	CHECK_STR(path_vectors[12].path, "/etc/shadow");
	CHECK_INT(path_vectors[12].seed, 42);
	CHECK_INT(c->seed, 42);
	CHECK_INT(c->path_count, 1);
	CHECK(c->paths[0].key.hash == path_vectors[12].hash);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}
