// SPDX-License-Identifier: GPL-2.0-only
/*
 * The service manager is out of a confined task's reach (LG_BUILTIN_SERVICE_MANAGER and
 * LG_BUILTIN_SIGNAL, protections: audit mode too). Unix sockets: connect() and datagrams to
 * systemd's private socket and to the D-Bus system bus (unless [system] system-bus = allow),
 * decided on the path the listener bound (lsm/unix_stream_connect, lsm/unix_may_send), by every
 * name a client can use; the socket files and the directories above them cannot be renamed or
 * removed. Signals: none but 0 to PID 1 (lsm/task_kill, lsm/file_send_sigiotask).
 *
 * The test VM has no systemd: the cases bind listeners at systemd's paths themselves, outside
 * every policy, as systemd and dbus.socket do.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define UNIX "/lgt/unix"
#define UNIX_AUDIT "/lgt/unix-audit"
#define UNIX_BUS "/lgt/unix-bus"
#define USER 1000

#define PRIVATE "/run/systemd/private"
#define BUS "/run/dbus/system_bus_socket"
#define JOURNAL "/run/systemd/journal/stdout" /* a socket of systemd's that services use */
#define OTHER_SOCKET "/tmp/unix-other.sock"
#define BIND_DIR "/tmp/unix-bind" /* /run/systemd bound here */
#define LINKED "/run/unix-linked"  /* a hard link to the private socket (same tmpfs) */

#define MANAGER_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot reach the service manager over systemd's " \
	"private socket or the host's root daemons over their control sockets (journald, udevd, " \
	"oomd), nor the D-Bus system bus unless its policy says [system] system-bus = allow\""
#define SIGNAL_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot signal lsmguard, PID 1 (the service "   \
	"manager) or systemd-journald; no SIGIO or SIGURG reaches them\""

/* [files] allows everything: only the built-ins decide. */
#define UNIX_RULES "[files]\ndefault = allow\n"
static const char unix_policy[] =
	"[policy]\nname = unix\ncgroup = " UNIX "\nmode = enforce\n" UNIX_RULES;
static const char unix_audit_policy[] =
	"[policy]\nname = unix-audit\ncgroup = " UNIX_AUDIT "\nmode = audit\n" UNIX_RULES;
static const char unix_bus_policy[] = "[policy]\nname = unix-bus\ncgroup = " UNIX_BUS
				      "\nmode = enforce\n" UNIX_RULES
				      "[system]\nsystem-bus = allow\n";

/* The policies and directories of this file, installed once (each case may run alone). */
static void unix_setup(void)
{
	if (access(POLICY_DIR "/unix.ini", F_OK) == 0)
		return;
	VM_CHECK(system("mkdir -p /run/systemd/journal /run/dbus /var && chmod 0755 /run/systemd "
			"/run/systemd/journal /run/dbus && { [ -e /var/run ] || ln -s /run "
			"/var/run; }") == 0);
	write_file(POLICY_DIR "/unix.ini", unix_policy, 0644);
	write_file(POLICY_DIR "/unix-audit.ini", unix_audit_policy, 0644);
	write_file(POLICY_DIR "/unix-bus.ini", unix_bus_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

enum unix_op {
	U_CONNECT,	/* connect() of a stream socket */
	U_CONNECT_SEQ,	/* connect() of a seqpacket socket (a stream listener refuses it) */
	U_DGRAM_SEND,	/* sendto() of a datagram */
	U_DGRAM_CONNECT, /* connect() of a datagram socket */
	U_SYMLINK,	/* a symlink to path made at path2, then connect() through it */
	U_RENAME,	/* rename(path, path2) */
	U_UNLINK,
	U_LINK,		/* link(path, path2) */
	U_KILL,		/* kill(1, sig) */
	U_PIDFD_SIGNAL, /* pidfd_send_signal(pidfd of 1, sig) */
	U_SIGQUEUE,	/* rt_sigqueueinfo(1, sig) */
	U_SIGIO,	/* F_SETOWN 1, F_SETSIG sig on a pipe, then a write that raises it */
};

struct unix_try {
	enum unix_op op;
	const char *path, *path2;
	int sig;
	uid_t uid; /* 0: stay root */
};

static int connect_to(const char *path, int type)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return 200;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ? errno : 0;
	close(fd);
	return ret;
}

static int send_to(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return 200;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ret = sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sun, sizeof(sun)) == 7 ? 0 : errno;
	close(fd);
	return ret;
}

