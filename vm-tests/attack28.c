// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 28 (helper, branch a28, against aa71b34): the names a host mount keeps when the
 * kernel detaches it (d_invalidate -> __detach_mounts -> umount_tree(UMOUNT_CONNECTED)):
 * bpf_lsm/mounts.bpf.c's lg_mount_detached marks and enforcer/apply.c's detached_records /
 * host.c's add_kept_lines. Every case asserts the secure outcome (a confined read of the
 * denied file: EPERM, 3001 here); a failing check is a bypass ("BYPASS?" lines). An unconfined
 * control reads the same path first.
 *
 * The FUSE filesystem at FZ is the administrator's mount; its server runs confined (as root or
 * as uid 1000), its connection inherited, as 2500's. No mount rights in any policy here.
 *
 * Results in the 6.1 VM before the fix (/work/atk28-run1-console.log, run2): 2800, 2801, 2802
 * (point of 160 bytes), 2804 FAILED (read); 2803, 2805 held. All closed in the eleventh session
 * (each case now asserts EPERM and passes):
 *  2800: a kept line stands for the detached root like any visible mount of the same filesystem
 *        (a directory's bind too, which is then named through it): host.c, add_kept_lines.
 *  2801: a mount whose look did not answer still counts as one (the mark is not spent).
 *  2802, 2804: a mark whose point is not known (never read, or longer than the record's copy
 *        after a restart) is kept "unnamed": the records of its filesystem's mounts name nothing,
 *        the walk fails closed, while it is mounted; a mark newer than the daemon's reading of
 *        mountinfo is never spent by it (the detach is counted in LG_EPOCH_MOUNT_CHANGES).
 *
 * What the attacker found, as written then:
 *
 *  2800 FAIL: only DIRECTORY binds of the detached tmpfs remain (FZ/d/secret at DS, FZ/d/up at
 *       DU). EPERM before and with the daemon stopped (the kernel's mark); after the daemon's
 *       rewrite add_kept_lines finds no visible fs_root line of the root, the mark is spent and
 *       each bind gets a record of its own at its own point: DS/key and DU/secret/key READ by
 *       root and uid 1000, by INVAL_ENTRY, NOTIFY_DELETE, lookup ENOENT, lookup answered with
 *       another node id; server root and uid 1000.
 *  2801 FAIL: the root bind at FZ/e (same FUSE fs): the server holds lookups of "e" for 5 s and
 *       detaches "d": the daemon's look of FZ/e times out (unanswered, not visible), the mark is
 *       spent, A's record deleted; FZ/e/secret/key READ (root, uid 1000; server root, uid 1000).
 *  2802 FAIL for a point longer than the record's 128-byte copy (160 bytes): kept while the
 *       daemon runs; after an administrator's restart (SIGTERM, run) the mark is spent and the
 *       bind becomes the record: READ (detached before or during the restart). Short point: holds.
 *  2803 holds: a stale mark with B reusing A's key (0:26 ino 1): the rule at B's own path is
 *       carried to the kept name.
 *  2804 FAIL: detached before the daemon first read the new mount (daemon stopped, or simply at
 *       once, racing it): no record, no remembered point, the mark is spent, the bind becomes
 *       the record: READ. The control (no detach) holds.
 *  2805 holds: a child mount of the detached tree whose root is bound elsewhere.
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define USER 1000
#define CG "/lgt/a28"
#define FZ "/srv/a28f" /* the FUSE filesystem the confined task serves */

static int a28_failures;

static void a28_end(void)
{
	if (a28_failures)
		VM_FAIL("%d route(s) gave the wrong verdict (BYPASS? lines above)", a28_failures);
}

static void a28_policy(const char *denies)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "[policy]\nname = a28\ncgroup = " CG "\nmode = enforce\n"
		 "[files]\ndefault = allow\n%s[exec]\ndefault = allow\n"
		 "[network]\ndefault = allow\n",
		 denies);
	mn_policy_text("a28", text);
}

static void a28_secret_in(const char *dir)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/secret' && printf " SECRET " > '%s/secret/key' && chmod 0644 "
		 "'%s/secret/key'",
		 dir, dir, dir);
	VM_CHECK(system(cmd) == 0);
}

/* ---- 2800: only a directory's bind of the detached tmpfs stays ------------------------- */

#define DS "/srv/a28s" /* the administrator's bind of FZ/d/secret */
#define DU "/srv/a28u" /* the administrator's bind of FZ/d/up */

