// SPDX-License-Identifier: GPL-2.0-only
/*
 * The link records at each load (the kernel keeps them between loads: links.bpf.c). A file with
 * several names keeps a record of its original name, and one of its denied name, both checked at
 * its other names; the kernel makes and moves them as links and renames happen. A load gives
 * every record the hashes of the new bank's seed, and records what the kernel could not see:
 * files named by deny rules that got their other names before lsmguard ran, while the records
 * were full, or whose recorded names a directory's move carried away (the kernel renames the
 * directory, not the files in it). An exact rule names its file; a directory rule's files with
 * other names are found by a walk of the directory (link_walk_rules), bounded.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirmemo.h"
#include "host.h"
#include "links.h"
#include "log.h"

/* Prefix hashes of a canonical path for one seed, as the kernel's walk computes them. */
static __u8 link_hashes(const char *path, __u64 seed, __u64 *out)
{
	return (__u8)(lg_path_prefix_hashes(seed, path, out, LG_PATH_DEPTH_MAX) + 1);
}

/* A rule for one file that denies: the rules whose files' other names are recorded. */
static bool is_exact_denial(const struct lg_rule_source *r)
{
	return r->kind == LG_RULE_PATH && !r->subtree && r->action != LG_ACT_ALLOW;
}

/*
 * An exact deny rule whose object exists under another real path: a directory above it is a
 * symbolic link. The kernel names the file by its real path, so the rule never matches; said
 * at each load, as `lsmguard check` says it. (The last directory's answer is kept: rules come
 * one directory after another.)
 */
static void warn_symlink_above(const struct lg_rule_source *r, struct lg_dir_real *memo)
{
	char real[PATH_MAX];

	if (lg_path_through_symlink(r->object, real, sizeof(real), memo) == 1)
		log_warnx("%s:%u: warning: " LG_SYMLINK_ABOVE_FMT, r->file, r->line, r->object,
			  real);
}

/* A directory rule that denies everything beneath it (allow-read directory rules are not
 * walked: /usr/, /proc/, /sys/ are theirs, and their files' records come from the kernel). */
static bool is_directory_denial(const struct lg_rule_source *r)
{
	return r->kind == LG_RULE_PATH && r->subtree && r->action == LG_ACT_DENY;
}

/* Whether path lies under a deny rule of the set: an exact rule's name, or beneath a directory
 * rule's (a denied name a walk keeps). */
static bool under_a_denial(const struct lg_compiled *c, const char *path)
{
	for (size_t i = 0; i < c->rule_count; i++) {
		const struct lg_rule_source *r = &c->rules[i];
		size_t len = strlen(r->object);

		if (r->kind != LG_RULE_PATH || r->action == LG_ACT_ALLOW)
			continue;
		if (!r->subtree) {
			if (strcmp(path, r->object) == 0)
				return true;
			continue;
		}
		while (len > 1 && r->object[len - 1] == '/')
			len--;
		if (strncmp(path, r->object, len) == 0 &&
		    (path[len] == '/' || path[len] == '\0' || len == 1))
			return true;
	}
	return false;
}

/* Whether an exact deny rule of the set names path (a denied name that a reload keeps). */
static bool named_by_an_exact_denial(const struct lg_compiled *c, const char *path)
{
	for (size_t i = 0; i < c->rule_count; i++)
		if (is_exact_denial(&c->rules[i]) && strcmp(path, c->rules[i].object) == 0)
			return true;
	return false;
}

/* Whether the record's name still names the file (lstat: the name itself, not where a link
 * there leads). */
static bool names_the_file(const struct lg_link_value *record, const struct stat *st)
{
	struct stat now;

	return lstat((const char *)record->path, &now) == 0 && now.st_dev == st->st_dev &&
	       now.st_ino == st->st_ino;
}

