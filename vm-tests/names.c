// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names and special files: making, removing and changing names and metadata is a write at the
 * path (path_mknod, path_symlink, path_mkdir, path_rmdir, path_chmod, path_chown,
 * inode_setxattr, inode_removexattr), and device nodes need [system] devices = allow. Every
 * operation is tried from a confined cgroup and from none, as root and as uid 1000, by each
 * system call that reaches the hook.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <linux/fs.h>
#include <linux/fs.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <mqueue.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define NAMES "/lgt/names"
#define NAMES_AUDIT "/lgt/names-audit"
#define NAMES_DEV "/lgt/names-dev"
#define RO "/tmp/nm/ro"
#define RW "/tmp/nm/rw"
#define USER 1000

#define HOME "/tmp/nm/home"
#define DENIED "/tmp/nm/denied" /* under a deny rule of the names policies */
#define OTHER "/tmp/nm/other"
#define MQ_NAME "/nm-denied"              /* a POSIX message queue */
#define MQ_DENIED "/dev/mqueue" MQ_NAME /* its path, by the mqueue filesystem's type */

#define NAMES_RULES                                                                               \
	"[exec]\n"                                                                                \
	"default = allow\n"                                                                       \
	"deny = " HOME "/bin/\n"                                                                  \
	"deny = " HOME "/tool\n"                                                                  \
	"[files]\n"                                                                               \
	"default = allow\n"                                                                       \
	"allow-read = " RO "/\n"                                                                  \
	"deny = " HOME "/keys/key\n"                                                              \
	"deny = /sys/fs/cgroup/nm-secret/\n"                                                      \
	"deny = " DENIED "/\n"                                                                    \
	"deny = " MQ_DENIED "\n"

static const char names_policy[] =
	"[policy]\nname = names\ncgroup = " NAMES "\nmode = enforce\n" NAMES_RULES;
static const char names_audit_policy[] =
	"[policy]\nname = names-audit\ncgroup = " NAMES_AUDIT "\nmode = audit\n" NAMES_RULES;
/* Also another policy's deny rule: it holds for every policy's renames. */
static const char names_dev_policy[] = "[policy]\nname = names-dev\ncgroup = " NAMES_DEV
				       "\nmode = enforce\n" NAMES_RULES "deny = " OTHER "/secret/\n"
				       "[system]\ndevices = allow\n";

