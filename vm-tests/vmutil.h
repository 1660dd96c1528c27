/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the vm-tests: operations run in a cgroup, the daemon, and its event log. */
#ifndef LSMGUARD_VMUTIL_H
#define LSMGUARD_VMUTIL_H

#include <stdbool.h>
#include <sys/types.h>

#define POLICY_DIR "/etc/lsmguard/policy.d"
#define EVENT_LOG "/run/events.log"
#define LSMGUARD "/bin/lsmguard"
#define NOTIFY_SOCKET_PATH "/run/notify.sock" /* $NOTIFY_SOCKET of the daemons started here */
#define METRICS_FILE "/run/lsmguard.prom"    /* their --metrics-file, written every second */

/* Write the data files and policies, start the daemon. 0 on success. */
int vm_setup(void);

/*
 * Run op(arg) in a child process placed in cgroup (NULL: stay in the root cgroup, under no
 * policy). Returns what op returned: 0 for success, else the errno of the operation.
 */
int in_cgroup(const char *cgroup, int (*op)(const void *arg), const void *arg);

int try_open(const char *cgroup, const char *path, int flags);
int try_exec(const char *cgroup, const char *path);
/* family AF_INET or AF_INET6; type SOCK_STREAM or SOCK_DGRAM. */
int try_connect(const char *cgroup, int family, const char *addr, int port, int type);
int try_sendto(const char *cgroup, int family, const char *addr, int port, int type, int flags);

/* The service manager notifications received since the last call, one per line. */
size_t notify_read(char *buf, size_t size);
/* Start `lsmguard run` and wait for its next ready line; returns its pid or -1. */
pid_t daemon_start(void);
/* SIGHUP the daemon and wait (5 s at most) until it has loaded a new generation. */
bool daemon_reload_wait(void);
/* The running daemon's pid, from its pid file; -1 when none (never 0 or -1 for kill()). */
pid_t daemon_pid(void);
/* Wait until process pid has exited (gone, or a zombie). */
bool wait_exit(pid_t pid, int timeout_ms);
/* Wait until the event log has a line holding every string of needles (NULL-terminated). */
bool wait_event(const char *const *needles, int timeout_ms);
#define EXPECT_EVENT(...)                                                                         \
	do {                                                                                      \
		const char *const needles_[] = {__VA_ARGS__, NULL};                               \
		if (!wait_event(needles_, 5000))                                                  \
			VM_FAIL("no event with %s", #__VA_ARGS__);                                \
	} while (0)
/* The generation the daemon last loaded (from its state file), or -1. */
int state_generation(void);
/* A process's resident memory in KiB (VmRSS), or -1. */
long rss_kib(pid_t pid);
/*
 * One of the counters `lsmguard status --json` reports: field (allowed, cached, denied, ...) of
 * policy's hook (file_open, socket_sendmsg, ...); -1 when it is not reported.
 */
long long policy_counter(const char *policy, const char *hook, const char *field);
/* Print the event log's lines holding needle as TAP comments (for measurements). */
void print_events(const char *needle);
/* Number of lines in the event log holding needle. */
int count_events(const char *needle);
/* "\"source\":\"/etc/lsmguard/policy.d/FILE:LINE\"" for the line of FILE that equals text. */
const char *source_of(const char *file, const char *text);
/* Run a command, return its exit status; its stdout goes to out (may be NULL). */
int run_command(const char *const argv[], char *out, size_t out_size);
void write_file(const char *path, const char *text, mode_t mode);
/* Write text into an existing file as it is (proc and sysfs files). */
void write_into(const char *path, const char *text);
void make_cgroup(const char *cgroup);

#endif
