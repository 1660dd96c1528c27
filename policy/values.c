// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsers for single values of a policy: rule paths, network matches, cgroup paths and
 * systemd unit names. Strict on purpose: anything ambiguous is an error that says what to
 * write instead, never a guess.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

const char *lg_action_name(enum lg_action action)
{
	switch (action) {
	case LG_ACT_ALLOW:
		return "allow";
	case LG_ACT_ALLOW_READ:
		return "allow-read";
	case LG_ACT_DENY:
		return "deny";
	}
	return "?";
}

const char *lg_class_name(enum lg_class class)
{
	switch (class) {
	case LG_CLASS_FILE:
		return "files";
	case LG_CLASS_EXEC:
		return "exec";
	case LG_CLASS_NET:
		return "network";
	default:
		return "?";
	}
}

/*
 * Check an absolute path for the forms we refuse. what names it in messages ("path",
 * "cgroup"). Returns the number of components, or -EINVAL.
 */
static int check_absolute(const char *text, const char *what, char *err, size_t errsize)
{
	const char *p, *start;
	int depth = 0;

	if (text[0] != '/') {
		snprintf(err, errsize, "%s '%s' is relative; write an absolute path starting with '/'",
			 what, text);
		return -EINVAL;
	}
	for (p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errsize, "%s contains a control character (0x%02x)", what, c);
			return -EINVAL;
		}
	}
	for (start = text + 1;; start = p + 1) {
		size_t len;

		p = strchr(start, '/');
		len = p ? (size_t)(p - start) : strlen(start);
		if (len == 0 && p) {
			snprintf(err, errsize, "%s '%s' contains '//'; write a single '/'", what, text);
			return -EINVAL;
		}
		if ((len == 1 && start[0] == '.') || (len == 2 && start[0] == '.' && start[1] == '.')) {
			snprintf(err, errsize,
				 "%s '%s' contains a '%.*s' component; write the normalised path", what,
				 text, (int)len, start);
			return -EINVAL;
		}
		if (len > LG_NAME_MAX) {
			snprintf(err, errsize, "%s '%s' has a component of %zu bytes; the limit is %d",
				 what, text, len, LG_NAME_MAX);
			return -EINVAL;
		}
		if (len)
			depth++;
		if (!p)
			break;
	}
	return depth;
}

int lg_parse_path(const char *text, char **path, bool *subtree, char *err, size_t errsize)
{
	size_t len = strlen(text);
	int depth;

	if (len == 0) {
		snprintf(err, errsize, "empty path");
		return -EINVAL;
	}
	depth = check_absolute(text, "path", err, errsize);
	if (depth < 0)
		return depth;
	if (strpbrk(text, "*?[")) {
		snprintf(err, errsize,
			 "'%s': wildcards are not supported; to cover a directory and everything "
			 "beneath it, end the path with '/'",
			 text);
		return -EINVAL;
	}
	if (depth > LG_PATH_DEPTH_MAX) {
		snprintf(err, errsize, "path '%s' has %d components; lsmguard matches at most %d",
			 text, depth, LG_PATH_DEPTH_MAX);
		return -EINVAL;
	}
	*subtree = text[len - 1] == '/';
	*path = strndup(text, *subtree ? len - 1 : len);
	if (!*path)
		return -ENOMEM;
	return 0;
}

int lg_parse_cgroup(const char *text, char **cgroup, char *err, size_t errsize)
{
	size_t len = strlen(text);
	int depth;

	if (len == 0) {
		snprintf(err, errsize, "empty cgroup path");
		return -EINVAL;
	}
	depth = check_absolute(text, "cgroup", err, errsize);
	if (depth < 0)
		return depth;
	if (depth == 0) {
		snprintf(err, errsize,
			 "cgroup '/' would confine the whole host, lsmguard included; name a "
			 "service's cgroup such as /system.slice/NAME.service");
		return -EINVAL;
	}
	if (text[len - 1] == '/') {
		snprintf(err, errsize, "cgroup '%s' ends with '/'; write '%.*s'", text, (int)len - 1,
			 text);
		return -EINVAL;
	}
	if (depth > LG_CGROUP_DEPTH_MAX) {
		snprintf(err, errsize, "cgroup '%s' is %d levels deep; lsmguard supports %d", text,
			 depth, LG_CGROUP_DEPTH_MAX);
		return -EINVAL;
	}
	*cgroup = strdup(text);
	return *cgroup ? 0 : -ENOMEM;
}

