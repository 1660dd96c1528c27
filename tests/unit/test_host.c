// SPDX-License-Identifier: GPL-2.0-only
/* What lsmguard reads of the host (enforcer/host.c): kallsyms, sysctls, cgroups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "hash.h"
#include "host.h"

/* The variable capabilities.bpf.c reads vm.mmap_min_addr from: found among others of the same
 * prefix; a module's symbol, an absent one and a hidden one (kptr_restrict's zeros) give 0. */
TEST(host_kallsyms_address_of_a_data_symbol)
{
	char path[] = "/tmp/lsmguard-kallsyms.XXXXXX";
	unsigned long long addr = 1;
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs("ffffffff81000000 T _stext\n"
	      "ffffffff8a6c1f20 D dac_mmap_min_addr_x\n"
	      "ffffffff8a6c1f28 D dac_mmap_min_addr\n"
	      "ffffffffc0a01000 t sctp_init\t[sctp]\n",
	      f);
	fclose(f);
	CHECK_INT(lg_kallsyms_address(path, "dac_mmap_min_addr", &addr), 0);
	CHECK(addr == 0xffffffff8a6c1f28ULL);
	CHECK_INT(lg_kallsyms_address(path, "sctp_init", &addr), 0);
	CHECK(addr == 0); /* a module's: never the kernel's variable */
	CHECK_INT(lg_kallsyms_address(path, "mmap_min_addr", &addr), 0);
	CHECK(addr == 0);
	f = fopen(path, "w");
	fputs("0000000000000000 D dac_mmap_min_addr\n", f);
	fclose(f);
	addr = 1;
	CHECK_INT(lg_kallsyms_address(path, "dac_mmap_min_addr", &addr), 0);
	CHECK(addr == 0);
	unlink(path);
	CHECK_INT(lg_kallsyms_address(path, "dac_mmap_min_addr", &addr), -ENOENT);
	CHECK(addr == 0);
}

/* Several names in one reading: each found as alone; a module's symbol of the same name is not
 * looked at; one that two of the kernel's static variables share (two files' "pty_limit") is
 * neither's; more names than it takes: E2BIG. */
TEST(host_kallsyms_addresses_in_one_reading)
{
	static const char *const names[] = {"pty_count", "aio_nr", "aio_max_nr", "pty_limit"};
	char path[] = "/tmp/lsmguard-kallsyms.XXXXXX";
	unsigned long long addrs[4] = {1, 1, 1, 1}, many[LG_KALLSYMS_MAX + 1];
	const char *too_many[LG_KALLSYMS_MAX + 1];
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs("ffffffff8b000010 b pty_count\n"
	      "ffffffff8b000020 d aio_max_nr\n"
	      "ffffffff8b000030 b aio_nr\n"
	      "ffffffffc0b00040 b pty_count\t[some_module]\n"
	      "ffffffff8b000060 b pty_limit\n"
	      "ffffffff8b000070 d pty_limit\n",
	      f);
	fclose(f);
	CHECK_INT(lg_kallsyms_addresses(path, names, addrs, 4), 0);
	CHECK(addrs[0] == 0xffffffff8b000010ULL); /* a module's pty_count is not the kernel's */
	CHECK(addrs[1] == 0xffffffff8b000030ULL);
	CHECK(addrs[2] == 0xffffffff8b000020ULL);
	CHECK(addrs[3] == 0); /* two of the kernel's own: neither */
	for (int i = 0; i <= LG_KALLSYMS_MAX; i++)
		too_many[i] = "aio_nr";
	CHECK_INT(lg_kallsyms_addresses(path, too_many, many, LG_KALLSYMS_MAX + 1), -E2BIG);
	unlink(path);
}

/* The value in force where kallsyms hides the variable: the sysctl's number, else the fallback. */
TEST(host_sysctl_number)
{
	char path[] = "/tmp/lsmguard-sysctl.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs("4096\n", f);
	fclose(f);
	CHECK(lg_sysctl_number(path, 65536) == 4096);
	f = fopen(path, "w");
	fputs("x\n", f);
	fclose(f);
	CHECK(lg_sysctl_number(path, 65536) == 65536);
	unlink(path);
	CHECK(lg_sysctl_number(path, 65536) == 65536);
}

/* The budgets a kernel hiding some of their variables leaves off: each budget with any of its
 * variables unknown, and only those. */
