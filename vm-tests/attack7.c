// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 7: an independent attacker against the enforcer itself (the daemon, its ring
 * buffer reader, its state directory and what it reports). Each case asserts the SECURE
 * outcome, so a failing case is an open route. The attacker is code that took over a confined
 * service whose policy allows every file, program and address and has no [system] key: a7
 * (enforce) and a7-audit (audit mode). Routes are tried as root and, where the kernel lets a
 * user, as uid 1000, with an unconfined control where one shows the route works.
 *
 * The cases of the run whose routes are closed or held (the others, still open, are in
 * vm-tests/pending/attack7.c with the run's whole file, and in docs/security.md, "Found by
 * attack run 7"): 270 (closed: a built-in's events are rate limited per target, not per
 * reason: the refused kill of lsmguard after ten refused signals to PID 1 is named by an event
 * of its own), 274 (held: the daemon's ring buffer and map descriptors and its consumer page
 * through /proc/PID/map_files, /proc/PID/fd, pidfd_getfd, process_vm_readv and
 * BPF_MAP_GET_FD_BY_ID, as root and uid 1000).
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
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
#include <linux/bpf.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "vmtest.h"
#include "vmutil.h"

#define A7 "/lgt/a7"
#define A7_AUDIT "/lgt/a7-audit"
#define A7_SVC "/lgt/a7-svc" /* an unconfined sibling: lsmguard.service beside the service */
#define USER 1000

#define A7_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char a7_policy[] = "[policy]\nname = a7\ncgroup = " A7 "\nmode = enforce\n" A7_RULES;
static const char a7_audit_policy[] =
    "[policy]\nname = a7-audit\ncgroup = " A7_AUDIT "\nmode = audit\n" A7_RULES;

static const char *const attackers[] = {A7, A7_AUDIT};
static const char *const attacker_names[] = {"enforce", "audit"};

static void a7_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/a7.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a7.ini", a7_policy, 0644);
		write_file(POLICY_DIR "/a7-audit.ini", a7_audit_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(A7);
	make_cgroup(A7_AUDIT);
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

/* ===================================================================================== */
/* 270: a built-in's rate limit, keyed by its reason, merges different targets.            */
/* ===================================================================================== */

#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#define A7_OPEN_TREE_CLONE 1

struct merge_arg {
	pid_t daemon;
	bool mount; /* fsopen x10, then open_tree(OPEN_TREE_CLONE); else signals */
};

static int do_merge(const void *data)
{
	const struct merge_arg *a = data;
	int r;

	if (a->mount) {
		for (int i = 0; i < 10; i++) {
			int fd = (int)syscall(SYS_fsopen, "tmpfs", 0);

			if (fd >= 0)
				close(fd);
		}
		r = (int)syscall(SYS_open_tree, AT_FDCWD, "/tmp", A7_OPEN_TREE_CLONE);
		if (r >= 0) {
			close(r);
			return 0;
		}
		return errno;
	}
	/* Ten refused signals to PID 1 (SIGCONT: harmless if one got through)... */
	for (int i = 0; i < 10; i++)
		kill(1, SIGCONT);
	/* ...then the one the attacker wants nobody to see, in the same second. */
	return kill(a->daemon, SIGKILL) ? errno : 0;
}

static int do_one_more(const void *data)
{
	const struct merge_arg *a = data;

	if (a->mount) {
		int fd = (int)syscall(SYS_fsopen, "tmpfs", 0);

		if (fd >= 0)
			close(fd);
		return fd >= 0 ? 0 : errno;
	}
	return kill(1, SIGCONT) ? errno : 0;
}

VM_TEST(a7_builtin_rate_limit_merges_different_targets, 270)
{
	pid_t daemon;

	a7_setup();
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	if (daemon <= 1)
		return;
	for (size_t c = 0; c < 2; c++) {
		for (int m = 0; m < 2; m++) {
			struct merge_arg a = {daemon, m == 1};
			const char *needle = m ? "\"path\":\"open_tree(OPEN_TREE_CLONE)\""
					       : "\"path\":\"lsmguard\"";
			const char *hook = m ? "\"hook\":\"capable\"" : "\"hook\":\"task_kill\"";
			const char *const needles[] = {hook, needle, NULL};
			long mark = event_mark();
			int r = in_cgroup(attackers[c], do_merge, &a), r2;
			bool seen;

			usleep(1200 * 1000); /* past the rate window: the next one says what it held */
			r2 = in_cgroup(attackers[c], do_one_more, &a);
			seen = wait_event_after(mark, needles, 3000);
			printf("# %s: %s: the last call %s (then one more: %s); its own event (%s) %s\n",
			       attacker_names[c],
			       m ? "10 x fsopen, then open_tree(OPEN_TREE_CLONE)"
				 : "10 x kill(1, SIGCONT), then kill(lsmguard, SIGKILL)",
			       res(r), res(r2), needle, seen ? "printed" : "NEVER printed");
			print_events_after(mark, m ? "\"hook\":\"capable\"" : "\"hook\":\"task_kill\"");
			VM_CHECK(m || r == EPERM);
			VM_CHECK(kill(daemon, 0) == 0);
			if (!seen)
				VM_FAIL("%s: %s: the event naming the last target was merged into "
					"the first ten's (rate limit keyed by the built-in's reason)",
					attacker_names[c], m ? "open_tree" : "kill(lsmguard)");
		}
	}
}

/* ===================================================================================== */
/* 274, 276: the daemon's map descriptors and mappings.                                    */
/* ===================================================================================== */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

struct daemon_maps {
	pid_t pid;
	int ring_fd;		/* the events ring buffer's descriptor number in the daemon */
	unsigned ring_id;
	int other_fd;		/* another map (a hash or array): the config, rules... */
	unsigned long consumer; /* the consumer page's address in the daemon */
	char consumer_range[64];
};

static int fdinfo_field(pid_t pid, int fd, const char *field)
{
	char path[64], line[128];
	size_t len = strlen(field);
	int value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0)
			value = (int)strtol(line + len, NULL, 0);
	fclose(f);
	return value;
}

