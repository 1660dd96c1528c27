/* SPDX-License-Identifier: GPL-2.0-only */
/* The one place lsmguard talks to the user about itself: messages go to stderr. */
#ifndef LSMGUARD_LOG_H
#define LSMGUARD_LOG_H

#include <stdbool.h>

extern bool log_verbose;

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
struct lg_output;
/*
 * From here on, messages go out without blocking (`lsmguard run`): through out when stderr is
 * the same stream as stdout (out_is_syslog false), else through a non-blocking output of
 * stderr's own. NULL: back to stderr as it is.
 */
void log_set_nonblocking(struct lg_output *out, bool out_is_syslog);
/* Write what is held for stderr; once it takes lines again, say how many it did not take. */
void log_flush(void);
/* A raw line to stderr, without the "lsmguard: " prefix (compiler diagnostics). */
void log_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
