// SPDX-License-Identifier: GPL-2.0-only
/*
 * [capabilities] (issue 13; attack run 7 findings 271 and 273, attack run 6 finding 256): a
 * confined service keeps the capabilities its policy lists and no other. Three policies allow
 * every file, program and address, so that only the capability decision stands in the way:
 * caps (enforce) and caps-audit (audit) keep CAP_NET_BIND_SERVICE, CAP_SETUID and CAP_SETGID;
 * caps-userns (enforce) keeps CAP_SETUID and CAP_SETGID (the cases' own setuid to 1000) and
 * says [system] userns = allow. Each use is tried as root
 * and as uid 1000 given the capability (its effective set, and the ambient set across an exec),
 * with an unconfined control that shows the route works.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define CAPS "/lgt/caps"
#define CAPS_AUDIT "/lgt/caps-audit"
#define CAPS_USERNS "/lgt/caps-userns"
#define USER 1000
#define CHOWN_FILE "/data/caps-chown"

#define CAPS_RULES                                                                                 \
	"[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
#define CAPS_KEEP "[capabilities]\nkeep = CAP_NET_BIND_SERVICE, setuid, setgid\n"
static const char caps_policy[] =
    "[policy]\nname = caps\ncgroup = " CAPS "\nmode = enforce\n" CAPS_RULES CAPS_KEEP;
static const char caps_audit_policy[] =
    "[policy]\nname = caps-audit\ncgroup = " CAPS_AUDIT "\nmode = audit\n" CAPS_RULES CAPS_KEEP;
static const char caps_userns_policy[] = "[policy]\nname = caps-userns\ncgroup = " CAPS_USERNS
					 "\nmode = enforce\n" CAPS_RULES
					 "[system]\nuserns = allow\n[capabilities]\n"
					 "keep = setuid, setgid\n";

static void caps_setup(void)
{
	/* These cases run after unload_ends_enforcement (199): start a daemon again if none. */
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/caps.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/caps.ini", caps_policy, 0644);
		write_file(POLICY_DIR "/caps-audit.ini", caps_audit_policy, 0644);
		write_file(POLICY_DIR "/caps-userns.ini", caps_userns_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
}

enum caps_op {
	CAPS_NICE,	  /* setpriority(PRIO_PROCESS, 0, -20): CAP_SYS_NICE (finding 271) */
	CAPS_FIFO,	  /* sched_setscheduler(SCHED_FIFO 99): CAP_SYS_NICE (finding 256) */
	CAPS_OOM,	  /* oom_score_adj = -1000: CAP_SYS_RESOURCE (finding 273) */
	CAPS_CHOWN,	  /* chown of a root file to uid 1000: CAP_CHOWN */
	CAPS_BIND,	  /* bind to 127.0.0.1:80: CAP_NET_BIND_SERVICE (kept) */
	CAPS_SECCOMP,	  /* a seccomp filter without no_new_privs: a CAP_SYS_ADMIN probe */
	CAPS_OOM_EXEC,	  /* the same write by /bin/sh, exec'd with the capability ambient */
	CAPS_USERNS_UTS,  /* unshare(CLONE_NEWUSER | CLONE_NEWUTS), sethostname inside */
	CAPS_SNDBUFFORCE, /* SO_SNDBUFFORCE: CAP_NET_ADMIN, tried first by libsystemd's sd_notify */
	CAPS_SO_MARK,	  /* SO_MARK: CAP_NET_ADMIN (routing by mark) */
	CAPS_RTNL_ADDR,	  /* rtnetlink RTM_NEWADDR 10.99.0.1/32 on lo: CAP_NET_ADMIN (finding 251) */
	CAPS_RTNL_DEL,	  /* RTM_DELADDR of it (the controls' cleanup) */
	CAPS_IFFLAGS,	  /* SIOCSIFFLAGS of lo with its own flags: CAP_NET_ADMIN (finding 251) */
	CAPS_AUDIT_SET,	  /* NETLINK_AUDIT AUDIT_SET, nothing in its mask: CAP_AUDIT_CONTROL (252) */
};

struct caps_arg {
	enum caps_op op;
	uid_t uid;  /* 0, or USER: setuid with the capability below kept effective (and ambient) */
	int cap;    /* the capability uid USER keeps */
};

