// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network rules: lsm/socket_connect and lsm/socket_sendmsg.
 *
 * Guarantees: for a task under a policy, on AF_INET and AF_INET6 sockets:
 *  - connect() (TCP, MPTCP counted as TCP, UDP) is decided by the [network] rules on the
 *    destination address, port and protocol; an IPv4-mapped IPv6 destination is matched as IPv4;
 *  - a datagram sent with an explicit destination (sendto, sendmsg, sendmmsg, io_uring) without
 *    a prior connect, and a TCP Fast Open send (MSG_FASTOPEN, which connects without connect()),
 *    are decided the same way.
 * Other protocols (SCTP, ping sockets) match no rule: the default decides. connect(AF_UNSPEC)
 * (disconnect) is always allowed. A destination shorter than its family's sockaddr is left to
 * the kernel, which refuses it with EINVAL.
 *
 * Not covered: listening and accepting; AF_UNIX, AF_NETLINK and other families.
 */
#include "cache.bpf.h"
#include <bpf/bpf_endian.h>

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10
#define MSG_FASTOPEN 0x20000000
#define SIN6_LEN_RFC2133 24

char LICENSE[] SEC("license") = "GPL";

struct lg_net_dest {
	__u8 family; /* 4 or 6 */
	__u8 protocol;
	__u16 port;
	__u8 addr[16];
};

/*
 * Read a destination sockaddr; false when there is nothing to decide. One read of the largest
 * form: the kernel holds every sockaddr it passes here in a sockaddr_storage.
 */
static __always_inline bool lg_read_dest(const struct sockaddr *address, int addrlen,
					 struct lg_net_dest *dest)
{
	static const __u8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} buf;

	if (!address || addrlen < (int)sizeof(sa_family_t))
		return false;
	if (bpf_probe_read_kernel(&buf, sizeof(buf), address))
		return false;
	__builtin_memset(dest->addr, 0, sizeof(dest->addr));
	if (buf.sa.sa_family == AF_INET) {
		if (addrlen < (int)sizeof(buf.sin))
			return false;
		dest->family = 4;
		dest->port = bpf_ntohs(buf.sin.sin_port);
		__builtin_memcpy(dest->addr, &buf.sin.sin_addr, 4);
		return true;
	}
	if (buf.sa.sa_family == AF_INET6) {
		bool is_mapped = true;

		if (addrlen < SIN6_LEN_RFC2133)
			return false;
		dest->port = bpf_ntohs(buf.sin6.sin6_port);
		__builtin_memcpy(dest->addr, &buf.sin6.sin6_addr, 16);
		for (int i = 0; i < 12; i++)
			if (dest->addr[i] != mapped[i])
				is_mapped = false;
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

static __always_inline __u8 lg_socket_protocol(struct sock *sk)
{
	__u16 protocol = sk->sk_protocol;

	if (protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP)
		return LG_NET_TCP;
	if (protocol == IPPROTO_UDP)
		return LG_NET_UDP;
	return 0; /* matches no rule: the default decides */
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
	__u32 prefixlen = LG_NET_KEY_FIXED_BITS + (dest->family == 4 ? 32 : 128);

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

/*
 * The socket's cache (cache.bpf.h): the last allowed destination, for one policy and tag. Under
 * the lock, so that threads sharing the socket never leave one destination's address beside
 * another's port.
 */
static __always_inline bool lg_sock_cached(struct lg_sock_cache *cache, __u64 tag, __u32 policy,
					   const struct lg_net_dest *dest, bool store)
{
	bool hit = false;

	bpf_spin_lock(&cache->lock);
	if (store) {
		cache->tag = tag;
		cache->policy = policy;
		cache->family = dest->family;
		cache->protocol = dest->protocol;
		cache->port = dest->port;
		__builtin_memcpy(cache->addr, dest->addr, 16);
	} else {
		hit = cache->tag == tag && cache->policy == policy &&
		      cache->family == dest->family && cache->protocol == dest->protocol &&
		      cache->port == dest->port &&
		      *(__u64 *)&cache->addr[0] == *(const __u64 *)&dest->addr[0] &&
		      *(__u64 *)&cache->addr[8] == *(const __u64 *)&dest->addr[8];
	}
	bpf_spin_unlock(&cache->lock);
	return hit;
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

static __always_inline int lg_net_check(struct sock *sk, const struct sockaddr *address,
					int addrlen, __u8 hook, bool btf_address)
{
	const struct lg_policy_value *policy;
	struct lg_sock_cache *cache;
	struct lg_net_dest dest = {};
	struct lg_event *ev;
	__u64 cgroup_id = 0, tag;
	__u8 flags = 0;
	bool deny;
	__u32 rule;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (!(btf_address && lg_read_dest_inet(address, addrlen, &dest)) &&
	    !lg_read_dest(address, addrlen, &dest))
		return 0;
	dest.protocol = lg_socket_protocol(sk);
	tag = lg_cache_tag();
	/* Only datagram sockets get a cache: a stream socket connects once, and creating the
	 * storage on every connect cost more than the decision it would save. */
	cache = tag ? bpf_sk_storage_get(&lg_sock_cache, sk, 0,
					 dest.protocol == LG_NET_UDP ? BPF_SK_STORAGE_GET_F_CREATE
								     : 0)
		    : 0;
	if (cache && lg_sock_cached(cache, tag, policy->id, &dest, false)) {
		lg_count_cached(policy->id, hook);
		return 0;
	}
	lg_net_decide(policy, &dest, &rule, &deny, &flags);
	if (!deny) {
		if (cache && !flags)
			lg_sock_cached(cache, tag, policy->id, &dest, true);
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	ev = lg_event_start(policy, cgroup_id, hook, LG_DECISION_NET, rule, flags,
			    lg_dest_key(&dest));
	if (ev) {
		ev->object.net.family = dest.family;
		ev->object.net.protocol = dest.protocol;
		ev->object.net.port = dest.port;
		__builtin_memcpy(ev->object.net.addr, dest.addr, 16);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny(policy, hook);
}

SEC("lsm/socket_connect")
int BPF_PROG(lg_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	struct sock *sk = sock->sk;
	__u16 family;

	if (ret || !sk)
		return ret;
	family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	return lg_net_check(sk, address, addrlen, LG_HOOK_SOCKET_CONNECT, true);
}

SEC("lsm/socket_sendmsg")
int BPF_PROG(lg_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	struct sock *sk = sock->sk;
	__u16 family;
	__u8 protocol;

	if (ret || !sk)
		return ret;
	family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (!msg->msg_name)
		return 0; /* connected: decided at connect() */
	protocol = lg_socket_protocol(sk);
	/* TCP ignores the address unless the send opens the connection (Fast Open). */
	if (protocol == LG_NET_TCP && !(msg->msg_flags & MSG_FASTOPEN))
		return 0;
	return lg_net_check(sk, msg->msg_name, msg->msg_namelen, LG_HOOK_SOCKET_SENDMSG,
			    false);
}
