// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lsmguard learn NAME (--cgroup PATH | --unit UNIT) ...`: the policy that allows what policy
 * NAME's audit events show the service doing. The events come from a learning run: the service
 * under a policy in audit mode whose sections all say default = deny, so that every file it
 * opened, every program it ran or mapped and every destination it reached was reported.
 *  --from-log FILE: from a saved event log.
 *  --duration SECONDS --events FILE: a learning run now. The learning policy goes into the
 *    policy directory as NAME.ini, the running daemon reloads, the events it appends to FILE
 *    (its --log) for SECONDS are read, and the learned policy replaces the learning one (or
 *    goes to -o FILE) and the daemon reloads again.
 *  --print-learning-policy: the learning policy, for a run made by hand.
 * policy/learn.c groups the objects and writes the text; this file reads the event lines.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "bpf_state.h"
#include "commands.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "names.h"
#include "policy.h"
#include "state.h"

#define USAGE                                                                                     \
	"lsmguard learn NAME (--cgroup PATH | --unit UNIT) (--from-log FILE | --duration SECONDS "  \
	"--events FILE | --print-learning-policy) [--policy-dir DIR] [-o FILE]"

struct learn_stats {
	size_t lines, used, other_policy, not_learnable;
};

/*
 * Host code is the one protection a rule opens (one that names the place): its writes are
 * learned like any other, into rules that name each file.
 */
static bool host_code_source(const char *source)
{
	static const char prefix[] = "built-in: ";

	return strncmp(source, prefix, sizeof(prefix) - 1) == 0 &&
	       strcmp(source + sizeof(prefix) - 1, lg_builtin_reason(LG_BUILTIN_HOST_CODE)) == 0;
}

/* One event line into learn; counted in stats. */
static int learn_line(struct lg_learn *learn, const char *line, const char *name,
		      struct learn_stats *st)
{
	char event[16], policy[128], hook_name[32], access[16], path[4200], source[512], tgid[24];
	char truncated[8];
	unsigned hook;
	int ret = -EINVAL;

