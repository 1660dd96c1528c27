// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unix sockets: lsm/unix_stream_connect and lsm/unix_may_send.
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
 * Allowed without a decision: abstract and unnamed sockets (no path; socketpair, autobind), and
 * a peer whose path the walk cannot name (too deep, disconnected), which no manager socket is:
 * its directories cannot be moved by a confined task. A user's own manager (`systemd --user`)
 * is refused the same way: its private socket always, the user's bus unless system-bus =
 * allow (lg_user_manager_kind). Not covered yet: [files] rules on pathname sockets,
 * abstract-name rules.
 */
#include "path.bpf.h"
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

static __always_inline int lg_unix_peer(struct sock *other, __u8 hook)
{
	const struct lg_policy_value *policy;
	struct unix_sock *peer = (struct unix_sock *)other;
	struct lg_path_verdict v;
	struct dentry *dentry;
	__u64 cgroup_id = 0;
	__u8 kind;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	dentry = BPF_CORE_READ(peer, path.dentry);
	if (!dentry) {
		lg_count_allowed(policy->id, hook); /* abstract or unnamed */
		return 0;
	}
	/* The read decision: the walk only names the peer here (no [files] rule applies yet). */
	lg_path_decide(policy, LG_CLASS_FILE, LG_DECISION_FILE_READ, dentry,
		       BPF_CORE_READ(peer, path.mnt), &v);
	kind = 0;
	if (!(v.flags & (LG_EVENT_WALK_LIMIT | LG_EVENT_DISCONNECTED)))
		kind = lg_manager_socket_kind(policy, v.object);
	if (!kind)
		kind = lg_user_manager_kind(peer);
	if (kind == LG_PROTECTED_MANAGER_BUS &&
	    ((policy->flags & LG_POLICY_SYSTEM_BUS) || lg_in_setup_window()))
		kind = 0;
	if (!kind) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	lg_verdict_builtin(&v, LG_BUILTIN_SERVICE_MANAGER);
	return lg_path_verdict_finish(policy, cgroup_id, hook, LG_DECISION_FILE_WRITE, &v);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(lg_unix_stream_connect, struct sock *sock, struct sock *other, struct sock *newsk,
	     int ret)
{
	if (ret)
		return ret;
	return lg_unix_peer(other, LG_HOOK_UNIX_STREAM_CONNECT);
}

SEC("lsm/unix_may_send")
int BPF_PROG(lg_unix_may_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret)
		return ret;
	return lg_unix_peer(BPF_CORE_READ(other, sk), LG_HOOK_UNIX_MAY_SEND);
}
