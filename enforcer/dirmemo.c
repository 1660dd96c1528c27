// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dirmemo.h"

enum dir_state { DIR_UNKNOWN, DIR_MISSING, DIR_PRESENT };

void lg_dir_memo_init(struct lg_dir_memo *m, size_t entries)
{
	memset(m, 0, sizeof(*m));
	m->cap = entries;
	m->keys = calloc(entries ? entries : 1, sizeof(*m->keys));
	m->usable = m->keys && hcreate_r(entries ? entries : 1, &m->table);
	if (!m->usable) {
		free(m->keys);
		m->keys = NULL;
	}
}

void lg_dir_memo_free(struct lg_dir_memo *m)
{
	if (m->usable)
		hdestroy_r(&m->table);
	for (size_t i = 0; i < m->count; i++)
		free(m->keys[i]);
	free(m->keys);
	memset(m, 0, sizeof(*m));
}

/* The first len bytes of path into name (PATH_MAX bytes); false when they do not fit. */
static bool prefix_of(char *name, const char *path, size_t len)
{
	if (len >= PATH_MAX)
		return false;
	memcpy(name, path, len);
	name[len] = '\0';
	return true;
}

static enum dir_state state_of(struct lg_dir_memo *m, char *name)
{
	ENTRY item = {.key = name}, *found;

	if (!m->usable || !hsearch_r(item, FIND, &found, &m->table))
		return DIR_UNKNOWN;
	return found->data ? DIR_PRESENT : DIR_MISSING;
}

static void remember(struct lg_dir_memo *m, const char *name, enum dir_state state)
{
	ENTRY item, *found;

	if (!m->usable || m->count == m->cap)
		return;
	item.key = strdup(name);
	item.data = state == DIR_PRESENT ? (void *)1 : NULL;
	if (!item.key || !hsearch_r(item, ENTER, &found, &m->table)) {
		free(item.key);
		return;
	}
	m->keys[m->count++] = item.key;
}

bool lg_dir_memo_missing_above(struct lg_dir_memo *m, const char *path)
{
	char name[PATH_MAX];

	if (!m->usable || !m->count || path[0] != '/')
		return false;
	for (const char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/'))
		if (prefix_of(name, path, (size_t)(slash - path)) &&
		    state_of(m, name) == DIR_MISSING)
			return true;
	return false;
}

void lg_dir_memo_learn(struct lg_dir_memo *m, const char *path)
{
	char name[PATH_MAX];
	struct stat st;

	if (!m->usable || path[0] != '/')
		return;
	for (const char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		if (!prefix_of(name, path, (size_t)(slash - path)))
			return;
		switch (state_of(m, name)) {
		case DIR_MISSING:
			return;
		case DIR_PRESENT:
			continue;
		case DIR_UNKNOWN:
			break;
		}
		if (stat(name, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				remember(m, name, DIR_PRESENT);
				continue;
			}
			/* a file where a directory would be: nothing can be beneath it */
			remember(m, name, DIR_MISSING);
		} else if (errno == ENOENT || errno == ENOTDIR) {
			remember(m, name, DIR_MISSING);
		} /* else EACCES, EIO...: not known either way, the files are looked up */
		return;
	}
}
