// SPDX-License-Identifier: GPL-2.0-only
/*
 * [files] decides a pathname unix socket: connect() and every datagram sent to a peer is a write
 * at the path its listener bound (lsm/unix_stream_connect, lsm/unix_may_send), whatever name the
 * client used. Abstract names are decided by [network] `@NAME` rules. Every route, as root and
 * as uid 1000, in enforce and audit mode, with the unconfined control.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define UPEER "/lgt/upeer"
#define UPEER_AUDIT "/lgt/upeer-audit"
#define USER 1000

#define DENIED "/run/lgt-peer/denied"	 /* deny = DENIED/ */
#define READONLY "/run/lgt-peer/ro"	 /* allow-read = READONLY/: connect is a write */
#define FREE "/tmp/lgt-peer-free"	 /* default = allow */
#define BIND "/tmp/lgt-peer-bind"	 /* DENIED bound here by the administrator */
#define MOVABLE "/run/lgt-peer/free"	 /* default = allow, on DENIED's filesystem (renames) */

#define UPEER_RULES                                                                               \
	"[files]\ndefault = allow\ndeny = " DENIED "/\nallow-read = " READONLY "/\n"             \
	"[network]\ndefault = deny\nallow = @lgt-allowed\nallow = @lgt-pre*\n"                    \
	"deny = @lgt-pre-no*\nallow = @lgt\\x00nul\\x01\n"                                       \
	"listen = @lgt-srv\nlisten = @lgt-spre*\ndeny-listen = @lgt-spre-no*\n"
static const char upeer_policy[] =
	"[policy]\nname = upeer\ncgroup = " UPEER "\nmode = enforce\n" UPEER_RULES;
static const char upeer_audit_policy[] =
	"[policy]\nname = upeer-audit\ncgroup = " UPEER_AUDIT "\nmode = audit\n" UPEER_RULES;
/* Denies what upeer allows under /run/lgt-peer: one peer, two policies' verdicts. */
#define UPEER_STRICT "/lgt/upeer-strict"
static const char upeer_strict_policy[] =
	"[policy]\nname = upeer-strict\ncgroup = " UPEER_STRICT "\nmode = enforce\n"
	"[files]\ndefault = allow\ndeny = /run/lgt-peer/\n";


