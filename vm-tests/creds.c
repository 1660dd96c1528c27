// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who a message says it is from, and who the daemon is (issue 12, attack run 4 findings 3, 9,
 * 10 and 13):
 *  - SCM_CREDENTIALS: a confined task sends only credentials the kernel accepts from a sender
 *    without CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID (LG_BUILTIN_CREDENTIALS, a protection:
 *    audit mode too). journald names a line's unit, and systemd the unit of an sd_notify
 *    datagram (WATCHDOG=trigger, MAINPID=, STATUS=), by the pid a message carries;
 *  - the pid file: a daemon runs while it holds the file's write lock, not while some process
 *    named lsmguard lives at the pid the file names.
 * The receivers here are this (unconfined) process; the senders are confined roots under an
 * enforce-mode and an audit-mode policy whose rules allow everything, uid 1000, and unconfined
 * controls.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define CREDS "/lgt/creds"
#define CREDS_AUDIT "/lgt/creds-audit"
#define CREDS_USERNS "/lgt/creds-userns"
#define USER 1000
#define RECEIVER "/run/creds-receiver.sock"
#define PID_FILE "/run/lsmguard/lsmguard.pid"

#define CREDS_SOURCE                                                                              \
	"\"source\":\"built-in: a confined task cannot send credentials (SCM_CREDENTIALS) other " \
	"than its own process id, user and group\""

#define CREDS_RULES                                                                               \
	"[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char creds_policy[] =
	"[policy]\nname = creds\ncgroup = " CREDS "\nmode = enforce\n" CREDS_RULES;
static const char creds_audit_policy[] =
	"[policy]\nname = creds-audit\ncgroup = " CREDS_AUDIT "\nmode = audit\n" CREDS_RULES;
static const char creds_userns_policy[] = "[policy]\nname = creds-userns\ncgroup = " CREDS_USERNS
					  "\nmode = enforce\n" CREDS_RULES
					  "[system]\nuserns = allow\n";

/* A daemon is running (the cases before these may have unloaded it), with these policies. */
static void creds_setup(void)
{
	bool fresh = access(POLICY_DIR "/creds.ini", F_OK) != 0;
	pid_t pid = daemon_pid();

	if (fresh) {
		write_file(POLICY_DIR "/creds.ini", creds_policy, 0644);
		write_file(POLICY_DIR "/creds-audit.ini", creds_audit_policy, 0644);
		write_file(POLICY_DIR "/creds-userns.ini", creds_userns_policy, 0644);
	}
	if (pid <= 1 || kill(pid, 0) != 0)
		VM_CHECK(daemon_start() > 0);
	else if (fresh)
		VM_CHECK(daemon_reload_wait());
}

/* ---- sending ---- */

enum creds_route {
	ROUTE_SENDMSG,	 /* sendmsg() of a datagram to RECEIVER */
	ROUTE_SENDMMSG,	 /* sendmmsg() to RECEIVER: a message with the own credentials, then the
			  * claim (the kernel asks the LSM about the first only) */
	ROUTE_SENDMMSG_ONE, /* sendmmsg() of the claim alone to RECEIVER */
	ROUTE_SENDMMSG_CONNECTED, /* sendmmsg() of the two on a socket connected to RECEIVER */
	ROUTE_URING,	 /* io_uring IORING_OP_SENDMSG of that datagram */
	ROUTE_THREAD,	 /* sendmsg() from a second thread of the sender */
	ROUTE_STREAM,	 /* sendmsg() on a connected stream socket (a socketpair) */
	ROUTE_SEQPACKET, /* on a seqpacket socketpair */
	ROUTE_NETLINK,	 /* a NETLINK_USERSOCK datagram to the receiver's port */
	ROUTE_PIDNS,	 /* from a child in a new pid namespace (pid 1 there) */
	ROUTE_USERNS,	 /* from a child in a new user and pid namespace (uid 0 there: USER) */
};

enum creds_layout {
	LAYOUT_ALONE,	     /* one SCM_CREDENTIALS */
	LAYOUT_RIGHTS_FIRST, /* SCM_RIGHTS (one descriptor), then SCM_CREDENTIALS */
	LAYOUT_OWN_FIRST,    /* the sender's own credentials, then the claim */
	LAYOUT_CLAIM_FIRST,  /* the claim, then the own credentials */
	LAYOUT_PADDED_15,    /* 15 headers of another level, then the claim: 16, all read */
	LAYOUT_PADDED_16,    /* 16 headers of another level, then the claim: 17, more than read */
	LAYOUT_SHORT,	     /* the claim in a header 4 bytes short (the kernel: EINVAL) */
};

#define OWN (-1L) /* a claimed value: the sender's own (getpid(), getuid(), getgid()) */
#define TID (-2L) /* a claimed pid: the sending thread's id (not its thread group's) */

struct creds_try {
	enum creds_route route;
	enum creds_layout layout;
	long pid, uid, gid; /* claimed, or OWN / TID */
	uid_t as;	    /* 0: root; else run as this uid and gid */
	bool saved_root;    /* with as: keep 0 as the saved uid (setresuid(as, as, 0)) */
	int fd;		    /* stream, seqpacket: the sender's end, made by the receiver */
	__u32 port;	    /* the receiver's netlink port */
	int report;	    /* a pipe: the pid the receiver should see for the sender */
};

static size_t creds_control(struct cmsghdr *buf, size_t size, const struct creds_try *t,
			    const struct ucred *claim, const struct ucred *own)
{
	struct msghdr m = {.msg_control = buf, .msg_controllen = size};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	size_t used = 0;
	int pad = t->layout == LAYOUT_PADDED_15 ? 15 : t->layout == LAYOUT_PADDED_16 ? 16 : 0;

	memset(buf, 0, size);
	for (int i = 0; i < pad; i++) {
		c->cmsg_level = SOL_IP; /* skipped by the unix sockets' parser */
		c->cmsg_type = 0;
		c->cmsg_len = CMSG_LEN(0);
		used += CMSG_SPACE(0);
		c = (struct cmsghdr *)((char *)buf + used);
	}
	if (t->layout == LAYOUT_RIGHTS_FIRST) {
		int fd = 0;

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(fd));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
		used += CMSG_SPACE(sizeof(fd));
		c = (struct cmsghdr *)((char *)buf + used);
	}
	for (int i = 0; i < 2; i++) {
		const struct ucred *u = claim;

		if (t->layout == LAYOUT_OWN_FIRST)
			u = i == 0 ? own : claim;
		else if (t->layout == LAYOUT_CLAIM_FIRST)
			u = i == 0 ? claim : own;
		else if (i == 1)
			break;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(*u)) - (t->layout == LAYOUT_SHORT ? 4 : 0);
		memcpy(CMSG_DATA(c), u, sizeof(*u));
		used += CMSG_SPACE(sizeof(*u));
		c = (struct cmsghdr *)((char *)buf + used);
	}
	return used;
}

struct thread_send {
	int fd;
	struct msghdr *msg;
	const struct creds_try *t;
	int result;
};

static void fill_claim(const struct creds_try *t, struct ucred *claim, struct ucred *own)
{
	own->pid = getpid();
	own->uid = getuid();
	own->gid = getgid();
	claim->pid = t->pid == OWN ? getpid() : t->pid == TID ? (pid_t)syscall(SYS_gettid) : t->pid;
	claim->uid = t->uid == OWN ? getuid() : (uid_t)t->uid;
	claim->gid = t->gid == OWN ? getgid() : (gid_t)t->gid;
}

/* One send of a datagram, as t says; 0 or the errno. */
static int send_one(int fd, const struct creds_try *t, const struct sockaddr *to, socklen_t to_len)
{
	union {
		char buf[CMSG_SPACE(0) * 16 + CMSG_SPACE(sizeof(int)) + 2 * CMSG_SPACE(12)];
		struct cmsghdr align;
	} u;
	char data[] = "MESSAGE=creds: a forged sender\n";
	struct iovec iov = {data, sizeof(data) - 1};
	struct msghdr msg = {.msg_name = (void *)to, .msg_namelen = to_len, .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = u.buf};
	struct ucred claim, own;
	int ret;

	fill_claim(t, &claim, &own);
	msg.msg_controllen = creds_control(&u.align, sizeof(u.buf), t, &claim, &own);
	if (t->route == ROUTE_URING) {
		ret = uring_sendmsg(fd, &msg);
		return ret >= 0 ? 0 : ret > -1000 ? -ret : 300;
	}
	if (t->route == ROUTE_SENDMMSG_ONE)
		return syscall(SYS_sendmmsg, fd, &(struct mmsghdr){.msg_hdr = msg}, 1, 0) == 1 ? 0
											       : errno;
	if (t->route == ROUTE_SENDMMSG || t->route == ROUTE_SENDMMSG_CONNECTED) {
		struct mmsghdr two[2] = {{.msg_hdr = msg}, {.msg_hdr = msg}};
		struct creds_try as_own = *t;
		union {
			char buf[CMSG_SPACE(12)];
			struct cmsghdr align;
		} first;

		as_own.layout = LAYOUT_ALONE;
		as_own.pid = as_own.uid = as_own.gid = OWN;
		two[0].msg_hdr.msg_control = first.buf;
		two[0].msg_hdr.msg_controllen =
			creds_control(&first.align, sizeof(first.buf), &as_own, &own, &own);
		if (t->route == ROUTE_SENDMMSG_CONNECTED) {
			if (connect(fd, to, to_len))
				return 100 + errno;
			two[0].msg_hdr.msg_name = two[1].msg_hdr.msg_name = NULL;
			two[0].msg_hdr.msg_namelen = two[1].msg_hdr.msg_namelen = 0;
		}
		ret = (int)syscall(SYS_sendmmsg, fd, two, 2, 0);
		if (ret < 0)
			return errno;
		if (ret == 2)
			return 0;
		/* The first went; the second's error is the answer of a call of its own. */
		return syscall(SYS_sendmmsg, fd, &two[1], 1, 0) == 1 ? 151 : errno;
	}
	return sendmsg(fd, &msg, 0) >= 0 ? 0 : errno;
}

