// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench: the cost of enforcement per operation, in the test VM, with every configuration
 * visited in each of `rounds` rounds (7 unless `make bench ROUNDS=N`), in alternating order
 * (A B ... B A), medians and spread reported, after one warm-up pass that is not counted.
 *
 * Configurations: nothing; the floor (a program that returns at once on every hook lsmguard
 * attaches to: tests/bench/gen-floor.sh); libseccomp filters of 100 and 1,000 non-matching
 * argument rules; Landlock rulesets of 10 and 10,000 rules;
 * lsmguard with the measured cgroup under no policy, and under policies of 10, 1,000 and 10,000
 * rules (the last with rules on the measured path's ancestors).
 *
 * A figure is only as good as the state it was taken in, so the bench proves that state before
 * it times anything, on every visit: the measuring child is in the bench cgroup; a seccomp filter
 * is in force exactly where one is measured; the BPF-LSM links attached in the system are the
 * configuration's and no others (none, the floor's, or lsmguard's); the floor programs run; the
 * lsmguard set in force is the one the figures will be labelled with (its generation, policy
 * name, cgroup and rule count, after every start and reload); and one of each operation gives
 * the result it should: the opens of DENIED_FILE and of DENIED_NEW_DIR's files fail with EPERM
 * where lsmguard's policy denies them (EACCES under AppArmor's profile) and succeed elsewhere,
 * every other open, exec, connect and send succeeds. Every timed
 * operation's result is then checked too. Each proof prints "ok N - ..." or "not ok N - ...:
 * what was seen"; the last line is "bench: N passed, N failed". One failure withholds the figures
 * and makes the bench exit 1.
 *
 * The figures come from a software-emulated VM: read the ratios, not the nanoseconds.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "floor.skel.h"
#include "lsmguard.skel.h"
#include "vmtest.h"
#include "vmutil.h"

#define MAX_ROUNDS 15
static int rounds = 7; /* lsmguard.rounds= on the kernel command line (make bench ROUNDS=N) */
/* lsmguard.iterations= (make bench ITERATIONS=N): at most N of each operation per measurement,
 * 0 for the counts of op_iterations. make check's smoke test of the checks uses a few. */
static int iterations_cap;
#define BENCH_CGROUP "/bench"
#define OTHER_CGROUP "/elsewhere" /* the no-policy configuration's policy is on this cgroup */
#define DEEP_FILE "/bench/d1/d2/d3/d4/d5/d6/d7/d8/d9/file"
#define DENIED_FILE "/bench/denied"
/* Denied files opened once each (DENIED_NEW_DIR/N, MISS_FILES of them): each denial's event is
 * sent (the rate limit keys it by file), so none is answered by a remembered denial; the
 * directory's state (cache.bpf.h) decides them after the first. */
#define DENIED_NEW_DIR "/bench/dnew"
/* The miss path: files 9 deep that each measurement opens once (a verdict no cache holds). */
#define MISS_DIR "/bench/d1/d2/d3/d4/d5/d6/d7/d8/d9/miss"
#define MISS_FILES 2400 /* one proof, a warm-up tenth and 2,000 timed opens, with room */
/* The miss path where no directory helps: each file alone in a directory of its own (COLD_DIR/N/f),
 * so that no cached state of its directory answers (bpf_lsm/cache.bpf.h): the whole walk. */
#define COLD_DIR "/bench/d1/d2/d3/d4/d5/d6/d7/d8/d9/cold"
/* Churn: an unrelated directory where a process under no policy renames a file back and forth
 * while the open is timed (log rotation, package installs, a database's segments). */
#define CHURN_DIR "/churn"
/* A stream listener outside any policy: a pathname unix socket, decided like a file there. */
#define UNIX_SOCKET "/bench/d1/d2/d3/d4/d5/d6/d7/d8/d9/unix.sock"
#define TCP_PORT 7000
#define LISTEN_PORT 7001 /* bind+listen: a server's start (lsm/socket_bind, lsm/socket_listen) */
#define WHY_SIZE 512

enum op {
	OP_OPEN,
	OP_DENIED,
	OP_DENIED_NEW,
	OP_EXEC,
	OP_UDP,
	OP_SENDTO,
	OP_TCP,
	OP_LISTEN,
	OP_GETPID,
	OP_UNIX,
	OP_OPEN_MISS,
	OP_OPEN_COLD,
	OP_OPEN_CHURN_10,
	OP_OPEN_CHURN_100,
	OP_OPEN_CHURN_1000,
	OP_SPAWN,
	OP_COUNT
};
#define OP_IS_CHURN(op) ((op) >= OP_OPEN_CHURN_10 && (op) <= OP_OPEN_CHURN_1000)
static const int churn_rates[3] = {10, 100, 1000}; /* renames a second, OP_OPEN_CHURN_* */
static const char *const op_names[OP_COUNT] = {
	"open+close, 9 dirs deep", "open of a denied file",
	"open of a denied file, a new one each time (its event sent)", "fork+exec+wait",
	"UDP connect (reused socket)", "UDP sendto (unconnected socket)", "TCP connect+close",
	"TCP bind+listen+close", "getpid", "unix connect+close, 9 dirs deep",
	"first open+close of a file, 9 dirs deep (miss)",
	"first open+close of a file alone in its directory, 10 dirs deep (miss, no directory state)",
	"open+close, 10 renames/s elsewhere",
	"open+close, 100 renames/s elsewhere", "open+close, 1,000 renames/s elsewhere",
	"vfork+exec+wait",
};
static const char *const op_keys[OP_COUNT] = {
	"open",		"open_denied", "open_denied_new", "exec",	   "udp_connect",
	"udp_sendto",	"tcp_connect", "bind_listen",	  "getpid",	   "unix_connect",
	"open_miss",	"open_cold",   "open_churn_10",	  "open_churn_100", "open_churn_1000",
	"spawn"};
/* The churned opens run long enough for the renames to matter: 10,000 opens are about a third
 * of a second of the guest's clock, 300 renames at 1,000 a second. */
static const int op_iterations[OP_COUNT] = {2000, 2000, 2000, 150,   2000,  2000,
					    300,  1000, 5000, 300,   2000,  2000,
					    10000, 10000, 10000, 150};

enum config {
	C_NONE,
	C_FLOOR,
	C_SECCOMP_100,
	C_SECCOMP_1000,
	C_LANDLOCK_10,
	C_LANDLOCK_10000,
	C_APPARMOR,
	C_LG_NO_POLICY,
	C_LG_10,
	C_LG_1000,
	C_LG_10000,
	C_LG_STOPPED,
	C_COUNT,
};
static const char *const config_names[C_COUNT] = {
	"(0) nothing", "(F) empty BPF-LSM programs", "(5) seccomp, 100 rules",
	"(5) seccomp, 1,000 rules", "(6) Landlock, 10 rules", "(6) Landlock, 10,000 rules",
	"(7) AppArmor, a profile of the same intent",
	"(1) lsmguard, no policy", "(2) lsmguard, 10 rules", "(3) lsmguard, 1,000 rules",
	"(4) lsmguard, 10,000 rules",
	"(1s) lsmguard, no policy, its daemon stopped (SIGSTOP)",
};
static const char *const config_keys[C_COUNT] = {
	"none", "floor", "seccomp_100", "seccomp_1000", "landlock_10", "landlock_10000", "apparmor",
	"lsmguard_no_policy", "lsmguard_10", "lsmguard_1000", "lsmguard_10000",
	"lsmguard_daemon_stopped",
};

static double ns_per_op[C_COUNT][OP_COUNT][MAX_ROUNDS];
static double renames_made[C_COUNT][3][MAX_ROUNDS]; /* by the renamer, at each churn rate */
static double footprint[C_COUNT][5][MAX_ROUNDS];    /* struct measurement's footprint */
static char runs_report[16384];			    /* program_runs' table rows */
/* Per policy size (10, 1,000, 10,000 rules): the reload's whole duration, its parse and
 * compile part, and the kernel's unreclaimable slab once the previous bank is gone. */
static double reload_ms[3][MAX_ROUNDS], in_force_ms[3][MAX_ROUNDS], compile_ms[3][MAX_ROUNDS];
static double slab_kib[3][MAX_ROUNDS];
/* ... and just before that reload (the set in force then had rules_before rules): the growth
 * across the one reload is what the rules cost, without the kernel memory of whatever the
 * measurements between two reloads opened (each file's verdict cache, its directory's) */
static double slab_before_kib[3][MAX_ROUNDS];
static int rules_before[3][MAX_ROUNDS];
static int rules_in_force = -1; /* the rules of the set proven in force last */
static const int policy_sizes[3] = {10, 1000, 10000}; /* the n of write_bench_policy */
static int policy_rules[3];			      /* the rules those policies have */

int vm_failures; /* counted by vmutil.c's VM_FAIL; any is a failure of the bench */
void vm_register(const char *name, vm_test_fn fn, int order)
{
	(void)name, (void)fn, (void)order;
}

static int checks_passed, checks_failed;
static char first_failure[WHY_SIZE + 256];