	st->lines++;
	/* A log read back from syslog or the journal has a prefix before the object. */
	line = strchr(line, '{');
	if (!line)
		return 0;
	if (!json_read_field(line, "event", event, sizeof(event)) ||
	    (strcmp(event, "audit") && strcmp(event, "deny")))
		return 0; /* ready, reload and other daemon lines */
	if (!json_read_field(line, "policy", policy, sizeof(policy)) || strcmp(policy, name)) {
		st->other_policy++;
		return 0;
	}
	if (!json_read_field(line, "hook", hook_name, sizeof(hook_name)) ||
	    !json_read_field(line, "access", access, sizeof(access)) ||
	    (json_read_field(line, "source", source, sizeof(source)) &&
	     (strncmp(source, "built-in", 8) == 0 || strncmp(source, "fail-closed", 11) == 0) &&
	     !host_code_source(source)) ||
	    (json_read_field(line, "path_truncated", truncated, sizeof(truncated)) &&
	     strcmp(truncated, "true") == 0)) {
		st->not_learnable++; /* built-in protections are not rules to learn */
		return 0;
	}
	hook = lg_hook_from_name(hook_name);
	if (lg_hook_is_capability(hook)) {
		char capability[32];
		int cap;

		if (json_read_field(line, "capability", capability, sizeof(capability)) &&
		    (cap = lg_capability_from_name(capability)) >= 0)
			ret = lg_learn_capability(learn, (unsigned)cap);
	} else if (hook == LG_HOOK_SOCKET_CREATE) {
		char words[64];

		if (json_read_field(line, "socket", words, sizeof(words)))
			ret = lg_learn_socket(learn, words);
	} else if (hook == LG_HOOK_SOCKET_BIND &&
		   json_read_field(line, "path", path, sizeof(path)) && path[0] == '@') {
		ret = lg_learn_abstract(learn, path, true); /* binding an abstract name */
	} else if (hook == LG_HOOK_SOCKET_CONNECT || hook == LG_HOOK_SOCKET_SENDMSG ||
		   hook == LG_HOOK_MPTCP_SUBFLOW || lg_hook_is_listen(hook)) {
		char addr[64], protocol[8], port[8], ip_protocol[8];

		/* SCTP matches no rule (the default decides it): no rule to learn, ignored */
		if (json_read_field(line, "ip_protocol", ip_protocol, sizeof(ip_protocol)) &&
		    strcmp(ip_protocol, "132") == 0)
			ret = -EINVAL;
		else if (json_read_field(line, "address", addr, sizeof(addr)) &&
		    json_read_field(line, "protocol", protocol, sizeof(protocol)) &&
		    json_read_field(line, "port", port, sizeof(port)))
			ret = (lg_hook_is_listen(hook) ? lg_learn_listen : lg_learn_net)(
				learn, addr, protocol, (unsigned)atoi(port));
	} else if (json_read_field(line, "path", path, sizeof(path))) {
		long task = json_read_field(line, "tgid", tgid, sizeof(tgid)) ? atol(tgid) : 0;

		switch (hook) {
		case LG_HOOK_BPRM_CHECK:
			ret = lg_learn_exec(learn, path, false);
			break;
		case LG_HOOK_MMAP_FILE:
		case LG_HOOK_FILE_MPROTECT:
			ret = lg_learn_exec(learn, path, true);
			break;
		case LG_HOOK_FILE_OPEN:
			ret = lg_learn_file(learn, path,
					    lg_decision_from_name(access) == LG_DECISION_FILE_WRITE,
					    task);
			break;
		case LG_HOOK_PATH_LINK:
		case LG_HOOK_PATH_RENAME:
		case LG_HOOK_PATH_UNLINK:
		case LG_HOOK_PATH_TRUNCATE:
		case LG_HOOK_PATH_MKNOD:
		case LG_HOOK_PATH_MKDIR:
		case LG_HOOK_PATH_SYMLINK:
		case LG_HOOK_PATH_RMDIR:
		case LG_HOOK_PATH_CHMOD:
		case LG_HOOK_PATH_CHOWN:
		case LG_HOOK_INODE_SETXATTR:
		case LG_HOOK_INODE_REMOVEXATTR:
		case LG_HOOK_INODE_SETATTR:
		case LG_HOOK_FILE_IOCTL:
			ret = lg_learn_file(learn, path, true, task);
			break;
		case LG_HOOK_UNIX_STREAM_CONNECT:
		case LG_HOOK_UNIX_MAY_SEND:
			/* A pathname socket is a write at its path ([files]); an abstract name
			 * (access net) a [network] @NAME rule. */
			if (lg_decision_from_name(access) == LG_DECISION_NET)
				ret = lg_learn_abstract(learn, path, false);
			else
				ret = lg_learn_file(learn, path, true, task);
			break;
		}
	}
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		st->not_learnable++;
	else
		st->used++;
	return 0;
}

/* Learn from every line of in; -ENOMEM or 0. */
static int learn_stream(struct lg_learn *learn, FILE *in, const char *name, struct learn_stats *st)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	while (!ret && getline(&line, &cap, in) > 0)
		ret = learn_line(learn, line, name, st);
	free(line);
	return ret;
}

/*
 * The generation the daemon last recorded: its pinned record (state.h), which needs no space on
 * /run (with /run full the /run copy stays at an older generation and learn waited out its 6 s),
 * else the /run copy (a daemon of a version without the record). -1: neither.
 */
static long recorded_generation(bool *from_record)
{
	struct lg_state state = {0};
	int fd = lg_state_map_open(LG_PIN_DIR, false), ret = -ENOENT;
	long generation = -1;

	if (fd >= 0) {
		ret = lg_state_map_read(fd, &state);
		close(fd);
	}
	if (ret == 0 || ret == -E2BIG) /* -E2BIG: the generation is read, not the text */
		generation = state.generation;
	lg_state_free(&state);
	*from_record = generation >= 0;
	if (generation < 0) {
		memset(&state, 0, sizeof(state));
		if (lg_state_read(LG_STATE_DIR, &state) == 0)
			generation = state.generation;
		lg_state_free(&state);
	}
	return generation;
}

