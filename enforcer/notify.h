/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_NOTIFY_H
#define LSMGUARD_NOTIFY_H

/*
 * Tell the service manager about the daemon's state (sd_notify's protocol: one datagram of
 * "KEY=VALUE" lines to the AF_UNIX socket named by $NOTIFY_SOCKET, a path or "@" for the
 * abstract namespace). 0 when sent or when there is no manager to tell; -errno otherwise.
 */
int lg_notify(const char *state);

#endif