static bool find_daemon_maps(struct daemon_maps *m)
{
	char path[64], link[128], line[512];
	struct dirent *e;
	DIR *dir;
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->pid = daemon_pid();
	m->ring_fd = m->other_fd = -1;
	if (m->pid <= 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)m->pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((e = readdir(dir))) {
		char lp[384];
		ssize_t n;
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(lp, sizeof(lp), "%s/%s", path, e->d_name);
		n = readlink(lp, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:bpf-map") != 0)
			continue;
		if (fdinfo_field(m->pid, fd, "map_type:") == BPF_MAP_TYPE_RINGBUF) {
			m->ring_fd = fd;
			m->ring_id = (unsigned)fdinfo_field(m->pid, fd, "map_id:");
		} else if (m->other_fd < 0 &&
			   fdinfo_field(m->pid, fd, "map_type:") == BPF_MAP_TYPE_HASH) {
			m->other_fd = fd;
		}
	}
	closedir(dir);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)m->pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		if (!strstr(line, "bpf-map") ||
		    sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		/* The consumer page: the one page mapped writable and shared. */
		if (hi - lo == 4096 && perms[1] == 'w' && perms[3] == 's' && !m->consumer) {
			m->consumer = lo;
			snprintf(m->consumer_range, sizeof(m->consumer_range), "%lx-%lx", lo, hi);
		}
	}
	fclose(f);
	return m->ring_fd >= 0;
}

enum steal_op { STEAL_MAP_FILES, STEAL_PROC_FD, STEAL_PIDFD_GETFD, STEAL_VM_READV,
		STEAL_MAP_BY_ID, STEAL_GETFD_OTHER, STEAL_WRITE_RATE };
static const char *const steal_names[] = {
    "open /proc/D/map_files/<consumer page> O_RDWR", "open /proc/D/fd/<ring buffer>",
    "pidfd_getfd(<ring buffer>)", "process_vm_readv(<consumer page>)",
    "bpf(BPF_MAP_GET_FD_BY_ID, <ring buffer>)", "pidfd_getfd(<a hash map>)",
    "pidfd_getfd of each map until lg_rate, then BPF_MAP_UPDATE_ELEM of a new key (deleted)"};

/* Every bpf-map descriptor of the daemon taken with pidfd_getfd until lg_rate; a key of all
 * 0xff bytes inserted (BPF_NOEXIST), then deleted. 0: written; else the errno of the step. */
