// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host-wide kernel budgets that the kernel gives to whoever asks first (attack run 6's
 * 262): ptys (kernel.pty.max), AIO events (fs.aio-max-nr) and the IPC namespace's System V
 * objects (kernel.shmmni, msgmni, semmni). A confined service holding all
 * of them leaves an administrator's ssh login without a terminal, every other process's
 * io_setup failing, PostgreSQL without its segment. A confined task keeps the host's share free (built-in "host budget", a
 * protection: audit mode too), as root and as uid 1000; the host's own tasks still get theirs.
 * The cases make the limits small, so that a few objects reach them, and put them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"
#include "vmutil.h"

#define BUDGET "/lgt/budget"
#define BUDGET_AUDIT "/lgt/budget-audit"
#define USER 1000
#define PTS_BIND "/tmp/budget-pts"	/* the host's devpts mounted a second time */
#define PTMX_ALIAS PTS_BIND "/ptmx"	/* its ptmx (5:2) under another name */

#define BUDGET_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char budget_policy[] =
    "[policy]\nname = budget\ncgroup = " BUDGET "\nmode = enforce\n" BUDGET_RULES;
static const char budget_audit_policy[] =
    "[policy]\nname = budget-audit\ncgroup = " BUDGET_AUDIT "\nmode = audit\n" BUDGET_RULES;

#define BUDGET_SOURCE                                                                             \
	"\"source\":\"built-in: a confined task cannot take the host's last ptys (kernel.pty.max " \
	"less kernel.pty.reserve, as in a container), nor the last quarter of its AIO events "    \
	"(fs.aio-max-nr) or of its IPC namespace's System V objects and POSIX message queues "   \
	"(kernel.shmmni, msgmni, sem, fs.mqueue.queues_max): they are kept for logins and "       \
	"processes outside every policy\""
#define AIO_PATH                                                                                  \
	"\"path\":\"the host's AIO events (fs.aio-max-nr): io_setup past three quarters of them\""

static void budget_setup(void)
{
	if (access(POLICY_DIR "/budget.ini", F_OK) == 0)
		return;
	write_file(POLICY_DIR "/budget.ini", budget_policy, 0644);
	write_file(POLICY_DIR "/budget-audit.ini", budget_audit_policy, 0644);
	VM_CHECK(daemon_reload_wait());
}

static long read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static void write_number(const char *path, long n)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld", n);
	write_into(path, text);
}

/* What the confined holder did, in memory it shares with the case (MAP_SHARED before the fork). */
struct holder {
	uid_t uid;
	int want;	   /* opens (or io_setup calls) to try */
	int done;	   /* how many succeeded before the first failure */
	int err;	   /* the first failure's errno (0: none) */
	volatile int held; /* set when it holds them; the case sets release */
	volatile int release;
	unsigned events;   /* io_setup's nr_events */
	int kind;	   /* System V: SYSV_SHM, SYSV_MSG, SYSV_SEM */
	int ids[16];	   /* System V: the objects made (removed by the case) */
};

static struct holder *new_holder(uid_t uid, int want)
{
	struct holder *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (h == MAP_FAILED) {
		VM_FAIL("mmap: %s", strerror(errno));
		exit(1);
	}
	memset(h, 0, sizeof(*h));
	h->uid = uid;
	h->want = want;
	return h;
}

/* Wait (5 s at most) until the holder holds what it got. */
static bool holding(struct holder *h)
{
	for (int i = 0; i < 500 && !h->held; i++)
		usleep(10 * 1000);
	return h->held;
}

/* Open ptys (/dev/ptmx, a symbolic link to /dev/pts/ptmx here, and the bind mount's by turns)
 * until want or the first failure, hold them
 * until released. */
