// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 10: an independent attacker against the newest decisions: the unspecified
 * destination (0.0.0.0, ::, ::ffff:0.0.0.0) refused unless bind() fixed the socket's source
 * (or the message's own IP_PKTINFO names it), a UDP connect() there allowed and (in the version
 * attacked, 94f7565) its later sends decided at the peer it got; and the root user's fork past RLIMIT_NPROC refused under a
 * [capabilities] section that keeps neither CAP_SYS_RESOURCE nor CAP_SYS_ADMIN. Each case
 * asserts the SAFE outcome with the exact errno, so a failing case is an open route; each has
 * an unconfined control that shows the route works.
 *
 * The attacker took over a service under policy a10 (enforce): every file and program allowed,
 * [network] default = allow with deny rules on an address alone (127.0.0.2, and 10.77.0.1: an
 * address of this host's own interface), the sockets line the docs recommend for such a
 * policy, no [capabilities] section. a10-caps keeps only CAP_SETUID and CAP_SETGID; a10-userns
 * is a10-caps with [system] userns = allow.
 *
 * "An interface's own address": the test VM has only lo. A host's NIC (eth0 with 192.0.2.10) is
 * stood in for by 10.77.0.1/32 on lo, added by the unconfined test with scope 255 so that it is
 * lo's first primary address: what the kernel's route lookup (inet_select_addr) picks for
 * an output interface without a source, as it picks eth0's own address on a real host.
 *
 * Found open (docs/security.md "Found by attack run 10"), closed the same night: 0.0.0.0 from a
 * socket bound to a multicast or broadcast address with an output interface (350); IP_PKTINFO
 * naming an interface and no source, listed open before this run (351); sendfile() and
 * splice() on a connected UDP socket, which skip the per-send decision (352, and with attack
 * run 9's race and no setup, 353); fork into new user namespaces past RLIMIT_NPROC (355); a
 * session keyring pushed to an unconfined parent (357); closed the next session: the root
 * user's key quota (356); kernel page faults caught through /dev/userfaultfd without
 * CAP_SYS_PTRACE (358). Held: threads, vfork, clone3 past RLIMIT_NPROC (354).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <grp.h>
#include <pthread.h>

#include "uring.h"
#include "vmtest.h"

/*
 * A finding still open: the case is kept, compiled and not run, until its route is closed;
 * then it becomes a VM_TEST again. Built with -DA10_RUN_FINDINGS (make build/vm/vmtest
 * VM_CFLAGS+=...: or edit this line) they all run, which is how the run measured them.
 */
#ifdef A10_RUN_FINDINGS
#define VM_TEST_OPEN(name, order) VM_TEST(name, order)
#else
#define VM_TEST_OPEN(name, order) static void __attribute__((unused)) name(void)
#endif
#include "vmutil.h"

#ifndef IP_UNICAST_IF
#define IP_UNICAST_IF 50
#endif

#define A10 "/lgt/a10"
#define A10_CAPS "/lgt/a10-caps"
#define A10_USERNS "/lgt/a10-userns"
#define USER 1000
#define A10_IFADDR "10.77.0.1"
#define A10_PORT 7501
#define A10_TCP_PORT 7502

static const char a10_policy[] = "[policy]\nname = a10\ncgroup = " A10 "\nmode = enforce\n"
				 "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
				 "[network]\ndefault = allow\n"
				 "deny = 127.0.0.2\n"
				 "deny = " A10_IFADDR "\n"
				 "sockets = unix inet inet6 netlink\n";

static const char a10_caps_policy[] = "[policy]\nname = a10-caps\ncgroup = " A10_CAPS
				      "\nmode = enforce\n"
				      "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
				      "[capabilities]\nkeep = CAP_SETUID, CAP_SETGID\n";

static const char a10_userns_policy[] = "[policy]\nname = a10-userns\ncgroup = " A10_USERNS
					"\nmode = enforce\n"
					"[files]\ndefault = allow\n[exec]\ndefault = allow\n"
					"[system]\nuserns = allow\n"
					"[capabilities]\nkeep = CAP_SETUID, CAP_SETGID\n";

static void a10_setup(void)
{
	static const struct {
		const char *file, *text;
	} policies[] = {{POLICY_DIR "/a10.ini", a10_policy},
			{POLICY_DIR "/a10-caps.ini", a10_caps_policy},
			{POLICY_DIR "/a10-userns.ini", a10_userns_policy}};
	bool reload = false;

	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (access(policies[i].file, F_OK) != 0) {
			write_file(policies[i].file, policies[i].text, 0644);
			reload = true;
		}
	}
	if (reload)
		VM_CHECK(daemon_reload_wait());
	make_cgroup(A10);
	make_cgroup(A10_CAPS);
	make_cgroup(A10_USERNS);
}

/* lo's first primary address (scope 255 puts it before 127.0.0.1), or removed again. */
static bool a10_interface_address(bool add)
{
	if (add)
		return system("ip addr add " A10_IFADDR "/32 dev lo scope 255") == 0;
	return system("ip addr del " A10_IFADDR "/32 dev lo") == 0;
}

/* ---- an output interface with no source address: 0.0.0.0 reaches the interface's own ---- */

/*
 * The route lookup (6.1's ip_route_output_key_hash_rcu) sends a zero destination to the flow's
 * source address; with no source and an output interface (SO_BINDTODEVICE, IP_UNICAST_IF,
 * IP_PKTINFO's ipi_ifindex) it first gives the flow that interface's own address
 * (inet_select_addr), so the datagram or connection goes there. lsmguard reads no interface
 * (lg_unspecified_dest): with no source it decides 127.0.0.1, allowed under a10.
 *
 * Not listed in docs/security.md (which lists the interface routes as open for a socket with no
 * source, since closed for an unbound socket by the source-route refusal): a socket bound to a
 * multicast or broadcast address. The bind sets SOCK_BINDADDR_LOCK, which lsmguard takes as
 * "the source is fixed", but leaves the socket's source (inet_saddr) at 0 ("use the device"):
 * with an output interface, 0.0.0.0 goes to the interface's own address, decided as 127.0.0.1.
 */
enum a10_iface_route {
	A10_MCAST_BINDTODEVICE,	 /* bound 224.0.0.251:0, SO_BINDTODEVICE lo, sendto 0.0.0.0 */
	A10_MCAST_UNICAST_IF,	 /* bound 224.0.0.251:0, IP_UNICAST_IF lo, sendto 0.0.0.0 */
	A10_BCAST_CONNECT_SEND,	 /* bound 255.255.255.255:0, SO_BINDTODEVICE lo, connect, send */
	A10_MCAST_TCP_CONNECT,	 /* TCP bound 224.0.0.251:0, SO_BINDTODEVICE lo, connect */
	A10_PKTINFO_IFINDEX,	 /* (listed open) IP_PKTINFO {lo, 0.0.0.0} on an unbound socket */
	A10_PKTINFO6_IFINDEX,	 /* (listed open) IPV6_PKTINFO {::ffff:0.0.0.0, lo}, IPv6 socket */
	A10_PKTINFO_IFINDEX_BOUND, /* (the lead's) IP_PKTINFO {lo, 0.0.0.0}, bound 127.0.0.1:7509 */
	A10_IFACE_ROUTES,
};

/* What a confined task gets: the sends refused, the connects at the address decided. */
static const int a10_iface_want[A10_IFACE_ROUTES] = {EPERM, EPERM, 0, ECONNREFUSED, EPERM,
						      EPERM, EPERM};

static const char *const a10_iface_what[A10_IFACE_ROUTES] = {
	"UDP bound to 224.0.0.251 with SO_BINDTODEVICE lo, sendto 0.0.0.0",
	"UDP bound to 224.0.0.251 with IP_UNICAST_IF lo, sendto 0.0.0.0",
	"UDP bound to 255.255.255.255 with SO_BINDTODEVICE lo, connect 0.0.0.0, send()",
	"TCP bound to 224.0.0.251 with SO_BINDTODEVICE lo, connect 0.0.0.0",
	"UDP sendmsg to 0.0.0.0 with IP_PKTINFO {ifindex lo, spec_dst 0.0.0.0} (listed open)",
	"IPv6 UDP sendmsg to ::ffff:0.0.0.0 with IPV6_PKTINFO {::ffff:0.0.0.0, lo} (listed open)",
	"UDP bound to 127.0.0.1:7509, sendmsg to 0.0.0.0 with IP_PKTINFO {ifindex lo, spec_dst "
	"0.0.0.0}",
};

struct a10_iface_arg {
	uid_t uid;
	enum a10_iface_route route;
};

/* 0 when the datagram went (or the connection was made), else errno; 100 + errno for setup. */
static int do_a10_iface(const void *p)
{
	const struct a10_iface_arg *a = p;
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(A10_PORT)};
	struct sockaddr_in src = {.sin_family = AF_INET};
	struct sockaddr_in6 dst6 = {.sin6_family = AF_INET6, .sin6_port = htons(A10_PORT)};
	unsigned ifindex = if_nametoindex("lo");
	union {
		struct cmsghdr h;
		char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} c;
	struct iovec iov = {"a10-iface", 9};
	struct msghdr msg = {.msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov,
			     .msg_iovlen = 1};
	int fd, ret;

	if ((ret = become(a->uid)))
		return ret;
	memset(&c, 0, sizeof(c));
	switch (a->route) {
	case A10_MCAST_TCP_CONNECT:
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	case A10_PKTINFO6_IFINDEX:
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		break;
	default:
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		return 100 + errno;
	if (a->route <= A10_MCAST_TCP_CONNECT) {
		inet_pton(AF_INET, a->route == A10_BCAST_CONNECT_SEND ? "255.255.255.255"
								       : "224.0.0.251",
			  &src.sin_addr);
		if (bind(fd, (struct sockaddr *)&src, sizeof(src))) {
			ret = 100 + errno;
			goto out;
		}
		if (a->route == A10_MCAST_UNICAST_IF) {
			unsigned be = htonl(ifindex);

			if (setsockopt(fd, IPPROTO_IP, IP_UNICAST_IF, &be, sizeof(be))) {
				ret = 100 + errno;
				goto out;
			}
		} else if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3)) {
			ret = 100 + errno;
			goto out;
		}
	}
	switch (a->route) {
	case A10_MCAST_BINDTODEVICE:
	case A10_MCAST_UNICAST_IF:
		ret = sendto(fd, "a10-iface", 9, 0, (struct sockaddr *)&dst, sizeof(dst)) == 9
			      ? 0
			      : errno;
		break;
	case A10_BCAST_CONNECT_SEND:
		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)))
			ret = errno;
		else
			ret = send(fd, "a10-iface", 9, 0) == 9 ? 0 : errno;
		break;
	case A10_MCAST_TCP_CONNECT:
		dst.sin_port = htons(A10_TCP_PORT);
		ret = connect(fd, (struct sockaddr *)&dst, sizeof(dst)) ? errno : 0;
		break;
	case A10_PKTINFO_IFINDEX_BOUND:
		/* a source bind() fixed (address and port), which the message's zero source then
		 * replaces (ip_cmsg_send): the interface's address again */
		inet_pton(AF_INET, "127.0.0.1", &src.sin_addr);
		src.sin_port = htons(7509);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src))) {
			ret = 100 + errno;
			goto out;
		}
		/* fall through */
	case A10_PKTINFO_IFINDEX: {
		struct in_pktinfo pi = {.ipi_ifindex = (int)ifindex};

		c.h.cmsg_level = SOL_IP;
		c.h.cmsg_type = IP_PKTINFO;
		c.h.cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(&c.h), &pi, sizeof(pi));
		msg.msg_control = &c;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		ret = sendmsg(fd, &msg, 0) == 9 ? 0 : errno;
		break;
	}
	case A10_PKTINFO6_IFINDEX: {
		struct in6_pktinfo pi = {.ipi6_ifindex = ifindex};

		inet_pton(AF_INET6, "::ffff:0.0.0.0", &dst6.sin6_addr);
		inet_pton(AF_INET6, "::ffff:0.0.0.0", &pi.ipi6_addr);
		c.h.cmsg_level = SOL_IPV6;
		c.h.cmsg_type = IPV6_PKTINFO;
		c.h.cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(&c.h), &pi, sizeof(pi));
		msg.msg_name = &dst6;
		msg.msg_namelen = sizeof(dst6);
		msg.msg_control = &c;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		ret = sendmsg(fd, &msg, 0) == 9 ? 0 : errno;
		break;
	}
	default:
		ret = 100 + EINVAL;
	}
