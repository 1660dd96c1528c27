// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 23 (helper, s46-attack): how a file's name is derived from the host's mounts
 * (enforcer/host.c, enforcer/apply.c, bpf_lsm/path.bpf.h). Every case asserts the secure
 * outcome (EPERM); a failing check is a bypass. An unconfined control reads the key by the same
 * route first. Results in the 6.1 VM (logs /work/a23-vm4.log: 2300-2304; a23-vm5.log: 2302 with the recovery and restart; a23-vm6.log: 2305; a23-vm7.log: 2306):
 *
 *  2300 FAIL (root, uid 1000; read and exec): a mount point more than LG_MOUNT_DEPTH_MAX (16)
 *       components deep. lg_mount_value_for hashes only its first 16 components
 *       (lg_path_prefix_hashes' max_depth, silently), so the kernel names the mount's files
 *       without the rest of the mount point: deny = MOUNT/secret/ and [exec] deny = MOUNT/bin/
 *       match nothing (a rule at the name without c15 does deny). 16 components: EPERM.
 *  2301 FAIL (root; uid 1000: the kernel's EPERM first): only subvolume vol of the btrfs image
 *       mounted (at /srv/a23b), the top-level mounted nowhere (a subvol=@ layout). A handle of
 *       the top-level's root (objectid 256, tree 5, generation 3: guessed from 0) opened
 *       through vol's mount; the walk crosses at vol's mount point and names the top-level's
 *       vol-ro/secret/key /srv/a23b/vol-ro/secret/key: read under [files] default = deny,
 *       allow = /srv/a23b/.
 *  2302 FAIL (root, uid 1000): more host mounts than lg_mounts holds (LG_MAX_MOUNTS, 4,096;
 *       4,200 tmpfs made by the administrator): "cannot write the mount table: Argument list too
 *       long"; a tmpfs's first mount made after them has no record, so its bind's files are
 *       named at the bind's path and deny = FIRST/secret/ does not hold there. Reloads are
 *       refused while full; with the flood unmounted the table stays full as long as any
 *       mount needing a new record is there (stale records are dropped only after every new
 *       record is written: here the bind's first mount), and a restarted daemon exits ("cannot
 *       write the mount table", "no policy is in force"). vm4's run, which unmounted both
 *       first, recovered.
 *  2303 FAIL (root, uid 1000): a filesystem mounted nowhere visible, two nested binds of it
 *       (F:/www at /srv/a23w, F:/www/uploads at /data/a23u): deny = /data/a23u/secret/ (the
 *       inner bind's own path) does not hold through /srv/a23w/uploads/, also after a reload.
 *  2306 FAIL (root, uid 1000): deny = /data/a23l/secret/ on a tmpfs at /data/a23l; the service
 *       holds a descriptor of the mount's root when the administrator unmounts it lazily: the
 *       record is dropped, the detached mount is its own parent (taken for a namespace root),
 *       and secret/key opened through the descriptor is named /secret/key: read. (vm-test 95,
 *       cache_lazy_umount_is_decided_at_once_through_a_descriptor, relied on the same naming
 *       and passed only because its fs-relative name, /data/private/..., is denied; it now
 *       asserts the refusal as a disconnected name.)
 * 2300, 2301 and 2306 pass since the sixth session's fixes (as the seventh mended them), 2302
 * and 2303 since the seventh's (their cases below assert the new behaviour: fail closed while
 * the table is full; rules carried between nested binds).
 *  2305 pass (root, uid 1000): mount points whose names mountinfo escapes (space, backslash,
 *       newline, tab): EPERM.
 *  2304 pass (root, uid 1000): a file bind mount whose source is replaced by rename
 *       (mountinfo's root then ends in "//deleted"): EPERM before and after a reload.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define USER 1000
#define CG "/lgt/a23"

struct a23_op {
	const char *path;
	uid_t uid;
};

/* Read path (beneath dir): mn_read_fd's answer. */
static int a23_read_at(int dir, const char *path)
{
	return mn_read_fd(openat(dir, path, O_RDONLY));
}

/* As o->uid, a23_read_at's result for o->path. */
static int a23_read(const void *arg)
{
	const struct a23_op *o = arg;
	int ret = become(o->uid);

	return ret ? ret : a23_read_at(AT_FDCWD, o->path);
}

static void a23_expect(const char *path, uid_t uid, const char *route)
{
	struct a23_op o = {path, uid};
	int control = in_cgroup(NULL, a23_read, &o), got = in_cgroup(CG, a23_read, &o);

	printf("#   %s: read %s as uid %u: unconfined %d, confined %d\n", route, path, uid, control,
	       got);
	if (control != 0)
		VM_FAIL("control: unconfined read of %s as uid %u returned %d", path, uid, control);
	if (got != 3000 + EPERM)
		VM_FAIL("BYPASS? %s: confined read of %s as uid %u returned %d (0: read), expected "
			"EPERM",
			route, path, uid, got);
}

/* A tmpfs at dir holding secret/key (the secret), owned by uid 1000. */
static void a23_tmpfs_secret(const char *dir)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	VM_CHECK(system(cmd) == 0);
	VM_CHECK(mount("tmpfs", dir, "tmpfs", 0, "mode=0755") == 0);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/secret' && printf " SECRET " > '%s/secret/key' && "
		 "chown -R 1000:1000 '%s' && chmod 0600 '%s/secret/key'",
		 dir, dir, dir, dir);
	VM_CHECK(system(cmd) == 0);
}

#define D16 "/srv/a23e/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14"
#define D17 "/srv/a23d/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14/c15"
/* A third deep mount, and the name its files get if c15 is dropped. */
#define F17 "/srv/a23f/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14/c15"
#define F16 "/srv/a23f/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14"

/* A program at dir/bin/true (busybox). */
static void a23_program(const char *dir)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/bin' && cp /bin/busybox '%s/bin/true' && "
		 "chmod 0755 '%s/bin/true'", dir, dir, dir);
	VM_CHECK(system(cmd) == 0);
}

