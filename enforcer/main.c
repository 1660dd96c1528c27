// SPDX-License-Identifier: GPL-2.0-only
/* lsmguard: the command. Dispatches to one function per subcommand. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

#define LSMGUARD_VERSION "0.1.0"

/* An option of a command, as its --help and the main help list it (docs/lsmguard.8.md lists
 * the same: tests/cli keeps the two in step). */
struct option_help {
	const char *option;
	const char *text;
};

#define MAX_OPTIONS 8

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *what;
	struct option_help options[MAX_OPTIONS];
} commands[] = {
    {"check", cmd_check, "check PATH...",
     "validate policy files or directories of *.ini files: every error of every file as\n"
     "FILE:LINE with its fix; exit 0 when the set would load, 1 when not",
     {{NULL, NULL}}},
    {"show", cmd_show, "show [--json] PATH...",
     "print the compiled rules, each with its id, class, action, match and FILE:LINE",
     {{"--json", "one JSON document"}}},
    {"explain", cmd_explain, "explain [--policy-dir DIR] [--json] NAME OPERATION OBJECT",
     "the verdict of policy NAME for one operation and the rule (FILE:LINE) that decides it:\n"
     "open-read|open-write|exec PATH, connect|sendto ADDR:PORT/PROTO, bind|listen\n"
     "ADDR:PORT/PROTO, socket FAMILY[/PROTOCOL], capability CAP_NAME, connect PATH|@NAME and\n"
     "bind @NAME (unix sockets); exit 0 allowed, 1 denied",
     {{"--policy-dir DIR", "the policy directory (" LG_POLICY_DIR ")"},
      {"--json", "the verdict as one JSON document"}}},
    {"learn", cmd_learn,
     "learn NAME (--cgroup PATH | --unit UNIT) --duration SECONDS --events FILE",
     "put the service under a learning policy (audit mode, everything reported) for SECONDS,\n"
     "then write the policy that allows what it did, in audit mode (NAME.ini, or -o FILE)",
     {{"--cgroup PATH", "the service's cgroup"},
      {"--unit UNIT", "the service's systemd unit (its cgroup)"},
      {"--duration SECONDS", "how long to learn"},
      {"--events FILE", "the daemon's event log (its --log FILE)"},
      {"--from-log FILE", "learn from a saved event log instead"},
      {"--print-learning-policy", "print the learning policy, for a run made by hand"},
      {"-o, --output FILE", "write the learned policy to FILE"},
      {"--policy-dir DIR", "the policy directory (" LG_POLICY_DIR ")"}}},
    {"run", cmd_run,
     "run [--policy-dir DIR] [--log FILE] [--syslog] [--metrics-file PATH] [--link-records N]"
     " [--stop-guard]",
     "the daemon: enforce the policies of the policy directory, print one JSON line per\n"
     "event; SIGHUP reloads without a gap, SIGTERM stops and leaves enforcement in force",
     {{"--policy-dir DIR", "the policy directory (" LG_POLICY_DIR ")"},
      {"--log FILE", "also append every event line to FILE"},
      {"--syslog", "events and notices to syslog (facility daemon), not stdout"},
      {"--metrics-file PATH", "write the counters in Prometheus text format to PATH"},
      {"--metrics-interval SECONDS", "how often --metrics-file is written (15)"},
      {"--link-records N", "hard-linked files the kernel remembers the name of (16384)"},
      {"--stop-guard", "once ready, PID 1's signals are refused until `lsmguard stop`"}}},
    {"status", cmd_status, "status [--json]",
     "whether enforcement is active, the policies in force and their counters per hook;\n"
     "exit 0 only when active",
     {{"--json", "one JSON document"}}},
    {"exec", cmd_exec, "exec [--policy-dir DIR] [--unconfined] NAME -- COMMAND [ARGS...]",
     "run COMMAND in the cgroup of policy NAME, under that policy: refused (exit 1) when\n"
     "enforcement is not active or NAME is not in force",
     {{"--policy-dir DIR", "the policy directory (" LG_POLICY_DIR ")"},
      {"--unconfined", "run COMMAND in the cgroup even when NAME is not in force"}}},
    {"stop", cmd_stop, "stop [--main-pid=PID]",
     "stop the daemon (lsmguard.service's ExecStop=): clear its stop guard, send it SIGTERM\n"
     "and wait for it to exit; enforcement stays in force",
     {{"--main-pid=PID", "only if the daemon is PID (nothing if PID is empty)"}}},
    {"unload", cmd_unload, "unload", "end enforcement: detach the programs and remove the pins",
     {{NULL, NULL}}},
    {"help", NULL, "help [COMMAND]", "this help, or COMMAND's", {{NULL, NULL}}},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* Text indented by indent spaces after its first line. */
static void print_indented(FILE *out, const char *text, int indent)
{
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%*s", indent, "");
	}
	fputc('\n', out);
}