/* systemd escaping of a unit-name prefix for its slice name: '-' becomes \x2d. */
static void escape_slice_part(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < size; i++) {
		if (in[i] == '-') {
			memcpy(out + o, "\\x2d", 4);
			o += 4;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
}

/*
 * unit = NAME.service: systemd places a service in /system.slice/NAME.service, and an instance
 * of a template (NAME@INSTANCE.service) in /system.slice/system-NAME.slice/NAME@INSTANCE.service.
 */
int lg_unit_to_cgroup(const char *unit, char **cgroup, char *err, size_t errsize)
{
	static const char suffix[] = ".service";
	size_t len = strlen(unit), slen = sizeof(suffix) - 1;
	const char *at;
	char buf[512], prefix[300];

	for (const char *p = unit; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr(":_.\\-@", *p)) {
			snprintf(err, errsize,
				 "unit '%s' contains '%c'; unit names use letters, digits and : _ . \\ - @",
				 unit, *p);
			return -EINVAL;
		}
	}
	if (len <= slen || strcmp(unit + len - slen, suffix) != 0) {
		snprintf(err, errsize, "unit '%s' is not a service; write '%s.service'", unit, unit);
		return -EINVAL;
	}
	at = strchr(unit, '@');
	if (at && at != unit) {
		escape_slice_part(unit, (size_t)(at - unit), prefix, sizeof(prefix));
		snprintf(buf, sizeof(buf), "/system.slice/system-%s.slice/%s", prefix, unit);
	} else if (at) {
		snprintf(err, errsize, "unit '%s' has an empty template name before '@'", unit);
		return -EINVAL;
	} else {
		snprintf(buf, sizeof(buf), "/system.slice/%s", unit);
	}
	*cgroup = strdup(buf);
	return *cgroup ? 0 : -ENOMEM;
}

int lg_unit_in_slice(const char *unit, const char *slice, char **cgroup, char *err,
		     size_t errsize)
{
	static const char suffix[] = ".slice";
	size_t len = strlen(slice), slen = sizeof(suffix) - 1, used = 0;
	char buf[512], *check;
	int ret;

	/* The unit's own name rules (and a service). */
	ret = lg_unit_to_cgroup(unit, &check, err, errsize);
	if (ret)
		return ret;
	free(check);
	for (const char *p = slice; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr(":_.\\-", *p)) {
			snprintf(err, errsize,
				 "slice '%s' contains '%c'; slice names use letters, digits and : _ . \\ -",
				 slice, *p);
			return -EINVAL;
		}
	}
	if (len <= slen || strcmp(slice + len - slen, suffix) != 0 || slice[0] == '-' ||
	    strstr(slice, "--") || slice[len - slen - 1] == '-') {
		if (strcmp(slice, "-.slice") == 0) {
			snprintf(buf, sizeof(buf), "/%s", unit); /* the root slice */
			goto out;
		}
		snprintf(err, errsize,
			 "slice '%s' is not a slice name; write e.g. user.slice or user-1000.slice "
			 "(each '-' opens a slice inside the one before it)",
			 slice);
		return -EINVAL;
	}
	/* a-b-c.slice lives in /a.slice/a-b.slice/a-b-c.slice, as systemd nests them. */
	for (size_t i = 0; i < len - slen; i++) {
		if (slice[i] != '-' && i + 1 != len - slen)
			continue;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "/%.*s.slice",
					 (int)(slice[i] == '-' ? i : i + 1), slice);
		if (used >= sizeof(buf))
			break;
	}
	if (used + strlen(unit) + 2 > sizeof(buf)) {
		snprintf(err, errsize, "slice '%s' with unit '%s' is too long a cgroup path", slice,
			 unit);
		return -EINVAL;
	}
	snprintf(buf + used, sizeof(buf) - used, "/%s", unit);
out:
	*cgroup = strdup(buf);
	return *cgroup ? 0 : -ENOMEM;
}

