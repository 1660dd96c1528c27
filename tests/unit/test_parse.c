// SPDX-License-Identifier: GPL-2.0-only
/* The policy file syntax: every error message, exactly, with its line. */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "helpers.h"

/* Parse text expecting failure; return the diagnostics. */
struct lg_diag parse_fail(const char *text);
struct lg_diag parse_fail(const char *text)
{
	struct lg_diag diag = {0};
	struct lg_policy *policy = (struct lg_policy *)1;

	CHECK_INT(parse_text(text, &policy, &diag), -EINVAL);
	CHECK(policy == NULL);
	return diag;
}

TEST(parse_minimal_policy)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text(HEADER, &p, &diag), 0);
	CHECK_INT(diag.count, 0);
	CHECK_STR(p->name, "t");
	CHECK_STR(p->cgroup, "/t.slice/t.service");
	CHECK_INT(p->mode, LG_MODE_ENFORCE);
	CHECK_INT(p->name_line, 2);
	CHECK_INT(p->cgroup_line, 3);
	CHECK_INT(p->mode_line, 4);
	CHECK(!p->section[LG_CLASS_FILE].present);
	lg_policy_free(p);
}

TEST(parse_full_example_from_issue)
{
	static const char text[] = "[policy]\n"
				   "name = nginx                          ; unique\n"
				   "cgroup = /system.slice/nginx.service  ; cgroup v2 path\n"
				   "mode = audit\n"
				   "\n"
				   "[files]\n"
				   "default = allow\n"
				   "deny = /etc/shadow\n"
				   "deny = /root/\n"
				   "allow-read = /etc/\n"
				   "allow = /etc/nginx/\n"
				   "[exec]\n"
				   "default = deny\n"
				   "allow = /usr/sbin/nginx\n"
				   "allow = /usr/lib/nginx/\n"
				   "[network]\n"
				   "default = allow\n"
				   "deny = any\n"
				   "allow = 127.0.0.1 tcp 5432\n"
				   "allow = 10.0.0.0/8 tcp 443\n"
				   "allow = [fd00::/8] udp 53\n";
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text(text, &p, &diag), 0);
	CHECK_INT(diag.count, 0);
	CHECK_STR(p->name, "nginx");
	CHECK_STR(p->cgroup, "/system.slice/nginx.service");
	CHECK_INT(p->mode, LG_MODE_AUDIT);
	CHECK_INT(p->path_count[LG_CLASS_FILE], 4);
	CHECK_INT(p->path_count[LG_CLASS_EXEC], 2);
	CHECK_INT(p->net_count, 4);
	CHECK_STR(p->paths[LG_CLASS_FILE][1].path, "/root");
	CHECK(p->paths[LG_CLASS_FILE][1].subtree);
	CHECK(!p->paths[LG_CLASS_FILE][0].subtree);
	CHECK_INT(p->paths[LG_CLASS_FILE][2].action, LG_ACT_ALLOW_READ);
	CHECK_INT(p->paths[LG_CLASS_FILE][2].line, 10);
	CHECK_INT(p->section[LG_CLASS_EXEC].default_action, LG_ACT_DENY);
	CHECK_INT(p->section[LG_CLASS_EXEC].default_line, 13);
	CHECK_INT(p->nets[3].family, 6);
	CHECK_INT(p->nets[3].prefix, 8);
	CHECK_INT(p->nets[3].protocols, LG_NET_UDP);
	CHECK_INT(p->nets[3].port_lo, 53);
	lg_policy_free(p);
}

TEST(parse_unit_to_cgroup)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text("[policy]\nname=x\nunit = nginx.service\nmode=enforce\n", &p, &diag), 0);
	CHECK_STR(p->cgroup, "/system.slice/nginx.service");
	CHECK_STR(p->unit, "nginx.service");
	lg_policy_free(p);
	/* Template instances live in a slice of their own, with '-' escaped in its name. */
	CHECK_INT(parse_text("[policy]\nname=x\nunit = postgresql@15-main.service\nmode=enforce\n",
			     &p, &diag),
		  0);
	CHECK_STR(p->cgroup, "/system.slice/system-postgresql.slice/postgresql@15-main.service");
	lg_policy_free(p);
	CHECK_INT(parse_text("[policy]\nname=x\nunit = user-runtime-dir@1000.service\nmode=enforce\n",
			     &p, &diag),
		  0);
	CHECK_STR(p->cgroup,
		  "/system.slice/system-user\\x2druntime\\x2ddir.slice/user-runtime-dir@1000.service");
	lg_policy_free(p);
	CHECK_INT(diag.count, 0);
}