static void upeer_setup(void)
{
	if (access(POLICY_DIR "/upeer.ini", F_OK) == 0)
		return;
	VM_CHECK(system("mkdir -p " DENIED " " READONLY " " FREE " " BIND " " MOVABLE
			" && chmod 0777 " DENIED " " READONLY " " FREE " " MOVABLE
			" && chmod 0755 /run/lgt-peer") == 0);
	write_file(POLICY_DIR "/upeer.ini", upeer_policy, 0644);
	write_file(POLICY_DIR "/upeer-audit.ini", upeer_audit_policy, 0644);
	write_file(POLICY_DIR "/upeer-strict.ini", upeer_strict_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

/* The same at an abstract name of len bytes (after the leading NUL). */
static int bind_abstract(const char *name, size_t len, int type)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(sun.sun_path + 1, name, len);
	if (bind(fd, (struct sockaddr *)&sun,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) ||
	    (type != SOCK_DGRAM && listen(fd, 1024))) {
		VM_FAIL("cannot bind @%s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

enum peer_op {
	P_CONNECT,	  /* connect() of a stream socket */
	P_CONNECT_SEQ,	  /* of a seqpacket socket */
	P_CONNECT_DGRAM,  /* of a datagram socket */
	P_SENDTO,	  /* sendto() of a datagram */
	P_SENDMSG,	  /* sendmsg() with msg_name */
	P_SEND_CONNECTED, /* send() on the datagram socket fd, connected outside every policy */
	P_SYMLINK,	  /* a symlink made by the task in /tmp, then connect() through it */
	P_OPATH_FD,	  /* open(O_PATH) of the socket, then connect() to /proc/self/fd/N */
	P_FD_NAME,	  /* connect() to /proc/self/fd/N, fd an O_PATH descriptor inherited */
	P_URING_CONNECT,  /* io_uring IORING_OP_CONNECT, stream */
	P_URING_SENDMSG,  /* io_uring IORING_OP_SENDMSG with msg_name, datagram */
	P_SOCKETPAIR,	  /* a datagram socketpair: no name at all */
	P_ABSTRACT,	  /* connect() of a stream socket to the abstract name path[0..len) */
	P_ABSTRACT_DGRAM, /* sendto() to the abstract name */
	P_RECEIVED_SEND,  /* a connected socket received over SCM_RIGHTS on fd, then send() */
	P_BIND,		  /* bind() of a stream socket to the abstract name (or path), listen() */
	P_BIND_DGRAM,	  /* bind() of a datagram socket to it */
	P_AUTOBIND,	  /* bind() to sun_family alone (the kernel picks a name), then listen() */
};

struct peer_try {
	enum peer_op op;
	const char *path;
	size_t len; /* bytes of an abstract name (P_ABSTRACT*, io_uring's); 0: a path */
	int fd;	    /* P_SEND_CONNECTED, P_FD_NAME */
	uid_t uid;
};

static socklen_t fill(struct sockaddr_un *sun, const struct peer_try *a)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (a->op == P_ABSTRACT || a->op == P_ABSTRACT_DGRAM || a->len || a->op == P_AUTOBIND) {
		memcpy(sun->sun_path + 1, a->path, a->len);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + a->len);
	}
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", a->path);
	return sizeof(*sun);
}

static int connect_path(const char *path, int type)
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

static int do_peer(const void *arg)
{
	const struct peer_try *a = arg;
	struct sockaddr_un sun;
	socklen_t len = fill(&sun, a);
	char name[128];
	int fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 210;
	switch (a->op) {
	case P_CONNECT:
	case P_ABSTRACT:
	case P_CONNECT_SEQ:
	case P_CONNECT_DGRAM:
		fd = socket(AF_UNIX,
			    a->op == P_CONNECT_SEQ	 ? SOCK_SEQPACKET
			    : a->op == P_CONNECT_DGRAM ? SOCK_DGRAM
						       : SOCK_STREAM,
			    0);
		if (fd < 0)
			return 200;
		return connect(fd, (struct sockaddr *)&sun, len) ? errno : 0;
	case P_SENDTO:
	case P_ABSTRACT_DGRAM:
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd < 0)
			return 200;
		return sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len) == 1 ? 0 : errno;
	case P_SENDMSG: {
		struct iovec iov = {.iov_base = "x", .iov_len = 1};
		struct msghdr msg = {.msg_name = &sun, .msg_namelen = len, .msg_iov = &iov,
				     .msg_iovlen = 1};

		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd < 0)
			return 200;
		return sendmsg(fd, &msg, 0) == 1 ? 0 : errno;
	}
	case P_SEND_CONNECTED:
		return send(a->fd, "x", 1, 0) == 1 ? 0 : errno;
	case P_SYMLINK:
		snprintf(name, sizeof(name), "/tmp/lgt-peer-link-%d", (int)a->uid);
		unlink(name);
		if (symlink(a->path, name))
			return 220;
		return connect_path(name, SOCK_STREAM);
	case P_OPATH_FD:
		fd = open(a->path, O_PATH);
		if (fd < 0)
			return 221;
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		return connect_path(name, SOCK_STREAM);
	case P_FD_NAME:
		snprintf(name, sizeof(name), "/proc/self/fd/%d", a->fd);
		return connect_path(name, SOCK_STREAM);
	case P_URING_CONNECT:
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return 200;
		ret = uring_connect(fd, (struct sockaddr *)&sun, len);
		return ret < 0 ? (ret > -1000 ? -ret : 222) : 0;
	case P_URING_SENDMSG: {
		struct iovec iov = {.iov_base = "x", .iov_len = 1};
		struct msghdr msg = {.msg_name = &sun, .msg_namelen = len, .msg_iov = &iov,
				     .msg_iovlen = 1};

		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd < 0)
			return 200;
		ret = uring_sendmsg(fd, &msg);
		return ret < 0 ? (ret > -1000 ? -ret : 222) : 0;
	}
	case P_RECEIVED_SEND: {
		char data, control[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {.iov_base = &data, .iov_len = 1};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				     .msg_controllen = sizeof(control)};
		struct cmsghdr *cmsg;

		if (recvmsg(a->fd, &msg, 0) != 1)
			return 223;
		cmsg = CMSG_FIRSTHDR(&msg);
		if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
			return 224; /* no descriptor installed */
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
		return send(fd, "x", 1, 0) == 1 ? 0 : errno;
	}
	case P_BIND:
	case P_BIND_DGRAM:
	case P_AUTOBIND:
		fd = socket(AF_UNIX, a->op == P_BIND_DGRAM ? SOCK_DGRAM : SOCK_STREAM, 0);
		if (fd < 0)
			return 200;
		if (a->op != P_BIND_DGRAM && a->len == 0 && a->path)
			unlink(a->path);
		if (bind(fd, (struct sockaddr *)&sun,
			 a->op == P_AUTOBIND ? (socklen_t)sizeof(sa_family_t) : len))
			return errno;
		if (a->op == P_AUTOBIND) /* the name anybody reads in /proc/net/unix */
			return listen(fd, 8) ? errno : 0;
		return a->op == P_BIND_DGRAM || listen(fd, 8) == 0 ? 0 : 150 + errno;
	case P_SOCKETPAIR: {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			return 200;
		return send(sv[0], "x", 1, 0) == 1 ? 0 : errno;
	}
	}
	return 240;
}