static void *thread_sends(void *arg)
{
	struct thread_send *s = arg;
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = RECEIVER};

	s->result = send_one(s->fd, s->t, (struct sockaddr *)&sun, sizeof(sun));
	return NULL;
}

static void report_pid(const struct creds_try *t, pid_t pid)
{
	if (t->report >= 0 && write(t->report, &pid, sizeof(pid)) != sizeof(pid))
		_exit(99);
}

/* Write one line into a /proc/self file; 0 or the errno. */
static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : errno;
	close(fd);
	return ret;
}

static int do_send_in(const struct creds_try *t);

/* ROUTE_PIDNS and ROUTE_USERNS: the sender is a child in the new namespaces. */
static int send_from_namespace(const struct creds_try *t)
{
	struct creds_try inner = *t;
	int fds[2], result = 200, status;
	pid_t child;

	if (t->route == ROUTE_USERNS) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID))
			return 160 + errno;
		if (write_proc("/proc/self/setgroups", "deny") ||
		    write_proc("/proc/self/uid_map", "0 1000 1") ||
		    write_proc("/proc/self/gid_map", "0 1000 1"))
			return 170;
	} else if (unshare(CLONE_NEWPID)) {
		return 160 + errno;
	}
	if (pipe(fds))
		return 180;
	inner.route = ROUTE_SENDMSG;
	inner.report = -1; /* its pid there is not the one the receiver sees */
	child = fork();
	if (child == 0) {
		int r = do_send_in(&inner);

		_exit(write(fds[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	if (child < 0 || waitpid(child, &status, 0) != child ||
	    read(fds[0], &result, sizeof(result)) != sizeof(result))
		result = 190;
	close(fds[0]);
	/* The receiver sees the child by its pid here (the namespace's parent). */
	report_pid(t, child);
	return result;
}

static int do_send_in(const struct creds_try *t)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = RECEIVER};
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = t->port};
	int fd, ret;

	if (t->route == ROUTE_PIDNS || t->route == ROUTE_USERNS)
		return send_from_namespace(t);
	if (t->route == ROUTE_STREAM || t->route == ROUTE_SEQPACKET) {
		report_pid(t, getpid());
		return send_one(t->fd, t, NULL, 0);
	}
	if (t->route == ROUTE_NETLINK) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
		if (fd < 0)
			return 200 + errno;
		report_pid(t, getpid());
		ret = send_one(fd, t, (struct sockaddr *)&nl, sizeof(nl));
		close(fd);
		return ret;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 200 + errno;
	report_pid(t, getpid());
	if (t->route == ROUTE_THREAD) {
		struct thread_send s = {.fd = fd, .t = t, .result = 201};
		pthread_t thread;

		if (pthread_create(&thread, NULL, thread_sends, &s) || pthread_join(thread, NULL))
			s.result = 202;
		ret = s.result;
	} else {
		ret = send_one(fd, t, (struct sockaddr *)&sun, sizeof(sun));
	}
	close(fd);
	return ret;
}

static int do_send(const void *arg)
{
	const struct creds_try *t = arg;

	if (t->as && (setgroups(0, NULL) || setresgid(t->as, t->as, t->as) ||
		      setresuid(t->as, t->as, t->saved_root ? 0 : t->as)))
		return 210;
	/* Its own /proc/self files again (a uid change made them root's): the user namespace's
	 * maps are written there. */
	if (t->as && prctl(PR_SET_DUMPABLE, 1))
		return 211;
	return do_send_in(t);
}

/* ---- receiving ---- */

/* The receiving ends, made by this unconfined process before each send. */
struct receivers {
	int dgram;	/* bound at RECEIVER */
	int pair[2];	/* stream or seqpacket: [0] receives, [1] is the sender's */
	int netlink;
	__u32 port;
};

static int passcred(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
}

static bool receivers_open(struct receivers *r, enum creds_route route)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = RECEIVER};
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
	socklen_t len = sizeof(nl);

	memset(r, 0, sizeof(*r));
	r->dgram = r->pair[0] = r->pair[1] = r->netlink = -1;
	if (route == ROUTE_STREAM || route == ROUTE_SEQPACKET) {
		if (socketpair(AF_UNIX, route == ROUTE_STREAM ? SOCK_STREAM : SOCK_SEQPACKET, 0,
			       r->pair) || passcred(r->pair[0]))
			return false;
		fcntl(r->pair[0], F_SETFD, FD_CLOEXEC);
		return true;
	}
	if (route == ROUTE_NETLINK) {
		r->netlink = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
		if (r->netlink < 0 || bind(r->netlink, (struct sockaddr *)&nl, sizeof(nl)) ||
		    getsockname(r->netlink, (struct sockaddr *)&nl, &len) || passcred(r->netlink))
			return false;
		r->port = nl.nl_pid;
		return true;
	}
	unlink(RECEIVER);
	r->dgram = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return r->dgram >= 0 && bind(r->dgram, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	       chmod(RECEIVER, 0666) == 0 && passcred(r->dgram) == 0;
}

static void receivers_close(struct receivers *r)
{
	int fds[] = {r->dgram, r->pair[0], r->pair[1], r->netlink};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	unlink(RECEIVER);
}

/* Messages waiting at fd; the credentials of the last one in *last. */
static int received(int fd, struct ucred *last)
{
	int count = 0;

	memset(last, 0, sizeof(*last));
	for (;;) {
		char data[256];
		struct iovec iov = {data, sizeof(data)};
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
			struct cmsghdr align;
		} u;
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf)};

		if (recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return count;
		count++;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
				memcpy(last, CMSG_DATA(c), sizeof(*last));
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				close(*(int *)CMSG_DATA(c));
		}
	}
}

static const char *const route_names[] = {"sendmsg", "sendmmsg", "sendmmsg of one",
					  "sendmmsg connected", "io_uring sendmsg",
					  "a second thread", "stream", "seqpacket",
					  "netlink", "pid namespace", "user namespace"};
static const char *const layout_names[] = {"alone", "after SCM_RIGHTS", "after the own",
					   "before the own", "16th header", "17th header",
					   "short header"};

/*
 * Send t from cgroup and check what happened: the send's errno (want), the messages that
 * arrived (arrivals), and on success what the receiver was told: the sender's own pid (the
 * claimed one if it claimed another), the claimed uid and gid (a user namespace's 0 is USER
 * here). Returns the sender's pid, as this namespace numbers it.
 */
