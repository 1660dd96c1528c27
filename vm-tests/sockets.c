// SPDX-License-Identifier: GPL-2.0-only
/*
 * [network] sockets (issue "Network, local IPC and privileges"): socket_create decides which
 * families and inet protocols a confined task creates. One table of socket() calls, each made
 * unconfined first (the kernel's own answer: a descriptor or its errno), then as root and as
 * uid 1000 under four policies: "sk" (default = deny, no sockets line: unix, inet, inet6 and
 * netlink implied), "sk-audit" (the same in audit mode), "sk-named" (default = deny, sockets =
 * unix inet netlink-route packet sctp) and "sk-open" (default = allow: every socket but
 * packet, which reads every other service's traffic and must be named). A socket
 * the policy refuses fails with EPERM before the kernel looks at it (even where the kernel
 * itself would refuse it, for want of CAP_NET_RAW or of a module); one it allows gets the
 * kernel's answer.
 *
 * SCTP is the test kernel's module (CONFIG_IP_SCTP=m), loaded here unconfined, so that SCTP
 * sockets exist to be refused; DCCP, ALG, VSOCK, KEY and TIPC are not loaded (the kernel's
 * errno is EAFNOSUPPORT, ESOCKTNOSUPPORT or EPROTONOSUPPORT).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define SK "/lgt/sk"
#define SK_AUDIT "/lgt/sk-audit"
#define SK_NAMED "/lgt/sk-named"
#define SK_OPEN "/lgt/sk-open"
#define SK_SCTP "/lgt/sk-sctp"
#define SK_SCTP_AUDIT "/lgt/sk-sctp-audit"
#define USER 1000

#define SK_RULES "[network]\ndefault = deny\nallow = 127.0.0.1 udp 7300\nallow = ::1 udp 7300\n"
static const char sk_policy[] = "[policy]\nname = sk\ncgroup = " SK "\nmode = enforce\n" SK_RULES;
static const char sk_audit_policy[] = "[policy]\nname = sk-audit\ncgroup = " SK_AUDIT
				      "\nmode = audit\n" SK_RULES;
static const char sk_named_policy[] = "[policy]\nname = sk-named\ncgroup = " SK_NAMED
				      "\nmode = enforce\n[network]\ndefault = deny\n"
				      "sockets = unix inet netlink-route packet sctp\n";
static const char sk_open_policy[] = "[policy]\nname = sk-open\ncgroup = " SK_OPEN
				     "\nmode = enforce\n[network]\ndefault = allow\n";
#define SK_SCTP_RULES                                                                             \
	"[network]\ndefault = deny\nsockets = unix inet inet6 sctp\nallow = 127.0.0.1 tcp 7301\n"  \
	"listen = tcp 7301\n"
static const char sk_sctp_policy[] = "[policy]\nname = sk-sctp\ncgroup = " SK_SCTP
				     "\nmode = enforce\n" SK_SCTP_RULES;
static const char sk_sctp_audit_policy[] = "[policy]\nname = sk-sctp-audit\ncgroup = " SK_SCTP_AUDIT
					   "\nmode = audit\n" SK_SCTP_RULES;

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP 115
#endif
#define SOCK_PACKET_OLD 10
#ifndef IPV6_2292RTHDR
#define IPV6_2292RTHDR 5
#endif
#ifndef IPV6_2292PKTOPTIONS
#define IPV6_2292PKTOPTIONS 6
#endif
#ifndef IPV6_FLOWLABEL_MGR
#define IPV6_FLOWLABEL_MGR 32
#endif

struct socket_row {
	const char *what;
	int family, type, protocol;
	bool implied, named; /* allowed by "sk" and by "sk-named" ("sk-open" allows all) */
};

