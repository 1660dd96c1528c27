// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 30 (helper, branch a30, against 42a4cf0): issue 12 sections 3 and 4 (the kernel
 * running code or loading modules for a confined task; kernel settings under
 * [system] kernel-settings = allow) and the newest change, the per-user key reservations
 * (reserve.bpf.h lg_reserve_pools, ipc.bpf.c lg_key_reserve). Every case asserts the SECURE
 * outcome: a failing check is a bypass ("BYPASS") or a denial of service to another service
 * ("DENIAL"). Each has an unconfined control showing the route really works.
 *
 * Results in the 6.1 VM (2 vCPUs, Debian 6.1.0-57 cloud kernel; /work/atk30-run1..5-console.log,
 * the numbers below from run 5):
 *  3000 BYPASS (fails): keyctl(KEYCTL_DH_COMPUTE) with a KDF hash "a30tN(sha256)" (no such
 *        template) or "hmac(a30iN)" (no such algorithm), no key needed: the caller's own
 *        request_module("crypto-a30tN(sha256)") is refused, but the crypto manager's kernel thread
 *        (cryptomgr_probe, root cgroup, no policy) asks request_module("crypto-a30tN") (and
 *        "crypto-a30iN", "crypto-a30iN-all", "cryptomgr"): kernel.modprobe's program ran as root
 *        for 8 of 8 confined tries (root and uid 1000, enforce and audit; errno ENOENT to the
 *        caller). Control: unconfined root and uid 1000, the same plus the caller's own names.
 *  3010 BYPASS (fails): kernel.keys.maxkeys and maxbytes (not in knobs.bpf.h; root_max* are)
 *        opened for writing by a confined root under kernel-settings = allow, enforce and audit.
 *        maxbytes = 2,000,000 written by it: a confined uid 1000 then held 200,265 bytes of keys
 *        (the share before: 15,000; stopped only by the case's 20-key cap); maxkeys = 1 written
 *        by it: the host's unconfined uid 1000 login's 6-byte key EDQUOT (made before).
 *  3011 BYPASS (fails): opened for writing under kernel-settings = allow, enforce and audit,
 *        control opened too: kernel.warn_limit, oops_limit, panic_on_rcu_stall,
 *        max_rcu_stall_to_panic, hardlockup_panic, unknown_nmi_panic, panic_on_unrecovered_nmi,
 *        panic_on_io_nmi, panic, cad_pid, ctrl-alt-del, sysrq, vm.oom_kill_allocating_task,
 *        kernel.pty.max, shmmni, shmall, shmmax, msgmni, sem, fs.mqueue.queues_max,
 *        fs.pipe-user-pages-soft, fs.pipe-max-size, net.core.bpf_jit_enable,
 *        kernel.keys.gc_delay, persistent_keyring_expiry (50 opens of 25 settings x 2 modes).
 *        cad_pid written with the daemon's pid (1 -> 125).
 *  3012 BYPASS (fails): the confined root writes kernel.ctrl-alt-del = 0 and kernel.cad_pid =
 *        the daemon's pid; the administrator's Ctrl-Alt-Del on the console (typed here through the
 *        i8042's 0xD2 command) makes a kernel worker send SIGINT (SI_KERNEL, which --stop-guard
 *        trusts): the daemon EXITED. Control: cad_pid = a sleeper, killed by SIGINT. The case
 *        starts a new daemon afterwards.
 *  3013 held: net.core.bpf_jit_enable = 0 written by the confined root (an open of 3011), then
 *        SIGKILL and a new `lsmguard run`: it started (canary ok) with the interpreter.
 *  3014 BYPASS (fails): listed settings through their sysfs twins, under kernel-settings =
 *        allow, enforce (written) and audit (opened): /sys/module/kernel/parameters/panic_on_warn
 *        (kernel.panic_on_warn 0 -> 1), /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
 *        (vm.nr_hugepages 0 -> 8) and nr_overcommit_hugepages (0 -> 8); also
 *        printk's ignore_loglevel and kernel/parameters/panic (-1 -> 7). Restored by the case.
 *  3020 DENIAL (fails): uid 769 and uid 1000 share reservation pool 182. Another service (uid
 *        769, policy a30-victim, about 4,010 of its 15,000-byte share) growing a key 1 -> 4,000
 *        bytes on CPU 1 for 2.5 s: EDQUOT 541 of 29,357 beside uid 1000's enforce-mode service
 *        (2 threads on CPU 0: add_key of 12,000 bytes, made 82 and invalidated, and of 32,767
 *        bytes, refused, 9,185 calls), 687 of 30,056 beside its audit-mode one; 0 alone (22,255
 *        growths), 0 when the victim is unconfined (31,465). Under preempt=full (run 8,
 *        /work/atk30-run8-preempt-console.log): 700 of 26,692 and 825 of 30,791.
 *  3021 BYPASS (fails): a confined uid 1000's "encrypted" key "new user:M...M 4096" (payload
 *        11,600 bytes: lg_key_charged counts unknown types at max(len, 8,704)) is charged
 *        len + 8,247 (encrypted_key_alloc: decrypted 4,096 + the master key's description +
 *        encrypted data 4,096 + hash): uid 1000 at 19,864 bytes (share 15,000); the host's
 *        uid 1000 login's 2,000-byte key EDQUOT. With 8,704 bytes: 16,968. Control: the same.
 *  3022 DENIAL (fails, weak): the attacker's adder at SCHED_IDLE beside a busy thread on CPU 0:
 *        EDQUOT 5 of 32,157 (the idle adder made only 27 calls in 2.5 s). Under preempt=full
 *        (run 8): EDQUOT 4,710 of 31,188 (15%) from 8 add_key calls of the adder (7 made): each
 *        call preempted between key_alloc and its fexit holds its 12,000 bytes in the pool for
 *        hundreds of milliseconds. 0 alone (23,192), 0 unconfined (29,365).
 *  3023 BYPASS (fails): a confined root keeping no CAP_SYS_RESOURCE (a30-caps), the root user
 *        at 40 bytes: an "encrypted" key of payload 19,760 (counted so, within 20,000) took the
 *        root user to 28,065 bytes, past the ordinary quota of 20,000. Control: the same.
 *  3040 BYPASS (minor: information; narrowed): root under a30 against a sleeper under a30-victim:
 *        every ptrace-guarded file refused (environ, mem, pagemap, auxv, maps, smaps,
 *        smaps_rollup, numa_maps, io, fdinfo/0: EACCES; stack, syscall, personality: EPERM; the
 *        ns, cwd, root, exe links: EACCES; map_files lists only . and ..), every write EPERM
 *        (clear_refs, coredump_filter, comm, oom_score_adj, timerslack_ns, mem, attr/current,
 *        sched, loginuid), enforce and audit. But /proc/PID/fd lists the victim's descriptors
 *        (their numbers, and their read/write modes as the entries' modes): the kernel guards
 *        that directory by its owner's DAC only (proc_fd_permission), no ptrace check.
 *        Narrowed since: opening the directory is EPERM; its entries looked up one by one
 *        (lstat, O_PATH, task/PID/fd: review 55) still answer, reported only (an
 *        inode_permission program refused them, measured at +18% on every 9-deep open,
 *        and was taken out). Readable as for anyone: wchan, timers, sched, schedstat, stat, status, cmdline,
 *        mountinfo, cgroup. Control: all of it (run 7).
 *  3030 held: cgroup v1 release_agent under mount = allow: the confined root mounts a named v1
 *        hierarchy (allowed), but release_agent, notify_on_release and cgroup.procs are EPERM
 *        (enforce and audit); the agent never runs. Control: the agent ran as root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

/*
 * A finding still open: the case is kept, compiled and not run, until its route is closed; then
 * it becomes a VM_TEST again. Built with -DA30_RUN_FINDINGS they all run, as the run measured
 * them.
 */
#ifdef A30_RUN_FINDINGS
#define VM_TEST_OPEN(name, order) VM_TEST(name, order)
#else
#define VM_TEST_OPEN(name, order) static void __attribute__((unused)) name(void)
#endif

#define A30 "/lgt/a30"
#define A30_AUDIT "/lgt/a30-audit"
#define A30_VICTIM "/lgt/a30-victim"
#define A30_USER 1000
/* A uid whose reservations shared uid 1000's pool in the first form (1 + ((uid * 2654435761) >>
 * 16) % 1023 is 182 for both 1000 and 769): each (kind, user) has a pool of its own now. */
#define A30_POOLMATE 769

#define A30_RULES                                                                                  \
	"[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"          \
	"[system]\nkernel-settings = allow\nmount = allow\n"
static const char a30_policy[] = "[policy]\nname = a30\ncgroup = " A30 "\nmode = enforce\n" A30_RULES;
static const char a30_audit_policy[] =
    "[policy]\nname = a30-audit\ncgroup = " A30_AUDIT "\nmode = audit\n" A30_RULES;
static const char a30_victim_policy[] =
    "[policy]\nname = a30-victim\ncgroup = " A30_VICTIM "\nmode = enforce\n"
    "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n";

#define A30_CAPS "/lgt/a30-caps"
/* a confined root that keeps no CAP_SYS_RESOURCE: the root user's ordinary quota binds it */
static const char a30_caps_policy[] =
    "[policy]\nname = a30-caps\ncgroup = " A30_CAPS "\nmode = enforce\n"
    "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
    "[capabilities]\nkeep = CAP_SETUID, CAP_SETGID\n";

static void a30_setup(void)
{
	if (access(POLICY_DIR "/a30-caps.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a30-caps.ini", a30_caps_policy, 0644);
		if (access(POLICY_DIR "/a30.ini", F_OK) == 0)
			VM_CHECK(daemon_reload_wait());
	}
	if (access(POLICY_DIR "/a30.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a30.ini", a30_policy, 0644);
	write_file(POLICY_DIR "/a30-audit.ini", a30_audit_policy, 0644);
	write_file(POLICY_DIR "/a30-victim.ini", a30_victim_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

static const char *const a30_confined[] = {A30, A30_AUDIT};

/* ---- kernel.modprobe's stand-in (records every request, appended) ---- */

#define A30_MODPROBE "/tmp/a30-modprobe"
#define A30_RAN "/tmp/a30-modprobe-ran"

static void a30_set_modprobe(const char *path)
{
	int fd = open("/proc/sys/kernel/modprobe", O_WRONLY | O_CLOEXEC);

	VM_CHECK(fd >= 0 && write(fd, path, strlen(path)) == (ssize_t)strlen(path));
	if (fd >= 0)
		close(fd);
}

static void a30_standin_start(char *saved, size_t size)
{
	FILE *f;

	write_file(A30_MODPROBE, "#!/bin/sh\necho \"$@\" >> " A30_RAN "\n", 0755);
	saved[0] = '\0';
	f = fopen("/proc/sys/kernel/modprobe", "r");
	if (f && !fgets(saved, (int)size, f))
		saved[0] = '\0';
	if (f)
		fclose(f);
	saved[strcspn(saved, "\n")] = '\0';
	a30_set_modprobe(A30_MODPROBE);
	unlink(A30_RAN);
}

static void a30_standin_end(const char *saved)
{
	if (saved[0])
		a30_set_modprobe(saved);
	unlink(A30_MODPROBE);
	unlink(A30_RAN);
}

/* Whether the stand-in was asked for exactly "name" (a line ending in it, "-q -- NAME"). */
static bool a30_asked(const char *name)
{
	char line[256];
	bool found = false;
	FILE *f = fopen(A30_RAN, "r");

	while (f && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n"), k = strlen(name);

		line[n] = '\0';
		if (n >= k && strcmp(line + n - k, name) == 0 && (n == k || line[n - k - 1] == ' '))
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

static void a30_print_asked(const char *who)
{
	char line[256];
	FILE *f = fopen(A30_RAN, "r");

	printf("#   %s: the stand-in modprobe was asked:", who);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		printf(" [%s]", line);
	}
	printf("%s\n", f ? "" : " nothing");
	if (f)
		fclose(f);
}

/* ---- 3000: crypto names looked up by the crypto manager's kernel thread ---- */

#define KEYCTL_DH_COMPUTE_ 23

struct a30_dh {
	uid_t uid;
	const char *hash;
};

/* keyctl(KEYCTL_DH_COMPUTE) with a KDF whose hash the crypto API does not have: the KDF's
 * shash is allocated (kdf_alloc, crypto_alloc_shash) before any key is looked up, so no key is
 * needed and any user may ask. Returns the errno (0 if it somehow succeeded). */
static int a30_dh_do(const void *p)
{
	const struct a30_dh *a = p;
	struct {
		int32_t priv, prime, base;
	} params = {1, 2, 3};
	struct {
		char *hashname;
		char *otherinfo;
		uint32_t otherinfolen;
		uint32_t spare[8];
	} kdf = {(char *)a->hash, NULL, 0, {0}};
	char buf[64];
	int ret = become(a->uid);

	if (ret)
		return ret;
	if (syscall(SYS_keyctl, KEYCTL_DH_COMPUTE_, &params, buf, sizeof(buf), &kdf) < 0)
		return errno;
	return 0;
}

/*
 * A confined task (root or uid 1000, enforce or audit, no module-autoload) asks the crypto API
 * for "T(sha256)" where T is no template the kernel has, and for "hmac(A)" where A is no
 * algorithm. The caller's own request_module("crypto-T(sha256)") is refused by
 * lsm/kernel_module_request; then crypto_alg_mod_lookup notifies the crypto manager, which
 * starts a kernel thread (cryptomgr_probe, in the root cgroup, under no policy) that looks the
 * template up with request_module("crypto-T") (and, for hmac's inner algorithm,
 * "crypto-A" and "crypto-A-all"): the kernel runs kernel.modprobe's program as root for it.
 * Secure: the stand-in is never asked for a name the confined task chose.
 */
/* One confined try of name, whose module "crypto-TMPL" the crypto manager's thread would ask
 * for: 1 (and noted in bypasses) if the kernel asked for it. */
static int a30_crypto_try(const char *cgroup, uid_t uid, char *name, const char *tmpl,
			  char *bypasses, size_t size)
{
	struct a30_dh a = {uid, name};
	char who[192], inner[64];
	int got;

	unlink(A30_RAN);
	got = in_cgroup(cgroup, a30_dh_do, &a);
	snprintf(who, sizeof(who), "%s uid %u %.40s errno %d", cgroup, (unsigned)uid, name, got);
	a30_print_asked(who);
	snprintf(inner, sizeof(inner), "crypto-%s", tmpl);
	if (!a30_asked(inner))
		return 0;
	snprintf(bypasses + strlen(bypasses), size - strlen(bypasses), " [%s: %s]", who, inner);
	return 1;
}

/* a valid hash name past 48 bytes: nested HMACs */
#define A30_LONG_HASH "hmac(hmac(hmac(hmac(hmac(hmac(sha256))))))"

VM_TEST(a30_crypto_names_autoload_through_cryptomgr, 3000)
{
	char saved[256], tmpl[32], inner[64], name[128];
	int n = 0, bypass = 0, got;
	char bypasses[1024] = "";

	a30_setup();
	VM_TIMEOUT(120);
	a30_standin_start(saved, sizeof(saved));
	/* control: unconfined root and uid 1000 */
	for (int u = 0; u < 2; u++) {
		uid_t uid = u ? A30_USER : 0;
		struct a30_dh a = {uid, name};

		snprintf(tmpl, sizeof(tmpl), "a30t%d", n);
		snprintf(name, sizeof(name), "%s(sha256)", tmpl);
		unlink(A30_RAN);
		got = in_cgroup(NULL, a30_dh_do, &a);
		printf("#   control uid %u, %s: errno %d (%s)\n", (unsigned)uid, name, got,
		       strerror(got));
		a30_print_asked("control");
		snprintf(inner, sizeof(inner), "crypto-%s", tmpl);
		if (!a30_asked(inner))
			VM_FAIL("control: uid %u's %s did not make the kernel ask for %s", (unsigned)uid,
				name, inner);
		n++;
	}
	/* control of the long name (past request_module's 55 bytes: the caller's own request fails
	 * with ENAMETOOLONG before any hook, and only the crypto manager's thread asks) */
	snprintf(tmpl, sizeof(tmpl), "a30t%d", n);
	snprintf(name, sizeof(name), "%s(%s)", tmpl, A30_LONG_HASH);
	unlink(A30_RAN);
	{
		struct a30_dh a = {0, name};

		got = in_cgroup(NULL, a30_dh_do, &a);
	}
	a30_print_asked("control, long name");
	snprintf(inner, sizeof(inner), "crypto-%s", tmpl);
	if (!a30_asked(inner))
		VM_FAIL("control: the long %s did not make the kernel ask for %s", name, inner);
	n++;
	/* control of the nested name: the second probe thread asks for the inner template */
	snprintf(tmpl, sizeof(tmpl), "a30n%d", n);
	snprintf(name, sizeof(name), "hmac(%s(sha256))", tmpl);
	unlink(A30_RAN);
	{
		struct a30_dh a = {0, name};

		got = in_cgroup(NULL, a30_dh_do, &a);
	}
	a30_print_asked("control, nested name");
	snprintf(inner, sizeof(inner), "crypto-%s", tmpl);
	if (!a30_asked(inner))
		VM_FAIL("control: the nested %s did not make the kernel ask for %s", name, inner);
	n++;
	for (int c = 0; c < 2; c++)
		for (int u = 0; u < 2; u++) {
			uid_t uid = u ? A30_USER : 0;

			/* an unknown template */
			snprintf(tmpl, sizeof(tmpl), "a30t%d", n);
			snprintf(name, sizeof(name), "%s(sha256)", tmpl);
			bypass += a30_crypto_try(a30_confined[c], uid, name, tmpl, bypasses,
						 sizeof(bypasses));
			/* an unknown algorithm inside a template the kernel has */
			snprintf(tmpl, sizeof(tmpl), "a30i%d", n);
			snprintf(name, sizeof(name), "hmac(%s)", tmpl);
			bypass += a30_crypto_try(a30_confined[c], uid, name, tmpl, bypasses,
						 sizeof(bypasses));
			/* the long name (thirteenth session: remembered at the lookup, since its
			 * module request never reaches the hook) */
			snprintf(tmpl, sizeof(tmpl), "a30l%d", n);
			snprintf(name, sizeof(name), "%s(%s)", tmpl, A30_LONG_HASH);
			bypass += a30_crypto_try(a30_confined[c], uid, name, tmpl, bypasses,
						 sizeof(bypasses));
			/* an unknown template inside a built-in one (review 55): hmac's probe
			 * thread looks the inner name up, and a second probe thread, started by
			 * the first under no policy, asks for its template */
			snprintf(tmpl, sizeof(tmpl), "a30n%d", n);
			snprintf(name, sizeof(name), "hmac(%s(sha256))", tmpl);
			bypass += a30_crypto_try(a30_confined[c], uid, name, tmpl, bypasses,
						 sizeof(bypasses));
			n++;
		}
	a30_standin_end(saved);
	if (bypass)
		VM_FAIL("BYPASS: the kernel ran kernel.modprobe's program as root for %d of 16 confined "
			"crypto names (module-autoload not allowed):%s",
			bypass, bypasses);
}

/* ---- 3010, 3011: kernel settings not in knobs.bpf.h's list, under kernel-settings = allow ---- */

struct a30_open {
	const char *path;
	uid_t uid;
	const char *text; /* written when not NULL */
};

static int a30_open_do(const void *p)
{
	const struct a30_open *a = p;
	int fd, ret = become(a->uid);

	if (ret)
		return ret;
	fd = open(a->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (a->text && write(fd, a->text, strlen(a->text)) != (ssize_t)strlen(a->text))
		ret = 100 + errno;
	close(fd);
	return ret;
}

/* uid 1000's session keyring, keys of size bytes until the kernel or lsmguard refuses (at most
 * max); the bytes charged to uid 1000 then, in *out (a shared page). */
struct a30_fill {
	int size, max;
	int made, err;
	unsigned keys, bytes;
};

static char a30_payload[32768];

static int a30_fill_do(const void *p)
{
	struct a30_fill *f = (struct a30_fill *)p;
	int ret = become(A30_USER);

	if (ret)
		return ret;
	if (syscall(SYS_keyctl, 1 /* JOIN_SESSION_KEYRING */, 0) < 0)
		return 2000 + errno;
	for (int i = 0; i < f->max; i++) {
		char desc[32];

		snprintf(desc, sizeof(desc), "a30-f%03d", i);
		if (syscall(SYS_add_key, "user", desc, a30_payload, f->size, -3) < 0) {
			f->err = errno;
			break;
		}
		f->made++;
	}
	user_key_charge(A30_USER, &f->keys, &f->bytes);
	return 0;
}

static int a30_login_key_do(const void *p)
{
	int ret = become(A30_USER);

	(void)p;
	if (ret)
		return ret;
	if (syscall(SYS_keyctl, 1, 0) < 0)
		return 2000 + errno;
	if (syscall(SYS_add_key, "user", "a30-login", "secret", 6, -3) < 0)
		return errno;
	return 0;
}

static void a30_keys_gone(void)
{
	unsigned keys, bytes;

	for (int i = 0; i < 100; i++) {
		if (!user_key_charge(A30_USER, &keys, &bytes) || bytes < 200)
			return;
		usleep(100 * 1000);
	}
}

#define KEYS_MAXKEYS "/proc/sys/kernel/keys/maxkeys"
#define KEYS_MAXBYTES "/proc/sys/kernel/keys/maxbytes"

/*
 * kernel.keys.maxkeys and maxbytes (every user's key quota but root's) under a policy with
 * kernel-settings = allow: root_maxkeys/root_maxbytes are refused as "limits" (knobs.bpf.h),
 * these two are not listed. Written high, a confined uid 1000 takes three quarters of the new
 * quota (unswappable kernel memory: the reason root_max* is listed); written to 1, every other
 * user's login gets EDQUOT for any key. Secure: EPERM at the open, enforce and audit.
 */
VM_TEST(a30_user_key_quota_sysctls, 3010)
{
	const char *knobs[] = {KEYS_MAXKEYS, KEYS_MAXBYTES};
	long maxkeys = read_number(KEYS_MAXKEYS), maxbytes = read_number(KEYS_MAXBYTES);
	char opened[512] = "";
	int open_count = 0;

	a30_setup();
	VM_TIMEOUT(120);
	memset(a30_payload, 'k', sizeof(a30_payload));
	for (int k = 0; k < 2; k++) {
		struct a30_open a = {knobs[k], 0, NULL};

		VM_CHECK(in_cgroup(NULL, a30_open_do, &a) == 0); /* control */
		for (int c = 0; c < 2; c++) {
			int got = in_cgroup(a30_confined[c], a30_open_do, &a);

			printf("#   %s from %s (root): %s\n", knobs[k], a30_confined[c],
			       got ? strerror(got) : "opened for writing");
			if (!got) {
				open_count++;
				snprintf(opened + strlen(opened), sizeof(opened) - strlen(opened),
					 " %s(%s)", knobs[k], a30_confined[c]);
			}
		}
	}
	if (open_count) {
		/* What it gives: written by the confined root (enforce policy). */
		struct a30_open high = {KEYS_MAXBYTES, 0, "2000000"}, one = {KEYS_MAXKEYS, 0, "1"};
		struct a30_fill *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		int w, login_before, login_after;

		a30_keys_gone();
		w = in_cgroup(A30, a30_open_do, &high);
		memset(f, 0, sizeof(*f));
		f->size = 10000;
		f->max = 20;
		VM_CHECK(in_cgroup(A30, a30_fill_do, f) == 0);
		printf("#   maxbytes written 2,000,000 by the confined root (%d): the confined uid 1000 "
		       "made %d keys of 10,000 bytes (stopped by errno %d), %u bytes charged; the share "
		       "of the quota before was %ld\n",
		       w, f->made, f->err, f->bytes, maxbytes - maxbytes / 4);
		write_number(KEYS_MAXBYTES, maxbytes);
		a30_keys_gone();
		login_before = in_cgroup(NULL, a30_login_key_do, NULL);
		a30_keys_gone();
		w = in_cgroup(A30, a30_open_do, &one);
		login_after = in_cgroup(NULL, a30_login_key_do, NULL);
		printf("#   maxkeys written 1 by the confined root (%d): an unconfined uid 1000 login's "
		       "6-byte key: before %s, after %s\n",
		       w, login_before ? strerror(login_before % 1000) : "made",
		       login_after ? strerror(login_after % 1000) : "made");
		write_number(KEYS_MAXKEYS, maxkeys);
		a30_keys_gone();
		VM_FAIL("BYPASS: the confined root opened for writing under kernel-settings = allow:%s; "
			"uid 1000's confined service then took %u bytes of keys (the share was %ld); "
			"with maxkeys 1 the host's uid 1000 login key: %s",
			opened, f->bytes, maxbytes - maxbytes / 4,
			login_after ? strerror(login_after % 1000) : "made");
		munmap(f, sizeof(*f));
	}
	VM_CHECK(read_number(KEYS_MAXKEYS) == maxkeys);
	VM_CHECK(read_number(KEYS_MAXBYTES) == maxbytes);
}

/*
 * The other panic switches and limits beside the listed panic_on_oops, panic_on_warn,
 * hung_task_panic, softlockup_panic, panic_on_oom: kernel.warn_limit and kernel.oops_limit
 * (6.1.y: the N-th warning or oops panics the host), panic_on_rcu_stall, hardlockup_panic,
 * unknown_nmi_panic, panic_on_unrecovered_nmi, panic_on_io_nmi; and kernel.cad_pid (the process
 * Ctrl-Alt-Del's SIGINT is sent to, by a kernel worker: it can name lsmguard's daemon);
 * kernel.keys.persistent_keyring_expiry. Opened for writing, not written (cad_pid: written with
 * the daemon's pid, read back, restored). Secure: EPERM, enforce and audit.
 */
VM_TEST(a30_panic_switches_and_cad_pid, 3011)
{
	static const char *const knobs[] = {
	    "/proc/sys/kernel/warn_limit",	   "/proc/sys/kernel/oops_limit",
	    "/proc/sys/kernel/panic_on_rcu_stall", "/proc/sys/kernel/max_rcu_stall_to_panic",
	    "/proc/sys/kernel/hardlockup_panic",   "/proc/sys/kernel/unknown_nmi_panic",
	    "/proc/sys/kernel/panic_on_unrecovered_nmi", "/proc/sys/kernel/panic_on_io_nmi",
	    "/proc/sys/kernel/panic",		   "/proc/sys/kernel/cad_pid",
	    "/proc/sys/kernel/ctrl-alt-del",	   "/proc/sys/kernel/sysrq",
	    "/proc/sys/vm/oom_kill_allocating_task",
	    /* limits every host process lives by (sshd's ptys, PostgreSQL's System V memory,
	     * queues, pipes) and BPF's JIT (lsmguard's next start) */
	    "/proc/sys/kernel/pty/max",		   "/proc/sys/kernel/shmmni",
	    "/proc/sys/kernel/shmall",		   "/proc/sys/kernel/shmmax",
	    "/proc/sys/kernel/msgmni",		   "/proc/sys/kernel/sem",
	    "/proc/sys/fs/mqueue/queues_max",	   "/proc/sys/fs/pipe-user-pages-soft",
	    "/proc/sys/fs/pipe-max-size",	   "/proc/sys/net/core/bpf_jit_enable",
	    "/proc/sys/kernel/keys/gc_delay",	   "/proc/sys/kernel/keys/persistent_keyring_expiry",
	};
	char opened[2048] = "";
	int open_count = 0;

	a30_setup();
	VM_TIMEOUT(120);
	for (size_t k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
		struct a30_open a = {knobs[k], 0, NULL};
		int control;

		if (access(knobs[k], F_OK)) {
			printf("#   %s: not in this kernel\n", knobs[k]);
			continue;
		}
		control = in_cgroup(NULL, a30_open_do, &a);
		for (int c = 0; c < 2; c++) {
			int got = in_cgroup(a30_confined[c], a30_open_do, &a);

			printf("#   %s: control %s, from %s (root): %s\n", knobs[k],
			       control ? strerror(control) : "opened", a30_confined[c],
			       got ? strerror(got) : "opened for writing");
			if (!got && !control) {
				open_count++;
				snprintf(opened + strlen(opened), sizeof(opened) - strlen(opened),
					 " %s(%s)", knobs[k] + 10, a30_confined[c] + 5);
			}
		}
	}
	/* cad_pid: the daemon's pid written by the confined root, read back, restored to 1 */
	{
		char pid[32];
		struct a30_open a = {"/proc/sys/kernel/cad_pid", 0, pid};
		long before = read_number("/proc/sys/kernel/cad_pid"), after;
		int got;

		snprintf(pid, sizeof(pid), "%d", (int)daemon_pid());
		got = in_cgroup(A30, a30_open_do, &a);
		after = read_number("/proc/sys/kernel/cad_pid");
		printf("#   cad_pid %ld; the confined root wrote the daemon's pid %s: %s, now %ld\n",
		       before, pid, got ? strerror(got % 100) : "written", after);
		write_number("/proc/sys/kernel/cad_pid", before > 0 ? before : 1);
	}
	if (open_count)
		VM_FAIL("BYPASS: %d opened for writing by a confined root under kernel-settings = "
			"allow:%s",
			open_count, opened);
}

/* ---- 3012: Ctrl-Alt-Del's SIGINT sent to the daemon ---- */

/* The administrator's Ctrl-Alt-Del on the console keyboard, typed through the i8042
 * controller's "write keyboard output buffer" command (0xD2): the bytes arrive as the keyboard's
 * (set 1, translated), atkbd and the VT keyboard handler take them, and fn_boot_it calls
 * ctrl_alt_del(). false when the ports cannot be reached. */
static bool a30_i8042_byte(unsigned char b)
{
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		;
	outb(0xD2, 0x64);
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		;
	outb(b, 0x60);
	usleep(30 * 1000);
	return true;
}

static bool a30_ctrl_alt_del(void)
{
	static const unsigned char keys[] = {0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d};

	if (iopl(3))
		return false;
	for (size_t i = 0; i < sizeof(keys); i++)
		a30_i8042_byte(keys[i]);
	iopl(0);
	return true;
}

/*
 * kernel.ctrl-alt-del = 0 makes Ctrl-Alt-Del send SIGINT to kernel.cad_pid (a kernel worker
 * sends it: si_code SI_KERNEL, which the daemon's --stop-guard trusts as "a terminal's ^C"). A
 * confined root under kernel-settings = allow writes both (3011: opened), naming the daemon;
 * the administrator's next Ctrl-Alt-Del on the console then ends lsmguard's daemon (events,
 * reloads and the mount table's upkeep stop; the pinned programs stay). Secure: the writes
 * refused, or the daemon alive after the key press. Control: cad_pid naming a sleeper of the
 * test's, unconfined: the sleeper dies of SIGINT.
 */
VM_TEST(a30_ctrl_alt_del_ends_the_daemon, 3012)
{
	long cad_pid = read_number("/proc/sys/kernel/cad_pid");
	long cad = read_number("/proc/sys/kernel/ctrl-alt-del");
	pid_t sleeper, daemon;
	int status = 0, w1, w2;
	char pid[32];
	bool gone;

	a30_setup();
	VM_TIMEOUT(60);
	if (access("/sys/bus/serio/drivers/atkbd/serio0", F_OK)) {
		printf("#   no atkbd on serio0\n");
		VM_SKIP("no i8042 keyboard in this VM");
		return;
	}
	write_number("/proc/sys/kernel/ctrl-alt-del", 0); /* never a reboot of the VM */
	/* control */
	sleeper = fork();
	if (sleeper == 0) {
		signal(SIGINT, SIG_DFL);
		pause();
		_exit(0);
	}
	write_number("/proc/sys/kernel/cad_pid", sleeper);
	VM_CHECK(a30_ctrl_alt_del());
	gone = wait_exit(sleeper, 3000);
	if (!gone)
		kill(sleeper, SIGKILL);
	waitpid(sleeper, &status, 0);
	printf("#   control: Ctrl-Alt-Del with cad_pid a sleeper: %s\n",
	       WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "not signalled");
	write_number("/proc/sys/kernel/cad_pid", 1);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGINT) {
		write_number("/proc/sys/kernel/ctrl-alt-del", cad);
		VM_SKIP("the injected Ctrl-Alt-Del did not reach ctrl_alt_del()");
		return;
	}
	/* a second sleeper takes Ctrl-Alt-Del's SIGINT when the confined writes are refused (not
	 * init, pid 1, whose shell would end the suite after this case) */
	sleeper = fork();
	if (sleeper == 0) {
		signal(SIGINT, SIG_DFL);
		pause();
		_exit(0);
	}
	write_number("/proc/sys/kernel/cad_pid", sleeper);
	/* the confined root's writes */
	daemon = daemon_pid();
	snprintf(pid, sizeof(pid), "%d", (int)daemon);
	{
		struct a30_open off = {"/proc/sys/kernel/ctrl-alt-del", 0, "0"};
		struct a30_open to = {"/proc/sys/kernel/cad_pid", 0, pid};

		w1 = in_cgroup(A30, a30_open_do, &off);
		w2 = in_cgroup(A30, a30_open_do, &to);
	}
	printf("#   the confined root (a30, kernel-settings = allow): ctrl-alt-del = 0: %s; cad_pid = "
	       "%s (the daemon): %s; cad_pid now %ld\n",
	       w1 ? strerror(w1 % 100) : "written", pid, w2 ? strerror(w2 % 100) : "written",
	       read_number("/proc/sys/kernel/cad_pid"));
	VM_CHECK(a30_ctrl_alt_del());
	gone = wait_exit(daemon, 3000);
	printf("#   after the administrator's Ctrl-Alt-Del: the daemon (pid %d) %s\n", (int)daemon,
	       gone ? "EXITED" : "still runs");
	status = 0;
	if (!gone && wait_exit(sleeper, 3000)) {
		waitpid(sleeper, &status, 0);
		/* the press reached the sleeper the writes left named: the refusal, not a lost key */
		VM_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	} else {
		kill(sleeper, SIGKILL);
		waitpid(sleeper, NULL, 0);
		VM_CHECK(gone); /* neither: the key press was lost */
	}
	write_number("/proc/sys/kernel/cad_pid", cad_pid > 0 ? cad_pid : 1);
	write_number("/proc/sys/kernel/ctrl-alt-del", cad);
	if (gone) {
		waitpid(daemon, NULL, WNOHANG);
		VM_CHECK(daemon_start() > 0);
		VM_FAIL("BYPASS: a confined root (kernel-settings = allow) set ctrl-alt-del = 0 and "
			"cad_pid = the daemon's pid; the next Ctrl-Alt-Del ended lsmguard's daemon");
	}
}

/* ---- 3013: BPF's JIT switched off, then lsmguard's next start ---- */

/*
 * net.core.bpf_jit_enable (this kernel has no CONFIG_BPF_JIT_ALWAYS_ON): written 0 by a confined
 * root under kernel-settings = allow (3011: opened), BPF programs loaded afterwards are not
 * compiled. Then the administrator restarts lsmguard (SIGKILL, a new `lsmguard run`): does it
 * start and enforce? Secure: the write refused, or the daemon starts.
 */
VM_TEST(a30_bpf_jit_off_then_restart, 3013)
{
	long jit = read_number("/proc/sys/net/core/bpf_jit_enable");
	struct a30_open off = {"/proc/sys/net/core/bpf_jit_enable", 0, "0"};
	pid_t daemon = daemon_pid(), again;
	int w;

	a30_setup();
	VM_TIMEOUT(90);
	w = in_cgroup(A30, a30_open_do, &off);
	printf("#   bpf_jit_enable %ld; the confined root wrote 0: %s, now %ld\n", jit,
	       w ? strerror(w % 100) : "written", read_number("/proc/sys/net/core/bpf_jit_enable"));
	if (w)
		return;
	VM_CHECK(daemon > 0 && kill(daemon, SIGKILL) == 0);
	VM_CHECK(wait_exit(daemon, 5000));
	again = daemon_start();
	printf("#   the administrator's restart of lsmguard with the JIT off: %s (pid %d)\n",
	       again > 0 ? "started" : "FAILED", (int)again);
	write_number("/proc/sys/net/core/bpf_jit_enable", jit);
	if (again > 0) {
		/* JIT-compiled again for the cases after this one */
		VM_CHECK(kill(again, SIGKILL) == 0);
		VM_CHECK(wait_exit(again, 5000));
		VM_CHECK(daemon_start() > 0);
	}
	if (again <= 0) {
		VM_CHECK(daemon_start() > 0);
		VM_FAIL("BYPASS: a confined root (kernel-settings = allow) wrote "
			"net.core.bpf_jit_enable = 0; lsmguard's next start failed");
	} else {
		/* the restarted daemon enforces: a denied open by a30's neighbour policy */
		printf("#   (the restart worked with the interpreter)\n");
	}
}

/* ---- 3014: listed settings through their sysfs twins ---- */

/*
 * knobs.bpf.h refuses kernel.panic_on_warn and vm.nr_hugepages (and its overcommit twin) as
 * sysctls, known by their data or handler under procfs. The same variables are sysfs attributes
 * too: /sys/module/kernel/parameters/panic_on_warn (core_param of the same int),
 * /sys/kernel/mm/hugepages/hugepages-*kB/nr_hugepages and nr_overcommit_hugepages (the same
 * pool). Under kernel-settings = allow a sysfs attribute is an ordinary kernel setting.
 * Secure: EPERM, enforce and audit. Measured by writing through sysfs from the confined root
 * and reading the sysctl back (restored by the test).
 */
struct a30_twin {
	const char *sysfs, *sysctl;
	long value; /* written (-1: the sysctl's value plus 8) */
};

VM_TEST(a30_listed_settings_through_sysfs, 3014)
{
	struct a30_twin twins[] = {
	    {"/sys/module/kernel/parameters/panic_on_warn", "/proc/sys/kernel/panic_on_warn", 1},
	    {"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "/proc/sys/vm/nr_hugepages",
	     -1},
	    {"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages",
	     "/proc/sys/vm/nr_overcommit_hugepages", -1},
	    {"/sys/module/printk/parameters/ignore_loglevel", NULL, 1},
	    {"/sys/module/kernel/parameters/panic", "/proc/sys/kernel/panic", 7},
	};
	char written[1024] = "";
	int bypass = 0;

	a30_setup();
	VM_TIMEOUT(60);
	for (size_t t = 0; t < sizeof(twins) / sizeof(twins[0]); t++) {
		long before, want, after;
		char text[32];
		struct a30_open a = {twins[t].sysfs, 0, text};
		struct a30_open ro = {twins[t].sysfs, 0, NULL};
		int control, got[2];

		if (access(twins[t].sysfs, F_OK)) {
			printf("#   %s: not in this kernel\n", twins[t].sysfs);
			continue;
		}
		before = twins[t].sysctl ? read_number(twins[t].sysctl) : 0;
		control = in_cgroup(NULL, a30_open_do, &ro);
		got[1] = in_cgroup(A30_AUDIT, a30_open_do, &ro);
		want = twins[t].value < 0 ? before + 8 : twins[t].value;
		snprintf(text, sizeof(text), "%ld", want);
		got[0] = in_cgroup(A30, a30_open_do, &a);
		after = twins[t].sysctl ? read_number(twins[t].sysctl) : -1;
		printf("#   %s: control open %s; a30-audit open %s; a30 wrote %ld: %s; %s %ld -> %ld\n",
		       twins[t].sysfs, control ? strerror(control) : "ok",
		       got[1] ? strerror(got[1]) : "opened", want,
		       got[0] ? strerror(got[0] % 100) : "written",
		       twins[t].sysctl ? twins[t].sysctl : "(no sysctl)", before, after);
		/* restore through sysfs, unconfined */
		snprintf(text, sizeof(text), "%ld", twins[t].sysctl ? before : 0L);
		in_cgroup(NULL, a30_open_do, &a);
		if (!got[0] || !got[1]) {
			bypass++;
			snprintf(written + strlen(written), sizeof(written) - strlen(written), " %s%s%s",
				 twins[t].sysfs, got[0] ? "" : "(a30 wrote)",
				 got[1] ? "" : "(a30-audit opened)");
		}
	}
	VM_CHECK(read_number("/proc/sys/kernel/panic_on_warn") == 0);
	if (bypass)
		VM_FAIL("BYPASS: listed settings written through sysfs by a confined root "
			"(kernel-settings = allow):%s",
			written);
}

/* ---- 3020: a pool shared by two users' key reservations ---- */

struct a30_pool {
	volatile int stop, ready;
	int idle; /* the attacker: one hog and one SCHED_IDLE adder on CPU 0 */
	int victim_ok, victim_edquot, victim_other, victim_err;
	int att_made, att_edquot, att_other, att_err;
	unsigned long long att_calls;
};

#define KEYCTL_UPDATE_ 2
#define KEYCTL_INVALIDATE_ 21

static void a30_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The victim: another service of uid 769, its key grown from 1 byte to 4,000 and back, again
 * and again for ms milliseconds; uid 769 holds about 4,010 bytes of its 15,000-byte share. */
struct a30_victim_arg {
	struct a30_pool *pool;
	int ms;
};

static int a30_victim_do(const void *p)
{
	const struct a30_victim_arg *va = p;
	struct a30_pool *s = va->pool;
	long key, start;
	int ret = become(A30_POOLMATE);

	if (ret)
		return ret;
	a30_pin(1);
	if (syscall(SYS_keyctl, 1, 0) < 0)
		return 2000 + errno;
	key = syscall(SYS_add_key, "user", "a30-v", "x", 1, -3);
	if (key < 0)
		return 3000 + errno;
	s->ready = 1;
	start = vm_now_ms();
	while (vm_now_ms() - start < va->ms) {
		if (syscall(SYS_keyctl, KEYCTL_UPDATE_, key, a30_payload, 4000) == 0)
			s->victim_ok++;
		else if (errno == EDQUOT)
			s->victim_edquot++;
		else {
			s->victim_other++;
			s->victim_err = errno;
		}
		syscall(SYS_keyctl, KEYCTL_UPDATE_, key, "x", 1);
	}
	return 0;
}

/* The attacker, uid 1000 in its own policy: add_key of 12,000-byte keys (each reserved in the
 * pool from key_alloc to the call's end, then invalidated) and of 32,767-byte keys (past its
 * share: refused, but raised into the pool before the check), on CPU 0, until stopped. */
static void *a30_attack_thread(void *p)
{
	struct a30_pool *s = p;
	int i = 0;

	a30_pin(0);
	while (!s->stop) {
		char desc[32];
		long k;
		int size = (i & 1) ? 32767 : 12000;

		snprintf(desc, sizeof(desc), "a30-a%d", i++);
		k = syscall(SYS_add_key, "user", desc, a30_payload, size, -3);
		__atomic_add_fetch(&s->att_calls, 1, __ATOMIC_RELAXED);
		if (k >= 0) {
			__atomic_add_fetch(&s->att_made, 1, __ATOMIC_RELAXED);
			syscall(SYS_keyctl, KEYCTL_INVALIDATE_, k);
		} else if (errno == EDQUOT)
			__atomic_add_fetch(&s->att_edquot, 1, __ATOMIC_RELAXED);
		else {
			__atomic_add_fetch(&s->att_other, 1, __ATOMIC_RELAXED);
			s->att_err = errno;
		}
	}
	return NULL;
}

/* A hog of CPU 0 (the service's own busy thread). */
static void *a30_hog_thread(void *p)
{
	struct a30_pool *s = p;

	a30_pin(0);
	while (!s->stop)
		;
	return NULL;
}

/* add_key of 12,000-byte keys at SCHED_IDLE beside the hog: the call is preempted at the first
 * voluntary preemption point after key_alloc (mutex_lock of key_construction_mutex in
 * __key_instantiate_and_link), its reservation held in the pool while the hog runs. */
static void *a30_idle_adder(void *p)
{
	struct a30_pool *s = p;
	struct sched_param sp = {0};
	int i = 0;

	a30_pin(0);
	sched_setscheduler(0, SCHED_IDLE, &sp);
	while (!s->stop) {
		char desc[32];
		long k;

		snprintf(desc, sizeof(desc), "a30-i%d", i++);
		k = syscall(SYS_add_key, "user", desc, a30_payload, 12000, -3);
		__atomic_add_fetch(&s->att_calls, 1, __ATOMIC_RELAXED);
		if (k >= 0) {
			__atomic_add_fetch(&s->att_made, 1, __ATOMIC_RELAXED);
			syscall(SYS_keyctl, KEYCTL_INVALIDATE_, k);
		} else if (errno == EDQUOT)
			__atomic_add_fetch(&s->att_edquot, 1, __ATOMIC_RELAXED);
		else {
			__atomic_add_fetch(&s->att_other, 1, __ATOMIC_RELAXED);
			s->att_err = errno;
		}
	}
	return NULL;
}

static int a30_attacker_do(const void *p)
{
	struct a30_pool *s = (struct a30_pool *)p;
	pthread_t t[2];
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	ret = become(A30_USER);
	if (ret)
		return ret;
	if (syscall(SYS_keyctl, 1, 0) < 0)
		return 2000 + errno;
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL,
			       s->idle ? (i ? a30_idle_adder : a30_hog_thread) : a30_attack_thread, s);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* One phase: the victim (in victim_cgroup) for ms, with the attacker in attacker_cgroup (NULL:
 * no attacker... "" : attacker unconfined). Returns the victim's EDQUOT count. */
static int a30_pool_phase_idle(const char *victim_cgroup, const char *attacker_cgroup,
			       bool attack, int ms, const char *label, int idle)
{
	struct a30_pool *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct a30_victim_arg va = {s, ms};
	struct in_cgroup_thread th;
	int vr, edquot;

	memset(s, 0, sizeof(*s));
	s->idle = idle;
	a30_keys_gone();
	if (attack)
		VM_CHECK(in_cgroup_start(&th, attacker_cgroup, a30_attacker_do, s));
	usleep(200 * 1000);
	vr = in_cgroup(victim_cgroup, a30_victim_do, &va);
	s->stop = 1;
	if (attack)
		in_cgroup_join(&th);
	printf("#   %s: victim uid %d (%s) grew its key to 4,000 bytes %d times, EDQUOT %d, other "
	       "%d (errno %d), result %d; attacker uid 1000 (%s) %s: %llu add_key calls, made %d, "
	       "EDQUOT %d, other %d (errno %d)\n",
	       label, A30_POOLMATE, victim_cgroup ? victim_cgroup : "unconfined", s->victim_ok,
	       s->victim_edquot, s->victim_other, s->victim_err, vr,
	       attacker_cgroup ? attacker_cgroup : "unconfined", attack ? "running" : "absent",
	       s->att_calls, s->att_made, s->att_edquot, s->att_other, s->att_err);
	edquot = s->victim_edquot;
	if (vr)
		VM_FAIL("%s: the victim failed to set up: %d", label, vr);
	munmap(s, sizeof(*s));
	return edquot;
}

static int a30_pool_phase(const char *victim_cgroup, const char *attacker_cgroup, bool attack,
			  int ms, const char *label)
{
	return a30_pool_phase_idle(victim_cgroup, attacker_cgroup, attack, ms, label, 0);
}

/*
 * uid 769 and uid 1000 share reservation pool 182. A service of uid 769 (its own policy, far
 * inside its user's share: about 4,010 of 15,000 bytes) grows a key to 4,000 bytes again and
 * again; a confined uid 1000 in another policy calls add_key in a loop (12,000-byte keys made
 * and invalidated, 32,767-byte keys refused). Every in-flight reservation of uid 1000 counts
 * in uid 769's checks. Secure: the victim is never refused while its own user is inside its
 * share. Controls: the victim alone (0 refused), the victim unconfined beside the attacker
 * (lsmguard refuses nothing to it; the kernel's quota is not reached).
 */
VM_TEST(a30_key_pool_shared_by_two_users, 3020)
{
	int alone, with, with_audit, unconf;

	a30_setup();
	VM_TIMEOUT(120);
	memset(a30_payload, 'k', sizeof(a30_payload));
	alone = a30_pool_phase(A30_VICTIM, A30, false, 1500, "victim alone");
	unconf = a30_pool_phase(NULL, A30, true, 2500, "control: victim unconfined");
	with = a30_pool_phase(A30_VICTIM, A30, true, 2500, "attacker under enforce");
	with_audit = a30_pool_phase(A30_VICTIM, A30_AUDIT, true, 2500, "attacker under audit");
	a30_keys_gone();
	VM_CHECK(alone == 0);
	VM_CHECK(unconf == 0);
	if (with || with_audit)
		VM_FAIL("DENIAL: another service's (uid %d, policy a30-victim) key growth, inside its "
			"user's share, refused EDQUOT %d times beside uid 1000's enforce-mode service "
			"and %d times beside its audit-mode one (0 alone)",
			A30_POOLMATE, with, with_audit);
}

/*
 * The same with the reservation held for long: the attacker's adder thread at SCHED_IDLE and a
 * busy thread of its own, both on CPU 0 (no privilege: lowering one's own priority). The adder's
 * add_key is switched out at the first voluntary preemption point after key_alloc and waits
 * while the hog runs, its 12,000 bytes reserved in the pool all that time. Secure: the victim
 * (uid 769, CPU 1) is never refused.
 */
VM_TEST(a30_key_pool_held_by_an_idle_caller, 3022)
{
	int alone, with, unconf;

	a30_setup();
	VM_TIMEOUT(120);
	memset(a30_payload, 'k', sizeof(a30_payload));
	alone = a30_pool_phase_idle(A30_VICTIM, A30, false, 1500, "victim alone", 1);
	unconf = a30_pool_phase_idle(NULL, A30, true, 2500, "control: victim unconfined (idle adder)",
				     1);
	with = a30_pool_phase_idle(A30_VICTIM, A30, true, 2500, "idle adder under enforce", 1);
	a30_keys_gone();
	VM_CHECK(alone == 0);
	VM_CHECK(unconf == 0);
	if (with)
		VM_FAIL("DENIAL: another service's (uid %d) key growth refused EDQUOT %d times beside "
			"uid 1000's SCHED_IDLE add_key and a busy thread (0 alone)",
			A30_POOLMATE, with);
}

/* ---- 3021: an "encrypted" key charged more than lsmguard counts ---- */

/*
 * lg_key_charged counts a key type it does not know by LG_KEY_CHARGE_MAX (8,704, "an encrypted
 * key's most") or the payload's length if more. An "encrypted" key's charge
 * (encrypted_key_alloc) is the decrypted length (up to 4,096) + the format, the master key's
 * description, the length's digits, the IV and the encrypted data (4,096) + a hash: about
 * 8,247 bytes more than a payload "new user:NAME 4096", whose NAME is of any length. With NAME
 * long enough the payload is counted at its length while the kernel charges 8,247 bytes more
 * (for "new", the master key is not looked up). A confined uid 1000 adds one such key; secure:
 * its user stays within three quarters of kernel.keys.maxbytes, and the host's uid 1000 login
 * still adds a 2,000-byte key. Control: unconfined, the same key.
 */
struct a30_enc {
	int len;
	volatile int held, release;
	int err;
	unsigned keys, bytes;
};

static int a30_enc_do(const void *p)
{
	struct a30_enc *e = (struct a30_enc *)p;
	static char blob[32768];
	int ret, m;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	ret = become(A30_USER);
	if (ret)
		return ret;
	if (syscall(SYS_keyctl, 1, 0) < 0)
		return 2000 + errno;
	m = e->len - 14; /* "new user:" + NAME + " 4096" */
	memcpy(blob, "new user:", 9);
	memset(blob + 9, 'M', m);
	memcpy(blob + 9 + m, " 4096", 5);
	if (syscall(SYS_add_key, "encrypted", "a30-enc", blob, e->len, -3) < 0)
		e->err = errno;
	user_key_charge(A30_USER, &e->keys, &e->bytes);
	e->held = 1;
	while (!e->release)
		usleep(10 * 1000);
	return 0;
}

static int a30_probe_2000(const void *p)
{
	int ret = become(A30_USER);

	(void)p;
	if (ret)
		return ret;
	if (syscall(SYS_keyctl, 1, 0) < 0)
		return 2000 + errno;
	if (syscall(SYS_add_key, "user", "a30-probe", a30_payload, 2000, -3) < 0)
		return errno;
	return 0;
}

static void a30_enc_round(const char *cgroup, int len, unsigned *bytes, int *err, int *probe)
{
	struct a30_enc *e = mmap(NULL, sizeof(*e), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	struct in_cgroup_thread th;

	memset(e, 0, sizeof(*e));
	e->len = len;
	a30_keys_gone();
	VM_CHECK(in_cgroup_start(&th, cgroup, a30_enc_do, e));
	for (int i = 0; i < 10000 && !e->held; i++)
		usleep(1000);
	*probe = in_cgroup(NULL, a30_probe_2000, NULL);
	*bytes = e->bytes;
	*err = e->err;
	printf("#   %s: an \"encrypted\" key, payload %d bytes: %s; uid 1000 then at %u keys %u bytes "
	       "(share %ld); the host's uid 1000 login's 2,000-byte key: %s\n",
	       cgroup ? cgroup : "unconfined", len, e->err ? strerror(e->err) : "made", e->keys,
	       e->bytes, read_number(KEYS_MAXBYTES) - read_number(KEYS_MAXBYTES) / 4,
	       *probe ? strerror(*probe % 1000) : "made");
	e->release = 1;
	in_cgroup_join(&th);
	munmap(e, sizeof(*e));
	a30_keys_gone();
}

VM_TEST(a30_encrypted_key_charged_past_the_share, 3021)
{
	long maxbytes = read_number(KEYS_MAXBYTES), share = maxbytes - maxbytes / 4;
	unsigned bytes, worst = 0;
	int err, probe, worst_len = 0, probe_fail = 0;
	static const int lens[] = {8704, 11600};

	a30_setup();
	VM_TIMEOUT(60);
	memset(a30_payload, 'k', sizeof(a30_payload));
	a30_enc_round(NULL, 11600, &bytes, &err, &probe); /* control */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		a30_enc_round(A30, lens[i], &bytes, &err, &probe);
		if (bytes > share && bytes > worst) {
			worst = bytes;
			worst_len = lens[i];
		}
		if (probe)
			probe_fail++;
	}
	if (worst || probe_fail)
		VM_FAIL("BYPASS: a confined uid 1000's \"encrypted\" key (payload %d bytes, counted as "
			"that) took uid 1000 to %u bytes, past the share of %ld; the host's login key "
			"refused in %d of 2 rounds",
			worst_len, worst, share, probe_fail);
}

/*
 * The same as the root user: a confined root that keeps no CAP_SYS_RESOURCE (a30-caps) is held
 * to the root user's ordinary quota (kernel.keys.maxbytes, 20,000 bytes: lg_root_key_charge).
 * An "encrypted" key whose payload fits what is left is charged about 8,247 bytes more.
 * Secure: the root user's bytes stay within the ordinary quota (or the key is refused).
 */
struct a30_renc {
	int len;
	unsigned bytes;
};

static int a30_root_enc_do(const void *p)
{
	struct a30_renc *r = (struct a30_renc *)p;
	static char blob[32768];
	int m = r->len - 14;
	unsigned keys;

	if (syscall(SYS_keyctl, 1, 0) < 0)
		return 2000 + errno;
	memcpy(blob, "new user:", 9);
	memset(blob + 9, 'M', m);
	memcpy(blob + 9 + m, " 4096", 5);
	if (syscall(SYS_add_key, "encrypted", "a30-renc", blob, r->len, -3) < 0)
		return errno;
	root_key_charge(&keys, &r->bytes); /* while its session keyring holds the key */
	return 0;
}

VM_TEST(a30_encrypted_key_root_past_the_ordinary_quota, 3023)
{
	long maxbytes = read_number(KEYS_MAXBYTES);
	unsigned keys0, bytes0;
	const char *who[] = {NULL, A30_CAPS};
	struct a30_renc *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned after = 0;
	int res = 0;

	a30_setup();
	VM_TIMEOUT(60);
	for (int w = 0; w < 2; w++) {
		for (int i = 0; i < 50; i++) {
			root_key_charge(&keys0, &bytes0);
			if (bytes0 < (unsigned)maxbytes / 2)
				break;
			usleep(100 * 1000);
		}
		r->len = (int)maxbytes - (int)bytes0 - 200;
		if (r->len < 8704)
			r->len = 8704;
		r->bytes = 0;
		res = in_cgroup(who[w], a30_root_enc_do, r);
		after = r->bytes;
		printf("#   %s root: root user at %u bytes; an \"encrypted\" key of payload %d: %s; root "
		       "user then %u bytes (ordinary quota %ld)\n",
		       who[w] ? who[w] : "unconfined", bytes0, r->len,
		       res ? strerror(res % 1000) : "made", r->bytes, maxbytes);
	}
	munmap(r, sizeof(*r));
	if (!res && after > (unsigned)maxbytes)
		VM_FAIL("BYPASS: a confined root without CAP_SYS_RESOURCE took the root user to %u "
			"bytes of keys, past the ordinary quota of %ld",
			after, maxbytes);
}

/* ---- 3040: another policy's process through its /proc/PID files ---- */

/*
 * A sleeper under another policy (a30-victim, root); the attacker is root under a30 ([files]
 * default = allow). Each /proc/PID file opened (read: a read of up to 64 bytes at offset 0; the
 * "w" ones opened for writing), symlinks read with readlink. The files the kernel guards with a
 * ptrace check (PTRACE_MODE_READ or ATTACH: environ, mem, pagemap, auxv, stack, syscall, maps,
 * smaps, numa_maps, io, personality, the ns, cwd, root and exe links, fd, fdinfo, map_files)
 * must be refused; writes to any of them too (lg_proc_of_protected). Secure: none of those got
 * through. The others (cmdline, status, stat, ...) are the kernel's for anyone: reported only.
 */
struct a30_procf {
	const char *name;
	/* 'r' read, 'w' open for writing, 'l' readlink, 'd' list a directory, 's' lstat, 'p' an
	 * O_PATH open and fstat, 'P' the directory opened O_PATH and its entry 0 looked up from
	 * it, 'T' lstat of the same name under task/PID/ */
	char kind;
	bool ptrace;
};

static const struct a30_procf a30_procfs[] = {
    {"environ", 'r', true},	{"mem", 'r', true},	  {"pagemap", 'r', true},
    {"auxv", 'r', true},	{"stack", 'r', true},	  {"syscall", 'r', true},
    {"maps", 'r', true},	{"smaps", 'r', true},	  {"smaps_rollup", 'r', true},
    {"numa_maps", 'r', true},	{"io", 'r', true},	  {"personality", 'r', true},
    {"wchan", 'r', false},	{"ns/net", 'l', true},	  {"ns/mnt", 'l', true},
    {"cwd", 'l', true},		{"root", 'l', true},	  {"exe", 'l', true},
    {"fd", 'd', true},		{"fdinfo/0", 'r', true},  {"map_files", 'd', true},
    {"timers", 'r', false},	{"sched", 'r', false},	  {"schedstat", 'r', false},
    {"stat", 'r', false},	{"status", 'r', false},	  {"cmdline", 'r', false},
    {"mountinfo", 'r', false},	{"cgroup", 'r', false},	  {"attr/current", 'r', false},
    {"clear_refs", 'w', true},	{"coredump_filter", 'w', true}, {"comm", 'w', true},
    {"oom_score_adj", 'w', true}, {"timerslack_ns", 'w', true},  {"mem", 'w', true},
    {"attr/current", 'w', true}, {"sched", 'w', true},	  {"loginuid", 'w', true},
    /* the fd directory's entries looked up one by one (review 55): open, reported only (the
     * one hook that sees the lookup, inode_permission, costs every path walk 18%:
     * docs/security.md); their controls are asserted */
    {"fd/0", 's', false},	{"fd/1000", 's', false},  {"fd/0", 'p', false},
    {"fd", 'P', false},		{"fd/0", 'T', false},
};

struct a30_procarg {
	pid_t pid;
	const struct a30_procf *f;
};

static int a30_proc_do(const void *p)
{
	const struct a30_procarg *a = p;
	char path[128], buf[256];
	int fd, ret = 0;

	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)a->pid, a->f->name);
	switch (a->f->kind) {
	case 'T':
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)a->pid, (int)a->pid,
			 a->f->name);
		/* fall through */
	case 's':
		return lstat(path, &st) ? errno : 0;
	case 'p':
	case 'P':
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return errno;
		if (a->f->kind == 'P') {
			int entry = openat(fd, "0", O_PATH | O_CLOEXEC);

			ret = entry < 0 ? errno : 0;
			if (entry >= 0)
				close(entry);
		} else if (fstat(fd, &st)) {
			ret = 100 + errno;
		}
		close(fd);
		return ret;
	case 'l':
		return readlink(path, buf, sizeof(buf)) < 0 ? errno : 0;
	case 'd':
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		{
			char d[4096];
			long n = syscall(SYS_getdents64, fd, d, sizeof(d)), entries = 0;

			for (long off = 0; n > 0 && off < n;) {
				unsigned short reclen = *(unsigned short *)(d + off + 16);
				const char *nm = d + off + 19;

				if (strcmp(nm, ".") && strcmp(nm, ".."))
					entries++;
				off += reclen;
			}
			ret = n < 0 ? errno : entries ? 0 : 250; /* 250: only . and .. */
		}
		close(fd);
		return ret;
	case 'w':
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	default:
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		if (pread(fd, buf, 64, strcmp(a->f->name, "mem") ? 0 : 0x400000) < 0 && errno != EIO)
			ret = 100 + errno;
		close(fd);
		return ret;
	}
}

static int a30_sleep_do(const void *p)
{
	volatile int *stop = (volatile int *)p;

	while (!*stop)
		usleep(20 * 1000);
	return 0;
}

/* The newest process of cgroup (a sleeper just started there), or -1 after two seconds. */
static pid_t a30_newest_in(const char *cgroup)
{
	char path[256];
	pid_t newest = -1;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cgroup);
	for (int i = 0; i < 100 && newest < 0; i++) {
		FILE *f = fopen(path, "r");
		int pid;

		while (f && fscanf(f, "%d", &pid) == 1)
			newest = pid;
		if (f)
			fclose(f);
		if (newest < 0)
			usleep(20 * 1000);
	}
	return newest;
}

