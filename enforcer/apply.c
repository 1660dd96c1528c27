// SPDX-License-Identifier: GPL-2.0-only
/*
 * Putting a compiled policy set in force, with no moment where neither the old set nor the new
 * one applies, and no moment where a cgroup sees half of a set:
 *
 *  1. the new set is written beside the old one, in the other bank of policy ids (its path keys,
 *     network keys and policy records carry the new ids, so nothing the old set uses changes);
 *  2. each cgroup binding is switched from its old id to its new one, one map update each
 *     (a cgroup sees the whole old set, then the whole new set);
 *  3. after an RCU grace period no program can still hold an old id (a task's cached policy id
 *     is tagged with the generation read before its search, so a search that raced the switch
 *     is discarded), the bindings are switched once more (a cgroup made during step 2 may
 *     have been bound from the old records), and the old bank's records are deleted.
 * A set that fails to compile never reaches step 1. A failure during step 1 deletes what was
 * written and leaves the old set in force.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "host.h"
#include "links.h"
#include "loaded.h"
#include "log.h"

__u64 lg_random_seed(void)
{
	__u64 seed = 0;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		fatal("getrandom");
	return seed;
}

int lg_config_read(const struct lg_bpf *bpf, struct lg_config *config)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(bpf->map_fd[LG_MAP_CONFIG], &zero, config) ? -errno : 0;
}

/* Every write of the config carries the btrfs offsets once they are known (lg_btrfs_offsets). */
static int config_write(const struct lg_bpf *bpf, const struct lg_config *config)
{
	struct lg_config out = *config;
	__u32 zero = 0;

	lg_btrfs_offsets(&out);
	return bpf_map_update_elem(bpf->map_fd[LG_MAP_CONFIG], &zero, &out, BPF_ANY) ? -errno : 0;
}

/*
 * Before a table with a btrfs mount is written: the kernel must key its walk by each
 * subvolume's device, as the table does, from the moment the table has such an entry.
 */
static int config_know_btrfs(const struct lg_bpf *bpf, const struct lg_mount_entry *entries,
			     int count)
{
	struct lg_config now;
	bool btrfs = false;
	int ret;

	for (int i = 0; i < count && !btrfs; i++)
		btrfs = strcmp(entries[i].fstype, "btrfs") == 0;
	if (!btrfs)
		return 0;
	ret = lg_config_read(bpf, &now);
	if (ret || now.btrfs_known)
		return ret;
	if (lg_btrfs_offsets(&now)) {
		static bool warned;

		if (!warned)
			log_warnx("btrfs is mounted but its BTF (/sys/kernel/btf/btrfs) does not give "
				  "struct btrfs_inode and btrfs_root: rules under a btrfs subvolume mounted "
				  "by itself do not match; use a kernel built with "
				  "CONFIG_DEBUG_INFO_BTF_MODULES=y (docs/security.md)");
		warned = true;
		return 0;
	}
	return config_write(bpf, &now);
}

/* One of the epochs the daemon alone writes (lsmguard_abi.h, enum lg_epoch_index) raised by 1. */
static int bump_epoch(const struct lg_bpf *bpf, __u32 index)
{
	__u64 epoch = 0;

	if (bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &epoch))
		return -errno;
	epoch++;
	return bpf_map_update_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &epoch, BPF_ANY) ? -errno : 0;
}

/*
 * Path verdicts cached before a mount table rewrite may rest on the old table (see
 * bpf_lsm/cache.bpf.h): retire them. The daemon is this epoch's only writer.
 */
static void bump_mounts_epoch(const struct lg_bpf *bpf)
{
	bump_epoch(bpf, LG_EPOCH_MOUNTS);
}

void lg_retire_verdicts(const struct lg_bpf *bpf)
{
	bump_mounts_epoch(bpf);
}

/*
 * Write a hash map record only when it changes. Rewriting a key gives it a new element and
 * frees the old one at once: on 6.1 a freed element is reused by the next write (it is not
 * kept for an RCU grace period), so a program that looked the old one up may read another
 * record's data through its pointer. The mount and link records are read across a whole path
 * walk; rewriting all of them at every reload made a walk now and then hash a path with
 * another mount's prefix and miss its rule (the 1000-reload test: 1 open in ~750,000).
 */
static int update_if_changed(int fd, const void *key, const void *value, size_t size,
			     void *scratch)
{
	if (bpf_map_lookup_elem(fd, key, scratch) == 0 && memcmp(scratch, value, size) == 0)
		return 0;
	return bpf_map_update_elem(fd, key, value, BPF_ANY) ? -errno : 0;
}

static lg_mount_ignored_fn *mount_ignored_fn;
static void *mount_ignored_ctx;

void lg_apply_mounts_report(lg_mount_ignored_fn *fn, void *ctx)
{
	mount_ignored_fn = fn;
	mount_ignored_ctx = ctx;
}

/*
 * Report the ignored mounts of this reading that the last reading did not have: once each, for
 * as long as the mount stays (a mount id with its mount point).
 */
static void report_ignored(const struct lg_mount_entry *entries, int count)
{
	static struct seen {
		int mount_id;
		__u64 hash;
	} *before, *now;
	static size_t before_count;
	size_t now_count = 0;

	now = calloc((size_t)count + 1, sizeof(*now));
	if (!now)
		return;
	for (int i = 0; i < count; i++) {
		const struct lg_mount_entry *e = &entries[i];
		bool seen = false;
		__u64 hash;

		if (!e->ignored || e->unanswered || e->covered || (e->contained && !e->subvolume) ||
		    e->mount_id < 0)
			continue; /* a bind of a directory is named through its root: nothing new (a
				   * kept record's line is no mount) */
		hash = lg_hash_bytes(LG_HASH_BASIS, e->path, strlen(e->path));
		for (size_t j = 0; j < before_count && !seen; j++)
			seen = before[j].mount_id == e->mount_id && before[j].hash == hash;
		if (!seen && mount_ignored_fn)
			mount_ignored_fn(mount_ignored_ctx, e->mount_id, e->path, e->named_as,
					 e->too_deep   ? "deeper than a record holds"
					 : e->contained ? "subvolume held by an earlier mount"
							: "second mount of a known root");
		now[now_count++] = (struct seen){.mount_id = e->mount_id, .hash = hash};
	}
	free(before);
	before = now;
	before_count = now_count;
}

#define FSTYPE_ENTRY(name, magic, path) {#name, magic, path},
static const struct {
	const char *name; /* the type as mountinfo names it */
	unsigned long magic;
	const char *path;
} fstype_anchors[] = {LG_FSTYPE_ANCHORS(FSTYPE_ENTRY)};
#undef FSTYPE_ENTRY