/*
 * 2300. The administrator mounts a tmpfs at a mount point 17 components deep; the policy
 * denies its secret/ directory at the mount's own path ([exec]: its bin/). lg_mount_value_for
 * hashes only the mount point's first LG_MOUNT_DEPTH_MAX (16) components, so the kernel names
 * the key /srv/a23d/c1/.../c14/secret/key (c15 dropped), which no rule names. 16 components:
 * EPERM. The third mount shows the cause: a rule at the name without c15 denies its key.
 */
VM_TEST(a23_deep_mount_point, 2300)
{
	int r;

	VM_TIMEOUT(180);
	mn_setup_plain(CG);
	a23_tmpfs_secret(D16);
	a23_tmpfs_secret(D17);
	a23_tmpfs_secret(F17);
	a23_program(D16);
	a23_program(D17);
	usleep(1000 * 1000); /* the daemon reads its mount table again */
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " D16 "/secret/\n"
			 "deny = " D17 "/secret/\n"
			 "deny = " F16 "/secret/\n"
			 "[exec]\ndefault = allow\n"
			 "deny = " D16 "/bin/\n"
			 "deny = " D17 "/bin/\n"
			 "[network]\ndefault = allow\n");
	a23_expect(D16 "/secret/key", 0, "16-component mount point (control)");
	a23_expect(D16 "/secret/key", USER, "16-component mount point (control)");
	{
		struct a23_op o = {F17 "/secret/key", 0};

		r = in_cgroup(CG, a23_read, &o);
		printf("#   cause: %s read under deny = %s/secret/ (c15 dropped): confined %d "
		       "(3001: the kernel names it without c15)\n", o.path, F16, r);
	}
	r = try_exec(NULL, D16 "/bin/true");
	printf("#   exec %s: unconfined %d, confined %d\n", D16 "/bin/true", r,
	       try_exec(CG, D16 "/bin/true"));
	a23_expect(D17 "/secret/key", 0, "17-component mount point");
	a23_expect(D17 "/secret/key", USER, "17-component mount point");
	{
		int control = try_exec(NULL, D17 "/bin/true"), got = try_exec(CG, D17 "/bin/true");

		printf("#   exec %s under [exec] deny = %s/bin/: unconfined %d, confined %d\n",
		       D17 "/bin/true", D17, control, got);
		VM_CHECK(control == 0);
		if (got != EPERM)
			VM_FAIL("BYPASS? exec of %s under [exec] deny = %s/bin/ returned %d, expected "
				"EPERM", D17 "/bin/true", D17, got);
	}
	/* After another reload (the table rewritten): the same. */
	VM_CHECK(daemon_reload_wait());
	a23_expect(D17 "/secret/key", 0, "17-component mount point, after a reload");
	mn_policy_gone("a23");
	umount2(D16, MNT_DETACH);
	umount2(D17, MNT_DETACH);
	umount2(F17, MNT_DETACH);
	usleep(500 * 1000);
}



