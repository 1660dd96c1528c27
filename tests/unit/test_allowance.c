// SPDX-License-Identifier: GPL-2.0-only
/*
 * A CPU's file allowance (lg_allowance_take and _refill in include/lsmguard_abi.h, the code
 * lg_file_budget runs): under preempt=full a BPF program can be stopped between its read of the
 * word and its write, and other programs on the same CPU run meanwhile. Those interleavings are
 * written out here one step at a time: a program that read the host's counters while the line
 * was far must not store its allowance after another has refilled (attack run 16 found the plain
 * store that did), and a take that read the word before others used it up must not take.
 */
#include <string.h>

#include "harness.h"
#include "lsmguard_abi.h"

#define REFILLED(n) ((__u64)(n) << 32)

TEST(allowance_refill_read_before_another_refill_is_not_stored)
{
	__u64 word = 0, a, b, s;

	a = word; /* A finds the word empty and goes to read the host's counters... */
	CHECK_INT(lg_allowance_take(&word, a), 0);
	b = word; /* ...and is preempted: B finds it empty too, reads them and refills */
	CHECK_INT(lg_allowance_take(&word, b), 0);
	CHECK_INT(lg_allowance_refill(&word, b, 64), 1);
	CHECK(word == (REFILLED(1) | 64));
	for (int i = 0; i < 64; i++) { /* others use the 64 up, reaching the line */
		s = word;
		CHECK_INT(lg_allowance_take(&word, s), 1);
	}
	s = word;
	CHECK_INT(lg_allowance_take(&word, s), 0);
	CHECK(word == REFILLED(1));
	/* A resumes with its old headroom: nothing stored (a plain store gave 64 more) */
	CHECK_INT(lg_allowance_refill(&word, a, 64), 0);
	CHECK(word == REFILLED(1));
	/* the next program that finds it empty may refill from its own reading */
	s = word;
	CHECK_INT(lg_allowance_refill(&word, s, 3), 1);
	CHECK(word == (REFILLED(2) | 3));
}

TEST(allowance_take_read_before_others_used_it_up_does_not_take)
{
	__u64 word = 0, t, s;

	CHECK_INT(lg_allowance_refill(&word, word, 5), 1);
	t = word; /* T reads 5 left and is preempted */
	for (int i = 0; i < 5; i++) {
		s = word;
		CHECK_INT(lg_allowance_take(&word, s), 1);
	}
	s = word; /* empty: a refill from a fresh reading */
	CHECK_INT(lg_allowance_refill(&word, s, 64), 1);
	/* T's take of the word it read fails: it reads the counters instead */
	CHECK_INT(lg_allowance_take(&word, t), 0);
	CHECK(word == (REFILLED(2) | 64));
}

TEST(allowance_refill_only_over_an_empty_word_and_with_files)
{
	__u64 word = REFILLED(7) | 2, s = word;

	CHECK_INT(lg_allowance_refill(&word, s, 64), 0); /* files left: not a refill's place */
	CHECK(word == (REFILLED(7) | 2));
	word = REFILLED(7);
	CHECK_INT(lg_allowance_refill(&word, word, 0), 0); /* no headroom: stays empty */
	CHECK(word == REFILLED(7));
	/* the refill number wraps into itself, never into the count */
	word = REFILLED(0xffffffffULL);
	CHECK_INT(lg_allowance_refill(&word, word, 64), 1);
	CHECK(word == 64);
}
