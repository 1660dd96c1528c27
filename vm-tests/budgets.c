// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host-wide kernel budgets that the kernel gives to whoever asks first (attack run 6's
 * 262): ptys (kernel.pty.max), AIO events (fs.aio-max-nr), the IPC namespace's System V
 * objects (kernel.shmmni, msgmni, semmni) and POSIX message queues (fs.mqueue.queues_max). A
 * confined service holding all of one leaves an administrator's ssh login without a terminal,
 * every other process's io_setup failing, PostgreSQL without its segment. A confined task
 * keeps the host's share free (built-in "host budget", a protection: audit mode too), as root
 * and as uid 1000; the host's own tasks still get theirs. The cases set each limit to the
 * host's use plus a few, so that a few objects reach it, and put it back.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define BUDGET "/lgt/budget"
#define BUDGET_AUDIT "/lgt/budget-audit"
#define USER 1000
#define PTS_BIND "/tmp/budget-pts"  /* the host's devpts mounted a second time */
#define PTMX_ALIAS PTS_BIND "/ptmx" /* its ptmx (5:2) under another name */
#define MQ_DIR "/run/budget-mqueue" /* the mqueue filesystem, to count the queues */
#define AIO_EVENTS 300		    /* each io_setup's nr_events */
#define HOLD_MAX 16

#define BUDGET_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char budget_policy[] =
    "[policy]\nname = budget\ncgroup = " BUDGET "\nmode = enforce\n" BUDGET_RULES;
static const char budget_audit_policy[] =
    "[policy]\nname = budget-audit\ncgroup = " BUDGET_AUDIT "\nmode = audit\n" BUDGET_RULES;

