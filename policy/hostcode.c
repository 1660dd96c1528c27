// SPDX-License-Identifier: GPL-2.0-only
/*
 * host-code.list: the places of this host that its unconfined root components run or obey,
 * beyond the built-in list (enforcer/selfprot.c): a service's own program in /srv that an
 * unconfined unit starts, a backup tool's hooks in /usr/local/lib/backup/, an agent's plugin
 * directory. No confined task writes them (built-in host-code, a protection) unless a write rule
 * of its policy names the place or its policy says [system] host-code = allow.
 *
 * One absolute path a line, "/dir/" for a directory and everything beneath it; '#' starts a
 * comment line; blank lines are skipped. The list is part of the policy set: an error in it
 * refuses the whole load, as an error in a policy file does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* Why a path cannot be a host-code place, or NULL. */
static const char *bad_path(const char *path, size_t len)
{
	if (path[0] != '/')
		return "is not an absolute path; write it from the root, as in /srv/app/bin/";
	if (len == 1)
		return "would make every file host code; name the directories the host runs code from";
	if (len >= LG_HOST_CODE_PATH_MAX)
		return "is longer than the 4,093 bytes lsmguard keeps of a path";
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
			return "holds a control character";
		if (path[i] == '#' && i && (path[i - 1] == ' ' || path[i - 1] == '\t'))
			return "holds a comment after the path; put comments on lines of their own";
		if (path[i] == '*' || path[i] == '?' || path[i] == '[')
			return "holds a pattern character (*, ? or [): the list names places, it "
			       "matches no patterns; name the directory that holds them";
		if (path[i] == '/' && i + 1 < len && path[i + 1] == '/')
			return "holds an empty component (//)";
		if (path[i] == '/' && path[i + 1] == '.' &&
		    (path[i + 2] == '/' || path[i + 2] == '\0' ||
		     (path[i + 2] == '.' && (path[i + 3] == '/' || path[i + 3] == '\0'))))
			return "holds a . or .. component; write the path as it is";
	}
	return NULL;
}

int lg_host_code_parse(const char *name, FILE *stream, struct lg_policy_set *set,
		       struct lg_diag *diag)
{
	unsigned errors_before = diag ? diag->errors : 0, line_no = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int ret = 0;

	while ((got = getline(&line, &cap, stream)) >= 0) {
		char *start = line, *end = line + got, **bigger, *copy;
		const char *why;

		line_no++;
		if ((size_t)got != strlen(line)) {
			lg_diag_add(diag, LG_SEV_ERROR, name, line_no,
				    "holds a NUL byte; the list is text, one path a line");
			continue;
		}
		while (end > start && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' ||
				       end[-1] == '\t'))
			*--end = '\0';
		while (*start == ' ' || *start == '\t')
			start++;
		if (!*start || *start == '#')
			continue;
		why = bad_path(start, (size_t)(end - start));
		if (why) {
			lg_diag_add(diag, LG_SEV_ERROR, name, line_no, "'%.200s' %s", start, why);
			continue;
		}
		if (set->host_code_count == LG_HOST_CODE_MAX) {
			lg_diag_add(diag, LG_SEV_ERROR, name, line_no,
				    "more than %d places; name the directories that hold them instead",
				    LG_HOST_CODE_MAX);
			break;
		}
		bigger = realloc(set->host_code, (set->host_code_count + 1) * sizeof(*bigger));
		copy = strdup(start);
		if (bigger)
			set->host_code = bigger;
		if (!bigger || !copy) {
			free(copy);
			lg_diag_out_of_memory(diag, name);
			ret = -ENOMEM;
			break;
		}
		set->host_code[set->host_code_count++] = copy;
	}
	if (!ret && ferror(stream)) {
		lg_diag_add(diag, LG_SEV_ERROR, name, 0, "cannot read: %s", strerror(errno));
		ret = -EIO;
	}
	free(line);
	if (!ret && diag && diag->errors != errors_before)
		ret = -EINVAL;
	return ret;
}
