// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compiler's contract with its callers: it compiles sets that set.c validated, and a bank's
 * kept path seed is redrawn when two paths collide under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define COLLIDING_SEED 0xc0111de5eedULL
#define FRESH_SEED 0xf2e5135eedULL

/* Stages a collision: under COLLIDING_SEED, /a and /b share one key. */
static __u64 colliding_hash(__u64 seed, const char *path)
{
	if (seed == COLLIDING_SEED && (strcmp(path, "/a") == 0 || strcmp(path, "/b") == 0))
		return 0x1234;
	return lg_path_hash(seed, path);
}

static __u64 drawn[LG_SEED_DRAWS + 2];
static int draw_count;

/* Draws the seeds of drawn[] in turn. */
static __u64 draw_next(void)
{
	return drawn[draw_count++];
}

static const char collision_text[] = HEADER "[files]\n"
					    "default = allow\n" /* 6 */
					    "deny = /a\n"	/* 7 */
					    "allow-read = /b\n" /* 8 */
					    "deny = /c/\n";	/* 9 */

static void load_collision_policy(struct lg_policy_set *set, struct lg_diag *diag)
{
	static struct lg_policy *policy;

	memset(set, 0, sizeof(*set));
	CHECK_INT(parse_text(collision_text, &policy, diag), 0);
	set->policies = &policy;
	set->count = 1;
	CHECK_INT(lg_policy_set_validate(set, diag), 0);
	lg_test_rule_hash = colliding_hash;
}

TEST(compile_reports_a_collision_under_a_fixed_seed)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	struct lg_compiled *c;

	load_collision_policy(&set, &diag);
	CHECK_INT(lg_compile(&set, COLLIDING_SEED, 0, &c, &diag), -EAGAIN);
	CHECK(c == NULL);
	CHECK_INT(diag.errors, 1);
	CHECK_STR(diag_line(&diag, 0), "t.ini:8: error: path hash collision with t.ini:7; load "
				       "again to draw another seed");
	/* Without a seed source, the kept seed is all there is. */
	CHECK_INT(lg_compile_keeping_seed(&set, COLLIDING_SEED, 0, NULL, &c, &diag), -EAGAIN);
	CHECK_INT(diag.errors, 2);
	lg_policy_free(set.policies[0]);
	lg_diag_free(&diag);
}

