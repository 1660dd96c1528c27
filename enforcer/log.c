// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "output.h"

bool log_verbose;

/*
 * `lsmguard run` writes its messages without blocking (log_set_nonblocking): through stdout's
 * output when stderr is the same stream (systemd gives a unit one journal stream for both), else
 * through one of stderr's own. NULL: stderr as it is (every other command).
 */
static struct lg_output *log_out;
static struct lg_output log_own;
static const struct lg_lost_key log_key; /* counted as lsmguard's own lines */

void log_set_nonblocking(struct lg_output *out, bool out_is_syslog)
{
	struct stat o, e;

	if (log_out == &log_own)
		lg_output_close(&log_own);
	log_out = NULL;
	if (!out)
		return;
	if (!out_is_syslog && fstat(STDOUT_FILENO, &o) == 0 && fstat(STDERR_FILENO, &e) == 0 &&
	    o.st_dev == e.st_dev && o.st_ino == e.st_ino && !S_ISREG(o.st_mode))
		log_out = out;
	else if (lg_output_open_fd(&log_own, STDERR_FILENO) == 0)
		log_out = &log_own;
}

static void format_boottime(char *text, size_t size, __u64 ns)
{
	snprintf(text, size, "%llu.%03llu s", (unsigned long long)(ns / 1000000000ULL),
		 (unsigned long long)(ns % 1000000000ULL) / 1000000ULL);
}

void log_flush(void)
{
	const struct lg_output_loss *loss;
	char line[256], from[32], to[32];
	int len;

	/* stdout's output reports its own losses as "lost" events (cmd_run.c). */
	if (log_out != &log_own || !(loss = lg_output_loss_pending(&log_own)))
		return;
	format_boottime(from, sizeof(from), loss->first_ns);
	format_boottime(to, sizeof(to), loss->last_ns);
	len = snprintf(line, sizeof(line),
		       "lsmguard: %llu messages were not written: stderr took none from %s to %s "
		       "after boot\n",
		       (unsigned long long)loss->count, from, to);
	if (len > 0 && lg_output_put(&log_own, line, (size_t)len, LOG_WARNING, NULL, 0))
		lg_output_loss_done(&log_own);
}

static void vlog(const char *fmt, va_list ap, int errnum)
{
	char msg[2048], line[2400];
	int len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum)
		len = snprintf(line, sizeof(line), "lsmguard: %s: %s\n", msg, strerror(errnum));
	else
		len = snprintf(line, sizeof(line), "lsmguard: %s\n", msg);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line))
		len = sizeof(line) - 1;
	if (!log_out) {
		fputs(line, stderr);
		return;
	}
	log_flush();
	lg_output_put(log_out, line, (size_t)len, LOG_WARNING, &log_key, 0);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, saved);
	va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, saved);
	va_end(ap);
	if (log_out)
		lg_output_flush(log_out); /* as far as the reader takes it, not waiting */
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	if (log_out)
		lg_output_flush(log_out);
	exit(1);
}

void log_plain(const char *fmt, ...)
{
	char line[4200];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line) - 1)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	line[len] = '\0';
	if (!log_out) {
		fputs(line, stderr);
		return;
	}
	log_flush();
	lg_output_put(log_out, line, (size_t)len, LOG_WARNING, &log_key, 0);
}