VM_TEST(a30_other_policys_proc_files, 3040)
{
	volatile int *stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
				  0);
	struct in_cgroup_thread th;
	char bypass[2048] = "", kernels[1024] = "";
	int nbypass = 0;
	pid_t victim = -1;

	a30_setup();
	VM_TIMEOUT(60);
	*stop = 0;
	VM_CHECK(in_cgroup_start(&th, A30_VICTIM, a30_sleep_do, (const void *)stop));
	victim = a30_newest_in(A30_VICTIM);
	VM_CHECK(victim > 0);
	for (size_t i = 0; victim > 0 && i < sizeof(a30_procfs) / sizeof(a30_procfs[0]); i++) {
		struct a30_procarg a = {victim, &a30_procfs[i]};
		int control = in_cgroup(NULL, a30_proc_do, &a);

		/* the lookups' control: the route works (an open number found, a closed one
		 * ENOENT), so that EPERM below is lsmguard's */
		if (strchr("spPT", a30_procfs[i].kind) &&
		    control != (strstr(a30_procfs[i].name, "1000") ? ENOENT : 0))
			VM_FAIL("control: /proc/%d/%s (%c): %s", (int)victim, a30_procfs[i].name,
				a30_procfs[i].kind, control ? strerror(control % 100) : "ok");
		for (int c = 0; c < 2; c++) {
			int got = in_cgroup(a30_confined[c], a30_proc_do, &a);

			printf("#   /proc/%d/%s (%c): control %s, %s %s\n", (int)victim,
			       a30_procfs[i].name, a30_procfs[i].kind,
			       control == 250 ? "empty" : control ? strerror(control % 100) : "ok",
			       a30_confined[c],
			       got == 250 ? "empty (. and .. only)" : got ? strerror(got % 100) : "OK");
			if (!got && !control &&
				   (a30_procfs[i].ptrace || a30_procfs[i].kind == 'w')) {
				nbypass++;
				snprintf(bypass + strlen(bypass), sizeof(bypass) - strlen(bypass),
					 " %s(%c,%s)", a30_procfs[i].name, a30_procfs[i].kind,
					 a30_confined[c] + 5);
			} else if (!got && !c)
				snprintf(kernels + strlen(kernels), sizeof(kernels) - strlen(kernels),
					 " %s", a30_procfs[i].name);
		}
	}
	printf("#   read by the confined root (the kernel's for anyone):%s\n", kernels);
	*stop = 1;
	in_cgroup_join(&th);
	munmap((void *)stop, 4096);
	if (nbypass)
		VM_FAIL("BYPASS: another policy's process's /proc files reached by a confined root: %d:%s",
			nbypass, bypass);
}