TEST(parse_unit_in_another_slice)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text("[policy]\nname=x\nslice = user.slice\nunit = app.service\n"
			     "mode=enforce\n",
			     &p, &diag),
		  0);
	CHECK_STR(p->cgroup, "/user.slice/app.service");
	lg_policy_free(p);
	/* Each '-' opens a slice inside the one before it, as systemd nests them. */
	CHECK_INT(parse_text("[policy]\nname=x\nunit = app.service\nslice = user-1000.slice\n"
			     "mode=enforce\n",
			     &p, &diag),
		  0);
	CHECK_STR(p->cgroup, "/user.slice/user-1000.slice/app.service");
	lg_policy_free(p);
	CHECK_INT(parse_text("[policy]\nname=x\nunit = app.service\nslice = -.slice\nmode=audit\n",
			     &p, &diag),
		  0);
	CHECK_STR(p->cgroup, "/app.service");
	lg_policy_free(p);
	CHECK_INT(diag.count, 0);
}

TEST(parse_slice_errors)
{
	struct lg_diag d = parse_fail("[policy]\nname=x\ncgroup = /a\nslice = user.slice\n"
				      "mode=enforce\n");

	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:4: error: 'slice' goes with 'unit' (the unit's slice); "
				    "with 'cgroup' write the whole path instead");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname=x\nunit = a.service\nslice = user\nmode=enforce\n");
	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:4: error: slice 'user' is not a slice name; write e.g. "
				    "user.slice or user-1000.slice (each '-' opens a slice inside "
				    "the one before it)");
	lg_diag_free(&d);
}

TEST(parse_missing_policy_section)
{
	struct lg_diag d = parse_fail("[files]\ndefault = deny\n");

	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini: error: missing [policy] section; every policy file "
				    "starts with [policy] naming its name, cgroup (or unit) and mode");
	lg_diag_free(&d);
}

TEST(parse_missing_policy_keys)
{
	struct lg_diag d = parse_fail("; comment\n[policy]\n");

	CHECK_INT(d.count, 3);
	CHECK_STR(diag_line(&d, 0), "t.ini:2: error: [policy] has no 'name'; add name = SERVICE");
	CHECK_STR(diag_line(&d, 1), "t.ini:2: error: [policy] has neither 'cgroup' nor 'unit'; add "
				    "unit = SERVICE.service or cgroup = /PATH");
	CHECK_STR(diag_line(&d, 2), "t.ini:2: error: [policy] has no 'mode'; add mode = audit to log "
				    "only, or mode = enforce");
	lg_diag_free(&d);
}

TEST(parse_unknown_key_suggests)
{
	struct lg_diag d = parse_fail(HEADER "[files]\nalow = /etc/\n");

	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: unknown key 'alow' in [files] (did you mean "
				    "'allow'?); keys are default, allow, allow-read, deny");
	lg_diag_free(&d);
	d = parse_fail(HEADER "[exec]\nforbid = /bin/sh\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: unknown key 'forbid' in [exec]; keys are "
				    "default, allow, deny, anonymous");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nnmae = x\ncgroup=/a\nmode=audit\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:2: error: unknown key 'nmae' in [policy] (did you mean "
				    "'name'?); keys are name, cgroup, unit, slice and mode");
	lg_diag_free(&d);
}

TEST(parse_unknown_section_suggests)
{
	struct lg_diag d = parse_fail(HEADER "[file]\ndeny = /etc/shadow\ndeny = /x\n");

	/* One message for the section, none for the keys inside it. */
	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:5: error: unknown section [file] (did you mean "
				    "'files'?); sections are [policy], [files], [exec], [network], "
				    "[system] and [capabilities]");
	lg_diag_free(&d);
}

