// SPDX-License-Identifier: GPL-2.0-only
/*
 * The startup canary: before `lsmguard run` says it enforces, it proves it. A built-in policy
 * binds a cgroup of its own and denies two things that are always possible otherwise: opening
 * /dev/null and a TCP connect to 127.0.0.1 port 9. A child enters that cgroup and tries both; if
 * either is not refused with EPERM, the kernel is not enforcing lsmguard's programs, and the
 * daemon says so and refuses to report ready.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "canary.h"
#include "host.h"

static const char canary_text[] = "[policy]\n"
				  "name = " LG_CANARY_NAME "\n"
				  "cgroup = " LG_CANARY_CGROUP "\n"
				  "mode = enforce\n"
				  "[files]\n"
				  "deny = /dev/null\n"
				  "[network]\n"
				  "deny = 127.0.0.1 tcp 9\n";

int lg_canary_add(struct lg_policy_set *set, struct lg_diag *diag)
{
	struct lg_policy *policy;
	int ret;

	ret = lg_policy_parse_buffer("(built-in canary)", canary_text, sizeof(canary_text) - 1,
				     LG_PARSE_BUILTIN, &policy, diag);
	if (ret)
		return ret;
	ret = lg_policy_set_add(set, policy);
	if (ret) {
		lg_policy_free(policy);
		lg_diag_out_of_memory(diag, NULL);
		return ret;
	}
	return lg_policy_set_validate(set, diag);
}

/* In the child: bit 0 set when the open was not refused with EPERM, bit 1 for the connect. */
static int canary_child(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
	int failures = 0, fd;

	if (lg_cgroup_enter(LG_CANARY_CGROUP, 0))
		return 4;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EPERM)
		failures |= 1;
	if (fd >= 0)
		close(fd);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno != EPERM)
		failures |= 2;
	if (fd >= 0)
		close(fd);
	return failures;
}

int lg_canary_run(char *err, size_t errsize)
{
	char path[4096];
	int status, ret;
	pid_t pid;

	ret = lg_cgroup_create(LG_CANARY_CGROUP);
	if (ret) {
		snprintf(err, errsize, "cannot create the canary cgroup %s: %s", LG_CANARY_CGROUP,
			 strerror(-ret));
		return ret;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errsize, "cannot fork the canary: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0)
		_exit(canary_child());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		status = 0xff00;
	snprintf(path, sizeof(path), "%s%s", lg_cgroup2_root() ? lg_cgroup2_root() : "",
		 LG_CANARY_CGROUP);
	rmdir(path);
	switch (WIFEXITED(status) ? WEXITSTATUS(status) : 255) {
	case 0:
		return 0;
	case 4:
		snprintf(err, errsize, "the canary could not enter its cgroup %s", LG_CANARY_CGROUP);
		return -EIO;
	default:
		snprintf(err, errsize,
			 "enforcement canary failed: a process under the built-in canary policy was "
			 "not refused (%s%s%s); the kernel is not enforcing lsmguard's programs (check "
			 "that 'bpf' is in /sys/kernel/security/lsm and the kernel log)",
			 (WEXITSTATUS(status) & 1) ? "open of /dev/null" : "",
			 (WEXITSTATUS(status) & 3) == 3 ? ", " : "",
			 (WEXITSTATUS(status) & 2) ? "connect to 127.0.0.1:9" : "");
		return -EIO;
	}
}
