// SPDX-License-Identifier: GPL-2.0-only
/* Policy sets: directories, whole-or-nothing loading, file ownership, and capacities. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "helpers.h"

static char tmpdir[64];

static void make_dir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lsmguard-set-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		FAIL_AT("mkdtemp");
		exit(1);
	}
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		FAIL_AT("write %s", path);
		exit(1);
	}
	fchmod(fd, mode);
	close(fd);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		FAIL_AT("cleanup");
}

static int load_dir(struct lg_policy_set *set, struct lg_diag *diag, unsigned flags)
{
	const char *paths[] = {tmpdir};

	return lg_policy_set_load(paths, 1, flags, set, diag);
}

#define POLICY(name, cgroup) "[policy]\nname = " name "\ncgroup = " cgroup "\nmode = audit\n"

TEST(set_directory_reads_ini_files_in_order)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};

	make_dir();
	write_file("b.ini", POLICY("b", "/b"), 0644);
	write_file("a.ini", POLICY("a", "/a"), 0644);
	write_file("c.ini.example", "not a policy", 0644);
	write_file(".hidden.ini", "not a policy", 0644);
	write_file("README", "not a policy", 0644);
	CHECK_INT(load_dir(&set, &diag, LG_LOAD_CHECK_OWNER), 0);
	CHECK_INT(set.count, 2);
	CHECK_STR(set.policies[0]->name, "a");
	CHECK_STR(set.policies[1]->name, "b");
	CHECK_INT(diag.count, 0);
	lg_policy_set_free(&set);
	remove_dir();
}

/*
 * Read through a descriptor of the directory: what the descriptor names, even when the path
 * leads elsewhere by then; messages name the files by the path given.
 */
TEST(set_directory_read_through_a_descriptor)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char moved[80], msg[512];
	int fd;

	make_dir();
	write_file("a.ini", POLICY("a", "/a"), 0644);
	fd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0);
	snprintf(moved, sizeof(moved), "%s.moved", tmpdir);
	CHECK_INT(rename(tmpdir, moved), 0);
	CHECK_INT(mkdir(tmpdir, 0755), 0); /* another directory at the path, with another policy */
	write_file("b.ini", POLICY("b", "/b"), 0644);
	CHECK_INT(lg_policy_set_load_at(fd, "/etc/lsmguard/policy.d", LG_LOAD_CHECK_OWNER, &set,
					&diag),
		  0);
	CHECK_INT(set.count, 1);
	CHECK_STR(set.policies[0]->name, "a");
	CHECK_STR(set.policies[0]->file, "/etc/lsmguard/policy.d/a.ini");
	lg_policy_set_free(&set);
	/* A bad file is reported under the given name. */
	snprintf(msg, sizeof(msg), "rm -rf %s && mv %s %s", tmpdir, moved, tmpdir);
	CHECK_INT(system(msg), 0);
	write_file("z.ini", "[policy]\nname = z\n", 0644);
	CHECK_INT(lg_policy_set_load_at(fd, "/etc/lsmguard/policy.d", 0, &set, &diag), -EINVAL);
	CHECK(diag.count >= 1);
	CHECK(strncmp(diag.msgs[0].file, "/etc/lsmguard/policy.d/z.ini", 28) == 0);
	close(fd);
	lg_diag_free(&diag);
	remove_dir();
}

