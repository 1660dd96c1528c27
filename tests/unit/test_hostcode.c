// SPDX-License-Identifier: GPL-2.0-only
/*
 * host-code.list (policy/hostcode.c): one absolute path a line; comments, blank lines, spaces
 * and CRLF line ends are fine; every bad line is an error at its FILE:LINE and the list then
 * adds nothing that the caller may use (the set's load fails whole).
 */
#include <stdlib.h>

#include "harness.h"
#include "policy.h"

static int parse_text(const char *text, size_t len, struct lg_policy_set *set, struct lg_diag *diag)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int ret;

	memset(set, 0, sizeof(*set));
	if (!f)
		return -errno;
	ret = lg_host_code_parse("host-code.list", f, set, diag);
	fclose(f);
	return ret;
}

static const char *message(const struct lg_diag *diag, size_t i, char *buf, size_t size)
{
	return i < diag->count ? lg_diag_format(&diag->msgs[i], buf, size) : "(no message)";
}

TEST(host_code_list_reads_paths_comments_and_spaces)
{
	static const char text[] = "# the host's own code\n"
				   "\n"
				   "/srv/app/bin/\r\n"
				   "\t /usr/local/lib/backup/hook.sh \t\n"
				   "   # an indented comment\n"
				   "/opt/agent/plugins/"; /* no newline at the end */
	struct lg_policy_set set;
	struct lg_diag diag = {0};

	CHECK_INT(parse_text(text, sizeof(text) - 1, &set, &diag), 0);
	CHECK_INT(diag.count, 0);
	CHECK_INT(set.host_code_count, 3);
	if (set.host_code_count == 3) {
		CHECK_STR(set.host_code[0], "/srv/app/bin/");
		CHECK_STR(set.host_code[1], "/usr/local/lib/backup/hook.sh");
		CHECK_STR(set.host_code[2], "/opt/agent/plugins/");
	}
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
}

TEST(host_code_list_names_each_bad_line)
{
	static const char text[] = "relative/path\n"
				   "/srv/./x\n"
				   "/srv/..\n"
				   "/srv/a\tb\n"
				   "/srv/ok/\n"
				   "/\n"
				   "/srv/x\0y\n";
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char buf[512];

	CHECK_INT(parse_text(text, sizeof(text) - 1, &set, &diag), -EINVAL);
	CHECK_INT(diag.errors, 6);
	CHECK_STR(message(&diag, 0, buf, sizeof(buf)),
		  "host-code.list:1: error: 'relative/path' is not an absolute path; write it from "
		  "the root, as in /srv/app/bin/");
	CHECK_STR(message(&diag, 1, buf, sizeof(buf)),
		  "host-code.list:2: error: '/srv/./x' holds a . or .. component; write the path as "
		  "it is");
	CHECK_STR(message(&diag, 2, buf, sizeof(buf)),
		  "host-code.list:3: error: '/srv/..' holds a . or .. component; write the path as "
		  "it is");
	CHECK_STR(message(&diag, 3, buf, sizeof(buf)),
		  "host-code.list:4: error: '/srv/a\tb' holds a control character");
	CHECK_STR(message(&diag, 4, buf, sizeof(buf)),
		  "host-code.list:6: error: '/' would make every file host code; name the "
		  "directories the host runs code from");
	CHECK_STR(message(&diag, 5, buf, sizeof(buf)),
		  "host-code.list:7: error: holds a NUL byte; the list is text, one path a line");
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
}

TEST(host_code_list_has_a_limit)
{
	size_t len = (LG_HOST_CODE_MAX + 1) * 16;
	char *text = malloc(len + 1), *p = text;
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char buf[512];

	CHECK(text != NULL);
	if (!text)
		return;
	for (int i = 0; i <= LG_HOST_CODE_MAX; i++)
		p += sprintf(p, "/srv/p%08d\n", i);
	CHECK_INT(parse_text(text, (size_t)(p - text), &set, &diag), -EINVAL);
	CHECK_INT(diag.errors, 1);
	CHECK_STR(message(&diag, 0, buf, sizeof(buf)),
		  "host-code.list:1025: error: more than 1024 places; name the directories that "
		  "hold them instead");
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
	free(text);
}

TEST(host_code_list_refuses_comments_after_a_path_and_patterns)
{
	static const char text[] = "/srv/app/bin/ # the app\n"
				   "/srv/*/hooks/\n"
				   "/srv/app?/x\n"
				   "/srv/[ab]/x\n"
				   "/srv/a#b/\n"; /* a '#' inside a name is a name */
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char buf[512];

	CHECK_INT(parse_text(text, sizeof(text) - 1, &set, &diag), -EINVAL);
	CHECK_INT(diag.errors, 4);
	CHECK_STR(message(&diag, 0, buf, sizeof(buf)),
		  "host-code.list:1: error: '/srv/app/bin/ # the app' holds a comment after the "
		  "path; put comments on lines of their own");
	CHECK_STR(message(&diag, 1, buf, sizeof(buf)),
		  "host-code.list:2: error: '/srv/*/hooks/' holds a pattern character (*, ? or [): "
		  "the list names places, it matches no patterns; name the directory that holds them");
	CHECK_INT(diag.count, 4);
	CHECK_INT(set.host_code_count, 1);
	if (set.host_code_count == 1)
		CHECK_STR(set.host_code[0], "/srv/a#b/");
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
}
