// SPDX-License-Identifier: GPL-2.0-only
/* `lsmguard check` and `lsmguard show`: the policy compiler, from the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "canary.h"
#include "commands.h"
#include "elfdeps.h"
#include "host.h"
#include "json.h"
#include "loaded.h"
#include "log.h"
#include "names.h"
#include "policy.h"
#include "selfprot.h"
#include "state.h"

void print_diagnostics(const struct lg_diag *diag)
{
	char line[4096];

	for (size_t i = 0; i < diag->count; i++)
		log_plain("%s", lg_diag_format(&diag->msgs[i], line, sizeof(line)));
}

static size_t files_with_errors(const struct lg_diag *diag)
{
	size_t count = 0;

	for (size_t i = 0; i < diag->count; i++) {
		const struct lg_diag_msg *m = &diag->msgs[i];
		bool seen = false;

		if (m->severity != LG_SEV_ERROR)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = diag->msgs[j].severity == LG_SEV_ERROR &&
			       (m->file && diag->msgs[j].file ? strcmp(m->file, diag->msgs[j].file) == 0
							      : m->file == diag->msgs[j].file);
		count += !seen;
	}
	return count;
}

/* The rest of a load whose files were read (ret: how that went) into set. */
static int compile_loaded(int ret, struct lg_diag *diag_in, unsigned flags,
			  struct lg_policy_set *set, struct lg_compiled **compiled, __u64 seed,
			  unsigned bank);

int load_and_compile(const char *const *paths, size_t count, unsigned flags,
		     struct lg_policy_set *set, struct lg_compiled **compiled, __u64 seed,
		     unsigned bank)
{
	struct lg_diag diag = {0};
	int ret;

	ret = lg_policy_set_load(paths, count, flags & ~(LG_LOAD_WITH_CANARY | LG_LOAD_REDRAW_SEED),
				 set, &diag);
	return compile_loaded(ret, &diag, flags, set, compiled, seed, bank);
}

int load_and_compile_at(int dirfd, const char *dir, unsigned flags, struct lg_policy_set *set,
			struct lg_compiled **compiled, __u64 seed, unsigned bank)
{
	struct lg_diag diag = {0};
	int ret;

	ret = lg_policy_set_load_at(dirfd, dir,
				    flags & ~(LG_LOAD_WITH_CANARY | LG_LOAD_REDRAW_SEED), set, &diag);
	return compile_loaded(ret, &diag, flags, set, compiled, seed, bank);
}

static int host_alias(void *ctx, const char *path, bool subtree, unsigned index, char *out,
		      size_t size)
{
	return lg_mount_aliases(ctx, path, subtree, index, out, size);
}

__u64 compiled_alias_digest;

__u64 host_alias_digest(const struct lg_policy_set *set, const struct lg_mount_names *names)
{
	__u64 digest = LG_HASH_BASIS;

	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		for (int class = 0; class < 2; class++) {
			for (size_t r = 0; r < p->path_count[class]; r++) {
				const struct lg_path_rule *rule = &p->paths[class][r];
				char alias[LG_ALIAS_MAX];

				if (rule->action == LG_ACT_ALLOW)
					continue; /* not carried */
				for (unsigned index = 0; index < LG_PATH_ALIASES_MAX; index++) {
					int found = lg_mount_aliases(names, rule->path, rule->subtree, index,
								     alias, sizeof(alias));

					if (found == 0)
						break;
					if (found < 0)
						continue;
					digest = lg_hash_bytes(digest, rule->path,
							       strlen(rule->path) + 1);
					digest = lg_hash_bytes(digest, alias, strlen(alias) + 1);
				}
			}
		}
	}
	return digest;
}

/* The names to compile against: the daemon's last reading, else one made now (into own). */
static const struct lg_mount_names *host_names(struct lg_mount_names *own)
{
	const struct lg_mount_names *applied = lg_applied_mount_names();

	memset(own, 0, sizeof(*own));
	if (applied)
		return applied;
	return lg_mount_names_read("/proc/self/mountinfo", own) == 0 ? own : NULL;
}

int host_aliases_changed(const struct lg_policy_set *set, __u64 compiled, __u64 *now)
{
	struct lg_mount_names own;
	const struct lg_mount_names *names = host_names(&own);

	if (!names)
		return -ENOMEM;
	*now = host_alias_digest(set, names);
	lg_mount_names_free(&own);
	return *now != compiled;
}

