// SPDX-License-Identifier: GPL-2.0-only
/*
 * [network] sockets: the words a policy names the sockets it creates with, and the kernel's
 * classification of a socket (family, type, protocol) into the word that allows it, which
 * bpf_lsm/network.bpf.c (lg_socket_create) computes the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

/* Address families of Linux 6.1 (include/linux/socket.h), by number. */
static const char *const family_names[] = {
	[1] = "unix",	   [2] = "inet",	[3] = "ax25",	   [4] = "ipx",
	[5] = "appletalk", [6] = "netrom",	[7] = "bridge",	   [8] = "atmpvc",
	[9] = "x25",	   [10] = "inet6",	[11] = "rose",	   [12] = "decnet",
	[13] = "netbeui",  [14] = "security",	[15] = "key",	   [16] = "netlink",
	[17] = "packet",   [18] = "ash",	[19] = "econet",   [20] = "atmsvc",
	[21] = "rds",	   [22] = "sna",	[23] = "irda",	   [24] = "pppox",
	[25] = "wanpipe",  [26] = "llc",	[27] = "ib",	   [28] = "mpls",
	[29] = "can",	   [30] = "tipc",	[31] = "bluetooth", [32] = "iucv",
	[33] = "rxrpc",	   [34] = "isdn",	[35] = "phonet",   [36] = "ieee802154",
	[37] = "caif",	   [38] = "alg",	[39] = "nfc",	   [40] = "vsock",
	[41] = "kcm",	   [42] = "qipcrtr",	[43] = "smc",	   [44] = "xdp",
	[45] = "mctp",
};
#define FAMILY_COUNT (sizeof(family_names) / sizeof(family_names[0]))

/* Netlink protocols of Linux 6.1 (include/uapi/linux/netlink.h), as netlink-NAME. */
static const char *const netlink_names[32] = {
	[0] = "route",	     [2] = "usersock",	 [3] = "firewall",	  [4] = "sock-diag",
	[5] = "nflog",	     [6] = "xfrm",	 [7] = "selinux",	  [8] = "iscsi",
	[9] = "audit",	     [10] = "fib-lookup", [11] = "connector",	  [12] = "netfilter",
	[13] = "ip6-fw",     [14] = "dnrtmsg",	 [15] = "kobject-uevent", [16] = "generic",
	[18] = "scsitransport", [19] = "ecryptfs", [20] = "rdma",	  [21] = "crypto",
	[22] = "smc",
};

static const struct {
	const char *name;
	__u32 bit;
} inet_kinds[] = {
	{"raw", LG_SOCKET_INET_RAW},	      {"sctp", LG_SOCKET_INET_SCTP},
	{"udplite", LG_SOCKET_INET_UDPLITE}, {"dccp", LG_SOCKET_INET_DCCP},
	{"l2tp", LG_SOCKET_INET_L2TP},	      {"inet-other", LG_SOCKET_INET_OTHER},
};
#define INET_KIND_COUNT (sizeof(inet_kinds) / sizeof(inet_kinds[0]))

#define AF_INET_NR 2
#define AF_PACKET_NR 17
#define AF_INET6_NR 10
#define AF_NETLINK_NR 16

const char *lg_socket_family_name(unsigned family)
{
	return family < FAMILY_COUNT ? family_names[family] : NULL;
}

void lg_sockets_all(struct lg_sockets *s)
{
	s->families = ~0ULL;
	s->netlink = ~0U;
	s->inet = LG_SOCKET_INET_ALL;
}

void lg_sockets_implied_deny(struct lg_sockets *s)
{
	s->families = (1ULL << 1) | (1ULL << AF_INET_NR) | (1ULL << AF_INET6_NR) |
		      (1ULL << AF_NETLINK_NR);
	s->netlink = ~0U;
	s->inet = 0;
}

int lg_sockets_add_word(struct lg_sockets *s, const char *word)
{
	if (strcmp(word, "all") == 0) {
		lg_sockets_all(s);
		return 0;
	}
	if (strcmp(word, "local") == 0)
		word = "unix";
	for (unsigned f = 0; f < FAMILY_COUNT; f++) {
		if (family_names[f] && strcmp(word, family_names[f]) == 0) {
			s->families |= 1ULL << f;
			if (f == AF_NETLINK_NR)
				s->netlink = ~0U;
			return 0;
		}
	}
	if (strncmp(word, "netlink-", 8) == 0) {
		for (unsigned n = 0; n < 32; n++) {
			if (netlink_names[n] && strcmp(word + 8, netlink_names[n]) == 0) {
				s->families |= 1ULL << AF_NETLINK_NR;
				s->netlink |= 1U << n;
				return 0;
			}
		}
	}
	for (unsigned k = 0; k < INET_KIND_COUNT; k++) {
		if (strcmp(word, inet_kinds[k].name) == 0) {
			s->inet |= inet_kinds[k].bit;
			return 0;
		}
	}
	return -EINVAL;
}

