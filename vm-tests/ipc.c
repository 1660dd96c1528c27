// SPDX-License-Identifier: GPL-2.0-only
/*
 * System V IPC objects and keys made outside the policy (bpf_lsm/ipc.bpf.c): another service's
 * shared memory, message queue, semaphores and keys are refused to a confined task, root or not,
 * in enforce and audit mode (a protection), unless its policy says [system] ipc-others = allow;
 * its own are its own. Attack run 5 (rows 1-3 of its table in docs/security.md) read another
 * service's secret in the user keyring every root service shares and wrote another service's
 * shared memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define IPC_CG "/lgt/ipc"
#define IPC_AUDIT "/lgt/ipc-audit"
#define IPC_OPEN "/lgt/ipc-open"
#define IPC_VICTIM "/lgt/ipc-victim"
#define USER 1000

#define IPC_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
static const char ipc_policy[] = "[policy]\nname = ipc\ncgroup = " IPC_CG "\nmode = enforce\n" IPC_RULES;
static const char ipc_audit_policy[] =
    "[policy]\nname = ipc-audit\ncgroup = " IPC_AUDIT "\nmode = audit\n" IPC_RULES;
static const char ipc_open_policy[] = "[policy]\nname = ipc-open\ncgroup = " IPC_OPEN
				      "\nmode = enforce\n" IPC_RULES "[system]\nipc-others = allow\n";
/* ipc-others = allow: it keeps its secret in the user keyring, which is nobody's */
static const char ipc_victim_policy[] = "[policy]\nname = ipc-victim\ncgroup = " IPC_VICTIM
					"\nmode = enforce\n" IPC_RULES
					"[system]\nipc-others = allow\n";

/* keyctl(2) and add_key(2): no libkeyutils in the VM */
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_REVOKE 3
#define KEYCTL_SETPERM 5
#define KEYCTL_UNLINK 9
#define KEYCTL_SEARCH 10
#define KEYCTL_CLEAR 7
#define KEYCTL_READ 11
#define KEYCTL_SET_TIMEOUT 15
#define KEYCTL_INVALIDATE 21
#define KEY_SPEC_SESSION_KEYRING -3
#define KEY_SPEC_USER_KEYRING -4

static void ipc_setup(void)
{
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/ipc.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/ipc.ini", ipc_policy, 0644);
		write_file(POLICY_DIR "/ipc-audit.ini", ipc_audit_policy, 0644);
		write_file(POLICY_DIR "/ipc-open.ini", ipc_open_policy, 0644);
		write_file(POLICY_DIR "/ipc-victim.ini", ipc_victim_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(IPC_CG);
	make_cgroup(IPC_AUDIT);
	make_cgroup(IPC_OPEN);
	make_cgroup(IPC_VICTIM);
}

/* The objects a service made: ids, and its key's serial (0: in_session, read back there). */
struct made {
	int shm, msg, sem;
	long key;
	bool in_session; /* the key in a session keyring of its own (the user keyring is nobody's) */
};

/* Make a shared memory segment, a message queue, a semaphore set (all mode 0666) and a key in
 * the user keyring readable by all, in the caller's cgroup; the ids through the result pipe. */
static int do_make(const void *arg)
{
	struct made *m = (struct made *)arg;
	static const char secret[] = "victim-secret";

	m->shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0666);
	m->msg = msgget(IPC_PRIVATE, IPC_CREAT | 0666);
	m->sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0666);
	if (m->shm < 0 || m->msg < 0 || m->sem < 0)
		return 100 + errno;
	char description[64];

	/* its own name: add_key of an existing description would update that key */
	snprintf(description, sizeof(description), "lgt-ipc-secret-%d", (int)getpid());
	if (m->in_session && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return 140 + errno;
	m->key = syscall(SYS_add_key, "user", description, secret, sizeof(secret) - 1,
			 m->in_session ? KEY_SPEC_SESSION_KEYRING : KEY_SPEC_USER_KEYRING);
	if (m->key < 0)
		return 150 + errno;
	/* possessor, user, group, other: everything, so that only lsmguard decides */
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, m->key, 0x3f3f3f3f))
		return 160 + errno;
	if (m->in_session) {
		char buf[64];

		/* its own key, in its own keyring, which goes when this process does */
		if (syscall(SYS_keyctl, KEYCTL_READ, m->key, buf, sizeof(buf)) < 0)
			return 170 + errno;
		m->key = 0;
	}
	return 0;
}

