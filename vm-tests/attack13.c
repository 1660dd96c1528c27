// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 13 (2026-12-02): starving the host (processes outside every policy) of a kernel
 * resource the kernel hands to whoever asks first, against the host budgets
 * (docs/policy.md "Host budgets", docs/security.md row 262 and attack run 11's key quota row),
 * by routes those rows do not list. The attacker is a service confined by a13 (enforce,
 * everything allowed, no [capabilities]) or a13-audit (the same in audit mode), as uid 1000
 * and as root. Each case sets the limit it attacks small and puts it back; each asserts the
 * SAFE outcome (the host's own process gets its object, or the confined route is refused with
 * the exact errno) and runs an unconfined control proving the route reaches the limit.
 *
 * Found open (docs/security.md "Found by attack run 13"): thread keyrings (381) and process
 * keyrings (394) of live tasks, KEYCTL_CHOWN into a user (382), and budgets row 262 did not
 * list: a user's POSIX queue bytes (383), fs.file-max (384), kernel.threads-max (399), a user's
 * pending signals (386), kernel.shmall and semmns (387), a user's descriptors in flight (391),
 * a user's io_uring locked memory (393). Closed since (the next session), and run: 381, 394,
 * 382, 384, 399, 387; in the thirteenth session 383 and 391 (reserve.bpf.h's per-user pools).
 * Still open (VM_TEST_OPEN, "FINDING" below): 386, 393. Held
 * from the start: 380, 388, 389, 390, 392. Built with -DA13_RUN_FINDINGS the open ones run
 * too, which is how the run measured them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"


/*
 * A finding still open: the case is kept, compiled and not run, until its route is closed;
 * then it becomes a VM_TEST again.
 */
#ifdef A13_RUN_FINDINGS
#define VM_TEST_OPEN(name, order) VM_TEST(name, order)
#else
#define VM_TEST_OPEN(name, order) static void __attribute__((unused)) name(void)
#endif
#include "uring.h"
#include "vmutil.h"

#define A13 "/lgt/a13"
#define A13_AUDIT "/lgt/a13-audit"
#define USER 1000

#define A13_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char a13_policy[] = "[policy]\nname = a13\ncgroup = " A13 "\nmode = enforce\n" A13_RULES;
static const char a13_audit_policy[] =
    "[policy]\nname = a13-audit\ncgroup = " A13_AUDIT "\nmode = audit\n" A13_RULES;

/* A root that keeps what KEYCTL_CHOWN and setfsuid need, not CAP_SYS_RESOURCE (review 16). */
#define A13_CAPS "/lgt/a13-caps"
static const char a13_caps_policy[] =
    "[policy]\nname = a13-caps\ncgroup = " A13_CAPS "\nmode = enforce\n" A13_RULES
    "[capabilities]\nkeep = CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID\n";

/* The three places an attack runs from: unconfined (the control), enforce, audit. */
static const char *const a13_places[] = {NULL, A13, A13_AUDIT};
#define PLACE(c) ((c) ? (c) : "unconfined")

static void a13_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	make_cgroup(A13);
	make_cgroup(A13_AUDIT);
	make_cgroup(A13_CAPS);
	if (access(POLICY_DIR "/a13.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/a13.ini", a13_policy, 0644);
	write_file(POLICY_DIR "/a13-audit.ini", a13_audit_policy, 0644);
	write_file(POLICY_DIR "/a13-caps.ini", a13_caps_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

/* A budget's deny events since mark: the enforce policy's (as uid) and the audit policy's
 * (denied too: a protection), none marked audit. */
static void a13_expect_budget_events(long mark, const char *hook, const char *what, uid_t uid)
{
	char hook_field[96], path_field[256], uid_field[32];

	snprintf(hook_field, sizeof(hook_field), "\"hook\":\"%s\"", hook);
	snprintf(path_field, sizeof(path_field), "\"path\":\"%s\"", what);
	snprintf(uid_field, sizeof(uid_field), "\"uid\":%u", (unsigned)uid);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a13\"", hook_field,
			   path_field, BUDGET_SOURCE, uid_field);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a13-audit\"", hook_field,
			   path_field, BUDGET_SOURCE, uid_field);
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}

#define A13_USER_KEY_WHAT "its user's key quota (kernel.keys.maxkeys, maxbytes): past three quarters of it"

/*
 * A holder: op(h) runs in a cgroup (as uid h->uid), makes what it makes, sets held and waits
 * for release; the case meanwhile runs its probe.
 */
#define A13_IDS 64
struct a13_hold {
	uid_t uid;
	int want;
	volatile int held, release;
	int made;	/* objects made before the first failure */
	int err;	/* the first failure's errno (0: none) */
	int made2, err2; /* a second kind of object (the route under attack) */
	long count;	 /* what the kernel counts afterwards (its reading, -1: none) */
	int ids[A13_IDS];
};

static struct a13_hold *a13_hold_new(uid_t uid, int want)
{
	struct a13_hold *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (h == MAP_FAILED)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->uid = uid;
	h->want = want;
	h->count = -1;
	return h;
}

static void a13_hold_wait(struct a13_hold *h)
{
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
}

/* Start op(h) in cgroup and wait (10 s at most) until it holds. */
static bool a13_hold_start(struct in_cgroup_thread *t, const char *cgroup,
			   int (*op)(const void *arg), struct a13_hold *h)
{
	if (!in_cgroup_start(t, cgroup, op, h))
		return false;
	for (int i = 0; i < 1000 && !h->held; i++)
		usleep(10 * 1000);
	return h->held;
}

static int a13_hold_end(struct in_cgroup_thread *t, struct a13_hold *h)
{
	h->release = 1;
	return in_cgroup_join(t);
}

/* ---- a user's key quota: keys that no quota refuses ---- */

#define KEYCTL_GET_KEYRING_ID_ 0
#define KEYCTL_JOIN_SESSION_KEYRING_ 1
#define KEYCTL_CHOWN_ 4
#define KEYCTL_LINK_ 8
#define KEY_SPEC_THREAD_KEYRING_ (-1)
#define KEY_SPEC_PROCESS_KEYRING_ (-2)
#define KEY_SPEC_SESSION_KEYRING_ (-3)
#define A13_MAXKEYS 40 /* kernel.keys.maxkeys for the key cases: a confined share of 30 */

static long a13_keyctl(int cmd, long a2, long a3, long a4)
{
	return syscall(SYS_keyctl, cmd, a2, a3, a4, 0);
}

/* A small "user" key named desc in the session keyring: its serial, or -errno. */
static long a13_small_key(const char *desc)
{
	long serial = syscall(SYS_add_key, "user", desc, "x", 1, KEY_SPEC_SESSION_KEYRING_);

	return serial < 0 ? -errno : serial;
}

/* Small keys until the first failure (h->made, h->err), in a session keyring of its own. */
static void a13_keys_until_refused(struct a13_hold *h)
{
	char desc[48];

	for (int i = 0; i < 100; i++) {
		long serial;

		snprintf(desc, sizeof(desc), "a13-key-%d", i);
		serial = a13_small_key(desc);
		if (serial < 0) {
			h->err = (int)-serial;
			break;
		}
		h->made++;
	}
}

/* The probe: a process of uid 1000 outside every policy, as a login's pam_keyinit: its own
 * session keyring, then one key in it. 0, or the key's errno. */
static int a13_key_probe(const void *unused)
{
	int ret = become(USER);

	(void)unused;
	if (ret)
		return ret;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 1000 + errno;
	return a13_small_key("a13-login-key") < 0 ? errno : 0;
}

/* Until uid 1000 is charged no more than keys (the collector frees a dead session's keys a
 * moment after its end), 10 s at most. */
static void a13_keys_settle(unsigned keys)
{
	unsigned n = 0, bytes = 0;

	for (int i = 0; i < 100; i++) {
		if (!user_key_charge(USER, &n, &bytes) || n <= keys)
			return;
		usleep(100 * 1000);
	}
	VM_FAIL("uid 1000 still charged %u keys 10 s after the holder's end", n);
}

/*
 * Anonymous session keyrings (KEYCTL_JOIN_SESSION_KEYRING with no name: "_ses", charged with
 * KEY_ALLOC_QUOTA_OVERRUN, never refused), each linked into the process keyring (also
 * QUOTA_OVERRUN) before the next join, so that one process holds as many as it likes.
 */
static int a13_hold_session_keyrings(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	unsigned bytes = 0, n = 0;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 2000 + errno;
	/* the process keyring first: past the share a confined task gets none (381, 394) */
	if (a13_keyctl(KEYCTL_GET_KEYRING_ID_, KEY_SPEC_PROCESS_KEYRING_, 1, 0) < 0)
		return 3000 + errno;
	a13_keys_until_refused(h);
	/* the session keyring linked into the process keyring, then a new one joined */
	for (int i = 0; i < h->want; i++) {
		if (a13_keyctl(KEYCTL_LINK_, KEY_SPEC_SESSION_KEYRING_, KEY_SPEC_PROCESS_KEYRING_, 0) <
		    0) {
			h->err2 = errno;
			break;
		}
		if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0) {
			h->err2 = 4000 + errno;
			break;
		}
		h->made2++;
	}
	if (user_key_charge(h->uid, &n, &bytes))
		h->count = n;
	a13_hold_wait(h);
	return 0;
}

/* Thread keyrings ("_tid", QUOTA_OVERRUN), each held by its live thread. */
struct a13_thread_keyring {
	struct a13_hold *h;
	volatile int made;
};

static void *a13_thread_keyring(void *arg)
{
	struct a13_thread_keyring *t = arg;

	if (a13_keyctl(KEYCTL_GET_KEYRING_ID_, KEY_SPEC_THREAD_KEYRING_, 1, 0) >= 0)
		t->made = 1;
	else
		t->made = -errno;
	while (!t->h->release)
		usleep(10 * 1000);
	return NULL;
}

#define A13_THREADS 60

static int a13_hold_thread_keyrings(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	static struct a13_thread_keyring t[A13_THREADS];
	pthread_t thread[A13_THREADS];
	unsigned bytes = 0, n = 0;
	int started = 0, ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 2000 + errno;
	a13_keys_until_refused(h);
	for (int i = 0; i < h->want && i < A13_THREADS; i++) {
		t[i].h = h;
		t[i].made = 0;
		if (pthread_create(&thread[i], NULL, a13_thread_keyring, &t[i]))
			break;
		started++;
	}
	for (int i = 0; i < started; i++) {
		for (int w = 0; w < 500 && !t[i].made; w++)
			usleep(1000);
		if (t[i].made == 1)
			h->made2++;
		else if (!h->err2)
			h->err2 = t[i].made < 0 ? -t[i].made : ETIMEDOUT;
	}
	if (user_key_charge(h->uid, &n, &bytes))
		h->count = n;
	a13_hold_wait(h);
	for (int i = 0; i < started; i++)
		pthread_join(thread[i], NULL);
	return 0;
}

/* Process keyrings ("_pid", QUOTA_OVERRUN), one in each of 60 live children. */
static int a13_hold_process_keyrings(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	unsigned bytes = 0, n = 0;
	int ret, *made;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 2000 + errno;
	a13_keys_until_refused(h);
	made = mmap(NULL, sizeof(int) * A13_THREADS, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (made == MAP_FAILED)
		return 3000 + errno;
	for (int i = 0; i < h->want && i < A13_THREADS; i++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			made[i] = a13_keyctl(KEYCTL_GET_KEYRING_ID_, KEY_SPEC_PROCESS_KEYRING_, 1, 0) >=
					  0
				      ? 1
				      : -errno;
			while (!h->release)
				usleep(10 * 1000);
			_exit(0);
		}
	}
	for (int i = 0; i < h->want && i < A13_THREADS; i++) {
		for (int w = 0; w < 500 && !made[i]; w++)
			usleep(1000);
		if (made[i] == 1)
			h->made2++;
		else if (!h->err2)
			h->err2 = made[i] < 0 ? -made[i] : ETIMEDOUT;
	}
	if (user_key_charge(h->uid, &n, &bytes))
		h->count = n;
	a13_hold_wait(h);
	while (wait(NULL) > 0)
		;
	return 0;
}

/* One overrun route against uid 1000's quota (kernel.keys.maxkeys 40): from each place, the
 * holder's share of ordinary keys, then want overrun keyrings; meanwhile the probe. */
static void a13_overrun_keyrings(int (*holder)(const void *arg), const char *what,
				 bool kernel_refuses)
{
	long old = read_number("/proc/sys/kernel/keys/maxkeys");
	unsigned base = 0, bytes = 0;

	VM_CHECK(old > 0);
	user_key_charge(USER, &base, &bytes);
	write_number("/proc/sys/kernel/keys/maxkeys", A13_MAXKEYS);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, A13_THREADS);
		struct in_cgroup_thread t;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, holder, h)) {
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		} else {
			probe = in_cgroup(NULL, a13_key_probe, NULL);
		}
		printf("#   %s, %s: %d small keys then errno %d; %d %s then errno %d; uid 1000 "
		       "charged %ld keys of %d; the host's uid 1000 key: %d\n",
		       PLACE(cgroup), what, h->made, h->err, h->made2, what, h->err2, h->count,
		       A13_MAXKEYS, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		if (kernel_refuses) {
			/* a second anonymous session keyring is charged in quota: refused at the
			 * join, by the kernel (control) or the budget (confined) */
			VM_CHECK(h->err == EDQUOT && h->made2 == 0 && h->err2 == 4000 + EDQUOT);
		}
		if (!cgroup) {
			/* the control: the route takes the quota to its limit, the host's key fails */
			VM_CHECK(h->err == EDQUOT && (kernel_refuses || h->made2 == A13_THREADS));
			VM_CHECK(probe == EDQUOT);
		} else {
			/* the share: 30 of 40 in all, small keys refused with EDQUOT past it, and
			 * every keyring past it too, overrun or not */
			VM_CHECK(h->err == EDQUOT);
			VM_CHECK(h->made2 == 0 && h->err2 == (kernel_refuses ? 4000 : 0) + EDQUOT);
			/* SAFE: uid 1000's own process outside every policy makes its key */
			if (probe != 0)
				VM_FAIL("%s: the host's uid 1000 key refused (errno %d): the confined "
					"holder's %d %s took uid 1000 to %ld keys of %d",
					cgroup, probe, h->made2, what, h->count, A13_MAXKEYS);
		}
		munmap(h, sizeof(*h));
		a13_keys_settle(base);
	}
	write_number("/proc/sys/kernel/keys/maxkeys", old);
}