/* One load's work on the link records. */
struct links_refresh {
	const struct lg_compiled *c;
	const struct lg_config *config;
	int fd;
	__u64 unrecorded;		  /* files named by deny rules left without a record */
	size_t records;			  /* records in the map (counted at the rehash, then added) */
	size_t walk_room;		  /* records a directory rule's walk may fill the map to */
	const struct lg_rule_source *rule; /* the directory rule being walked */
	size_t walked;			  /* entries looked at beneath directory rules */
	size_t rule_walked;		  /* of them, beneath this rule's directory */
	size_t rule_unrecorded;		  /* this rule's files left without a record */
	int rule_errno;			  /* why the last of them was (E2BIG: the walk's share) */
	size_t rule_unread;		  /* this rule's directories that could not be read */
	bool rule_stopped;		  /* this rule's walk reached a bound */
};

/*
 * A new record (key, value) made by the load. A walk's (exact false) leaves half the reserve
 * free for exact rules: a directory rule over a tree where anyone makes hard links (/home/) must
 * not use up the records that attack run 7's reserve keeps for them. 0, or the errno.
 */
static int insert_record(struct links_refresh *lr, const struct lg_inode_key *key,
			 struct lg_link_value *value, bool exact)
{
	if (!exact && lr->records >= lr->walk_room)
		return E2BIG;
	value->flags = LG_LINK_BY_DAEMON;
	if (bpf_map_update_elem(lr->fd, key, value, BPF_NOEXIST) != 0)
		return errno;
	lr->records++;
	return 0;
}

/*
 * A record (key) holding the same text as value, a name found again: when the text is cut (a
 * path longer than a record's), the record gets value's hashes, made from the whole path with
 * this load's seeds; lg_links_rehash cannot hash a cut text again, and a bank whose seed was
 * drawn again would otherwise keep hashes no walk of the kernel's matches (review 38, H2).
 */
static int refresh_cut(struct links_refresh *lr, const struct lg_inode_key *key,
		       struct lg_link_value *record, const struct lg_link_value *value)
{
	if (strnlen((const char *)value->path, sizeof(value->path)) < sizeof(value->path) - 1 ||
	    (memcmp(record->count, value->count, sizeof(record->count)) == 0 &&
	     memcmp(record->prefix_hash, value->prefix_hash, sizeof(record->prefix_hash)) == 0))
		return 0;
	memcpy(record->count, value->count, sizeof(record->count));
	memcpy(record->prefix_hash, value->prefix_hash, sizeof(record->prefix_hash));
	bpf_map_update_elem(lr->fd, key, record, BPF_EXIST);
	return 0;
}

/*
 * A file named by a deny rule already has an original record (key). The rule's name (value)
 * takes the original's place when that name no longer names the file (renamed or removed while
 * no lsmguard program saw it: before a load, or a directory above it moved); otherwise it
 * becomes the file's denied name (LG_LINK_KEY_DENIED), unless that record holds it already or
 * holds another name to keep: for an exact rule's name, another exact deny rule's name that
 * still names the file (a name the kernel's filter took for denied, under an [exec] deny of its
 * directory or an allow-read rule's, gives way: review 36); for a name a directory rule's walk
 * found, any name that still names the file and lies under a deny rule (so that two rules on two
 * names of one file do not trade the place at every load). Each keeps its accounting; a new
 * denied-name record is the daemon's (the reserve). 0, or the errno of a new record not made.
 */
static int record_rule_name(struct links_refresh *lr, const struct lg_inode_key *key,
			    struct lg_link_value *value, const struct stat *st, bool exact)
{
	struct lg_inode_key denied_key = *key;
	struct lg_link_value record;
	int err;

