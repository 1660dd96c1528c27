// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unix sockets: lsm/unix_stream_connect and lsm/unix_may_send, MAINPID= in a datagram to a
 * service manager's notify socket (lg_notify_check, fentry/skb_copy_datagram_from_iter), and
 * journal entries attributed to another unit (lg_journal_check, lg_journal_stream_check).
 *
 * Guarantees, for a task under a policy: it cannot reach the service manager over a unix socket
 * (LG_BUILTIN_SERVICE_MANAGER, a protection: audit mode too). systemd's private socket
 * (/run/systemd/private) is refused always; the D-Bus system bus (/run/dbus/system_bus_socket)
 * unless the policy says [system] system-bus = allow. As root, either one asks PID 1 to start a
 * transient unit outside every policy, or to stop, freeze, signal or limit lsmguard.service.
 * The daemon names these sockets among its protected objects (enforcer/selfprot.c), so a
 * confined task cannot rename, unlink or replace them or the directories above them either.
 *
 * The peer is named by the path its listener bound (unix_sk(other)->path: the socket inode's
 * dentry and mount), walked like any file: the name the client used (a hard link, a bind mount
 * of /run/systemd elsewhere, /proc/1/root/run/..., /var/run/dbus/... through its symlink) does
 * not matter. stream and seqpacket connect() pass unix_stream_connect; a datagram's connect()
 * and every datagram sent (sendto, sendmsg, to a connected peer too) pass unix_may_send.
 *
 * In the setup window (setup.bpf.h: systemd's own child before it executes the service) the
 * system bus is not refused: PAMName='s pam_systemd registers the session with logind there.
 *
 * A user's own manager (`systemd --user`) is refused the same way: its private socket always,
 * the user's bus unless system-bus = allow (lg_user_manager_kind).
 *
 * Then the rules, for a task under a policy (following its mode): a pathname peer is a [files]
 * write at that same bound path (lg_path_decide: every name a client can use decides the
 * object the listener bound; renamed since, its name now; unlinked, its last name; a path the
 * walk cannot name, too deep or disconnected, is refused fail-closed), except in the setup
 * window, where systemd's child connects the unit's stdout to journald. An abstract peer is
 * decided by the policy's [network] @NAME and @PREFIX* rules, else [network] default
 * (lg_unix_abstract). A peer with no address at all (a socketpair's other end) is not decided.
 */
#include "path.bpf.h"
#include "abstract.bpf.h"
#include "notify.bpf.h"
#include "setup.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The LG_PROTECTED_MANAGER_* bits of the protected record at the walked path's hash, if any. */
static __always_inline __u8 lg_manager_socket_kind(const struct lg_policy_value *policy, __u64 hash)
{
	struct lg_path_key key = {
	    .policy = (policy->bank & 1) * LG_MAX_POLICIES + 1,
	    .class = LG_PATH_CLASS_PROTECTED,
	    .hash = hash,
	};
	struct lg_path_value *value = bpf_map_lookup_elem(&lg_paths, &key);

	if (!value)
		return 0;
	return value->deny_mask & (LG_PROTECTED_MANAGER_PRIVATE | LG_PROTECTED_MANAGER_BUS);
}

/* Equal, NUL included, to a string of size bytes (size <= 16). */
static __always_inline bool lg_unix_name_is(const char name[16], const char *want, int size)
{
	for (int i = 0; i < size; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/*
 * A user's own service manager, as LG_PROTECTED_MANAGER_* bits: its private socket
 * /run/user/UID/systemd/private (PRIVATE) and the user's bus /run/user/UID/bus (BUS). Either one
 * asks `systemd --user` to start a unit, which runs outside every policy with the user's rights.
 * The runtime directory is made per user at login, so the names are matched from the socket
 * up (crossing the tmpfs logind mounts at /run/user/UID): "private" in "systemd" two levels
 * under a directory named "user", or "bus" one level under it. A path of that shape made by
 * anyone else only refuses the confined task that connects to it.
 */
static __always_inline __u8 lg_user_manager_kind(struct unix_sock *peer)
{
	struct dentry *dentry = BPF_CORE_READ(peer, path.dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(peer, path.mnt);
	struct mount *mnt = vfsmnt ? lg_real_mount(vfsmnt) : 0;
	char names[4][16] = {};
	int levels = 0;

	for (int i = 0; i < 6 && levels < 4 && dentry; i++) {
		struct dentry *up;

		if (mnt && dentry == BPF_CORE_READ(mnt, mnt.mnt_root)) {
			struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);

			if (!parent || parent == mnt)
				break;
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = parent;
			continue;
		}
		bpf_probe_read_kernel_str(names[levels & 3], 16, BPF_CORE_READ(dentry, d_name.name));
		levels++;
		up = BPF_CORE_READ(dentry, d_parent);
		if (up == dentry)
			break;
		dentry = up;
	}
	if (levels == 4 && lg_unix_name_is(names[0], "private", 8) &&
	    lg_unix_name_is(names[1], "systemd", 8) && lg_unix_name_is(names[3], "user", 5))
		return LG_PROTECTED_MANAGER_PRIVATE;
	if (levels >= 3 && lg_unix_name_is(names[0], "bus", 4) &&
	    lg_unix_name_is(names[2], "user", 5))
		return LG_PROTECTED_MANAGER_BUS;
	return 0;
}

/*
 * A peer with no path: an abstract name ([network] @NAME rules, abstract.bpf.h), or none at
 * all. The name is the peer's bound address (unix_sk(other)->addr: what its bind() or autobind
 * gave it), its bytes after the leading NUL, NULs included. A peer with no address at all (one
 * end of a socketpair, never bound: reachable only by a descriptor someone handed over) is not
 * decided.
 */
static __noinline int lg_unix_abstract(const struct lg_policy_value *policy, __u64 cgroup_id,
				       struct unix_sock *peer, __u8 hook)
{
	struct unix_address *addr;
	int n;

	if (!policy)
		return 0;
	if (!peer)
		return lg_deny_verdict(policy, hook, 0, 0); /* cannot be: fail closed */
	addr = BPF_CORE_READ(peer, addr);
	if (!addr) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	/* addr->len counts sun_family and the leading NUL. */
	n = BPF_CORE_READ(addr, len) - (int)sizeof(__u16) - 1;
	return lg_abstract_decide(policy, cgroup_id,
				  (const void *)addr + bpf_core_field_offset(struct unix_address, name) +
				      sizeof(__u16) + 1,
				  n, hook, LG_SLOT_EXACT_READ);
}

/*
 * [files] on a pathname peer: the path decision of a write at the listener's bound path, taken
 * by lg_path_decide. The walk's write lookups also meet lsmguard's protected objects and host
 * code (journald's sockets and /run/systemd/notify are protected objects, /run/systemd is host
 * code): those protect the file (no rename, unlink or replacement), not talking to it, so
 * their built-in verdict is replaced here by the rules' own (still in the scratch's step: a
 * socket is never a regular file, so no link walk has reset it). The service manager's
 * sockets were decided before this.
 */
static __always_inline void lg_unix_rules_only(struct lg_path_verdict *v)
{
	struct lg_scratch *scratch;

	if (!(v->flags & LG_EVENT_BUILTIN) || !lg_builtin_protected_object(v->builtin))
		return;
	scratch = lg_scratch_of(v);
	if (!scratch) {
		v->rule = 0;
		v->deny = true;
		v->flags = LG_EVENT_NO_SCRATCH; /* fail closed: the run lost its scratch */
		v->builtin = 0;
		return;
	}
	v->rule = scratch->step.rule;
	v->deny = scratch->step.deny;
	v->flags = 0;
	v->builtin = 0;
}

static __always_inline int lg_unix_peer(struct sock *other, __u8 hook)
{
	const struct lg_policy_value *policy;
	struct unix_sock *peer = (struct unix_sock *)other;
	struct lg_path_verdict v;
	struct lg_scratch *scratch;
	struct dentry *dentry;
	__u64 cgroup_id = 0;
	__u64 tag;
	__u8 kind;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	dentry = BPF_CORE_READ(peer, path.dentry);
	if (!dentry)
		return lg_unix_abstract(policy, cgroup_id, peer, hook);
	/* The peer's verdict cache (cache.bpf.h). The tag is read before the walk and kept in
	 * the scratch across it (the stack has no room left under the walk). */
	tag = lg_cache_tag();
	if (lg_peer_cache_hit(other, policy->id, tag)) {
		lg_count_cached(policy->id, hook);
		return 0;
	}
	scratch = lg_scratch_start(); /* a spare given back here, not under the tag */
	if (scratch)
		scratch->peer_tag = tag;
	/* A write at the peer's bound path (the [files] rules), which also names the peer for
	 * the service manager's sockets below. */
	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_WRITE, dentry,
		       BPF_CORE_READ(peer, path.mnt), &v);
	kind = 0;
	if (!(v.flags & (LG_EVENT_WALK_LIMIT | LG_EVENT_DISCONNECTED)))
		kind = lg_manager_socket_kind(policy, v.object);
	if (!kind)
		kind = lg_user_manager_kind(peer);
	if (kind == LG_PROTECTED_MANAGER_BUS &&
	    ((policy->flags & LG_POLICY_SYSTEM_BUS) || lg_in_setup_window()))
		kind = 0;
	if (kind) {
		lg_verdict_builtin(&v, LG_BUILTIN_SERVICE_MANAGER);
		return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &v);
	}
	/*
	 * systemd's child for a service, before it executes the service, connects the service's
	 * stdout and stderr to journald (/run/systemd/journal/stdout) and, with PAMName=, talks
	 * to logind: its own code, which the rules do not decide.
	 */
	if (lg_in_setup_window()) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	lg_unix_rules_only(&v);
	if (!v.deny && !v.flags && v.cacheable) {
		scratch = lg_scratch_of(&v);
		if (scratch)
			lg_peer_cache_store(other, policy->id, scratch->peer_tag);
	}
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &v);
}

/*
 * MAINPID= in an sd_notify datagram (LG_BUILTIN_MAIN_PID, a protection: audit mode too). A
 * service manager takes "MAINPID=N" from a unit's process as the unit's new main process, and
 * systemd (252) accepts a process outside the unit when the sender is root: the unit's stop,
 * its watchdog or `systemctl kill` then make PID 1 signal N (lsmguard's daemon, journald,
 * another policy's process, an administrator's shell). The sender's credentials are its own
 * (forged ones are refused at socket_sendmsg), so what the datagram says is decided here.
 *
 * Where: af_unix's unix_dgram_sendmsg copies the datagram into its skb
 * (skb_copy_datagram_from_iter), then asks unix_may_send; a sibling thread rewriting the
 * sender's buffer after the copy changes nothing in the kernel's copy, which is what is read.
 * unix_may_send does not see the skb: fentry/skb_copy_datagram_from_iter remembers, for a
 * confined task, the skb its last copy filled (lg_notify_scans, the task's own storage), and
 * unix_may_send reads it when its owner is the sender (a retry after waiting for a full
 * receiver asks again about the same skb). A copy is made for every datagram before the hook
 * (sendto, sendmsg, sendmmsg, write on a connected socket, io_uring); nothing else copies in
 * between. A datagram socket's connect() also asks unix_may_send: it carries no datagram and is
 * known by its system call (an io_uring connect to a notify socket is refused: fail closed). A
 * refusal is the send's EPERM (the datagram is not queued). socket_sendmsg, which every one of
 * those sends passes before its copy, forgets the remembered skb (notify.bpf.h): an fentry
 * program is skipped while it already runs on that CPU (under preempt=full, a second sender
 * that preempted the first inside it), and such a send then finds no copy and is refused,
 * rather than its previous datagram, still queued, being read in its place. An earlier
 * version decided at socket_sock_rcv_skb, where the kernel's copy is an argument, but that
 * hook runs for every packet every socket receives: TCP connect+close was 1.4% slower in make
 * bench.
 *
 * Which receivers: a unix socket bound at a path whose last name is "notify": PID 1's
 * /run/systemd/notify (a protected object: a confined task cannot rename it), every user
 * manager's /run/user/UID/systemd/notify and a container's /run/host/notify. Not abstract
 * sockets (no systemd manager binds one in 252).
 *
 * What: the datagram is split at every '\n' and '\r' (systemd's NEWLINE); a line whose first
 * characters are "MAINPID=" (a backslash before a character of the key is skipped, as
 * systemd's extract_first_word() unescapes) must carry a plain decimal number (no sign, space,
 * leading zero, 0x or backslash: systemd's parser takes those too, this one does not) that is
 * the sender's own process (its thread group, as the initial pid namespace numbers it: PID 1
 * and the host's user managers read the number there) or its parent's when the parent is under
 * the same policy (systemd-notify --pid, whose default is the script that runs it). Every such
 * line is checked, not just the first systemd reads. Anything else is refused: BPF on 6.1
 * cannot look a pid up, so another number could be lsmguard's; no key opens it, not even
 * [system] signal-others = allow. A datagram longer than 4096 bytes (systemd drops those
 * unread: NOTIFY_BUFFER_MAX), not in one piece in the skb, or whose copy was not seen is
 * refused unread.
 */
#define LG_NOTIFY_MAX 4096 /* systemd's NOTIFY_BUFFER_MAX: longer datagrams are dropped unread */
#define LG_MAINPID_KEY_LEN 8 /* strlen("MAINPID=") */
/* "MAINPID=", its first character in the lowest byte (a constant: clang 14 files a local
 * string array in .rodata.str1.1 while its BTF says .rodata, which the kernel refuses). */
#define LG_MAINPID_KEY 0x3d4449504e49414dULL

enum {
	LG_NOTIFY_OK = 0,
	LG_NOTIFY_CLAIM,    /* a number not the sender's own (nor its parent's) */
	LG_NOTIFY_UNPARSED, /* a MAINPID= line whose value is not a plain decimal number */
	LG_NOTIFY_UNREAD,   /* a byte the scan could not read */
};

struct lg_notify_loop {
	struct lg_notify_scan *scan;
};

/* The end of a MAINPID= value: whether to stop (a verdict). */
static __always_inline bool lg_mainpid_end(struct lg_notify_scan *s)
{
	if (!s->digits)
		s->verdict = LG_NOTIFY_UNPARSED;
	else if (s->number != s->own && (!s->parent || s->number != s->parent))
		s->verdict = LG_NOTIFY_CLAIM;
	return s->verdict != LG_NOTIFY_OK;
}

/* One byte of the datagram (bpf_loop): 1 stops the scan. */
static long lg_notify_byte(__u32 index, void *arg)
{
	struct lg_notify_scan *s = ((struct lg_notify_loop *)arg)->scan;
	char c;

	if (bpf_probe_read_kernel(&c, 1, (const void *)(s->data + index))) {
		s->verdict = LG_NOTIFY_UNREAD;
		return 1;
	}
	if (c == '\n' || c == '\r') {
		if (s->matched == LG_MAINPID_KEY_LEN && lg_mainpid_end(s))
			return 1;
		s->matched = 0;
		s->escaped = 0;
		return 0;
	}
	if (s->matched == LG_MAINPID_KEY_LEN) {
		if (c == 0) { /* systemd reads up to a NUL (and drops a message with more after) */
			if (lg_mainpid_end(s))
				return 1;
			s->matched = -1;
			return 0;
		}
		if (c < '0' || c > '9' || (c == '0' && !s->digits) || s->digits >= 10) {
			s->verdict = LG_NOTIFY_UNPARSED;
			return 1;
		}
		s->number = s->number * 10 + (__u64)(c - '0');
		s->digits++;
		return 0;
	}
	if (s->matched < 0)
		return 0;
	if (c == '\\' && !s->escaped) {
		s->escaped = 1;
		return 0;
	}
	s->escaped = 0;
	if (c != (char)(LG_MAINPID_KEY >> (8 * (s->matched & (LG_MAINPID_KEY_LEN - 1))))) {
		s->matched = -1;
		return 0;
	}
	if (++s->matched == LG_MAINPID_KEY_LEN) {
		s->number = 0;
		s->digits = 0;
	}
	return 0;
}

/* Whether sk is a unix socket bound at a path whose last name is "notify". */
static __always_inline bool lg_is_notify_socket(struct sock *sk)
{
	static const char want[] = "notify";
	struct dentry *dentry = BPF_CORE_READ((struct unix_sock *)sk, path.dentry);
	char name[sizeof(want)];

	if (!dentry ||
	    bpf_probe_read_kernel(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name)))
		return false;
	for (unsigned int i = 0; i < sizeof(want); i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/* Refuse a notify datagram: the claim in the event, else what (what_size bytes, NUL included). */
static __always_inline int lg_mainpid_deny(const struct lg_policy_value *policy,
					   __u64 cgroup_id, const struct lg_notify_scan *s,
					   const char *what, __u32 what_size)
{
	static const char claim_format[] = "MAINPID=%llu to a notify socket";
	__u64 object = lg_text_key(what, LG_BUILTIN_MAIN_PID);
	struct lg_event *ev;

	if (!what && s)
		object = lg_hash_mix(s->number, LG_BUILTIN_MAIN_PID);
	ev = lg_event_start(policy, cgroup_id, LG_HOOK_UNIX_MAY_SEND, LG_DECISION_FILE_WRITE,
			    0, LG_EVENT_BUILTIN, object, LG_BUILTIN_MAIN_PID);
	if (ev) {
		lg_event_builtin(ev, LG_BUILTIN_MAIN_PID);
		if (!what && s) {
			__u64 args[1] = {s->number};

			bpf_snprintf((char *)ev->object.path, LG_EVENT_PATH_MAX, claim_format, args,
				     sizeof(args));
		} else if (what) {
			bpf_probe_read_kernel_str(ev->object.path, what_size, what);
		}
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, LG_HOOK_UNIX_MAY_SEND, LG_EVENT_BUILTIN,
			       LG_BUILTIN_MAIN_PID);
}

#define NR_CONNECT 42		/* x86-64 (and x32, with X32_SYSCALL_BIT) */
#define NR_CONNECT_IA32 362	/* no x86-64 call has this number */
#define NR_SOCKETCALL_IA32 102	/* x86-64's getuid: never connects */
#define SYS_CONNECT 3		/* socketcall's call number */

/*
 * Whether this unix_may_send is a datagram socket's connect() (which carries no datagram),
 * known by the system call as lsm/capable knows it. An io_uring connect (a worker, no system
 * call) is taken for a send and refused for want of a copy: fail closed.
 */
static __always_inline bool lg_in_connect(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	__u64 nr;

	if (!regs)
		return false;
	nr = BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT;
	return nr == NR_CONNECT || nr == NR_CONNECT_IA32 ||
	       (nr == NR_SOCKETCALL_IA32 && (__u32)BPF_CORE_READ(regs, bx) == SYS_CONNECT);
}

/*
 * The task's scan state holding the skb this send's copy filled (the sender's: a retry after
 * waiting for the receiver asks again about the same one), or NULL when the copy was not seen.
 */
static __always_inline struct lg_notify_scan *lg_send_copy(struct sock *sender,
							   struct sk_buff **skb)
{
	struct lg_notify_scan *s =
	    bpf_task_storage_get(&lg_notify_scans, bpf_get_current_task_btf(), 0, 0);

	*skb = s ? (struct sk_buff *)s->skb : 0;
	if (!*skb || BPF_CORE_READ(*skb, sk) != sender)
		return 0;
	return s;
}

static __noinline int lg_notify_check(struct sock *sk, struct sock *sender)
{
	static const char unparsed[] = "MAINPID= with no plain decimal number, to a notify socket";
	static const char too_long[] = "a notify message longer than 4096 bytes";
	static const char unread[] = "a notify message lsmguard cannot read";
	const struct lg_policy_value *policy;
	struct task_struct *task, *parent;
	struct lg_notify_loop loop;
	struct lg_notify_scan *s;
	struct sk_buff *skb;
	__u64 cgroup_id = 0;
	bool unknown = false;
	__u32 len;

	if (!sk || !lg_is_notify_socket(sk))
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || lg_in_connect())
		return 0;
	task = bpf_get_current_task_btf();
	s = lg_send_copy(sender, &skb);
	if (!s)
		return lg_mainpid_deny(policy, cgroup_id, 0, unread, sizeof(unread));
	len = BPF_CORE_READ(skb, len);
	if (len > LG_NOTIFY_MAX || BPF_CORE_READ(skb, data_len))
		return lg_mainpid_deny(policy, cgroup_id, s, too_long, sizeof(too_long));
	*s = (struct lg_notify_scan){.skb = (__u64)skb, .verdict = LG_NOTIFY_OK};
	s->data = (__u64)BPF_CORE_READ(skb, data);
	s->own = (__u32)(bpf_get_current_pid_tgid() >> 32);
	parent = BPF_CORE_READ(task, group_leader, real_parent);
	if (parent && lg_policy_ids_same(lg_task_policy(parent, &unknown), policy->id) && !unknown)
		s->parent = BPF_CORE_READ(parent, tgid);
	loop.scan = s;
	bpf_loop(len, lg_notify_byte, &loop, 0);
	if (s->verdict == LG_NOTIFY_OK && s->matched == LG_MAINPID_KEY_LEN)
		lg_mainpid_end(s); /* the last line's value ends with the datagram */
	switch (s->verdict) {
	case LG_NOTIFY_OK:
		return 0; /* counted as allowed by lg_unix_peer */
	case LG_NOTIFY_CLAIM:
		return lg_mainpid_deny(policy, cgroup_id, s, 0, 0);
	case LG_NOTIFY_UNPARSED:
		return lg_mainpid_deny(policy, cgroup_id, s, unparsed, sizeof(unparsed));
	default:
		return lg_mainpid_deny(policy, cgroup_id, s, unread, sizeof(unread));
	}
}

/*
 * Journal entries attributed to another process or unit (LG_BUILTIN_JOURNAL, a protection:
 * audit mode too). journald keeps a native entry's OBJECT_* and COREDUMP_* fields as the
 * sender wrote them (only fields beginning with '_' are its own), and `journalctl -u UNIT`
 * shows an entry from a root sender (_UID=0) whose OBJECT_SYSTEMD_UNIT= is UNIT, or whose
 * COREDUMP_UNIT= is with the coredump MESSAGE_ID; OBJECT_PID=N makes journald add process N's
 * own OBJECT_ fields. A confined root forged lsmguard's events that way ({"event":"deny",...},
 * {"event":"stopping",...} under `journalctl -u lsmguard`, attack run 15).
 *
 * Datagrams (unix_may_send, on the kernel's copy as lg_notify_check reads it): to journald's
 * native socket (bound at a path whose last name is "socket", in a directory named "journal"
 * or "journal.NAMESPACE"), from a confined sender journald could file as _UID=0 (real,
 * effective or saved uid 0: the kernel's credentials carry the real uid, and a sender may
 * claim the other two; a sender with none of them cannot reach `-u`, nor have OBJECT_PID=
 * taken), a datagram is refused when a line of it begins with "OBJECT_" or "COREDUMP".
 * journald's fields begin at the datagram's start or after a '\n' (a binary field's data ends
 * with one too), so every position after a '\n' is taken for a field's start: a superset of
 * journald's. So is a datagram the scan cannot read whole: one not linear in the skb (larger
 * than about 16 KiB), and one carrying descriptors (journald reads a sealed memfd's content as
 * the entry: sd_journal_send's way for an entry larger than the socket's buffer).
 *
 * Streams (unix_stream_connect): journald's stdout socket ("stdout" in the same directory)
 * reads a header whose second line names a unit when the peer's uid is 0: SO_PEERCRED's at
 * connect, replaced (systemd 244 and later turn on SO_PASSCRED) by the credentials of the
 * process that wrote the data, so a stream connected under any uid takes the unit from a root
 * writer. When the process it then names is gone by the first line (its cgroup unreadable),
 * journald files the lines under that unit as _SYSTEMD_UNIT=, the field the docs tell
 * administrators to trust. A confined task cannot open a stream there at all (systemd-cat,
 * sd_journal_stream_fd()): no stream a confined task made carries a header it wrote.
 *
 * Not decided: the setup window (systemd's own child connects the unit's stdout and stderr to
 * the stdout socket before it executes the service, and writes their header).
 */
#define LG_JOURNAL_OBJECT 0x005f5443454a424fULL   /* "OBJECT_", first character lowest */
#define LG_JOURNAL_OBJECT_LEN 7
#define LG_JOURNAL_COREDUMP 0x504d554445524f43ULL /* "COREDUMP" */
#define LG_JOURNAL_COREDUMP_LEN 8

enum {
	LG_JOURNAL_NONE = 0,
	LG_JOURNAL_NATIVE, /* the native protocol's datagram socket */
	LG_JOURNAL_STDOUT, /* the stdout stream socket */
};

/* Which of journald's sockets sk is bound at (LG_JOURNAL_*), by its last two names. */
static __always_inline int lg_journal_socket_kind(struct sock *sk)
{
	struct dentry *dentry = BPF_CORE_READ((struct unix_sock *)sk, path.dentry);
	char name[16] = {}, dir[16] = {};

	if (!dentry ||
	    bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name)) < 0 ||
	    bpf_probe_read_kernel_str(dir, sizeof(dir),
				      BPF_CORE_READ(dentry, d_parent, d_name.name)) < 0)
		return LG_JOURNAL_NONE;
	if (!lg_unix_name_is(dir, "journal", 7) || (dir[7] && dir[7] != '.'))
		return LG_JOURNAL_NONE;
	if (lg_unix_name_is(name, "socket", 7))
		return LG_JOURNAL_NATIVE;
	if (lg_unix_name_is(name, "stdout", 7))
		return LG_JOURNAL_STDOUT;
	return LG_JOURNAL_NONE;
}

