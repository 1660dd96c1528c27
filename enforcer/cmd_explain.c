// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lsmguard explain NAME OPERATION OBJECT`: the verdict a policy gives one operation, and the
 * rule that decides it with its FILE:LINE. It compiles the policy directory as the daemon does
 * and asks policy/eval.c, which evaluates the same compiled records the kernel reads (prefix by
 * prefix for paths, longest prefix and first port rule for addresses); the vm-tests check that
 * it agrees with the kernel.
 *
 * Exit status: 0 allowed, 1 denied (in audit mode: would be denied), 2 usage or policy error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "commands.h"
#include "devices.h"
#include "events.h"
#include "json.h"
#include "loaded.h"
#include "log.h"
#include "names.h"
#include "policy.h"
#include "selfprot.h"
#include "state.h"

#define USAGE                                                                                     \
	"lsmguard explain [--policy-dir DIR] [--json] NAME OPERATION OBJECT\n"                    \
	"  OPERATION OBJECT: open-read PATH | open-write PATH | exec PATH |\n"                     \
	"                    connect ADDR:PORT[/tcp|/udp|/icmp] |\n"                              \
	"                    sendto ADDR:PORT[/tcp|/udp|/icmp] |\n"                               \
	"                    bind ADDR:PORT[/tcp|/udp] | listen ADDR:PORT[/tcp|/udp] |\n"           \
	"                    socket FAMILY[/PROTOCOL] | capability CAP_NAME\n"                  \
	"  (IPv6: [ADDR]:PORT; bind and listen at a local address, 0.0.0.0 or [::] for every one;\n" \
	"  socket: inet/raw, inet6/sctp, packet, netlink-audit...)\n"                              \
	"  unix sockets: connect PATH (a write at the socket's path) | connect @NAME (abstract) |\n" \
	"                bind @NAME (binding an abstract name, by the listen rules)"

struct operation {
	const char *name;
	enum lg_decision decision;
	bool listen; /* decided by the listen rules, at a local address */
};

static const struct operation operations[] = {
	{"open-read", LG_DECISION_FILE_READ}, {"read", LG_DECISION_FILE_READ},
	{"open-write", LG_DECISION_FILE_WRITE}, {"write", LG_DECISION_FILE_WRITE},
	{"exec", LG_DECISION_EXEC},           {"connect", LG_DECISION_NET},
	{"sendto", LG_DECISION_NET},          {"socket", LG_DECISION_COUNT},
	{"bind", LG_DECISION_NET, true},      {"listen", LG_DECISION_NET, true},
};

/*
 * /proc/self resolves to this process's /proc/PID, which stands here for the confined task's
 * own directory: the kernel matches that as /proc/self (bpf_lsm/path.bpf.h), and so does this.
 */
static void own_proc_as_self(const char *real, char *out, size_t size)
{
	char own[32];
	int n = snprintf(own, sizeof(own), "/proc/%d", (int)getpid());

	if (strncmp(real, own, (size_t)n) == 0 && (real[n] == '/' || real[n] == '\0'))
		snprintf(out, size, "/proc/self%s", real + n);
	else
		lg_strcopy(out, size, real);
}

/*
 * Device nodes, which the kernel knows by what the inode is wherever the node lies: a block
 * device unless [system] raw-disks = allow (before any rule), and uinput, uhid, userio or an
 * input event device opened for writing (bpf_lsm/knobs.bpf.h lg_open_builtin).
 */
static void device_builtin(const struct lg_compiled *compiled, __u32 id,
			   enum lg_decision decision, const char *path, struct lg_verdict *v)
{
	const struct lg_policy_value *pol = lg_compiled_policy(compiled, id);
	unsigned builtin = 0;
	struct stat st;
	__u32 class;

