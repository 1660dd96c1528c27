// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-protection, built in for every policy: what a confined task could otherwise use to get
 * out from under lsmguard. Each is a protection (LG_BUILTIN_PROTECTIONS): denied (EPERM) and
 * reported as denied in every mode, audit mode included, since a policy's mode decides how its
 * own service is confined, not whether lsmguard and the other policies stay in force. No rule:
 * the event's "source" names the protection.
 *
 *  - lsm/bpf: every bpf() system call. With it a confined root task could open lsmguard's pinned
 *    maps and rewrite its own cgroup's binding, or load programs of its own.
 *  - lsm/kernel_load_data, lsm/kernel_read_file: loading a kernel module (init_module,
 *    finit_module) or a kexec image; lsm/kernel_module_request and lsm/key_alloc: the kernel
 *    loading a module or running /sbin/request-key for the task (autoload, key upcalls).
 *  - lsm/path_notify: fanotify permission events and whole-filesystem marks (host-control).
 *  - lsm/ptrace_access_check: tracing (ptrace, /proc/PID/mem, process_vm_*) a task that is not
 *    under the same policy: an unconfined task, or one under another policy.
 *  - lsm/sb_umount: unmounting a bpffs, which would release the pins (removing and renaming pins
 *    is refused in links.bpf.c).
 *  - lsm/task_kill: any signal (0 included) to a task running lsmguard's executable, and any
 *    signal but 0 to PID 1 of the initial pid namespace (systemd: SIGRTMIN+1 isolates
 *    rescue.target, which stops lsmguard; SIGRTMIN+4 powers off; SIGHUP reloads). Every
 *    sender goes through it: kill, kill(-pgrp), kill(-1) (once per target), tkill, tgkill,
 *    rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal. Stopping or killing the daemon does
 *    not end enforcement (the pins hold it), but it blinds it: no events, no reloads. PID 1's
 *    own signals to a daemon run with --stop-guard, before `lsmguard stop`, are refused for
 *    every sender's sake (lg_init_signals_guarded: a unit's PIDFile= naming it). And any
 *    signal but 0 to systemd-journald (lg_task_is_journald): stopping it blinds every log on
 *    the host, lsmguard's events among them.
 *  - lsm/task_setnice, lsm/task_setscheduler, lsm/task_setioprio, lsm/task_setrlimit: changing
 *    a task running lsmguard's executable: its nice value (setpriority, for one process, a
 *    process group or a user), its scheduling policy or CPU affinity (sched_setscheduler,
 *    sched_setattr, sched_setaffinity), its I/O priority (ioprio_set) or a resource limit
 *    (prlimit64 on another process; task_prlimit sees credentials only, task_setrlimit the
 *    target). SCHED_IDLE, nice 19 or RLIMIT_NOFILE 3 starve the daemon as SIGSTOP would. Its
 *    /proc/PID files (oom_score_adj, oom_adj) are refused in file_open (files.bpf.c).
 *  - lsm/perf_event_alloc: a perf event on a task outside the own policy (CAP_PERFMON skips the
 *    kernel's ptrace check, and sampling reads the target's registers and user stack), or with
 *    no task at all (CPU-wide, pid -1, or a cgroup event: every task on that CPU). It runs once
 *    the event knows its target (lsm/perf_event_open runs before the pid is looked up), for
 *    perf_event_open and for events inherited at fork (same policy: allowed).
 *  - lsm/file_send_sigiotask: the signal a file's owner (F_SETOWN) gets on I/O, which F_SETSIG
 *    can make any signal, SIGKILL included: to lsmguard, refused whoever causes the I/O (the
 *    sender is the task that wrote, not the one that set the owner; lsmguard uses no SIGIO);
 *    to PID 1 and to systemd-journald (any signal), refused whoever causes the I/O. To a
 *    process of another policy than the confined task's that set the owner (fentry/__f_setown
 *    records it), refused unless that policy says signal-others = allow (as task_kill).
 *
 * And for every task, under a policy or not, unless it runs lsmguard's own executable:
 *  - lsm/bpf_map: a file descriptor with write access to one of lsmguard's maps (lg_*), from
 *    BPF_MAP_GET_FD_BY_ID or BPF_OBJ_GET (read-only access stays allowed: bpftool map dump);
 *  - lsm/sb_umount: unmounting the bpffs that holds lsmguard's pins;
 *  - removing or renaming a pin (links.bpf.c).
 * Links of LSM and tracing programs cannot be detached or updated through bpf() on these kernels
 * (no detach or update operation), so dropping the pins is the only other way to end enforcement,
 * and `lsmguard unload` is the one that is allowed.
 */