static const char *const op_names[] = {
    [P_CONNECT] = "connect",
    [P_CONNECT_SEQ] = "connect(seqpacket)",
    [P_CONNECT_DGRAM] = "connect(dgram)",
    [P_SENDTO] = "sendto",
    [P_SENDMSG] = "sendmsg(msg_name)",
    [P_SEND_CONNECTED] = "send(connected)",
    [P_SYMLINK] = "symlink+connect",
    [P_OPATH_FD] = "O_PATH+connect(/proc/self/fd/N)",
    [P_FD_NAME] = "connect(/proc/self/fd/N, inherited O_PATH)",
    [P_URING_CONNECT] = "io_uring connect",
    [P_URING_SENDMSG] = "io_uring sendmsg",
    [P_SOCKETPAIR] = "socketpair send",
    [P_ABSTRACT] = "connect(abstract)",
    [P_ABSTRACT_DGRAM] = "sendto(abstract)",
    [P_RECEIVED_SEND] = "send on a socket received over SCM_RIGHTS",
    [P_BIND] = "bind+listen",
    [P_BIND_DGRAM] = "bind(dgram)",
    [P_AUTOBIND] = "bind(autobind)+listen",
};

static void expect_peer(int line, const char *cgroup, uid_t uid, enum peer_op op,
			const char *path, size_t len, int fd, int expected)
{
	struct peer_try t = {op, path, len, fd, uid};
	int got = in_cgroup(cgroup, do_peer, &t);

	if (got != expected)
		VM_FAIL("line %d: %s %s as uid %d in %s: %d (%s), expected %d (%s)", line,
			op_names[op], path ? path : "", (int)uid, cgroup ? cgroup : "no cgroup",
			got, got > 0 && got < 200 ? strerror(got) : "-", expected,
			strerror(expected));
}
#define EXPECT_PEER(cgroup, uid, op, path, expected)                                              \
	expect_peer(__LINE__, (cgroup), (uid), (op), (path), 0, -1, (expected))
#define EXPECT_PEER_FD(cgroup, uid, op, fd, expected)                                             \
	expect_peer(__LINE__, (cgroup), (uid), (op), NULL, 0, (fd), (expected))
#define EXPECT_ABSTRACT(cgroup, uid, op, name, len, expected)                                     \
	expect_peer(__LINE__, (cgroup), (uid), (op), (name), (len), -1, (expected))

