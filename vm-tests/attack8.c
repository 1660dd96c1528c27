// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 8: an independent attacker against the newest rule kinds ([network] sockets,
 * listen and abstract names, [capabilities] keep, the sd_notify MAINPID= protection). Each case
 * asserts the SAFE outcome with the exact errno, so a failing case is an open route; each has an
 * unconfined control that shows the route works.
 *
 * The attacker took over a service under policy a8 (enforce): every file and program allowed,
 * [network] default = allow with two deny rules (127.0.0.2 and ::1, no protocol: "both"), the
 * compatibility line the docs recommend for such a policy (sockets = unix inet inet6 netlink:
 * no raw or packet socket), deny-listen on tcp 7777 and on every abstract name, and a
 * [capabilities] section that keeps only CAP_SETUID and CAP_SETGID. It runs as root and, where
 * the kernel lets a user, as uid 1000. a8-other (everything allowed) is "another service";
 * a8-deny (default = deny, one allowed destination) a policy that decides every destination.
 *
 * Open when the run ended (failing cases; docs/security.md, "Found by attack run 8"), all
 * closed since: ICMP echo sockets past deny rules (a8_ping_socket_reaches_a_denied_address);
 * capabilities the capability LSM checks without security_capable (a8_capabilities_*); SIGIO
 * to the members of a process group the confined task leads
 * (a8_sigio_owner_own_group_as_leader_reaches_others); MPTCP subflows to an announced address
 * (a8_mptcp_subflow_to_an_announced_denied_address); a listener on an autobound abstract name
 * (a8_abstract_autobind_listener_is_a_backdoor). Held: a8_listen_mptcp_and_empty_abstract_name,
 * a8_mainpid_plus_sign_and_splice.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>

#include "vmtest.h"
#include "vmutil.h"


#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SECBIT_KEEP_CAPS
#define SECBIT_KEEP_CAPS (1 << 4)
#endif

#define A8 "/lgt/a8"
#define USER 1000
#define A8_NOTIFY_DIR "/run/lgt-a8n"
#define A8_NOTIFY A8_NOTIFY_DIR "/notify"

static const char a8_policy[] = "[policy]\nname = a8\ncgroup = " A8 "\nmode = enforce\n"
				"[files]\ndefault = allow\n[exec]\ndefault = allow\n"
				"[network]\ndefault = allow\n"
				"deny = 127.0.0.2\n"
				"deny = ::1\n"
				"deny-listen = tcp 7777\n"
				"deny-listen = @*\n"
				"sockets = unix inet inet6 netlink\n"
				"[capabilities]\nkeep = CAP_SETUID, CAP_SETGID\n";

static void a8_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/a8.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a8.ini", a8_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A8);
}

#define A8_KEEP "/lgt/a8-keep"
#define A8_AUDIT "/lgt/a8-audit"

/* Two more policies for the capability LSM's own checks: one keeping what they ask for, one in
 * audit mode keeping neither. */
