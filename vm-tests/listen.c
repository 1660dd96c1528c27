// SPDX-License-Identifier: GPL-2.0-only
/*
 * Incoming (issue "Network, local IPC and privileges"): which local addresses and ports a
 * confined service may bind and listen on. One table of binds and listens, each row a socket,
 * the address it binds (or none) and what it does next; every row runs unconfined (the kernel's
 * own result), by a confined root and uid 1000 under an enforce policy, under the same rules in
 * audit mode, and under a default = allow policy with one deny-listen. A row the rules deny
 * fails with EPERM at the step the rules decide (bind or listen) and binds nothing; any other
 * row gets the kernel's own result, errno and step.
 *
 * "lis" (and "lis-audit"): default = deny, with a connect rule (which allows no listening) and
 * listen rules; "lis-open": default = allow, deny-listen = 127.0.0.1 tcp 7102.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define LIS "/lgt/lis"
#define LIS_AUDIT "/lgt/lis-audit"
#define LIS_OPEN "/lgt/lis-open"
#define USER 1000

#define LIS_RULES                                                                                 \
	"[network]\ndefault = deny\n"                                                             \
	"allow = 127.0.0.1 tcp 7100\n" /* a connect rule: no listening */                         \
	"listen = tcp 7101\n"                                                                     \
	"listen = 127.0.0.1 tcp 7102\n"                                                           \
	"listen = udp 7103\n"                                                                     \
	"listen = [::1] tcp 7104\n"                                                               \
	"listen = 0.0.0.0 tcp 7105\n"                                                             \
	"listen = [::] tcp 7105\n"                                                                \
	"listen = [::] tcp 7106\n" /* not 0.0.0.0: a dual-stack :: is refused */                  \
	"listen = 127.0.0.1 tcp 7107\n" /* the inherited listener's port: 127.0.0.1 only */
static const char lis_policy[] =
	"[policy]\nname = lis\ncgroup = " LIS "\nmode = enforce\n" LIS_RULES;
static const char lis_audit_policy[] =
	"[policy]\nname = lis-audit\ncgroup = " LIS_AUDIT "\nmode = audit\n" LIS_RULES;
static const char lis_open_policy[] = "[policy]\nname = lis-open\ncgroup = " LIS_OPEN
				      "\nmode = enforce\n[network]\ndefault = allow\n"
				      "deny-listen = 127.0.0.1 tcp 7102\n";

/* What a row does after socket() (and the options). */
enum step { S_NONE = 0, S_BIND = 1, S_LISTEN = 2, S_CONNECT = 3, S_ACCEPT = 4 };
/* A result: the step that failed * 1000 + its errno; 0 when every step succeeded. */
#define AT(step, err) ((step) * 1000 + (err))

#define O_V6ONLY 0x01	  /* IPV6_V6ONLY before bind */
#define O_REUSEPORT 0x02  /* SO_REUSEPORT before bind */
#define O_FREEBIND 0x04	  /* IP_FREEBIND before bind */
#define O_LISTEN 0x08	  /* listen() after bind (or without one) */
#define O_CONNECT 0x10	  /* connect() to 127.0.0.1:7100 after bind (a client) */
#define O_UNSPEC 0x20	  /* the sockaddr_in says AF_UNSPEC */
#define O_V4_ON_V6 0x40	  /* a sockaddr_in on an AF_INET6 socket */
#define O_URING 0x80	  /* bind and listen by io_uring (IORING_OP_BIND, _LISTEN) */
#define O_INHERITED 0x100 /* the inherited listener on 0.0.0.0:7107: accept, then listen */
#define O_LONG 0x200	  /* the sockaddr_in passed with a sockaddr_in6's length */

struct lis_row {
	const char *what;
	int family, type;
	const char *addr; /* the address bound, or NULL for no bind() */
	int port;
	unsigned opts;
	int kernel_root, kernel_user; /* the unconfined result (AT()) as root and as uid 1000 */
	int lis_step;		      /* the step "lis" denies (S_BIND, S_LISTEN), or S_NONE */
	int open_step;		      /* the step "lis-open" denies, or S_NONE */
};

