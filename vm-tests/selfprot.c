// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsmguard's own objects (issue 12, class 1): its policy directory, executable, state and unit
 * are built-in protected (LG_BUILTIN_PROTECTED) for every confined task, in enforce and in audit
 * mode; the daemon reloads only the policy directory it started with; a later mount of a
 * filesystem root never rewrites the mount table's record of it. Each operation is tried as
 * root from the enforce-mode and the audit-mode cgroup (whose policies allow writing anywhere
 * but a few files), as uid 1000, and unconfined.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define AUDIT "/lgt/audit"
#define POLICY POLICY_DIR "/files.ini"
#define STATE "/run/lsmguard/state"
#define UNIT_DIR "/etc/systemd/system"
#define SCRATCH "/data/selfprot"

#define PROTECTED_SOURCE                                                                          \
	"\"source\":\"built-in: a confined task cannot change, rename, remove or mount over "     \
	"lsmguard's policy directory, executable, state or unit, the journal's sockets and files, " \
	"or a directory above them\""

enum op_kind {
	OP_OPEN_WRITE,
	OP_OPEN_TRUNC,
	OP_CREATE,
	OP_TRUNCATE,
	OP_UNLINK,
	OP_RENAME_FROM, /* path -> path2 */
	OP_RENAME_TO,   /* path2 (a fresh file) -> path */
	OP_EXCHANGE,    /* RENAME_EXCHANGE of path and path2 */
	OP_LINK_FROM,   /* link path at path2 */
	OP_LINK_TO,     /* link path2 (a fresh file) at path */
	OP_MKFIFO,
	OP_SYMLINK,
	OP_MKDIR,
	OP_RMDIR,
	OP_CHMOD,
	OP_CHOWN,
	OP_SETXATTR,
	OP_REMOVEXATTR,
};

struct op {
	enum op_kind kind;
	const char *path;
	const char *path2;
	uid_t uid;
};

static const char *const op_names[] = {
	[OP_OPEN_WRITE] = "open for writing", [OP_OPEN_TRUNC] = "open with O_TRUNC",
	[OP_CREATE] = "open(O_CREAT)",        [OP_TRUNCATE] = "truncate",
	[OP_UNLINK] = "unlink",              [OP_RENAME_FROM] = "rename from",
	[OP_RENAME_TO] = "rename onto",      [OP_EXCHANGE] = "rename exchange",
	[OP_LINK_FROM] = "link from",        [OP_LINK_TO] = "link onto",
	[OP_MKFIFO] = "mkfifo",              [OP_SYMLINK] = "symlink",
	[OP_MKDIR] = "mkdir",                [OP_RMDIR] = "rmdir",
	[OP_CHMOD] = "chmod",                [OP_CHOWN] = "chown",
	[OP_SETXATTR] = "setxattr",          [OP_REMOVEXATTR] = "removexattr",
};

/* In the child: the operation's errno (0: it worked). */
static int do_op(const void *arg)
{
	const struct op *o = arg;
	int fd, ret = 0;

	if (o->uid && (setgid(o->uid) || setuid(o->uid)))
		return 200;
	errno = 0;
	switch (o->kind) {
	case OP_OPEN_WRITE:
	case OP_OPEN_TRUNC:
	case OP_CREATE:
		fd = open(o->path,
			  O_WRONLY | (o->kind == OP_OPEN_TRUNC ? O_TRUNC : 0) |
				  (o->kind == OP_CREATE ? O_CREAT | O_EXCL : 0),
			  0644);
		if (fd >= 0)
			close(fd);
		ret = fd < 0 ? -1 : 0;
		break;
	case OP_TRUNCATE:
		ret = truncate(o->path, 0);
		break;
	case OP_UNLINK:
		ret = unlink(o->path);
		break;
	case OP_RENAME_FROM:
		ret = rename(o->path, o->path2);
		break;
	case OP_RENAME_TO:
		ret = rename(o->path2, o->path);
		break;
	case OP_EXCHANGE:
		ret = renameat2(AT_FDCWD, o->path, AT_FDCWD, o->path2, RENAME_EXCHANGE);
		break;
	case OP_LINK_FROM:
		ret = link(o->path, o->path2);
		break;
	case OP_LINK_TO:
		ret = link(o->path2, o->path);
		break;
	case OP_MKFIFO:
		ret = mknod(o->path, S_IFIFO | 0600, 0);
		break;
	case OP_SYMLINK:
		ret = symlink("/dev/null", o->path);
		break;
	case OP_MKDIR:
		ret = mkdir(o->path, 0755);
		break;
	case OP_RMDIR:
		ret = rmdir(o->path);
		break;
	case OP_CHMOD:
		ret = chmod(o->path, 0666);
		break;
	case OP_CHOWN:
		ret = chown(o->path, 1000, 1000);
		break;
	case OP_SETXATTR:
		ret = setxattr(o->path, "trusted.lgtest", "x", 1, 0);
		break;
	case OP_REMOVEXATTR:
		ret = removexattr(o->path, "trusted.lgtest");
		break;
	}
	return ret ? errno : 0;
}