static void a8_caps_setup(void)
{
	static const char keep[] = "[policy]\nname = a8-keep\ncgroup = " A8_KEEP "\nmode = enforce\n"
				   "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
				   "[capabilities]\nkeep = CAP_SETPCAP, CAP_SYS_RAWIO, CAP_SETUID\n";
	static const char audit[] = "[policy]\nname = a8-audit\ncgroup = " A8_AUDIT
				    "\nmode = audit\n"
				    "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
				    "[capabilities]\nkeep = CAP_SETUID\n";

	if (access(POLICY_DIR "/a8-keep.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a8-keep.ini", keep, 0644);
		write_file(POLICY_DIR "/a8-audit.ini", audit, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A8_KEEP);
	make_cgroup(A8_AUDIT);
}

/* ---- [network]: ICMP echo ("ping") sockets, which `inet` always allows ---- */

struct ping_arg {
	int family;
	const char *addr;
	uid_t uid;
	int how; /* 0: sendto, 1: connect then send, 2: UDP sendto port 9 (the rule's control) */
};

/* 0 when an echo was sent and its reply came back; else the errno of the first failing call. */
static int do_ping(const void *p)
{
	const struct ping_arg *a = p;
	struct sockaddr_storage ss = {0};
	socklen_t len;
	unsigned char pkt[64] = {0}, reply[256];
	struct pollfd pfd;
	int fd, ret;

	if ((ret = become(a->uid)))
		return ret;
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->how == 2 ? 9 : 0);
		inet_pton(AF_INET, a->addr, &sin->sin_addr);
		len = sizeof(*sin);
		pkt[0] = 8; /* ICMP_ECHO */
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(a->how == 2 ? 9 : 0);
		inet_pton(AF_INET6, a->addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
		pkt[0] = 128; /* ICMPV6_ECHO_REQUEST */
	}
	memcpy(pkt + 8, "lgt-a8-exfiltrated", 18);
	if (a->how == 2)
		fd = socket(a->family, SOCK_DGRAM, 0);
	else
		fd = socket(a->family, SOCK_DGRAM,
			    a->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return 2000 + errno;
	if (a->how == 1) {
		if (connect(fd, (struct sockaddr *)&ss, len))
			ret = errno;
		else
			ret = send(fd, pkt, sizeof(pkt), 0) < 0 ? errno : 0;
	} else {
		ret = sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	}
	if (ret || a->how == 2) {
		close(fd);
		return ret;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, 2000) == 1 && recv(fd, reply, sizeof(reply), 0) > 0 ? 0 : 3000;
	close(fd);
	return ret;
}

static void ping_expect(const char *cgroup, int family, const char *addr, uid_t uid, int how,
			int expected, const char *what)
{
	struct ping_arg a = {family, addr, uid, how};
	int got = in_cgroup(cgroup, do_ping, &a);

	if (got != expected)
		VM_FAIL("%s to %s as uid %u in %s: got %d, expected %d", what, addr, (unsigned)uid,
			cgroup ? cgroup : "(no policy)", got, expected);
}

/*
 * `deny = 127.0.0.2` (no protocol: "covers both") under default = allow, with the sockets line
 * the docs give for such a policy (no raw, no packet). An ICMP echo socket (systemd's
 * 50-default.conf opens them to every group: net.ipv4.ping_group_range = 0 2147483647) sends a
 * datagram with any payload to the denied address and reads the reply: the rules name TCP and
 * UDP only, ICMP matches none of them, and default = allow decides.
 */
VM_TEST(a8_ping_socket_reaches_a_denied_address, 280)
{
	static const uid_t uids[] = {0, USER};
	long mark;

	a8_setup();
	write_into("/proc/sys/net/ipv4/ping_group_range", "0 2147483647");
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		uid_t uid = uids[i];

		/* Controls: unconfined, the echo goes and comes back; confined, UDP is denied. */
		ping_expect(NULL, AF_INET, "127.0.0.2", uid, 0, 0, "ping sendto");
		ping_expect(NULL, AF_INET6, "::1", uid, 0, 0, "ping6 sendto");
		ping_expect(A8, AF_INET, "127.0.0.2", uid, 2, EPERM, "UDP sendto");
		ping_expect(A8, AF_INET6, "::1", uid, 2, EPERM, "UDP6 sendto");
		/* The attack. */
		mark = event_mark();
		ping_expect(A8, AF_INET, "127.0.0.2", uid, 0, EPERM, "ping sendto");
		EXPECT_EVENT_AFTER(mark, "\"hook\":\"socket_sendmsg\"", "\"policy\":\"a8\"",
				   "\"address\":\"127.0.0.2\"", "\"protocol\":\"other\"",
				   "\"ip_protocol\":1", "\"event\":\"deny\"", UID_FIELD(uid));
		mark = event_mark();
		ping_expect(A8, AF_INET6, "::1", uid, 1, EPERM, "ping6 connect+send");
		EXPECT_EVENT_AFTER(mark, "\"hook\":\"socket_connect\"", "\"address\":\"::1\"",
				   "\"protocol\":\"other\"", "\"ip_protocol\":58");
		ping_expect(A8, AF_INET, "127.0.0.2", uid, 1, EPERM, "ping connect+send");
		ping_expect(A8, AF_INET6, "::1", uid, 0, EPERM, "ping6 sendto");
		ping_expect(A8, AF_INET6, "::1", uid, 1, EPERM, "ping6 connect+send");
	}
}

/* ---- listen: MPTCP and an empty abstract name ---- */

struct bind_arg {
	int kind; /* 0: MPTCP 127.0.0.1:7777, 1: abstract name of length 0, 2: TCP 127.0.0.1:7777 */
	uid_t uid;
};

static int do_bind(const void *p)
{
	const struct bind_arg *a = p;
	int fd, ret;

	if ((ret = become(a->uid)))
		return ret;
	if (a->kind == 1) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};

		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return 2000 + errno;
		/* sun_path[0] = NUL and nothing after it: the abstract name "" (not an autobind) */
		ret = bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t) + 1) ? errno : 0;
		if (!ret)
			ret = listen(fd, 1) ? errno : 0;
		close(fd);
		return ret;
	}
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7777),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	fd = socket(AF_INET, SOCK_STREAM, a->kind == 0 ? IPPROTO_MPTCP : 0);
	if (fd < 0)
		return 2000 + errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	ret = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
	if (!ret)
		ret = listen(fd, 1) ? errno : 0;
	close(fd);
	return ret;
}

VM_TEST(a8_listen_mptcp_and_empty_abstract_name, 281)
{
	static const uid_t uids[] = {0, USER};

	a8_setup();
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		for (int kind = 0; kind < 3; kind++) {
			struct bind_arg a = {kind, uids[i]};
			int free_ = in_cgroup(NULL, do_bind, &a), got = in_cgroup(A8, do_bind, &a);

			if (free_ != 0)
				VM_FAIL("control: kind %d as uid %u unconfined: %d", kind,
					(unsigned)uids[i], free_);
			if (got != EPERM)
				VM_FAIL("kind %d (0 MPTCP, 1 abstract \"\", 2 TCP) as uid %u in " A8
					": got %d, expected EPERM",
					kind, (unsigned)uids[i], got);
		}
	}
}

/* ---- [capabilities]: checks the kernel makes without asking security_capable ---- */