TEST(set_errors_in_any_file_load_nothing)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char expect[256];

	make_dir();
	write_file("a.ini", POLICY("a", "/a"), 0644);
	write_file("b.ini", POLICY("b", "/b") "[files]\ndeny = etc\n", 0644);
	write_file("c.ini", POLICY("c", "/c") "[exec]\nalow = /x\n", 0644);
	CHECK_INT(load_dir(&set, &diag, 0), -EINVAL);
	CHECK_INT(set.count, 0);
	CHECK(set.policies == NULL);
	CHECK_INT(set.files_read, 3);
	CHECK_INT(diag.errors, 2);
	snprintf(expect, sizeof(expect),
		 "%s/b.ini:6: error: path 'etc' is relative; write an absolute path starting with '/'",
		 tmpdir);
	CHECK_STR(diag_line(&diag, 0), expect);
	snprintf(expect, sizeof(expect),
		 "%s/c.ini:6: error: unknown key 'alow' in [exec] (did you mean 'allow'?); keys are "
		 "default, allow, deny, anonymous",
		 tmpdir);
	CHECK_STR(diag_line(&diag, 1), expect);
	lg_diag_free(&diag);
	remove_dir();
}

/*
 * A policy directory holds regular files: a symbolic link (to a file anywhere) and a fifo
 * (which would block the daemon's open) are each refused with their reason, and nothing of the
 * directory is loaded. A file named directly may be a link: the administrator chose it (and a
 * fifo named directly is waited for: vm-tests/protect.c's second lsmguard process is one).
 */
TEST(set_directory_refuses_links_and_special_files)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char target[128], link[128], fifo[128], expect[512];
	const char *direct[1];

	make_dir();
	write_file("a.ini", POLICY("a", "/a"), 0644);
	snprintf(target, sizeof(target), "%s/elsewhere", tmpdir);
	write_file("elsewhere", POLICY("b", "/b"), 0644);
	snprintf(link, sizeof(link), "%s/b.ini", tmpdir);
	CHECK_INT(symlink(target, link), 0);
	CHECK_INT(load_dir(&set, &diag, 0), -ELOOP);
	CHECK_INT(set.count, 0);
	CHECK_INT(diag.errors, 1);
	snprintf(expect, sizeof(expect),
		 "%s/b.ini: error: is a symbolic link; lsmguard reads only regular files in a policy "
		 "directory (a link can lead anywhere): copy the policy file here instead",
		 tmpdir);
	CHECK_STR(diag_line(&diag, 0), expect);
	lg_diag_free(&diag);
	/* Through a descriptor of the directory, as the daemon reads it. */
	{
		int fd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);

		memset(&diag, 0, sizeof(diag));
		CHECK_INT(lg_policy_set_load_at(fd, tmpdir, 0, &set, &diag), -ELOOP);
		CHECK_INT(set.count, 0);
		CHECK_STR(diag_line(&diag, 0), expect);
		lg_diag_free(&diag);
		close(fd);
	}
	/* The same file named directly loads. */
	direct[0] = link;
	memset(&diag, 0, sizeof(diag));
	CHECK_INT(lg_policy_set_load(direct, 1, 0, &set, &diag), 0);
	CHECK_INT(set.count, 1);
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
	/* A fifo: refused at once (an open would wait for a writer). */
	CHECK_INT(unlink(link), 0);
	snprintf(fifo, sizeof(fifo), "%s/c.ini", tmpdir);
	CHECK_INT(mkfifo(fifo, 0644), 0);
	memset(&diag, 0, sizeof(diag));
	CHECK_INT(load_dir(&set, &diag, 0), -EINVAL);
	CHECK_INT(set.count, 0);
	snprintf(expect, sizeof(expect),
		 "%s/c.ini: error: not a regular file (a fifo); the policy directory holds policy "
		 "files only: move it out",
		 tmpdir);
	CHECK_STR(diag_line(&diag, 0), expect);
	lg_diag_free(&diag);
	remove_dir();
}