/* The policies and directories of this file, installed once (each case may run alone). */
static void names_setup(void)
{
	if (access(POLICY_DIR "/names.ini", F_OK) == 0)
		return;
	VM_CHECK(system("mkdir -p " RO " " RW " " HOME " " OTHER "/secret " DENIED
			" && chmod 0777 /tmp/nm " RO " " RW " " HOME " " OTHER " " DENIED
			" && echo secret > " DENIED "/file && echo plain > " RW "/plain"
			" && echo ro > " RO "/file && chmod 0666 " DENIED "/file " RW "/plain " RO
			"/file") == 0);
	write_file(POLICY_DIR "/names.ini", names_policy, 0644);
	write_file(POLICY_DIR "/names-audit.ini", names_audit_policy, 0644);
	write_file(POLICY_DIR "/names-dev.ini", names_dev_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum name_op {
	NOP_CREAT,	    /* open(O_CREAT | O_EXCL | O_WRONLY) */
	NOP_CREAT_RDONLY,   /* open(O_CREAT | O_RDONLY): a read open that makes a file */
	NOP_TMPFILE_LINK,   /* open(O_TMPFILE) in the directory, then linkat() to the name */
	NOP_MKFIFO,	    /* mknod(S_IFIFO) */
	NOP_MKNODAT_REG,    /* mknodat(dirfd, S_IFREG) */
	NOP_MKNOD_BLK,	    /* mknod(S_IFBLK, 8:0): the first disk */
	NOP_MKNOD_CHR,	    /* mknod(S_IFCHR, 1:3): /dev/null */
	NOP_MKNOD_WHITEOUT, /* mknod(S_IFCHR, 0:0): a whiteout, no CAP_MKNOD needed */
	NOP_BIND_UNIX,	    /* bind() of a pathname AF_UNIX socket */
	NOP_MKDIR,
	NOP_MKDIRAT,
	NOP_URING_MKDIRAT,
	NOP_SYMLINK,
	NOP_SYMLINKAT,
	NOP_URING_SYMLINKAT,
	NOP_RMDIR,
	NOP_UNLINKAT_DIR, /* unlinkat(AT_REMOVEDIR) */
	NOP_CHMOD,
	NOP_FCHMOD,
	NOP_FCHMODAT,
	NOP_CHOWN,
	NOP_FCHOWN,
	NOP_LCHOWN,
	NOP_FCHOWNAT,
	NOP_SETXATTR_ACL, /* system.posix_acl_access: ACLs are xattrs in 6.1 */
	NOP_LSETXATTR_ACL,
	NOP_FSETXATTR_ACL,
	NOP_REMOVEXATTR_ACL,
	NOP_SETXATTR_TRUSTED, /* root only */
	NOP_REMOVEXATTR_TRUSTED,
};

static const char *const op_names[] = {
    "open(O_CREAT|O_EXCL|O_WRONLY)",
    "open(O_CREAT|O_RDONLY)",
    "O_TMPFILE+linkat",
    "mknod(S_IFIFO)",
    "mknodat(S_IFREG)",
    "mknod(S_IFBLK 8:0)",
    "mknod(S_IFCHR 1:3)",
    "mknod(whiteout 0:0)",
    "bind(AF_UNIX)",
    "mkdir",
    "mkdirat",
    "io_uring mkdirat",
    "symlink",
    "symlinkat",
    "io_uring symlinkat",
    "rmdir",
    "unlinkat(AT_REMOVEDIR)",
    "chmod",
    "fchmod",
    "fchmodat",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "setxattr(acl)",
    "lsetxattr(acl)",
    "fsetxattr(acl)",
    "removexattr(acl)",
    "setxattr(trusted)",
    "removexattr(trusted)",
};

struct name_op_arg {
	enum name_op op;
	uid_t uid;
	const char *path;
};

/* An ACL equal to mode 0644 (struct posix_acl_xattr_header and three entries). */
static const struct {
	uint32_t version;
	struct {
		uint16_t tag, perm;
		uint32_t id;
	} entry[3];
} acl_0644 = {2, {{0x01, 6, UINT32_MAX}, {0x04, 4, UINT32_MAX}, {0x20, 4, UINT32_MAX}}};

static int at_dir(const char *path, char *base, size_t size)
{
	char copy[256];

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(base, size, "%s", basename(copy));
	snprintf(copy, sizeof(copy), "%s", path);
	return open(dirname(copy), O_PATH | O_DIRECTORY);
}

static int do_name_op(const void *varg)
{
	const struct name_op_arg *a = varg;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char base[256], proc[64];
	int fd, dirfd, ret = 0;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	dirfd = at_dir(a->path, base, sizeof(base));
	if (dirfd < 0)
		return 201;
	errno = 0;
	switch (a->op) {
	case NOP_CREAT:
	case NOP_CREAT_RDONLY:
		fd = open(a->path,
			  a->op == NOP_CREAT ? O_CREAT | O_EXCL | O_WRONLY : O_CREAT | O_RDONLY,
			  0644);
		ret = fd < 0 ? -1 : close(fd);
		break;
	case NOP_TMPFILE_LINK:
		fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY, 0644);
		if (fd < 0) {
			ret = -1;
			break;
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		ret = linkat(AT_FDCWD, proc, AT_FDCWD, a->path, AT_SYMLINK_FOLLOW);
		close(fd);
		break;
	case NOP_MKFIFO:
		ret = mknod(a->path, S_IFIFO | 0644, 0);
		break;
	case NOP_MKNODAT_REG:
		ret = mknodat(dirfd, base, S_IFREG | 0644, 0);
		break;
	case NOP_MKNOD_BLK:
		ret = mknod(a->path, S_IFBLK | 0600, makedev(8, 0));
		break;
	case NOP_MKNOD_CHR:
		ret = mknod(a->path, S_IFCHR | 0666, makedev(1, 3));
		break;
	case NOP_MKNOD_WHITEOUT:
		ret = mknod(a->path, S_IFCHR | 0600, makedev(0, 0));
		break;
	case NOP_BIND_UNIX:
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", a->path);
		ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
		close(fd);
		break;
	case NOP_MKDIR:
		ret = mkdir(a->path, 0755);
		break;
	case NOP_MKDIRAT:
		ret = mkdirat(dirfd, base, 0755);
		break;
	case NOP_URING_MKDIRAT:
		ret = uring_mkdirat(dirfd, base, 0755);
		if (ret < 0)
			errno = ret <= -1000 ? 202 : -ret;
		break;
	case NOP_SYMLINK:
		ret = symlink("/tmp/evil-preload-list", a->path);
		break;
	case NOP_SYMLINKAT:
		ret = symlinkat("/tmp/evil-preload-list", dirfd, base);
		break;
	case NOP_URING_SYMLINKAT:
		ret = uring_symlinkat("/tmp/evil-preload-list", dirfd, base);
		if (ret < 0)
			errno = ret <= -1000 ? 202 : -ret;
		break;
	case NOP_RMDIR:
		ret = rmdir(a->path);
		break;
	case NOP_UNLINKAT_DIR:
		ret = unlinkat(dirfd, base, AT_REMOVEDIR);
		break;
	case NOP_CHMOD:
		ret = chmod(a->path, 0640);
		break;
	case NOP_FCHMOD:
	case NOP_FCHOWN:
	case NOP_FSETXATTR_ACL:
		fd = open(a->path, O_RDONLY); /* reading is allowed */
		if (fd < 0)
			return 203;
		ret = a->op == NOP_FCHMOD   ? fchmod(fd, 0640)
		      : a->op == NOP_FCHOWN ? fchown(fd, a->uid, a->uid)
					    : fsetxattr(fd, "system.posix_acl_access", &acl_0644,
							sizeof(acl_0644), 0);
		close(fd);
		break;
	case NOP_FCHMODAT:
		ret = fchmodat(dirfd, base, 0640, 0);
		break;
	case NOP_CHOWN:
		ret = chown(a->path, a->uid, a->uid);
		break;
	case NOP_LCHOWN:
		ret = lchown(a->path, a->uid, a->uid);
		break;
	case NOP_FCHOWNAT:
		ret = fchownat(dirfd, base, a->uid, a->uid, AT_SYMLINK_NOFOLLOW);
		break;
	case NOP_SETXATTR_ACL:
		ret = setxattr(a->path, "system.posix_acl_access", &acl_0644, sizeof(acl_0644), 0);
		break;
	case NOP_LSETXATTR_ACL:
		ret = lsetxattr(a->path, "system.posix_acl_access", &acl_0644, sizeof(acl_0644), 0);
		break;
	case NOP_REMOVEXATTR_ACL:
		ret = removexattr(a->path, "system.posix_acl_access");
		break;
	case NOP_SETXATTR_TRUSTED:
		ret = setxattr(a->path, "trusted.lsmguard-test", "v", 1, 0);
		break;
	case NOP_REMOVEXATTR_TRUSTED:
		ret = removexattr(a->path, "trusted.lsmguard-test");
		break;
	}
	close(dirfd);
	return ret < 0 ? errno : 0;
}

static int name_op(const char *cgroup, enum name_op op, uid_t uid, const char *path)
{
	struct name_op_arg a = {.op = op, .uid = uid, .path = path};

	return in_cgroup(cgroup, do_name_op, &a);
}

#define EXPECT_OP(cgroup, op, uid, path, expected)                                                 \
	do {                                                                                       \
		int got_ = name_op((cgroup), (op), (uid), (path));                                 \
		if (got_ != (expected))                                                            \
			VM_FAIL("%s on %s as uid %d in %s: %d (%s), expected %s", op_names[op],    \
				(path), (int)(uid), (cgroup) ? (cgroup) : "no cgroup", got_,       \
				got_ > 0 ? strerror(got_) : "-", strerror(expected));              \
	} while (0)

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void remove_name(const char *path)
{
	if (remove(path) && errno != ENOENT)
		VM_FAIL("cannot remove %s: %s", path, strerror(errno));
}

/* A name made by op: refused under the read-only rule (nothing left behind), made outside any
 * policy and where the policy allows writing. */
static void check_create(enum name_op op, uid_t uid, const char *name)
{
	char ro[128], rw[128];

	snprintf(ro, sizeof(ro), RO "/%s", name);
	snprintf(rw, sizeof(rw), RW "/%s", name);
	EXPECT_OP(NAMES, op, uid, ro, EPERM);
	if (exists(ro))
		VM_FAIL("%s as uid %d: refused, yet %s exists", op_names[op], (int)uid, ro);
	EXPECT_OP(NULL, op, uid, ro, 0); /* unconfined control */
	remove_name(ro);
	EXPECT_OP(NAMES, op, uid, rw, 0);
	remove_name(rw);
}

static const enum name_op create_ops[] = {
    NOP_CREAT,	       NOP_CREAT_RDONLY, NOP_TMPFILE_LINK, NOP_MKFIFO,
    NOP_MKNODAT_REG,   NOP_BIND_UNIX,	 NOP_MKDIR,	   NOP_MKDIRAT,
    NOP_URING_MKDIRAT, NOP_SYMLINK,	 NOP_SYMLINKAT,	   NOP_URING_SYMLINKAT,
};

static void creates_as(uid_t uid)
{
	long mark = event_mark();
	char uid_field[32];

	for (size_t i = 0; i < sizeof(create_ops) / sizeof(create_ops[0]); i++)
		check_create(create_ops[i], uid, "new");
	snprintf(uid_field, sizeof(uid_field), "\"uid\":%d", (int)uid);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_mknod\"", uid_field,
			   "\"access\":\"write\"", "\"path\":\"" RO "/new\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_mkdir\"", uid_field,
			   "\"path\":\"" RO "/new\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_symlink\"", uid_field,
			   "\"path\":\"" RO "/new\"");
	/* O_TMPFILE: refused at the open, a write at the unnamed file ("#INODE") in RO. */
}

VM_TEST(names_create_under_read_only_rule_as_root, 170)
{
	names_setup();
	creates_as(0);
}

VM_TEST(names_create_under_read_only_rule_as_user, 171)
{
	names_setup();
	creates_as(USER);
}

/* The object at RO/name (made by make as root, owned by uid): op refused confined, works
 * outside any policy and under the allow rule. */
static void check_change(enum name_op op, uid_t uid, const char *make)
{
	char cmd[512];

	for (int where = 0; where < 2; where++) {
		const char *path = where ? RW "/obj" : RO "/obj";

		snprintf(cmd, sizeof(cmd), "rm -rf %s && %s %s && chown %d:%d %s", path, make, path,
			 (int)uid, (int)uid, path);
		VM_CHECK(system(cmd) == 0);
		if (op == NOP_REMOVEXATTR_TRUSTED)
			VM_CHECK(setxattr(path, "trusted.lsmguard-test", "v", 1, 0) == 0);
		if (!where) {
			EXPECT_OP(NAMES, op, uid, path, EPERM);
			EXPECT_OP(NULL, op, uid, path, 0);
		} else {
			EXPECT_OP(NAMES, op, uid, path, 0);
		}
		if (!exists(path) && op != NOP_RMDIR && op != NOP_UNLINKAT_DIR)
			VM_FAIL("%s removed %s", op_names[op], path);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s/obj %s/obj", RO, RW);
	VM_CHECK(system(cmd) == 0);
}

static void changes_as(uid_t uid)
{
	static const enum name_op file_ops[] = {
	    NOP_CHMOD,	       NOP_FCHMOD,	  NOP_FCHMODAT,	       NOP_CHOWN,
	    NOP_FCHOWN,	       NOP_LCHOWN,	  NOP_FCHOWNAT,	       NOP_SETXATTR_ACL,
	    NOP_LSETXATTR_ACL, NOP_FSETXATTR_ACL, NOP_REMOVEXATTR_ACL,
	};
	long mark = event_mark();
	char uid_field[32];

	for (size_t i = 0; i < sizeof(file_ops) / sizeof(file_ops[0]); i++)
		check_change(file_ops[i], uid, "touch");
	check_change(NOP_RMDIR, uid, "mkdir");
	check_change(NOP_UNLINKAT_DIR, uid, "mkdir");
	if (!uid) {
		check_change(NOP_SETXATTR_TRUSTED, uid, "touch");
		check_change(NOP_REMOVEXATTR_TRUSTED, uid, "touch");
	}
	snprintf(uid_field, sizeof(uid_field), "\"uid\":%d", (int)uid);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_chmod\"", uid_field,
			   "\"path\":\"" RO "/obj\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_chown\"", uid_field,
			   "\"path\":\"" RO "/obj\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"inode_setxattr\"", uid_field,
			   "\"path\":\"" RO "/obj\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"inode_removexattr\"",
			   uid_field, "\"path\":\"" RO "/obj\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_rmdir\"", uid_field,
			   "\"path\":\"" RO "/obj\"");
}

VM_TEST(names_metadata_under_read_only_rule_as_root, 172)
{
	names_setup();
	changes_as(0);
}

VM_TEST(names_metadata_under_read_only_rule_as_user, 173)
{
	names_setup();
	changes_as(USER);
}

#define DEVICES_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot create device nodes, or open them "         \
	"through overlayfs, unless its policy says [system] devices = allow\""

VM_TEST(names_device_nodes_need_the_devices_key, 174)
{
	long mark;

	names_setup();
	mark = event_mark();
	/* Root, in a directory its policy may write: refused by the built-in alone. */
	EXPECT_OP(NAMES, NOP_MKNOD_BLK, 0, RW "/disk", EPERM);
	EXPECT_OP(NAMES, NOP_MKNOD_CHR, 0, RW "/null", EPERM);
	EXPECT_OP(NAMES, NOP_MKNOD_WHITEOUT, 0, RW "/wh", EPERM);
	VM_CHECK(!exists(RW "/disk") && !exists(RW "/null") && !exists(RW "/wh"));
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_mknod\"", "\"uid\":0",
			   DEVICES_SOURCE, "\"path\":\"" RW "/disk\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_mknod\"", "\"uid\":0",
			   DEVICES_SOURCE, "\"path\":\"" RW "/null\"");
	/* uid 1000: no CAP_MKNOD, but a whiteout (0:0) needs none: only the built-in stops it. */
	mark = event_mark();
	EXPECT_OP(NAMES, NOP_MKNOD_WHITEOUT, USER, RW "/wh", EPERM);
	EXPECT_OP(NULL, NOP_MKNOD_WHITEOUT, USER, RW "/wh", 0);
	remove_name(RW "/wh");
	EXPECT_OP(NAMES, NOP_MKNOD_BLK, USER, RW "/disk", EPERM);
	EXPECT_OP(NULL, NOP_MKNOD_BLK, USER, RW "/disk", EPERM); /* the kernel: no CAP_MKNOD */
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_mknod\"", "\"uid\":1000",
			   DEVICES_SOURCE, "\"path\":\"" RW "/wh\"");
	/* Outside any policy, and under a policy that opts in. */
	EXPECT_OP(NULL, NOP_MKNOD_BLK, 0, RW "/disk", 0);
	remove_name(RW "/disk");
	EXPECT_OP(NAMES_DEV, NOP_MKNOD_BLK, 0, RW "/disk", 0);
	EXPECT_OP(NAMES_DEV, NOP_MKNOD_CHR, 0, RW "/null", 0);
	remove_name(RW "/disk");
	remove_name(RW "/null");
	/* The opt-in does not lift the file rules. */
	EXPECT_OP(NAMES_DEV, NOP_MKNOD_CHR, 0, RO "/null", EPERM);
	VM_CHECK(!exists(RO "/null"));
}