static void budget_setup(void)
{
	if (access(POLICY_DIR "/budget.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/budget.ini", budget_policy, 0644);
	write_file(POLICY_DIR "/budget-audit.ini", budget_audit_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

/*
 * One kind of object: make(i, uid) makes the i-th (0, or the errno; what must be removed
 * afterwards goes in *id), remove(id, i, uid) removes one that outlives its maker (System V
 * objects, message queues: the case removes them, under no policy), NULL when the holder's
 * exit frees it (a pty's descriptor, an AIO context).
 */
struct budget_kind {
	const char *name;
	int (*make)(int i, uid_t uid, int *id);
	void (*remove)(int id, int i, uid_t uid);
	bool per_user; /* the budget is each user's (keys): uid 1000's alone is tried */
	void (*settle)(void); /* until what a holder made is freed (NULL: at once) */
};

/* What a holder did, in memory it shares with the case (MAP_SHARED before the fork). */
struct holder {
	const struct budget_kind *kind;
	uid_t uid;
	int want;	   /* objects to try */
	int done;	   /* how many were made before the first failure */
	int err;	   /* the first failure's errno (0: none) */
	volatile int held; /* set when it holds them; the case sets release */
	volatile int release;
	int ids[HOLD_MAX];
};

/* Make want objects (or until the first failure) and hold them until released. */
static int hold_objects(const void *arg)
{
	struct holder *h = (struct holder *)arg;
	int ret;

	/* a case killed at its time limit takes its holder with it (review 15) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	ret = become(h->uid);
	if (ret)
		return ret;
	for (int i = 0; i < h->want && i < HOLD_MAX; i++) {
		h->err = h->kind->make(i, h->uid, &h->ids[i]);
		if (h->err)
			break;
		h->done++;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

/* One more object made, and removed again, as uid *arg: 0 or the errno. */
struct one_more {
	const struct budget_kind *kind;
	uid_t uid;
};

static int make_one_more(const void *arg)
{
	const struct one_more *m = arg;
	int id = -1, ret = become(m->uid);

	if (ret)
		return ret;
	ret = m->kind->make(HOLD_MAX, m->uid, &id);
	if (!ret && m->kind->remove)
		m->kind->remove(id, HOLD_MAX, m->uid);
	return ret;
}

/*
 * A holder of want objects of kind in cgroup (NULL: under no policy) as uid: it must make
 * exactly expected, then fail with expected_errno (0: no failure); meanwhile the host's root
 * and uid 1000 each make one, and (confined) another task of the policy makes none; after it
 * lets them go, a task of the policy makes one again.
 */
static void hold_and_check(const struct budget_kind *kind, const char *cgroup, uid_t uid,
			   int want, int expected, int expected_errno)
{
	struct holder *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct one_more host_root = {kind, 0}, host_user = {kind, USER};
	struct one_more other = {kind, kind->per_user ? uid : USER - uid};
	struct in_cgroup_thread t;
	int again;

	if (h == MAP_FAILED) {
		VM_FAIL("mmap: %s", strerror(errno));
		return;
	}
	memset(h, 0, sizeof(*h));
	*h = (struct holder){.kind = kind, .uid = uid, .want = want};
	VM_CHECK(in_cgroup_start(&t, cgroup, hold_objects, h));
	for (int i = 0; i < 500 && !h->held; i++) /* 5 s at most */
		usleep(10 * 1000);
	VM_CHECK(h->held);
	if (h->done != expected || h->err != expected_errno)
		VM_FAIL("%s as uid %u: %d %s made, then errno %d (expected %d, then %d)",
			cgroup ? cgroup : "unconfined", (unsigned)uid, h->done, kind->name, h->err,
			expected, expected_errno);
	if (cgroup) {
		VM_CHECK(in_cgroup(NULL, make_one_more, &host_root) == 0);
		VM_CHECK(in_cgroup(NULL, make_one_more, &host_user) == 0);
		VM_CHECK(in_cgroup(cgroup, make_one_more, &other) == expected_errno);
	}
	h->release = 1;
	VM_CHECK(in_cgroup_join(&t) == 0);
	for (int i = 0; kind->remove && i < h->done; i++)
		kind->remove(h->ids[i], i, uid);
	if (kind->settle)
		kind->settle();
	/* what the kernel frees after the holder's exit (keys: the garbage collector) may take
	 * a moment: 5 s at most */
	for (int i = 0; cgroup && i < 50; i++) {
		again = in_cgroup(cgroup, make_one_more, &other);
		if (again != expected_errno)
			break;
		usleep(100 * 1000);
	}
	if (cgroup && again)
		VM_FAIL("%s as uid %u, after the holder let go: errno %d", cgroup,
			(unsigned)other.uid, again);
	if (kind->settle) /* the one more task's object too, before the next holder */
		kind->settle();
	munmap(h, sizeof(*h));
}

/* The control (unconfined root, or uid 1000 where root passes the kernel's own limit) takes
 * control objects; then in both policies, as root and as uid 1000, exactly share, then errno. */
static void check_budget(const struct budget_kind *kind, uid_t control_uid, int control,
			 int share, int errno_past)
{
	hold_and_check(kind, NULL, control_uid, control, control, 0);
	for (int mode = 0; mode < 2; mode++)
		for (uid_t uid = kind->per_user ? USER : 0; uid <= USER; uid += USER)
			hold_and_check(kind, mode ? BUDGET_AUDIT : BUDGET, uid, control, share,
				       errno_past);
}

/* The deny events of a kind: enforce as root and as uid 1000, audit mode (as deny: a
 * protection), none marked audit. */
static void expect_budget_events(long mark, const char *hook, const char *path)
{
	char hook_field[96], path_field[192];

	snprintf(hook_field, sizeof(hook_field), "\"hook\":\"%s\"", hook);
	snprintf(path_field, sizeof(path_field), "\"path\":\"%s\"", path);
	if (strcmp(hook, "key_alloc") != 0) /* keys: uid 1000's budget alone */
		EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
				   hook_field, path_field, BUDGET_SOURCE, "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"", hook_field,
			   path_field, BUDGET_SOURCE, "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget-audit\"", hook_field,
			   path_field, BUDGET_SOURCE);
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}

/* ---- ptys ---- */

/* /dev/pts/ptmx, the bind mount's ptmx and /dev/ptmx (devpts mounted with ptmxmode=0666),
 * then the bind mount's again, the one past the share; the one more task's open: /dev/ptmx */
static int make_pty(int i, uid_t uid, int *id)
{
	static const char *const names[] = {"/dev/pts/ptmx", PTMX_ALIAS, "/dev/ptmx", PTMX_ALIAS};
	int fd = open(i == HOLD_MAX ? "/dev/ptmx" : names[i % 4], O_RDWR | O_NOCTTY | O_CLOEXEC);

	(void)uid;
	if (fd < 0)
		return errno;
	*id = fd; /* closed by the holder's exit */
	if (i == HOLD_MAX)
		close(fd);
	return 0;
}

static const struct budget_kind pty_kind = {"ptys", make_pty, NULL};

/*
 * kernel.pty.max set to the ptys there are plus kernel.pty.reserve plus 4: a confined task gets
 * 3 (what a container's devpts would give: the 4th would reach pty.max less the reserve),
 * under each name, and the next open fails with ENOSPC (the kernel's own answer past its
 * limit). Control: an unconfined task opens 6, past the confined share.
 */
VM_TEST(budgets_ptys_keep_the_hosts_reserve, 229)
{
	long max = read_number("/proc/sys/kernel/pty/max");
	long reserve = read_number("/proc/sys/kernel/pty/reserve");
	long in_use = read_number("/proc/sys/kernel/pty/nr");
	long mark;

	budget_setup();
	VM_CHECK(max > 0 && reserve > 0 && in_use >= 0);
	/* ptmx_open finds its devpts instance beside the node (/dev/pts for /dev/ptmx), or is
	 * one of its nodes: the test VM's /dev has none until a case mounts it */
	if (access("/dev/pts/ptmx", F_OK) != 0)
		VM_CHECK(system("mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666,mode=0620 "
				"devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx") == 0);
	mkdir(PTS_BIND, 0755);
	VM_CHECK(mount("/dev/pts", PTS_BIND, NULL, MS_BIND, NULL) == 0);
	write_number("/proc/sys/kernel/pty/max", in_use + reserve + 4);
	mark = event_mark();
	check_budget(&pty_kind, 0, 6, 3, ENOSPC);
	write_number("/proc/sys/kernel/pty/max", max);
	umount(PTS_BIND);
	/* the holder's 4th open is the bind mount's node: reported at the devpts mount the
	 * daemon knows; the other task's is /dev/ptmx */
	expect_budget_events(mark, "file_open", "/dev/pts/ptmx");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"file_open\"", "\"path\":\"/dev/ptmx\"", BUDGET_SOURCE,
			   "\"uid\":1000");
}

/* ---- AIO events ---- */

static int make_aio(int i, uid_t uid, int *id)
{
	aio_context_t ctx = 0;

	(void)uid;
	(void)id;
	if (syscall(SYS_io_setup, AIO_EVENTS, &ctx))
		return errno;
	if (i == HOLD_MAX)
		syscall(SYS_io_destroy, ctx);
	return 0; /* the holder's exit destroys the others */
}

static const struct budget_kind aio_kind = {"io_setup calls", make_aio, NULL};

/*
 * fs.aio-max-nr set to what the host uses plus 1,000: a confined task's io_setup of 300 events
 * passes twice (600 of the 750 it may take), the third fails with ENOMEM (its ring's mapping
 * refused: aio_setup_ring's answer); the host's own io_setup passes meanwhile (900 of 1,000).
 * Control: unconfined, three.
 */
VM_TEST(budgets_aio_events_keep_a_quarter_for_the_host, 229)
{
	long max = read_number("/proc/sys/fs/aio-max-nr");
	long in_use = read_number("/proc/sys/fs/aio-nr");
	long mark;

	budget_setup();
	VM_CHECK(max > 0 && in_use >= 0);
	write_number("/proc/sys/fs/aio-max-nr", in_use + 1000);
	mark = event_mark();
	check_budget(&aio_kind, 0, 3, 2, ENOMEM);
	write_number("/proc/sys/fs/aio-max-nr", max);
	expect_budget_events(mark, "mmap_addr",
			     "the host's AIO events (fs.aio-max-nr): io_setup past three quarters "
			     "of them");
}

/* ---- System V objects ---- */

static int make_shm(int i, uid_t uid, int *id)
{
	(void)i;
	(void)uid;
	return (*id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) < 0 ? errno : 0;
}

static int make_msg(int i, uid_t uid, int *id)
{
	(void)i;
	(void)uid;
	return (*id = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) < 0 ? errno : 0;
}

static int make_sem(int i, uid_t uid, int *id)
{
	(void)i;
	(void)uid;
	return (*id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600)) < 0 ? errno : 0;
}

static void remove_shm(int id, int i, uid_t uid)
{
	(void)i;
	(void)uid;
	shmctl(id, IPC_RMID, NULL);
}

static void remove_msg(int id, int i, uid_t uid)
{
	(void)i;
	(void)uid;
	msgctl(id, IPC_RMID, NULL);
}

static void remove_sem(int id, int i, uid_t uid)
{
	(void)i;
	(void)uid;
	semctl(id, 0, IPC_RMID);
}

static const struct sysv_kind {
	struct budget_kind kind;
	const char *limit_file, *list, *hook, *what;
} sysv_kinds[] = {
    {{"shared memory segments", make_shm, remove_shm}, "/proc/sys/kernel/shmmni",
     "/proc/sysvipc/shm", "shm_alloc_security",
     "the IPC namespace's shared memory segments (kernel.shmmni): past three quarters of them"},
    {{"message queues", make_msg, remove_msg}, "/proc/sys/kernel/msgmni", "/proc/sysvipc/msg",
     "msg_queue_alloc_security",
     "the IPC namespace's message queues (kernel.msgmni): past three quarters of them"},
    {{"semaphore sets", make_sem, remove_sem}, "/proc/sys/kernel/sem", "/proc/sysvipc/sem",
     "sem_alloc_security",
     "the IPC namespace's semaphore sets (kernel.sem's semmni): past three quarters of them"},
};

/* The objects of a kind in the caller's IPC namespace (/proc/sysvipc's lines past the header). */
static int lines_after_the_first(const char *file)
{
	char line[512];
	int n = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* Set a kind's limit (kernel.sem: its fourth number, semmni); the old one, or -1. */
static long sysv_set_limit(const struct sysv_kind *k, long limit)
{
	long sem[4], old;
	char text[96];
	FILE *f;

	if (strcmp(k->limit_file, "/proc/sys/kernel/sem") != 0) {
		old = read_number(k->limit_file);
		write_number(k->limit_file, limit);
		return old;
	}
	f = fopen(k->limit_file, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld %ld %ld", &sem[0], &sem[1], &sem[2], &sem[3]) != 4)
		sem[3] = -1;
	fclose(f);
	old = sem[3];
	snprintf(text, sizeof(text), "%ld %ld %ld %ld", sem[0], sem[1], sem[2], limit);
	if (old > 0)
		write_into(k->limit_file, text);
	return old;
}

/*
 * Each kind's limit set to what the namespace holds plus 8: a confined task makes objects
 * until the count reaches three quarters of the limit, the next fails with ENOSPC (what the
 * kernel answers past its limit). Control: an unconfined task makes 8.
 */
VM_TEST(budgets_system_v_objects_keep_a_quarter_for_the_host, 229)
{
	budget_setup();
	for (size_t i = 0; i < sizeof(sysv_kinds) / sizeof(sysv_kinds[0]); i++) {
		const struct sysv_kind *k = &sysv_kinds[i];
		int in_use = lines_after_the_first(k->list), limit = in_use + 8;
		long mark = event_mark(), old;

		VM_CHECK(in_use >= 0);
		old = sysv_set_limit(k, limit);
		VM_CHECK(old > 0);
		check_budget(&k->kind, 0, 8, limit - limit / 4 - in_use, ENOSPC);
		sysv_set_limit(k, old);
		expect_budget_events(mark, k->hook, k->what);
	}
}

/* ---- POSIX message queues ---- */

/* The entries of a directory (the mqueue filesystem: its queues); -1 when it cannot be read. */
static int entries_of(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
	closedir(dir);
	return n;
}

static void mq_name(char *name, size_t size, int i, uid_t uid)
{
	snprintf(name, size, "/budget-mq-%u-%d", (unsigned)uid, i);
}

/* A new queue name of maxmsg messages of msgsize bytes (unlinked at once when unlink_it: held
 * by its descriptor alone); 0 with the descriptor in *id, or the errno. */
static int mq_make(const char *name, long maxmsg, long msgsize, bool unlink_it, int *id)
{
	struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);

	if (q == (mqd_t)-1)
		return errno;
	if (unlink_it)
		mq_unlink(name);
	*id = (int)q;
	return 0;
}

static int make_mq(int i, uid_t uid, int *id)
{
	char name[64];

	mq_name(name, sizeof(name), i, uid);
	return mq_make(name, 1, 8, false, id);
}

static void remove_mq(int id, int i, uid_t uid)
{
	char name[64];

	(void)id;
	mq_name(name, sizeof(name), i, uid);
	mq_unlink(name);
}

static const struct budget_kind mq_kind = {"message queues", make_mq, remove_mq};

/*
 * fs.mqueue.queues_max set to the queues there are plus 8: a confined task (root, and uid
 * 1000) makes queues until three quarters of it, then mq_open(O_CREAT) fails with ENOSPC.
 * Control: unconfined uid 1000 (root passes the kernel's own limit with CAP_SYS_RESOURCE),
 * 8.
 */
VM_TEST(budgets_posix_message_queues_keep_a_quarter_for_the_host, 229)
{
	long old = read_number("/proc/sys/fs/mqueue/queues_max");
	int in_use, limit;
	long mark;

	budget_setup();
	mkdir(MQ_DIR, 0755);
	if (mount("mqueue", MQ_DIR, "mqueue", 0, NULL) && errno != EBUSY)
		VM_FAIL("mount mqueue: %s", strerror(errno));
	in_use = entries_of(MQ_DIR);
	VM_CHECK(old > 0 && in_use >= 0);
	limit = in_use + 8;
	write_number("/proc/sys/fs/mqueue/queues_max", limit);
	mark = event_mark();
	check_budget(&mq_kind, USER, 8, limit - limit / 4 - in_use, ENOSPC);
	write_number("/proc/sys/fs/mqueue/queues_max", old);
	umount(MQ_DIR);
	expect_budget_events(mark, "inode_create",
			     "the IPC namespace's POSIX message queues (fs.mqueue.queues_max): past "
			     "three quarters of them");
}

/* ---- a user's POSIX message queue bytes (RLIMIT_MSGQUEUE) ---- */

/*
 * Queues of 10 messages of 8,192 bytes: 82,880 bytes charged each (81,920, and a struct
 * msg_msg and a priority tree node a message, 48 bytes each on 6.1), against 819,200
 * (RLIMIT_MSGQUEUE's default): 9 fit the user's limit, 7 its three quarters (614,400). The
 * kernel charges the maker's user's count, shared by every process of the user.
 */
#define MQB_MAXMSG 10
#define MQB_MSGSIZE 8192
#define MQB_FIT 9   /* within RLIMIT_MSGQUEUE */
#define MQB_SHARE 7 /* within three quarters of it */

static void mqb_name(char *name, size_t size, int i, uid_t uid)
{
	snprintf(name, size, "/budget-mqb-%u-%d-%d", (unsigned)uid, (int)getpid(), i);
}

/* mq_open with attr, unlinked at once: held by its descriptor, freed at the holder's exit */
static int make_mq_bytes(int i, uid_t uid, int *id)
{
	char name[64];

	mqb_name(name, sizeof(name), i, uid);
	return mq_make(name, MQB_MAXMSG, MQB_MSGSIZE, true, id);
}

/* open(O_CREAT) in a mount of the mqueue filesystem: the namespace's defaults (10 x 8,192) */
static int make_mq_file(int i, uid_t uid, int *id)
{
	char name[96];
	int fd;

	snprintf(name, sizeof(name), MQ_DIR "/budget-mqf-%u-%d-%d", (unsigned)uid, (int)getpid(),
		 i);
	fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	unlink(name);
	*id = fd;
	return 0;
}

static const struct budget_kind mq_bytes_kind = {"queues of 81,920 bytes", make_mq_bytes, NULL,
						 true};
static const struct budget_kind mq_file_kind = {"queues made by open(O_CREAT)", make_mq_file,
						NULL, true};

static const char mq_bytes_what[] =
    "its user's POSIX message queue bytes (RLIMIT_MSGQUEUE): past three quarters of them";

/*
 * A confined task (uid 1000 and root, enforce and audit) makes queues of 82,880 bytes until
 * its user's bytes would pass three quarters of RLIMIT_MSGQUEUE: 7, then EMFILE, by mq_open
 * and by open(O_CREAT) in an mqueue mount (the namespace's default sizes); meanwhile the host's
 * root and uid 1000 each make one (attack run 13's 383: the control takes 9, and the user's
 * other processes get EMFILE). Control: unconfined uid 1000, 9.
 */
VM_TEST(budgets_mqueue_bytes_keep_a_quarter_for_the_user, 229)
{
	long mark;

	budget_setup();
	VM_TIMEOUT(240);
	VM_CHECK(read_number("/proc/sys/fs/mqueue/msg_default") == MQB_MAXMSG);
	VM_CHECK(read_number("/proc/sys/fs/mqueue/msgsize_default") == MQB_MSGSIZE);
	mkdir(MQ_DIR, 0755);
	if (mount("mqueue", MQ_DIR, "mqueue", 0, NULL) && errno != EBUSY)
		VM_FAIL("mount mqueue: %s", strerror(errno));
	mark = event_mark();
	check_budget(&mq_bytes_kind, USER, MQB_FIT, MQB_SHARE, EMFILE);
	for (int mode = 0; mode < 2; mode++)
		hold_and_check(&mq_bytes_kind, mode ? BUDGET_AUDIT : BUDGET, 0, MQB_FIT, MQB_SHARE,
			       EMFILE);
	hold_and_check(&mq_file_kind, BUDGET, USER, MQB_FIT, MQB_SHARE, EMFILE);
	hold_and_check(&mq_file_kind, BUDGET, 0, MQB_FIT, MQB_SHARE, EMFILE);
	umount(MQ_DIR);
	expect_budget_events(mark, "inode_create", mq_bytes_what);
	VM_CHECK(reservations_back_at_zero(1u << 2));
}

/*
 * Racing makers of one per-user budget (queue bytes, descriptors in flight): racers processes
 * in cgroup each make one object at the same moment, hold it until released; rounds rounds,
 * then one unconfined (the control). One object each: make() returns 0 or the errno; setup()
 * runs in the racer as root before it becomes uid 1000 (NULL: none).
 */
struct user_race {
	volatile int ready, go, release;
	int made, refused, other, other_err;
	int refusal; /* the errno past the share */
	int (*make)(void);
	int (*setup)(void);
};

static int user_race_one(const void *arg)
{
	struct user_race *r = (struct user_race *)arg;
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if (r->setup && (ret = r->setup()))
		return ret;
	if ((ret = become(USER)))
		return ret;
	__atomic_add_fetch(&r->ready, 1, __ATOMIC_SEQ_CST);
	while (!r->go)
		;
	ret = r->make();
	if (!ret) {
		__atomic_add_fetch(&r->made, 1, __ATOMIC_SEQ_CST);
	} else if (ret == r->refusal) {
		__atomic_add_fetch(&r->refused, 1, __ATOMIC_SEQ_CST);
	} else {
		r->other_err = ret;
		__atomic_add_fetch(&r->other, 1, __ATOMIC_SEQ_CST);
	}
	while (!r->release)
		usleep(1000);
	return 0;
}

/* The rounds: confined, at most share made in each (the host's uid 1000 makes one of kind
 * meanwhile), and the share reached in some (the racers really raced for it); the control at
 * least fit; every reservation given back after. */
static void user_race_case(struct user_race *proto, const struct budget_kind *kind, int racers,
			   int rounds, int share, int fit)
{
	struct user_race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct one_more host_user = {kind, USER};
	struct in_cgroup_thread t[16];
	int worst = 0, control = 0;

	VM_CHECK(r != MAP_FAILED && racers <= 16);
	if (r == MAP_FAILED || racers > 16)
		return;
	for (int round = 0; round <= rounds; round++) {
		const char *cgroup = round == rounds ? NULL : BUDGET; /* last: control */
		int probe;

		*r = *proto;
		for (int i = 0; i < racers; i++)
			VM_CHECK(in_cgroup_start(&t[i], cgroup, user_race_one, r));
		for (int i = 0; i < 5000 && r->ready < racers; i++)
			usleep(1000);
		r->go = 1;
		for (int i = 0; i < 5000 && r->made + r->refused + r->other < racers; i++)
			usleep(1000);
		probe = cgroup ? in_cgroup(NULL, make_one_more, &host_user) : 0;
		if (r->other)
			VM_FAIL("round %d: %d racers failed otherwise (errno %d)", round, r->other,
				r->other_err);
		if (!cgroup) {
			control = r->made;
		} else {
			if (r->made > worst)
				worst = r->made;
			if (r->made > share || probe)
				VM_FAIL("round %d: %d racing confined %s made (share %d); the host's "
					"uid 1000's: %d",
					round, r->made, kind->name, share, probe);
		}
		r->release = 1;
		for (int i = 0; i < racers; i++)
			VM_CHECK(in_cgroup_join(&t[i]) == 0);
	}
	printf("#   %d rounds of %d racers: at most %d made confined; unconfined %d\n", rounds,
	       racers, worst, control);
	VM_CHECK(worst == share);
	VM_CHECK(control >= fit);
	VM_CHECK(reservations_back_at_zero(~0u));
	munmap(r, sizeof(*r));
}

/* an IPC namespace of its own (as root, before it becomes uid 1000): mq_open holds its
 * namespace's mqueue directory lock from the check to the charge, so racers in one namespace
 * are serialised by the kernel; the user's count is shared by all of them */
static int mqb_race_setup(void)
{
	return unshare(CLONE_NEWIPC) ? 2000 + errno : 0;
}

static int mqb_race_make(void)
{
	char name[64];
	int q;

	mqb_name(name, sizeof(name), 0, USER);
	return mq_make(name, MQB_MAXMSG, MQB_MSGSIZE, true, &q);
}

/*
 * 12 confined processes of uid 1000, each in an IPC namespace of its own, each mq_open a queue
 * of 82,880 bytes at once, 20 rounds (each alone within the share; 7 fit it): the kernel
 * charges a queue after inode_create, under its namespace's mqueue directory lock only, so
 * without the reservation racers in different namespaces would each be checked without the
 * others' bytes. At most 7 pass in every round, and the host's uid 1000 makes a queue
 * meanwhile. Control: unconfined, 9 (the kernel's limit). Mutation (the others' reservations
 * not counted): more than 7 (a racers' round in one namespace passed it: the kernel's lock
 * serialises them).
 */
VM_TEST(budgets_mqueue_bytes_racing_makers_keep_the_quarter, 229)
{
	struct user_race proto = {.refusal = EMFILE, .make = mqb_race_make,
				  .setup = mqb_race_setup};

	budget_setup();
	VM_TIMEOUT(300);
	user_race_case(&proto, &mq_bytes_kind, 12, 20, MQB_SHARE, MQB_FIT);
}

/* ---- a user's descriptors in flight over unix sockets ---- */

/*
 * Messages of 250 descriptors (of /dev/null) on a socket pair of the process's own, never
 * received: the kernel counts each descriptor against the sender's user until it is received,
 * and refuses an SCM_RIGHTS send once the count is past the sender's RLIMIT_NOFILE (1,024:
 * checked before the message is added, so 5 messages fit); three quarters of 1,024 is 768,
 * which 3 fit. The holder's exit closes the pair and frees them.
 */
#define FDS_EACH 250
#define FDS_FIT 5
#define FDS_SHARE 3

/* one message of 250 on the process's own pair (made at its first message) */
static int make_fds(int i, uid_t uid, int *id)
{
	static int sv[2] = {-1, -1}, fd = -1;

	(void)i;
	(void)uid;
	if (sv[0] < 0 && socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return 1000 + errno;
	if (fd < 0 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		return 1000 + errno;
	*id = sv[0];
	return send_fds(sv[0], fd, FDS_EACH);
}

static const struct budget_kind fds_kind = {"messages of 250 descriptors in flight", make_fds,
					    NULL, true};

/*
 * A confined task (uid 1000 and root, enforce and audit) keeps messages of 250 descriptors in
 * flight until its user's count would pass three quarters of 1,024: 3, then ETOOMANYREFS;
 * meanwhile the host's root and uid 1000 each pass 250 (attack run 13's 391: the control keeps
 * 1,250, and the user's other processes cannot pass one). Control: unconfined uid 1000, 5.
 */
VM_TEST(budgets_descriptors_in_flight_keep_a_quarter_for_the_user, 229)
{
	long mark;

	budget_setup();
	VM_TIMEOUT(240);
	mark = event_mark();
	check_budget(&fds_kind, USER, FDS_FIT, FDS_SHARE, ETOOMANYREFS);
	for (int mode = 0; mode < 2; mode++)
		hold_and_check(&fds_kind, mode ? BUDGET_AUDIT : BUDGET, 0, FDS_FIT, FDS_SHARE,
			       ETOOMANYREFS);
	expect_budget_events(mark, "socket_sendmsg",
			     "its user's descriptors in flight over unix sockets (RLIMIT_NOFILE): "
			     "past three quarters of them");
	VM_CHECK(reservations_back_at_zero(1u << 3));
}

/* A sender that stays alive while the case looks at the reservations (stage by stage). */
struct fds_stages {
	volatile int stage, seen; /* the sender's stage; the case's acknowledgement */
	int err[4];
};

static void fds_stage_done(struct fds_stages *st, int stage)
{
	st->stage = stage;
	while (st->seen < stage)
		usleep(1000);
}

static int fds_stages_sender(const void *arg)
{
	struct fds_stages *st = (struct fds_stages *)arg;
	int seq, sv[2], id, fd = open("/dev/null", O_RDONLY | O_CLOEXEC), ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	if ((ret = become(USER)))
		return ret;
	/* 1: a seqpacket socket never connected: ENOTCONN before the dgram send */
	seq = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	st->err[0] = seq < 0 ? 1000 + errno : send_fds(seq, fd, FDS_EACH);
	fds_stage_done(st, 1);
	/* 2: a stream pair: sent (the stream fexit) */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		st->err[1] = 1000 + errno;
	else
		st->err[1] = send_fds(sv[0], fd, FDS_EACH);
	fds_stage_done(st, 2);
	/* 3: datagrams until refused (the stream's 250 count already): past the share */
	for (int i = 0; i < FDS_FIT && !(st->err[2] = make_fds(i, USER, &id)); i++)
		;
	fds_stage_done(st, 3);
	return 0;
}

/*
 * Every descriptors reservation is given back while its sender lives, whatever became of the
 * send (review 54): an unconnected seqpacket socket's send (ENOTCONN, no dgram send), a stream
 * send, a send refused past the share (ETOOMANYREFS): after each, no reservation of the kind is
 * held or counted.
 */
VM_TEST(budgets_descriptors_in_flight_reservations_end_with_the_send, 229)
{
	struct fds_stages *st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static const int expected[3] = {ENOTCONN, 0, ETOOMANYREFS};
	struct in_cgroup_thread t;

	budget_setup();
	VM_TIMEOUT(60);
	VM_CHECK(st != MAP_FAILED);
	if (st == MAP_FAILED)
		return;
	memset(st, 0, sizeof(*st));
	VM_CHECK(in_cgroup_start(&t, BUDGET, fds_stages_sender, st));
	for (int stage = 1; stage <= 3; stage++) {
		struct reserve_total kinds[RESERVE_KINDS];

		for (int i = 0; i < 5000 && st->stage < stage; i++)
			usleep(1000);
		VM_CHECK(st->stage == stage);
		VM_CHECK(reserve_totals(kinds));
		printf("#   stage %d: errno %d; descriptors reserved %lld, %lld entries, %lld owned\n",
		       stage, st->err[stage - 1], kinds[3].reserved, kinds[3].held, kinds[3].owned);
		VM_CHECK(st->err[stage - 1] == expected[stage - 1]);
		VM_CHECK(kinds[3].reserved == 0 && kinds[3].held == 0 && kinds[3].owned == 0);
		st->seen = stage;
	}
	VM_CHECK(in_cgroup_join(&t) == 0);
	munmap(st, sizeof(*st));
}

static int fds_race_make(void)
{
	int id;

	return make_fds(0, USER, &id);
}

/*
 * 8 confined processes of uid 1000 each send a message of 250 descriptors at once, 20 rounds
 * (3 fit the share): the kernel counts them as it queues the message, after the hook, so
 * without the reservation each would be checked without the others'. At most 3 pass in every
 * round, and the host's uid 1000 passes 250 meanwhile. Control: unconfined, at least the 5 the
 * kernel's limit lets pass one after another (it checks before it counts: racers may pass more).
 */
VM_TEST(budgets_descriptors_in_flight_racing_senders_keep_the_quarter, 229)
{
	struct user_race proto = {.refusal = ETOOMANYREFS, .make = fds_race_make};

	budget_setup();
	VM_TIMEOUT(300);
	user_race_case(&proto, &fds_kind, 8, 20, FDS_SHARE, FDS_FIT);
}

/* ---- a user's key quota ---- */

#define KEY_PAYLOAD 4000
#define KEYCTL_JOIN_SESSION_KEYRING_ 1
#define KEY_SPEC_SESSION_KEYRING_ (-3)

/* A 4,000-byte "user" key in a session keyring of the task's own (joined at the first, and by
 * the one more task, whose inherited session is root's). */
static int make_key(int i, uid_t uid, int *id)
{
	static char payload[KEY_PAYLOAD];
	char desc[32];
	long serial;

	/* a process's first session keyring is counted too (KEY_ALLOC_QUOTA_OVERRUN, attack
	 * run 13): past the share the join is refused, with the budget's EDQUOT */
	if ((i == 0 || i == HOLD_MAX) && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING_, 0) < 0)
		return errno == EDQUOT ? EDQUOT : 1000 + errno;
	memset(payload, 'k', sizeof(payload));
	snprintf(desc, sizeof(desc), "budget-key-%u-%d", (unsigned)uid, i);
	serial = syscall(SYS_add_key, "user", desc, payload, sizeof(payload),
			 KEY_SPEC_SESSION_KEYRING_);
	if (serial < 0)
		return errno;
	*id = (int)serial; /* the session's end frees it */
	return 0;
}

/* The key collector frees a session's keys a moment after it ends: until uid 1000 holds none
 * of 4,000 bytes (5 s at most). */
static void keys_settle(void)
{
	unsigned keys, bytes;

	for (int i = 0; i < 50; i++) {
		if (!user_key_charge(USER, &keys, &bytes) || bytes < KEY_PAYLOAD)
			return;
		usleep(100 * 1000);
	}
	VM_FAIL("uid 1000 still charged %u bytes for %u keys 5 s after the holder's end", bytes,
		keys);
}

static const struct budget_kind key_kind = {"keys", make_key, NULL, true, keys_settle};

/*
 * uid 1000's key quota (kernel.keys.maxbytes 20,000): a confined task of uid 1000 makes three
 * 4,000-byte keys (about 12,000 bytes with their descriptions), the fourth, past 15,000, fails
 * with EDQUOT (the kernel's answer past a quota); meanwhile uid 1000's own processes outside
 * every policy still make theirs (a login's session keyring and a key). Control: an unconfined
 * task of uid 1000 makes four (about 16,000). Root's quota is decided as CAP_SYS_RESOURCE
 * (attack run 10's a10_root_user_key_quota), not here.
 */
VM_TEST(budgets_user_key_quota_keeps_a_quarter_for_the_user, 229)
{
	long mark;

	budget_setup();
	mark = event_mark();
	check_budget(&key_kind, USER, 4, 3, EDQUOT);
	expect_budget_events(mark, "key_alloc",
			     "its user's key quota (kernel.keys.maxkeys, maxbytes): past three "
			     "quarters of it");
}

/* ---- AIO: two io_setup calls racing ---- */

#define AIO_RACE_ROUNDS 200
#define AIO_RACE_EVENTS 500

struct aio_race {
	volatile int ready, go, release;
	int made[2]; /* 1: its io_setup passed */
	int err[2];
};

struct aio_racer {
	struct aio_race *race;
	int which;
};

/* Wait for the go, io_setup of 500 events, hold the context until released. */
static int aio_race_one(const void *arg)
{
	const struct aio_racer *me = arg;
	struct aio_race *r = me->race;
	aio_context_t ctx = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return 1000 + errno;
	__atomic_add_fetch(&r->ready, 1, __ATOMIC_SEQ_CST);
	while (!r->go)
		;
	if (syscall(SYS_io_setup, AIO_RACE_EVENTS, &ctx) == 0)
		r->made[me->which] = 1;
	else
		r->err[me->which] = errno;
	while (!r->release)
		usleep(1000);
	return 0;
}

/*
 * fs.aio-max-nr set to the host's use plus 1,000 (a confined share of 750): two confined tasks
 * each ask for 500 events at once, 200 times. Each alone is within the share; together they
 * are not: one passes, the other fails with ENOMEM, in every round (the kernel charges aio_nr
 * after the mapping this check sees, so without the reservation both could pass with the other
 * not counted yet: review 15). Control: unconfined, both pass. CI's preempt=full suite once saw
 * both pass (1 of 200 rounds) while the reservations were task storage, which 6.1 can refuse
 * under full preemption: they are recorded by task address now (reserve.bpf.h). Each round
 * starts with no reservation held (a racer whose fexit the kernel skipped gives its back at
 * its free, an RCU grace period after the reap).
 */
VM_TEST(budgets_aio_racing_calls_keep_the_quarter, 229)
{
	long max = read_number("/proc/sys/fs/aio-max-nr");
	long in_use = read_number("/proc/sys/fs/aio-nr");
	struct aio_race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int both = 0, one = 0, control_both = 0, held_before;

	budget_setup();
	held_before = map_entries("lg_reserve_held");
	VM_CHECK(held_before >= 0);
	VM_TIMEOUT(300);
	VM_CHECK(max > 0 && in_use >= 0 && r != MAP_FAILED);
	if (r == MAP_FAILED)
		return;
	write_number("/proc/sys/fs/aio-max-nr", in_use + 1000);
	for (int round = 0; round < AIO_RACE_ROUNDS + 1; round++) {
		const char *cgroup = round == AIO_RACE_ROUNDS ? NULL : BUDGET; /* last: control */
		struct aio_racer a = {r, 0}, b = {r, 1};
		struct in_cgroup_thread ta, tb;

		for (int i = 0; i < 200 && map_entries("lg_reserve_held") > held_before; i++)
			usleep(10 * 1000);
		memset(r, 0, sizeof(*r));
		VM_CHECK(in_cgroup_start(&ta, cgroup, aio_race_one, &a));
		VM_CHECK(in_cgroup_start(&tb, cgroup, aio_race_one, &b));
		for (int i = 0; i < 5000 && r->ready < 2; i++)
			usleep(1000);
		r->go = 1;
		for (int i = 0; i < 5000 && !((r->made[0] || r->err[0]) && (r->made[1] || r->err[1]));
		     i++)
			usleep(1000);
		if (!cgroup) {
			control_both = r->made[0] && r->made[1];
		} else if (r->made[0] && r->made[1]) {
			both++;
		} else if (r->made[0] || r->made[1]) {
			one++;
			if ((r->made[0] ? r->err[1] : r->err[0]) != ENOMEM)
				VM_FAIL("round %d: the second io_setup failed with %d, not ENOMEM",
					round, r->made[0] ? r->err[1] : r->err[0]);
		}
		r->release = 1;
		VM_CHECK(in_cgroup_join(&ta) == 0);
		VM_CHECK(in_cgroup_join(&tb) == 0);
	}
	write_number("/proc/sys/fs/aio-max-nr", max);
	printf("#   %d rounds: one of the two passed in %d, both in %d; unconfined both: %d\n",
	       AIO_RACE_ROUNDS, one, both, control_both);
	if (both)
		VM_FAIL("two racing confined io_setup calls both passed in %d of %d rounds: %d "
			"events, past the share of 750",
			both, AIO_RACE_ROUNDS, 2 * AIO_RACE_EVENTS);
	VM_CHECK(one == AIO_RACE_ROUNDS);
	VM_CHECK(control_both == 1);
	/* every reservation given back, every budget's */
	if (!reservations_back_at_zero(~0u))
		VM_FAIL("reservations left after the rounds");
	munmap(r, sizeof(*r));
}

