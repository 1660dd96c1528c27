/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names of the kernel's hooks, decisions and modes as the command prints them: in events,
 * status, metrics, and as `learn` reads them back. One table each (names.c).
 */
#ifndef LSMGUARD_NAMES_H
#define LSMGUARD_NAMES_H

#include <stdbool.h>

#include "lsmguard_abi.h"

/* "file_open" for LG_HOOK_FILE_OPEN; "unknown" outside the table. */
const char *lg_hook_name(unsigned hook);
/*
 * Whether hook has a name: numbers reserved for hooks another version adds have none, and
 * the loops over every hook (status, metrics) skip them.
 */
bool lg_hook_is_named(unsigned hook);
/* socket_bind or socket_listen: decided by the [network] listen rules, at a local address. */
bool lg_hook_is_listen(unsigned hook);
/* capable, and the capability LSM's own checks (capset, task_prctl, mmap_addr): the object of
 * their [capabilities] verdicts is a capability. */
bool lg_hook_is_capability(unsigned hook);
/* The first named hook after hook (LG_HOOK_COUNT when none): for (h = lg_hook_next(0); ...). */
unsigned lg_hook_next(unsigned hook);
/* The hook of a name lg_hook_name gives; LG_HOOK_NONE when none has it. */
unsigned lg_hook_from_name(const char *name);
/* "read", "write", "exec", "connect"; "unknown" outside the table. */
const char *lg_decision_name(unsigned decision);
/* The decision of a name lg_decision_name gives; LG_DECISION_COUNT when none has it. */
unsigned lg_decision_from_name(const char *name);

/* "enforce" or "audit". */
const char *lg_mode_name(unsigned mode);

#endif