static const struct socket_row rows[] = {
	{"unix stream", AF_UNIX, SOCK_STREAM, 0, true, true},
	{"inet TCP", AF_INET, SOCK_STREAM, 0, true, true},
	{"inet TCP by number", AF_INET, SOCK_STREAM, IPPROTO_TCP, true, true},
	{"inet MPTCP", AF_INET, SOCK_STREAM, IPPROTO_MPTCP, true, true},
	{"inet6 UDP", AF_INET6, SOCK_DGRAM, 0, true, false},
	{"inet ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP, true, true},
	{"netlink route", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, true, true},
	{"netlink audit", AF_NETLINK, SOCK_RAW, NETLINK_AUDIT, true, false},
	{"netlink uevent", AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT, true, false},
	{"inet raw", AF_INET, SOCK_RAW, IPPROTO_RAW, false, false},
	{"inet raw ICMP", AF_INET, SOCK_RAW, IPPROTO_ICMP, false, false},
	{"inet6 raw", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, false, false},
	{"packet raw", AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */, false, true},
	{"packet dgram", AF_PACKET, SOCK_DGRAM, 0x0300, false, true},
	{"inet SOCK_PACKET (read as packet)", AF_INET, SOCK_PACKET_OLD, 0x0300, false, true},
	{"inet UDP-Lite", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, false, false},
	{"inet6 UDP-Lite", AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE, false, false},
	{"inet SCTP stream", AF_INET, SOCK_STREAM, IPPROTO_SCTP, false, true},
	{"inet SCTP seqpacket, protocol 0", AF_INET, SOCK_SEQPACKET, 0, false, true},
	{"inet6 SCTP (inet6 not named)", AF_INET6, SOCK_STREAM, IPPROTO_SCTP, false, false},
	{"inet DCCP", AF_INET, SOCK_DCCP, 0, false, false},
	{"inet L2TP/IP", AF_INET, SOCK_DGRAM, IPPROTO_L2TP, false, false},
	{"xdp", AF_XDP, SOCK_RAW, 0, false, false},
	{"alg", AF_ALG, SOCK_SEQPACKET, 0, false, false},
	{"vsock", AF_VSOCK, SOCK_STREAM, 0, false, false},
	{"key", AF_KEY, SOCK_RAW, 2 /* PF_KEY_V2 */, false, false},
	{"tipc", AF_TIPC, SOCK_RDM, 0, false, false},
	{"bluetooth", AF_BLUETOOTH, SOCK_RAW, 1, false, false},
};

struct socket_arg {
	const struct socket_row *row;
	uid_t uid;
	bool uring; /* IORING_OP_SOCKET instead of socket() */
	bool pair;  /* socketpair() */
};

static int do_socket(const void *data)
{
	const struct socket_arg *a = data;
	int fd, pair[2];

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	if (a->uring) {
		fd = uring_socket(a->row->family, a->row->type | SOCK_CLOEXEC, a->row->protocol);
		if (fd < -1000)
			return 240; /* the ring itself failed */
		if (fd < 0)
			return -fd;
		close(fd);
		return 0;
	}
	if (a->pair) {
		if (socketpair(a->row->family, a->row->type | SOCK_CLOEXEC, a->row->protocol, pair))
			return errno;
		close(pair[0]);
		close(pair[1]);
		return 0;
	}
	fd = socket(a->row->family, a->row->type | SOCK_CLOEXEC | SOCK_NONBLOCK, a->row->protocol);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	return ret == EEXIST ? 0 : ret;
}

static void sk_setup(void)
{
	static const char *const modules[] = {"libcrc32c", "udp_tunnel", "ip6_udp_tunnel", "sctp"};

	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		char path[64];
		int ret;

		snprintf(path, sizeof(path), "/usr/lib/modules/%s.ko", modules[i]);
		ret = load_module(path);
		if (ret)
			VM_FAIL("loading %s: %s", path, strerror(ret));
	}
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/sk.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/sk.ini", sk_policy, 0644);
		write_file(POLICY_DIR "/sk-audit.ini", sk_audit_policy, 0644);
		write_file(POLICY_DIR "/sk-named.ini", sk_named_policy, 0644);
		write_file(POLICY_DIR "/sk-open.ini", sk_open_policy, 0644);
		write_file(POLICY_DIR "/sk-sctp.ini", sk_sctp_policy, 0644);
		write_file(POLICY_DIR "/sk-sctp-audit.ini", sk_sctp_audit_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(SK);
	make_cgroup(SK_AUDIT);
	make_cgroup(SK_NAMED);
	make_cgroup(SK_OPEN);
	make_cgroup(SK_SCTP);
	make_cgroup(SK_SCTP_AUDIT);
}

static const char *errno_name(int e)
{
	static char text[4][32];
	static unsigned turn;
	char *out = text[turn++ % 4];

	if (e == 0)
		return "success";
	if (e > 0 && e < 200)
		return strerror(e);
	snprintf(out, sizeof(text[0]), "step failed (%d)", e);
	return out;
}

VM_TEST(sockets_families_and_protocols_are_decided_at_creation, 161)
{
	static const struct {
		const char *cgroup;
		bool audit, named, open;
	} where[] = {{SK, false, false, false},
		     {SK_AUDIT, true, false, false},
		     {SK_NAMED, false, true, false},
		     {SK_OPEN, false, false, true}};
	static const uid_t uids[] = {0, USER};
	long mark;

	sk_setup();
	mark = event_mark();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct socket_row *row = &rows[i];

		for (size_t u = 0; u < 2; u++) {
			struct socket_arg a = {row, uids[u], false, false};
			int kernel = in_cgroup(NULL, do_socket, &a);

			for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
				/* sk-open (default = allow, no sockets line): every socket but
				 * packet and raw, which read every other service's traffic */
				bool packet = row->family == AF_PACKET || row->type == SOCK_PACKET_OLD ||
					      ((row->family == AF_INET || row->family == AF_INET6) &&
					       row->type == SOCK_RAW);
				bool allowed = (where[w].open && !packet) || where[w].audit ||
					       (where[w].named ? row->named : row->implied);
				int want = allowed ? kernel : EPERM;
				int got = in_cgroup(where[w].cgroup, do_socket, &a);

				if (got != want)
					VM_FAIL("socket(%s) as uid %d in %s: %s, expected %s (unconfined: "
						"%s)",
						row->what, (int)uids[u], where[w].cgroup,
						errno_name(got), errno_name(want), errno_name(kernel));
			}
		}
	}
	/* The kernel refuses some of these unconfined: the rows prove something only where it
	 * does not (checked here), and the events prove the rest. */
	{
		struct socket_arg udplite = {&rows[15], USER, false, false};
		struct socket_arg packet = {&rows[12], 0, false, false};
		struct socket_arg sctp = {&rows[17], USER, false, false};

		VM_CHECK(in_cgroup(NULL, do_socket, &udplite) == 0);
		VM_CHECK(in_cgroup(NULL, do_socket, &packet) == 0);
		VM_CHECK(in_cgroup(NULL, do_socket, &sctp) == 0);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"access\":\"socket\"", "\"policy\":\"sk\"",
			   "\"rule_action\":\"deny\"",
			   "\"rule_object\":\"sockets other than: unix inet inet6 netlink (implied)\"",
			   "\"socket\":\"inet udplite\"", "\"socket_family\":\"inet\"",
			   "\"socket_type\":2", "\"socket_protocol\":136", "\"uid\":1000");
	/* uid 1000's raw socket: refused by lsmguard before the kernel's CAP_NET_RAW check */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk\"", "\"socket\":\"inet raw\"", "\"socket_type\":3",
			   "\"socket_protocol\":255", "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk\"", "\"socket\":\"packet\"", "\"socket_family\":\"packet\"",
			   "\"socket_protocol\":768", "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk-open\"", "\"socket\":\"packet\"",
			   "\"rule_object\":\"packet and raw sockets (implied: a sockets line naming "
			   "them allows them)\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk-audit\"", "\"socket\":\"inet sctp\"",
			   "\"socket_type\":5", "\"socket_protocol\":0", "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk-named\"", "\"socket\":\"netlink-audit\"",
			   "\"rule_object\":\"sockets other than: unix inet netlink-route packet sctp\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"sk-named\"",
			   "\"socket\":\"inet6\"", "\"socket_family\":\"inet6\"");
	/* sk-open refuses packet and raw sockets only (its module requests are refused:
	 * another built-in): packet raw, packet dgram, inet SOCK_PACKET, inet raw, inet raw
	 * ICMP, inet6 raw, as root and uid 1000 */
	VM_CHECK(count_events_after(mark, "\"hook\":\"socket_create\",\"access\":\"socket\","
					  "\"policy\":\"sk-open\"") == 12);
	VM_CHECK(count_events_after(mark, "\"hook\":\"socket_create\",\"access\":\"socket\","
					  "\"policy\":\"sk\"") >= 20);
	VM_CHECK(count_events_after(mark, "\"socket\":\"unix\"") == 0);
	VM_CHECK(count_events_after(mark, "\"socket\":\"inet\"") == 0);
}

