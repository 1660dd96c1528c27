// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memo of missing directories (enforcer/dirmemo.c): a reload skips the files beneath a
 * directory found missing, and only those. Every case here is one where skipping a file that
 * exists would lose a deny rule's hold on the file's other names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirmemo.h"
#include "failing_alloc.h"
#include "harness.h"

FIXTURE(dirmemo)
{
	char dir[64];
	char path[256];
};

/* dir/present/, dir/file, dir/link -> present, dir/dangling -> nowhere */
FIXTURE_SETUP(dirmemo)
{
	char at[128];
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/lg-dirmemo.XXXXXX");
	CHECK(mkdtemp(self->dir) != NULL);
	snprintf(at, sizeof(at), "%s/present", self->dir);
	CHECK(mkdir(at, 0755) == 0);
	snprintf(at, sizeof(at), "%s/file", self->dir);
	fd = open(at, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	snprintf(at, sizeof(at), "%s/link", self->dir);
	CHECK(symlink("present", at) == 0);
	snprintf(at, sizeof(at), "%s/dangling", self->dir);
	CHECK(symlink("nowhere", at) == 0);
}

FIXTURE_TEARDOWN(dirmemo)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd) != 0)
		FAIL_AT("cannot remove %s", self->dir);
}

/* The path dir/rest of the fixture, in self->path. */
static const char *at(struct fixture_dirmemo *self, const char *rest)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->dir, rest);
	return self->path;
}

TEST_F(dirmemo, a_missing_directory_hides_only_what_is_beneath_it)
{
	struct lg_dir_memo m;

	lg_dir_memo_init(&m, 64);
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "gone/a/f")));
	lg_dir_memo_learn(&m, at(self, "gone/a/f"));
	CHECK(lg_dir_memo_missing_above(&m, at(self, "gone/a/f")));
	CHECK(lg_dir_memo_missing_above(&m, at(self, "gone/b/c/g")));
	/* beside it, above it, and a name that begins the same */
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "present/f")));
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "gone")));
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "gonex/f")));
	/* made since: the memo answers for one reload only */
	lg_dir_memo_free(&m);
	lg_dir_memo_init(&m, 64);
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "gone/a/f")));
	lg_dir_memo_free(&m);
}

TEST_F(dirmemo, directories_through_links_and_files_in_the_way)
{
	struct lg_dir_memo m;

	lg_dir_memo_init(&m, 64);
	/* a file missing in a directory that exists (through a symbolic link): nothing learned */
	lg_dir_memo_learn(&m, at(self, "link/absent"));
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "link/other")));
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "present/other")));
	/* a link to nowhere is no directory, nor is a file */
	lg_dir_memo_learn(&m, at(self, "dangling/f"));
	CHECK(lg_dir_memo_missing_above(&m, at(self, "dangling/g")));
	lg_dir_memo_learn(&m, at(self, "file/f"));
	CHECK(lg_dir_memo_missing_above(&m, at(self, "file/g")));
	lg_dir_memo_free(&m);
}

TEST_F(dirmemo, a_full_memo_still_answers_what_it_holds)
{
	struct lg_dir_memo m;
	int depth = 0;

	for (const char *p = self->dir; *p; p++)
		depth += *p == '/';
	/* room for the fixture's directories and one missing directory beneath them */
	lg_dir_memo_init(&m, (size_t)depth + 1);
	lg_dir_memo_learn(&m, at(self, "one/f"));
	CHECK(lg_dir_memo_missing_above(&m, at(self, "one/g")));
	lg_dir_memo_learn(&m, at(self, "two/f"));
	CHECK(!lg_dir_memo_missing_above(&m, at(self, "two/g")));
	CHECK(lg_dir_memo_missing_above(&m, at(self, "one/g")));
	lg_dir_memo_free(&m);
}

/*
 * Allocations: the key array, the table, then one key copy per directory remembered (the
 * fixture's own, then the missing one). Each failure loses what it was for, and no more.
 */
TEST_F(dirmemo, out_of_memory_loses_only_what_it_was_for)
{
	struct lg_dir_memo m;
	unsigned long depth = 0, n;

	for (const char *p = self->dir; *p; p++)
		depth += *p == '/';
	for (n = 1; n <= depth + 3; n++) {
		bool missing;

		alloc_fail_nth(n);
		lg_dir_memo_init(&m, 64);
		lg_dir_memo_learn(&m, at(self, "gone/f"));
		alloc_fail_nth(0);
		CHECK(alloc_failure_fired());
		missing = lg_dir_memo_missing_above(&m, at(self, "gone/g"));
		/* no table (1, 2) or no copy of "gone" (depth + 3): it is looked up again */
		if (n <= 2 || n == depth + 3)
			CHECK(!missing);
		else
			CHECK(missing);
		lg_dir_memo_free(&m);
	}
	alloc_fail_nth(n);
	lg_dir_memo_init(&m, 64);
	lg_dir_memo_learn(&m, at(self, "gone/f"));
	alloc_fail_nth(0);
	CHECK(!alloc_failure_fired());
	lg_dir_memo_free(&m);
}