/*
 * The administrator's tmpfs at FZ/d (deny = FZ/d/secret/, FZ/d/up/secret/), and binds of its
 * DIRECTORIES (no bind of its root): FZ/d/secret at DS, FZ/d/up at DU. The confined server
 * says "d" is gone (FUSE_NOTIFY_INVAL_ENTRY, FUSE_NOTIFY_DELETE, lookup ENOENT): the kernel
 * detaches FZ/d. add_kept_lines keeps a record only while a mount of the ROOT is visible; a
 * directory's bind is not one, so the mark is spent and the bind gets a record of its own.
 */
VM_TEST(a28_directory_bind_after_detach, 2800)
{
	static const char *const routes[] = {"FUSE_NOTIFY_INVAL_ENTRY", "FUSE_NOTIFY_DELETE",
					     "lookup answered ENOENT", "lookup answered another node"};
	static const char *const more[] = {DS, DU, NULL};

	VM_TIMEOUT(400);
	a28_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " FZ " " DS " " DU) == 0);
	a28_policy("deny = " FZ "/d/secret/\ndeny = " FZ "/d/up/secret/\n");
	for (int round = 0; round < 5; round++) {
		int route = round % 4, told = 0;
		uid_t server_uid = round == 4 ? USER : 0;
		struct mn_fuse f;
		char label[160];
		pid_t stopped;

		mn_fuse_start(&f, FZ, CG, server_uid);
		VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
		a28_secret_in(FZ "/d");
		a28_secret_in(FZ "/d/up");
		VM_CHECK(mount(FZ "/d/secret", DS, NULL, MS_BIND, NULL) == 0);
		VM_CHECK(mount(FZ "/d/up", DU, NULL, MS_BIND, NULL) == 0);
		usleep(2500 * 1000);
		snprintf(label, sizeof(label), "2800 %s, server uid %u, before", routes[route],
			 server_uid);
		mn_expect_denied(CG, DS "/key", 0, label, &a28_failures);
		mn_expect_denied(CG, DU "/secret/key", 0, label, &a28_failures);
		stopped = daemon_stop();
		if (route == 0)
			told = mn_fuse_tell(&f, 'n', 0);
		else if (route == 1)
			told = mn_fuse_tell(&f, 'D', 0);
		else {
			struct stat st;

			told = mn_fuse_tell(&f, route == 2 ? 'g' : 'x', 0);
			usleep(50 * 1000);
			printf("#   2800 host stat of FZ/d/secret: %d errno %d\n",
			       stat(FZ "/d/secret", &st), errno);
		}
		printf("#   2800 %s, server uid %u: told %d, " FZ "/d mounted %d, " DS
		       " mounted %d, " DU " mounted %d, marks %d\n",
		       routes[route], server_uid, told, mn_mounted_at(FZ "/d"),
		       mn_mounted_at(DS), mn_mounted_at(DU), map_entries("lg_mount_detach"));
		VM_CHECK(told == 0 || route == 1); /* DELETE: d_invalidate first, then its checks */
		VM_CHECK(!mn_mounted_at(FZ "/d") && mn_mounted_at(DS) && mn_mounted_at(DU));
		snprintf(label, sizeof(label), "2800 %s, server uid %u, daemon stopped",
			 routes[route], server_uid);
		mn_expect_denied(CG, DS "/key", 0, label, &a28_failures);
		mn_expect_denied(CG, DU "/secret/key", USER, label, &a28_failures);
		daemon_resume(stopped);
		usleep(3000 * 1000);
		printf("#   2800 after rewrite: marks %d\n", map_entries("lg_mount_detach"));
		snprintf(label, sizeof(label), "2800 %s, server uid %u, after the daemon's rewrite",
			 routes[route], server_uid);
		mn_expect_denied(CG, DS "/key", 0, label, &a28_failures);
		mn_expect_denied(CG, DS "/key", USER, label, &a28_failures);
		mn_expect_denied(CG, DU "/secret/key", 0, label, &a28_failures);
		mn_expect_denied(CG, DU "/secret/key", USER, label, &a28_failures);
		mn_fuse_stop(&f, more);
		usleep(1500 * 1000);
	}
	mn_policy_gone("a28");
	a28_end();
}

/* ---- 2801: the remaining root bind's look held by the server during the rewrite -------- */

/*
 * The administrator's tmpfs at FZ/d (deny = FZ/d/secret/), bound (its root) at FZ/e, on the
 * same FUSE filesystem. The server holds every lookup of "e" for 5 s, then says "d" is gone:
 * during the daemon's rewrite the look of FZ/e does not answer within 2 s (unanswered, not
 * visible), so add_kept_lines finds no visible mount of the root and the mark is spent; the
 * record at FZ/d is deleted (the unanswered line keeps only a record at its own path).
 */