#define HB "/srv/a23b"

struct a23_handle_op {
	uid_t uid;
	const char *rest; /* opened under the top-level's root */
	int gen_found;
};

/*
 * Open the btrfs top-level's root directory by handle through the mount at HB (vol's), trying
 * generations from 0 (the top-level's root is made at mkfs: a small number), then read rest
 * beneath it. 0 when the secret came back; 4000 + errno when no handle opened; 3000 + errno
 * when rest did not open.
 */
static int a23_handle_read(const void *arg)
{
	const struct a23_handle_op *o = arg;
	struct {
		struct file_handle fh;
		unsigned char bytes[64];
	} h;
	int ret = become(o->uid), mfd, top = -1, err = 0;

	if (ret)
		return ret;
	mfd = open(HB, O_RDONLY | O_DIRECTORY); /* fdget refuses O_PATH here */
	if (mfd < 0)
		return 6000 + errno;
	for (uint32_t gen = 0; gen < 100000 && top < 0; gen++) {
		uint64_t objectid = 256, root = 5;

		memset(&h, 0, sizeof(h));
		h.fh.handle_bytes = 20;
		h.fh.handle_type = 0x4d; /* FILEID_BTRFS_WITHOUT_PARENT */
		memcpy(h.fh.f_handle, &objectid, 8);
		memcpy(h.fh.f_handle + 8, &root, 8);
		memcpy(h.fh.f_handle + 16, &gen, 4);
		top = open_by_handle_at(mfd, &h.fh, O_PATH | O_DIRECTORY);
		if (top < 0) {
			err = errno;
			if (err != ESTALE)
				break;
		}
	}
	close(mfd);
	if (top < 0)
		return 4000 + err;
	ret = a23_read_at(top, o->rest);
	close(top);
	return ret;
}

/*
 * 2301. Only subvolume vol is mounted (at /srv/a23b); the top-level (with the read-only
 * snapshot vol-ro, a copy of vol's secret) is mounted nowhere, as on a subvol=@ system where
 * snapshots live in the top-level. Policy: [files] default = deny, allow = /srv/a23b/. The
 * confined root opens the top-level's root by a guessed handle through vol's mount, then
 * vol-ro/secret/key beneath it: a file no host path leads to. Expected EPERM (no rule allows
 * where it is); the walk names it /srv/a23b/vol-ro/secret/key.
 */
VM_TEST(a23_handle_beyond_a_subvolume_mount, 2301)
{
	struct a23_handle_op o = {0, "vol-ro/secret/key", 0};
	int control, got;

	VM_TIMEOUT(240);
	mn_setup(CG);
	mn_mount_subvol("vol", HB); /* first: it keeps the loop device while the top goes */
	VM_CHECK(umount2(BT, 0) == 0);
	usleep(800 * 1000);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = deny\n"
			 "allow = " HB "/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	/* The policy holds elsewhere: a file outside /srv/a23b is refused. */
	{
		struct a23_op p = {"/bin/busybox", 0};
		int r = in_cgroup(CG, a23_read, &p);

		printf("#   /bin/busybox under the policy: %d\n", r);
		VM_CHECK(r == 3000 + EPERM);
	}
	control = in_cgroup(NULL, a23_handle_read, &o);
	got = in_cgroup(CG, a23_handle_read, &o);
	printf("#   handle of the top-level through vol's mount, then %s as root: unconfined %d, "
	       "confined %d\n",
	       o.rest, control, got);
	if (control != 0)
		VM_FAIL("control: unconfined handle route returned %d", control);
	if (got != 3000 + EPERM)
		VM_FAIL("BYPASS? confined root read the hidden snapshot's key by handle through %s: "
			"%d (0: read), expected EPERM",
			HB, got);
	/* uid 1000: the kernel's own check (CAP_DAC_READ_SEARCH) answers first. */
	o.uid = USER;
	got = in_cgroup(CG, a23_handle_read, &o);
	printf("#   the same as uid 1000: confined %d (4000+EPERM is the kernel's)\n", got);
	mn_policy_gone("a23");
	VM_CHECK(system("dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1); "
			"mount -t btrfs \"$dev\" " BT) == 0);
	mn_umount(HB);
	usleep(800 * 1000);
}

#define PF "/data/a23p/f"
#define BF "/srv/a23bf"

