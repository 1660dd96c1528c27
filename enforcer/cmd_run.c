// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lsmguard run`: check the kernel, compile the policy directory, load (or adopt) the BPF side,
 * put the policies in force, then stream events until told to stop. SIGHUP reloads; SIGTERM and
 * SIGINT end the daemon and leave enforcement in force (the links are pinned).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "atomic_file.h"
#include "bpf_state.h"
#include "canary.h"
#include "commands.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "output.h"
#include "ringbuf.h"
#include "connect_attach.h"
#include "selfprot.h"
#include "skipped.h"
#include "state.h"

struct daemon {
	/* The carried rules' names a mount change last started a load for (host_aliases_changed). */
	__u64 alias_tried;
	/* Mount-change loads (mount_change_load): a bucket of LG_ALIAS_LOAD_BURST, one more a
	 * second; whether a change waits for one, and until when (monotonic ms). */
	double alias_tokens, alias_tokens_at;
	double alias_load_at;
	bool alias_load_due;
	/* /proc/self/mountinfo, opened before the mount table is first read: it polls with
	 * POLLPRI at every later change of the mount table (-1: not open). */
	int mount_fd;
	const char *policy_dir;
	struct lg_policy_dir dir;      /* the policy directory opened at start, read through */
	struct lg_protected protected; /* lsmguard's own objects (LG_BUILTIN_PROTECTED) */
	const char *log_path;
	const char *pin_dir;
	const char *state_dir;
	/* Events and notices: stdout (or syslog), and the --log file; neither ever blocks. */
	struct lg_output out;
	struct lg_output log;
	struct lg_bpf bpf;
	struct lg_loaded loaded;
	/* The event ring buffer: libbpf's reader (an epoll watch), or, when uid 0 has no watch
	 * left (ringbuf.h), lsmguard's own through poll() on the map; one of the two is open. */
	struct ring_buffer *events_epoll;
	struct lg_ringbuf events;
	unsigned reloads;
	double compile_ms;  /* the last load's parse and compile, for the reload event */
	double in_force_ms; /* ... and from its start until the new set was enforced */
	bool syslog;        /* events and notices to syslog instead of stdout */
	bool stop_guard;    /* --stop-guard: PID 1's signals refused until `lsmguard stop` */
	const char *metrics_path;
	unsigned metrics_interval; /* seconds */
	struct lg_metrics metrics;
	/* lg_lost as last reported: what a key had then, and when the next loss counts from. */
	struct lg_lost_seen lost[LG_LOST_KEYS];
	unsigned lost_keys;
	/* The daemon's record in bpffs (state.h): state, reload counts, the lost snapshot. */
	int state_fd, lost_seen_fd;
	struct lg_state_header state_header;
	/* The tracing programs' skipped runs (skipped.h), looked at once a second. */
	struct lg_skipped skipped;
	double next_skip_check;
	/* The cgroup connect programs' attachments (connect_attach.h): the kernel's count of
	 * cgroups bound at their creation when last synced, and quick retries left while a bound
	 * cgroup's directory has not appeared yet or an attachment failed (0: none pending; 1:
	 * once a second), when the next one is due, and the last failure said. */
	unsigned long long bound_seen;
	unsigned connect_retries;
	double next_connect_sync;
	char connect_error[512];
	/* Host mounts the mount table has no room for, as last said (lg_apply_mounts_unrecorded). */
	size_t unrecorded_said;
};

/* The key under which an output counts lsmguard's own lines it did not take. */
static const struct lg_lost_key own_lines;

/*
 * One line (ending in a newline) to stdout or syslog, and to the --log file. An output that
 * does not take it counts it under key at time_ns (0: now); report_output_lost says so once it
 * takes lines again. Whether both took it.
 */
static bool put_line(struct daemon *d, int priority, const char *line,
		     const struct lg_lost_key *key, __u64 time_ns)
{
	size_t len = strlen(line);
	bool out = lg_output_put(&d->out, line, len, priority, key, time_ns);
	bool log = lg_output_put(&d->log, line, len, priority, key, time_ns);

	return out && log;
}

/* A JSON line built in memory, then put out whole by line_put. */
struct line {
	char *text;
	size_t size;
	FILE *mem;
	struct json_writer w;
};

static bool line_start(struct line *l)
{
	l->text = NULL;
	l->mem = open_memstream(&l->text, &l->size);
	if (!l->mem)
		return false;
	json_init(&l->w, l->mem);
	return true;
}

/* The line on stdout (or syslog), and in the --log file; whether both took it. */
static bool line_put_keyed(struct daemon *d, struct line *l, int priority,
			   const struct lg_lost_key *key, __u64 time_ns)
{
	bool ok = false;

	if (fclose(l->mem) == 0)
		ok = put_line(d, priority, l->text, key, time_ns);
	free(l->text);
	return ok;
}

static void line_put(struct daemon *d, struct line *l, int priority)
{
	line_put_keyed(d, l, priority, &own_lines, 0);
}

/* Whether an event comes from the built-in canary (its denials are expected, not news). */
static bool is_canary_event(const struct daemon *d, const struct lg_event *ev)
{
	const struct lg_policy *p = lg_loaded_policy(&d->loaded, ev->policy, NULL);

	return p && lg_policy_is_canary(p);
}

static int on_event(void *ctx, const void *data, size_t size);

/* Records read a turn of the loop (each is an event line of a few hundred bytes). */
#define LG_EVENTS_PER_TURN 4096

/* Records libbpf's reader handed this turn (consume_events). */
static unsigned events_this_turn;

/* libbpf's callback type: the same, and a stop after LG_EVENTS_PER_TURN records (libbpf's
 * consume keeps reading while records come: a flood would hold the loop). */
static int on_event_epoll(void *ctx, void *data, size_t size)
{
	on_event(ctx, data, size);
	return ++events_this_turn >= LG_EVENTS_PER_TURN ? -EAGAIN : 0;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	struct daemon *d = ctx;
	const struct lg_event *ev = data;
	struct lg_lost_key key = {0};
	struct line l;

	if (size < sizeof(struct lg_event) || is_canary_event(d, data))
		return 0;
	/* Counted as the kernel counts the ring buffer's losses (common.bpf.h). */
	key.policy = ev->policy;
	key.rule = ev->rule;
	key.hook = ev->hook;
	key.builtin =
	    (ev->flags & LG_EVENT_BUILTIN) && ev->builtin < LG_BUILTIN_COUNT ? ev->builtin : 0;
	if (!line_start(&l))
		return 0;
	lg_event_print(l.mem, ev, &d->loaded);
	line_put_keyed(d, &l, (ev->flags & LG_EVENT_AUDIT) ? LOG_NOTICE : LOG_WARNING, &key,
		       ev->time_ns);
	return 0;
}

/*
 * A lost event is never silent: for every (policy, rule) whose count of lost events grew since
 * the last look, one "lost" event with how many and over which interval. The first look of a
 * daemon that loaded the maps itself only takes the snapshot; one that adopted them starts from
 * its predecessor's last look (the pinned lg_lost_seen), so what was lost while no daemon ran is
 * reported too, and only that. Each key's new count is saved there once it has been said: no
 * file, so a full /run cannot make the next daemon say it again (attack run 7, 278).
 */