out:
	close(fd);
	return ret;
}

/* Run routes [first, last) as root and uid 1000, unconfined and under a10. */
static void a10_iface_routes(enum a10_iface_route first, enum a10_iface_route last)
{
	int rx, listener;

	a10_setup();
	VM_CHECK(a10_interface_address(true));
	rx = udp_receiver(A10_IFADDR, A10_PORT);
	listener = tcp_listener(A10_IFADDR, A10_TCP_PORT);
	VM_CHECK(rx >= 0 && listener >= 0);
	for (enum a10_iface_route r = first; r < last; r++) {
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			struct a10_iface_arg a = {uid, r};
			bool tcp = r == A10_MCAST_TCP_CONNECT;
			int free_, got, free_at, at;
			long mark;

			drain_datagrams(rx, "");
			accept_all(listener);
			free_ = in_cgroup(NULL, do_a10_iface, &a);
			free_at = tcp ? accept_all(listener) : drain_datagrams(rx, "a10-iface");
			mark = event_mark();
			got = in_cgroup(A10, do_a10_iface, &a);
			at = tcp ? accept_all(listener) : drain_datagrams(rx, "a10-iface");
			printf("# %s, uid %u: unconfined %d (%d at " A10_IFADDR "), under a10 %d "
			       "(%d at the denied " A10_IFADDR ")\n",
			       a10_iface_what[r], (unsigned)uid, free_, free_at, got, at);
			if (free_ != 0 || free_at != 1) {
				VM_FAIL("control: %s as uid %u unconfined: %d, %d at " A10_IFADDR,
					a10_iface_what[r], (unsigned)uid, free_, free_at);
				continue;
			}
			/* A send is refused (the source is not fixed); a connect goes to the address
			 * decided, 127.0.0.1, written into it (lsmguard's fix): the UDP send is
			 * delivered there, the TCP connect finds nobody (ECONNREFUSED). */
			if (got != a10_iface_want[r] || at)
				VM_FAIL("%s as uid %u: %d (expected %d), %d arrived at the denied "
					A10_IFADDR " (the interface's own address)",
					a10_iface_what[r], (unsigned)uid, got, a10_iface_want[r], at);
			else if (got == EPERM)
				EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a10\"",
						   "\"path\":\"the unspecified address from a socket "
						   "whose source address bind() has not fixed\"",
						   UID_FIELD(uid));
		}
	}
	close(listener);
	close(rx);
	VM_CHECK(a10_interface_address(false));
}

/* Found open by attack run 10 (a multicast or broadcast bind was "fixed" with no source):
 * closed, lg_source_fixed and the connect's written address. */
VM_TEST(a10_interface_address_from_a_multicast_or_broadcast_bind, 350)
{
	a10_iface_routes(A10_MCAST_BINDTODEVICE, A10_PKTINFO_IFINDEX);
}

/* Found open by attack run 10 (an IP_PKTINFO naming an interface and no source counted as a
 * fixed source): closed, a zero IP_PKTINFO source fixes nothing. */
VM_TEST(a10_interface_address_from_pktinfo_ifindex, 351)
{
	a10_iface_routes(A10_PKTINFO_IFINDEX, A10_IFACE_ROUTES);
}