TEST(compile_draws_a_new_seed_after_a_collision)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	struct lg_compiled *c;
	__u32 rule;

	load_collision_policy(&set, &diag);
	drawn[0] = FRESH_SEED;
	CHECK_INT(lg_compile_keeping_seed(&set, COLLIDING_SEED, 0, draw_next, &c, &diag), 0);
	if (!c)
		return;
	CHECK_INT(draw_count, 1);
	CHECK_INT(diag.count, 0); /* the collision was the seed's: nothing to report */
	CHECK(c->seed == FRESH_SEED);
	CHECK(c->policies[0].seed == FRESH_SEED); /* the kernel hashes with the new seed too */
	/* Collision-free: one key per path, each the hash under the new seed. */
	CHECK_INT(c->path_count, 3);
	for (size_t i = 0; i < c->path_count; i++) {
		const struct lg_rule_source *src =
		    lg_rule_source(c, c->paths[i].value.rule[LG_SLOT_EXACT_READ]
					  ? c->paths[i].value.rule[LG_SLOT_EXACT_READ]
					  : c->paths[i].value.rule[LG_SLOT_TREE_READ]);
		const char *path = strcmp(src->object, "/c/") == 0 ? "/c" : src->object;

		CHECK(c->paths[i].key.hash == lg_path_hash(FRESH_SEED, path));
		CHECK(i == 0 || c->paths[i].key.hash != c->paths[i - 1].key.hash);
	}
	/* And the verdicts are the policy's. */
	CHECK(path_denied(c, LG_DECISION_FILE_READ, "/a", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(!path_denied(c, LG_DECISION_FILE_READ, "/b", &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(path_denied(c, LG_DECISION_FILE_WRITE, "/b", &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(path_denied(c, LG_DECISION_FILE_READ, "/c/d", &rule));
	CHECK_INT(rule_line(c, rule), 9);
	CHECK(!path_denied(c, LG_DECISION_FILE_WRITE, "/d", &rule));
	lg_compiled_free(c);
	lg_policy_free(set.policies[0]);
	lg_diag_free(&diag);
}

TEST(compile_keeps_the_seed_without_a_collision)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	struct lg_compiled *c;

	load_collision_policy(&set, &diag);
	CHECK_INT(lg_compile_keeping_seed(&set, FRESH_SEED, 1, draw_next, &c, &diag), 0);
	CHECK_INT(draw_count, 0);
	CHECK(c->seed == FRESH_SEED);
	CHECK_INT(c->bank, 1);
	lg_compiled_free(c);
	/* No seed kept yet: one is drawn; a colliding draw is followed by another. */
	drawn[0] = COLLIDING_SEED;
	drawn[1] = FRESH_SEED;
	CHECK_INT(lg_compile_keeping_seed(&set, 0, 0, draw_next, &c, &diag), 0);
	if (!c)
		return;
	CHECK_INT(draw_count, 2);
	CHECK(c->seed == FRESH_SEED);
	CHECK_INT(diag.count, 0);
	lg_compiled_free(c);
	lg_policy_free(set.policies[0]);
	lg_diag_free(&diag);
}

TEST(compile_gives_up_after_every_draw_collided)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	struct lg_compiled *c;

	load_collision_policy(&set, &diag);
	for (int i = 0; i < LG_SEED_DRAWS + 2; i++)
		drawn[i] = COLLIDING_SEED;
	CHECK_INT(lg_compile_keeping_seed(&set, COLLIDING_SEED, 0, draw_next, &c, &diag), -EAGAIN);
	CHECK(c == NULL);
	CHECK_INT(draw_count, LG_SEED_DRAWS);
	CHECK_INT(diag.errors, 1); /* reported once, for the last draw */
	CHECK_STR(diag_line(&diag, 0), "t.ini:8: error: path hash collision with t.ini:7; load "
				       "again to draw another seed");
	lg_policy_free(set.policies[0]);
	lg_diag_free(&diag);
}

/* Whether compiled holds a marker (policy, class) for path. */
static bool has_deny_filter_entry(const struct lg_compiled *c, __u64 entry)
{
	for (size_t i = 0; i < c->deny_filter_count; i++)
		if (c->deny_filter[i] == entry)
			return true;
	return false;
}

static bool has_marker(const struct lg_compiled *c, __u32 policy, __u32 class, const char *path)
{
	for (size_t i = 0; i < c->beneath_count; i++)
		if (c->beneath[i].key.policy == policy && c->beneath[i].key.class == class &&
		    c->beneath[i].key.hash == lg_path_hash(c->seed, path))
			return true;
	return false;
}

/* The bank's record of the directory at path (LG_PATH_CLASS_DENY_BENEATH), or NULL. */
static const struct lg_path_value *bank_marker(const struct lg_compiled *c, const char *path)
{
	for (size_t i = 0; i < c->beneath_count; i++)
		if (c->beneath[i].key.policy == c->id_base + 1 &&
		    c->beneath[i].key.class == LG_PATH_CLASS_DENY_BENEATH &&
		    c->beneath[i].key.hash == lg_path_hash(c->seed, path))
			return &c->beneath[i].value;
	return NULL;
}

/* Whether the bank's record of path names policy alone (0: several), with or without a deny. */
static bool bank_marker_is(const struct lg_compiled *c, const char *path, __u32 policy,
			   bool deny)
{
	const struct lg_path_value *v = bank_marker(c, path);

	return v && v->rule[0] == policy && v->deny_mask == (deny ? LG_BENEATH_DENY : 0);
}

/* lsmguard's own objects: records of the bank's first id, one per key, markers above each. */
TEST(compile_adds_lsmguards_own_objects)
{
	static const char *const paths[] = {"/etc/lsmguard/policy.d/", "/etc/lsmguard/",
					    "/usr/sbin/lsmguard", "/run/lsmguard/", "relative",
					    "/", "/etc/lsmguard/policy.d/"};
	struct lg_diag diag = {0};
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /etc/x\n", &set);
	size_t before = c->beneath_count;
	const struct lg_path_entry *e = NULL;

	CHECK_INT(lg_compiled_add_protected(c, paths, sizeof(paths) / sizeof(paths[0]), &diag), 0);
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED, "/etc/lsmguard/policy.d"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED, "/etc/lsmguard"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED, "/usr/sbin/lsmguard"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED, "/run/lsmguard"));
	CHECK(!has_marker(c, 1, LG_PATH_CLASS_PROTECTED, "relative"));
	CHECK(!has_marker(c, 1, LG_PATH_CLASS_PROTECTED, ""));
	/* Directories above: "", /etc, /etc/lsmguard (also an object), /usr, /usr/sbin, /run. */
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, ""));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/etc"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/etc/lsmguard"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/usr/sbin"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/run"));
	CHECK(!has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/usr/sbin/lsmguard"));
	CHECK_INT(c->beneath_count, before + 4 + 6);
	/* The subtree bit for a directory, the exact one for a file; every key once (the kernel's
	 * map would keep one of two records of a key, and lose the other's bits). */
	for (size_t i = 0; i < c->beneath_count; i++) {
		for (size_t j = 0; j < i; j++)
			CHECK(lg_compare_path_keys(&c->beneath[j].key, &c->beneath[i].key) != 0);
		if (c->beneath[i].key.class == LG_PATH_CLASS_PROTECTED &&
		    c->beneath[i].key.hash == lg_path_hash(c->seed, "/usr/sbin/lsmguard"))
			e = &c->beneath[i];
		if (c->beneath[i].key.class == LG_PATH_CLASS_PROTECTED &&
		    c->beneath[i].key.hash == lg_path_hash(c->seed, "/run/lsmguard"))
			CHECK_INT(c->beneath[i].value.deny_mask, 1u << LG_SLOT_TREE_WRITE);
	}
	CHECK(e && e->value.deny_mask == 1u << LG_SLOT_EXACT_WRITE);
	/* The policy's own markers are still there. */
	CHECK(bank_marker_is(c, "/etc", 1, true));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
}