/*
 * Held (not a route): anonymous session keyrings linked into the process keyring, to hold many
 * "_ses" keyrings in one process. Only a process's first session keyring is charged with
 * KEY_ALLOC_QUOTA_OVERRUN; joining another while it has one is charged in quota
 * (install_session_keyring_to_cred): uid 1000 under a13 and a13-audit stops at its share
 * (EDQUOT at the first new join, the budget's), and uid 1000's own login makes its key.
 * Control: unconfined, the kernel's EDQUOT at the join, the login's key EDQUOT.
 */
VM_TEST(a13_user_key_quota_session_keyrings_linked, 380)
{
	a13_setup();
	VM_TIMEOUT(240);
	a13_overrun_keyrings(a13_hold_session_keyrings, "session keyrings linked", true);
}

/*
 * Thread keyrings, each held by its live thread (attack run 12 tried them one thread after
 * another, as root: reclaimed at each thread's exit). 60 live threads of uid 1000 under a13
 * and a13-audit, each asking for its "_tid" keyring (QUOTA_OVERRUN: the kernel refuses it
 * never): found open by this run (uid 1000 past maxkeys, its login's key EDQUOT), now refused
 * past the share (EDQUOT, key_alloc), the host's key made.
 */
VM_TEST(a13_user_key_quota_live_thread_keyrings, 381)
{
	long mark;

	a13_setup();
	VM_TIMEOUT(240);
	mark = event_mark();
	a13_overrun_keyrings(a13_hold_thread_keyrings, "thread keyrings", false);
	a13_expect_budget_events(mark, "key_alloc", A13_USER_KEY_WHAT, USER);
}

