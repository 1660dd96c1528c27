// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host code (LG_BUILTIN_HOST_CODE, a protection): what the kernel, systemd, cron, udev, the
 * package manager and root's logins run or obey as root is not written, renamed, removed,
 * linked, re-moded or re-timed by a confined task, whatever its [files] default says, unless a
 * write rule of its policy names the place (at or beneath the protected directory) or the policy
 * says [system] host-code = allow. The programs kernel settings name (kernel.modprobe, a pipe
 * core_pattern) are host code wherever they are. Also here: timestamps (inode_setattr) are a
 * write like any other, and the real-time throttling settings are kernel settings.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define HOST "/lgt/host"
#define HOST_AUDIT "/lgt/host-audit"
#define HOST_ETC "/lgt/host-etc"
#define HOST_ALLOW "/lgt/host-allow"
#define FILES "/lgt/files" /* cases.c: allow-read = /data/ro/ */
#define AUDIT "/lgt/audit"
#define USER 1000

#define USER_DIR "/etc/lgt-user"   /* owned by uid 1000: only lsmguard stands in the way */
#define HELPER_DIR "/lgt-helpers"  /* outside every host tree */
#define MODPROBE HELPER_DIR "/modprobe"
#define CORE_HELPER HELPER_DIR "/core-helper"

#define HOST_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot change what the host runs as root (units, " \
	"cron, udev, modules, /usr, /etc...) unless a write rule of its policy names the place or " \
	"it says [system] host-code = allow\""

/* [files] lets everything be written: only the built-in stands in the way. */
#define HOST_RULES "[files]\ndefault = allow\n"
static const char host_policy[] =
	"[policy]\nname = host\ncgroup = " HOST "\nmode = enforce\n" HOST_RULES;
static const char host_audit_policy[] =
	"[policy]\nname = host-audit\ncgroup = " HOST_AUDIT "\nmode = audit\n" HOST_RULES;
/* Rules that name places: /etc as a whole, one cron file exactly. */
static const char host_etc_policy[] = "[policy]\nname = host-etc\ncgroup = " HOST_ETC
				      "\nmode = enforce\n[files]\ndefault = deny\nallow = /etc/\n"
				      "allow = /etc/cron.d/lgt-named\nallow = /tmp/\n";
static const char host_allow_policy[] = "[policy]\nname = host-allow\ncgroup = " HOST_ALLOW
					"\nmode = enforce\n" HOST_RULES
					"[system]\nhost-code = allow\n";

