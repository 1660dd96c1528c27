// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's pid file (enforcer/state.c): a daemon runs while it holds the file's write lock.
 * A file left behind, a live process at the pid it names, a read lock or a flock() held by
 * anyone make no running daemon, and a new daemon takes the name over from them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "state.h"

FIXTURE(pidfile)
{
	char dir[64];
	char path[96];
};

FIXTURE_SETUP(pidfile)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/lg-pidfile.XXXXXX");
	CHECK(mkdtemp(self->dir) != NULL);
	snprintf(self->path, sizeof(self->path), "%s/lsmguard.pid", self->dir);
}

FIXTURE_TEARDOWN(pidfile)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd) != 0)
		FAIL_AT("cannot remove %s", self->dir);
}

static void write_pid(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "%d\n", (int)pid);
	fclose(f);
}

static pid_t pid_in(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

static ino_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Names in dir other than lsmguard.pid (a temporary file left behind). */
static int other_names(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "lsmguard.pid"))
			n++;
	closedir(d);
	return n;
}

/* A child that claims dir's pid file, reports the result on a pipe, then waits to be killed. */
static pid_t claiming_child(const char *dir, int *claimed)
{
	int fds[2], running;
	pid_t child;

	*claimed = -1;
	if (pipe(fds))
		return -1;
	child = fork();
	if (child == 0) {
		int fd = lg_pidfile_claim(dir, &running);

		close(fds[0]);
		if (write(fds[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (child < 0 || read(fds[0], claimed, sizeof(*claimed)) != sizeof(*claimed))
		*claimed = -1;
	close(fds[0]);
	return child;
}

static void kill_child(pid_t child)
{
	int status;

	kill(child, SIGKILL);
	waitpid(child, &status, 0);
}

/* A file naming a live process (here: this test's parent) is not a daemon without the lock. */
TEST_F(pidfile, pidfile_without_its_lock_is_no_running_daemon)
{
	int fd, running = -1;

	CHECK_INT(lg_pidfile_running(self->dir), 0);
	write_pid(self->path, getppid());
	CHECK_INT(lg_pidfile_running(self->dir), 0);
	fd = lg_pidfile_claim(self->dir, &running);
	CHECK(fd >= 0);
	CHECK_INT(running, 0);
	CHECK_INT(pid_in(self->path), getpid());
	/* The lock holds against every other open file description, this process's too. */
	CHECK_INT(lg_pidfile_running(self->dir), getpid());
	CHECK_INT(other_names(self->dir), 0);
	lg_pidfile_release(self->dir, fd);
}

/* While a daemon holds the file, a second one is refused and told its pid; once it has died
 * (SIGKILL: the file stays), the next one takes over. */
TEST_F(pidfile, pidfile_claim_refused_while_its_daemon_lives)
{
	int claimed, fd, running = 0;
	pid_t daemon = claiming_child(self->dir, &claimed);

	CHECK(daemon > 0);
	CHECK(claimed >= 0);
	CHECK_INT(lg_pidfile_running(self->dir), daemon);
	CHECK_INT(lg_pidfile_claim(self->dir, &running), -EEXIST);
	CHECK_INT(running, daemon);
	CHECK_INT(pid_in(self->path), daemon);
	CHECK_INT(other_names(self->dir), 0);
	kill_child(daemon);
	CHECK_INT(pid_in(self->path), daemon); /* stale */
	CHECK_INT(lg_pidfile_running(self->dir), 0);
	fd = lg_pidfile_claim(self->dir, &running);
	CHECK(fd >= 0);
	CHECK_INT(pid_in(self->path), getpid());
	lg_pidfile_release(self->dir, fd);
}

/*
 * Anyone who can read the file can lock it for reading (fcntl, OFD) or flock() it: none of
 * that is a daemon, and none of it keeps a new daemon from taking the name (a new file).
 */
TEST_F(pidfile, pidfile_read_locks_and_flock_make_no_daemon)
{
	struct flock read_lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	int ofd, posix, flocked, fd, running = -1, claimed;
	pid_t holder;
	ino_t old;

	write_pid(self->path, getppid());
	old = inode_of(self->path);
	ofd = open(self->path, O_RDONLY);
	flocked = open(self->path, O_RDONLY);
	CHECK(ofd >= 0 && flocked >= 0);
	CHECK_INT(fcntl(ofd, F_OFD_SETLK, &read_lock), 0);
	CHECK_INT(flock(flocked, LOCK_EX | LOCK_NB), 0);
	CHECK_INT(lg_pidfile_running(self->dir), 0);
	/* A classic record lock, held by another process (its pid is what F_GETLK reports). */
	holder = fork();
	if (holder == 0) {
		posix = open(self->path, O_RDONLY);
		if (posix < 0 || fcntl(posix, F_SETLK, &read_lock))
			_exit(1);
		for (;;)
			pause();
	}
	CHECK(holder > 0);
	usleep(100 * 1000);
	CHECK_INT(lg_pidfile_running(self->dir), 0);
	fd = lg_pidfile_claim(self->dir, &running);
	CHECK(fd >= 0);
	CHECK_INT(running, 0);
	CHECK(inode_of(self->path) != old);
	CHECK_INT(pid_in(self->path), getpid());
	CHECK_INT(lg_pidfile_running(self->dir), getpid());
	/* The new file is locked for writing: a second claimer is refused. */
	kill_child(claiming_child(self->dir, &claimed));
	CHECK_INT(claimed, -EEXIST);
	kill_child(holder);
	close(ofd);
	close(flocked);
	lg_pidfile_release(self->dir, fd);
}

/* A clean exit removes the file, but only the one this daemon claimed. */
TEST_F(pidfile, pidfile_release_removes_only_its_own_file)
{
	char other[128];
	int fd, running;

	fd = lg_pidfile_claim(self->dir, &running);
	CHECK(fd >= 0);
	lg_pidfile_release(self->dir, fd);
	CHECK_INT(access(self->path, F_OK) == 0 ? 0 : errno, ENOENT);
	CHECK_INT(lg_pidfile_running(self->dir), 0);

	fd = lg_pidfile_claim(self->dir, &running);
	CHECK(fd >= 0);
	/* An administrator replaced the file meanwhile: it stays. */
	snprintf(other, sizeof(other), "%s/other", self->dir);
	write_pid(other, 1);
	CHECK_INT(rename(other, self->path), 0);
	lg_pidfile_release(self->dir, fd);
	CHECK_INT(pid_in(self->path), 1);
}

/*
 * The lost-event snapshot a daemon leaves for the next one (enforcer/state.c, "lost"): read back
 * as written, keys and counts whole; no file, or one of another format, is no snapshot.
 */
TEST_F(pidfile, lost_snapshot_read_back_as_written)
{
	const struct lg_lost_seen written[2] = {
	    {.key = {.policy = 3, .rule = 41, .builtin = 0, .hook = 1}, .count = 2817,
	     .last_ns = 123456789012ULL},
	    {.key = {.policy = 7, .rule = 0, .builtin = 27, .hook = 9}, .count = 1,
	     .last_ns = 5},
	};
	struct lg_lost_seen got[4];
	char path[128];
	FILE *f;

	CHECK_INT(lg_lost_seen_read(self->dir, got, 4), -ENOENT);
	CHECK_INT(lg_lost_seen_write(self->dir, written, 2), 0);
	CHECK_INT(lg_lost_seen_read(self->dir, got, 4), 2);
	CHECK(memcmp(got, written, sizeof(written)) == 0);
	/* At most max entries. */
	CHECK_INT(lg_lost_seen_read(self->dir, got, 1), 1);
	CHECK_INT((int)got[0].count, 2817);
	snprintf(path, sizeof(path), "%s/lost", self->dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("3\t41\t0\t1\t2817\t5\n", f);
		fclose(f);
	}
	CHECK_INT(lg_lost_seen_read(self->dir, got, 4), -EINVAL);
}

/*
 * The state text (enforcer/state.c), as the daemon's pinned record and its /run copy hold it:
 * generation, bank and each policy's fields read back; lines of another kind, or with a field
 * missing, are skipped, not misread.
 */
TEST(state_text_parsed)
{
	const char text[] = "generation\t7\nbank\t1\n"
			    "policy\t1025\tenforce\tnginx\t/system.slice/nginx.service\t"
			    "/etc/lsmguard/policy.d/nginx.ini\n"
			    "policy\t1026\taudit\tcron\t/system.slice/cron.service\n"
			    "unknown\tline\n"
			    "policy\t1027\taudit\tatd\t/system.slice/atd.service\t/p/atd.ini\n";
	struct lg_state state = {0};

	CHECK_INT(lg_state_parse(text, &state), 0);
	CHECK_INT((int)state.generation, 7);
	CHECK_INT((int)state.bank, 1);
	CHECK_INT((int)state.count, 2);
	if (state.count == 2) {
		CHECK_INT((int)state.policies[0].id, 1025);
		CHECK_STR(state.policies[0].mode, "enforce");
		CHECK_STR(state.policies[0].name, "nginx");
		CHECK_STR(state.policies[0].cgroup, "/system.slice/nginx.service");
		CHECK_STR(state.policies[0].file, "/etc/lsmguard/policy.d/nginx.ini");
		CHECK_INT((int)state.policies[1].id, 1027);
		CHECK_STR(state.policies[1].name, "atd");
	}
	lg_state_free(&state);
}

/* The /run copy read back whole through the same parser, with its reload counts. */
TEST_F(pidfile, state_copy_read_back)
{
	const char text[] = "generation\t3\nbank\t0\npolicy\t1\tenforce\ta\t/a\t/p/a.ini\n";
	struct lg_state state;
	char path[128];
	FILE *f;

	CHECK_INT(lg_state_read(self->dir, &state), -ENOENT);
	CHECK_INT(lg_state_write(self->dir, text), 0);
	CHECK_INT(lg_reloads_write(self->dir, 4, 1, false, 1700000000), 0);
	CHECK_INT(lg_state_read(self->dir, &state), 0);
	CHECK_INT((int)state.generation, 3);
	CHECK_INT((int)state.count, 1);
	CHECK_INT((int)state.reloads_ok, 4);
	CHECK_INT((int)state.reloads_refused, 1);
	CHECK(!state.last_reload_ok);
	lg_state_free(&state);
	snprintf(path, sizeof(path), "%s/state", self->dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f)
		fclose(f);
}
