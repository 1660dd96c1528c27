/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy/: the lsmguard policy library. It parses INI policy files and compiles them into the
 * records of include/lsmguard_abi.h. It never prints and never exits: every function returns 0
 * or a negative errno, and reports what is wrong with the input through a struct lg_diag as
 * gcc-style FILE:LINE messages, all of them in one run.
 */
#ifndef LSMGUARD_POLICY_H
#define LSMGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "hash.h"
#include "lsmguard_abi.h"

/* ---- diagnostics ---- */

enum lg_severity {
	LG_SEV_WARNING,
	LG_SEV_ERROR,
};

struct lg_diag_msg {
	enum lg_severity severity;
	char *file;    /* NULL when the message is not about a file */
	unsigned line; /* 0 when the message is about the whole file */
	char *text;
};

struct lg_diag {
	struct lg_diag_msg *msgs;
	size_t count, cap;
	unsigned errors, warnings; /* every message added, including the lost ones */
	unsigned lost; /* messages that could not be stored: memory ran out */
};

/*
 * Record a message. When it cannot be stored (out of memory), it still counts in errors or
 * warnings, and in lost: a caller that finds lost grown returns -ENOMEM.
 */
void lg_diag_add(struct lg_diag *diag, enum lg_severity severity, const char *file, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The error "out of memory" (about file when not NULL), for a function about to return -ENOMEM. */
void lg_diag_out_of_memory(struct lg_diag *diag, const char *file);
/* "FILE:LINE: error: TEXT" into buf; returns buf. */
const char *lg_diag_format(const struct lg_diag_msg *msg, char *buf, size_t size);
void lg_diag_free(struct lg_diag *diag);

/* ---- parsed policies ---- */

enum lg_action {
	LG_ACT_ALLOW = 0,
	LG_ACT_ALLOW_READ = 1, /* files only: reading allowed, writing denied */
	LG_ACT_DENY = 2,
};

struct lg_path_rule {
	char *path;   /* absolute, normalised, without the trailing slash ("" for "/") */
	bool subtree; /* written with a trailing slash: the directory and everything beneath */
	enum lg_action action;
	unsigned line;
};

/* [network] allow/deny = @NAME or @PREFIX*: an abstract unix socket name (lg_net_rule.family). */
#define LG_NET_FAMILY_ABSTRACT 1

struct lg_net_rule {
	__u8 family;  /* 4 or 6; IPv4-mapped IPv6 is normalised to 4; 0: any; LG_NET_FAMILY_ABSTRACT */
	__u8 addr[16];
	__u8 prefix;  /* bits of addr that count */
	__u8 protocols; /* LG_NET_TCP | LG_NET_UDP */
	__u16 port_lo, port_hi;
	bool listen;    /* a listen rule (listen, deny-listen): bind and listen, local address */
	enum lg_action action;
	unsigned line;
	/* LG_NET_FAMILY_ABSTRACT: the name's bytes (NULs allowed), and whether it is a prefix */
	__u8 name[LG_ABSTRACT_NAME_MAX];
	__u8 name_len;
	bool name_prefix;
};

struct lg_section {
	bool present;
	unsigned line;        /* of the [section] header */
	bool default_set;
	enum lg_action default_action;
	unsigned default_line;
	/* [exec] only: anonymous = allow | deny */
	bool anonymous_set;
	enum lg_action anonymous_action;
	unsigned anonymous_line;
};

/*
 * [system]: rights a confined task is refused unless its policy opts in, one key each. Every key
 * takes one of a fixed list of values, the first of which is the default (the refusal).
 */
enum lg_system_key {
	LG_SYSTEM_DEVICES = 0, /* devices = deny | allow: block and character device nodes */
	LG_SYSTEM_USERNS = 1,  /* userns = deny | allow: creating user namespaces */
	LG_SYSTEM_MOUNT = 2,   /* mount = deny | namespace | allow: mount operations */
	LG_SYSTEM_BUS = 3,     /* system-bus = deny | allow: connecting to the D-Bus system bus */
	LG_SYSTEM_CGROUPS = 4, /* cgroups = deny | delegate: moves within the policy's cgroups */
	LG_SYSTEM_HOST_CODE = 5, /* host-code = deny | allow: writing what the host runs as root */
	LG_SYSTEM_KERNEL_SETTINGS = 6, /* kernel-settings = deny | allow: /proc/sys, /sys writes */
	LG_SYSTEM_CLOCK = 7,     /* clock = deny | allow: setting the system clock */
	LG_SYSTEM_RAW_DISKS = 8, /* raw-disks = deny | allow: opening block devices */
	LG_SYSTEM_SIGNAL_OTHERS = 9, /* signal-others = deny | allow: other policies' processes */
	LG_SYSTEM_MODULE_AUTOLOAD = 10, /* module-autoload = deny | allow: request_module */
	LG_SYSTEM_IPC_OTHERS = 11, /* ipc-others = deny | allow: System V IPC and keys of others */
	LG_SYSTEM_KEY_COUNT,
};

struct lg_system_setting {
	bool set;
	unsigned value; /* index into lg_system_values(key); 0 (the default) when not set */
	unsigned line;
};

struct lg_system {
	bool present;
	unsigned line; /* of the [system] header */
	struct lg_system_setting key[LG_SYSTEM_KEY_COUNT];
};

/* The key's name in [system], and its values (NULL-terminated, default first). */
const char *lg_system_key_name(enum lg_system_key key);
const char *const *lg_system_values(enum lg_system_key key);
/* The LG_POLICY_SYSTEM_* bits of a policy's [system] settings. */
__u32 lg_system_policy_flags(const struct lg_system *system);

struct lg_policy;

/*
 * [network] sockets: the families (AF_* bits), netlink protocols and inet protocols beyond TCP,
 * UDP and ping that the policy's tasks may create sockets of (LG_SOCKET_* in the ABI header).
 */
struct lg_sockets {
	__u64 families;
	__u32 netlink;
	__u32 inet;
};

/* Add one word of a sockets line (a family, netlink-NAME, raw, sctp..., all); -EINVAL if
 * unknown. */
int lg_sockets_add_word(struct lg_sockets *s, const char *word);
/* Every socket ("all"); a policy naming none gets it but packet under [network] default =
 * allow (lg_policy_sockets). */
void lg_sockets_all(struct lg_sockets *s);
/* What a policy naming none gets under [network] default = deny: unix, inet, inet6, netlink. */
void lg_sockets_implied_deny(struct lg_sockets *s);
/*
 * The sockets a policy may create: its lines; else unix, inet, inet6 and netlink under
 * [network] default = deny or with destination deny rules (which the other sockets would send
 * past); else every socket but packet.
 */
void lg_policy_sockets(const struct lg_policy *p, struct lg_sockets *s, bool *implied);
/* Whether s allows socket(family, type, protocol), as the kernel decides it. */
bool lg_sockets_allow(const struct lg_sockets *s, unsigned family, unsigned type, int protocol);
/* The words a sockets line needs for socket(family, type, protocol): "inet6 raw", "packet". */
void lg_socket_word(unsigned family, unsigned type, int protocol, char *buf, size_t size);
/* A family's word ("inet", "packet"), NULL for a number with none. */
const char *lg_socket_family_name(unsigned family);
/* s as the words of a sockets line. */
void lg_sockets_format(const struct lg_sockets *s, char *buf, size_t size);
/* Up to max words a sockets line takes (for suggestions); storage holds the made ones. */
size_t lg_sockets_words(const char **words, char (*storage)[32], size_t max);

/*
 * [capabilities]: when present, the capabilities the service keeps (keep = NAME, NAME...); the
 * use of any other is refused. Absent: capabilities are not decided.
 */
struct lg_capabilities {
	bool present;
	unsigned line;            /* of the [capabilities] header */
	__u64 keep;               /* bit (1 << CAP_*) */
	unsigned keep_line[LG_CAP_COUNT]; /* where each kept capability is named */
};

/* "CAP_NET_BIND_SERVICE" for 10; NULL past LG_CAP_LAST. */
const char *lg_capability_name(unsigned cap);
/* The number of CAP_NAME or name, any case ("CAP_NET_BIND_SERVICE", "net_bind_service"); -1. */
int lg_capability_from_name(const char *name);

struct lg_policy {
	char *file;
	char *name;
	char *cgroup;   /* cgroup v2 path, relative to the cgroup2 mount */
	char *unit;     /* when written as unit = ..., else NULL */
	char *slice;    /* slice = ... (with unit): the unit's slice, else NULL (system.slice) */
	enum lg_mode mode;
	unsigned policy_line, name_line, cgroup_line, mode_line, slice_line;
	struct lg_section section[LG_CLASS_COUNT];
	struct lg_system system;
	struct lg_capabilities capabilities;
	struct lg_path_rule *paths[2]; /* [LG_CLASS_FILE], [LG_CLASS_EXEC] */
	size_t path_count[2];
	struct lg_net_rule *nets;
	size_t net_count;
	struct lg_sockets sockets; /* [network] sockets lines, all of them together */
	unsigned sockets_line;     /* the first sockets line; 0: none */
};

struct lg_policy_set {
	struct lg_policy **policies;
	size_t count;
	size_t files_read;
	/* Set by lg_policy_set_validate when the set passed; whoever adds a policy validates the
	 * set again. lg_compile refuses a set without it. */
	bool validated;
	/* The places the directory's host-code.list names: code or settings that the host's
	 * unconfined root components run or obey, protected like the built-in host code. */
	char **host_code;
	size_t host_code_count;
	/* What was read of the files refused (LG_PARSE_KEEP_REFUSED): their names and cgroups
	 * are checked against the others' in the same run, so that a name used twice is
	 * reported with every other error, not after they are fixed. Never loaded. */
	struct lg_policy **refused;
	size_t refused_count;
	/*
	 * Set by whoever compiles on a host (not by the loaders): the names the kernel gives what
	 * a rule's path leads to there, one for each index from 0 until it returns 0: 1 with the
	 * name in out; -ENAMETOOLONG for one that does not fit a rule, -ELOOP for "/" or a
	 * directory above the path. The compiler keys each deny rule (an allow-read rule's write
	 * denial) at those names as well, with a warning at its line (unless path_alias_quiet).
	 */
	int (*path_alias)(void *ctx, const char *path, bool subtree, unsigned index, char *out,
			  size_t size);
	void *path_alias_ctx;
	bool path_alias_quiet; /* carry without the warnings (the daemon: `check` says them) */
};

/* Flags for parsing and loading. */
/*
 * Whether a directory above path leads through a symbolic link (the kernel names what a task
 * opens by its real path, so a rule on path never matches there): 1, with the real path in
 * real (size bytes); 0 if not (or a path under /proc/, whose links mean each task's own); a
 * negative errno when it cannot tell (a directory missing: -ENOENT). memo (NULL: none) keeps
 * the last directory looked up, for rules listed one directory after another.
 */
struct lg_dir_real {
	bool known;
	char dir[4096];
	char real[4096];
};
int lg_path_through_symlink(const char *path, char *real, size_t size, struct lg_dir_real *memo);
/* The warning's text, the same from check and from the daemon: the path, its real path. */
#define LG_SYMLINK_ABOVE_FMT                                                                   \
	"'%s' leads through a symbolic link: the kernel names the file by its real path, '%s', "  \
	"so this rule never matches; write that path"
#define LG_PARSE_STAT_PATHS 0x01 /* warn about rule paths that disagree with the file system */
#define LG_LOAD_CHECK_OWNER 0x02 /* refuse files that are group/world-writable or not root's */
#define LG_PARSE_BUILTIN 0x04    /* lsmguard's own policy: may use the reserved names */
#define LG_LOAD_NO_FOLLOW 0x08   /* refuse a symbolic link (the files of a policy directory) */
#define LG_LOAD_MAY_BE_MISSING 0x10 /* lg_policy_open_at: a missing file is no error (-ENOENT) */
#define LG_PARSE_ADVICE 0x20     /* `check`: also warn about what a valid policy leaves open */
/* On -EINVAL, *out holds what was read of the refused file (its name and cgroup, for the
 * checks across files), never to be used as a policy; the caller frees it. */
#define LG_PARSE_KEEP_REFUSED 0x40
#define LG_RESERVED_PREFIX "lsmguard-"

/* Parse one policy from a stream; name is used in messages. */
int lg_policy_parse(const char *name, FILE *stream, unsigned flags, struct lg_policy **out,
		    struct lg_diag *diag);
int lg_policy_parse_buffer(const char *name, const char *buf, size_t len, unsigned flags,
			   struct lg_policy **out, struct lg_diag *diag);
/* Open, check ownership and mode (LG_LOAD_CHECK_OWNER), and parse one file. */
int lg_policy_load_file(const char *path, unsigned flags, struct lg_policy **out,
			struct lg_diag *diag);
/* The same for the file name in the directory open at dirfd; path names it in messages. */
int lg_policy_load_file_at(int dirfd, const char *name, const char *path, unsigned flags,
			   struct lg_policy **out, struct lg_diag *diag);
/*
 * Open a file of a policy directory as lg_policy_load_file_at does (regular, not a link with
 * LG_LOAD_NO_FOLLOW, root's and not writable by others with LG_LOAD_CHECK_OWNER): the stream,
 * or NULL with -errno in err and the reason in diag (none for a missing file with
 * LG_LOAD_MAY_BE_MISSING). A file refused for its owner or mode is still returned, with
 * -EPERM in err and the reason in diag: read for its own errors, never used.
 */
FILE *lg_policy_open_at(int dirfd, const char *name, const char *path, unsigned flags, int *err,
			struct lg_diag *diag);

/* ---- the host's own code places (host-code.list in a policy directory) ---- */

#define LG_HOST_CODE_LIST "host-code.list"
#define LG_HOST_CODE_MAX 1024 /* places in one list */
#define LG_HOST_CODE_PATH_MAX 4094 /* bytes of a place (PATH_MAX less "/" and NUL) */

/*
 * Parse a host-code list: one absolute path a line ("/dir/" for a directory and everything
 * beneath it), '#' comments and blank lines; name is used in messages. Appends the paths to
 * set (set->host_code). 0, -EINVAL with every error in diag, or -ENOMEM.
 */
int lg_host_code_parse(const char *name, FILE *stream, struct lg_policy_set *set,
		       struct lg_diag *diag);
/*
 * Load files and directories (the *.ini files directly in a directory, in name order) into a
 * set, then check the set as a whole (unique names and cgroups). On any error the set is left
 * empty: a policy set is used whole or not at all.
 */
int lg_policy_set_load(const char *const *paths, size_t count, unsigned flags,
		       struct lg_policy_set *set, struct lg_diag *diag);
/* Check a set built by hand (as lg_policy_set_load does after reading); marks it validated. */
int lg_policy_set_validate(struct lg_policy_set *set, struct lg_diag *diag);
/*
 * lg_policy_set_load for one directory, read through a descriptor of it (dirfd, O_PATH will do)
 * rather than by its path, which may meanwhile lead elsewhere; dir names it in messages.
 */
int lg_policy_set_load_at(int dirfd, const char *dir, unsigned flags, struct lg_policy_set *set,
			  struct lg_diag *diag);
/* Append policy to set (which then owns it); the set must be validated again. -ENOMEM. */
int lg_policy_set_add(struct lg_policy_set *set, struct lg_policy *policy);
void lg_policy_free(struct lg_policy *policy);
void lg_policy_set_free(struct lg_policy_set *set);
size_t lg_policy_rule_count(const struct lg_policy *policy);

/* Parsing of single values, exposed for the CLI and the tests. Return 0 or -EINVAL with a
 * message in err. */
int lg_parse_path(const char *text, char **path, bool *subtree, char *err, size_t errsize);
int lg_parse_net(const char *text, struct lg_net_rule *rule, char *err, size_t errsize);
/* A listen rule: [ADDRESS[/PREFIX]] [tcp|udp] [PORT or PORT-PORT]; no address means any. */
int lg_parse_listen(const char *text, struct lg_net_rule *rule, char *err, size_t errsize);
int lg_parse_cgroup(const char *text, char **cgroup, char *err, size_t errsize);
/* unit = NAME.service to its cgroup path under system.slice. */
int lg_unit_to_cgroup(const char *unit, char **cgroup, char *err, size_t errsize);
/* The cgroup of unit in slice (a-b.slice: /a.slice/a-b.slice/UNIT; -.slice: /UNIT). */
int lg_unit_in_slice(const char *unit, const char *slice, char **cgroup, char *err,
		     size_t errsize);
const char *lg_action_name(enum lg_action action);
const char *lg_class_name(enum lg_class class);
/* "10.0.0.0/8 tcp 443" style text of a network rule's match. */
/* Copy src into dst of size bytes, cut to fit, always terminated (size > 0). Returns the
 * length copied. For hot paths where snprintf("%s") cost a quarter of a 10,000-rule compile. */
size_t lg_strcopy(char *dst, size_t size, const char *src);

void lg_net_rule_format(const struct lg_net_rule *rule, char *buf, size_t size);
/*
 * An abstract unix socket name as a rule writes it: "@" then the bytes, with "\\" for a
 * backslash and "\xHH" for NUL, a space, '*', control bytes and bytes above 0x7e; "*" after a
 * prefix. buf of LG_ABSTRACT_TEXT_MAX bytes always fits.
 */
#define LG_ABSTRACT_TEXT_MAX (2 + 4 * LG_ABSTRACT_NAME_MAX + 1)
void lg_abstract_format(const __u8 *name, size_t len, bool prefix, char *buf, size_t size);
/* The bytes of "@NAME" (escapes as above, a trailing "*": *prefix); -EINVAL with err. */
int lg_parse_abstract(const char *text, __u8 name[LG_ABSTRACT_NAME_MAX], size_t *len,
		      bool *prefix, char *err, size_t errsize);

/* ---- compiled policies ---- */

enum lg_rule_kind {
	LG_RULE_DEFAULT, /* a section default, explicit or implied */
	LG_RULE_PATH,
	LG_RULE_NET,
	LG_RULE_ANONYMOUS, /* [exec] anonymous, explicit or implied */
	LG_RULE_SOCKETS,   /* [network] sockets, explicit or implied: the sockets it refuses */
	/* [capabilities]: allow, one per kept capability (object its name); deny, one per policy
	 * with the section (object "capabilities not kept", at the header's line) */
	LG_RULE_CAPABILITY,
};

/* What a rule id (in maps and events) stands for. */
struct lg_rule_source {
	__u32 id;
	__u32 policy;
	enum lg_rule_kind kind;
	enum lg_class class;
	enum lg_action action;
	const char *file;   /* points into the policy set */
	unsigned line;      /* 0 for an implied default */
	/* path, network match (an abstract name: up to 431), or "default": in the compiled set's
	 * texts (up to LG_RULE_OBJECT_MAX bytes with the NUL). A pointer, not an array of that size:
	 * 10,000 rules of 488 bytes were 4.9 MB that every reload's compile faulted in afresh. */
	const char *object;
	bool subtree;
};
#define LG_RULE_OBJECT_MAX 448
/* The longest kernel name a rule is carried to, with the NUL: as much of a mount's fields as
 * lsmguard reads from mountinfo (their hashes are kept, not their text: attack run 22's 2204). */
#define LG_ALIAS_MAX 4096
/* The most names a rule is carried to (lg_policy_set.path_alias). */
#define LG_PATH_ALIASES_MAX 64

struct lg_path_entry {
	struct lg_path_key key;
	struct lg_path_value value;
};

struct lg_net_entry {
	struct lg_net_key key;
	struct lg_net_value value;
};

struct lg_cgroup_binding {
	const char *cgroup; /* points into the policy set */
	__u32 policy;
};

struct lg_compiled {
	__u64 seed;
	unsigned bank;  /* 0 or 1 */
	__u32 id_base;  /* policy ids are id_base + 1 .. id_base + policy_count */
	struct lg_policy_value *policies; /* index = policy id - id_base - 1 */
	size_t policy_count;
	struct lg_path_entry *paths;
	size_t path_count;
	/* "rules beneath" markers (LG_PATH_CLASS_BENEATH, LG_PATH_CLASS_DENY_BENEATH), one per key,
	 * unsorted; then the records of lsmguard's own objects (lg_compiled_add_protected), sorted */
	struct lg_path_entry *beneath;
	size_t beneath_count;
	/* every deny rule's entry of the bank's deny filter (LG_DENY_FILTER_EXACT), unsorted */
	__u64 *deny_filter;
	size_t deny_filter_count;
	struct lg_net_entry *nets;
	size_t net_count;
	struct lg_cgroup_binding *cgroups;
	size_t cgroup_count;
	struct lg_rule_source *rules; /* index = rule id - 1 */
	size_t rule_count;
	struct lg_text_block *texts;  /* the rules' objects (lg_rule_source.object) */
};

/*
 * Policy ids come in two banks, so that a reload writes the new set beside the one in force:
 * bank 0 holds ids 1 .. LG_MAX_POLICIES, bank 1 the next LG_MAX_POLICIES, and 0 is no policy.
 * These are the only places that do that arithmetic (the compiler and the enforcer use them).
 */
static inline __u32 lg_bank_first_id(unsigned bank)
{
	return bank * LG_MAX_POLICIES + 1;
}

static inline __u32 lg_bank_last_id(unsigned bank)
{
	return (bank + 1) * LG_MAX_POLICIES;
}

static inline bool lg_id_in_bank(__u32 id, unsigned bank)
{
	return id >= lg_bank_first_id(bank) && id <= lg_bank_last_id(bank);
}

/* The id of the index-th policy of a compiled set. */
static inline __u32 lg_policy_id(const struct lg_compiled *c, size_t index)
{
	return c->id_base + (__u32)index + 1;
}

/* The index in c's policies of id; -1 when c holds no such id. */
static inline long lg_policy_index(const struct lg_compiled *c, __u32 id)
{
	if (id <= c->id_base || id > c->id_base + c->policy_count)
		return -1;
	return (long)(id - c->id_base - 1);
}

/*
 * Compile a set that lg_policy_set_validate passed (-EINVAL otherwise); seed keys the path hash; bank (0 or 1) picks the half of the policy id
 * space, so that a reload can write a new set beside the one in force.
 */
int lg_compile(const struct lg_policy_set *set, __u64 seed, unsigned bank,
	       struct lg_compiled **out, struct lg_diag *diag);
/*
 * Compile with a bank's kept seed (0: none kept yet, draw one). When two paths of one policy
 * share a hash under that seed (a property of the seed, not of the policy), draw another with
 * draw_seed, up to LG_SEED_DRAWS times, and report the collision only when every draw collided.
 * (*out)->seed is the seed used: the caller keeps it for the bank. A NULL draw_seed compiles with
 * seed as it is, like lg_compile.
 */
#define LG_SEED_DRAWS 4
int lg_compile_keeping_seed(const struct lg_policy_set *set, __u64 seed, unsigned bank,
			    __u64 (*draw_seed)(void), struct lg_compiled **out,
			    struct lg_diag *diag);
/*
 * Test hook: when set, the compiler keys path rules with this function instead of lg_path_hash,
 * so that a unit test can stage a collision (none can be found in 64 bits). NULL in lsmguard.
 */
extern __u64 (*lg_test_rule_hash)(__u64 seed, const char *path);
/*
 * Add lsmguard's own objects (LG_BUILTIN_PROTECTED) to a compiled set, as records of the bank's
 * first id: each canonical absolute path, "/dir/" for a directory and everything beneath it,
 * becomes a LG_PATH_CLASS_PROTECTED record and each directory above it a
 * LG_PATH_CLASS_PROTECTED_BENEATH one. Other paths are ignored. -ENOMEM, or -E2BIG with a
 * message when the markers no longer fit.
 */
int lg_compiled_add_protected(struct lg_compiled *compiled, const char *const *paths,
			      size_t count, struct lg_diag *diag);
/* The same, with kinds[i] (LG_PROTECTED_MANAGER_* bits, or 0) added to paths[i]'s record. */
int lg_compiled_add_protected_kinds(struct lg_compiled *compiled, const char *const *paths,
				    const __u8 *kinds, size_t count, struct lg_diag *diag);
const struct lg_policy_value *lg_compiled_policy(const struct lg_compiled *compiled, __u32 id);
void lg_compiled_free(struct lg_compiled *compiled);
const struct lg_rule_source *lg_rule_source(const struct lg_compiled *compiled, __u32 rule_id);
/* Bytes of map keys and values the compiled set needs. */
size_t lg_compiled_map_bytes(const struct lg_compiled *compiled);
/* Orders of the sorted arrays in struct lg_compiled (paths and nets are sorted by key). */
int lg_compare_path_keys(const struct lg_path_key *a, const struct lg_path_key *b);
int lg_compare_net_keys(const struct lg_net_key *a, const struct lg_net_key *b);
const struct lg_net_entry *lg_compiled_find_net(const struct lg_compiled *compiled,
						const struct lg_net_key *key);

/* ---- evaluation: the kernel's decision, computed in user space from the same records ---- */

struct lg_verdict {
	bool deny;
	bool from_default; /* no rule matched: the section default decided */
	bool walk_limit;   /* deeper than the kernel walks: decided deny, rule 0 */
	/* a protection decided (LG_BUILTIN_PROTECTED, LG_BUILTIN_HOST_CODE): deny, rule 0 */
	__u8 builtin;
	__u32 rule;
};

/* socket(family, type, protocol) under [network] sockets; rule: the sockets rule, 0 when the
 * policy refuses no socket. */
int lg_eval_socket(const struct lg_compiled *compiled, __u32 policy, unsigned family,
		   unsigned type, int protocol, struct lg_verdict *out);
/* "inet raw", "inet6/sctp", "packet", "netlink-audit" as a socket() call; -EINVAL. */
int lg_socket_parse(const char *text, unsigned *family, unsigned *type, int *protocol);

/* path: canonical absolute path of the object. */
int lg_eval_path(const struct lg_compiled *compiled, __u32 policy, enum lg_decision decision,
		 const char *path, struct lg_verdict *out);
/*
 * The use of capability cap (CAP_*) by a task of policy, outside its setup window: deny unless
 * kept; with no [capabilities] section, allowed with rule 0 (not decided). -EINVAL: no such
 * policy or capability.
 */
int lg_eval_capability(const struct lg_compiled *compiled, __u32 policy, unsigned cap,
		       struct lg_verdict *out);
/* addr: 4 or 16 bytes by family; protocol: LG_NET_TCP or LG_NET_UDP. */
/*
 * An abstract unix socket name of len bytes (exact, then the longest prefix, then default):
 * reached (connect, send: allow, deny) or, with bind, bound (listen, deny-listen).
 */
int lg_eval_abstract(const struct lg_compiled *compiled, __u32 policy, const __u8 *name,
		     size_t len, bool bind, struct lg_verdict *out);
int lg_eval_net(const struct lg_compiled *compiled, __u32 policy, __u8 family, const __u8 addr[16],
		__u8 protocol, __u16 port, struct lg_verdict *out);
/* The same for a bind or listen at a local address, by the listen rules. The wildcard :: is
 * also decided at 0.0.0.0 (a socket that is not IPV6_V6ONLY receives IPv4 there too). */
int lg_eval_listen(const struct lg_compiled *compiled, __u32 policy, __u8 family,
		   const __u8 addr[16], __u8 protocol, __u16 port, struct lg_verdict *out);

/* ---- learning: a policy from what a service was seen doing (learn.c) ---- */

struct lg_learn;

struct lg_learn_header {
	const char *name;
	const char *cgroup; /* exactly one of cgroup and unit */
	const char *unit;
	const char *source; /* where the observations come from, for the header comment */
};

struct lg_learn *lg_learn_new(void);
/* One observation each; -EINVAL for an object a rule cannot name, -ENOMEM. */
int lg_learn_file(struct lg_learn *learn, const char *path, bool write, long tgid);
int lg_learn_exec(struct lg_learn *learn, const char *path, bool mapped);
int lg_learn_net(struct lg_learn *learn, const char *addr, const char *protocol, unsigned port);
/* An abstract unix socket name as an event writes it (@NAME, rule syntax): reached, or bound
 * (listen: a listen rule). */
int lg_learn_abstract(struct lg_learn *learn, const char *name, bool listen);
/* A created socket, by the words of its event's "socket" field; -EINVAL for an unknown word. */
int lg_learn_socket(struct lg_learn *learn, const char *words);
/* A bind or listen seen at a local address and port (port 0: some ephemeral port). */
int lg_learn_listen(struct lg_learn *learn, const char *addr, const char *protocol, unsigned port);
/* A capability used (CAP_*): learn writes a [capabilities] section when it saw one. */
int lg_learn_capability(struct lg_learn *learn, unsigned cap);
/* The policy as INI text, in audit mode, every section default = deny. */
int lg_learn_write(struct lg_learn *learn, FILE *out, const struct lg_learn_header *header);
void lg_learn_free(struct lg_learn *learn);

#endif /* LSMGUARD_POLICY_H */