static int try_op(const char *cgroup, enum op_kind kind, const char *path, const char *path2,
		  uid_t uid)
{
	struct op o = {kind, path, path2, uid};

	return in_cgroup(cgroup, do_op, &o);
}

/* A fresh regular file of root's at path (the other side of a rename or link). */
static void fresh_file(const char *path)
{
	unlink(path);
	write_file(path, "attacker's\n", 0644);
}

/* Check one operation: got must be want; says which on failure. */
#define EXPECT_OP(cgroup, kind, path, path2, uid, want)                                            \
	do {                                                                                      \
		int got_ = try_op((cgroup), (kind), (path), (path2), (uid));                      \
		if (got_ != (want))                                                               \
			VM_FAIL("%s %s as uid %d in %s: %s (%d), expected %s", op_names[kind],     \
				(path), (int)(uid), (cgroup) ? (cgroup) : "no cgroup",             \
				got_ > 0 ? strerror(got_) : "no errno", got_, strerror(want));     \
	} while (0)

/* The objects the cases go for, and a directory above each. */
static void prepare_objects(void)
{
	mkdir(SCRATCH, 0755);
	mkdir("/etc/systemd", 0755);
	mkdir(UNIT_DIR, 0755);
	unlink(UNIT_DIR "/lsmguard.service");
	rmdir(UNIT_DIR "/lsmguard.service.d");
	mkdir(POLICY_DIR "/empty.d", 0755); /* rmdir, and mkdir beside it */
	setxattr(POLICY, "trusted.lgtest", "x", 1, 0);
}

