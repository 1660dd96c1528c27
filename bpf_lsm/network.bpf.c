// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network rules: lsm/socket_connect and lsm/socket_sendmsg; lsm/socket_bind and lsm/socket_listen.
 *
 * Guarantees: for a task under a policy, on AF_INET and AF_INET6 sockets:
 *  - connect() (TCP, MPTCP counted as TCP, UDP) is decided by the [network] rules on the
 *    destination address, port and protocol; an IPv4-mapped IPv6 destination is matched as IPv4;
 *  - a datagram sent with an explicit destination (sendto, sendmsg, sendmmsg, io_uring) without
 *    a prior connect, and a TCP Fast Open send (MSG_FASTOPEN, which connects without connect()),
 *    are decided the same way.
 * Other protocols (ICMP echo "ping", raw IP, UDP-Lite) match the rules that name no protocol and
 * no port; SCTP matches no rule: the default decides. A destination is read
 * as the kernel will read it (lg_read_dest): a datagram to sin_family AF_UNSPEC on an IPv4
 * socket goes where its sockaddr_in says, an IPv4-mapped IPv6 address is IPv4, an address the
 * kernel refuses (too short, a family the socket does not take) is left to its errno.
 * connect(AF_UNSPEC) (disconnect) is always allowed. vm-tests/destinations.c holds the table.
 *
 * And, on every family (LG_BUILTIN_CREDENTIALS, a protection): a confined task sends only
 * SCM_CREDENTIALS an unprivileged sender could, its own (lg_credentials_check).
 *
 * And socket creation (lsm/socket_create, lg_socket_create below): [network] sockets decides
 * which families, and which inet protocols, a confined task may create sockets of.
 *
 * Incoming (bind, listen): below, at lsm/socket_bind. Not covered: accepting; the [network]
 * rules of AF_UNIX, AF_NETLINK and other families.
 */
#include "cache.bpf.h"
#include "notify.bpf.h"
#include "abstract.bpf.h"
#include "reserve.bpf.h"
#include <bpf/bpf_endian.h>

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define NETLINK_KOBJECT_UEVENT 15
#define MSG_FASTOPEN 0x20000000
#define SIN6_LEN_RFC2133 24
#define SOCK_RAW 3

char LICENSE[] SEC("license") = "GPL";

struct lg_net_dest {
	__u8 family; /* 4 or 6 */
	__u8 protocol; /* LG_NET_TCP, LG_NET_UDP, LG_NET_OTHER; 0 for SCTP (no rule) */
	__u16 port;
	__u32 pad;
	/* on 8 bytes, so that its words are loaded and compared whole: at offset 4 each 8-byte
	 * copy and test was byte loads and shifts (a UDP sendto's hit path, measured) */
	__u8 addr[16] __attribute__((aligned(8)));
};

/*
 * Read a destination sockaddr as the kernel will for a socket of sock_family; false when there
 * is nothing to decide (the kernel refuses the address, or takes it as no address). One read of
 * the largest form: the kernel holds every sockaddr it passes here in a sockaddr_storage.
 *
 * The kernel's readings (6.1), which this follows:
 *  - an AF_INET socket reads only AF_INET (anything else: EAFNOSUPPORT), except that a datagram
 *    sent by udp_sendmsg or raw_sendmsg with sin_family AF_UNSPEC goes to the sockaddr_in's
 *    address and port as if it said AF_INET (unspec_is_inet: sends on non-TCP sockets);
 *    connect(AF_UNSPEC) disconnects, as does a TCP Fast Open send's;
 *  - an AF_INET6 socket reads AF_INET6 (at least SIN6_LEN_RFC2133 bytes) and AF_INET (sent or
 *    connected as IPv4 unless the socket is v6-only, which then refuses it); AF_UNSPEC on a
 *    UDP send means no address, on a raw IPv6 send the sockaddr_in6 as AF_INET6
 *    (rawv6_sendmsg accepts a zero family; unspec_is_inet6);
 *  - an IPv4-mapped IPv6 address is sent to as the IPv4 address.
 * A destination shorter than its family's sockaddr is refused by the kernel (EINVAL).
 */
static __always_inline bool lg_read_dest(const struct sockaddr *address, int addrlen,
					 __u16 sock_family, bool unspec_is_inet,
					 bool unspec_is_inet6, struct lg_net_dest *dest)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} buf;
	__u16 family;

	if (!address || addrlen < (int)sizeof(sa_family_t))
		return false;
	if (bpf_probe_read_kernel(&buf, sizeof(buf), address))
		return false;
	__builtin_memset(dest->addr, 0, sizeof(dest->addr));
	family = buf.sa.sa_family;
	if (family == AF_UNSPEC && unspec_is_inet)
		family = AF_INET;
	else if (family == AF_UNSPEC && unspec_is_inet6)
		family = AF_INET6;
	if (family == AF_INET) {
		if (addrlen < (int)sizeof(buf.sin))
			return false;
		dest->family = 4;
		dest->port = bpf_ntohs(buf.sin.sin_port);
		__builtin_memcpy(dest->addr, &buf.sin.sin_addr, 4);
		return true;
	}
	if (family == AF_INET6 && sock_family == AF_INET6) {
		bool is_mapped = !buf.sin6.sin6_addr.in6_u.u6_addr32[0] &&
				 !buf.sin6.sin6_addr.in6_u.u6_addr32[1] &&
				 buf.sin6.sin6_addr.in6_u.u6_addr32[2] == bpf_htonl(0xffff);

		if (addrlen < SIN6_LEN_RFC2133)
			return false;
		dest->port = bpf_ntohs(buf.sin6.sin6_port);
		__builtin_memcpy(dest->addr, &buf.sin6.sin6_addr, 16);
		if (is_mapped) {
			dest->family = 4;
			__builtin_memcpy(dest->addr, &buf.sin6.sin6_addr.in6_u.u6_addr8[12], 4);
			__builtin_memset(dest->addr + 4, 0, 12);
		} else {
			dest->family = 6;
		}
		return true;
	}
	return false;
}

/*
 * The rules' protocol of an inet socket: TCP (MPTCP too), UDP, or LG_NET_OTHER (ICMP echo, raw
 * IP, UDP-Lite...), which only rules naming no protocol and no port match: a rule on an address
 * alone covers every protocol that reaches it (attack run 8: an echo socket carried a payload to
 * a denied address). SCTP matches no rule, its every address is decided by [network] default
 * (lg_sctp_bind_connect reads one address of a list, which a rule could not decide alone).
 */
static __always_inline __u8 lg_socket_protocol(struct sock *sk)
{
	__u16 protocol = sk->sk_protocol;

	if (protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP)
		return LG_NET_TCP;
	if (protocol == IPPROTO_UDP)
		return LG_NET_UDP;
	if (protocol == IPPROTO_SCTP)
		return 0;
	return LG_NET_OTHER;
}

/*
 * The first port rule of the longest prefix that matches; when none does, the next shorter
 * enclosing prefix, at most LG_NET_CHAIN_MAX times (more is refused by the compiler; reaching
 * it anyway is decided deny).
 */
static __always_inline void lg_net_decide(const struct lg_policy_value *policy,
					  const struct lg_net_dest *dest, __u32 *rule, bool *deny,
					  __u8 *flags)
{
	struct lg_net_key key = {.policy = policy->id, .family = dest->family};
	__u32 prefixlen = LG_NET_KEY_FIXED_BITS +
			  ((dest->family & ~LG_NET_LISTEN_KEY) == 4 ? 32 : 128);

	*rule = policy->default_rule[LG_DECISION_NET];
	*deny = policy->default_deny & (1u << LG_DECISION_NET);
	__builtin_memcpy(key.addr, dest->addr, 16);
	for (int round = 0; round < LG_NET_CHAIN_MAX; round++) {
		struct lg_net_value *value;
		__u32 found;

		key.prefixlen = prefixlen;
		value = bpf_map_lookup_elem(&lg_nets, &key);
		if (!value)
			return;
		for (int i = 0; i < LG_NET_PORT_SLOTS; i++) {
			const struct lg_net_port_rule *r = &value->port[i];

			if (i >= value->count)
				break;
			if ((r->flags & dest->protocol) && dest->port >= r->port_lo &&
			    dest->port <= r->port_hi) {
				*rule = r->rule;
				*deny = r->flags & LG_NET_DENY;
				return;
			}
		}
		found = value->prefixlen;
		if (found <= LG_NET_KEY_FIXED_BITS)
			return;
		prefixlen = found - 1;
	}
	*rule = 0;
	*deny = true;
	*flags |= LG_EVENT_WALK_LIMIT;
}

/* The destination as one number, for the event rate limit. */
static __always_inline __u64 lg_dest_key(const struct lg_net_dest *dest)
{
	__u64 a, b;

	__builtin_memcpy(&a, dest->addr, 8);
	__builtin_memcpy(&b, dest->addr + 8, 8);
	return lg_hash_mix(lg_hash_mix(a, b), ((__u64)dest->port << 16) | dest->protocol);
}

/* Report a deny verdict on dest (object_kind: LG_EVENT_OBJECT_*, 0 for the hook's own;
 * ip_protocol: the socket's IPPROTO_*, 0 when not known) and return what the hook returns. */
static __always_inline int lg_net_deny(const struct lg_policy_value *policy, __u64 cgroup_id,
				       __u8 hook, __u32 rule, __u8 flags,
				       const struct lg_net_dest *dest, __u8 object_kind,
				       __u8 ip_protocol)
{
	struct lg_event *ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_NET, rule, flags,
					     lg_dest_key(dest), 0);

	if (ev) {
		ev->object_kind = object_kind;
		ev->object.net.family = dest->family;
		ev->object.net.protocol = dest->protocol;
		ev->object.net.ip_protocol = ip_protocol;
		ev->object.net.port = dest->port;
		__builtin_memcpy(ev->object.net.addr, dest->addr, 16);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny(policy, hook);
}

/*
 * The socket's cache (cache.bpf.h): the last allowed destination, for one policy and tag.
 * Written under the lock between two increments of seq, so that threads sharing the socket
 * never leave one destination's address beside another's port; read without it (a reader that
 * sees seq odd or changed takes it as a miss, which decides in full), as lg_inode_cache is: no
 * lock-taking helper calls on a hit (20 instructions of a UDP sendto's 852, measured; the
 * address's alignment, struct lg_net_dest, saved 68 before it).
 */
static __always_inline bool lg_sock_cached(struct lg_sock_cache *cache, __u64 tag, __u32 policy,
					   const struct lg_net_dest *dest)
{
	__u64 seq = *(volatile __u64 *)&cache->seq;
	bool hit;

	if (seq & 1)
		return false;
	asm volatile("" ::: "memory");
	hit = cache->tag == tag && cache->policy == policy && cache->family == dest->family &&
	      cache->protocol == dest->protocol && cache->port == dest->port &&
	      *(__u64 *)&cache->addr[0] == *(const __u64 *)&dest->addr[0] &&
	      *(__u64 *)&cache->addr[8] == *(const __u64 *)&dest->addr[8];
	asm volatile("" ::: "memory");
	return hit && *(volatile __u64 *)&cache->seq == seq;
}