static void report_lost(struct daemon *d, bool silent)
{
	struct lg_lost_key key, next;
	struct lg_lost_value value;
	int fd = d->bpf.map_fd[LG_MAP_LOST];
	bool first = true;

	/* After what the output itself lost (report_output_lost), never before it. */
	if (!silent && d->out.loss_keys)
		return;
	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		struct lg_lost_seen *seen = NULL;
		struct line l;
		bool taken;

		first = false;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &value))
			continue;
		for (unsigned i = 0; i < d->lost_keys; i++)
			if (memcmp(&d->lost[i].key, &key, sizeof(key)) == 0)
				seen = &d->lost[i];
		if (!seen) {
			if (d->lost_keys == LG_LOST_KEYS)
				continue;
			seen = &d->lost[d->lost_keys++];
			*seen = (struct lg_lost_seen){.key = key};
		}
		if (value.count == seen->count)
			continue;
		/* The canary's own events (its denials are expected): lost or not, no news. A
		 * canary run into a full ring buffer (a restart after a stop) loses them. */
		if (value.count > seen->count && !silent &&
		    !(lg_loaded_policy(&d->loaded, key.policy, NULL) &&
		      lg_policy_is_canary(lg_loaded_policy(&d->loaded, key.policy, NULL)))) {
			/* Not taken by stdout (or syslog): the next look reports the whole of it.
			 */
			if (!line_start(&l))
				continue;
			lg_lost_print(l.mem, &key, value.count - seen->count,
				      seen->count ? seen->last_ns : value.first_ns, value.last_ns,
				      key.where == LG_LOST_RATE_LIMIT ? "rate_limit"
								       : "ring_buffer",
				      &d->loaded);
			if (fclose(l.mem) != 0) {
				free(l.text);
				continue;
			}
			taken =
			    lg_output_put(&d->out, l.text, strlen(l.text), LOG_WARNING, NULL, 0);
			if (taken)
				lg_output_put(&d->log, l.text, strlen(l.text), LOG_WARNING, &key,
					      0);
			free(l.text);
			if (!taken)
				continue;
		}
		seen->count = value.count;
		seen->last_ns = value.last_ns;
		if (lg_lost_seen_map_put(d->lost_seen_fd, seen))
			log_warn("cannot save the lost-event snapshot (%s)", LG_LOST_SEEN_MAP);
	}
}

/*
 * The lines an output did not take (journald stopped, a pipe nobody read): once it takes lines
 * again, one "lost" event per (policy, rule) with how many and over which interval, to that
 * output. A summary it does not take either stays counted for the next turn.
 */
static void report_output_lost(struct daemon *d, struct lg_output *o)
{
	const struct lg_output_loss *loss;

	while ((loss = lg_output_loss_pending(o))) {
		struct line l;
		bool taken;

		if (!line_start(&l))
			return;
		lg_lost_print(l.mem, &loss->key, loss->count, loss->first_ns, loss->last_ns,
			      "output", &d->loaded);
		if (fclose(l.mem) != 0) {
			free(l.text);
			return;
		}
		taken = lg_output_put(o, l.text, strlen(l.text), LOG_WARNING, NULL, 0);
		free(l.text);
		if (!taken)
			return;
		lg_output_loss_done(o);
	}
}

/* The metrics file, if asked for; a failure is said once per kind, not at every write. */
static void write_metrics(struct daemon *d)
{
	static int last_error;
	struct lg_config config;
	char *text;
	int ret;

	if (!d->metrics_path)
		return;
	if (lg_config_read(&d->bpf, &config))
		config.generation = 0;
	text = lg_metrics_format(&d->metrics, &d->bpf, &d->loaded.bank[config.active_bank],
				 config.generation);
	ret = text ? lg_write_file_atomically(d->metrics_path, text, 0644) : -ENOMEM;
	free(text);
	if (ret && ret != last_error)
		log_warnx("cannot write the metrics file %s: %s", d->metrics_path, strerror(-ret));
	last_error = ret;
}

int lg_kernel_check(char *err, size_t errsize)
{
	char lsm[512] = "";
	FILE *f;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(err, errsize, "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); "
				       "lsmguard needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return -ENOTSUP;
	}
	f = fopen("/sys/kernel/security/lsm", "re");
	if (!f) {
		snprintf(err, errsize,
			 "cannot read the active LSM list (/sys/kernel/security/lsm: %s); mount "
			 "securityfs: mount -t securityfs securityfs /sys/kernel/security",
			 strerror(errno));
		return -ENOTSUP;
	}
	if (!fgets(lsm, sizeof(lsm), f))
		lsm[0] = '\0';
	fclose(f);
	lsm[strcspn(lsm, "\n")] = '\0';
	for (char *p = lsm, *save = NULL, *tok; (tok = strtok_r(p, ",", &save)); p = NULL)
		if (strcmp(tok, "bpf") == 0)
			return 0;
	/* strtok_r cut the list: read it again for the message. */
	f = fopen("/sys/kernel/security/lsm", "re");
	if (f) {
		if (!fgets(lsm, sizeof(lsm), f))
			lsm[0] = '\0';
		fclose(f);
		lsm[strcspn(lsm, "\n")] = '\0';
	}
	snprintf(err, errsize,
		 "BPF LSM is not active (lsm=%s); add lsm=%s%sbpf to the kernel command line "
		 "(in GRUB_CMDLINE_LINUX of /etc/default/grub, then update-grub and reboot)",
		 lsm, lsm, lsm[0] ? "," : "");
	return -ENOTSUP;
}

/*
 * Parse and compile the policy directory for bank. Prints diagnostics. A bank keeps the seed it
 * was first given: the mount and link records hold every bank's hashes, and a new seed at each
 * reload would rewrite all of them under running walks (see update_if_changed in apply.c). Only
 * when two paths collide under the kept seed does the compiler draw another
 * (lg_compile_keeping_seed); lg_apply then keeps the new one.
 */
static int compile_dir(struct daemon *d, const struct lg_config *config, unsigned bank,
		       struct lg_loaded_set *out)
{
	struct lg_protected fresh;
	struct lg_diag diag = {0};
	int ret;

	/* lsmguard's objects and host code again: the kernel settings that name programs may
	 * have been changed by the administrator since (confined tasks cannot change them), and
	 * host-code.list's places are added to this collection only (a place the list no longer
	 * names goes). Without it, nothing is loaded: the set in force stays. */
	if (lg_protected_collect(&fresh, d->policy_dir, d->state_dir, d->metrics_path,
				 d->log_path)) {
		log_warnx("out of memory collecting lsmguard's own objects; nothing was loaded");
		return -ENOMEM;
	}
	lg_protected_free(&d->protected);
	d->protected = fresh;
	ret = load_and_compile_at(d->dir.fd, d->policy_dir,
				  LG_LOAD_CHECK_OWNER | LG_LOAD_WITH_CANARY | LG_LOAD_REDRAW_SEED,
				  &out->set, &out->compiled, config->path_seed[bank], bank);
	if (ret)
		return ret;
	out->alias_digest = compiled_alias_digest;
	/* The administrator's host-code places (host-code.list), then lsmguard's own objects, in
	 * the same bank and under its seed. */
	ret = lg_protected_add_host_code(&d->protected, out->set.host_code,
					 out->set.host_code_count);
	if (!ret)
		ret = lg_compiled_add_protected_kinds(out->compiled,
						      (const char *const *)d->protected.paths,
						      d->protected.kinds, d->protected.count, &diag);
	print_diagnostics(&diag);
	lg_diag_free(&diag);
	if (ret) {
		log_warnx("cannot add lsmguard's own objects to the policies; nothing was loaded");
		lg_loaded_set_free(out);
	}
	return ret;
}