/* Strict dotted-quad: four decimal numbers 0..255, no leading zeros. */
static int parse_ipv4(const char *text, __u8 out[4], char *err, size_t errsize)
{
	const char *p = text;

	for (int i = 0; i < 4; i++) {
		unsigned value = 0;
		const char *start = p;

		while (isdigit((unsigned char)*p) && p - start < 4)
			value = value * 10 + (unsigned)(*p++ - '0');
		if (p == start || (i < 3 && *p != '.') || (i == 3 && *p != '\0') || value > 255) {
			snprintf(err, errsize, "'%s' is not an IPv4 address", text);
			return -EINVAL;
		}
		if (p - start > 1 && start[0] == '0') {
			snprintf(err, errsize,
				 "'%s': leading zero in '%.*s' could be read as octal; write it without "
				 "leading zeros",
				 text, (int)(p - start), start);
			return -EINVAL;
		}
		out[i] = (__u8)value;
		p++;
	}
	return 0;
}

static int parse_prefix_len(const char *text, const char *addr, int max, char *err, size_t errsize)
{
	int value = 0;

	if (!*text) {
		snprintf(err, errsize, "'%s/': missing prefix length after '/'", addr);
		return -EINVAL;
	}
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p) || p - text > 3) {
			snprintf(err, errsize, "'%s/%s': prefix length must be a number from 0 to %d",
				 addr, text, max);
			return -EINVAL;
		}
		value = value * 10 + (*p - '0');
	}
	if (value > max) {
		snprintf(err, errsize, "'%s/%s': prefix length %d is longer than the %d bits of the address",
			 addr, text, value, max);
		return -EINVAL;
	}
	return value;
}

static bool looks_like_hostname(const char *text)
{
	bool alpha = false;

	for (const char *p = text; *p; p++) {
		if (isalpha((unsigned char)*p) && !isxdigit((unsigned char)*p))
			alpha = true;
		else if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return false;
	}
	return alpha;
}

