// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side's remembered policy of each cgroup (lg_cgroup_answer_get and _put in
 * include/lsmguard_abi.h, the code the BPF programs run): an entry is a sequence lock, so that a
 * reader never pairs one cgroup's id with another cgroup's policy or tag. Here the same code runs
 * on threads, with every writer stopped (sched_yield) between its id and the rest, and every
 * reader between its loads: the windows a preempted BPF program leaves under preempt=full, made
 * wide.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LG_ANSWER_WRITE_PAUSE() sched_yield()
static __thread unsigned read_pauses;
/* a reader stopped at one load in four: stopped always, it would rarely find the entry whole */
#define LG_ANSWER_READ_PAUSE()                                                                     \
	do {                                                                                       \
		if ((++read_pauses & 3) == 0)                                                      \
			sched_yield();                                                             \
	} while (0)
#include "harness.h"
#include "lsmguard_abi.h"

/* Each cgroup id has one true answer: the policy and tag derived from it. */
static __u32 policy_of(__u64 id)
{
	return (__u32)(id * 2654435761u) | 1;
}

static __u32 tag_of(__u64 id)
{
	return (__u32)(id >> 3) + 7;
}

TEST(answer_is_found_only_for_its_cgroup_and_tag)
{
	struct lg_cgroup_answer entry;
	__u32 policy = 0;

	memset(&entry, 0, sizeof(entry));
	/* empty: a zero tag, which no caller asks for (generations start at 1) */
	CHECK_INT(lg_cgroup_answer_get(&entry, 42, 5, &policy), 0);
	lg_cgroup_answer_put(&entry, 42, 5, 9);
	CHECK_INT((int)entry.seq, 2);
	CHECK_INT(lg_cgroup_answer_get(&entry, 42, 5, &policy), 1);
	CHECK_INT((int)policy, 9);
	CHECK_INT(lg_cgroup_answer_get(&entry, 43, 5, &policy), 0); /* another cgroup */
	CHECK_INT(lg_cgroup_answer_get(&entry, 42, 6, &policy), 0); /* a later generation */
	/* a writer halfway (odd seq): neither read nor written over */
	entry.seq = 3;
	CHECK_INT(lg_cgroup_answer_get(&entry, 42, 5, &policy), 0);
	lg_cgroup_answer_put(&entry, 44, 5, 1);
	CHECK_INT((int)entry.seq, 3);
	CHECK(entry.cgroup_id == 42);
	/* its write done: the next writer takes the entry */
	entry.seq = 4;
	lg_cgroup_answer_put(&entry, 44, 5, 1);
	CHECK_INT((int)entry.seq, 6);
	CHECK_INT(lg_cgroup_answer_get(&entry, 44, 5, &policy), 1);
	CHECK_INT((int)policy, 1);
	CHECK_INT(lg_cgroup_answer_get(&entry, 42, 5, &policy), 0);
}

struct race {
	struct lg_cgroup_answer entry;
	atomic_int stop;
	atomic_long found, wrong;
	unsigned seed;
};

static void *race_writer(void *arg)
{
	struct race *r = arg;
	unsigned seed = __atomic_add_fetch(&r->seed, 7919, __ATOMIC_RELAXED);

	while (!atomic_load(&r->stop)) {
		__u64 id = (rand_r(&seed) % 4) + 1;

		lg_cgroup_answer_put(&r->entry, id, tag_of(id), policy_of(id));
		/* the entry left whole a while, for the readers to find */
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000}, NULL);
	}
	return NULL;
}

static void *race_reader(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		for (__u64 id = 1; id <= 4; id++) {
			__u32 policy = 0;

			if (!lg_cgroup_answer_get(&r->entry, id, tag_of(id), &policy))
				continue;
			atomic_fetch_add(&r->found, 1);
			if (policy != policy_of(id))
				atomic_fetch_add(&r->wrong, 1);
		}
	}
	return NULL;
}

TEST(answer_is_never_torn_between_writers_stopped_halfway)
{
	static struct race r;
	pthread_t threads[4];
	struct timespec pause = {.tv_nsec = 10 * 1000 * 1000};

	memset(&r, 0, sizeof(r));
	r.seed = 1;
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&threads[i], NULL, i < 2 ? race_writer : race_reader, &r), 0);
	/* until the readers have found 5,000 answers (3 s at most: a host busy elsewhere) */
	for (int i = 0; i < 300 && atomic_load(&r.found) < 5000; i++)
		nanosleep(&pause, NULL);
	atomic_store(&r.stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	/* the readers did find answers (the race ran), and never another cgroup's */
	if (atomic_load(&r.found) < 1000)
		FAIL_AT("only %ld answers found in 3 s", atomic_load(&r.found));
	if (atomic_load(&r.wrong))
		FAIL_AT("%ld of %ld answers found were another cgroup's", atomic_load(&r.wrong),
			atomic_load(&r.found));
}
