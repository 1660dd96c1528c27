// SPDX-License-Identifier: GPL-2.0-only
/* Non-blocking line output with loss counting (see output.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

#define SYSLOG_PATH "/dev/log"
#define LOG_DAEMON_FACILITY (3 << 3)

__u64 lg_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static int output_init(struct lg_output *o, enum lg_output_kind kind, int fd, bool owns_fd)
{
	*o = (struct lg_output){.kind = kind, .fd = fd, .owns_fd = owns_fd};
	o->loss = calloc(LG_OUTPUT_LOSS_KEYS, sizeof(*o->loss));
	if (kind != LG_OUTPUT_SYSLOG)
		o->queue = malloc(LG_OUTPUT_QUEUE_MAX);
	if (!o->loss || (kind != LG_OUTPUT_SYSLOG && !o->queue)) {
		lg_output_close(o);
		return -ENOMEM;
	}
	return 0;
}

int lg_output_open_fd(struct lg_output *o, int fd)
{
	char proc[64];
	struct stat st;
	int own;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISSOCK(st.st_mode))
		return output_init(o, LG_OUTPUT_SEND, fd, false);
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return output_init(o, LG_OUTPUT_WRITE, fd, false);
	/*
	 * A pipe, fifo or terminal: O_NONBLOCK on the descriptor itself would change the file
	 * description it shares (a shell's terminal would be left non-blocking), so open a
	 * description of our own. Without /proc, the shared one is made non-blocking.
	 */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	own = open(proc, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (own >= 0)
		return output_init(o, LG_OUTPUT_WRITE, own, true);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		return -errno;
	return output_init(o, LG_OUTPUT_WRITE, fd, false);
}

int lg_output_open_path(struct lg_output *o, const char *path)
{
	int fd =
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
	int ret;

	if (fd < 0)
		return -errno;
	ret = output_init(o, LG_OUTPUT_WRITE, fd, true);
	if (ret)
		close(fd);
	return ret;
}

static int syslog_connect(struct lg_output *o)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = SYSLOG_PATH};

	if (o->fd < 0) {
		o->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (o->fd < 0)
			return -errno;
	}
	if (connect(o->fd, (struct sockaddr *)&addr, sizeof(addr)))
		return -errno;
	return 0;
}

int lg_output_open_syslog(struct lg_output *o)
{
	int ret = output_init(o, LG_OUTPUT_SYSLOG, -1, true);

	if (ret)
		return ret;
	/* Not there yet is not fatal: each line tries again, and is counted until it goes. */
	o->error = -syslog_connect(o);
	return 0;
}

void lg_output_close(struct lg_output *o)
{
	if (o->owns_fd && o->fd >= 0)
		close(o->fd);
	free(o->queue);
	free(o->loss);
	*o = (struct lg_output){.fd = -1};
}

