/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_APPLY_H
#define LSMGUARD_APPLY_H

#include "bpf_state.h"
#include "policy.h"

/*
 * Put c in force (see apply.c). c must be compiled for the bank that is not active. On success
 * the previous bank is still in the maps: lg_apply_retire(bpf, c) removes it once no program
 * can still be reading it (it waits for an RCU grace period, tens of milliseconds), after
 * making sure every cgroup is bound to c.
 */
int lg_apply(const struct lg_bpf *bpf, const struct lg_compiled *c, char *err, size_t errsize);
void lg_apply_retire(const struct lg_bpf *bpf, const struct lg_compiled *c);
/* After lg_apply(bpf, c), whether it succeeded or not: once it began to switch the cgroups to
 * c, record the other names of the files c's deny rules name (links.c, lg_links_record);
 * otherwise nothing. Before lg_apply_retire. */
void lg_apply_links(const struct lg_bpf *bpf, const struct lg_compiled *c);
/* Rewrite the mount table from /proc/self/mountinfo; returns the count or -errno. */
int lg_apply_mounts(const struct lg_bpf *bpf, const struct lg_config *config);
/* Host mounts the last lg_apply_mounts found no room for in the table (the kernel then fails
 * closed for filesystem roots without a record); 0 when every one has its record. *untold (if
 * untold is not NULL): the kernel's programs could not be told (pins of an older version). */
size_t lg_apply_mounts_unrecorded(bool *untold);
/*
 * The host's paths against the kernel's names as the last lg_apply_mounts read them (the same
 * reading, so the same covered and held records): what the daemon compiles rules against, with
 * no second look at every mount point (a mount that does not answer costs each look its time
 * limit). NULL before the first.
 */
struct lg_mount_names;
const struct lg_mount_names *lg_applied_mount_names(void);
/* Retire every cached path verdict (the mounts epoch, whose only writer is the daemon). */
void lg_retire_verdicts(const struct lg_bpf *bpf);
/*
 * Called by lg_apply_mounts once for each later mount of a root the table already holds, or of a
 * btrfs subvolume an earlier mount holds (subvolume_held; left out: see lg_read_mounts), the
 * first time it is seen: its mount id and mount point, and the path the kernel names its root
 * by ("" for "/").
 */
typedef void lg_mount_ignored_fn(void *ctx, int mount_id, const char *path, const char *kept,
				 const char *reason);
void lg_apply_mounts_report(lg_mount_ignored_fn *fn, void *ctx);
int lg_config_read(const struct lg_bpf *bpf, struct lg_config *config);
__u64 lg_random_seed(void);

#endif
