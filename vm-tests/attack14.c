// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 14 (2026-12-03, independent: a helper given the threat model and the change, not
 * its author's reasoning) against the directory cache (bpf_lsm/cache.bpf.h, lg_dir_cache: a
 * file's first open decided from its parent directory's cached walk state plus its own name).
 *
 * The attacker is a task confined by adir (enforce; default allow with a few denies; userns
 * and namespace mounts allowed, as files' policy does) or by files (vm-tests/cases.c), as root
 * and as uid 1000. Each case primes a directory state (an allowed open of a file in the
 * directory, then a second file whose first open is proven decided from the directory's state,
 * lg_dir_counts), changes what the state rests on or asks about an object that the state must
 * not decide, and asserts the safe outcome with its exact errno; the same route unconfined is
 * the control.
 *
 * Found, and closed: a_dir_fs_root_exact_rule and a_dir_sysfs_root_exact_rule. A filesystem's
 * root directory is its own d_parent, so its own open found the state its children's walks had
 * stored at it and added its own name ("/") as one more component: the exact rule on the mount
 * point's path (deny = /data/adm: the directory itself) was never looked up at the object, and
 * the directory was opened (listed) as root and as uid 1000. lg_dir_decide now leaves an object
 * that is its own parent to the walk, which decides it at the anchor.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define AD_CG "/lgt/adir"
#define AD_FILES "/lgt/files"
#define AD_AUDIT "/lgt/audit"
#define AD_USER 1000

static const char adir_policy[] = "[policy]\nname = adir\ncgroup = " AD_CG "\nmode = enforce\n"
				  "[files]\ndefault = allow\n"
				  "deny = /data/adm\n"
				  "deny = /sys\n"
				  "deny = /data/adx/secret\n"
				  "deny = /data/adpriv/\n"
				  "allow = /data/adpriv/open/\n"
				  "[exec]\ndefault = allow\n"
				  "deny = /data/adx/bin/denied\n"
				  "[system]\nuserns = allow\nmount = namespace\n";

static void ad_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/adir.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/adir.ini", adir_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(AD_CG);
	VM_CHECK(system("mkdir -p /data/adx/pub /data/adx/bin /data/adpriv/open && "
			"chmod 0755 /data/adx /data/adx/pub /data/adpriv /data/adpriv/open && "
			"echo s > /data/adx/secret && chmod 0644 /data/adx/secret") == 0);
}

static long long ad_dir_decided(void)
{
	return map_u64("lg_dir_counts", 0);
}

struct ad_try {
	const char *path;
	int flags;
	uid_t uid;
};