VM_TEST(names_audit_mode_logs_and_allows, 175)
{
	long mark;

	names_setup();
	mark = event_mark();
	EXPECT_OP(NAMES_AUDIT, NOP_CREAT, 0, RO "/audited", 0);
	VM_CHECK(exists(RO "/audited"));
	EXPECT_OP(NAMES_AUDIT, NOP_MKNOD_BLK, 0, RW "/audited-disk", 0);
	EXPECT_OP(NAMES_AUDIT, NOP_MKDIR, USER, RO "/audited-dir", 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_mknod\"", "\"path\":\"" RO "/audited\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_mknod\"", DEVICES_SOURCE,
			   "\"path\":\"" RW "/audited-disk\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_mkdir\"", "\"uid\":1000",
			   "\"path\":\"" RO "/audited-dir\"");
	remove_name(RO "/audited");
	remove_name(RW "/audited-disk");
	remove_name(RO "/audited-dir");
}

/* ---- renaming a directory that holds a rule's path ---- */

struct rename_arg {
	uid_t uid;
	const char *from, *to;
	unsigned flags; /* renameat2's */
	bool uring;
};

static int do_rename_op(const void *varg)
{
	const struct rename_arg *a = varg;
	int ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (a->uring) {
		ret = uring_renameat(AT_FDCWD, a->from, AT_FDCWD, a->to, a->flags);
		return ret >= 0 ? 0 : ret <= -1000 ? 202 : -ret;
	}
	ret = (int)syscall(SYS_renameat2, AT_FDCWD, a->from, AT_FDCWD, a->to, a->flags);
	return ret < 0 ? errno : 0;
}

static void expect_rename(const char *cgroup, uid_t uid, const char *from, const char *to,
			  unsigned flags, bool uring, int expected, int line)
{
	struct rename_arg a = {.uid = uid, .from = from, .to = to, .flags = flags, .uring = uring};
	int got = in_cgroup(cgroup, do_rename_op, &a);

	if (got != expected)
		harness_fail_at(__FILE__, line,
				"%srenameat2(%s, %s, %#x) as uid %d in %s: %d (%s), expected %s",
				uring ? "io_uring " : "", from, to, flags, (int)uid,
				cgroup ? cgroup : "no cgroup", got, got > 0 ? strerror(got) : "-",
				strerror(expected));
}