/* SIGHUP the daemon and wait until it has loaded a new generation (or refused to). */
static int reload_daemon(void)
{
	int pid = lg_pidfile_running(LG_STATE_DIR);
	bool record_before, record_now;
	long before;

	if (pid <= 0)
		return -ESRCH;
	before = recorded_generation(&record_before);
	if (kill(pid, SIGHUP))
		return -errno;
	for (int i = 0; i < 300; i++) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		long now;

		nanosleep(&ts, NULL);
		now = recorded_generation(&record_now);
		/* compared with the same source only (the /run copy may be behind the record) */
		if (now >= 0 && now != before && record_now == record_before)
			return 0;
	}
	return -ETIMEDOUT;
}

/* The policy a learning run uses: audit mode, every section default = deny, no rule. */
static void print_learning_policy(FILE *out, const struct lg_learn_header *h)
{
	fprintf(out,
		"; A learning policy (lsmguard learn): audit mode, nothing allowed, so that every\n"
		"; file, program, destination and capability the service uses is reported once. Run\n"
		"; the service through its normal work, then: lsmguard learn %s --from-log EVENTS\n"
		"; --%s %s\n"
		"[policy]\nname = %s\n%s = %s\nmode = audit\n\n[files]\ndefault = deny\n\n"
		"[exec]\ndefault = deny\n\n[network]\ndefault = deny\n\n"
		"; nothing kept: every capability the service uses is reported\n[capabilities]\n",
		h->name, h->cgroup ? "cgroup" : "unit", h->cgroup ? h->cgroup : h->unit, h->name,
		h->cgroup ? "cgroup" : "unit", h->cgroup ? h->cgroup : h->unit);
}

/*
 * A learning run now: the learning policy in force, SECONDS of the daemon's events appended to
 * events, read into learn. Leaves the learning policy file in place (the caller replaces it).
 */
static int learn_live(struct lg_learn *learn, const struct lg_learn_header *h,
		      const char *policy_dir, const char *events, unsigned seconds,
		      struct learn_stats *st, char *policy_file, size_t size)
{
	char *text = NULL;
	size_t text_size = 0;
	struct stat sb;
	FILE *mem, *in;
	long start;
	int ret;

	snprintf(policy_file, size, "%s/%s.ini", policy_dir, h->name);
	if (stat(policy_file, &sb) == 0) {
		log_warnx("%s exists: a learning run writes its own policy there; move it away, or "
			  "learn from a saved log with --from-log",
			  policy_file);
		return -EEXIST;
	}
	in = fopen(events, "re");
	if (!in) {
		log_warn("cannot read the daemon's event log %s (run lsmguard with --log FILE)",
			 events);
		return -errno;
	}
	mem = open_memstream(&text, &text_size);
	if (!mem)
		fatal("open_memstream");
	print_learning_policy(mem, h);
	fclose(mem);
	ret = lg_write_file_atomically(policy_file, text, 0644);
	free(text);
	if (ret) {
		log_warnx("cannot write %s: %s", policy_file, strerror(-ret));
		fclose(in);
		return ret;
	}
	ret = reload_daemon();
	if (ret) {
		log_warnx("the daemon did not load the learning policy (%s); see its log",
			  strerror(-ret));
		unlink(policy_file);
		fclose(in);
		return ret;
	}
	fseek(in, 0, SEEK_END);
	start = ftell(in);
	log_info("learning %s for %u s: exercise the service now", h->name, seconds);
	sleep(seconds);
	clearerr(in);
	fseek(in, start, SEEK_SET);
	ret = learn_stream(learn, in, h->name, st);
	fclose(in);
	return ret;
}

