// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 18 (an independent attacker) against branch s41-links (90ca3e3): link records
 * follow renames (lg_path_rename_record) and prefer a name under a deny rule (lg_link_prefer).
 *
 * The weak point attacked: "under a deny rule" is lg_link_under_deny, the deny filter of every
 * deny rule of every policy and class, each prefix of the name tested as a directory rule. A
 * record at a name that passes that test is never replaced by the denied name (lg_link_prefer
 * and the "another name moves onto a denied name" branch both give up), although the rule that
 * makes it pass may deny nothing this service reads there: an [exec] deny on the directory
 * (a18: [exec] deny = /data/a18/, a usual "nothing runs from the data directory"), or another
 * policy's deny rule (a18o). The service moves the record onto such a name of its own with
 * moves the kernel performs or refuses after the LSM hook:
 *  - rename(recorded name, another name of the same file): vfs_rename returns 0 at once
 *    (source == target), after security_path_rename moved the record;
 *  - a rename refused after the hook (EISDIR onto a directory as root; EACCES from the
 *    directory's mode as uid 1000): the record names a name the file never had.
 * The attacker: a18 (enforce, [files] default allow, deny = /data/a18/secret), as root and as
 * uid 1000 in /lgt/a18; the administrator (unconfined) rotates the secret with the usual rename
 * or link of a temporary file. Every result is printed ("#   ..." lines) and checked against the
 * threat model (EPERM for the denied file by any name, at once and after a reload).
 *
 * Run 2026-12-05 01:17 UTC (VM, 90ca3e3 + these cases): all eight fail, as root and as uid 1000
 * (the service reads the replaced secret through its other name, open = 0):
 *  1800 no-op rename: at once and after a reload; its control (/data/a18free, no deny above
 *       the service's name) EPERM;
 *  1801 admin's link onto the denied name: at once (EPERM after a reload);
 *  1802 rename refused after the hook (EISDIR root, EACCES uid 1000): at once (EPERM after);
 *  1803 existing file linked onto the denied name: at once and after a reload;
 *  1804 two policies' deny rules on two names: at once and after a reload;
 *  1805 O_TMPFILE linked into place, then a backup link: at once (EPERM after);
 *  1806 directory exchanged/renamed into place: exact rule at once (EPERM after a reload),
 *       directory rule at once and after a reload (refresh_links sees exact rules only);
 *  1807 io_uring no-op rename: at once and after a reload; the exchange of the file's two
 *       names passes (EPERM).
 *
 * Since then (the lead, the same session): the changes a link or rename makes to the records
 * wait for the kernel to have made it (fexit of vfs_link, vfs_rename), a rename between two
 * names of one file changes nothing, and a file keeps two records, its original name and its
 * denied name (LG_LINK_KEY_DENIED: the administrator's name under a deny rule), both checked.
 * Every case here passes, as root and as uid 1000, but 1806 (a directory swapped into place)
 * at once: the kernel renames the directory, not the files, so no record follows it until the
 * next load (EPERM after it, for an exact rule's file and, since 2026-12-05 second session, a
 * directory rule's, found by the load's walk of the directory: lg_links_record).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define A18 "/lgt/a18"
#define A18O "/lgt/a18o"
#define D "/data/a18"
#define SECRET D "/secret"
#define TMP D "/secret.tmp"
#define FREE "/data/a18free"
#define TWO "/data/a18o"

static const char a18_policy[] = "[policy]\nname = a18\ncgroup = " A18 "\nmode = enforce\n"
				 "[files]\ndefault = allow\n"
				 "deny = " SECRET "\n"
				 "deny = " FREE "/secret\n"
				 "deny = " TWO "/secret\n"
				 "deny = " FREE "/conf/secret\n"
				 "deny = /data/a18dir/conf/\n"
				 "[exec]\ndefault = allow\ndeny = " D "/\n"
				 "[network]\ndefault = allow\n";
/* another service's policy: its own deny rule on another name */
static const char a18o_policy[] = "[policy]\nname = a18o\ncgroup = " A18O "\nmode = enforce\n"
				  "[files]\ndefault = allow\ndeny = " TWO "/other\n"
				  "[exec]\ndefault = allow\n"
				  "[network]\ndefault = allow\n";

static void a18_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup(A18);
	make_cgroup(A18O);
	mkdir("/data", 0755);
	mkdir(D, 0777);
	mkdir(FREE, 0777);
	mkdir(TWO, 0777);
	chmod(D, 0777);
	chmod(FREE, 0777);
	chmod(TWO, 0777);
	mkdir(D "/adir", 0755);
	mkdir(D "/ro", 0755); /* root's: uid 1000 may not create in it */
	if (access(SECRET, F_OK) != 0)
		write_file(SECRET, "secret\n", 0644);
	if (access(FREE "/secret", F_OK) != 0)
		write_file(FREE "/secret", "secret\n", 0644);
	if (access(POLICY_DIR "/a18.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a18.ini", a18_policy, 0644);
	write_file(POLICY_DIR "/a18o.ini", a18o_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum { OP_OPEN, OP_LINK, OP_RENAME, OP_URING_RENAME, OP_EXCHANGE, OP_WHITEOUT, OP_NOREPLACE };

struct a18_op {
	int what;
	const char *a, *b;
	uid_t uid;
};

/* As uid in the cgroup: open a and read it (0: read the replaced secret; 77: read something
 * else), link a to b, or rename a to b; else the errno. */
static int a18_do(const void *arg)
{
	const struct a18_op *o = arg;
	int ret = become(o->uid), fd;
	char buf[64] = "";

	if (ret)
		return ret;
	switch (o->what) {
	case OP_LINK:
		return link(o->a, o->b) ? errno : 0;
	case OP_RENAME:
		return rename(o->a, o->b) ? errno : 0;
	case OP_EXCHANGE:
		return syscall(SYS_renameat2, AT_FDCWD, o->a, AT_FDCWD, o->b, RENAME_EXCHANGE) ? errno
											      : 0;
	case OP_WHITEOUT:
		return syscall(SYS_renameat2, AT_FDCWD, o->a, AT_FDCWD, o->b, RENAME_WHITEOUT) ? errno
											      : 0;
	case OP_NOREPLACE:
		return syscall(SYS_renameat2, AT_FDCWD, o->a, AT_FDCWD, o->b, RENAME_NOREPLACE)
			       ? errno
			       : 0;
	case OP_URING_RENAME:
		ret = uring_renameat(AT_FDCWD, o->a, AT_FDCWD, o->b, 0);
		return ret < 0 && ret > -1000 ? -ret : ret;
	default:
		fd = open(o->a, O_RDONLY);
		if (fd < 0)
			return errno;
		ret = read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "replaced") ? 0 : 77;
		close(fd);
		return ret;
	}
}

static int a18_as(const char *cgroup, int what, const char *a, const char *b, uid_t uid)
{
	const struct a18_op o = {what, a, b, uid};

	return in_cgroup(cgroup, a18_do, &o);
}

/* The administrator's temporary file: world-writable so that uid 1000 may link it with
 * fs.protected_hardlinks (DAC is not what is tested: lsmguard alone decides the secret). */
static void a18_fresh_tmp(const char *tmp)
{
	unlink(tmp);
	write_file(tmp, "replaced secret\n", 0666);
	VM_CHECK(chmod(tmp, 0666) == 0);
}

/* The threat model's answer for the service's own name: EPERM at once and after a reload. */
static void a18_expect_denied(const char *what, uid_t uid, const char *name)
{
	int now = a18_as(A18, OP_OPEN, name, NULL, uid), later;

	VM_CHECK(daemon_reload_wait());
	later = a18_as(A18, OP_OPEN, name, NULL, uid);
	printf("#   %s, uid %u: open %s %d (0: read the secret), after a reload %d; unconfined %d\n",
	       what, uid, name, now, later, try_open(NULL, name, O_RDONLY));
	if (now != EPERM)
		VM_FAIL("%s: uid %u read the denied file through %s (%d), expected EPERM", what, uid,
			name, now);
	if (later != EPERM)
		VM_FAIL("%s: uid %u read the denied file through %s after a reload (%d), expected "
			"EPERM",
			what, uid, name, later);
}

/*
 * 1800: the service links the administrator's temporary file, then renames the temporary name
 * onto its own link (same file: the kernel does nothing and returns 0, after path_rename moved
 * the record to the service's name). The administrator renames the temporary file onto the
 * denied name: the record (the service's name, under the [exec] deny of /data/a18/) is not
 * replaced. Control: the same in /data/a18free, where no deny rule covers the service's name.
 */
VM_TEST(a18_links_noop_rename_moves_the_record, 1800)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		int r_link, r_noop, r_free_link, r_free_noop, r_free;

		/* the control first */
		a18_fresh_tmp(FREE "/secret.tmp");
		unlink(FREE "/mine");
		r_free_link = a18_as(A18, OP_LINK, FREE "/secret.tmp", FREE "/mine", uid);
		r_free_noop = a18_as(A18, OP_RENAME, FREE "/secret.tmp", FREE "/mine", uid);
		VM_CHECK(rename(FREE "/secret.tmp", FREE "/secret") == 0);
		r_free = a18_as(A18, OP_OPEN, FREE "/mine", NULL, uid);
		printf("#   control (no deny rule above), uid %u: link %d, no-op rename %d, open "
		       "mine %d\n",
		       uid, r_free_link, r_free_noop, r_free);
		VM_CHECK(r_free_link == 0 && r_free_noop == 0 && r_free == EPERM);
		unlink(FREE "/mine");

		a18_fresh_tmp(TMP);
		unlink(D "/mine");
		r_link = a18_as(A18, OP_LINK, TMP, D "/mine", uid);
		r_noop = a18_as(A18, OP_RENAME, TMP, D "/mine", uid);
		VM_CHECK(access(TMP, F_OK) == 0); /* the no-op kept both names */
		VM_CHECK(rename(TMP, SECRET) == 0); /* the administrator's rotation */
		printf("#   uid %u: link %d, no-op rename %d, open secret %d\n", uid, r_link, r_noop,
		       a18_as(A18, OP_OPEN, SECRET, NULL, uid));
		VM_CHECK(r_link == 0 && r_noop == 0);
		VM_CHECK(a18_as(A18, OP_OPEN, SECRET, NULL, uid) == EPERM);
		a18_expect_denied("no-op rename onto the service's link", uid, D "/mine");
		unlink(D "/mine");
	}
}

/*
 * 1801: no trick at all: the service links the temporary file; the administrator links it onto
 * the denied name (ln -f) and removes the temporary name. The record (the temporary name, under
 * the [exec] deny) is not replaced by the denied name.
 */
VM_TEST(a18_links_admin_links_onto_the_denied_name, 1801)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		int r_link;

		a18_fresh_tmp(TMP);
		unlink(D "/mine");
		r_link = a18_as(A18, OP_LINK, TMP, D "/mine", uid);
		VM_CHECK(r_link == 0);
		VM_CHECK(unlink(SECRET) == 0);
		VM_CHECK(link(TMP, SECRET) == 0);
		VM_CHECK(unlink(TMP) == 0);
		VM_CHECK(a18_as(A18, OP_OPEN, SECRET, NULL, uid) == EPERM);
		a18_expect_denied("linked onto the denied name", uid, D "/mine");
		unlink(D "/mine");
	}
}

