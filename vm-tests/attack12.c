// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attack run 12 (independent): the unix peer verdict cache, and the root user's key quota.
 *
 * a12-peer denies writes under /run/lgt-a12/denied/ and allows everything else; a12-caps keeps
 * only CAP_SETUID and CAP_SETGID (no CAP_SYS_RESOURCE). Each case asserts the safe outcome
 * with its exact errno, and runs the same route unconfined as the control.
 *
 * Found open: two routes past the root user's key quota (a12_root_key_quota_encrypted_keys,
 * a12_root_key_quota_racing_adds), closed by the lead the same session (a type's own charge;
 * payloads reserved at key_alloc until key_create_or_update returns). The unix peer cache held
 * in every case tried.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "vmtest.h"
#include "vmutil.h"

#define A12_PEER "/lgt/a12-peer"
#define A12_CAPS "/lgt/a12-caps"
#define USER 1000
#define A12_DIR "/run/lgt-a12"
#define A12_OK A12_DIR "/ok"
#define A12_DENIED A12_DIR "/denied"

#define A12_PEER_RULES "[files]\ndefault = allow\ndeny = " A12_DENIED "/\n"
static const char a12_peer_policy[] =
	"[policy]\nname = a12-peer\ncgroup = " A12_PEER "\nmode = enforce\n" A12_PEER_RULES;
/* The same, reloaded with one more deny: a verdict cached before must not answer after. */
static const char a12_peer_policy_late[] = "[policy]\nname = a12-peer\ncgroup = " A12_PEER
					   "\nmode = enforce\n" A12_PEER_RULES
					   "deny = " A12_OK "/late/\n";
static const char a12_caps_policy[] = "[policy]\nname = a12-caps\ncgroup = " A12_CAPS
				      "\nmode = enforce\n"
				      "[files]\ndefault = allow\n[exec]\ndefault = allow\n"
				      "[capabilities]\nkeep = CAP_SETUID, CAP_SETGID\n";

static void a12_setup(void)
{
	bool reload = false;

	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/a12-peer.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a12-peer.ini", a12_peer_policy, 0644);
		reload = true;
	}
	if (access(POLICY_DIR "/a12-caps.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/a12-caps.ini", a12_caps_policy, 0644);
		reload = true;
	}
	if (reload)
		VM_CHECK(daemon_reload_wait());
	make_cgroup(A12_PEER);
	make_cgroup(A12_CAPS);
	VM_CHECK(system("mkdir -p " A12_OK " " A12_DENIED " && chmod 0777 " A12_OK " " A12_DENIED)
		 == 0);
}

/* ---- unix peers: the verdict cache in the peer's storage ---- */

struct a12_peer_try {
	const char *path;
	int type; /* SOCK_STREAM: connect(); SOCK_DGRAM: sendto() */
	uid_t uid;
};

static int a12_sun(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
	return sizeof(*sun);
}

/* connect() or sendto(): 0 or errno. */
static int do_a12_peer(const void *p)
{
	const struct a12_peer_try *t = p;
	struct sockaddr_un sun;
	socklen_t len = a12_sun(&sun, t->path);
	int fd, ret;

	if (t->uid && (ret = become(t->uid)))
		return ret;
	fd = socket(AF_UNIX, t->type, 0);
	if (fd < 0)
		return 200;
	if (t->type == SOCK_DGRAM)
		ret = sendto(fd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&sun, len) == 1 ? 0 : errno;
	else
		ret = connect(fd, (struct sockaddr *)&sun, len) ? errno : 0;
	close(fd);
	return ret;
}

static int a12_peer(const char *cgroup, uid_t uid, int type, const char *path)
{
	struct a12_peer_try t = {path, type, uid};

	return in_cgroup(cgroup, do_a12_peer, &t);
}

/* Two allowed tries, the second one answered by the cache (the hook's cached counter). */
static void a12_prime(int line, uid_t uid, int type, const char *path)
{
	const char *hook = type == SOCK_DGRAM ? "unix_may_send" : "unix_stream_connect";
	long long before, after;
	int first, second;

	first = a12_peer(A12_PEER, uid, type, path);
	before = policy_counter("a12-peer", hook, "cached");
	second = a12_peer(A12_PEER, uid, type, path);
	after = policy_counter("a12-peer", hook, "cached");
	if (first || second)
		VM_FAIL("line %d: %s as %u: %d, %d (expected 0, 0)", line, path, (unsigned)uid,
			first, second);
	if (before < 0 || after != before + 1)
		VM_FAIL("line %d: %s as %u: not answered by the cache (cached %lld, then %lld)",
			line, path, (unsigned)uid, before, after);
}

#define EXPECT_A12_PEER(cgroup, uid, type, path, want)                                           \
	do {                                                                                       \
		int got_ = a12_peer((cgroup), (uid), (type), (path));                              \
		if (got_ != (want))                                                                \
			VM_FAIL("line %d: %s %s as %u under %s: %d (expected %d)", __LINE__,       \
				(type) == SOCK_DGRAM ? "sendto" : "connect", (path),               \
				(unsigned)(uid), (cgroup) ? (cgroup) : "none", got_, (want));      \
	} while (0)

