// SPDX-License-Identifier: GPL-2.0-only
/* Events: one JSON object per line, each pointing to the rule's FILE:LINE. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "json.h"
#include "names.h"

/*
 * Each reason fits LG_BUILTIN_REASON_MAX (events.h; the compiler refuses a longer one, but
 * takes one of exactly LG_BUILTIN_REASON_MAX characters without its terminator:
 * tests/unit/test_events.c checks each; a source text cut short in events went unnoticed
 * once), and an event's source, "built-in: " and the reason, fits the text buffers below.
 */
#define LG_EVENT_TEXT_MAX (LG_BUILTIN_REASON_MAX + 16)
static const char builtin_reasons[LG_BUILTIN_COUNT][LG_BUILTIN_REASON_MAX] = {
	[LG_BUILTIN_NONE] = "",
	[LG_BUILTIN_CGROUP_MOVE] = "a confined task cannot move processes between cgroups, nor "
				   "within its policy's unless it says [system] cgroups = delegate",
	[LG_BUILTIN_BPF] = "a confined task cannot use bpf()",
	[LG_BUILTIN_MODULE] = "a confined task cannot load kernel modules or kexec images, nor have "
			      "the kernel run its helpers for it (module autoload unless its "
			      "policy says [system] module-autoload = allow, key upcalls)",
	[LG_BUILTIN_PTRACE] = "a confined task can trace only tasks under its own policy",
	[LG_BUILTIN_BPFFS] = "a confined task cannot remove, rename, make or change anything in bpffs, nor unmount it",
	[LG_BUILTIN_SELF] = "only lsmguard changes its maps and pins (lsmguard unload ends "
			    "enforcement)",
	[LG_BUILTIN_SIGNAL] = "a confined task cannot signal lsmguard, PID 1 (the service "
			      "manager) or systemd-journald; no SIGIO or SIGURG reaches them",
	[LG_BUILTIN_CGROUP_FILE] = "a confined task cannot write the control files of cgroups outside "
				   "its policy, nor of its own unless it says [system] cgroups = "
				   "delegate, nor any file of a cgroup v1 hierarchy",
	[LG_BUILTIN_KNOB] = "a confined task cannot change kernel settings that run programs, load "
			    "code, weaken protections or bind every process, nor open kernel memory",
	[LG_BUILTIN_PERF] = "a confined task cannot open perf events on tasks outside its policy "
			    "or CPU-wide",
	[LG_BUILTIN_DEVICES] = "a confined task cannot create device nodes, or open them through "
			       "overlayfs, unless its policy says [system] devices = allow",
	[LG_BUILTIN_RULES_BENEATH] = "a confined task cannot rename or move a directory that "
				     "holds a rule's path, put a directory or symbolic link where "
				     "one lies beneath, nor move a file out of an [exec] deny rule",
	[LG_BUILTIN_USERNS] = "a confined task cannot create user namespaces unless its policy says "
			      "[system] userns = allow",
	[LG_BUILTIN_MOUNT] = "a confined task cannot mount, unmount, remount, move or pivot unless its "
			     "policy says [system] mount = namespace or allow, nor remove or "
			     "rename a name another mount namespace has a mount on (that unmounts "
			     "or moves the mount), nor create, snapshot, remove or change btrfs "
			     "subvolumes, unless it says mount = allow",
	[LG_BUILTIN_PROTECTED] = "a confined task cannot change, rename, remove or mount over "
				 "lsmguard's policy directory, executable, state or unit, the "
				 "journal's sockets and files, or a directory above them",
	[LG_BUILTIN_RECEIVE] = "a confined task cannot receive a namespace or BPF object "
			       "descriptor",
	[LG_BUILTIN_LINK_FULL] = "the hard-link records are full: no new name for a file under a "
				 "deny rule, nor by a confined task",
	[LG_BUILTIN_OTHERS_BENEATH] = "a confined task cannot rename or move a directory that "
				      "holds another policy's deny rule, nor put a directory or "
				      "symbolic link where one lies beneath",
	[LG_BUILTIN_SERVICE_MANAGER] = "a confined task cannot reach the service manager over "
				       "systemd's private socket or the host's root daemons over "
				       "their control sockets (journald, udevd, oomd), nor the "
				       "D-Bus system bus unless its policy says [system] "
				       "system-bus = allow",
	[LG_BUILTIN_TUNE] = "a confined task cannot change the priority, scheduling, limits, OOM "
			    "score or /proc files of lsmguard, PID 1 or systemd-journald",
	[LG_BUILTIN_HOST_CODE] = "a confined task cannot change what the host runs as root "
				 "(units, cron, udev, modules, /usr, /etc...) unless a write rule of its "
				 "policy names the place or it says [system] host-code = allow",
	[LG_BUILTIN_KERNEL_SETTING] = "a confined task cannot change kernel settings (/proc/sys, "
				      "/sys) unless its policy says [system] kernel-settings = "
				      "allow",
	[LG_BUILTIN_TERMINAL] = "a confined task cannot type into a terminal or console (TIOCSTI, "
				"TIOCLINUX, line disciplines, keymaps, uinput and other input "
				"devices), nor read or redirect the console (vcs, TIOCCONS)",
	[LG_BUILTIN_CREDENTIALS] = "a confined task cannot send credentials (SCM_CREDENTIALS) "
				   "other than its own process id, user and group",
	[LG_BUILTIN_LOCKDOWN] = "a confined task cannot reach raw hardware or kernel memory (what "
				"the kernel's lockdown refuses: I/O ports, PCI, MSRs, /dev/mem, "
				"ACPI tables, kprobes, kcore...; UIO and VFIO devices, the "
				"firmware's NVRAM)",
	[LG_BUILTIN_CLOCK] = "a confined task cannot set the clock unless its policy says [system] "
			     "clock = allow",
	[LG_BUILTIN_RAW_DISK] = "a confined task cannot reach a disk past its files (block devices, "
				"SCSI generic, SG_IO, NVMe passthrough, configfs targets, btrfs's "
				"tree search, send and device commands) unless its policy says "
				"[system] raw-disks = allow",
	[LG_BUILTIN_KERNEL_LOG] = "a confined task cannot clear, consume, silence or write into the "
				  "kernel log",
	[LG_BUILTIN_OTHER_POLICY] = "a confined task cannot signal processes outside its policy "
				    "(another policy's, or under none) unless its policy says "
				    "[system] signal-others = allow, nor tune, limit or write their "
				    "/proc files",
	[LG_BUILTIN_MAIN_PID] = "a confined task cannot name another process than its own (or its "
				"parent's under the same policy) as its unit's main process "
				"(MAINPID=) to a service manager",
	[LG_BUILTIN_OTHERS_OBJECTS] = "a confined task cannot reach System V IPC objects or keys made "
				      "by another policy's tasks or by tasks under none unless its "
				      "policy says [system] ipc-others = allow",
	[LG_BUILTIN_HOST_BUDGET] = "a confined task cannot take the host's last ptys (kernel.pty.max "
				   "less kernel.pty.reserve, as in a container), nor the last "
				   "quarter of its tasks (kernel.threads-max), open files "
				   "(fs.file-max) and AIO events (fs.aio-max-nr), of its IPC "
				   "namespace's System V objects, pages and semaphores and POSIX "
				   "message queues (kernel.shmmni, msgmni, shmall, sem, "
				   "fs.mqueue.queues_max) or of a user's key quota "
				   "(kernel.keys.maxkeys, maxbytes): they are kept for logins and "
				   "processes outside every policy",
	[LG_BUILTIN_UEVENT] = "a confined task cannot send udev messages (netlink uevents): "
			      "systemd starts the units a device wants",
	[LG_BUILTIN_JOURNAL] = "a confined task cannot file journal entries under another process "
			       "or unit: OBJECT_ or COREDUMP fields or an entry lsmguard cannot read, "
			       "from root; a stream of its own to journald",
	[LG_BUILTIN_OVERLAY] = "a confined task cannot mount overlayfs or ecryptfs unless its "
			       "policy says [system] mount = allow: they remove, rename and make "
			       "the names of the layer beneath below every path rule, another "
			       "policy's and lsmguard's own included",
	[LG_BUILTIN_COVERED] = "a confined task cannot mount at a name another mount covers "
			       "(reached through a descriptor, a working directory or a handle "
			       "from before that mount): the kernel puts the mount on top of what "
			       "covers it, which may be lsmguard's, another policy's or the host's",
	[LG_BUILTIN_STOP_GUARD] = "the service manager (PID 1) cannot signal lsmguard before "
				  "`lsmguard stop` (lsmguard.service's ExecStop=): another unit's "
				  "PIDFile= may name the daemon",
	[LG_BUILTIN_SOURCE_ROUTE] = "a confined task whose policy decides destinations cannot send "
				    "by a source route (IPv4 options, an IPv6 routing header), nor "
				    "send several messages to one address with control messages in "
				    "one sendmmsg() (only the first is decided), nor send to the "
				    "unspecified address (0.0.0.0, ::) from a socket whose source "
				    "address bind() has not fixed (another thread can change it "
				    "after the decision): the packet would leave for another first "
				    "hop or source than the address decided",
	[LG_BUILTIN_HOST_CONTROL] = "a confined task cannot reboot the host (reboot, watchdogs, the "
				    "baseboard controller), account every process, freeze, shut "
				    "down, resize or relabel a filesystem or change its devices, "
				    "balance, scrub or quotas, nor watch a whole filesystem or hold "
				    "other processes' opens (fanotify)",
};