static pid_t check_send(const char *cgroup, const struct creds_try *tried, int want, int arrivals)
{
	struct creds_try t = *tried;
	struct receivers r;
	struct ucred seen;
	int got, count, fds[2];
	pid_t sender = -1;

	if (!receivers_open(&r, t.route) || pipe(fds)) {
		VM_FAIL("cannot make the receiving sockets: %s", strerror(errno));
		receivers_close(&r);
		return -1;
	}
	t.fd = r.pair[1];
	t.port = r.port;
	t.report = fds[1];
	got = in_cgroup(cgroup, do_send, &t);
	close(fds[1]);
	if (read(fds[0], &sender, sizeof(sender)) != sizeof(sender))
		sender = -1;
	close(fds[0]);
	count = received(r.dgram >= 0 ? r.dgram : r.netlink >= 0 ? r.netlink : r.pair[0], &seen);
	printf("# %s uid %d via %s, %s: claim pid %ld uid %ld gid %ld: %d (%s), %d arrived, the "
	       "last from pid %d uid %d gid %d (sender %d)\n",
	       cgroup ? cgroup : "unconfined", (int)t.as, route_names[t.route],
	       layout_names[t.layout], t.pid, t.uid, t.gid, got,
	       got > 0 && got < 100 ? strerror(got) : "-", count, (int)seen.pid, (int)seen.uid,
	       (int)seen.gid, (int)sender);
	if (got != want)
		VM_FAIL("%s uid %d via %s (%s), claiming pid %ld uid %ld gid %ld: %d (%s), "
			"expected %s", cgroup ? cgroup : "unconfined", (int)t.as, route_names[t.route],
			layout_names[t.layout], t.pid, t.uid, t.gid, got,
			got > 0 && got < 100 ? strerror(got) : "-", want ? strerror(want) : "sent");
	if (count != arrivals)
		VM_FAIL("%d messages arrived, expected %d", count, arrivals);
	if (want == 0 && count > 0) {
		/* The netlink receiver is told the claimed number itself, not a translation. */
		bool userns = t.route == ROUTE_USERNS;
		bool own = t.pid == OWN || t.route == ROUTE_PIDNS || userns;
		pid_t pid = own ? sender : (pid_t)t.pid;
		long uid = userns ? USER : t.uid, gid = userns ? USER : t.gid;

		if (seen.pid != pid)
			VM_FAIL("the receiver saw pid %d, expected %d", (int)seen.pid, (int)pid);
		if (uid != OWN && seen.uid != (uid_t)uid)
			VM_FAIL("the receiver saw uid %d, expected %ld", (int)seen.uid, uid);
		if (gid != OWN && seen.gid != (gid_t)gid)
			VM_FAIL("the receiver saw gid %d, expected %ld", (int)seen.gid, gid);
	}
	receivers_close(&r);
	return sender;
}

/* The deny event of a refused claim. */
static void expect_creds_event(long mark, const char *policy, long pid, long uid, long gid)
{
	char policy_needle[96], path_needle[128];

	snprintf(policy_needle, sizeof(policy_needle), "\"policy\":\"%s\"", policy);
	snprintf(path_needle, sizeof(path_needle),
		 "\"path\":\"SCM_CREDENTIALS pid %ld uid %ld gid %ld\"", pid, uid, gid);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", policy_needle, "\"hook\":\"socket_sendmsg\"",
			   CREDS_SOURCE, path_needle);
}

/*
 * A confined root names lsmguard's daemon or PID 1 as the sender (CAP_SYS_ADMIN lets the
 * kernel accept it): refused under the enforce-mode and the audit-mode policy, reported as
 * "deny"; nothing arrives. Its own pid goes through. Unconfined, the same claim arrives as
 * the daemon's: the receiver here would notice a forgery that went through.
 */
VM_TEST(creds_forged_pid_is_refused_as_root, 205)
{
	const char *const cgroups[] = {CREDS, CREDS_AUDIT};
	const char *const policies[] = {"creds", "creds-audit"};
	struct creds_try t = {.route = ROUTE_SENDMSG, .layout = LAYOUT_ALONE, .uid = 0, .gid = 0};
	pid_t daemon;

	creds_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	for (size_t i = 0; i < 2; i++) {
		const long targets[] = {daemon, 1};

		for (size_t k = 0; k < 2; k++) {
			long mark = event_mark();

			t.pid = targets[k];
			check_send(cgroups[i], &t, EPERM, 0);
			expect_creds_event(mark, policies[i], t.pid, 0, 0);
		}
		t.pid = OWN;
		check_send(cgroups[i], &t, 0, 1);
	}
	/* Unconfined: the kernel takes root's word. */
	t.pid = daemon;
	check_send(NULL, &t, 0, 1);
	t.pid = OWN;
	check_send(NULL, &t, 0, 1);
}

/*
 * User and group ids: a confined root claims uid or gid 1000; uid 1000 claims root or the
 * daemon's pid (the kernel would refuse those too; lsmguard refuses first, with its event); a
 * task may claim its real, effective or saved ids. Unconfined root's claims arrive; uid 1000's
 * are the kernel's to refuse (no event).
 */
VM_TEST(creds_forged_ids_are_refused_as_user_and_root, 206)
{
	struct creds_try t = {.route = ROUTE_SENDMSG, .layout = LAYOUT_ALONE, .pid = OWN};
	const struct {
		const char *cgroup, *policy;
		long uid, gid;
	} claims[] = {{CREDS, "creds", USER, 0}, {CREDS, "creds", 0, USER},
		      {CREDS_AUDIT, "creds-audit", USER, USER}};
	pid_t daemon, sender;
	char path[128];
	long mark;

	creds_setup();
	daemon = daemon_pid();
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		mark = event_mark();
		t.uid = claims[i].uid;
		t.gid = claims[i].gid;
		sender = check_send(claims[i].cgroup, &t, EPERM, 0);
		expect_creds_event(mark, claims[i].policy, sender, t.uid, t.gid);
	}
	/* uid 1000 */
	t.as = USER;
	t.uid = t.gid = OWN;
	check_send(CREDS, &t, 0, 1);
	mark = event_mark();
	t.uid = 0;
	sender = check_send(CREDS, &t, EPERM, 0);
	snprintf(path, sizeof(path), "\"path\":\"SCM_CREDENTIALS pid %d uid 0 gid %d\"",
		 (int)sender, USER);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"creds\"", "\"uid\":1000",
			   "\"hook\":\"socket_sendmsg\"", "\"access\":\"connect\"", CREDS_SOURCE,
			   path);
	t.uid = OWN;
	t.pid = daemon;
	check_send(CREDS, &t, EPERM, 0);
	/* real and effective uid 1000, saved uid 0: 0 is its own, 2000 is not */
	t.pid = OWN;
	t.saved_root = true;
	t.uid = 0;
	check_send(CREDS, &t, 0, 1);
	t.uid = 2000;
	check_send(CREDS, &t, EPERM, 0);
	t.saved_root = false;
	/* Unconfined */
	t.as = 0;
	t.uid = t.gid = USER;
	check_send(NULL, &t, 0, 1);
	mark = event_mark();
	t.as = USER;
	t.uid = t.gid = OWN;
	t.pid = 1;
	check_send(NULL, &t, EPERM, 0);
	event_mark(); /* the log holds still */
	VM_CHECK(count_events_after(mark, "\"hook\":\"socket_sendmsg\"") == 0);
}

/*
 * Every route a control message takes to the kernel, and every place in it: a confined root
 * claiming the daemon's pid is refused on each, a claim of its own goes through. The walk reads
 * 16 headers and refuses a send with more, whatever they hold. sendmmsg() of several messages
 * to one address shows the hook the first only (the control: unconfined, a forged second one
 * arrives): a confined task's is refused whole.
 */
VM_TEST(creds_every_route_and_layout, 207)
{
	static const enum creds_route routes[] = {
		ROUTE_SENDMSG, ROUTE_SENDMMSG_ONE, ROUTE_SENDMMSG_CONNECTED, ROUTE_URING,
		ROUTE_THREAD,  ROUTE_STREAM,	   ROUTE_SEQPACKET,	     ROUTE_NETLINK};
	static const enum creds_layout layouts[] = {LAYOUT_RIGHTS_FIRST, LAYOUT_OWN_FIRST,
						    LAYOUT_CLAIM_FIRST, LAYOUT_PADDED_15};
	struct creds_try t = {.layout = LAYOUT_ALONE, .uid = 0, .gid = 0};
	pid_t daemon;
	long mark;

	creds_setup();
	daemon = daemon_pid();
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		/* sendmmsg on a connected socket: the own message first arrives, then */
		int before = routes[i] == ROUTE_SENDMMSG_CONNECTED ? 1 : 0;

		t.route = routes[i];
		t.pid = daemon;
		check_send(CREDS, &t, EPERM, before);
		check_send(CREDS_AUDIT, &t, EPERM, before);
		t.pid = OWN;
		check_send(CREDS, &t, 0, before + 1);
	}
	/* sendmmsg to an address: refused whole, even with its own credentials only */
	t.route = ROUTE_SENDMMSG;
	mark = event_mark();
	check_send(CREDS, &t, EPERM, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"creds\"", CREDS_SOURCE,
			   "\"path\":\"sendmmsg of several messages to an address\"");
	t.pid = daemon;
	check_send(CREDS_AUDIT, &t, EPERM, 0);
	check_send(NULL, &t, 0, 2); /* unconfined: the second, forged, arrives */
	/* A thread's own id is not its process's: the kernel refuses it from an unprivileged
	 * sender, lsmguard from a confined one. */
	t.route = ROUTE_THREAD;
	t.pid = TID;
	check_send(CREDS, &t, EPERM, 0);
	t.route = ROUTE_SENDMSG;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		t.layout = layouts[i];
		t.pid = daemon;
		check_send(CREDS, &t, EPERM, 0);
		t.pid = OWN;
		check_send(CREDS, &t, 0, 1);
	}
	/* 17 headers: refused whatever the claim, with its own reason. */
	mark = event_mark();
	t.layout = LAYOUT_PADDED_16;
	check_send(CREDS, &t, EPERM, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"creds\"", CREDS_SOURCE,
			   "\"path\":\"more than 16 control messages\"");
	check_send(NULL, &t, 0, 1); /* unconfined: sent */
	/* A header of the wrong length: the kernel refuses the message itself. */
	t.layout = LAYOUT_SHORT;
	t.pid = daemon;
	check_send(CREDS, &t, EINVAL, 0);
}

