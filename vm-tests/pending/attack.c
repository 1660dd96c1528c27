// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attacks on lsmguard's path decisions, its verdict caches and its mount table. Each case
 * asserts the secure answer (EPERM); a failure of an ATTACK line is a bypass. Results are also
 * printed as "# ATTACK name: result" lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files" /* denies /data/private/, /data/secret, /data/bin/noread; exec
			      denies /data/bin/denied */

#define REPORT(what, got)                                                                          \
	do {                                                                                       \
		int g_ = (got);                                                                    \
		printf("# ATTACK %s: %s (%d)\n", what,                                             \
		       g_ == 0 ? "ALLOWED -> BYPASS" : g_ == EPERM ? "denied" : "other", g_);      \
		if (g_ == 0)                                                                       \
			VM_FAIL("BYPASS: %s", what);                                               \
	} while (0)

/* Wait for the daemon to reread its mountinfo after a change (it is prompt). */
static void settle(void)
{
	usleep(1500 * 1000);
}

/* ---- 1. rename of an ancestor directory of protected paths (confined root) ---- */

static int rename_ancestor_root(const void *arg)
{
	(void)arg;
	if (rename("/data/bin", "/data/binX"))
		return 100 + errno;
	return 0;
}

static int rename_data(const void *arg)
{
	(void)arg;
	return rename("/data", "/dataX") ? errno : 0;
}

VM_TEST(attack_rename_ancestor_as_root, 200)
{
	const char *const names[] = {"/data", "/dataX"};
	int r;

	VM_CHECK(try_open(FILES, "/data/bin/noread", O_RDONLY) == EPERM);
	VM_CHECK(try_exec(FILES, "/data/bin/denied") == EPERM);
	r = in_cgroup(FILES, rename_ancestor_root, NULL);
	printf("# ATTACK confined root rename /data/bin -> /data/binX: %d\n", r);
	if (r == 0) {
		REPORT("root: open /data/binX/noread (was /data/bin/noread)",
		       try_open(FILES, "/data/binX/noread", O_RDONLY));
		REPORT("root: exec /data/binX/denied (was /data/bin/denied)",
		       try_exec(FILES, "/data/binX/denied"));
		VM_CHECK(rename("/data/binX", "/data/bin") == 0);
	}
	/* The whole /data: every rule below it is left behind. */
	(void)names;
	r = in_cgroup(FILES, rename_data, NULL);
	printf("# ATTACK confined root rename /data -> /dataX: %d\n", r);
	if (r == 0) {
		REPORT("root: open /dataX/private/x", try_open(FILES, "/dataX/private/x", O_RDONLY));
		REPORT("root: open /dataX/secret", try_open(FILES, "/dataX/secret", O_RDONLY));
		VM_CHECK(rename("/dataX", "/data") == 0);
	}
}

/* ---- 2. the same as an unprivileged user who owns the data directory ---- */

static int rename_ancestor_user(const void *arg)
{
	(void)arg;
	if (setgid(1000) || setuid(1000))
		return 200;
	if (rename("/data/bin", "/data/binU"))
		return 100 + errno;
	{
		int o = try_open(NULL, "/data/binU/noread", O_RDONLY);
		int e = try_exec(NULL, "/data/binU/denied");

		printf("# ATTACK uid 1000: open /data/binU/noread -> %d, exec /data/binU/denied -> %d\n",
		       o, e);
		return (o == 0 ? 1 : 0) | (e == 0 ? 2 : 0) | (o != 0 && o != EPERM ? 4 : 0) |
		       (e != 0 && e != EPERM ? 8 : 0);
	}
}

