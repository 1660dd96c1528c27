// SPDX-License-Identifier: GPL-2.0-only
/*
 * Blinding the daemon through what it depends on (issue 12, class 4):
 *  - its output: a reader that stops reading (journald stopped, a pipe nobody drains) must not
 *    stall its loop; it keeps draining the ring buffer and reloading, counts the lines it could
 *    not put out, and says how many once the reader takes lines again;
 *  - the journal: no confined task signals systemd-journald (LG_BUILTIN_SIGNAL), known by its
 *    cgroup's place whatever its pid or cgroup id;
 *  - cgroup v1 hierarchies: no confined task writes any file of one (LG_BUILTIN_CGROUP_FILE),
 *    whatever the kernfs id of its directory.
 * Each as root under the enforce-mode and the audit-mode policy, as uid 1000, and unconfined.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define AUDIT "/lgt/audit"
#define DENIED_UNDER_AUDIT "\"event\":\"deny\"", "\"policy\":\"audit\""

/* ---- the output: stdout a pipe nobody reads ---- */

#define STALL_DIR "/data/private/blind"
#define STALL_FILES 6000 /* more than the 1 MiB ring buffer holds (320-byte events) */
#define STALL_ERR "/run/blind-daemon.err"

/* Open the STALL_FILES files of the directory arg (STALL_DIR when NULL), each denied. */
static int do_open_stall_files(const void *arg)
{
	const char *dir = arg ? arg : STALL_DIR;
	char path[96];
	int denied = 0;

	for (int i = 0; i < STALL_FILES; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		if (open(path, O_RDONLY) < 0 && errno == EPERM)
			denied++;
		/* In batches a draining daemon keeps up with (one that does not drain loses
		 * everything past the ring buffer's 3,200 events all the same). */
		if (i % 500 == 499)
			usleep(100 * 1000);
	}
	return denied == STALL_FILES ? 0 : 200;
}

/* What was read from the daemon's stdout. */
struct pipe_text {
	char *text;
	size_t len, size;
};

/* Read what the pipe holds, for up to timeout_ms or until the text holds needle. */
static void pipe_read(int fd, struct pipe_text *t, const char *needle, int timeout_ms)
{
	long end = vm_now_ms() + timeout_ms;

	while (vm_now_ms() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (needle && t->text && strstr(t->text, needle))
			return;
		if (poll(&p, 1, 50) <= 0)
			continue;
		if (t->size - t->len < 65536 + 1) {
			char *bigger = realloc(t->text, t->size * 2 + 65536 + 1);

			if (!bigger)
				return;
			t->text = bigger;
			t->size = t->size * 2 + 65536 + 1;
		}
		n = read(fd, t->text + t->len, t->size - t->len - 1);
		if (n <= 0)
			return;
		t->len += (size_t)n;
		t->text[t->len] = '\0';
	}
}

/* The lines of text holding every needle (NULL-terminated); the first one in *first. */
static int lines_with(const char *text, const char *const needles[], const char **first)
{
	int count = 0;

	*first = NULL;
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		bool all = true;

		for (int i = 0; needles[i] && all; i++) {
			const char *hit = memmem(line, len, needles[i], strlen(needles[i]));

			all = hit != NULL;
		}
		if (all) {
			if (!*first)
				*first = line;
			count++;
		}
		line = eol ? eol + 1 : NULL;
	}
	return count;
}

/* The unsigned number after key ("\"count\":") in the line at line; -1 when none. */
static long long field_number(const char *line, const char *key)
{
	const char *eol = strchr(line, '\n');
	const char *at = strstr(line, key);

	if (!at || (eol && at > eol))
		return -1;
	return strtoll(at + strlen(key), NULL, 10);
}

/* The string value after key ("\"from\":\"") in the line, into buf. */
static void field_string(const char *line, const char *key, char *buf, size_t size)
{
	const char *at = strstr(line, key), *end;

	buf[0] = '\0';
	if (!at)
		return;
	at += strlen(key);
	end = strchr(at, '"');
	if (end && (size_t)(end - at) < size) {
		memcpy(buf, at, (size_t)(end - at));
		buf[end - at] = '\0';
	}
}

