// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lsmguard explain` agrees with the kernel: for each case, the verdict explain computes from
 * the policy directory (user space, policy/eval.c) is the one the booted kernel enforces on the
 * same operation from the policy's cgroup, and the rule it names is the one the event names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vmtest.h"
#include "vmutil.h"

#define FILES "/lgt/files"

enum kind { OPEN_READ, OPEN_WRITE, EXEC, CONNECT_TCP, SENDTO_UDP };

struct explain_case {
	enum kind kind;
	const char *object; /* path, or address for the network kinds */
	int port;
	bool denied;
};

/* denied: what files.ini (cases.c) says, read from its rules by hand. */
static const struct explain_case cases[] = {
	{OPEN_READ, "/data/secret", 0, true},
	{OPEN_READ, "/data/secret-other", 0, false},
	{OPEN_READ, "/data/private/x", 0, true},
	{OPEN_READ, "/data/private/open/x", 0, false},
	{OPEN_READ, "/data/ro/file", 0, false},
	{OPEN_WRITE, "/data/ro/file", 0, true},
	{OPEN_READ, "/data/dup/x", 0, true},
	{OPEN_READ, "/data/link-to-secret", 0, true},
	{OPEN_WRITE, "/data/private/open/x", 0, false},
	{EXEC, "/data/bin/denied", 0, true},
	{EXEC, "/data/bin/allowed", 0, false},
	{CONNECT_TCP, "127.0.0.1", 1500, true},
	{CONNECT_TCP, "127.0.0.2", 1500, false},
	{CONNECT_TCP, "127.0.0.1", 2500, false},
	{SENDTO_UDP, "127.0.0.1", 3000, true},
	{SENDTO_UDP, "127.0.0.1", 3001, false},
};
/* The table's denied cases, counted by hand: a flag edited by mistake fails too. */
#define DENIED_CASES 8

static const char *const op_names[] = {"open-read", "open-write", "exec", "connect", "sendto"};

/* explain's verdict: 1 deny, 0 allow, -1 no answer; source gets its rule's "source" value. */
static int explain(const struct explain_case *c, char *source, size_t size)
{
	char object[128], out[4096], *p, *end;
	const char *argv[] = {LSMGUARD, "explain", "--policy-dir", POLICY_DIR, "--json", "files",
			      op_names[c->kind], object, NULL};

	if (c->kind == CONNECT_TCP)
		snprintf(object, sizeof(object), "%s:%d/tcp", c->object, c->port);
	else if (c->kind == SENDTO_UDP)
		snprintf(object, sizeof(object), "%s:%d/udp", c->object, c->port);
	else
		snprintf(object, sizeof(object), "%s", c->object);
	source[0] = '\0';
	if (run_command(argv, out, sizeof(out)) > 1)
		return -1;
	if ((p = strstr(out, "\"source\":\"")) && (end = strchr(p + 10, '"')) &&
	    (size_t)(end - p - 10) < size) {
		memcpy(source, p + 10, (size_t)(end - p - 10));
		source[end - p - 10] = '\0';
	}
	if (strstr(out, "\"verdict\":\"deny\""))
		return 1;
	return strstr(out, "\"verdict\":\"allow\"") ? 0 : -1;
}

/* 1 for EPERM, 0 for the allowed operation's own result, -2 for anything else (a crash, a
 * failed cgroup join, another errno): never a verdict explain can agree with. */
static int verdict(int result, int allowed_result)
{
	if (result == EPERM)
		return 1;
	return result == allowed_result ? 0 : -2;
}

/* The kernel's verdict on the same operation from the policy's cgroup: 1 deny (EPERM). */
static int kernel(const struct explain_case *c)
{
	switch (c->kind) {
	case OPEN_READ:
		return verdict(try_open(FILES, c->object, O_RDONLY), 0);
	case OPEN_WRITE:
		return verdict(try_open(FILES, c->object, O_WRONLY), 0);
	case EXEC:
		return verdict(try_exec(FILES, c->object), 0);
	case CONNECT_TCP: /* nothing listens on these ports */
		return verdict(try_connect(FILES, AF_INET, c->object, c->port, SOCK_STREAM),
			       ECONNREFUSED);
	case SENDTO_UDP:
		return verdict(try_sendto(FILES, AF_INET, c->object, c->port, SOCK_DGRAM, 0), 0);
	}
	return -2;
}

VM_TEST(explain_agrees_with_the_kernel_on_every_case, 96)
{
	int denied = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char source[512];
		int said = explain(&cases[i], source, sizeof(source)), did = kernel(&cases[i]);

		if (said != did)
			VM_FAIL("explain %s %s:%d says %s, the kernel %s", op_names[cases[i].kind],
				cases[i].object, cases[i].port,
				said < 0 ? "nothing" : said ? "deny" : "allow",
				did < 0 ? "failed the operation" : did ? "denied" : "allowed");
		if (did != cases[i].denied)
			VM_FAIL("%s %s:%d: the kernel %s, files.ini says %s",
				op_names[cases[i].kind], cases[i].object, cases[i].port,
				did < 0 ? "failed the operation" : did ? "denied" : "allowed",
				cases[i].denied ? "deny" : "allow");
		denied += did == 1;
	}
	/* Exactly the table's denials: both verdicts occur, each where files.ini puts it. */
	VM_CHECK(denied == DENIED_CASES);
}

VM_TEST(explain_names_the_rule_that_the_event_names, 97)
{
	const struct explain_case c = {OPEN_READ, "/data/private/x", 0, true};
	char source[512], want[600];
	long mark;

	VM_CHECK(explain(&c, source, sizeof(source)) == 1);
	mark = event_mark();
	VM_CHECK(try_open(FILES, "/data/private/x", O_RDONLY) == EPERM);
	snprintf(want, sizeof(want), "\"source\":\"%s\"", source);
	VM_CHECK(strcmp(want, source_of("files.ini", "deny = /data/private/")) == 0);
	EXPECT_EVENT_AFTER(mark, "\"policy\":\"files\"", "\"path\":\"/data/private/x\"", want);
}
