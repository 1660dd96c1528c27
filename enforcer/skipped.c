// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf_state.h"
#include "skipped.h"

/* A program's fd and info from its pinned link; -errno. */
static int program_of_link(const char *path, struct bpf_prog_info *info)
{
	struct bpf_link_info link = {0};
	__u32 len = sizeof(link);
	int fd, prog;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &link, &len)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	close(fd);
	prog = bpf_prog_get_fd_by_id(link.prog_id);
	if (prog < 0)
		return -errno;
	len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(prog, info, &len)) {
		int ret = -errno;

		close(prog);
		return ret;
	}
	return prog;
}

int lg_skipped_open(struct lg_skipped *s, const char *pin_dir)
{
	memset(s, 0, sizeof(*s));
	s->programs = calloc((size_t)lg_program_count, sizeof(*s->programs));
	if (!s->programs)
		return -ENOMEM;
	for (int i = 0; i < lg_program_count; i++) {
		struct bpf_prog_info info;
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "%s/links/%s", pin_dir, lg_program_names[i]);
		fd = program_of_link(path, &info);
		if (fd < 0)
			continue; /* a program this kernel has no hook for */
		if (info.type != BPF_PROG_TYPE_TRACING) {
			close(fd);
			continue;
		}
		s->programs[s->count++] =
		    (struct lg_skip_program){lg_program_names[i], fd, info.recursion_misses};
	}
	return 0;
}

enum lg_skip_repair lg_skipped_poll(struct lg_skipped *s,
				    void (*fn)(void *ctx, const char *name, __u64 grown,
					       __u64 total),
				    void *ctx)
{
	enum lg_skip_repair strongest = LG_SKIP_REPORT;

	for (int i = 0; i < s->count; i++) {
		struct lg_skip_program *p = &s->programs[i];
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);
		enum lg_skip_repair repair;

		if (bpf_obj_get_info_by_fd(p->fd, &info, &len) || info.recursion_misses <= p->misses)
			continue;
		fn(ctx, p->name, info.recursion_misses - p->misses, info.recursion_misses);
		p->misses = info.recursion_misses;
		lg_skip_effect(p->name, &repair);
		if (repair > strongest)
			strongest = repair;
	}
	return strongest;
}

void lg_skipped_close(struct lg_skipped *s)
{
	for (int i = 0; i < s->count; i++)
		close(s->programs[i].fd);
	free(s->programs);
	memset(s, 0, sizeof(*s));
}
