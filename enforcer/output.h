/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where `lsmguard run` puts its lines (stdout, the --log file, syslog, stderr) without ever
 * blocking: a reader that stops reading (journald stopped by SIGSTOP, a pipe nobody drains) must
 * not stall the loop that drains the ring buffer and reloads. A line that cannot be taken whole
 * is counted, per (policy, rule, built-in, hook), and the counts are handed back once the output
 * takes lines again, for one "lost" summary per key.
 */
#ifndef LSMGUARD_OUTPUT_H
#define LSMGUARD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "lsmguard_abi.h"

/* Bytes held for a stream output that is not accepting (a partial line and whole lines). */
#define LG_OUTPUT_QUEUE_MAX (64 * 1024)
/* Keys counted separately; beyond them, losses go to the zero key (lsmguard's own lines). */
#define LG_OUTPUT_LOSS_KEYS 1024

struct lg_output_loss {
	struct lg_lost_key key; /* all zero: lsmguard's own lines, and keys past the table */
	__u64 count;
	__u64 first_ns; /* CLOCK_BOOTTIME of the first line lost, and of the last */
	__u64 last_ns;
};

enum lg_output_kind {
	LG_OUTPUT_NONE,
	LG_OUTPUT_WRITE,  /* a pipe, terminal or file, through a non-blocking description */
	LG_OUTPUT_SEND,	  /* a stream socket (journald's stdout stream): send(MSG_DONTWAIT) */
	LG_OUTPUT_SYSLOG, /* datagrams to /dev/log, one a line, none queued */
};

struct lg_output {
	enum lg_output_kind kind;
	int fd;
	bool owns_fd;
	int error;   /* the last error other than EAGAIN (EPIPE: its reader is gone) */
	char *queue; /* bytes taken but not written yet (stream kinds) */
	size_t queued;
	struct lg_output_loss *loss;
	unsigned loss_keys;
};

/*
 * Put out through descriptor fd (stdout, stderr): a stream socket is written with
 * send(MSG_DONTWAIT); a pipe, fifo or terminal through a description of its own opened
 * non-blocking (the one the descriptor shares with a shell or another process keeps its flags);
 * a regular file as it is. 0 or a negative errno.
 */
int lg_output_open_fd(struct lg_output *o, int fd);
/* Append to the file at path (created 0640), non-blocking. 0 or a negative errno. */
int lg_output_open_path(struct lg_output *o, const char *path);
/* Datagrams to the syslog socket /dev/log (connected again when it was recreated). */
int lg_output_open_syslog(struct lg_output *o);
void lg_output_close(struct lg_output *o);

/*
 * Take one whole line (with its newline): written, or queued behind what is queued. When it
 * cannot be taken whole it is counted as lost under key at time_ns (CLOCK_BOOTTIME; 0: now) and
 * false is returned; with key NULL it is not counted (the caller keeps it and tries again). A
 * syslog line is sent with priority.
 */
bool lg_output_put(struct lg_output *o, const char *line, size_t len, int priority,
		   const struct lg_lost_key *key, __u64 time_ns);
/* Write what is queued as far as the reader takes it; true when nothing is left queued. */
bool lg_output_flush(struct lg_output *o);
/* At exit: write what is queued, waiting at most timeout_ms for the reader. */
void lg_output_flush_wait(struct lg_output *o, int timeout_ms);
/* The descriptor to poll for POLLOUT while something is queued, else -1. */
int lg_output_poll_fd(const struct lg_output *o);
/*
 * The oldest loss, when the output takes lines again (nothing queued) and one is counted; the
 * caller puts its summary and then drops it with lg_output_loss_done (which it must not do when
 * the summary itself was not taken).
 */
const struct lg_output_loss *lg_output_loss_pending(struct lg_output *o);
void lg_output_loss_done(struct lg_output *o);

__u64 lg_boottime_ns(void);

#endif
