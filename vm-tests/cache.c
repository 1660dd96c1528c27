// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verdict caches (bpf_lsm/cache.bpf.h): every change a cached verdict depends on makes the
 * next access be decided again. Each test first makes the kernel cache an allowed verdict (an
 * access made twice), then changes what it rested on, and expects the new answer.
 * (A reload retiring cached verdicts is tested by reload_switches_policy_without_a_gap.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files" /* the policy of cases.c: denies /data/private/ and more */

static void open_twice_allowed(const char *path)
{
	VM_CHECK(try_open(FILES, path, O_RDONLY) == 0);
	VM_CHECK(try_open(FILES, path, O_RDONLY) == 0);
}

VM_TEST(cache_renamed_ancestor_is_decided_again, 90)
{
	VM_CHECK(system("mkdir -p /data/cache1/dir && echo x > /data/cache1/dir/f") == 0);
	open_twice_allowed("/data/cache1/dir/f");
	/* The file's own dentry, parent and name are unchanged: only the epoch tells. */
	VM_CHECK(rename("/data/cache1/dir", "/data/private/dir1") == 0);
	VM_CHECK(try_open(FILES, "/data/private/dir1/f", O_RDONLY) == EPERM);
	EXPECT_EVENT("\"policy\":\"files\"", "\"path\":\"/data/private/dir1/f\"");
	VM_CHECK(rename("/data/private/dir1", "/data/cache1/back") == 0);
	VM_CHECK(try_open(FILES, "/data/cache1/back/f", O_RDONLY) == 0);
}

VM_TEST(cache_renamed_file_is_decided_again, 91)
{
	write_file("/data/cache-file", "x\n", 0644);
	open_twice_allowed("/data/cache-file");
	VM_CHECK(rename("/data/cache-file", "/data/private/cache-file") == 0);
	VM_CHECK(try_open(FILES, "/data/private/cache-file", O_RDONLY) == EPERM);
}

VM_TEST(cache_read_verdict_is_not_a_write_verdict, 92)
{
	open_twice_allowed("/data/ro/file");
	VM_CHECK(try_open(FILES, "/data/ro/file", O_WRONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/ro/file", O_RDONLY) == 0);
}

VM_TEST(cache_is_per_policy, 93)
{
	/* Cached as allowed for a task under no policy's rule on it, then asked by files. */
	write_file("/data/private/per-policy", "x\n", 0644);
	VM_CHECK(try_open("/lgt/count", "/data/private/per-policy", O_RDONLY) == 0);
	VM_CHECK(try_open("/lgt/count", "/data/private/per-policy", O_RDONLY) == 0);
	VM_CHECK(try_open(FILES, "/data/private/per-policy", O_RDONLY) == EPERM);
}

VM_TEST(cache_moved_mount_is_decided_again, 94)
{
	VM_CHECK(mkdir("/data/cache-mnt", 0755) == 0);
	VM_CHECK(mkdir("/data/private/moved-mnt", 0755) == 0);
	VM_CHECK(mount("tmpfs", "/data/cache-mnt", "tmpfs", 0, NULL) == 0);
	write_file("/data/cache-mnt/f", "x\n", 0644);
	usleep(300 * 1000); /* let the daemon see the new filesystem */
	open_twice_allowed("/data/cache-mnt/f");
	/* The same mount, root and dentries; only the mount table says where it now is. */
	VM_CHECK(mount("/data/cache-mnt", "/data/private/moved-mnt", NULL, MS_MOVE, NULL) == 0);
	{
		int err = 0;

		for (int i = 0; i < 50; i++) {
			err = try_open(FILES, "/data/private/moved-mnt/f", O_RDONLY);
			if (err == EPERM)
				break;
			usleep(100 * 1000);
		}
		VM_CHECK(err == EPERM);
	}
	VM_CHECK(umount("/data/private/moved-mnt") == 0);
}

/* One UDP socket: an allowed destination (cached), a denied one, the allowed one again. */
static int sendto_on_one_socket(const void *arg)
{
	struct sockaddr_in ok = {.sin_family = AF_INET, .sin_port = htons(3001)};
	struct sockaddr_in denied = {.sin_family = AF_INET, .sin_port = htons(3000)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void)arg;
	inet_pton(AF_INET, "127.0.0.1", &ok.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &denied.sin_addr);
	for (int i = 0; i < 2; i++)
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&ok, sizeof(ok)) != 1)
			return 100 + errno;
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&denied, sizeof(denied)) != -1 ||
	    errno != EPERM)
		return 200 + errno;
	if (connect(fd, (struct sockaddr *)&denied, sizeof(denied)) != -1 || errno != EPERM)
		return 300 + errno;
	if (connect(fd, (struct sockaddr *)&ok, sizeof(ok)) != 0)
		return 400 + errno;
	close(fd);
	return 0;
}

VM_TEST(cache_socket_destination_is_per_destination, 95)
{
	VM_CHECK(in_cgroup(FILES, sendto_on_one_socket, NULL) == 0);
}
