// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cases: each asserts the exact errno of each operation, from a confined cgroup and from
 * outside any policy, and the fields of the events the denials produce.
 */

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"
#define AUDIT "/lgt/audit"

/* The rules shared by the enforce and the audit policy. */
#define RULES                                                                                     \
	"[files]\n"                                                                               \
	"default = allow\n"                                                                       \
	"deny = /data/secret\n"                                                                   \
	"deny = /data/private/\n"                                                                 \
	"allow = /data/private/open/\n"                                                           \
	"allow-read = /data/ro/\n"                                                                \
	"deny = /data/dup/\n"                                                                     \
	"allow = /data/dup/\n"                                                                    \
	"deny = /data/later\n"                                                                    \
	"deny = /data/moved\n"                                                                    \
	"deny = /data/bin/noread\n"                                                               \
	"deny = /data/pre-linked\n"                                                               \
	"deny = /data/admin-moves\n"                                                              \
	"deny = /proc/self/environ\n"                                                             \
	"[exec]\n"                                                                                \
	"default = allow\n"                                                                       \
	"deny = /data/bin/denied\n"                                                               \
	"deny = /data/bin/interp\n"                                                               \
	"deny = /data/bin/script-denied.sh\n"                                                     \
	"[network]\n"                                                                             \
	"default = allow\n"                                                                       \
	"deny = 127.0.0.0/8 tcp 1000-1999\n"                                                      \
	"allow = 127.0.0.2 tcp 1500\n"                                                            \
	"deny = ::1 tcp 2000\n"                                                                   \
	"deny = 127.0.0.0/8 udp 3000\n"                                                           \
	"deny = 127.0.0.3 udp 3001\n"

/* userns and mount opted in: the cases that make namespaces and mounts from a confined task
 * (paths_bind_mount_from_new_namespace, proc_self_rule_holds_in_a_new_pid_namespace,
 * bypass_namespaces_do_not_change_verdicts) check that the walk's verdicts do not change in
 * them; without the keys, the namespaces and mounts themselves are refused (namespaces.c). */
static const char files_policy[] = "[policy]\nname = files\ncgroup = " FILES
				   "\nmode = enforce\n" RULES
				   "[system]\nuserns = allow\nmount = namespace\n";
static const char audit_policy[] =
	"[policy]\nname = audit\ncgroup = " AUDIT "\nmode = audit\n" RULES;
static const char inner_policy[] = "[policy]\nname = inner\ncgroup = " FILES "/inner\n"
				   "mode = enforce\n[files]\ndeny = /data/inner-only\n"
				   "[exec]\nanonymous = allow\n";
static const char dyn_policy[] = "[policy]\nname = dyn\ncgroup = /lgt/dyn\nmode = enforce\n"
				 "[exec]\ndefault = deny\nallow = /usr/lib/x86_64-linux-gnu/\n"
				 "allow = /data/dyn/allowed-dyn\n";
static const char strict_policy[] = "[policy]\nname = strict\ncgroup = /lgt/strict\n"
				    "mode = enforce\n[exec]\ndefault = deny\n"
				    "allow = /bin/busybox\nallow = /data/bin/allowed\n"
				    "allow = /data/dyn/allowed-dyn\n";
static const char late_policy[] =
	"[policy]\nname = late\ncgroup = /lgt/late\nmode = enforce\n[files]\ndeny = /data/secret\n";
static const char pre_policy[] =
	"[policy]\nname = pre\ncgroup = /lgt/pre\nmode = enforce\n[files]\ndeny = /data/secret\n";
static const char count_policy[] = "[policy]\nname = count\ncgroup = /lgt/count\nmode = enforce\n"
				   "[files]\ndeny = /data/secret\n";
static const char reload_policy_1[] = "[policy]\nname = reload\ncgroup = /lgt/reload\n"
				      "mode = enforce\n[files]\ndeny = /data/r1\n";
static const char reload_policy_2[] = "[policy]\nname = reload\ncgroup = /lgt/reload\n"
				      "mode = enforce\n[files]\ndeny = /data/r2\n";

int vm_setup(void)
{
	static const char *const dirs[] = {"/data/private/open", "/data/ro", "/data/dup", "/data/mine",
					   "/data/bin", "/mnt/bind", "/mnt/bind2", POLICY_DIR,
					   NULL};
	static const char *const files[] = {"/data/secret", "/data/secret-other", "/data/private/x",
					    "/data/pre-linked", "/data/admin-moves", "/data/mine/own",
					    "/data/private/open/x", "/data/ro/file", "/data/dup/x",
					    "/data/inner-only", "/data/r1", "/data/r2", NULL};
	char deep[1024] = "/data/deep";

	for (int i = 0; dirs[i]; i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "mkdir -p %s", dirs[i]);
		if (system(cmd) != 0)
			return -1;
	}
	for (int i = 0; files[i]; i++)
		write_file(files[i], "content\n", 0644);
	/* Deeper than the walk bound (LG_PATH_DEPTH_MAX = 32 components). */
	for (int i = 0; i < 34; i++)
		strcat(deep, "/d");
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "mkdir -p %s && echo x > %s/file", deep, deep);
		if (system(cmd) != 0)
			return -1;
	}
	if (symlink("/data/secret", "/data/link-to-secret"))
		return -1;
	if (system("cp /bin/busybox /data/bin/denied && cp /bin/busybox /data/bin/interp && "
		   "cp /bin/busybox /data/bin/allowed && cp /bin/busybox /data/bin/noread && "
		   "cp /bin/busybox /data/bin/true && "
		   "printf '#!/data/bin/interp\\n' > /data/bin/script.sh && "
		   "printf '#!/data/bin/true\\n' > /data/bin/script-ok.sh && "
		   "printf '#!/data/bin/true\\n' > /data/bin/script-denied.sh && "
		   "chmod 755 /data/bin/*") != 0)
		return -1;
	write_file(POLICY_DIR "/files.ini", files_policy, 0644);
	write_file(POLICY_DIR "/audit.ini", audit_policy, 0644);
	write_file(POLICY_DIR "/inner.ini", inner_policy, 0644);
	write_file(POLICY_DIR "/late.ini", late_policy, 0644);
	write_file(POLICY_DIR "/pre.ini", pre_policy, 0644);
	write_file(POLICY_DIR "/count.ini", count_policy, 0644);
	write_file(POLICY_DIR "/strict.ini", strict_policy, 0644);
	write_file(POLICY_DIR "/dyn.ini", dyn_policy, 0644);
	write_file(POLICY_DIR "/reload.ini", reload_policy_1, 0644);
	make_cgroup("/lgt/pre"); /* exists before lsmguard starts */
	/* A second name, made before lsmguard starts, for a file an exact rule protects. */
	if (link("/data/pre-linked", "/data/innocent-name"))
		return -1;
	if (vm_failures)
		return -1;
	/* Started here, by the suite's main process, so that it outlives every case. */
	return daemon_start() > 0 ? 0 : -1;
}