/* Become uid USER keeping cap effective, permitted, inheritable and ambient. 0 or an errno. */
static int become_user_with(int cap)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgid(USER) || setuid(USER))
		return errno;
	/* a changed uid leaves the task undumpable: its /proc/self files root's */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return errno;
	data[cap / 32].effective = data[cap / 32].permitted = data[cap / 32].inheritable =
	    1u << (cap % 32);
	if (syscall(SYS_capset, &header, data))
		return errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
		return errno;
	return 0;
}

/* One netlink request of protocol proto with NLM_F_ACK: 0 or the errno its ack carries. */
static int netlink_ack(int proto, unsigned short type, unsigned short flags, const void *body,
		       size_t len)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char buf[512] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto), ret = EIO;
	ssize_t n;

	if (fd < 0)
		return 1000 + errno;
	memset(buf, 0, sizeof(buf));
	h->nlmsg_len = NLMSG_LENGTH(len);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = 1;
	memcpy(NLMSG_DATA(h), body, len);
	if (sendto(fd, buf, h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		ret = 2000 + errno;
		goto out;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) >= (ssize_t)NLMSG_HDRLEN) {
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				ret = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
				goto out;
			}
		}
	}
out:
	close(fd);
	return ret;
}

/* RTM_NEWADDR (or DELADDR) of 10.99.0.1/32 on lo: an address the host never had. */
static int rtnl_lo_address(bool add)
{
	struct {
		struct ifaddrmsg ifa;
		struct rtattr local;
		struct in_addr addr;
	} req = {
	    .ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 32, .ifa_index = 1},
	    .local = {.rta_len = RTA_LENGTH(sizeof(struct in_addr)), .rta_type = IFA_LOCAL},
	    .addr = {htonl(0x0a630001)},
	};

	return netlink_ack(NETLINK_ROUTE, add ? RTM_NEWADDR : RTM_DELADDR,
			   add ? NLM_F_CREATE | NLM_F_EXCL : 0, &req, sizeof(req));
}

static int caps_do(const void *p)
{
	const struct caps_arg *a = p;
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(80),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {.len = 1, .filter = &allow};
	struct sched_param param = {.sched_priority = 99};
	int fd, ret;

	if (a->uid && (ret = become_user_with(a->cap)))
		return 1000 + ret; /* not an errno a case expects */
	switch (a->op) {
	case CAPS_NICE:
		return setpriority(PRIO_PROCESS, 0, -20) ? errno : 0;
	case CAPS_FIFO:
		return sched_setscheduler(0, SCHED_FIFO, &param) ? errno : 0;
	case CAPS_OOM:
		fd = open("/proc/self/oom_score_adj", O_WRONLY);
		if (fd < 0)
			return 1000 + errno;
		ret = write(fd, "-1000", 5) == 5 ? 0 : errno;
		close(fd);
		return ret;
	case CAPS_CHOWN:
		return chown(CHOWN_FILE, USER, USER) ? errno : 0;
	case CAPS_BIND:
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return 1000 + errno;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
		ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ? errno : 0;
		close(fd);
		return ret;
	case CAPS_SECCOMP:
		return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) ? errno : 0;
	case CAPS_OOM_EXEC: {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return 1000 + errno;
		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", "echo -1000 > /proc/self/oom_score_adj", NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return 1000;
		return WEXITSTATUS(status) ? EACCES : 0; /* sh says only that the write failed */
	}
	case CAPS_SNDBUFFORCE:
	case CAPS_SO_MARK:
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd < 0)
			return 1000 + errno;
		ret = setsockopt(fd, SOL_SOCKET, a->op == CAPS_SO_MARK ? SO_MARK : SO_SNDBUFFORCE,
				 &(int){1 << 20}, sizeof(int))
			  ? errno
			  : 0;
		close(fd);
		return ret;
	case CAPS_USERNS_UTS:
		if (unshare(CLONE_NEWUSER | CLONE_NEWUTS))
			return errno;
		return sethostname("caps-ns", 7) ? errno : 0;
	case CAPS_RTNL_ADDR:
	case CAPS_RTNL_DEL:
		return rtnl_lo_address(a->op == CAPS_RTNL_ADDR);
	case CAPS_IFFLAGS: {
		struct ifreq ifr = {.ifr_name = "lo"};

		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return 1000 + errno;
		if (ioctl(fd, SIOCGIFFLAGS, &ifr))
			ret = 1000 + errno;
		else
			ret = ioctl(fd, SIOCSIFFLAGS, &ifr) ? errno : 0;
		close(fd);
		return ret;
	}
	case CAPS_AUDIT_SET: {
		struct audit_status status = {.mask = 0};

		return netlink_ack(NETLINK_AUDIT, AUDIT_SET, 0, &status, sizeof(status));
	}
	}
	return 1000;
}

