/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel side as the enforcer holds it: the maps by file descriptor, whether they come from
 * a fresh load (skeleton) or from the pins of an earlier run (adoption). Programs and links live
 * in bpffs pins, so that enforcement outlives the daemon.
 */
#ifndef LSMGUARD_BPF_STATE_H
#define LSMGUARD_BPF_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lsmguard_abi.h"

#define LG_PIN_DIR "/sys/fs/bpf/lsmguard"

enum lg_map_id {
	LG_MAP_POLICIES,
	LG_MAP_CGROUP_POLICY,
	LG_MAP_CGROUP_PATHS,
	LG_MAP_PATHS,
	LG_MAP_NETS,
	LG_MAP_MOUNTS,
	LG_MAP_CONFIG,
	LG_MAP_COUNTERS,
	LG_MAP_EVENTS,
	LG_MAP_LINKS,
	LG_MAP_RATE,
	LG_MAP_EPOCHS,
	LG_MAP_LOST,
	LG_MAP_DENY_FILTER,
	LG_MAP_HELD,
	LG_MAP_MOUNT_DETACHED, /* optional when adopting: pins of an older version lack it */
	LG_MAP_COUNT,
};

struct lg_bpf {
	int map_fd[LG_MAP_COUNT];
	bool adopted;       /* maps came from the pins of an earlier run */
	char pin_dir[256];
};

extern const char *const lg_map_names[LG_MAP_COUNT];
/* The programs, each pinned as a link of the same name. */
extern const char *const lg_program_names[];
extern const int lg_program_count;

/* Load and attach the programs and pin maps and links under pin_dir. */
int lg_bpf_load(struct lg_bpf *bpf, const char *pin_dir, char *err, size_t errsize);
/* Capacity of the hard-link records for the next lg_bpf_load (default LG_MAX_LINKS). */
void lg_bpf_set_link_records(__u32 count);
/*
 * After lg_bpf_adopt, the capacity lg_bpf_set_link_records gave (if it was called) applied to
 * the adopted records, within the room their map was loaded with (*room), and the records the
 * kernel has made (*made). Returns 0 (applied, or nothing given), 1 when it was cut to the room
 * (*capacity: what applies), or -errno (nothing applied: -E2BIG, pins without a capacity
 * slot; -ENOSPC, a map no larger than the daemon's reserve).
 */
int lg_bpf_adopt_link_records(const struct lg_bpf *bpf, __u32 *capacity, __u32 *room,
			      __u64 *made);
/* Open the maps an earlier run pinned; -ENOENT when there are none. */
int lg_bpf_adopt(struct lg_bpf *bpf, const char *pin_dir, char *err, size_t errsize);
/* Whether every program's link is pinned (enforcement in force). */
bool lg_bpf_links_pinned(const char *pin_dir, int *count);
/* Remove every pin: the programs detach once no process holds them. */
int lg_bpf_unpin(const char *pin_dir);
void lg_bpf_close(struct lg_bpf *bpf);
/*
 * Fill config's btrfs offsets (lsmguard_abi.h, struct lg_config) from the btrfs module's BTF,
 * read once. -ENOENT while the module is not loaded or its BTF lacks a field (config is left
 * alone: the kernel then uses the superblock's device).
 */
int lg_btrfs_offsets(struct lg_config *config);
/*
 * Wait until no BPF program can still be running with values read before this call (an RCU
 * grace period): after it, records that no longer have a reference can be deleted.
 */
int lg_bpf_wait_for_readers(void);
/* The counters of one policy id and hook, summed over CPUs (zero when unreadable). */
void lg_counter_read(const struct lg_bpf *bpf, __u32 policy, unsigned hook, struct lg_counter *sum);

#endif