/*
 * Where the host mounts a filesystem of this type: its first mount of such a filesystem's root
 * in the host's table (a cgroup2 at /sys/fs/cgroup/unified), else the usual place. (From
 * mountinfo, never by statfs of mount points, which would trigger automounts.)
 */
static const char *fstype_anchor_path(unsigned i, const struct lg_mount_entry *entries, int count)
{
	for (int j = 0; j < count; j++)
		if (!entries[j].contained && !entries[j].too_deep && entries[j].mount_id >= 0 &&
		    strcmp(entries[j].fstype, fstype_anchors[i].name) == 0)
			return entries[j].path;
	return fstype_anchors[i].path;
}

/*
 * The records that name kernel filesystems by type (LG_FSTYPE_ANCHORS, bpf_lsm/path.bpf.h),
 * under keys no mount has.
 */
static int apply_fstype_anchors(int fd, const struct lg_config *config,
				const struct lg_mount_entry *entries, int count)
{
	for (unsigned i = 0; i < sizeof(fstype_anchors) / sizeof(fstype_anchors[0]); i++) {
		static struct lg_mount_entry entry;
		struct lg_mount_value value, old;
		const char *path = fstype_anchor_path(i, entries, count);
		int ret;

		memset(&entry, 0, sizeof(entry));
		entry.key.pad = LG_FSTYPE_KEY_PAD;
		entry.key.ino = fstype_anchors[i].magic;
		snprintf(entry.path, sizeof(entry.path), "%s", path);
		lg_mount_value_for(&entry, config->path_seed, &value);
		ret = update_if_changed(fd, &entry.key, &value, sizeof(value), &old);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Whether the record under key is one a held entry (a mount that did not answer, or one a later
 * mount covers) keeps: its value is that entry's path. A later visible mount of the same root
 * then does not replace it (attack run 21's 2103: a tmpfs over a subvolume's mount, then a bind
 * of the subvolume's root, would have moved its files' names to the bind).
 */
static bool record_held(int fd, const struct lg_config *config,
			const struct lg_mount_entry *entries, int count,
			const struct lg_inode_key *key)
{
	struct lg_mount_value now, held;

	if (bpf_map_lookup_elem(fd, key, &now))
		return false;
	for (int i = 0; i < count; i++) {
		if (!entries[i].unanswered && !entries[i].covered)
			continue;
		lg_mount_value_for(&entries[i], config->path_seed, &held);
		if (memcmp(&now, &held, sizeof(now)) == 0)
			return true;
	}
	return false;
}

/* The names of the last reading of the mount table (lg_applied_mount_names). */
static struct lg_mount_names applied_names;
static bool applied_names_valid;

const struct lg_mount_names *lg_applied_mount_names(void)
{
	return applied_names_valid ? &applied_names : NULL;
}

struct held_ctx {
	int fd;
	const struct lg_config *config;
	const struct lg_bpf *bpf;
	struct lg_mount_kept *kept; /* detached_records' list, for the marks spent after */
	long kept_count;
};

/* Whether the table has a record named path under another key than cover's (a covered mount's,
 * kept: lg_read_mounts_held). */
static bool record_at_path(void *ctx, const char *path, const struct lg_inode_key *cover)
{
	static struct lg_mount_entry entry;
	const struct held_ctx *h = ctx;
	struct lg_mount_value want, now;
	struct lg_inode_key key, next;
	bool more;

	memset(&entry, 0, sizeof(entry));
	snprintf(entry.path, sizeof(entry.path), "%s", path);
	lg_mount_value_for(&entry, h->config->path_seed, &want);
	for (more = bpf_map_get_next_key(h->fd, NULL, &key) == 0; more; key = next) {
		more = bpf_map_get_next_key(h->fd, &key, &next) == 0;
		if (key.pad != LG_FSTYPE_KEY_PAD && (key.dev != cover->dev || key.ino != cover->ino) &&
		    bpf_map_lookup_elem(h->fd, &key, &now) == 0 && memcmp(&now, &want, sizeof(now)) == 0)
			return true;
	}
	return false;
}

/* Host mounts the last rewrite of the table found no room for (LG_EPOCH_MOUNTS_UNRECORDED),
 * and whether the kernel could not be told (an adopted map of an older version, without the
 * slot: its programs name such mounts' files through the live tree). */
static size_t mounts_unrecorded;
static bool mounts_unrecorded_untold;

size_t lg_apply_mounts_unrecorded(bool *untold)
{
	if (untold)
		*untold = mounts_unrecorded_untold;
	return mounts_unrecorded;
}

static void set_mounts_unrecorded(const struct lg_bpf *bpf, __u64 count)
{
	__u32 index = LG_EPOCH_MOUNTS_UNRECORDED;

	mounts_unrecorded_untold =
		bpf_map_update_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &count, BPF_ANY) != 0;
}

/* Whether an earlier mount too deep for a record has the same root as entries[i]: the first
 * writes the root's record (LG_MOUNT_DEPTH_UNNAMED, which replaces a moved mount's old one). */
static bool deep_root_written(const struct lg_mount_entry *entries, int i)
{
	for (int j = 0; j < i; j++)
		if (entries[j].too_deep && entries[j].key.dev == entries[i].key.dev &&
		    entries[j].key.ino == entries[i].key.ino)
			return true;
	return false;
}

/*
 * Names kept for mounts the kernel detached (bpf_lsm/mounts.bpf.c, lg_mount_detached): the
 * points of the records the last rewrite wrote, by root (a point longer than the record's own
 * copy of it is found here).
 */
struct record_point {
	struct lg_inode_key key;
	char *path;
};
static struct record_point *record_points;
static size_t record_point_count;

/* The kernel's record under key, and the one a record at path would be: the same? */
static bool record_is_at(int fd, const struct lg_config *config, const struct lg_inode_key *key,
			 const char *path)
{
	static struct lg_mount_entry entry;
	struct lg_mount_value want, now;

	if (bpf_map_lookup_elem(fd, key, &now))
		return false;
	memset(&entry, 0, sizeof(entry));
	snprintf(entry.path, sizeof(entry.path), "%s", path);
	lg_mount_value_for(&entry, config->path_seed, &want);
	return memcmp(&want, &now, sizeof(now)) == 0;
}

/*
 * The marks of detached roots whose records the kernel still has, each with the point its
 * record names (from the last rewrite, or the record's own copy when it is whole); a mark with
 * neither is spent, and deleted. *out is NULL when there are none; -errno on failure.
 */
static long detached_records(const struct lg_bpf *bpf, const struct lg_config *config,
			     struct lg_mount_kept **out)
{
	int marks = bpf->map_fd[LG_MAP_MOUNT_DETACHED], fd = bpf->map_fd[LG_MAP_MOUNTS];
	struct lg_inode_key key, next;
	struct lg_mount_kept *kept = NULL, *bigger;
	size_t count = 0;
	bool more;

	*out = NULL;
	if (marks < 0)
		return 0; /* pins of a version without the marks */
	for (more = bpf_map_get_next_key(marks, NULL, &key) == 0; more; key = next) {
		struct lg_mount_value now;
		const char *path = NULL;
		__u64 mark = 0;

		more = bpf_map_get_next_key(marks, &key, &next) == 0;
		if (bpf_map_lookup_elem(marks, &key, &mark))
			continue; /* gone meanwhile (its superblock shut down) */
		for (size_t i = 0; i < record_point_count && !path; i++)
			if (record_points[i].key.dev == key.dev && record_points[i].key.ino == key.ino &&
			    record_is_at(fd, config, &key, record_points[i].path))
				path = record_points[i].path;
		/* the record's own copy, when it is whole (at most 126 bytes and its NUL) */
		if (!path && bpf_map_lookup_elem(fd, &key, &now) == 0 &&
		    strnlen((const char *)now.path, sizeof(now.path)) < sizeof(now.path) - 1) {
			now.path[sizeof(now.path) - 1] = '\0';
			if (record_is_at(fd, config, &key, (const char *)now.path))
				path = (const char *)now.path;
		}
		/* No point known (the daemon never read that mount: detached at once, attack run
		 * 28's 2804; or one longer than the record's copy, after a restart: 2802): kept
		 * unnamed, so that no other mount of it becomes its record. */
		bigger = realloc(kept, (count + 1) * sizeof(*kept));
		if (!bigger) {
			free(kept);
			return -ENOMEM;
		}
		kept = bigger;
		memset(&kept[count], 0, sizeof(kept[count]));
		kept[count].key = key;
		kept[count].change = mark;
		kept[count].unnamed = !path;
		snprintf(kept[count].path, sizeof(kept[count].path), "%s", path ? path : "");
		count++;
	}
	*out = kept;
	return (long)count;
}

/* The records of the mounts of key's filesystem (its device; not btrfs) name nothing. */
static void unname_filesystem(struct lg_mount_entry *entries, int count,
			      const struct lg_inode_key *key)
{
	for (int i = 0; i < count; i++)
		if (!entries[i].ignored && strcmp(entries[i].fstype, "btrfs") != 0 &&
		    ((entries[i].dev_major << 20) | entries[i].dev_minor) == key->dev)
			entries[i].unnamed = true;
}

/* lg_read_mounts_held's kept callback: the marks, read after mountinfo. */
static long read_detached(void *ctx, struct lg_mount_kept **list)
{
	struct held_ctx *h = ctx;

	h->kept_count = detached_records(h->bpf, h->config, &h->kept);
	*list = h->kept;
	return h->kept_count;
}

/* Remember the points of the records written (for detached_records' next reading). */
static void remember_record_points(const struct lg_mount_entry *entries, int count)
{
	struct record_point *now = calloc(count ? (size_t)count : 1, sizeof(*now));
	size_t n = 0;

	if (!now)
		return; /* the records' own copies serve */
	for (int i = 0; i < count; i++) {
		if (entries[i].ignored || entries[i].unnamed)
			continue;
		now[n].key = entries[i].key;
		now[n].path = strdup(entries[i].path);
		if (!now[n].path)
			break;
		n++;
	}
	for (size_t i = 0; i < record_point_count; i++)
		free(record_points[i].path);
	free(record_points);
	record_points = now;
	record_point_count = n;
}

int lg_apply_mounts(const struct lg_bpf *bpf, const struct lg_config *config)
{
	__u32 changes_index = LG_EPOCH_MOUNT_CHANGES, table_index = LG_EPOCH_MOUNT_TABLE;
	struct lg_mount_entry *entries;
	struct lg_inode_key key, next;
	int count, fd = bpf->map_fd[LG_MAP_MOUNTS];
	struct held_ctx h = {.fd = fd, .config = config, .bpf = bpf};
	__u64 seen_changes = 0;
	size_t unrecorded = 0;
	bool more;
	int ret;

	/*
	 * The host mount moves and unmounts the kernel has counted before this reading of
	 * mountinfo (bpf_lsm/mounts.bpf.c): the kernel counts them with namespace_sem held, which
	 * reading mountinfo waits for, so the table written below shows every one of them.
	 */
	if (bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &changes_index, &seen_changes))
		seen_changes = 0;
	count = lg_read_mounts_held("/proc/self/mountinfo", &entries, record_at_path, read_detached,
				    &h);
	/* A mark whose root is mounted nowhere any more is spent; one whose point is not known
	 * makes the records of its filesystem's mounts name nothing. */
	for (long k = 0; count >= 0 && k < h.kept_count; k++) {
		/* (not one newer than this mountinfo: its detach may not show in it, and the
		 * root's mounts made since not either) */
		if (!h.kept[k].used && h.kept[k].change <= seen_changes)
			bpf_map_delete_elem(bpf->map_fd[LG_MAP_MOUNT_DETACHED], &h.kept[k].key);
		else if (h.kept[k].unnamed)
			unname_filesystem(entries, count, &h.kept[k].key);
	}
	free(h.kept);
	if (count < 0)
		return count;
	ret = config_know_btrfs(bpf, entries, count);
	if (ret) {
		lg_mount_entries_free(entries, count);
		return ret;
	}
	/*
	 * Drop the records of mounts that are gone first (a mount whose look did not answer keeps
	 * its record), so that a table filled by mounts since unmounted has room for the new ones
	 * (attack run 23's 2302: it stayed full, and a restarted daemon exited). Then the records
	 * by type, which never miss, then one for each root.
	 */
	for (more = bpf_map_get_next_key(fd, NULL, &key) == 0; more; key = next) {
		bool keep = key.pad == LG_FSTYPE_KEY_PAD;
		struct lg_mount_value now, was;

		more = bpf_map_get_next_key(fd, &key, &next) == 0;
		for (int i = 0; i < count && !keep; i++) {
			if (entries[i].contained)
				continue; /* named through another: its key holds no record */
			if (!entries[i].unanswered && !entries[i].covered) {
				keep = entries[i].key.dev == key.dev && entries[i].key.ino == key.ino;
				continue;
			}
			lg_mount_value_for(&entries[i], config->path_seed, &was);
			keep = bpf_map_lookup_elem(fd, &key, &now) == 0 &&
			       memcmp(&now, &was, sizeof(now)) == 0;
		}
		if (!keep)
			bpf_map_delete_elem(fd, &key);
	}
	ret = apply_fstype_anchors(fd, config, entries, count);
	if (ret) {
		lg_mount_entries_free(entries, count);
		return ret;
	}
	for (int i = 0; i < count; i++) {
		struct lg_mount_value value, old;

		if (entries[i].ignored && !entries[i].too_deep)
			continue; /* the first mount of that root holds its record */
		if (entries[i].too_deep && deep_root_written(entries, i))
			continue; /* one record says it names nothing */
		if (record_held(fd, config, entries, count, &entries[i].key))
			continue; /* a covered mount of that root holds it */
		lg_mount_value_for(&entries[i], config->path_seed, &value);
		ret = update_if_changed(fd, &entries[i].key, &value, sizeof(value), &old);
		if (ret == -E2BIG) {
			/* No room: the kernel fails closed for host roots without a record from
			 * now on (set before the next record is tried, cleared only by a
			 * rewrite that found room for all). */
			if (unrecorded++ == 0)
				set_mounts_unrecorded(bpf, 1);
			continue;
		}
		if (ret) {
			lg_mount_entries_free(entries, count);
			return ret;
		}
	}
	set_mounts_unrecorded(bpf, unrecorded);
	mounts_unrecorded = unrecorded;
	report_ignored(entries, count);
	lg_mount_names_free(&applied_names);
	applied_names_valid = lg_mount_names_of(entries, count, &applied_names) == 0;
	remember_record_points(entries, count);
	lg_mount_entries_free(entries, count);
	bump_mounts_epoch(bpf);
	/* The entries written are current again: the walk may anchor at them. */
	bpf_map_update_elem(bpf->map_fd[LG_MAP_EPOCHS], &table_index, &seen_changes, BPF_ANY);
	return count;
}