enum a8_cap_op {
	A8_NICE,       /* setpriority(-20): CAP_SYS_NICE, through lsm/capable (the control) */
	A8_LOW_MMAP,   /* mmap at 0x1000 (below vm.mmap_min_addr): CAP_SYS_RAWIO */
	A8_SECUREBITS, /* prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS): CAP_SETPCAP */
	A8_CAPSET_INH, /* capset adding CAP_SYS_NICE to inheritable, not permitted: CAP_SETPCAP */
	A8_MIN_MMAP,   /* mmap at 65536, vm.mmap_min_addr itself: no capability asked */
	A8_SECUREBITS_AFTER, /* PR_SET_SECUREBITS, then the bits read back: 0 when unchanged */
	A8_CAPSET_WITHIN,    /* capset adding CAP_SETUID (permitted) to inheritable */
	A8_MMAP_BELOW_4M,    /* mmap at 0x3ff000, the last page below 4 MiB */
	A8_MMAP_PAST_4M,     /* mmap at 96 MiB (0x6000000) */
};

struct cap_arg {
	enum a8_cap_op op;
	uid_t uid; /* USER: with the capability needed, as in capabilities.c */
	int cap;
};

static int a8_user_with(int cap)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) || setgid(USER) ||
	    setuid(USER))
		return errno;
	data[cap / 32].effective = data[cap / 32].permitted = 1u << (cap % 32);
	if (syscall(SYS_capset, &header, data))
		return errno;
	return 0;
}

static int do_cap(const void *p)
{
	const struct cap_arg *a = p;
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	void *m;
	int ret;

	if (a->uid && (ret = a8_user_with(a->cap)))
		return 1000 + ret;
	switch (a->op) {
	case A8_NICE:
		return setpriority(PRIO_PROCESS, 0, -20) ? errno : 0;
	case A8_LOW_MMAP:
		m = mmap((void *)0x1000, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (m == MAP_FAILED)
			return errno;
		ret = m == (void *)0x1000 ? 0 : 3000;
		munmap(m, 4096);
		return ret;
	case A8_SECUREBITS:
		return prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0) ? errno : 0;
	case A8_SECUREBITS_AFTER:
		if (!prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0))
			return 3002;
		ret = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
		return ret ? 4000 + ret : 0;
	case A8_MIN_MMAP:
	case A8_MMAP_BELOW_4M:
	case A8_MMAP_PAST_4M: {
		void *at = (void *)(a->op == A8_MIN_MMAP	 ? 0x10000UL
				    : a->op == A8_MMAP_BELOW_4M ? 0x3ff000UL
								 : 0x6000000UL);

		m = mmap(at, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (m == MAP_FAILED)
			return errno;
		munmap(m, 4096);
		return m == at ? 0 : 3003;
	}
	case A8_CAPSET_WITHIN:
		if (syscall(SYS_capget, &header, data))
			return 1000 + errno;
		data[0].inheritable |= 1u << CAP_SETUID;
		return syscall(SYS_capset, &header, data) ? errno : 0;
	case A8_CAPSET_INH:
		if (syscall(SYS_capget, &header, data))
			return 1000 + errno;
		/* drop CAP_SYS_NICE from permitted and effective, then ask for it inheritable */
		data[0].permitted &= ~(1u << CAP_SYS_NICE);
		data[0].effective &= ~(1u << CAP_SYS_NICE);
		data[0].inheritable &= ~(1u << CAP_SYS_NICE);
		if (syscall(SYS_capset, &header, data))
			return 1000 + errno;
		data[0].inheritable |= 1u << CAP_SYS_NICE;
		return syscall(SYS_capset, &header, data) ? errno : 0;
	}
	return 3001;
}

static void cap_expect(const char *cgroup, enum a8_cap_op op, uid_t uid, int cap, int expected,
		       const char *what)
{
	struct cap_arg a = {op, uid, cap};
	int got = in_cgroup(cgroup, do_cap, &a);

	if (got != expected)
		VM_FAIL("%s as uid %u in %s: got %d, expected %d", what, (unsigned)uid,
			cgroup ? cgroup : "(no policy)", got, expected);
}

/*
 * The capability LSM asks itself (cap_capable), not security_capable, for the low mmap
 * (cap_mmap_addr: CAP_SYS_RAWIO, the classic kernel NULL-dereference primitive), for
 * securebits and for an inheritable set past the permitted one (CAP_SETPCAP): lsm/capable
 * never runs for them, whatever [capabilities] keeps.
 */
