// SPDX-License-Identifier: GPL-2.0-only
/*
 * Out of memory, at every allocation of a parse, a directory load and a compile: the result is
 * never success for a broken policy, out of memory is reported as -ENOMEM with an "out of
 * memory" message (or a lost message counted), and no message is invented (a syntax error that
 * the file does not have). An allocation whose failure the C library absorbs (stdio falls back
 * to an unbuffered stream) must leave the result exactly as without the failure.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failing_alloc.h"
#include "harness.h"
#include "helpers.h"

/* Errors on lines 7 and 9, a warning on line 11, and enough rules to grow every array. */
static const char broken_text[] = "[policy]\n"
				  "name = t\n"
				  "unit = t.service\n"
				  "slice = t-u.slice\n"
				  "mode = enforce\n"
				  "[files]\n"
				  "alow = /etc/\n"
				  "default = deny\n"
				  "deny = relative\n"
				  "allow-read = /usr/\n"
				  "allow-read = /usr/\n"
				  "[network]\n"
				  "allow = 10.0.0.0/8 tcp 443\n";

struct outcome {
	int ret;
	size_t count;
	char *lines[64];
};

static void record(struct outcome *o, int ret, const struct lg_diag *diag)
{
	o->ret = ret;
	o->count = diag->count < 64 ? diag->count : 64;
	for (size_t i = 0; i < o->count; i++)
		o->lines[i] = strdup(diag_line(diag, i));
}

static bool is_out_of_memory(const char *line)
{
	size_t len = strlen(line), tail = strlen("error: out of memory");

	return len >= tail && strcmp(line + len - tail, "error: out of memory") == 0;
}

/*
 * The check of one run with the nth allocation failed against the run without failures: the
 * same outcome, or -ENOMEM saying so with no message the clean run did not have.
 */
static void check_outcome(unsigned long n, int ret, const struct lg_diag *diag,
			  const struct outcome *clean, unsigned *nomem_runs)
{
	bool said_nomem = diag->lost > 0;

	if (clean->ret != 0 && ret == 0)
		FAIL_AT("allocation %lu failed: a broken policy reported success", n);
	if (ret != -ENOMEM) {
		if (ret != clean->ret || diag->count != clean->count || diag->lost)
			FAIL_AT("allocation %lu failed: result %d with %zu messages (%u lost), "
				"expected -ENOMEM or %d with %zu",
				n, ret, diag->count, diag->lost, clean->ret, clean->count);
		for (size_t i = 0; i < diag->count && i < clean->count; i++)
			if (strcmp(diag_line(diag, i), clean->lines[i]) != 0)
				FAIL_AT("allocation %lu failed: message %zu is '%s', expected '%s'",
					n, i, diag_line(diag, i), clean->lines[i]);
		return;
	}
	(*nomem_runs)++;
	if (diag->errors == 0)
		FAIL_AT("allocation %lu failed: -ENOMEM with no error counted", n);
	for (size_t i = 0; i < diag->count; i++) {
		const char *line = diag_line(diag, i);
		bool known = is_out_of_memory(line);

		said_nomem |= known;
		for (size_t j = 0; j < clean->count && !known; j++)
			known = strcmp(line, clean->lines[j]) == 0;
		if (!known)
			FAIL_AT("allocation %lu failed: invented message '%s'", n, line);
	}
	if (!said_nomem)
		FAIL_AT("allocation %lu failed: -ENOMEM without an out-of-memory message", n);
}

TEST(nomem_diag_counts_an_error_it_cannot_store)
{

	unsigned lost_runs = 0;
	unsigned long n;

	for (n = 1;; n++) {
		struct lg_diag diag = {0};
		bool fired;

		lg_diag_add(&diag, LG_SEV_WARNING, "t.ini", 1, "first %d", 1);
		alloc_fail_nth(n);
		lg_diag_add(&diag, LG_SEV_ERROR, "t.ini", 2, "second %s", "message");
		alloc_fail_nth(0);
		fired = alloc_failure_fired();
		/* Counted whether stored or not. */
		CHECK_INT(diag.errors, 1);
		CHECK_INT(diag.warnings, 1);
		CHECK_STR(diag_line(&diag, 0), "t.ini:1: warning: first 1");
		if (diag.lost) {
			CHECK(fired);
			CHECK_INT(diag.lost, 1);
			CHECK_INT(diag.count, 1);
			lost_runs++;
		} else {
			/* Not stored in full, or not at all: never cut or without its file. */
			CHECK_INT(diag.count, 2);
			CHECK_STR(diag_line(&diag, 1), "t.ini:2: error: second message");
		}
		lg_diag_free(&diag);
		if (!fired)
			break;
	}
	CHECK(lost_runs >= 2); /* the text and the file name (the message array is there) */
}

static void parse_under_every_failure(const char *text, const struct outcome *clean)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	unsigned nomem_runs = 0;
	unsigned long n;

	for (n = 1; n < 100000; n++) {
		int ret;

		alloc_fail_nth(n);
		ret = parse_text(text, &p, &diag);
		alloc_fail_nth(0);
		if (!alloc_failure_fired())
			break;
		check_outcome(n, ret, &diag, clean, &nomem_runs);
		if (ret == 0)
			lg_policy_free(p);
		lg_diag_free(&diag);
	}
	CHECK(n > 10); /* the allocator did see the parser's allocations */
	/* Most failures are the library's to report; the C library absorbs a few (a stream's
	 * buffer, vasprintf's final shrink), and those left the outcome as it was (checked). */
	CHECK(nomem_runs * 2 > n - 1);
}

