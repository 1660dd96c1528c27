// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learning on a real workload: busybox httpd serving a page and a CGI script, exercised by
 * wget from the same cgroup (so the service's files, programs, child processes and a
 * connection are all in it). `lsmguard learn --duration` watches one exercise under its
 * learning policy; the learned policy, switched to enforce, lets the exercise pass unchanged
 * and denies what the workload never did.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define LEARN_CG "/lgt/learnweb"
#define LEARNED POLICY_DIR "/learnweb.ini"

/* The workload and its exercise; 0 when both pages come back as served. */
static int exercise(const void *arg)
{
	(void)arg;
	return system("busybox httpd -f -p 127.0.0.1:8088 -h /srv/www & pid=$!; sleep 1; "
		      "wget -q -O /run/learn-page http://127.0.0.1:8088/index.html && "
		      "wget -q -O /run/learn-cgi http://127.0.0.1:8088/cgi-bin/hello; rc=$?; "
		      "kill $pid; wait $pid; "
		      "[ $rc = 0 ] && grep -qx 'served page' /run/learn-page && "
		      "grep -qx 'cgi says hello' /run/learn-cgi") == 0
		       ? 0
		       : 1;
}

VM_TEST(learn_a_real_workload_then_enforce_it, 98)
{
	const char *const learn[] = {LSMGUARD,  "learn",      "learnweb",   "--cgroup",
				     LEARN_CG,  "--duration", "6",          "--events",
				     EVENT_LOG, "--policy-dir", POLICY_DIR, NULL};
	const char *const check[] = {LSMGUARD, "check", LEARNED, NULL};
	char text[16384];
	int generation, status;
	long mark;
	FILE *f;
	pid_t pid;

	VM_CHECK(system("mkdir -p /srv/www/cgi-bin && echo 'served page' > /srv/www/index.html && "
			"printf '#!/bin/sh\\necho\\necho cgi says hello\\n' > /srv/www/cgi-bin/hello && "
			"chmod 755 /srv/www/cgi-bin/hello") == 0);
	make_cgroup(LEARN_CG);

	/* The learning run, in the background; the exercise once its policy is in force. */
	generation = state_generation();
	pid = fork();
	if (pid == 0) {
		execv(LSMGUARD, (char *const *)learn);
		_exit(127);
	}
	for (int i = 0; i < 500 && state_generation() == generation; i++)
		usleep(10 * 1000);
	VM_CHECK(state_generation() != generation);
	VM_CHECK(in_cgroup(LEARN_CG, exercise, NULL) == 0); /* audit mode: nothing denied */
	VM_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The learned policy: it checks, and holds what the workload did. */
	VM_CHECK(run_command(check, NULL, 0) == 0);
	f = fopen(LEARNED, "r");
	VM_CHECK(f != NULL);
	if (!f)
		return;
	text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
	fclose(f);
	printf("# learned policy:\n");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		printf("#   %s\n", line);
	f = fopen(LEARNED, "r");
	text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
	fclose(f);
	VM_CHECK(strstr(text, "\nmode = audit\n") != NULL);
	VM_CHECK(strstr(text, "allow-read = /srv/www/index.html\n") != NULL);
	VM_CHECK(strstr(text, "allow = 127.0.0.1 tcp 8088\n") != NULL);
	VM_CHECK(strstr(text, "allow = /srv/www/cgi-bin/hello\n") != NULL);

	/* Enforced: the same exercise passes, what the workload never did is denied. */
	{
		char *mode = strstr(text, "\nmode = audit\n");

		if (mode) {
			static char enforced[sizeof(text) + 32];

			snprintf(enforced, sizeof(enforced), "%.*s\nmode = enforce\n%s",
				 (int)(mode - text), text, mode + strlen("\nmode = audit\n"));
			write_file(LEARNED, enforced, 0644);
		}
	}
	VM_CHECK(daemon_reload_wait());
	VM_CHECK(in_cgroup(LEARN_CG, exercise, NULL) == 0);
	VM_CHECK(try_open(LEARN_CG, "/data/secret-other", O_RDONLY) == EPERM);
	VM_CHECK(try_exec(LEARN_CG, "/data/bin/allowed") == EPERM);
	mark = event_mark();
	VM_CHECK(try_connect(LEARN_CG, AF_INET, "127.0.0.1", 8089, SOCK_STREAM) == EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"learnweb\"",
			   "\"hook\":\"socket_connect\"", "\"address\":\"127.0.0.1\"",
			   "\"port\":8089");

	VM_CHECK(unlink(LEARNED) == 0);
	VM_CHECK(daemon_reload_wait());
}