/* ---- a connected UDP socket whose peer is decided per send: the routes of its sends ---- */

/*
 * As the run found it: a UDP connect() to 0.0.0.0 from a socket with no fixed source was
 * allowed as read, and its sends without an address decided at the peer it really got
 * (socket_sendmsg). 6.1's UDP has a sendpage (udp_sendpage), which sendfile() and splice()
 * reach through inet_sendpage without security_socket_sendmsg: it calls udp_sendmsg itself,
 * which sends to the connected peer. Here the peer was the interface's own address
 * (SO_BINDTODEVICE lo on an unbound socket, connect 0.0.0.0, decided as 127.0.0.1). Safe now:
 * the connect goes to the address decided (written into it), so every route of the send
 * delivers at 127.0.0.1, nothing at 10.77.0.1.
 */
enum a10_send_method {
	A10_SEND,
	A10_WRITE,
	A10_WRITEV,
	A10_URING_SENDMSG,
	A10_SENDFILE,
	A10_SPLICE,
	A10_SEND_METHODS,
};

static const char *const a10_method_what[A10_SEND_METHODS] = {
	"send()", "write()", "writev()", "io_uring IORING_OP_SENDMSG (no address)", "sendfile()",
	"splice() from a pipe"};

/* One datagram "a10-sent" on the connected fd by method: 0 when it went, else errno. */
static int a10_send_by(int fd, enum a10_send_method method, int file)
{
	struct iovec iov[2] = {{"a10-", 4}, {"sent", 4}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	off_t off = 0;
	int pipefd[2], ret;
	ssize_t n;

	switch (method) {
	case A10_SEND:
		return send(fd, "a10-sent", 8, 0) == 8 ? 0 : errno;
	case A10_WRITE:
		return write(fd, "a10-sent", 8) == 8 ? 0 : errno;
	case A10_WRITEV:
		return writev(fd, iov, 2) == 8 ? 0 : errno;
	case A10_URING_SENDMSG:
		ret = uring_sendmsg(fd, &msg);
		return ret == 8 ? 0 : ret < 0 && ret > -1000 ? -ret : 5000;
	case A10_SENDFILE:
		return sendfile(fd, file, &off, 8) == 8 ? 0 : errno;
	case A10_SPLICE:
		if (pipe(pipefd))
			return 100 + errno;
		if (write(pipefd[1], "a10-sent", 8) != 8) {
			ret = 100 + errno;
		} else {
			n = splice(pipefd[0], NULL, fd, NULL, 8, 0);
			ret = n == 8 ? 0 : n < 0 ? errno : 200;
		}
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	default:
		return 100 + EINVAL;
	}
}

/* A memfd holding "a10-sent", for sendfile(). */
static int a10_payload_file(void)
{
	int fd = memfd_create("a10-payload", MFD_CLOEXEC);

	if (fd >= 0 && write(fd, "a10-sent", 8) != 8) {
		close(fd);
		return -1;
	}
	return fd;
}

struct a10_peer_arg {
	uid_t uid;
	enum a10_send_method method;
};

/* 0 when the datagram went, its errno; 300 + errno when the connect failed. */
static int do_a10_peer(const void *p)
{
	const struct a10_peer_arg *a = p;
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(A10_PORT)};
	int fd, file, ret;

	if ((ret = become(a->uid)))
		return ret;
	file = a10_payload_file();
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || file < 0)
		return 100 + errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3))
		ret = 100 + errno;
	else if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)))
		ret = 300 + errno;
	else
		ret = a10_send_by(fd, a->method, file);
	close(fd);
	close(file);
	return ret;
}

/* Found open by attack run 10 (sendfile() and splice() were not decided on such a socket):
 * closed, the connect goes to the address decided. */
VM_TEST(a10_connected_udp_peer_sendfile_and_splice, 352)
{
	int rx;

	a10_setup();
	VM_CHECK(a10_interface_address(true));
	rx = udp_receiver(A10_IFADDR, A10_PORT);
	VM_CHECK(rx >= 0);
	for (enum a10_send_method m = A10_SEND; m < A10_SEND_METHODS; m++) {
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			struct a10_peer_arg a = {uid, m};
			int free_, got, free_at, at;
			long mark;

			drain_datagrams(rx, "");
			free_ = in_cgroup(NULL, do_a10_peer, &a);
			free_at = drain_datagrams(rx, "a10-sent");
			mark = event_mark();
			got = in_cgroup(A10, do_a10_peer, &a);
			at = drain_datagrams(rx, "a10-sent");
			printf("# UDP connected to 0.0.0.0 through lo (peer " A10_IFADDR "), %s, uid "
			       "%u: unconfined %d (%d arrived), under a10 %d (%d arrived)\n",
			       a10_method_what[m], (unsigned)uid, free_, free_at, got, at);
			if (free_ != 0 || free_at != 1) {
				VM_FAIL("control: %s as uid %u unconfined: %d, %d arrived",
					a10_method_what[m], (unsigned)uid, free_, free_at);
				continue;
			}
			/* lsmguard's fix: the connect goes to the address decided (127.0.0.1,
			 * allowed), written into it, so every send by every route goes there */
			(void)mark;
			if (got != 0 || at)
				VM_FAIL("%s on a UDP socket connected to 0.0.0.0 through lo (its peer "
					"unconfined the denied " A10_IFADDR ") as uid %u: %d (expected "
					"0, at 127.0.0.1), %d arrived at " A10_IFADDR,
					a10_method_what[m], (unsigned)uid, got, at);
		}
	}
	close(rx);
	VM_CHECK(a10_interface_address(false));
}

/*
 * The same with no interface and no setup by the administrator: attack run 9's race (a UDP
 * connect to 0.0.0.0 from an unbound socket while a second thread binds it to 127.0.0.2 port 0:
 * the connect is decided at 127.0.0.1, the kernel's connect reads the source the bind set and
 * connects to 127.0.0.2), then sendfile() or splice() of the datagram. send() is refused at
 * the real peer (a9_unspecified_destination_raced_by_a_bind, variant 3); these are not.
 */
#define A10_RACE_PORT 7503
#define A10_RACE_TRIES 6000

struct a10_race {
	volatile int go, done;
	int fd;
	uid_t uid;
	enum a10_send_method method;
};

static void *a10_race_binder(void *p)
{
	struct a10_race *r = p;
	struct sockaddr_in src = {.sin_family = AF_INET};

	inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
	for (int i = 1; i <= A10_RACE_TRIES; i++) {
		while (r->go != i)
			;
		bind(r->fd, (struct sockaddr *)&src, sizeof(src));
		r->done = i;
	}
	return NULL;
}

/* Datagrams sent after a connect that succeeded, or 100000 + errno. */
static int do_a10_race(const void *p)
{
	struct a10_race r = *(const struct a10_race *)p;
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(A10_RACE_PORT)};
	pthread_t binder;
	int sent = 0, ret, file;

	if ((ret = become(r.uid)))
		return 100000 + ret;
	file = a10_payload_file();
	if (file < 0)
		return 100000 + errno;
	if (pthread_create(&binder, NULL, a10_race_binder, &r))
		return 100000 + EAGAIN;
	for (int i = 1; i <= A10_RACE_TRIES; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			r.fd = -1;
			r.go = i;
			continue;
		}
		r.fd = fd;
		__atomic_store_n(&r.go, i, __ATOMIC_SEQ_CST);
		for (volatile int spin = 0; spin < (i % 97) * 8; spin++)
			;
		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0) {
			while (r.done != i)
				;
			sent += a10_send_by(fd, r.method, file) == 0;
		}
		while (r.done != i)
			;
		close(fd);
	}
	pthread_join(binder, NULL);
	close(file);
	return sent;
}

/* Found open by attack run 10 (no setup needed; the race of attack run 9, sent by sendfile):
 * closed, the connect goes to the address decided. */
