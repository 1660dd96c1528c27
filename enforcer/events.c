// SPDX-License-Identifier: GPL-2.0-only
/* Events: one JSON object per line, each pointing to the rule's FILE:LINE. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "json.h"

static const char *const hook_names[LG_HOOK_COUNT] = {
	[LG_HOOK_NONE] = "none",
	[LG_HOOK_FILE_OPEN] = "file_open",
	[LG_HOOK_BPRM_CHECK] = "bprm_check_security",
	[LG_HOOK_SOCKET_CONNECT] = "socket_connect",
	[LG_HOOK_SOCKET_SENDMSG] = "socket_sendmsg",
	[LG_HOOK_PATH_RENAME] = "path_rename",
	[LG_HOOK_PATH_LINK] = "path_link",
	[LG_HOOK_PATH_UNLINK] = "path_unlink",
	[LG_HOOK_PATH_TRUNCATE] = "path_truncate",
	[LG_HOOK_TASK_ALLOC] = "task_alloc",
	[LG_HOOK_BPF] = "bpf",
	[LG_HOOK_KERNEL_MODULE] = "kernel_module",
	[LG_HOOK_PTRACE] = "ptrace_access_check",
	[LG_HOOK_SB_UMOUNT] = "sb_umount",
	[LG_HOOK_MMAP_FILE] = "mmap_file",
	[LG_HOOK_FILE_MPROTECT] = "file_mprotect",
	[LG_HOOK_BPF_MAP] = "bpf_map",
};

static const char *const builtin_reasons[] = {
	[LG_BUILTIN_NONE] = "",
	[LG_BUILTIN_CGROUP_MOVE] = "a confined task cannot move processes out from under its policy",
	[LG_BUILTIN_BPF] = "a confined task cannot use bpf()",
	[LG_BUILTIN_MODULE] = "a confined task cannot load kernel modules or kexec images",
	[LG_BUILTIN_PTRACE] = "a confined task can trace only tasks under its own policy",
	[LG_BUILTIN_BPFFS] = "a confined task cannot remove, rename or unmount bpffs pins",
	[LG_BUILTIN_SELF] = "only lsmguard changes its maps and pins (lsmguard unload ends "
			    "enforcement)",
};

static const char *const decision_names[LG_DECISION_COUNT] = {
	[LG_DECISION_FILE_READ] = "read",
	[LG_DECISION_FILE_WRITE] = "write",
	[LG_DECISION_EXEC] = "exec",
	[LG_DECISION_NET] = "connect",
};

const char *lg_hook_name(unsigned hook)
{
	return hook < LG_HOOK_COUNT ? hook_names[hook] : "unknown";
}

static void print_time(FILE *out, __u64 boot_ns)
{
	struct timespec real, boot;
	char buf[64];
	struct tm tm;
	__s64 ns;
	time_t sec;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	ns = (__s64)real.tv_sec * 1000000000LL + real.tv_nsec -
	     ((__s64)boot.tv_sec * 1000000000LL + boot.tv_nsec) + (__s64)boot_ns;
	sec = (time_t)(ns / 1000000000LL);
	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "\"time\":\"%s.%06lldZ\"", buf, (long long)(ns % 1000000000LL) / 1000);
}

void lg_event_print(FILE *out, const struct lg_event *ev, const struct lg_loaded *loaded)
{
	const struct lg_loaded_set *set = &loaded->bank[ev->policy > LG_MAX_POLICIES];
	const struct lg_rule_source *rule = NULL;
	const char *policy_name = NULL;
	char comm[17], text[320];

	if (set->compiled && ev->policy > set->compiled->id_base &&
	    ev->policy <= set->compiled->id_base + set->compiled->policy_count) {
		policy_name = set->set.policies[ev->policy - set->compiled->id_base - 1]->name;
		rule = lg_rule_source(set->compiled, ev->rule);
	}
	fprintf(out, "{\"event\":\"%s\",", (ev->flags & LG_EVENT_AUDIT) ? "audit" : "deny");
	print_time(out, ev->time_ns);
	fprintf(out, ",\"hook\":\"%s\",\"access\":\"%s\",\"policy\":", lg_hook_name(ev->hook),
		ev->decision < LG_DECISION_COUNT ? decision_names[ev->decision] : "unknown");
	if (policy_name)
		json_string(out, policy_name);
	else if (ev->policy == 0)
		fprintf(out, "null");
	else /* a set this daemon did not load (queued before it adopted the pins) */
		fprintf(out, "null,\"policy_id\":%u", ev->policy);
	fprintf(out, ",\"rule\":%u", ev->rule);
	if (rule) {
		snprintf(text, sizeof(text), "%s:%u", rule->file, rule->line);
		fprintf(out, ",\"source\":");
		json_string(out, text);
		fprintf(out, ",\"rule_action\":\"%s\",\"rule_object\":", lg_action_name(rule->action));
		json_string(out, rule->object);
	} else if (ev->flags & LG_EVENT_BUILTIN) {
		fprintf(out, ",\"source\":\"built-in: %s\"",
			ev->builtin < sizeof(builtin_reasons) / sizeof(builtin_reasons[0])
				? builtin_reasons[ev->builtin]
				: "unknown");
	} else if (ev->flags & LG_EVENT_WALK_LIMIT) {
		fprintf(out, ",\"source\":\"fail-closed: deeper than %d path components\"",
			LG_PATH_DEPTH_MAX);
	}
	if (ev->hook == LG_HOOK_SOCKET_CONNECT || ev->hook == LG_HOOK_SOCKET_SENDMSG) {
		char addr[INET6_ADDRSTRLEN] = "?";

		inet_ntop(ev->object.net.family == 4 ? AF_INET : AF_INET6, ev->object.net.addr, addr,
			  sizeof(addr));
		fprintf(out, ",\"family\":\"ipv%u\",\"address\":\"%s\",\"port\":%u,\"protocol\":\"%s\"",
			ev->object.net.family, addr, ev->object.net.port,
			ev->object.net.protocol == LG_NET_TCP   ? "tcp"
			: ev->object.net.protocol == LG_NET_UDP ? "udp"
								: "other");
	} else {
		char path[LG_EVENT_PATH_MAX + 1];

		memcpy(path, ev->object.path, LG_EVENT_PATH_MAX);
		path[LG_EVENT_PATH_MAX] = '\0';
		fprintf(out, ",\"path\":");
		json_string(out, path);
		if (ev->flags & LG_EVENT_TRUNCATED)
			fprintf(out, ",\"path_truncated\":true");
	}
	memcpy(comm, ev->comm, 16);
	comm[16] = '\0';
	fprintf(out, ",\"pid\":%u,\"tgid\":%u,\"uid\":%u,\"comm\":", ev->pid, ev->tgid, ev->uid);
	json_string(out, comm);
	if (ev->suppressed)
		fprintf(out, ",\"suppressed_before\":%u", ev->suppressed);
	fprintf(out, ",\"cgroup_id\":%llu%s%s}\n", (unsigned long long)ev->cgroup_id,
		(ev->flags & LG_EVENT_WALK_LIMIT) ? ",\"walk_limit\":true" : "",
		(ev->flags & LG_EVENT_HARDLINK) ? ",\"via_hardlink\":true" : "");
}