/* The rules of the administrator's policies in s (the canary's left out, as in their count). */
static size_t rule_count(const struct lg_loaded_set *s)
{
	const struct lg_policy *p;
	size_t rules = 0, index;
	__u32 id;

	lg_loaded_for_each(s, index, p, id)
		rules += lg_policy_rule_count(p);
	return rules;
}

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * What status reads: the pinned record first (it needs no space on /run; status goes by it and
 * by the generation in force, never by the file), then the /run copy. A failure is a warning:
 * the set is in force either way, and status says it does not know its policies.
 */
static void save_state(struct daemon *d, const struct lg_loaded_set *s, unsigned generation)
{
	char *text = lg_state_format(&s->set, s->compiled, generation);
	int ret;

	d->state_header.generation = generation;
	ret = text ? lg_state_map_write(d->state_fd, &d->state_header, text) : -ENOMEM;
	if (ret)
		log_warnx("cannot record generation %u in %s: %s; lsmguard status will not list "
			  "its policies",
			  generation, LG_STATE_MAP, strerror(-ret));
	ret = text ? lg_state_write(d->state_dir, text) : -ENOMEM;
	if (ret)
		log_warnx("cannot write %s/state: %s", d->state_dir, strerror(-ret));
	free(text);
}

/* The reload counts: in the record, then in the /run copy. */
static void save_reloads(struct daemon *d, bool last_ok, long long last_time)
{
	d->state_header.reloads_ok = d->metrics.reloads_ok;
	d->state_header.reloads_refused = d->metrics.reloads_failed;
	d->state_header.last_reload_ok = last_ok;
	d->state_header.last_reload_time = last_time;
	if (lg_state_map_write(d->state_fd, &d->state_header, NULL))
		log_warn("cannot record the reload counts in %s", LG_STATE_MAP);
	if (lg_reloads_write(d->state_dir, d->metrics.reloads_ok, d->metrics.reloads_failed,
			     last_ok, last_time))
		log_warnx("cannot write %s/reloads", d->state_dir);
}

/* Files of exact deny rules whose other names reloads could not record (apply.c). */
static __u64 rule_files_unrecorded(const struct daemon *d)
{
	__u32 index = LG_EPOCH_LINKS_RULES_UNRECORDED;
	__u64 count = 0;

	bpf_map_lookup_elem(d->bpf.map_fd[LG_MAP_EPOCHS], &index, &count);
	return count;
}

static void emit_link_records_full(struct daemon *d, const struct lg_config *config,
				   __u64 files);

/*
 * Attach the cgroup connect programs at every bound cgroup that lacks them and detach them
 * from cgroups no longer bound. A cgroup the kernel bound at its mkdir may not be
 * visible yet: retried every 10 ms for a second, then once a second, as a failed attachment
 * is (said once until it changes).
 */
static void sync_connect_programs(struct daemon *d)
{
	char err[512] = "";
	int ret;

	d->bound_seen = lg_connect_bound_count(&d->bpf);
	ret = lg_connect_attach_sync(&d->bpf, err, sizeof(err));
	if (err[0] && strcmp(err, d->connect_error) != 0)
		log_warnx("%s: MPTCP sockets and connects to 0.0.0.0 of that cgroup's tasks are "
			  "refused until it is attached (tried again every second)", err);
	snprintf(d->connect_error, sizeof(d->connect_error), "%s", err);
	if (ret == -EAGAIN) {
		if (!d->connect_retries)
			d->connect_retries = 100;
		else if (d->connect_retries > 1)
			d->connect_retries--;
	} else {
		d->connect_retries = ret ? 1 : 0;
	}
	/* the directory of a cgroup bound at its mkdir appears microseconds later: the first
	 * tries come sooner */
	d->next_connect_sync = monotonic_ms() + (d->connect_retries > 90  ? 1
						 : d->connect_retries > 1 ? 10
									  : 1000);
}

/* Compile into the inactive bank and put it in force. */
static int load_policies(struct daemon *d, struct lg_config *config)
{
	unsigned bank = config->generation ? !config->active_bank : 0;
	struct lg_loaded_set next = {0};
	double start = monotonic_ms();
	__u64 rule_files_before;
	char err[512];
	int ret;

	ret = compile_dir(d, config, bank, &next);
	d->compile_ms = monotonic_ms() - start;
	if (ret)
		return ret;
	rule_files_before = rule_files_unrecorded(d);
	ret = lg_apply(&d->bpf, next.compiled, err, sizeof(err));
	if (ret) {
		log_warnx("%s", err);
		lg_apply_links(&d->bpf, next.compiled); /* cgroups it switched to the new set */
		lg_loaded_set_free(&next);
		return ret;
	}
	d->in_force_ms = monotonic_ms() - start;
	/* The new set is enforced from here (its rules at their own names; the other names of
	 * the files its deny rules name are recorded now); the previous one goes once no program
	 * reads it. */
	lg_apply_links(&d->bpf, next.compiled);
	lg_apply_retire(&d->bpf, next.compiled);
	sync_connect_programs(d);
	if (lg_metrics_retire(&d->metrics, &d->bpf, &d->loaded.bank[!bank]))
		log_warnx("cannot keep the counters of the previous set: out of memory");
	lg_loaded_set_free(&d->loaded.bank[bank]);
	d->loaded.bank[bank] = next;
	lg_config_read(&d->bpf, config);
	save_state(d, &next, config->generation);
	if (rule_files_unrecorded(d) > rule_files_before)
		emit_link_records_full(d, config, rule_files_unrecorded(d) - rule_files_before);
	return 0;
}

static void status_line(struct daemon *d, const struct lg_config *config, char *buf,
			size_t size)
{
	const struct lg_loaded_set *s = &d->loaded.bank[config->active_bank];

	snprintf(buf, size, "enforcing %zu policies, %zu rules (generation %u)", lg_loaded_count(s),
		 rule_count(s), config->generation);
}

/* {"event":"ready",...}: the daemon enforces (the canary was proven). */
static void emit_ready(struct daemon *d, const struct lg_config *config)
{
	const struct lg_loaded_set *s = &d->loaded.bank[config->active_bank];
	struct line l;

	if (!line_start(&l))
		return;
	json_object_start(&l.w);
	json_string_field(&l.w, "event", "ready");
	json_bool_field(&l.w, "adopted", d->bpf.adopted);
	json_string_field(&l.w, "canary", "ok");
	json_uint_field(&l.w, "generation", config->generation);
	json_uint_field(&l.w, "policies", lg_loaded_count(s));
	json_uint_field(&l.w, "rules", rule_count(s));
	json_string_field(&l.w, "pin_dir", d->pin_dir);
	json_object_end(&l.w);
	json_newline(&l.w);
	line_put(d, &l, LOG_NOTICE);
}

