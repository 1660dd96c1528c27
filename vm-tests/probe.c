// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe: performs one operation and prints its result, for the demo.
 *   probe open PATH | probe exec PATH | probe connect ADDRESS PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ret = -1;

	if (argc == 3 && strcmp(argv[1], "open") == 0) {
		ret = open(argv[2], O_RDONLY);
	} else if (argc == 3 && strcmp(argv[1], "exec") == 0) {
		char *const args[] = {argv[2], "-c", "true", NULL};
		int fds[2], err = 0, status;

		/* execve's result through a close-on-exec pipe: no data means it ran. */
		if (pipe2(fds, O_CLOEXEC))
			return 1;
		if (fork() == 0) {
			execv(argv[2], args);
			err = errno;
			if (write(fds[1], &err, sizeof(err)) < 0)
				_exit(2);
			_exit(1);
		}
		close(fds[1]);
		if (read(fds[0], &err, sizeof(err)) == sizeof(err)) {
			errno = err;
			ret = -1;
		} else {
			ret = 0;
		}
		wait(&status);
	} else if (argc == 4 && strcmp(argv[1], "connect") == 0) {
		struct sockaddr_in sin = {.sin_family = AF_INET};
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		sin.sin_port = htons((unsigned short)atoi(argv[3]));
		inet_pton(AF_INET, argv[2], &sin.sin_addr);
		ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		fprintf(stderr, "usage: probe open PATH | exec PATH | connect ADDRESS PORT\n");
		return 2;
	}
	printf("  %s %s%s%s: %s\n", argv[1], argv[2], argc == 4 ? " port " : "",
	       argc == 4 ? argv[3] : "", ret < 0 ? strerror(errno) : "allowed");
	return ret < 0 ? 1 : 0;
}