/* Append one more finding to why (WHY_SIZE bytes), "; " between findings. */
__attribute__((format(printf, 2, 3))) static void note(char *why, const char *fmt, ...)
{
	size_t used = strlen(why);
	va_list ap;

	if (used && used + 2 < WHY_SIZE) {
		strcpy(why + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + used, WHY_SIZE - used, fmt, ap);
	va_end(ap);
}

/* One proof, printed as a TAP line: what was proven, or on failure what was seen instead. */
__attribute__((format(printf, 3, 4))) static bool check(bool ok, const char *why,
						       const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (ok) {
		checks_passed++;
		printf("ok %d - %s\n", checks_passed + checks_failed, what);
		return true;
	}
	checks_failed++;
	why = why && *why ? why : "failed";
	printf("not ok %d - %s: %s\n", checks_passed + checks_failed, what, why);
	if (!first_failure[0])
		snprintf(first_failure, sizeof(first_failure), "%s: %s", what, why);
	return false;
}

static const char *pass_name(int round)
{
	static char name[32];

	if (round < 0)
		return "warm-up";
	snprintf(name, sizeof(name), "round %d", round + 1);
	return name;
}

/* The errno of the opens of DENIED_FILE and DENIED_NEW_DIR's files in configuration c: its
 * policy's refusal, or 0. */
static int config_denies(enum config c)
{
	return c == C_LG_10 || c == C_LG_1000 || c == C_LG_10000 ? EPERM
	       : c == C_APPARMOR				  ? EACCES
								  : 0;
}

static bool config_is_seccomp(enum config c)
{
	return c == C_SECCOMP_100 || c == C_SECCOMP_1000;
}

static bool config_is_lsmguard(enum config c)
{
	return c >= C_LG_NO_POLICY;
}

static int iterations(enum op op)
{
	return iterations_cap && iterations_cap < op_iterations[op] ? iterations_cap
								     : op_iterations[op];
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The next of DENIED_NEW_DIR's files to open; a parent moves it past what a child opened
 * (runs_child), so that two children in a row do not open the same files. */
static int denied_new_next;

/* The guest's busy time so far, in clock ticks: every CPU's, from /proc/stat (0: unread). */
static unsigned long long busy_ticks(void)
{
	unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
	FILE *f = fopen("/proc/stat", "r");
	int got;

	if (!f)
		return 0;
	got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system,
		     &idle, &iowait, &irq, &softirq, &steal);
	fclose(f);
	return got == 8 ? user + nice + system + irq + softirq + steal : 0;
}

/*
 * Wait until the guest is idle: its busy time grows by at most a tick in 100 ms (false, said in
 * why, when it is not within 30 s or the time cannot be read).
 * Every denial of OP_DENIED_NEW sends an event, which the daemon reads and writes to its log
 * after the open returned; the bench guest has one vCPU, whose every instruction advances the
 * clock, so that work, left to run on, was measured as part of the next operation
 * (fork+exec+wait at 1.24x in the first full run with OP_DENIED_NEW, 2026-12-07, against 1.02x
 * before it).
 */
static bool wait_idle(char *why)
{
	unsigned long long last = busy_ticks(), now = 0;

	for (int i = 0; last && i < 300; i++) {
		usleep(100 * 1000);
		now = busy_ticks();
		if (!now)
			break;
		if (now - last <= 1)
			return true;
		last = now;
	}
	note(why, last && now ? "the guest was still busy after 30 s"
			      : "cannot read the guest's busy time in /proc/stat");
	return false;
}

/*
 * Run op n times; return how many results were not the expected one, and describe the first in
 * why. Expected: success for every operation, except the opens of DENIED_FILE and of
 * DENIED_NEW_DIR's files when denied (EPERM, or AppArmor's EACCES).
 */
static int run_op(enum op op, int n, int denied, char *why)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	pid_t self = getpid();
	int udp = -1, failures = 0;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (op == OP_UDP || op == OP_SENDTO) {
		udp = socket(AF_INET, SOCK_DGRAM, 0);
		if (udp < 0) {
			note(why, "%s: socket: %s", op_names[op], strerror(errno));
			return n;
		}
		sin.sin_port = htons(9);
	}
	for (int i = 0; i < n; i++) {
		switch (op) {
		case OP_OPEN_MISS:
		case OP_OPEN_COLD: {
			/* each measuring child opens each file once */
			static int next_miss, next_cold;
			char miss[96];
			int fd;

			if (op == OP_OPEN_MISS)
				snprintf(miss, sizeof(miss), MISS_DIR "/%d", next_miss++ % MISS_FILES);
			else
				snprintf(miss, sizeof(miss), COLD_DIR "/%d/f", next_cold++ % MISS_FILES);
			fd = open(miss, O_RDONLY);
			if (fd < 0 && !failures++)
				note(why, "open %s: %s, expected success", miss, strerror(errno));
			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_OPEN:
		case OP_OPEN_CHURN_10:
		case OP_OPEN_CHURN_100:
		case OP_OPEN_CHURN_1000: {
			int fd = open(DEEP_FILE, O_RDONLY);

			if (fd < 0 && !failures++)
				note(why, "open %s: %s, expected success", DEEP_FILE,
				     strerror(errno));
			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_DENIED:
		case OP_DENIED_NEW: {
			char name[64] = DENIED_FILE;
			int fd, err;

			if (op == OP_DENIED_NEW)
				snprintf(name, sizeof(name), DENIED_NEW_DIR "/%d",
					 denied_new_next++ % MISS_FILES);
			fd = open(name, O_RDONLY);
			err = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
			if (err != denied && !failures++)
				note(why, "open %s: %s, expected %s", name,
				     err ? strerror(err) : "success",
				     denied ? strerror(denied) : "success");
			break;
		}
		case OP_EXEC:
		case OP_SPAWN: {
			/* fork copies the measuring child's page tables and mappings, and its exit
			 * tears them down: a cost that follows that process's memory, not the exec.
			 * vfork (as posix_spawn does) shares them until the exec. */
			char *const argv[] = {"noop", NULL};
			char *const envp[] = {NULL};
			pid_t pid = op == OP_EXEC ? fork() : vfork();
			int status = 0;

			if (pid == 0) {
				execve("/bench/noop", argv, envp);
				_exit(127);
			}
			if (pid < 0) {
				if (!failures++)
					note(why, "fork: %s", strerror(errno));
			} else if (waitpid(pid, &status, 0) != pid) {
				if (!failures++)
					note(why, "waitpid: %s", strerror(errno));
			} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				bool killed = WIFSIGNALED(status);

				if (!failures++)
					note(why, "exec /bench/noop: %s %d, expected exit status 0",
					     killed ? "killed by signal" : "exit status",
					     killed ? WTERMSIG(status) : WEXITSTATUS(status));
			}
			break;
		}
		case OP_UDP:
			if (connect(udp, (struct sockaddr *)&sin, sizeof(sin)) && !failures++)
				note(why, "UDP connect to 127.0.0.1:9: %s, expected success",
				     strerror(errno));
			break;
		case OP_SENDTO:
			if (sendto(udp, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin)) != 1 &&
			    !failures++)
				note(why, "UDP sendto 127.0.0.1:9: %s, expected 1 byte sent",
				     strerror(errno));
			break;
		case OP_TCP: {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			sin.sin_port = htons(TCP_PORT);
			if (fd < 0) {
				if (!failures++)
					note(why, "TCP socket: %s", strerror(errno));
				break;
			}
			if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) && !failures++)
				note(why, "TCP connect to 127.0.0.1:%d: %s, expected success",
				     TCP_PORT, strerror(errno));
			close(fd);
			break;
		}
		case OP_UNIX: {
			struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = UNIX_SOCKET};
			int fd = socket(AF_UNIX, SOCK_STREAM, 0);

			if (fd < 0) {
				if (!failures++)
					note(why, "unix socket: %s", strerror(errno));
				break;
			}
			if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) && !failures++)
				note(why, "connect to %s: %s, expected success", UNIX_SOCKET,
				     strerror(errno));
			close(fd);
			break;
		}
		case OP_LISTEN: {
			struct sockaddr_in at = sin;
			int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

			at.sin_port = htons(LISTEN_PORT);
			if (fd < 0) {
				if (!failures++)
					note(why, "TCP socket: %s", strerror(errno));
				break;
			}
			if ((setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
			     bind(fd, (struct sockaddr *)&at, sizeof(at)) || listen(fd, 16)) &&
			    !failures++)
				note(why, "bind+listen on 127.0.0.1:%d: %s, expected success",
				     LISTEN_PORT, strerror(errno));
			close(fd);
			break;
		}
		case OP_GETPID:
			if (syscall(SYS_getpid) != self && !failures++)
				note(why, "getpid did not return the caller's pid");
			break;
		default:
			break;
		}
	}
	if (udp >= 0)
		close(udp);
	return failures;
}
/*
 * AppArmor: a profile of the bench policy's intent (every file, program and network access
 * allowed but the opens of DENIED_FILE and DENIED_NEW_DIR's files), loaded by Debian's apparmor_parser at setup and entered
 * by the measuring child as an administrator's aa-exec would (change_profile from unconfined).
 */
#define AA_PROFILE "lsmguard-bench"
#define AA_CURRENT "/proc/self/attr/apparmor/current"
#define AA_PROFILE_FILE "/run/lsmguard-bench.aa"

static const char aa_profile_text[] =
	"profile " AA_PROFILE " {\n"
	"  file,\n"
	"  deny " DENIED_FILE " r,\n"
	"  deny " DENIED_NEW_DIR "/* r,\n"
	"  network,\n"
	"  unix,\n"
	"  signal,\n"
	"  capability,\n"
	"}\n";

/* In the child: enter the profile; 0 or -1 (errno). */
static int apparmor_enter(void)
{
	static const char cmd[] = "changeprofile " AA_PROFILE;
	int fd = open(AA_CURRENT, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, cmd, sizeof(cmd) - 1) != (ssize_t)(sizeof(cmd) - 1))
		ret = -1;
	close(fd);
	return ret;
}

