// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy files: INI through Debian's libinih (r55: 200-byte line buffer, inline ';' comments,
 * multi-line continuation on, no line numbers in the handler).
 *
 * libinih is driven through ini_parse_stream() with our own reader, which is where the line
 * count lives. The reader also checks each physical line before inih sees it, because inih on
 * its own would silently split a long line into two, accept "[files] junk", treat an indented
 * line as the continuation of the previous value, and report only the first syntax error. A
 * line the reader rejects is recorded with its number and handed to inih as an empty line, so
 * every error of a file is reported in one run.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "policy.h"

enum section_id {
	SEC_NONE = -1,
	SEC_FILES = LG_CLASS_FILE,
	SEC_EXEC = LG_CLASS_EXEC,
	SEC_NETWORK = LG_CLASS_NET,
	SEC_POLICY = 3,
	SEC_SYSTEM = 4,
	SEC_CAPABILITIES = 5,
	SEC_UNKNOWN = 6,
};

static const char *const section_names[] = {
	[SEC_FILES] = "files",
	[SEC_EXEC] = "exec",
	[SEC_NETWORK] = "network",
	[SEC_POLICY] = "policy",
	[SEC_SYSTEM] = "system",
	[SEC_CAPABILITIES] = "capabilities",
};

/* [system] keys: name, values (default first), and the policy flags each value sets (the
 * default: none). */
static const struct {
	const char *name;
	const char *values[4];
	__u32 flags[3]; /* by value */
} system_keys[LG_SYSTEM_KEY_COUNT] = {
	[LG_SYSTEM_DEVICES] = {"devices", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_DEVICES}},
	[LG_SYSTEM_USERNS] = {"userns", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_USERNS}},
	[LG_SYSTEM_BUS] = {"system-bus", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_BUS}},
	[LG_SYSTEM_MOUNT] = {"mount",
			     {"deny", "namespace", "allow", NULL},
			     {0, LG_POLICY_SYSTEM_MOUNT_NAMESPACE, LG_POLICY_SYSTEM_MOUNT_ALLOW}},
	[LG_SYSTEM_CGROUPS] = {"cgroups",
			       {"deny", "delegate", NULL},
			       {0, LG_POLICY_SYSTEM_CGROUPS_DELEGATE}},
	[LG_SYSTEM_HOST_CODE] = {"host-code", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_HOST_CODE}},
	[LG_SYSTEM_KERNEL_SETTINGS] = {"kernel-settings",
				       {"deny", "allow", NULL},
				       {0, LG_POLICY_SYSTEM_KERNEL_SETTINGS}},
	[LG_SYSTEM_CLOCK] = {"clock", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_CLOCK}},
	[LG_SYSTEM_RAW_DISKS] = {"raw-disks", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_RAW_DISKS}},
	[LG_SYSTEM_SIGNAL_OTHERS] = {"signal-others",
				     {"deny", "allow", NULL},
				     {0, LG_POLICY_SYSTEM_SIGNAL_OTHERS}},
	[LG_SYSTEM_MODULE_AUTOLOAD] = {"module-autoload",
				       {"deny", "allow", NULL},
				       {0, LG_POLICY_SYSTEM_MODULE_AUTOLOAD}},
	[LG_SYSTEM_IPC_OTHERS] = {"ipc-others", {"deny", "allow", NULL}, {0, LG_POLICY_SYSTEM_IPC_OTHERS}},
};

const char *lg_system_key_name(enum lg_system_key key)
{
	return (unsigned)key < LG_SYSTEM_KEY_COUNT ? system_keys[key].name : "?";
}

const char *const *lg_system_values(enum lg_system_key key)
{
	return (unsigned)key < LG_SYSTEM_KEY_COUNT ? system_keys[key].values : NULL;
}

__u32 lg_system_policy_flags(const struct lg_system *system)
{
	__u32 flags = 0;

	for (int k = 0; k < LG_SYSTEM_KEY_COUNT; k++)
		flags |= system_keys[k].flags[system->key[k].value];
	return flags;
}

/*
 * Rules already seen, by what they match: finds duplicates and conflicts in O(1) per rule.
 * Slots hold (class, index + 1); the caller compares the rules a hash hit points to.
 */
struct seen_slot {
	__u64 hash;
	__u32 class;
	__u32 index_plus_one;
};

struct seen_table {
	struct seen_slot *slots;
	size_t cap, count;
};

struct parse_state {
	const char *file;
	FILE *stream;
	unsigned flags;
	struct lg_policy *policy;
	struct lg_diag *diag;
	unsigned line;
	enum section_id section;
	char *raw;      /* current physical line, for the reader */
	size_t raw_cap;
	size_t path_cap[2], net_cap;
	struct seen_table seen;
	int read_errno; /* getline failed for another reason than the end of the file */
	bool nomem;     /* an allocation failed: the file is reported as out of memory */
	/* [policy]'s keys given, valid or not: a missing one is reported with the others'
	 * errors, an invalid one only once (as invalid, not also as missing) */
	bool name_given, cgroup_given, mode_given;
};

#define ERROR(st, ...) lg_diag_add((st)->diag, LG_SEV_ERROR, (st)->file, (st)->line, __VA_ARGS__)
#define WARN(st, ...) lg_diag_add((st)->diag, LG_SEV_WARNING, (st)->file, (st)->line, __VA_ARGS__)

/* Levenshtein distance, for "did you mean". Inputs are short keys. */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[64], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static void suggest(char *buf, size_t size, const char *word, const char *const *choices)
{
	unsigned best = 3;

	buf[0] = '\0';
	for (; *choices; choices++) {
		size_t wl = strlen(word), cl = strlen(*choices);
		unsigned d = edit_distance(word, *choices);

		/* "enforcing" for "enforce": a longer or shorter form of the same word. */
		if (d >= 3 && wl >= 4 && cl >= 4 &&
		    strncmp(word, *choices, (wl < cl ? wl : cl) - 1) == 0)
			d = 2;

		if (d < best) {
			best = d;
			snprintf(buf, size, " (did you mean '%s'?)", *choices);
		}
	}
}

