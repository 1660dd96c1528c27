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
/* A raw line to stderr, without the "lsmguard: " prefix (compiler diagnostics). */
void log_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