VM_TEST(a28_held_look_of_the_bind, 2801)
{
	static const char *const more[] = {FZ "/e", NULL};

	VM_TIMEOUT(300);
	a28_failures = 0;
	mn_setup_plain(CG);
	a28_policy("deny = " FZ "/d/secret/\n");
	for (int round = 0; round < 2; round++) {
		uid_t server_uid = round ? USER : 0;
		struct mn_fuse f;
		char label[160];
		int told, held;

		mn_fuse_start(&f, FZ, CG, server_uid);
		VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
		a28_secret_in(FZ "/d");
		VM_CHECK(mount(FZ "/d", FZ "/e", NULL, MS_BIND, NULL) == 0);
		usleep(2500 * 1000);
		snprintf(label, sizeof(label), "2801 server uid %u, before", server_uid);
		mn_expect_denied(CG, FZ "/e/secret/key", 0, label, &a28_failures);
		held = mn_fuse_tell(&f, 'h', 1);
		told = mn_fuse_tell(&f, 'n', 0);
		printf("#   2801 server uid %u: held %d told %d, " FZ "/d mounted %d, " FZ
		       "/e mounted %d, marks %d\n",
		       server_uid, held, told, mn_mounted_at(FZ "/d"), mn_mounted_at(FZ "/e"),
		       map_entries("lg_mount_detach"));
		VM_CHECK(told == 0);
		usleep(6000 * 1000); /* the look times out; the hold ends */
		printf("#   2801 after: marks %d, " FZ "/e mounted %d\n",
		       map_entries("lg_mount_detach"), mn_mounted_at(FZ "/e"));
		snprintf(label, sizeof(label), "2801 server uid %u, after the held look",
			 server_uid);
		mn_expect_denied(CG, FZ "/e/secret/key", 0, label, &a28_failures);
		mn_expect_denied(CG, FZ "/e/secret/key", USER, label, &a28_failures);
		usleep(3000 * 1000);
		snprintf(label, sizeof(label), "2801 server uid %u, later", server_uid);
		mn_expect_denied(CG, FZ "/e/secret/key", 0, label, &a28_failures);
		mn_fuse_stop(&f, more);
		usleep(1500 * 1000);
	}
	mn_policy_gone("a28");
	a28_end();
}

/* ---- 2802: a point longer than the record's copy, and a daemon restart ----------------- */

#define LB "/srv/a28lb" /* the administrator's bind of the tmpfs on FZ/<200 L> */

/*
 * The tmpfs on FZ/<150-byte name> (a point longer than the record's 128-byte copy), bound at
 * LB; deny = FZ/<name>/secret/. The server detaches it; the daemon keeps the name while it
 * runs (its last rewrite's points); then the administrator restarts the daemon (SIGTERM, run
 * again: the pins adopted). Round 1: detached while the daemon is down.
 */
VM_TEST(a28_long_point_and_restart, 2802)
{
	static const char *const more[] = {LB, NULL};
	char point[512], deny[1400];

	VM_TIMEOUT(400);
	a28_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " LB) == 0);
	snprintf(deny, sizeof(deny), "deny = " FZ "/%s/secret/\ndeny = " FZ "/d/secret/\n",
		 mn_fuse_name(2));
	a28_policy(deny);
	/* round 0: long point, detached while the daemon runs, then restarted; round 1: long
	 * point detached while the daemon is down; round 2: the short point "d", as round 0 */
	for (int round = 0; round < 3; round++) {
		int idx = round == 2 ? 0 : 2;
		struct mn_fuse f;
		char label[160];
		pid_t d;
		int told = -9;

		snprintf(point, sizeof(point), FZ "/%s", mn_fuse_name(idx));
		mn_fuse_start(&f, FZ, CG, 0);
		VM_CHECK(mount("tmpfs", point, "tmpfs", 0, "mode=0755") == 0);
		a28_secret_in(point);
		VM_CHECK(mount(point, LB, NULL, MS_BIND, NULL) == 0);
		usleep(2500 * 1000);
		snprintf(label, sizeof(label), "2802 round %d (point %zu bytes), before", round,
			 strlen(point));
		mn_expect_denied(CG, LB "/secret/key", 0, label, &a28_failures);
		if (round != 1) {
			told = mn_fuse_tell(&f, 'n', idx);
			usleep(3000 * 1000);
			snprintf(label, sizeof(label), "2802 round %d, detached, daemon's rewrite",
				 round);
			mn_expect_denied(CG, LB "/secret/key", 0, label, &a28_failures);
		}
		d = daemon_pid();
		VM_CHECK(d > 0);
		if (d > 0) {
			kill(d, SIGTERM);
			VM_CHECK(wait_exit(d, 10000));
		}
		if (round == 1)
			told = mn_fuse_tell(&f, 'n', idx);
		printf("#   2802 round %d: told %d, point mounted %d, " LB " mounted %d, marks %d\n",
		       round, told, mn_mounted_at(point), mn_mounted_at(LB),
		       map_entries("lg_mount_detach"));
		VM_CHECK(told == 0);
		VM_CHECK(daemon_start() > 0);
		usleep(3000 * 1000);
		printf("#   2802 round %d: after restart, marks %d\n", round,
		       map_entries("lg_mount_detach"));
		snprintf(label, sizeof(label), "2802 round %d, after the daemon's restart", round);
		mn_expect_denied(CG, LB "/secret/key", 0, label, &a28_failures);
		mn_expect_denied(CG, LB "/secret/key", USER, label, &a28_failures);
		mn_fuse_stop(&f, more);
		usleep(1500 * 1000);
	}
	mn_policy_gone("a28");
	a28_end();
}