static enum section_id section_lookup(const char *name)
{
	for (int i = 0; i < (int)(sizeof(section_names) / sizeof(section_names[0])); i++)
		if (section_names[i] && strcmp(name, section_names[i]) == 0)
			return (enum section_id)i;
	return SEC_UNKNOWN;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* Same rule as inih: ';' starts a comment at the line start or after whitespace. */
static char *strip_inline_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == ';' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	return trim(s);
}

/*
 * Validate one physical line (already without BOM and line terminator). Returns false when the
 * line is wrong; the message has been recorded.
 */
static bool check_line(struct parse_state *st, char *line)
{
	char copy[512], *s, *eq;

	lg_strcopy(copy, sizeof(copy), line);
	s = trim(copy);
	if (!*s || *s == ';' || *s == '#')
		return true;
	if (*s == '[') {
		char *close = strchr(s, ']');
		enum section_id id;
		char name[128], hint[64];

		if (!close) {
			ERROR(st, "section header '%s' lacks its closing ']'", s);
			return false;
		}
		if (*strip_inline_comment(close + 1)) {
			ERROR(st, "unexpected text after the section header ']'");
			return false;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(close - s - 1), s + 1);
		id = section_lookup(trim(name));
		if (id == SEC_UNKNOWN) {
			static const char *const names[] = {"policy", "files", "exec", "network",
							    "system", "capabilities", NULL};

			suggest(hint, sizeof(hint), trim(name), names);
			ERROR(st, "unknown section [%s]%s; sections are [policy], [files], [exec], "
				  "[network], [system] and [capabilities]",
			      trim(name), hint);
		} else if (id == SEC_POLICY	    ? st->policy->policy_line
			   : id == SEC_SYSTEM	    ? st->policy->system.present
			   : id == SEC_CAPABILITIES ? st->policy->capabilities.present
						    : st->policy->section[id].present) {
			unsigned first = id == SEC_POLICY	? st->policy->policy_line
					 : id == SEC_SYSTEM	? st->policy->system.line
					 : id == SEC_CAPABILITIES ? st->policy->capabilities.line
								  : st->policy->section[id].line;

			ERROR(st, "section [%s] appears twice (first at line %u); merge the two", name,
			      first);
			id = SEC_UNKNOWN;
		} else if (id == SEC_POLICY) {
			st->policy->policy_line = st->line;
		} else if (id == SEC_SYSTEM) {
			st->policy->system.present = true;
			st->policy->system.line = st->line;
		} else if (id == SEC_CAPABILITIES) {
			st->policy->capabilities.present = true;
			st->policy->capabilities.line = st->line;
		} else {
			st->policy->section[id].present = true;
			st->policy->section[id].line = st->line;
		}
		st->section = id;
		return true;
	}
	eq = strchr(s, '=');
	if (!eq || memchr(s, ':', (size_t)(eq - s))) {
		ERROR(st, "expected 'key = value', found '%.60s'", s);
		return false;
	}
	*eq = '\0';
	if (!*trim(s)) {
		ERROR(st, "missing key before '='");
		return false;
	}
	return true;
}

/*
 * inih's reader: one physical line per call, checked, and cleaned to what inih should see.
 * num is inih's buffer size; a longer line is an error, never silently split.
 */
static char *policy_reader(char *str, int num, void *user)
{
	struct parse_state *st = user;
	ssize_t len;
	char *line;

	errno = 0;
	len = getline(&st->raw, &st->raw_cap, st->stream);
	if (len < 0) {
		if (!feof(st->stream))
			st->read_errno = errno ? errno : EIO;
		return NULL;
	}
	st->line++;
	line = st->raw;
	if (memchr(line, '\0', (size_t)len)) {
		ERROR(st, "line contains a NUL byte; policy files are text");
		goto out_empty;
	}
	if (st->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		line += 3;
		len -= 3;
	}
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len >= num) {
		ERROR(st, "line is %zd characters long; the limit is %d (libinih's line buffer): "
			  "shorten the path or cover it with a directory rule",
		      len, num - 1);
		goto out_empty;
	}
	while (*line == ' ' || *line == '\t')
		line++; /* indentation is harmless: never let inih read a continuation line */
	if (!check_line(st, line))
		goto out_empty;
	lg_strcopy(str, (size_t)num, line);
	return str;

out_empty:
	str[0] = '\0';
	return str;
}

/* The array with room for one more; NULL (array unchanged, cap too) when memory ran out. */
static void *grow(void *array, size_t *cap, size_t count, size_t elem)
{
	size_t bigger_cap = *cap ? *cap * 2 : 16;
	void *bigger;

	if (count < *cap)
		return array;
	bigger = realloc(array, bigger_cap * elem);
	if (bigger)
		*cap = bigger_cap;
	return bigger;
}

static int parse_action(const char *key, enum lg_action *action)
{
	if (strcmp(key, "allow") == 0)
		*action = LG_ACT_ALLOW;
	else if (strcmp(key, "allow-read") == 0)
		*action = LG_ACT_ALLOW_READ;
	else if (strcmp(key, "deny") == 0)
		*action = LG_ACT_DENY;
	else
		return -EINVAL;
	return 0;
}

static bool set_string(struct parse_state *st, const char *key, char **field, unsigned *line,
		       const char *value)
{
	if (*field) {
		ERROR(st, "'%s' is set twice in [policy] (first at line %u)", key, *line);
		return false;
	}
	*field = strdup(value);
	*line = st->line;
	if (!*field)
		st->nomem = true;
	return *field != NULL;
}

static bool valid_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 63)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '.' && *p != '_' && *p != '-')
			return false;
	return name[0] != '.' && name[0] != '-';
}