/* A line-start key's next character: how many of its len characters are matched (-1: none). */
static __always_inline __s32 lg_journal_key_step(__s32 matched, char c, __u64 key, __s32 len)
{
	if (matched < 0 || matched >= len)
		return matched;
	if (c != (char)(key >> (8 * (matched & 7))))
		return -1;
	return matched + 1;
}

/* One byte of a journal datagram (bpf_loop): 1 stops the scan. */
static long lg_journal_byte(__u32 index, void *arg)
{
	struct lg_notify_scan *s = ((struct lg_notify_loop *)arg)->scan;
	char c;

	if (bpf_probe_read_kernel(&c, 1, (const void *)(s->data + index))) {
		s->verdict = LG_NOTIFY_UNREAD;
		return 1;
	}
	if (c == '\n') {
		s->object = 0;
		s->coredump = 0;
		return 0;
	}
	s->object = lg_journal_key_step(s->object, c, LG_JOURNAL_OBJECT, LG_JOURNAL_OBJECT_LEN);
	s->coredump =
	    lg_journal_key_step(s->coredump, c, LG_JOURNAL_COREDUMP, LG_JOURNAL_COREDUMP_LEN);
	if (s->object == LG_JOURNAL_OBJECT_LEN || s->coredump == LG_JOURNAL_COREDUMP_LEN) {
		s->verdict = LG_NOTIFY_CLAIM;
		return 1;
	}
	return 0;
}

