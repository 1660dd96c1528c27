// SPDX-License-Identifier: GPL-2.0-only
/*
 * Destinations read as the kernel reads them (issue "Network, local IPC and privileges"): one
 * table of datagram sends, each row a socket family, the sockaddr's family, address, port and
 * length, and what the kernel does with it. Every row is sent unconfined (the kernel's own
 * verdict: the errno and which receiver got the datagram), by a confined root and uid 1000
 * under an enforce policy, and under the same rules in audit mode. A row whose real destination
 * the rules deny must be refused with EPERM and deliver nothing; a row the kernel refuses
 * itself (EINVAL, EAFNOSUPPORT, EDESTADDRREQ) gets the kernel's errno; an allowed row arrives
 * where the unconfined send arrived.
 *
 * Two rule sets, so that a misreading shows in either direction: "dest" (and "dest-audit"):
 * default = deny, 127.0.0.2 udp 7001, ::1 udp 7002 and both loopbacks udp 7004 allowed;
 * "dest-open": default = allow,
 * 127.0.0.1 and ::1 udp 7000 denied. Each row names the destination the kernel really sends to
 * (checked for the rows with a receiver there); the expected verdict is the rule set's for that
 * destination. The receivers: 127.0.0.1:7000, 127.0.0.2:7001, [::1]:7000, [::1]:7002, each its
 * own socket (the IPv6 ones v6-only).
 *
 * An unspecified destination (0.0.0.0, ::) goes to the socket's source, which another thread
 * can change between the decision and the send until bind() fixes it (or the message's own
 * IP_PKTINFO names it): under both rule sets such a send is refused even where the address it
 * would reach now is allowed (built-in source-route). Except an IPv6 socket's `::`, which can
 * only become ::1, or 127.0.0.1 while the source is v4-mapped: both are decided, and the send
 * goes through where the rules allow both (port 7004).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define DEST "/lgt/dest"
#define DEST_AUDIT "/lgt/dest-audit"
#define DEST_OPEN "/lgt/dest-open"
#define DEST_LOCAL "/lgt/dest-local"
#define USER 1000

#define DEST_RULES                                                                         \
	"[network]\ndefault = deny\nallow = 127.0.0.2 udp 7001\nallow = ::1 udp 7002\n"           \
	"allow = 127.0.0.1 7003\nallow = ::1 udp 7004\nallow = 127.0.0.1 udp 7004\n"
static const char dest_policy[] =
	"[policy]\nname = dest\ncgroup = " DEST "\nmode = enforce\n" DEST_RULES;
static const char dest_audit_policy[] =
	"[policy]\nname = dest-audit\ncgroup = " DEST_AUDIT "\nmode = audit\n" DEST_RULES;
/* Loopback only, every protocol. */
static const char dest_local_policy[] = "[policy]\nname = dest-local\ncgroup = " DEST_LOCAL
					"\nmode = enforce\n[network]\ndefault = deny\n"
					"allow = ::1\nallow = 127.0.0.1\n";
static const char dest_open_policy[] = "[policy]\nname = dest-open\ncgroup = " DEST_OPEN
				       "\nmode = enforce\n[network]\ndefault = allow\n"
				       "deny = 127.0.0.1\ndeny = ::1 udp 7000\n";

enum receiver {
	R_NONE = -1,
	R4_DENIED,
	R4_ALLOWED,
	R6_DENIED,
	R6_ALLOWED,
	R4_BOTH, /* 127.0.0.1:7004 and [::1]:7004: dest allows both */
	R6_BOTH,
	R_COUNT
};
static const struct {
	const char *addr;
	int port;
} receiver_at[R_COUNT] = {{"127.0.0.1", 7000}, {"127.0.0.2", 7001}, {"::1", 7000},
			  {"::1", 7002},      {"127.0.0.1", 7004}, {"::1", 7004}};
static const char *const receiver_names[] = {"127.0.0.1:7000", "127.0.0.2:7001", "[::1]:7000",
					     "[::1]:7002",     "127.0.0.1:7004", "[::1]:7004"};

enum form {
	F_INET,	     /* sockaddr_in: AF_INET */
	F_UNSPEC4,   /* sockaddr_in with sin_family AF_UNSPEC */
	F_INET6,     /* sockaddr_in6: AF_INET6 */
	F_UNSPEC6,   /* sockaddr_in6 with sin6_family AF_UNSPEC */
};

struct dest_row {
	const char *what;
	int sock_family;  /* AF_INET or AF_INET6: a UDP socket */
	enum form form;
	const char *addr; /* text of the address the sockaddr carries */
	int port;
	int len;	  /* the length passed to sendto */
	int connect_to;	  /* a receiver the socket connects to first (allowed ones only), or R_NONE */
	const char *bind; /* an address the socket is bound to first (its family's), or NULL */
	const char *pktinfo; /* IP_PKTINFO's ipi_spec_dst to send with, or NULL */
	const char *pktinfo6; /* IPV6_PKTINFO's address to send with, or NULL */
	/* What the kernel does unconfined: its errno, where it really sends, which receiver. */
	int kernel_errno;
	const char *real; /* "ADDR PORT" the datagram goes to (NULL when the kernel refuses) */
	enum receiver arrives;
};