static int handle_policy_key(struct parse_state *st, const char *key, const char *value)
{
	struct lg_policy *p = st->policy;
	char err[256], hint[64];

	if (strcmp(key, "name") == 0) {
		st->name_given = true;
		if (!set_string(st, key, &p->name, &p->name_line, value))
			return 0;
		if (!valid_name(value)) {
			ERROR(st, "policy name '%s' is invalid; use 1 to 63 letters, digits, '.', '_' "
				  "or '-', not starting with '.' or '-'",
			      value);
			return 0;
		}
		if (!(st->flags & LG_PARSE_BUILTIN) &&
		    strncmp(value, LG_RESERVED_PREFIX, strlen(LG_RESERVED_PREFIX)) == 0) {
			ERROR(st, "policy name '%s' is reserved: names starting with '%s' are "
				  "lsmguard's own",
			      value, LG_RESERVED_PREFIX);
			return 0;
		}
	} else if (strcmp(key, "cgroup") == 0 || strcmp(key, "unit") == 0) {
		char *cgroup = NULL;
		int err_code;

		st->cgroup_given = true;
		if (p->cgroup) {
			ERROR(st, "'%s' given, but the cgroup is already set at line %u; a policy has "
				  "one cgroup or one unit",
			      key, p->cgroup_line);
			return 0;
		}
		if (key[0] == 'c') {
			err_code = lg_parse_cgroup(value, &cgroup, err, sizeof(err));
		} else {
			err_code = lg_unit_to_cgroup(value, &cgroup, err, sizeof(err));
			if (!err_code) {
				p->unit = strdup(value);
				if (!p->unit)
					err_code = -ENOMEM;
			}
		}
		if (err_code == -ENOMEM) {
			free(cgroup);
			st->nomem = true;
			return 0;
		}
		if (err_code) {
			ERROR(st, "%s", err);
			return 0;
		}
		p->cgroup = cgroup;
		p->cgroup_line = st->line;
	} else if (strcmp(key, "slice") == 0) {
		if (p->slice_line) {
			ERROR(st, "'slice' is set twice in [policy] (first at line %u)", p->slice_line);
			return 0;
		}
		p->slice = strdup(value);
		if (!p->slice) {
			st->nomem = true;
			return 0;
		}
		p->slice_line = st->line;
	} else if (strcmp(key, "mode") == 0) {
		st->mode_given = true;
		if (p->mode_line) {
			ERROR(st, "'mode' is set twice in [policy] (first at line %u)", p->mode_line);
			return 0;
		}
		if (strcmp(value, "enforce") == 0) {
			p->mode = LG_MODE_ENFORCE;
		} else if (strcmp(value, "audit") == 0) {
			p->mode = LG_MODE_AUDIT;
		} else {
			static const char *const modes[] = {"enforce", "audit", NULL};

			suggest(hint, sizeof(hint), value, modes);
			ERROR(st, "mode '%s' is invalid%s; write enforce or audit", value, hint);
			return 0;
		}
		p->mode_line = st->line;
	} else {
		static const char *const keys[] = {"name", "cgroup", "unit", "slice", "mode", NULL};

		suggest(hint, sizeof(hint), key, keys);
		ERROR(st, "unknown key '%s' in [policy]%s; keys are name, cgroup, unit, slice and mode",
		      key, hint);
		return 0;
	}
	return 1;
}

/* A key set at most once per section to allow or deny: default, and [exec] anonymous. */
static int handle_allow_deny(struct parse_state *st, enum lg_class class, const char *key,
			     const char *value, bool *set, enum lg_action *action, unsigned *line)
{
	if (*set) {
		ERROR(st, "'%s' is set twice in [%s] (first at line %u)", key, lg_class_name(class),
		      *line);
		return 0;
	}
	if (strcmp(value, "allow") == 0) {
		*action = LG_ACT_ALLOW;
	} else if (strcmp(value, "deny") == 0) {
		*action = LG_ACT_DENY;
	} else {
		ERROR(st, "%s '%s' in [%s] is invalid; write allow or deny", key, value,
		      lg_class_name(class));
		return 0;
	}
	*set = true;
	*line = st->line;
	return 1;
}

static bool seen_grow(struct seen_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct seen_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		struct seen_slot *old = &t->slots[i];
		size_t j = old->hash & (cap - 1);

		if (!old->index_plus_one)
			continue;
		while (slots[j].index_plus_one)
			j = (j + 1) & (cap - 1);
		slots[j] = *old;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return true;
}

/*
 * Look up a rule by the hash of what it matches; same() confirms a candidate. Returns the index
 * of the earlier rule, -1 after recording this one as index, or -2 when memory ran out.
 */
static long seen_check(struct seen_table *t, __u64 hash, __u32 class, size_t index,
		       bool (*same)(const struct lg_policy *, __u32, size_t, size_t),
		       const struct lg_policy *p)
{
	size_t j;

	if ((t->count + 1) * 2 > t->cap && !seen_grow(t))
		return -2;
	for (j = hash & (t->cap - 1); t->slots[j].index_plus_one; j = (j + 1) & (t->cap - 1)) {
		const struct seen_slot *s = &t->slots[j];

		if (s->hash == hash && s->class == class && same(p, class, s->index_plus_one - 1, index))
			return (long)(s->index_plus_one - 1);
	}
	t->slots[j] = (struct seen_slot){.hash = hash, .class = class, .index_plus_one = (__u32)index + 1};
	t->count++;
	return -1;
}

static bool same_path(const struct lg_policy *p, __u32 class, size_t a, size_t b)
{
	const struct lg_path_rule *x = &p->paths[class][a], *y = &p->paths[class][b];

	return x->subtree == y->subtree && strcmp(x->path, y->path) == 0;
}

