// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filesystems' own ioctls. btrfs's (attack run 19's leftover): subvolumes and snapshots are
 * made at names with no path hook in 6.1, and a snapshot copies a tree with the files that
 * rules deny under new paths, without one open; the tree search returns a small file's data
 * (kept inline in the tree) and send streams a whole subvolume. bpf_lsm/meta.bpf.c
 * (lg_btrfs_ioctl) decides them by command number: subvolumes need [system] mount = allow (a
 * policy's own confinement: follows its mode), tree search, send and the device commands need
 * raw-disks = allow (a protection), the filesystem's devices, size, balance, scrub and quotas
 * nothing lets through (a protection); the commands that act on a descriptor whose open was
 * decided, or only report, are left alone. Also: other filesystems' size commands (1913), and
 * the daemon past a mount that never answers (1914).
 *
 * The filesystem: build/vm/btrfs.img (made by mkfs.btrfs on the host, 16 MiB, mixed block
 * groups) mounted on a loop device at /mnt/bt. Its subvolume vol (owned by uid 1000) holds
 * secret/key, a few bytes kept inline, which every policy here denies (deny = /mnt/bt/vol/secret/);
 * vol-ro is a read-only snapshot of it (what send needs).
 *
 * Policies: bt (enforce), bta (audit), btm (enforce, [system] mount = allow and raw-disks =
 * allow). As root and as uid 1000; unconfined is the control, and each control shows the route
 * real: the unconfined snapshot holds the key, the unconfined tree search and send return it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/fs.h>
#include <linux/fuse.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define BT "/mnt/bt"
#define BT_IMAGE "/usr/share/lsmguard-test/btrfs.img"
#define SECRET "lg-btrfs-secret-7f3a"
#define USER 1000

#define BT_POLICY(name, mode, system)                                                              \
	"[policy]\nname = " name "\ncgroup = /lgt/" name "\nmode = " mode "\n"                    \
	"[files]\ndefault = allow\ndeny = " BT "/vol/secret/\nallow-read = " BT "/ro/\n"         \
	"[exec]\ndefault = allow\n[network]\ndefault = allow\n" system

static void bt_setup(void)
{
	static const struct {
		const char *name, *text;
	} policies[] = {
	    {"bt", BT_POLICY("bt", "enforce", "")},
	    {"bta", BT_POLICY("bta", "audit", "")},
	    {"btm", BT_POLICY("btm", "enforce", "[system]\nmount = allow\nraw-disks = allow\n")},
	    {"btn", BT_POLICY("btn", "enforce", "[system]\nmount = allow\n")},
	};
	char path[128];

	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		snprintf(path, sizeof(path), "/lgt/%s", policies[i].name);
		make_cgroup(path);
	}
	if (access(BT "/vol/secret/key", F_OK) == 0)
		return;
	/* libcrc32c may be in already (sockets.c loads it for SCTP) */
	VM_CHECK(system("insmod /lib/modules/libcrc32c.ko 2>/dev/null; "
			"insmod /lib/modules/xor.ko && insmod /lib/modules/raid6_pq.ko && "
			"insmod /lib/modules/zstd_compress.ko && insmod /lib/modules/btrfs.ko && "
			"insmod /lib/modules/loop.ko") == 0);
	VM_CHECK(system("mkdir -p " BT " && cp " BT_IMAGE " /run/bt.img && "
			"mount -t btrfs -o loop /run/bt.img " BT) == 0);
	{
		struct btrfs_ioctl_vol_args_v2 args;
		int dir = open(BT, O_RDONLY | O_DIRECTORY), vol;

		VM_CHECK(dir >= 0);
		memset(&args, 0, sizeof(args));
		strcpy(args.name, "vol");
		VM_CHECK(ioctl(dir, BTRFS_IOC_SUBVOL_CREATE_V2, &args) == 0);
		VM_CHECK(system("mkdir " BT "/vol/secret " BT "/work " BT "/ro && chmod 0777 " BT
				"/work && "
				"printf " SECRET " > " BT "/vol/secret/key && "
				"echo public > " BT "/vol/public && echo data > " BT "/work/a && "
				"chmod 0666 " BT "/work/a && chown -R 1000:1000 " BT "/vol && "
				"chmod 0600 " BT "/vol/secret/key") == 0);
		vol = open(BT "/vol", O_RDONLY | O_DIRECTORY);
		VM_CHECK(vol >= 0);
		memset(&args, 0, sizeof(args));
		args.fd = vol;
		args.flags = BTRFS_SUBVOL_RDONLY;
		strcpy(args.name, "vol-ro");
		VM_CHECK(ioctl(dir, BTRFS_IOC_SNAP_CREATE_V2, &args) == 0);
		close(vol);
		close(dir);
	}
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		snprintf(path, sizeof(path), POLICY_DIR "/%s.ini", policies[i].name);
		write_file(path, policies[i].text, 0644);
	}
	VM_CHECK(daemon_reload_wait());
}