enum ipc_op { OP_SHMAT, OP_SHM_STAT, OP_SHM_RMID, OP_MSGSND, OP_MSGRCV, OP_SEMOP, OP_SEM_GETVAL,
	      OP_KEY_READ, OP_COUNT };

/*
 * The errno a refusal gives: the System V calls turn ipc_permission's refusal into EACCES
 * (ipcperms), the *ctl hooks' errors come back as they are (EPERM), and keyctl's lookup of a
 * serial whose key is refused fails with ENOKEY.
 */
static const int refused[OP_COUNT] = {EACCES, EACCES, EPERM, EACCES, EACCES, EACCES, EACCES, ENOKEY};

static const char *const op_names[OP_COUNT] = {
    "shmat (write)", "shmctl IPC_STAT", "shmctl IPC_RMID (of a copy)", "msgsnd",
    "msgrcv",	     "semop",		"semctl GETVAL",	       "keyctl read"};

struct ipc_try {
	const struct made *m;
	enum ipc_op op;
	uid_t uid;
};

static int do_op(const void *arg)
{
	const struct ipc_try *t = arg;
	struct {
		long type;
		char text[8];
	} msg = {1, "x"};
	struct sembuf up = {0, 1, IPC_NOWAIT};
	struct shmid_ds ds;
	char buf[64];
	void *at;

	if (t->uid && (setgid(t->uid) || setuid(t->uid)))
		return 200;
	switch (t->op) {
	case OP_SHMAT:
		at = shmat(t->m->shm, NULL, 0);
		if (at == (void *)-1)
			return errno;
		memcpy(at, "overwritten", 12);
		shmdt(at);
		return 0;
	case OP_SHM_STAT:
		return shmctl(t->m->shm, IPC_STAT, &ds) < 0 ? errno : 0;
	case OP_SHM_RMID:
		return shmctl(t->m->shm, IPC_RMID, NULL) < 0 ? errno : 0;
	case OP_MSGSND:
		return msgsnd(t->m->msg, &msg, 2, IPC_NOWAIT) ? errno : 0;
	case OP_MSGRCV:
		/* Something to read first is left by the victim (ENOMSG otherwise). */
		return msgrcv(t->m->msg, &msg, sizeof(msg.text), 0, IPC_NOWAIT) < 0 ? errno : 0;
	case OP_SEMOP:
		return semop(t->m->sem, &up, 1) ? errno : 0;
	case OP_SEM_GETVAL:
		return semctl(t->m->sem, 0, GETVAL) < 0 ? errno : 0;
	default:
		return syscall(SYS_keyctl, KEYCTL_READ, t->m->key, buf, sizeof(buf)) < 0 ? errno : 0;
	}
}

/* A message left in the victim's queue, for msgrcv to find. */
static void leave_message(int msg)
{
	struct {
		long type;
		char text[8];
	} one = {1, "v"};

	VM_CHECK(msgsnd(msg, &one, 2, IPC_NOWAIT) == 0);
}

static void expect_op(int line, const char *cgroup, const struct made *m, enum ipc_op op,
		      uid_t uid, int want)
{
	struct ipc_try t = {m, op, uid};
	int got;

	if (op == OP_MSGRCV)
		leave_message(m->msg);
	got = in_cgroup(cgroup, do_op, &t);
	if (got != want)
		VM_FAIL("line %d: %s as uid %u from %s: %d (%s), expected %d (%s)", line,
			op_names[op], (unsigned)uid, cgroup ? cgroup : "no policy", got,
			got > 0 && got < 200 ? strerror(got) : "-", want,
			want ? strerror(want) : "success");
}

#define OTHERS_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot reach System V IPC objects or keys made by " \
	"another policy's tasks or by tasks under none unless its policy says [system] "          \
	"ipc-others = allow\""

/*
 * Another policy's objects (made in IPC_VICTIM), and the host's (made under no policy): every
 * use refused to the confined task, root and uid 1000, enforce and audit (a protection); a
 * policy with ipc-others = allow and the unconfined control use them; the task's own objects
 * are its own. IPC_RMID is tried last, on the segment of its own round.
 */