#include "cache.bpf.h" /* lg_epochs: LG_EPOCH_STOP_GUARD */
#include "mounted.bpf.h" /* lg_umount_walk */

#define FMODE_WRITE 0x2

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/bpf")
int BPF_PROG(lg_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	static const char what[] = "bpf()";

	if (ret)
		return ret;
	return lg_current_builtin_deny(LG_HOOK_BPF, LG_BUILTIN_BPF, what, sizeof(what));
}

static __always_inline int lg_module_check(int id_is_module_or_kexec)
{
	static const char what[] = "kernel module or kexec image";

	if (!id_is_module_or_kexec)
		return 0;
	return lg_current_builtin_deny(LG_HOOK_KERNEL_MODULE, LG_BUILTIN_MODULE, what,
				       sizeof(what));
}

SEC("lsm/kernel_load_data")
int BPF_PROG(lg_kernel_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret)
		return ret;
	return lg_module_check(id == LOADING_MODULE || id == LOADING_KEXEC_IMAGE);
}

/*
 * A module the kernel loads on the task's behalf (request_module: a socket of a protocol family
 * or type not loaded yet, a device node of a driver not loaded, a filesystem type, a crypto
 * algorithm, a line discipline): the kernel runs the kernel.modprobe helper as root, outside
 * every policy, with a name the task chose, and loads kernel code the task may not load
 * itself. Refused like loading a module (LG_BUILTIN_MODULE): the kernel's caller then sees the
 * module missing (EAFNOSUPPORT, ENODEV, ...). Modules a service needs are loaded at boot
 * (modules-load.d) or by an administrator, or the policy says [system] module-autoload = allow
 * (counted as allowed): then any module with an alias the task can name is loaded. The name is
 * the kernel's (an alias such as net-pf-12), and what modprobe then runs is the host's own
 * configuration, which lsmguard already keeps from confined tasks (host code): nothing else is
 * decided here.
 */
/* Whether the module the kernel asks for is a device number's driver (an unreadable name is). */
static __always_inline bool lg_is_device_module(const char *kmod_name)
{
	static const char chr[] = "char-major-", blk[] = "block-major-";
	char name[16] = {};
	bool is_chr = true, is_blk = true;

	if (bpf_probe_read_kernel_str(name, sizeof(name), kmod_name) <= 0)
		return true;
	for (unsigned int i = 0; i < sizeof(chr) - 1; i++)
		is_chr = is_chr && name[i] == chr[i];
	for (unsigned int i = 0; i < sizeof(blk) - 1; i++)
		is_blk = is_blk && name[i] == blk[i];
	return is_chr || is_blk;
}

/*
 * The crypto manager's probe (attack run 30): a confined task asking the crypto API for an
 * algorithm "TEMPLATE(ARGS)" it does not have (keyctl's KEYCTL_DH_COMPUTE with a KDF hash,
 * AF_ALG's bind, any kernel user of a name the caller chooses) gets its own
 * request_module("crypto-TEMPLATE(ARGS)") refused here, but the API then starts a kernel thread
 * (cryptomgr_probe, in the root cgroup, under no policy) that asks for "crypto-TEMPLATE" and
 * for the modules of its arguments as root: any module with a crypto- alias, named by the
 * caller. The template names (with a parenthesis: only they start a probe) a confined task
 * (whose policy does not say module-autoload = allow) looks up are remembered for ten seconds
 * (an LRU of 4,096: evicting one in the moment between a lookup and its probe's request would
 * take thousands of lookups, each starting a probe thread of its own), at the lookup
 * (fentry/crypto_alg_mod_lookup, every name however long: request_module refuses a module name
 * past 55 bytes before asking this hook, so a long name never reaches it) and at its refused
 * module request (a short name whose fentry the kernel skipped); a cryptomgr_probe thread's
 * module request is refused while the larval it probes (its kthread data's larval) has such a
 * name, and the names that thread looks up are remembered in turn (review 55: "hmac(T(x))" with
 * hmac built in made a second probe thread for "T(x)" from the first, under no policy). The
 * thread's refusal has no event (no policy is its own): the caller's refusal names the
 * algorithm when its name is short enough to be asked for. An unconfined lookup of the same
 * name meanwhile meets the refusal too (stricter, for ten seconds after a confined task's last
 * lookup of it). Names are compared on their first 63 bytes.
 */
#define LG_CRYPTO_NAME 64
#define LG_CRYPTO_MEMORY_NS (10ULL * 1000000000ULL)
#define LG_PF_KTHREAD 0x00200000

struct lg_crypto_name {
	char name[LG_CRYPTO_NAME];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lg_crypto_name);
	__type(value, __u64);
} lg_crypto_refused __weak SEC(".maps");

extern const void cryptomgr_probe __ksym __weak;