/*
 * Zero the policy records of one bank that hold a policy: one batched read of the array, then
 * one write per record in use (rather than a write for each of the bank's 1,024 ids).
 */
static int clear_policy_records(const struct lg_bpf *bpf, unsigned bank,
				const struct lg_policy_value *empty)
{
	static struct lg_policy_value values[LG_POLICY_ID_MAX + 1];
	static __u32 keys[LG_POLICY_ID_MAX + 1];
	__u32 count = LG_POLICY_ID_MAX + 1, out_batch = 0;
	int fd = bpf->map_fd[LG_MAP_POLICIES], ret, err = 0;

	ret = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, values, &count, NULL);
	if (ret && errno != ENOENT) {
		/* No batch support: write every id of the bank. */
		for (__u32 id = lg_bank_first_id(bank); id <= lg_bank_last_id(bank); id++)
			if (bpf_map_update_elem(fd, &id, empty, BPF_ANY) && !err)
				err = -errno;
		return err;
	}
	for (__u32 i = 0; i < count; i++)
		if (values[i].id && lg_id_in_bank(keys[i], bank) &&
		    bpf_map_update_elem(fd, &keys[i], empty, BPF_ANY) && !err)
			err = -errno;
	return err;
}

#define BATCH 4096

/*
 * Delete the path keys of one bank: the keys read in batches of BATCH, then deleted in one
 * batch per read (two system calls per key with get_next_key and delete, which made a reload of
 * 10,000 rules spend most of its time here). Kernels without batch operations on hash maps
 * fall back to that walk. Returns 0 or a negative errno.
 */