TEST(parse_duplicate_section_and_keys)
{
	struct lg_diag d = parse_fail(HEADER "[files]\ndefault = deny\ndefault = allow\n[files]\n"
					     "deny = /x\n[policy]\nmode = audit\n");

	CHECK_INT(d.count, 3);
	CHECK_STR(diag_line(&d, 0), "t.ini:7: error: 'default' is set twice in [files] (first at "
				    "line 6)");
	CHECK_STR(diag_line(&d, 1), "t.ini:8: error: section [files] appears twice (first at line "
				    "5); merge the two");
	CHECK_STR(diag_line(&d, 2), "t.ini:10: error: section [policy] appears twice (first at line "
				    "1); merge the two");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = a\nname = b\ncgroup=/a\nunit=a.service\nmode=audit\n"
		       "mode=enforce\n");
	CHECK_INT(d.count, 3);
	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: 'name' is set twice in [policy] (first at line "
				    "2)");
	CHECK_STR(diag_line(&d, 1), "t.ini:5: error: 'unit' given, but the cgroup is already set at "
				    "line 4; a policy has one cgroup or one unit");
	CHECK_STR(diag_line(&d, 2), "t.ini:7: error: 'mode' is set twice in [policy] (first at line "
				    "6)");
	lg_diag_free(&d);
}

TEST(parse_key_outside_section)
{
	struct lg_diag d = parse_fail("deny = /etc/shadow\n" HEADER);

	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:1: error: 'deny' is outside any section; put it under "
				    "[policy], [files], [exec], [network] or [system]");
	lg_diag_free(&d);
}

TEST(parse_long_line_is_an_error_not_a_split)
{
	char text[1024], path[300];
	struct lg_diag d;

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[250] = '\0';
	snprintf(text, sizeof(text), HEADER "[files]\ndeny = %s\nallow = relative\n", path);
	d = parse_fail(text);
	/* Both errors reported in one run: the long line, and the next line's own error. */
	CHECK_INT(d.count, 2);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: line is 257 characters long; the limit is 199 "
				    "(libinih's line buffer): shorten the path or cover it with a "
				    "directory rule");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: path 'relative' is relative; write an absolute "
				    "path starting with '/'");
	lg_diag_free(&d);
}

TEST(parse_line_at_the_limit_is_accepted)
{
	char text[1024], line[256];
	struct lg_diag diag = {0};
	struct lg_policy *p;

	/* "deny = /" + 191 characters = 199 characters: the longest line inih holds whole. */
	snprintf(line, sizeof(line), "deny = /%0191d", 0);
	CHECK_INT(strlen(line), 199);
	snprintf(text, sizeof(text), HEADER "[files]\n%s\n", line);
	CHECK_INT(parse_text(text, &p, &diag), 0);
	CHECK_INT(strlen(p->paths[LG_CLASS_FILE][0].path), 192);
	lg_policy_free(p);
}

TEST(parse_nul_byte)
{
	static const char text[] = HEADER "[files]\ndeny = /etc/sh\0adow\n";
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(lg_policy_parse_buffer("t.ini", text, sizeof(text) - 1, 0, &p, &diag), -EINVAL);
	CHECK_INT(diag.count, 1);
	CHECK_STR(diag_line(&diag, 0), "t.ini:6: error: line contains a NUL byte; policy files are "
				       "text");
	lg_diag_free(&diag);
}

TEST(parse_crlf_bom_and_indentation)
{
	static const char text[] = "\xEF\xBB\xBF[policy]\r\n  name = t\r\n\tcgroup = /a/b\r\n"
				   "mode = audit\r\n[files]\r\n    deny = /etc/shadow   \r\n";
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text(text, &p, &diag), 0);
	CHECK_INT(diag.count, 0);
	CHECK_STR(p->name, "t");
	CHECK_STR(p->cgroup, "/a/b");
	CHECK_STR(p->paths[LG_CLASS_FILE][0].path, "/etc/shadow");
	CHECK_INT(p->paths[LG_CLASS_FILE][0].line, 6);
	lg_policy_free(p);
}