/* Every write-class operation on the objects from a confined root task is refused (EPERM). */
static void confined_root_is_refused(const char *cgroup)
{
	/* Each object, and names beside it on the same mount (/run is a tmpfs of its own: a
	 * rename or link across mounts fails with EXDEV before any LSM hook). */
	static const struct {
		const char *object, *moved, *fresh, *linked;
	} files[] = {
		{POLICY, SCRATCH "/moved", SCRATCH "/fresh", SCRATCH "/linked"},
		{LSMGUARD, SCRATCH "/moved", SCRATCH "/fresh", SCRATCH "/linked"},
		{STATE, "/run/selfprot-moved", "/run/selfprot-fresh", "/run/selfprot-linked"},
		{METRICS_FILE, "/run/selfprot-moved", "/run/selfprot-fresh", "/run/selfprot-linked"},
	};

	prepare_objects();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *f = files[i].object;
		/* The running daemon's executable is busy: the kernel refuses writing it first. */
		int busy = strcmp(f, LSMGUARD) == 0 ? ETXTBSY : EPERM;

		EXPECT_OP(cgroup, OP_OPEN_WRITE, f, NULL, 0, busy);
		EXPECT_OP(cgroup, OP_OPEN_TRUNC, f, NULL, 0, busy);
		EXPECT_OP(cgroup, OP_TRUNCATE, f, NULL, 0, busy);
		EXPECT_OP(cgroup, OP_UNLINK, f, NULL, 0, EPERM);
		EXPECT_OP(cgroup, OP_RENAME_FROM, f, files[i].moved, 0, EPERM);
		fresh_file(files[i].fresh);
		EXPECT_OP(cgroup, OP_RENAME_TO, f, files[i].fresh, 0, EPERM);
		EXPECT_OP(cgroup, OP_EXCHANGE, f, files[i].fresh, 0, EPERM);
		EXPECT_OP(cgroup, OP_LINK_FROM, f, files[i].linked, 0, EPERM);
		EXPECT_OP(cgroup, OP_CHMOD, f, NULL, 0, EPERM);
		EXPECT_OP(cgroup, OP_CHOWN, f, NULL, 0, EPERM);
		EXPECT_OP(cgroup, OP_SETXATTR, f, NULL, 0, EPERM);
	}
	EXPECT_OP(cgroup, OP_REMOVEXATTR, POLICY, NULL, 0, EPERM);
	/* New names in the protected directories, and the unit's names systemd would read. */
	EXPECT_OP(cgroup, OP_CREATE, POLICY_DIR "/attacker.ini", NULL, 0, EPERM);
	VM_CHECK(access(POLICY_DIR "/attacker.ini", F_OK) == -1 && errno == ENOENT);
	EXPECT_OP(cgroup, OP_CREATE, "/run/lsmguard/attacker", NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_CREATE, UNIT_DIR "/lsmguard.service", NULL, 0, EPERM);
	VM_CHECK(access(UNIT_DIR "/lsmguard.service", F_OK) == -1 && errno == ENOENT);
	EXPECT_OP(cgroup, OP_SYMLINK, UNIT_DIR "/lsmguard.service", NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_MKDIR, UNIT_DIR "/lsmguard.service.d", NULL, 0, EPERM);
	fresh_file(SCRATCH "/fresh");
	EXPECT_OP(cgroup, OP_LINK_TO, POLICY_DIR "/linked.ini", SCRATCH "/fresh", 0, EPERM);
	EXPECT_OP(cgroup, OP_RENAME_TO, POLICY_DIR "/renamed.ini", SCRATCH "/fresh", 0, EPERM);
	EXPECT_OP(cgroup, OP_MKFIFO, POLICY_DIR "/fifo", NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_SYMLINK, POLICY_DIR "/symlink.ini", NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_MKDIR, POLICY_DIR "/sub", NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_RMDIR, POLICY_DIR "/empty.d", NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_RMDIR, POLICY_DIR, NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_CHMOD, POLICY_DIR, NULL, 0, EPERM);
	EXPECT_OP(cgroup, OP_RENAME_FROM, POLICY_DIR, "/etc/lsmguard/moved.d", 0, EPERM);
	/* Directories above an object: moving one takes the object out from under its path. */
	EXPECT_OP(cgroup, OP_RENAME_FROM, "/etc/lsmguard", "/etc/lsmguard-moved", 0, EPERM);
	EXPECT_OP(cgroup, OP_RENAME_FROM, "/etc", "/etc-moved", 0, EPERM);
	EXPECT_OP(cgroup, OP_RENAME_FROM, "/bin", "/bin-moved", 0, EPERM);
	EXPECT_OP(cgroup, OP_RENAME_FROM, "/run/lsmguard", "/run/lsmguard-moved", 0, EPERM);
	/* Whatever happened, the objects are where they were (a broken protection moved them). */
	if (access("/etc-moved", F_OK) == 0)
		rename("/etc-moved", "/etc");
	if (access("/bin-moved", F_OK) == 0)
		rename("/bin-moved", "/bin");
	VM_CHECK(access(POLICY, R_OK) == 0 && access(LSMGUARD, X_OK) == 0);
	/* The policy's own rules still decide beside them: writing elsewhere is allowed. */
	EXPECT_OP(cgroup, OP_CREATE, SCRATCH "/allowed", NULL, 0, 0);
	unlink(SCRATCH "/allowed");
}