#define NO_EXTRA R_NONE, NULL, NULL, NULL
static const struct dest_row rows[] = {
    {"AF_INET to 127.0.0.2:7001", AF_INET, F_INET, "127.0.0.2", 7001, 16, NO_EXTRA, 0,
     "127.0.0.2 7001", R4_ALLOWED},
    {"AF_INET to 127.0.0.1:7000", AF_INET, F_INET, "127.0.0.1", 7000, 16, NO_EXTRA, 0,
     "127.0.0.1 7000", R4_DENIED},
    {"AF_UNSPEC read as AF_INET by udp_sendmsg", AF_INET, F_UNSPEC4, "127.0.0.1", 7000, 16,
     NO_EXTRA, 0, "127.0.0.1 7000", R4_DENIED},
    {"AF_UNSPEC read as AF_INET, to 127.0.0.2:7001", AF_INET, F_UNSPEC4, "127.0.0.2", 7001, 16,
     NO_EXTRA, 0, "127.0.0.2 7001", R4_ALLOWED},
    {"AF_UNSPEC on a socket connected to 127.0.0.2:7001", AF_INET, F_UNSPEC4, "127.0.0.1", 7000,
     16, R4_ALLOWED, NULL, NULL, NULL, 0, "127.0.0.1 7000", R4_DENIED},
    {"AF_INET with a sockaddr_storage length", AF_INET, F_INET, "127.0.0.1", 7000, 128, NO_EXTRA,
     0, "127.0.0.1 7000", R4_DENIED},
    {"AF_INET one byte short", AF_INET, F_INET, "127.0.0.1", 7000, 15, NO_EXTRA, EINVAL, NULL,
     R_NONE},
    {"AF_UNSPEC two bytes long", AF_INET, F_UNSPEC4, "127.0.0.1", 7000, 2, NO_EXTRA, EINVAL, NULL,
     R_NONE},
    {"AF_INET6 on an IPv4 socket", AF_INET, F_INET6, "::1", 7000, 28, NO_EXTRA, EAFNOSUPPORT,
     NULL, R_NONE},
    {"0.0.0.0: 127.0.0.1", AF_INET, F_INET, "0.0.0.0", 7000, 16, NO_EXTRA, 0, "127.0.0.1 7000",
     R4_DENIED},
    {"0.0.0.0 on a socket bound to 127.0.0.2: 127.0.0.2", AF_INET, F_INET, "0.0.0.0", 7001, 16,
     R_NONE, "127.0.0.2", NULL, NULL, 0, "127.0.0.2 7001", R4_ALLOWED},
    {"0.0.0.0 with IP_PKTINFO 127.0.0.2: 127.0.0.2", AF_INET, F_INET, "0.0.0.0", 7001, 16, R_NONE,
     NULL, "127.0.0.2", NULL, 0, "127.0.0.2 7001", R4_ALLOWED},
    {"0.0.0.0 bound to 127.0.0.2 with IP_PKTINFO 127.0.0.1: 127.0.0.1", AF_INET, F_INET,
     "0.0.0.0", 7001, 16, R_NONE, "127.0.0.2", "127.0.0.1", NULL, 0, "127.0.0.1 7001", R_NONE},
    {"AF_UNSPEC 0.0.0.0: 127.0.0.1", AF_INET, F_UNSPEC4, "0.0.0.0", 7000, 16, NO_EXTRA, 0,
     "127.0.0.1 7000", R4_DENIED},
    {"0.0.0.0 bound to a multicast group: the source stays unset, 127.0.0.1", AF_INET, F_INET,
     "0.0.0.0", 7000, 16, R_NONE, "224.0.0.1", NULL, NULL, 0, "127.0.0.1 7000", R4_DENIED},
    {"0.0.0.0 with IPV6_PKTINFO on an IPv4 socket (ignored): 127.0.0.1", AF_INET, F_INET,
     "0.0.0.0", 7000, 16, R_NONE, NULL, NULL, "::ffff:127.0.0.2", 0, "127.0.0.1 7000",
     R4_DENIED},
    {"[::] from a v4-mapped source: 127.0.0.1", AF_INET6, F_INET6, "::", 7001, 28, R_NONE,
     "::ffff:127.0.0.1", NULL, NULL, 0, "127.0.0.1 7001", R_NONE},
    {"AF_INET6 to [::1]:7000", AF_INET6, F_INET6, "::1", 7000, 28, NO_EXTRA, 0, "::1 7000",
     R6_DENIED},
    {"AF_INET6 to [::1]:7002", AF_INET6, F_INET6, "::1", 7002, 28, NO_EXTRA, 0, "::1 7002",
     R6_ALLOWED},
    {"AF_INET6 of RFC 2133's length (no scope id)", AF_INET6, F_INET6, "::1", 7000, 24, NO_EXTRA,
     0, "::1 7000", R6_DENIED},
    {"AF_INET6 one byte shorter than RFC 2133's", AF_INET6, F_INET6, "::1", 7000, 23, NO_EXTRA,
     EINVAL, NULL, R_NONE},
    {"[::]: ::1", AF_INET6, F_INET6, "::", 7000, 28, NO_EXTRA, 0, "::1 7000", R6_DENIED},
    {"[::] to port 7004 (both loopbacks allowed): ::1", AF_INET6, F_INET6, "::", 7004, 28,
     NO_EXTRA, 0, "::1 7004", R6_BOTH},
    {"[::] to port 7004 from a v4-mapped source: 127.0.0.1", AF_INET6, F_INET6, "::", 7004, 28,
     R_NONE, "::ffff:127.0.0.1", NULL, NULL, 0, "127.0.0.1 7004", R4_BOTH},
    {"[::] to port 7002: ::1", AF_INET6, F_INET6, "::", 7002, 28, NO_EXTRA, 0, "::1 7002",
     R6_ALLOWED},
    {"IPv4-mapped 0.0.0.0: 127.0.0.1", AF_INET6, F_INET6, "::ffff:0.0.0.0", 7000, 28, NO_EXTRA, 0,
     "127.0.0.1 7000", R4_DENIED},
    {"IPv4-mapped IPv6 to 127.0.0.1", AF_INET6, F_INET6, "::ffff:127.0.0.1", 7000, 28, NO_EXTRA,
     0, "127.0.0.1 7000", R4_DENIED},
    {"IPv4-mapped IPv6 to 127.0.0.2", AF_INET6, F_INET6, "::ffff:127.0.0.2", 7001, 28, NO_EXTRA,
     0, "127.0.0.2 7001", R4_ALLOWED},
    {"AF_INET on an IPv6 socket (udp_sendmsg)", AF_INET6, F_INET, "127.0.0.1", 7000, 16, NO_EXTRA,
     0, "127.0.0.1 7000", R4_DENIED},
    {"AF_UNSPEC on an IPv6 socket: no address", AF_INET6, F_UNSPEC6, "::1", 7000, 28, NO_EXTRA,
     EDESTADDRREQ, NULL, R_NONE},
    {"AF_UNSPEC on an IPv6 socket connected to [::1]:7002", AF_INET6, F_UNSPEC6, "::1", 7000, 28,
     R6_ALLOWED, NULL, NULL, NULL, 0, "::1 7002", R6_ALLOWED},
};

