/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy sets the daemon loaded, and the one way from a policy id (in events, counters and
 * maps) to its policy. The id arithmetic of the two banks is policy.h's (lg_bank_first_id...).
 */
#ifndef LSMGUARD_LOADED_H
#define LSMGUARD_LOADED_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* The policy of id in set as compiled into c, or NULL when c holds no such id. */
const struct lg_policy *lg_set_policy(const struct lg_policy_set *set, const struct lg_compiled *c,
				      __u32 id);

/* A compiled set kept to resolve the policy and rule ids of its events and counters. */
struct lg_loaded_set {
	struct lg_policy_set set;
	struct lg_compiled *compiled; /* NULL: nothing loaded in this bank */
	__u64 alias_digest; /* host_alias_digest of the mounts it was compiled against */
};

/* Both banks: events of the previous set may still arrive after a reload. */
struct lg_loaded {
	struct lg_loaded_set bank[2];
};

/*
 * The policy of id among the sets this daemon loaded, and the compiled set that resolves its
 * rule ids; NULL when none has that id (a set loaded before this daemon adopted the pins).
 */
const struct lg_policy *lg_loaded_policy(const struct lg_loaded *loaded, __u32 id,
					 const struct lg_compiled **compiled);
/* Whether p is lsmguard's built-in canary policy (not one of the administrator's). */
bool lg_policy_is_canary(const struct lg_policy *p);
/*
 * The administrator's policies of s (the canary left out), one per call: the first from *index
 * on, with its id; *index is left at it. NULL at the end. Use lg_loaded_for_each.
 */
const struct lg_policy *lg_loaded_next(const struct lg_loaded_set *s, size_t *index, __u32 *id);
#define lg_loaded_for_each(s, index, policy, id)                                                  \
	for ((index) = 0; ((policy) = lg_loaded_next((s), &(index), &(id))); (index)++)
/* The administrator's policies in s (the canary left out). */
size_t lg_loaded_count(const struct lg_loaded_set *s);
void lg_loaded_set_free(struct lg_loaded_set *s);

#endif