/* ---- 2803: a mark that outlives its root names another filesystem ---------------------- */

#define SQ "/srv/a28q"	/* the administrator's bind of the detached tmpfs A */
#define SR "/srv/a28r"	/* the administrator's new tmpfs B later: deny = SR/secret/ */

static void a28_key_of(const char *path, unsigned *maj, unsigned *min, unsigned long *ino)
{
	struct stat st;

	*maj = *min = 0;
	*ino = 0;
	if (stat(path, &st) == 0) {
		*maj = major(st.st_dev);
		*min = minor(st.st_dev);
		*ino = st.st_ino;
	}
}

/*
 * tmpfs A at FZ/d bound at SQ; the server detaches FZ/d (the mark: A kept at FZ/d). Then the
 * administrator unmounts SQ (A's last mount) and at once mounts a new tmpfs B at SR (deny =
 * SR/other/): B may get A's anonymous device and root inode, the key the mark holds. Round 0
 * with the daemon running (the moment before its rewrite), round 1 with it stopped meanwhile.
 */
VM_TEST(a28_stale_mark_other_filesystem, 2803)
{
	static const char *const more[] = {SQ, SR, NULL};

	VM_TIMEOUT(300);
	a28_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " SQ " " SR) == 0);
	a28_policy("deny = " SR "/other/\ndeny = " FZ "/d/secret/\n");
	for (int round = 0; round < 2; round++) {
		unsigned amaj, amin, bmaj, bmin;
		unsigned long aino, bino;
		struct mn_fuse f;
		char label[160];
		pid_t stopped = -1;
		int told;

		mn_fuse_start(&f, FZ, CG, 0);
		VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
		a28_secret_in(FZ "/d");
		VM_CHECK(mount(FZ "/d", SQ, NULL, MS_BIND, NULL) == 0);
		a28_key_of(SQ, &amaj, &amin, &aino);
		usleep(2500 * 1000);
		told = mn_fuse_tell(&f, 'n', 0);
		VM_CHECK(told == 0);
		usleep(3000 * 1000);
		snprintf(label, sizeof(label), "2803 round %d, A detached", round);
		mn_expect_denied(CG, SQ "/secret/key", 0, label, &a28_failures);
		if (round == 1)
			stopped = daemon_stop();
		VM_CHECK(umount2(SQ, 0) == 0);
		VM_CHECK(mount("tmpfs", SR, "tmpfs", 0, "mode=0755") == 0);
		a28_key_of(SR, &bmaj, &bmin, &bino);
		VM_CHECK(system("mkdir -p " SR "/other && printf " SECRET " > " SR "/other/key && "
				"chmod 0644 " SR "/other/key") == 0);
		printf("#   2803 round %d: A %u:%u ino %lu, B %u:%u ino %lu (%s), marks %d\n", round,
		       amaj, amin, aino, bmaj, bmin, bino,
		       amaj == bmaj && amin == bmin && aino == bino ? "same key" : "other key",
		       map_entries("lg_mount_detach"));
		if (round == 1)
			daemon_resume(stopped);
		usleep(3000 * 1000);
		printf("#   2803 round %d: after rewrite, marks %d\n", round,
		       map_entries("lg_mount_detach"));
		snprintf(label, sizeof(label), "2803 round %d, B at " SR, round);
		mn_expect_denied(CG, SR "/other/key", 0, label, &a28_failures);
		mn_expect_denied(CG, SR "/other/key", USER, label, &a28_failures);
		mn_fuse_stop(&f, more);
		usleep(1500 * 1000);
	}
	mn_policy_gone("a28");
	a28_end();
}

/* ---- 2804: detached before the daemon ever recorded the first mount -------------------- */