static void caps_expect(const char *cgroup, enum caps_op op, uid_t uid, int cap, int expected,
			const char *what)
{
	struct caps_arg a = {.op = op, .uid = uid, .cap = cap};
	int got = in_cgroup(cgroup, caps_do, &a);

	if (got != expected)
		VM_FAIL("%s as uid %u in %s: got %d, expected %d", what, (unsigned)uid,
			cgroup ? cgroup : "(no policy)", got, expected);
}

#define CAPS_EVENT(event, policy, cap)                                                             \
	"\"event\":\"" event "\"", "\"policy\":\"" policy "\"", "\"hook\":\"capable\"",          \
	    "\"access\":\"capability\"", "\"capability\":\"" cap "\"", "\"path\":\"" cap "\""

/* Findings 271, 256, 273 and a CAP_CHOWN use: refused to root unless kept; a kept one passes. */
VM_TEST(capabilities_not_kept_are_refused_to_root, 223)
{
	const char *source;
	long mark;
	long long denied;

	caps_setup();
	write_file(CHOWN_FILE, "x", 0644);
	source = source_of("caps.ini", "[capabilities]");
	denied = policy_counter("caps", "capable", "denied");
	mark = event_mark();
	/* Controls: outside any policy root has every one of them. */
	caps_expect(NULL, CAPS_NICE, 0, 0, 0, "setpriority(-20)");
	caps_expect(NULL, CAPS_FIFO, 0, 0, 0, "SCHED_FIFO 99");
	caps_expect(NULL, CAPS_OOM, 0, 0, 0, "oom_score_adj -1000");
	caps_expect(NULL, CAPS_CHOWN, 0, 0, 0, "chown to uid 1000");
	VM_CHECK(chown(CHOWN_FILE, 0, 0) == 0);
	caps_expect(NULL, CAPS_BIND, 0, 0, 0, "bind to port 80");
	/* Confined: the kernel's own answer for a task without the capability. */
	caps_expect(CAPS, CAPS_NICE, 0, 0, EACCES, "setpriority(-20)");
	caps_expect(CAPS, CAPS_FIFO, 0, 0, EPERM, "SCHED_FIFO 99");
	caps_expect(CAPS, CAPS_OOM, 0, 0, EACCES, "oom_score_adj -1000");
	caps_expect(CAPS, CAPS_CHOWN, 0, 0, EPERM, "chown to uid 1000");
	caps_expect(CAPS, CAPS_BIND, 0, 0, 0, "bind to port 80 (CAP_NET_BIND_SERVICE kept)");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_SYS_NICE"), "\"uid\":0", source,
			   "\"rule_action\":\"deny\"", "\"rule_object\":\"capabilities not kept\"");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_SYS_RESOURCE"), "\"uid\":0",
			   source);
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_CHOWN"), "\"uid\":0", source);
	VM_CHECK(count_events_after(mark, "\"capability\":\"CAP_NET_BIND_SERVICE\"") == 0);
	VM_CHECK(policy_counter("caps", "capable", "denied") >= denied + 4);
	print_events_after(mark, "\"policy\":\"caps\"");
	unlink(CHOWN_FILE);
}

