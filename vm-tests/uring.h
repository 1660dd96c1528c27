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

#endif