static const struct lis_row rows[] = {
    {"TCP 0.0.0.0:7101, listen", AF_INET, SOCK_STREAM, "0.0.0.0", 7101, O_LISTEN, 0, 0, S_NONE,
     S_NONE},
    {"TCP 0.0.0.0:7100 (a connect rule's port)", AF_INET, SOCK_STREAM, "0.0.0.0", 7100, 0, 0, 0,
     S_BIND, S_NONE},
    {"TCP 127.0.0.1:7102, listen", AF_INET, SOCK_STREAM, "127.0.0.1", 7102, O_LISTEN, 0, 0,
     S_NONE, S_BIND},
    {"TCP 0.0.0.0:7102 (the rule names 127.0.0.1)", AF_INET, SOCK_STREAM, "0.0.0.0", 7102, 0, 0, 0,
     S_BIND, S_NONE},
    {"TCP 127.0.0.2:7102", AF_INET, SOCK_STREAM, "127.0.0.2", 7102, 0, 0, 0, S_BIND, S_NONE},
    {"TCP 127.0.0.1:0 then listen (an ephemeral port)", AF_INET, SOCK_STREAM, "127.0.0.1", 0,
     O_LISTEN, 0, 0, S_LISTEN, S_NONE},
    {"TCP listen without bind (inet_listen's autobind)", AF_INET, SOCK_STREAM, NULL, 0, O_LISTEN,
     0, 0, S_LISTEN, S_NONE},
    {"TCP bind 0.0.0.0:0 then connect (a client)", AF_INET, SOCK_STREAM, "0.0.0.0", 0, O_CONNECT,
     AT(S_CONNECT, ECONNREFUSED), AT(S_CONNECT, ECONNREFUSED), S_NONE, S_NONE},
    {"UDP 0.0.0.0:7103 (a UDP server: bind is its listen)", AF_INET, SOCK_DGRAM, "0.0.0.0", 7103,
     0, 0, 0, S_NONE, S_NONE},
    {"UDP 0.0.0.0:7101 (the rule is TCP's)", AF_INET, SOCK_DGRAM, "0.0.0.0", 7101, 0, 0, 0, S_BIND,
     S_NONE},
    {"UDP 127.0.0.1:0 (a client)", AF_INET, SOCK_DGRAM, "127.0.0.1", 0, 0, 0, 0, S_NONE, S_NONE},
    {"UDP listen (EOPNOTSUPP, the kernel's)", AF_INET, SOCK_DGRAM, NULL, 0, O_LISTEN,
     AT(S_LISTEN, EOPNOTSUPP), AT(S_LISTEN, EOPNOTSUPP), S_NONE, S_NONE},
    {"AF_UNSPEC INADDR_ANY:7100 on an IPv4 socket (bound as AF_INET)", AF_INET, SOCK_STREAM,
     "0.0.0.0", 7100, O_UNSPEC, 0, 0, S_BIND, S_NONE},
    {"AF_UNSPEC 127.0.0.1:7100 (EAFNOSUPPORT, the kernel's)", AF_INET, SOCK_STREAM, "127.0.0.1",
     7100, O_UNSPEC, AT(S_BIND, EAFNOSUPPORT), AT(S_BIND, EAFNOSUPPORT), S_NONE, S_NONE},
    {"IP_FREEBIND 192.0.2.1:7101 (not this host's)", AF_INET, SOCK_STREAM, "192.0.2.1", 7101,
     O_FREEBIND | O_LISTEN, 0, 0, S_NONE, S_NONE},
    {"IP_FREEBIND 192.0.2.1:7102", AF_INET, SOCK_STREAM, "192.0.2.1", 7102, O_FREEBIND, 0, 0,
     S_BIND, S_NONE},
    {"TCP6 [::1]:7104, listen", AF_INET6, SOCK_STREAM, "::1", 7104, O_LISTEN, 0, 0, S_NONE,
     S_NONE},
    {"TCP6 [::]:7101 dual-stack, listen", AF_INET6, SOCK_STREAM, "::", 7101, O_LISTEN, 0, 0,
     S_NONE, S_NONE},
    {"TCP6 [::]:7104 v6-only (the rule names ::1)", AF_INET6, SOCK_STREAM, "::", 7104, O_V6ONLY,
     0, 0, S_BIND, S_NONE},
    {"TCP6 [::ffff:127.0.0.1]:7102 (IPv4-mapped: 127.0.0.1)", AF_INET6, SOCK_STREAM,
     "::ffff:127.0.0.1", 7102, O_LISTEN, 0, 0, S_NONE, S_BIND},
    {"TCP6 [::ffff:127.0.0.2]:7102", AF_INET6, SOCK_STREAM, "::ffff:127.0.0.2", 7102, 0, 0, 0,
     S_BIND, S_NONE},
    {"TCP6 [::]:7105 dual-stack (:: and 0.0.0.0 allowed)", AF_INET6, SOCK_STREAM, "::", 7105,
     O_LISTEN, 0, 0, S_NONE, S_NONE},
    {"TCP6 [::]:7106 dual-stack (0.0.0.0 not allowed)", AF_INET6, SOCK_STREAM, "::", 7106, 0, 0, 0,
     S_BIND, S_NONE},
    {"TCP6 [::]:7106 v6-only", AF_INET6, SOCK_STREAM, "::", 7106, O_V6ONLY | O_LISTEN, 0, 0,
     S_NONE, S_NONE},
    {"TCP6 [::1]:0 then listen (an ephemeral port)", AF_INET6, SOCK_STREAM, "::1", 0, O_LISTEN, 0,
     0, S_LISTEN, S_NONE},
    {"sockaddr_in on an IPv6 socket (EINVAL: shorter than RFC 2133's)", AF_INET6, SOCK_STREAM,
     "0.0.0.0", 7100, O_V4_ON_V6, AT(S_BIND, EINVAL), AT(S_BIND, EINVAL), S_NONE, S_NONE},
    {"AF_INET in a sockaddr_in6's length on an IPv6 socket (EAFNOSUPPORT)", AF_INET6,
     SOCK_STREAM, "0.0.0.0", 7100, O_V4_ON_V6 | O_LONG, AT(S_BIND, EAFNOSUPPORT),
     AT(S_BIND, EAFNOSUPPORT), S_NONE, S_NONE},
    {"UDP6 [::]:7103 dual-stack", AF_INET6, SOCK_DGRAM, "::", 7103, 0, 0, 0, S_NONE, S_NONE},
    /* The unconfined listener on 0.0.0.0:7110 (SO_REUSEPORT, root's): root may share it, uid
     * 1000 may not (the kernel's own check); a confined root is refused the port. */
    {"SO_REUSEPORT on another's 0.0.0.0:7110", AF_INET, SOCK_STREAM, "0.0.0.0", 7110,
     O_REUSEPORT | O_LISTEN, 0, AT(S_BIND, EADDRINUSE), S_BIND, S_NONE},
    {"io_uring bind and listen (none on 6.1)", AF_INET, SOCK_STREAM, "0.0.0.0", 7102, O_URING,
     AT(S_BIND, EINVAL), AT(S_BIND, EINVAL), S_NONE, S_NONE},
    /* Socket activation: an unconfined process (PID 1) binds and listens on 0.0.0.0:7107, the
     * service accepts (not decided); listen() again on the inherited socket is decided at its
     * address, which "lis" allows at 127.0.0.1 only. */
    {"accept on an inherited listener, then listen() on it", AF_INET, SOCK_STREAM, NULL, 0,
     O_INHERITED, 0, 0, S_LISTEN, S_NONE},
};

