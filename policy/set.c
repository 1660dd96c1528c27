// SPDX-License-Identifier: GPL-2.0-only
/* Policy sets: the files of a policy directory, used whole or not at all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

int lg_policy_set_add(struct lg_policy_set *set, struct lg_policy *policy)
{
	struct lg_policy **bigger = realloc(set->policies, (set->count + 1) * sizeof(*bigger));

	if (!bigger)
		return -ENOMEM;
	set->policies = bigger;
	set->policies[set->count++] = policy;
	set->validated = false;
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_policy_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".ini") == 0;
}

/* Load one file into the set; parse errors go to diag and leave the set unchanged. */
static int load_one(int dirfd, const char *name, const char *path, unsigned flags,
		    struct lg_policy_set *set, struct lg_diag *diag)
{
	struct lg_policy *policy;
	int ret;

	set->files_read++;
	ret = lg_policy_load_file_at(dirfd, name, path, flags | LG_PARSE_KEEP_REFUSED, &policy,
				     diag);
	if (ret && policy) {
		/* refused: kept for the checks across files (a name used twice), never loaded */
		struct lg_policy **bigger =
		    realloc(set->refused, (set->refused_count + 1) * sizeof(*bigger));

		if (!bigger) {
			lg_policy_free(policy);
			lg_diag_out_of_memory(diag, path);
			return -ENOMEM;
		}
		set->refused = bigger;
		set->refused[set->refused_count++] = policy;
	}
	if (ret)
		return ret;
	ret = lg_policy_set_add(set, policy);
	if (ret) {
		lg_policy_free(policy);
		lg_diag_out_of_memory(diag, path);
	}
	return ret;
}

/* The directory's host-code.list, when there is one (policy/hostcode.c). */
static int load_host_code(int dirfd, const char *dir, unsigned flags, struct lg_policy_set *set,
			  struct lg_diag *diag)
{
	size_t len = strlen(dir);
	char *path;
	FILE *stream;
	int ret;

	if (asprintf(&path, "%s%s" LG_HOST_CODE_LIST, dir, len && dir[len - 1] == '/' ? "" : "/") <
	    0) {
		lg_diag_out_of_memory(diag, dir);
		return -ENOMEM;
	}
	stream = lg_policy_open_at(dirfd, dirfd == AT_FDCWD ? path : LG_HOST_CODE_LIST, path,
				   flags | LG_LOAD_NO_FOLLOW | LG_LOAD_MAY_BE_MISSING, &ret, diag);
	if (stream) {
		int refused = ret; /* its owner or mode: read for its errors, the set refused */

		set->files_read++;
		ret = lg_host_code_parse(path, stream, set, diag);
		fclose(stream);
		if (refused && ret != -ENOMEM)
			ret = refused;
	} else if (ret == -ENOENT) {
		ret = 0;
	}
	free(path);
	return ret;
}

/* The *.ini files of a directory (and its host-code.list): dir by name (dirfd AT_FDCWD), or the
 * one open at dirfd. */
static int load_directory(int dirfd, const char *dir, unsigned flags, struct lg_policy_set *set,
			  struct lg_diag *diag)
{
	char **names = NULL, **bigger, *path;
	size_t count = 0;
	struct dirent *entry;
	DIR *d;
	int ret = 0, fd;

	fd = openat(dirfd, dirfd == AT_FDCWD ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		if (ret == -ENOMEM)
			lg_diag_out_of_memory(diag, dir);
		else
			lg_diag_add(diag, LG_SEV_ERROR, dir, 0, "cannot read directory: %s",
				    strerror(-ret));
		return ret;
	}
	while ((entry = readdir(d))) {
		if (!is_policy_name(entry->d_name))
			continue;
		bigger = realloc(names, (count + 1) * sizeof(*names));
		if (!bigger)
			goto out_nomem;
		names = bigger;
		names[count] = strdup(entry->d_name);
		if (!names[count])
			goto out_nomem;
		count++;
	}
	if (count)
		qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(dir);
		int err;

		if (asprintf(&path, "%s%s%s", dir, len && dir[len - 1] == '/' ? "" : "/",
			     names[i]) < 0)
			goto out_nomem;
		err = load_one(dirfd, dirfd == AT_FDCWD ? path : names[i], path,
			       flags | LG_LOAD_NO_FOLLOW, set, diag);
		free(path);
		if (err == -ENOMEM) {
			ret = err;
			goto out_free_names;
		}
		if (err && !ret)
			ret = err; /* keep going: report every file's errors in one run */
	}
	{
		int err = load_host_code(dirfd, dir, flags, set, diag);

		if (err == -ENOMEM) {
			ret = err;
			goto out_free_names;
		}
		if (err && !ret)
			ret = err;
	}
	goto out_free_names;

out_nomem:
	ret = -ENOMEM;
	lg_diag_out_of_memory(diag, dir);
out_free_names:
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