static int sigio_to_init(int sig)
{
	int p[2];

	if (pipe(p))
		return 200;
	if (fcntl(p[0], F_SETOWN, 1))
		return errno;
	if (fcntl(p[0], F_SETSIG, sig) || fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return 201;
	if (write(p[1], "x", 1) != 1)
		return 202;
	close(p[0]);
	close(p[1]);
	return 0;
}

static int do_unix(const void *arg)
{
	const struct unix_try *a = arg;
	long pidfd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 210;
	switch (a->op) {
	case U_CONNECT:
		return connect_to(a->path, SOCK_STREAM);
	case U_CONNECT_SEQ:
		return connect_to(a->path, SOCK_SEQPACKET);
	case U_DGRAM_SEND:
		return send_to(a->path);
	case U_DGRAM_CONNECT:
		return connect_to(a->path, SOCK_DGRAM);
	case U_SYMLINK: {
		char name[128];

		snprintf(name, sizeof(name), "%s-%d", a->path2, (int)a->uid);
		unlink(name);
		if (symlink(a->path, name))
			return 220;
		return connect_to(name, SOCK_STREAM);
	}
	case U_RENAME:
		return rename(a->path, a->path2) ? errno : 0;
	case U_UNLINK:
		return unlink(a->path) ? errno : 0;
	case U_LINK:
		return link(a->path, a->path2) ? errno : 0;
	case U_KILL:
		return kill(1, a->sig) ? errno : 0;
	case U_PIDFD_SIGNAL:
		pidfd = syscall(SYS_pidfd_open, 1, 0);
		if (pidfd < 0)
			return 230;
		return syscall(SYS_pidfd_send_signal, (int)pidfd, a->sig, NULL, 0) ? errno : 0;
	case U_SIGQUEUE: {
		siginfo_t info = {.si_signo = a->sig, .si_code = SI_QUEUE};

		info.si_pid = getpid();
		info.si_uid = getuid();
		return syscall(SYS_rt_sigqueueinfo, 1, a->sig, &info) ? errno : 0;
	}
	case U_SIGIO:
		return sigio_to_init(a->sig);
	}
	return 240;
}

/* Make PID 1 the SIGIO owner of the pipe end *arg (shared with the caller), SIGRTMIN+1. */
static int do_set_sigio_owner(const void *arg)
{
	int fd = *(const int *)arg;

	if (fcntl(fd, F_SETOWN, 1) || fcntl(fd, F_SETSIG, SIGRTMIN + 1) ||
	    fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK))
		return errno;
	return 0;
}

static int do_kill_other(const void *arg)
{
	return kill(*(const pid_t *)arg, SIGKILL) ? errno : 0;
}

static const char *const op_names[] = {
    [U_CONNECT] = "connect",	     [U_CONNECT_SEQ] = "connect(seqpacket)",
    [U_DGRAM_SEND] = "sendto",	     [U_DGRAM_CONNECT] = "connect(dgram)",
    [U_SYMLINK] = "symlink+connect", [U_RENAME] = "rename",
    [U_UNLINK] = "unlink",	     [U_LINK] = "link",
    [U_KILL] = "kill(1)",	     [U_PIDFD_SIGNAL] = "pidfd_send_signal(1)",
    [U_SIGQUEUE] = "rt_sigqueueinfo(1)", [U_SIGIO] = "SIGIO to 1",
};