enum bt_arg {
	ARG_VOL,    /* struct btrfs_ioctl_vol_args with name */
	ARG_VOL_V2, /* struct btrfs_ioctl_vol_args_v2: name, and fd = src opened (a snapshot's) */
	ARG_U64,    /* a __u64 holding value */
	ARG_ZERO,   /* a zeroed buffer */
	ARG_SEARCH, /* the tree search of EXTENT_DATA items: 0 only when it returned SECRET */
	ARG_SEND,   /* send into a pipe: 0 only when the stream held SECRET */
	ARG_CLONE,  /* FICLONE from src */
	ARG_READ,   /* no command: a read of path, 0 only when it returned SECRET */
	ARG_DEV_STATS, /* struct btrfs_ioctl_get_dev_stats of device 1, with the reset flag */
};

/* What a command that succeeded but did not return the secret gives (ARG_SEARCH, ARG_SEND). */
#define BT_NOT_FOUND 5000

struct bt_op {
	const char *what;
	unsigned long cmd;
	enum bt_arg arg;
	const char *path; /* the descriptor the command goes to */
	const char *name, *src;
	unsigned long long value;
	uid_t uid;
};

static int bt_search(int fd)
{
	static struct btrfs_ioctl_search_args args;

	memset(&args, 0, sizeof(args));
	args.key.tree_id = 0; /* the descriptor's subvolume */
	args.key.max_objectid = (__u64)-1;
	args.key.min_type = args.key.max_type = BTRFS_EXTENT_DATA_KEY;
	args.key.max_offset = (__u64)-1;
	args.key.max_transid = (__u64)-1;
	args.key.nr_items = 4096;
	if (ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args))
		return errno;
	return memmem(args.buf, sizeof(args.buf), SECRET, strlen(SECRET)) ? 0 : BT_NOT_FOUND;
}

static int bt_send(int fd)
{
	static char stream[1 << 16];
	struct btrfs_ioctl_send_args args;
	int pipes[2], ret;
	ssize_t n;

	if (pipe2(pipes, O_NONBLOCK))
		return 2000 + errno;
	fcntl(pipes[1], F_SETPIPE_SZ, 1 << 20);
	memset(&args, 0, sizeof(args));
	args.send_fd = pipes[1];
	ret = ioctl(fd, BTRFS_IOC_SEND, &args) ? errno : 0;
	close(pipes[1]);
	if (!ret) {
		n = read(pipes[0], stream, sizeof(stream));
		ret = n > 0 && memmem(stream, n, SECRET, strlen(SECRET)) ? 0 : BT_NOT_FOUND;
	}
	close(pipes[0]);
	return ret;
}

