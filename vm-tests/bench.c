// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench: the cost of enforcement per operation, in the test VM, with every configuration
 * visited in each of `rounds` rounds (7 unless `make bench ROUNDS=N`), in alternating order (A B ... B A), medians and spread
 * reported, after one warm-up pass that is not counted.
 *
 * Configurations: nothing; the floor (empty BPF-LSM programs on the same hooks); libseccomp
 * filters of 100 and 1,000 non-matching argument rules; Landlock rulesets of 10 and 10,000 rules;
 * lsmguard with the measured cgroup under no policy, and under policies of 10, 1,000 and 10,000
 * rules (the last with rules on the measured path's ancestors).
 *
 * The figures come from a software-emulated VM: read the ratios, not the nanoseconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "floor.skel.h"
#include "vmtest.h"
#include "vmutil.h"

#define MAX_ROUNDS 15
static int rounds = 7; /* lsmguard.rounds= on the kernel command line (make bench ROUNDS=N) */
#define BENCH_CGROUP "/bench"
#define DEEP_FILE "/bench/d1/d2/d3/d4/d5/d6/d7/d8/d9/file"
#define TCP_PORT 7000

enum op { OP_OPEN, OP_DENIED, OP_EXEC, OP_UDP, OP_SENDTO, OP_TCP, OP_GETPID, OP_COUNT };
static const char *const op_names[OP_COUNT] = {
	"open+close, 9 dirs deep", "open of a denied file", "fork+exec+wait",
	"UDP connect (reused socket)", "UDP sendto (unconnected socket)", "TCP connect+close",
	"getpid",
};
static const char *const op_keys[OP_COUNT] = {"open", "open_denied", "exec", "udp_connect",
					       "udp_sendto", "tcp_connect", "getpid"};
static const int op_iterations[OP_COUNT] = {2000, 2000, 150, 2000, 2000, 300, 5000};

enum config {
	C_NONE,
	C_FLOOR,
	C_SECCOMP_100,
	C_SECCOMP_1000,
	C_LANDLOCK_10,
	C_LANDLOCK_10000,
	C_LG_NO_POLICY,
	C_LG_10,
	C_LG_1000,
	C_LG_10000,
	C_COUNT,
};
static const char *const config_names[C_COUNT] = {
	"(0) nothing", "(F) empty BPF-LSM programs", "(5) seccomp, 100 rules",
	"(5) seccomp, 1,000 rules", "(6) Landlock, 10 rules", "(6) Landlock, 10,000 rules",
	"(1) lsmguard, no policy", "(2) lsmguard, 10 rules", "(3) lsmguard, 1,000 rules",
	"(4) lsmguard, 10,000 rules",
};
static const char *const config_keys[C_COUNT] = {
	"none", "floor", "seccomp_100", "seccomp_1000", "landlock_10", "landlock_10000",
	"lsmguard_no_policy", "lsmguard_10", "lsmguard_1000", "lsmguard_10000",
};

static double ns_per_op[C_COUNT][OP_COUNT][MAX_ROUNDS];
/* Per policy size (10, 1,000, 10,000 rules): the reload's whole duration, its parse and
 * compile part, and the kernel's unreclaimable slab once the previous bank is gone. */
static double reload_ms[3][MAX_ROUNDS], in_force_ms[3][MAX_ROUNDS], compile_ms[3][MAX_ROUNDS];
static double slab_kib[3][MAX_ROUNDS];
static const int policy_rules[3] = {11, 1001, 10005}; /* as write_bench_policy writes them */

int vm_failures;
void vm_register(const char *name, vm_test_fn fn, int order)
{
	(void)name, (void)fn, (void)order;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void run_op(enum op op, int n)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int udp = -1;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (op == OP_UDP || op == OP_SENDTO) {
		udp = socket(AF_INET, SOCK_DGRAM, 0);
		sin.sin_port = htons(9);
	}
	for (int i = 0; i < n; i++) {
		switch (op) {
		case OP_OPEN: {
			int fd = open(DEEP_FILE, O_RDONLY);

			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_DENIED: {
			int fd = open("/bench/denied", O_RDONLY);

			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_EXEC: {
			char *const argv[] = {"noop", NULL};
			char *const envp[] = {NULL};
			pid_t pid = fork();

			if (pid == 0) {
				execve("/bench/noop", argv, envp);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
			break;
		}
		case OP_UDP:
			connect(udp, (struct sockaddr *)&sin, sizeof(sin));
			break;
		case OP_SENDTO:
			sendto(udp, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
			break;
		case OP_TCP: {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			sin.sin_port = htons(TCP_PORT);
			connect(fd, (struct sockaddr *)&sin, sizeof(sin));
			close(fd);
			break;
		}
		case OP_GETPID:
			syscall(SYS_getpid);
			break;
		default:
			break;
		}
	}
	if (udp >= 0)
		close(udp);
}

static int seccomp_filter(int rules)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -1;
	/* Argument checks that never match, half on openat's flags, half on connect's length. */
	for (int i = 0; i < rules; i++) {
		if (i % 2 == 0)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(openat), 1,
					       SCMP_A2(SCMP_CMP_EQ, 0x70000000 + i));
		else
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(connect), 1,
					       SCMP_A2(SCMP_CMP_EQ, 100000 + i));
		if (ret)
			return ret;
	}
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

static int landlock_ruleset(int rules)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
				     LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_WRITE_FILE,
	};
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);

	if (ruleset < 0)
		return -1;
	for (int i = 0; i < rules; i++) {
		struct landlock_path_beneath_attr rule = {.allowed_access = attr.handled_access_fs};
		char path[64];

		/* "/" allows what is measured; the others are distinct directories. */
		if (i == 0)
			snprintf(path, sizeof(path), "/");
		else
			snprintf(path, sizeof(path), "/bench/ll/%d", i);
		rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
		if (rule.parent_fd < 0 ||
		    syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0))
			return -1;
		close(rule.parent_fd);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_landlock_restrict_self, ruleset, 0))
		return -1;
	close(ruleset);
	return 0;
}