TEST(set_duplicate_names_and_cgroups)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char expect[512];

	make_dir();
	write_file("a.ini", POLICY("web", "/system.slice/web.service"), 0644);
	write_file("b.ini", "[policy]\nname = web\nunit = web.service\nmode = enforce\n", 0644);
	CHECK_INT(load_dir(&set, &diag, 0), -EINVAL);
	CHECK_INT(set.count, 0);
	CHECK_INT(diag.errors, 2);
	snprintf(expect, sizeof(expect),
		 "%s/b.ini:2: error: policy name 'web' is already used by %s/a.ini:2; names must be "
		 "unique",
		 tmpdir, tmpdir);
	CHECK_STR(diag_line(&diag, 0), expect);
	snprintf(expect, sizeof(expect),
		 "%s/b.ini:3: error: cgroup /system.slice/web.service is already claimed by policy "
		 "'web' (%s/a.ini:3); a cgroup has at most one policy",
		 tmpdir, tmpdir);
	CHECK_STR(diag_line(&diag, 1), expect);
	lg_diag_free(&diag);
	remove_dir();
}

TEST(set_refuses_group_or_world_writable_files)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	char expect[512];

	make_dir();
	write_file("a.ini", POLICY("a", "/a"), 0664);
	write_file("b.ini", POLICY("b", "/b"), 0646);
	CHECK_INT(load_dir(&set, &diag, LG_LOAD_CHECK_OWNER), -EPERM);
	CHECK_INT(diag.errors, 2);
	snprintf(expect, sizeof(expect),
		 "%s/a.ini: error: refusing a policy file that is group-writable (mode 0664); run "
		 "'chmod go-w %s/a.ini'",
		 tmpdir, tmpdir);
	CHECK_STR(diag_line(&diag, 0), expect);
	snprintf(expect, sizeof(expect),
		 "%s/b.ini: error: refusing a policy file that is world-writable (mode 0646); run "
		 "'chmod go-w %s/b.ini'",
		 tmpdir, tmpdir);
	CHECK_STR(diag_line(&diag, 1), expect);
	lg_diag_free(&diag);
	/* Without the check (lsmguard's unit tests, fuzzing), the same files load. */
	CHECK_INT(load_dir(&set, &diag, 0), 0);
	lg_policy_set_free(&set);
	remove_dir();
}

/* A directory for policy files, removed after the case, also when a check failed. */
FIXTURE(policy_dir)
{
	struct lg_diag diag;
};

FIXTURE_SETUP(policy_dir)
{
	(void)self;
	make_dir();
}

FIXTURE_TEARDOWN(policy_dir)
{
	lg_diag_free(&self->diag);
	remove_dir();
}

TEST_F(policy_dir, set_refuses_files_of_another_owner_when_root)
{
	struct lg_policy_set set;
	char expect[512], path[256];

	if (geteuid() != 0)
		SKIP("only root can give a file to another owner");
	write_file("a.ini", POLICY("a", "/a"), 0644);
	write_file("b.ini", POLICY("b", "/b"), 0644);
	snprintf(path, sizeof(path), "%s/b.ini", tmpdir);
	CHECK_INT(chown(path, 1000, 1000), 0);
	CHECK_INT(load_dir(&set, &self->diag, LG_LOAD_CHECK_OWNER), -EPERM);
	CHECK_INT(self->diag.errors, 1);
	snprintf(expect, sizeof(expect),
		 "%s/b.ini: error: refusing a policy file owned by uid 1000 while running as "
		 "root; run 'chown root:root %s/b.ini'",
		 tmpdir, tmpdir);
	CHECK_STR(diag_line(&self->diag, 0), expect);
}

TEST(set_missing_and_empty)
{
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	const char *missing[] = {"/nonexistent/policy.d"};

	CHECK_INT(lg_policy_set_load(missing, 1, 0, &set, &diag), -ENOENT);
	CHECK_STR(diag_line(&diag, 0), "/nonexistent/policy.d: error: No such file or directory");
	lg_diag_free(&diag);
	make_dir();
	CHECK_INT(load_dir(&set, &diag, 0), -ENOENT);
	CHECK_STR(diag_line(&diag, 0), "error: no policy files (*.ini) found");
	lg_diag_free(&diag);
	remove_dir();
}

