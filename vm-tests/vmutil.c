// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"
#include "lsmguard_abi.h"
#include "names.h"


int vm_umount(const char *path)
{
	for (int tries = 0;; tries++) {
		if (umount(path) == 0)
			return 0;
		if (errno != EBUSY || tries == 100)
			return -1;
		usleep(20 * 1000);
	}
}

void write_file(const char *path, const char *text, mode_t mode)
{
	char tmp[512];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		VM_FAIL("write %s: %s", path, strerror(errno));
		return;
	}
	fchmod(fd, mode);
	close(fd);
	if (rename(tmp, path))
		VM_FAIL("rename %s: %s", path, strerror(errno));
}

void write_into(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		VM_FAIL("write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

long read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

void write_number(const char *path, long n)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld", n);
	write_into(path, text);
}

static void mkdirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

/*
 * lsmguard's cgroup connect programs in force for the connects of sockets made in cgroup (the
 * effective array: attached there or above): how many, or -errno.
 */
int connect_programs(const char *cgroup)
{
	__u32 ids[16], found = 0;
	union bpf_attr query = {0};
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s", cgroup);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	query.query.target_fd = fd;
	query.query.attach_type = BPF_CGROUP_INET4_CONNECT;
	query.query.query_flags = BPF_F_QUERY_EFFECTIVE;
	query.query.prog_ids = (__u64)(unsigned long)ids;
	query.query.prog_cnt = 16;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &query, sizeof(query))) {
		close(fd);
		return -errno;
	}
	close(fd);
	for (__u32 i = 0; i < query.query.prog_cnt && i < 16; i++) {
		union bpf_attr get = {.prog_id = ids[i]}, info = {0};
		struct bpf_prog_info prog = {0};
		int prog_fd = syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &get, sizeof(get));

		if (prog_fd < 0)
			continue;
		info.info.bpf_fd = prog_fd;
		info.info.info_len = sizeof(prog);
		info.info.info = (__u64)(unsigned long)&prog;
		if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &info, sizeof(info)) == 0 &&
		    strncmp(prog.name, "lg_subflow_conn", 15) == 0)
			found++;
		close(prog_fd);
	}
	return (int)found;
}

/* An op: socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP), closed again: 0 or errno. */
int do_mptcp_socket(const void *unused)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 262 /* IPPROTO_MPTCP */);

	(void)unused;
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * A cgroup made here at a policy's path is bound by the kernel at its mkdir, and the daemon
 * attaches the cgroup connect programs there a few milliseconds later; until then its MPTCP
 * sockets and connects to 0.0.0.0 are refused (fail closed). A new cgroup is given up to
 * 200 ms to get them (an unbound one never does) when lsmguard's are loaded.
 */
void make_cgroup(const char *cgroup)
{
	char path[512];
	bool existed;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s", cgroup);
	existed = access(path, F_OK) == 0;
	mkdirs(path);
	if (existed || access("/sys/fs/bpf/lsmguard/progs/lg_subflow_connect4", F_OK) != 0)
		return;
	for (int i = 0; i < 200 && connect_programs(cgroup) <= 0; i++)
		usleep(1000);
}

int program_result(int status)
{
	if (WIFSIGNALED(status))
		return OP_KILLED(WTERMSIG(status));
	if (!WIFEXITED(status))
		return OP_NO_RESULT;
	return WEXITSTATUS(status) ? OP_EXITED(WEXITSTATUS(status)) : 0;
}

/*
 * Move pid into cgroup from a third process: neither pid itself nor its parent (the caller).
 * A task that an unconfined task moves into a policy's cgroup before it executes anything is in
 * its setup window (bpf_lsm/setup.bpf.h), as systemd's child for a service is, and the
 * confinement built-ins leave it alone; the operations of the vm-tests are the service's own
 * code.
 */