/*
 * 1802: a rename the kernel refuses after the LSM hook moves the record to a name the file
 * never takes: as root onto a directory (EISDIR, may_delete), as uid 1000 into root's directory
 * (EACCES, may_create). Then the administrator's rename onto the denied name.
 */
VM_TEST(a18_links_rename_refused_after_the_hook, 1802)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		const char *target = u ? D "/ro/x" : D "/adir";
		int r_link, r_fail;

		a18_fresh_tmp(TMP);
		unlink(D "/mine");
		r_link = a18_as(A18, OP_LINK, TMP, D "/mine", uid);
		r_fail = a18_as(A18, OP_RENAME, TMP, target, uid);
		printf("#   uid %u: link %d, rename onto %s %d\n", uid, r_link, target, r_fail);
		VM_CHECK(r_link == 0);
		VM_CHECK(r_fail == (u ? EACCES : EISDIR));
		VM_CHECK(rename(TMP, SECRET) == 0);
		a18_expect_denied("a refused rename moved the record", uid, D "/mine");
		unlink(D "/mine");
	}
}

/*
 * 1803: the administrator links an existing (readable) file onto the denied name: the old name
 * stays the record (both names pass the deny filter, the old one through the [exec] deny), so
 * the file the rule names reads through its other name.
 */