/*
 * 2304. A file bind mount (/data/a23p/f at /srv/a23bf), deny = /srv/a23bf written at the bind's
 * path (carried to /data/a23p/f). The administrator then updates the source the usual atomic
 * way (write f.new, rename it over f): the bind keeps the old inode, mountinfo's root field
 * becomes "/data/a23p/f//deleted", and the next load carries the rule to that text, which the
 * kernel never computes: it still names the old inode /data/a23p/f.
 */
VM_TEST(a23_file_bind_source_replaced, 2304)
{
	VM_TIMEOUT(150);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p /data/a23p && printf " SECRET " > " PF " && chown 1000:1000 " PF
			" && chmod 0600 " PF " && touch " BF) == 0);
	VM_CHECK(mount(PF, BF, NULL, MS_BIND, NULL) == 0);
	usleep(1000 * 1000);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " BF "\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	a23_expect(BF, 0, "file bind");
	a23_expect(BF, USER, "file bind");
	VM_CHECK(system("printf new > " PF ".new && mv " PF ".new " PF) == 0);
	usleep(500 * 1000);
	a23_expect(BF, 0, "source replaced, before a reload");
	VM_CHECK(daemon_reload_wait());
	a23_expect(BF, 0, "source replaced, after a reload");
	a23_expect(BF, USER, "source replaced, after a reload");
	mn_policy_gone("a23");
	umount2(BF, MNT_DETACH);
	usleep(500 * 1000);
}

#define SP "/srv/a23 s\\x"      /* a space and a backslash: mountinfo's \040 and \134 */
#define NL "/srv/a23n/a\nb\tc" /* a newline and a tab: \012 and \011 */

/*
 * 2305. Mount points whose names mountinfo escapes: a tmpfs at "/srv/a23 s\x" under an exact
 * directory rule at that path, and one at "/srv/a23n/a<newline>b<tab>c" under deny = /srv/a23n/.
 */