static int compile_loaded(int ret, struct lg_diag *diag_in, unsigned flags,
			  struct lg_policy_set *set, struct lg_compiled **compiled, __u64 seed,
			  unsigned bank)
{
	struct lg_diag diag = *diag_in;
	const struct lg_mount_names *names = NULL;
	struct lg_mount_names own = {0};

	if (!ret && (flags & LG_LOAD_WITH_CANARY))
		ret = lg_canary_add(set, &diag);
	/* Deny rules are keyed at the names the kernel gives their paths on this host too (a
	 * path under a bind mount, a btrfs subvolume's second mount): lg_mount_canonical. The
	 * daemon loads again when those names change (host_aliases_changed). */
	if (!ret && (names = host_names(&own)) != NULL) {
		set->path_alias = host_alias;
		set->path_alias_ctx = (void *)names;
		/* The daemon carries without a word at each load (the mounts of a host change
		 * often, and a word a load would be noise); `lsmguard check` says each one. */
		set->path_alias_quiet = (flags & LG_LOAD_WITH_CANARY) != 0;
	}
	if (!ret)
		ret = lg_compile_keeping_seed(set, seed, bank,
					      (flags & LG_LOAD_REDRAW_SEED) ? lg_random_seed : NULL,
					      compiled, &diag);
	if (!ret && names)
		compiled_alias_digest = host_alias_digest(set, names);
	set->path_alias = NULL;
	set->path_alias_ctx = NULL;
	set->path_alias_quiet = false;
	lg_mount_names_free(&own);
	print_diagnostics(&diag);
	if (ret) {
		size_t files = set->files_read, bad = files_with_errors(&diag);

		if (ret == -ENOMEM)
			log_warnx("out of memory while loading the policies; nothing was loaded");
		else if (diag.errors && (bad == files || files == 0))
			log_warnx("%u error%s in %zu file%s; nothing was loaded", diag.errors,
				  diag.errors == 1 ? "" : "s", bad, bad == 1 ? "" : "s");
		else if (diag.errors)
			log_warnx("%u error%s in %zu of %zu files; nothing was loaded", diag.errors,
				  diag.errors == 1 ? "" : "s", bad, files);
		else
			log_warnx("cannot compile policies: %s", strerror(-ret));
		lg_policy_set_free(set);
	}
	lg_diag_free(&diag);
	return ret;
}

int add_host_protections(struct lg_compiled *compiled, const char *policy_dir,
			 const struct lg_policy_set *set)
{
	struct lg_protected protected;
	struct lg_diag diag = {0};
	int ret = lg_protected_collect(&protected, policy_dir, LG_STATE_DIR, NULL, NULL);

	if (ret)
		return ret;
	ret = lg_protected_add_host_code(&protected, set->host_code, set->host_code_count);
	if (!ret)
		ret = lg_compiled_add_protected_kinds(compiled, (const char *const *)protected.paths,
						      protected.kinds, protected.count, &diag);
	lg_diag_free(&diag);
	lg_protected_free(&protected);
	return ret;
}

/*
 * What [exec] allows against what the programs need (check's advice, issue 14): for every
 * program an allow rule names that exists here, the files it needs executable (a script's
 * interpreter, the dynamic loader, the libraries, transitively: elfdeps.h), each decided as the
 * kernel would decide its exec or executable mapping; one warning per rule and directory
 * refused, saying which rule to add. The policy says `policy OK` still: a program the host does
 * not have, or a policy made elsewhere, is not an error.
 */
static const char *dep_role(const struct lg_elfdep *d)
{
	switch (d->kind) {
	case LG_ELFDEP_SCRIPT_INTERPRETER:
		return "the interpreter of";
	case LG_ELFDEP_LOADER:
		return "the dynamic loader of";
	default:
		return "a library of";
	}
}

/* What refuses the file and what to do: an allow rule to add (the default refuses it), the
 * deny rule to narrow (a more restrictive rule wins over any allow), or nothing to do (one of
 * lsmguard's protections, or deeper than the kernel walks). */
static void refused_by(const struct lg_compiled *compiled, const struct lg_verdict *v,
		       const char *allow, char *out, size_t size)
{
	const struct lg_rule_source *r = v->rule ? lg_rule_source(compiled, v->rule) : NULL;

	if (v->builtin || v->walk_limit)
		snprintf(out, size, "refused by a protection of lsmguard's, which no rule opens");
	else if (v->from_default || !r || !r->line)
		snprintf(out, size, "refused by [exec] default = deny; add allow = %s", allow);
	else
		snprintf(out, size,
			 "refused by the deny rule at line %u (a more restrictive rule wins); narrow "
			 "or remove it",
			 r->line);
}

