/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_LINKS_H
#define LSMGUARD_LINKS_H

#include "bpf_state.h"
#include "policy.h"

/*
 * At each load: rehash every link record for the new bank's seed, and record the files that
 * deny rules name (an exact rule's file, the files beneath a directory rule) that have other
 * names (links.c).
 */
void lg_refresh_links(const struct lg_bpf *bpf, const struct lg_compiled *c,
		      const struct lg_config *config);

#endif