/* Every word, for suggestions: netlink-NAME, families, the inet protocols, all. */
size_t lg_sockets_words(const char **words, char (*storage)[32], size_t max)
{
	size_t n = 0;

	/* netlink-NAME first: a misspelt one is closer to its own word than to "netlink" */
	for (unsigned p = 0; p < 32 && n < max; p++) {
		if (!netlink_names[p])
			continue;
		snprintf(storage[n], sizeof(storage[n]), "netlink-%s", netlink_names[p]);
		words[n] = storage[n];
		n++;
	}
	for (unsigned f = 0; f < FAMILY_COUNT && n < max; f++)
		if (family_names[f])
			words[n++] = family_names[f];
	for (unsigned k = 0; k < INET_KIND_COUNT && n < max; k++)
		words[n++] = inet_kinds[k].name;
	if (n < max)
		words[n++] = "all";
	return n;
}

/* The LG_SOCKET_INET_* bit an inet or inet6 socket needs, 0 for TCP, MPTCP, UDP and ping
 * (the kernel side: lg_socket_inet_kind in bpf_lsm/network.bpf.c). */
static __u32 inet_kind(unsigned family, unsigned type, int protocol)
{
	if (type == 3) /* SOCK_RAW */
		return LG_SOCKET_INET_RAW;
	if (type == 1 && (protocol == 0 || protocol == 6 || protocol == 262))
		return 0;
	if (type == 2 && (protocol == 0 || protocol == 17 ||
			  (family == AF_INET_NR && protocol == 1) ||
			  (family == AF_INET6_NR && protocol == 58)))
		return 0;
	if (protocol == 132 || (type == 5 && protocol == 0))
		return LG_SOCKET_INET_SCTP;
	if (protocol == 136)
		return LG_SOCKET_INET_UDPLITE;
	if (type == 6 || protocol == 33)
		return LG_SOCKET_INET_DCCP;
	if (protocol == 115)
		return LG_SOCKET_INET_L2TP;
	return LG_SOCKET_INET_OTHER;
}

bool lg_sockets_allow(const struct lg_sockets *s, unsigned family, unsigned type, int protocol)
{
	type &= 0xf;
	if (family >= LG_SOCKET_FAMILY_MAX || !((s->families >> family) & 1))
		return false;
	if (family == AF_INET_NR || family == AF_INET6_NR) {
		__u32 kind = inet_kind(family, type, protocol);

		return !kind || (s->inet & kind);
	}
	if (family == AF_NETLINK_NR)
		return protocol >= 0 && protocol < 32 && ((s->netlink >> protocol) & 1);
	return true;
}

void lg_socket_word(unsigned family, unsigned type, int protocol, char *buf, size_t size)
{
	const char *name = lg_socket_family_name(family);

	type &= 0xf;
	if (family == AF_INET_NR || family == AF_INET6_NR) {
		__u32 kind = inet_kind(family, type, protocol);

		for (unsigned k = 0; k < INET_KIND_COUNT; k++) {
			if (inet_kinds[k].bit == kind) {
				snprintf(buf, size, "%s %s", name, inet_kinds[k].name);
				return;
			}
		}
		snprintf(buf, size, "%s", name);
		return;
	}
	if (family == AF_NETLINK_NR && protocol >= 0 && protocol < 32 && netlink_names[protocol]) {
		snprintf(buf, size, "netlink-%s", netlink_names[protocol]);
		return;
	}
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "family-%u", family);
}

void lg_sockets_format(const struct lg_sockets *s, char *buf, size_t size)
{
	size_t off = 0;
	struct lg_sockets all;

	buf[0] = '\0';
	lg_sockets_all(&all);
	if (s->families == all.families && s->netlink == all.netlink && s->inet == all.inet) {
		snprintf(buf, size, "all");
		return;
	}
	/* What a policy naming none gets under default = allow (lg_policy_sockets). */
	if (s->families == (all.families & ~(1ULL << AF_PACKET_NR)) && s->netlink == all.netlink &&
	    s->inet == (all.inet & ~LG_SOCKET_INET_RAW)) {
		snprintf(buf, size, "all but packet raw");
		return;
	}
#define APPEND(...)                                                                               \
	do {                                                                                      \
		if (off < size)                                                                   \
			off += (size_t)snprintf(buf + off, size - off, __VA_ARGS__);             \
	} while (0)
	for (unsigned f = 0; f < FAMILY_COUNT; f++) {
		if (!family_names[f] || !((s->families >> f) & 1))
			continue;
		if (f == AF_NETLINK_NR && s->netlink != ~0U) {
			for (unsigned p = 0; p < 32; p++)
				if (netlink_names[p] && ((s->netlink >> p) & 1))
					APPEND("%snetlink-%s", off ? " " : "", netlink_names[p]);
			continue;
		}
		APPEND("%s%s", off ? " " : "", family_names[f]);
	}
	for (unsigned k = 0; k < INET_KIND_COUNT; k++)
		if (s->inet & inet_kinds[k].bit)
			APPEND("%s%s", off ? " " : "", inet_kinds[k].name);
#undef APPEND
}

