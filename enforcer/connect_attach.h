/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cgroup connect programs (bpf_lsm/network.bpf.c: MPTCP subflows, and the decided address
 * written into a connect to 0.0.0.0) are attached at the cgroups bound to a policy, not at the
 * root: the kernel runs a cgroup's connect programs under the socket's lock for every connect,
 * and a task under no policy should not pay for them. The programs are pinned as programs
 * (PIN_DIR/progs/NAME); each attachment is a link pinned as PIN_DIR/links/NAME@CGROUP_ID, so
 * that it outlives the daemon. The kernel fails closed where they do not run yet
 * (lg_connect_programs_run).
 */
#ifndef LSMGUARD_CONNECT_ATTACH_H
#define LSMGUARD_CONNECT_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "bpf_state.h"

/*
 * Attach the programs at every cgroup the kernel has bound (the cgroup policy map) that does not
 * have them, and remove the attachments of cgroups no longer bound. 0; -EAGAIN
 * when a bound cgroup could not be opened yet (the kernel binds it before its directory
 * appears: try again shortly), with err set if another cgroup failed for good meanwhile;
 * another negative errno with err set (the first failure; every cgroup is still tried).
 */
int lg_connect_attach_sync(const struct lg_bpf *bpf, char *err, size_t errsize);
/*
 * Wait up to timeout_ms until the programs run for sockets of cgroup (a path under the cgroup2
 * root; its policy's cgroup, which the kernel bound at its mkdir): `lsmguard exec` makes the
 * cgroup and starts the command at once, before the daemon has attached them. 0 (also when
 * they are not loaded), -ETIMEDOUT, or another negative errno.
 */
int lg_connect_programs_wait(const char *pin_dir, const char *cgroup, int timeout_ms);
/* The kernel's count of cgroups bound at their creation (a change: sync again). */
unsigned long long lg_connect_bound_count(const struct lg_bpf *bpf);

#endif