static void command_options(FILE *out, const struct command *c, int indent)
{
	for (int o = 0; o < MAX_OPTIONS && c->options[o].option; o++)
		fprintf(out, "%*s%-28s %s\n", indent, "", c->options[o].option, c->options[o].text);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lsmguard [-v] COMMAND [ARGS]\n       lsmguard --help | --version\n"
		     "\ncommands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		fprintf(out, "  %s\n      ", commands[i].synopsis);
		print_indented(out, commands[i].what, 6);
		command_options(out, &commands[i], 8);
	}
	fprintf(out, "\noptions:\n  -v                           verbose (libbpf's messages and the "
		     "verifier's log)\n  -h, --help                   this help; COMMAND --help "
		     "or help COMMAND: that command's\n  --version                    the version "
		     "and the ABI of the pinned maps\n"
		     "\nThe manual: man lsmguard (policies: man lsmguard.ini).\n");
}

static void command_usage(FILE *out, const struct command *c)
{
	fprintf(out, "usage: lsmguard %s\n\n", c->synopsis);
	print_indented(out, c->what, 0);
	if (c->options[0].option) {
		fprintf(out, "\noptions:\n");
		command_options(out, c, 2);
	}
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* Whether the command's own arguments (those before a "--", which end them for exec) ask for
 * its help. */
static bool asks_for_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int usage_error(const char *problem, const char *arg, const char *usage)
{
	if (problem && arg)
		log_warnx("%s '%s'; usage: %s", problem, arg, usage);
	else if (problem)
		log_warnx("%s; usage: %s", problem, usage);
	else
		log_warnx("usage: %s", usage);
	return 2;
}

int main(int argc, char **argv)
{
	const struct command *command;
	int first = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opterr = 0; /* subcommands report bad options themselves, in one format */
	while (first < argc && argv[first][0] == '-') {
		if (strcmp(argv[first], "-v") == 0) {
			log_verbose = true;
		} else if (strcmp(argv[first], "-h") == 0 || strcmp(argv[first], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[first], "--version") == 0) {
			printf("lsmguard %s (ABI %d)\n", LSMGUARD_VERSION, LG_ABI_VERSION);
			return 0;
		} else {
			log_warnx("unknown option '%s'; run 'lsmguard --help'", argv[first]);
			return 2;
		}
		first++;
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	command = find_command(argv[first]);
	if (!command) {
		log_warnx("unknown command '%s'; run 'lsmguard --help'", argv[first]);
		return 2;
	}
	if (!command->run) { /* help [COMMAND] */
		if (first + 1 >= argc || strcmp(argv[first + 1], "--help") == 0 ||
		    strcmp(argv[first + 1], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		command = find_command(argv[first + 1]);
		if (!command || first + 2 < argc) {
			log_warnx("%s '%s'; run 'lsmguard help' for the commands",
				  command ? "unexpected argument" : "unknown command",
				  argv[command ? first + 2 : first + 1]);
			return 2;
		}
		command->run ? command_usage(stdout, command) : usage(stdout);
		return 0;
	}
	if (asks_for_help(argc - first, argv + first)) {
		command_usage(stdout, command);
		return 0;
	}
	return command->run(argc - first, argv + first);
}