/* 6.1's struct kthread (kernel/kthread.c), reached by a kernel thread's worker_private, and
 * crypto/algboss.c's probe parameters: their fields by name. */
struct kthread___lg {
	int (*threadfn)(void *);
	void *data;
} __attribute__((preserve_access_index));

struct cryptomgr_param___lg {
	struct crypto_larval *larval;
} __attribute__((preserve_access_index));

/* The algorithm name of a "crypto-NAME" or "crypto-NAME-all" module request, in key (zeroed
 * past it); false for another module. */
static __always_inline bool lg_crypto_request_name(const char *kmod_name, struct lg_crypto_name *key)
{
	static const char prefix[] = "crypto-";
	char buf[LG_CRYPTO_NAME + 8] = {};
	int len = 0;

	if (bpf_probe_read_kernel_str(buf, sizeof(buf), kmod_name) <= 0)
		return false;
	for (int i = 0; i < (int)sizeof(prefix) - 1; i++)
		if (buf[i] != prefix[i])
			return false;
	for (int i = 0; i < LG_CRYPTO_NAME - 1; i++) {
		char c = buf[sizeof(prefix) - 1 + i];

		if (!c)
			break;
		key->name[i] = c;
		len = i + 1;
	}
	if (len >= 4 && key->name[len - 4] == '-' && key->name[len - 3] == 'a' &&
	    key->name[len - 2] == 'l' && key->name[len - 1] == 'l')
		key->name[len - 4] = key->name[len - 3] = key->name[len - 2] = key->name[len - 1] = 0;
	return len > 0;
}

/* Whether the current task is a cryptomgr_probe thread probing a name a confined task's own
 * request was refused for, in the last minute. */
static __always_inline bool lg_crypto_probe_refused(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cryptomgr_param___lg *param;
	struct kthread___lg *kthread;
	struct crypto_larval *larval;
	struct lg_crypto_name key = {};
	__u64 *when;

	if (!(task->flags & LG_PF_KTHREAD) || !&cryptomgr_probe)
		return false;
	kthread = (struct kthread___lg *)BPF_CORE_READ(task, worker_private);
	if (!kthread || (const void *)BPF_CORE_READ(kthread, threadfn) != &cryptomgr_probe)
		return false;
	param = (struct cryptomgr_param___lg *)BPF_CORE_READ(kthread, data);
	if (!param)
		return false;
	larval = BPF_CORE_READ(param, larval);
	if (!larval)
		return false;
	bpf_probe_read_kernel_str(key.name, sizeof(key.name),
				  __builtin_preserve_access_index(&larval->alg.cra_name));
	when = bpf_map_lookup_elem(&lg_crypto_refused, &key);
	return when && bpf_ktime_get_boot_ns() - *when < LG_CRYPTO_MEMORY_NS;
}

/* Whether a name has a parenthesis in its first 63 bytes (a template: only such a name
 * starts a probe). */
static __always_inline bool lg_crypto_is_template(const struct lg_crypto_name *key)
{
	for (int i = 0; i < LG_CRYPTO_NAME; i++) {
		if (!key->name[i])
			return false;
		if (key->name[i] == '(')
			return true;
	}
	return false;
}

/* A crypto API lookup of a template by a confined task that may not load modules, or by a
 * probe thread working for one: its name remembered. */
SEC("fentry/crypto_alg_mod_lookup")
int BPF_PROG(lg_crypto_lookup, const char *name, __u32 type, __u32 mask)
{
	const struct lg_policy_value *policy;
	struct lg_crypto_name key = {};
	__u64 cgroup_id = 0, now;

	if (!name || bpf_probe_read_kernel_str(key.name, sizeof(key.name), name) <= 0 ||
	    !lg_crypto_is_template(&key))
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (policy ? (policy->flags & LG_POLICY_SYSTEM_MODULE_AUTOLOAD)
		   : !lg_crypto_probe_refused())
		return 0;
	now = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&lg_crypto_refused, &key, &now, BPF_ANY);
	return 0;
}

