/* SPDX-License-Identifier: GPL-2.0-only */
/* A minimal io_uring through raw system calls (no liburing in the test VM): one request. */
#ifndef LSMGUARD_URING_H
#define LSMGUARD_URING_H

struct sockaddr;
struct msghdr;

/* Each returns the request's result: >= 0, or -errno. -1000 - errno when the ring fails. */
int uring_openat(const char *path, int flags);
int uring_connect(int fd, const struct sockaddr *addr, unsigned len);
int uring_sendmsg(int fd, const struct msghdr *msg);
/* IORING_OP_SEND_ZC with a destination (addr2, addr_len) and IORING_OP_SENDMSG_ZC (6.1): the
 * first completion's result. */
int uring_send_zc(int fd, const void *buf, unsigned len, const struct sockaddr *addr,
		  unsigned addrlen);
int uring_sendmsg_zc(int fd, const struct msghdr *msg);
/* IORING_OP_BIND, IORING_OP_LISTEN (6.11; 6.1 refuses them with -EINVAL). */
int uring_bind(int fd, const struct sockaddr *addr, unsigned len);
int uring_listen(int fd, int backlog);
/* IORING_OP_MKDIRAT, IORING_OP_SYMLINKAT, IORING_OP_RENAMEAT, IORING_OP_UNLINKAT (flags:
 * AT_REMOVEDIR for a directory; all in 6.1). */
int uring_unlinkat(int dirfd, const char *path, int flags);
int uring_mkdirat(int dirfd, const char *path, unsigned mode);
int uring_symlinkat(const char *target, int dirfd, const char *path);
int uring_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		   unsigned flags);

/* IORING_OP_SOCKET (6.0): a socket's descriptor, or -errno. */
int uring_socket(int family, int type, int protocol);

/* IORING_OP_URING_CMD: cmd_op with the len bytes at cmd (at most 80), on a 128-byte entry. */
int uring_cmd(int fd, unsigned cmd_op, const void *cmd, size_t len);

#endif