/* ---- the daemon comes up ---- */

VM_TEST(daemon_starts_and_reports_ready, 10)
{
	VM_CHECK(daemon_pid() > 1);
	/* The suite's first daemon: its ready line is in the log from offset 0 on. It counts the
	 * nine policy files of vm_setup, never the built-in canary. */
	EXPECT_EVENT_AFTER(0, "\"event\":\"ready\"", "\"adopted\":false", "\"canary\":\"ok\"",
			   "\"policies\":9");
}

VM_TEST(status_reports_active, 11)
{
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];

	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"active\":true,\"links\":135") != NULL);
	/* this suite's daemon runs without --stop-guard */
	VM_CHECK(strstr(out, "\"stop_guard_pid\":0,") != NULL);
	VM_CHECK(strstr(out, "\"name\":\"files\"") != NULL);
	VM_CHECK(strstr(out, "{\"name\":\"lg_file_open\",\"insns\":") != NULL);
	/* Debian's kernel shows root every variable the host budgets read */
	VM_CHECK(strstr(out, "\"host_budgets_off\":[]") != NULL);
	if (strstr(out, "\"programs\":"))
		printf("# %s\n", strstr(out, "\"programs\":"));
}

/* Where kallsyms hides the kernel's variables (kernel.kptr_restrict=2), status says which host
 * budgets are off, and why; shown again, none. */