#define EXPECT_UNIX(cgroup, uid, op, path, path2, sig, expected)                                  \
	do {                                                                                      \
		struct unix_try t_ = {(op), (path), (path2), (sig), (uid)};                       \
		int got_ = in_cgroup((cgroup), do_unix, &t_);                                     \
		if (got_ != (expected))                                                           \
			VM_FAIL("%s %s%s%s sig %d as uid %d in %s: %d (%s), expected %d (%s)",    \
				op_names[(op)], (path) ? (path) : "", (path2) ? " -> " : "",      \
				(path2) ? (const char *)(path2) : "", (sig), (int)(uid),          \
				(cgroup) ? (cgroup) : "no cgroup", got_,                          \
				got_ > 0 && got_ < 200 ? strerror(got_) : "-", (expected),       \
				strerror(expected));                                              \
	} while (0)


/* Every name of the manager sockets, as root and as a user; the unconfined control each time. */
static void manager_sockets_cases(uid_t uid)
{
	int private_fd, bus_fd, journal_fd, other_fd;
	long mark;

	unix_setup();
	private_fd = unix_bound_at(PRIVATE, SOCK_STREAM);
	bus_fd = unix_bound_at(BUS, SOCK_STREAM);
	journal_fd = unix_bound_at(JOURNAL, SOCK_STREAM);
	other_fd = unix_bound_at(OTHER_SOCKET, SOCK_STREAM);
	unlink(LINKED);
	VM_CHECK(link(PRIVATE, LINKED) == 0);
	mark = event_mark();

	EXPECT_UNIX(UNIX, uid, U_CONNECT, PRIVATE, NULL, 0, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"",
			   "\"hook\":\"unix_stream_connect\"", UID_FIELD(uid),
			   "\"path\":\"" PRIVATE "\"", MANAGER_SOURCE);
	EXPECT_UNIX(UNIX, uid, U_CONNECT, BUS, NULL, 0, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"",
			   "\"hook\":\"unix_stream_connect\"", UID_FIELD(uid),
			   "\"path\":\"" BUS "\"", MANAGER_SOURCE);
	/* Other names of the same sockets: the listener's path decides. */
	EXPECT_UNIX(UNIX, uid, U_CONNECT, "/var/run/dbus/system_bus_socket", NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_CONNECT, "/run/./systemd//private", NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_CONNECT, BIND_DIR "/private", NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_CONNECT, LINKED, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_SYMLINK, PRIVATE, "/tmp/unix-symlink", 0, EPERM);
	/* /proc/1/root: a confined task may not look into PID 1's root (the ptrace built-in). */
	EXPECT_UNIX(UNIX, uid, U_CONNECT, "/proc/1/root" PRIVATE, NULL, 0, EACCES);
	EXPECT_UNIX(UNIX, uid, U_CONNECT, "/proc/self/root" BUS, NULL, 0, EPERM);

	/* Taking them out from under their names: refused (a protection), as for the unit. */
	EXPECT_UNIX(UNIX, uid, U_RENAME, PRIVATE, "/run/systemd/x", 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_UNLINK, BUS, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_RENAME, "/run/systemd", "/run/sd2", 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_RENAME, "/run/dbus", "/run/dbus2", 0, EPERM);
	EXPECT_UNIX(UNIX, 0, U_LINK, PRIVATE, "/run/unix-link2", 0, EPERM);
	VM_CHECK(access(PRIVATE, F_OK) == 0 && access(BUS, F_OK) == 0);
	VM_CHECK(access("/run/unix-link2", F_OK) != 0);

	/* journald's stdout socket: a stream of a confined task's own is refused (its header
	 * names a unit: LG_BUILTIN_JOURNAL, creds_journal_entries_under_another_unit), whatever
	 * the uid; from outside every policy it connects. */
	EXPECT_UNIX(UNIX, uid, U_CONNECT, JOURNAL, NULL, 0, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"",
			   "\"hook\":\"unix_stream_connect\"", UID_FIELD(uid),
			   "\"path\":\"a journal stream opened by a confined task (its header names "
			   "a unit)\"");
	EXPECT_UNIX(NULL, uid, U_CONNECT, JOURNAL, NULL, 0, 0);
	/* Controls: any other socket, from the same cgroup; the manager sockets from outside
	 * every policy. */
	EXPECT_UNIX(UNIX, uid, U_CONNECT, OTHER_SOCKET, NULL, 0, 0);
	EXPECT_UNIX(NULL, uid, U_CONNECT, PRIVATE, NULL, 0, 0);
	EXPECT_UNIX(NULL, uid, U_CONNECT, BUS, NULL, 0, 0);
	EXPECT_UNIX(NULL, uid, U_CONNECT, BIND_DIR "/private", NULL, 0, 0);
	EXPECT_UNIX(NULL, uid, U_CONNECT, LINKED, NULL, 0, 0);
	close(private_fd);
	close(bus_fd);
	close(journal_fd);
	close(other_fd);
}

