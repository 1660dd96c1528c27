// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 25 (helper, branch a25, against a9cbbf3): mount records of every depth, and names
 * with a mount on them. Every case asserts the secure outcome (EPERM, the host's mount kept);
 * a failing check is a bypass. An unconfined control does the same route first.
 *
 * Status (eighth session): 2501, 2502 and 2504 closed by refusing, outside the host's mount
 * namespace, a filesystem root without a record unless it was made outside the host's
 * namespace (path.bpf.h, lg_root_unrecorded); 2503 and 2506 by refusing, under mount =
 * namespace, an unmount the kernel would propagate (mount.bpf.c, lg_umount_propagates); 2505
 * held. 2500 (FUSE's d_invalidate) closed in the eleventh session: a root whose mount the
 * kernel detached keeps its record's name (bpf_lsm/mounts.bpf.c, enforcer/apply.c).
 *
 * Results in the 6.1 VM (/work/a25-vm1.log, /work/a25-vm1-console.log: 2501-2506;
 * /work/a25-vm2.log, /work/a25-vm2-console.log: 2500, 2506 again):
 *
 *  2500 FAIL (root in its own mount namespace, uid 1000 in the host's; no mount rights): a
 *       confined task that serves a FUSE filesystem (the connection handed to it, as a unit's
 *       FUSE daemon) on which the administrator mounted a tmpfs at /srv/a25f/d (deny =
 *       /srv/a25f/d/secret/, bound at /srv/a25fb) writes FUSE_NOTIFY_INVAL_ENTRY for "d": the
 *       kernel's d_invalidate detaches the host's mount (no inode_rmdir/unlink/rename, no
 *       sb_umount), the bind becomes the record, /srv/a25fb/secret/key READ (EPERM before). In
 *       the host's namespace too: no EBUSY on this route.
 *  2501 FAIL (root, uid 1000): a host mount point whose path is longer than 4,095 bytes (22
 *       components, 21 names of 200 bytes): the daemon drops its mountinfo line
 *       (parse_mountinfo_line: ENAMETOOLONG; its statx would fail too) with no word, so the
 *       root has no record and is not counted as unrecorded. In the host's namespace the live
 *       tree names it (deny = /srv/a25l/ holds: EPERM); a service with mount = namespace binds
 *       it (root; uid 1000 from a user namespace) or clones it (open_tree) in its own
 *       namespace and READS it: its files are named by the service's path. The same layout
 *       with a ~3,800-byte point (19 names) holds by every route.
 *  2502 FAIL (root with mount = namespace, uid 1000 with userns = allow): the administrator
 *       unmounts a host tmpfs (deny = M/secret/) while a service's own namespace keeps its copy
 *       bound elsewhere: EPERM before the unmount (named through the record), READ after (the
 *       root has no record, named by the service's tree). Root without mount rights, its copy at
 *       the host's path: EPERM (holds). Attack run 23's 2306 closed the descriptor form only.
 *  2503 FAIL (root, mount = namespace): host tmpfs PX shared (as systemd makes every mount),
 *       the administrator's tmpfs on PX/m (deny = PX/m/secret/), bound at PB. The service, in
 *       unshare(CLONE_NEWNS), makes "/" private (not recursively) and unmounts its copy of PX
 *       lazily (or binds it recursively elsewhere and unmounts the bind lazily): sb_umount sees
 *       a private parent, but the kernel propagates the unmount of the CHILD (PX/m) through
 *       PX's peer group: the host's mount on PX/m is gone, PB becomes the record, PB/secret/key
 *       READ by root and uid 1000. lg_mount_is_shared(parent) looks at the top mount only.
 *  2504 FAIL (root, mount = namespace): tmpfs A at KM (deny = KM/secret/), tmpfs B over it,
 *       both before the daemon's reading (a daemon started after them; here stopped while they
 *       were made): A is covered, its root gets no record. The service unmounts its copy of B
 *       in its own namespace, binds A elsewhere and READS.
 *  2505 holds (root, mount = namespace): io_uring UNLINKAT(AT_REMOVEDIR), RENAMEAT away and
 *       over, renameat2(RENAME_WHITEOUT) and io_uring RENAMEAT(RENAME_WHITEOUT) of a name
 *       another namespace has a mount on: 301 (EPERM), the mount kept; unconfined: done.
 *  2506 FAIL (root, mount = namespace; claim 3): /sys shared, lsmguard's pins on the bpffs at
 *       /sys/fs/bpf. The service makes "/" private (not recursively) and unmounts its own copy
 *       of /sys lazily: the unmount propagates to the host's /sys/fs/bpf (and /sys/fs/cgroup,
 *       /sys/kernel/security): /sys/fs/bpf/lsmguard is gone from the host, the bpffs's last
 *       mount went, its pins with it, and with them every link: `lsmguard status` says
 *       "enforcement: INACTIVE (0 of 124 programs attached)", a confined read of a denied file
 *       returns the file (a25-vm2). protect.bpf.c's sb_umount sees a sysfs, not the bpffs;
 *       mount.bpf.c's sees a private parent in a namespace not the host's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define USER 1000
#define CG "/lgt/a25"

static int a25_failures;

static void a25_end(void)
{
	if (a25_failures)
		VM_FAIL("%d route(s) gave the wrong verdict (BYPASS? lines above)", a25_failures);
}

/* ---- 2500: FUSE's d_invalidate detaches a host mount ------------------------------------- */

#define FZ "/srv/a25f"   /* the FUSE filesystem a confined task serves; its "d" the point */
#define FZB "/srv/a25fb" /* the administrator's bind of the tmpfs on FZ/d */

/* The host's stat of FZ/d/secret in a child with a deadline: its errno, 0, or -2 on timeout. */
static int a25_host_stat_d(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct stat st;

		alarm(5);
		_exit(stat(FZ "/d/secret", &st) ? (errno & 0x7f) : 0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? -2 : WEXITSTATUS(status);
}

/*
 * 2500: a confined task serves a FUSE filesystem (its connection handed over, as to any unit's
 * FUSE daemon: here inherited), on which the administrator mounted a tmpfs at FZ/d (deny =
 * FZ/d/secret/) and bound it at FZB. The server says "d" is gone, by FUSE_NOTIFY_INVAL_ENTRY
 * (route 0) or by answering the lookup that revalidates it with ENOENT (route 1): the kernel's
 * d_invalidate detaches the host's mount at FZ/d (no hook; the route is the kernel's, so the
 * detach itself is asserted as the control). The bind's files keep the name of the record at
 * FZ/d: the confined read of FZB/secret/key stays EPERM at once, after the daemon's rewrite
 * of its table, as root and as uid 1000, with the server as root and as uid 1000; the mark is
 * spent once the last mount of the tmpfs goes.
 */
VM_TEST(a25_fuse_invalidation_keeps_names, 2500)
{
	static const char *const routes[] = {"FUSE_NOTIFY_INVAL_ENTRY", "lookup answered ENOENT"};
	/* route, the server's uid, the bind of a directory (FZ/d/secret) rather than the root,
	 * the daemon stopped across the detach (the kernel's part alone) or running (its own
	 * looks at the points may be what makes the server's answer detach: review 51, H1) */
	static const struct {
		int route;
		uid_t server;
		bool dir_bind, stop;
	} rounds[] = {{0, 0, false, true},    {1, 0, false, true},  {0, USER, false, true},
		      {1, USER, false, true}, {0, 0, true, true},   {1, USER, true, false},
		      {1, 0, false, false}};

	VM_TIMEOUT(400);
	a25_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " FZ " " FZB) == 0);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			      "[files]\ndefault = allow\ndeny = " FZ "/d/secret/\n"
			      "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	for (unsigned r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++) {
		int route = rounds[r].route, stat_errno = 0, told;
		const char *file = rounds[r].dir_bind ? FZB "/key" : FZB "/secret/key";
		uid_t server_uid = rounds[r].server;
		pid_t stopped = -1;
		char label[192], what[128];
		struct mn_fuse f;
		/* the marks other cases' filesystems hold (a full run's leftovers) */
		int marks = map_entries("lg_mount_detach");
		long mark;

		snprintf(what, sizeof(what), "2500 %s, server uid %u, %s bound, daemon %s",
			 routes[route], server_uid, rounds[r].dir_bind ? FZ "/d/secret" : FZ "/d",
			 rounds[r].stop ? "stopped" : "running");
		mn_fuse_start(&f, FZ, CG, server_uid);
		VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(system("mkdir -p " FZ "/d/secret && printf " SECRET " > " FZ
				"/d/secret/key && chmod 0644 " FZ "/d/secret/key") == 0);
		VM_CHECK(mount(rounds[r].dir_bind ? FZ "/d/secret" : FZ "/d", FZB, NULL, MS_BIND,
			       NULL) == 0);
		usleep(2500 * 1000); /* the daemon reads its mount table */
		snprintf(label, sizeof(label), "%s: before", what);
		mn_expect_denied(CG, file, 0, label, &a25_failures);
		if (rounds[r].stop)
			stopped = daemon_stop();
		told = mn_fuse_tell(&f, route ? 'g' : 'n', 0);
		if (route == 1) {
			usleep(50 * 1000); /* a jiffy past the entry's time */
			stat_errno = a25_host_stat_d();
		}
		printf("#   %s: told %d, the host's stat of " FZ "/d/secret %d, " FZ
		       "/d mounted %d, " FZB " mounted %d\n",
		       what, told, stat_errno, mn_mounted_at(FZ "/d"), mn_mounted_at(FZB));
		/* the control: the kernel detached the host's mount, the bind stays */
		VM_CHECK(told == 0);
		VM_CHECK(route == 0 || stat_errno == ENOENT);
		VM_CHECK(!mn_mounted_at(FZ "/d") && mn_mounted_at(FZB));
		mark = event_mark();
		snprintf(label, sizeof(label), "%s: at once", what);
		mn_expect_denied(CG, file, 0, label, &a25_failures);
		mn_expect_denied(CG, file, USER, label, &a25_failures);
		daemon_resume(stopped);
		/* the event names the file by the record's name */
		EXPECT_EVENT_AFTER(mark, "\"policy\":\"a25\"", "\"path\":\"" FZ "/d/secret/key\"");
		usleep(2500 * 1000); /* the daemon's rewrite: the record keeps its name */
		VM_CHECK(map_entries("lg_mount_detach") == marks + 1); /* the tmpfs's root */
		snprintf(label, sizeof(label), "%s: after the daemon's rewrite", what);
		mn_expect_denied(CG, file, 0, label, &a25_failures);
		mn_expect_denied(CG, file, USER, label, &a25_failures);
		mn_fuse_stop(&f, (const char *const[]){FZB, NULL});
		usleep(2500 * 1000);
		/* no mount of the tmpfs left: the mark is spent */
		VM_CHECK(map_entries("lg_mount_detach") == marks);
	}
	mn_policy_gone("a25");
	a25_end();
}

#define FN "/srv/a25n" /* a filesystem mounted after the detached one's superblock went */

/* The confined read of path as uid: 0 expected (allowed), a failure counted otherwise. */
static void a25_expect_read(const char *path, uid_t uid, const char *route)
{
	struct mn_path_op o = {path, uid};
	int got = in_cgroup(CG, mn_read_path, &o);

	printf("#   %s: %s as uid %u: confined %d\n", route, path, uid, got);
	if (got != 0) {
		a25_failures++;
		printf("#   BYPASS? %s: confined read of %s as uid %u returned %d, expected 0 "
		       "(named at another filesystem's point)\n", route, path, uid, got);
	}
}

/*
 * 2513 (review 51, H3): the detached tmpfs had no other mount, so its superblock goes and its
 * device number is free; the next tmpfs mounted takes it, with the same root inode (1): the
 * same key as the kept record. Its files must be named where it is mounted (FN), not at the
 * detached point: a mark goes with its superblock (lsm/sb_delete), whose record is made
 * suspect as an unmount's. Asserted with the daemon stopped (the kernel's part) and after its
 * rewrite, as root and uid 1000.
 */
VM_TEST(a25_detached_device_number_reused, 2513)
{
	struct stat old_st, new_st;
	struct mn_fuse f;
	pid_t stopped;
	int marks;

	VM_TIMEOUT(200);
	a25_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " FZ " " FN) == 0);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			      "[files]\ndefault = allow\ndeny = " FZ "/d/secret/\n"
			      "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	mn_fuse_start(&f, FZ, CG, 0);
	VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(stat(FZ "/d", &old_st) == 0);
	usleep(2500 * 1000);
	marks = map_entries("lg_mount_detach"); /* other cases' leftovers */
	stopped = daemon_stop();
	VM_CHECK(mn_fuse_tell(&f, 'n', 0) == 0);
	usleep(300 * 1000); /* the detached mount's last reference, its superblock shut down */
	VM_CHECK(!mn_mounted_at(FZ "/d"));
	VM_CHECK(mount("tmpfs", FN, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("mkdir -p " FN "/secret && printf " SECRET " > " FN
			"/secret/key && chmod 0644 " FN "/secret/key") == 0);
	VM_CHECK(stat(FN, &new_st) == 0);
	printf("#   2513: the detached tmpfs was device %u:%u inode %lu; the new one at " FN
	       " is %u:%u inode %lu\n", major(old_st.st_dev), minor(old_st.st_dev),
	       (unsigned long)old_st.st_ino, major(new_st.st_dev), minor(new_st.st_dev),
	       (unsigned long)new_st.st_ino);
	/* the case means something only if the key is the same */
	VM_CHECK(old_st.st_dev == new_st.st_dev && old_st.st_ino == new_st.st_ino);
	a25_expect_read(FN "/secret/key", 0, "2513 the daemon stopped");
	a25_expect_read(FN "/secret/key", USER, "2513 the daemon stopped");
	daemon_resume(stopped);
	usleep(2500 * 1000);
	a25_expect_read(FN "/secret/key", 0, "2513 after the daemon's rewrite");
	a25_expect_read(FN "/secret/key", USER, "2513 after the daemon's rewrite");
	VM_CHECK(map_entries("lg_mount_detach") == marks); /* taken back with its superblock */
	mn_fuse_stop(&f, (const char *const[]){FZB, NULL});
	umount2(FN, MNT_DETACH);
	mn_policy_gone("a25");
	a25_end();
}

/* ---- 2501: a mount point longer than the daemon reads ------------------------------------ */

#define LBASE "/srv/a25l"
#define LT "/srv/a25t" /* where the service binds it in its own namespace */
#define L_COMPONENTS 20
#define L_NAME 200

/* The i-th component under LBASE (of tag 'a' for the short one, 'b' for the long one). */
static void a25_component(char *out, char tag, int i, int len)
{
	memset(out, tag, len);
	out[len - 3] = (char)('0' + (i / 100) % 10);
	out[len - 2] = (char)('0' + (i / 10) % 10);
	out[len - 1] = (char)('0' + i % 10);
	out[len] = '\0';
}

struct a25_long_op {
	char tag;
	int count; /* components under LBASE, the last the mount point */
	int len;   /* each name's length */
	uid_t uid;
	int how; /* 0 plain, 1 root bind in own ns, 2 uid bind in user ns, 3 open_tree clone, 4
		    make (the administrator's mount) */
};

/* chdir into LBASE/c0/.../c(count-1): its mount's root. 4000 + errno when it fails. */
static int a25_long_chdir(const struct a25_long_op *o, bool make)
{
	char name[256];

	if (chdir(LBASE))
		return 4000 + errno;
	for (int i = 0; i < o->count; i++) {
		a25_component(name, o->tag, i, o->len);
		if (make && mkdir(name, 0755) && errno != EEXIST)
			return 4100 + errno;
		if (make && i == o->count - 1 && mount("tmpfs", name, "tmpfs", 0, "mode=0755"))
			return 4200 + errno;
		if (chdir(name))
			return 4000 + errno;
	}
	return 0;
}

static int a25_long(const void *arg)
{
	const struct a25_long_op *o = arg;
	int ret, tree, fd;

	if (o->how == 4) {
		if ((ret = a25_long_chdir(o, true)))
			return ret;
		if (mkdir("secret", 0755) || mkdir("open", 0755))
			return 4300 + errno;
		write_file("secret/key", SECRET, 0600);
		write_file("open/key", SECRET, 0644);
		if (chown("secret", USER, USER) || chown("secret/key", USER, USER) ||
		    chown("open/key", USER, USER))
			return 4400 + errno;
		return 0;
	}
	if ((ret = become(o->uid)))
		return ret;
	if ((ret = a25_long_chdir(o, false)))
		return ret;
	switch (o->how) {
	case 0:
		return mn_read_fd(open("secret/key", O_RDONLY));
	case 1:
		if (unshare(CLONE_NEWNS))
			return 6000 + errno;
		break;
	case 2:
		if ((ret = mn_userns(o->uid)))
			return ret;
		break;
	case 3:
		if (unshare(CLONE_NEWNS))
			return 6000 + errno;
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, ".", OPEN_TREE_CLONE | O_CLOEXEC);
		if (tree < 0)
			return 6300 + errno;
		fd = openat(tree, "secret/key", O_RDONLY);
		close(tree);
		return mn_read_fd(fd);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 6100 + errno;
	if (mount(".", LT, NULL, MS_BIND, NULL))
		return 6150 + errno;
	return mn_read_fd(open(LT "/secret/key", O_RDONLY));
}

static void a25_long_expect(struct a25_long_op o, const char *label)
{
	static const char *const how[] = {"the host's path", "root binds it in its own namespace",
					  "uid 1000 binds it in its own user+mount namespace",
					  "root clones it (open_tree) in its own namespace"};
	int control = in_cgroup(NULL, a25_long, &o), got = in_cgroup(CG, a25_long, &o);

	printf("#   %s, %s, uid %u: unconfined %d, confined %d\n", label, how[o.how], o.uid,
	       control, got);
	if (control != 0)
		VM_FAIL("control: %s, %s returned %d", label, how[o.how], control);
	if (got != 3000 + EPERM) {
		a25_failures++;
		printf("#   BYPASS? %s, %s, uid %u: confined %d (0: read), expected 3001\n", label,
		       how[o.how], o.uid, got);
	}
}

/*
 * 2501. Two administrator's tmpfs under LBASE, 22 components deep each: one whose mount point
 * is about 3,900 bytes long (19 names of 200 bytes: the daemon reads it, a record), one about
 * 4,200 bytes (21 names: longer than the daemon's 4,096-byte fields and than PATH_MAX for its
 * statx: no record). deny = LBASE/ (both lie beneath it, each is named through the live tree
 * or its record in the host's namespace). A service with mount = namespace binds each mount
 * root (its working directory) in its own namespace, or clones it with open_tree; uid 1000
 * from a user namespace.
 */
VM_TEST(a25_long_mount_point, 2501)
{
	struct a25_long_op shorter = {'a', 19, L_NAME, 0, 4}, longer = {'b', 21, L_NAME, 0, 4};
	long mark;
	int ret;

	VM_TIMEOUT(300);
	a25_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " LBASE " " LT) == 0);
	mark = event_mark();
	ret = in_cgroup(NULL, a25_long, &shorter);
	printf("#   the ~3,900-byte mount: %d\n", ret);
	VM_CHECK(ret == 0);
	ret = in_cgroup(NULL, a25_long, &longer);
	printf("#   the ~4,300-byte mount: %d\n", ret);
	VM_CHECK(ret == 0);
	system("grep -c a25l /proc/self/mountinfo | sed 's/^/#   mountinfo lines: /'");
	usleep(1500 * 1000);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " LBASE "/\n"
			 "[exec]\ndefault = allow\n"
			 "[network]\ndefault = allow\n"
			 "[system]\nmount = namespace\nuserns = allow\n");
	print_events_after(mark, "mount_ignored");
	for (int which = 0; which < 2; which++) {
		struct a25_long_op o = which ? longer : shorter;
		const char *label = which ? "~4,300-byte mount point" : "~3,900-byte mount point";

		for (int how = 0; how < 4; how++) {
			o.how = how;
			o.uid = how == 2 ? USER : 0;
			a25_long_expect(o, label);
			if (how == 0) {
				o.uid = USER;
				a25_long_expect(o, label);
			}
		}
	}
	mn_policy_gone("a25");
	system("grep a25l /proc/self/mountinfo | cut -d' ' -f5 | "
	       "while read p; do umount -l \"$p\" 2>/dev/null; done; true");
	{
		/* umount by relative path (the points are longer than PATH_MAX) */
		struct a25_long_op o[2] = {shorter, longer};

		for (int i = 0; i < 2; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				char name[256];

				o[i].count--;
				if (a25_long_chdir(&o[i], false) == 0) {
					a25_component(name, o[i].tag, o[i].count, o[i].len);
					umount2(name, MNT_DETACH);
				}
				_exit(0);
			}
			waitpid(pid, NULL, 0);
		}
	}
	usleep(800 * 1000);
	a25_end();
}

/* ---- 2502: a host mount unmounted while a service's namespace keeps its copy ------------- */

#define UM "/srv/a25u"	/* the administrator's tmpfs: deny = UM/secret/ */
#define UV "/srv/a25v"	/* where the service binds its copy */
#define U_READY "/run/a25u-ready"
#define U_GO "/run/a25u-go"

struct a25_copy_op {
	uid_t uid;
	int how; /* 0 root, no mount rights: its copy at UM; 1 root, mount = namespace: private
		    tree, bind of its copy at UV; 2 uid 1000, user namespace, the same */
};

/*
 * The service: a mount namespace of its own; (how 1, 2) its copy bound at UV and read (before:
 * the host still has the mount); then, when told (the host has unmounted it), read again. The
 * result is before * 10000 + after, each 0 (read) or 3000 + errno as mn_read_fd.
 */
static int a25_copy_service(const void *arg)
{
	const struct a25_copy_op *o = arg;
	const char *path = o->how ? UV "/secret/key" : UM "/secret/key";
	int ret, before;

	if (o->how == 2) {
		if ((ret = become(o->uid)) || (ret = mn_userns(o->uid)))
			return ret;
	} else if (unshare(CLONE_NEWNS)) {
		return 6000 + errno;
	}
	if (o->how && (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		       mount(UM, UV, NULL, MS_BIND, NULL)))
		return 6100 + errno;
	if (o->how != 2 && (ret = become(o->uid)))
		return ret;
	before = mn_read_fd(open(path, O_RDONLY));
	write_file(U_READY, "ready", 0644);
	for (int i = 0; i < 600 && access(U_GO, F_OK) != 0; i++)
		usleep(50 * 1000);
	return before * 10000 + mn_read_fd(open(path, O_RDONLY));
}

static int a25_copy_round(const char *cgroup, const struct a25_copy_op *o)
{
	struct in_cgroup_thread t = {0};

	unlink(U_READY);
	unlink(U_GO);
	VM_CHECK(system("mkdir -p " UM " " UV) == 0);
	VM_CHECK(mount("tmpfs", UM, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("mkdir -p " UM "/secret && printf " SECRET " > " UM "/secret/key && "
			"chown -R 1000:1000 " UM " && chmod 0600 " UM "/secret/key") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(in_cgroup_start(&t, cgroup, a25_copy_service, o));
	for (int i = 0; i < 200 && access(U_READY, F_OK) != 0; i++)
		usleep(50 * 1000);
	VM_CHECK(vm_umount(UM) == 0);
	VM_CHECK(daemon_reload_wait());
	write_file(U_GO, "go", 0644);
	return in_cgroup_join(&t);
}

VM_TEST(a25_unmounted_copy_in_own_namespace, 2502)
{
	static const char *const hows[] = {"root, no mount rights, its copy at the host's path",
					   "root, mount = namespace, its copy bound elsewhere",
					   "uid 1000, user namespace, its copy bound elsewhere"};

	VM_TIMEOUT(300);
	a25_failures = 0;
	mn_setup_plain(CG);
	for (int how = 0; how < 3; how++) {
		struct a25_copy_op o = {how == 2 ? USER : 0, how};
		int control, got;

		mn_policy_text("a25", how ? "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
				       "[files]\ndefault = allow\ndeny = " UM "/secret/\n"
				       "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
				       "[system]\nmount = namespace\nuserns = allow\n"
				     : "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
				       "[files]\ndefault = allow\ndeny = " UM "/secret/\n"
				       "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
		control = a25_copy_round(NULL, &o);
		got = a25_copy_round(CG, &o);
		printf("#   %s: unconfined %d, confined %d (before * 10000 + after; 3001 denied, 0 "
		       "read)\n", hows[how], control, got);
		if (control != 0)
			VM_FAIL("control: %s returned %d", hows[how], control);
		if (got != 3001 * 10000 + 3001) {
			a25_failures++;
			printf("#   BYPASS? %s: confined %d, expected 30013001\n", hows[how], got);
		}
	}
	mn_policy_gone("a25");
	unlink(U_READY);
	unlink(U_GO);
	a25_end();
}

/* ---- 2503: an unmount in the service's namespace that propagates to the host's mounts ----- */

#define PX "/srv/a25p"	   /* the administrator's shared tmpfs (systemd makes every mount shared) */
#define PY PX "/m"	   /* the administrator's tmpfs on it: the first mount, deny = PY/secret/ */
#define PB "/srv/a25pb"	   /* the administrator's bind of PY */
#define PR "/srv/a25pr"	   /* where the service binds its copy of PX, recursively */

struct a25_prop_op {
	int how; /* 0: "/" made private (not recursively), PX's copy unmounted lazily; 1: PX's copy
		    bound recursively at PR, that bind unmounted lazily */
};

/* The service (root, mount = namespace): 0 when its unmount succeeded, 6000 + errno (unshare),
 * 6100 + errno (propagation), 6150 + errno (bind), 300 + errno (umount). */
static int a25_prop_service(const void *arg)
{
	const struct a25_prop_op *o = arg;

	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	if (mount(NULL, "/", NULL, MS_PRIVATE, NULL))
		return 6100 + errno;
	if (o->how == 0)
		return umount2(PX, MNT_DETACH) ? 300 + errno : 0;
	if (mount(PX, PR, NULL, MS_BIND | MS_REC, NULL))
		return 6150 + errno;
	return umount2(PR, MNT_DETACH) ? 300 + errno : 0;
}

static void a25_prop_round(const char *label, const char *cgroup, const struct a25_prop_op *o)
{
	bool kept;
	int got;

	VM_CHECK(system("mkdir -p " PX " " PB " " PR) == 0);
	VM_CHECK(mount("tmpfs", PX, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, PX, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(system("mkdir -p " PY) == 0);
	VM_CHECK(mount("tmpfs", PY, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("mkdir -p " PY "/secret && printf " SECRET " > " PY "/secret/key && "
			"chown -R 1000:1000 " PY " && chmod 0600 " PY "/secret/key") == 0);
	VM_CHECK(mount(PY, PB, NULL, MS_BIND, NULL) == 0);
	VM_CHECK(daemon_reload_wait());
	system("grep a25p /proc/self/mountinfo | sed 's/^/#   before: /'");
	if (cgroup)
		mn_expect_denied(CG, PB "/secret/key", 0, "before: the bind, named through the first "
						       "mount", &a25_failures);
	got = in_cgroup(cgroup, a25_prop_service, o);
	kept = mn_mounted_at(PY);
	VM_CHECK(daemon_reload_wait());
	system("grep a25p /proc/self/mountinfo | sed 's/^/#   after: /'");
	printf("#   %s: the service's unmount in its own namespace: %d, the host's mount at " PY
	       " kept: %d\n", label, got, kept);
	if (!cgroup) {
		if (got != 0 || kept)
			VM_FAIL("control: %s: %d, host mount kept %d: the route does not reach it",
				label, got, kept);
	} else {
		if (!kept) {
			a25_failures++;
			printf("#   BYPASS? %s: a service with mount = namespace unmounted the "
			       "host's mount at " PY "\n", label);
		}
		mn_expect_denied(CG, PB "/secret/key", 0, label, &a25_failures);
		mn_expect_denied(CG, PB "/secret/key", USER, label, &a25_failures);
	}
	umount2(PB, MNT_DETACH);
	umount2(PY, MNT_DETACH);
	umount2(PX, MNT_DETACH);
	usleep(800 * 1000);
}

/*
 * 2503. The host's shared tmpfs at PX (systemd makes every mount shared) and the
 * administrator's tmpfs on PX/m (the first mount of its root: deny = PX/m/secret/), bound at
 * PB. A service with mount = namespace, in a namespace made by unshare(CLONE_NEWNS) (its copies
 * are peers of the host's), makes "/" private (not recursively) and unmounts its copy of PX
 * lazily; or binds that copy recursively elsewhere (the bind is a peer of PX too) and unmounts
 * the bind lazily. sb_umount sees a private parent; the kernel propagates the unmount of the
 * child (PX/m) through PX's peer group: the host's mount on PX/m goes, the bind becomes the
 * record, the rule names nothing.
 */
VM_TEST(a25_propagated_umount_of_a_child, 2503)
{
	struct a25_prop_op lazy = {0}, rbind = {1};

	VM_TIMEOUT(300);
	a25_failures = 0;
	mn_setup_plain(CG);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " PY "/secret/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
			 "[system]\nmount = namespace\n");
	a25_prop_round("control: unconfined, lazy unmount of PX's copy", NULL, &lazy);
	a25_prop_round("(a) root, mount = namespace, lazy unmount of PX's copy", CG, &lazy);
	a25_prop_round("(b) root, mount = namespace, recursive bind of PX's copy, lazy unmount",
		       CG, &rbind);
	mn_policy_gone("a25");
	a25_end();
}

/* ---- 2504: a host mount covered when the daemon first reads it --------------------------- */

#define KM "/srv/a25k"	/* the administrator's tmpfs A (deny = KM/secret/), then B over it */
#define KT "/srv/a25kt"	/* where the service binds A in its own namespace */

static int a25_covered_service(const void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 6100 + errno;
	if (umount2(KM, MNT_DETACH)) /* its copy of B: A's copy shows */
		return 6150 + errno;
	if (mount(KM, KT, NULL, MS_BIND, NULL))
		return 6200 + errno;
	return mn_read_fd(open(KT "/secret/key", O_RDONLY));
}

/*
 * 2504. The administrator mounts tmpfs A at KM (secret/key, deny = KM/secret/), then tmpfs B
 * over it, before the daemon reads the table (a daemon started, or restarted, after both; here
 * it is stopped while they are made): A is covered, so the daemon keeps no record of its root
 * ("covered by a later mount: the record it had stays" -- it had none). A service with mount =
 * namespace unmounts its copy of B in its own namespace, binds A elsewhere and reads.
 */
VM_TEST(a25_covered_first_mount, 2504)
{
	pid_t stopped;
	int control, got;

	VM_TIMEOUT(200);
	a25_failures = 0;
	mn_setup_plain(CG);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " KM "/secret/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
			 "[system]\nmount = namespace\n");
	VM_CHECK(system("mkdir -p " KM " " KT) == 0);
	stopped = daemon_stop();
	VM_CHECK(mount("tmpfs", KM, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("mkdir -p " KM "/secret && printf " SECRET " > " KM "/secret/key && "
			"chown -R 1000:1000 " KM " && chmod 0600 " KM "/secret/key") == 0);
	VM_CHECK(mount("tmpfs", KM, "tmpfs", 0, "mode=0755") == 0);
	daemon_resume(stopped);
	VM_CHECK(daemon_reload_wait());
	system("grep a25k /proc/self/mountinfo | sed 's/^/#   /'");
	control = in_cgroup(NULL, a25_covered_service, NULL);
	got = in_cgroup(CG, a25_covered_service, NULL);
	printf("#   covered first mount, bound elsewhere in the service's namespace: unconfined %d, "
	       "confined %d\n", control, got);
	if (control != 0)
		VM_FAIL("control: %d", control);
	if (got != 3000 + EPERM) {
		a25_failures++;
		printf("#   BYPASS? covered first mount: confined %d (0: read), expected 3001\n", got);
	}
	mn_policy_gone("a25");
	umount2(KM, MNT_DETACH);
	umount2(KM, MNT_DETACH);
	usleep(800 * 1000);
	a25_end();
}

/* ---- 2505: io_uring and RENAME_WHITEOUT on a name another namespace has a mount on ------- */

#include "uring.h"

#define WHD "/srv/a25h"	    /* the administrator's private tmpfs: up/ */
#define WHU WHD "/up"	    /* a directory the service may write in */
#define WHM WHU "/m"	    /* the administrator's mount on a directory in it */
#define WH_READY "/run/a25h-ready"
#define WH_GO "/run/a25h-go"
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT (1 << 2)
#endif

static const char *const a25_wh_hows[] = {
	"io_uring UNLINKAT(AT_REMOVEDIR) of the mount point", "io_uring RENAMEAT of it away",
	"io_uring RENAMEAT of a directory over it", "renameat2(RENAME_WHITEOUT) of it away",
	"io_uring RENAMEAT(RENAME_WHITEOUT) of it away"};

/* The service, root, its own namespace made before the mount: 0 done, 300 + errno refused. */
static int a25_wh_service(const void *arg)
{
	int how = *(const int *)arg, ret;

	if (unshare(CLONE_NEWNS))
		return 100 + errno;
	write_file(WH_READY, "ready", 0644);
	for (int i = 0; i < 400 && access(WH_GO, F_OK) != 0; i++)
		usleep(50 * 1000);
	switch (how) {
	case 0:
		ret = uring_unlinkat(AT_FDCWD, WHM, AT_REMOVEDIR);
		break;
	case 1:
		ret = uring_renameat(AT_FDCWD, WHM, AT_FDCWD, WHU "/moved", 0);
		break;
	case 2:
		ret = uring_renameat(AT_FDCWD, WHU "/x", AT_FDCWD, WHM, 0);
		break;
	case 3:
		ret = (int)syscall(SYS_renameat2, AT_FDCWD, WHM, AT_FDCWD, WHU "/moved",
				   RENAME_WHITEOUT);
		ret = ret ? -errno : 0;
		break;
	default:
		ret = uring_renameat(AT_FDCWD, WHM, AT_FDCWD, WHU "/moved", RENAME_WHITEOUT);
	}
	return ret < 0 ? 300 - ret : 0;
}

static int a25_wh_round(const char *cgroup, int how, bool *kept)
{
	struct in_cgroup_thread t = {0};
	int got;

	unlink(WH_READY);
	unlink(WH_GO);
	if (!mn_mounted_at(WHD)) {
		VM_CHECK(system("mkdir -p " WHD) == 0);
		VM_CHECK(mount("tmpfs", WHD, "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(mount(NULL, WHD, NULL, MS_PRIVATE, NULL) == 0);
		/* named in the daemon's table before the service walks under it (2407 says why) */
		VM_CHECK(daemon_reload_wait());
	}
	VM_CHECK(system("rm -rf " WHD "/* && mkdir -p " WHM " " WHU "/x") == 0);
	VM_CHECK(in_cgroup_start(&t, cgroup, a25_wh_service, &how));
	for (int i = 0; i < 100 && access(WH_READY, F_OK) != 0; i++)
		usleep(50 * 1000);
	VM_CHECK(mount("tmpfs", WHM, "tmpfs", 0, "mode=0755") == 0);
	/* (no wait for the daemon's table: the check is the kernel's, on the dentry's flag) */
	write_file(WH_GO, "go", 0644);
	got = in_cgroup_join(&t);
	*kept = mn_mounted_at(WHM);
	mn_umount_below(WHD); /* WHM, where the round left it */
	usleep(100 * 1000);
	return got;
}

/*
 * 2505. Claim 2's routes not in 2407: io_uring's UNLINKAT and RENAMEAT (do_rmdir and
 * do_renameat2 from a worker), and RENAME_WHITEOUT (the name moved away, a whiteout left). Root
 * with mount = namespace, its namespace made before the administrator's mount: EPERM, the mount
 * kept; the unconfined control does it.
 */
VM_TEST(a25_uring_and_whiteout_names_with_mounts, 2505)
{
	VM_TIMEOUT(300);
	a25_failures = 0;
	mn_setup_plain(CG);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
			 "[system]\nmount = namespace\n");
	for (int how = 0; how < 5; how++) {
		bool control_kept, kept;
		int control = a25_wh_round(NULL, how, &control_kept);
		int got = a25_wh_round(CG, how, &kept);

		printf("#   %s: unconfined %d (kept %d), confined root %d (kept %d)\n",
		       a25_wh_hows[how], control, control_kept, got, kept);
		if (control != 0 || control_kept) {
			printf("#   control: %s does not reach the mount\n", a25_wh_hows[how]);
			continue;
		}
		if (got != 300 + EPERM || !kept) {
			a25_failures++;
			printf("#   BYPASS? %s: confined %d, kept %d\n", a25_wh_hows[how], got, kept);
		}
	}
	mn_policy_gone("a25");
	umount2(WHD, MNT_DETACH);
	unlink(WH_READY);
	unlink(WH_GO);
	a25_end();
}

/* ---- 2506: lsmguard's own bpffs, unmounted by propagation (claim 3) ---------------------- */

/* The service: its own namespace, "/" private (not recursively), its copy of /sys unmounted
 * lazily. 0 when the unmount succeeded, 6000 + errno, 6100 + errno, 300 + errno. */
static int a25_sys_service(const void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	if (mount(NULL, "/", NULL, MS_PRIVATE, NULL))
		return 6100 + errno;
	return umount2("/sys", MNT_DETACH) ? 300 + errno : 0;
}

/* The same after "/" is made private recursively, as runc, bwrap and systemd do before their
 * umount -l of the old root: nothing propagates, and it is allowed (review 47, H1). */
static int a25_sys_service_private(const void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 6100 + errno;
	return umount2("/sys", MNT_DETACH) ? 300 + errno : 0;
}

/*
 * 2506. /sys shared on the host (as systemd makes every mount), lsmguard's pins on the bpffs
 * at /sys/fs/bpf, whose unmount protect.bpf.c refuses to every task but lsmguard. A service with
 * mount = namespace unmounts its own copy of /sys lazily in a namespace of its own (a private
 * parent, a sysfs, not a bpffs: both hooks let it); the kernel propagates the unmount of its
 * children to the host's peer of /sys: the host's /sys/fs/bpf (and /sys/fs/cgroup, ...) go.
 * The last case of the run: it leaves the host without them (cgroup2 and a new, empty bpffs
 * are mounted again after it).
 */
VM_TEST(a25_propagated_umount_of_lsmguard_pins, 2506)
{
	bool bpffs_kept, pins_kept;
	int got, status;

	VM_TIMEOUT(200);
	a25_failures = 0;
	mn_setup_plain(CG);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\ndeny = /run/a25-denied\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
			 "[system]\nmount = namespace\n");
	write_file("/run/a25-denied", SECRET, 0644);
	VM_CHECK(mount(NULL, "/sys", NULL, MS_SHARED, NULL) == 0);
	system("grep ' /sys' /proc/self/mountinfo | sed 's/^/#   before: /'");
	VM_CHECK(access("/sys/fs/bpf/lsmguard", F_OK) == 0);
	/* Controls: a recursively private namespace's lazy unmount of its /sys copy is allowed,
	 * confined and not, and the host keeps its bpffs. */
	got = in_cgroup(NULL, a25_sys_service_private, NULL);
	printf("#   unconfined root, \"/\" private recursively: %d; the host's /sys/fs/bpf kept "
	       "%d\n", got, mn_mounted_at("/sys/fs/bpf"));
	VM_CHECK(got == 0 && mn_mounted_at("/sys/fs/bpf"));
	got = in_cgroup(CG, a25_sys_service_private, NULL);
	printf("#   confined root, \"/\" private recursively: %d; the host's /sys/fs/bpf kept %d\n",
	       got, mn_mounted_at("/sys/fs/bpf"));
	VM_CHECK(got == 0 && mn_mounted_at("/sys/fs/bpf"));
	got = in_cgroup(CG, a25_sys_service, NULL);
	usleep(500 * 1000);
	bpffs_kept = mn_mounted_at("/sys/fs/bpf");
	pins_kept = access("/sys/fs/bpf/lsmguard", F_OK) == 0;
	system("grep ' /sys' /proc/self/mountinfo | sed 's/^/#   after: /'");
	status = system(LSMGUARD " status >/dev/null 2>&1");
	printf("#   confined root (mount = namespace), lazy unmount of its copy of /sys: %d; the "
	       "host's /sys/fs/bpf kept %d, /sys/fs/bpf/lsmguard there %d, lsmguard status exit "
	       "%d\n", got, bpffs_kept, pins_kept, WEXITSTATUS(status));
	if (!bpffs_kept || !pins_kept || got != 300 + EPERM) {
		a25_failures++;
		printf("#   BYPASS? a confined task unmounted the host's bpffs holding lsmguard's "
		       "pins (or its unmount was not refused: %d)\n", got);
	} else {
		/* Then root under no policy, whom protect.bpf.c holds to the same */
		got = in_cgroup(NULL, a25_sys_service, NULL);
		usleep(500 * 1000);
		bpffs_kept = mn_mounted_at("/sys/fs/bpf");
		printf("#   unconfined root, the same: %d; the host's /sys/fs/bpf kept %d\n", got,
		       bpffs_kept);
		if (!bpffs_kept || got != 300 + EPERM) {
			a25_failures++;
			printf("#   BYPASS? root under no policy unmounted the host's bpffs holding "
			       "lsmguard's pins\n");
		}
	}
	if (!mn_mounted_at("/sys/fs/cgroup"))
		mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL);
	if (!mn_mounted_at("/sys/fs/bpf"))
		mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL);
	if (!mn_mounted_at("/sys/kernel/security"))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	{
		struct mn_path_op o = {"/run/a25-denied", 0};

		printf("#   afterwards (cgroup2 mounted again, a new bpffs): a confined read of a "
		       "denied file: %d (3001: still enforced); /sys/fs/bpf/lsmguard there %d\n",
		       in_cgroup(CG, mn_read_path, &o),
		       access("/sys/fs/bpf/lsmguard", F_OK) == 0);
		system(LSMGUARD " status 2>&1 | head -5 | sed 's/^/#   status: /'");
	}
	a25_end();
}

/* ---- 2507: what mount = namespace is for still works (no false denial) ------------------- */

#define OWN "/srv/a25own"    /* where the service mounts a tmpfs of its own */
#define OWNB "/srv/a25ownb"  /* where it binds that tmpfs, in its namespace */

/*
 * The service's own filesystem, in a mount namespace of its own (root with mount = namespace;
 * uid 1000 from a user namespace, userns = allow): a tmpfs mounted there, a file written, read,
 * renamed and removed in it, and read through a bind of it. Its superblock was made outside
 * the host's namespace, so the walk's refusal of roots without a record (lg_root_unrecorded)
 * must not apply. 0 when all of it worked, else 100 * step + errno.
 */
static int a25_own_tmpfs(const void *arg)
{
	uid_t uid = *(const uid_t *)arg;
	char buf[16] = "";
	int fd, ret;

	if (uid) {
		if ((ret = become(uid)) || (ret = mn_userns(uid)))
			return ret;
	} else if (unshare(CLONE_NEWNS)) {
		return 6000 + errno;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 100 + errno;
	if (mount("tmpfs", OWN, "tmpfs", 0, "mode=0755"))
		return 200 + errno;
	if ((fd = open(OWN "/data", O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return 300 + errno;
	ret = write(fd, "own", 3) == 3 ? 0 : 400 + errno;
	close(fd);
	if (ret)
		return ret;
	if (mkdir(OWN "/d", 0755) || rename(OWN "/data", OWN "/d/data"))
		return 500 + errno;
	if (mount(OWN, OWNB, NULL, MS_BIND, NULL))
		return 600 + errno;
	if ((fd = open(OWNB "/d/data", O_RDONLY)) < 0)
		return 700 + errno;
	ret = read(fd, buf, sizeof(buf) - 1) == 3 && !strcmp(buf, "own") ? 0 : 800 + errno;
	close(fd);
	if (ret)
		return ret;
	if (unlink(OWNB "/d/data") || rmdir(OWN "/d"))
		return 900 + errno;
	if (umount(OWNB) || umount(OWN))
		return 1000 + errno;
	return 0;
}

VM_TEST(a25_own_tmpfs_in_own_namespace_works, 2507)
{
	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " OWN " " OWNB " && chmod 0777 " OWN " " OWNB) == 0);
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			      "[files]\ndefault = allow\ndeny = /srv/a25-other/\n"
			      "[exec]\ndefault = allow\n[network]\ndefault = allow\n"
			      "[system]\nmount = namespace\nuserns = allow\n");
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		int control = in_cgroup(NULL, a25_own_tmpfs, &uid);
		int got = in_cgroup(CG, a25_own_tmpfs, &uid);

		printf("#   uid %u, a tmpfs of its own in its own namespace: unconfined %d, "
		       "confined %d (0: written, read, renamed, bound, read through the bind, "
		       "removed)\n", (unsigned)uid, control, got);
		VM_CHECK(control == 0);
		if (got != 0)
			VM_FAIL("uid %u: the service's own tmpfs: %d (expected 0)", (unsigned)uid, got);
	}
	mn_policy_gone("a25");
	rmdir(OWN);
	rmdir(OWNB);
}

/* ---- 2508: no bind or move of a shared tree under mount = namespace (review 47's race) ---- */

#define SS "/srv/a25s" /* the administrator's shared tmpfs (a peer group of the host's) */
#define SQ "/srv/a25q" /* the administrator's private tmpfs: src/, t/, u/, w/, and m/ mounted */

/* One digit for a step's result: 0 done, 1 EPERM, 9 another errno. */
static int a25_digit(int failed)
{
	return !failed ? 0 : errno == EPERM ? 1 : 9;
}

/*
 * The service, root with mount = namespace, in unshare(CLONE_NEWNS): its copy of SS is a peer
 * of the host's. A digit for each step (a25_digit), in this order: MS_BIND of SQ/src on SQ/t
 * while the namespace holds a shared mount (its copy of SS); MS_MOVE of SQ/m onto SQ/u, the
 * same; MS_BIND | MS_PRIVATE of SQ/src onto SS/x, the shared mount itself (the kernel binds:
 * path_mount takes MS_BIND before the propagation flags; review 48); MS_BIND | MS_SLAVE of
 * SQ/src on SQ/t2 while the namespace shares; the bind of the first step once the namespace is
 * private (mount --make-rprivate /: it holds no shared mount); move_mount onto SQ/w of an
 * open_tree clone of SS made while it was shared (the clone, outside the namespace's tree, is
 * a peer of the host's SS still). 6000 + errno: the setup failed.
 */
static int a25_share_service(const void *arg)
{
	int tree, d[6];

	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, SS, OPEN_TREE_CLONE | O_CLOEXEC);
	if (tree < 0)
		return 6100 + errno;
	d[0] = a25_digit(mount(SQ "/src", SQ "/t", NULL, MS_BIND, NULL));
	d[1] = a25_digit(mount(SQ "/m", SQ "/u", NULL, MS_MOVE, NULL));
	d[2] = a25_digit(mount(SQ "/src", SS "/x", NULL, MS_BIND | MS_PRIVATE, NULL));
	d[3] = a25_digit(mount(SQ "/src", SQ "/t2", NULL, MS_BIND | MS_SLAVE, NULL));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 6200 + errno;
	d[4] = a25_digit(mount(SQ "/src", SQ "/t", NULL, MS_BIND, NULL));
	d[5] = a25_digit(move_mount(tree, "", AT_FDCWD, SQ "/w", MOVE_MOUNT_F_EMPTY_PATH));
	close(tree);
	return ((((d[0] * 10 + d[1]) * 10 + d[2]) * 10 + d[3]) * 10 + d[4]) * 10 + d[5];
}

VM_TEST(a25_bind_or_move_of_shared_tree, 2508)
{
	int control, got;
	long mark;

	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " SS " " SQ) == 0);
	VM_CHECK(mount("tmpfs", SS, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, SS, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(mount("tmpfs", SQ, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, SQ, NULL, MS_PRIVATE, NULL) == 0);
	VM_CHECK(system("mkdir -p " SS "/x " SQ "/src " SQ "/t " SQ "/t2 " SQ "/u " SQ "/w " SQ "/m") ==
		 0);
	VM_CHECK(mount("tmpfs", SQ "/m", "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, SQ "/m", NULL, MS_PRIVATE, NULL) == 0);
	VM_CHECK(daemon_reload_wait());
	mn_policy_text("a25", "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			      "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
			      "[network]\ndefault = allow\n[system]\nmount = namespace\n");
	control = in_cgroup(NULL, a25_share_service, NULL);
	mark = event_mark();
	got = in_cgroup(CG, a25_share_service, NULL);
	printf("#   root in its own namespace, SS's copy shared: bind, move, bind|private onto SS, "
	       "bind|slave, bind once rprivate, move_mount of a shared clone (0 done, 1 EPERM): "
	       "unconfined %06d, confined %06d\n", control, got);
	VM_CHECK(control == 0);
	if (got != 111101)
		VM_FAIL("confined root, mount = namespace: %06d (expected 111101: the binds and the "
			"move refused while the namespace shares, MS_BIND with a propagation flag "
			"too, the bind allowed once private, the shared clone's move_mount refused)",
			got);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a25\"", "\"hook\":\"sb_mount\"",
			   "\"path\":\"" SQ "/t\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a25\"",
			   "\"hook\":\"move_mount\"", "\"path\":\"" SQ "/w\"");
	mn_policy_gone("a25");
	umount2(SQ "/m", MNT_DETACH);
	umount2(SQ, MNT_DETACH);
	umount2(SS, MNT_DETACH);
}

/* ---- 2509: a mount at a name another mount covers (attack run 26) ------------------------ */

#define CVP "/srv/a25cp"    /* the administrator's shared tmpfs (systemd makes mounts shared) */
#define CV CVP "/d"	    /* a directory in it; the administrator's mount on it, shared too */
#define CV_READY "/run/a25cv-ready"
#define CV_GO "/run/a25cv-go"

struct a25_cover_op {
	int how;     /* 0: mount(2) tmpfs at /proc/self/fd/N; 1: fsmount + move_mount onto the fd */
	bool own_ns; /* unshare(CLONE_NEWNS) first: its CVP a peer of the host's */
	uid_t uid;   /* 1000: from a user namespace of its own (its copies are slaves) */
};

/* The service takes CV's lower name (an O_PATH descriptor, in its own namespace when own_ns),
 * the administrator mounts on CV (propagated into the service's copy of CVP), then the service
 * mounts at the descriptor: the kernel puts that mount on top of the administrator's (or the
 * propagated copy, a peer of the host's). 0 when it mounted, 300 + errno, 6000 + step. */
static int a25_cover_service(const void *arg)
{
	const struct a25_cover_op *o = arg;
	char at[64];
	int fd, ret, fs, mnt;

	if (o->uid && ((ret = become(o->uid)) || (ret = mn_userns(o->uid))))
		return ret;
	if (!o->uid && o->own_ns && unshare(CLONE_NEWNS))
		return 6100 + errno;
	fd = open(CV, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 6000 + errno;
	write_file(CV_READY, "ready", 0644);
	for (int i = 0; i < 200 && access(CV_GO, F_OK) != 0; i++)
		usleep(50 * 1000);
	snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
	if (o->how == 0) {
		ret = mount("tmpfs", at, "tmpfs", 0, "mode=0755") ? 300 + errno : 0;
	} else {
		fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
		if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
			return 6200 + errno;
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
		if (mnt < 0)
			return 6300 + errno;
		ret = move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
			      ? 300 + errno : 0;
		close(mnt);
		close(fs);
	}
	close(fd);
	return ret;
}

/* One round: as a25_cover_service; *covered: the host's CV has a second mount. */
static int a25_cover_round(const char *cgroup, const struct a25_cover_op *o, bool *covered)
{
	struct in_cgroup_thread t = {0};
	int got;

	unlink(CV_READY);
	unlink(CV_GO);
	VM_CHECK(in_cgroup_start(&t, cgroup, a25_cover_service, o));
	for (int i = 0; i < 100 && access(CV_READY, F_OK) != 0; i++)
		usleep(50 * 1000);
	VM_CHECK(mount("tmpfs", CV, "tmpfs", 0, "mode=0755") == 0);
	write_file(CV_GO, "go", 0644);
	got = in_cgroup_join(&t);
	*covered = system("test $(grep -c ' " CV " ' /proc/self/mountinfo) -gt 1") == 0;
	mn_umount_below(CVP);
	return got;
}

/*
 * 2509. A confined task mounts at a name another mount covers: the kernel puts its mount on
 * top of the topmost mount there (lock_mount). Root with mount = namespace in a namespace of
 * its own whose CVP is a peer of the host's (the administrator's mount on CV propagates into
 * it, shared: the service's mount on top would propagate onto the host's), root with mount =
 * allow in the host's namespace (its mount would cover the administrator's), and uid 1000
 * from a user namespace (userns = allow): refused (EPERM, a protection: built-in "covered"),
 * the host's mount not covered; the unconfined control's mount covers it.
 */
VM_TEST(a25_mount_at_a_covered_name, 2509)
{
	static const char *const hows[] = {"mount(2) at /proc/self/fd/N",
					   "fsmount + move_mount onto the descriptor"};
	static const char *const modes[] = {"namespace", "allow"};

	VM_TIMEOUT(300);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " CVP) == 0);
	VM_CHECK(mount("tmpfs", CVP, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, CVP, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(system("mkdir -p " CV " && chmod 0777 " CV) == 0);
	for (int m = 0; m < 2; m++) {
		char policy[512];

		snprintf(policy, sizeof(policy),
			 "[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
			 "[network]\ndefault = allow\n[system]\nmount = %s\nuserns = allow\n",
			 modes[m]);
		mn_policy_text("a25", policy);
		for (int how = 0; how < 2; how++) {
			struct a25_cover_op root = {how, m == 0, 0}, user = {how, true, USER};
			bool c_covered, covered, u_covered;
			int control = a25_cover_round(NULL, &root, &c_covered);
			long mark = event_mark();
			int got = a25_cover_round(CG, &root, &covered);
			int by_user = a25_cover_round(CG, &user, &u_covered);

			printf("#   mount = %s, %s, %s: unconfined root %d (host's covered %d), "
			       "confined root %d (%d), uid 1000 in a user namespace %d (%d)\n",
			       modes[m], m == 0 ? "own namespace" : "host namespace", hows[how],
			       control, c_covered, got, covered, by_user, u_covered);
			VM_CHECK(control == 0 && c_covered);
			if (got != 300 + EPERM || covered)
				VM_FAIL("mount = %s, %s: confined root %d, host's mount covered %d "
					"(expected 301, not covered)", modes[m], hows[how], got,
					covered);
			if (by_user != 300 + EPERM || u_covered)
				VM_FAIL("mount = %s, %s: uid 1000 %d (expected 301)", modes[m],
					hows[how], by_user);
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a25\"",
					   how ? "\"hook\":\"move_mount\"" : "\"hook\":\"sb_mount\"",
					   COVERED_SOURCE, "\"path\":\"" CV "\"", UID_FIELD(0));
		}
	}
	mn_policy_gone("a25");
	umount2(CVP, MNT_DETACH);
	unlink(CV_READY);
	unlink(CV_GO);
}

/* Every file, program and address allowed; mounts in a namespace of its own, user namespaces. */
#define A25_MOUNT_NS_POLICY                                                                        \
	"[policy]\nname = a25\ncgroup = " CG "\nmode = enforce\n[files]\ndefault = allow\n"       \
	"[exec]\ndefault = allow\n[network]\ndefault = allow\n[system]\nmount = namespace\n"       \
	"userns = allow\n"

/* ---- 2510: a namespace shared again in peer groups of its own, as systemd leaves a unit's -- */

#define SD "/srv/a25sd" /* the administrator's shared tmpfs: x/, src/, t/, p/ (a tmpfs on it) */

/* A child that holds a namespace copied from the caller's (unshare with flags) until it is
 * killed: its pid once it has it, or -1. */
static pid_t a25_hold_copy(int flags)
{
	int sync[2];
	pid_t child;
	char c;

	if (pipe(sync))
		return -1;
	child = fork();
	if (child == 0) {
		close(sync[0]);
		if (unshare(flags) || write(sync[1], "h", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	if (child > 0 && read(sync[0], &c, 1) != 1) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	close(sync[0]);
	return child;
}

/*
 * The service (mount = namespace) in a namespace left as systemd leaves a unit's (review 48
 * M2; MountFlags= defaults to shared): root unshares, makes "/" slave recursively, then shared
 * recursively; uid 1000 makes a user namespace (its copies are slaves already) and shares "/"
 * recursively. Each of its mounts is then a peer group of its own, a slave of the host's:
 * nothing it mounts reaches the host. A digit for each step (a25_digit): a tmpfs at SD/x
 * (under its copy of the host's shared SD); MS_BIND of SD/src on SD/t; a tmpfs at SD/p/a and
 * its MS_MOVE to SD/p/b (SD/p private: the kernel moves nothing from under a shared parent);
 * umount of SD/x; umount -l of SD/t; then a tmpfs at SD/x again while a child holds a
 * namespace copied from this one (its copies are peers of these, in another namespace).
 * 6000 + errno: the setup failed.
 */
static int a25_unit_ns_service(const void *arg)
{
	uid_t uid = *(const uid_t *)arg;
	int d[6], status, ret;
	pid_t child;

	if (uid) {
		if ((ret = become(uid)) || (ret = mn_userns(uid)))
			return ret;
	} else if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) {
		return 6000 + errno;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) ||
	    mount(NULL, SD "/p", NULL, MS_PRIVATE, NULL))
		return 6100 + errno;
	d[0] = a25_digit(mount("tmpfs", SD "/x", "tmpfs", 0, "mode=0755"));
	d[1] = a25_digit(mount(SD "/src", SD "/t", NULL, MS_BIND, NULL));
	d[2] = a25_digit(mount("tmpfs", SD "/p/a", "tmpfs", 0, "mode=0755") ||
			 mount(SD "/p/a", SD "/p/b", NULL, MS_MOVE, NULL));
	d[3] = a25_digit(umount2(SD "/x", 0));
	d[4] = a25_digit(umount2(SD "/t", MNT_DETACH));
	child = a25_hold_copy(CLONE_NEWNS);
	if (child < 0)
		return 6300;
	d[5] = a25_digit(mount("tmpfs", SD "/x", "tmpfs", 0, "mode=0755"));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return ((((d[0] * 10 + d[1]) * 10 + d[2]) * 10 + d[3]) * 10 + d[4]) * 10 + d[5];
}

/* Whether the host's namespace has a mount where the service mounted (it reached the host):
 * SD/x, SD/t, SD/p/a, SD/p/b (SD/p is the administrator's own). */
static bool a25_host_has_below_sd(void)
{
	return system("grep -Eq ' " SD "/(x|t|p/a|p/b) ' /proc/self/mountinfo") == 0;
}

/*
 * 2510. Under mount = namespace, a namespace whose mounts share only among themselves (made
 * slave, then shared: systemd's default for a unit with PrivateTmp= and the like) mounts,
 * binds, moves and unmounts for itself, root and uid 1000 alike, and nothing reaches the
 * host's SD; the unconfined control the same. Once a namespace copied from it holds peers of
 * its mounts, a mount under them is refused (EPERM, built-in "mount": it would propagate out
 * of the namespace). Before, the shared flag alone refused all of it (review 48 M2).
 */
VM_TEST(a25_unit_namespace_shared_again, 2510)
{
	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " SD) == 0);
	VM_CHECK(mount("tmpfs", SD, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, SD, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(system("mkdir -p " SD "/x " SD "/src " SD "/t " SD "/p && chmod -R 0777 " SD) ==
		 0);
	VM_CHECK(mount("tmpfs", SD "/p", "tmpfs", 0, "mode=0777") == 0);
	VM_CHECK(system("mkdir -p " SD "/p/a " SD "/p/b && chmod 0777 " SD "/p/a " SD "/p/b") ==
		 0);
	VM_CHECK(daemon_reload_wait());
	mn_policy_text("a25", A25_MOUNT_NS_POLICY);
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		int control = in_cgroup(NULL, a25_unit_ns_service, &uid);
		bool c_leaked = a25_host_has_below_sd();
		long mark = event_mark();
		int got = in_cgroup(CG, a25_unit_ns_service, &uid);
		bool leaked = a25_host_has_below_sd();

		printf("#   uid %u, its namespace slave then shared: tmpfs, bind, move, umount, "
		       "umount -l, tmpfs while a copy of the namespace is held (0 done, 1 EPERM): "
		       "unconfined %06d (reached the host %d), confined %06d (%d)\n",
		       (unsigned)uid, control, c_leaked, got, leaked);
		VM_CHECK(control == 0 && !c_leaked);
		if (got != 1 || leaked)
			VM_FAIL("uid %u: %06d, reached the host %d (expected 000001: its own mounts "
				"allowed, the one that reaches the copy's namespace refused)",
				(unsigned)uid, got, leaked);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a25\"",
				   "\"hook\":\"sb_mount\"", MOUNT_SOURCE, "\"path\":\"" SD "/x\"",
				   UID_FIELD(uid));
	}
	mn_policy_gone("a25");
	umount2(SD "/p", MNT_DETACH);
	umount2(SD, MNT_DETACH);
}

/* ---- 2512: the peer group's edges: the host's slave, user namespace copies, 16 peers ------ */

#define PG "/srv/a25pg"		   /* the administrator's shared tmpfs: x/, src/, p/ (a tmpfs) */
#define PG_READY "/run/a25pg-ready" /* the service has its namespace */
#define PG_GO "/run/a25pg-go"	   /* the host has made its PG a slave */

static void a25_wait_file(const char *path)
{
	for (int i = 0; i < 200 && access(path, F_OK) != 0; i++)
		usleep(50 * 1000);
}

/* A: a bare unshare(CLONE_NEWNS) (its PG a peer of the host's); once the host has made its own
 * PG a slave (the service's copy becomes its master), a tmpfs at PG/x. 0 done, 1 EPERM, 9. */
static int a25_pg_master(const void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	write_file(PG_READY, "1", 0644);
	a25_wait_file(PG_GO);
	return a25_digit(mount("tmpfs", PG "/x", "tmpfs", 0, "mode=0755"));
}

/* Slave, then shared, as a unit's namespace; then, by how: 0, a child holds a user namespace
 * copied from it (its copies are slaves of these): a tmpfs at PG/x; 1, fifteen binds of PG/src
 * (peers of its PG: sixteen in the group), a tmpfs at PG/x, its umount, a sixteenth bind, a tmpfs
 * at PG/x again; 2, an open_tree clone of PG/src held (a peer in a detached tree): a tmpfs at
 * PG/x, the clone moved onto PG/p/b1. One digit a step; 6000 + errno: setup. */
static int a25_pg_unit(const void *arg)
{
	int how = *(const int *)arg, d[4] = {0}, status, tree;
	char at[64];
	pid_t child;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
	    mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) ||
	    mount(NULL, PG "/p", NULL, MS_PRIVATE, NULL))
		return 6000 + errno;
	switch (how) {
	case 0:
		child = a25_hold_copy(CLONE_NEWUSER | CLONE_NEWNS);
		if (child < 0)
			return 6200;
		d[0] = a25_digit(mount("tmpfs", PG "/x", "tmpfs", 0, "mode=0755"));
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return d[0];
	case 1:
		for (int b = 1; b <= 15; b++) {
			snprintf(at, sizeof(at), PG "/p/b%d", b);
			if (mount(PG "/src", at, NULL, MS_BIND, NULL))
				return 6300 + b;
		}
		d[0] = a25_digit(mount("tmpfs", PG "/x", "tmpfs", 0, "mode=0755"));
		d[1] = a25_digit(umount2(PG "/x", 0));
		d[2] = a25_digit(mount(PG "/src", PG "/p/b16", NULL, MS_BIND, NULL));
		d[3] = a25_digit(mount("tmpfs", PG "/x", "tmpfs", 0, "mode=0755"));
		return ((d[0] * 10 + d[1]) * 10 + d[2]) * 10 + d[3];
	default:
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, PG "/src", OPEN_TREE_CLONE | O_CLOEXEC);
		if (tree < 0)
			return 6400 + errno;
		d[0] = a25_digit(mount("tmpfs", PG "/x", "tmpfs", 0, "mode=0755"));
		d[1] = a25_digit(
		    move_mount(tree, "", AT_FDCWD, PG "/p/b1", MOVE_MOUNT_F_EMPTY_PATH));
		close(tree);
		return d[0] * 10 + d[1];
	}
}

/* Round A as cgroup's task: its result; *reached: the host's PG/x has its mount. */
static int a25_pg_round_a(const char *cgroup, bool *reached)
{
	struct in_cgroup_thread t;
	int got;

	unlink(PG_READY);
	unlink(PG_GO);
	VM_CHECK(mount(NULL, PG, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(in_cgroup_start(&t, cgroup, a25_pg_master, NULL));
	a25_wait_file(PG_READY);
	VM_CHECK(mount(NULL, PG, NULL, MS_SLAVE, NULL) == 0);
	write_file(PG_GO, "1", 0644);
	got = in_cgroup_join(&t);
	*reached = system("grep -q ' " PG "/x ' /proc/self/mountinfo") == 0;
	umount2(PG "/x", MNT_DETACH);
	return got;
}

/*
 * 2512. The edges of a peer group's test (review 48 M2's mending, review 49): (A) the host
 * makes its copy of a shared mount a slave while a service's bare unshare holds a peer of it:
 * the service's copy becomes the master, and a mount under it would reach the host's through
 * the slave, EPERM (the control's mount reaches the host); (B) in a namespace shared again, a
 * child holding a user namespace copied from it (slave copies): EPERM; (C) sixteen peers in the
 * group: done, a seventeenth: EPERM (the bound); (D) an open_tree clone of its own held and then
 * moved into its tree: done (a detached tree of its own stays with it). Root, mount = namespace,
 * userns = allow; each with the unconfined control.
 */
VM_TEST(a25_peer_group_edges, 2512)
{
	int zero = 0, one = 1, two = 2, control, got;
	bool c_reached, reached;
	long mark;

	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " PG) == 0);
	VM_CHECK(mount("tmpfs", PG, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, PG, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(system("mkdir -p " PG "/x " PG "/src " PG "/p") == 0);
	VM_CHECK(mount("tmpfs", PG "/p", "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("for b in $(seq 1 16); do mkdir -p " PG "/p/b$b; done") == 0);
	VM_CHECK(daemon_reload_wait());
	mn_policy_text("a25", A25_MOUNT_NS_POLICY);
	control = a25_pg_round_a(NULL, &c_reached);
	mark = event_mark();
	got = a25_pg_round_a(CG, &reached);
	printf("#   A, the host's copy made a slave of the service's: unconfined %d (reached the "
	       "host %d), confined %d (%d)\n", control, c_reached, got, reached);
	VM_CHECK(control == 0 && c_reached);
	if (got != 1 || reached)
		VM_FAIL("A: %d, reached the host %d (expected 1: EPERM)", got, reached);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a25\"",
			   "\"hook\":\"sb_mount\"", MOUNT_SOURCE, "\"path\":\"" PG "/x\"");
	VM_CHECK(mount(NULL, PG, NULL, MS_SHARED, NULL) == 0);
	control = in_cgroup(NULL, a25_pg_unit, &zero);
	got = in_cgroup(CG, a25_pg_unit, &zero);
	printf("#   B, a user namespace copied from it held: unconfined %d, confined %d\n", control,
	       got);
	VM_CHECK(control == 0);
	if (got != 1)
		VM_FAIL("B: %d (expected 1: EPERM, the copies are slaves of its mounts)", got);
	control = in_cgroup(NULL, a25_pg_unit, &one);
	got = in_cgroup(CG, a25_pg_unit, &one);
	printf("#   C, sixteen peers then seventeen: unconfined %04d, confined %04d\n", control, got);
	VM_CHECK(control == 0);
	if (got != 1)
		VM_FAIL("C: %04d (expected 0001: sixteen peers looked at, more refused)", got);
	control = in_cgroup(NULL, a25_pg_unit, &two);
	got = in_cgroup(CG, a25_pg_unit, &two);
	printf("#   D, an open_tree clone of its own held, then moved in: unconfined %02d, confined "
	       "%02d\n", control, got);
	VM_CHECK(control == 0);
	if (got != 0)
		VM_FAIL("D: %02d (expected 00: its own detached tree)", got);
	mn_policy_gone("a25");
	umount2(PG "/p", MNT_DETACH);
	umount2(PG, MNT_DETACH);
	unlink(PG_READY);
	unlink(PG_GO);
}

/* ---- 2511: a superblock that a mount found again (devtmpfs, debugfs) ---------------------- */

#define RU "/srv/a25ru"		 /* where the service mounts */
#define RU_PID "/run/a25ru.pid" /* the holder's pid */

struct a25_reuse_op {
	const char *type;
	unsigned long flags;
	const char *data;
};

/*
 * The service (mount = namespace): a child of it unshares, makes "/" private, mounts type at
 * RU, writes its pid to RU_PID and waits, holding the mount, until it is killed. 0 when it
 * mounted, 300 + errno, 6000 + errno (setup).
 */
static int a25_reuse_service(const void *arg)
{
	const struct a25_reuse_op *o = arg;
	int ready[2], got = 6999;
	pid_t child;

	if (pipe(ready))
		return 6000 + errno;
	child = fork();
	if (child == 0) {
		close(ready[0]);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			got = 6100 + errno;
		else
			got = mount("a25ru", RU, o->type, o->flags, o->data) ? 300 + errno : 0;
		if (write(ready[1], &got, sizeof(got)) != sizeof(got))
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (child < 0 || read(ready[0], &got, sizeof(got)) != sizeof(got))
		return 6200;
	FILE *f = fopen(RU_PID, "w");

	if (!f || fprintf(f, "%d\n", (int)child) < 0 || fclose(f))
		return 6300;
	return got;
}

static void a25_reuse_release(void)
{
	FILE *f = fopen(RU_PID, "r");
	int pid = 0;

	if (f && fscanf(f, "%d", &pid) == 1 && pid > 1) {
		kill(pid, SIGKILL);
		usleep(200 * 1000);
	}
	if (f)
		fclose(f);
	unlink(RU_PID);
}

/*
 * 2511. A mount that finds a superblock again (get_tree's sget matched one that exists), by a
 * service with mount = namespace in a private namespace of its own. (a) lsmguard marks only the
 * superblocks a mount made as the namespace's own (lg_ns_supers; one found again stays the
 * host's, whose roots without a record fail closed for such a policy): the count stays for its
 * sysfs (the host's, found again: same network namespace), one more for a tmpfs of its own.
 * (b) devtmpfs applies a second mount's options to its one superblock (reconfigure_single),
 * a remount of the host's /dev: refused under namespace at sb_remount (EPERM, event at /dev),
 * with no options and with ro, mode=0700; the host's /dev stays writable and 0755. The
 * unconfined control's plain devtmpfs mount is done.
 */
VM_TEST(a25_reused_superblock, 2511)
{
	struct a25_reuse_op sys = {"sysfs", 0, NULL}, tmp = {"tmpfs", 0, "mode=0755"};
	struct a25_reuse_op dev = {"devtmpfs", 0, NULL};
	struct a25_reuse_op dev_ro = {"devtmpfs", MS_RDONLY, "mode=0700"};
	int base, with_sys, with_tmp;
	long mark;
	struct statvfs vfs;
	struct stat st;
	int got, got_ro, control;

	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " RU) == 0);
	mn_policy_text("a25", A25_MOUNT_NS_POLICY);
	base = map_entries("lg_ns_supers");
	got = in_cgroup(CG, a25_reuse_service, &sys);
	with_sys = map_entries("lg_ns_supers");
	a25_reuse_release();
	VM_CHECK(got == 0);
	got = in_cgroup(CG, a25_reuse_service, &tmp);
	with_tmp = map_entries("lg_ns_supers");
	a25_reuse_release();
	VM_CHECK(got == 0);
	printf("#   superblocks marked as a namespace's own: %d before, %d with its sysfs, %d "
	       "with its tmpfs\n", base, with_sys, with_tmp);
	if (base < 0 || with_sys != base || with_tmp != base + 1)
		VM_FAIL("marks: %d, %d, %d (expected the sysfs found again unmarked, the tmpfs "
			"marked)", base, with_sys, with_tmp);
	/* (b) a mount of devtmpfs: the host's superblock reconfigured */
	control = in_cgroup(NULL, a25_reuse_service, &dev);
	a25_reuse_release();
	mark = event_mark();
	got = in_cgroup(CG, a25_reuse_service, &dev);
	a25_reuse_release();
	got_ro = in_cgroup(CG, a25_reuse_service, &dev_ro);
	a25_reuse_release();
	VM_CHECK(stat("/dev", &st) == 0 && statvfs("/dev", &vfs) == 0);
	printf("#   devtmpfs in its own namespace: unconfined %d; confined %d, with ro, mode=0700 "
	       "%d; the host's /dev after: mode %04o, %s\n", control, got, got_ro,
	       (unsigned)(st.st_mode & 07777), (vfs.f_flag & ST_RDONLY) ? "read-only" : "writable");
	VM_CHECK(control == 0);
	if (got != 300 + EPERM || got_ro != 300 + EPERM)
		VM_FAIL("devtmpfs: %d, %d (expected 301: a remount of the host's superblock)", got,
			got_ro);
	if ((vfs.f_flag & ST_RDONLY) || (st.st_mode & 07777) != 0755) {
		VM_FAIL("the service's mount reconfigured the host's devtmpfs");
		mount(NULL, "/dev", NULL, MS_REMOUNT, "mode=0755");
		chmod("/dev", 0755);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a25\"",
			   "\"hook\":\"sb_remount\"", MOUNT_SOURCE, "\"path\":\"/dev\"");
	mn_policy_gone("a25");
}