/* ---- sendmmsg through the 32-bit system calls ---- */

#define RECEIVER32 "/run/creds-receiver32.sock"

/* A 32-bit system call (int $0x80) with four arguments. */
static long syscall32(long nr, long a, long b, long c, long d)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
	return ret;
}

/*
 * Two plain datagrams to RECEIVER32 in one sendmmsg through the 32-bit table: its own number
 * (345), or socketcall(SYS_SENDMMSG) (102, 20) when arg points to true. The structures are the
 * 32-bit ones, below 4 GiB. 0 when both went, else the errno.
 */
static int sendmmsg32(const void *arg)
{
	const bool *socketcall_route = arg;
	struct low {
		struct sockaddr_un sun;
		char data[4];
		uint32_t iov[2];       /* struct compat_iovec */
		uint32_t mmsg[2][8];   /* struct compat_mmsghdr: a compat_msghdr, then msg_len */
		uint32_t args[4];      /* socketcall's */
	} *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		      -1, 0);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long ret;

	if (low == MAP_FAILED || fd < 0)
		return 200;
	low->sun.sun_family = AF_UNIX;
	strcpy(low->sun.sun_path, RECEIVER32);
	memcpy(low->data, "x\n", 2);
	low->iov[0] = (uint32_t)(uintptr_t)low->data;
	low->iov[1] = 2;
	for (int i = 0; i < 2; i++) {
		low->mmsg[i][0] = (uint32_t)(uintptr_t)&low->sun;
		low->mmsg[i][1] = sizeof(low->sun);
		low->mmsg[i][2] = (uint32_t)(uintptr_t)low->iov;
		low->mmsg[i][3] = 1;
	}
	if (*socketcall_route) {
		low->args[0] = (uint32_t)fd;
		low->args[1] = (uint32_t)(uintptr_t)low->mmsg;
		low->args[2] = 2;
		ret = syscall32(102 /* socketcall */, 20 /* SYS_SENDMMSG */,
				(long)(uintptr_t)low->args, 0, 0);
	} else {
		ret = syscall32(345 /* sendmmsg, i386 */, fd, (long)(uintptr_t)low->mmsg, 2, 0);
	}
	close(fd);
	munmap(low, 4096);
	return ret == 2 ? 0 : ret < 0 ? (int)-ret : 150 + (int)ret;
}

/* How many datagrams wait at fd (read and dropped). */
static int drain(int fd)
{
	char buf[64];
	int n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	return n;
}

/*
 * The batch refusal knows sendmmsg by its system call number: the 32-bit table's own number
 * and socketcall's are refused like the 64-bit one (a wrong number there would let a forged
 * second message through unasked). Unconfined, both datagrams arrive.
 */
VM_TEST(creds_sendmmsg_through_the_32_bit_calls, 209)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = RECEIVER32};
	int receiver;
	long mark;

	creds_setup();
	unlink(RECEIVER32);
	receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	VM_CHECK(receiver >= 0 && bind(receiver, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	VM_CHECK(chmod(RECEIVER32, 0666) == 0);
	mark = event_mark();
	for (int route = 0; route < 2; route++) {
		bool socketcall_route = route;

		VM_CHECK(in_cgroup(NULL, sendmmsg32, &socketcall_route) == 0);
		VM_CHECK(drain(receiver) == 2);
		VM_CHECK(in_cgroup(CREDS, sendmmsg32, &socketcall_route) == EPERM);
		VM_CHECK(in_cgroup(CREDS_AUDIT, sendmmsg32, &socketcall_route) == EPERM);
		VM_CHECK(drain(receiver) == 0);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"creds-audit\"", CREDS_SOURCE,
			   "\"path\":\"sendmmsg of several messages to an address\"");
	close(receiver);
	unlink(RECEIVER32);
}

/* ---- a child speaking for its parent (systemd-notify) ---- */

/*
 * In the cgroup: fork a child that sends one datagram to RECEIVER32 claiming its parent's pid
 * (this process: as systemd-notify does for the script that runs it) when arg points to
 * false, or this process's parent's (the unconfined test) when true. The child's errno, 0 when
 * it went.
 */
static int claim_for_parent(const void *arg)
{
	const bool *grandparent = arg;
	pid_t above = getppid(), child;
	int status;

	child = fork();
	if (child == 0) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = RECEIVER32};
		struct ucred cred = {.pid = *grandparent ? above : getppid(), .uid = getuid(),
				     .gid = getgid()};
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} u = {0};
		char data[] = "READY=1";
		struct iovec iov = {data, sizeof(data) - 1};
		struct msghdr msg = {.msg_name = &sun, .msg_namelen = sizeof(sun), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(cred));
		memcpy(CMSG_DATA(c), &cred, sizeof(cred));
		_exit(fd >= 0 && sendmsg(fd, &msg, 0) >= 0 ? 0 : errno);
	}
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 250;
	return WEXITSTATUS(status);
}

/*
 * systemd-notify sends with its parent's pid (the script that runs it): a parent under the
 * same policy may be claimed, in both modes; a process above it, outside the policy, may not.
 */
