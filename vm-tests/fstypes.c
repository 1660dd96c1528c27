// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filesystems the host does not know: programs on a filesystem mounted only in a namespace
 * (tmpfs, overlayfs) are [exec] anonymous; a file opened through overlayfs is decided on the
 * real file's path too; procfs, sysfs and cgroup2 are named by their type wherever they are
 * mounted. The namespaces and mounts are made by a process under no policy, which then joins
 * the policy's cgroup (confined tasks may be refused namespaces and mounts altogether: that is
 * not what these cases try).
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FST "/lgt/fstypes"
#define FST_AUDIT "/lgt/fstypes-audit"
#define FST_ANON "/lgt/fstypes-anon"
#define USER 1000

#define FT "/tmp/ft"
#define MNT FT "/mnt"                   /* a tmpfs mounted in a namespace */
#define OVL FT "/ovl"                   /* an overlayfs mounted in a namespace */
#define LOWER_SECRET FT "/lower-secret" /* a lower layer under a deny rule */
#define LOWER_PLAIN FT "/lower-plain"
#define LOWER_BIN FT "/lower-bin"       /* a lower layer under an [exec] deny rule */
#define UPPER_SECRET FT "/upper-secret" /* an upper layer under a deny rule */
#define UPPER_OPEN FT "/upper-open"     /* an upper layer no rule names */
#define PROC2 FT "/p"
#define SYS2 FT "/s"
#define CGROUP2 FT "/c"

#define FST_RULES                                                                                 \
	"[files]\n"                                                                               \
	"default = allow\n"                                                                       \
	"deny = /proc/cmdline\n"                                                                  \
	"deny = /sys/kernel/uevent_seqnum\n"                                                      \
	"deny = /sys/fs/cgroup/ft-secret/\n"                                                      \
	"deny = " LOWER_SECRET "/\n"                                                              \
	"deny = " UPPER_SECRET "/\n"                                                              \
	"deny = " MNT "/denied\n"                                                                  \
	"deny = /dev/full\n"

static const char fst_policy[] = "[policy]\nname = fstypes\ncgroup = " FST
				 "\nmode = enforce\n" FST_RULES
				 "[exec]\ndefault = deny\nallow = /bin/\nallow = " FT "/\n";
static const char fst_audit_policy[] = "[policy]\nname = fstypes-audit\ncgroup = " FST_AUDIT
				       "\nmode = audit\n" FST_RULES
				       "[exec]\ndefault = deny\nallow = /bin/\nallow = " FT "/\n";
/* Anonymous programs allowed: what decides a program on overlayfs is then its real path. */
static const char fst_anon_policy[] = "[policy]\nname = fstypes-anon\ncgroup = " FST_ANON
				      "\nmode = enforce\n" FST_RULES
				      "[exec]\ndefault = allow\nanonymous = allow\n"
				      "deny = " LOWER_BIN "/\n[system]\ndevices = allow\n";

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "cp %s %s && chmod %o %s", from, to, (unsigned)mode, to);
	VM_CHECK(system(cmd) == 0);
}