/* The service manager's sockets: protected objects whose record carries their kind. */
TEST(compile_marks_the_service_managers_sockets)
{
	static const char *const paths[] = {"/run/systemd/private", "/run/dbus/system_bus_socket",
					    "/run/lsmguard/", "/run/systemd/private"};
	static const __u8 kinds[] = {LG_PROTECTED_MANAGER_PRIVATE, LG_PROTECTED_MANAGER_BUS, 0, 0};
	struct lg_diag diag = {0};
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /etc/x\n", &set);
	int seen = 0;

	CHECK_INT(lg_compiled_add_protected_kinds(c, paths, kinds, 4, &diag), 0);
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/run/systemd"));
	CHECK(has_marker(c, 1, LG_PATH_CLASS_PROTECTED_BENEATH, "/run/dbus"));
	for (size_t i = 0; i < c->beneath_count; i++) {
		const struct lg_path_entry *e = &c->beneath[i];

		if (e->key.class != LG_PATH_CLASS_PROTECTED)
			continue;
		if (e->key.hash == lg_path_hash(c->seed, "/run/systemd/private")) {
			/* the second, kind-less copy merged into the first */
			CHECK_INT(e->value.deny_mask,
				  (1u << LG_SLOT_EXACT_WRITE) | LG_PROTECTED_MANAGER_PRIVATE);
			seen++;
		} else if (e->key.hash == lg_path_hash(c->seed, "/run/dbus/system_bus_socket")) {
			CHECK_INT(e->value.deny_mask,
				  (1u << LG_SLOT_EXACT_WRITE) | LG_PROTECTED_MANAGER_BUS);
			seen++;
		} else if (e->key.hash == lg_path_hash(c->seed, "/run/lsmguard")) {
			CHECK_INT(e->value.deny_mask, 1u << LG_SLOT_TREE_WRITE);
			seen++;
		}
	}
	CHECK_INT(seen, 3);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
}