VM_TEST(selfprot_confined_root_cannot_touch_lsmguards_objects, 181)
{
	long mark = event_mark();

	confined_root_is_refused(FILES);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" POLICY "\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_unlink\"",
			   "\"path\":\"" LSMGUARD "\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_rename\"",
			   "\"path\":\"/etc\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_mknod\"",
			   "\"path\":\"" POLICY_DIR "/fifo\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"inode_setxattr\"",
			   "\"path\":\"" METRICS_FILE "\"", PROTECTED_SOURCE);
}

/* A protection: an audit-mode policy's tasks are refused too, and the event says "deny". */
VM_TEST(selfprot_audit_policy_cannot_touch_lsmguards_objects, 182)
{
	long mark = event_mark();

	confined_root_is_refused(AUDIT);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" POLICY "\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"",
			   "\"hook\":\"path_rename\"", "\"path\":\"/bin\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"",
			   "\"hook\":\"path_mkdir\"", "\"path\":\"" UNIT_DIR "/lsmguard.service.d\"",
			   PROTECTED_SOURCE);
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}

/*
 * An unprivileged confined user. Every object is root's and writable by root only. Opening or
 * truncating one for writing: the kernel's permission check comes before the LSM hooks and
 * refuses (EACCES), confined or not. Names (create, unlink, mkdir, rmdir, rename): the path_*
 * hooks come before the kernel's check of the directory, so a confined user gets lsmguard's
 * EPERM (with an event) where an unconfined one gets EACCES.
 */
VM_TEST(selfprot_unprivileged_user_is_refused, 183)
{
	static const char *const cgroups[] = {FILES, AUDIT, NULL};
	long mark = event_mark();

	prepare_objects();
	for (int i = 0; i < 3; i++) {
		const char *cg = cgroups[i]; /* NULL last: unconfined */
		int names = cg ? EPERM : EACCES;

		EXPECT_OP(cg, OP_OPEN_WRITE, POLICY, NULL, 1000, EACCES);
		EXPECT_OP(cg, OP_OPEN_WRITE, LSMGUARD, NULL, 1000, EACCES);
		EXPECT_OP(cg, OP_OPEN_WRITE, METRICS_FILE, NULL, 1000, EACCES);
		EXPECT_OP(cg, OP_TRUNCATE, STATE, NULL, 1000, EACCES);
		EXPECT_OP(cg, OP_CREATE, POLICY_DIR "/attacker.ini", NULL, 1000, names);
		EXPECT_OP(cg, OP_UNLINK, POLICY, NULL, 1000, names);
		EXPECT_OP(cg, OP_MKDIR, UNIT_DIR "/lsmguard.service.d", NULL, 1000, names);
		EXPECT_OP(cg, OP_RENAME_FROM, "/etc/lsmguard", "/etc/lsmguard-moved", 1000, names);
		EXPECT_OP(cg, OP_RENAME_FROM, POLICY_DIR, "/etc/lsmguard/moved.d", 1000, names);
		EXPECT_OP(cg, OP_RMDIR, POLICY_DIR "/empty.d", NULL, 1000, names);
		/* Not the owner: EPERM from the kernel too (path_chmod comes first). */
		EXPECT_OP(cg, OP_CHMOD, POLICY, NULL, 1000, EPERM);
	}
	VM_CHECK(access(POLICY_DIR "/attacker.ini", F_OK) == -1 && errno == ENOENT);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"", "\"uid\":1000",
			   "\"hook\":\"path_unlink\"", "\"path\":\"" POLICY "\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"uid\":1000", "\"hook\":\"path_mknod\"",
			   "\"path\":\"" POLICY_DIR "/attacker.ini\"", PROTECTED_SOURCE);
}

