/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a program needs the kernel to let it execute or map executable, besides itself: the
 * interpreter of a script ("#!"), an ELF program's dynamic loader (PT_INTERP) and the shared
 * libraries it and they need (DT_NEEDED, transitively), found as the dynamic loader finds them
 * (the object's DT_RPATH or DT_RUNPATH, /etc/ld.so.cache, the default directories). `lsmguard
 * check` compares them with the policy's [exec] rules. Library code: errors are returned, never
 * printed.
 */
#ifndef LSMGUARD_ELFDEPS_H
#define LSMGUARD_ELFDEPS_H

#include <stddef.h>

#define LG_ELFDEPS_MAX 256 /* files of one program's closure */

enum lg_elfdep_kind {
	LG_ELFDEP_SCRIPT_INTERPRETER, /* "#!" */
	LG_ELFDEP_LOADER,             /* PT_INTERP */
	LG_ELFDEP_LIBRARY,            /* DT_NEEDED */
};

struct lg_elfdep {
	enum lg_elfdep_kind kind;
	char *path;   /* as the kernel sees it: every symbolic link resolved */
	char *needed; /* the name asked for ("libc.so.6", "/lib64/ld-linux-x86-64.so.2") */
	char *by;     /* the resolved path of the file that asked */
};

struct lg_elfdeps {
	struct lg_elfdep *deps;
	size_t count;
	/* names nothing provides (not found where the loader looks), "NAME (needed by FILE)" */
	char **missing;
	size_t missing_count;
	/* a file of the closure that could not be read as a program: its path and why */
	char *unreadable;
};

/*
 * The files program (an absolute path) needs to run, each once, in the order found; the
 * loader's cache read from ldcache (NULL: /etc/ld.so.cache; a file that cannot be read leaves
 * the default directories). 0 (a program that is neither a script nor a dynamic ELF program
 * needs nothing), -ENOENT when program does not exist, -ENOMEM, -E2BIG past LG_ELFDEPS_MAX.
 */
int lg_elfdeps_of(const char *program, const char *ldcache, struct lg_elfdeps *out);
void lg_elfdeps_free(struct lg_elfdeps *deps);

#endif