static int bt_do(const void *arg)
{
	static union {
		struct btrfs_ioctl_vol_args v1;
		struct btrfs_ioctl_vol_args_v2 v2;
		char zero[1 << 14];
	} args;
	const struct bt_op *o = arg;
	int ret = become(o->uid), fd, src = -1;
	unsigned long long value = o->value;

	if (ret)
		return ret;
	fd = open(o->path, o->arg == ARG_CLONE ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return 3000 + errno;
	memset(&args, 0, sizeof(args));
	if (o->arg == ARG_READ) {
		ssize_t n = read(fd, args.zero, sizeof(args.zero));

		ret = n < 0 ? 2000 + errno : memmem(args.zero, n, SECRET, strlen(SECRET)) ? 0 : BT_NOT_FOUND;
		close(fd);
		return ret;
	}
	switch (o->arg) {
	case ARG_VOL:
		snprintf(args.v1.name, sizeof(args.v1.name), "%s", o->name);
		break;
	case ARG_VOL_V2:
		snprintf(args.v2.name, sizeof(args.v2.name), "%s", o->name);
		if (o->src) {
			src = open(o->src, O_RDONLY);
			if (src < 0) {
				close(fd);
				return 4000 + errno;
			}
			args.v2.fd = src;
		}
		break;
	case ARG_DEV_STATS: {
		struct btrfs_ioctl_get_dev_stats *stats = (void *)&args;

		stats->devid = 1;
		stats->nr_items = BTRFS_DEV_STAT_VALUES_MAX;
		stats->flags = BTRFS_DEV_STATS_RESET;
		break;
	}
	case ARG_SEARCH:
		ret = bt_search(fd);
		close(fd);
		return ret;
	case ARG_SEND:
		ret = bt_send(fd);
		close(fd);
		return ret;
	case ARG_CLONE:
		src = open(o->src, O_RDONLY);
		if (src < 0) {
			close(fd);
			return 4000 + errno;
		}
		ret = ioctl(fd, FICLONE, src) ? errno : 0;
		close(src);
		close(fd);
		return ret;
	default:
		break;
	}
	ret = ioctl(fd, o->cmd, o->arg == ARG_U64 ? (void *)&value : (void *)&args) ? errno : 0;
	if (src >= 0)
		close(src);
	close(fd);
	return ret;
}

static void bt_expect(const char *cgroup, struct bt_op o, uid_t uid, int expected)
{
	int got;

	o.uid = uid;
	got = in_cgroup(cgroup, bt_do, &o);
	printf("#   %s, uid %u: %s: %d (%s)\n", cgroup ? cgroup : "unconfined", uid, o.what, got,
	       got > 0 && got < 1000 ? strerror(got) : got ? "-" : "done");
	if (got != expected)
		VM_FAIL("%s as uid %u in %s returned %d (%s), expected %d (%s)", o.what, uid,
			cgroup ? cgroup : "no cgroup", got, got > 0 && got < 1000 ? strerror(got) : "-",
			expected, expected ? strerror(expected) : "success");
}

/* A command left to the kernel: the same result confined as unconfined, which must be 0 for
 * root. */
static void bt_same(const char *cgroup, struct bt_op o, uid_t uid)
{
	int unconfined;

	o.uid = uid;
	unconfined = in_cgroup(NULL, bt_do, &o);
	if (!uid && unconfined)
		VM_FAIL("%s unconfined as root returned %d", o.what, unconfined);
	bt_expect(cgroup, o, uid, unconfined);
}

/* The commands, with the descriptor each goes to. */
static const struct bt_op subvol_create = {"SUBVOL_CREATE work/new", BTRFS_IOC_SUBVOL_CREATE,
					   ARG_VOL, BT "/work", "new"};
static const struct bt_op subvol_create_v2 = {"SUBVOL_CREATE_V2 work/new2",
					      BTRFS_IOC_SUBVOL_CREATE_V2, ARG_VOL_V2, BT "/work",
					      "new2"};
static const struct bt_op snap_create_v2 = {"SNAP_CREATE_V2 vol to work/snap",
					    BTRFS_IOC_SNAP_CREATE_V2, ARG_VOL_V2, BT "/work", "snap",
					    BT "/vol"};
static const struct bt_op snap_create = {"SNAP_CREATE vol to work/snap1", BTRFS_IOC_SNAP_CREATE,
					 ARG_VOL, BT "/work", "snap1"};
static const struct bt_op snap_destroy = {"SNAP_DESTROY vol-ro", BTRFS_IOC_SNAP_DESTROY, ARG_VOL,
					  BT, "vol-ro"};
static const struct bt_op snap_destroy_work = {"SNAP_DESTROY work/snap", BTRFS_IOC_SNAP_DESTROY,
					       ARG_VOL, BT "/work", "snap"};
static const struct bt_op subvol_in_read_only = {"SUBVOL_CREATE ro/new", BTRFS_IOC_SUBVOL_CREATE,
						 ARG_VOL, BT "/ro", "new"};
static const struct bt_op snap_destroy_v2 = {"SNAP_DESTROY_V2 vol", BTRFS_IOC_SNAP_DESTROY_V2,
					     ARG_VOL_V2, BT, "vol"};
static const struct bt_op setflags = {"SUBVOL_SETFLAGS vol read-only", BTRFS_IOC_SUBVOL_SETFLAGS,
				      ARG_U64, BT "/vol", NULL, NULL, BTRFS_SUBVOL_RDONLY};
static const struct bt_op default_subvol = {"DEFAULT_SUBVOL", BTRFS_IOC_DEFAULT_SUBVOL, ARG_U64,
					    BT, NULL, NULL, 5};
static const struct bt_op set_received = {"SET_RECEIVED_SUBVOL", BTRFS_IOC_SET_RECEIVED_SUBVOL,
					  ARG_ZERO, BT "/vol"};
static const struct bt_op search = {"TREE_SEARCH of vol", BTRFS_IOC_TREE_SEARCH, ARG_SEARCH,
				    BT "/vol"};
static const struct bt_op search_v2 = {"TREE_SEARCH_V2", BTRFS_IOC_TREE_SEARCH_V2, ARG_ZERO,
				       BT "/vol"};
static const struct bt_op send = {"SEND of vol-ro", BTRFS_IOC_SEND, ARG_SEND, BT "/vol-ro"};
static const struct bt_op dev_stats_reset = {"GET_DEV_STATS with reset", BTRFS_IOC_GET_DEV_STATS,
					     ARG_DEV_STATS, BT};
static const struct bt_op add_dev = {"ADD_DEV", BTRFS_IOC_ADD_DEV, ARG_VOL, BT, "/dev/loop1"};
static const struct bt_op resize = {"RESIZE", BTRFS_IOC_RESIZE, ARG_VOL, BT, "max"};
static const struct bt_op quota = {"QUOTA_CTL", BTRFS_IOC_QUOTA_CTL, ARG_ZERO, BT};
static const struct bt_op scrub = {"SCRUB", BTRFS_IOC_SCRUB, ARG_ZERO, BT};
static const struct bt_op unknown = {"an unknown btrfs command (nr 200)", _IO(0x94, 200),
				     ARG_ZERO, BT};
static const struct bt_op fs_info = {"FS_INFO", BTRFS_IOC_FS_INFO, ARG_ZERO, BT};
static const struct bt_op getflags = {"SUBVOL_GETFLAGS vol", BTRFS_IOC_SUBVOL_GETFLAGS, ARG_U64,
				      BT "/vol"};
static const struct bt_op space_info = {"SPACE_INFO", BTRFS_IOC_SPACE_INFO, ARG_ZERO, BT};
static const struct bt_op start_sync = {"START_SYNC", BTRFS_IOC_START_SYNC, ARG_ZERO, BT};
static const struct bt_op features = {"GET_FEATURES", BTRFS_IOC_GET_FEATURES, ARG_ZERO, BT};
static const struct bt_op ficlone = {"FICLONE work/a to work/b", 0, ARG_CLONE, BT "/work/b", NULL,
				   BT "/work/a"};

#define SUBVOLUME_PATH                                                                             \
	"\"path\":\"btrfs subvolumes and snapshots (creating, removing, flags, a received UUID)\""
#define RAW_PATH                                                                                   \
	"\"path\":\"btrfs's copies, raw trees and devices (snapshots, removing or changing a "     \
	"subvolume, tree search, send, adding or replacing a device)\""
#define WHOLE_PATH                                                                                 \
	"\"path\":\"a btrfs filesystem's devices, size, balance, scrub, quotas, features or "     \
	"default subvolume\""

static void bt_nothing_at(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		VM_FAIL("a refused command left %s behind", path);
}

/* Every refused command as uid under policy (enforce): EPERM, nothing made, and the events. */
static void bt_refused(const char *policy, uid_t uid)
{
	char cgroup[64], name[64];
	long mark;

	/* A new rate-limit window (LG_RATE_EVENTS a second for each built-in text): the events of
	 * an earlier case's commands would hold these back. */
	usleep(1100 * 1000);
	mark = event_mark();

	snprintf(cgroup, sizeof(cgroup), "/lgt/%s", policy);
	snprintf(name, sizeof(name), "\"policy\":\"%s\"", policy);
	bt_expect(cgroup, subvol_create, uid, EPERM);
	bt_expect(cgroup, subvol_create_v2, uid, EPERM);
	bt_expect(cgroup, snap_create_v2, uid, EPERM);
	bt_expect(cgroup, snap_create, uid, EPERM);
	bt_nothing_at(BT "/work/new");
	bt_nothing_at(BT "/work/new2");
	bt_nothing_at(BT "/work/snap");
	bt_nothing_at(BT "/work/snap1");
	bt_expect(cgroup, snap_destroy, uid, EPERM);
	bt_expect(cgroup, snap_destroy_v2, uid, EPERM);
	VM_CHECK(access(BT "/vol-ro/secret", F_OK) == 0);
	VM_CHECK(access(BT "/vol/secret/key", F_OK) == 0);
	bt_expect(cgroup, setflags, uid, EPERM);
	bt_expect(cgroup, default_subvol, uid, EPERM);
	bt_expect(cgroup, set_received, uid, EPERM);
	bt_expect(cgroup, search, uid, EPERM);
	bt_expect(cgroup, search_v2, uid, EPERM);
	bt_expect(cgroup, send, uid, EPERM);
	bt_expect(cgroup, add_dev, uid, EPERM);
	bt_expect(cgroup, dev_stats_reset, uid, EPERM);
	bt_expect(cgroup, resize, uid, EPERM);
	bt_expect(cgroup, quota, uid, EPERM);
	bt_expect(cgroup, scrub, uid, EPERM);
	bt_expect(cgroup, unknown, uid, EPERM);
	/* left to the rules: reports, and a clone between two files the policy lets it open */
	bt_same(cgroup, fs_info, uid);
	bt_same(cgroup, getflags, uid);
	bt_same(cgroup, space_info, uid);
	bt_same(cgroup, start_sync, uid);
	bt_same(cgroup, features, uid);
	bt_expect(cgroup, ficlone, uid, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", name, UID_FIELD(uid),
			   "\"hook\":\"file_ioctl\"", SUBVOLUME_PATH, MOUNT_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", name, UID_FIELD(uid),
			   "\"hook\":\"file_ioctl\"", RAW_PATH, RAW_DISK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", name, UID_FIELD(uid),
			   "\"hook\":\"file_ioctl\"", WHOLE_PATH, HOST_CONTROL_SOURCE);
}

VM_TEST(btrfs_subvolumes_snapshots_and_raw_trees_as_root, 1910)
{
	VM_TIMEOUT(300);
	bt_setup();
	VM_CHECK(system("echo data > " BT "/work/b && chmod 0666 " BT "/work/b") == 0);
	/* The routes are real: unconfined, the tree search and send return the denied key. */
	bt_expect(NULL, search, 0, 0);
	bt_expect(NULL, send, 0, 0);
	bt_expect(NULL, dev_stats_reset, 0, 0); /* the disk's error counters set to 0 */
	bt_expect(NULL, subvol_create, 0, 0);
	VM_CHECK(rmdir(BT "/work/new") == 0); /* an empty subvolume goes by rmdir */
	bt_refused("bt", 0);
	/* the rule itself, for comparison: the key is denied by its path */
	{
		static const struct bt_op read_key = {"open of vol/secret/key", 0, ARG_SEARCH,
						      BT "/vol/secret/key"};

		bt_expect("/lgt/bt", read_key, 0, 3000 + EPERM);
	}
}

VM_TEST(btrfs_snapshot_of_a_denied_file_as_user, 1911)
{
	static const struct bt_op snap_own = {"SNAP_CREATE_V2 of its own vol to work/usnap",
					      BTRFS_IOC_SNAP_CREATE_V2, ARG_VOL_V2, BT "/work",
					      "usnap", BT "/vol"};
	int fd;
	char buf[64] = "";

	VM_TIMEOUT(300);
	bt_setup();
	VM_CHECK(system("rm -f " BT "/work/b && echo data > " BT "/work/b && chmod 0666 " BT
			"/work/b") == 0);
	/* Unconfined, uid 1000 snapshots the subvolume it owns and reads the key at the copy's
	 * path, which no rule names: the route a confined service would take. */
	bt_expect(NULL, snap_own, USER, 0);
	fd = open(BT "/work/usnap/secret/key", O_RDONLY);
	VM_CHECK(fd >= 0);
	if (fd >= 0) {
		VM_CHECK(read(fd, buf, sizeof(buf) - 1) == (ssize_t)strlen(SECRET));
		VM_CHECK(strcmp(buf, SECRET) == 0);
		close(fd);
	}
	VM_CHECK(system("rm -rf " BT "/work/usnap/secret " BT "/work/usnap/public && rmdir " BT
			"/work/usnap") == 0);
	bt_expect(NULL, subvol_create, USER, 0);
	VM_CHECK(rmdir(BT "/work/new") == 0);
	/* Confined: refused, and nothing made. */
	bt_expect("/lgt/bt", snap_own, USER, EPERM);
	bt_nothing_at(BT "/work/usnap");
	bt_refused("bt", USER);
}

VM_TEST(btrfs_commands_with_the_keys_and_in_audit_mode, 1912)
{
	long mark;

	VM_TIMEOUT(300);
	bt_setup();
	VM_CHECK(system("rm -f " BT "/work/b && echo data > " BT "/work/b && chmod 0666 " BT
			"/work/b") == 0);
	/* mount = allow: an empty subvolume; with raw-disks = allow too: snapshots, the tree
	 * search and send (and so the key: the risk docs/policy.md gives for those keys) */
	bt_expect("/lgt/btn", subvol_create, 0, 0);
	VM_CHECK(rmdir(BT "/work/new") == 0);
	mark = event_mark();
	bt_expect("/lgt/btn", snap_create_v2, 0, EPERM);
	bt_nothing_at(BT "/work/snap");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"btn\"", "\"uid\":0",
			   "\"hook\":\"file_ioctl\"", RAW_PATH, RAW_DISK_SOURCE);
	bt_expect("/lgt/btm", subvol_create, 0, 0);
	VM_CHECK(rmdir(BT "/work/new") == 0);
	bt_expect("/lgt/btm", snap_create_v2, 0, 0);
	VM_CHECK(access(BT "/work/snap/secret/key", F_OK) == 0);
	bt_expect(NULL, snap_destroy_work, 0, 0);
	bt_expect("/lgt/btm", search, 0, 0);
	bt_expect("/lgt/btm", send, 0, 0);
	/* with both keys, the subvolume is still a write where it is made (review 38, H1): in a
	 * directory the policy lets it read, not write (allow-read), refused by that rule */
	mark = event_mark();
	bt_expect("/lgt/btm", subvol_in_read_only, 0, EPERM);
	bt_nothing_at(BT "/ro/new");
	bt_expect(NULL, subvol_in_read_only, 0, 0); /* the control; then gone again */
	VM_CHECK(rmdir(BT "/ro/new") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"btm\"",
			   "\"hook\":\"file_ioctl\"", "\"path\":\"" BT "/ro\"",
			   "\"rule_object\":\"" BT "/ro/\"");
	/* no key lets these through */
	bt_expect("/lgt/btm", resize, 0, EPERM);
	bt_expect("/lgt/btm", unknown, 0, EPERM);
	/* audit mode: a subvolume is the policy's own confinement (made, and logged); the tree
	 * search and the filesystem's size are protections (refused all the same) */
	mark = event_mark();
	bt_expect("/lgt/bta", subvol_create, 0, 0);
	VM_CHECK(rmdir(BT "/work/new") == 0);
	bt_expect("/lgt/bta", subvol_create, USER, 0);
	VM_CHECK(rmdir(BT "/work/new") == 0);
	bt_expect("/lgt/bta", search, 0, EPERM);
	bt_expect("/lgt/bta", resize, 0, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"bta\"", "\"uid\":1000",
			   "\"hook\":\"file_ioctl\"", SUBVOLUME_PATH, MOUNT_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"bta\"", "\"uid\":0",
			   "\"hook\":\"file_ioctl\"", RAW_PATH, RAW_DISK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"bta\"", "\"uid\":0",
			   "\"hook\":\"file_ioctl\"", WHOLE_PATH, HOST_CONTROL_SOURCE);
}