/* The i-th of the set's policies and then of its refused files (what was read of them). */
static const struct lg_policy *policy_or_refused(const struct lg_policy_set *set, size_t i)
{
	return i < set->count ? set->policies[i] : set->refused[i - set->count];
}

/* Names and cgroups used twice, among the policies and the files refused (whose name or
 * cgroup may be missing): each pair once, at the later of the two (the refused files come
 * after the policies). */
static void check_unique(const struct lg_policy_set *set, struct lg_diag *diag)
{
	size_t all = set->count + set->refused_count;

	for (size_t i = 0; i < all; i++) {
		const struct lg_policy *p = policy_or_refused(set, i);

		for (size_t j = 0; j < i; j++) {
			const struct lg_policy *q = policy_or_refused(set, j);

			if (p->name && q->name && strcmp(p->name, q->name) == 0)
				lg_diag_add(diag, LG_SEV_ERROR, p->file, p->name_line,
					    "policy name '%s' is already used by %s:%u; names must be "
					    "unique",
					    p->name, q->file, q->name_line);
			if (p->cgroup && q->cgroup && strcmp(p->cgroup, q->cgroup) == 0)
				lg_diag_add(diag, LG_SEV_ERROR, p->file, p->cgroup_line,
					    "cgroup %s is already claimed by policy '%s' (%s:%u); a "
					    "cgroup has at most one policy",
					    p->cgroup, q->name ? q->name : "(no name)", q->file,
					    q->cgroup_line);
		}
	}
}

int lg_policy_set_validate(struct lg_policy_set *set, struct lg_diag *diag)
{
	unsigned errors_before = diag->errors, lost_before = diag->lost;

	set->validated = false;
	if (set->count > LG_MAX_POLICIES)
		lg_diag_add(diag, LG_SEV_ERROR, NULL, 0,
			    "%zu policies given; lsmguard loads at most %d at once", set->count,
			    LG_MAX_POLICIES);
	check_unique(set, diag);
	if (diag->lost != lost_before) {
		lg_diag_out_of_memory(diag, NULL);
		return -ENOMEM;
	}
	if (diag->errors != errors_before)
		return -EINVAL;
	set->validated = true;
	return 0;
}

static int finish_load(struct lg_policy_set *set, int ret, unsigned lost_before,
		       struct lg_diag *diag);

int lg_policy_set_load(const char *const *paths, size_t count, unsigned flags,
		       struct lg_policy_set *set, struct lg_diag *diag)
{
	unsigned lost_before = diag->lost;
	int ret = 0;

	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < count; i++) {
		struct stat sb;
		int err;

		if (stat(paths[i], &sb) != 0) {
			err = -errno;
			lg_diag_add(diag, LG_SEV_ERROR, paths[i], 0, "%s", strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			err = load_directory(AT_FDCWD, paths[i], flags, set, diag);
		} else {
			err = load_one(AT_FDCWD, paths[i], paths[i], flags, set, diag);
		}
		if (err == -ENOMEM)
			return finish_load(set, err, lost_before, diag);
		if (err && !ret)
			ret = err;
	}
	return finish_load(set, ret, lost_before, diag);
}

int lg_policy_set_load_at(int dirfd, const char *dir, unsigned flags, struct lg_policy_set *set,
			  struct lg_diag *diag)
{
	unsigned lost_before = diag->lost;

	memset(set, 0, sizeof(*set));
	return finish_load(set, load_directory(dirfd, dir, flags, set, diag), lost_before, diag);
}

/* The end of a load: the set checked whole, or freed with the reason in diag. */
static int finish_load(struct lg_policy_set *set, int ret, unsigned lost_before,
		       struct lg_diag *diag)
{
	if (ret) {
		if (ret != -ENOMEM)
			check_unique(set, diag); /* with every other error, in one run */
		goto out_fail;
	}
	if (set->count == 0) {
		lg_diag_add(diag, LG_SEV_ERROR, NULL, 0, "no policy files (*.ini) found");
		ret = -ENOENT;
		goto out_fail;
	}
	ret = lg_policy_set_validate(set, diag);
	if (ret)
		goto out_fail;
	return 0;

out_fail: {
	size_t files = set->files_read;

	if (ret != -ENOMEM && diag->lost != lost_before) {
		/* A message was lost: memory ran out, whatever else went wrong. */
		ret = -ENOMEM;
		lg_diag_out_of_memory(diag, NULL);
	}

	lg_policy_set_free(set);
	set->files_read = files;
	return ret;
}
}

void lg_policy_set_free(struct lg_policy_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		lg_policy_free(set->policies[i]);
	free(set->policies);
	for (size_t i = 0; i < set->host_code_count; i++)
		free(set->host_code[i]);
	free(set->host_code);
	for (size_t i = 0; i < set->refused_count; i++)
		lg_policy_free(set->refused[i]);
	free(set->refused);
	memset(set, 0, sizeof(*set));
}