TEST(host_budgets_off_where_kallsyms_hides_their_variables)
{
	unsigned long long at[LG_KV_COUNT];

	for (int i = 0; i < LG_KV_COUNT; i++)
		at[i] = 0xffffffff8b000000ULL + 8 * (unsigned)i;
	CHECK_INT((int)lg_host_budgets_off(at), 0);
	at[LG_KV_PTY_RESERVE] = 0;
	CHECK_INT((int)lg_host_budgets_off(at), 1 << LG_BUDGET_PTYS);
	at[LG_KV_FILES_STAT] = 0;
	at[LG_KV_KEY_USER_TREE] = 0;
	CHECK_INT((int)lg_host_budgets_off(at),
		  (1 << LG_BUDGET_PTYS) | (1 << LG_BUDGET_FILES) | (1 << LG_BUDGET_KEY_CHOWN));
	at[LG_KV_MMAP_MIN_ADDR] = 0; /* not a budget's: mmap_min_addr has its value at the load */
	at[LG_KV_KEY_MAXKEYS] = 0;
	CHECK_INT((int)lg_host_budgets_off(at),
		  (1 << LG_BUDGET_PTYS) | (1 << LG_BUDGET_FILES) | (1 << LG_BUDGET_KEY_CHOWN));
	memset(at, 0, sizeof(at));
	CHECK_INT((int)lg_host_budgets_off(at), (1 << LG_BUDGET_KALLSYMS_COUNT) - 1);
	for (int b = 0; b < LG_BUDGET_KALLSYMS_COUNT; b++)
		CHECK(lg_kallsyms_budget_names[b] != NULL);
	for (int i = 0; i < LG_KV_COUNT; i++)
		CHECK(lg_kernel_variable_names[i] != NULL);
	CHECK_STR(lg_kallsyms_budget_names[LG_BUDGET_AIO], "AIO events");
}

/* Why the kernel refused the programs: each reason in its place of the order, with its fix. */
TEST(host_lsm_refusal_names_the_first_reason_with_its_fix)
{
	struct lg_lsm_facts f = {.capable = true, .btf = true, .bpf_listed = 1,
				 .lsm = "lockdown,capability,landlock,bpf", .bpf_lsm = true,
				 .lockdown = 1, .probe_lsm = 0, .probe_filter = 0};
	char out[512];

	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK_STR(out, "the kernel loads a minimal BPF LSM program, so one of lsmguard's was "
		       "refused: run it with -v for the verifier's log");
	f.lockdown = 2;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "the kernel is locked down for confidentiality", 45) == 0);
	snprintf(f.missing_hook, sizeof(f.missing_hook), "userns_create");
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK_STR(out, "this kernel has no LSM hook userns_create, which lsmguard attaches to: "
		       "lsmguard is made for Linux 6.1 (Debian 12's); on an older kernel, or a newer "
		       "one that removed or renamed the hook, it cannot load");
	f.probe_lsm = -EPERM;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "the kernel loads other BPF programs but refuses BPF LSM ones", 60) == 0);
	f.probe_filter = -EPERM;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "the kernel refuses every BPF program to this process", 52) == 0);
	f.bpf_listed = 0; /* a kernel without the BPF LSM cannot list it: that is said first */
	f.bpf_lsm = false;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "this kernel was built without the BPF LSM", 41) == 0);
	f.bpf_lsm = true;
	f.bpf_listed = -1;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "the active LSM list cannot be read: mount securityfs", 52) == 0);
	f.bpf_listed = 0;
	snprintf(f.lsm, sizeof(f.lsm), "lockdown,capability,landlock,yama,apparmor");
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK_STR(out, "the BPF LSM is not active (lsm=lockdown,capability,landlock,yama,apparmor): "
		       "add lsm=lockdown,capability,landlock,yama,apparmor,bpf to the kernel command "
		       "line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub and reboot; "
		       "docs/operations.md has each distribution's line)");
	f.btf = false;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "this kernel has no BTF", 22) == 0);
	f.capable = false;
	lg_lsm_refusal(&f, out, sizeof(out));
	CHECK(strncmp(out, "lsmguard runs without CAP_SYS_ADMIN", 35) == 0);
}

/*
 * A cgroup's path from its id (enforcer/host.c: open_by_handle_at on cgroupfs, which the reload
 * uses to place a binding it did not write): the path lg_cgroup_id was given, nested and with a
 * space; ESTALE once the cgroup is removed; ENOENT for the root cgroup, which is never bound.
 */