SEC("lsm/kernel_module_request")
int BPF_PROG(lg_kernel_module_request, char *kmod_name, int ret)
{
	static const char what[] = "a module loaded for it (request_module)";
	const struct lg_policy_value *policy;
	struct lg_crypto_name key = {};
	__u64 cgroup_id = 0, now;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return lg_crypto_probe_refused() ? -EPERM : 0;
	/*
	 * "char-major-M-m" and "block-major-M-m": the driver of a device number, asked by the
	 * open of a node (chrdev_open, misc_open, blkdev_get) after file_open has decided on a
	 * number no driver had registered, so without its class (devices.bpf.c): sg's SCSI
	 * commands by write(), nvram. Refused whatever module-autoload says (review of the
	 * session's changes).
	 */
	if ((policy->flags & LG_POLICY_SYSTEM_MODULE_AUTOLOAD) && !lg_is_device_module(kmod_name)) {
		lg_count_allowed(policy->id, LG_HOOK_MODULE_REQUEST);
		return 0;
	}
	ret = lg_builtin_deny(policy, cgroup_id, LG_HOOK_MODULE_REQUEST, LG_BUILTIN_MODULE, what,
			      sizeof(what));
	if (ret && lg_crypto_request_name(kmod_name, &key)) {
		now = bpf_ktime_get_boot_ns();
		bpf_map_update_elem(&lg_crypto_refused, &key, &now, BPF_ANY);
	}
	return ret;
}

/*
 * request_key()'s upcall: for a key it cannot find, the kernel makes an authorisation key
 * (type ".request_key_auth") and runs /sbin/request-key as root, outside every policy, with
 * the type, description and callout data the caller chose (request-key.conf then picks a
 * program). Refused when the authorisation key is allocated, in the caller's context, like a
 * module autoload (LG_BUILTIN_MODULE): request_key() fails. Keys the task adds or looks up
 * itself (add_key, keyctl, a found key) are not decided here.
 */
extern const void key_type_request_key_auth __ksym __weak;

SEC("lsm/key_alloc")
int BPF_PROG(lg_key_alloc, struct key *key, const struct cred *cred, unsigned long flags, int ret)
{
	static const char what[] = "a key upcall (request_key)";

	if (ret || !&key_type_request_key_auth ||
	    (const void *)BPF_CORE_READ(key, type) != &key_type_request_key_auth)
		return ret;
	return lg_current_builtin_deny(LG_HOOK_KEY_ALLOC, LG_BUILTIN_MODULE, what, sizeof(what));
}

/*
 * fanotify and inotify marks (security_path_notify): permission events (FAN_OPEN_PERM,
 * FAN_ACCESS_PERM, FAN_OPEN_EXEC_PERM) make the marker decide other processes' opens and execs
 * (lsmguard's executable and policy files among them: refused, or held unanswered for ever);
 * a mark on a whole filesystem or mount (FAN_MARK_FILESYSTEM, FAN_MARK_MOUNT) reports every
 * open, write and exec on the host. Both refused (LG_BUILTIN_HOST_CONTROL); notification marks
 * on an inode (inotify, fanotify's own) are left to the kernel's permission checks.
 */
#define LG_FS_PERM_EVENTS 0x70000 /* FS_OPEN_PERM, FS_ACCESS_PERM, FS_OPEN_EXEC_PERM */
#define LG_FSNOTIFY_OBJ_INODE 0	  /* FSNOTIFY_OBJ_TYPE_INODE; 1 vfsmount, 2 sb */

SEC("lsm/path_notify")
int BPF_PROG(lg_path_notify, const struct path *path, __u64 mask, unsigned int obj_type, int ret)
{
	static const char perm[] = "fanotify permission events";
	static const char whole[] = "fanotify marks on a whole filesystem or mount";

	if (ret)
		return ret;
	if (mask & LG_FS_PERM_EVENTS)
		return lg_current_builtin_deny(LG_HOOK_PATH_NOTIFY, LG_BUILTIN_HOST_CONTROL, perm,
					       sizeof(perm));
	if (obj_type != LG_FSNOTIFY_OBJ_INODE)
		return lg_current_builtin_deny(LG_HOOK_PATH_NOTIFY, LG_BUILTIN_HOST_CONTROL, whole,
					       sizeof(whole));
	return 0;
}

SEC("lsm/kernel_read_file")
int BPF_PROG(lg_kernel_read_file, struct file *file, enum kernel_read_file_id id, bool contents,
	     int ret)
{
	if (ret)
		return ret;
	return lg_module_check(id == READING_MODULE || id == READING_KEXEC_IMAGE ||
			       id == READING_KEXEC_INITRAMFS);
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(lg_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	static const char what[] = "a task under another policy or none";
	const struct lg_policy_value *policy;
	bool unknown = false;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (lg_policy_ids_same(lg_task_policy(child, &unknown), policy->id) && !unknown)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_PTRACE, LG_BUILTIN_PTRACE, what,
			       sizeof(what));
}