/*
 * 1913: the other filesystems' size commands (meta.bpf.c, lg_is_filesystem_change), known by
 * number whatever the descriptor: ext4's resizes, XFS's grows and reserved-block pool, f2fs's
 * resize, with the 32-bit forms. Sent to the btrfs mount, whose driver knows none of them: the
 * unconfined control gets btrfs's ENOTTY, a confined root EPERM and the event, so a refusal here
 * is lsmguard's and not the driver's.
 */
VM_TEST(filesystem_size_commands_are_refused_by_number, 1913)
{
	static const struct {
		const char *what;
		unsigned long cmd;
	} cmds[] = {
	    {"EXT4_IOC_RESIZE_FS", 0x40086610},	 {"EXT4_IOC_GROUP_EXTEND", 0x40086607},
	    {"EXT4_IOC_GROUP_ADD", 0x40286608},	 {"XFS_IOC_FSGROWFSDATA", 0x4010586e},
	    {"XFS_IOC_FSGROWFSDATA (32-bit)", 0x400c586e},
	    {"XFS_IOC_FSGROWFSLOG", 0x4008586f}, {"XFS_IOC_FSGROWFSRT", 0x40105870},
	    {"XFS_IOC_FSGROWFSRT (32-bit)", 0x400c5870},
	    {"XFS_IOC_SET_RESBLKS", 0xc0105872}, {"F2FS_IOC_RESIZE_FS", 0x4008f510},
	};
	long mark;

	VM_TIMEOUT(120);
	bt_setup();
	usleep(1100 * 1000); /* a new rate-limit window for the events */
	mark = event_mark();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct bt_op o = {cmds[i].what, cmds[i].cmd, ARG_ZERO, BT};

		bt_expect(NULL, o, 0, ENOTTY);
		bt_expect("/lgt/bt", o, 0, EPERM);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"bt\"", "\"uid\":0",
			   "\"hook\":\"file_ioctl\"",
			   "\"path\":\"a filesystem's label, UUID, size, reserved blocks or boot inode\"",
			   HOST_CONTROL_SOURCE);
}

