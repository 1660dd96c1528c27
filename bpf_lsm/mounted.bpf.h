/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mount namespaces: whether a task is in the host's (lsmguard's). The mount hooks
 * (mount.bpf.c) and the names with a mount on them (mounted.bpf.c) decide by it.
 */
#ifndef LSMGUARD_MOUNTED_BPF_H
#define LSMGUARD_MOUNTED_BPF_H

#include "common.bpf.h"

/* Whether ns is the host's mount namespace (lsmguard's); unknown yet: taken as the host's. */
static __always_inline bool lg_mount_ns_is_host(struct mnt_namespace *ns)
{
	struct lg_config *config;
	__u32 zero = 0;

	config = bpf_map_lookup_elem(&lg_config_map, &zero);
	if (!config || !config->mount_ns)
		return true;
	return ns && BPF_CORE_READ(ns, ns.inum) == config->mount_ns;
}

static __always_inline struct mnt_namespace *lg_current_mount_ns(void)
{
	return BPF_CORE_READ(bpf_get_current_task_btf(), nsproxy, mnt_ns);
}

#endif /* LSMGUARD_MOUNTED_BPF_H */