VM_TEST(a10_connected_udp_peer_raced_then_sendfile, 353)
{
	static const enum a10_send_method methods[] = {A10_SENDFILE, A10_SPLICE};
	int rx = udp_receiver("127.0.0.2", A10_RACE_PORT);

	a10_setup();
	VM_TIMEOUT(400);
	VM_CHECK(rx >= 0);
	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			struct a10_race r = {.uid = uid, .method = methods[m]};
			int got, at, free_, free_at;

			drain_datagrams(rx, "");
			free_ = in_cgroup(NULL, do_a10_race, &r);
			free_at = drain_datagrams(rx, "a10-sent");
			got = in_cgroup(A10, do_a10_race, &r);
			at = drain_datagrams(rx, "a10-sent");
			printf("# UDP connect to 0.0.0.0 raced by a bind to 127.0.0.2, then %s, uid "
			       "%u: unconfined %d sent (%d at 127.0.0.2), under a10 %d sent (%d at "
			       "the denied 127.0.0.2)\n",
			       a10_method_what[methods[m]], (unsigned)uid, free_, free_at, got, at);
			if (free_at < 1)
				VM_FAIL("control: no try of the unconfined race reached 127.0.0.2 "
					"(%d)",
					free_);
			if (got >= 100000)
				VM_FAIL("the racing sender failed: %d", got);
			else if (at)
				VM_FAIL("%s after a UDP connect to 0.0.0.0 raced by a bind to "
					"127.0.0.2, as uid %u: %d datagrams arrived at the denied "
					"127.0.0.2 (expected none)",
					a10_method_what[methods[m]], (unsigned)uid, at);
		}
	}
	close(rx);
}

/* ---- the root user past RLIMIT_NPROC ---- */

/*
 * Held variants of a9_root_user_forks_past_rlimit_nproc: a thread, vfork() and clone3(), as
 * root under a10-caps with RLIMIT_NPROC = 0 (each is copy_process, whose task_alloc hook
 * lsmguard decides). Safe: EAGAIN for each, as uid 1000 gets; unconfined root makes them.
 */
enum a10_nproc_route { A10_THREAD, A10_VFORK, A10_CLONE3, A10_NPROC_ROUTES };

static const char *const a10_nproc_what[A10_NPROC_ROUTES] = {"pthread_create", "vfork",
							     "clone3"};

static void *a10_thread(void *p)
{
	return p;
}

struct a10_nproc_arg {
	uid_t uid;
	enum a10_nproc_route route;
};

static int do_a10_nproc(const void *p)
{
	const struct a10_nproc_arg *a = p;
	struct rlimit zero = {0, 0};
	struct clone_args args = {.exit_signal = SIGCHLD};
	pthread_t t;
	pid_t pid;
	int ret;

	if ((ret = become(a->uid)))
		return ret;
	if (setrlimit(RLIMIT_NPROC, &zero))
		return 2000 + errno;
	switch (a->route) {
	case A10_THREAD:
		ret = pthread_create(&t, NULL, a10_thread, NULL);
		if (!ret)
			pthread_join(t, NULL);
		return ret;
	case A10_VFORK:
		pid = vfork();
		if (pid == 0)
			_exit(0);
		break;
	case A10_CLONE3:
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid == 0)
			_exit(0);
		break;
	default:
		return 100 + EINVAL;
	}
	if (pid < 0)
		return errno;
	waitpid(pid, NULL, 0);
	return 0;
}

VM_TEST(a10_root_user_threads_vfork_clone3_past_rlimit_nproc, 354)
{
	a10_setup();
	for (enum a10_nproc_route r = A10_THREAD; r < A10_NPROC_ROUTES; r++) {
		struct a10_nproc_arg root = {0, r}, user = {USER, r};
		int free_user, free_root, got;
		long mark = event_mark();

		free_user = in_cgroup(NULL, do_a10_nproc, &user);
		free_root = in_cgroup(NULL, do_a10_nproc, &root);
		got = in_cgroup(A10_CAPS, do_a10_nproc, &root);
		printf("# %s past RLIMIT_NPROC = 0: unconfined uid 1000 %d, unconfined root %d, "
		       "root under a10-caps %d\n",
		       a10_nproc_what[r], free_user, free_root, got);
		if (free_user != EAGAIN || free_root != 0) {
			VM_FAIL("control: %s: uid 1000 %d (expected EAGAIN), root %d",
				a10_nproc_what[r], free_user, free_root);
			continue;
		}
		if (got != EAGAIN)
			VM_FAIL("%s past RLIMIT_NPROC by a confined root without CAP_SYS_RESOURCE: "
				"%d, expected EAGAIN",
				a10_nproc_what[r], got);
		else
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a10-caps\"",
					   "\"hook\":\"task_alloc\"",
					   "\"path\":\"CAP_SYS_RESOURCE\"", "\"uid\":0");
	}
}

/*
 * The root user's exemption, kept by user namespaces: 6.1's is_rlimit_overlimit counts a new
 * task at every level of its ucounts, the first against RLIMIT_NPROC, each higher one against
 * the limit its user namespace recorded when it was made (enforced_nproc_rlimit: for the root
 * user of the host, RLIM_INFINITY; for any other user, its RLIMIT_NPROC). A clone() with
 * CLONE_NEWUSER puts the child alone on the first level of a new namespace (count 1), so
 * lsmguard's lg_nproc_keep, which reads the first level only, sees 1 <= 1, and the kernel
 * never compares the host-wide count of root's tasks with anything. uid 1000 is refused the
 * same clone (its namespace records RLIMIT_NPROC: the host-wide count is over it). Needs
 * [system] userns = allow. Safe: EAGAIN, as uid 1000 gets.
 */
#define A10_USERNS_CHILDREN 20

static int a10_paused(void *p)
{
	(void)p;
	pause();
	return 0;
}

/* Children made by clone(CLONE_NEWUSER) under RLIMIT_NPROC = 1 (plain fork: refused first),
 * or 1000 + errno of the first refusal when none was made; the children are killed. */
