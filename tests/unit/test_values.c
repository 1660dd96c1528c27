// SPDX-License-Identifier: GPL-2.0-only
/* Single values: rule paths and network matches, accepted and refused forms. */
#include <stdlib.h>

#include "harness.h"
#include "helpers.h"

static void path_ok(const char *text, const char *expect, bool subtree)
{
	char err[512] = "";
	char *path = NULL;
	bool st = !subtree;

	if (lg_parse_path(text, &path, &st, err, sizeof(err))) {
		FAIL_AT("'%s' refused: %s", text, err);
		return;
	}
	CHECK_STR(path, expect);
	CHECK_INT(st, subtree);
	free(path);
}

static void path_bad(const char *text, const char *message)
{
	char err[512] = "";
	char *path = NULL;
	bool st;

	CHECK_INT(lg_parse_path(text, &path, &st, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, message);
	CHECK(path == NULL);
}

TEST(path_forms)
{
	path_ok("/etc/shadow", "/etc/shadow", false);
	path_ok("/etc/", "/etc", true);
	path_ok("/", "", true);
	path_ok("/a/.hidden/..x", "/a/.hidden/..x", false);
	path_bad("etc/shadow", "path 'etc/shadow' is relative; write an absolute path starting with '/'");
	path_bad("/etc//shadow", "path '/etc//shadow' contains '//'; write a single '/'");
	path_bad("/etc/../shadow",
		 "path '/etc/../shadow' contains a '..' component; write the normalised path");
	path_bad("/etc/./shadow",
		 "path '/etc/./shadow' contains a '.' component; write the normalised path");
	path_bad("/etc/.", "path '/etc/.' contains a '.' component; write the normalised path");
	path_bad("/etc/*.conf", "'/etc/*.conf': wildcards are not supported; to cover a directory "
				"and everything beneath it, end the path with '/'");
	path_bad("/a\tb", "path contains a control character (0x09)");
}

TEST(path_depth_and_component_limits)
{
	char deep[200] = "", name[300];

	for (int i = 0; i < 33; i++)
		strcat(deep, "/a");
	{
		char err[512], *path = NULL, expect[400];
		bool st;

		CHECK_INT(lg_parse_path(deep, &path, &st, err, sizeof(err)), -EINVAL);
		snprintf(expect, sizeof(expect),
			 "path '%s' has 33 components; lsmguard matches at most 32", deep);
		CHECK_STR(err, expect);
	}
	deep[64] = '\0'; /* 32 components is fine */
	path_ok(deep, deep, false);
	memset(name, 'x', sizeof(name));
	name[0] = '/';
	name[257] = '\0';
	{
		char err[512], *path = NULL;
		bool st;

		CHECK_INT(lg_parse_path(name, &path, &st, err, sizeof(err)), -EINVAL);
		CHECK(strstr(err, "has a component of 256 bytes; the limit is 255") != NULL);
	}
}

static struct lg_net_rule net_ok(const char *text)
{
	struct lg_net_rule rule;
	char err[512];

	if (lg_parse_net(text, &rule, err, sizeof(err)))
		FAIL_AT("'%s' refused: %s", text, err);
	return rule;
}

static void net_bad(const char *text, const char *message)
{
	struct lg_net_rule rule;
	char err[512] = "";

	CHECK_INT(lg_parse_net(text, &rule, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, message);
}

static void net_formats_as(const char *text, const char *expect)
{
	struct lg_net_rule rule = net_ok(text);
	char buf[128];

	lg_net_rule_format(&rule, buf, sizeof(buf));
	CHECK_STR(buf, expect);
}

TEST(net_forms)
{
	struct lg_net_rule r = net_ok("10.0.0.0/8 tcp 443");

	CHECK_INT(r.family, 4);
	CHECK_INT(r.prefix, 8);
	CHECK_INT(r.addr[0], 10);
	CHECK_INT(r.protocols, LG_NET_TCP);
	CHECK_INT(r.port_lo, 443);
	CHECK_INT(r.port_hi, 443);
	r = net_ok("any");
	CHECK_INT(r.family, 0);
	/* an address alone covers every protocol (ICMP echo, raw IP, UDP-Lite), not TCP and UDP */
	CHECK_INT(r.protocols, LG_NET_TCP | LG_NET_UDP | LG_NET_OTHER);
	CHECK_INT(r.port_lo, 0);
	CHECK_INT(r.port_hi, 65535);
	r = net_ok("127.0.0.2");
	CHECK_INT(r.protocols, LG_NET_TCP | LG_NET_UDP | LG_NET_OTHER);
	/* a port or a protocol names the port protocols only */
	r = net_ok("127.0.0.2 53");
	CHECK_INT(r.protocols, LG_NET_TCP | LG_NET_UDP);
	r = net_ok("127.0.0.2 0-65535");
	CHECK_INT(r.protocols, LG_NET_TCP | LG_NET_UDP | LG_NET_OTHER);
	r = net_ok("127.0.0.2 udp");
	CHECK_INT(r.protocols, LG_NET_UDP);
	/* the other protocols alone (what learn writes for a ping): no TCP, no UDP, no port */
	r = net_ok("127.0.0.2 other");
	CHECK_INT(r.protocols, LG_NET_OTHER);
	net_formats_as("10.0.0.9 other", "10.0.0.9/32 other");
	net_formats_as("127.0.0.1 tcp 5432", "127.0.0.1/32 tcp 5432");
	net_formats_as("[fd00::/8] udp 53", "[fd00::/8] udp 53");
	net_formats_as("[fd00::]/8 udp 53", "[fd00::/8] udp 53");
	net_formats_as("fd00::/8 udp 53", "[fd00::/8] udp 53");
	net_formats_as("[::1]", "[::1/128]");
	net_formats_as("192.168.0.0/16 8000-8100", "192.168.0.0/16 8000-8100");
	net_formats_as("0.0.0.0/0 udp", "0.0.0.0/0 udp");
	net_formats_as("any tcp 22", "any tcp 22");
	net_formats_as("255.255.255.255 udp 65535", "255.255.255.255/32 udp 65535");
	net_formats_as("10.1.2.0/24 0-1", "10.1.2.0/24 0-1");
}

/* A buffer too small: cut short and terminated, as snprintf would. */
TEST(net_format_cut_short)
{
	struct lg_net_rule rule = net_ok("10.0.0.9 other");
	char buf[8];

	memset(buf, '#', sizeof(buf)); /* a sentinel: what the format leaves unwritten */
	lg_net_rule_format(&rule, buf, sizeof(buf));
	CHECK_STR(buf, "10.0.0.");
	lg_net_rule_format(&rule, buf, 1);
	CHECK_STR(buf, "");
	buf[0] = '#';
	lg_net_rule_format(&rule, buf, 0);
	CHECK_INT(buf[0], '#');
}

static void listen_formats_as(const char *text, const char *expect)
{
	struct lg_net_rule rule;
	char buf[128], err[512] = "";

	if (lg_parse_listen(text, &rule, err, sizeof(err))) {
		FAIL_AT("'%s' refused: %s", text, err);
		return;
	}
	CHECK(rule.listen);
	lg_net_rule_format(&rule, buf, sizeof(buf));
	CHECK_STR(buf, expect);
}

TEST(listen_forms)
{
	struct lg_net_rule rule;
	char err[512] = "";

	listen_formats_as("tcp 80", "listen any tcp 80");
	listen_formats_as("udp", "listen any udp");
	listen_formats_as("443", "listen any 443");
	listen_formats_as("8000-8100", "listen any 8000-8100");
	listen_formats_as("127.0.0.1 tcp 5432", "listen 127.0.0.1/32 tcp 5432");
	listen_formats_as("0.0.0.0 tcp 80", "listen 0.0.0.0/32 tcp 80");
	listen_formats_as("[::] tcp 22", "listen [::/128] tcp 22");
	listen_formats_as("any tcp 22", "listen any tcp 22");
	CHECK_INT(lg_parse_listen("TCP 80", &rule, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "protocol 'TCP' must be lower case: write 'tcp'");
	CHECK_INT(lg_parse_listen("tcp http", &rule, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "'tcp http' is not a listen rule; write [ADDRESS[/PREFIX]] [tcp|udp] "
		       "[PORT or PORT-PORT], e.g. 'tcp 443' or '127.0.0.1 tcp 5432'");
	CHECK_INT(lg_parse_listen("80-", &rule, err, sizeof(err)), -EINVAL);
	CHECK_INT(lg_parse_listen("tcp 70000", &rule, err, sizeof(err)), -EINVAL);
}

TEST(net_ipv4_mapped_is_normalised)
{
	struct lg_net_rule r = net_ok("::ffff:10.1.2.3 tcp 80");

	CHECK_INT(r.family, 4);
	CHECK_INT(r.prefix, 32);
	CHECK_INT(r.addr[0], 10);
	CHECK_INT(r.addr[3], 3);
	CHECK_INT(r.addr[4], 0);
	r = net_ok("[::ffff:10.0.0.0/104]");
	CHECK_INT(r.family, 4);
	CHECK_INT(r.prefix, 8);
	net_bad("::ffff:0:0/90", "'::ffff:0:0/90': a prefix shorter than /96 on an IPv4-mapped "
				 "address mixes IPv4 and IPv6; write an IPv4 prefix instead");
}

TEST(net_refused_forms)
{
	net_bad("10.0.0.0/33", "'10.0.0.0/33': prefix length 33 is longer than the 32 bits of the "
			       "address");
	net_bad("fd00::/129", "'fd00::/129': prefix length 129 is longer than the 128 bits of the "
			      "address");
	net_bad("10.0.0.1 tcp 65536", "port 65536 is out of range; ports go from 0 to 65535");
	net_bad("10.0.0.1 tcp 90-80", "port range 90-80 is backwards; write 80-90");
	net_bad("010.0.0.1", "'010.0.0.1': leading zero in '010' could be read as octal; write it "
			     "without leading zeros");
	net_bad("10.1.2.3/8", "'10.1.2.3/8' has bits set after the /8 prefix; did you mean "
			      "10.0.0.0/8?");
	net_bad("[fd00::1/8]", "'[fd00::1/8]' has bits set after the /8 prefix; did you mean "
			       "[fd00::/8]?");
	net_bad("example.com tcp 443", "'example.com' is a name, not an address; lsmguard does not "
				       "resolve names: write an IP address or prefix");
	net_bad("10.0.0.1 TCP 80", "protocol 'TCP' must be lower case: write 'tcp'");
	net_bad("10.0.0.1 Other", "protocol 'Other' must be lower case: write 'other'");
	net_bad("10.0.0.1 other 53",
		"'10.0.0.1 other 53': protocol 'other' (ping, raw IP, UDP-Lite) has no ports; write "
		"ADDRESS[/PREFIX] other");
	net_bad("10.0.0.1 sctp 80", "'sctp' is neither a protocol (tcp, udp, other) nor a port; write "
				    "ADDRESS[/PREFIX] [tcp|udp] [PORT or PORT-PORT]");
	net_bad("10.0.0.1 tcp 80 90", "unexpected '90' at the end of '10.0.0.1 tcp 80 90'");
	net_bad("1.2.3", "'1.2.3' is not an IPv4 address");
	net_bad("1.2.3.256", "'1.2.3.256' is not an IPv4 address");
	net_bad("[fd00::1", "'[fd00::1': missing ']'");
	net_bad("fd00:::1", "'fd00:::1' is not an IPv6 address");
	net_bad("10.0.0.1/", "'10.0.0.1/': missing prefix length after '/'");
	net_bad("10.0.0.1/x", "'10.0.0.1/x': prefix length must be a number from 0 to 32");
	net_bad("10.0.0.1 tcp 8O", "'10.0.0.1 tcp 8O' is not a port or port range (write 443 or "
				   "8000-8100)");
	net_bad("[fd00::1]:443", "'[fd00::1]:443': unexpected ':443' after ']'; ports go after the "
				 "protocol, as in '[fd00::1] tcp 443'");
}

TEST(net_abstract_names)
{
	struct lg_net_rule r = net_ok("@app\\x00x\\\\y*");
	char text[LG_ABSTRACT_TEXT_MAX];
	char longest[200] = "@";

	CHECK_INT(r.family, LG_NET_FAMILY_ABSTRACT);
	CHECK_INT(r.name_len, 7);
	CHECK(r.name_prefix);
	CHECK(memcmp(r.name, "app\0x\\y", 7) == 0);
	net_formats_as("@app\\x00x\\\\y*", "@app\\x00x\\\\y*");
	net_formats_as("@*", "@*");
	net_formats_as("@\\x2a\\x20\\xff", "@\\x2a\\x20\\xff");
	/* The formatter escapes what a rule must escape, whatever the input. */
	lg_abstract_format((const __u8 *)"a b\n\"*\x7f", 7, false, text, sizeof(text));
	CHECK_STR(text, "@a\\x20b\\x0a\"\\x2a\\x7f");
	memset(longest + 1, 'y', 107);
	net_ok(longest);
	strcat(longest, "y");
	net_bad(longest, "abstract name '@yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' is longer than 107 bytes (sun_path less its leading NUL)");
	net_bad("@", "empty abstract name: write @NAME, @PREFIX* or @* (every abstract name)");
	net_bad("@a*b", "'*' in '@a*b' is not at the end: '*' only ends a prefix (@PREFIX*); write "
		       "\\x2a for the character");
	net_bad("@a tcp 80", "'@a tcp 80': an abstract socket name takes no protocol or port, and a "
			    "space in it is written \\x20");
	net_bad("@a\\x0", "bad escape in '@a\\x0': write \\xHH for a byte (\\x00 for NUL, \\x20 for a "
			  "space) or \\\\ for a backslash");
	net_bad("@a\tb", "'@a\tb': an abstract socket name takes no protocol or port, and a space in "
			 "it is written \\x20");
	net_bad("@a\x01", "'@a\x01' holds a space or control character; write it as \\xHH");
}