static int hold_ptys(const void *arg)
{
	struct holder *h = (struct holder *)arg;
	int ret = become(h->uid);

	if (ret)
		return ret;
	for (int i = 0; i < h->want; i++) {
		int fd = open(i % 2 ? PTMX_ALIAS : "/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

		if (fd < 0) {
			h->err = errno;
			break;
		}
		h->done++;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

/* One pty opened and closed (by path): 0 or the errno. */
static int open_one_pty(const void *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int open_one_pty_as_user(const void *path)
{
	int ret = become(USER);

	return ret ? ret : open_one_pty(path);
}

/* Hold ptys in cgroup until release; the holder's record. */
static void start_holder(struct in_cgroup_thread *t, const char *cgroup, struct holder *h,
			 int (*op)(const void *))
{
	VM_CHECK(in_cgroup_start(t, cgroup, op, h));
	VM_CHECK(holding(h));
}

static void end_holder(struct in_cgroup_thread *t, struct holder *h)
{
	h->release = 1;
	VM_CHECK(in_cgroup_join(t) == 0);
	munmap(h, sizeof(*h));
}

/*
 * kernel.pty.max set to what the host uses now plus kernel.pty.reserve plus 4: a confined task
 * gets 4 ptys, under either name and as either user, and the 5th open fails with ENOSPC (the
 * kernel's own answer past its limit) and a deny event in both modes; the host's own tasks open
 * theirs from the reserve meanwhile; once the holder lets them go, a confined task gets one
 * again. Control: an unconfined task opens past the confined budget.
 */
VM_TEST(budgets_ptys_keep_the_hosts_reserve, 229)
{
	long max = read_number("/proc/sys/kernel/pty/max");
	long reserve = read_number("/proc/sys/kernel/pty/reserve");
	long in_use = read_number("/proc/sys/kernel/pty/nr");
	struct in_cgroup_thread t;
	struct holder *h;
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

	/* Control: the host's task passes the confined budget. */
	h = new_holder(0, 6);
	start_holder(&t, NULL, h, hold_ptys);
	if (h->done != 6 || h->err)
		VM_FAIL("unconfined: %d ptys opened, then errno %d (expected 6, none)", h->done,
			h->err);
	end_holder(&t, h);

	for (int mode = 0; mode < 2; mode++) {
		const char *cgroup = mode ? BUDGET_AUDIT : BUDGET;

		for (uid_t uid = 0; uid <= USER; uid += USER) {
			h = new_holder(uid, 6);
			start_holder(&t, cgroup, h, hold_ptys);
			if (h->done != 4 || h->err != ENOSPC)
				VM_FAIL("%s as uid %u: %d ptys opened, then errno %d (expected 4, "
					"ENOSPC)",
					cgroup, (unsigned)uid, h->done, h->err);
			/* while it holds them: the host's tasks still get theirs, another confined
			 * task none */
			VM_CHECK(in_cgroup(NULL, open_one_pty, "/dev/ptmx") == 0);
			VM_CHECK(in_cgroup(NULL, open_one_pty_as_user, PTMX_ALIAS) == 0);
			VM_CHECK(in_cgroup(cgroup, open_one_pty_as_user, PTMX_ALIAS) == ENOSPC);
			VM_CHECK(in_cgroup(cgroup, open_one_pty, "/dev/pts/ptmx") == ENOSPC);
			end_holder(&t, h);
			VM_CHECK(in_cgroup(cgroup, open_one_pty, PTMX_ALIAS) == 0);
		}
	}
	write_number("/proc/sys/kernel/pty/max", max);
	umount(PTS_BIND);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"file_open\"", BUDGET_SOURCE, "\"path\":\"/dev/ptmx\"",
			   "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"file_open\"", BUDGET_SOURCE,
			   "\"path\":\"/dev/pts/ptmx\"", "\"uid\":0");
	/* the bind mount's node is reported at the devpts mount the daemon knows */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"file_open\"", BUDGET_SOURCE,
			   "\"path\":\"/dev/pts/ptmx\"", "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget-audit\"",
			   "\"hook\":\"file_open\"", BUDGET_SOURCE, "\"path\":\"/dev/ptmx\"");
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}

/* io_setup(events) then hold the context until released. */
static int hold_aio(const void *arg)
{
	struct holder *h = (struct holder *)arg;
	aio_context_t ctx[4] = {0};
	int ret = become(h->uid);

	if (ret)
		return ret;
	for (int i = 0; i < h->want && i < 4; i++) {
		if (syscall(SYS_io_setup, h->events, &ctx[i])) {
			h->err = errno;
			break;
		}
		h->done++;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	for (int i = 0; i < h->done; i++)
		syscall(SYS_io_destroy, ctx[i]);
	return 0;
}

/* One io_setup of *events, destroyed again: 0 or the errno. */
static int one_io_setup(const void *arg)
{
	aio_context_t ctx = 0;

	if (syscall(SYS_io_setup, *(const unsigned *)arg, &ctx))
		return errno;
	syscall(SYS_io_destroy, ctx);
	return 0;
}

/*
 * fs.aio-max-nr set to what the host uses now plus 1,000: a confined task's io_setup of 300
 * events twice passes (600 of the 750 it may take), the third fails with ENOMEM (its ring's
 * mapping refused: aio_setup_ring's answer) and a deny event in both modes, as root and as
 * uid 1000; the host's own io_setup of 300 passes meanwhile (900 of 1,000). Control: unconfined,
 * three pass.
 */
VM_TEST(budgets_aio_events_keep_a_quarter_for_the_host, 229)
{
	long max = read_number("/proc/sys/fs/aio-max-nr");
	long in_use = read_number("/proc/sys/fs/aio-nr");
	unsigned events = 300;
	struct in_cgroup_thread t;
	struct holder *h;
	long mark;

	budget_setup();
	VM_CHECK(max > 0 && in_use >= 0);
	write_number("/proc/sys/fs/aio-max-nr", in_use + 1000);
	mark = event_mark();

	h = new_holder(0, 3);
	h->events = events;
	start_holder(&t, NULL, h, hold_aio);
	if (h->done != 3 || h->err)
		VM_FAIL("unconfined: %d io_setup calls passed, then errno %d (expected 3, none)",
			h->done, h->err);
	end_holder(&t, h);

	for (int mode = 0; mode < 2; mode++) {
		const char *cgroup = mode ? BUDGET_AUDIT : BUDGET;

		for (uid_t uid = 0; uid <= USER; uid += USER) {
			h = new_holder(uid, 3);
			h->events = events;
			start_holder(&t, cgroup, h, hold_aio);
			if (h->done != 2 || h->err != ENOMEM)
				VM_FAIL("%s as uid %u: %d io_setup calls passed, then errno %d "
					"(expected 2, ENOMEM)",
					cgroup, (unsigned)uid, h->done, h->err);
			VM_CHECK(in_cgroup(NULL, one_io_setup, &events) == 0);
			end_holder(&t, h);
			VM_CHECK(in_cgroup(cgroup, one_io_setup, &events) == 0);
		}
	}
	write_number("/proc/sys/fs/aio-max-nr", max);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"mmap_addr\"", BUDGET_SOURCE, AIO_PATH, "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"mmap_addr\"", AIO_PATH, "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget-audit\"",
			   "\"hook\":\"mmap_addr\"", BUDGET_SOURCE, AIO_PATH);
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}

enum { SYSV_SHM, SYSV_MSG, SYSV_SEM };

static const struct sysv_kind {
	const char *name, *limit_file, *list, *hook, *what;
} sysv_kinds[] = {
    [SYSV_SHM] = {"shared memory segment", "/proc/sys/kernel/shmmni", "/proc/sysvipc/shm",
		  "shm_alloc_security",
		  "the IPC namespace's shared memory segments (kernel.shmmni): past three quarters "
		  "of them"},
    [SYSV_MSG] = {"message queue", "/proc/sys/kernel/msgmni", "/proc/sysvipc/msg",
		  "msg_queue_alloc_security",
		  "the IPC namespace's message queues (kernel.msgmni): past three quarters of them"},
    [SYSV_SEM] = {"semaphore set", "/proc/sys/kernel/sem", "/proc/sysvipc/sem",
		  "sem_alloc_security",
		  "the IPC namespace's semaphore sets (kernel.sem's semmni): past three quarters of "
		  "them"},
};

/* One new private object of kind: its id, or -1 with errno. */
static int sysv_make(int kind)
{
	switch (kind) {
	case SYSV_SHM:
		return shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	case SYSV_MSG:
		return msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	default:
		return semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	}
}

static void sysv_remove(int kind, int id)
{
	if (kind == SYSV_SHM)
		shmctl(id, IPC_RMID, NULL);
	else if (kind == SYSV_MSG)
		msgctl(id, IPC_RMID, NULL);
	else
		semctl(id, 0, IPC_RMID);
}

/* The objects of kind in the caller's IPC namespace (/proc/sysvipc's lines past the header). */
static int sysv_in_use(int kind)
{
	char line[512];
	int n = -1;
	FILE *f = fopen(sysv_kinds[kind].list, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* Make want objects (or until the first failure), record them, hold until released. */
static int hold_sysv(const void *arg)
{
	struct holder *h = (struct holder *)arg;
	int ret = become(h->uid);

	if (ret)
		return ret;
	for (int i = 0; i < h->want && i < 16; i++) {
		int id = sysv_make(h->kind);

		if (id < 0) {
			h->err = errno;
			break;
		}
		h->ids[h->done++] = id;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

static int make_one_sysv(const void *kind)
{
	int id = sysv_make(*(const int *)kind);

	if (id < 0)
		return errno;
	sysv_remove(*(const int *)kind, id);
	return 0;
}

/* The holder's objects removed (by the case: under no policy), then the holder ended. */
static void end_sysv_holder(struct in_cgroup_thread *t, struct holder *h)
{
	for (int i = 0; i < h->done; i++)
		sysv_remove(h->kind, h->ids[i]);
	end_holder(t, h);
}

/* Set the limit of kind to limit (kernel.sem: its fourth number, semmni); the old one. */
static long sysv_set_limit(int kind, long limit)
{
	long sem[4];
	char text[96];
	long old;

	if (kind != SYSV_SEM) {
		old = read_number(sysv_kinds[kind].limit_file);
		write_number(sysv_kinds[kind].limit_file, limit);
		return old;
	}
	FILE *f = fopen(sysv_kinds[kind].limit_file, "r");

	if (!f || fscanf(f, "%ld %ld %ld %ld", &sem[0], &sem[1], &sem[2], &sem[3]) != 4) {
		VM_FAIL("cannot read %s", sysv_kinds[kind].limit_file);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	old = sem[3];
	snprintf(text, sizeof(text), "%ld %ld %ld %ld", sem[0], sem[1], sem[2], limit);
	write_into(sysv_kinds[kind].limit_file, text);
	return old;
}

/*
 * Each kind's limit set to what the namespace holds now plus 8: a confined task makes objects
 * until the count reaches three quarters of the limit, the next fails with ENOSPC (what the
 * kernel answers past its limit) and a deny event (hook shm_alloc_security, msg_queue_...,
 * sem_...) in both modes, as root and as uid 1000; the host's own task makes one meanwhile.
 * Control: an unconfined task makes 8.
 */
VM_TEST(budgets_system_v_objects_keep_a_quarter_for_the_host, 229)
{
	struct in_cgroup_thread t;
	struct holder *h;
	long mark;

	budget_setup();
	mark = event_mark();
	for (int kind = SYSV_SHM; kind <= SYSV_SEM; kind++) {
		const struct sysv_kind *k = &sysv_kinds[kind];
		int in_use = sysv_in_use(kind), limit = in_use + 8, budget, old;

		VM_CHECK(in_use >= 0);
		budget = limit - limit / 4 - in_use;
		old = sysv_set_limit(kind, limit);
		VM_CHECK(old > 0);

		h = new_holder(0, 8);
		h->kind = kind;
		start_holder(&t, NULL, h, hold_sysv);
		if (h->done != 8 || h->err)
			VM_FAIL("unconfined: %d %ss made, then errno %d (expected 8, none)", h->done,
				k->name, h->err);
		end_sysv_holder(&t, h);

		for (int mode = 0; mode < 2; mode++) {
			const char *cgroup = mode ? BUDGET_AUDIT : BUDGET;

			for (uid_t uid = 0; uid <= USER; uid += USER) {
				h = new_holder(uid, 8);
				h->kind = kind;
				start_holder(&t, cgroup, h, hold_sysv);
				if (h->done != budget || h->err != ENOSPC)
					VM_FAIL("%s as uid %u: %d %ss made, then errno %d (expected "
						"%d, ENOSPC)",
						cgroup, (unsigned)uid, h->done, k->name, h->err,
						budget);
				VM_CHECK(in_cgroup(NULL, make_one_sysv, &kind) == 0);
				end_sysv_holder(&t, h);
				VM_CHECK(in_cgroup(cgroup, make_one_sysv, &kind) == 0);
			}
		}
		sysv_set_limit(kind, old);
		{
			char hook[96], path[160];

			snprintf(hook, sizeof(hook), "\"hook\":\"%s\"", k->hook);
			snprintf(path, sizeof(path), "\"path\":\"%s\"", k->what);
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
					   hook, path, BUDGET_SOURCE, "\"uid\":0");
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
					   hook, path, "\"uid\":1000");
			EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"",
					   "\"policy\":\"budget-audit\"", hook, path);
		}
	}
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}

#define MQ_DIR "/run/budget-mqueue" /* the mqueue filesystem, to count the queues */
#define MQ_PATH                                                                                   \
	"\"path\":\"the IPC namespace's POSIX message queues (fs.mqueue.queues_max): past three " \
	"quarters of them\""

/* Make want queues /budget-mq-UID-N (until the first failure), hold until released. */
static int hold_mqueues(const void *arg)
{
	struct holder *h = (struct holder *)arg;
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 8};
	int ret = become(h->uid);

	if (ret)
		return ret;
	for (int i = 0; i < h->want && i < 16; i++) {
		char name[64];
		mqd_t q;

		snprintf(name, sizeof(name), "/budget-mq-%u-%d", (unsigned)h->uid, i);
		q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (q == (mqd_t)-1) {
			h->err = errno;
			break;
		}
		h->done++;
	}
	h->held = 1;
	while (!h->release)
		usleep(10 * 1000);
	return 0;
}

static int make_one_mqueue(const void *unused)
{
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 8};
	mqd_t q = mq_open("/budget-mq-one", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);

	(void)unused;
	if (q == (mqd_t)-1)
		return errno;
	mq_close(q);
	mq_unlink("/budget-mq-one");
	return 0;
}

static void end_mq_holder(struct in_cgroup_thread *t, struct holder *h)
{
	for (int i = 0; i < h->done; i++) {
		char name[64];

		snprintf(name, sizeof(name), "/budget-mq-%u-%d", (unsigned)h->uid, i);
		mq_unlink(name);
	}
	end_holder(t, h);
}

/* The queues in the host's IPC namespace: the entries of an mqueue mount. */
static int mqueues_in_use(void)
{
	FILE *p = popen("ls -A " MQ_DIR " | wc -l", "r");
	int n = -1;

	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

/*
 * fs.mqueue.queues_max set to the queues there are plus 8: a confined task (root, and uid
 * 1000) makes queues until three quarters of it, the next mq_open(O_CREAT) fails with ENOSPC
 * and a deny event (hook inode_create) in both modes; the host's own task makes one meanwhile.
 * Control: unconfined, 8. (Root keeping CAP_SYS_RESOURCE passes the kernel's own limit, not
 * this one.)
 */
VM_TEST(budgets_posix_message_queues_keep_a_quarter_for_the_host, 229)
{
	long old = read_number("/proc/sys/fs/mqueue/queues_max");
	struct in_cgroup_thread t;
	struct holder *h;
	int in_use, limit, budget;
	long mark;

	budget_setup();
	mkdir(MQ_DIR, 0755);
	if (mount("mqueue", MQ_DIR, "mqueue", 0, NULL) && errno != EBUSY)
		VM_FAIL("mount mqueue: %s", strerror(errno));
	in_use = mqueues_in_use();
	VM_CHECK(old > 0 && in_use >= 0);
	limit = in_use + 8;
	budget = limit - limit / 4 - in_use;
	write_number("/proc/sys/fs/mqueue/queues_max", limit);
	mark = event_mark();

	h = new_holder(USER, 8); /* uid 1000: the kernel's limit binds it, not root */
	start_holder(&t, NULL, h, hold_mqueues);
	if (h->done != 8 || h->err)
		VM_FAIL("unconfined: %d queues made, then errno %d (expected 8, none)", h->done,
			h->err);
	end_mq_holder(&t, h);

	for (int mode = 0; mode < 2; mode++) {
		const char *cgroup = mode ? BUDGET_AUDIT : BUDGET;

		for (uid_t uid = 0; uid <= USER; uid += USER) {
			h = new_holder(uid, 8);
			start_holder(&t, cgroup, h, hold_mqueues);
			if (h->done != budget || h->err != ENOSPC)
				VM_FAIL("%s as uid %u: %d queues made, then errno %d (expected %d, "
					"ENOSPC)",
					cgroup, (unsigned)uid, h->done, h->err, budget);
			VM_CHECK(in_cgroup(NULL, make_one_mqueue, NULL) == 0);
			end_mq_holder(&t, h);
			VM_CHECK(in_cgroup(cgroup, make_one_mqueue, NULL) == 0);
		}
	}
	write_number("/proc/sys/fs/mqueue/queues_max", old);
	umount(MQ_DIR);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"inode_create\"", BUDGET_SOURCE, MQ_PATH, "\"uid\":0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget\"",
			   "\"hook\":\"inode_create\"", MQ_PATH, "\"uid\":1000");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"budget-audit\"",
			   "\"hook\":\"inode_create\"", BUDGET_SOURCE, MQ_PATH);
	VM_CHECK(count_events_after(mark, "\"event\":\"audit\"") == 0);
}
