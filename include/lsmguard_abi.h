/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lsmguard ABI: the one definition of every record that crosses the line between
 * user space (policy/, enforcer/) and the BPF programs (bpf_lsm/).
 *
 * Rules for this file:
 *  - fixed-width __u8..__u64 fields only, explicit padding, a _Static_assert on every size;
 *  - nothing here is defined anywhere else "to be kept in sync";
 *  - it compiles both in BPF C (after vmlinux.h) and in user space (after <linux/types.h>).
 *
 * How a decision is looked up in the kernel, in short (docs/design.md has the long form):
 *  - the task's cgroup, or its nearest ancestor, maps to a policy id (lg_cgroup_policy map);
 *  - lg_policy_value[policy id] holds the mode and the per-class defaults;
 *  - files and exec: the object's path is rebuilt from its dentry ancestry, hashed one
 *    component at a time with lg_hash_*; each prefix hash is one lookup of lg_path_key, so the
 *    cost is bounded by the path depth (LG_PATH_DEPTH_MAX) and independent of the rule count;
 *  - network: one LPM-trie lookup of lg_net_key per nested prefix (at most LG_NET_CHAIN_MAX).
 */
#ifndef LSMGUARD_ABI_H
#define LSMGUARD_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LG_ABI_VERSION 1

/* Capacities. The compiler refuses a policy set that would exceed one, naming it. */
#define LG_MAX_POLICIES 1024      /* policies loaded at once */
#define LG_MAX_PATH_ENTRIES 65536 /* distinct (policy, class, path) keys */
#define LG_MAX_NET_ENTRIES 16384  /* distinct (policy, family, prefix) keys */
#define LG_PATH_DEPTH_MAX 32      /* components of a path the kernel walks (a power of 2) */
#define LG_NAME_MAX 255           /* one path component */
#define LG_NET_PORT_SLOTS 8       /* port rules sharing one address prefix */
#define LG_NET_CHAIN_MAX 8        /* nested prefixes examined for one address */
#define LG_CGROUP_DEPTH_MAX 16    /* cgroup ancestors examined for one task */
#define LG_EVENT_PATH_MAX 256     /* bytes of path carried by an event */
#define LG_MOUNT_DEPTH_MAX 32     /* components of a mount point's path a record holds */
#define LG_MOUNT_PATH_MAX 128     /* bytes of a mount point's path kept for events */
#define LG_MAX_MOUNTS 4096        /* mounts of the host namespace known to the kernel side */
#define LG_MAX_CGROUPS 65536      /* cgroups bound to a policy at once */
#define LG_CGROUP_ANSWERS 4096    /* cgroups whose policy the kernel side remembers (a power of 2) */
#define LG_MAX_LINKS 16384        /* hard-linked files whose original name is remembered */
/* (the default: `lsmguard run --link-records N` sets the capacity at load) */
#define LG_MAX_MOUNT_CHANGES 4096 /* mount roots moved or unmounted since the table's rewrite */
/* Markers beside the rules in lg_paths (LG_PATH_CLASS_* below): directories with rules beneath
 * them (and a policy's own key where several policies' rules are), lsmguard's own objects */
#define LG_MAX_BENEATH_ENTRIES (2 * LG_MAX_PATH_ENTRIES)
/* Policy ids: two banks, so that a reload writes the new set beside the old one. */
#define LG_POLICY_ID_MAX (2 * LG_MAX_POLICIES)

_Static_assert((LG_PATH_DEPTH_MAX & (LG_PATH_DEPTH_MAX - 1)) == 0, "masked as an index");
_Static_assert((LG_EVENT_PATH_MAX & (LG_EVENT_PATH_MAX - 1)) == 0, "masked as an index");

enum lg_class {
	LG_CLASS_FILE = 0,
	LG_CLASS_EXEC = 1,
	LG_CLASS_NET = 2,
	LG_CLASS_COUNT = 3,
};

enum lg_mode {
	LG_MODE_ENFORCE = 0,
	LG_MODE_AUDIT = 1,
};

/*
 * One decision is taken per (class, access): files are read or written, programs executed,
 * addresses connected to. Bits of lg_policy_value.default_deny and indexes of default_rule.
 */
enum lg_decision {
	LG_DECISION_FILE_READ = 0,
	LG_DECISION_FILE_WRITE = 1,
	LG_DECISION_EXEC = 2,
	LG_DECISION_NET = 3,
	LG_DECISION_COUNT = 4,
};

/*
 * [exec] anonymous = allow: programs that are on no filesystem the host knows (memfd, an
 * unlinked file of an internal mount, a root filesystem private to a namespace) may run.
 */
#define LG_POLICY_EXEC_ANONYMOUS 0x01
/*
 * [system] keys that opt a policy into a right its tasks are refused by default (each bit set:
 * "allow"). devices: creating block and character device nodes (mknod S_IFBLK, S_IFCHR).
 */
#define LG_POLICY_SYSTEM_DEVICES 0x02
/* userns = allow: creating user namespaces (unshare, clone, clone3 with CLONE_NEWUSER). */
#define LG_POLICY_SYSTEM_USERNS 0x04
/* mount = namespace: mount, remount, bind, move, propagation changes, umount, pivot_root and
 * the new mount API, in mount namespaces other than the host's (lsmguard's). mount = allow:
 * also in the host's. Neither reaches lsmguard's protected objects. */
#define LG_POLICY_SYSTEM_MOUNT_NAMESPACE 0x08
#define LG_POLICY_SYSTEM_MOUNT_ALLOW 0x10
/* system-bus = allow: connecting to the D-Bus system bus (LG_BUILTIN_SERVICE_MANAGER). */
#define LG_POLICY_SYSTEM_BUS 0x20
/* cgroups = delegate: moving processes (cgroup.procs, cgroup.threads) between the cgroups of
 * the policy itself. Without it only a task in its setup window may (systemd's child joining
 * its unit's cgroup); anything else could pull a process from outside into the policy's
 * cgroups (lsmguard's daemon, to freeze it there). */
#define LG_POLICY_SYSTEM_CGROUPS_DELEGATE 0x40
/* host-code = allow: writing the files the host's unconfined components run or obey as root
 * (LG_BUILTIN_HOST_CODE: units, generators, cron, udev, tmpfiles, modules, /usr, /boot...). */
#define LG_POLICY_SYSTEM_HOST_CODE 0x80
/* kernel-settings = allow: writing the kernel's settings, sysctls (/proc/sys) and sysfs and
 * configfs attributes (LG_BUILTIN_KERNEL_SETTING), except those that run code, weaken a
 * protection or bind every process (LG_BUILTIN_KNOB, always). */
#define LG_POLICY_SYSTEM_KERNEL_SETTINGS 0x100
/* clock = allow: setting the system clock (settimeofday, clock_settime, adjtimex, clock_adjtime,
 * the RTC: LG_BUILTIN_CLOCK), as an NTP client does. */
#define LG_POLICY_SYSTEM_CLOCK 0x200
/* raw-disks = allow: opening block device nodes (LG_BUILTIN_RAW_DISK), as a backup, fsck or
 * volume manager does: every block of every file on the disk, past every path rule. */
#define LG_POLICY_SYSTEM_RAW_DISKS 0x400
/* signal-others = allow: signals to processes outside the policy, another policy's or under
 * none (LG_BUILTIN_OTHER_POLICY), as logrotate's postrotate scripts send the services whose
 * logs they rotate. */
#define LG_POLICY_SYSTEM_SIGNAL_OTHERS 0x800
/* module-autoload = allow: the kernel loading a module for the task (request_module: a socket
 * family, a device, a filesystem type, a crypto algorithm not loaded yet: LG_BUILTIN_MODULE), as
 * fail2ban's netfilter modules and openvpn's tun need where they are not loaded at boot. Key
 * upcalls (request_key) stay refused. */
#define LG_POLICY_SYSTEM_MODULE_AUTOLOAD 0x1000
/* ipc-others = allow: System V IPC objects and keys made by another policy's tasks or by tasks
 * under none (LG_BUILTIN_OTHERS_OBJECTS), as a service that shares them with another does. */
#define LG_POLICY_SYSTEM_IPC_OTHERS 0x2000