static void check_program_needs(const struct lg_compiled *compiled, __u32 id,
				const struct lg_policy *p, const struct lg_path_rule *rule,
				struct lg_diag *diag)
{
	struct lg_elfdeps deps;
	struct stat sb;

	if (stat(rule->path, &sb) || !S_ISREG(sb.st_mode) || lg_elfdeps_of(rule->path, NULL, &deps))
		return;
	for (size_t i = 0; i < deps.count; i++) {
		const struct lg_elfdep *d = &deps.deps[i];
		char dir[4096], why[512];
		struct lg_verdict v;
		size_t more = 0, len;
		bool reported = false;

		if (lg_eval_path(compiled, id, LG_DECISION_EXEC, d->path, &v) || !v.deny)
			continue;
		snprintf(dir, sizeof(dir), "%s", d->path);
		len = strrchr(dir, '/') ? (size_t)(strrchr(dir, '/') - dir) + 1 : strlen(dir);
		dir[len] = '\0';
		/* one warning for the directory: the first refused file of it names the others */
		for (size_t j = 0; j < deps.count && !reported; j++) {
			struct lg_verdict w;

			if (strncmp(deps.deps[j].path, dir, len) || strchr(deps.deps[j].path + len, '/') ||
			    lg_eval_path(compiled, id, LG_DECISION_EXEC, deps.deps[j].path, &w) ||
			    !w.deny)
				continue;
			if (j < i)
				reported = true;
			else if (j > i)
				more++;
		}
		if (reported)
			continue;
		/* an interpreter is one program; the loader and libraries, their directory */
		refused_by(compiled, &v, d->kind == LG_ELFDEP_SCRIPT_INTERPRETER ? d->path : dir,
			   why, sizeof(why));
		lg_diag_add(diag, LG_SEV_WARNING, p->file, rule->line,
			    "[exec] allows %s, which needs %s (%s, %s %s)%s%.0zu%s, %s", rule->path,
			    d->path, d->needed, dep_role(d), d->by, more ? " and " : "", more,
			    more ? " more there" : "", why);
	}
	/* What the loader would not find: the program cannot start here, whatever [exec] says. */
	for (size_t i = 0; i < deps.missing_count; i++)
		lg_diag_add(diag, LG_SEV_WARNING, p->file, rule->line,
			    "[exec] allows %s, which needs %s, and the dynamic loader finds no such "
			    "file here (RPATH, RUNPATH, /etc/ld.so.cache, the default directories): "
			    "the program cannot start until it is installed",
			    rule->path, deps.missing[i]);
	lg_elfdeps_free(&deps);
}

/* A place [exec] lets the service run that [files] lets it write: what it writes there it can
 * then execute (a web shell dropped into an upload directory, then run). */
static void check_written_then_run(const struct lg_compiled *compiled, __u32 id,
				   const struct lg_policy *p, const struct lg_path_rule *rule,
				   struct lg_diag *diag)
{
	char probe[4096];
	struct lg_verdict v;

	/* the rule's file, or a new file beneath its directory */
	snprintf(probe, sizeof(probe), "%s%s", rule->path, rule->subtree ? "/lsmguard-new-file" : "");
	if (lg_eval_path(compiled, id, LG_DECISION_FILE_WRITE, probe, &v) || v.deny)
		return;
	if (rule->subtree)
		lg_diag_add(diag, LG_SEV_WARNING, p->file, rule->line,
			    "[exec] allows %s/, where [files] lets the service write: a file it "
			    "writes there can then be run; deny writing there in [files] (deny = "
			    "%s/) or executing it",
			    rule->path, rule->path);
	else
		lg_diag_add(diag, LG_SEV_WARNING, p->file, rule->line,
			    "[exec] allows %s, which [files] lets the service write: what it writes "
			    "there can then be run; deny writing it in [files] (deny = %s) or "
			    "executing it",
			    rule->path, rule->path);
}

static void check_exec_rules(const struct lg_policy_set *set, struct lg_compiled *compiled,
			     const char *policy_dir)
{
	struct lg_diag diag = {0};

	/* writes decided with lsmguard's own protections and the host's code, as the kernel
	 * decides them (without them, the advice would name /usr/bin as writable) */
	if (add_host_protections(compiled, policy_dir, set))
		log_warnx("cannot add lsmguard's own objects: the advice leaves them out");

	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];
		__u32 id = lg_policy_id(compiled, i);

		for (size_t r = 0; r < p->path_count[LG_CLASS_EXEC]; r++) {
			const struct lg_path_rule *rule = &p->paths[LG_CLASS_EXEC][r];

			if (rule->action != LG_ACT_ALLOW)
				continue;
			check_written_then_run(compiled, id, p, rule, &diag);
			if (!rule->subtree)
				check_program_needs(compiled, id, p, rule, &diag);
		}
	}
	print_diagnostics(&diag);
	lg_diag_free(&diag);
}

