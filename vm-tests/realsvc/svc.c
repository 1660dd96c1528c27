// SPDX-License-Identifier: GPL-2.0-only
/*
 * svc: the real-services test's hands, placed in a service's cgroup as systemd would place them.
 *   svc run CGROUP UID GID -- COMMAND [ARGS...]   start COMMAND in CGROUP (moved there before
 *                                                 its execve, as systemd does), in the background
 *   svc open CGROUP PATH | svc exec CGROUP PATH | svc connect CGROUP ADDRESS PORT |
 *   svc listen CGROUP ADDRESS PORT (a TCP socket bound to ADDRESS:PORT, unless PORT is 0,
 *       then listen(): a server the policy did not name) |
 *   svc unshare-user CGROUP - | svc mount-tmpfs CGROUP PATH | svc mknod CGROUP PATH |
 *   svc unix-connect CGROUP PATH | svc unix-send CGROUP PATH LINE | svc kill-init CGROUP SIG |
 *   svc sched-fifo CGROUP - (SCHED_FIFO 1 for itself: CAP_SYS_NICE)
 *   svc sti CGROUP TTY TEXT (TIOCSTI: TEXT and a newline pushed into TTY's input)
 *   svc send-creds CGROUP PATH PID UID GID LINE (a datagram whose SCM_CREDENTIALS claim PID,
 *       UID and GID; "self" for the sender's own)
 *       code already running in the service's cgroup tries one thing; prints OK or the errno
 *       name (EPERM, ...). mount-tmpfs makes a private mount namespace first (as root: no
 *       user namespace needed), mknod makes a character device node (1:3, as /dev/null).
 *       That code is moved into the cgroup by another process, neither itself nor its
 *       parent: a task moved in by itself or its parent before any exec is in its setup window
 *       (as systemd's own child is, bpf_lsm/setup.bpf.h), not the service's code.
 *   svc cmd CGROUP -- PROGRAM [ARGS...]   such code runs PROGRAM and waits; svc exits with
 *                                         its status
 *   svc notify-main FIFO   a Type=notify unit's main process (run by systemd, so in the unit's
 *       cgroup, not moved): READY=1 to $NOTIFY_SOCKET, then each line written into FIFO sent
 *       there as one datagram with its own credentials (the kernel's, SO_PASSCRED)
 *   svc impostor CGROUP PID   such code starts a process at PID (svc, unconfined, sets
 *       kernel.ns_last_pid just before the fork) named lsmguard, holding a read lock and a
 *       flock() on lsmguard's pid file; prints its pid (or another it got) and leaves it running
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int enter(const char *cgroup)
{
	char path[512], pid[32];
	int fd, n;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cgroup);
	fd = open(path, O_WRONLY);
	n = snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (fd < 0 || write(fd, pid, (size_t)n) != n) {
		perror(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Move pid into cgroup from a third process (see the top of this file). */
static int enter_from_outside(const char *cgroup, pid_t pid)
{
	pid_t mover = fork();
	int status;

	if (mover == 0) {
		char path[512], text[32];
		int fd, n;

		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cgroup);
		fd = open(path, O_WRONLY);
		n = snprintf(text, sizeof(text), "%d", (int)pid);
		if (fd < 0 || write(fd, text, (size_t)n) != n) {
			perror(path);
			_exit(1);
		}
		_exit(0);
	}
	return mover > 0 && waitpid(mover, &status, 0) == mover && WIFEXITED(status) &&
			       WEXITSTATUS(status) == 0
		       ? 0
		       : -1;
}

