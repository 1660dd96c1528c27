// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target over everything that reads an untrusted policy: parse, set validation,
 * compile, and evaluation of the compiled records. An input holding "\n%%\n" is split into two
 * policy files so that set-level checks (duplicate names and cgroups) are reached too; the whole
 * input is also read as a policy directory's host-code.list.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static void exercise(const struct lg_compiled *c, const uint8_t *data, size_t size)
{
	__u8 addr[16] = {0};
	struct lg_verdict v;

	for (size_t i = 0; i < c->rule_count; i++) {
		const struct lg_rule_source *r = &c->rules[i];
		char path[600];

		if (r->kind != LG_RULE_PATH)
			continue;
		snprintf(path, sizeof(path), "%s%s", r->object[0] == '/' ? "" : "/", r->object);
		lg_eval_path(c, r->policy, LG_DECISION_FILE_READ, path, &v);
		strncat(path, "x/y", sizeof(path) - strlen(path) - 1);
		lg_eval_path(c, r->policy, LG_DECISION_FILE_WRITE, path, &v);
		lg_eval_path(c, r->policy, LG_DECISION_EXEC, path, &v);
	}
	memcpy(addr, data, size < 16 ? size : 16);
	for (__u32 p = c->id_base + 1; p <= c->id_base + c->policy_count; p++) {
		lg_eval_net(c, p, 4, addr, LG_NET_TCP, (__u16)size, &v);
		lg_eval_net(c, p, 6, addr, LG_NET_UDP, (__u16)(size * 7), &v);
		/* [network] sockets: a family, type and protocol taken from the input */
		lg_eval_socket(c, p, addr[0] & 0x3f, addr[1], (int)addr[2] - 8, &v);
		lg_eval_listen(c, p, 4, addr, LG_NET_UDP, (__u16)(size * 3), &v);
		lg_eval_listen(c, p, 6, addr, LG_NET_TCP, (__u16)size, &v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	struct lg_policy_set set = {0};
	struct lg_policy *policies[2] = {NULL, NULL};
	struct lg_compiled *compiled = NULL;
	struct lg_diag diag = {0};
	const char *text = (const char *)data;
	size_t first = size;
	char line[8192];

	for (size_t i = 0; i + sizeof(sep) - 1 <= size; i++) {
		if (memcmp(text + i, sep, sizeof(sep) - 1) == 0) {
			first = i + 1;
			break;
		}
	}
	{
		/* the explain command's socket forms */
		char form[32];
		unsigned family, type;
		int protocol;

		memcpy(form, data, size < sizeof(form) - 1 ? size : sizeof(form) - 1);
		form[size < sizeof(form) - 1 ? size : sizeof(form) - 1] = '\0';
		lg_socket_parse(form, &family, &type, &protocol);
	}
	if (lg_policy_parse_buffer("a.ini", text, first, 0, &policies[0], &diag) == 0)
		set.count = 1;
	if (first < size &&
	    lg_policy_parse_buffer("b.ini", text + first + 3, size - first - 3, 0,
				   &policies[set.count], &diag) == 0)
		set.count++;
	set.policies = policies;
	if (set.count && lg_policy_set_validate(&set, &diag) == 0 &&
	    lg_compile(&set, 0x5eed, (unsigned)size & 1, &compiled, &diag) == 0) {
		exercise(compiled, data, size);
		lg_compiled_free(compiled);
	}
	/* The same bytes as a policy directory's host-code.list. */
	{
		struct lg_policy_set list = {0};
		FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;

		if (f) {
			lg_host_code_parse("host-code.list", f, &list, &diag);
			fclose(f);
		}
		lg_policy_set_free(&list);
	}
	for (size_t i = 0; i < diag.count; i++)
		lg_diag_format(&diag.msgs[i], line, sizeof(line));
	for (size_t i = 0; i < set.count; i++)
		lg_policy_free(policies[i]);
	lg_diag_free(&diag);
	return 0;
}
