// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 27 (helper, branch a27, against 4b89f10): [system] mount = namespace after review
 * 48 M2 (a mount refused as propagating only when its peer group reaches another namespace).
 * Every case asserts the secure outcome; a failing check is a bypass. An unconfined control
 * does the same route first.
 *
 *  2700 umount2(MNT_FORCE) of the service's own copy of a host FUSE mount: the kernel calls the
 *       superblock's umount_begin (fuse_abort_conn) before it unmounts anything.
 *  2701 setns into a mount namespace that is neither the host's nor the service's (held by an
 *       nsfs bind, as snapd's /run/snapd/ns/<snap>.mnt or `unshare --mount=FILE`), then mount
 *       and unmount there.
 *  2702 superblock options changed by a new mount in the service's own namespace: fspick +
 *       fsconfig(RECONFIGURE); cgroup2 (cgroup_get_tree applies the root flags whole);
 *       debugfs (mount_single reconfigures the one superblock).
 *  2703 propagation sequences built step by step, nested namespaces, a held namespace, a
 *       clone's propagation changed, racing threads: nothing may reach the host.
 *  2704 a host superblock (sysfs) recorded in lg_ns_supers by the service's own mount of it.
 *  2705 cgroup2 mounted without options in its own namespace: the host's nsdelegate and
 *       memory_recursiveprot cleared.
 *  2706 cgroup v1 mounted with an unused controller in its own namespace: the controller leaves
 *       the host's cgroup2 hierarchy while the v1 hierarchy lives.
 *  2707 fusectl's abort file (mount = deny: the host's fusectl; mount = namespace: its own
 *       mount of the one fusectl superblock).
 *  2708 the administrator's mounts propagating in, raced by the service.
 *  2709 a unit's namespace made slave (systemd's order) while the service's copy is a peer.
 *  2710 2705 by the new mount API: fsopen("cgroup2"), fsconfig(FSCONFIG_CMD_CREATE), also
 *       through the ia32 entry (int $0x80: its arguments in other registers).
 *
 * Results in the 6.1 VM (4b89f10; /work/atk-run1-console.log .. run5): FAIL (bypass) 2700
 * (root, mount = namespace, own namespace private or slave+shared: host FUSE aborted, host
 * stat ENOTCONN), 2701 (root, mount = namespace, nsfs bind: mount and umount done in the
 * foreign namespace), 2702 (cgroup2 route only; fspick and debugfs refused by sb_remount),
 * 2705, 2706, 2707 (both modes). Held: 2703, 2704, 2708, 2709; uid 1000 refused by the kernel
 * on every route; mount = deny refused every mount-hook route (2707's fusectl write is no
 * mount). Against the fixes of the session of 2026-12-06 afternoon every case holds (see
 * docs/security.md, attack run 27); 2710 (the lead's) is 2705 by fsopen and fsconfig.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define USER 1000
#define CG "/lgt/a27"


static int a27_failures;

static const char *const a27_modes[] = {"namespace", "deny"};

static void a27_policy(int mode)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "[policy]\nname = a27\ncgroup = " CG "\nmode = enforce\n"
		 "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
		 "[network]\ndefault = allow\n[system]\n%suserns = allow\n",
		 mode == 0 ? "mount = namespace\n" : "");
	mn_policy_text("a27", text);
}


/* 0 done, 1 EPERM, 2 EACCES, 3 EBUSY, 4 EINVAL, 9 other */
static int a27_digit(int failed)
{
	if (!failed)
		return 0;
	switch (errno) {
	case EPERM:
		return 1;
	case EACCES:
		return 2;
	case EBUSY:
		return 3;
	case EINVAL:
		return 4;
	default:
		return 9;
	}
}

/*
 * The service's own namespace, as the service makes it: 0 unshare + rprivate; 1 unshare +
 * rslave + rshared (a systemd unit's); 2 uid 1000 user namespace + rshared.
 */
static int a27_own_ns(int how)
{
	int ret;

	if (how == 2) {
		if ((ret = become(USER)) || (ret = mn_userns(USER)))
			return ret;
		if (mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL))
			return 6300 + errno;
		return 0;
	}
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	if (how == 0)
		return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ? 6100 + errno : 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
	    mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL))
		return 6100 + errno;
	return 0;
}

static const char *const a27_ns_names[] = {"root, own ns rprivate", "root, own ns rslave+rshared",
					   "uid 1000, userns+mntns rshared"};

/* ---- 2700: MNT_FORCE on the service's own copy of a host FUSE mount ---------------------- */

#define FZ "/srv/a27f"

static int a27_fuse_mount(void)
{
	char data[128];
	int fd;

	if (access("/dev/fuse", F_OK) != 0)
		(void)system("insmod /lib/modules/fuse.ko");
	for (int i = 0; i < 50 && access("/dev/fuse", F_OK) != 0; i++)
		usleep(100 * 1000);
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	VM_CHECK(fd >= 0);
	snprintf(data, sizeof(data), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
	VM_CHECK(mount("a27fuse", FZ, "fuse", 0, data) == 0);
	return fd;
}

/* Whether the FUSE connection behind fd was aborted (its server's view: the host's too). */
static bool a27_fuse_aborted(int fd)
{
	static char buf[1 << 20];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == ENODEV || errno == ECONNABORTED))
		return true;
	return false;
}

/* The host's stat of a name in the FUSE mount, in a child with a deadline: errno or 0 or -2 on
 * timeout (a live connection with no server answers nothing). */
static int a27_host_stat_fz(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct stat st;

		alarm(3);
		_exit(stat(FZ "/x", &st) ? (errno & 0x7f) : 0);
	}
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		return -2;
	return WEXITSTATUS(status);
}

static int a27_force_service(const void *arg)
{
	int how = *(const int *)arg, ret;

	ret = a27_own_ns(how);
	if (ret >= 6000 && ret < 6100 && how != 2)
		return ret;
	/* its namespace's setup refused (mount = deny): the umount all the same */
	return ret * 1000 + (umount2(FZ, MNT_FORCE) ? 300 + errno : 0);
}

VM_TEST(a27_force_umount_of_own_copy_aborts_host_fuse, 2700)
{
	a27_failures = 0;
	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " FZ) == 0);
	for (int mode = 0; mode < 2; mode++) {
		a27_policy(mode);
		for (int how = 0; how < 3; how++) {
			int fd, control, got, hstat;
			bool c_ab, ab;
			long mark;

			if (mode == 1 && how == 1)
				continue;
			fd = a27_fuse_mount();
			control = in_cgroup(NULL, a27_force_service, &how);
			c_ab = a27_fuse_aborted(fd);
			umount2(FZ, MNT_DETACH);
			close(fd);
			fd = a27_fuse_mount();
			mark = event_mark();
			got = in_cgroup(CG, a27_force_service, &how);
			ab = a27_fuse_aborted(fd);
			hstat = a27_host_stat_fz();
			printf("#   2700 mount = %s, %s, umount2(" FZ ", MNT_FORCE): unconfined %d "
			       "(host's FUSE aborted %d), confined %d (host's FUSE aborted %d, host "
			       "stat of " FZ "/x: %d)\n", a27_modes[mode], a27_ns_names[how],
			       control, c_ab, got, ab, hstat);
			/* the route works for root (the control); uid 1000 is the kernel's EINVAL */
			VM_CHECK(how == 2 ? !c_ab : control == 0 && c_ab);
			if (mode == 0 && how != 2 && got != 300 + EPERM)
				VM_FAIL("2700 %s: %d (expected 301)", a27_ns_names[how], got);
			if (ab) {
				a27_failures++;
				printf("#   BYPASS? 2700 mount = %s, %s: the confined task aborted the "
				       "host's FUSE connection (umount_begin)\n", a27_modes[mode],
				       a27_ns_names[how]);
			}
			(void)mark;
			umount2(FZ, MNT_DETACH);
			close(fd);
		}
	}
	mn_policy_gone("a27");
	if (a27_failures)
		VM_FAIL("%d route(s) reached the host", a27_failures);
}

