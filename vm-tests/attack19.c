// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 19 (the lead, 2026-12-05 second session): a rule's path that does not exist yet.
 *
 * A deny rule names /data/a19/conf/secret before the administrator has made conf/. A confined
 * service that may write in /data/a19 puts its own directory there (rename, or a symbolic link
 * to it, or a hard link of such a symbolic link), with a file at secret and a second name of
 * that file elsewhere: the rule's path now leads into the service's directory, and whatever the
 * administrator later writes into /data/a19/conf/secret (`echo key > conf/secret` opens the
 * existing file) the service reads through its other name, or through its directory's own
 * name, which no rule names. Before this run the rename and symlink hooks checked only the
 * names themselves (conf is not denied), and rules beneath only for a directory moving away.
 *
 * Policies: a19 (enforce, [files] default = allow, deny = /data/a19/conf/secret and
 * /data/a19/deep/x/y/secret) and a19o (another service's deny rule /data/a19/other/secret).
 * As root and as uid 1000 in /lgt/a19; unconfined is the control. Each route asserts EPERM and
 * that nothing was made at the name; mkdir of the name (a real directory, the rules apply in
 * it) and a move to a name with no rule beneath are allowed.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define A19 "/lgt/a19"
#define A19O "/lgt/a19o"
#define D "/data/a19"

static const char a19_policy[] = "[policy]\nname = a19\ncgroup = " A19 "\nmode = enforce\n"
				 "[files]\ndefault = allow\n"
				 "deny = " D "/conf/secret\n"
				 "deny = " D "/deep/x/y/secret\n"
				 "[exec]\ndefault = allow\n"
				 "[network]\ndefault = allow\n";
static const char a19o_policy[] = "[policy]\nname = a19o\ncgroup = " A19O "\nmode = enforce\n"
				  "[files]\ndefault = allow\ndeny = " D "/other/secret\n"
				  "[exec]\ndefault = allow\n"
				  "[network]\ndefault = allow\n";

static void a19_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup(A19);
	make_cgroup(A19O);
	mkdir("/data", 0755);
	mkdir(D, 0777);
	VM_CHECK(chmod(D, 0777) == 0);
	if (access(POLICY_DIR "/a19.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a19.ini", a19_policy, 0644);
	write_file(POLICY_DIR "/a19o.ini", a19o_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum {
	OP_RENAME,
	OP_URING_RENAME,
	OP_EXCHANGE,
	OP_NOREPLACE,
	OP_SYMLINK,
	OP_URING_SYMLINK,
	OP_LINK,
	OP_LINK_EMPTY_PATH,
	OP_MKDIR
};

static const char *const op_names[] = {
    "rename",	 "io_uring rename",   "exchange",
    "RENAME_NOREPLACE", "symlink", "io_uring symlink",
    "link of a symlink", "linkat(AT_EMPTY_PATH) of an O_PATH symlink", "mkdir"};

struct a19_op {
	int what;
	const char *a, *b;
	uid_t uid;
};

/* As uid: the operation from a to b (b alone for mkdir); 0 or the errno. */
static int a19_do(const void *arg)
{
	const struct a19_op *o = arg;
	int ret = become(o->uid);

	if (ret)
		return ret;
	switch (o->what) {
	case OP_RENAME:
		return rename(o->a, o->b) ? errno : 0;
	case OP_URING_RENAME:
		ret = uring_renameat(AT_FDCWD, o->a, AT_FDCWD, o->b, 0);
		return ret < 0 && ret > -1000 ? -ret : ret;
	case OP_EXCHANGE:
		return syscall(SYS_renameat2, AT_FDCWD, o->a, AT_FDCWD, o->b, RENAME_EXCHANGE) ? errno
											      : 0;
	case OP_NOREPLACE:
		return syscall(SYS_renameat2, AT_FDCWD, o->a, AT_FDCWD, o->b, RENAME_NOREPLACE)
			       ? errno
			       : 0;
	case OP_SYMLINK:
		return symlink(o->a, o->b) ? errno : 0;
	case OP_URING_SYMLINK:
		ret = uring_symlinkat(o->a, AT_FDCWD, o->b);
		return ret < 0 && ret > -1000 ? -ret : ret;
	case OP_LINK:
		return linkat(AT_FDCWD, o->a, AT_FDCWD, o->b, 0) ? errno : 0;
	case OP_LINK_EMPTY_PATH: {
		int fd = open(o->a, O_PATH | O_NOFOLLOW);

		if (fd < 0)
			return errno;
		ret = linkat(fd, "", AT_FDCWD, o->b, AT_EMPTY_PATH) ? errno : 0;
		close(fd);
		return ret;
	}
	default:
		return mkdir(o->b, 0777) ? errno : 0;
	}
}

static int a19_as(const char *cgroup, int what, const char *a, const char *b, uid_t uid)
{
	const struct a19_op o = {what, a, b, uid};

	return in_cgroup(cgroup, a19_do, &o);
}

/* The service's own things, made as uid: a directory with a file at secret, and a symbolic
 * link to the directory. */
static void a19_fresh(uid_t uid)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "rm -rf " D "/mine " D "/mylink " D "/conf " D "/deep " D "/other " D "/free && "
		 "mkdir " D "/mine " D "/deep && echo own > " D "/mine/secret && ln -s " D
		 "/mine " D "/mylink && chown -hR %d:%d " D "/mine " D "/mylink && chmod 0777 " D
		 "/deep",
		 (int)uid, (int)uid);
	VM_CHECK(system(cmd) == 0);
}

/* op from a to b as uid under a19 (or cgroup): expected; and, when refused, nothing at b. */
static void a19_expect(const char *cgroup, int what, const char *a, const char *b, uid_t uid,
		       int expected)
{
	struct stat st;
	bool there = lstat(b, &st) == 0;
	int got = a19_as(cgroup, what, a, b, uid);

	printf("#   %s, uid %u: %s %s -> %s: %d (%s)\n", cgroup ? cgroup : "unconfined", uid,
	       op_names[what], a ? a : "", b, got, got ? strerror(got) : "done");
	if (got != expected)
		VM_FAIL("%s as uid %u in %s: %s to %s returned %d (%s), expected %d (%s)",
			op_names[what], uid, cgroup ? cgroup : "no cgroup", a ? a : "", b, got,
			got > 0 ? strerror(got) : "-", expected, strerror(expected));
	if (expected == EPERM && !there && lstat(b, &st) == 0)
		VM_FAIL("%s to %s was refused but left %s behind", op_names[what], b, b);
	if (expected == EPERM && there && lstat(b, &st) == 0 && S_ISLNK(st.st_mode))
		VM_FAIL("%s to %s was refused but left a symbolic link there", op_names[what], b);
}

#define RULE_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot rename or move a directory that holds a "   \
	"rule's path, put a directory or symbolic link where one lies beneath, nor move a file "  \
	"out of an [exec] deny rule\""
#define OTHERS_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot rename or move a directory that holds "     \
	"another policy's deny rule, nor put a directory or symbolic link where one lies "         \
	"beneath\""

static void a19_routes(uid_t uid)
{
	long mark;

	a19_setup();
	a19_fresh(uid);
	mark = event_mark();
	/* Its directory, or a link to it, at the rule's missing directory, by every route. */
	a19_expect(A19, OP_RENAME, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_URING_RENAME, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_SYMLINK, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_URING_SYMLINK, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_NOREPLACE, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_RENAME, D "/mylink", D "/conf", uid, EPERM);
	a19_expect(A19, OP_LINK, D "/mylink", D "/conf", uid, EPERM);
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH: ENOENT for uid 1000 before any hook */
	a19_expect(A19, OP_LINK_EMPTY_PATH, D "/mylink", D "/conf", uid, uid ? ENOENT : EPERM);
	/* a missing directory further up: /data/a19/deep/x for .../x/y/secret */
	a19_expect(A19, OP_RENAME, D "/mine", D "/deep/x", uid, EPERM);
	a19_expect(A19, OP_SYMLINK, D "/mine", D "/deep/x", uid, EPERM);
	/* another policy's deny rule beneath (a protection) */
	a19_expect(A19, OP_RENAME, D "/mine", D "/other", uid, EPERM);
	a19_expect(A19, OP_SYMLINK, D "/mine", D "/other", uid, EPERM);
	/* conf made empty by the administrator: replaced by the service's directory, or
	 * exchanged with it */
	VM_CHECK(mkdir(D "/conf", 0777) == 0 && chmod(D "/conf", 0777) == 0);
	a19_expect(A19, OP_RENAME, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_EXCHANGE, D "/mine", D "/conf", uid, EPERM);
	a19_expect(A19, OP_EXCHANGE, D "/mylink", D "/conf", uid, EPERM);
	VM_CHECK(access(D "/conf/secret", F_OK) != 0 && access(D "/mine/secret", F_OK) == 0);
	VM_CHECK(rmdir(D "/conf") == 0);
	/* allowed: a real directory at the name, and a move where no rule lies beneath */
	a19_expect(A19, OP_MKDIR, NULL, D "/conf", uid, 0);
	VM_CHECK(rmdir(D "/conf") == 0);
	a19_expect(A19, OP_RENAME, D "/mine", D "/free", uid, 0);
	a19_expect(A19, OP_RENAME, D "/free", D "/mine", uid, 0);
	a19_expect(A19, OP_SYMLINK, D "/mine", D "/free", uid, 0);
	VM_CHECK(unlink(D "/free") == 0);
	/* unconfined: the administrator's own (the rule stays on the path) */
	a19_expect(NULL, OP_SYMLINK, D "/mine", D "/conf", uid, 0);
	VM_CHECK(unlink(D "/conf") == 0);
	a19_expect(NULL, OP_RENAME, D "/mine", D "/conf", uid, 0);
	VM_CHECK(rename(D "/conf", D "/mine") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a19\"",
			   "\"hook\":\"path_rename\"", UID_FIELD(uid), RULE_SOURCE,
			   "\"path\":\"" D "/conf\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a19\"",
			   "\"hook\":\"path_symlink\"", UID_FIELD(uid), RULE_SOURCE,
			   "\"path\":\"" D "/conf\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a19\"",
			   "\"hook\":\"path_link\"", UID_FIELD(uid), RULE_SOURCE,
			   "\"path\":\"" D "/conf\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a19\"",
			   "\"hook\":\"path_rename\"", UID_FIELD(uid), OTHERS_SOURCE,
			   "\"path\":\"" D "/other\"");
}

VM_TEST(a19_own_directory_at_a_rules_missing_path_as_root, 1900)
{
	a19_routes(0);
}

VM_TEST(a19_own_directory_at_a_rules_missing_path_as_user, 1901)
{
	a19_routes(1000);
}

/*
 * 1902: the load's walk of a directory deny rule for files with other names (lg_links_record)
 * is bounded: a rule on a directory of more entries than LG_LINK_WALK_RULE (20,000) is walked
 * that far and said, with the rule's file and line; the load goes on. The policy and the files
 * go at the end (every later load would walk them).
 */
#define A19W "/data/a19w"
static const char a19w_policy[] = "[policy]\nname = a19w\ncgroup = /lgt/a19w\nmode = enforce\n"
				  "[files]\ndefault = allow\n"
				  "deny = " A19W "/\n"
				  "[exec]\ndefault = allow\n"
				  "[network]\ndefault = allow\n";

VM_TEST(a19_links_walk_of_a_directory_rule_is_bounded, 1902)
{
	char name[64];

	VM_TIMEOUT(300);
	VM_EXPECT_DAEMON_WARNING("a19w.ini:7: warning: the load stopped its walk of " A19W
				 " after 20000 entries (at most 20000 for a rule, 200000 for all "
				 "rules): files there that have other names");
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup("/lgt/a19w");
	VM_CHECK(system("rm -rf " A19W " && mkdir -p " A19W "/bulk") == 0);
	for (int i = 0; i < 20100; i++) {
		int fd;

		snprintf(name, sizeof(name), A19W "/bulk/f%05d", i);
		fd = open(name, O_CREAT | O_WRONLY, 0644);
		VM_CHECK(fd >= 0);
		if (fd < 0)
			break;
		close(fd);
	}
	write_file(POLICY_DIR "/a19w.ini", a19w_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(unlink(POLICY_DIR "/a19w.ini") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(system("rm -rf " A19W) == 0);
}