static __always_inline void lg_sock_cache_store(struct lg_sock_cache *cache, __u64 tag,
						__u32 policy, const struct lg_net_dest *dest)
{
	bpf_spin_lock(&cache->lock);
	*(volatile __u64 *)&cache->seq = cache->seq + 1;
	asm volatile("" ::: "memory");
	cache->tag = tag;
	cache->policy = policy;
	cache->family = dest->family;
	cache->protocol = dest->protocol;
	cache->port = dest->port;
	__builtin_memcpy(cache->addr, dest->addr, 16);
	asm volatile("" ::: "memory");
	*(volatile __u64 *)&cache->seq = cache->seq + 1;
	bpf_spin_unlock(&cache->lock);
}

/*
 * An IPv4 destination read through connect's BTF-typed sockaddr: byte loads within sa_data, no
 * helper call. False for anything else (lg_read_dest reads those).
 */
static __always_inline bool lg_read_dest_inet(const struct sockaddr *address, int addrlen,
					      struct lg_net_dest *dest)
{
	if (!address || addrlen < (int)sizeof(struct sockaddr_in) ||
	    address->sa_family != AF_INET)
		return false;
	dest->family = 4;
	dest->port = (__u16)((__u8)address->sa_data[0] << 8 | (__u8)address->sa_data[1]);
	dest->addr[0] = address->sa_data[2];
	dest->addr[1] = address->sa_data[3];
	dest->addr[2] = address->sa_data[4];
	dest->addr[3] = address->sa_data[5];
	return true;
}

static __always_inline bool lg_unspecified_dest(struct sock *sk, struct msghdr *msg, bool connect,
						struct lg_net_dest *dest);
static __always_inline bool lg_sendmmsg_batch(void);
/* lg_subflow_connect4/6 loaded: they write a decided address into a connect to 0.0.0.0 */
const volatile bool lg_connect_rewrites = false;
static __always_inline int lg_unspecified_connect_note(const struct lg_policy_value *policy,
						       struct sock *sk,
						       const struct lg_net_dest *dest);
static __always_inline int lg_inet_route_deny(const struct lg_policy_value *policy,
					      __u64 cgroup_id, __u8 hook, bool batch);

#define LG_CGROUP_WALK_MAX 64

/* The policy of a cgroup (not the current task's): its nearest bound ancestor's. A cgroup more
 * than LG_CGROUP_WALK_MAX levels below its nearest bound ancestor (or the root) cannot be
 * placed: too_deep, refused by the caller (fail closed, no policy to report it under). Not
 * lg_find_policy: that one reaches a task deeper than LG_CGROUP_DEPTH_MAX through
 * bpf_get_current_ancestor_cgroup_id, which knows the current task's cgroup only, and a
 * subflow's connect runs in a kernel worker. */
static __always_inline const struct lg_policy_value *lg_cgroup_policy_of(struct cgroup *cgrp,
									  __u64 *cgroup_id,
									  bool *too_deep)
{
	const struct lg_policy_value *policy;
	__u32 policy_id = 0;

	*too_deep = false;
	if (!cgrp)
		return 0;
	*cgroup_id = cgrp->kn->id;
	for (int i = 0; i < LG_CGROUP_WALK_MAX; i++) {
		struct cgroup_subsys_state *parent;
		__u32 *bound;
		__u64 id;

		if (cgrp->level < 1)
			break; /* the root: under no policy */
		id = cgrp->kn->id;
		bound = bpf_map_lookup_elem(&lg_cgroup_policy, &id);
		if (bound) {
			policy_id = lg_binding_read(id, bound);
			break;
		}
		parent = cgrp->self.parent;
		if (!parent)
			break;
		cgrp = parent->cgroup;
		/* the last round climbed to a cgroup that is not the root: not looked at */
		if (i == LG_CGROUP_WALK_MAX - 1 && cgrp && cgrp->level >= 1)
			*too_deep = true;
	}
	if (!policy_id)
		return 0;
	policy = bpf_map_lookup_elem(&lg_policies, &policy_id);
	return policy && policy->id == policy_id ? policy : 0;
}

/*
 * Whether lsmguard's cgroup connect program runs for a connect of a socket of cgrp (the cgroup
 * a socket keeps from its creation): it is in the cgroup's effective array, which holds the
 * programs attached at the cgroup and its ancestors. The daemon attaches the two programs at
 * every cgroup bound to a policy (enforcer/connect_attach.c), not at the root, so that no
 * socket under no policy pays for them; a cgroup the kernel bound at its creation has them
 * once the daemon has seen it (within milliseconds; never while no daemon runs), so the
 * callers fail closed without them. Read through probe reads: the array is RCU-protected
 * kernel memory, and the search stops at LG_CONNECT_PROGRAMS_MAX programs.
 */
#define LG_CONNECT_PROGRAMS_MAX 8

static __always_inline bool lg_connect_programs_run(struct cgroup *cgrp, bool inet6)
{
	__u32 index = LG_EPOCH_CONNECT_PROGRAMS, want;
	struct bpf_prog_array *array = 0;
	__u64 *ids = bpf_map_lookup_elem(&lg_epochs, &index);
	unsigned long slot, item, first;

	if (!ids || !cgrp)
		return false;
	want = inet6 ? (__u32)(*ids >> 32) : (__u32)*ids;
	if (!want)
		return false;
	slot = (unsigned long)__builtin_preserve_access_index(&cgrp->bpf.effective[0]);
	slot += 8 * (inet6 ? bpf_core_enum_value(enum cgroup_bpf_attach_type, CGROUP_INET6_CONNECT)
			   : bpf_core_enum_value(enum cgroup_bpf_attach_type, CGROUP_INET4_CONNECT));
	if (bpf_probe_read_kernel(&array, sizeof(array), (void *)slot) || !array)
		return false;
	item = bpf_core_type_size(struct bpf_prog_array_item);
	first = (unsigned long)array + bpf_core_field_offset(struct bpf_prog_array, items);
	for (int i = 0; i < LG_CONNECT_PROGRAMS_MAX; i++) {
		struct bpf_prog *prog = 0;

		if (bpf_probe_read_kernel(&prog, sizeof(prog), (void *)(first + i * item)) || !prog)
			return false;
		if (BPF_CORE_READ(prog, aux, id) == want)
			return true;
	}
	return false;
}

static __always_inline int lg_mptcp_unchecked_event(const struct lg_policy_value *policy,
						    __u64 cgroup_id, __u8 hook);

/*
 * An MPTCP socket's further subflows are decided by the cgroup connect programs of the cgroup
 * the socket was made in, by that cgroup's policy (lg_subflow_check). A confined task's connect
 * or send on an MPTCP socket made elsewhere (handed in over SCM_RIGHTS, inherited from outside
 * the policy: a cgroup without the programs, or another policy's) would have its subflows
 * decided by another policy or by none: refused under a policy that decides destinations
 * (built-in source-route, following the mode). A subprogram: the hooks' stacks stay apart.
 */
static __noinline int lg_mptcp_foreign(struct sock *sk, const struct lg_policy_value *policy,
				       __u64 cgroup_id, __u8 hook)
{
	const struct lg_policy_value *owner;
	struct cgroup *cgrp;
	bool too_deep;
	__u64 id = 0;

	if (!sk || !policy)
		return 0;
	cgrp = sk->sk_cgrp_data.cgroup;
	if (lg_connect_programs_run(cgrp, false) && lg_connect_programs_run(cgrp, true)) {
		owner = lg_cgroup_policy_of(cgrp, &id, &too_deep);
		/* in the middle of a reload, the same policy under the other bank's id too */
		if (owner && !too_deep && lg_policy_ids_same(owner->id, policy->id))
			return 0;
	}
	return lg_mptcp_unchecked_event(policy, cgroup_id, hook);
}

/* 0.0.0.0 or :: (an IPv4-mapped one was read as IPv4): the kernel sends to the source. */
static __always_inline bool lg_dest_unspecified(const struct lg_net_dest *dest)
{
	__u64 high, low;

	__builtin_memcpy(&high, dest->addr, 8);
	__builtin_memcpy(&low, dest->addr + 8, 8);
	return !(high | low);
}


/*
 * The other loopback an IPv6 socket's unspecified destination can become: ::1 for 127.0.0.1
 * and the reverse (lg_unspecified_dest).
 */
static __always_inline void lg_other_loopback(struct lg_net_dest *dest)
{
	__u32 loopback = bpf_htonl(0x7f000001);

	__builtin_memset(dest->addr, 0, sizeof(dest->addr));
	if (dest->family == 4) {
		dest->family = 6;
		dest->addr[15] = 1;
	} else {
		dest->family = 4;
		__builtin_memcpy(dest->addr, &loopback, 4);
	}
}

/* lg_net_decide at the other loopback: a subprogram (inlined a second time, the decision took
 * the hooks' stack past its room). */
static __noinline void lg_other_loopback_decide(const struct lg_policy_value *policy,
						struct lg_net_dest *dest, __u32 *rule, bool *deny,
						__u8 *flags)
{
	if (!policy || !dest || !rule || !deny || !flags)
		return;
	lg_other_loopback(dest);
	lg_net_decide(policy, dest, rule, deny, flags);
}

/* policy: the current task's (not NULL), cgroup_id its cgroup (lg_current_policy). */
static __always_inline int lg_net_check(const struct lg_policy_value *policy, __u64 cgroup_id,
					struct sock *sk, const struct sockaddr *address,
					int addrlen, struct msghdr *msg, __u8 hook, bool connect)
{
	struct lg_sock_cache *cache;
	struct lg_net_dest dest = {};
	__u8 flags = 0;
	bool deny, unfixed, unspecified, any6, rewrite;
	__u32 rule;
	__u64 tag;
	int ret;

	if (sk->sk_protocol == IPPROTO_MPTCP && lg_connect_rewrites &&
	    (policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES)) {
		ret = lg_mptcp_foreign(sk, policy, cgroup_id, hook);
		if (ret)
			return ret;
	}
	dest.protocol = lg_socket_protocol(sk);
	if (!(connect && lg_read_dest_inet(address, addrlen, &dest)) &&
	    !lg_read_dest(address, addrlen, sk->__sk_common.skc_family,
			  !connect && sk->__sk_common.skc_family == AF_INET &&
			      dest.protocol != LG_NET_TCP,
			  !connect && sk->__sk_common.skc_family == AF_INET6 &&
			      sk->sk_type == SOCK_RAW,
			  &dest))
		return 0;
	unspecified = lg_dest_unspecified(&dest);
	if (!connect && unspecified && (policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES) &&
	    lg_sendmmsg_batch())
		return lg_inet_route_deny(policy, cgroup_id, LG_HOOK_SOCKET_SENDMSG, true);
	any6 = unspecified && dest.family == 6;
	unfixed = unspecified && lg_unspecified_dest(sk, msg, connect, &dest) &&
		  (policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES);
	/* A connect there goes where it is decided (lg_unspecified_connect_note); a TCP send
	 * with an address is a Fast Open connect (tcp_sendmsg_fastopen: the same pre_connect) */
	rewrite = (connect || dest.protocol == LG_NET_TCP) && unspecified && lg_connect_rewrites &&
		  BPF_CORE_READ(sk, __sk_common.skc_prot, pre_connect) &&
		  lg_connect_programs_run(sk->sk_cgrp_data.cgroup,
					  sk->__sk_common.skc_family == AF_INET6);
	if (rewrite)
		unfixed = false;
	tag = unfixed || rewrite ? 0 : lg_cache_tag();
	/* Only datagram sockets get a cache: a stream socket connects once, and creating the
	 * storage on every connect cost more than the decision it would save. */
	cache = tag ? bpf_sk_storage_get(&lg_sock_cache, sk, 0,
					 dest.protocol == LG_NET_UDP ? BPF_SK_STORAGE_GET_F_CREATE
								     : 0)
		    : 0;
	if (cache && lg_sock_cached(cache, tag, policy->id, &dest)) {
		lg_count_cached(policy->id, hook);
		return 0;
	}
	lg_net_decide(policy, &dest, &rule, &deny, &flags);
	/* An IPv6 socket's :: goes to ::1, or to 127.0.0.1 while its source is v4-mapped: with
	 * the source not fixed, both are decided (deny wins, reported at the one denied). */
	if (!deny && unfixed && any6) {
		lg_other_loopback_decide(policy, &dest, &rule, &deny, &flags);
		unfixed = false;
	}
	if (!deny && unfixed)
		return lg_inet_route_deny(policy, cgroup_id, hook, false);
	if (deny) {
		ret = lg_net_deny(policy, cgroup_id, hook, rule, flags, &dest, 0,
				  (__u8)sk->sk_protocol);
		return ret || !rewrite ? ret : lg_unspecified_connect_note(policy, sk, &dest);
	}
	if (rewrite) {
		ret = lg_unspecified_connect_note(policy, sk, &dest);
		if (!ret)
			lg_count_allowed(policy->id, hook);
		return ret;
	}
	if (cache && !flags)
		lg_sock_cache_store(cache, tag, policy->id, &dest);
	lg_count_allowed(policy->id, hook);
	return 0;
}

