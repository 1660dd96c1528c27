// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the attack runs on names that depend on the host's mounts share (attack21.c,
 * attack22.c): a policy of their own written and loaded, the btrfs image of btrfs.c at /mnt/bt
 * with subvolume vol (secret/key, public) and its read-only snapshot vol-ro, subvolume mounts
 * made as an administrator's, and unmounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountnames.h"
#include "vmtest.h"
#include "vmutil.h"

#define BT_IMAGE "/usr/share/lsmguard-test/btrfs.img"

void mn_policy(const char *name, const char *cgroup, const char *files, const char *system)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "[policy]\nname = %s\ncgroup = %s\nmode = enforce\n"
		 "[files]\ndefault = allow\n%s"
		 "[exec]\ndefault = allow\n[network]\ndefault = allow\n%s",
		 name, cgroup, files, system ? system : "");
	mn_policy_text(name, text);
}

void mn_policy_text(const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), POLICY_DIR "/%s.ini", name);
	write_file(path, text, 0644);
	VM_CHECK(daemon_reload_wait());
}

void mn_policy_gone(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), POLICY_DIR "/%s.ini", name);
	unlink(path);
	VM_CHECK(daemon_reload_wait());
}

void mn_setup_plain(const char *cgroup)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup(cgroup);
}

void mn_setup(const char *cgroup)
{
	mn_setup_plain(cgroup);
	if (access(BT "/vol/secret/key", F_OK) == 0)
		return;
	if (access(BT, F_OK) != 0 || system("mountpoint -q " BT) != 0) {
		VM_CHECK(system("insmod /lib/modules/libcrc32c.ko 2>/dev/null; "
				"insmod /lib/modules/xor.ko 2>/dev/null; insmod /lib/modules/raid6_pq.ko 2>/dev/null; "
				"insmod /lib/modules/zstd_compress.ko 2>/dev/null; insmod /lib/modules/btrfs.ko 2>/dev/null; "
				"insmod /lib/modules/loop.ko 2>/dev/null; true") == 0);
		VM_CHECK(system("mkdir -p " BT " && (test -f /run/bt.img || cp " BT_IMAGE
				" /run/bt.img) && mount -t btrfs -o loop /run/bt.img " BT) == 0);
	}
	if (access(BT "/vol/secret/key", F_OK) == 0)
		return;
	{
		struct btrfs_ioctl_vol_args_v2 args;
		int dir = open(BT, O_RDONLY | O_DIRECTORY), vol;

		VM_CHECK(dir >= 0);
		memset(&args, 0, sizeof(args));
		strcpy(args.name, "vol");
		VM_CHECK(ioctl(dir, BTRFS_IOC_SUBVOL_CREATE_V2, &args) == 0);
		VM_CHECK(system("mkdir -p " BT "/vol/secret " BT "/work " BT "/ro && chmod 0777 " BT
				"/work && printf " SECRET " > " BT "/vol/secret/key && "
				"echo public > " BT "/vol/public && chown -R 1000:1000 " BT "/vol && "
				"chmod 0600 " BT "/vol/secret/key") == 0);
		vol = open(BT "/vol", O_RDONLY | O_DIRECTORY);
		VM_CHECK(vol >= 0);
		memset(&args, 0, sizeof(args));
		args.fd = vol;
		args.flags = BTRFS_SUBVOL_RDONLY;
		strcpy(args.name, "vol-ro");
		VM_CHECK(ioctl(dir, BTRFS_IOC_SNAP_CREATE_V2, &args) == 0);
		close(vol);
		close(dir);
	}
}

/* Mount subvolume subvol (of the top's loop device) at at, as an administrator does. */
void mn_mount_subvol(const char *subvol, const char *at)
{
	char cmd[512];

	/* (-p: /srv is made by whichever case uses it first) */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s && dev=$(losetup -a | grep /run/bt.img | cut -d: -f1 | head -n 1) && "
		 "mount -t btrfs -o subvol=%s \"$dev\" %s",
		 at, subvol, at);
	if (system(cmd) != 0) {
		fflush(stdout);
		system("(losetup -a; grep -e btrfs -e loop /proc/self/mountinfo; ls -l /dev/loop*) "
		       "2>&1 | sed 's/^/#   /'");
		VM_FAIL("cannot mount subvolume %s at %s", subvol, at);
	}
	usleep(800 * 1000); /* the daemon reads its mount table again */
}

void mn_umount(const char *at)
{
	if (umount2(at, 0))
		umount2(at, MNT_DETACH);
	usleep(500 * 1000);
}

void mn_print_table(const char *label)
{
	char line[256];
	long mounts = 0, unrecorded = -1;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && fgets(line, sizeof(line), f))
		mounts += strchr(line, '\n') != NULL;
	if (f)
		fclose(f);
	f = fopen(METRICS_FILE, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "lsmguard_mounts_unrecorded %ld", &unrecorded) == 1)
			break;
	if (f)
		fclose(f);
	printf("#   %s: %ld mounts in this namespace, lsmguard_mounts_unrecorded %ld\n", label,
	       mounts, unrecorded);
}

void mn_umount_below(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "awk '$5 ~ \"^%s/\" { print $5 }' /proc/self/mountinfo | sort -r | "
		 "xargs -r -n 1 umount -l", dir);
	system(cmd);
}

int mn_write_map(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY), ret = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

int mn_userns(uid_t uid)
{
	char map[64];
	int ret;

	prctl(PR_SET_DUMPABLE, 1);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 6000 + errno;
	if ((ret = mn_write_map("/proc/self/setgroups", "deny")))
		return 6200 + ret;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if ((ret = mn_write_map("/proc/self/uid_map", map)))
		return 6200 + ret;
	if ((ret = mn_write_map("/proc/self/gid_map", map)))
		return 6200 + ret;
	return 0;
}