#define EXPECT_RENAME(cgroup, uid, from, to, flags, uring, expected)                              \
	expect_rename((cgroup), (uid), (from), (to), (flags), (uring), (expected), __LINE__)

#define BENEATH_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot rename or move a directory that holds a "   \
	"rule's path, put a directory or symbolic link where one lies beneath, nor move a file "  \
	"out of an [exec] deny rule\""
#define OTHERS_BENEATH_SOURCE                                                                     \
	"\"source\":\"built-in: a confined task cannot rename or move a directory that holds "     \
	"another policy's deny rule, nor put a directory or symbolic link where one lies "         \
	"beneath\""

static void renames_as(uid_t uid)
{
	char cmd[512], uid_field[32];
	long mark;

	snprintf(cmd, sizeof(cmd),
		 "rm -rf " HOME "/* && mkdir -p " HOME "/keys " HOME "/plain " HOME "/bin && echo k > "
		 HOME "/keys/key && echo p > " HOME "/bin/prog && echo t > " HOME "/tool && echo f > "
		 HOME "/plain/f && chown -R %d:%d " HOME "/keys " HOME "/plain " HOME "/bin " HOME
		 "/tool " OTHER " && chmod 0777 " OTHER,
		 (int)uid, (int)uid);
	VM_CHECK(system(cmd) == 0);
	mark = event_mark();
	/* The directory holding the protected file, by every rename route. */
	EXPECT_RENAME(NAMES, uid, HOME "/keys", HOME "/k2", 0, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/keys", HOME "/k2", RENAME_NOREPLACE, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/keys", HOME "/k2", 0, true, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/keys", HOME "/k2", RENAME_NOREPLACE, true, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/plain", HOME "/keys", RENAME_EXCHANGE, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/keys", HOME "/plain", RENAME_EXCHANGE, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/plain", HOME "/keys", RENAME_EXCHANGE, true, EPERM);
	/* A whiteout needs CAP_MKNOD: the kernel refuses uid 1000 before the hook. */
	EXPECT_RENAME(NAMES, uid, HOME "/keys", HOME "/k2", RENAME_WHITEOUT, false, EPERM);
	/* An ancestor, and a directory holding another policy's deny rule. */
	EXPECT_RENAME(NAMES, uid, HOME, "/tmp/nm/home2", 0, false, EPERM);
	EXPECT_RENAME(NAMES, uid, OTHER, "/tmp/nm/other2", 0, false, EPERM);
	/* Another policy's deny rule holds for an audit-mode policy too (a protection). */
	EXPECT_RENAME(NAMES_AUDIT, uid, OTHER, "/tmp/nm/other2", 0, false, EPERM);
	VM_CHECK(exists(HOME "/keys/key") && exists(OTHER "/secret"));
	/* A directory with no rule beneath moves; a file beside the rules too. */
	EXPECT_RENAME(NAMES, uid, HOME "/plain", HOME "/plain2", 0, false, 0);
	EXPECT_RENAME(NAMES, uid, HOME "/plain2", HOME "/plain", 0, true, 0);
	/* Outside any policy: allowed (the rule stays on the path; docs/policy.md). */
	EXPECT_RENAME(NULL, uid, HOME "/keys", HOME "/k2", 0, false, 0);
	EXPECT_RENAME(NULL, uid, HOME "/k2", HOME "/keys", 0, false, 0);
	EXPECT_RENAME(NULL, uid, HOME "/plain", HOME "/keys", RENAME_EXCHANGE, false, 0);
	EXPECT_RENAME(NULL, uid, HOME "/plain", HOME "/keys", RENAME_EXCHANGE, false, 0);
	VM_CHECK(exists(HOME "/keys/key"));
	/* A file an [exec] deny rule names does not leave it: not by a rename, not by an
	 * exchange; within the rule it moves. */
	EXPECT_RENAME(NAMES, uid, HOME "/tool", HOME "/tool2", 0, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/bin/prog", HOME "/prog", 0, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/bin/prog", HOME "/prog", 0, true, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/plain/f", HOME "/tool", RENAME_EXCHANGE, false, EPERM);
	EXPECT_RENAME(NAMES, uid, HOME "/bin/prog", HOME "/bin/prog.old", 0, false, 0);
	EXPECT_RENAME(NAMES, uid, HOME "/bin/prog.old", HOME "/bin/prog", 0, false, 0);
	EXPECT_RENAME(NAMES_AUDIT, uid, HOME "/tool", HOME "/tool2", 0, false, 0);
	EXPECT_RENAME(NULL, uid, HOME "/tool2", HOME "/tool", 0, false, 0);
	VM_CHECK(exists(HOME "/tool") && exists(HOME "/bin/prog"));
	snprintf(uid_field, sizeof(uid_field), "\"uid\":%d", (int)uid);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
			   "\"hook\":\"path_rename\"", uid_field, BENEATH_SOURCE,
			   "\"path\":\"" HOME "/bin/prog\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_rename\"", uid_field, BENEATH_SOURCE,
			   "\"path\":\"" HOME "/tool\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_rename\"", uid_field,
			   BENEATH_SOURCE, "\"path\":\"" HOME "/keys\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_rename\"", uid_field,
			   BENEATH_SOURCE, "\"path\":\"" HOME "\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"path_rename\"", uid_field,
			   OTHERS_BENEATH_SOURCE, "\"path\":\"" OTHER "\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_rename\"", uid_field, OTHERS_BENEATH_SOURCE,
			   "\"path\":\"" OTHER "\"");
}

VM_TEST(names_rename_of_a_directory_holding_rules_as_root, 176)
{
	names_setup();
	renames_as(0);
}

VM_TEST(names_rename_of_a_directory_holding_rules_as_user, 177)
{
	names_setup();
	renames_as(USER);
}

/* ---- names the walk cannot know: disconnected dentries ---- */

struct handle_arg {
	uid_t uid;
	int mount_fd;
	struct file_handle *handle;
};

static int do_open_by_handle(const void *varg)
{
	const struct handle_arg *a = varg;
	int fd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	fd = open_by_handle_at(a->mount_fd, a->handle, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static struct file_handle *handle_of(const char *path)
{
	struct file_handle *h = calloc(1, sizeof(*h) + MAX_HANDLE_SZ);
	int mount_id;

	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, h, &mount_id, 0))
		VM_FAIL("name_to_handle_at(%s): %s", path, strerror(errno));
	return h;
}

/*
 * Forget every unused dentry: the next open_by_handle_at makes a disconnected one. Three
 * rounds: a dentry used lately is only marked unreferenced by the first.
 */
static void drop_dentries(void)
{
	sync();
	for (int i = 0; i < 3; i++)
		write_into("/proc/sys/vm/drop_caches", "2");
}

static int open_by_handle_in(const char *cgroup, uid_t uid, int mount_fd, struct file_handle *h)
{
	struct handle_arg a = {.uid = uid, .mount_fd = mount_fd, .handle = h};

	return in_cgroup(cgroup, do_open_by_handle, &a);
}