VM_TEST(a8_capabilities_low_mmap_as_root, 282)
{
	long mark;

	a8_setup();
	cap_expect(NULL, A8_NICE, 0, 0, 0, "setpriority(-20)");
	cap_expect(A8, A8_NICE, 0, 0, EACCES, "setpriority(-20)"); /* the section is in force */
	cap_expect(NULL, A8_LOW_MMAP, 0, 0, 0, "mmap at 0x1000");
	mark = event_mark();
	cap_expect(A8, A8_LOW_MMAP, 0, 0, EPERM, "mmap at 0x1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a8\"",
			   "\"hook\":\"mmap_addr\"", "\"access\":\"capability\"",
			   "\"capability\":\"CAP_SYS_RAWIO\"", "\"path\":\"CAP_SYS_RAWIO\"",
			   "\"uid\":0");
	/* a mapping at vm.mmap_min_addr itself asks for nothing */
	cap_expect(A8, A8_MIN_MMAP, 0, 0, 0, "mmap at 65536");
	/* the setting is read where the kernel keeps it: lowered by the administrator to 4096,
	 * 0x1000 asks for nothing, and lsmguard lets it be; raised to 131072, 65536 is refused */
	write_into("/proc/sys/vm/mmap_min_addr", "4096");
	cap_expect(A8, A8_LOW_MMAP, 0, 0, 0, "mmap at 0x1000 (vm.mmap_min_addr 4096)");
	write_into("/proc/sys/vm/mmap_min_addr", "131072");
	cap_expect(A8, A8_MIN_MMAP, 0, 0, EPERM, "mmap at 65536 (vm.mmap_min_addr 131072)");
	cap_expect(NULL, A8_MIN_MMAP, 0, 0, 0, "mmap at 65536 (vm.mmap_min_addr 131072)");
	/* the setting is read for addresses below 4 MiB only (bpf_lsm/capabilities.bpf.c):
	 * raised to 128 MiB, the last page below 4 MiB is refused; at 96 MiB only the kernel
	 * decides, and root has CAP_SYS_RAWIO (the gap docs/security.md states) */
	write_into("/proc/sys/vm/mmap_min_addr", "134217728");
	cap_expect(A8, A8_MMAP_BELOW_4M, 0, 0, EPERM, "mmap at 0x3ff000 (vm.mmap_min_addr 128 MiB)");
	cap_expect(NULL, A8_MMAP_BELOW_4M, 0, 0, 0, "mmap at 0x3ff000 (vm.mmap_min_addr 128 MiB)");
	cap_expect(A8, A8_MMAP_PAST_4M, 0, 0, 0, "mmap at 96 MiB (vm.mmap_min_addr 128 MiB)");
	cap_expect(NULL, A8_MMAP_PAST_4M, 0, 0, 0, "mmap at 96 MiB (vm.mmap_min_addr 128 MiB)");
	write_into("/proc/sys/vm/mmap_min_addr", "65536");
}

VM_TEST(a8_capabilities_low_mmap_as_user_with_rawio, 283)
{
	long mark;

	a8_setup();
	cap_expect(NULL, A8_LOW_MMAP, USER, 0, EPERM, "mmap at 0x1000 (no capability)");
	cap_expect(NULL, A8_LOW_MMAP, USER, CAP_SYS_RAWIO, 0, "mmap at 0x1000");
	mark = event_mark();
	cap_expect(A8, A8_LOW_MMAP, USER, CAP_SYS_RAWIO, EPERM, "mmap at 0x1000");
	EXPECT_EVENT_AFTER(mark, "\"hook\":\"mmap_addr\"", "\"capability\":\"CAP_SYS_RAWIO\"",
			   "\"path\":\"CAP_SYS_RAWIO\"", "\"uid\":1000");
	/* without the capability the kernel refused first: no event of lsmguard's */
	mark = event_mark();
	cap_expect(A8, A8_LOW_MMAP, USER, 0, EPERM, "mmap at 0x1000 (no capability)");
	if (count_events_after(mark, "\"hook\":\"mmap_addr\"") != 0)
		VM_FAIL("a refusal of the kernel's own was reported as lsmguard's");
}

VM_TEST(a8_capabilities_setpcap_securebits_and_inheritable, 284)
{
	long mark;

	a8_setup();
	cap_expect(NULL, A8_SECUREBITS, 0, 0, 0, "PR_SET_SECUREBITS");
	cap_expect(NULL, A8_CAPSET_INH, 0, 0, 0, "capset inheritable past permitted");
	cap_expect(NULL, A8_CAPSET_INH, USER, CAP_SYS_NICE, EPERM,
		   "capset inheritable past permitted (no CAP_SETPCAP)");
	mark = event_mark();
	cap_expect(A8, A8_SECUREBITS, 0, 0, EPERM, "PR_SET_SECUREBITS");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"task_prctl\"",
			   "\"capability\":\"CAP_SETPCAP\"", "\"path\":\"CAP_SETPCAP\"");
	/* refused before the capability LSM set anything: the bits are what they were */
	cap_expect(A8, A8_SECUREBITS_AFTER, 0, 0, 0, "securebits unchanged after the refusal");
	mark = event_mark();
	cap_expect(A8, A8_CAPSET_INH, 0, 0, EPERM, "capset inheritable past permitted");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capset\"",
			   "\"capability\":\"CAP_SETPCAP\"", "\"path\":\"CAP_SETPCAP\"");
	/* within the permitted set (and dropping) needs no CAP_SETPCAP: allowed */
	cap_expect(A8, A8_CAPSET_WITHIN, 0, 0, 0, "capset inheritable within permitted");
	/* a policy that keeps CAP_SETPCAP and CAP_SYS_RAWIO: as unconfined */
	a8_caps_setup();
	cap_expect(A8_KEEP, A8_SECUREBITS, 0, 0, 0, "PR_SET_SECUREBITS (kept)");
	cap_expect(A8_KEEP, A8_CAPSET_INH, 0, 0, 0, "capset inheritable past permitted (kept)");
	cap_expect(A8_KEEP, A8_LOW_MMAP, 0, 0, 0, "mmap at 0x1000 (kept)");
	/* audit mode: allowed, each use reported as audit */
	mark = event_mark();
	cap_expect(A8_AUDIT, A8_SECUREBITS, 0, 0, 0, "PR_SET_SECUREBITS (audit)");
	cap_expect(A8_AUDIT, A8_CAPSET_INH, 0, 0, 0, "capset inheritable past permitted (audit)");
	cap_expect(A8_AUDIT, A8_LOW_MMAP, 0, 0, 0, "mmap at 0x1000 (audit)");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"task_prctl\"",
			   "\"policy\":\"a8-audit\"", "\"path\":\"CAP_SETPCAP\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"capset\"",
			   "\"policy\":\"a8-audit\"", "\"path\":\"CAP_SETPCAP\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"hook\":\"mmap_addr\"",
			   "\"policy\":\"a8-audit\"", "\"path\":\"CAP_SYS_RAWIO\"");
	/* one event per use in audit mode: the backstop at lsm/task_prctl stays quiet */
	if (count_events_after(mark, "\"hook\":\"task_prctl\"") != 1)
		VM_FAIL("audit: %d task_prctl events for one PR_SET_SECUREBITS, expected 1",
			count_events_after(mark, "\"hook\":\"task_prctl\""));
	/* without CAP_SETPCAP the capability LSM refuses by itself (EPERM): lsmguard's fmod_ret
	 * runs before it and must leave that refusal to it, reporting nothing, in either mode */
	mark = event_mark();
	cap_expect(A8, A8_SECUREBITS, USER, 0, EPERM, "PR_SET_SECUREBITS (no CAP_SETPCAP)");
	cap_expect(A8_AUDIT, A8_SECUREBITS, USER, 0, EPERM,
		   "PR_SET_SECUREBITS (no CAP_SETPCAP, audit)");
	if (count_events_after(mark, "\"hook\":\"task_prctl\"") != 0)
		VM_FAIL("%d task_prctl events for the kernel's own refusals, expected 0",
			count_events_after(mark, "\"hook\":\"task_prctl\""));
}

