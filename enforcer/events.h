/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_EVENTS_H
#define LSMGUARD_EVENTS_H

#include <stdio.h>
#include "loaded.h"

void lg_event_print(FILE *out, const struct lg_event *ev, const struct lg_loaded *loaded);

#endif
