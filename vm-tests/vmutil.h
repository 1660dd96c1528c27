/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the vm-tests: operations run in a cgroup, the daemon, and its event log. */
#ifndef LSMGUARD_VMUTIL_H
#define LSMGUARD_VMUTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#define POLICY_DIR "/etc/lsmguard/policy.d"
#define EVENT_LOG "/run/events.log"
#define LSMGUARD "/bin/lsmguard"
#define NOTIFY_SOCKET_PATH "/run/notify.sock" /* $NOTIFY_SOCKET of the daemons started here */
#define METRICS_FILE "/run/lsmguard.prom"    /* their --metrics-file, written every second */
/* Every daemon's stderr, appended; the runner fails a case that made it grow unexpectedly. */
#define DAEMON_ERR "/run/daemon.err"

/* Write the data files and policies, start the daemon. 0 on success. */
int vm_setup(void);

/* CLOCK_MONOTONIC in milliseconds, for the tests' waits. */
long vm_now_ms(void);

/*
 * umount(path), tried again for up to two seconds while it fails with EBUSY: after a mount
 * change the daemon looks at each mount point (an O_PATH descriptor held for one statx,
 * host.c: stat_mount_point), and an unmount in that moment finds the mount in use. 0, or -1
 * with errno.
 */
int vm_umount(const char *path);

/*
 * What in_cgroup returns when op gave no result of its own: never 0, never an errno, never a
 * code an op returns (ops return 0, an errno or a small positive step number).
 */
#define OP_FORK_FAILED (-1001)	    /* no child */
#define OP_NO_CGROUP (-1002)	    /* the child could not join the cgroup */
#define OP_NO_RESULT (-1003)	    /* the child exited without reporting op's result */
#define OP_KILLED(sig) (-1100 - (sig)) /* the child (or the program it ran) died of signal sig */
#define OP_EXITED(code) (-1400 - (code)) /* a program that should exit 0 exited with code */
/* A waited-for program's status as a result: 0 for exit 0, else OP_KILLED or OP_EXITED. */
int program_result(int status);

/*
 * Run op(arg) in a child process placed in cgroup (NULL: stay in the root cgroup, under no
 * policy). Returns what op returned, as a whole int (carried through a pipe, not the exit
 * status): 0 for success, else the errno of the operation; or one of the OP_ codes above.
 */
int in_cgroup(const char *cgroup, int (*op)(const void *arg), const void *arg);
/* in_cgroup on a thread of its own, for a case that acts while op runs: start, then join for
 * op's result (-1 when the thread could not start). */
struct in_cgroup_thread {
	const char *cgroup;
	int (*op)(const void *arg);
	const void *arg;
	int result;
	pthread_t thread;
	bool started;
};
bool in_cgroup_start(struct in_cgroup_thread *t, const char *cgroup, int (*op)(const void *arg),
		     const void *arg);
int in_cgroup_join(struct in_cgroup_thread *t);

/*
 * Move pid (a child of the caller) into cgroup from a third process, as in_cgroup does: a task
 * moved in by itself or by its parent before it executes anything is in its setup window
 * (bpf_lsm/setup.bpf.h), where the confinement built-ins leave it alone.
 */
bool move_into_cgroup(const char *cgroup, pid_t pid);

/*
 * The recursion misses (runs the kernel skipped: the program was already running on that CPU)
 * summed over the loaded programs whose name (as the kernel keeps it: 15 characters) starts
 * with prefix.
 */
unsigned long long program_misses(const char *prefix);
/* Whether the kernel was booted with preempt=full (the suite vm-preempt). */
bool full_preemption_asked(void);

int try_open(const char *cgroup, const char *path, int flags);
int try_exec(const char *cgroup, const char *path);
/* family AF_INET or AF_INET6; type SOCK_STREAM or SOCK_DGRAM. */
int try_connect(const char *cgroup, int family, const char *addr, int port, int type);
/* become(uid): root dropped to uid (0 or 1000 + errno); receivers and listeners made by the
 * unconfined test, and what reached them (the datagrams starting with tag; the connections) */
int become(uid_t uid);
int udp_receiver(const char *addr, int port);
/* A unix socket of type bound at path (unconfined), open to every user, listening unless a
 * datagram socket; -1 on error (reported). */
int unix_bound_at(const char *path, int type);
/* The root user's charged keys and bytes (/proc/key-users); false when not listed. */
/* The same for another user (0 and false when it has no keys). */
bool user_key_charge(uid_t user, unsigned *keys, unsigned *bytes);
bool root_key_charge(unsigned *keys, unsigned *bytes);
int tcp_listener(const char *addr, int port);
int drain_datagrams(int fd, const char *tag);
int accept_all(int fd);
int try_sendto(const char *cgroup, int family, const char *addr, int port, int type, int flags);

/* The service manager notifications received since the last call, one per line. */
size_t notify_read(char *buf, size_t size);
/* Start `lsmguard run` and wait for its next ready line; returns its pid or -1. */
pid_t daemon_start(void);
/* The same, with these arguments after the usual ones (NULL-terminated). */
pid_t daemon_start_with(const char *const extra[]);
/*
 * Stop the daemon (SIGTERM: its programs stay in force) and start it again with extra
 * arguments: it adopts the pins, no load (a load is about 80 s under emulation).
 */