bool move_into_cgroup(const char *cgroup, pid_t pid)
{
	int status;
	pid_t mover;

	make_cgroup(cgroup);
	mover = fork();
	if (mover < 0)
		return false;
	if (mover == 0) {
		char path[512], text[32];
		int fd, n;

		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cgroup);
		n = snprintf(text, sizeof(text), "%d", (int)pid);
		fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, text, (size_t)n) == n ? 0 : 1);
	}
	return waitpid(mover, &status, 0) == mover && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int in_cgroup(const char *cgroup, int (*op)(const void *arg), const void *arg)
{
	int fds[2], go[2], status, result = OP_NO_RESULT;
	char joined = 'n';
	pid_t pid;

	/* The result goes through a pipe whole: an exit status keeps 8 bits and hides signals. */
	if (pipe2(fds, O_CLOEXEC))
		return OP_FORK_FAILED;
	if (pipe2(go, O_CLOEXEC)) {
		close(fds[0]);
		close(fds[1]);
		return OP_FORK_FAILED;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		close(go[0]);
		close(go[1]);
		return OP_FORK_FAILED;
	}
	if (pid == 0) {
		close(fds[0]);
		close(go[1]);
		if (read(go[0], &joined, 1) != 1 || joined != 'y')
			result = OP_NO_CGROUP;
		else
			result = op(arg);
		_exit(write(fds[1], &result, sizeof(result)) == sizeof(result) ? 0 : 1);
	}
	close(fds[1]);
	close(go[0]);
	joined = !cgroup || move_into_cgroup(cgroup, pid) ? 'y' : 'n';
	if (write(go[1], &joined, 1) != 1)
		joined = 'n';
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid) {
		close(fds[0]);
		return OP_NO_RESULT;
	}
	/* After the wait: a grandchild holding the pipe open cannot block this read. */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	if (WIFSIGNALED(status)) {
		printf("#   the operation's process died of signal %d\n", WTERMSIG(status));
		result = OP_KILLED(WTERMSIG(status));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		   read(fds[0], &result, sizeof(result)) != sizeof(result)) {
		printf("#   the operation's process exited without its result\n");
		result = OP_NO_RESULT;
	} else if (result == OP_NO_CGROUP) {
		printf("#   the operation's process could not join %s\n", cgroup);
	}
	close(fds[0]);
	return result;
}

static void *in_cgroup_thread_main(void *p)
{
	struct in_cgroup_thread *t = p;

	t->result = in_cgroup(t->cgroup, t->op, t->arg);
	return NULL;
}

bool in_cgroup_start(struct in_cgroup_thread *t, const char *cgroup, int (*op)(const void *arg),
		     const void *arg)
{
	*t = (struct in_cgroup_thread){.cgroup = cgroup, .op = op, .arg = arg, .result = -1};
	t->started = pthread_create(&t->thread, NULL, in_cgroup_thread_main, t) == 0;
	return t->started;
}

int in_cgroup_join(struct in_cgroup_thread *t)
{
	if (t->started)
		pthread_join(t->thread, NULL);
	t->started = false;
	return t->result;
}

struct open_args {
	const char *path;
	int flags;
};

static int do_open(const void *arg)
{
	const struct open_args *a = arg;
	int fd = open(a->path, a->flags, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

int try_open(const char *cgroup, const char *path, int flags)
{
	struct open_args a = {path, flags};

	return in_cgroup(cgroup, do_open, &a);
}

/*
 * execve's errno through a close-on-exec pipe: no data means the exec happened, and then the
 * program ("true") must exit 0; a signal or another exit is its own result, never "allowed".
 */
static int do_exec(const void *arg)
{
	char *const argv[] = {"true", NULL};
	char *const envp[] = {NULL};
	int fds[2], err = 0, status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return 251;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		execve((const char *)arg, argv, envp);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(252);
		_exit(253);
	}
	close(fds[1]);
	if (read(fds[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return OP_NO_RESULT;
	return err ? err : program_result(status);
}

int try_exec(const char *cgroup, const char *path)
{
	return in_cgroup(cgroup, do_exec, path);
}

struct net_args {
	int family, port, type, flags;
	const char *addr;
	bool send;
};

static socklen_t make_addr(const struct net_args *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)a->port);
		inet_pton(AF_INET, a->addr, &sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)a->port);
	inet_pton(AF_INET6, a->addr, &sin6->sin6_addr);
	return sizeof(*sin6);
}

static int do_net(const void *arg)
{
	const struct net_args *a = arg;
	struct sockaddr_storage ss;
	socklen_t len = make_addr(a, &ss);
	int fd = socket(a->family, a->type, 0), ret = 0;

	if (fd < 0)
		return 254;
	if (a->send) {
		if (sendto(fd, "x", 1, a->flags, (struct sockaddr *)&ss, len) < 0)
			ret = errno;
	} else if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		ret = errno;
	}
	close(fd);
	return ret;
}

int try_connect(const char *cgroup, int family, const char *addr, int port, int type)
{
	struct net_args a = {.family = family, .addr = addr, .port = port, .type = type};

	return in_cgroup(cgroup, do_net, &a);
}

int try_sendto(const char *cgroup, int family, const char *addr, int port, int type, int flags)
{
	struct net_args a = {family, port, type, flags, addr, true};

	return in_cgroup(cgroup, do_net, &a);
}

