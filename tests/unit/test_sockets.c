// SPDX-License-Identifier: GPL-2.0-only
/*
 * [network] sockets: the words a line takes, what a policy naming none gets, how a socket()
 * call is classified (the same reading as bpf_lsm/network.bpf.c), and what learn writes.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"

/* Whether policy 1 of c refuses socket(family, type, protocol); *rule its sockets rule. */
static bool socket_denied(const struct lg_compiled *c, unsigned family, unsigned type,
			  int protocol, __u32 *rule)
{
	struct lg_verdict v;

	if (lg_eval_socket(c, c->id_base + 1, family, type, protocol, &v))
		return true;
	*rule = v.rule;
	return v.deny;
}

TEST(sockets_implied_by_the_network_default)
{
	struct lg_policy_set set = {0};
	struct lg_compiled *c = compile_text(HEADER "[network]\ndefault = deny\n", &set);
	__u32 rule = 0;

	/* unix, TCP, UDP, MPTCP, ping over inet and inet6, every netlink protocol */
	CHECK(!socket_denied(c, 1, 1, 0, &rule));
	CHECK(!socket_denied(c, 2, 1, 0, &rule));
	CHECK(!socket_denied(c, 2, 1, 262, &rule));
	CHECK(!socket_denied(c, 10, 2, 17, &rule));
	CHECK(!socket_denied(c, 2, 2, 1, &rule));
	CHECK(!socket_denied(c, 10, 2, 58, &rule));
	CHECK(!socket_denied(c, 16, 3, 9, &rule));
	/* raw, SCTP (protocol 0 of SOCK_SEQPACKET too), UDP-Lite, DCCP, L2TP, packet, others */
	CHECK(socket_denied(c, 2, 3, 255, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	CHECK(socket_denied(c, 10, 3, 58, &rule));
	CHECK(socket_denied(c, 2, 1, 132, &rule));
	CHECK(socket_denied(c, 2, 5, 0, &rule));
	CHECK(socket_denied(c, 10, 2, 136, &rule));
	CHECK(socket_denied(c, 2, 6, 0, &rule));
	CHECK(socket_denied(c, 2, 2, 115, &rule));
	CHECK(socket_denied(c, 2, 2, 58, &rule)); /* ICMPv6 on inet: no base protocol */
	CHECK(socket_denied(c, 17, 3, 768, &rule));
	CHECK(socket_denied(c, 38, 5, 0, &rule));
	CHECK(socket_denied(c, 40, 1, 0, &rule));
	CHECK(socket_denied(c, 63, 1, 0, &rule));
	CHECK(socket_denied(c, 200, 1, 0, &rule));
	CHECK_STR(lg_rule_source(c, rule)->object,
		  "sockets other than: unix inet inet6 netlink (implied)");
	lg_compiled_free(c);
	lg_policy_set_free(&set);

	/* default = allow, or no [network]: every socket but packet (it reads every service's
	 * traffic), which is named when needed */
	c = compile_text(HEADER "[network]\ndefault = allow\n", &set);
	CHECK(socket_denied(c, 17, 3, 768, &rule));
	CHECK_STR(lg_rule_source(c, rule)->object,
		  "packet and raw sockets (implied: a sockets line naming them allows them)");
	CHECK(socket_denied(c, 2, 3, 255, &rule));
	CHECK(socket_denied(c, 10, 3, 6, &rule)); /* a raw TCP socket reads loopback TCP */
	CHECK(!socket_denied(c, 2, 1, 132, &rule));
	CHECK(!socket_denied(c, 63, 1, 0, &rule));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	c = compile_text(HEADER, &set);
	CHECK(!socket_denied(c, 2, 1, 132, &rule));
	CHECK(socket_denied(c, 17, 2, 768, &rule));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	/* default = allow with destination deny rules: raw, packet, SCTP and UDP-Lite would send
	 * past them, so the deny set; listen and abstract-name deny rules do not count */
	c = compile_text(HEADER "[network]\ndefault = allow\ndeny = 10.0.0.0/8\n", &set);
	CHECK(socket_denied(c, 2, 3, 255, &rule));
	CHECK_STR(lg_rule_source(c, rule)->object,
		  "sockets other than: unix inet inet6 netlink (implied)");
	CHECK(socket_denied(c, 2, 1, 132, &rule));
	CHECK(!socket_denied(c, 2, 1, 6, &rule));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	c = compile_text(HEADER "[network]\ndefault = allow\ndeny-listen = tcp 25\ndeny = @x\n",
			 &set);
	CHECK(socket_denied(c, 2, 3, 255, &rule));
	CHECK(!socket_denied(c, 2, 2, 136, &rule)); /* UDP-Lite: not the deny set */
	CHECK(socket_denied(c, 17, 3, 768, &rule));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sockets_lines_name_families_and_protocols)
{
	struct lg_policy_set set = {0};
	struct lg_compiled *c = compile_text(HEADER "[network]\ndefault = allow\n"
						    "sockets = unix inet6 netlink-route\n"
						    "sockets = sctp packet\n",
					     &set);
	__u32 rule = 0;

	CHECK(!socket_denied(c, 10, 1, 0, &rule));
	CHECK(!socket_denied(c, 10, 1, 132, &rule));
	CHECK(!socket_denied(c, 10, 5, 0, &rule));
	CHECK(!socket_denied(c, 17, 2, 0, &rule));
	CHECK(!socket_denied(c, 16, 3, 0, &rule));
	CHECK(socket_denied(c, 16, 3, 9, &rule)); /* netlink-audit: not named */
	CHECK(socket_denied(c, 2, 1, 0, &rule));  /* inet: not named */
	CHECK(socket_denied(c, 2, 1, 132, &rule));
	CHECK(socket_denied(c, 10, 3, 255, &rule)); /* raw: not named */
	CHECK_INT(rule_line(c, rule), 7);
	CHECK_STR(lg_rule_source(c, rule)->object,
		  "sockets other than: unix inet6 netlink-route packet sctp");
	lg_compiled_free(c);
	lg_policy_set_free(&set);

	c = compile_text(HEADER "[network]\ndefault = deny\nsockets = all\n", &set);
	CHECK(!socket_denied(c, 17, 3, 768, &rule));
	CHECK(!socket_denied(c, 63, 1, 0, &rule));
	CHECK_INT(rule, 0);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sockets_refused_words)
{
	struct lg_diag diag = {0};
	struct lg_policy *p = NULL;

	CHECK_INT(parse_text(HEADER "[network]\nsockets = inet raw  netlink-audti\n", &p, &diag),
		  -EINVAL);
	CHECK_STR(diag_line(&diag, 0),
		  "t.ini:6: error: unknown socket 'netlink-audti' in 'sockets' (did you mean "
		  "'netlink-audit'?); write families (unix inet inet6 netlink packet...), "
		  "netlink-PROTOCOL, inet protocols (raw sctp udplite dccp l2tp inet-other) or all");
	lg_diag_free(&diag);
	CHECK_INT(parse_text(HEADER "[network]\nsockets = unix\nsockets = sctp\n", &p, &diag),
		  -EINVAL);
	CHECK_STR(diag_line(&diag, 0),
		  "t.ini:6: error: 'sockets' names inet protocols (raw, sctp, udplite, dccp, l2tp, "
		  "inet-other) but neither inet nor inet6; add the family they are for (sockets = "
		  "inet raw)");
	lg_diag_free(&diag);
}

TEST(sockets_event_words_and_explain_forms)
{
	char word[64];
	unsigned family, type;
	int protocol;

	lg_socket_word(10, 3, 58, word, sizeof(word));
	CHECK_STR(word, "inet6 raw");
	lg_socket_word(2, 5 | 0x80000, 0, word, sizeof(word));
	CHECK_STR(word, "inet sctp");
	lg_socket_word(2, 1, 0, word, sizeof(word));
	CHECK_STR(word, "inet");
	lg_socket_word(16, 3, 15, word, sizeof(word));
	CHECK_STR(word, "netlink-kobject-uevent");
	lg_socket_word(16, 3, 30, word, sizeof(word));
	CHECK_STR(word, "netlink");
	lg_socket_word(17, 3, 768, word, sizeof(word));
	CHECK_STR(word, "packet");
	lg_socket_word(50, 1, 0, word, sizeof(word));
	CHECK_STR(word, "family-50");
	CHECK_INT(lg_socket_parse("inet6/udplite", &family, &type, &protocol), 0);
	CHECK_INT(family, 10);
	CHECK_INT(type, 2);
	CHECK_INT(protocol, 136);
	CHECK_INT(lg_socket_parse("inet ping", &family, &type, &protocol), 0);
	CHECK_INT(protocol, 1);
	CHECK_INT(lg_socket_parse("netlink-audit", &family, &type, &protocol), 0);
	CHECK_INT(protocol, 9);
	CHECK_INT(lg_socket_parse("packet/raw", &family, &type, &protocol), -EINVAL);
	CHECK_INT(lg_socket_parse("inet/", &family, &type, &protocol), 0);
	CHECK_INT(lg_socket_parse("", &family, &type, &protocol), -EINVAL);
}

/* A listen event of protocol "other" (a ping, UDP-Lite or DCCP socket's bind) is not learnt:
 * its only matching rule, an address alone, would open every TCP and UDP port there. A
 * connect event of it is learnt as the address alone. */
TEST(learn_other_protocols)
{
	struct lg_learn *l = lg_learn_new();
	struct lg_learn_header h = {.name = "t", .unit = "t.service", .source = "log"};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	CHECK(l && out);
	CHECK_INT(lg_learn_listen(l, "0.0.0.0", "other", 4242), -EINVAL);
	CHECK_INT(lg_learn_net(l, "10.0.0.9", "other", 7), 0);
	CHECK_INT(lg_learn_write(l, out, &h), 0);
	fclose(out);
	CHECK(strstr(text, "\nallow = 10.0.0.9 other\n") != NULL);
	CHECK(strstr(text, "listen") == NULL);
	free(text);
	lg_learn_free(l);
}

TEST(sockets_learned_from_events)
{
	struct lg_learn *l = lg_learn_new();
	struct lg_learn_header h = {.name = "t", .unit = "t.service", .source = "log"};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	CHECK(l && out);
	CHECK_INT(lg_learn_socket(l, "inet6 raw"), 0);
	CHECK_INT(lg_learn_socket(l, "packet"), 0);
	CHECK_INT(lg_learn_socket(l, "family-50"), -EINVAL);
	CHECK_INT(lg_learn_write(l, out, &h), 0);
	fclose(out);
	CHECK(strstr(text, "\n[network]\ndefault = deny\n; sockets beyond unix, inet, inet6 and "
			   "netlink were created: 2 events\nsockets = unix inet inet6 netlink "
			   "packet raw\n") != NULL);
	free(text);
	lg_learn_free(l);
}

/* Source routes are refused where a policy decides destinations: its default is deny, or it
 * has a destination rule. A listen rule or an abstract name decides no destination. */
TEST(sockets_source_routes_follow_destination_rules)
{
	static const struct {
		const char *network;
		bool refused;
	} cases[] = {
	    {"", false},
	    {"[network]\ndefault = allow\n", false},
	    {"[network]\ndefault = deny\n", true},
	    {"[network]\ndefault = allow\ndeny = 10.0.0.0/8\n", true},
	    {"[network]\ndefault = allow\nallow = ::1 tcp 80\n", true},
	    {"[network]\ndefault = allow\ndeny-listen = 0.0.0.0 tcp 8080\n", false},
	    {"[network]\ndefault = allow\nlisten = tcp 443\n", false},
	    {"[network]\ndefault = allow\ndeny = @foo\n", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct lg_policy_set set = {0};
		struct lg_compiled *c;

		snprintf(text, sizeof(text), HEADER "%s", cases[i].network);
		c = compile_text(text, &set);
		if (!c) {
			FAIL_AT("case %zu does not compile", i);
			continue;
		}
		if (!!(c->policies[0].net_flags & LG_NET_POLICY_NO_SOURCE_ROUTES) != cases[i].refused)
			FAIL_AT("case %zu (%s): net_flags 0x%x", i, cases[i].network,
				c->policies[0].net_flags);
		lg_compiled_free(c);
		lg_policy_set_free(&set);
	}
}
