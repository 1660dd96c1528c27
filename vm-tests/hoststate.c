// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the whole host lives by, kept from confined tasks (attack run 4): kernel settings
 * (kernel.ftrace_enabled turns every BPF LSM program off; limits that bind root and lsmguard's
 * next start; every other sysctl unless [system] kernel-settings = allow), PID 1's and the journal's
 * priority, limits and /proc files, typing into a terminal (TIOCSTI, TIOCLINUX, /dev/uinput,
 * input event devices), journald's and PID 1's sockets and the journal's files, and the places
 * root components read that are host code (/run/systemd/, /run/user/, /home/, apt's state).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <linux/kd.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define HS "/lgt/hs"
#define HS_AUDIT "/lgt/hs-audit"
#define HS_SYSCTL "/lgt/hs-sysctl" /* [system] kernel-settings = allow */
#define HS_NAMED "/lgt/hs-named"   /* a write rule that names /home/hsu/ */
#define USER 1000

#define KNOB_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot change kernel settings that run programs, " \
	"load code, weaken protections or bind every process, nor open kernel memory\""
#define SYSCTL_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot change kernel settings (/proc/sys, /sys) " \
	"unless its policy says [system] kernel-settings = allow\""
#define TUNE_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot change the priority, scheduling, limits, " \
	"OOM score or /proc files of lsmguard, PID 1 or systemd-journald\""
#define TERMINAL_SOURCE                                                                           \
	"\"source\":\"built-in: a confined task cannot type into a terminal or console (TIOCSTI, "  \
	"TIOCLINUX, line disciplines, keymaps, uinput and other input devices), nor read or "     \
	"redirect the console (vcs, TIOCCONS)\""
#define PROTECTED_SOURCE                                                                          \
	"\"source\":\"built-in: a confined task cannot change, rename, remove or mount over "     \
	"lsmguard's policy directory, executable, state or unit, the journal's sockets and files, " \
	"or a directory above them\""
#define HOST_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot change what the host runs as root (units, " \
	"cron, udev, modules, /usr, /etc...) unless a write rule of its policy names the place or " \
	"it says [system] host-code = allow\""

#define HS_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
static const char hs_policy[] = "[policy]\nname = hs\ncgroup = " HS "\nmode = enforce\n" HS_RULES;
static const char hs_audit_policy[] =
	"[policy]\nname = hs-audit\ncgroup = " HS_AUDIT "\nmode = audit\n" HS_RULES;
static const char hs_sysctl_policy[] = "[policy]\nname = hs-sysctl\ncgroup = " HS_SYSCTL
				       "\nmode = enforce\n" HS_RULES "[system]\nkernel-settings = allow\n";
static const char hs_named_policy[] = "[policy]\nname = hs-named\ncgroup = " HS_NAMED
				      "\nmode = enforce\n[files]\ndefault = deny\n"
				      "allow = /home/hsu/\nallow-read = /\n";

static void hs_setup(void)
{
	if (access(POLICY_DIR "/hs.ini", F_OK) == 0)
		return;
	VM_CHECK(system("mkdir -p /run/systemd/journal /var/log/journal/hsid /run/log/journal/hsid "
			"/home/hsu/.ssh /var/lib/apt/lists /var/cache/apt/archives "
			"/var/lib/systemd/linger /run/user/0/systemd/user /opt "
			"&& echo j > /var/log/journal/hsid/system.journal "
			"&& echo j > /run/log/journal/hsid/system.journal "
			"&& chown -R 1000:1000 /home/hsu /run/user && chmod 0777 /var/log/journal/hsid "
			"/run/log/journal/hsid /var/lib/systemd/linger /opt") == 0);
	/* Two accounts whose homes are outside /home: one that logs in, one with nologin. The
	 * daemon reads /etc/passwd at the reload below. */
	VM_CHECK(system("mkdir -p /var/lib/hsvc/.ssh /var/lib/hsnol && chmod 0777 /var/lib/hsvc "
			"/var/lib/hsnol && { [ -e /etc/passwd ] || echo root:x:0:0::/root:/bin/sh "
			"> /etc/passwd; } && echo hsvc:x:1001:1001::/var/lib/hsvc:/bin/sh >> /etc/passwd "
			"&& echo hsnol:x:1002:1002::/var/lib/hsnol:/usr/sbin/nologin >> /etc/passwd") ==
		 0);
	write_file(POLICY_DIR "/hs.ini", hs_policy, 0644);
	write_file(POLICY_DIR "/hs-audit.ini", hs_audit_policy, 0644);
	write_file(POLICY_DIR "/hs-sysctl.ini", hs_sysctl_policy, 0644);
	write_file(POLICY_DIR "/hs-named.ini", hs_named_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

struct hs_open {
	const char *path;
	int flags;
	uid_t uid; /* 0: stay root */
};

static int do_open(const void *arg)
{
	const struct hs_open *a = arg;
	int fd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	fd = open(a->path, a->flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int hs_open(const char *cgroup, const char *path, int flags, uid_t uid)
{
	struct hs_open a = {path, flags, uid};

	return in_cgroup(cgroup, do_open, &a);
}

#define EXPECT_OPEN(cgroup, path, flags, uid, expected)                                          \
	do {                                                                                      \
		int got_ = hs_open(cgroup, path, flags, uid);                                     \
		if (got_ != (expected))                                                           \
			VM_FAIL("%s uid %d: open %s: %d (%s), expected %s", (cgroup) ? (cgroup) : "-", \
				(int)(uid), path, got_, got_ > 0 && got_ < 200 ? strerror(got_) : "-", \
				(expected) ? strerror(expected) : "success");                      \
	} while (0)

/*
 * kernel.ftrace_enabled = 0 patches out every ftrace call site, and the BPF LSM programs are
 * ftrace trampolines: every hook of lsmguard would stop, for every policy. The limits every
 * process lives by, root's and lsmguard's next start included. Both refused in every mode and
 * under kernel-settings = allow. Any other sysctl, and sysfs attributes (/sys/power/state
 * suspends the host; opened here, never written): refused unless kernel-settings = allow, logged
 * in audit mode. uid 1000: the files are root's 0644, the kernel answers EACCES first.
 */
/* sethostname() to the name it has (and setdomainname likewise), in a new UTS namespace when
 * arg says so: 0 or the errno. */
static int do_host_name(const void *arg)
{
	const bool *own_namespace = arg;
	char name[128] = "";

	if (gethostname(name, sizeof(name) - 1))
		return 200;
	if (*own_namespace && unshare(CLONE_NEWUTS))
		return 100 + errno;
	if (sethostname(name, strlen(name)))
		return errno;
	if (getdomainname(name, sizeof(name) - 1))
		return 201;
	return setdomainname(name, strlen(name)) ? 150 + errno : 0;
}

VM_TEST(hoststate_sysctls, 151)
{
	static const char *const always[] = {
	    "/proc/sys/kernel/ftrace_enabled",	    "/proc/sys/fs/epoll/max_user_watches",
	    "/proc/sys/kernel/threads-max",	    "/proc/sys/kernel/pid_max",
	    "/proc/sys/kernel/ns_last_pid",	    "/proc/sys/fs/inotify/max_user_instances",
	    "/proc/sys/fs/inotify/max_user_watches", "/proc/sys/user/max_mnt_namespaces",
	    "/proc/sys/vm/max_map_count",	    "/proc/sys/vm/admin_reserve_kbytes",
	    "/proc/sys/fs/mount-max",		    "/proc/sys/fs/file-max",
	    "/proc/sys/fs/nr_open",		    "/proc/sys/vm/overcommit_memory",
	    "/proc/sys/vm/min_free_kbytes",	    "/proc/sys/vm/panic_on_oom",
	    "/proc/sys/kernel/panic_on_oops",	    "/proc/sys/kernel/keys/root_maxkeys",
	};
	static const char other[] = "/proc/sys/vm/swappiness";
	struct stat st;
	int user_errno;
	long mark;

	hs_setup();
	mark = event_mark();
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		if (access(always[i], F_OK) != 0) {
			VM_FAIL("%s is missing from the test kernel", always[i]);
			continue;
		}
		EXPECT_OPEN(NULL, always[i], O_WRONLY, 0, 0); /* control: unconfined root */
		EXPECT_OPEN(HS, always[i], O_WRONLY, 0, EPERM);
		EXPECT_OPEN(HS_AUDIT, always[i], O_WRONLY, 0, EPERM);
		EXPECT_OPEN(HS_SYSCTL, always[i], O_WRONLY, 0, EPERM);
		/* uid 1000: root's 0644 files answer EACCES first; ns_last_pid is 0666 (its
		 * handler asks for CAP_SYS_ADMIN at the write): lsmguard's EPERM at the open. */
		user_errno = stat(always[i], &st) == 0 && (st.st_mode & 0002) ? EPERM : EACCES;
		EXPECT_OPEN(HS, always[i], O_WRONLY, USER, user_errno);
		EXPECT_OPEN(HS, always[i], O_RDONLY, 0, 0); /* reading is the rules' */
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/proc/sys/kernel/ftrace_enabled\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"",
			   "\"path\":\"/proc/sys/fs/epoll/max_user_watches\"", KNOB_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-sysctl\"",
			   "\"path\":\"/proc/sys/kernel/ns_last_pid\"", KNOB_SOURCE);
	/* Every other setting: the policy's own confinement. */
	EXPECT_OPEN(HS, other, O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS_AUDIT, other, O_WRONLY, 0, 0);
	EXPECT_OPEN(HS_SYSCTL, other, O_WRONLY, 0, 0);
	EXPECT_OPEN(HS, "/proc/sys/kernel/hostname", O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS, "/proc/sys/net/ipv4/ip_forward", O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS, other, O_WRONLY, USER, EACCES);
	EXPECT_OPEN(HS, "/sys/power/state", O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS, "/sys/devices/system/cpu/cpu0/uevent", O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS_AUDIT, "/sys/power/state", O_WRONLY, 0, 0);
	EXPECT_OPEN(HS_SYSCTL, "/sys/power/state", O_WRONLY, 0, 0);
	EXPECT_OPEN(NULL, "/sys/power/state", O_WRONLY, 0, 0);
	EXPECT_OPEN(HS, "/sys/power/state", O_RDONLY, 0, 0);
	EXPECT_OPEN(HS, "/sys/power/state", O_WRONLY, USER, EACCES);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/sys/power/state\"", SYSCTL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/proc/sys/vm/swappiness\"", "\"access\":\"write\"",
			   SYSCTL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"hs-audit\"",
			   "\"path\":\"/proc/sys/vm/swappiness\"", SYSCTL_SOURCE);
	/* procfs's own settings outside /proc/sys (attack run 5): IRQ affinity (opened for
	 * writing, never written). */
	EXPECT_OPEN(NULL, "/proc/irq/default_smp_affinity", O_WRONLY, 0, 0);
	EXPECT_OPEN(HS, "/proc/irq/default_smp_affinity", O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS_AUDIT, "/proc/irq/default_smp_affinity", O_WRONLY, 0, 0);
	EXPECT_OPEN(HS_SYSCTL, "/proc/irq/default_smp_affinity", O_WRONLY, 0, 0);
	EXPECT_OPEN(HS, "/proc/irq/default_smp_affinity", O_RDONLY, 0, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/proc/irq/default_smp_affinity\"", SYSCTL_SOURCE);
	/* A process's own /proc files are not settings. */
	EXPECT_OPEN(HS, "/proc/self/comm", O_WRONLY, 0, 0);
	/* The host's name by its system calls (no hook of their own: CAP_SYS_ADMIN asked during
	 * sethostname and setdomainname), like /proc/sys/kernel/hostname; in a UTS namespace of
	 * its own, the service's own. */
	{
		bool host = false, own = true;

		VM_CHECK(in_cgroup(NULL, do_host_name, &host) == 0);
		VM_CHECK(in_cgroup(HS, do_host_name, &host) == EPERM);
		VM_CHECK(in_cgroup(HS_AUDIT, do_host_name, &host) == 0);
		VM_CHECK(in_cgroup(HS_SYSCTL, do_host_name, &host) == 0);
		VM_CHECK(in_cgroup(HS, do_host_name, &own) == 0);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
				   "\"hook\":\"capable\"",
				   "\"path\":\"the host's name (sethostname, setdomainname)\"",
				   SYSCTL_SOURCE);
		EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"hs-audit\"",
				   "\"path\":\"the host's name (sethostname, setdomainname)\"",
				   SYSCTL_SOURCE);
	}
}

enum tune_op { T_NOFILE, T_NICE, T_IDLE, T_IOPRIO, T_TIMERSLACK, T_OOM };
static const char *const tune_names[] = {"prlimit(RLIMIT_NOFILE 8)", "setpriority(19)",
					 "sched_setscheduler(SCHED_IDLE)", "ioprio_set(IDLE)",
					 "/proc/PID/timerslack_ns", "/proc/PID/oom_score_adj"};

struct tune_arg {
	enum tune_op op;
	pid_t pid;
	uid_t uid;
};

static int write_proc(pid_t pid, const char *name, const char *value)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = 100 + errno;
	close(fd);
	return ret;
}

