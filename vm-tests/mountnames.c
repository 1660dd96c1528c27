// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the attack runs on names that depend on the host's mounts share (attack21.c to
 * attack28.c): a policy of their own written and loaded, the btrfs image of btrfs.c at /mnt/bt
 * with subvolume vol (secret/key, public) and its read-only snapshot vol-ro, subvolume mounts
 * made as an administrator's, and unmounts; reads of the secret, confined and not; a FUSE
 * filesystem served by a confined task that detaches the mounts on its names.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

/* ---- reads of the secret, and the FUSE server of the detach cases (attack25.c, attack28.c) - */

int mn_read_fd(int fd)
{
	char buf[256];
	ssize_t n;

	if (fd < 0)
		return 3000 + errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return 2000 + errno;
	return memmem(buf, n, SECRET, strlen(SECRET)) ? 0 : 5000;
}

int mn_read_path(const void *arg)
{
	const struct mn_path_op *o = arg;
	int ret = become(o->uid);

	if (ret)
		return ret;
	return mn_read_fd(open(o->path, O_RDONLY));
}

void mn_expect_denied(const char *cgroup, const char *path, uid_t uid, const char *route,
		      int *failures)
{
	struct mn_path_op o = {path, uid};
	int control = in_cgroup(NULL, mn_read_path, &o), got = in_cgroup(cgroup, mn_read_path, &o);

	printf("#   %s: %s as uid %u: unconfined %d, confined %d\n", route, path, uid, control, got);
	if (control != 0)
		VM_FAIL("control: unconfined read of %s as uid %u returned %d", path, uid, control);
	if (got != 3000 + EPERM) {
		(*failures)++;
		printf("#   BYPASS? %s: confined read of %s as uid %u returned %d (0: read), "
		       "expected 3001\n", route, path, uid, got);
	}
}

bool mn_mounted_at(const char *point)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "grep -q ' %s ' /proc/self/mountinfo", point);
	return system(cmd) == 0;
}

static char mn_long_name[151];
const char *mn_fuse_name(int i)
{
	static const char *const names[] = {"d", "e"};

	if (i < 2)
		return names[i];
	if (!mn_long_name[0]) {
		memset(mn_long_name, 'L', 150); /* a policy line holds 199 characters */
		mn_long_name[150] = 0;
	}
	return mn_long_name;
}

static void mn_fuse_reply(int fd, __u64 unique, int error, const void *body, size_t size)
{
	char out[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header h = {.len = sizeof(h) + (error ? 0 : size), .error = -error,
				    .unique = unique};

	memcpy(out, &h, sizeof(h));
	if (!error && size)
		memcpy(out + sizeof(h), body, size);
	(void)!write(fd, out, h.len);
}

static void mn_fuse_attr(struct fuse_attr *a, __u64 node)
{
	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->mode = S_IFDIR | 0755;
	a->nlink = 2;
	a->blksize = 4096;
}

static long long mn_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The server (commands in mountnames.h, two bytes on ctl: op, name index; 'q' exits), each
 * acknowledged on ack with a byte (the notify's errno, else 0). */
static void mn_fuse_serve(int fd, int ctl, int ack)
{
	static char buf[1 << 17];
	bool gone[MN_FUSE_NAMES] = {0}, other[MN_FUSE_NAMES] = {0};
	long long hold_until[MN_FUSE_NAMES] = {0};
	__u64 held[64];
	int held_name[64], nheld = 0;

	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = ctl, .events = POLLIN}};
		struct fuse_in_header *in = (struct fuse_in_header *)buf;
		int timeout = 200;
		char c[2];

		if (poll(p, 2, timeout) < 0)
			_exit(2);
		/* answer held lookups whose time came */
		for (int i = 0; i < nheld; i++) {
			if (mn_now_ms() < hold_until[held_name[i]])
				continue;
			struct fuse_entry_out e = {.nodeid = (__u64)held_name[i] + 2, .attr_valid = 60};

			mn_fuse_attr(&e.attr, e.nodeid);
			if (gone[held_name[i]])
				mn_fuse_reply(fd, held[i], ENOENT, NULL, 0);
			else
				mn_fuse_reply(fd, held[i], 0, &e, sizeof(e));
			held[i] = held[nheld - 1];
			held_name[i] = held_name[nheld - 1];
			nheld--;
			i--;
		}
		if (p[1].revents) {
			char answer = 0;
			int idx;

			if (read(ctl, c, 2) != 2 || c[0] == 'q')
				_exit(0);
			idx = c[1];
			if (idx < 0 || idx >= MN_FUSE_NAMES) {
				answer = EINVAL;
				(void)!write(ack, &answer, 1);
				continue;
			}
			if (c[0] == 'g')
				gone[idx] = true;
			if (c[0] == 'x')
				other[idx] = true;
			if (c[0] == 'h')
				hold_until[idx] = mn_now_ms() + 5000;
			if (c[0] == 'n' || c[0] == 'D') {
				/* the header, the notify's body, the name with its NUL */
				char out[sizeof(struct fuse_out_header) +
					 sizeof(struct fuse_notify_delete_out) + 256];
				const char *name = mn_fuse_name(idx);
				struct fuse_out_header h = {.error = c[0] == 'n' ? FUSE_NOTIFY_INVAL_ENTRY
										 : FUSE_NOTIFY_DELETE};
				struct fuse_notify_inval_entry_out e = {
				    .parent = FUSE_ROOT_ID, .namelen = (__u32)strlen(name)};
				struct fuse_notify_delete_out d = {.parent = FUSE_ROOT_ID,
								   .child = (__u64)idx + 2,
								   .namelen = (__u32)strlen(name)};
				size_t body = c[0] == 'n' ? sizeof(e) : sizeof(d);

				h.len = (__u32)(sizeof(h) + body + strlen(name) + 1);
				memcpy(out, &h, sizeof(h));
				memcpy(out + sizeof(h), c[0] == 'n' ? (const void *)&e : (const void *)&d,
				       body);
				memcpy(out + sizeof(h) + body, name, strlen(name) + 1);
				if (write(fd, out, h.len) != (ssize_t)h.len)
					answer = (char)errno;
			}
			(void)!write(ack, &answer, 1);
			continue;
		}
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			_exit(3); /* the connection is gone (aborted, or the filesystem unmounted) */
		if (!(p[0].revents & POLLIN))
			continue;
		if (read(fd, buf, sizeof(buf)) < (ssize_t)sizeof(*in))
			continue;
		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *i = (const void *)(in + 1);
			struct fuse_init_out o = {.major = FUSE_KERNEL_VERSION, .minor = i->minor,
						  .max_readahead = i->max_readahead,
						  .max_write = 4096, .time_gran = 1};

			mn_fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out e = {.attr_valid = 60};
			int idx = -1;

			for (int i = 0; i < MN_FUSE_NAMES; i++)
				if (in->nodeid == FUSE_ROOT_ID &&
				    strcmp((const char *)(in + 1), mn_fuse_name(i)) == 0)
					idx = i;
			if (idx < 0 || gone[idx]) {
				mn_fuse_reply(fd, in->unique, ENOENT, NULL, 0);
				break;
			}
			if (mn_now_ms() < hold_until[idx] && nheld < 64) {
				held[nheld] = in->unique;
				held_name[nheld++] = idx;
				break;
			}
			e.nodeid = (__u64)idx + 2 + (other[idx] ? 10 : 0);
			mn_fuse_attr(&e.attr, e.nodeid);
			mn_fuse_reply(fd, in->unique, 0, &e, sizeof(e));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = {.attr_valid = 60};

			mn_fuse_attr(&o.attr, in->nodeid);
			mn_fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;
		default:
			mn_fuse_reply(fd, in->unique, ENOSYS, NULL, 0);
		}
	}
}