VM_TEST(creds_a_child_speaks_for_its_parent, 209)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = RECEIVER32};
	bool grandparent = false;
	int receiver;

	creds_setup();
	unlink(RECEIVER32);
	receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	VM_CHECK(receiver >= 0 && bind(receiver, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	VM_CHECK(chmod(RECEIVER32, 0666) == 0);
	VM_CHECK(in_cgroup(CREDS, claim_for_parent, &grandparent) == 0);
	VM_CHECK(in_cgroup(CREDS_AUDIT, claim_for_parent, &grandparent) == 0);
	VM_CHECK(drain(receiver) == 2);
	grandparent = true;
	VM_CHECK(in_cgroup(CREDS, claim_for_parent, &grandparent) == EPERM);
	VM_CHECK(in_cgroup(CREDS_AUDIT, claim_for_parent, &grandparent) == EPERM);
	VM_CHECK(drain(receiver) == 0);
	VM_CHECK(in_cgroup(NULL, claim_for_parent, &grandparent) == 0); /* unconfined root */
	VM_CHECK(drain(receiver) == 1);
	close(receiver);
	unlink(RECEIVER32);
}

/*
 * Namespaces: a confined root in a new pid namespace is pid 1 there, and may say so (the
 * receiver sees its pid here); the daemon's pid is refused. uid 1000 in a user and pid
 * namespace of its own (a policy with userns = allow) is uid 0 and pid 1 there: its own. A
 * uid the namespace does not map is the kernel's to refuse (EINVAL).
 */
VM_TEST(creds_namespaces, 208)
{
	struct creds_try t = {.route = ROUTE_PIDNS, .layout = LAYOUT_ALONE, .uid = 0, .gid = 0};
	pid_t daemon;

	creds_setup();
	daemon = daemon_pid();
	t.pid = 1;
	check_send(CREDS, &t, 0, 1);
	t.pid = daemon;
	check_send(CREDS, &t, EPERM, 0);
	t.pid = 2; /* nobody there, or someone else than the sender */
	check_send(CREDS, &t, EPERM, 0);

	t.route = ROUTE_USERNS;
	t.as = USER;
	t.pid = 1;
	t.uid = t.gid = 0;
	check_send(CREDS_USERNS, &t, 0, 1);
	t.pid = daemon;
	check_send(CREDS_USERNS, &t, EPERM, 0);
	t.pid = 1;
	t.uid = 1; /* not mapped */
	check_send(CREDS_USERNS, &t, EINVAL, 0);
}

/* ---- the pid file ---- */

struct impostor {
	pid_t want;  /* the pid to take */
	int go[2];   /* the test says when to fork (it sets ns_last_pid just before) */
	int got[2];  /* the impostor's pid */
	uid_t as;
};

/* The impostor's life: named lsmguard, holding every lock a reader can take on the pid file. */
static void impostor_lives(void)
{
	struct flock read_lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	int ofd = open(PID_FILE, O_RDONLY | O_CLOEXEC), fl = open(PID_FILE, O_RDONLY | O_CLOEXEC);

	prctl(PR_SET_NAME, "lsmguard");
	if (ofd >= 0)
		fcntl(ofd, F_OFD_SETLK, &read_lock);
	if (fl >= 0)
		flock(fl, LOCK_EX | LOCK_NB);
	for (;;)
		pause();
}

static int do_impostor(const void *arg)
{
	const struct impostor *imp = arg;
	char go;
	pid_t child;

	if (imp->as && (setgroups(0, NULL) || setresgid(imp->as, imp->as, imp->as) ||
			setresuid(imp->as, imp->as, imp->as)))
		return 210;
	/* Writing the file is what a daemon's lock needs: lsmguard's state is protected. */
	if (open(PID_FILE, O_RDWR | O_CLOEXEC) >= 0)
		return 220;
	if (errno != (imp->as ? EACCES : EPERM))
		return 230 + errno;
	if (read(imp->go[0], &go, 1) != 1)
		return 240;
	child = fork();
	if (child == 0)
		impostor_lives();
	return write(imp->got[1], &child, sizeof(child)) == sizeof(child) ? 0 : 250;
}

/* With no daemon and no pid file: make one, as a daemon would, and lock it. */
static int do_fake_pid_file(const void *arg)
{
	struct flock write_lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int fd = open(PID_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	(void)arg;
	if (fd < 0)
		return errno;
	fcntl(fd, F_OFD_SETLK, &write_lock);
	close(fd);
	unlink(PID_FILE);
	return 0;
}

/* Put a confined impostor at pid want (ns_last_pid, set here, unconfined); its pid or -1. */
static pid_t impostor_at(const char *cgroup, pid_t want, uid_t as)
{
	for (int attempt = 0; attempt < 10; attempt++) {
		struct impostor imp = {.want = want, .as = as};
		char text[32];
		pid_t sender, got = -1;
		int result, status;

		if (pipe(imp.go) || pipe(imp.got))
			return -1;
		sender = fork();
		if (sender == 0) {
			close(imp.go[1]);
			_exit(in_cgroup(cgroup, do_impostor, &imp) == 0 ? 0 : 1);
		}
		close(imp.go[0]);
		close(imp.got[1]);
		usleep(200 * 1000); /* the confined child waits at its read */
		snprintf(text, sizeof(text), "%d", (int)want - 1);
		write_into("/proc/sys/kernel/ns_last_pid", text);
		result = write(imp.go[1], "g", 1) == 1 ? 0 : -1;
		if (result == 0 && read(imp.got[0], &got, sizeof(got)) != sizeof(got))
			got = -1;
		close(imp.go[1]);
		close(imp.got[0]);
		waitpid(sender, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			VM_FAIL("the impostor in %s could not be placed (see above)", cgroup);
			return -1;
		}
		if (got == want)
			return got;
		printf("# the impostor got pid %d, not %d: again\n", (int)got, (int)want);
		if (got > 0)
			kill(got, SIGKILL);
	}
	return -1;
}

static bool file_names(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "r");
	int named = -1;

	if (!f)
		return false;
	if (fscanf(f, "%d", &named) != 1)
		named = -1;
	fclose(f);
	return named == pid;
}

/*
 * The daemon's pid file. A clean exit removes it. A daemon killed (a crash, the OOM killer)
 * leaves it: a confined task then takes the pid it names, calls itself lsmguard and locks the
 * file for reading (root under the enforce-mode policy; uid 1000 under the audit-mode one). The
 * next `lsmguard run` starts all the same, and `status` never took the impostor for the
 * daemon. Control: while a daemon runs, a second one is refused.
 */
VM_TEST(creds_stale_pid_file_is_no_daemon, 209)
{
	const char *const status[] = {LSMGUARD, "status", NULL};
	const char *const second[] = {"/bin/sh", "-c",
				      LSMGUARD " run --policy-dir " POLICY_DIR " 2>&1", NULL};
	const char *const cgroups[] = {CREDS, CREDS_AUDIT};
	const uid_t users[] = {0, USER};
	static char out[16384];
	char expected[64];
	pid_t old, next = 0;

	VM_TIMEOUT(240);
	creds_setup();
	old = daemon_pid();
	VM_CHECK(old > 1 && kill(old, SIGTERM) == 0 && wait_exit(old, 10000));
	VM_EXPECT(access(PID_FILE, F_OK), ENOENT);
	/* Nor can a confined root make a pid file of its own there (lsmguard's state). */
	VM_CHECK(in_cgroup(CREDS, do_fake_pid_file, NULL) == EPERM);
	VM_CHECK(in_cgroup(CREDS_AUDIT, do_fake_pid_file, NULL) == EPERM);
	for (size_t i = 0; i < 2; i++) {
		/* A daemon this case is the parent of: its pid is free once it is reaped. */
		pid_t killed = i == 0 ? daemon_start() : next, impostor;
		int st;

		VM_CHECK(killed > 0);
		if (killed <= 0)
			return;
		VM_CHECK(kill(killed, SIGKILL) == 0 && waitpid(killed, &st, 0) == killed);
		VM_CHECK(file_names(PID_FILE, killed)); /* left behind */
		impostor = impostor_at(cgroups[i], killed, users[i]);
		VM_CHECK(impostor == killed);
		printf("# the impostor (uid %d in %s) lives at the dead daemon's pid %d\n",
		       (int)users[i], cgroups[i], (int)impostor);
		VM_CHECK(run_command(status, out, sizeof(out)) >= 0);
		if (!strstr(out, "not running"))
			VM_FAIL("status with the impostor at the stale pid: %s", out);
		next = daemon_start();
		VM_CHECK(next > 0 && next != impostor);
		VM_CHECK(file_names(PID_FILE, next));
		if (impostor > 0)
			kill(impostor, SIGKILL);
		if (next <= 0)
			return;
	}
	/* Control: the daemon holds the file; a second one stops at once, naming it. */
	snprintf(expected, sizeof(expected), "already running as pid %d", (int)daemon_pid());
	VM_CHECK(run_command(second, out, sizeof(out)) == 1);
	if (!strstr(out, expected))
		VM_FAIL("a second `lsmguard run` said: %s (expected '%s')", out, expected);
	VM_CHECK(run_command(status, out, sizeof(out)) == 0 && strstr(out, "running") &&
		 !strstr(out, "not running"));
}

/* ---- MAINPID= in a notify datagram (lsm/unix_may_send on the skb's copy) ---- */

#define NOTIFY_DIR "/run/lgt-notify"
#define MANAGER_NOTIFY NOTIFY_DIR "/notify" /* a service manager's name for it */
#define NOT_NOTIFY_PATH NOTIFY_DIR "/other"	/* any other name: not decided */
#define PARENT (-3L) /* a number: the sender's parent (getppid(), the unconfined test) */
#define NUL_END ((size_t)-1) /* a length: as formatted, and one NUL byte after */
#define MAINPID_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot name another process than its own (or "  \
	"its parent's under the same policy) as its unit's main process (MAINPID=) to a service " \
	"manager\""

struct notify_try {
	const char *to;	    /* the receiving socket's path */
	const char *format; /* the message, with one %ld for number */
	long number;	    /* OWN, PARENT or a pid */
	size_t length;	    /* 0: as formatted; else padded with 'x' to this many bytes */
	uid_t as;	    /* 0: root; else this uid and gid */
	bool from_child;    /* a child sends, naming OWN as its parent (systemd-notify --pid) */
};

/* The message t describes, for a sender whose pid is self; its length. */
static size_t notify_message(const struct notify_try *t, pid_t self, char *buf, size_t size)
{
	long number = t->number == OWN ? self : t->number == PARENT ? getppid() : t->number;
	int n = snprintf(buf, size, t->format, number);

	if (n < 0 || (size_t)n + 1 >= size)
		return 0;
	if (t->length == NUL_END)
		return (size_t)n + 1; /* snprintf's NUL */
	if (t->length > (size_t)n && t->length <= size) {
		memset(buf + n, 'x', t->length - n);
		return t->length;
	}
	return (size_t)n;
}

static int notify_send(const struct notify_try *t, pid_t self)
{
	static char buf[32768];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len = notify_message(t, self, buf, sizeof(buf));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), sndbuf = 1 << 20;
	ssize_t sent;

	if (fd < 0 || len == 0)
		return 220;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", t->to);
	sent = sendto(fd, buf, len, 0, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (sent < 0)
		return errno;
	return (size_t)sent == len ? 0 : 221;
}

static int do_notify(const void *arg)
{
	const struct notify_try *t = arg;
	pid_t child;
	int status;

	if (t->as && (setgroups(0, NULL) || setresgid(t->as, t->as, t->as) ||
		      setresuid(t->as, t->as, t->as)))
		return 210;
	if (!t->from_child)
		return notify_send(t, getpid());
	child = fork();
	if (child == 0)
		_exit(notify_send(t, getppid()));
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 250;
	return WEXITSTATUS(status);
}

/* A receiving socket bound at path (readable by uid USER, passing credentials); -1 if none. */
static int notify_receiver(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, rcvbuf = 1 << 20;

	mkdir(NOTIFY_DIR, 0755);
	chmod(NOTIFY_DIR, 0755);
	unlink(path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0666) || passcred(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Datagrams waiting at fd: how many, and how many of them hold needle (NULL: none counted). */
static int notify_arrived(int fd, const char *needle, int *holding)
{
	static char buf[32769];
	int count = 0;
	ssize_t n;

	*holding = 0;
	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
		buf[n] = '\0';
		count++;
		if (needle && memmem(buf, (size_t)n, needle, strlen(needle)))
			(*holding)++;
	}
	return count;
}

/*
 * Send t from cgroup to its socket and check that arrivals datagrams arrived there: a refused
 * datagram (arrivals 0) is the send's EPERM, any other send must succeed.
 */
static void check_notify(int fd, const char *cgroup, const struct notify_try *t, int arrivals)
{
	char shown[96];
	int got, count, holding;

	snprintf(shown, sizeof(shown), t->format, t->number);
	for (char *p = shown; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\\')
			*p = '|';
	got = in_cgroup(cgroup, do_notify, t);
	count = notify_arrived(fd, NULL, &holding);
	printf("# %s uid %d%s to %s: \"%s\" (%zu bytes): send %d (%s), %d arrived\n",
	       cgroup ? cgroup : "unconfined", (int)t->as, t->from_child ? " (a child)" : "", t->to,
	       shown, t->length, got, got > 0 && got < 100 ? strerror(got) : "-", count);
	if (got != (arrivals ? 0 : EPERM))
		VM_FAIL("%s: \"%s\": the send returned %d (%s), expected %s",
			cgroup ? cgroup : "unconfined", shown, got,
			got > 0 && got < 100 ? strerror(got) : "-", arrivals ? "success" : "EPERM");
	if (count != arrivals)
		VM_FAIL("%s uid %d: \"%s\": %d arrived, expected %d", cgroup ? cgroup : "unconfined",
			(int)t->as, shown, count, arrivals);
}

static void expect_mainpid_event(long mark, const char *policy, uid_t as, const char *path)
{
	char policy_needle[96], path_needle[160], uid_needle[32];

	snprintf(policy_needle, sizeof(policy_needle), "\"policy\":\"%s\"", policy);
	snprintf(path_needle, sizeof(path_needle), "\"path\":\"%s\"", path);
	snprintf(uid_needle, sizeof(uid_needle), "\"uid\":%d", (int)as);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", policy_needle,
			   "\"hook\":\"unix_may_send\"", "\"access\":\"write\"", MAINPID_SOURCE,
			   uid_needle, path_needle);
}

/*
 * A confined root or uid 1000, under the enforce-mode and the audit-mode policy, tells a
 * notify socket MAINPID= of lsmguard's daemon, of PID 1 or of its parent (outside the policy):
 * the send fails with EPERM and nothing arrives, and the event says
 * what was dropped ("deny" under the audit policy too). Its own pid arrives, and a child's
 * MAINPID= naming it (systemd-notify --pid). Unconfined, every one arrives; and a socket of
 * another name is not a notify socket.
 */
VM_TEST(creds_notify_mainpid_of_another_is_dropped, 210)
{
	const char *const cgroups[] = {CREDS, CREDS_AUDIT};
	const char *const policies[] = {"creds", "creds-audit"};
	const uid_t users[] = {0, USER};
	struct notify_try t = {.to = MANAGER_NOTIFY, .format = "READY=1\nMAINPID=%ld"};
	int fd, other;
	pid_t daemon;

	creds_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	fd = notify_receiver(MANAGER_NOTIFY);
	other = notify_receiver(NOT_NOTIFY_PATH);
	VM_CHECK(fd >= 0 && other >= 0);
	for (size_t i = 0; i < 2; i++) {
		for (size_t u = 0; u < 2; u++) {
			const long targets[] = {daemon, 1, PARENT};
			char path[64];

			t.as = users[u];
			for (size_t k = 0; k < 3; k++) {
				long mark = event_mark();

				t.number = targets[k];
				check_notify(fd, cgroups[i], &t, 0);
				snprintf(path, sizeof(path), "MAINPID=%ld to a notify socket",
					 targets[k] == PARENT ? (long)getpid() : targets[k]);
				expect_mainpid_event(mark, policies[i], t.as, path);
			}
			t.number = OWN;
			check_notify(fd, cgroups[i], &t, 1);
			t.from_child = true;
			check_notify(fd, cgroups[i], &t, 1);
			t.from_child = false;
		}
	}
	/* Another name is not a service manager's socket; unconfined, the kernel delivers. */
	t.as = 0;
	t.number = daemon;
	t.to = NOT_NOTIFY_PATH;
	check_notify(other, CREDS, &t, 1);
	t.to = MANAGER_NOTIFY;
	check_notify(fd, NULL, &t, 1);
	t.as = USER;
	check_notify(fd, NULL, &t, 1);
	close(fd);
	close(other);
	unlink(MANAGER_NOTIFY);
	unlink(NOT_NOTIFY_PATH);
}

/*
 * The shapes systemd reads as MAINPID= (any line, split at '\n' or '\r'; a backslash before a
 * key's character unescapes it; the first such line wins, so a second line is checked too), and
 * values its parser takes that this one does not (hex, a leading space, a leading zero):
 * dropped with the event's path naming the number, or saying it was not a plain number. A
 * message longer than systemd reads (4096 bytes) is dropped unread; one of 20,000 bytes (not
 * linear in the skb) too. A trailing NUL after the own number, and 4096 bytes with it, arrive.
 */
VM_TEST(creds_notify_mainpid_shapes, 211)
{
	struct shape {
		const char *format;
		size_t length;
		bool daemon; /* the number is the daemon's (else OWN) */
		int arrivals;
		const char *path; /* the event's path; "%ld": the daemon's pid */
	} const shapes[] = {
	    {"STATUS=x\rMAINPID=%ld", 0, true, 0, "MAINPID=%ld to a notify socket"},
	    {"MAIN\\PID=%ld", 0, true, 0, "MAINPID=%ld to a notify socket"},
	    {"\\M\\A\\I\\N\\P\\I\\D\\=%ld\n", 0, true, 0, "MAINPID=%ld to a notify socket"},
	    {"X\\\nMAINPID=%ld", 0, true, 0, "MAINPID=%ld to a notify socket"},
	    {"MAINPID=%ld\nMAINPID=1", 0, false, 0, "MAINPID=1 to a notify socket"},
	    {"MAINPID=0x%lx", 0, true, 0,
	     "MAINPID= with no plain decimal number, to a notify socket"},
	    {"MAINPID= %ld", 0, true, 0, "MAINPID= with no plain decimal number, to a notify socket"},
	    {"MAINPID=0%ld", 0, true, 0, "MAINPID= with no plain decimal number, to a notify socket"},
	    {"MAINPID=", 0, true, 0, "MAINPID= with no plain decimal number, to a notify socket"},
	    {"STATUS=%ld\n", 4097, true, 0, "a notify message longer than 4096 bytes"},
	    {"STATUS=%ld\n", 20000, true, 0, "a notify message longer than 4096 bytes"},
	    {"READY=1\nMAINPID=%ld\n", 4096, false, 1, NULL},
	    {"MAINPIDX=%ld\nXMAINPID=1\nmainpid=1", 0, true, 1, NULL},
	};
	struct notify_try t = {.to = MANAGER_NOTIFY};
	pid_t daemon;
	int fd;

	creds_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	fd = notify_receiver(MANAGER_NOTIFY);
	VM_CHECK(fd >= 0);
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		long mark = event_mark();
		char path[96];

		t.format = shapes[i].format;
		t.length = shapes[i].length;
		t.number = shapes[i].daemon ? daemon : OWN;
		check_notify(fd, CREDS, &t, shapes[i].arrivals);
		if (!shapes[i].path)
			continue;
		snprintf(path, sizeof(path), shapes[i].path, (long)daemon);
		expect_mainpid_event(mark, "creds", 0, path);
	}
	/* "MAINPID=<own>\0": systemd reads up to the NUL. */
	t.format = "MAINPID=%ld";
	t.number = OWN;
	t.length = NUL_END;
	check_notify(fd, CREDS_AUDIT, &t, 1);
	close(fd);
	unlink(MANAGER_NOTIFY);
}

/* A second thread rewriting the datagram's buffer while the first sends it, for a second. */
struct notify_race {
	char buf[64];
	char own[64], forged[64]; /* the same length */
	size_t len;
	volatile int stop;
};

static void *notify_flip(void *arg)
{
	struct notify_race *r = arg;

	/* Each copy stays in the buffer for a while, so a send preempted or run on the other CPU
	 * meets either one (with back-to-back copies the forged one was seldom met). */
	while (!r->stop) {
		memcpy(r->buf, r->forged, r->len);
		for (volatile int spin = 0; spin < 2000; spin++)
			;
		memcpy(r->buf, r->own, r->len);
		for (volatile int spin = 0; spin < 2000; spin++)
			;
	}
	return NULL;
}

/* Shared with the racing sender (a child): the daemon's pid, the receiver it drains, and what
 * it counted. */
struct notify_race_arg {
	pid_t daemon;
	int receiver;
	long sent, refused, again, other;
	int arrived, holding;
};

/*
 * The own and the forged message padded to one length (STATUS=). The sender drains the
 * receiver as it goes: each queued datagram is charged to the sender's send buffer until it is
 * read, and once that buffer is full every send fails with EAGAIN before its copy is made or
 * decided (a run once stopped deciding after the first 278 sends, all of them own copies).
 */
static int do_notify_race(const void *arg)
{
	struct notify_race_arg *a = (struct notify_race_arg *)arg;
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = MANAGER_NOTIFY};
	static struct notify_race r;
	char needle[32];
	struct timespec start, now;
	pthread_t flipper;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), holding;

	if (fd < 0)
		return 230;
	snprintf(needle, sizeof(needle), "MAINPID=%d\n", (int)a->daemon);
	snprintf(r.own, sizeof(r.own), "MAINPID=%d\nSTATUS=%-12s", (int)getpid(), "x");
	snprintf(r.forged, sizeof(r.forged), "MAINPID=%d\nSTATUS=%-12s", (int)a->daemon, "x");
	r.len = strlen(r.own) < strlen(r.forged) ? strlen(r.own) : strlen(r.forged);
	memcpy(r.buf, r.own, r.len);
	if (pthread_create(&flipper, NULL, notify_flip, &r))
		return 231;
	/* Two seconds at least, and on until a send was refused and one went through (under
	 * preempt=full a run once met the forged copy in none of its sends): at most 30 seconds. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		if (sendto(fd, r.buf, r.len, MSG_DONTWAIT, (struct sockaddr *)&sun, sizeof(sun)) ==
		    (ssize_t)r.len)
			a->sent++;
		else if (errno == EPERM)
			a->refused++;
		else if (errno == EAGAIN)
			a->again++;
		else
			a->other++;
		if ((a->sent + a->again) % 64 == 0) {
			a->arrived += notify_arrived(a->receiver, needle, &holding);
			a->holding += holding;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < 2 ||
		 ((!a->refused || !a->sent) && now.tv_sec - start.tv_sec < 30));
	r.stop = 1;
	pthread_join(flipper, NULL);
	close(fd);
	return !a->refused ? 232 : !a->sent ? 233 : 0;
}

/* arg: the daemon's pid. connect() to the notify socket, then write() READY=1 and a claim. */
static int do_notify_connected(const void *arg)
{
	const pid_t *daemon = arg;
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = MANAGER_NOTIFY};
	char claim[64];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 230;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return 100 + errno; /* go-systemd and python-sdnotify connect first */
	if (write(fd, "READY=1", 7) != 7)
		return 150 + errno;
	snprintf(claim, sizeof(claim), "MAINPID=%d", (int)*daemon);
	if (write(fd, claim, strlen(claim)) >= 0)
		return 199;
	return errno;
}

