// SPDX-License-Identifier: GPL-2.0-only
/*
 * [capabilities]: lsm/capable, what a confined service keeps of its capabilities.
 *
 * The kernel calls this hook only after the capability LSM has found the capability in the
 * credentials (or granted it to the owner of a user namespace): it decides power the task has,
 * never grants any. A policy with a [capabilities] section (capabilities_rule set) keeps the
 * capabilities it lists; the use of any other is refused (the caller sees what a task without
 * the capability sees: EPERM from most calls, EACCES from some) and reported with the
 * capability's number. The verdict follows the policy's mode. A policy without the section is
 * not decided here: existing policies keep what they had, and the built-ins decide.
 *
 * What is decided: a check of the current task's own credentials (its subjective cred, which an
 * access(2) check or a kernel's override_creds replaces, or its objective one, which
 * has_capability(current) reads) held in the host's (the initial) user namespace, against that
 * namespace or any below it, with two exceptions:
 *  - the setup window (setup.bpf.h): systemd's child, before it executes the service, needs
 *    CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_SYS_RESOURCE... for the unit's sandboxing and
 *    credentials (PrivateTmp=, User=, LimitNOFILE=), as the mount and namespace built-ins let it;
 *  - the owner's grant under [system] userns = allow: in a user namespace created directly
 *    under the host's (or below such a one) whose owner is the task's effective uid, the kernel
 *    grants every capability whatever the task holds, as it does to any unprivileged user
 *    (unshare(CLONE_NEWUSER | CLONE_NEWNS) asks for CAP_SYS_ADMIN there). A policy that lets its
 *    service create user namespaces lets it use them; without userns = allow the service cannot
 *    create one, so such a namespace was made by someone else (for a root service: every
 *    root-owned namespace of the host, a container's) and is decided.
 * A task whose credentials live in a user namespace below the host's (it made one with userns =
 * allow, or systemd's PrivateUsers= put it there) holds its capabilities only over what that
 * namespace owns: the kernel confines them, and they are not decided here.
 * Checks of other credentials (another task's, a file opener's f_cred) are not decided: the
 * kernel asks about someone else, who may be under no policy (where it asks about a socket's
 * opener, it asks about the current task too). Credentials the kernel lends the task for a
 * while (overlayfs's mounter's) are its current ones, and decided.
 *
 * Probes (CAP_OPT_NOAUDIT: has_capability_noaudit, ns_capable_noaudit, ptrace's
 * PTRACE_MODE_NOAUDIT /proc checks) grant power like any check and are refused alike, counted,
 * but send no event: the kernel makes them in passing (listing /proc, OOM scoring) and a service
 * would flood the log with checks it never meant to make. learn does not see them either.
 *
 * CAP_DAC_READ_SEARCH refused to a policy that keeps CAP_DAC_OVERRIDE is counted but not
 * reported either: the kernel asks for it first on every read and directory search a file's mode
 * does not allow (generic_permission), then for CAP_DAC_OVERRIDE, which grants them; an event
 * would report a refusal that changed nothing. What only CAP_DAC_READ_SEARCH grants
 * (open_by_handle_at) stays refused.
 *
 * So is CAP_NET_ADMIN for setsockopt's SO_SNDBUFFORCE and SO_RCVBUFFORCE (a socket buffer past
 * the host's limits): libsystemd tries them first on every sd_notify and D-Bus connection and
 * falls back to the limited options, so every Type=notify root service would report one at
 * each notification (sshd: 25 in one realsvc run). The rest of CAP_NET_ADMIN is reported.
 *
 * This program runs after the built-ins on lsm/capable (mount.bpf.c, lockdown.bpf.c), which
 * name what they refuse; a capability kept here does not open what a built-in refuses.
 */
#include "setup.bpf.h"
#include "capability.bpf.h"
#include "reserve.bpf.h"