	if (decision == LG_DECISION_EXEC || !pol || stat(path, &st) != 0)
		return;
	/* a block device, or SCSI generic (major 21: its reads and writes are SCSI commands) */
	if ((S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && major(st.st_rdev) == 21)) &&
	    !(pol->flags & LG_POLICY_SYSTEM_RAW_DISKS))
		builtin = LG_BUILTIN_RAW_DISK;
	/* the console's screen (vcs, major 7), read or written */
	else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 7)
		builtin = LG_BUILTIN_TERMINAL;
	/* /dev/kmsg (1:11) written */
	else if (S_ISCHR(st.st_mode) && decision == LG_DECISION_FILE_WRITE &&
		 major(st.st_rdev) == 1 && minor(st.st_rdev) == 11)
		builtin = LG_BUILTIN_KERNEL_LOG;
	/* a device known by its driver's name (a watchdog, NVMe's nodes, cpu_dma_latency...) or
	 * a console's tty */
	else if (S_ISCHR(st.st_mode) &&
		 (class = lg_device_class_of_number("/proc/devices", "/proc/misc", "/proc/consoles",
						    major(st.st_rdev), minor(st.st_rdev))) &&
		 (!(class & LG_DEVCLASS_WRITE_ONLY) || decision == LG_DECISION_FILE_WRITE)) {
		builtin = class & 0xff;
		if ((builtin == LG_BUILTIN_RAW_DISK && (pol->flags & LG_POLICY_SYSTEM_RAW_DISKS)) ||
		    (builtin == LG_BUILTIN_KERNEL_SETTING &&
		     (pol->flags & LG_POLICY_SYSTEM_KERNEL_SETTINGS)))
			builtin = 0;
	} else if (S_ISCHR(st.st_mode) && decision == LG_DECISION_FILE_WRITE &&
		 ((major(st.st_rdev) == 10 &&
		   (minor(st.st_rdev) == 223 || minor(st.st_rdev) == 239 ||
		    minor(st.st_rdev) == 240)) ||
		  (major(st.st_rdev) == 13 && minor(st.st_rdev) >= 64)))
		builtin = LG_BUILTIN_TERMINAL;
	if (!builtin || v->builtin == LG_BUILTIN_KNOB)
		return;
	v->builtin = builtin;
	v->deny = true;
	v->rule = 0;
	v->from_default = false;
}

/*
 * A unix socket of the service manager (bpf_lsm/unix.bpf.c, before the rules): systemd's
 * private socket and the other root daemons' control sockets always, the D-Bus system bus
 * unless [system] system-bus = allow; a user manager's private socket and bus
 * (/run/user/UID/systemd/private, /run/user/UID/bus) the same way. Outside the setup window.
 */
/*
 * A user manager's socket by the shape of its path's last names, wherever it lies, as the
 * kernel tells it (bpf_lsm/unix.bpf.c lg_user_manager_kind): .../user/X/systemd/private,
 * .../user/X/bus.
 */
static __u8 user_manager_kind(const char *path)
{
	const char *names[4] = {0};
	size_t lens[4] = {0};
	int levels = 0;
	const char *end = path + strlen(path);

	while (levels < 4 && end > path) {
		const char *slash = end;

		while (slash > path && slash[-1] != '/')
			slash--;
		names[levels] = slash;
		lens[levels] = (size_t)(end - slash);
		levels++;
		end = slash > path ? slash - 1 : path;
	}
#define NAME_IS(i, s) (levels > (i) && lens[i] == strlen(s) && strncmp(names[i], s, lens[i]) == 0)
	if (NAME_IS(0, "private") && NAME_IS(1, "systemd") && NAME_IS(3, "user"))
		return LG_PROTECTED_MANAGER_PRIVATE;
	if (NAME_IS(0, "bus") && NAME_IS(2, "user"))
		return LG_PROTECTED_MANAGER_BUS;
#undef NAME_IS
	return 0;
}

static void manager_socket_builtin(const struct lg_compiled *compiled, __u32 id,
				   const char *policy_dir, const char *path, struct lg_verdict *v)
{
	const struct lg_policy_value *pol = lg_compiled_policy(compiled, id);
	struct lg_protected protected;
	__u8 kind = 0;

	if (!pol)
		return;
	if (lg_protected_collect(&protected, policy_dir, LG_STATE_DIR, NULL, NULL) == 0) {
		for (size_t i = 0; i < protected.count; i++)
			if (strcmp(protected.paths[i], path) == 0)
				kind |= protected.kinds[i];
		lg_protected_free(&protected);
	}
	kind |= user_manager_kind(path);
	if (!(kind & LG_PROTECTED_MANAGER_PRIVATE) &&
	    (!(kind & LG_PROTECTED_MANAGER_BUS) || (pol->flags & LG_POLICY_SYSTEM_BUS)))
		return;
	v->builtin = LG_BUILTIN_SERVICE_MANAGER;
	v->deny = true;
	v->rule = 0;
	v->from_default = false;
}

