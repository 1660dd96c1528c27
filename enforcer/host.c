// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "policy.h"

__u32 lg_kernel_dev(unsigned long long dev)
{
	return (__u32)((major(dev) << 20) | minor(dev));
}

/* The components of a mount point ("" for "/": none). */
static unsigned point_depth(const char *path)
{
	unsigned depth = 0;

	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1] && c[1] != '/')
			depth++;
	return depth;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

struct mountinfo_line {
	int mount_id;
	int parent_id;
	unsigned major, minor;
	char root[4096];
	char point[4096];
	char fstype[64];
	/* lg_read_mounts's reading of the mount point */
	struct lg_inode_key key;
	bool visible; /* the top mount at its point */
	bool unanswered; /* its look did not answer in time */
	bool covered; /* a later mount at its point hides it */
	bool fs_root; /* its root is a filesystem's (or a btrfs subvolume's) root */
};

static int parse_mountinfo_line(char *line, struct mountinfo_line *m)
{
	char *fields[10], *save = NULL, *sep;
	int n = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return -EINVAL;
	*sep = '\0';
	for (char *tok = strtok_r(line, " ", &save); tok && n < 10; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n < 5 || sscanf(fields[2], "%u:%u", &m->major, &m->minor) != 2 ||
	    sscanf(fields[0], "%d", &m->mount_id) != 1 || sscanf(fields[1], "%d", &m->parent_id) != 1)
		return -EINVAL;
	/* Unescaped where they are, then whole or not at all: a field cut short would name
	 * another path (a line longer than lsmguard reads is a mount it does not know) */
	unescape(fields[3]);
	unescape(fields[4]);
	if ((size_t)snprintf(m->root, sizeof(m->root), "%s", fields[3]) >= sizeof(m->root) ||
	    (size_t)snprintf(m->point, sizeof(m->point), "%s", fields[4]) >= sizeof(m->point))
		return -ENAMETOOLONG;
	if (sscanf(sep + 3, "%63s", m->fstype) != 1)
		return -EINVAL;
	return 0;
}

/* How long a mount point's look may wait on its filesystems (stat_mount_point). */
#define LG_MOUNT_LOOK_MS 2000

/*
 * Children that did not end when killed (a FUSE request the server has read but not answered
 * waits without regard to signals): reaped at a later look. While one of a mount's is there,
 * that mount is not looked at again; when all the slots are taken, no mount is.
 */
#define LG_STRAY_LOOKS 8
static struct {
	pid_t pid;
	int mount_id;
} stray_looks[LG_STRAY_LOOKS];

/* Reap the strays that ended; whether mount_id still has one (or no slot is free: -1). */
static int reap_stray_looks(int mount_id)
{
	int free_slots = 0, held = 0;

	for (size_t i = 0; i < LG_STRAY_LOOKS; i++) {
		if (stray_looks[i].pid && waitpid(stray_looks[i].pid, NULL, WNOHANG) != 0)
			stray_looks[i].pid = 0;
		if (!stray_looks[i].pid)
			free_slots++;
		else if (stray_looks[i].mount_id == mount_id)
			held = 1;
	}
	return free_slots ? held : -1;
}

/*
 * The slow look: in a child, which is killed when it has not answered within LG_MOUNT_LOOK_MS
 * (a filesystem that never answers holds whoever asks it; FUSE's and NFS's waits end at
 * SIGKILL). -ETIMEDOUT then.
 */
static int stat_mount_point_child(const char *point, int mount_id, struct statx *st)
{
	struct pollfd pfd = {.events = POLLIN};
	int pipes[2], ret = -ETIMEDOUT;
	pid_t pid;

	if (reap_stray_looks(mount_id) != 0)
		return -ETIMEDOUT; /* still stuck from a look before, or too many stuck */
	if (pipe2(pipes, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0) {
		struct statx mine;

		/* Nothing of the daemon's (its BPF links, ring buffer, signalfd) stays held by a
		 * child that may never end: only the pipe's end, as descriptor 3. */
		if (dup2(pipes[1], 3) != 3)
			_exit(1);
		close_range(4, ~0U, 0);
		pipes[1] = 3;
		if (statx(AT_FDCWD, point, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC | AT_SYMLINK_NOFOLLOW,
			  STATX_INO | STATX_MNT_ID, &mine) != 0 ||
		    write(pipes[1], &mine, sizeof(mine)) != (ssize_t)sizeof(mine))
			_exit(1);
		_exit(0);
	}
	close(pipes[1]);
	pipes[1] = -1;
	pfd.fd = pipes[0];
	if (poll(&pfd, 1, LG_MOUNT_LOOK_MS) == 1) {
		ssize_t n = read(pipes[0], st, sizeof(*st));

		ret = n == (ssize_t)sizeof(*st) ? 0 : -ENOENT;
	}
	kill(pid, SIGKILL);
	for (int i = 0; i < 10; i++) {
		struct timespec wait = {0, 10 * 1000 * 1000};

		if (waitpid(pid, NULL, WNOHANG) != 0) {
			pid = 0;
			break;
		}
		nanosleep(&wait, NULL);
	}
	for (size_t i = 0; pid && i < LG_STRAY_LOOKS; i++)
		if (!stray_looks[i].pid) {
			stray_looks[i].pid = pid;
			stray_looks[i].mount_id = mount_id;
			pid = 0;
		}
out:
	close(pipes[0]);
	if (pipes[1] >= 0)
		close(pipes[1]);
	return ret;
}

/*
 * The mount point's root, as the top mount there shows it: its device, inode number and mount
 * id, which the kernel has without asking the filesystem (AT_STATX_DONT_SYNC). Reaching the
 * point may ask the filesystems on the way: a FUSE or NFS directory whose cached entry has
 * expired is looked up again, and a server that stopped never answers (vm-tests 1914, 1918: on
 * the forms before, no events and no reload while such a mount was there). So the path is
 * resolved from the kernel's caches only (RESOLVE_CACHED, Linux 5.12), which a mount point's
 * dentry always is, and only where that is refused (a revalidation is due) looked at in a child
 * with a time limit.
 */
static int stat_mount_point(const char *point, int mount_id, bool safe_way, struct statx *st)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
			       .resolve = RESOLVE_CACHED};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, point, &how, sizeof(how)), ret = 0;

	if (fd < 0 && errno == EAGAIN && !safe_way)
		return stat_mount_point_child(point, mount_id, st);
	if (fd < 0 && (errno == EAGAIN || errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
		/* No mount on the way waits on a server (a mount point reached through procfs or
		 * sysfs, which revalidate every name and refuse to in the cache-only walk), or a
		 * kernel before 5.12: the look as it was. */
		return statx(AT_FDCWD, point,
			     AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC | AT_SYMLINK_NOFOLLOW,
			     STATX_INO | STATX_MNT_ID, st)
			   ? -errno
			   : 0;
	}
	if (fd < 0)
		return -errno;
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO | STATX_MNT_ID, st))
		ret = -errno;
	close(fd);
	return ret;
}

