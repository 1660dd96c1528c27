// SPDX-License-Identifier: GPL-2.0-only
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "metrics.h"
#include "names.h"

static struct lg_metric_total *total_of(struct lg_metrics *m, const char *policy)
{
	struct lg_metric_total *grown;

	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->totals[i].policy, policy) == 0)
			return &m->totals[i];
	grown = realloc(m->totals, (m->count + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	m->totals = grown;
	memset(&grown[m->count], 0, sizeof(*grown));
	grown[m->count].policy = strdup(policy);
	if (!grown[m->count].policy)
		return NULL;
	return &grown[m->count++];
}

static void add(struct lg_counter *to, const struct lg_counter *c)
{
	to->allowed += c->allowed;
	to->denied += c->denied;
	to->audited += c->audited;
	to->dropped += c->dropped;
	to->suppressed += c->suppressed;
	to->cached += c->cached;
}

int lg_metrics_retire(struct lg_metrics *m, const struct lg_bpf *bpf,
		      const struct lg_loaded_set *old)
{
	const struct lg_policy *p;
	size_t i;
	__u32 id;

	lg_loaded_for_each(old, i, p, id) {
		struct lg_metric_total *t = total_of(m, p->name);

		if (!t)
			return -ENOMEM;
		for (unsigned hook = lg_hook_next(0); hook < LG_HOOK_COUNT;
		     hook = lg_hook_next(hook)) {
			struct lg_counter c;

			lg_counter_read(bpf, id, hook, &c);
			add(&t->hook[hook], &c);
		}
	}
	return 0;
}

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
}

static const struct lg_counter *retired(const struct lg_metrics *m, const char *policy,
					unsigned hook)
{
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->totals[i].policy, policy) == 0)
			return &m->totals[i].hook[hook];
	return NULL;
}

struct series {
	const char *name, *type, *help, *label;
};

static const struct series series[] = {
	{"lsmguard_decisions_total", "counter",
	 "Verdicts since the daemon started, by policy, hook and outcome (audited: would have "
	 "been denied, audit mode).",
	 "outcome"},
	{"lsmguard_events_lost_total", "counter",
	 "Deny events not delivered: dropped (ring buffer full) or suppressed (rate limit).",
	 "reason"},
	{"lsmguard_cache_hits_total", "counter",
	 "Allowed verdicts answered by a verdict cache (part of outcome=\"allowed\").", NULL},
};

