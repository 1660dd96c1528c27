/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_ATOMIC_FILE_H
#define LSMGUARD_ATOMIC_FILE_H

#include <sys/types.h>

/*
 * Replace path with text, so that a reader sees the old file or the new one, whole, and a crash
 * leaves one of them: text goes to a unique temporary file in path's directory (mode, whatever
 * the umask), which is synced, renamed over path, and the directory synced. 0 or -errno; on a
 * failure before the rename, path is unchanged and the temporary file is gone.
 */
int lg_write_file_atomically(const char *path, const char *text, mode_t mode);

#endif