/*
 * The path the kernel decides on: symlinks resolved (the hooks see the object opened). An
 * object that does not exist yet (a file about to be created) is named by its resolved parent.
 */
static int resolve_path(const char *path, char *out, size_t size)
{
	char parent[PATH_MAX], *slash, *real;

	if (path[0] != '/')
		return -EINVAL;
	real = realpath(path, NULL);
	if (!real && errno == ENOENT && lg_strcopy(parent, sizeof(parent), path) &&
	    (slash = strrchr(parent, '/')) && slash[1]) {
		*slash = '\0';
		real = realpath(parent[0] ? parent : "/", NULL);
		if (real) {
			int n = snprintf(out, size, "%s/%s", strcmp(real, "/") ? real : "", slash + 1);

			free(real);
			return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
		}
	}
	if (!real) {
		/* Nothing on this host: decide on the path as written. */
		lg_strcopy(out, size, path);
		return 0;
	}
	own_proc_as_self(real, out, size);
	free(real);
	return 0;
}

/* "10.1.2.3:443/tcp", "[2001:db8::1]:53/udp", "10.1.2.3:0/icmp" (any protocol but TCP, UDP and
 * SCTP: "/other" says the same); the protocol defaults to tcp. */
static int parse_destination(const char *text, __u8 *family, __u8 addr[16], __u16 *port,
			     __u8 *protocol)
{
	char host[INET6_ADDRSTRLEN + 2], *end;
	const char *colon, *slash = strchr(text, '/');
	unsigned long value;
	size_t len;

	*protocol = LG_NET_TCP;
	if (slash) {
		if (strcmp(slash, "/tcp") == 0)
			*protocol = LG_NET_TCP;
		else if (strcmp(slash, "/udp") == 0)
			*protocol = LG_NET_UDP;
		else if (strcmp(slash, "/icmp") == 0 || strcmp(slash, "/other") == 0)
			*protocol = LG_NET_OTHER; /* ping, raw IP, UDP-Lite: address-only rules */
		else
			return -EINVAL;
	}
	colon = strrchr(text, ':');
	if (!colon || (slash && colon > slash))
		return -EINVAL;
	len = (size_t)(colon - text);
	if (text[0] == '[') {
		if (len < 3 || text[len - 1] != ']')
			return -EINVAL;
		text++;
		len -= 2;
	}
	if (len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, len);
	host[len] = '\0';
	errno = 0;
	value = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || (*end && end != slash) || value > 65535)
		return -EINVAL;
	*port = (__u16)value;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, addr) == 1) {
		static const __u8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		*family = 6;
		if (memcmp(addr, mapped, sizeof(mapped)) == 0) { /* matched as IPv4, as the kernel */
			memmove(addr, addr + 12, 4);
			memset(addr + 4, 0, 12);
			*family = 4;
		}
		return 0;
	}
	return -EINVAL;
}

static const char *match_of(const struct lg_rule_source *r)
{
	if (r->kind == LG_RULE_DEFAULT)
		return "default";
	if (r->kind == LG_RULE_NET)
		return r->object[0] == '@' || strncmp(r->object, "listen @", 8) == 0 ? "abstract name"
											 : "address";
	if (r->kind == LG_RULE_ANONYMOUS)
		return "anonymous";
	if (r->kind == LG_RULE_SOCKETS)
		return "sockets";
	if (r->kind == LG_RULE_CAPABILITY)
		return "capability";
	return r->subtree ? "subtree" : "exact";
}

/*
 * `explain NAME capability CAP_NAME`: kept or not by [capabilities]; a policy without the
 * section does not decide capabilities (the kernel's own check alone).
 */