static int delete_bank_paths(int fd, unsigned bank)
{
	struct lg_path_key *keys = calloc(BATCH, sizeof(*keys)), pkey, pnext;
	struct lg_path_value *values = calloc(BATCH, sizeof(*values));
	__u32 in_batch = 0, out_batch = 0, count;
	bool first = true, more;
	int ret = 0;

	if (!keys || !values) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		__u32 n = 0;
		int err;

		count = BATCH;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys, values,
					   &count, NULL);
		if (err && errno != ENOENT) {
			if (first && (errno == EINVAL || errno == ENOTSUP || errno == EOPNOTSUPP))
				goto walk;
			ret = -errno;
			goto out;
		}
		for (__u32 i = 0; i < count; i++)
			if (lg_id_in_bank(keys[i].policy, bank))
				keys[n++] = keys[i];
		if (n && bpf_map_delete_batch(fd, keys, &n, NULL)) {
			ret = -errno;
			goto out;
		}
		if (err) /* ENOENT: that was the last batch */
			break;
		in_batch = out_batch;
		first = false;
	}
	goto out;
walk:
	for (more = bpf_map_get_next_key(fd, NULL, &pkey) == 0; more; pkey = pnext) {
		more = bpf_map_get_next_key(fd, &pkey, &pnext) == 0;
		if (lg_id_in_bank(pkey.policy, bank) && bpf_map_delete_elem(fd, &pkey) &&
		    errno != ENOENT && !ret)
			ret = -errno;
	}
out:
	free(keys);
	free(values);
	return ret;
}

/*
 * Write one bank's half of the deny filter (LG_DENY_FILTER_WORDS words): the bits of entries,
 * or all zero with none. Through a shared mapping of the array (one copy); pins of a version
 * whose array cannot be mapped get one batch update, or a write per word.
 */
static int write_deny_filter(int fd, unsigned bank, const __u64 *entries, size_t count)
{
	const size_t half = LG_DENY_FILTER_WORDS * sizeof(__u64);
	__u64 *words = calloc(LG_DENY_FILTER_WORDS, sizeof(*words));
	__u32 n = LG_DENY_FILTER_WORDS, *keys = NULL;
	void *map;
	int ret = 0;

	if (!words)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		for (int k = 0; k < 2; k++) {
			__u32 bit = lg_deny_filter_bit(entries[i], k);

			words[bit >> 6] |= 1ULL << (bit & 63);
		}
	}
	map = mmap(NULL, 2 * half, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map != MAP_FAILED) {
		memcpy((char *)map + (bank & 1) * half, words, half);
		munmap(map, 2 * half);
		goto out;
	}
	keys = calloc(LG_DENY_FILTER_WORDS, sizeof(*keys));
	if (!keys) {
		ret = -ENOMEM;
		goto out;
	}
	for (__u32 i = 0; i < LG_DENY_FILTER_WORDS; i++)
		keys[i] = (bank & 1) * LG_DENY_FILTER_WORDS + i;
	if (bpf_map_update_batch(fd, keys, words, &n, NULL) == 0)
		goto out;
	if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP) {
		ret = -errno;
		goto out;
	}
	for (__u32 i = 0; i < LG_DENY_FILTER_WORDS; i++) {
		if (bpf_map_update_elem(fd, &keys[i], &words[i], BPF_ANY)) {
			ret = -errno;
			goto out;
		}
	}
out:
	free(words);
	free(keys);
	return ret;
}