/*
 * Process keyrings, one in each of 60 live children of uid 1000 under a13 and a13-audit
 * ("_pid", QUOTA_OVERRUN, as thread keyrings): found open (uid 1000 past maxkeys, its login's
 * key EDQUOT), now refused past the share, the host's key made.
 */
VM_TEST(a13_user_key_quota_live_process_keyrings, 394)
{
	long mark;

	a13_setup();
	VM_TIMEOUT(240);
	mark = event_mark();
	a13_overrun_keyrings(a13_hold_process_keyrings, "process keyrings", false);
	a13_expect_budget_events(mark, "key_alloc", A13_USER_KEY_WHAT, USER);
}

/*
 * A confined root keeping CAP_SYS_ADMIN (a13 has no [capabilities]) makes keys charged to
 * itself and gives them to uid 1000 with KEYCTL_CHOWN: the kernel moves the charge
 * (keyctl_chown_key) checking uid 1000's whole quota only, and key_permission (SETATTR) is
 * the one hook on that path.
 */
/* Keys made as maker (its fsuid: root itself, or another user's charge) and given to
 * recipient with KEYCTL_CHOWN, until a failure; recipient's keys counted after. */
static int a13_hold_keys_given(struct a13_hold *h, uid_t maker, uid_t recipient)
{
	unsigned bytes = 0, n = 0;
	char desc[48];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 2000 + errno;
	for (int i = 0; i < h->want; i++) {
		long serial;

		snprintf(desc, sizeof(desc), "a13-to-%u-%d", (unsigned)recipient, i);
		setfsuid(maker);
		serial = a13_small_key(desc);
		setfsuid(0);
		if (serial < 0) {
			h->err = (int)-serial;
			break;
		}
		h->made++;
		if (a13_keyctl(KEYCTL_CHOWN_, serial, recipient, -1) < 0) {
			h->err2 = errno;
			break;
		}
		h->made2++;
	}
	if (recipient ? user_key_charge(recipient, &n, &bytes) : root_key_charge(&n, &bytes))
		h->count = n;
	a13_hold_wait(h);
	return 0;
}

static int a13_hold_chowned_keys(const void *arg)
{
	return a13_hold_keys_given((struct a13_hold *)arg, 0, USER);
}

/*
 * With CAP_SYS_ADMIN kept, root under a13 and a13-audit chowns its keys to uid 1000: found open
 * (until the kernel's own EDQUOT at maxkeys, 40; uid 1000's login outside every policy then got
 * EDQUOT), now refused with EDQUOT once it would take uid 1000 past three quarters, as a new
 * key of uid 1000's is (key_permission). Control: unconfined root, the kernel's EDQUOT at 40.
 */
VM_TEST(a13_user_key_quota_chown_into_it, 382)
{
	long old = read_number("/proc/sys/kernel/keys/maxkeys"), mark;
	unsigned base = 0, bytes = 0;

	a13_setup();
	VM_TIMEOUT(240);
	mark = event_mark();
	VM_CHECK(old > 0);
	user_key_charge(USER, &base, &bytes);
	write_number("/proc/sys/kernel/keys/maxkeys", A13_MAXKEYS);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(0, A13_MAXKEYS + 10);
		struct in_cgroup_thread t;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_chowned_keys, h))
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		else
			probe = in_cgroup(NULL, a13_key_probe, NULL);
		printf("#   %s root: %d keys made, %d given to uid 1000 then errno %d; uid 1000 "
		       "charged %ld of %d; the host's uid 1000 key: %d\n",
		       PLACE(cgroup), h->made, h->made2, h->err2, h->count, A13_MAXKEYS, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		if (!cgroup) {
			VM_CHECK(h->err2 == EDQUOT);
			VM_CHECK(probe == EDQUOT);
		} else {
			/* the chown past the share refused: uid 1000 holds at most 30 of 40 */
			VM_CHECK(h->err2 == EDQUOT);
			VM_CHECK(h->count <= A13_MAXKEYS - A13_MAXKEYS / 4);
			if (probe != 0)
				VM_FAIL("%s: the host's uid 1000 key refused (errno %d): the confined "
					"root gave uid 1000 %d keys (%ld of %d)",
					cgroup, probe, h->made2, h->count, A13_MAXKEYS);
		}
		munmap(h, sizeof(*h));
		a13_keys_settle(base);
	}
	write_number("/proc/sys/kernel/keys/maxkeys", old);
	a13_expect_budget_events(mark, "key_permission",
				 "a key given to another user (KEYCTL_CHOWN) past three quarters of "
				 "that user's key quota",
				 0);
}

/*
 * Review 16: into root. A confined root keeping CAP_SYS_ADMIN and CAP_SETUID (not
 * CAP_SYS_RESOURCE) makes each key as uid 1000 (setfsuid: charged to uid 1000, within its
 * share) and gives it to root (KEYCTL_CHOWN: the kernel checks root's own quota, 1,000,000
 * keys): without a check the root user passes its ordinary quota (maxkeys, set 20 above what
 * root holds) with no CAP_SYS_RESOURCE, which its new keys may not. Decided as those are:
 * EDQUOT once root would pass it, the event naming CAP_SYS_RESOURCE. Control: unconfined
 * root, all 60 given.
 */
#define A13_CHOWN_TO_ROOT 60

static int a13_hold_keys_chowned_to_root(const void *arg)
{
	return a13_hold_keys_given((struct a13_hold *)arg, USER, 0);
}

VM_TEST(a13_root_key_quota_chown_into_root, 382)
{
	long old = read_number("/proc/sys/kernel/keys/maxkeys"), mark;
	const char *const places[] = {NULL, A13_CAPS};
	unsigned base = 0, bytes = 0;

	a13_setup();
	VM_TIMEOUT(240);
	mark = event_mark();
	VM_CHECK(old > 0);
	root_key_charge(&base, &bytes);
	/* root's ordinary quota 20 keys above what it holds */
	write_number("/proc/sys/kernel/keys/maxkeys", base + 20);
	for (size_t p = 0; p < 2; p++) {
		struct a13_hold *h = a13_hold_new(0, A13_CHOWN_TO_ROOT);
		struct in_cgroup_thread t;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, places[p], a13_hold_keys_chowned_to_root, h))
			VM_FAIL("%s: the holder did not start", PLACE(places[p]));
		printf("#   %s root: %d keys made as uid 1000, %d given to root then errno %d; root "
		       "charged %ld keys (ordinary quota %u, %u before)\n",
		       PLACE(places[p]), h->made, h->made2, h->err2, h->count, base + 20, base);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		if (!places[p]) {
			VM_CHECK(h->made2 == A13_CHOWN_TO_ROOT && h->err2 == 0);
		} else {
			VM_CHECK(h->err2 == EDQUOT);
			VM_CHECK(h->count <= (long)base + 20);
		}
		munmap(h, sizeof(*h));
		for (int i = 0; i < 100; i++) { /* the session's keys collected */
			unsigned n = 0;

			if (root_key_charge(&n, &bytes) && n <= base)
				break;
			usleep(100 * 1000);
		}
	}
	write_number("/proc/sys/kernel/keys/maxkeys", old);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
			   "\"policy\":\"a13-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"", "\"uid\":0");
}

/* ---- POSIX message queues: the user's bytes (RLIMIT_MSGQUEUE, counted per user) ---- */

static int a13_hold_mq_bytes(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	struct mq_attr attr = {.mq_maxmsg = 10, .mq_msgsize = 8192};
	char name[64];
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	/* queues of 10 x 8,192 bytes, then smaller ones (halving the message size down to 8, one
	 * message) until the user's count has no room for the smallest */
	for (int i = 0; i < h->want; i++) {
		mqd_t q;

		snprintf(name, sizeof(name), "/a13-mq-%d-%d", (int)getpid(), i);
		q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (q == (mqd_t)-1) {
			h->err = errno;
			if (errno != EMFILE || (attr.mq_msgsize == 8 && attr.mq_maxmsg == 1))
				break;
			if (attr.mq_maxmsg > 1)
				attr.mq_maxmsg = 1;
			else
				attr.mq_msgsize /= 2;
			continue;
		}
		mq_unlink(name); /* held by its descriptor alone: freed at the holder's exit */
		h->made++;
	}
	a13_hold_wait(h);
	return 0;
}