VM_TEST(a23_escaped_mount_points, 2305)
{
	VM_TIMEOUT(150);
	VM_EXPECT_DAEMON_WARNING("contains a space");
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p /srv/a23n") == 0);
	VM_CHECK(mkdir(SP, 0755) == 0 || errno == EEXIST);
	VM_CHECK(mkdir(NL, 0755) == 0 || errno == EEXIST);
	VM_CHECK(mount("tmpfs", SP, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount("tmpfs", NL, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("for d in '/srv/a23 s\\x' \"$(printf '/srv/a23n/a\\nb\\tc')\"; do "
			"mkdir -p \"$d/secret\" && printf " SECRET " > \"$d/secret/key\" && "
			"chown -R 1000:1000 \"$d\" && chmod 0600 \"$d/secret/key\" || exit 1; done") == 0);
	usleep(1000 * 1000);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " SP "/secret/\n"
			 "deny = /srv/a23n/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	a23_expect(SP "/secret/key", 0, "space and backslash");
	a23_expect(SP "/secret/key", USER, "space and backslash");
	a23_expect(NL "/secret/key", 0, "newline and tab");
	a23_expect(NL "/secret/key", USER, "newline and tab");
	mn_policy_gone("a23");
	umount2(SP, MNT_DETACH);
	umount2(NL, MNT_DETACH);
	usleep(500 * 1000);
}

#define LZ "/data/a23l"
#define LZ_GO "/run/a23l-go"

struct a23_lazy_op {
	uid_t uid;
};

/* Open LZ as a directory, wait for LZ_GO (the administrator's lazy unmount), then read
 * secret/key through the descriptor: 0 when the secret came back. */
static int a23_lazy_read(const void *arg)
{
	const struct a23_lazy_op *o = arg;
	int ret = become(o->uid), dir;

	if (ret)
		return ret;
	dir = open(LZ, O_RDONLY | O_DIRECTORY);
	if (dir < 0)
		return 6000 + errno;
	for (int i = 0; i < 200 && access(LZ_GO, F_OK) != 0; i++)
		usleep(50 * 1000);
	ret = a23_read_at(dir, "secret/key");
	close(dir);
	return ret;
}

static int a23_lazy_round(const char *cgroup, uid_t uid)
{
	struct a23_lazy_op o = {uid};
	struct in_cgroup_thread t = {0};

	unlink(LZ_GO);
	a23_tmpfs_secret(LZ);
	usleep(800 * 1000);
	VM_CHECK(in_cgroup_start(&t, cgroup, a23_lazy_read, &o));
	usleep(1500 * 1000);
	VM_CHECK(umount2(LZ, MNT_DETACH) == 0);
	usleep(1000 * 1000); /* the daemon reads its mount table again */
	write_file(LZ_GO, "go", 0644);
	return in_cgroup_join(&t);
}

/*
 * 2306. deny = /data/a23l/secret/ on a tmpfs at /data/a23l. The service holds a descriptor of
 * the mount's root when the administrator unmounts it lazily (umount -l, as one does when it
 * is busy): the detached mount is its own parent, so the walk takes it for a namespace root
 * and names the key /secret/key.
 */
VM_TEST(a23_lazy_umount_with_a_held_descriptor, 2306)
{
	VM_TIMEOUT(150);
	mn_setup_plain(CG);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " LZ "/secret/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		int control = a23_lazy_round(NULL, uid), before, got;
		struct a23_op o = {LZ "/secret/key", uid};

		a23_tmpfs_secret(LZ);
		usleep(800 * 1000);
		before = in_cgroup(CG, a23_read, &o);
		umount2(LZ, MNT_DETACH);
		got = a23_lazy_round(CG, uid);
		printf("#   uid %u: mounted: confined %d; through a descriptor held across a lazy "
		       "unmount: unconfined %d, confined %d\n", uid, before, control, got);
		VM_CHECK(before == 3000 + EPERM);
		if (control != 0)
			VM_FAIL("control: unconfined lazy-unmount route returned %d", control);
		if (got != 3000 + EPERM)
			VM_FAIL("BYPASS? uid %u read %s/secret/key through a descriptor held across a "
				"lazy unmount: %d (0: read), expected EPERM", uid, LZ, got);
	}
	mn_policy_gone("a23");
	unlink(LZ_GO);
}

/* ---- review 43: what the first fixes of 2300, 2301 and 2306 must not break ---- */

#define RH "/srv/a23h" /* a tmpfs's first, shallow mount: its record */
#define RH_DEEP "/srv/a23g/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14/c15"
#define RM "/srv/a23m" /* a tmpfs moved from here to RM_DEEP */
#define RM_DEEP "/srv/a23n/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14/c15"
#define RS_DEEP "/srv/a23q/c1/c2/c3/c4/c5/c6/c7/c8/c9/c10/c11/c12/c13/c14/c15" /* then bound at RS */
#define RS "/srv/a23s"

/*
 * 2307. A deep bind of a root the table records is named through that record (H2: the check
 * of depth ran first, and the bind's files were named at its own deep path, past deny =
 * RH/secret/); a shallow mount moved deep loses its old record (M1: the record kept naming its
 * files at RH's old point, past deny = RM_DEEP/secret/).
 */
VM_TEST(a23_deep_bind_and_move_keep_their_names, 2307)
{
	long mark;

	VM_TIMEOUT(150);
	mn_setup_plain(CG);
	a23_tmpfs_secret(RH);
	a23_tmpfs_secret(RM);
	VM_CHECK(system("mkdir -p " RH_DEEP " " RM_DEEP) == 0);
	VM_CHECK(mount(RH, RH_DEEP, NULL, MS_BIND, NULL) == 0);
	usleep(1000 * 1000); /* the daemon reads its mount table again */
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " RH "/secret/\n"
			 "deny = " RM_DEEP "/secret/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	mark = event_mark();
	a23_expect(RH_DEEP "/secret/key", 0, "deep bind of a recorded root");
	a23_expect(RH_DEEP "/secret/key", USER, "deep bind of a recorded root");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"a23\"", "\"path\":\"" RH "/secret/key\"");
	VM_CHECK(mount(RM, RM_DEEP, NULL, MS_MOVE, NULL) == 0);
	usleep(1500 * 1000);
	mark = event_mark();
	a23_expect(RM_DEEP "/secret/key", 0, "shallow mount moved deep");
	a23_expect(RM_DEEP "/secret/key", USER, "shallow mount moved deep");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"a23\"", "\"path\":\"" RM_DEEP "/secret/key\"");
	/* A root mounted deep first, then bound at a shallow point: the deep mount, first, holds
	 * the record (every depth a walk names has one), and the bind's files are named through
	 * it. (Deeper than a walk names, the shallow bind becomes the record: attack24.c's
	 * 2406; review 44's 2 was the daemon taking the deep path for a name the kernel did not
	 * give.) */
	a23_tmpfs_secret(RS_DEEP);
	VM_CHECK(system("mkdir -p " RS) == 0);
	VM_CHECK(mount(RS_DEEP, RS, NULL, MS_BIND, NULL) == 0);
	usleep(1500 * 1000);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " RS_DEEP "/secret/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	mark = event_mark();
	a23_expect(RS_DEEP "/secret/key", 0, "deep first, then bound shallow: the deep path");
	a23_expect(RS_DEEP "/secret/key", USER, "deep first, then bound shallow: the deep path");
	a23_expect(RS "/secret/key", 0, "deep first, then bound shallow: the shallow path");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"a23\"", "\"path\":\"" RS_DEEP "/secret/key\"");
	mn_policy_gone("a23");
	VM_CHECK(vm_umount(RS) == 0);
	VM_CHECK(vm_umount(RS_DEEP) == 0);
	VM_CHECK(vm_umount(RH_DEEP) == 0);
	VM_CHECK(vm_umount(RH) == 0);
	VM_CHECK(vm_umount(RM_DEEP) == 0);
}

