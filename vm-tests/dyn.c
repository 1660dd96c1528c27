// SPDX-License-Identifier: GPL-2.0-only
/* A dynamically linked program for the vm-tests: leaves $MARKER (or /run/dyn-ran) when it runs. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	const char *marker = getenv("MARKER");
	int fd = open(marker ? marker : "/run/dyn-ran", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
	return 0;
}
