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

/* The two pinned maps, and the outputs of the last call (each set to 99 first: every call
 * writes all three). */
struct pins {
	int links, epochs;
	__u32 capacity, room;
	__u64 made;
};

/* A link records' map of size entries, and epochs of count slots with made in LINKS_MADE. */
static void make_pins(struct pins *p, __u32 entries, __u32 count, __u64 made)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	__u32 index = LG_EPOCH_LINKS_MADE;

	p->links = bpf_map_create(BPF_MAP_TYPE_HASH, "lg_links_test", sizeof(struct lg_inode_key),
				  sizeof(struct lg_link_value), entries, &opts);
	p->epochs = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lg_epochs_test", 4, 8, count, NULL);
	if (p->links < 0 || p->epochs < 0)
		FAIL_AT("cannot create the maps: %s (run as root)", strerror(errno));
	if (count > index)
		CHECK_INT(bpf_map_update_elem(p->epochs, &index, &made, BPF_EXIST), 0);
}

static int apply(struct pins *p, __u32 wanted)
{
	p->capacity = p->room = 99;
	p->made = 99;
	return lg_link_capacity_apply(p->links, p->epochs, wanted, &p->capacity, &p->room,
				      &p->made);
}

static __u64 capacity_slot(const struct pins *p)
{
	__u32 index = LG_EPOCH_LINKS_CAPACITY;
	__u64 value = 0;

	CHECK_INT(bpf_map_lookup_elem(p->epochs, &index, &value), 0);
	return value;
}

static void close_pins(struct pins *p)
{
	close(p->links);
	close(p->epochs);
}

TEST(linkcap_applies_within_the_loaded_room)
{
	struct pins p;

	make_pins(&p, 16384 + LG_LINK_RESERVE, LG_EPOCH_COUNT, 300);
	CHECK_INT(apply(&p, 1000), 0);
	CHECK_INT(p.capacity, 1000);
	CHECK_INT(p.room, 16384);
	CHECK_INT(p.made, 300);
	CHECK_INT(capacity_slot(&p), 1000);
	/* more than the map was loaded with: cut to its room, and said (1) */
	CHECK_INT(apply(&p, 20000), 1);
	CHECK_INT(p.capacity, 16384);
	CHECK_INT(capacity_slot(&p), 16384);
	close_pins(&p);
}

TEST(linkcap_refuses_a_map_no_larger_than_the_reserve)
{
	struct pins p;

	make_pins(&p, LG_LINK_RESERVE, LG_EPOCH_COUNT, 0);
	CHECK_INT(apply(&p, 100), -ENOSPC);
	CHECK_INT(p.room, 0);
	CHECK_INT(capacity_slot(&p), 0); /* nothing applied */
	close_pins(&p);
}

TEST(linkcap_refuses_epochs_without_a_capacity_slot)
{
	struct pins p;

	/* an older version's epochs: the slots before LG_EPOCH_LINKS_CAPACITY only */
	make_pins(&p, 16384 + LG_LINK_RESERVE, LG_EPOCH_LINKS_CAPACITY, 5);
	CHECK_INT(apply(&p, 100), -E2BIG);
	CHECK_INT(p.made, 0);
	CHECK_INT(p.room, 16384);
	CHECK_INT(p.capacity, 100);
	close_pins(&p);
}

TEST(linkcap_says_why_a_descriptor_is_no_map)
{
	struct pins p;

	p.links = p.epochs = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(p.links >= 0);
	CHECK_INT(apply(&p, 100), -EINVAL);
	CHECK_INT(p.made, 0);
	CHECK_INT(p.room, 0);
	CHECK_INT(p.capacity, 0);
	close(p.links);
}
