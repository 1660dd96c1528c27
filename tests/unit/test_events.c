// SPDX-License-Identifier: GPL-2.0-only
/* The texts events carry (enforcer/events.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "harness.h"
#include "loaded.h"
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

/* The JSON line of a denied open whose walk failed closed with flags. */
static char *fail_closed_line(__u8 flags)
{
	static const struct lg_loaded none;
	struct lg_event ev = {
		.version = LG_ABI_VERSION,
		.hook = LG_HOOK_FILE_OPEN,
		.decision = LG_DECISION_FILE_READ,
		.flags = LG_EVENT_DENIED | flags,
		.pid = 7,
		.tgid = 7,
	};
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	memcpy(ev.object.path, "/srv/x", 7);
	lg_event_print(out, &ev, &none);
	fclose(out);
	return text;
}

/* A walk with no scratch is not a deep path nor a disconnected name: its event says so, and
 * carries neither of their fields (both flags set is how the kernel tells it). */
TEST(events_fail_closed_walks_say_why)
{
	char *busy = fail_closed_line(LG_EVENT_NO_SCRATCH);
	char *deep = fail_closed_line(LG_EVENT_WALK_LIMIT);
	char *handle = fail_closed_line(LG_EVENT_DISCONNECTED);

	CHECK(strstr(busy, "\"source\":\"fail-closed: no room to walk the path (the task's scratch"));
	CHECK(strstr(busy, "\"no_scratch\":true"));
	CHECK(!strstr(busy, "walk_limit") && !strstr(busy, "disconnected") && !strstr(busy, "deeper"));
	CHECK(strstr(deep, "\"source\":\"fail-closed: deeper than 32 path components\""));
	CHECK(strstr(deep, "\"walk_limit\":true") && !strstr(deep, "no_scratch"));
	CHECK(strstr(handle, "\"source\":\"fail-closed: a disconnected name"));
	CHECK(strstr(handle, "\"disconnected\":true") && !strstr(handle, "walk_limit"));
	free(busy);
	free(deep);
	free(handle);
}