VM_TEST(status_reports_host_budgets_off, 11)
{
	const char *const text[] = {LSMGUARD, "status", NULL};
	const char *const json[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	long old = read_number("/proc/sys/kernel/kptr_restrict");

	VM_CHECK(old >= 0);
	write_number("/proc/sys/kernel/kptr_restrict", 2);
	VM_CHECK(run_command(text, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "host budgets off: ptys, AIO events, tasks, open files, key chowns "
			     "(/proc/kallsyms shows no address of their kernel variables: "
			     "kernel.kptr_restrict=2, or a kernel built without "
			     "CONFIG_KALLSYMS_ALL; docs/policy.md \"Host budgets\"); a confined "
			     "KEYCTL_CHOWN into another user is refused instead\n") != NULL);
	VM_CHECK(run_command(json, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"host_budgets_off\":[\"ptys\",\"AIO events\",\"tasks\","
			     "\"open files\",\"key chowns\"]") != NULL);
	write_number("/proc/sys/kernel/kptr_restrict", old);
	VM_CHECK(run_command(text, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "host budgets off") == NULL);
}

/* ---- the helpers' own results ---- */

static int return_value(const void *arg)
{
	return *(const int *)arg;
}

static int die_of_sigkill(const void *arg)
{
	(void)arg;
	raise(SIGKILL);
	return 0;
}

VM_TEST(in_cgroup_reports_whole_results_signals_and_failed_joins, 13)
{
	const int big = 300 + EPERM, wraps = 256;

	/* An exit status would keep 8 bits: 301 would read as 45, 256 as success. */
	VM_CHECK(in_cgroup(FILES, return_value, &big) == 300 + EPERM);
	VM_CHECK(in_cgroup(NULL, return_value, &wraps) == 256);
	VM_CHECK(in_cgroup(FILES, die_of_sigkill, NULL) == OP_KILLED(SIGKILL));
	/* A cgroup that cannot be joined (a file's name) is not a result of the operation. */
	VM_CHECK(in_cgroup("/cgroup.procs", return_value, &big) == OP_NO_CGROUP);
	/* A program that starts and dies of a signal was not "allowed to run". */
	write_file("/data/bin/dies.sh", "#!/bin/busybox sh\nkill -KILL $$\n", 0755);
	VM_CHECK(try_exec(FILES, "/data/bin/dies.sh") == OP_KILLED(SIGKILL));
	VM_CHECK(try_exec(NULL, "/data/bin/dies.sh") == OP_KILLED(SIGKILL));
	VM_CHECK(unlink("/data/bin/dies.sh") == 0);
}

/* ---- files ---- */

VM_TEST(files_exact_rule_denies_in_enforce_mode, 20)
{
	long mark = event_mark();

	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_open(NULL, "/data/secret", O_RDONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"file_open\"",
			   "\"access\":\"read\"", "\"policy\":\"files\"",
			   "\"path\":\"/data/secret\"", source_of("files.ini", "deny = /data/secret"),
			   "\"rule_action\":\"deny\"");
}

VM_TEST(files_audit_mode_logs_and_allows, 21)
{
	long mark = event_mark(), write_mark;

	VM_CHECK(try_open(AUDIT, "/data/secret", O_RDONLY) == 0);
	write_mark = event_mark();
	VM_CHECK(try_open(AUDIT, "/data/ro/file", O_WRONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"audit\"",
			   "\"path\":\"/data/secret\"",
			   source_of("audit.ini", "deny = /data/secret"));
	EXPECT_EVENT_AFTER(write_mark, "\"event\":\"audit\"", "\"policy\":\"audit\"",
			   "\"path\":\"/data/ro/file\"", "\"access\":\"write\"");
}

VM_TEST(files_allow_read_denies_every_form_of_write, 22)
{
	long mark = event_mark();

	VM_CHECK(try_open(FILES, "/data/ro/file", O_RDONLY) == 0);
	VM_CHECK(try_open(FILES, "/data/ro/file", O_WRONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/ro/file", O_RDWR) == EPERM);
	VM_CHECK(try_open(FILES, "/data/ro/file", O_RDONLY | O_TRUNC) == EPERM);
	VM_CHECK(try_open(FILES, "/data/ro/file", O_WRONLY | O_APPEND) == EPERM);
	VM_CHECK(try_open(FILES, "/data/ro/new", O_WRONLY | O_CREAT) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/ro/file\"",
			   "\"access\":\"write\"", source_of("files.ini", "allow-read = /data/ro/"));
}

VM_TEST(files_subtree_exact_and_default, 23)
{
	long mark = event_mark();

	VM_CHECK(try_open(FILES, "/data/private/x", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/private", O_RDONLY | O_DIRECTORY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/secret-other", O_RDONLY) == 0);
	VM_CHECK(try_open(FILES, "/data", O_RDONLY | O_DIRECTORY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/x\"",
			   source_of("files.ini", "deny = /data/private/"));
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private\"",
			   source_of("files.ini", "deny = /data/private/"));
}

VM_TEST(files_longest_match_and_deny_wins, 24)
{
	long mark = event_mark();

	VM_CHECK(try_open(FILES, "/data/private/open/x", O_RDWR) == 0);
	VM_CHECK(try_open(FILES, "/data/dup/x", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/dup/x\"",
			   source_of("files.ini", "deny = /data/dup/"));
}

VM_TEST(files_process_outside_any_policy_is_untouched, 25)
{
	VM_CHECK(try_open(NULL, "/data/private/x", O_RDWR) == 0);
	VM_CHECK(try_open("/other", "/data/secret", O_RDWR) == 0);
	VM_CHECK(try_exec("/other", "/data/bin/denied") == 0);
	VM_CHECK(try_connect("/other", AF_INET, "127.0.0.1", 1000, SOCK_STREAM) == ECONNREFUSED);
}

/* ---- cgroups ---- */

VM_TEST(cgroup_child_inherits_and_nearest_policy_wins, 30)
{
	long mark;

	VM_CHECK(try_open(FILES "/sub/deeper", "/data/secret", O_RDONLY) == EPERM);
	/* inner has its own policy: it replaces files' rules, it does not add to them. */
	VM_CHECK(try_open(FILES "/inner", "/data/secret", O_RDONLY) == 0);
	mark = event_mark();
	VM_CHECK(try_open(FILES "/inner", "/data/inner-only", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES "/inner/below", "/data/inner-only", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/inner-only", O_RDONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"inner\"", "\"path\":\"/data/inner-only\"");
}

VM_TEST(cgroup_created_after_start_is_confined_from_its_first_process, 31)
{
	long mark = event_mark();

	/* /lgt/late did not exist when lsmguard started; in_cgroup creates it now. */
	VM_CHECK(try_open("/lgt/late", "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"late\"", "\"path\":\"/data/secret\"");
	/* A restarted service: the cgroup is removed and created again, with a new id. */
	VM_CHECK(rmdir("/sys/fs/cgroup/lgt/late") == 0);
	mark = event_mark();
	VM_CHECK(try_open("/lgt/late", "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"late\"", "\"path\":\"/data/secret\"");
}

VM_TEST(cgroup_existing_at_start_is_confined, 32)
{
	VM_CHECK(try_open("/lgt/pre", "/data/secret", O_RDONLY) == EPERM);
}

/* ---- exec ---- */

VM_TEST(exec_rule_denies_program, 40)
{
	long mark = event_mark(), audit_mark;

	VM_CHECK(try_exec(FILES, "/data/bin/denied") == EPERM);
	VM_CHECK(try_exec(FILES, "/data/bin/allowed") == 0);
	VM_CHECK(try_exec(NULL, "/data/bin/denied") == 0);
	audit_mark = event_mark();
	VM_CHECK(try_exec(AUDIT, "/data/bin/denied") == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"bprm_check_security\"",
			   "\"access\":\"exec\"", "\"policy\":\"files\"",
			   "\"path\":\"/data/bin/denied\"",
			   source_of("files.ini", "deny = /data/bin/denied"));
	EXPECT_EVENT_AFTER(audit_mark, "\"event\":\"audit\"", "\"hook\":\"bprm_check_security\"",
			   "\"policy\":\"audit\"", "\"path\":\"/data/bin/denied\"");
}

VM_TEST(exec_is_decided_by_exec_rules_not_file_rules, 42)
{
	/* [files] denies opening it; [exec] allows running it: execve's own open is not a file
	 * open in the policy's sense. */
	VM_CHECK(try_open(FILES, "/data/bin/noread", O_RDONLY) == EPERM);
	VM_CHECK(try_exec(FILES, "/data/bin/noread") == 0);
}

VM_TEST(exec_script_and_its_interpreter_are_both_checked, 41)
{
	long mark = event_mark();

	/* The interpreter (busybox as "true") is allowed: the script is denied by its own rule. */
	VM_CHECK(try_exec(FILES, "/data/bin/script-denied.sh") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"bprm_check_security\"",
			   "\"path\":\"/data/bin/script-denied.sh\"",
			   source_of("files.ini", "deny = /data/bin/script-denied.sh"));
	/* The script is allowed: its interpreter is denied by its rule. */
	mark = event_mark();
	VM_CHECK(try_exec(FILES, "/data/bin/script.sh") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"bprm_check_security\"",
			   "\"path\":\"/data/bin/interp\"",
			   source_of("files.ini", "deny = /data/bin/interp"));
	/* Both allowed: the script runs, and its interpreter exits 0. */
	VM_CHECK(try_exec(FILES, "/data/bin/script-ok.sh") == 0);
}

/* ---- network ---- */

VM_TEST(net_ipv4_tcp_prefix_port_range_and_longest_match, 50)
{
	long mark = event_mark();

	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 1999, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 2500, SOCK_STREAM) == ECONNREFUSED);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.2", 1500, SOCK_STREAM) == ECONNREFUSED);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.2", 1501, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 1000, SOCK_DGRAM) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"socket_connect\"",
			   "\"family\":\"ipv4\"", "\"address\":\"127.0.0.2\"", "\"port\":1501",
			   "\"protocol\":\"tcp\"",
			   source_of("files.ini", "deny = 127.0.0.0/8 tcp 1000-1999"));
}

VM_TEST(net_ipv6_and_ipv4_mapped, 51)
{
	long mark = event_mark();

	VM_CHECK(try_connect(FILES, AF_INET6, "::1", 2000, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET6, "::1", 2001, SOCK_STREAM) == ECONNREFUSED);
	/* An IPv4-mapped destination is matched by the IPv4 rules. */
	VM_CHECK(try_connect(FILES, AF_INET6, "::ffff:127.0.0.1", 1000, SOCK_STREAM) == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET6, "::ffff:127.0.0.1", 2500, SOCK_STREAM) ==
		 ECONNREFUSED);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"socket_connect\"",
			   "\"family\":\"ipv6\"", "\"address\":\"::1\"", "\"port\":2000",
			   "\"protocol\":\"tcp\"");
	/* The mapped address is reported as the IPv4 one it is. */
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"socket_connect\"",
			   "\"address\":\"127.0.0.1\"", "\"port\":1000", "\"protocol\":\"tcp\"");
}

VM_TEST(net_udp_sendto_without_connect, 52)
{
	long mark = event_mark(), connect_mark;

	VM_CHECK(try_sendto(FILES, AF_INET, "127.0.0.1", 3000, SOCK_DGRAM, 0) == EPERM);
	VM_CHECK(try_sendto(FILES, AF_INET, "127.0.0.1", 3001, SOCK_DGRAM, 0) == 0);
	connect_mark = event_mark();
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 3000, SOCK_DGRAM) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"socket_sendmsg\"",
			   "\"address\":\"127.0.0.1\"", "\"protocol\":\"udp\"", "\"port\":3000");
	EXPECT_EVENT_AFTER(connect_mark, "\"policy\":\"files\"", "\"hook\":\"socket_connect\"",
			   "\"address\":\"127.0.0.1\"", "\"protocol\":\"udp\"", "\"port\":3000");
}