#define CAP_OPT_NOAUDIT 0x2 /* include/linux/security.h */
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_NET_ADMIN 12
/* setsockopt(SOL_SOCKET, SO_SNDBUFFORCE or SO_RCVBUFFORCE), x86-64 */
#define NR_SETSOCKOPT 54
#define SOL_SOCKET 1
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define LG_USERNS_LEVELS 34 /* create_user_ns refuses a parent deeper than 32: levels 0 to 33 */

char LICENSE[] SEC("license") = "GPL";

/* Whether the current system call is setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE | SO_RCVBUFFORCE). */
static __always_inline bool lg_forced_buffer(struct task_struct *current)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(current);
	unsigned long optname;

	if (!regs || (BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT) != NR_SETSOCKOPT ||
	    BPF_CORE_READ(regs, si) != SOL_SOCKET)
		return false;
	optname = BPF_CORE_READ(regs, dx);
	return optname == SO_SNDBUFFORCE || optname == SO_RCVBUFFORCE;
}

/*
 * Whether the kernel granted the capability in ns to cred (whose namespace is the initial one)
 * as the owner of a user namespace (cap_capable): ns lies below the initial namespace, and its
 * ancestor at level 1 (the one the owner test applies to) belongs to cred's effective uid.
 */
static __always_inline bool lg_owner_grant(const struct cred *cred, struct user_namespace *ns)
{
	for (int i = 0; i < LG_USERNS_LEVELS; i++) {
		if (!ns || BPF_CORE_READ(ns, level) <= 1)
			break;
		ns = BPF_CORE_READ(ns, parent);
	}
	return ns && BPF_CORE_READ(ns, level) == 1 &&
	       BPF_CORE_READ(ns, owner.val) == BPF_CORE_READ(cred, euid.val);
}

SEC("lsm/capable")
int BPF_PROG(lg_capable_keep, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct task_struct *current;
	const struct lg_policy_value *policy;
	struct lg_event *ev;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	current = bpf_get_current_task_btf();
	if (cred != current->cred && cred != current->real_cred)
		return 0;
	if (BPF_CORE_READ(cred, user_ns, level) != 0)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy || !policy->capabilities_rule)
		return 0;
	if (cap >= 0 && cap < 64 && ((policy->capabilities >> cap) & 1)) {
		lg_count_allowed(policy->id, LG_HOOK_CAPABLE);
		return 0;
	}
	if (lg_in_setup_window())
		return 0;
	if ((policy->flags & LG_POLICY_SYSTEM_USERNS) && lg_owner_grant(cred, ns))
		return 0;
	if ((opts & CAP_OPT_NOAUDIT) ||
	    (cap == CAP_DAC_READ_SEARCH && ((policy->capabilities >> CAP_DAC_OVERRIDE) & 1)) ||
	    (cap == CAP_NET_ADMIN && lg_forced_buffer(current)))
		return lg_deny(policy, LG_HOOK_CAPABLE);
	ev = lg_event_start(policy, cgroup_id, LG_HOOK_CAPABLE, LG_DECISION_FILE_WRITE,
			    policy->capabilities_rule, 0, lg_hash_mix(0x636170ULL, (__u64)cap), 0);
	if (ev) {
		ev->object.capability.number = (__u32)cap;
		ev->object.capability.ns_level = ns ? (__u32)BPF_CORE_READ(ns, level) : 0;
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_deny(policy, LG_HOOK_CAPABLE);
}

/*
 * The capability LSM's own checks (cap_capable called directly, never security_capable, so
 * lsm/capable does not run): CAP_SETPCAP for an inheritable set past the permitted one
 * (cap_inh_is_capped, at capset) and for PR_SET_SECUREBITS, CAP_SYS_RAWIO for a mapping below
 * vm.mmap_min_addr (cap_mmap_addr: the page a kernel NULL dereference reads). Each runs after
 * the capability LSM granted the use (the hooks are called in order, and a refusal stops them),
 * so these decide power the task has, as lg_capable_keep does, with the same exceptions: a
 * policy without [capabilities], credentials in a user namespace below the host's (the kernel
 * confines those), the setup window. The fourth, cap_vm_enough_memory (CAP_SYS_ADMIN's share of
 * the admin memory reserve under vm.overcommit_memory = 2), needs nothing: 6.1 asks every LSM and
 * BPF's own hook answers 0 ("no admin") for every task once bpf is in lsm=.
 */
