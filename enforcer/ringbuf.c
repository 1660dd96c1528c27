// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event ring buffer without epoll (ringbuf.h says why).
 *
 * The kernel's layout of a BPF_MAP_TYPE_RINGBUF mapping (kernel/bpf/ringbuf.c): page 0 holds
 * the consumer position and is the only page user space may map writable; from page 1 on, the
 * producer position's page, then the data area mapped twice in a row, so that a record that
 * wraps around the end reads as one piece. Each record starts with an 8-byte header: its length
 * with two flag bits (busy: still being written; discard: skip it) and the page offset the
 * kernel uses. Positions only grow; a position's offset in the data is position & mask.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ringbuf.h"

static unsigned long load_acquire(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* The room a record takes: header and body, rounded up to 8 bytes. */
static size_t record_room(__u32 len)
{
	len &= ~BPF_RINGBUF_DISCARD_BIT;
	return ((size_t)len + BPF_RINGBUF_HDR_SZ + 7) & ~(size_t)7;
}

int lg_ringbuf_open(struct lg_ringbuf *rb, int map_fd)
{
	struct bpf_map_info info;
	__u32 info_len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int ret;

	memset(rb, 0, sizeof(*rb));
	rb->fd = -1;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &info_len))
		return -errno;
	/* max_entries is the data area's size, a power of two pages. */
	if (info.type != BPF_MAP_TYPE_RINGBUF || page <= 0 || info.max_entries < (__u32)page ||
	    (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	rb->page = (size_t)page;
	rb->mask = info.max_entries - 1;
	p = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	rb->consumer = p;
	rb->mapped = rb->page + 2 * (size_t)info.max_entries;
	p = mmap(NULL, rb->mapped, PROT_READ, MAP_SHARED, map_fd, (off_t)rb->page);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto err_consumer;
	}
	rb->producer = p;
	rb->data = (const unsigned char *)p + rb->page;
	rb->fd = map_fd;
	return 0;

err_consumer:
	munmap(rb->consumer, rb->page);
	rb->consumer = NULL;
	return ret;
}

int lg_ringbuf_consume(struct lg_ringbuf *rb, unsigned max, lg_ringbuf_fn fn, void *ctx)
{
	unsigned long cons, prod;
	int handed = 0;

	if (!rb->consumer)
		return -EBADF;
	cons = load_acquire(rb->consumer);
	/* Once more after the last record: the kernel may have committed others meanwhile. */
	while ((prod = load_acquire(rb->producer)) > cons) {
		while (cons < prod) {
			const __u32 *hdr = (const __u32 *)(rb->data + (cons & rb->mask));
			__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t room;
			int ret = 0;

			if (len & BPF_RINGBUF_BUSY_BIT)
				return handed; /* reserved, not committed yet: order is kept */
			room = record_room(len);
			if (room > rb->mask + 1 || prod - cons < room) {
				/* Not the kernel's: everything up to the producer is dropped, or
				 * every poll() would wake the reader for the same record. */
				__atomic_store_n(rb->consumer, prod, __ATOMIC_RELEASE);
				return -EBADMSG;
			}
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				ret = fn(ctx, hdr + 2, len);
				handed++;
			}
			cons += room;
			__atomic_store_n(rb->consumer, cons, __ATOMIC_RELEASE);
			if (ret < 0)
				return ret;
			if (max && (unsigned)handed >= max)
				return handed;
		}
	}
	return handed;
}

void lg_ringbuf_close(struct lg_ringbuf *rb)
{
	if (rb->producer)
		munmap((void *)rb->producer, rb->mapped);
	if (rb->consumer)
		munmap(rb->consumer, rb->page);
	memset(rb, 0, sizeof(*rb));
	rb->fd = -1;
}