/*
 * A datagram socket connected to the notify socket first (as go-systemd and python-sdnotify
 * do): the connect is not a datagram and goes through; its own READY=1 arrives; a claim naming
 * the daemon written on it is refused (EPERM) and does not arrive.
 */
VM_TEST(creds_notify_connected_socket, 212)
{
	int fd, holding;
	pid_t daemon;

	creds_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	fd = notify_receiver(MANAGER_NOTIFY);
	VM_CHECK(fd >= 0);
	for (size_t c = 0; c < 2; c++) {
		const char *cgroup = c ? CREDS_AUDIT : CREDS;
		int got = in_cgroup(cgroup, do_notify_connected, &daemon);
		int count = notify_arrived(fd, "READY=1", &holding);

		if (got != EPERM || count != 1 || holding != 1)
			VM_FAIL("%s: connect, READY=1, MAINPID=%d: %d, %d arrived (%d READY=1); "
				"expected EPERM for the claim and READY=1 alone",
				cgroup, (int)daemon, got, count, holding);
	}
	VM_CHECK(in_cgroup(NULL, do_notify_connected, &daemon) == 199);
	close(fd);
}

/*
 * The datagram is decided on the kernel's copy: a sibling thread flipping the buffer between
 * the own pid and the daemon's during two seconds of sends gets own copies through and never a
 * forged one (a check of the sender's buffer at socket_sendmsg would be raced); the forged
 * copies are dropped with their event. The receiver is drained while the sender runs.
 */