/*
 * An unspecified destination whose source the message's IP_PKTINFO did not fix. The rows' binds
 * are to port 0, which fixes nothing: a disconnect unhashes the socket and a second bind gives
 * it another address (lg_source_fixed).
 */
static bool unfixed(const struct dest_row *row)
{
	bool unspecified = !strcmp(row->addr, "0.0.0.0") || !strcmp(row->addr, "::") ||
			   !strcmp(row->addr, "::ffff:0.0.0.0");

	return unspecified && !row->pktinfo &&
	       !(row->pktinfo6 && row->sock_family == AF_INET6) && row->form != F_UNSPEC6 &&
	       row->kernel_errno == 0;
}

/* Whether a rule set allows a UDP datagram to real ("ADDR PORT"). */
static bool dest_allows(bool open, const char *real)
{
	if (open)
		return strncmp(real, "127.0.0.1 ", 10) != 0 && strcmp(real, "::1 7000") != 0;
	return strcmp(real, "127.0.0.2 7001") == 0 || strcmp(real, "::1 7002") == 0 ||
	       strcmp(real, "::1 7004") == 0 || strcmp(real, "127.0.0.1 7004") == 0;
}

/* Whether an unfixed send is refused though its real destination is allowed: all but an IPv6
 * socket's ::, which is decided at both loopbacks it can become. */
static bool unfixed_refused(bool open, const struct dest_row *row)
{
	char one[32], four[32];

	if (!unfixed(row))
		return false;
	if (row->sock_family != AF_INET6 || strcmp(row->addr, "::") != 0)
		return true;
	snprintf(one, sizeof(one), "::1 %d", row->port);
	snprintf(four, sizeof(four), "127.0.0.1 %d", row->port);
	return !dest_allows(open, one) || !dest_allows(open, four);
}

static int receivers[R_COUNT];