/* {"event":"reload",...}: put in force (with its timings), or refused. */
static void emit_reload(struct daemon *d, const struct lg_config *config, bool ok,
			double duration_ms)
{
	const struct lg_loaded_set *s = &d->loaded.bank[config->active_bank];
	struct line l;

	if (!line_start(&l))
		return;
	json_object_start(&l.w);
	json_string_field(&l.w, "event", "reload");
	json_string_field(&l.w, "result", ok ? "ok" : "error");
	json_uint_field(&l.w, "generation", config->generation);
	if (ok) {
		json_uint_field(&l.w, "policies", lg_loaded_count(s));
		json_uint_field(&l.w, "rules", rule_count(s));
		json_fixed_field(&l.w, "duration_ms", duration_ms, 1);
		json_fixed_field(&l.w, "in_force_ms", d->in_force_ms, 1);
		json_fixed_field(&l.w, "compile_ms", d->compile_ms, 1);
	}
	json_object_end(&l.w);
	json_newline(&l.w);
	line_put(d, &l, LOG_NOTICE);
}

/*
 * {"event":"link_records_full",...}: files named by exact deny rules of the set put in force
 * have other names the daemon could not record (the records and their reserve used up): those
 * rules do not follow them (each file is in the warning before it).
 */
static void emit_link_records_full(struct daemon *d, const struct lg_config *config,
				   __u64 files)
{
	struct line l;

	if (!line_start(&l))
		return;
	json_object_start(&l.w);
	json_string_field(&l.w, "event", "link_records_full");
	json_uint_field(&l.w, "generation", config->generation);
	json_uint_field(&l.w, "rule_files_unrecorded", files);
	json_object_end(&l.w);
	json_newline(&l.w);
	line_put(d, &l, LOG_WARNING);
}

/*
 * {"event":"reload_refused",...}: the policy directory's path no longer leads to the directory
 * read at start (something mounted over it, or put in its place); nothing was read.
 */
static void emit_reload_refused(struct daemon *d, const struct lg_config *config,
				const char *reason)
{
	struct line l;

	if (!line_start(&l))
		return;
	json_object_start(&l.w);
	json_string_field(&l.w, "event", "reload_refused");
	json_string_field(&l.w, "reason", reason);
	json_string_field(&l.w, "policy_dir", d->policy_dir);
	json_uint_field(&l.w, "generation", config->generation);
	json_object_end(&l.w);
	json_newline(&l.w);
	line_put(d, &l, LOG_WARNING);
}

/*
 * {"event":"mount_ignored",...}: a later mount of a filesystem root the mount table already
 * holds, or of a btrfs subvolume an earlier mount holds (lg_read_mounts); paths under it are
 * matched at matched_as. Or the first mount of a root at a point deeper than a record holds:
 * its files are deeper than a walk names, refused to confined tasks. Once per mount.
 */
static void emit_mount_ignored(void *ctx, int mount_id, const char *path, const char *kept,
			       const char *reason)
{
	struct daemon *d = ctx;
	struct line l;

	if (!line_start(&l))
		return;
	json_object_start(&l.w);
	json_string_field(&l.w, "event", "mount_ignored");
	json_string_field(&l.w, "reason", reason);
	json_uint_field(&l.w, "mount_id", (unsigned)mount_id);
	json_string_field(&l.w, "mount_point", path[0] ? path : "/");
	json_string_field(&l.w, "matched_as", kept[0] ? kept : "/");
	json_object_end(&l.w);
	json_newline(&l.w);
	line_put(d, &l, LOG_NOTICE);
}

/*
 * --stop-guard: from ready on, the kernel refuses PID 1's signals to this daemon until
 * `lsmguard stop` (lsmguard.service's ExecStop=) clears the guard (LG_EPOCH_STOP_GUARD,
 * bpf_lsm/protect.bpf.c). Cleared again when the daemon exits (stop_guard_release, at exit and
 * after fatal()), so that no later process with the pid is guarded, and at a reload that finds
 * another executable at the daemon's path (an upgrade or a downgrade, whose unit may have no
 * ExecStop=: its restart would find every signal refused). Pins of an older layout have no
 * such entry, and their programs no such check: said once, no guard.
 */
static int stop_guard_fd = -1;
static pid_t stop_guard_owner;	 /* getpid() of the daemon that set it (not a forked child) */

#define PROC_PID_INIT_INO 0xEFFFFFFCU /* the initial pid namespace's inode (linux/proc_ns.h) */

/*
 * Whether this process is in the initial pid namespace: the kernel's check compares the
 * initial namespace's numbers, and the daemon's own check of a SIGTERM's sender reads
 * /proc/SENDER, numbered in the daemon's namespace. In a pid namespace of its own neither
 * would hold: no guard, said.
 */
static bool in_initial_pid_namespace(void)
{
	struct stat ns;

	return stat("/proc/self/ns/pid", &ns) == 0 && ns.st_ino == PROC_PID_INIT_INO;
}

static void stop_guard_release(void)
{
	__u32 index = LG_EPOCH_STOP_GUARD;
	__u64 now = 0, none = 0;

	if (stop_guard_fd < 0 || getpid() != stop_guard_owner)
		return;
	if (!bpf_map_lookup_elem(stop_guard_fd, &index, &now) && now == (__u64)stop_guard_owner)
		bpf_map_update_elem(stop_guard_fd, &index, &none, BPF_ANY);
	stop_guard_fd = -1;
}

/*
 * Under the stop guard, whether a SIGTERM or SIGINT may stop the daemon: one the kernel sent (a
 * terminal's ^C) or one from a process running the daemon's own executable (`lsmguard stop`,
 * `unload`; a file installed over it since is trusted once a reload has cleared the guard).
 * Anything else is said and ignored: an unconfined tool that signals the pid a confined service
 * wrote in its pid file (`nginx -s stop`, a logrotate script's `kill $(cat /run/nginx.pid)`)
 * would otherwise stop lsmguard for the service (attack run 15). SIGKILL stays for an
 * administrator. A sender gone before it is looked at counts as untrusted.
 */