void mn_fuse_start(struct mn_fuse *f, const char *point, const char *cgroup, uid_t uid)
{
	int ctl[2], ack[2], go[2];
	char data[128], c = 0;

	if (access("/dev/fuse", F_OK) != 0)
		(void)!system("insmod /lib/modules/fuse.ko");
	for (int i = 0; i < 50 && access("/dev/fuse", F_OK) != 0; i++)
		usleep(100 * 1000);
	VM_CHECK(mkdir(point, 0755) == 0 || errno == EEXIST);
	f->point = point;
	f->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	VM_CHECK(f->fd >= 0);
	snprintf(data, sizeof(data), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other",
		 f->fd);
	VM_CHECK(mount("lgtestfuse", point, "fuse", 0, data) == 0);
	VM_CHECK(pipe2(ctl, O_CLOEXEC) == 0 && pipe2(ack, O_CLOEXEC) == 0 &&
		 pipe2(go, O_CLOEXEC) == 0);
	f->server = fork();
	VM_CHECK(f->server >= 0);
	if (f->server == 0) {
		close(ctl[1]), close(ack[0]), close(go[1]);
		if (read(go[0], &c, 1) != 1 || become(uid))
			_exit(4);
		mn_fuse_serve(f->fd, ctl[0], ack[1]);
	}
	close(ctl[0]), close(ack[1]), close(go[0]);
	VM_CHECK(move_into_cgroup(cgroup, f->server));
	VM_CHECK(write(go[1], &c, 1) == 1);
	close(go[1]);
	f->ctl = ctl[1];
	f->ack = ack[0];
}

int mn_fuse_tell(const struct mn_fuse *f, char op, int idx)
{
	void (*was)(int) = signal(SIGPIPE, SIG_IGN); /* a server gone: -1, not the case killed */
	char cmd[2] = {op, (char)idx}, answer;
	int ret = -1;

	if (write(f->ctl, cmd, 2) == 2 && read(f->ack, &answer, 1) == 1)
		ret = answer;
	signal(SIGPIPE, was);
	return ret;
}

void mn_fuse_stop(struct mn_fuse *f, const char *const more[])
{
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	char q[2] = {'q', 0};

	for (int i = 0; more && more[i]; i++)
		umount2(more[i], MNT_DETACH);
	umount2(f->point, MNT_DETACH);
	(void)!write(f->ctl, q, 2);
	signal(SIGPIPE, was);
	waitpid(f->server, NULL, 0);
	close(f->ctl), close(f->ack);
	close(f->fd);
}