TEST(compile_marks_the_directories_rules_lie_beneath)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /a/b/c\nallow-read = /a/r/\n"
						    "[exec]\ndeny = /x/y\n",
					     &set);

	CHECK_INT(c->path_count, 3); /* markers are not rule keys */
	/* One record of the bank per proper prefix "/", "/a", "/a/b", "/x", naming the one policy
	 * whose rules lie beneath, and whether a deny rule does (not allow-read's); never a rule's
	 * own path ("/a/r" of the subtree rule is decided by the rule itself). */
	CHECK(bank_marker_is(c, "", 1, true));
	CHECK(bank_marker_is(c, "/a", 1, true));
	CHECK(bank_marker_is(c, "/a/b", 1, true));
	CHECK(bank_marker_is(c, "/x", 1, true));
	CHECK(!bank_marker(c, "/a/b/c"));
	CHECK(!bank_marker(c, "/a/r"));
	/* One policy: no key of its own anywhere. */
	CHECK(!has_marker(c, 1, LG_PATH_CLASS_BENEATH, ""));
	CHECK(!has_marker(c, 1, LG_PATH_CLASS_BENEATH, "/a"));
	/* Every deny rule of the bank in the deny filter, for decisions about all policies at
	 * once: the two exact rules' hashes xor LG_DENY_FILTER_EXACT, nothing for allow-read. */
	CHECK_INT(c->deny_filter_count, 2);
	CHECK(has_deny_filter_entry(c, lg_path_hash(c->seed, "/a/b/c") ^ LG_DENY_FILTER_EXACT));
	CHECK(has_deny_filter_entry(c, lg_path_hash(c->seed, "/x/y") ^ LG_DENY_FILTER_EXACT));
	CHECK(!has_deny_filter_entry(c, lg_path_hash(c->seed, "/a/b/c")));
	CHECK(!has_deny_filter_entry(c, lg_path_hash(c->seed, "/a/r")));
	CHECK_INT(c->beneath_count, 4); /* "", "/a", "/a/b", "/x" */
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

/*
 * Several policies: a directory with rules of several beneath has a record naming none (0) and a
 * key for each of those policies; a directory with one policy's rules names it. Whatever order
 * the rules come in, the deny bit reaches every directory above a deny rule.
 */
TEST(compile_marks_the_directories_of_several_policies)
{
	struct lg_diag diag = {0};
	struct lg_policy_set set = {0};
	struct lg_compiled *c = NULL;
	struct lg_policy *p[3];

	CHECK_INT(parse_text("[policy]\nname = a\ncgroup = /a.slice\nmode = enforce\n[files]\n"
			     "allow = /s/a/f\nallow = /s/d/e/f\n",
			     &p[0], &diag),
		  0);
	CHECK_INT(parse_text("[policy]\nname = b\ncgroup = /b.slice\nmode = enforce\n[files]\n"
			     "allow = /s/b/g\n[exec]\ndeny = /s/d/e/x\n",
			     &p[1], &diag),
		  0);
	CHECK_INT(parse_text("[policy]\nname = c\ncgroup = /c.slice\nmode = audit\n[files]\n"
			     "allow-read = /s/b/h\nallow = /t/u/w\ndeny = /t/u/v\n",
			     &p[2], &diag),
		  0);
	set.policies = p;
	set.count = 3;
	CHECK_INT(lg_policy_set_validate(&set, &diag), 0);
	CHECK_INT(lg_compile(&set, 42, 1, &c, &diag), 0);
	CHECK_INT(c->id_base, LG_MAX_POLICIES);
	/* Ids of bank 1: a = 1025, b = 1026, c = 1027. */
	CHECK(bank_marker_is(c, "", 0, true));
	CHECK(bank_marker_is(c, "/s", 0, true));
	CHECK(bank_marker_is(c, "/s/a", 1025, false));
	CHECK(bank_marker_is(c, "/s/b", 0, false));
	CHECK(bank_marker_is(c, "/s/d", 0, true));
	CHECK(bank_marker_is(c, "/s/d/e", 0, true));
	CHECK(bank_marker_is(c, "/t", 1027, true)); /* its deny rule came after its allow */
	CHECK(bank_marker_is(c, "/t/u", 1027, true));
	CHECK(!bank_marker(c, "/s/a/f"));
	for (__u32 id = 1025; id <= 1027; id++)
		CHECK(has_marker(c, id, LG_PATH_CLASS_BENEATH, ""));
	CHECK(has_marker(c, 1025, LG_PATH_CLASS_BENEATH, "/s"));
	CHECK(has_marker(c, 1026, LG_PATH_CLASS_BENEATH, "/s"));
	CHECK(has_marker(c, 1027, LG_PATH_CLASS_BENEATH, "/s"));
	CHECK(has_marker(c, 1026, LG_PATH_CLASS_BENEATH, "/s/b"));
	CHECK(has_marker(c, 1027, LG_PATH_CLASS_BENEATH, "/s/b"));
	CHECK(!has_marker(c, 1025, LG_PATH_CLASS_BENEATH, "/s/b"));
	CHECK(has_marker(c, 1025, LG_PATH_CLASS_BENEATH, "/s/d/e"));
	CHECK(has_marker(c, 1026, LG_PATH_CLASS_BENEATH, "/s/d/e"));
	CHECK(!has_marker(c, 1025, LG_PATH_CLASS_BENEATH, "/s/a"));
	CHECK(!has_marker(c, 1027, LG_PATH_CLASS_BENEATH, "/t"));
	/* Records: "", /s, /s/a, /s/b, /s/d, /s/d/e, /t, /t/u; keys: 3 + 3 + 2 + 2 + 2. */
	CHECK_INT(c->beneath_count, 8 + 12);
	lg_compiled_free(c);
	for (int i = 0; i < 3; i++)
		lg_policy_free(p[i]);
	lg_diag_free(&diag);
}

