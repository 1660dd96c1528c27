// SPDX-License-Identifier: GPL-2.0-only
/* The text table of `lsmguard status` (enforcer/table.c): columns sized to their content. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "table.h"

/* A long policy name, a long hook name, a counter of 20 digits and the "no decision yet" row:
 * nothing cut, nothing run together, the numbers aligned to the right. */
TEST(table_columns_are_as_wide_as_their_content)
{
	static const char *const headers[] = {"POLICY", "MODE", "HOOK", "ALLOWED", "DENIED",
					      "CGROUP"};
	static const bool right[] = {false, false, false, true, true, false};
	static const char *const rows[][6] = {
	    {"postgresql-main-cluster", "enforce", "msg_queue_alloc_security", "18446744073709551615",
	     "0", "/system.slice/postgresql@15-main.service"},
	    {"", "", "socket_connect", "12", "3", ""},
	    {"web", "audit", "- (no decision yet)", "0", "0", "/system.slice/nginx.service"},
	};
	static const char expected[] =
	    "POLICY                   MODE     HOOK                                   ALLOWED  DENIED  "
	    "CGROUP\n"
	    "postgresql-main-cluster  enforce  msg_queue_alloc_security  18446744073709551615       0  "
	    "/system.slice/postgresql@15-main.service\n"
	    "                                  socket_connect                              12       3  "
	    "\n"
	    "web                      audit    - (no decision yet)                          0       0  "
	    "/system.slice/nginx.service\n";
	struct lg_table table;
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(lg_table_init(&table, 6, headers, right), 0);
	for (size_t r = 0; r < 3; r++)
		CHECK_INT(lg_table_add(&table, rows[r]), 0);
	lg_table_print(&table, f);
	fclose(f);
	CHECK_STR(out, expected);
	lg_table_free(&table);
	free(out);
	CHECK_INT(lg_table_init(&table, 0, headers, right), -EINVAL);
	CHECK_INT(lg_table_init(&table, LG_TABLE_MAX_COLUMNS + 1, headers, right), -EINVAL);
}