static bool stop_sender_trusted(const struct signalfd_siginfo *si)
{
	struct stat self, sender;
	char exe[64], comm[64] = "?";
	FILE *f;

	if (stop_guard_fd < 0 || si->ssi_code == SI_KERNEL)
		return true;
	snprintf(exe, sizeof(exe), "/proc/%u/exe", si->ssi_pid);
	if (stat("/proc/self/exe", &self) == 0 && stat(exe, &sender) == 0 &&
	    self.st_dev == sender.st_dev && self.st_ino == sender.st_ino)
		return true;
	snprintf(exe, sizeof(exe), "/proc/%u/comm", si->ssi_pid);
	f = fopen(exe, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	log_warnx("ignored signal %u from pid %u (%s, uid %u): under --stop-guard only `lsmguard "
		  "stop` stops the daemon (systemctl stop lsmguard runs it)",
		  si->ssi_signo, si->ssi_pid, comm, si->ssi_uid);
	return false;
}

/* The signals whose default is a core dump: what an administrator sends to see a hung daemon. */
static bool dumps_core(int sig)
{
	return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP || sig == SIGABRT ||
	       sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV || sig == SIGSYS;
}

/*
 * Every signal the daemon has no use for is ignored: their default is to end it (SIGUSR1,
 * SIGUSR2, SIGALRM, the real-time ones...), and an unconfined tool may send one to the pid a
 * confined service wrote in its pid file (`nginx -s reopen` is SIGUSR1). Under --stop-guard the
 * core-dumping ones too (`nginx -s quit` is SIGQUIT), sent by kill(): a real fault still ends
 * the daemon, the kernel restoring the default for a fault it forces. Without the guard a
 * SIGTERM from anyone stops the daemon anyway, and SIGABRT keeps its use for a core dump.
 * SIGHUP, SIGTERM and SIGINT go to the signalfd; SIGCHLD, SIGCONT, SIGKILL and SIGSTOP stay.
 */
static void ignore_unused_signals(bool core_dumping_too)
{
	struct sigaction ignore = {.sa_handler = SIG_IGN};

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (sig == SIGHUP || sig == SIGTERM || sig == SIGINT || sig == SIGCHLD ||
		    sig == SIGCONT || sig == SIGKILL || sig == SIGSTOP ||
		    (sig > SIGSYS && sig < SIGRTMIN) || (dumps_core(sig) && !core_dumping_too))
			continue;
		sigaction(sig, &ignore, NULL);
	}
}

static void set_stop_guard(struct daemon *d)
{
	__u32 index = LG_EPOCH_STOP_GUARD;
	__u64 pid = (__u64)getpid();

	if (!d->stop_guard)
		return;
	if (!in_initial_pid_namespace()) {
		log_warnx("--stop-guard is not in force: the daemon runs in a pid namespace of its "
			  "own, whose numbers the kernel's check does not compare; run it in the "
			  "host's pid namespace");
		return;
	}
	if (bpf_map_update_elem(d->bpf.map_fd[LG_MAP_EPOCHS], &index, &pid, BPF_ANY)) {
		if (errno == E2BIG)
			log_warnx("--stop-guard is not in force: the pinned maps and programs are "
				  "an older lsmguard's (lg_epochs has no entry for it); 'lsmguard "
				  "unload' and a start, or a reboot, load this version's");
		else
			log_warnx("cannot set the stop guard: %s", strerror(errno));
		return;
	}
	if (stop_guard_fd < 0) {
		stop_guard_owner = getpid();
		stop_guard_fd = d->bpf.map_fd[LG_MAP_EPOCHS];
		atexit(stop_guard_release);
	}
}

static void reload(struct daemon *d)
{
	double start = monotonic_ms();
	struct lg_config config;
	char status[256], notice[512], reason[512];
	bool refused;
	int ret;

	d->reloads++;
	lg_notify("RELOADING=1\nSTATUS=reloading the policies");
	if (lg_config_read(&d->bpf, &config)) {
		log_warn("cannot read the config map");
		return;
	}
	ret = lg_policy_dir_check(&d->dir, reason, sizeof(reason));
	refused = ret != 0;
	if (refused) {
		log_warnx("reload refused: %s; the policies in force are unchanged (generation %u)",
			  reason, config.generation);
		emit_reload_refused(d, &config, reason);
	} else {
		ret = load_policies(d, &config);
	}
	d->metrics.last_reload_ok = ret == 0;
	d->metrics.last_reload_time = (double)time(NULL);
	if (ret)
		d->metrics.reloads_failed++;
	else
		d->metrics.reloads_ok++;
	save_reloads(d, ret == 0, (long long)d->metrics.last_reload_time);
	if (ret) {
		if (!refused) {
			log_warnx("reload refused; the policies in force are unchanged (generation "
				  "%u)",
				  config.generation);
			emit_reload(d, &config, false, 0);
		}
		status_line(d, &config, status, sizeof(status));
		snprintf(notice, sizeof(notice), "READY=1\nSTATUS=%s; the last reload was refused",
			 status);
		lg_notify(notice);
		write_metrics(d);
		return;
	}
	emit_reload(d, &config, true, monotonic_ms() - start);
	if (config.successor_ino && stop_guard_fd >= 0) {
		log_info("another lsmguard executable is at this one's path: the stop guard is "
			 "off until it starts");
		stop_guard_release();
	}
	status_line(d, &config, status, sizeof(status));
	snprintf(notice, sizeof(notice), "READY=1\nSTATUS=%s", status);
	lg_notify(notice);
	write_metrics(d);
}

/*
 * Loads the carried rules' new names once the mount table gives a carried rule's path other
 * names (a bind mount made or gone, a subvolume's mount): lg_mount_aliases, attack run 21. Once
 * for each new set of names (a load that fails is not tried again at every mount change: review
 * 40). At once for the few changes an administrator makes (LG_ALIAS_LOAD_BURST in a row: an
 * unmount and a mount again), then one a second: a host (or a service with mount = allow) that
 * mounts in a loop does not keep the daemon compiling (review 41). A change that waits is
 * loaded when its turn comes, read afresh then (a mount and its unmount in between load
 * nothing). The time a load takes refills nothing.
 */
#define LG_ALIAS_LOAD_GAP_MS 1000.0
#define LG_ALIAS_LOAD_BURST 3.0

/* Milliseconds until a mount-change load may start: 0 when one may now. */
static double alias_load_wait(struct daemon *d)
{
	double now = monotonic_ms();

	if (d->alias_tokens_at == 0)
		d->alias_tokens = LG_ALIAS_LOAD_BURST;
	else
		d->alias_tokens += (now - d->alias_tokens_at) / LG_ALIAS_LOAD_GAP_MS;
	if (d->alias_tokens > LG_ALIAS_LOAD_BURST)
		d->alias_tokens = LG_ALIAS_LOAD_BURST;
	d->alias_tokens_at = now;
	return d->alias_tokens >= 1 ? 0 : (1 - d->alias_tokens) * LG_ALIAS_LOAD_GAP_MS;
}

static void mount_change_load(struct daemon *d)
{
	struct lg_config config;
	double wait;
	__u64 digest;
	int changed;

	d->alias_load_due = false;
	if (lg_config_read(&d->bpf, &config) != 0) {
		log_warn("cannot read the config map");
		d->alias_load_due = true; /* tried again in a second */
		d->alias_load_at = monotonic_ms() + LG_ALIAS_LOAD_GAP_MS;
		return;
	}
	{
		const struct lg_loaded_set *in_force = &d->loaded.bank[config.active_bank];

		changed = in_force->compiled
				  ? host_aliases_changed(&in_force->set, in_force->alias_digest, &digest)
				  : 0;
	}
	if (changed == 0)
		d->alias_tried = 0;
	if (changed != 1 || digest == d->alias_tried)
		return;
	wait = alias_load_wait(d);
	if (wait > 0) {
		d->alias_load_due = true;
		d->alias_load_at = monotonic_ms() + wait;
		return;
	}
	d->alias_tokens -= 1;
	d->alias_tried = digest;
	log_debug("a mount change gives the files of deny rules other names: loading the "
		  "policies again");
	reload(d);
	d->alias_tokens_at = monotonic_ms(); /* the load's own time refills nothing */
}