/*
 * socket_create: [network] sockets. The kernel asks before anything else of the socket exists
 * (__sock_create on 6.1: security_socket_create, then request_module("net-pf-N") for a family
 * not loaded, then the family's create, which loads protocol modules such as sctp): a refused
 * socket loads no module. socket(), socketpair() (both ends) and io_uring's IORING_OP_SOCKET
 * all come here; accept() makes its socket without asking (its listener was decided). A socket
 * the kernel makes for itself (kern, e.g. a filesystem's or a tunnel's) is never decided, and a
 * socket received from outside the policy (SCM_RIGHTS, inherited, systemd's socket activation)
 * is the sender's choice. AF_INET with SOCK_PACKET reaches here as AF_PACKET already.
 *
 * What may be created (LG_SOCKET_* in the ABI header): the family's bit; for inet and inet6
 * the base protocols (TCP, MPTCP, UDP, ICMP echo), else the protocol's bit (raw, sctp, udplite,
 * dccp, l2tp, anything else "other"); for netlink the protocol's bit. The kernel's own choices
 * for protocol 0 (inet_create: TCP for SOCK_STREAM, UDP for SOCK_DGRAM, SCTP for
 * SOCK_SEQPACKET, DCCP for SOCK_DCCP) are read as those protocols. Follows the policy's mode.
 */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define LG_SOCK_TYPE_MASK 0xf
#define LG_IPPROTO_ICMPV6 58

/* The LG_SOCKET_INET_* bit an inet or inet6 socket needs; 0 for the base protocols. */
static __always_inline __u32 lg_socket_inet_kind(int family, int type, int protocol)
{
	if (type == SOCK_RAW)
		return LG_SOCKET_INET_RAW;
	if (type == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP))
		return 0;
	if (type == SOCK_DGRAM &&
	    (protocol == 0 || protocol == IPPROTO_UDP ||
	     (family == AF_INET && protocol == IPPROTO_ICMP) ||
	     (family == AF_INET6 && protocol == LG_IPPROTO_ICMPV6)))
		return 0;
	if (protocol == IPPROTO_SCTP || (type == SOCK_SEQPACKET && protocol == 0))
		return LG_SOCKET_INET_SCTP;
	if (protocol == IPPROTO_UDPLITE)
		return LG_SOCKET_INET_UDPLITE;
	if (type == SOCK_DCCP || protocol == IPPROTO_DCCP)
		return LG_SOCKET_INET_DCCP;
	if (protocol == IPPROTO_L2TP)
		return LG_SOCKET_INET_L2TP;
	return LG_SOCKET_INET_OTHER;
}

/*
 * An MPTCP socket's further subflows are decided by the cgroup connect programs (lg_subflow_check)
 * of the cgroup it is made in, where the daemon attaches them once it has seen the cgroup
 * (lg_connect_programs_run). Under a policy that decides destinations, an MPTCP socket is made
 * only where they run: until then (a restarted service's first milliseconds, or no daemon
 * running since the cgroup was made) it is refused, fail closed (EPERM, built-in source-route,
 * following the mode); a plain TCP socket is not affected.
 */
static __always_inline int lg_mptcp_unchecked_event(const struct lg_policy_value *policy,
						    __u64 cgroup_id, __u8 hook)
{
	static const char what[] = "an MPTCP socket in a cgroup whose subflow checks lsmguard "
				   "has not attached yet (is the daemon running?)";
	static const char foreign[] = "an MPTCP socket made outside the policy's cgroups";
	struct lg_event *ev;

	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_NET, 0, LG_EVENT_BUILTIN,
			    0x6d707463ULL + hook, LG_BUILTIN_SOURCE_ROUTE);
	if (ev) {
		lg_event_builtin(ev, LG_BUILTIN_SOURCE_ROUTE);
		if (hook == LG_HOOK_SOCKET_CREATE)
			bpf_probe_read_kernel_str(ev->object.path, sizeof(what), what);
		else
			bpf_probe_read_kernel_str(ev->object.path, sizeof(foreign), foreign);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, hook, LG_EVENT_BUILTIN, LG_BUILTIN_SOURCE_ROUTE);
}

static __always_inline int lg_mptcp_unchecked(const struct lg_policy_value *policy,
					      __u64 cgroup_id)
{
	struct cgroup *cgrp = bpf_get_current_task_btf()->cgroups->dfl_cgrp;

	if (lg_connect_programs_run(cgrp, false) && lg_connect_programs_run(cgrp, true)) {
		lg_count_allowed(policy->id, LG_HOOK_SOCKET_CREATE);
		return 0;
	}
	return lg_mptcp_unchecked_event(policy, cgroup_id, LG_HOOK_SOCKET_CREATE);
}

SEC("lsm/socket_create")
int BPF_PROG(lg_socket_create, int family, int type, int protocol, int kern, int ret)
{
	const struct lg_policy_value *policy;
	struct lg_event *ev;
	__u64 cgroup_id = 0;
	bool allowed;

	if (ret || kern)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	type &= LG_SOCK_TYPE_MASK;
	allowed = family >= 0 && family < LG_SOCKET_FAMILY_MAX &&
		  ((policy->socket_families >> family) & 1);
	if (allowed && (family == AF_INET || family == AF_INET6)) {
		__u32 kind = lg_socket_inet_kind(family, type, protocol);

		allowed = !kind || (policy->socket_inet & kind);
	} else if (allowed && family == AF_NETLINK) {
		allowed = protocol >= 0 && protocol < 32 && ((policy->socket_netlink >> protocol) & 1);
	}
	if (allowed && protocol == IPPROTO_MPTCP && (family == AF_INET || family == AF_INET6) &&
	    lg_connect_rewrites && (policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES))
		return lg_mptcp_unchecked(policy, cgroup_id);
	if (allowed) {
		lg_count_allowed(policy->id, LG_HOOK_SOCKET_CREATE);
		return 0;
	}
	ev = lg_event_start(policy, cgroup_id, LG_HOOK_SOCKET_CREATE, LG_DECISION_NET,
			    policy->socket_rule, 0,
			    ((__u64)(__u16)family << 48) | ((__u64)(__u16)type << 32) | (__u32)protocol,
			    0);
	if (ev) {
		ev->object.socket.family = (__u16)family;
		ev->object.socket.type = (__u16)type;
		ev->object.socket.protocol = (__u32)protocol;
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny(policy, LG_HOOK_SOCKET_CREATE);
}

SEC("lsm/socket_connect")
int BPF_PROG(lg_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	const struct lg_policy_value *policy;
	struct sock *sk = sock->sk;
	__u64 cgroup_id = 0;
	__u16 family;

	if (ret || !sk)
		return ret;
	family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_net_check(policy, cgroup_id, sk, address, addrlen, 0, LG_HOOK_SOCKET_CONNECT,
			    true);
}

/*
 * Incoming: lsm/socket_bind and lsm/socket_listen, decided by the listen rules ([network]
 * listen, deny-listen; default: [network] default) at the socket's local address and port.
 *
 * Guarantees, for a task under a policy, on AF_INET and AF_INET6 sockets other than raw ones:
 *  - bind() to a port other than 0 is decided (TCP, MPTCP as TCP, UDP; the other protocols by
 *    the listen rules that name an address alone, SCTP by the default). For UDP this is where a server is made: a datagram socket
 *    receives on its port without listen(). A TCP bind is decided too, so that a service cannot
 *    squat on another's port, or share it with SO_REUSEPORT and take half its connections,
 *    before any listen();
 *  - listen() on a stream socket is decided at the address and port the socket has then: a
 *    socket bound to port 0 has its ephemeral port, an unbound one (inet_listen binds it after
 *    this hook) is decided as port 0, which stands for "some ephemeral port" (a rule allows it
 *    only when its range includes 0). A listen() on a socket the task was given (systemd's
 *    socket activation) is decided like any other; accept() on it is not;
 *  - bind(port 0) passes: a client's explicit or implicit bind (connect, sendto autobind) is
 *    not a server. An unconnected UDP socket still receives on its ephemeral port (not decided:
 *    docs/security.md);
 *  - the address is read as the kernel's bind reads it: an AF_INET socket takes AF_INET, and
 *    AF_UNSPEC with INADDR_ANY as AF_INET; an AF_INET6 socket takes AF_INET6 only (else
 *    EAFNOSUPPORT, left to the kernel), an IPv4-mapped address as IPv4. The wildcard :: on a
 *    socket that is not IPV6_V6ONLY also receives IPv4: it is decided at :: and at 0.0.0.0,
 *    and both must allow.
 * Not decided: accept() (security_socket_accept runs before the peer is known: filter peers
 * with a firewall), SCTP's bindx (sctp_bind_connect), io_uring (6.1 has no bind or listen
 * operation). The errno is EPERM, as for a denied connect.
 */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5

/*
 * One listen decision at *local (on the caller's stack); a deny is reported (hook names the
 * operation) and counted. Global: verified once, however many decisions a hook makes.
 */
__weak __noinline int lg_listen_decide(struct lg_net_dest *local, __u32 hook)
{
	const struct lg_policy_value *policy;
	struct lg_net_dest at;
	__u64 cgroup_id = 0;
	__u8 flags = 0;
	bool deny;
	__u32 rule;

	if (!local)
		return -EPERM; /* cannot be (the caller's stack); the verifier wants the check */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	at = *local;
	at.family |= LG_NET_LISTEN_KEY;
	lg_net_decide(policy, &at, &rule, &deny, &flags);
	if (!deny) {
		lg_count_allowed(policy->id, (__u8)hook);
		return 0;
	}
	/* SCTP's bindx: "access":"listen" (the hook also connects) */
	return lg_net_deny(policy, cgroup_id, (__u8)hook, rule, flags, local,
			   hook == LG_HOOK_SCTP_BIND_CONNECT ? LG_EVENT_OBJECT_LISTEN : 0,
			   local->protocol ? 0 : IPPROTO_SCTP);
}

/*
 * The local address at :: of a dual-stack socket is decided at 0.0.0.0 as well. Word tests, not
 * byte loops: a branch per byte of an address the verifier cannot know multiplied its states.
 */
static __always_inline int lg_listen_check(struct sock *sk, struct lg_net_dest *local, __u8 hook)
{
	__u64 high, low;
	int ret;

	__builtin_memcpy(&high, local->addr, 8);
	__builtin_memcpy(&low, local->addr + 8, 8);
	ret = lg_listen_decide(local, hook);
	if (ret || local->family != 6 || (high | low) ||
	    BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_ipv6only))
		return ret;
	local->family = 4;
	return lg_listen_decide(local, hook);
}