static void fstypes_setup(void)
{
	if (access(POLICY_DIR "/fstypes.ini", F_OK) == 0)
		return;
	VM_CHECK(system("mkdir -p " MNT " " OVL " " LOWER_SECRET " " LOWER_PLAIN " " LOWER_BIN
			" " UPPER_SECRET "/u " UPPER_SECRET "/w " UPPER_OPEN "/u " UPPER_OPEN
			"/w " PROC2 " " SYS2 " " CGROUP2
			" /sys/fs/cgroup/ft-secret && chmod -R 0777 " FT
			" && echo secret > " LOWER_SECRET "/s && echo plain > " LOWER_PLAIN "/p"
			" && echo plain > " LOWER_PLAIN "/q && echo plain > " LOWER_PLAIN "/r"
			" && echo upper > " UPPER_SECRET "/u/us && chmod 0644 " LOWER_SECRET
			"/s " LOWER_PLAIN "/p " LOWER_PLAIN "/q " UPPER_SECRET "/u/us && chown 1000:1000 "
			LOWER_PLAIN "/r") == 0);
	copy_file("/bin/noop", FT "/host-prog", 0755);
	copy_file("/bin/noop", LOWER_PLAIN "/prog", 0755);
	copy_file("/bin/noop", LOWER_BIN "/prog2", 0755);
	/* overlayfs is a module in Debian's kernel: load it (here, under no policy). */
	if (system("grep -q overlay /proc/filesystems") != 0)
		VM_CHECK(system("insmod /lib/modules/overlay.ko") == 0);
	write_file(POLICY_DIR "/fstypes.ini", fst_policy, 0644);
	write_file(POLICY_DIR "/fstypes-audit.ini", fst_audit_policy, 0644);
	write_file(POLICY_DIR "/fstypes-anon.ini", fst_anon_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

/* ---- a process that makes its namespace and mounts, then joins a cgroup ---- */

enum ns_kind {
	NS_TMPFS,     /* a tmpfs at MNT with a program and a denied file */
	NS_OVERLAY,   /* LOWER_SECRET:LOWER_PLAIN:LOWER_BIN at OVL (read-only) */
	NS_OVERLAY_UP, /* the same with UPPER_SECRET/u as the upper layer (root) */
	NS_KERNELFS,  /* a second procfs at PROC2, sysfs at SYS2, cgroup2 at CGROUP2 */
	NS_OVERLAY_DEV, /* /dev as a lower layer, over LOWER_PLAIN, at OVL (root) */
	NS_OVERLAY_UP_OPEN, /* NS_OVERLAY with UPPER_OPEN/u as the upper layer */
};

/*
 * Not root: mounting procfs takes a pid namespace of one's own, sysfs a network namespace and
 * cgroup2 a cgroup namespace; the mounts are then made by the first process of that pid
 * namespace.
 */
static bool own_pid_namespace(enum ns_kind kind, uid_t uid)
{
	return uid && kind == NS_KERNELFS;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t len = (ssize_t)strlen(text);
	int ok = fd >= 0 && write(fd, text, (size_t)len) == len;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* As uid (0 or not), make a mount namespace (and a user namespace when not root), mount. */
static int ns_setup(enum ns_kind kind, uid_t uid)
{
	char map[64];

	if (uid) {
		/* setuid() leaves the process undumpable: /proc/self/uid_map would be root's */
		if (setgid(uid) || setuid(uid) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			return 1;
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS |
			    (own_pid_namespace(kind, uid)
				  ? CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP
				  : 0)))
			return 2;
		snprintf(map, sizeof(map), "%d %d 1", (int)uid, (int)uid);
		if (write_text("/proc/self/setgroups", "deny") ||
		    write_text("/proc/self/uid_map", map) || write_text("/proc/self/gid_map", map))
			return 3;
	} else if (unshare(CLONE_NEWNS)) {
		return 2;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 4;
	return 0;
}

static int ns_mount(enum ns_kind kind)
{
	switch (kind) {
	case NS_TMPFS:
		if (mount("tmpfs", MNT, "tmpfs", 0, NULL))
			return 5;
		if (system("cp /bin/noop " MNT "/prog && chmod 0755 " MNT "/prog && echo x > " MNT
			   "/denied && echo y > " MNT "/plain") != 0)
			return 6;
		return 0;
	case NS_OVERLAY:
		return mount("overlay", OVL, "overlay", 0,
			     "lowerdir=" LOWER_SECRET ":" LOWER_PLAIN ":" LOWER_BIN)
			       ? 7
			       : 0;
	case NS_OVERLAY_UP:
		return mount("overlay", OVL, "overlay", 0,
			     "lowerdir=" LOWER_SECRET ":" LOWER_PLAIN ":" LOWER_BIN
			     ",upperdir=" UPPER_SECRET "/u,workdir=" UPPER_SECRET "/w")
			       ? 8
			       : 0;
	case NS_OVERLAY_UP_OPEN:
		return mount("overlay", OVL, "overlay", 0,
			     "lowerdir=" LOWER_SECRET ":" LOWER_PLAIN ":" LOWER_BIN
			     ",upperdir=" UPPER_OPEN "/u,workdir=" UPPER_OPEN "/w")
			       ? 12
			       : 0;
	case NS_OVERLAY_DEV:
		return mount("overlay", OVL, "overlay", 0, "lowerdir=/dev:" LOWER_PLAIN) ? 11 : 0;
	case NS_KERNELFS:
		if (mount("proc", PROC2, "proc", 0, NULL) ||
		    mount("sysfs", SYS2, "sysfs", 0, NULL) ||
		    mount("cgroup2", CGROUP2, "cgroup2", 0, NULL))
			return 9;
		return 0;
	}
	return 10;
}

#define NS_SETUP_FAILED(step) (600 + (step))

/*
 * Run op(arg) in a child that first sets up kind's namespace and mounts as uid, under no
 * policy, and is then moved into cgroup (NULL: none) by this process. Returns op's result, or
 * NS_SETUP_FAILED(step), or an OP_ code.
 */
static int in_namespace(enum ns_kind kind, uid_t uid, const char *cgroup,
			int (*op)(const void *arg), const void *arg)
{
	int ready[2], go[2], done[2], result = OP_NO_RESULT, status, message[2];
	char path[512], pid_text[16];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		return OP_FORK_FAILED;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return OP_FORK_FAILED;
	if (pid == 0) {
		int step = ns_setup(kind, uid);
		char byte;

		message[1] = (int)getpid();
		if (!step && own_pid_namespace(kind, uid)) {
			int inner_ready[2];
			pid_t inner;

			if (pipe2(inner_ready, O_CLOEXEC))
				_exit(1);
			inner = fork();
			if (inner > 0) {
				/* Pass on the first process's answer and pid (as seen here). */
				if (read(inner_ready[0], &step, sizeof(step)) != sizeof(step))
					step = 11;
				message[0] = step;
				message[1] = (int)inner;
				if (write(ready[1], message, sizeof(message)) != sizeof(message))
					step = 12;
				waitpid(inner, NULL, 0);
				_exit(0);
			}
			if (inner < 0)
				_exit(1);
			step = ns_mount(kind);
			if (write(inner_ready[1], &step, sizeof(step)) != sizeof(step) || step)
				_exit(0);
		} else {
			if (!step)
				step = ns_mount(kind);
			message[0] = step;
			if (write(ready[1], message, sizeof(message)) != sizeof(message) || step)
				_exit(0);
		}
		if (read(go[0], &byte, 1) != 1)
			_exit(1);
		result = op(arg);
		_exit(write(done[1], &result, sizeof(result)) == sizeof(result) ? 0 : 1);
	}
	close(ready[1]);
	close(go[0]);
	close(done[1]);
	if (read(ready[0], message, sizeof(message)) != sizeof(message)) {
		result = OP_NO_RESULT;
	} else if (message[0]) {
		result = NS_SETUP_FAILED(message[0]);
	} else {
		result = 0;
		if (cgroup) {
			make_cgroup(cgroup);
			snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cgroup);
			snprintf(pid_text, sizeof(pid_text), "%d", message[1]);
			if (write_text(path, pid_text)) {
				kill(message[1], SIGKILL);
				result = OP_NO_CGROUP;
			}
		}
		if (result == 0 && (write(go[1], "g", 1) != 1 ||
				    read(done[0], &result, sizeof(result)) != sizeof(result)))
			result = OP_NO_RESULT;
	}
	close(go[1]);
	waitpid(pid, &status, 0);
	close(ready[0]);
	close(done[0]);
	return result;
}

/* ---- operations ---- */

struct fs_op {
	const char *path;
	int how; /* FS_READ, FS_WRITE, FS_EXEC, FS_MMAP_EXEC */
};

enum { FS_READ, FS_WRITE, FS_EXEC, FS_MMAP_EXEC };

static int do_fs_op(const void *varg)
{
	const struct fs_op *a = varg;
	int fd, status, ret = 0;
	void *map;
	pid_t pid;

	switch (a->how) {
	case FS_READ:
	case FS_WRITE:
		fd = open(a->path, a->how == FS_READ ? O_RDONLY : O_WRONLY);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case FS_MMAP_EXEC:
		fd = open(a->path, O_RDONLY);
		if (fd < 0)
			return 100 + errno;
		map = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		ret = map == MAP_FAILED ? errno : 0;
		if (map != MAP_FAILED)
			munmap(map, 4096);
		close(fd);
		return ret;
	case FS_EXEC:
		pid = fork();
		if (pid == 0) {
			execl(a->path, a->path, (char *)NULL);
			_exit(100 + errno);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return OP_FORK_FAILED;
		if (WIFEXITED(status) && WEXITSTATUS(status) > 100)
			return WEXITSTATUS(status) - 100;
		return program_result(status);
	}
	return 99;
}

static int fs_op(enum ns_kind kind, uid_t uid, const char *cgroup, int how, const char *path)
{
	struct fs_op a = {.path = path, .how = how};

	return in_namespace(kind, uid, cgroup, do_fs_op, &a);
}

#define EXPECT_FS(kind, uid, cgroup, how, path, expected)                                         \
	do {                                                                                      \
		int got_ = fs_op((kind), (uid), (cgroup), (how), (path));                         \
		if (got_ != (expected))                                                           \
			VM_FAIL("op %d on %s as uid %d in %s: %d (%s), expected %d (%s)", (how),  \
				(path), (int)(uid), (cgroup) ? (cgroup) : "no cgroup", got_,      \
				got_ > 0 && got_ < 200 ? strerror(got_) : "-", (expected),       \
				strerror(expected));                                              \
	} while (0)

/* The verifier's work for the programs this file's changes touched (a TAP comment). */
VM_TEST(fstypes_verifier_cost, 181)
{
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	const char *names[] = {"lg_file_open", "lg_bprm_check", "lg_mmap_file", "lg_file_mprotect",
			       "lg_file_receive", "lg_path_link_record"};
	char needle[64];

	VM_CHECK(run_command(status, out, sizeof(out)) == 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *at, *end;

		snprintf(needle, sizeof(needle), "{\"name\":\"%s\"", names[i]);
		at = strstr(out, needle);
		end = at ? strchr(at, '}') : NULL;
		if (!at || !end)
			VM_FAIL("no program %s in lsmguard status --json", names[i]);
		else
			printf("# %.*s\n", (int)(end - at + 1), at);
	}
}

/* ---- programs on a filesystem mounted in a namespace ---- */

static void tmpfs_cases(uid_t uid)
{
	long mark = event_mark();

	/* The program is on a tmpfs only the namespace has: anonymous, denied by default,
	 * although [exec] allows the path it has there (FT/). */
	EXPECT_FS(NS_TMPFS, uid, FST, FS_EXEC, MNT "/prog", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes\"",
			   "\"hook\":\"bprm_check_security\"", "\"access\":\"exec\"",
			   
			   "\"path\":\"" MNT "/prog\"");
	EXPECT_FS(NS_TMPFS, uid, FST, FS_MMAP_EXEC, MNT "/prog", EPERM);
	/* The same program on the host's /tmp: the path decides. */
	EXPECT_FS(NS_TMPFS, uid, FST, FS_EXEC, FT "/host-prog", 0);
	/* Reads and writes there are matched at the mount point, as before. */
	EXPECT_FS(NS_TMPFS, uid, FST, FS_READ, MNT "/plain", 0);
	EXPECT_FS(NS_TMPFS, uid, FST, FS_READ, MNT "/denied", EPERM);
	EXPECT_FS(NS_TMPFS, uid, FST, FS_WRITE, MNT "/plain", 0);
	/* Audit mode: reported, runs. */
	EXPECT_FS(NS_TMPFS, uid, FST_AUDIT, FS_EXEC, MNT "/prog", 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"fstypes-audit\"",
			   "\"hook\":\"bprm_check_security\"", "\"path\":\"" MNT "/prog\"");
	/* Outside any policy. */
	EXPECT_FS(NS_TMPFS, uid, NULL, FS_EXEC, MNT "/prog", 0);
}

VM_TEST(fstypes_program_on_a_namespace_tmpfs_is_anonymous_as_root, 182)
{
	fstypes_setup();
	tmpfs_cases(0);
}

VM_TEST(fstypes_program_on_a_namespace_tmpfs_is_anonymous_as_user, 183)
{
	fstypes_setup();
	tmpfs_cases(USER);
}

/* ---- overlayfs: the real file decides too ---- */

static void overlay_cases(enum ns_kind kind, uid_t uid)
{
	long mark = event_mark();

	/* A lower file under a deny rule, read through the overlay: denied by its real path. */
	EXPECT_FS(kind, uid, FST, FS_READ, OVL "/s", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes\"",
			   "\"hook\":\"file_open\"", "\"access\":\"read\"",
			   "\"path\":\"" LOWER_SECRET "/s\"");
	EXPECT_FS(kind, uid, FST, FS_READ, OVL "/p", 0);
	EXPECT_FS(kind, uid, NULL, FS_READ, OVL "/s", 0);
	EXPECT_FS(kind, uid, FST_AUDIT, FS_READ, OVL "/s", 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"fstypes-audit\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" LOWER_SECRET "/s\"");
	/* A program there is anonymous (the overlay is the namespace's own)... */
	EXPECT_FS(kind, uid, FST, FS_EXEC, OVL "/prog", EPERM);
	/* ...and where anonymous programs are allowed, its real path decides. */
	EXPECT_FS(kind, uid, FST_ANON, FS_EXEC, OVL "/prog", 0);
	EXPECT_FS(kind, uid, FST_ANON, FS_EXEC, OVL "/prog2", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes-anon\"",
			   "\"hook\":\"bprm_check_security\"", "\"path\":\"" LOWER_BIN "/prog2\"");
	EXPECT_FS(kind, uid, FST_ANON, FS_MMAP_EXEC, OVL "/prog2", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes-anon\"",
			   "\"hook\":\"mmap_file\"", "\"path\":\"" LOWER_BIN "/prog2\"");
	EXPECT_FS(kind, uid, FST_ANON, FS_MMAP_EXEC, OVL "/prog", 0);
	EXPECT_FS(kind, uid, NULL, FS_EXEC, OVL "/prog2", 0);
}

VM_TEST(fstypes_overlay_real_path_lower_as_root, 184)
{
	fstypes_setup();
	overlay_cases(NS_OVERLAY, 0);
}

VM_TEST(fstypes_overlay_real_path_lower_as_user, 185)
{
	fstypes_setup();
	overlay_cases(NS_OVERLAY, USER);
}

VM_TEST(fstypes_overlay_real_path_upper_as_root, 186)
{
	long mark;

	fstypes_setup();
	overlay_cases(NS_OVERLAY_UP, 0);
	mark = event_mark();
	EXPECT_FS(NS_OVERLAY_UP, 0, FST, FS_READ, OVL "/us", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" UPPER_SECRET "/u/us\"");
	/* Writing a lower file copies it up into the denied upper layer: the open of the copy
	 * is decided at its real (upper) path. */
	EXPECT_FS(NS_OVERLAY_UP, 0, FST, FS_WRITE, OVL "/p", EPERM);
	EXPECT_FS(NS_OVERLAY_UP, 0, NULL, FS_READ, OVL "/us", 0);
}

/*
 * A copy-up by a confined task, into an upper layer no rule names: overlayfs makes the copy as
 * a temporary file under workdir, opened through its private clone of upperdir's mount, whose
 * root (upperdir) the walk never passes. That is the kernel's own mount, not a handle opened
 * around a mount (review 43, H1: the first form of attack run 23's 2301 refused it, and every
 * copy-up with it). As root, and as a user in a namespace of its own.
 */
VM_TEST(fstypes_overlay_copy_up_by_a_confined_task, 186)
{
	long mark;

	fstypes_setup();
	mark = event_mark();
	EXPECT_FS(NS_OVERLAY_UP_OPEN, 0, FST, FS_WRITE, OVL "/q", 0);
	EXPECT_FS(NS_OVERLAY_UP_OPEN, USER, FST, FS_WRITE, OVL "/r", 0);
	VM_CHECK(access(UPPER_OPEN "/u/q", F_OK) == 0);
	VM_CHECK(access(UPPER_OPEN "/u/r", F_OK) == 0);
	VM_CHECK(count_events_after(mark, "\"policy\":\"fstypes\"") == 0);
}

/*
 * A device node reached through an overlay with /dev as a lower layer: overlayfs opens the
 * device itself, with no real file whose path a rule could match (deny = /dev/full would
 * not see /tmp/ft/ovl/full). Refused unless [system] devices = allow.
 */
VM_TEST(fstypes_overlay_device_nodes_need_the_devices_key, 186)
{
	long mark;

	fstypes_setup();
	mark = event_mark();
	EXPECT_FS(NS_OVERLAY_DEV, 0, FST, FS_READ, OVL "/full", EPERM);
	EXPECT_FS(NS_OVERLAY_DEV, 0, FST, FS_READ, OVL "/zero", EPERM);
	EXPECT_FS(NS_OVERLAY_DEV, 0, FST, FS_WRITE, OVL "/null", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" OVL "/zero\"",
			   "\"source\":\"built-in: a confined task cannot create device nodes, or "
			   "open them through overlayfs, unless its policy says [system] devices = "
			   "allow\"");
	/* Audit mode: reported and opened. */
	EXPECT_FS(NS_OVERLAY_DEV, 0, FST_AUDIT, FS_READ, OVL "/zero", 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"fstypes-audit\"",
			   "\"path\":\"" OVL "/zero\"");
	/* With the key: the nodes open; a regular file of the overlay is still decided. */
	EXPECT_FS(NS_OVERLAY_DEV, 0, FST_ANON, FS_READ, OVL "/zero", 0);
	EXPECT_FS(NS_OVERLAY_DEV, 0, FST_ANON, FS_READ, OVL "/p", 0);
	/* The host's own node: by its path. Unconfined: anything. */
	VM_CHECK(try_open(FST, "/dev/full", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FST, "/dev/zero", O_RDONLY) == 0);
	EXPECT_FS(NS_OVERLAY_DEV, 0, NULL, FS_READ, OVL "/full", 0);
}

/* ---- kernel filesystems are named by their type ---- */

VM_TEST(fstypes_procfs_sysfs_cgroup2_mounted_elsewhere_as_root, 187)
{
	long mark;

	fstypes_setup();
	mark = event_mark();
	EXPECT_FS(NS_KERNELFS, 0, FST, FS_READ, PROC2 "/cmdline", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes\"",
			   "\"hook\":\"file_open\"", "\"path\":\"/proc/cmdline\"");
	EXPECT_FS(NS_KERNELFS, 0, FST, FS_READ, PROC2 "/version", 0);
	EXPECT_FS(NS_KERNELFS, 0, FST, FS_READ, SYS2 "/kernel/uevent_seqnum", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"fstypes\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/sys/kernel/uevent_seqnum\"");
	EXPECT_FS(NS_KERNELFS, 0, FST, FS_READ, SYS2 "/kernel/kexec_loaded", 0);
	EXPECT_FS(NS_KERNELFS, 0, FST, FS_READ, CGROUP2 "/ft-secret/cgroup.procs", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"fstypes\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/sys/fs/cgroup/ft-secret/cgroup.procs\"");
	/* The built-in knob protection holds there too, with the knob's usual name. */
	EXPECT_FS(NS_KERNELFS, 0, FST, FS_WRITE, PROC2 "/sys/kernel/modprobe", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"fstypes\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/proc/sys/kernel/modprobe\"");
	/* Audit mode: the rule is reported, the protection holds. */
	EXPECT_FS(NS_KERNELFS, 0, FST_AUDIT, FS_READ, PROC2 "/cmdline", 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"fstypes-audit\"",
			   "\"hook\":\"file_open\"", "\"path\":\"/proc/cmdline\"");
	EXPECT_FS(NS_KERNELFS, 0, FST_AUDIT, FS_WRITE, PROC2 "/sys/kernel/modprobe", EPERM);
	/* Outside any policy. */
	EXPECT_FS(NS_KERNELFS, 0, NULL, FS_READ, PROC2 "/cmdline", 0);
	EXPECT_FS(NS_KERNELFS, 0, NULL, FS_READ, SYS2 "/kernel/uevent_seqnum", 0);
}

/* Unprivileged, in a user namespace with its own pid, network and cgroup namespaces. */
VM_TEST(fstypes_procfs_sysfs_cgroup2_mounted_elsewhere_as_user, 188)
{
	long mark;

	fstypes_setup();
	mark = event_mark();
	EXPECT_FS(NS_KERNELFS, USER, FST, FS_READ, PROC2 "/cmdline", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"fstypes\"",
			   "\"hook\":\"file_open\"", "\"uid\":1000", "\"path\":\"/proc/cmdline\"");
	EXPECT_FS(NS_KERNELFS, USER, FST, FS_READ, PROC2 "/version", 0);
	EXPECT_FS(NS_KERNELFS, USER, FST, FS_READ, SYS2 "/kernel/uevent_seqnum", EPERM);
	EXPECT_FS(NS_KERNELFS, USER, FST, FS_READ, SYS2 "/kernel/kexec_loaded", 0);
	EXPECT_FS(NS_KERNELFS, USER, FST, FS_READ, CGROUP2 "/ft-secret/cgroup.procs", EPERM);
	/* The knob: root's file, the kernel refuses first. */
	EXPECT_FS(NS_KERNELFS, USER, FST, FS_WRITE, PROC2 "/sys/kernel/modprobe", EACCES);
	EXPECT_FS(NS_KERNELFS, USER, FST_AUDIT, FS_READ, PROC2 "/cmdline", 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"fstypes-audit\"",
			   "\"hook\":\"file_open\"", "\"uid\":1000", "\"path\":\"/proc/cmdline\"");
	EXPECT_FS(NS_KERNELFS, USER, NULL, FS_READ, PROC2 "/cmdline", 0);
}