SEC("lsm/sb_umount")
int BPF_PROG(lg_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	static const char what[] = "bpffs";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	if (BPF_CORE_READ(mnt, mnt_sb, s_magic) != BPF_FS_MAGIC) {
		struct lg_config *config;
		struct lg_umount_walk w;
		__u32 zero = 0;

		/* A lazy unmount of a tree that holds lsmguard's bpffs where the host sees it: in
		 * the host's namespace, or under a parent whose peers reach another namespace (a
		 * copy of /sys in a namespace of its own whose "/" is not recursively private:
		 * the unmount of the bpffs propagates to the host's, attack run 25's 2506).
		 * Whoever asks. A tree too big to walk whole is decided by what was walked
		 * (review 47, H1: a copy of the host's tree is unmounted so by every container
		 * runtime). */
		config = bpf_map_lookup_elem(&lg_config_map, &zero);
		if (!(flags & MNT_DETACH) || !config || !config->pin_dev || lg_is_lsmguard())
			return 0;
		lg_umount_walk(mnt, config->pin_dev, &w);
		if (!w.pins)
			return 0;
		policy = lg_current_policy(&cgroup_id);
		return lg_builtin_deny(policy ? policy : &lg_no_policy, cgroup_id, LG_HOOK_SB_UMOUNT,
				       policy ? LG_BUILTIN_BPFFS : LG_BUILTIN_SELF, what,
				       sizeof(what));
	}
	policy = lg_current_policy(&cgroup_id);
	if (policy)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SB_UMOUNT, LG_BUILTIN_BPFFS, what,
				       sizeof(what));
	if (!lg_in_pin_fs(BPF_CORE_READ(mnt, mnt_root)) || lg_is_lsmguard())
		return 0;
	return lg_builtin_deny(&lg_no_policy, 0, LG_HOOK_SB_UMOUNT, LG_BUILTIN_SELF, what,
			       sizeof(what));
}

/* lsmguard's maps: their names start with "lg_" (BPF map names are set by the object). */
static __always_inline bool lg_is_own_map(struct bpf_map *map)
{
	char name[4] = {};

	bpf_probe_read_kernel(name, 3, map->name);
	return name[0] == 'l' && name[1] == 'g' && name[2] == '_';
}

SEC("lsm/bpf_map")
int BPF_PROG(lg_bpf_map, struct bpf_map *map, fmode_t fmode, int ret)
{
	static const char what[] = "lsmguard's maps";

	if (ret)
		return ret;
	if (!(fmode & FMODE_WRITE) || !lg_is_own_map(map) || lg_is_lsmguard())
		return 0;
	return lg_builtin_deny(&lg_no_policy, 0, LG_HOOK_BPF_MAP, LG_BUILTIN_SELF, what,
			       sizeof(what));
}

/*
 * Whether a signal from the current task is PID 1 signalling the daemon whose stop only
 * `lsmguard stop` begins (LG_EPOCH_STOP_GUARD, set by `lsmguard run --stop-guard`). The service
 * manager signals a unit's main pid when it stops the unit, and it takes that pid from the
 * unit: a confined Type=forking root service whose PIDFile= names the daemon (systemd 252
 * accepts a pid outside the unit from a root-owned pid file) would have PID 1 stop lsmguard at
 * the unit's stop, restart, watchdog or runtime limit. lsmguard.service's own stop runs
 * ExecStop=lsmguard stop first, which clears the guard. Signal 0 only probes (systemd asks
 * whether a main pid is alive with it). The tgid alone could be a new process's after the
 * daemon died, so the task must run lsmguard's executable too.
 */
static __always_inline bool lg_init_signals_guarded(struct task_struct *p, int sig)
{
	__u32 index = LG_EPOCH_STOP_GUARD;
	__u64 *guard;

	if (!sig || bpf_get_current_pid_tgid() >> 32 != 1)
		return false;
	guard = bpf_map_lookup_elem(&lg_epochs, &index);
	return guard && *guard && *guard == (__u64)BPF_CORE_READ(p, tgid) &&
	       lg_task_is_lsmguard(p, false);
}