#define CAP_SETPCAP 8
#define CAP_SYS_RAWIO 17
#define PR_SET_SECUREBITS 28
#define SIGKILL 9

/* An inheritable set past old's inheritable and permitted ones: granted by CAP_SETPCAP. Read as
 * 8 bytes: kernel_cap_t is two 32-bit words on 6.1, one 64-bit word from 6.3. */
SEC("lsm/capset")
int BPF_PROG(lg_capset_keep, struct cred *new, const struct cred *old,
	     const kernel_cap_t *effective, const kernel_cap_t *inheritable,
	     const kernel_cap_t *permitted, int ret)
{
	__u64 want = 0, had = 0, held = 0;

	if (ret)
		return ret;
	if (bpf_probe_read_kernel(&want, sizeof(want), inheritable) ||
	    bpf_probe_read_kernel(&had, sizeof(had), __builtin_preserve_access_index(&old->cap_inheritable)) ||
	    bpf_probe_read_kernel(&held, sizeof(held), __builtin_preserve_access_index(&old->cap_permitted)))
		return lg_cap_direct(CAP_SETPCAP, LG_HOOK_CAPSET, false, false); /* unread: as if past */
	if (!(want & ~(had | held)))
		return 0;
	return lg_cap_direct(CAP_SETPCAP, LG_HOOK_CAPSET, false, false);
}

/*
 * PR_SET_SECUREBITS: the capability LSM checks CAP_SETPCAP and commits the new bits itself
 * before the next LSM's task_prctl runs, so the refusal comes first, at security_task_prctl
 * (fmod_ret, which 6.1 allows on security_* functions): the prctl fails with EPERM and nothing
 * changed. A tracing program's run can be skipped (the kernel's recursion check, under
 * preempt=full): lsm/task_prctl, which has no such check, then finds the bits already set by a
 * task that may not set them and kills it (fail closed: the task leaves with what it had).
 */
#define LG_SECURE_ALL_BITS 0x55 /* SECBIT_NOROOT, NO_SETUID_FIXUP, KEEP_CAPS, NO_CAP_AMBIENT_RAISE */
#define LG_SECURE_ALL_LOCKS (LG_SECURE_ALL_BITS << 1)

/*
 * Whether cap_task_prctl would grant this PR_SET_SECUREBITS (security/commoncap.c): no locked bit
 * changed, no lock released, no unknown bit, CAP_SETPCAP effective. This program runs before
 * the capability LSM: what the kernel refuses by itself is left to it (its EPERM, no event of
 * lsmguard's), as lsm/capable and the two LSM hooks here never see such a use.
 */
static __always_inline bool lg_securebits_granted(unsigned long bits)
{
	struct task_struct *current = bpf_get_current_task_btf();
	const struct cred *cred = BPF_CORE_READ(current, cred); /* read, as lg_cap_direct reads it */
	__u64 effective = 0;
	unsigned int old = 0;

	if (!cred ||
	    bpf_probe_read_kernel(&effective, sizeof(effective),
				  __builtin_preserve_access_index(&cred->cap_effective)) ||
	    bpf_probe_read_kernel(&old, sizeof(old),
				  __builtin_preserve_access_index(&cred->securebits)))
		return true; /* unread: decided, as if granted */
	if ((((old & LG_SECURE_ALL_LOCKS) >> 1) & (old ^ bits)) ||
	    (old & LG_SECURE_ALL_LOCKS & ~bits) ||
	    (bits & ~(unsigned long)(LG_SECURE_ALL_LOCKS | LG_SECURE_ALL_BITS)))
		return false;
	return (effective >> CAP_SETPCAP) & 1;
}