/* Bytes written without waiting (0 when the reader takes none now), or -errno. */
static ssize_t write_some(struct lg_output *o, const char *buf, size_t len)
{
	ssize_t n;

	do {
		n = o->kind == LG_OUTPUT_SEND ? send(o->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)
					      : write(o->fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n >= 0) {
		o->error = 0;
		return n;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	o->error = errno;
	return -errno;
}

bool lg_output_flush(struct lg_output *o)
{
	size_t done = 0;

	if (o->kind == LG_OUTPUT_NONE || o->kind == LG_OUTPUT_SYSLOG)
		return true;
	while (done < o->queued) {
		ssize_t n = write_some(o, o->queue + done, o->queued - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	memmove(o->queue, o->queue + done, o->queued - done);
	o->queued -= done;
	return o->queued == 0;
}

void lg_output_flush_wait(struct lg_output *o, int timeout_ms)
{
	__u64 end = lg_boottime_ns() + (__u64)timeout_ms * 1000000ULL;

	while (!lg_output_flush(o) && !o->error && lg_boottime_ns() < end) {
		struct pollfd p = {.fd = o->fd, .events = POLLOUT};

		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
	}
}

int lg_output_poll_fd(const struct lg_output *o)
{
	/* A reader that is gone (EPIPE) would poll as ready for ever: not polled, retried at
	 * each turn of the loop. */
	return o->kind != LG_OUTPUT_NONE && o->kind != LG_OUTPUT_SYSLOG && o->queued && !o->error
		   ? o->fd
		   : -1;
}

static void count_loss(struct lg_output *o, const struct lg_lost_key *key, __u64 time_ns)
{
	static const struct lg_lost_key zero;
	struct lg_output_loss *loss = NULL;

	if (!key)
		return; /* the caller keeps the line and tries again */
	for (unsigned i = 0; i < o->loss_keys && !loss; i++)
		if (memcmp(&o->loss[i].key, key, sizeof(*key)) == 0)
			loss = &o->loss[i];
	if (!loss) {
		/* The zero key takes what does not fit. */
		if (o->loss_keys == LG_OUTPUT_LOSS_KEYS)
			return count_loss(o, &zero, time_ns);
		loss = &o->loss[o->loss_keys++];
		*loss = (struct lg_output_loss){.key = *key, .first_ns = time_ns};
	}
	loss->count++;
	if (!loss->first_ns || time_ns < loss->first_ns)
		loss->first_ns = time_ns;
	if (time_ns > loss->last_ns)
		loss->last_ns = time_ns;
}

static bool syslog_send(struct lg_output *o, const char *line, size_t len, int priority)
{
	char buf[8192], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	while (len && line[len - 1] == '\n')
		len--;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(buf, sizeof(buf), "<%d>%s lsmguard[%d]: %.*s", LOG_DAEMON_FACILITY | priority,
		     stamp, (int)getpid(), (int)len, line);
	if (n < 0)
		return false;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (o->fd >= 0 && send(o->fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == n)
			return true;
		if (o->fd >= 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			return false;
		/* journald (or the syslog daemon) recreated its socket, or it was not there */
		o->error = o->fd >= 0 ? errno : o->error;
		if (syslog_connect(o))
			return false;
	}
	return false;
}

bool lg_output_put(struct lg_output *o, const char *line, size_t len, int priority,
		   const struct lg_lost_key *key, __u64 time_ns)
{
	size_t done = 0;

	if (o->kind == LG_OUTPUT_NONE)
		return true;
	if (!time_ns)
		time_ns = lg_boottime_ns();
	if (o->kind == LG_OUTPUT_SYSLOG) {
		if (syslog_send(o, line, len, priority))
			return true;
		count_loss(o, key, time_ns);
		return false;
	}
	/* Behind what is queued, never ahead of it: lines stay whole and in order. */
	if (lg_output_flush(o)) {
		ssize_t n = 0;

		while (done < len && (n = write_some(o, line + done, len - done)) > 0)
			done += (size_t)n;
		if (done == len)
			return true;
		if (n < 0 && done == 0) {
			count_loss(o, key, time_ns); /* EPIPE, EIO, ENOSPC: nothing of it went */
			return false;
		}
	}
	/* When the reader took the line's start the queue was empty, and a line (a few KiB at
	 * most) fits in it: so a line is either put out whole or counted, never cut. */
	if (len - done > LG_OUTPUT_QUEUE_MAX - o->queued) {
		count_loss(o, key, time_ns);
		return false;
	}
	memcpy(o->queue + o->queued, line + done, len - done);
	o->queued += len - done;
	return true;
}

const struct lg_output_loss *lg_output_loss_pending(struct lg_output *o)
{
	if (!o->loss_keys || !lg_output_flush(o))
		return NULL;
	return &o->loss[0];
}

void lg_output_loss_done(struct lg_output *o)
{
	if (!o->loss_keys)
		return;
	memmove(&o->loss[0], &o->loss[1], (o->loss_keys - 1) * sizeof(o->loss[0]));
	o->loss_keys--;
}
