// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mounts and namespaces made by confined tasks (bpf_lsm/mount.bpf.c) and the setup window
 * (bpf_lsm/setup.bpf.c). Every route is tried from a confined cgroup and from none, as root and
 * as uid 1000, with the exact errno; an audit-mode policy logs and lets it through; the opt-ins
 * ([system] userns = allow, mount = namespace | allow) reopen exactly what they say.
 *
 * The unconfined controls of mount operations run in a private mount namespace of their own
 * (unshare(CLONE_NEWNS), which needs no hook): they prove the operation works without
 * lsmguard, and leave the test VM's mounts alone. The confined attempts are made in the host's
 * namespace, which is what mount = deny and mount = namespace refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "vmtest.h"
#include "attempts.h"
#include "vmutil.h"

#define NS "/lgt/ns"
#define NS_AUDIT "/lgt/ns-audit"
#define NS_OPTIN "/lgt/ns-optin"
#define NS_ALLOW "/lgt/ns-allow"
#define D "/tmp/ns"
#define USER 1000

#define NS_RULES                                                                                   \
	"[files]\ndefault = allow\ndeny = " D "/secret/\n"                                         \
	"[exec]\ndefault = allow\n"

static const char ns_policy[] = "[policy]\nname = ns\ncgroup = " NS "\nmode = enforce\n" NS_RULES;
static const char ns_audit_policy[] =
    "[policy]\nname = ns-audit\ncgroup = " NS_AUDIT "\nmode = audit\n" NS_RULES;
static const char ns_optin_policy[] =
    "[policy]\nname = ns-optin\ncgroup = " NS_OPTIN "\nmode = enforce\n" NS_RULES
    "[system]\nuserns = allow\nmount = namespace\ncgroups = delegate\n";
static const char ns_allow_policy[] = "[policy]\nname = ns-allow\ncgroup = " NS_ALLOW
				      "\nmode = enforce\n" NS_RULES "[system]\nmount = allow\n";

#define SRC_USERNS                                                                                 \
	"\"source\":\"built-in: a confined task cannot create user namespaces unless its policy "  \
	"says [system] userns = allow\""
#define SRC_MOUNT MOUNT_SOURCE
#define SRC_DEVICES                                                                                \
	"\"source\":\"built-in: a confined task cannot create device nodes, or open them "         \
	"through overlayfs, unless its policy says [system] devices = allow\""

/*
 * The directories and mounts of this file, made once by the unconfined suite: pre (a tmpfs to
 * move, remount, unmount), robind (a read-only bind mount of src), shared (a shared tmpfs).
 */
static void ns_setup(void)
{
	if (access(POLICY_DIR "/ns.ini", F_OK) == 0)
		return;
	VM_CHECK(
	    system("mkdir -p " D "/mnt " D "/src " D "/pre " D "/robind " D "/secret " D
		   "/shared " D "/dev " D "/up " D "/work && echo secret >" D "/secret/key && "
		   "chmod -R 0777 " D " && mount -t tmpfs ns-pre " D "/pre && mkdir " D
		   "/pre/old && mount --bind " D "/src " D "/robind && mount -o remount,bind,ro " D
		   "/robind && mount -t tmpfs ns-shared " D "/shared && mkdir " D "/shared/x && "
		   "mount --make-shared " D "/shared") == 0);
	write_file(POLICY_DIR "/ns.ini", ns_policy, 0644);
	write_file(POLICY_DIR "/ns-audit.ini", ns_audit_policy, 0644);
	write_file(POLICY_DIR "/ns-optin.ini", ns_optin_policy, 0644);
	write_file(POLICY_DIR "/ns-allow.ini", ns_allow_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum ns_op {
	OP_UNSHARE_USER, /* unshare(CLONE_NEWUSER) */
	OP_CLONE_USER,	 /* clone(CLONE_NEWUSER) */
	OP_CLONE3_USER,	 /* clone3({.flags = CLONE_NEWUSER}) */
	OP_VFORK_USER,	 /* clone(CLONE_VFORK | CLONE_VM | CLONE_NEWUSER) */
	OP_MOUNT_TMPFS,
	OP_MOUNT_BIND,
	OP_MOUNT_RBIND,
	OP_MOUNT_MOVE,	     /* MS_MOVE of pre onto mnt */
	OP_REMOUNT,	     /* MS_REMOUNT of pre's superblock (unchanged options) */
	OP_REMOUNT_BIND_RW,  /* MS_REMOUNT | MS_BIND: robind writable again */
	OP_MAKE_PRIVATE,     /* propagation: MS_PRIVATE */
	OP_MAKE_SHARED,	     /* propagation: MS_SHARED */
	OP_NEW_API_MOUNT,    /* fsopen, fsconfig(CREATE), fsmount, move_mount onto mnt */
	OP_OPEN_TREE_CLONE,  /* open_tree(OPEN_TREE_CLONE) */
	OP_OPEN_TREE_MOVE,   /* open_tree (no clone) of pre, then move_mount of it onto mnt */
	OP_MOUNT_SETATTR_RW, /* mount_setattr: clear MOUNT_ATTR_RDONLY of robind */
	OP_FSPICK,	     /* fspick of pre */
	OP_UMOUNT,	     /* umount2(pre, 0) */
	OP_UMOUNT_DETACH,    /* umount2(pre, MNT_DETACH) */
	OP_PIVOT_ROOT,	     /* in a private mount namespace: pivot_root(pre, pre/old) */
	OP_OVERLAY_CHAIN,    /* the issue: userns + mount ns, overlayfs with a denied lower layer */
	OP_TMPFS_CHAIN,	     /* the issue: userns + mount ns, tmpfs, a program copied in, run */
	OP_USERNS_MOUNT,     /* userns + mount ns, made private, tmpfs mounted */
	OP_NS_REMOUNT_SB,    /* root: private mount ns, then MS_REMOUNT of pre's superblock */
	OP_NS_MOUNT_SHARED,  /* root: private mount ns, tmpfs under the shared mount */
	OP_NS_PRIVATE_MOUNT, /* root: private mount ns made private, tmpfs under shared, new API */
	OP_FORK_UNSHARE_USER, /* a child of the task tries unshare(CLONE_NEWUSER) */
	OP_MKNOD_CHR,	      /* mknod of a character device (1:3) in D/dev */
	OP_MOVE_WITHIN,	      /* write the own pid into the own cgroup's "sub" child */
	OP_PULL_OUTSIDER,     /* write ns_outsider's pid into the own cgroup */
	OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
    "unshare(CLONE_NEWUSER)",
    "clone(CLONE_NEWUSER)",
    "clone3(CLONE_NEWUSER)",
    "vfork-clone(CLONE_NEWUSER)",
    "mount tmpfs",
    "mount MS_BIND",
    "mount MS_BIND|MS_REC",
    "mount MS_MOVE",
    "mount MS_REMOUNT",
    "mount MS_REMOUNT|MS_BIND (rw)",
    "mount MS_PRIVATE",
    "mount MS_SHARED",
    "fsopen+fsconfig+fsmount+move_mount",
    "open_tree(OPEN_TREE_CLONE)",
    "open_tree+move_mount",
    "mount_setattr(clear RDONLY)",
    "fspick",
    "umount2",
    "umount2(MNT_DETACH)",
    "pivot_root",
    "overlayfs chain",
    "tmpfs chain",
    "userns + tmpfs",
    "namespace: remount superblock",
    "namespace: mount under shared",
    "namespace: made private, then mount",
    "fork, child unshare(CLONE_NEWUSER)",
    "mknod(S_IFCHR 1:3)",
    "move itself within its cgroups",
    "pull a process from outside in",
};

/* The process OP_PULL_OUTSIDER pulls: an unconfined sleeper the test starts. */
static pid_t ns_outsider;

/* Write text into a cgroup.procs under the current task's own cgroup (sub: of its child). */
static int write_own_cgroup_procs(const char *sub, long pid)
{
	char cg[256] = "", path[512], text[32];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int fd, n;

	if (!f || !fgets(cg, sizeof(cg), f) || strncmp(cg, "0::", 3) != 0) {
		if (f)
			fclose(f);
		return 230;
	}
	fclose(f);
	cg[strcspn(cg, "\n")] = '\0';
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s%s/cgroup.procs", cg + 3, sub);
	n = snprintf(text, sizeof(text), "%ld", pid);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, text, (size_t)n) == n ? 0 : errno;
	close(fd);
	return n;
}

struct ns_arg {
	enum ns_op op;
	uid_t uid;
	bool private_ns; /* unshare(CLONE_NEWNS) first (root only): the controls */
};

static int user_ns_child(void *arg)
{
	(void)arg;
	_exit(0);
}

static int wait_child(long pid)
{
	int status;

	if (pid < 0)
		return errno;
	if (waitpid((pid_t)pid, &status, __WALL) != (pid_t)pid)
		return 210;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 211;
}

/* Map the caller's uid to root in the user namespace it has just made. */
static int map_self(uid_t uid)
{
	char text[64];
	int fd;

	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd < 0 || write(fd, "deny", 4) != 4)
		return 220;
	close(fd);
	snprintf(text, sizeof(text), "0 %u 1", uid);
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return 221;
	close(fd);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return 222;
	close(fd);
	return 0;
}

