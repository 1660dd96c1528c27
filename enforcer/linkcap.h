/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_LINKCAP_H
#define LSMGUARD_LINKCAP_H

#include <linux/types.h>

/*
 * Give the kernel a capacity of wanted link records in pinned maps that a start adopts: the
 * link records' map (links_fd, its size fixed at load: LG_LINK_RESERVE of it the daemon's) and
 * the epochs (epochs_fd, LG_EPOCH_LINKS_CAPACITY). *room: what the map holds for the kernel;
 * *capacity: what applies; *made: the records the kernel has made (LG_EPOCH_LINKS_MADE).
 * Returns 0 (wanted applies), 1 (cut to *room), or -errno with nothing applied: -E2BIG, epochs
 * without a capacity slot (pins of an older version); -ENOSPC, a map no larger than the
 * reserve.
 */
int lg_link_capacity_apply(int links_fd, int epochs_fd, __u32 wanted, __u32 *capacity,
			   __u32 *room, __u64 *made);

#endif