/* Filesystems whose lookups may wait on something outside the kernel: a server, a daemon. */
static bool may_wait(const char *fstype)
{
	static const char *const waiting[] = {"fuse", "nfs", "cifs", "smb", "9p", "ceph", "afs",
					      "gluster", "lustre", "autofs", "overlay", "virtiofs",
					      "orangefs", "coda", "ncp", "vbox"};

	for (size_t i = 0; i < sizeof(waiting) / sizeof(waiting[0]); i++)
		if (strncmp(fstype, waiting[i], strlen(waiting[i])) == 0)
			return true;
	return false;
}

/*
 * Whether reaching m's mount point may wait: a mount on its way is of a filesystem that may
 * (an unknown parent counts as one). Elsewhere (procfs and sysfs revalidate every name, which
 * the cache-only walk refuses, and no server holds them) the plain look is safe.
 */
static bool way_may_wait(const struct mountinfo_line *lines, size_t count,
			 const struct mountinfo_line *m)
{
	int at = m->parent_id;

	for (size_t step = 0; step < count; step++) {
		const struct mountinfo_line *p = NULL;

		for (size_t i = 0; i < count && !p; i++)
			if (lines[i].mount_id == at)
				p = &lines[i];
		if (!p)
			return step == 0 && m->parent_id != m->mount_id;
		if (may_wait(p->fstype))
			return true;
		if (p->parent_id == p->mount_id)
			return false;
		at = p->parent_id;
	}
	return true;
}

/* Whether the filesystem path inner lies at or under outer (both mountinfo roots). */
static bool root_contains(const char *outer, const char *inner)
{
	size_t len = strlen(outer);

	if (strcmp(outer, "/") == 0)
		return true;
	return strncmp(inner, outer, len) == 0 && (inner[len] == '/' || inner[len] == '\0');
}

/* Whether m is a btrfs subvolume's root other than the top-level's (a subvol= mount, or a bind
 * of the subvolume's root): its files are reachable through a mount of a subvolume holding it. */
static bool subvolume_root(const struct mountinfo_line *m)
{
	return m->fs_root && strcmp(m->root, "/") != 0 && strcmp(m->fstype, "btrfs") == 0;
}

/*
 * The entry of an earlier line whose record names m's root from above: a visible mount of the
 * same filesystem, anchoring (a record, not a second mount), whose root holds m's. -1 if none.
 * For a directory's bind mount any such line counts; for a subvolume's own mount only one made
 * before it (attack run 21: the subvolume's files kept the name they had when the subvolume
 * was mounted again by itself, or bound by a service with `mount = allow`). A mount of the
 * whole filesystem that a later one covers still holds while its record stays (held(), or
 * always without one): covering the top-level's mount renamed nothing either.
 */
static long containing_entry(const struct mountinfo_line *lines, size_t count,
			     const long *entry_of, const struct lg_mount_entry *entries, size_t i,
			     lg_record_held_fn *held, void *ctx)
{
	const struct mountinfo_line *m = &lines[i];
	bool subvolume = subvolume_root(m);
	size_t best_len = 0;
	long best = -1;

	if (m->fs_root && !subvolume)
		return -1; /* a filesystem's root: a record, or a second mount of one */
	/* The deepest holder: the walk anchors at the first record on its way up. */
	for (size_t j = 0; j < (subvolume ? i : count); j++) {
		const struct mountinfo_line *t = &lines[j];
		const struct lg_mount_entry *e = entry_of[j] >= 0 ? &entries[entry_of[j]] : NULL;
		bool holds = e && !e->ignored && t->fs_root;

		if (j == i || !e || t->major != m->major || t->minor != m->minor ||
		    !root_contains(t->root, m->root) || (best >= 0 && strlen(t->root) <= best_len))
			continue;
		/* (a covered entry's key is its cover's: the look shows the covering mount) */
		if (e->covered && strcmp(t->root, "/") == 0)
			holds = !held || held(ctx, e->path, &e->key);
		if (!holds)
			continue;
		best = entry_of[j];
		best_len = strlen(t->root);
	}
	/* A subvolume with a record of its own before: a second mount of it (review 40). */
	if (best >= 0 && subvolume && best_len == strlen(m->root))
		return -1;
	return best;
}

/* "P" + (inner less outer), the name under the mount at P of what inner (a mountinfo root)
 * names in the filesystem whose root at P is outer. */
static char *name_through(const char *point, const char *outer, const char *inner)
{
	const char *rest = strcmp(outer, "/") == 0 ? inner : inner + strlen(outer);
	size_t size = strlen(point) + strlen(rest) + 1;
	char *name = malloc(size);

	if (name)
		snprintf(name, size, "%s%s", point, strcmp(rest, "/") == 0 ? "" : rest);
	return name;
}