static int explain_capability(const struct lg_policy *p, const struct lg_compiled *compiled,
			      __u32 id, const char *op, const char *object, bool json)
{
	int cap = lg_capability_from_name(object);
	const struct lg_rule_source *r;
	struct lg_verdict v;
	bool audit = p->mode == LG_MODE_AUDIT;
	char source[PATH_MAX + 16] = "";

	if (cap < 0) {
		log_warnx("'%s' is not a capability: write a name of capabilities(7) such as "
			  "CAP_NET_BIND_SERVICE",
			  object);
		return 2;
	}
	if (lg_eval_capability(compiled, id, (unsigned)cap, &v))
		return 2;
	r = lg_rule_source(compiled, v.rule);
	if (r)
		snprintf(source, sizeof(source), "%s:%u", r->file, r->line);
	if (json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_object_start(&w);
		json_string_field(&w, "policy", p->name);
		json_string_field(&w, "mode", lg_mode_name(p->mode));
		json_string_field(&w, "operation", op);
		json_string_field(&w, "object", lg_capability_name((unsigned)cap));
		json_string_field(&w, "verdict", v.deny ? "deny" : "allow");
		json_bool_field(&w, "walk_limit", false);
		if (r) {
			json_name(&w, "rule");
			json_object_start(&w);
			json_uint_field(&w, "id", r->id);
			json_string_field(&w, "action", lg_action_name(r->action));
			json_string_field(&w, "match", match_of(r));
			json_string_field(&w, "object", r->object);
			json_string_field(&w, "source", source);
			json_object_end(&w);
		}
		json_object_end(&w);
		json_newline(&w);
		return v.deny ? 1 : 0;
	}
	printf("%s: %s %s: %s\n", p->name, op, lg_capability_name((unsigned)cap),
	       !v.deny ? "allowed" : audit ? "would be denied (audit mode: logged, allowed)"
				   : "denied");
	if (!r) {
		printf("  rule:        no [capabilities] section: capabilities are not decided (the "
		       "kernel's own check alone)\n");
		return 0;
	}
	if (v.deny)
		printf("  rule:        [capabilities] does not keep it\n");
	else
		printf("  rule:        keep = %s\n", r->object);
	printf("  source:      %s\n", source);
	printf("  note:        the service's code only: systemd's own setup of the unit (before it "
	       "executes the service) keeps every capability\n");
	return v.deny ? 1 : 0;
}

static void print_text(const struct lg_policy *p, const char *op, const char *object,
		       const char *resolved, const struct lg_verdict *v,
		       const struct lg_rule_source *r)
{
	bool protection = v->builtin && LG_BUILTIN_IS_PROTECTION(v->builtin);
	bool audit = p->mode == LG_MODE_AUDIT && !protection;

	printf("%s: %s %s: %s\n", p->name, op, object,
	       !v->deny ? "allowed" : audit ? "would be denied (audit mode: logged, allowed)"
					    : "denied");
	if (resolved && strcmp(resolved, object) != 0)
		printf("  decided on:  %s (the object the path leads to)\n", resolved);
	if (v->builtin) {
		printf("  rule:        built in: %s\n", lg_builtin_reason(v->builtin));
		if (protection)
			printf("  note:        a protection: denied in audit mode too, whatever the "
			       "rules say\n");
		else
			printf("  note:        the policy's own confinement: logged, not denied, in "
			       "audit mode, whatever the rules say\n");
		return;
	}
	if (v->walk_limit) {
		printf("  rule:        built in: deeper than the %d components the kernel walks; "
		       "decided deny\n",
		       LG_PATH_DEPTH_MAX);
		return;
	}
	if (!r)
		return;
	if (r->kind == LG_RULE_DEFAULT)
		printf("  rule:        no rule matches: [%s] default = %s%s\n", lg_class_name(r->class),
		       lg_action_name(r->action), r->line ? "" : " (implied)");
	else if (r->kind == LG_RULE_SOCKETS)
		printf("  rule:        [network] %s\n", r->object);
	else if (r->kind == LG_RULE_NET && strncmp(r->object, "listen ", 7) == 0)
		printf("  rule:        %s = %s (%s)\n",
		       r->action == LG_ACT_DENY ? "deny-listen" : "listen", r->object + 7,
		       match_of(r));
	else
		printf("  rule:        %s = %s (%s)\n", lg_action_name(r->action), r->object,
		       match_of(r));
	if (r->line)
		printf("  source:      %s:%u\n", r->file, r->line);
	else
		printf("  source:      %s (no [%s] default written: %s is implied)\n", r->file,
		       lg_class_name(r->class), lg_action_name(r->action));
}