	if (bpf_map_lookup_elem(lr->fd, key, &record))
		return 0;
	record.path[sizeof(record.path) - 1] = '\0';
	if (strcmp((const char *)record.path, (const char *)value->path) == 0)
		return refresh_cut(lr, key, &record, value);
	if (!names_the_file(&record, st)) {
		value->flags = record.flags;
		bpf_map_update_elem(lr->fd, key, value, BPF_EXIST);
		return 0;
	}
	denied_key.pad = LG_LINK_KEY_DENIED;
	if (bpf_map_lookup_elem(lr->fd, &denied_key, &record) == 0) {
		const char *name = (const char *)record.path;

		record.path[sizeof(record.path) - 1] = '\0';
		if (strcmp(name, (const char *)value->path) == 0)
			return refresh_cut(lr, &denied_key, &record, value);
		if (names_the_file(&record, st) &&
		    (exact ? named_by_an_exact_denial(lr->c, name) : under_a_denial(lr->c, name)))
			return 0;
		value->flags = record.flags;
		bpf_map_update_elem(lr->fd, &denied_key, value, BPF_EXIST);
		return 0;
	}
	err = insert_record(lr, &denied_key, value, exact);
	if (!err && bpf_map_lookup_elem(lr->fd, key, &record) != 0) {
		/* the file went (its original record with it) meanwhile: no denied name alone */
		bpf_map_delete_elem(lr->fd, &denied_key);
		lr->records--;
	}
	return err;
}

/*
 * Record the file at path (st, a regular file with other names) that rule r denies: its original
 * record where it has none, else record_rule_name. 0, or the errno of a record not made (said
 * here for an exact rule; a directory rule's are said once for the rule, link_walk_rule).
 */
static int record_denied_file(struct links_refresh *lr, const struct lg_rule_source *r,
			      const char *path, const struct stat *st)
{
	struct lg_link_value value;
	struct lg_inode_key key;
	size_t len = strlen(path);
	int err;

	/* A path longer than a record's text is kept cut, as the kernel keeps a long name, with the
	 * whole path's hashes for both banks (lg_links_rehash does not hash a cut text again; the
	 * walk gives them again at each load: refresh_cut). Skipping it left the file's other
	 * names readable after every load (attack run 20: a walked path of 256 bytes). */
	memset(&value, 0, sizeof(value));
	memcpy(value.path, path, len < sizeof(value.path) ? len : sizeof(value.path) - 1);
	for (int bank = 0; bank < 2; bank++)
		value.count[bank] =
		    link_hashes(path, lr->config->path_seed[bank], value.prefix_hash[bank]);
	key = (struct lg_inode_key){.dev = lg_kernel_dev(st->st_dev), .ino = st->st_ino};
	err = insert_record(lr, &key, &value, !r->subtree);
	if (err == EEXIST)
		err = record_rule_name(lr, &key, &value, st, !r->subtree);
	if (!err)
		return 0;
	lr->unrecorded++;
	if (!r->subtree)
		log_warnx("%s:%u: cannot record the original name of %s, which has %lu names: %s; "
			  "its deny rule does not follow its other names (free link records, or "
			  "restart with a larger --link-records after lsmguard unload)",
			  r->file, r->line, path, (unsigned long)st->st_nlink,
			  err == E2BIG ? "the link records are full" : strerror(err));
	return err;
}

/* Entries a load looks at beneath one directory deny rule, and beneath all of them: a load stays
 * quick whatever the rules name (a directory rule on a large tree is walked this far, and
 * said), and a service that fills a directory it may write under another policy's rule does
 * not take the walk from the other rules. */
#define LG_LINK_WALK_RULE 20000
#define LG_LINK_WALK_ALL 200000

/*
 * The directory open at at, whose path (len bytes) is in path (PATH_MAX), depth levels below
 * the rule's directory, on device dev: each regular file with other names is recorded, each
 * directory on the same filesystem walked. No symbolic link is followed (O_NOFOLLOW, and the
 * directory opened must be the one looked at: one swapped in between is not walked), no other
 * filesystem entered, nothing past PATH_MAX (a longer path is recorded cut: record_denied_file).
 */
