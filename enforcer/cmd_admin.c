// SPDX-License-Identifier: GPL-2.0-only
/* `lsmguard status`, `lsmguard exec` and `lsmguard unload`. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "bpf_state.h"
#include "connect_attach.h"
#include "commands.h"
#include "host.h"
#include "json.h"
#include "log.h"
#include "names.h"
#include "state.h"
#include "table.h"


/*
 * Each program's size as the kernel runs it and the instructions its verifier processed, read
 * through the pinned links or programs (for the performance work: the verifier's limit is 1M).
 */
static void programs_json(struct json_writer *w)
{
	json_name(w, "programs");
	json_array_start(w);
	for (int i = 0; i < lg_program_count; i++) {
		struct bpf_link_info link = {0};
		struct bpf_prog_info prog = {0};
		__u32 link_len = sizeof(link), prog_len = sizeof(prog);
		char path[512];
		int link_fd, prog_fd;

		snprintf(path, sizeof(path), "%s/links/%s", LG_PIN_DIR, lg_program_names[i]);
		link_fd = bpf_obj_get(path);
		if (link_fd >= 0) {
			prog_fd = bpf_obj_get_info_by_fd(link_fd, &link, &link_len) == 0
					  ? bpf_prog_get_fd_by_id(link.prog_id)
					  : -1;
			close(link_fd);
		} else {
			/* the cgroup connect programs: pinned as programs, linked per cgroup */
			snprintf(path, sizeof(path), "%s/progs/%s", LG_PIN_DIR, lg_program_names[i]);
			prog_fd = bpf_obj_get(path);
		}
		if (prog_fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(prog_fd, &prog, &prog_len) == 0) {
			json_object_start(w);
			json_string_field(w, "name", lg_program_names[i]);
			json_uint_field(w, "insns", prog.xlated_prog_len / 8);
			json_uint_field(w, "verified_insns", prog.verified_insns);
			json_object_end(w);
		}
		close(prog_fd);
	}
	json_array_end(w);
}

static const char *last_reload(const struct lg_state *state)
{
	if (state->reloads_ok + state->reloads_refused == 0)
		return "none";
	return state->last_reload_ok ? "ok" : "refused";
}

/* The hard-link records: their capacity, and the links the kernel could not record. */
static void link_records_json(struct json_writer *w, const struct lg_bpf *bpf)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info), index = LG_EPOCH_LINKS_UNRECORDED;
	__u64 unrecorded = 0, capacity = 0, rules = 0, made = 0;

	if (bpf_obj_get_info_by_fd(bpf->map_fd[LG_MAP_LINKS], &info, &len) != 0)
		return;
	bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &unrecorded);
	index = LG_EPOCH_LINKS_CAPACITY;
	if (bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &capacity) || !capacity)
		capacity = info.max_entries; /* pins of a version without the reserve */
	index = LG_EPOCH_LINKS_MADE;
	bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &made);
	index = LG_EPOCH_LINKS_RULES_UNRECORDED;
	bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &rules);
	json_name(w, "link_records");
	json_object_start(w);
	json_uint_field(w, "capacity", capacity);
	json_uint_field(w, "unrecorded", unrecorded);
	json_uint_field(w, "used", made);
	json_bool_field(w, "full", made >= capacity);
	/* files of exact deny rules with other names that reloads could not record */
	json_uint_field(w, "rule_files_unrecorded", rules);
	json_object_end(w);
}

/*
 * What the daemon recorded for the generation in force: its pinned record (state.h), or the /run
 * copy where there is none (a daemon of a version without it); never a record of another
 * generation (attack run 7, 275: with /run full the copy stayed at the generation before a
 * reload that was in force). 0; -ESTALE when no record is of the generation in force: no
 * policies then, the reload counts as read.
 */