static void print_json(const struct lg_policy *p, const char *op, const char *object,
		       const char *resolved, const struct lg_verdict *v,
		       const struct lg_rule_source *r)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_object_start(&w);
	json_string_field(&w, "policy", p->name);
	json_string_field(&w, "mode", lg_mode_name(p->mode));
	json_string_field(&w, "operation", op);
	json_string_field(&w, "object", object);
	if (resolved)
		json_string_field(&w, "resolved", resolved);
	json_string_field(&w, "verdict", v->deny ? "deny" : "allow");
	json_bool_field(&w, "walk_limit", v->walk_limit);
	if (v->builtin)
		json_string_field(&w, "builtin", lg_builtin_reason(v->builtin));
	if (r && !v->builtin) {
		json_name(&w, "rule");
		json_object_start(&w);
		json_uint_field(&w, "id", r->id);
		json_string_field(&w, "action", lg_action_name(r->action));
		json_string_field(&w, "match", match_of(r));
		json_string_field(&w, "object", r->object);
		if (r->line) {
			char source[PATH_MAX + 16];

			snprintf(source, sizeof(source), "%s:%u", r->file, r->line);
			json_string_field(&w, "source", source);
		} else {
			json_string_field(&w, "source", r->file);
		}
		json_object_end(&w);
	}
	json_object_end(&w);
	json_newline(&w);
}

