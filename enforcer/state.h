/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state file (/run/lsmguard/state): what the running daemon loaded, for `status` and `exec`,
 * which cannot learn policy names from the kernel's maps. One line per fact, tab-separated.
 */
#ifndef LSMGUARD_STATE_H
#define LSMGUARD_STATE_H

#include <stdbool.h>

#include "policy.h"

#define LG_STATE_DIR "/run/lsmguard"

struct lg_state_policy {
	__u32 id;
	char mode[16];
	char name[64];
	char cgroup[4096];
	char file[4096];
};

struct lg_state {
	unsigned generation, bank;
	size_t count;
	struct lg_state_policy *policies;
	/* Reloads (SIGHUP) of the running daemon, from its "reloads" file. */
	unsigned reloads_ok, reloads_refused;
	bool last_reload_ok;
	long long last_reload_time; /* seconds since the epoch; 0: none */
};

/* The state text of a loaded set ("generation", "bank" and one "policy" line each); NULL when
 * out of memory. */
char *lg_state_format(const struct lg_policy_set *set, const struct lg_compiled *c,
		      unsigned generation);
/* dir/state replaced by text: a copy for tools that cannot read the pins (status reads the map). */
int lg_state_write(const char *dir, const char *text);
/* Policies, generation and bank of a state text added to state (its reloads untouched). */
int lg_state_parse(const char *text, struct lg_state *state);
int lg_state_read(const char *dir, struct lg_state *state);
/* The reload counts of the running daemon, for status. */
int lg_reloads_write(const char *dir, unsigned ok, unsigned refused, bool last_ok,
		     long long last_time);
void lg_state_free(struct lg_state *state);
/*
 * The lost-event counts the running daemon has reported, dir/lost: one line per (policy,
 * rule, built-in, hook) with the count and the time of the latest. A daemon that adopts the
 * pins reports what its predecessor had not (the losses while no daemon read the ring buffer).
 */
struct lg_lost_seen {
	struct lg_lost_key key;
	__u64 count;
	__u64 last_ns;
};
int lg_lost_seen_write(const char *dir, const struct lg_lost_seen *seen, unsigned count);
/* How many were read into seen (at most max); -errno when there is no file or it is not one. */
int lg_lost_seen_read(const char *dir, struct lg_lost_seen *seen, unsigned max);
/*
 * The daemon's record in bpffs, what `status` and the next daemon go by: the state text with the
 * reload counts (pin_dir/maps/lg_daemon_state) and the lost-event snapshot
 * (pin_dir/maps/lg_lost_seen). A map takes no space on /run's tmpfs, which a confined root whose
 * rules allow writing under /run can fill (attack run 7, 275 and 278), and its pin is protected
 * like the others (only lsmguard writes maps named "lg_"; confined tasks cannot touch bpffs).
 * lsmguard unload removes them with the other pins.
 */
#define LG_STATE_MAP "lg_daemon_state"
#define LG_LOST_SEEN_MAP "lg_lost_seen"
#define LG_STATE_CHUNK 4096
#define LG_STATE_CHUNKS 256 /* text up to 1 MiB; a longer one is not recorded (-E2BIG) */

/* Element 0 of lg_daemon_state; elements 1.. hold the text. */
struct lg_state_header {
	__u64 seq; /* odd while the daemon writes the text */
	__u32 generation;
	__u32 length; /* of the text; 0 with seq set: too long to record */
	__u32 reloads_ok, reloads_refused;
	__u32 last_reload_ok;
	__u32 pad;
	__s64 last_reload_time;
};

/* The map's descriptor (created and pinned when create and missing), or -errno. */
int lg_state_map_open(const char *pin_dir, bool create);
/* Write h (its seq advanced) with text, or h alone when text is NULL (the reload counts). */
int lg_state_map_write(int fd, struct lg_state_header *h, const char *text);
/* A consistent read into state: -ENOENT never written, -E2BIG its text was too long (the
 * counts and generation are read), -EAGAIN the writer never let go. */
int lg_state_map_read(int fd, struct lg_state *state);
/* The snapshot map, created and pinned when missing (*created: it was). */
int lg_lost_seen_map_open(const char *pin_dir, bool *created);
int lg_lost_seen_map_put(int fd, const struct lg_lost_seen *seen);
/* How many keys were read into seen (at most max). */
int lg_lost_seen_map_read(int fd, struct lg_lost_seen *seen, unsigned max);
/*
 * The daemon's pid file, dir/lsmguard.pid: the pid of `lsmguard run`, in a file that process
 * holds a write lock on (an open file description lock) for as long as it lives. A daemon runs
 * when the file is write-locked: a write lock needs a descriptor open for writing, which
 * lsmguard and administrators get, and confined tasks do not (lsmguard's state is a protected
 * object, LG_BUILTIN_PROTECTED). A file left by a daemon that died has no lock, whatever process
 * has its pid or name now, and whatever read lock anyone holds on it.
 */
/*
 * Claim dir/lsmguard.pid for this process: a new file with its pid, locked, then renamed into
 * place. Returns the descriptor to keep open (the lock lives as long as it does); -EEXIST with
 * *running set when a daemon holds the file; another -errno when it cannot be written.
 */
int lg_pidfile_claim(const char *dir, int *running);
/* At exit: remove dir/lsmguard.pid if it is still the file fd claimed, and close fd. */
void lg_pidfile_release(const char *dir, int fd);
/* The pid of a running daemon (the one holding the pid file's lock), or 0. */
int lg_pidfile_running(const char *dir);

#endif
