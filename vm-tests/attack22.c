// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 22 (helper, s45-attack) against 4d8346c: a file's name (and so which rules apply)
 * depends on how the host mounted it. The btrfs image is attack21.c's (/mnt/bt, subvolume vol
 * with secret/key); the other cases use plain directories and tmpfs.
 *
 * Every case asserts the secure outcome (EPERM); a failing check is a bypass. The unconfined
 * control reads (or writes) the key by the same route first.
 *
 * Results in the 6.1 VM against 4d8346c (logs /work/a22-vm1.log, a22-vm2.log, a22-vm3.log);
 * 2200 and 2203 pass since review 40's fixes and are here, 2204 since the kernel's names are
 * carried up to PATH_MAX. The others stay on branch s45-attack
 * (docs/security.md, attack run 22): 2201, 2202 and 2208 are lsmguard's rule that a directory
 * rule covers its filesystem's files, not what a mount over part of it shows (vm-test 94); 2205
 * and 2206 a service with
 * mount = allow moving or unmounting a host mount; 2207 the moment before the load a new bind
 * starts.
 *  2200 FAIL (root, uid 1000): deny = /mnt/bt/vol/secret/, vol also mounted at /mnt/a22v: denied
 *       while the top is the earlier mount; the administrator remounts /mnt/bt, and the key is
 *       read by both paths, after a reload too (the record is vol's mount; the rule's path maps
 *       through /mnt/bt, a record, so no alias is made).
 *  2201 FAIL (root, uid 1000): deny = /srv/a22s/ subtree, a bind of /data/a22s/real at
 *       /srv/a22s/b: read (a plain file under /srv/a22s: EPERM). Aliases cover only the rule's
 *       own path, not mounts beneath a subtree rule.
 *  2202 FAIL (root, uid 1000): the same with vol's later (held) mount at /srv/a22t/vol.
 *  2203 FAIL (root, uid 1000): allow-read = /srv/a22r/secret/ at a bind's path (default allow):
 *       write open succeeds at the rule's own path; only LG_ACT_DENY rules are carried.
 *  2204 FAIL (root, uid 1000): deny at a bind's path whose kernel name is > 448 bytes: the
 *       alias is dropped silently (-ENAMETOOLONG), the key is read at the rule's own path.
 *  2205 FAIL (root, uid 1000; mount = allow): the service MS_MOVEs the tmpfs holding the denied
 *       directory: the record follows the mount, the key is read at the new path.
 *  2206 FAIL (root, uid 1000; mount = allow): the service binds the tmpfs root elsewhere and
 *       unmounts the first mount: the bind becomes the record, the key is read.
 *  2207 FAIL (uid 1000): 941 reads of the key through an administrator's new bind at the rule's
 *       path before the reload the mount change starts (EPERM after it).
 *  2208 FAIL (root, uid 1000): [exec] deny = /srv/a22x/, a program through a bind at
 *       /srv/a22x/b runs (the same program directly under /srv/a22x: EPERM).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define USER 1000
#define CG "/lgt/a22"
#define V "/mnt/a22v" /* vol mounted by itself */

#define a22_policy(files, system) mn_policy("a22", CG, files, system)
#define a22_policy_gone() mn_policy_gone("a22")
#define a22_setup() mn_setup(CG)
#define a22_mount_subvol mn_mount_subvol
#define a22_umount mn_umount

struct a22_op {
	const char *path;
	uid_t uid;
	int write; /* 1: open for writing (O_WRONLY | O_APPEND) and append nothing */
};

/* 0 when the secret came back (or the write open succeeded), 3000 + errno when open failed. */
static int a22_access(const void *arg)
{
	const struct a22_op *o = arg;
	char buf[256];
	int ret = become(o->uid), fd;
	ssize_t n;

	if (ret)
		return ret;
	fd = open(o->path, o->write ? O_WRONLY | O_APPEND : O_RDONLY);
	if (fd < 0)
		return 3000 + errno;
	if (o->write) {
		close(fd);
		return 0;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return 2000 + errno;
	return memmem(buf, n, SECRET, strlen(SECRET)) ? 0 : 5000;
}

static void a22_expect(const char *path, uid_t uid, int write, const char *route)
{
	struct a22_op o = {path, uid, write};
	int control = in_cgroup(NULL, a22_access, &o), got = in_cgroup(CG, a22_access, &o);

	printf("#   %s: %s %s as uid %u: unconfined %d, confined %d\n", route,
	       write ? "write-open" : "read", path, uid, control, got);
	if (control != 0)
		VM_FAIL("control: unconfined %s of %s as uid %u returned %d",
			write ? "write" : "read", path, uid, control);
	if (got != 3000 + EPERM)
		VM_FAIL("BYPASS? %s: confined %s of %s as uid %u returned %d (0: done), expected EPERM",
			route, write ? "write" : "read", path, uid, got);
}

static void a22_all_denied(const char *const *paths, const char *when)
{
	for (const char *const *p = paths; *p; p++) {
		a22_expect(*p, 0, 0, when);
		a22_expect(*p, USER, 0, when);
	}
}

/* A directory tree dir/secret/key holding the secret, owned by uid 1000. */
static void a22_secret_dir(const char *dir)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/secret' && printf " SECRET " > '%s/secret/key' && "
		 "chown -R 1000:1000 '%s' && chmod 0600 '%s/secret/key'",
		 dir, dir, dir, dir);
	VM_CHECK(system(cmd) == 0);
}