bool daemon_restart_with(const char *const extra[]);
/*
 * A number of `lsmguard status --json`'s link_records object (capacity, unrecorded, used,
 * rule_files_unrecorded; full as 0 or 1); -1 when absent.
 */
long long link_records_field(const char *field);
/* SIGHUP the daemon and wait (5 s at most) until it has loaded a new generation. */
bool daemon_reload_wait(void);
/* The running daemon's pid, from its pid file; -1 when none (never 0 or -1 for kill()). */
pid_t daemon_pid(void);
/*
 * SIGSTOP the daemon (its mount table and events wait) until daemon_resume(pid); returns its
 * pid, or -1 (a failed check) when none runs. The runner resumes a daemon a case left stopped.
 */
pid_t daemon_stop(void);
void daemon_resume(pid_t pid);
/* In the runner, after a case: SIGCONT the daemon daemon_stop() left stopped; its pid or -1. */
pid_t daemon_resume_left_stopped(void);
/* Wait until process pid has exited (gone, or a zombie). */
bool wait_exit(pid_t pid, int timeout_ms);
/*
 * The event log's size, once it has held still for 50 ms. Take a mark before the operation a
 * check judges: the _after functions look only at lines written after it, never at what
 * earlier cases and operations logged.
 */
long event_mark(void);
/*
 * Wait until the event log has a line, written after mark, holding every field of needles
 * (NULL-terminated). A needle is a whole JSON member ("key":value): it matches at the start
 * of a member and up to the value's end, so "port":100 does not match "port":1000.
 */
bool wait_event_after(long mark, const char *const *needles, int timeout_ms);
/*
 * Fail unless such a line appears within 15 s. When the matching event has a "path", one of
 * the needles must be its "path" member: a check that ignores the reported path fails.
 */
void expect_event_after(const char *file, int line, long mark, const char *const *needles,
			const char *text, bool path_required);