/*
 * A unix socket's bind (address: the kernel's copy): binding an abstract name is decided by the
 * [network] listen and deny-listen rules on @NAME and @PREFIX*, else [network] default
 * (abstract.bpf.h), for a task under a policy: a name squatted before its service binds it
 * receives that service's clients, their requests and their credentials (X11's
 * @/tmp/.X11-unix/X0, a D-Bus or containerd address). An autobind (the address is sun_family
 * alone: the kernel picks a random five-hex-digit name no client expects) is not decided; a
 * pathname bind makes a socket file, a [files] write decided at path_mknod.
 */
static __always_inline int lg_unix_bind(struct sockaddr *address, int addrlen)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	char first = 1;

	policy = lg_current_policy(&cgroup_id);
	if (!policy || addrlen <= (int)sizeof(sa_family_t))
		return 0;
	/* unix_bind takes at most sizeof(struct sockaddr_un), 110 bytes (EINVAL beyond). */
	if (address && addrlen <= 110 &&
	    bpf_probe_read_kernel(&first, 1, (const char *)address + sizeof(sa_family_t)))
		first = 0; /* unreadable: decided as an abstract name that cannot be read */
	if (first)
		return 0;
	return lg_abstract_decide(policy, cgroup_id,
				  (const char *)address + sizeof(sa_family_t) + 1,
				  address && addrlen <= 110 ? addrlen - (int)sizeof(sa_family_t) - 1
							    : -1,
				  LG_HOOK_SOCKET_BIND, LG_SLOT_EXACT_WRITE);
}

SEC("lsm/socket_bind")
int BPF_PROG(lg_socket_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct sock *sk = sock->sk;
	struct lg_net_dest local = {};
	__u16 family, given;

	if (ret || !sk)
		return ret;
	family = sk->__sk_common.skc_family;
	if (family == AF_UNIX)
		return lg_unix_bind(address, addrlen);
	if ((family != AF_INET && family != AF_INET6) || sk->sk_type == SOCK_RAW)
		return 0;
	if (!address || addrlen < (int)sizeof(sa_family_t))
		return 0; /* the kernel refuses it (EINVAL) */
	if (bpf_probe_read_kernel(&given, sizeof(given), &address->sa_family)) {
		__u64 cgroup_id = 0;

		/* cannot be (the kernel's copy of the address): fail closed for a confined task */
		return lg_current_policy(&cgroup_id) ? -EPERM : 0;
	}
	/* inet_bind: AF_UNSPEC is AF_INET only with INADDR_ANY; inet6_bind: AF_INET6 only, but
	 * for SCTP, whose sctp_bind takes an AF_INET address on an IPv6 socket (not
	 * IPV6_V6ONLY): decided as that address. */
	if (family == AF_INET6 && given != AF_INET6) {
		if (sk->sk_protocol != IPPROTO_SCTP || given != AF_INET)
			return 0;
		family = AF_INET;
	}
	if (!lg_read_dest(address, addrlen, family, family == AF_INET, false, &local))
		return 0;
	if (given == AF_UNSPEC &&
	    (local.addr[0] | local.addr[1] | local.addr[2] | local.addr[3]))
		return 0;
	if (!local.port)
		return 0; /* an ephemeral port: a client's bind (listen() is decided) */
	local.protocol = lg_socket_protocol(sk);
	return lg_listen_check(sk, &local, LG_HOOK_SOCKET_BIND);
}

/*
 * listen() on a unix socket bound to an abstract name: decided again by the listen rules on
 * @NAME, as at bind, because an autobound name (the kernel's five hex digits, which bind never
 * decides) is one anybody reads in /proc/net/unix: a listener there is a backdoor like one on
 * an ephemeral port (attack run 8). A pathname socket's bind made a file ([files], decided
 * then); an unbound socket cannot listen (EINVAL).
 */
static __always_inline int lg_unix_listen(struct sock *sk)
{
	struct unix_sock *us = (struct unix_sock *)sk;
	const struct lg_policy_value *policy;
	struct unix_address *addr;
	__u64 cgroup_id = 0;

	if (sk->sk_type == SOCK_DGRAM)
		return 0; /* EOPNOTSUPP */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	addr = BPF_CORE_READ(us, addr);
	if (!addr || BPF_CORE_READ(us, path.dentry))
		return 0;
	/* addr->len counts sun_family and the leading NUL */
	return lg_abstract_decide(policy, cgroup_id,
				  (const void *)addr + bpf_core_field_offset(struct unix_address, name) +
				      sizeof(__u16) + 1,
				  BPF_CORE_READ(addr, len) - (int)sizeof(__u16) - 1, LG_HOOK_SOCKET_LISTEN,
				  LG_SLOT_EXACT_WRITE);
}

SEC("lsm/socket_listen")
int BPF_PROG(lg_socket_listen, struct socket *sock, int backlog, int ret)
{
	struct sock *sk = sock->sk;
	struct lg_net_dest local = {};
	__u32 word[4];
	__u16 family;

	if (ret || !sk)
		return ret;
	family = sk->__sk_common.skc_family;
	if (family == AF_UNIX)
		return lg_unix_listen(sk);
	/* listen() on a datagram socket fails with EOPNOTSUPP: left to the kernel. */
	if ((family != AF_INET && family != AF_INET6) || sk->sk_type == SOCK_DGRAM ||
	    sk->sk_type == SOCK_RAW)
		return 0;
	local.protocol = lg_socket_protocol(sk);
	local.port = sk->__sk_common.skc_num; /* host order; 0 while unbound */
	if (family == AF_INET) {
		local.family = 4;
		__builtin_memcpy(local.addr, &sk->__sk_common.skc_rcv_saddr, 4);
		return lg_listen_check(sk, &local, LG_HOOK_SOCKET_LISTEN);
	}
	for (int i = 0; i < 4; i++)
		word[i] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[i];
	if (!word[0] && !word[1] && word[2] == bpf_htonl(0xffff)) { /* IPv4-mapped: IPv4 */
		local.family = 4;
		__builtin_memcpy(local.addr, &word[3], 4);
	} else {
		local.family = 6;
		__builtin_memcpy(local.addr, word, 16);
	}
	return lg_listen_check(sk, &local, LG_HOOK_SOCKET_LISTEN);
}

/*
 * SCM_CREDENTIALS. The receiver of a unix or netlink message learns its sender from the
 * credentials the message carries: journald files a line under the unit of the pid it names
 * (_PID, _SYSTEMD_UNIT), and systemd takes an sd_notify datagram (READY=1, MAINPID=,
 * WATCHDOG=trigger, STATUS=) as the message of the unit that pid belongs to. The kernel
 * (scm_check_creds) lets a sender with CAP_SYS_ADMIN name any pid, and one with CAP_SETUID or
 * CAP_SETGID any user or group: a confined root would speak for lsmguard or PID 1. A confined
 * task may send only what the kernel accepts from a sender without those capabilities: its own
 * thread-group id as its own pid namespace numbers it (not a thread's id), and one of its real,
 * effective or saved user ids and group ids as its user namespace maps them.
 *
 * sendmsg, sendmmsg and io_uring's sendmsg copy the control messages into kernel memory before
 * this hook (a compat sender's converted to the native layout); the walk follows the kernel's
 * own (CMSG_FIRSTHDR, CMSG_OK, CMSG_NXTHDR), reads at most LG_CMSG_MAX headers and refuses a
 * send with more: what the walk has not read, it cannot allow.
 *
 * sendmmsg() asks this hook only for the first of its messages to one address: the next ones
 * to the same address go out unseen (____sys_sendmsg's used_address), control messages and all.
 * On the families whose receivers read credentials (unix, netlink), a confined task's sendmmsg()
 * of several messages with an address is refused (with no address, a connected socket, each
 * message passes here). The call is known by the system call number, as lsm/capable does.
 */
#define SOL_SOCKET 1
#define SCM_CREDENTIALS 2
#define LG_CMSG_MAX 16
#define AF_UNIX 1
#define NR_SENDMMSG 307	      /* x86-64 */
#define NR_SENDMMSG_X32 538   /* x32, with X32_SYSCALL_BIT */
#define NR_SENDMMSG_IA32 345  /* ia32 (no x86-64 call has this number) */
#define NR_SOCKETCALL_IA32 102 /* ia32 socketcall (x86-64's getuid: never sends) */
#define SYS_SENDMMSG 20	      /* socketcall's call number */
#define LG_ID_MAP_EXTENTS 5 /* UID_GID_MAP_MAX_BASE_EXTENTS: the extents kept in the map */

struct lg_cmsghdr {
	__u64 len; /* __kernel_size_t cmsg_len */
	__s32 level;
	__s32 type;
};

struct lg_ucred {
	__s32 pid;
	__u32 uid;
	__u32 gid;
};

/*
 * An id of a user namespace as the kernel's id (make_kuid): 0 and *kid set; 1 when the map
 * does not hold it (the kernel refuses the message with EINVAL); -1 when the map keeps its
 * extents outside itself (more than LG_ID_MAP_EXTENTS), which this walk does not read.
 */
static __always_inline int lg_id_down(const struct uid_gid_map *map, __u32 id, __u32 *kid)
{
	struct uid_gid_extent extents[LG_ID_MAP_EXTENTS];
	__u32 count = BPF_CORE_READ(map, nr_extents);

	if (count > LG_ID_MAP_EXTENTS || bpf_core_read(extents, sizeof(extents), &map->extent))
		return -1;
	for (__u32 i = 0; i < LG_ID_MAP_EXTENTS; i++) {
		if (i >= count)
			break;
		if (id >= extents[i].first && id - extents[i].first < extents[i].count) {
			*kid = extents[i].lower_first + (id - extents[i].first);
			return 0;
		}
	}
	return 1;
}

/* task's thread-group id at level of the pid namespaces, in the namespace ns; -1 when task has
 * no number there (or it cannot be read). */
static __always_inline __s32 lg_tgid_at(struct task_struct *task, unsigned int level,
					const void *ns)
{
	return lg_pid_nr_at(BPF_CORE_READ(task, group_leader, thread_pid), level, ns);
}

/*
 * Whether pid, as the current task's pid namespace numbers it, is its own thread group's
 * (task_tgid_vnr) or its parent's when the parent is under the same policy: systemd-notify
 * sends with its parent's pid (the script that runs it, so that PID 1 finds the unit after
 * systemd-notify has gone). Never another process of another policy or of none.
 */