static int new_api_mount(const char *target)
{
	int fs, mnt;

	fs = fsopen("tmpfs", 0);
	if (fs < 0)
		return errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return errno;
	mnt = fsmount(fs, 0, 0);
	if (mnt < 0)
		return errno;
	return move_mount(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) ? errno : 0;
}

/* The chains of the issue, as an unprivileged user: each step's errno, the first that fails. */
static int chain(bool overlay, bool only_mount, uid_t uid)
{
	char lower[64];
	pid_t pid;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return errno;
	if (map_self(uid))
		return 230;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return errno;
	if (!overlay && only_mount)
		return mount("tmpfs", D "/mnt", "tmpfs", 0, NULL) ? errno : 0;
	if (!overlay) {
		if (mount("tmpfs", D "/mnt", "tmpfs", 0, NULL))
			return errno;
		if (system("cp /bin/busybox " D "/mnt/sh"))
			return 231;
		pid = fork();
		if (pid == 0) {
			execl(D "/mnt/sh", "sh", "-c", "true", (char *)NULL);
			_exit(232);
		}
		return wait_child(pid);
	}
	snprintf(lower, sizeof(lower), "lowerdir=%s:%s", D "/secret", D "/src");
	if (mount("overlay", D "/mnt", "overlay", 0, lower))
		return errno;
	return access(D "/mnt/key", F_OK) ? 233 : 0;
}