/*
 * The lookups a confined task still makes (3040's refusal is for other policies' processes
 * only): its own /proc/self/fd/N (lstat, a re-open, an O_PATH walk, task/TID/fd), as root and
 * as uid 1000, and a process of its own policy's (a sleeper in a30), enforce and audit.
 */
struct a30_ownfd {
	pid_t sibling;
	uid_t uid;
};

static int a30_ownfd_do(const void *p)
{
	const struct a30_ownfd *o = p;
	char path[384], name[16];
	struct stat st;
	int own, fd, dir, entry, ret = 0;

	if (o->uid && become(o->uid))
		return 200;
	own = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* a descriptor of its own to look up */
	if (own < 0)
		return 210;
	snprintf(name, sizeof(name), "%d", own);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", own);
	if (lstat(path, &st))
		ret = 10000 + errno;
	fd = ret ? -1 : open(path, O_RDONLY | O_CLOEXEC); /* a re-open through /proc */
	if (!ret && fd < 0)
		ret = 30000 + errno;
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/fd/%d", (int)getpid(), (int)getpid(), own);
	if (!ret && lstat(path, &st))
		ret = 20000 + errno;
	dir = ret ? -1 : open("/proc/self/fd", O_PATH | O_CLOEXEC);
	if (!ret && dir < 0)
		ret = 40000 + errno;
	entry = dir < 0 ? -1 : openat(dir, name, O_PATH | O_CLOEXEC);
	if (!ret && entry < 0)
		ret = 50000 + errno;
	if (entry >= 0)
		close(entry);
	if (dir >= 0)
		close(dir);
	close(own);
	if (ret || o->sibling <= 0)
		return ret;
	/* the sibling's directory listed, and its first entry looked up */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)o->sibling);
	{
		DIR *d = opendir(path);
		struct dirent *e;

		if (!d)
			return 70000 + errno;
		while ((e = readdir(d)) && e->d_name[0] == '.')
			;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)o->sibling,
			 e ? e->d_name : "none");
		closedir(d);
	}
	return lstat(path, &st) ? 60000 + errno : 0;
}