SEC("fmod_ret/security_task_prctl")
int BPF_PROG(lg_securebits_keep, int option, unsigned long arg2, unsigned long arg3,
	     unsigned long arg4, unsigned long arg5, int ret)
{
	if (ret || option != PR_SET_SECUREBITS || !lg_securebits_granted(arg2))
		return ret;
	return lg_cap_direct(CAP_SETPCAP, LG_HOOK_TASK_PRCTL, false, false);
}

SEC("lsm/task_prctl")
int BPF_PROG(lg_securebits_checked, int option, unsigned long arg2, unsigned long arg3,
	     unsigned long arg4, unsigned long arg5, int ret)
{
	if (ret || option != PR_SET_SECUREBITS)
		return ret;
	ret = lg_cap_direct(CAP_SETPCAP, LG_HOOK_TASK_PRCTL, true, false);
	if (ret)
		bpf_send_signal(SIGKILL);
	return ret;
}

/*
 * Where the kernel keeps vm.mmap_min_addr (dac_mmap_min_addr, security/min_addr.c), as the
 * loader found it in /proc/kallsyms, so that a later change of the setting is seen (0: not
 * found: the value in force at the load is used). 6.1's BTF has no records of such variables,
 * and Debian 12's libbpf cannot link a typeless __ksym.
 */
const volatile __u64 lg_mmap_min_addr_at = 0;
const volatile __u64 lg_mmap_min_addr_loaded = 65536;
#define LG_MMAP_MIN_ADDR_READ_BELOW (4ULL << 20)

/*
 * The host's AIO events (attack run 6's 262): io_setup(nr_events) takes nr_events of
 * fs.aio-max-nr (65,536 by default) for the whole host, whoever asks first, and a service that
 * holds them all leaves every other process's io_setup failing (EAGAIN: MariaDB, QEMU, fio).
 * No LSM hook sits in io_setup; its ring is mapped (aio_setup_ring's do_mmap) before the count
 * is charged, and the mapping passes here (get_unmapped_area's security_mmap_addr). A confined
 * task's io_setup is refused when its events would take aio_nr, with the events of other
 * io_setup calls not charged yet, past three quarters of aio_max_nr (fs/aio.c, read where the
 * kernel keeps them as the loader found them in /proc/kallsyms; 0: no budget): io_setup then
 * fails with ENOMEM (aio_setup_ring's answer to a failed mapping), the event saying why.
 * The call is known by its system call number (x86-64, x32; ia32 in a 32-bit call): any other
 * mapping passes. A stack's growth reaches this hook from a page fault (expand_downwards),
 * where orig_ax holds the fault's error code: 6.1 never sets its bit 0x80, which both io_setup
 * numbers (206, 245) have.
 *
 * The kernel charges aio_nr after the mapping, under aio_nr_lock, with no lock held from here
 * to there: two calls could each pass with the other not charged yet, each bringing its whole
 * nr_events (review 15). So every io_setup (whoever makes it: the host's count against a
 * confined task's) reserves its events here (reserve.bpf.h); the system call's return gives
 * them back (fexit of __x64_sys_io_setup and __ia32_compat_sys_io_setup), charged by then or
 * failed. Between the kernel's charge and the return they count twice (stricter, briefly). A
 * reservation that cannot be recorded is decided as past the share.
 */
const volatile __u64 lg_aio_nr_at = 0;
const volatile __u64 lg_aio_max_nr_at = 0;

#define NR_IO_SETUP 206	       /* x86-64 */
#define NR_X32_IO_SETUP 543    /* x32 (with X32_SYSCALL_BIT) */
#define NR_IA32_IO_SETUP 245
#define LG_HOST_AIO "the host's AIO events (fs.aio-max-nr): io_setup past three quarters of them"