/*
 * A cached allowed verdict, then (1) the socket's directory exchanged with a directory under
 * the denied one by the administrator (renameat2 RENAME_EXCHANGE: both move at once); (2) a
 * reload that adds a deny over the socket (the rules change, nothing moves); (3) a socket bound
 * through a bind mount of an allowed directory, its directory then renamed out of the bind
 * mount's subtree into the denied one (the walk no longer meets the bind mount's root).
 * Root and uid 1000, stream and datagram; unconfined: delivered.
 */
VM_TEST(a12_unixpeer_cache_exchange_reload_bindmount, 370)
{
	const uid_t uids[] = {0, USER};
	int s1, d1, s2, s3;
	long mark;

	a12_setup();
	VM_CHECK(system("rm -rf " A12_OK "/x " A12_DENIED "/y " A12_OK "/late " A12_OK "/b "
			A12_DENIED "/b /tmp/lgt-a12-bind && mkdir -p " A12_OK "/x " A12_DENIED
			"/y " A12_OK "/late " A12_OK "/b/in /tmp/lgt-a12-bind && chmod -R 0777 "
			A12_DIR) == 0);

	/* (1) RENAME_EXCHANGE */
	s1 = unix_bound_at(A12_OK "/x/s.sock", SOCK_STREAM);
	d1 = unix_bound_at(A12_OK "/x/d.sock", SOCK_DGRAM);
	for (size_t i = 0; i < 2; i++) {
		a12_prime(__LINE__, uids[i], SOCK_STREAM, A12_OK "/x/s.sock");
		a12_prime(__LINE__, uids[i], SOCK_DGRAM, A12_OK "/x/d.sock");
	}
	VM_CHECK(syscall(SYS_renameat2, AT_FDCWD, A12_OK "/x", AT_FDCWD, A12_DENIED "/y",
			 2 /* RENAME_EXCHANGE */) == 0);
	mark = event_mark();
	for (size_t i = 0; i < 2; i++) {
		EXPECT_A12_PEER(A12_PEER, uids[i], SOCK_STREAM, A12_DENIED "/y/s.sock", EPERM);
		EXPECT_A12_PEER(A12_PEER, uids[i], SOCK_DGRAM, A12_DENIED "/y/d.sock", EPERM);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a12-peer\"",
			   "\"hook\":\"unix_stream_connect\"", "\"uid\":1000",
			   "\"path\":\"" A12_DENIED "/y/s.sock\"");
	EXPECT_A12_PEER(NULL, USER, SOCK_STREAM, A12_DENIED "/y/s.sock", 0);
	EXPECT_A12_PEER(NULL, USER, SOCK_DGRAM, A12_DENIED "/y/d.sock", 0);
	close(s1);
	close(d1);

	/* (2) a reload adding deny = A12_OK/late/ */
	s2 = unix_bound_at(A12_OK "/late/s.sock", SOCK_STREAM);
	for (size_t i = 0; i < 2; i++)
		a12_prime(__LINE__, uids[i], SOCK_STREAM, A12_OK "/late/s.sock");
	write_file(POLICY_DIR "/a12-peer.ini", a12_peer_policy_late, 0644);
	VM_CHECK(daemon_reload_wait());
	for (size_t i = 0; i < 2; i++)
		EXPECT_A12_PEER(A12_PEER, uids[i], SOCK_STREAM, A12_OK "/late/s.sock", EPERM);
	EXPECT_A12_PEER(NULL, USER, SOCK_STREAM, A12_OK "/late/s.sock", 0);
	write_file(POLICY_DIR "/a12-peer.ini", a12_peer_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	close(s2);

	/* (3) bound through a bind mount of A12_OK/b at /tmp/lgt-a12-bind; the directory "in"
	 * then renamed under the denied one through the real path */
	VM_CHECK(mount(A12_OK "/b", "/tmp/lgt-a12-bind", NULL, MS_BIND, NULL) == 0);
	s3 = unix_bound_at("/tmp/lgt-a12-bind/in/s.sock", SOCK_STREAM);
	EXPECT_A12_PEER(A12_PEER, USER, SOCK_STREAM, "/tmp/lgt-a12-bind/in/s.sock", 0);
	EXPECT_A12_PEER(A12_PEER, USER, SOCK_STREAM, "/tmp/lgt-a12-bind/in/s.sock", 0);
	VM_CHECK(system("mkdir -p " A12_DENIED "/b") == 0);
	VM_CHECK(rename(A12_OK "/b/in", A12_DENIED "/b/in") == 0);
	EXPECT_A12_PEER(A12_PEER, USER, SOCK_STREAM, A12_DENIED "/b/in/s.sock", EPERM);
	EXPECT_A12_PEER(A12_PEER, 0, SOCK_STREAM, A12_DENIED "/b/in/s.sock", EPERM);
	EXPECT_A12_PEER(NULL, USER, SOCK_STREAM, A12_DENIED "/b/in/s.sock", 0);
	close(s3);
	VM_CHECK(vm_umount("/tmp/lgt-a12-bind") == 0);
}

/* A datagram socket the confined task connected (allowed, cached), then a send after the
 * administrator moved the receiver's directory under the denied one. */
struct a12_dgram_sync {
	int ready[2], go[2];
	uid_t uid;
};

static int do_a12_connected_dgram(const void *p)
{
	const struct a12_dgram_sync *s = p;
	struct sockaddr_un sun;
	socklen_t len = a12_sun(&sun, A12_OK "/dg/d.sock");
	char byte = 'r';
	int fd, ret;

	close(s->ready[0]);
	close(s->go[1]);
	if (s->uid && (ret = become(s->uid)))
		return ret;
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, len) || send(fd, "a", 1, 0) != 1 ||
	    send(fd, "b", 1, 0) != 1)
		return 300 + errno;
	if (write(s->ready[1], &byte, 1) != 1 || read(s->go[0], &byte, 1) != 1)
		return 301;
	return send(fd, "c", 1, MSG_DONTWAIT) == 1 ? 0 : errno;
}