/* Whether journald could file the current task's datagrams as _UID=0 (see above). */
static __always_inline bool lg_journal_root_sender(void)
{
	const struct cred *cred = BPF_CORE_READ(bpf_get_current_task_btf(), cred);

	return !BPF_CORE_READ(cred, uid.val) || !BPF_CORE_READ(cred, euid.val) ||
	       !BPF_CORE_READ(cred, suid.val);
}

static __noinline int lg_journal_check(struct sock *sk, struct sock *sender)
{
	static const char fields[] = "OBJECT_ or COREDUMP fields to the journal";
	static const char unread[] = "a journal message lsmguard cannot read, from root";
	const struct lg_policy_value *policy;
	struct lg_notify_loop loop;
	struct lg_notify_scan *s;
	struct sk_buff *skb;
	__u64 cgroup_id = 0;
	void *cb;

	if (!sk || lg_journal_socket_kind(sk) != LG_JOURNAL_NATIVE)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || !lg_journal_root_sender() || lg_in_connect() || lg_in_setup_window())
		return 0;
	s = lg_send_copy(sender, &skb);
	if (!s)
		goto unreadable;
	cb = (void *)skb + bpf_core_field_offset(struct sk_buff, cb);
	if (BPF_CORE_READ((struct unix_skb_parms *)cb, fp) || BPF_CORE_READ(skb, data_len))
		goto unreadable;
	s->verdict = LG_NOTIFY_OK;
	s->object = 0;
	s->coredump = 0;
	s->data = (__u64)BPF_CORE_READ(skb, data);
	loop.scan = s;
	bpf_loop(BPF_CORE_READ(skb, len), lg_journal_byte, &loop, 0);
	if (s->verdict == LG_NOTIFY_CLAIM)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_UNIX_MAY_SEND, LG_BUILTIN_JOURNAL,
				       fields, sizeof(fields));
	if (s->verdict == LG_NOTIFY_OK)
		return 0;