void lg_mount_entries_free(struct lg_mount_entry *entries, int count)
{
	for (int i = 0; entries && i < count; i++) {
		free(entries[i].named_as);
		free(entries[i].root);
	}
	free(entries);
}

/* The entry for line m, named at its mount point ("" for "/"); false without memory. */
static bool entry_start(struct lg_mount_entry *e, const struct mountinfo_line *m)
{
	free(e->root); /* a slot started for a line that was not kept */
	free(e->named_as);
	memset(e, 0, sizeof(*e));
	e->root = strdup(m->root);
	e->dev_major = m->major;
	e->dev_minor = m->minor;
	e->subvolume = subvolume_root(m);
	e->key = m->key;
	e->mount_id = m->mount_id;
	snprintf(e->path, sizeof(e->path), "%s", strcmp(m->point, "/") == 0 ? "" : m->point);
	snprintf(e->fstype, sizeof(e->fstype), "%s", m->fstype);
	return e->root != NULL;
}

int lg_read_mounts(const char *mountinfo, struct lg_mount_entry **out)
{
	return lg_read_mounts_held(mountinfo, out, NULL, NULL, NULL);
}

/*
 * The lines standing for the records whose names are kept (lg_read_mounts_held), put before the
 * real ones: the filesystem's root at the kept point, like a visible mount of the same
 * filesystem (of its root, or a bind of one of its directories, which is then named through
 * it). Only while the filesystem is still mounted somewhere (kept[k].used) and its root not at
 * that point (a mount there names it anyway). Not btrfs: its mountinfo device is not its
 * subvolumes' (their records are handed on as before). Returns the new count of lines, or
 * -ENOMEM.
 */
static long add_kept_lines(struct mountinfo_line **lines, size_t count,
			   struct lg_mount_kept *kept, size_t kept_count)
{
	struct mountinfo_line *all;
	size_t added = 0;

	all = calloc(count + kept_count + 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t k = 0; k < kept_count; k++) {
		const struct mountinfo_line *like = NULL;
		bool there = false;

		for (size_t i = 0; i < count; i++) {
			const struct mountinfo_line *m = &(*lines)[i];
			bool root = m->fs_root && m->key.dev == kept[k].key.dev &&
				    m->key.ino == kept[k].key.ino;

			/* (a mount whose look did not answer is still one: attack run 28's
			 * 2801 stalled the daemon's look at the last bind) */
			if ((!m->visible && !m->unanswered) || strcmp(m->fstype, "btrfs") == 0 ||
			    (!root && ((m->major << 20) | m->minor) != kept[k].key.dev))
				continue;
			if (!like || (root && !like->fs_root))
				like = m;
			if (root && strcmp(strcmp(m->point, "/") == 0 ? "" : m->point,
					   kept[k].path) == 0)
				there = true;
		}
		kept[k].used = like != NULL;
		/* (an unnamed one is not given the point of a mount this reading found: that may be
		 * a bind, the detached mount's look having failed) */
		if (!like || there || kept[k].unnamed)
			continue;
		all[added] = *like;
		all[added].visible = true;
		all[added].unanswered = all[added].covered = false;
		all[added].mount_id = -1; /* in no mountinfo: the record's name, kept */
		all[added].parent_id = -1;
		snprintf(all[added].root, sizeof(all[added].root), "/");
		all[added].key = kept[k].key;
		all[added].fs_root = true;
		snprintf(all[added].point, sizeof(all[added].point), "%s",
			 kept[k].path[0] ? kept[k].path : "/");
		added++;
	}
	memcpy(&all[added], *lines, count * sizeof(**lines));
	free(*lines);
	*lines = all;
	return (long)(count + added);
}