static int do_a10_userns_children(const void *p)
{
	const uid_t *uid = p;
	struct rlimit one = {1, 1};
	static char stacks[A10_USERNS_CHILDREN][16384] __attribute__((aligned(16)));
	pid_t pids[A10_USERNS_CHILDREN];
	int made = 0, first_errno = 0, ret;

	if ((ret = become(*uid)))
		return ret;
	if (setrlimit(RLIMIT_NPROC, &one))
		return 2000 + errno;
	for (int i = 0; i < A10_USERNS_CHILDREN; i++) {
		pid_t pid = clone(a10_paused, stacks[i] + sizeof(stacks[i]),
				  CLONE_NEWUSER | SIGCHLD, NULL);

		if (pid < 0) {
			if (!first_errno)
				first_errno = errno;
			continue;
		}
		pids[made++] = pid;
	}
	for (int i = 0; i < made; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	return made ? made : 1000 + first_errno;
}

/* A plain fork() under RLIMIT_NPROC = 1: 0, or errno. */
static int do_a10_fork_at_one(const void *p)
{
	const uid_t *uid = p;
	struct rlimit one = {1, 1};
	pid_t pid;
	int ret;

	if ((ret = become(*uid)))
		return ret;
	if (setrlimit(RLIMIT_NPROC, &one))
		return 2000 + errno;
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return 0;
}

/* Found open by attack run 10 (the root user forked without bound into new user namespaces):
 * closed, every level held to the parent's limit too. */
VM_TEST(a10_root_user_forks_into_new_user_namespaces_past_rlimit_nproc, 355)
{
	uid_t root = 0, user = USER;
	int free_user, free_root, plain, got;
	char clone_sysctl[16] = "?";
	long mark;
	FILE *f;

	a10_setup();
	f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "r");
	if (f) {
		if (!fgets(clone_sysctl, sizeof(clone_sysctl), f))
			clone_sysctl[0] = '?';
		fclose(f);
	}
	mark = event_mark();
	free_user = in_cgroup(NULL, do_a10_userns_children, &user);
	free_root = in_cgroup(NULL, do_a10_userns_children, &root);
	plain = in_cgroup(A10_USERNS, do_a10_fork_at_one, &root);
	got = in_cgroup(A10_USERNS, do_a10_userns_children, &root);
	printf("# clone(CLONE_NEWUSER) x%d under RLIMIT_NPROC = 1 (unprivileged_userns_clone %s): "
	       "unconfined uid 1000 %d, unconfined root %d; root under a10-userns: plain fork %d, "
	       "clone(CLONE_NEWUSER) %d\n",
	       A10_USERNS_CHILDREN, strtok(clone_sysctl, "\n") ? clone_sysctl : "?", free_user,
	       free_root, plain, got);
	if (free_user != 1000 + EAGAIN || free_root != A10_USERNS_CHILDREN)
		VM_FAIL("control: uid 1000 %d (expected %d: EAGAIN), root %d (expected %d)",
			free_user, 1000 + EAGAIN, free_root, A10_USERNS_CHILDREN);
	if (plain != EAGAIN)
		VM_FAIL("reference: a plain fork past RLIMIT_NPROC under a10-userns: %d, expected "
			"EAGAIN",
			plain);
	if (got != 1000 + EAGAIN)
		VM_FAIL("a confined root without CAP_SYS_RESOURCE made %d children past "
			"RLIMIT_NPROC = 1 by clone(CLONE_NEWUSER) (expected none: %d, EAGAIN)",
			got, 1000 + EAGAIN);
	else
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a10-userns\"",
				   "\"hook\":\"task_alloc\"", "\"path\":\"CAP_SYS_RESOURCE\"",
				   "\"uid\":0");
}

/* ---- the root user's key quota (kernel.keys.root_maxkeys, root_maxbytes) ---- */

/*
 * key_alloc gives the root user (uid 0) a quota of its own, 1,000,000 keys and 25,000,000 bytes
 * (kernel.keys.root_maxkeys, root_maxbytes), where every other user has 200 keys and 20,000
 * bytes; no capability is asked. The quota is the root user's, host-wide: every root process
 * of the host, confined or not, draws on it. A confined root that keeps no capability can
 * (1) hold 125 times more unswappable kernel memory in keys than uid 1000, and (2) use up the
 * root user's whole quota, after which every other root process's add_key() (an administrator's
 * keyctl, a root service's tokens, pam_keyinit's session keyring at a login) fails with EDQUOT.
 * Safe: (1) the confined root stops where uid 1000 stops (EDQUOT); (2) an unconfined root still
 * adds its key.
 */
#define A10_KEY_SPEC_PROCESS_KEYRING -2
#define A10_SMALL_KEYS 300
#define A10_BIG_PAYLOAD 30000

static long a10_add_key(const char *desc, const void *payload, size_t len)
{
	return syscall(SYS_add_key, "user", desc, payload, len, A10_KEY_SPEC_PROCESS_KEYRING);
}

/* Small keys added (of A10_SMALL_KEYS) to the process keyring; the first failure's errno as
 * 10000 * errno on top. */
static int do_a10_small_keys(const void *p)
{
	const uid_t *uid = p;
	char desc[32];
	int made = 0, ret;

	if ((ret = become(*uid)))
		return ret;
	for (int i = 0; i < A10_SMALL_KEYS; i++) {
		snprintf(desc, sizeof(desc), "a10-%d", i);
		if (a10_add_key(desc, "k", 1) < 0)
			return made + 10000 * errno;
		made++;
	}
	return made;
}

struct a10_hold {
	int ready[2], release[2];
};

/* Keys of 30,000 bytes until the first failure, then smaller ones into what is left; the
 * count written to ready (+ 10000 * the last errno), then held until release closes. */
static int do_a10_fill_root_quota(const void *p)
{
	static const size_t sizes[] = {A10_BIG_PAYLOAD, 1000, 30, 1};
	const struct a10_hold *h = p;
	static char payload[A10_BIG_PAYLOAD];
	char desc[32], byte;
	int made = 0, err = 0;

	/* the test's write end, inherited by the fork: only the test's copy holds the keys */
	close(h->release[1]);
	close(h->ready[0]);
	memset(payload, 'q', sizeof(payload));
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]) && err != EINTR; s++) {
		err = 0;
		for (int i = 0; i < 2000; i++) {
			snprintf(desc, sizeof(desc), "a10-big-%zu-%d", s, i);
			if (a10_add_key(desc, payload, sizes[s]) < 0) {
				err = errno;
				break;
			}
			made++;
		}
		if (err != EDQUOT)
			break;
	}
	made += 10000 * err;
	if (write(h->ready[1], &made, sizeof(made)) != sizeof(made))
		return -1;
	while (read(h->release[0], &byte, 1) > 0)
		;
	return made;
}

/* Whether the root user's charged keys and bytes (/proc/key-users: "0: usage nkeys/nikeys
 * qnkeys/maxkeys qnbytes/maxbytes") are below keys and bytes. */
static bool a10_root_keys_below(unsigned keys, unsigned bytes)
{
	unsigned k, b;

	return root_key_charge(&k, &b) && k < keys && b < bytes;
}

/* A 1-byte key of root's, then add_key of the same description with A10_BIG_PAYLOAD bytes,
 * which updates it (KEYCTL_UPDATE takes a page at most): 0, or the update's errno (100 + errno
 * when the key could not be made). */
static int do_a10_key_grow(const void *p)
{
	static char payload[A10_BIG_PAYLOAD];
	long key = a10_add_key("a10-grow", "g", 1);

	(void)p;
	if (key < 0)
		return 100 + errno;
	memset(payload, 'g', sizeof(payload));
	return a10_add_key("a10-grow", payload, sizeof(payload)) == key ? 0 : errno ? errno : 999;
}

/* A new key of root's with len bytes of payload (a pointer to a size_t): 0, or errno. */
static int do_a10_new_key(const void *p)
{
	static char payload[A10_BIG_PAYLOAD];
	size_t len = *(const size_t *)p;
	char desc[32];

	snprintf(desc, sizeof(desc), "a10-new-%zu", len);
	memset(payload, 'n', sizeof(payload));
	return a10_add_key(desc, payload, len) < 0 ? errno : 0;
}

/* The caller's thread keyring (made now: KEY_ALLOC_QUOTA_OVERRUN), linked into its process
 * keyring, where it would outlive the thread: 0, the link's errno, or 100 + the make's. */
static int do_a10_keep_thread_keyring(const void *p)
{
	long ring;

	(void)p;
	ring = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -1 /* THREAD */, 1);
	if (ring < 0)
		return 100 + errno;
	return syscall(SYS_keyctl, 8 /* KEYCTL_LINK */, ring, A10_KEY_SPEC_PROCESS_KEYRING) ? errno
											 : 0;
}

struct a10_grower {
	int ready[2], go[2];
};

/* A 1-byte key of root's made now, grown to 2,000 bytes (add_key of its description) once go
 * says so: 0, the update's errno, or 100 + the make's errno. */
static int do_a10_grow_later(const void *p)
{
	static char payload[2000];
	const struct a10_grower *g = p;
	long key = a10_add_key("a10-grow-later", "g", 1);
	char byte;

	if (key < 0)
		return 100 + errno;
	if (write(g->ready[1], "r", 1) != 1 || read(g->go[0], &byte, 1) != 1)
		return 200;
	memset(payload, 'l', sizeof(payload));
	return a10_add_key("a10-grow-later", payload, sizeof(payload)) == key ? 0
									       : errno ? errno : 999;
}

/* One small key by an unconfined root: 0, or errno. */
static int do_a10_one_key(const void *p)
{
	(void)p;
	return a10_add_key("a10-admin-key-of-the-host", "k", 1) < 0 ? errno : 0;
}