/* A listening TCP socket on 127.0.0.1:port (outside any policy), or -1. */
static int listen_on(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 8)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

VM_TEST(net_tcp_fast_open_is_a_connect, 53)
{
	long mark = event_mark();
	int listener = listen_on(2500);

	VM_CHECK(listener >= 0);
	VM_CHECK(try_sendto(FILES, AF_INET, "127.0.0.1", 1000, SOCK_STREAM, MSG_FASTOPEN) == EPERM);
	/* Allowed: the connection is made and the byte sent, nothing less. */
	VM_CHECK(try_sendto(FILES, AF_INET, "127.0.0.1", 2500, SOCK_STREAM, MSG_FASTOPEN) == 0);
	if (listener >= 0)
		close(listener);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"socket_sendmsg\"",
			   "\"address\":\"127.0.0.1\"", "\"protocol\":\"tcp\"", "\"port\":1000");
	VM_CHECK(count_events_after(mark, "\"port\":2500") == 0);
}

VM_TEST(net_audit_mode_allows, 54)
{
	long mark = event_mark();

	VM_CHECK(try_connect(AUDIT, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) == ECONNREFUSED);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"audit\"",
			   "\"hook\":\"socket_connect\"", "\"address\":\"127.0.0.1\"",
			   "\"port\":1000", "\"protocol\":\"tcp\"");
}

/* ---- paths ---- */

VM_TEST(paths_symlink_target_decides, 60)
{
	long mark = event_mark();

	VM_CHECK(try_open(FILES, "/data/link-to-secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"file_open\"",
			   "\"path\":\"/data/secret\"",
			   source_of("files.ini", "deny = /data/secret"));
}

static int open_through_private_bind(const void *arg)
{
	const char *what = arg;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 200;
	if (strcmp(what, "subtree") == 0) {
		if (mount("/data/private", "/mnt/bind", NULL, MS_BIND, NULL))
			return 201;
		return try_open(NULL, "/mnt/bind/x", O_RDONLY);
	}
	if (mount("/data", "/mnt/bind2", NULL, MS_BIND, NULL))
		return 202;
	if (strcmp(what, "parent-secret") == 0)
		return try_open(NULL, "/mnt/bind2/secret", O_RDONLY);
	return try_open(NULL, "/mnt/bind2/private/x", O_RDONLY);
}

VM_TEST(paths_bind_mount_from_new_namespace, 61)
{
	const char *const private_rule = source_of("files.ini", "deny = /data/private/");
	long mark = event_mark();

	/* try_open(NULL, ...) inside keeps the cgroup of the caller: in_cgroup put it in FILES.
	 * Each event names the file by its path in the host's namespace, not the bind mount's. */
	VM_CHECK(in_cgroup(FILES, open_through_private_bind, "subtree") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/x\"",
			   private_rule);
	mark = event_mark();
	VM_CHECK(in_cgroup(FILES, open_through_private_bind, "parent-secret") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/secret\"",
			   source_of("files.ini", "deny = /data/secret"));
	mark = event_mark();
	VM_CHECK(in_cgroup(FILES, open_through_private_bind, "parent-private") == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/x\"",
			   private_rule);
}

VM_TEST(paths_file_created_after_load, 62)
{
	write_file("/data/later", "new\n", 0644);
	VM_CHECK(try_open(FILES, "/data/later", O_RDONLY) == EPERM);
	VM_CHECK(unlink("/data/later") == 0);
	write_file("/data/later", "again\n", 0644);
	VM_CHECK(try_open(FILES, "/data/later", O_RDONLY) == EPERM);
	VM_CHECK(try_open(NULL, "/data/later", O_RDONLY) == 0);
}

VM_TEST(paths_file_moved_into_place, 63)
{
	write_file("/data/incoming", "moved\n", 0644);
	VM_CHECK(try_open(FILES, "/data/incoming", O_RDONLY) == 0);
	VM_CHECK(rename("/data/incoming", "/data/moved") == 0);
	VM_CHECK(try_open(FILES, "/data/moved", O_RDONLY) == EPERM);
}

VM_TEST(paths_deeper_than_walk_bound_fail_closed, 64)
{
	char deep[1024] = "/data/deep", reported[256] = "\"path\":\"";
	long mark = event_mark(), audit_mark;

	for (int i = 0; i < 34; i++)
		strcat(deep, "/d");
	strcat(deep, "/file");
	/* The event names the last 32 components the walk saw. */
	for (int i = 0; i < 31; i++)
		strcat(reported, "/d");
	strcat(reported, "/file\"");
	VM_CHECK(try_open(FILES, deep, O_RDONLY) == EPERM);
	audit_mark = event_mark();
	VM_CHECK(try_open(AUDIT, deep, O_RDONLY) == 0);
	VM_CHECK(try_open(NULL, deep, O_RDONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"files\"", "\"walk_limit\":true",
			   "\"rule\":0", reported);
	EXPECT_EVENT_AFTER(audit_mark, "\"event\":\"audit\"", "\"policy\":\"audit\"",
			   "\"walk_limit\":true", reported);
}

VM_TEST(paths_filesystem_mounted_after_load_under_a_protected_directory, 70)
{
	/* A new filesystem (unknown to the mount table at load) inside /data/private/. */
	VM_CHECK(mkdir("/data/private/mnt", 0755) == 0);
	VM_CHECK(mount("tmpfs", "/data/private/mnt", "tmpfs", 0, NULL) == 0);
	long mark;

	write_file("/data/private/mnt/file", "x\n", 0644);
	mark = event_mark();
	VM_CHECK(try_open(FILES, "/data/private/mnt/file", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/mnt/file\"",
			   source_of("files.ini", "deny = /data/private/"));
	VM_CHECK(vm_umount("/data/private/mnt") == 0);
}

VM_TEST(paths_bind_mount_in_the_host_namespace, 71)
{
	long mark;
	pid_t daemon;

	/*
	 * Made by the administrator after load: objects keep their filesystem path, at once. The
	 * daemon is stopped meanwhile: the kernel decides without its mount table's news.
	 */
	VM_CHECK(mkdir("/mnt/hostbind", 0755) == 0);
	daemon = daemon_stop();
	VM_CHECK(mount("/data/private", "/mnt/hostbind", NULL, MS_BIND, NULL) == 0);
	mark = event_mark();
	VM_CHECK(try_open(FILES, "/mnt/hostbind/x", O_RDONLY) == EPERM);
	VM_CHECK(try_open(NULL, "/mnt/hostbind/x", O_RDONLY) == 0);
	daemon_resume(daemon);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/x\"",
			   source_of("files.ini", "deny = /data/private/"));
	VM_CHECK(vm_umount("/mnt/hostbind") == 0);
}

/* ---- /proc/self: each task's own /proc/PID, whatever number it has ---- */

static int open_own_proc_by_number(const void *arg)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)getpid(), (const char *)arg);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

