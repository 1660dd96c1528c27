// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "names.h"
#include "state.h"

/* dir/name replaced by text (dir made first when missing). */
static int write_atomically(const char *dir, const char *name, const char *text)
{
	char path[4096];

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return lg_write_file_atomically(path, text, 0644);
}

int lg_state_write(const char *dir, const struct lg_policy_set *set, const struct lg_compiled *c,
		   unsigned generation)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	int ret;

	if (!mem)
		return -errno;
	fprintf(mem, "generation\t%u\nbank\t%u\n", generation, c->bank);
	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];

		fprintf(mem, "policy\t%u\t%s\t%s\t%s\t%s\n", c->policies[i].id,
			lg_mode_name(p->mode), p->name, p->cgroup, p->file);
	}
	fclose(mem);
	ret = write_atomically(dir, "state", text);
	free(text);
	return ret;
}

int lg_state_read(const char *dir, struct lg_state *state)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	FILE *f;

	memset(state, 0, sizeof(*state));
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct lg_state_policy p = {0}, *bigger;
		char *fields[6], *save = NULL;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *t = strtok_r(line, "\t", &save); t && n < 6; t = strtok_r(NULL, "\t", &save))
			fields[n++] = t;
		if (n == 2 && strcmp(fields[0], "generation") == 0)
			state->generation = (unsigned)atoi(fields[1]);
		else if (n == 2 && strcmp(fields[0], "bank") == 0)
			state->bank = (unsigned)atoi(fields[1]);
		if (n != 6 || strcmp(fields[0], "policy") != 0)
			continue;
		p.id = (__u32)strtoul(fields[1], NULL, 10);
		snprintf(p.mode, sizeof(p.mode), "%s", fields[2]);
		snprintf(p.name, sizeof(p.name), "%s", fields[3]);
		snprintf(p.cgroup, sizeof(p.cgroup), "%s", fields[4]);
		snprintf(p.file, sizeof(p.file), "%s", fields[5]);
		bigger = realloc(state->policies, (state->count + 1) * sizeof(p));
		if (!bigger)
			break;
		state->policies = bigger;
		state->policies[state->count++] = p;
	}
	free(line);
	fclose(f);
	snprintf(path, sizeof(path), "%s/reloads", dir);
	f = fopen(path, "re");
	if (f) {
		char last[16] = "";

		if (fscanf(f, "ok\t%u\nrefused\t%u\nlast\t%15s\t%lld", &state->reloads_ok,
			   &state->reloads_refused, last, &state->last_reload_time) == 4)
			state->last_reload_ok = strcmp(last, "ok") == 0;
		fclose(f);
	}
	return 0;
}

int lg_reloads_write(const char *dir, unsigned ok, unsigned refused, bool last_ok,
		     long long last_time)
{
	char text[128];

	snprintf(text, sizeof(text), "ok\t%u\nrefused\t%u\nlast\t%s\t%lld\n", ok, refused,
		 last_ok ? "ok" : "refused", last_time);
	return write_atomically(dir, "reloads", text);
}

void lg_state_free(struct lg_state *state)
{
	free(state->policies);
	memset(state, 0, sizeof(*state));
}

int lg_pidfile_write(const char *dir)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	return write_atomically(dir, "lsmguard.pid", text);
}

int lg_pidfile_running(const char *dir)
{
	char path[4096], comm_path[64], comm[64] = "";
	int pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/lsmguard.pid", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || pid == getpid() || kill(pid, 0) != 0)
		return 0;
	/* "PID (COMM) STATE ...": a zombie (killed, not yet reaped) is not running. */
	snprintf(comm_path, sizeof(comm_path), "/proc/%d/stat", pid);
	f = fopen(comm_path, "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if (!strstr(comm, "(lsmguard) ") || strstr(comm, "(lsmguard) Z"))
		return 0;
	return pid;
}