VM_TEST(ipc_objects_of_others_are_refused, 189)
{
	long mark;

	ipc_setup();
	mark = event_mark();
	for (int maker = 0; maker < 2; maker++) {
		/* shared with the children that make them, which report the ids there */
		struct made *ids = mmap(NULL, 2 * sizeof(struct made), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		const char *made_in = maker ? NULL : IPC_VICTIM;
		struct made others, own;

		VM_CHECK(ids != MAP_FAILED);
		if (ids == MAP_FAILED)
			return;
		ids[1].in_session = true;
		VM_CHECK(in_cgroup(made_in, do_make, &ids[0]) == 0);
		VM_CHECK(in_cgroup(IPC_CG, do_make, &ids[1]) == 0);
		others = ids[0];
		own = ids[1];
		munmap(ids, 2 * sizeof(struct made));
		printf("#   made %s: shm %d, msg %d, sem %d, key %ld\n",
		       made_in ? made_in : "under no policy", others.shm, others.msg, others.sem,
		       others.key);
		for (int op = 0; op < OP_COUNT; op++) {
			for (int u = 0; u < 2; u++) {
				uid_t uid = u ? USER : 0;

				if (op == OP_SHM_RMID)
					continue; /* below, once */
				expect_op(__LINE__, IPC_CG, &others, op, uid, refused[op]);
				expect_op(__LINE__, IPC_AUDIT, &others, op, uid, refused[op]);
				expect_op(__LINE__, IPC_OPEN, &others, op, uid, 0);
				expect_op(__LINE__, NULL, &others, op, uid, 0);
				if (op != OP_KEY_READ) /* read back where it was made */
					expect_op(__LINE__, IPC_CG, &own, op, uid, 0);
			}
		}
		expect_op(__LINE__, IPC_CG, &others, OP_SHM_RMID, 0, EPERM);
		expect_op(__LINE__, IPC_AUDIT, &others, OP_SHM_RMID, 0, EPERM);
		expect_op(__LINE__, IPC_CG, &own, OP_SHM_RMID, 0, 0);
		expect_op(__LINE__, NULL, &others, OP_SHM_RMID, 0, 0);
		msgctl(others.msg, IPC_RMID, NULL);
		semctl(others.sem, 0, IPC_RMID);
		msgctl(own.msg, IPC_RMID, NULL);
		semctl(own.sem, 0, IPC_RMID);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ipc\"",
			   "\"hook\":\"ipc_permission\"", "\"uid\":1000",
			   "\"path\":\"a System V IPC object made outside the policy\"", OTHERS_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ipc-audit\"",
			   "\"hook\":\"shm_shmctl\"",
			   "\"path\":\"a System V IPC object made outside the policy\"", OTHERS_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ipc\"",
			   "\"hook\":\"key_permission\"", "\"uid\":0",
			   "\"path\":\"a key made outside the policy\"", OTHERS_SOURCE);
	/* (semctl GETVAL is refused at ipc_permission, before sem_semctl) */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ipc\"",
			   "\"hook\":\"shm_shmctl\"", "\"uid\":0",
			   "\"path\":\"a System V IPC object made outside the policy\"");
}

/* ---- the records' budget: LG_OWNED_PER_POLICY objects of one policy at once ---- */

#define IPC_BUDGET "/lgt/ipc-budget"
#define IPC_BUDGET_MAX 8192 /* LG_OWNED_PER_POLICY, bpf_lsm/ipc.bpf.c */

/* Semaphore sets made until one is refused: how many, times 100, plus the refusal's errno
 * (ENOSPC expected); made into ids (IPC_BUDGET_MAX + 1 at most). */
static int do_fill(const void *arg)
{
	int *ids = (int *)arg, made = 0;

	for (; made <= IPC_BUDGET_MAX; made++) {
		ids[made] = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		if (ids[made] < 0)
			return made * 100 + errno;
	}
	return made * 100;
}

static int do_one_sem(const void *arg)
{
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);

	(void)arg;
	if (id < 0)
		return errno;
	semctl(id, 0, IPC_RMID);
	return 0;
}

/*
 * A root service may make 32,000 semaphore sets and a million keys: the records of who made
 * them are limited per policy, so that one service cannot use up the room another's records
 * need (an object with no record is nobody's: refused to every policy). The 8,193rd object of
 * one policy is refused with ENOSPC; another policy, and the host, still make theirs; objects
 * removed give their records back.
 */
