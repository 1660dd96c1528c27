// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's non-blocking output (enforcer/output.c): a reader that stops reading never blocks
 * the writer; a line is taken whole or counted under its key; the counts come back, one per key
 * with their interval, once the reader has taken what was held.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "output.h"

#define LINE_LEN 100

/* A line of LINE_LEN bytes (newline included) that says its number. */
static void make_line(char *line, unsigned n)
{
	memset(line, 'x', LINE_LEN - 1);
	line[LINE_LEN - 1] = '\n';
	snprintf(line, 16, "line %08u", n);
	line[13] = 'x';
}

/*
 * Fill the reader's side and the output's queue; count 5 lines of key a and 3 of key b; then
 * read everything and check it is the taken lines, whole and in order, and that the two losses
 * come back with their counts and times.
 */
static void check_stalled_reader(int wfd, int rfd)
{
	const struct lg_lost_key a = {.policy = 7, .rule = 3, .hook = 1};
	const struct lg_lost_key b = {.policy = 7, .rule = 4, .builtin = 8, .hook = 1};
	const struct lg_output_loss *loss;
	struct lg_output o;
	char line[LINE_LEN], *got;
	size_t got_len = 0, got_size = 1 << 20;
	unsigned taken = 0;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	CHECK_INT(lg_output_open_fd(&o, wfd), 0);
	CHECK(o.kind == LG_OUTPUT_WRITE || o.kind == LG_OUTPUT_SEND);
	for (;;) {
		make_line(line, taken);
		if (!lg_output_put(&o, line, LINE_LEN, 0, &a, 1000 + taken))
			break;
		taken++;
		if (taken > 100000) {
			FAIL_AT("the output took 100000 lines from a reader that reads none");
			return;
		}
	}
	/* The reader's buffer and the whole queue, give or take a line. */
	CHECK(taken * LINE_LEN >= LG_OUTPUT_QUEUE_MAX - LINE_LEN);
	CHECK(lg_output_poll_fd(&o) >= 0);
	for (unsigned i = 1; i < 5; i++)
		CHECK(!lg_output_put(&o, line, LINE_LEN, 0, &a, 1000 + taken + i));
	for (unsigned i = 0; i < 3; i++)
		CHECK(!lg_output_put(&o, line, LINE_LEN, 0, &b, 5000 + i));
	CHECK(!lg_output_put(&o, line, LINE_LEN, 0, NULL, 6000)); /* not counted */
	/* Nothing comes back while lines are still held. */
	CHECK(lg_output_loss_pending(&o) == NULL);

	got = malloc(got_size);
	CHECK(got != NULL);
	if (!got)
		return;
	fcntl(rfd, F_SETFL, O_NONBLOCK);
	for (int rounds = 0; rounds < 100000; rounds++) {
		bool empty = lg_output_flush(&o);

		while ((n = read(rfd, got + got_len, got_size - got_len)) > 0)
			got_len += (size_t)n;
		if (empty)
			break;
	}
	CHECK_INT(got_len, (size_t)taken * LINE_LEN);
	for (unsigned i = 0; i < taken && (i + 1) * LINE_LEN <= got_len; i++) {
		make_line(line, i);
		if (memcmp(got + i * LINE_LEN, line, LINE_LEN) != 0) {
			FAIL_AT("line %u did not arrive whole and in order", i);
			break;
		}
	}
	free(got);

	loss = lg_output_loss_pending(&o);
	CHECK(loss != NULL);
	if (loss) {
		CHECK(memcmp(&loss->key, &a, sizeof(a)) == 0);
		CHECK_INT(loss->count, 5);
		CHECK_INT(loss->first_ns, 1000 + taken);
		CHECK_INT(loss->last_ns, 1000 + taken + 4);
		lg_output_loss_done(&o);
	}
	loss = lg_output_loss_pending(&o);
	CHECK(loss != NULL);
	if (loss) {
		CHECK(memcmp(&loss->key, &b, sizeof(b)) == 0);
		CHECK_INT(loss->count, 3);
		CHECK_INT(loss->first_ns, 5000);
		CHECK_INT(loss->last_ns, 5002);
		lg_output_loss_done(&o);
	}
	CHECK(lg_output_loss_pending(&o) == NULL);
	/* Taking lines again. */
	make_line(line, 0);
	CHECK(lg_output_put(&o, line, LINE_LEN, 0, &a, 1));
	CHECK((n = read(rfd, line, sizeof(line))) == LINE_LEN);

	/* The reader gone: EPIPE, counted, and no SIGPIPE (ignored here as in the daemon). */
	close(rfd);
	CHECK(!lg_output_put(&o, line, LINE_LEN, 0, &a, 7000));
	CHECK_INT(o.error, EPIPE);
	CHECK(lg_output_poll_fd(&o) < 0);
	lg_output_close(&o);
}

TEST(output_pipe_nobody_reads_never_blocks_and_counts)
{
	int fds[2];

	CHECK_INT(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	/* The descriptor stays blocking: the output writes through a description of its own. */
	check_stalled_reader(fds[1], fds[0]);
	CHECK_INT(fcntl(fds[1], F_GETFL) & O_NONBLOCK, 0);
	close(fds[1]);
}

TEST(output_stream_socket_nobody_reads_never_blocks_and_counts)
{
	int fds[2], size = 4096;

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	check_stalled_reader(fds[1], fds[0]);
	CHECK_INT(fcntl(fds[1], F_GETFL) & O_NONBLOCK, 0);
	close(fds[1]);
}