static bool same_net(const struct lg_policy *p, __u32 class, size_t a, size_t b)
{
	const struct lg_net_rule *x = &p->nets[a], *y = &p->nets[b];

	(void)class;
	return x->family == y->family && x->prefix == y->prefix && memcmp(x->addr, y->addr, 16) == 0 &&
	       x->protocols == y->protocols && x->port_lo == y->port_lo && x->port_hi == y->port_hi &&
	       x->name_len == y->name_len && x->name_prefix == y->name_prefix &&
	       memcmp(x->name, y->name, x->name_len) == 0 &&
	       x->listen == y->listen;
}

int lg_path_through_symlink(const char *path, char *real, size_t size, struct lg_dir_real *memo)
{
	struct lg_dir_real own = {.known = false};
	const char *slash = strrchr(path, '/');
	size_t dir_len;

	if (!memo)
		memo = &own;
	if (strncmp(path, "/proc/", 6) == 0 || !slash || slash == path)
		return 0; /* /proc/self and its kin mean each task's own: see proc_warnings */
	dir_len = (size_t)(slash - path);
	if (dir_len >= sizeof(memo->dir))
		return -ENAMETOOLONG;
	if (!memo->known || strlen(memo->dir) != dir_len || memcmp(memo->dir, path, dir_len) != 0) {
		memcpy(memo->dir, path, dir_len);
		memo->dir[dir_len] = '\0';
		memo->known = false;
		if (!realpath(memo->dir, memo->real))
			return -errno;
		memo->known = true;
	}
	if (strcmp(memo->real, memo->dir) == 0)
		return 0;
	if ((size_t)snprintf(real, size, "%s%s", memo->real, slash) >= size)
		return -ENAMETOOLONG;
	return 1;
}

/* A directory above the path leads through a symbolic link: the rule never matches there. */
static void symlink_above_warning(struct parse_state *st, const char *path)
{
	char real[PATH_MAX];
	int ret = lg_path_through_symlink(path, real, sizeof(real), NULL);

	if (ret == -ENOMEM)
		st->nomem = true;
	if (ret == 1)
		WARN(st, LG_SYMLINK_ABOVE_FMT, path, real);
}

static void stat_warnings(struct parse_state *st, const struct lg_path_rule *rule, const char *text)
{
	struct stat sb, lsb;
	const char *path = rule->path[0] ? rule->path : "/";

	if (!(st->flags & LG_PARSE_STAT_PATHS) || stat(path, &sb) != 0)
		return;
	if (!rule->subtree && S_ISDIR(sb.st_mode))
		WARN(st, "'%s' is a directory: this rule covers the directory itself only; write "
			 "'%s/' to cover everything beneath it",
		     text, text);
	else if (rule->subtree && !S_ISDIR(sb.st_mode))
		WARN(st, "'%s' is not a directory; write '%s' to name the file", text, rule->path);
	if (strcmp(path, "/proc/self") == 0 || strncmp(path, "/proc/self/", 11) == 0)
		return; /* each task's own /proc/PID: the link is what the rule means */
	if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
		char target[4096];
		char *real = realpath(path, NULL);

		if (!real && errno == ENOMEM)
			st->nomem = true;
		snprintf(target, sizeof(target), "%s", real ? real : "?");
		free(real);
		WARN(st, "'%s' is a symbolic link; rules match the object it leads to, so this rule "
			 "protects '%s'",
		     rule->path, target);
		return;
	}
	symlink_above_warning(st, path);
}

/* Per-process names in /proc that a rule can name but no task's path ever has. */
static void proc_warnings(struct parse_state *st, const struct lg_path_rule *rule, const char *text)
{
	const char *rest = rule->path;
	size_t digits = 0;

	if (strncmp(rest, "/proc/", 6) != 0)
		return;
	rest += 6;
	if (strncmp(rest, "thread-self", 11) == 0 && (rest[11] == 0 || rest[11] == '/')) {
		WARN(st, "'%s' never matches: the kernel names a thread's own directory "
			 "/proc/PID/task/TID; write /proc/self/ (the task's own process) instead",
		     text);
		return;
	}
	while (rest[digits] >= '0' && rest[digits] <= '9')
		digits++;
	if (digits && (rest[digits] == 0 || rest[digits] == '/'))
		WARN(st, "'%s' names one process by its number, which changes from start to start; "
			 "write /proc/self/ for each task's own directory",
		     text);
}

static int handle_path_rule(struct parse_state *st, enum lg_class class, enum lg_action action,
			    const char *value)
{
	struct lg_policy *p = st->policy;
	struct lg_path_rule rule = {.action = action, .line = st->line}, *rules;
	char err[512];
	long earlier;
	__u64 hash;
	int ret;

	ret = lg_parse_path(value, &rule.path, &rule.subtree, err, sizeof(err));
	if (ret == -ENOMEM) {
		st->nomem = true;
		return 0;
	}
	if (ret) {
		ERROR(st, "%s", err);
		return 0;
	}
	if (strchr(value, ' '))
		WARN(st, "path '%s' contains a space; each rule takes exactly one path (write one "
			 "rule per line)",
		     value);
	proc_warnings(st, &rule, value);
	stat_warnings(st, &rule, value);
	rules = grow(p->paths[class], &st->path_cap[class], p->path_count[class], sizeof(rule));
	if (!rules) {
		free(rule.path);
		st->nomem = true;
		return 0;
	}
	p->paths[class] = rules;
	rules[p->path_count[class]] = rule;
	hash = lg_hash_bytes(lg_path_hash(rule.subtree, rule.path), &class, sizeof(class));
	earlier = seen_check(&st->seen, hash, class, p->path_count[class], same_path, p);
	p->path_count[class]++;
	if (earlier == -2)
		st->nomem = true;
	if (earlier >= 0) {
		const struct lg_path_rule *other = &rules[earlier];

		if (other->action == action)
			WARN(st, "duplicate rule: '%s' is already %s at line %u", value,
			     lg_action_name(action), other->line);
		else
			WARN(st, "'%s' is %s here and %s at line %u; the more restrictive one wins",
			     value, lg_action_name(action), lg_action_name(other->action), other->line);
	}
	return 1;
}