/* The events the current system call asks of io_setup; 0 for any other call. */
static __always_inline __s64 lg_io_setup_events(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs;
	unsigned long nr;

	if (!lg_aio_nr_at || !lg_aio_max_nr_at)
		return 0;
	/* a BTF pointer: direct loads (every mmap of every task passes here) */
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
	nr = regs->orig_ax;
	if (task->thread_info.status & LG_TS_COMPAT)
		return nr == NR_IA32_IO_SETUP ? (__u32)regs->bx : 0;
	if (nr == NR_IO_SETUP || nr == (NR_X32_IO_SETUP | X32_SYSCALL_BIT))
		return (__u32)regs->di;
	return 0;
}

/* An io_setup of events: reserved; refused (the reservation taken back) when a confined task's
 * would pass the share. */
static __always_inline int lg_aio_budget(__s64 events)
{
	struct lg_reservation r = {};
	__s64 others, used = 0, max = 0;
	bool held;
	int ret;

	held = lg_reservation_of(LG_RESERVE_AIO, LG_RESERVE_WHOLE, &r);
	others = held ? lg_reservation_raise(&r, events) : 0;
	bpf_probe_read_kernel(&used, sizeof(used), (const void *)lg_aio_nr_at);
	bpf_probe_read_kernel(&max, sizeof(max), (const void *)lg_aio_max_nr_at);
	/* aio_nr and aio_max_nr are unsigned long: past LONG_MAX here, no budget to keep */
	if (held && (used < 0 || max < 0 ||
		     used + others + events <= max - (__s64)((__u64)max >> 2)))
		return 0;
	ret = lg_current_builtin_deny(LG_HOOK_MMAP_ADDR, LG_BUILTIN_HOST_BUDGET, LG_HOST_AIO,
				      sizeof(LG_HOST_AIO));
	if (ret && held)
		lg_reservation_lower(&r, events);
	return ret;
}

SEC("fexit/__x64_sys_io_setup")
int BPF_PROG(lg_aio_reservation_end, const struct pt_regs *regs, long ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_AIO);
	return 0;
}

SEC("fexit/__ia32_compat_sys_io_setup")
int BPF_PROG(lg_aio_reservation_end32, const struct pt_regs *regs, long ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_AIO);
	return 0;
}

SEC("lsm/mmap_addr")
int BPF_PROG(lg_mmap_addr_keep, unsigned long addr, int ret)
{
	unsigned long min = lg_mmap_min_addr_loaded;
	__s64 events;

	if (ret)
		return ret;
	events = lg_io_setup_events();
	if (events > 0 && (ret = lg_aio_budget(events)))
		return ret;
	/* At or past 4 MiB: above any vm.mmap_min_addr used in practice (the pages a kernel NULL
	 * dereference reads; Debian's is 64 KiB, the kernel's help suggests at most 64 KiB), so
	 * not read, for every mapping of a program (a non-PIE one's starts at 4 MiB) and its
	 * libraries (make bench, 2026-12-04: the read was about 95 of this program's 210
	 * instructions, 8 times an exec). docs/security.md says what a larger setting means. */
	if (addr >= LG_MMAP_MIN_ADDR_READ_BELOW)
		return 0;
	if (lg_mmap_min_addr_at)
		bpf_probe_read_kernel(&min, sizeof(min), (const void *)lg_mmap_min_addr_at);
	if (addr >= min)
		return 0;
	return lg_cap_direct(CAP_SYS_RAWIO, LG_HOOK_MMAP_ADDR, false, false);
}

/*
 * Power uid 0 has without asking (attack run 9): 6.1's copy_process lets a task past
 * RLIMIT_NPROC when its real user is the host's root (INIT_USER, in whatever user namespace:
 * a root service with userns = allow may map itself as root in one of its own) and asks
 * everyone else for CAP_SYS_RESOURCE or CAP_SYS_ADMIN; a confined root that keeps neither
 * would fork without bound under the limit LimitNPROC= sets. Decided here as the kernel decides
 * it for any other user, after its own test, with the same reading (is_rlimit_overlimit): the
 * count of each level of the new task's user namespaces (raised for the new task by
 * copy_creds) above that level's limit, the parent's RLIMIT_NPROC for the first (a limit past
 * LONG_MAX is LONG_MAX), then the lower of that and each namespace's own rlimit_max; refused
 * with EAGAIN, the event naming CAP_SYS_RESOURCE.
 */