/* uid 1000 given a capability (effective, and ambient across an exec): the same decision. */
VM_TEST(capabilities_not_kept_are_refused_to_a_user_with_them, 224)
{
	long mark;

	caps_setup();
	mark = event_mark();
	/* Without the capability the kernel refuses, confined or not: this hook never runs. */
	caps_expect(NULL, CAPS_NICE, USER, CAP_CHOWN, EACCES, "setpriority(-20) without it");
	/* Controls: uid 1000 with the capability, unconfined. */
	caps_expect(NULL, CAPS_NICE, USER, CAP_SYS_NICE, 0, "setpriority(-20)");
	caps_expect(NULL, CAPS_OOM, USER, CAP_SYS_RESOURCE, 0, "oom_score_adj -1000");
	caps_expect(NULL, CAPS_OOM_EXEC, USER, CAP_SYS_RESOURCE, 0,
		    "oom_score_adj -1000 by sh, ambient");
	caps_expect(NULL, CAPS_BIND, USER, CAP_NET_BIND_SERVICE, 0, "bind to port 80");
	/* Confined. */
	caps_expect(CAPS, CAPS_NICE, USER, CAP_SYS_NICE, EACCES, "setpriority(-20)");
	caps_expect(CAPS, CAPS_OOM, USER, CAP_SYS_RESOURCE, EACCES, "oom_score_adj -1000");
	caps_expect(CAPS, CAPS_OOM_EXEC, USER, CAP_SYS_RESOURCE, EACCES,
		    "oom_score_adj -1000 by sh, ambient");
	caps_expect(CAPS, CAPS_BIND, USER, CAP_NET_BIND_SERVICE, 0, "bind to port 80 (kept)");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_SYS_NICE"), "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_SYS_RESOURCE"), "\"uid\":1000",
			   "\"comm\":\"sh\"");
	VM_CHECK(count_events_after(mark, "\"capability\":\"CAP_NET_BIND_SERVICE\"") == 0);
}

/* Audit mode: every use goes through and is reported as it would have been refused. */
VM_TEST(capabilities_audit_mode_logs_and_allows, 225)
{
	long long audited;
	long mark;

	caps_setup();
	write_file(CHOWN_FILE, "x", 0644);
	audited = policy_counter("caps-audit", "capable", "audited");
	mark = event_mark();
	caps_expect(CAPS_AUDIT, CAPS_NICE, 0, 0, 0, "setpriority(-20)");
	caps_expect(CAPS_AUDIT, CAPS_OOM, 0, 0, 0, "oom_score_adj -1000");
	caps_expect(CAPS_AUDIT, CAPS_CHOWN, 0, 0, 0, "chown to uid 1000");
	caps_expect(CAPS_AUDIT, CAPS_NICE, USER, CAP_SYS_NICE, 0, "setpriority(-20)");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("audit", "caps-audit", "CAP_SYS_NICE"), "\"uid\":0",
			   source_of("caps-audit.ini", "[capabilities]"));
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("audit", "caps-audit", "CAP_SYS_NICE"), "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("audit", "caps-audit", "CAP_SYS_RESOURCE"));
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("audit", "caps-audit", "CAP_CHOWN"));
	VM_CHECK(count_events_after(mark, "\"event\":\"deny\"") == 0);
	VM_CHECK(policy_counter("caps-audit", "capable", "audited") >= audited + 4);
	unlink(CHOWN_FILE);
}

/*
 * A probe (CAP_OPT_NOAUDIT): seccomp asks for CAP_SYS_ADMIN without no_new_privs with
 * ns_capable_noaudit. Refused (EACCES, the kernel's answer without it), counted, no event; in
 * audit mode allowed, counted, no event. The same for SO_SNDBUFFORCE's CAP_NET_ADMIN, which
 * libsystemd tries at every sd_notify; SO_MARK's is reported.
 */