static int do_ns_op(const void *varg)
{
	const struct ns_arg *a = varg;
	struct clone_args cargs = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	struct mount_attr attr = {.attr_clr = MOUNT_ATTR_RDONLY};
	static char stack[16384];
	int fd, ret = 0;

	if (a->private_ns && unshare(CLONE_NEWNS))
		return 200;
	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 201;
	/* The uid change made the task undumpable: its /proc/self/uid_map would be root's. */
	if (a->uid && prctl(PR_SET_DUMPABLE, 1))
		return 203;
	errno = 0;
	switch (a->op) {
	case OP_UNSHARE_USER:
		ret = unshare(CLONE_NEWUSER);
		break;
	case OP_CLONE_USER:
		return wait_child(
		    clone(user_ns_child, stack + sizeof(stack), CLONE_NEWUSER | SIGCHLD, NULL));
	case OP_CLONE3_USER: {
		long pid = syscall(SYS_clone3, &cargs, sizeof(cargs));

		if (pid == 0)
			_exit(0);
		return wait_child(pid);
	}
	case OP_VFORK_USER:
		return wait_child(clone(user_ns_child, stack + sizeof(stack),
					CLONE_VFORK | CLONE_VM | CLONE_NEWUSER | SIGCHLD, NULL));
	case OP_MOUNT_TMPFS:
		ret = mount("tmpfs", D "/mnt", "tmpfs", 0, NULL);
		break;
	case OP_MOUNT_BIND:
		ret = mount(D "/src", D "/mnt", NULL, MS_BIND, NULL);
		break;
	case OP_MOUNT_RBIND:
		ret = mount(D "/src", D "/mnt", NULL, MS_BIND | MS_REC, NULL);
		break;
	case OP_MOUNT_MOVE:
		ret = mount(D "/pre", D "/mnt", NULL, MS_MOVE, NULL);
		break;
	case OP_REMOUNT:
		ret = mount(NULL, D "/pre", NULL, MS_REMOUNT, NULL);
		break;
	case OP_REMOUNT_BIND_RW:
		ret = mount(NULL, D "/robind", NULL, MS_REMOUNT | MS_BIND, NULL);
		break;
	case OP_MAKE_PRIVATE:
		ret = mount(NULL, D "/pre", NULL, MS_PRIVATE, NULL);
		break;
	case OP_MAKE_SHARED:
		ret = mount(NULL, D "/pre", NULL, MS_SHARED, NULL);
		break;
	case OP_NEW_API_MOUNT:
		return new_api_mount(D "/mnt");
	case OP_OPEN_TREE_CLONE:
		ret = open_tree(AT_FDCWD, D "/src", OPEN_TREE_CLONE);
		break;
	case OP_OPEN_TREE_MOVE:
		fd = open_tree(AT_FDCWD, D "/pre", 0);
		if (fd < 0)
			return 240;
		ret = move_mount(fd, "", AT_FDCWD, D "/mnt", MOVE_MOUNT_F_EMPTY_PATH);
		break;
	case OP_MOUNT_SETATTR_RW:
		ret = mount_setattr(AT_FDCWD, D "/robind", 0, &attr, sizeof(attr));
		break;
	case OP_FSPICK:
		ret = fspick(AT_FDCWD, D "/pre", 0);
		break;
	case OP_UMOUNT:
		ret = umount2(D "/pre", 0);
		break;
	case OP_UMOUNT_DETACH:
		ret = umount2(D "/pre", MNT_DETACH);
		break;
	case OP_PIVOT_ROOT:
		if (unshare(CLONE_NEWNS))
			return errno;
		ret = (int)syscall(SYS_pivot_root, D "/pre", D "/pre/old");
		break;
	case OP_OVERLAY_CHAIN:
	case OP_TMPFS_CHAIN:
		return chain(a->op == OP_OVERLAY_CHAIN, false, a->uid);
	case OP_USERNS_MOUNT:
		return chain(false, true, a->uid);
	case OP_NS_REMOUNT_SB:
		if (unshare(CLONE_NEWNS))
			return errno;
		ret = mount(NULL, D "/pre", NULL, MS_REMOUNT, NULL);
		break;
	case OP_NS_MOUNT_SHARED:
		if (unshare(CLONE_NEWNS))
			return errno;
		ret = mount("tmpfs", D "/shared/x", "tmpfs", 0, NULL);
		break;
	case OP_NS_PRIVATE_MOUNT:
		if (unshare(CLONE_NEWNS))
			return errno;
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return errno;
		if (mount("tmpfs", D "/shared/x", "tmpfs", 0, NULL))
			return errno;
		return new_api_mount(D "/mnt");
	case OP_FORK_UNSHARE_USER: {
		pid_t pid = fork();
		int status;

		if (pid == 0)
			_exit(unshare(CLONE_NEWUSER) ? errno : 0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return 212;
		return WEXITSTATUS(status); /* the child's errno */
	}
	case OP_MKNOD_CHR:
		ret = mknod(D "/dev/null-copy", S_IFCHR | 0666, makedev(1, 3));
		if (ret == 0)
			unlink(D "/dev/null-copy");
		break;
	case OP_MOVE_WITHIN:
		return write_own_cgroup_procs("/sub", getpid());
	case OP_PULL_OUTSIDER:
		return write_own_cgroup_procs("", ns_outsider);
	case OP_COUNT:
		return 202;
	}
	return ret < 0 ? errno : 0;
}

static int ns_try(const char *cgroup, enum ns_op op, uid_t uid, bool private_ns)
{
	struct ns_arg a = {.op = op, .uid = uid, .private_ns = private_ns};

	return in_cgroup(cgroup, do_ns_op, &a);
}

/* Undo what an operation that went through did to the host's mounts. */
static void ns_restore(enum ns_op op)
{
	switch (op) {
	case OP_MOUNT_TMPFS:
	case OP_MOUNT_BIND:
	case OP_MOUNT_RBIND:
	case OP_NEW_API_MOUNT:
		VM_CHECK(umount2(D "/mnt", MNT_DETACH) == 0);
		break;
	case OP_MOUNT_MOVE:
	case OP_OPEN_TREE_MOVE:
		VM_CHECK(mount(D "/mnt", D "/pre", NULL, MS_MOVE, NULL) == 0);
		break;
	case OP_REMOUNT_BIND_RW:
	case OP_MOUNT_SETATTR_RW:
		VM_CHECK(mount(NULL, D "/robind", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) ==
			 0);
		break;
	case OP_MAKE_SHARED:
		VM_CHECK(mount(NULL, D "/pre", NULL, MS_PRIVATE, NULL) == 0);
		break;
	case OP_UMOUNT:
	case OP_UMOUNT_DETACH:
		VM_CHECK(mount("ns-pre", D "/pre", "tmpfs", 0, NULL) == 0 &&
			 mkdir(D "/pre/old", 0755) == 0);
		break;
	default:
		break;
	}
}

/* Each route, with the hook that refuses it and the path its event reports. */
static const struct route {
	enum ns_op op;
	const char *hook;
	const char *path;
	bool userns; /* a user namespace route (uid 1000 reaches the hook) */
} routes[] = {
    {OP_UNSHARE_USER, "userns_create", "user namespace", true},
    {OP_CLONE_USER, "userns_create", "user namespace", true},
    {OP_CLONE3_USER, "userns_create", "user namespace", true},
    {OP_VFORK_USER, "userns_create", "user namespace", true},
    {OP_MOUNT_TMPFS, "sb_mount", D "/mnt", false},
    {OP_MOUNT_BIND, "sb_mount", D "/mnt", false},
    {OP_MOUNT_RBIND, "sb_mount", D "/mnt", false},
    {OP_MOUNT_MOVE, "sb_mount", D "/mnt", false},
    {OP_REMOUNT, "sb_mount", D "/pre", false},
    /* A bind mount is reported at its root's own path (the walk's canonical name). */
    {OP_REMOUNT_BIND_RW, "sb_mount", D "/src", false},
    {OP_MAKE_PRIVATE, "sb_mount", D "/pre", false},
    {OP_MAKE_SHARED, "sb_mount", D "/pre", false},
    {OP_NEW_API_MOUNT, "capable", "fsopen", false},
    {OP_OPEN_TREE_CLONE, "capable", "open_tree(OPEN_TREE_CLONE)", false},
    {OP_OPEN_TREE_MOVE, "move_mount", D "/mnt", false},
    {OP_MOUNT_SETATTR_RW, "capable", "mount_setattr", false},
    {OP_FSPICK, "capable", "fspick", false},
    {OP_UMOUNT, "sb_umount", D "/pre", false},
    {OP_UMOUNT_DETACH, "sb_umount", D "/pre", false},
    {OP_PIVOT_ROOT, "sb_pivotroot", D "/pre", false},
};
#define ROUTE_COUNT (sizeof(routes) / sizeof(routes[0]))

static void expect_route_event(long mark, const char *policy, const char *event,
			       const struct route *r, uid_t uid)
{
	char want_policy[64], want_hook[64], want_path[128], want_uid[32];

	snprintf(want_policy, sizeof(want_policy), "\"policy\":\"%s\"", policy);
	snprintf(want_hook, sizeof(want_hook), "\"hook\":\"%s\"", r->hook);
	snprintf(want_path, sizeof(want_path), "\"path\":\"%s\"", r->path);
	snprintf(want_uid, sizeof(want_uid), "\"uid\":%u", uid);
	EXPECT_EVENT_AFTER(mark, event, want_policy, want_hook, want_path, want_uid,
			   r->userns ? SRC_USERNS : SRC_MOUNT);
}

/* A confined root: every route EPERM, each with its hook's event. */
VM_TEST(namespaces_routes_confined_root, 180)
{
	ns_setup();
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		const struct route *r = &routes[i];
		long mark = event_mark();
		int got = ns_try(NS, r->op, 0, false);

		if (got != EPERM)
			VM_FAIL("%s as root under ns: %d (%s), expected EPERM", op_names[r->op],
				got, got > 0 ? strerror(got) : "-");
		expect_route_event(mark, "ns", "\"event\":\"deny\"", r, 0);
	}
}