#define RLIMIT_NPROC 6
#define CAP_SYS_ADMIN 21
#define CAP_SYS_RESOURCE 24
#define EAGAIN 11
#define LG_LONG_MAX ((long)(~0UL >> 1))

/*
 * The host's tasks (attack run 13): copy_process refuses a new task or thread to everyone, root
 * included, once the host has kernel.threads-max of them (nr_threads >= max_threads: EAGAIN),
 * so a confined service forking up to the limit leaves an administrator's shell unable to run
 * a command. A confined task's new task (fork, clone, a thread, an io_uring worker) is refused
 * with EAGAIN when it would take the host's tasks past three quarters of max_threads
 * (LG_BUILTIN_HOST_BUDGET, a protection), both read where the kernel keeps them (kallsyms;
 * hidden: no budget). The kernel counts the new task much later (nr_threads++ under
 * tasklist_lock, after copying the files and the memory, where the threads of one process
 * queue on its mmap lock): forks racing each other would each pass with a count the others
 * have not raised yet, as many past the share as there were racing threads (review 16). So
 * every confined fork that passes reserves one task (lg_tasks_reserved), recorded by the new
 * task's address, until the kernel counts it (tp_btf/task_newtask, after nr_threads++) or the fork
 * fails (lsm/task_free, which the failure paths after this hook call). Forks of tasks under
 * no policy are neither checked nor reserved: the policy first (one table entry), then the two
 * loads.
 */
const volatile __u64 lg_nr_threads_at = 0;
const volatile __u64 lg_max_threads_at = 0;
static const char threads_what[] =
    "the host's tasks (kernel.threads-max): past three quarters of them";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} lg_tasks_reserved SEC(".maps");

/* The new tasks holding a reservation, by their task_struct's address (given back, and the
 * entry deleted, at task_newtask or task_free: an address is not reused before then). */
#define LG_TASK_RESERVATIONS 65536

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, LG_TASK_RESERVATIONS);
	__type(key, __u64);
	__type(value, __u8);
} lg_task_reservation SEC(".maps");

static __always_inline int lg_threads_budget(const struct lg_policy_value *policy,
					     __u64 cgroup_id, struct task_struct *task)
{
	__u64 key = (__u64)task;
	__s64 *reserved, others = 0;
	int tasks = 0, max = 0;
	__u32 zero = 0;
	__u8 one = 1;

	if (!lg_nr_threads_at || !lg_max_threads_at)
		return 0;
	bpf_probe_read_kernel(&max, sizeof(max), (const void *)lg_max_threads_at);
	if (max <= 0)
		return 0;
	reserved = bpf_map_lookup_elem(&lg_tasks_reserved, &zero);
	/* no room to record the reservation (65,536 confined forks in flight): counted as past
	 * the share (fail closed) */
	if (reserved && !bpf_map_update_elem(&lg_task_reservation, &key, &one, BPF_NOEXIST)) {
		others = __sync_fetch_and_add(reserved, 1);
		if (others < 0)
			others = 0;
		/* the host's count read after the reservation is raised (an atomic add, a full
		 * barrier): a racer whose reservation this one did not see had ended it after the
		 * kernel counted its task, so the count has it (read before, a racer counted and
		 * ended between the two reads was missed: the mqueue budget's race, CI's preempt
		 * run of 2026-12-07) */
		bpf_probe_read_kernel(&tasks, sizeof(tasks), (const void *)lg_nr_threads_at);
		if (tasks < 0)
			tasks = 0;
		if ((__s64)tasks + others + 1 <= (__s64)(max - (int)((unsigned)max >> 2)))
			return 0;
		/* the count lowered only with the entry gone (lg_task_reservation_end relies on
		 * it: a count of 0 means no entry is held) */
		if (!bpf_map_delete_elem(&lg_task_reservation, &key))
			__sync_fetch_and_add(reserved, -1);
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_TASK_ALLOC, LG_BUILTIN_HOST_BUDGET,
			       threads_what, sizeof(threads_what))
		   ? -EAGAIN
		   : 0;
}

