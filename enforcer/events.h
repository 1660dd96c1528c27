/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_EVENTS_H
#define LSMGUARD_EVENTS_H

#include <stdio.h>
#include "loaded.h"

void lg_event_print(FILE *out, const struct lg_event *ev, const struct lg_loaded *loaded);
/* A "lost" event: count deny verdicts of key whose events were lost, between two times. */
void lg_lost_print(FILE *out, const struct lg_lost_key *key, __u64 count, __u64 from_ns,
		   __u64 to_ns, const struct lg_loaded *loaded);

/* What built-in verdict builtin (enum lg_builtin) refuses, as events say it; "" if none. */
const char *lg_builtin_reason(unsigned builtin);

#endif
