// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 21 (helper, s44-attack): path rules on btrfs subvolumes and the daemon's mount
 * table (branch s44-btrfs). The filesystem is btrfs.c's (build/vm/btrfs.img at /mnt/bt on a
 * loop device, subvolume vol with secret/key, read-only snapshot vol-ro); the cases mount vol
 * (and a nested subvolume) by themselves the way an administrator's layout does (/home on
 * subvol=@home with the top-level at /mnt/pool).
 *
 * Every case asserts the secure outcome (EPERM); a failing check is a bypass. The unconfined
 * control reads the key by the same route first. The cases that failed were lost with their
 * branch (s44-attack) and are written again here from the run's record, now that the class is
 * closed: a subvolume reached through an earlier mount of a subvolume holding it is named
 * through that one whatever mounts of it come later, a covered mount keeps its record, and a
 * deny rule written at a path the kernel names otherwise is kept at the kernel's name too
 * (lg_read_mounts, lg_mount_canonical; the daemon loads again when those names change).
 *
 * Results in the 6.1 VM against 617e4ae (logs /work/a21-vm1.log, /work/a21-vm2.log):
 *  2100 FAIL (root, uid 1000): deny = /mnt/bt/vol/secret/ holds until the administrator mounts
 *       vol by itself (subvol=vol at /mnt/a21v); then the key is read by the rule's own path and
 *       by the new mount, no warning, no event; again denied once that mount is gone.
 *  2101 FAIL (root, uid 1000): the same for a nested subvolume (rule /mnt/a21v/inner/, inner
 *       mounted by itself at /mnt/a21i): every route reads.
 *  2102 FAIL (root; uid 1000 reads too): a service with [system] mount = allow binds /mnt/bt/vol
 *       (a subvolume root seen through the top) at /mnt/a21b: the walk anchors there and the rule
 *       deny = /mnt/bt/vol/secret/ stops matching. A bind of vol/secret (no subvolume root) keeps it.
 *  2103 FAIL (root, uid 1000; mount = allow): a tmpfs over the subvolume's own mount point
 *       (rule /mnt/a21v/secret/): the table drops the covered entry and the file is named
 *       /mnt/bt/vol/secret/key, read by the top path, also after a reload.
 *  2104 pass: open_by_handle_at through the top's, vol-ro's, vol's mounts (dentry cache
 *       dropped), O_PATH reopened by /proc/self/fd: EPERM.
 *  2105 renames (root renames the subvolume, uid 1000 the denied directory) and the service's
 *       link: EPERM. The administrator's link made after the load: read (see 2107).
 *  2106 pass: 30 rounds of subvolume mount/bind/umount; the daemon reloads and the rule holds.
 *  2107 FAIL (root, uid 1000): a link the service tried and was refused leaves the file's
 *       original record under its name then (/mnt/bt/vol/secret/k3); after vol is mounted by
 *       itself and the rule reloaded on /mnt/a21v/secret/, the administrator's next link of the
 *       file is read through both paths until another reload. Control (a), no prior attempt: EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define USER 1000
#define CG "/lgt/a21"
#define V "/mnt/a21v" /* vol mounted by itself */

#define a21_policy(files, system) mn_policy("a21", CG, files, system)
#define a21_policy_gone() mn_policy_gone("a21")
#define a21_setup() mn_setup(CG)
#define a21_mount_subvol mn_mount_subvol
#define a21_umount mn_umount

struct a21_op {
	const char *path;
	uid_t uid;
	int flags;
};

/* Read path: 0 when the secret came back, 3000 + errno when the open failed. */
static int a21_read(const void *arg)
{
	const struct a21_op *o = arg;
	int ret = become(o->uid);

	return ret ? ret : mn_read_fd(open(o->path, O_RDONLY));
}

static int a21_try_read(const char *cgroup, const char *path, uid_t uid)
{
	struct a21_op o = {path, uid, 0};

	return in_cgroup(cgroup, a21_read, &o);
}

/* The control reads the secret unconfined; the confined read must be EPERM. */
static void a21_expect_denied(const char *path, uid_t uid, const char *route)
{
	int control = a21_try_read(NULL, path, uid), got = a21_try_read(CG, path, uid);

	printf("#   %s: %s as uid %u: unconfined %d, confined %d\n", route, path, uid, control, got);
	if (control != 0)
		VM_FAIL("control: unconfined read of %s as uid %u returned %d", path, uid, control);
	if (got != 3000 + EPERM)
		VM_FAIL("BYPASS? %s: confined read of %s as uid %u returned %d (0: secret read), "
			"expected EPERM",
			route, path, uid, got);
}