static __always_inline bool lg_claimable_pid(struct task_struct *task, __s32 pid,
					     __u32 policy_id)
{
	struct pid *own = BPF_CORE_READ(task, thread_pid);
	struct task_struct *parent;
	struct upid mine;
	unsigned int level;
	bool unknown = false;

	if (!own)
		return false;
	level = BPF_CORE_READ(own, level);
	if (!lg_upid_at(own, level, &mine))
		return false;
	if (pid == lg_tgid_at(task, level, mine.ns))
		return true;
	parent = BPF_CORE_READ(task, group_leader, real_parent);
	return parent && pid == lg_tgid_at(parent, level, mine.ns) &&
	       lg_policy_ids_same(lg_task_policy(parent, &unknown), policy_id) && !unknown;
}

/*
 * Whether claimed credentials are the current task's own (see above): 1, else 0 (also when
 * unsure). Global: verified once, not once per header the walk reads.
 */
__noinline int lg_credentials_own(__s32 pid, __u32 uid, __u32 gid, __u32 policy_id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct user_namespace *ns = BPF_CORE_READ(cred, user_ns);
	__u32 kuid, kgid;
	int found;

	if (!ns || !lg_claimable_pid(task, pid, policy_id))
		return 0;
	found = lg_id_down(&ns->uid_map, uid, &kuid);
	if (found < 0)
		return 0;
	if (found == 0 && kuid != BPF_CORE_READ(cred, uid.val) &&
	    kuid != BPF_CORE_READ(cred, euid.val) && kuid != BPF_CORE_READ(cred, suid.val))
		return 0;
	found = lg_id_down(&ns->gid_map, gid, &kgid);
	if (found < 0)
		return 0;
	return found == 1 || kgid == BPF_CORE_READ(cred, gid.val) ||
	       kgid == BPF_CORE_READ(cred, egid.val) || kgid == BPF_CORE_READ(cred, sgid.val);
}

/* Whether the current system call is a sendmmsg() of more than one message. */
static __always_inline bool lg_sendmmsg_batch(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	__u64 nr;
	__u32 vlen;

	if (!regs)
		return true; /* not known: as if it were */
	nr = BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT;
	if (nr == NR_SENDMMSG || nr == NR_SENDMMSG_X32 || nr == NR_SENDMMSG_IA32)
		return (__u32)BPF_CORE_READ(regs, dx) > 1;
	if (nr != NR_SOCKETCALL_IA32 || (__u32)BPF_CORE_READ(regs, bx) != SYS_SENDMMSG)
		return false;
	/* socketcall(SYS_SENDMMSG, args): the count is args[2], in the caller's memory. */
	if (bpf_probe_read_user(&vlen, sizeof(vlen),
				(const void *)(BPF_CORE_READ(regs, cx) & 0xffffffffULL) + 8))
		return true;
	return vlen > 1;
}

/* Bytes of the control buffer: the kernel's copy, else the sender's memory it points to. */
static __always_inline int lg_control_read(void *dst, __u32 size, __u64 addr, bool user)
{
	if (bpf_probe_read_kernel(dst, size, (const void *)addr) == 0)
		return 0;
	return user ? bpf_probe_read_user(dst, size, (const void *)addr) : -1;
}

/*
 * Refuse a send (a protection: every mode): the claim in the event, else what. Each claim is
 * its own object for the rate limit (as a path is), so one flood does not hide another claim.
 */
static __always_inline int lg_credentials_deny(const struct lg_policy_value *policy,
					       __u64 cgroup_id, const struct lg_ucred *claim,
					       const char *what, __u32 what_size)
{
	static const char format[] = "SCM_CREDENTIALS pid %lld uid %llu gid %llu";
	__u64 object = LG_BUILTIN_CREDENTIALS;
	struct lg_event *ev;

	if (claim)
		object = lg_hash_mix(((__u64)(__u32)claim->pid << 32) | claim->uid, claim->gid);
	ev = lg_event_start(policy, cgroup_id, LG_HOOK_SOCKET_SENDMSG, LG_DECISION_NET, 0,
			    LG_EVENT_BUILTIN, object, LG_BUILTIN_CREDENTIALS);
	if (ev) {
		lg_event_builtin(ev, LG_BUILTIN_CREDENTIALS);
		if (claim) {
			__u64 args[3] = {(__u64)(__s64)claim->pid, claim->uid, claim->gid};

			bpf_snprintf((char *)ev->object.path, LG_EVENT_PATH_MAX, format, args,
				     sizeof(args));
		} else {
			bpf_probe_read_kernel_str(ev->object.path, what_size, what);
		}
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, LG_HOOK_SOCKET_SENDMSG, LG_EVENT_BUILTIN,
			       LG_BUILTIN_CREDENTIALS);
}

#define SOL_IP 0
#define IP_PKTINFO 8
#define SOL_IPV6 41
#define IPV6_PKTINFO 50
#define LG_CMSG_LEN(n) (sizeof(struct lg_cmsghdr) + (n))

/*
 * The unspecified destination (0.0.0.0, ::, ::ffff:0.0.0.0) is this host, at an address the
 * rules must see (found by the session's review: a send to 0.0.0.0:7000 arrived at
 * 127.0.0.1:7000 past deny = 127.0.0.1). IPv4 (__ip_route_output_key): the destination becomes
 * the send's source address, 127.0.0.1 when there is none; the source is the last IP_PKTINFO
 * control message's ipi_spec_dst (or IPV6_PKTINFO's v4-mapped address, which ip_cmsg_send
 * takes on an IPv6 socket), else the socket's source address (inet_saddr). Any local address
 * can be reached that way, so it is decided as that address. IPv6: udpv6_sendmsg,
 * rawv6_sendmsg and tcp_v6_connect send to ::1, or to 127.0.0.1 when the socket's source is
 * v4-mapped. Without a source, an output interface (IP_PKTINFO's ifindex, SO_BINDTODEVICE,
 * IP_UNICAST_IF) makes the route lookup pick that interface's own address: such a source is
 * never fixed (below), so the send is refused and a connect goes to the address decided. The
 * credentials walk ran first: at most LG_CMSG_MAX headers.
 *
 * True when the destination was unspecified and the source it was read from is not fixed:
 * the kernel reads the socket's source again when it routes, and until bind() fixed it
 * (lg_source_fixed) another thread can change it after this decision, by a bind (an unbound
 * socket), or a disconnect and a bind or a connect (a source a connect chose), to any local
 * address (attack run 9: 0.0.0.0 decided as 127.0.0.1, sent to a racing bind's 127.0.0.2). A
 * source the message's own IP_PKTINFO names is fixed when the control messages are in kernel
 * memory (every sendmsg on 6.1, io_uring's too); not when the kernel reads them from user
 * memory later (msg_control_is_user).
 */
#define SOCK_BINDADDR_LOCK 4
#define SOCK_BINDPORT_LOCK 8

/*
 * Whether bind() fixed the socket's source for good: both the address and the port (a port-0
 * bind leaves the socket rebindable: __udp_disconnect, and a TCP socket's failed connect,
 * unhash it unless SOCK_BINDPORT_LOCK, and __inet_bind then takes a new address while
 * SOCK_BINDADDR_LOCK, which nothing clears, is still set), and a source that is an address (a
 * broadcast or multicast bind leaves it 0, for the next connect to fill in). Found by the
 * session's review.
 */
static __always_inline bool lg_source_fixed(struct sock *sk, bool source)
{
	__u8 locks = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_userlocks);

	return source && (locks & (SOCK_BINDADDR_LOCK | SOCK_BINDPORT_LOCK)) ==
				 (SOCK_BINDADDR_LOCK | SOCK_BINDPORT_LOCK);
}


static __always_inline bool lg_unspecified_dest(struct sock *sk, struct msghdr *msg, bool connect,
						struct lg_net_dest *dest)
{
	__u64 size, base, off = 0;
	struct lg_cmsghdr head;
	struct in6_addr bound;
	__u32 source;
	bool user = false, given = false, named = false, fixed;

	if (!lg_dest_unspecified(dest))
		return false;
	if (dest->family == 6) {
		/* An ICMPv6 echo socket's send: ping_v6_sendmsg routes :: as it is (no loopback
		 * rewrite, unlike udpv6_sendmsg and rawv6_sendmsg; a default route takes it off the
		 * host), so it is decided as ::. Its connect (ip6_datagram_connect) rewrites. */
		if (!connect && sk->sk_type == SOCK_DGRAM && sk->sk_protocol == LG_IPPROTO_ICMPV6)
			return false;
		/* tcp_v6_connect reads the bound address (sk_v6_rcv_saddr), udpv6_sendmsg and
		 * rawv6_sendmsg the socket's source (np->saddr): v4-mapped, :: is 127.0.0.1. */
		if (connect)
			bound = sk->__sk_common.skc_v6_rcv_saddr;
		else
			bound = BPF_CORE_READ((struct inet_sock *)sk, pinet6, saddr);
		fixed = lg_source_fixed(sk, bound.in6_u.u6_addr32[0] | bound.in6_u.u6_addr32[1] |
						    bound.in6_u.u6_addr32[2] | bound.in6_u.u6_addr32[3]);
		if (bound.in6_u.u6_addr32[2] == bpf_htonl(0xffff) && !bound.in6_u.u6_addr32[0] &&
		    !bound.in6_u.u6_addr32[1]) {
			dest->family = 4;
			source = bpf_htonl(0x7f000001);
			__builtin_memcpy(dest->addr, &source, 4);
			return !fixed;
		}
		dest->addr[15] = 1;
		return !fixed;
	}
	/* The source the route lookup gets: inet_saddr (a multicast or broadcast bind leaves it
	 * 0, while the bound address, rcv_saddr, is that group), then the control messages. */
	source = BPF_CORE_READ((struct inet_sock *)sk, inet_saddr);
	fixed = lg_source_fixed(sk, source);
	size = msg ? msg->msg_controllen : 0;
	if (size >= sizeof(head)) {
		base = (__u64)BPF_CORE_READ(msg, msg_control);
		if (bpf_core_field_exists(msg->msg_control_is_user))
			user = BPF_CORE_READ_BITFIELD_PROBED(msg, msg_control_is_user);
		for (int i = 0; i < LG_CMSG_MAX; i++) {
			__u32 info[5];

			if (off + sizeof(head) > size ||
			    lg_control_read(&head, sizeof(head), base + off, user) ||
			    head.len < sizeof(head) || head.len > size - off)
				break;
			/* struct in_pktinfo: ifindex, spec_dst, addr */
			if (head.level == SOL_IP && head.type == IP_PKTINFO &&
			    head.len == LG_CMSG_LEN(12) &&
			    !lg_control_read(info, 12, base + off + sizeof(head), user)) {
				source = info[1];
				/* a zero source leaves it to the output interface's address */
				named = true;
				given = !user && source;
			}
			/* struct in6_pktinfo: addr (v4-mapped), ifindex; read by ip_cmsg_send on an
			 * IPv6 socket only, and at any length from CMSG_LEN(20) up */
			if (head.level == SOL_IPV6 && head.type == IPV6_PKTINFO &&
			    sk->__sk_common.skc_family == AF_INET6 && head.len >= LG_CMSG_LEN(20) &&
			    !lg_control_read(info, 20, base + off + sizeof(head), user) &&
			    !info[0] && !info[1] && info[2] == bpf_htonl(0xffff)) {
				source = info[3];
				named = true;
				given = !user && source;
			}
			off += (head.len + 7) & ~7ULL;
		}
	}
	if (!source)
		source = bpf_htonl(0x7f000001);
	__builtin_memcpy(dest->addr, &source, 4);
	/* the message's source, when it names one, replaces the socket's (ip_cmsg_send) */
	return named ? !given : !fixed;
}