static bool set_setting(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(value, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* The first size - 1 bytes of path: their length, or -1. */
static ssize_t read_setting(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The policies, directories and kernel settings of this file, once (each case may run alone). */
static void host_setup(void)
{
	if (access(POLICY_DIR "/host.ini", F_OK) == 0)
		return;
	VM_CHECK(system("mkdir -p /etc/cron.d /etc/systemd/system/multi-user.target.wants "
			"/etc/tmpfiles.d /usr/local/sbin /root " USER_DIR " " HELPER_DIR
			" && chown 1000:1000 " USER_DIR " && chmod 0777 " HELPER_DIR
			" && echo job > /etc/cron.d/lgt-existing && echo x > " USER_DIR "/owned"
			" && chown 1000:1000 " USER_DIR "/owned"
			" && cp /bin/busybox /usr/local/sbin/lgt-tool"
			" && echo helper > " MODPROBE " && echo helper > " CORE_HELPER
			" && echo other > " HELPER_DIR "/other && chmod 0666 " HELPER_DIR "/*") == 0);
	write_file(POLICY_DIR "/host.ini", host_policy, 0644);
	write_file(POLICY_DIR "/host-audit.ini", host_audit_policy, 0644);
	write_file(POLICY_DIR "/host-etc.ini", host_etc_policy, 0644);
	write_file(POLICY_DIR "/host-allow.ini", host_allow_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum host_op {
	H_CREATE,   /* open(path, O_CREAT | O_WRONLY) */
	H_WRITE,    /* open(path, O_WRONLY) */
	H_MKDIR,
	H_SYMLINK,  /* symlink(path2, path) */
	H_RENAME,   /* rename(path, path2) */
	H_UNLINK,
	H_LINK,     /* link(path, path2) */
	H_CHMOD,
	H_UTIMENS,  /* utimensat(path, explicit times) */
	H_FUTIMENS, /* futimens() on a read-only descriptor of path */
	H_SETXATTR, /* user.lgt */
	H_TRUNCATE,
};

struct host_try {
	enum host_op op;
	const char *path, *path2;
	uid_t uid; /* 0: stay root */
};

static int do_host(const void *arg)
{
	const struct host_try *a = arg;
	const struct timespec times[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
	int fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	switch (a->op) {
	case H_CREATE:
	case H_WRITE:
		fd = open(a->path, O_WRONLY | O_CLOEXEC | (a->op == H_CREATE ? O_CREAT : 0), 0644);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case H_MKDIR:
		return mkdir(a->path, 0755) ? errno : 0;
	case H_SYMLINK:
		return symlink(a->path2, a->path) ? errno : 0;
	case H_RENAME:
		return rename(a->path, a->path2) ? errno : 0;
	case H_UNLINK:
		return unlink(a->path) ? errno : 0;
	case H_LINK:
		return link(a->path, a->path2) ? errno : 0;
	case H_CHMOD:
		return chmod(a->path, 0600) ? errno : 0;
	case H_UTIMENS:
		return utimensat(AT_FDCWD, a->path, times, 0) ? errno : 0;
	case H_FUTIMENS:
		fd = open(a->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 200 + errno;
		ret = futimens(fd, times) ? errno : 0;
		close(fd);
		return ret;
	case H_SETXATTR:
		return setxattr(a->path, "user.lgt", "1", 1, 0) ? errno : 0;
	case H_TRUNCATE:
		return truncate(a->path, 0) ? errno : 0;
	}
	return 240;
}

static const char *const op_names[] = {
    [H_CREATE] = "create",   [H_WRITE] = "open for writing", [H_MKDIR] = "mkdir",
    [H_SYMLINK] = "symlink", [H_RENAME] = "rename",	     [H_UNLINK] = "unlink",
    [H_LINK] = "link",	     [H_CHMOD] = "chmod",	     [H_UTIMENS] = "utimensat",
    [H_FUTIMENS] = "futimens", [H_SETXATTR] = "setxattr",    [H_TRUNCATE] = "truncate",
};

#define EXPECT_HOST(cgroup, uid, op, path, path2, expected)                                       \
	do {                                                                                      \
		struct host_try t_ = {(op), (path), (path2), (uid)};                              \
		int got_ = in_cgroup((cgroup), do_host, &t_);                                     \
		if (got_ != (expected))                                                           \
			VM_FAIL("%s %s%s%s as uid %d in %s: %d (%s), expected %d (%s)",           \
				op_names[(op)], (path), (path2) ? " -> " : "",                    \
				(path2) ? (const char *)(path2) : "", (int)(uid),                 \
				(cgroup) ? (cgroup) : "no cgroup", got_,                          \
				got_ > 0 && got_ < 200 ? strerror(got_) : "-", (expected),        \
				(expected) ? strerror(expected) : "success");                     \
	} while (0)

/* Every kind of write a confined root might use on the host's code, each refused. */
VM_TEST(host_code_is_refused_to_a_confined_root, 150)
{
	long mark;

	char modprobe[256] = "", core[256] = "";

	host_setup();
	/* The kernel would start these as root: host code from the next reload on. Put back at
	 * the end (a module autoload would run the helper). */
	VM_CHECK(read_setting("/proc/sys/kernel/modprobe", modprobe, sizeof(modprobe)) > 0);
	VM_CHECK(read_setting("/proc/sys/kernel/core_pattern", core, sizeof(core)) > 0);
	VM_CHECK(set_setting("/proc/sys/kernel/modprobe", MODPROBE "\n"));
	VM_CHECK(set_setting("/proc/sys/kernel/core_pattern", "|" CORE_HELPER " %p\n"));
	VM_CHECK(daemon_reload_wait());
	mark = event_mark();
	EXPECT_HOST(HOST, 0, H_CREATE, "/etc/cron.d/lgt-job", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_WRITE, "/etc/cron.d/lgt-existing", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_MKDIR, "/etc/systemd/system-generators", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_SYMLINK, "/etc/systemd/system/multi-user.target.wants/lgt.service",
		    "/tmp/lgt.service", EPERM);
	/* (rename and link stay on the root filesystem: /tmp is another one) */
	VM_CHECK(system("echo 'w /etc/shadow - - - - x' > " HELPER_DIR "/tmpfiles.conf") == 0);
	EXPECT_HOST(HOST, 0, H_RENAME, HELPER_DIR "/tmpfiles.conf", "/etc/tmpfiles.d/lgt.conf",
		    EPERM);
	EXPECT_HOST(HOST, 0, H_RENAME, "/etc/cron.d", "/etc/cron.d.old", EPERM);
	EXPECT_HOST(HOST, 0, H_UNLINK, "/etc/cron.d/lgt-existing", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_LINK, "/etc/cron.d/lgt-existing", HELPER_DIR "/cron-link", EPERM);
	EXPECT_HOST(HOST, 0, H_CHMOD, "/etc/cron.d/lgt-existing", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_UTIMENS, "/etc/cron.d/lgt-existing", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_FUTIMENS, "/etc/cron.d/lgt-existing", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_SETXATTR, "/usr/local/sbin/lgt-tool", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_TRUNCATE, "/usr/local/sbin/lgt-tool", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_CREATE, "/root/.bashrc", NULL, EPERM);
	/* The programs kernel settings name, outside every host tree. */
	EXPECT_HOST(HOST, 0, H_WRITE, MODPROBE, NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_WRITE, CORE_HELPER, NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_RENAME, HELPER_DIR "/other", MODPROBE, EPERM);
	EXPECT_HOST(HOST, 0, H_WRITE, HELPER_DIR "/other", NULL, 0);
	VM_CHECK(set_setting("/proc/sys/kernel/modprobe", modprobe));
	VM_CHECK(set_setting("/proc/sys/kernel/core_pattern", core));
	VM_CHECK(access("/etc/cron.d/lgt-job", F_OK) == -1 && errno == ENOENT);
	VM_CHECK(access("/etc/systemd/system-generators", F_OK) == -1 && errno == ENOENT);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host\"",
			   "\"hook\":\"path_mknod\"", "\"path\":\"/etc/cron.d/lgt-job\"", HOST_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host\"",
			   "\"hook\":\"inode_setattr\"", "\"path\":\"/etc/cron.d/lgt-existing\"",
			   HOST_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" MODPROBE "\"", HOST_SOURCE);
	/* Unconfined, the same writes go through. */
	EXPECT_HOST(NULL, 0, H_UTIMENS, "/etc/cron.d/lgt-existing", NULL, 0);
	EXPECT_HOST(NULL, 0, H_WRITE, MODPROBE, NULL, 0);
	EXPECT_HOST(NULL, 0, H_CREATE, "/etc/cron.d/lgt-unconfined", NULL, 0);
	VM_CHECK(unlink("/etc/cron.d/lgt-unconfined") == 0);
}

/* As a user that owns a directory in /etc: the kernel lets it write there, lsmguard does not. */
VM_TEST(host_code_is_refused_to_a_confined_user, 150)
{
	host_setup();
	EXPECT_HOST(HOST, USER, H_CREATE, USER_DIR "/new", NULL, EPERM);
	EXPECT_HOST(HOST, USER, H_WRITE, USER_DIR "/owned", NULL, EPERM);
	EXPECT_HOST(HOST, USER, H_UTIMENS, USER_DIR "/owned", NULL, EPERM);
	EXPECT_HOST(HOST, USER, H_FUTIMENS, USER_DIR "/owned", NULL, EPERM);
	EXPECT_HOST(HOST, USER, H_CHMOD, USER_DIR "/owned", NULL, EPERM);
	/* path_mknod comes before the kernel's own permission check (may_o_create) */
	EXPECT_HOST(HOST, USER, H_CREATE, "/etc/cron.d/lgt-user", NULL, EPERM);
	EXPECT_HOST(NULL, USER, H_CREATE, "/etc/cron.d/lgt-user", NULL, EACCES);
	EXPECT_HOST(NULL, USER, H_CREATE, USER_DIR "/new", NULL, 0);
	EXPECT_HOST(NULL, USER, H_UTIMENS, USER_DIR "/owned", NULL, 0);
}

/* A protection: an audit-mode policy is refused too, and the event says deny. */
VM_TEST(host_code_is_refused_under_an_audit_policy, 150)
{
	long mark;

	host_setup();
	mark = event_mark();
	EXPECT_HOST(HOST_AUDIT, 0, H_CREATE, "/etc/cron.d/lgt-audit", NULL, EPERM);
	EXPECT_HOST(HOST_AUDIT, USER, H_WRITE, USER_DIR "/owned", NULL, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host-audit\"",
			   "\"hook\":\"path_mknod\"", "\"path\":\"/etc/cron.d/lgt-audit\"",
			   HOST_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host-audit\"", "\"uid\":1000",
			   "\"hook\":\"file_open\"", "\"path\":\"" USER_DIR "/owned\"", HOST_SOURCE);
}

/* A rule names a place at or beneath the protected directory; one above it does not. */
VM_TEST(host_code_named_by_a_rule, 150)
{
	host_setup();
	/* allow = /etc/ names /etc (its own files), not /etc/cron.d, a directory of its own. */
	EXPECT_HOST(HOST_ETC, 0, H_CREATE, "/etc/lgt-etc-file", NULL, 0);
	EXPECT_HOST(HOST_ETC, 0, H_CREATE, "/etc/cron.d/lgt-other", NULL, EPERM);
	EXPECT_HOST(HOST_ETC, 0, H_CREATE, "/etc/cron.d/lgt-named", NULL, 0);
	EXPECT_HOST(HOST_ETC, 0, H_UTIMENS, "/etc/cron.d/lgt-named", NULL, 0);
	EXPECT_HOST(HOST_ETC, 0, H_UTIMENS, "/etc/cron.d/lgt-existing", NULL, EPERM);
	/* lsmguard's own objects stay out of reach of any rule. */
	EXPECT_HOST(HOST_ETC, 0, H_CREATE, "/etc/lsmguard/lgt-x", NULL, EPERM);
	EXPECT_HOST(HOST_ETC, 0, H_CREATE, "/etc/ld.so.preload", NULL, EPERM);
	EXPECT_HOST(HOST_ETC, 0, H_CREATE, "/etc/systemd/system/lsmguard.service", NULL, EPERM);
	VM_CHECK(unlink("/etc/lgt-etc-file") == 0 && unlink("/etc/cron.d/lgt-named") == 0);
}

/* [system] host-code = allow opens the host's code, never lsmguard's objects. */
VM_TEST(host_code_key_opens_host_code_only, 150)
{
	host_setup();
	EXPECT_HOST(HOST_ALLOW, 0, H_CREATE, "/etc/cron.d/lgt-allowed", NULL, 0);
	EXPECT_HOST(HOST_ALLOW, 0, H_UTIMENS, "/etc/cron.d/lgt-allowed", NULL, 0);
	EXPECT_HOST(HOST_ALLOW, 0, H_UNLINK, "/etc/cron.d/lgt-allowed", NULL, 0);
	EXPECT_HOST(HOST_ALLOW, USER, H_WRITE, USER_DIR "/owned", NULL, 0);
	EXPECT_HOST(HOST_ALLOW, 0, H_WRITE, MODPROBE, NULL, 0);
	EXPECT_HOST(HOST_ALLOW, 0, H_CREATE, "/etc/lsmguard/lgt-x", NULL, EPERM);
	EXPECT_HOST(HOST_ALLOW, 0, H_CREATE, "/etc/systemd/system/lsmguard.service", NULL, EPERM);
	EXPECT_HOST(HOST_ALLOW, 0, H_CREATE, "/etc/ld.so.preload", NULL, EPERM);
	VM_CHECK(access("/etc/ld.so.preload", F_OK) == -1 && errno == ENOENT);
}

/* Timestamps are a write at the path (inode_setattr), for any file and rule, in both modes. */
VM_TEST(timestamps_are_a_write, 150)
{
	long mark;

	host_setup();
	VM_CHECK(system("echo x > /data/ro/times && chown 1000 /data/ro/times") == 0);
	mark = event_mark();
	EXPECT_HOST(FILES, 0, H_UTIMENS, "/data/ro/times", NULL, EPERM);
	EXPECT_HOST(FILES, 0, H_FUTIMENS, "/data/ro/times", NULL, EPERM);
	EXPECT_HOST(FILES, USER, H_UTIMENS, "/data/ro/times", NULL, EPERM);
	EXPECT_HOST(FILES, USER, H_FUTIMENS, "/data/ro/times", NULL, EPERM);
	EXPECT_HOST(AUDIT, USER, H_UTIMENS, "/data/ro/times", NULL, 0);
	EXPECT_HOST(NULL, USER, H_UTIMENS, "/data/ro/times", NULL, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"inode_setattr\"", "\"access\":\"write\"",
			   "\"path\":\"/data/ro/times\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"audit\"", "\"uid\":1000",
			   "\"hook\":\"inode_setattr\"", "\"path\":\"/data/ro/times\"");
	/* A writable file: no change of verdict. */
	VM_CHECK(system("echo x > /tmp/lgt-times && chown 1000 /tmp/lgt-times") == 0);
	EXPECT_HOST(FILES, USER, H_UTIMENS, "/tmp/lgt-times", NULL, 0);
	EXPECT_HOST(FILES, 0, H_FUTIMENS, "/tmp/lgt-times", NULL, 0);
}

/* Real-time throttling is a kernel setting: off, a SCHED_FIFO loop starves the daemon. */
VM_TEST(host_rt_throttling_settings_are_kernel_settings, 150)
{
	host_setup();
	EXPECT_HOST(HOST_ALLOW, 0, H_WRITE, "/proc/sys/kernel/sched_rt_runtime_us", NULL, EPERM);
	EXPECT_HOST(HOST_ALLOW, 0, H_WRITE, "/proc/sys/kernel/sched_rt_period_us", NULL, EPERM);
	EXPECT_HOST(HOST_AUDIT, 0, H_WRITE, "/proc/sys/kernel/sched_rt_runtime_us", NULL, EPERM);
	EXPECT_HOST(NULL, 0, H_WRITE, "/proc/sys/kernel/sched_rt_runtime_us", NULL, 0);
}

/* Entering another process's namespaces: setns() through a pidfd, or through /proc/PID/ns/. */
static int do_setns_init(const void *arg)
{
	int how = *(const int *)arg, fd, ret;

	if (how == 0) {
		fd = (int)syscall(SYS_pidfd_open, 1, 0);
		if (fd < 0)
			return 200 + errno;
		ret = setns(fd, CLONE_NEWNS | CLONE_NEWNET) ? errno : 0;
	} else {
		fd = open(how == 1 ? "/proc/1/ns/mnt" : "/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		ret = setns(fd, 0) ? errno : 0;
	}
	close(fd);
	return ret;
}

/* The ptrace built-in decides: the kernel asks ptrace_may_access for both routes. */
VM_TEST(host_setns_into_pid_1_is_refused, 150)
{
	host_setup();
	for (int how = 0; how < 3; how++) {
		int got = in_cgroup(HOST, do_setns_init, &how);

		if (got != (how == 0 ? EPERM : EACCES))
			VM_FAIL("setns route %d into PID 1's namespaces from %s: %d (%s)", how, HOST,
				got, got > 0 && got < 200 ? strerror(got) : "-");
		got = in_cgroup(HOST_ALLOW, do_setns_init, &how);
		if (got != (how == 0 ? EPERM : EACCES))
			VM_FAIL("setns route %d from %s: %d", how, HOST_ALLOW, got);
		got = in_cgroup(NULL, do_setns_init, &how);
		if (got != 0)
			VM_FAIL("setns route %d unconfined: %d (%s)", how, got,
				got > 0 && got < 200 ? strerror(got) : "-");
	}
}

/*
 * The administrator's own host-code places (host-code.list in the policy directory): a program
 * an unconfined unit starts from /srv, a hook script. Writable before the list names them,
 * refused from the reload that reads it on, in audit mode too, the directories above them
 * included; a list with an error refuses the reload and the places stay protected.
 */
VM_TEST(host_code_list_names_the_hosts_own_places, 150)
{
	static const char list[] = "# programs the host runs as root, outside lsmguard's list\n"
				   "/srv/lgt-app/bin/\n"
				   "  /srv/lgt-hooks/run.sh  \n"
				   "/srv/lgt-later/bin/\n"; /* not made yet */
	long mark;

	host_setup();
	VM_CHECK(system("mkdir -p /srv/lgt-app/bin /srv/lgt-hooks && cp /bin/busybox "
			"/srv/lgt-app/bin/prog && echo 'exit 0' > /srv/lgt-hooks/run.sh && echo x > "
			"/srv/lgt-hooks/other && chown -R 1000:1000 /srv/lgt-app /srv/lgt-hooks") == 0);
	/* Not host code yet: the policy's default = allow lets them be written. */
	EXPECT_HOST(HOST, 0, H_UTIMENS, "/srv/lgt-app/bin/prog", NULL, 0);
	EXPECT_HOST(HOST, 0, H_UTIMENS, "/srv/lgt-hooks/run.sh", NULL, 0);
	write_file(POLICY_DIR "/host-code.list", list, 0644);
	VM_CHECK(daemon_reload_wait());
	mark = event_mark();
	EXPECT_HOST(HOST, 0, H_WRITE, "/srv/lgt-app/bin/prog", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_CREATE, "/srv/lgt-app/bin/new", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_UNLINK, "/srv/lgt-app/bin/prog", NULL, EPERM);
	EXPECT_HOST(HOST, 0, H_RENAME, "/srv/lgt-app", "/srv/lgt-app.old", EPERM);
	EXPECT_HOST(HOST, 0, H_RENAME, "/srv/lgt-app/bin", "/srv/lgt-app/bin.old", EPERM);
	EXPECT_HOST(HOST, 0, H_RENAME, "/srv/lgt-hooks/other", "/srv/lgt-hooks/run.sh", EPERM);
	EXPECT_HOST(HOST, 0, H_WRITE, "/srv/lgt-hooks/run.sh", NULL, EPERM);
	EXPECT_HOST(HOST, USER, H_WRITE, "/srv/lgt-hooks/run.sh", NULL, EPERM);
	EXPECT_HOST(HOST, USER, H_CHMOD, "/srv/lgt-app/bin/prog", NULL, EPERM);
	EXPECT_HOST(HOST_AUDIT, 0, H_TRUNCATE, "/srv/lgt-app/bin/prog", NULL, EPERM);
	EXPECT_HOST(HOST_AUDIT, USER, H_CREATE, "/srv/lgt-app/bin/new", NULL, EPERM);
	/* A place not made yet: its missing directory cannot be made (a link to elsewhere
	 * would lead the unit to the attacker's files), by confined tasks. */
	EXPECT_HOST(HOST, 0, H_SYMLINK, "/srv/lgt-later", "/tmp", EPERM);
	EXPECT_HOST(HOST, 0, H_MKDIR, "/srv/lgt-later", NULL, EPERM);
	EXPECT_HOST(HOST_AUDIT, USER, H_MKDIR, "/srv/lgt-later", NULL, EPERM);
	VM_CHECK(access("/srv/lgt-later", F_OK) == -1 && errno == ENOENT);
	/* What the list does not name stays the rules' to decide; the key opens the list too. */
	EXPECT_HOST(HOST, 0, H_WRITE, "/srv/lgt-hooks/other", NULL, 0);
	EXPECT_HOST(HOST_ALLOW, 0, H_UTIMENS, "/srv/lgt-hooks/run.sh", NULL, 0);
	EXPECT_HOST(NULL, USER, H_UTIMENS, "/srv/lgt-app/bin/prog", NULL, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host\"",
			   "\"hook\":\"file_open\"", "\"path\":\"/srv/lgt-hooks/run.sh\"",
			   HOST_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"host-audit\"",
			   "\"hook\":\"path_truncate\"", "\"path\":\"/srv/lgt-app/bin/prog\"",
			   HOST_SOURCE);
	/* A list with an error: the reload is refused whole, the places stay protected. */
	VM_EXPECT_DAEMON_WARNING("host-code.list:2: error: 'srv/relative' is not an absolute path; "
				 "write it from the root, as in /srv/app/bin/");
	VM_EXPECT_DAEMON_WARNING("1 error in 1 of ");
	VM_EXPECT_DAEMON_WARNING("reload refused; the policies in force are unchanged");
	mark = event_mark();
	write_file(POLICY_DIR "/host-code.list", "/srv/lgt-app/bin/\nsrv/relative\n", 0644);
	VM_CHECK(kill(daemon_pid(), SIGHUP) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"reload\"", "\"result\":\"error\"");
	EXPECT_HOST(HOST, 0, H_WRITE, "/srv/lgt-hooks/run.sh", NULL, EPERM);
	VM_CHECK(unlink(POLICY_DIR "/host-code.list") == 0);
	VM_CHECK(daemon_reload_wait());
	EXPECT_HOST(HOST, 0, H_WRITE, "/srv/lgt-hooks/run.sh", NULL, 0);
	EXPECT_HOST(HOST, 0, H_MKDIR, "/srv/lgt-later", NULL, 0);
	VM_CHECK(rmdir("/srv/lgt-later") == 0);
}
