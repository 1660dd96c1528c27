/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_EVENTS_H
#define LSMGUARD_EVENTS_H

#include <stdio.h>
#include "loaded.h"

void lg_event_print(FILE *out, const struct lg_event *ev, const struct lg_loaded *loaded);
/*
 * A "lost" event: count events of key that were lost between two times (CLOCK_BOOTTIME), in
 * lost_in: "ring_buffer" (deny verdicts the kernel could not queue), "rate_limit" (verdicts
 * held back that no later event could carry: LG_LOST_RATE_LIMIT) or "output" (lines the output
 * did not take; the zero key: lsmguard's own lines).
 */
void lg_lost_print(FILE *out, const struct lg_lost_key *key, __u64 count, __u64 from_ns,
		   __u64 to_ns, const char *lost_in, const struct lg_loaded *loaded);

/* The size of each built-in reason's slot, its terminator included. */
#define LG_BUILTIN_REASON_MAX 600

/* What built-in verdict builtin (enum lg_builtin) refuses, as events say it; "" if none. */
const char *lg_builtin_reason(unsigned builtin);

#endif