int lg_read_mounts_held(const char *mountinfo, struct lg_mount_entry **out,
			lg_record_held_fn *held, lg_kept_fn *kept_fn, void *ctx)
{
	struct mountinfo_line *lines = NULL, *bigger;
	struct lg_mount_entry *entries = NULL;
	size_t count = 0, cap = 0, kept = 0;
	long *entry_of = NULL;
	char *buf = NULL;
	size_t bufcap = 0;
	FILE *f;

	*out = NULL;
	f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	while (getline(&buf, &bufcap, f) > 0) {
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			bigger = realloc(lines, cap * sizeof(*lines));
			if (!bigger)
				goto out_nomem;
			lines = bigger;
		}
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_mountinfo_line(buf, &lines[count]) == 0)
			count++;
	}
	fclose(f);
	f = NULL;
	free(buf);
	buf = NULL;
	for (size_t i = 0; i < count; i++) {
		struct mountinfo_line *m = &lines[i];
		struct statx st;
		int ret;

		m->visible = false;
		m->unanswered = false;
		m->covered = false;
		memset(&m->key, 0, sizeof(m->key));
		m->fs_root = false;
		ret = stat_mount_point(m->point, m->mount_id, !way_may_wait(lines, count, m), &st);
		m->unanswered = ret == -ETIMEDOUT;
		if (ret)
			continue; /* gone, or it does not answer (its record, if any, stays) */
		/* Over-mounted: hidden, and the top mount has its own line. The mount id says so
		 * exactly; without it (before Linux 5.8), the device. */
		if (st.stx_mask & STATX_MNT_ID)
			m->visible = st.stx_mnt_id == (__u64)m->mount_id;
		else
			m->visible = lg_kernel_dev(makedev(st.stx_dev_major, st.stx_dev_minor)) ==
				     (__u32)((m->major << 20) | m->minor);
		m->covered = !m->visible;
		/*
		 * The key is what stat() says, as the kernel's walk computes it (lg_inode_dev): on
		 * btrfs a subvolume's own device, not mountinfo's (the filesystem's). A subvolume's
		 * root (inode 256) is a filesystem root of its own: the walk anchors at it wherever
		 * it is met (review 38's H3: a rule under a subvolume mounted by itself, as a root
		 * filesystem on subvol=@ is, matched nothing).
		 */
		m->key.dev = lg_kernel_dev(makedev(st.stx_dev_major, st.stx_dev_minor));
		m->key.pad = 0;
		m->key.ino = st.stx_ino;
		m->fs_root = strcmp(m->root, "/") == 0 ||
			     (strcmp(m->fstype, "btrfs") == 0 && st.stx_ino == LG_BTRFS_SUBVOL_ROOT_INO);
	}
	if (kept_fn) {
		struct lg_mount_kept *keep = NULL;
		long keep_count = kept_fn(ctx, &keep), all;

		if (keep_count < 0) {
			free(lines);
			return (int)keep_count;
		}
		all = keep_count ? add_kept_lines(&lines, count, keep, (size_t)keep_count)
				 : (long)count;
		if (all < 0)
			goto out_nomem;
		count = (size_t)all;
	}
	entries = calloc(count ? count : 1, sizeof(*entries));
	entry_of = calloc(count ? count : 1, sizeof(*entry_of));
	if (!entries || !entry_of)
		goto out_nomem;
	for (size_t i = 0; i < count; i++)
		entry_of[i] = -1;
	/*
	 * The roots first, in mountinfo's order (the order the mounts were made in), then the
	 * bind mounts of directories, which are named through the roots whichever came first.
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < count; i++) {
			struct mountinfo_line *m = &lines[i];
			struct lg_mount_entry *e = &entries[kept];
			long holder;

			if (pass != (m->visible && !m->fs_root))
				continue;
			if (m->unanswered || m->covered) {
				/* Not read this time, or covered by a later mount: the record it had
				 * stays (review 39, M1; attack run 21's 2103: a mount over a
				 * subvolume's own mount renamed its files), since without one its
				 * files would be named through another mount. */
				if (!entry_start(e, m))
					goto out_nomem_entry;
				e->ignored = true;
				e->unanswered = m->unanswered;
				e->covered = m->covered;
				/* (its look shows the covering mount's root: by mountinfo alone) */
				e->subvolume = strcmp(m->fstype, "btrfs") == 0 &&
					       strcmp(m->root, "/") != 0;
				entry_of[i] = (long)kept++;
				continue;
			}
			if (!m->visible)
				continue;
			if (!entry_start(e, m))
				goto out_nomem_entry;
			holder = containing_entry(lines, count, entry_of, entries, i, held, ctx);
			if (holder >= 0) {
				/* A directory's bind mount, or a subvolume's own mount made after a
				 * mount of a subvolume holding it: the walk climbs past its root to
				 * that root, and names it through it. */
				e->ignored = true;
				e->contained = true;
				e->kept = (size_t)holder;
				for (size_t j = 0; j < count; j++)
					if (entry_of[j] == holder)
						e->named_as = name_through(entries[holder].path,
									   lines[j].root, m->root);
				if (!e->named_as)
					goto out_nomem_entry;
				entry_of[i] = (long)kept++;
				continue;
			}
			/* (A bind of a directory of a filesystem mounted nowhere visible keeps a
			 * record of its own, as a root: the walk would otherwise cross into the
			 * parent mount with the bind's own path inside.) */
			/* The first mount of a root keeps its record: a later one is never the
			 * anchor. */
			for (size_t j = 0; j < kept; j++) {
				if (!entries[j].ignored && entries[j].key.dev == e->key.dev &&
				    entries[j].key.ino == e->key.ino) {
					e->ignored = true;
					e->kept = j;
					e->named_as = strdup(entries[j].path);
					if (!e->named_as)
						goto out_nomem_entry;
					break;
				}
			}
			/* A point deeper than a record holds (LG_MOUNT_DEPTH_MAX components, as deep
			 * as any path the walk names), the first mount of its root: every file
			 * beneath it is deeper than a walk names. Its record says so
			 * (LG_MOUNT_DEPTH_UNNAMED: the walk fails closed at that root, through any
			 * mount, in any namespace: attack run 24's 2402), and a later, shallower
			 * mount of the root becomes the record (below). (A later mount of a root
			 * recorded already is named through that record, at whatever depth: review
			 * 43, H2.) */
			if (!e->ignored && point_depth(e->path) > LG_MOUNT_DEPTH_MAX) {
				e->ignored = true;
				e->too_deep = true;
				e->kept = kept;
				e->named_as = strdup(e->path);
				if (!e->named_as)
					goto out_nomem_entry;
			}
			entry_of[i] = (long)kept++;
		}
	}
	/* A deep first mount of a root that a later, shallower mount records: the kernel finds
	 * that record at the deep mount's root too, so its files are named through it, as a second
	 * mount's are (review 44, 2: the daemon took the deep path for their name). */
	for (size_t i = 0; i < kept; i++) {
		struct lg_mount_entry *e = &entries[i];

		for (size_t j = 0; e->too_deep && j < kept; j++) {
			const struct lg_mount_entry *t = &entries[j];

			if (t->ignored)
				continue;
			if (t->key.dev == e->key.dev && t->key.ino == e->key.ino) {
				free(e->named_as);
				e->named_as = strdup(t->path);
				if (!e->named_as)
					goto out_nomem;
				e->kept = j;
				e->too_deep = false;
				continue;
			}
			/* A btrfs subvolume first mounted that deep, and a later mount of a
			 * subvolume holding it (the top-level's): without a record of its own the
			 * walk through that mount climbs past the subvolume's root and names it
			 * there, as for a subvolume mounted after its holder (review 46, M1: its
			 * record named nothing, and the files were refused through the holder). */
			if (strcmp(e->fstype, "btrfs") == 0 && strcmp(t->fstype, "btrfs") == 0 &&
			    t->dev_major == e->dev_major && t->dev_minor == e->dev_minor &&
			    strcmp(t->root, e->root) != 0 && root_contains(t->root, e->root)) {
				free(e->named_as);
				e->named_as = name_through(t->path, t->root, e->root);
				if (!e->named_as)
					goto out_nomem;
				e->kept = j;
				e->too_deep = false;
				e->contained = true;
			}
		}
	}
	free(entry_of);
	free(lines);
	*out = entries;
	return (int)kept;