/* At setup: the profile loaded, and listed by the kernel in enforce mode. */
static bool apparmor_load(char *why)
{
	FILE *f = fopen(AA_PROFILE_FILE, "w");
	char line[256];
	bool listed = false;

	if (!f || fputs(aa_profile_text, f) < 0 || fclose(f)) {
		note(why, "cannot write %s", AA_PROFILE_FILE);
		return false;
	}
	if (system("/sbin/apparmor_parser -r -q " AA_PROFILE_FILE) != 0) {
		note(why, "apparmor_parser -r %s failed", AA_PROFILE_FILE);
		return false;
	}
	f = fopen("/sys/kernel/security/apparmor/profiles", "r");
	while (f && fgets(line, sizeof(line), f))
		listed |= strcmp(line, AA_PROFILE " (enforce)\n") == 0;
	if (f)
		fclose(f);
	if (!listed)
		note(why, "the kernel does not list %s (enforce)", AA_PROFILE);
	return listed;
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

/* The BPF-LSM, tracing and cgroup connect links attached in the whole system, by their
 * program's name. */
struct lsm_links {
	int floor, lsmguard, connect, other;
};

/* lsmguard's programs: each one is attached, and pinned, as a link of its own. */
#define LSMGUARD_PROGRAMS                                                                         \
	((int)(sizeof(((struct lsmguard_bpf *)0)->progs) / sizeof(struct bpf_program *)))

static int count_lsm_links(struct lsm_links *links)
{
	__u32 id = 0;
	int ret;

	memset(links, 0, sizeof(*links));
	while ((ret = bpf_link_get_next_id(id, &id)) == 0) {
		struct bpf_link_info link = {0};
		struct bpf_prog_info prog = {0};
		__u32 link_len = sizeof(link), prog_len = sizeof(prog);
		int link_fd = bpf_link_get_fd_by_id(id), prog_fd;

		if (link_fd < 0 && errno == ENOENT)
			continue; /* detached since its id was read */
		if (link_fd < 0)
			return -errno;
		ret = bpf_obj_get_info_by_fd(link_fd, &link, &link_len) ? -errno : 0;
		close(link_fd);
		if (ret)
			return ret;
		prog_fd = bpf_prog_get_fd_by_id(link.prog_id);
		if (prog_fd < 0)
			return -errno;
		ret = bpf_obj_get_info_by_fd(prog_fd, &prog, &prog_len) ? -errno : 0;
		close(prog_fd);
		if (ret)
			return ret;
		/* lsmguard's cgroup connect programs (MPTCP subflows, connects to 0.0.0.0) are
		 * links at each cgroup bound to a policy, two each; no other cgroup program of
		 * that type runs in the bench's guest */
		if (prog.type != BPF_PROG_TYPE_LSM && prog.type != BPF_PROG_TYPE_TRACING &&
		    prog.type != BPF_PROG_TYPE_CGROUP_SOCK_ADDR)
			continue;
		if (prog.type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR && strncmp(prog.name, "lg_", 3) == 0)
			links->connect++;
		else if (strncmp(prog.name, "floor_", 6) == 0)
			links->floor++;
		else if (strncmp(prog.name, "lg_", 3) == 0)
			links->lsmguard++;
		else
			links->other++;
	}
	return ret == -ENOENT ? 0 : ret;
}

static int floor_programs; /* the floor's programs, counted when they were proven to run */

/* Only c's BPF-LSM and tracing links are attached: none, exactly the floor's, or every one of
 * lsmguard's programs. */
static bool links_are(enum config c, char *why)
{
	struct lsm_links links;
	int ret = count_lsm_links(&links);
	int floor = c == C_FLOOR ? floor_programs : 0;
	/* the two cgroup connect programs are links per bound cgroup, not one each */
	int lsmguard = config_is_lsmguard(c) ? LSMGUARD_PROGRAMS - 2 : 0;

	if (ret) {
		note(why, "cannot list the BPF links: %s", strerror(-ret));
		return false;
	}
	if (links.floor == floor && links.lsmguard == lsmguard && !links.other &&
	    links.connect % 2 == 0 && (lsmguard > 0 || !links.connect))
		return true;
	note(why, "BPF-LSM and tracing links attached: %d of the floor, %d of lsmguard, %d cgroup "
		  "connect links of lsmguard, %d others; expected %d, %d, an even number (one pair "
		  "per cgroup bound to a policy; none without lsmguard), 0", links.floor, links.lsmguard, links.connect, links.other,
	     floor, lsmguard);
	return false;
}

static const char *state_description(enum config c)
{
	static char text[256];

	snprintf(text, sizeof(text),
		 "in %s, %s, %s; opens of %s and %s/N %s, every other operation succeeds",
		 BENCH_CGROUP, config_is_seccomp(c) ? "seccomp filter" : "no seccomp filter",
		 c == C_FLOOR		  ? "the floor's BPF-LSM links only"
		 : config_is_lsmguard(c) ? "lsmguard's BPF-LSM links only"
					 : "no BPF-LSM link",
		 DENIED_FILE, DENIED_NEW_DIR,
		 config_denies(c) == EPERM    ? "EPERM"
		 : config_denies(c) == EACCES ? "EACCES (AppArmor's profile)"
					      : "allowed");
	return text;
}

/* What the measuring child sends back, in one write (smaller than PIPE_BUF). */
struct measurement {
	int state_failures;	    /* facts of the state that did not hold: nothing was timed */
	int op_failures[OP_COUNT]; /* timed operations whose result was not the expected one */
	double ns[OP_COUNT];
	/* before fork+exec+wait: VmRSS kB, VmPTE kB, mappings, descriptors, the highest one */
	long footprint[5];
	char why[WHY_SIZE];
};

/* In the child, with c's restriction in force: the facts that make c what it is called. */
static void prove_state(enum config c, struct measurement *m)
{
	char line[256] = "";
	FILE *f = fopen("/proc/self/cgroup", "r");
	int seccomp = -1;

	if (!f || !fgets(line, sizeof(line), f) || strcmp(line, "0::" BENCH_CGROUP "\n")) {
		line[strcspn(line, "\n")] = '\0';
		note(m->why, "/proc/self/cgroup says \"%s\", expected 0::%s", line, BENCH_CGROUP);
		m->state_failures++;
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &seccomp) == 1)
			break;
	if (f)
		fclose(f);
	if (seccomp != (config_is_seccomp(c) ? SECCOMP_MODE_FILTER : 0)) {
		note(m->why, "seccomp mode %d, expected %d", seccomp,
		     config_is_seccomp(c) ? SECCOMP_MODE_FILTER : 0);
		m->state_failures++;
	}
	/* AppArmor is active in every configuration (the bench guest boots with it, as Debian
	 * does): the child is unconfined by it but in its own. */
	line[0] = '\0';
	f = fopen(AA_CURRENT, "r");
	if (!f || !fgets(line, sizeof(line), f) ||
	    strcmp(line, c == C_APPARMOR ? AA_PROFILE " (enforce)\n" : "unconfined\n")) {
		line[strcspn(line, "\n")] = '\0';
		note(m->why, "%s says \"%s\", expected %s", AA_CURRENT, line,
		     c == C_APPARMOR ? AA_PROFILE " (enforce)" : "unconfined");
		m->state_failures++;
	}
	if (f)
		fclose(f);
	for (int op = 0; op < OP_COUNT; op++)
		if (run_op((enum op)op, 1, config_denies(c), m->why))
			m->state_failures++;
}

/*
 * The renamer of the churned opens: a process under no policy (forked by measure before the
 * measuring child joins the bench cgroup) that renames CHURN_DIR/a to b and back at the rate the
 * measuring child last wrote to its control pipe (0: idle). At a new rate it renames at once and
 * then acknowledges, so even a measurement of a few opens has its churn; at the end (the control
 * pipe closed) it writes how many renames it made at each rate.
 */
struct renamer {
	pid_t pid;
	int control; /* the rate, an int, written by the measuring child */
	int ack;     /* a byte per new rate, read by the measuring child */
	int result;  /* long[3]: renames made at each of churn_rates */
};

static int churn_index(int rate)
{
	for (int i = 0; i < 3; i++)
		if (churn_rates[i] == rate)
			return i;
	return -1;
}

static void renamer_run(int control, int ack, int result)
{
	long made[3] = {0};
	struct timespec next = {0};
	int rate = 0, which = -1;
	bool at_b = access(CHURN_DIR "/b", F_OK) == 0, fresh = false; /* where the last left it */

	for (;;) {
		struct pollfd p = {.fd = control, .events = POLLIN};

		if (rate == 0 || poll(&p, 1, 0) > 0) {
			if (read(control, &rate, sizeof(rate)) != sizeof(rate))
				break;
			which = churn_index(rate);
			if (which < 0)
				rate = 0;
			fresh = rate > 0;
			clock_gettime(CLOCK_MONOTONIC, &next);
			continue;
		}
		if (rename(at_b ? CHURN_DIR "/b" : CHURN_DIR "/a",
			   at_b ? CHURN_DIR "/a" : CHURN_DIR "/b") == 0) {
			at_b = !at_b;
			made[which]++;
		}
		if (fresh && write(ack, "r", 1) == 1)
			fresh = false;
		next.tv_nsec += 1000000000L / rate;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	_exit(write(result, made, sizeof(made)) == sizeof(made) ? 0 : 1);
}

static bool renamer_start(struct renamer *r)
{
	int control[2], ack[2] = {-1, -1}, result[2] = {-1, -1};

	if (pipe(control))
		return false;
	if (pipe(ack) || pipe(result)) {
		close(control[0]), close(control[1]);
		if (ack[0] >= 0)
			close(ack[0]), close(ack[1]);
		return false;
	}
	r->pid = fork();
	if (r->pid == 0) {
		close(control[1]), close(ack[0]), close(result[0]);
		renamer_run(control[0], ack[1], result[1]);
	}
	close(control[0]), close(ack[1]), close(result[1]);
	r->control = control[1], r->ack = ack[0], r->result = result[0];
	if (r->pid < 0) {
		close(r->control), close(r->ack), close(r->result);
		return false;
	}
	return true;
}

/* In the measuring child: churn at rate (0: stop); false when the renamer did not answer. */
static bool renamer_set(const struct renamer *r, int rate)
{
	char byte;

	if (write(r->control, &rate, sizeof(rate)) != sizeof(rate))
		return false;
	return rate == 0 || read(r->ack, &byte, 1) == 1;
}

static const struct renamer *measure_renamer; /* the measuring child's, from measure */

/*
 * Put the calling process into the bench cgroup, moved by another process, as a service's
 * processes are: a process that moves itself into a policy's cgroup is in its setup window
 * (bpf_lsm/setup.bpf.c) until it executes a program, which this one never does, and its forks
 * would pay for the mark. false (why says it) when it could not.
 */
static bool join_bench_cgroup(char *why)
{
	char path[128], pid[32];
	int fd, status = 0, len;
	pid_t mover;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", BENCH_CGROUP);
	len = snprintf(pid, sizeof(pid), "%d", (int)getpid());
	mover = fork();
	if (mover == 0) {
		fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, pid, (size_t)len) == len ? 0 : errno);
	}
	if (mover < 0 || waitpid(mover, &status, 0) != mover || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		note(why, "cannot join %s: %s", BENCH_CGROUP,
		     mover > 0 && WIFEXITED(status) ? strerror(WEXITSTATUS(status)) : "no mover");
		return false;
	}
	return true;
}

