/* SPDX-License-Identifier: GPL-2.0-only */
/* What the attack runs on mount names share (mountnames.c). */
#ifndef LSMGUARD_VM_MOUNTNAMES_H
#define LSMGUARD_VM_MOUNTNAMES_H

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

/* open_tree(2) for libcs without it */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif

#endif