/* The wall-clock time of a CLOCK_BOOTTIME stamp, as RFC 3339 UTC with microseconds. */
static void format_time(char *text, size_t size, __u64 boot_ns)
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
	snprintf(text, size, "%s.%06lldZ", buf, (long long)(ns % 1000000000LL) / 1000);
}

void lg_lost_print(FILE *out, const struct lg_lost_key *key, __u64 count, __u64 from_ns,
		   __u64 to_ns, const char *lost_in, const struct lg_loaded *loaded)
{
	const struct lg_compiled *compiled = NULL;
	const struct lg_policy *policy = lg_loaded_policy(loaded, key->policy, &compiled);
	const struct lg_rule_source *rule = policy ? lg_rule_source(compiled, key->rule) : NULL;
	char text[LG_EVENT_TEXT_MAX];
	struct json_writer w;

	json_init(&w, out);
	json_object_start(&w);
	json_string_field(&w, "event", "lost");
	json_string_field(&w, "lost_in", lost_in);
	json_string_field(&w, "hook", lg_hook_name(key->hook));
	if (policy)
		json_string_field(&w, "policy", policy->name);
	else
		json_null_field(&w, "policy");
	json_uint_field(&w, "rule", key->rule);
	if (rule) {
		snprintf(text, sizeof(text), "%s:%u", rule->file, rule->line);
		json_string_field(&w, "source", text);
	} else if (key->builtin &&
		   key->builtin < sizeof(builtin_reasons) / sizeof(builtin_reasons[0])) {
		snprintf(text, sizeof(text), "built-in: %s", lg_builtin_reason(key->builtin));
		json_string_field(&w, "source", text);
	} else if (!key->policy && !key->rule && !key->hook) {
		json_string_field(&w, "source",
				  "lsmguard: its own events (ready, reload, ...), and "
				  "verdicts past the keys it counts");
	}
	json_uint_field(&w, "count", count);
	format_time(text, sizeof(text), from_ns);
	json_string_field(&w, "from", text);
	format_time(text, sizeof(text), to_ns);
	json_string_field(&w, "to", text);
	json_object_end(&w);
	json_newline(&w);
}