TEST(capacity_port_slots)
{
	struct lg_policy_set set = {0};
	struct lg_diag diag = {0};
	struct lg_compiled *c;
	struct lg_policy *p;
	char text[1024] = HEADER "[network]\ndefault = deny\n";

	for (int i = 0; i < 9; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "allow = 127.0.0.1 tcp %d\n",
			 8000 + 2 * i);
	CHECK_INT(parse_text(text, &p, &diag), 0);
	set.policies = &p;
	set.count = 1;
	CHECK_INT(lg_policy_set_validate(&set, &diag), 0);
	CHECK_INT(lg_compile(&set, 1, 0, &c, &diag), -E2BIG);
	CHECK_STR(diag_line(&diag, 0), "t.ini:15: error: more than 8 port rules share the address "
				       "of 127.0.0.1/32 tcp 8016 (LG_NET_PORT_SLOTS); merge ports "
				       "into ranges");
	lg_policy_free(p);
	lg_diag_free(&diag);
}

TEST(capacity_nested_prefixes)
{
	struct lg_policy_set set = {0};
	struct lg_diag diag = {0};
	struct lg_compiled *c;
	struct lg_policy *p;
	char text[1024] = HEADER "[network]\n";

	for (int len = 8; len <= 32; len += 3)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "deny = 10.0.0.0/%d tcp %d\n", len, len);
	CHECK_INT(parse_text(text, &p, &diag), 0);
	set.policies = &p;
	set.count = 1;
	CHECK_INT(lg_policy_set_validate(&set, &diag), 0);
	CHECK_INT(lg_compile(&set, 1, 0, &c, &diag), -E2BIG);
	CHECK_STR(diag_line(&diag, 0), "t.ini:14: error: 9 nested address prefixes enclose "
				       "10.0.0.0/32 tcp 32; the kernel examines at most 8 "
				       "(LG_NET_CHAIN_MAX): merge some of them");
	lg_policy_free(p);
	lg_diag_free(&diag);
}

TEST(capacity_path_keys)
{
	size_t rules = LG_MAX_PATH_ENTRIES + 1, used = 0, cap = rules * 24 + 256;
	struct lg_policy_set set = {0};
	struct lg_diag diag = {0};
	struct lg_compiled *c;
	struct lg_policy *p;
	char *text = malloc(cap);

	used += (size_t)snprintf(text, cap, HEADER "[files]\n");
	for (size_t i = 0; i < rules; i++)
		used += (size_t)snprintf(text + used, cap - used, "deny = /p/%zu\n", i);
	CHECK_INT(lg_policy_parse_buffer("t.ini", text, used, 0, &p, &diag), 0);
	set.policies = &p;
	set.count = 1;
	CHECK_INT(lg_policy_set_validate(&set, &diag), 0);
	CHECK_INT(lg_compile(&set, 1, 0, &c, &diag), -E2BIG);
	CHECK_STR(diag_line(&diag, diag.count - 1), "error: the policies need 65537 path keys; the "
						    "path map holds 65536 (LG_MAX_PATH_ENTRIES)");
	lg_policy_free(p);
	lg_diag_free(&diag);
	free(text);
}

TEST(capacity_policy_count)
{
	struct lg_policy_set set = {0};
	struct lg_diag diag = {0};

	set.count = LG_MAX_POLICIES + 1;
	set.policies = calloc(set.count, sizeof(*set.policies));
	for (size_t i = 0; i < set.count; i++) {
		char text[128];

		snprintf(text, sizeof(text), "[policy]\nname = p%zu\ncgroup = /c%zu\nmode = audit\n", i, i);
		CHECK_INT(parse_text(text, &set.policies[i], &diag), 0);
	}
	CHECK_INT(lg_policy_set_validate(&set, &diag), -EINVAL);
	CHECK_STR(diag_line(&diag, 0), "error: 1025 policies given; lsmguard loads at most 1024 at "
				       "once");
	lg_policy_set_free(&set);
	lg_diag_free(&diag);
}
