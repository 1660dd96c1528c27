/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counters in the Prometheus text format, for node_exporter's textfile collector: totals since
 * the daemon started, per policy (by name, so they carry over reloads) and hook, plus reloads.
 */
#ifndef LSMGUARD_METRICS_H
#define LSMGUARD_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "bpf_state.h"
#include "loaded.h"

struct lg_metric_total {
	char *policy;
	struct lg_counter hook[LG_HOOK_COUNT];
};

struct lg_metrics {
	struct lg_metric_total *totals; /* counts of sets no longer in force */
	size_t count;
	unsigned reloads_ok, reloads_failed;
	bool last_reload_ok;
	double last_reload_time; /* seconds since the epoch; 0: none yet */
};

/* Add the counters of a set that has just left the kernel (its bank retired). */
int lg_metrics_retire(struct lg_metrics *m, const struct lg_bpf *bpf,
		      const struct lg_loaded_set *old);
/* The metrics text for the set in force; caller frees. NULL on allocation failure. */
char *lg_metrics_format(const struct lg_metrics *m, const struct lg_bpf *bpf,
			const struct lg_loaded_set *cur, unsigned generation);
void lg_metrics_free(struct lg_metrics *m);

#endif