/* The connected datagram client of do_a12_connected_dgram, the directory moved in between:
 * the third send's errno. */
static int a12_connected_dgram(const char *cgroup, uid_t uid)
{
	struct a12_dgram_sync s = {.uid = uid};
	struct in_cgroup_thread t;
	char byte;
	int d, ret;

	VM_CHECK(system("rm -rf " A12_OK "/dg " A12_DENIED "/dg && mkdir -p " A12_OK
			"/dg && chmod 0777 " A12_OK "/dg") == 0);
	d = unix_bound_at(A12_OK "/dg/d.sock", SOCK_DGRAM);
	VM_CHECK(pipe(s.ready) == 0 && pipe(s.go) == 0);
	VM_CHECK(in_cgroup_start(&t, cgroup, do_a12_connected_dgram, &s));
	/* the pipes stay open here until the thread's child has them (it forks in the thread) */
	{
		struct pollfd pfd = {.fd = s.ready[0], .events = POLLIN};

		if (poll(&pfd, 1, 10000) == 1 && read(s.ready[0], &byte, 1) == 1)
			VM_CHECK(rename(A12_OK "/dg", A12_DENIED "/dg") == 0);
	}
	byte = 'g';
	VM_CHECK(write(s.go[1], &byte, 1) == 1);
	ret = in_cgroup_join(&t);
	close(s.ready[0]);
	close(s.ready[1]);
	close(s.go[0]);
	close(s.go[1]);
	close(d);
	return ret;
}

VM_TEST(a12_unixpeer_cache_connected_datagram_after_rename, 371)
{
	int root, user, free_user;
	long mark;

	a12_setup();
	mark = event_mark();
	root = a12_connected_dgram(A12_PEER, 0);
	user = a12_connected_dgram(A12_PEER, USER);
	free_user = a12_connected_dgram(NULL, USER);
	printf("# a connected datagram socket's send after its receiver moved under the denied "
	       "directory: root %d, uid 1000 %d, unconfined uid 1000 %d\n",
	       root, user, free_user);
	if (free_user != 0)
		VM_FAIL("control: unconfined send %d (expected 0)", free_user);
	if (root != EPERM || user != EPERM)
		VM_FAIL("a send to a receiver now under the denied directory: root %d, uid 1000 %d "
			"(expected EPERM)",
			root, user);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a12-peer\"",
			   "\"hook\":\"unix_may_send\"", "\"uid\":1000",
			   "\"path\":\"" A12_DENIED "/dg/d.sock\"");
}

/*
 * Races: a confined task sends to a datagram receiver in a loop while the administrator moves
 * the receiver's directory in and out of the denied one. A shared counter says where it is:
 * 4k out (stable), 4k+1 moving in, 4k+2 in (the rename returned), 4k+3 moving out. A send
 * that started and ended while the counter read 4k+2 (the same value) went to a receiver
 * under the denied directory: it must fail with EPERM (EAGAIN, a full queue or send buffer,
 * can come before the hook: not counted).
 */
#define A12_RACE_SECONDS 3

struct a12_race {
	_Atomic unsigned long state;
	_Atomic int stop;
	long in_allowed, in_refused, out_allowed, out_refused;
};