/*
 * A confined uid 1000: the user namespace routes are refused by lsmguard (Debian lets any user
 * make one); the mount routes by the kernel too (no CAP_SYS_ADMIN), and without a user
 * namespace there is no other way to get it. mount(2) asks lsmguard first (6.1's path_mount
 * calls security_sb_mount before may_mount), so those carry lsmguard's event; the others stop
 * at the kernel's capability check before their hook.
 */
VM_TEST(namespaces_routes_confined_user, 181)
{
	ns_setup();
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		const struct route *r = &routes[i];
		long mark = event_mark();
		int got = ns_try(NS, r->op, USER, false);

		if (got != EPERM)
			VM_FAIL("%s as uid 1000 under ns: %d (%s), expected EPERM", op_names[r->op],
				got, got > 0 ? strerror(got) : "-");
		if (r->userns || strcmp(r->hook, "sb_mount") == 0)
			expect_route_event(mark, "ns", "\"event\":\"deny\"", r, USER);
	}
}

/* The controls: the same routes under no policy (mounts in a private namespace). */
VM_TEST(namespaces_routes_unconfined, 182)
{
	ns_setup();
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		const struct route *r = &routes[i];
		/* pivot_root of the initramfs's rootfs: the kernel's EINVAL, after the hook. */
		int want = r->op == OP_PIVOT_ROOT ? EINVAL : 0;
		int got = ns_try(NULL, r->op, 0, !r->userns);

		if (got != want)
			VM_FAIL("%s as root, no policy: %d (%s), expected %s", op_names[r->op], got,
				got > 0 ? strerror(got) : "-", want ? strerror(want) : "success");
		if (r->userns)
			VM_CHECK(ns_try(NULL, r->op, USER, false) == 0);
		else
			VM_CHECK(ns_try(NULL, r->op, USER, false) == EPERM); /* the kernel's */
	}
}

/* Audit mode: logged with "event":"audit", and the operation goes through. */
VM_TEST(namespaces_routes_audit_mode, 183)
{
	ns_setup();
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		const struct route *r = &routes[i];
		int want = r->op == OP_PIVOT_ROOT ? EINVAL : 0;
		long mark = event_mark();
		int got = ns_try(NS_AUDIT, r->op, 0, false);

		if (got != want)
			VM_FAIL("%s as root under ns-audit: %d (%s), expected %s", op_names[r->op],
				got, got > 0 ? strerror(got) : "-",
				want ? strerror(want) : "success");
		expect_route_event(mark, "ns-audit", "\"event\":\"audit\"", r, 0);
		if (got == 0)
			ns_restore(r->op);
	}
	/* uid 1000 makes its user namespace too, logged. */
	long mark = event_mark();

	VM_CHECK(ns_try(NS_AUDIT, OP_UNSHARE_USER, USER, false) == 0);
	expect_route_event(mark, "ns-audit", "\"event\":\"audit\"", &routes[0], USER);
}

/* The issue's chains as an unprivileged confined user: they break at the user namespace. */
VM_TEST(namespaces_issue_chains_refused, 184)
{
	long mark;

	ns_setup();
	mark = event_mark();
	VM_CHECK(ns_try(NS, OP_OVERLAY_CHAIN, USER, false) == EPERM);
	VM_CHECK(ns_try(NS, OP_TMPFS_CHAIN, USER, false) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"ns\"", "\"hook\":\"userns_create\"",
			   "\"path\":\"user namespace\"", "\"uid\":1000", SRC_USERNS);
	/* Controls: under no policy the tmpfs chain runs its copied program; the overlay chain
	 * gets past its user and mount namespaces to the overlay mount, which this VM's
	 * initramfs (no overlay module) answers with ENODEV. */
	int tmpfs = ns_try(NULL, OP_TMPFS_CHAIN, USER, false);
	int overlay = ns_try(NULL, OP_OVERLAY_CHAIN, USER, false);

	if (tmpfs != 0 || (overlay != 0 && overlay != ENODEV))
		VM_FAIL("no policy: tmpfs chain %d, overlay chain %d", tmpfs, overlay);
}

/*
 * userns = allow, mount = namespace: the chains' user namespace and mounts in it are allowed;
 * the host's namespace is not; nor a superblock's remount (shared with the host), nor a mount
 * that would propagate to the host's peers, until the namespace is made private.
 */
