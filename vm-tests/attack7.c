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
 * BPF_MAP_GET_FD_BY_ID, as root and uid 1000), 275 and 278 (closed: the daemon's record and its
 * lost-event snapshot are pinned maps, so a /run filled by a confined root makes status lie no
 * more and the next daemon report no loss twice), 277 (closed: held-back counts live outside
 * the rate limit's LRU records, in lg_held), 279 (closed: the kernel's share of the link records
 * counted exactly, every confined link() past it refused, and a reserve for the files of exact
 * deny rules recorded at reloads). Their cases here are rewritten from the run's (the run's
 * 277 relied on the kill of lsmguard being held back, which 270's fix ended).
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
#include <sys/prctl.h>
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


/* ===================================================================================== */
/* 275, 278: /run filled by a confined root: what status and the next daemon go by.       */
/* ===================================================================================== */

#define A7_FILL "/run/a7fill"
#define A7_RECORD "/sys/fs/bpf/lsmguard/maps/lg_daemon_state"
#define A7_S275 "/lgt/a7-s275"

struct fill_arg {
	uid_t uid;
	const char *path;
};

/* Write path until the filesystem is full (0), or the errno of the open. */
static int do_fill(const void *data)
{
	const struct fill_arg *a = data;
	static char chunk[1 << 20];
	int fd;

	if (drop_to(a->uid))
		return 200;
	fd = open(a->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return errno;
	memset(chunk, 'x', sizeof(chunk));
	for (long total = 0; total < (8L << 30); total += sizeof(chunk)) {
		if (write(fd, chunk, sizeof(chunk)) < (ssize_t)sizeof(chunk)) {
			while (write(fd, chunk, 4096) > 0)
				;
			while (write(fd, chunk, 1) > 0)
				;
			break;
		}
	}
	close(fd);
	return 0;
}

static int bpf_obj_get_raw(const char *path, __u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	attr.file_flags = flags;
	return (int)syscall(SYS_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
}

/* The daemon's record taken for writing (0) or removed, as the task in its cgroup: errno. */
static int do_take_record(const void *data)
{
	int fd = bpf_obj_get_raw(A7_RECORD, 0);

	(void)data;
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EPERM)
		return 100 + errno;
	return unlink(A7_RECORD) ? errno : 0;
}

/* `lsmguard status --json` into out; its "generation", or -1. */
static long status_json_generation(char *out, size_t size)
{
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	const char *at;

	if (run_command(argv, out, size) != 0 || !(at = strstr(out, "\"generation\":")))
		return -1;
	return atol(at + strlen("\"generation\":"));
}

VM_TEST(a7_full_run_status_names_the_generation_in_force, 275)
{
	static char out[1048576];
	pid_t daemon;

	a7_setup();
	VM_TIMEOUT(120);
	VM_EXPECT_DAEMON_WARNING("cannot write /run/lsmguard/state");
	VM_EXPECT_DAEMON_WARNING("cannot write /run/lsmguard/reloads");
	VM_EXPECT_DAEMON_WARNING("cannot write the metrics file");
	daemon = daemon_pid();
	VM_CHECK(daemon > 1);
	make_cgroup(A7_S275);
	for (size_t c = 0; c < 2; c++) {
		struct fill_arg a = {0, A7_FILL};
		char policy[256], name[64], needle[96];
		long gen0 = status_json_generation(out, sizeof(out)), gen1 = -1;
		int file0 = state_generation(), r;

		snprintf(name, sizeof(name), "a7-s275-%s", attacker_names[c]);
		snprintf(policy, sizeof(policy),
			 "[policy]\nname = %s\ncgroup = " A7_S275 "\nmode = enforce\n" A7_RULES,
			 name);
		r = in_cgroup(attackers[c], do_fill, &a);
		printf("# %s: /run filled by the confined root: %s\n", attacker_names[c], res(r));
		VM_CHECK(r == 0);
		/* A policy only the new generation has. */
		write_file(POLICY_DIR "/a7-s275.ini", policy, 0644);
		kill(daemon, SIGHUP);
		/* Until status names the new generation and knows its policies: between the
		 * reload taking effect and the daemon writing its record, status honestly says
		 * "policies_known":false (seen under preempt=full). */
		for (long end = vm_now_ms() + 10000; vm_now_ms() < end; usleep(100 * 1000)) {
			gen1 = status_json_generation(out, sizeof(out));
			if (gen1 > gen0 && strstr(out, "\"policies_known\":true"))
				break;
		}
		snprintf(needle, sizeof(needle), "\"name\":\"%s\"", name);
		printf("# %s: after SIGHUP with /run full: status's generation %ld -> %ld, the "
		       "/run copy's %d -> %d; status lists %s: %s\n",
		       attacker_names[c], gen0, gen1, file0, state_generation(), name,
		       strstr(out, needle) ? "yes" : "NO");
		VM_CHECK(gen1 == gen0 + 1);
		VM_CHECK(strstr(out, "\"policies_known\":true") != NULL);
		if (!strstr(out, needle))
			VM_FAIL("%s: status names generation %ld but not its policy %s (the "
				"record of the generation before)",
				attacker_names[c], gen1, name);
		/* learn --duration goes by the record too: with /run full it waited out 6 s for
		 * the /run copy's generation and failed ("did not load the learning policy"). */
		if (c == 0) {
			const char *const learn[] = {LSMGUARD,	    "learn",	     "a7-learn",
						     "--cgroup",    "/lgt/a7-learn", "--duration",
						     "3",	    "--events",	     EVENT_LOG,
						     "--policy-dir", POLICY_DIR,     "-o",
						     "/tmp/a7-learned.ini", NULL};
			long start = vm_now_ms(), gen = status_json_generation(out, sizeof(out));
			int status = -1;
			pid_t pid;

			make_cgroup("/lgt/a7-learn");
			pid = fork();
			if (pid == 0) {
				execv(LSMGUARD, (char *const *)learn);
				_exit(127);
			}
			/* Once the learning policy is in force (loaded with /run full: what this
			 * checks), something for it to learn; the event log is in /run too, so room
			 * for the probe's event is made first (a full page or not was luck: the
			 * preempt=full run of 2026-12-02 found none, "0 lines"). Three seconds to
			 * learn: under preempt=full the probe's fork, move and open once took longer
			 * than a 1-second window (ci-run32: "no event of policy 'a7-learn'"). */
			while (status_json_generation(out, sizeof(out)) == gen &&
			       vm_now_ms() - start < 5000)
				usleep(50 * 1000);
			VM_CHECK(truncate(A7_FILL, 0) == 0);
			write_file("/tmp/a7-learn-probe", "x\n", 0644);
			VM_CHECK(try_open("/lgt/a7-learn", "/tmp/a7-learn-probe", O_RDONLY) == 0);
			VM_CHECK(waitpid(pid, &status, 0) == pid);
			printf("# learn --duration 3 with /run full: status 0x%x after %ld ms\n",
			       status, vm_now_ms() - start);
			VM_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			unlink("/tmp/a7-learned.ini");
		}
		/* The record cannot be taken or removed by the confined root. */
		r = in_cgroup(attackers[c], do_take_record, NULL);
		printf("# %s: the confined root takes the record for writing, removes it: %s\n",
		       attacker_names[c], res(r));
		VM_CHECK(r == EPERM);
		VM_CHECK(system("rm -f " A7_FILL) == 0);
		unlink(POLICY_DIR "/a7-s275.ini");
		VM_CHECK(daemon_reload_wait()); /* the /run copy again */
		VM_CHECK(state_generation() == status_json_generation(out, sizeof(out)));
		VM_CHECK(!strstr(out, needle));
		VM_CHECK(kill(daemon, 0) == 0);
	}
	{
		/* Root outside every policy: read-only, as for the object's maps. */
		int rw = bpf_obj_get_raw(A7_RECORD, 0), rw_errno = errno;
		int ro = bpf_obj_get_raw(A7_RECORD, BPF_F_RDONLY);

		printf("# unconfined root: the record for writing %s, read-only %s\n",
		       rw >= 0 ? "success" : strerror(rw_errno), ro >= 0 ? "success" : "refused");
		VM_CHECK(rw < 0 && rw_errno == EPERM);
		VM_CHECK(ro >= 0);
		if (rw >= 0)
			close(rw);
		if (ro >= 0)
			close(ro);
	}
	{
		struct fill_arg a = {USER, A7_FILL};
		struct stat st;
		int r;

		/* The VM mounts /run as tmpfs's default 1777; Debian's is 0755. */
		VM_CHECK(stat("/run", &st) == 0);
		VM_CHECK(chmod("/run", 0755) == 0);
		r = in_cgroup(A7, do_fill, &a);
		chmod("/run", st.st_mode & 07777);
		printf("# uid 1000, /run 0755 as on Debian: %s\n", res(r));
		VM_CHECK(r == EACCES);
		system("rm -f " A7_FILL);
	}
}

/* n refused creations of distinct names in the policy directory (a built-in protection); a
 * negative n: each name twice, so that every rate-limit record is used again and the LRU map
 * keeps none for being used (attack run 7's way to evict a record). */
static int do_flood_protected(const void *data)
{
	int n = *(const int *)data, refused = 0, twice = n < 0;

	if (twice)
		n = -n;
	for (int i = 0; i < n; i++) {
		char path[96];
		int fd;

		snprintf(path, sizeof(path), POLICY_DIR "/a7-%d.ini", twice ? i / 2 : i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		} else if (errno == EPERM) {
			refused++;
		}
	}
	return refused == n ? 0 : 1;
}

/* `lsmguard run` with its lines in log (not on /run); its pid once ready, or -1. */
static pid_t start_own_daemon(const char *log)
{
	int out = open(log, O_RDWR | O_CREAT | O_TRUNC, 0644);
	long end = vm_now_ms() + 30000;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(out, 2);
		/* the case's own daemon: gone with it, were the case killed (stopped or not) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(LSMGUARD, "lsmguard", "run", "--policy-dir", POLICY_DIR, (char *)NULL);
		_exit(127);
	}
	while (vm_now_ms() < end) {
		/* After the events it found queued, which can be megabytes. */
		FILE *f = fopen(log, "r");
		char line[4096];
		bool ready = false;
		int status;

		while (f && !ready && fgets(line, sizeof(line), f))
			ready = strstr(line, "\"event\":\"ready\"") != NULL;
		if (f)
			fclose(f);
		if (ready) {
			close(out);
			return pid;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			printf("# lsmguard run exited (status %d)\n", status);
			close(out);
			return -1;
		}
		usleep(50 * 1000);
	}
	close(out);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void stop_own_daemon(pid_t pid)
{
	kill(pid, SIGTERM);
	if (!wait_exit(pid, 10000))
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The sum of "count" of the "lost" lines of lost_in in log, and how many lines. */
static long lost_in_log(const char *log, const char *lost_in, int *lines)
{
	char line[4096], needle[64];
	long sum = 0;
	FILE *f = fopen(log, "r");

	*lines = 0;
	if (!f)
		return -1;
	snprintf(needle, sizeof(needle), "\"lost_in\":\"%s\"", lost_in);
	while (fgets(line, sizeof(line), f)) {
		char *count = strstr(line, "\"count\":");

		if (!strstr(line, "\"event\":\"lost\"") || !strstr(line, needle) || !count)
			continue;
		sum += atol(count + 8);
		(*lines)++;
	}
	fclose(f);
	return sum;
}

/* The losses of the ring buffer log reports, once it reports some (within 10 s), read again a
 * second later so that a second report would be counted; 0 when none came. */
static long lost_reported(const char *log, int *lines)
{
	long end = vm_now_ms() + 10000, lost;

	while ((lost = lost_in_log(log, "ring_buffer", lines)) <= 0 && vm_now_ms() < end)
		usleep(100 * 1000);
	if (lost > 0) {
		sleep(1);
		lost = lost_in_log(log, "ring_buffer", lines);
	}
	return lost;
}

VM_TEST(a7_full_run_at_a_restart_reports_losses_once, 278)
{
	struct fill_arg fill = {0, A7_FILL};
	int flood = 20000, lines1 = 0, lines2 = 0, lines3 = 0, r;
	long lost1 = -1, lost2 = -1, lost3 = -1;
	pid_t d0, d1, d2 = -1, d3 = -1;

	a7_setup();
	VM_TIMEOUT(180);
	d0 = daemon_pid();
	if (d0 > 1) {
		kill(d0, SIGTERM);
		VM_CHECK(wait_exit(d0, 10000));
	}
	r = in_cgroup(A7, do_fill, &fill);
	printf("# /run filled by the confined root: %s\n", res(r));
	VM_CHECK(r == 0);
	/* A restart (upgrade, crash, systemctl restart) while /run is full. */
	d1 = start_own_daemon("/tmp/a7-d1.log");
	VM_CHECK(d1 > 0);
	if (d1 > 0) {
		/* Losses: more distinct denials at once than the ring buffer holds. The daemon is
		 * stopped meanwhile: reading as they come, it can keep up with the flood (CI:
		 * 54 lost one run, none the next), and losses are what is tested. */
		VM_CHECK(kill(d1, SIGSTOP) == 0);
		r = in_cgroup(A7, do_flood_protected, &flood);
		VM_CHECK(r == 0);
		VM_CHECK(kill(d1, SIGCONT) == 0);
		lost1 = lost_reported("/tmp/a7-d1.log", &lines1);
		stop_own_daemon(d1);
		/* The next daemon, /run still full: it starts from the pinned snapshot. */
		d2 = start_own_daemon("/tmp/a7-d2.log");
		VM_CHECK(d2 > 0);
	}
	if (d2 > 0) {
		sleep(3);
		lost2 = lost_in_log("/tmp/a7-d2.log", "ring_buffer", &lines2);
		/* Losses while no daemon reads: said once, by the next one. */
		stop_own_daemon(d2);
		r = in_cgroup(A7, do_flood_protected, &flood);
		VM_CHECK(r == 0);
		d3 = start_own_daemon("/tmp/a7-d3.log");
		VM_CHECK(d3 > 0);
	}
	if (d3 > 0) {
		lost3 = lost_reported("/tmp/a7-d3.log", &lines3);
		stop_own_daemon(d3);
	}
	VM_CHECK(system("rm -f " A7_FILL) == 0);
	printf("# /run full: the first daemon reported %ld lost events (%d lines); the next, with "
	       "no loss since, %ld (%d lines); the third, after a flood with no daemon, %ld (%d "
	       "lines)\n",
	       lost1, lines1, lost2, lines2, lost3, lines3);
	VM_CHECK(lost1 > 0);
	VM_CHECK(lines1 == 1);
	if (lost2 != 0)
		VM_FAIL("the same %ld lost events reported again by the next daemon (the snapshot "
			"was not saved on a full /run)",
			lost2);
	VM_CHECK(lost3 > 0);
	VM_CHECK(lines3 == 1);
	{
		long mark = event_mark();

		/* The suite's daemon again: nothing lost since the last look. */
		VM_CHECK(daemon_start() > 0);
		sleep(2);
		VM_CHECK(count_events_after(mark, "\"lost_in\":\"ring_buffer\"") == 0);
	}
}

/* ===================================================================================== */
/* 277: the held-back count evicted from the rate limit's LRU map.                       */
/* ===================================================================================== */

/* Fifteen SIGCONTs to PID 1 in a second (ten events, five held back): how many refused. */
static int do_fifteen_kills(const void *data)
{
	int refused = 0;

	(void)data;
	for (int i = 0; i < 15; i++)
		refused += kill(1, SIGCONT) && errno == EPERM;
	return refused;
}

static int do_one_kill(const void *data)
{
	(void)data;
	return kill(1, SIGCONT) ? errno : 0;
}

/* The sum of the numbers after member in the lines after mark that have every needle (a line
 * without member counts 0); -1: no such line. Summed, not the first: the events of the fifteen
 * kills may reach the log after the mark when the daemon lags (the thirteenth session's full
 * suite saw the audit round's ten land there, the first of them read as the next event). */
static long member_after(long mark, const char *const *needles, const char *member)
{
	char line[4096];
	long value = -1;
	FILE *f = fopen(EVENT_LOG, "r");

	if (!f)
		return -1;
	fseek(f, mark, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		bool all = true;
		const char *at;

		for (const char *const *n = needles; *n; n++)
			all = all && strstr(line, *n);
		if (all)
			value = (value < 0 ? 0 : value) +
				((at = strstr(line, member)) ? atol(at + strlen(member)) : 0);
	}
	fclose(f);
	return value;
}

VM_TEST(a7_suppressed_count_evicted_from_the_rate_limit, 277)
{
	for (size_t c = 0; c < 2; c++) {
		const char *const next[] = {"\"hook\":\"task_kill\"",
					    "\"path\":\"PID 1 (the service manager)\"", NULL};
		const char *const lost[] = {"\"event\":\"lost\"", "\"lost_in\":\"rate_limit\"",
					    "\"hook\":\"task_kill\"", NULL};
		int flood = -131072, r, rf;
		long mark, t0, carried, counted;

		a7_setup();
		VM_TIMEOUT(240);
		usleep(1200 * 1000);
		r = in_cgroup(attackers[c], do_fifteen_kills, NULL);
		usleep(500 * 1000); /* their ten events written before the mark */
		mark = event_mark();
		t0 = vm_now_ms();
		/* 65,536 distinct refused names, each twice: four times lg_rate's records. */
		rf = in_cgroup(attackers[c], do_flood_protected, &flood);
		printf("# %s: 15 kill(1), %d refused; then 65536 distinct refused names, twice "
		       "(%s) in %ld ms\n",
		       attacker_names[c], r, res(rf), vm_now_ms() - t0);
		/* Refused in both modes: PID 1 is a protection. */
		VM_CHECK(r == 15);
		VM_CHECK(rf == 0);
		usleep(1200 * 1000);
		r = in_cgroup(attackers[c], do_one_kill, NULL);
		VM_CHECK(r == EPERM);
		VM_CHECK(wait_event_after(mark, next, 5000));
		sleep(2); /* a "lost" line comes within a second */
		carried = member_after(mark, next, "\"suppressed_before\":");
		counted = member_after(mark, lost, "\"count\":");
		print_events_after(mark, "\"hook\":\"task_kill\"");
		printf("# %s: the five held back: carried by the next event %ld, in a lost event "
		       "%ld\n",
		       attacker_names[c], carried, counted);
		/* Exactly once: in the next event's suppressed_before, or in a "lost" line. */
		if ((carried > 0 ? carried : 0) + (counted > 0 ? counted : 0) != 5)
			VM_FAIL("%s: the five held-back kill(1) are accounted %ld + %ld times "
				"(their count left with the evicted rate-limit record)",
				attacker_names[c], carried, counted);
	}
}

/* ===================================================================================== */
/* 279: the hard-link records used up by one service.                                     */
/* ===================================================================================== */

#define A7_OTHER "/lgt/a7-other"
#define A7_LINKS "/data/a7links"
static const char a7_other_policy[] = "[policy]\nname = a7-other\ncgroup = " A7_OTHER
				      "\nmode = enforce\n" A7_RULES;
static const char a7_denying_policy[] = "[policy]\nname = a7\ncgroup = " A7 "\nmode = enforce\n"
					"[files]\ndefault = allow\ndeny = " A7_LINKS "/secret\n"
					"[exec]\ndefault = allow\n[network]\ndefault = allow\n";

struct links_report {
	int made;
	int stop_errno;
};

static int links_ready[2];

/* A process run in cgroup (moved in before it starts); a7_wait collects fn's result. */
struct a7_proc {
	pid_t pid;
	int result_fd;
};

static bool a7_spawn(struct a7_proc *p, const char *cgroup, int (*fn)(const void *),
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

static int a7_wait(struct a7_proc *p, int timeout_ms)
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

/* Files with a second name each until the records are full; then it holds them. */
static int do_fill_links(const void *data)
{
	struct links_report rep = {0, 0};

	(void)data;
	mkdir(A7_LINKS "/f", 0755);
	for (int i = 0; i < 40000; i++) {
		char a[96], b[96];
		int fd;

		snprintf(a, sizeof(a), A7_LINKS "/f/%d", i);
		snprintf(b, sizeof(b), A7_LINKS "/f/%d.l", i);
		fd = open(a, O_WRONLY | O_CREAT, 0644);
		if (fd < 0) {
			rep.stop_errno = 1000 + errno;
			break;
		}
		close(fd);
		if (link(a, b)) {
			rep.stop_errno = errno;
			break;
		}
		rep.made++;
	}
	if (write(links_ready[1], &rep, sizeof(rep)) != sizeof(rep))
		return 201;
	pause();
	return 0;
}

/* A new file of the service's, given a second name (a lock file's pattern): own<uid>-<round>. */
struct link_own_arg {
	const char *dir;
	uid_t uid;
	int round;
};

static int do_link_own(const void *data)
{
	const struct link_own_arg *a = data;
	char from[96], to[96];
	int fd;

	if (drop_to(a->uid))
		return 200;
	snprintf(from, sizeof(from), "%s/own%u-%d", a->dir, (unsigned)a->uid, a->round);
	snprintf(to, sizeof(to), "%s/own%u-%d.lock", a->dir, (unsigned)a->uid, a->round);
	fd = open(from, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return 100 + errno;
	close(fd);
	/* A file recorded once keeps its record until its last name goes: a new one each time. */
	if (link(from, to))
		return errno;
	unlink(to);
	return 0;
}

VM_TEST(a7_link_records_used_up_by_one_service, 279)
{
	static char out[1048576];
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	struct link_own_arg root_arg = {A7_LINKS "/o", 0}, user_arg = {A7_LINKS "/o", USER};
	struct links_report rep = {0, 0};
	struct pollfd pfd;
	struct a7_proc hog;
	int r_other, r_user, r_own, r_secret, r_alias, r_alias2;
	long mark;

	a7_setup();
	VM_TIMEOUT(300);
	write_file(POLICY_DIR "/a7-other.ini", a7_other_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	make_cgroup(A7_OTHER);
	VM_CHECK(system("rm -rf " A7_LINKS " && mkdir -p " A7_LINKS "/o && chmod 1777 " A7_LINKS
			"/o && echo a7-secret > " A7_LINKS "/secret") == 0);
	/* Control: another service's link() before, root and uid 1000. */
	r_other = in_cgroup(A7_OTHER, do_link_own, &root_arg);
	r_user = in_cgroup(A7_OTHER, do_link_own, &user_arg);
	printf("# another policy's link() before: root %s, uid 1000 %s\n", res(r_other),
	       res(r_user));
	VM_CHECK(r_other == 0);
	VM_CHECK(r_user == 0);
	VM_CHECK(pipe(links_ready) == 0);
	VM_CHECK(a7_spawn(&hog, A7, do_fill_links, NULL));
	pfd = (struct pollfd){.fd = links_ready[0], .events = POLLIN};
	if (poll(&pfd, 1, 240000) != 1 || read(links_ready[0], &rep, sizeof(rep)) != sizeof(rep)) {
		VM_FAIL("the attacker reported nothing");
		a7_wait(&hog, 100);
		return;
	}
	printf("# the confined root (enforce) made %d files with a second name, then: %s\n",
	       rep.made, res(rep.stop_errno));
	VM_CHECK(rep.made > 16000); /* records left by earlier cases count too */
	VM_CHECK(rep.stop_errno == EPERM);
	/* Reported: status says full. */
	VM_CHECK(run_command(status, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"link_records\":{\"capacity\":16384,") != NULL);
	VM_CHECK(strstr(out, "\"used\":16384,\"full\":true,\"rule_files_unrecorded\":0}") != NULL);
	/* Every other confined service's link() now: refused, each time, root and uid 1000. */
	mark = event_mark();
	for (int i = 1; i <= 3; i++) {
		root_arg.round = user_arg.round = i;
		r_other = in_cgroup(A7_OTHER, do_link_own, &root_arg);
		r_user = in_cgroup(A7_OTHER, do_link_own, &user_arg);
		root_arg.round = 10 + i; /* its own file */
		r_own = in_cgroup(A7, do_link_own, &root_arg);
		root_arg.round = i;
		printf("# while it holds them: another policy's link() root %s, uid 1000 %s; its "
		       "own %s\n",
		       res(r_other), res(r_user), res(r_own));
		VM_CHECK(r_other == EPERM);
		VM_CHECK(r_user == EPERM);
		VM_CHECK(r_own == EPERM);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"path_link\"",
			   "\"policy\":\"a7-other\"", "\"uid\":1000",
			   "\"path\":\"" A7_LINKS "/o/own1000-1\"");
	/* An administrator gives a file a second name (no rule covers it yet: made, with a
	 * notice), then a reload adds an exact deny rule for it to the attacker's policy. */
	mark = event_mark();
	VM_CHECK(link(A7_LINKS "/secret", A7_LINKS "/alias") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"notice\"", "\"hook\":\"path_link\"",
			   "\"path\":\"" A7_LINKS "/secret\"");
	write_file(POLICY_DIR "/a7.ini", a7_denying_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	r_secret = try_open(A7, A7_LINKS "/secret", O_RDONLY);
	r_alias = try_open(A7, A7_LINKS "/alias", O_RDONLY);
	printf("# after the reload with deny = %s/secret: the rule's name %s, the second name "
	       "%s\n",
	       A7_LINKS, res(r_secret), res(r_alias));
	VM_CHECK(r_secret == EPERM);
	if (r_alias != EPERM)
		VM_FAIL("the second name made while the records were full opens (%s): the new "
			"deny rule does not follow it",
			res(r_alias));
	VM_CHECK(run_command(status, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"rule_files_unrecorded\":0}") != NULL);
	/* Control: the records given back, the same second name made again: recorded. */
	a7_wait(&hog, 100);
	VM_CHECK(system("rm -rf " A7_LINKS "/f && rm -f " A7_LINKS "/alias") == 0);
	VM_CHECK(link(A7_LINKS "/secret", A7_LINKS "/alias") == 0);
	r_alias2 = try_open(A7, A7_LINKS "/alias", O_RDONLY);
	root_arg.round = 4;
	r_other = in_cgroup(A7_OTHER, do_link_own, &root_arg);
	printf("# control, the records given back: the second name %s; another policy's link() "
	       "%s\n",
	       res(r_alias2), res(r_other));
	VM_CHECK(r_alias2 == EPERM);
	VM_CHECK(r_other == 0);
	VM_CHECK(run_command(status, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"full\":false") != NULL);
	close(links_ready[0]);
	close(links_ready[1]);
	write_file(POLICY_DIR "/a7.ini", a7_policy, 0644);
	unlink(POLICY_DIR "/a7-other.ini");
	VM_CHECK(daemon_reload_wait());
	system("rm -rf " A7_LINKS);
}