/* uid 1000 outside every policy: a queue of 8 bytes. 0 or the errno. */
static int a13_mq_probe(const void *unused)
{
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 8};
	int ret = become(USER);
	mqd_t q;

	(void)unused;
	if (ret)
		return ret;
	q = mq_open("/a13-mq-probe", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (q == (mqd_t)-1)
		return errno;
	mq_close(q);
	mq_unlink("/a13-mq-probe");
	return 0;
}

/*
 * Was a FINDING (a budget row 262 did not list; closed in the thirteenth session: ipc.bpf.c's
 * lg_mqueue_bytes_budget): each queue's bytes are charged to its user's
 * count (ucounts UCOUNT_RLIMIT_MSGQUEUE, shared by every process of the user) and refused past
 * the caller's RLIMIT_MSGQUEUE (819,200 bytes) with EMFILE, no capability asked. uid 1000
 * under a13 and a13-audit takes 9 queues of 10 x 8,192 bytes (far below three quarters of
 * fs.mqueue.queues_max) and holds the user's whole count; uid 1000's own process outside every
 * policy then gets EMFILE for a queue of 8 bytes. A queue not unlinked keeps its bytes after
 * its maker's exit. Expected: the host's queue made.
 */
VM_TEST(a13_mqueue_user_bytes_held, 383)
{
	a13_setup();
	VM_TIMEOUT(120);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 200);
		struct in_cgroup_thread t;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_mq_bytes, h))
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		else
			probe = in_cgroup(NULL, a13_mq_probe, NULL);
		printf("#   %s uid 1000: %d queues of 81,920 bytes, then errno %d; the host's uid "
		       "1000 queue: %d\n",
		       PLACE(cgroup), h->made, h->err, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		VM_CHECK(h->err == EMFILE);
		if (!cgroup)
			VM_CHECK(probe == EMFILE);
		else if (probe != 0)
			VM_FAIL("%s: the host's uid 1000 queue refused (errno %d) while the confined "
				"holder holds %d queues",
				cgroup, probe, h->made);
		munmap(h, sizeof(*h));
	}
}

/* ---- the host's open files (fs.file-max: refused past it without CAP_SYS_ADMIN) ---- */

static int a13_hold_files(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	struct rlimit r;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	if ((ret = become(h->uid)))
		return ret;
	for (int i = 0; i < h->want; i++) {
		if (open("/dev/null", O_RDONLY) < 0) {
			h->err = errno;
			break;
		}
		h->made++;
	}
	a13_hold_wait(h);
	return 0;
}

static int a13_open_probe(const void *arg)
{
	uid_t uid = *(const uid_t *)arg;
	int ret = become(uid), fd;

	if (ret)
		return ret;
	fd = open("/", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * fs.file-max set to the files open plus 400; uid 1000 under a13 and a13-audit opens /dev/null
 * until refused. Found open (every process of the host without CAP_SYS_ADMIN, a uid 1000
 * login's open of /, then got ENFILE), now refused past three quarters of the limit (ENFILE,
 * file_alloc_security): the host's uid 1000 open made. Root passes either way (CAP_SYS_ADMIN).
 * Control: unconfined, the kernel's ENFILE, the login's open ENFILE.
 */
VM_TEST(a13_host_open_files_file_max, 384)
{
	long old = read_number("/proc/sys/fs/file-max");
	uid_t user = USER, root = 0;
	long mark;

	a13_setup();
	VM_TIMEOUT(120);
	mark = event_mark();
	VM_CHECK(old > 0);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 3000);
		struct in_cgroup_thread t;
		int probe = -1, probe_root = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		write_number("/proc/sys/fs/file-max", read_number("/proc/sys/fs/file-nr") + 400);
		if (!a13_hold_start(&t, cgroup, a13_hold_files, h)) {
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		} else {
			probe = in_cgroup(NULL, a13_open_probe, &user);
			probe_root = in_cgroup(NULL, a13_open_probe, &root);
		}
		VM_CHECK(a13_hold_end(&t, h) == 0);
		write_number("/proc/sys/fs/file-max", old);
		printf("#   %s uid 1000: %d files open, then errno %d; the host's uid 1000 open: "
		       "%d, root's: %d\n",
		       PLACE(cgroup), h->made, h->err, probe, probe_root);
		VM_CHECK(h->err == ENFILE);
		VM_CHECK(probe_root == 0);
		if (!cgroup)
			VM_CHECK(probe == ENFILE);
		else if (probe != 0)
			VM_FAIL("%s: the host's uid 1000 open refused (errno %d) while the confined "
				"holder holds %d files",
				cgroup, probe, h->made);
		munmap(h, sizeof(*h));
	}
	a13_expect_budget_events(mark, "file_alloc_security",
				 "the host's open files (fs.file-max): past three quarters of them", USER);
}

/* ---- the host's tasks (kernel.threads-max: refused past it to everyone, root too) ---- */

static int a13_hold_tasks(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	for (int i = 0; i < h->want; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			h->err = errno;
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			while (!h->release)
				usleep(10 * 1000);
			_exit(0);
		}
		h->made++;
	}
	a13_hold_wait(h);
	while (wait(NULL) > 0)
		;
	return 0;
}

/* The host's tasks: total, from /proc/loadavg's "running/total". */
static long a13_tasks(void)
{
	double a, b, c;
	long running = 0, total = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &running, &total) != 5)
			total = -1;
		fclose(f);
	}
	return total;
}

/*
 * kernel.threads-max set to the host's tasks plus 60; uid 1000 under a13 and a13-audit forks
 * until refused. Found open (an unconfined root process, an administrator's shell, then could
 * not fork: EAGAIN, the kernel refuses root too), now refused past three quarters of the limit
 * (EAGAIN, task_alloc): root's fork made. The probe is forked before the holder starts and
 * forks on a flag. Control: unconfined, the kernel's EAGAIN for root's fork too.
 */
struct a13_fork_probe {
	volatile int go, done;
	int err;
};

VM_TEST(a13_host_tasks_threads_max, 399)
{
	long old = read_number("/proc/sys/kernel/threads-max");
	struct a13_fork_probe *fp = mmap(NULL, sizeof(*fp), PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	long mark;

	a13_setup();
	VM_TIMEOUT(120);
	/* the racing forks' case (the same order) fills the same events' rate window (ten a
	 * second a key): past it, this case's refusals would be held back, not logged (the
	 * flake of the full suite, 2026-12-07) */
	usleep(1100 * 1000);
	mark = event_mark();
	VM_CHECK(old > 0 && fp != MAP_FAILED);
	if (fp == MAP_FAILED)
		return;
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 400);
		struct in_cgroup_thread t;
		pid_t prober;
		long tasks;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		memset(fp, 0, sizeof(*fp));
		prober = fork();
		if (prober == 0) {
			pid_t child;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			while (!fp->go)
				usleep(1000);
			child = fork();
			if (child == 0)
				_exit(0);
			fp->err = child < 0 ? errno : 0;
			if (child > 0)
				waitpid(child, NULL, 0);
			fp->done = 1;
			_exit(0);
		}
		VM_CHECK(prober > 0);
		tasks = a13_tasks();
		VM_CHECK(tasks > 0);
		/* in_cgroup's child and its mover first, then 60 for the holder */
		write_number("/proc/sys/kernel/threads-max", tasks + 60);
		if (!a13_hold_start(&t, cgroup, a13_hold_tasks, h)) {
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		} else {
			fp->go = 1;
			for (int i = 0; i < 500 && !fp->done; i++)
				usleep(10 * 1000);
		}
		write_number("/proc/sys/kernel/threads-max", old);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		fp->go = 1;
		waitpid(prober, NULL, 0);
		printf("#   %s uid 1000: %d processes, then errno %d; the host's root fork: %d\n",
		       PLACE(cgroup), h->made, h->err, fp->done ? fp->err : -1);
		VM_CHECK(h->err == EAGAIN);
		VM_CHECK(fp->done);
		if (!cgroup)
			VM_CHECK(fp->err == EAGAIN);
		else if (fp->err != 0)
			VM_FAIL("%s: the host's root could not fork (errno %d) while the confined "
				"holder holds %d processes",
				cgroup, fp->err, h->made);
		munmap(h, sizeof(*h));
	}
	munmap(fp, sizeof(*fp));
	a13_expect_budget_events(mark, "task_alloc",
				 "the host's tasks (kernel.threads-max): past three quarters of them", USER);
}