/* Measure every operation in a child placed in the bench cgroup, under config's restriction. */
static void measure(enum config config, int round)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", BENCH_CGROUP);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(1);
		close(fd);
		if ((config == C_SECCOMP_100 && seccomp_filter(100)) ||
		    (config == C_SECCOMP_1000 && seccomp_filter(1000)) ||
		    (config == C_LANDLOCK_10 && landlock_ruleset(10)) ||
		    (config == C_LANDLOCK_10000 && landlock_ruleset(10000))) {
			printf("# bench: cannot set up %s\n", config_names[config]);
			_exit(1);
		}
		for (int op = 0; op < OP_COUNT; op++) {
			double start, ns;

			run_op((enum op)op, op_iterations[op] / 10); /* warm up */
			start = now_ns();
			run_op((enum op)op, op_iterations[op]);
			ns = (now_ns() - start) / op_iterations[op];
			if (write(fds[1], &ns, sizeof(ns)) != sizeof(ns))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	for (int op = 0; op < OP_COUNT; op++) {
		double ns = -1;

		if (read(fds[0], &ns, sizeof(ns)) != sizeof(ns))
			ns = -1;
		if (round >= 0) /* round -1: the warm-up pass, not counted */
			ns_per_op[config][op][round] = ns;
	}
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

/* The lsmguard policy of n rules on the bench cgroup (0: a policy on another cgroup only). */
static void write_bench_policy(int n)
{
	FILE *f = fopen(POLICY_DIR "/bench.ini.tmp", "w");

	fprintf(f, "[policy]\nname = bench\ncgroup = %s\nmode = enforce\n[files]\n"
		   "default = allow\ndeny = /bench/denied\n",
		n ? BENCH_CGROUP : "/elsewhere");
	/* The 10,000-rule policy also has rules on the measured path's ancestors. */
	if (n >= 10000)
		fprintf(f, "allow = /bench/\nallow = /bench/d1/d2/\nallow-read = /bench/d1/d2/d3/d4/\n"
			   "allow = /bench/d1/d2/d3/d4/d5/d6/d7/\n");
	for (int i = 0; i < n * 7 / 10; i++)
		fprintf(f, "%s = /srv/app%d/data/set%d/%s%d%s\n", i % 3 ? "allow" : "deny", i % 97,
			i % 13, i % 2 ? "dir" : "file", i, i % 2 ? "/" : "");
	fprintf(f, "[exec]\ndefault = allow\n");
	for (int i = 0; i < n * 2 / 10; i++)
		fprintf(f, "deny = /opt/tool%d/bin/prog%d\n", i % 31, i);
	fprintf(f, "[network]\ndefault = allow\n");
	for (int i = 0; i < n / 10; i++)
		fprintf(f, "deny = 10.%d.%d.0/24 tcp %d\n", (i / 256) % 256, i % 256, 1000 + i % 50);
	fclose(f);
	rename(POLICY_DIR "/bench.ini.tmp", POLICY_DIR "/bench.ini");
}

/* A number field of the last reload event in the daemon's log, or -1. */
static double last_reload_field(const char *field)
{
	char line[4096], *p;
	double value = -1;
	FILE *f = fopen(EVENT_LOG, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "\"event\":\"reload\"") && (p = strstr(line, field)))
			value = atof(p + strlen(field));
	fclose(f);
	return value;
}