/*
 * cgroupfs (kernfs) gives out file handles and drops unused dentries, like a disk filesystem:
 * after drop_caches, open_by_handle_at of a file (not a directory: exportfs reconnects those)
 * builds a disconnected dentry with no path to the root.
 */
VM_TEST(names_open_by_handle_of_an_uncached_name_fails_closed, 178)
{
	struct file_handle *secret, *open_dir;
	int mount_fd;
	long mark;

	names_setup();
	VM_CHECK(system("mkdir -p /sys/fs/cgroup/nm-secret /sys/fs/cgroup/nm-open") == 0);
	secret = handle_of("/sys/fs/cgroup/nm-secret/cgroup.procs");
	open_dir = handle_of("/sys/fs/cgroup/nm-open/cgroup.procs");
	mount_fd = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY);
	VM_CHECK(mount_fd >= 0);
	/* Connected (the names are cached): decided by the path, as any open. */
	VM_CHECK(access("/sys/fs/cgroup/nm-open/cgroup.procs", F_OK) == 0);
	VM_CHECK(access("/sys/fs/cgroup/nm-secret/cgroup.procs", F_OK) == 0);
	VM_CHECK(open_by_handle_in(NAMES, 0, mount_fd, open_dir) == 0);
	VM_CHECK(open_by_handle_in(NAMES, 0, mount_fd, secret) == EPERM);
	/* Disconnected: no path, denied whatever the rules say; reported as such. */
	mark = event_mark();
	drop_dentries();
	VM_CHECK(open_by_handle_in(NAMES, 0, mount_fd, open_dir) == EPERM);
	drop_dentries();
	VM_CHECK(open_by_handle_in(NAMES, 0, mount_fd, secret) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"file_open\"",
			   "\"disconnected\":true", "\"path\":\"/\"");
	/* Audit mode: the open goes ahead, reported. */
	drop_dentries();
	VM_CHECK(open_by_handle_in(NAMES_AUDIT, 0, mount_fd, secret) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"file_open\"", "\"disconnected\":true", "\"path\":\"/\"");
	/* Outside any policy. */
	drop_dentries();
	VM_CHECK(open_by_handle_in(NULL, 0, mount_fd, secret) == 0);
	/* uid 1000: open_by_handle_at needs CAP_DAC_READ_SEARCH; the kernel refuses first. */
	drop_dentries();
	VM_CHECK(open_by_handle_in(NAMES, USER, mount_fd, open_dir) == EPERM);
	VM_CHECK(open_by_handle_in(NULL, USER, mount_fd, open_dir) == EPERM);
	close(mount_fd);
	free(secret);
	free(open_dir);
	VM_CHECK(rmdir("/sys/fs/cgroup/nm-secret") == 0 && rmdir("/sys/fs/cgroup/nm-open") == 0);
}

/* ---- descriptors received from another process: file_receive ---- */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define RECV_GOT_NONE 300 /* recvmsg failed */
#define RECV_NO_CTRUNC 301 /* no descriptor, yet no MSG_CTRUNC */

struct recv_arg {
	uid_t uid;
	int sock;     /* the receiving end; the message is queued before the receiver starts */
	int expected; /* descriptors sent in the message */
	int got;      /* out (through the result): see do_recv_fds */
};

/*
 * Receive one message of one byte with descriptors. Returns 0 when every descriptor sent
 * arrived; EPERM when the kernel cut the control data (MSG_CTRUNC) and installed fewer, plus
 * 10 * the number installed (so 10 + EPERM: the first arrived, the second was refused).
 */
static int do_recv_fds(const void *varg)
{
	const struct recv_arg *a = varg;
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} control;
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *cmsg;
	int got = 0;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (recvmsg(a->sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return RECV_GOT_NONE;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			got += (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	if (got == a->expected && !(msg.msg_flags & MSG_CTRUNC))
		return 0;
	if (!(msg.msg_flags & MSG_CTRUNC))
		return RECV_NO_CTRUNC;
	return EPERM + 10 * got;
}

/* Send fds (count of them) over a fresh socket pair, then receive them in cgroup as uid. */
static int pass_fds(const char *cgroup, uid_t uid, const int *fds, int count)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} control = {};
	char byte = 'x';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = CMSG_SPACE((size_t)count * sizeof(int))};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	struct recv_arg a = {.uid = uid, .expected = count};
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return 400;
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN((size_t)count * sizeof(int));
	memcpy(CMSG_DATA(cmsg), fds, (size_t)count * sizeof(int));
	if (sendmsg(sv[0], &msg, 0) != 1) {
		ret = 401;
		goto out;
	}
	a.sock = sv[1];
	ret = in_cgroup(cgroup, do_recv_fds, &a);
out:
	close(sv[0]);
	close(sv[1]);
	return ret;
}

static int pass_fd(const char *cgroup, uid_t uid, int fd)
{
	return pass_fds(cgroup, uid, &fd, 1);
}

static int open_or_fail(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		VM_FAIL("open(%s): %s", path, strerror(errno));
	return fd;
}

/* A BPF array map's descriptor (the test runs as root, under no policy). */
static int bpf_map_fd(void)
{
	union {
		struct {
			uint32_t map_type, key_size, value_size, max_entries;
		} create;
		char pad[128];
	} attr = {.create = {2 /* BPF_MAP_TYPE_ARRAY */, 4, 4, 1}};

	return (int)syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, &attr, sizeof(attr));
}

/* The message queue MQ_NAME, made outside any policy, open for reading and writing by anyone. */
static int mq_make(void)
{
	mode_t old = umask(0);
	int mq = (int)mq_open(MQ_NAME, O_RDWR | O_CREAT | O_CLOEXEC, 0666, NULL);

	umask(old);
	if (mq < 0)
		VM_FAIL("mq_open(%s): %s", MQ_NAME, strerror(errno));
	return mq;
}

static int do_mq_open(const void *arg)
{
	uid_t uid = *(const uid_t *)arg;
	mqd_t mq;

	if (uid && (setgid(uid) || setuid(uid)))
		return 200;
	mq = mq_open(MQ_NAME, O_RDWR | O_CLOEXEC);
	if (mq < 0)
		return errno;
	mq_close(mq);
	return 0;
}