/* One key of A10_BIG_PAYLOAD bytes by an unconfined root: 0, or errno. */
static int do_a10_big_key(const void *p)
{
	static char payload[A10_BIG_PAYLOAD];

	(void)p;
	return a10_add_key("a10-after", payload, sizeof(payload)) < 0 ? errno : 0;
}

/* Found open by attack run 10 (the root user's key quota, to a root that keeps no capability):
 * closed, a key charged to root past the ordinary quota decided as CAP_SYS_RESOURCE
 * (bpf_lsm/ipc.bpf.c). */
VM_TEST(a10_root_user_key_quota, 356)
{
	uid_t root = 0, user = USER;
	struct a10_hold h;
	int free_user, free_root, got, filled = -1, admin = -1, after = -1;
	struct in_cgroup_thread holder;
	long mark;

	a10_setup();
	free_user = in_cgroup(NULL, do_a10_small_keys, &user);
	free_root = in_cgroup(NULL, do_a10_small_keys, &root);
	mark = event_mark();
	got = in_cgroup(A10_CAPS, do_a10_small_keys, &root);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
			   "\"policy\":\"a10-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"", "\"uid\":0");
	printf("# small keys (of %d) in the process keyring: unconfined uid 1000 %d, unconfined "
	       "root %d, root under a10-caps (no capability kept) %d (count + 10000 * errno)\n",
	       A10_SMALL_KEYS, free_user, free_root, got);
	if (free_user != 10000 * EDQUOT + free_user % 10000 || free_root != A10_SMALL_KEYS)
		VM_FAIL("control: uid 1000 %d (expected EDQUOT before %d), root %d", free_user,
			A10_SMALL_KEYS, free_root);
	if (got / 10000 != EDQUOT || got % 10000 > free_user % 10000)
		VM_FAIL("a confined root without any capability added %d keys (count + 10000 * "
			"errno), uid 1000 %d (expected EDQUOT at uid 1000's quota at most)",
			got, free_user);

	/* (1b) an update (add_key of an existing key's description) that grows a small key past
	 * the ordinary quota (key_payload_reserve charges the growth, with no hook of its own) */
	{
		int free_grow, grow;

		/* the keys of (1) collected first: the confined root's 1-byte key must fit */
		for (int i = 0; i < 100 && !a10_root_keys_below(100, 10000); i++)
			usleep(100000);
		VM_CHECK(a10_root_keys_below(100, 10000));
		mark = event_mark();
		grow = in_cgroup(A10_CAPS, do_a10_key_grow, NULL);
		free_grow = in_cgroup(NULL, do_a10_key_grow, NULL);
		printf("# a root key grown to %d bytes by add_key of its description: unconfined %d, under "
		       "a10-caps %d\n",
		       A10_BIG_PAYLOAD, free_grow, grow);
		if (free_grow != 0)
			VM_FAIL("control: the unconfined root's update: %d", free_grow);
		if (grow != EDQUOT)
			VM_FAIL("a confined root grew a key past the ordinary quota: %d (expected "
				"EDQUOT)",
				grow);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
				   "\"policy\":\"a10-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"",
				   "\"uid\":0");
	}

	/* (1c) a new key whose payload alone takes the root user past the ordinary quota: the
	 * kernel charges the payload after key_alloc (key_payload_reserve), so key_alloc counts
	 * add_key's length itself */
	{
		size_t big = A10_BIG_PAYLOAD, small = 1000;
		int confined_big, confined_small, free_big;

		for (int i = 0; i < 100 && !a10_root_keys_below(100, 10000); i++)
			usleep(100000);
		VM_CHECK(a10_root_keys_below(100, 10000));
		mark = event_mark();
		confined_big = in_cgroup(A10_CAPS, do_a10_new_key, &big);
		confined_small = in_cgroup(A10_CAPS, do_a10_new_key, &small);
		free_big = in_cgroup(NULL, do_a10_new_key, &big);
		printf("# a new root key of %zu bytes: unconfined %d, under a10-caps %d; of %zu bytes "
		       "under a10-caps %d\n",
		       big, free_big, confined_big, small, confined_small);
		if (free_big != 0 || confined_small != 0)
			VM_FAIL("controls: an unconfined root's %zu-byte key %d, a confined root's "
				"%zu-byte key %d (expected 0, 0)",
				big, free_big, small, confined_small);
		if (confined_big != EDQUOT)
			VM_FAIL("a confined root made a %zu-byte key past the ordinary quota: %d "
				"(expected EDQUOT)",
				big, confined_big);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
				   "\"policy\":\"a10-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"",
				   "\"uid\":0");
	}

	/* (1d) a thread's keyring (charged with KEY_ALLOC_QUOTA_OVERRUN, which no quota
	 * refuses) linked where it outlives its thread, while an unconfined root holds the root
	 * user past the ordinary quota's 200 keys */
	{
		int ready[2], release[2], below, past, free_past;
		pid_t keeper;
		char byte;

		/* (1c)'s unconfined key collected first */
		for (int i = 0; i < 100 && !a10_root_keys_below(100, 10000); i++)
			usleep(100000);
		VM_CHECK(a10_root_keys_below(100, 10000));
		struct a10_grower g;
		struct in_cgroup_thread grower;
		int grown;

		below = in_cgroup(A10_CAPS, do_a10_keep_thread_keyring, NULL);
		/* a confined root's key, made now, grown below the ordinary bytes while the root
		 * user holds more keys than the ordinary count: an update adds no key */
		VM_CHECK(pipe2(g.ready, O_CLOEXEC) == 0 && pipe2(g.go, O_CLOEXEC) == 0);
		/* the write end stays open here: read only from a started thread */
		if (in_cgroup_start(&grower, A10_CAPS, do_a10_grow_later, &g))
			VM_CHECK(read(g.ready[0], &byte, 1) == 1);
		else
			VM_FAIL("cannot start the grower's thread");
		VM_CHECK(pipe2(ready, O_CLOEXEC) == 0 && pipe2(release, O_CLOEXEC) == 0);
		keeper = fork();
		if (keeper == 0) {
			char desc[32];

			close(release[1]);
			for (int i = 0; i < 250; i++) {
				snprintf(desc, sizeof(desc), "a10-hold-%d", i);
				if (a10_add_key(desc, "h", 1) < 0)
					_exit(1);
			}
			if (write(ready[1], "r", 1) != 1)
				_exit(2);
			while (read(release[0], &byte, 1) > 0)
				;
			_exit(0);
		}
		close(release[0]);
		VM_CHECK(keeper > 0 && read(ready[0], &byte, 1) == 1);
		mark = event_mark();
		past = in_cgroup(A10_CAPS, do_a10_keep_thread_keyring, NULL);
		free_past = in_cgroup(NULL, do_a10_keep_thread_keyring, NULL);
		VM_CHECK(write(g.go[1], "g", 1) == 1);
		grown = in_cgroup_join(&grower);
		for (int i = 0; i < 2; i++) {
			close(g.ready[i]);
			close(g.go[i]);
		}
		close(release[1]);
		waitpid(keeper, NULL, 0);
		close(ready[0]);
		close(ready[1]);
		printf("# a thread keyring linked into the process keyring under a10-caps: %d with "
		       "root below the quota, %d past it (unconfined root past it: %d)\n",
		       below, past, free_past);
		if (below != 0 || free_past != 0)
			VM_FAIL("controls: below the quota %d, unconfined past it %d (expected 0, 0)",
				below, free_past);
		if (past != EDQUOT)
			VM_FAIL("a confined root kept a thread keyring while the root user is past the "
				"ordinary quota: %d (expected EDQUOT)",
				past);
		if (grown != 0)
			VM_FAIL("a confined root's key grown to 2,000 bytes while the root user holds "
				"more than 200 keys (bytes within the quota): %d (expected 0)",
				grown);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
				   "\"policy\":\"a10-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"",
				   "\"uid\":0");
		for (int i = 0; i < 100 && !a10_root_keys_below(100, 10000); i++)
			usleep(100000);
	}

	/* (2) the root user's whole quota, held by the confined root, against the host's root */
	VM_CHECK(pipe2(h.ready, O_CLOEXEC) == 0 && pipe2(h.release, O_CLOEXEC) == 0);
	VM_CHECK(in_cgroup_start(&holder, A10_CAPS, do_a10_fill_root_quota, &h));
	if (holder.started && read(h.ready[0], &filled, sizeof(filled)) == sizeof(filled))
		admin = in_cgroup(NULL, do_a10_one_key, NULL);
	close(h.release[1]);
	in_cgroup_join(&holder);
	close(h.release[0]);
	close(h.ready[0]);
	close(h.ready[1]);
	/* the keys go with the holder's process keyring, by the key garbage collector: the quota
	 * is back when a big key fits again (the next cases make keyrings of root's) */
	for (int i = 0; i < 100 && after; i++) {
		after = in_cgroup(NULL, do_a10_big_key, NULL);
		if (after)
			usleep(100000);
	}
	/* and until the root user's keys are back under the ordinary quota, which a confined
	 * root now meets (the next case's confined root joins a session keyring) */
	for (int i = 0; i < 100 && !a10_root_keys_below(100, 10000); i++)
		usleep(100000);
	VM_CHECK(a10_root_keys_below(100, 10000));
	printf("# keys of %d bytes, then smaller, added by the confined root: %d (count + 10000 * "
	       "errno); then an "
	       "unconfined root's add_key: %d; after the holder's exit: %d\n",
	       A10_BIG_PAYLOAD, filled, admin, after);
	VM_CHECK(after == 0);
	if (admin != 0)
		VM_FAIL("the confined root used up the root user's key quota (%d keys of %d bytes): "
			"an unconfined root's add_key failed with %d (expected success)",
			filled % 10000, A10_BIG_PAYLOAD, admin);
	else
		VM_CHECK(filled / 10000 == EDQUOT);
}