/* socketpair() creates both ends through socket_create; io_uring's IORING_OP_SOCKET too. */
VM_TEST(sockets_socketpair_and_io_uring_are_decided, 161)
{
	const struct socket_row unix_dgram = {"unix dgram", AF_UNIX, SOCK_DGRAM, 0, true, true};
	const struct socket_row *packet = &rows[12], *udplite = &rows[15], *tcp = &rows[1];
	long mark;

	sk_setup();
	mark = event_mark();
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		struct socket_arg pair_unix = {&unix_dgram, uid, false, true};
		struct socket_arg pair_packet = {packet, uid, false, true};
		struct socket_arg ring_udplite = {udplite, uid, true, false};
		struct socket_arg ring_tcp = {tcp, uid, true, false};

		VM_CHECK(in_cgroup(SK, do_socket, &pair_unix) == 0);
		VM_CHECK(in_cgroup(NULL, do_socket, &pair_unix) == 0);
		/* packet sockets have no pairs: the kernel's EOPNOTSUPP (root) or EPERM (no
		 * CAP_NET_RAW) unconfined; refused before either when confined */
		VM_CHECK(in_cgroup(NULL, do_socket, &pair_packet) == (uid ? EPERM : EOPNOTSUPP));
		VM_CHECK(in_cgroup(SK, do_socket, &pair_packet) == EPERM);
		VM_CHECK(in_cgroup(SK_NAMED, do_socket, &pair_packet) ==
			 (uid ? EPERM : EOPNOTSUPP));
		VM_CHECK(in_cgroup(NULL, do_socket, &ring_udplite) == 0);
		VM_CHECK(in_cgroup(SK, do_socket, &ring_udplite) == EPERM);
		VM_CHECK(in_cgroup(SK_AUDIT, do_socket, &ring_udplite) == 0);
		VM_CHECK(in_cgroup(SK, do_socket, &ring_tcp) == 0);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk\"", "\"socket\":\"packet\"", "\"socket_type\":3",
			   "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk\"", "\"socket\":\"inet udplite\"", "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"socket_create\"",
			   "\"policy\":\"sk-audit\"", "\"socket\":\"inet udplite\"", "\"uid\":1000");
}

