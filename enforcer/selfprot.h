/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What lsmguard protects of itself (LG_BUILTIN_PROTECTED), and the identity of the policy
 * directory it reads.
 */
#ifndef LSMGUARD_SELFPROT_H
#define LSMGUARD_SELFPROT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lsmguard_abi.h"

/*
 * lsmguard's own objects: canonical absolute paths, "/dir/" for a whole directory; kinds[i]
 * holds the LG_PROTECTED_MANAGER_* bits of paths[i] (the service manager's sockets), else 0.
 */
struct lg_protected {
	char **paths;
	__u8 *kinds;
	size_t count;
	struct lg_resolved *resolved; /* while collecting: each path prefix as it resolves */
};

/*
 * The objects of a daemon with these settings (metrics and log may be NULL): the policy
 * directory and /etc/lsmguard, the executable, the state directory and files, the systemd unit
 * and its drop-ins, and the service manager's sockets. Returns 0 or -ENOMEM.
 */
int lg_protected_collect(struct lg_protected *out, const char *policy_dir, const char *state_dir,
			 const char *metrics, const char *log);
/* Add the administrator's host-code places (a policy directory's host-code.list): 0 or -ENOMEM. */
int lg_protected_add_host_code(struct lg_protected *p, char *const *paths, size_t count);
void lg_protected_free(struct lg_protected *p);

/*
 * The policy directory as the daemon opened it at start: a descriptor (O_PATH) through which it
 * reads the files, and what the path led to then (device, inode, mount).
 */
struct lg_policy_dir {
	int fd;
	const char *path;
	dev_t dev;
	ino_t ino;
	__u64 mnt_id;
	bool has_mnt_id; /* the kernel reported the mount id (statx STATX_MNT_ID, 5.8+) */
};

/* Open path and record what it is; -errno (and err says why). */
int lg_policy_dir_open(struct lg_policy_dir *dir, const char *path, char *err, size_t errsize);
/*
 * Whether path still leads to the directory and mount opened at start. 0 when it does; else
 * -ESTALE (replaced: another directory, or another mount over it) or the -errno of the lookup,
 * with the reason in reason.
 */
int lg_policy_dir_check(const struct lg_policy_dir *dir, char *reason, size_t size);
void lg_policy_dir_close(struct lg_policy_dir *dir);

#endif