unreadable:
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_UNIX_MAY_SEND, LG_BUILTIN_JOURNAL, unread,
			       sizeof(unread));
}

/* A confined task's own stream to journald's stdout socket (see above). */
static __always_inline int lg_journal_stream_check(struct sock *other)
{
	static const char stream[] = "a journal stream opened by a confined task (its header "
				     "names a unit)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (lg_journal_socket_kind(other) != LG_JOURNAL_STDOUT)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || lg_in_setup_window())
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_UNIX_STREAM_CONNECT, LG_BUILTIN_JOURNAL,
			       stream, sizeof(stream));
}

/* The skb a confined task's datagram is copied into (see above): remembered for unix_may_send. */
SEC("fentry/skb_copy_datagram_from_iter")
int BPF_PROG(lg_unix_copy_seen, struct sk_buff *skb, int offset, struct iov_iter *from, int len)
{
	struct lg_notify_scan *s;
	__u64 cgroup_id = 0;

	if (offset || !lg_current_policy(&cgroup_id))
		return 0;
	s = lg_task_storage_create(&lg_notify_scans, bpf_get_current_task_btf());
	if (s)
		s->skb = (__u64)skb;
	return 0;
}

SEC("lsm/unix_may_send")
int BPF_PROG(lg_unix_may_send, struct socket *sock, struct socket *other, int ret)
{
	struct sock *peer = other->sk; /* a BTF pointer: the peer's verdict cache is its storage */

	if (ret)
		return ret;
	ret = lg_notify_check(peer, BPF_CORE_READ(sock, sk));
	if (ret)
		return ret;
	ret = lg_journal_check(peer, BPF_CORE_READ(sock, sk));
	if (ret)
		return ret;
	return lg_unix_peer(peer, LG_HOOK_UNIX_MAY_SEND);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(lg_unix_stream_connect, struct sock *sock, struct sock *other, struct sock *newsk,
	     int ret)
{
	if (ret)
		return ret;
	ret = lg_journal_stream_check(other);
	if (ret)
		return ret;
	return lg_unix_peer(other, LG_HOOK_UNIX_STREAM_CONNECT);
}