TEST(host_cgroup_path_of_an_id)
{
	const char *root = lg_cgroup2_root();
	char name[64], nested[128], dir[4096], path[4096] = "";
	__u64 outer_id = 0, nested_id = 0, root_id = 0;

	if (geteuid() != 0) {
		SKIP("making cgroups needs root");
		return;
	}
	CHECK(root != NULL);
	if (!root)
		return;
	snprintf(name, sizeof(name), "/lsmguard-unit-%d", (int)getpid());
	snprintf(nested, sizeof(nested), "%s/a b", name);
	snprintf(dir, sizeof(dir), "%s%s", root, name);
	CHECK(mkdir(dir, 0755) == 0);
	snprintf(dir, sizeof(dir), "%s%s", root, nested);
	CHECK(mkdir(dir, 0755) == 0);
	CHECK_INT(lg_cgroup_id(name, &outer_id), 0);
	CHECK_INT(lg_cgroup_id(nested, &nested_id), 0);
	CHECK_INT(lg_cgroup_path_of(outer_id, path, sizeof(path)), 0);
	CHECK_STR(path, name);
	CHECK_INT(lg_cgroup_path_of(nested_id, path, sizeof(path)), 0);
	CHECK_STR(path, nested);
	CHECK_INT(lg_cgroup_path_of(nested_id, path, 8), -ENAMETOOLONG);
	CHECK_INT(lg_cgroup_id("", &root_id), 0);
	CHECK_INT(lg_cgroup_path_of(root_id, path, sizeof(path)), -ENOENT);
	CHECK(rmdir(dir) == 0);
	CHECK_INT(lg_cgroup_path_of(nested_id, path, sizeof(path)), -ESTALE);
	snprintf(dir, sizeof(dir), "%s%s", root, name);
	CHECK(rmdir(dir) == 0);
}

/* The names the kernel's walk gives the host's paths (attack run 21): the deepest mount at or
 * above the path decides; a record is its own name; a bind of a directory and a btrfs
 * subvolume's later mount are named through what holds them. */
TEST(host_mount_canonical_names_through_the_holder)
{
	struct lg_mount_name list[] = {
		{"", ""},
		{"/mnt/pool", "/mnt/pool"},
		{"/home", "/mnt/pool/@home"},
		{"/srv/data", "/var/lib/data"},
		{"/srv/data/inner", "/srv/data/inner"},
		{"/mnt/rootbind", ""},
	};
	struct lg_mount_names names = {list, sizeof(list) / sizeof(list[0])};
	char out[64];

	/* Looked at: the three named otherwise and the record under the bind's point; not the
	 * root or the top-level's mount, which are their own names above no other name. */
	CHECK_INT(lg_mount_names_index(&names), 0);
	CHECK_INT((int)names.relevant_count, 4);
	CHECK_INT(lg_mount_canonical(&names, "/home/alice/key", out, sizeof(out)), 1);
	CHECK_STR(out, "/mnt/pool/@home/alice/key");
	CHECK_INT(lg_mount_canonical(&names, "/home", out, sizeof(out)), 1);
	CHECK_STR(out, "/mnt/pool/@home");
	CHECK_INT(lg_mount_canonical(&names, "/homeless/x", out, sizeof(out)), 0);
	CHECK_INT(lg_mount_canonical(&names, "/mnt/pool/@home/x", out, sizeof(out)), 0);
	CHECK_INT(lg_mount_canonical(&names, "/srv/data/secret", out, sizeof(out)), 1);
	CHECK_STR(out, "/var/lib/data/secret");
	/* A record under a bind's point is its own name. */
	CHECK_INT(lg_mount_canonical(&names, "/srv/data/inner/x", out, sizeof(out)), 0);
	/* A second mount of the root filesystem. */
	CHECK_INT(lg_mount_canonical(&names, "/mnt/rootbind/etc/shadow", out, sizeof(out)), 1);
	CHECK_STR(out, "/etc/shadow");
	CHECK_INT(lg_mount_canonical(&names, "/mnt/rootbind", out, sizeof(out)), 1);
	CHECK_STR(out, "/");
	CHECK_INT(lg_mount_canonical(&names, "/home/a-name-longer-than-the-room-that-is-left-in-out-here",
				     out, sizeof(out)),
		  -ENAMETOOLONG);
	CHECK_INT(lg_mount_canonical(&names, "relative", out, sizeof(out)), 0);
	free(names.relevant);
}

/* This host's own table: the root is named as itself (a record, whatever its mountinfo root:
 * a bind of a directory whose filesystem is mounted nowhere keeps one too), and a missing
 * mountinfo is the error. */
TEST(host_mount_names_of_this_host)
{
	struct lg_mount_names names;
	bool root = false;

	CHECK_INT(lg_mount_names_read("/proc/self/mountinfo", &names), 0);
	for (size_t i = 0; i < names.count; i++)
		root |= names.names[i].point[0] == '\0' && names.names[i].named_as[0] == '\0';
	CHECK(root);
	lg_mount_names_free(&names);
	CHECK_INT(lg_mount_names_read("/nonexistent/mountinfo", &names), -ENOENT);
}