/* A FUSE mount at point (root, allow_other) whose connection is the descriptor returned (-1: a
 * failed check). */
static int fuse_mount(const char *point)
{
	char data[128];
	int fuse;

	if (access("/dev/fuse", F_OK) != 0)
		VM_CHECK(system("insmod /lib/modules/fuse.ko") == 0);
	for (int i = 0; i < 50 && access("/dev/fuse", F_OK) != 0; i++)
		usleep(20 * 1000);
	fuse = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	VM_CHECK(fuse >= 0);
	if (fuse < 0)
		return -1;
	mkdir(point, 0755);
	snprintf(data, sizeof(data), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fuse);
	VM_CHECK(mount("lgfuse", point, "fuse", 0, data) == 0);
	return fuse;
}

/*
 * 1914: a mount whose filesystem never answers (a FUSE server that stopped, with allow_other or
 * mounted by root; an NFS server gone under a hard mount). The daemon learns every mount from
 * mountinfo and looks at each mount point's root (enforcer/host.c); a look that asks the
 * filesystem waits for the answer, and the daemon with it: no events read, no reload. A FUSE
 * connection that is never read from stands for the dead server. The daemon must go on: the
 * next denial's event arrives and a reload completes while the mount is there. Closing the
 * connection afterwards ends whatever still waits on it.
 */
