/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs of lsmguard's tracing programs that the kernel skipped. An fentry, fexit or tp_btf
 * program is not run when it is already running on the same CPU (the kernel's recursion check,
 * counted in the program's recursion_misses); under preempt=full that is a task preempted
 * inside it while another task on that CPU reaches the same function (BPF LSM programs have no
 * such check). Each program's consequence is fixed in the kernel (fail closed) or repaired by
 * the daemon (lg_skip_repair); the daemon reports every skip it sees.
 */
#ifndef LSMGUARD_SKIPPED_H
#define LSMGUARD_SKIPPED_H

#include <linux/types.h>

/* What the daemon does when a program's runs were skipped. */
enum lg_skip_repair {
	LG_SKIP_REPORT,          /* nothing to repair: the kernel fails closed, or see the effect */
	LG_SKIP_RETIRE_VERDICTS, /* the verdict caches may hold an old name's verdict */
	LG_SKIP_REREAD_MOUNTS,   /* ... and the mount table may hold a mount that has gone */
};

struct lg_skip_program {
	const char *name;
	int fd; /* the program (from its pinned link) */
	__u64 misses;
};

struct lg_skipped {
	struct lg_skip_program *programs; /* the tracing programs among the pinned links */
	int count;
};

/* Open the tracing programs of the links pinned under pin_dir; their misses so far are the
 * baseline. */
int lg_skipped_open(struct lg_skipped *s, const char *pin_dir);
/*
 * For each program whose misses grew since the last call: fn(ctx, name, grown, total). Returns
 * the strongest repair the skipped programs call for.
 */
enum lg_skip_repair lg_skipped_poll(struct lg_skipped *s,
				    void (*fn)(void *ctx, const char *name, __u64 grown,
					       __u64 total),
				    void *ctx);
/* What a skipped run of the program means (one sentence, for the event), and its repair. */
const char *lg_skip_effect(const char *name, enum lg_skip_repair *repair);
void lg_skipped_close(struct lg_skipped *s);

#endif