out_nomem_entry:
	free(entries[kept].root);
	entries[kept].root = NULL;
out_nomem:
	if (f)
		fclose(f);
	free(buf);
	free(lines);
	free(entry_of);
	lg_mount_entries_free(entries, (int)kept);
	return -ENOMEM;
}

/* Whether the host path inner is outer or lies under it ("" is "/"). */
static bool path_at_or_under(const char *outer, const char *inner)
{
	size_t len = strlen(outer);

	return strncmp(inner, outer, len) == 0 && (inner[len] == '/' || inner[len] == '\0');
}

/*
 * The deepest point at or above a path decides its name (lg_mount_canonical); when it is none
 * of names->relevant, no point the kernel names otherwise is above the path, and the path is
 * its own name, as the scan of those alone finds too.
 */
int lg_mount_names_index(struct lg_mount_names *names)
{
	size_t *other, others = 0; /* the names the kernel gives otherwise: usually few */

	names->relevant_count = 0;
	names->relevant = calloc(names->count ? names->count : 1, sizeof(*names->relevant));
	other = calloc(names->count ? names->count : 1, sizeof(*other));
	if (!names->relevant || !other) {
		free(other);
		return -ENOMEM;
	}
	for (size_t i = 0; i < names->count; i++)
		if (strcmp(names->names[i].point, names->names[i].named_as) != 0)
			other[others++] = i;
	for (size_t i = 0; i < names->count && others; i++) {
		bool keep = false;

		for (size_t j = 0; !keep && j < others; j++)
			keep = other[j] == i ||
			       path_at_or_under(names->names[other[j]].point, names->names[i].point);
		if (keep)
			names->relevant[names->relevant_count++] = i;
	}
	free(other);
	return 0;
}

int lg_mount_names_read(const char *mountinfo, struct lg_mount_names *out)
{
	struct lg_mount_entry *entries;
	int count = lg_read_mounts(mountinfo, &entries), ret;

	memset(out, 0, sizeof(*out));
	if (count < 0)
		return count;
	ret = lg_mount_names_of(entries, count, out);
	lg_mount_entries_free(entries, count);
	return ret;
}

int lg_mount_names_of(const struct lg_mount_entry *entries, int count,
		      struct lg_mount_names *out)
{
	struct lg_mount_name *bigger;

	memset(out, 0, sizeof(*out));
	out->names = calloc(count ? (size_t)count : 1, sizeof(*out->names));
	if (!out->names)
		return -ENOMEM;
	for (int i = 0; i < count; i++) {
		const struct lg_mount_entry *e = &entries[i];
		struct lg_mount_name *n = &out->names[out->count];

		if (e->unanswered || e->covered)
			continue; /* its point leads elsewhere, or nowhere */
		n->point = strdup(e->path);
		n->named_as = strdup(e->named_as ? e->named_as : e->path);
		out->count++;
		if (!n->point || !n->named_as)
			goto out_nomem;
	}
	/*
	 * A subvolume with a record of its own, reached through a mount of a subvolume holding it
	 * (/home on subvol=@home, mounted before the top-level at /mnt/pool): the path through the
	 * holder (/mnt/pool/@home) is named as the record's (review 40).
	 */
	for (int r = 0; r < count; r++) {
		const struct lg_mount_entry *rec = &entries[r];

		if ((rec->ignored && !rec->covered) || !rec->subvolume)
			continue; /* (a covered one keeps its record: its files keep the name) */
		for (int h = 0; h < count; h++) {
			const struct lg_mount_entry *hold = &entries[h];
			struct lg_mount_name *n;
			char *point;

			if (h == r || hold->ignored || hold->dev_major != rec->dev_major ||
			    hold->dev_minor != rec->dev_minor || strcmp(hold->root, rec->root) == 0 ||
			    !root_contains(hold->root, rec->root))
				continue;
			point = name_through(hold->path, hold->root, rec->root);
			/* (the holder's point: where the host's path leads through it) */
			if (!point)
				goto out_nomem;
			bigger = realloc(out->names, (out->count + 1) * sizeof(*out->names));
			if (!bigger) {
				free(point);
				goto out_nomem;
			}
			out->names = bigger;
			n = &out->names[out->count++];
			n->point = point;
			n->named_as = strdup(rec->path);
			if (!n->named_as)
				goto out_nomem;
		}
	}
	/* The binds of directories with records of their own, and the mounts too deep for a
	 * record, which are named at their own points too (attack run 24's 2401: two deep mounts
	 * of one root); not btrfs: a subvolume's root met on the way anchors the walk wherever it
	 * is, so its paths are the record's. A filesystem's root is "" here. */
	out->binds = calloc(count ? (size_t)count : 1, sizeof(*out->binds));
	if (!out->binds)
		goto out_nomem;
	for (int i = 0; i < count; i++) {
		const struct lg_mount_entry *e = &entries[i];
		struct lg_mount_bind *b = &out->binds[out->bind_count];

		if ((e->ignored && !e->too_deep) || e->unanswered || e->covered || e->subvolume ||
		    (strcmp(e->root, "/") == 0 && !e->too_deep) || strcmp(e->fstype, "btrfs") == 0)
			continue;
		b->point = strdup(e->path);
		b->root = strdup(strcmp(e->root, "/") == 0 ? "" : e->root);
		b->dev_major = e->dev_major;
		b->dev_minor = e->dev_minor;
		out->bind_count++;
		if (!b->point || !b->root)
			goto out_nomem;
	}
	if (lg_mount_names_index(out))
		goto out_nomem;
	return 0;

out_nomem:
	lg_mount_names_free(out);
	return -ENOMEM;
}

