// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the daemon tells the tools around it: the service manager (sd_notify's READY=1,
 * RELOADING=1, STATUS=) and Prometheus (the --metrics-file, totals that carry over reloads).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

/* The value of one series of the metrics file (the whole line up to the value), or -1. */
static long long metric(const char *series)
{
	char line[1024];
	long long value = -1;
	size_t len = strlen(series);
	FILE *f = fopen(METRICS_FILE, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, series, len) == 0 && line[len] == ' ')
			value = atoll(line + len + 1);
	fclose(f);
	return value;
}

/* Wait until series has value want (the file is rewritten every second). */
static bool metric_becomes(const char *series, long long want)
{
	for (int i = 0; i < 40; i++) {
		if (metric(series) == want)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

VM_TEST(notify_ready_then_reloading_and_ready_again, 12)
{
	char got[4096];

	notify_read(got, sizeof(got));
	if (!strstr(got, "READY=1\nMAINPID=") || !strstr(got, "STATUS=enforcing "))
		VM_FAIL("no READY=1 with MAINPID and STATUS at start: '%s'", got);
	VM_CHECK(daemon_reload_wait());
	usleep(100 * 1000);
	notify_read(got, sizeof(got));
	if (!strstr(got, "RELOADING=1") || !strstr(got, "READY=1\nSTATUS=enforcing ") ||
	    strstr(got, "READY=1") < strstr(got, "RELOADING=1"))
		VM_FAIL("a reload did not notify RELOADING=1 then READY=1: '%s'", got);
}

#define DENIED "lsmguard_decisions_total{policy=\"count\",hook=\"file_open\",outcome=\"denied\"}"
#define RELOADS_OK "lsmguard_reloads_total{result=\"ok\"}"

VM_TEST(metrics_file_counts_across_reloads_and_is_replaced_whole, 73)
{
	long long denied, reloads;
	struct dirent *e;
	DIR *run;

	/* Every decision of the count policy so far, whatever earlier tests did. */
	VM_CHECK(try_open("/lgt/count", "/data/secret", O_RDONLY) == EPERM);
	usleep(1500 * 1000);
	denied = metric(DENIED);
	reloads = metric(RELOADS_OK);
	/* Every reload this daemon made so far logged one {"event":"reload","result":"ok"}. */
	VM_CHECK(denied >= 1 && reloads == count_events("\"result\":\"ok\""));
	VM_CHECK(metric("lsmguard_policy_info{policy=\"count\",mode=\"enforce\",cgroup=\"/lgt/count\","
			"file=\"/etc/lsmguard/policy.d/count.ini\"}") == 1);

	/* A reload starts the kernel's counters of the new set at zero; the file's totals go on. */
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(metric_becomes(RELOADS_OK, reloads + 1));
	VM_CHECK(metric(DENIED) == denied);
	VM_CHECK(metric("lsmguard_last_reload_success") == 1);
	VM_CHECK(try_open("/lgt/count", "/data/secret", O_RDONLY) == EPERM);
	VM_CHECK(metric_becomes(DENIED, denied + 1));

	/* Written to a temporary file and renamed: none is left behind. */
	run = opendir("/run");
	VM_CHECK(run != NULL);
	while (run && (e = readdir(run)))
		if (strncmp(e->d_name, "lsmguard.prom.", 14) == 0)
			VM_FAIL("temporary metrics file left: /run/%s", e->d_name);
	if (run)
		closedir(run);
}

VM_TEST(status_shows_reloads_and_only_the_hooks_that_decided, 74)
{
	const char *const text[] = {LSMGUARD, "status", NULL};
	const char *const json[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];
	char *count;
	const char *const refused[] = {"\"event\":\"reload\"", "\"result\":\"error\"", NULL};
	long mark = event_mark();

	write_file(POLICY_DIR "/broken.ini", "[policy]\nname = broken\n", 0644);
	VM_EXPECT_DAEMON_WARNING("broken.ini:1: error: [policy] has neither 'cgroup' nor 'unit'");
	VM_EXPECT_DAEMON_WARNING("broken.ini:1: error: [policy] has no 'mode'");
	VM_EXPECT_DAEMON_WARNING("lsmguard: 2 errors in 1 of ");
	VM_EXPECT_DAEMON_WARNING("lsmguard: reload refused; the policies in force are unchanged");
	VM_CHECK(daemon_pid() > 1 && kill(daemon_pid(), SIGHUP) == 0);
	VM_CHECK(wait_event_after(mark, refused, 3000));
	VM_CHECK(count_events_after(mark, "\"event\":\"reload\"") == 1);
	VM_CHECK(run_command(text, out, sizeof(out)) == 0);
	if (!strstr(out, " refused; the last one REFUSED at ") ||
	    !strstr(out, "(the set before it stays in force)"))
		VM_FAIL("status does not say the last reload was refused: %s", out);
	/* The count policy opened files and never connected: one look, no empty rows. */
	count = strstr(out, "\ncount ");
	{
		char name[64] = "", mode[16] = "", hook[64] = "";

		/* the table's columns are as wide as their content: read its cells */
		VM_CHECK(count && sscanf(count + 1, "%63s %15s %63s", name, mode, hook) == 3 &&
			 strcmp(hook, "file_open") == 0);
	}
	/* its rows: its first, then those whose first cell is empty, up to the next policy */
	for (const char *line = count ? strchr(count + 1, '\n') : NULL; line && line[1] == ' ';
	     line = strchr(line + 1, '\n')) {
		const char *end = strchr(line + 1, '\n');
		char row[512];

		snprintf(row, sizeof(row), "%.*s", end ? (int)(end - line - 1) : 511, line + 1);
		VM_CHECK(!strstr(row, "socket_connect"));
	}
	if (count) {
		const char *end = strchr(count + 1, '\n');
		char row[512];

		snprintf(row, sizeof(row), "%.*s", end ? (int)(end - count - 1) : 511, count + 1);
		VM_CHECK(!strstr(row, "socket_connect"));
	}
	VM_CHECK(run_command(json, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"last\":\"refused\"") != NULL);

	VM_CHECK(unlink(POLICY_DIR "/broken.ini") == 0);
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(run_command(json, out, sizeof(out)) == 0);
	VM_CHECK(strstr(out, "\"last\":\"ok\"") != NULL);
}