VM_TEST(daemon_goes_on_past_a_mount_that_never_answers, 1914)
{
	static const struct bt_op read_key = {"open of vol/secret/key", 0, ARG_SEARCH,
					      BT "/vol/secret/key"};
	long mark;
	int fuse;

	VM_TIMEOUT(120);
	bt_setup();
	fuse = fuse_mount("/mnt/hung");
	if (fuse < 0)
		return;
	usleep(300 * 1000); /* the daemon has seen the mount change */
	mark = event_mark();
	bt_expect("/lgt/bt", read_key, 0, 3000 + EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"bt\"", "\"hook\":\"file_open\"",
			   "\"path\":\"" BT "/vol/secret/key\"");
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(umount2("/mnt/hung", MNT_DETACH) == 0);
	close(fuse);
}

/*
 * 1915-1916 (review 38's H3): btrfs gives each subvolume a device number of its own, which
 * stat() and so the daemon's keys use, while the kernel's inode carries the filesystem's
 * (s_dev). A subvolume mounted by itself (subvol=, as a root filesystem on subvol=@ is on
 * Fedora, openSUSE and Ubuntu's btrfs layout) anchored nothing: its table entry was dropped,
 * and the walk named its files from the top-level subvolume ("/vol/secret/key" at the mount
 * point), so no rule under it matched, and no link record of a file in a subvolume was found.
 * Now the kernel keys a btrfs inode by its subvolume's device (lg_inode_dev, offsets from the
 * btrfs module's BTF) and a subvolume's root anchors the walk wherever it is met.
 */
#define BV "/mnt/bv"
#define BV_POLICY                                                                                  \
	"[policy]\nname = btv\ncgroup = /lgt/btv\nmode = enforce\n"                              \
	"[files]\ndefault = allow\ndeny = " BV "/secret/\n"                                     \
	"[exec]\ndefault = allow\n[network]\ndefault = allow\n"

/* A read of path: 0 when the key's bytes came back. */
static struct bt_op bv_read(const char *path)
{
	return (struct bt_op){path, 0, ARG_READ, path};
}

