/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event ring buffer, read through a mapping of its own and polled on the map's descriptor.
 *
 * libbpf's ring_buffer__new() puts the map in an epoll instance, which spends one of uid 0's
 * epoll watches (fs.epoll.max_user_watches is counted per user, shared by every root process):
 * a confined root holding every watch kept a restarted lsmguard from starting ("cannot open
 * the event ring buffer: No space left on device", attack run 6, case 261). A ring buffer map's
 * descriptor answers poll() itself (POLLIN while a record waits), so the daemon needs no watch:
 * it reads this way when libbpf's reader cannot get one (cmd_run.c says why not always).
 */
#ifndef LSMGUARD_RINGBUF_H
#define LSMGUARD_RINGBUF_H

#include <stddef.h>

struct lg_ringbuf {
	int fd;				/* the map's descriptor: poll() it for POLLIN */
	unsigned long *consumer;	/* the consumer position, the one page we may write */
	const unsigned long *producer;	/* the producer position, then the data mapped twice */
	const unsigned char *data;
	size_t mask;			/* data size - 1 (a power of two) */
	size_t mapped;			/* bytes mapped at producer */
	size_t page;
};

/* A record's body; a negative return stops the reading there (the record counts as read). */
typedef int (*lg_ringbuf_fn)(void *ctx, const void *data, size_t size);

/* Map the ring buffer map_fd (not taken over: the caller keeps closing it); 0 or -errno. */
int lg_ringbuf_open(struct lg_ringbuf *rb, int map_fd);
/*
 * Hand at most max records (0: no limit) to fn in order, each given back to the kernel once
 * read; the number handed, or -errno (-EBADMSG: a record that cannot be the kernel's, and what
 * the buffer held from it on is dropped).
 */
int lg_ringbuf_consume(struct lg_ringbuf *rb, unsigned max, lg_ringbuf_fn fn, void *ctx);
void lg_ringbuf_close(struct lg_ringbuf *rb);

#endif
