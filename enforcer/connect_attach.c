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

/* Whether the link pinned at path is attached at cgroup id; a pin whose link is not (detached
 * by root outside every policy with BPF_LINK_DETACH, or its cgroup gone) is removed. */
static bool pin_live(const char *path, __u64 id)
{
	struct bpf_link_info info = {0};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	bool live;

	if (fd < 0)
		return false;
	live = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.cgroup.cgroup_id == id;
	close(fd);
	if (!live)
		unlink(path);
	return live;
}

/* How many times program id is in the cgroup's effective array for type (its own attachment
 * and its ancestors'); -errno. */
static int effective_count(int cgroup_fd, enum bpf_attach_type type, __u32 prog_id)
{
	__u32 ids[64], count = 64;
	int found = 0;

	if (bpf_prog_query(cgroup_fd, type, BPF_F_QUERY_EFFECTIVE, NULL, ids, &count))
		return -errno;
	for (__u32 i = 0; i < count && i < 64; i++)
		found += ids[i] == prog_id;
	return found;
}

/*
 * The programs (prog_fd, their ids prog_id) in force at cgroup id, once: attached there where
 * no ancestor's attachment already runs them, and this cgroup's own attachment removed where an
 * ancestor's does (nested bound cgroups: twice would decide, and report, everything twice).
 * A pass with attach false only removes. -EAGAIN: not visible yet, or removed since (its
 * binding goes with it: retried until then, without a word).
 */
static int attach_at(const struct lg_bpf *bpf, const int *prog_fd, const __u32 *prog_id,
		     int mount_fd, __u64 id, bool attach, char *err, size_t errsize)
{
	int cgroup_fd = open_cgroup(mount_fd, id), ret = 0;
	char path[512];

	if (cgroup_fd < 0) {
		/* Not visible yet (bound at its mkdir), or removed since */
		ret = errno == ENOENT || errno == ESTALE ? -EAGAIN : -errno;
		if (ret != -EAGAIN)
			snprintf(err, errsize, "cannot open cgroup %llu: %s", (unsigned long long)id,
				 strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < PROGRAM_COUNT && !ret; i++) {
		bool own;
		int count, link_fd;

		link_pin(path, sizeof(path), bpf, i, id);
		own = pin_live(path, id);
		count = effective_count(cgroup_fd, programs[i].type, prog_id[i]);
		if (count == -ENOENT) {
			ret = -EAGAIN; /* removed since it was opened (the kernel's offline cgroup) */
			break;
		}
		if (count < 0) {
			ret = count;
			snprintf(err, errsize, "cannot query cgroup %llu's connect programs: %s",
				 (unsigned long long)id, strerror(-ret));
			break;
		}
		if (own && count > 1) {
			unlink(path); /* an ancestor's runs them */
			continue;
		}
		if (own || count > 0 || !attach)
			continue;
		link_fd = bpf_link_create(prog_fd[i], cgroup_fd, programs[i].type, NULL);
		if (link_fd < 0 && errno == ENOENT) {
			/*
			 * Removed since it was opened: the kernel refuses an offline cgroup with
			 * ENOENT, and its binding goes with it (cgroup.bpf.c), so there is nothing
			 * to attach and nothing to warn about (a CI run saw the warning in a case
			 * that makes and removes a bound cgroup in a loop).
			 */
			ret = -EAGAIN;
			break;
		}
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

int lg_connect_attach_sync(const struct lg_bpf *bpf, char *err, size_t errsize)
{
	int prog_fd[PROGRAM_COUNT], mount_fd = -1, ret = 0, pending = 0, one;
	__u32 prog_id[PROGRAM_COUNT] = {0};
	const char *root = lg_cgroup2_root();
	char path[512], one_err[1024];
	__u64 key, next;
	bool first = true;

	for (size_t i = 0; i < PROGRAM_COUNT; i++)
		prog_fd[i] = -1;
	for (size_t i = 0; i < PROGRAM_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/progs/%s", bpf->pin_dir, programs[i].name);
		prog_fd[i] = bpf_obj_get(path);
		if (prog_fd[i] >= 0) {
			struct bpf_prog_info info = {0};
			__u32 len = sizeof(info);

			if (bpf_obj_get_info_by_fd(prog_fd[i], &info, &len)) {
				ret = -errno;
				snprintf(err, errsize, "cannot read %s: %s", path, strerror(-ret));
				goto out;
			}
			prog_id[i] = info.id;
		}
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
	/* Cgroups no longer bound first (a cgroup below one may need its own then); every cgroup
	 * is tried whatever another's failure: the first hard error is said, and a cgroup not
	 * visible yet is still retried (-EAGAIN). Then a second pass drops the attachments an
	 * ancestor's made redundant. */
	one_err[0] = '\0';
	one = detach_unbound(bpf, one_err, sizeof(one_err));
	if (one) {
		ret = one;
		if (one_err[0])
			snprintf(err, errsize, "%s", one_err);
		else
			snprintf(err, errsize, "cannot read %s/links: %s", bpf->pin_dir,
				 strerror(-one));
	}
	for (int pass = 0; pass < 2; pass++) {
		first = true;
		while (bpf_map_get_next_key(bpf->map_fd[LG_MAP_CGROUP_POLICY],
					    first ? NULL : &key, &next) == 0) {
			first = false;
			key = next;
			one_err[0] = '\0';
			one = attach_at(bpf, prog_fd, prog_id, mount_fd, key, pass == 0, one_err,
					sizeof(one_err));
			if (one == -EAGAIN) {
				pending += pass == 0;
			} else if (one && !ret) {
				ret = one;
				snprintf(err, errsize, "%s", one_err);
			}
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

int lg_connect_programs_wait(const char *pin_dir, const char *cgroup, int timeout_ms)
{
	const char *root = lg_cgroup2_root();
	__u32 prog_id[PROGRAM_COUNT] = {0};
	char path[4096];
	int cgroup_fd, count = 0;
	bool loaded = false;

	for (size_t i = 0; i < PROGRAM_COUNT; i++) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);
		int prog_fd;

		snprintf(path, sizeof(path), "%s/progs/%s", pin_dir, programs[i].name);
		prog_fd = bpf_obj_get(path);
		if (prog_fd < 0)
			continue; /* not loaded: nothing to wait for */
		if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
			int ret = -errno;

			close(prog_fd);
			return ret;
		}
		close(prog_fd);
		prog_id[i] = info.id;
		loaded = true;
	}
	if (!loaded)
		return 0;
	if (!root)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s%s", root, cgroup);
	cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd < 0)
		return -errno;
	/* both programs (the daemon attaches the IPv4 one first, the IPv6 one just after) */
	for (int waited = 0; waited <= timeout_ms; waited++) {
		count = 1;
		for (size_t i = 0; i < PROGRAM_COUNT && count > 0; i++)
			if (prog_id[i])
				count = effective_count(cgroup_fd, programs[i].type, prog_id[i]);
		if (count != 0)
			break;
		usleep(1000);
	}
	close(cgroup_fd);
	return count > 0 ? 0 : count < 0 ? count : -ETIMEDOUT;
}