static bool is_directory(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int cmd_check(int argc, char **argv)
{
	struct lg_policy_set set;
	struct lg_compiled *compiled;
	size_t rules = 0;

	if (argc < 2)
		return usage_error(NULL, NULL, "lsmguard check PATH...  (policy files or directories)");
	if (argv[1][0] == '-')
		return usage_error("unknown option", argv[1],
				   "lsmguard check PATH...  (policy files or directories)");
	if (load_and_compile((const char *const *)argv + 1, (size_t)argc - 1,
			     LG_PARSE_STAT_PATHS | LG_PARSE_ADVICE | LG_LOAD_CHECK_OWNER, &set,
			     &compiled, 0, 0))
		return 1;
	check_exec_rules(&set, compiled, is_directory(argv[1]) ? argv[1] : LG_POLICY_DIR);
	for (size_t i = 0; i < set.count; i++)
		rules += lg_policy_rule_count(set.policies[i]);
	printf("policy OK: %zu file%s, %zu rule%s", set.count, set.count == 1 ? "" : "s", rules,
	       rules == 1 ? "" : "s");
	if (set.host_code_count)
		printf(", %zu host-code place%s (" LG_HOST_CODE_LIST ")", set.host_code_count,
		       set.host_code_count == 1 ? "" : "s");
	putchar('\n');
	lg_compiled_free(compiled);
	lg_policy_set_free(&set);
	return 0;
}

static const char *match_name(const struct lg_rule_source *r)
{
	switch (r->kind) {
	case LG_RULE_DEFAULT:
		return "default";
	case LG_RULE_NET:
		/* an abstract unix socket name: one name, or every name with that beginning */
		if (r->object[0] == '@' || strncmp(r->object, "listen @", 8) == 0)
			return r->object[strlen(r->object) - 1] == '*' ? "unix*" : "unix";
		return "prefix";
	case LG_RULE_PATH:
		return r->subtree ? "subtree" : "exact";
	case LG_RULE_ANONYMOUS:
		return "anon";
	case LG_RULE_SOCKETS:
		return "sockets";
	case LG_RULE_CAPABILITY:
		return "capability";
	}
	return "?";
}

/* A rule's section: [capabilities] is no class of its own in the kernel's records. */
static const char *rule_class_name(const struct lg_rule_source *r)
{
	return r->kind == LG_RULE_CAPABILITY ? "capabilities" : lg_class_name(r->class);
}

/* [system] keys a policy sets, one line each; nothing when no policy sets one. */
static void show_system_text(const struct lg_policy_set *set, int wname)
{
	bool header = false;

	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		for (int k = 0; k < LG_SYSTEM_KEY_COUNT; k++) {
			const struct lg_system_setting *s = &p->system.key[k];

			if (!s->set)
				continue;
			if (!header)
				printf("\n%-*s  %-10s  %-7s  %s\n", wname, "POLICY", "SYSTEM", "VALUE",
				       "SOURCE");
			header = true;
			printf("%-*s  %-10s  %-7s  %s:%u\n", wname, p->name,
			       lg_system_key_name((enum lg_system_key)k),
			       lg_system_values((enum lg_system_key)k)[s->value], p->file, s->line);
		}
	}
}

static void show_text(const struct lg_policy_set *set, const struct lg_compiled *c)
{
	int wname = 6, wobj = 6, wclass = 7, wmatch = 7;

	for (size_t i = 0; i < set->count; i++) {
		int len = (int)strlen(set->policies[i]->name);

		if (len > wname)
			wname = len;
	}
	for (size_t i = 0; i < c->rule_count; i++) {
		int len = (int)strlen(c->rules[i].object);

		if (len > wobj)
			wobj = len;
		if ((int)strlen(rule_class_name(&c->rules[i])) > wclass)
			wclass = (int)strlen(rule_class_name(&c->rules[i]));
		if ((int)strlen(match_name(&c->rules[i])) > wmatch)
			wmatch = (int)strlen(match_name(&c->rules[i]));
	}
	printf("%-*s  %-7s  %s\n", wname, "POLICY", "MODE", "CGROUP");
	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		printf("%-*s  %-7s  %s%s%s%s\n", wname, p->name,
		       lg_mode_name(p->mode), p->cgroup,
		       p->unit ? " (unit " : "", p->unit ? p->unit : "", p->unit ? ")" : "");
	}
	show_system_text(set, wname);
	printf("\n%4s  %-*s  %-*s  %-10s  %-*s  %-*s  %s\n", "RULE", wname, "POLICY", wclass,
	       "CLASS", "ACTION", wmatch, "MATCH", wobj, "OBJECT", "SOURCE");
	for (size_t i = 0; i < c->rule_count; i++) {
		const struct lg_rule_source *r = &c->rules[i];
		char source[4200];

		snprintf(source, sizeof(source), "%s:%u", r->file, r->line);
		printf("%4u  %-*s  %-*s  %-10s  %-*s  %-*s  %s\n", r->id, wname,
		       lg_set_policy(set, c, r->policy)->name, wclass, rule_class_name(r),
		       lg_action_name(r->action), wmatch, match_name(r), wobj, r->object, source);
	}
	printf("\n%zu polic%s, %zu rules (defaults included), %zu path keys, %zu address "
	       "prefixes, %zu bytes of map data\n",
	       c->policy_count, c->policy_count == 1 ? "y" : "ies", c->rule_count, c->path_count,
	       c->net_count, lg_compiled_map_bytes(c));
}