VM_TEST(attack_rename_ancestor_as_user, 201)
{
	int r;

	/* The service's user owns its data directory (rules deny parts of it). */
	VM_CHECK(chown("/data", 1000, 1000) == 0);
	r = in_cgroup(FILES, rename_ancestor_user, NULL);
	printf("# ATTACK uid 1000 rename /data/bin -> /data/binU: result %d\n", r);
	if (r & 1)
		VM_FAIL("BYPASS: uid 1000 read /data/bin/noread as /data/binU/noread");
	if (r & 2)
		VM_FAIL("BYPASS: uid 1000 executed /data/bin/denied as /data/binU/denied");
	if (access("/data/binU", F_OK) == 0)
		VM_CHECK(rename("/data/binU", "/data/bin") == 0);
	VM_CHECK(chown("/data", 0, 0) == 0);
}

/* ---- 3. a second mount of a filesystem root: the mount table keeps the last line ---- */

static int bind_root(const void *arg)
{
	return mount((const char *)arg, "/data/pubr", NULL, MS_BIND, NULL) ? 100 + errno : 0;
}

VM_TEST(attack_bind_mount_of_root_as_confined_root, 202)
{
	int r;

	VM_CHECK(mkdir("/data/pubr", 0755) == 0);
	VM_CHECK(try_open(FILES, "/data/private/x", O_RDONLY) == EPERM);
	r = in_cgroup(FILES, bind_root, "/");
	printf("# ATTACK confined root mount --bind / /data/pubr: %d\n", r);
	settle();
	REPORT("after bind of /: open /data/private/x", try_open(FILES, "/data/private/x", O_RDONLY));
	REPORT("after bind of /: open /data/secret", try_open(FILES, "/data/secret", O_RDONLY));
	REPORT("after bind of /: exec /data/bin/denied", try_exec(FILES, "/data/bin/denied"));
	REPORT("after bind of /: open /data/pubr/data/private/x",
	       try_open(FILES, "/data/pubr/data/private/x", O_RDONLY));
	if (r == 0)
		VM_CHECK(vm_umount("/data/pubr") == 0);
	settle();
	VM_CHECK(try_open(FILES, "/data/private/x", O_RDONLY) == EPERM);
}

/* The same done by the administrator (outside any policy): a plain `mount --bind / /x`. */
VM_TEST(attack_bind_mount_of_root_by_admin, 203)
{
	VM_CHECK(mkdir("/data/pubr2", 0755) == 0);
	VM_CHECK(mkdir("/mnt/rootview", 0755) == 0);
	VM_CHECK(mount("/", "/mnt/rootview", NULL, MS_BIND, NULL) == 0);
	settle();
	REPORT("admin bind of / at /mnt/rootview: open /data/private/x",
	       try_open(FILES, "/data/private/x", O_RDONLY));
	VM_CHECK(vm_umount("/mnt/rootview") == 0);
	settle();
}

/* ---- 4. a mount at a denied path, moved or bound out by the confined root ---- */

static int move_out(const void *arg)
{
	(void)arg;
	return mount("/data/private/vault", "/data/pubv", NULL, MS_MOVE, NULL) ? 100 + errno : 0;
}

static int bind_out(const void *arg)
{
	(void)arg;
	return mount("/data/private/vault2", "/data/pubv2", NULL, MS_BIND, NULL) ? 100 + errno : 0;
}

static int clone_out(const void *arg)
{
	int fd;

	(void)arg;
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/data/private/vault3",
			  0x1 /* OPEN_TREE_CLONE */ | 0x80000 /* CLOEXEC */);
	if (fd < 0)
		return 100 + errno;
	if (syscall(SYS_move_mount, fd, "", AT_FDCWD, "/data/pubv3",
		    0x4 /* MOVE_MOUNT_F_EMPTY_PATH */))
		return 150 + errno;
	return 0;
}