static int do_a12_race_sender(const void *p)
{
	struct a12_race *r = (struct a12_race *)p;
	struct sockaddr_un in, out;
	socklen_t lin = a12_sun(&in, A12_DENIED "/race/d.sock");
	socklen_t lout = a12_sun(&out, A12_OK "/race/d.sock");
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0)
		return 200;
	while (!atomic_load(&r->stop)) {
		unsigned long a = atomic_load(&r->state), b;
		bool inside = a % 4 == 2, outside = a % 4 == 0;
		int ret;

		if (!inside && !outside)
			continue;
		ret = sendto(fd, "x", 1, MSG_DONTWAIT,
			     (struct sockaddr *)(inside ? &in : &out), inside ? lin : lout) == 1
			      ? 0
			      : errno;
		b = atomic_load(&r->state);
		if (a != b)
			continue;
		if (ret == EAGAIN)
			continue; /* a full queue or send buffer: before the hook or after it */
		if (inside)
			ret ? r->in_refused++ : r->in_allowed++;
		else
			ret == 0 ? r->out_allowed++ : r->out_refused++;
	}
	return 0;
}

static void a12_race(const char *cgroup, struct a12_race *race)
{
	struct timespec start, now;
	struct in_cgroup_thread t;
	int d;

	VM_CHECK(system("rm -rf " A12_OK "/race " A12_DENIED "/race && mkdir -p " A12_OK
			"/race && chmod 0777 " A12_OK "/race") == 0);
	d = unix_bound_at(A12_OK "/race/d.sock", SOCK_DGRAM);
	memset(race, 0, sizeof(*race));
	VM_CHECK(in_cgroup_start(&t, cgroup, do_a12_race_sender, race));
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		char buf[16];

		while (recv(d, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		usleep(300);
		atomic_fetch_add(&race->state, 1);
		VM_CHECK(rename(A12_OK "/race", A12_DENIED "/race") == 0);
		atomic_fetch_add(&race->state, 1);
		while (recv(d, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		usleep(300);
		atomic_fetch_add(&race->state, 1);
		VM_CHECK(rename(A12_DENIED "/race", A12_OK "/race") == 0);
		atomic_fetch_add(&race->state, 1);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < A12_RACE_SECONDS);
	atomic_store(&race->stop, 1);
	VM_CHECK(in_cgroup_join(&t) == 0);
	close(d);
}

VM_TEST(a12_unixpeer_cache_raced_by_renames, 372)
{
	struct a12_race *confined, *free_race;

	a12_setup();
	confined = mmap(NULL, 2 * sizeof(*confined), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	VM_CHECK(confined != MAP_FAILED);
	if (confined == MAP_FAILED)
		return;
	free_race = confined + 1;
	a12_race(A12_PEER, confined);
	a12_race(NULL, free_race);
	printf("# sends while the receiver's directory moves in and out of the denied one "
	       "(root, %d s): confined: inside allowed %ld refused %ld, outside allowed %ld "
	       "refused %ld; unconfined: inside allowed %ld, outside allowed %ld\n",
	       A12_RACE_SECONDS, confined->in_allowed, confined->in_refused,
	       confined->out_allowed, confined->out_refused, free_race->in_allowed,
	       free_race->out_allowed);
	if (free_race->in_allowed == 0 || free_race->out_allowed == 0)
		VM_FAIL("control: unconfined sends inside %ld, outside %ld (expected some of both)",
			free_race->in_allowed, free_race->out_allowed);
	if (confined->in_refused == 0 || confined->out_allowed == 0)
		VM_FAIL("the race did not run: inside refused %ld, outside allowed %ld",
			confined->in_refused, confined->out_allowed);
	if (confined->in_allowed != 0)
		VM_FAIL("%ld sends reached a receiver under the denied directory (a stale cached "
			"verdict)",
			confined->in_allowed);
	if (confined->out_refused != 0)
		VM_FAIL("%ld sends to the allowed directory refused", confined->out_refused);
	munmap(confined, 2 * sizeof(*confined));
}

/*
 * The daemon restarted (SIGTERM, then started again: it adopts the pinned programs and maps)
 * with a policy file that now denies a socket a verdict was cached for; and a policy switched
 * from audit to enforce by a reload, after an allowed verdict and an audited denial of the
 * same peer's directory were seen. Root and uid 1000.
 */
#define A12_AUDIT "/lgt/a12-audit"
static const char a12_audit_policy[] = "[policy]\nname = a12-audit\ncgroup = " A12_AUDIT
				       "\nmode = audit\n" A12_PEER_RULES;
static const char a12_enforce_policy[] = "[policy]\nname = a12-audit\ncgroup = " A12_AUDIT
					 "\nmode = enforce\n" A12_PEER_RULES;

VM_TEST(a12_unixpeer_cache_daemon_restart_and_audit_to_enforce, 376)
{
	const uid_t uids[] = {0, USER};
	int s, s2, s3;
	pid_t d;
	long mark;

	a12_setup();
	VM_CHECK(system("rm -rf " A12_OK "/late && mkdir -p " A12_OK "/late && chmod 0777 " A12_OK
			"/late && mkdir -p " A12_DENIED "/au && chmod 0777 " A12_DENIED "/au") == 0);
	s = unix_bound_at(A12_OK "/late/r.sock", SOCK_STREAM);
	for (size_t i = 0; i < 2; i++)
		a12_prime(__LINE__, uids[i], SOCK_STREAM, A12_OK "/late/r.sock");
	d = daemon_pid();
	VM_CHECK(d > 0);
	if (d > 0) {
		kill(d, SIGTERM);
		VM_CHECK(wait_exit(d, 10000));
	}
	/* with no daemon running, the pinned programs still decide: the cached verdict too */
	EXPECT_A12_PEER(A12_PEER, USER, SOCK_STREAM, A12_OK "/late/r.sock", 0);
	write_file(POLICY_DIR "/a12-peer.ini", a12_peer_policy_late, 0644);
	VM_CHECK(daemon_start() > 0);
	mark = event_mark();
	for (size_t i = 0; i < 2; i++)
		EXPECT_A12_PEER(A12_PEER, uids[i], SOCK_STREAM, A12_OK "/late/r.sock", EPERM);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a12-peer\"",
			   "\"hook\":\"unix_stream_connect\"", "\"uid\":1000",
			   "\"path\":\"" A12_OK "/late/r.sock\"");
	EXPECT_A12_PEER(NULL, USER, SOCK_STREAM, A12_OK "/late/r.sock", 0);
	write_file(POLICY_DIR "/a12-peer.ini", a12_peer_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	close(s);

	/* audit, then enforce */
	write_file(POLICY_DIR "/a12-audit.ini", a12_audit_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	make_cgroup(A12_AUDIT);
	s2 = unix_bound_at(A12_DENIED "/au/s.sock", SOCK_STREAM);
	s3 = unix_bound_at(A12_OK "/late/a.sock", SOCK_STREAM);
	for (size_t i = 0; i < 2; i++) {
		EXPECT_A12_PEER(A12_AUDIT, uids[i], SOCK_STREAM, A12_DENIED "/au/s.sock", 0);
		EXPECT_A12_PEER(A12_AUDIT, uids[i], SOCK_STREAM, A12_DENIED "/au/s.sock", 0);
		EXPECT_A12_PEER(A12_AUDIT, uids[i], SOCK_STREAM, A12_OK "/late/a.sock", 0);
	}
	write_file(POLICY_DIR "/a12-audit.ini", a12_enforce_policy, 0644);
	VM_CHECK(daemon_reload_wait());
	mark = event_mark();
	for (size_t i = 0; i < 2; i++) {
		EXPECT_A12_PEER(A12_AUDIT, uids[i], SOCK_STREAM, A12_DENIED "/au/s.sock", EPERM);
		EXPECT_A12_PEER(A12_AUDIT, uids[i], SOCK_STREAM, A12_OK "/late/a.sock", 0);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"a12-audit\"",
			   "\"hook\":\"unix_stream_connect\"", "\"uid\":1000",
			   "\"path\":\"" A12_DENIED "/au/s.sock\"");
	close(s2);
	close(s3);
	VM_CHECK(unlink(POLICY_DIR "/a12-audit.ini") == 0);
	VM_CHECK(daemon_reload_wait());
}

/* ---- the root user's key quota ---- */

#define A12_KEY_SPEC_THREAD_KEYRING (-1)
#define A12_KEY_SPEC_PROCESS_KEYRING (-2)
#define A12_KEYCTL_GET_KEYRING_ID 0
#define A12_KEYCTL_LINK 8
#define A12_MAXBYTES 20000
#define A12_MAXKEYS 200

/* Wait (10 s at most) until the root user's charge is under keys and bytes. */
static bool a12_root_keys_below(unsigned keys, unsigned bytes)
{
	for (int i = 0; i < 100; i++) {
		unsigned k, b;

		if (!root_key_charge(&k, &b) || (k < keys && b < bytes))
			return true;
		usleep(100000);
	}
	return false;
}

/*
 * Encrypted keys ("encrypted" type, CONFIG_ENCRYPTED_KEYS=y in Debian's 6.1): add_key's payload
 * is a short command, "new user:MASTER 4096", but the type charges the decrypted and the
 * encrypted data (key_payload_reserve of about 8,270 bytes) at instantiation, after key_alloc.
 * Up to 10 such keys; the root user's highest charge in *peak; 1000 * the keys made + the first
 * failure's errno.
 */
#define A12_ENC_KEYS 10

static int do_a12_encrypted_keys(const void *p)
{
	static const char cmd[] = "new user:a12-kmk 4096";
	unsigned *peak = (unsigned *)p, keys, bytes;
	char master[32], desc[32];
	int made = 0;

	memset(master, 'm', sizeof(master));
	*peak = 0;
	if (syscall(SYS_add_key, "user", "a12-kmk", master, sizeof(master),
		    A12_KEY_SPEC_PROCESS_KEYRING) < 0)
		return 10000 + errno;
	for (int i = 0; i < A12_ENC_KEYS; i++) {
		snprintf(desc, sizeof(desc), "a12-enc-%d", i);
		if (syscall(SYS_add_key, "encrypted", desc, cmd, strlen(cmd),
			    A12_KEY_SPEC_PROCESS_KEYRING) < 0)
			return errno + 1000 * made;
		made++;
		if (root_key_charge(&keys, &bytes) && bytes > *peak)
			*peak = bytes;
	}
	return 1000 * made;
}

/* Found open by attack run 12: an encrypted key charges ~8,270 bytes for a 21-byte add_key
 * payload ("new user:a12-kmk 4096"), and lsmguard's key_alloc counted only add_key's length: a
 * confined root under a12-caps made 3 before EDQUOT and took the root user to 24,935 bytes,
 * past the ordinary quota's 20,000 (seen in two VM runs). Closed: such types are counted at
 * their most (bpf_lsm/ipc.bpf.c lg_key_charged). Safe: EDQUOT before the charge passes 20,000. */
VM_TEST(a12_root_key_quota_encrypted_keys, 373)
{
	unsigned *peak, free_peak;
	int confined, free_root;
	long mark;

	a12_setup();
	peak = mmap(NULL, 2 * sizeof(*peak), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	VM_CHECK(peak != MAP_FAILED);
	if (peak == MAP_FAILED)
		return;
	VM_CHECK(a12_root_keys_below(100, 2000));
	free_root = in_cgroup(NULL, do_a12_encrypted_keys, &peak[1]);
	free_peak = peak[1];
	VM_CHECK(a12_root_keys_below(100, 2000));
	mark = event_mark();
	confined = in_cgroup(A12_CAPS, do_a12_encrypted_keys, &peak[0]);
	printf("# encrypted keys (\"new user:a12-kmk 4096\"), of %d: unconfined root %d (1000 * "
	       "made + errno), root's charge up to %u bytes; under a12-caps %d, up to %u bytes "
	       "(ordinary quota %d)\n",
	       A12_ENC_KEYS, free_root, free_peak, confined, peak[0], A12_MAXBYTES);
	if (free_root != 1000 * A12_ENC_KEYS || free_peak <= A12_MAXBYTES)
		VM_FAIL("control: the unconfined root made %d (expected %d keys past %d bytes, "
			"charged %u)",
			free_root, 1000 * A12_ENC_KEYS, A12_MAXBYTES, free_peak);
	if (confined % 1000 != EDQUOT)
		VM_FAIL("a confined root's encrypted keys: %d (expected EDQUOT after a few)",
			confined);
	if (peak[0] > A12_MAXBYTES)
		VM_FAIL("a confined root took the root user's keys to %u bytes, past the ordinary "
			"quota's %d",
			peak[0], A12_MAXBYTES);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
			   "\"policy\":\"a12-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"", "\"uid\":0");
	munmap(peak, 2 * sizeof(*peak));
	VM_CHECK(a12_root_keys_below(100, 2000));
}

/*
 * Thread keyrings: the kernel makes a thread's keyring with KEY_ALLOC_QUOTA_OVERRUN, charged
 * but never refused, and lsmguard lets it through too. Linked into a keyring of the process,
 * would it outlive the thread, so that one thread after another takes the root user's key
 * count past the ordinary quota? It does not: the kernel reclaims a thread keyring soon after
 * its thread is gone, link or not (seen here: the count back under the quota a moment later,
 * unconfined too). Kept as the route's record.
 */
#define A12_THREAD_KEYRINGS 300

static long a12_holder;

static void *a12_thread_keyring(void *p)
{
	long id = syscall(SYS_keyctl, A12_KEYCTL_GET_KEYRING_ID, A12_KEY_SPEC_THREAD_KEYRING, 1);

	(void)p;
	if (id < 0)
		return (void *)(long)(1000 + errno);
	if (syscall(SYS_keyctl, A12_KEYCTL_LINK, id, a12_holder) < 0)
		return (void *)(long)(2000 + errno);
	return NULL;
}

/* 100 * the thread keyrings linked + the first failure's code; the highest key count while
 * linking in peak[0], the count 2 s after the last in peak[1]. */
static int do_a12_thread_keyrings(const void *p)
{
	unsigned *peak = (unsigned *)p, keys, bytes;
	int kept = 0;

	peak[0] = peak[1] = 0;
	a12_holder = syscall(SYS_add_key, "keyring", "a12-holder", NULL, 0,
			     A12_KEY_SPEC_PROCESS_KEYRING);
	if (a12_holder < 0)
		return 90 + errno % 10;
	for (int i = 0; i < A12_THREAD_KEYRINGS; i++) {
		pthread_t t;
		void *ret = NULL;

		if (pthread_create(&t, NULL, a12_thread_keyring, NULL))
			return 100 * kept + 98;
		pthread_join(t, &ret);
		if (root_key_charge(&keys, &bytes) && keys > peak[0])
			peak[0] = keys;
		if (ret) {
			long code = (long)ret;

			return 100 * kept + (code / 1000) * 10 + (code % 1000 == EDQUOT ? 1 : 2);
		}
		kept++;
	}
	sleep(2);
	if (root_key_charge(&keys, &bytes))
		peak[1] = keys;
	return 100 * kept;
}

VM_TEST(a12_root_key_quota_thread_keyrings_linked, 374)
{
	unsigned *peak;
	int confined, free_root;

	a12_setup();
	peak = mmap(NULL, 4 * sizeof(*peak), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	VM_CHECK(peak != MAP_FAILED);
	if (peak == MAP_FAILED)
		return;
	VM_CHECK(a12_root_keys_below(100, 10000));
	free_root = in_cgroup(NULL, do_a12_thread_keyrings, &peak[2]);
	VM_CHECK(a12_root_keys_below(100, 10000));
	confined = in_cgroup(A12_CAPS, do_a12_thread_keyrings, &peak[0]);
	printf("# thread keyrings linked into a keyring of the process, of %d: unconfined root %d "
	       "(100 * linked + code), root's keys up to %u, %u 2 s later; under a12-caps %d, up "
	       "to %u, %u 2 s later (ordinary quota %d keys)\n",
	       A12_THREAD_KEYRINGS, free_root, peak[2], peak[3], confined, peak[0], peak[1],
	       A12_MAXKEYS);
	if (free_root != 100 * A12_THREAD_KEYRINGS)
		VM_FAIL("control: the unconfined root linked %d (expected %d)", free_root,
			100 * A12_THREAD_KEYRINGS);
	if (peak[1] > A12_MAXKEYS)
		VM_FAIL("a confined root holds the root user's keys at %u, past the ordinary quota's "
			"%d (%d)",
			peak[1], A12_MAXKEYS, confined);
	munmap(peak, 4 * sizeof(*peak));
	VM_CHECK(a12_root_keys_below(100, 10000));
}

/*
 * Racing adds: lsmguard decides a new key at key_alloc, counting what the root user is charged
 * now plus add_key's payload, but the kernel charges the payload later (key_payload_reserve at
 * instantiation). Two threads adding a key each, into two keyrings (one keyring's adds are
 * serialised by its lock), can both pass before either is charged: each key alone fits in the
 * ordinary quota, both do not. A12_RACE_ROUNDS rounds, the keys cleared between them.
 */
#define A12_RACE_THREADS 2
#define A12_RACE_ROUNDS 300
#define A12_RACE_PAYLOAD 12000
/* KEYCTL_UPDATE takes PAGE_SIZE bytes at most (keyctl_update_key: EINVAL past it), so the
 * updates grow 1-byte keys by 4,000 bytes each from a root charge raised to A12_UPDATE_LEVEL by a
 * ballast key: one growth fits in the ordinary quota, two do not. */
#define A12_UPDATE_PAYLOAD 4000
#define A12_UPDATE_LEVEL 14000
#define A12_KEYCTL_CLEAR 7

struct a12_adder {
	_Atomic int *go;
	long ring;
	int index, round, made, err;
	bool update; /* a 1-byte key made first, then grown by KEYCTL_UPDATE at go */
};

static void *a12_adder(void *p)
{
	static char payload[A12_RACE_THREADS][A12_RACE_PAYLOAD];
	struct a12_adder *a = p;
	char desc[32];

	long key = -1;

	memset(payload[a->index], 'r', A12_RACE_PAYLOAD);
	snprintf(desc, sizeof(desc), "a12-race-%d-%d", a->index, a->round);
	if (a->update && (key = syscall(SYS_add_key, "user", desc, "u", 1, a->ring)) < 0)
		a->err = errno;
	while (!atomic_load(a->go))
		;
	if (a->update ? key < 0 ||
			    syscall(SYS_keyctl, 2 /* KEYCTL_UPDATE */, key, payload[a->index],
				    A12_UPDATE_PAYLOAD) < 0
		      : syscall(SYS_add_key, "user", desc, payload[a->index], A12_RACE_PAYLOAD,
				a->ring) < 0)
		a->err = a->err ? a->err : errno;
	else
		a->made = 1;
	return NULL;
}

struct a12_keyrace {
	unsigned *peak;
	bool update;
};

/* Rounds until the root user is charged past the ordinary quota: the highest charge in *peak;
 * 1000 * rounds run + the most keys one round made (or grew). */
static int do_a12_racing_adds(const void *p)
{
	const struct a12_keyrace *race = p;
	unsigned *peak = race->peak, keys, bytes;
	long rings[A12_RACE_THREADS];
	int rounds = 0, most = 0;
	unsigned floor = 4000; /* the charge each round waits to be back under */

	*peak = 0;
	for (int i = 0; i < A12_RACE_THREADS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "a12-ring-%d", i);
		rings[i] = syscall(SYS_add_key, "keyring", name, NULL, 0,
				   A12_KEY_SPEC_PROCESS_KEYRING);
		if (rings[i] < 0)
			return 990 + errno % 10;
	}
	if (race->update) {
		static char ballast[A12_UPDATE_LEVEL];

		if (!root_key_charge(&keys, &bytes) || bytes + 1000 > A12_UPDATE_LEVEL)
			return 989;
		memset(ballast, 'b', sizeof(ballast));
		if (syscall(SYS_add_key, "user", "a12-ballast", ballast,
			    (size_t)(A12_UPDATE_LEVEL - bytes), A12_KEY_SPEC_PROCESS_KEYRING) < 0)
			return 988;
		if (!root_key_charge(&keys, &bytes))
			return 989;
		floor = bytes + 1000;
	}
	for (; rounds < A12_RACE_ROUNDS && *peak <= A12_MAXBYTES; rounds++) {
		_Atomic int go = 0;
		struct a12_adder a[A12_RACE_THREADS];
		pthread_t t[A12_RACE_THREADS];
		int made = 0;

		for (int i = 0; i < A12_RACE_THREADS; i++) {
			a[i] = (struct a12_adder){.go = &go, .ring = rings[i], .index = i,
						  .round = rounds, .update = race->update};
			if (pthread_create(&t[i], NULL, a12_adder, &a[i]))
				return 998;
		}
		usleep(1000);
		atomic_store(&go, 1);
		for (int i = 0; i < A12_RACE_THREADS; i++) {
			pthread_join(t[i], NULL);
			made += a[i].made;
		}
		if (made > most)
			most = made;
		if (root_key_charge(&keys, &bytes) && bytes > *peak)
			*peak = bytes;
		for (int i = 0; i < A12_RACE_THREADS; i++)
			syscall(SYS_keyctl, A12_KEYCTL_CLEAR, rings[i]);
		/* the cleared keys are freed by the key collector: wait until they are */
		for (int i = 0; i < 1000; i++) {
			if (root_key_charge(&keys, &bytes) && bytes < floor)
				break;
			usleep(2000);
		}
	}
	return 1000 * rounds + most;
}

/* Racing adds (update false) or updates, unconfined and under a12-caps. */
static void a12_racing(bool update)
{
	const char *what = update ? "growing a 1-byte key to" : "adding a";
	struct a12_keyrace free_race = {.update = update}, confined_race = {.update = update};
	unsigned *peak;
	int confined, free_root;
	long mark;

	a12_setup();
	peak = mmap(NULL, 2 * sizeof(*peak), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	VM_CHECK(peak != MAP_FAILED);
	if (peak == MAP_FAILED)
		return;
	confined_race.peak = &peak[0];
	free_race.peak = &peak[1];
	VM_CHECK(a12_root_keys_below(100, 4000));
	free_root = in_cgroup(NULL, do_a12_racing_adds, &free_race);
	VM_CHECK(a12_root_keys_below(100, 4000));
	mark = event_mark();
	confined = in_cgroup(A12_CAPS, do_a12_racing_adds, &confined_race);
	printf("# %d threads %s %d-byte key each, into keyrings of their own, per round: "
	       "unconfined root %d (1000 * rounds + most made in one), charge up to %u bytes; "
	       "under a12-caps %d, up to %u bytes (ordinary quota %d)\n",
	       A12_RACE_THREADS, what, update ? A12_UPDATE_PAYLOAD + 1 : A12_RACE_PAYLOAD, free_root,
	       peak[1], confined, peak[0],
	       A12_MAXBYTES);
	if (free_root % 1000 != A12_RACE_THREADS || peak[1] <= A12_MAXBYTES)
		VM_FAIL("control: the unconfined root %d, charge %u (expected both keys, past %d)",
			free_root, peak[1], A12_MAXBYTES);
	if (peak[0] > A12_MAXBYTES)
		VM_FAIL("racing %s took the root user's keys to %u bytes, past the ordinary "
			"quota's %d (%d)",
			update ? "updates" : "adds", peak[0], A12_MAXBYTES, confined);
	if (confined % 1000 != 1)
		VM_FAIL("a confined root's racing %s: %d (expected one key a round)",
			update ? "updates" : "adds", confined);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"hook\":\"capable\"",
			   "\"policy\":\"a12-caps\"", "\"path\":\"CAP_SYS_RESOURCE\"", "\"uid\":0");
	munmap(peak, 2 * sizeof(*peak));
	VM_CHECK(a12_root_keys_below(100, 4000));
}

/* Found open by attack run 12: two racing add_key calls into two keyrings of the process both
 * passed key_alloc's count before either payload was charged: both 12,000-byte keys made, the
 * root user at 24,109 bytes, past the ordinary quota's 20,000 (round 1 of one VM run, round 126
 * of another). Closed: payloads reserved at key_alloc until add_key returns (reserve.bpf.h).
 * Safe: one key a round, EDQUOT for the other. */
VM_TEST(a12_root_key_quota_racing_adds, 375)
{
	a12_racing(false);
}

/* The lead's variant: the same race by KEYCTL_UPDATE of two 1-byte keys to 4,001 bytes, the
 * root user's charge raised to 14,000 bytes first (key_payload_reserve after key_permission).
 * Safe: one grows a round, EDQUOT for the other. */
VM_TEST(a12_root_key_quota_racing_updates, 377)
{
	a12_racing(true);
}