TEST(parse_syntax_errors_all_reported)
{
	struct lg_diag d = parse_fail(HEADER "[files] junk\nallow /etc/\n[exec\n= /x\ndeny: /x\n");

	CHECK_INT(d.count, 5);
	CHECK_STR(diag_line(&d, 0), "t.ini:5: error: unexpected text after the section header ']'");
	CHECK_STR(diag_line(&d, 1), "t.ini:6: error: expected 'key = value', found 'allow /etc/'");
	CHECK_STR(diag_line(&d, 2), "t.ini:7: error: section header '[exec' lacks its closing ']'");
	CHECK_STR(diag_line(&d, 3), "t.ini:8: error: missing key before '='");
	CHECK_STR(diag_line(&d, 4), "t.ini:9: error: expected 'key = value', found 'deny: /x'");
	lg_diag_free(&d);
}

TEST(parse_empty_value_and_comments)
{
	struct lg_diag d = parse_fail(HEADER "[files]\ndeny =\ndeny = ; only a comment\n"
					     "# hash comment\n; semicolon comment\n");

	CHECK_INT(d.count, 2);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: 'deny' has no value");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: 'deny' has no value");
	lg_diag_free(&d);
}

TEST(parse_inline_comment_needs_space)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	/* inih's rule: ';' starts a comment only after whitespace. */
	CHECK_INT(parse_text(HEADER "[files]\ndeny = /srv/a;b ; comment\n", &p, &diag), 0);
	CHECK_STR(p->paths[LG_CLASS_FILE][0].path, "/srv/a;b");
	lg_policy_free(p);
}

TEST(parse_bad_mode_name_cgroup)
{
	struct lg_diag d = parse_fail("[policy]\nname = -bad\ncgroup = /\nmode = enforcing\n");

	CHECK_INT(d.count, 3);
	CHECK_STR(diag_line(&d, 0), "t.ini:2: error: policy name '-bad' is invalid; use 1 to 63 "
				    "letters, digits, '.', '_' or '-', not starting with '.' or '-'");
	CHECK_STR(diag_line(&d, 1), "t.ini:3: error: cgroup '/' would confine the whole host, "
				    "lsmguard included; name a service's cgroup such as "
				    "/system.slice/NAME.service");
	CHECK_STR(diag_line(&d, 2), "t.ini:4: error: mode 'enforcing' is invalid (did you mean "
				    "'enforce'?); write enforce or audit");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = a\ncgroup = /system.slice/\nmode = audit\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: cgroup '/system.slice/' ends with '/'; write "
				    "'/system.slice'");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = a\nunit = nginx\nmode = audit\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: unit 'nginx' is not a service; write "
				    "'nginx.service'");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = a\ncgroup = system.slice/x\nmode = audit\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: cgroup 'system.slice/x' is relative; write an "
				    "absolute path starting with '/'");
	lg_diag_free(&d);
}

TEST(parse_default_values)
{
	struct lg_diag d = parse_fail(HEADER "[network]\ndefault = block\n");

	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: default 'block' in [network] is invalid; write "
				    "allow or deny");
	lg_diag_free(&d);
	d = parse_fail(HEADER "[exec]\nallow-read = /usr/bin/\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: 'allow-read' is only valid in [files]; write "
				    "allow or deny");
	lg_diag_free(&d);
}

/* A rule on exactly the unspecified address can never match: the kernel sends elsewhere. */
TEST(parse_warns_about_the_unspecified_address)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text(HEADER "[network]\ndefault = deny\nallow = 0.0.0.0 udp 22\n"
				    "allow = :: udp 22\nallow = 0.0.0.0/0 tcp\nallow = ::/0 tcp\n",
			     &p, &diag),
		  0);
	CHECK_INT(diag.errors, 0);
	CHECK_INT(diag.warnings, 2);
	CHECK_STR(diag_line(&diag, 0), "t.ini:7: warning: '0.0.0.0 udp 22' matches nothing: a "
				       "connection or datagram to 0.0.0.0 is decided at the address "
				       "the kernel sends it to (127.0.0.1, or the socket's source "
				       "address); name that address");
	CHECK_STR(diag_line(&diag, 1), "t.ini:8: warning: ':: udp 22' matches nothing: a connection "
				       "or datagram to :: is decided at the address the kernel sends "
				       "it to (::1); name that address");
	lg_policy_free(p);
	lg_diag_free(&diag);
}