VM_TEST(proc_self_rule_covers_the_own_directory_only, 73)
{
	char other_environ[64], ready;
	int joined[2], go[2], result[2], err = -1;
	long mark;
	long long before;
	pid_t other;

	VM_CHECK(pipe(joined) == 0 && pipe(go) == 0 && pipe(result) == 0);
	make_cgroup(FILES);
	other = fork();
	if (other == 0) {
		/* A task of the policy that opens its own environ, by number, when told to. */
		char path[64];
		int fd;

		/* Moved in by the case (a third process: see in_cgroup), then told it is in. */
		if (read(go[0], &ready, 1) != 1 || write(joined[1], "j", 1) != 1 ||
		    read(go[0], &ready, 1) != 1)
			_exit(1);
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)getpid());
		fd = open(path, O_RDONLY);
		err = fd < 0 ? errno : 0;
		if (write(result[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		pause();
		_exit(0);
	}
	VM_CHECK(other > 0);
	VM_CHECK(move_into_cgroup(FILES, other));
	VM_CHECK(write(go[1], "m", 1) == 1);
	VM_CHECK(read(joined[0], &ready, 1) == 1);
	mark = event_mark();
	VM_CHECK(try_open(FILES, "/proc/self/environ", O_RDONLY) == EPERM);
	VM_CHECK(in_cgroup(FILES, open_own_proc_by_number, "environ") == EPERM);
	{
		/* The reported path is /proc/PID/environ of in_cgroup's child, whose pid this case
		 * never learns: the rule and its source identify the denial instead. */
		const char *const needles[] = {"\"policy\":\"files\"", "\"access\":\"read\"",
					       "\"rule_object\":\"/proc/self/environ\"",
					       source_of("files.ini", "deny = /proc/self/environ"),
					       NULL};

		expect_event_after(__FILE__, __LINE__, mark, needles, "the /proc/self denial",
				   false);
	}
	/* Another task of the same policy: the other's environ is not its own, so allowed. Twice:
	 * a cache would answer the second time, but no verdict under a procfs is cached (it
	 * depends on the task), which the counter shows. */
	snprintf(other_environ, sizeof(other_environ), "/proc/%d/environ", (int)other);
	VM_CHECK(try_open(FILES, other_environ, O_RDONLY) == 0);
	before = policy_counter("files", "file_open", "cached");
	VM_CHECK(try_open(FILES, other_environ, O_RDONLY) == 0);
	VM_CHECK(before >= 0 && policy_counter("files", "file_open", "cached") == before);
	/* Then the owner opens that same inode: its own environ, denied, whatever another task of
	 * its policy was allowed there. */
	VM_CHECK(write(go[1], "g", 1) == 1);
	VM_CHECK(read(result[0], &err, sizeof(err)) == sizeof(err));
	if (err != EPERM)
		VM_FAIL("the owner opening %s: %s, expected EPERM", other_environ,
			err ? strerror(err) : "allowed");
	VM_CHECK(in_cgroup(FILES, open_own_proc_by_number, "environ") == EPERM);
	VM_CHECK(try_open(FILES, "/proc/self/status", O_RDONLY) == 0);
	VM_CHECK(try_open(NULL, "/proc/self/environ", O_RDONLY) == 0);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
}

/* In a new pid namespace with its own procfs, the task is /proc/1: still its own directory. */
static int open_own_proc_in_new_pid_namespace(const void *arg)
{
	int status;
	pid_t pid;

	(void)arg;
	if (unshare(CLONE_NEWPID | CLONE_NEWNS))
		return 100;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 101;
	pid = fork();
	if (pid == 0) {
		int fd;

		if (mount("proc", "/proc", "proc", 0, NULL))
			_exit(102);
		fd = open("/proc/1/environ", O_RDONLY);
		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 103;
	return WEXITSTATUS(status);
}

VM_TEST(proc_self_rule_holds_in_a_new_pid_namespace, 74)
{
	long mark = event_mark();

	VM_CHECK(in_cgroup(FILES, open_own_proc_in_new_pid_namespace, NULL) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/proc/1/environ\"",
			   "\"rule_object\":\"/proc/self/environ\"");
}

VM_TEST(lsmguard_exec_runs_a_command_in_the_policy_cgroup, 72)
{
	const char *const denied[] = {LSMGUARD, "exec", "files", "--", "/bin/busybox", "cat",
				      "/data/secret", NULL};
	const char *const allowed[] = {LSMGUARD, "exec", "files", "--", "/bin/busybox", "cat",
				       "/data/secret-other", NULL};
	const char *const unknown[] = {LSMGUARD, "exec", "nosuch", "--", "/bin/true", NULL};
	char out[256];
	long mark = event_mark();

	VM_CHECK(run_command(denied, out, sizeof(out)) == 1);
	VM_CHECK(run_command(allowed, out, sizeof(out)) == 0);
	VM_CHECK(strcmp(out, "content\n") == 0);
	VM_CHECK(run_command(unknown, NULL, 0) == 1);
	/* comm is the executed file's name (busybox), whatever argv[0] says. */
	EXPECT_EVENT_AFTER(mark, "\"comm\":\"busybox\"", "\"path\":\"/data/secret\"",
			   "\"policy\":\"files\"");
}

/*
 * exec of a policy that is only in a policy directory, not in force (the daemon has not loaded
 * it): refused, exit 1, nothing run (the command would run unconfined); --unconfined runs it,
 * saying so. exec of a policy in force: lsmguard_exec_runs_a_command_in_the_policy_cgroup.
 * Where nothing enforces at all: tests/cli (the build host).
 */
VM_TEST(lsmguard_exec_refuses_a_policy_not_in_force, 72)
{
	const char *const refused[] = {
	    "/bin/busybox", "sh", "-c",
	    LSMGUARD " exec --policy-dir /tmp/lgt-exec notloaded -- /bin/busybox touch "
		     "/tmp/lgt-exec/ran 2>&1",
	    NULL};
	const char *const unconfined[] = {
	    "/bin/busybox", "sh", "-c",
	    LSMGUARD " exec --policy-dir /tmp/lgt-exec --unconfined notloaded -- /bin/busybox "
		     "touch /tmp/lgt-exec/ran 2>&1",
	    NULL};
	char out[1024];

	mkdir("/tmp/lgt-exec", 0755);
	write_file("/tmp/lgt-exec/notloaded.ini",
		   "[policy]\nname = notloaded\ncgroup = /lgt/notloaded\nmode = enforce\n"
		   "[files]\ndefault = deny\n",
		   0644);
	VM_CHECK(run_command(refused, out, sizeof(out)) == 1);
	VM_CHECK(strcmp(out, "lsmguard: policy 'notloaded' is in /tmp/lgt-exec but not in force (the "
			     "daemon has not loaded it): '/bin/busybox' would run unconfined; reload "
			     "the daemon (systemctl reload lsmguard), or pass --unconfined to run it "
			     "in cgroup /lgt/notloaded without enforcement\n") == 0);
	VM_CHECK(access("/tmp/lgt-exec/ran", F_OK) != 0);
	VM_CHECK(run_command(unconfined, out, sizeof(out)) == 0);
	VM_CHECK(strcmp(out, "lsmguard: --unconfined: '/bin/busybox' runs in cgroup /lgt/notloaded "
			     "without enforcement (the policy is not in force)\n") == 0);
	VM_CHECK(access("/tmp/lgt-exec/ran", F_OK) == 0);
	unlink("/tmp/lgt-exec/ran");
	unlink("/tmp/lgt-exec/notloaded.ini");
	rmdir("/tmp/lgt-exec");
	rmdir("/sys/fs/cgroup/lgt/notloaded");
}

/* ---- names: hard links, renames, unlink, truncate ---- */

static int do_link(const void *arg)
{
	const char *const *names = arg;

	return link(names[0], names[1]) ? errno : 0;
}

static int do_rename(const void *arg)
{
	const char *const *names = arg;

	return rename(names[0], names[1]) ? errno : 0;
}

static int do_unlink(const void *arg)
{
	return unlink(arg) ? errno : 0;
}

static int do_truncate(const void *arg)
{
	return truncate(arg, 0) ? errno : 0;
}

VM_TEST(names_hardlink_made_by_anyone_after_load, 65)
{
	long mark;

	/* An unconfined administrator gives /data/secret a second, unprotected-looking name. */
	VM_CHECK(link("/data/secret", "/data/mine/harmless") == 0);
	mark = event_mark();
	VM_CHECK(try_open(FILES, "/data/mine/harmless", O_RDONLY) == EPERM);
	VM_CHECK(try_open(NULL, "/data/mine/harmless", O_RDONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"via_hardlink\":true",
			   "\"path\":\"/data/secret\"",
			   source_of("files.ini", "deny = /data/secret"));
	/* The record goes with the file's last name. */
	VM_CHECK(unlink("/data/mine/harmless") == 0);
}

VM_TEST(names_hardlink_made_before_load, 66)
{
	long mark = event_mark();

	VM_CHECK(try_open(FILES, "/data/innocent-name", O_RDONLY) == EPERM);
	VM_CHECK(try_open(NULL, "/data/innocent-name", O_RDONLY) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"via_hardlink\":true",
			   "\"path\":\"/data/pre-linked\"",
			   source_of("files.ini", "deny = /data/pre-linked"));
}

VM_TEST(names_confined_link_and_rename_cannot_escape_rules, 67)
{
	const char *const link_secret[] = {"/data/secret", "/data/mine/copy"};
	const char *const link_ro[] = {"/data/ro/file", "/data/mine/ro-copy"};
	const char *const move_private[] = {"/data/private/x", "/data/mine/x"};
	const char *const replace_ro[] = {"/data/mine/own", "/data/ro/file"};
	const char *const move_own[] = {"/data/mine/own", "/data/mine/own2"};
	long mark = event_mark(), rename_mark;

	VM_CHECK(in_cgroup(FILES, do_link, link_secret) == EPERM);
	VM_CHECK(in_cgroup(FILES, do_link, link_ro) == EPERM);
	rename_mark = event_mark();
	VM_CHECK(in_cgroup(FILES, do_rename, move_private) == EPERM);
	VM_CHECK(in_cgroup(FILES, do_rename, replace_ro) == EPERM);
	VM_EXPECT(access("/data/mine/copy", F_OK), ENOENT);
	VM_EXPECT(access("/data/private/x", F_OK), 0);
	VM_CHECK(in_cgroup(FILES, do_rename, move_own) == 0);
	VM_CHECK(in_cgroup(NULL, do_link, link_ro) == 0); /* outside any policy: allowed */
	VM_CHECK(unlink("/data/mine/ro-copy") == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_link\"",
			   "\"path\":\"/data/secret\"", "\"access\":\"write\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_link\"",
			   "\"path\":\"/data/ro/file\"", "\"access\":\"write\"");
	EXPECT_EVENT_AFTER(rename_mark, "\"policy\":\"files\"", "\"hook\":\"path_rename\"",
			   "\"path\":\"/data/private/x\"");
}

VM_TEST(names_confined_unlink_and_truncate_need_write, 68)
{
	long mark = event_mark();

	VM_CHECK(in_cgroup(FILES, do_unlink, "/data/ro/file") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_truncate, "/data/ro/file") == EPERM);
	VM_CHECK(in_cgroup(FILES, do_unlink, "/data/secret") == EPERM);
	VM_CHECK(access("/data/ro/file", F_OK) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_unlink\"",
			   "\"path\":\"/data/ro/file\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_truncate\"",
			   "\"path\":\"/data/ro/file\"");
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"hook\":\"path_unlink\"",
			   "\"path\":\"/data/secret\"");
}

VM_TEST(names_file_moved_away_by_admin_leaves_rule_on_path, 69)
{
	/* Documented behaviour: the rule protects the path; the moved file (one name only) is
	 * matched where it now is, and whatever is created at the old path is protected. */
	VM_CHECK(rename("/data/admin-moves", "/data/mine/moved-away") == 0);
	VM_CHECK(try_open(FILES, "/data/mine/moved-away", O_RDONLY) == 0);
	write_file("/data/admin-moves", "replacement\n", 0644);
	VM_CHECK(try_open(FILES, "/data/admin-moves", O_RDONLY) == EPERM);
}

/* ---- counters ---- */

VM_TEST(counters_match_what_happened, 70)
{
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];

	for (int i = 0; i < 3; i++)
		VM_CHECK(try_open("/lgt/count", "/data/secret", O_RDONLY) == EPERM);
	for (int i = 0; i < 2; i++)
		VM_CHECK(try_open("/lgt/count", "/data/secret-other", O_RDONLY) == 0);
	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	if (!strstr(out, "\"name\":\"count\"") ||
	    !strstr(strstr(out, "\"name\":\"count\""),
		    "\"file_open\":{\"allowed\":2,\"denied\":3,\"audited\":0,\"dropped\":0,"
		    "\"suppressed\":0,\"cached\":1}"))
		VM_FAIL("counters of count: %s", strstr(out, "\"name\":\"count\"") ?: out);
}