int cmd_explain(int argc, char **argv)
{
	static const struct option options[] = {
		{"policy-dir", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *policy_dir = LG_POLICY_DIR, *name, *op, *object;
	char resolved[PATH_MAX];
	const struct lg_rule_source *rule = NULL;
	const struct operation *operation = NULL;
	struct lg_compiled *compiled;
	struct lg_policy_set set;
	const struct lg_policy *policy = NULL;
	struct lg_verdict verdict;
	bool json = false, is_path, unix_path;
	__u32 id = 0;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+d:j", options, NULL)) != -1) {
		if (opt == 'd')
			policy_dir = optarg;
		else if (opt == 'j')
			json = true;
		else
			return usage_error("unknown option", argv[optind - 1], USAGE);
	}
	if (argc - optind != 3)
		return usage_error(argc - optind < 3 ? "missing arguments" : "too many arguments",
				   NULL, USAGE);
	name = argv[optind];
	op = argv[optind + 1];
	object = argv[optind + 2];
	for (size_t i = 0; i < sizeof(operations) / sizeof(operations[0]); i++)
		if (strcmp(op, operations[i].name) == 0)
			operation = &operations[i];
	if (!operation && strcmp(op, "capability") != 0)
		return usage_error("unknown operation", op, USAGE);
	is_path = operation && operation->decision != LG_DECISION_NET &&
		  operation->decision != LG_DECISION_COUNT;
	/* connect or sendto to a pathname unix socket: [files] decides it as a write at the
	 * socket's path (bpf_lsm/unix.bpf.c); the protections of the socket file (lsmguard's
	 * objects, host code) are about changing it, not talking to it, and are left out. */
	unix_path = operation && operation->decision == LG_DECISION_NET && object[0] == '/';
	if (unix_path)
		is_path = true;

	if (load_and_compile(&policy_dir, 1, LG_LOAD_CHECK_OWNER, &set, &compiled, 0, 0))
		return 2;
	for (size_t i = 0; i < set.count; i++) {
		if (strcmp(set.policies[i]->name, name) == 0) {
			policy = set.policies[i];
			id = lg_policy_id(compiled, i);
		}
	}
	ret = 2;
	if (!policy) {
		log_warnx("no policy named '%s' in %s: 'lsmguard show %s' lists them", name,
			  policy_dir, policy_dir);
		goto out;
	}
	if (!operation) {
		ret = explain_capability(policy, compiled, id, op, object, json);
		goto out;
	}
	if (is_path && !unix_path) {
		if (add_host_protections(compiled, policy_dir, &set))
			log_warnx("cannot add lsmguard's own objects: the answer leaves them out");
	}
	if (is_path) {
		if (resolve_path(object, resolved, sizeof(resolved))) {
			log_warnx("'%s' is not an absolute path: write it from '/'", object);
			goto out;
		}
		if (lg_eval_path(compiled, id,
				 unix_path ? LG_DECISION_FILE_WRITE : operation->decision, resolved,
				 &verdict)) {
			log_warnx("cannot evaluate '%s'", resolved);
			goto out;
		}
		if (!unix_path)
			device_builtin(compiled, id, operation->decision, resolved, &verdict);
		else
			manager_socket_builtin(compiled, id, policy_dir, resolved, &verdict);
	} else if (operation->decision == LG_DECISION_COUNT) {
		unsigned family, type;
		int protocol;

		if (lg_socket_parse(object, &family, &type, &protocol)) {
			log_warnx("'%s' is not a socket: write a family (unix, packet...), "
				  "inet/PROTOCOL or inet6/PROTOCOL (tcp, udp, ping, raw, sctp, "
				  "udplite, dccp, l2tp) or netlink-NAME",
				  object);
			goto out;
		}
		if (lg_eval_socket(compiled, id, family, type, protocol, &verdict)) {
			log_warnx("cannot evaluate '%s'", object);
			goto out;
		}
	} else if (object[0] == '@') {
		__u8 bytes[LG_ABSTRACT_NAME_MAX];
		char err[256];
		size_t len;
		bool prefix;

		if (lg_parse_abstract(object, bytes, &len, &prefix, err, sizeof(err)) || prefix) {
			log_warnx("'%s' is not an abstract socket name: %s", object,
				  prefix ? "a name, not a prefix (no '*')" : err);
			goto out;
		}
		if (lg_eval_abstract(compiled, id, bytes, len, operation->listen, &verdict)) {
			log_warnx("cannot evaluate '%s'", object);
			goto out;
		}
	} else {
		__u8 family, protocol, addr[16];
		__u16 port;

		if (parse_destination(object, &family, addr, &port, &protocol)) {
			log_warnx("'%s' is not a destination: write ADDR:PORT/tcp, ADDR:PORT/udp, "
				  "ADDR:0/icmp or [IPV6]:PORT/tcp",
				  object);
			goto out;
		}
		/* bind to port 0 is a client's (an ephemeral port): never decided */
		if (operation->listen && strcmp(op, "bind") == 0 && port == 0) {
			memset(&verdict, 0, sizeof(verdict));
			if (json)
				print_json(policy, op, object, NULL, &verdict, NULL);
			else
				printf("%s: %s %s: allowed\n  note:        port 0 is a client's "
				       "bind (an ephemeral port); its listen() is decided\n",
				       policy->name, op, object);
			ret = 0;
			goto out;
		}
		if ((operation->listen ? lg_eval_listen : lg_eval_net)(compiled, id, family, addr,
									protocol, port, &verdict)) {
			log_warnx("cannot evaluate '%s'", object);
			goto out;
		}
	}
	if (!verdict.walk_limit && !verdict.builtin)
		rule = lg_rule_source(compiled, verdict.rule);
	if (json)
		print_json(policy, op, object, is_path ? resolved : NULL, &verdict, rule);
	else
		print_text(policy, op, object, is_path ? resolved : NULL, &verdict, rule);
	if (is_path && !json) {
		struct stat st;

		if (stat(resolved, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1)
			printf("  note:        this file has %lu names; the kernel also applies the "
			       "rules of its first name (deny wins)\n",
			       (unsigned long)st.st_nlink);
	}
	ret = verdict.deny ? 1 : 0;
out:
	lg_compiled_free(compiled);
	lg_policy_set_free(&set);
	return ret;
}