/*
 * Root daemons' control sockets, which act on any root caller (attack run 5): journald's
 * varlink (RelinquishVar stops the persistent journal), udevd's control socket (stop the exec
 * queue, exit), PID 1's ManagedOOM. Refused like systemd's private socket, in both modes, as
 * root and as uid 1000; unconfined, connected.
 */
VM_TEST(unix_root_daemons_control_sockets, 189)
{
	static const char *const sockets[] = {"/run/systemd/journal/io.systemd.journal",
					      "/run/udev/control",
					      "/run/systemd/io.system.ManagedOOM"};
	long mark;

	unix_setup();
	VM_CHECK(system("mkdir -p /run/udev") == 0);
	mark = event_mark();
	for (size_t i = 0; i < sizeof(sockets) / sizeof(sockets[0]); i++) {
		int fd = unix_bound_at(sockets[i], SOCK_STREAM);

		EXPECT_UNIX(UNIX, 0, U_CONNECT, sockets[i], NULL, 0, EPERM);
		EXPECT_UNIX(UNIX, USER, U_CONNECT, sockets[i], NULL, 0, EPERM);
		EXPECT_UNIX(UNIX_AUDIT, 0, U_CONNECT, sockets[i], NULL, 0, EPERM);
		EXPECT_UNIX(NULL, 0, U_CONNECT, sockets[i], NULL, 0, 0);
		close(fd);
		unlink(sockets[i]);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix-audit\"",
			   "\"hook\":\"unix_stream_connect\"", "\"path\":\"/run/udev/control\"",
			   MANAGER_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"", "\"uid\":1000",
			   "\"path\":\"/run/systemd/journal/io.systemd.journal\"", MANAGER_SOURCE);
}

/* The bind mount and the hard link are an administrator's, made once. */
static void other_names_setup(void)
{
	mkdir(BIND_DIR, 0755);
	VM_CHECK(mount("/run/systemd", BIND_DIR, NULL, MS_BIND, NULL) == 0);
}

static void other_names_cleanup(void)
{
	umount2(BIND_DIR, MNT_DETACH);
	unlink(LINKED);
}

VM_TEST(unix_manager_sockets_as_root, 189)
{
	unix_setup();
	other_names_setup();
	manager_sockets_cases(0);
	other_names_cleanup();
}

VM_TEST(unix_manager_sockets_as_user, 189)
{
	unix_setup();
	other_names_setup();
	manager_sockets_cases(USER);
	other_names_cleanup();
}

/* A datagram socket bound at a manager socket's path: sendto and connect pass unix_may_send;
 * a seqpacket one: connect passes unix_stream_connect. */