TEST(nomem_parse_of_a_broken_policy_never_succeeds)
{
	struct lg_diag diag = {0};
	struct outcome clean;
	struct lg_policy *p;

	record(&clean, parse_text(broken_text, &p, &diag), &diag);
	CHECK_INT(clean.ret, -EINVAL);
	CHECK_INT(clean.count, 3);
	CHECK_STR(clean.lines[2], "t.ini:11: warning: duplicate rule: '/usr/' is already "
				  "allow-read at line 10");
	lg_diag_free(&diag);
	parse_under_every_failure(broken_text, &clean);
}

/*
 * One error only, found by the line reader (inih never sees the line): losing its message must
 * not turn the file into a valid policy.
 */
TEST(nomem_parse_of_a_policy_with_one_error_never_succeeds)
{
	static const char text[] = HEADER "[files]\n"
					  "default = deny\n"
					  "allow-read = /usr/\n"
					  "allow = /tmp/\n"
					  "deny = /etc/shadow\n"
					  "not a rule\n";
	struct lg_diag diag = {0};
	struct outcome clean;
	struct lg_policy *p;

	record(&clean, parse_text(text, &p, &diag), &diag);
	CHECK_INT(clean.ret, -EINVAL);
	CHECK_INT(clean.count, 1);
	CHECK_STR(clean.lines[0], "t.ini:10: error: expected 'key = value', found 'not a rule'");
	lg_diag_free(&diag);
	parse_under_every_failure(text, &clean);
}

TEST(nomem_compile_of_a_valid_policy_is_whole_or_out_of_memory)
{
	static const char text[] = HEADER "[files]\n"
					  "default = deny\n"
					  "allow-read = /usr/\n"
					  "allow = /tmp/\n"
					  "deny = /etc/shadow\n"
					  "[exec]\n"
					  "allow = /usr/bin/\n"
					  "[network]\n"
					  "default = deny\n"
					  "allow = 10.0.0.0/8 tcp 443\n"
					  "allow = 10.1.0.0/16 udp 53\n";
	struct lg_diag diag = {0};
	struct outcome clean;
	struct lg_policy *p;
	unsigned nomem_runs = 0;
	unsigned long n;

	record(&clean, parse_text(text, &p, &diag), &diag);
	CHECK_INT(clean.ret, 0);
	CHECK_INT(clean.count, 1); /* [exec] has only allow rules */
	lg_policy_free(p);
	lg_diag_free(&diag);
	for (n = 1; n < 100000; n++) {
		struct lg_policy_set set = {0};
		struct lg_compiled *c = NULL;
		int ret;

		p = NULL;
		alloc_fail_nth(n);
		ret = parse_text(text, &p, &diag);
		if (!ret) {
			set.policies = &p;
			set.count = 1;
			ret = lg_policy_set_validate(&set, &diag);
		}
		if (!ret)
			ret = lg_compile(&set, 42, 0, &c, &diag);
		alloc_fail_nth(0);
		if (!alloc_failure_fired()) {
			CHECK_INT(ret, 0);
			break;
		}
		check_outcome(n, ret, &diag, &clean, &nomem_runs);
		if (!ret) {
			CHECK_INT(c->path_count, 4);
			CHECK_INT(c->net_count, 2);
			CHECK_INT(c->rule_count, 11); /* the implied sockets rule */
		}
		lg_compiled_free(c);
		lg_policy_free(p);
		lg_diag_free(&diag);
	}
	CHECK(n > 20);
	CHECK(nomem_runs * 2 > n - 1);
}

TEST(nomem_directory_load_never_succeeds)
{
	char dir[] = "/tmp/lsmguard-nomem-XXXXXX", path[64];
	const char *paths[] = {dir};
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	struct outcome clean;
	unsigned nomem_runs = 0;
	unsigned long n;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.ini", dir);
	f = fopen(path, "w");
	fputs(broken_text, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/b.ini", dir);
	f = fopen(path, "w");
	fputs("[policy]\nname = b\ncgroup = /b\nmode = audit\n[files]\ndeny = /x\n", f);
	fclose(f);
	record(&clean, lg_policy_set_load(paths, 1, 0, &set, &diag), &diag);
	CHECK_INT(clean.ret, -EINVAL);
	CHECK_INT(clean.count, 3);
	lg_diag_free(&diag);
	for (n = 1; n < 100000; n++) {
		int ret;

		alloc_fail_nth(n);
		ret = lg_policy_set_load(paths, 1, 0, &set, &diag);
		alloc_fail_nth(0);
		if (!alloc_failure_fired())
			break;
		check_outcome(n, ret, &diag, &clean, &nomem_runs);
		CHECK_INT(set.count, 0); /* used whole or not at all */
		lg_diag_free(&diag);
	}
	CHECK(n > 20);
	CHECK(nomem_runs * 2 > n - 1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.ini", dir);
	unlink(path);
	rmdir(dir);
}