VM_TEST(a18_links_existing_file_linked_into_the_denied_name, 1803)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;

		unlink(D "/data.bin");
		write_file(D "/data.bin", "replaced secret\n", 0644);
		VM_CHECK(unlink(SECRET) == 0);
		VM_CHECK(link(D "/data.bin", SECRET) == 0);
		VM_CHECK(a18_as(A18, OP_OPEN, SECRET, NULL, uid) == EPERM);
		a18_expect_denied("an existing file linked onto the denied name", uid,
				  D "/data.bin");
		/* put a lone secret back */
		VM_CHECK(unlink(SECRET) == 0);
		write_file(SECRET, "secret\n", 0644);
		unlink(D "/data.bin");
	}
}

/*
 * 1804: two deny rules of two policies on two names of one file: a18o denies /data/a18o/other,
 * a18 denies /data/a18o/secret. The administrator links other onto secret: the record keeps
 * other (a18o's denied name), which a18 may read, and a reload keeps it (it names the file).
 */
VM_TEST(a18_links_two_policies_two_denied_names, 1804)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;

		unlink(TWO "/other");
		unlink(TWO "/secret");
		write_file(TWO "/other", "replaced secret\n", 0644);
		VM_CHECK(link(TWO "/other", TWO "/secret") == 0);
		VM_CHECK(a18_as(A18, OP_OPEN, TWO "/secret", NULL, uid) == EPERM);
		VM_CHECK(a18_as(A18O, OP_OPEN, TWO "/other", NULL, uid) == EPERM);
		printf("#   uid %u: a18o opens its other name secret: %d\n", uid,
		       a18_as(A18O, OP_OPEN, TWO "/secret", NULL, uid));
		a18_expect_denied("two policies' deny rules on two names", uid, TWO "/other");
		unlink(TWO "/secret");
		unlink(TWO "/other");
	}
}