TEST(parse_warnings_do_not_fail)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(parse_text(HEADER "[exec]\nallow = /usr/bin/a\n[files]\ndefault = deny\n"
				    "deny = /x\ndeny = /x\nallow = /x\nallow = /srv/my file\n",
			     &p, &diag),
		  0);
	CHECK_INT(diag.errors, 0);
	CHECK_INT(diag.warnings, 4);
	CHECK_STR(diag_line(&diag, 0), "t.ini:10: warning: duplicate rule: '/x' is already deny at "
				       "line 9");
	CHECK_STR(diag_line(&diag, 1), "t.ini:11: warning: '/x' is allow here and deny at line 9; "
				       "the more restrictive one wins");
	CHECK_STR(diag_line(&diag, 2), "t.ini:12: warning: path '/srv/my file' contains a space; "
				       "each rule takes exactly one path (write one rule per line)");
	CHECK_STR(diag_line(&diag, 3), "t.ini:5: warning: [exec] has only allow rules and no "
				       "'default', which is allow: the rules change nothing; add "
				       "default = deny (or default = allow to silence this)");
	lg_policy_free(p);
	lg_diag_free(&diag);
}

TEST(parse_stat_warnings_for_directories)
{
	char dir[] = "/tmp/lsmguard-test-XXXXXX", text[1024], file[64];
	struct lg_diag diag = {0};
	struct lg_policy *p;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof(file), "%s/file", dir);
	f = fopen(file, "w");
	CHECK(f != NULL);
	fclose(f);
	snprintf(text, sizeof(text), HEADER "[files]\ndeny = %s\ndeny = %s/\ndeny = %s/\n", dir, file,
		 dir);
	CHECK_INT(lg_policy_parse_buffer("t.ini", text, strlen(text), LG_PARSE_STAT_PATHS, &p, &diag),
		  0);
	CHECK_INT(diag.warnings, 2);
	snprintf(text, sizeof(text),
		 "t.ini:6: warning: '%s' is a directory: this rule covers the directory itself "
		 "only; write '%s/' to cover everything beneath it",
		 dir, dir);
	CHECK_STR(diag_line(&diag, 0), text);
	snprintf(text, sizeof(text), "t.ini:7: warning: '%s/' is not a directory; write '%s' to name "
				     "the file", file, file);
	CHECK_STR(diag_line(&diag, 1), text);
	lg_policy_free(p);
	lg_diag_free(&diag);
	unlink(file);
	rmdir(dir);
}

TEST(parse_empty_file)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;

	CHECK_INT(lg_policy_parse_buffer("t.ini", "", 0, 0, &p, &diag), -EINVAL);
	CHECK_STR(diag_line(&diag, 0), "t.ini: error: missing [policy] section; every policy file "
				       "starts with [policy] naming its name, cgroup (or unit) and "
				       "mode");
	lg_diag_free(&diag);
}

TEST(parse_exec_anonymous)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[exec]\nanonymous = allow\n", &p, &diag), 0);
	CHECK(p->section[LG_CLASS_EXEC].anonymous_set);
	CHECK_INT(p->section[LG_CLASS_EXEC].anonymous_action, LG_ACT_ALLOW);
	CHECK_INT(p->section[LG_CLASS_EXEC].anonymous_line, 6);
	lg_policy_free(p);
	d = parse_fail(HEADER "[exec]\nanonymous = maybe\nanonymous = deny\nanonymous = allow\n"
			      "[files]\nanonymous = allow\n");
	CHECK_INT(d.count, 3);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: anonymous 'maybe' in [exec] is invalid; write "
				    "allow or deny");
	CHECK_STR(diag_line(&d, 1), "t.ini:8: error: 'anonymous' is set twice in [exec] (first at "
				    "line 7)");
	CHECK_STR(diag_line(&d, 2), "t.ini:10: error: 'anonymous' is only valid in [exec]");
	lg_diag_free(&d);
}