static void show_json(const struct lg_policy_set *set, const struct lg_compiled *c)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_object_start(&w);
	json_name(&w, "policies");
	json_array_start(&w);
	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		json_object_start(&w);
		json_uint_field(&w, "id", i + 1);
		json_string_field(&w, "name", p->name);
		json_string_field(&w, "file", p->file);
		json_string_field(&w, "cgroup", p->cgroup);
		if (p->unit)
			json_string_field(&w, "unit", p->unit);
		json_string_field(&w, "mode", lg_mode_name(p->mode));
		{
			struct lg_sockets sockets;
			char words[300];
			bool implied;

			lg_policy_sockets(p, &sockets, &implied);
			lg_sockets_format(&sockets, words, sizeof(words));
			json_string_field(&w, "sockets", words);
			json_bool_field(&w, "sockets_implied", implied);
		}
		json_name(&w, "system");
		json_object_start(&w);
		for (int k = 0; k < LG_SYSTEM_KEY_COUNT; k++)
			json_string_field(&w, lg_system_key_name((enum lg_system_key)k),
					  lg_system_values((enum lg_system_key)k)
						  [p->system.key[k].value]);
		json_object_end(&w);
		/* null: no [capabilities], not decided; else the capabilities kept */
		json_name(&w, "capabilities");
		if (!p->capabilities.present) {
			json_null(&w);
		} else {
			json_array_start(&w);
			for (unsigned cap = 0; cap < LG_CAP_COUNT; cap++)
				if (p->capabilities.keep & (1ULL << cap))
					json_string(&w, lg_capability_name(cap));
			json_array_end(&w);
		}
		json_object_end(&w);
	}
	json_array_end(&w);
	json_name(&w, "rules");
	json_array_start(&w);
	for (size_t i = 0; i < c->rule_count; i++) {
		const struct lg_rule_source *r = &c->rules[i];

		json_object_start(&w);
		json_uint_field(&w, "id", r->id);
		json_string_field(&w, "policy", lg_set_policy(set, c, r->policy)->name);
		json_string_field(&w, "class", rule_class_name(r));
		json_string_field(&w, "action", lg_action_name(r->action));
		json_string_field(&w, "match", match_name(r));
		json_string_field(&w, "object", r->object);
		json_string_field(&w, "file", r->file);
		json_uint_field(&w, "line", r->line);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_name(&w, "maps");
	json_object_start(&w);
	json_uint_field(&w, "path_keys", c->path_count);
	json_uint_field(&w, "address_prefixes", c->net_count);
	json_uint_field(&w, "bytes", lg_compiled_map_bytes(c));
	json_object_end(&w);
	json_object_end(&w);
	json_newline(&w);
}

int cmd_show(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct lg_policy_set set;
	struct lg_compiled *compiled;
	bool json = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+j", options, NULL)) != -1) {
		if (opt != 'j')
			return usage_error("unknown option", argv[optind - 1],
					   "lsmguard show [--json] PATH...");
		json = true;
	}
	if (optind >= argc)
		return usage_error("no policy file or directory given", NULL,
				   "lsmguard show [--json] PATH...");
	if (load_and_compile((const char *const *)argv + optind, (size_t)(argc - optind),
			     LG_LOAD_CHECK_OWNER, &set, &compiled, 0, 0))
		return 1;
	if (json)
		show_json(&set, compiled);
	else
		show_text(&set, compiled);
	lg_compiled_free(compiled);
	lg_policy_set_free(&set);
	return 0;
}