long vm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long event_log_size(void)
{
	struct stat st;

	return stat(EVENT_LOG, &st) == 0 ? (long)st.st_size : 0;
}

long event_mark(void)
{
	long size = event_log_size(), end = vm_now_ms() + 1000, again;

	/* The daemon writes an event a little after the kernel made it: let the lines of the
	 * operations already done land before the mark (the size holds still for 50 ms), so
	 * that a late one is not taken for the next operation's. */
	for (;;) {
		usleep(50 * 1000);
		again = event_log_size();
		if (again == size || vm_now_ms() > end)
			return again;
		size = again;
	}
}

/* Whether line has needle as a whole JSON member: after '{' or ',', up to the value's end. */
static bool has_member(const char *line, const char *needle)
{
	size_t len = strlen(needle);

	for (const char *p = strstr(line, needle); p; p = strstr(p + 1, needle)) {
		char after = p[len];

		if (p > line && p[-1] != '{' && p[-1] != ',')
			continue;
		/* A string value ends with its quote; any other value ends at ',' or '}'. */
		if (needle[len - 1] == '"' ? true : after == ',' || after == '}')
			return true;
	}
	return false;
}

/*
 * Calls each(line, data) for every line written at or after offset mark (a line that began
 * before the mark belongs to the past and is skipped); stops when each returns true.
 */
static bool for_each_line_after(long mark, bool (*each)(const char *line, void *data), void *data)
{
	char line[4096];
	FILE *f = fopen(EVENT_LOG, "r");
	bool stopped = false;

	if (!f)
		return false;
	if (mark > 0) {
		int c;

		if (fseek(f, mark - 1, SEEK_SET) || (c = fgetc(f)) == EOF) {
			fclose(f);
			return false;
		}
		if (c != '\n' && !fgets(line, sizeof(line), f)) {
			fclose(f);
			return false;
		}
	}
	while (!stopped && fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n'))
			break; /* still being written: looked at again on the next try */
		stopped = each(line, data);
	}
	fclose(f);
	return stopped;
}

struct event_search {
	const char *const *needles;
	char found[4096];
};

static bool matches_all(const char *line, void *data)
{
	struct event_search *search = data;

	for (int i = 0; search->needles[i]; i++)
		if (!has_member(line, search->needles[i]))
			return false;
	snprintf(search->found, sizeof(search->found), "%s", line);
	return true;
}

static bool find_event_after(long mark, struct event_search *search, int timeout_ms)
{
	long end = vm_now_ms() + timeout_ms;

	do {
		if (for_each_line_after(mark, matches_all, search))
			return true;
		usleep(20 * 1000);
	} while (vm_now_ms() < end);
	return false;
}

bool wait_event_after(long mark, const char *const *needles, int timeout_ms)
{
	struct event_search search = {.needles = needles};

	return find_event_after(mark, &search, timeout_ms);
}

void expect_event_after(const char *file, int line, long mark, const char *const *needles,
			const char *text, bool path_required)
{
	struct event_search search = {.needles = needles};
	bool names_path = false;

	/* 15 s (5 s until a CI run failed once in a case with such a check after resuming the
	 * daemon, for a cause not found); only a failing check waits that long. */
	if (!find_event_after(mark, &search, 15000)) {
		printf("#   %s:%d: no event after offset %ld with %s\n", file, line, mark, text);
		vm_failures++;
		return;
	}
	for (int i = 0; needles[i]; i++)
		names_path |= strncmp(needles[i], "\"path\":", 7) == 0;
	if (path_required && !names_path && strstr(search.found, ",\"path\":")) {
		printf("#   %s:%d: the check does not assert the event's path: %s", file, line,
		       search.found);
		vm_failures++;
	}
}

struct event_count {
	const char *needle;
	const char *also; /* a second member the line must have, or NULL */
	int count;
	bool print;
};

static bool count_line(const char *line, void *data)
{
	struct event_count *c = data;

	if (has_member(line, c->needle) && (!c->also || has_member(line, c->also))) {
		c->count++;
		if (c->print)
			printf("# %s", line);
	}
	return false;
}

int count_events_after(long mark, const char *needle)
{
	struct event_count c = {.needle = needle};

	for_each_line_after(mark, count_line, &c);
	return c.count;
}

int count_events_after_both(long mark, const char *needle, const char *also)
{
	struct event_count c = {.needle = needle, .also = also};

	for_each_line_after(mark, count_line, &c);
	return c.count;
}

int count_events(const char *needle)
{
	return count_events_after(0, needle);
}