#define EXPECT_EVENT_AFTER(mark, ...)                                                             \
	do {                                                                                      \
		const char *const needles_[] = {__VA_ARGS__, NULL};                               \
		expect_event_after(__FILE__, __LINE__, (mark), needles_, #__VA_ARGS__, true);      \
	} while (0)
/* An event's "uid" member for a case run as root (0) or as the test user (1000). */
#define UID_FIELD(uid) ((uid) ? "\"uid\":1000" : "\"uid\":0")
/* The generation the daemon last loaded (from its state file), or -1. */
int state_generation(void);
/* A process's resident memory in KiB (VmRSS), or -1. */
long rss_kib(pid_t pid);
/*
 * One of the counters `lsmguard status --json` reports: field (allowed, cached, denied, ...) of
 * policy's hook (file_open, socket_sendmsg, ...), read where status reads it (without running
 * it); -1 when there is no such policy, hook or field.
 */
long long policy_counter(const char *policy, const char *hook, const char *field);
/* The id `lsmguard status --json` gives policy (read from the daemon's state file, as status
 * reads it, and only while its generation is the kernel's; it changes at a reload), or -1. */
long long policy_id(const char *policy);
/*
 * The counter at byte offset field of struct lg_counter (offsetof) of policy id's hook (an
 * LG_HOOK_* number), summed over the CPUs, read from the pinned counters map: what
 * policy_counter reports, without running `lsmguard status` (about a second under emulation
 * beside a busy task). -1 when it cannot be read.
 */
long long policy_counter_by_id(long long id, unsigned hook, size_t field);
/* The max_entries of lsmguard's pinned map name, or -1. */
long pinned_map_max_entries(const char *name);
/* Print the event log's lines holding needle as TAP comments (for measurements). */
void print_events(const char *needle);
void print_events_after(long mark, const char *needle);
/* Number of lines in the event log holding needle (a JSON member, as above). */
int count_events(const char *needle);
int count_events_after(long mark, const char *needle);
/* The same for lines with both members: a check about one kind of event that another case's
 * late line (the daemon writes a little after the kernel) cannot fail. */
int count_events_after_both(long mark, const char *needle, const char *also);
/* "\"source\":\"/etc/lsmguard/policy.d/FILE:LINE\"" for the line of FILE that equals text. */
const char *source_of(const char *file, const char *text);
/* Run a command, return its exit status; its stdout goes to out (may be NULL). */
int run_command(const char *const argv[], char *out, size_t out_size);
/*
 * How many instructions the verifier processed for the attached program name, as `lsmguard
 * status --json` (in status) reports it, after printing its size; 0, and a failure of the
 * case, when it is not attached.
 */
unsigned long program_verified(const char *status, const char *name);
void write_file(const char *path, const char *text, mode_t mode);
/*
 * A pipe whose read end fds[0] has owner (F_SETOWN, set by the caller: under no policy in the
 * suite), F_SETSIG sig and O_ASYNC: a byte written into fds[1] signals the owner. True when set.
 */
bool sigio_armed_pipe(pid_t owner, int sig, int fds[2]);
/* An op for in_cgroup: write a byte into the descriptor *arg (0, or the errno). */
int do_write_byte(const void *arg);
/* Write text into an existing file as it is (proc and sysfs files). */
void write_into(const char *path, const char *text);
/* The first number in a file (a /proc/sys setting); -1 when it cannot be read. */
long read_number(const char *path);
/* Write n into an existing file (a /proc/sys setting). */
void write_number(const char *path, long n);
/* The "source" of the built-ins' events that several files check (enforcer/events.c's reasons,
 * whole): mounts and btrfs subvolumes; disks past the files; the whole host. */
#define MOUNT_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot mount, unmount, remount, move or pivot "    \
	"unless its policy says [system] mount = namespace or allow, nor remove or rename a name " \
	"another mount namespace has a mount on (that unmounts or moves the mount), nor create, " \
	"snapshot, remove or change btrfs subvolumes, unless it says mount = allow\""
#define DISCONNECTED_SOURCE                                                                        \
	"\"source\":\"fail-closed: a disconnected name (a file opened by handle whose path is not " \
	"known, on a mount unmounted while held, or on a host filesystem the mount table has no "   \
	"record of: the table full, or seen from another mount namespace)\""
#define OVERLAY_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot mount overlayfs or ecryptfs unless its "   \
	"policy says [system] mount = allow: they remove, rename and make the names of the layer " \
	"beneath below every path rule, another policy's and lsmguard's own included\""
#define COVERED_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot mount at a name another mount covers "       \
	"(reached through a descriptor, a working directory or a handle from before that mount): " \
	"the kernel puts the mount on top of what covers it, which may be lsmguard's, another "     \
	"policy's or the host's\""
#define RAW_DISK_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot reach a disk past its files (block "        \
	"devices, SCSI generic, SG_IO, NVMe passthrough, configfs targets, btrfs's tree search, " \
	"send and device commands) unless its policy says [system] raw-disks = allow\""
#define HOST_CONTROL_SOURCE                                                                        \
	"\"source\":\"built-in: a confined task cannot reboot the host (reboot, watchdogs, the "  \
	"baseboard controller), account every process, freeze, shut down, resize or relabel a "   \
	"filesystem or change its devices, balance, scrub or quotas, nor watch a whole "          \
	"filesystem or hold other processes' opens (fanotify)\""
/* The "source" of a host budget's event (enforcer/events.c's reason, whole). */
#define BUDGET_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot take the host's last ptys (kernel.pty.max " \
	"less kernel.pty.reserve, as in a container), nor the last quarter of its tasks "         \
	"(kernel.threads-max), open files (fs.file-max) and AIO events (fs.aio-max-nr), of its "   \
	"IPC namespace's System V objects, pages and semaphores and POSIX message queues "        \
	"(kernel.shmmni, msgmni, shmall, sem, fs.mqueue.queues_max) or of a user's key quota "    \
	"(kernel.keys.maxkeys, maxbytes): they are kept for logins and processes outside every "  \
	"policy\""
void make_cgroup(const char *cgroup);
/* lsmguard's cgroup connect programs in force for sockets made in cgroup: how many, or -errno. */
int connect_programs(const char *cgroup);
/* An op: an MPTCP socket made and closed: 0 or errno. */
int do_mptcp_socket(const void *unused);

/* lsmguard's loaded maps, read as root: a read-only descriptor of the map named name (its
 * first 15 characters), or -1; its entries (keys of at most 16 bytes), or -1; the 64-bit value
 * at index of an array map, or -1. */
int map_fd(const char *name);
int map_entries(const char *name);
int map_nonzero_u64s(const char *name, unsigned count);
/* One message of n copies of descriptor fd (SCM_RIGHTS, n at most SEND_FDS_MAX: the kernel's
 * SCM_MAX_FD) sent on sock without waiting: 0 or the errno. */
#define SEND_FDS_MAX 253
int send_fds(int sock, int fd, int n);
/* bpf_lsm/reserve.bpf.h's bookkeeping: lg_reserve_totals' element has one of these a kind
 * (AIO events, key bytes, POSIX message queue bytes, descriptors in flight); lg_reserve_pools
 * has RESERVE_POOLS counters (4,096 a (kind, user) of its own, 1,024 shared past them). */
#define RESERVE_KINDS 4
#define RESERVE_POOLS (4096 + 1024)
struct reserve_total {
	long long reserved, held, owned, pad;
};
bool reserve_totals(struct reserve_total *kinds);
/* Waits up to 5 s (task_free comes an RCU grace period after the reap) until no reservation of
 * the kinds in mask (bit k: kind k) is held or counted and every pool (of every kind, whatever
 * the mask) is at 0; false, with what is left printed, if not. */
bool reservations_back_at_zero(unsigned mask);
long long map_u64(const char *name, unsigned index);
/* The value of map name's element key, read into value (of the map's value size); false when
 * there is no such map or element. */
bool map_lookup(const char *name, const void *key, void *value);

#endif