/* A confined read of path refused with the event at event_path; the unconfined one reads. */
static void bv_refused(const char *path, const char *event_path, uid_t uid)
{
	char needle[256];
	long mark;

	bt_expect(NULL, bv_read(path), uid, 0);
	usleep(1100 * 1000); /* past the events' rate limit of earlier denials */
	mark = event_mark();
	bt_expect("/lgt/btv", bv_read(path), uid, 3000 + EPERM);
	snprintf(needle, sizeof(needle), "\"path\":\"%s\"", event_path);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"btv\"", "\"hook\":\"file_open\"",
			   UID_FIELD(uid), needle);
}

static void bv_mount(const char *at)
{
	char cmd[256];

	mkdir(at, 0755);
	/* The loop device of the top's mount when there is one: btrfs refuses a second device
	 * with the same filesystem id. */
	snprintf(cmd, sizeof(cmd),
		 "dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1); "
		 "if [ -n \"$dev\" ]; then mount -t btrfs -o subvol=vol \"$dev\" %s; "
		 "else mount -t btrfs -o loop,subvol=vol /run/bt.img %s; fi",
		 at, at);
	VM_CHECK(system(cmd) == 0);
}

VM_TEST(btrfs_rule_under_a_subvolume_mounted_alone, 1915)
{
	VM_TIMEOUT(120);
	bt_setup();
	make_cgroup("/lgt/btv");
	/* A second name outside the denied directory, made before the load (as an
	 * administrator's): the load records the file's original name. */
	VM_CHECK(link(BT "/vol/secret/key", BT "/vol/key-link") == 0);
	VM_CHECK(umount2(BT, 0) == 0);
	bv_mount(BV);
	write_file(POLICY_DIR "/btv.ini", BV_POLICY, 0644);
	VM_CHECK(daemon_reload_wait());
	bv_refused(BV "/secret/key", BV "/secret/key", 0);
	bv_refused(BV "/secret/key", BV "/secret/key", USER);
	bv_refused(BV "/key-link", BV "/secret/key", 0);
	bv_refused(BV "/key-link", BV "/secret/key", USER);
	/* The subvolume's other files are the policy's default's. */
	bt_expect("/lgt/btv", bv_read(BV "/public"), 0, BT_NOT_FOUND);
	VM_CHECK(unlink(BV "/key-link") == 0);
	VM_CHECK(unlink(POLICY_DIR "/btv.ini") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(umount2(BV, 0) == 0);
	VM_CHECK(system("mount -t btrfs -o loop /run/bt.img " BT) == 0);
}

VM_TEST(btrfs_subvolume_reached_through_the_top_mount, 1916)
{
	VM_TIMEOUT(120);
	bt_setup();
	make_cgroup("/lgt/btv");
	bv_mount(BV);
	/* The top's mount (/mnt/bt) was made first and holds vol: the kernel names vol's files
	 * through it (attack run 21: a later mount of a subvolume renames nothing), and the rule
	 * written at the subvolume's own mount is kept at that name too, said at its line. */
	write_file(POLICY_DIR "/btv.ini", BV_POLICY, 0644);
	VM_CHECK(daemon_reload_wait());
	bv_refused(BV "/secret/key", BT "/vol/secret/key", 0);
	bv_refused(BT "/vol/secret/key", BT "/vol/secret/key", 0);
	bv_refused(BT "/vol/secret/key", BT "/vol/secret/key", USER);
	bv_refused(BV "/secret/key", BT "/vol/secret/key", USER);
	/* A second mount of the subvolume is named through the top's too. */
	mkdir("/mnt/bv2", 0755);
	VM_CHECK(mount(BV, "/mnt/bv2", NULL, MS_BIND, NULL) == 0);
	usleep(300 * 1000); /* the daemon has read the mount table again */
	bv_refused("/mnt/bv2/secret/key", BT "/vol/secret/key", 0);
	/* A snapshot is another subvolume: its copy of the key is not under the rule (a copy,
	 * as a backup is; docs/security.md). */
	bt_expect("/lgt/btv", bv_read(BT "/vol-ro/secret/key"), 0, 0);
	VM_CHECK(unlink(POLICY_DIR "/btv.ini") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(umount2("/mnt/bv2", 0) == 0);
	VM_CHECK(umount2(BV, 0) == 0);
}

/*
 * 1917: btrfs's control node (/dev/btrfs-control, misc minor 234, registered when the module
 * loads, after the daemon here): BTRFS_IOC_SCAN_DEV has the kernel open a block device by the
 * path given, without the caller's open of it, and FORGET_DEV drops devices btrfs knows. Refused
 * at the open by the driver's name (raw-disks, a protection: in audit mode too).
 */
static int bt_control_open(const void *arg)
{
	int ret = become(*(const uid_t *)arg), fd;

	if (ret)
		return ret;
	fd = open("/dev/btrfs-control", O_RDWR);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

VM_TEST(btrfs_control_node_is_a_raw_disk, 1917)
{
	static const uid_t root = 0;
	long mark;

	VM_TIMEOUT(60);
	bt_setup();
	VM_CHECK(in_cgroup(NULL, bt_control_open, &root) == 0);
	mark = event_mark();
	VM_CHECK(in_cgroup("/lgt/bt", bt_control_open, &root) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"bt\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/dev/btrfs-control\"");
	VM_CHECK(in_cgroup("/lgt/bta", bt_control_open, &root) == EPERM);
	VM_CHECK(in_cgroup("/lgt/btm", bt_control_open, &root) == 0);
}

/*
 * 1918 (review 38's M1): a mount point inside a filesystem that stops answering. The daemon's
 * look at each mount point resolved its path, and a FUSE (or NFS) directory whose cached entry
 * has expired is looked up again on the way: with the server stopped, that look never returned.
 * Here a minimal FUSE server answers the lookup of "sub" (entry valid for 0 s), a tmpfs is
 * mounted on /mnt/hung2/sub, and the server stops reading. On the form before, the next reload
 * (and every event after it) waited for ever. Now the path is resolved from the caches only,
 * and where a revalidation is due the look is made in a child killed after 2 s.
 */
static void fuse_reply(int fuse, __u64 unique, int error, const void *body, size_t size)
{
	char out[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header *h = (void *)out;

	h->len = sizeof(*h) + (error ? 0 : size);
	h->error = error;
	h->unique = unique;
	if (!error && size)
		memcpy(out + sizeof(*h), body, size);
	if (write(fuse, out, h->len) < 0)
		_exit(2);
}

static void fuse_dir_attr(struct fuse_attr *a, __u64 ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = S_IFDIR | 0755;
	a->nlink = 2;
	a->blksize = 4096;
}

/* Answers INIT, GETATTR and the LOOKUP of "sub" in the root, until killed. */
static void fuse_serve(int fuse)
{
	static char buf[1 << 17];

	for (;;) {
		ssize_t n = read(fuse, buf, sizeof(buf));
		struct fuse_in_header *in = (void *)buf;
		void *arg = buf + sizeof(*in);

		if (n < (ssize_t)sizeof(*in))
			_exit(n < 0 && errno == ENODEV ? 0 : 1);
		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *req = arg;
			struct fuse_init_out init = {.major = FUSE_KERNEL_VERSION,
						     .minor = req->minor,
						     .max_readahead = req->max_readahead,
						     .max_write = 4096};

			fuse_reply(fuse, in->unique, 0, &init, sizeof(init));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out entry = {.nodeid = 2, .generation = 1};

			if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "sub") != 0) {
				fuse_reply(fuse, in->unique, -ENOENT, NULL, 0);
				break;
			}
			fuse_dir_attr(&entry.attr, 2); /* entry_valid, attr_valid: 0 */
			fuse_reply(fuse, in->unique, 0, &entry, sizeof(entry));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out attr = {0};

			fuse_dir_attr(&attr.attr, in->nodeid);
			fuse_reply(fuse, in->unique, 0, &attr, sizeof(attr));
			break;
		}
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
			break;
		default:
			fuse_reply(fuse, in->unique, -ENOSYS, NULL, 0);
		}
	}
}