static void datagram_cases(uid_t uid)
{
	int fd, seq;
	long mark;

	unix_setup();
	fd = unix_bound_at(PRIVATE, SOCK_DGRAM);
	mark = event_mark();
	EXPECT_UNIX(UNIX, uid, U_DGRAM_SEND, PRIVATE, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_DGRAM_CONNECT, PRIVATE, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX, uid, U_DGRAM_SEND, "/var/run/systemd/private", NULL, 0, EPERM);
	/* seqpacket connects like a stream (unix_stream_connect). */
	seq = unix_bound_at(BUS, SOCK_SEQPACKET);
	EXPECT_UNIX(UNIX, uid, U_CONNECT_SEQ, BUS, NULL, 0, EPERM);
	EXPECT_UNIX(NULL, uid, U_CONNECT_SEQ, BUS, NULL, 0, 0);
	close(seq);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"",
			   "\"hook\":\"unix_may_send\"", UID_FIELD(uid),
			   "\"path\":\"" PRIVATE "\"", MANAGER_SOURCE);
	/* Controls: outside every policy; another datagram socket of systemd's (sd_notify). */
	EXPECT_UNIX(NULL, uid, U_DGRAM_SEND, PRIVATE, NULL, 0, 0);
	EXPECT_UNIX(NULL, uid, U_DGRAM_CONNECT, PRIVATE, NULL, 0, 0);
	close(fd);
	fd = unix_bound_at("/run/systemd/notify", SOCK_DGRAM);
	EXPECT_UNIX(UNIX, uid, U_DGRAM_SEND, "/run/systemd/notify", NULL, 0, 0);
	close(fd);
}

VM_TEST(unix_manager_datagrams_as_root, 189)
{
	datagram_cases(0);
}

VM_TEST(unix_manager_datagrams_as_user, 189)
{
	datagram_cases(USER);
}

/* A protection: an audit-mode policy's task is refused too, and the event says deny. */
VM_TEST(unix_manager_sockets_under_an_audit_policy, 189)
{
	int private_fd, bus_fd;
	long mark;

	unix_setup();
	private_fd = unix_bound_at(PRIVATE, SOCK_STREAM);
	bus_fd = unix_bound_at(BUS, SOCK_STREAM);
	mark = event_mark();
	EXPECT_UNIX(UNIX_AUDIT, 0, U_CONNECT, PRIVATE, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX_AUDIT, USER, U_CONNECT, BUS, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX_AUDIT, 0, U_RENAME, "/run/systemd", "/run/sd2", 0, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix-audit\"",
			   "\"hook\":\"unix_stream_connect\"", "\"path\":\"" PRIVATE "\"",
			   MANAGER_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix-audit\"",
			   "\"hook\":\"unix_stream_connect\"", "\"uid\":1000",
			   "\"path\":\"" BUS "\"", MANAGER_SOURCE);
	close(private_fd);
	close(bus_fd);
}

/* [system] system-bus = allow opens the bus, never the private socket. */
VM_TEST(unix_system_bus_key_opens_the_bus_only, 189)
{
	int private_fd, bus_fd;
	long mark;

	unix_setup();
	private_fd = unix_bound_at(PRIVATE, SOCK_STREAM);
	bus_fd = unix_bound_at(BUS, SOCK_STREAM);
	mark = event_mark();
	EXPECT_UNIX(UNIX_BUS, 0, U_CONNECT, BUS, NULL, 0, 0);
	EXPECT_UNIX(UNIX_BUS, USER, U_CONNECT, BUS, NULL, 0, 0);
	EXPECT_UNIX(UNIX_BUS, 0, U_CONNECT, PRIVATE, NULL, 0, EPERM);
	EXPECT_UNIX(UNIX_BUS, USER, U_CONNECT, PRIVATE, NULL, 0, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix-bus\"",
			   "\"hook\":\"unix_stream_connect\"", "\"path\":\"" PRIVATE "\"",
			   MANAGER_SOURCE);
	/* Still a protected object: the key opens connecting, not renaming. */
	EXPECT_UNIX(UNIX_BUS, 0, U_UNLINK, BUS, NULL, 0, EPERM);
	close(private_fd);
	close(bus_fd);
}

/*
 * A user's own service manager (systemd --user): its private socket and the user's bus, in a
 * runtime directory on /run itself (uid 1000) and on a tmpfs of its own, as logind mounts it
 * (uid 1001). Connecting is refused like PID 1's sockets; the bus opens with system-bus = allow.
 */