void lg_mount_names_free(struct lg_mount_names *names)
{
	for (size_t i = 0; i < names->count; i++) {
		free(names->names[i].point);
		free(names->names[i].named_as);
	}
	free(names->names);
	free(names->relevant);
	for (size_t i = 0; i < names->bind_count; i++) {
		free(names->binds[i].point);
		free(names->binds[i].root);
	}
	free(names->binds);
	memset(names, 0, sizeof(*names));
}

int lg_mount_canonical(const struct lg_mount_names *names, const char *path, char *out,
		       size_t size)
{
	const struct lg_mount_name *best = NULL;
	size_t best_len = 0;

	if (path[0] != '/')
		return 0;
	for (size_t r = 0; r < names->relevant_count; r++) {
		const struct lg_mount_name *n = &names->names[names->relevant[r]];
		size_t len = strlen(n->point);

		/* The deepest mount point at or above path ("" is "/"); a later line at the same
		 * point is the one on top. */
		if (strncmp(path, n->point, len) != 0 || (path[len] != '/' && path[len] != '\0'))
			continue;
		if (!best || len >= best_len) {
			best = n;
			best_len = len;
		}
	}
	if (!best || strcmp(best->point, best->named_as) == 0)
		return 0;
	if ((size_t)snprintf(out, size, "%s%s", best->named_as, path + best_len) >= size)
		return -ENAMETOOLONG;
	if (out[0] == '\0')
		snprintf(out, size, "/");
	return strcmp(out, path) != 0;
}

void lg_mount_value_for(const struct lg_mount_entry *entry, const __u64 seeds[2],
			struct lg_mount_value *value)
{
	memset(value, 0, sizeof(*value));
	/* The event copy of the mount point may be cut; the hashes below use the whole path. */
	memcpy(value->path, entry->path, strnlen(entry->path, sizeof(value->path) - 1));
	for (int bank = 0; bank < 2; bank++)
		value->depth = (__u8)lg_path_prefix_hashes(seeds[bank], entry->path,
							   value->prefix_hash[bank],
							   LG_MOUNT_DEPTH_MAX);
	if (entry->unnamed || point_depth(entry->path) > LG_MOUNT_DEPTH_MAX) {
		/* Names nothing: the walk fails closed beneath it (no partial hashes). Slot 0
		 * keeps the whole point's hash, so that two such records whose cut texts are
		 * the same still differ (the rewrite compares records whole: review 46, L3). */
		memset(value->prefix_hash, 0, sizeof(value->prefix_hash));
		value->prefix_hash[0][0] = lg_hash_bytes(LG_HASH_BASIS, entry->path,
							 strlen(entry->path));
		value->depth = LG_MOUNT_DEPTH_UNNAMED;
	}
}

const char *lg_cgroup2_root(void)
{
	static char root[4096];
	struct mountinfo_line m;
	char *buf = NULL;
	size_t cap = 0;
	FILE *f;

	if (root[0])
		return root;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	while (getline(&buf, &cap, f) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_mountinfo_line(buf, &m) == 0 && strcmp(m.fstype, "cgroup2") == 0 &&
		    strcmp(m.root, "/") == 0) {
			snprintf(root, sizeof(root), "%s", m.point);
			break;
		}
	}
	free(buf);
	fclose(f);
	return root[0] ? root : NULL;
}

int lg_kallsyms_addresses(const char *kallsyms, const char *const *names,
			  unsigned long long *addrs, int count)
{
	char line[512], sym[256], type;
	unsigned long long value;
	bool twice[LG_KALLSYMS_MAX] = {false};
	FILE *f;

	if (count > LG_KALLSYMS_MAX)
		return -E2BIG;
	for (int i = 0; i < count; i++)
		addrs[i] = 0;
	f = fopen(kallsyms, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "ffffffff8a6c1f28 D dac_mmap_min_addr"; a module's symbols add "\t[module]" and
		 * are never the kernel's variables (review 16: a module's static nr_threads would
		 * otherwise make the kernel's look twice, and turn its budget off) */
		if (sscanf(line, "%llx %c %255s", &value, &type, sym) != 3 || strchr(line, '['))
			continue;
		for (int i = 0; i < count; i++) {
			if (strcmp(sym, names[i]) != 0)
				continue;
			if (addrs[i])
				twice[i] = true; /* two static variables of one name: neither */
			addrs[i] = value;
		}
	}
	fclose(f);
	for (int i = 0; i < count; i++)
		if (twice[i])
			addrs[i] = 0;
	return 0;
}

int lg_kallsyms_address(const char *kallsyms, const char *name, unsigned long long *addr)
{
	return lg_kallsyms_addresses(kallsyms, &name, addr, 1);
}

const char *const lg_kernel_variable_names[LG_KV_COUNT] = {
    [LG_KV_MMAP_MIN_ADDR] = "dac_mmap_min_addr", [LG_KV_KEY_MAXKEYS] = "key_quota_maxkeys",
    [LG_KV_KEY_MAXBYTES] = "key_quota_maxbytes", [LG_KV_PTY_COUNT] = "pty_count",
    [LG_KV_PTY_LIMIT] = "pty_limit",		   [LG_KV_PTY_RESERVE] = "pty_reserve",
    [LG_KV_AIO_NR] = "aio_nr",			   [LG_KV_AIO_MAX_NR] = "aio_max_nr",
    [LG_KV_KEY_USER_TREE] = "key_user_tree",	   [LG_KV_NR_THREADS] = "nr_threads",
    [LG_KV_MAX_THREADS] = "max_threads",	   [LG_KV_NR_FILES] = "nr_files",
    [LG_KV_FILES_STAT] = "files_stat",
};

