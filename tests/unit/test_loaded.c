// SPDX-License-Identifier: GPL-2.0-only
/*
 * The enforcer's helpers for what the daemon loaded: the one lookup from a policy id (of an
 * event or a counter) to its policy in either bank, the canary left out of the administrator's
 * policies; and the atomic file writer of the state and metrics files.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "canary.h"
#include "harness.h"
#include "loaded.h"

/* A set of the named policies (LG_CANARY_NAME among them if given), compiled for bank. */
static void load(struct lg_loaded_set *s, unsigned bank, const char *const *names, size_t count)
{
	struct lg_diag diag = {0};

	memset(s, 0, sizeof(*s));
	s->set.policies = calloc(count, sizeof(*s->set.policies));
	for (size_t i = 0; i < count; i++) {
		char text[256];

		snprintf(text, sizeof(text),
			 "[policy]\nname = %s\ncgroup = /%s.%u\nmode = enforce\n", names[i],
			 names[i], bank);
		if (lg_policy_parse_buffer("t.ini", text, strlen(text), LG_PARSE_BUILTIN,
					   &s->set.policies[i], &diag)) {
			FAIL_AT("policy %s did not parse", names[i]);
			exit(1);
		}
		s->set.count++;
	}
	if (lg_policy_set_validate(&s->set, &diag) ||
	    lg_compile(&s->set, 42, bank, &s->compiled, &diag)) {
		FAIL_AT("set did not compile");
		exit(1);
	}
	lg_diag_free(&diag);
}

TEST(loaded_policy_of_an_id_in_either_bank)
{
	static const char *const old_names[] = {"a", "b", LG_CANARY_NAME};
	static const char *const new_names[] = {"c", LG_CANARY_NAME};
	const struct lg_compiled *compiled = NULL;
	struct lg_loaded loaded;
	const struct lg_policy *p;

	load(&loaded.bank[0], 0, old_names, 3);
	load(&loaded.bank[1], 1, new_names, 2);
	CHECK_INT(lg_policy_id(loaded.bank[0].compiled, 0), 1);
	CHECK_INT(lg_policy_id(loaded.bank[1].compiled, 0), LG_MAX_POLICIES + 1);
	p = lg_loaded_policy(&loaded, 2, &compiled);
	CHECK(p && strcmp(p->name, "b") == 0);
	CHECK(compiled == loaded.bank[0].compiled);
	p = lg_loaded_policy(&loaded, LG_MAX_POLICIES + 1, &compiled);
	CHECK(p && strcmp(p->name, "c") == 0);
	CHECK(compiled == loaded.bank[1].compiled);
	CHECK(lg_policy_is_canary(lg_loaded_policy(&loaded, 3, NULL)));
	CHECK(!lg_policy_is_canary(lg_loaded_policy(&loaded, 1, NULL)));
	/* No policy: id 0, past a bank's set, past both banks. */
	CHECK(lg_loaded_policy(&loaded, 0, NULL) == NULL);
	CHECK(lg_loaded_policy(&loaded, 4, NULL) == NULL);
	CHECK(lg_loaded_policy(&loaded, LG_MAX_POLICIES, NULL) == NULL);
	CHECK(lg_loaded_policy(&loaded, LG_MAX_POLICIES + 3, NULL) == NULL);
	CHECK(lg_loaded_policy(&loaded, 2 * LG_MAX_POLICIES + 1, NULL) == NULL);
	CHECK(lg_loaded_policy(&loaded, 0xffffffff, NULL) == NULL);
	/* A bank with nothing loaded. */
	lg_loaded_set_free(&loaded.bank[1]);
	CHECK(lg_loaded_policy(&loaded, LG_MAX_POLICIES + 1, NULL) == NULL);
	CHECK_INT(lg_loaded_count(&loaded.bank[1]), 0);
	lg_loaded_set_free(&loaded.bank[0]);
}

TEST(loaded_for_each_leaves_the_canary_out)
{
	static const char *const names[] = {"a", LG_CANARY_NAME, "b"};
	struct lg_loaded_set s;
	const struct lg_policy *p;
	char seen[64] = "";
	size_t i;
	__u32 id;

	load(&s, 1, names, 3);
	lg_loaded_for_each(&s, i, p, id)
	{
		char item[16];

		snprintf(item, sizeof(item), "%s=%u ", p->name, id);
		strcat(seen, item);
	}
	CHECK_STR(seen, "a=1025 b=1027 ");
	CHECK_INT(lg_loaded_count(&s), 2);
	lg_loaded_set_free(&s);
}

TEST(bank_id_ranges)
{
	CHECK(!lg_id_in_bank(0, 0));
	CHECK(lg_id_in_bank(1, 0));
	CHECK(lg_id_in_bank(LG_MAX_POLICIES, 0));
	CHECK(!lg_id_in_bank(LG_MAX_POLICIES + 1, 0));
	CHECK(lg_id_in_bank(LG_MAX_POLICIES + 1, 1));
	CHECK(lg_id_in_bank(2 * LG_MAX_POLICIES, 1));
	CHECK(!lg_id_in_bank(2 * LG_MAX_POLICIES + 1, 1));
	CHECK_INT(lg_bank_first_id(1), LG_MAX_POLICIES + 1);
	CHECK_INT(lg_bank_last_id(0), LG_MAX_POLICIES);
}

/* The names in dir, sorted, space-separated. */
static void list_dir(const char *dir, char *out, size_t size)
{
	struct dirent **entries;
	int n = scandir(dir, &entries, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (entries[i]->d_name[0] != '.') {
			strncat(out, entries[i]->d_name, size - strlen(out) - 2);
			strcat(out, " ");
		}
		free(entries[i]);
	}
	free(entries);
}

TEST(atomic_file_replaces_whole_files_and_leaves_no_temporary)
{
	char dir[] = "/tmp/lsmguard-unit-XXXXXX", path[64], names[256], text[64] = "";
	struct stat st;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/state", dir);
	umask(077);
	CHECK_INT(lg_write_file_atomically(path, "first\n", 0644), 0);
	CHECK_INT(lg_write_file_atomically(path, "second\n", 0644), 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, text, sizeof(text) - 1) == 7);
	close(fd);
	CHECK_STR(text, "second\n");
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0644); /* whatever the umask */
	list_dir(dir, names, sizeof(names));
	CHECK_STR(names, "state ");
	/* A directory in the way of the rename: the error, and no temporary left behind. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(text, sizeof(text), "%s/sub/x", dir);
	CHECK_INT(mkdir(text, 0755), 0);
	CHECK_INT(lg_write_file_atomically(path, "x", 0644), -EISDIR);
	list_dir(dir, names, sizeof(names));
	CHECK_STR(names, "state sub ");
	snprintf(path, sizeof(path), "%s/missing/state", dir);
	CHECK_INT(lg_write_file_atomically(path, "x", 0644), -ENOENT);
	rmdir(text);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
}