/*
 * Forks racing each other (review 16): the kernel counts a new task long after task_alloc, and
 * the threads of one process that fork at once queue on its mmap lock in between, each having
 * passed the check at the same count. 40 threads of uid 1000, each forking once at a signal,
 * with kernel.threads-max set so that the share leaves room for 10 more tasks: with every
 * passing fork reserved until the kernel counts it, at most 10 pass (the others EAGAIN), in
 * a13 and a13-audit; the host's root then forks. Without the reservation 34 and 35 of the 40
 * passed (measured once, the check compared without it). Control: unconfined (threads-max as
 * it is), all 40.
 */
#define A13_FORK_RACERS 40
#define A13_FORK_ROOM 10
#define A13_FORK_MAPPINGS 20000

struct a13_fork_racer {
	struct a13_hold *h;
	volatile int *ready, *forked;
	pid_t child;
	int err;
};

/* Each racer stays until the release: the host's count grows by its child, not replaced by
 * the racer's own exit. */
static void *a13_fork_racer(void *arg)
{
	struct a13_fork_racer *r = arg;
	volatile int *go = &r->h->ids[0];

	__sync_fetch_and_add(r->ready, 1);
	while (!*go)
		;
	/* the system call itself: glibc's fork() holds its own locks (malloc's, stdio's) across
	 * the call and would line the racers up before the kernel sees them */
	r->child = (pid_t)syscall(SYS_fork);
	if (r->child == 0) {
		while (!r->h->release)
			usleep(10 * 1000);
		_exit(0);
	}
	r->err = r->child < 0 ? errno : 0;
	__sync_fetch_and_add(r->forked, 1);
	while (!r->h->release)
		usleep(10 * 1000);
	return NULL;
}

static int a13_hold_fork_race(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	static struct a13_fork_racer r[A13_FORK_RACERS];
	pthread_t thread[A13_FORK_RACERS];
	volatile int ready = 0, forked = 0;
	int started = 0, ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	/* Thousands of mappings (alternate protections: none merges), so that each fork copies
	 * them under the process's mmap lock for a while: the window in which the other racers,
	 * past the check, queue on that lock before the kernel counts any of them. */
	for (int i = 0; i < A13_FORK_MAPPINGS; i++)
		mmap(NULL, 4096, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < A13_FORK_RACERS; i++) {
		r[i] = (struct a13_fork_racer){.h = h, .ready = &ready, .forked = &forked, .child = -1};
		if (pthread_create(&thread[i], NULL, a13_fork_racer, &r[i]))
			break;
		started++;
	}
	while (ready < started)
		usleep(1000);
	h->held = 1; /* every racer waits for the go */
	while (forked < started)
		usleep(1000);
	for (int i = 0; i < started; i++) {
		if (r[i].child > 0)
			h->made++;
		else if (!h->err)
			h->err = r[i].err;
	}
	h->made2 = 1; /* done */
	while (!h->release)
		usleep(10 * 1000);
	for (int i = 0; i < started; i++)
		pthread_join(thread[i], NULL);
	while (wait(NULL) > 0)
		;
	return 0;
}

VM_TEST(a13_host_tasks_racing_forks_keep_the_quarter, 399)
{
	long old = read_number("/proc/sys/kernel/threads-max");

	a13_setup();
	VM_TIMEOUT(120);
	VM_CHECK(old > 0);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, A13_FORK_RACERS);
		struct in_cgroup_thread t;
		long tasks, max, share, after;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_fork_race, h)) {
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
			a13_hold_end(&t, h);
			munmap(h, sizeof(*h));
			continue;
		}
		/* room for A13_FORK_ROOM more tasks in the share: max - max / 4 == tasks + room */
		tasks = a13_tasks();
		VM_CHECK(tasks > 0);
		max = ((tasks + A13_FORK_ROOM) * 4 + 2) / 3;
		while (max - max / 4 > tasks + A13_FORK_ROOM)
			max--;
		while (max - max / 4 < tasks + A13_FORK_ROOM)
			max++;
		share = max - max / 4;
		if (cgroup) /* the control: the kernel's own limit left as it is */
			write_number("/proc/sys/kernel/threads-max", max);
		*(volatile int *)&h->ids[0] = 1; /* go */
		for (int i = 0; i < 1000 && !*(volatile int *)&h->made2; i++)
			usleep(10 * 1000);
		/* the host's tasks besides the racers' children (each waits for the release): the
		 * kernel's own threads come and go (a workqueue's idle worker ends), and one that
		 * ended during the race left the share one more task of room (CI saw 11 pass with
		 * room 10 twice, once with the policy lookup before 2026-12-04, once after) */
		after = a13_tasks() - h->made;
		{
			pid_t child = fork();

			if (child == 0)
				_exit(0);
			probe = child < 0 ? errno : 0;
			if (child > 0)
				waitpid(child, NULL, 0);
		}
		write_number("/proc/sys/kernel/threads-max", old);
		printf("#   %s uid 1000: %d racing forks, %d passed (room %ld: %ld tasks, share %ld "
		       "of threads-max %ld; %ld tasks besides them after), then errno %d; the "
		       "host's root fork: %d\n",
		       PLACE(cgroup), A13_FORK_RACERS, h->made, share - tasks, tasks, share, max,
		       after, h->err, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		VM_CHECK(probe == 0);
		if (!cgroup) {
			VM_CHECK(h->made == A13_FORK_RACERS);
		} else {
			VM_CHECK(h->made <= share - (after < tasks ? after : tasks));
			VM_CHECK(h->err == EAGAIN);
		}
		munmap(h, sizeof(*h));
	}
}

/* ---- pending signals (RLIMIT_SIGPENDING, counted per user) ---- */

static int a13_hold_signals(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	union sigval v = {.sival_int = 0};
	sigset_t set;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < h->want; i++) {
		if (sigqueue(getpid(), SIGRTMIN, v)) {
			h->err = errno;
			break;
		}
		h->made++;
	}
	a13_hold_wait(h);
	return 0;
}

/* uid 1000 outside every policy: a POSIX timer (its signal preallocated against the user's
 * pending signals). 0 or the errno. */
static int a13_timer_probe(const void *unused)
{
	timer_t timer;
	int ret = become(USER);

	(void)unused;
	if (ret)
		return ret;
	if (timer_create(CLOCK_MONOTONIC, NULL, &timer))
		return errno;
	timer_delete(timer);
	return 0;
}

/*
 * FINDING (a per-user budget row 262 does not list): queued signals are counted per user
 * (ucounts UCOUNT_RLIMIT_SIGPENDING) and refused past the receiver's RLIMIT_SIGPENDING with
 * EAGAIN, no capability asked. uid 1000 under a13 and a13-audit queues SIGRTMIN to itself
 * (blocked) until EAGAIN; uid 1000's own process outside every policy then cannot make a POSIX
 * timer (timer_create: EAGAIN). Expected: the host's timer made.
 */
VM_TEST_OPEN(a13_user_pending_signals_held, 386)
{
	a13_setup();
	VM_TIMEOUT(120);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 1 << 20);
		struct in_cgroup_thread t;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_signals, h))
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		else
			probe = in_cgroup(NULL, a13_timer_probe, NULL);
		printf("#   %s uid 1000: %d signals queued, then errno %d; the host's uid 1000 "
		       "timer: %d\n",
		       PLACE(cgroup), h->made, h->err, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		VM_CHECK(h->err == EAGAIN);
		if (!cgroup)
			VM_CHECK(probe == EAGAIN);
		else if (probe != 0)
			VM_FAIL("%s: the host's uid 1000 timer refused (errno %d) while the confined "
				"holder holds %d signals",
				cgroup, probe, h->made);
		munmap(h, sizeof(*h));
	}
}

/* ---- System V totals: kernel.shmall (pages) and semmns (semaphores) ---- */

/* The sum of a column of a /proc/sysvipc file (past its header), each value rounded up to
 * pages when pages; -1 when unreadable. */