/*
 * 1805: the administrator makes the file with O_TMPFILE and links it into the denied name
 * (linkat through /proc/self/fd): the old name the kernel walks is the anonymous "/data/a18/#N",
 * under the [exec] deny, so it is the record; a later hard link (a backup) is then not covered.
 */
VM_TEST(a18_links_otmpfile_linked_into_place, 1805)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		char proc[64];
		int fd;

		fd = open(D, O_TMPFILE | O_RDWR, 0644);
		VM_CHECK(fd >= 0);
		VM_CHECK(write(fd, "replaced secret\n", 16) == 16);
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		VM_CHECK(unlink(SECRET) == 0);
		VM_CHECK(linkat(AT_FDCWD, proc, AT_FDCWD, SECRET, AT_SYMLINK_FOLLOW) == 0);
		close(fd);
		unlink(D "/backup");
		VM_CHECK(link(SECRET, D "/backup") == 0); /* the administrator's backup */
		VM_CHECK(a18_as(A18, OP_OPEN, SECRET, NULL, uid) == EPERM);
		a18_expect_denied("O_TMPFILE linked into place, then a backup link", uid,
				  D "/backup");
		unlink(D "/backup");
		VM_CHECK(unlink(SECRET) == 0);
		write_file(SECRET, "secret\n", 0644);
	}
}


/*
 * 1806: the administrator stages the new secret in a directory and swaps it with the live one
 * (RENAME_EXCHANGE of the directories; then, as a second way, a plain rename of the staging
 * directory over the emptied live one). The service had linked the staged file: the record
 * names stage/secret, and a directory's move moves no record. Asserted: EPERM after a reload,
 * for the live file named by an exact rule (/data/a18free/conf/secret) and by a directory rule
 * (/data/a18dir/conf/); what the service reads at once, before any reload, is printed (open:
 * docs/security.md, attack run 18).
 */