const char *const lg_kallsyms_budget_names[LG_BUDGET_KALLSYMS_COUNT] = {
    [LG_BUDGET_PTYS] = "ptys",		[LG_BUDGET_AIO] = "AIO events",
    [LG_BUDGET_TASKS] = "tasks",		[LG_BUDGET_FILES] = "open files",
    [LG_BUDGET_KEY_CHOWN] = "key chowns",
};

unsigned lg_host_budgets_off(const unsigned long long *at)
{
	static const struct {
		enum lg_kallsyms_budget budget;
		enum lg_kernel_variable needs;
	} uses[] = {
	    {LG_BUDGET_PTYS, LG_KV_PTY_COUNT},	    {LG_BUDGET_PTYS, LG_KV_PTY_LIMIT},
	    {LG_BUDGET_PTYS, LG_KV_PTY_RESERVE},    {LG_BUDGET_AIO, LG_KV_AIO_NR},
	    {LG_BUDGET_AIO, LG_KV_AIO_MAX_NR},	    {LG_BUDGET_TASKS, LG_KV_NR_THREADS},
	    {LG_BUDGET_TASKS, LG_KV_MAX_THREADS},   {LG_BUDGET_FILES, LG_KV_NR_FILES},
	    {LG_BUDGET_FILES, LG_KV_FILES_STAT},    {LG_BUDGET_KEY_CHOWN, LG_KV_KEY_USER_TREE},
	};
	unsigned off = 0;

	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		if (!at[uses[i].needs])
			off |= 1u << uses[i].budget;
	return off;
}

void lg_lsm_refusal(const struct lg_lsm_facts *f, char *out, size_t size)
{
	if (!f->capable)
		snprintf(out, size,
			 "lsmguard runs without CAP_SYS_ADMIN (or CAP_BPF with CAP_PERFMON): run it as "
			 "root, not in a container or unit that drops capabilities "
			 "(CapabilityBoundingSet=)");
	else if (!f->btf)
		snprintf(out, size,
			 "this kernel has no BTF (/sys/kernel/btf/vmlinux): use a kernel built with "
			 "CONFIG_DEBUG_INFO_BTF=y (every distribution of docs/operations.md's table "
			 "ships one)");
	else if (!f->bpf_lsm)
		snprintf(out, size,
			 "this kernel was built without the BPF LSM (no bpf_lsm_file_open in its BTF): "
			 "use a kernel built with CONFIG_BPF_LSM=y");
	else if (f->bpf_listed == 0)
		snprintf(out, size,
			 "the BPF LSM is not active (lsm=%s): add lsm=%s%sbpf to the kernel command "
			 "line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub and reboot; "
			 "docs/operations.md has each distribution's line)",
			 f->lsm, f->lsm, f->lsm[0] ? "," : "");
	else if (f->bpf_listed < 0)
		snprintf(out, size,
			 "the active LSM list cannot be read: mount securityfs (mount -t securityfs "
			 "securityfs /sys/kernel/security) and run again");
	else if (f->probe_lsm == -EPERM && f->probe_filter == -EPERM)
		snprintf(out, size,
			 "the kernel refuses every BPF program to this process (EPERM, before "
			 "verifying it): a seccomp filter or another security module denies bpf(); "
			 "look for it in the kernel log (journalctl -k) and the unit's SystemCallFilter=");
	else if (f->probe_lsm == -EPERM)
		snprintf(out, size,
			 "the kernel loads other BPF programs but refuses BPF LSM ones before verifying "
			 "them (EPERM): something beneath this system (a hypervisor's or a sandbox's "
			 "kernel policy) forbids them; run lsmguard on a host or VM whose kernel it "
			 "controls");
	else if (f->missing_hook[0])
		snprintf(out, size,
			 "this kernel has no LSM hook %s, which lsmguard attaches to: lsmguard is "
			 "made for Linux 6.1 (Debian 12's); on an older kernel, or a newer one that "
			 "removed or renamed the hook, it cannot load",
			 f->missing_hook);
	else if (f->lockdown == 2)
		snprintf(out, size,
			 "the kernel is locked down for confidentiality, which refuses BPF programs "
			 "that read kernel memory: boot with lockdown=integrity (or without lockdown=; "
			 "Secure Boot alone sets integrity, which lsmguard runs under)");
	else
		snprintf(out, size,
			 "the kernel loads a minimal BPF LSM program, so one of lsmguard's was refused: "
			 "run it with -v for the verifier's log");
}

unsigned long long lg_sysctl_number(const char *path, unsigned long long fallback)
{
	unsigned long long value;
	FILE *f = fopen(path, "re");
	int read;

	if (!f)
		return fallback;
	read = fscanf(f, "%llu", &value);
	fclose(f);
	return read == 1 ? value : fallback;
}

static int cgroup_dir(const char *cgroup, char *buf, size_t size)
{
	const char *root = lg_cgroup2_root();

	if (!root)
		return -ENOENT;
	snprintf(buf, size, "%s%s", root, cgroup);
	return 0;
}

int lg_cgroup_id(const char *cgroup, __u64 *id)
{
	struct {
		struct file_handle handle;
		__u64 id;
	} fh = {.handle.handle_bytes = sizeof(__u64)};
	char path[4096];
	int mount_id, ret;

	ret = cgroup_dir(cgroup, path, sizeof(path));
	if (ret)
		return ret;
	/* cgroupfs file handles are the kernfs node id, which is the cgroup id. */
	if (name_to_handle_at(AT_FDCWD, path, &fh.handle, &mount_id, 0) == 0) {
		memcpy(id, fh.handle.f_handle, sizeof(*id));
		return 0;
	}
	return -errno;
}

/* The type of a kernfs (cgroupfs) file handle: the node id, 8 bytes (include/linux/exportfs.h). */
#define LG_FILEID_KERNFS 0xfe