/* ADDRESS[/PREFIX], [IPV6[/PREFIX]], [IPV6]/PREFIX or "any". */
static int parse_address(const char *token, struct lg_net_rule *rule, char *err, size_t errsize)
{
	char buf[128], *slash, *addr = buf;
	const char *prefix_text = NULL;
	int prefix, max;

	if (strcmp(token, "any") == 0) {
		rule->family = 0; /* both families, /0: expanded by the compiler */
		rule->prefix = 0;
		return 0;
	}
	if (strlen(token) >= sizeof(buf)) {
		snprintf(err, errsize, "'%.40s...' is too long to be an address", token);
		return -EINVAL;
	}
	strcpy(buf, token);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close) {
			snprintf(err, errsize, "'%s': missing ']'", token);
			return -EINVAL;
		}
		*close = '\0';
		addr = buf + 1;
		if (close[1] == '/') {
			prefix_text = close + 2;
		} else if (close[1]) {
			snprintf(err, errsize,
				 "'%s': unexpected '%s' after ']'; ports go after the protocol, as in "
				 "'[fd00::1] tcp 443'",
				 token, close + 1);
			return -EINVAL;
		}
	}
	slash = strchr(addr, '/');
	if (slash) {
		if (prefix_text) {
			snprintf(err, errsize, "'%s': two prefix lengths", token);
			return -EINVAL;
		}
		*slash = '\0';
		prefix_text = slash + 1;
	}
	memset(rule->addr, 0, sizeof(rule->addr));
	if (strchr(addr, ':')) {
		if (inet_pton(AF_INET6, addr, rule->addr) != 1) {
			snprintf(err, errsize, "'%s' is not an IPv6 address", addr);
			return -EINVAL;
		}
		rule->family = 6;
		max = 128;
	} else if (looks_like_hostname(addr)) {
		snprintf(err, errsize,
			 "'%s' is a name, not an address; lsmguard does not resolve names: write an "
			 "IP address or prefix",
			 addr);
		return -EINVAL;
	} else {
		if (parse_ipv4(addr, rule->addr, err, errsize))
			return -EINVAL;
		rule->family = 4;
		max = 32;
	}
	prefix = prefix_text ? parse_prefix_len(prefix_text, addr, max, err, errsize) : max;
	if (prefix < 0)
		return prefix;
	rule->prefix = (__u8)prefix;

	/* IPv4-mapped IPv6 (::ffff:a.b.c.d) is matched by IPv4 rules: store it as IPv4. */
	if (rule->family == 6) {
		static const __u8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		if (memcmp(rule->addr, mapped, 12) == 0 && prefix >= 96) {
			memmove(rule->addr, rule->addr + 12, 4);
			memset(rule->addr + 4, 0, 12);
			rule->family = 4;
			rule->prefix = (__u8)(prefix - 96);
			max = 32;
		} else if (prefix < 96 && prefix > 80 && memcmp(rule->addr, mapped, 10) == 0 &&
			   rule->addr[10] == 0xff) {
			snprintf(err, errsize,
				 "'%s': a prefix shorter than /96 on an IPv4-mapped address mixes IPv4 "
				 "and IPv6; write an IPv4 prefix instead",
				 token);
			return -EINVAL;
		}
	}

	/* Host bits set after the prefix are almost always a typo: refuse and suggest. */
	for (int bit = rule->prefix; bit < max; bit++) {
		if (rule->addr[bit / 8] & (0x80 >> (bit % 8))) {
			struct lg_net_rule fixed = *rule;
			char suggestion[80];

			for (int b = rule->prefix; b < max; b++)
				fixed.addr[b / 8] &= (__u8) ~(0x80 >> (b % 8));
			fixed.protocols = 0;
			lg_net_rule_format(&fixed, suggestion, sizeof(suggestion));
			snprintf(err, errsize,
				 "'%s' has bits set after the /%d prefix; did you mean %s?", token,
				 rule->prefix, suggestion);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_port(const char *text, const char *whole, unsigned *out, char *err, size_t errsize)
{
	unsigned value = 0;

	if (!*text) {
		snprintf(err, errsize, "'%s' is not a port or port range", whole);
		return -EINVAL;
	}
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p) || p - text > 5) {
			snprintf(err, errsize, "'%s' is not a port or port range (write 443 or 8000-8100)",
				 whole);
			return -EINVAL;
		}
		value = value * 10 + (unsigned)(*p - '0');
	}
	if (value > 65535) {
		snprintf(err, errsize, "port %s is out of range; ports go from 0 to 65535", text);
		return -EINVAL;
	}
	*out = value;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lg_parse_abstract(const char *text, __u8 name[LG_ABSTRACT_NAME_MAX], size_t *len,
		      bool *prefix, char *err, size_t errsize)
{
	const char *p = text + 1;
	size_t n = 0;

	*prefix = false;
	*len = 0;
	if (text[0] != '@') {
		snprintf(err, errsize, "'%s' is not an abstract socket name; write @NAME", text);
		return -EINVAL;
	}
	while (*p) {
		unsigned char c = (unsigned char)*p;
		int byte;

		if (c == '*') {
			if (p[1]) {
				snprintf(err, errsize,
					 "'*' in '%s' is not at the end: '*' only ends a prefix "
					 "(@PREFIX*); write \\x2a for the character",
					 text);
				return -EINVAL;
			}
			*prefix = true;
			break;
		}
		if (c == '\\') {
			if (p[1] == '\\') {
				byte = '\\';
				p += 2;
			} else if (p[1] == 'x' && hex_digit(p[2]) >= 0 && hex_digit(p[3]) >= 0) {
				byte = hex_digit(p[2]) * 16 + hex_digit(p[3]);
				p += 4;
			} else {
				snprintf(err, errsize,
					 "bad escape in '%s': write \\xHH for a byte (\\x00 for "
					 "NUL, \\x20 for a space) or \\\\ for a backslash",
					 text);
				return -EINVAL;
			}
		} else if (c <= 0x20 || c == 0x7f) {
			snprintf(err, errsize,
				 "'%s' holds a space or control character; write it as \\xHH",
				 text);
			return -EINVAL;
		} else {
			byte = c;
			p++;
		}
		if (n == LG_ABSTRACT_NAME_MAX) {
			snprintf(err, errsize,
				 "abstract name '%s' is longer than %d bytes (sun_path less its "
				 "leading NUL)",
				 text, LG_ABSTRACT_NAME_MAX);
			return -EINVAL;
		}
		name[n++] = (__u8)byte;
	}
	if (!n && !*prefix) {
		snprintf(err, errsize,
			 "empty abstract name: write @NAME, @PREFIX* or @* (every abstract name)");
		return -EINVAL;
	}
	*len = n;
	return 0;
}