static long a13_sysvipc_sum(const char *file, int column, bool pages)
{
	char line[512];
	long sum = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tok = strtok(line, " \t");

		for (int c = 0; tok && c < column; c++)
			tok = strtok(NULL, " \t");
		if (tok)
			sum += pages ? (strtol(tok, NULL, 10) + 4095) / 4096 : strtol(tok, NULL, 10);
	}
	fclose(f);
	return sum;
}

#define A13_SHM_PAGES 60 /* of shmall's 64 free */
#define A13_SEMS 250	 /* of semmns's 300 free */

static int a13_hold_sysv_totals(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	h->ids[0] = shmget(IPC_PRIVATE, A13_SHM_PAGES * 4096, IPC_CREAT | 0600);
	h->err = h->ids[0] < 0 ? errno : 0;
	h->ids[1] = semget(IPC_PRIVATE, A13_SEMS, IPC_CREAT | 0600);
	h->err2 = h->ids[1] < 0 ? errno : 0;
	a13_hold_wait(h);
	return 0;
}

/* uid 1000 outside every policy: a segment of 8 pages (*arg 0) or a set of 60 semaphores. */
static int a13_sysv_probe(const void *arg)
{
	int which = *(const int *)arg, id, ret = become(USER);

	if (ret)
		return ret;
	id = which ? semget(IPC_PRIVATE, 60, IPC_CREAT | 0600)
		   : shmget(IPC_PRIVATE, 8 * 4096, IPC_CREAT | 0600);
	if (id < 0)
		return errno;
	if (which)
		semctl(id, 0, IPC_RMID);
	else
		shmctl(id, IPC_RMID, NULL);
	return 0;
}

/*
 * kernel.shmall (the namespace's pages of shared memory) set to the pages in use plus 64, and
 * kernel.sem's semmns (its semaphores) to those in use plus 300, each refused past it with
 * ENOSPC, no capability asked. uid 1000 under a13 and a13-audit makes one segment of 60 pages
 * and one set of 250 semaphores (one object each, far below three quarters of shmmni and
 * semmni). Found open (uid 1000's own process outside every policy then got ENOSPC for a
 * segment of 8 pages and a set of 60 semaphores: PostgreSQL and Apache, where an administrator
 * set shmall or semmns, as their guides say; they outlive their maker), now both refused past
 * three quarters of the total (ENOSPC, shm_ and sem_alloc_security): the host's segment and
 * set made. Control: unconfined, both made, the host's ENOSPC.
 */
VM_TEST(a13_sysv_totals_shmall_semmns, 387)
{
	long old_shmall = read_number("/proc/sys/kernel/shmall"), sem[4] = {0};
	char old_sem[96], text[96], old_shmall_text[32] = "";
	FILE *f = fopen("/proc/sys/kernel/sem", "r");
	FILE *g = fopen("/proc/sys/kernel/shmall", "r");

	long mark;

	a13_setup();
	VM_TIMEOUT(120);
	mark = event_mark();
	VM_CHECK(f && fscanf(f, "%ld %ld %ld %ld", &sem[0], &sem[1], &sem[2], &sem[3]) == 4);
	if (f)
		fclose(f);
	/* shmall's default (ULONG_MAX - 2^24) is past a long: put back as the text it was */
	VM_CHECK(g && fgets(old_shmall_text, sizeof(old_shmall_text), g) != NULL);
	if (g)
		fclose(g);
	VM_CHECK(old_shmall > 0 && sem[3] > 0);
	snprintf(old_sem, sizeof(old_sem), "%ld %ld %ld %ld", sem[0], sem[1], sem[2], sem[3]);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 1);
		long sems = a13_sysvipc_sum("/proc/sysvipc/sem", 3, false);
		long shm_pages = a13_sysvipc_sum("/proc/sysvipc/shm", 3, true);
		int zero = 0, one = 1, probe_shm = -1, probe_sem = -1;
		struct in_cgroup_thread t;

		VM_CHECK(h != NULL && shm_pages >= 0 && sems >= 0);
		if (!h)
			break;
		write_number("/proc/sys/kernel/shmall", shm_pages + 64);
		snprintf(text, sizeof(text), "%ld %ld %ld %ld", sem[0] < A13_SEMS ? A13_SEMS : sem[0],
			 sems + 300, sem[2], sem[3]);
		write_into("/proc/sys/kernel/sem", text);
		if (!a13_hold_start(&t, cgroup, a13_hold_sysv_totals, h)) {
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		} else {
			probe_shm = in_cgroup(NULL, a13_sysv_probe, &zero);
			probe_sem = in_cgroup(NULL, a13_sysv_probe, &one);
		}
		VM_CHECK(a13_hold_end(&t, h) == 0);
		if (h->ids[0] >= 0)
			shmctl(h->ids[0], IPC_RMID, NULL);
		if (h->ids[1] >= 0)
			semctl(h->ids[1], 0, IPC_RMID);
		write_into("/proc/sys/kernel/shmall", old_shmall_text);
		write_into("/proc/sys/kernel/sem", old_sem);
		printf("#   %s uid 1000: a segment of %d pages: %d, a set of %d semaphores: %d; the "
		       "host's uid 1000 segment of 8 pages: %d, set of 60: %d\n",
		       PLACE(cgroup), A13_SHM_PAGES, h->err, A13_SEMS, h->err2, probe_shm, probe_sem);
		if (!cgroup) {
			VM_CHECK(h->err == 0 && h->err2 == 0);
			VM_CHECK(probe_shm == ENOSPC && probe_sem == ENOSPC);
		} else {
			VM_CHECK(h->err == ENOSPC && h->err2 == ENOSPC);
		}
		if (cgroup && (probe_shm != 0 || probe_sem != 0)) {
			VM_FAIL("%s: the host's uid 1000 segment (errno %d) or semaphore set (errno "
				"%d) refused while the confined holder holds one segment (%d) and one "
				"set (%d)",
				cgroup, probe_shm, probe_sem, h->err, h->err2);
		}
		munmap(h, sizeof(*h));
	}
	a13_expect_budget_events(
	    mark, "shm_alloc_security",
	    "the IPC namespace's shared memory pages (kernel.shmall): past three quarters of them",
	    USER);
	a13_expect_budget_events(
	    mark, "sem_alloc_security",
	    "the IPC namespace's semaphores (kernel.sem's semmns): past three quarters of them", USER);
}

/* ---- AIO through the ia32 entry (int $0x80 from a 64-bit process) ---- */

#define A13_AIO_EVENTS 300

/* io_setup through int $0x80 (ia32 245): nr_events, the context written at ctx32 (below
 * 4 GB). 0 or the errno. */
static int a13_io_setup_int80(unsigned nr, unsigned *ctx32)
{
	long ret;

	*ctx32 = 0;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(245L), "b"((long)nr), "c"((long)(unsigned long)ctx32)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return ret < 0 ? (int)-ret : 0;
}

static int a13_hold_aio_int80(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	unsigned *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if (low == MAP_FAILED)
		return 2000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	for (int i = 0; i < h->want && i < 16; i++) {
		h->err = a13_io_setup_int80(A13_AIO_EVENTS, &low[i]);
		if (h->err)
			break;
		h->made++;
	}
	a13_hold_wait(h);
	return 0; /* the exit destroys the contexts */
}

/*
 * Held (expected): fs.aio-max-nr set to the host's use plus 1,000 (a confined share of 750);
 * io_setup of 300 events through int $0x80 (the ia32 compat entry, TS_COMPAT) passes twice,
 * the third fails with ENOMEM, as root and uid 1000, enforce and audit. Control: unconfined,
 * three pass.
 */
