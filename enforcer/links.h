/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_LINKS_H
#define LSMGUARD_LINKS_H

#include "bpf_state.h"
#include "policy.h"

/*
 * At each load, before the new bank is written: rehash every link record for its seed; returns
 * the records counted. Once the new set is in force: record the files that deny rules name (an
 * exact rule's file, the files beneath a directory rule) that have other names (links.c).
 */
size_t lg_links_rehash(const struct lg_bpf *bpf, const struct lg_compiled *c,
		       const struct lg_config *config);
void lg_links_record(const struct lg_bpf *bpf, const struct lg_compiled *c,
		     const struct lg_config *config, size_t records);

#endif