static int handle_net_rule(struct parse_state *st, enum lg_action action, const char *value,
			   bool listen)
{
	struct lg_policy *p = st->policy;
	struct lg_net_rule rule, *rules;
	char err[512];
	long earlier;
	__u64 hash;

	if ((listen ? lg_parse_listen : lg_parse_net)(value, &rule, err, sizeof(err))) {
		ERROR(st, "%s", err);
		return 0;
	}
	rule.action = action;
	rule.line = st->line;
	/* The unspecified address as a whole prefix: nothing is ever decided at it (a listen
	 * rule's 0.0.0.0 or :: is the wildcard bind, a local address like any other). */
	if (!listen &&
	    ((rule.family == 4 && rule.prefix == 32) || (rule.family == 6 && rule.prefix == 128))) {
		bool zero = true;

		for (int i = 0; i < 16; i++)
			zero &= rule.addr[i] == 0;
		if (zero)
			WARN(st, "'%s' matches nothing: a connection or datagram to %s is decided at "
				 "the address the kernel sends it to (%s); name that address",
			     value, rule.family == 4 ? "0.0.0.0" : "::",
			     rule.family == 4 ? "127.0.0.1, or the socket's source address" : "::1");
	}
	rules = grow(p->nets, &st->net_cap, p->net_count, sizeof(rule));
	if (!rules) {
		st->nomem = true;
		return 0;
	}
	p->nets = rules;
	rules[p->net_count] = rule;
	hash = lg_hash_bytes(lg_hash_init(0), &rule.family, 1);
	hash = lg_hash_bytes(hash, rule.addr, sizeof(rule.addr));
	hash = lg_hash_bytes(hash, &rule.prefix, 1);
	hash = lg_hash_bytes(hash, &rule.protocols, 1);
	hash = lg_hash_bytes(hash, &rule.port_lo, 2);
	hash = lg_hash_bytes(hash, &rule.port_hi, 2);
	hash = lg_hash_bytes(hash, rule.name, rule.name_len);
	hash = lg_hash_bytes(hash, &rule.name_prefix, 1);
	hash = lg_hash_bytes(hash, &rule.listen, 1);
	earlier = seen_check(&st->seen, hash, LG_CLASS_NET, p->net_count, same_net, p);
	p->net_count++;
	if (earlier == -2)
		st->nomem = true;
	if (earlier >= 0) {
		const struct lg_net_rule *o = &rules[earlier];

		if (o->action == action)
			WARN(st, "duplicate rule: '%s' is already %s at line %u", value,
			     lg_action_name(action), o->line);
		else
			WARN(st, "'%s' is %s here and %s at line %u; deny wins", value,
			     lg_action_name(action), lg_action_name(o->action), o->line);
	}
	return 1;
}

/*
 * [network] sockets = WORD...: families (unix, inet, inet6, netlink, packet...), netlink
 * protocols (netlink-route...), inet protocols beyond TCP, UDP and ping (raw, sctp, udplite, dccp,
 * l2tp, inet-other) or all. Lines add up.
 */
static int handle_sockets(struct parse_state *st, const char *value)
{
	struct lg_policy *p = st->policy;
	char word[64], hint[64];
	const char *at = value;
	int ok = 1;

	while (*at) {
		size_t len = strcspn(at, " \t");

		if (!len) {
			at++;
			continue;
		}
		snprintf(word, sizeof(word), "%.*s", (int)(len < sizeof(word) ? len : sizeof(word) - 1),
			 at);
		if (lg_sockets_add_word(&p->sockets, word)) {
			const char *words[LG_SOCKET_FAMILY_MAX + 40];
			char storage[LG_SOCKET_FAMILY_MAX + 40][32];
			size_t n = lg_sockets_words(words, storage, sizeof(words) / sizeof(words[0]) - 1);

			words[n] = NULL;
			suggest(hint, sizeof(hint), word, words);
			ERROR(st, "unknown socket '%s' in 'sockets'%s; write families (unix inet inet6 "
				  "netlink packet...), netlink-PROTOCOL, inet protocols (raw sctp udplite "
				  "dccp l2tp inet-other) or all",
			      word, hint);
			ok = 0;
		}
		at += len;
	}
	if (!p->sockets_line)
		p->sockets_line = st->line;
	return ok;
}

static int handle_rule_key(struct parse_state *st, enum lg_class class, const char *key,
			   const char *value)
{
	static const char *const keys[] = {"default", "allow", "allow-read", "deny", "anonymous",
					   "sockets", "listen", "deny-listen", NULL};
	enum lg_action action;
	char hint[64];

	struct lg_section *sec = &st->policy->section[class];

	if (strcmp(key, "default") == 0)
		return handle_allow_deny(st, class, key, value, &sec->default_set,
					 &sec->default_action, &sec->default_line);
	if (strcmp(key, "sockets") == 0) {
		if (class == LG_CLASS_NET)
			return handle_sockets(st, value);
		ERROR(st, "'sockets' is only valid in [network]");
		return 0;
	}
	if (strcmp(key, "anonymous") == 0) {
		if (class == LG_CLASS_EXEC)
			return handle_allow_deny(st, class, key, value, &sec->anonymous_set,
						 &sec->anonymous_action, &sec->anonymous_line);
		ERROR(st, "'anonymous' is only valid in [exec]");
		return 0;
	}
	if (strcmp(key, "listen") == 0 || strcmp(key, "deny-listen") == 0) {
		if (class == LG_CLASS_NET)
			return handle_net_rule(st, key[0] == 'l' ? LG_ACT_ALLOW : LG_ACT_DENY, value,
					       true);
		ERROR(st, "'%s' is only valid in [network]", key);
		return 0;
	}
	if (parse_action(key, &action)) {
		suggest(hint, sizeof(hint), key, keys);
		ERROR(st, "unknown key '%s' in [%s]%s; keys are default, allow, %sdeny%s", key,
		      lg_class_name(class), hint, class == LG_CLASS_FILE ? "allow-read, " : "",
		      class == LG_CLASS_EXEC	? ", anonymous"
		      : class == LG_CLASS_NET ? ", sockets, listen, deny-listen"
					      : "");
		return 0;
	}
	if (action == LG_ACT_ALLOW_READ && class != LG_CLASS_FILE) {
		ERROR(st, "'allow-read' is only valid in [files]; write allow or deny");
		return 0;
	}
	if (class == LG_CLASS_NET)
		return handle_net_rule(st, action, value, false);
	return handle_path_rule(st, class, action, value);
}