SEC("lsm/task_kill")
int BPF_PROG(lg_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	static const char what[] = "lsmguard";
	static const char init[] = "PID 1 (the service manager)";
	static const char journal[] = "systemd-journald (the journal)";
	static const char other[] = "a process outside the policy";
	static const char guarded[] = "lsmguard (a unit's main pid?), by PID 1";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	if (lg_init_signals_guarded(p, sig))
		return lg_builtin_deny(&lg_no_policy, 0, LG_HOOK_TASK_KILL, LG_BUILTIN_STOP_GUARD,
				       guarded, sizeof(guarded));
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* journald: SIGSTOP blinds every log on the host, lsmguard's events among them (its
	 * output does not block, but nothing is stored); SIGKILL, SIGTERM or SIGABRT lose what
	 * it holds. Signal 0 only probes. */
	if (sig && lg_task_is_journald(p))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_TASK_KILL, LG_BUILTIN_SIGNAL,
				       journal, sizeof(journal));
	/* PID 1: every real signal is a request to systemd (SIGRTMIN+n isolates a target or
	 * powers off, SIGHUP reloads, SIGTERM re-executes, SIGUSR1 reconnects the bus, SIGINT is
	 * ctrl-alt-del); signal 0 only probes that it exists, which everyone knows. */
	if (sig && lg_task_is_init(p))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_TASK_KILL, LG_BUILTIN_SIGNAL,
				       init, sizeof(init));
	if (lg_task_is_lsmguard(p, false))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_TASK_KILL, LG_BUILTIN_SIGNAL,
				       what, sizeof(what));
	/* Processes outside the policy, another service's or the host's own (udevd, cron, an
	 * administrator's shell): stopped, killed, made to reload, unless the policy opts in
	 * (logrotate). Signal 0 only probes. */
	if (sig && !(policy->flags & LG_POLICY_SYSTEM_SIGNAL_OTHERS) &&
	    lg_task_of_other_policy(p, policy->id))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_TASK_KILL,
				       LG_BUILTIN_OTHER_POLICY, other, sizeof(other));
	return 0;
}

/*
 * Who set a file's owner, for the signals its I/O sends (file_send_sigiotask): by the struct
 * file's address, the cgroup whose binding put the setter under its policy (the policy found
 * again there at each signal: a reload gives it a new id). Only owners a confined task set to
 * something other than its own process or thread are recorded: the pre-check (meta.bpf.c,
 * file_fcntl and file_ioctl) lets it name only its own process group besides, and the others
 * come from a race with that check or from a route without one (a tty's O_ASYNC). Removed when
 * an unconfined task sets the owner at that address (a freed file's record stays until then:
 * a file whose owner is never set sends nothing, see lg_sigio_owner_set); a confined task's later
 * setting of its own process replaces the record with its own (never removes it: two of its
 * threads racing could otherwise leave another's owner unrecorded).
 */
#define LG_MAX_SIGIO_OWNERS 65536

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_SIGIO_OWNERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u64);
} lg_sigio_owners SEC(".maps");

/* The file of the task's __f_setown that lg_sigio_owner_set ran for (lg_sigio_owner_checked). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} lg_setown_seen SEC(".maps");

#define LG_SIGKILL 9

/* 6.1's struct file holds its fown_struct; 6.12 points to one (which points back: ->file). */
struct file___v61 {
	struct fown_struct f_owner;
} __attribute__((preserve_access_index));

/* The pid a file's owner is now (NULL: none). */
static __always_inline struct pid *lg_file_owner_pid(struct file *file)
{
	if (bpf_core_field_exists(struct fown_struct, file))
		return BPF_CORE_READ(file, f_owner, pid);
	return BPF_CORE_READ((struct file___v61 *)file, f_owner.pid);
}

/* The file a fown_struct is the owner of. */
static __always_inline __u64 lg_fown_file(struct fown_struct *fown)
{
	if (bpf_core_field_exists(struct fown_struct, file))
		return (__u64)BPF_CORE_READ(fown, file);
	return (__u64)fown - bpf_core_field_offset(struct file___v61, f_owner);
}

/*
 * Every way an owner is set passes here, in the setter's context (fcntl F_SETOWN and
 * F_SETOWN_EX, FIOSETOWN and SIOCSPGRP through sock_ioctl, a tty's O_ASYNC, leases and dnotify
 * with the caller's own pid): 6.1 calls it out of line from each (exported). force == 0 keeps
 * an owner already set.
 */
SEC("fentry/__f_setown")
int BPF_PROG(lg_sigio_owner_set, struct file *filp, struct pid *pid, enum pid_type type,
	     int force)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct lg_policy_value *policy;
	__u64 key = (__u64)filp, cgroup_id = 0, bound = 0, *seen;
	bool unknown = false, own;

	policy = lg_current_policy(&cgroup_id);
	if (policy) {
		/* This run is seen by lg_sigio_owner_checked (below), which follows it. */
		seen = lg_task_storage_create(&lg_setown_seen, task);
		if (seen)
			*seen = key;
	}
	if (!force && lg_file_owner_pid(filp))
		return 0;
	if (!policy) {
		bpf_map_delete_elem(&lg_sigio_owners, &key);
		return 0;
	}
	/* Its own process or thread: not its process group or session, whose pid is the
	 * leader's too (attack run 8: a leader naming its own group signalled the group's other
	 * members, under another policy or none) */
	own = !pid || ((type == PIDTYPE_PID || type == PIDTYPE_TGID) &&
		       (pid == task->thread_pid || pid == task->group_leader->thread_pid));
	if (own && !bpf_map_lookup_elem(&lg_sigio_owners, &key))
		return 0;
	/* Deeper than the walk: recorded as 0, refused to every task under a policy. */
	lg_task_binding(task, &bound, &unknown);
	/*
	 * A full map cannot hold this owner, and the setting cannot be refused here: the setter
	 * is killed, before the owner can be used (SIGKILL is taken on its way back to user
	 * space; the file has no signal until I/O happens, which the setter's own code would
	 * cause). A record is a file a confined task gave another owner, which the setting
	 * checks (meta.bpf.c) refuse but to a racing thread or a tty's O_ASYNC. A freed file's
	 * record stays (no program on every file's free: the open+close cost) until its address
	 * is another file's whose owner is set, when this program rewrites or removes it; a file
	 * whose owner was never set sends no signal, so a stale record decides nothing.
	 */
	if (bpf_map_update_elem(&lg_sigio_owners, &key, &bound, BPF_ANY))
		bpf_send_signal(LG_SIGKILL);
	return 0;
}