/*
 * Under the policy in force, open each of the miss path's files once from the bench cgroup
 * (and DENIED_NEW_DIR's, whatever the policy says of them):
 * each file's inode storage (the verdict cache) and each cold directory's (its state for the
 * files in it) is made now, before the kernel memory of the
 * round's rule sets is read, so that whichever set is measured first does not count it (the
 * reverse rounds measure the 10,000-rule set first: the difference came out negative).
 */
static bool prime_miss_files(char *why)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		char path[96], ignored[WHY_SIZE];
		int failed = 0;

		if (!join_bench_cgroup(ignored))
			_exit(2);
		for (int i = 0; i < 3 * MISS_FILES; i++) {
			int fd;

			if (i < MISS_FILES)
				snprintf(path, sizeof(path), MISS_DIR "/%d", i);
			else if (i < 2 * MISS_FILES)
				snprintf(path, sizeof(path), COLD_DIR "/%d/f", i - MISS_FILES);
			else
				snprintf(path, sizeof(path), DENIED_NEW_DIR "/%d",
					 i - 2 * MISS_FILES);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			/* (the denied ones: whatever the policy in force says) */
			failed += fd < 0 && i < 2 * MISS_FILES;
			if (fd >= 0)
				close(fd);
		}
		_exit(failed ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		note(why, "the miss path's files could not all be opened from %s", BENCH_CGROUP);
		return false;
	}
	return true;
}

/*
 * The calling process's open descriptors (its fd table, which fork copies and exec walks), and
 * the highest of them (a fork sizes the child's table by it).
 */
static long open_descriptors(long *highest)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	*highest = -1;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		n++;
		if (fd > *highest)
			*highest = fd;
	}
	closedir(d);
	return n;
}

/*
 * Close every descriptor but 0-2 and keep[]: the measuring child does not carry its parent's
 * (the floor's programs and links, loaded by this process, are some 200 of them, and every
 * fork copies them and every exec closes them again: +44,000 instructions on fork+exec+wait in
 * the floor's first run).
 */
static void close_inherited(const int *keep, int n)
{
	int fds[1024], count = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");

	while (d && (e = readdir(d)) && count < 1024) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
			fds[count++] = fd;
	}
	if (d)
		closedir(d);
	for (int i = 0; i < count; i++) {
		bool kept = false;

		for (int k = 0; k < n; k++)
			kept |= keep[k] == fds[i];
		if (!kept)
			close(fds[i]);
	}
}

/* fd moved to the lowest free number (itself when it is already lower). */
static int lowest_descriptor(int fd)
{
	int low = fcntl(fd, F_DUPFD, 3);

	if (low < 0 || low > fd) {
		if (low >= 0)
			close(low);
		return fd;
	}
	close(fd);
	return low;
}

/* What the measuring child's fork copies: VmRSS and VmPTE (kB), its mappings, its open
 * descriptors. */
static void read_footprint(long out[5])
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	out[0] = out[1] = out[2] = out[3] = out[4] = -1;
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %ld", &out[0]);
		sscanf(line, "VmPTE: %ld", &out[1]);
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/maps", "r");
	for (out[2] = 0; f && fgets(line, sizeof(line), f);)
		out[2] += strchr(line, '\n') != NULL;
	if (f)
		fclose(f);
	out[3] = open_descriptors(&out[4]);
}

static void measure_child(enum config c, struct measurement *m)
{
	int ret = 0;

	if (!join_bench_cgroup(m->why)) {
		m->state_failures++;
		return;
	}
	errno = 0;
	if (c == C_SECCOMP_100 || c == C_SECCOMP_1000)
		ret = seccomp_filter(c == C_SECCOMP_100 ? 100 : 1000);
	else if (c == C_LANDLOCK_10 || c == C_LANDLOCK_10000)
		ret = landlock_ruleset(c == C_LANDLOCK_10 ? 10 : 10000);
	else if (c == C_APPARMOR)
		ret = apparmor_enter();
	if (ret) {
		note(m->why, "cannot set up %s: %s", config_names[c],
		     strerror(ret < -1 ? -ret : errno));
		m->state_failures++;
		return;
	}
	prove_state(c, m);
	if (m->state_failures)
		return;
	for (int op = 0; op < OP_COUNT; op++) {
		int n = iterations((enum op)op);
		double start;

		if (OP_IS_CHURN(op) &&
		    !renamer_set(measure_renamer, churn_rates[op - OP_OPEN_CHURN_10])) {
			note(m->why, "the renamer did not start churning at %d a second",
			     churn_rates[op - OP_OPEN_CHURN_10]);
			m->op_failures[op] = 1;
			continue;
		}
		if (op == OP_EXEC)
			read_footprint(m->footprint);
		/* The warm-up's results count too: it runs under the same state. */
		m->op_failures[op] =
			run_op((enum op)op, n / 10 ? n / 10 : 1, config_denies(c), m->why);
		/* the warm-up's events handled before the measurement, the measurement's before
		 * the next operation's (the measurement's own events are handled during it) */
		if (op == OP_DENIED_NEW && !wait_idle(m->why))
			m->op_failures[op]++;
		start = now_ns();
		m->op_failures[op] += run_op((enum op)op, n, config_denies(c), m->why);
		m->ns[op] = (now_ns() - start) / n;
		if (op == OP_DENIED_NEW && !wait_idle(m->why))
			m->op_failures[op]++;
		if (OP_IS_CHURN(op))
			renamer_set(measure_renamer, 0);
	}
}

/*
 * Measure every operation in a child placed in the bench cgroup, under c's restriction, once the
 * child has proven c's state; keep the figures (round >= 0) only when every result was right.
 */