/*
 * Said when the mount table has come to lack room for some host mounts, and when it has room
 * again: meanwhile the kernel refuses confined tasks the files of host filesystems whose root
 * has no record (LG_EPOCH_MOUNTS_UNRECORDED).
 */
static void report_mounts_unrecorded(struct daemon *d)
{
	bool untold;
	size_t now = lg_apply_mounts_unrecorded(&untold);

	if (now == d->unrecorded_said)
		return;
	if (now && !d->unrecorded_said && untold)
		log_warnx("warning: the mount table is full (%d records): %zu host mounts have none, "
			  "and the programs in force (pinned by an older lsmguard) name their files "
			  "through the live mount tree, past rules written at another mount of the "
			  "same root; run 'lsmguard unload' and start lsmguard again to refuse them",
			  LG_MAX_MOUNTS, now);
	else if (now && !d->unrecorded_said)
		log_warnx("warning: the mount table is full (%d records): %zu host mounts have none; "
			  "confined services are refused the files of filesystems whose root has no "
			  "record until mounts are removed",
			  LG_MAX_MOUNTS, now);
	else if (!now)
		log_warnx("the mount table has room again: every host mount has its record");
	d->unrecorded_said = now;
}

/* /proc/self/mountinfo polled: the kernel's mount table rewritten, then the names looked at. */
static void mount_change(struct daemon *d)
{
	struct lg_config config;

	if (lg_config_read(&d->bpf, &config) != 0) {
		log_warn("cannot read the config map");
		return;
	}
	if (lg_apply_mounts(&d->bpf, &config) < 0)
		log_warn("cannot update the mount table");
	mount_change_load(d);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !log_verbose)
		return 0;
	return log_verbose ? vfprintf(stderr, fmt, ap) : 0;
}

/*
 * Write what the outputs hold, then say what they lost once they take lines again, then what
 * the ring buffer lost.
 */
static void drain_outputs(struct daemon *d)
{
	lg_output_flush(&d->out);
	lg_output_flush(&d->log);
	report_output_lost(d, &d->out);
	report_output_lost(d, &d->log);
	log_flush();
}

/*
 * What the ring buffer holds, at most LG_EVENTS_PER_TURN records a call: under a flood
 * the loop still answers signals and reloads, and poll() wakes it again for the rest.
 */
static void consume_events(struct daemon *d)
{
	int ret;

	if (d->events_epoll) {
		events_this_turn = 0;
		ret = ring_buffer__consume(d->events_epoll);
		if (ret < 0 && ret != -EAGAIN)
			log_warnx("cannot read the event ring buffer: %s", strerror(-ret));
		return;
	}
	ret = lg_ringbuf_consume(&d->events, LG_EVENTS_PER_TURN, on_event, d);
	if (ret < 0)
		log_warnx("cannot read the event ring buffer: %s", strerror(-ret));
}

/* A program whose runs the kernel skipped, as lg_skipped_poll reports it. */
struct skip_seen {
	const char *name;
	__u64 grown, total;
};

struct skip_list {
	struct skip_seen seen[32];
	unsigned count;
};

static void skip_collect(void *ctx, const char *name, __u64 grown, __u64 total)
{
	struct skip_list *list = ctx;

	if (list->count < sizeof(list->seen) / sizeof(list->seen[0]))
		list->seen[list->count++] = (struct skip_seen){name, grown, total};
}

/*
 * Once a second: runs of the tracing programs the kernel skipped (skipped.h). What a skipped
 * run left behind is repaired first (the mount table read again, the cached verdicts retired),
 * then each program is reported: {"event":"program_skipped",...}.
 */
static void check_skipped(struct daemon *d)
{
	struct skip_list list = {.count = 0};
	enum lg_skip_repair repair;
	struct lg_config config;
	double now = monotonic_ms();

	if (now < d->next_skip_check)
		return;
	d->next_skip_check = now + 1000;
	repair = lg_skipped_poll(&d->skipped, skip_collect, &list);
	if (repair == LG_SKIP_REREAD_MOUNTS &&
	    (lg_config_read(&d->bpf, &config) || lg_apply_mounts(&d->bpf, &config) < 0))
		log_warn("cannot update the mount table");
	if (repair != LG_SKIP_REPORT)
		lg_retire_verdicts(&d->bpf);
	for (unsigned i = 0; i < list.count; i++) {
		enum lg_skip_repair own;
		const char *effect = lg_skip_effect(list.seen[i].name, &own);
		struct line l;

		if (!line_start(&l))
			return;
		json_object_start(&l.w);
		json_string_field(&l.w, "event", "program_skipped");
		json_string_field(&l.w, "program", list.seen[i].name);
		json_uint_field(&l.w, "skipped", list.seen[i].grown);
		json_uint_field(&l.w, "total", list.seen[i].total);
		json_string_field(&l.w, "effect", effect);
		json_object_end(&l.w);
		json_newline(&l.w);
		line_put(d, &l, LOG_WARNING);
	}
}