static int do_tune(const void *arg)
{
	const struct tune_arg *a = arg;
	struct rlimit nofile = {8, 8};
	struct sched_param sp = {0};

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	switch (a->op) {
	case T_NOFILE:
		return prlimit(a->pid, RLIMIT_NOFILE, &nofile, NULL) ? errno : 0;
	case T_NICE:
		return setpriority(PRIO_PROCESS, (id_t)a->pid, 19) ? errno : 0;
	case T_IDLE:
		return sched_setscheduler(a->pid, SCHED_IDLE, &sp) ? errno : 0;
	case T_IOPRIO:
		/* IOPRIO_WHO_PROCESS, IOPRIO_CLASS_IDLE << 13 */
		return syscall(SYS_ioprio_set, 1, a->pid, 3 << 13) ? errno : 0;
	case T_TIMERSLACK:
		return write_proc(a->pid, "timerslack_ns", "1000000000");
	case T_OOM:
		return write_proc(a->pid, "oom_score_adj", "1000");
	}
	return 240;
}

/* Put a process back as the case found it. */
static void tune_restore(pid_t pid, const struct rlimit *nofile, int prio)
{
	struct sched_param sp = {0};

	prlimit(pid, RLIMIT_NOFILE, nofile, NULL);
	setpriority(PRIO_PROCESS, (id_t)pid, prio);
	sched_setscheduler(pid, SCHED_OTHER, &sp);
	syscall(SYS_ioprio_set, 1, pid, 0);
	write_proc(pid, "timerslack_ns", "50000");
	write_proc(pid, "oom_score_adj", "0");
}