static void measure(enum config c, int round)
{
	struct measurement m = {0};
	struct renamer renamer;
	char why[WHY_SIZE] = "";
	int fds[2], status = 0, failures = 0;
	long made[3] = {0};
	ssize_t got = -1;
	bool state_ok = links_are(c, why);
	pid_t pid;

	if (!renamer_start(&renamer)) {
		note(why, "cannot start the renamer: %s", strerror(errno));
		check(false, why, "%s, %s: state proven", config_names[c], pass_name(round));
		return;
	}
	if (pipe(fds)) {
		note(why, "pipe: %s", strerror(errno));
		check(false, why, "%s, %s: state proven", config_names[c], pass_name(round));
		close(renamer.control), close(renamer.ack), close(renamer.result);
		waitpid(renamer.pid, NULL, 0);
		return;
	}
	pid = fork();
	if (pid == 0) {
		const int keep[] = {fds[1], renamer.control, renamer.ack};

		close_inherited(keep, 3);
		/* and the kept ones moved to the lowest numbers: the kernel sizes a fork's fd table
		 * by the highest open descriptor (past 64, a table of its own to allocate, copy and
		 * free on every fork), and the floor's descriptors pushed these past 200 in F */
		fds[1] = lowest_descriptor(fds[1]);
		renamer.control = lowest_descriptor(renamer.control);
		renamer.ack = lowest_descriptor(renamer.ack);
		measure_renamer = &renamer;
		measure_child(c, &m);
		_exit(write(fds[1], &m, sizeof(m)) == sizeof(m) ? 0 : 1);
	}
	close(fds[1]);
	close(renamer.control), close(renamer.ack);
	if (pid > 0) {
		got = read(fds[0], &m, sizeof(m));
		waitpid(pid, &status, 0);
	}
	close(fds[0]);
	/* The renamer's counts, once the measuring child (the control pipe's writer) is gone. */
	if (read(renamer.result, made, sizeof(made)) != sizeof(made))
		memset(made, 0, sizeof(made));
	close(renamer.result);
	waitpid(renamer.pid, NULL, 0);
	if (pid < 0) {
		note(why, "fork: %s", strerror(errno));
		state_ok = false;
	} else if (got != sizeof(m) || !WIFEXITED(status) || WEXITSTATUS(status)) {
		note(why, "the measuring child %s %d before it reported",
		     WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		state_ok = false;
	} else if (m.state_failures) {
		note(why, "%s", m.why);
		state_ok = false;
	}
	if (!check(state_ok, why, "%s, %s: state proven (%s)", config_names[c], pass_name(round),
		   state_description(c)))
		return;
	for (int op = 0; op < OP_COUNT; op++)
		failures += m.op_failures[op];
	for (int i = 0; i < 3 && !failures; i++)
		if (made[i] < 1) {
			note(m.why, "the renamer made no rename at %d a second", churn_rates[i]);
			failures++;
		}
	if (!check(!failures, m.why, "%s, %s: every timed operation gave its expected result",
		   config_names[c], pass_name(round)))
		return;
	if (round >= 0) { /* round -1: the warm-up pass, not counted */
		for (int op = 0; op < OP_COUNT; op++)
			ns_per_op[c][op][round] = m.ns[op];
		for (int i = 0; i < 3; i++)
			renames_made[c][i][round] = (double)made[i];
		for (int i = 0; i < 5; i++)
			footprint[c][i][round] = (double)m.footprint[i];
	}
}

/*
 * The floor's programs (tests/bench/gen-floor.sh: one on every hook and traced function
 * lsmguard attaches to) are all attached, and those on the measured paths run: with the
 * kernel's run counts on, one of each operation here (in the root cgroup) must have run each of
 * them, named through the skeleton's typed fields.
 */
/* The floor's programs by kernel id, with their whole names (the kernel keeps 15 characters,
 * which do not tell "floor_fexit___x64_sys_keyctl" from "floor_fexit___x64_sys_add_key"). */
#define FLOOR_MAX 256
static struct floor_name {
	__u32 id;
	const char *name;
} floor_names[FLOOR_MAX];
static int floor_name_count;

static bool runs_child(enum op op, int n, int denied);

static bool floor_proven(struct floor_bpf *floor, char *why)
{
	struct bpf_program *const progs[] = {
		floor->progs.floor_file_open,	   floor->progs.floor_bprm_check_security,
		floor->progs.floor_mmap_file,	   floor->progs.floor_socket_connect,
		floor->progs.floor_socket_sendmsg, floor->progs.floor_task_alloc,
		floor->progs.floor_socket_bind,	   floor->progs.floor_socket_listen,
		floor->progs.floor_file_alloc_security, floor->progs.floor_cgroup_connect4,
	};
	const int n = (int)(sizeof(progs) / sizeof(progs[0]));
	const struct bpf_object_skeleton *skel = floor->skeleton;
	int attached = 0, stats_fd;
	bool ok = true;

	floor_name_count = 0;
	for (int i = 0; i < skel->prog_cnt; i++) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);

		if (*skel->progs[i].link)
			attached++;
		else
			note(why, "%s is not attached", skel->progs[i].name);
		if (floor_name_count < FLOOR_MAX &&
		    bpf_obj_get_info_by_fd(bpf_program__fd(*skel->progs[i].prog), &info, &len) == 0)
			floor_names[floor_name_count++] =
				(struct floor_name){.id = info.id, .name = skel->progs[i].name};
	}
	if (attached != skel->prog_cnt || attached < n)
		return false;
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		note(why, "cannot turn the BPF run counts on: %s", strerror(errno));
		return false;
	}
	for (int op = 0; op < OP_COUNT; op++)
		if (run_op((enum op)op, 1, false, why))
			ok = false;
	/* the cgroup connect programs run for the bench cgroup's tasks only */
	if (!runs_child(OP_UDP, 1, 0)) {
		note(why, "a UDP connect from %s failed", BENCH_CGROUP);
		ok = false;
	}
	close(stats_fd);
	for (int i = 0; i < n; i++) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(bpf_program__fd(progs[i]), &info, &len)) {
			note(why, "%s: %s", bpf_program__name(progs[i]), strerror(errno));
			ok = false;
		} else if (info.run_cnt == 0) {
			note(why, "%s never ran", bpf_program__name(progs[i]));
			ok = false;
		}
	}
	floor_programs = ok ? attached : 0;
	return ok;
}

static void program_runs(enum config c, enum op op);

/*
 * The floor's cgroup connect programs at the bench cgroup, as lsmguard's daemon attaches its own
 * at a bound cgroup (a link each); floor_bpf__attach leaves them (libbpf attaches a cgroup
 * program only where it is told). 0, or -errno.
 */
static int floor_attach_cgroup(struct floor_bpf *floor)
{
	struct bpf_program *const progs[] = {floor->progs.floor_cgroup_connect4,
					     floor->progs.floor_cgroup_connect6};
	struct bpf_link **const links[] = {&floor->links.floor_cgroup_connect4,
					   &floor->links.floor_cgroup_connect6};
	int fd = open("/sys/fs/cgroup" BENCH_CGROUP, O_RDONLY | O_DIRECTORY), ret = 0;

	if (fd < 0)
		return -errno;
	for (int i = 0; i < 2 && !ret; i++) {
		struct bpf_link *link = bpf_program__attach_cgroup(progs[i], fd);

		if (!link)
			ret = -errno;
		else
			*links[i] = link; /* destroyed with the skeleton */
	}
	close(fd);
	return ret;
}

/* One configuration outside lsmguard, set up, proven, measured and taken down. */
static void run_config(enum config c, int round)
{
	struct floor_bpf *floor;
	char why[WHY_SIZE] = "";
	int ret;

	if (c != C_FLOOR) {
		measure(c, round);
		return;
	}
	floor = floor_bpf__open_and_load();
	if (!floor)
		note(why, "cannot load the floor programs: %s", strerror(errno));
	else if ((ret = floor_bpf__attach(floor)))
		note(why, "cannot attach the floor programs: %s", strerror(-ret));
	else if ((ret = floor_attach_cgroup(floor)))
		note(why, "cannot attach the floor's cgroup programs at %s: %s", BENCH_CGROUP,
		     strerror(-ret));
	if (check(!why[0] && floor_proven(floor, why), why,
		  "%s, %s: the floor programs are attached, and those on the measured paths run",
		  config_names[c], pass_name(round))) {
		measure(c, round);
		/* Counted after round 0's figures, as lsmguard's are. */
		if (round == 0) {
			program_runs(C_FLOOR, OP_SPAWN);
			program_runs(C_FLOOR, OP_OPEN);
			program_runs(C_FLOOR, OP_DENIED);
			program_runs(C_FLOOR, OP_DENIED_NEW);
			program_runs(C_FLOOR, OP_UDP);
			program_runs(C_FLOOR, OP_SENDTO);
			program_runs(C_FLOOR, OP_TCP);
		}
	}
	floor_bpf__destroy(floor);
}

/* The rules write_bench_policy(n) writes (defaults are not rules). */
static int bench_policy_rules(int n)
{
	return 2 + (n >= 10000 ? 4 : 0) + n * 7 / 10 + n * 2 / 10 + n / 10;
}

/* The lsmguard policy of n rules on the bench cgroup (0: the two deny rules, on another
 * cgroup only). */
static bool write_bench_policy(int n, char *why)
{
	FILE *f = fopen(POLICY_DIR "/bench.ini.tmp", "w");

	if (!f) {
		note(why, "cannot write %s/bench.ini.tmp: %s", POLICY_DIR, strerror(errno));
		return false;
	}
	fprintf(f, "[policy]\nname = bench\ncgroup = %s\nmode = enforce\n[files]\n"
		   "default = allow\ndeny = %s\ndeny = %s/\n",
		n ? BENCH_CGROUP : OTHER_CGROUP, DENIED_FILE, DENIED_NEW_DIR);
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
	if (ferror(f) | fclose(f) || rename(POLICY_DIR "/bench.ini.tmp", POLICY_DIR "/bench.ini")) {
		note(why, "cannot write %s/bench.ini: %s", POLICY_DIR, strerror(errno));
		return false;
	}
	return true;
}

/* The number after "key": in a JSON line. */
static bool json_number(const char *line, const char *key, double *value)
{
	char quoted[64], *end;
	const char *p;

	snprintf(quoted, sizeof(quoted), "\"%s\":", key);
	p = strstr(line, quoted);
	if (!p)
		return false;
	p += strlen(quoted);
	*value = strtod(p, &end);
	return end != p;
}

/* Where the event log stood when the running daemon started: each daemon counts generations
 * from 1 again, so an earlier daemon's event of the same generation is not this one's. */
static long daemon_log_start;

/* The daemon's last event of kind (ready, reload) for generation; waits up to 5 s for it. */
static bool find_event(const char *kind, int generation, char *event, size_t size)
{
	char needle[64], line[4096];

	snprintf(needle, sizeof(needle), "\"event\":\"%s\"", kind);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(EVENT_LOG, "r");
		bool found = false;
		double g;

		if (f && fseek(f, daemon_log_start, SEEK_SET)) {
			fclose(f);
			f = NULL;
		}
		while (f && fgets(line, sizeof(line), f)) {
			if (strstr(line, needle) && json_number(line, "generation", &g) &&
			    (int)g == generation) {
				snprintf(event, size, "%s", line);
				found = true;
			}
		}
		if (f)
			fclose(f);
		if (found)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/* The last line of a file (the daemon's stderr), for a failure's reason. */
static const char *last_line(const char *path)
{
	static char last[256];
	char line[256];
	FILE *f = fopen(path, "r");

	snprintf(last, sizeof(last), "(nothing in %s)", path);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(last, sizeof(last), "%s", line);
	}
	if (f)
		fclose(f);
	return last;
}

/*
 * The daemon's state file lists policy bench, enforcing on cgroup, and besides it only the
 * built-in canary (lsmguard-canary), which the events leave out of their counts.
 */