static void open_receivers(void)
{
	for (int r = 0; r < R_COUNT; r++) {
		int v6 = strchr(receiver_at[r].addr, ':') != NULL, one = 1;
		struct sockaddr_in sin = {.sin_family = AF_INET};
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};

		receivers[r] = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		VM_CHECK(receivers[r] >= 0);
		if (v6) {
			VM_CHECK(setsockopt(receivers[r], IPPROTO_IPV6, IPV6_V6ONLY, &one,
					    sizeof(one)) == 0);
			sin6.sin6_port = htons(receiver_at[r].port);
			VM_CHECK(bind(receivers[r], (struct sockaddr *)&sin6, sizeof(sin6)) == 0);
		} else {
			sin.sin_port = htons(receiver_at[r].port);
			inet_pton(AF_INET, receiver_at[r].addr, &sin.sin_addr);
			VM_CHECK(bind(receivers[r], (struct sockaddr *)&sin, sizeof(sin)) == 0);
		}
	}
}

/* Which receiver got a datagram since the last call (draining all of them); R_NONE: none. */
static enum receiver arrived(void)
{
	enum receiver got = R_NONE;
	struct pollfd p[R_COUNT];

	for (int r = 0; r < R_COUNT; r++)
		p[r] = (struct pollfd){.fd = receivers[r], .events = POLLIN};
	if (poll(p, R_COUNT, 300) <= 0)
		return R_NONE;
	for (int r = 0; r < R_COUNT; r++) {
		char buf[64];

		while (recv(receivers[r], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got = got == R_NONE ? (enum receiver)r : R_COUNT; /* R_COUNT: more than one */
	}
	return got;
}

static void close_receivers(void)
{
	for (int r = 0; r < R_COUNT; r++)
		close(receivers[r]);
}

struct send_arg {
	const struct dest_row *row;
	uid_t uid;
};

static int fill(const struct dest_row *row, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (row->form == F_INET || row->form == F_UNSPEC4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = row->form == F_INET ? AF_INET : AF_UNSPEC;
		sin->sin_port = htons(row->port);
		return inet_pton(AF_INET, row->addr, &sin->sin_addr) == 1 ? 0 : 230;
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = row->form == F_INET6 ? AF_INET6 : AF_UNSPEC;
		sin6->sin6_port = htons(row->port);
		return inet_pton(AF_INET6, row->addr, &sin6->sin6_addr) == 1 ? 0 : 231;
	}
}

static int do_send(const void *data)
{
	const struct send_arg *a = data;
	const struct dest_row *row = a->row;
	struct sockaddr_storage ss;
	int fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	ret = fill(row, &ss);
	if (ret)
		return ret;
	fd = socket(row->sock_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 200 + errno;
	if (row->bind && row->sock_family == AF_INET) {
		struct sockaddr_in sin = {.sin_family = AF_INET};

		inet_pton(AF_INET, row->bind, &sin.sin_addr);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			return 220 + errno;
	} else if (row->bind) {
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};

		inet_pton(AF_INET6, row->bind, &sin6.sin6_addr);
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)))
			return 220 + errno;
	}
	if (row->connect_to != R_NONE) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7001)};
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(7002),
					    .sin6_addr = IN6ADDR_LOOPBACK_INIT};

		inet_pton(AF_INET, "127.0.0.2", &sin.sin_addr);
		if (row->sock_family == AF_INET ? connect(fd, (struct sockaddr *)&sin, sizeof(sin))
						: connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)))
			return 210 + errno;
	}
	if (row->pktinfo || row->pktinfo6) {
		union {
			struct cmsghdr head;
			char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		} control = {0};
		struct iovec iov = {.iov_base = "lgt-dest", .iov_len = 8};
		struct msghdr msg = {.msg_name = &ss, .msg_namelen = (socklen_t)row->len,
				     .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
				     .msg_controllen = sizeof(control.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		struct in_pktinfo info = {0};
		struct in6_pktinfo info6 = {0};

		if (row->pktinfo) {
			inet_pton(AF_INET, row->pktinfo, &info.ipi_spec_dst);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(info));
			memcpy(CMSG_DATA(c), &info, sizeof(info));
			msg.msg_controllen = CMSG_SPACE(sizeof(info));
		} else {
			inet_pton(AF_INET6, row->pktinfo6, &info6.ipi6_addr);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(info6));
			memcpy(CMSG_DATA(c), &info6, sizeof(info6));
		}
		ret = sendmsg(fd, &msg, 0) < 0 ? errno : 0;
		close(fd);
		return ret;
	}
	ret = sendto(fd, "lgt-dest", 8, 0, (struct sockaddr *)&ss, (socklen_t)row->len) < 0 ? errno : 0;
	close(fd);
	return ret;
}

static void dest_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/dest.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/dest.ini", dest_policy, 0644);
		write_file(POLICY_DIR "/dest-audit.ini", dest_audit_policy, 0644);
		write_file(POLICY_DIR "/dest-open.ini", dest_open_policy, 0644);
		write_file(POLICY_DIR "/dest-local.ini", dest_local_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(DEST);
	make_cgroup(DEST_AUDIT);
	make_cgroup(DEST_OPEN);
	make_cgroup(DEST_LOCAL);
}