/*
 * Source routes (second part of the destinations): under a policy that decides
 * destinations ("sk": default = deny with 127.0.0.1 and ::1 udp 7300 allowed), IPv4 options
 * and IPv6 routing headers are refused, set by setsockopt or carried by a control message, so
 * that a datagram to an allowed address cannot leave for another first hop. "sk-open" decides
 * no destination: the kernel's answers, as unconfined.
 */
enum route_op {
	RO_IP_OPTIONS_LSRR,  /* setsockopt IP_OPTIONS, a loose source route via 127.0.0.2 */
	RO_IP_OPTIONS_SSRR,  /* the same, strict, on a TCP socket */
	RO_IP_OPTIONS_CLEAR, /* setsockopt IP_OPTIONS of no bytes */
	RO_IPV6_RTHDR,	     /* setsockopt IPV6_RTHDR, a type 4 segment list via ::2 */
	RO_IPV6_PKTOPTIONS,  /* setsockopt IPV6_2292PKTOPTIONS of no control messages */
	RO_IPV6_FLOWLABEL,   /* setsockopt IPV6_FLOWLABEL_MGR, a label asked for */
	RO_IP_RETOPTS_MSG,   /* sendmsg to 127.0.0.1:7300 with an IP_RETOPTS source route */
	RO_IPV6_RTHDR_MSG,   /* sendmsg to [::1]:7300 with an IPV6_RTHDR type 2 header */
	RO_PLAIN_MSG,	     /* sendmsg to 127.0.0.1:7300 with no control message (a control) */
	RO_RECV_RTHDR,	     /* setsockopt IPV6_2292RTHDR: asks to receive them, not a route */
	RO_COUNT,
};

static const char *const route_names[RO_COUNT] = {
	"IP_OPTIONS LSRR", "IP_OPTIONS SSRR (TCP)", "IP_OPTIONS cleared", "IPV6_RTHDR type 4",
	"IPV6_2292PKTOPTIONS", "IPV6_FLOWLABEL_MGR", "IP_RETOPTS control message",
	"IPV6_RTHDR control message", "plain datagram", "IPV6_2292RTHDR (receive)"};

struct route_arg {
	enum route_op op;
	uid_t uid;
};