/*
 * Signals to PID 1 are refused; starving it is the same attack (RLIMIT_NOFILE 8: no restart of
 * lsmguard, no systemctl; SCHED_IDLE, nice 19, a one-second timer slack: the manager stalls).
 * Refused like the same calls on lsmguard's daemon, in every mode. uid 1000: the kernel's EPERM
 * (another user's process). Control: the unconfined root, and a confined root on a process of
 * its own policy.
 */
VM_TEST(hoststate_pid1_is_not_starved, 151)
{
	static const char *const cgroups[] = {HS, HS_AUDIT};
	struct rlimit nofile, daemon_nofile;
	pid_t daemon = daemon_pid();
	long mark;
	int prio;

	hs_setup();
	VM_CHECK(daemon > 1 && prlimit(1, RLIMIT_NOFILE, NULL, &nofile) == 0 &&
		 prlimit(daemon, RLIMIT_NOFILE, NULL, &daemon_nofile) == 0);
	errno = 0;
	prio = getpriority(PRIO_PROCESS, 1);
	mark = event_mark();
	for (enum tune_op op = T_NOFILE; op <= T_OOM; op++) {
		for (size_t c = 0; c < 2; c++) {
			pid_t targets[] = {1, daemon};

			for (size_t t = 0; t < 2; t++) {
				struct tune_arg a = {op, targets[t], 0};
				int got = in_cgroup(cgroups[c], do_tune, &a);

				tune_restore(targets[t], t ? &daemon_nofile : &nofile, t ? 0 : prio);
				if (got != EPERM)
					VM_FAIL("%s root: %s on pid %d: %d (%s), expected EPERM",
						cgroups[c], tune_names[op], (int)targets[t], got,
						got > 0 && got < 100 ? strerror(got) : "-");
			}
		}
		{
			struct tune_arg a = {op, 1, USER};
			int got = in_cgroup(HS, do_tune, &a);

			tune_restore(1, &nofile, prio);
			/* oom_score_adj is root's 0644: the kernel's EACCES at the open;
			 * timerslack_ns is 0666: lsmguard's EPERM at the open. */
			if (got != (op == T_OOM ? EACCES : EPERM))
				VM_FAIL("%s uid 1000: %s on PID 1: %d", HS, tune_names[op], got);
		}
		{
			struct tune_arg a = {op, 1, 0};
			int got = in_cgroup(NULL, do_tune, &a);

			tune_restore(1, &nofile, prio);
			if (got != 0)
				VM_FAIL("control: unconfined root: %s on PID 1: %d", tune_names[op], got);
		}
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"hook\":\"task_setrlimit\"",
			   "\"path\":\"PID 1's (the service manager) resource limits\"", TUNE_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"",
			   "\"hook\":\"task_setscheduler\"",
			   "\"path\":\"PID 1's (the service manager) scheduling\"", TUNE_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/proc/1/timerslack_ns\"", TUNE_SOURCE);
}