static int handle_system_key(struct parse_state *st, const char *key, const char *value)
{
	const char *names[LG_SYSTEM_KEY_COUNT + 1];
	struct lg_system_setting *setting;
	const char *const *values;
	char hint[64], list[256];
	int k, v;

	for (k = 0; k < LG_SYSTEM_KEY_COUNT; k++) {
		names[k] = system_keys[k].name;
		if (strcmp(key, system_keys[k].name) == 0)
			break;
	}
	if (k == LG_SYSTEM_KEY_COUNT) {
		size_t off = 0;

		names[k] = NULL;
		list[0] = '\0';
		for (int i = 0; i < LG_SYSTEM_KEY_COUNT && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						i ? ", " : "", names[i]);
		suggest(hint, sizeof(hint), key, names);
		ERROR(st, "unknown key '%s' in [system]%s; keys are %s", key, hint, list);
		return 0;
	}
	setting = &st->policy->system.key[k];
	if (setting->set) {
		ERROR(st, "'%s' is set twice in [system] (first at line %u)", key, setting->line);
		return 0;
	}
	values = system_keys[k].values;
	for (v = 0; values[v]; v++)
		if (strcmp(value, values[v]) == 0)
			break;
	if (!values[v]) {
		size_t off = 0;

		list[0] = '\0';
		for (int i = 0; values[i] && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						i ? (values[i + 1] ? ", " : " or ") : "", values[i]);
		suggest(hint, sizeof(hint), value, values);
		ERROR(st, "%s '%s' in [system] is invalid%s; write %s", key, value, hint, list);
		return 0;
	}
	setting->set = true;
	setting->value = (unsigned)v;
	setting->line = st->line;
	return 1;
}

/*
 * [capabilities] keep = NAME[, NAME...]: CAP_NET_BIND_SERVICE or net_bind_service, any case,
 * separated by commas or blanks; the key may repeat. Each name is an error of its own.
 */
static int handle_capabilities_key(struct parse_state *st, const char *key, const char *value)
{
	struct lg_capabilities *caps = &st->policy->capabilities;
	char list[512], *save = NULL;
	bool ok = true;

	if (strcmp(key, "keep") != 0) {
		ERROR(st, "unknown key '%s' in [capabilities]; write keep = CAP_NAME, CAP_NAME... "
			  "(the capabilities the service keeps; an empty section keeps none)",
		      key);
		return 0;
	}
	lg_strcopy(list, sizeof(list), value);
	for (char *name = strtok_r(list, ", \t", &save); name; name = strtok_r(NULL, ", \t", &save)) {
		int cap = lg_capability_from_name(name);

		if (cap < 0) {
			const char *names[LG_CAP_COUNT + 1];
			char upper[64], hint[64];
			size_t i = 0, skip = strncasecmp(name, "CAP_", 4) == 0 ? 4 : 0;

			memcpy(upper, "CAP_", 4);
			for (i = 4; i < sizeof(upper) - 1 && name[skip + i - 4]; i++)
				upper[i] = (char)toupper((unsigned char)name[skip + i - 4]);
			upper[i] = '\0';
			for (int c = 0; c < LG_CAP_COUNT; c++)
				names[c] = lg_capability_name((unsigned)c);
			names[LG_CAP_COUNT] = NULL;
			suggest(hint, sizeof(hint), upper, names);
			ERROR(st, "unknown capability '%s' in [capabilities]%s; write a name of "
				  "capabilities(7) such as CAP_NET_BIND_SERVICE (or net_bind_service), "
				  "CAP_CHOWN .. CAP_CHECKPOINT_RESTORE",
			      name, hint);
			ok = false;
			continue;
		}
		if (caps->keep & (1ULL << cap)) {
			ERROR(st, "%s is kept twice in [capabilities] (first at line %u); remove one",
			      lg_capability_name((unsigned)cap), caps->keep_line[cap]);
			ok = false;
			continue;
		}
		caps->keep |= 1ULL << cap;
		caps->keep_line[cap] = st->line;
	}
	return ok;
}

static int policy_handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse_state *st = user;
	(void)section; /* tracked by the reader, which also sees rejected and duplicate headers */

	if (st->section == SEC_UNKNOWN)
		return 1; /* the header was reported; don't repeat it for every key */
	if (st->section == SEC_NONE) {
		ERROR(st, "'%s' is outside any section; put it under [policy], [files], [exec], "
			  "[network] or [system]",
		      key);
		return 0;
	}
	if (!*value) {
		ERROR(st, "'%s' has no value", key);
		return 0;
	}
	if (st->section == SEC_POLICY)
		return handle_policy_key(st, key, value);
	if (st->section == SEC_SYSTEM)
		return handle_system_key(st, key, value);
	if (st->section == SEC_CAPABILITIES)
		return handle_capabilities_key(st, key, value);
	return handle_rule_key(st, (enum lg_class)st->section, key, value);
}

/* What [policy] must have, checked whatever else is wrong with the file (every error of a
 * file in one run): false when the section itself is missing. */
