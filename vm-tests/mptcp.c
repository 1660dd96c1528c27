// SPDX-License-Identifier: GPL-2.0-only
/* MPTCP helpers of the attack runs' cases: see mptcp.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mptcp.h"

#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif

size_t vm_mptcp_put_attr(char *at, unsigned short type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)at;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(at + NLA_HDRLEN, data, len);
	return NLA_ALIGN(a->nla_len);
}

int vm_mptcp_genl_call(int fd, struct vm_mptcp_nlmsg *m, size_t len)
{
	static char reply[8192];
	ssize_t n;

	m->nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	m->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->nh.nlmsg_seq++;
	if (send(fd, m, m->nh.nlmsg_len, 0) < 0)
		return errno;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)reply;

		n = recv(fd, reply, sizeof(reply), 0);
		if (n < (ssize_t)NLMSG_HDRLEN)
			return EIO;
		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR)
				return -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
}

int vm_mptcp_genl_socket(unsigned short *family)
{
	static char reply[8192];
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct vm_mptcp_nlmsg m = {0};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ssize_t n;
	size_t len;

	*family = 0;
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&kernel, sizeof(kernel))) {
		close(fd);
		return -1;
	}
	m.nh.nlmsg_type = GENL_ID_CTRL;
	m.gh.cmd = CTRL_CMD_GETFAMILY;
	m.gh.version = 1;
	len = vm_mptcp_put_attr(m.attrs, CTRL_ATTR_FAMILY_NAME, MPTCP_PM_NAME,
				sizeof(MPTCP_PM_NAME));
	m.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	m.nh.nlmsg_flags = NLM_F_REQUEST;
	if (send(fd, &m, m.nh.nlmsg_len, 0) < 0) {
		close(fd);
		return -1;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)reply;

		if (NLMSG_OK(h, n) && h->nlmsg_type != NLMSG_ERROR) {
			char *at = (char *)NLMSG_DATA(h) + GENL_HDRLEN;
			char *end = (char *)h + h->nlmsg_len;

			while (at + NLA_HDRLEN <= end) {
				struct nlattr *a = (struct nlattr *)at;

				if (a->nla_len < NLA_HDRLEN)
					break;
				if (a->nla_type == CTRL_ATTR_FAMILY_ID)
					memcpy(family, at + NLA_HDRLEN, 2);
				at += NLA_ALIGN(a->nla_len);
			}
		}
	}
	return fd;
}

int vm_mptcp_pm_announce(bool flush)
{
	struct vm_mptcp_nlmsg m = {0};
	unsigned short family;
	int fd = vm_mptcp_genl_socket(&family), ret;
	size_t len;

	if (fd < 0)
		return EIO;
	if (!family) {
		close(fd);
		return ENOENT;
	}
	m.nh.nlmsg_type = family;
	m.gh.version = MPTCP_PM_VER;
	if (flush) {
		m.gh.cmd = MPTCP_PM_CMD_FLUSH_ADDRS;
		ret = vm_mptcp_genl_call(fd, &m, 0);
	} else {
		__u32 two = 2, flags = MPTCP_PM_ADDR_FLAG_SIGNAL;
		__u16 inet = AF_INET;
		__u8 id = 1;
		struct in_addr addr;
		char nested[64];
		size_t nl = 0;

		m.gh.cmd = MPTCP_PM_CMD_SET_LIMITS;
		len = vm_mptcp_put_attr(m.attrs, MPTCP_PM_ATTR_RCV_ADD_ADDRS, &two, 4);
		len += vm_mptcp_put_attr(m.attrs + len, MPTCP_PM_ATTR_SUBFLOWS, &two, 4);
		ret = vm_mptcp_genl_call(fd, &m, len);
		if (!ret) {
			inet_pton(AF_INET, "127.0.0.2", &addr);
			nl += vm_mptcp_put_attr(nested + nl, MPTCP_PM_ADDR_ATTR_FAMILY, &inet, 2);
			nl += vm_mptcp_put_attr(nested + nl, MPTCP_PM_ADDR_ATTR_ID, &id, 1);
			nl += vm_mptcp_put_attr(nested + nl, MPTCP_PM_ADDR_ATTR_ADDR4, &addr, 4);
			nl += vm_mptcp_put_attr(nested + nl, MPTCP_PM_ADDR_ATTR_FLAGS, &flags, 4);
			m.gh.cmd = MPTCP_PM_CMD_ADD_ADDR;
			len = vm_mptcp_put_attr(m.attrs, MPTCP_PM_ATTR_ADDR | NLA_F_NESTED, nested,
						nl);
			ret = vm_mptcp_genl_call(fd, &m, len);
		}
	}
	close(fd);
	return ret;
}

int vm_mptcp_conns_to_denied(void)
{
	char line[512];
	int count = 0;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int st;
		char local[64], remote[64];

		if (sscanf(line, " %*d: %63s %63s %x", local, remote, &st) != 3 || st != 1)
			continue;
		if (!strcmp(remote, "0200007F:1CE8") || !strcmp(local, "0200007F:1CE8"))
			count++;
	}
	fclose(f);
	return count;
}

void vm_mptcp_settle(void)
{
	for (int i = 0; i < 20 && vm_mptcp_conns_to_denied() > 0; i++)
		usleep(100 * 1000);
}

pid_t vm_mptcp_server(const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	pid_t pid;

	if (fd < 0)
		return -1;
	if (addr)
		inet_pton(AF_INET, addr, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				_exit(0);
			if (fork() == 0) {
				char buf[64];

				while (read(c, buf, sizeof(buf)) > 0)
					;
				_exit(0);
			}
			close(c);
		}
	}
	close(fd);
	return pid;
}

int vm_mptcp_use(int fd)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(VM_MPTCP_PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct mptcp_info info = {0};
	socklen_t len;
	int ret;

	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		ret = 2000 + errno;
		close(fd);
		return ret;
	}
	/* The announcement comes once the connection is fully established (data acked): wait
	 * for the subflow up to 4 s, writing now and then. */
	for (int i = 0; i < 40; i++) {
		if (i % 5 == 0 && write(fd, "hello", 5) != 5) {
			ret = 3000 + errno;
			close(fd);
			return ret;
		}
		len = sizeof(info);
		if (!getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) && info.mptcpi_subflows)
			break;
		usleep(100 * 1000);
	}
	usleep(200 * 1000);
	ret = vm_mptcp_conns_to_denied() * 100 + info.mptcpi_subflows;
	close(fd);
	return ret;
}