static int inherited = -1;

static int fill(const struct lis_row *row, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (row->family == AF_INET || (row->opts & O_V4_ON_V6)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = (row->opts & O_UNSPEC) ? AF_UNSPEC : AF_INET;
		sin->sin_port = htons((uint16_t)row->port);
		*len = (row->opts & O_LONG) ? sizeof(struct sockaddr_in6) : sizeof(*sin);
		return inet_pton(AF_INET, row->addr, &sin->sin_addr) == 1 ? 0 : 230;
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)row->port);
		*len = sizeof(*sin6);
		return inet_pton(AF_INET6, row->addr, &sin6->sin6_addr) == 1 ? 0 : 231;
	}
}

struct lis_arg {
	const struct lis_row *row;
	uid_t uid;
};

static int do_inherited(void)
{
	int c = accept(inherited, NULL, NULL);

	if (c < 0)
		return AT(S_ACCEPT, errno);
	close(c);
	return listen(inherited, 8) ? AT(S_LISTEN, errno) : 0;
}

static int do_row(const void *data)
{
	const struct lis_arg *a = data;
	const struct lis_row *row = a->row;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int fd, one = 1, ret = 0;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	if (row->opts & O_INHERITED)
		return do_inherited();
	fd = socket(row->family, row->type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 200 + errno;
	if (((row->opts & O_V6ONLY) &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    ((row->opts & O_REUSEPORT) &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    ((row->opts & O_FREEBIND) && setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one))))
		return 210 + errno;
	if (row->addr) {
		ret = fill(row, &ss, &len);
		if (ret)
			return ret;
		if (row->opts & O_URING) {
			int r = uring_bind(fd, (struct sockaddr *)&ss, len);

			if (r < 0)
				return r <= -1000 ? 240 : AT(S_BIND, -r);
			r = uring_listen(fd, 8);
			return r < 0 ? (r <= -1000 ? 241 : AT(S_LISTEN, -r)) : 0;
		}
		if (bind(fd, (struct sockaddr *)&ss, len))
			ret = AT(S_BIND, errno);
	}
	if (!ret && (row->opts & O_LISTEN) && listen(fd, 8))
		ret = AT(S_LISTEN, errno);
	if (!ret && (row->opts & O_CONNECT)) {
		struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(7100)};

		inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
			ret = AT(S_CONNECT, errno);
	}
	close(fd);
	return ret;
}