/* ---- reload ---- */

/* Wait for the daemon's reload event with result ("ok" or "error") written after mark. */
static bool wait_reload(const char *result, long mark)
{
	char member[64];
	const char *const needles[] = {"\"event\":\"reload\"", member, NULL};

	snprintf(member, sizeof(member), "\"result\":\"%s\"", result);
	return wait_event_after(mark, needles, 10000);
}

VM_TEST(reload_with_valid_set_switches_rules, 80)
{
	long mark = event_mark(), reload_mark;

	VM_CHECK(try_open("/lgt/reload", "/data/r1", O_RDONLY) == EPERM);
	VM_CHECK(try_open("/lgt/reload", "/data/r2", O_RDONLY) == 0);
	write_file(POLICY_DIR "/reload.ini", reload_policy_2, 0644);
	reload_mark = event_mark();
	VM_CHECK(daemon_pid() > 1 && kill(daemon_pid(), SIGHUP) == 0);
	VM_CHECK(wait_reload("ok", reload_mark));
	VM_CHECK(try_open("/lgt/reload", "/data/r1", O_RDONLY) == 0);
	VM_CHECK(try_open("/lgt/reload", "/data/r2", O_RDONLY) == EPERM);
	/* The other policies came through the reload too. */
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(reload_mark, "\"policy\":\"reload\"", "\"path\":\"/data/r2\"",
			   source_of("reload.ini", "deny = /data/r2"));
	EXPECT_EVENT_AFTER(reload_mark, "\"policy\":\"files\"", "\"path\":\"/data/secret\"");
	VM_CHECK(count_events_after(reload_mark, "\"path\":\"/data/r1\"") == 0);
	/* Once more: the same set goes to the bank the first one was in, which the daemon emptied
	 * (a deny of /data/r1 left there would hold again). */
	reload_mark = event_mark();
	VM_CHECK(kill(daemon_pid(), SIGHUP) == 0);
	VM_CHECK(wait_reload("ok", reload_mark));
	VM_CHECK(try_open("/lgt/reload", "/data/r1", O_RDONLY) == 0);
	VM_CHECK(try_open("/lgt/reload", "/data/r2", O_RDONLY) == EPERM);
	print_events_after(mark, "\"event\":\"reload\"");
}