VM_TEST(unix_user_manager_sockets, 189)
{
	static const char *const dirs[] = {"/run/user/1000", "/run/user/1001"};
	char private_path[2][64], bus_path[2][64];
	int fds[4], n = 0;
	long mark;

	unix_setup();
	VM_CHECK(system("mkdir -p /run/user/1000/systemd /run/user/1001 && "
			"mount -t tmpfs -o mode=0700,uid=1001 tmpfs /run/user/1001 && "
			"mkdir -p /run/user/1001/systemd && chmod 0755 /run/user/1001 && "
			"chown -R 1000 /run/user/1000") == 0);
	for (int i = 0; i < 2; i++) {
		snprintf(private_path[i], sizeof(private_path[i]), "%s/systemd/private", dirs[i]);
		snprintf(bus_path[i], sizeof(bus_path[i]), "%s/bus", dirs[i]);
		fds[n++] = unix_bound_at(private_path[i], SOCK_STREAM);
		fds[n++] = unix_bound_at(bus_path[i], SOCK_STREAM);
	}
	mark = event_mark();
	for (int i = 0; i < 2; i++) {
		EXPECT_UNIX(UNIX, USER, U_CONNECT, private_path[i], NULL, 0, EPERM);
		EXPECT_UNIX(UNIX, 0, U_CONNECT, private_path[i], NULL, 0, EPERM);
		EXPECT_UNIX(UNIX, USER, U_CONNECT, bus_path[i], NULL, 0, EPERM);
		EXPECT_UNIX(UNIX_AUDIT, USER, U_CONNECT, bus_path[i], NULL, 0, EPERM);
		EXPECT_UNIX(UNIX_BUS, USER, U_CONNECT, bus_path[i], NULL, 0, 0);
		EXPECT_UNIX(UNIX_BUS, USER, U_CONNECT, private_path[i], NULL, 0, EPERM);
		EXPECT_UNIX(NULL, USER, U_CONNECT, private_path[i], NULL, 0, 0);
		EXPECT_UNIX(NULL, USER, U_CONNECT, bus_path[i], NULL, 0, 0);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"", "\"uid\":1000",
			   "\"hook\":\"unix_stream_connect\"",
			   "\"path\":\"/run/user/1001/systemd/private\"", MANAGER_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix-audit\"",
			   "\"path\":\"/run/user/1000/bus\"", MANAGER_SOURCE);
	/* Another socket in the same directory is an ordinary socket. */
	{
		int other = unix_bound_at("/run/user/1001/systemd/notify-other", SOCK_STREAM);

		EXPECT_UNIX(UNIX, USER, U_CONNECT, "/run/user/1001/systemd/notify-other", NULL, 0, 0);
		close(other);
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	VM_CHECK(vm_umount("/run/user/1001") == 0);
}

/*
 * The built-in follows the names lsmguard protects: a socket an administrator (unconfined)
 * renames away from them is an ordinary socket under its new name. A confined task cannot
 * make that rename, nor one of the directories above.
 */
VM_TEST(unix_socket_renamed_by_an_administrator, 189)
{
	int fd;

	unix_setup();
	fd = unix_bound_at(PRIVATE, SOCK_STREAM);
	EXPECT_UNIX(UNIX, 0, U_RENAME, PRIVATE, "/run/systemd/moved", 0, EPERM);
	VM_CHECK(rename(PRIVATE, "/run/systemd/moved") == 0);
	EXPECT_UNIX(UNIX, 0, U_CONNECT, "/run/systemd/moved", NULL, 0, 0);
	VM_CHECK(rename("/run/systemd/moved", PRIVATE) == 0);
	EXPECT_UNIX(UNIX, 0, U_CONNECT, PRIVATE, NULL, 0, EPERM);
	close(fd);
}

/* Signals to PID 1 (here the VM's /init, a shell: the kernel drops what init has no handler
 * for, so the unconfined control changes nothing). */
static void signal_cases(const char *cgroup, uid_t uid)
{
	long mark = event_mark();

	EXPECT_UNIX(cgroup, uid, U_KILL, NULL, NULL, SIGRTMIN + 1, EPERM);
	EXPECT_UNIX(cgroup, uid, U_KILL, NULL, NULL, SIGTERM, EPERM);
	EXPECT_UNIX(cgroup, uid, U_PIDFD_SIGNAL, NULL, NULL, SIGHUP, EPERM);
	EXPECT_UNIX(cgroup, uid, U_SIGQUEUE, NULL, NULL, SIGUSR1, EPERM);
	/* Signal 0 only asks whether PID 1 exists (another user may not ask: the kernel). */
	EXPECT_UNIX(cgroup, uid, U_KILL, NULL, NULL, 0, uid ? EPERM : 0);
	if (uid)
		return; /* the kernel refuses another user's signals before any LSM */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"task_kill\"", "\"uid\":0",
			   "\"path\":\"PID 1 (the service manager)\"", SIGNAL_SOURCE);
	/* SIGIO: PID 1 is no confined task's file owner (another process: blind.c). */
	mark = event_mark();
	EXPECT_UNIX(cgroup, uid, U_SIGIO, NULL, NULL, SIGUSR1, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"file_fcntl\"",
			   "\"path\":\"another process as SIGIO owner\"");
}

