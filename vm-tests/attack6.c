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
 * The cases of the run whose routes are closed (the others, still open, are in
 * vm-tests/pending/attack6.c with the run's whole file): 250 (closed: file_send_sigiotask lets
 * only the daemon itself raise a signal to itself; a confined F_SETOWN to it is refused),
 * 255 (closed: FS_IOC_SETFSLABEL, EXT4_IOC_SETFSUUID and ext4's resizes are host-control
 * ioctls), 257 (held), 258 (closed: swapon and swapoff are host-control at capable), 259
 * (closed: a hard link, like a rename, cannot take a program out of its [exec] deny rule),
 * 260 (held), 261 (closed for lsmguard: a restarted daemon needs no epoll watch; the other
 * root processes' part is open and stays in pending/).
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
	int preset[2]; /* {-1, -1}, or a pipe whose owner the suite set (a setting that raced) */
};

static int do_sigio(const void *data)
{
	const struct sigio_arg *a = data;
	int fds[2], status;
	char buf[512];
	pid_t child;

	if (drop_to(a->uid))
		return 200;
	if (a->preset[0] >= 0) {
		fds[0] = a->preset[0];
		fds[1] = a->preset[1];
	} else if (pipe(fds)) {
		return 201;
	} else if (fcntl(fds[0], F_SETOWN, a->target) || fcntl(fds[0], F_SETSIG, a->sig) ||
		   fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK)) {
		return errno;
	}
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
		struct sigio_arg own = {daemon, 0, false, SIGSTOP, {-1, -1}};
		struct sigio_arg via = {daemon, 0, true, SIGSTOP, {-1, -1}};
		int r, p[2];
		char st;

		mark = event_mark();
		/* Closed at the setting: a confined task names only itself as an owner. */
		r = in_cgroup(attackers[c], do_sigio, &own);
		st = task_state(daemon);
		printf("# %s: F_SETOWN daemon + F_SETSIG SIGSTOP, attacker writes: %s, daemon %c\n",
		       attacker_names[c], res(r), st);
		VM_CHECK(r == EPERM && st != 'T');
		r = in_cgroup(attackers[c], do_sigio, &via);
		VM_CHECK(r == EPERM && task_state(daemon) != 'T');
		/* The route as run 6 found it, the owner set by someone the setting check does not
		 * stop (here the suite, as a racing thread would): the write made by /bin/lsmguard
		 * run by the attacker (its stderr is the pipe). */
		VM_CHECK(pipe(p) == 0);
		VM_CHECK(fcntl(p[0], F_SETOWN, daemon) == 0 && fcntl(p[0], F_SETSIG, SIGSTOP) == 0 &&
			 fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK) == 0);
		via.preset[0] = p[0];
		via.preset[1] = p[1];
		r = in_cgroup(attackers[c], do_sigio, &via);
		close(p[0]);
		close(p[1]);
		usleep(200 * 1000);
		st = task_state(daemon);
		printf("# %s: the write made by `lsmguard check` run by the attacker: %s, "
		       "daemon state %c\n",
		       attacker_names[c], res(r), st);
		VM_CHECK(r == 0);
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
		struct sigio_arg via = {daemon, USER, true, SIGSTOP, {-1, -1}};
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
/* 257: the other policy's denied directory and program, by new routes.                    */
/* ===================================================================================== */

/* A parent and its child hand each other a byte (the run's pipes, shared by its cases). */
static int sniff_ready[2], reuse_ready[2];

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
		/* Closed: the link is refused like the rename, so the program never has a name
		 * outside its rule (and is gone once unlinked). */
		VM_CHECK(r_lnk == EPERM);
		VM_CHECK(r_x2 == ENOENT && r_x1 == ENOENT);
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
/* 261 (the daemon's part): root's per-user budgets used up by a confined root. The epoll  */
/* watches, inotify instances and mount namespaces are counted per user and shared by every */
/* root process; lsmguard's next start must need none of them.                              */
/* ===================================================================================== */

static int budget_ready[2];

