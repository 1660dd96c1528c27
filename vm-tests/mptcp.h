/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MPTCP helpers of the attack runs' cases (attack8.c, attack9.c, attack11.c): the path
 * managers' generic netlink family (mptcp_pm), a server, and the connections that reached the
 * denied 127.0.0.2:7400 (the address the in-kernel path manager announces here).
 */
#ifndef LSMGUARD_VM_MPTCP_H
#define LSMGUARD_VM_MPTCP_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define VM_MPTCP_PORT 7400 /* 0x1CE8 */

struct vm_mptcp_nlmsg {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[512];
};

/* One attribute at at (len bytes of data); the aligned size it takes. */
size_t vm_mptcp_put_attr(char *at, unsigned short type, const void *data, size_t len);
/* Send m (its attributes len bytes long) on a socket of vm_mptcp_genl_socket and read the ack:
 * 0 or the errno it carries. */
int vm_mptcp_genl_call(int fd, struct vm_mptcp_nlmsg *m, size_t len);
/* A generic netlink socket connected to the kernel, and mptcp_pm's family id in *family (0:
 * none); -1 when no socket. */
int vm_mptcp_genl_socket(unsigned short *family);
/* The in-kernel path manager: accept 2 announced addresses and 2 subflows, and announce
 * 127.0.0.2 (signal). flush: remove the endpoints instead. 0, or an errno (ENOENT: no mptcp_pm
 * family). */
int vm_mptcp_pm_announce(bool flush);
/* Established TCP connections (both ends' lines) whose local or remote end is 127.0.0.2:7400. */
int vm_mptcp_conns_to_denied(void);
/* Until the previous client's connections to 127.0.0.2:7400 are gone (2 s at most). */
void vm_mptcp_settle(void);
/* An MPTCP server at addr (NULL: 0.0.0.0) and port that reads and drops what each client
 * sends, in a child process: its pid, or -1. */
pid_t vm_mptcp_server(const char *addr, int port);
/* Connect the MPTCP socket fd to 127.0.0.1:7400 and write: the connections to 127.0.0.2:7400
 * that exist once it has written (4 s at most), times 100, plus the subflows MPTCP_INFO counts;
 * or 2000 + the connect's errno, 3000 + a write's. Closes fd. */
int vm_mptcp_use(int fd);

#endif /* LSMGUARD_VM_MPTCP_H */