/* Start `lsmguard run` with stdout the write end of a 4 KiB pipe; its read end in *rfd. */
static pid_t start_daemon_on_pipe(int *rfd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	pid = fork();
	if (pid == 0) {
		int err = open(STALL_ERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (err < 0 || dup2(fds[1], 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		close(fds[0]);
		execl(LSMGUARD, "lsmguard", "run", "--policy-dir", POLICY_DIR, "--metrics-file",
		      METRICS_FILE, "--metrics-interval", "1", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	*rfd = fds[0];
	return pid;
}

static void print_file_tail(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		printf("#   %s: %s", path, line);
	if (f)
		fclose(f);
}

VM_TEST(blind_daemon_output_nobody_reads_never_stalls_it, 189)
{
	const char *rule_source = source_of("files.ini", "deny = /data/private/");
	const char *const deny_lines[] = {"\"event\":\"deny\"", "\"policy\":\"files\"",
					  "\"path\":\"" STALL_DIR "/f", NULL};
	const char *const output_lost[] = {"\"event\":\"lost\"", "\"lost_in\":\"output\"",
					   "\"hook\":\"file_open\"", "\"policy\":\"files\"",
					   rule_source, NULL};
	const char *const ring_lost[] = {"\"event\":\"lost\"", "\"lost_in\":\"ring_buffer\"",
					 NULL};
	const char *const own_lost[] = {"\"event\":\"lost\"", "\"lost_in\":\"output\"",
					"\"hook\":\"none\"", "\"policy\":null", "\"rule\":0", NULL};
	struct pipe_text out = {0};
	pid_t old = daemon_pid(), pid;
	const char *line;
	char path[64], from[40], to[40];
	int rfd = -1, generation, delivered, found;
	long long lost;

	mkdir(STALL_DIR, 0755);
	for (int i = 0; i < STALL_FILES; i++) {
		snprintf(path, sizeof(path), STALL_DIR "/f%d", i);
		close(open(path, O_WRONLY | O_CREAT, 0644));
	}
	/* The usual daemon, if one runs, makes way (enforcement stays in force: the pins). */
	if (old > 1) {
		VM_CHECK(kill(old, SIGTERM) == 0);
		VM_CHECK(wait_exit(old, 10000));
	}
	pid = start_daemon_on_pipe(&rfd);
	VM_CHECK(pid > 0);
	pipe_read(rfd, &out, "\"event\":\"ready\"", 60000);
	if (!out.text || !strstr(out.text, "\"event\":\"ready\"")) {
		VM_FAIL("the daemon on a pipe printed no ready line");
		print_file_tail(STALL_ERR);
		goto out_restart;
	}
	for (int i = 0; i < 200 && daemon_pid() != pid; i++)
		usleep(10 * 1000);
	VM_CHECK(daemon_pid() == pid);

	/* Nobody reads from here on: 6,000 denials, more than the pipe, the daemon's queue and
	 * the ring buffer hold. A daemon blocked on its stdout would stop draining the ring
	 * buffer (which then loses events, "lost_in":"ring_buffer") and stop reloading. */
	VM_CHECK(in_cgroup(FILES, do_open_stall_files, NULL) == 0);
	generation = state_generation();
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(state_generation() == generation + 1);
	/* Enforcement and the loop go on: another denial, another reload. */
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(kill(pid, 0) == 0);

	/* Read now: the held lines, then one "lost" event per key, with how many. */
	pipe_read(rfd, &out, "\"hook\":\"none\"", 20000);
	pipe_read(rfd, &out, NULL, 1000);
	delivered = lines_with(out.text, deny_lines, &line);
	found = lines_with(out.text, output_lost, &line);
	if (found != 1) {
		VM_FAIL("%d \"lost\" events (output) for the rule, expected 1", found);
	} else {
		lost = field_number(line, "\"count\":");
		printf("#   delivered %d deny lines, lost %lld of %d: %.*s\n", delivered, lost,
		       STALL_FILES, (int)(strchr(line, '\n') - line), line);
		VM_CHECK(lost > 0);
		/* Every denial is either a line or counted: none lost in the ring buffer. */
		if (delivered + lost != STALL_FILES)
			VM_FAIL("%d delivered + %lld counted lost != %d denials", delivered, lost,
				STALL_FILES);
		VM_CHECK(field_number(line, "\"rule\":") > 0);
		field_string(line, "\"from\":\"", from, sizeof(from));
		field_string(line, "\"to\":\"", to, sizeof(to));
		VM_CHECK(strlen(from) == 27 && strlen(to) == 27 && strcmp(from, to) <= 0);
	}
	VM_CHECK(lines_with(out.text, ring_lost, &line) == 0);
	/* lsmguard's own lines: the two reload events, each a line or counted (a short line may
	 * still fit in what is left of the queue when a deny line no longer does). */
	found = lines_with(out.text, own_lost, &line);
	{
		const char *const reloads[] = {"\"event\":\"reload\"", "\"result\":\"ok\"", NULL};
		const char *first;
		int reloaded = lines_with(out.text, reloads, &first);
		long long own_count = found == 1 ? field_number(line, "\"count\":") : 0;

		if (found > 1)
			VM_FAIL("%d \"lost\" events for lsmguard's own lines, expected 1", found);
		if (reloaded + own_count != 2)
			VM_FAIL("%d reload lines + %lld counted lost != 2 reloads", reloaded,
				own_count);
	}
	if (delivered == 0) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);

		printf("#   read %zu bytes, %d deny lines; the daemon %s (status %d)\n", out.len,
		       delivered, w == pid ? "exited" : "runs", w == pid ? status : 0);
		print_file_tail(STALL_ERR);
	}
	/* The output takes lines again: the next denial is a line. */
	VM_CHECK(try_open(FILES, "/data/private/blind/f0", O_RDONLY) == EPERM);
	{
		size_t before = out.len;

		pipe_read(rfd, &out, NULL, 3000);
		VM_CHECK(out.len > before && strstr(out.text + before, "\"path\":\"" STALL_DIR "/f0\""));
	}

out_restart:
	kill(pid, SIGTERM);
	VM_CHECK(wait_exit(pid, 10000));
	waitpid(pid, NULL, 0);
	if (rfd >= 0)
		close(rfd);
	free(out.text);
	VM_CHECK(daemon_start() > 0);
	VM_CHECK(system("rm -rf " STALL_DIR) == 0);
}

/*
 * Denials while no daemon runs (killed: a crash, the OOM killer): the programs go on deciding
 * and queue their events in the pinned ring buffer, which holds about 3,200; the rest are
 * counted. The next daemon adopts the pins, prints what was queued and reports what was lost
 * since its predecessor's last report: every denial is a line or counted, none silent.
 */
#define DOWN_DIR "/data/private/blind-down"

VM_TEST(blind_losses_while_no_daemon_runs_are_reported, 189)
{
	const char *const deny_lines[] = {"\"event\":\"deny\"", "\"path\":\"" DOWN_DIR "/f", NULL};
	const char *const ring_lost[] = {"\"event\":\"lost\"", "\"lost_in\":\"ring_buffer\"",
					 "\"hook\":\"file_open\"", NULL};
	const char *const output_lost[] = {"\"event\":\"lost\"", "\"lost_in\":\"output\"",
					   "\"hook\":\"file_open\"", NULL};
	struct pipe_text out = {0};
	long long output = 0;
	pid_t old = daemon_pid(), pid;
	const char *line;
	char path[96];
	int rfd = -1, delivered, found;
	long long lost;

	mkdir(DOWN_DIR, 0755);
	for (int i = 0; i < STALL_FILES; i++) {
		snprintf(path, sizeof(path), DOWN_DIR "/f%d", i);
		close(open(path, O_WRONLY | O_CREAT, 0644));
	}
	VM_CHECK(old > 1);
	if (old > 1) {
		VM_CHECK(kill(old, SIGKILL) == 0);
		VM_CHECK(wait_exit(old, 10000));
	}
	/* Enforced without a daemon; 6,000 events for a ring buffer that holds about 3,200. */
	VM_CHECK(in_cgroup(FILES, do_open_stall_files, DOWN_DIR) == 0);
	pid = start_daemon_on_pipe(&rfd);
	VM_CHECK(pid > 0);
	pipe_read(rfd, &out, "\"lost_in\":\"ring_buffer\"", 90000);
	found = lines_with(out.text, ring_lost, &line);
	lost = found == 1 ? field_number(line, "\"count\":") : 0;
	/* The queued lines follow, as fast as this pipe is read. */
	delivered = lines_with(out.text, deny_lines, &line);
	/* The queued lines follow; what this pipe did not take in time the daemon counts too
	 * ("lost_in":"output", once the pipe takes lines again). */
	for (int waited = 0; found == 1 && delivered + lost + output < STALL_FILES && waited < 60;
	     waited++) {
		pipe_read(rfd, &out, NULL, 1000);
		delivered = lines_with(out.text, deny_lines, &line);
		output = lines_with(out.text, output_lost, &line) == 1
			     ? field_number(line, "\"count\":")
			     : 0;
	}
	if (found != 1) {
		VM_FAIL("%d \"lost\" events (ring buffer) for file_open, expected 1; %d deny lines",
			found, delivered);
		for (const char *at = line; at && found-- > 0; at = strstr(at + 1, "\"event\":\"lost\""))
			printf("#   %.*s\n", (int)strcspn(at, "\n"), at);
		print_file_tail(STALL_ERR);
	} else {
		found = lines_with(out.text, ring_lost, &line);
		printf("#   delivered %d queued deny lines, %lld lost in the output, lost %lld of %d: "
		       "%.*s\n",
		       delivered, output, lost, STALL_FILES, (int)(strchr(line, '\n') - line), line);
		VM_CHECK(found == 1);
		VM_CHECK(lost > 0 && delivered > 0);
		if (delivered + output + lost != STALL_FILES)
			VM_FAIL("%d delivered + %lld lost in the output + %lld in the ring buffer != "
				"%d denials",
				delivered, output, lost, STALL_FILES);
	}
	kill(pid, SIGTERM);
	VM_CHECK(wait_exit(pid, 10000));
	waitpid(pid, NULL, 0);
	if (rfd >= 0)
		close(rfd);
	free(out.text);
	/* The next daemon starts from this one's report: nothing is reported twice. */
	out = (struct pipe_text){0};
	pid = start_daemon_on_pipe(&rfd);
	VM_CHECK(pid > 0);
	pipe_read(rfd, &out, "\"event\":\"ready\"", 60000);
	pipe_read(rfd, &out, NULL, 2000);
	VM_CHECK(out.text && strstr(out.text, "\"event\":\"ready\""));
	VM_CHECK(lines_with(out.text, ring_lost, &line) == 0);
	kill(pid, SIGTERM);
	VM_CHECK(wait_exit(pid, 10000));
	waitpid(pid, NULL, 0);
	if (rfd >= 0)
		close(rfd);
	free(out.text);
	VM_CHECK(daemon_start() > 0);
	VM_CHECK(system("rm -rf " DOWN_DIR) == 0);
}

/* ---- systemd-journald ---- */

#define JOURNAL_CG "/system.slice/systemd-journald.service"
#define JOURNAL_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot signal lsmguard, PID 1 (the service "   \
	"manager) or systemd-journald; no SIGIO or SIGURG reaches them\""

struct signal_args {
	pid_t pid;
	int sig;
	bool pidfd;
	uid_t uid;
};

static int do_signal(const void *arg)
{
	const struct signal_args *a = arg;
	long pidfd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (!a->pidfd)
		return kill(a->pid, a->sig) ? errno : 0;
	pidfd = syscall(SYS_pidfd_open, a->pid, 0);
	if (pidfd < 0)
		return 201;
	return syscall(SYS_pidfd_send_signal, (int)pidfd, a->sig, NULL, 0) ? errno : 0;
}

static int try_signal(const char *cgroup, pid_t pid, int sig, bool pidfd, uid_t uid)
{
	struct signal_args a = {pid, sig, pidfd, uid};

	return in_cgroup(cgroup, do_signal, &a);
}

/* A stand-in for journald: a process of uid in cgroup (under /sys/fs/cgroup). */
static pid_t sleeper_in(const char *cgroup, uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (uid && (setgid(uid) || setuid(uid)))
			_exit(1);
		for (;;)
			pause();
	}
	if (pid > 0 && cgroup && !move_into_cgroup(cgroup, pid))
		VM_FAIL("cannot move %d into %s", (int)pid, cgroup);
	return pid;
}

static void sleeper_end(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---- another policy's processes ---- */

#define OTHER_POLICY_SOURCE                                                                       \
	"\"source\":\"built-in: a confined task cannot signal processes outside its policy "      \
	"(another policy's, or under none) unless its policy says [system] signal-others = "      \
	"allow, nor tune, limit or write their /proc files\""

struct other_arg {
	pid_t target;
	uid_t uid;
	int how; /* 0 SIGSTOP, 1 setpriority 19, 2 prlimit NOFILE 3, 3 /proc/PID/oom_score_adj */
};

static int do_other(const void *arg)
{
	const struct other_arg *a = arg;
	struct rlimit r = {3, 3};
	char path[64];
	int fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 250;
	switch (a->how) {
	case 0:
		return kill(a->target, SIGSTOP) ? errno : 0;
	case 1:
		return setpriority(PRIO_PROCESS, a->target, 19) ? errno : 0;
	case 2:
		return prlimit(a->target, RLIMIT_NOFILE, &r, NULL) ? errno : 0;
	default:
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)a->target);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		ret = write(fd, "1000", 4) == 4 ? 0 : 100 + errno;
		close(fd);
		return ret;
	}
}

/* Whether pid is stopped (T) or gone. */
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

static int do_sigio(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	int fds[2];

	if (pipe(fds))
		return 200;
	if (fcntl(fds[0], F_SETOWN, pid) || fcntl(fds[0], F_SETSIG, SIGSTOP) ||
	    fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return errno;
	if (write(fds[1], "x", 1) != 1)
		return 201;
	close(fds[0]);
	close(fds[1]);
	return 0;
}

static void journald_refuses_signals(pid_t journald, const char *what)
{
	static const int sigs[] = {SIGSTOP, SIGTERM, SIGKILL, SIGABRT, SIGHUP, SIGUSR2};
	static const char *const cgroups[] = {FILES, AUDIT};

	for (int c = 0; c < 2; c++)
		for (size_t s = 0; s < sizeof(sigs) / sizeof(sigs[0]); s++) {
			if (try_signal(cgroups[c], journald, sigs[s], false, 0) != EPERM)
				VM_FAIL("%s: kill(%s, %d) not EPERM", cgroups[c], what, sigs[s]);
			if (try_signal(cgroups[c], journald, sigs[s], true, 0) != EPERM)
				VM_FAIL("%s: pidfd_send_signal(%s, %d) not EPERM", cgroups[c], what,
					sigs[s]);
		}
	/* Signal 0 only asks whether it exists. */
	VM_CHECK(try_signal(FILES, journald, 0, false, 0) == 0);
	VM_CHECK(task_state(journald) == 'S');
}

VM_TEST(blind_confined_task_cannot_signal_journald, 189)
{
	long mark = event_mark();
	pid_t journald, user_journald, impostor;

	journald = sleeper_in(JOURNAL_CG, 0);
	VM_CHECK(journald > 0);
	journald_refuses_signals(journald, "journald");
	/* As uid 1000, to a journald of uid 1000 (which the kernel alone would allow). */
	user_journald = sleeper_in(JOURNAL_CG, 1000);
	VM_CHECK(try_signal(FILES, user_journald, SIGSTOP, false, 1000) == EPERM);
	VM_CHECK(try_signal(AUDIT, user_journald, SIGTERM, true, 1000) == EPERM);
	VM_CHECK(task_state(user_journald) == 'S');
	/* SIGIO turned SIGSTOP (F_SETSIG): a confined task cannot name journald as a file's
	 * owner; an owner set outside every policy signals it from no one's I/O. */
	VM_CHECK(in_cgroup(FILES, do_sigio, &journald) == EPERM);
	VM_CHECK(in_cgroup(NULL, do_sigio, &journald) == 0);
	{
		int fds[2];

		VM_CHECK(sigio_armed_pipe(journald, SIGSTOP, fds));
		VM_CHECK(in_cgroup(FILES, do_write_byte, &fds[1]) == 0);
		close(fds[0]);
		close(fds[1]);
	}
	usleep(100 * 1000);
	VM_CHECK(task_state(journald) == 'S');
	/* Controls: unconfined, root and uid 1000 stop and continue it. */
	VM_CHECK(try_signal(NULL, journald, SIGSTOP, false, 0) == 0);
	usleep(50 * 1000);
	VM_CHECK(task_state(journald) == 'T');
	VM_CHECK(try_signal(NULL, journald, SIGCONT, true, 0) == 0);
	VM_CHECK(try_signal(NULL, user_journald, SIGSTOP, false, 1000) == 0);
	VM_CHECK(try_signal(NULL, user_journald, SIGCONT, false, 1000) == 0);
	/* A task that only calls itself systemd-journal, elsewhere (in the policy's own
	 * cgroups), is anybody. */
	impostor = sleeper_in(FILES "/blind-impostor/systemd-journald.service", 0);
	VM_CHECK(try_signal(FILES, impostor, SIGTERM, false, 0) == 0);
	VM_CHECK(wait_exit(impostor, 2000));
	waitpid(impostor, NULL, 0);
	/* journald restarted: a new pid in the same cgroup; then the cgroup made again (a new
	 * cgroup id). Still refused. */
	sleeper_end(journald);
	journald = sleeper_in(JOURNAL_CG, 0);
	VM_CHECK(try_signal(FILES, journald, SIGSTOP, false, 0) == EPERM);
	sleeper_end(journald);
	sleeper_end(user_journald);
	VM_CHECK(rmdir("/sys/fs/cgroup" JOURNAL_CG) == 0);
	journald = sleeper_in(JOURNAL_CG, 0);
	journald_refuses_signals(journald, "journald in a remade cgroup");
	/* A journal namespace's journald. */
	user_journald = sleeper_in("/system.slice/systemd-journald@blind.service", 0);
	VM_CHECK(try_signal(FILES, user_journald, SIGKILL, false, 0) == EPERM);
	sleeper_end(user_journald);
	sleeper_end(journald);
	rmdir("/sys/fs/cgroup/system.slice/systemd-journald@blind.service");
	rmdir("/sys/fs/cgroup" FILES "/blind-impostor/systemd-journald.service");
	rmdir("/sys/fs/cgroup" FILES "/blind-impostor");
	rmdir("/sys/fs/cgroup" JOURNAL_CG);
	rmdir("/sys/fs/cgroup/system.slice");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"task_kill\"", "\"path\":\"systemd-journald (the journal)\"",
			   JOURNAL_SOURCE);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"hook\":\"task_kill\"",
			   "\"path\":\"systemd-journald (the journal)\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_send_sigiotask\"",
			   "\"path\":\"systemd-journald (the journal) (SIGIO)\"");
}

