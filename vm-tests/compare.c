// SPDX-License-Identifier: GPL-2.0-only
/*
 * The same intent, enforced by a seccomp filter built with libseccomp and by an lsmguard policy:
 * what each one actually stops. seccomp sees the system call number and its raw arguments; a
 * path or a sockaddr is behind a pointer it cannot follow. So the closest filter to "may not
 * open /data/secret" denies every open, and the closest to "may not connect to 127.0.0.0/8
 * ports 1000-1999" denies every connect: they stop too much, and the other system calls that
 * reach the same object (open vs openat, sendto vs connect) still get through.
 * lsmguard decides on the resolved object, whatever the system call.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"

/* Install a filter that returns EPERM for the given system calls (all arguments). */
static int deny_syscalls(const int *syscalls)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -1;
	for (int i = 0; syscalls[i] >= 0; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), syscalls[i], 0))
			return -1;
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

static int open_errno(int syscall_nr, const char *path)
{
	long fd = syscall_nr == SYS_open ? syscall(SYS_open, path, O_RDONLY)
					  : syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);

	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

/* Bits: 1 secret via openat refused, 2 other file via openat refused, 4 secret via open
 * refused (each with EPERM). */
static int files_outcome(const void *arg)
{
	int outcome = 0;

	if (arg && deny_syscalls((const int[]){SCMP_SYS(openat), -1}))
		return 100;
	if (open_errno(SYS_openat, "/data/secret") == EPERM)
		outcome |= 1;
	if (open_errno(SYS_openat, "/data/secret-other") == EPERM)
		outcome |= 2;
	if (open_errno(SYS_open, "/data/secret") == EPERM)
		outcome |= 4;
	return outcome;
}

VM_TEST(compare_seccomp_and_lsmguard_on_opening_a_file, 160)
{
	/* seccomp, denying openat: every file is refused (2), the intended one only through
	 * openat (1); open(2) of the same file gets through (no 4). */
	VM_CHECK(in_cgroup(NULL, files_outcome, "seccomp") == (1 | 2));
	/* lsmguard, deny = /data/secret: that file, by either call (1, 4), nothing else. */
	VM_CHECK(in_cgroup(FILES, files_outcome, NULL) == (1 | 4));
}

static int net_errno(int syscall_nr, const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int type = syscall_nr == SYS_connect ? SOCK_STREAM : SOCK_DGRAM;
	int fd = socket(AF_INET, type, 0), ret;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (syscall_nr == SYS_connect)
		ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	else
		ret = (int)sendto(fd, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
	ret = ret < 0 ? errno : 0;
	close(fd);
	return ret;
}

/* Bits: 1 TCP to the denied range refused, 2 TCP to an allowed port refused, 4 UDP sendto to
 * the denied range (port 3000) refused. */
static int net_outcome(const void *arg)
{
	int outcome = 0;

	if (arg && deny_syscalls((const int[]){SCMP_SYS(connect), -1}))
		return 100;
	if (net_errno(SYS_connect, "127.0.0.1", 1000) == EPERM)
		outcome |= 1;
	if (net_errno(SYS_connect, "127.0.0.1", 2500) == EPERM)
		outcome |= 2;
	if (net_errno(SYS_sendto, "127.0.0.1", 3000) == EPERM)
		outcome |= 4;
	return outcome;
}

VM_TEST(compare_seccomp_and_lsmguard_on_connecting, 161)
{
	/* seccomp, denying connect: every connect is refused (2 too); a datagram sent to the
	 * same range without connect gets through (no 4). */
	VM_CHECK(in_cgroup(NULL, net_outcome, "seccomp") == (1 | 2));
	/* lsmguard: the denied destinations, by connect or sendto; the rest goes through. */
	VM_CHECK(in_cgroup(FILES, net_outcome, NULL) == (1 | 4));
}
