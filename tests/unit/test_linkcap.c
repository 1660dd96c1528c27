// SPDX-License-Identifier: GPL-2.0-only
/*
 * --link-records on a start that adopts pinned maps (enforcer/linkcap.c): what it gives the
 * kernel within the map's loaded size, and the two pins it cannot apply to (a map no larger
 * than the daemon's reserve, epochs without a capacity slot). Real maps, as the daemon's.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "linkcap.h"
#include "lsmguard_abi.h"

/* A link records' map of size entries, and epochs of count slots with made in LINKS_MADE. */
static void make_maps(__u32 entries, __u32 count, __u64 made, int *links, int *epochs)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	__u32 index = LG_EPOCH_LINKS_MADE;

	*links = bpf_map_create(BPF_MAP_TYPE_HASH, "lg_links_test", sizeof(struct lg_inode_key),
				sizeof(struct lg_link_value), entries, &opts);
	*epochs = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lg_epochs_test", 4, 8, count, NULL);
	if (*links < 0 || *epochs < 0)
		FAIL_AT("cannot create the maps: %s (run as root)", strerror(errno));
	if (count > index)
		CHECK_INT(bpf_map_update_elem(*epochs, &index, &made, BPF_EXIST), 0);
}

static __u64 capacity_slot(int epochs)
{
	__u32 index = LG_EPOCH_LINKS_CAPACITY;
	__u64 value = 0;

	CHECK_INT(bpf_map_lookup_elem(epochs, &index, &value), 0);
	return value;
}

TEST(linkcap_applies_within_the_loaded_room)
{
	__u32 capacity = 99, room = 99; /* each output written by every call */
	__u64 made = 99;
	int links, epochs;

	make_maps(16384 + LG_LINK_RESERVE, LG_EPOCH_COUNT, 300, &links, &epochs);
	CHECK_INT(lg_link_capacity_apply(links, epochs, 1000, &capacity, &room, &made), 0);
	CHECK_INT(capacity, 1000);
	CHECK_INT(room, 16384);
	CHECK_INT(made, 300);
	CHECK_INT(capacity_slot(epochs), 1000);
	/* more than the map was loaded with: cut to its room, and said (1) */
	CHECK_INT(lg_link_capacity_apply(links, epochs, 20000, &capacity, &room, &made), 1);
	CHECK_INT(capacity, 16384);
	CHECK_INT(capacity_slot(epochs), 16384);
	close(links);
	close(epochs);
}

TEST(linkcap_refuses_a_map_no_larger_than_the_reserve)
{
	__u32 capacity = 99, room = 99; /* each output written by every call */
	__u64 made = 99;
	int links, epochs;

	make_maps(LG_LINK_RESERVE, LG_EPOCH_COUNT, 0, &links, &epochs);
	CHECK_INT(lg_link_capacity_apply(links, epochs, 100, &capacity, &room, &made), -ENOSPC);
	CHECK_INT(room, 0);
	CHECK_INT(capacity_slot(epochs), 0); /* nothing applied */
	close(links);
	close(epochs);
}

TEST(linkcap_refuses_epochs_without_a_capacity_slot)
{
	__u32 capacity = 99, room = 99; /* each output written by every call */
	__u64 made = 99;
	int links, epochs;

	/* an older version's epochs: the slots before LG_EPOCH_LINKS_CAPACITY only */
	make_maps(16384 + LG_LINK_RESERVE, LG_EPOCH_LINKS_CAPACITY, 5, &links, &epochs);
	CHECK_INT(lg_link_capacity_apply(links, epochs, 100, &capacity, &room, &made), -E2BIG);
	CHECK_INT(made, 0);
	CHECK_INT(room, 16384);
	CHECK_INT(capacity, 100);
	close(links);
	close(epochs);
}

TEST(linkcap_says_why_a_descriptor_is_no_map)
{
	__u32 capacity = 99, room = 99; /* each output written by every call */
	__u64 made = 99;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_INT(lg_link_capacity_apply(fd, fd, 100, &capacity, &room, &made), -EINVAL);
	CHECK_INT(made, 0);
	CHECK_INT(room, 0);
	CHECK_INT(capacity, 0);
	close(fd);
}