/* Value of the policy array map, indexed by policy id (0 is never used). */
struct lg_policy_value {
	__u32 id;
	__u8 mode;         /* enum lg_mode */
	__u8 default_deny; /* bit (1 << enum lg_decision) set: no rule matched means deny */
	__u8 bank;         /* 0 or 1: which half of the id space, seed and mount hashes */
	__u8 reserved;
	__u32 generation;  /* bumped by every load; caches compare it */
	__u32 default_rule[LG_DECISION_COUNT]; /* rule id of each default, for events */
	__u32 anonymous_rule; /* rule id of [exec] anonymous (explicit or implied) */
	__u32 flags;       /* LG_POLICY_* */
	/* rule id of the [capabilities] section: 0 when the policy has none (capabilities are
	 * not decided: the kernel's own check alone) */
	__u32 capabilities_rule;
	__u64 seed;        /* keys this policy's path hashes (the bank's seed) */
	/* [network] sockets: what socket() may create (bpf_lsm/network.bpf.c lg_socket_create) */
	__u64 socket_families; /* bit n: family n (AF_*, below LG_SOCKET_FAMILY_MAX) */
	__u32 socket_netlink;  /* bit n: netlink protocol n, when the family bit of netlink is set */
	__u32 socket_inet;     /* LG_SOCKET_INET_*: inet and inet6 protocols beyond the base ones */
	__u32 socket_rule;     /* rule id of the sockets decision (its line, or implied), for events */
	__u32 net_flags;       /* LG_NET_POLICY_* */
	__u64 capabilities; /* bit (1 << CAP_*): kept by [capabilities] (with capabilities_rule) */
	/* The policy's name as a number (never 0): what the makers of System V IPC objects and
	 * keys are recorded as (bpf_lsm/ipc.bpf.c), the same across reloads and restarts */
	__u64 identity;
};
_Static_assert(sizeof(struct lg_policy_value) == 88, "lg_policy_value layout");

/*
 * [network] sockets. A socket is created when its family's bit is set and, for AF_INET and
 * AF_INET6, its protocol is a base one (TCP, MPTCP, UDP, ICMP echo "ping") or its
 * LG_SOCKET_INET_* bit is set; for AF_NETLINK, when its protocol's bit is set. Any other inet
 * protocol (none on 6.1) needs LG_SOCKET_INET_OTHER. Sockets the kernel makes for itself
 * (kern = 1) are never decided. A policy that names no sockets gets every bit under [network]
 * default = allow, and unix, inet, inet6 and netlink with the base protocols under default =
 * deny (policy/compile.c).
 */
#define LG_SOCKET_FAMILY_MAX 64
/*
 * lg_policy_value.net_flags. NO_SOURCE_ROUTES: the policy decides destinations ([network]
 * default = deny, or any destination rule: not a listen rule or an abstract name), so a packet
 * must not leave for another first hop than the address decided: IPv4 options (IP_OPTIONS, an IP_RETOPTS control message: loose and strict
 * source routes) and IPv6 routing headers (IPV6_RTHDR, IPV6_2292PKTOPTIONS, IPV6_FLOWLABEL_MGR,
 * the IPV6_RTHDR and IPV6_2292RTHDR control messages) are refused
 * (LG_BUILTIN_SOURCE_ROUTE, following the policy's mode).
 */
#define LG_NET_POLICY_NO_SOURCE_ROUTES 0x01
#define LG_SOCKET_INET_RAW 0x01     /* SOCK_RAW: self-built headers (CAP_NET_RAW) */
#define LG_SOCKET_INET_SCTP 0x02    /* IPPROTO_SCTP, SOCK_SEQPACKET */
#define LG_SOCKET_INET_UDPLITE 0x04 /* IPPROTO_UDPLITE */
#define LG_SOCKET_INET_DCCP 0x08    /* SOCK_DCCP, IPPROTO_DCCP */
#define LG_SOCKET_INET_L2TP 0x10    /* IPPROTO_L2TP: L2TP over IP */
#define LG_SOCKET_INET_OTHER 0x20   /* any other type or protocol */
#define LG_SOCKET_INET_ALL 0x3f

/*
 * Capabilities a [capabilities] section can name: 0 (CAP_CHOWN) .. LG_CAP_LAST
 * (CAP_CHECKPOINT_RESTORE, the last of 6.1). A kernel's newer capability is never kept.
 */
#define LG_CAP_LAST 40
#define LG_CAP_COUNT (LG_CAP_LAST + 1)
_Static_assert(LG_CAP_COUNT <= 64, "one bit each in lg_policy_value.capabilities");

/*
 * Path rules (classes FILE and EXEC). The key is the hash of a canonical absolute path
 * without its trailing slash ("/" hashes as the empty string). A key holds up to four rules:
 * the exact object and the subtree beneath it, each for reading and for writing (exec rules
 * use the READ slots only).
 */
struct lg_path_key {
	__u32 policy;
	__u32 class; /* enum lg_class */
	__u64 hash;
};
_Static_assert(sizeof(struct lg_path_key) == 16, "lg_path_key layout");

/*
 * Markers kept in lg_paths beside the rules, under classes no rule uses: a directory that has a
 * rule's path beneath it cannot be renamed or moved by a task under a policy, which would take
 * the rule's objects out from under it. LG_PATH_CLASS_DENY_BENEATH, under the first id of the
 * bank: every proper prefix of every [files] and [exec] rule path of every policy of the bank,
 * one record per directory: rule[0] is the one policy whose rules lie beneath it, or 0 when
 * several policies' do, and deny_mask has LG_BENEATH_DENY when a deny rule does.
 * LG_PATH_CLASS_BENEATH, under a policy's id: the directories of that policy where rule[0] of
 * the bank's record is 0 (several policies), one key each. One record instead of a policy's and
 * a deny key per directory: a hash element is 96 bytes of kernel memory, whatever its size.
 */
#define LG_PATH_CLASS_BENEATH 4
#define LG_PATH_CLASS_DENY_BENEATH 5
#define LG_BENEATH_DENY 0x01
/*
 * lsmguard's own objects (LG_BUILTIN_PROTECTED), under the first id of the bank too: the policy
 * directory, the executable, the state, the unit. LG_PATH_CLASS_PROTECTED: the objects
 * themselves; deny_mask has LG_SLOT_EXACT_WRITE for an object, LG_SLOT_TREE_WRITE for a
 * directory and everything beneath (rule[] stays 0). Every write-class walk looks each prefix
 * up there too. LG_PATH_CLASS_PROTECTED_BENEATH: every proper prefix of those paths (a
 * directory that holds one), for renames and mounts.
 */
#define LG_PATH_CLASS_PROTECTED 6
#define LG_PATH_CLASS_PROTECTED_BENEATH 7
/*
 * Abstract unix socket names ([network] allow/deny = @NAME, @PREFIX*), in lg_paths under the
 * policy's id: ABSTRACT holds a rule on one whole name, ABSTRACT_PREFIX a rule on every name
 * that starts with the key's bytes, each in rule[LG_SLOT_EXACT_READ] (deny_mask bit 0: deny).
 * The key's hash is lg_abstract_hash() of the name's bytes (NULs included, the leading NUL of
 * the address not). ABSTRACT_LENGTHS, hash 0: rule[0..3] are a 128-bit set of the lengths
 * (bit L of word L / 32) at which the policy has a prefix rule, so that only those are looked
 * up. Exact beats prefix, a longer prefix a shorter one, then [network] default.
 */
#define LG_PATH_CLASS_ABSTRACT 8
#define LG_PATH_CLASS_ABSTRACT_PREFIX 9
#define LG_PATH_CLASS_ABSTRACT_LENGTHS 10
#define LG_ABSTRACT_NAME_MAX 107 /* bytes of sun_path after the leading NUL */
/*
 * More bits of a LG_PATH_CLASS_PROTECTED record's deny_mask (above the slots): the object is one
 * of the service manager's sockets (LG_BUILTIN_SERVICE_MANAGER, bpf_lsm/unix.bpf.c), which a
 * confined task may not connect or send to. PRIVATE: systemd's private socket, always refused;
 * BUS: the D-Bus system bus, refused unless the policy says [system] system-bus = allow.
 */
#define LG_PROTECTED_MANAGER_PRIVATE 0x10
#define LG_PROTECTED_MANAGER_BUS 0x20
/*
 * The object is host code rather than lsmguard's own (LG_BUILTIN_HOST_CODE): what the kernel,
 * systemd, cron, udev and the other unconfined components run or obey as root. Writing it is
 * refused like writing lsmguard's objects unless the policy says [system] host-code = allow.
 * A key both kinds share is lsmguard's (the bit is kept only when every merged record has it).
 */