/* ---- typing into a terminal ---- */

#define STI_MARK "/run/hs-sti-ran"

struct sti_arg {
	const char *tty;
	uid_t uid;
	bool own; /* open a pty pair of its own and type into its slave (its controlling tty) */
	unsigned long cmd;
};

static int do_sti(const void *arg)
{
	const struct sti_arg *a = arg;
	static const char text[] = "touch " STI_MARK "\n";
	char slave[64];
	int fd, m = -1;

	signal(SIGHUP, SIG_IGN); /* closing its own terminal's master hangs the session up */
	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	if (a->own) {
		m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, slave, sizeof(slave)))
			return 200;
		if (setsid() < 0)
			return 201;
		fd = open(slave, O_RDWR | O_CLOEXEC); /* becomes the controlling tty */
	} else {
		fd = open(a->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	}
	if (fd < 0)
		return 200 + errno;
	if (a->cmd != TIOCSTI && a->cmd != TIOCLINUX) {
		/* TIOCSETD: N_MOUSE (2); the keymap's: an entry of zeros (a pty has no keymap) */
		union {
			int ldisc;
			struct kbsentry sentry;
			struct kbentry entry;
			struct kbkeycode keycode;
		} any = {.ldisc = 2};
		int e = ioctl(fd, a->cmd, &any) ? errno : 0;

		close(fd);
		if (m >= 0)
			close(m);
		return e;
	}
	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		char sel[2] = {2, 0}; /* TIOCLINUX subcommand TIOCL_SETSEL's neighbour: PASTESEL 3 */

		if (a->cmd == TIOCLINUX)
			sel[0] = 3;
		if (ioctl(fd, a->cmd, a->cmd == TIOCLINUX ? sel : &text[i])) {
			int e = errno;

			close(fd);
			if (m >= 0)
				close(m);
			return e;
		}
		if (a->cmd == TIOCLINUX)
			break;
	}
	close(fd);
	if (m >= 0)
		close(m);
	return 0;
}

/* An administrator's root shell reading a fresh pty's slave; its pid, the slave in slave. */
static pid_t admin_shell(int *master, char *slave, size_t size)
{
	pid_t pid;

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) || unlockpt(*master) ||
	    ptsname_r(*master, slave, size))
		return -1;
	pid = fork();
	if (pid == 0) {
		int s;

		setsid();
		s = open(slave, O_RDWR);
		if (s < 0)
			_exit(127);
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		execl("/bin/sh", "sh", (char *)NULL);
		_exit(127);
	}
	fcntl(*master, F_SETFL, O_NONBLOCK);
	return pid;
}