VM_TEST(a13_aio_events_through_int80, 388)
{
	long max = read_number("/proc/sys/fs/aio-max-nr");

	a13_setup();
	VM_TIMEOUT(120);
	VM_CHECK(max > 0);
	for (size_t p = 0; p < 3; p++) {
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			const char *cgroup = a13_places[p];
			struct a13_hold *h = a13_hold_new(uid, 3);
			struct in_cgroup_thread t;

			VM_CHECK(h != NULL);
			if (!h)
				return;
			write_number("/proc/sys/fs/aio-max-nr",
				     read_number("/proc/sys/fs/aio-nr") + 1000);
			if (!a13_hold_start(&t, cgroup, a13_hold_aio_int80, h))
				VM_FAIL("%s: the holder did not start", PLACE(cgroup));
			VM_CHECK(a13_hold_end(&t, h) == 0);
			write_number("/proc/sys/fs/aio-max-nr", max);
			printf("#   %s uid %u: %d io_setup calls through int $0x80, then errno %d\n",
			       PLACE(cgroup), (unsigned)uid, h->made, h->err);
			if (!cgroup)
				VM_CHECK(h->made == 3 && h->err == 0);
			else if (h->made != 2 || h->err != ENOMEM)
				VM_FAIL("%s uid %u: %d io_setup calls through int $0x80, then errno "
					"%d (expected 2, then ENOMEM)",
					cgroup, (unsigned)uid, h->made, h->err);
			munmap(h, sizeof(*h));
		}
	}
}

/* ---- ptys: io_uring's openat, /proc/self/fd, racing openers ---- */

#define A13_PTY_RACERS 24

/* Mount the host's devpts at /dev/pts if the VM has none yet (as budgets.c does). */
static void a13_devpts(void)
{
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
}

static int a13_hold_ptys_other_routes(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	char path[64];
	int ret, fd = -1;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	/* the share with open() */
	for (int i = 0; i < h->want; i++) {
		int one = open("/dev/ptmx", O_RDWR | O_NOCTTY);

		if (one < 0) {
			h->err = errno;
			break;
		}
		fd = one;
		h->made++;
	}
	/* then io_uring's openat, and a reopen of a held master through /proc/self/fd */
	ret = uring_openat("/dev/ptmx", O_RDWR | O_NOCTTY);
	h->ids[0] = ret >= 0 ? 0 : -ret;
	if (ret >= 0)
		h->made2++;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = fd >= 0 ? open(path, O_RDWR | O_NOCTTY) : -1;
	h->ids[1] = ret >= 0 ? 0 : errno;
	if (ret >= 0)
		h->made2++;
	a13_hold_wait(h);
	return 0;
}

/*
 * Held (expected): kernel.pty.max set to the ptys there are plus kernel.pty.reserve plus 4 (a
 * confined share of 3). After its 3, a confined task's 4th pty through io_uring's
 * IORING_OP_OPENAT and through /proc/self/fd/N of a held master: ENOSPC each, uid 1000 and
 * root, enforce and audit. Control: unconfined, both made.
 */
VM_TEST(a13_ptys_through_io_uring_and_proc_fd, 389)
{
	long max = read_number("/proc/sys/kernel/pty/max");
	long reserve = read_number("/proc/sys/kernel/pty/reserve");

	a13_setup();
	VM_TIMEOUT(120);
	VM_CHECK(max > 0 && reserve > 0);
	a13_devpts();
	for (size_t p = 0; p < 3; p++) {
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			const char *cgroup = a13_places[p];
			struct a13_hold *h = a13_hold_new(uid, cgroup ? 10 : 3);
			struct in_cgroup_thread t;

			VM_CHECK(h != NULL);
			if (!h)
				return;
			write_number("/proc/sys/kernel/pty/max",
				     read_number("/proc/sys/kernel/pty/nr") + reserve + 4);
			if (!a13_hold_start(&t, cgroup, a13_hold_ptys_other_routes, h))
				VM_FAIL("%s: the holder did not start", PLACE(cgroup));
			VM_CHECK(a13_hold_end(&t, h) == 0);
			write_number("/proc/sys/kernel/pty/max", max);
			printf("#   %s uid %u: %d ptys (then errno %d); io_uring openat: %d, "
			       "/proc/self/fd: %d\n",
			       PLACE(cgroup), (unsigned)uid, h->made, h->err, h->ids[0], h->ids[1]);
			if (!cgroup) {
				VM_CHECK(h->made == 3 && h->made2 == 2);
			} else {
				VM_CHECK(h->made == 3 && h->err == ENOSPC);
				if (h->ids[0] != ENOSPC || h->ids[1] != ENOSPC)
					VM_FAIL("%s uid %u: past the share, io_uring openat %d, "
						"/proc/self/fd %d (expected ENOSPC each)",
						cgroup, (unsigned)uid, h->ids[0], h->ids[1]);
			}
			munmap(h, sizeof(*h));
		}
	}
}

struct a13_pty_race {
	volatile int ready, go, release;
	volatile int made, refused, other;
};

static int a13_pty_racer(const void *arg)
{
	struct a13_pty_race *r = (struct a13_pty_race *)arg;
	int ret, fd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(USER)))
		return ret;
	__atomic_add_fetch(&r->ready, 1, __ATOMIC_SEQ_CST);
	while (!r->go)
		sched_yield();
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (fd >= 0)
		__atomic_add_fetch(&r->made, 1, __ATOMIC_SEQ_CST);
	else if (errno == ENOSPC)
		__atomic_add_fetch(&r->refused, 1, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&r->other, 1, __ATOMIC_SEQ_CST);
	while (!r->release)
		usleep(1000);
	return 0;
}

/*
 * Measured (the documented limit: no reservation for ptys): kernel.pty.max set to the ptys
 * there are plus kernel.pty.reserve plus 4 (a confined share of 3); 24 confined uid 1000
 * processes open /dev/ptmx at once, 20 rounds: how many pass, at most? Asserted: the host's
 * root still gets a pty meanwhile (its reserve is far from reached: 1,024).
 */
VM_TEST(a13_ptys_racing_openers_measured, 390)
{
	long max = read_number("/proc/sys/kernel/pty/max");
	long reserve = read_number("/proc/sys/kernel/pty/reserve");
	struct a13_pty_race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int most = 0, rounds_over = 0;

	a13_setup();
	VM_TIMEOUT(300);
	VM_CHECK(max > 0 && reserve > 0 && r != MAP_FAILED);
	if (r == MAP_FAILED)
		return;
	a13_devpts();
	for (int round = 0; round < 20; round++) {
		struct in_cgroup_thread t[A13_PTY_RACERS];
		int started = 0, host;

		memset((void *)r, 0, sizeof(*r));
		write_number("/proc/sys/kernel/pty/max",
			     read_number("/proc/sys/kernel/pty/nr") + reserve + 4);
		for (int i = 0; i < A13_PTY_RACERS; i++)
			if (in_cgroup_start(&t[i], A13, a13_pty_racer, r))
				started++;
			else
				break;
		for (int i = 0; i < 5000 && r->ready < started; i++)
			usleep(1000);
		r->go = 1;
		for (int i = 0; i < 5000 && r->made + r->refused + r->other < started; i++)
			usleep(1000);
		host = open("/dev/ptmx", O_RDWR | O_NOCTTY);
		VM_CHECK(host >= 0);
		if (host >= 0)
			close(host);
		r->release = 1;
		for (int i = 0; i < started; i++)
			VM_CHECK(in_cgroup_join(&t[i]) == 0);
		write_number("/proc/sys/kernel/pty/max", max);
		if (r->made > most)
			most = r->made;
		rounds_over += r->made > 3;
		VM_CHECK(r->other == 0);
	}
	printf("#   24 racing confined openers, 20 rounds: at most %d ptys of a share of 3; past "
	       "the share in %d rounds\n",
	       most, rounds_over);
	VM_CHECK(most <= A13_PTY_RACERS);
	munmap(r, sizeof(*r));
}

/* ---- descriptors in flight over unix sockets (counted per user) ---- */

#define A13_FDS_PER_MESSAGE 250

/* Send n copies of fd over sock in one SCM_RIGHTS message: 0 or the errno. */
/* Messages of 250 descriptors to its own socket pair, never received, until the first
 * failure: h->made descriptors in flight. */
static int a13_hold_inflight(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	int sv[2], fd, ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || (fd = open("/dev/null", O_RDONLY)) < 0)
		return 2000 + errno;
	for (int i = 0; i < h->want; i++) {
		h->err = send_fds(sv[0], fd, A13_FDS_PER_MESSAGE);
		if (h->err)
			break;
		h->made += A13_FDS_PER_MESSAGE;
	}
	a13_hold_wait(h);
	return 0;
}