VM_TEST(reload_with_invalid_set_keeps_the_old_rules, 81)
{
	long mark = event_mark();

	write_file(POLICY_DIR "/broken.ini", "[policy]\nname = broken\nmode = sometimes\n", 0644);
	VM_EXPECT_DAEMON_WARNING("broken.ini:3: error: mode 'sometimes' is invalid");
	/* every error of the file in one run: the missing cgroup too */
	VM_EXPECT_DAEMON_WARNING("broken.ini:1: error: [policy] has neither 'cgroup' nor 'unit'");
	VM_EXPECT_DAEMON_WARNING("lsmguard: 2 errors in 1 of ");
	VM_EXPECT_DAEMON_WARNING("lsmguard: reload refused; the policies in force are unchanged");
	VM_CHECK(daemon_pid() > 1 && kill(daemon_pid(), SIGHUP) == 0);
	VM_CHECK(wait_reload("error", mark));
	VM_CHECK(count_events_after(mark, "\"result\":\"ok\"") == 0);
	VM_CHECK(try_open("/lgt/reload", "/data/r2", O_RDONLY) == EPERM);
	VM_CHECK(try_open("/lgt/reload", "/data/r1", O_RDONLY) == 0);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(unlink(POLICY_DIR "/broken.ini") == 0);
}

static const char gap_policy_a[] = "[policy]\nname = gap\ncgroup = /lgt/gap\nmode = enforce\n"
				   "[files]\ndeny = /data/gap\n";
static const char gap_policy_b[] = "[policy]\nname = gap\ncgroup = /lgt/gap\nmode = enforce\n"
				   "[files]\ndefault = deny\nallow = /data/secret-other\n"
				   "allow-read = /data/ro/\n[network]\ndeny = any\n";

/* In the cgroup: open /data/gap until /run/gap.stop appears; report successes and tries. */
static int do_retry_open(const void *arg)
{
	long successes = 0, tries = 0;
	FILE *out;

	(void)arg;
	while (access("/run/gap.stop", F_OK) != 0) {
		int fd = open("/data/gap", O_RDONLY);

		usleep(20); /* leave the daemon room to reload under emulation */

		tries++;
		if (fd >= 0) {
			successes++;
			close(fd);
		}
	}
	out = fopen("/run/gap.result", "w");
	if (!out)
		return 1;
	fprintf(out, "%ld %ld\n", successes, tries);
	fclose(out);
	return 0;
}

VM_TEST(reload_1000_times_without_a_gap, 82)
{
	long successes = -1, tries = -1;
	int reloads, generation;
	long mark = event_mark();
	pid_t retry;
	FILE *in;

	alarm(900);
	write_file("/data/gap", "never readable from /lgt/gap\n", 0644);
	write_file(POLICY_DIR "/gap.ini", gap_policy_a, 0644);
	generation = state_generation();
	VM_CHECK(kill(daemon_pid(), SIGHUP) == 0);
	for (int i = 0; i < 500 && state_generation() == generation; i++)
		usleep(10 * 1000);
	VM_CHECK(try_open("/lgt/gap", "/data/gap", O_RDONLY) == EPERM);
	retry = fork();
	if (retry == 0)
		_exit(in_cgroup("/lgt/gap", do_retry_open, NULL));
	for (reloads = 0; reloads < 1000; reloads++) {
		generation = state_generation();
		write_file(POLICY_DIR "/gap.ini", reloads % 2 ? gap_policy_a : gap_policy_b, 0644);
		if (kill(daemon_pid(), SIGHUP) != 0)
			break;
		for (int i = 0; i < 2000 && state_generation() == generation; i++)
			usleep(1000);
		if (state_generation() == generation)
			break; /* this reload did not happen */
	}
	write_file("/run/gap.stop", "", 0644);
	waitpid(retry, NULL, 0);
	in = fopen("/run/gap.result", "r");
	VM_CHECK(in && fscanf(in, "%ld %ld", &successes, &tries) == 2);
	if (in)
		fclose(in);
	printf("# %d reloads, %ld opens tried during them, %ld succeeded\n", reloads, tries,
	       successes);
	VM_CHECK(reloads == 1000);
	VM_CHECK(count_events_after(mark, "\"result\":\"error\"") == 0);
	VM_CHECK(successes == 0);
	VM_CHECK(tries > 1000);
	VM_CHECK(unlink(POLICY_DIR "/gap.ini") == 0);
}

static int do_flood(const void *arg)
{
	int opens = *(const int *)arg;

	for (int i = 0; i < opens; i++)
		if (open("/data/flood", O_RDONLY) >= 0)
			return 1;
	return 0;
}

/* The counter field named field of hook in the status JSON after the policy name. */
static long long status_counter(const char *status, const char *policy, const char *hook,
				const char *field)
{
	char needle[128];
	const char *p = strstr(status, policy);

	if (!p)
		return -1;
	snprintf(needle, sizeof(needle), "\"%s\":{", hook);
	p = strstr(p, needle);
	if (!p)
		return -1;
	snprintf(needle, sizeof(needle), "\"%s\":", field);
	p = strstr(p, needle);
	return p ? atoll(p + strlen(needle)) : -1;
}