static bool sti_ran(int master)
{
	char buf[512];

	for (int i = 0; i < 50; i++) {
		while (read(master, buf, sizeof(buf)) > 0)
			; /* the shell's echo */
		if (access(STI_MARK, F_OK) == 0)
			return true;
		usleep(20000);
	}
	return false;
}

/*
 * TIOCSTI into an administrator's root shell (6.1 asks only CAP_SYS_ADMIN for a tty that is
 * not the caller's), into the caller's own terminal (no capability at all), TIOCLINUX's paste,
 * and the input devices that type for a console: /dev/uinput and /dev/input/eventN opened for
 * writing (the nodes made here by the unconfined test: the open is decided before any driver).
 */
VM_TEST(hoststate_terminal_input, 151)
{
	static const struct {
		const char *cgroup;
		uid_t uid;
		int expected;
	/* Confined: the administrator's pty is another session's terminal, refused at the open
	 * (200 + errno), before any ioctl. */
	} who[] = {{NULL, 0, 0},
		   {HS, 0, 200 + EPERM},
		   {HS_AUDIT, 0, 200 + EPERM},
		   {HS_SYSCTL, 0, 200 + EPERM}};
	char slave[64];
	long mark;

	hs_setup();
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	mkdir("/tmp/hs-pts", 0755);
	VM_CHECK(mount("/dev/pts", "/tmp/hs-pts", NULL, MS_BIND, NULL) == 0);
	mark = event_mark();
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		struct sti_arg a = {slave, who[i].uid, false, TIOCSTI};
		int master, got;
		pid_t sh;
		bool ran;

		unlink(STI_MARK);
		sh = admin_shell(&master, slave, sizeof(slave));
		VM_CHECK(sh > 0);
		if (sh <= 0)
			return;
		usleep(200000);
		/* Reading what the administrator types, writing onto the screen: the same
		 * open, through another mount of devpts too (a node made elsewhere gets EIO
		 * from the kernel: a slave opens only through devpts). */
		if (who[i].cgroup) {
			char other[80], path_needle[96];
			long before = event_mark();

			snprintf(other, sizeof(other), "/tmp/hs-pts%s", slave + strlen("/dev/pts"));
			EXPECT_OPEN(who[i].cgroup, slave, O_RDONLY | O_NOCTTY, 0, EPERM);
			EXPECT_OPEN(who[i].cgroup, slave, O_WRONLY | O_NOCTTY, 0, EPERM);
			EXPECT_OPEN(who[i].cgroup, other, O_RDONLY | O_NOCTTY, 0, EPERM);
			snprintf(path_needle, sizeof(path_needle), "\"path\":\"%s\"", slave);
			EXPECT_EVENT_AFTER(before, "\"event\":\"deny\"", "\"hook\":\"file_open\"",
					   "\"access\":\"write\"", path_needle, TERMINAL_SOURCE);
		} else {
			EXPECT_OPEN(NULL, slave, O_RDONLY | O_NOCTTY, 0, 0);
		}
		got = in_cgroup(who[i].cgroup, do_sti, &a);
		ran = sti_ran(master);
		kill(sh, SIGKILL);
		waitpid(sh, NULL, 0);
		close(master);
		if (got != who[i].expected || ran != !who[i].expected)
			VM_FAIL("%s root: TIOCSTI into an administrator's shell on %s: %d, ran %d",
				who[i].cgroup ? who[i].cgroup : "unconfined", slave, got, ran);

	}
	unlink(STI_MARK);
	{
		/* uid 1000 into its own controlling terminal: no capability needed. */
		struct sti_arg own = {NULL, USER, true, TIOCSTI};

		VM_CHECK(in_cgroup(NULL, do_sti, &own) == 0);
		VM_CHECK(in_cgroup(HS, do_sti, &own) == EPERM);
		VM_CHECK(in_cgroup(HS_AUDIT, do_sti, &own) == EPERM);
		own.cmd = TIOCLINUX;
		VM_CHECK(in_cgroup(HS, do_sti, &own) == EPERM);
		own.uid = 0;
		VM_CHECK(in_cgroup(HS_AUDIT, do_sti, &own) == EPERM);
	}
	/* A pty that is nobody's controlling terminal, held by a process under no policy (the
	 * test's: attack run 5 read a password typed into one): it belongs to the opener of its
	 * master. */
	{
		int pty = posix_openpt(O_RDWR | O_NOCTTY), held = -1;
		char name[64] = "";

		VM_CHECK(pty >= 0 && grantpt(pty) == 0 && unlockpt(pty) == 0 &&
			 ptsname_r(pty, name, sizeof(name)) == 0);
		held = open(name, O_RDWR | O_NOCTTY);
		VM_CHECK(held >= 0);
		EXPECT_OPEN(HS, name, O_RDONLY | O_NOCTTY, 0, EPERM);
		EXPECT_OPEN(HS_AUDIT, name, O_RDWR | O_NOCTTY, 0, EPERM);
		EXPECT_OPEN(NULL, name, O_RDONLY | O_NOCTTY, 0, 0);
		if (held >= 0)
			close(held);
		if (pty >= 0)
			close(pty);
	}
	VM_CHECK(vm_umount("/tmp/hs-pts") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"", "\"uid\":1000",
			   "\"hook\":\"file_ioctl\"", "\"path\":\"typing into a terminal (TIOCSTI)\"",
			   TERMINAL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"", "\"uid\":1000",
			   "\"path\":\"typing into a terminal (TIOCLINUX)\"", TERMINAL_SOURCE);
	/*
	 * A line discipline (N_MOUSE binds a keyboard driver to the pty: its master then types on
	 * the console) and the console's keymap (a function key's string typed when an
	 * administrator presses it), on a terminal of its own. Outside a policy root gets the
	 * kernel's own answer, whatever it is; never lsmguard's EPERM.
	 */
	{
		static const unsigned long cmds[] = {TIOCSETD, KDSKBSENT, KDSKBENT, KDSETKEYCODE,
						     TIOCCONS};

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			struct sti_arg own = {NULL, 0, true, cmds[i]};
			/* TIOCCONS outside a policy would take the console's output (this
			 * suite's among it) away to the pty: not tried. */
			int unconfined = cmds[i] == TIOCCONS ? 0 : in_cgroup(NULL, do_sti, &own);

			printf("# ioctl 0x%lx outside a policy: %d (%s)\n", cmds[i], unconfined,
			       unconfined ? strerror(unconfined) : "-");
			VM_CHECK(unconfined != EPERM && unconfined < 200);
			VM_CHECK(in_cgroup(HS, do_sti, &own) == EPERM);
			VM_CHECK(in_cgroup(HS_SYSCTL, do_sti, &own) == EPERM);
			own.uid = USER;
			VM_CHECK(in_cgroup(HS_AUDIT, do_sti, &own) == EPERM);
		}
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"a terminal's line discipline (TIOCSETD)\"", TERMINAL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-sysctl\"",
			   "\"path\":\"the console's output (TIOCCONS)\"", TERMINAL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"", "\"uid\":1000",
			   "\"path\":\"the console's keymap or mode (KDSKBENT, KDSKBSENT, "
			   "KDSETKEYCODE, KDSKBMODE, KDSETMODE)\"",
			   TERMINAL_SOURCE);
	/* The input devices, whatever their names. */
	unlink("/tmp/hs-uinput");
	unlink("/tmp/hs-event");
	VM_CHECK(mknod("/tmp/hs-uinput", S_IFCHR | 0666, makedev(10, 223)) == 0);
	VM_CHECK(mknod("/tmp/hs-event", S_IFCHR | 0666, makedev(13, 64)) == 0);
	VM_CHECK(chmod("/tmp/hs-uinput", 0666) == 0 && chmod("/tmp/hs-event", 0666) == 0);
	/* uhid (a HID keyboard of its making) and userio (a PS/2 port of its making). */
	for (unsigned minor = 239; minor <= 240; minor++) {
		unlink("/tmp/hs-misc");
		VM_CHECK(mknod("/tmp/hs-misc", S_IFCHR | 0666, makedev(10, minor)) == 0);
		VM_CHECK(chmod("/tmp/hs-misc", 0666) == 0);
		EXPECT_OPEN(HS, "/tmp/hs-misc", O_RDWR, 0, EPERM);
		EXPECT_OPEN(HS_AUDIT, "/tmp/hs-misc", O_RDWR, USER, EPERM);
		/* No driver behind the node in the test kernel without its module: ENODEV. */
		EXPECT_OPEN(NULL, "/tmp/hs-misc", O_RDWR, 0, ENODEV);
	}
	unlink("/tmp/hs-misc");
	/* The console's screen (vcs1, 7:1), read or written: what an administrator's console
	 * shows. Outside a policy the kernel's own answer (no lsmguard EPERM). */
	VM_CHECK(mknod("/tmp/hs-vcs", S_IFCHR | 0666, makedev(7, 1)) == 0);
	VM_CHECK(chmod("/tmp/hs-vcs", 0666) == 0);
	EXPECT_OPEN(HS, "/tmp/hs-vcs", O_RDONLY, 0, EPERM);
	EXPECT_OPEN(HS_AUDIT, "/tmp/hs-vcs", O_RDONLY, USER, EPERM);
	EXPECT_OPEN(HS_SYSCTL, "/tmp/hs-vcs", O_WRONLY, 0, EPERM);
	{
		int unconfined = hs_open(NULL, "/tmp/hs-vcs", O_RDONLY, 0);

		printf("# /dev/vcs1 outside a policy: %d\n", unconfined);
		VM_CHECK(unconfined != EPERM && unconfined < 200);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/tmp/hs-vcs\"", TERMINAL_SOURCE);
	unlink("/tmp/hs-vcs");
	/* The virtual consoles and /dev/console (an administrator's console login), by number:
	 * refused in both modes; unconfined, opened. /dev/watchdog (the host reboots unless fed)
	 * and device-mapper's control (a table opens any disk in the kernel): the host-control
	 * and raw-disks built-ins (no driver behind them here: ENODEV unconfined). */
	{
		static const struct {
			const char *node;
			unsigned major, minor;
			int unconfined;
		} nodes[] = {{"/tmp/hs-tty1", 4, 1, 0},
			     {"/tmp/hs-console", 5, 1, 0},
			     {"/tmp/hs-watchdog", 10, 130, ENODEV},
			     {"/tmp/hs-dmctl", 10, 236, ENODEV}};

		for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
			unlink(nodes[i].node);
			VM_CHECK(mknod(nodes[i].node, S_IFCHR | 0600,
				       makedev(nodes[i].major, nodes[i].minor)) == 0);
			EXPECT_OPEN(HS, nodes[i].node, O_RDWR | O_NOCTTY, 0, EPERM);
			EXPECT_OPEN(HS_AUDIT, nodes[i].node, O_RDONLY | O_NOCTTY, 0, EPERM);
			EXPECT_OPEN(NULL, nodes[i].node, O_RDONLY | O_NOCTTY, 0, nodes[i].unconfined);
			unlink(nodes[i].node);
		}
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"",
				   "\"path\":\"/tmp/hs-console\"", TERMINAL_SOURCE);
	}
	EXPECT_OPEN(HS, "/tmp/hs-uinput", O_WRONLY, 0, EPERM);
	EXPECT_OPEN(HS_AUDIT, "/tmp/hs-uinput", O_WRONLY, USER, EPERM);
	EXPECT_OPEN(HS, "/tmp/hs-event", O_RDWR, USER, EPERM);
	EXPECT_OPEN(HS_AUDIT, "/tmp/hs-event", O_WRONLY, 0, EPERM);
	/* Reading an input device is the rules' (ENXIO, ENODEV: no driver behind the nodes). */
	EXPECT_OPEN(HS, "/tmp/hs-event", O_RDONLY, 0, ENXIO);
	EXPECT_OPEN(NULL, "/tmp/hs-uinput", O_WRONLY, 0, ENODEV);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"",
			   "\"path\":\"/tmp/hs-uinput\"", TERMINAL_SOURCE);
	unlink("/tmp/hs-uinput");
	unlink("/tmp/hs-event");
}