static void receive_cases(uid_t uid)
{
	int denied = open_or_fail(DENIED "/file", O_RDONLY);
	int ro_write = open_or_fail(RO "/file", O_RDWR);
	int ro_read = open_or_fail(RO "/file", O_RDONLY);
	int denied_path = open_or_fail(DENIED "/file", O_PATH);
	int ns = open_or_fail("/proc/self/ns/mnt", O_RDONLY);
	int map = bpf_map_fd();
	int pipes[2], memfd = memfd_create("nm-memfd", MFD_CLOEXEC), two[2];
	int mq = mq_make();
	char uid_field[32];
	long mark = event_mark();

	VM_CHECK(map >= 0 && memfd >= 0 && pipe2(pipes, O_CLOEXEC) == 0);
	snprintf(uid_field, sizeof(uid_field), "\"uid\":%d", (int)uid);
	/* Outside any policy: everything arrives. */
	VM_CHECK(pass_fd(NULL, uid, denied) == 0);
	VM_CHECK(pass_fd(NULL, uid, ro_write) == 0);
	VM_CHECK(pass_fd(NULL, uid, ns) == 0);
	VM_CHECK(pass_fd(NULL, uid, map) == 0);
	/* Under the policy: decided as if opened with the file's mode. recvmsg succeeds, with
	 * MSG_CTRUNC and no descriptor. */
	VM_CHECK(pass_fd(NAMES, uid, denied) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
			   "\"hook\":\"file_receive\"", "\"access\":\"read\"", uid_field,
			   "\"path\":\"" DENIED "/file\"");
	VM_CHECK(pass_fd(NAMES, uid, ro_write) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"file_receive\"",
			   "\"access\":\"write\"", "\"path\":\"" RO "/file\"");
	VM_CHECK(pass_fd(NAMES, uid, ro_read) == 0);
	/* O_PATH, pipes and memfd: allowed (no path to decide, or every use decided later). */
	VM_CHECK(pass_fd(NAMES, uid, denied_path) == 0);
	VM_CHECK(pass_fd(NAMES, uid, pipes[0]) == 0);
	VM_CHECK(pass_fd(NAMES, uid, pipes[1]) == 0);
	VM_CHECK(pass_fd(NAMES, uid, memfd) == 0);
	/* A POSIX message queue of another service: named, so decided by path (deny rule). */
	VM_CHECK(pass_fd(NULL, uid, mq) == 0);
	VM_CHECK(pass_fd(NAMES, uid, mq) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
			   "\"hook\":\"file_receive\"", "\"path\":\"" MQ_DENIED "\"");
	VM_CHECK(pass_fd(NAMES_AUDIT, uid, mq) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"file_receive\"", "\"path\":\"" MQ_DENIED "\"");
	/* Opening it by name (mq_open) is decided at the same path. */
	VM_CHECK(in_cgroup(NAMES, do_mq_open, &uid) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_mq_open, &uid) == 0);
	/* Namespaces and BPF objects: refused. */
	VM_CHECK(pass_fd(NAMES, uid, ns) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"file_receive\"",
			   "\"source\":\"built-in: a confined task cannot receive a namespace or "
			   "BPF object descriptor\"",
			   "\"path\":\"a namespace descriptor\"");
	VM_CHECK(pass_fd(NAMES, uid, map) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"names\"", "\"hook\":\"file_receive\"",
			   "\"path\":\"a BPF object's descriptor\"");
	/* What file_open's built-ins refuse, handed over instead: a write descriptor of the root
	 * cgroup's cgroup.procs (the receiver would move itself out of its policy) and of a
	 * setting that makes the kernel run a program. Refused, in audit mode too. */
	{
		int procs = open_or_fail("/sys/fs/cgroup/cgroup.procs", O_WRONLY | O_CLOEXEC);
		int core = open_or_fail("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);

		VM_CHECK(pass_fd(NULL, uid, procs) == 0);
		VM_CHECK(pass_fd(NAMES, uid, procs) == EPERM);
		VM_CHECK(pass_fd(NAMES_AUDIT, uid, procs) == EPERM);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names-audit\"",
				   "\"hook\":\"file_receive\"",
				   "\"path\":\"/sys/fs/cgroup/cgroup.procs\"");
		VM_CHECK(pass_fd(NAMES, uid, core) == EPERM);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
				   "\"hook\":\"file_receive\"",
				   "\"path\":\"/proc/sys/kernel/core_pattern\"");
		close(procs);
		close(core);
	}
	/* Two in one message: the allowed one arrives, the kernel stops at the refused one. */
	two[0] = ro_read;
	two[1] = denied;
	VM_CHECK(pass_fds(NAMES, uid, two, 2) == 10 + EPERM);
	/* Audit mode: the policy's rules are reported, not enforced; the protections hold. */
	VM_CHECK(pass_fd(NAMES_AUDIT, uid, denied) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"file_receive\"", "\"path\":\"" DENIED "/file\"");
	VM_CHECK(pass_fd(NAMES_AUDIT, uid, ns) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"file_receive\"", "\"path\":\"a namespace descriptor\"");
	close(denied);
	close(ro_write);
	close(ro_read);
	close(denied_path);
	close(ns);
	close(map);
	close(memfd);
	close(mq);
	mq_unlink(MQ_NAME);
	close(pipes[0]);
	close(pipes[1]);
}

VM_TEST(names_received_descriptors_as_root, 179)
{
	names_setup();
	receive_cases(0);
}

VM_TEST(names_received_descriptors_as_user, 180)
{
	names_setup();
	receive_cases(USER);
}

struct getfd_arg {
	uid_t uid;
	int fd; /* inherited from the test: the same file in the child it forks */
};

/*
 * pidfd_getfd of a descriptor of its own child (Yama lets a task take from its descendants):
 * the file arrives by file_receive like any other. Returns 0 or the errno.
 */
static int do_pidfd_getfd(const void *varg)
{
	const struct getfd_arg *a = varg;
	int pidfd, got, ret;
	pid_t child;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	/* setuid() left the process undumpable, which only CAP_SYS_PTRACE may take fds from */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 202;
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0) {
		ret = 201;
		goto out;
	}
	got = (int)syscall(SYS_pidfd_getfd, pidfd, a->fd, 0);
	ret = got < 0 ? errno : 0;
	if (got >= 0)
		close(got);
	close(pidfd);
out:
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return ret;
}