/*
 * The new task's reservation given back: counted by the kernel, or the fork failed. Every task
 * of the host passes here twice: with no reservation held anywhere (the count is 0), there is
 * none to delete. A task's own reservation is counted before its fork goes on (lg_threads_budget
 * adds after the entry is written, in the forking task, which runs this end itself or hands
 * the task to task_newtask after it), and the count is lowered only for an entry deleted, so
 * it is never 0 while an entry is held.
 */
static __always_inline void lg_task_reservation_end(struct task_struct *task)
{
	__u64 key = (__u64)task;
	__u32 zero = 0;
	__s64 *reserved = bpf_map_lookup_elem(&lg_tasks_reserved, &zero);

	if (!reserved || *(volatile __s64 *)reserved <= 0 ||
	    bpf_map_delete_elem(&lg_task_reservation, &key))
		return; /* none held */
	__sync_fetch_and_add(reserved, -1);
}

SEC("tp_btf/task_newtask")
int BPF_PROG(lg_task_counted, struct task_struct *task, __u64 clone_flags)
{
	lg_task_reservation_end(task);
	return 0;
}

SEC("lsm/task_free")
int BPF_PROG(lg_task_freed, struct task_struct *task)
{
	lg_task_reservation_end(task);
	lg_reservations_freed(task);
	lg_scratch_spare_end(task);
	if (lg_setup_of(task))
		lg_setup_end(task);
	return 0;
}

SEC("lsm/task_alloc")
int BPF_PROG(lg_nproc_keep, struct task_struct *task, unsigned long clone_flags, int ret)
{
	const struct lg_policy_value *policy;
	struct ucounts *ucounts;
	const struct cred *cred;
	unsigned long limit;
	__u64 cgroup_id = 0;
	bool over = false;
	long max;

	if (ret)
		return ret;
	/* Both checks are a confined task's: a task under no policy leaves at one table entry
	 * (every fork and thread of the host passes here). */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	ret = lg_threads_budget(policy, cgroup_id, task);
	if (ret)
		return ret;
	if (!policy->capabilities_rule || ((policy->capabilities >> CAP_SYS_ADMIN) & 1))
		return 0;
	cred = task->real_cred;
	if (!cred || BPF_CORE_READ(cred, user, uid.val) != 0)
		return 0;
	limit = BPF_CORE_READ(bpf_get_current_task_btf(), signal, rlim[RLIMIT_NPROC].rlim_cur);
	max = limit > (unsigned long)LG_LONG_MAX ? LG_LONG_MAX : (long)limit;
	ucounts = BPF_CORE_READ(cred, ucounts);
	for (int i = 0; i < LG_USERNS_LEVELS && ucounts; i++) {
		long count = BPF_CORE_READ(ucounts, rlimit[0].counter); /* UCOUNT_RLIMIT_NPROC */
		struct user_namespace *ns = BPF_CORE_READ(ucounts, ns);

		if (count < 0 || count > max) {
			over = true;
			break;
		}
		if (!ns)
			break;
		/* the namespace's own limit, recorded when it was made: RLIM_INFINITY when the
		 * root user made it, so every level is also held to the parent's limit, as a
		 * namespace another user made is (attack run 10: 20 children, each in a new user
		 * namespace, past RLIMIT_NPROC = 1) */
		if (BPF_CORE_READ(ns, rlimit_max[0]) < max)
			max = BPF_CORE_READ(ns, rlimit_max[0]);
		ucounts = BPF_CORE_READ(ns, ucounts);
	}
	if (!over)
		return 0;
	return lg_cap_direct(CAP_SYS_RESOURCE, LG_HOOK_TASK_ALLOC, false, true) ? -EAGAIN : 0;
}