static bool state_lists_bench(const char *cgroup, char *why)
{
	char line[4096], name[256], mode[32], group[1024];
	int listed = 0, bench = 0, canary = 0;
	FILE *f = fopen("/run/lsmguard/state", "r");

	if (!f) {
		note(why, "cannot read /run/lsmguard/state: %s", strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned id;

		if (sscanf(line, "policy\t%u\t%31[^\t]\t%255[^\t]\t%1023[^\t]", &id, mode, name,
			   group) != 4)
			continue;
		listed++;
		if (strcmp(name, "bench") == 0 && strcmp(mode, "enforce") == 0 &&
		    strcmp(group, cgroup) == 0)
			bench++;
		if (strcmp(name, "lsmguard-canary") == 0)
			canary++;
	}
	fclose(f);
	if (bench == 1 && canary == 1 && listed == 2)
		return true;
	note(why, "the state file lists %d policies, %d of them bench enforcing on %s and %d the "
		  "canary; expected 2: bench and the canary", listed, bench, cgroup, canary);
	return false;
}

/*
 * The set in force is the bench policy of n rules: the event of kind (ready or reload) for the
 * state file's generation is a success and counts exactly 1 policy and its rules (the built-in
 * canary is never counted), and the state file names bench on the expected cgroup. The event
 * goes to event.
 */
static bool policy_proven(int n, const char *kind, int *generation, char *event, size_t size,
			  char *why)
{
	double rules, policies;

	*generation = state_generation();
	if (*generation <= 0) {
		note(why, "no generation in /run/lsmguard/state");
		return false;
	}
	if (!find_event(kind, *generation, event, size)) {
		note(why, "no %s event for generation %d in %s", kind, *generation, EVENT_LOG);
		return false;
	}
	if (!strstr(event, strcmp(kind, "ready") ? "\"result\":\"ok\"" : "\"canary\":\"ok\"") ||
	    !json_number(event, "rules", &rules) || !json_number(event, "policies", &policies)) {
		event[strcspn(event, "\n")] = '\0';
		note(why, "unexpected %s event: %s", kind, event);
		return false;
	}
	if ((int)rules != bench_policy_rules(n) || (int)policies != 1) {
		note(why, "generation %d has %.0f policies and %.0f rules in force, expected 1 and %d",
		     *generation, policies, rules, bench_policy_rules(n));
		return false;
	}
	return state_lists_bench(n ? BENCH_CGROUP : OTHER_CGROUP, why);
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

/*
 * Write the bench policy of n rules, SIGHUP the daemon, and prove that set in force before
 * anything is labelled with it; with figure >= 0 (and a counted round), keep the reload's
 * figures from that generation's own event. A refused reload is a failure, not a figure.
 */
static bool reload_to(int n, int round, int figure)
{
	char why[WHY_SIZE] = "", event[4096] = "";
	int before = state_generation(), generation = before;
	/* Refusals looked for after the mark only: the whole log, read every 10 ms while the
	 * daemon reloads, took the guest's one vCPU from it (the denied opens whose events are
	 * sent fill the log with thousands of lines: parse and compile 126.8 ms at 10,006 rules
	 * in the first runs with them, 68.5 before) */
	long mark = event_mark();
	pid_t pid = daemon_pid();
	bool ok = false, proven;

	if (figure >= 0 && round >= 0) {
		usleep(200 * 1000); /* as after the reload: RCU callbacks of what ran before */
		slab_before_kib[figure][round] = slab_unreclaimable_kib();
		rules_before[figure][round] = rules_in_force;
	}
	if (!write_bench_policy(n, why)) {
		/* said */
	} else if (pid <= 1 || kill(pid, SIGHUP)) {
		note(why, "cannot signal the daemon (pid %d): %s", pid, strerror(errno));
	} else {
		for (int i = 0; i < 3000 && state_generation() == before; i++) {
			if (count_events_after(mark, "\"event\":\"reload\",\"result\":\"error\""))
				break;
			usleep(10 * 1000);
		}
		if (state_generation() == before)
			note(why, "the daemon %s; generation %d stays in force (%s)",
			     count_events_after(mark, "\"event\":\"reload\",\"result\":\"error\"")
				     ? "refused the reload"
				     : "did not reload in 30 s",
			     before, last_line("/run/daemon.err"));
		else
			ok = policy_proven(n, "reload", &generation, event, sizeof(event), why);
	}
	proven = ok;
	if (ok && figure >= 0 && round >= 0) {
		if (!json_number(event, "duration_ms", &reload_ms[figure][round]) ||
		    !json_number(event, "in_force_ms", &in_force_ms[figure][round]) ||
		    !json_number(event, "compile_ms", &compile_ms[figure][round])) {
			note(why, "the reload event has no duration_ms, in_force_ms or compile_ms");
			ok = false;
		}
		usleep(200 * 1000); /* RCU callbacks free the old bank's elements */
		slab_kib[figure][round] = slab_unreclaimable_kib();
		if (slab_kib[figure][round] <= 0 || slab_before_kib[figure][round] <= 0) {
			note(why, "no SUnreclaim in /proc/meminfo");
			ok = false;
		} else if (figure == 2 && (rules_before[figure][round] < 0 ||
					   rules_before[figure][round] >= bench_policy_rules(n))) {
			/* the memory figure's: the reload into the largest set adds rules */
			note(why, "the set in force before had %d rules (-1: not proven), not fewer "
				  "than %d",
			     rules_before[figure][round], bench_policy_rules(n));
			ok = false;
		}
	}
	rules_in_force = proven ? bench_policy_rules(n) : -1;
	return check(ok, why,
		     "lsmguard, %s: reload to policy bench of %d rule%s on %s in force "
		     "(generation %d)",
		     pass_name(round), bench_policy_rules(n), bench_policy_rules(n) == 1 ? "" : "s",
		     n ? BENCH_CGROUP : OTHER_CGROUP, generation);
}

/* Start the daemon with the no-policy set and prove that set in force. */
static bool start_daemon(int round, pid_t *pid)
{
	char why[WHY_SIZE] = "", event[4096];
	int generation = -1;
	bool ok = false;

	*pid = -1;
	if (write_bench_policy(0, why)) {
		struct stat st;

		daemon_log_start = stat(EVENT_LOG, &st) == 0 ? (long)st.st_size : 0;
		*pid = daemon_start();
		if (*pid <= 0)
			note(why, "lsmguard run did not report ready (%s)",
			     last_line("/run/daemon.err"));
		else
			ok = policy_proven(0, "ready", &generation, event, sizeof(event), why);
	}
	rules_in_force = ok ? bench_policy_rules(0) : -1;
	return check(ok, why,
		     "lsmguard, %s: started with policy bench of %d rule%s on %s in force "
		     "(generation %d)",
		     pass_name(round), bench_policy_rules(0), bench_policy_rules(0) == 1 ? "" : "s",
		     OTHER_CGROUP, generation);
}

/* The kernel's run counts and run times of lsmguard's programs (the lg_ ones): for
 * program_runs, and for the wait after an unload. */
#define RUNS_MAX 192
#define RUNS_OPS 20
struct prog_runs {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	__u64 cnt, ns;
};

/* A counted program's name for the report: the floor's whole name (floor_names). */
static const char *program_name(enum config c, const struct prog_runs *r)
{
	for (int i = 0; c == C_FLOOR && i < floor_name_count; i++)
		if (floor_names[i].id == r->id)
			return floor_names[i].name;
	return r->name;
}

static int runs_snapshot(struct prog_runs *r, const char *prefix)
{
	__u32 id = 0;
	int n = 0;

	while (n < RUNS_MAX && bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    strncmp(info.name, prefix, strlen(prefix)) == 0) {
			r[n] = (struct prog_runs){.id = id, .cnt = info.run_cnt, .ns = info.run_time_ns};
			memcpy(r[n].name, info.name, sizeof(r[n].name));
			n++;
		}
		close(fd);
	}
	return n;
}

/* lsmguard's programs the kernel still has (freed after their last reference, RCU later). */
static int lg_programs_left(void)
{
	static struct prog_runs left[RUNS_MAX];

	return runs_snapshot(left, "lg_");
}

/* `lsmguard unload`: the daemon exits and no program of lsmguard stays attached. */
static void unload_daemon(int round, pid_t pid)
{
	const char *const unload[] = {LSMGUARD, "unload", NULL};
	char why[WHY_SIZE] = "";
	struct lsm_links links;
	int ret = run_command(unload, NULL, 0);

	if (ret)
		note(why, "lsmguard unload exited with status %d", ret);
	if (pid > 0 && !wait_exit(pid, 10000))
		note(why, "the daemon (pid %d) still runs", pid);
	if (pid > 0)
		waitpid(pid, NULL, WNOHANG);
	ret = count_lsm_links(&links);
	if (ret)
		note(why, "cannot list the BPF links: %s", strerror(-ret));
	else if (links.lsmguard)
		note(why, "%d programs of lsmguard are still attached", links.lsmguard);
	check(!why[0], why, "lsmguard, %s: unloaded, no program of it attached", pass_name(round));
	/* The next configuration is timed after the kernel's deferred frees of the programs,
	 * maps and storage, not during them: until no lg_ program is left, then a second. */
	for (int i = 0; i < 100 && lg_programs_left(); i++)
		usleep(100 * 1000);
	sleep(1);
}

/* The directories, files and TCP listener every configuration measures against. */
static bool setup(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(TCP_PORT)};
	char why[WHY_SIZE] = "", path[64];
	int missing = 0, err = 0;
	bool listening = false;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (system("mkdir -p /bench/d1/d2/d3/d4/d5/d6/d7/d8/d9 /bench/ll " POLICY_DIR
		   " /sys/fs/cgroup" BENCH_CGROUP " && echo x > " DEEP_FILE
		   " && echo x > " DENIED_FILE " && cp /bin/noop /bench/noop") != 0)
		note(why, "making the files under /bench, %s and the cgroup failed", POLICY_DIR);
	for (int i = 1; i < 10000; i++) {
		snprintf(path, sizeof(path), "/bench/ll/%d", i);
		if (mkdir(path, 0755) && errno != EEXIST)
			missing++;
	}
	if (missing)
		note(why, "%d of the Landlock rules' directories could not be made", missing);
	/* The miss path's files (made here, so every configuration finds their dentries in the
	 * kernel's cache: only lsmguard's verdict is new), and the renamer's file. */
	missing = (mkdir(MISS_DIR, 0755) && errno != EEXIST) || (mkdir(COLD_DIR, 0755) && errno != EEXIST);
	for (int i = 0; i < 2 * MISS_FILES && !missing; i++) {
		int fd;

		if (i < MISS_FILES) {
			snprintf(path, sizeof(path), MISS_DIR "/%d", i);
		} else {
			snprintf(path, sizeof(path), COLD_DIR "/%d", i - MISS_FILES);
			missing += mkdir(path, 0755) && errno != EEXIST;
			snprintf(path, sizeof(path), COLD_DIR "/%d/f", i - MISS_FILES);
		}
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		missing += fd < 0;
		if (fd >= 0)
			close(fd);
	}
	missing += mkdir(DENIED_NEW_DIR, 0755) && errno != EEXIST;
	for (int i = 0; i < MISS_FILES && !missing; i++) {
		int fd;

		snprintf(path, sizeof(path), DENIED_NEW_DIR "/%d", i);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		missing += fd < 0;
		if (fd >= 0)
			close(fd);
	}
	if (mkdir(CHURN_DIR, 0755) && errno != EEXIST)
		missing++;
	else
		close(open(CHURN_DIR "/a", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (missing)
		note(why, "the miss path's files under %s and %s, the denied ones under %s or %s/a "
			  "could not be made", MISS_DIR, COLD_DIR, DENIED_NEW_DIR, CHURN_DIR);
	if (!why[0])
		apparmor_load(why);
	/* A TCP listener outside any policy, accepting and closing. */
	if (fork() == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 512))
			_exit(1);
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	for (int i = 0; i < 100 && !listening; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		listening = fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
		err = errno;
		if (fd >= 0)
			close(fd);
		if (!listening)
			usleep(20 * 1000);
	}
	if (!listening)
		note(why, "no TCP listener on 127.0.0.1:%d: %s", TCP_PORT, strerror(err));
	/* And a unix stream listener, the same way. */
	if (fork() == 0) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = UNIX_SOCKET};
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		unlink(UNIX_SOCKET);
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 512))
			_exit(1);
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	listening = false;
	for (int i = 0; i < 100 && !listening; i++) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = UNIX_SOCKET};
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		listening = fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
		err = errno;
		if (fd >= 0)
			close(fd);
		if (!listening)
			usleep(20 * 1000);
	}
	if (!listening)
		note(why, "no unix listener at %s: %s", UNIX_SOCKET, strerror(err));
	return check(!why[0], why, "setup: the files under /bench, %s, the cgroup %s, a TCP "
				   "listener on 127.0.0.1:%d, a unix one at %s, AppArmor's profile %s",
		     POLICY_DIR, BENCH_CGROUP, TCP_PORT, UNIX_SOCKET, AA_PROFILE);
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