/* SUnreclaim of /proc/meminfo in KiB: where the BPF maps' elements live. */
static double slab_unreclaimable_kib(void)
{
	char line[256];
	double kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "SUnreclaim:", 11) == 0)
			kib = atof(line + 11);
	fclose(f);
	return kib;
}

static bool reload_to(int rules)
{
	int generation = state_generation();

	write_bench_policy(rules);
	if (daemon_pid() <= 1 || kill(daemon_pid(), SIGHUP))
		return false;
	for (int i = 0; i < 3000 && state_generation() == generation; i++)
		usleep(10 * 1000);
	return state_generation() != generation;
}

static void setup(void)
{
	char cmd[256];

	if (system("mkdir -p /bench/d1/d2/d3/d4/d5/d6/d7/d8/d9 /bench/ll /etc/lsmguard/policy.d "
		   "/sys/fs/cgroup/bench && echo x > " DEEP_FILE " && echo x > /bench/denied && "
		   "cp /bin/noop /bench/noop") != 0)
		printf("# bench: setup failed\n");
	for (int i = 1; i < 10000; i++) {
		snprintf(cmd, sizeof(cmd), "/bench/ll/%d", i);
		mkdir(cmd, 0755);
	}
	/* A TCP listener outside any policy, accepting and closing. */
	if (fork() == 0) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(TCP_PORT)};
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

		inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 512))
			_exit(1);
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	usleep(100 * 1000);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *values, double *lo, double *hi)
{
	double sorted[MAX_ROUNDS];

	memcpy(sorted, values, sizeof(double) * (size_t)rounds);
	qsort(sorted, (size_t)rounds, sizeof(double), compare_doubles);
	*lo = sorted[0];
	*hi = sorted[rounds - 1];
	return sorted[rounds / 2];
}

/* Kernel memory per rule: the slab grown from the 11-rule to the 10,005-rule policy. */
static double bytes_per_rule(double *lo, double *hi)
{
	double per_rule[MAX_ROUNDS];

	for (int i = 0; i < rounds; i++)
		per_rule[i] = (slab_kib[2][i] - slab_kib[0][i]) * 1024.0 /
			      (policy_rules[2] - policy_rules[0]);
	return median(per_rule, lo, hi);
}

static void report(void)
{
	double base[OP_COUNT], lo, hi, per_rule;

	for (int op = 0; op < OP_COUNT; op++)
		base[op] = median(ns_per_op[C_NONE][op], &lo, &hi);
	printf("BENCH-TABLE | configuration |");
	for (int op = 0; op < OP_COUNT; op++)
		printf(" %s |", op_names[op]);
	printf("\nBENCH-TABLE | --- |");
	for (int op = 0; op < OP_COUNT; op++)
		printf(" --- |");
	printf("\n");
	for (int c = 0; c < C_COUNT; c++) {
		printf("BENCH-TABLE | %s |", config_names[c]);
		for (int op = 0; op < OP_COUNT; op++) {
			double m = median(ns_per_op[c][op], &lo, &hi);

			if (c == C_NONE)
				printf(" %.0f ns (%.0f-%.0f) |", m, lo, hi);
			else
				printf(" %.3fx, %+.0f ns (%.3f-%.3f) |", m / base[op], m - base[op],
				       lo / base[op], hi / base[op]);
		}
		printf("\n");
	}
	printf("BENCH-TABLE\nBENCH-TABLE | lsmguard, 10 -> 10,000 rules |");
	for (int op = 0; op < OP_COUNT; op++) {
		double m10 = median(ns_per_op[C_LG_10][op], &lo, &hi);
		double m10k = median(ns_per_op[C_LG_10000][op], &lo, &hi);

		printf(" %+.1f%% |", (m10k / m10 - 1) * 100);
	}
	printf("\n");
	printf("BENCH-JSON {\"rounds\":%d,\"ns_per_op\":{", rounds);
	for (int c = 0; c < C_COUNT; c++) {
		printf("%s\"%s\":{", c ? "," : "", config_keys[c]);
		for (int op = 0; op < OP_COUNT; op++) {
			double m = median(ns_per_op[c][op], &lo, &hi);

			printf("%s\"%s\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"ratio\":%.4f}",
			       op ? "," : "", op_keys[op], m, lo, hi, m / base[op]);
		}
		printf("}");
	}
	printf("},\"reload\":{");
	for (int r = 0; r < 3; r++) {
		double m = median(reload_ms[r], &lo, &hi), clo, chi, flo, fhi;
		double cm = median(compile_ms[r], &clo, &chi), fm = median(in_force_ms[r], &flo, &fhi);

		printf("%s\"%d\":{\"ms\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f},"
		       "\"in_force_ms\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f},"
		       "\"compile_ms\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f}}",
		       r ? "," : "", policy_rules[r], m, lo, hi, fm, flo, fhi, cm, clo, chi);
	}
	per_rule = bytes_per_rule(&lo, &hi);
	printf("},\"kernel_bytes_per_rule\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f}}\n",
	       per_rule, lo, hi);
	printf("BENCH-TABLE\nBENCH-TABLE | policy | reload (SIGHUP), with the old set's removal | "
	       "until the new set is enforced | of which parse and compile |\n"
	       "BENCH-TABLE | --- | --- | --- | --- |\n");
	for (int r = 0; r < 3; r++) {
		double clo, chi, flo, fhi, m = median(reload_ms[r], &lo, &hi);
		double cm = median(compile_ms[r], &clo, &chi), fm = median(in_force_ms[r], &flo, &fhi);

		printf("BENCH-TABLE | %d rules | %.1f ms (%.1f-%.1f) | %.1f ms (%.1f-%.1f) | "
		       "%.1f ms (%.1f-%.1f) |\n",
		       policy_rules[r], m, lo, hi, fm, flo, fhi, cm, clo, chi);
	}
	per_rule = bytes_per_rule(&lo, &hi);
	printf("BENCH-TABLE\nBENCH-TABLE kernel memory per rule (unreclaimable slab, 10,005 rules "
	       "minus 11): %.0f bytes (%.0f-%.0f)\n", per_rule, lo, hi);
}