void print_events_after(long mark, const char *needle)
{
	struct event_count c = {.needle = needle, .print = true};

	for_each_line_after(mark, count_line, &c);
}

void print_events(const char *needle)
{
	print_events_after(0, needle);
}

const char *source_of(const char *file, const char *text)
{
	static char buf[8][512];
	static int next;
	char path[256], line[512], *out = buf[next++ % 8];
	int number = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", POLICY_DIR, file);
	snprintf(out, 512, "\"source\":\"(no line '%s' in %s)\"", text, file);
	f = fopen(path, "r");
	if (!f)
		return out;
	while (fgets(line, sizeof(line), f)) {
		number++;
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, text) == 0) {
			snprintf(out, 512, "\"source\":\"%s:%d\"", path, number);
			break;
		}
	}
	fclose(f);
	return out;
}

/* The socket the daemon notifies, as systemd's would be (bound once, read by notify_read). */
static int notify_fd = -1;

static void notify_bind(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	if (notify_fd >= 0)
		return;
	unlink(NOTIFY_SOCKET_PATH);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", NOTIFY_SOCKET_PATH);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (notify_fd >= 0 && bind(notify_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(notify_fd);
		notify_fd = -1;
	}
}

size_t notify_read(char *buf, size_t size)
{
	size_t used = 0;
	ssize_t n;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	while (notify_fd >= 0 && used + 1 < size &&
	       (n = recv(notify_fd, buf + used, size - used - 1, 0)) > 0) {
		used += (size_t)n;
		buf[used++] = '\n'; /* datagrams end a line each */
		if (used >= size)
			used = size - 1;
		buf[used] = '\0';
	}
	return used;
}

/* The last lines of the daemons' stderr, as TAP comments. */
static void print_daemon_err_tail(int lines)
{
	char line[1024], tail[8][1024];
	FILE *f = fopen(DAEMON_ERR, "r");
	int count = 0;

	if (lines > 8)
		lines = 8;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		snprintf(tail[count++ % lines], sizeof(tail[0]), "%s", line);
	fclose(f);
	for (int i = count > lines ? count - lines : 0; i < count; i++)
		printf("#     %s", tail[i % lines]);
}

pid_t daemon_start(void)
{
	return daemon_start_with(NULL);
}

/* The harness's, where the binary has it (the bench links this file without it). */
#pragma weak harness_set_timeout

pid_t daemon_start_with(const char *const extra[])
{
	int before = count_events("\"event\":\"ready\""), after;
	long end;
	pid_t pid;

	notify_bind();
	pid = fork();
	if (pid == 0) {
		int out = open(EVENT_LOG, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int err = open(DAEMON_ERR, O_WRONLY | O_CREAT | O_APPEND, 0644);

		/* A daemon whose warnings nobody would read must not start. */
		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		const char *argv[16] = {"lsmguard",	"run", "--policy-dir", POLICY_DIR,
					"--metrics-file", METRICS_FILE, "--metrics-interval", "1"};
		int argc = 8;

		for (int i = 0; extra && extra[i] && argc < 15; i++)
			argv[argc++] = extra[i];
		setenv("NOTIFY_SOCKET", NOTIFY_SOCKET_PATH, 1);
		execv(LSMGUARD, (char *const *)argv);
		_exit(127);
	}
	/* Verifying ~100 programs under software emulation takes 20-40 s; a host busy with a
	 * build beside the VM once took it past 60 s, and 135 programs (6.75 million verified
	 * instructions) now take 80-90 s, and past 150 s with a build beside the VM under
	 * preempt=full (2026-12-07). A wait, not a speed check: a case's own limit is raised to
	 * cover it (an alarm set means a case). */
	{
		unsigned left = alarm(0);

		if (left && harness_set_timeout)
			harness_set_timeout(left > 320 ? left : 320);
		else if (left)
			alarm(left);
	}
	end = vm_now_ms() + 300000;
	do {
		int status;

		after = count_events("\"event\":\"ready\"");
		if (after > before)
			return pid;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			VM_FAIL("lsmguard run exited with status %d; its stderr ends:", status);
			print_daemon_err_tail(5);
			return -1;
		}
		usleep(20 * 1000);
	} while (vm_now_ms() < end);
	VM_FAIL("lsmguard run printed no ready line in 300 s; its stderr ends:");
	print_daemon_err_tail(8);
	return -1;
}

bool daemon_restart_with(const char *const extra[])
{
	pid_t pid = daemon_pid();

	if (pid > 1 && (kill(pid, SIGTERM) || !wait_exit(pid, 10000)))
		return false;
	return daemon_start_with(extra) > 0;
}