/*
 * Kernel memory per rule: the slab grown across the reload into the largest policy, over the
 * rules it added (from 1,002 in the rounds in order, from 2 in the reversed ones).
 */
static double bytes_per_rule(double *lo, double *hi)
{
	double per_rule[MAX_ROUNDS];

	for (int i = 0; i < rounds; i++)
		per_rule[i] = (slab_kib[2][i] - slab_before_kib[2][i]) * 1024.0 /
			      (policy_rules[2] - rules_before[2][i]);
	return median(per_rule, lo, hi);
}

/*
 * The figure of the runs before 2026-12-07's eighteenth session: the slab grown from the
 * smallest policy's reload to the largest's, across the measurements between them. Those open
 * thousands of files each (the miss path's, the denied ones'), whose verdict caches stay with
 * their inodes: the figure moved by that, and by the order of the round (79 to 170 bytes in one
 * run), not by the rules. Kept beside the other for comparison with the earlier runs.
 */
static double bytes_per_rule_across_round(double *lo, double *hi)
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
	printf("},\"kernel_bytes_per_rule\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f},",
	       per_rule, lo, hi);
	per_rule = bytes_per_rule_across_round(&lo, &hi);
	printf("\"kernel_bytes_per_rule_across_round\":{\"median\":%.1f,\"min\":%.1f,"
	       "\"max\":%.1f},\"renames_during_churn\":{",
	       per_rule, lo, hi);
	for (int c = 0; c < C_COUNT; c++)
		printf("%s\"%s\":[%.0f,%.0f,%.0f]", c ? "," : "", config_keys[c],
		       median(renames_made[c][0], &lo, &hi), median(renames_made[c][1], &lo, &hi),
		       median(renames_made[c][2], &lo, &hi));
	printf("},\"exec_footprint\":{");
	for (int c = 0; c < C_COUNT; c++)
		printf("%s\"%s\":[%.0f,%.0f,%.0f,%.0f,%.0f]", c ? "," : "", config_keys[c],
		       median(footprint[c][0], &lo, &hi), median(footprint[c][1], &lo, &hi),
		       median(footprint[c][2], &lo, &hi), median(footprint[c][3], &lo, &hi),
		       median(footprint[c][4], &lo, &hi));
	printf("}}\n");
	printf("BENCH-TABLE\nBENCH-TABLE | configuration | renames made during the churned opens "
	       "(median: at 10, 100, 1,000 a second) | open under 1,000 renames/s against the "
	       "open alone |\nBENCH-TABLE | --- | --- | --- |\n");
	for (int c = 0; c < C_COUNT; c++) {
		double open = median(ns_per_op[c][OP_OPEN], &lo, &hi);
		double churn = median(ns_per_op[c][OP_OPEN_CHURN_1000], &lo, &hi);

		printf("BENCH-TABLE | %s | %.0f, %.0f, %.0f | %.3fx |\n", config_names[c],
		       median(renames_made[c][0], &lo, &hi), median(renames_made[c][1], &lo, &hi),
		       median(renames_made[c][2], &lo, &hi), churn / open);
	}
	printf("BENCH-TABLE\nBENCH-TABLE | configuration | the measuring child before fork+exec+wait "
	       "(median): resident kB, page-table kB, mappings, descriptors (the highest) | "
	       "fork+exec+wait | "
	       "vfork+exec+wait "
	       "|\nBENCH-TABLE | --- | --- | --- | --- |\n");
	for (int c = 0; c < C_COUNT; c++) {
		double fe = median(ns_per_op[c][OP_EXEC], &lo, &hi);
		double ve = median(ns_per_op[c][OP_SPAWN], &lo, &hi);

		printf("BENCH-TABLE | %s | %.0f, %.0f, %.0f, %.0f (%.0f) | %.4fx, %+.0f ns | %.4fx, "
		       "%+.0f ns |\n",
		       config_names[c], median(footprint[c][0], &lo, &hi),
		       median(footprint[c][1], &lo, &hi), median(footprint[c][2], &lo, &hi),
		       median(footprint[c][3], &lo, &hi), median(footprint[c][4], &lo, &hi),
		       fe / base[OP_EXEC], fe - base[OP_EXEC], ve / base[OP_SPAWN],
		       ve - base[OP_SPAWN]);
	}
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
	printf("BENCH-TABLE\nBENCH-TABLE kernel memory per rule (unreclaimable slab grown across "
	       "the reload to %d rules, over the rules it added): %.0f bytes (%.0f-%.0f)\n",
	       policy_rules[2], per_rule, lo, hi);
	per_rule = bytes_per_rule_across_round(&lo, &hi);
	printf("BENCH-TABLE kernel memory per rule as before 2026-12-07 (slab grown from the %d-rule "
	       "reload to the %d-rule one, across the measurements between them): %.0f bytes "
	       "(%.0f-%.0f)\n",
	       policy_rules[0], policy_rules[2], per_rule, lo, hi);
	printf("BENCH-TABLE\nBENCH-TABLE | configuration | operation | the programs it runs "
	       "(runs per operation, instructions per operation) | runs | instructions |\n"
	       "BENCH-TABLE | --- | --- | --- | --- | --- |\n%s", runs_report);
}

static const struct prog_runs *runs_find(const struct prog_runs *r, int n, __u32 id)
{
	for (int i = 0; i < n; i++)
		if (r[i].id == id)
			return &r[i];
	return NULL;
}

/* A child in the bench cgroup runs op n times, denied (the errno a denied open gets: 0, or
 * config_denies' for the configuration counted; the denied open failed this check when it was
 * first counted, with 0 passed for every configuration). Whether it did without a failure. */
static bool runs_child(enum op op, int n, int denied)
{
	char why[WHY_SIZE] = "";
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(join_bench_cgroup(why) && run_op(op, n, denied, why) == 0 ? 0 : 1);
	if (op == OP_DENIED_NEW)
		denied_new_next += n;
	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return false;
	/* The child's task is freed after an RCU grace period (lsm/task_free): let it happen
	 * before the next count, so that it falls in this child's interval. */
	usleep(200 * 1000);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Which of the configuration's programs (lsmguard's, or the floor's) one operation runs, and
 * their instructions (the kernel's run counts and run times, which the instruction clock makes
 * guest instructions): the counts of every lg_ program are read before and after a child in
 * the bench cgroup runs one operation, and again after another runs RUNS_OPS + 1; the
 * difference of the two deltas is RUNS_OPS operations' own (the child's fork and exit cancel,
 * and so does what an operation sets up once, such as the UDP socket). Kept for the report,
 * printed last.
 */