/* ---- journald's and PID 1's sockets, the journal's files, host places ---- */

enum path_op { P_UNLINK, P_RENAME_AWAY, P_RENAME_ONTO, P_TRUNCATE, P_CREATE };
static const char *const path_op_names[] = {"unlink", "rename away", "rename onto", "truncate",
					    "create"};

struct path_arg {
	enum path_op op;
	const char *path;
	uid_t uid;
};

static int do_path(const void *arg)
{
	const struct path_arg *a = arg;
	char other[512];
	int fd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	snprintf(other, sizeof(other), a->op == P_RENAME_ONTO ? "/run/hs-mine" : "%s.hs", a->path);
	switch (a->op) {
	case P_UNLINK:
		return unlink(a->path) ? errno : 0;
	case P_RENAME_AWAY:
		return rename(a->path, other) ? errno : 0;
	case P_RENAME_ONTO:
		fd = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return 200 + errno;
		close(fd);
		return rename(other, a->path) ? errno : 0;
	case P_TRUNCATE:
		return truncate(a->path, 0) ? errno : 0;
	case P_CREATE:
		fd = open(a->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	return 240;
}

static void expect_path(const char *cgroup, enum path_op op, const char *path, uid_t uid,
			int expected)
{
	struct path_arg a = {op, path, uid};
	int got = in_cgroup(cgroup, do_path, &a);

	if (got != expected)
		VM_FAIL("%s uid %d: %s %s: %d (%s), expected %s", cgroup ? cgroup : "unconfined",
			(int)uid, path_op_names[op], path, got,
			got > 0 && got < 200 ? strerror(got) : got == 0 ? "success" : "-",
			expected ? strerror(expected) : "success");
}

static int do_notify(const void *arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/run/systemd/notify"};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	(void)arg;
	if (fd < 0)
		return 200 + errno;
	ret = sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sun, sizeof(sun)) == 7 ? 0 : errno;
	close(fd);
	return ret;
}

/* A unix socket bound at path by this unconfined process (closed: the name stays). */
static void bind_name(const char *path, int type)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	VM_CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	close(fd);
}