/*
 * A connect to the unspecified address goes where socket_connect decided it: the decided
 * address is noted on the socket with the connecting thread and the connect's port, and the
 * cgroup connect programs (lg_subflow_connect4/6), which the kernel runs for that connect under
 * the socket's lock before it reads the source, write it into the connect in place of 0.0.0.0
 * or ::. The kernel then connects to the address as written, whatever another thread bound
 * meanwhile (attack run 9's race, the connect form: a refusal would also refuse glibc's
 * getaddrinfo, which connects a UDP socket to 0.0.0.0 to sort addresses, and Go's
 * net.Dial(":port")). Where the cgroup programs are not loaded (a kernel without MPTCP's BTF:
 * lg_connect_rewrites false) or the protocol runs none (raw sockets: no pre_connect), the
 * connect is refused as a send is, unless its source is fixed.
 *
 * One note per socket, the last connect's: a note another thread's connect replaced is not
 * found by the connect it was for, and the cgroup program refuses a confined task's connect to
 * the unspecified address that finds no note of its own (fail closed: lg_connect_unspecified).
 * A note left by a connect that failed before pre_connect (TCP's EISCONN, EALREADY) blocks
 * nobody: the next connect replaces it, and it matches only its own thread and port. Noted when
 * allowed (in audit mode too, so that the event names where it went); the hook's answer:
 * -ENOMEM when there is no memory for the note (audit mode: 0).
 */
struct lg_unspec_connect {
	struct bpf_spin_lock lock;
	__u16 port;   /* the connect's, host order */
	__u8 family;  /* 4 or 6 */
	__u8 pad;
	__u64 thread; /* bpf_get_current_pid_tgid() of the connect the note is for; 0: none */
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lg_unspec_connect);
} lg_unspec_connect SEC(".maps");


static __always_inline int lg_unspecified_connect_note(const struct lg_policy_value *policy,
						       struct sock *sk,
						       const struct lg_net_dest *dest)
{
	struct lg_unspec_connect *note;
	__u64 thread = bpf_get_current_pid_tgid();

	note = lg_sk_storage_create(&lg_unspec_connect, sk);
	if (!note)
		return policy->mode == LG_MODE_AUDIT ? 0 : -ENOMEM;
	bpf_spin_lock(&note->lock);
	note->thread = thread;
	note->port = dest->port;
	note->family = dest->family;
	__builtin_memcpy(note->addr, dest->addr, 16);
	bpf_spin_unlock(&note->lock);
	return 0;
}

#define LG_CREDS_CLAIM 1  /* a claim not the sender's own */
#define LG_CREDS_UNREAD 2 /* a header or a claim the walk could not read */
#define LG_CREDS_ROUTE 3  /* a source route's control message (lg_source_route_deny) */

/*
 * Source routes: under a policy that decides destinations (LG_NET_POLICY_NO_SOURCE_ROUTES), a
 * packet must leave for the address decided. IPv4's loose and strict source routes
 * (setsockopt IP_OPTIONS, the IP_RETOPTS control message: CAP_NET_RAW, measured) make
 * udp_sendmsg, raw_sendmsg and tcp_v4_connect route to the option's first hop; IPv6 routing
 * headers (setsockopt IPV6_RTHDR, IPV6_2292PKTOPTIONS, a flow label's options through
 * IPV6_FLOWLABEL_MGR; the IPV6_RTHDR and IPV6_2292RTHDR control messages) do the same through
 * fl6_update_dst (a type 4 segment list, type 2 with Mobile IPv6). The hook socket_setsockopt
 * gets no option value on 6.1, so these option names are refused whatever they carry (clearing
 * included); other IPv4 options (record route, timestamps) go with them. Follows the policy's
 * mode.
 */
#define IP_OPTIONS 4
#define IP_RETOPTS 7
#define IPV6_2292RTHDR 5
#define IPV6_2292PKTOPTIONS 6
#define IPV6_FLOWLABEL_MGR 32
#define IPV6_RTHDR 57

static __always_inline const char *lg_source_route_name(int level, int name, bool control,
							 __u32 *size)
{
	static const char ip_options[] = "setsockopt IP_OPTIONS (a source route)";
	static const char rthdr[] = "setsockopt IPV6_RTHDR (a routing header)";
	static const char pktoptions[] = "setsockopt IPV6_2292PKTOPTIONS (a routing header)";
	static const char flowlabel[] = "setsockopt IPV6_FLOWLABEL_MGR (a flow label's routing header)";
	static const char retopts[] = "control message IP_RETOPTS (a source route)";
	static const char rthdr_msg[] = "control message IPV6_RTHDR (a routing header)";
	static const char rthdr2292_msg[] = "control message IPV6_2292RTHDR (a routing header)";

#define LG_ROUTE_NAME(text)                                                                       \
	do {                                                                                      \
		*size = sizeof(text);                                                             \
		return text;                                                                      \
	} while (0)
	/* each its own array: sizeof of a conditional's result is a pointer's */
	if (level == SOL_IP && control)
		LG_ROUTE_NAME(retopts);
	if (level == SOL_IP)
		LG_ROUTE_NAME(ip_options);
	if (name == IPV6_RTHDR && control)
		LG_ROUTE_NAME(rthdr_msg);
	if (name == IPV6_RTHDR)
		LG_ROUTE_NAME(rthdr);
	if (name == IPV6_2292RTHDR)
		LG_ROUTE_NAME(rthdr2292_msg);
	if (name == IPV6_2292PKTOPTIONS)
		LG_ROUTE_NAME(pktoptions);
	LG_ROUTE_NAME(flowlabel);
#undef LG_ROUTE_NAME
}

static __always_inline bool lg_is_source_route(int level, int name, bool control)
{
	if (level == SOL_IP)
		return name == (control ? IP_RETOPTS : IP_OPTIONS);
	if (level != SOL_IPV6)
		return false;
	/* setsockopt IPV6_2292RTHDR asks to receive routing headers: not a route */
	if (control)
		return name == IPV6_RTHDR || name == IPV6_2292RTHDR;
	return name == IPV6_RTHDR || name == IPV6_2292PKTOPTIONS || name == IPV6_FLOWLABEL_MGR;
}

static __always_inline int lg_source_route_deny(const struct lg_policy_value *policy,
						__u64 cgroup_id, __u8 hook, int level, int name,
						bool control)
{
	struct lg_event *ev;
	const char *what;
	__u32 size;

	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_NET, 0, LG_EVENT_BUILTIN,
			    ((__u64)(__u32)level << 32) | (__u32)name | ((__u64)control << 63),
			    LG_BUILTIN_SOURCE_ROUTE);
	if (ev) {
		lg_event_builtin(ev, LG_BUILTIN_SOURCE_ROUTE);
		what = lg_source_route_name(level, name, control, &size);
		bpf_probe_read_kernel_str(ev->object.path, size, what);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, hook, LG_EVENT_BUILTIN, LG_BUILTIN_SOURCE_ROUTE);
}

SEC("lsm/socket_setsockopt")
int BPF_PROG(lg_socket_setsockopt, struct socket *sock, int level, int optname, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret || !lg_is_source_route(level, optname, false))
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || !(policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES))
		return 0;
	return lg_source_route_deny(policy, cgroup_id, LG_HOOK_SOCKET_SETSOCKOPT, level, optname,
				    false);
}

/*
 * sendmmsg() asks socket_sendmsg for the first of several messages to one address only; on an
 * inet socket the next ones' control messages can change where they go (attack run 9): an
 * IP_PKTINFO or IPV6_PKTINFO source for an unspecified destination (0.0.0.0 goes to the
 * source), a source route (IP_RETOPTS; IPv6 routing headers and options). Under a policy that
 * decides destinations: a batch to an unspecified address is refused whole (at its first
 * message, here); a later message's source route asks for CAP_NET_RAW as the kernel reads it,
 * which lg_batch_net_raw refuses during a batch. Otherwise every message to the address goes
 * where the first, decided, one goes (a source address, interface or mark changes no
 * destination). The built-in source-route, following the mode; also the refusal of an
 * unspecified destination whose source is not fixed (lg_unspecified_dest).
 */
static __always_inline int lg_inet_route_deny(const struct lg_policy_value *policy,
					      __u64 cgroup_id, __u8 hook, bool batch)
{
	static const char what[] = "sendmmsg of several messages with control messages to one "
				   "address";
	static const char unfixed[] = "the unspecified address from a socket whose source "
				      "address bind() has not fixed";
	struct lg_event *ev;

	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_NET, 0, LG_EVENT_BUILTIN,
			    (batch ? 0x6d6d7367ULL : 0x756e6678ULL) + hook,
			    LG_BUILTIN_SOURCE_ROUTE);
	if (ev) {
		lg_event_builtin(ev, LG_BUILTIN_SOURCE_ROUTE);
		if (batch)
			bpf_probe_read_kernel_str(ev->object.path, sizeof(what), what);
		else
			bpf_probe_read_kernel_str(ev->object.path, sizeof(unfixed), unfixed);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny_verdict(policy, hook, LG_EVENT_BUILTIN, LG_BUILTIN_SOURCE_ROUTE);
}

#define CAP_NET_RAW 13

/* CAP_NET_RAW asked during an inet sendmmsg() batch (a later message's source route or IP
 * option, which socket_sendmsg never sees), under a policy that decides destinations. */
SEC("lsm/capable")
int BPF_PROG(lg_batch_net_raw, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret || cap != CAP_NET_RAW)
		return ret;
	if (cred != bpf_get_current_task_btf()->cred)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || !(policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES) ||
	    !lg_sendmmsg_batch())
		return 0;
	return lg_inet_route_deny(policy, cgroup_id, LG_HOOK_CAPABLE, true);
}

/* policy: the current task's (not NULL), cgroup_id its cgroup (lg_current_policy). */
static __always_inline int lg_credentials_check(const struct lg_policy_value *policy,
						__u64 cgroup_id, struct socket *sock,
						struct msghdr *msg)
{
	static const char unread[] = "control messages lsmguard cannot read";
	static const char too_many[] = "more than 16 control messages";
	static const char batch[] = "sendmmsg of several messages to an address";
	__u64 size, base, off = 0;
	struct lg_cmsghdr head;
	struct lg_ucred claim;
	bool user = false, batched = false;
	int verdict = 0;
	__u16 family;

	/* Direct loads of the hook's typed arguments: a helper call each cost a plain UDP
	 * sendto 1.7% under emulation (make bench, 2026-12-01). */
	size = msg->msg_controllen;
	family = sock->sk ? sock->sk->__sk_common.skc_family : AF_UNSPEC;
	if ((family == AF_UNIX || family == AF_NETLINK) && msg->msg_name)
		batched = lg_sendmmsg_batch();
	if (size < sizeof(head) && !batched)
		return 0;
	if (batched)
		return lg_credentials_deny(policy, cgroup_id, 0, batch, sizeof(batch));