static int read_state_in_force(const struct lg_config *config, struct lg_state *state)
{
	int fd = lg_state_map_open(LG_PIN_DIR, false), ret = -ENOENT;

	if (fd >= 0) {
		ret = lg_state_map_read(fd, state);
		close(fd);
	}
	if (ret && ret != -E2BIG) {
		lg_state_free(state);
		lg_state_read(LG_STATE_DIR, state);
	} else if (ret == -E2BIG && state->generation == config->generation) {
		struct lg_state copy;

		/* Too long for the record: the copy, if it is of the same generation. */
		if (lg_state_read(LG_STATE_DIR, &copy) == 0 &&
		    copy.generation == state->generation) {
			free(state->policies);
			state->policies = copy.policies;
			state->count = copy.count;
			state->bank = copy.bank;
			return 0;
		}
		lg_state_free(&copy);
		state->generation = 0;
	}
	if (state->generation == config->generation)
		return 0;
	free(state->policies);
	state->policies = NULL;
	state->count = 0;
	return -ESTALE;
}

/*
 * The host budgets off on this kernel (docs/policy.md "Host budgets"): those whose kernel
 * variables /proc/kallsyms shows no address of, read now as the loader read it at the load.
 * Root only: kallsyms shows zeros to others (kernel.kptr_restrict=1), which would report them
 * all off.
 */
static unsigned budgets_off(void)
{
	unsigned long long at[LG_KV_COUNT];

	if (geteuid() != 0)
		return 0;
	if (lg_kallsyms_addresses("/proc/kallsyms", lg_kernel_variable_names, at, LG_KV_COUNT))
		memset(at, 0, sizeof(at));
	return lg_host_budgets_off(at);
}

/*
 * The process the stop guard protects from PID 1's signals (run --stop-guard): 0 for none, -1
 * when the pins have no entry for it (an older version's). A daemon killed (SIGKILL, the OOM
 * killer) leaves its pid there until the next daemon sets its own: status compares it with the
 * running daemon's.
 */
static long stop_guard_pid(const struct lg_bpf *bpf)
{
	__u32 index = LG_EPOCH_STOP_GUARD;
	__u64 pid = 0;

	if (bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &pid))
		return -1;
	return (long)pid;
}

/* status --json: one document. */
static void status_json(const struct lg_bpf *bpf, const struct lg_state *state, bool active,
			int links, const struct lg_config *config, bool known)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_object_start(&w);
	json_bool_field(&w, "active", active);
	json_int_field(&w, "links", links);
	json_uint_field(&w, "generation", config->generation);
	/* false: no record of the generation in force, so no policy is listed */
	json_bool_field(&w, "policies_known", !active || known);
	json_int_field(&w, "daemon_pid", lg_pidfile_running(LG_STATE_DIR));
	/* the pid PID 1 cannot signal before `lsmguard stop`; 0: no guard; -1: older pins */
	json_int_field(&w, "stop_guard_pid", active ? stop_guard_pid(bpf) : 0);
	json_name(&w, "reloads");
	json_object_start(&w);
	json_uint_field(&w, "ok", state->reloads_ok);
	json_uint_field(&w, "refused", state->reloads_refused);
	json_string_field(&w, "last", last_reload(state));
	json_int_field(&w, "last_time", state->last_reload_time);
	json_object_end(&w);
	json_name(&w, "policies");
	json_array_start(&w);
	for (size_t i = 0; active && i < state->count; i++) {
		const struct lg_state_policy *p = &state->policies[i];

		json_object_start(&w);
		json_string_field(&w, "name", p->name);
		json_uint_field(&w, "id", p->id);
		json_string_field(&w, "mode", p->mode);
		json_string_field(&w, "cgroup", p->cgroup);
		json_string_field(&w, "file", p->file);
		json_name(&w, "counters");
		json_object_start(&w);
		for (unsigned hook = lg_hook_next(0); hook < LG_HOOK_COUNT;
		     hook = lg_hook_next(hook)) {
			struct lg_counter c;

			lg_counter_read(bpf, p->id, hook, &c);
			json_name(&w, lg_hook_name(hook));
			json_object_start(&w);
			json_uint_field(&w, "allowed", c.allowed);
			json_uint_field(&w, "denied", c.denied);
			json_uint_field(&w, "audited", c.audited);
			json_uint_field(&w, "dropped", c.dropped);
			json_uint_field(&w, "suppressed", c.suppressed);
			json_uint_field(&w, "cached", c.cached);
			json_object_end(&w);
		}
		json_object_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	if (active) {
		unsigned off = budgets_off();

		json_name(&w, "host_budgets_off");
		json_array_start(&w);
		for (int b = 0; b < LG_BUDGET_KALLSYMS_COUNT; b++)
			if (off & (1u << b))
				json_string(&w, lg_kallsyms_budget_names[b]);
		json_array_end(&w);
		link_records_json(&w, bpf);
		programs_json(&w);
	}
	json_object_end(&w);
	json_newline(&w);
}

