/* SPDX-License-Identifier: GPL-2.0-only */
/* What the attack runs on mount names share (mountnames.c). */
#ifndef LSMGUARD_VM_MOUNTNAMES_H
#define LSMGUARD_VM_MOUNTNAMES_H

#include <stdbool.h>
#include <sys/types.h>

#define BT "/mnt/bt"
#define SECRET "lg-btrfs-secret-7f3a"

/* Write POLICY_DIR/NAME.ini (files lines under [files] default = allow, then system) and
 * load it. */
void mn_policy(const char *name, const char *cgroup, const char *files, const char *system);
/* Write POLICY_DIR/NAME.ini as text, whole, and load it. */
void mn_policy_text(const char *name, const char *text);
/* Remove it and load the rest. */
void mn_policy_gone(const char *name);
/* The daemon running, cgroup made. */
void mn_setup_plain(const char *cgroup);
/* The daemon running, cgroup made, the btrfs image at BT with vol, vol/secret/key and vol-ro. */
void mn_setup(const char *cgroup);
/* Mount subvolume subvol of the image's loop device at at, as an administrator does. */
void mn_mount_subvol(const char *subvol, const char *at);
/* Print how many mounts this namespace has and how many roots lsmguard could not record:
 * the state a mount case starts from (earlier cases' leftovers change it). */
void mn_print_table(const char *label);
/* Unmount (lazily) every mount below dir, dir's own kept. */
void mn_umount_below(const char *dir);
/* Unmount at (lazily when it is busy). */
void mn_umount(const char *at);
/* Write text into file (a map of /proc/self): 0 or the errno. */
int mn_write_map(const char *file, const char *text);
/* unshare(CLONE_NEWUSER | CLONE_NEWNS) as uid, mapped to root inside: 0, 6000 + errno (the
 * unshare), 6200 + errno (a map). */
int mn_userns(uid_t uid);

/* 0 when fd's file holds SECRET; 3000 + errno for a failed open (fd < 0), 2000 + errno for a
 * failed read, 5000 for another content. fd is closed. */
int mn_read_fd(int fd);
/* in_cgroup's operation: mn_read_fd of path opened as uid. */
struct mn_path_op {
	const char *path;
	uid_t uid;
};
int mn_read_path(const void *arg);
/* The read of path as uid: made unconfined (the control, VM_FAIL otherwise), EPERM in cgroup;
 * any other answer there printed as "BYPASS?" and counted in *failures. */
void mn_expect_denied(const char *cgroup, const char *path, uid_t uid, const char *route,
		      int *failures);
/* Whether a mount is at point (this namespace's mountinfo). */
bool mn_mounted_at(const char *point);

/*
 * A FUSE filesystem mounted at point (as an administrator), served by a child moved into
 * cgroup as uid (a confined service whose connection was handed over). Its root has three
 * directories, mn_fuse_name(0..2): "d", "e" and a 150-character name, nodes 2 to 4, looked up
 * again on every use. Commands (mn_fuse_tell), op and name index: 'n' FUSE_NOTIFY_INVAL_ENTRY
 * for the name, 'D' FUSE_NOTIFY_DELETE, 'x' lookups answer another node id from now on, 'g' the
 * name is gone (lookups ENOENT), 'h' every lookup of it held 5 s from now (answered then).
 */
#define MN_FUSE_NAMES 3
struct mn_fuse {
	int fd, ctl, ack;
	pid_t server;
	const char *point;
};
const char *mn_fuse_name(int i);
void mn_fuse_start(struct mn_fuse *f, const char *point, const char *cgroup, uid_t uid);
/* The server's acknowledgement (the notify's errno, or 0); -1 without one. */
int mn_fuse_tell(const struct mn_fuse *f, char op, int idx);
/* The mounts in more (NULL-ended, may be NULL) and point unmounted lazily, the server ended. */
void mn_fuse_stop(struct mn_fuse *f, const char *const more[]);

/* open_tree(2) for libcs without it */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif

#endif