VM_TEST(event_accounting_under_a_flood_is_exact, 83)
{
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	long long denied, dropped, suppressed, delivered;
	int per_process = 25000, generation;
	long rss_before, rss_after, mark;
	pid_t children[4];

	alarm(900);
	write_file("/data/flood", "x\n", 0644);
	write_file(POLICY_DIR "/flood.ini",
		   "[policy]\nname = flood\ncgroup = /lgt/flood\nmode = enforce\n[files]\n"
		   "deny = /data/flood\n",
		   0644);
	generation = state_generation();
	VM_CHECK(kill(daemon_pid(), SIGHUP) == 0);
	for (int i = 0; i < 500 && state_generation() == generation; i++)
		usleep(10 * 1000);
	rss_before = rss_kib(daemon_pid());
	mark = event_mark();
	for (int i = 0; i < 4; i++) {
		children[i] = fork();
		if (children[i] == 0)
			_exit(in_cgroup("/lgt/flood", do_flood, &per_process));
	}
	for (int i = 0; i < 4; i++) {
		int status;

		VM_CHECK(waitpid(children[i], &status, 0) == children[i]);
		VM_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	usleep(500 * 1000); /* let the daemon drain the ring buffer */
	rss_after = rss_kib(daemon_pid());
	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	denied = status_counter(out, "\"name\":\"flood\"", "file_open", "denied");
	dropped = status_counter(out, "\"name\":\"flood\"", "file_open", "dropped");
	suppressed = status_counter(out, "\"name\":\"flood\"", "file_open", "suppressed");
	delivered = count_events_after(mark, "\"policy\":\"flood\"");
	printf("# flood: denied %lld = delivered %lld + dropped %lld + suppressed %lld; daemon RSS "
	       "%ld -> %ld KiB\n",
	       denied, delivered, dropped, suppressed, rss_before, rss_after);
	VM_CHECK(denied == 4LL * per_process);
	VM_CHECK(delivered + dropped + suppressed == denied);
	VM_CHECK(suppressed > 0);
	/* docs/security.md: unchanged in every run measured; 4 pages of slack, no more. */
	VM_CHECK(rss_before > 0 && rss_after > 0 && rss_after - rss_before <= 16);
	VM_CHECK(unlink(POLICY_DIR "/flood.ini") == 0);
}

/* ---- the daemon goes away ---- */

VM_TEST(enforcement_survives_kill_9_of_the_daemon, 190)
{
	const char *const argv[] = {LSMGUARD, "status", NULL};
	pid_t pid = daemon_pid();

	VM_CHECK(pid > 1 && kill(pid, SIGKILL) == 0);
	VM_CHECK(wait_exit(pid, 5000));
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_exec(FILES, "/data/bin/denied") == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) == EPERM);
	VM_CHECK(try_open("/lgt/late", "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(run_command(argv, NULL, 0) == 0);
}

VM_TEST(restarted_daemon_adopts_pins_and_resumes_events, 191)
{
	long mark = event_mark();

	VM_CHECK(daemon_start() > 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"ready\"", "\"adopted\":true", "\"canary\":\"ok\"");
	/* Exactly one event for one denial: the new daemon reads the pinned ring buffer. */
	mark = event_mark();
	VM_CHECK(try_open(FILES, "/data/private/x", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/x\"");
	/* A later denial's event: a duplicate of the first would come before it (one ring). */
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/secret\"");
	VM_CHECK(count_events_after(mark, "\"path\":\"/data/private/x\"") == 1);
	VM_CHECK(count_events_after(mark, "\"path\":\"/data/secret\"") == 1);
}

VM_TEST(enforcement_survives_an_abort_of_the_daemon, 192)
{
	pid_t pid = daemon_pid();
	long mark;

	VM_CHECK(pid > 1 && kill(pid, SIGABRT) == 0);
	VM_CHECK(wait_exit(pid, 5000));
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) == EPERM);
	mark = event_mark();
	VM_CHECK(daemon_start() > 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"ready\"", "\"adopted\":true", "\"canary\":\"ok\"");
}

VM_TEST(enforcement_survives_an_out_of_memory_kill_of_the_daemon, 193)
{
	const char *const dmesg[] = {"/bin/dmesg", NULL};
	static char log[1048576];
	char path[64], needle[64];
	pid_t pid = daemon_pid();
	long mark;

	/* Make the daemon the OOM killer's choice, then invoke the OOM killer (sysrq f). */
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	write_into(path, "1000\n");
	write_into("/proc/sysrq-trigger", "f");
	VM_CHECK(wait_exit(pid, 10000));
	VM_CHECK(run_command(dmesg, log, sizeof(log)) == 0);
	snprintf(needle, sizeof(needle), "Killed process %d (lsmguard)", (int)pid);
	if (!strstr(log, needle))
		VM_FAIL("the kernel log does not say the OOM killer killed %d", (int)pid);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(try_exec(FILES, "/data/bin/denied") == EPERM);
	mark = event_mark();
	VM_CHECK(daemon_start() > 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"ready\"", "\"adopted\":true", "\"canary\":\"ok\"");
}

VM_TEST(an_upgraded_executable_is_trusted_after_a_reload, 194)
{
	const char *const status[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	int generation;

	/* A package upgrade: a new file (a new inode) renamed over the executable. */
	VM_CHECK(system("cp /bin/lsmguard /bin/lsmguard.new && mv /bin/lsmguard.new /bin/lsmguard") ==
		 0);
	/* Not yet trusted: it cannot open the maps for writing, so it cannot adopt them. */
	VM_CHECK(run_command(status, out, sizeof(out)) == 1);
	generation = state_generation();
	VM_CHECK(kill(daemon_pid(), SIGHUP) == 0);
	for (int i = 0; i < 500 && state_generation() == generation; i++)
		usleep(10 * 1000);
	/* The running daemon recorded its successor: the new executable is lsmguard now. */
	VM_CHECK(run_command(status, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"active\":true") != NULL);
}

VM_TEST(unload_ends_enforcement, 199)
{
	const char *const unload[] = {LSMGUARD, "unload", NULL};
	const char *const status[] = {LSMGUARD, "status", NULL};

	VM_CHECK(run_command(unload, NULL, 0) == 0);
	VM_CHECK(try_open(FILES, "/data/secret", O_RDONLY) == 0);
	VM_CHECK(try_exec(FILES, "/data/bin/denied") == 0);
	VM_CHECK(try_connect(FILES, AF_INET, "127.0.0.1", 1000, SOCK_STREAM) == ECONNREFUSED);
	VM_CHECK(run_command(status, NULL, 0) == 1);
	VM_EXPECT(access("/sys/fs/bpf/lsmguard", F_OK), ENOENT);
}