/* A row of the policies table: the policy's name, mode and cgroup on its first row only. */
static int policy_row(struct lg_table *table, const struct lg_state_policy *p, bool first,
		      const char *hook, const struct lg_counter *c)
{
	const __u64 counts[6] = {c->allowed, c->cached,  c->denied,
				 c->audited, c->dropped, c->suppressed};
	const char *cells[10];
	char n[6][24];

	cells[0] = first ? p->name : "";
	cells[1] = first ? p->mode : "";
	cells[2] = hook;
	for (int k = 0; k < 6; k++) {
		snprintf(n[k], sizeof(n[k]), "%llu", (unsigned long long)counts[k]);
		cells[3 + k] = n[k];
	}
	cells[9] = first ? p->cgroup : "";
	return lg_table_add(table, cells);
}

/* The policies in force, a row for each hook that decided something (one look per policy),
 * "-" for a policy that decided nothing yet; every column as wide as its content. */
static void policies_table(const struct lg_bpf *bpf, const struct lg_state *state)
{
	static const char *const headers[] = {"POLICY",	 "MODE",    "HOOK",    "ALLOWED",
					      "CACHED",	 "DENIED",  "AUDITED", "DROPPED",
					      "SUPPRESSED", "CGROUP"};
	static const bool right[] = {false, false, false, true, true, true, true, true, true, false};
	static const struct lg_counter none;
	struct lg_table table;

	if (lg_table_init(&table, 10, headers, right))
		return;
	for (size_t i = 0; i < state->count; i++) {
		const struct lg_state_policy *p = &state->policies[i];
		int rows = 0;

		for (unsigned hook = lg_hook_next(0); hook < LG_HOOK_COUNT;
		     hook = lg_hook_next(hook)) {
			struct lg_counter c;

			lg_counter_read(bpf, p->id, hook, &c);
			if ((c.allowed || c.denied || c.audited || c.dropped || c.suppressed) &&
			    policy_row(&table, p, rows == 0, lg_hook_name(hook), &c) == 0)
				rows++;
		}
		if (!rows)
			policy_row(&table, p, true, "- (no decision yet)", &none);
	}
	printf("\n");
	lg_table_print(&table, stdout);
	lg_table_free(&table);
}

