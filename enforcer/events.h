/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_EVENTS_H
#define LSMGUARD_EVENTS_H

#include <stdio.h>
#include "policy.h"

/* A compiled set kept to resolve the rule ids of its events. */
struct lg_loaded_set {
	struct lg_policy_set set;
	struct lg_compiled *compiled;
};

/* Both banks: events of the previous set may still arrive after a reload. */
struct lg_loaded {
	struct lg_loaded_set bank[2];
};

void lg_event_print(FILE *out, const struct lg_event *ev, const struct lg_loaded *loaded);
const char *lg_hook_name(unsigned hook);

#endif