VM_TEST(daemon_goes_on_past_a_mount_point_that_never_answers, 1918)
{
	static const struct bt_op read_key = {"open of vol/secret/key", 0, ARG_SEARCH,
					      BT "/vol/secret/key"};
	pid_t server;
	long mark;
	int fuse;

	VM_TIMEOUT(120);
	bt_setup();
	fuse = fuse_mount("/mnt/hung2");
	if (fuse < 0)
		return;
	server = fork();
	if (server == 0)
		fuse_serve(fuse);
	VM_CHECK(server > 0);
	VM_CHECK(mount("lgsub", "/mnt/hung2/sub", "tmpfs", 0, NULL) == 0);
	kill(server, SIGKILL);
	VM_CHECK(waitpid(server, NULL, 0) == server);
	/* The connection stays (this process holds /dev/fuse) and nobody reads it. The
	 * daemon's reading of its table waits LG_MOUNT_LOOK_MS (2 s) at each of the two mounts
	 * that never answer, so a reload may take more than one wait (failed once in a full run
	 * on a loaded host: 5 s). */
	VM_CHECK(daemon_reload_wait() || daemon_reload_wait() || daemon_reload_wait());
	mark = event_mark();
	bt_expect("/lgt/bt", read_key, 0, 3000 + EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"bt\"", "\"hook\":\"file_open\"",
			   "\"path\":\"" BT "/vol/secret/key\"");
	VM_CHECK(daemon_reload_wait() || daemon_reload_wait() || daemon_reload_wait());
	VM_CHECK(umount2("/mnt/hung2", MNT_DETACH) == 0);
	close(fuse);
	/* The last case on the image: its policies go, so that the later cases on it (attack21.c,
	 * attack22.c) see the daemon's words about their own rules only. */
	for (const char *const *name = (const char *const[]){"bt", "bta", "btm", "btn", NULL}; *name;
	     name++) {
		char path[128];

		snprintf(path, sizeof(path), POLICY_DIR "/%s.ini", *name);
		unlink(path);
	}
	VM_CHECK(daemon_reload_wait());
}
