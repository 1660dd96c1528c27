// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compiler's contract with its callers: it compiles sets that set.c validated, and a bank's
 * kept path seed is redrawn when two paths collide under it.
 */
#include <stdlib.h>

#include "harness.h"
#include "helpers.h"

TEST(compile_refuses_a_set_that_was_not_validated)
{
	struct lg_policy_set set = {0};
	struct lg_diag diag = {0};
	struct lg_compiled *c = (struct lg_compiled *)&set; /* must be reset to NULL */
	struct lg_policy *p[2];

	CHECK_INT(parse_text(HEADER "[files]\ndeny = /x\n", &p[0], &diag), 0);
	CHECK_INT(parse_text(HEADER "[files]\ndeny = /y\n", &p[1], &diag), 0);
	set.policies = p;
	set.count = 1;
	CHECK_INT(lg_compile(&set, 1, 0, &c, &diag), -EINVAL);
	CHECK(c == NULL);
	CHECK_STR(diag_line(&diag, 0),
		  "error: internal error: the policy set was not validated before compiling");
	CHECK_INT(lg_policy_set_validate(&set, &diag), 0);
	CHECK_INT(lg_compile(&set, 1, 0, &c, &diag), 0);
	lg_compiled_free(c);
	/* Two policies with one name: validation fails and leaves the set unvalidated. */
	set.count = 2;
	CHECK_INT(lg_policy_set_validate(&set, &diag), -EINVAL);
	CHECK(!set.validated);
	c = NULL;
	CHECK_INT(lg_compile(&set, 1, 0, &c, &diag), -EINVAL);
	CHECK(c == NULL);
	CHECK_STR(diag_line(&diag, diag.count - 1),
		  "error: internal error: the policy set was not validated before compiling");
	lg_policy_free(p[0]);
	lg_policy_free(p[1]);
	lg_diag_free(&diag);
}