VM_TEST(a18_links_directory_swapped_into_place, 1806)
{
	static const char *const roots[2] = {FREE, "/data/a18dir"};
	char stage[64], conf[64], staged[80], live[80], mine[80], cmd[200];

	VM_TIMEOUT(400);
	a18_setup();
	mkdir("/data/a18dir", 0777);
	chmod("/data/a18dir", 0777);
	for (int w = 0; w < 8; w++) {
		uid_t uid = (w & 1) ? 1000 : 0;
		bool exchange = !(w & 2);
		const char *root = roots[w >> 2];
		int now, later;

		snprintf(stage, sizeof(stage), "%s/stage", root);
		snprintf(conf, sizeof(conf), "%s/conf", root);
		snprintf(staged, sizeof(staged), "%s/stage/secret", root);
		snprintf(live, sizeof(live), "%s/conf/secret", root);
		snprintf(mine, sizeof(mine), "%s/mine2", root);
		snprintf(cmd, sizeof(cmd), "rm -rf %s %s", stage, conf);
		VM_CHECK(system(cmd) == 0);
		VM_CHECK(mkdir(stage, 0777) == 0 && mkdir(conf, 0777) == 0);
		VM_CHECK(chmod(stage, 0777) == 0);
		write_file(live, "secret\n", 0644);
		a18_fresh_tmp(staged);
		unlink(mine);
		VM_CHECK(a18_as(A18, OP_LINK, staged, mine, uid) == 0);
		if (exchange) {
			VM_CHECK(syscall(SYS_renameat2, AT_FDCWD, stage, AT_FDCWD, conf,
					 RENAME_EXCHANGE) == 0);
		} else {
			snprintf(cmd, sizeof(cmd), "rm -rf %s", conf);
			VM_CHECK(system(cmd) == 0);
			VM_CHECK(rename(stage, conf) == 0);
		}
		/* the control: the live name itself */
		VM_CHECK(a18_as(A18, OP_OPEN, live, NULL, uid) == EPERM);
		now = a18_as(A18, OP_OPEN, mine, NULL, uid);
		VM_CHECK(daemon_reload_wait());
		later = a18_as(A18, OP_OPEN, mine, NULL, uid);
		printf("#   %s (%s rule), uid %u: open %s %d at once (0: read the secret), %d after a "
		       "reload; unconfined %d\n",
		       exchange ? "directories exchanged" : "directory renamed",
		       w >> 2 ? "directory" : "exact", uid, mine, now, later,
		       try_open(NULL, mine, O_RDONLY));
		if (later != EPERM)
			VM_FAIL("%s (%s rule): uid %u read the denied file through %s after a reload "
				"(%d), expected EPERM",
				exchange ? "directories exchanged" : "directory renamed",
				w >> 2 ? "directory" : "exact", uid, mine, later);
		unlink(mine);
		snprintf(cmd, sizeof(cmd), "rm -rf %s %s", stage, conf);
		VM_CHECK(system(cmd) == 0);
	}
}

/*
 * 1807: 1800's no-op rename through io_uring (IORING_OP_RENAMEAT), and an exchange of the two
 * names of the same file (both moves seen: the record goes and comes back; checked to pass).
 */
VM_TEST(a18_links_noop_rename_by_io_uring_and_exchange, 1807)
{
	a18_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		int r_link, r_noop, r_xchg;

		a18_fresh_tmp(TMP);
		unlink(D "/mine");
		r_link = a18_as(A18, OP_LINK, TMP, D "/mine", uid);
		r_xchg = a18_as(A18, OP_EXCHANGE, TMP, D "/mine", uid);
		printf("#   uid %u: link %d, exchange of two names of one file %d\n", uid, r_link,
		       r_xchg);
		VM_CHECK(r_link == 0);
		VM_CHECK(rename(TMP, SECRET) == 0);
		a18_expect_denied("exchange of the file's two names", uid, D "/mine");
		unlink(D "/mine");

		a18_fresh_tmp(TMP);
		r_link = a18_as(A18, OP_LINK, TMP, D "/mine", uid);
		r_noop = a18_as(A18, OP_URING_RENAME, TMP, D "/mine", uid);
		printf("#   uid %u: link %d, io_uring no-op rename %d\n", uid, r_link, r_noop);
		VM_CHECK(r_link == 0 && r_noop == 0);
		VM_CHECK(rename(TMP, SECRET) == 0);
		a18_expect_denied("io_uring no-op rename onto the service's link", uid, D "/mine");
		unlink(D "/mine");
	}
}