VM_TEST(attack_denied_mount_moved_or_bound_out, 204)
{
	int r;

	VM_CHECK(system("mkdir -p /data/private/vault /data/private/vault2 /data/private/vault3 "
			"/data/pubv /data/pubv2 /data/pubv3") == 0);
	VM_CHECK(mount("tmpfs", "/data/private/vault", "tmpfs", 0, NULL) == 0);
	VM_CHECK(mount("tmpfs", "/data/private/vault2", "tmpfs", 0, NULL) == 0);
	VM_CHECK(mount("tmpfs", "/data/private/vault3", "tmpfs", 0, NULL) == 0);
	write_file("/data/private/vault/s", "secret\n", 0644);
	write_file("/data/private/vault2/s", "secret\n", 0644);
	write_file("/data/private/vault3/s", "secret\n", 0644);
	settle();
	VM_CHECK(try_open(FILES, "/data/private/vault/s", O_RDONLY) == EPERM);
	VM_CHECK(try_open(FILES, "/data/private/vault2/s", O_RDONLY) == EPERM);

	r = in_cgroup(FILES, move_out, NULL);
	printf("# ATTACK confined root MS_MOVE /data/private/vault -> /data/pubv: %d\n", r);
	REPORT("MS_MOVE out: open /data/pubv/s (immediately)",
	       try_open(FILES, "/data/pubv/s", O_RDONLY));
	settle();
	REPORT("MS_MOVE out: open /data/pubv/s (after reread)",
	       try_open(FILES, "/data/pubv/s", O_RDONLY));

	r = in_cgroup(FILES, bind_out, NULL);
	printf("# ATTACK confined root bind /data/private/vault2 -> /data/pubv2: %d\n", r);
	settle();
	REPORT("bind out: open /data/pubv2/s", try_open(FILES, "/data/pubv2/s", O_RDONLY));
	REPORT("bind out: open /data/private/vault2/s (original path)",
	       try_open(FILES, "/data/private/vault2/s", O_RDONLY));

	r = in_cgroup(FILES, clone_out, NULL);
	printf("# ATTACK confined root open_tree(CLONE)+move_mount vault3 -> /data/pubv3: %d\n", r);
	settle();
	REPORT("open_tree clone out: open /data/pubv3/s", try_open(FILES, "/data/pubv3/s", O_RDONLY));
	REPORT("open_tree clone out: open /data/private/vault3/s (original path)",
	       try_open(FILES, "/data/private/vault3/s", O_RDONLY));

	umount2("/data/pubv", MNT_DETACH);
	umount2("/data/pubv2", MNT_DETACH);
	umount2("/data/pubv3", MNT_DETACH);
	umount2("/data/private/vault", MNT_DETACH);
	umount2("/data/private/vault2", MNT_DETACH);
	umount2("/data/private/vault3", MNT_DETACH);
	settle();
}

/* ---- 5. a directory holding a mount point renamed into a denied directory ---- */

VM_TEST(attack_dir_with_mountpoint_renamed_into_denied, 205)
{
	VM_CHECK(system("mkdir -p /data/incoming-dir/m") == 0);
	VM_CHECK(mount("tmpfs", "/data/incoming-dir/m", "tmpfs", 0, NULL) == 0);
	write_file("/data/incoming-dir/m/s", "x\n", 0644);
	settle();
	VM_CHECK(try_open(FILES, "/data/incoming-dir/m/s", O_RDONLY) == 0);
	/* The administrator moves it into the denied directory: a rename, no mount event. */
	VM_CHECK(rename("/data/incoming-dir", "/data/private/incoming-dir") == 0);
	settle();
	settle();
	REPORT("admin rename of dir holding a mount into /data/private: open "
	       "/data/private/incoming-dir/m/s (daemon running, 3 s later)",
	       try_open(FILES, "/data/private/incoming-dir/m/s", O_RDONLY));
	/* Its own /data/private/incoming-dir is decided right (rootfs). */
	VM_CHECK(vm_umount("/data/private/incoming-dir/m") == 0);
	settle();
}

/*
 * 5b. The confined root does it itself: a mount it made at an allowed path (a tmpfs where it
 * copies nothing secret) is not the point; it renames /data (allowed) while a host mount lives
 * at /data/private/vault (denied): the table keeps /data/private/vault, rootfs files follow
 * /dataY. Covered by 1. Here: rename of a directory holding a mount in the other direction
 * cannot help the attacker (over-deny), so only the administrator case above is tested.
 */