int lg_cgroup_path_of(__u64 id, char *buf, size_t size)
{
	struct {
		struct file_handle handle;
		__u64 id;
	} fh = {.handle.handle_bytes = sizeof(__u64), .handle.handle_type = LG_FILEID_KERNFS};
	const char *root = lg_cgroup2_root();
	char link[64], path[4096];
	int root_fd, fd, ret = 0;
	size_t root_len;
	ssize_t len;

	if (!root)
		return -ENOENT;
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	memcpy(fh.handle.f_handle, &id, sizeof(id));
	/* A removed cgroup's id finds no node: ESTALE. */
	fd = open_by_handle_at(root_fd, &fh.handle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out_root;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len < 0) {
		ret = -errno;
		goto out_fd;
	}
	path[len] = '\0';
	root_len = strlen(root);
	/* The root cgroup (never bound) and a name outside the root are no cgroup path. */
	if (strncmp(path, root, root_len) != 0 || path[root_len] != '/')
		ret = -ENOENT;
	else if ((size_t)snprintf(buf, size, "%s", path + root_len) >= size)
		ret = -ENAMETOOLONG;
out_fd:
	close(fd);
out_root:
	close(root_fd);
	return ret;
}

int lg_cgroup_create(const char *cgroup)
{
	char path[4096];
	int ret = cgroup_dir(cgroup, path, sizeof(path));

	if (ret)
		return ret;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int lg_cgroup_enter(const char *cgroup, int pid)
{
	char path[4096], text[32];
	int fd, ret = cgroup_dir(cgroup, path, sizeof(path));

	if (ret)
		return ret;
	strncat(path, "/cgroup.procs", sizeof(path) - strlen(path) - 1);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(text, sizeof(text), "%d\n", pid);
	ret = write(fd, text, strlen(text)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Whether the host path inner lies strictly under outer ("" is "/"). */
static bool path_under(const char *outer, const char *inner)
{
	size_t len = strlen(outer);

	return strncmp(inner, outer, len) == 0 && inner[len] == '/' && inner[len + 1] != '\0';
}

/* Whether name (a kernel name) is "/" or a directory above path: a rule carried there would
 * reach past what it names (a bind of / at the rule's path: review 41). */
static bool name_above(const char *name, const char *path)
{
	return name[0] == '\0' || path_under(name, path);
}

/* Whether a mount deeper than point (at or above path, which lies under point) shows path. */
static bool covered_below(const struct lg_mount_names *names, const char *point, const char *path)
{
	size_t len = strlen(point);

	for (size_t i = 0; i < names->count; i++) {
		const char *other = names->names[i].point;

		if (strlen(other) > len && path_at_or_under(point, other) &&
		    path_at_or_under(other, path))
			return true;
	}
	return false;
}

/*
 * The want-th name of what the kernel names own (a host path, the kernel's own name of it)
 * through another bind with a record of its own (lg_mount_bind): own lies under bind r's
 * point, with no mount beneath that point over it; its path in the filesystem is r's root and
 * the rest; every other bind of that filesystem whose root holds that path names it at its own
 * point and the rest, and for a directory rule (subtree) every one whose root lies beneath it
 * names part of it, whole. 1 with it in out, 0 past the last, -ENAMETOOLONG.
 */
static int bind_sibling(const struct lg_mount_names *names, const char *own, bool subtree,
			unsigned want, char *out, size_t size)
{
	const struct lg_mount_bind *r = NULL;
	char fspath[4096];
	size_t r_len = 0;
	unsigned n = 0;

	for (size_t i = 0; i < names->bind_count; i++) {
		const struct lg_mount_bind *b = &names->binds[i];
		size_t len = strlen(b->point);

		if (path_at_or_under(b->point, own) && (!r || len > r_len)) {
			r = b;
			r_len = len;
		}
	}
	if (!r)
		return 0;
	if (covered_below(names, r->point, own))
		return 0; /* a mount beneath r's point shows what own leads to */
	if ((size_t)snprintf(fspath, sizeof(fspath), "%s%s", r->root, own + r_len) >=
	    sizeof(fspath))
		return want ? 0 : -ENAMETOOLONG; /* said once */
	for (size_t i = 0; i < names->bind_count; i++) {
		const struct lg_mount_bind *h = &names->binds[i];
		int len;

		if (h == r || h->dev_major != r->dev_major || h->dev_minor != r->dev_minor)
			continue;
		if (path_at_or_under(h->root, fspath))
			len = snprintf(out, size, "%s%s", h->point, fspath + strlen(h->root));
		else if (subtree && path_at_or_under(fspath, h->root))
			len = snprintf(out, size, "%s", h->point);
		else
			continue;
		/* (not own itself, nor a path another mount beneath h's point shows: review 44) */
		if ((size_t)len < size &&
		    (strcmp(out, own) == 0 || covered_below(names, h->point, out)))
			continue;
		if (n++ < want)
			continue;
		return (size_t)len >= size ? -ENAMETOOLONG : 1;
	}
	return 0;
}

int lg_mount_aliases(const struct lg_mount_names *names, const char *path, bool subtree,
		     unsigned index, char *out, size_t size)
{
	char own[4096];
	int ret;

	ret = lg_mount_canonical(names, path, own, sizeof(own));
	if (ret < 0)
		return index ? 0 : ret;
	if (ret == 1) {
		if (index == 0) {
			if ((size_t)snprintf(out, size, "%s", strcmp(own, "/") == 0 ? "" : own) >=
			    size)
				return -ENAMETOOLONG;
			return name_above(out, path) ? -ELOOP : 1;
		}
		index--;
	} else if ((size_t)snprintf(own, sizeof(own), "%s", path) >= sizeof(own)) {
		return 0;
	}
	ret = bind_sibling(names, own, subtree, index, out, size);
	if (ret <= 0)
		return ret;
	return name_above(out, path) ? -ELOOP : 1;
}