#define LG_PROTECTED_HOST 0x40
/*
 * Every deny rule of every policy of a bank, for a decision about all policies at once: a hard
 * link that cannot be recorded is refused when a deny rule covers the file (bpf_lsm/links.bpf.c).
 * Not path keys (one hash element, about 130 bytes of kernel memory, per deny rule) but a
 * filter of bits in the array lg_deny_filter, LG_DENY_FILTER_WORDS words per bank: each deny
 * rule sets the two bits lg_deny_filter_bit() picks from its path hash, xor
 * LG_DENY_FILTER_EXACT for a rule on one object (no trailing slash). A path whose two bits are
 * set may be under a deny rule; with 1M bits a bank, one lookup answers "maybe" for a path under
 * none with a chance of about 1 in 17,000 at 4,000 deny rules and 1 in 76 at 64,000, and a check
 * looks up every prefix (for six components: about 1 in 2,000 and 1 in 10). Such a path only
 * makes an unrecordable link fail closed.
 */
#define LG_DENY_FILTER_BITS_LOG 20
#define LG_DENY_FILTER_WORDS (1u << (LG_DENY_FILTER_BITS_LOG - 6))
#define LG_DENY_FILTER_EXACT 0x9e3779b97f4a7c15ULL

/* Bit k (0 or 1) of a deny filter entry x: its index within the bank's bits. */
static inline __u32 lg_deny_filter_bit(__u64 x, int k)
{
	return (__u32)(k ? x >> 32 : x) & ((1u << LG_DENY_FILTER_BITS_LOG) - 1);
}

enum lg_path_slot {
	LG_SLOT_EXACT_READ = 0,
	LG_SLOT_EXACT_WRITE = 1,
	LG_SLOT_TREE_READ = 2,
	LG_SLOT_TREE_WRITE = 3,
	LG_SLOT_COUNT = 4,
};

struct lg_path_value {
	__u32 rule[LG_SLOT_COUNT]; /* 0: no rule in this slot */
	__u8 deny_mask;            /* bit (1 << enum lg_path_slot): that slot's rule denies */
	__u8 pad[3];
};
_Static_assert(sizeof(struct lg_path_value) == 20, "lg_path_value layout");

/*
 * Network rules: an LPM trie keyed by policy, family and address. IPv4 and IPv4-mapped IPv6
 * are both stored as family 4 with the address in addr[0..3]. prefixlen counts the bits after
 * the prefixlen field: 32 (policy) + 8 (family) + the address prefix.
 */
struct lg_net_key {
	__u32 prefixlen;
	__u32 policy;
	__u8 family; /* 4 or 6; with LG_NET_LISTEN_KEY, a listen rule's */
	__u8 addr[16];
	__u8 pad[3];
};
_Static_assert(sizeof(struct lg_net_key) == 28, "lg_net_key layout");
#define LG_NET_KEY_FIXED_BITS 40 /* policy + family */
/* In lg_net_key.family: the listen rules ([network] listen, deny-listen), a trie of their own
 * beside the destinations' (bind to a port, listen(), at the local address). */
#define LG_NET_LISTEN_KEY 0x10

#define LG_NET_TCP 0x01
#define LG_NET_UDP 0x02
/* Any other protocol an inet socket speaks (ICMP echo "ping", raw IP, UDP-Lite, SCTP): matched
 * only by rules that name no protocol and no port, which cover every protocol. */
#define LG_NET_OTHER 0x04
#define LG_NET_PROTOCOLS (LG_NET_TCP | LG_NET_UDP | LG_NET_OTHER)
#define LG_NET_DENY 0x80

struct lg_net_port_rule {
	__u16 port_lo; /* host byte order */
	__u16 port_hi;
	__u8 flags;    /* LG_NET_TCP | LG_NET_UDP | LG_NET_OTHER | LG_NET_DENY */
	__u8 pad[3];
	__u32 rule;
};
_Static_assert(sizeof(struct lg_net_port_rule) == 12, "lg_net_port_rule layout");

/*
 * The rules of one prefix, most specific first (narrower port range, then a named protocol,
 * then deny). When none matches, the kernel looks up the same address again with prefixlen
 * one shorter than this entry's, to reach the next enclosing prefix.
 */
struct lg_net_value {
	__u8 count;
	__u8 pad;
	__u16 prefixlen; /* this entry's key prefixlen: an LPM lookup does not return it */
	struct lg_net_port_rule port[LG_NET_PORT_SLOTS];
};
_Static_assert(sizeof(struct lg_net_value) == 100, "lg_net_value layout");

/*
 * Mounts of the host (lsmguard's) mount namespace, keyed by the root of each mount: kernel
 * device number (major << 20 | minor, as in sb->s_dev) and inode of the mount's root. The value
 * gives the hash state of every prefix of the mount point's path, so that a path walk that
 * reaches this mount root can check the rules on the mount point and on each of its ancestors.
 */
struct lg_inode_key {
	__u32 dev; /* major << 20 | minor, as in sb->s_dev */
	__u32 pad;
	__u64 ino;
};
_Static_assert(sizeof(struct lg_inode_key) == 16, "lg_inode_key layout");

/*
 * A mount record's depth for a point deeper than LG_MOUNT_DEPTH_MAX: every file beneath it is
 * deeper than a walk names (LG_PATH_DEPTH_MAX), so the record names nothing and the walk fails
 * closed there, through whichever mount of that root, in whichever namespace, it meets it.
 */
#define LG_MOUNT_DEPTH_UNNAMED (LG_MOUNT_DEPTH_MAX + 1)
_Static_assert(LG_MOUNT_DEPTH_MAX == LG_PATH_DEPTH_MAX,
	       "a record holds every mount point a walk can name files beneath");

struct lg_mount_value {
	__u8 depth;     /* components of the mount point: 0 for "/"; LG_MOUNT_DEPTH_UNNAMED */
	__u8 pad[7];
	/* [bank][i]: hash of the first i components of the mount point, with that bank's seed */
	__u64 prefix_hash[2][LG_MOUNT_DEPTH_MAX + 1];
	__u8 path[LG_MOUNT_PATH_MAX]; /* mount point, for events ("" for "/") */
};
_Static_assert(sizeof(struct lg_mount_value) ==
		       8 + 2 * 8 * (LG_MOUNT_DEPTH_MAX + 1) + LG_MOUNT_PATH_MAX,
	       "lg_mount_value layout");

/*
 * Filesystem-type anchors: a walk that reaches the root of a filesystem of one of these types
 * takes its path from the type, wherever (and in whichever namespace) the filesystem is mounted:
 * a second procfs at /tmp/p is /proc to every rule, a sysfs mounted in a user namespace is /sys.
 * Their records live in lg_mounts under a key no mount has (dev 0, pad LG_FSTYPE_KEY_PAD,
 * ino = the magic). The path is where the host mounts that type (its first mount of the
 * filesystem's root in lsmguard's mountinfo), else the usual place listed here.
 * X(name, magic, usual mount point)
 */
#define LG_FSTYPE_KEY_PAD 0x66737479 /* "ftsy" */
#define LG_FSTYPE_ANCHORS(X)                                                                      \
	X(proc, 0x9fa0, "/proc")                                                                  \
	X(sysfs, 0x62656572, "/sys")                                                              \
	X(cgroup2, 0x63677270, "/sys/fs/cgroup")                                                  \
	X(bpf, 0xcafe4a11, "/sys/fs/bpf")                                                         \
	X(securityfs, 0x73636673, "/sys/kernel/security")                                         \
	X(debugfs, 0x64626720, "/sys/kernel/debug")                                               \
	X(tracefs, 0x74726163, "/sys/kernel/tracing")                                             \
	X(binfmt_misc, 0x42494e4d, "/proc/sys/fs/binfmt_misc")                                    \
	X(efivarfs, 0xde5e81e4, "/sys/firmware/efi/efivars")                                      \
	X(configfs, 0x62656570, "/sys/kernel/config")                                             \
	X(pstore, 0x6165676c, "/sys/fs/pstore")                                                   \
	X(mqueue, 0x19800202, "/dev/mqueue")

/*
 * A hard-linked file's original name, keyed by its inode: a name given to a protected file later
 * (a hard link, made by anyone) must not escape the rules on the original. Holds the hash of
 * every prefix of the original path, for both banks' seeds: the kernel looks them up as it does
 * a walked path's, so the more restrictive of the two names decides.
 */