static void status_text(const struct lg_bpf *bpf, const struct lg_state *state, bool active,
			int links, const struct lg_config *config, bool known)
{
	unsigned off = active ? budgets_off() : 0;

	printf("enforcement: %s (%d of %d programs attached, generation %u, daemon %s)\n",
	       active ? "active" : "INACTIVE", links, lg_program_count, config->generation,
	       lg_pidfile_running(LG_STATE_DIR) ? "running" : "not running");
	if (active) {
		long guarded = stop_guard_pid(bpf);

		if (guarded > 0 && guarded == lg_pidfile_running(LG_STATE_DIR))
			printf("stop guard: on (PID 1 cannot signal pid %ld before `lsmguard stop`)\n",
			       guarded);
		else if (guarded > 0)
			printf("stop guard: left for pid %ld, which is not the running daemon (one "
			       "killed before its exit; the next start sets its own)\n",
			       guarded);
		else
			printf("stop guard: off (%s)\n",
			       guarded < 0 ? "the pins are an older lsmguard's: `lsmguard unload` and "
					     "a start, or a reboot, bring it"
					   : "no daemon started with --stop-guard holds it");
	}
	if (state->reloads_ok + state->reloads_refused) {
		char when[32] = "?";
		time_t t = (time_t)state->last_reload_time;
		struct tm tm;

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("reloads: %u put in force, %u refused; the last one %s at %s%s\n",
		       state->reloads_ok, state->reloads_refused,
		       state->last_reload_ok ? "put in force" : "REFUSED", when,
		       state->last_reload_ok ? "" : " (the set before it stays in force)");
	}
	if (off) {
		printf("host budgets off:");
		for (int b = 0, n = 0; b < LG_BUDGET_KALLSYMS_COUNT; b++)
			if (off & (1u << b))
				printf("%s %s", n++ ? "," : "", lg_kallsyms_budget_names[b]);
		printf(" (/proc/kallsyms shows no address of their kernel variables: "
		       "kernel.kptr_restrict=2, or a kernel built without CONFIG_KALLSYMS_ALL; "
		       "docs/policy.md \"Host budgets\")%s\n",
		       off & (1u << LG_BUDGET_KEY_CHOWN)
			   ? "; a confined KEYCTL_CHOWN into another user is refused instead"
			   : "");
	}
	if (active && !known)
		printf("policies: not known (no record of generation %u by the daemon; its last "
		       "is %u): lsmguard lists no policies of another generation\n",
		       config->generation, state->generation);
	if (active && state->count)
		policies_table(bpf, state);
}

int cmd_status(int argc, char **argv)
{
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
	struct lg_state state = {0};
	struct lg_config config = {0};
	struct lg_bpf bpf;
	char err[512];
	int links = 0;
	bool active, known;

	if (argc > 2 || (argc == 2 && !json))
		return usage_error(argv[1][0] == '-' ? "unknown option" : "unexpected argument",
				   argc == 2 || !json ? argv[1] : argv[2], "lsmguard status [--json]");
	active = lg_bpf_links_pinned(LG_PIN_DIR, &links);
	if (lg_bpf_adopt(&bpf, LG_PIN_DIR, err, sizeof(err)) != 0) {
		if (active || links)
			log_warnx("%s", err); /* pins exist but cannot be read: say why */
		active = false;
		bpf.map_fd[0] = -1;
	} else if (lg_config_read(&bpf, &config) != 0 || config.generation == 0) {
		active = false;
	}
	known = !active || read_state_in_force(&config, &state) == 0;
	if (json)
		status_json(&bpf, &state, active, links, &config, known);
	else
		status_text(&bpf, &state, active, links, &config, known);
	if (bpf.map_fd[0] >= 0)
		lg_bpf_close(&bpf);
	lg_state_free(&state);
	return active ? 0 : 1;
}

/*
 * The cgroup of policy name: from the record of the generation in force (1; read as status
 * reads it, never a stale copy), else from the policy directory (0: not in force); -ENOENT when
 * neither has it. *active: lsmguard's programs are attached and a generation is in force.
 */
static int find_policy_cgroup(const char *name, const char *policy_dir, char *cgroup, size_t size,
			      bool *active)
{
	struct lg_state state = {0};
	struct lg_config config = {0};
	struct lg_policy_set set;
	struct lg_diag diag = {0};
	const char *paths[] = {policy_dir};
	struct lg_bpf bpf;
	char err[512];
	int ret = -ENOENT, links = 0;

	*active = lg_bpf_links_pinned(LG_PIN_DIR, &links);
	if (*active && lg_bpf_adopt(&bpf, LG_PIN_DIR, err, sizeof(err)) == 0) {
		if (lg_config_read(&bpf, &config) != 0 || config.generation == 0)
			*active = false;
		else if (read_state_in_force(&config, &state) == 0)
			for (size_t i = 0; i < state.count && ret; i++)
				if (strcmp(state.policies[i].name, name) == 0) {
					snprintf(cgroup, size, "%s", state.policies[i].cgroup);
					ret = 1;
				}
		lg_state_free(&state);
		lg_bpf_close(&bpf);
	} else {
		*active = false;
	}
	if (ret == 1)
		return 1;
	if (lg_policy_set_load(paths, 1, 0, &set, &diag) == 0) {
		for (size_t i = 0; i < set.count && ret; i++) {
			if (strcmp(set.policies[i]->name, name) == 0) {
				snprintf(cgroup, size, "%s", set.policies[i]->cgroup);
				ret = 0;
			}
		}
		lg_policy_set_free(&set);
	}
	lg_diag_free(&diag);
	return ret;
}

