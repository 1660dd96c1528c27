// SPDX-License-Identifier: GPL-2.0-only
/* The texts events carry (enforcer/events.c). */
#include <string.h>

#include "events.h"
#include "harness.h"
#include "lsmguard_abi.h"

/* Every built-in verdict has a reason, and each ends inside its slot: a reason of exactly
 * LG_BUILTIN_REASON_MAX characters compiles (C drops the terminator) and would run into the
 * next one in every event. Past the last: "". */
TEST(events_every_builtin_reason_is_whole)
{
	for (unsigned b = 1; b < LG_BUILTIN_COUNT; b++) {
		const char *reason = lg_builtin_reason(b);

		if (!memchr(reason, '\0', LG_BUILTIN_REASON_MAX))
			FAIL_AT("built-in %u: its reason has no terminator in its slot", b);
		else if (!reason[0])
			FAIL_AT("built-in %u: no reason", b);
	}
	CHECK(lg_builtin_reason(0)[0] == '\0');
	CHECK(lg_builtin_reason(LG_BUILTIN_COUNT)[0] == '\0');
}