VM_TEST(creds_notify_mainpid_racing_thread, 212)
{
	struct notify_race_arg *a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char needle[32], path[64];
	int fd, arrived = 0, holding = 0, got;
	pid_t daemon;
	long mark;

	creds_setup();
	VM_CHECK(a != MAP_FAILED);
	if (a == MAP_FAILED)
		return;
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	fd = notify_receiver(MANAGER_NOTIFY);
	VM_CHECK(fd >= 0);
	*a = (struct notify_race_arg){.daemon = daemon, .receiver = fd};
	mark = event_mark();
	got = in_cgroup(CREDS, do_notify_race, a);
	printf("# racing sender: %d; sent %ld, refused %ld, EAGAIN %ld, other errors %ld\n", got,
	       a->sent, a->refused, a->again, a->other);
	VM_CHECK(got == 0);
	snprintf(needle, sizeof(needle), "MAINPID=%d\n", (int)daemon);
	arrived = notify_arrived(fd, needle, &holding) + a->arrived;
	holding += a->holding;
	munmap(a, sizeof(*a));
	printf("# racing thread: %d datagrams arrived, %d of them naming the daemon %d\n", arrived,
	       holding, (int)daemon);
	VM_CHECK(arrived > 0);
	VM_CHECK(holding == 0);
	snprintf(path, sizeof(path), "MAINPID=%d to a notify socket", (int)daemon);
	expect_mainpid_event(mark, "creds", 0, path);
	close(fd);
	unlink(MANAGER_NOTIFY);
}

/* ---- journal entries filed under another unit (lsm/unix_may_send, unix_stream_connect) ---- */

#define JOURNAL_DIR "/run/lgt-journal"
#define JOURNAL_NATIVE JOURNAL_DIR "/journal/socket"	   /* journald's native socket's name */
#define JOURNAL_NS_NATIVE JOURNAL_DIR "/journal.lgns/socket" /* a journal namespace's */
#define JOURNAL_OTHER JOURNAL_DIR "/other/socket"	   /* not journald's: not decided */
#define JOURNAL_STDOUT JOURNAL_DIR "/journal/stdout"	   /* journald's stdout stream socket */
#define JOURNAL_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot file journal entries under another "     \
	"process or unit: OBJECT_ or COREDUMP fields or an entry lsmguard cannot read, from root; " \
	"a stream of its own to journald\""
#define JOURNAL_FIELDS "OBJECT_ or COREDUMP fields to the journal"
#define JOURNAL_UNREAD "a journal message lsmguard cannot read, from root"
#define JOURNAL_STREAM "a journal stream opened by a confined task (its header names a unit)"

struct journal_try {
	const char *to;	 /* the receiving socket's path */
	const char *msg; /* the entry */
	size_t len;	 /* its bytes (NULs too); 0: strlen(msg) */
	size_t pad;	 /* 0: none; else padded with 'x' to this many bytes */
	bool memfd;	 /* the entry goes in a memfd passed with SCM_RIGHTS, no payload */
	bool stream;	 /* connect to `to` as a stream instead */
	uid_t as;	 /* 0: root; else this uid, gid, saved ones too */
	bool saved_root; /* with as: keep 0 as the saved uid (setresuid(as, as, 0)) */
};

static int journal_send(const void *arg)
{
	const struct journal_try *t = arg;
	static char buf[32768];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t text = t->len ? t->len : strlen(t->msg), len = t->pad > text ? t->pad : text;
	int fd, sndbuf = 1 << 20, ret = 0;
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr m = {.msg_name = &sun, .msg_namelen = sizeof(sun), .msg_iov = &iov,
			   .msg_iovlen = 1};

	if (t->as && (setgroups(0, NULL) || setresgid(t->as, t->as, t->as) ||
		      setresuid(t->as, t->as, t->saved_root ? 0 : t->as)))
		return 210;
	if (len > sizeof(buf))
		return 211;
	memset(buf, 'x', len);
	memcpy(buf, t->msg, text);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", t->to);
	fd = socket(AF_UNIX, (t->stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 220;
	if (t->stream) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			ret = errno;
		close(fd);
		return ret;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (t->memfd) {
		int mfd = memfd_create("lgt-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		struct cmsghdr *c;

		if (mfd < 0 || write(mfd, buf, len) != (ssize_t)len ||
		    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL))
			return 222;
		m.msg_iov = NULL; /* journald: an empty datagram with the memfd */
		m.msg_iovlen = 0;
		m.msg_control = control;
		m.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &mfd, sizeof(int));
		len = 0;
	}
	if (sendmsg(fd, &m, 0) != (ssize_t)len)
		ret = errno ? errno : 221;
	close(fd);
	return ret;
}

/* A datagram socket bound at path (its directories made), or a listening stream one. */
static int journal_receiver(const char *path, bool stream)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[sizeof(sun.sun_path)];
	int fd, rcvbuf = 1 << 20;

	mkdir(JOURNAL_DIR, 0755);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	unlink(path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0666) ||
	    (stream && listen(fd, 16))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Datagrams (or connections) waiting at fd, taken. */
static int journal_arrived(int fd, bool stream)
{
	static char buf[32769];
	int count = 0, c;

	if (stream) {
		while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
			close(c);
			count++;
		}
		return count;
	}
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		count++;
	return count;
}