/* Unconfined: the administrator edits the policy directory, and the daemon writes its state. */
VM_TEST(selfprot_unconfined_admin_and_daemon_still_write, 184)
{
	struct stat before, after;
	int generation;

	prepare_objects();
	EXPECT_OP(NULL, OP_CREATE, POLICY_DIR "/admin.ini.tmp", NULL, 0, 0);
	EXPECT_OP(NULL, OP_RENAME_FROM, POLICY_DIR "/admin.ini.tmp", POLICY_DIR "/admin.tmp", 0, 0);
	EXPECT_OP(NULL, OP_UNLINK, POLICY_DIR "/admin.tmp", NULL, 0, 0);
	EXPECT_OP(NULL, OP_MKDIR, POLICY_DIR "/admin.d", NULL, 0, 0);
	EXPECT_OP(NULL, OP_RMDIR, POLICY_DIR "/admin.d", NULL, 0, 0);
	EXPECT_OP(NULL, OP_CHMOD, POLICY_DIR "/empty.d", NULL, 0, 0);
	EXPECT_OP(NULL, OP_SETXATTR, POLICY, NULL, 0, 0);
	EXPECT_OP(NULL, OP_REMOVEXATTR, POLICY, NULL, 0, 0);
	EXPECT_OP(NULL, OP_CREATE, UNIT_DIR "/lsmguard.service", NULL, 0, 0);
	EXPECT_OP(NULL, OP_UNLINK, UNIT_DIR "/lsmguard.service", NULL, 0, 0);
	chmod(POLICY_DIR "/empty.d", 0755);
	/* The daemon rewrites its metrics file every second and its state at every load. */
	VM_CHECK(stat(METRICS_FILE, &before) == 0);
	generation = state_generation();
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(state_generation() > generation);
	usleep(1500 * 1000);
	VM_CHECK(stat(METRICS_FILE, &after) == 0);
	VM_CHECK(after.st_ino != before.st_ino); /* replaced by a newer one */
	rmdir(POLICY_DIR "/empty.d");
}

/* ---- the policy directory the daemon reloads is the one it started with ---- */

static const char marker_policy[] =
	"[policy]\nname = marker\ncgroup = /lgt/marker\nmode = enforce\n"
	"[files]\ndeny = /data/secret-other\n";

/* SIGHUP, then wait for the refusal's event; the generation stays. */
static void expect_reload_refused(const char *reason_part)
{
	int generation = state_generation();
	long mark = event_mark();
	char needle[256];

	VM_CHECK(daemon_pid() > 1 && kill(daemon_pid(), SIGHUP) == 0);
	snprintf(needle, sizeof(needle), "\"policy_dir\":\"%s\"", POLICY_DIR);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"reload_refused\"", needle);
	VM_CHECK(count_events_after(mark, reason_part) == 1);
	VM_CHECK(state_generation() == generation);
	/* The policies in force stay: the enforce policy still denies, the marker is not in. */
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_open("/lgt/marker", "/data/secret-other", O_RDONLY) == 0);
}

/* A directory of the administrator's own, holding the set in force plus the marker. */
static void make_other_policy_dir(const char *dir, const char *from)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s && cp %s/*.ini %s/", dir, dir, from,
		 dir);
	VM_CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "%s/marker.ini", dir);
	write_file(cmd, marker_policy, 0644);
}

static void restart_daemon(void)
{
	pid_t pid = daemon_pid();
	long mark;

	VM_CHECK(pid > 1 && kill(pid, SIGKILL) == 0);
	VM_CHECK(wait_exit(pid, 5000));
	mark = event_mark();
	VM_CHECK(daemon_start() > 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"ready\"", "\"adopted\":true");
}

VM_TEST(selfprot_reload_refused_after_the_policy_directory_is_mounted_over, 185)
{
	VM_EXPECT_DAEMON_WARNING("reload refused: " POLICY_DIR " is no longer the policy directory");
	VM_EXPECT_DAEMON_WARNING("(it is reached through another mount: mount ");
	make_cgroup("/lgt/marker");
	make_other_policy_dir("/data/other-policy.d", POLICY_DIR);
	/* The route, by an administrator (a confined task's mount is refused). */
	VM_EXPECT(mount("/data/other-policy.d", POLICY_DIR, NULL, MS_BIND, NULL), 0);
	expect_reload_refused("\"reason\":\"" POLICY_DIR " is no longer the policy directory "
			      "lsmguard started with (another directory is there now); restart "
			      "lsmguard to read it\"");
	VM_EXPECT(umount(POLICY_DIR), 0);
	/* The directory mounted over itself: the same inode, reached through another mount. */
	VM_EXPECT(mount(POLICY_DIR, POLICY_DIR, NULL, MS_BIND, NULL), 0);
	expect_reload_refused("\"event\":\"reload_refused\"");
	VM_EXPECT(umount(POLICY_DIR), 0);
	/* A tmpfs over it. */
	VM_EXPECT(mount("tmpfs", POLICY_DIR, "tmpfs", 0, NULL), 0);
	expect_reload_refused("\"event\":\"reload_refused\"");
	VM_EXPECT(umount(POLICY_DIR), 0);
	/* Back to the directory it started with: reloads work again. */
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
}