/*
 * 1808: 1800's no-op rename with renameat2 flags: RENAME_WHITEOUT and RENAME_NOREPLACE (EEXIST
 * before the hook: the record stays). Run 01:25 UTC: RENAME_WHITEOUT returns 0 as root and as
 * uid 1000 (the same no-op) and the service reads the secret through its link, at once and after
 * a reload (fails); RENAME_NOREPLACE: EEXIST, then EPERM at once and after a reload.
 */
VM_TEST(a18_links_noop_rename_with_renameat2_flags, 1808)
{
	a18_setup();
	for (int w = 0; w < 4; w++) {
		uid_t uid = (w & 1) ? 1000 : 0;
		int how = w < 2 ? OP_WHITEOUT : OP_NOREPLACE;
		int r_link, r_noop;

		a18_fresh_tmp(TMP);
		unlink(D "/mine");
		r_link = a18_as(A18, OP_LINK, TMP, D "/mine", uid);
		r_noop = a18_as(A18, how, TMP, D "/mine", uid);
		printf("#   uid %u: link %d, %s onto the service's link %d\n", uid, r_link,
		       how == OP_WHITEOUT ? "RENAME_WHITEOUT" : "RENAME_NOREPLACE", r_noop);
		VM_CHECK(r_link == 0);
		VM_CHECK(access(TMP, F_OK) == 0);
		VM_CHECK(rename(TMP, SECRET) == 0);
		a18_expect_denied(how == OP_WHITEOUT ? "RENAME_WHITEOUT no-op" : "RENAME_NOREPLACE",
				  uid, D "/mine");
		unlink(D "/mine");
	}
}

/*
 * 1809 (review 36): the same rotation on an overlayfs mounted by the administrator. overlayfs's
 * rename and link call vfs_rename and vfs_link again on the upper layer, inside the outer one:
 * the inner fexit must leave the outer operation's record change alone.
 */
#define OVL18 "/data/a18ovl"

static const char a18v_policy[] = "[policy]\nname = a18v\ncgroup = /lgt/a18v\nmode = enforce\n"
				  "[files]\ndefault = allow\ndeny = " OVL18 "/m/secret\n"
				  "[exec]\ndefault = allow\n[network]\ndefault = allow\n";

VM_TEST(a18_links_rotation_on_overlayfs, 1809)
{
	int r_mine, r_secret;

	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (system("grep -q overlay /proc/filesystems") != 0)
		VM_CHECK(system("insmod /lib/modules/overlay.ko") == 0);
	make_cgroup("/lgt/a18v");
	mkdir("/data", 0755);
	mkdir(OVL18, 0755);
	mkdir(OVL18 "/lower", 0755);
	mkdir(OVL18 "/upper", 0777);
	mkdir(OVL18 "/work", 0755);
	mkdir(OVL18 "/m", 0755);
	VM_CHECK(mount("overlay", OVL18 "/m", "overlay", 0,
		       "lowerdir=" OVL18 "/lower,upperdir=" OVL18 "/upper,workdir=" OVL18
		       "/work") == 0);
	VM_CHECK(chmod(OVL18 "/m", 0777) == 0);
	write_file(POLICY_DIR "/a18v.ini", a18v_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	write_file(OVL18 "/m/secret.tmp", "replaced secret\n", 0666);
	VM_CHECK(a18_as("/lgt/a18v", OP_LINK, OVL18 "/m/secret.tmp", OVL18 "/m/mine", 0) == 0);
	VM_CHECK(rename(OVL18 "/m/secret.tmp", OVL18 "/m/secret") == 0);
	r_secret = a18_as("/lgt/a18v", OP_OPEN, OVL18 "/m/secret", NULL, 0);
	r_mine = a18_as("/lgt/a18v", OP_OPEN, OVL18 "/m/mine", NULL, 0);
	printf("#   overlayfs: open secret %d, the service's own link %d\n", r_secret, r_mine);
	VM_CHECK(r_secret == EPERM);
	VM_CHECK(r_mine == EPERM);
	VM_CHECK(a18_as(NULL, OP_OPEN, OVL18 "/m/mine", NULL, 0) == 0);
	unlink(POLICY_DIR "/a18v.ini");
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(vm_umount(OVL18 "/m") == 0);
	VM_CHECK(system("rm -rf " OVL18) == 0);
}