TEST(compile_puts_a_directory_deny_rule_in_the_deny_filter_as_a_directory)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /srv/keys/\n", &set);

	CHECK_INT(c->deny_filter_count, 1);
	CHECK(has_deny_filter_entry(c, lg_path_hash(c->seed, "/srv/keys")));
	CHECK(!has_deny_filter_entry(c, lg_path_hash(c->seed, "/srv/keys") ^ LG_DENY_FILTER_EXACT));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

#define R LG_DECISION_FILE_READ
#define W LG_DECISION_FILE_WRITE

/* The host's name for /srv/data is /var/lib/data (a bind mount). */
static int bind_alias(void *ctx, const char *path, bool subtree, unsigned index, char *out,
		      size_t size)
{
	(void)ctx;
	(void)subtree;
	if (index || strncmp(path, "/srv/data", 9) != 0 || (path[9] != '/' && path[9] != '\0'))
		return 0;
	snprintf(out, size, "/var/lib/data%s", path + 9);
	return 1;
}

/* Parse text as t.ini, then compile it alone with path_alias as the host's names. */
static void compile_with_alias(const char *text,
			       int (*alias)(void *, const char *, bool, unsigned, char *, size_t),
			       struct lg_policy **p, struct lg_compiled **c, struct lg_diag *diag)
{
	struct lg_policy_set set;

	memset(&set, 0, sizeof(set));
	CHECK_INT(parse_text(text, p, diag), 0);
	set.policies = p;
	set.count = 1;
	CHECK_INT(lg_policy_set_validate(&set, diag), 0);
	set.path_alias = alias;
	CHECK_INT(lg_compile(&set, 42, 0, c, diag), 0);
}

/* /srv/long is a bind of a directory whose path is 4 x 121 bytes long; /srv/deep of one 33
 * components deep. */
#define LONG_DIR "/data/l/" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/" \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/" \
	"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc/" \
	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
#define DEEP_DIR "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25/26/27/28/29/30/31/32"

static int long_alias(void *ctx, const char *path, bool subtree, unsigned index, char *out,
		      size_t size)
{
	(void)ctx;
	(void)subtree;
	if (index)
		return 0;
	if (strncmp(path, "/srv/long/", 10) == 0)
		snprintf(out, size, LONG_DIR "%s", path + 9);
	else if (strncmp(path, "/srv/deep/", 10) == 0)
		snprintf(out, size, DEEP_DIR "%s", path + 9);
	else
		return 0;
	return 1;
}

/* A kernel name longer than a rule's text (447 bytes) is carried all the same: its hash is
 * kept, not its text (attack run 22's 2204); one deeper than the walk goes too, for the markers
 * of the directories above it. */
