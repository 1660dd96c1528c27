// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer over what `lsmguard check` reads of the host's programs (enforcer/elfdeps.c): an
 * arbitrary file as a program (a script's "#!" line, an ELF object's program headers and
 * dynamic section), or as /etc/ld.so.cache for a real program's libraries. The first byte
 * says which. Any file a policy's [exec] allow rule names is read this way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfdeps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char input[] = "/tmp/lsmguard-fuzz-elfdeps.XXXXXX";
static int fd = -1;

static void remove_input(void)
{
	unlink(input);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_elfdeps deps;
	bool as_cache;

	if (fd < 0) {
		fd = mkstemp(input);
		if (fd < 0)
			abort();
		atexit(remove_input);
		fchmod(fd, 0755);
	}
	if (size == 0)
		return 0;
	as_cache = data[0] & 1;
	if (ftruncate(fd, 0) || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	if (lg_elfdeps_of(as_cache ? "/usr/bin/true" : input, as_cache ? input : NULL, &deps) == 0)
		lg_elfdeps_free(&deps);
	return 0;
}
