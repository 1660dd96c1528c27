// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lsmguard run`: check the kernel, compile the policy directory, load (or adopt) the BPF side,
 * put the policies in force, then stream events until told to stop. SIGHUP reloads; SIGTERM and
 * SIGINT end the daemon and leave enforcement in force (the links are pinned).
 */
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
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "bpf_state.h"
#include "canary.h"
#include "commands.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "state.h"

struct daemon {
	const char *policy_dir;
	const char *pin_dir;
	const char *state_dir;
	FILE *log;
	struct lg_bpf bpf;
	struct lg_loaded loaded;
	struct ring_buffer *events;
	unsigned reloads;
	double compile_ms;  /* the last load's parse and compile, for the reload event */
	double in_force_ms; /* ... and from its start until the new set was enforced */
};

/* A line on stdout, and in the --log file. */
static void emit(struct daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct daemon *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (d->log) {
		va_start(ap, fmt);
		vfprintf(d->log, fmt, ap);
		va_end(ap);
		fflush(d->log);
	}
}

/* Whether an event comes from the built-in canary (its denials are expected, not news). */
static bool is_canary_event(const struct daemon *d, const struct lg_event *ev)
{
	const struct lg_loaded_set *s = &d->loaded.bank[ev->policy > LG_MAX_POLICIES];
	__u32 index;

	if (!s->compiled || ev->policy <= s->compiled->id_base)
		return false;
	index = ev->policy - s->compiled->id_base - 1;
	return index < s->set.count && strcmp(s->set.policies[index]->name, LG_CANARY_NAME) == 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct daemon *d = ctx;

	if (size < sizeof(struct lg_event) || is_canary_event(d, data))
		return 0;
	lg_event_print(stdout, data, &d->loaded);
	if (d->log) {
		lg_event_print(d->log, data, &d->loaded);
		fflush(d->log);
	}
	return 0;
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

/* Parse and compile the policy directory for bank. Prints diagnostics. */
static int compile_dir(struct daemon *d, unsigned bank, struct lg_loaded_set *out)
{
	const char *paths[] = {d->policy_dir};

	return load_and_compile(paths, 1, LG_LOAD_CHECK_OWNER | LG_LOAD_WITH_CANARY, &out->set,
				&out->compiled, lg_random_seed(), bank);
}

static void loaded_set_free(struct lg_loaded_set *s)
{
	lg_compiled_free(s->compiled);
	lg_policy_set_free(&s->set);
	s->compiled = NULL;
}

static size_t rule_count(const struct lg_policy_set *set)
{
	size_t rules = 0;

	for (size_t i = 0; i < set->count; i++)
		rules += lg_policy_rule_count(set->policies[i]);
	return rules;
}

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Compile into the inactive bank and put it in force. */
static int load_policies(struct daemon *d, struct lg_config *config)
{
	unsigned bank = config->generation ? !config->active_bank : 0;
	struct lg_loaded_set next = {0};
	double start = monotonic_ms();
	char err[512];
	int ret;

	ret = compile_dir(d, bank, &next);
	d->compile_ms = monotonic_ms() - start;
	if (ret)
		return ret;
	ret = lg_apply(&d->bpf, next.compiled, err, sizeof(err));
	if (ret) {
		log_warnx("%s", err);
		loaded_set_free(&next);
		return ret;
	}
	d->in_force_ms = monotonic_ms() - start;
	/* The new set is enforced from here; the previous one goes once no program reads it. */
	lg_apply_retire(&d->bpf, !bank);
	loaded_set_free(&d->loaded.bank[bank]);
	d->loaded.bank[bank] = next;
	lg_config_read(&d->bpf, config);
	ret = lg_state_write(d->state_dir, &next.set, next.compiled, config->generation);
	if (ret)
		log_warnx("cannot write %s/state: %s", d->state_dir, strerror(-ret));
	return 0;
}

static void reload(struct daemon *d)
{
	double start = monotonic_ms();
	struct lg_config config;
	int ret;

	d->reloads++;
	if (lg_config_read(&d->bpf, &config)) {
		log_warn("cannot read the config map");
		return;
	}
	ret = load_policies(d, &config);
	if (ret) {
		log_warnx("reload refused; the policies in force are unchanged (generation %u)",
			  config.generation);
		emit(d, "{\"event\":\"reload\",\"result\":\"error\",\"generation\":%u}\n",
		     config.generation);
		return;
	}
	emit(d, "{\"event\":\"reload\",\"result\":\"ok\",\"generation\":%u,\"policies\":%zu,"
		"\"rules\":%zu,\"duration_ms\":%.1f,\"in_force_ms\":%.1f,\"compile_ms\":%.1f}\n",
	     config.generation, d->loaded.bank[config.active_bank].set.count,
	     rule_count(&d->loaded.bank[config.active_bank].set), monotonic_ms() - start,
	     d->in_force_ms, d->compile_ms);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !log_verbose)
		return 0;
	return log_verbose ? vfprintf(stderr, fmt, ap) : 0;
}