char *lg_metrics_format(const struct lg_metrics *m, const struct lg_bpf *bpf,
			const struct lg_loaded_set *cur, unsigned generation)
{
	const struct lg_policy *p;
	char *text = NULL;
	size_t size = 0, i;
	FILE *out = open_memstream(&text, &size);
	__u32 id;

	if (!out)
		return NULL;
	for (size_t s = 0; s < sizeof(series) / sizeof(series[0]); s++) {
		fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", series[s].name, series[s].help,
			series[s].name, series[s].type);
		lg_loaded_for_each(cur, i, p, id) {
			const char *name = p->name;

			for (unsigned hook = lg_hook_next(0); hook < LG_HOOK_COUNT;
			     hook = lg_hook_next(hook)) {
				const struct lg_counter *before = retired(m, name, hook);
				struct lg_counter c;

				lg_counter_read(bpf, id, hook, &c);
				if (before)
					add(&c, before);
				const struct {
					const char *value;
					__u64 count;
				} *v, values[3][3] = {
					{{"allowed", c.allowed}, {"denied", c.denied}, {"audited", c.audited}},
					{{"dropped", c.dropped}, {"suppressed", c.suppressed}, {NULL, 0}},
					{{"", c.cached}, {NULL, 0}, {NULL, 0}},
				};

				for (v = values[s]; v < values[s] + 3 && v->value; v++) {
					fprintf(out, "%s{policy=\"", series[s].name);
					label(out, name);
					fprintf(out, "\",hook=\"%s\"", lg_hook_name(hook));
					if (series[s].label)
						fprintf(out, ",%s=\"%s\"", series[s].label, v->value);
					fprintf(out, "} %llu\n", (unsigned long long)v->count);
				}
			}
		}
	}
	fprintf(out, "# HELP lsmguard_policy_info The policies in force (value 1).\n"
		     "# TYPE lsmguard_policy_info gauge\n");
	lg_loaded_for_each(cur, i, p, id) {
		fprintf(out, "lsmguard_policy_info{policy=\"");
		label(out, p->name);
		fprintf(out, "\",mode=\"%s\",cgroup=\"", lg_mode_name(p->mode));
		label(out, p->cgroup);
		fprintf(out, "\",file=\"");
		label(out, p->file);
		fprintf(out, "\"} 1\n");
	}
	fprintf(out,
		"# HELP lsmguard_reloads_total Reloads (SIGHUP) since the daemon started, by result.\n"
		"# TYPE lsmguard_reloads_total counter\n"
		"lsmguard_reloads_total{result=\"ok\"} %u\n"
		"lsmguard_reloads_total{result=\"error\"} %u\n"
		"# HELP lsmguard_last_reload_success 1 if the last reload put its set in force, 0 if "
		"it was refused (the previous set stays).\n"
		"# TYPE lsmguard_last_reload_success gauge\n"
		"lsmguard_last_reload_success %d\n"
		"# HELP lsmguard_last_reload_timestamp_seconds When the last reload ended (0: none).\n"
		"# TYPE lsmguard_last_reload_timestamp_seconds gauge\n"
		"lsmguard_last_reload_timestamp_seconds %.3f\n"
		"# HELP lsmguard_generation Loads of policy sets into the pinned maps so far.\n"
		"# TYPE lsmguard_generation gauge\n"
		"lsmguard_generation %u\n",
		m->reloads_ok, m->reloads_failed,
		m->reloads_ok + m->reloads_failed == 0 || m->last_reload_ok, m->last_reload_time,
		generation);
	{
		__u64 values[LG_EPOCH_COUNT] = {0};

		for (__u32 index = LG_EPOCH_LINKS_UNRECORDED; index < LG_EPOCH_COUNT; index++)
			bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &values[index]);
		fprintf(out,
			"# HELP lsmguard_link_records_unrecorded_total Files given another name "
			"whose original name could not be recorded (the link records full): at "
			"link() by the kernel, and at reloads for files of exact deny rules.\n"
			"# TYPE lsmguard_link_records_unrecorded_total counter\n"
			"lsmguard_link_records_unrecorded_total{at=\"link\"} %llu\n"
			"lsmguard_link_records_unrecorded_total{at=\"reload\"} %llu\n"
			"# HELP lsmguard_link_records_full 1 while the kernel's share of the link "
			"records is used up.\n"
			"# TYPE lsmguard_link_records_full gauge\n"
			"lsmguard_link_records_full %d\n"
			"# HELP lsmguard_mounts_unrecorded Host mounts the mount table has no room "
			"for; while not 0, confined tasks are refused the files of filesystems "
			"whose root has no record.\n"
			"# TYPE lsmguard_mounts_unrecorded gauge\n"
			"lsmguard_mounts_unrecorded %llu\n",
			(unsigned long long)values[LG_EPOCH_LINKS_UNRECORDED],
			(unsigned long long)values[LG_EPOCH_LINKS_RULES_UNRECORDED],
			values[LG_EPOCH_LINKS_CAPACITY] &&
			    values[LG_EPOCH_LINKS_MADE] >= values[LG_EPOCH_LINKS_CAPACITY],
			(unsigned long long)lg_apply_mounts_unrecorded(NULL));
	}
	if (fclose(out)) {
		free(text);
		return NULL;
	}
	return text;
}

void lg_metrics_free(struct lg_metrics *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->totals[i].policy);
	free(m->totals);
	m->totals = NULL;
	m->count = 0;
}