static int try(int argc, char **argv)
{
	int ret = -1;

	if (strcmp(argv[1], "open") == 0 && argc == 4) {
		ret = open(argv[3], O_RDONLY);
	} else if (strcmp(argv[1], "exec") == 0 && argc == 4) {
		char *const args[] = {argv[3], "-c", "true", NULL};

		execv(argv[3], args);
	} else if (strcmp(argv[1], "connect") == 0 && argc == 5) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[4]))};
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		inet_pton(AF_INET, argv[3], &sin.sin_addr);
		ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		if (ret && errno == ECONNREFUSED)
			ret = 0; /* reached the network: not denied */
	} else if (strcmp(argv[1], "listen") == 0 && argc == 5) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[4]))};
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		inet_pton(AF_INET, argv[3], &sin.sin_addr);
		ret = sin.sin_port ? bind(fd, (struct sockaddr *)&sin, sizeof(sin)) : 0;
		if (ret == 0)
			ret = listen(fd, 8);
	} else if (strcmp(argv[1], "unshare-user") == 0 && argc == 4) {
		ret = unshare(CLONE_NEWUSER);
	} else if (strcmp(argv[1], "mount-tmpfs") == 0 && argc == 4) {
		ret = unshare(CLONE_NEWNS);
		if (ret == 0)
			ret = mount("tmpfs", argv[3], "tmpfs", 0, NULL);
	} else if (strcmp(argv[1], "mknod") == 0 && argc == 4) {
		ret = mknod(argv[3], S_IFCHR | 0666, makedev(1, 3));
		if (ret == 0)
			unlink(argv[3]);
	} else if ((strcmp(argv[1], "unix-connect") == 0 || strcmp(argv[1], "unix-send") == 0) &&
		   argc >= 4) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		bool stream = strcmp(argv[1], "unix-connect") == 0;
		int fd = socket(AF_UNIX, stream ? SOCK_STREAM : SOCK_DGRAM, 0);
		char text[512];

		/* A datagram is one line (journald's native protocol ends each field with one). */
		snprintf(text, sizeof(text), "%s\n", argc >= 5 ? argv[4] : "");

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[3]);
		if (stream)
			ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		else
			ret = (int)sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sun,
					  sizeof(sun));
	} else if (strcmp(argv[1], "sti") == 0 && argc == 5) {
		int fd = open(argv[3], O_RDWR | O_NOCTTY);

		ret = fd;
		for (const char *p = argv[4]; fd >= 0 && *p && ret >= 0; p++)
			ret = ioctl(fd, TIOCSTI, p);
		if (fd >= 0 && ret >= 0)
			ret = ioctl(fd, TIOCSTI, "\n");
	} else if (strcmp(argv[1], "send-creds") == 0 && argc == 8) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		struct ucred cred = {
			.pid = strcmp(argv[4], "self") ? atoi(argv[4]) : getpid(),
			.uid = strcmp(argv[5], "self") ? (uid_t)atoi(argv[5]) : getuid(),
			.gid = strcmp(argv[6], "self") ? (gid_t)atoi(argv[6]) : getgid(),
		};
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} control = {0};
		char text[512];
		struct iovec iov = {text, 0};
		struct msghdr msg = {.msg_name = &sun, .msg_namelen = sizeof(sun), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = control.buf,
				     .msg_controllen = sizeof(control.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

		snprintf(text, sizeof(text), "%s\n", argv[7]);
		iov.iov_len = strlen(text);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[3]);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(cred));
		memcpy(CMSG_DATA(c), &cred, sizeof(cred));
		ret = (int)sendmsg(fd, &msg, 0);
	} else if (strcmp(argv[1], "kill-init") == 0 && argc == 4) {
		ret = kill(1, atoi(argv[3]));
	} else if (strcmp(argv[1], "replace") == 0 && argc == 5) {
		/* replace CGROUP FILE TEXT: the file's content becomes TEXT and a newline */
		int fd = open(argv[3], O_WRONLY | O_TRUNC | O_CLOEXEC);

		ret = fd < 0 ? -1 : dprintf(fd, "%s\n", argv[4]);
		if (fd >= 0)
			close(fd);
	} else if (strcmp(argv[1], "sched-fifo") == 0 && argc == 4) {
		struct sched_param param = {.sched_priority = 1};

		ret = sched_setscheduler(0, SCHED_FIFO, &param);
	} else {
		fprintf(stderr, "svc: bad arguments\n");
		return 2;
	}
	printf("%s\n", ret >= 0 ? "OK" : strerrorname_np(errno));
	fflush(stdout); /* the caller _exits */
	return 0;
}

/* The impostor: named lsmguard, holding what a reader can hold on the pid file, until killed. */
static void impostor_lives(void)
{
	struct flock read_lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	int locked = open("/run/lsmguard/lsmguard.pid", O_RDONLY);
	int flocked = open("/run/lsmguard/lsmguard.pid", O_RDONLY);
	int null = open("/dev/null", O_RDWR);

	prctl(PR_SET_NAME, "lsmguard");
	if (locked >= 0)
		fcntl(locked, F_OFD_SETLK, &read_lock);
	if (flocked >= 0)
		flock(flocked, LOCK_EX | LOCK_NB);
	/* Nothing of the caller's: a shell reading svc's output must see it end. */
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	setsid();
	for (;;)
		pause();
}