/* A datagram socket connected to path outside every policy (to be used by a confined child). */
static int connected_dgram(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		VM_FAIL("cannot connect to %s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

#define STREAM_SOCK DENIED "/stream.sock"
#define DGRAM_SOCK DENIED "/dgram.sock"
#define SEQ_SOCK DENIED "/seq.sock"
#define RO_SOCK READONLY "/stream.sock"
#define FREE_SOCK FREE "/stream.sock"
#define FREE_DGRAM FREE "/dgram.sock"

static void pathname_cases(uid_t uid)
{
	const char *deny_source, *ro_source;
	int stream, dgram, seq, ro, free_stream, free_dgram, connected, free_connected;
	long mark;

	upeer_setup();
	deny_source = source_of("upeer.ini", "deny = " DENIED "/");
	ro_source = source_of("upeer.ini", "allow-read = " READONLY "/");
	stream = unix_bound_at(STREAM_SOCK, SOCK_STREAM);
	dgram = unix_bound_at(DGRAM_SOCK, SOCK_DGRAM);
	seq = unix_bound_at(SEQ_SOCK, SOCK_SEQPACKET);
	ro = unix_bound_at(RO_SOCK, SOCK_STREAM);
	free_stream = unix_bound_at(FREE_SOCK, SOCK_STREAM);
	free_dgram = unix_bound_at(FREE_DGRAM, SOCK_DGRAM);
	connected = connected_dgram(DGRAM_SOCK);
	free_connected = connected_dgram(FREE_DGRAM);
	VM_CHECK(system("grep -q ' " BIND " ' /proc/self/mountinfo || mount --bind " DENIED " "
			BIND) == 0);
	mark = event_mark();

	EXPECT_PEER(UPEER, uid, P_CONNECT, STREAM_SOCK, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"unix_stream_connect\"", "\"access\":\"write\"",
			   UID_FIELD(uid), "\"path\":\"" STREAM_SOCK "\"", deny_source);
	EXPECT_PEER(UPEER, uid, P_CONNECT_SEQ, SEQ_SOCK, EPERM);
	EXPECT_PEER(UPEER, uid, P_SENDTO, DGRAM_SOCK, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"unix_may_send\"", "\"access\":\"write\"", UID_FIELD(uid),
			   "\"path\":\"" DGRAM_SOCK "\"", deny_source);
	EXPECT_PEER(UPEER, uid, P_CONNECT_DGRAM, DGRAM_SOCK, EPERM);
	EXPECT_PEER(UPEER, uid, P_SENDMSG, DGRAM_SOCK, EPERM);
	EXPECT_PEER_FD(UPEER, uid, P_SEND_CONNECTED, connected, EPERM);
	/* Other names of the same sockets: the listener's bound path decides. */
	EXPECT_PEER(UPEER, uid, P_SYMLINK, STREAM_SOCK, EPERM);
	EXPECT_PEER(UPEER, uid, P_CONNECT, BIND "/stream.sock", EPERM);
	EXPECT_PEER(UPEER, uid, P_CONNECT, "/proc/self/root" STREAM_SOCK, EPERM);
	EXPECT_PEER(UPEER, uid, P_CONNECT, "/run/lgt-peer/../lgt-peer/denied//stream.sock", EPERM);
	EXPECT_PEER(UPEER, uid, P_OPATH_FD, STREAM_SOCK, EPERM);
	EXPECT_PEER(UPEER, uid, P_URING_CONNECT, STREAM_SOCK, EPERM);
	EXPECT_PEER(UPEER, uid, P_URING_SENDMSG, DGRAM_SOCK, EPERM);
	/* A read-only rule: talking to a socket is a write. */
	EXPECT_PEER(UPEER, uid, P_CONNECT, RO_SOCK, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"unix_stream_connect\"", UID_FIELD(uid),
			   "\"path\":\"" RO_SOCK "\"", ro_source);

	/* Audit mode: every route goes through, logged. */
	EXPECT_PEER(UPEER_AUDIT, uid, P_CONNECT, STREAM_SOCK, 0);
	EXPECT_PEER(UPEER_AUDIT, uid, P_SENDTO, DGRAM_SOCK, 0);
	EXPECT_PEER_FD(UPEER_AUDIT, uid, P_SEND_CONNECTED, connected, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"upeer-audit\"",
			   "\"hook\":\"unix_may_send\"", UID_FIELD(uid),
			   "\"path\":\"" DGRAM_SOCK "\"",
			   source_of("upeer-audit.ini", "deny = " DENIED "/"));

	/* Controls: sockets the rules allow; every route unconfined; no name at all. */
	EXPECT_PEER(UPEER, uid, P_CONNECT, FREE_SOCK, 0);
	EXPECT_PEER(UPEER, uid, P_SENDTO, FREE_DGRAM, 0);
	EXPECT_PEER_FD(UPEER, uid, P_SEND_CONNECTED, free_connected, 0);
	EXPECT_PEER(UPEER, uid, P_URING_CONNECT, FREE_SOCK, 0);
	EXPECT_PEER(UPEER, uid, P_SOCKETPAIR, NULL, 0);
	EXPECT_PEER(NULL, uid, P_CONNECT, STREAM_SOCK, 0);
	EXPECT_PEER(NULL, uid, P_CONNECT_SEQ, SEQ_SOCK, 0);
	EXPECT_PEER(NULL, uid, P_SENDTO, DGRAM_SOCK, 0);
	EXPECT_PEER(NULL, uid, P_SENDMSG, DGRAM_SOCK, 0);
	EXPECT_PEER_FD(NULL, uid, P_SEND_CONNECTED, connected, 0);
	EXPECT_PEER(NULL, uid, P_CONNECT, BIND "/stream.sock", 0);
	EXPECT_PEER(NULL, uid, P_OPATH_FD, STREAM_SOCK, 0);
	EXPECT_PEER(NULL, uid, P_URING_CONNECT, STREAM_SOCK, 0);
	EXPECT_PEER(NULL, uid, P_URING_SENDMSG, DGRAM_SOCK, 0);
	EXPECT_PEER(NULL, uid, P_CONNECT, RO_SOCK, 0);

	close(stream);
	close(dgram);
	close(seq);
	close(ro);
	close(free_stream);
	close(free_dgram);
	close(connected);
	close(free_connected);
}

VM_TEST(unixpeer_pathname_routes_as_root, 189)
{
	pathname_cases(0);
}

VM_TEST(unixpeer_pathname_routes_as_user, 189)
{
	pathname_cases(USER);
}

/*
 * Renames after bind and unlinked sockets: the peer's dentry decides, by its current name; an
 * unlinked socket (still reachable through an O_PATH descriptor) by the name it had last.
 */
VM_TEST(unixpeer_renamed_and_unlinked, 189)
{
	int fd, opath;
	long mark;

	upeer_setup();
	/* Bound where the rules allow, then moved by the administrator under the denied
	 * directory: refused there. */
	fd = unix_bound_at(MOVABLE "/moving.sock", SOCK_STREAM);
	VM_CHECK(rename(MOVABLE "/moving.sock", DENIED "/moved.sock") == 0);
	mark = event_mark();
	EXPECT_PEER(UPEER, 0, P_CONNECT, DENIED "/moved.sock", EPERM);
	EXPECT_PEER(UPEER, USER, P_CONNECT, DENIED "/moved.sock", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"unix_stream_connect\"",
			   "\"path\":\"" DENIED "/moved.sock\"");
	/* And moved out again: allowed. */
	VM_CHECK(rename(DENIED "/moved.sock", MOVABLE "/moved-out.sock") == 0);
	EXPECT_PEER(UPEER, 0, P_CONNECT, MOVABLE "/moved-out.sock", 0);
	EXPECT_PEER(UPEER, USER, P_CONNECT, MOVABLE "/moved-out.sock", 0);
	close(fd);
	unlink(MOVABLE "/moved-out.sock");

	/* Unlinked after an O_PATH descriptor was taken: still reachable by /proc/self/fd/N,
	 * decided at its last name. */
	fd = unix_bound_at(DENIED "/gone.sock", SOCK_STREAM);
	opath = open(DENIED "/gone.sock", O_PATH);
	VM_CHECK(opath >= 0 && unlink(DENIED "/gone.sock") == 0);
	mark = event_mark();
	EXPECT_PEER_FD(UPEER, 0, P_FD_NAME, opath, EPERM);
	EXPECT_PEER_FD(UPEER, USER, P_FD_NAME, opath, EPERM);
	EXPECT_PEER_FD(UPEER_AUDIT, USER, P_FD_NAME, opath, 0);
	EXPECT_PEER_FD(NULL, USER, P_FD_NAME, opath, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"unix_stream_connect\"",
			   "\"uid\":1000", "\"path\":\"" DENIED "/gone.sock\"");
	close(opath);
	close(fd);
	/* The same in an allowed place: connects. */
	fd = unix_bound_at(FREE "/gone.sock", SOCK_STREAM);
	opath = open(FREE "/gone.sock", O_PATH);
	VM_CHECK(opath >= 0 && unlink(FREE "/gone.sock") == 0);
	EXPECT_PEER_FD(UPEER, USER, P_FD_NAME, opath, 0);
	close(opath);
	close(fd);
}

/*
 * The peer's verdict cache (bpf_lsm/cache.bpf.h): an allowed connect or send is remembered in
 * the peer socket's storage, and every change the verdict rests on makes the next one be
 * decided again: a rename of the socket or of a directory above it, a move of its mount,
 * another policy. Each step first proves the cache answered (the hook's `cached` counter).
 */
static int peer_counted(const char *policy, const char *hook, uid_t uid, enum peer_op op,
			const char *path, bool *hit)
{
	struct peer_try t = {op, path, 0, -1, uid};
	long long before = policy_counter(policy, hook, "cached"), after;
	int err = in_cgroup(strcmp(policy, "upeer") ? UPEER_STRICT : UPEER, do_peer, &t);

	after = policy_counter(policy, hook, "cached");
	*hit = before >= 0 && after == before + 1;
	if (before < 0 || after < before || after > before + 1)
		VM_FAIL("%s cached counter of %s: %lld, then %lld", hook, policy, before, after);
	return err;
}

#define EXPECT_PEER_CACHED(uid, op, hook, path)                                                   \
	do {                                                                                       \
		bool hit_ = false;                                                                 \
		EXPECT_PEER(UPEER, (uid), (op), (path), 0);                                        \
		VM_CHECK(peer_counted("upeer", (hook), (uid), (op), (path), &hit_) == 0);          \
		if (!hit_)                                                                         \
			VM_FAIL("line %d: %s: the second one was not answered by the cache",       \
				__LINE__, (path));                                                 \
	} while (0)

#define EXPECT_PEER_WALKED(uid, op, hook, path)                                                   \
	do {                                                                                       \
		bool hit_ = true;                                                                  \
		VM_CHECK(peer_counted("upeer", (hook), (uid), (op), (path), &hit_) == 0);          \
		if (hit_)                                                                          \
			VM_FAIL("line %d: %s: answered by a cached verdict", __LINE__, (path));    \
	} while (0)

#define CONNECT_HOOK "unix_stream_connect"
#define SEND_HOOK "unix_may_send"

VM_TEST(unixpeer_cached_verdicts_follow_renames_mounts_and_policies, 189)
{
	int stream, dgram, moving;
	long mark;
	pid_t daemon;

	upeer_setup();
	VM_CHECK(system("mkdir -p " MOVABLE "/dir " MOVABLE "/mnt " DENIED "/mnt && chmod 0777 "
			MOVABLE "/dir") == 0);
	stream = unix_bound_at(MOVABLE "/dir/c.sock", SOCK_STREAM);
	dgram = unix_bound_at(MOVABLE "/dir/d.sock", SOCK_DGRAM);
	moving = unix_bound_at(MOVABLE "/m.sock", SOCK_STREAM);

	/* Cached, then the directory above is renamed into the denied one (the socket's own
	 * dentry, parent and name unchanged): refused at once, stream and datagram. */
	EXPECT_PEER_CACHED(USER, P_CONNECT, CONNECT_HOOK, MOVABLE "/dir/c.sock");
	EXPECT_PEER_CACHED(USER, P_SENDTO, SEND_HOOK, MOVABLE "/dir/d.sock");
	EXPECT_PEER_CACHED(0, P_CONNECT, CONNECT_HOOK, MOVABLE "/dir/c.sock");
	VM_CHECK(rename(MOVABLE "/dir", DENIED "/dir") == 0);
	mark = event_mark();
	EXPECT_PEER(UPEER, USER, P_CONNECT, DENIED "/dir/c.sock", EPERM);
	EXPECT_PEER(UPEER, USER, P_SENDTO, DENIED "/dir/d.sock", EPERM);
	EXPECT_PEER(UPEER, 0, P_CONNECT, DENIED "/dir/c.sock", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"unix_may_send\"",
			   "\"uid\":1000", "\"path\":\"" DENIED "/dir/d.sock\"");
	/* Moved back out: allowed, by a walk. */
	VM_CHECK(rename(DENIED "/dir", MOVABLE "/dir") == 0);
	EXPECT_PEER_WALKED(USER, P_CONNECT, CONNECT_HOOK, MOVABLE "/dir/c.sock");

	/* The socket itself renamed. */
	EXPECT_PEER_CACHED(USER, P_CONNECT, CONNECT_HOOK, MOVABLE "/m.sock");
	VM_CHECK(rename(MOVABLE "/m.sock", DENIED "/m.sock") == 0);
	EXPECT_PEER(UPEER, USER, P_CONNECT, DENIED "/m.sock", EPERM);

	/* Another policy asks about the same peer: its own verdict, not upeer's cached one. */
	EXPECT_PEER_CACHED(USER, P_CONNECT, CONNECT_HOOK, MOVABLE "/dir/c.sock");
	mark = event_mark();
	EXPECT_PEER(UPEER_STRICT, USER, P_CONNECT, MOVABLE "/dir/c.sock", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer-strict\"",
			   "\"hook\":\"unix_stream_connect\"",
			   "\"path\":\"" MOVABLE "/dir/c.sock\"");
	close(stream);
	close(dgram);
	close(moving);

	/* The socket's mount moved under the denied directory, with the daemon stopped (so
	 * that its mount-table rewrite cannot hide a kernel gap): refused at once. Cached first
	 * (a walk through a mount root the daemon has not learned yet is not cached: waited
	 * for). */
	VM_CHECK(mount("tmpfs", MOVABLE "/mnt", "tmpfs", 0, "mode=0777") == 0);
	stream = unix_bound_at(MOVABLE "/mnt/c.sock", SOCK_STREAM);
	for (int i = 0;; i++) {
		bool hit = false;

		EXPECT_PEER(UPEER, USER, P_CONNECT, MOVABLE "/mnt/c.sock", 0);
		if (peer_counted("upeer", CONNECT_HOOK, USER, P_CONNECT, MOVABLE "/mnt/c.sock",
				 &hit) == 0 && hit)
			break;
		if (i == 100) {
			VM_FAIL("a connect to " MOVABLE "/mnt/c.sock never answered by the cache");
			break;
		}
		usleep(50 * 1000);
	}
	daemon = daemon_stop();
	VM_CHECK(mount(MOVABLE "/mnt", DENIED "/mnt", NULL, MS_MOVE, NULL) == 0);
	EXPECT_PEER(UPEER, USER, P_CONNECT, DENIED "/mnt/c.sock", EPERM);
	daemon_resume(daemon);
	close(stream);
	VM_CHECK(vm_umount(DENIED "/mnt") == 0);
}

/* A socket bound with no name (an address of sun_family alone): the kernel gives it an
 * abstract name of 5 hex digits (autobind), as it does a socket that connects or sends unbound. */
static int autobound_listener(char *name, size_t *len)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t alen = sizeof(sun);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sun, &alen) ||
	    alen < offsetof(struct sockaddr_un, sun_path) + 2 || sun.sun_path[0]) {
		VM_FAIL("no autobound listener: %s", strerror(errno));
		return -1;
	}
	*len = alen - offsetof(struct sockaddr_un, sun_path) - 1;
	memcpy(name, sun.sun_path + 1, *len);
	return fd;
}