/* ---- MAINPID=: shapes systemd 252 reads that the doc's list does not name ---- */

struct a8_notify {
	const char *format; /* one %ld: the daemon's pid */
	long pid;
	int route; /* 0: sendto; 1: connect, then splice from a pipe; 2: connect, then sendfile */
};

static int do_a8_notify(const void *p)
{
	const struct a8_notify *n = p;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char buf[256];
	int len = snprintf(buf, sizeof(buf), n->format, n->pid), fd, ret = 0;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", A8_NOTIFY);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		return 2000 + errno;
	if (n->route == 0) {
		ret = sendto(fd, buf, len, 0, (struct sockaddr *)&sun, sizeof(sun)) == len ? 0
											  : errno;
	} else if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		ret = 2100 + errno;
	} else if (n->route == 1) {
		int pfd[2];

		if (pipe(pfd) || write(pfd[1], buf, len) != len)
			ret = 2200;
		else
			ret = splice(pfd[0], NULL, fd, NULL, len, 0) == len ? 0 : errno;
	} else {
		char tmp[] = "/tmp/a8-notify-XXXXXX";
		int tf = mkstemp(tmp);

		if (tf < 0 || write(tf, buf, len) != len)
			ret = 2300;
		else
			ret = sendfile(fd, tf, &(off_t){0}, len) == len ? 0 : errno;
		unlink(tmp);
	}
	close(fd);
	return ret;
}