VM_TEST(namespaces_optin_namespace, 185)
{
	long mark;

	ns_setup();
	VM_CHECK(ns_try(NS_OPTIN, OP_UNSHARE_USER, USER, false) == 0);
	VM_CHECK(ns_try(NS_OPTIN, OP_CLONE3_USER, 0, false) == 0);
	VM_CHECK(ns_try(NS_OPTIN, OP_USERNS_MOUNT, USER, false) == 0);
	VM_CHECK(ns_try(NS_OPTIN, OP_USERNS_MOUNT, 0, false) == 0);
	VM_CHECK(ns_try(NS_OPTIN, OP_NS_PRIVATE_MOUNT, 0, false) == 0);
	VM_CHECK(ns_try(NS_OPTIN, OP_PIVOT_ROOT, 0, false) == EINVAL); /* past the hook */

	mark = event_mark();
	VM_CHECK(ns_try(NS_OPTIN, OP_MOUNT_TMPFS, 0, false) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns-optin\"",
			   "\"hook\":\"sb_mount\"", "\"path\":\"" D "/mnt\"", SRC_MOUNT);
	mark = event_mark();
	VM_CHECK(ns_try(NS_OPTIN, OP_NEW_API_MOUNT, 0, false) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"ns-optin\"", "\"hook\":\"capable\"",
			   "\"path\":\"fsopen\"", SRC_MOUNT);
	mark = event_mark();
	VM_CHECK(ns_try(NS_OPTIN, OP_NS_REMOUNT_SB, 0, false) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"ns-optin\"", "\"hook\":\"sb_remount\"",
			   "\"path\":\"" D "/pre\"", SRC_MOUNT);
	mark = event_mark();
	VM_CHECK(ns_try(NS_OPTIN, OP_NS_MOUNT_SHARED, 0, false) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"ns-optin\"", "\"hook\":\"sb_mount\"",
			   "\"path\":\"" D "/shared/x\"", SRC_MOUNT);
	/* Nothing reached the host: no tmpfs on shared/x. */
	VM_CHECK(system("grep -q ' " D "/shared/x ' /proc/self/mountinfo") != 0);
	/* Control: without lsmguard, the shared mount's copy does reach the host. */
	VM_CHECK(ns_try(NULL, OP_NS_MOUNT_SHARED, 0, false) == 0);
	VM_CHECK(system("grep -q ' " D "/shared/x ' /proc/self/mountinfo") == 0);
	VM_CHECK(umount2(D "/shared/x", MNT_DETACH) == 0);
}

/* mount = allow: the host's namespace too. */
VM_TEST(namespaces_optin_allow, 186)
{
	ns_setup();
	VM_CHECK(ns_try(NS_ALLOW, OP_MOUNT_TMPFS, 0, false) == 0);
	ns_restore(OP_MOUNT_TMPFS);
	VM_CHECK(ns_try(NS_ALLOW, OP_NEW_API_MOUNT, 0, false) == 0);
	ns_restore(OP_NEW_API_MOUNT);
	VM_CHECK(ns_try(NS_ALLOW, OP_REMOUNT, 0, false) == 0);
	/* userns is another key. */
	VM_CHECK(ns_try(NS_ALLOW, OP_UNSHARE_USER, USER, false) == EPERM);
}

/* ---- the setup window ---- */

/* A child of the suite that waits for go, then does op and exits with its result. */
struct waiting_child {
	pid_t pid;
	int go;
	int result;
};

static void child_start(struct waiting_child *c, enum ns_op op, bool exec_first)
{
	int go[2], result[2];

	VM_CHECK(pipe(go) == 0 && pipe(result) == 0);
	c->pid = fork();
	if (c->pid == 0) {
		struct ns_arg a = {.op = op};
		char byte;
		int ret;

		close(go[1]);
		close(result[0]);
		if (read(go[0], &byte, 1) != 1)
			_exit(1);
		if (byte == 'm')
			write_into("/sys/fs/cgroup" NS "/cgroup.procs", "0");
		if (exec_first) {
			/* The window ends at exec: busybox's unshare -U, now the service's code. */
			execl("/bin/busybox", "unshare", "-U", "/bin/busybox", "true",
			      (char *)NULL);
			_exit(120);
		}
		ret = do_ns_op(&a);
		_exit(write(result[1], &ret, sizeof(ret)) == sizeof(ret) ? 0 : 1);
	}
	close(go[0]);
	close(result[1]);
	c->go = go[1];
	c->result = result[0];
}

static int child_finish(struct waiting_child *c, char how)
{
	int ret = -1, status;

	VM_CHECK(write(c->go, &how, 1) == 1);
	if (read(c->result, &ret, sizeof(ret)) != sizeof(ret))
		ret = -1;
	VM_CHECK(waitpid(c->pid, &status, 0) == c->pid);
	close(c->go);
	close(c->result);
	if (ret == -1 && WIFEXITED(status))
		ret = -1000 - WEXITSTATUS(status); /* the exec'd program's exit status */
	return ret;
}

/* Moved in by its parent (the unconfined suite) before any exec: in the window. */
static int moved_by_parent(enum ns_op op)
{
	struct waiting_child c;
	char pid[16];

	make_cgroup(NS);
	child_start(&c, op, false);
	snprintf(pid, sizeof(pid), "%d", (int)c.pid);
	write_into("/sys/fs/cgroup" NS "/cgroup.procs", pid);
	return child_finish(&c, 'g');
}

VM_TEST(setup_window_parent_moves_fresh_child, 187)
{
	ns_setup();
	VM_CHECK(moved_by_parent(OP_UNSHARE_USER) == 0);
	VM_CHECK(moved_by_parent(OP_MOUNT_TMPFS) == 0);
	ns_restore(OP_MOUNT_TMPFS);
	VM_CHECK(moved_by_parent(OP_MKNOD_CHR) == 0);
	VM_CHECK(moved_by_parent(OP_FORK_UNSHARE_USER) == 0); /* inherited by its children */
	/* Moved in by a third process (in_cgroup): the service's own code, refused. */
	VM_CHECK(ns_try(NS, OP_UNSHARE_USER, 0, false) == EPERM);
	VM_CHECK(ns_try(NS, OP_MKNOD_CHR, 0, false) == EPERM);
}

/*
 * The parent's mark and the child's own first hook, at once: all of a task's task-storage maps
 * hang from one pointer, published by cmpxchg when the first is created, and the loser of two
 * creations at once gets NULL (EAGAIN in the kernel). The unconfined parent moves each fresh
 * child in at once (its fexit/cgroup_attach_task creates the child's mark) while the child,
 * after a delay that sweeps across the move, opens files (its own first hook creates its
 * policy cache), then creates a user namespace, which only the window allows. realsvc saw the
 * mark lost once (a systemd child's CAP_SYS_RESOURCE refused under nginx's policy); each child
 * must be in its window.
 */
#define RACE_TRIES 1500