static int do_route(const void *data)
{
	const struct route_arg *a = data;
	/* NOP, then LSRR (0x83) or SSRR (0x89): length 7, pointer 4, one hop */
	unsigned char srr[8] = {1, 0x83, 7, 4, 127, 0, 0, 2};
	/* a segment routing header: next header, length 2 (24 bytes), type 4, segments left 0,
	 * first segment 0, flags, tag, then ::2 */
	unsigned char srh[24] = {IPPROTO_UDP, 2, 4, 0, 0, 0, 0, 0};
	/* a type 2 routing header: length 2, type 2, segments left 1, reserved, home address */
	unsigned char rh2[24] = {IPPROTO_UDP, 2, 2, 1, 0, 0, 0, 0};
	struct in6_flowlabel_req {
		struct in6_addr dst;
		unsigned int label;
		unsigned char action, share;
		unsigned short flags, expires, linger;
		unsigned int pad;
	} flr = {.dst = IN6ADDR_LOOPBACK_INIT, .action = 0 /* GET */, .share = 1 /* EXCL */,
		 .flags = 1 /* CREATE */};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7300),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(7300),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	union {
		struct cmsghdr head;
		char buf[CMSG_SPACE(24)];
	} control;
	struct iovec iov = {.iov_base = "lgt-route", .iov_len = 9};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;
	bool v6 = a->op == RO_IPV6_RTHDR || a->op == RO_IPV6_PKTOPTIONS ||
		  a->op == RO_IPV6_FLOWLABEL || a->op == RO_IPV6_RTHDR_MSG || a->op == RO_RECV_RTHDR;
	int fd, ret = 0, one = 1;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	fd = socket(v6 ? AF_INET6 : AF_INET,
		    (a->op == RO_IP_OPTIONS_SSRR ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 200 + errno;
	srh[23] = 2;
	rh2[23] = 2;
	/* a label of this process's own: labels outlive their socket (linger), and an
	 * exclusive one asked for again is the kernel's EPERM */
	flr.label = htonl((unsigned)getpid() & 0xfffff);
	memset(&control, 0, sizeof(control));
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	c = CMSG_FIRSTHDR(&msg);
	switch (a->op) {
	case RO_IP_OPTIONS_LSRR:
		ret = setsockopt(fd, IPPROTO_IP, IP_OPTIONS, srr, sizeof(srr));
		break;
	case RO_IP_OPTIONS_SSRR:
		srr[1] = 0x89;
		ret = setsockopt(fd, IPPROTO_IP, IP_OPTIONS, srr, sizeof(srr));
		break;
	case RO_IP_OPTIONS_CLEAR:
		ret = setsockopt(fd, IPPROTO_IP, IP_OPTIONS, NULL, 0);
		break;
	case RO_IPV6_RTHDR:
		ret = setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, srh, sizeof(srh));
		break;
	case RO_IPV6_PKTOPTIONS:
		ret = setsockopt(fd, IPPROTO_IPV6, IPV6_2292PKTOPTIONS, NULL, 0);
		break;
	case RO_IPV6_FLOWLABEL:
		ret = setsockopt(fd, IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, &flr, 32);
		break;
	case RO_RECV_RTHDR:
		ret = setsockopt(fd, IPPROTO_IPV6, IPV6_2292RTHDR, &one, sizeof(one));
		break;
	case RO_IP_RETOPTS_MSG:
	case RO_PLAIN_MSG:
		msg.msg_name = &sin;
		msg.msg_namelen = sizeof(sin);
		if (a->op == RO_IP_RETOPTS_MSG) {
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_RETOPTS;
			c->cmsg_len = CMSG_LEN(sizeof(srr));
			memcpy(CMSG_DATA(c), srr, sizeof(srr));
			msg.msg_controllen = CMSG_SPACE(sizeof(srr));
		} else {
			msg.msg_control = NULL;
			msg.msg_controllen = 0;
		}
		ret = sendmsg(fd, &msg, 0) < 0 ? -1 : 0;
		break;
	case RO_IPV6_RTHDR_MSG:
		msg.msg_name = &sin6;
		msg.msg_namelen = sizeof(sin6);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_RTHDR;
		c->cmsg_len = CMSG_LEN(sizeof(rh2));
		memcpy(CMSG_DATA(c), rh2, sizeof(rh2));
		msg.msg_controllen = CMSG_SPACE(sizeof(rh2));
		ret = sendmsg(fd, &msg, 0) < 0 ? -1 : 0;
		break;
	default:
		break;
	}
	ret = ret ? errno : 0;
	close(fd);
	return ret;
}