#define EXPECT_RESULT(call, expected)                                                              \
	do {                                                                                      \
		int got_ = (call);                                                                \
		if (got_ != (expected))                                                           \
			VM_FAIL("%s: %d, expected %d", #call, got_, (expected));                  \
	} while (0)

static void getfd_cases(uid_t uid)
{
	struct getfd_arg denied = {.uid = uid, .fd = open_or_fail(DENIED "/file", O_RDONLY)};
	struct getfd_arg ro_read = {.uid = uid, .fd = open_or_fail(RO "/file", O_RDONLY)};
	long mark = event_mark();

	EXPECT_RESULT(in_cgroup(NULL, do_pidfd_getfd, &denied), 0);
	EXPECT_RESULT(in_cgroup(NAMES, do_pidfd_getfd, &ro_read), 0);
	EXPECT_RESULT(in_cgroup(NAMES, do_pidfd_getfd, &denied), EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
			   "\"hook\":\"file_receive\"", "\"access\":\"read\"",
			   "\"path\":\"" DENIED "/file\"");
	EXPECT_RESULT(in_cgroup(NAMES_AUDIT, do_pidfd_getfd, &denied), 0);
	close(denied.fd);
	close(ro_read.fd);
}

VM_TEST(names_pidfd_getfd_is_a_received_descriptor, 181)
{
	names_setup();
	getfd_cases(0);
	getfd_cases(USER);
}

/* ---- hard links when their records are full ---- */

#define FILL "/tmp/nm/fill"
/* The records a case makes to fill the kernel's share: the capacity is set to those in use plus
 * this many (the map keeps the size of its load, 16,384 and the daemon's reserve). */
#define LINK_RECORDS 256

struct link_arg {
	uid_t uid;
	const char *from, *to;
};

static int do_link(const void *varg)
{
	const struct link_arg *a = varg;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	return link(a->from, a->to) ? errno : 0;
}

static int link_in(const char *cgroup, uid_t uid, const char *from, const char *to)
{
	struct link_arg a = {.uid = uid, .from = from, .to = to};

	return in_cgroup(cgroup, do_link, &a);
}

#define LR_TMPFS "/tmp/lr-tmpfs"
#define LR_DISK "/tmp/lr-disk"

/*
 * A link record goes when the kernel frees the file, and only then: every record of a tmpfs
 * goes with the tmpfs (they counted against the capacity for ever, and a later tmpfs reuses
 * the device number); a disk filesystem's inode freed to save memory keeps its record; an
 * unlink of the last name that the kernel refuses after the hook (the name is a mount point:
 * EBUSY) keeps it too (it was forgotten before the unlink, and the file kept its name).
 */
VM_TEST(names_link_records_go_with_the_file, 182)
{
	long long base, used;
	char a[64], b[64];

	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	base = link_records_field("used");
	VM_CHECK(base >= 0);
	VM_CHECK(mkdir(LR_TMPFS, 0755) == 0 || errno == EEXIST);
	VM_CHECK(mount("tmpfs", LR_TMPFS, "tmpfs", 0, "size=1m") == 0);
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof(a), LR_TMPFS "/a%d", i);
		snprintf(b, sizeof(b), LR_TMPFS "/b%d", i);
		write_file(a, "x\n", 0644);
		VM_CHECK(link(a, b) == 0);
	}
	used = link_records_field("used");
	printf("# records: %lld before, %lld with 20 linked files on a tmpfs\n", base, used);
	VM_CHECK(used == base + 20);
	VM_CHECK(vm_umount(LR_TMPFS) == 0);
	used = link_records_field("used");
	printf("# after the tmpfs is unmounted: %lld\n", used);
	if (used != base)
		VM_FAIL("the unmounted tmpfs left %lld link records behind", used - base);

	if (access("/dev/ram0", F_OK) != 0)
		VM_CHECK(system("insmod /lib/modules/brd.ko rd_nr=1 rd_size=1024") == 0);
	for (int i = 0; i < 50 && access("/dev/ram0", F_OK) != 0; i++)
		usleep(100 * 1000);
	VM_CHECK(system("busybox mke2fs /dev/ram0 >/dev/null 2>&1") == 0);
	VM_CHECK(mkdir(LR_DISK, 0755) == 0 || errno == EEXIST);
	VM_CHECK(mount("/dev/ram0", LR_DISK, "ext4", 0, NULL) == 0);
	write_file(LR_DISK "/f", "x\n", 0644);
	VM_CHECK(link(LR_DISK "/f", LR_DISK "/g") == 0);
	VM_CHECK(link_records_field("used") == base + 1);
	sync();
	write_into("/proc/sys/vm/drop_caches", "2");
	used = link_records_field("used");
	printf("# an ext4 file with two names, its inode dropped from memory: %lld\n", used);
	VM_CHECK(used == base + 1);
	VM_CHECK(unlink(LR_DISK "/f") == 0);
	VM_CHECK(link_records_field("used") == base + 1);
	VM_CHECK(mount(LR_DISK "/g", LR_DISK "/g", NULL, MS_BIND, NULL) == 0);
	VM_CHECK(unlink(LR_DISK "/g") == -1 && errno == EBUSY);
	used = link_records_field("used");
	printf("# its last name's unlink refused (a mount point): %lld\n", used);
	if (used != base + 1)
		VM_FAIL("a refused unlink of the last name dropped the record (%lld)", used);
	VM_CHECK(vm_umount(LR_DISK "/g") == 0);
	VM_CHECK(unlink(LR_DISK "/g") == 0);
	VM_CHECK(link_records_field("used") == base);
	VM_CHECK(vm_umount(LR_DISK) == 0);
}