VM_TEST(ipc_a_policy_holds_at_most_its_budget_of_objects, 188)
{
	static const char budget_policy[] = "[policy]\nname = ipc-budget\ncgroup = " IPC_BUDGET
					    "\nmode = enforce\n" IPC_RULES;
	int *ids = mmap(NULL, (IPC_BUDGET_MAX + 1) * sizeof(int), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int got, made;

	ipc_setup();
	VM_CHECK(ids != MAP_FAILED);
	if (ids == MAP_FAILED)
		return;
	if (access(POLICY_DIR "/ipc-budget.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/ipc-budget.ini", budget_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	make_cgroup(IPC_BUDGET);
	got = in_cgroup(IPC_BUDGET, do_fill, ids);
	made = got / 100;
	printf("#   made %d semaphore sets, then errno %d\n", made, got % 100);
	if (made != IPC_BUDGET_MAX || got % 100 != ENOSPC)
		VM_FAIL("ipc-budget made %d objects, then errno %d; expected %d, then ENOSPC", made,
			got % 100, IPC_BUDGET_MAX);
	VM_CHECK(in_cgroup(IPC_CG, do_one_sem, NULL) == 0);     /* another policy */
	VM_CHECK(in_cgroup(NULL, do_one_sem, NULL) == 0);       /* the host */
	VM_CHECK(in_cgroup(IPC_BUDGET, do_one_sem, NULL) == ENOSPC);
	for (int i = 0; i < made; i++)
		semctl(ids[i], 0, IPC_RMID);
	/* removed (by the host here): their records are given back once the kernel frees the
	 * sets, after an RCU grace period (sem_rcu_free calls the free hook): within 10 s */
	got = ENOSPC;
	for (int i = 0; i < 100 && got == ENOSPC; i++) {
		got = in_cgroup(IPC_BUDGET, do_one_sem, NULL);
		if (got == ENOSPC)
			usleep(100 * 1000);
	}
	VM_CHECK(got == 0);
	munmap(ids, (IPC_BUDGET_MAX + 1) * sizeof(int));
}

/* ---- keyrings made outside the policy: read-only ---- */

#define KEYCTL_DESCRIBE 6

enum ring_op { RING_DESCRIBE, RING_READ, RING_ADD, RING_CLEAR, RING_SETPERM, RING_TIMEOUT,
	       RING_REVOKE, RING_INVALIDATE, RING_UNLINK_KEY, RING_COUNT };

static const char *const ring_op_names[RING_COUNT] = {
    "keyctl describe", "keyctl read (its list)", "add_key into it", "keyctl clear",
    "keyctl setperm",  "keyctl timeout",	 "keyctl revoke",   "keyctl invalidate",
    "keyctl unlink (a key of it)"};

/* The ones that change the keyring: refused to a confined task. */
static bool ring_op_changes(enum ring_op op)
{
	return op != RING_DESCRIBE && op != RING_READ;
}

struct ring {
	long ring, key;
	enum ring_op op;
	uid_t uid;
};

/* A keyring in the user keyring (made in the caller's cgroup), open to everyone, holding a key
 * open to everyone. */
static int do_ring_make(const void *arg)
{
	struct ring *r = (struct ring *)arg;
	char description[64];

	snprintf(description, sizeof(description), "lgt-ring-%d", (int)getpid());
	r->ring = syscall(SYS_add_key, "keyring", description, NULL, 0, KEY_SPEC_USER_KEYRING);
	if (r->ring < 0)
		return 100 + errno;
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, r->ring, 0x3f3f3f3f))
		return 110 + errno;
	r->key = syscall(SYS_add_key, "user", "lgt-ring-key", "k", 1, r->ring);
	if (r->key < 0)
		return 120 + errno;
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, r->key, 0x3f3f3f3f))
		return 130 + errno;
	return 0;
}

static int do_ring_op(const void *arg)
{
	const struct ring *r = arg;
	char buf[256];
	long ret;

	if (r->uid && (setgid(r->uid) || setuid(r->uid)))
		return 200;
	switch (r->op) {
	case RING_DESCRIBE:
		ret = syscall(SYS_keyctl, KEYCTL_DESCRIBE, r->ring, buf, sizeof(buf));
		break;
	case RING_READ:
		ret = syscall(SYS_keyctl, KEYCTL_READ, r->ring, buf, sizeof(buf));
		break;
	case RING_ADD:
		ret = syscall(SYS_add_key, "user", "lgt-planted", "p", 1, r->ring);
		break;
	case RING_CLEAR:
		ret = syscall(SYS_keyctl, KEYCTL_CLEAR, r->ring);
		break;
	case RING_SETPERM:
		ret = syscall(SYS_keyctl, KEYCTL_SETPERM, r->ring, 0x3f3f3f3f);
		break;
	case RING_TIMEOUT:
		ret = syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, r->ring, 3600);
		break;
	case RING_REVOKE:
		ret = syscall(SYS_keyctl, KEYCTL_REVOKE, r->ring);
		break;
	case RING_INVALIDATE:
		ret = syscall(SYS_keyctl, KEYCTL_INVALIDATE, r->ring);
		break;
	default:
		ret = syscall(SYS_keyctl, KEYCTL_UNLINK, r->key, r->ring);
		break;
	}
	return ret < 0 ? errno : 0;
}