/*
 * lg_inode_key.pad of a file's second record, its denied name: the first name a task under no
 * policy (of any uid: an administrator, or a user who may link the file) gave the file under a
 * deny rule, by link or rename, replaced only once it lies under none (moved off); and at a
 * reload an exact deny rule's name. Both
 * records' rules apply at each of the file's other names, so a name linked before the file took
 * a denied name (the original, pad 0) and the denied name are both checked (attack runs 17, 18).
 * A file has a denied-name record only beside an original one.
 */
#define LG_LINK_KEY_DENIED 1
/* lg_link_value.flags: recorded by the daemon (lg_links_record), in the reserve. */
#define LG_LINK_BY_DAEMON 1
/*
 * Records beyond the capacity (`--link-records`) kept for the daemon's: the files named by a
 * deny rule (an exact rule's file, a file its walk of a directory rule finds: those leave half
 * of it to exact rules) that have other names at a load, recorded even while the kernel's share
 * is held full by a service's links (attack run 7, 279).
 */
#define LG_LINK_RESERVE 1024

struct lg_link_value {
	__u8 count[2];  /* prefixes held per bank: 1 (the root) + components; 0 = not computed */
	__u8 flags;     /* LG_LINK_BY_DAEMON */
	__u8 pad[5];
	__u64 prefix_hash[2][LG_PATH_DEPTH_MAX + 1];
	__u8 path[LG_EVENT_PATH_MAX]; /* the original path, for events and for rehashing */
};
_Static_assert(sizeof(struct lg_link_value) ==
		       8 + 2 * 8 * (LG_PATH_DEPTH_MAX + 1) + LG_EVENT_PATH_MAX,
	       "lg_link_value layout");

/* Global settings, in a one-entry array map. */
struct lg_config {
	__u64 cgroup_seed;  /* keys lg_cgroup_path_key hashes; fixed for the life of the pins */
	__u64 path_seed[2]; /* each bank's path seed (the kernel reads it from the policy) */
	__u32 generation;   /* loads so far */
	__u32 active_bank;  /* bank of the set in force */
	/* lsmguard's executable: only tasks running it may write lsmguard's maps or remove its
	 * pins (self_ino 0: not yet armed). */
	__u64 self_ino;
	__u32 self_dev;
	__u32 pin_dev;      /* the bpffs that holds lsmguard's pins (sb->s_dev) */
	/* An upgrade: the executable now at the daemon's own path, when it is another inode.
	 * Trusted too, so that the new version can adopt the pins (0: none). */
	__u64 successor_ino;
	__u32 successor_dev;
	/* The mount namespace lg_mounts describes: the daemon's (its nsfs inode number). Its
	 * mounts moved or unmounted make their records suspect at once (bpf_lsm/mounts.bpf.c). */
	__u32 mount_ns;
	/*
	 * btrfs gives each subvolume a device number of its own (struct btrfs_root's anon_dev),
	 * which stat() reports and the daemon's keys (mount table, link records, its executable)
	 * use, while the inode's i_sb->s_dev is the filesystem's. Where those fields lie in the
	 * btrfs module's structures, from its BTF (the daemon fills them once the module is
	 * loaded; until then the kernel uses s_dev): struct btrfs_inode's vfs_inode and
	 * root, struct btrfs_root's anon_dev; btrfs_known says they are filled (root is at 0).
	 */
	__u32 btrfs_vfs_inode;
	__u32 btrfs_root;
	__u32 btrfs_anon_dev;
	__u32 btrfs_known;
};
_Static_assert(sizeof(struct lg_config) == 80, "lg_config layout");
/* The inode number of every btrfs subvolume's root (BTRFS_FIRST_FREE_OBJECTID). */
#define LG_BTRFS_SUBVOL_ROOT_INO 256

/*
 * Per-CPU counters, indexed by policy id * LG_HOOK_COUNT + hook. Every deny verdict (denied or
 * audited) has exactly one event fate: delivered to the ring buffer, dropped (ring buffer
 * full) or suppressed (rate limit). So denied + audited == delivered + dropped + suppressed.
 */
struct lg_counter {
	__u64 allowed;
	__u64 denied;     /* denied and enforced */
	__u64 audited;    /* would have been denied, audit mode */
	__u64 dropped;    /* events lost because the ring buffer was full */
	__u64 suppressed; /* events held back by the rate limit */
	__u64 cached;     /* allowed verdicts answered by a verdict cache (part of allowed) */
};
_Static_assert(sizeof(struct lg_counter) == 48, "lg_counter layout");

/*
 * Epochs of the verdict caches (bpf_lsm/cache.bpf.h) and of the host mount table, in an array
 * map. A cached verdict is valid while the generation and the two cache epochs are what they
 * were when the walk behind it started. The kernel bumps LG_EPOCH_KERNEL after every dentry move
 * (rename) and hard link, and before a mount of the host namespace is moved or unmounted; the
 * daemon bumps LG_EPOCH_MOUNTS after it rewrites the mount table.
 *
 * The mount table's own freshness (bpf_lsm/mounts.bpf.c): the kernel counts the moves and
 * unmounts of host mounts in LG_EPOCH_MOUNT_CHANGES and records, in lg_mount_changes, the count
 * at which each mount root last left its place; the daemon stores in LG_EPOCH_MOUNT_TABLE the
 * count it read before the mountinfo its table came from. A record above that count makes the
 * table's entry for that root suspect until the daemon's next rewrite; LG_EPOCH_MOUNT_ALL above
 * it makes every entry suspect (a change too large to record mount by mount).
 * Each entry has one kind of writer, so none is ever written back with a stale value.
 */
enum lg_epoch_index {
	LG_EPOCH_KERNEL = 0,
	LG_EPOCH_MOUNTS = 1,
	LG_EPOCH_MOUNT_CHANGES = 2,
	LG_EPOCH_MOUNT_TABLE = 3,
	LG_EPOCH_MOUNT_ALL = 4,
	/* Not an epoch: hard links the kernel could not record since load (lg_links full). */
	LG_EPOCH_LINKS_UNRECORDED = 5,
	/* Not epochs: the records the kernel made (against LG_EPOCH_LINKS_CAPACITY, which the
	 * daemon sets at load; 0: no limit but the map's), and files of exact deny rules with
	 * other names that the daemon could not record at reloads (it alone writes that one). */
	LG_EPOCH_LINKS_MADE = 6,
	LG_EPOCH_LINKS_CAPACITY = 7,
	LG_EPOCH_LINKS_RULES_UNRECORDED = 8,
	/* Not epochs: the cgroup connect programs' ids (connect4 in the low half, connect6 in the
	 * high half; 0: not loaded), which the daemon attaches at every cgroup bound to a policy,
	 * and the cgroups the kernel has bound at their creation (cgroup.bpf.c), whose growth tells
	 * the daemon to attach them there too. */
	LG_EPOCH_CONNECT_PROGRAMS = 9,
	LG_EPOCH_CGROUPS_BOUND = 10,
	/* Not an epoch: the daemon whose stop only `lsmguard stop` begins (its tgid; 0: none).
	 * `lsmguard run --stop-guard` writes it once ready, `lsmguard stop` (lsmguard.service's
	 * ExecStop=) clears it; while it is set, PID 1's signals to that daemon are refused
	 * (protect.bpf.c, lg_task_kill): a unit's PIDFile= naming the daemon cannot make PID 1
	 * stop it. */
	LG_EPOCH_STOP_GUARD = 11,
	/* Bumped by the daemon when it binds existing cgroups again outside a load (after a
	 * reload's grace period, lg_apply_retire): with the generation, it tags the kernel's
	 * remembered answer of each cgroup's policy (lg_cgroup_answers), so that no answer found
	 * before that second binding outlives it. */
	LG_EPOCH_BINDINGS = 12,
	/* Not an epoch: host mounts the daemon's last rewrite of the mount table found no room
	 * for (lg_mounts full, LG_MAX_MOUNTS); 0: every mount has its record. While it is not 0,
	 * a walk that reaches a host filesystem's root without a record fails closed instead of
	 * naming the file through the live tree (lg_mounts_unrecorded): a second mount of that
	 * root would otherwise name it past the rules written at the first (attack run 23's
	 * 2302). A daemon adopting an older map without this slot leaves it unset. */
	LG_EPOCH_MOUNTS_UNRECORDED = 13,
	LG_EPOCH_COUNT = 14,
};