static int event_loop(struct daemon *d)
{
	struct pollfd fds[5];
	sigset_t mask;
	int sfd, mfd = d->mount_fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		fatal("signalfd");
	fds[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
	fds[1] = (struct pollfd){
	    .fd = d->events_epoll ? ring_buffer__epoll_fd(d->events_epoll) : d->events.fd,
	    .events = POLLIN};
	fds[2] = (struct pollfd){.fd = mfd, .events = POLLPRI};
	fds[3].events = fds[4].events = POLLOUT;
	double next_metrics = monotonic_ms() + d->metrics_interval * 1000.0;

	for (;;) {
		/* lost events are looked for at least once a second; a pending attachment sooner */
		int timeout = d->connect_retries > 90 ? 1 : d->connect_retries > 1 ? 10 : 1000;

		if (d->metrics_path) {
			double left = next_metrics - monotonic_ms();

			if (left <= 0) {
				write_metrics(d);
				next_metrics = monotonic_ms() + d->metrics_interval * 1000.0;
				left = d->metrics_interval * 1000.0;
			}
			if ((int)left + 1 < timeout)
				timeout = (int)left + 1;
		}
		if (d->alias_load_due) {
			double left = d->alias_load_at - monotonic_ms();

			if (left < 0)
				left = 0;
			if ((int)left + 1 < timeout)
				timeout = (int)left + 1;
		}
		/* An output not taking lines wakes the loop when it takes them again; a negative
		 * fd is not polled. */
		fds[3].fd = lg_output_poll_fd(&d->out);
		fds[4].fd = lg_output_poll_fd(&d->log);
		if (mfd < 0)
			fds[2].fd = -1;
		if (poll(fds, 5, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		drain_outputs(d);
		if (fds[1].revents)
			consume_events(d);
		if ((d->connect_retries && monotonic_ms() >= d->next_connect_sync) ||
		    lg_connect_bound_count(&d->bpf) != d->bound_seen)
			sync_connect_programs(d);
		report_lost(d, false);
		check_skipped(d);
		report_mounts_unrecorded(d);
		if (fds[2].revents & (POLLPRI | POLLERR)) {
			char buf[4096];

			lseek(mfd, 0, SEEK_SET);
			while (read(mfd, buf, sizeof(buf)) > 0)
				;
			mount_change(d);
		}
		if (d->alias_load_due && monotonic_ms() >= d->alias_load_at)
			mount_change_load(d);
		if (fds[0].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				reload(d);
				continue;
			}
			if (!stop_sender_trusted(&si))
				continue;
			consume_events(d);
			drain_outputs(d);
			/* What is still held goes if the reader takes it soon; not waited for long. */
			lg_output_flush_wait(&d->out, 2000);
			lg_output_flush_wait(&d->log, 2000);
			lg_notify("STOPPING=1\nSTATUS=stopping; enforcement stays in force");
			write_metrics(d);
			log_info("exiting on signal %u; enforcement stays in force (lsmguard unload "
				 "ends it)",
				 si.ssi_signo);
			return 0;
		}
	}
}

/*
 * The daemon's record (state.h): opened, or made after a fresh load. 1 when the snapshot map was
 * made now under adopted pins (a version that kept its snapshot in /run left them).
 */
static int open_record(struct daemon *d)
{
	bool created = false;
	int ret;

	d->state_fd = lg_state_map_open(d->pin_dir, true);
	if (d->state_fd < 0)
		return d->state_fd;
	/* The header's sequence goes on from the predecessor's: a reader compares them. */
	if (d->bpf.adopted) {
		__u32 zero = 0;
		static char element[LG_STATE_CHUNK];

		if (bpf_map_lookup_elem(d->state_fd, &zero, element) == 0)
			memcpy(&d->state_header, element, sizeof(d->state_header));
		d->state_header.seq = (d->state_header.seq | 1) + 1;
	}
	d->lost_seen_fd = lg_lost_seen_map_open(d->pin_dir, &created);
	if (d->lost_seen_fd < 0) {
		ret = d->lost_seen_fd;
		close(d->state_fd);
		return ret;
	}
	return created && d->bpf.adopted;
}

/* The predecessor's snapshot when the pins were adopted; -ENOENT: none to start from. */
static int read_lost_snapshot(struct daemon *d, bool from_file)
{
	int ret;

	if (!d->bpf.adopted)
		return -ENOENT;
	if (!from_file)
		return lg_lost_seen_map_read(d->lost_seen_fd, d->lost, LG_LOST_KEYS);
	ret = lg_lost_seen_read(d->state_dir, d->lost, LG_LOST_KEYS);
	for (int i = 0; i < ret; i++)
		lg_lost_seen_map_put(d->lost_seen_fd, &d->lost[i]);
	return ret;
}

#define RUN_USAGE                                                                                 \
	"lsmguard run [--policy-dir DIR] [--log FILE] [--syslog] [--metrics-file PATH "            \
	"[--metrics-interval SECONDS]] [--link-records N] [--stop-guard]"

/* The pid file this daemon holds (-1: none): removed whenever the daemon exits, cleanly or
 * not (fatal); by the daemon only (a forked child that called exit() would run the handler
 * too, under another pid). */
static int pidfile_fd = -1;
static const char *pidfile_dir;
static pid_t pidfile_owner;

static void release_pidfile(void)
{
	if (pidfile_fd >= 0 && getpid() == pidfile_owner)
		lg_pidfile_release(pidfile_dir, pidfile_fd);
	pidfile_fd = -1;
}

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"policy-dir", required_argument, NULL, 'p'},
		{"log", required_argument, NULL, 'l'},
		{"syslog", no_argument, NULL, 's'},
		{"metrics-file", required_argument, NULL, 'm'},
		{"metrics-interval", required_argument, NULL, 'i'},
		{"link-records", required_argument, NULL, 'k'},
		{"stop-guard", no_argument, NULL, 'g'},
		{NULL, 0, NULL, 0},
	};
	struct daemon d = {
		.mount_fd = -1,
		.out = {.fd = -1},
		.log = {.fd = -1},
		.policy_dir = LG_POLICY_DIR,
		.pin_dir = LG_PIN_DIR,
		.state_dir = LG_STATE_DIR,
		.metrics_interval = 15,
		.state_fd = -1,
		.lost_seen_fd = -1,
	};
	struct lg_config config;
	sigset_t mask;
	char err[512];
	int opt, ret, running, snapshot_in_file;
	__u32 capacity = 0, room = 0;
	__u64 made = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:p:l:sm:i:k:g", options, NULL)) != -1) {
		char *end;
		long value;

		switch (opt) {
		case 'g':
			d.stop_guard = true;
			break;
		case 's':
			d.syslog = true;
			break;
		case 'm':
			d.metrics_path = optarg;
			break;
		case 'i':
			value = strtol(optarg, &end, 10);
			if (*end || end == optarg || value < 1 || value > 86400)
				return usage_error("the metrics interval is whole seconds, 1 to 86400:",
						   optarg, RUN_USAGE);
			d.metrics_interval = (unsigned)value;
			break;
		case 'k':
			/* The capacity of the hard-link records (bpf_lsm/links.bpf.c): set at
			 * load, and changed by a start that adopts the pins within the room the
			 * load gave their map (lg_bpf_adopt_link_records). */
			value = strtol(optarg, &end, 10);
			if (*end || end == optarg || value < 1 || value > 1 << 24)
				return usage_error("the link records are a count, 1 to 16777216:",
						   optarg, RUN_USAGE);
			lg_bpf_set_link_records((__u32)value);
			break;
		case 'p':
			d.policy_dir = optarg;
			break;
		case 'l':
			d.log_path = optarg;
			break;
		case ':':
			return usage_error("missing value after", argv[optind - 1], RUN_USAGE);
		default:
			return usage_error("unknown option", argv[optind - 1], RUN_USAGE);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument", argv[optind], RUN_USAGE);
	libbpf_set_print(libbpf_print);
	/*
	 * Nothing the daemon writes may block its loop (a stopped journald, a pipe nobody
	 * reads): every output is non-blocking and counts what it could not take. A reader
	 * that has gone is an error (EPIPE) counted like the rest, not a signal that kills.
	 */
	signal(SIGPIPE, SIG_IGN);
	ignore_unused_signals(d.stop_guard);
	ret = d.syslog ? lg_output_open_syslog(&d.out) : lg_output_open_fd(&d.out, STDOUT_FILENO);
	if (ret)
		fatalx("cannot set up the output (%s): %s", d.syslog ? "syslog" : "stdout",
		       strerror(-ret));
	if (d.log_path) {
		ret = lg_output_open_path(&d.log, d.log_path);
		if (ret)
			fatalx("cannot open log file %s: %s", d.log_path, strerror(-ret));
	}
	log_set_nonblocking(&d.out, d.syslog);
	if (lg_kernel_check(err, sizeof(err)))
		fatalx("%s", err);
	/* First: a second daemon stops here, before it touches the maps the first one writes. */
	ret = lg_pidfile_claim(d.state_dir, &running);
	if (ret == -EEXIST)
		fatalx("already running as pid %d (send it SIGHUP to reload)", running);
	if (ret < 0) {
		log_warnx("cannot write %s/lsmguard.pid: %s", d.state_dir, strerror(-ret));
	} else {
		pidfile_fd = ret;
		pidfile_dir = d.state_dir;
		pidfile_owner = getpid();
		atexit(release_pidfile);
	}

	/* Block the signals before anything is in force, so that none is lost. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	if (lg_bpf_links_pinned(d.pin_dir, NULL)) {
		ret = lg_bpf_adopt(&d.bpf, d.pin_dir, err, sizeof(err));
		if (ret)
			fatalx("%s", err);
		log_info("adopting the enforcement pinned at %s", d.pin_dir);
		/* (warnings, not an exit: the daemon of the enforcement in force starts) */
		ret = lg_bpf_adopt_link_records(&d.bpf, &capacity, &room, &made);
		if (ret < 0)
			log_warnx("--link-records: cannot apply it to the pinned records (%s); "
				  "they keep their capacity (a new one takes 'lsmguard unload', "
				  "then a start)",
				  ret == -E2BIG	   ? "they have no capacity entry"
				  : ret == -ENOSPC ? "their map is no larger than the daemon's reserve"
						   : strerror(-ret));
		if (ret > 0)
			log_warnx("--link-records: the pinned records hold %u for the kernel "
				  "(their map's size is fixed at load); %u apply (a larger "
				  "capacity takes 'lsmguard unload', then a start)",
				  room, capacity);
		if (ret >= 0 && capacity && made >= capacity)
			log_warnx("--link-records: the kernel has made %llu records, the capacity "
				  "is %u: full until %llu of them go (their files freed)",
				  (unsigned long long)made, capacity,
				  (unsigned long long)(made - capacity + 1));
	} else {
		lg_bpf_unpin(d.pin_dir); /* leftovers of an interrupted load */
		ret = lg_bpf_load(&d.bpf, d.pin_dir, err, sizeof(err));
		if (ret)
			fatalx("%s", err);
	}
	if (lg_config_read(&d.bpf, &config))
		fatal("cannot read the config map");
	snapshot_in_file = open_record(&d);
	if (snapshot_in_file < 0) {
		ret = snapshot_in_file;
		if (!d.bpf.adopted)
			lg_bpf_unpin(d.pin_dir);
		fatalx("cannot create the daemon's record under %s/maps: %s", d.pin_dir,
		       strerror(-ret));
	}
	lg_apply_mounts_report(emit_mount_ignored, &d);
	/*
	 * Before the mount table is first read (load_policies): a mount made after that reading
	 * and before the loop started polling would otherwise go unseen until the next change,
	 * its root unknown to the walk (found by the bound-elsewhere cache case run alone, right
	 * after the daemon's start).
	 */
	d.mount_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (d.mount_fd < 0)
		log_warn("cannot watch /proc/self/mountinfo: mount changes are learnt at reloads");
	/* Before anything is read from it: the directory every reload must still be. */
	ret = lg_policy_dir_open(&d.dir, d.policy_dir, err, sizeof(err));
	if (ret == 0 && lg_protected_collect(&d.protected, d.policy_dir, d.state_dir,
					     d.metrics_path, d.log_path))
		ret = -ENOMEM;
	if (ret) {
		if (!d.bpf.adopted)
			lg_bpf_unpin(d.pin_dir);
		fatalx("%s; no policy is in force", ret == -ENOMEM ? "out of memory" : err);
	}
	ret = load_policies(&d, &config);
	if (ret) {
		if (!d.bpf.adopted)
			lg_bpf_unpin(d.pin_dir); /* nothing of ours is in force: leave nothing behind */
		fatalx("no policy is in force");
	}
	/*
	 * libbpf's reader costs nothing on other processes' work; lsmguard's own (no epoll) made
	 * fork+exec+wait of an unconfined process 1.5% slower in make bench (2026-12-01, not
	 * understood yet), so it is the way in only when no epoll watch is left.
	 */
	d.events_epoll = ring_buffer__new(d.bpf.map_fd[LG_MAP_EVENTS], on_event_epoll, &d, NULL);
	d.events.fd = -1;
	if (!d.events_epoll) {
		log_warn("cannot watch the event ring buffer with epoll; reading it through poll() "
			 "of its own");
		ret = lg_ringbuf_open(&d.events, d.bpf.map_fd[LG_MAP_EVENTS]);
		if (ret) {
			errno = -ret;
			fatal("cannot open the event ring buffer");
		}
	}
	ret = lg_canary_run(err, sizeof(err));
	if (ret) {
		if (!d.bpf.adopted)
			lg_bpf_unpin(d.pin_dir); /* not enforcing: leave nothing that claims to */
		fatalx("%s; not claiming enforcement", err);
	}
	consume_events(&d); /* the canary's own events: on_event drops them */
	/* Runs skipped before now were repaired by the mount table's reading at this start. */
	ret = lg_skipped_open(&d.skipped, d.pin_dir);
	if (ret)
		log_warnx("cannot watch the programs' skipped runs: %s", strerror(-ret));
	/* A predecessor's look (an empty one too: it saw no loss) when the pins were adopted;
	 * without one, the snapshot only. What it reports comes after ready. */
	ret = read_lost_snapshot(&d, snapshot_in_file == 1);
	d.lost_keys = ret > 0 ? (unsigned)ret : 0;
	if (ret < 0)
		report_lost(&d, true);
	emit_ready(&d, &config);
	if (ret >= 0)
		report_lost(&d, false);
	{
		char status[256], notice[512];

		status_line(&d, &config, status, sizeof(status));
		snprintf(notice, sizeof(notice), "READY=1\nMAINPID=%d\nSTATUS=%s", (int)getpid(),
			 status);
		ret = lg_notify(notice);
		if (ret)
			log_warnx("cannot notify the service manager ($NOTIFY_SOCKET): %s",
				  strerror(-ret));
	}
	set_stop_guard(&d);
	save_reloads(&d, true, 0);
	write_metrics(&d);
	ret = event_loop(&d);
	stop_guard_release();
	ring_buffer__free(d.events_epoll);
	lg_ringbuf_close(&d.events);
	lg_bpf_close(&d.bpf);
	lg_skipped_close(&d.skipped);
	close(d.state_fd);
	close(d.lost_seen_fd);
	for (int b = 0; b < 2; b++)
		lg_loaded_set_free(&d.loaded.bank[b]);
	lg_metrics_free(&d.metrics);
	lg_protected_free(&d.protected);
	lg_policy_dir_close(&d.dir);
	log_set_nonblocking(NULL, false);
	lg_output_close(&d.log);
	lg_output_close(&d.out);
	return ret;
}