	base = (__u64)BPF_CORE_READ(msg, msg_control);
	if (bpf_core_field_exists(msg->msg_control_is_user))
		user = BPF_CORE_READ_BITFIELD_PROBED(msg, msg_control_is_user);
	for (int i = 0; i < LG_CMSG_MAX; i++) {
		if (off + sizeof(head) > size)
			return 0; /* CMSG_NXTHDR: no further header */
		if (lg_control_read(&head, sizeof(head), base + off, user)) {
			verdict = LG_CREDS_UNREAD;
			break;
		}
		/* A header CMSG_OK refuses: the kernel fails the send (EINVAL) or skips it. */
		if (head.len < sizeof(head) || head.len > size - off)
			return 0;
		if (lg_is_source_route(head.level, head.type, true) &&
		    (family == AF_INET || family == AF_INET6) &&
		    (policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES)) {
			verdict = LG_CREDS_ROUTE;
			break;
		}
		/* Of another length, the kernel refuses the message (EINVAL). */
		if (head.level == SOL_SOCKET && head.type == SCM_CREDENTIALS &&
		    head.len == sizeof(head) + sizeof(claim)) {
			if (lg_control_read(&claim, sizeof(claim), base + off + sizeof(head), user)) {
				verdict = LG_CREDS_UNREAD;
				break;
			}
			if (!lg_credentials_own(claim.pid, claim.uid, claim.gid, policy->id)) {
				verdict = LG_CREDS_CLAIM;
				break;
			}
		}
		off += (head.len + 7) & ~7ULL; /* CMSG_ALIGN */
	}
	/* One place that refuses: each of its copies would be verified once per header. */
	if (verdict == LG_CREDS_ROUTE)
		return lg_source_route_deny(policy, cgroup_id, LG_HOOK_SOCKET_SENDMSG, head.level,
					    head.type, true);
	if (verdict == LG_CREDS_CLAIM)
		return lg_credentials_deny(policy, cgroup_id, &claim, 0, 0);
	if (verdict == LG_CREDS_UNREAD)
		return lg_credentials_deny(policy, cgroup_id, 0, unread, sizeof(unread));
	if (off + sizeof(head) > size)
		return 0;
	return lg_credentials_deny(policy, cgroup_id, 0, too_many, sizeof(too_many));
}

/*
 * Descriptors in flight (attack run 13's 391): a descriptor sent over a unix socket and not
 * yet received is counted against its sender's user (user_struct.unix_inflight, every
 * process of the user together), and past the sending process's RLIMIT_NOFILE every
 * SCM_RIGHTS send of that user fails with ETOOMANYREFS (too_many_unix_fds; CAP_SYS_RESOURCE
 * or CAP_SYS_ADMIN pass): a confined service keeping 1,250 in flight on a socket pair of its
 * own left its user's other processes (a D-Bus or systemd --user client passing a descriptor,
 * another service of the same user) without fd passing. A confined task's send whose
 * descriptors, with what other sends reserved, would take its user's count past three quarters
 * of the lower of its RLIMIT_NOFILE and 1,024 (the soft limit every process starts with, which
 * the user's other processes are likely to have) is refused with ETOOMANYREFS, the kernel's
 * answer (LG_BUILTIN_HOST_BUDGET, a protection), capability or not. The kernel counts the
 * descriptors while it queues the message, after this hook: every such send reserves its
 * count in its user's pool (reserve.bpf.h), confined or not, until the family's sendmsg
 * returns (fexit of the stream, dgram and seqpacket ones: after this hook the kernel always
 * calls one of them). It is lg_socket_sendmsg's last check, so that no send it reserves for is
 * refused after it (bpf is the last LSM of Debian's list), and a send without control data
 * (most: every UDP datagram) pays nothing for it (a program of its own on the hook cost 89
 * instructions a UDP sendto). Every route of SCM_RIGHTS passes socket_sendmsg with the control data in
 * kernel memory (sendmsg, sendmmsg, io_uring's IORING_OP_SENDMSG, the compat entries, whose
 * headers are converted to the native layout first). The headers are read up to
 * LG_CMSG_SCAN; a message with more is counted at the most one message may carry (fail
 * closed).
 */
#define LG_SOL_SOCKET 1
#define LG_SCM_RIGHTS 1
#define LG_SCM_MAX_FD 253 /* the kernel refuses more in one message (scm_fp_copy) */
#define LG_CMSG_SCAN 8
#define LG_RLIMIT_NOFILE 7
#define LG_INFLIGHT_LIMIT 1024 /* INR_OPEN_CUR */
#define ETOOMANYREFS 109
static const char inflight_what[] =
    "its user's descriptors in flight over unix sockets (RLIMIT_NOFILE): past three quarters of them";

/* The descriptors msg's control data passes (SCM_RIGHTS, every header of it), as the kernel's
 * __scm_send walks them; LG_SCM_MAX_FD when they cannot all be read. */
static __always_inline __s64 lg_scm_rights_count(struct msghdr *msg)
{
	__u64 len = msg->msg_controllen, off = 0;
	const char *control = msg->msg_control;
	__s64 n = 0;

	for (int i = 0; i < LG_CMSG_SCAN; i++) {
		struct lg_cmsghdr h;

		if (off + sizeof(h) > len)
			return n < LG_SCM_MAX_FD ? n : LG_SCM_MAX_FD;
		if (bpf_probe_read_kernel(&h, sizeof(h), control + off))
			return LG_SCM_MAX_FD; /* user memory or unreadable: the most */
		if (h.len < sizeof(h) || h.len > len - off)
			return n < LG_SCM_MAX_FD ? n : LG_SCM_MAX_FD; /* the kernel refuses the rest */
		if (h.level == LG_SOL_SOCKET && h.type == LG_SCM_RIGHTS)
			n += (h.len - sizeof(h)) / sizeof(int);
		off += (h.len + 7) & ~7ULL;
	}
	return off + sizeof(struct lg_cmsghdr) > len && n < LG_SCM_MAX_FD ? n : LG_SCM_MAX_FD;
}

/* The descriptors budget of a send on a unix socket with control data (lg_socket_sendmsg,
 * after every other check of it: nothing refuses the send after this). */
static __noinline int lg_fds_in_flight(struct msghdr *msg)
{
	struct lg_reservation r = {};
	__s64 n, others, inflight;
	struct user_struct *user;
	unsigned long limit;
	bool held;

	if (!msg)
		return 0;
	n = lg_scm_rights_count(msg);
	if (n <= 0)
		return 0;
	user = BPF_CORE_READ(bpf_get_current_task_btf(), cred, user);
	if (!user)
		return 0;
	held = lg_reservation_of(LG_RESERVE_FDS,
				 lg_reserve_user_pool(LG_RESERVE_FDS, BPF_CORE_READ(user, uid.val)), &r);
	if (held) {
		/* this message's count (one left by a skipped fexit is replaced) */
		if (n < r.mine->amount)
			lg_reservation_lower(&r, r.mine->amount - n);
		others = lg_reservation_raise(&r, n - r.mine->amount);
	} else {
		others = (__s64)LG_INFLIGHT_LIMIT * 4; /* not recorded: decided as past the share */
	}
	inflight = (__s64)BPF_CORE_READ(user, unix_inflight);
	limit = BPF_CORE_READ(bpf_get_current_task_btf(), signal, rlim[LG_RLIMIT_NOFILE].rlim_cur);
	if (limit > LG_INFLIGHT_LIMIT)
		limit = LG_INFLIGHT_LIMIT;
	if (inflight >= 0 && inflight + others + n <= (__s64)(limit - limit / 4))
		return 0;
	if (!lg_current_builtin_deny(LG_HOOK_SOCKET_SENDMSG, LG_BUILTIN_HOST_BUDGET, inflight_what,
				     sizeof(inflight_what)))
		return 0;
	/* refused: no family sendmsg follows (and no fexit) */
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_FDS);
	return -ETOOMANYREFS;
}

/* The family's send returned: its descriptors are counted by the kernel (or were not sent). */
SEC("fexit/unix_stream_sendmsg")
int BPF_PROG(lg_fds_sent_stream, struct socket *sock, struct msghdr *msg, size_t len, int ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_FDS);
	return 0;
}

SEC("fexit/unix_dgram_sendmsg")
int BPF_PROG(lg_fds_sent_dgram, struct socket *sock, struct msghdr *msg, size_t len, int ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_FDS);
	return 0;
}

/* seqpacket's returns early (an unconnected socket, its error) without the dgram one (review
 * 54: such a send left its reservation held) */
SEC("fexit/unix_seqpacket_sendmsg")
int BPF_PROG(lg_fds_sent_seqpacket, struct socket *sock, struct msghdr *msg, size_t len, int ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_FDS);
	return 0;
}

SEC("lsm/socket_sendmsg")
int BPF_PROG(lg_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	const struct lg_policy_value *policy;
	struct sock *sk = sock->sk;
	__u16 family, protocol;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	lg_notify_send_begins(sock);
	/* Everything below decides for a task under a policy, and only for a send with control
	 * messages, with an address, or on a udev socket: any other (a write on a connected
	 * socket: most sends) returns before the policy lookup, and a task under no policy
	 * reads nothing more of the message after it but a unix send's descriptors (reserved for
	 * every task, lg_fds_in_flight). */
	if (msg->msg_controllen < sizeof(struct lg_cmsghdr) && !msg->msg_name &&
	    !(sk && sk->__sk_common.skc_family == AF_NETLINK &&
	      sk->sk_protocol == NETLINK_KOBJECT_UEVENT))
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (policy) {
		ret = lg_credentials_check(policy, cgroup_id, sock, msg);
		if (ret)
			return ret;
	}
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	/* descriptors in flight: reserved for every task's send, refused to a confined one */
	if (family == AF_UNIX && msg->msg_controllen >= sizeof(struct lg_cmsghdr)) {
		ret = lg_fds_in_flight(msg);
		if (ret)
			return ret;
	}
	if (!policy)
		return 0;
	/* A udev message: only udevd and the kernel send them; systemd trusts a root sender's
	 * SYSTEMD_WANTS= and starts the unit outside every policy (attack run 15: poweroff.target).
	 * Every send on the socket (sendto, sendmsg, write, a connected group), whatever the
	 * policy's sockets line. */
	if (family == AF_NETLINK && sk->sk_protocol == NETLINK_KOBJECT_UEVENT) {
		static const char uevent[] = "a udev message (netlink uevent)";

		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SOCKET_SENDMSG, LG_BUILTIN_UEVENT,
				       uevent, sizeof(uevent));
	}
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (!msg->msg_name)
		return 0; /* connected: decided at connect() */
	protocol = sk->sk_protocol;
	/* TCP ignores the address unless the send opens the connection (Fast Open). */
	if ((protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP) &&
	    !(msg->msg_flags & MSG_FASTOPEN))
		return 0;
	return lg_net_check(policy, cgroup_id, sk, msg->msg_name, msg->msg_namelen, msg,
			    LG_HOOK_SOCKET_SENDMSG, false);
}

#define SCTP_SET_PEER_PRIMARY_ADDR 5
#define SCTP_PRIMARY_ADDR 6
#define SCTP_SOCKOPT_BINDX_ADD 100
#define SCTP_SOCKOPT_CONNECTX_OLD 107
#define SCTP_SOCKOPT_CONNECTX 110
#define SCTP_SOCKOPT_CONNECTX3 111
#define SCTP_SENDMSG_CONNECT 126

/*
 * SCTP's own routes to addresses, which pass neither socket_connect nor socket_bind:
 * setsockopt(SCTP_SOCKOPT_CONNECTX, _OLD, 3) (sctp_connectx: an association to a list of
 * peer addresses), SCTP_SOCKOPT_BINDX_ADD (sctp_bindx: more local addresses), and a send that
 * opens an association (SCTP_SENDMSG_CONNECT, besides socket_sendmsg). SCTP matches no rule
 * (lg_socket_protocol), so [network] default decides every address of a list (as at
 * socket_connect and socket_bind): under default = deny a policy that names sctp in its sockets line connects,
 * binds and listens nowhere by any route; the event names the list's first address. Not
 * decided: choosing a primary address among those already bound or connected, and the peer's
 * address changes (ASCONF, in softirq: not the task's).
 */