VM_TEST(a30_own_and_same_policy_fd_lookups, 3041)
{
	static const char *const cgroups[] = {A30, A30_AUDIT};
	volatile int *stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
				  0);

	a30_setup();
	VM_TIMEOUT(60);
	for (int c = 0; c < 2; c++) {
		struct in_cgroup_thread th;
		struct a30_ownfd o = {-1, 0};

		*stop = 0;
		VM_CHECK(in_cgroup_start(&th, cgroups[c], a30_sleep_do, (const void *)stop));
		o.sibling = a30_newest_in(cgroups[c]);
		VM_CHECK(o.sibling > 0);
		for (int u = 0; u < 2; u++) {
			int got;

			o.uid = u ? A30_USER : 0;
			if (u)
				o.sibling = -1; /* root's sleeper: DAC refuses uid 1000 anyway */
			got = in_cgroup(cgroups[c], a30_ownfd_do, &o);
			printf("#   %s, uid %d: own fd lookups and a same-policy sibling's: %s (%d)\n",
			       cgroups[c], (int)o.uid, got ? strerror(got % 10000) : "ok", got);
			VM_CHECK(got == 0);
		}
		*stop = 1;
		in_cgroup_join(&th);
	}
	munmap((void *)stop, 4096);
}

/* ---- 3030: cgroup v1's release_agent under mount = allow ---- */