#define NUL_NAME "lgt\0nul\1" /* 8 bytes, a NUL among them */

static void abstract_cases(uid_t uid)
{
	const char *default_source, *prefix_deny_source;
	int allowed, pre, pre_no, nul, other, dgram_other, dgram_allowed, connected, autob;
	char auto_name[16], auto_path[64];
	size_t auto_len = 0;
	long mark;

	upeer_setup();
	default_source = source_of("upeer.ini", "default = deny");
	prefix_deny_source = source_of("upeer.ini", "deny = @lgt-pre-no*");
	allowed = bind_abstract("lgt-allowed", 11, SOCK_STREAM);
	pre = bind_abstract("lgt-pre-x", 9, SOCK_STREAM);
	pre_no = bind_abstract("lgt-pre-no-x", 12, SOCK_STREAM);
	nul = bind_abstract(NUL_NAME, 8, SOCK_STREAM);
	other = bind_abstract("lgt-other", 9, SOCK_STREAM);
	dgram_other = bind_abstract("lgt-dgram", 9, SOCK_DGRAM);
	dgram_allowed = bind_abstract("lgt-pre-dgram", 13, SOCK_DGRAM);
	autob = autobound_listener(auto_name, &auto_len);
	{
		struct sockaddr_un sun = {.sun_family = AF_UNIX};

		connected = socket(AF_UNIX, SOCK_DGRAM, 0);
		memcpy(sun.sun_path + 1, "lgt-dgram", 9);
		VM_CHECK(connect(connected, (struct sockaddr *)&sun,
				 offsetof(struct sockaddr_un, sun_path) + 10) == 0);
	}
	mark = event_mark();

	/* The rules: exact, prefix, a longer deny prefix, a name with a NUL; the default. */
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, "lgt-allowed", 11, 0);
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, "lgt-pre-x", 9, 0);
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, NUL_NAME, 8, 0);
	/* One NUL more is another name: the default decides it. */
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, NUL_NAME, 9, ECONNREFUSED);
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, "lgt-pre-no-x", 12, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"unix_stream_connect\"", "\"access\":\"connect\"",
			   UID_FIELD(uid), "\"path\":\"@lgt-pre-no-x\"", prefix_deny_source);
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, "lgt-other", 9, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"unix_stream_connect\"", UID_FIELD(uid),
			   "\"path\":\"@lgt-other\"", default_source);
	/* The name is the listener's: a client naming "lgt-allowed\0" reaches no socket. */
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, "lgt-allowed\0", 12, ECONNREFUSED);
	/* Datagrams: sendto, sendmsg, a socket connected outside every policy, io_uring. */
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT_DGRAM, "lgt-dgram", 9, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"unix_may_send\"", "\"access\":\"connect\"", UID_FIELD(uid),
			   "\"path\":\"@lgt-dgram\"", default_source);
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT_DGRAM, "lgt-pre-dgram", 13, 0);
	EXPECT_PEER_FD(UPEER, uid, P_SEND_CONNECTED, connected, EPERM);
	expect_peer(__LINE__, UPEER, uid, P_URING_CONNECT, "lgt-other", 9, -1, EPERM);
	expect_peer(__LINE__, UPEER, uid, P_URING_SENDMSG, "lgt-dgram", 9, -1, EPERM);
	expect_peer(__LINE__, UPEER, uid, P_URING_CONNECT, "lgt-allowed", 11, -1, 0);
	/* An autobound listener's name ("\0" and 5 hex digits) is an abstract name too. */
	snprintf(auto_path, sizeof(auto_path), "\"path\":\"@%.*s\"", (int)auto_len, auto_name);
	EXPECT_ABSTRACT(UPEER, uid, P_ABSTRACT, auto_name, auto_len, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"unix_stream_connect\"",
			   UID_FIELD(uid), auto_path);
	/* Audit mode: through, logged, NUL and non-printable bytes escaped as a rule writes them. */
	EXPECT_ABSTRACT(UPEER_AUDIT, uid, P_ABSTRACT, "lgt-other", 9, 0);
	EXPECT_ABSTRACT(UPEER_AUDIT, uid, P_ABSTRACT_DGRAM, "lgt-dgram", 9, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"upeer-audit\"",
			   "\"hook\":\"unix_may_send\"", UID_FIELD(uid), "\"path\":\"@lgt-dgram\"");
	close(nul);
	nul = bind_abstract("lgt\0x\x7f\\\"\n", 9, SOCK_STREAM);
	EXPECT_ABSTRACT(UPEER_AUDIT, uid, P_ABSTRACT, "lgt\0x\x7f\\\"\n", 9, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"upeer-audit\"",
			   UID_FIELD(uid), "\"path\":\"@lgt\\\\x00x\\\\x7f\\\\\\\\\\\"\\\\x0a\"");
	/* Controls: every one of them from outside every policy. */
	EXPECT_ABSTRACT(NULL, uid, P_ABSTRACT, "lgt-other", 9, 0);
	EXPECT_ABSTRACT(NULL, uid, P_ABSTRACT, "lgt-pre-no-x", 12, 0);
	EXPECT_ABSTRACT(NULL, uid, P_ABSTRACT_DGRAM, "lgt-dgram", 9, 0);
	EXPECT_ABSTRACT(NULL, uid, P_ABSTRACT, auto_name, auto_len, 0);
	EXPECT_PEER_FD(NULL, uid, P_SEND_CONNECTED, connected, 0);
	close(allowed);
	close(pre);
	close(pre_no);
	close(nul);
	close(other);
	close(dgram_other);
	close(dgram_allowed);
	close(connected);
	close(autob);
}