static void link_walk_dir(struct links_refresh *lr, int at, char *path, size_t len, dev_t dev,
			  unsigned depth)
{
	DIR *dir = fdopendir(at);
	struct dirent *e;

	if (!dir) {
		close(at);
		lr->rule_unread++;
		return;
	}
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		struct stat st;
		int err, fd;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (lr->rule_walked >= LG_LINK_WALK_RULE || lr->walked >= LG_LINK_WALK_ALL) {
			lr->rule_stopped = true;
			break;
		}
		lr->rule_walked++;
		lr->walked++;
		if (e->d_type != DT_REG && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		if (len + 1 + n >= PATH_MAX)
			continue; /* no path names it (the kernel's own limit) */
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != dev)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, e->d_name, n + 1);
		if (S_ISREG(st.st_mode) && st.st_nlink >= 2) {
			err = record_denied_file(lr, lr->rule, path, &st);
			if (err) {
				lr->rule_unrecorded++;
				lr->rule_errno = err;
			}
		} else if (S_ISDIR(st.st_mode) && depth < LG_PATH_DEPTH_MAX) {
			struct stat now;

			fd = openat(dirfd(dir), e->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &now) != 0 || now.st_dev != st.st_dev ||
			    now.st_ino != st.st_ino) {
				if (fd >= 0)
					close(fd);
				lr->rule_unread++;
			} else {
				link_walk_dir(lr, fd, path, len + 1 + n, dev, depth + 1);
			}
		}
		path[len] = '\0';
		if (lr->rule_stopped)
			break;
	}
	closedir(dir);
}

/* Walk the directory (real path root) that rule r denies; what could not be done is said with
 * the rule's file and line. Whether the walk saw the whole directory. */
static bool link_walk_rule(struct links_refresh *lr, const struct lg_rule_source *r,
			   const char *root)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	lr->rule = r;
	lr->rule_walked = 0;
	lr->rule_unrecorded = 0;
	lr->rule_unread = 0;
	lr->rule_stopped = false;
	if (lr->walked >= LG_LINK_WALK_ALL) {
		lr->rule_stopped = true;
	} else {
		fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				lr->rule_unread++; /* gone meanwhile: nothing to walk */
		} else if (fstat(fd, &st) != 0 || strlen(root) >= sizeof(path)) {
			close(fd);
			lr->rule_unread++;
		} else {
			snprintf(path, sizeof(path), "%s", strcmp(root, "/") == 0 ? "" : root);
			link_walk_dir(lr, fd, path, strlen(path), st.st_dev, 0);
		}
	}
	if (lr->rule_unrecorded)
		log_warnx("%s:%u: cannot record the original names of %zu files beneath %s that "
			  "have other names: %s; its deny rule does not follow their other names "
			  "(free link records, or restart with a larger --link-records after "
			  "lsmguard unload)",
			  r->file, r->line, lr->rule_unrecorded, root,
			  lr->rule_errno == E2BIG ? "the link records are full (a directory rule's "
						    "walk leaves half the reserve to exact rules)"
						  : strerror(lr->rule_errno));
	if (lr->rule_unread)
		log_warnx("%s:%u: warning: %zu directories beneath %s could not be read, or "
			  "changed while read, at this load: files there that have other names are "
			  "not recorded, and their deny rule does not follow those names",
			  r->file, r->line, lr->rule_unread, root);
	if (lr->rule_stopped)
		log_warnx("%s:%u: warning: the load stopped its walk of %s after %zu entries (at "
			  "most %d for a rule, %d for all rules): files there that have other names "
			  "(hard links made before the load, or moved there with a directory) are not "
			  "recorded, and their deny rule does not follow those names; deny the files "
			  "by exact rules, or narrow the directory rule",
			  r->file, r->line, root, lr->rule_walked, LG_LINK_WALK_RULE,
			  LG_LINK_WALK_ALL);
	return !lr->rule_stopped && !lr->rule_unread;
}

struct walk_root {
	char *root; /* the directory's real path */
	const struct lg_rule_source *rule;
};

static int compare_roots(const void *a, const void *b)
{
	return strcmp(((const struct walk_root *)a)->root, ((const struct walk_root *)b)->root);
}