#define A30_CG "/tmp/a30cg"

struct a30_rel {
	int step_err[6];
	bool ran;
};

/* mount a named v1 hierarchy, write release_agent, make a child with notify_on_release, put a
 * process in it and let it exit: the kernel runs release_agent as root. Records each step's
 * errno; the last step is whether the agent ran. */
static int a30_release_do(const void *p)
{
	struct a30_rel *r = (struct a30_rel *)p;
	int fd;
	pid_t child;
	char pid[32];

	mkdir(A30_CG, 0755);
	if (mount("a30v1", A30_CG, "cgroup", 0, "none,name=a30v1"))
		return r->step_err[0] = errno, 0;
	fd = open(A30_CG "/release_agent", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		r->step_err[1] = errno;
	else {
		if (write(fd, A30_MODPROBE, strlen(A30_MODPROBE)) < 0)
			r->step_err[1] = 100 + errno;
		close(fd);
	}
	if (mkdir(A30_CG "/x", 0755) && errno != EEXIST)
		r->step_err[2] = errno;
	fd = open(A30_CG "/x/notify_on_release", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		r->step_err[3] = errno;
	else {
		if (write(fd, "1", 1) < 0)
			r->step_err[3] = 100 + errno;
		close(fd);
	}
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(pid, sizeof(pid), "%d", child);
	fd = open(A30_CG "/x/cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		r->step_err[4] = errno;
	else {
		if (write(fd, pid, strlen(pid)) < 0)
			r->step_err[4] = 100 + errno;
		close(fd);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (int i = 0; i < 30 && access(A30_RAN, F_OK); i++)
		usleep(100 * 1000);
	r->ran = access(A30_RAN, F_OK) == 0;
	rmdir(A30_CG "/x");
	umount2(A30_CG, MNT_DETACH);
	return 0;
}

VM_TEST(a30_cgroup_v1_release_agent, 3030)
{
	struct a30_rel *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const char *who[] = {NULL, A30, A30_AUDIT};
	bool control_ran = false, bypass = false;
	char msg[512] = "";

	a30_setup();
	VM_TIMEOUT(120);
	write_file(A30_MODPROBE, "#!/bin/sh\necho \"$@\" >> " A30_RAN "\n", 0755);
	for (int w = 0; w < 3; w++) {
		int got;

		memset(r, 0, sizeof(*r));
		unlink(A30_RAN);
		got = in_cgroup(who[w], a30_release_do, r);
		printf("#   %s: result %d; mount %d, release_agent %d, mkdir %d, notify_on_release %d, "
		       "cgroup.procs %d; the agent %s\n",
		       who[w] ? who[w] : "unconfined", got, r->step_err[0], r->step_err[1],
		       r->step_err[2], r->step_err[3], r->step_err[4], r->ran ? "RAN" : "did not run");
		if (!w)
			control_ran = r->ran;
		else if (r->ran) {
			bypass = true;
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), " %s", who[w]);
		}
	}
	unlink(A30_RAN);
	unlink(A30_MODPROBE);
	munmap(r, sizeof(*r));
	printf("#   control: the agent %s\n", control_ran ? "ran" : "did not run");
	if (bypass)
		VM_FAIL("BYPASS: the kernel ran a release_agent a confined root wrote:%s", msg);
}
