/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_CANARY_H
#define LSMGUARD_CANARY_H

#include "policy.h"

#define LG_CANARY_NAME LG_RESERVED_PREFIX "canary"
#define LG_CANARY_CGROUP "/lsmguard.canary"

/* Append the built-in canary policy to a loaded set, and check the set again. */
int lg_canary_add(struct lg_policy_set *set, struct lg_diag *diag);
/* Prove that the canary policy is enforced; 0, or -errno with the reason in err. */
int lg_canary_run(char *err, size_t errsize);

#endif