/*
 * Binding an abstract name (socket_bind): the listen rules, not the connect rules. A name a
 * confined task could bind first would take the clients of the service that binds it later.
 */
static void abstract_bind_cases(uid_t uid)
{
	const char *default_source, *deny_source;
	long mark;

	upeer_setup();
	default_source = source_of("upeer.ini", "default = deny");
	deny_source = source_of("upeer.ini", "deny-listen = @lgt-spre-no*");
	mark = event_mark();
	EXPECT_ABSTRACT(UPEER, uid, P_BIND, "lgt-srv", 7, 0);
	EXPECT_ABSTRACT(UPEER, uid, P_BIND_DGRAM, "lgt-srv", 7, 0);
	EXPECT_ABSTRACT(UPEER, uid, P_BIND, "lgt-spre-x", 10, 0);
	EXPECT_ABSTRACT(UPEER, uid, P_BIND, "lgt-spre-no-x", 13, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"socket_bind\"", UID_FIELD(uid), "\"path\":\"@lgt-spre-no-x\"",
			   deny_source);
	/* An allow rule lets the task reach the name, not take it. */
	EXPECT_ABSTRACT(UPEER, uid, P_BIND, "lgt-allowed", 11, EPERM);
	EXPECT_ABSTRACT(UPEER, uid, P_BIND_DGRAM, "lgt-other", 9, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"upeer\"",
			   "\"hook\":\"socket_bind\"", UID_FIELD(uid), "\"path\":\"@lgt-other\"",
			   default_source);
	/* One byte more (a NUL) is another name. */
	EXPECT_ABSTRACT(UPEER, uid, P_BIND, "lgt-srv\0", 8, EPERM);
	/* The kernel's own name for an unnamed socket: bound, but a listener there is decided at
	 * listen() (attack run 8: anybody reads the name in /proc/net/unix); a pathname (a
	 * [files] write). */
	EXPECT_ABSTRACT(UPEER, uid, P_AUTOBIND, "", 0, EPERM);
	EXPECT_ABSTRACT(UPEER_AUDIT, uid, P_AUTOBIND, "", 0, 0);
	EXPECT_ABSTRACT(NULL, uid, P_AUTOBIND, "", 0, 0);
	EXPECT_ABSTRACT(UPEER, uid, P_BIND, FREE "/bound.sock", 0, 0);
	/* Audit mode: bound, logged. */
	EXPECT_ABSTRACT(UPEER_AUDIT, uid, P_BIND, "lgt-other", 9, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"upeer-audit\"",
			   "\"hook\":\"socket_bind\"", UID_FIELD(uid), "\"path\":\"@lgt-other\"");
	/* Controls: outside every policy. */
	EXPECT_ABSTRACT(NULL, uid, P_BIND, "lgt-other", 9, 0);
	EXPECT_ABSTRACT(NULL, uid, P_BIND, "lgt-spre-no-x", 13, 0);
}