static void program_runs(enum config c, enum op op)
{
	const char *prefix = c == C_FLOOR ? "floor_" : "lg_";
	static struct prog_runs s0[RUNS_MAX], s1[RUNS_MAX], s2[RUNS_MAX];
	size_t used = strlen(runs_report);
	char *out = runs_report + used;
	size_t room = sizeof(runs_report) - used;
	int n0, n1, n2, stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME), w;
	double total_runs = 0, total_ns = 0;
	/* Under a policy, a datagram socket's sends and connects to the destination it last had
	 * allowed are answered by its cache: proven from the policy's counters, read outside the
	 * counted intervals (the status command runs programs too). */
	bool by_cache = config_is_lsmguard(c) && c != C_LG_NO_POLICY &&
			(op == OP_UDP || op == OP_SENDTO);
	const char *hook = op == OP_UDP ? "socket_connect" : "socket_sendmsg";
	long long cached0 = -1, cached1 = -1;
	bool ok;

	if (stats_fd < 0) {
		check(false, strerror(errno), "%s: the BPF run counts are on", config_names[c]);
		return;
	}
	bool whole = false;

	/* Another task's runs (the daemon's periodic work) can land in one interval: such an
	 * attempt leaves a program with a negative or fractional count, and is made again; the
	 * third's counts are kept either way, and the row says when they are not whole. */
	for (int attempt = 0; attempt < 3 && !whole; attempt++) {
		whole = true;
		if (by_cache)
			cached0 = policy_counter("bench", hook, "cached");
		usleep(200 * 1000); /* earlier tasks' deferred frees, before the first count */
		n0 = runs_snapshot(s0, prefix);
		ok = runs_child(op, 1, config_denies(c));
		n1 = runs_snapshot(s1, prefix);
		ok = runs_child(op, RUNS_OPS + 1, config_denies(c)) && ok;
		n2 = runs_snapshot(s2, prefix);
		if (by_cache)
			cached1 = policy_counter("bench", hook, "cached");
		for (int i = 0; i < n2; i++) {
			const struct prog_runs *a = runs_find(s0, n0, s2[i].id);
			const struct prog_runs *b = runs_find(s1, n1, s2[i].id);
			double d = a && b ? (double)(s2[i].cnt - b->cnt) - (double)(b->cnt - a->cnt) : 0;

			whole &= d >= 0 && (long long)d % RUNS_OPS == 0;
		}
	}
	close(stats_fd);
	if (!check(ok && n2 > 0 && n1 == n2 && n0 == n1, "a child failed, or the programs changed",
		   "%s: the configuration's programs counted around %d of %s", config_names[c], RUNS_OPS,
		   op_names[op]))
		return;
	/* each child's socket: its first operation decided and stored, the rest from the cache */
	if (by_cache) {
		char why[WHY_SIZE] = "";

		note(why, "%s's cached count went from %lld to %lld", hook, cached0, cached1);
		check(cached0 >= 0 && cached1 - cached0 == RUNS_OPS, why,
		      "%s: the socket's cache answered all but each socket's first of %s", config_names[c],
		      op_names[op]);
	}
	w = snprintf(out, room, "BENCH-TABLE | %s | %s |", config_names[c], op_names[op]);
	for (int i = 0; i < n2 && w > 0 && (size_t)w < room; i++) {
		const struct prog_runs *a = runs_find(s0, n0, s2[i].id), *b = runs_find(s1, n1, s2[i].id);
		double runs, ns;

		if (!a || !b)
			continue;
		runs = ((double)(s2[i].cnt - b->cnt) - (double)(b->cnt - a->cnt)) / RUNS_OPS;
		ns = ((double)(s2[i].ns - b->ns) - (double)(b->ns - a->ns)) / RUNS_OPS;
		/* A program with as many runs in both intervals is not the operation's: its time
		 * differs by what other tasks did, not by what the operations cost. */
		if (runs == 0)
			continue;
		total_runs += runs, total_ns += ns;
		if (runs >= 0.05 || runs <= -0.05)
			w += snprintf(out + w, room - w, " %s %.1fx %.0f ns;",
				      program_name(c, &s2[i]), runs, ns);
	}
	if (w > 0 && (size_t)w < room)
		snprintf(out + w, room - w, "%s | %.1f | %.0f ns |\n",
			 whole ? "" : " (not whole in 3 attempts: another task's runs in each)",
			 total_runs, total_ns);
}

/*
 * No policy, with the daemon stopped (SIGSTOP) and its programs left attached: what the
 * programs cost apart from what the daemon does while an operation runs (an operation that
 * wakes it, or a timer of its own, is counted by the instruction clock too).
 */
static void measure_daemon_stopped(pid_t pid, int round)
{
	char why[WHY_SIZE] = "";
	int status = 0;

	if (pid <= 0 || kill(pid, SIGSTOP)) {
		note(why, "cannot stop the daemon (pid %d): %s", pid, strerror(errno));
	} else if (waitpid(pid, &status, WUNTRACED) != pid) {
		note(why, "waitpid of the daemon (pid %d): %s", pid, strerror(errno));
	} else if (!WIFSTOPPED(status)) {
		note(why, "the daemon (pid %d) %s %d instead of stopping", pid,
		     WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	if (!why[0])
		measure(C_LG_STOPPED, round);
	else
		check(false, why, "%s, %s: state proven", config_names[C_LG_STOPPED],
		      pass_name(round));
	if (pid > 0)
		kill(pid, SIGCONT); /* on every path: a stopped daemon would hang the rest */
}

/* The lsmguard configurations, with the daemon running: no policy, 10, 1,000, 10,000 rules
 * (and no policy with the daemon stopped). */
static void run_lsmguard(int round, bool reverse)
{
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	pid_t pid;

	if (start_daemon(round, &pid)) {
		char why[WHY_SIZE] = "";
		bool primed = reload_to(policy_sizes[0], round, -1) && prime_miss_files(why) &&
			      reload_to(0, round, -1);

		check(primed, why, "lsmguard, %s: the miss path's files have their verdict cache "
				   "before any rule set's kernel memory is read",
		      pass_name(round));
		if (!reverse) {
			measure(C_LG_NO_POLICY, round);
			measure_daemon_stopped(pid, round);
		}
		/* Counted after round 0's figures of the set, so none is timed after it. */
		if (primed && round == 0) {
			program_runs(C_LG_NO_POLICY, OP_EXEC);
			program_runs(C_LG_NO_POLICY, OP_SPAWN);
			program_runs(C_LG_NO_POLICY, OP_OPEN);
			program_runs(C_LG_NO_POLICY, OP_UDP);
			program_runs(C_LG_NO_POLICY, OP_SENDTO);
			program_runs(C_LG_NO_POLICY, OP_TCP);
		}
		for (int i = 0; i < 3; i++) {
			int r = reverse ? 2 - i : i;

			/* A set not proven in force is not measured: its figures would be
			 * another set's. */
			if (reload_to(policy_sizes[r], round, r)) {
				measure((enum config)(C_LG_10 + r), round);
				if (round == 0 && r == 2) {
					program_runs(C_LG_10000, OP_SPAWN);
					program_runs(C_LG_10000, OP_OPEN);
					/* one file denied again and again: walked while its
					 * events are sent (10 a second), the rest answered
					 * by the remembered denial (cache.bpf.h) */
					program_runs(C_LG_10000, OP_DENIED);
					/* a new denied file each time: its event sent */
					program_runs(C_LG_10000, OP_DENIED_NEW);
					program_runs(C_LG_10000, OP_UDP);
					program_runs(C_LG_10000, OP_SENDTO);
					/* TCP connect+close moves by +-0.5% between runs:
					 * its programs' counts do not */
					program_runs(C_LG_10000, OP_TCP);
				}
			}
		}
		if (reverse && reload_to(0, round, -1)) {
			measure_daemon_stopped(pid, round);
			measure(C_LG_NO_POLICY, round);
		}
		if (round == rounds - 1) {
			bool listed = run_command(status, out, sizeof(out)) == 0 &&
				      strstr(out, "\"programs\":");

			if (check(listed, "no \"programs\" in its output, or it failed",
				  "lsmguard status --json lists the programs"))
				printf("BENCH-PROGRAMS %s", strstr(out, "\"programs\":"));
		}
	}
	unload_daemon(round, pid);
}

/* The figures when every check passed; else why there are none. The last line is the count. */
static int finish(void)
{
	if (vm_failures)
		check(false, "see the lines starting with \"#   \" above",
		      "the vm-test helpers reported no failure (%d reported)", vm_failures);
	if (checks_failed)
		printf("# bench: FAILED: %d of %d checks failed, the first: %s\n"
		       "# bench: no figures: they would not measure what they are labelled with\n",
		       checks_failed, checks_passed + checks_failed, first_failure);
	else
		report();
	printf("bench: %d passed, %d failed\n", checks_passed, checks_failed);
	return checks_failed ? 1 : 0;
}

/* bench [ROUNDS [ITERATIONS]]: from lsmguard.rounds= and lsmguard.iterations= (init.sh). */
int main(int argc, char **argv)
{
	static const enum config others[] = {C_NONE,	     C_FLOOR,	       C_SECCOMP_100,
					     C_SECCOMP_1000, C_LANDLOCK_10,    C_LANDLOCK_10000,
					     C_APPARMOR};
	const int n_others = sizeof(others) / sizeof(others[0]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && atoi(argv[1]) >= 1)
		rounds = atoi(argv[1]) > MAX_ROUNDS ? MAX_ROUNDS : atoi(argv[1]);
	if (argc > 2 && atoi(argv[2]) >= 1) {
		iterations_cap = atoi(argv[2]);
		printf("# bench: at most %d of each operation per measurement: a test of the "
		       "checks, not of speed\n",
		       iterations_cap);
	}
	for (int r = 0; r < 3; r++)
		policy_rules[r] = bench_policy_rules(policy_sizes[r]);
	if (!setup())
		return finish();
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
	return finish();
}