/*
 * The keys this process wrote to each bank, while the bank holds exactly those (it was empty
 * when lg_apply wrote it, and only lsmguard writes these maps): removing the bank then deletes
 * them by key. Reading the maps for a bank's keys visits every bucket of lg_paths (2^19 of them,
 * about 10 ms in the test VM whatever the rule count) and walks the trie key by key. Per
 * process, as clean_bank below: after a start that adopted the maps nothing is known.
 */
static struct bank_keys {
	bool known;
	struct lg_path_key *paths; /* rules, markers and lsmguard's own records */
	size_t path_count;
	struct lg_net_key *nets;
	size_t net_count;
} written[2];

static void forget_bank_keys(unsigned bank)
{
	struct bank_keys *w = &written[bank & 1];

	free(w->paths);
	free(w->nets);
	memset(w, 0, sizeof(*w));
}

/* Remember the keys of c, just written to its bank (which was empty). Without memory, the
 * removal reads the maps instead. */
static void remember_bank_keys(const struct lg_compiled *c)
{
	struct bank_keys *w = &written[c->bank & 1];
	size_t n = 0;

	forget_bank_keys(c->bank);
	w->paths = malloc((c->path_count + c->beneath_count + 1) * sizeof(*w->paths));
	w->nets = malloc((c->net_count + 1) * sizeof(*w->nets));
	if (!w->paths || !w->nets) {
		forget_bank_keys(c->bank);
		return;
	}
	for (size_t i = 0; i < c->path_count; i++)
		w->paths[n++] = c->paths[i].key;
	for (size_t i = 0; i < c->beneath_count; i++)
		w->paths[n++] = c->beneath[i].key;
	w->path_count = n;
	for (size_t i = 0; i < c->net_count; i++)
		w->nets[i] = c->nets[i].key;
	w->net_count = c->net_count;
	w->known = true;
}

/*
 * Delete the path and network keys of a bank by the keys this process wrote there: in batches
 * of BATCH where the kernel has them (a batch stops at a key that is gone, counting the ones
 * before it; the rest follow). Returns 0, or a negative errno: the caller then reads the maps.
 */
static int delete_known_keys(const struct lg_bpf *bpf, const struct bank_keys *w)
{
	int fd = bpf->map_fd[LG_MAP_PATHS];
	size_t i = 0;

	while (i < w->path_count) {
		__u32 n = w->path_count - i > BATCH ? BATCH : (__u32)(w->path_count - i);

		if (bpf_map_delete_batch(fd, &w->paths[i], &n, NULL) == 0) {
			i += n;
		} else if (errno == ENOENT) {
			i += n + 1;
		} else if (errno == EINVAL || errno == ENOTSUP || errno == EOPNOTSUPP) {
			for (i += n; i < w->path_count; i++)
				if (bpf_map_delete_elem(fd, &w->paths[i]) && errno != ENOENT)
					return -errno;
		} else {
			return -errno;
		}
	}
	/* LPM tries have no batch operations. */
	fd = bpf->map_fd[LG_MAP_NETS];
	for (i = 0; i < w->net_count; i++)
		if (bpf_map_delete_elem(fd, &w->nets[i]) && errno != ENOENT)
			return -errno;
	return 0;
}

/* Delete the path and network keys of one bank by reading the maps for them. */
static int delete_bank_by_scan(const struct lg_bpf *bpf, unsigned bank)
{
	struct lg_net_key nkey, nnext;
	int fd, ret;
	bool more;

	ret = delete_bank_paths(bpf->map_fd[LG_MAP_PATHS], bank);
	/* LPM tries have no batch operations. */
	fd = bpf->map_fd[LG_MAP_NETS];
	for (more = bpf_map_get_next_key(fd, NULL, &nkey) == 0; more; nkey = nnext) {
		more = bpf_map_get_next_key(fd, &nkey, &nnext) == 0;
		if (lg_id_in_bank(nkey.policy, bank) && bpf_map_delete_elem(fd, &nkey) && !ret)
			ret = -errno;
	}
	return ret;
}

/*
 * Delete every path and network key and policy record of one bank, and clear its deny filter:
 * by the keys this process wrote there when it knows them, else by reading the maps. Returns 0
 * when every key of the bank is known gone, else a negative errno.
 */
static int delete_bank(const struct lg_bpf *bpf, unsigned bank)
{
	struct lg_policy_value empty = {0};
	int ret = -ENOENT, err;

	if (written[bank & 1].known)
		ret = delete_known_keys(bpf, &written[bank & 1]);
	forget_bank_keys(bank);
	if (ret)
		ret = delete_bank_by_scan(bpf, bank);
	err = clear_policy_records(bpf, bank, &empty);
	if (!err)
		err = write_deny_filter(bpf->map_fd[LG_MAP_DENY_FILTER], bank, NULL, 0);
	return ret ? ret : err;
}

/* The bank this process emptied after its last reload, when nothing has written it since
 * (-1: unknown, as after a start that adopted the maps). Per process: it holds because one
 * daemon at a time writes the maps (its pid file), and nothing else may (LG_BUILTIN_SELF). */
static int clean_bank = -1;
/* What lg_apply_links does after lg_apply began the switch: the records the rehash counted,
 * and the config whose seeds the new bank uses. */
static struct {
	bool due;
	size_t records;
	struct lg_config config;
} links_left;

/*
 * Write count entries of stride bytes, each a key (key_size bytes at key_at) and a value
 * (value_size bytes at value_at), in batches where the kernel has them: one system call for
 * thousands of rules rather than one each.
 */
static int write_entries(int fd, const void *entries, size_t count, size_t stride,
			 size_t key_at, size_t key_size, size_t value_at, size_t value_size)
{
	size_t batch = count < BATCH ? count : BATCH;
	const char *at = entries;
	char *keys, *values;
	size_t i = 0;
	int ret = 0;

	if (!count)
		return 0;
	keys = calloc(batch, key_size);
	values = calloc(batch, value_size);
	if (!keys || !values) {
		ret = -ENOMEM;
		goto out;
	}
	while (i < count) {
		__u32 n = 0, done;

		for (; n < batch && i + n < count; n++) {
			memcpy(keys + n * key_size, at + (i + n) * stride + key_at, key_size);
			memcpy(values + n * value_size, at + (i + n) * stride + value_at, value_size);
		}
		done = n;
		if (bpf_map_update_batch(fd, keys, values, &done, NULL) == 0) {
			i += n;
			continue;
		}
		/* 524: the kernel's own ENOTSUPP, a map type without batch operations */
		if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP && errno != 524) {
			ret = -errno;
			goto out;
		}
		/* No batch operations: one at a time. */
		for (; i < count; i++) {
			if (bpf_map_update_elem(fd, at + i * stride + key_at, at + i * stride + value_at,
						BPF_ANY)) {
				ret = -errno;
				goto out;
			}
		}
	}