/* Until the loads mount changes started are done: no new generation for 1.5 s. */
static void a22_wait_quiet(void)
{
	int generation = state_generation();

	for (int i = 0; i < 20; i++) {
		int now;

		usleep(1500 * 1000);
		now = state_generation();
		if (now == generation)
			return;
		generation = now;
	}
	VM_FAIL("the daemon kept loading for 30 s");
}

/*
 * 2200. The rule at the top-level's path (deny = /mnt/bt/vol/secret/) with vol also mounted by
 * itself at /mnt/a22v after the top: held, denied. Then the administrator remounts the top (umount
 * /mnt/bt, mount it again): vol's own mount is now the earlier one, its record names the key
 * /mnt/a22v/secret/key, and nothing carries the rule written at /mnt/bt/vol/secret/ there
 * (lg_mount_canonical only maps a path through the mount at or above it, /mnt/bt, a record).
 */
VM_TEST(a22_top_remounted_after_the_subvolume_mount, 2200)
{
	static const char *const routes[] = {BT "/vol/secret/key", V "/secret/key", NULL};

	VM_TIMEOUT(180);
	a22_setup();
	a22_mount_subvol("vol", V);
	a22_policy("deny = " BT "/vol/secret/\n", NULL);
	a22_all_denied(routes, "top first, vol after");
	/* Now vol's own mount names it (it is the earlier one), and the path through the top
	 * leads to that record: the rule is kept at vol's mount by a load the change starts. */
	VM_CHECK(umount2(BT, 0) == 0);
	VM_CHECK(system("dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1); "
			"mount -t btrfs \"$dev\" " BT) == 0);
	a22_wait_quiet(); /* the loads the two changes start */
	a22_all_denied(routes, "the top remounted (vol's mount now first)");
	VM_CHECK(daemon_reload_wait());
	a22_all_denied(routes, "the top remounted, after a reload");
	a22_policy_gone();
	a22_umount(V);
}

/*
 * 2203. allow-read (reading allowed, writing denied) written at a bind mount's path in a policy
 * whose default is allow: its write denial is a deny, but only LG_ACT_DENY rules are carried to
 * the kernel's name (add_path_alias), so the write open at the rule's own path goes through.
 */
VM_TEST(a22_allow_read_at_a_bind_mount_path, 2203)
{
	VM_TIMEOUT(120);
	a22_setup();
	a22_secret_dir("/data/a22r/real");
	VM_CHECK(system("mkdir -p /srv/a22r") == 0);
	VM_CHECK(mount("/data/a22r/real", "/srv/a22r", NULL, MS_BIND, NULL) == 0);
	usleep(800 * 1000);
	a22_policy("allow-read = /srv/a22r/secret/\n", NULL);
	a22_expect("/srv/a22r/secret/key", USER, 1, "allow-read at the bind's path, write");
	a22_expect("/srv/a22r/secret/key", 0, 1, "allow-read at the bind's path, write");
	a22_policy_gone();
	a22_umount("/srv/a22r");
	VM_CHECK(system("rm -rf /data/a22r /srv/a22r") == 0);
}

#define LONG120 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DEEP30 "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25/26/27/28/29/30"

/*
 * 2204. A deny rule at a bind mount's path whose kernel name is longer than a rule's text holds
 * (447 bytes): the rule is carried there all the same (its hash is kept, LG_ALIAS_MAX). And one
 * whose kernel name is deeper than the walk goes (33 components with secret/): refused by the
 * walk itself, the rule not needed.
 */
VM_TEST(a22_bind_of_a_long_path, 2204)
{
	static const char *const routes[] = {"/srv/a22l/secret/key", "/srv/a22d/secret/key", NULL};
	const char *real = "/data/a22l/" LONG120 "/" LONG120 "/" LONG120 "/" LONG120;
	const char *deep = "/data/a22d" DEEP30;

	VM_TIMEOUT(120);
	a22_setup();
	a22_secret_dir(real);
	a22_secret_dir(deep);
	VM_CHECK(system("mkdir -p /srv/a22l /srv/a22d") == 0);
	VM_CHECK(mount(real, "/srv/a22l", NULL, MS_BIND, NULL) == 0);
	VM_CHECK(mount(deep, "/srv/a22d", NULL, MS_BIND, NULL) == 0);
	usleep(800 * 1000);
	a22_policy("deny = /srv/a22l/secret/\ndeny = /srv/a22d/secret/\n", NULL);
	a22_all_denied(routes, "binds of a 500-byte and a 32-deep path");
	a22_policy_gone();
	a22_umount("/srv/a22l");
	a22_umount("/srv/a22d");
	VM_CHECK(system("rm -rf /data/a22l /data/a22d /srv/a22l /srv/a22d") == 0);
}