#define EXEC_USAGE "lsmguard exec [--policy-dir DIR] [--unconfined] NAME -- COMMAND [ARGS...]"

int cmd_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{"policy-dir", required_argument, NULL, 'p'},
		{"unconfined", no_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	const char *policy_dir = LG_POLICY_DIR;
	bool unconfined = false, active;
	char cgroup[4096];
	int opt, ret, found;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:p:", options, NULL)) != -1) {
		if (opt == ':')
			return usage_error("missing value after", argv[optind - 1], EXEC_USAGE);
		if (opt == 'u') {
			unconfined = true;
			continue;
		}
		if (opt != 'p')
			return usage_error("unknown option", argv[optind - 1], EXEC_USAGE);
		policy_dir = optarg;
	}
	if (optind >= argc)
		return usage_error("no policy name given", NULL, EXEC_USAGE);
	if (optind + 1 >= argc || strcmp(argv[optind + 1], "--") != 0)
		return usage_error("expected '--' after the policy name", NULL, EXEC_USAGE);
	if (optind + 2 >= argc)
		return usage_error("no command given after '--'", NULL, EXEC_USAGE);
	found = find_policy_cgroup(argv[optind], policy_dir, cgroup, sizeof(cgroup), &active);
	if (found < 0)
		fatalx("no policy named '%s' is loaded or in %s", argv[optind], policy_dir);
	/* "Under that policy" holds only when the programs are attached and the policy is in
	 * force: anything else would run the command unconfined, so it takes --unconfined. */
	if (!active && !unconfined)
		fatalx("enforcement is not active (no lsmguard programs are attached): '%s' would run "
		       "unconfined; start the daemon (systemctl start lsmguard), or pass --unconfined "
		       "to run it in cgroup %s without enforcement",
		       argv[optind + 2], cgroup);
	if (active && !found && !unconfined)
		fatalx("policy '%s' is in %s but not in force (the daemon has not loaded it): '%s' "
		       "would run unconfined; reload the daemon (systemctl reload lsmguard), or pass "
		       "--unconfined to run it in cgroup %s without enforcement",
		       argv[optind], policy_dir, argv[optind + 2], cgroup);
	if (!active || !found)
		log_warnx("--unconfined: '%s' runs in cgroup %s without enforcement (%s)",
			  argv[optind + 2], cgroup,
			  !active ? "enforcement is not active" : "the policy is not in force");
	ret = lg_cgroup_create(cgroup);
	if (ret)
		fatalx("cannot create cgroup %s: %s", cgroup, strerror(-ret));
	/* The daemon attaches the cgroup connect programs once it sees the new cgroup: until then
	 * the command's MPTCP sockets and connects to 0.0.0.0 would be refused (fail closed) */
	ret = active && found ? lg_connect_programs_wait(LG_PIN_DIR, cgroup, 1000) : 0;
	if (ret)
		log_warnx("the connect programs are not in force in cgroup %s yet (%s; is the daemon "
			  "running?): the command's MPTCP sockets and connects to 0.0.0.0 are refused "
			  "until they are",
			  cgroup, strerror(-ret));
	ret = lg_cgroup_enter(cgroup, 0);
	if (ret)
		fatalx("cannot enter cgroup %s: %s", cgroup, strerror(-ret));
	execvp(argv[optind + 2], argv + optind + 2);
	fatal("cannot execute %s", argv[optind + 2]);
}

#define STOP_USAGE "lsmguard stop [--main-pid=PID]"