/* ---- 6. unprivileged user + mount namespace ---- */

static int userns_bind(const void *arg)
{
	char map[64];
	int fd, r1, r2, r3;

	(void)arg;
	if (setgid(1000) || setuid(1000))
		return 200;
	prctl(PR_SET_DUMPABLE, 1); /* else /proc/self/uid_map stays root's */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 201;
	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "deny", 4);
		close(fd);
	}
	snprintf(map, sizeof(map), "0 1000 1");
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		return 202;
	close(fd);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		return 203;
	close(fd);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 204;
	/* A bind of / inside the namespace at an allowed path; an MS_MOVE of the copy of /tmp
	 * (a host mount) under /data. */
	if (mount("/", "/mnt/bind", NULL, MS_BIND | MS_REC, NULL))
		return 205;
	r1 = try_open(NULL, "/mnt/bind/data/private/x", O_RDONLY);
	if (mount("/data/private", "/mnt/bind2", NULL, MS_BIND | MS_REC, NULL))
		return 206;
	r2 = try_open(NULL, "/mnt/bind2/x", O_RDONLY);
	{
		/* the copy of a host mount at a denied path: moved (locked), bound, cloned */
		int mv = mount("/data/private/vault", "/tmp", NULL, MS_MOVE, NULL) ? errno : 0;
		int b = mount("/data/private/vault", "/mnt/bind", NULL, MS_BIND | MS_REC, NULL) ? errno : 0;
		int o = b ? -1 : try_open(NULL, "/mnt/bind/s", O_RDONLY);
		int t = (int)syscall(SYS_open_tree, AT_FDCWD, "/data/private/vault", 0x1 | 0x80000);
		int m = t < 0 ? -errno
			      : (int)syscall(SYS_move_mount, t, "", AT_FDCWD, "/run", 0x4);
		int o2 = m ? -1 : try_open(NULL, "/run/s", O_RDONLY);

		printf("# ATTACK userns: MS_MOVE of vault copy -> %d; bind of vault -> %d, open -> %d;"
		       " open_tree+move_mount -> %d/%d, open -> %d\n",
		       mv, b, o, t, m, o2);
		if (o == 0 || o2 == 0 || (mv == 0 && try_open(NULL, "/tmp/s", O_RDONLY) == 0))
			return 64;
	}
	/* pivot_root into the bind of /data/private: the namespace root is then a directory. */
	if (syscall(SYS_pivot_root, "/mnt/bind2", "/mnt/bind2/open") == 0 && chdir("/") == 0) {
		umount2("/open", MNT_DETACH);
		r3 = try_open(NULL, "/x", O_RDONLY);
	} else {
		r3 = 300 + errno;
	}
	printf("# ATTACK userns: bind / -> %d, bind /data/private -> %d, pivot_root -> %d\n", r1,
	       r2, r3);
	return (r1 == 0) | (r2 == 0) << 1 | (r3 == 0) << 2 | 128;
}

VM_TEST(attack_userns_binds_and_pivot_root, 206)
{
	int r;

	VM_CHECK(system("mkdir -p /data/private/vault") == 0);
	VM_CHECK(mount("tmpfs", "/data/private/vault", "tmpfs", 0, NULL) == 0);
	write_file("/data/private/vault/s", "secret\n", 0644);
	settle();
	r = in_cgroup(FILES, userns_bind, NULL);

	printf("# ATTACK userns result %d\n", r);
	if ((r > 128 && r < 136) || r == 64)
		VM_FAIL("BYPASS in a user namespace: mask %d", r);
	umount2("/data/private/vault", MNT_DETACH);
}