struct a21_handle_op {
	const char *mount_dir;
	struct file_handle *fh;
	int o_path_of; /* 1: open an O_PATH descriptor of path and reopen /proc/self/fd/N */
	const char *path;
};

static int a21_open_handle(const void *arg)
{
	const struct a21_handle_op *h = arg;
	int mfd, fd;

	if (h->o_path_of) {
		char proc[64];
		int p = open(h->path, O_PATH);

		if (p < 0)
			return 4000 + errno;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", p);
		fd = open(proc, O_RDONLY);
	} else {
		mfd = open(h->mount_dir, O_RDONLY | O_DIRECTORY);
		if (mfd < 0)
			return 4000 + errno;
		fd = open_by_handle_at(mfd, h->fh, O_RDONLY);
	}
	return mn_read_fd(fd);
}

static void a21_expect_handle(struct a21_handle_op *h, const char *route)
{
	int control = in_cgroup(NULL, a21_open_handle, h), got;

	if (!h->o_path_of)
		VM_CHECK(system("sync; echo 2 > /proc/sys/vm/drop_caches") == 0 || true);
	got = in_cgroup(CG, a21_open_handle, h);
	printf("#   %s: unconfined %d, confined %d\n", route, control, got);
	if (control != 0)
		VM_FAIL("control: %s unconfined returned %d", route, control);
	if (got != 3000 + EPERM)
		VM_FAIL("BYPASS? %s: confined root returned %d, expected EPERM", route, got);
}

/*
 * 2104. File handles and /proc/self/fd on btrfs, vol mounted at /mnt/a21v with the rule there:
 * a handle of vol's key opened through the top's mount, through the read-only snapshot's mount
 * (another subvolume: btrfs's handle names the subvolume, the mount only gives the vfsmount),
 * with the dentry cache dropped; an O_PATH descriptor reopened through /proc/self/fd. Root.
 */
VM_TEST(a21_handles_and_proc_fd_on_btrfs, 2104)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[128];
	} handle;
	struct a21_handle_op h = {BT, &handle.fh, 0, NULL};
	int mount_id;

	VM_TIMEOUT(120);
	a21_setup();
	a21_mount_subvol("vol", V);
	a21_mount_subvol("vol-ro", "/mnt/a21r");
	a21_policy("deny = " V "/secret/\n", NULL);
	handle.fh.handle_bytes = sizeof(handle.bytes);
	VM_CHECK(name_to_handle_at(AT_FDCWD, BT "/vol/secret/key", &handle.fh, &mount_id, 0) == 0);
	a21_expect_handle(&h, "open_by_handle_at through the top's mount");
	h.mount_dir = "/mnt/a21r";
	a21_expect_handle(&h, "open_by_handle_at through vol-ro's mount");
	h.mount_dir = V;
	a21_expect_handle(&h, "open_by_handle_at through vol's mount");
	h.o_path_of = 1;
	h.path = BT "/vol/secret/key";
	a21_expect_handle(&h, "O_PATH of the top path reopened by /proc/self/fd");
	h.path = V "/secret/key";
	a21_expect_handle(&h, "O_PATH of the mount path reopened by /proc/self/fd");
	a21_policy_gone();
	a21_umount("/mnt/a21r");
	a21_umount(V);
}

/*
 * 2106. The daemon keeps reloading while subvolume mounts come and go (mount, bind, umount of
 * vol 30 times), and the rule on vol's own mount holds at the end.
 */