/* t from cgroup (NULL: unconfined): EPERM with event path `refused`, else sent and arrived. */
static void check_journal(int fd, const char *cgroup, const char *policy,
			  const struct journal_try *t, const char *refused)
{
	long mark = event_mark();
	int got = in_cgroup(cgroup, journal_send, t), count = journal_arrived(fd, t->stream);
	char shown[48];

	snprintf(shown, sizeof(shown), "%s", t->msg);
	for (char *p = shown; *p; p++)
		if (*p == '\n')
			*p = '|';
	printf("# %s uid %d%s %s%s to %s: \"%s\" (%zu bytes): %d (%s), %d arrived\n",
	       cgroup ? cgroup : "unconfined", (int)t->as, t->saved_root ? " (saved uid 0)" : "",
	       t->stream ? "connect" : "send",
	       t->memfd ? " in a memfd" : "", t->to, shown,
	       t->pad ? t->pad : t->len ? t->len : strlen(t->msg), got,
	       got > 0 && got < 200 ? strerror(got) : "-", count);
	if (got != (refused ? EPERM : 0) || count != (refused ? 0 : 1))
		VM_FAIL("%s uid %d: \"%s\" to %s: returned %d, %d arrived; expected %s",
			cgroup ? cgroup : "unconfined", (int)t->as, shown, t->to, got, count,
			refused ? "EPERM, none" : "success, one");
	if (refused) {
		char policy_needle[64], path_needle[128];

		snprintf(policy_needle, sizeof(policy_needle), "\"policy\":\"%s\"", policy);
		snprintf(path_needle, sizeof(path_needle), "\"path\":\"%s\"", refused);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", policy_needle,
				   t->stream ? "\"hook\":\"unix_stream_connect\""
					     : "\"hook\":\"unix_may_send\"",
				   JOURNAL_SOURCE, UID_FIELD(t->as), path_needle);
	}
}

/*
 * Each of the n tries from cgroup, sent as sender says (its uid and saved uid), to its socket
 * (JOURNAL_NATIVE when it names none): fds[0] receives at JOURNAL_NATIVE, fds[1] at
 * JOURNAL_NS_NATIVE.
 */
static void check_journal_each(const int fds[2], const char *cgroup, const char *policy,
			       const struct journal_try *tries, size_t n,
			       const struct journal_try *sender, const char *refused)
{
	for (size_t k = 0; k < n; k++) {
		struct journal_try t = tries[k];

		t.to = t.to ? t.to : JOURNAL_NATIVE;
		t.as = sender->as;
		t.saved_root = sender->saved_root;
		check_journal(strcmp(t.to, JOURNAL_NS_NATIVE) == 0 ? fds[1] : fds[0], cgroup,
			      policy, &t, refused);
	}
}

/*
 * A confined task files no journal entry under another process or unit (attack run 15: a
 * confined root's OBJECT_SYSTEMD_UNIT=lsmguard.service entries showed in `journalctl -u
 * lsmguard`). To journald's native socket (and a journal namespace's), from root and from uid
 * 1000 with saved uid 0, under the enforce-mode and the audit-mode policy: an OBJECT_ or
 * COREDUMP field at any line's start, in text or binary form (and the bytes of a binary
 * field's data after a newline, a superset), is EPERM with the event, and so is an entry
 * lsmguard cannot read (20,000 bytes: not linear in the skb; a memfd). OBJECT_ inside a value,
 * and ordinary entries, arrive; from uid 1000 (no uid 0 at all: journald files it as
 * _UID=1000, which `-u` never counts) everything arrives. A stream of a confined task's own to
 * journald's stdout socket (its header names a unit; journald takes a root writer's, whoever
 * connected) is EPERM for every uid. Unconfined, and to a socket of another directory,
 * everything arrives.
 */
VM_TEST(creds_journal_entries_under_another_unit, 213)
{
	static const char binary_object[] = "OBJECT_PID\n\x04\0\0\0\0\0\0\0" "1234\n";
	static const char binary_data[] = "MESSAGE\n\x11\0\0\0\0\0\0\0" "a\nOBJECT_PID=1234\n";
	const char *const cgroups[] = {CREDS, CREDS_AUDIT};
	const char *const policies[] = {"creds", "creds-audit"};
	const struct {
		uid_t as;
		bool saved_root;
	} senders[] = {{0, false}, {USER, true}, {USER, false}};
	const struct journal_try fields[] = {
	    {.msg = "MESSAGE={\"event\":\"stopping\"}\nOBJECT_SYSTEMD_UNIT=lsmguard.service\n"},
	    {.msg = "OBJECT_PID=1\nMESSAGE=x", .to = JOURNAL_NS_NATIVE},
	    {.msg = "MESSAGE=x\nCOREDUMP_UNIT=lsmguard.service\nMESSAGE_ID="
		    "fc2e22bc6ee647b6b90729ab34a250b1\n"},
	    {.msg = binary_object, .len = sizeof(binary_object) - 1},
	    {.msg = binary_data, .len = sizeof(binary_data) - 1},
	};
	const struct journal_try unread[] = {
	    {.msg = "MESSAGE=", .pad = 20000},
	    {.msg = "MESSAGE=in a memfd\n", .memfd = true},
	};
	const struct journal_try delivered[] = {
	    {.msg = "MESSAGE=OBJECT_PID=1 COREDUMP_UNIT=x\nPRIORITY=6\n"},
	    {.msg = "MESSAGE=hello\nSYSLOG_IDENTIFIER=lgt\nXOBJECT_PID=1\n",
	     .to = JOURNAL_NS_NATIVE},
	};
	int native, ns, other, stdout_fd, fds[2];

	creds_setup();
	native = journal_receiver(JOURNAL_NATIVE, false);
	ns = journal_receiver(JOURNAL_NS_NATIVE, false);
	other = journal_receiver(JOURNAL_OTHER, false);
	stdout_fd = journal_receiver(JOURNAL_STDOUT, true);
	VM_CHECK(native >= 0 && ns >= 0 && other >= 0 && stdout_fd >= 0);
	fds[0] = native;
	fds[1] = ns;
	for (size_t i = 0; i < 2; i++) {
		for (size_t u = 0; u < sizeof(senders) / sizeof(senders[0]); u++) {
			/* uid 1000 with no uid 0 at all is not scanned: its fields arrive */
			bool root = !senders[u].as || senders[u].saved_root;
			struct journal_try t = {.as = senders[u].as,
						.saved_root = senders[u].saved_root};

			check_journal_each(fds, cgroups[i], policies[i], fields,
					   sizeof(fields) / sizeof(fields[0]), &t,
					   root ? JOURNAL_FIELDS : NULL);
			check_journal_each(fds, cgroups[i], policies[i], unread,
					   sizeof(unread) / sizeof(unread[0]), &t,
					   root ? JOURNAL_UNREAD : NULL);
			check_journal_each(fds, cgroups[i], policies[i], delivered,
					   sizeof(delivered) / sizeof(delivered[0]), &t, NULL);
			t.to = JOURNAL_STDOUT;
			t.msg = "";
			t.stream = true;
			check_journal(stdout_fd, cgroups[i], policies[i], &t, JOURNAL_STREAM);
		}
	}
	/* Controls: another directory's socket; unconfined root. */
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		struct journal_try t = fields[k];

		t.to = JOURNAL_OTHER;
		check_journal(other, CREDS, "creds", &t, NULL);
		t.to = JOURNAL_NATIVE;
		check_journal(native, NULL, NULL, &t, NULL);
	}
	for (size_t k = 0; k < sizeof(unread) / sizeof(unread[0]); k++) {
		struct journal_try t = unread[k];

		t.to = JOURNAL_NATIVE;
		check_journal(native, NULL, NULL, &t, NULL);
	}
	for (size_t u = 0; u < 2; u++) {
		struct journal_try t = {.to = JOURNAL_STDOUT, .msg = "", .stream = true,
					.as = u ? USER : 0};

		check_journal(stdout_fd, NULL, NULL, &t, NULL);
	}
	close(native);
	close(ns);
	close(other);
	close(stdout_fd);
	unlink(JOURNAL_NATIVE);
	unlink(JOURNAL_NS_NATIVE);
	unlink(JOURNAL_OTHER);
	unlink(JOURNAL_STDOUT);
}