TEST(parse_system_devices)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[files]\ndefault = allow\n", &p, &diag), 0);
	CHECK(!p->system.present);
	CHECK(!p->system.key[LG_SYSTEM_DEVICES].set);
	CHECK_INT(lg_system_policy_flags(&p->system), 0);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\ndevices = allow\n", &p, &diag), 0);
	CHECK(p->system.present);
	CHECK_INT(p->system.line, 5);
	CHECK(p->system.key[LG_SYSTEM_DEVICES].set);
	CHECK_INT(p->system.key[LG_SYSTEM_DEVICES].line, 6);
	CHECK_STR(lg_system_values(LG_SYSTEM_DEVICES)[p->system.key[LG_SYSTEM_DEVICES].value],
		  "allow");
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_DEVICES);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\ndevices = deny\n", &p, &diag), 0);
	CHECK_INT(lg_system_policy_flags(&p->system), 0);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\ndevices = alow\ndevices = deny\ndevices = allow\n"
			      "device = allow\n[system]\n");
	CHECK_INT(d.count, 4);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: devices 'alow' in [system] is invalid (did you "
				    "mean 'allow'?); write deny or allow");
	CHECK_STR(diag_line(&d, 1), "t.ini:8: error: 'devices' is set twice in [system] (first at "
				    "line 7)");
	CHECK_STR(diag_line(&d, 2), "t.ini:9: error: unknown key 'device' in [system] (did you mean "
				    "'devices'?); keys are devices, userns, mount, "
				    "system-bus, cgroups, host-code, kernel-settings, clock, raw-disks, "
				    "signal-others, module-autoload, ipc-others");
	CHECK_STR(diag_line(&d, 3), "t.ini:10: error: section [system] appears twice (first at line "
				    "5); merge the two");
	lg_diag_free(&d);
}

TEST(parse_system_bus)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\nsystem-bus = allow\n", &p, &diag), 0);
	CHECK_INT(p->system.key[LG_SYSTEM_BUS].line, 6);
	CHECK_STR(lg_system_key_name(LG_SYSTEM_BUS), "system-bus");
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_BUS);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nsystem-bus = deny\n", &p, &diag), 0);
	CHECK_INT(lg_system_policy_flags(&p->system), 0);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\nsystem-bus = namespace\nsystembus = allow\n");
	CHECK_INT(d.count, 2);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: system-bus 'namespace' in [system] is "
				    "invalid; write deny or allow");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: unknown key 'systembus' in [system] (did you "
				    "mean 'system-bus'?); keys are devices, userns, mount, "
				    "system-bus, cgroups, host-code, kernel-settings, clock, raw-disks, "
				    "signal-others, module-autoload, ipc-others");
	lg_diag_free(&d);
}

TEST(parse_system_cgroups)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\ncgroups = delegate\n", &p, &diag), 0);
	CHECK_STR(lg_system_values(LG_SYSTEM_CGROUPS)[p->system.key[LG_SYSTEM_CGROUPS].value],
		  "delegate");
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_CGROUPS_DELEGATE);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\ncgroups = deny\n", &p, &diag), 0);
	CHECK_INT(lg_system_policy_flags(&p->system), 0);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\ncgroups = allow\n");
	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: cgroups 'allow' in [system] is invalid; write "
				    "deny or delegate");
	lg_diag_free(&d);
}

TEST(parse_system_host_code)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\nhost-code = allow\n", &p, &diag), 0);
	CHECK_STR(lg_system_values(LG_SYSTEM_HOST_CODE)[p->system.key[LG_SYSTEM_HOST_CODE].value],
		  "allow");
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_HOST_CODE);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nhost-code = deny\ncgroups = delegate\n", &p, &diag),
		  0);
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_CGROUPS_DELEGATE);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\nhost-code = yes\n");
	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: host-code 'yes' in [system] is invalid; write "
				    "deny or allow");
	lg_diag_free(&d);
}

TEST(parse_system_sysctl)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\nkernel-settings = allow\n", &p, &diag), 0);
	CHECK_STR(lg_system_values(LG_SYSTEM_KERNEL_SETTINGS)
			  [p->system.key[LG_SYSTEM_KERNEL_SETTINGS].value],
		  "allow");
	/* Above the old eight bits: the flags are 32 bits wide now. */
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_KERNEL_SETTINGS);
	CHECK_INT(LG_POLICY_SYSTEM_KERNEL_SETTINGS > 0xff, 1);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nkernel-settings = deny\nhost-code = allow\n", &p,
			     &diag),
		  0);
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_HOST_CODE);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\nkernel-settings = tune\n");
	CHECK_INT(d.count, 1);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: kernel-settings 'tune' in [system] is invalid; write "
				    "deny or allow");
	lg_diag_free(&d);
}

