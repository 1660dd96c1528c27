// SPDX-License-Identifier: GPL-2.0-only
/* lsmguard: the command. Dispatches to one function per subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

#define LSMGUARD_VERSION "0.1.0"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{"check", cmd_check, "check PATH...          validate policy files or directories"},
	{"show", cmd_show, "show [--json] PATH...  print the compiled rules with their sources"},
	{"explain", cmd_explain,
	 "explain NAME OPERATION OBJECT\n"
	 "                         the verdict of policy NAME and the rule (FILE:LINE) that decides\n"
	 "                         it: open-read|open-write|exec PATH, connect|sendto ADDR:PORT/PROTO,\n"
	 "                         bind|listen ADDR:PORT/PROTO, socket FAMILY[/PROTOCOL], capability\n"
	 "                         CAP_NAME, connect PATH|@NAME (unix sockets)"},
	{"learn", cmd_learn,
	 "learn NAME (--cgroup PATH | --unit UNIT) --duration S --events FILE\n"
	 "                         run NAME under a learning policy for S seconds, then write the\n"
	 "                         policy that allows what it did (--from-log FILE: from a log)"},
	{"run", cmd_run, "run [--policy-dir DIR] [--log FILE]\n"
			 "                         enforce the policies of DIR (" LG_POLICY_DIR ");\n"
			 "                         JSON events on stdout; SIGHUP reloads"},
	{"status", cmd_status, "status [--json]        enforcement state, policies and counters"},
	{"exec", cmd_exec, "exec NAME -- CMD...    run CMD in the cgroup of policy NAME"},
	{"unload", cmd_unload, "unload                 end enforcement: detach and remove the pins"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lsmguard [-v] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].usage);
	fprintf(out, "\n  -v   verbose (includes libbpf's own messages)\n");
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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[first], commands[i].name) == 0)
			return commands[i].run(argc - first, argv + first);
	log_warnx("unknown command '%s'; run 'lsmguard --help'", argv[first]);
	return 2;
}