/* The last "full until" warning of the daemon's standard error: its three numbers. */
static bool full_until_warning(long long *made, long long *capacity, long long *until)
{
	static const char prefix[] = "--link-records: the kernel has made ";
	char line[512];
	bool found = false;
	FILE *f = fopen(DAEMON_ERR, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		const char *at = strstr(line, prefix);

		if (at && sscanf(at + sizeof(prefix) - 1,
				 "%lld records, the capacity is %lld: full until %lld of them go",
				 made, capacity, until) == 3)
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * With the records full (a daemon started over the pinned programs with a capacity of
 * LINK_RECORDS more than the records in use, then that many links made), a new name cannot be
 * recorded: a file under a deny rule of any policy gets none (by anyone, as root or not, in
 * audit mode too), a task under a policy gets none for any file (as its mode says), and an
 * unconfined link of another file goes ahead with a notice. --link-records given to a daemon
 * that adopts the pins applies at once, up to the room their map was loaded with (16,384 for
 * the kernel): more is cut to that, with a warning.
 */
VM_TEST(names_links_when_the_records_are_full, 189)
{
	char capacity[24];
	const char *const small[] = {"--link-records", capacity, NULL};
	const char *const larger[] = {"--link-records", "20000", NULL};
	const char *const usual[] = {"--link-records", "16384", NULL};
	const char *const source = "\"source\":\"built-in: the hard-link records are full: no new "
				   "name for a file under a deny rule, nor by a confined task\"";
	char path[64], copy[64];
	long long before, used, made_total, warned_made = 0, warned_capacity = 0, warned_until = 0;
	long mark;
	int made = 0;

	VM_TIMEOUT(300);
	names_setup();
	/* Room for LINK_RECORDS more than the records in use now (the adopted records keep
	 * what earlier cases made). */
	used = link_records_field("used");
	VM_CHECK(used >= 0 && used < 16384 - LINK_RECORDS);
	snprintf(capacity, sizeof(capacity), "%lld", used + LINK_RECORDS);
	printf("# %lld link records in use: --link-records %s\n", used, capacity);
	VM_CHECK(daemon_restart_with(small));
	EXPECT_RESULT(link_records_field("capacity"), (int)used + LINK_RECORDS);
	VM_CHECK(system("rm -rf " FILL " && mkdir -p " FILL " && chmod 0777 " FILL) == 0);
	/* Fill: each link records its file. */
	for (int i = 0; i < LINK_RECORDS; i++) {
		int fd;

		snprintf(path, sizeof(path), FILL "/%d", i);
		snprintf(copy, sizeof(copy), FILL "/%d.l", i);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0 || close(fd) || link(path, copy)) {
			VM_FAIL("filling the records: %s: %s", path, strerror(errno));
			break;
		}
		made++;
	}
	VM_CHECK(made == LINK_RECORDS);
	/* Full now. Had another task made links meanwhile, the last fills went unrecorded (and
	 * are counted already); had a record gone meanwhile (its file freed), the fills left
	 * room: more links until status says full. */
	for (int i = 0; i < LINK_RECORDS && link_records_field("full") == 0; i++) {
		snprintf(path, sizeof(path), FILL "/extra%d", i);
		snprintf(copy, sizeof(copy), FILL "/extra%d.l", i);
		write_file(path, "", 0644);
		VM_CHECK(link(path, copy) == 0);
	}
	VM_CHECK(link_records_field("full") == 1);
	VM_CHECK(link_records_field("capacity") == used + LINK_RECORDS);
	before = link_records_field("unrecorded");
	VM_CHECK(before >= 0);
	mark = event_mark();
	/* Outside any policy, root and uid 1000: refused for the file under a deny rule only. */
	VM_CHECK(link_in(NULL, 0, DENIED "/file", "/tmp/nm/denied-copy") == EPERM);
	VM_CHECK(link_in(NULL, USER, DENIED "/file", "/tmp/nm/denied-copy") == EPERM);
	VM_EXPECT(access("/tmp/nm/denied-copy", F_OK), ENOENT);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":null", "\"hook\":\"path_link\"",
			   source, "\"path\":\"" DENIED "/file\"");
	VM_CHECK(link_in(NULL, 0, RW "/plain", RW "/plain-copy") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"notice\"", "\"policy\":null",
			   "\"hook\":\"path_link\"", source, "\"path\":\"" RW "/plain\"");
	VM_CHECK(unlink(RW "/plain-copy") == 0);
	VM_CHECK(link_in(NULL, USER, RW "/plain", RW "/plain-copy") == 0);
	VM_CHECK(unlink(RW "/plain-copy") == 0);
	/* Under a policy whose rules allow the link: refused all the same (enforce mode). */
	VM_CHECK(link_in(NAMES, 0, RW "/plain", RW "/plain-copy") == EPERM);
	VM_CHECK(link_in(NAMES, USER, RW "/plain", RW "/plain-copy") == EPERM);
	VM_EXPECT(access(RW "/plain-copy", F_OK), ENOENT);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
			   "\"hook\":\"path_link\"", source, "\"path\":\"" RW "/plain\"");
	/* Audit mode: reported and made; but not for a file under a deny rule (a protection). */
	VM_CHECK(link_in(NAMES_AUDIT, 0, RW "/plain", RW "/plain-copy") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_link\"", source, "\"path\":\"" RW "/plain\"");
	VM_CHECK(unlink(RW "/plain-copy") == 0);
	VM_CHECK(link_in(NAMES_AUDIT, 0, DENIED "/file", "/tmp/nm/denied-copy") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"path_link\"", source, "\"path\":\"" DENIED "/file\"");
	/* Counted: lsmguard status --json reports the 8 links tried above as unrecorded. */
	EXPECT_RESULT((int)(link_records_field("unrecorded") - before), 8);
	/* A daemon started over the pins with a capacity the records made already reach: it
	 * says they are full until enough of them go, and they are. The records made are read
	 * back from the warning (one may go between a status and the restart: its file freed),
	 * and must agree with the capacity, the count before the restart and the one after. */
	made_total = link_records_field("used");
	VM_CHECK(made_total >= used + LINK_RECORDS);
	VM_EXPECT_DAEMON_WARNING("--link-records: the kernel has made ");
	VM_CHECK(daemon_restart_with(small));
	if (!full_until_warning(&warned_made, &warned_capacity, &warned_until))
		VM_FAIL("the daemon's standard error lacks \"--link-records: the kernel has made N "
			"records, the capacity is C: full until K of them go\"");
	else if (warned_capacity != used + LINK_RECORDS || warned_made > made_total ||
		 warned_made < link_records_field("used") || warned_made < warned_capacity ||
		 warned_until != warned_made - warned_capacity + 1)
		VM_FAIL("the warning says %lld made, capacity %lld, full until %lld go; expected "
			"capacity %lld and made between %lld and %lld",
			warned_made, warned_capacity, warned_until, used + LINK_RECORDS,
			link_records_field("used"), made_total);
	VM_CHECK(link_records_field("full") == 1);
	EXPECT_RESULT(link_records_field("capacity"), (int)used + LINK_RECORDS);
	VM_CHECK(link_in(NAMES, 0, RW "/plain", RW "/plain-copy") == EPERM);
	/* Room again once names are gone: the denied file's new name is recorded, and its rule
	 * follows it. */
	VM_CHECK(system("rm -rf " FILL) == 0);
	VM_CHECK(link_in(NULL, 0, DENIED "/file", "/tmp/nm/denied-copy") == 0);
	VM_CHECK(try_open(NAMES, "/tmp/nm/denied-copy", O_RDONLY) == EPERM);
	VM_CHECK(unlink("/tmp/nm/denied-copy") == 0);
	/* More than the pinned map holds: cut to its room, with a warning naming the way. */
	VM_EXPECT_DAEMON_WARNING("--link-records: the pinned records hold 16384 for the kernel");
	VM_CHECK(daemon_restart_with(larger));
	EXPECT_RESULT(link_records_field("capacity"), 16384);
	VM_CHECK(system("grep -qF -- '--link-records: the pinned records hold 16384 for the kernel "
			"(their map' " DAEMON_ERR) == 0);
	/* Back to the usual daemon for the cases that follow. */
	VM_CHECK(daemon_restart_with(usual));
	EXPECT_RESULT(link_records_field("capacity"), 16384);
}

/* ---- a seccomp supervisor adding a descriptor to its target (SECCOMP_IOCTL_NOTIF_ADDFD) ---- */

struct addfd_arg {
	uid_t uid;
	int sock; /* the listener goes to the supervisor through it */
};

/* The target: a filter that hands getppid() to a supervisor, whose listener it sends away. */
static int do_seccomp_target(const void *varg)
{
	const struct addfd_arg *a = varg;
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {};
	char byte = 'l';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	int listener;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 201;
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		return 202;
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));
	if (sendmsg(a->sock, &msg, 0) != 1)
		return 203;
	close(listener);
	syscall(SYS_getppid); /* waits for the supervisor */
	return 0;
}

/* The supervisor (under no policy): add path's file to the target; the ioctl's errno or 0. */
static int seccomp_supervise(int sock, const char *path)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	struct seccomp_notif req = {};
	struct seccomp_notif_resp resp = {};
	struct seccomp_notif_addfd addfd = {};
	int listener, fd, ret;

	if (recvmsg(sock, &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg))
		return 300;
	memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
		return 301;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 302;
	addfd.id = req.id;
	addfd.srcfd = (uint32_t)fd;
	ret = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0 ? errno : 0;
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	close(fd);
	close(listener);
	return ret;
}

/* The supervisor's answer when the target in cgroup (as uid) is given path's file. */
static int addfd_in(const char *cgroup, uid_t uid, const char *path)
{
	struct addfd_arg a = {.uid = uid};
	int sv[2], result[2], got = OP_NO_RESULT, target;
	pid_t supervisor;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) || pipe2(result, O_CLOEXEC))
		return OP_FORK_FAILED;
	fflush(stdout);
	supervisor = fork();
	if (supervisor == 0) {
		int ret = seccomp_supervise(sv[0], path);

		_exit(write(result[1], &ret, sizeof(ret)) == sizeof(ret) ? 0 : 1);
	}
	close(result[1]);
	a.sock = sv[1];
	target = in_cgroup(cgroup, do_seccomp_target, &a);
	if (read(result[0], &got, sizeof(got)) != sizeof(got))
		got = OP_NO_RESULT;
	waitpid(supervisor, NULL, 0);
	close(result[0]);
	close(sv[0]);
	close(sv[1]);
	return target ? 1000 + target : got;
}

VM_TEST(names_seccomp_addfd_is_a_received_descriptor, 188)
{
	long mark;

	names_setup();
	mark = event_mark();
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		EXPECT_RESULT(addfd_in(NULL, uid, DENIED "/file"), 0);
		EXPECT_RESULT(addfd_in(NAMES, uid, RO "/file"), 0);
		EXPECT_RESULT(addfd_in(NAMES, uid, DENIED "/file"), EPERM);
		EXPECT_RESULT(addfd_in(NAMES_AUDIT, uid, DENIED "/file"), 0);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"names\"",
			   "\"hook\":\"file_receive\"", "\"uid\":1000",
			   "\"path\":\"" DENIED "/file\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"names-audit\"",
			   "\"hook\":\"file_receive\"", "\"path\":\"" DENIED "/file\"");
}