VM_TEST(setup_window_mark_races_the_childs_first_hook, 188)
{
	int procs, refused = 0, failed = 0;

	ns_setup();
	make_cgroup(NS);
	procs = open("/sys/fs/cgroup" NS "/cgroup.procs", O_WRONLY | O_CLOEXEC);
	VM_CHECK(procs >= 0);
	for (int i = 0; i < RACE_TRIES; i++) {
		char pid_text[16];
		long pid = syscall(SYS_fork);
		int status, len;

		if (pid == 0) {
			char self[128];
			int fd;

			for (volatile int spin = 0; spin < (i % 40) * 150; spin++)
				;
			/* opens until the move is seen, then the window's operation */
			for (int k = 0; k < 100000; k++) {
				ssize_t n;

				fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
				if (fd < 0)
					_exit(3);
				n = read(fd, self, sizeof(self) - 1);
				close(fd);
				if (n > 0 && (self[n] = 0, strstr(self, NS "\n")))
					_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno == EPERM ? 1 : 4);
			}
			_exit(2);
		}
		VM_CHECK(pid > 0);
		len = snprintf(pid_text, sizeof(pid_text), "%ld", pid);
		VM_CHECK(write(procs, pid_text, (size_t)len) == len);
		VM_CHECK(waitpid((pid_t)pid, &status, 0) == pid && WIFEXITED(status));
		if (WEXITSTATUS(status) == 1)
			refused++;
		else if (WEXITSTATUS(status) != 0)
			failed++;
	}
	close(procs);
	printf("# %d fresh children moved in by their parent during their first hook: %d refused "
	       "the window's user namespace (EPERM), %d failed otherwise\n",
	       RACE_TRIES, refused, failed);
	VM_CHECK(refused == 0 && failed == 0);
}

VM_TEST(setup_window_self_move, 188)
{
	struct waiting_child c;
	long mark;

	ns_setup();
	make_cgroup(NS);
	child_start(&c, OP_UNSHARE_USER, false);
	VM_CHECK(child_finish(&c, 'm') == 0);
	child_start(&c, OP_NEW_API_MOUNT, false);
	VM_CHECK(child_finish(&c, 'm') == 0);
	ns_restore(OP_NEW_API_MOUNT);
	/* The window ends at exec: the same self-move, then busybox unshare -U: refused. */
	mark = event_mark();
	child_start(&c, OP_UNSHARE_USER, true);
	VM_CHECK(child_finish(&c, 'm') == -1001); /* unshare -U exited 1 */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns\"",
			   "\"hook\":\"userns_create\"", "\"path\":\"user namespace\"",
			   "\"comm\":\"busybox\"", SRC_USERNS);
}

/* clone3(CLONE_INTO_CGROUP) by an unconfined parent: the child starts in the window. */
static int clone_into_ns(enum ns_op op)
{
	struct clone_args args = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD};
	int cgroup = open("/sys/fs/cgroup" NS, O_DIRECTORY | O_RDONLY);
	long pid;

	if (cgroup < 0)
		return 250;
	args.cgroup = (uint64_t)cgroup;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		struct ns_arg a = {.op = op};

		_exit(do_ns_op(&a) == 0 ? 0 : 1);
	}
	close(cgroup);
	return wait_child(pid);
}

/*
 * The setup records held while a child cloned by the suite into cgroup waits: the child is
 * released and reaped after the count. -1 when it cannot be made.
 */
static int setup_records_with_a_child_cloned_into(const char *cgroup)
{
	struct clone_args args = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD};
	char path[128];
	int wake[2], records, fd;
	long pid;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s", cgroup);
	fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pipe(wake)) {
		close(fd);
		return -1;
	}
	args.cgroup = (uint64_t)fd;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		char byte;

		close(wake[1]);
		_exit(read(wake[0], &byte, 1) == 0 ? 0 : 1); /* until the suite closes its end */
	}
	close(fd);
	records = pid > 0 ? map_entries("lg_task_setup") : -1;
	close(wake[1]);
	close(wake[0]);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return records;
}

/* lg_task_setup's entries once two reads 100 ms apart agree (5 s at most), or -1. */
static int settled_setup_records(void)
{
	int last = map_entries("lg_task_setup");

	for (int tries = 0; tries < 50; tries++) {
		int now;

		usleep(100 * 1000);
		now = map_entries("lg_task_setup");
		if (now == last)
			return now;
		last = now;
	}
	return -1;
}

VM_TEST(setup_window_clone_into_cgroup, 188)
{
	int before = -1, none_before = -1, into_policy = -1, into_none = -1;

	ns_setup();
	make_cgroup(NS);
	VM_CHECK(clone_into_ns(OP_UNSHARE_USER) == 0);
	VM_CHECK(clone_into_ns(OP_MKNOD_CHR) == 0);
	/* A record only for a child cloned into a policy's cgroup: one cloned into a cgroup
	 * under none (any user's delegated cgroup) holds none (it could fill the map). */
	make_cgroup("/lgt/no-policy-clone");
	/* Counts of the whole map: the children above go after an RCU grace period, so each
	 * count is taken once two reads 100 ms apart agree, and a mismatch is tried again. */
	for (int attempt = 0; attempt < 3; attempt++) {
		before = settled_setup_records();
		into_none = setup_records_with_a_child_cloned_into("/lgt/no-policy-clone");
		none_before = before;
		before = settled_setup_records();
		into_policy = setup_records_with_a_child_cloned_into(NS);
		if (into_none == none_before && into_policy == before + 1)
			break;
	}
	printf("# setup records: %d with a child cloned into no policy's cgroup (%d before), %d "
	       "into ns's (%d before)\n", into_none, none_before, into_policy, before);
	VM_CHECK(before >= 0 && into_none == none_before && into_policy == before + 1);
}

static int do_clone_into_own(const void *arg)
{
	(void)arg;
	return clone_into_ns(OP_UNSHARE_USER) == 0 ? 0 : EPERM;
}