/* Datagrams waiting at the receiver, read and counted; those holding needle counted apart. */
static int a8_drain(int rfd, const char *needle, int *matching)
{
	char buf[512];
	ssize_t n;
	int count = 0;

	*matching = 0;
	while ((n = recv(rfd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
		buf[n] = 0;
		count++;
		if (strstr(buf, needle))
			(*matching)++;
	}
	return count;
}

VM_TEST(a8_mainpid_plus_sign_and_splice, 285)
{
	static const struct {
		const char *format;
		int route;
	} tries[] = {
	    {"MAINPID=+%ld", 0},	    /* strtoul takes the sign */
	    {"MAINPID=\\%ld", 0},	    /* the escape goes before the digits */
	    {"READY=1\nMAINPID=%ld", 1}, /* splice from a pipe into a connected socket */
	    {"READY=1\nMAINPID=%ld", 2}, /* sendfile into a connected socket */
	};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	pid_t daemon;
	int rfd, got, arrived, matching;
	char needle[32];

	a8_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 0);
	mkdir(A8_NOTIFY_DIR, 0755);
	unlink(A8_NOTIFY);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", A8_NOTIFY);
	rfd = socket(AF_UNIX, SOCK_DGRAM, 0);
	VM_CHECK(rfd >= 0);
	VM_CHECK(bind(rfd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	chmod(A8_NOTIFY, 0666);
	snprintf(needle, sizeof(needle), "%ld", (long)daemon);
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		struct a8_notify n = {tries[i].format, daemon, tries[i].route};

		/* Control: unconfined, it arrives. */
		a8_drain(rfd, needle, &matching);
		got = in_cgroup(NULL, do_a8_notify, &n);
		arrived = a8_drain(rfd, needle, &matching);
		if (got != 0 || matching != 1)
			VM_FAIL("control: \"%s\" route %d unconfined: %d, %d arrived", n.format,
				n.route, got, matching);
		got = in_cgroup(A8, do_a8_notify, &n);
		arrived = a8_drain(rfd, needle, &matching);
		if (got != EPERM || arrived != 0)
			VM_FAIL("\"%s\" route %d from " A8 ": got %d (expected EPERM), %d arrived",
				n.format, n.route, got, arrived);
	}
	close(rfd);
	unlink(A8_NOTIFY);
}

/* ---- SIGIO: the owner is the task's own process group, which it leads ---- */

#define A8_OTHER "/lgt/a8-other"
static const char a8_other_policy[] = "[policy]\nname = a8-other\ncgroup = " A8_OTHER
				      "\nmode = enforce\n[files]\ndefault = allow\n"
				      "[exec]\ndefault = allow\n[network]\ndefault = allow\n";

struct a8_group_report {
	int kill_errno;	 /* kill(v_other, SIGTERM) from the confined leader: EPERM expected */
	int setown;	 /* fcntl(F_SETOWN, -own pgrp): 0 */
	int alive_free;	 /* the unconfined member alive after the I/O */
	int alive_other; /* the other policy's member alive after the I/O */
};

static void a8_sleep_forever(void)
{
	signal(SIGTERM, SIG_DFL);
	for (;;)
		pause();
}

/*
 * The leader (C) of a process group whose other members are a process under no policy (V1) and
 * one under policy a8-other (V2): as an administrator's pipeline started through a confining
 * wrapper leaves them (`lsmguard exec a8 cmd1 | lsmguard exec a8-other cmd2`, or `| tee`: job
 * control puts a pipeline in the group its first process leads). C, under a8 (no
 * signal-others), names its own process group as a pipe's owner (allowed: its own group),
 * F_SETSIG SIGTERM, O_ASYNC, and writes: each member of another policy or none must be spared,
 * as kill() spares it.
 */
/* how: 0 F_SETOWN -pgrp on a pipe; 1 F_SETOWN_EX F_OWNER_PGRP on a pipe; 2 FIOSETOWN -pgrp on a
 * socketpair. */
static void a8_group_run(const char *cgroup, uid_t uid, int how, struct a8_group_report *rep)
{
	int sync[2], rep_pipe[2];
	pid_t c, v[2] = {0, 0};
	char go = 0;

	memset(rep, 0, sizeof(*rep));
	VM_CHECK(pipe(sync) == 0 && pipe(rep_pipe) == 0);
	c = fork();
	VM_CHECK(c >= 0);
	if (c == 0) {
		struct a8_group_report r = {0};
		int io[2];

		close(sync[1]);
		close(rep_pipe[0]);
		signal(SIGTERM, SIG_IGN);
		if (setpgid(0, 0) || become(uid))
			_exit(1);
		for (int i = 0; i < 2; i++) {
			v[i] = fork();
			if (v[i] == 0)
				a8_sleep_forever();
		}
		if (write(rep_pipe[1], v, sizeof(v)) != sizeof(v))
			_exit(2);
		if (read(sync[0], &go, 1) != 1)
			_exit(3);
		r.kill_errno = kill(v[1], SIGTERM) ? errno : 0;
		if (how == 2 ? socketpair(AF_UNIX, SOCK_STREAM, 0, io) : pipe(io))
			_exit(4);
		if (how == 0) {
			r.setown = fcntl(io[0], F_SETOWN, -getpgrp()) ? errno : 0;
		} else if (how == 1) {
			struct f_owner_ex ex = {F_OWNER_PGRP, getpgrp()};

			r.setown = fcntl(io[0], F_SETOWN_EX, &ex) ? errno : 0;
		} else {
			int who = -getpgrp();

			r.setown = ioctl(io[0], FIOSETOWN, &who) ? errno : 0;
		}
		fcntl(io[0], F_SETSIG, SIGTERM);
		fcntl(io[0], F_SETFL, fcntl(io[0], F_GETFL) | O_ASYNC);
		if (write(io[1], "x", 1) != 1)
			_exit(5);
		usleep(300 * 1000);
		r.alive_free = waitpid(v[0], NULL, WNOHANG) == 0;
		r.alive_other = waitpid(v[1], NULL, WNOHANG) == 0;
		_exit(write(rep_pipe[1], &r, sizeof(r)) == sizeof(r) ? 0 : 6);
	}
	close(sync[0]);
	close(rep_pipe[1]);
	VM_CHECK(read(rep_pipe[0], v, sizeof(v)) == sizeof(v));
	VM_CHECK(move_into_cgroup(A8_OTHER, v[1]));
	if (cgroup)
		VM_CHECK(move_into_cgroup(cgroup, c));
	VM_CHECK(write(sync[1], &go, 1) == 1);
	VM_CHECK(read(rep_pipe[0], rep, sizeof(*rep)) == sizeof(*rep));
	waitpid(c, NULL, 0);
	kill(v[0], SIGKILL);
	kill(v[1], SIGKILL);
	close(sync[1]);
	close(rep_pipe[0]);
}

VM_TEST(a8_sigio_owner_own_group_as_leader_reaches_others, 286)
{
	static const uid_t uids[] = {0, USER};
	struct a8_group_report rep;

	a8_setup();
	if (access(POLICY_DIR "/a8-other.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a8-other.ini", a8_other_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A8_OTHER);
	for (size_t k = 0; k < 2 * 3; k++) {
		size_t i = k / 3;
		int how = (int)(k % 3);
		unsigned u = (unsigned)uids[i];

		/* Control: the leader under no policy kills both members. */
		a8_group_run(NULL, uids[i], how, &rep);
		if (rep.kill_errno || rep.setown || rep.alive_free || rep.alive_other)
			VM_FAIL("control as uid %u: kill %d, F_SETOWN %d, alive: free %d, other %d",
				u, rep.kill_errno, rep.setown, rep.alive_free, rep.alive_other);
		a8_group_run(A8, uids[i], how, &rep);
		if (rep.kill_errno != EPERM)
			VM_FAIL("kill() of the other policy's member from " A8
				" as uid %u: %d, expected EPERM",
				u, rep.kill_errno);
		if (rep.setown)
			VM_FAIL("F_SETOWN of its own process group from " A8 " as uid %u: %d", u,
				rep.setown);
		if (!rep.alive_other)
			VM_FAIL("SIGIO (F_SETSIG SIGTERM) to its own group from " A8
				" as uid %u (setter %d) killed the member under policy a8-other",
				u, how);
		if (!rep.alive_free)
			VM_FAIL("SIGIO (F_SETSIG SIGTERM) to its own group from " A8
				" as uid %u (setter %d) killed the member under no policy",
				u, how);
	}
}

/* ---- MPTCP: subflows the kernel's path manager opens to addresses the peer announces ---- */

#include <linux/mptcp.h>

#include "mptcp.h"

#define A8_MPTCP_PORT 7400 /* 0x1CE8 */
#define A8_DENY "/lgt/a8-deny"
/* A policy that reaches one destination only, and names no sockets (implied: unix inet inet6
 * netlink). */
static const char a8_deny_policy[] = "[policy]\nname = a8-deny\ncgroup = " A8_DENY
				     "\nmode = enforce\n[files]\ndefault = allow\n"
				     "[exec]\ndefault = allow\n[network]\ndefault = deny\n"
				     "allow = 127.0.0.1 tcp 7400\n";
/* The same in audit mode: the subflow is made, and reported. */
#define A8_NAUDIT "/lgt/a8-naudit"
static const char a8_naudit_policy[] = "[policy]\nname = a8-naudit\ncgroup = " A8_NAUDIT
				       "\nmode = audit\n[files]\ndefault = allow\n"
				       "[exec]\ndefault = allow\n[network]\ndefault = deny\n"
				       "allow = 127.0.0.1 tcp 7400\n";

/* An MPTCP client of 127.0.0.1:7400 (allowed): vm_mptcp_use, or 1000 + errno. */
static int do_mptcp_client(const void *p)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);

	(void)p;
	if (fd < 0)
		return 1000 + errno;
	return vm_mptcp_use(fd);
}

/*
 * deny = 127.0.0.2 (a8). The host's MPTCP path manager accepts addresses a server announces
 * (ip mptcp limits set add_addr_accepted 2; the server announces 127.0.0.2 with a signal
 * endpoint, as a multi-homed server does). A confined client connects to 127.0.0.1, which its
 * policy allows: the kernel then opens a subflow to the announced 127.0.0.2 for it (a kernel
 * socket, connected by a worker: no socket_connect), and the client's bytes may travel there.
 */
VM_TEST(a8_mptcp_subflow_to_an_announced_denied_address, 287)
{
	pid_t server;
	int ret, free_, got, got_deny, got_audit;
	long mark;

	a8_setup();
	if (access(POLICY_DIR "/a8-deny.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a8-deny.ini", a8_deny_policy, 0644);
		write_file(POLICY_DIR "/a8-naudit.ini", a8_naudit_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A8_DENY);
	make_cgroup(A8_NAUDIT);
	ret = vm_mptcp_pm_announce(false);
	if (ret == ENOENT)
		VM_SKIP("no mptcp_pm generic netlink family");
	VM_CHECK(ret == 0);
	server = vm_mptcp_server(NULL, A8_MPTCP_PORT);
	VM_CHECK(server > 0);
	free_ = in_cgroup(NULL, do_mptcp_client, NULL);
	vm_mptcp_settle();
	mark = event_mark();
	got = in_cgroup(A8, do_mptcp_client, NULL);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a8\"",
			   "\"hook\":\"mptcp_subflow\"", "\"access\":\"connect\"",
			   "\"address\":\"127.0.0.2\"", "\"port\":7400", "\"protocol\":\"tcp\"");
	vm_mptcp_settle();
	mark = event_mark();
	got_deny = in_cgroup(A8_DENY, do_mptcp_client, NULL);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a8-deny\"",
			   "\"hook\":\"mptcp_subflow\"", "\"address\":\"127.0.0.2\"",
			   "\"port\":7400");
	vm_mptcp_settle();
	mark = event_mark();
	got_audit = in_cgroup(A8_NAUDIT, do_mptcp_client, NULL);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"a8-naudit\"",
			   "\"hook\":\"mptcp_subflow\"", "\"address\":\"127.0.0.2\"",
			   "\"port\":7400");
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	vm_mptcp_pm_announce(true);
	printf("# unconfined client: %d, confined clients: a8 %d, a8-deny %d, a8-naudit %d "
	       "(connections to 127.0.0.2:7400 x100 + subflows)\n",
	       free_, got, got_deny, got_audit);
	if (got_audit < 100 || got_audit >= 1000)
		VM_FAIL("audit mode: the subflow to 127.0.0.2 was not made: %d", got_audit);
	if (free_ < 100 || free_ % 100 == 0)
		VM_FAIL("control: the unconfined client got no subflow to 127.0.0.2: %d", free_);
	if (got >= 1000)
		VM_FAIL("the confined client failed: %d", got);
	else if (got >= 100 || got % 100)
		VM_FAIL("the confined client (deny = 127.0.0.2) has %d connection(s) to "
			"127.0.0.2:7400 through its MPTCP subflows (%d)",
			got / 100, got);
	if (got_deny >= 1000)
		VM_FAIL("the confined client under a8-deny failed: %d", got_deny);
	else if (got_deny >= 100 || got_deny % 100)
		VM_FAIL("the confined client under a8-deny (default = deny, allow = 127.0.0.1 tcp "
			"7400) has %d connection(s) to 127.0.0.2:7400 through its MPTCP subflows (%d)",
			got_deny / 100, got_deny);
}