VM_TEST(selfprot_reload_refused_after_the_policy_directory_is_replaced, 186)
{
	VM_EXPECT_DAEMON_WARNING("reload refused: " POLICY_DIR " is no longer the policy directory");
	make_cgroup("/lgt/marker");
	VM_EXPECT(rename(POLICY_DIR, POLICY_DIR ".orig"), 0);
	make_other_policy_dir(POLICY_DIR, POLICY_DIR ".orig");
	expect_reload_refused("\"event\":\"reload_refused\"");
	VM_CHECK(system("rm -rf " POLICY_DIR) == 0);
	VM_EXPECT(rename(POLICY_DIR ".orig", POLICY_DIR), 0);
	VM_CHECK(daemon_reload_wait());
}

/* A restart reads what is at the path then: the administrator's explicit choice. */
VM_TEST(selfprot_a_restart_reads_the_directory_mounted_over, 187)
{
	VM_EXPECT_DAEMON_WARNING("reload refused: " POLICY_DIR " is no longer the policy directory");
	make_cgroup("/lgt/marker");
	make_other_policy_dir("/data/other-policy.d", POLICY_DIR);
	VM_EXPECT(mount("/data/other-policy.d", POLICY_DIR, NULL, MS_BIND, NULL), 0);
	expect_reload_refused("\"event\":\"reload_refused\"");
	restart_daemon();
	VM_CHECK(try_open("/lgt/marker", "/data/secret-other", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	/*
	 * And back: the over-mount gone, a restart reads the original directory again. The
	 * daemon holds the directory it reads open, which keeps that mount busy: detach it.
	 */
	VM_EXPECT(umount(POLICY_DIR), EBUSY);
	VM_EXPECT(umount2(POLICY_DIR, MNT_DETACH), 0);
	restart_daemon();
	VM_CHECK(try_open("/lgt/marker", "/data/secret-other", O_RDONLY) == 0);
	VM_CHECK(daemon_reload_wait());
}

/* ---- a later mount of a known filesystem root ---- */

VM_TEST(selfprot_host_bind_of_root_leaves_the_mount_table_alone, 188)
{
	long mark = event_mark();

	mkdir("/mnt/rootbind", 0755);
	mkdir(SCRATCH, 0755);
	write_file(SCRATCH "/readable", "content\n", 0644);
	VM_EXPECT(mount("/", "/mnt/rootbind", NULL, MS_BIND, NULL), 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"mount_ignored\"", "\"mount_point\":\"/mnt/rootbind\"",
			   "\"matched_as\":\"/\"",
			   "\"reason\":\"second mount of a known root\"");
	/* Every policy still matches the file at its own path, and through the new mount too. */
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_open(AUDIT, "/data/secret", O_RDONLY) == 0);
	VM_CHECK(try_open(FILES, "/mnt/rootbind/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/private/x", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/mnt/rootbind" SCRATCH "/readable", O_RDONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/secret\"");
	/* Reported once: a reload rereads the table and says nothing new about it. */
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(count_events_after(mark, "\"mount_point\":\"/mnt/rootbind\"") == 1);
	VM_EXPECT(umount("/mnt/rootbind"), 0);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
}
