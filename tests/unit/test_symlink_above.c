// SPDX-License-Identifier: GPL-2.0-only
/*
 * lg_path_through_symlink (policy/parse.c): a rule whose directory leads through a symbolic link
 * never matches (the kernel names files by their real path). `lsmguard check` and the daemon
 * both say so from this one answer.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "policy.h"

FIXTURE(symlink_above)
{
	char dir[64];
	char path[256];
	char want[PATH_MAX + 16];
};

/* dir/real/, dir/via -> real */
FIXTURE_SETUP(symlink_above)
{
	char at[128];

	snprintf(self->dir, sizeof(self->dir), "/tmp/lg-symabove.XXXXXX");
	CHECK(mkdtemp(self->dir) != NULL);
	snprintf(at, sizeof(at), "%s/real", self->dir);
	CHECK(mkdir(at, 0755) == 0);
	snprintf(at, sizeof(at), "%s/via", self->dir);
	CHECK(symlink("real", at) == 0);
}

FIXTURE_TEARDOWN(symlink_above)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd) != 0)
		FAIL_AT("cannot remove %s", self->dir);
}

static const char *at(struct fixture_symlink_above *self, const char *rest)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->dir, rest);
	return self->path;
}

TEST_F(symlink_above, a_linked_directory_gives_the_real_path)
{
	char real[PATH_MAX], dir_real[PATH_MAX];

	/* mkdtemp's /tmp may itself be a link: the real path is the directory's */
	CHECK(realpath(self->dir, dir_real) != NULL);
	snprintf(self->want, sizeof(self->want), "%s/real/key", dir_real);
	CHECK(lg_path_through_symlink(at(self, "via/key"), real, sizeof(real), NULL) == 1);
	CHECK(strcmp(real, self->want) == 0);
	/* the file need not exist; its real directory's path is a real path */
	CHECK(lg_path_through_symlink(self->want, real, sizeof(real), NULL) == 0);
}

TEST_F(symlink_above, proc_a_missing_directory_and_a_short_buffer)
{
	char real[PATH_MAX], small[8];

	CHECK(lg_path_through_symlink("/proc/self/environ", real, sizeof(real), NULL) == 0);
	CHECK(lg_path_through_symlink(at(self, "gone/key"), real, sizeof(real), NULL) == -ENOENT);
	CHECK(lg_path_through_symlink(at(self, "via/key"), small, sizeof(small), NULL) ==
	      -ENAMETOOLONG);
	CHECK(lg_path_through_symlink("/key", real, sizeof(real), NULL) == 0);
}

TEST_F(symlink_above, the_memo_answers_for_the_same_directory_only)
{
	struct lg_dir_real *memo = calloc(1, sizeof(*memo));
	char real[PATH_MAX];
	char linked[256];

	CHECK(memo != NULL);
	if (!memo)
		return;
	CHECK(lg_path_through_symlink(at(self, "via/a"), real, sizeof(real), memo) == 1);
	CHECK(memo->known);
	/* the link is turned into a directory: the memo still answers for via/ (its answer is
	 * the last lookup's), a new directory is looked up again */
	snprintf(linked, sizeof(linked), "%s/via", self->dir);
	CHECK(unlink(linked) == 0);
	CHECK(mkdir(linked, 0755) == 0);
	CHECK(lg_path_through_symlink(at(self, "via/b"), real, sizeof(real), memo) == 1);
	CHECK(lg_path_through_symlink(at(self, "real/c"), real, sizeof(real), memo) == 0);
	CHECK(lg_path_through_symlink(at(self, "via/d"), real, sizeof(real), memo) == 0);
	free(memo);
}