VM_TEST(a21_daemon_past_subvolume_mount_churn, 2106)
{
	VM_TIMEOUT(240);
	a21_setup();
	a21_mount_subvol("vol", V);
	a21_policy("deny = " V "/secret/\n", NULL);
	VM_CHECK(system("dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1); "
			"mkdir -p /mnt/a21c /mnt/a21e; i=0; while [ $i -lt 30 ]; do "
			"mount -t btrfs -o subvol=vol \"$dev\" /mnt/a21c; mount --bind /mnt/bt/vol /mnt/a21e; "
			"umount /mnt/a21c; umount /mnt/a21e; i=$((i+1)); done") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(daemon_pid() > 0);
	a21_expect_denied(V "/secret/key", USER, "after the churn, subvolume mount");
	a21_expect_denied(BT "/vol/secret/key", 0, "after the churn, top path");
	a21_policy_gone();
	a21_umount(V);
}

/* Wait up to 15 s for the load a mount change starts (the generation past before). */
static void a21_wait_load(int before)
{
	for (int i = 0; i < 1500 && state_generation() == before; i++)
		usleep(10 * 1000);
	VM_CHECK(state_generation() != before);
}

/* Run a shell command in the policy's cgroup as root (a service's own mount). */
static int a21_shell(const void *arg)
{
	int status = system((const char *)arg);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* The routes to the key: every one denied to root and uid 1000, read unconfined. */
static void a21_all_denied(const char *const *paths, const char *when)
{
	for (const char *const *p = paths; *p; p++) {
		a21_expect_denied(*p, 0, when);
		a21_expect_denied(*p, USER, when);
	}
}

/*
 * 2100. deny = /mnt/bt/vol/secret/ (the top-level's path, as /mnt/pool/@home/... is), then the
 * administrator mounts vol by itself: the rule holds by both paths, after a reload too, and once
 * that mount is gone. Against 617e4ae the key was read by both.
 */
VM_TEST(a21_rule_at_the_top_path_holds_once_the_subvolume_is_mounted_alone, 2100)
{
	static const char *const routes[] = {BT "/vol/secret/key", V "/secret/key", NULL};

	VM_TIMEOUT(180);
	a21_setup();
	a21_policy("deny = " BT "/vol/secret/\n", NULL);
	a21_expect_denied(BT "/vol/secret/key", 0, "before the mount");
	a21_mount_subvol("vol", V);
	a21_all_denied(routes, "vol mounted alone");
	VM_CHECK(daemon_reload_wait());
	a21_all_denied(routes, "after a reload");
	a21_umount(V);
	a21_expect_denied(BT "/vol/secret/key", USER, "the mount gone");
	a21_policy_gone();
}

/*
 * 2101. A nested subvolume (vol/inner), the rule written at vol's own mount (/mnt/a21v/inner/),
 * then inner mounted by itself: every route denied.
 */
VM_TEST(a21_nested_subvolume_mounted_alone, 2101)
{
	static const char *const routes[] = {BT "/vol/inner/key", V "/inner/key",
					     "/mnt/a21i/key", NULL};

	VM_TIMEOUT(180);
	a21_setup();
	if (access(BT "/vol/inner", F_OK) != 0) {
		struct btrfs_ioctl_vol_args_v2 args;
		int vol = open(BT "/vol", O_RDONLY | O_DIRECTORY);

		VM_CHECK(vol >= 0);
		memset(&args, 0, sizeof(args));
		strcpy(args.name, "inner");
		VM_CHECK(ioctl(vol, BTRFS_IOC_SUBVOL_CREATE_V2, &args) == 0);
		close(vol);
		VM_CHECK(system("printf " SECRET " > " BT "/vol/inner/key && chown -R 1000:1000 " BT
				"/vol/inner && chmod 0600 " BT "/vol/inner/key") == 0);
	}
	a21_mount_subvol("vol", V);
	a21_policy("deny = " V "/inner/\n", NULL);
	a21_mount_subvol("vol/inner", "/mnt/a21i");
	a21_all_denied(routes, "inner mounted alone");
	a21_policy_gone();
	a21_umount("/mnt/a21i");
	a21_umount(V);
}

/*
 * 2102. A service with [system] mount = allow binds the subvolume's root (seen through the top)
 * elsewhere in the host's namespace: the bind is named through the top, and the rule holds by
 * every route. Against 617e4ae the bind became vol's first own mount.
 */
VM_TEST(a21_service_bind_of_the_subvolume_root, 2102)
{
	static const char *const routes[] = {BT "/vol/secret/key", "/mnt/a21b/secret/key", NULL};

	VM_TIMEOUT(180);
	a21_setup();
	mkdir("/mnt/a21b", 0755);
	a21_policy("deny = " BT "/vol/secret/\n", "[system]\nmount = allow\n");
	VM_CHECK(in_cgroup(CG, a21_shell, "mount --bind " BT "/vol /mnt/a21b") == 0);
	usleep(800 * 1000);
	a21_all_denied(routes, "the service's bind of vol");
	/* The same with vol's own mount made first by the administrator, the bind after it. */
	a21_umount("/mnt/a21b");
	a21_mount_subvol("vol", V);
	VM_CHECK(in_cgroup(CG, a21_shell, "mount --bind " V " /mnt/a21b") == 0);
	usleep(800 * 1000);
	a21_all_denied(routes, "the service's bind of vol's mount");
	a21_expect_denied(V "/secret/key", USER, "vol's own mount");
	a21_umount("/mnt/a21b");
	a21_policy_gone();
	a21_umount(V);
}

/*
 * 2103. The service (mount = allow) mounts a tmpfs over the subvolume's own mount point, with
 * the rule written there: the covered mount keeps its record, and the key stays denied by the
 * top's path, after a reload too, and by a bind the service makes of vol's root afterwards.
 * Against 617e4ae the file was renamed /mnt/bt/vol/secret/key and read. The subvolume is
 * mounted alone before the top here (the top unmounted first), so that its own mount names it.
 */
VM_TEST(a21_service_covers_the_subvolume_mount, 2103)
{
	static const char *const routes[] = {BT "/vol/secret/key", "/mnt/a21b/secret/key", NULL};

	VM_TIMEOUT(180);
	a21_setup();
	mkdir("/mnt/a21b", 0755);
	VM_CHECK(umount2(BT, 0) == 0);
	mkdir(V, 0755);
	VM_CHECK(system("mount -t btrfs -o loop,subvol=vol /run/bt.img " V) == 0);
	VM_CHECK(system("dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1); "
			"mount -t btrfs \"$dev\" " BT) == 0);
	usleep(800 * 1000);
	/* The rule written at the top's path, which the kernel names through vol's own mount
	 * (made first): kept there too (review 40). */
	a21_policy("deny = " BT "/vol/secret/\n", "[system]\nmount = allow\n");
	a21_expect_denied(BT "/vol/secret/key", USER, "before the cover");
	a21_expect_denied(V "/secret/key", USER, "before the cover");
	VM_CHECK(in_cgroup(CG, a21_shell, "mount -t tmpfs a21cover " V) == 0);
	usleep(800 * 1000);
	a21_expect_denied(BT "/vol/secret/key", 0, "vol's mount covered");
	a21_expect_denied(BT "/vol/secret/key", USER, "vol's mount covered");
	VM_CHECK(daemon_reload_wait());
	a21_expect_denied(BT "/vol/secret/key", USER, "covered, after a reload");
	VM_CHECK(in_cgroup(CG, a21_shell, "mount --bind " BT "/vol /mnt/a21b") == 0);
	usleep(800 * 1000);
	a21_all_denied(routes, "covered, then the service's bind of vol");
	a21_umount("/mnt/a21b");
	a21_umount(V);
	a21_policy_gone();
	a21_umount(V);
}

/* link(from, to), or rename(from, to) when rename is set, as uid: 0 or errno. */
struct a21_link_op {
	const char *from, *to;
	uid_t uid;
	bool rename;
};

static int a21_link(const void *arg)
{
	const struct a21_link_op *o = arg;
	int ret = become(o->uid);

	if (ret)
		return ret;
	ret = o->rename ? rename(o->from, o->to) : link(o->from, o->to);
	return ret ? errno : 0;
}

/*
 * 2105. The key's link record left under a name that no longer names it: a link made while vol
 * was mounted alone (the top unmounted), its record named through that mount, which then goes
 * (the layout of 1915, which leaves the same). Then vol mounted by itself after the top, the
 * rule written at its mount: renames of the subvolume (root) and of the denied directory (uid
 * 1000) and the service's own link refused; the administrator's link made after the load is
 * denied by both paths. Against 617e4ae it was read: the stale record stood for the original.
 */
VM_TEST(a21_renames_and_links_of_a_subvolume_file, 2105)
{
	struct a21_link_op op = {BT "/vol", BT "/vol-moved", 0, true};
	static const char *const routes[] = {BT "/vol/key-admin", V "/key-admin", NULL};

	VM_TIMEOUT(180);
	a21_setup();
	VM_CHECK(umount2(BT, 0) == 0);
	mkdir("/mnt/a21s", 0755);
	VM_CHECK(system("mount -t btrfs -o loop,subvol=vol /run/bt.img /mnt/a21s") == 0);
	VM_CHECK(link("/mnt/a21s/secret/key", "/mnt/a21s/key-tmp") == 0);
	VM_CHECK(unlink("/mnt/a21s/key-tmp") == 0);
	VM_CHECK(umount2("/mnt/a21s", 0) == 0);
	VM_CHECK(system("mount -t btrfs -o loop /run/bt.img " BT) == 0);
	a21_mount_subvol("vol", V);
	a21_policy("deny = " V "/secret/\n", NULL);
	VM_CHECK(in_cgroup(CG, a21_link, &op) == EPERM);
	op = (struct a21_link_op){V "/secret", V "/s-moved", USER, true};
	VM_CHECK(in_cgroup(CG, a21_link, &op) == EPERM);
	op = (struct a21_link_op){BT "/vol/secret", BT "/vol/s-moved", USER, true};
	VM_CHECK(in_cgroup(CG, a21_link, &op) == EPERM);
	op = (struct a21_link_op){V "/secret/key", V "/key-service", USER, false};
	VM_CHECK(in_cgroup(CG, a21_link, &op) == EPERM);
	unlink(BT "/vol/key-admin");
	VM_CHECK(link(BT "/vol/secret/key", BT "/vol/key-admin") == 0);
	a21_all_denied(routes, "the administrator's link");
	VM_CHECK(unlink(BT "/vol/key-admin") == 0);
	a21_policy_gone();
	a21_umount(V);
}

/*
 * 2107. A link the service tried and was refused (its record made under the name of then),
 * then vol mounted by itself and the rule written at its mount: the administrator's next link
 * of the file is denied by both paths, with no reload between. Against 617e4ae it was read
 * until another reload.
 */
VM_TEST(a21_link_record_made_before_the_subvolume_mount, 2107)
{
	struct a21_link_op op = {BT "/vol/secret/k3", BT "/vol/k3-service", 0, false};
	static const char *const routes[] = {BT "/vol/k3-admin", V "/k3-admin", NULL};

	VM_TIMEOUT(180);
	a21_setup();
	VM_CHECK(system("printf " SECRET " > " BT "/vol/secret/k3 && chown 1000:1000 " BT
			"/vol/secret/k3 && chmod 0600 " BT "/vol/secret/k3") == 0);
	a21_policy("deny = " BT "/vol/secret/\n", NULL);
	VM_CHECK(in_cgroup(CG, a21_link, &op) == EPERM);
	a21_mount_subvol("vol", V);
	a21_policy("deny = " V "/secret/\n", NULL);
	unlink(BT "/vol/k3-admin");
	VM_CHECK(link(BT "/vol/secret/k3", BT "/vol/k3-admin") == 0);
	a21_all_denied(routes, "the administrator's link after the mount");
	VM_CHECK(unlink(BT "/vol/k3-admin") == 0);
	VM_CHECK(unlink(BT "/vol/secret/k3") == 0);
	a21_policy_gone();
	a21_umount(V);
}

/*
 * 2108. The class beyond btrfs: a deny rule written at a bind mount's path (/srv/a21d, a bind of
 * /data/a21d/real the administrator makes after the load) is kept at the directory's own path
 * by a load the mount change starts; denied by both paths, root and uid 1000; when the bind
 * goes, another load drops the carried name.
 */
VM_TEST(a21_deny_rule_at_a_bind_mount_path, 2108)
{
	static const char *const routes[] = {"/srv/a21d/secret/key", "/data/a21d/real/secret/key",
					     NULL};
	int generation;

	VM_TIMEOUT(120);
	a21_setup();
	VM_CHECK(system("mkdir -p /data/a21d/real/secret /srv/a21d && printf " SECRET
			" > /data/a21d/real/secret/key && chown -R 1000:1000 /data/a21d && "
			"chmod 0600 /data/a21d/real/secret/key") == 0);
	a21_policy("deny = /srv/a21d/secret/\n", NULL);
	generation = state_generation();
	VM_CHECK(mount("/data/a21d/real", "/srv/a21d", NULL, MS_BIND, NULL) == 0);
	a21_wait_load(generation); /* the daemon reads the table and loads again */
	a21_all_denied(routes, "the bind made after the load");
	generation = state_generation();
	VM_CHECK(umount2("/srv/a21d", 0) == 0);
	a21_wait_load(generation); /* and again once it is gone */
	a21_policy_gone();
	VM_CHECK(system("rm -rf /data/a21d") == 0);
}

/*
 * 2109. A variant of 2103 on the holder: the rule written at the top's path, vol mounted by
 * itself after the top (named through the top), then the service (mount = allow) covers the
 * top's mount with a tmpfs. The covered top keeps its record and still holds vol: vol's own
 * mount does not become its name (which the rule would not have named), also after a reload.
 */
VM_TEST(a21_service_covers_the_holding_mount, 2109)
{
	VM_TIMEOUT(180);
	a21_setup();
	a21_mount_subvol("vol", V);
	a21_policy("deny = " BT "/vol/secret/\n", "[system]\nmount = allow\n");
	a21_expect_denied(V "/secret/key", USER, "before the cover");
	VM_CHECK(in_cgroup(CG, a21_shell, "mount -t tmpfs a21cover " BT) == 0);
	usleep(800 * 1000);
	a21_expect_denied(V "/secret/key", 0, "the top's mount covered");
	a21_expect_denied(V "/secret/key", USER, "the top's mount covered");
	VM_CHECK(daemon_reload_wait());
	a21_expect_denied(V "/secret/key", USER, "covered, after a reload");
	a21_umount(BT);
	a21_policy_gone();
	a21_umount(V);
}


/*
 * 2111. Mounts made in a loop (a host's automounter, a service with mount = allow) do not keep
 * the daemon loading: the bind of 2108 made and unmounted 60 times in a row changes the carried
 * rule's names at every step, and the daemon loads for them at once three times, then once a
 * second (review 41), then once more for the names the table gives when the loop ends. The
 * loop keeps the daemon's allowance empty, so the last change waits for its turn: it is loaded
 * then, not dropped (review 42, L4), and the rule holds there.
 */
VM_TEST(a21_mount_churn_loads_once_a_second, 2111)
{
	static const char *const routes[] = {"/srv/a21c/secret/key", "/data/a21c/real/secret/key",
					     NULL};
	int before, loads;
	long start, took;

	VM_TIMEOUT(180);
	a21_setup();
	VM_CHECK(system("mkdir -p /data/a21c/real/secret /srv/a21c && printf " SECRET
			" > /data/a21c/real/secret/key && chown -R 1000:1000 /data/a21c && "
			"chmod 0600 /data/a21c/real/secret/key") == 0);
	a21_policy("deny = /srv/a21c/secret/\n", NULL);
	usleep(3500 * 1000); /* the daemon's allowance whole again after the cases before */
	before = state_generation();
	start = vm_now_ms();
	for (int i = 0; i < 60; i++) {
		VM_CHECK(mount("/data/a21c/real", "/srv/a21c", NULL, MS_BIND, NULL) == 0);
		usleep(20 * 1000);
		VM_CHECK(umount2("/srv/a21c", 0) == 0);
		usleep(20 * 1000);
	}
	VM_CHECK(mount("/data/a21c/real", "/srv/a21c", NULL, MS_BIND, NULL) == 0);
	took = vm_now_ms() - start;
	usleep(2500 * 1000); /* the last change's turn, and its load */
	loads = state_generation() - before;
	printf("#   61 binds and 60 unmounts in %ld ms: %d loads\n", took, loads);
	if (loads < 1 || loads > took / 1000 + 5)
		VM_FAIL("%d loads for %ld ms of mount changes; expected 1 to %ld (3 at once, then "
			"one a second, and the last)",
			loads, took, took / 1000 + 5);
	a21_all_denied(routes, "the bind left after the loop");
	a21_umount("/srv/a21c");
	a21_policy_gone();
	VM_CHECK(system("rm -rf /data/a21c /srv/a21c") == 0);
}

/* Read path as uid for ms milliseconds: how many reads returned the secret. */
struct a21_loop {
	const char *path;
	uid_t uid;
	int ms;
};

static int a21_read_loop(const void *arg)
{
	const struct a21_loop *l = arg;
	struct a21_op o = {l->path, l->uid, 0};
	long end = vm_now_ms() + l->ms;
	int hits = 0, ret = become(l->uid);

	if (ret)
		return 10000 + ret;
	o.uid = 0; /* already uid */
	while (vm_now_ms() < end)
		if (a21_read(&o) == 0)
			hits++;
	return hits;
}

/*
 * 2112. A subvolume mounted by itself (subvol=vol at /mnt/a21s, the top-level not mounted: a
 * host's /home on subvol=@home, or / on subvol=@) while its record is suspect: every unmount of
 * another mount of its root (an administrator's bind of /mnt/a21s, 60 times) makes the record
 * suspect until the daemon reads the table again (mounts.bpf.c). The walk then went on up the
 * filesystem and named the key /mnt/a21s/vol/secret/key, which deny = /mnt/a21s/secret/ does
 * not name (review 39, M1); it crosses the live mount tree at the subvolume's mount instead.
 * uid 1000 and root read in a loop meanwhile; not one read may return the key.
 */
VM_TEST(a21_suspect_subvolume_mount_named_by_the_live_tree, 2112)
{
	struct a21_loop loop = {"/mnt/a21s/secret/key", USER, 4000};
	struct in_cgroup_thread t;
	int hits;

	VM_TIMEOUT(180);
	a21_setup();
	a21_mount_subvol("vol", "/mnt/a21s");
	a21_umount(BT); /* vol's own mount is its name now */
	usleep(800 * 1000);
	a21_policy("deny = /mnt/a21s/secret/\n", NULL);
	a21_expect_denied("/mnt/a21s/secret/key", USER, "subvol=vol alone");
	mkdir("/mnt/a21b", 0755);
	for (int round = 0; round < 2; round++) {
		loop.uid = round ? 0 : USER;
		VM_CHECK(in_cgroup_start(&t, CG, a21_read_loop, &loop));
		for (int i = 0; i < 60; i++) {
			VM_CHECK(mount("/mnt/a21s", "/mnt/a21b", NULL, MS_BIND, NULL) == 0);
			usleep(10 * 1000);
			VM_CHECK(umount2("/mnt/a21b", 0) == 0);
			usleep(20 * 1000);
		}
		hits = in_cgroup_join(&t);
		printf("#   uid %u: reads of the key while binds of its mount came and went: %d\n",
		       loop.uid, hits);
		if (hits != 0)
			VM_FAIL("BYPASS: %d confined reads (uid %u) of /mnt/a21s/secret/key returned "
				"the secret",
				hits, loop.uid);
	}
	a21_expect_denied("/mnt/a21s/secret/key", USER, "after the binds");
	a21_policy_gone();
	a21_umount("/mnt/a21s");
}

#define A21_DEEP                                                                                   \
	"/srv/a21d/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14/c15/c16/c17/c18/c19/c20/c21/c22/"  \
	"c23/c24/c25/c26/c27/c28/c29/c30/c31" /* 33 components: deeper than a walk names */

/*
 * 2113. vol first mounted by itself 33 components deep (too deep for a record that names its
 * files), then the top-level mounted at /mnt/bt: the files are named through the top-level's
 * mount, /mnt/bt/vol/... (review 46, M1: the deep mount's record named nothing, and every file
 * of vol was refused through the top-level too). deny = /mnt/bt/vol/secret/ holds; another
 * file of vol opens.
 */
VM_TEST(a21_deep_subvolume_then_its_holder, 2113)
{
	VM_TIMEOUT(150);
	a21_setup();
	VM_CHECK(system("mkdir -p " BT "/vol/open && printf " SECRET " > " BT "/vol/open/key && "
			"chmod -R a+rX " BT "/vol/open") == 0);
	/* (the top-level's unmount frees its loop device: vol's mount makes another, as 2103) */
	VM_CHECK(umount2(BT, 0) == 0);
	VM_CHECK(system("mkdir -p " A21_DEEP " && mount -t btrfs -o loop,subvol=vol /run/bt.img "
			A21_DEEP) == 0);
	VM_CHECK(system("dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1); "
			"mount -t btrfs \"$dev\" " BT) == 0);
	usleep(800 * 1000);
	system("grep btrfs /proc/self/mountinfo | sed 's/^/#   /'");
	a21_policy("deny = " BT "/vol/secret/\n", NULL);
	a21_expect_denied(BT "/vol/secret/key", 0, "vol deep first, then the top-level");
	a21_expect_denied(BT "/vol/secret/key", USER, "vol deep first, then the top-level");
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		int control = a21_try_read(NULL, BT "/vol/open/key", uid),
		    got = a21_try_read(CG, BT "/vol/open/key", uid);

		printf("#   another file of vol as uid %u: unconfined %d, confined %d\n", uid, control,
		       got);
		VM_CHECK(control == 0);
		if (got != 0)
			VM_FAIL("FALSE DENIAL: %s/vol/open/key as uid %u returned %d", BT, uid, got);
	}
	a21_policy_gone();
	a21_umount(A21_DEEP);
}
