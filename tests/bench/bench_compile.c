// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench-compile: how long parsing and compiling N rules takes, and how many bytes of map
 * data they become. A benchmark, not a test: it reports, and marks each figure against its
 * target, but a slow machine does not fail the build.
 *
 * The generated policy is shaped like real ones: mostly file rules (exact files and subtrees,
 * allow, allow-read and deny), some exec rules, some network rules with ports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"

#define ROUNDS 11

static char *generate(int rules, size_t *len)
{
	size_t cap = (size_t)rules * 64 + 4096, used = 0;
	char *text = malloc(cap);
	static const char *const actions[] = {"allow", "allow-read", "deny"};

	used += (size_t)snprintf(text + used, cap - used,
				 "[policy]\nname = bench\ncgroup = /system.slice/bench.service\n"
				 "mode = enforce\n[files]\ndefault = deny\n");
	int files = rules * 7 / 10, execs = rules * 2 / 10, nets = rules - files - execs;

	for (int i = 0; i < files; i++)
		used += (size_t)snprintf(text + used, cap - used, "%s = /srv/app%d/data/set%d/%s%d%s\n",
					 actions[i % 3], i % 97, i % 13, i % 2 ? "dir" : "file", i,
					 i % 2 ? "/" : "");
	used += (size_t)snprintf(text + used, cap - used, "[exec]\ndefault = deny\n");
	for (int i = 0; i < execs; i++)
		used += (size_t)snprintf(text + used, cap - used, "%s = /opt/tool%d/bin/prog%d\n",
					 i % 5 ? "allow" : "deny", i % 31, i);
	used += (size_t)snprintf(text + used, cap - used, "[network]\ndefault = deny\n");
	for (int i = 0; i < nets; i++)
		used += (size_t)snprintf(text + used, cap - used, "%s = 10.%d.%d.0/24 tcp %d\n",
					 i % 4 ? "allow" : "deny", (i / 256) % 256, i % 256,
					 1000 + i % 50);
	*len = used;
	return text;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rules = argc > 1 ? atoi(argv[1]) : 10000;
	double parse[ROUNDS], compile[ROUNDS], total[ROUNDS];
	size_t len, bytes = 0, count = 0;
	char *text = generate(rules, &len);

	for (int round = 0; round < ROUNDS; round++) {
		struct lg_diag diag = {0};
		struct lg_policy *policy;
		struct lg_policy_set set = {.policies = &policy, .count = 1};
		struct lg_compiled *compiled;
		double t0 = now_ms(), t1, t2;

		if (lg_policy_parse_buffer("bench.ini", text, len, 0, &policy, &diag)) {
			fprintf(stderr, "bench: generated policy does not parse\n");
			return 1;
		}
		t1 = now_ms();
		if (lg_policy_set_validate(&set, &diag) || lg_compile(&set, 1, 0, &compiled, &diag)) {
			fprintf(stderr, "bench: generated policy does not compile\n");
			return 1;
		}
		t2 = now_ms();
		parse[round] = t1 - t0;
		compile[round] = t2 - t1;
		total[round] = t2 - t0;
		bytes = lg_compiled_map_bytes(compiled);
		count = lg_policy_rule_count(policy);
		lg_compiled_free(compiled);
		lg_policy_free(policy);
		lg_diag_free(&diag);
	}
	qsort(parse, ROUNDS, sizeof(double), compare_doubles);
	qsort(compile, ROUNDS, sizeof(double), compare_doubles);
	qsort(total, ROUNDS, sizeof(double), compare_doubles);
	printf("bench-compile: %zu rules (70%% files, 20%% exec, 10%% network), median of %d rounds\n",
	       count, ROUNDS);
	printf("  parse     %8.2f ms   (min %.2f, max %.2f)\n", parse[ROUNDS / 2], parse[0],
	       parse[ROUNDS - 1]);
	printf("  compile   %8.2f ms   (min %.2f, max %.2f)\n", compile[ROUNDS / 2], compile[0],
	       compile[ROUNDS - 1]);
	printf("  total     %8.2f ms   target < 50 ms: %s\n", total[ROUNDS / 2],
	       total[ROUNDS / 2] < 50 ? "met" : "MISSED");
	printf("  map data  %zu bytes = %.1f bytes per rule   target < 150: %s\n", bytes,
	       (double)bytes / (double)count, (double)bytes / (double)count < 150 ? "met" : "MISSED");
	free(text);
	return 0;
}