void lg_policy_sockets(const struct lg_policy *p, struct lg_sockets *s, bool *implied)
{
	const struct lg_section *net = &p->section[LG_CLASS_NET];

	size_t denies = 0;

	*implied = !p->sockets_line;
	if (p->sockets_line) {
		*s = p->sockets;
		return;
	}
	for (size_t i = 0; i < p->net_count; i++)
		denies += p->nets[i].action == LG_ACT_DENY && !p->nets[i].listen &&
			  p->nets[i].family != LG_NET_FAMILY_ABSTRACT;
	/* Under default = allow, destination deny rules would be sent past by the sockets the
	 * rules cannot decide (raw, packet, SCTP, UDP-Lite...): the deny set, as under deny. */
	if ((net->default_set && net->default_action == LG_ACT_DENY) || denies) {
		lg_sockets_implied_deny(s);
		return;
	}
	/* Every socket but packet and raw: a packet socket (CAP_NET_RAW) reads and forges every
	 * other service's traffic, a raw IP socket receives a copy of every packet of its
	 * protocol, TCP and UDP included (raw_local_deliver), loopback too; a policy that needs
	 * one names it. */
	lg_sockets_all(s);
	s->families &= ~(1ULL << AF_PACKET_NR);
	s->inet &= ~LG_SOCKET_INET_RAW;
}

/*
 * "FAMILY[ PROTOCOL]" or "FAMILY/PROTOCOL" as a socket() call: inet, inet6 with tcp, udp, ping,
 * raw, sctp, udplite, dccp, l2tp (default tcp); netlink-NAME; any other family name (its
 * SOCK_RAW, SOCK_DGRAM or SOCK_STREAM: the family alone decides).
 */
int lg_socket_parse(const char *text, unsigned *family, unsigned *type, int *protocol)
{
	static const struct {
		const char *name;
		unsigned type;
		int protocol;
	} inet_forms[] = {
		{"tcp", 1, 6},	   {"udp", 2, 17},     {"ping", 2, -1},	  {"raw", 3, 255},
		{"sctp", 1, 132},  {"udplite", 2, 136}, {"dccp", 6, 33},	  {"l2tp", 2, 115},
	};
	char first[64];
	const char *rest;
	size_t len = strcspn(text, " /");

	if (!len || len >= sizeof(first))
		return -EINVAL;
	memcpy(first, text, len);
	first[len] = '\0';
	rest = text[len] ? text + len + 1 : "";
	*type = 1;
	*protocol = 0;
	if (strncmp(first, "netlink-", 8) == 0 && !*rest) {
		for (unsigned n = 0; n < 32; n++) {
			if (netlink_names[n] && strcmp(first + 8, netlink_names[n]) == 0) {
				*family = AF_NETLINK_NR;
				*type = 2;
				*protocol = (int)n;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (strcmp(first, "local") == 0)
		lg_strcopy(first, sizeof(first), "unix");
	for (unsigned f = 0; f < FAMILY_COUNT; f++) {
		if (!family_names[f] || strcmp(first, family_names[f]) != 0)
			continue;
		*family = f;
		if (f != AF_INET_NR && f != AF_INET6_NR)
			return *rest ? -EINVAL : 0;
		if (!*rest)
			return 0;
		for (unsigned k = 0; k < sizeof(inet_forms) / sizeof(inet_forms[0]); k++) {
			if (strcmp(rest, inet_forms[k].name) == 0) {
				*type = inet_forms[k].type;
				*protocol = inet_forms[k].protocol >= 0 ? inet_forms[k].protocol
					    : f == AF_INET_NR	       ? 1
									: 58;
				return 0;
			}
		}
		return -EINVAL;
	}
	return -EINVAL;
}

int lg_eval_socket(const struct lg_compiled *compiled, __u32 policy, unsigned family,
		   unsigned type, int protocol, struct lg_verdict *out)
{
	const struct lg_policy_value *value = lg_compiled_policy(compiled, policy);
	struct lg_sockets s;

	memset(out, 0, sizeof(*out));
	if (!value)
		return -ENOENT;
	s.families = value->socket_families;
	s.netlink = value->socket_netlink;
	s.inet = value->socket_inet;
	out->deny = !lg_sockets_allow(&s, family, type, protocol);
	out->rule = value->socket_rule;
	return 0;
}