/* ---- abstract names: a listener on an autobound name under deny-listen = @* ---- */

struct a8_autobind {
	uid_t uid;
	int report; /* write end: the autobound name's length and bytes */
	int go;	    /* read end: the parent has connected (or given up) */
};

/* Autobind (bind with sun_family alone), listen, tell the parent the name, accept once. 0 when
 * a connection was accepted; the errno of bind or listen; 3000 when none came. */
static int do_autobind_listen(const void *p)
{
	const struct a8_autobind *a = p;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t len = sizeof(sa_family_t);
	int fd, ret, c;
	char done;

	if ((ret = become(a->uid)))
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return 2000 + errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t)))
		ret = errno;
	else if (listen(fd, 1))
		ret = errno;
	len = sizeof(sun);
	if (!ret && getsockname(fd, (struct sockaddr *)&sun, &len))
		ret = 2100 + errno;
	if (ret)
		len = 0;
	if (write(a->report, &len, sizeof(len)) != sizeof(len) ||
	    (len && write(a->report, &sun, len) != (ssize_t)len))
		return 2200;
	if (ret)
		return ret;
	if (read(a->go, &done, 1) != 1)
		return 2300;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	c = accept(fd, NULL, NULL);
	ret = c >= 0 ? 0 : 3000;
	if (c >= 0)
		close(c);
	close(fd);
	return ret;
}

