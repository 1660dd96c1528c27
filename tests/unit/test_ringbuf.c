// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's own ring buffer reader (enforcer/ringbuf.c) against the kernel's producer: a
 * socket filter program, run by BPF_PROG_TEST_RUN (both load on this host's kernel), copies the
 * packet it is given into a ring buffer map of one page, or reserves and discards a record.
 * The reader must hand back every committed record once, in order, skip discarded ones, read
 * records that wrap around the end of the data area whole, stop at its limit, and give the
 * room back (else the producer's next record would fail with the buffer full).
 */
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "ringbuf.h"

#define BODY 70 /* bytes a record carries: 80 with its header rounded up, 51 fit in a page */
#define ETH_LEN 14 /* the test run strips an Ethernet header from the packet */

#define INSN(c, d, s, o, i)                                                                       \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE, d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ, d, 0, o, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP_FD(d, fd)                                                                          \
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)

/* A program that copies BODY bytes of the packet into the ring buffer. */
static int load_copy(int map)
{
	struct bpf_insn insns[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
		MOV64_IMM(BPF_REG_2, 0),
		MOV64_REG(BPF_REG_3, BPF_REG_10),
		ADD64_IMM(BPF_REG_3, -BODY),
		MOV64_IMM(BPF_REG_4, BODY),
		CALL(BPF_FUNC_skb_load_bytes),
		JNE_IMM(BPF_REG_0, 0, 7),
		LD_MAP_FD(BPF_REG_1, map),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, -BODY),
		MOV64_IMM(BPF_REG_3, BODY),
		MOV64_IMM(BPF_REG_4, 0),
		CALL(BPF_FUNC_ringbuf_output),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "lg_rb_copy", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

/* A program that reserves a record and discards it. */
static int load_discard(int map)
{
	struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_1, map),
		MOV64_IMM(BPF_REG_2, BODY),
		MOV64_IMM(BPF_REG_3, 0),
		CALL(BPF_FUNC_ringbuf_reserve),
		JEQ_IMM(BPF_REG_0, 0, 3),
		MOV64_REG(BPF_REG_1, BPF_REG_0),
		MOV64_IMM(BPF_REG_2, 0),
		CALL(BPF_FUNC_ringbuf_discard),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "lg_rb_discard", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

FIXTURE(rb)
{
	int map, copy, discard;
	struct lg_ringbuf rb;
};

FIXTURE_SETUP(rb)
{
	long page = sysconf(_SC_PAGESIZE);

	/* The daemon runs as root; so does CI. Without the right to make maps this cannot run. */
	self->map = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "lg_rb_test", 0, 0, (__u32)page, NULL);
	if (self->map < 0)
		FAIL_AT("cannot create a ring buffer map: %s (run as root)", strerror(errno));
	self->copy = load_copy(self->map);
	if (self->copy < 0)
		FAIL_AT("cannot load the copying program: %s", strerror(errno));
	self->discard = load_discard(self->map);
	if (self->discard < 0)
		FAIL_AT("cannot load the discarding program: %s", strerror(errno));
	CHECK_INT(lg_ringbuf_open(&self->rb, self->map), 0);
}

FIXTURE_TEARDOWN(rb)
{
	lg_ringbuf_close(&self->rb);
	close(self->copy);
	close(self->discard);
	close(self->map);
}

/* Run a program once on a packet whose body is BODY bytes of seq's low byte and its number. */
static void produce(int prog, unsigned seq)
{
	unsigned char pkt[ETH_LEN + BODY];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 1);

	memset(pkt, 0, ETH_LEN);
	memset(pkt + ETH_LEN, (int)(seq & 0xff), BODY);
	memcpy(pkt + ETH_LEN, &seq, sizeof(seq));
	if (bpf_prog_test_run_opts(prog, &opts))
		FAIL_AT("test run: %s", strerror(errno));
}

struct seen {
	unsigned next; /* the number the next record must carry */
	unsigned count;
	bool bad;
};

static int check_record(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	const unsigned char *b = data;
	unsigned seq;

	memcpy(&seq, data, sizeof(seq));
	if (size != BODY || seq != s->next)
		s->bad = true;
	for (size_t i = sizeof(seq); i < BODY && size == BODY; i++)
		if (b[i] != (seq & 0xff))
			s->bad = true;
	s->next++;
	s->count++;
	return 0;
}

static int stop_at_first(void *ctx, const void *data, size_t size)
{
	(void)data;
	(void)size;
	(*(unsigned *)ctx)++;
	return -ECANCELED;
}

TEST_F(rb, ringbuf_reads_every_record_once_in_order_across_wraps)
{
	struct seen s = {0};
	unsigned seq = 0;

	/* 60 rounds of 25 records with a discarded one between every two (37 records of 80
	 * bytes: a page holds 51) wrap the 4 KB data area more than 40 times. */
	for (int round = 0; round < 60; round++) {
		for (int i = 0; i < 25; i++) {
			produce(self->copy, seq++);
			if (i % 2)
				produce(self->discard, 0);
		}
		CHECK_INT(lg_ringbuf_consume(&self->rb, 0, check_record, &s), 25);
	}
	CHECK(!s.bad);
	CHECK_INT(s.count, 60 * 25);
	CHECK_INT(lg_ringbuf_consume(&self->rb, 0, check_record, &s), 0);
}

TEST_F(rb, ringbuf_stops_at_its_limit_and_at_a_callback_error)
{
	struct seen s = {0};
	unsigned calls = 0;

	for (unsigned i = 0; i < 10; i++)
		produce(self->copy, i);
	CHECK_INT(lg_ringbuf_consume(&self->rb, 4, check_record, &s), 4);
	CHECK_INT(s.count, 4);
	/* An error stops the reading; the record that failed is read (not handed again). */
	CHECK_INT(lg_ringbuf_consume(&self->rb, 0, stop_at_first, &calls), -ECANCELED);
	CHECK_INT(calls, 1);
	s.next = 5;
	CHECK_INT(lg_ringbuf_consume(&self->rb, 0, check_record, &s), 5);
	CHECK(!s.bad);
}

TEST_F(rb, ringbuf_gives_the_room_back)
{
	struct seen s = {0};

	/* A full page refuses the 52nd record: the kernel counts it nowhere, the reader never
	 * sees it. Reading gives the room back; the next record is taken. */
	for (unsigned i = 0; i < 60; i++)
		produce(self->copy, i < 51 ? i : 1000 + i);
	CHECK_INT(lg_ringbuf_consume(&self->rb, 0, check_record, &s), 51);
	CHECK(!s.bad);
	produce(self->copy, 51);
	CHECK_INT(lg_ringbuf_consume(&self->rb, 0, check_record, &s), 1);
	CHECK(!s.bad);
}

TEST(ringbuf_refuses_a_map_that_is_not_a_ring_buffer)
{
	struct lg_ringbuf rb;
	int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lg_rb_array", 4, 4, 1, NULL);

	if (map < 0)
		FAIL_AT("cannot create an array map: %s (run as root)", strerror(errno));
	CHECK_INT(lg_ringbuf_open(&rb, map), -EINVAL);
	CHECK(lg_ringbuf_open(&rb, 1000) < 0);
	close(map);
}