long long link_records_field(const char *field)
{
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	char needle[64];
	const char *at, *end;

	if (run_command(status, out, sizeof(out)) != 0 ||
	    !(at = strstr(out, "\"link_records\":{")) || !(end = strchr(at, '}')))
		return -1;
	snprintf(needle, sizeof(needle), "\"%s\":", field);
	at = strstr(at, needle);
	if (!at || at > end)
		return -1;
	at += strlen(needle);
	if (strncmp(at, "true", 4) == 0 || strncmp(at, "false", 5) == 0)
		return *at == 't';
	return atoll(at);
}

bool daemon_reload_wait(void)
{
	int generation = state_generation();

	if (daemon_pid() <= 1 || kill(daemon_pid(), SIGHUP))
		return false;
	for (int i = 0; i < 500 && state_generation() == generation; i++)
		usleep(10 * 1000);
	return state_generation() != generation;
}

int run_command(const char *const argv[], char *out, size_t out_size)
{
	int fds[2], status;
	size_t used = 0;
	bool cut = false;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		/* Without a buffer, output goes to /dev/null: a closed pipe would kill it (SIGPIPE). */
		int sink = out ? fds[1] : open("/dev/null", O_WRONLY);

		dup2(sink, 1);
		close(fds[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char sink[4096];

		/* Keep reading past the buffer: a writer whose pipe closes dies of SIGPIPE. */
		if (out && used + 1 < out_size)
			n = read(fds[0], out + used, out_size - used - 1);
		else
			n = read(fds[0], sink, sizeof(sink));
		if (n <= 0)
			break;
		if (out && used + 1 < out_size)
			used += (size_t)n;
		else if (out)
			cut = true;
	}
	if (out)
		out[used] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (cut) {
		/* A check on a cut output could pass or fail for the wrong reason: neither. */
		printf("# %s printed more than the %zu bytes the test reads\n", argv[0], out_size);
		return -2;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

pid_t daemon_pid(void)
{
	FILE *f = fopen("/run/lsmguard/lsmguard.pid", "r");
	int pid = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &pid) != 1 || pid <= 1)
		pid = -1;
	fclose(f);
	return pid;
}

/* The daemon daemon_stop() stopped, until daemon_resume(): the runner resumes it if a case
 * ends (passed, failed, timed out or crashed) with it still stopped. */
#define DAEMON_STOPPED "/run/daemon.stopped"

/* A process's state letter from /proc/PID/stat ('R', 'S', 'T', 'Z'...), or 0 when it is gone. */
static char proc_state(pid_t pid)
{
	char path[64], stat[256] = "", *end;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	end = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
	return end && end[1] == ' ' && end[2] ? end[2] : '?';
}

pid_t daemon_stop(void)
{
	char text[32];
	pid_t pid = daemon_pid();

	VM_CHECK(pid > 1);
	if (pid <= 1)
		return -1;
	snprintf(text, sizeof(text), "%d\n", (int)pid);
	/* Recorded first: a case killed between the two still leaves the runner the pid. */
	write_file(DAEMON_STOPPED, text, 0644);
	VM_CHECK(kill(pid, SIGSTOP) == 0);
	/*
	 * Stopped, not just signalled: kill() returns while the daemon may still be running on the
	 * other CPU (in the middle of a mount table rewrite, say), and a case that then changes
	 * what the daemon would have read could pass without testing the kernel alone (review 32).
	 */
	for (long end = vm_now_ms() + 5000; proc_state(pid) != 'T' && vm_now_ms() < end;)
		usleep(1000);
	VM_CHECK(proc_state(pid) == 'T');
	return pid;
}

void daemon_resume(pid_t pid)
{
	if (pid <= 1)
		return;
	VM_CHECK(kill(pid, SIGCONT) == 0);
	VM_CHECK(unlink(DAEMON_STOPPED) == 0);
}

pid_t daemon_resume_left_stopped(void)
{
	FILE *f = fopen(DAEMON_STOPPED, "r");
	int pid = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &pid) != 1 || pid <= 1)
		pid = -1;
	fclose(f);
	unlink(DAEMON_STOPPED);
	if (pid > 1)
		kill(pid, SIGCONT);
	return pid;
}

bool wait_exit(pid_t pid, int timeout_ms)
{
	long end = vm_now_ms() + timeout_ms;

	do {
		char state = proc_state(pid);

		if (!state || state == 'Z')
			return true;
		usleep(20 * 1000);
	} while (vm_now_ms() < end);
	return false;
}