VM_TEST(capabilities_probes_are_refused_without_events, 226)
{
	long long denied, audited;
	long mark;

	caps_setup();
	denied = policy_counter("caps", "capable", "denied");
	audited = policy_counter("caps-audit", "capable", "audited");
	mark = event_mark();
	caps_expect(NULL, CAPS_SECCOMP, 0, 0, 0, "a seccomp filter without no_new_privs");
	caps_expect(CAPS, CAPS_SECCOMP, 0, 0, EACCES, "a seccomp filter without no_new_privs");
	caps_expect(CAPS_AUDIT, CAPS_SECCOMP, 0, 0, 0, "a seccomp filter without no_new_privs");
	VM_CHECK(policy_counter("caps", "capable", "denied") == denied + 1);
	/* audit mode lets the filter in; the kernel may probe again after it (counted alike) */
	VM_CHECK(policy_counter("caps-audit", "capable", "audited") > audited);
	printf("#   probes counted: %lld refused, %lld audited\n",
	       policy_counter("caps", "capable", "denied") - denied,
	       policy_counter("caps-audit", "capable", "audited") - audited);
	/* SO_SNDBUFFORCE's CAP_NET_ADMIN: refused, no event; SO_MARK's: refused and reported */
	caps_expect(NULL, CAPS_SNDBUFFORCE, 0, 0, 0, "SO_SNDBUFFORCE");
	caps_expect(CAPS, CAPS_SNDBUFFORCE, 0, 0, EPERM, "SO_SNDBUFFORCE");
	VM_CHECK(policy_counter("caps", "capable", "denied") == denied + 2);
	caps_expect(NULL, CAPS_SO_MARK, 0, 0, 0, "SO_MARK");
	caps_expect(CAPS, CAPS_SO_MARK, 0, 0, EPERM, "SO_MARK");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_NET_ADMIN"));
	VM_CHECK(count_events_after(mark, "\"capability\":\"CAP_NET_ADMIN\"") == 1);
	/* a later event proves the log is current: no CAP_SYS_ADMIN line came before it */
	caps_expect(CAPS, CAPS_NICE, 0, 0, EACCES, "setpriority(-20)");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_SYS_NICE"));
	VM_CHECK(count_events_after(mark, "\"capability\":\"CAP_SYS_ADMIN\"") == 0);
}

/*
 * User namespaces under [system] userns = allow: what the kernel grants the namespace's owner
 * (CAP_SYS_ADMIN for the new UTS namespace, then inside it) is not decided, for root and for
 * uid 1000; the capabilities held in the host's namespace still are.
 */
VM_TEST(capabilities_in_own_user_namespace_are_the_kernels, 227)
{
	long mark;

	caps_setup();
	mark = event_mark();
	caps_expect(NULL, CAPS_USERNS_UTS, 0, 0, 0, "a user and UTS namespace, sethostname");
	caps_expect(CAPS_USERNS, CAPS_USERNS_UTS, 0, 0, 0, "a user and UTS namespace, sethostname");
	caps_expect(CAPS_USERNS, CAPS_USERNS_UTS, USER, CAP_CHOWN, 0,
		    "a user and UTS namespace, sethostname");
	caps_expect(CAPS_USERNS, CAPS_NICE, 0, 0, EACCES, "setpriority(-20)");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps-userns", "CAP_SYS_NICE"),
			   source_of("caps-userns.ini", "[capabilities]"));
	VM_CHECK(count_events_after(mark, "\"capability\":\"CAP_SYS_ADMIN\"") == 0);
	/* Without userns = allow the namespace is not made (the built-in, before any capability). */
	caps_expect(CAPS, CAPS_USERNS_UTS, 0, 0, EPERM, "a user and UTS namespace");
}

/*
 * The setup window: a task an unconfined task placed in the cgroup that has executed nothing
 * since (systemd's child setting up the unit) keeps every capability; the program it executes
 * does not.
 */
static int window_then_exec(const void *unused)
{
	int fd, status;
	pid_t pid;

	(void)unused;
	if (setpriority(PRIO_PROCESS, 0, -20))
		return errno;
	pid = fork();
	if (pid < 0)
		return 1000;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "echo -1000 > /proc/self/oom_score_adj", NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1000;
	if (WEXITSTATUS(status) == 0)
		return 2000; /* the executed program kept CAP_SYS_RESOURCE */
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0 || write(fd, "-1000", 5) != 5)
		return 3000;
	return 0;
}

static int self_move(const void *cgroup)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", (const char *)cgroup);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return 4000;
	close(fd);
	return window_then_exec(NULL);
}

VM_TEST(capabilities_spare_the_setup_window, 228)
{
	long mark;

	caps_setup();
	make_cgroup(CAPS);
	mark = event_mark();
	/* in_cgroup(NULL): unconfined until it moves itself in, then in its window */
	VM_CHECK(in_cgroup(NULL, self_move, CAPS) == 0);
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_SYS_RESOURCE"), "\"comm\":\"sh\"");
	VM_CHECK(count_events_after(mark, "\"capability\":\"CAP_SYS_NICE\"") == 0);
}