VM_TEST(sockets_source_routes_are_refused_where_destinations_are_decided, 161)
{
	static const struct {
		const char *cgroup;
		bool refuses;
	} where[] = {{SK, true}, {SK_AUDIT, false}, {SK_OPEN, false}};
	long mark;

	sk_setup();
	mark = event_mark();
	for (int op = 0; op < RO_COUNT; op++) {
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			struct route_arg a = {(enum route_op)op, uid};
			int kernel = in_cgroup(NULL, do_route, &a);
			bool route = op != RO_PLAIN_MSG && op != RO_RECV_RTHDR;

			for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
				int want = where[w].refuses && route ? EPERM : kernel;
				int got = in_cgroup(where[w].cgroup, do_route, &a);

				if (got != want)
					VM_FAIL("%s as uid %d in %s: %s, expected %s (unconfined: %s)",
						route_names[op], (int)uid, where[w].cgroup,
						errno_name(got), errno_name(want), errno_name(kernel));
			}
		}
	}
	/* What the kernel does with them unconfined (measured): root sets an IPv4 source route
	 * and sends with one, uid 1000 gets EPERM (the option needs CAP_NET_RAW); uid 1000 sets
	 * an IPv6 segment list (no capability). */
	{
		struct route_arg lsrr = {RO_IP_OPTIONS_LSRR, 0}, retopts = {RO_IP_RETOPTS_MSG, 0};
		struct route_arg rthdr = {RO_IPV6_RTHDR, USER};
		int got;

		if ((got = in_cgroup(NULL, do_route, &lsrr)) != 0)
			VM_FAIL("unconfined root's LSRR: %s", errno_name(got));
		if ((got = in_cgroup(NULL, do_route, &retopts)) != 0)
			VM_FAIL("unconfined root's IP_RETOPTS send: %s", errno_name(got));
		lsrr.uid = retopts.uid = USER;
		if ((got = in_cgroup(NULL, do_route, &lsrr)) != EPERM)
			VM_FAIL("unconfined uid 1000's LSRR: %s", errno_name(got));
		if ((got = in_cgroup(NULL, do_route, &retopts)) != EPERM)
			VM_FAIL("unconfined uid 1000's IP_RETOPTS send: %s", errno_name(got));
		if ((got = in_cgroup(NULL, do_route, &rthdr)) != 0)
			VM_FAIL("unconfined uid 1000's segment list: %s", errno_name(got));
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_setsockopt\"",
			   "\"policy\":\"sk\"", "\"rule\":0",
			   "\"path\":\"setsockopt IP_OPTIONS (a source route)\"", "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"socket_setsockopt\"",
			   "\"policy\":\"sk-audit\"",
			   "\"path\":\"setsockopt IPV6_RTHDR (a routing header)\"", "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_sendmsg\"",
			   "\"policy\":\"sk\"",
			   "\"path\":\"control message IP_RETOPTS (a source route)\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"socket_sendmsg\"",
			   "\"policy\":\"sk\"",
			   "\"path\":\"control message IPV6_RTHDR (a routing header)\"");
	VM_CHECK(count_events_after(mark, "\"policy\":\"sk-open\"") == 0);
}

/* ---- SCTP's own routes ---- */

#define SOL_SCTP_ 132
#define SCTP_SOCKOPT_BINDX_ADD_ 100
#define SCTP_SOCKOPT_CONNECTX_ 110
#define SCTP_SOCKOPT_CONNECTX_OLD_ 107
#define SCTP_PORT 7302

enum sctp_op {
	SC_CONNECTX,	 /* setsockopt(SCTP_SOCKOPT_CONNECTX): sctp_connectx() */
	SC_CONNECTX_OLD, /* the same, SCTP_SOCKOPT_CONNECTX_OLD */
	SC_BINDX,	 /* setsockopt(SCTP_SOCKOPT_BINDX_ADD): sctp_bindx() */
	SC_SEND_NEW,	 /* sendto() on a one-to-many socket: a new association */
	SC_V6_BIND_V4,	 /* bind() of an IPv6 SCTP socket to an IPv4 address */
	SC_CONNECT,	 /* connect(): socket_connect, as before */
};

static const char *const sctp_op_names[] = {"sctp_connectx", "sctp_connectx (old)", "sctp_bindx",
					    "sendto (new association)", "IPv6 socket bound to IPv4",
					    "connect"};

struct sctp_arg {
	enum sctp_op op;
	uid_t uid;
};