int state_generation(void)
{
	FILE *f = fopen("/run/lsmguard/state", "r");
	int generation = -1;

	if (!f)
		return -1;
	if (fscanf(f, "generation\t%d", &generation) != 1)
		generation = -1;
	fclose(f);
	return generation;
}

long rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* The element key of the map at fd, read into value; fd closed. False when there is none (or
 * no fd). */
static bool lookup_and_close(int fd, const void *key, void *value)
{
	union bpf_attr attr;
	bool found;

	if (fd < 0)
		return false;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (__u32)fd;
	attr.key = (__u64)(unsigned long)key;
	attr.value = (__u64)(unsigned long)value;
	found = syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)) == 0;
	close(fd);
	return found;
}

static int pinned_map(const char *name)
{
	char path[128];
	union bpf_attr attr;

	snprintf(path, sizeof(path), "/sys/fs/bpf/lsmguard/maps/%s", name);
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	attr.file_flags = BPF_F_RDONLY;
	return (int)syscall(SYS_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
}

/* Element 0 of the pinned array map name, read into value (its value size); false if not. */
static bool pinned_array_first(const char *name, void *value)
{
	__u32 key = 0;

	return lookup_and_close(pinned_map(name), &key, value);
}

/*
 * policy_counter and policy_id read what `lsmguard status --json` reads without running it
 * (about a second under emulation, and more beside a busy task: attack run 32's floods read
 * four counters a step): the policy's id from the daemon's state file, taken only while its
 * generation is the kernel's (status refuses a stale record: no policies, -1 here), and the
 * counters from the pinned map (not a map found by name: an unloaded set's maps live on until
 * the kernel frees them).
 */
long long policy_id(const char *policy)
{
	FILE *f = fopen("/run/lsmguard/state", "r");
	char line[1024], mode[32], name[256];
	struct lg_config config;
	long long found = -1;
	unsigned id, generation = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "generation\t%u", &generation) != 1 ||
	    !pinned_array_first("lg_config_map", &config) || config.generation != generation) {
		fclose(f);
		return -1;
	}
	while (found < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "policy\t%u\t%31[^\t]\t%255[^\t\n]", &id, mode, name) == 3 &&
		    strcmp(name, policy) == 0)
			found = id;
	fclose(f);
	return found;
}

/* The possible CPUs, each with a value in a per-CPU map: the members of sysfs's list ("0-1",
 * "0,2-3"); 0 when unknown. */
static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	char list[256], *range, *save = NULL;
	int count = 0;

	if (!f)
		return 0;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	for (range = strtok_r(list, ",\n", &save); range; range = strtok_r(NULL, ",\n", &save)) {
		int first, last;

		if (sscanf(range, "%d-%d", &first, &last) != 2)
			last = first = atoi(range);
		if (last < first)
			return 0;
		count += last - first + 1;
	}
	return count;
}

long long policy_counter_by_id(long long id, unsigned hook, size_t field)
{
	enum { MAX_CPUS = 256 };
	static struct lg_counter values[MAX_CPUS];
	__u32 key = (__u32)id * LG_HOOK_COUNT + hook;
	int cpus = possible_cpus();
	long long sum = 0;

	if (cpus > MAX_CPUS)
		VM_FAIL("%d possible CPUs: policy_counter_by_id reads at most %d", cpus, MAX_CPUS);
	if (id < 0 || hook == LG_HOOK_NONE || hook >= LG_HOOK_COUNT || cpus < 1 ||
	    cpus > MAX_CPUS || field + sizeof(__u64) > sizeof(values[0]))
		return -1;
	if (!lookup_and_close(pinned_map("lg_counters"), &key, values))
		return -1;
	for (int c = 0; c < cpus; c++) {
		__u64 v;

		memcpy(&v, (const char *)&values[c] + field, sizeof(v));
		sum += (long long)v;
	}
	return sum;
}

long pinned_map_max_entries(const char *name)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd = pinned_map(name);
	long entries = -1;

	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0)
		entries = info.max_entries;
	close(fd);
	return entries;
}

long long policy_counter(const char *policy, const char *hook, const char *field)
{
	static const struct {
		const char *name;
		size_t at;
	} fields[] = {
	    {"allowed", offsetof(struct lg_counter, allowed)},
	    {"denied", offsetof(struct lg_counter, denied)},
	    {"audited", offsetof(struct lg_counter, audited)},
	    {"dropped", offsetof(struct lg_counter, dropped)},
	    {"suppressed", offsetof(struct lg_counter, suppressed)},
	    {"cached", offsetof(struct lg_counter, cached)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].name, field) == 0)
			return policy_counter_by_id(policy_id(policy), lg_hook_from_name(hook),
						    fields[i].at);
	return -1;
}