/* ---- cgroup v1 hierarchies ---- */

#define V1 "/mnt/blind-v1"
#define V1_FREEZER "/mnt/blind-freezer"
#define V1_SOURCE                                                                                 \
	"\"source\":\"built-in: a confined task cannot write the control files of cgroups "    \
	"outside its policy, nor of its own unless it says [system] cgroups = delegate, nor any "  \
	"file of a cgroup v1 hierarchy\""

struct open_as {
	const char *path;
	uid_t uid;
};

static int do_open_write_as(const void *arg)
{
	const struct open_as *a = arg;
	int fd;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	fd = open(a->path, O_WRONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_write_open(const char *cgroup, const char *path, uid_t uid)
{
	struct open_as a = {path, uid};

	return in_cgroup(cgroup, do_open_write_as, &a);
}

/* Write text into path from a task in cgroup: 0 or the errno of open or write. */
struct write_as {
	const char *path, *text;
};

static int do_write(const void *arg)
{
	const struct write_as *w = arg;
	int fd = open(w->path, O_WRONLY), ret = 0;

	if (fd < 0)
		return errno;
	if (write(fd, w->text, strlen(w->text)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

/* rmdir a cgroup2 directory and the (empty) cgroups below it. */
static void remove_cgroup_tree(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char sub[512];

	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		remove_cgroup_tree(sub);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void v1_writes_refused(const char *dir, const char *const files[], int *tested)
{
	char path[256];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (access(path, F_OK))
			continue;
		(*tested)++;
		if (try_write_open(FILES, path, 0) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", path, FILES);
		if (try_write_open(AUDIT, path, 0) != EPERM)
			VM_FAIL("%s: open for writing from %s not EPERM", path, AUDIT);
		if (try_write_open(NULL, path, 0) != 0)
			VM_FAIL("%s: control, open for writing outside any policy failed", path);
	}
}

/*
 * Last of all: a cgroup v1 hierarchy outlives its umount (the kernel keeps it while any
 * css_set refers to it), and /proc/PID/cgroup then starts with its line, not "0::", which
 * other cases read. After unload_ends_enforcement (199) a daemon is started again.
 */
VM_TEST(blind_confined_task_cannot_write_cgroup_v1_files, 240)
{
	static const char *const root_files[] = {"release_agent", "notify_on_release",
						 "cgroup.procs", "tasks", "cgroup.clone_children",
						 NULL};
	static const char *const child_files[] = {"notify_on_release", "cgroup.procs", "tasks",
						  "cgroup.clone_children", NULL};
	long mark = event_mark();
	struct stat own;
	char path[256], text[32];
	int tested = 0, made = 0;
	bool collided = false;
	pid_t daemon = daemon_pid(), sleeper;

	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	daemon = daemon_pid();
	mkdir(V1, 0755);
	if (mount("cgroup", V1, "cgroup", 0, "none,name=lgtest") != 0) {
		VM_FAIL("mount -t cgroup -o none,name=lgtest: %s", strerror(errno));
		return;
	}
	mkdir(V1 "/victim", 0755);
	usleep(500 * 1000); /* the daemon's mount table has the new mount (events name it) */
	v1_writes_refused(V1, root_files, &tested);
	v1_writes_refused(V1 "/victim", child_files, &tested);
	VM_CHECK(tested == 9);
	/* Moving lsmguard (or itself) through tasks or cgroup.procs. */
	snprintf(text, sizeof(text), "%d", (int)daemon);
	{
		struct write_as move = {V1 "/victim/tasks", text};
		struct write_as procs = {V1 "/victim/cgroup.procs", text};

		VM_CHECK(in_cgroup(FILES, do_write, &move) == EPERM);
		VM_CHECK(in_cgroup(AUDIT, do_write, &procs) == EPERM);
	}
	/* uid 1000 owning a delegated v1 cgroup (the kernel would let it write). */
	mkdir(V1 "/user", 0755);
	VM_CHECK(chown(V1 "/user", 1000, 1000) == 0);
	VM_CHECK(chown(V1 "/user/cgroup.procs", 1000, 1000) == 0);
	VM_CHECK(chown(V1 "/user/notify_on_release", 1000, 1000) == 0);
	VM_CHECK(try_write_open(FILES, V1 "/user/notify_on_release", 1000) == EPERM);
	VM_CHECK(try_write_open(AUDIT, V1 "/user/cgroup.procs", 1000) == EPERM);
	VM_CHECK(try_write_open(NULL, V1 "/user/notify_on_release", 1000) == 0);
	/*
	 * A v1 directory whose kernfs id equals the enforce-mode policy's own cgroup2 id is not
	 * that cgroup. Both hierarchies number their kernfs nodes in order (a directory, then its
	 * files): v1 directories are made until one reaches the policy cgroup's number, and when
	 * one passes it the policy's cgroup is made again (a new, higher number; it is bound
	 * again by path) until the two meet.
	 */
	for (int round = 0; round < 60 && !collided; round++) {
		struct stat st = {0};

		VM_CHECK(stat("/sys/fs/cgroup" FILES, &own) == 0);
		while (made < 20000) {
			snprintf(path, sizeof(path), V1 "/c%d", made);
			if (mkdir(path, 0755) || stat(path, &st))
				break;
			made++;
			if (st.st_ino >= own.st_ino)
				break;
		}
		if (st.st_ino == own.st_ino) {
			collided = true;
			break;
		}
		/* The policy's cgroup made again (earlier cases leave empty children in it); every
		 * other round a cgroup2 directory elsewhere first, of another size, so that the
		 * numbers do not keep the same remainder. */
		if (round % 2) {
			snprintf(path, sizeof(path), "/sys/fs/cgroup/blind-pad%d", round);
			mkdir(path, 0755);
		}
		remove_cgroup_tree("/sys/fs/cgroup" FILES);
		if (mkdir("/sys/fs/cgroup" FILES, 0755)) {
			VM_FAIL("cannot make /sys/fs/cgroup%s again: %s", FILES, strerror(errno));
			break;
		}
	}
	for (int round = 1; round < 60; round += 2) {
		char pad[64];

		snprintf(pad, sizeof(pad), "/sys/fs/cgroup/blind-pad%d", round);
		rmdir(pad);
	}
	if (collided) {
		char file[300];

		printf("#   %s has kernfs id %lu, as the policy's /sys/fs/cgroup%s\n", path,
		       (unsigned long)own.st_ino, FILES);
		snprintf(file, sizeof(file), "%s/notify_on_release", path);
		VM_CHECK(try_write_open(FILES, file, 0) == EPERM);
		VM_CHECK(try_write_open(NULL, file, 0) == 0);
		/* And the policy is still bound (its own cgroup2 files are refused without
		 * cgroups = delegate, its rules hold). */
		VM_CHECK(try_write_open(FILES, "/sys/fs/cgroup" FILES "/cgroup.freeze", 0) == EPERM);
		VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	} else {
		VM_FAIL("no v1 directory met the kernfs id of /sys/fs/cgroup%s", FILES);
	}
	/* A v1 freezer, when the controller is free (not bound to cgroup2). */
	mkdir(V1_FREEZER, 0755);
	if (mount("cgroup", V1_FREEZER, "cgroup", 0, "freezer") == 0) {
		static const char *const freezer_files[] = {"freezer.state", "tasks", NULL};
		struct write_as freeze = {V1_FREEZER "/ice/freezer.state", "FROZEN"};

		mkdir(V1_FREEZER "/ice", 0755);
		sleeper = fork();
		if (sleeper == 0) {
			for (;;)
				pause();
		}
		snprintf(path, sizeof(path), "%d", (int)sleeper);
		write_into(V1_FREEZER "/ice/tasks", path);
		v1_writes_refused(V1_FREEZER "/ice", freezer_files, &tested);
		VM_CHECK(in_cgroup(FILES, do_write, &freeze) == EPERM);
		VM_CHECK(in_cgroup(AUDIT, do_write, &freeze) == EPERM);
		VM_CHECK(task_state(sleeper) == 'S');
		/* Control: unconfined, it freezes. */
		VM_CHECK(in_cgroup(NULL, do_write, &freeze) == 0);
		write_into(V1_FREEZER "/ice/freezer.state", "THAWED");
		sleeper_end(sleeper);
		rmdir(V1_FREEZER "/ice");
		umount(V1_FREEZER);
	} else {
		printf("#   no v1 freezer here: %s\n", strerror(errno));
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" V1 "/release_agent\"", V1_SOURCE);
	EXPECT_EVENT_AFTER(mark, DENIED_UNDER_AUDIT, "\"path\":\"" V1 "/victim/tasks\"",
			   V1_SOURCE);
	for (int i = made - 1; i >= 0; i--) {
		snprintf(path, sizeof(path), V1 "/c%d", i);
		rmdir(path);
	}
	rmdir(V1 "/user");
	rmdir(V1 "/victim");
	VM_CHECK(vm_umount(V1) == 0);
}

/*
 * Another service (attack run 5: the probe stopped nginx): a process of the audit policy,
 * of uid 0 and of uid 1000, signalled, reniced, limited and made the OOM killer's first choice
 * from the files policy, as root and as uid 1000 (same uid): refused, with an event; so are
 * processes under no policy (the host's daemons, an administrator's shell); signal 0 probes;
 * its own policy's processes are the kernel's. signal-others = allow
 * (the unix-bus policy of unix.c is not used: a policy of this file's own) opens signals only.
 */
VM_TEST(blind_other_policies_processes, 189)
{
	pid_t victim = sleeper_in(AUDIT, 0), user_victim = sleeper_in(AUDIT, 1000);
	pid_t own = sleeper_in(FILES, 0), free_one = sleeper_in(NULL, 0);
	pid_t user_free = sleeper_in(NULL, 1000);
	long mark = event_mark();

	VM_CHECK(victim > 0 && user_victim > 0 && own > 0 && free_one > 0 && user_free > 0);
	for (int how = 0; how < 4; how++) {
		struct other_arg a = {victim, 0, how};

		VM_CHECK(in_cgroup(FILES, do_other, &a) == EPERM);
		a.target = user_victim;
		a.uid = 1000;
		{
			int got = in_cgroup(FILES, do_other, &a);

			/* /proc/PID of a process that changed its uid from root is root's (not
			 * dumpable): the kernel's EACCES there. */
			if (got != (how == 3 ? EACCES : EPERM))
				VM_FAIL("uid 1000, way %d against uid 1000 of another policy: %d", how,
					got);
		}
		/* Its own policy's process (restored below). */
		a.target = own;
		a.uid = 0;
		VM_CHECK(in_cgroup(FILES, do_other, &a) == 0);
		kill(own, SIGCONT);
	}
	VM_CHECK(task_state(victim) == 'S' && task_state(user_victim) == 'S');
	VM_CHECK(try_signal(FILES, victim, 0, false, 0) == 0);	   /* a probe */
	/* A process under no policy (the host's own daemons, an administrator's shell): the
	 * same, each way, as root and as uid 1000 (against its own uid's process). */
	for (int how = 0; how < 4; how++) {
		struct other_arg a = {free_one, 0, how};

		VM_CHECK(in_cgroup(FILES, do_other, &a) == EPERM);
		VM_CHECK(in_cgroup(AUDIT, do_other, &a) == EPERM);
		a.target = user_free;
		a.uid = 1000;
		if (how != 3)
			VM_CHECK(in_cgroup(FILES, do_other, &a) == EPERM);
	}
	VM_CHECK(task_state(free_one) == 'S' && task_state(user_free) == 'S');
	VM_CHECK(try_signal(FILES, free_one, 0, false, 0) == 0); /* a probe */
	VM_CHECK(try_signal(NULL, free_one, SIGSTOP, false, 0) == 0); /* unconfined: the kernel's */
	kill(free_one, SIGCONT);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"task_kill\"", "\"path\":\"a process outside the policy\"",
			   OTHER_POLICY_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"uid\":1000",
			   "\"hook\":\"task_setnice\"",
			   "\"path\":\"an outside process's nice value\"", OTHER_POLICY_SOURCE);
	sleeper_end(victim);
	sleeper_end(user_victim);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"",
			   "\"hook\":\"task_setrlimit\"",
			   "\"path\":\"an outside process's resource limits\"", OTHER_POLICY_SOURCE);
	sleeper_end(own);
	sleeper_end(free_one);
	sleeper_end(user_free);
}

/* ---- another policy's process as a file's owner (SIGIO) ---- */

#define SIGIO_OPTIN "/lgt/sigio-optin" /* [system] signal-others = allow */
#define SIGIO_PATH "\"path\":\"another process as SIGIO owner\""
#define SIGIO_SENT_PATH "\"path\":\"a process of another policy (SIGIO)\""
#define NR_IOCTL_IA32 54
#define NR_FCNTL64_IA32 221

static const char sigio_optin_policy[] =
    "[policy]\nname = sigio-optin\ncgroup = " SIGIO_OPTIN "\nmode = enforce\n"
    "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
    "[system]\nsignal-others = allow\n";

/* The ways a file's owner is set; the target is a process, or its process group for _PGRP. */
enum owner_way {
	OWNER_SETOWN,	   /* fcntl F_SETOWN pid */
	OWNER_SETOWN_PGRP, /* fcntl F_SETOWN -pgrp */
	OWNER_EX_PID,	   /* fcntl F_SETOWN_EX F_OWNER_PID (a pointer to the struct) */
	OWNER_EX_TID,	   /* fcntl F_SETOWN_EX F_OWNER_TID */
	OWNER_EX_PGRP,	   /* fcntl F_SETOWN_EX F_OWNER_PGRP */
	OWNER_FIOSETOWN,   /* a socket's ioctl FIOSETOWN (a pointer to the number) */
	OWNER_SIOCSPGRP,   /* a socket's ioctl SIOCSPGRP -pgrp */
	OWNER_FCNTL32,	   /* fcntl64 F_SETOWN through int $0x80 (compat_sys_fcntl64) */
	OWNER_IOCTL32,	   /* ioctl FIOSETOWN through int $0x80 (compat_sys_ioctl) */
	OWNER_WAYS,
};

static const char *const owner_way_names[OWNER_WAYS] = {
    "F_SETOWN",	   "F_SETOWN -pgrp", "F_SETOWN_EX PID", "F_SETOWN_EX TID",	 "F_SETOWN_EX PGRP",
    "FIOSETOWN", "SIOCSPGRP",	      "fcntl64 F_SETOWN (int $0x80)", "ioctl FIOSETOWN (int $0x80)"};

static bool owner_way_is_group(enum owner_way way)
{
	return way == OWNER_SETOWN_PGRP || way == OWNER_EX_PGRP || way == OWNER_SIOCSPGRP;
}

/* A system call through the 32-bit table (int $0x80), three arguments. */
static long syscall32_3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

struct owner_arg {
	enum owner_way way;
	pid_t target; /* 0: the caller itself (its process, or its process group) */
	uid_t uid;
	int sig; /* F_SETSIG; the I/O follows. SIGUSR1: the caller waits for it (its own) */
};

/* Set s's owner as a->way says: 0, or the errno. */
static int owner_set(int s, const struct owner_arg *a)
{
	pid_t who = a->target ? a->target : owner_way_is_group(a->way) ? getpgrp() : getpid();
	struct f_owner_ex ex = {F_OWNER_PID, who};
	int *low, number = owner_way_is_group(a->way) ? -who : who;
	long ret;

	switch (a->way) {
	case OWNER_SETOWN:
	case OWNER_SETOWN_PGRP:
		return fcntl(s, F_SETOWN, number) ? errno : 0;
	case OWNER_EX_PID:
	case OWNER_EX_TID:
	case OWNER_EX_PGRP:
		ex.type = a->way == OWNER_EX_TID ? F_OWNER_TID
			  : a->way == OWNER_EX_PGRP ? F_OWNER_PGRP
						    : F_OWNER_PID;
		return fcntl(s, F_SETOWN_EX, &ex) ? errno : 0;
	case OWNER_FIOSETOWN:
		return ioctl(s, FIOSETOWN, &number) ? errno : 0;
	case OWNER_SIOCSPGRP:
		return ioctl(s, SIOCSPGRP, &number) ? errno : 0;
	case OWNER_FCNTL32:
		ret = syscall32_3(NR_FCNTL64_IA32, s, F_SETOWN, number);
		return ret < 0 ? (int)-ret : 0;
	default:
		/* The number below 4 GiB, where a 32-bit pointer reaches. */
		low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			   -1, 0);
		if (low == MAP_FAILED)
			return 210;
		*low = number;
		ret = syscall32_3(NR_IOCTL_IA32, s, FIOSETOWN, (long)low);
		munmap(low, 4096);
		return ret < 0 ? (int)-ret : 0;
	}
}

/*
 * In a child: a socket pair, s[0]'s owner set (the result returned), then F_SETSIG a->sig,
 * O_ASYNC, and a byte written into s[1]: the I/O that signals the owner. For its own process
 * (SIGUSR1), whether the signal came: 0, or 150.
 */
static int do_owner(const void *arg)
{
	const struct owner_arg *a = arg;
	struct timespec wait = {2, 0};
	int s[2], ret;
	sigset_t usr1;

	/* A process group of its own: the group's signal reaches no one else. */
	if (setpgid(0, 0) || (a->uid && (setgid(a->uid) || setuid(a->uid))))
		return 200;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s))
		return 201;
	ret = owner_set(s[0], a);
	if (fcntl(s[0], F_SETSIG, a->sig) || fcntl(s[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return 202;
	if (write(s[1], "x", 1) != 1)
		return 203;
	if (!ret && a->sig == SIGUSR1 && sigtimedwait(&usr1, NULL, &wait) != SIGUSR1)
		ret = 150;
	close(s[0]);
	close(s[1]);
	return ret;
}

static int try_owner(const char *cgroup, enum owner_way way, pid_t target, uid_t uid, int sig)
{
	struct owner_arg a = {way, target, uid, sig};

	return in_cgroup(cgroup, do_owner, &a);
}

/* A sleeper of uid in cgroup, leader of a process group of its own. */
static pid_t group_sleeper_in(const char *cgroup, uid_t uid)
{
	pid_t pid = sleeper_in(cgroup, uid);

	if (pid > 0 && setpgid(pid, pid))
		VM_FAIL("setpgid(%d): %s", (int)pid, strerror(errno));
	return pid;
}

static void sigio_setup(void)
{
	if (access(POLICY_DIR "/sigio-optin.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/sigio-optin.ini", sigio_optin_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
}

/*
 * A file's owner set to a process of another policy (attack run 5's route around task_kill):
 * F_SETOWN, with a process group, F_SETOWN_EX of each kind, a socket's FIOSETOWN and
 * SIOCSPGRP, and the 32-bit fcntl64 and ioctl, then F_SETSIG SIGKILL and I/O. Refused at the
 * setting (EPERM) under both policies (a protection), as root and as uid 1000 (a victim of its
 * uid, which the kernel's own check lets it signal); the victims live. Its own process and
 * process group: set, and the signal comes. Unconfined, and under signal-others = allow: the
 * kernel's (the victim stops).
 */
VM_TEST(blind_other_policies_sigio_owner, 188)
{
	static const char *const cgroups[] = {FILES, AUDIT};
	long mark = event_mark();

	sigio_setup();
	for (int c = 0; c < 2; c++) {
		const char *other = c ? FILES : AUDIT;
		pid_t victim = group_sleeper_in(other, 0), user_victim = group_sleeper_in(other, 1000);

		VM_CHECK(victim > 0 && user_victim > 0);
		for (int way = 0; way < OWNER_WAYS; way++) {
			int got = try_owner(cgroups[c], way, victim, 0, SIGKILL);

			if (got != EPERM)
				VM_FAIL("%s: %s to a process of %s as root: %d, expected EPERM",
					cgroups[c], owner_way_names[way], other, got);
			got = try_owner(cgroups[c], way, user_victim, 1000, SIGKILL);
			if (got != EPERM)
				VM_FAIL("%s: %s to a process of %s as uid 1000: %d, expected EPERM",
					cgroups[c], owner_way_names[way], other, got);
			/* Its own process or process group (0: the caller's): the signal comes. */
			got = try_owner(cgroups[c], way, 0, 0, SIGUSR1);
			if (got != 0)
				VM_FAIL("%s: %s to itself as root: %d", cgroups[c],
					owner_way_names[way], got);
			got = try_owner(cgroups[c], way, 0, 1000, SIGUSR1);
			if (got != 0)
				VM_FAIL("%s: %s to itself as uid 1000: %d", cgroups[c],
					owner_way_names[way], got);
		}
		VM_CHECK(task_state(victim) == 'S' && task_state(user_victim) == 'S');
		sleeper_end(victim);
		sleeper_end(user_victim);
	}
	/* Controls: unconfined, and under signal-others = allow, the owner is set and the
	 * signal reaches the other policy's process. */
	{
		static const char *const openers[] = {NULL, SIGIO_OPTIN};
		static const enum owner_way ways[] = {OWNER_SETOWN, OWNER_EX_PGRP, OWNER_FIOSETOWN};

		for (int o = 0; o < 2; o++)
			for (size_t w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
				pid_t victim = group_sleeper_in(AUDIT, 0);
				int got = try_owner(openers[o], ways[w], victim, 0, SIGSTOP);

				if (got != 0)
					VM_FAIL("%s: %s to a process of %s: %d, expected success",
						openers[o] ? openers[o] : "no policy",
						owner_way_names[ways[w]], AUDIT, got);
				for (int i = 0; i < 100 && task_state(victim) != 'T'; i++)
					usleep(10 * 1000);
				if (task_state(victim) != 'T')
					VM_FAIL("%s: %s: the SIGSTOP did not come",
						openers[o] ? openers[o] : "no policy",
						owner_way_names[ways[w]]);
				sleeper_end(victim);
			}
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_fcntl\"", SIGIO_PATH, OTHER_POLICY_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"", "\"uid\":1000",
			   "\"hook\":\"file_fcntl\"", SIGIO_PATH, OTHER_POLICY_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"uid\":1000",
			   "\"hook\":\"file_ioctl\"", SIGIO_PATH, OTHER_POLICY_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"",
			   "\"hook\":\"file_ioctl\"", SIGIO_PATH, OTHER_POLICY_SOURCE);
}

/* ---- the owner the kernel really sets: a racing thread, a tty's O_ASYNC ---- */

static volatile int race_stop;

struct race_mem {
	volatile int number;	       /* FIOSETOWN's */
	volatile struct f_owner_ex ex; /* F_SETOWN_EX's */
	int own, other;
};

/* Rewrite the owner between the caller's own pid and the victim's, as fast as it can. */
static void *race_flip(void *arg)
{
	struct race_mem *m = arg;

	while (!race_stop) {
		m->number = m->other;
		m->ex.pid = m->other;
		m->number = m->own;
		m->ex.pid = m->own;
	}
	return NULL;
}

struct race_arg {
	pid_t victim;
	uid_t uid;
	bool ex; /* F_SETOWN_EX, else FIOSETOWN */
};

/*
 * For a second, set a socket's owner through a pointer that another thread flips between the
 * caller and the victim, with F_SETSIG SIGTERM (which the caller ignores) and a byte written
 * after each setting. 0 when no setting named the victim, 1 when some did (the kernel read the
 * victim after the check read the caller), plus 2 when some were refused.
 */
static int do_owner_race(const void *arg)
{
	const struct race_arg *a = arg;
	struct race_mem m = {0};
	long went = 0, refused = 0, tries = 0, end;
	pthread_t flipper;
	char drain[256];
	int s[2];

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	signal(SIGTERM, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s))
		return 201;
	if (fcntl(s[0], F_SETSIG, SIGTERM) || fcntl(s[0], F_SETFL, O_ASYNC | O_NONBLOCK) ||
	    fcntl(s[1], F_SETFL, O_NONBLOCK))
		return 202;
	m.own = getpid();
	m.other = a->victim;
	m.number = m.own;
	m.ex.type = F_OWNER_PID;
	m.ex.pid = m.own;
	race_stop = 0;
	if (pthread_create(&flipper, NULL, race_flip, &m))
		return 203;
	end = vm_now_ms() + 1000;
	while (vm_now_ms() < end) {
		int r = a->ex ? fcntl(s[0], F_SETOWN_EX, (struct f_owner_ex *)&m.ex)
			      : ioctl(s[0], FIOSETOWN, (int *)&m.number);

		tries++;
		if (r == 0 && fcntl(s[0], F_GETOWN) == a->victim)
			went++;
		else if (r && errno == EPERM)
			refused++;
		if (write(s[1], "x", 1) != 1 || read(s[0], drain, sizeof(drain)) < 0)
			continue;
	}
	race_stop = 1;
	pthread_join(flipper, NULL);
	close(s[0]);
	close(s[1]);
	printf("#   %s as uid %u: %ld settings, %ld named the victim, %ld refused\n",
	       a->ex ? "F_SETOWN_EX" : "FIOSETOWN", (unsigned)a->uid, tries, went, refused);
	fflush(stdout);
	return (went ? 1 : 0) + (refused ? 2 : 0);
}

/* A pty whose slave is the controlling terminal of a process of cgroup (uid), in a session of
 * its own and in its foreground: the master and a slave descriptor for the caller. */
static pid_t tty_sleeper_in(const char *cgroup, uid_t uid, int *master, int *slave)
{
	int ready[2], m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char name[64], c = 'n';
	pid_t pid;

	*master = *slave = -1;
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, sizeof(name)) ||
	    pipe2(ready, O_CLOEXEC)) {
		VM_FAIL("no pty: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		/* A session leader's first tty is its controlling terminal; it is in the
		 * foreground. */
		if (setsid() < 0 || open(name, O_RDWR) < 0 ||
		    (uid && (setgid(uid) || setuid(uid))))
			_exit(1);
		if (write(ready[1], "y", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1 || c != 'y' ||
	    !move_into_cgroup(cgroup, pid)) {
		VM_FAIL("no tty sleeper in %s", cgroup);
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	*master = m;
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return pid;
}

struct tty_owner_arg {
	int slave;
	uid_t uid;
	pid_t group; /* the foreground process group the owner must be */
};

/* O_ASYNC on the slave (no owner named: the tty names its foreground process group), with
 * F_SETSIG SIGKILL: 0 when the owner is that group, else an errno or a step. */
static int do_tty_owner(const void *arg)
{
	const struct tty_owner_arg *a = arg;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (fcntl(a->slave, F_SETSIG, SIGKILL) || fcntl(a->slave, F_SETFL, O_ASYNC | O_NONBLOCK))
		return errno;
	return fcntl(a->slave, F_GETOWN) == -a->group ? 0 : 150;
}

/* Whether pid (a child) has gone within 2 s; reaped. */
static bool sleeper_died(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/*
 * The owner as the kernel sets it, checked where the signal is sent (file_send_sigiotask):
 *  - a tty's O_ASYNC names the tty's foreground process group, with no number to check
 *    beforehand: a confined task's descriptor of another policy's process's controlling
 *    terminal, F_SETSIG SIGKILL, and input typed on the master by an unconfined task (the
 *    signal is sent from the tty's worker): the victim lives, refused under the setter's
 *    policy, as root and as uid 1000, under both policies; unconfined, the victim dies;
 *  - a second thread rewriting FIOSETOWN's number or F_SETOWN_EX's struct between the check's
 *    read and the kernel's, for a second: a setting that named the victim never signals it.
 */
VM_TEST(blind_other_policies_sigio_sent, 188)
{
	static const char *const cgroups[] = {FILES, AUDIT};
	long mark = event_mark();
	bool went = false;

	VM_TIMEOUT(60);
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	for (int c = 0; c < 2; c++) {
		const char *other = c ? FILES : AUDIT;

		for (int u = 0; u < 2; u++) {
			uid_t uid = u ? 1000 : 0;
			int master, slave;
			pid_t victim = tty_sleeper_in(other, uid, &master, &slave);
			struct tty_owner_arg t = {slave, uid, victim};
			int got;

			if (victim < 0 || slave < 0)
				continue;
			got = in_cgroup(cgroups[c], do_tty_owner, &t);
			if (got != 0)
				VM_FAIL("%s as uid %u: O_ASYNC on a tty of %s: %d", cgroups[c],
					(unsigned)uid, other, got);
			VM_CHECK(write(master, "x\n", 2) == 2);
			if (sleeper_died(victim)) {
				VM_FAIL("%s as uid %u: the SIGKILL through the tty reached %s",
					cgroups[c], (unsigned)uid, other);
			} else {
				sleeper_end(victim);
			}
			close(slave);
			close(master);
		}
	}
	/* Control: the same from a task under no policy kills. */
	{
		int master, slave;
		pid_t victim = tty_sleeper_in(AUDIT, 0, &master, &slave);
		struct tty_owner_arg t = {slave, 0, victim};

		VM_CHECK(victim > 0 && in_cgroup(NULL, do_tty_owner, &t) == 0);
		VM_CHECK(write(master, "x\n", 2) == 2);
		VM_CHECK(sleeper_died(victim));
		close(slave);
		close(master);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"",
			   "\"hook\":\"file_send_sigiotask\"", SIGIO_SENT_PATH, OTHER_POLICY_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"audit\"",
			   "\"hook\":\"file_send_sigiotask\"", SIGIO_SENT_PATH, OTHER_POLICY_SOURCE);
	/* The race, each way, as root and as uid 1000, under both policies. */
	mark = event_mark();
	for (int c = 0; c < 2; c++) {
		const char *other = c ? FILES : AUDIT;

		for (int u = 0; u < 2; u++) {
			uid_t uid = u ? 1000 : 0;
			pid_t victim = sleeper_in(other, uid);

			for (int ex = 0; ex < 2; ex++) {
				struct race_arg r = {victim, uid, ex};
				int got = in_cgroup(cgroups[c], do_owner_race, &r);

				if (got < 0 || got > 3 || !(got & 2))
					VM_FAIL("%s as uid %u: the race: %d (no setting refused?)",
						cgroups[c], (unsigned)uid, got);
				went |= got > 0 && (got & 1);
			}
			if (task_state(victim) != 'S')
				VM_FAIL("%s as uid %u: the victim in %s is no longer asleep (%c)",
					cgroups[c], (unsigned)uid, other, task_state(victim));
			sleeper_end(victim);
		}
	}
	if (went)
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"file_send_sigiotask\"",
				   SIGIO_SENT_PATH, OTHER_POLICY_SOURCE);
	else
		printf("#   no setting of the race named the victim\n");
}

/* ---- the owner's recording skipped: preemption ---- */

#define OWNER_STORM_KIDS 8
#define OWNER_STORM_FILES 64

struct owner_storm {
	int master, slave;		 /* the victim's tty */
	int slaves[OWNER_STORM_FILES];	 /* as many more descriptors of its slave, opened apart */
	volatile int *stop;		 /* shared: set by the test to end the storm */
};

/*
 * One task of the storm, pinned to CPU 0 under FILES. Kid 0 is the attacker: it gives each of
 * its descriptors of the victim's tty (each its own open file: a file's first owner is the one
 * that counts, its record stays) an owner through O_ASYNC (the tty names its foreground process
 * group, another policy's: no number for the fcntl check to read), with F_SETSIG SIGKILL, and
 * types a line on the master (the signal is sent from the tty's worker).
 * The others set their own process group as their socket's owner, a setting the recording
 * program does its whole work for, so that the attacker's runs meet it preempted midway.
 */
static int owner_storm(int kid, const struct owner_storm *s, int go)
{
	long rounds = 0;
	cpu_set_t cpu0;
	char buf[256];
	int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sock < 0 || sched_setaffinity(0, sizeof(cpu0), &cpu0))
		return 200;
	if (read(go, buf, 1) != 1)
		return 201;
	while (!*s->stop) {
		int slave;

		if (kid) {
			fcntl(sock, F_SETOWN, -getpgrp());
			continue;
		}
		if (rounds == OWNER_STORM_FILES)
			break;
		slave = s->slaves[rounds];
		if (fcntl(slave, F_SETSIG, SIGKILL) ||
		    fcntl(slave, F_SETFL, O_ASYNC | O_NONBLOCK))
			return 202;
		if (write(s->master, "x\n", 2) != 2)
			return 203;
		/* The line is readable once the tty's worker has taken it, after its signal: the
		 * owner must stay until then. */
		if (poll(&(struct pollfd){.fd = slave, .events = POLLIN}, 1, 1000) != 1)
			return 204;
		while (read(slave, buf, sizeof(buf)) > 0)
			;
		while (read(s->master, buf, sizeof(buf)) > 0) /* the echo */
			;
		rounds++;
	}
	if (kid == 0) {
		printf("#   the attacker gave the tty an owner %ld times\n", rounds);
		fflush(stdout);
	}
	return 0;
}

/*
 * The owner's recording is a tracing program (fentry/__f_setown), which the kernel skips when
 * it is already running on the CPU: under preempt=full, another task preempted inside it. A
 * storm of eight confined tasks on one CPU (3% of the settings skipped, measured) while one of
 * them makes the tty of another policy's process signal that process: the paired LSM program
 * (file_set_fowner) records every setting the fentry did not see, so no SIGKILL reaches the
 * victim. Without full preemption nothing is skipped and the case checks the same in 3 s; under
 * preempt=full it goes on until 50 runs were skipped (at most 30 s) and fails if none was.
 */
VM_TEST(blind_sigio_owner_recording_skipped, 188)
{
	static struct owner_storm s;
	bool full = full_preemption_asked();
	unsigned long long before, skipped = 0;
	pid_t kids[OWNER_STORM_KIDS], victim;
	int go[2], status;
	long start, mark = event_mark();

	VM_TIMEOUT(90);
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	victim = tty_sleeper_in(AUDIT, 0, &s.master, &s.slave);
	VM_CHECK(victim > 0 && s.slave >= 0);
	{
		char name[64];

		VM_CHECK(ptsname_r(s.master, name, sizeof(name)) == 0);
		for (int i = 0; i < OWNER_STORM_FILES; i++) {
			s.slaves[i] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
			VM_CHECK(s.slaves[i] >= 0);
		}
	}
	VM_CHECK(fcntl(s.master, F_SETFL, O_NONBLOCK) == 0);
	s.stop = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	VM_CHECK(s.stop != MAP_FAILED);
	*s.stop = 0;
	before = program_misses("lg_sigio_owner");
	VM_CHECK(pipe(go) == 0);
	for (int i = 0; i < OWNER_STORM_KIDS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(go[1]);
			_exit(owner_storm(i, &s, go[0]));
		}
		VM_CHECK(kids[i] > 0 && move_into_cgroup(FILES, kids[i]));
	}
	close(go[0]);
	{
		char bytes[OWNER_STORM_KIDS];

		memset(bytes, 'g', sizeof(bytes));
		VM_CHECK(write(go[1], bytes, sizeof(bytes)) == OWNER_STORM_KIDS);
	}
	close(go[1]);
	start = vm_now_ms();
	for (;;) {
		usleep(200 * 1000);
		skipped = program_misses("lg_sigio_owner") - before;
		if (waitpid(victim, NULL, WNOHANG) == victim || vm_now_ms() - start > 30000 ||
		    (!full && vm_now_ms() - start > 3000) || skipped >= 50)
			break;
	}
	*s.stop = 1;
	for (int i = 0; i < OWNER_STORM_KIDS; i++) {
		VM_CHECK(waitpid(kids[i], &status, 0) == kids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			VM_FAIL("storm task %d: status 0x%x", i, status);
	}
	printf("#   %llu runs of the recording program skipped (preempt=full: %s)\n", skipped,
	       full ? "yes" : "no");
	if (full && !skipped)
		VM_FAIL("no run of lg_sigio_owner_set was skipped: the storm did not reach the route");
	if (skipped) {
		/* The daemon's report, within a second or two: the kernel's count in its total. */
		char total[64];

		snprintf(total, sizeof(total), "\"total\":%llu", program_misses("lg_sigio_owner"));
		EXPECT_EVENT_AFTER(mark, "\"event\":\"program_skipped\"",
				   "\"program\":\"lg_sigio_owner_set\"", total,
				   "\"effect\":\"a file owner's setter unrecorded: lg_sigio_owner_checked "
				   "records it (fail closed)\"");
	}
	if (task_state(victim) != 'S')
		VM_FAIL("the victim (another policy's process, the tty's foreground) is no longer "
			"asleep (%c): a SIGKILL through its tty reached it",
			task_state(victim));
	else
		sleeper_end(victim);
	for (int i = 0; i < OWNER_STORM_FILES; i++)
		close(s.slaves[i]);
	close(s.slave);
	close(s.master);
	munmap((void *)s.stop, sizeof(int));
}