static int impostor(const char *cgroup, pid_t want)
{
	pid_t got = -1;

	for (int attempt = 0; attempt < 10 && got != want; attempt++) {
		int go[2], report[2], status;
		char ready = 'n', text[32];
		pid_t pid;

		if (pipe(go) || pipe(report))
			return 1;
		pid = fork();
		if (pid == 0) {
			close(go[1]);
			close(report[0]);
			if (read(go[0], &ready, 1) != 1 || ready != 'y')
				_exit(3);
			got = fork();
			if (got == 0)
				impostor_lives();
			_exit(write(report[1], &got, sizeof(got)) == sizeof(got) ? 0 : 1);
		}
		close(go[0]);
		close(report[1]);
		ready = pid > 0 && enter_from_outside(cgroup, pid) == 0 ? 'y' : 'n';
		if (ready == 'y') {
			int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
			int n = snprintf(text, sizeof(text), "%d", (int)want - 1);

			if (fd < 0 || write(fd, text, (size_t)n) != n)
				perror("ns_last_pid");
			if (fd >= 0)
				close(fd);
		}
		if (write(go[1], &ready, 1) != 1 || ready != 'y' ||
		    read(report[0], &got, sizeof(got)) != sizeof(got))
			got = -1;
		close(go[1]);
		close(report[0]);
		waitpid(pid, &status, 0);
		if (got > 0 && got != want)
			kill(got, SIGKILL);
	}
	printf("%d\n", (int)got);
	return got == want ? 0 : 1;
}

/* The unit's own main process relays FIFO's lines to the service manager (see above). */
static int notify_main(const char *fifo)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *socket_path = getenv("NOTIFY_SOCKET");
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char line[512];

	if (!socket_path || fd < 0 || (mkfifo(fifo, 0600) && errno != EEXIST))
		return 1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", socket_path);
	if (sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sun, sizeof(sun)) != 7)
		return 1;
	for (;;) {
		FILE *in = fopen(fifo, "r"); /* blocks until a writer comes */

		if (!in)
			return 1;
		while (fgets(line, sizeof(line), in)) {
			line[strcspn(line, "\n")] = '\0';
			sendto(fd, line, strlen(line), 0, (struct sockaddr *)&sun, sizeof(sun));
		}
		fclose(in);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "notify-main") == 0)
		return notify_main(argv[2]);
	if (argc == 4 && strcmp(argv[1], "impostor") == 0)
		return impostor(argv[2], atoi(argv[3]));
	if (argc >= 5 && strcmp(argv[1], "cmd") == 0 && strcmp(argv[3], "--") == 0) {
		/* The service's code runs a program and waits: its exit status is svc's. */
		int go[2], status;
		char joined = 'n';
		pid_t pid;

		if (pipe(go))
			return 1;
		pid = fork();
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &joined, 1) != 1 || joined != 'y')
				_exit(126);
			execv(argv[4], argv + 4);
			_exit(127);
		}
		close(go[0]);
		joined = pid > 0 && enter_from_outside(argv[2], pid) == 0 ? 'y' : 'n';
		if (write(go[1], &joined, 1) != 1)
			return 1;
		close(go[1]);
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	if (argc >= 7 && strcmp(argv[1], "run") == 0 && strcmp(argv[5], "--") == 0) {
		pid_t pid = fork();

		if (pid == 0) {
			gid_t gid = (gid_t)atoi(argv[4]);

			if (enter(argv[2]) || setgroups(1, &gid) || setgid(gid) ||
			    setuid((uid_t)atoi(argv[3])))
				_exit(126);
			setsid();
			execv(argv[6], argv + 6);
			perror(argv[6]);
			_exit(127);
		}
		printf("%d\n", (int)pid);
		return pid > 0 ? 0 : 1;
	}
	if (argc >= 4) {
		int go[2], status;
		char joined = 'n';
		pid_t pid;

		if (pipe(go))
			return 1;
		pid = fork();
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &joined, 1) != 1 || joined != 'y')
				_exit(3);
			_exit(try(argc, argv));
		}
		close(go[0]);
		joined = pid > 0 && enter_from_outside(argv[2], pid) == 0 ? 'y' : 'n';
		if (write(go[1], &joined, 1) != 1)
			return 1;
		close(go[1]);
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	fprintf(stderr, "usage: svc run CGROUP UID GID -- CMD... | "
			"svc open|exec|connect|listen|unshare-user|mount-tmpfs|mknod|unix-connect|unix-send|"
			"send-creds|kill-init|sched-fifo CGROUP ... | svc cmd CGROUP -- CMD... | "
			"svc impostor CGROUP PID\n");
	return 2;
}