/* One configuration of the measured set, set up, measured and taken down. */
static void run_config(enum config c, int round)
{
	if (c == C_FLOOR) {
		struct floor_bpf *floor = floor_bpf__open_and_load();

		if (!floor || floor_bpf__attach(floor))
			printf("# bench: cannot load the floor programs\n");
		measure(c, round);
		floor_bpf__destroy(floor);
		return;
	}
	measure(c, round);
}

/* The lsmguard configurations, with the daemon running: no policy, 10, 1,000, 10,000 rules. */
static void run_lsmguard(int round, bool reverse)
{
	static const int rules[3] = {10, 1000, 10000};
	const char *const unload[] = {LSMGUARD, "unload", NULL};
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	static char out[65536];

	write_bench_policy(0);
	if (daemon_start() <= 0) {
		printf("# bench: lsmguard did not start\n");
		exit(1);
	}
	if (!reverse)
		measure(C_LG_NO_POLICY, round);
	for (int i = 0; i < 3; i++) {
		int r = reverse ? 2 - i : i;

		if (!reload_to(rules[r]))
			printf("# bench: reload to %d rules failed\n", rules[r]);
		if (round >= 0) {
			reload_ms[r][round] = last_reload_field("\"duration_ms\":");
			in_force_ms[r][round] = last_reload_field("\"in_force_ms\":");
			compile_ms[r][round] = last_reload_field("\"compile_ms\":");
			usleep(200 * 1000); /* RCU callbacks free the old bank's elements */
			slab_kib[r][round] = slab_unreclaimable_kib();
		}
		measure((enum config)(C_LG_10 + r), round);
	}
	if (reverse) {
		reload_to(0);
		measure(C_LG_NO_POLICY, round);
	}
	if (round == rounds - 1 && run_command(status, out, sizeof(out)) == 0 &&
	    strstr(out, "\"programs\":"))
		printf("BENCH-PROGRAMS %s", strstr(out, "\"programs\":"));
	run_command(unload, NULL, 0);
}

int main(int argc, char **argv)
{
	static const enum config others[] = {C_NONE, C_FLOOR, C_SECCOMP_100, C_SECCOMP_1000,
					     C_LANDLOCK_10, C_LANDLOCK_10000};
	const int n_others = sizeof(others) / sizeof(others[0]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && atoi(argv[1]) >= 1)
		rounds = atoi(argv[1]) > MAX_ROUNDS ? MAX_ROUNDS : atoi(argv[1]);
	setup();
	/* Warm-up pass: caches, page tables and translated code of the first visits. */
	for (int i = 0; i < n_others; i++)
		run_config(others[i], -1);
	run_lsmguard(-1, false);
	for (int round = 0; round < rounds; round++) {
		bool reverse = round % 2;

		printf("# bench: round %d of %d%s\n", round + 1, rounds, reverse ? " (reverse order)" : "");
		if (reverse)
			run_lsmguard(round, true);
		for (int i = 0; i < n_others; i++)
			run_config(others[reverse ? n_others - 1 - i : i], round);
		if (!reverse)
			run_lsmguard(round, false);
	}
	report();
	return 0;
}
