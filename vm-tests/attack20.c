// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 20 (helper, s43-attack): names on and above a rule's path, and a directory moved
 * into a rule's place after the service made second names of its files.
 *
 * Policy a20 (enforce, [files] default = allow):
 *   deny = /data/a20/conf/secret   (conf missing at load)
 *   deny = /data/a20/dconf/        (a directory rule on a missing directory)
 *   deny = /data/a20/dc2/sub/      (a directory rule whose parent is missing)
 *   deny = /data/a20/xconf/secret  (exact rule: a staged directory moved into place)
 *   deny = /data/a20/ddir/         (directory rule: a staged directory moved into place)
 *   deny = /data/a20/ldconf/       (directory rule: staged files with paths over 255 bytes)
 * Every case asserts the secure outcome (EPERM at the service's names); a failure is a bypass.
 * Unconfined controls open / make the same names.
 *
 * Results in the 6.1 VM against e541011 (root and uid 1000 alike):
 *  2000/2001, 2005/2006, 2004, 2007, 2009/2010, 2011: pass (EPERM where asserted).
 *  2002/2003 FAIL: a file the service linked while staged, moved into a directory rule's place
 *       (mv lstage ldconf) at a path of 256 bytes or more, is still read through the service's
 *       name after a reload, and the service makes further names of it (link: 0); no warning.
 *       2008 puts the edge at 256 bytes (255: EPERM). The load's walk skips names that do not
 *       fit a record (enforcer/links.c link_walk_dir: len + 1 + n >= sizeof(path)).
 *  2012 FAIL: the same limit for the documented row "hard link made by an unconfined
 *       administrator before load": a long-named file under a directory rule is read through
 *       the administrator's link made while lsmguard was unloaded.
 *  Printed only: a read descriptor of the staged file opened before the move reads the key the
 *  administrator writes after the move and a reload (decided at open).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"
#include "lsmguard_abi.h"

#define A20 "/lgt/a20"
#define D "/data/a20"

#define L60 "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
#define M200 "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM" \
	     "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM"

static const char a20_policy[] = "[policy]\nname = a20\ncgroup = " A20 "\nmode = enforce\n"
				 "[files]\ndefault = allow\n"
				 "deny = " D "/conf/secret\n"
				 "deny = " D "/dconf/\n"
				 "deny = " D "/dc2/sub/\n"
				 "deny = " D "/xconf/secret\n"
				 "deny = " D "/ddir/\n"
				 "deny = " D "/ldconf/\n"
				 "[exec]\ndefault = allow\n"
				 "[network]\ndefault = allow\n";

static void a20_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup(A20);
	mkdir("/data", 0755);
	mkdir(D, 0777);
	VM_CHECK(chmod(D, 0777) == 0);
	if (access(POLICY_DIR "/a20.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a20.ini", a20_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum {
	OP_RENAME,
	OP_URING_RENAME,
	OP_EXCHANGE,
	OP_SYMLINK,
	OP_URING_SYMLINK,
	OP_LINK,
	OP_LINK_EMPTY_PATH,
	OP_MKDIR,
	OP_URING_MKDIR,
	OP_MKFIFO,
	OP_BIND,
	OP_CREAT,
	OP_TMPFILE_LINK,
	OP_TMPFILE_LINK_EMPTY,
	OP_OPEN_READ,
	OP_LINK_FOLLOW,
};

static const char *const op_names[] = {"rename",
				       "io_uring rename",
				       "exchange",
				       "symlink",
				       "io_uring symlink",
				       "link (no follow)",
				       "linkat(AT_EMPTY_PATH) of O_PATH",
				       "mkdir",
				       "io_uring mkdir",
				       "mkfifo",
				       "bind unix socket",
				       "open(O_CREAT|O_EXCL)",
				       "O_TMPFILE in a's dir, linkat /proc/self/fd",
				       "O_TMPFILE in a's dir, linkat AT_EMPTY_PATH",
				       "open+read",
				       "linkat(AT_SYMLINK_FOLLOW)"};

struct a20_op {
	int what;
	const char *a, *b;
	uid_t uid;
};

/* As uid, cwd D: the operation; 0 or the errno (open+read: 0 when "key" was read, 77 when
 * something else was read). */
static int a20_do(const void *arg)
{
	const struct a20_op *o = arg;
	int ret = become(o->uid), fd;
	char buf[128] = "", proc[64];

	if (ret)
		return ret;
	if (chdir(D))
		return 1;
	switch (o->what) {
	case OP_RENAME:
		return rename(o->a, o->b) ? errno : 0;
	case OP_URING_RENAME:
		ret = uring_renameat(AT_FDCWD, o->a, AT_FDCWD, o->b, 0);
		return ret < 0 && ret > -1000 ? -ret : ret;
	case OP_EXCHANGE:
		return syscall(SYS_renameat2, AT_FDCWD, o->a, AT_FDCWD, o->b, RENAME_EXCHANGE) ? errno
											      : 0;
	case OP_SYMLINK:
		return symlink(o->a, o->b) ? errno : 0;
	case OP_URING_SYMLINK:
		ret = uring_symlinkat(o->a, AT_FDCWD, o->b);
		return ret < 0 && ret > -1000 ? -ret : ret;
	case OP_LINK:
		return linkat(AT_FDCWD, o->a, AT_FDCWD, o->b, 0) ? errno : 0;
	case OP_LINK_FOLLOW:
		return linkat(AT_FDCWD, o->a, AT_FDCWD, o->b, AT_SYMLINK_FOLLOW) ? errno : 0;
	case OP_LINK_EMPTY_PATH:
		fd = open(o->a, O_PATH | O_NOFOLLOW);
		if (fd < 0)
			return errno;
		ret = linkat(fd, "", AT_FDCWD, o->b, AT_EMPTY_PATH) ? errno : 0;
		close(fd);
		return ret;
	case OP_MKDIR:
		return mkdir(o->b, 0777) ? errno : 0;
	case OP_URING_MKDIR:
		ret = uring_mkdirat(AT_FDCWD, o->b, 0777);
		return ret < 0 && ret > -1000 ? -ret : ret;
	case OP_MKFIFO:
		return mkfifo(o->b, 0666) ? errno : 0;
	case OP_BIND: {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		if (s < 0)
			return errno;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o->b);
		ret = bind(s, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
		close(s);
		return ret;
	}
	case OP_CREAT:
		fd = open(o->b, O_CREAT | O_EXCL | O_WRONLY, 0666);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case OP_TMPFILE_LINK:
	case OP_TMPFILE_LINK_EMPTY:
		fd = open(o->a, O_TMPFILE | O_RDWR, 0666);
		if (fd < 0)
			return 2000 + errno;
		if (o->what == OP_TMPFILE_LINK) {
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			ret = linkat(AT_FDCWD, proc, AT_FDCWD, o->b, AT_SYMLINK_FOLLOW) ? errno : 0;
		} else {
			ret = linkat(fd, "", AT_FDCWD, o->b, AT_EMPTY_PATH) ? errno : 0;
		}
		close(fd);
		return ret;
	default:
		fd = open(o->a, O_RDONLY);
		if (fd < 0)
			return errno;
		ret = read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "key") ? 0 : 77;
		close(fd);
		return ret;
	}
}

static int a20_as(const char *cgroup, int what, const char *a, const char *b, uid_t uid)
{
	const struct a20_op o = {what, a, b, uid};

	return in_cgroup(cgroup, a20_do, &o);
}

/* op as uid; print the result; fail unless expected; when refused, nothing new left at b. */
static int a20_expect(const char *cgroup, int what, const char *a, const char *b, uid_t uid,
		      int expected)
{
	struct stat st;
	bool there = b && lstat(b, &st) == 0;
	int got = a20_as(cgroup, what, a, b, uid);

	printf("#   %s, uid %u: %s %s -> %s: %d (%s)\n", cgroup ? cgroup : "unconfined", uid,
	       op_names[what], a ? a : "", b ? b : "", got, got > 0 && got < 1000 ? strerror(got) : got ? "?" : "done");
	if (got != expected)
		VM_FAIL("%s as uid %u in %s: %s to %s returned %d (%s), expected %d (%s)",
			op_names[what], uid, cgroup ? cgroup : "no cgroup", a ? a : "", b ? b : "",
			got, got > 0 && got < 1000 ? strerror(got) : "-", expected,
			strerror(expected));
	if (b && expected == EPERM && !there && lstat(b, &st) == 0)
		VM_FAIL("%s to %s was refused but left %s behind", op_names[what], b, b);
	return got;
}

/* The service's own things, made as uid. */
static void a20_fresh(uid_t uid)
{
	char cmd[768];

	snprintf(cmd, sizeof(cmd),
		 "cd " D " && rm -rf mine mylink myfilelink conf dconf dc2 free && "
		 "mkdir mine && echo own > mine/secret && ln -s " D "/mine mylink && "
		 "ln -s " D "/mine/secret myfilelink && chown -hR %d:%d mine mylink myfilelink",
		 (int)uid, (int)uid);
	VM_CHECK(system(cmd) == 0);
}

static void a20_names(uid_t uid)
{
	int r;

	a20_setup();
	a20_fresh(uid);
	/* A directory rule's own missing name: the service's directory or a link to it there. */
	a20_expect(A20, OP_SYMLINK, D "/mine", D "/dconf", uid, EPERM);
	a20_expect(A20, OP_URING_SYMLINK, D "/mine", D "/dconf", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/mine", D "/dconf", uid, EPERM);
	a20_expect(A20, OP_URING_RENAME, D "/mine", D "/dconf", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/mylink", D "/dconf", uid, EPERM);
	a20_expect(A20, OP_LINK, D "/mylink", D "/dconf", uid, EPERM);
	a20_expect(A20, OP_LINK_EMPTY_PATH, D "/mylink", D "/dconf", uid, uid ? ENOENT : EPERM);
	/* trailing slashes, relative names, /proc/self/cwd */
	a20_expect(A20, OP_RENAME, D "/mine/", D "/dconf/", uid, EPERM);
	a20_expect(A20, OP_RENAME, "mine", "../a20/./dconf", uid, EPERM);
	a20_expect(A20, OP_RENAME, "mine", "/proc/self/cwd/dconf", uid, EPERM);
	a20_expect(A20, OP_SYMLINK, D "/mine", "/proc/self/cwd/dconf", uid, EPERM);
	a20_expect(A20, OP_RENAME, "/proc/self/cwd/mine", "/proc/self/root" D "/conf", uid, EPERM);
	/* a directory rule's missing parent, and the rule's name under the service's mkdir */
	a20_expect(A20, OP_SYMLINK, D "/mine", D "/dc2", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/mine", D "/dc2", uid, EPERM);
	r = a20_expect(A20, OP_MKDIR, NULL, D "/dc2", uid, 0);
	if (r == 0) {
		a20_expect(A20, OP_SYMLINK, D "/mine", D "/dc2/sub", uid, EPERM);
		a20_expect(A20, OP_RENAME, D "/mine", D "/dc2/sub", uid, EPERM);
		a20_expect(A20, OP_URING_RENAME, D "/mine", D "/dc2/sub", uid, EPERM);
		a20_expect(A20, OP_LINK, D "/mylink", D "/dc2/sub", uid, EPERM);
	}
	/* the directory rule's own name made by mkdir: printed (the rule applies inside) */
	r = a20_as(A20, OP_MKDIR, NULL, D "/dconf", uid);
	printf("#   a20, uid %u: mkdir " D "/dconf (a directory rule's own name): %d\n", uid, r);
	if (r == 0) {
		a20_expect(A20, OP_SYMLINK, D "/mine/secret", D "/dconf/secret", uid, EPERM);
		a20_expect(A20, OP_MKFIFO, NULL, D "/dconf/secret", uid, EPERM);
		a20_expect(A20, OP_MKDIR, NULL, D "/dconf/sub", uid, EPERM);
		a20_expect(A20, OP_TMPFILE_LINK, D "/dconf", D "/dconf/secret", uid, 2000 + EPERM);
		a20_expect(A20, OP_LINK, D "/myfilelink", D "/dconf/secret", uid, EPERM);
	}
	/* The exact rule's missing directory made by the service: what it may put at secret */
	a20_expect(A20, OP_MKDIR, NULL, D "/conf", uid, 0);
	a20_expect(A20, OP_SYMLINK, D "/mine/secret", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_URING_SYMLINK, D "/mine/secret", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_LINK, D "/myfilelink", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/myfilelink", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_URING_RENAME, D "/myfilelink", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/mine/secret", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_LINK, D "/mine/secret", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_MKFIFO, NULL, D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_BIND, NULL, D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_MKDIR, NULL, D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_URING_MKDIR, NULL, D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_CREAT, NULL, D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_CREAT, NULL, "/proc/self/cwd/conf/secret", uid, EPERM);
	a20_expect(A20, OP_TMPFILE_LINK, D "/conf", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_TMPFILE_LINK_EMPTY, D "/conf", D "/conf/secret", uid,
		   uid ? ENOENT : EPERM);
	a20_expect(A20, OP_TMPFILE_LINK, D "/mine", D "/conf/secret", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/mine/", D "/conf/secret/", uid, EPERM);
	/* the administrator's later write at the rule's path lands in nothing of the service's */
	write_file(D "/conf/secret", "key\n", 0644);
	a20_expect(A20, OP_OPEN_READ, D "/conf/secret", NULL, uid, EPERM);
	a20_expect(A20, OP_OPEN_READ, D "/mine/secret", NULL, uid, 77);
	a20_expect(A20, OP_LINK, D "/conf/secret", D "/mine/s2", uid, uid ? EPERM : EPERM);
	/* controls: unconfined the same names are made */
	VM_CHECK(unlink(D "/conf/secret") == 0);
	a20_expect(NULL, OP_SYMLINK, D "/mine/secret", D "/conf/secret", uid, 0);
	VM_CHECK(unlink(D "/conf/secret") == 0);
	VM_CHECK(system("rm -rf " D "/dconf") == 0);
	a20_expect(NULL, OP_SYMLINK, D "/mine", D "/dconf", uid, 0);
	VM_CHECK(unlink(D "/dconf") == 0);
	a20_expect(A20, OP_RENAME, D "/mine", D "/free", uid, 0);
	a20_expect(A20, OP_RENAME, D "/free", D "/mine", uid, 0);
}

VM_TEST(a20_names_at_missing_rule_paths_as_root, 2000)
{
	VM_TIMEOUT(300);
	a20_names(0);
}

VM_TEST(a20_names_at_missing_rule_paths_as_user, 2001)
{
	VM_TIMEOUT(300);
	a20_names(1000);
}

/*
 * 2002/2003: the administrator's staged directories moved into the rules' places after the
 * service made second names of files in them; then a reload; then the administrator writes the
 * key into the live file. A confined child holds, across all of it, a read descriptor of the
 * staged file and an O_PATH descriptor of the staged directory (printed: what it reads).
 */
#define HOLD_READY "/run/a20.ready"
#define HOLD_GO "/run/a20.go"
#define HOLD_RES "/run/a20.res"

struct a20_hold {
	uid_t uid;
};

static int a20_hold_do(const void *arg)
{
	const struct a20_hold *h = arg;
	int ret = become(h->uid), fd, dfd, r_fd, r_at, r_proc, r_cwd, f;
	char buf[128] = "", proc[64];
	FILE *out;

	if (ret)
		return ret;
	fd = open(D "/stage/secret", O_RDONLY);
	dfd = open(D "/stage", O_PATH | O_DIRECTORY);
	if (fd < 0 || dfd < 0)
		return 3;
	f = open(HOLD_READY, O_CREAT | O_WRONLY, 0666);
	if (f >= 0)
		close(f);
	for (int i = 0; i < 1200 && access(HOLD_GO, F_OK) != 0; i++)
		usleep(50000);
	/* the descriptor opened before the move */
	r_fd = pread(fd, buf, sizeof(buf) - 1, 0) > 0 && strstr(buf, "key") ? 0 : 77;
	/* the directory descriptor: openat, /proc/self/fd/N/secret, fchdir */
	f = openat(dfd, "secret", O_RDONLY);
	r_at = f < 0 ? errno : 0;
	if (f >= 0)
		close(f);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d/secret", dfd);
	f = open(proc, O_RDONLY);
	r_proc = f < 0 ? errno : 0;
	if (f >= 0)
		close(f);
	r_cwd = fchdir(dfd) ? 1000 + errno : 0;
	if (!r_cwd) {
		f = open("secret", O_RDONLY);
		r_cwd = f < 0 ? errno : 0;
		if (f >= 0)
			close(f);
	}
	out = fopen(HOLD_RES, "w");
	if (out) {
		fprintf(out, "%d %d %d %d\n", r_fd, r_at, r_proc, r_cwd);
		fclose(out);
	}
	return 0;
}

static void a20_moved(uid_t uid)
{
	struct in_cgroup_thread t;
	struct a20_hold h = {uid};
	int r_fd = -1, r_at = -1, r_proc = -1, r_cwd = -1, now;
	FILE *in;
	char cmd[1024];

	a20_setup();
	VM_CHECK(system("cd " D " && rm -rf stage stage2 lstage xconf ddir ldconf mine_* && "
			"mkdir -m 0777 stage stage2 lstage && mkdir -p stage2/sub/deep && "
			"mkdir -p lstage/" M200 " && chmod -R 0777 stage2 lstage") == 0);
	write_file(D "/stage/secret", "placeholder\n", 0666);
	VM_CHECK(chmod(D "/stage/secret", 0666) == 0);
	write_file(D "/stage2/sub/deep/s2", "key in a directory rule\n", 0666);
	VM_CHECK(chmod(D "/stage2/sub/deep/s2", 0666) == 0);
	write_file(D "/lstage/" M200 "/" L60, "key behind a long name\n", 0666);
	VM_CHECK(chmod(D "/lstage/" M200 "/" L60, 0666) == 0);
	unlink(HOLD_READY);
	unlink(HOLD_GO);
	unlink(HOLD_RES);
	/* the service's second names, made while the files are staged (allowed) */
	a20_expect(A20, OP_LINK, D "/stage/secret", D "/mine_x", uid, 0);
	a20_expect(A20, OP_LINK, D "/stage/secret", D "/stage/alias", uid, 0);
	a20_expect(A20, OP_LINK, D "/stage2/sub/deep/s2", D "/mine_d", uid, 0);
	a20_expect(A20, OP_LINK, D "/lstage/" M200 "/" L60, D "/mine_l", uid, 0);
	VM_CHECK(in_cgroup_start(&t, A20, a20_hold_do, &h));
	for (int i = 0; i < 200 && access(HOLD_READY, F_OK) != 0; i++)
		usleep(50000);
	VM_CHECK(access(HOLD_READY, F_OK) == 0);
	/* the administrator: the staged directories into the rules' places */
	VM_CHECK(rename(D "/stage", D "/xconf") == 0);
	VM_CHECK(rename(D "/stage2", D "/ddir") == 0);
	VM_CHECK(rename(D "/lstage", D "/ldconf") == 0);
	now = a20_as(A20, OP_OPEN_READ, D "/mine_l", NULL, uid);
	printf("#   uid %u: before the reload, %s: %d (known open until a load: 1806)\n", uid,
	       D "/mine_l", now);
	VM_CHECK(daemon_reload_wait());
	/* and writes the key into the live file (opens the existing file) */
	snprintf(cmd, sizeof(cmd), "echo key > " D "/xconf/secret");
	VM_CHECK(system(cmd) == 0);
	/* controls: the live names themselves, and unconfined */
	a20_expect(A20, OP_OPEN_READ, D "/xconf/secret", NULL, uid, EPERM);
	a20_expect(A20, OP_OPEN_READ, D "/ddir/sub/deep/s2", NULL, uid, EPERM);
	a20_expect(A20, OP_OPEN_READ, D "/ldconf/" M200 "/" L60, NULL, uid, EPERM);
	a20_expect(NULL, OP_OPEN_READ, D "/mine_x", NULL, uid, 0);
	a20_expect(NULL, OP_OPEN_READ, D "/mine_l", NULL, uid, 0);
	/* the service's second names after the reload */
	a20_expect(A20, OP_OPEN_READ, D "/mine_x", NULL, uid, EPERM);
	a20_expect(A20, OP_OPEN_READ, D "/xconf/alias", NULL, uid, EPERM);
	a20_expect(A20, OP_OPEN_READ, D "/mine_d", NULL, uid, EPERM);
	a20_expect(A20, OP_OPEN_READ, D "/mine_l", NULL, uid, EPERM);
	a20_expect(A20, OP_LINK, D "/mine_x", D "/mine_x2", uid, EPERM);
	a20_expect(A20, OP_RENAME, D "/mine_x", D "/mine_x3", uid, EPERM);
	a20_expect(A20, OP_LINK, D "/mine_l", D "/mine_l2", uid, EPERM);
	/* the held descriptors */
	VM_CHECK(write(open(HOLD_GO, O_CREAT | O_WRONLY, 0666), "", 0) == 0);
	in_cgroup_join(&t);
	in = fopen(HOLD_RES, "r");
	if (in) {
		if (fscanf(in, "%d %d %d %d", &r_fd, &r_at, &r_proc, &r_cwd) != 4)
			r_fd = -1;
		fclose(in);
	}
	printf("#   uid %u: descriptor of stage/secret opened before the move, read after the "
	       "key was written: %d (0: the key read); openat(O_PATH dirfd, secret) %d, "
	       "/proc/self/fd/N/secret %d, fchdir+open %d\n",
	       uid, r_fd, r_at, r_proc, r_cwd);
	if (r_at != EPERM || r_proc != EPERM || r_cwd != EPERM)
		VM_FAIL("uid %u: the staged directory's descriptor reached the live secret: openat "
			"%d, proc %d, fchdir %d",
			uid, r_at, r_proc, r_cwd);
	VM_CHECK(system("cd " D " && rm -rf stage stage2 lstage xconf ddir ldconf mine_*") == 0);
}

VM_TEST(a20_staged_directory_moved_into_place_as_root, 2002)
{
	VM_TIMEOUT(300);
	a20_moved(0);
}

VM_TEST(a20_staged_directory_moved_into_place_as_user, 2003)
{
	VM_TIMEOUT(300);
	a20_moved(1000);
}

/*
 * 2004: no directory move: the administrator renames (or links, then removes the staged name)
 * a file the service had linked into a directory rule's place at a path longer than 255 bytes
 * (/data/a20/ldconf/<200>/<60>), and, as the control, at a short path (/data/a20/ldconf/k2).
 * The kernel follows the rename or link (attack runs 17, 18); then a reload.
 */
static void a20_into_long(uid_t uid, int by_link, bool long_name, int n)
{
	char staged[64], mine[64], live[400];
	int now, later;

	snprintf(staged, sizeof(staged), D "/pub/k%d_%u", n, uid);
	snprintf(mine, sizeof(mine), D "/mine_k%d_%u", n, uid);
	if (long_name)
		snprintf(live, sizeof(live), D "/ldconf/" M200 "/" L60 "%d_%u", n, uid);
	else
		snprintf(live, sizeof(live), D "/ldconf/k%d_%u", n, uid);
	write_file(staged, "key staged\n", 0666);
	VM_CHECK(chmod(staged, 0666) == 0);
	a20_expect(A20, OP_LINK, staged, mine, uid, 0);
	if (by_link == 2) {
		write_file(live, "old live\n", 0644);
		VM_CHECK(syscall(SYS_renameat2, AT_FDCWD, staged, AT_FDCWD, live,
				 RENAME_EXCHANGE) == 0);
	} else if (by_link) {
		VM_CHECK(link(staged, live) == 0);
		VM_CHECK(unlink(staged) == 0);
	} else {
		VM_CHECK(rename(staged, live) == 0);
	}
	a20_expect(A20, OP_OPEN_READ, live, NULL, uid, EPERM);
	now = a20_as(A20, OP_OPEN_READ, mine, NULL, uid);
	VM_CHECK(daemon_reload_wait());
	later = a20_as(A20, OP_OPEN_READ, mine, NULL, uid);
	printf("#   uid %u: %s into %s path (%zu bytes): the service's %s at once %d, after a "
	       "reload %d (0: the key read); unconfined %d\n",
	       uid, by_link == 2 ? "exchange" : by_link ? "link+unlink" : "rename", long_name ? "a long" : "a short",
	       strlen(live), mine, now, later, try_open(NULL, mine, O_RDONLY) >= 0 ? 0 : errno);
	if (now != EPERM || later != EPERM)
		VM_FAIL("uid %u: %s into %s: %s read: at once %d, after a reload %d", uid,
			by_link == 2 ? "exchange" : by_link ? "link+unlink" : "rename", live, mine, now, later);
}

VM_TEST(a20_file_moved_into_a_long_denied_path, 2004)
{
	VM_TIMEOUT(300);
	a20_setup();
	VM_CHECK(system("cd " D " && rm -rf ldconf pub mine_k* && mkdir -m 0777 pub && "
			"mkdir -p ldconf/" M200) == 0);
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;

		a20_into_long(uid, 0, true, 1);
		a20_into_long(uid, 1, true, 2);
		a20_into_long(uid, 0, false, 3);
		a20_into_long(uid, 1, false, 4);
		a20_into_long(uid, 2, true, 5);
		a20_into_long(uid, 2, false, 6);
	}
	VM_CHECK(system("cd " D " && rm -rf ldconf pub mine_k*") == 0);
}

/*
 * 2005/2006: the same names through an administrator's bind mount of /data/a20 at /mnt/a20b
 * (the service reaches the rules' paths by another mount); and the staged directory moved into
 * the exact rule's place holding the file under a temporary name, which the administrator then
 * renames onto the denied name (kernel follow of the rename, then a reload).
 */
static void a20_bound(uid_t uid)
{
	a20_setup();
	a20_fresh(uid);
	mkdir("/mnt", 0755);
	mkdir("/mnt/a20b", 0755);
	VM_CHECK(system("mount -o bind " D " /mnt/a20b") == 0);
	usleep(500000);
	a20_expect(A20, OP_SYMLINK, "/mnt/a20b/mine", "/mnt/a20b/dconf", uid, EPERM);
	a20_expect(A20, OP_RENAME, "/mnt/a20b/mine", "/mnt/a20b/dconf", uid, EPERM);
	a20_expect(A20, OP_RENAME, "/mnt/a20b/mine", "/mnt/a20b/conf", uid, EPERM);
	a20_expect(A20, OP_SYMLINK, "/mnt/a20b/mine", "/mnt/a20b/conf", uid, EPERM);
	a20_expect(A20, OP_URING_SYMLINK, "/mnt/a20b/mine", "/mnt/a20b/dc2", uid, EPERM);
	a20_expect(A20, OP_MKDIR, NULL, "/mnt/a20b/conf", uid, 0);
	a20_expect(A20, OP_SYMLINK, "/mnt/a20b/mine/secret", "/mnt/a20b/conf/secret", uid, EPERM);
	a20_expect(A20, OP_LINK, "/mnt/a20b/myfilelink", "/mnt/a20b/conf/secret", uid, EPERM);
	a20_expect(A20, OP_MKFIFO, NULL, "/mnt/a20b/conf/secret", uid, EPERM);
	VM_CHECK(system("umount /mnt/a20b") == 0);
}

VM_TEST(a20_names_through_a_bind_mount_as_root, 2005)
{
	a20_bound(0);
}

VM_TEST(a20_names_through_a_bind_mount_as_user, 2006)
{
	a20_bound(1000);
}

VM_TEST(a20_staged_directory_then_rename_onto_the_denied_name, 2007)
{
	VM_TIMEOUT(300);
	a20_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		int now, later;

		VM_CHECK(system("cd " D " && rm -rf stage xconf mine_t && mkdir -m 0777 stage") == 0);
		write_file(D "/stage/secret.new", "key new\n", 0666);
		VM_CHECK(chmod(D "/stage/secret.new", 0666) == 0);
		a20_expect(A20, OP_LINK, D "/stage/secret.new", D "/mine_t", uid, 0);
		VM_CHECK(rename(D "/stage", D "/xconf") == 0);
		VM_CHECK(rename(D "/xconf/secret.new", D "/xconf/secret") == 0);
		now = a20_as(A20, OP_OPEN_READ, D "/mine_t", NULL, uid);
		VM_CHECK(daemon_reload_wait());
		later = a20_as(A20, OP_OPEN_READ, D "/mine_t", NULL, uid);
		printf("#   uid %u: staged dir moved, then secret.new renamed onto secret: mine_t at "
		       "once %d, after a reload %d\n",
		       uid, now, later);
		if (now != EPERM || later != EPERM)
			VM_FAIL("uid %u: mine_t read: at once %d, after a reload %d", uid, now, later);
	}
	VM_CHECK(system("cd " D " && rm -rf stage xconf mine_t") == 0);
}

/*
 * 2008: where 2002's long-name route starts: the staged file's path after the move into the
 * directory rule's place is 255 bytes (name of 37) or 256 bytes (name of 38).
 */
VM_TEST(a20_staged_long_name_boundary, 2008)
{
	static const char n37[] = "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN";
	static const char n38[] = "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN";

	VM_TIMEOUT(300);
	a20_setup();
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		int got[2];

		VM_CHECK(system("cd " D " && rm -rf lstage ldconf mine_b* && mkdir -p lstage/" M200
				" && chmod -R 0777 lstage") == 0);
		for (int i = 0; i < 2; i++) {
			char staged[300], mine[64];

			snprintf(staged, sizeof(staged), D "/lstage/" M200 "/%s", i ? n38 : n37);
			snprintf(mine, sizeof(mine), D "/mine_b%d", i);
			write_file(staged, "key boundary\n", 0666);
			VM_CHECK(chmod(staged, 0666) == 0);
			a20_expect(A20, OP_LINK, staged, mine, uid, 0);
		}
		VM_CHECK(rename(D "/lstage", D "/ldconf") == 0);
		VM_CHECK(daemon_reload_wait());
		got[0] = a20_as(A20, OP_OPEN_READ, D "/mine_b0", NULL, uid);
		got[1] = a20_as(A20, OP_OPEN_READ, D "/mine_b1", NULL, uid);
		printf("#   uid %u: after the move and a reload: live path of %zu bytes -> mine_b0 "
		       "%d; of %zu bytes -> mine_b1 %d (0: the key read)\n",
		       uid, strlen(D "/ldconf/" M200 "/") + strlen(n37), got[0],
		       strlen(D "/ldconf/" M200 "/") + strlen(n38), got[1]);
		if (got[0] != EPERM || got[1] != EPERM)
			VM_FAIL("uid %u: read through the service's name after a reload: 255 bytes %d, "
				"256 bytes %d",
				uid, got[0], got[1]);
	}
	VM_CHECK(system("cd " D " && rm -rf lstage ldconf mine_b*") == 0);
}

/*
 * 2009/2010: a descriptor of the staged file held across the move into the exact rule's place
 * and a reload: an O_PATH descriptor reopened through /proc/self/fd, linked with
 * AT_SYMLINK_FOLLOW through /proc/self/fd, and (root) with AT_EMPTY_PATH.
 */
struct a20_opath {
	uid_t uid;
};

static int a20_opath_do(const void *arg)
{
	const struct a20_opath *h = arg;
	int ret = become(h->uid), fd, f, r_open, r_link, r_empty;
	char proc[64];
	FILE *out;

	if (ret)
		return ret;
	fd = open(D "/stage/secret", O_PATH);
	if (fd < 0)
		return 3;
	f = open(HOLD_READY, O_CREAT | O_WRONLY, 0666);
	if (f >= 0)
		close(f);
	for (int i = 0; i < 1200 && access(HOLD_GO, F_OK) != 0; i++)
		usleep(50000);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	f = open(proc, O_RDONLY);
	r_open = f < 0 ? errno : 0;
	if (f >= 0)
		close(f);
	r_link = linkat(AT_FDCWD, proc, AT_FDCWD, D "/mine_o1", AT_SYMLINK_FOLLOW) ? errno : 0;
	r_empty = linkat(fd, "", AT_FDCWD, D "/mine_o2", AT_EMPTY_PATH) ? errno : 0;
	out = fopen(HOLD_RES, "w");
	if (out) {
		fprintf(out, "%d %d %d\n", r_open, r_link, r_empty);
		fclose(out);
	}
	return 0;
}

static void a20_opath(uid_t uid)
{
	struct in_cgroup_thread t;
	struct a20_opath h = {uid};
	int r_open = -1, r_link = -1, r_empty = -1;
	FILE *in;

	a20_setup();
	VM_CHECK(system("cd " D " && rm -rf stage xconf mine_o* && mkdir -m 0777 stage") == 0);
	write_file(D "/stage/secret", "key opath\n", 0666);
	VM_CHECK(chmod(D "/stage/secret", 0666) == 0);
	unlink(HOLD_READY);
	unlink(HOLD_GO);
	unlink(HOLD_RES);
	VM_CHECK(in_cgroup_start(&t, A20, a20_opath_do, &h));
	for (int i = 0; i < 200 && access(HOLD_READY, F_OK) != 0; i++)
		usleep(50000);
	VM_CHECK(rename(D "/stage", D "/xconf") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(write(open(HOLD_GO, O_CREAT | O_WRONLY, 0666), "", 0) == 0);
	in_cgroup_join(&t);
	in = fopen(HOLD_RES, "r");
	if (in) {
		if (fscanf(in, "%d %d %d", &r_open, &r_link, &r_empty) != 3)
			r_open = -1;
		fclose(in);
	}
	printf("#   uid %u: O_PATH descriptor of the staged file after the move and a reload: "
	       "reopen via /proc/self/fd %d, linkat(AT_SYMLINK_FOLLOW) %d, linkat(AT_EMPTY_PATH) "
	       "%d\n",
	       uid, r_open, r_link, r_empty);
	if (r_open != EPERM || r_link != EPERM || r_empty != (uid ? ENOENT : EPERM))
		VM_FAIL("uid %u: O_PATH descriptor: reopen %d, link %d, empty-path link %d", uid,
			r_open, r_link, r_empty);
	VM_CHECK(system("cd " D " && rm -rf stage xconf mine_o*") == 0);
}

VM_TEST(a20_opath_descriptor_across_the_move_as_root, 2009)
{
	a20_opath(0);
}

VM_TEST(a20_opath_descriptor_across_the_move_as_user, 2010)
{
	a20_opath(1000);
}

/*
 * 2011: depth: the staged file is 32 components deep (linkable), the live file 34 (the staged
 * directory moved under a directory rule two levels deeper, policy a20d); after a reload the
 * service's name.
 */
static const char a20d_policy[] = "[policy]\nname = a20d\ncgroup = /lgt/a20d\nmode = enforce\n"
				  "[files]\ndefault = allow\n"
				  "deny = " D "/q/r/ddir3/\n"
				  "[exec]\ndefault = allow\n"
				  "[network]\ndefault = allow\n";

VM_TEST(a20_staged_deep_file_moved_deeper, 2011)
{
	char staged[256], live[256], dirs[160] = "";

	VM_TIMEOUT(300);
	a20_setup();
	make_cgroup("/lgt/a20d");
	write_file(POLICY_DIR "/a20d.ini", a20d_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	for (int i = 0; i < 28; i++)
		strcat(dirs, "/d");
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? 1000 : 0;
		char cmd[512];
		int now, later;

		snprintf(cmd, sizeof(cmd),
			 "cd " D " && rm -rf q dstage mine_dp && mkdir -p q/r dstage%s && chmod -R "
			 "0777 dstage",
			 dirs);
		VM_CHECK(system(cmd) == 0);
		snprintf(staged, sizeof(staged), D "/dstage%s/f", dirs);
		snprintf(live, sizeof(live), D "/q/r/ddir3%s/f", dirs);
		write_file(staged, "key deep\n", 0666);
		VM_CHECK(chmod(staged, 0666) == 0);
		a20_expect("/lgt/a20d", OP_LINK, staged, D "/mine_dp", uid, 0);
		VM_CHECK(rename(D "/dstage", D "/q/r/ddir3") == 0);
		a20_expect("/lgt/a20d", OP_OPEN_READ, live, NULL, uid, EPERM);
		now = a20_as("/lgt/a20d", OP_OPEN_READ, D "/mine_dp", NULL, uid);
		VM_CHECK(daemon_reload_wait());
		later = a20_as("/lgt/a20d", OP_OPEN_READ, D "/mine_dp", NULL, uid);
		printf("#   uid %u: staged file of 32 components moved to 34: mine_dp at once %d, "
		       "after a reload %d\n",
		       uid, now, later);
		if (later != EPERM)
			VM_FAIL("uid %u: mine_dp read after a reload (%d)", uid, later);
	}
	VM_CHECK(system("cd " D " && rm -rf q dstage mine_dp") == 0);
	VM_CHECK(unlink(POLICY_DIR "/a20d.ini") == 0);
	VM_CHECK(daemon_reload_wait());
}

/*
 * 2012: the documented row "hard link to a protected file, made by an unconfined administrator,
 * before ... load: EPERM", with a file under the directory rule /data/a20/ldconf/ whose path is
 * 256 bytes or more (and a short one as the control): lsmguard unloaded, the administrator's
 * second names made, lsmguard started (its load walks the directory rule).
 * The load is the suite's one of `lsmguard run --link-records N` (another case sets it on a
 * start that adopts the pins): the records' map sized N and the daemon's reserve, N the
 * kernel's capacity; then the usual 16,384 again by a restart over the pins.
 */
VM_TEST(a20_admin_link_before_start_long_name, 2012)
{
	const char *const unload[] = {LSMGUARD, "unload", NULL};
	const char *const larger[] = {"--link-records", "20000", NULL};
	const char *const usual[] = {"--link-records", "16384", NULL};
	static const char longf[] = D "/ldconf/" M200 "/" L60;
	pid_t pid;

	VM_TIMEOUT(300);
	a20_setup();
	pid = daemon_pid();
	VM_CHECK(run_command(unload, NULL, 0) == 0);
	if (pid > 1)
		VM_CHECK(wait_exit(pid, 10000));
	VM_CHECK(system("cd " D " && rm -rf ldconf pub2 && mkdir -m 0755 pub2 && mkdir -p ldconf/" M200) ==
		 0);
	write_file(longf, "key long admin\n", 0644);
	write_file(D "/ldconf/short", "key short admin\n", 0644);
	VM_CHECK(link(longf, D "/pub2/adm_l") == 0);
	VM_CHECK(link(D "/ldconf/short", D "/pub2/adm_s") == 0);
	VM_CHECK(daemon_start_with(larger) > 0);
	if (pinned_map_max_entries("lg_links") != 20000 + LG_LINK_RESERVE ||
	    link_records_field("capacity") != 20000)
		VM_FAIL("loaded with --link-records 20000: lg_links holds %ld, the capacity is %lld",
			pinned_map_max_entries("lg_links"), link_records_field("capacity"));
	/* At the start (bank 0), and after two reloads, so that each bank has been in force: a
	 * cut record's hashes for the other bank were made with a seed of 0 before review 38's
	 * H2 (the other bank drew its seed at its first load). */
	for (int round = 0; round < 3; round++) {
		if (round)
			VM_CHECK(daemon_reload_wait());
		for (int u = 0; u < 2; u++) {
			uid_t uid = u ? 1000 : 0;
			int r_l = a20_as(A20, OP_OPEN_READ, D "/pub2/adm_l", NULL, uid);
			int r_s = a20_as(A20, OP_OPEN_READ, D "/pub2/adm_s", NULL, uid);
			int r_live = a20_as(A20, OP_OPEN_READ, longf, NULL, uid);

			printf("#   load %d, uid %u: administrator's links made before start: long "
			       "(%zu bytes) %d, short %d (0: the key read); the long live name %d\n",
			       round, uid, strlen(longf), r_l, r_s, r_live);
			if (r_l != EPERM || r_s != EPERM || r_live != EPERM)
				VM_FAIL("load %d, uid %u: long %d, short %d, live %d", round, uid, r_l,
					r_s, r_live);
		}
	}
	VM_CHECK(system("cd " D " && rm -rf ldconf pub2") == 0);
	VM_CHECK(daemon_restart_with(usual));
	VM_CHECK(link_records_field("capacity") == 16384);
}
