/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the unit tests: parse and compile policies held in strings. */
#ifndef LSMGUARD_TEST_HELPERS_H
#define LSMGUARD_TEST_HELPERS_H

#include "policy.h"

#define HEADER "[policy]\nname = t\ncgroup = /t.slice/t.service\nmode = enforce\n"

/* Parse text as file "t.ini"; diagnostics land in *diag (caller frees). */
int parse_text(const char *text, struct lg_policy **out, struct lg_diag *diag);
/* The formatted message number i of diag ("" when absent). */
const char *diag_line(const struct lg_diag *diag, size_t i);
/* Parse and compile one policy (seed 42); aborts the case on failure. */
struct lg_compiled *compile_text(const char *text, struct lg_policy_set *set);
/* Verdict helpers over policy 1: returns the deny flag; *rule receives the rule id. */
bool path_denied(const struct lg_compiled *c, enum lg_decision d, const char *path, __u32 *rule);
bool net_denied(const struct lg_compiled *c, const char *addr, __u8 proto, __u16 port,
		__u32 *rule);
/* The same for a bind or listen at a local address (the listen rules). */
bool listen_denied(const struct lg_compiled *c, const char *addr, __u8 proto, __u16 port,
		   __u32 *rule);
/* Line of a rule id. */
unsigned rule_line(const struct lg_compiled *c, __u32 rule);

#endif