/* signal-others and module-autoload: each its own flag; neither sets the other. */
TEST(parse_system_signal_others_and_module_autoload)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\nmodule-autoload = allow\n", &p, &diag), 0);
	CHECK_STR(lg_system_key_name(LG_SYSTEM_MODULE_AUTOLOAD), "module-autoload");
	CHECK_INT(p->system.key[LG_SYSTEM_MODULE_AUTOLOAD].line, 6);
	CHECK_STR(lg_system_values(LG_SYSTEM_MODULE_AUTOLOAD)
		      [p->system.key[LG_SYSTEM_MODULE_AUTOLOAD].value],
		  "allow");
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_MODULE_AUTOLOAD);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nsignal-others = allow\nmodule-autoload = deny\n", &p,
			     &diag),
		  0);
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_SIGNAL_OTHERS);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nsignal-others = allow\nmodule-autoload = allow\n",
			     &p, &diag),
		  0);
	CHECK_INT(lg_system_policy_flags(&p->system),
		  LG_POLICY_SYSTEM_SIGNAL_OTHERS | LG_POLICY_SYSTEM_MODULE_AUTOLOAD);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\nmodule-autoload = tun\nmodule-autolaod = allow\n");
	CHECK_INT(d.count, 2);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: module-autoload 'tun' in [system] is invalid; "
				    "write deny or allow");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: unknown key 'module-autolaod' in [system] (did "
				    "you mean 'module-autoload'?); keys are devices, userns, mount, "
				    "system-bus, cgroups, host-code, kernel-settings, clock, raw-disks, "
				    "signal-others, module-autoload, ipc-others");
	lg_diag_free(&d);
}

/* clock and raw-disks: each its own flag, both 32-bit flags above the first byte. */
TEST(parse_system_clock_and_raw_disks)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\nclock = allow\n", &p, &diag), 0);
	CHECK_STR(lg_system_values(LG_SYSTEM_CLOCK)[p->system.key[LG_SYSTEM_CLOCK].value], "allow");
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_CLOCK);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nraw-disks = allow\nclock = deny\n", &p, &diag), 0);
	CHECK_INT(lg_system_policy_flags(&p->system), LG_POLICY_SYSTEM_RAW_DISKS);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nraw-disks = allow\nclock = allow\nhost-code = allow\n",
			     &p, &diag),
		  0);
	CHECK_INT(lg_system_policy_flags(&p->system),
		  LG_POLICY_SYSTEM_RAW_DISKS | LG_POLICY_SYSTEM_CLOCK | LG_POLICY_SYSTEM_HOST_CODE);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\nraw-disks = read\nclock = ntp\n");
	CHECK_INT(d.count, 2);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: raw-disks 'read' in [system] is invalid; write "
				    "deny or allow");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: clock 'ntp' in [system] is invalid; write "
				    "deny or allow");
	lg_diag_free(&d);
}

TEST(parse_system_userns_and_mount)
{
	struct lg_diag diag = {0};
	struct lg_policy *p;
	struct lg_diag d;

	CHECK_INT(parse_text(HEADER "[system]\nuserns = allow\nmount = namespace\n", &p, &diag), 0);
	CHECK_STR(lg_system_values(LG_SYSTEM_MOUNT)[p->system.key[LG_SYSTEM_MOUNT].value],
		  "namespace");
	CHECK_INT(p->system.key[LG_SYSTEM_MOUNT].line, 7);
	CHECK_INT(lg_system_policy_flags(&p->system),
		  LG_POLICY_SYSTEM_USERNS | LG_POLICY_SYSTEM_MOUNT_NAMESPACE);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nmount = allow\ndevices = allow\n", &p, &diag), 0);
	CHECK_INT(lg_system_policy_flags(&p->system),
		  LG_POLICY_SYSTEM_MOUNT_ALLOW | LG_POLICY_SYSTEM_DEVICES);
	lg_policy_free(p);
	CHECK_INT(parse_text(HEADER "[system]\nmount = deny\nuserns = deny\n", &p, &diag), 0);
	CHECK_INT(lg_system_policy_flags(&p->system), 0);
	lg_policy_free(p);
	d = parse_fail(HEADER "[system]\nmount = namespaces\nuserns = namespace\n");
	CHECK_INT(d.count, 2);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: mount 'namespaces' in [system] is invalid (did "
				    "you mean 'namespace'?); write deny, namespace or allow");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: userns 'namespace' in [system] is invalid; "
				    "write deny or allow");
	lg_diag_free(&d);
}