/* ---- 2701: setns into a namespace held by an nsfs bind, not the service's ----------------- */

#define NSD "/run/a27ns"
#define FO "/srv/a27o" /* the foreign namespace's own tmpfs, FO/keep a second, FO/x the target */

static pid_t a27_foreign;

/* The foreign namespace (another service's, persisted): private, FO and FO/keep its own. */
static pid_t a27_foreign_start(bool unchanged)
{
	int p[2];
	pid_t pid;
	char c;

	VM_CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS))
			_exit(1);
		if (!unchanged && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(2);
		if (!unchanged) {
			if (mount("tmpfs", FO, "tmpfs", 0, "mode=0755") ||
			    mkdir(FO "/keep", 0755) || mkdir(FO "/x", 0755) ||
			    mount("tmpfs", FO "/keep", "tmpfs", 0, "mode=0755"))
				_exit(3);
		}
		if (write(p[1], "r", 1) != 1)
			_exit(4);
		pause();
		_exit(0);
	}
	close(p[1]);
	VM_CHECK(read(p[0], &c, 1) == 1);
	close(p[0]);
	return pid;
}

static void a27_foreign_bind(pid_t pid)
{
	char src[64];

	snprintf(src, sizeof(src), "/proc/%d/ns/mnt", (int)pid);
	VM_CHECK(system("mkdir -p " NSD " && (grep -q ' " NSD " ' /proc/self/mountinfo || mount -t tmpfs "
			"tmpfs " NSD ") && mount --make-private " NSD " && touch " NSD "/mnt") == 0);
	VM_CHECK(mount(src, NSD "/mnt", NULL, MS_BIND, NULL) == 0);
}

static void a27_foreign_stop(pid_t pid)
{
	int status;

	umount2(NSD "/mnt", MNT_DETACH);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* Whether the foreign namespace (pid's) has a mount at point. */
static bool a27_ns_has(pid_t pid, const char *point)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "grep -q ' %s ' /proc/%d/mountinfo", point, (int)pid);
	return system(cmd) == 0;
}

struct a27_setns_op {
	int route; /* 0: the nsfs bind; 1: /proc/PID/ns/mnt; 2: the nsfs bind, a peer of the host's */
	uid_t uid;
};

/* Digits: open, setns, mount at FO/x (route 2: at /srv/a27u/x), umount FO/keep. */
static int a27_setns_service(const void *arg)
{
	const struct a27_setns_op *o = arg;
	char path[64];
	int fd, d[4], ret;

	if (o->uid && (ret = become(o->uid)))
		return ret;
	if (o->route == 1)
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)a27_foreign);
	else
		snprintf(path, sizeof(path), NSD "/mnt");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	d[0] = a27_digit(fd < 0);
	if (fd < 0)
		return d[0] * 1000 + 999;
	d[1] = a27_digit(setns(fd, CLONE_NEWNS) != 0);
	close(fd);
	if (d[1])
		return d[0] * 1000 + d[1] * 100 + 99;
	if (o->route == 2) {
		d[2] = a27_digit(mount("tmpfs", "/srv/a27u/x", "tmpfs", 0, "mode=0755"));
		d[3] = 0;
	} else {
		d[2] = a27_digit(mount("tmpfs", FO "/x", "tmpfs", 0, "mode=0755"));
		d[3] = a27_digit(umount2(FO "/keep", 0));
	}
	return ((d[0] * 10 + d[1]) * 10 + d[2]) * 10 + d[3];
}