static const char *name_of(enum receiver r)
{
	return r == R_NONE ? "nowhere" : r == R_COUNT ? "several receivers" : receiver_names[r];
}

VM_TEST(destinations_are_read_as_the_kernel_reads_them, 160)
{
	static const struct {
		const char *cgroup;
		uid_t uid;
		bool audit, open;
	} who[] = {{NULL, 0, false, false},	  {NULL, USER, false, false},
		   {DEST, 0, false, false},	  {DEST, USER, false, false},
		   {DEST_AUDIT, 0, true, false},  {DEST_AUDIT, USER, true, false},
		   {DEST_OPEN, 0, false, true},	  {DEST_OPEN, USER, false, true}};
	long mark;

	dest_setup();
	open_receivers();
	mark = event_mark();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct dest_row *row = &rows[i];

		for (size_t w = 0; w < sizeof(who) / sizeof(who[0]); w++) {
			struct send_arg a = {row, who[w].uid};
			bool refused = who[w].cgroup && !who[w].audit && row->real &&
				       (!dest_allows(who[w].open, row->real) ||
					unfixed_refused(who[w].open, row));
			int want = refused ? EPERM : row->kernel_errno, got;
			enum receiver want_at = refused ? R_NONE : row->arrives, at;

			got = in_cgroup(who[w].cgroup, do_send, &a);
			at = arrived();
			if (got != want || at != want_at)
				VM_FAIL("%s (%s port %d, len %d) as uid %d in %s: %s, arrived at %s; expected "
					"%s, at %s",
					row->what, row->addr, row->port, row->len, (int)who[w].uid,
					who[w].cgroup ? who[w].cgroup : "no cgroup",
					got ? (got > 0 && got < 200 ? strerror(got) : "step failed")
					    : "success",
					name_of(at), want ? strerror(want) : "success", name_of(want_at));
		}
	}
	close_receivers();
	/* The events name the real destination: AF_UNSPEC read as IPv4, a mapped address as
	 * IPv4, in both modes. */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_sendmsg\"", "\"address\":\"127.0.0.1\"", "\"port\":7000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"dest-audit\"",
			   "\"hook\":\"socket_sendmsg\"", "\"address\":\"127.0.0.1\"", "\"port\":7000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_sendmsg\"", "\"address\":\"::1\"", "\"port\":7000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest-open\"",
			   "\"hook\":\"socket_sendmsg\"", "\"address\":\"127.0.0.1\"",
			   "\"port\":7001");
	/* [::] to port 7002 from an unbound socket: ::1 7002 is allowed, but the source is not
	 * fixed and 127.0.0.1 7002 is not */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_sendmsg\"", "\"address\":\"127.0.0.1\"",
			   "\"port\":7002");
	/* 0.0.0.0 to port 7001 from a socket bound to 127.0.0.2 port 0: 127.0.0.2 7001 is
	 * allowed, the source is not fixed */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_sendmsg\"",
			   "\"path\":\"the unspecified address from a socket whose source address "
			   "bind() has not fixed\"",
			   "\"rule\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"dest-audit\"",
			   "\"hook\":\"socket_sendmsg\"",
			   "\"path\":\"the unspecified address from a socket whose source address "
			   "bind() has not fixed\"");
}

/* connect() from a socket bound to 127.0.0.1 port 0 to 0.0.0.0:7003: 0 or errno. */
static int do_connect_bound(const void *unused)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ret;

	(void)unused;
	if (fd < 0)
		return 200 + errno;
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return 220 + errno;
	}
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons(7003);
	ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
	close(fd);
	return ret;
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* A TCP socket's connect to 0.0.0.0:7003 (from the thread it runs on): 0 or errno. */
static void *stale_note_connect(void *p)
{
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(7003)};
	int *fd = p;

	fd[1] = connect(fd[0], (struct sockaddr *)&any, sizeof(any)) ? errno : 0;
	return NULL;
}

/*
 * The final review's stale note: a connect to 0.0.0.0 that fails before the kernel's
 * pre_connect (EISCONN on a connected TCP socket) leaves its note; after a disconnect, a
 * connect to 0.0.0.0 by another thread must not be refused because of it. 0: the three steps
 * gave EISCONN, 0 (disconnect) and 0; else 1000 * step + errno.
 */
static int do_stale_note(const void *unused)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7003)};
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	int fd[2] = {socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 0};
	pthread_t thread;

	(void)unused;
	if (fd[0] < 0)
		return 200 + errno;
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (connect(fd[0], (struct sockaddr *)&sin, sizeof(sin)))
		return 1000 + errno;
	if (pthread_create(&thread, NULL, stale_note_connect, fd) || pthread_join(thread, NULL))
		return 2000 + EAGAIN;
	if (fd[1] != EISCONN)
		return 2000 + fd[1];
	if (connect(fd[0], &unspec, sizeof(unspec)))
		return 3000 + errno;
	if (pthread_create(&thread, NULL, stale_note_connect, fd) || pthread_join(thread, NULL))
		return 4000 + EAGAIN;
	close(fd[0]);
	return fd[1] ? 4000 + fd[1] : 0;
}

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

