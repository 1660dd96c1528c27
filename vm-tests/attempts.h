/* SPDX-License-Identifier: GPL-2.0-only */
/* Operations on lsmguard's protections, shared by hardening.c and protect.c (see attempts.c). */
#ifndef LSMGUARD_ATTEMPTS_H
#define LSMGUARD_ATTEMPTS_H

#include <stdint.h>

#define BPF_F_RDONLY (1U << 3)
#define ATTEMPT_PIN "/sys/fs/bpf/lsmguard/links/lg_file_open" /* the pin do_unpin goes for */

/* BPF_OBJ_GET with file_flags; returns the fd or -errno. */
long bpf_obj_get_flags(const char *path, uint32_t flags);
int do_bpf_obj_get(const void *pin_path);        /* for writing */
int do_bpf_obj_get_rdonly(const void *pin_path); /* BPF_F_RDONLY */
int do_move_self(const void *cgroup_procs);      /* write the own pid into it */
int do_clone_into_cgroup(const void *cgroup_dir); /* clone3 with CLONE_INTO_CGROUP */
int do_init_module(const void *unused);
int do_reopen_for_write(const void *path); /* open read-only, reopen /proc/self/fd/N to write */
int do_unpin(const void *how);              /* "rename", "umount", else unlink ATTEMPT_PIN */

#endif