static bool check_policy_keys(struct parse_state *st)
{
	struct lg_policy *p = st->policy;

	st->line = 0;
	if (!p->policy_line) {
		ERROR(st, "missing [policy] section; every policy file starts with [policy] naming "
			  "its name, cgroup (or unit) and mode");
		return false;
	}
	st->line = p->policy_line;
	if (!st->name_given)
		ERROR(st, "[policy] has no 'name'; add name = SERVICE");
	if (!st->cgroup_given)
		ERROR(st, "[policy] has neither 'cgroup' nor 'unit'; add unit = SERVICE.service or "
			  "cgroup = /PATH");
	if (!st->mode_given)
		ERROR(st, "[policy] has no 'mode'; add mode = audit to log only, or mode = enforce");
	return true;
}

/* Checks of the whole file, after the last line, once every line was read without error. */
static void check_policy(struct parse_state *st)
{
	struct lg_policy *p = st->policy;

	st->line = p->policy_line;
	if (p->slice_line) {
		char err[512], *cgroup = NULL;
		int ret;

		st->line = p->slice_line;
		if (!p->unit) {
			ERROR(st, "'slice' goes with 'unit' (the unit's slice); with 'cgroup' write the "
				  "whole path instead");
		} else if ((ret = lg_unit_in_slice(p->unit, p->slice, &cgroup, err, sizeof(err)))) {
			if (ret == -ENOMEM)
				st->nomem = true;
			else
				ERROR(st, "%s", err);
		} else {
			free(p->cgroup);
			p->cgroup = cgroup;
		}
		st->line = p->policy_line;
	}
	if (p->sockets_line && p->sockets.inet &&
	    !(p->sockets.families & ((1ULL << 2) | (1ULL << 10)))) {
		st->line = p->sockets_line;
		ERROR(st, "'sockets' names inet protocols (raw, sctp, udplite, dccp, l2tp, inet-other) "
			  "but neither inet nor inet6; add the family they are for (sockets = inet "
			  "raw)");
	}
	for (int c = 0; c < LG_CLASS_COUNT; c++) {
		const struct lg_section *sec = &p->section[c];
		size_t allows = 0, others = 0;

		if (!sec->present || sec->default_set)
			continue;
		if (c == LG_CLASS_NET) {
			for (size_t i = 0; i < p->net_count; i++)
				p->nets[i].action == LG_ACT_ALLOW ? allows++ : others++;
		} else {
			for (size_t i = 0; i < p->path_count[c]; i++)
				p->paths[c][i].action == LG_ACT_ALLOW ? allows++ : others++;
		}
		if (allows && !others) {
			st->line = sec->line;
			WARN(st, "[%s] has only allow rules and no 'default', which is allow: the "
				 "rules change nothing; add default = deny (or default = allow to "
				 "silence this)",
			     lg_class_name((enum lg_class)c));
		}
	}
}

int lg_policy_parse(const char *name, FILE *stream, unsigned flags, struct lg_policy **out,
		    struct lg_diag *diag)
{
	struct parse_state st = {
		.file = name,
		.stream = stream,
		.flags = flags,
		.diag = diag,
		.section = SEC_NONE,
	};
	unsigned errors_before = diag->errors, lost_before = diag->lost;
	int ret;

	*out = NULL;
	st.policy = calloc(1, sizeof(*st.policy));
	if (!st.policy)
		goto out_nomem;
	st.policy->file = strdup(name);
	if (!st.policy->file)
		goto out_nomem;
	ret = ini_parse_stream(policy_reader, &st, policy_handler, &st);
	free(st.raw);
	free(st.seen.slots);
	if (ret == -2 || st.read_errno == ENOMEM)
		st.nomem = true; /* -2: inih could not allocate its line buffer */
	/*
	 * Out of memory: what was read is incomplete, so neither inih's code nor the whole-file
	 * checks below mean anything; say what happened instead of inventing a syntax error.
	 */
	if (st.nomem || diag->lost != lost_before)
		goto out_nomem;
	if (ret != 0 && diag->errors == errors_before) {
		/* Every error should have been recorded above; never let one pass unreported. */
		st.line = ret > 0 ? (unsigned)ret : 0;
		ERROR(&st, "the INI parser rejected this file (code %d)", ret);
	}
	if (st.read_errno || ferror(stream)) {
		st.line = 0;
		ERROR(&st, "read error: %s", strerror(st.read_errno ? st.read_errno : EIO));
	}
	if (check_policy_keys(&st) && diag->errors == errors_before)
		check_policy(&st);
	if (st.nomem || diag->lost != lost_before)
		goto out_nomem;
	if (diag->errors != errors_before) {
		if (flags & LG_PARSE_KEEP_REFUSED)
			*out = st.policy; /* the caller's, for the checks across files */
		else
			lg_policy_free(st.policy);
		return -EINVAL;
	}
	*out = st.policy;
	return 0;

out_nomem:
	lg_policy_free(st.policy);
	lg_diag_out_of_memory(diag, name);
	return -ENOMEM;
}

int lg_policy_parse_buffer(const char *name, const char *buf, size_t len, unsigned flags,
			   struct lg_policy **out, struct lg_diag *diag)
{
	FILE *stream;
	int ret;

	*out = NULL;
	if (len == 0) {
		/* fmemopen refuses a zero size; an empty policy still deserves its message. */
		stream = fopen("/dev/null", "r");
	} else {
		stream = fmemopen((void *)buf, len, "r");
	}
	if (!stream) {
		ret = -errno;
		if (ret == -ENOMEM)
			lg_diag_out_of_memory(diag, name);
		else
			lg_diag_add(diag, LG_SEV_ERROR, name, 0, "cannot read: %s", strerror(-ret));
		return ret;
	}
	ret = lg_policy_parse(name, stream, flags, out, diag);
	fclose(stream);
	return ret;
}