struct fastopen_arg {
	const char *addr; /* the address to bind, with port; NULL: unbound */
	int port;
};

/* A TCP Fast Open send to 0.0.0.0:7003 (a connect made by sendto), from a socket bound to
 * addr:port (its source fixed), or unbound: 0 or errno. */
static int do_fastopen(const void *p)
{
	const struct fastopen_arg *a = p;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(a->port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, ret;

	if (fd < 0)
		return 200 + errno;
	if (a->addr)
		inet_pton(AF_INET, a->addr, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->addr && bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return 220 + errno;
	}
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons(7003);
	ret = sendto(fd, "f", 1, MSG_FASTOPEN, (struct sockaddr *)&sin, sizeof(sin)) == 1 ? 0
											  : errno;
	close(fd);
	return ret;
}

/* An MPTCP socket's connect to 0.0.0.0:7003: 0 or errno. */
static int do_mptcp_unspecified(const void *unused)
{
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(7003)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP), ret;

	(void)unused;
	if (fd < 0)
		return 200 + errno;
	ret = connect(fd, (struct sockaddr *)&any, sizeof(any)) ? errno : 0;
	close(fd);
	return ret;
}

/* connect() to 0.0.0.0 goes to the bound address or 127.0.0.1 too (ip_route_connect). */
VM_TEST(destinations_unspecified_address_connect, 160)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7003)};
	int listener, one = 1;
	long mark;

	dest_setup();
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	VM_CHECK(listener >= 0);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	VM_CHECK(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	VM_CHECK(bind(listener, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	VM_CHECK(listen(listener, 16) == 0);
	mark = event_mark();
	VM_CHECK(try_connect(NULL, AF_INET, "0.0.0.0", 7003, SOCK_STREAM) == 0);
	VM_CHECK(try_connect(DEST_OPEN, AF_INET, "0.0.0.0", 7003, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(DEST_OPEN, AF_INET6, "::ffff:0.0.0.0", 7003, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(DEST_OPEN, AF_INET, "127.0.0.2", 7003, SOCK_STREAM) == ECONNREFUSED);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest-open\"",
			   "\"hook\":\"socket_connect\"", "\"address\":\"127.0.0.1\"",
			   "\"port\":7003");
	/* "dest" allows 127.0.0.1 7003: 0.0.0.0 is that address, decided there and connected
	 * there (the cgroup connect program writes it in: no racing bind can change it), from an
	 * unbound socket or one bound to port 0, TCP and UDP, enforce and audit mode */
	mark = event_mark();
	VM_CHECK(in_cgroup(DEST, do_connect_bound, NULL) == 0);
	VM_CHECK(try_connect(DEST, AF_INET, "0.0.0.0", 7003, SOCK_STREAM) == 0);
	VM_CHECK(try_connect(DEST, AF_INET6, "::ffff:0.0.0.0", 7003, SOCK_STREAM) == 0);
	VM_CHECK(try_connect(DEST_AUDIT, AF_INET, "0.0.0.0", 7003, SOCK_STREAM) == 0);
	/* A UDP connect sends nothing (glibc's getaddrinfo connects to 0.0.0.0 to sort) */
	VM_CHECK(try_connect(DEST, AF_INET, "0.0.0.0", 7003, SOCK_DGRAM) == 0);
	VM_CHECK(try_connect(DEST, AF_INET, "0.0.0.0", 7001, SOCK_DGRAM) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_connect\"", "\"address\":\"127.0.0.1\"",
			   "\"port\":7001", "\"protocol\":\"udp\"");
	/* TCP Fast Open: sendto() with an address is the connect, through the same pre_connect:
	 * decided and written in as a connect is, from a bound or an unbound socket */
	{
		struct fastopen_arg bound = {"127.0.0.1", 7010}, unbound = {NULL, 0};
		/* dest-open allows binding there (default allow) and 127.0.0.2 7003, where nobody
		 * listens: refused by the peer, not by lsmguard (the note-less first form of the
		 * change refused this at pre_connect: the session's review) */
		struct fastopen_arg bound2 = {"127.0.0.2", 7011};

		VM_CHECK(in_cgroup(NULL, do_fastopen, &bound) == 0);
		VM_CHECK(in_cgroup(NULL, do_fastopen, &bound2) == ECONNREFUSED);
		VM_CHECK(in_cgroup(DEST_OPEN, do_fastopen, &bound2) == ECONNREFUSED);
		VM_CHECK(in_cgroup(DEST, do_fastopen, &unbound) == 0);
		VM_CHECK(in_cgroup(DEST_OPEN, do_fastopen, &unbound) == EPERM);
	}
	/* A note that outlived its connect (EISCONN) does not refuse another thread's connect
	 * after a disconnect */
	VM_CHECK(in_cgroup(NULL, do_stale_note, NULL) == 0);
	VM_CHECK(in_cgroup(DEST, do_stale_note, NULL) == 0);
	/* MPTCP has no pre_connect of its own on 6.1 (its first subflow's runs the cgroup
	 * programs, not on the socket socket_connect decided): nothing can write the decided
	 * address in, so an unbound MPTCP socket's connect to 0.0.0.0 is refused like a send */
	mark = event_mark();
	VM_CHECK(in_cgroup(NULL, do_mptcp_unspecified, NULL) == 0);
	VM_CHECK(in_cgroup(DEST, do_mptcp_unspecified, NULL) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_connect\"",
			   "\"path\":\"the unspecified address from a socket whose source address "
			   "bind() has not fixed\"");
	close(listener);
}

/* Wait up to 3 s until connect_programs(cgroup) is want; whether it came. */
static bool connect_programs_become(const char *cgroup, int want)
{
	for (int i = 0; i < 300; i++) {
		if (connect_programs(cgroup) == want)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/* rmdir and mkdir of cgroup: a restarted service's new cgroup at the same path. */
static void remake_cgroup(const char *cgroup)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s", cgroup);
	VM_CHECK(rmdir(path) == 0);
	VM_CHECK(mkdir(path, 0755) == 0);
}

/* connect() of the MPTCP socket *arg (made by the test, in the root cgroup) to
 * 127.0.0.1:7003: 0 or errno. */
static int do_connect_handed(const void *arg)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7003)};

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	return connect(*(const int *)arg, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
}

#define DEST_TMP "/lgt/dest-tmp"

/*
 * The cgroup connect programs (MPTCP subflows, the decided address written into a connect to
 * 0.0.0.0) run only for sockets of cgroups under a policy: the kernel takes the socket's lock
 * around them on every connect, which tasks under no policy should not pay. They follow the
 * bindings: a restarted service's new cgroup gets them within milliseconds of its mkdir, a
 * cgroup whose policy goes loses them, and while they are missing (no daemon to attach them)
 * MPTCP sockets and unfixed connects to 0.0.0.0 are refused there (fail closed).
 */
VM_TEST(destinations_connect_programs_only_where_policies_are, 160)
{
	static const char tmp_policy[] = "[policy]\nname = dest-tmp\ncgroup = " DEST_TMP
					 "\nmode = enforce\n" DEST_RULES;
	static const char inner_policy[] = "[policy]\nname = dest-inner\ncgroup = " DEST_TMP
					   "/inner\nmode = audit\n" DEST_RULES;
	long mark;
	pid_t daemon;

	dest_setup();
	make_cgroup("/lgt/free");
	VM_CHECK(connect_programs("") == 0);
	VM_CHECK(connect_programs("/lgt/free") == 0);
	VM_CHECK(connect_programs_become(DEST, 1));
	VM_CHECK(connect_programs(DEST_OPEN) == 1);
	/* A restart: the kernel binds the new cgroup at its mkdir, the daemon attaches there */
	remake_cgroup(DEST);
	VM_CHECK(connect_programs_become(DEST, 1));
	VM_CHECK(try_connect(DEST, AF_INET, "0.0.0.0", 7003, SOCK_DGRAM) == 0);
	VM_CHECK(in_cgroup(DEST, do_mptcp_socket, NULL) == 0);
	/* No daemon to attach them: refused where they would be needed, nothing else */
	daemon = daemon_stop();
	VM_CHECK(daemon > 0);
	remake_cgroup(DEST);
	usleep(200 * 1000);
	VM_CHECK(connect_programs(DEST) == 0);
	VM_CHECK(in_cgroup(NULL, do_mptcp_socket, NULL) == 0);
	VM_CHECK(in_cgroup("/lgt/free", do_mptcp_socket, NULL) == 0);
	VM_CHECK(in_cgroup(DEST, do_mptcp_socket, NULL) == EPERM);
	VM_CHECK(try_connect(DEST, AF_INET, "0.0.0.0", 7003, SOCK_DGRAM) == EPERM);
	VM_CHECK(try_connect(DEST, AF_INET, "127.0.0.1", 7003, SOCK_DGRAM) == 0);
	VM_CHECK(try_connect(DEST, AF_INET, "127.0.0.2", 7003, SOCK_DGRAM) == EPERM);
	mark = event_mark();
	daemon_resume(daemon);
	VM_CHECK(connect_programs_become(DEST, 1));
	VM_CHECK(in_cgroup(DEST, do_mptcp_socket, NULL) == 0);
	VM_CHECK(try_connect(DEST, AF_INET, "0.0.0.0", 7003, SOCK_DGRAM) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
			   "\"hook\":\"socket_create\"",
			   "\"path\":\"an MPTCP socket in a cgroup whose subflow checks lsmguard has "
			   "not attached yet (is the daemon running?)\"");
	/* An MPTCP socket made outside the policy (its subflows would be decided by the root
	 * cgroup's policy: none) is not connected by a confined task; a listener takes them */
	{
		int listener = tcp_listener("127.0.0.1", 7003), handed[2];

		for (int i = 0; i < 2; i++)
			handed[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
		VM_CHECK(listener >= 0 && handed[0] >= 0 && handed[1] >= 0);
		mark = event_mark();
		VM_CHECK(in_cgroup(NULL, do_connect_handed, &handed[0]) == 0);
		VM_CHECK(in_cgroup(DEST, do_connect_handed, &handed[1]) == EPERM);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest\"",
				   "\"hook\":\"socket_connect\"",
				   "\"path\":\"an MPTCP socket made outside the policy's cgroups\"");
		close(handed[0]);
		close(handed[1]);
		close(listener);
	}
	/* A policy's cgroup gets them at the reload that binds it and loses them at the one
	 * that unbinds it, pins and all */
	make_cgroup(DEST_TMP "/inner");
	VM_CHECK(connect_programs(DEST_TMP) == 0);
	write_file(POLICY_DIR "/dest-tmp.ini", tmp_policy, 0644);
	write_file(POLICY_DIR "/dest-inner.ini", inner_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(connect_programs_become(DEST_TMP, 1));
	/* nested bound cgroups run them once, not once per binding (one event per refusal) */
	usleep(200 * 1000);
	VM_CHECK(connect_programs(DEST_TMP "/inner") == 1);
	VM_CHECK(unlink(POLICY_DIR "/dest-tmp.ini") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(connect_programs_become(DEST_TMP, 0));
	VM_CHECK(connect_programs_become(DEST_TMP "/inner", 1));
	VM_CHECK(unlink(POLICY_DIR "/dest-inner.ini") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(connect_programs_become(DEST_TMP "/inner", 0));
	VM_CHECK(connect_programs(DEST) == 1);
}

/* An ICMPv6 echo from an unbound ping socket to *p (text) with sendto: 0 or errno. */
static int do_ping6(const void *p)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	unsigned char pkt[16] = {128}; /* ICMPV6_ECHO_REQUEST */
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMPV6), ret;

	if (fd < 0)
		return 200 + errno;
	inet_pton(AF_INET6, (const char *)p, &sin6.sin6_addr);
	ret = sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sin6, sizeof(sin6)) < 0 ? errno
											  : 0;
	close(fd);
	return ret;
}

struct ping6_as {
	const char *addr;
	uid_t uid;
};

static int do_ping6_as(const void *p)
{
	const struct ping6_as *a = p;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	return do_ping6(a->addr);
}

/*
 * An ICMPv6 echo socket's send to :: (found by review 13): ping_v6_sendmsg routes :: as it is
 * (no loopback rewrite, unlike UDP and raw sockets: with a default route it leaves the host),
 * so it is decided as ::, not at the loopbacks. Under a loopback-only policy: refused, event at
 * "::"; to ::1 allowed; unconfined, the kernel's own answer.
 */
VM_TEST(destinations_ping6_to_the_unspecified_address, 160)
{
	static const uid_t uids[] = {0, USER};

	dest_setup();
	write_into("/proc/sys/net/ipv4/ping_group_range", "0 2147483647");
	for (size_t i = 0; i < 2; i++) {
		struct ping6_as any = {"::", uids[i]}, lo = {"::1", uids[i]};
		int free_ = in_cgroup(NULL, do_ping6_as, &any), got, local;
		long mark = event_mark();

		got = in_cgroup(DEST_LOCAL, do_ping6_as, &any);
		local = in_cgroup(DEST_LOCAL, do_ping6_as, &lo);
		printf("# ping6 sendto [::] as uid %u: unconfined %d, under dest-local %d (to ::1 "
		       "%d)\n",
		       (unsigned)uids[i], free_, got, local);
		if (free_ == EPERM || free_ >= 200)
			VM_FAIL("control: the unconfined ping6 to [::] as uid %u: %d", (unsigned)uids[i],
				free_);
		if (local != 0)
			VM_FAIL("control: ping6 to ::1 under dest-local as uid %u: %d (expected 0)",
				(unsigned)uids[i], local);
		if (got != EPERM)
			VM_FAIL("ping6 to [::] under dest-local (loopback only) as uid %u: %d (expected "
				"EPERM: :: is not a loopback for a ping socket)",
				(unsigned)uids[i], got);
		else
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"dest-local\"",
					   "\"hook\":\"socket_sendmsg\"", "\"address\":\"::\"",
					   "\"ip_protocol\":58", UID_FIELD(uids[i]));
	}
	write_into("/proc/sys/net/ipv4/ping_group_range", "1 0");
}