/*
 * Where lsmguard's events go and stay: journald's sockets (stdout renamed away, the next start
 * of every daemon, lsmguard's included, logs nowhere), PID 1's notify socket (Type=notify units
 * never become ready) and the journal's files. Protected objects: in every mode, as root and as
 * a uid the files and directories belong to. Sending to the sockets stays open.
 */
VM_TEST(hoststate_journal_and_notify, 151)
{
	static const struct {
		const char *path;
		int type;
	} sockets[] = {
	    {"/run/systemd/journal/stdout", SOCK_STREAM},
	    {"/run/systemd/journal/socket", SOCK_DGRAM},
	    {"/run/systemd/journal/dev-log", SOCK_DGRAM},
	    {"/run/systemd/notify", SOCK_DGRAM},
	};
	static const char *const files[] = {"/var/log/journal/hsid/system.journal",
					    "/run/log/journal/hsid/system.journal"};
	static const char *const cgroups[] = {HS, HS_AUDIT};
	long mark;

	hs_setup();
	mark = event_mark();
	for (size_t c = 0; c < 2; c++)
		for (size_t s = 0; s < sizeof(sockets) / sizeof(sockets[0]); s++) {
			bind_name(sockets[s].path, sockets[s].type);
			expect_path(cgroups[c], P_UNLINK, sockets[s].path, 0, EPERM);
			expect_path(cgroups[c], P_RENAME_AWAY, sockets[s].path, 0, EPERM);
			expect_path(cgroups[c], P_RENAME_ONTO, sockets[s].path, 0, EPERM);
		}
	/* A datagram to the notify socket still goes (services send READY=1 there). */
	{
		struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/run/systemd/notify"};
		char got[16] = "";
		int rfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		unlink(sun.sun_path);
		VM_CHECK(rfd >= 0 && bind(rfd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
		VM_CHECK(in_cgroup(HS, do_notify, NULL) == 0);
		VM_CHECK(recv(rfd, got, sizeof(got) - 1, MSG_DONTWAIT) == 7 &&
			 strcmp(got, "READY=1") == 0);
		close(rfd);
	}
	for (size_t c = 0; c < 2; c++)
		for (size_t f = 0; f < 2; f++) {
			write_file(files[f], "j\n", 0666);
			expect_path(cgroups[c], P_TRUNCATE, files[f], 0, EPERM);
			expect_path(cgroups[c], P_UNLINK, files[f], USER, EPERM);
			EXPECT_OPEN(cgroups[c], files[f], O_WRONLY | O_TRUNC, USER, EPERM);
			EXPECT_OPEN(cgroups[c], files[f], O_RDONLY, USER, 0);
		}
	expect_path(NULL, P_TRUNCATE, files[0], 0, 0); /* control */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"",
			   "\"path\":\"/run/systemd/journal/stdout\"", PROTECTED_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"", "\"uid\":1000",
			   "\"path\":\"/var/log/journal/hsid/system.journal\"", PROTECTED_SOURCE);
	for (size_t s = 0; s < sizeof(sockets) / sizeof(sockets[0]); s++)
		unlink(sockets[s].path);
}

/*
 * Places root components run or obey beyond the first list: the user managers' generators and
 * settings under /run/systemd/, every user's runtime directory, lingering, apt's lists and
 * archives, other users' logins (authorized_keys, .profile) in /home and wherever /etc/passwd
 * puts an account that logs in, /opt. Host code: refused in every mode unless a write rule
 * names the place; uid 1000 in its own home too.
 */
VM_TEST(hoststate_host_places, 151)
{
	static const char *const places[] = {
	    "/run/systemd/user-generators/hs-gen",
	    "/run/systemd/user.conf.d/hs.conf",
	    "/run/systemd/resolve/stub-resolv.conf",
	    "/run/user/0/systemd/user/hs.service",
	    "/var/lib/systemd/linger/root",
	    "/var/lib/apt/lists/hs_InRelease",
	    "/var/cache/apt/archives/hs_1.0_amd64.deb",
	    "/home/hsu/.ssh/authorized_keys",
	    "/home/hsu/.profile",
	    "/opt/hs-tool",
	    "/var/lib/hsvc/.ssh/authorized_keys",
	    "/var/lib/hsvc/.profile",
	    "/var/lib/hsvc/.forward",
	};
	static const char *const cgroups[] = {HS, HS_AUDIT};
	long mark;

	hs_setup();
	VM_CHECK(system("mkdir -p /run/systemd/user-generators /run/systemd/user.conf.d "
			"/run/systemd/resolve && chmod 0777 /run/systemd/user-generators "
			"/run/systemd/user.conf.d /run/systemd/resolve") == 0);
	mark = event_mark();
	for (size_t c = 0; c < 2; c++)
		for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
			expect_path(cgroups[c], P_CREATE, places[i], 0, EPERM);
			unlink(places[i]);
		}
	expect_path(HS, P_CREATE, "/home/hsu/.profile", USER, EPERM);
	expect_path(HS, P_CREATE, "/run/user/0/systemd/user/hs.service", USER, EPERM);
	/* Named by a write rule: allowed, as for any host place. */
	expect_path(HS_NAMED, P_CREATE, "/home/hsu/.profile", USER, 0);
	expect_path(HS_NAMED, P_CREATE, "/home/hsu/.ssh/authorized_keys", 0, 0);
	expect_path(HS_NAMED, P_CREATE, "/opt/hs-tool", 0, EPERM);
	expect_path(NULL, P_CREATE, "/opt/hs-tool", 0, 0); /* control */
	/* The account's other files are its own; a nologin account's home is not host code. */
	expect_path(HS, P_CREATE, "/var/lib/hsvc/data", USER, 0);
	expect_path(HS, P_CREATE, "/var/lib/hsnol/.profile", 0, 0);
	expect_path(HS, P_CREATE, "/var/lib/hsvc/.bashrc", USER, EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs-audit\"",
			   "\"path\":\"/run/systemd/user-generators/hs-gen\"", HOST_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hs\"", "\"uid\":1000",
			   "\"path\":\"/home/hsu/.profile\"", HOST_SOURCE);
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		unlink(places[i]);
	unlink("/var/lib/hsvc/data");
	unlink("/var/lib/hsnol/.profile");
}