/* Whether root lies beneath (or is) the directory above. */
static bool root_beneath(const char *root, const char *above)
{
	size_t len = strlen(above);

	return strcmp(above, "/") == 0 ||
	       (strncmp(root, above, len) == 0 && (root[len] == '/' || root[len] == '\0'));
}

/*
 * The directories of directory deny rules (real paths), walked in order of path, each once: one
 * beneath a directory whose walk saw everything on its filesystem is skipped when it is on that
 * filesystem too. A directory under a directory found missing is not looked up (lg_dir_memo).
 */
static void link_walk_rules(struct links_refresh *lr, struct lg_dir_memo *dirs)
{
	const struct lg_compiled *c = lr->c;
	struct walk_root *walk = NULL;
	size_t n = 0, cap = 0;
	const char *whole = NULL; /* the last root walked whole */
	dev_t whole_dev = 0;

	for (size_t i = 0; i < c->rule_count; i++) {
		const struct lg_rule_source *r = &c->rules[i];
		char *real;

		if (!is_directory_denial(r) || lg_dir_memo_missing_above(dirs, r->object))
			continue;
		real = realpath(r->object, NULL);
		if (!real) {
			if (errno == ENOENT || errno == ENOTDIR)
				lg_dir_memo_learn(dirs, r->object);
			continue;
		}
		if (n == cap) {
			size_t more_cap = cap ? cap * 2 : 16;
			struct walk_root *more = realloc(walk, more_cap * sizeof(*walk));

			if (!more) {
				free(real);
				log_warnx("out of memory for the walk of directory deny rules: %s:%u "
					  "and the rules after it are not walked at this load",
					  r->file, r->line);
				break;
			}
			walk = more;
			cap = more_cap;
		}
		walk[n++] = (struct walk_root){.root = real, .rule = r};
	}
	if (n)
		qsort(walk, n, sizeof(*walk), compare_roots);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (whole && root_beneath(walk[i].root, whole) && stat(walk[i].root, &st) == 0 &&
		    st.st_dev == whole_dev)
			continue; /* walked with the one above it */
		if (link_walk_rule(lr, walk[i].rule, walk[i].root) && stat(walk[i].root, &st) == 0) {
			whole = walk[i].root;
			whole_dev = st.st_dev;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(walk[i].root);
	free(walk);
}

/* The link records' map size (its max_entries), or 0. */
static size_t links_capacity(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 ? info.max_entries : 0;
}

/*
 * Link records, before the new bank is written: give every recorded name its hashes for the new
 * bank's seed (the names the kernel or earlier loads recorded then match under it from the
 * switch on). Returns the records counted.
 */
size_t lg_links_rehash(const struct lg_bpf *bpf, const struct lg_compiled *c,
		       const struct lg_config *config)
{
	int fd = bpf->map_fd[LG_MAP_LINKS];
	struct lg_link_value value, before;
	struct lg_inode_key key, next;
	size_t records = 0;
	bool more;

	for (more = bpf_map_get_next_key(fd, NULL, &key) == 0; more; key = next) {
		more = bpf_map_get_next_key(fd, &key, &next) == 0;
		if (bpf_map_lookup_elem(fd, &key, &value))
			continue;
		records++;
		/* A path cut at the record's size (the kernel's record of a longer name) cannot be
		 * hashed again: its hashes for this bank stay the kernel's, right while the bank keeps
		 * its seed (a seed is drawn again only when the compiler finds two rules' hashes
		 * equal). */
		if (value.count[c->bank] && strnlen((const char *)value.path, sizeof(value.path)) >=
						    sizeof(value.path) - 1)
			continue;
		value.path[sizeof(value.path) - 1] = '\0';
		before = value;
		value.count[c->bank] =
			link_hashes((const char *)value.path, config->path_seed[c->bank],
				    value.prefix_hash[c->bank]);
		if (memcmp(&before, &value, sizeof(value)) != 0) /* see update_if_changed */
			bpf_map_update_elem(fd, &key, &value, BPF_EXIST);
	}
	return records;
}

/*
 * Link records, once the new set is in force: record the files that deny rules name and that
 * already have other names (links made before load, or while the records were full, or names a
 * directory's move carried off), records being the count lg_links_rehash found. These go into
 * the reserve beyond the kernel's capacity (LG_LINK_RESERVE), so that a service holding the
 * kernel's share full cannot keep a new deny rule from following a file's other names (attack
 * run 7, 279); the walk of directory rules leaves half of it to exact rules. One that still
 * finds no room is said, and counted in LG_EPOCH_LINKS_RULES_UNRECORDED (status, metrics, the
 * reload's "link_records_full" event).
 *
 * After the switch rather than before it: the walk of a directory rule reads every entry
 * beneath it (a stat each, up to LG_LINK_WALK_ALL), and before the switch it kept the whole new
 * set out of force that long (17.8 ms of a 10,006-rule reload's 47 ms after the compile, for
 * the bench's 2,400 files under one directory rule). No name is less protected for it at any
 * moment: until the switch the old set, which lacks the new rules, was in force at every name;
 * a rule in both sets keeps the records earlier loads made, rehashed above before the switch.
 * When the new bank's seed was drawn again (two rules' 64-bit keyed hashes equal), a record
 * whose text is cut has right hashes only once the walk has found it again (refresh_cut):
 * lg_apply walks before the switch then. Left: a file's denied name that moves from a rule
 * the new set drops to one it adds (record_rule_name) moves once the walk reaches it, so the
 * file's other names are open from the switch until then; the order before had the same
 * window from the move until the switch. Exact rules come first, within milliseconds.
 */
void lg_links_record(const struct lg_bpf *bpf, const struct lg_compiled *c,
		     const struct lg_config *config, size_t records)
{
	struct links_refresh lr = {.c = c, .config = config, .fd = bpf->map_fd[LG_MAP_LINKS],
				   .records = records};
	struct lg_dir_real *dir_real;
	struct lg_dir_memo dirs;
	size_t dirs_named = 0, capacity;

	/* records: counted before the bank was written; what the kernel made since (a few links
	 * in milliseconds) counts only once the map refuses it, as it always did during the walk */
	capacity = links_capacity(lr.fd);
	lr.walk_room = capacity > LG_LINK_RESERVE / 2 ? capacity - LG_LINK_RESERVE / 2 : 0;
	for (size_t i = 0; i < c->rule_count; i++)
		if (c->rules[i].kind == LG_RULE_PATH && c->rules[i].action != LG_ACT_ALLOW)
			for (const char *at = c->rules[i].object; (at = strchr(at, '/')); at++)
				dirs_named++;
	lg_dir_memo_init(&dirs, dirs_named);
	dir_real = calloc(1, sizeof(*dir_real)); /* NULL: each rule's directory looked up alone */
	for (size_t i = 0; i < c->rule_count; i++) {
		const struct lg_rule_source *r = &c->rules[i];
		struct stat st;
		char *real;

		/* Only a denial at the original name changes another name's verdict (deny wins).
		 * A file under a directory found missing is not looked up (lg_dir_memo). */
		if (!is_exact_denial(r) || lg_dir_memo_missing_above(&dirs, r->object))
			continue;
		if (stat(r->object, &st) != 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				lg_dir_memo_learn(&dirs, r->object);
			continue;
		}
		warn_symlink_above(r, dir_real);
		if (!S_ISREG(st.st_mode) || st.st_nlink < 2)
			continue;
		real = realpath(r->object, NULL);
		if (real)
			record_denied_file(&lr, r, real, &st);
		free(real);
	}
	link_walk_rules(&lr, &dirs);
	lg_dir_memo_free(&dirs);
	free(dir_real);
	if (lr.unrecorded) {
		__u32 index = LG_EPOCH_LINKS_RULES_UNRECORDED;
		__u64 total = 0;

		bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &total);
		total += lr.unrecorded;
		bpf_map_update_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &total, BPF_ANY);
	}
}