/* uid 1000 outside every policy: one descriptor passed over a socket pair of its own (a
 * D-Bus or systemd --user client's fd passing). 0 or the errno. */
static int a13_inflight_probe(const void *unused)
{
	int sv[2], ret = become(USER);

	(void)unused;
	if (ret)
		return ret;
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return 1000 + errno;
	ret = send_fds(sv[0], 0, 1);
	close(sv[0]);
	close(sv[1]);
	return ret;
}

/*
 * Was a FINDING (a per-user budget row 262 did not list; closed in the thirteenth session:
 * unix.bpf.c's lg_fds_in_flight): descriptors sent over unix sockets and
 * not yet received are counted per user (user_struct.unix_inflight); past the sender's
 * RLIMIT_NOFILE (1,024) every process of that user gets ETOOMANYREFS for its next SCM_RIGHTS
 * send (too_many_unix_fds; only CAP_SYS_RESOURCE or CAP_SYS_ADMIN pass). uid 1000 under a13
 * and a13-audit keeps 1,250 in flight on a socket pair of its own; uid 1000's own process
 * outside every policy then cannot pass one descriptor. Expected: the host's send made.
 */
VM_TEST(a13_user_descriptors_in_flight_held, 391)
{
	a13_setup();
	VM_TIMEOUT(120);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 5);
		struct in_cgroup_thread t;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_inflight, h))
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		else
			probe = in_cgroup(NULL, a13_inflight_probe, NULL);
		printf("#   %s uid 1000: %d descriptors in flight (then errno %d); the host's uid "
		       "1000 send: %d\n",
		       PLACE(cgroup), h->made, h->err, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		/* the control all five; confined, three quarters of 1,024: three, then the
		 * kernel's answer */
		if (!cgroup)
			VM_CHECK(h->made == 5 * A13_FDS_PER_MESSAGE);
		else
			VM_CHECK(h->made == 3 * A13_FDS_PER_MESSAGE && h->err == ETOOMANYREFS);
		if (!cgroup)
			VM_CHECK(probe == ETOOMANYREFS);
		else if (probe != 0)
			VM_FAIL("%s: the host's uid 1000 descriptor pass refused (errno %d) while the "
				"confined holder keeps %d in flight",
				cgroup, probe, h->made);
		munmap(h, sizeof(*h));
	}
}

/* ---- a user's key quota spent by a confined root that becomes that user ---- */

#define OTHER_USER 1001

static int a13_hold_keys_as_other_user(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	unsigned bytes = 0, n = 0;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 2000 + errno;
	a13_keys_until_refused(h);
	if (user_key_charge(h->uid, &n, &bytes))
		h->count = n;
	a13_hold_wait(h);
	return 0;
}

static int a13_key_probe_as(const void *arg)
{
	int ret = become(*(const uid_t *)arg);

	if (ret)
		return ret;
	if (a13_keyctl(KEYCTL_JOIN_SESSION_KEYRING_, 0, 0, 0) < 0)
		return 1000 + errno;
	return a13_small_key("a13-login-key") < 0 ? errno : 0;
}

/*
 * Held (expected): a confined root becomes uid 1001 (another service's user) and makes keys
 * charged to it: the budget is the charged user's, so it stops at three quarters of
 * maxkeys (40: 30 keys with its session keyring) with EDQUOT, and uid 1001's own process
 * outside every policy makes its key. Control: unconfined, up to the kernel's EDQUOT, the
 * probe EDQUOT.
 */
VM_TEST(a13_user_key_quota_of_another_user_by_setuid, 392)
{
	long old = read_number("/proc/sys/kernel/keys/maxkeys");
	uid_t other = OTHER_USER;

	a13_setup();
	VM_TIMEOUT(240);
	VM_CHECK(old > 0);
	write_number("/proc/sys/kernel/keys/maxkeys", A13_MAXKEYS);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(OTHER_USER, 0);
		struct in_cgroup_thread t;
		int probe = -1;
		unsigned n = 0, bytes = 0;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_keys_as_other_user, h))
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		else
			probe = in_cgroup(NULL, a13_key_probe_as, &other);
		printf("#   %s root as uid 1001: %d keys then errno %d, uid 1001 charged %ld; the "
		       "host's uid 1001 key: %d\n",
		       PLACE(cgroup), h->made, h->err, h->count, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		VM_CHECK(h->err == EDQUOT);
		if (!cgroup)
			VM_CHECK(probe == EDQUOT);
		else if (probe != 0)
			VM_FAIL("%s: the host's uid 1001 key refused (errno %d)", cgroup, probe);
		munmap(h, sizeof(*h));
		for (int i = 0; i < 100; i++) {
			if (!user_key_charge(OTHER_USER, &n, &bytes) || n == 0)
				break;
			usleep(100 * 1000);
		}
	}
	write_number("/proc/sys/kernel/keys/maxkeys", old);
}

/* ---- io_uring's registered buffers: the user's locked memory (RLIMIT_MEMLOCK, per user) ---- */

#define A13_IORING_REGISTER_BUFFERS 0
#define A13_CHUNK (1 << 20)

/* A ring of its own with len bytes at buf registered as its one fixed buffer: the ring's
 * descriptor, or -errno. */
static int a13_uring_buffer(void *buf, size_t len)
{
	struct {
		unsigned sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features,
		    wq_fd, resv[3];
		unsigned off[20];
	} p;
	struct iovec iov = {buf, len};
	int ring;

	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0)
		return -errno;
	if (syscall(__NR_io_uring_register, ring, A13_IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
		int err = errno;

		close(ring);
		return -err;
	}
	return ring;
}

static int a13_hold_memlock(const void *arg)
{
	struct a13_hold *h = (struct a13_hold *)arg;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(h->uid)))
		return ret;
	for (int i = 0; i < h->want; i++) {
		void *buf = mmap(NULL, A13_CHUNK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED)
			return 2000 + errno;
		ret = a13_uring_buffer(buf, A13_CHUNK);
		if (ret < 0) {
			h->err = -ret;
			break;
		}
		h->made++;
	}
	a13_hold_wait(h);
	return 0;
}

/* uid 1000 outside every policy: a ring with one page registered. 0 or the errno. */
static int a13_memlock_probe(const void *unused)
{
	static char page[4096] __attribute__((aligned(4096)));
	int ret = become(USER);

	(void)unused;
	if (ret)
		return ret;
	ret = a13_uring_buffer(page, sizeof(page));
	if (ret < 0)
		return -ret;
	close(ret);
	return 0;
}

/*
 * FINDING (a per-user budget row 262 does not list): io_uring charges a fixed buffer's pinned
 * pages to its user (user_struct.locked_vm, shared by every process of the user) against the
 * caller's RLIMIT_MEMLOCK (8 MB), ENOMEM past it without CAP_IPC_LOCK. uid 1000 under a13 and
 * a13-audit registers 1 MB buffers until ENOMEM; uid 1000's own process outside every policy
 * then cannot register one page. Expected: the host's buffer registered.
 */
VM_TEST_OPEN(a13_user_locked_memory_io_uring_buffers, 393)
{
	a13_setup();
	VM_TIMEOUT(120);
	for (size_t p = 0; p < 3; p++) {
		const char *cgroup = a13_places[p];
		struct a13_hold *h = a13_hold_new(USER, 64);
		struct in_cgroup_thread t;
		int probe = -1;

		VM_CHECK(h != NULL);
		if (!h)
			break;
		if (!a13_hold_start(&t, cgroup, a13_hold_memlock, h))
			VM_FAIL("%s: the holder did not start", PLACE(cgroup));
		else
			probe = in_cgroup(NULL, a13_memlock_probe, NULL);
		printf("#   %s uid 1000: %d MB of io_uring buffers, then errno %d; the host's uid "
		       "1000 page: %d\n",
		       PLACE(cgroup), h->made, h->err, probe);
		VM_CHECK(a13_hold_end(&t, h) == 0);
		VM_CHECK(h->err == ENOMEM);
		if (!cgroup)
			VM_CHECK(probe == ENOMEM);
		else if (probe != 0)
			VM_FAIL("%s: the host's uid 1000 buffer refused (errno %d) while the confined "
				"holder holds %d MB",
				cgroup, probe, h->made);
		munmap(h, sizeof(*h));
	}
}