unsigned long program_verified(const char *status, const char *name)
{
	unsigned long insns = 0, verified = 0;
	char want[96];
	const char *at;

	snprintf(want, sizeof(want), "{\"name\":\"%s\",\"insns\":", name);
	at = strstr(status, want);
	if (!at ||
	    sscanf(at + strlen(want), "%lu,\"verified_insns\":%lu", &insns, &verified) != 2 ||
	    !verified) {
		VM_FAIL("%s is not attached (lsmguard status --json)", name);
		return 0;
	}
	printf("# %s: %lu instructions, %lu processed by the verifier\n", name, insns, verified);
	return verified;
}

bool sigio_armed_pipe(pid_t owner, int sig, int fds[2])
{
	if (pipe2(fds, O_CLOEXEC))
		return false;
	if (fcntl(fds[0], F_SETOWN, owner) || fcntl(fds[0], F_SETSIG, sig) ||
	    fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK) || fcntl(fds[1], F_SETFL, O_NONBLOCK)) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	return true;
}

int do_write_byte(const void *arg)
{
	return write(*(const int *)arg, "x", 1) == 1 ? 0 : errno;
}

/*
 * The next loaded BPF object after *id (the BPF_PROG_* or BPF_MAP_* commands next_cmd and
 * fd_cmd), opened with open_flags, its info read into info: its descriptor, or -1 when none is
 * left. Objects that cannot be opened or read (gone meanwhile) are passed over.
 */
static int bpf_next_object(int next_cmd, int fd_cmd, __u32 open_flags, __u32 *id, void *info,
			   __u32 info_len)
{
	for (;;) {
		union bpf_attr attr;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.start_id = *id;
		if (syscall(SYS_bpf, next_cmd, &attr, sizeof(attr)))
			return -1;
		*id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = *id; /* map_id: the same field */
		attr.open_flags = open_flags;
		fd = (int)syscall(SYS_bpf, fd_cmd, &attr, sizeof(attr));
		if (fd < 0)
			continue;
		memset(info, 0, info_len);
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (__u32)fd;
		attr.info.info_len = info_len;
		attr.info.info = (__u64)(unsigned long)info;
		if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0)
			return fd;
		close(fd);
	}
}

unsigned long long program_misses(const char *prefix)
{
	unsigned long long total = 0;
	struct bpf_prog_info info;
	__u32 id = 0;
	int fd;

	while ((fd = bpf_next_object(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, 0, &id, &info,
				     sizeof(info))) >= 0) {
		if (!strncmp(info.name, prefix, strlen(prefix)))
			total += info.recursion_misses;
		close(fd);
	}
	return total;
}

bool full_preemption_asked(void)
{
	char line[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	return strstr(line, "preempt=full") != NULL;
}

/* Drop root for uid (gid the same, no groups): 0, or 1000 + errno; nothing for uid 0. */
int become(uid_t uid)
{
	if (!uid)
		return 0;
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return 1000 + errno;
	return 0;
}

/* The root user's charged keys and bytes (/proc/key-users: "0: usage nkeys/nikeys
 * qnkeys/maxkeys qnbytes/maxbytes"); false when not listed. */
bool root_key_charge(unsigned *keys, unsigned *bytes)
{
	return user_key_charge(0, keys, bytes);
}

bool user_key_charge(uid_t user, unsigned *keys, unsigned *bytes)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/key-users", "r");

	*keys = *bytes = 0;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned uid, usage, nkeys, nikeys, qnkeys, maxkeys, qnbytes, maxbytes;

		if (sscanf(line, " %u: %u %u/%u %u/%u %u/%u", &uid, &usage, &nkeys, &nikeys, &qnkeys,
			   &maxkeys, &qnbytes, &maxbytes) == 8 &&
		    uid == user) {
			*keys = qnkeys;
			*bytes = qnbytes;
			found = true;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* A unix socket of type bound at path by the (unconfined) test, open to every user, listening
 * unless a datagram socket; -1 on error (reported). */
int unix_bound_at(const char *path, int type)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(path, 0666) ||
	    (type != SOCK_DGRAM && listen(fd, 1024))) {
		VM_FAIL("cannot bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A UDP receiver at addr:port (made by the unconfined test), non-blocking, with room for many
 * datagrams (root's SO_RCVBUFFORCE). */
int udp_receiver(const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, addr, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){64 << 20}, sizeof(int));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A TCP listener at addr:port (unconfined), non-blocking. */
int tcp_listener(const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, addr, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4096)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The datagrams waiting at fd (200 ms for the first), whose payload starts with tag. */
int drain_datagrams(int fd, const char *tag)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char buf[256];
	int count = 0;
	ssize_t n;

	poll(&pfd, 1, 200);
	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = 0;
		if (!strncmp(buf, tag, strlen(tag)))
			count++;
	}
	return count;
}

/* The connections waiting at a TCP listener (200 ms for the first), accepted and closed. */
int accept_all(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int count = 0, c;

	poll(&pfd, 1, 200);
	while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		close(c);
		count++;
	}
	return count;
}

