// SPDX-License-Identifier: GPL-2.0-only
#include <bpf/bpf.h>
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

char *lg_state_format(const struct lg_policy_set *set, const struct lg_compiled *c,
		      unsigned generation)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);

	if (!mem)
		return NULL;
	fprintf(mem, "generation\t%u\nbank\t%u\n", generation, c->bank);
	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		fprintf(mem, "policy\t%u\t%s\t%s\t%s\t%s\n", c->policies[i].id,
			lg_mode_name(p->mode), p->name, p->cgroup, p->file);
	}
	if (fclose(mem) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int lg_state_write(const char *dir, const char *text)
{
	return write_atomically(dir, "state", text);
}

int lg_state_parse(const char *text, struct lg_state *state)
{
	char *copy = strdup(text), *save_line = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		struct lg_state_policy p = {0}, *bigger;
		char *fields[6], *save = NULL;
		int n = 0;

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
	free(copy);
	return 0;
}

int lg_state_read(const char *dir, struct lg_state *state)
{
	char path[4096], *text = NULL;
	size_t cap = 0;
	FILE *f;

	memset(state, 0, sizeof(*state));
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (getdelim(&text, &cap, '\0', f) > 0)
		lg_state_parse(text, state);
	free(text);
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

/*
 * pin_dir/maps/name, opened, or created and pinned when create says so (*created then true).
 * Named "lg_..." like the object's maps: only lsmguard's executable opens it for writing
 * (lsm/bpf_map), and its pin is under the protected pin directory.
 */
static int pinned_map_open(const char *pin_dir, const char *name, enum bpf_map_type type,
			   __u32 key_size, __u32 value_size, __u32 max_entries, bool create,
			   bool *created)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	char path[512];
	int fd, ret;

	if (created)
		*created = false;
	if (snprintf(path, sizeof(path), "%s/maps/%s", pin_dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.type == type &&
		    info.key_size == key_size && info.value_size == value_size)
			return fd;
		close(fd);
		if (!create)
			return -EPROTO;
		/* Another version's layout: this daemon's record replaces it. */
		if (unlink(path))
			return -errno;
	} else if (!create || errno != ENOENT) {
		return -errno;
	}
	fd = bpf_map_create(type, name, key_size, value_size, max_entries, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (created)
		*created = true;
	return fd;
}

int lg_state_map_open(const char *pin_dir, bool create)
{
	return pinned_map_open(pin_dir, LG_STATE_MAP, BPF_MAP_TYPE_ARRAY, 4, LG_STATE_CHUNK,
			       1 + LG_STATE_CHUNKS, create, NULL);
}

static int state_header_put(int fd, const struct lg_state_header *h)
{
	static char element[LG_STATE_CHUNK];
	__u32 zero = 0;

	memcpy(element, h, sizeof(*h));
	return bpf_map_update_elem(fd, &zero, element, BPF_ANY) ? -errno : 0;
}

/*
 * A reader takes the header, the text, then the header again, and keeps what it read only when
 * the two headers are the same and even: the writer makes the sequence odd before it writes
 * the text and even again after (one writer, the daemon).
 */
int lg_state_map_write(int fd, struct lg_state_header *h, const char *text)
{
	size_t len = text ? strlen(text) : 0;
	int ret;

	if (!text) {
		h->seq += 2;
		return state_header_put(fd, h);
	}
	h->seq |= 1;
	ret = state_header_put(fd, h);
	if (ret)
		return ret;
	h->length = 0; /* too long: no text, which readers take as not recorded */
	if (len <= (size_t)LG_STATE_CHUNK * LG_STATE_CHUNKS) {
		for (__u32 i = 0; i * LG_STATE_CHUNK < len; i++) {
			static char chunk[LG_STATE_CHUNK];
			size_t n = len - i * LG_STATE_CHUNK;
			__u32 key = i + 1;

			if (n > LG_STATE_CHUNK)
				n = LG_STATE_CHUNK;
			memset(chunk, 0, sizeof(chunk));
			memcpy(chunk, text + i * LG_STATE_CHUNK, n);
			if (bpf_map_update_elem(fd, &key, chunk, BPF_ANY))
				return -errno;
		}
		h->length = (__u32)len;
	}
	h->seq++;
	ret = state_header_put(fd, h);
	return ret ? ret : (h->length == len ? 0 : -E2BIG);
}

static int state_header_get(int fd, struct lg_state_header *h)
{
	static char element[LG_STATE_CHUNK];
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, element))
		return -errno;
	memcpy(h, element, sizeof(*h));
	return 0;
}

int lg_state_map_read(int fd, struct lg_state *state)
{
	memset(state, 0, sizeof(*state));
	for (int attempt = 0; attempt < 100; attempt++) {
		struct lg_state_header h, again;
		char *text;
		int ret = state_header_get(fd, &h);

		if (ret)
			return ret;
		if (h.seq == 0)
			return -ENOENT; /* never written */
		if (h.seq & 1 || h.length > (size_t)LG_STATE_CHUNK * LG_STATE_CHUNKS) {
			usleep(1000);
			continue;
		}
		text = calloc(1, (size_t)h.length + 1);
		if (!text)
			return -ENOMEM;
		for (__u32 i = 0; i * LG_STATE_CHUNK < h.length; i++) {
			static char chunk[LG_STATE_CHUNK];
			size_t n = h.length - i * LG_STATE_CHUNK;
			__u32 key = i + 1;

			if (bpf_map_lookup_elem(fd, &key, chunk)) {
				ret = -errno;
				free(text);
				return ret;
			}
			memcpy(text + i * LG_STATE_CHUNK, chunk,
			       n > LG_STATE_CHUNK ? LG_STATE_CHUNK : n);
		}
		ret = state_header_get(fd, &again);
		if (ret || memcmp(&h, &again, sizeof(h)) != 0) {
			free(text);
			if (ret)
				return ret;
			continue;
		}
		lg_state_free(state);
		lg_state_parse(text, state);
		free(text);
		/* The header's generation is the one the text was written for. */
		state->generation = h.generation;
		state->reloads_ok = h.reloads_ok;
		state->reloads_refused = h.reloads_refused;
		state->last_reload_ok = h.last_reload_ok;
		state->last_reload_time = h.last_reload_time;
		return h.length ? 0 : -E2BIG;
	}
	return -EAGAIN;
}

int lg_lost_seen_map_open(const char *pin_dir, bool *created)
{
	return pinned_map_open(pin_dir, LG_LOST_SEEN_MAP, BPF_MAP_TYPE_HASH,
			       sizeof(struct lg_lost_key), 2 * sizeof(__u64), LG_LOST_KEYS, true,
			       created);
}

int lg_lost_seen_map_put(int fd, const struct lg_lost_seen *seen)
{
	__u64 value[2] = {seen->count, seen->last_ns};

	return bpf_map_update_elem(fd, &seen->key, value, BPF_ANY) ? -errno : 0;
}

int lg_lost_seen_map_read(int fd, struct lg_lost_seen *seen, unsigned max)
{
	struct lg_lost_key key, next;
	unsigned n = 0;
	bool first = true;

	while (n < max && bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		__u64 value[2];

		first = false;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, value))
			continue;
		seen[n++] = (struct lg_lost_seen){
		    .key = key, .count = value[0], .last_ns = value[1]};
	}
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