/*
 * The fentry program above is skipped when it is already running on the CPU (a tracing
 * program's recursion check; under preempt=full, another task preempted inside it: 3% of a
 * storm's settings on one CPU were skipped). __f_setown then calls security_file_set_fowner,
 * an LSM hook, never skipped: a confined setter whose run the fentry did not mark here is
 * recorded as the fentry records an owner that is not its own (its binding), whatever owner it
 * named: a signal to a process of another policy is then refused (fail closed), its own
 * policy's processes still get theirs.
 */
SEC("lsm/file_set_fowner")
int BPF_PROG(lg_sigio_owner_checked, struct file *file)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 key = (__u64)file, cgroup_id = 0, bound = 0, *seen;
	bool unknown = false;

	if (!lg_current_policy(&cgroup_id))
		return 0;
	seen = bpf_task_storage_get(&lg_setown_seen, task, 0, 0);
	if (seen && *seen == key) {
		*seen = 0;
		return 0;
	}
	lg_task_binding(task, &bound, &unknown);
	if (bpf_map_update_elem(&lg_sigio_owners, &key, &bound, BPF_ANY))
		bpf_send_signal(LG_SIGKILL); /* as lg_sigio_owner_set's full map */
	return 0;
}

/*
 * The policy of the task that set the owner of the file whose fown this is, when it was
 * confined and named someone other than itself: 0, else the policy (nothing recorded, or
 * that policy is gone: the setter is under none now). *bound: the binding's cgroup.
 */
static __always_inline const struct lg_policy_value *lg_sigio_setter(struct fown_struct *fown,
								   __u64 *bound)
{
	__u64 key = lg_fown_file(fown);
	const struct lg_policy_value *policy;
	__u32 *binding, policy_id;
	__u64 *recorded;

	recorded = bpf_map_lookup_elem(&lg_sigio_owners, &key);
	if (!recorded)
		return 0;
	*bound = *recorded;
	if (!*bound)
		return &lg_no_policy; /* a setter too deep to walk: somebody else's */
	binding = bpf_map_lookup_elem(&lg_cgroup_policy, bound);
	if (!binding)
		return 0;
	policy_id = lg_binding_read(*bound, binding);
	policy = bpf_map_lookup_elem(&lg_policies, &policy_id);
	if (!policy || policy->id != policy_id)
		return 0;
	return policy;
}

SEC("lsm/file_send_sigiotask")
int BPF_PROG(lg_file_send_sigiotask, struct task_struct *tsk, struct fown_struct *fown, int sig,
	     int ret)
{
	static const char what[] = "lsmguard (SIGIO)";
	static const char init[] = "PID 1 (the service manager) (SIGIO)";
	static const char journal[] = "systemd-journald (the journal) (SIGIO)";
	static const char other[] = "a process of another policy (SIGIO)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0, bound = 0;

	if (ret)
		return ret;
	if (lg_task_is_journald(tsk)) {
		/* As for PID 1: whoever does the I/O; journald sets no file owner. */
		policy = lg_current_policy(&cgroup_id);
		if (!policy)
			policy = &lg_no_policy;
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_SEND_SIGIOTASK,
				       LG_BUILTIN_SIGNAL, journal, sizeof(journal));
	}
	if (lg_task_is_init(tsk)) {
		/*
		 * F_SETOWN 1 and F_SETSIG: any signal to systemd, raised by whoever does the I/O
		 * next, an unconfined writer or a packet in softirq as well as the task that set
		 * the owner (which the hook cannot see). systemd takes no SIGIO: refused to all.
		 */
		policy = lg_current_policy(&cgroup_id);
		if (!policy)
			policy = &lg_no_policy;
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_SEND_SIGIOTASK,
				       LG_BUILTIN_SIGNAL, init, sizeof(init));
	}
	/* lsmguard, which sets no file owner: refused whoever does the I/O (in softirq current
	 * is whoever was interrupted). A process running lsmguard's executable is no exception:
	 * a confined task ran `lsmguard check` with its output on a pipe whose owner was the
	 * daemon (attack run 6). */
	if (lg_task_is_lsmguard(tsk, false)) {
		policy = lg_current_policy(&cgroup_id);
		if (!policy)
			policy = &lg_no_policy;
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_SEND_SIGIOTASK,
				       LG_BUILTIN_SIGNAL, what, sizeof(what));
	}
	/*
	 * Another policy's process, named by a confined task (F_SETOWN...): refused as that
	 * task's own kill() would be, whoever does the I/O now, and reported under the setter's
	 * policy. Each process of a process group is decided here on its own, at each signal.
	 */
	policy = lg_sigio_setter(fown, &bound);
	if (!policy || (policy->flags & LG_POLICY_SYSTEM_SIGNAL_OTHERS) ||
	    !lg_task_of_other_policy(tsk, policy->id))
		return 0;
	return lg_builtin_deny(policy, bound, LG_HOOK_FILE_SEND_SIGIOTASK, LG_BUILTIN_OTHER_POLICY,
			       other, sizeof(other));
}

