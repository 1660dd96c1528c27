// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <stdlib.h>

#include "harness.h"
#include "helpers.h"

int parse_text(const char *text, struct lg_policy **out, struct lg_diag *diag)
{
	return lg_policy_parse_buffer("t.ini", text, strlen(text), 0, out, diag);
}

const char *diag_line(const struct lg_diag *diag, size_t i)
{
	static char buf[8][1024];
	static int next;
	char *line = buf[next++ % 8];

	if (i >= diag->count)
		return "";
	return lg_diag_format(&diag->msgs[i], line, 1024);
}

struct lg_compiled *compile_text(const char *text, struct lg_policy_set *set)
{
	struct lg_diag diag = {0};
	struct lg_policy *policy;
	struct lg_compiled *compiled;

	memset(set, 0, sizeof(*set));
	if (parse_text(text, &policy, &diag)) {
		for (size_t i = 0; i < diag.count; i++)
			fprintf(stderr, "    %s\n", diag_line(&diag, i));
		FAIL_AT("policy did not parse");
		exit(1);
	}
	set->policies = malloc(sizeof(*set->policies));
	set->policies[0] = policy;
	set->count = 1;
	if (lg_policy_set_validate(set, &diag) || lg_compile(set, 42, 0, &compiled, &diag)) {
		for (size_t i = 0; i < diag.count; i++)
			fprintf(stderr, "    %s\n", diag_line(&diag, i));
		FAIL_AT("policy did not compile");
		exit(1);
	}
	lg_diag_free(&diag);
	return compiled;
}

bool path_denied(const struct lg_compiled *c, enum lg_decision d, const char *path, __u32 *rule)
{
	struct lg_verdict v;

	if (lg_eval_path(c, 1, d, path, &v)) {
		FAIL_AT("lg_eval_path(%s) failed", path);
		return false;
	}
	if (rule)
		*rule = v.rule;
	return v.deny;
}

static bool net_or_listen_denied(const struct lg_compiled *c, const char *addr, __u8 proto,
				 __u16 port, __u32 *rule, bool listen)
{
	__u8 bytes[16] = {0};
	__u8 family = 4;
	struct lg_verdict v;

	if (inet_pton(AF_INET, addr, bytes) != 1) {
		family = 6;
		if (inet_pton(AF_INET6, addr, bytes) != 1) {
			FAIL_AT("bad test address %s", addr);
			return false;
		}
	}
	if ((listen ? lg_eval_listen : lg_eval_net)(c, 1, family, bytes, proto, port, &v)) {
		FAIL_AT("lg_eval_net(%s) failed", addr);
		return false;
	}
	if (rule)
		*rule = v.rule;
	return v.deny;
}

bool net_denied(const struct lg_compiled *c, const char *addr, __u8 proto, __u16 port, __u32 *rule)
{
	return net_or_listen_denied(c, addr, proto, port, rule, false);
}

bool listen_denied(const struct lg_compiled *c, const char *addr, __u8 proto, __u16 port,
		   __u32 *rule)
{
	return net_or_listen_denied(c, addr, proto, port, rule, true);
}

unsigned rule_line(const struct lg_compiled *c, __u32 rule)
{
	const struct lg_rule_source *src = lg_rule_source(c, rule);

	return src ? src->line : 0;
}