/* memfd_create(MFD_HUGETLB), then its file opened again through /proc/self/fd: 0, 7000 +
 * errno when there is no such memfd, else the open's errno. */
static int a23_hugetlb_reopen(const void *arg)
{
	const struct a23_op *o = arg;
	int ret = become(o->uid), fd, again;
	char path[64];

	if (ret)
		return ret;
	fd = memfd_create("a23-huge", MFD_HUGETLB);
	if (fd < 0)
		return 7000 + errno;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	again = open(path, O_RDWR);
	ret = again < 0 ? errno : 0;
	if (again >= 0)
		close(again);
	close(fd);
	return ret;
}

/*
 * 2308. hugetlbfs's internal mount (vfs_kern_mount: its own parent, mnt_ns NULL) is no lazily
 * unmounted mount (M3: the test was mnt_ns NULL, and a hugetlb memfd's file was refused as
 * having no path). Its reopening is allowed under files default = allow.
 */
VM_TEST(a23_hugetlb_memfd_is_not_an_unmounted_mount, 2308)
{
	VM_TIMEOUT(60);
	mn_setup_plain(CG);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\ndeny = /data/a23-none/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		struct a23_op o = {NULL, uid};
		int control = in_cgroup(NULL, a23_hugetlb_reopen, &o),
		    got = in_cgroup(CG, a23_hugetlb_reopen, &o);

		printf("#   uid %u: hugetlb memfd reopened: unconfined %d, confined %d\n", uid,
		       control, got);
		VM_CHECK(control == 0);
		VM_CHECK(got == 0);
	}
	mn_policy_gone("a23");
}

#define FLOOD 4200
#define OT "/data/a23o/t"
#define OB "/srv/a23o/t"
#define OK_FILE "/data/a23-plain"

/* A tmpfs at OT holding secret/key, and its root bound at OB (the second mount). */
static void a23_two_mounts(void)
{
	a23_tmpfs_secret(OT);
	VM_CHECK(system("mkdir -p " OB " && echo plain > " OT "/plain && chmod 0644 " OT
			"/plain") == 0);
	VM_CHECK(mount(OT, OB, NULL, MS_BIND, NULL) == 0);
}

static void a23_two_mounts_gone(void)
{
	umount2(OB, MNT_DETACH);
	umount2(OT, MNT_DETACH);
}

/* In a mount namespace of its own (a slave of the host's, as systemd's PrivateTmp= makes), then
 * in CG: a23_read's result, or 8000 + errno when the namespace or the cgroup was refused. */
static int a23_ns_read(const void *arg)
{
	int fd;

	if (unshare(CLONE_NEWNS))
		return 8000 + errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return 8100 + errno;
	fd = open("/sys/fs/cgroup" CG "/cgroup.procs", O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return 8200 + errno;
	close(fd);
	return a23_read(arg);
}

/* a23_expect's check, with the confined read made from a mount namespace of its own. */
static void a23_expect_in_namespace(const char *path, uid_t uid, const char *route)
{
	struct a23_op o = {path, uid};
	int got = in_cgroup(NULL, a23_ns_read, &o);

	printf("#   %s: read %s as uid %u: confined %d\n", route, path, uid, got);
	if (got != 3000 + EPERM)
		VM_FAIL("BYPASS? %s: confined read of %s as uid %u returned %d (0: read), expected "
			"EPERM",
			route, path, uid, got);
}

/* The metrics file's lsmguard_mounts_unrecorded, waited for (10 s at most) to be want or,
 * with want < 0, not 0. The value last read. */
static long a23_unrecorded_metric(long want)
{
	long got = -1;

	for (long end = vm_now_ms() + 10000; vm_now_ms() < end; usleep(200 * 1000)) {
		char line[256];
		FILE *f = fopen(METRICS_FILE, "re");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "lsmguard_mounts_unrecorded %ld", &got) == 1)
				break;
		fclose(f);
		if (got == want || (want < 0 && got > 0))
			break;
	}
	return got;
}