static void lis_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/lis.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/lis.ini", lis_policy, 0644);
		write_file(POLICY_DIR "/lis-audit.ini", lis_audit_policy, 0644);
		write_file(POLICY_DIR "/lis-open.ini", lis_open_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(LIS);
	make_cgroup(LIS_AUDIT);
	make_cgroup(LIS_OPEN);
}

/* A TCP listener outside any policy at addr:port, options before bind; -1 on failure. */
static int unconfined_listener(const char *addr, int port, bool reuseport)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 64)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A connection queued on the inherited listener, for the next accept(): its fd, or -1. */
static int queue_connection(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(7107)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static const char *result_text(int result, char *buf, size_t size)
{
	static const char *const steps[] = {"", "bind", "listen", "connect", "accept"};

	if (result == 0)
		return "success";
	if (result >= 1000 && result < 5000)
		snprintf(buf, size, "%s: %s", steps[result / 1000], strerror(result % 1000));
	else
		snprintf(buf, size, "setup step %d", result);
	return buf;
}

VM_TEST(listen_rules_decide_bind_and_listen, 161)
{
	static const struct {
		const char *cgroup;
		uid_t uid;
		bool audit, open;
	} who[] = {{NULL, 0, false, false},	 {NULL, USER, false, false},
		   {LIS, 0, false, false},	 {LIS, USER, false, false},
		   {LIS_AUDIT, 0, true, false},	 {LIS_AUDIT, USER, true, false},
		   {LIS_OPEN, 0, false, true},	 {LIS_OPEN, USER, false, true}};
	int reuse;
	long mark;

	lis_setup();
	reuse = unconfined_listener("0.0.0.0", 7110, true);
	inherited = unconfined_listener("0.0.0.0", 7107, false);
	VM_CHECK(reuse >= 0 && inherited >= 0);
	mark = event_mark();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct lis_row *row = &rows[i];

		for (size_t w = 0; w < sizeof(who) / sizeof(who[0]); w++) {
			struct lis_arg a = {row, who[w].uid};
			int kernel = who[w].uid ? row->kernel_user : row->kernel_root;
			int step = !who[w].cgroup || who[w].audit ? S_NONE
				   : who[w].open		  ? row->open_step
								  : row->lis_step;
			/* The rules decide before the kernel's own checks of the same step. */
			int want = step && (!kernel || kernel / 1000 >= step) ? AT(step, EPERM)
									      : kernel;
			char got_text[64], want_text[64];
			int got;

			int client = -1;

			if ((row->opts & O_INHERITED) && (client = queue_connection()) < 0)
				VM_FAIL("%s: no connection to queue", row->what);
			got = in_cgroup(who[w].cgroup, do_row, &a);
			if (client >= 0)
				close(client);
			if (got != want)
				VM_FAIL("%s as uid %d in %s: %s; expected %s", row->what, (int)who[w].uid,
					who[w].cgroup ? who[w].cgroup : "no cgroup",
					result_text(got, got_text, sizeof(got_text)),
					result_text(want, want_text, sizeof(want_text)));
		}
	}
	close(reuse);
	close(inherited);
	inherited = -1;
	/* The events name the operation and the local address and port, in both modes. */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_bind\"",
			   "\"access\":\"listen\"", "\"policy\":\"lis\"",
			   "\"source\":\"/etc/lsmguard/policy.d/lis.ini:6\"", "\"family\":\"ipv4\"",
			   "\"address\":\"0.0.0.0\"", "\"port\":7100", "\"protocol\":\"tcp\"",
			   "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_bind\"",
			   "\"policy\":\"lis\"", "\"address\":\"0.0.0.0\"", "\"port\":7101",
			   "\"protocol\":\"udp\"", "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_listen\"",
			   "\"access\":\"listen\"", "\"policy\":\"lis\"", "\"address\":\"0.0.0.0\"",
			   "\"port\":0", "\"protocol\":\"tcp\"", "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_bind\"",
			   "\"policy\":\"lis\"", "\"family\":\"ipv4\"", "\"address\":\"127.0.0.2\"",
			   "\"port\":7102");
	/* [::]:7106 on a dual-stack socket: :: is allowed, 0.0.0.0 refused. */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_bind\"",
			   "\"policy\":\"lis\"", "\"address\":\"0.0.0.0\"", "\"port\":7106");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_bind\"",
			   "\"policy\":\"lis\"", "\"family\":\"ipv6\"", "\"address\":\"::\"",
			   "\"port\":7104");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_listen\"",
			   "\"policy\":\"lis\"", "\"address\":\"0.0.0.0\"", "\"port\":7107");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"socket_bind\"",
			   "\"policy\":\"lis-audit\"", "\"address\":\"0.0.0.0\"", "\"port\":7100",
			   "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"socket_listen\"",
			   "\"policy\":\"lis-audit\"", "\"address\":\"127.0.0.1\"",
			   "\"protocol\":\"tcp\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_bind\"",
			   "\"policy\":\"lis-open\"", "\"rule_action\":\"deny\"",
			   "\"rule_object\":\"listen 127.0.0.1/32 tcp 7102\"", "\"port\":7102");
	VM_CHECK(policy_counter("lis", "socket_bind", "denied") > 0);
	VM_CHECK(policy_counter("lis", "socket_listen", "denied") > 0);
	VM_CHECK(policy_counter("lis-audit", "socket_listen", "audited") > 0);
}