static int do_ptrace_attach(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
		return errno;
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static int do_ptrace_own_child(const void *arg)
{
	pid_t pid = fork();
	int ret;

	(void)arg;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ret = do_ptrace_attach(&pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return ret;
}

/* A confined task makes no task in the window, and cannot trace one. */
VM_TEST(setup_window_not_from_confined, 189)
{
	struct waiting_child c;
	char pid[16];
	long mark;

	ns_setup();
	/* Its children: not in the window. */
	VM_CHECK(ns_try(NS, OP_FORK_UNSHARE_USER, 0, false) == EPERM);
	/* clone3(CLONE_INTO_CGROUP), even into its own cgroup: refused (cgroup.bpf.c). */
	VM_CHECK(in_cgroup(NS, do_clone_into_own, NULL) == EPERM);

	/* A task in its window, waiting; a task of the same policy tries to trace it. */
	make_cgroup(NS);
	child_start(&c, OP_UNSHARE_USER, false);
	snprintf(pid, sizeof(pid), "%d", (int)c.pid);
	write_into("/sys/fs/cgroup" NS "/cgroup.procs", pid);
	mark = event_mark();
	VM_CHECK(in_cgroup(NS, do_ptrace_attach, &c.pid) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns\"",
			   "\"hook\":\"ptrace_access_check\"",
			   "\"path\":\"a task in its setup window\"");
	VM_CHECK(child_finish(&c, 'g') == 0);
	/* Control: the same tracer traces a task of its policy outside the window (its child). */
	VM_CHECK(in_cgroup(NS, do_ptrace_own_child, NULL) == 0);
}

/*
 * Each program of this class is attached, and what the verifier processed for it (a walk is
 * one global function, verified once per program).
 */
VM_TEST(namespaces_programs_attached, 189)
{
	static const char *const programs[] = {
	    "lg_userns_create",	   "lg_sb_mount",	    "lg_move_mount",
	    "lg_sb_remount",	   "lg_sb_pivotroot",	    "lg_sb_umount_confine",
	    "lg_capable",	   "lg_setup_attach_enter", "lg_setup_attach_exit",
	    "lg_setup_task_alloc", "lg_setup_exec",	    "lg_setup_ptrace",
	    "lg_setup_clone_into",
	};
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];

	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		program_verified(out, programs[i]);
}

/*
 * A fork of the service, orphaned and adopted by the suite (a subreaper, as PID 1 is for every
 * orphan), then moved by it: its parent is now the mover and it has executed nothing, but it
 * runs the service's code. Never in the window.
 */
static void adopted_orphan_is_not_in_its_window(const char *service_cgroup)
{
	int go[2], result[2], ret = -1;
	pid_t service, orphan = 0;
	char pid[16];

	VM_CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	VM_CHECK(pipe(go) == 0 && pipe(result) == 0);
	service = fork();
	if (service == 0) {
		pid_t child;
		char byte;

		if (read(go[0], &byte, 1) != 1)
			_exit(1);
		child = fork();
		if (child == 0) {
			struct ns_arg a = {.op = OP_UNSHARE_USER};

			if (read(go[0], &byte, 1) != 1)
				_exit(1);
			ret = do_ns_op(&a);
			_exit(write(result[1], &ret, sizeof(ret)) == sizeof(ret) ? 0 : 1);
		}
		_exit(write(result[1], &child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	/* The service is moved in by a third process: confined, not in its window. */
	VM_CHECK(move_into_cgroup(service_cgroup, service));
	VM_CHECK(write(go[1], "g", 1) == 1);
	VM_CHECK(read(result[0], &orphan, sizeof(orphan)) == sizeof(orphan));
	VM_CHECK(waitpid(service, NULL, 0) == service); /* its child is the suite's now */
	snprintf(pid, sizeof(pid), "%d", (int)orphan);
	write_into("/sys/fs/cgroup" NS "/adopted/cgroup.procs", pid);
	VM_CHECK(write(go[1], "g", 1) == 1);
	VM_CHECK(read(result[0], &ret, sizeof(ret)) == sizeof(ret));
	if (ret != EPERM)
		VM_FAIL("the adopted orphan's unshare(CLONE_NEWUSER) gave %d, not EPERM", ret);
	VM_CHECK(waitpid(orphan, NULL, 0) == orphan);
	VM_CHECK(prctl(PR_SET_CHILD_SUBREAPER, 0) == 0);
	close(go[0]);
	close(go[1]);
	close(result[0]);
	close(result[1]);
}

VM_TEST(setup_window_not_for_an_adopted_orphan_of_the_service, 189)
{
	char deep[256] = NS;

	ns_setup();
	make_cgroup(NS);
	make_cgroup(NS "/adopted");
	adopted_orphan_is_not_in_its_window(NS);
	/* The service in a cgroup deeper than policies are bound (level 18 under ns's level 2):
	 * its policy is found from the 16th level, which only a task's own helper reaches; the
	 * mover's check counts such a cgroup as under a policy. */
	for (int level = 3; level <= 18; level++) {
		size_t at = strlen(deep);

		snprintf(deep + at, sizeof(deep) - at, "/d%d", level);
		make_cgroup(deep);
	}
	adopted_orphan_is_not_in_its_window(deep);
}

#define SRC_CGROUP_MOVE                                                                            \
	"\"source\":\"built-in: a confined task cannot move processes between cgroups, nor "       \
	"within its policy's unless it says [system] cgroups = delegate\""

/* The cgroup (0::/...) of a process, from /proc/PID/cgroup; "" when unreadable. */
static void cgroup_of(pid_t pid, char *out, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	out[0] = '\0';
	f = fopen(path, "r");
	if (f && fgets(out, (int)size, f))
		out[strcspn(out, "\n")] = '\0';
	if (f)
		fclose(f);
}

/*
 * Moving processes within the policy's own cgroups: the kernel asks only for write access to
 * the cgroups' files, so a confined root could pull any process in, lsmguard's daemon included,
 * and freeze or starve it there with its own cgroup's files. Refused unless cgroups = delegate,
 * in audit mode too (a protection); allowed to a task in its setup window.
 */
VM_TEST(ns_moves_within_the_policy_need_cgroups_delegate, 189)
{
	static const char *const cgroups[] = {NS, NS_AUDIT, NS_OPTIN};
	char before[256], after[256], daemon_cg[256], path[256];
	struct waiting_child c;
	long mark = event_mark();
	pid_t daemon = daemon_pid();

	ns_setup();
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/sub", cgroups[i]);
		make_cgroup(path);
	}
	/* The service moving itself into its own child cgroup. */
	VM_CHECK(ns_try(NS, OP_MOVE_WITHIN, 0, false) == EPERM);
	VM_CHECK(ns_try(NS_AUDIT, OP_MOVE_WITHIN, 0, false) == EPERM);
	VM_CHECK(ns_try(NS_OPTIN, OP_MOVE_WITHIN, 0, false) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/sys/fs/cgroup/lgt/ns/sub/cgroup.procs\"", SRC_CGROUP_MOVE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns-audit\"",
			   "\"path\":\"/sys/fs/cgroup/lgt/ns-audit/sub/cgroup.procs\"",
			   SRC_CGROUP_MOVE);
	/* uid 1000 with the cgroup delegated to it (its files chowned, as systemd's Delegate=
	 * does): past the kernel's permission check, then refused the same way. */
	VM_CHECK(chown("/sys/fs/cgroup" NS "/sub/cgroup.procs", USER, USER) == 0);
	VM_CHECK(ns_try(NS, OP_MOVE_WITHIN, USER, false) == EPERM);
	VM_CHECK(chown("/sys/fs/cgroup" NS "/sub/cgroup.procs", 0, 0) == 0);
	/* In its setup window (systemd's child): allowed. */
	child_start(&c, OP_MOVE_WITHIN, false);
	VM_CHECK(child_finish(&c, 'm') == 0);
	/* Pulling a process from outside: an unconfined sleeper, then lsmguard's daemon. */
	ns_outsider = fork();
	if (ns_outsider == 0) {
		pause();
		_exit(0);
	}
	VM_CHECK(ns_outsider > 0);
	cgroup_of(ns_outsider, before, sizeof(before));
	VM_CHECK(ns_try(NS, OP_PULL_OUTSIDER, 0, false) == EPERM);
	VM_CHECK(ns_try(NS_AUDIT, OP_PULL_OUTSIDER, 0, false) == EPERM);
	cgroup_of(ns_outsider, after, sizeof(after));
	if (strcmp(before, after) != 0)
		VM_FAIL("the sleeper moved from %s to %s", before, after);
	/* With cgroups = delegate that is what the key reopens (docs/policy.md). */
	VM_CHECK(ns_try(NS_OPTIN, OP_PULL_OUTSIDER, 0, false) == 0);
	cgroup_of(ns_outsider, after, sizeof(after));
	VM_CHECK(strcmp(after, "0::" NS_OPTIN) == 0);
	kill(ns_outsider, SIGKILL);
	VM_CHECK(waitpid(ns_outsider, NULL, 0) == ns_outsider);
	/* Unconfined: the administrator moves what it likes. */
	VM_CHECK(in_cgroup(NULL, do_move_self, "/sys/fs/cgroup" NS "/sub/cgroup.procs") == 0);
	VM_CHECK(daemon > 0);
	cgroup_of(daemon, daemon_cg, sizeof(daemon_cg));
	ns_outsider = daemon;
	VM_CHECK(ns_try(NS, OP_PULL_OUTSIDER, 0, false) == EPERM);
	VM_CHECK(ns_try(NS_AUDIT, OP_PULL_OUTSIDER, 0, false) == EPERM);
	cgroup_of(daemon, after, sizeof(after));
	if (strcmp(daemon_cg, after) != 0) {
		VM_FAIL("lsmguard's daemon moved from %s to %s", daemon_cg, after);
		move_into_cgroup(strncmp(daemon_cg, "0::", 3) == 0 ? daemon_cg + 3 : "/", daemon);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns-audit\"",
			   "\"path\":\"/sys/fs/cgroup/lgt/ns-audit/cgroup.procs\"", SRC_CGROUP_MOVE);
}

/* arg: a file, what to write into it (possibly nothing), and as whom. */
struct cg_write {
	const char *path;
	const char *text;
	uid_t uid;
};

static int do_cg_write(const void *arg)
{
	const struct cg_write *w = arg;
	int fd, ret = 0;

	if (w->uid && (setgid(w->uid) || setuid(w->uid)))
		return 200;
	fd = open(w->path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, w->text, strlen(w->text)) < 0)
		ret = 100 + errno;
	close(fd);
	return ret;
}

static void cg_read(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)size, f))
			buf[0] = 0;
		fclose(f);
	}
}

