/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_COMMANDS_H
#define LSMGUARD_COMMANDS_H

#include "policy.h"

/* Where lsmguard run, exec, explain and learn find the policies unless told (--policy-dir). */
#define LG_POLICY_DIR "/etc/lsmguard/policy.d"

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_unload(int argc, char **argv);

/* 0 when the running kernel can enforce; else a message that says what is missing. */
int lg_kernel_check(char *err, size_t errsize);

/* "lsmguard: CMD: unknown option 'X'" or the like, then the usage line; returns 2. */
int usage_error(const char *problem, const char *arg, const char *usage);

/* Print every message of diag to stderr, gcc style. */
void print_diagnostics(const struct lg_diag *diag);
/* Flag of load_and_compile: add the built-in canary policy (lsmguard run). */
#define LG_LOAD_WITH_CANARY 0x100
/* Flag of load_and_compile: seed is the bank's kept seed (0: none yet); a path hash collision
 * under it draws another (lsmguard run). */
#define LG_LOAD_REDRAW_SEED 0x200

/* Load and compile a set; prints diagnostics; on failure says "nothing was loaded". */
int load_and_compile(const char *const *paths, size_t count, unsigned flags,
		     struct lg_policy_set *set, struct lg_compiled **compiled, __u64 seed,
		     unsigned bank);
/* The same for the one directory open at dirfd (named dir in messages): see lg_policy_set_load_at. */
int load_and_compile_at(int dirfd, const char *dir, unsigned flags, struct lg_policy_set *set,
			struct lg_compiled **compiled, __u64 seed, unsigned bank);

#endif
