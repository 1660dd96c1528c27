/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_COMMANDS_H
#define LSMGUARD_COMMANDS_H

#include "policy.h"


int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);

/* Print every message of diag to stderr, gcc style. */
void print_diagnostics(const struct lg_diag *diag);
/* Load and compile a set; prints diagnostics; on failure says "nothing was loaded". */
int load_and_compile(const char *const *paths, size_t count, unsigned flags,
		     struct lg_policy_set *set, struct lg_compiled **compiled, __u64 seed);

#endif
