// SPDX-License-Identifier: GPL-2.0-only
/* The link records' capacity applied to adopted pins (linkcap.h). */
#include <bpf/bpf.h>
#include <errno.h>

#include "linkcap.h"
#include "lsmguard_abi.h"

int lg_link_capacity_apply(int links_fd, int epochs_fd, __u32 wanted, __u32 *capacity,
			   __u32 *room, __u64 *made)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info), index = LG_EPOCH_LINKS_CAPACITY;
	__u32 made_index = LG_EPOCH_LINKS_MADE;
	__u64 value;

	*made = 0;
	*capacity = 0;
	*room = 0;
	if (bpf_obj_get_info_by_fd(links_fd, &info, &len) != 0)
		return -errno;
	/* The map's size was fixed at load, the daemon's reserve on top of the kernel's share. */
	*room = info.max_entries > LG_LINK_RESERVE ? info.max_entries - LG_LINK_RESERVE : 0;
	*capacity = wanted < *room ? wanted : *room;
	if (!*capacity)
		return -ENOSPC; /* nothing to give the kernel */
	value = *capacity;
	/* pins of a version whose epochs have no capacity slot: E2BIG */
	if (bpf_map_update_elem(epochs_fd, &index, &value, BPF_EXIST))
		return -errno;
	bpf_map_lookup_elem(epochs_fd, &made_index, made);
	return *capacity == wanted ? 0 : 1;
}