/*
 * Rate limit of identical events, in the kernel: at most LG_RATE_EVENTS events a second for
 * one (policy, rule, hook, access, object). The object is the path's hash or the destination's,
 * so distinct objects are never merged; the access (enum lg_decision: read, write, exec...) so
 * that a write after ten reads of the same file in a second has its own event (attack run 32's
 * 3205: in audit mode that write succeeded with no event naming it); an LRU map bounds the
 * memory.
 */
#define LG_RATE_EVENTS 10
#define LG_RATE_WINDOW_NS 1000000000ULL
#define LG_RATE_KEYS 16384

struct lg_rate_key {
	__u32 policy;
	__u32 rule;
	__u64 object;
	__u8 hook;
	__u8 decision; /* enum lg_decision */
	__u8 pad[6];
};
_Static_assert(sizeof(struct lg_rate_key) == 24, "lg_rate_key layout");

struct lg_rate_value {
	__u64 window_start; /* ns, CLOCK_MONOTONIC */
	__u64 count;        /* events sent in this window (64-bit: BPF atomics) */
	__u64 suppressed;   /* unused: the counts held back are in lg_held (common.bpf.h) */
};
_Static_assert(sizeof(struct lg_rate_value) == 24, "lg_rate_value layout");

/*
 * Deny verdicts whose event was lost (the ring buffer full, as when the daemon is stopped), per
 * (policy, rule, built-in): a lost event is never silent. The daemon reports what grew since it
 * last looked, with the interval, as one "lost" event per key. Never reset by the kernel.
 */
#define LG_LOST_KEYS 4096

enum lg_lost_where {
	LG_LOST_RING_BUFFER = 0, /* the ring buffer was full */
	/* held back by the rate limit and never carried by a later event's "suppressed_before"
	 * (lg_held full; or the event that carried it lost: counted under the ring buffer) */
	LG_LOST_RATE_LIMIT = 1,
};

struct lg_lost_key {
	__u32 policy;
	__u32 rule;
	__u8 builtin; /* enum lg_builtin; 0 for a rule */
	__u8 hook;
	__u8 where; /* enum lg_lost_where */
	__u8 pad[5];
};
_Static_assert(sizeof(struct lg_lost_key) == 16, "lg_lost_key layout");

struct lg_lost_value {
	__u64 count;
	__u64 first_ns; /* CLOCK_BOOTTIME of the first loss */
	__u64 last_ns;  /* and of the latest */
};
_Static_assert(sizeof(struct lg_lost_value) == 24, "lg_lost_value layout");

/* Cgroup binding by path, for cgroups created after load: hash of the cgroup path. */
struct lg_cgroup_path_key {
	__u64 hash;
};
_Static_assert(sizeof(struct lg_cgroup_path_key) == 8, "lg_cgroup_path_key layout");

/* Event record, written to the ring buffer. */
enum lg_hook {
	LG_HOOK_NONE = 0,
	LG_HOOK_FILE_OPEN = 1,
	LG_HOOK_BPRM_CHECK = 2,
	LG_HOOK_SOCKET_CONNECT = 3,
	LG_HOOK_SOCKET_SENDMSG = 4,
	LG_HOOK_PATH_RENAME = 5,
	LG_HOOK_PATH_LINK = 6,
	LG_HOOK_PATH_UNLINK = 7,
	LG_HOOK_PATH_TRUNCATE = 8,
	LG_HOOK_TASK_ALLOC = 9,
	LG_HOOK_BPF = 10,
	LG_HOOK_KERNEL_MODULE = 11,
	LG_HOOK_PTRACE = 12,
	LG_HOOK_SB_UMOUNT = 13,
	LG_HOOK_MMAP_FILE = 14,
	LG_HOOK_FILE_MPROTECT = 15,
	LG_HOOK_BPF_MAP = 16,
	LG_HOOK_TASK_KILL = 17,
	LG_HOOK_FILE_SEND_SIGIOTASK = 18,
	LG_HOOK_PERF_EVENT_ALLOC = 19,
	LG_HOOK_PATH_MKNOD = 20,
	LG_HOOK_PATH_SYMLINK = 21,
	LG_HOOK_PATH_MKDIR = 22,
	LG_HOOK_PATH_RMDIR = 23,
	LG_HOOK_PATH_CHMOD = 24,
	LG_HOOK_PATH_CHOWN = 25,
	LG_HOOK_INODE_SETXATTR = 26,
	LG_HOOK_INODE_REMOVEXATTR = 27,
	LG_HOOK_USERNS_CREATE = 28,
	LG_HOOK_SB_MOUNT = 29,
	LG_HOOK_MOVE_MOUNT = 30,
	LG_HOOK_SB_REMOUNT = 31,
	LG_HOOK_SB_PIVOTROOT = 32,
	LG_HOOK_CAPABLE = 33,
	LG_HOOK_FILE_RECEIVE = 34,
	LG_HOOK_UNIX_STREAM_CONNECT = 35,
	LG_HOOK_UNIX_MAY_SEND = 36,
	LG_HOOK_FILE_IOCTL = 37,
	LG_HOOK_TASK_SETNICE = 38,
	LG_HOOK_TASK_SETSCHEDULER = 39,
	LG_HOOK_TASK_SETIOPRIO = 40,
	LG_HOOK_TASK_SETRLIMIT = 41,
	LG_HOOK_INODE_SETATTR = 42, /* timestamps only: utimensat, futimens, utimes */
	LG_HOOK_LOCKED_DOWN = 43,   /* the kernel asks whether an operation lockdown names may run */
	LG_HOOK_SETTIME = 44,       /* settimeofday, clock_settime, stime */
	LG_HOOK_SYSLOG = 45,        /* syslog(2) actions and /proc/kmsg */
	LG_HOOK_URING_CMD = 46,     /* io_uring passthrough commands (NVMe, ublk) */
	LG_HOOK_MODULE_REQUEST = 47, /* the kernel loading a module for the task (autoload) */
	LG_HOOK_PATH_NOTIFY = 48,    /* fanotify and inotify marks */
	LG_HOOK_FILE_FCNTL = 49,     /* F_SETLEASE */
	LG_HOOK_KEY_ALLOC = 50,      /* request_key()'s upcall authorisation key */
	LG_HOOK_SB_SET_MNT_OPTS = 51, /* a new superblock about to be mounted (its disk) */
	LG_HOOK_QUOTACTL = 52,       /* disk quotas changed */
	LG_HOOK_FS_CONTEXT_PARSE_PARAM = 53, /* a mount's "source" named, before any disk is read */
	LG_HOOK_SOCKET_CREATE = 54,  /* socket(), socketpair(), io_uring's socket: [network] sockets */
	LG_HOOK_SOCKET_SETSOCKOPT = 55, /* IP options and IPv6 routing headers (source routes) */
	LG_HOOK_SOCKET_BIND = 56,   /* an inet socket bound to a port: decided by the listen rules */
	LG_HOOK_SOCKET_LISTEN = 57, /* listen() on an inet socket, at its bound address and port */
	/* SCTP's own routes: sctp_connectx, sctp_bindx, a send that opens an association */
	LG_HOOK_SCTP_BIND_CONNECT = 58,
	/* System V IPC objects and keys made outside the policy (bpf_lsm/ipc.bpf.c) */
	LG_HOOK_IPC_PERMISSION = 59,
	LG_HOOK_SHM_SHMCTL = 60,
	LG_HOOK_MSG_QUEUE_MSGCTL = 61,
	LG_HOOK_SEM_SEMCTL = 62,
	LG_HOOK_KEY_PERMISSION = 63,
	/* [capabilities]: uses the capability LSM grants by its own check (capabilities.bpf.c) */
	LG_HOOK_CAPSET = 64,     /* an inheritable set past the permitted one (CAP_SETPCAP) */
	LG_HOOK_TASK_PRCTL = 65, /* PR_SET_SECUREBITS (CAP_SETPCAP) */
	LG_HOOK_MMAP_ADDR = 66,  /* a mapping below vm.mmap_min_addr (CAP_SYS_RAWIO) */
	/* MPTCP subflows the kernel connects for a connection (cgroup/connect4, connect6) */
	LG_HOOK_MPTCP_SUBFLOW = 67,
	/* a new System V object past the IPC namespace's budget (LG_BUILTIN_HOST_BUDGET) */
	LG_HOOK_SHM_ALLOC = 68,
	LG_HOOK_MSG_QUEUE_ALLOC = 69,
	LG_HOOK_SEM_ALLOC = 70,
	LG_HOOK_INODE_CREATE = 71, /* a POSIX message queue past the IPC namespace's budget */
	LG_HOOK_FILE_ALLOC = 72,   /* a new file past the host's budget (fs.file-max) */
	/* a name with a mount on it removed or replaced (bpf_lsm/mounted.bpf.c) */
	LG_HOOK_INODE_RMDIR = 73,
	LG_HOOK_INODE_UNLINK = 74,
	LG_HOOK_INODE_RENAME = 75,
	LG_HOOK_COUNT = 76,
};