struct budget_report {
	long watches;	   /* epoll watches the attacker holds */
	int watch_errno;   /* what stopped it (ENOSPC: the budget is spent) */
	int inotify;	   /* inotify instances it holds */
	int inotify_errno; /* EMFILE: the per-user limit reached */
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

/* A confined write to the policy directory: refused, and the daemon's event says so. */
static int do_protected_write(const void *data)
{
	int fd = open(POLICY_DIR "/a6-budget.ini", O_WRONLY | O_CREAT, 0644);

	(void)data;
	if (fd >= 0) {
		close(fd);
		unlink(POLICY_DIR "/a6-budget.ini");
		return 0;
	}
	return errno;
}

/*
 * Start `lsmguard run` with its lines apart from the suite's log; once ready, have a confined
 * task trip a protection and wait for that denial's event. 0: ready and the event came.
 */
static int restart_and_see_an_event(const char *cgroup, char *out_text, size_t size)
{
	int out = open("/run/a6-daemon.log", O_RDWR | O_CREAT | O_TRUNC, 0644), status = -1;
	long end = vm_now_ms() + 30000;
	bool ready = false;
	int result = 98;
	pid_t pid;

	out_text[0] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(out, 2);
		execl(LSMGUARD, "lsmguard", "run", "--policy-dir", POLICY_DIR, (char *)NULL);
		_exit(127);
	}
	while (vm_now_ms() < end) {
		ssize_t n = pread(out, out_text, size - 1, 0);

		out_text[n > 0 ? n : 0] = '\0';
		if (waitpid(pid, &status, WNOHANG) == pid) {
			close(out);
			return WIFEXITED(status) ? 100 + WEXITSTATUS(status) : 99;
		}
		if (!ready && strstr(out_text, "\"event\":\"ready\"")) {
			struct a6_proc w;

			ready = true;
			if (!a6_spawn(&w, cgroup, do_protected_write, NULL))
				break;
			if (a6_wait(&w, 10000) != EPERM) {
				result = 97;
				break;
			}
		}
		if (ready && strstr(out_text, "\"path\":\"" POLICY_DIR "/a6-budget.ini\"")) {
			result = 0;
			break;
		}
		usleep(50 * 1000);
	}
	kill(pid, SIGTERM);
	if (!wait_exit(pid, 10000))
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(out);
	return result;
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

VM_TEST(a6_restarted_daemon_needs_no_per_user_budget, 261)
{
	a6_setup();
	VM_TIMEOUT(150);
	for (size_t c = 0; c < 2; c++) {
		struct budget_report rep = {0};
		struct pollfd pfd;
		struct a6_proc hog;
		struct epoll_event ev = {.events = EPOLLIN};
		static char text[64 * 1024];
		int ep, efd, add, started;
		pid_t daemon;

		budget_given_back();
		VM_CHECK(pipe(budget_ready) == 0);
		VM_CHECK(a6_spawn(&hog, attackers[c], do_budget, NULL));
		pfd = (struct pollfd){.fd = budget_ready[0], .events = POLLIN};
		if (poll(&pfd, 1, 60000) != 1 ||
		    read(budget_ready[0], &rep, sizeof(rep)) != sizeof(rep)) {
			VM_FAIL("the attacker reported nothing");
			a6_wait(&hog, 100);
			continue;
		}
		close(budget_ready[0]);
		close(budget_ready[1]);
		/* The budget is spent for every root process (the part still open: no LSM hook
		 * at epoll_ctl or inotify_init on 6.1; docs/security.md, attack run 6). */
		ep = epoll_create1(EPOLL_CLOEXEC);
		efd = eventfd(0, EFD_CLOEXEC);
		add = epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) ? errno : 0;
		close(ep);
		close(efd);
		printf("# %s: the confined root holds %ld epoll watches (stopped by %s) and %d "
		       "inotify instances (stopped by %s); an unconfined root's epoll_ctl(ADD): %s\n",
		       attacker_names[c], rep.watches, res(rep.watch_errno), rep.inotify,
		       res(rep.inotify_errno), res(add));
		VM_CHECK(rep.watch_errno == ENOSPC);
		VM_CHECK(add == ENOSPC);
		/* The administrator restarts lsmguard (an upgrade, a crash, systemctl restart):
		 * the old daemon's watch goes to the attacker as it exits. */
		daemon = daemon_pid();
		if (daemon > 1) {
			kill(daemon, SIGTERM);
			wait_exit(daemon, 10000);
		}
		started = restart_and_see_an_event(attackers[c], text, sizeof(text));
		/* 97: the write was not refused; 98: no ready line or no event in time;
		 * 100 + status: the daemon exited. */
		printf("# %s: lsmguard run while the budget is spent: %s (code %d)\n",
		       attacker_names[c],
		       started == 0 ? "ready, the next denial's event delivered" : "failed", started);
		if (started) {
			char *nl;

			for (char *line = text; *line; line = nl + 1) {
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
