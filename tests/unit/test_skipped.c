// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every tracing program of bpf_lsm/ (fentry, fexit, tp_btf: the kernel skips a run of one that
 * is already running on the CPU) has its effect and repair in enforcer/skip_effect.c, so that
 * a skipped run is never reported as "not known" nor left unrepaired.
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "skipped.h"

TEST(skipped_every_tracing_program_has_its_effect)
{
	static const char *const kinds[] = {"SEC(\"fentry/", "SEC(\"fexit/", "SEC(\"tp_btf/",
					    "SEC(\"fmod_ret/"};
	enum lg_skip_repair repair;
	int programs = 0;
	glob_t g;

	CHECK_INT(glob("bpf_lsm/*.bpf.c", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char line[512], name[128];
		bool tracing = false;

		CHECK(f != NULL);
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
				tracing |= strncmp(line, kinds[k], strlen(kinds[k])) == 0;
			if (tracing && sscanf(line, "int BPF_PROG(%127[a-z0-9_],", name) == 1) {
				const char *effect = lg_skip_effect(name, &repair);

				if (strcmp(effect, "not known") == 0)
					printf("# %s: %s has no entry in enforcer/skip_effect.c\n",
					       g.gl_pathv[i], name);
				CHECK(strcmp(effect, "not known") != 0);
				programs++;
				tracing = false;
			}
		}
		fclose(f);
	}
	globfree(&g);
	CHECK(programs >= 15);
	/* The repairs the daemon makes (enforcer/cmd_run.c check_skipped). */
	lg_skip_effect("lg_name_moved", &repair);
	CHECK_INT(repair, LG_SKIP_RETIRE_VERDICTS);
	lg_skip_effect("lg_mount_unhash", &repair);
	CHECK_INT(repair, LG_SKIP_REREAD_MOUNTS);
	lg_skip_effect("lg_unix_copy_seen", &repair);
	CHECK_INT(repair, LG_SKIP_REPORT);
	CHECK_STR(lg_skip_effect("lg_file_open", &repair), "not known");
}