#define NQ "/srv/a28n" /* the administrator's bind of the tmpfs on FZ/d */

/*
 * The administrator mounts tmpfs A at FZ/d (deny = FZ/d/secret/) and binds it at NQ; the
 * confined server detaches FZ/d before the daemon has read its table since (round 0: the
 * daemon stopped meanwhile; round 1: at once, racing the daemon's reading). The kernel marks A,
 * but lg_mounts has no record of A yet and the last rewrite's points do not name it:
 * detached_records spends the mark, and NQ becomes A's record.
 */
VM_TEST(a28_detached_before_first_reading, 2804)
{
	static const char *const more[] = {NQ, NULL};

	VM_TIMEOUT(300);
	a28_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " NQ) == 0);
	a28_policy("deny = " FZ "/d/secret/\n");
	/* round 3: the control, the same with no detach (the daemon stopped as in round 0) */
	for (int round = 0; round < 4; round++) {
		uid_t server_uid = round == 2 ? USER : 0;
		struct mn_fuse f;
		char label[160];
		pid_t stopped = -1;
		int told = 0;

		mn_fuse_start(&f, FZ, CG, server_uid);
		usleep(1500 * 1000);
		if (round != 1)
			stopped = daemon_stop();
		VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(mount(FZ "/d", NQ, NULL, MS_BIND, NULL) == 0);
		if (round != 3)
			told = mn_fuse_tell(&f, 'n', 0);
		a28_secret_in(NQ);
		printf("#   2804 round %d, server uid %u: told %d, " FZ "/d mounted %d, " NQ
		       " mounted %d, marks %d\n",
		       round, server_uid, told, mn_mounted_at(FZ "/d"), mn_mounted_at(NQ),
		       map_entries("lg_mount_detach"));
		VM_CHECK(told == 0);
		if (stopped > 0)
			daemon_resume(stopped);
		usleep(3000 * 1000);
		printf("#   2804 round %d: after rewrite, marks %d\n", round,
		       map_entries("lg_mount_detach"));
		snprintf(label, sizeof(label), "2804 round %d, server uid %u, after the rewrite",
			 round, server_uid);
		mn_expect_denied(CG, NQ "/secret/key", 0, label, &a28_failures);
		mn_expect_denied(CG, NQ "/secret/key", USER, label, &a28_failures);
		mn_fuse_stop(&f, more);
		usleep(1500 * 1000);
	}
	mn_policy_gone("a28");
	a28_end();
}

/* ---- 2805: a child mount of the detached tree, its root bound elsewhere ---------------- */

#define CQ "/srv/a28c" /* the administrator's bind of tmpfs C (on FZ/d/c) */

/*
 * tmpfs A at FZ/d, tmpfs C at FZ/d/c (deny = FZ/d/c/secret/), C's root bound at CQ. The
 * server detaches FZ/d: the tree (A and C) goes; C keeps its name while CQ stays. Expected
 * to hold (the mechanism's own case for a child).
 */
VM_TEST(a28_detached_child_bound_elsewhere, 2805)
{
	static const char *const more[] = {CQ, NULL};

	VM_TIMEOUT(200);
	a28_failures = 0;
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " CQ) == 0);
	a28_policy("deny = " FZ "/d/c/secret/\n");
	{
		struct mn_fuse f;
		int told;

		mn_fuse_start(&f, FZ, CG, USER);
		VM_CHECK(mount("tmpfs", FZ "/d", "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(system("mkdir -p " FZ "/d/c") == 0);
		VM_CHECK(mount("tmpfs", FZ "/d/c", "tmpfs", 0, "mode=0755") == 0);
		a28_secret_in(FZ "/d/c");
		VM_CHECK(mount(FZ "/d/c", CQ, NULL, MS_BIND, NULL) == 0);
		usleep(2500 * 1000);
		mn_expect_denied(CG, CQ "/secret/key", 0, "2805 before", &a28_failures);
		told = mn_fuse_tell(&f, 'n', 0);
		VM_CHECK(told == 0);
		usleep(3000 * 1000);
		printf("#   2805: " FZ "/d/c mounted %d, " CQ " mounted %d, marks %d\n",
		       mn_mounted_at(FZ "/d/c"), mn_mounted_at(CQ), map_entries("lg_mount_detach"));
		mn_expect_denied(CG, CQ "/secret/key", 0, "2805 after the rewrite", &a28_failures);
		mn_expect_denied(CG, CQ "/secret/key", USER, "2805 after the rewrite", &a28_failures);
		mn_fuse_stop(&f, more);
	}
	mn_policy_gone("a28");
	a28_end();
}