/* add_key of a user key into the user keyring: 0 or errno (the key unlinked again). */
static int do_add_to_user_keyring(const void *unused)
{
	long key = syscall(SYS_add_key, "user", "lgt-planted-u", "p", 1, KEY_SPEC_USER_KEYRING);

	(void)unused;
	if (key < 0)
		return errno;
	syscall(SYS_keyctl, KEYCTL_UNLINK, key, KEY_SPEC_USER_KEYRING);
	return 0;
}

/* A fresh keyring made in maker, then op tried in cgroup as uid; the keyring unlinked after. */
static int ring_try(const char *maker, const char *cgroup, enum ring_op op, uid_t uid)
{
	struct ring *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			      -1, 0);
	int got;

	if (r == MAP_FAILED)
		return 250;
	got = in_cgroup(maker, do_ring_make, r);
	if (got) {
		munmap(r, sizeof(*r));
		return 1000 + got;
	}
	r->op = op;
	r->uid = uid;
	got = in_cgroup(cgroup, do_ring_op, r);
	syscall(SYS_keyctl, KEYCTL_UNLINK, r->ring, KEY_SPEC_USER_KEYRING);
	munmap(r, sizeof(*r));
	return got;
}

/*
 * A keyring made outside the policy (another policy's: ipc-victim; the host's, under no
 * policy) is read-only to a confined task, root and uid 1000, enforce and audit mode (a
 * protection): describing and listing it work as unconfined; adding (planting) a key in it,
 * clearing, setperm, a timeout, revoking, invalidating it (keyctl asks for Search permission
 * only), unlinking a key of it are refused with EPERM. A policy with ipc-others = allow and the
 * unconfined control get the kernel's answers. The user keyring itself is nobody's: a confined
 * add_key into it is refused too.
 */
VM_TEST(ipc_keyrings_of_others_are_read_only, 187)
{
	static const char *const makers[] = {IPC_VICTIM, NULL};
	long mark;

	ipc_setup();
	mark = event_mark();
	for (int m = 0; m < 2; m++) {
		for (int op = 0; op < RING_COUNT; op++) {
			for (int u = 0; u < 2; u++) {
				uid_t uid = u ? USER : 0;
				int free_ = ring_try(makers[m], NULL, op, uid);
				int open = ring_try(makers[m], IPC_OPEN, op, uid);
				int got = ring_try(makers[m], IPC_CG, op, uid);
				int audit = ring_try(makers[m], IPC_AUDIT, op, uid);
				int want = ring_op_changes(op) ? EPERM : free_;

				printf("#   %s's keyring, %s as uid %u: unconfined %d, ipc-others %d, "
				       "confined %d, audit %d\n",
				       makers[m] ? makers[m] : "the host", ring_op_names[op],
				       (unsigned)uid, free_, open, got, audit);
				if (free_ >= 1000 || open != free_)
					VM_FAIL("control: %s as uid %u: unconfined %d, ipc-others %d",
						ring_op_names[op], (unsigned)uid, free_, open);
				if (got != want || audit != want)
					VM_FAIL("%s on %s's keyring as uid %u: confined %d, audit %d, "
						"expected %d",
						ring_op_names[op], makers[m] ? makers[m] : "the host",
						(unsigned)uid, got, audit, want);
			}
		}
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ipc\"",
			   "\"hook\":\"key_permission\"", "\"uid\":1000",
			   "\"path\":\"a change to a keyring made outside the policy\"",
			   OTHERS_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"ipc-audit\"",
			   "\"hook\":\"key_permission\"", "\"uid\":0",
			   "\"path\":\"a change to a keyring made outside the policy\"",
			   OTHERS_SOURCE);
	/* the user keyring: nobody's (the ipc-others policy and the host add to it) */
	VM_CHECK(in_cgroup(IPC_CG, do_add_to_user_keyring, NULL) == EPERM);
	VM_CHECK(in_cgroup(IPC_AUDIT, do_add_to_user_keyring, NULL) == EPERM);
	VM_CHECK(in_cgroup(IPC_OPEN, do_add_to_user_keyring, NULL) == 0);
	VM_CHECK(in_cgroup(NULL, do_add_to_user_keyring, NULL) == 0);
}