/* ---- a session keyring given to the parent (KEYCTL_SESSION_TO_PARENT) ---- */

/*
 * keyctl(KEYCTL_SESSION_TO_PARENT) replaces the session keyring of the caller's parent with
 * the caller's own, when the parent has the same uid and gid (root and root: no capability),
 * is single-threaded and is not PID 1: the parent's credentials are changed at its next
 * return to user space (cred_transfer). A confined task started by an unconfined process of its
 * user (an administrator's shell running a service's tool through a confining wrapper, a
 * supervisor outside every policy) hands that process a keyring the attacker made and can read
 * and write: every key the administrator's later commands add to their session (keyctl padd,
 * a passphrase cached by cryptsetup or ecryptfs, krb5's KEYRING:session tickets) lands in the
 * attacker's keyring, and keys the attacker planted there answer the administrator's lookups.
 * Safe: the confined task's call refused (EPERM) and the parent keeps its keyring.
 */
#define A10_KEYCTL_GET_KEYRING_ID 0
#define A10_KEYCTL_JOIN_SESSION_KEYRING 1
#define A10_KEYCTL_SESSION_TO_PARENT 18
#define A10_KEY_SPEC_SESSION_KEYRING -3

/* A new session keyring "a10-session", pushed to the parent: its serial, or -errno. */
static int do_a10_push_session(const void *p)
{
	char name[32];
	long serial;

	(void)p;
	snprintf(name, sizeof(name), "a10-session-%d", (int)getpid());
	serial = syscall(SYS_keyctl, A10_KEYCTL_JOIN_SESSION_KEYRING, name);
	if (serial < 0)
		return -1000 - errno;
	if (syscall(SYS_keyctl, A10_KEYCTL_SESSION_TO_PARENT))
		return -errno;
	return (int)serial;
}

/*
 * The parent P, single-threaded, forks the child C, has it moved into cgroup (by a third
 * process, as in_cgroup does: not C's setup window), then both take uid: P joins a session
 * keyring of its own (as a login has), C pushes its own to P. r: P's keyring before, C's answer
 * (do_a10_push_session, 9999 when C did not run), P's keyring after.
 */