void lg_abstract_format(const __u8 *name, size_t len, bool prefix, char *buf, size_t size)
{
	char text[LG_ABSTRACT_TEXT_MAX];
	size_t o = 0;

	text[o++] = '@';
	for (size_t i = 0; i < len && i < LG_ABSTRACT_NAME_MAX; i++) {
		__u8 c = name[i];

		if (c == '\\') {
			text[o++] = '\\';
			text[o++] = '\\';
		} else if (c <= 0x20 || c >= 0x7f || c == '*') {
			snprintf(text + o, 5, "\\x%02x", c);
			o += 4;
		} else {
			text[o++] = (char)c;
		}
	}
	if (prefix)
		text[o++] = '*';
	text[o] = '\0';
	lg_strcopy(buf, size, text);
}

int lg_parse_net(const char *text, struct lg_net_rule *rule, char *err, size_t errsize)
{
	char buf[256], *tokens[8], *save = NULL, *tok;
	int count = 0, next = 1;

	memset(rule, 0, sizeof(*rule));
	rule->protocols = LG_NET_TCP | LG_NET_UDP;
	rule->port_lo = 0;
	rule->port_hi = 65535;
	if (text[0] == '@') {
		size_t len;

		if (strpbrk(text, " \t")) {
			snprintf(err, errsize,
				 "'%s': an abstract socket name takes no protocol or port, and a "
				 "space in it is written \\x20",
				 text);
			return -EINVAL;
		}
		if (lg_parse_abstract(text, rule->name, &len, &rule->name_prefix, err, errsize))
			return -EINVAL;
		rule->family = LG_NET_FAMILY_ABSTRACT;
		rule->name_len = (__u8)len;
		return 0;
	}
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errsize, "network rule is too long");
		return -EINVAL;
	}
	strcpy(buf, text);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (count == 8) {
			snprintf(err, errsize, "too many words in '%s'", text);
			return -EINVAL;
		}
		tokens[count++] = tok;
	}
	if (count == 0) {
		snprintf(err, errsize, "empty network rule; write ADDRESS[/PREFIX] [tcp|udp] [PORT]");
		return -EINVAL;
	}
	if (parse_address(tokens[0], rule, err, errsize))
		return -EINVAL;
	if (next < count && (strcmp(tokens[next], "tcp") == 0 || strcmp(tokens[next], "udp") == 0)) {
		rule->protocols = tokens[next][0] == 't' ? LG_NET_TCP : LG_NET_UDP;
		next++;
	} else if (next < count && strcmp(tokens[next], "other") == 0) {
		/* ICMP echo, raw IP, UDP-Lite: no ports */
		rule->protocols = LG_NET_OTHER;
		next++;
		if (next < count) {
			snprintf(err, errsize,
				 "'%s': protocol 'other' (ping, raw IP, UDP-Lite) has no ports; write "
				 "ADDRESS[/PREFIX] other",
				 text);
			return -EINVAL;
		}
	} else if (next < count && (strcasecmp(tokens[next], "tcp") == 0 ||
				    strcasecmp(tokens[next], "udp") == 0 ||
				    strcasecmp(tokens[next], "other") == 0)) {
		char lower[8];
		size_t i;

		for (i = 0; tokens[next][i] && i < sizeof(lower) - 1; i++)
			lower[i] = (char)tolower((unsigned char)tokens[next][i]);
		lower[i] = '\0';
		snprintf(err, errsize, "protocol '%s' must be lower case: write '%s'", tokens[next],
			 lower);
		return -EINVAL;
	}
	if (next < count) {
		char *dash = strchr(tokens[next], '-');
		unsigned lo, hi;

		if (!isdigit((unsigned char)tokens[next][0])) {
			snprintf(err, errsize,
				 "'%s' is neither a protocol (tcp, udp, other) nor a port; write "
				 "ADDRESS[/PREFIX] [tcp|udp] [PORT or PORT-PORT]",
				 tokens[next]);
			return -EINVAL;
		}
		if (dash)
			*dash = '\0';
		if (parse_port(tokens[next], text, &lo, err, errsize))
			return -EINVAL;
		hi = lo;
		if (dash && parse_port(dash + 1, text, &hi, err, errsize))
			return -EINVAL;
		if (hi < lo) {
			snprintf(err, errsize, "port range %u-%u is backwards; write %u-%u", lo, hi, hi, lo);
			return -EINVAL;
		}
		rule->port_lo = (__u16)lo;
		rule->port_hi = (__u16)hi;
		next++;
	}
	if (next < count) {
		snprintf(err, errsize, "unexpected '%s' at the end of '%s'", tokens[next], text);
		return -EINVAL;
	}
	/* An address with no protocol and no port: every protocol that reaches it (ICMP echo,
	 * raw IP, UDP-Lite too), not TCP and UDP alone. */
	if (rule->protocols == (LG_NET_TCP | LG_NET_UDP) && rule->port_lo == 0 &&
	    rule->port_hi == 65535)
		rule->protocols |= LG_NET_OTHER;
	return 0;
}