/*
 * Character devices known by their driver's name rather than a fixed number: a driver that
 * asks for a dynamic major (or a dynamic misc minor) gets whatever is free, so the number says
 * nothing until the driver has registered. The kernel classifies each registration as it
 * happens (bpf_lsm/devices.bpf.c: alloc_chrdev_region, register_chrdev_region,
 * __register_chrdev, misc_register) and the daemon classifies what was registered before the
 * programs were loaded (/proc/devices, /proc/misc), and the ttys the kernel writes its console
 * to (/proc/consoles: a serial line or hypervisor console, an administrator's login and the
 * kernel's SysRq there), refused like the virtual consoles. lg_dev_majors is indexed by major,
 * lg_dev_numbers keyed by the kernel's device number (LG_KERNEL_DEV: misc minors, consoles);
 * each value is a built-in (enum lg_builtin), with LG_DEVCLASS_WRITE_ONLY when only opening
 * for writing is refused.
 *
 * X(kind, name, builtin, write_only): kind LG_DEVCLASS_MAJOR or LG_DEVCLASS_MISC.
 */
#define LG_DEVCLASS_MAJOR 0
#define LG_DEVCLASS_MISC 1
#define LG_DEVCLASS_CONSOLE 2 /* not in the table: a console by its number */
#define LG_KERNEL_DEV(major, minor) (((major) << 20) | (minor))
#define LG_DEVCLASS_WRITE_ONLY 0x100
#define LG_CHRDEV_MAJORS 512 /* CHRDEV_MAJOR_MAX */
#define LG_MISC_MAJOR 10
#define LG_DEVICE_CLASSES(X)                                                                     \
	/* the host reboots unless whoever opened it feeds it for ever */                    \
	X(LG_DEVCLASS_MAJOR, "watchdog", LG_BUILTIN_HOST_CONTROL, 0)                          \
	/* the baseboard controller: power off, reset, its own users and network */            \
	X(LG_DEVCLASS_MAJOR, "ipmidev", LG_BUILTIN_HOST_CONTROL, 0)                           \
	/* a device's registers and memory mapped into the task (userspace I/O, VFIO groups) */ \
	X(LG_DEVCLASS_MAJOR, "uio", LG_BUILTIN_LOCKDOWN, 0)                                   \
	X(LG_DEVCLASS_MAJOR, "vfio", LG_BUILTIN_LOCKDOWN, 0)                                  \
	/* a disk's own commands: SCSI and NVMe passthrough, raw flash */                      \
	X(LG_DEVCLASS_MAJOR, "bsg", LG_BUILTIN_RAW_DISK, 0)                                   \
	X(LG_DEVCLASS_MAJOR, "nvme", LG_BUILTIN_RAW_DISK, 0)                                  \
	X(LG_DEVCLASS_MAJOR, "nvme-generic", LG_BUILTIN_RAW_DISK, 0)                          \
	X(LG_DEVCLASS_MAJOR, "sg", LG_BUILTIN_RAW_DISK, 0)                                    \
	X(LG_DEVCLASS_MAJOR, "mtd", LG_BUILTIN_RAW_DISK, 0)                                   \
	/* RAID controllers' management nodes: their firmware's commands reach every disk */    \
	X(LG_DEVCLASS_MAJOR, "megaraid_sas_ioctl", LG_BUILTIN_RAW_DISK, 0)                    \
	X(LG_DEVCLASS_MAJOR, "aac", LG_BUILTIN_RAW_DISK, 0)                                   \
	X(LG_DEVCLASS_MISC, "mpt3ctl", LG_BUILTIN_RAW_DISK, 0)                                \
	X(LG_DEVCLASS_MISC, "mpt2ctl", LG_BUILTIN_RAW_DISK, 0)                                \
	/* btrfs's control node: the kernel opens a disk by the path given (SCAN_DEV), drops  \
	 * devices it knows (FORGET_DEV) */                                                    \
	X(LG_DEVCLASS_MISC, "btrfs-control", LG_BUILTIN_RAW_DISK, 0)                          \
	/* reports sent to a keyboard or any HID device */                                      \
	X(LG_DEVCLASS_MAJOR, "hidraw", LG_BUILTIN_TERMINAL, LG_DEVCLASS_WRITE_ONLY)           \
	/* a latency every CPU keeps while the file is open: a kernel setting */               \
	X(LG_DEVCLASS_MISC, "cpu_dma_latency", LG_BUILTIN_KERNEL_SETTING, LG_DEVCLASS_WRITE_ONLY) \
	/* the firmware's CMOS settings; CPU microcode */                                      \
	X(LG_DEVCLASS_MISC, "nvram", LG_BUILTIN_LOCKDOWN, LG_DEVCLASS_WRITE_ONLY)             \
	X(LG_DEVCLASS_MISC, "microcode", LG_BUILTIN_KNOB, LG_DEVCLASS_WRITE_ONLY)             \
	X(LG_DEVCLASS_MISC, "watchdog", LG_BUILTIN_HOST_CONTROL, 0)
#define LG_DEVCLASS_NAME_MAX 24 /* the longest name above, with its NUL, fits */