static int exchange_user(const void *arg)
{
	(void)arg;
	if (setgid(1000) || setuid(1000))
		return 200;
	if (syscall(SYS_renameat2, AT_FDCWD, "/data/bin", AT_FDCWD, "/data/mine", 2 /* EXCHANGE */))
		return 100 + errno;
	{
		int o = try_open(NULL, "/data/mine/noread", O_RDONLY);
		int e = try_exec(NULL, "/data/mine/denied");

		printf("# ATTACK uid 1000 RENAME_EXCHANGE /data/bin <-> /data/mine: open noread -> %d,"
		       " exec denied -> %d\n", o, e);
		return (o == 0 ? 1 : 0) | (e == 0 ? 2 : 0);
	}
}

VM_TEST(attack_rename_exchange_as_user, 209)
{
	int r;

	VM_CHECK(chown("/data", 1000, 1000) == 0);
	r = in_cgroup(FILES, exchange_user, NULL);
	printf("# ATTACK exchange result %d\n", r);
	if (r > 0 && r < 4)
		VM_FAIL("BYPASS: RENAME_EXCHANGE of an ancestor, uid 1000: mask %d", r);
	if (r >= 0 && r < 4)
		VM_CHECK(syscall(SYS_renameat2, AT_FDCWD, "/data/bin", AT_FDCWD, "/data/mine", 2) == 0);
	VM_CHECK(chown("/data", 0, 0) == 0);
}

/* ---- 7. open_by_handle_at of a protected file (confined root) ---- */

static int by_handle(const void *arg)
{
	struct {
		unsigned int handle_bytes;
		int handle_type;
		unsigned char f_handle[128];
	} h = {.handle_bytes = 128};
	int mount_id, mfd, fd;

	(void)arg;
	if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/data/private/x", &h, &mount_id, 0))
		return 100 + errno;
	mfd = open("/", O_RDONLY | O_DIRECTORY);
	fd = (int)syscall(SYS_open_by_handle_at, mfd, &h, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

VM_TEST(attack_open_by_handle, 207)
{
	REPORT("open_by_handle_at /data/private/x (confined root)",
	       in_cgroup(FILES, by_handle, NULL));
}

/* ---- 8. an O_PATH fd of a directory taken before it moves, openat() after ---- */

VM_TEST(attack_fd_held_across_rename, 208)
{
	int p[2], q[2], status;
	pid_t pid;
	char c;

	VM_CHECK(system("mkdir -p /data/opath-dir && echo x > /data/opath-dir/f") == 0);
	VM_CHECK(pipe(p) == 0 && pipe(q) == 0);
	pid = fork();
	if (pid == 0) {
		int dfd, fd, res = 0;
		char path[64];

		close(p[0]);
		close(q[1]);
		fd = open("/sys/fs/cgroup/lgt/files/cgroup.procs", O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(90);
		close(fd);
		dfd = open("/data/opath-dir", O_PATH | O_DIRECTORY);
		for (int i = 0; i < 3; i++) { /* cached */
			fd = openat(dfd, "f", O_RDONLY);
			if (fd >= 0)
				close(fd);
		}
		(void)!write(p[1], "r", 1);
		(void)!read(q[0], &c, 1);
		fd = openat(dfd, "f", O_RDONLY);
		if (fd >= 0) {
			res |= 1;
			close(fd);
		} else if (errno == EPERM) {
			res |= 4;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", dfd);
		fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			res |= 2;
			close(fd);
		}
		_exit(res);
	}
	close(p[1]);
	close(q[0]);
	VM_CHECK(read(p[0], &c, 1) == 1);
	VM_CHECK(rename("/data/opath-dir", "/data/private/opath-dir") == 0);
	(void)!write(q[1], "g", 1);
	VM_CHECK(waitpid(pid, &status, 0) == pid);
	printf("# ATTACK fd held across rename: mask %d (1 openat ok, 2 reopen ok, 4 openat EPERM)\n",
	       WEXITSTATUS(status));
	if (WEXITSTATUS(status) & 3)
		VM_FAIL("BYPASS: access relative to an fd held across the move");
}