static int do_sctp(const void *data)
{
	const struct sctp_arg *a = data;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(SCTP_PORT)};
	int fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	fd = socket(a->op == SC_V6_BIND_V4 ? AF_INET6 : AF_INET,
		    a->op == SC_SEND_NEW ? SOCK_SEQPACKET : SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		return 100 + errno;
	switch (a->op) {
	case SC_CONNECTX:
	case SC_CONNECTX_OLD:
		/* The association's id, or 0 (the old call): a success either way. */
		ret = setsockopt(fd, SOL_SCTP_,
				 a->op == SC_CONNECTX ? SCTP_SOCKOPT_CONNECTX_ : SCTP_SOCKOPT_CONNECTX_OLD_,
				 &sin, sizeof(sin)) < 0 ? errno : 0;
		break;
	case SC_BINDX:
		sin.sin_port = htons(SCTP_PORT + 1);
		ret = setsockopt(fd, SOL_SCTP_, SCTP_SOCKOPT_BINDX_ADD_, &sin, sizeof(sin)) ? errno : 0;
		break;
	case SC_SEND_NEW:
		ret = sendto(fd, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin)) == 1 ? 0 : errno;
		break;
	case SC_V6_BIND_V4:
		sin.sin_port = htons(SCTP_PORT + 2);
		ret = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
		break;
	default:
		ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
	}
	close(fd);
	return ret;
}

/*
 * SCTP reaches addresses by routes of its own, which pass neither socket_connect nor
 * socket_bind: sctp_connectx and sctp_bindx (setsockopt), a send that opens an association,
 * and an IPv4 address bound on an IPv6 socket. With sctp named in its sockets line and
 * [network] default = deny (the rules name TCP and UDP only: SCTP matches none), a policy
 * connects, binds and sends nowhere by any of them; in audit mode each goes through, reported;
 * under default = allow and unconfined, each goes through. Root and uid 1000 (SCTP asks for no
 * privilege). An SCTP listener on 127.0.0.1, unconfined, answers the associations.
 */
VM_TEST(sockets_sctp_routes_follow_the_default, 161)
{
	static const enum sctp_op ops[] = {SC_CONNECTX, SC_CONNECTX_OLD, SC_BINDX, SC_SEND_NEW,
					   SC_V6_BIND_V4, SC_CONNECT};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(SCTP_PORT)};
	long mark;
	int server;

	sk_setup();
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	server = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	VM_CHECK(server >= 0 && bind(server, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		 listen(server, 64) == 0);
	mark = event_mark();
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (int u = 0; u < 2; u++) {
			struct sctp_arg a = {ops[i], u ? USER : 0};
			static const char *const cgroups[] = {SK_SCTP, SK_SCTP_AUDIT, SK_OPEN, NULL};
			static const int want[] = {EPERM, 0, 0, 0};

			for (int c = 0; c < 4; c++) {
				int got = in_cgroup(cgroups[c], do_sctp, &a);

				printf("#   %s as uid %u in %s: %s\n", sctp_op_names[ops[i]],
				       (unsigned)a.uid, cgroups[c] ? cgroups[c] : "no policy",
				       got ? errno_name(got) : "done");
				if (got != want[c])
					VM_FAIL("%s as uid %u in %s: %s, expected %s",
						sctp_op_names[ops[i]], (unsigned)a.uid,
						cgroups[c] ? cgroups[c] : "no policy", errno_name(got),
						want[c] ? errno_name(want[c]) : "success");
			}
		}
	}
	close(server);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"sk-sctp\"",
			   "\"hook\":\"sctp_bind_connect\"", "\"access\":\"connect\"",
			   "\"address\":\"127.0.0.1\"", "\"port\":7302", "\"protocol\":\"other\"",
			   "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"sk-sctp\"",
			   "\"hook\":\"sctp_bind_connect\"", "\"access\":\"listen\"",
			   "\"address\":\"127.0.0.1\"", "\"port\":7303");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"sk-sctp\"",
			   "\"hook\":\"socket_bind\"", "\"family\":\"ipv4\"",
			   "\"address\":\"127.0.0.1\"", "\"port\":7304");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"sk-sctp-audit\"",
			   "\"hook\":\"sctp_bind_connect\"", "\"port\":7302");
	VM_CHECK(count_events_after(mark, "\"policy\":\"sk-open\"") == 0);
}