/* A read-only descriptor of the loaded map named name (the kernel keeps its first 15
 * characters; lsmguard's maps are read-only to others), or -1. */
int map_fd(const char *name)
{
	struct bpf_map_info info;
	__u32 id = 0;
	int fd;

	while ((fd = bpf_next_object(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, BPF_F_RDONLY, &id,
				     &info, sizeof(info))) >= 0) {
		if (strncmp(info.name, name, sizeof(info.name) - 1) == 0)
			return fd;
		close(fd);
	}
	return -1;
}

/* Entries in the map named name (keys of at most 16 bytes), or -1. */
int map_entries(const char *name)
{
	__u64 key[2], next[2];
	int fd = map_fd(name), n = 0;

	if (fd < 0)
		return -1;
	for (void *at = NULL;; at = key, n++) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_fd = (__u32)fd;
		attr.key = (__u64)(unsigned long)at;
		attr.next_key = (__u64)(unsigned long)next;
		if (syscall(SYS_bpf, BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr)))
			break;
		memcpy(key, next, sizeof(key));
	}
	close(fd);
	return n;
}

/* How many of the first count 64-bit elements of the array map named name are not 0 (one
 * descriptor for all), or -1. */
int map_nonzero_u64s(const char *name, unsigned count)
{
	int fd = map_fd(name), n = 0;

	if (fd < 0)
		return -1;
	for (unsigned index = 0; index < count; index++) {
		union bpf_attr attr;
		__u64 value = 0;

		memset(&attr, 0, sizeof(attr));
		attr.map_fd = (__u32)fd;
		attr.key = (__u64)(unsigned long)&index;
		attr.value = (__u64)(unsigned long)&value;
		if (syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr))) {
			n = -1;
			break;
		}
		n += value != 0;
	}
	close(fd);
	return n;
}

/* Reads lg_reserve_totals' one element into kinds[RESERVE_KINDS]; false if it cannot. */
bool reserve_totals(struct reserve_total *kinds)
{
	unsigned zero = 0;

	for (int k = 0; k < RESERVE_KINDS; k++)
		kinds[k] = (struct reserve_total){-1, -1, -1, 0};
	return map_lookup("lg_reserve_totals", &zero, kinds);
}

bool reservations_back_at_zero(unsigned mask)
{
	struct reserve_total kinds[RESERVE_KINDS];
	int pooled = -1;

	for (int i = 0; i < 50; i++) {
		bool clear = reserve_totals(kinds);

		for (int k = 0; k < RESERVE_KINDS; k++)
			if ((mask & (1u << k)) &&
			    (kinds[k].reserved || kinds[k].held || kinds[k].owned))
				clear = false;
		pooled = map_nonzero_u64s("lg_reserve_pools", RESERVE_POOLS);
		if (pooled)
			clear = false;
		if (clear)
			return true;
		usleep(100 * 1000);
	}
	printf("#   reservations left:");
	for (int k = 0; k < RESERVE_KINDS; k++)
		printf(" kind %d %lld (%lld holders, %lld owned);", k, kinds[k].reserved,
		       kinds[k].held, kinds[k].owned);
	printf(" %d pools not at 0\n", pooled);
	return false;
}

int send_fds(int sock, int fd, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * SEND_FDS_MAX)];
	char byte = 'x';
	struct iovec iov = {&byte, 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf};
	struct cmsghdr *c;

	if (n < 1 || n > SEND_FDS_MAX)
		return EINVAL;
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	for (int i = 0; i < n; i++)
		((int *)CMSG_DATA(c))[i] = fd;
	return sendmsg(sock, &msg, MSG_DONTWAIT) < 0 ? errno : 0;
}

bool map_lookup(const char *name, const void *key, void *value)
{
	return lookup_and_close(map_fd(name), key, value);
}

long long map_u64(const char *name, unsigned index)
{
	__u64 value = 0;

	return map_lookup(name, &index, &value) ? (long long)value : -1;
}
