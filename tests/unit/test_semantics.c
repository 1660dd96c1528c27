// SPDX-License-Identifier: GPL-2.0-only
/*
 * The meaning of a policy, checked on the compiled records through the user-space evaluator,
 * which walks them exactly as the kernel does.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "harness.h"
#include "helpers.h"

#define R LG_DECISION_FILE_READ
#define W LG_DECISION_FILE_WRITE
#define X LG_DECISION_EXEC

TEST(sem_longest_path_wins)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\n"
						    "default = allow\n" /* 6 */
						    "deny = /etc/\n"    /* 7 */
						    "allow = /etc/nginx/\n"
						    "deny = /etc/nginx/secret.key\n",
					     &set);
	__u32 rule;

	CHECK(path_denied(c, R, "/etc/passwd", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(!path_denied(c, R, "/etc/nginx/nginx.conf", &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(!path_denied(c, W, "/etc/nginx/sites/default", &rule));
	CHECK(path_denied(c, R, "/etc/nginx/secret.key", &rule));
	CHECK_INT(rule_line(c, rule), 9);
	/* A subtree rule covers the directory itself. */
	CHECK(path_denied(c, R, "/etc", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	/* No rule: the default, with its own line. */
	CHECK(!path_denied(c, W, "/var/log/x", &rule));
	CHECK_INT(rule_line(c, rule), 6);
	/* Prefix of a name is not a parent: /etcetera is not under /etc/. */
	CHECK(!path_denied(c, R, "/etcetera/x", NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_exact_versus_subtree)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\n"
						    "deny = /root\n"
						    "deny = /srv/data/\n"
						    "allow = /srv/data\n",
					     &set);
	__u32 rule;

	CHECK(path_denied(c, R, "/root", NULL));
	CHECK(!path_denied(c, R, "/root/.bashrc", NULL));
	CHECK(path_denied(c, R, "/srv/data/a/b", NULL));
	/* At the same path the exact rule is more specific than the subtree rule. */
	CHECK(!path_denied(c, R, "/srv/data", &rule));
	CHECK_INT(rule_line(c, rule), 8);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_deny_wins_at_equal_specificity)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\n"
						    "allow = /data/\n"
						    "deny = /data/\n"
						    "allow = /data/\n"
						    "[exec]\n"
						    "allow = /usr/bin/curl\n"
						    "deny = /usr/bin/curl\n",
					     &set);
	__u32 rule;

	CHECK(path_denied(c, R, "/data/x", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(path_denied(c, W, "/data/x", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(path_denied(c, X, "/usr/bin/curl", &rule));
	CHECK_INT(rule_line(c, rule), 11);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_allow_read)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\n"
						    "default = deny\n"
						    "allow-read = /etc/\n" /* 7 */
						    "allow = /etc/app/\n"
						    "allow-read = /etc/app/\n" /* 9 */
						    "allow = /var/\n",
					     &set);
	__u32 rule;

	CHECK(!path_denied(c, R, "/etc/passwd", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(path_denied(c, W, "/etc/passwd", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	/* allow and allow-read on one path: reading allowed, writing denied by allow-read. */
	CHECK(!path_denied(c, R, "/etc/app/x", &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(path_denied(c, W, "/etc/app/x", &rule));
	CHECK_INT(rule_line(c, rule), 9);
	CHECK(!path_denied(c, W, "/var/lib/x", NULL));
	CHECK(path_denied(c, R, "/home/u", NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_root_rule_and_implied_defaults)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\n"
						    "default = allow\n"
						    "deny = /\n"
						    "allow = /tmp/\n",
					     &set);
	__u32 rule;

	CHECK(path_denied(c, R, "/anything/at/all", &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(path_denied(c, R, "/", NULL));
	CHECK(!path_denied(c, W, "/tmp/x", NULL));
	/* [exec] and [network] are absent: allow, attributed to the [policy] line. */
	CHECK(!path_denied(c, X, "/bin/sh", &rule));
	CHECK_INT(rule_line(c, rule), 1);
	CHECK(!net_denied(c, "192.0.2.1", LG_NET_TCP, 80, &rule));
	CHECK_INT(rule_line(c, rule), 1);
	CHECK_STR(lg_rule_source(c, rule)->object, "default (implied)");
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_path_depth_bound_fails_closed)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndefault = allow\n", &set);
	char deep[200] = "";
	struct lg_verdict v;

	for (int i = 0; i < 33; i++)
		strcat(deep, "/d");
	CHECK_INT(lg_eval_path(c, 1, R, deep, &v), 0);
	CHECK(v.deny);
	CHECK(v.walk_limit);
	CHECK_INT(v.rule, 0);
	deep[64] = '\0';
	CHECK_INT(lg_eval_path(c, 1, R, deep, &v), 0);
	CHECK(!v.deny);
	CHECK(!v.walk_limit);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_exec_rules)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[exec]\n"
						    "default = deny\n"
						    "allow = /usr/sbin/nginx\n"
						    "allow = /usr/lib/nginx/\n",
					     &set);
	__u32 rule;

	CHECK(!path_denied(c, X, "/usr/sbin/nginx", NULL));
	CHECK(!path_denied(c, X, "/usr/lib/nginx/helper", NULL));
	CHECK(path_denied(c, X, "/usr/bin/sh", &rule));
	CHECK_INT(rule_line(c, rule), 6);
	/* Exec rules do not leak into file rules. */
	CHECK(!path_denied(c, R, "/usr/bin/sh", NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

/* ICMP echo, raw IP and UDP-Lite (LG_NET_OTHER) meet the rules that name an address alone;
 * SCTP (protocol 0) meets none. Attack run 8: a ping socket past deny = ADDR. */
TEST(sem_network_other_protocols_follow_address_rules)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = allow\n"            /* 6 */
						    "deny = 127.0.0.2\n"           /* 7 */
						    "deny = 10.0.0.0/8 53\n"       /* 8 */
						    "deny = 10.1.0.0/16 udp\n"     /* 9 */
						    "allow = 192.0.2.0/24 tcp 80\n" /* 10 */
						    "deny = 192.0.2.0/24\n"         /* 11 */
						    "allow = 198.51.100.9 other\n", /* 12 */
					     &set);
	__u32 rule;

	CHECK(net_denied(c, "127.0.0.2", LG_NET_OTHER, 0, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(net_denied(c, "127.0.0.2", LG_NET_TCP, 80, NULL));
	/* a rule with a port or a protocol is the port protocols' alone */
	CHECK(!net_denied(c, "10.2.3.4", LG_NET_OTHER, 53, NULL));
	CHECK(net_denied(c, "10.2.3.4", LG_NET_UDP, 53, NULL));
	CHECK(!net_denied(c, "10.1.2.3", LG_NET_OTHER, 0, NULL));
	/* beside a port rule on the same prefix, the address rule still takes the others */
	CHECK(!net_denied(c, "192.0.2.7", LG_NET_TCP, 80, &rule));
	CHECK_INT(rule_line(c, rule), 10);
	CHECK(net_denied(c, "192.0.2.7", LG_NET_OTHER, 80, &rule));
	CHECK_INT(rule_line(c, rule), 11);
	/* SCTP matches no rule: the default decides */
	CHECK(!net_denied(c, "127.0.0.2", 0, 0, NULL));
	/* "other" names the other protocols alone */
	CHECK(!net_denied(c, "198.51.100.9", LG_NET_OTHER, 0, &rule));
	CHECK_INT(rule_line(c, rule), 12);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	c = compile_text(HEADER "[network]\n"
				"default = deny\n"
				"allow = 198.51.100.9 other\n",
			 &set);
	CHECK(!net_denied(c, "198.51.100.9", LG_NET_OTHER, 0, NULL));
	CHECK(net_denied(c, "198.51.100.9", LG_NET_TCP, 443, NULL));
	CHECK(net_denied(c, "198.51.100.9", LG_NET_UDP, 53, NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_network_longest_prefix_and_fallback)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = allow\n" /* 6 */
						    "deny = any\n"      /* 7 */
						    "allow = 127.0.0.1 tcp 5432\n"
						    "allow = 10.0.0.0/8 tcp 443\n" /* 9 */
						    "deny = 10.1.0.0/16\n"         /* 10 */
						    "allow = [fd00::/8] udp 53\n",
					     &set);
	__u32 rule;

	CHECK(!net_denied(c, "127.0.0.1", LG_NET_TCP, 5432, &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(net_denied(c, "127.0.0.1", LG_NET_UDP, 5432, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(!net_denied(c, "10.9.9.9", LG_NET_TCP, 443, &rule));
	CHECK_INT(rule_line(c, rule), 9);
	/* 10/8 has no rule for port 80: the next enclosing prefix (any) decides. */
	CHECK(net_denied(c, "10.9.9.9", LG_NET_TCP, 80, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	/* /16 is longer than /8: it decides even for the port /8 allows. */
	CHECK(net_denied(c, "10.1.2.3", LG_NET_TCP, 443, &rule));
	CHECK_INT(rule_line(c, rule), 10);
	CHECK(!net_denied(c, "fd12::1", LG_NET_UDP, 53, &rule));
	CHECK(net_denied(c, "fd12::1", LG_NET_TCP, 53, NULL));
	CHECK(net_denied(c, "2001:db8::1", LG_NET_TCP, 443, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	/* IPv4-mapped IPv6 is matched by the IPv4 rules. */
	CHECK(!net_denied(c, "::ffff:127.0.0.1", LG_NET_TCP, 5432, &rule));
	CHECK_INT(rule_line(c, rule), 8);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_network_port_specificity)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = deny\n"
						    "allow = 10.0.0.0/8 1-65535\n" /* 7 */
						    "deny = 10.0.0.0/8 tcp 1000-2000\n" /* 8 */
						    "allow = 10.0.0.0/8 tcp 1500\n"     /* 9 */
						    "allow = 10.0.0.0/8 22\n"           /* 10 */
						    "deny = 10.0.0.0/8 tcp 22\n"        /* 11 */
						    "deny = 10.0.0.0/8 tcp 3000-3001\n" /* 12 */
						    "allow = 10.0.0.0/8 tcp 3000-3001\n",
					     &set);
	__u32 rule;

	CHECK(!net_denied(c, "10.0.0.1", LG_NET_TCP, 80, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(net_denied(c, "10.0.0.1", LG_NET_TCP, 1200, &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(!net_denied(c, "10.0.0.1", LG_NET_UDP, 1200, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(!net_denied(c, "10.0.0.1", LG_NET_TCP, 1500, &rule));
	CHECK_INT(rule_line(c, rule), 9);
	/* Same width: a named protocol is narrower than both. */
	CHECK(net_denied(c, "10.0.0.1", LG_NET_TCP, 22, &rule));
	CHECK_INT(rule_line(c, rule), 11);
	CHECK(!net_denied(c, "10.0.0.1", LG_NET_UDP, 22, &rule));
	CHECK_INT(rule_line(c, rule), 10);
	/* Same range, same protocol: deny wins. */
	CHECK(net_denied(c, "10.0.0.1", LG_NET_TCP, 3001, &rule));
	CHECK_INT(rule_line(c, rule), 12);
	/* Port 0 is outside 1-65535 and falls to the default. */
	CHECK(net_denied(c, "10.0.0.1", LG_NET_TCP, 0, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_network_families_are_separate)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = allow\n"
						    "deny = ::/0\n"
						    "allow = 0.0.0.0/0 tcp 443\n",
					     &set);

	/* ::/0 means every IPv6 address, not IPv4 (nor IPv4-mapped IPv6). */
	CHECK(!net_denied(c, "192.0.2.1", LG_NET_TCP, 80, NULL));
	CHECK(!net_denied(c, "::ffff:192.0.2.1", LG_NET_TCP, 80, NULL));
	CHECK(net_denied(c, "2001:db8::1", LG_NET_TCP, 443, NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_listen_rules_are_their_own)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = deny\n"                  /* 6 */
						    "allow = any tcp 80\n"              /* 7 */
						    "listen = tcp 443\n"                /* 8 */
						    "listen = 127.0.0.1 tcp 5432\n"     /* 9 */
						    "listen = udp 53\n"                 /* 10 */
						    "deny-listen = 10.0.0.0/8 tcp 443\n" /* 11 */
						    "listen = 0.0.0.0 tcp 8080\n"       /* 12 */
						    "listen = [::1] tcp 9000\n",        /* 13 */
					     &set);
	__u32 rule;

	/* A connect rule allows no listening, a listen rule no connect. */
	CHECK(listen_denied(c, "0.0.0.0", LG_NET_TCP, 80, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	CHECK(!net_denied(c, "192.0.2.1", LG_NET_TCP, 80, &rule));
	CHECK(net_denied(c, "192.0.2.1", LG_NET_TCP, 443, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	CHECK(!listen_denied(c, "0.0.0.0", LG_NET_TCP, 443, &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(!listen_denied(c, "::", LG_NET_TCP, 443, &rule));
	CHECK(listen_denied(c, "0.0.0.0", LG_NET_UDP, 443, &rule));
	CHECK(listen_denied(c, "10.1.2.3", LG_NET_TCP, 443, &rule));
	CHECK_INT(rule_line(c, rule), 11);
	CHECK(!listen_denied(c, "127.0.0.1", LG_NET_TCP, 5432, &rule));
	CHECK_INT(rule_line(c, rule), 9);
	CHECK(!listen_denied(c, "::ffff:127.0.0.1", LG_NET_TCP, 5432, &rule));
	CHECK(listen_denied(c, "0.0.0.0", LG_NET_TCP, 5432, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	CHECK(!listen_denied(c, "0.0.0.0", LG_NET_UDP, 53, NULL));
	CHECK(listen_denied(c, "0.0.0.0", LG_NET_TCP, 53, NULL));
	/* 0.0.0.0 in a listen rule is the wildcard bind: it decides there, nowhere else. */
	CHECK(!listen_denied(c, "0.0.0.0", LG_NET_TCP, 8080, &rule));
	CHECK_INT(rule_line(c, rule), 12);
	CHECK(listen_denied(c, "192.0.2.1", LG_NET_TCP, 8080, NULL));
	/* :: of a dual-stack socket receives IPv4 too: 0.0.0.0 must be allowed as well. */
	CHECK(listen_denied(c, "::", LG_NET_TCP, 9000, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	CHECK(!listen_denied(c, "::1", LG_NET_TCP, 9000, &rule));
	CHECK_INT(rule_line(c, rule), 13);
	/* An unbound socket's listen is port 0: only a rule whose range holds 0 allows it. */
	CHECK(listen_denied(c, "0.0.0.0", LG_NET_TCP, 0, NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_listen_default_follows_network_default)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = allow\n"
						    "deny-listen = any tcp 1-1023\n", /* 7 */
					     &set);
	__u32 rule;

	CHECK(!listen_denied(c, "0.0.0.0", LG_NET_TCP, 8080, NULL));
	CHECK(!listen_denied(c, "0.0.0.0", LG_NET_TCP, 0, NULL));
	CHECK(listen_denied(c, "::", LG_NET_TCP, 22, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(!net_denied(c, "192.0.2.1", LG_NET_TCP, 22, NULL));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_rule_ids_map_to_sources)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /etc/shadow\n[network]\n"
						    "deny = any tcp 25\n",
					     &set);
	const struct lg_rule_source *src;
	__u32 rule;

	CHECK(path_denied(c, R, "/etc/shadow", &rule));
	src = lg_rule_source(c, rule);
	CHECK_STR(src->file, "t.ini");
	CHECK_INT(src->line, 6);
	CHECK_STR(src->object, "/etc/shadow");
	CHECK_INT(src->kind, LG_RULE_PATH);
	CHECK(net_denied(c, "192.0.2.1", LG_NET_TCP, 25, &rule));
	CHECK(net_denied(c, "2001:db8::1", LG_NET_TCP, 25, NULL));
	src = lg_rule_source(c, rule);
	CHECK_INT(src->line, 8);
	CHECK_STR(src->object, "any tcp 25");
	/* One rule id for "any", two keys (IPv4 and IPv6). */
	CHECK_INT(c->net_count, 2);
	CHECK(lg_rule_source(c, 0) == NULL);
	CHECK(lg_rule_source(c, (__u32)c->rule_count + 1) == NULL);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_records_are_keyed_by_seeded_hash)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[files]\ndeny = /etc/shadow\n", &set);
	__u64 h = lg_hash_init(42), w;

	/* Component by component: length, then little-endian words, zero-padded. */
	h = lg_hash_mix(h, 0x2f | (3 << 8));
	memcpy(&w, "etc\0\0\0\0\0", 8);
	h = lg_hash_mix(h, w);
	h = lg_hash_mix(h, 0x2f | (6 << 8));
	memcpy(&w, "shadow\0\0", 8);
	h = lg_hash_mix(h, w);
	CHECK_INT(c->path_count, 1);
	CHECK(c->paths[0].key.hash == h);
	CHECK(c->paths[0].key.hash == lg_path_hash(42, "/etc/shadow"));
	CHECK(lg_path_hash(43, "/etc/shadow") != h);
	CHECK_INT(c->paths[0].key.policy, 1);
	CHECK_INT(c->paths[0].key.class, LG_CLASS_FILE);
	CHECK_INT(c->paths[0].value.deny_mask,
		  (1 << LG_SLOT_EXACT_READ) | (1 << LG_SLOT_EXACT_WRITE));
	CHECK(lg_path_hash(42, "/etc/shadowx") != h);
	CHECK(lg_path_hash(42, "/etcshadow") != h);
	CHECK(lg_path_hash(42, "/") == lg_hash_init(42));
	CHECK(lg_path_hash(42, "") == lg_hash_init(42));
	CHECK_INT(c->policies[0].default_deny, 0);
	CHECK(c->policies[0].seed == 42);
	CHECK_INT(c->policies[0].mode, LG_MODE_ENFORCE);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_banks_offset_policy_ids)
{
	struct lg_policy_set set;
	struct lg_compiled *c0 = compile_text(HEADER "[files]\ndeny = /x\n", &set);
	struct lg_diag diag = {0};
	struct lg_compiled *c1;
	struct lg_verdict v;

	CHECK_INT(lg_compile(&set, 7, 1, &c1, &diag), 0);
	CHECK_INT(c0->policies[0].id, 1);
	CHECK_INT(c1->policies[0].id, LG_MAX_POLICIES + 1);
	CHECK_INT(c1->policies[0].bank, 1);
	CHECK_INT(c1->paths[0].key.policy, LG_MAX_POLICIES + 1);
	CHECK_INT(lg_eval_path(c1, LG_MAX_POLICIES + 1, R, "/x", &v), 0);
	CHECK(v.deny);
	CHECK_INT(lg_eval_path(c1, 1, R, "/x", &v), -EINVAL);
	CHECK_INT(lg_eval_path(c0, LG_MAX_POLICIES + 1, R, "/x", &v), -EINVAL);
	lg_compiled_free(c0);
	lg_compiled_free(c1);
	lg_policy_set_free(&set);
}

TEST(sem_exec_anonymous_is_denied_unless_allowed)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[exec]\ndefault = allow\n", &set);
	const struct lg_rule_source *src;

	CHECK_INT(c->policies[0].flags & LG_POLICY_EXEC_ANONYMOUS, 0);
	src = lg_rule_source(c, c->policies[0].anonymous_rule);
	CHECK_INT(src->kind, LG_RULE_ANONYMOUS);
	CHECK_INT(src->action, LG_ACT_DENY);
	CHECK_INT(src->line, 5); /* implied: the [exec] header */
	CHECK_STR(src->object, "anonymous executables (implied)");
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	c = compile_text(HEADER "[exec]\nanonymous = allow\n", &set);
	CHECK_INT(c->policies[0].flags & LG_POLICY_EXEC_ANONYMOUS, LG_POLICY_EXEC_ANONYMOUS);
	CHECK_INT(lg_rule_source(c, c->policies[0].anonymous_rule)->line, 6);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

/* Abstract unix socket names: exact beats prefix, the longest prefix wins, then the default. */
static bool abstract_denied(const struct lg_compiled *c, const char *name, size_t len,
			    __u32 *rule)
{
	struct lg_verdict v;

	*rule = 0;
	if (lg_eval_abstract(c, 1, (const __u8 *)name, len, false, &v)) {
		FAIL_AT("lg_eval_abstract failed");
		return false;
	}
	*rule = v.rule;
	return v.deny;
}

TEST(sem_abstract_names)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = deny\n"          /* 6 */
						    "allow = @app*\n"           /* 7 */
						    "deny = @app-admin*\n"      /* 8 */
						    "allow = @app-admin-ro\n"   /* 9 */
						    "allow = @x\\x00y\n"        /* 10 */
						    "deny = @app\n"             /* 11 */
						    "allow = 10.0.0.0/8\n",     /* 12 */
					     &set);
	__u32 rule;

	CHECK(!abstract_denied(c, "app-1", 5, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(abstract_denied(c, "app-admin", 9, &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(abstract_denied(c, "app-admin-rw", 12, &rule));
	CHECK_INT(rule_line(c, rule), 8);
	CHECK(!abstract_denied(c, "app-admin-ro", 12, &rule));
	CHECK_INT(rule_line(c, rule), 9);
	/* The exact rule beats the prefix rule of the same bytes. */
	CHECK(abstract_denied(c, "app", 3, &rule));
	CHECK_INT(rule_line(c, rule), 11);
	CHECK(abstract_denied(c, "ap", 2, &rule));
	CHECK_INT(rule_line(c, rule), 6);
	/* NUL bytes count, and so does the length. */
	CHECK(!abstract_denied(c, "x\0y", 3, &rule));
	CHECK_INT(rule_line(c, rule), 10);
	CHECK(abstract_denied(c, "x\0y\0", 4, &rule));
	CHECK(abstract_denied(c, "x", 1, &rule));
	/* Addresses are not names: any covers no abstract name, and the other way round. */
	CHECK(!net_denied(c, "10.1.2.3", LG_NET_TCP, 80, &rule));
	CHECK(abstract_denied(c, "", 0, &rule));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

/* [capabilities]: kept ones allowed by their own line, the rest denied by the header's. */
TEST(sem_capabilities_kept_and_refused)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[capabilities]\n"		/* 5 */
						    "keep = CAP_NET_BIND_SERVICE, setuid\n" /* 6 */
						    "keep = Cap_SetGid\n",			/* 7 */
					     &set);
	struct lg_verdict v;

	CHECK_INT(c->policies[0].capabilities,
		  (1ULL << 10) | (1ULL << 7) | (1ULL << 6)); /* NET_BIND_SERVICE, SETUID, SETGID */
	CHECK(c->policies[0].capabilities_rule != 0);
	CHECK_INT(lg_eval_capability(c, 1, 10, &v), 0);
	CHECK(!v.deny);
	CHECK_INT(rule_line(c, v.rule), 6);
	CHECK_INT(lg_eval_capability(c, 1, 6, &v), 0);
	CHECK(!v.deny);
	CHECK_INT(rule_line(c, v.rule), 7);
	CHECK_INT(lg_eval_capability(c, 1, 21, &v), 0); /* CAP_SYS_ADMIN */
	CHECK(v.deny);
	CHECK_INT(v.rule, c->policies[0].capabilities_rule);
	CHECK_INT(rule_line(c, v.rule), 5);
	CHECK_STR(lg_rule_source(c, v.rule)->object, "capabilities not kept");
	CHECK_INT(lg_eval_capability(c, 1, LG_CAP_LAST, &v), 0);
	CHECK(v.deny);
	CHECK_INT(lg_eval_capability(c, 1, LG_CAP_COUNT, &v), -EINVAL);
	CHECK_INT(lg_policy_rule_count(set.policies[0]), 3);
	lg_compiled_free(c);
	lg_policy_set_free(&set);

	/* An empty section keeps nothing; no section decides nothing (rule 0, allowed). */
	c = compile_text(HEADER "[capabilities]\n", &set);
	CHECK_INT(c->policies[0].capabilities, 0);
	CHECK_INT(lg_eval_capability(c, 1, 10, &v), 0);
	CHECK(v.deny);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
	c = compile_text(HEADER "[files]\ndefault = allow\n", &set);
	CHECK_INT(c->policies[0].capabilities_rule, 0);
	CHECK_INT(lg_eval_capability(c, 1, 21, &v), 0);
	CHECK(!v.deny);
	CHECK_INT(v.rule, 0);
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_abstract_every_name)
{
	struct lg_policy_set set;
	struct lg_compiled *c = compile_text(HEADER "[network]\n"
						    "default = allow\n"
						    "deny = @*\n" /* 7 */
						    "deny = any\n",
					     &set);
	__u32 rule;

	CHECK(abstract_denied(c, "anything", 8, &rule));
	CHECK_INT(rule_line(c, rule), 7);
	CHECK(abstract_denied(c, "", 0, &rule));
	lg_compiled_free(c);
	lg_policy_set_free(&set);
}

TEST(sem_capability_names)
{
	CHECK_STR(lg_capability_name(0), "CAP_CHOWN");
	CHECK_STR(lg_capability_name(21), "CAP_SYS_ADMIN");
	CHECK_STR(lg_capability_name(40), "CAP_CHECKPOINT_RESTORE");
	CHECK(lg_capability_name(41) == NULL);
	CHECK_INT(lg_capability_from_name("CAP_NET_BIND_SERVICE"), 10);
	CHECK_INT(lg_capability_from_name("net_bind_service"), 10);
	CHECK_INT(lg_capability_from_name("cap_sys_nice"), 23);
	CHECK_INT(lg_capability_from_name("CAP_SYS_RESOURCE"), 24);
	CHECK_INT(lg_capability_from_name("checkpoint_restore"), 40);
	CHECK_INT(lg_capability_from_name("CAP_"), -1);
	CHECK_INT(lg_capability_from_name("CAP_NET_BIND"), -1);
	CHECK_INT(lg_capability_from_name("40"), -1);
}
