// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "names.h"
#include "state.h"

/* dir/name replaced by text (dir made first when missing). */
static int write_atomically(const char *dir, const char *name, const char *text)
{
	char path[4096];

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return lg_write_file_atomically(path, text, 0644);
}

int lg_state_write(const char *dir, const struct lg_policy_set *set, const struct lg_compiled *c,
		   unsigned generation)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	int ret;

	if (!mem)
		return -errno;
	fprintf(mem, "generation\t%u\nbank\t%u\n", generation, c->bank);
	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		fprintf(mem, "policy\t%u\t%s\t%s\t%s\t%s\n", c->policies[i].id,
			lg_mode_name(p->mode), p->name, p->cgroup, p->file);
	}
	fclose(mem);
	ret = write_atomically(dir, "state", text);
	free(text);
	return ret;
}

int lg_state_read(const char *dir, struct lg_state *state)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	FILE *f;

	memset(state, 0, sizeof(*state));
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct lg_state_policy p = {0}, *bigger;
		char *fields[6], *save = NULL;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *t = strtok_r(line, "\t", &save); t && n < 6; t = strtok_r(NULL, "\t", &save))
			fields[n++] = t;
		if (n == 2 && strcmp(fields[0], "generation") == 0)
			state->generation = (unsigned)atoi(fields[1]);
		else if (n == 2 && strcmp(fields[0], "bank") == 0)
			state->bank = (unsigned)atoi(fields[1]);
		if (n != 6 || strcmp(fields[0], "policy") != 0)
			continue;
		p.id = (__u32)strtoul(fields[1], NULL, 10);
		snprintf(p.mode, sizeof(p.mode), "%s", fields[2]);
		snprintf(p.name, sizeof(p.name), "%s", fields[3]);
		snprintf(p.cgroup, sizeof(p.cgroup), "%s", fields[4]);
		snprintf(p.file, sizeof(p.file), "%s", fields[5]);
		bigger = realloc(state->policies, (state->count + 1) * sizeof(p));
		if (!bigger)
			break;
		state->policies = bigger;
		state->policies[state->count++] = p;
	}
	free(line);
	fclose(f);
	snprintf(path, sizeof(path), "%s/reloads", dir);
	f = fopen(path, "re");
	if (f) {
		char last[16] = "";

		if (fscanf(f, "ok\t%u\nrefused\t%u\nlast\t%15s\t%lld", &state->reloads_ok,
			   &state->reloads_refused, last, &state->last_reload_time) == 4)
			state->last_reload_ok = strcmp(last, "ok") == 0;
		fclose(f);
	}
	return 0;
}

int lg_reloads_write(const char *dir, unsigned ok, unsigned refused, bool last_ok,
		     long long last_time)
{
	char text[128];

	snprintf(text, sizeof(text), "ok\t%u\nrefused\t%u\nlast\t%s\t%lld\n", ok, refused,
		 last_ok ? "ok" : "refused", last_time);
	return write_atomically(dir, "reloads", text);
}

int lg_lost_seen_write(const char *dir, const struct lg_lost_seen *seen, unsigned count)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	int ret;

	if (!f)
		return -ENOMEM;
	fprintf(f, "lost\t1\n");
	for (unsigned i = 0; i < count; i++)
		fprintf(f, "%u\t%u\t%u\t%u\t%llu\t%llu\n", seen[i].key.policy, seen[i].key.rule,
			seen[i].key.builtin, seen[i].key.hook, (unsigned long long)seen[i].count,
			(unsigned long long)seen[i].last_ns);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	ret = write_atomically(dir, "lost", text);
	free(text);
	return ret;
}

int lg_lost_seen_read(const char *dir, struct lg_lost_seen *seen, unsigned max)
{
	char path[4096], line[256];
	unsigned n = 0;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/lost", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "lost\t1\n") != 0) {
		fclose(f);
		return -EINVAL;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned policy, rule, builtin, hook;
		unsigned long long count, last;

		if (sscanf(line, "%u\t%u\t%u\t%u\t%llu\t%llu", &policy, &rule, &builtin, &hook,
			   &count, &last) != 6 ||
		    builtin > 255 || hook > 255)
			continue;
		seen[n] = (struct lg_lost_seen){
		    .key = {.policy = policy, .rule = rule, .builtin = (__u8)builtin,
			    .hook = (__u8)hook},
		    .count = count,
		    .last_ns = last,
		};
		n++;
	}
	fclose(f);
	return (int)n;
}