static int steal_and_write(pid_t pid)
{
	char path[64], lp[384], link[64];
	struct dirent *e;
	int pidfd, ret = 170;
	DIR *dir;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return 100 + errno;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 171;
	while ((e = readdir(dir))) {
		struct bpf_map_info info;
		union bpf_attr attr;
		unsigned char key[256], value[4096];
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(lp, sizeof(lp), "%s/%s", path, e->d_name);
		n = readlink(lp, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:bpf-map") != 0)
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(e->d_name), 0);
		if (fd < 0) {
			ret = errno;
			continue;
		}
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (unsigned)fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (unsigned long)&info;
		if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) ||
		    strcmp(info.name, "lg_rate") != 0 || info.key_size > sizeof(key) ||
		    info.value_size > sizeof(value)) {
			close(fd);
			continue;
		}
		memset(key, 0xff, sizeof(key));
		memset(value, 0, sizeof(value));
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = (unsigned)fd;
		attr.key = (unsigned long)key;
		attr.value = (unsigned long)value;
		attr.flags = BPF_NOEXIST;
		ret = syscall(SYS_bpf, BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr)) ? errno : 0;
		if (ret == 0) {
			attr.flags = 0;
			syscall(SYS_bpf, BPF_MAP_DELETE_ELEM, &attr, sizeof(attr));
		}
		close(fd);
		break;
	}
	closedir(dir);
	close(pidfd);
	return ret;
}

struct steal_arg {
	enum steal_op op;
	uid_t uid;
	const struct daemon_maps *m;
};

/* 0: got a descriptor that maps the consumer page writable (or read the page); else errno. */
static int do_steal(const void *data)
{
	const struct steal_arg *a = data;
	const struct daemon_maps *m = a->m;
	char path[128];
	int fd = -1, pidfd;
	void *p;

	if (drop_to(a->uid))
		return 200;
	switch (a->op) {
	case STEAL_MAP_FILES:
		snprintf(path, sizeof(path), "/proc/%d/map_files/%s", (int)m->pid,
			 m->consumer_range);
		fd = open(path, O_RDWR);
		break;
	case STEAL_PROC_FD:
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)m->pid, m->ring_fd);
		fd = open(path, O_RDWR);
		break;
	case STEAL_PIDFD_GETFD:
	case STEAL_GETFD_OTHER:
		pidfd = (int)syscall(SYS_pidfd_open, m->pid, 0);
		if (pidfd < 0)
			return 100 + errno;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd,
				  a->op == STEAL_PIDFD_GETFD ? m->ring_fd : m->other_fd, 0);
		break;
	case STEAL_VM_READV: {
		unsigned long pos = 0;
		struct iovec local = {&pos, sizeof(pos)};
		struct iovec remote = {(void *)m->consumer, sizeof(pos)};

		return process_vm_readv(m->pid, &local, 1, &remote, 1, 0) == sizeof(pos) ? 0
											  : errno;
	}
	case STEAL_WRITE_RATE:
		return steal_and_write(m->pid);
	case STEAL_MAP_BY_ID: {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_id = m->ring_id;
		fd = (int)syscall(SYS_bpf, BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr));
		break;
	}
	}
	if (fd < 0)
		return errno;
	if (a->op == STEAL_GETFD_OTHER) {
		/* A write-capable descriptor of lsmguard's map: a key that cannot exist, looked
		 * up only (BPF_MAP_LOOKUP_ELEM works on any descriptor); write access is what the
		 * descriptor's mode says. */
		int flags = fcntl(fd, F_GETFL);

		close(fd);
		return flags >= 0 && (flags & O_ACCMODE) == O_RDWR ? 0 : 180;
	}
	/* The consumer page mapped writable: the reader's position is ours to move. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		close(fd);
		return 150 + e;
	}
	munmap(p, 4096);
	close(fd);
	return 0;
}

VM_TEST(a7_daemon_ring_buffer_descriptors_and_mappings, 274)
{
	struct daemon_maps m;

	a7_setup();
	if (!find_daemon_maps(&m)) {
		VM_FAIL("cannot find the daemon's ring buffer descriptor");
		return;
	}
	printf("# the daemon %d: ring buffer fd %d (map id %u), consumer page %s, a hash map fd "
	       "%d\n",
	       (int)m.pid, m.ring_fd, m.ring_id, m.consumer_range, m.other_fd);
	for (size_t c = 0; c < 2; c++) {
		for (int u = 0; u < 2; u++) {
			for (int op = 0; op <= STEAL_WRITE_RATE; op++) {
				struct steal_arg a = {(enum steal_op)op, u ? USER : 0, &m};
				int r = in_cgroup(attackers[c], do_steal, &a);

				printf("# %s, uid %d: %s: %s\n", attacker_names[c], u ? USER : 0,
				       steal_names[op], res(r));
				VM_CHECK(r != 0);
				VM_CHECK(kill(m.pid, 0) == 0);
			}
		}
	}
}