static int a10_parent(uid_t uid, const char *cgroup, int out)
{
	int go[2], answer[2], r[3] = {0, 9999, 0}, ret;
	char byte = 'n', name[32];
	pid_t child;

	if (pipe2(go, O_CLOEXEC) || pipe2(answer, O_CLOEXEC))
		return 2;
	child = fork();
	if (child < 0)
		return 3;
	if (child == 0) {
		close(go[1]);
		close(answer[0]);
		if (read(go[0], &byte, 1) != 1 || byte != 'y' || become(uid))
			_exit(4);
		r[1] = do_a10_push_session(NULL);
		_exit(write(answer[1], &r[1], sizeof(r[1])) == sizeof(r[1]) ? 0 : 5);
	}
	close(go[0]);
	close(answer[1]);
	if (cgroup && !move_into_cgroup(cgroup, child))
		byte = 'n';
	else if ((ret = become(uid)))
		byte = 'n';
	else
		byte = 'y';
	snprintf(name, sizeof(name), "a10-admin-%d", (int)getpid());
	r[0] = (int)syscall(SYS_keyctl, A10_KEYCTL_JOIN_SESSION_KEYRING, name);
	if (write(go[1], &byte, 1) != 1 || read(answer[0], &r[1], sizeof(r[1])) != sizeof(r[1]))
		r[1] = 9999;
	waitpid(child, NULL, 0);
	r[2] = (int)syscall(SYS_keyctl, A10_KEYCTL_GET_KEYRING_ID, A10_KEY_SPEC_SESSION_KEYRING, 0);
	return write(out, r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/* r: the parent's keyring before, the child's answer, the parent's keyring after. */
static bool a10_session_push(uid_t uid, const char *cgroup, int r[3])
{
	int fds[2], status;
	pid_t pid;
	bool ok;

	if (pipe2(fds, O_CLOEXEC))
		return false;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(a10_parent(uid, cgroup, fds[1]));
	}
	close(fds[1]);
	ok = pid > 0 && read(fds[0], r, 3 * sizeof(int)) == 3 * sizeof(int);
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return ok;
}

/*
 * The same with P under the policy too: P takes uid, is moved into cgroup (by this unconfined
 * process), joins a keyring of its own and forks C there, which pushes its own keyring to P.
 */
static bool a10_session_push_confined_parent(uid_t uid, const char *cgroup, int r[3])
{
	int ready[2], go[2], out[2], status;
	char byte = 'n';
	bool ok = false;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return false;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int answer[2], res[3] = {0, 9999, 0};
		char name[32];
		pid_t child;

		if (become(uid) || write(ready[1], "r", 1) != 1 || read(go[0], &byte, 1) != 1 ||
		    byte != 'y' || pipe2(answer, O_CLOEXEC))
			_exit(2);
		snprintf(name, sizeof(name), "a10-admin-%d", (int)getpid());
		res[0] = (int)syscall(SYS_keyctl, A10_KEYCTL_JOIN_SESSION_KEYRING, name);
		child = fork();
		if (child == 0) {
			res[1] = do_a10_push_session(NULL);
			_exit(write(answer[1], &res[1], sizeof(res[1])) == sizeof(res[1]) ? 0 : 5);
		}
		close(answer[1]);
		if (child < 0 || read(answer[0], &res[1], sizeof(res[1])) != sizeof(res[1]))
			res[1] = 9999;
		waitpid(child, NULL, 0);
		res[2] = (int)syscall(SYS_keyctl, A10_KEYCTL_GET_KEYRING_ID,
				      A10_KEY_SPEC_SESSION_KEYRING, 0);
		_exit(write(out[1], res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(ready[1]);
	close(go[0]);
	close(out[1]);
	if (pid > 0 && read(ready[0], &byte, 1) == 1) {
		byte = move_into_cgroup(cgroup, pid) ? 'y' : 'n';
		ok = byte == 'y' && write(go[1], &byte, 1) == 1 &&
		     read(out[0], r, 3 * sizeof(int)) == 3 * sizeof(int);
	}
	close(go[1]);
	close(ready[0]);
	close(out[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return ok;
}

/* Found open by attack run 10 (another process's keyring replaced): closed, refused for every
 * confined task whoever the parent is (the parent the hook could check is not the one the
 * kernel gives the keyring to once the first one exits). */
VM_TEST(a10_session_keyring_pushed_to_an_unconfined_parent, 357)
{
	a10_setup();
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		int free_[3], got[3];

		VM_CHECK(a10_session_push(uid, NULL, free_));
		VM_CHECK(a10_session_push(uid, A10_CAPS, got));
		printf("# KEYCTL_SESSION_TO_PARENT as uid %u: unconfined child: parent's keyring %d, "
		       "child's %d, parent's after %d; child under a10-caps: parent's %d, child's "
		       "%d, parent's after %d\n",
		       (unsigned)uid, free_[0], free_[1], free_[2], got[0], got[1], got[2]);
		if (free_[1] <= 0 || free_[2] != free_[1]) {
			VM_FAIL("control: uid %u: the unconfined child's keyring %d did not become "
				"the parent's (%d)",
				(unsigned)uid, free_[1], free_[2]);
			continue;
		}
		if (got[1] != -EPERM || got[2] != got[0])
			VM_FAIL("a confined uid %u gave its unconfined parent its own session keyring: "
				"child's answer %d (expected %d, EPERM), parent's keyring %d -> %d",
				(unsigned)uid, got[1], -EPERM, got[0], got[2]);
		/* A parent under the same policy: refused too (the parent checked here need not
		 * be the one the kernel hands the keyring to). */
		VM_CHECK(a10_session_push_confined_parent(uid, A10_CAPS, got));
		printf("# the same with the parent under a10-caps too: parent's %d, child's %d, "
		       "parent's after %d\n",
		       got[0], got[1], got[2]);
		if (got[0] <= 0 || got[1] != -EPERM || got[2] != got[0])
			VM_FAIL("a confined uid %u gave its parent of the same policy its session "
				"keyring: child's answer %d (expected %d, EPERM), parent's keyring %d "
				"-> %d",
				(unsigned)uid, got[1], -EPERM, got[0], got[2]);
	}
}

/* ---- kernel page faults caught by a userfaultfd from /dev/userfaultfd ---- */

/*
 * A userfaultfd that handles faults of the kernel's own accesses (copy_from_user into a page
 * the task registered) lets a task stall the kernel at a chosen point: the classic way to win a
 * kernel race (docs/policy.md keeps vm.unprivileged_userfaultfd a knob for that reason). 6.1's
 * userfaultfd() asks for CAP_SYS_PTRACE unless the sysctl allows it (lsmguard decides the
 * capability), but /dev/userfaultfd (6.1, mode 0600 root) hands out the same file by its
 * USERFAULTFD_IOC_NEW ioctl with no capability: the device's owner, the root user, has it.
 * Safe: a confined root that keeps no CAP_SYS_PTRACE gets no kernel-fault userfaultfd either
 * way (EPERM).
 */
enum a10_uffd_route { A10_UFFD_SYSCALL, A10_UFFD_DEVICE, A10_UFFD_ROUTES };

static const char *const a10_uffd_what[A10_UFFD_ROUTES] = {"userfaultfd()",
							   "/dev/userfaultfd USERFAULTFD_IOC_NEW"};

struct a10_uffd_arg {
	uid_t uid;
	enum a10_uffd_route route;
};

static void *a10_kernel_reader(void *p)
{
	int *fds = p; /* a pipe's write end, then the region's address in two ints */
	void *region;

	memcpy(&region, &fds[1], sizeof(region));
	/* the kernel's copy_from_user faults on the registered, missing page */
	if (write(fds[0], region, 8) != 8)
		return (void *)1;
	return NULL;
}

/* 0 when a fault of the kernel's own access reached the userfaultfd; else errno (the open or
 * the syscall), 200 + errno (setup), 300 when no fault came. */
static int do_a10_uffd(const void *p)
{
	const struct a10_uffd_arg *a = p;
	struct uffdio_api api = {.api = UFFD_API};
	struct uffdio_register reg = {.mode = UFFDIO_REGISTER_MODE_MISSING};
	struct pollfd pfd = {.events = POLLIN};
	struct uffd_msg msg;
	int uffd, dev, pipefd[2], targ[1 + sizeof(void *) / sizeof(int)], ret;
	pthread_t reader;
	void *region;

	if ((ret = become(a->uid)))
		return ret;
	if (a->route == A10_UFFD_SYSCALL) {
		uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (uffd < 0)
			return errno;
	} else {
		dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
		if (dev < 0)
			return errno;
		uffd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
		ret = errno;
		close(dev);
		if (uffd < 0)
			return ret;
	}
	region = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)region;
	reg.range.len = 4096;
	if (region == MAP_FAILED || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg) || pipe(pipefd))
		return 200 + errno;
	targ[0] = pipefd[1];
	memcpy(&targ[1], &region, sizeof(region));
	if (pthread_create(&reader, NULL, a10_kernel_reader, targ))
		return 200 + EAGAIN;
	pfd.fd = uffd;
	ret = 300;
	if (poll(&pfd, 1, 3000) == 1 && read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	    msg.event == UFFD_EVENT_PAGEFAULT)
		ret = 0;
	/* resolve the fault (or wake a waiter) so that the reader ends */
	{
		struct uffdio_zeropage zero = {.range = {(unsigned long)region, 4096}};

		ioctl(uffd, UFFDIO_ZEROPAGE, &zero);
	}
	pthread_join(reader, NULL);
	close(pipefd[0]);
	close(pipefd[1]);
	close(uffd);
	return ret;
}

/* Found open by attack run 10 (the root user's device, no capability asked): closed, the
 * device's USERFAULTFD_IOC_NEW decided as CAP_SYS_PTRACE (bpf_lsm/meta.bpf.c). */
VM_TEST(a10_root_user_kernel_faults_through_dev_userfaultfd, 358)
{
	a10_setup();
	if (access("/dev/userfaultfd", F_OK) != 0) {
		VM_SKIP("no /dev/userfaultfd in this kernel");
		return;
	}
	for (enum a10_uffd_route r = A10_UFFD_SYSCALL; r < A10_UFFD_ROUTES; r++) {
		struct a10_uffd_arg root = {0, r}, user = {USER, r};
		int free_user, free_root, got;
		long mark = event_mark();

		free_user = in_cgroup(NULL, do_a10_uffd, &user);
		free_root = in_cgroup(NULL, do_a10_uffd, &root);
		got = in_cgroup(A10_CAPS, do_a10_uffd, &root);
		printf("# a kernel-fault userfaultfd by %s: unconfined uid 1000 %d, unconfined root "
		       "%d, root under a10-caps (no CAP_SYS_PTRACE) %d\n",
		       a10_uffd_what[r], free_user, free_root, got);
		if (free_root != 0 || free_user == 0) {
			VM_FAIL("control: %s: root %d (expected 0), uid 1000 %d (expected refused)",
				a10_uffd_what[r], free_root, free_user);
			continue;
		}
		if (got != EPERM)
			VM_FAIL("a confined root without CAP_SYS_PTRACE caught the kernel's page fault "
				"through %s: %d (expected EPERM)",
				a10_uffd_what[r], got);
		else
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
					   "\"policy\":\"a10-caps\"", "\"path\":\"CAP_SYS_PTRACE\"",
					   "\"uid\":0");
	}
}