TEST(compile_carries_deny_rules_to_long_kernel_names)
{
	struct lg_diag diag = {0};
	struct lg_compiled *c;
	struct lg_policy *p;
	__u32 rule;

	compile_with_alias(HEADER "[files]\n"
			   "default = allow\n"	      /* 6 */
			   "deny = /srv/long/secret/\n" /* 7 */
			   "deny = /srv/deep/secret/\n", /* 8 */
			   long_alias, &p, &c, &diag);
	CHECK_INT((int)diag.count, 2);
	CHECK_STR(diag_line(&diag, 0),
		  "t.ini:7: warning: /srv/long/secret/ is named " LONG_DIR "/secret/ by the kernel "
		  "(what a mount there shows is mounted elsewhere first); the deny rule is kept at "
		  "both");
	CHECK_STR(diag_line(&diag, 1),
		  "t.ini:8: warning: /srv/deep/secret/ is named " DEEP_DIR "/secret/ by the kernel "
		  "(what a mount there shows is mounted elsewhere first); the deny rule is kept at "
		  "both");
	CHECK(path_denied(c, R, "/srv/long/secret/key", &rule));
	CHECK(path_denied(c, R, LONG_DIR "/secret/key", &rule));
	CHECK(rule_line(c, rule) == 7);
	CHECK(!path_denied(c, R, LONG_DIR "/public", &rule));
	CHECK(path_denied(c, R, "/srv/deep/secret/key", &rule));
	/* the walk refuses it with no rule: deeper than it goes; the directories above it keep
	 * their markers, which refuse a rename that would bring the file up (review 42, M1) */
	CHECK(path_denied(c, R, DEEP_DIR "/secret/key", &rule));
	CHECK_INT((int)rule, 0);
	CHECK(bank_marker(c, "/1/2") != NULL);
	CHECK(bank_marker(c, DEEP_DIR) != NULL);
	CHECK(bank_marker(c, LONG_DIR) != NULL);
	lg_compiled_free(c);
	lg_policy_free(p);
	lg_diag_free(&diag);
}

/* A deny rule written at a path the kernel names otherwise is keyed at both names, with a
 * warning at its line; an allow-read rule keeps its write denial there; allow rules are not
 * carried, said (attack run 21, review 40). */
TEST(compile_keys_deny_rules_at_the_kernels_name_too)
{
	struct lg_diag diag = {0};
	struct lg_compiled *c;
	struct lg_policy *p;
	__u32 rule;

	compile_with_alias(HEADER "[files]\n"
			   "default = allow\n"		 /* 6 */
			   "deny = /srv/data/\n"	 /* 7 */
			   "allow = /srv/data/pub/\n"	 /* 8 */
			   "allow-read = /srv/data/ro/\n", /* 9 */
			   bind_alias, &p, &c, &diag);
	CHECK_INT((int)diag.count, 3);
	CHECK_STR(diag_line(&diag, 0),
		  "t.ini:7: warning: /srv/data/ is named /var/lib/data/ by the kernel (what a mount "
		  "there shows is mounted elsewhere first); the deny rule is kept at both");
	CHECK_STR(diag_line(&diag, 1),
		  "t.ini:8: warning: /srv/data/pub/ is named /var/lib/data/pub/ by the kernel (what "
		  "a mount there shows is mounted elsewhere first); an allow rule is not carried "
		  "there: write it at that path if that is what it means");
	CHECK_STR(diag_line(&diag, 2),
		  "t.ini:9: warning: /srv/data/ro/ is named /var/lib/data/ro/ by the kernel (what a "
		  "mount there shows is mounted elsewhere first); the rule's write denial is kept at "
		  "both");
	CHECK(path_denied(c, R, "/srv/data/secret", &rule));
	CHECK(rule_line(c, rule) == 7);
	CHECK(path_denied(c, R, "/var/lib/data/secret", &rule));
	CHECK(rule_line(c, rule) == 7);
	/* The allow rule stays at its written path: its kernel name is the deny's. */
	CHECK(!path_denied(c, R, "/srv/data/pub/x", &rule));
	CHECK(path_denied(c, R, "/var/lib/data/pub/x", &rule));
	/* allow-read: read where written, written nowhere; at the kernel's name the deny of
	 * /srv/data/ decides reads, the carried write denial writes. */
	CHECK(!path_denied(c, R, "/srv/data/ro/x", &rule));
	CHECK(path_denied(c, W, "/srv/data/ro/x", &rule));
	CHECK(path_denied(c, W, "/var/lib/data/ro/x", &rule));
	CHECK(rule_line(c, rule) == 9);
	lg_compiled_free(c);
	lg_policy_free(p);
	lg_diag_free(&diag);
}