SEC("lsm/perf_event_alloc")
int BPF_PROG(lg_perf_event_alloc, struct perf_event *event, int ret)
{
	static const char what[] = "perf event on a task outside the policy, or CPU-wide";
	const struct lg_policy_value *policy;
	struct task_struct *target;
	bool unknown = false;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	target = BPF_CORE_READ(event, hw.target);
	if (target && lg_policy_ids_same(lg_task_policy(target, &unknown), policy->id) && !unknown)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_PERF_EVENT_ALLOC, LG_BUILTIN_PERF, what,
			       sizeof(what));
}

/*
 * Changing the priority, scheduling, I/O priority or limits of lsmguard, PID 1 or
 * systemd-journald: refused to confined tasks (prlimit(1, RLIMIT_NOFILE, 12) hangs the next
 * systemctl; SCHED_IDLE or nice 19 starves the manager or the journal under load).
 */
#define LG_TUNE_CHECK(target, hook, thing)                                                      \
	({                                                                                     \
		static const char mine[] = "lsmguard's " thing;                                \
		static const char init[] = "PID 1's (the service manager) " thing;             \
		static const char journal[] = "systemd-journald's " thing;                     \
		static const char other[] = "an outside process's " thing;                     \
		const struct lg_policy_value *policy;                                          \
		__u64 cgroup_id = 0;                                                           \
		int kind, verdict = 0;                                                         \
                                                                                               \
		policy = lg_current_policy(&cgroup_id);                                        \
		kind = policy ? lg_task_protected_kind(target) : 0;                            \
		if (policy && !kind && lg_task_of_other_policy(target, policy->id))           \
			kind = 4;                                                              \
		if (kind == 1)                                                                 \
			verdict = lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_TUNE, mine, \
						  sizeof(mine));                               \
		else if (kind == 2)                                                            \
			verdict = lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_TUNE, init, \
						  sizeof(init));                               \
		else if (kind == 3)                                                            \
			verdict = lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_TUNE,      \
						  journal, sizeof(journal));                   \
		else if (kind == 4)                                                            \
			verdict = lg_builtin_deny(policy, cgroup_id, hook,                      \
						  LG_BUILTIN_OTHER_POLICY, other, sizeof(other)); \
		verdict;                                                                       \
	})

SEC("lsm/task_setnice")
int BPF_PROG(lg_task_setnice, struct task_struct *p, int nice, int ret)
{
	if (ret)
		return ret;
	return LG_TUNE_CHECK(p, LG_HOOK_TASK_SETNICE, "nice value");
}

SEC("lsm/task_setscheduler")
int BPF_PROG(lg_task_setscheduler, struct task_struct *p, int ret)
{
	if (ret)
		return ret;
	return LG_TUNE_CHECK(p, LG_HOOK_TASK_SETSCHEDULER, "scheduling");
}

SEC("lsm/task_setioprio")
int BPF_PROG(lg_task_setioprio, struct task_struct *p, int ioprio, int ret)
{
	if (ret)
		return ret;
	return LG_TUNE_CHECK(p, LG_HOOK_TASK_SETIOPRIO, "I/O priority");
}

SEC("lsm/task_setrlimit")
int BPF_PROG(lg_task_setrlimit, struct task_struct *p, unsigned int resource,
	     struct rlimit *new_rlim, int ret)
{
	if (ret)
		return ret;
	return LG_TUNE_CHECK(p, LG_HOOK_TASK_SETRLIMIT, "resource limits");
}