static int do_ad_open(const void *arg)
{
	const struct ad_try *t = arg;
	int fd, ret;

	if (t->uid && (ret = become(t->uid)))
		return ret;
	fd = open(t->path, t->flags);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int ad_open(const char *cgroup, uid_t uid, const char *path, int flags)
{
	struct ad_try t = {path, flags, uid};

	return in_cgroup(cgroup, do_ad_open, &t);
}

#define AD_EXPECT(cgroup, uid, path, flags, want)                                                  \
	do {                                                                                       \
		int got_ = ad_open((cgroup), (uid), (path), (flags));                              \
		if (got_ != (want))                                                                \
			VM_FAIL("line %d: open %s as %u under %s: %d (expected %d)", __LINE__,     \
				(path), (unsigned)(uid), (cgroup) ? (cgroup) : "none", got_,       \
				(want));                                                           \
	} while (0)

/*
 * Open first (allowed), then second (a file never opened in the same directory), until the
 * second open is decided from the directory's state (5 s at most: right after a mount the
 * daemon may not know its root yet). second is the name of a fresh file each try: NAME.N.
 */
static bool ad_prime(const char *cgroup, const char *first, const char *dir)
{
	for (int i = 0; i < 100; i++) {
		char second[512];
		long long before;

		snprintf(second, sizeof(second), "%s/prime.%d.%d", dir, getpid(), i);
		write_file(second, "x\n", 0644);
		if (ad_open(cgroup, 0, first, O_RDONLY) != 0) {
			usleep(50 * 1000);
			continue;
		}
		before = ad_dir_decided();
		if (ad_open(cgroup, 0, second, O_RDONLY) == 0 && ad_dir_decided() == before + 1)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* ---- the root directory of a filesystem: its own parent ---- */

/*
 * deny = /data/adm (exact: the directory itself) where /data/adm is a tmpfs mount known to the
 * host's table. Its children's walks store the state at the root (anchor "/data/adm", tree
 * rules only); the root opened as the object is then "decided" from that state plus a
 * component "/" (its d_name).
 */
VM_TEST(a_dir_fs_root_exact_rule, 400)
{
	ad_setup();
	VM_CHECK(system("mkdir -p /data/adm && (grep -q ' /data/adm ' /proc/mounts || "
			"mount -t tmpfs tmpfs /data/adm) && chmod 0755 /data/adm && "
			"echo x > /data/adm/f && chmod 0644 /data/adm/f") == 0);
	AD_EXPECT(NULL, AD_USER, "/data/adm", O_RDONLY | O_DIRECTORY, 0);
	/* No state yet: the whole walk (exact rule at the anchor's prefix). */
	AD_EXPECT(AD_CG, 0, "/data/adm", O_RDONLY | O_DIRECTORY, EPERM);
	VM_CHECK(ad_prime(AD_CG, "/data/adm/f", "/data/adm"));
	AD_EXPECT(AD_CG, 0, "/data/adm", O_RDONLY | O_DIRECTORY, EPERM);
	AD_EXPECT(AD_CG, AD_USER, "/data/adm", O_RDONLY | O_DIRECTORY, EPERM);
	/* and reached by "." */
	AD_EXPECT(AD_CG, 0, "/data/adm/.", O_RDONLY | O_DIRECTORY, EPERM);
}

/* The same on a filesystem named by its type (sysfs: "/sys"); deny = /sys is exact. */
VM_TEST(a_dir_sysfs_root_exact_rule, 401)
{
	long long before;

	ad_setup();
	AD_EXPECT(NULL, AD_USER, "/sys", O_RDONLY | O_DIRECTORY, 0);
	AD_EXPECT(AD_CG, 0, "/sys", O_RDONLY | O_DIRECTORY, EPERM);
	/* children of the sysfs root: directories opened as objects store the root's state */
	VM_CHECK(ad_open(AD_CG, 0, "/sys/kernel", O_RDONLY | O_DIRECTORY) == 0);
	before = ad_dir_decided();
	VM_CHECK(ad_open(AD_CG, 0, "/sys/fs", O_RDONLY | O_DIRECTORY) == 0);
	VM_CHECK(ad_dir_decided() == before + 1);
	AD_EXPECT(AD_CG, 0, "/sys", O_RDONLY | O_DIRECTORY, EPERM);
	AD_EXPECT(AD_CG, AD_USER, "/sys", O_RDONLY | O_DIRECTORY, EPERM);
}

/* ---- renames: an exchange of two directories, a file moved across directories ---- */

VM_TEST(a_dir_exchange_and_cross_moves, 402)
{
	ad_setup();
	VM_CHECK(system("rm -rf /data/adx/ex /data/adpriv/ex && mkdir -p /data/adx/ex/pub/sub "
			"/data/adpriv/ex/sub && cd /data/adx/ex/pub/sub && for f in a b c d e; do "
			"echo x > $f; done && echo x > /data/adpriv/ex/sub/p && chmod -R a+rX "
			"/data/adx/ex /data/adpriv/ex") == 0);
	VM_CHECK(ad_prime(AD_CG, "/data/adx/ex/pub/sub/a", "/data/adx/ex/pub/sub"));
	/* and the denied directory's own state: walked, denied */
	AD_EXPECT(AD_CG, 0, "/data/adpriv/ex/sub/p", O_RDONLY, EPERM);
	VM_CHECK(syscall(SYS_renameat2, AT_FDCWD, "/data/adx/ex/pub", AT_FDCWD, "/data/adpriv/ex",
			 2 /* RENAME_EXCHANGE */) == 0);
	AD_EXPECT(AD_CG, 0, "/data/adpriv/ex/sub/c", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, AD_USER, "/data/adpriv/ex/sub/d", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, 0, "/data/adpriv/ex/sub/a", O_RDONLY, EPERM);
	/* the other side, now allowed */
	AD_EXPECT(AD_CG, AD_USER, "/data/adx/ex/pub/sub/p", O_RDONLY, 0);
	AD_EXPECT(NULL, AD_USER, "/data/adpriv/ex/sub/e", O_RDONLY, 0);
	/* A regular file moved from an allowed directory into a denied one (no epoch bump for a
	 * regular file): its new parent's state, never its old one. */
	VM_CHECK(system("mkdir -p /data/adx/mvf && cd /data/adx/mvf && for f in a b c; do echo x "
			"> $f; done && chmod -R a+rX /data/adx/mvf") == 0);
	VM_CHECK(ad_prime(AD_CG, "/data/adx/mvf/a", "/data/adx/mvf"));
	VM_CHECK(rename("/data/adx/mvf/c", "/data/adpriv/mvf-c") == 0);
	AD_EXPECT(AD_CG, 0, "/data/adpriv/mvf-c", O_RDONLY, EPERM);
	VM_CHECK(rename("/data/adx/mvf/b", "/data/adpriv/open/mvf-b") == 0);
	AD_EXPECT(AD_CG, AD_USER, "/data/adpriv/open/mvf-b", O_RDONLY, 0);
	/* moved back and forth: the file's own slot (d_seq) and its directory's state */
	VM_CHECK(rename("/data/adpriv/open/mvf-b", "/data/adx/mvf/b") == 0);
	VM_CHECK(rename("/data/adx/mvf/b", "/data/adpriv/b") == 0);
	AD_EXPECT(AD_CG, 0, "/data/adpriv/b", O_RDONLY, EPERM);
}

/* ---- mounts: a host mount moved (the daemon stopped), a namespace's bind mounts ---- */

VM_TEST(a_dir_host_mount_moved, 403)
{
	pid_t daemon;

	ad_setup();
	VM_CHECK(system("umount /data/adpriv/mv 2>/dev/null; umount /data/adx/mv 2>/dev/null; "
			"mkdir -p /data/adx/mv /data/adpriv/mv && mount -t tmpfs tmpfs /data/adx/mv "
			"&& mkdir /data/adx/mv/sub && cd /data/adx/mv/sub && for f in a b c d; do "
			"echo x > $f; done && echo x > /data/adx/mv/r1 && echo x > /data/adx/mv/r2 && "
			"chmod -R a+rX /data/adx/mv") == 0);
	VM_CHECK(ad_prime(AD_CG, "/data/adx/mv/sub/a", "/data/adx/mv/sub"));
	VM_CHECK(ad_prime(AD_CG, "/data/adx/mv/r1", "/data/adx/mv"));
	daemon = daemon_stop();
	VM_CHECK(mount("/data/adx/mv", "/data/adpriv/mv", NULL, MS_MOVE, NULL) == 0);
	AD_EXPECT(AD_CG, 0, "/data/adpriv/mv/sub/c", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, AD_USER, "/data/adpriv/mv/sub/d", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, 0, "/data/adpriv/mv/r2", O_RDONLY, EPERM);
	daemon_resume(daemon);
	AD_EXPECT(NULL, AD_USER, "/data/adpriv/mv/sub/c", O_RDONLY, 0);
	VM_CHECK(vm_umount("/data/adpriv/mv") == 0);
}

struct ad_ns_try {
	const char *src, *dst, *open;
};

/* In a new mount namespace of the confined task: bind src on dst, open open. */
static int do_ad_ns_bind(const void *arg)
{
	const struct ad_ns_try *t = arg;
	int fd;

	if (unshare(CLONE_NEWNS))
		return 100 + errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 200 + errno;
	if (mount(t->src, t->dst, NULL, MS_BIND, NULL))
		return 300 + errno;
	fd = open(t->open, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

VM_TEST(a_dir_namespace_bind_mounts, 404)
{
	struct ad_ns_try over = {"/data/adpriv/nsd", "/data/adx/nsb", "/data/adx/nsb/n2"};
	struct ad_ns_try open_ok = {"/data/adpriv/open/nsd", "/data/adx/nsb",
				    "/data/adx/nsb/o2"};
	int got;

	ad_setup();
	VM_CHECK(system("mkdir -p /data/adx/nsb /data/adpriv/nsd /data/adpriv/open/nsd && "
			"echo x > /data/adx/nsb/h1 && echo x > /data/adx/nsb/h2 && "
			"echo x > /data/adpriv/nsd/n1 && echo x > /data/adpriv/nsd/n2 && "
			"echo x > /data/adpriv/open/nsd/o1 && echo x > /data/adpriv/open/nsd/o2 && "
			"chmod -R a+rX /data/adx/nsb /data/adpriv") == 0);
	/* states: the bind point's directory (allowed), the denied directory (walked) */
	VM_CHECK(ad_prime(AD_CG, "/data/adx/nsb/h1", "/data/adx/nsb"));
	AD_EXPECT(AD_CG, 0, "/data/adpriv/nsd/n1", O_RDONLY, EPERM);
	got = in_cgroup(AD_CG, do_ad_ns_bind, &over);
	if (got != EPERM)
		VM_FAIL("namespace bind of a denied directory: %d", got);
	VM_CHECK(in_cgroup(NULL, do_ad_ns_bind, &over) == 0);
	/* the allowed one bound: allowed (its filesystem path) */
	VM_CHECK(ad_prime(AD_CG, "/data/adpriv/open/nsd/o1", "/data/adpriv/open/nsd"));
	got = in_cgroup(AD_CG, do_ad_ns_bind, &open_ok);
	if (got != 0)
		VM_FAIL("namespace bind of an allowed directory: %d", got);
}

/* ---- names: hard links and symlinks into an allowed directory with a state ---- */

VM_TEST(a_dir_links_into_a_primed_directory, 405)
{
	ad_setup();
	VM_CHECK(system("rm -rf /data/adx/lk && mkdir -p /data/adx/lk && cd /data/adx/lk && "
			"echo x > a && echo x > b && ln /data/adx/secret /data/adx/lk/hl && "
			"ln -s /data/adx/secret /data/adx/lk/sl && ln -s ../../adpriv/p /data/adx/lk/sp && "
			"echo x > /data/adpriv/p && chmod -R a+rX /data/adx/lk /data/adpriv/p") == 0);
	VM_CHECK(ad_prime(AD_CG, "/data/adx/lk/a", "/data/adx/lk"));
	AD_EXPECT(AD_CG, 0, "/data/adx/lk/hl", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, AD_USER, "/data/adx/lk/hl", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, 0, "/data/adx/lk/sl", O_RDONLY, EPERM);
	AD_EXPECT(AD_CG, AD_USER, "/data/adx/lk/sp", O_RDONLY, EPERM);
	AD_EXPECT(NULL, AD_USER, "/data/adx/lk/hl", O_RDONLY, 0);
	/* the link in the allowed directory unlinked by the administrator, another kept: the
	 * original name still has two, and is walked (with its link record), denied */
	VM_CHECK(system("ln /data/adx/secret /data/adx/secret.keep") == 0);
	VM_CHECK(unlink("/data/adx/lk/hl") == 0);
	AD_EXPECT(AD_CG, 0, "/data/adx/secret", O_RDONLY, EPERM);
	VM_CHECK(unlink("/data/adx/secret.keep") == 0);
}

/* ---- exec: the directory's exec state, a program with its own deny ---- */

struct ad_map_try {
	const char *path;
	uid_t uid;
};

static int do_ad_map_exec(const void *arg)
{
	const struct ad_map_try *t = arg;
	void *p;
	int fd, ret;

	if (t->uid && (ret = become(t->uid)))
		return ret;
	fd = open(t->path, O_RDONLY);
	if (fd < 0)
		return 100 + errno;
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	ret = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fd);
	return ret;
}

VM_TEST(a_dir_exec_sibling_with_its_own_deny, 406)
{
	struct ad_map_try denied = {"/data/adx/bin/denied", 0}, denied_user = {
		"/data/adx/bin/denied", AD_USER};
	long long before;
	int got;

	ad_setup();
	VM_CHECK(system("cd /data/adx/bin && for f in ok ok2 ok3 denied; do cp /bin/busybox $f; "
			"done && chmod 0755 ok ok2 ok3 denied") == 0);
	VM_CHECK(try_exec(AD_CG, "/data/adx/bin/ok") == 0);
	VM_CHECK(try_exec(AD_CG, "/data/adx/bin/ok") == 0);
	before = ad_dir_decided();
	VM_CHECK(try_exec(AD_CG, "/data/adx/bin/ok2") == 0);
	VM_CHECK(ad_dir_decided() == before + 1); /* from the directory's exec state */
	got = try_exec(AD_CG, "/data/adx/bin/denied");
	if (got != EPERM)
		VM_FAIL("exec of the denied sibling: %d", got);
	got = in_cgroup(AD_CG, do_ad_map_exec, &denied);
	if (got != EPERM)
		VM_FAIL("mmap PROT_EXEC of the denied sibling as root: %d", got);
	got = in_cgroup(AD_CG, do_ad_map_exec, &denied_user);
	if (got != EPERM)
		VM_FAIL("mmap PROT_EXEC of the denied sibling as uid 1000: %d", got);
	VM_CHECK(try_exec(NULL, "/data/adx/bin/denied") == 0);
}

/* ---- policies and modes: a state stored under one policy is not another's ---- */

VM_TEST(a_dir_state_per_policy_and_mode, 407)
{
	ad_setup();
	VM_CHECK(system("for f in pa pb pc pd; do echo x > /data/private/ad-$f; done && "
			"chmod a+r /data/private/ad-*") == 0);
	/* audit mode: allowed (each a denial logged, not enforced) */
	AD_EXPECT(AD_AUDIT, 0, "/data/private/ad-pa", O_RDONLY, 0);
	AD_EXPECT(AD_AUDIT, 0, "/data/private/ad-pb", O_RDONLY, 0);
	AD_EXPECT(AD_FILES, 0, "/data/private/ad-pc", O_RDONLY, EPERM);
	AD_EXPECT(AD_FILES, AD_USER, "/data/private/ad-pd", O_RDONLY, EPERM);
	/* adir allows /data/private/ (default allow): its state there answers only adir */
	VM_CHECK(ad_prime(AD_CG, "/data/private/ad-pa", "/data/private"));
	AD_EXPECT(AD_FILES, 0, "/data/private/ad-pc", O_RDONLY, EPERM);
	/* /proc/self/environ under files: the task's own directory is never cached */
	AD_EXPECT(AD_FILES, 0, "/proc/self/status", O_RDONLY, 0);
	AD_EXPECT(AD_FILES, 0, "/proc/self/stat", O_RDONLY, 0);
	AD_EXPECT(AD_FILES, 0, "/proc/self/environ", O_RDONLY, EPERM);
	/* (uid 1000: EACCES from the kernel first, the task is no longer dumpable after
	 * setresuid; lsmguard's binary for writing: ETXTBSY from the kernel, the daemon runs it) */
	/* lsmguard's own policy directory, for writing, after a write state in /data/private/open */
	AD_EXPECT(AD_FILES, 0, "/data/private/open/x", O_WRONLY, 0);
	AD_EXPECT(AD_FILES, 0, POLICY_DIR "/adir.ini", O_WRONLY, EPERM);
}

/* ---- attack run 15: a forged udev message ---- */

/*
 * A message on the udev group of NETLINK_KOBJECT_UEVENT (group 2): systemd takes a root
 * sender's SYSTEMD_WANTS= and starts the unit outside every policy. This one has no libudev
 * header, which every listener drops, so the unconfined control changes nothing on the host.
 */
static int do_uevent_send(const void *arg)
{
	static const char msg[] = "add@/devices/virtual/lgtest\0ACTION=add\0"
				  "DEVPATH=/devices/virtual/lgtest\0SUBSYSTEM=lgtest\0SEQNUM=1";
	const struct ad_try *t = arg;
	struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_groups = 2};
	int fd, ret;

	if (t->uid && (ret = become(t->uid)))
		return ret;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return 1000 + errno; /* the socket itself: not what is asserted */
	if (t->flags) { /* write() on a socket connected to the group */
		ret = connect(fd, (struct sockaddr *)&to, sizeof(to)) ? 2000 + errno
			: write(fd, msg, sizeof(msg)) < 0			? errno
									: 0;
	} else {
		ret = sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? errno
											      : 0;
	}
	close(fd);
	return ret;
}

static int ad_uevent(const char *cgroup, uid_t uid, int connected)
{
	struct ad_try t = {NULL, connected, uid};

	return in_cgroup(cgroup, do_uevent_send, &t);
}

VM_TEST(a15_forged_udev_message_is_refused, 408)
{
	long mark;
	int got;

	ad_setup();
	/* control: unconfined root sends (sendto and a connected write) */
	VM_CHECK(ad_uevent(NULL, 0, 0) == 0);
	VM_CHECK(ad_uevent(NULL, 0, 1) == 0);
	/* adir: no [capabilities] (root keeps CAP_NET_ADMIN) and no sockets line: the socket is
	 * made, every send refused; audit mode too (a protection) */
	mark = event_mark();
	got = ad_uevent(AD_CG, 0, 0);
	if (got != EPERM)
		VM_FAIL("sendto of a uevent as root under adir: %d", got);
	got = ad_uevent(AD_CG, 0, 1);
	if (got != EPERM)
		VM_FAIL("write of a uevent on a connected socket as root under adir: %d", got);
	got = ad_uevent(AD_AUDIT, 0, 0);
	if (got != EPERM)
		VM_FAIL("sendto of a uevent as root under an audit-mode policy: %d", got);
	EXPECT_EVENT_AFTER(mark, "\"hook\":\"socket_sendmsg\"", "\"policy\":\"adir\"",
			   "\"path\":\"a udev message (netlink uevent)\"");
	/* uid 1000: refused by the kernel first (CAP_NET_ADMIN), as unconfined */
	VM_CHECK(ad_uevent(AD_CG, AD_USER, 0) == EPERM);
	VM_CHECK(ad_uevent(NULL, AD_USER, 0) == EPERM);
}