/* A confined listener on an autobound abstract name; an outside client finds the name (here from
 * getsockname; anyone can read it in /proc/net/unix) and connects. Returns the listener's
 * result; *connected whether the client's connect succeeded. */
static int a8_autobind_try(const char *cgroup, uid_t uid, bool *connected)
{
	int rep[2], go[2], result = OP_NO_RESULT;
	struct a8_autobind a = {uid, 0, 0};
	struct sockaddr_un sun;
	socklen_t len = 0;
	pid_t pid;

	*connected = false;
	VM_CHECK(pipe(rep) == 0 && pipe(go) == 0);
	a.report = rep[1];
	a.go = go[0];
	pid = fork();
	VM_CHECK(pid >= 0);
	if (pid == 0) {
		close(rep[0]);
		close(go[1]);
		_exit(in_cgroup(cgroup, do_autobind_listen, &a) & 0xff ? 1 : 0);
	}
	close(rep[1]);
	close(go[0]);
	if (read(rep[0], &len, sizeof(len)) == sizeof(len) && len > sizeof(sa_family_t) &&
	    len <= sizeof(sun) && read(rep[0], &sun, len) == (ssize_t)len) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		*connected = fd >= 0 && connect(fd, (struct sockaddr *)&sun, len) == 0;
		if (fd >= 0)
			close(fd);
		/* Only a listener that reported its name waits for this: one whose bind or
		 * listen was refused may be gone, and a write to its pipe would be SIGPIPE (CI
		 * saw the suite killed so once). */
		if (write(go[1], "g", 1) != 1)
			*connected = false;
	}
	close(go[1]);
	close(rep[0]);
	waitpid(pid, NULL, 0);
	result = *connected ? 0 : -1;
	return result;
}

/*
 * deny-listen = @* (a8): no abstract server. listen() on an ephemeral TCP port is decided (a
 * backdoor there needs a rule, docs/policy.md); listen() on an autobound abstract name is not,
 * and its name is public (/proc/net/unix): the confined service serves anyone who looks.
 */
VM_TEST(a8_abstract_autobind_listener_is_a_backdoor, 288)
{
	static const uid_t uids[] = {0, USER};
	bool connected;

	a8_setup();
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		a8_autobind_try(NULL, uids[i], &connected);
		if (!connected)
			VM_FAIL("control: no connection to an unconfined autobound listener (uid %u)",
				(unsigned)uids[i]);
		a8_autobind_try(A8, uids[i], &connected);
		if (connected)
			VM_FAIL("an outside client connected to the autobound abstract listener of "
				A8 " (deny-listen = @*) as uid %u: bind and listen() allowed",
				(unsigned)uids[i]);
	}
}