VM_TEST(a27_setns_into_a_namespace_not_its_own, 2701)
{
	a27_failures = 0;
	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " FO " /srv/a27u") == 0);
	/* the administrator's shared tmpfs: a namespace copied with its propagation unchanged
	 * holds a peer of it (route 2) */
	VM_CHECK(mount("tmpfs", "/srv/a27u", "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, "/srv/a27u", NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(system("mkdir -p /srv/a27u/x") == 0);
	for (int mode = 0; mode < 2; mode++) {
		a27_policy(mode);
		for (int route = 0; route < 3; route++) {
			for (uid_t uid = 0; uid <= USER; uid += USER) {
				struct a27_setns_op o = {route, uid};
				int control, got;
				bool c_x, c_keep, x, keep, host;

				if (route == 2 && uid)
					continue;
				a27_foreign = a27_foreign_start(route == 2);
				a27_foreign_bind(a27_foreign);
				control = in_cgroup(NULL, a27_setns_service, &o);
				c_x = a27_ns_has(a27_foreign, route == 2 ? "/srv/a27u/x" : FO "/x");
				c_keep = a27_ns_has(a27_foreign, FO "/keep");
				host = system("grep -q ' /srv/a27u/x ' /proc/self/mountinfo") == 0;
				a27_foreign_stop(a27_foreign);
				umount2("/srv/a27u/x", MNT_DETACH);
				a27_foreign = a27_foreign_start(route == 2);
				a27_foreign_bind(a27_foreign);
				got = in_cgroup(CG, a27_setns_service, &o);
				x = a27_ns_has(a27_foreign, route == 2 ? "/srv/a27u/x" : FO "/x");
				keep = a27_ns_has(a27_foreign, FO "/keep");
				printf("#   2701 mount = %s, route %s, uid %u: digits open/setns/mount/"
				       "umount (0 done 1 EPERM 2 EACCES): unconfined %04d (foreign ns: "
				       "x mounted %d, keep kept %d; host got it %d), confined %04d "
				       "(foreign ns: x mounted %d, keep kept %d; host got it %d)\n",
				       a27_modes[mode],
				       route == 0 ? "nsfs bind" : route == 1 ? "/proc/PID/ns/mnt"
									 : "nsfs bind of a copy "
									   "sharing with the host",
				       (unsigned)uid, control, c_x, c_keep, host, got, x, keep,
				       system("grep -q ' /srv/a27u/x ' /proc/self/mountinfo") == 0);
				if (route == 2 && !uid &&
				    system("grep -q ' /srv/a27u/x ' /proc/self/mountinfo") == 0) {
					a27_failures++;
					printf("#   BYPASS? 2701: the host got the mount\n");
				}
				/* The refusal itself: root's setns into the nsfs bind is done and its
				 * mount gets EPERM (digit 3: 1); /proc/PID/ns/mnt of another's task
				 * is the kernel's EACCES at the open (2999, the unconfined uid 1000's
				 * too); uid 1000's setns the kernel's EPERM (0199, unconfined too). */
				if (route == 1 ? got != 2999
				    : uid      ? got != 199
					       : got / 1000 != 0 || (got / 100) % 10 != 0 ||
						     (got / 10) % 10 != 1)
					VM_FAIL("2701 mount = %s route %d uid %u: confined %04d, expected "
						"%s", a27_modes[mode], route, (unsigned)uid, got,
						route == 1 ? "2999" : uid ? "0199" : "00 1 x (the mount EPERM)");
				if (x || (route != 2 && !keep)) {
					a27_failures++;
					printf("#   BYPASS? 2701 mount = %s route %d uid %u: changed a "
					       "namespace not its own (mount %d, keep gone %d)\n",
					       a27_modes[mode], route, (unsigned)uid, x, !keep);
				}
				a27_foreign_stop(a27_foreign);
				umount2("/srv/a27u/x", MNT_DETACH);
			}
		}
	}
	mn_policy_gone("a27");
	umount2(NSD, MNT_DETACH);
	umount2("/srv/a27u", MNT_DETACH);
	if (a27_failures)
		VM_FAIL("%d route(s) changed a namespace not the service's", a27_failures);
}

/* ---- 2702: superblock options from the service's own namespace ---------------------------- */

#define SB "/srv/a27s"

static bool a27_ro(const char *path)
{
	struct statvfs st;

	return statvfs(path, &st) == 0 && (st.f_flag & ST_RDONLY);
}

/* The host's super options of /sys/fs/cgroup (the last field of its mountinfo line). */
static void a27_cgroup_opts(char *out, size_t size)
{
	FILE *f = popen("awk '$5 == \"/sys/fs/cgroup\" {print $NF}' /proc/self/mountinfo", "r");

	out[0] = '\0';
	if (f) {
		if (!fgets(out, (int)size, f))
			out[0] = '\0';
		pclose(f);
	}
	out[strcspn(out, "\n")] = '\0';
}

struct a27_sb_op {
	int route; /* 0 fspick ro; 1 cgroup2 mount with data; 2 debugfs ro */
	int how;   /* a27_own_ns */
	const char *data;
};

static int a27_sb_service(const void *arg)
{
	const struct a27_sb_op *o = arg;
	int ret, fs;

	if ((ret = a27_own_ns(o->how)))
		return ret;
	switch (o->route) {
	case 0:
		fs = fspick(AT_FDCWD, SB, FSPICK_CLOEXEC);
		if (fs < 0)
			return 100 + errno;
		if (fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0))
			return 200 + errno;
		ret = fsconfig(fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) ? 300 + errno : 0;
		close(fs);
		return ret;
	case 1:
		mkdir("/tmp/a27cg", 0755);
		return mount("cgroup2", "/tmp/a27cg", "cgroup2", 0, o->data) ? 300 + errno : 0;
	default:
		mkdir("/tmp/a27dbg", 0755);
		return mount("debugfs", "/tmp/a27dbg", "debugfs", MS_RDONLY, NULL) ? 300 + errno
										   : 0;
	}
}

VM_TEST(a27_superblock_options_from_own_namespace, 2702)
{
	char orig[256], data[256], now[256];
	bool have_dbg;

	a27_failures = 0;
	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " SB " /srv/a27cgr /srv/a27d") == 0);
	a27_cgroup_opts(orig, sizeof(orig));
	printf("#   2702 host cgroup2 options: %s\n", orig);
	/* The service's cgroup2 mount: its options differ from the host's either way. */
	snprintf(data, sizeof(data), "%s",
		 strstr(orig, "memory_localevents") ? "" : "memory_localevents");
	have_dbg = mount("debugfs", "/srv/a27d", "debugfs", 0, NULL) == 0;
	for (int mode = 0; mode < 2; mode++) {
		a27_policy(mode);
		for (int route = 0; route < 3; route++) {
			for (int how = 0; how < 2; how++) {
				struct a27_sb_op o = {route, how, data};
				int control, got;
				bool c_changed = false, changed = false;

				if (route == 2 && !have_dbg)
					continue;
				if (route == 0)
					VM_CHECK(mount("tmpfs", SB, "tmpfs", 0, "mode=0755") == 0);
				control = in_cgroup(NULL, a27_sb_service, &o);
				if (route == 0) {
					c_changed = a27_ro(SB);
					umount2(SB, MNT_DETACH);
					VM_CHECK(mount("tmpfs", SB, "tmpfs", 0, "mode=0755") == 0);
				} else if (route == 1) {
					a27_cgroup_opts(now, sizeof(now));
					c_changed = strcmp(now, orig) != 0;
					/* the administrator puts the options back */
					mount("cgroup2", "/srv/a27cgr", "cgroup2", 0,
					      strncmp(orig, "rw,", 3) == 0 ? orig + 3 : NULL);
					umount2("/srv/a27cgr", MNT_DETACH);
				} else {
					c_changed = a27_ro("/srv/a27d");
					mount(NULL, "/srv/a27d", NULL, MS_REMOUNT, NULL);
				}
				got = in_cgroup(CG, a27_sb_service, &o);
				if (route == 0) {
					changed = a27_ro(SB);
					umount2(SB, MNT_DETACH);
				} else if (route == 1) {
					a27_cgroup_opts(now, sizeof(now));
					changed = strcmp(now, orig) != 0;
					printf("#   2702 host cgroup2 options after: %s\n", now);
					mount("cgroup2", "/srv/a27cgr", "cgroup2", 0,
					      strncmp(orig, "rw,", 3) == 0 ? orig + 3 : NULL);
					umount2("/srv/a27cgr", MNT_DETACH);
				} else {
					changed = a27_ro("/srv/a27d");
					mount(NULL, "/srv/a27d", NULL, MS_REMOUNT, NULL);
				}
				printf("#   2702 mount = %s, %s, %s: unconfined %d (host changed %d), "
				       "confined %d (host changed %d)\n", a27_modes[mode],
				       a27_ns_names[how],
				       route == 0 ? "fspick+fsconfig(ro)+RECONFIGURE"
				       : route == 1 ? "mount cgroup2 with other root options"
						    : "mount debugfs ro (mount_single)",
				       control, c_changed, got, changed);
				VM_CHECK(control == 0 && c_changed);
				if (changed) {
					a27_failures++;
					printf("#   BYPASS? 2702: the host's superblock changed\n");
				}
			}
		}
	}
	mn_policy_gone("a27");
	if (have_dbg)
		umount2("/srv/a27d", MNT_DETACH);
	if (a27_failures)
		VM_FAIL("%d route(s) changed the host's superblock", a27_failures);
}

/* ---- 2703: propagation sequences ----------------------------------------------------------- */

#define PS "/srv/a27p" /* the administrator's shared tmpfs: a, b, c, t/ */

static bool a27_host_leak(void)
{
	return system("grep -Eq ' " PS "/[a-z0-9]+ ' /proc/self/mountinfo") == 0;
}

static volatile int a27_stop;

static void *a27_flipper(void *arg)
{
	static const unsigned long flips[] = {MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_SHARED | MS_REC,
					      MS_SLAVE | MS_REC};
	(void)arg;
	for (int i = 0; !a27_stop; i++)
		mount(NULL, PS, NULL, flips[i % 5], NULL);
	return NULL;
}

/* Each step of the sequence: a digit; the result also says which leaked (checked outside). */
static int a27_seq_service(const void *arg)
{
	int seq = *(const int *)arg, ret, tree, held, status;
	struct mount_attr attr = {0};
	pthread_t th;
	pid_t child;
	int p[2];
	char c;

	switch (seq) {
	case 0:
		/* a copy sharing with the host; a clone of PS made shared, set private with
		 * mount_setattr, moved in; then a tmpfs under it */
		if (unshare(CLONE_NEWNS))
			return 6000 + errno;
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, PS, OPEN_TREE_CLONE | AT_RECURSIVE);
		if (tree < 0)
			return 6100 + errno;
		attr.propagation = MS_PRIVATE;
		ret = a27_digit(syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
					&attr, sizeof(attr)) != 0);
		ret = ret * 10 + a27_digit(move_mount(tree, "", AT_FDCWD, PS "/t",
						      MOVE_MOUNT_F_EMPTY_PATH));
		ret = ret * 10 + a27_digit(mount("tmpfs", PS "/a", "tmpfs", 0, NULL));
		ret = ret * 10 + a27_digit(mount("tmpfs", PS "/t/a", "tmpfs", 0, NULL));
		return ret;
	case 1:
		/* own ns rslave+rshared; a nested copy with unchanged propagation held; setns back
		 * into the first through a held fd; mount, bind, umount -l */
		if ((ret = a27_own_ns(1)))
			return ret;
		held = open("/proc/self/ns/mnt", O_RDONLY);
		if (held < 0 || pipe(p))
			return 6200 + errno;
		child = fork();
		if (child == 0) {
			if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
			    write(p[1], "r", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		if (read(p[0], &c, 1) != 1)
			return 6300;
		if (unshare(CLONE_NEWNS))
			return 6400 + errno;
		ret = a27_digit(setns(held, CLONE_NEWNS) != 0);
		ret = ret * 10 + a27_digit(mount("tmpfs", PS "/a", "tmpfs", 0, NULL));
		ret = ret * 10 + a27_digit(mount(PS "/a", PS "/b", NULL, MS_BIND, NULL));
		ret = ret * 10 + a27_digit(umount2(PS "/a", MNT_DETACH));
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return ret;
	case 2:
		/* own ns private; PS made shared again; a tmpfs at PS/a while another thread flips
		 * PS's propagation */
		if ((ret = a27_own_ns(0)))
			return ret;
		a27_stop = 0;
		pthread_create(&th, NULL, a27_flipper, NULL);
		ret = 0;
		for (int i = 0; i < 300; i++) {
			if (mount("tmpfs", PS "/a", "tmpfs", 0, NULL) == 0) {
				ret |= 1;
				umount2(PS "/a", MNT_DETACH);
			} else {
				ret |= errno == EPERM ? 2 : 4;
			}
		}
		a27_stop = 1;
		pthread_join(th, NULL);
		return ret;
	case 3:
		/* pivot_root into a private copy of PS, old root lazily unmounted, mounts there */
		if ((ret = a27_own_ns(1)))
			return ret;
		if (mount(NULL, PS, NULL, MS_PRIVATE, NULL) ||
		    mount(PS "/t", PS "/t", NULL, MS_BIND, NULL) || chdir(PS "/t"))
			return 6500 + errno;
		mkdir("old", 0755);
		ret = a27_digit(syscall(SYS_pivot_root, ".", "old") != 0);
		ret = ret * 10 + a27_digit(umount2("/old", MNT_DETACH));
		return ret;
	default:
		/* the service shares its copy of PS, then makes it slave: MS_SLAVE hands the
		 * copy's slaves to a peer; then a tmpfs and an umount -l of PS */
		if (unshare(CLONE_NEWNS))
			return 6000 + errno;
		ret = a27_digit(mount(NULL, PS, NULL, MS_SLAVE, NULL));
		ret = ret * 10 + a27_digit(mount(NULL, PS, NULL, MS_SHARED, NULL));
		ret = ret * 10 + a27_digit(mount("tmpfs", PS "/c", "tmpfs", 0, NULL));
		ret = ret * 10 + a27_digit(umount2(PS, MNT_DETACH));
		return ret;
	}
}

VM_TEST(a27_propagation_sequences, 2703)
{
	a27_failures = 0;
	VM_TIMEOUT(300);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " PS) == 0);
	a27_policy(0);
	for (int seq = 0; seq < 5; seq++) {
		int control, got;
		bool c_leak, leak, c_gone, gone;

		VM_CHECK(mount("tmpfs", PS, "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(mount(NULL, PS, NULL, MS_SHARED, NULL) == 0);
		VM_CHECK(system("mkdir -p " PS "/a " PS "/b " PS "/c " PS "/t") == 0);
		control = in_cgroup(NULL, a27_seq_service, &seq);
		c_leak = a27_host_leak();
		c_gone = system("grep -q ' " PS " ' /proc/self/mountinfo") != 0;
		mn_umount_below(PS);
		umount2(PS, MNT_DETACH);
		VM_CHECK(mount("tmpfs", PS, "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(mount(NULL, PS, NULL, MS_SHARED, NULL) == 0);
		VM_CHECK(system("mkdir -p " PS "/a " PS "/b " PS "/c " PS "/t") == 0);
		got = in_cgroup(CG, a27_seq_service, &seq);
		leak = a27_host_leak();
		gone = system("grep -q ' " PS " ' /proc/self/mountinfo") != 0;
		printf("#   2703 sequence %d (root, mount = namespace): unconfined %d (host got a "
		       "mount %d, host lost " PS " %d), confined %d (host got a mount %d, lost %d)\n",
		       seq, control, c_leak, c_gone, got, leak, gone);
		if (leak || gone) {
			a27_failures++;
			(void)system("grep a27 /proc/self/mountinfo");
			printf("#   BYPASS? 2703 sequence %d reached the host\n", seq);
		}
		mn_umount_below(PS);
		umount2(PS, MNT_DETACH);
	}
	mn_policy_gone("a27");
	if (a27_failures)
		VM_FAIL("%d sequence(s) reached the host", a27_failures);
}

/* ---- 2704: a host superblock marked as the service's own by a new mount of it ------------- */

/*
 * sb_set_mnt_opts (mount.bpf.c) records every superblock a task outside the host's namespace
 * mounts in lg_ns_supers: "a filesystem made outside the host's namespace", named where that
 * namespace mounts it (lg_root_unrecorded). sysfs (one superblock per network namespace),
 * cgroup2, securityfs, debugfs are not made anew by a second mount: the host's superblock is
 * reused and recorded all the same. deny = /sys/kernel/. Digits: read of /sys/kernel/
 * uevent_seqnum in its own namespace; through a bind of /sys/kernel at KB (a root without a
 * record: fails closed); then, after a mount of sysfs at /tmp/a27sys, through a second bind
 * at KB2. 0 read, 1 EPERM.
 */
#define KB "/tmp/a27k"
#define KB2 "/tmp/a27k2"

static int a27_read_digit(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return errno == EPERM ? 1 : errno == EACCES ? 2 : 9;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 ? 0 : 8;
}

static int a27_sysfs_service(const void *arg)
{
	int d[3];

	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 6000 + errno;
	mkdir(KB, 0755);
	mkdir(KB2, 0755);
	mkdir("/tmp/a27sys", 0755);
	d[0] = a27_read_digit("/sys/kernel/uevent_seqnum");
	if (mount("/sys/kernel", KB, NULL, MS_BIND, NULL))
		return 6100 + errno;
	d[1] = a27_read_digit(KB "/uevent_seqnum");
	if (mount("sysfs", "/tmp/a27sys", "sysfs", 0, NULL))
		return 6200 + errno;
	if (mount("/sys/kernel", KB2, NULL, MS_BIND, NULL))
		return 6300 + errno;
	d[2] = a27_read_digit(KB2 "/uevent_seqnum");
	return (d[0] * 10 + d[1]) * 10 + d[2];
}

VM_TEST(a27_host_superblock_taken_for_own, 2704)
{
	int control, got;

	a27_failures = 0;
	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	mn_policy_text("a27", "[policy]\nname = a27\ncgroup = " CG "\nmode = enforce\n"
			      "[files]\ndefault = allow\ndeny = /sys/kernel/\n[exec]\ndefault = allow\n"
			      "[network]\ndefault = allow\n[system]\nmount = namespace\n");
	got = in_cgroup(CG, a27_sysfs_service, NULL);
	control = in_cgroup(NULL, a27_sysfs_service, NULL);
	printf("#   2704 root, mount = namespace, deny = /sys/kernel/: read in its namespace, "
	       "through a bind, through a bind after its own sysfs mount (0 read, 1 EPERM): "
	       "unconfined %03d, confined %03d\n", control, got);
	VM_CHECK(control == 0);
	if (got != 111)
		VM_FAIL("confined %03d (expected 111: every read refused)", got);
	mn_policy_gone("a27");
}

/* ---- 2705: the host's cgroup2 root flags cleared by the service's own cgroup2 mount -------- */

/*
 * cgroup_get_tree (6.1) applies the mount's root flags to the one cgroup2 hierarchy whenever
 * the mounting task is in the initial cgroup namespace: a mount without nsdelegate clears the
 * host's nsdelegate (systemd mounts /sys/fs/cgroup with nsdelegate,memory_recursiveprot), and
 * no sb_remount is asked. The administrator sets them first; the service mounts cgroup2 with no
 * options in its own namespace. 0 mounted, 300 + errno, 6000 + setup.
 */
static int a27_cg_clear_service(const void *arg)
{
	int how = *(const int *)arg, ret;

	if ((ret = a27_own_ns(how)))
		return ret;
	mkdir("/tmp/a27cg2", 0777);
	return mount("cgroup2", "/tmp/a27cg2", "cgroup2", 0, NULL) ? 300 + errno : 0;
}

VM_TEST(a27_host_cgroup2_flags_cleared, 2705)
{
	char orig[256], now[256];

	a27_failures = 0;
	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p /srv/a27cgr") == 0);
	a27_cgroup_opts(orig, sizeof(orig));
	a27_policy(0);
	for (int how = 0; how < 3; how++) {
		int control, got;
		bool c_cleared, cleared;

		VM_CHECK(mount("cgroup2", "/srv/a27cgr", "cgroup2", 0,
			       "nsdelegate,memory_recursiveprot") == 0);
		umount2("/srv/a27cgr", MNT_DETACH);
		control = in_cgroup(NULL, a27_cg_clear_service, &how);
		a27_cgroup_opts(now, sizeof(now));
		c_cleared = !strstr(now, "nsdelegate");
		VM_CHECK(mount("cgroup2", "/srv/a27cgr", "cgroup2", 0,
			       "nsdelegate,memory_recursiveprot") == 0);
		umount2("/srv/a27cgr", MNT_DETACH);
		a27_cgroup_opts(orig, sizeof(orig));
		got = in_cgroup(CG, a27_cg_clear_service, &how);
		a27_cgroup_opts(now, sizeof(now));
		cleared = !strstr(now, "nsdelegate");
		printf("#   2705 mount = namespace, %s, mount cgroup2 without options: host's "
		       "options before %s; unconfined %d (nsdelegate cleared %d), confined %d "
		       "(host's options after: %s, cleared %d)\n", a27_ns_names[how], orig,
		       control, c_cleared, got, now, cleared);
		VM_CHECK(how == 2 ? control == 300 + EPERM : control == 0 && c_cleared);
		if (got != 300 + EPERM)
			VM_FAIL("2705 %s: %d (expected 301)", a27_ns_names[how], got);
		if (cleared) {
			a27_failures++;
			printf("#   BYPASS? 2705: the host's cgroup2 lost nsdelegate\n");
		}
	}
	mn_policy_gone("a27");
	mount("cgroup2", "/srv/a27cgr", "cgroup2", 0, NULL);
	umount2("/srv/a27cgr", MNT_DETACH);
	if (a27_failures)
		VM_FAIL("%d route(s) changed the host's cgroup2 options", a27_failures);
}

/* ---- 2706: a cgroup v1 mount in the service's own namespace takes a controller from the host's
 * cgroup2 hierarchy (rebind_subsystems: global) ------------------------------------------- */

static void a27_read_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f) {
		if (!fgets(out, (int)size, f))
			out[0] = '\0';
		fclose(f);
	}
	out[strcspn(out, "\n")] = '\0';
}

static int a27_v1_service(const void *arg)
{
	const char *ctrl = arg;
	int ret;

	if ((ret = a27_own_ns(0)))
		return ret;
	mkdir("/tmp/a27v1", 0755);
	ret = mount("cgroup", "/tmp/a27v1", "cgroup", 0, ctrl) ? 300 + errno : 0;
	/* the controller stays bound to v1 while the hierarchy lives: the mount is kept by
	 * the superblock until its last mount goes; this namespace ends with the process, so
	 * the caller looks while the child sleeps */
	if (!ret)
		sleep(2);
	return ret;
}

VM_TEST(a27_cgroup_v1_mount_takes_a_host_controller, 2706)
{
	static const char *const wanted[] = {"misc", "rdma", "hugetlb", "perf_event", "pids"};
	char all[512], sub[512], before[512], during[512], after[512];
	const char *ctrl = NULL;

	a27_failures = 0;
	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	a27_read_line("/sys/fs/cgroup/cgroup.controllers", all, sizeof(all));
	a27_read_line("/sys/fs/cgroup/cgroup.subtree_control", sub, sizeof(sub));
	for (int i = 0; i < 5 && !ctrl; i++)
		if (strstr(all, wanted[i]) && !strstr(sub, wanted[i]))
			ctrl = wanted[i];
	printf("#   2706 host cgroup2 controllers: %s; enabled below the root: %s; taking %s\n",
	       all, sub, ctrl ? ctrl : "(none)");
	if (!ctrl)
		VM_FAIL("no unused controller to take");
	a27_policy(0);
	for (int c = 0; c < 2; c++) {
		struct in_cgroup_thread t = {0};
		int got;

		a27_read_line("/sys/fs/cgroup/cgroup.controllers", before, sizeof(before));
		VM_CHECK(in_cgroup_start(&t, c ? CG : NULL, a27_v1_service, ctrl));
		usleep(1500 * 1000);
		a27_read_line("/sys/fs/cgroup/cgroup.controllers", during, sizeof(during));
		got = in_cgroup_join(&t);
		usleep(500 * 1000);
		a27_read_line("/sys/fs/cgroup/cgroup.controllers", after, sizeof(after));
		printf("#   2706 %s, mount = namespace, root in its own namespace mounts cgroup v1 "
		       "-o %s: %d; host's cgroup.controllers before '%s', while mounted '%s', "
		       "after '%s'\n", c ? "confined" : "unconfined", ctrl, got, before, during,
		       after);
		if (!c && (got != 0 || strcmp(before, during) == 0))
			VM_FAIL("2706 control: %d, the controller not taken (the route must work)",
				got);
		if (c && got != 300 + EPERM)
			VM_FAIL("2706 confined: %d (expected 301)", got);
		if (c && strcmp(before, during) != 0) {
			a27_failures++;
			printf("#   BYPASS? 2706: the host's cgroup2 lost a controller\n");
		}
	}
	mn_policy_gone("a27");
	if (a27_failures)
		VM_FAIL("the confined mount changed the host's cgroup2 controllers");
}

/* ---- 2707: the same FUSE abort through fusectl (mount = deny: the host's fusectl mount;
 * mount = namespace: a fusectl mount of its own, the one superblock) ---------------------- */


struct a27_fc_op {
	bool own_mount; /* unshare, rprivate, mount fusectl at /tmp/a27fc */
	unsigned conn;
};

static int a27_fc_service(const void *arg)
{
	const struct a27_fc_op *o = arg;
	char path[128];
	int fd, ret;

	if (o->own_mount) {
		if ((ret = a27_own_ns(0)))
			return ret;
		mkdir("/tmp/a27fc", 0755);
		if (mount("fusectl", "/tmp/a27fc", "fusectl", 0, NULL))
			return 6500 + errno;
		snprintf(path, sizeof(path), "/tmp/a27fc/%u/abort", o->conn);
	} else {
		snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/abort", o->conn);
	}
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return 100 + errno;
	ret = write(fd, "1", 1) == 1 ? 0 : 200 + errno;
	close(fd);
	return ret;
}

/* The FUSE mount's device minor (its fusectl directory), from mountinfo: a stat of the mount
 * would wait for a server that never answers. */
static unsigned a27_fz_minor(void)
{
	FILE *f = popen("awk '$5 == \"" FZ "\" {split($3, d, \":\"); print d[2]}' "
			"/proc/self/mountinfo | tail -1", "r");
	unsigned m = 0;

	if (f) {
		if (fscanf(f, "%u", &m) != 1)
			m = 0;
		pclose(f);
	}
	return m;
}

VM_TEST(a27_fusectl_abort_of_a_host_fuse, 2707)
{
	a27_failures = 0;
	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " FZ) == 0);
	for (int mode = 0; mode < 2; mode++) {
		struct a27_fc_op o = {mode == 0, 0};
		int fd, control, got;
		bool c_ab, ab;

		a27_policy(mode);
		if (mode == 1)
			VM_CHECK(mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL) == 0);
		fd = a27_fuse_mount();
		o.conn = a27_fz_minor();
		control = in_cgroup(NULL, a27_fc_service, &o);
		c_ab = a27_fuse_aborted(fd);
		umount2(FZ, MNT_DETACH);
		close(fd);
		fd = a27_fuse_mount();
		o.conn = a27_fz_minor();
		got = in_cgroup(CG, a27_fc_service, &o);
		ab = a27_fuse_aborted(fd);
		printf("#   2707 mount = %s, root, %s, write 1 to abort of connection %u: "
		       "unconfined %d (host's FUSE aborted %d), confined %d (aborted %d)\n",
		       a27_modes[mode],
		       mode == 0 ? "fusectl mounted in its own namespace" : "the host's fusectl",
		       o.conn, control, c_ab, got, ab);
		VM_CHECK(o.conn != 0 && control == 0 && c_ab);
		if (got != 100 + EPERM)
			VM_FAIL("2707 mount = %s: %d (expected 101: the write refused)",
				a27_modes[mode], got);
		if (ab) {
			a27_failures++;
			printf("#   BYPASS? 2707 mount = %s: the confined task aborted the host's FUSE "
			       "connection\n", a27_modes[mode]);
		}
		umount2(FZ, MNT_DETACH);
		close(fd);
		if (mode == 1)
			umount2("/sys/fs/fuse/connections", MNT_DETACH);
	}
	mn_policy_gone("a27");
	if (a27_failures)
		VM_FAIL("%d route(s) aborted the host's FUSE connection", a27_failures);
}

/* ---- 2708: the administrator's mounts propagating in while the service works on them ------- */

#define PA "/srv/a27q" /* the administrator's shared tmpfs: a/ (its mounts come and go), b/, c/ */

static int a27_race_service(const void *arg)
{
	int how = *(const int *)arg, ret, done = 0;

	if ((ret = a27_own_ns(how)))
		return ret;
	for (int i = 0; i < 400; i++) {
		if (mount("tmpfs", PA "/a/z", "tmpfs", 0, NULL) == 0)
			done |= 1;
		if (mount(PA "/a", PA "/b", NULL, MS_BIND | MS_REC, NULL) == 0) {
			done |= 2;
			if (mount(PA "/b", PA "/c", NULL, MS_MOVE, NULL) == 0)
				done |= 4;
			umount2(PA "/b", MNT_DETACH);
			umount2(PA "/c", MNT_DETACH);
		}
		if (umount2(PA "/a", MNT_DETACH) == 0)
			done |= 8;
		if (mount(NULL, PA "/a", NULL, i % 2 ? MS_SLAVE : MS_SHARED, NULL) == 0)
			done |= 16;
	}
	return done;
}

VM_TEST(a27_host_mounts_propagating_in_raced, 2708)
{
	a27_failures = 0;
	VM_TIMEOUT(200);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " PA) == 0);
	VM_CHECK(mount("tmpfs", PA, "tmpfs", 0, "mode=0755") == 0);
	VM_CHECK(mount(NULL, PA, NULL, MS_SHARED, NULL) == 0);
	VM_CHECK(system("mkdir -p " PA "/a " PA "/b " PA "/c") == 0);
	a27_policy(0);
	for (int c = 0; c < 2; c++) {
		for (int how = 0; how < 3; how++) {
			struct in_cgroup_thread t = {0};
			int got, stray, ours = 0;

			VM_CHECK(in_cgroup_start(&t, c ? CG : NULL, a27_race_service, &how));
			for (int i = 0; i < 150; i++) {
				if (mount("tmpfs", PA "/a", "tmpfs", 0, "mode=0777") == 0) {
					ours++;
					mkdir(PA "/a/z", 0777);
				}
				usleep(2000);
				if (i % 3 == 0)
					umount2(PA "/a", MNT_DETACH);
			}
			got = in_cgroup_join(&t);
			/* the host's own mounts at PA/a are the administrator's; anything at PA/b,
			 * PA/c or PA/a/z came from the service */
			stray = system("grep -Eq ' " PA "/(b|c|a/z) ' /proc/self/mountinfo") == 0;
			printf("#   2708 %s, %s: administrator mounted PA/a %d times; service steps done "
			       "(1 tmpfs on a/z, 2 rbind, 4 move, 8 umount -l a, 16 propagation "
			       "flip) %d; host has a service mount %d\n",
			       c ? "confined" : "unconfined", a27_ns_names[how], ours, got, stray);
			if (stray)
				(void)system("grep a27q /proc/self/mountinfo");
			if (c && stray) {
				a27_failures++;
				printf("#   BYPASS? 2708: a service mount reached the host\n");
			}
			mn_umount_below(PA);
		}
	}
	mn_policy_gone("a27");
	umount2(PA, MNT_DETACH);
	if (a27_failures)
		VM_FAIL("%d route(s) reached the host", a27_failures);
}

/* ---- 2709: another namespace made slave while the service's copy is a peer of the host's ----- */

#define PM "/srv/a27m"
#define PM_READY "/run/a27m-ready"
#define PM_GO "/run/a27m-go"

/*
 * The service unshares (its PM a peer of the host's), then a unit's namespace U is made as
 * systemd makes one (unshare, rslave, rshared): do_make_slave gives U's copy of PM a master
 * among its peers with the same root, which may be the service's copy (the next peer in the
 * ring). The service then: a tmpfs at PM/x; MS_SLAVE of PM; MS_SHARED of PM; a tmpfs at PM/x;
 * umount PM/x; a tmpfs at PM/y. Digits (a27_digit).
 */
static int a27_order_service(const void *arg)
{
	int d[6];

	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 6000 + errno;
	write_file(PM_READY, "r", 0644);
	for (int i = 0; i < 200 && access(PM_GO, F_OK) != 0; i++)
		usleep(20 * 1000);
	d[0] = a27_digit(mount("tmpfs", PM "/x", "tmpfs", 0, NULL));
	if (!d[0])
		umount2(PM "/x", MNT_DETACH);
	d[1] = a27_digit(mount(NULL, PM, NULL, MS_SLAVE, NULL));
	d[2] = a27_digit(mount(NULL, PM, NULL, MS_SHARED, NULL));
	d[3] = a27_digit(mount("tmpfs", PM "/x", "tmpfs", 0, NULL));
	d[4] = a27_digit(umount2(PM "/x", 0));
	d[5] = a27_digit(mount("tmpfs", PM "/y", "tmpfs", 0, NULL));
	return ((((d[0] * 10 + d[1]) * 10 + d[2]) * 10 + d[3]) * 10 + d[4]) * 10 + d[5];
}

VM_TEST(a27_unit_namespace_slave_of_service_copy, 2709)
{
	a27_failures = 0;
	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p " PM) == 0);
	a27_policy(0);
	for (int c = 0; c < 2; c++) {
		struct in_cgroup_thread t = {0};
		char cmd[256];
		int got, p[2], status;
		bool host_x, u_got;
		pid_t u;
		char ch;

		VM_CHECK(mount("tmpfs", PM, "tmpfs", 0, "mode=0755") == 0);
		VM_CHECK(mount(NULL, PM, NULL, MS_SHARED, NULL) == 0);
		VM_CHECK(system("mkdir -p " PM "/x " PM "/y") == 0);
		unlink(PM_READY);
		unlink(PM_GO);
		VM_CHECK(in_cgroup_start(&t, c ? CG : NULL, a27_order_service, NULL));
		for (int i = 0; i < 200 && access(PM_READY, F_OK) != 0; i++)
			usleep(20 * 1000);
		VM_CHECK(pipe(p) == 0);
		u = fork();
		if (u == 0) {
			close(p[0]);
			if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
			    mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) || write(p[1], "r", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		close(p[1]);
		VM_CHECK(read(p[0], &ch, 1) == 1);
		close(p[0]);
		write_file(PM_GO, "g", 0644);
		got = in_cgroup_join(&t);
		host_x = system("grep -Eq ' " PM "/(x|y) ' /proc/self/mountinfo") == 0;
		snprintf(cmd, sizeof(cmd), "grep -Eq ' " PM "/(x|y) ' /proc/%d/mountinfo", (int)u);
		u_got = system(cmd) == 0;
		printf("#   2709 %s root, mount = namespace: tmpfs, slave, shared, tmpfs, umount, "
		       "tmpfs (0 done 1 EPERM) %06d; host got one %d, the unit's namespace got one "
		       "%d\n", c ? "confined" : "unconfined", got, host_x, u_got);
		if (c && (host_x || u_got)) {
			a27_failures++;
			printf("#   BYPASS? 2709: a mount reached another namespace\n");
		}
		kill(u, SIGKILL);
		waitpid(u, &status, 0);
		mn_umount_below(PM);
		umount2(PM, MNT_DETACH);
	}
	mn_policy_gone("a27");
	if (a27_failures)
		VM_FAIL("a mount reached another namespace");
}

/* ---- 2710: the new mount API's way to the host's cgroup2 options (fsopen, fsconfig) ------- */

/* fsconfig(fd, FSCONFIG_CMD_CREATE) through the ia32 entry (int $0x80 from this 64-bit
 * process; 431 in both tables): its arguments in bx, cx, dx, si, di. 0 or -1 with errno. */
static int a27_fsconfig_create_int80(int fd)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(431L), "b"((long)fd), "c"((long)FSCONFIG_CMD_CREATE), "d"(0L),
			   "S"(0L), "D"(0L)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return 0;
}

struct a27_api_op {
	const char *type;
	bool int80; /* the create through the ia32 entry */
};

/* In its own namespace (a27_own_ns, how 0): fsopen(type), fsconfig(FSCONFIG_CMD_CREATE),
 * fsmount and move_mount onto /tmp/a27api. 0 done, 100 + errno fsopen, 300 + errno create,
 * 400 + errno fsmount, 500 + errno move_mount. */
static int a27_api_service(const void *arg)
{
	const struct a27_api_op *o = arg;
	int ret, fs, mnt;

	if ((ret = a27_own_ns(0)))
		return ret;
	mkdir("/tmp/a27api", 0755);
	fs = fsopen(o->type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return 100 + errno;
	if (o->int80 ? a27_fsconfig_create_int80(fs)
		     : fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		ret = 300 + errno;
		close(fs);
		return ret;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	close(fs);
	if (mnt < 0)
		return 400 + errno;
	ret = move_mount(mnt, "", AT_FDCWD, "/tmp/a27api", MOVE_MOUNT_F_EMPTY_PATH) ? 500 + errno
										     : 0;
	close(mnt);
	return ret;
}

/*
 * 2710. The same change as 2705 by the new mount API: fsopen("cgroup2") and
 * fsconfig(FSCONFIG_CMD_CREATE) with no options, root with mount = namespace in a private
 * namespace of its own: the create is refused (EPERM at its CAP_SYS_ADMIN check, 301), the
 * host's nsdelegate and memory_recursiveprot kept; the unconfined control clears them. A tmpfs
 * by the same calls is done (the API stays open under namespace).
 */
VM_TEST(a27_host_cgroup2_flags_by_fsconfig, 2710)
{
	static const struct a27_api_op cg = {"cgroup2", false}, cg80 = {"cgroup2", true};
	static const struct a27_api_op tmpfs = {"tmpfs", false};
	char now[256];
	int control, got, got80, tmp;
	bool c_cleared, cleared, cleared80;
	long mark;

	VM_TIMEOUT(120);
	mn_setup_plain(CG);
	VM_CHECK(system("mkdir -p /srv/a27cgr") == 0);
	a27_policy(0);
	VM_CHECK(mount("cgroup2", "/srv/a27cgr", "cgroup2", 0, "nsdelegate,memory_recursiveprot") ==
		 0);
	umount2("/srv/a27cgr", MNT_DETACH);
	control = in_cgroup(NULL, a27_api_service, &cg80);
	a27_cgroup_opts(now, sizeof(now));
	c_cleared = !strstr(now, "nsdelegate");
	VM_CHECK(mount("cgroup2", "/srv/a27cgr", "cgroup2", 0, "nsdelegate,memory_recursiveprot") ==
		 0);
	umount2("/srv/a27cgr", MNT_DETACH);
	mark = event_mark();
	got = in_cgroup(CG, a27_api_service, &cg);
	a27_cgroup_opts(now, sizeof(now));
	cleared = !strstr(now, "nsdelegate");
	got80 = in_cgroup(CG, a27_api_service, &cg80);
	a27_cgroup_opts(now, sizeof(now));
	cleared80 = !strstr(now, "nsdelegate");
	tmp = in_cgroup(CG, a27_api_service, &tmpfs);
	printf("#   2710 fsopen(cgroup2) + FSCONFIG_CMD_CREATE in its own namespace: unconfined "
	       "(the create by int $0x80) %d (nsdelegate cleared %d), confined %d (cleared %d), "
	       "by int $0x80 %d (cleared %d; host's options after: %s); a tmpfs by the same "
	       "calls: %d\n", control, c_cleared, got, cleared, got80, cleared80, now, tmp);
	VM_CHECK(control == 0 && c_cleared);
	if (got != 300 + EPERM || cleared || got80 != 300 + EPERM || cleared80)
		VM_FAIL("cgroup2 by fsconfig: %d, cleared %d; by int $0x80: %d, cleared %d "
			"(expected 301, kept)", got, cleared, got80, cleared80);
	if (tmp != 0)
		VM_FAIL("a tmpfs by fsopen and fsconfig: %d (expected 0)", tmp);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a27\"", "\"hook\":\"capable\"",
			   MOUNT_SOURCE, "\"path\":\"fsconfig\"");
	mn_policy_gone("a27");
	mount("cgroup2", "/srv/a27cgr", "cgroup2", 0, NULL);
	umount2("/srv/a27cgr", MNT_DETACH);
}

/* ---- 2711: one policy's namespaces cannot push another policy's out ----------------------- */

#define CG2 "/lgt/a27b"
#define NS_SHARE 1024 /* LG_MOUNT_NS_PER_POLICY */

/* In a namespace of its own: unshare, "/" private, a tmpfs on /mnt. 100 + errno of the
 * unshare, 200 + errno of the propagation change, 300 + errno of the mount, or 0. */
static int a27_ns_mount(const void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 100 + errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 200 + errno;
	if (mount("tmpfs", "/mnt", "tmpfs", 0, "mode=0755"))
		return 300 + errno;
	return 0;
}

/* In CG: NS_SHARE children, each in a namespace of its own until the gate (arg: its two ends)
 * closes. The count of those whose unshare failed. */
static int a27_ns_hold(const void *arg)
{
	int gate = ((const int *)arg)[0], ready[2], failed = 0;

	close(((const int *)arg)[1]); /* the test's alone: the holders see its close */

	if (pipe(ready))
		return -1;
	for (int i = 0; i < NS_SHARE; i++) {
		pid_t pid = fork();
		char c;

		if (pid < 0)
			return -2;
		if (pid == 0) {
			c = unshare(CLONE_NEWNS) ? 1 : 0;
			(void)!write(ready[1], &c, 1);
			(void)!read(gate, &c, 1); /* until the test closes the gate */
			_exit(0);
		}
	}
	for (int i = 0; i < NS_SHARE; i++) {
		char c = 1;

		if (read(ready[0], &c, 1) != 1 || c)
			failed++;
	}
	return failed;
}

/*
 * A policy's tasks hold NS_SHARE namespaces of their own (root, mount = namespace): the next
 * one they make is not recorded as theirs, so its propagation change is refused (EPERM),
 * while another policy's service still mounts in a namespace of its own (its record not pushed
 * out of the shared table); once the namespaces go, the first policy's next one is its own.
 */
VM_TEST(a27_namespaces_share_per_policy, 2711)
{
	int gate[2], held, control, past, other, after;

	VM_TIMEOUT(300);
	mn_setup_plain(CG);
	make_cgroup(CG2);
	a27_policy(0);
	mn_policy_text("a27b", "[policy]\nname = a27b\ncgroup = " CG2 "\nmode = enforce\n"
			       "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
			       "[network]\ndefault = allow\n[system]\nmount = namespace\n");
	control = in_cgroup(NULL, a27_ns_mount, NULL);
	VM_CHECK(pipe(gate) == 0);
	held = in_cgroup(CG, a27_ns_hold, gate);
	close(gate[0]);
	past = in_cgroup(CG, a27_ns_mount, NULL);
	other = in_cgroup(CG2, a27_ns_mount, NULL);
	close(gate[1]);
	usleep(1500 * 1000); /* the holders exit, their namespaces go */
	after = in_cgroup(CG, a27_ns_mount, NULL);
	printf("#   2711 unconfined %d; %d namespaces held by a27's tasks (%d failed); the next: %d; "
	       "a27b's: %d; a27's after they went: %d\n",
	       control, NS_SHARE, held, past, other, after);
	VM_CHECK(control == 0);
	VM_CHECK(held == 0);
	if (past != 200 + EPERM)
		VM_FAIL("2711: a27's namespace past its share: %d, expected %d (its propagation "
			"change refused)", past, 200 + EPERM);
	if (other != 0)
		VM_FAIL("2711: a27b's own namespace: %d, expected 0 (pushed out by a27's)", other);
	if (after != 0)
		VM_FAIL("2711: a27's namespace after its holders went: %d, expected 0", after);
	mn_policy_gone("a27b");
	mn_policy_gone("a27");
}