VM_TEST(unixpeer_abstract_bind_as_root, 189)
{
	abstract_bind_cases(0);
}

VM_TEST(unixpeer_abstract_bind_as_user, 189)
{
	abstract_bind_cases(USER);
}

VM_TEST(unixpeer_abstract_names_as_root, 189)
{
	abstract_cases(0);
}

VM_TEST(unixpeer_abstract_names_as_user, 189)
{
	abstract_cases(USER);
}

/* Hand fd over the passing socket pass[0] (SCM_RIGHTS), for the next P_RECEIVED_SEND. */
static void pass_fd(int pass, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = "f", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(fd));
	VM_CHECK(sendmsg(pass, &msg, 0) == 1);
}

/*
 * Connected sockets handed over by a process outside every policy (SCM_RIGHTS; file_receive
 * lets socket descriptors through): a datagram socket is decided again at each send, a stream's
 * data flows (its connection was made by the sender: not decided, as an open file's reads).
 */
VM_TEST(unixpeer_received_sockets, 189)
{
	static const uid_t uids[] = {0, USER};
	int dgram, stream, pass[2], c_dgram, c_stream;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	long mark;

	upeer_setup();
	dgram = unix_bound_at(DENIED "/recv-dgram.sock", SOCK_DGRAM);
	stream = unix_bound_at(DENIED "/recv-stream.sock", SOCK_STREAM);
	VM_CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, pass) == 0);
	mark = event_mark();
	for (size_t i = 0; i < 2; i++) {
		c_dgram = connected_dgram(DENIED "/recv-dgram.sock");
		c_stream = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", DENIED "/recv-stream.sock");
		VM_CHECK(connect(c_stream, (struct sockaddr *)&sun, sizeof(sun)) == 0);
		pass_fd(pass[0], c_dgram);
		EXPECT_PEER_FD(UPEER, uids[i], P_RECEIVED_SEND, pass[1], EPERM);
		pass_fd(pass[0], c_stream);
		EXPECT_PEER_FD(UPEER, uids[i], P_RECEIVED_SEND, pass[1], 0);
		/* Controls: the same datagram socket received unconfined, and in audit mode. */
		pass_fd(pass[0], c_dgram);
		EXPECT_PEER_FD(NULL, uids[i], P_RECEIVED_SEND, pass[1], 0);
		pass_fd(pass[0], c_dgram);
		EXPECT_PEER_FD(UPEER_AUDIT, uids[i], P_RECEIVED_SEND, pass[1], 0);
		close(c_dgram);
		close(c_stream);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"unix_may_send\"",
			   "\"uid\":1000", "\"path\":\"" DENIED "/recv-dgram.sock\"");
	close(pass[0]);
	close(pass[1]);
	close(dgram);
	close(stream);
}
