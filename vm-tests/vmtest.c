// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm-tests: lsmguard in a real kernel. Writes the test policies and data, starts `lsmguard run`,
 * then runs every case (see cases.c and the other files) through the shared harness. After each
 * case the daemon's stderr is read: a line the case did not declare fails it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

/*
 * What `lsmguard run` writes to stderr that is information, not a warning: it exits on a
 * signal, and a new daemon adopts what the previous one pinned (enforcer/cmd_run.c).
 */
static const char *const daemon_info_lines[] = {
	"lsmguard: exiting on signal ",
	"lsmguard: adopting the enforcement pinned at ",
};

/*
 * Warnings every policy load prints, on purpose: files.ini and audit.ini (cases.c) name
 * /data/dup/ twice, to prove that the deny wins. Any other warning must be declared by its case.
 */
static const char *const daemon_warnings_of_every_load[] = {
	POLICY_DIR "/files.ini:12: warning: '/data/dup/' is allow here and deny at line 11; the "
	"more restrictive one wins",
	POLICY_DIR "/audit.ini:12: warning: '/data/dup/' is allow here and deny at line 11; the "
	"more restrictive one wins",
};

static off_t daemon_err_judged; /* the bytes of DAEMON_ERR already read */

void vm_register(const char *name, vm_test_fn fn, int order)
{
	harness_register(name, fn, order);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool is_info_or_load_warning(const char *line)
{
	for (size_t i = 0; i < ARRAY_LEN(daemon_info_lines); i++)
		if (strncmp(line, daemon_info_lines[i], strlen(daemon_info_lines[i])) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_LEN(daemon_warnings_of_every_load); i++)
		if (strcmp(line, daemon_warnings_of_every_load[i]) == 0)
			return true;
	return false;
}

/*
 * Read the daemon's stderr lines written since the last call. A line is fine when it holds one
 * of the expected texts (marked in seen) or is information; every other line is reported and
 * makes this return false.
 */
static bool judge_new_lines(const char (*expected)[HARNESS_EXPECTED_LEN], int count, bool *seen)
{
	char buf[4096];
	bool fine = true;
	int fd = open(DAEMON_ERR, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return true; /* the daemon never wrote to it yet */
	while ((n = pread(fd, buf, sizeof(buf) - 1, daemon_err_judged)) > 0) {
		char *line = buf, *end;

		buf[n] = '\0';
		/* Whole lines only: a line still being written is read next time. */
		while ((end = strchr(line, '\n'))) {
			bool known;

			*end = '\0';
			known = is_info_or_load_warning(line);
			for (int i = 0; i < count; i++) {
				if (strstr(line, expected[i])) {
					seen[i] = true;
					known = true;
				}
			}
			if (!known) {
				printf("#   the daemon warned: %s\n", line);
				fine = false;
			}
			daemon_err_judged += end + 1 - line;
			line = end + 1;
		}
		if (line == buf) {
			if (n < (ssize_t)sizeof(buf) - 1)
				break; /* an unfinished line */
			printf("#   the daemon wrote a line longer than %zu bytes\n", sizeof(buf));
			daemon_err_judged += n;
			fine = false;
		}
	}
	close(fd);
	return fine;
}

/*
 * After each case (in the runner), whatever its end: the daemon is running (a case that stopped
 * it and did not resume it fails; the next case finds it running), and it wrote nothing the
 * case did not expect.
 */
static bool daemon_wrote_only_the_expected(const char (*expected)[HARNESS_EXPECTED_LEN], int count)
{
	bool seen[HARNESS_MAX_EXPECTED] = {false}, fine = true, all_seen;
	long end = vm_now_ms() + 2000; /* for an expected line the daemon is still writing */
	pid_t stopped = daemon_resume_left_stopped();

	if (stopped > 1) {
		printf("#   the case left the daemon (pid %d) stopped; resumed\n", (int)stopped);
		fine = false;
	}
	for (;;) {
		fine &= judge_new_lines(expected, count, seen);
		all_seen = true;
		for (int i = 0; i < count; i++)
			all_seen &= seen[i];
		if (all_seen || vm_now_ms() > end)
			break;
		usleep(50 * 1000);
	}
	for (int i = 0; i < count; i++) {
		if (!seen[i]) {
			printf("#   the daemon did not write the expected '%s'\n", expected[i]);
			fine = false;
		}
	}
	return fine;
}

/*
 * The host limits that cases lower for a while (the budget cases: a limit set just above what
 * the host uses). A case killed at its timeout before it put one back would leave every later
 * case a host at its limit: after each case, each is compared with its value at the start of
 * the suite, put back, and the case fails.
 */
static struct {
	const char *path;
	char value[128];
} host_limits[] = {
    {"/proc/sys/fs/file-max", ""},	   {"/proc/sys/fs/aio-max-nr", ""},
    {"/proc/sys/fs/mqueue/queues_max", ""}, {"/proc/sys/kernel/threads-max", ""},
    {"/proc/sys/kernel/pty/max", ""},	   {"/proc/sys/kernel/keys/maxkeys", ""},
    {"/proc/sys/kernel/shmall", ""},	   {"/proc/sys/kernel/shmmni", ""},
    {"/proc/sys/kernel/msgmni", ""},	   {"/proc/sys/kernel/sem", ""},
    {"/proc/sys/kernel/kptr_restrict", ""},
};

static bool read_limit(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, out, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	out[n] = '\0';
	return true;
}

static bool host_limits_put_back(void)
{
	bool fine = true;

	for (size_t i = 0; i < sizeof(host_limits) / sizeof(host_limits[0]); i++) {
		char now[128];
		int fd;

		if (!host_limits[i].value[0] || !read_limit(host_limits[i].path, now, sizeof(now)) ||
		    strcmp(now, host_limits[i].value) == 0)
			continue;
		now[strcspn(now, "\n")] = '\0';
		printf("#   the case left %s at %s; put back\n", host_limits[i].path, now);
		fd = open(host_limits[i].path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, host_limits[i].value, strlen(host_limits[i].value)) < 0)
			printf("#   cannot put %s back: %s\n", host_limits[i].path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fine = false;
	}
	return fine;
}

static bool after_each_case(const char (*expected)[HARNESS_EXPECTED_LEN], int count)
{
	bool limits = host_limits_put_back();

	return daemon_wrote_only_the_expected(expected, count) && limits;
}

static int suite_setup(void)
{
	for (size_t i = 0; i < sizeof(host_limits) / sizeof(host_limits[0]); i++)
		if (!read_limit(host_limits[i].path, host_limits[i].value,
				sizeof(host_limits[i].value)))
			host_limits[i].value[0] = '\0';
	if (vm_setup() != 0)
		return -1;
	/* Starting up is silent: anything on stderr fails the setup. */
	return daemon_wrote_only_the_expected(NULL, 0) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct harness_suite vm = {
		/* booted with preempt=full (vm-tests/run-vm.sh preempt): reported as vm-preempt */
		.name = full_preemption_asked() ? "vm-preempt" : "vm",
		.timeout_s = 120,
		/* Cases may raise their alarm() up to 900 s (the 1,000-reload and flood cases). */
		.hard_timeout_s = 960,
		.setup = suite_setup,
		.after_case = after_each_case,
	};

	return harness_main(&vm, argc, argv);
}
