// SPDX-License-Identifier: GPL-2.0-only
/* A library for LD_PRELOAD in the vm-tests: leaves /run/preloaded when it is loaded. */
#include <fcntl.h>
#include <unistd.h>

__attribute__((constructor)) static void loaded(void)
{
	int fd = open("/run/preloaded", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
}
