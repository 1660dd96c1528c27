// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uring.h"

/*
 * One request of sqe_size bytes (64, or 128 with IORING_SETUP_SQE128 in flags) on a ring of
 * its own; its completion's result.
 */
static int submit_sized(const void *request, size_t sqe_size, unsigned flags)
{
	struct io_uring_params p = {.flags = flags};
	size_t cqe_size = (flags & IORING_SETUP_CQE32) ? 32 : sizeof(struct io_uring_cqe);
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	size_t sq_size, cq_size;
	void *sq, *cq;
	int ring, ret;

	ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return -1000 - errno;
	sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_size = p.cq_off.cqes + p.cq_entries * cqe_size;
	sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sqe_size, PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		close(ring);
		return -1000 - ENOMEM;
	}
	sq_tail = (unsigned *)((char *)sq + p.sq_off.tail);
	sq_mask = (unsigned *)((char *)sq + p.sq_off.ring_mask);
	sq_array = (unsigned *)((char *)sq + p.sq_off.array);
	cq_head = (unsigned *)((char *)cq + p.cq_off.head);
	cq_tail = (unsigned *)((char *)cq + p.cq_off.tail);
	cq_mask = (unsigned *)((char *)cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);

	memcpy(sqes, request, sqe_size);
	sq_array[*sq_tail & *sq_mask] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	ret = (int)syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (ret < 0) {
		ret = -1000 - errno;
	} else if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		ret = -1000 - EAGAIN;
	} else {
		ret = ((struct io_uring_cqe *)((char *)cqes + (*cq_head & *cq_mask) * cqe_size))->res;
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	}
	munmap(sqes, p.sq_entries * sqe_size);
	munmap(cq, cq_size);
	munmap(sq, sq_size);
	close(ring);
	return ret;
}

static int submit_one(const struct io_uring_sqe *request)
{
	return submit_sized(request, sizeof(*request), 0);
}

int uring_cmd(int fd, unsigned cmd_op, const void *cmd, size_t len)
{
	/* A 128-byte entry: the command's 80 bytes follow the first 48. */
	union {
		struct io_uring_sqe sqe;
		unsigned char bytes[128];
	} request = {0};

	if (len > 80)
		return -1000 - EINVAL;
	request.sqe.opcode = IORING_OP_URING_CMD;
	request.sqe.fd = fd;
	request.sqe.cmd_op = cmd_op;
	memcpy(request.sqe.cmd, cmd, len);
	return submit_sized(&request, 128, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
}

int uring_openat(const char *path, int flags)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)path;
	sqe.open_flags = (unsigned)flags;
	return submit_one(&sqe);
}

int uring_connect(int fd, const struct sockaddr *addr, unsigned len)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = fd;
	sqe.addr = (unsigned long)addr;
	sqe.off = len;
	return submit_one(&sqe);
}

/* IORING_OP_BIND and IORING_OP_LISTEN came with 6.11: on 6.1 they are past IORING_OP_LAST. */
#define LG_IORING_OP_BIND 56
#define LG_IORING_OP_LISTEN 57

int uring_bind(int fd, const struct sockaddr *addr, unsigned len)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = LG_IORING_OP_BIND;
	sqe.fd = fd;
	sqe.addr = (unsigned long)addr;
	sqe.addr2 = len;
	return submit_one(&sqe);
}

int uring_listen(int fd, int backlog)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = LG_IORING_OP_LISTEN;
	sqe.fd = fd;
	sqe.len = (unsigned)backlog;
	return submit_one(&sqe);
}

int uring_sendmsg(int fd, const struct msghdr *msg)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_SENDMSG;
	sqe.fd = fd;
	sqe.addr = (unsigned long)msg;
	sqe.len = 1;
	return submit_one(&sqe);
}

int uring_send_zc(int fd, const void *buf, unsigned len, const struct sockaddr *addr,
		  unsigned addrlen)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_SEND_ZC;
	sqe.fd = fd;
	sqe.addr = (unsigned long)buf;
	sqe.len = len;
	sqe.addr2 = (unsigned long)addr;
	sqe.addr_len = (__u16)addrlen;
	return submit_one(&sqe);
}

int uring_sendmsg_zc(int fd, const struct msghdr *msg)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_SENDMSG_ZC;
	sqe.fd = fd;
	sqe.addr = (unsigned long)msg;
	sqe.len = 1;
	return submit_one(&sqe);
}

int uring_socket(int family, int type, int protocol)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_SOCKET;
	sqe.fd = family;
	sqe.off = (unsigned)type;
	sqe.len = (unsigned)protocol;
	return submit_one(&sqe);
}

int uring_mkdirat(int dirfd, const char *path, unsigned mode)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_MKDIRAT;
	sqe.fd = dirfd;
	sqe.addr = (unsigned long)path;
	sqe.len = mode;
	return submit_one(&sqe);
}

int uring_symlinkat(const char *target, int dirfd, const char *path)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_SYMLINKAT;
	sqe.fd = dirfd;
	sqe.addr = (unsigned long)target;
	sqe.addr2 = (unsigned long)path;
	return submit_one(&sqe);
}

int uring_unlinkat(int dirfd, const char *path, int flags)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_UNLINKAT;
	sqe.fd = dirfd;
	sqe.addr = (unsigned long)path;
	sqe.unlink_flags = (unsigned)flags;
	return submit_one(&sqe);
}

int uring_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		   unsigned flags)
{
	struct io_uring_sqe sqe = {0};

	sqe.opcode = IORING_OP_RENAMEAT;
	sqe.fd = olddirfd;
	sqe.addr = (unsigned long)oldpath;
	sqe.len = (unsigned)newdirfd;
	sqe.addr2 = (unsigned long)newpath;
	sqe.rename_flags = flags;
	return submit_one(&sqe);
}