VM_TEST(unix_signals_to_pid_1, 189)
{
	long mark;

	unix_setup();
	signal_cases(UNIX, 0);
	signal_cases(UNIX, USER);
	signal_cases(UNIX_AUDIT, 0);
	mark = event_mark();
	EXPECT_UNIX(UNIX_AUDIT, 0, U_KILL, NULL, NULL, SIGUSR2, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix-audit\"",
			   "\"hook\":\"task_kill\"", "\"path\":\"PID 1 (the service manager)\"");
	/* The owner set outside every policy (the suite), the I/O done by a confined task, then
	 * by the suite: the signal would be raised by the writer. Refused to both. */
	{
		int p[2];

		VM_CHECK(pipe(p) == 0);
		VM_CHECK(in_cgroup(UNIX, do_set_sigio_owner, &p[0]) == EPERM);
		VM_CHECK(do_set_sigio_owner(&p[0]) == 0);
		mark = event_mark();
		VM_CHECK(in_cgroup(UNIX, do_write_byte, &p[1]) == 0);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"unix\"",
				   "\"hook\":\"file_send_sigiotask\"",
				   "\"path\":\"PID 1 (the service manager) (SIGIO)\"",
				   SIGNAL_SOURCE);
		mark = event_mark();
		VM_CHECK(write(p[1], "x", 1) == 1);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"file_send_sigiotask\"",
				   "\"path\":\"PID 1 (the service manager) (SIGIO)\"",
				   SIGNAL_SOURCE);
		close(p[0]);
		close(p[1]);
	}
	/* Controls: unconfined root; a confined task's signal to a process of its own policy
	 * that is not PID 1. */
	EXPECT_UNIX(NULL, 0, U_KILL, NULL, NULL, SIGWINCH, 0);
	EXPECT_UNIX(NULL, 0, U_PIDFD_SIGNAL, NULL, NULL, SIGWINCH, 0);
	{
		pid_t other = fork();

		if (other == 0) {
			pause();
			_exit(0);
		}
		VM_CHECK(move_into_cgroup(UNIX, other));
		VM_CHECK(in_cgroup(UNIX, do_kill_other, &other) == 0);
		waitpid(other, NULL, 0);
	}
}

/* The verifier's work for this file's programs (a TAP comment; each walks a path once). */
VM_TEST(unix_verifier_cost, 189)
{
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	static const char *const names[] = {"lg_unix_stream_connect", "lg_unix_may_send",
					    "lg_task_kill", "lg_file_send_sigiotask"};
	static char out[1048576];
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
