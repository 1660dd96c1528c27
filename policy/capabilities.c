// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capability names ([capabilities] keep = ..., events, explain, learn): the kernel's list as of
 * 6.1 (include/uapi/linux/capability.h, CAP_LAST_CAP = 40).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

static const char *const capability_names[LG_CAP_COUNT] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	"CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",		"CAP_KILL",		"CAP_SETGID",	       "CAP_SETUID",
	"CAP_SETPCAP",		"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		"CAP_IPC_LOCK",	       "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",	"CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",	       "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		"CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
	"CAP_LEASE",		"CAP_AUDIT_WRITE",	"CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",	"CAP_MAC_ADMIN",	"CAP_SYSLOG",	       "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	"CAP_PERFMON",	       "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

const char *lg_capability_name(unsigned cap)
{
	return cap < LG_CAP_COUNT ? capability_names[cap] : NULL;
}

int lg_capability_from_name(const char *name)
{
	const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;

	for (int cap = 0; cap < LG_CAP_COUNT; cap++)
		if (strcasecmp(bare, capability_names[cap] + 4) == 0)
			return cap;
	return -1;
}