/* Why a built-in protection denied (LG_EVENT_BUILTIN): in lg_event.builtin. */
enum lg_builtin {
	LG_BUILTIN_NONE = 0,
	LG_BUILTIN_CGROUP_MOVE = 1, /* moving processes between cgroups */
	LG_BUILTIN_BPF = 2,         /* the bpf() system call */
	LG_BUILTIN_MODULE = 3,      /* loading a kernel module or a kexec image */
	LG_BUILTIN_PTRACE = 4,      /* tracing a task under another policy or none */
	LG_BUILTIN_BPFFS = 5,       /* removing, renaming or making names in bpffs, unmounting it */
	LG_BUILTIN_SELF = 6,        /* anyone but lsmguard changing lsmguard's maps or pins */
	LG_BUILTIN_SIGNAL = 7,      /* a confined task signalling lsmguard, or SIGIO to it */
	LG_BUILTIN_CGROUP_FILE = 8, /* writing a control file of a cgroup (the own policy's: without
				     * [system] cgroups = delegate) */
	/* writing a kernel setting that runs a program, loads code or weakens a protection, or
	 * opening kernel memory (/proc/kcore, /dev/mem) */
	LG_BUILTIN_KNOB = 9,
	LG_BUILTIN_PERF = 10,       /* perf events on tasks outside the own policy, or CPU-wide */
	LG_BUILTIN_DEVICES = 11,    /* creating a device node without [system] devices = allow */
	LG_BUILTIN_RULES_BENEATH = 12, /* renaming a directory that holds a rule's path */
	LG_BUILTIN_USERNS = 13,     /* creating a user namespace without [system] userns = allow */
	LG_BUILTIN_MOUNT = 14,      /* mounting, unmounting, pivoting without [system] mount = */
	/* writing, renaming, removing or mounting over lsmguard's policy directory, executable,
	 * state or unit (LG_PATH_CLASS_PROTECTED), or a directory above one */
	LG_BUILTIN_PROTECTED = 15,
	LG_BUILTIN_RECEIVE = 16,    /* receiving a namespace or a BPF object's descriptor */
	LG_BUILTIN_LINK_FULL = 17,  /* a hard link whose original name cannot be recorded */
	LG_BUILTIN_OTHERS_BENEATH = 18, /* renaming a directory that holds another policy's deny */
	/* connecting or sending to the service manager's sockets (systemd's private socket, the
	 * D-Bus system bus without [system] system-bus = allow) */
	LG_BUILTIN_SERVICE_MANAGER = 19,
	LG_BUILTIN_TUNE = 20,       /* changing lsmguard's priority, scheduling, limits or OOM score */
	/* writing, renaming, removing or mounting over host code (LG_PROTECTED_HOST) without
	 * [system] host-code = allow */
	LG_BUILTIN_HOST_CODE = 21,
	/* writing a sysctl, procfs's own files, a sysfs or configfs attribute, or the host's name,
	 * without [system] kernel-settings = allow */
	LG_BUILTIN_KERNEL_SETTING = 22,
	/* typing into a terminal or console: TIOCSTI, TIOCLINUX, TIOCSETD, keymaps, input devices */
	LG_BUILTIN_TERMINAL = 23,
	/* sending SCM_CREDENTIALS that name another process, user or group than the sender's
	 * own (what CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID let the kernel accept) */
	LG_BUILTIN_CREDENTIALS = 24,
	/* raw hardware and kernel memory by any name: every reason the kernel's lockdown names
	 * (I/O ports, PCI BARs and configuration, MSRs, /dev/mem, ACPI tables, kprobes...) */
	LG_BUILTIN_LOCKDOWN = 25,
	LG_BUILTIN_CLOCK = 26,      /* setting the clock without [system] clock = allow */
	/* a disk past its files without [system] raw-disks = allow: block devices, SCSI generic,
	 * SG_IO and NVMe passthrough, device-mapper's control, configfs targets */
	LG_BUILTIN_RAW_DISK = 27,
	LG_BUILTIN_KERNEL_LOG = 28, /* clearing, consuming, silencing or writing the kernel log */
	/* what stops or watches the whole host: reboot, process accounting, freezing or shutting
	 * down a filesystem, fanotify permission events and whole-filesystem marks */
	LG_BUILTIN_HOST_CONTROL = 29,
	/* processes outside the policy (another's, or none): signalled (unless [system]
	 * signal-others = allow), tuned, limited, their /proc files written */
	LG_BUILTIN_OTHER_POLICY = 30,
	/* a notify datagram naming another process as the unit's main process (MAINPID=) */
	LG_BUILTIN_MAIN_PID = 31,
	/* a source route (IPv4 options, an IPv6 routing header) under a policy that decides
	 * destinations: the packet would leave for a first hop other than the address decided */
	LG_BUILTIN_SOURCE_ROUTE = 32,
	/* a System V IPC object or a key made by another policy's task or one under none, without
	 * [system] ipc-others = allow */
	LG_BUILTIN_OTHERS_OBJECTS = 33,
	/* the last of a host-wide kernel budget that the kernel gives to whoever asks first: ptys
	 * (kernel.pty.max less kernel.pty.reserve, what a container's devpts gets), AIO events (a
	 * quarter of fs.aio-max-nr), System V objects and POSIX message queues (a quarter of
	 * the IPC namespace's kernel.shmmni, msgmni, semmni, fs.mqueue.queues_max), kept for
	 * processes outside every policy (logins) */
	LG_BUILTIN_HOST_BUDGET = 34,
	/* PID 1 signalling the daemon before `lsmguard stop` (run --stop-guard): the service
	 * manager stopping another unit whose PIDFile= names lsmguard */
	LG_BUILTIN_STOP_GUARD = 35,
	/* sending on a NETLINK_KOBJECT_UEVENT socket: a forged udev message makes systemd start the
	 * units it wants (SYSTEMD_WANTS=), poweroff.target included */
	LG_BUILTIN_UEVENT = 36,
	/* a journal entry attributed to another process or unit: OBJECT_* or COREDUMP* fields or
	 * an entry lsmguard cannot read, from a root sender; a stdout stream of a confined task's
	 * own (its header names a unit) */
	LG_BUILTIN_JOURNAL = 37,
	/* an overlayfs made by a confined task without [system] mount = allow: its upper layer's
	 * names are removed, renamed and made by overlayfs itself, below every path hook */
	LG_BUILTIN_OVERLAY = 38,
	/* a mount attached at a name another mount covers (reached through a descriptor, a working
	 * directory or a handle from before that mount): the kernel attaches it on top of the
	 * topmost mount there, which the hook does not see */
	LG_BUILTIN_COVERED = 39,
	LG_BUILTIN_COUNT = 40,
};

/*
 * The built-ins that protect lsmguard, other policies or the host: enforced for every confined
 * task whatever its policy's mode, and counted and reported as denied (event "deny") under an
 * audit-mode policy too. A built-in not listed here confines the policy's own service and
 * follows the mode like a rule: creating device nodes, renaming a directory with rules
 * beneath it, creating user namespaces, mount operations, writing kernel settings and setting
 * the clock.
 */
#define LG_BUILTIN_PROTECTIONS                                                                    \
	((1ULL << LG_BUILTIN_CGROUP_MOVE) | (1ULL << LG_BUILTIN_BPF) | (1ULL << LG_BUILTIN_MODULE) |    \
	 (1ULL << LG_BUILTIN_PTRACE) | (1ULL << LG_BUILTIN_BPFFS) | (1ULL << LG_BUILTIN_SELF) |       \
	 (1ULL << LG_BUILTIN_SIGNAL) | (1ULL << LG_BUILTIN_CGROUP_FILE) | (1ULL << LG_BUILTIN_KNOB) |    \
	 (1ULL << LG_BUILTIN_PERF) | (1ULL << LG_BUILTIN_PROTECTED) | (1ULL << LG_BUILTIN_RECEIVE) |   \
	 (1ULL << LG_BUILTIN_OTHERS_BENEATH) | (1ULL << LG_BUILTIN_SERVICE_MANAGER) |    \
	 (1ULL << LG_BUILTIN_TUNE) | (1ULL << LG_BUILTIN_HOST_CODE) | (1ULL << LG_BUILTIN_TERMINAL) |   \
	 (1ULL << LG_BUILTIN_CREDENTIALS) |                                           \
	 (1ULL << LG_BUILTIN_LOCKDOWN) | (1ULL << LG_BUILTIN_RAW_DISK) | (1ULL << LG_BUILTIN_KERNEL_LOG) | \
	 (1ULL << LG_BUILTIN_HOST_CONTROL) | (1ULL << LG_BUILTIN_OTHER_POLICY) |                      \
	 (1ULL << LG_BUILTIN_MAIN_PID) | (1ULL << LG_BUILTIN_OTHERS_OBJECTS) |   \
	 (1ULL << LG_BUILTIN_HOST_BUDGET) | (1ULL << LG_BUILTIN_STOP_GUARD) |                        \
	 (1ULL << LG_BUILTIN_UEVENT) | (1ULL << LG_BUILTIN_JOURNAL) | (1ULL << LG_BUILTIN_OVERLAY) | \
	 (1ULL << LG_BUILTIN_COVERED))
#define LG_BUILTIN_IS_PROTECTION(builtin)                                                         \
	((builtin) < 64 && ((LG_BUILTIN_PROTECTIONS >> (builtin)) & 1ULL))

#define LG_EVENT_DENIED 0x01    /* the verdict was deny (enforced unless LG_EVENT_AUDIT) */
#define LG_EVENT_AUDIT 0x02     /* policy in audit mode: logged, not enforced */
#define LG_EVENT_TRUNCATED 0x04 /* object path longer than the event carries */
#define LG_EVENT_WALK_LIMIT 0x08 /* path deeper than LG_PATH_DEPTH_MAX: decided fail-closed */
#define LG_EVENT_HARDLINK 0x10   /* decided by the original name of a hard-linked file */
#define LG_EVENT_BUILTIN 0x20    /* decided by a built-in protection, not by a rule (rule 0) */
/* The object's name is not connected to its filesystem's root (a file opened by handle whose
 * dentry was not cached): its path is unknown, decided fail-closed (rule 0). */
#define LG_EVENT_DISCONNECTED 0x40
/* Both: the walk had no scratch to run in (the task's storage and every spare taken, by tasks
 * preempted inside a storage helper): decided fail-closed (rule 0), neither bound nor name at
 * fault. Every bit of the byte is taken; the two never come together otherwise. */
#define LG_EVENT_NO_SCRATCH (LG_EVENT_WALK_LIMIT | LG_EVENT_DISCONNECTED)
/* A report, not a verdict: the operation went ahead (LG_EVENT_DENIED is clear). So far only a
 * hard link made while the link records are full (LG_BUILTIN_LINK_FULL). */
#define LG_EVENT_NOTICE 0x80
/* lg_event.object_kind: 0, the hook says; ABSTRACT: path[0] is the length of an abstract unix
 * socket name, its bytes follow (NULs included). */
#define LG_EVENT_OBJECT_ABSTRACT 1
/* LISTEN: object.net is a local address to bind (hook sctp_bind_connect's bindx) */
#define LG_EVENT_OBJECT_LISTEN 2