SEC("lsm/sctp_bind_connect")
int BPF_PROG(lg_sctp_bind_connect, struct sock *sk, int optname, struct sockaddr *address,
	     int addrlen, int ret)
{
	const struct lg_policy_value *policy;
	struct lg_net_dest dest = {};
	__u16 family;
	__u64 cgroup_id = 0;
	__u8 flags = 0;
	bool deny;
	__u32 rule;

	if (ret)
		return ret;
	if (optname != SCTP_SOCKOPT_BINDX_ADD && optname != SCTP_SOCKOPT_CONNECTX_OLD &&
	    optname != SCTP_SOCKOPT_CONNECTX && optname != SCTP_SOCKOPT_CONNECTX3 &&
	    optname != SCTP_SENDMSG_CONNECT)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* The first address (for the event: SCTP matches no rule), read no further than the
	 * list's length: a one-address list is a kmalloc of 16 bytes (a read past it could meet a
	 * guard page, and an unread address must not allow). Not an inet address: the kernel
	 * refuses the list (EINVAL). */
	if (!address || addrlen < (int)sizeof(struct sockaddr_in) ||
	    bpf_probe_read_kernel(&family, sizeof(family), &address->sa_family))
		return -EPERM; /* the kernel refuses a shorter list; an unreadable one: fail closed */
	if (family == AF_INET) {
		struct sockaddr_in sin;

		if (bpf_probe_read_kernel(&sin, sizeof(sin), address))
			return -EPERM;
		dest.family = 4;
		dest.port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(dest.addr, &sin.sin_addr, 4);
	} else if (family == AF_INET6 && addrlen >= (int)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		if (bpf_probe_read_kernel(&sin6, sizeof(sin6), address))
			return -EPERM;
		dest.family = 6;
		dest.port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(dest.addr, &sin6.sin6_addr, 16);
	} else {
		return 0;
	}
	if (optname == SCTP_SOCKOPT_BINDX_ADD)
		return lg_listen_decide(&dest, LG_HOOK_SCTP_BIND_CONNECT);
	lg_net_decide(policy, &dest, &rule, &deny, &flags);
	if (!deny) {
		lg_count_allowed(policy->id, LG_HOOK_SCTP_BIND_CONNECT);
		return 0;
	}
	return lg_net_deny(policy, cgroup_id, LG_HOOK_SCTP_BIND_CONNECT, rule, flags, &dest, 0,
			   IPPROTO_SCTP);
}

/*
 * MPTCP's further subflows. An MPTCP connection the policy allowed at socket_connect may grow
 * subflows the task never asks for: the kernel's path manager connects kernel sockets to the
 * addresses the peer announces (ADD_ADDR, when the host accepts announcements) or from the
 * host's subflow endpoints, in a worker, with kernel_connect: no socket_connect, no task of the
 * policy (attack run 8: a subflow to a denied address, both ends established). 6.1 has no LSM
 * hook there (security_mptcp_add_subflow came with 6.3), but the protocol's pre_connect runs
 * the cgroup connect programs for kernel sockets too, and a subflow carries its MPTCP socket's
 * cgroup (mptcp_attach_cgroup). So these two programs, attached at every cgroup bound to a
 * policy (enforcer/connect_attach.c: the MPTCP socket's cgroup is one of them or below one,
 * lg_mptcp_unchecked), decide a subflow's destination by the
 * [network] rules of its MPTCP socket's policy, as a TCP connect to it. The first subflow
 * carries the application's own connect(), decided at socket_connect: not again. A plain TCP
 * or UDP socket leaves at the first test. Refused: the subflow is not made (the connection
 * goes on over the ones it has); the event's task is the kernel worker. Needs MPTCP in the
 * kernel (left out otherwise: enforcer/bpf_state.c), and each bound cgroup to take a further
 * connect program (a non-multi one another agent attached there or above makes the daemon's
 * attachment fail: that cgroup then fails closed, lg_connect_programs_run).
 */
/* Where a subflow to 0.0.0.0 goes: its bound source (tcp_v4_connect routes a zero destination
 * to it), 127.0.0.1 when unbound (attack run 9: a subflow to 0.0.0.0 bound at the denied
 * 127.0.0.2 reached it). The kernel binds a subflow before it connects it, and no task holds
 * it: no other thread can change the source between the two. */
static __always_inline __u32 lg_subflow_source4(struct bpf_sock *sk)
{
	return sk->src_ip4 ? sk->src_ip4 : bpf_htonl(0x7f000001);
}

/*
 * A user's connect to 0.0.0.0, :: or ::ffff:0.0.0.0: the address socket_connect decided and
 * noted for this thread and port (lg_unspecified_connect_note) is written in, so that the
 * kernel connects to it as written instead of reading the socket's source, which another
 * thread may have changed since the decision. The note is used once. A confined task's connect
 * there that finds no note of its own (another thread's connect replaced it, or socket_connect
 * could not read the address) is refused under a policy that decides destinations: it would go
 * wherever the source is now (fail closed). -1: not such a connect (an MPTCP subflow's are
 * lg_subflow_check's), 1: go on, 0: refused.
 */
static __always_inline int lg_connect_unspecified(struct bpf_sock_addr *ctx, bool inet6)
{
	const struct lg_policy_value *policy;
	struct lg_unspec_connect *note;
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	__u32 words[4], to, policy_id;
	__u8 family = 0, addr[16];

	if (!inet6) {
		if (ctx->user_ip4)
			return -1;
	} else {
		words[0] = ctx->user_ip6[0];
		words[1] = ctx->user_ip6[1];
		words[2] = ctx->user_ip6[2];
		words[3] = ctx->user_ip6[3];
		if (words[0] | words[1] | words[3] || (words[2] && words[2] != bpf_htonl(0xffff)))
			return -1;
	}
	if (!ctx->sk || bpf_skc_to_mptcp_sock(ctx->sk))
		return -1;
	note = bpf_sk_storage_get(&lg_unspec_connect, ctx->sk, 0, 0);
	if (note) {
		__u64 thread = bpf_get_current_pid_tgid();

		bpf_spin_lock(&note->lock);
		if (note->thread == thread) {
			if (note->port == port) {
				family = note->family;
				__builtin_memcpy(addr, note->addr, 16);
			}
			note->thread = 0; /* used, or left by a connect that never got here */
		}
		bpf_spin_unlock(&note->lock);
	}
	if (family == 4) {
		__builtin_memcpy(&to, addr, 4);
		if (!inet6) {
			ctx->user_ip4 = to;
		} else {
			ctx->user_ip6[0] = 0;
			ctx->user_ip6[1] = 0;
			ctx->user_ip6[2] = bpf_htonl(0xffff);
			ctx->user_ip6[3] = to;
		}
		return 1;
	}
	if (family == 6 && inet6) {
		__builtin_memcpy(words, addr, 16);
		ctx->user_ip6[0] = words[0];
		ctx->user_ip6[1] = words[1];
		ctx->user_ip6[2] = words[2];
		ctx->user_ip6[3] = words[3];
		return 1;
	}
	/* No note of this connect's (or an IPv6 one on an IPv4 connect: never written) */
	policy_id = lg_deep_policy_id();
	if (!policy_id)
		return family ? 0 : -1; /* a task under no policy connects as the kernel does */
	policy = bpf_map_lookup_elem(&lg_policies, &policy_id);
	if (!policy || policy->id != policy_id)
		return 0;
	if (!family && !(policy->net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES))
		return 1;
	return lg_inet_route_deny(policy, bpf_get_current_cgroup_id(), LG_HOOK_SOCKET_CONNECT,
				  false)
		       ? 0
		       : 1;
}

static __always_inline int lg_subflow_check(struct bpf_sock_addr *ctx, bool inet6)
{
	const struct lg_policy_value *policy;
	struct lg_net_dest dest = {.protocol = LG_NET_TCP};
	struct bpf_sock *sk = ctx->sk;
	struct mptcp_sock *msk;
	struct tcp_sock *tp;
	__u64 cgroup_id = 0;
	__u8 flags = 0;
	bool deny, too_deep;
	__u32 rule;

	if (ctx->protocol != IPPROTO_TCP || !sk)
		return 1;
	msk = bpf_skc_to_mptcp_sock(sk);
	if (!msk)
		return 1;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp || (__u64)msk->first == (__u64)tp)
		return 1;
	policy = lg_cgroup_policy_of(msk->sk.icsk_inet.sk.sk_cgrp_data.cgroup, &cgroup_id,
				     &too_deep);
	if (too_deep)
		return 0;
	if (!policy)
		return 1;
	dest.port = bpf_ntohs((__u16)ctx->user_port);
	if (!inet6) {
		__u32 to = ctx->user_ip4;

		if (!to)
			to = lg_subflow_source4(sk);
		dest.family = 4;
		__builtin_memcpy(dest.addr, &to, 4);
	} else {
		__u32 words[4] = {ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2],
				  ctx->user_ip6[3]};

		/* :: is loopback, not the bound source (tcp_v6_connect: ::ffff:127.0.0.1 when the
		 * bound address is v4-mapped, ::1 otherwise): a subflow bound at an allowed address
		 * to [::] reaches ::1 */
		if (!(words[0] | words[1] | words[2] | words[3])) {
			if (!sk->src_ip6[0] && !sk->src_ip6[1] && sk->src_ip6[2] == bpf_htonl(0xffff)) {
				words[2] = bpf_htonl(0xffff);
				words[3] = bpf_htonl(0x7f000001);
			} else {
				words[3] = bpf_htonl(1);
			}
		}
		dest.family = 6;
		__builtin_memcpy(dest.addr, words, 16);
		if (!words[0] && !words[1] && words[2] == bpf_htonl(0xffff)) {
			__u32 to = words[3];

			/* ::ffff:0.0.0.0 is IPv4's 0.0.0.0 */
			if (!to)
				to = lg_subflow_source4(sk);
			dest.family = 4;
			__builtin_memcpy(dest.addr, &to, 4);
			__builtin_memset(dest.addr + 4, 0, 12);
		}
	}
	lg_net_decide(policy, &dest, &rule, &deny, &flags);
	if (!deny) {
		lg_count_allowed(policy->id, LG_HOOK_MPTCP_SUBFLOW);
		return 1;
	}
	return lg_net_deny(policy, cgroup_id, LG_HOOK_MPTCP_SUBFLOW, rule, flags, &dest, 0,
			   IPPROTO_TCP)
		       ? 0
		       : 1;
}

/* The cgroup connect programs, at every cgroup bound to a policy: every connect of a socket
 * made there or below passes them. */
SEC("cgroup/connect4")
int lg_subflow_connect4(struct bpf_sock_addr *ctx)
{
	int ret = lg_connect_unspecified(ctx, false);

	return ret >= 0 ? ret : lg_subflow_check(ctx, false);
}

SEC("cgroup/connect6")
int lg_subflow_connect6(struct bpf_sock_addr *ctx)
{
	int ret = lg_connect_unspecified(ctx, true);

	return ret >= 0 ? ret : lg_subflow_check(ctx, true);
}