/*
 * Findings 251 and 252: configuring the host's network and its audit through netlink and
 * ioctls, which the kernel grants on CAP_NET_ADMIN and CAP_AUDIT_CONTROL asked in the sender's
 * context (netlink_net_capable, netlink_capable: the request runs in the sending task, and
 * the hook sees the confined task). A policy that keeps neither refuses them to root and to
 * uid 1000 given the capability; audit mode lets them through, reported. Controls: unconfined,
 * each works (the address made is removed again).
 */
VM_TEST(capabilities_netlink_and_ioctl_configuration_is_refused, 228)
{
	long mark;

	caps_setup();
	mark = event_mark();
	caps_expect(NULL, CAPS_RTNL_ADDR, 0, 0, 0, "RTM_NEWADDR 10.99.0.1/32 on lo");
	caps_expect(NULL, CAPS_RTNL_DEL, 0, 0, 0, "RTM_DELADDR 10.99.0.1/32 on lo");
	caps_expect(NULL, CAPS_RTNL_ADDR, USER, CAP_NET_ADMIN, 0, "RTM_NEWADDR 10.99.0.1/32 on lo");
	caps_expect(NULL, CAPS_RTNL_DEL, 0, 0, 0, "RTM_DELADDR 10.99.0.1/32 on lo");
	caps_expect(NULL, CAPS_IFFLAGS, 0, 0, 0, "SIOCSIFFLAGS lo");
	caps_expect(NULL, CAPS_IFFLAGS, USER, CAP_NET_ADMIN, 0, "SIOCSIFFLAGS lo");
	caps_expect(NULL, CAPS_AUDIT_SET, 0, 0, 0, "AUDIT_SET");
	caps_expect(NULL, CAPS_AUDIT_SET, USER, CAP_AUDIT_CONTROL, 0, "AUDIT_SET");
	/* without the capability the kernel refuses, confined or not */
	caps_expect(NULL, CAPS_RTNL_ADDR, USER, CAP_CHOWN, EPERM, "RTM_NEWADDR without it");

	caps_expect(CAPS, CAPS_RTNL_ADDR, 0, 0, EPERM, "RTM_NEWADDR 10.99.0.1/32 on lo");
	caps_expect(CAPS, CAPS_RTNL_ADDR, USER, CAP_NET_ADMIN, EPERM,
		    "RTM_NEWADDR 10.99.0.1/32 on lo");
	/* not made: deleting it finds no such address */
	caps_expect(NULL, CAPS_RTNL_DEL, 0, 0, EADDRNOTAVAIL, "RTM_DELADDR of the refused address");
	caps_expect(CAPS, CAPS_IFFLAGS, 0, 0, EPERM, "SIOCSIFFLAGS lo");
	caps_expect(CAPS, CAPS_IFFLAGS, USER, CAP_NET_ADMIN, EPERM, "SIOCSIFFLAGS lo");
	caps_expect(CAPS, CAPS_AUDIT_SET, 0, 0, EPERM, "AUDIT_SET");
	caps_expect(CAPS, CAPS_AUDIT_SET, USER, CAP_AUDIT_CONTROL, EPERM, "AUDIT_SET");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_NET_ADMIN"), "\"uid\":0",
			   "\"comm\":\"vmtest\"", source_of("caps.ini", "[capabilities]"));
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_NET_ADMIN"), "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_AUDIT_CONTROL"), "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("deny", "caps", "CAP_AUDIT_CONTROL"),
			   "\"uid\":1000");

	/* audit mode: made, reported */
	caps_expect(CAPS_AUDIT, CAPS_RTNL_ADDR, 0, 0, 0, "RTM_NEWADDR 10.99.0.1/32 on lo");
	caps_expect(NULL, CAPS_RTNL_DEL, 0, 0, 0, "RTM_DELADDR 10.99.0.1/32 on lo");
	caps_expect(CAPS_AUDIT, CAPS_AUDIT_SET, 0, 0, 0, "AUDIT_SET");
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("audit", "caps-audit", "CAP_NET_ADMIN"));
	EXPECT_EVENT_AFTER(mark, CAPS_EVENT("audit", "caps-audit", "CAP_AUDIT_CONTROL"));
}