/* A rule's names: its own when the kernel gives another, never "/" or a directory above the
 * rule's path (review 41: another policy's bind of / at the rule's path), and nothing for the
 * mounts beneath a directory rule, which show other files (vm-test 94). */
TEST(host_mount_aliases_of_a_rule)
{
	struct lg_mount_name list[] = {
		{"", ""},
		{"/srv/www", "/var/www"},
		{"/srv/rootbind", ""},
	};
	struct lg_mount_names names = {list, sizeof(list) / sizeof(list[0])};
	char out[64];

	CHECK_INT(lg_mount_names_index(&names), 0);
	CHECK_INT(lg_mount_aliases(&names, "/srv/www/x", false, 0, out, sizeof(out)), 1);
	CHECK_STR(out, "/var/www/x");
	CHECK_INT(lg_mount_aliases(&names, "/srv/www/x", false, 1, out, sizeof(out)), 0);
	CHECK_INT(lg_mount_aliases(&names, "/srv", false, 0, out, sizeof(out)), 0);
	CHECK_INT(lg_mount_aliases(&names, "/srv/rootbind/etc", false, 0, out, sizeof(out)), 1);
	CHECK_STR(out, "/etc");
	CHECK_INT(lg_mount_aliases(&names, "/srv/rootbind", false, 0, out, sizeof(out)), -ELOOP);
	free(names.relevant);
}

/*
 * Two binds of one filesystem mounted nowhere visible, one's root inside the other's (attack
 * run 23's 2303: F:/www at /srv/a23w, F:/www/uploads at /data/a23u): each keeps a record, so a
 * file beneath both is named by whichever mount it is reached through, and a rule at either
 * name is carried to the other; a directory rule above the inner bind's root to the whole
 * inner bind. Another filesystem's bind of the same root is no name of them.
 */