/* A reload, waited for up to 30 s: a daemon with 4,200 mounts to read (each mount point
 * looked at) takes more than daemon_reload_wait's 5 s under emulation, the first one after a
 * start most. */
static bool a23_reload_wait_long(void)
{
	for (int i = 0; i < 6; i++)
		if (daemon_reload_wait())
			return true;
	return false;
}

/*
 * 2302. A tmpfs first mounted at OT (deny = OT/secret/), its root bound at OB: the first
 * mount names the files by both paths (EPERM). Then the host has more mounts than the
 * kernel's table holds (LG_MAX_MOUNTS, 4,096: an administrator's, a busy container host's), and
 * the same two mounts, made again after the others, find no room for a record. Through the
 * bind the key was then named OB/secret/key (read), reloads were refused, a restarted daemon
 * exited, and the table stayed full after the flood was unmounted. Now the kernel refuses the
 * files of host roots without a record while the table lacks any (any file there, as a
 * disconnected name), the daemon says so once and keeps loading, and the flood's records go
 * first when it is unmounted.
 */
VM_TEST(a23_mount_table_full, 2302)
{
	static const char *const paths[] = {OT "/secret/key", OB "/secret/key", NULL};
	char dir[64];
	pid_t stopped;
	long mark;
	int made = 0;

	VM_TIMEOUT(400);
	VM_EXPECT_DAEMON_WARNING("the mount table is full");
	VM_EXPECT_DAEMON_WARNING("the mount table has room again");
	mn_setup_plain(CG);
	write_file(OK_FILE, "plain\n", 0644);
	a23_two_mounts();
	usleep(1000 * 1000);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " OT "/secret/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	for (const char *const *p = paths; *p; p++) {
		a23_expect(*p, 0, "table with room");
		a23_expect(*p, USER, "table with room");
	}
	VM_CHECK(try_open(CG, OB "/plain", O_RDONLY) == 0);
	VM_CHECK(a23_unrecorded_metric(0) == 0);
	a23_two_mounts_gone();
	usleep(800 * 1000);
	/* The flood, with the daemon stopped so that it reads the table once. */
	stopped = daemon_stop();
	VM_CHECK(system("mkdir -p /run/a23m") == 0);
	VM_CHECK(mount("tmpfs", "/run/a23m", "tmpfs", 0, "mode=0755") == 0);
	for (int i = 0; i < FLOOD; i++) {
		snprintf(dir, sizeof(dir), "/run/a23m/%d", i);
		if (mkdir(dir, 0755) || mount("tmpfs", dir, "tmpfs", 0, "size=4k")) {
			printf("#   mount %d: %s\n", i, strerror(errno));
			break;
		}
		made++;
	}
	printf("#   %d tmpfs mounts made\n", made);
	VM_CHECK(made == FLOOD);
	a23_two_mounts();
	daemon_resume(stopped);
	{
		long unrecorded = a23_unrecorded_metric(-1);

		printf("#   lsmguard_mounts_unrecorded %ld\n", unrecorded);
		VM_CHECK(unrecorded > 0);
	}
	mark = event_mark();
	for (const char *const *p = paths; *p; p++) {
		a23_expect(*p, 0, "table full");
		a23_expect(*p, USER, "table full");
		/* The mounts' copies in a service's own mount namespace (PrivateTmp=, a
		 * container) have no record either (review 44, 1). */
		a23_expect_in_namespace(*p, 0, "table full, own mount namespace");
		a23_expect_in_namespace(*p, USER, "table full, own mount namespace");
	}
	/* Any file there: the mount's name is not known. A file on a recorded mount is read. */
	VM_CHECK(try_open(CG, OB "/plain", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"a23\"", "\"disconnected\":true", "\"path\":\"/plain\"",
			   DISCONNECTED_SOURCE);
	VM_CHECK(try_open(CG, OK_FILE, O_RDONLY) == 0);
	/* Reloads are not refused while it is full. */
	VM_CHECK(a23_reload_wait_long());
	/* A daemon started while it is full starts, and enforces. */
	{
		pid_t old = daemon_pid(), now;

		VM_CHECK(old > 0);
		kill(old, SIGTERM);
		if (!wait_exit(old, 10000))
			kill(old, SIGKILL);
		now = daemon_start();
		printf("#   daemon restarted with the table full: old %d, new %d\n", (int)old,
		       (int)now);
		VM_CHECK(now > 0);
		VM_CHECK(a23_reload_wait_long());
	}
	a23_expect(OB "/secret/key", 0, "table full, daemon restarted");
	/* The flood gone: its records go first, and the two mounts have theirs again. */
	umount2("/run/a23m", MNT_DETACH);
	VM_CHECK(a23_unrecorded_metric(0) == 0);
	VM_CHECK(a23_reload_wait_long());
	for (const char *const *p = paths; *p; p++) {
		a23_expect(*p, 0, "flood unmounted");
		a23_expect(*p, USER, "flood unmounted");
	}
	VM_CHECK(try_open(CG, OB "/plain", O_RDONLY) == 0);
	mn_policy_gone("a23");
	a23_two_mounts_gone();
	unlink(OK_FILE);
	usleep(800 * 1000);
}

#define HF "/run/a23hf"
#define WW "/srv/a23w"
#define UP "/data/a23u"

/*
 * 2303. A filesystem mounted nowhere visible (the administrator mounted it, bound two of its
 * directories, one inside the other, and unmounted it): F:/www at WW and F:/www/uploads at UP.
 * Each bind keeps a record of its own (no visible root holds them), so the same file is named
 * UP/secret/key through the inner bind and WW/uploads/secret/key through the outer. A rule at
 * either name is now carried to the other (it was carried to none: read through the outer
 * bind), and a directory rule above the inner bind's root to the whole inner bind. The policy
 * is in force before the binds are made: the daemon's load after the mount change carries it.
 */
VM_TEST(a23_nested_binds_of_a_hidden_filesystem, 2303)
{
	VM_TIMEOUT(150);
	mn_setup_plain(CG);
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " UP "/secret/\n"
			 "deny = " WW "/uploads/private/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	VM_CHECK(system("mkdir -p " HF " " WW " " UP) == 0);
	VM_CHECK(mount("tmpfs", HF, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(system("mkdir -p " HF "/www/uploads/secret " HF "/www/uploads/private && printf "
			SECRET " > " HF "/www/uploads/secret/key && printf " SECRET " > " HF
			"/www/uploads/private/key && echo plain > " HF "/www/uploads/plain && "
			"chown -R 1000:1000 " HF "/www && chmod 0600 " HF "/www/uploads/secret/key "
			HF "/www/uploads/private/key") == 0);
	VM_CHECK(mount(HF "/www", WW, NULL, MS_BIND, NULL) == 0);
	VM_CHECK(mount(HF "/www/uploads", UP, NULL, MS_BIND, NULL) == 0);
	VM_CHECK(umount2(HF, 0) == 0);
	usleep(2500 * 1000); /* the daemon reads its mount table, then loads the rules' names */
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		a23_expect(UP "/secret/key", uid, "the inner bind's own path (control)");
		a23_expect(WW "/uploads/secret/key", uid, "through the outer bind");
		a23_expect(WW "/uploads/private/key", uid, "the outer bind's own path (control)");
		a23_expect(UP "/private/key", uid, "a rule at the outer path, through the inner");
	}
	VM_CHECK(try_open(CG, UP "/plain", O_RDONLY) == 0);
	VM_CHECK(daemon_reload_wait());
	a23_expect(WW "/uploads/secret/key", 0, "through the outer bind, after a reload");
	/* A directory rule at the outer bind's root: the whole inner bind is beneath it. */
	mn_policy_text("a23", "[policy]\nname = a23\ncgroup = " CG "\nmode = enforce\n"
			 "[files]\ndefault = allow\n"
			 "deny = " WW "/\n"
			 "[exec]\ndefault = allow\n[network]\ndefault = allow\n");
	a23_expect(UP "/secret/key", 0, "deny = " WW "/, through the inner bind");
	a23_expect(UP "/secret/key", USER, "deny = " WW "/, through the inner bind");
	VM_CHECK(try_open(CG, UP "/plain", O_RDONLY) == EPERM);
	mn_policy_gone("a23");
	VM_CHECK(vm_umount(UP) == 0);
	VM_CHECK(vm_umount(WW) == 0);
	usleep(500 * 1000);
}