int lg_policy_load_file(const char *path, unsigned flags, struct lg_policy **out,
			struct lg_diag *diag)
{
	return lg_policy_load_file_at(AT_FDCWD, path, path, flags, out, diag);
}

static const char symlink_refused[] =
	"is a symbolic link; lsmguard reads only regular files in a policy directory (a link can "
	"lead anywhere): copy the policy file here instead";

/* -EINVAL, with the reason in diag, when sb is not a regular file. */
static int not_regular(const struct stat *sb, const char *path, struct lg_diag *diag)
{
	const char *kind;

	switch (sb->st_mode & S_IFMT) {
	case S_IFREG:
		return 0;
	case S_IFLNK:
		lg_diag_add(diag, LG_SEV_ERROR, path, 0, "%s", symlink_refused);
		return -ELOOP;
	case S_IFIFO:
		kind = "a fifo";
		break;
	case S_IFDIR:
		kind = "a directory";
		break;
	case S_IFSOCK:
		kind = "a socket";
		break;
	default:
		kind = "a device";
		break;
	}
	lg_diag_add(diag, LG_SEV_ERROR, path, 0,
		    "not a regular file (%s); the policy directory holds policy files only: "
		    "move it out",
		    kind);
	return -EINVAL;
}

FILE *lg_policy_open_at(int dirfd, const char *name, const char *path, unsigned flags, int *err,
			struct lg_diag *diag)
{
	struct stat sb;
	FILE *stream;
	int fd, ret, refused = 0;

	/*
	 * A policy directory holds regular files only: a symbolic link there could lead anywhere
	 * (whoever may write one place it points to would write policy), and opening a fifo would
	 * block the daemon. Looked at before the open (opening a device can act on it), and again
	 * on the descriptor, which is what is read; the open does not wait for a fifo's writer
	 * put there in between. A file named on the command line is opened as it is.
	 */
	if ((flags & LG_LOAD_NO_FOLLOW) && fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		ret = not_regular(&sb, path, diag);
		if (ret)
			goto out_err;
	}
	fd = openat(dirfd, name,
		    O_RDONLY | O_CLOEXEC |
			((flags & LG_LOAD_NO_FOLLOW) ? O_NOFOLLOW | O_NONBLOCK : 0));
	if (fd < 0) {
		ret = -errno;
		if (errno == ELOOP && (flags & LG_LOAD_NO_FOLLOW))
			lg_diag_add(diag, LG_SEV_ERROR, path, 0, "%s", symlink_refused);
		else if (errno != ENOENT || !(flags & LG_LOAD_MAY_BE_MISSING))
			lg_diag_add(diag, LG_SEV_ERROR, path, 0, "cannot open: %s", strerror(errno));
		goto out_err;
	}
	if (fstat(fd, &sb) != 0) {
		ret = -errno;
		lg_diag_add(diag, LG_SEV_ERROR, path, 0, "cannot stat: %s", strerror(errno));
		goto out_close_fd;
	}
	ret = not_regular(&sb, path, diag);
	if (ret)
		goto out_close_fd;
	if (flags & LG_LOAD_CHECK_OWNER) {
		/* Refused, but read on (by the caller) so that its own errors are reported in
		 * the same run: nothing of it is used. */
		if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
			lg_diag_add(diag, LG_SEV_ERROR, path, 0,
				    "refusing a policy file that is %s-writable (mode %04o); run "
				    "'chmod go-w %s'",
				    (sb.st_mode & S_IWOTH) ? "world" : "group",
				    (unsigned)(sb.st_mode & 07777), path);
			refused = -EPERM;
		} else if (geteuid() == 0 && sb.st_uid != 0) {
			lg_diag_add(diag, LG_SEV_ERROR, path, 0,
				    "refusing a policy file owned by uid %u while running as root; run "
				    "'chown root:root %s'",
				    (unsigned)sb.st_uid, path);
			refused = -EPERM;
		}
	}
	stream = fdopen(fd, "r");
	if (!stream) {
		ret = -errno;
		if (ret == -ENOMEM)
			lg_diag_out_of_memory(diag, path);
		else
			lg_diag_add(diag, LG_SEV_ERROR, path, 0, "cannot read: %s", strerror(-ret));
		goto out_close_fd;
	}
	*err = refused;
	return stream;

out_close_fd:
	close(fd);
out_err:
	*err = ret;
	return NULL;
}

int lg_policy_load_file_at(int dirfd, const char *name, const char *path, unsigned flags,
			   struct lg_policy **out, struct lg_diag *diag)
{
	FILE *stream;
	int ret, refused;

	*out = NULL;
	stream = lg_policy_open_at(dirfd, name, path, flags, &refused, diag);
	if (!stream)
		return refused;
	ret = lg_policy_parse(path, stream, flags, out, diag);
	fclose(stream);
	if (refused && (ret == 0 || ret == -EINVAL)) {
		/* read for its errors only: what it says is not used */
		if (!(flags & LG_PARSE_KEEP_REFUSED)) {
			lg_policy_free(*out);
			*out = NULL;
		}
		return refused;
	}
	return ret;
}

void lg_policy_free(struct lg_policy *policy)
{
	if (!policy)
		return;
	for (int c = 0; c < 2; c++) {
		for (size_t i = 0; i < policy->path_count[c]; i++)
			free(policy->paths[c][i].path);
		free(policy->paths[c]);
	}
	free(policy->nets);
	free(policy->file);
	free(policy->name);
	free(policy->cgroup);
	free(policy->unit);
	free(policy->slice);
	free(policy);
}

size_t lg_policy_rule_count(const struct lg_policy *policy)
{
	return policy->path_count[LG_CLASS_FILE] + policy->path_count[LG_CLASS_EXEC] +
	       policy->net_count + (size_t)__builtin_popcountll(policy->capabilities.keep);
}