TEST(parse_reserved_policy_names)
{
	static const char text[] = "[policy]\nname = lsmguard-canary\ncgroup = /a\nmode = audit\n";
	struct lg_diag d = parse_fail(text), diag = {0};
	struct lg_policy *p;

	CHECK_STR(diag_line(&d, 0), "t.ini:2: error: policy name 'lsmguard-canary' is reserved: "
				    "names starting with 'lsmguard-' are lsmguard's own");
	lg_diag_free(&d);
	CHECK_INT(lg_policy_parse_buffer("t.ini", text, strlen(text), LG_PARSE_BUILTIN, &p, &diag), 0);
	CHECK_STR(p->name, "lsmguard-canary");
	lg_policy_free(p);
}

TEST(parse_unit_and_cgroup_malformed_forms)
{
	struct lg_diag d = parse_fail("[policy]\nname = a\nunit = ng inx.service\nmode = audit\n");
	char deep[256] = "[policy]\nname = a\ncgroup = ";

	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: unit 'ng inx.service' contains ' '; unit names "
				    "use letters, digits and : _ . \\ - @");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = a\nunit = @x.service\nmode = audit\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: unit '@x.service' has an empty template name "
				    "before '@'");
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = a\ncgroup = /system.slice/../x\nmode = audit\n");
	CHECK_STR(diag_line(&d, 0), "t.ini:3: error: cgroup '/system.slice/../x' contains a '..' "
				    "component; write the normalised path");
	lg_diag_free(&d);
	for (int i = 0; i < 17; i++)
		strcat(deep, "/c");
	strcat(deep, "\nmode = audit\n");
	d = parse_fail(deep);
	CHECK(strstr(diag_line(&d, 0), "is 17 levels deep; lsmguard supports 16") != NULL);
	lg_diag_free(&d);
	d = parse_fail("[policy]\nname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		       "cgroup = /a\nmode = audit\n");
	CHECK(strstr(diag_line(&d, 0), "is invalid; use 1 to 63 letters") != NULL);
	lg_diag_free(&d);
}

TEST(parse_capabilities_errors)
{
	struct lg_diag d = parse_fail(HEADER "[capabilities]\n"
					     "keep = CAP_NET_BIND_SERVCE, net_bind_service\n" /* 6 */
					     "keep = NET_BIND_SERVICE\n"
					     "drop = CAP_CHOWN\n"
					     "keep = sys_admn\n"
					     "[capabilities]\n");

	CHECK_INT(d.count, 5);
	CHECK_STR(diag_line(&d, 0), "t.ini:6: error: unknown capability 'CAP_NET_BIND_SERVCE' in "
				    "[capabilities] (did you mean 'CAP_NET_BIND_SERVICE'?); write a "
				    "name of capabilities(7) such as CAP_NET_BIND_SERVICE (or "
				    "net_bind_service), CAP_CHOWN .. CAP_CHECKPOINT_RESTORE");
	CHECK_STR(diag_line(&d, 1), "t.ini:7: error: CAP_NET_BIND_SERVICE is kept twice in "
				    "[capabilities] (first at line 6); remove one");
	CHECK_STR(diag_line(&d, 2), "t.ini:8: error: unknown key 'drop' in [capabilities]; write "
				    "keep = CAP_NAME, CAP_NAME... (the capabilities the service keeps; "
				    "an empty section keeps none)");
	CHECK(strstr(diag_line(&d, 3), "t.ini:9: error: unknown capability 'sys_admn' in "
				       "[capabilities] (did you mean 'CAP_SYS_ADMIN'?)") != NULL);
	CHECK_STR(diag_line(&d, 4), "t.ini:10: error: section [capabilities] appears twice (first "
				    "at line 5); merge the two");
	lg_diag_free(&d);
	d = parse_fail(HEADER "[capabilities]\nkeep = CAP_41\n");
	CHECK_INT(d.count, 1);
	lg_diag_free(&d);
}