void lg_state_free(struct lg_state *state)
{
	free(state->policies);
	memset(state, 0, sizeof(*state));
}

/*
 * The pid in a pid file write-locked by another open file description, 0 when the file has no
 * write lock. *locked: whether it has one (a lock on a file whose text is not a pid still
 * means a daemon holds it).
 */
static int pidfile_holder(int fd, bool *locked)
{
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char text[32], *end;
	ssize_t n;
	long pid;

	*locked = false;
	if (fcntl(fd, F_OFD_GETLK, &lock))
		return 0;
	/* A read lock needs only a descriptor open for reading, which anyone may have. */
	if (lock.l_type != F_WRLCK)
		return 0;
	*locked = true;
	n = pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	errno = 0;
	pid = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || pid <= 0 || pid > INT_MAX)
		return 0;
	return (int)pid;
}

static int pidfile_path(const char *dir, char *path, size_t size)
{
	return snprintf(path, size, "%s/lsmguard.pid", dir) >= (int)size ? -ENAMETOOLONG : 0;
}

/* Whether dir/lsmguard.pid is write-locked; *pid: the pid it names (0 if none). */
static bool pidfile_locked(const char *dir, int *pid)
{
	char path[4096];
	bool locked = false;
	int fd;

	*pid = 0;
	if (pidfile_path(dir, path, sizeof(path)))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return false;
	*pid = pidfile_holder(fd, &locked);
	close(fd);
	return locked;
}

int lg_pidfile_running(const char *dir)
{
	int pid;

	return pidfile_locked(dir, &pid) ? pid : 0;
}

int lg_pidfile_claim(const char *dir, int *running)
{
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char path[4096], tmp[4096 + 8], text[32];
	int fd, n, ret;

	*running = 0;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	ret = pidfile_path(dir, path, sizeof(path));
	if (ret)
		return ret;
	n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	/*
	 * Locked and written before it has a name: nobody else can open it, so nobody can take a
	 * lock on it first (a read lock taken on a named temporary file in that moment would
	 * keep this daemon from starting). Then named, and renamed into place.
	 */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (fd >= 0) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		/* This process's own temporary name: one a crashed daemon with this pid left
		 * behind goes first. */
		snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
		unlink(tmp);
		errno = 0;
		if (fcntl(fd, F_OFD_SETLK, &lock) || write(fd, text, (size_t)n) != n ||
		    fchmod(fd, 0644)) {
			ret = errno ? -errno : -EIO;
			close(fd);
			return ret;
		}
		/* No /proc to name it through: a named temporary file after all. */
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		/* A filesystem without O_TMPFILE: a named temporary file, locked at once. */
		snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (fchmod(fd, 0644) || fcntl(fd, F_OFD_SETLK, &lock)) {
			ret = -errno;
			goto out_unlink;
		}
		if (write(fd, text, (size_t)n) != n) {
			ret = errno ? -errno : -EIO;
			goto out_unlink;
		}
	}
	/*
	 * The name goes to the new file unless a daemon holds the one it names now. Whatever
	 * else holds the old file (a read lock, a process at its stale pid) stays with the old
	 * file. Two daemons started at the same instant could both get here: systemd starts one.
	 */
	if (pidfile_locked(dir, running)) {
		ret = -EEXIST;
		goto out_unlink;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		goto out_unlink;
	}
	return fd;
out_unlink:
	unlink(tmp);
	close(fd);
	return ret;
}

void lg_pidfile_release(const char *dir, int fd)
{
	struct stat claimed, named;
	char path[4096];

	if (fd < 0)
		return;
	/* Still ours: the lock held until close keeps any other daemon from renaming in. */
	if (pidfile_path(dir, path, sizeof(path)) == 0 && fstat(fd, &claimed) == 0 &&
	    lstat(path, &named) == 0 && claimed.st_dev == named.st_dev &&
	    claimed.st_ino == named.st_ino)
		unlink(path);
	close(fd);
}