struct lg_event {
	__u16 version; /* LG_ABI_VERSION */
	__u8 hook;     /* enum lg_hook */
	__u8 decision; /* enum lg_decision */
	__u8 flags;    /* LG_EVENT_* */
	__u8 builtin;  /* enum lg_builtin, with LG_EVENT_BUILTIN */
	__u8 object_kind; /* LG_EVENT_OBJECT_*: how object is to be read, where the hook does not say */
	__u8 pad0;
	__u64 time_ns; /* CLOCK_BOOTTIME */
	__u64 cgroup_id;
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 policy;
	__u32 rule;
	__u8 comm[16];
	__u32 suppressed; /* identical events held back by the rate limit before this one */
	union {
		__u8 path[LG_EVENT_PATH_MAX];
		struct {
			__u8 family;
			__u8 protocol; /* LG_NET_TCP, LG_NET_UDP or LG_NET_OTHER */
			__u16 port;    /* host byte order */
			__u8 addr[16];
			__u8 ip_protocol; /* the socket's IPPROTO_* (MPTCP counted as TCP) */
		} net;
		struct {
			__u16 family;   /* AF_* */
			__u16 type;     /* SOCK_* without the flags */
			__u32 protocol; /* as socket() was given it */
		} socket;      /* hook LG_HOOK_SOCKET_CREATE */
		/* LG_HOOK_CAPABLE without LG_EVENT_BUILTIN: a [capabilities] verdict */
		struct {
			__u32 number; /* CAP_* */
			__u32 ns_level; /* the user namespace's level (0: the initial one) */
		} capability;
	} object;
};
_Static_assert(sizeof(struct lg_event) == 320, "lg_event layout");

/*
 * A cgroup's slot among the kernel side's remembered answers (lg_cgroup_answers): a Fibonacci
 * hash of its id, so that ids made in steps (kernfs numbers a cgroup's files from the same
 * counter) spread over every slot. Two cgroups sharing a slot cost a search, never a wrong
 * answer (the entry holds the whole id).
 */
static inline __u32 lg_cgroup_answer_slot(__u64 cgroup_id)
{
	return (__u32)((cgroup_id * 0x9e3779b97f4a7c15ULL) >> 52) & (LG_CGROUP_ANSWERS - 1);
}

/* One remembered answer (bpf_lsm/common.bpf.h says how it is written and read). */
struct lg_cgroup_answer {
	__u64 seq;        /* even: stable; odd: being written */
	__u64 cgroup_id;
	__u32 tag;        /* the generation plus LG_EPOCH_BINDINGS; 0: empty (generations start at 1) */
	__u32 policy;     /* 0: under no policy */
};
_Static_assert(sizeof(struct lg_cgroup_answer) == 24, "lg_cgroup_answer layout");

/*
 * Reading and writing one (the kernel side's only users; here so that the unit tests run the
 * same code on threads, with LG_ANSWER_WRITE_PAUSE() and LG_ANSWER_READ_PAUSE() defined to stop
 * a writer or a reader halfway, as preemption can).
 */
#ifndef LG_ANSWER_WRITE_PAUSE
#define LG_ANSWER_WRITE_PAUSE()
#endif
#ifndef LG_ANSWER_READ_PAUSE
#define LG_ANSWER_READ_PAUSE()
#endif
#define lg_compiler_barrier() asm volatile("" ::: "memory")

/* The remembered answer for cgroup_id under tag: 1 with *policy when there is one, else 0. */
static inline __attribute__((always_inline)) int
lg_cgroup_answer_get(struct lg_cgroup_answer *entry, __u64 cgroup_id, __u32 tag, __u32 *policy)
{
	__u64 seq = *(volatile __u64 *)&entry->seq, id;
	__u32 gen, value;

	if (seq & 1)
		return 0;
	lg_compiler_barrier();
	LG_ANSWER_READ_PAUSE();
	id = *(volatile __u64 *)&entry->cgroup_id;
	LG_ANSWER_READ_PAUSE();
	gen = *(volatile __u32 *)&entry->tag;
	value = *(volatile __u32 *)&entry->policy;
	lg_compiler_barrier();
	if (*(volatile __u64 *)&entry->seq != seq || id != cgroup_id || gen != tag)
		return 0;
	*policy = value;
	return 1;
}

/* Remember an answer, unless another writer holds the entry. */
static inline __attribute__((always_inline)) void
lg_cgroup_answer_put(struct lg_cgroup_answer *entry, __u64 cgroup_id, __u32 tag, __u32 policy)
{
	__u64 seq = *(volatile __u64 *)&entry->seq;

	if ((seq & 1) || __sync_val_compare_and_swap(&entry->seq, seq, seq + 1) != seq)
		return;
	lg_compiler_barrier();
	*(volatile __u64 *)&entry->cgroup_id = cgroup_id;
	LG_ANSWER_WRITE_PAUSE();
	*(volatile __u32 *)&entry->tag = tag;
	*(volatile __u32 *)&entry->policy = policy;
	lg_compiler_barrier();
	*(volatile __u64 *)&entry->seq = seq + 2;
}

/*
 * A CPU's file allowance (bpf_lsm/files.bpf.c, lg_file_budget): one word, the files the CPU lets
 * pass without reading the host's counters in its low half, the times it was refilled in its
 * high half. It changes only by a compare-and-swap over a word the program read, so that a
 * program preempted between its read and its write (preempt=full) stores nothing over what
 * another program did meanwhile. Here so that the unit tests run the same code, with the
 * interleavings a preemption makes.
 */
#define LG_ALLOWANCE_COUNT_MASK 0xffffffffULL

/* Take one file from the word, as the program read it (seen): 1 when taken. */
static inline __attribute__((always_inline)) int lg_allowance_take(__u64 *word, __u64 seen)
{
	return (seen & LG_ALLOWANCE_COUNT_MASK) &&
	       __sync_val_compare_and_swap(word, seen, seen - 1) == seen;
}

/* Store count files (at most the low half's) over the empty word the program read before the
 * host's counters (seen): 1 when stored, 0 when a refill or a take came between. */
static inline __attribute__((always_inline)) int lg_allowance_refill(__u64 *word, __u64 seen,
								     __u64 count)
{
	__u64 next = ((seen & ~LG_ALLOWANCE_COUNT_MASK) + LG_ALLOWANCE_COUNT_MASK + 1) |
		     (count & LG_ALLOWANCE_COUNT_MASK);

	if (!count || (seen & LG_ALLOWANCE_COUNT_MASK))
		return 0;
	return __sync_val_compare_and_swap(word, seen, next) == seen;
}

/*
 * The path hash, keyed by a random seed drawn at each load so that a confined process, which
 * chooses file names, cannot aim a name at a rule's key.
 *
 * A path is hashed one component at a time: the component's length, then its bytes as
 * little-endian 64-bit words, the last one zero-padded. Words keep the kernel's loop short
 * enough for the verifier (32 words for a 255-byte name); the xorshift after each multiply
 * folds high bits down, so that a difference in a word's top bit cannot be cancelled by the next
 * word whatever the seed (which plain xor-multiply allows). The root "/" is the initial state.
 */
#define LG_HASH_BASIS 0xcbf29ce484222325ULL
#define LG_HASH_PRIME 0x100000001b3ULL

static inline __u64 lg_hash_mix(__u64 h, __u64 word)
{
	h = (h ^ word) * LG_HASH_PRIME;
	return h ^ (h >> 29);
}

static inline __u64 lg_hash_init(__u64 seed)
{
	return lg_hash_mix(LG_HASH_BASIS, seed);
}

/* Start of a component of len bytes; its words follow through lg_hash_mix. */
static inline __u64 lg_hash_component_start(__u64 h, __u32 len)
{
	return lg_hash_mix(h, 0x2fULL | ((__u64)len << 8));
}

/* Byte-wise hash for cgroup paths (hashed whole, in a tracepoint off the hot path). */
static inline __u64 lg_hash_byte(__u64 h, __u8 byte)
{
	return (h ^ byte) * LG_HASH_PRIME;
}

/* An abstract name's key after its first len bytes were hashed (lg_hash_byte from
 * lg_hash_init(seed)) into h: the length closes it, so that "ab" and "ab\0" differ. */
static inline __u64 lg_abstract_hash(__u64 h, __u32 len)
{
	return lg_hash_mix(h, 0x40ULL | ((__u64)len << 8));
}

#endif /* LSMGUARD_ABI_H */