void lg_event_print(FILE *out, const struct lg_event *ev, const struct lg_loaded *loaded)
{
	const struct lg_compiled *compiled = NULL;
	const struct lg_policy *policy = lg_loaded_policy(loaded, ev->policy, &compiled);
	const struct lg_rule_source *rule = policy ? lg_rule_source(compiled, ev->rule) : NULL;
	/* a [capabilities] verdict: the object is a capability, not a path or an address */
	bool capability = lg_hook_is_capability(ev->hook) && !(ev->flags & LG_EVENT_BUILTIN);
	/* An abstract unix socket name (also a bind's). Programs of an older build, adopted,
	 * left object_kind unwritten: their unix hooks' network verdicts were such names. */
	bool abstract = ev->object_kind == LG_EVENT_OBJECT_ABSTRACT ||
			((ev->hook == LG_HOOK_UNIX_STREAM_CONNECT ||
			  ev->hook == LG_HOOK_UNIX_MAY_SEND) &&
			 ev->decision == LG_DECISION_NET && !(ev->flags & LG_EVENT_BUILTIN));
	char comm[17], text[LG_EVENT_TEXT_MAX];
	struct json_writer w;

	json_init(&w, out);
	json_object_start(&w);
	json_string_field(&w, "event", (ev->flags & LG_EVENT_NOTICE)  ? "notice"
				       : (ev->flags & LG_EVENT_AUDIT) ? "audit"
								       : "deny");
	format_time(text, sizeof(text), ev->time_ns);
	json_string_field(&w, "time", text);
	json_string_field(&w, "hook", lg_hook_name(ev->hook));
	/* The listen rules share the network decision's default; their access is their own. */
	json_string_field(&w, "access", capability			    ? "capability"
					: ev->hook == LG_HOOK_SOCKET_CREATE ? "socket"
					: lg_hook_is_listen(ev->hook) ||
							  ev->object_kind == LG_EVENT_OBJECT_LISTEN
						? "listen"
									    : lg_decision_name(ev->decision));
	if (policy) {
		json_string_field(&w, "policy", policy->name);
	} else {
		json_null_field(&w, "policy");
		/* a set this daemon did not load (queued before it adopted the pins) */
		if (ev->policy)
			json_uint_field(&w, "policy_id", ev->policy);
	}
	json_uint_field(&w, "rule", ev->rule);
	if (rule) {
		snprintf(text, sizeof(text), "%s:%u", rule->file, rule->line);
		json_string_field(&w, "source", text);
		json_string_field(&w, "rule_action", lg_action_name(rule->action));
		json_string_field(&w, "rule_object", rule->object);
	} else if (ev->flags & LG_EVENT_BUILTIN) {
		snprintf(text, sizeof(text), "built-in: %s",
			 lg_builtin_reason(ev->builtin)[0] ? lg_builtin_reason(ev->builtin)
							   : "unknown");
		json_string_field(&w, "source", text);
	} else if ((ev->flags & LG_EVENT_NO_SCRATCH) == LG_EVENT_NO_SCRATCH) {
		json_string_field(&w, "source", "fail-closed: no room to walk the path (the task's "
						"scratch and every spare were taken by tasks "
						"preempted inside the kernel's storage helpers)");
	} else if (ev->flags & LG_EVENT_DISCONNECTED) {
		json_string_field(&w, "source", "fail-closed: a disconnected name (a file opened by "
						"handle whose path is not known, on a mount "
						"unmounted while held, or on a host filesystem "
						"the mount table has no record of: the table "
						"full, or seen from another mount namespace)");
	} else if ((ev->flags & LG_EVENT_WALK_LIMIT) && abstract) {
		json_string_field(&w, "source", "fail-closed: an abstract socket name lsmguard cannot "
						"read");
	} else if (ev->flags & LG_EVENT_WALK_LIMIT) {
		snprintf(text, sizeof(text), "fail-closed: deeper than %d path components",
			 LG_PATH_DEPTH_MAX);
		json_string_field(&w, "source", text);
	}
	if (capability) {
		const char *name = lg_capability_name(ev->object.capability.number);

		if (!name) {
			snprintf(text, sizeof(text), "CAP_%u", ev->object.capability.number);
			name = text;
		}
		/* path too: every verdict names its object there */
		json_string_field(&w, "path", name);
		json_string_field(&w, "capability", name);
		if (ev->object.capability.ns_level)
			json_uint_field(&w, "user_namespace_level", ev->object.capability.ns_level);
	/* A built-in's object on these hooks is a text (forged credentials), not an address. */
	} else if (ev->hook == LG_HOOK_SOCKET_CREATE && !(ev->flags & LG_EVENT_BUILTIN)) {
		const char *family = lg_socket_family_name(ev->object.socket.family);

		lg_socket_word(ev->object.socket.family, ev->object.socket.type,
			       (int)ev->object.socket.protocol, text, sizeof(text));
		json_string_field(&w, "socket", text);
		if (family) {
			json_string_field(&w, "socket_family", family);
		} else {
			snprintf(text, sizeof(text), "%u", ev->object.socket.family);
			json_string_field(&w, "socket_family", text);
		}
		json_uint_field(&w, "socket_type", ev->object.socket.type);
		json_uint_field(&w, "socket_protocol", ev->object.socket.protocol);
	} else if (abstract) {
		/* An abstract name ([network] @NAME): its length, then its bytes, NULs included;
		 * written as a rule names it (\xHH escapes). */
		char name[LG_ABSTRACT_TEXT_MAX];
		size_t len = ev->object.path[0];

		if (len > LG_ABSTRACT_NAME_MAX)
			len = LG_ABSTRACT_NAME_MAX;
		lg_abstract_format(ev->object.path + 1, len, false, name, sizeof(name));
		json_string_field(&w, "path", name);
	} else if ((ev->hook == LG_HOOK_SOCKET_CONNECT || ev->hook == LG_HOOK_SOCKET_SENDMSG ||
		    ev->hook == LG_HOOK_SCTP_BIND_CONNECT || ev->hook == LG_HOOK_MPTCP_SUBFLOW ||
		    lg_hook_is_listen(ev->hook)) &&
	    !(ev->flags & LG_EVENT_BUILTIN)) {
		char addr[INET6_ADDRSTRLEN] = "?";

		inet_ntop(ev->object.net.family == 4 ? AF_INET : AF_INET6, ev->object.net.addr, addr,
			  sizeof(addr));
		snprintf(text, sizeof(text), "ipv%u", ev->object.net.family);
		json_string_field(&w, "family", text);
		json_string_field(&w, "address", addr);
		json_uint_field(&w, "port", ev->object.net.port);
		json_string_field(&w, "protocol",
				  ev->object.net.protocol == LG_NET_TCP   ? "tcp"
				  : ev->object.net.protocol == LG_NET_UDP ? "udp"
									  : "other");
		/* which protocol "other" was (an ICMP echo socket: 1, raw IP: the socket's) */
		if (ev->object.net.protocol != LG_NET_TCP && ev->object.net.protocol != LG_NET_UDP &&
		    ev->object.net.ip_protocol)
			json_uint_field(&w, "ip_protocol", ev->object.net.ip_protocol);
	} else {
		char path[LG_EVENT_PATH_MAX + 1];

		memcpy(path, ev->object.path, LG_EVENT_PATH_MAX);
		path[LG_EVENT_PATH_MAX] = '\0';
		json_string_field(&w, "path", path);
		if (ev->flags & LG_EVENT_TRUNCATED)
			json_bool_field(&w, "path_truncated", true);
	}
	memcpy(comm, ev->comm, 16);
	comm[16] = '\0';
	json_uint_field(&w, "pid", ev->pid);
	json_uint_field(&w, "tgid", ev->tgid);
	json_uint_field(&w, "uid", ev->uid);
	json_string_field(&w, "comm", comm);
	if (ev->suppressed)
		json_uint_field(&w, "suppressed_before", ev->suppressed);
	json_uint_field(&w, "cgroup_id", ev->cgroup_id);
	if ((ev->flags & LG_EVENT_NO_SCRATCH) == LG_EVENT_NO_SCRATCH)
		json_bool_field(&w, "no_scratch", true);
	else if ((ev->flags & LG_EVENT_WALK_LIMIT) && !abstract)
		json_bool_field(&w, "walk_limit", true);
	if (ev->flags & LG_EVENT_HARDLINK)
		json_bool_field(&w, "via_hardlink", true);
	if ((ev->flags & LG_EVENT_NO_SCRATCH) == LG_EVENT_DISCONNECTED)
		json_bool_field(&w, "disconnected", true);
	json_object_end(&w);
	json_newline(&w);
}

const char *lg_builtin_reason(unsigned builtin)
{
	if (builtin >= sizeof(builtin_reasons) / sizeof(builtin_reasons[0]))
		return "";
	return builtin_reasons[builtin];
}
