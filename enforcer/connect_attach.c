// SPDX-License-Identifier: GPL-2.0-only
/* The cgroup connect programs' attachments: see connect_attach.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "connect_attach.h"
#include "host.h"

#define FILEID_KERNFS 0xfe /* a kernfs file handle: the node's 64-bit id (cgroup id) */

static const struct {
	const char *name;
	enum bpf_attach_type type;
} programs[] = {
    {"lg_subflow_connect4", BPF_CGROUP_INET4_CONNECT},
    {"lg_subflow_connect6", BPF_CGROUP_INET6_CONNECT},
};
#define PROGRAM_COUNT (sizeof(programs) / sizeof(programs[0]))

unsigned long long lg_connect_bound_count(const struct lg_bpf *bpf)
{
	__u32 index = LG_EPOCH_CGROUPS_BOUND;
	__u64 count = 0;

	bpf_map_lookup_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &count);
	return count;
}

/* The cgroup whose id is id, opened by file handle under the cgroup2 root (mount_fd). */
static int open_cgroup(int mount_fd, __u64 id)
{
	struct {
		struct file_handle head;
		__u64 id;
	} handle = {{sizeof(__u64), FILEID_KERNFS}, id};

	return open_by_handle_at(mount_fd, &handle.head, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void link_pin(char *buf, size_t size, const struct lg_bpf *bpf, size_t program, __u64 id)
{
	snprintf(buf, size, "%s/links/%s@%llu", bpf->pin_dir, programs[program].name,
		 (unsigned long long)id);
}

/* Attach the programs (prog_fd) at cgroup id where their pins are missing. */
static int attach_at(const struct lg_bpf *bpf, const int *prog_fd, int mount_fd, __u64 id,
		     char *err, size_t errsize)
{
	int cgroup_fd = -1, ret = 0;
	char path[512];

	for (size_t i = 0; i < PROGRAM_COUNT && !ret; i++) {
		int link_fd;

		link_pin(path, sizeof(path), bpf, i, id);
		if (access(path, F_OK) == 0)
			continue;
		if (cgroup_fd < 0) {
			cgroup_fd = open_cgroup(mount_fd, id);
			if (cgroup_fd < 0) {
				/* Not visible yet (bound at its mkdir), or removed since */
				ret = errno == ENOENT || errno == ESTALE ? -EAGAIN : -errno;
				if (ret != -EAGAIN)
					snprintf(err, errsize, "cannot open cgroup %llu: %s",
						 (unsigned long long)id, strerror(-ret));
				break;
			}
		}
		link_fd = bpf_link_create(prog_fd[i], cgroup_fd, programs[i].type, NULL);
		if (link_fd < 0) {
			ret = -errno;
			snprintf(err, errsize, "cannot attach %s at cgroup %llu: %s", programs[i].name,
				 (unsigned long long)id, strerror(-ret));
			break;
		}
		if (bpf_obj_pin(link_fd, path)) {
			ret = -errno;
			snprintf(err, errsize, "cannot pin %s: %s", path, strerror(-ret));
		}
		close(link_fd);
	}
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	return ret;
}

/* Remove the pins of cgroups no longer bound: their links detach. */
static int detach_unbound(const struct lg_bpf *bpf, char *err, size_t errsize)
{
	char dir[320], path[640];
	struct dirent *entry;
	int ret = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/links", bpf->pin_dir);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((entry = readdir(d))) {
		const char *at = strchr(entry->d_name, '@');
		__u32 policy;
		__u64 id;
		char *end;

		if (!at || strncmp(entry->d_name, "lg_subflow_connect", 18) != 0)
			continue;
		errno = 0;
		id = strtoull(at + 1, &end, 10);
		if (errno || *end || end == at + 1)
			continue;
		if (bpf_map_lookup_elem(bpf->map_fd[LG_MAP_CGROUP_POLICY], &id, &policy) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
		if (unlink(path) && errno != ENOENT && !ret) {
			ret = -errno;
			snprintf(err, errsize, "cannot remove %s: %s", path, strerror(-ret));
		}
	}
	closedir(d);
	return ret;
}

int lg_connect_attach_sync(const struct lg_bpf *bpf, bool unbound, char *err, size_t errsize)
{
	int prog_fd[PROGRAM_COUNT], mount_fd = -1, ret = 0, pending = 0, one;
	const char *root = lg_cgroup2_root();
	char path[512], one_err[1024];
	__u64 key, next;
	bool first = true;

	for (size_t i = 0; i < PROGRAM_COUNT; i++)
		prog_fd[i] = -1;
	for (size_t i = 0; i < PROGRAM_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/progs/%s", bpf->pin_dir, programs[i].name);
		prog_fd[i] = bpf_obj_get(path);
		if (prog_fd[i] < 0) {
			/* not loaded: a kernel without MPTCP (bpf_state.c) */
			ret = errno == ENOENT ? 0 : -errno;
			if (ret)
				snprintf(err, errsize, "cannot open %s: %s", path, strerror(-ret));
			goto out;
		}
	}
	mount_fd = root ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (mount_fd < 0) {
		ret = root ? -errno : -ENOENT;
		snprintf(err, errsize, "cannot open the cgroup2 root: %s", strerror(-ret));
		goto out;
	}
	/* Every cgroup is tried whatever another's failure: the first hard error is said, and a
	 * cgroup not visible yet is still retried (-EAGAIN) */
	while (bpf_map_get_next_key(bpf->map_fd[LG_MAP_CGROUP_POLICY], first ? NULL : &key,
				    &next) == 0) {
		first = false;
		key = next;
		one_err[0] = '\0';
		one = attach_at(bpf, prog_fd, mount_fd, key, one_err, sizeof(one_err));
		if (one == -EAGAIN) {
			pending++;
		} else if (one && !ret) {
			ret = one;
			snprintf(err, errsize, "%s", one_err);
		}
	}
	if (unbound) {
		one_err[0] = '\0';
		one = detach_unbound(bpf, one_err, sizeof(one_err));
		if (one && !ret) {
			ret = one;
			if (one_err[0])
				snprintf(err, errsize, "%s", one_err);
			else
				snprintf(err, errsize, "cannot read %s/links: %s", bpf->pin_dir,
					 strerror(-one));
		}
	}
	if (pending)
		ret = -EAGAIN;
out:
	for (size_t i = 0; i < PROGRAM_COUNT; i++)
		if (prog_fd[i] >= 0)
			close(prog_fd[i]);
	if (mount_fd >= 0)
		close(mount_fd);
	return ret;
}