int cmd_learn(int argc, char **argv)
{
	static const struct option options[] = {
		{"cgroup", required_argument, NULL, 'c'},
		{"unit", required_argument, NULL, 'u'},
		{"from-log", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"print-learning-policy", no_argument, NULL, 'p'},
		{"duration", required_argument, NULL, 'd'},
		{"events", required_argument, NULL, 'e'},
		{"policy-dir", required_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	struct lg_learn_header header = {0};
	const char *from = NULL, *output = NULL, *events = NULL;
	const char *policy_dir = LG_POLICY_DIR;
	char policy_file[4096] = "", source[4200];
	struct learn_stats st = {0};
	struct lg_learn *learn = NULL;
	bool learning_policy = false;
	char *text = NULL, *end;
	size_t text_size = 0;
	unsigned duration = 0;
	FILE *in = NULL, *mem = NULL;
	int opt, ret = 1, modes;
	long value;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":c:u:f:o:pd:e:P:", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			header.cgroup = optarg;
			break;
		case 'u':
			header.unit = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'p':
			learning_policy = true;
			break;
		case 'd':
			value = strtol(optarg, &end, 10);
			if (*end || end == optarg || value < 1 || value > 86400)
				return usage_error("the duration is whole seconds, 1 to 86400:", optarg,
						   USAGE);
			duration = (unsigned)value;
			break;
		case 'e':
			events = optarg;
			break;
		case 'P':
			policy_dir = optarg;
			break;
		case ':':
			return usage_error("missing value after", argv[optind - 1], USAGE);
		default:
			return usage_error("unknown option", argv[optind - 1], USAGE);
		}
	}
	if (argc - optind != 1)
		return usage_error(argc - optind ? "unexpected argument" : "no policy name given",
				   argc - optind ? argv[optind + 1] : NULL, USAGE);
	header.name = argv[optind];
	if (!header.cgroup == !header.unit)
		return usage_error("give one of --cgroup and --unit", NULL, USAGE);
	modes = !!from + !!duration + learning_policy;
	if (modes != 1)
		return usage_error("give one of --from-log, --duration and --print-learning-policy",
				   NULL, USAGE);
	if (duration && !events)
		return usage_error("a learning run reads the daemon's --log file: give --events",
				   NULL, USAGE);

	mem = open_memstream(&text, &text_size);
	if (!mem)
		fatal("open_memstream");
	if (learning_policy) {
		print_learning_policy(mem, &header);
	} else {
		learn = lg_learn_new();
		if (!learn)
			fatal("out of memory");
		if (from) {
			in = strcmp(from, "-") ? fopen(from, "re") : stdin;
			if (!in) {
				log_warn("cannot read %s", from);
				goto out;
			}
			if (learn_stream(learn, in, header.name, &st))
				fatal("out of memory");
			if (ferror(in)) {
				log_warn("cannot read %s", from);
				goto out;
			}
			header.source = strcmp(from, "-") ? from : "standard input";
		} else {
			if (learn_live(learn, &header, policy_dir, events, duration, &st, policy_file,
				       sizeof(policy_file)))
				goto out;
			snprintf(source, sizeof(source), "a learning run of %u s (events of %s)",
				 duration, events);
			header.source = source;
			if (!output)
				output = policy_file; /* the learned policy replaces the learning one */
		}
		if (st.used == 0) {
			log_warnx("%s has no event of policy '%s' to learn from (%zu lines, %zu of other "
				  "policies): run the service under its learning policy first "
				  "(--print-learning-policy)",
				  from ? from : events, header.name, st.lines, st.other_policy);
			goto out;
		}
		if (lg_learn_write(learn, mem, &header))
			fatal("cannot write the policy");
		log_info("learned from %zu events of policy '%s' (%zu ignored: built-in protections "
			 "or objects a rule cannot name)",
			 st.used, header.name, st.not_learnable);
	}
	if (fclose(mem))
		fatal("open_memstream");
	mem = NULL;
	if (output) {
		int err = lg_write_file_atomically(output, text, 0644);

		if (err) {
			log_warnx("cannot write %s: %s", output, strerror(-err));
			goto out;
		}
	} else {
		fputs(text, stdout);
	}
	if (duration) {
		/* The learned policy replaces the learning one, or the learning one goes. */
		if (strcmp(output, policy_file) != 0)
			unlink(policy_file);
		if (reload_daemon())
			log_warnx("the daemon did not reload after the learning run; see its log");
	}
	ret = 0;
out:
	if (mem)
		fclose(mem);
	if (in && in != stdin)
		fclose(in);
	free(text);
	lg_learn_free(learn);
	/* A learning run that failed leaves no learning policy behind. */
	if (ret && policy_file[0] && unlink(policy_file) == 0)
		reload_daemon();
	return ret;
}