int lg_parse_listen(const char *text, struct lg_net_rule *rule, char *err, size_t errsize)
{
	char buf[260];
	size_t skip = strspn(text, " \t");
	const char *first = text + skip;
	size_t len = strcspn(first, " \t");
	bool no_address = len == 0 || (len == 3 && (strncasecmp(first, "tcp", 3) == 0 ||
						    strncasecmp(first, "udp", 3) == 0));
	int ret;

	/* A port alone: digits and at most one dash, no dot or colon of an address. */
	if (!no_address && strspn(first, "0123456789-") == len && isdigit((unsigned char)*first))
		no_address = true;
	if (no_address && strlen(text) + 5 > sizeof(buf)) {
		snprintf(err, errsize, "network rule is too long");
		return -EINVAL;
	}
	if (no_address)
		snprintf(buf, sizeof(buf), "any %s", first);
	ret = lg_parse_net(no_address ? buf : text, rule, err, errsize);
	if (ret && strstr(err, "write ADDRESS[/PREFIX]"))
		snprintf(err, errsize, "'%s' is not a listen rule; write [ADDRESS[/PREFIX]] [tcp|udp] "
				       "[PORT or PORT-PORT], e.g. 'tcp 443' or '127.0.0.1 tcp 5432'",
			 text);
	rule->listen = true;
	return ret;
}

/* Text appended to buf (size bytes, size > 0), always terminated, cut short as snprintf is. */
struct text_out {
	char *buf;
	size_t size, len;
};

static void put_text(struct text_out *t, const char *s)
{
	for (; *s && t->len + 1 < t->size; s++)
		t->buf[t->len++] = *s;
	t->buf[t->len] = '\0';
}

static void put_number(struct text_out *t, unsigned value)
{
	char digits[12];
	size_t at = sizeof(digits) - 1;

	digits[at] = '\0';
	do
		digits[--at] = (char)('0' + value % 10);
	while ((value /= 10) && at > 0);
	put_text(t, digits + at);
}

/*
 * Without printf: a reload formats every network rule of every policy for its text (make
 * bench, 2026-12-04: snprintf and inet_ntop were 4 of the 62 ms that 10,005 rules' parse and
 * compile take in the VM).
 */
void lg_net_rule_format(const struct lg_net_rule *rule, char *buf, size_t size)
{
	struct text_out t = {buf, size, 0};

	if (!size)
		return;
	buf[0] = '\0';
	if (rule->listen)
		put_text(&t, "listen ");
	if (rule->family == LG_NET_FAMILY_ABSTRACT) {
		char name[LG_ABSTRACT_TEXT_MAX];

		lg_abstract_format(rule->name, rule->name_len, rule->name_prefix, name, sizeof(name));
		put_text(&t, name);
		return;
	}
	if (rule->family == 0) {
		put_text(&t, "any");
	} else if (rule->family == 4) {
		for (int i = 0; i < 4; i++) {
			if (i)
				put_text(&t, ".");
			put_number(&t, rule->addr[i]);
		}
		put_text(&t, "/");
		put_number(&t, rule->prefix);
	} else {
		char addr[INET6_ADDRSTRLEN] = "";

		inet_ntop(AF_INET6, rule->addr, addr, sizeof(addr));
		put_text(&t, "[");
		put_text(&t, addr);
		put_text(&t, "/");
		put_number(&t, rule->prefix);
		put_text(&t, "]");
	}
	if (rule->protocols == LG_NET_TCP)
		put_text(&t, " tcp");
	else if (rule->protocols == LG_NET_UDP)
		put_text(&t, " udp");
	else if (rule->protocols == LG_NET_OTHER)
		put_text(&t, " other");
	if (rule->port_lo == rule->port_hi || rule->port_lo != 0 || rule->port_hi != 65535) {
		put_text(&t, " ");
		put_number(&t, rule->port_lo);
		if (rule->port_hi != rule->port_lo) {
			put_text(&t, "-");
			put_number(&t, rule->port_hi);
		}
	}
}

size_t lg_strcopy(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
	return len;
}