out:
	free(keys);
	free(values);
	return ret;
}

#define WRITE_ENTRIES(fd, entries, count)                                                        \
	write_entries(fd, entries, count, sizeof(*(entries)),                                    \
		      offsetof(__typeof__(*(entries)), key), sizeof((entries)->key),               \
		      offsetof(__typeof__(*(entries)), value), sizeof((entries)->value))

/*
 * Counters are indexed by policy id, and ids come back every other reload: start the new
 * bank's at zero, or a policy would inherit whatever had its id two reloads ago.
 */
static int zero_counters(const struct lg_bpf *bpf, const struct lg_compiled *c)
{
	int cpus = libbpf_num_possible_cpus(), ret = 0;
	struct lg_counter *zeros;

	if (cpus <= 0)
		return -EINVAL;
	zeros = calloc((size_t)cpus, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	for (size_t i = 0; i < c->policy_count && !ret; i++) {
		for (__u32 hook = 0; hook < LG_HOOK_COUNT && !ret; hook++) {
			__u32 key = c->policies[i].id * LG_HOOK_COUNT + hook;

			if (bpf_map_update_elem(bpf->map_fd[LG_MAP_COUNTERS], &key, zeros, BPF_ANY))
				ret = -errno;
		}
	}
	free(zeros);
	return ret;
}

static int write_bank(const struct lg_bpf *bpf, const struct lg_compiled *c)
{
	int ret = zero_counters(bpf, c);

	if (ret)
		return ret;
	ret = WRITE_ENTRIES(bpf->map_fd[LG_MAP_PATHS], c->paths, c->path_count);
	if (!ret)
		ret = WRITE_ENTRIES(bpf->map_fd[LG_MAP_PATHS], c->beneath, c->beneath_count);
	if (!ret)
		ret = write_deny_filter(bpf->map_fd[LG_MAP_DENY_FILTER], c->bank, c->deny_filter,
					c->deny_filter_count);
	if (ret)
		return ret;
	ret = WRITE_ENTRIES(bpf->map_fd[LG_MAP_NETS], c->nets, c->net_count);
	if (ret)
		return ret;
	for (size_t i = 0; i < c->policy_count; i++)
		if (bpf_map_update_elem(bpf->map_fd[LG_MAP_POLICIES], &c->policies[i].id,
					&c->policies[i], BPF_ANY))
			return -errno;
	return 0;
}

/* Point every binding at the new set; unbind cgroups whose policy is gone. */
static int compare_ids(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * A binding that this switch did not write, once the path records are the new set's: a cgroup
 * the kernel bound at its mkdir (cgroup.bpf.c) from the old record or the new one, a cgroup
 * whose policy is gone, or one bound by a load that never finished (the daemon killed in the
 * middle of its switch: an id that the new set may have given to another policy). Every
 * binding is a cgroup at its policy's path (cgroup v2 has no rename): the record at the
 * cgroup's path now decides it, and a cgroup at a path with no record is under no policy. A
 * binding that cannot be placed for another reason is kept if it names the new set.
 */
static void check_unwritten_binding(int paths_fd, int ids_fd, const struct lg_compiled *c,
				    const struct lg_config *config, __u64 id, __u32 policy)
{
	struct lg_cgroup_path_key key = {0};
	char path[4096];
	__u32 want;
	int ret = lg_cgroup_path_of(id, path, sizeof(path));

	if (ret == -ESTALE || ret == -ENOENT || (ret && !lg_id_in_bank(policy, c->bank))) {
		bpf_map_delete_elem(ids_fd, &id);
		return;
	}
	if (ret)
		return;
	key.hash = lg_cgroup_path_hash(config->cgroup_seed, path);
	if (bpf_map_lookup_elem(paths_fd, &key, &want))
		bpf_map_delete_elem(ids_fd, &id);
	else if (want != policy)
		bpf_map_update_elem(ids_fd, &id, &want, BPF_ANY);
}

static int switch_bindings(const struct lg_bpf *bpf, const struct lg_compiled *c,
			   const struct lg_config *config)
{
	int paths_fd = bpf->map_fd[LG_MAP_CGROUP_PATHS], ids_fd = bpf->map_fd[LG_MAP_CGROUP_POLICY];
	size_t slots = c->cgroup_count ? c->cgroup_count : 1, bound_count = 0;
	__u64 id, next_id, *bound = calloc(slots, sizeof(*bound));
	__u64 *paths = calloc(slots, sizeof(*paths));
	struct lg_cgroup_path_key key, next;
	int ret = 0;
	bool more;

	if (!bound || !paths) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->cgroup_count; i++) {
		struct lg_cgroup_path_key pkey = {
			.hash = lg_cgroup_path_hash(config->cgroup_seed, c->cgroups[i].cgroup),
		};

		__u32 now;

		paths[i] = pkey.hash;
		/* Rewritten only when it changes (the second switch after a reload finds it
		 * written): a rewrite frees the element that a cgroup_mkdir may be reading. */
		if ((bpf_map_lookup_elem(paths_fd, &pkey, &now) || now != c->cgroups[i].policy) &&
		    bpf_map_update_elem(paths_fd, &pkey, &c->cgroups[i].policy, BPF_ANY)) {
			ret = -errno;
			goto out;
		}
		/* A cgroup that exists now; one created from here on is bound by the kernel. */
		if (lg_cgroup_id(c->cgroups[i].cgroup, &id) == 0) {
			if (bpf_map_update_elem(ids_fd, &id, &c->cgroups[i].policy, BPF_ANY)) {
				ret = -errno;
				goto out;
			}
			bound[bound_count++] = id;
		}
	}
	qsort(bound, bound_count, sizeof(*bound), compare_ids);
	qsort(paths, c->cgroup_count, sizeof(*paths), compare_ids);
	/* Every record this set did not write goes, the new bank's too (an unfinished load's). */
	for (more = bpf_map_get_next_key(paths_fd, NULL, &key) == 0; more; key = next) {
		more = bpf_map_get_next_key(paths_fd, &key, &next) == 0;
		if (!bsearch(&key.hash, paths, c->cgroup_count, sizeof(*paths), compare_ids))
			bpf_map_delete_elem(paths_fd, &key);
	}
	for (more = bpf_map_get_next_key(ids_fd, NULL, &id) == 0; more; id = next_id) {
		__u32 policy;

		more = bpf_map_get_next_key(ids_fd, &id, &next_id) == 0;
		if (bpf_map_lookup_elem(ids_fd, &id, &policy))
			continue;
		if (!bsearch(&id, bound, bound_count, sizeof(*bound), compare_ids))
			check_unwritten_binding(paths_fd, ids_fd, c, config, id, policy);
	}
out:
	free(paths);
	free(bound);
	return ret;
}

/*
 * Retire every policy answer the kernel remembers per cgroup (lg_cgroup_answers,
 * bpf_lsm/common.bpf.h) after bindings changed within a generation, and wait until no hook
 * still uses one read before.
 */
static int retire_answers(const struct lg_bpf *bpf, struct lg_config *config)
{
	int ret = bump_epoch(bpf, LG_EPOCH_BINDINGS);

	/*
	 * Pins adopted from a version before this epoch (its lg_epochs has no such entry, and its
	 * programs remember each task's answer under the generation alone): the generation is
	 * bumped instead, which retires both kinds of answer.
	 */
	if (ret == -ENOENT) {
		config->generation++;
		ret = config_write(bpf, config);
	}
	return ret ? ret : lg_bpf_wait_for_readers();
}

/*
 * The policy of the set in force (in the other bank than bank) with the same name as policy,
 * which is in bank: 0 when there is none.
 */
static __u32 same_policy_in_force(const struct lg_bpf *bpf, __u32 policy, unsigned bank)
{
	int policies_fd = bpf->map_fd[LG_MAP_POLICIES];
	struct lg_policy_value value, other;

	if (bpf_map_lookup_elem(policies_fd, &policy, &value) || value.id != policy)
		return 0;
	for (__u32 id = lg_bank_first_id(!bank); id <= lg_bank_last_id(!bank); id++) {
		if (bpf_map_lookup_elem(policies_fd, &id, &other) || other.id != id)
			break; /* a set's ids are consecutive */
		if (other.identity == value.identity)
			return id;
	}
	return 0;
}

/*
 * Bindings into bank (about to be emptied) moved to the set in force: to the record at the
 * cgroup's path, or else to the policy of the same name; a removed cgroup's binding goes.
 * Returns how many moved, or -errno.
 */
static int settle_bindings(const struct lg_bpf *bpf, const struct lg_config *config,
			   unsigned bank)
{
	int paths_fd = bpf->map_fd[LG_MAP_CGROUP_PATHS], ids_fd = bpf->map_fd[LG_MAP_CGROUP_POLICY];
	int moved = 0, ret;
	__u64 id, next_id;
	bool more;

	for (more = bpf_map_get_next_key(ids_fd, NULL, &id) == 0; more; id = next_id) {
		struct lg_cgroup_path_key at = {0};
		__u32 policy, want = 0;
		char path[4096];

		more = bpf_map_get_next_key(ids_fd, &id, &next_id) == 0;
		if (bpf_map_lookup_elem(ids_fd, &id, &policy) || !lg_id_in_bank(policy, bank))
			continue;
		ret = lg_cgroup_path_of(id, path, sizeof(path));
		if (ret == 0) {
			at.hash = lg_cgroup_path_hash(config->cgroup_seed, path);
			if (bpf_map_lookup_elem(paths_fd, &at, &want) || lg_id_in_bank(want, bank))
				want = same_policy_in_force(bpf, policy, bank);
		} else if (ret != -ESTALE && ret != -ENOENT) {
			want = same_policy_in_force(bpf, policy, bank); /* not placed: by name */
		} /* else removed meanwhile: no policy */
		if (want ? bpf_map_update_elem(ids_fd, &id, &want, BPF_ANY)
			 : bpf_map_delete_elem(ids_fd, &id) && errno != ENOENT)
			return -errno;
		moved++;
	}
	return moved;
}

/*
 * Records into the bank this load is about to empty. A load that never finished leaves them:
 * the daemon killed in the middle of its switch (every path record and cgroup switched so
 * far), or before its retire (a cgroup the kernel bound at its mkdir from the old path record).
 * Emptying the bank under them would leave those cgroups under no policy until this load's
 * switch, and refilling it, under whichever policy takes their ids. The unfinished switch is
 * undone first: each path record goes back to the policy of the same name in force (none of
 * that name: removed, and its cgroups under no policy until this load's switch), each binding
 * to the record now at its cgroup's path, or the policy of the same name. The answers the
 * kernel remembers are retired unless the last retire is known to have finished with nothing
 * moved since; after that grace period the bindings are looked at once more, for a cgroup
 * whose mkdir read a record before it went back. Returns how many records moved, or -errno.
 */
static int settle_unfinished_switch(const struct lg_bpf *bpf, struct lg_config *config,
				    unsigned bank, bool retired)
{
	int paths_fd = bpf->map_fd[LG_MAP_CGROUP_PATHS];
	struct lg_cgroup_path_key key, next;
	int moved = 0, ret;
	bool more;

	for (more = bpf_map_get_next_key(paths_fd, NULL, &key) == 0; more; key = next) {
		__u32 policy, want;

		more = bpf_map_get_next_key(paths_fd, &key, &next) == 0;
		if (bpf_map_lookup_elem(paths_fd, &key, &policy) || !lg_id_in_bank(policy, bank))
			continue;
		want = same_policy_in_force(bpf, policy, bank);
		if (want ? bpf_map_update_elem(paths_fd, &key, &want, BPF_ANY)
			 : bpf_map_delete_elem(paths_fd, &key) && errno != ENOENT)
			return -errno;
		moved++;
	}
	ret = settle_bindings(bpf, config, bank);
	if (ret < 0)
		return ret;
	moved += ret;
	/* a mkdir reads a path record and writes its binding a moment later: each pass that
	 * moved something is followed by a grace period and another pass */
	for (int pass = 0; moved || !retired; pass++) {
		if (pass == 4)
			return -EAGAIN; /* cgroups still being bound into the bank: load later */
		retired = true;
		ret = retire_answers(bpf, config);
		if (!ret)
			ret = settle_bindings(bpf, config, bank);
		if (ret < 0)
			return ret;
		if (!ret)
			break;
		moved += ret;
	}
	return moved;
}

/*
 * Arm self-protection: the kernel lets only tasks running this executable write lsmguard's maps
 * and remove its pins, and recognises the pins' bpffs by its device.
 */
static int record_identity(const struct lg_bpf *bpf, struct lg_config *config)
{
	struct stat self, pins, at_path, ns;
	char path[4096];
	ssize_t len;

	if (stat("/proc/self/exe", &self) != 0 || stat(bpf->pin_dir, &pins) != 0)
		return -errno;
	config->self_ino = self.st_ino;
	config->self_dev = lg_kernel_dev(self.st_dev);
	config->pin_dev = lg_kernel_dev(pins.st_dev);
	/* The namespace whose mounts the table describes: ours (mounts.bpf.c). */
	config->mount_ns = stat("/proc/self/ns/mnt", &ns) == 0 ? (__u32)ns.st_ino : 0;
	/*
	 * An upgrade replaces the executable (a new inode at the same path): trust the file now at
	 * our path too, so that after `systemctl reload` the new version can adopt the pins or
	 * unload them. Without this, only a reboot would end enforcement after an upgrade.
	 */
	config->successor_ino = 0;
	config->successor_dev = 0;
	len = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (len > 0) {
		path[len] = '\0';
		if (len > 10 && strcmp(path + len - 10, " (deleted)") == 0)
			path[len - 10] = '\0';
		if (stat(path, &at_path) == 0 && S_ISREG(at_path.st_mode) &&
		    (at_path.st_ino != self.st_ino || at_path.st_dev != self.st_dev)) {
			config->successor_ino = at_path.st_ino;
			config->successor_dev = lg_kernel_dev(at_path.st_dev);
		}
	}
	return 0;
}

int lg_apply(const struct lg_bpf *bpf, const struct lg_compiled *c, char *err, size_t errsize)
{
	struct lg_config config;
	size_t records;
	bool reseeded;
	int ret;

	links_left.due = false;
	ret = lg_config_read(bpf, &config);
	if (ret) {
		snprintf(err, errsize, "cannot read the config map: %s", strerror(-ret));
		return ret;
	}
	if (config.generation && c->bank == config.active_bank) {
		snprintf(err, errsize, "the new set must go to the inactive bank %u", !config.active_bank);
		return -EINVAL;
	}
	if (!config.cgroup_seed)
		config.cgroup_seed = lg_random_seed();
	ret = record_identity(bpf, &config);
	if (ret) {
		snprintf(err, errsize, "cannot identify lsmguard's executable and pins: %s",
			 strerror(-ret));
		return ret;
	}
	/* A record whose text is cut keeps the hashes a walk gave it (lg_links_record): under a
	 * seed drawn again, the walk must come before the switch, as every walk once did. */
	reseeded = config.path_seed[c->bank] && config.path_seed[c->bank] != c->seed;
	config.path_seed[c->bank] = c->seed;
	/* The other bank's seed too, at the first load: a record whose path is cut (a long name,
	 * recorded by the kernel or by a walk) cannot be hashed again from its text, so its
	 * hashes for the other bank must be made with the seed that bank will use (review 38, H2:
	 * the other bank's seed was 0 until its first load drew one). */
	if (!config.path_seed[!c->bank])
		config.path_seed[!c->bank] = lg_random_seed();
	ret = config_write(bpf, &config);
	if (!ret)
		ret = lg_apply_mounts(bpf, &config);
	if (ret < 0) {
		snprintf(err, errsize, "cannot write the mount table: %s", strerror(-ret));
		return ret;
	}
	if (config.generation) {
		ret = settle_unfinished_switch(bpf, &config, c->bank, clean_bank == (int)c->bank);
		if (ret < 0) {
			snprintf(err, errsize, "cannot undo the switch of a load that did not finish: %s",
				 strerror(-ret));
			return ret;
		}
		if (ret)
			log_warnx("a load that did not finish had switched %d cgroup records; put back "
				  "on the policy set in force",
				  ret);
	}
	/* A stale half-written bank from an interrupted run would mix with this one. The scan
	 * reads every key of both banks: skipped when this process emptied the bank itself
	 * after the last reload (lg_apply_retire) and nothing has written to it since. */
	if (clean_bank != (int)c->bank) {
		ret = delete_bank(bpf, c->bank);
		if (ret) {
			/* Its leftovers would apply to the new policies that reuse their ids. */
			snprintf(err, errsize, "cannot empty bank %u before writing it: %s", c->bank,
				 strerror(-ret));
			return ret;
		}
	}
	clean_bank = -1;
	records = lg_links_rehash(bpf, c, &config);
	if (reseeded)
		lg_links_record(bpf, c, &config, records);
	ret = write_bank(bpf, c);
	if (ret) {
		snprintf(err, errsize, "cannot write the policy maps: %s", strerror(-ret));
		delete_bank(bpf, c->bank);
		return ret;
	}
	remember_bank_keys(c);
	/* From here some cgroups may be on the new set, whatever follows: lg_apply_links records
	 * its files' other names, on success and on failure alike. */
	if (!reseeded)
		links_left = (__typeof__(links_left)){.due = true, .records = records, .config = config};
	ret = switch_bindings(bpf, c, &config);
	if (ret) {
		/* Bindings may already point at the new bank: it is complete, so keep it. */
		snprintf(err, errsize, "cannot bind the cgroups: %s", strerror(-ret));
		return ret;
	}
	config.active_bank = c->bank;
	config.generation++;
	ret = config_write(bpf, &config);
	if (ret) {
		snprintf(err, errsize, "cannot write the config map: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

void lg_apply_links(const struct lg_bpf *bpf, const struct lg_compiled *c)
{
	if (!links_left.due)
		return;
	links_left.due = false;
	lg_links_record(bpf, c, &links_left.config, links_left.records);
}

void lg_apply_retire(const struct lg_bpf *bpf, const struct lg_compiled *c)
{
	struct lg_config config;
	int ret = lg_bpf_wait_for_readers();

	if (ret) {
		/* Without the grace period the old bank could still be in use: keep it. */
		log_warnx("cannot wait for an RCU grace period (%s); the previous policy set stays "
			  "in the maps until the next reload",
			  strerror(-ret));
		return;
	}
	/*
	 * A cgroup made while the bindings switched may have been bound by the kernel
	 * (cgroup.bpf.c) from the old path record after lg_apply bound it from the new one, or
	 * after the sweep. Once the grace period is over no such binding is still being written:
	 * switching again puts every existing cgroup on the new set before the old set goes.
	 */
	ret = lg_config_read(bpf, &config);
	if (!ret)
		ret = switch_bindings(bpf, c, &config);
	/*
	 * The kernel remembers each cgroup's policy under the generation and the bindings epoch
	 * (lg_cgroup_answers, bpf_lsm/common.bpf.h): an answer found from such a late binding in
	 * this generation would outlive the switch, and name the old set's policy, which is about
	 * to go (the cgroup's tasks under no policy). The bump retires it; the second grace period
	 * lets every hook that read the old epoch end before the old set goes.
	 */
	if (!ret)
		ret = retire_answers(bpf, &config);
	if (ret) {
		log_warnx("cannot check the cgroup bindings (%s); the previous policy set stays in "
			  "the maps until the next reload",
			  strerror(-ret));
		return;
	}
	if (delete_bank(bpf, !c->bank) == 0)
		clean_bank = !c->bank;
}