TEST(host_mount_aliases_of_nested_binds)
{
	struct lg_mount_name list[] = {
		{"", ""},
		{"/srv/a23w", "/srv/a23w"},
		{"/data/a23u", "/data/a23u"},
		{"/srv/other", "/srv/other"},
	};
	struct lg_mount_bind binds[] = {
		{"/srv/a23w", "/www", 8, 1},
		{"/data/a23u", "/www/uploads", 8, 1},
		{"/srv/other", "/www", 9, 1},
	};
	struct lg_mount_names names = {list, sizeof(list) / sizeof(list[0]), binds,
				       sizeof(binds) / sizeof(binds[0])};
	char out[64];

	CHECK_INT(lg_mount_names_index(&names), 0);
	CHECK_INT(lg_mount_aliases(&names, "/data/a23u/secret", true, 0, out, sizeof(out)), 1);
	CHECK_STR(out, "/srv/a23w/uploads/secret");
	CHECK_INT(lg_mount_aliases(&names, "/data/a23u/secret", true, 1, out, sizeof(out)), 0);
	CHECK_INT(lg_mount_aliases(&names, "/srv/a23w/uploads/secret/key", false, 0, out,
				   sizeof(out)),
		  1);
	CHECK_STR(out, "/data/a23u/secret/key");
	/* The outer bind's root, as a directory rule: the whole inner bind is beneath it. */
	CHECK_INT(lg_mount_aliases(&names, "/srv/a23w", true, 0, out, sizeof(out)), 1);
	CHECK_STR(out, "/data/a23u");
	CHECK_INT(lg_mount_aliases(&names, "/srv/a23w", false, 0, out, sizeof(out)), 0);
	/* A file only the outer bind shows. */
	CHECK_INT(lg_mount_aliases(&names, "/srv/a23w/index.html", false, 0, out, sizeof(out)), 0);
	CHECK_INT(lg_mount_aliases(&names, "/srv/other/uploads/x", false, 0, out, sizeof(out)), 0);
	/* Too long for out: said. */
	CHECK_INT(lg_mount_aliases(&names, "/data/a23u/a-name-that-does-not-fit-in-out-at-all-through-the-outer",
				   false, 0, out, sizeof(out)),
		  -ENAMETOOLONG);
	free(names.relevant);

	/* A bind inside the other's point (its own path is the alias: none), and a mount over
	 * the other bind's name of a file (that path shows the mount's files: none; review 44). */
	{
		struct lg_mount_name list2[] = {
			{"", ""},
			{"/srv/w", "/srv/w"},
			{"/srv/w/uploads", "/srv/w/uploads"},
			{"/srv/a23w", "/srv/a23w"},
			{"/data/a23u", "/data/a23u"},
			{"/srv/a23w/uploads/cover", "/srv/a23w/uploads/cover"},
		};
		struct lg_mount_bind binds2[] = {
			{"/srv/w", "/www", 8, 2},
			{"/srv/w/uploads", "/www/uploads", 8, 2},
			{"/srv/a23w", "/www", 8, 1},
			{"/data/a23u", "/www/uploads", 8, 1},
		};
		struct lg_mount_names names2 = {list2, sizeof(list2) / sizeof(list2[0]), binds2,
						sizeof(binds2) / sizeof(binds2[0])};

		CHECK_INT(lg_mount_names_index(&names2), 0);
		CHECK_INT(lg_mount_aliases(&names2, "/srv/w/uploads/x", false, 0, out, sizeof(out)),
			  0);
		CHECK_INT(lg_mount_aliases(&names2, "/data/a23u/cover/x", false, 0, out,
					   sizeof(out)),
			  0);
		CHECK_INT(lg_mount_aliases(&names2, "/data/a23u/other", false, 0, out, sizeof(out)),
			  1);
		CHECK_STR(out, "/srv/a23w/uploads/other");
		free(names2.relevant);
	}
	/* Two mounts of one root listed as binds with their own points (as lg_read_mounts lists
	 * mounts too deep for a record: the list is made by hand here, at 17 components, and
	 * the carrying does not depend on depth), and a shallow bind of one of its directories:
	 * each names the same files at its own point (attack run 24's 2401). */
	{
		struct lg_mount_name list3[] = {
			{"", ""},
			{"/d1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "/d1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17"},
			{"/d2/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "/d2/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17"},
			{"/b", "/b"},
		};
		struct lg_mount_bind binds3[] = {
			{"/d1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "", 0, 40},
			{"/d2/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "", 0, 40},
			{"/b", "/sub", 0, 40},
		};
		struct lg_mount_names names3 = {list3, sizeof(list3) / sizeof(list3[0]), binds3,
						sizeof(binds3) / sizeof(binds3[0])};
		char big[128];

		CHECK_INT(lg_mount_names_index(&names3), 0);
		CHECK_INT(lg_mount_aliases(&names3, "/d1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/sub/k",
					   false, 0, big, sizeof(big)),
			  1);
		CHECK_STR(big, "/d2/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/sub/k");
		CHECK_INT(lg_mount_aliases(&names3, "/d1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/sub/k",
					   false, 1, big, sizeof(big)),
			  1);
		CHECK_STR(big, "/b/k");
		CHECK_INT(lg_mount_aliases(&names3, "/d1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/sub/k",
					   false, 2, big, sizeof(big)),
			  0);
		free(names3.relevant);
	}
}

/*
 * A mount point's record holds every component a walk can name files beneath (32): at 32 the
 * hashes of each prefix, as a rule's; deeper, a record that names nothing (the walk fails
 * closed beneath it, attack run 24's 2402), with no partial hashes.
 */
TEST(host_mount_value_of_deep_points)
{
	static struct lg_mount_entry entry;
	static struct lg_mount_value value;
	const __u64 seeds[2] = {0x1234, 0x5678};
	__u64 rule[LG_PATH_DEPTH_MAX + 1];
	char *p = entry.path;

	for (int i = 1; i <= 32; i++)
		p += sprintf(p, "/c%d", i);
	lg_mount_value_for(&entry, seeds, &value);
	CHECK_INT(value.depth, 32);
	CHECK_INT((int)lg_path_prefix_hashes(seeds[1], entry.path, rule, LG_PATH_DEPTH_MAX), 32);
	CHECK(memcmp(value.prefix_hash[1], rule, sizeof(rule)) == 0);
	CHECK_STR((const char *)value.path, entry.path);
	strcat(entry.path, "/c33-and-a-name-long-enough-to-be-cut");
	lg_mount_value_for(&entry, seeds, &value);
	CHECK_INT(value.depth, LG_MOUNT_DEPTH_UNNAMED);
	CHECK_INT(value.prefix_hash[0][1] == 0 && value.prefix_hash[1][32] == 0, 1);
	CHECK(value.prefix_hash[0][0] == lg_hash_bytes(LG_HASH_BASIS, entry.path, strlen(entry.path)));
	/* The event's copy is cut at the record's room; the depth counts the whole path. */
	CHECK_INT((int)strlen((const char *)value.path), LG_MOUNT_PATH_MAX - 1);
}