static int event_loop(struct daemon *d)
{
	struct pollfd fds[3];
	sigset_t mask;
	int sfd, mfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		fatal("signalfd");
	/* mountinfo polls with POLLPRI when the mount table changes. */
	mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	fds[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
	fds[1] = (struct pollfd){.fd = ring_buffer__epoll_fd(d->events), .events = POLLIN};
	fds[2] = (struct pollfd){.fd = mfd, .events = POLLPRI};
	for (;;) {
		if (poll(fds, mfd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (fds[1].revents)
			ring_buffer__consume(d->events);
		if (fds[2].revents & (POLLPRI | POLLERR)) {
			struct lg_config config;
			char buf[4096];

			lseek(mfd, 0, SEEK_SET);
			while (read(mfd, buf, sizeof(buf)) > 0)
				;
			if (lg_config_read(&d->bpf, &config) == 0 &&
			    lg_apply_mounts(&d->bpf, &config) < 0)
				log_warn("cannot update the mount table");
		}
		if (fds[0].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				reload(d);
				continue;
			}
			ring_buffer__consume(d->events);
			log_info("exiting on signal %u; enforcement stays in force (lsmguard unload "
				 "ends it)",
				 si.ssi_signo);
			return 0;
		}
	}
}

#define RUN_USAGE "lsmguard run [--policy-dir DIR] [--log FILE]"

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"policy-dir", required_argument, NULL, 'p'},
		{"log", required_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	struct daemon d = {
		.policy_dir = "/etc/lsmguard/policy.d",
		.pin_dir = LG_PIN_DIR,
		.state_dir = LG_STATE_DIR,
	};
	struct lg_config config;
	sigset_t mask;
	char err[512];
	int opt, ret, running;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:p:l:", options, NULL)) != -1) {
		switch (opt) {
		case 'p':
			d.policy_dir = optarg;
			break;
		case 'l':
			d.log = fopen(optarg, "ae");
			if (!d.log)
				fatal("cannot open log file %s", optarg);
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
	if (lg_kernel_check(err, sizeof(err)))
		fatalx("%s", err);
	running = lg_pidfile_running(d.state_dir);
	if (running)
		fatalx("already running as pid %d (send it SIGHUP to reload)", running);

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
	} else {
		lg_bpf_unpin(d.pin_dir); /* leftovers of an interrupted load */
		ret = lg_bpf_load(&d.bpf, d.pin_dir, err, sizeof(err));
		if (ret)
			fatalx("%s", err);
	}
	if (lg_config_read(&d.bpf, &config))
		fatal("cannot read the config map");
	ret = load_policies(&d, &config);
	if (ret) {
		if (!d.bpf.adopted)
			lg_bpf_unpin(d.pin_dir); /* nothing of ours is in force: leave nothing behind */
		fatalx("no policy is in force");
	}
	d.events = ring_buffer__new(d.bpf.map_fd[LG_MAP_EVENTS], on_event, &d, NULL);
	if (!d.events)
		fatal("cannot open the event ring buffer");
	ret = lg_canary_run(err, sizeof(err));
	if (ret) {
		if (!d.bpf.adopted)
			lg_bpf_unpin(d.pin_dir); /* not enforcing: leave nothing that claims to */
		fatalx("%s; not claiming enforcement", err);
	}
	ring_buffer__consume(d.events); /* drop the canary's own events */
	ret = lg_pidfile_write(d.state_dir);
	if (ret)
		log_warnx("cannot write %s/lsmguard.pid: %s", d.state_dir, strerror(-ret));
	emit(&d,
	     "{\"event\":\"ready\",\"adopted\":%s,\"canary\":\"ok\",\"generation\":%u,"
	     "\"policies\":%zu,\"rules\":%zu,\"pin_dir\":\"%s\"}\n",
	     d.bpf.adopted ? "true" : "false", config.generation,
	     d.loaded.bank[config.active_bank].set.count,
	     rule_count(&d.loaded.bank[config.active_bank].set), d.pin_dir);
	ret = event_loop(&d);
	ring_buffer__free(d.events);
	lg_bpf_close(&d.bpf);
	for (int b = 0; b < 2; b++)
		loaded_set_free(&d.loaded.bank[b]);
	if (d.log)
		fclose(d.log);
	return ret;
}