/*
 * lsmguard.service's ExecStop=: clear the stop guard (the daemon's --stop-guard, which has the
 * kernel refuse PID 1's signals to it), then stop the daemon and wait for it, up to 60 s, so that
 * what systemd sends after finds nothing left. Enforcement stays in force. With no pins, or
 * pins of a layout without the guard, there is no guard to clear. --main-pid=PID (ExecStopPost=,
 * with systemd's ${MAINPID}): only when the running daemon is PID, and nothing when PID is empty
 * (the main process is gone): a stop that skipped ExecStop= (one during start or reload) left
 * the guarded daemon running after every signal of systemd's was refused.
 */
int cmd_stop(int argc, char **argv)
{
	__u32 index = LG_EPOCH_STOP_GUARD;
	__u64 none = 0;
	long only = 0;
	char path[512], *end;
	int fd, pid, pidfd;

	if (argc > 2)
		return usage_error("unexpected argument", argv[2], STOP_USAGE);
	if (argc == 2) {
		if (strncmp(argv[1], "--main-pid=", 11) != 0)
			return usage_error(argv[1][0] == '-' ? "unknown option" : "unexpected argument",
					   argv[1], STOP_USAGE);
		if (!argv[1][11]) {
			log_info("no main process: nothing to stop");
			return 0;
		}
		only = strtol(argv[1] + 11, &end, 10);
		if (*end || only < 2 || only > 0x3fffffff)
			return usage_error("the main pid is a process number:", argv[1] + 11,
					   STOP_USAGE);
	}
	pid = lg_pidfile_running(LG_STATE_DIR);
	if (only && pid != only) {
		log_info("the daemon is not pid %ld: nothing to stop", only);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/maps/%s", LG_PIN_DIR, lg_map_names[LG_MAP_EPOCHS]);
	fd = bpf_obj_get(path);
	if (fd < 0 && errno != ENOENT)
		log_warnx("cannot open %s to clear the stop guard: %s", path, strerror(errno));
	if (fd >= 0 && bpf_map_update_elem(fd, &index, &none, BPF_ANY) && errno != E2BIG)
		log_warnx("cannot clear the stop guard in %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (!pid) {
		log_info("the daemon is not running");
		return 0;
	}
	/* By a descriptor of the process: a pid freed and taken again while waiting is not it. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 ? kill(pid, SIGTERM) : (int)syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0)) {
		if (errno != ESRCH)
			fatal("cannot stop the daemon (pid %d)", pid);
	} else if (pidfd >= 0) {
		struct pollfd exited = {.fd = pidfd, .events = POLLIN};

		if (poll(&exited, 1, 60 * 1000) == 0) {
			log_warnx("the daemon (pid %d) has not exited 60 s after SIGTERM", pid);
			close(pidfd);
			return 1;
		}
	} else {
		for (int i = 0; i < 600 && kill(pid, 0) == 0; i++)
			usleep(100 * 1000);
		if (kill(pid, 0) == 0) {
			log_warnx("the daemon (pid %d) has not exited 60 s after SIGTERM", pid);
			return 1;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	log_info("stopped the daemon (pid %d); enforcement stays in force", pid);
	return 0;
}

int cmd_unload(int argc, char **argv)
{
	int pid, ret, links = 0;

	if (argc != 1)
		return usage_error(argv[1][0] == '-' ? "unknown option" : "unexpected argument",
				   argv[1], "lsmguard unload");
	pid = lg_pidfile_running(LG_STATE_DIR);
	if (pid) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 50 && kill(pid, 0) == 0; i++)
			usleep(100 * 1000);
	}
	lg_bpf_links_pinned(LG_PIN_DIR, &links);
	ret = lg_bpf_unpin(LG_PIN_DIR);
	if (ret)
		fatalx("cannot remove the pins in %s: %s", LG_PIN_DIR, strerror(-ret));
	unlink(LG_STATE_DIR "/state");
	unlink(LG_STATE_DIR "/lsmguard.pid");
	if (links == 0 && !pid) {
		log_info("nothing to unload");
		return 0;
	}
	log_info("unloaded: %d program%s detached, enforcement ended", links, links == 1 ? "" : "s");
	return 0;
}
