/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which directories do not exist, each found once: a reload looks for the other names of every
 * file an exact deny rule names, and of the directories of directory deny rules (links.c,
 * lg_links_record), and a policy's rules often name many
 * files under one directory that is not there (a service not installed yet). Once a file's stat
 * fails, its directories are looked up top-down until the first that is missing; a later file
 * beneath that one is not looked up at all.
 */
#ifndef LSMGUARD_DIRMEMO_H
#define LSMGUARD_DIRMEMO_H

#include <search.h>
#include <stdbool.h>
#include <stddef.h>

struct lg_dir_memo {
	struct hsearch_data table;
	char **keys; /* the table's keys (it does not free them) */
	size_t count, cap;
	bool usable; /* false: no table (out of memory); nothing is remembered */
};

/* Room for entries directories; a memo without memory remembers nothing (still usable). */
void lg_dir_memo_init(struct lg_dir_memo *m, size_t entries);
void lg_dir_memo_free(struct lg_dir_memo *m);
/*
 * Whether a directory above path (absolute) is remembered as missing. Asks nothing of the file
 * system: false means "look the file up".
 */
bool lg_dir_memo_missing_above(struct lg_dir_memo *m, const char *path);
/*
 * path's file was not found (ENOENT or ENOTDIR): remember the first of its directories that is
 * missing (not there, or not a directory), and the ones above it that exist. A directory whose
 * lookup fails for another reason (EACCES, EIO) is not remembered either way, nor is any once
 * the memo is full.
 */
void lg_dir_memo_learn(struct lg_dir_memo *m, const char *path);

#endif /* LSMGUARD_DIRMEMO_H */