#define SRC_CGROUP_FILE                                                                            \
	"\"source\":\"built-in: a confined task cannot write the control files of cgroups outside "  \
	"its policy, nor of its own unless it says [system] cgroups = delegate, nor any file of a "  \
	"cgroup v1 hierarchy\""

/*
 * Its own cgroup's resource controls (found by attack run 7, row 272 of docs/security.md): root
 * in the service raising its own cpu.weight to 10000 starved lsmguard's reloads; pids.max and
 * memory.max raised escape the limits the administrator set (TasksMax=, MemoryMax=). Refused
 * without [system] cgroups = delegate, in audit mode too (a protection of the others), as root
 * and as uid 1000 with the files chowned to it (as Delegate= does); with the key, the rules
 * decide. The unconfined administrator writes them.
 */
VM_TEST(ns_own_cgroup_files_need_cgroups_delegate, 189)
{
	static const char *const files[] = {"cpu.weight", "pids.max", "memory.max", "io.weight",
					    "cgroup.freeze", "cgroup.subtree_control", NULL};
	static const char *const texts[] = {"10000", "max", "max", "default 10000", "0", "+pids"};
	long mark = event_mark();
	char path[256], before[64], after[64];
	int tested = 0;

	ns_setup();
	for (int i = 0; i < 3; i++) {
		int fd = open("/sys/fs/cgroup/lgt/cgroup.subtree_control", O_WRONLY);
		static const char *const controllers[] = {"+cpu", "+pids", "+memory"};

		if (fd >= 0 && write(fd, controllers[i], strlen(controllers[i])) < 0)
			printf("#   %s: %s\n", controllers[i], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	for (int i = 0; files[i]; i++) {
		struct cg_write w = {path, texts[i], 0};

		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", NS, files[i]);
		if (access(path, F_OK))
			continue;
		tested++;
		cg_read(path, before, sizeof(before));
		if (in_cgroup(NS, do_cg_write, &w) != EPERM)
			VM_FAIL("%s from %s: not EPERM", path, NS);
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", NS_AUDIT, files[i]);
		if (in_cgroup(NS_AUDIT, do_cg_write, &w) != EPERM)
			VM_FAIL("%s from %s (audit): not EPERM", path, NS_AUDIT);
		/* uid 1000, the file delegated to it: past the kernel's check, then refused. */
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", NS, files[i]);
		VM_CHECK(chown(path, USER, USER) == 0);
		w.uid = USER;
		if (in_cgroup(NS, do_cg_write, &w) != EPERM)
			VM_FAIL("%s from %s as uid 1000: not EPERM", path, NS);
		VM_CHECK(chown(path, 0, 0) == 0);
		w.uid = 0;
		cg_read(path, after, sizeof(after));
		if (strcmp(before, after) != 0)
			VM_FAIL("%s changed from %s to %s", path, before, after);
		/* With cgroups = delegate the rules decide (default = allow); and the
		 * administrator, outside every policy. Opened for writing, nothing written. */
		w.text = "";
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", NS_OPTIN, files[i]);
		if (in_cgroup(NS_OPTIN, do_cg_write, &w) != 0)
			VM_FAIL("%s from %s (cgroups = delegate): refused", path, NS_OPTIN);
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", NS, files[i]);
		if (in_cgroup(NULL, do_cg_write, &w) != 0)
			VM_FAIL("%s: the unconfined control failed", path);
	}
	VM_CHECK(tested >= 4); /* cpu.weight, pids.max, cgroup.freeze, cgroup.subtree_control */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/sys/fs/cgroup/lgt/ns/cpu.weight\"", SRC_CGROUP_FILE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ns-audit\"",
			   "\"path\":\"/sys/fs/cgroup/lgt/ns-audit/pids.max\"", SRC_CGROUP_FILE);
}
