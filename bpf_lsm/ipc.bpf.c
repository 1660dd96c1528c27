// SPDX-License-Identifier: GPL-2.0-only
/*
 * Objects that processes share by number rather than by path: System V IPC (shared memory,
 * message queues, semaphore sets) and the kernel's keys.
 *
 * Guarantee, for a task under a policy (LG_BUILTIN_OTHERS_OBJECTS, a protection: audit mode
 * too): it reaches no such object made by a task of another policy or of none, unless its
 * policy says [system] ipc-others = allow. System V: attaching another service's shared memory
 * (root passes every IPC permission check: PostgreSQL's segment read and written), sending to
 * or reading its message queue, operating its semaphores (ipc_permission, which every use and
 * IPC_STAT pass), removing, changing or locking any of them (shm_shmctl, msg_queue_msgctl,
 * sem_semctl). Keys: reading, writing, searching, linking or changing a key another service or
 * the host made (key_permission), such as a secret in the user keyring every root service
 * shares; and changing a keyring made outside the policy (adding, clearing, revoking: reading
 * and searching one are left to the keys in it; lg_key_permission).
 *
 * The maker is recorded when the object is made (shm, msg_queue, sem _alloc_security and
 * key_alloc: LSM hooks, never skipped), by its kernel address, when it is a task under a
 * policy: as that policy's identity (lg_policy_value.identity, the hash of its name: the same
 * across reloads and restarts of the service, whose cgroup is then another); forgotten when the
 * object is freed. An object with no record was made outside every policy (by the host, or
 * before lsmguard's load): refused like another policy's. Tasks under no policy never touch
 * the records, so nothing the host does can fill them; each policy may hold LG_OWNED_PER_POLICY
 * records (ENOSPC past them: root may make a million keys), so that no service can use up
 * another's room. Keyrings are recorded like keys, except a user's own keyrings (user, user
 * session, persistent), which the kernel makes for whoever of that user asks first: nobody's.
 */
#include "common.bpf.h"
#include "capability.bpf.h"
#include "reserve.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern const void key_type_keyring __ksym __weak;

#define LG_MAX_OWNED 131072      /* records in all */
#define LG_OWNED_PER_POLICY 8192 /* records of one policy's objects */
#define ENOSPC 28

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_OWNED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u64);
} lg_owners SEC(".maps");

/* How many records each policy identity holds. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LG_MAX_OWNED / LG_OWNED_PER_POLICY * 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u64);
} lg_owners_used SEC(".maps");

/* Record the current task, when under a policy, as the maker of the object at address object. */
static __always_inline int lg_owner_record(__u64 object)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0, owner, *used, zero = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0; /* made outside every policy: no record */
	owner = policy->identity;
	used = bpf_map_lookup_elem(&lg_owners_used, &owner);
	if (!used) {
		bpf_map_update_elem(&lg_owners_used, &owner, &zero, BPF_NOEXIST);
		used = bpf_map_lookup_elem(&lg_owners_used, &owner);
	}
	if (!used || *used >= LG_OWNED_PER_POLICY)
		return -ENOSPC;
	if (bpf_map_update_elem(&lg_owners, &object, &owner, BPF_NOEXIST) == 0) {
		__sync_fetch_and_add(used, 1);
		return 0;
	}
	/* The address's record left by an object whose free was not seen: this one now (the
	 * count stays with the earlier maker's identity, a slight overcount there). */
	return bpf_map_update_elem(&lg_owners, &object, &owner, BPF_EXIST) ? -ENOSPC : 0;
}

static __always_inline void lg_owner_forget(__u64 object)
{
	__u64 *owner = bpf_map_lookup_elem(&lg_owners, &object), identity, *used;

	if (!owner)
		return;
	identity = *owner;
	if (bpf_map_delete_elem(&lg_owners, &object))
		return;
	used = bpf_map_lookup_elem(&lg_owners_used, &identity);
	if (used)
		__sync_fetch_and_sub(used, 1);
}

/*
 * Whether a task under policy may reach the object at address object: made by its own policy,
 * or the policy says ipc-others = allow. Otherwise (another policy's, or no record: made
 * outside every policy) the refusal, reported (what: the object in words).
 */
static __always_inline int lg_owner_decide(__u64 object, __u8 hook, const char *what, int size)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0, *owner;

	policy = lg_current_policy(&cgroup_id);
	if (!policy || (policy->flags & LG_POLICY_SYSTEM_IPC_OTHERS))
		return 0;
	owner = bpf_map_lookup_elem(&lg_owners, &object);
	if (owner && *owner == policy->identity) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_OTHERS_OBJECTS, what, size);
}

/*
 * The IPC namespace's System V objects (attack run 6's 262, its host-wide budgets): shared
 * memory segments (kernel.shmmni, 4,096), message queues (kernel.msgmni, 32,000) and
 * semaphore sets (kernel.sem's semmni, 32,000) are counted per IPC namespace, shared by every
 * process in it (the host's, for a service without PrivateIPC=), and given to whoever asks
 * first: a service holding them all leaves PostgreSQL without its segment and Apache without
 * its semaphores. A confined task's new object is refused (ENOSPC, what the kernel's ipc_addid
 * answers past the limit) when the namespace's objects of its kind have reached three quarters
 * of the limit (LG_BUILTIN_HOST_BUDGET, a protection: audit mode too). The limit and the count
 * are the namespace's own (struct ipc_namespace), read at the hook, before the kernel adds the
 * object: parallel calls may each pass with the count the other has not raised yet, a few
 * objects past three quarters, far from the whole.
 */
#define LG_IPC_SEM_IDS 0 /* ipc_namespace.ids[] (ipc/util.h) */
#define LG_IPC_MSG_IDS 1
#define LG_IPC_SHM_IDS 2

static const char shm_budget_what[] =
    "the IPC namespace's shared memory segments (kernel.shmmni): past three quarters of them";
static const char msg_budget_what[] =
    "the IPC namespace's message queues (kernel.msgmni): past three quarters of them";
static const char sem_budget_what[] =
    "the IPC namespace's semaphore sets (kernel.sem's semmni): past three quarters of them";
static const char shm_total_what[] =
    "the IPC namespace's shared memory pages (kernel.shmall): past three quarters of them";
static const char sem_total_what[] =
    "the IPC namespace's semaphores (kernel.sem's semmns): past three quarters of them";

/*
 * The IPC namespace's totals (attack run 13): kernel.shmall, the pages of every segment, and
 * kernel.sem's semmns, every set's semaphores, refused past them with ENOSPC, no capability
 * asked: one segment of 60 pages, or one set of 250 semaphores, far below shmmni and semmni,
 * left PostgreSQL's and Apache's next one ENOSPC where an administrator had set the total. A
 * confined task's segment or set is refused (ENOSPC) when it would take the namespace's total
 * past three quarters of its limit too, checked under the same ids->rwsem as the kernel's own
 * test (newseg, newary). The size is not in the object yet at the hook: it is the system
 * call's (shmget's size, semget's nsems: x86-64 and x32 shmget 29 and semget 64, ia32 395 and
 * 393 and ipc(2)'s SHMGET and SEMGET; another entry counts the object alone).
 */
#define NR_SHMGET 29
#define NR_SEMGET 64
#define NR_IA32_IPC 117
#define NR_IA32_SEMGET 393
#define NR_IA32_SHMGET 395
#define LG_IPC_CALL_SEMGET 2 /* ipc(2)'s call numbers */
#define LG_IPC_CALL_SHMGET 23
#define LG_PAGE_SHIFT 12

/* The size (shm: bytes) or number of semaphores (sem) the current system call asks for; 0 for
 * another call. */
static __always_inline __u64 lg_ipc_call_amount(int kind)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	bool shm = kind == LG_IPC_SHM_IDS;
	unsigned long nr;

	if (!regs)
		return 0;
	nr = BPF_CORE_READ(regs, orig_ax);
	if (task->thread_info.status & LG_TS_COMPAT) {
		if (nr == NR_IA32_IPC &&
		    ((__u32)BPF_CORE_READ(regs, bx) & 0xffff) ==
			(shm ? LG_IPC_CALL_SHMGET : LG_IPC_CALL_SEMGET))
			return (__u32)BPF_CORE_READ(regs, dx);
		if (nr == (shm ? NR_IA32_SHMGET : NR_IA32_SEMGET))
			return (__u32)BPF_CORE_READ(regs, cx);
		return 0;
	}
	nr &= ~X32_SYSCALL_BIT;
	if (nr == (shm ? NR_SHMGET : NR_SEMGET))
		return shm ? BPF_CORE_READ(regs, si) : (__u32)BPF_CORE_READ(regs, si);
	return 0;
}

/* Whether a new object of kind would take its namespace's total past three quarters. */
static __always_inline bool lg_ipc_total_spent(struct ipc_namespace *ns, int kind)
{
	__u64 amount = lg_ipc_call_amount(kind), total, limit;

	if (kind == LG_IPC_SHM_IDS) {
		amount = (amount >> LG_PAGE_SHIFT) + !!(amount & ((1UL << LG_PAGE_SHIFT) - 1));
		total = BPF_CORE_READ(ns, shm_tot);
		limit = BPF_CORE_READ(ns, shm_ctlall);
	} else if (kind == LG_IPC_SEM_IDS) {
		total = (__u32)BPF_CORE_READ(ns, used_sems);
		limit = (__u32)BPF_CORE_READ(ns, sem_ctls[1]); /* sc_semmns */
	} else {
		return false;
	}
	return total + amount > limit - (limit >> 2);
}

static __always_inline int lg_ipc_budget(int kind, __u8 hook, const char *what, int size,
					 const char *total_what, int total_size)
{
	struct ipc_namespace *ns = BPF_CORE_READ(bpf_get_current_task_btf(), nsproxy, ipc_ns);
	int in_use, limit;

	if (!ns)
		return 0;
	if (kind == LG_IPC_SHM_IDS) {
		in_use = BPF_CORE_READ(ns, ids[LG_IPC_SHM_IDS].in_use);
		limit = BPF_CORE_READ(ns, shm_ctlmni);
	} else if (kind == LG_IPC_MSG_IDS) {
		in_use = BPF_CORE_READ(ns, ids[LG_IPC_MSG_IDS].in_use);
		limit = (int)BPF_CORE_READ(ns, msg_ctlmni);
	} else {
		in_use = BPF_CORE_READ(ns, ids[LG_IPC_SEM_IDS].in_use);
		limit = BPF_CORE_READ(ns, sem_ctls[3]); /* sc_semmni */
	}
	if (limit < 0)
		limit = 0;
	if (in_use >= limit - (int)((unsigned)limit >> 2)) /* three quarters (BPF has no sdiv) */
		return lg_current_builtin_deny(hook, LG_BUILTIN_HOST_BUDGET, what, size) ? -ENOSPC
											 : 0;
	if (total_what && lg_ipc_total_spent(ns, kind))
		return lg_current_builtin_deny(hook, LG_BUILTIN_HOST_BUDGET, total_what, total_size)
			   ? -ENOSPC
			   : 0;
	return 0;
}

SEC("lsm/shm_alloc_security")
int BPF_PROG(lg_shm_made, struct kern_ipc_perm *perm, int ret)
{
	if (!ret)
		ret = lg_ipc_budget(LG_IPC_SHM_IDS, LG_HOOK_SHM_ALLOC, shm_budget_what,
				    sizeof(shm_budget_what), shm_total_what, sizeof(shm_total_what));
	return ret ? ret : lg_owner_record((__u64)perm);
}

SEC("lsm/msg_queue_alloc_security")
int BPF_PROG(lg_msg_queue_made, struct kern_ipc_perm *perm, int ret)
{
	if (!ret)
		ret = lg_ipc_budget(LG_IPC_MSG_IDS, LG_HOOK_MSG_QUEUE_ALLOC, msg_budget_what,
				    sizeof(msg_budget_what), 0, 0);
	return ret ? ret : lg_owner_record((__u64)perm);
}

SEC("lsm/sem_alloc_security")
int BPF_PROG(lg_sem_made, struct kern_ipc_perm *perm, int ret)
{
	if (!ret)
		ret = lg_ipc_budget(LG_IPC_SEM_IDS, LG_HOOK_SEM_ALLOC, sem_budget_what,
				    sizeof(sem_budget_what), sem_total_what, sizeof(sem_total_what));
	return ret ? ret : lg_owner_record((__u64)perm);
}

/*
 * POSIX message queues (mq_open with O_CREAT) have the same kind of budget,
 * fs.mqueue.queues_max (256) per IPC namespace: past it the kernel refuses a new queue to
 * anyone without CAP_SYS_RESOURCE, so a confined service holding them all leaves the host's
 * unprivileged processes without one. The queue's inode is made by the mqueue filesystem
 * after inode_create (mqueue_create_attr counts it): refused there (ENOSPC, the kernel's
 * answer) when the namespace of that mqueue mount holds three quarters of its limit. Every
 * file creation of every task passes here: a direct load of the superblock's magic first.
 */
#define LG_MQUEUE_MAGIC 0x19800202
static const char mqueue_budget_what[] =
    "the IPC namespace's POSIX message queues (fs.mqueue.queues_max): past three quarters of them";

/*
 * A queue's bytes (mqueue_get_inode, 6.1): mq_maxmsg * mq_msgsize, plus a struct msg_msg per
 * message and a tree node per priority in use (at most MQ_PRIO_MAX), are charged to its
 * maker's user (ucounts' UCOUNT_RLIMIT_MSGQUEUE, summed up every user namespace to the
 * host's) and refused past the maker's RLIMIT_MSGQUEUE with EMFILE, to root too, no capability
 * asked: a confined service holding its user's bytes left the user's other processes (another
 * service of www-data or nobody, the root user's whole host) without a queue (attack run 13's
 * 383). A confined task's new queue that would take its user's host-wide bytes, with what
 * other calls reserved, past three quarters of its own RLIMIT_MSGQUEUE is refused with EMFILE,
 * the kernel's answer (LG_BUILTIN_HOST_BUDGET, a protection). The limit is the caller's: a
 * service whose unit raised LimitMSGQUEUE= is held to three quarters of that, and the user's
 * other processes keep what their own limits leave.
 *
 * The sizes are mq_open's attr, which the kernel has copied by the time of inode_create, where
 * no hook sees it (re-reading the caller's memory would let another thread change it after the
 * kernel's copy): so fentry/do_mq_open reads the kernel's copy (or the namespace's defaults for
 * none) and reserves the bytes in the user's pool (reserve.bpf.h) until fexit/do_mq_open, and
 * inode_create decides from that reservation. Other queue makers (open with O_CREAT in an
 * mqueue mount) ask for the defaults of the mount's namespace. An mq_open with no reservation
 * (its fentry skipped by the kernel's recursion check under preempt=full, or a kernel whose
 * do_mq_open is inlined, where the loader leaves both programs out) is counted at the most its
 * caller may ask (fail closed): the namespace's maximums (fs.mqueue.msg_max, msgsize_max), or
 * the kernel's hard ones for a caller with CAP_SYS_RESOURCE, which passes those.
 */
#define LG_MQ_O_CREAT 0100
#define LG_MQ_PRIO_MAX 32768
#define LG_RLIMIT_MSGQUEUE 12
#define LG_UCOUNT_RLIMIT_MSGQUEUE 1
#define LG_MQ_USERNS_LEVELS 34 /* as capabilities.bpf.c's LG_USERNS_LEVELS */
#define NR_MQ_OPEN 240	       /* x86-64 and x32 (with X32_SYSCALL_BIT) */
#define NR_IA32_MQ_OPEN 277
#define EMFILE 24
#define LG_HARD_MSGMAX 65536
#define LG_HARD_MSGSIZEMAX (16 * 1024 * 1024)
#define LG_CAP_SYS_RESOURCE 24
static const char mqueue_bytes_what[] =
    "its user's POSIX message queue bytes (RLIMIT_MSGQUEUE): past three quarters of them";

/* The bytes a queue of maxmsg messages of msgsize bytes is charged (mqueue_get_inode). */
static __always_inline __s64 lg_mq_charge(__s64 maxmsg, __s64 msgsize)
{
	if (maxmsg <= 0 || msgsize <= 0 || maxmsg > (1L << 20) || msgsize > (1L << 30))
		return 1L << 50; /* the kernel refuses such sizes (mq_attr_ok): past any share */
	return maxmsg * msgsize + maxmsg * (__s64)bpf_core_type_size(struct msg_msg) +
	       (maxmsg < LG_MQ_PRIO_MAX ? maxmsg : LG_MQ_PRIO_MAX) *
		   (__s64)bpf_core_type_size(struct posix_msg_tree_node);
}

/* The defaults of ns (a queue made without attr): mqueue_get_inode's min of the defaults and
 * the maximums. */
static __always_inline __s64 lg_mq_default_charge(struct ipc_namespace *ns)
{
	__s64 maxmsg, msgsize;

	if (!ns)
		return 1L << 50;
	maxmsg = BPF_CORE_READ(ns, mq_msg_default);
	if (maxmsg > (__s64)BPF_CORE_READ(ns, mq_msg_max))
		maxmsg = BPF_CORE_READ(ns, mq_msg_max);
	msgsize = BPF_CORE_READ(ns, mq_msgsize_default);
	if (msgsize > (__s64)BPF_CORE_READ(ns, mq_msgsize_max))
		msgsize = BPF_CORE_READ(ns, mq_msgsize_max);
	return lg_mq_charge(maxmsg, msgsize);
}

/* The most a queue the current task makes in ns can be charged (mq_attr_ok's bounds). */
static __always_inline __s64 lg_mq_most_charge(struct ipc_namespace *ns)
{
	const struct cred *cred = BPF_CORE_READ(bpf_get_current_task_btf(), cred);
	__u64 effective = ~0ULL;

	if (cred)
		bpf_probe_read_kernel(&effective, sizeof(effective),
				      __builtin_preserve_access_index(&cred->cap_effective));
	if (!ns || ((effective >> LG_CAP_SYS_RESOURCE) & 1))
		return lg_mq_charge(LG_HARD_MSGMAX, LG_HARD_MSGSIZEMAX);
	return lg_mq_charge(BPF_CORE_READ(ns, mq_msg_max), BPF_CORE_READ(ns, mq_msgsize_max));
}

/* The current task's user's host-wide counts: the top of its ucounts chain (each user
 * namespace's counts are charged up to the host's), and that user's uid. */
static __always_inline struct ucounts *lg_mq_user_counts(__u32 *uid)
{
	struct ucounts *ucounts = BPF_CORE_READ(bpf_get_current_task_btf(), cred, ucounts);
	struct ucounts *top = NULL;

	*uid = 0;
	for (int i = 0; i < LG_MQ_USERNS_LEVELS && ucounts; i++) {
		struct user_namespace *ns = BPF_CORE_READ(ucounts, ns);

		top = ucounts;
		*uid = BPF_CORE_READ(ucounts, uid.val);
		if (!ns)
			break;
		ucounts = BPF_CORE_READ(ns, ucounts);
	}
	return top;
}

/* Whether the current system call is mq_open (any entry). */
static __always_inline bool lg_in_mq_open(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	unsigned long nr;

	if (!regs)
		return false;
	nr = BPF_CORE_READ(regs, orig_ax);
	if (task->thread_info.status & LG_TS_COMPAT)
		return nr == NR_IA32_MQ_OPEN;
	return (nr & ~X32_SYSCALL_BIT) == NR_MQ_OPEN;
}

/* The bytes mq_open's attr asks for, 0 when the kernel will refuse it whatever happens
 * meanwhile (mq_attr_ok, after inode_create: not positive, or past the kernel's hard limits).
 * An attr past only the namespace's limits is counted (review 55: the namespace's fs.mqueue.*
 * can be raised while the call stalls on its name); the kernel then answers EINVAL, or this
 * check EMFILE. */
static __always_inline __s64 lg_mq_asked(struct mq_attr *attr)
{
	__s64 maxmsg, msgsize;

	if (!attr)
		return lg_mq_default_charge(
		    BPF_CORE_READ(bpf_get_current_task_btf(), nsproxy, ipc_ns));
	maxmsg = BPF_CORE_READ(attr, mq_maxmsg);
	msgsize = BPF_CORE_READ(attr, mq_msgsize);
	if (maxmsg <= 0 || msgsize <= 0 || maxmsg > LG_HARD_MSGMAX || msgsize > LG_HARD_MSGSIZEMAX)
		return 0;
	return lg_mq_charge(maxmsg, msgsize);
}

/* mq_open's entry: what its attr asks for recorded in the task's hold, not reserved yet (the
 * name is copied from the caller's memory after this, where a FUSE page could hold the call
 * for as long as its server likes: review 54); inode_create reserves it. */
SEC("fentry/do_mq_open")
int BPF_PROG(lg_mq_open_reserve, const char *u_name, int oflag, umode_t mode, struct mq_attr *attr)
{
	struct lg_reservation r = {};
	__u32 uid;

	if (!(oflag & LG_MQ_O_CREAT))
		return 0;
	lg_mq_user_counts(&uid);
	if (!lg_reservation_of(LG_RESERVE_MQ, lg_reserve_user_pool(LG_RESERVE_MQ, uid), &r))
		return 0; /* none recorded: inode_create counts the most it may ask */
	if (r.mine->amount) /* left by a skipped end */
		lg_reservation_lower(&r, r.mine->amount);
	/* 0 (an attr the kernel refuses) recorded as -1: asked, nothing to count */
	r.mine->asked = lg_mq_asked(attr) ?: -1;
	return 0;
}

/* The queue made (charged) or not: the reservation given back. Also at mq_open's return (a
 * call that made no queue). */
SEC("fexit/mqueue_create_attr")
int BPF_PROG(lg_mq_made_end, struct dentry *dentry, umode_t mode, void *arg, int ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_MQ);
	return 0;
}

SEC("fexit/do_mq_open")
int BPF_PROG(lg_mq_open_end, const char *u_name, int oflag, umode_t mode, struct mq_attr *attr,
	     int ret)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_MQ);
	return 0;
}

/* A new queue in dir (an mqueue mount): its bytes, with what other calls reserved, past three
 * quarters of the caller's RLIMIT_MSGQUEUE: refused to a confined task. Reserved here, under
 * the mqueue directory's lock, until the queue is charged (fexit/mqueue_create_attr): for
 * mq_open what its entry recorded, for another maker (open with O_CREAT in an mqueue mount:
 * racers in IPC namespaces of their own share the user's count, review 54) the defaults of the
 * mount's namespace. An mq_open with no record is counted at the most it may ask. */
static __always_inline int lg_mqueue_bytes_budget(struct inode *dir)
{
	struct ipc_namespace *ns = BPF_CORE_READ(dir, i_sb, s_fs_info);
	struct lg_reservation r = {};
	__s64 bytes, held_bytes, others = 0, count, limit;
	struct ucounts *counts;
	bool held;
	__u32 uid;

	counts = lg_mq_user_counts(&uid);
	limit = (__s64)BPF_CORE_READ(bpf_get_current_task_btf(), signal,
				     rlim[LG_RLIMIT_MSGQUEUE].rlim_cur);
	held = lg_reservation_find(LG_RESERVE_MQ, &r);
	/* what this call's mq_open asked: only in mq_open (a stale one, its fexit skipped, is
	 * not another maker's size: review 55). An attr the kernel refuses (EINVAL) counts 0
	 * bytes but is checked all the same: the record may be an earlier call's whose end was
	 * skipped, this call's entry skipped too (preempt=full), and a call let through unchecked
	 * on it could be repeated past any share (review 56); checked, a stale record costs at
	 * most one queue past the share, after which the user's count refuses. */
	if (held && r.mine->asked && lg_in_mq_open()) {
		bytes = r.mine->asked > 0 ? r.mine->asked : 0;
	} else {
		/* unrecorded, reserved here all the same: an mq_open whose fentry the kernel
		 * skipped (preempt=full) and reserved nothing was invisible to its racers, and the
		 * CI's preempt run made an eighth queue of a share of seven */
		bytes = lg_in_mq_open() ? lg_mq_most_charge(ns) : lg_mq_default_charge(ns);
		held = lg_reservation_of(LG_RESERVE_MQ, lg_reserve_user_pool(LG_RESERVE_MQ, uid),
					 &r);
	}
	/* the kernel refuses any queue past the hard limit: no more than that is reserved (the
	 * hard maximums of a caller with CAP_SYS_RESOURCE would hold the user's pool past every
	 * share while the call runs, review 56); the check below compares the whole size (a cap
	 * at a soft limit of 0, raised by another thread before the charge, let a first queue
	 * pass: review 57) */
	held_bytes = (__s64)BPF_CORE_READ(bpf_get_current_task_btf(), signal,
					  rlim[LG_RLIMIT_MSGQUEUE].rlim_max);
	if (held_bytes < 0 || held_bytes > bytes) /* < 0: infinity */
		held_bytes = bytes;
	if (held) {
		if (held_bytes < r.mine->amount)
			lg_reservation_lower(&r, r.mine->amount - held_bytes);
		others = lg_reservation_raise(&r, held_bytes - r.mine->amount);
	} else {
		__u32 index = lg_reserve_user_pool(LG_RESERVE_MQ, uid);
		__s64 *pool = bpf_map_lookup_elem(&lg_reserve_pools, &index);

		if (pool)
			others = *(volatile __s64 *)pool;
	}
	if (others < 0)
		others = 0;
	/* the user's count read after the reservation is raised (an atomic add, a full barrier):
	 * a racer whose reservation this one did not see ended it after its queue was charged,
	 * so the count has that queue (the CI's preempt run: read before, a racer charged and
	 * ended between the two reads, and an eighth queue of a share of seven was made) */
	count = counts ? (__s64)BPF_CORE_READ(counts, rlimit[LG_UCOUNT_RLIMIT_MSGQUEUE].counter)
		       : 0;
	if (limit < 0 || count + others + bytes <= limit - limit / 4) /* limit < 0: infinity */
		return 0;
	if (!lg_current_builtin_deny(LG_HOOK_INODE_CREATE, LG_BUILTIN_HOST_BUDGET,
				     mqueue_bytes_what, sizeof(mqueue_bytes_what)))
		return 0;
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_MQ);
	return -EMFILE;
}

SEC("lsm/inode_create")
int BPF_PROG(lg_mqueue_made, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	struct ipc_namespace *ns;
	unsigned int count, limit;

	if (ret || !dir || dir->i_sb->s_magic != LG_MQUEUE_MAGIC)
		return ret;
	ns = BPF_CORE_READ(dir, i_sb, s_fs_info);
	if (!ns)
		return 0;
	count = BPF_CORE_READ(ns, mq_queues_count);
	limit = BPF_CORE_READ(ns, mq_queues_max);
	if (count >= limit - limit / 4 &&
	    lg_current_builtin_deny(LG_HOOK_INODE_CREATE, LG_BUILTIN_HOST_BUDGET,
				    mqueue_budget_what, sizeof(mqueue_budget_what)))
		return -ENOSPC;
	return lg_mqueue_bytes_budget(dir);
}

SEC("lsm/shm_free_security")
int BPF_PROG(lg_shm_gone, struct kern_ipc_perm *perm)
{
	lg_owner_forget((__u64)perm);
	return 0;
}

SEC("lsm/msg_queue_free_security")
int BPF_PROG(lg_msg_queue_gone, struct kern_ipc_perm *perm)
{
	lg_owner_forget((__u64)perm);
	return 0;
}

SEC("lsm/sem_free_security")
int BPF_PROG(lg_sem_gone, struct kern_ipc_perm *perm)
{
	lg_owner_forget((__u64)perm);
	return 0;
}

static const char ipc_what[] = "a System V IPC object made outside the policy";

SEC("lsm/ipc_permission")
int BPF_PROG(lg_ipc_permission, struct kern_ipc_perm *ipcp, short flag, int ret)
{
	if (ret)
		return ret;
	return lg_owner_decide((__u64)ipcp, LG_HOOK_IPC_PERMISSION, ipc_what, sizeof(ipc_what));
}

/* IPC_RMID, IPC_SET, SHM_LOCK and the rest, which pass no ipc_permission for root. */
SEC("lsm/shm_shmctl")
int BPF_PROG(lg_shm_shmctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	if (ret || !perm) /* IPC_INFO, SHM_INFO: no object */
		return ret;
	return lg_owner_decide((__u64)perm, LG_HOOK_SHM_SHMCTL, ipc_what, sizeof(ipc_what));
}

SEC("lsm/msg_queue_msgctl")
int BPF_PROG(lg_msg_queue_msgctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	if (ret || !perm)
		return ret;
	return lg_owner_decide((__u64)perm, LG_HOOK_MSG_QUEUE_MSGCTL, ipc_what, sizeof(ipc_what));
}

SEC("lsm/sem_semctl")
int BPF_PROG(lg_sem_semctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	if (ret || !perm)
		return ret;
	return lg_owner_decide((__u64)perm, LG_HOOK_SEM_SEMCTL, ipc_what, sizeof(ipc_what));
}

SEC("lsm/key_free")
int BPF_PROG(lg_key_gone, struct key *key)
{
	lg_owner_forget((__u64)key);
	return 0;
}

/* key_ref's low bit says "possessed"; the key is the rest. */
#define LG_KEY_REF_POSSESSED 1UL

#define KEY_NEED_VIEW 1
#define KEY_NEED_READ 2
#define KEY_NEED_WRITE 3
#define KEY_NEED_SEARCH 4
#define KEY_NEED_LINK 5
#define KEY_DEFER_PERM_CHECK 10
#define NR_KEYCTL 250	     /* x86-64 and x32 (with X32_SYSCALL_BIT) */
#define NR_IA32_KEYCTL 288 /* 32-bit programs; accept4 on x86-64, which asks for no key */
#define KEYCTL_SESSION_TO_PARENT 18
#define KEYCTL_INVALIDATE 21

/* The keyctl command of the current system call; -1 for another call, or none known. */
static __always_inline long lg_keyctl_cmd(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	unsigned long nr;

	if (!regs)
		return -1;
	nr = BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT;
	if (nr == NR_KEYCTL)
		return (long)(__u32)BPF_CORE_READ(regs, di);
	if (nr == NR_IA32_KEYCTL)
		return (long)(__u32)BPF_CORE_READ(regs, bx);
	return -1;
}

/*
 * keyctl(KEYCTL_SESSION_TO_PARENT) gives the caller's session keyring to its parent (same uid,
 * no capability asked; the parent takes it at its next return to user space): a confined task
 * whose parent is outside its policy (an administrator's shell, a supervisor under none or
 * another policy) would then own the keyring every key the parent's later commands keep in
 * their session goes to (attack run 10). Refused for every confined task (built-in
 * others-objects, a protection; ipc-others = allow opens it): the kernel reads the parent after
 * this hook (under the tasklist lock), so a parent of the same policy that exits in between
 * hands the keyring to whoever adopts the child (a subreaper of the same user, such as a user's
 * service manager): a parent checked here would not be the parent that takes it (the final
 * review of 2026-12-02).
 */
static __always_inline int lg_session_to_parent(void)
{
	static const char what[] = "a session keyring given to the parent process";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy || (policy->flags & LG_POLICY_SYSTEM_IPC_OTHERS))
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_KEY_PERMISSION, LG_BUILTIN_OTHERS_OBJECTS,
			       what, sizeof(what));
}

/*
 * The root user's key quota (attack run 10): the kernel charges each key to its owner's
 * quota, kernel.keys.maxkeys and maxbytes (200 keys, 20,000 bytes), except for the root user,
 * whose quota is kernel.keys.root_maxkeys and root_maxbytes (1,000,000 keys, 25,000,000 bytes)
 * without any capability asked: a confined root that keeps no capability could fill the root
 * user's whole quota, and every root process of the host (a login's session keyring, a root
 * service's tokens) would then fail with EDQUOT. Under [capabilities] keeping no
 * CAP_SYS_RESOURCE, a key charged to the root user past the ordinary quota fails with EDQUOT
 * (the event names CAP_SYS_RESOURCE), and so does a key's update (add_key on an existing key,
 * KEYCTL_UPDATE) whose new payload, its length read from the system call's arguments, would
 * take the root user's bytes past it (key_payload_reserve charges the difference); a new key
 * is counted with the payload add_key is about to charge. The count is the root user's,
 * host-wide, as it is every user's for anyone else. The quota's values are read where the
 * kernel keeps them (their addresses from kallsyms; where it does not show them, the values
 * at load).
 */
#define LG_KEY_ALLOC_QUOTA_OVERRUN 0x0001
#define LG_KEY_ALLOC_NOT_IN_QUOTA 0x0002
#define CAP_SYS_RESOURCE 24
#define EDQUOT 122
const volatile __u64 lg_key_maxkeys_at = 0;
const volatile __u64 lg_key_maxbytes_at = 0;
const volatile __u32 lg_key_maxkeys_loaded = 200;
const volatile __u32 lg_key_maxbytes_loaded = 20000;

#define NR_ADD_KEY 248	    /* x86-64 and x32 */
#define NR_IA32_ADD_KEY 286
#define KEYCTL_UPDATE 2

/* The ordinary quota's bytes (kernel.keys.maxbytes) and keys (maxkeys). */
static __always_inline void lg_key_quota(__u32 *maxkeys, __u32 *maxbytes)
{
	*maxkeys = lg_key_maxkeys_loaded;
	*maxbytes = lg_key_maxbytes_loaded;
	if (lg_key_maxkeys_at)
		bpf_probe_read_kernel(maxkeys, sizeof(*maxkeys), (const void *)lg_key_maxkeys_at);
	if (lg_key_maxbytes_at)
		bpf_probe_read_kernel(maxbytes, sizeof(*maxbytes), (const void *)lg_key_maxbytes_at);
}

/*
 * The payload length the current system call gives a key: add_key's (a new key's, or an
 * existing key's update) or KEYCTL_UPDATE's (update true only), the fourth argument; -1 for
 * any other call. Capped at 1 GB (the kernel takes 1 MB at most).
 */
static __always_inline __s64 lg_key_call_payload(bool update)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	unsigned long nr, len;

	if (!regs)
		return -1;
	nr = BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT;
	if (nr == NR_ADD_KEY ||
	    (update && nr == NR_KEYCTL && (__u32)BPF_CORE_READ(regs, di) == KEYCTL_UPDATE))
		len = BPF_CORE_READ(regs, r10);
	else if (nr == NR_IA32_ADD_KEY ||
		 (update && nr == NR_IA32_KEYCTL && (__u32)BPF_CORE_READ(regs, bx) == KEYCTL_UPDATE))
		len = (__u32)BPF_CORE_READ(regs, si);
	else
		return -1;
	return len > (1UL << 30) ? (1L << 30) : (__s64)len;
}

/*
 * Whether the root user's keys (a new key only: an update adds none, and key_payload_reserve
 * counts bytes alone) and bytes, with a payload of len bytes replacing key's current one
 * (key_payload_reserve charges the difference), would pass the ordinary quota: then decided
 * as CAP_SYS_RESOURCE (-EDQUOT without it). In a user namespace too: the root user is
 * kuid 0, whatever namespace charges it (a confined root under [system] userns = allow maps 0
 * to 0 in one of its own).
 */
static __always_inline int lg_root_key_charge(struct key *key, struct key_user *user, __s64 len,
					      bool new_key)
{
	__u32 maxkeys, maxbytes;
	__s64 keys, bytes;

	lg_key_quota(&maxkeys, &maxbytes);
	keys = BPF_CORE_READ(user, qnkeys);
	bytes = BPF_CORE_READ(user, qnbytes);
	if (len > (__s64)BPF_CORE_READ(key, datalen))
		bytes += len - (__s64)BPF_CORE_READ(key, datalen);
	if ((!new_key || keys <= (__s64)maxkeys) && bytes <= (__s64)maxbytes && bytes >= 0)
		return 0;
	return lg_cap_direct(CAP_SYS_RESOURCE, LG_HOOK_CAPABLE, false, true) ? -EDQUOT : 0;
}

/*
 * What the key's type charges for a payload of len bytes (6.1): user, logon and dns_resolver
 * the payload's length; a big_key larger than BIG_KEY_FILE_THRESHOLD (an inode and a dentry) is
 * kept in a shmem file and charged 16 bytes; an asymmetric key 100 whatever its size; a keyring
 * nothing. Other types charge what their payload describes, not its length (an "encrypted"
 * key's "new user:KMK 4096" is 21 bytes and charges 8,270: attack run 12; and its charge
 * grows with the master key's name, which can be as long as the payload: "new user:NAME 4096"
 * charges about the payload's length plus 8,247, attack run 30), so they are counted at the
 * payload's length plus LG_KEY_CHARGE_MAX (fail-closed: a confined root that keeps no
 * CAP_SYS_RESOURCE makes them only that far below the quota).
 */
#define LG_KEY_CHARGE_MAX 8704
/* more than any quota (a u32): a payload whose reservation could not be recorded */
#define LG_KEY_UNRESERVED (1LL << 32)

/* Equal, NUL included, to a string of size bytes (no memcmp in BPF). */
static __always_inline bool lg_key_name_is(const char *name, const char *want, int size)
{
	for (int i = 0; i < size; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

static __always_inline __s64 lg_key_charged(struct key *key, __s64 len)
{
	char name[12] = {};

	if (len <= 0)
		return len;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(key, type, name));
	if (lg_key_name_is(name, "keyring", 8))
		return 0;
	if (lg_key_name_is(name, "user", 5) || lg_key_name_is(name, "logon", 6) ||
	    lg_key_name_is(name, "dns_resolver", 12))
		return len;
	if (lg_key_name_is(name, "big_key", 8))
		return len > (__s64)(bpf_core_type_size(struct inode) +
				     bpf_core_type_size(struct dentry))
			   ? 16
			   : len;
	if (lg_key_name_is(name, "asymmetric", 11))
		return 100;
	return len + LG_KEY_CHARGE_MAX;
}

/*
 * The payloads of new keys between key_alloc and their charge: the kernel charges a payload
 * when it instantiates the key, after the hook, so two add_key calls in parallel would each be
 * checked without the other's (attack run 12: two root threads, 12,000 bytes each, both made;
 * attack run 29: uid 1000's racing threads passed its share by one payload). Each add_key
 * reserves its payload here at key_alloc in its owner's pool (whoever asks: an unconfined
 * task's adds count for a confined one's check), recorded by task (reserve.bpf.h); the system
 * call's return gives it back
 * (charged by then, or failed): fexit on add_key's x86-64 and ia32 entries (key_create_or_update
 * itself has 7 arguments, past the 6 a 6.1 trampoline takes: ENOTSUPP), and keyctl's for
 * KEYCTL_UPDATE's growth (lg_key_grow).
 */

/*
 * Every other user's key quota (kernel.keys.maxkeys, maxbytes: 200 keys and 20,000 bytes) is
 * that user's, shared by every process of the user wherever it runs: a confined service
 * holding it all leaves the user's other processes (a login's session keyring, another
 * service of the same user: www-data, nobody) with EDQUOT (attack run 11's 365). A confined
 * task's new key, or an update growing one, that would take its user past three quarters of
 * the quota is refused with EDQUOT, the kernel's answer (LG_BUILTIN_HOST_BUDGET, a
 * protection). At key_alloc the kernel has counted the key and its description already; the
 * payload (len, as the type charges it) comes after, and is reserved in the user's pool until
 * then (lg_key_reserve), so that parallel calls see each other's. Keyrings the kernel charges past every quota (KEY_ALLOC_QUOTA_OVERRUN:
 * a thread's "_tid", a process's "_pid", a process's first session keyring) are counted too:
 * the kernel never refuses them, so 60 live threads of a confined service, each with its
 * thread keyring, took its user past the whole quota (attack run 13); past the share they are
 * refused with EDQUOT (the keyctl or request_key that asked for one; a thread that clone
 * would have given its parent's kind of keyring starts without one, as copy_creds ignores the
 * failure). KEYCTL_CHOWN into a user: lg_key_chown_budget.
 */
static const char user_key_what[] =
    "its user's key quota (kernel.keys.maxkeys, maxbytes): past three quarters of it";

/* Whether user's keys and bytes with more_keys and more_bytes added stay within three quarters
 * of the ordinary quota (the keys only when count_keys). */
static __always_inline bool lg_key_user_within_share(struct key_user *user, __s64 more_keys,
						     __s64 more_bytes, bool count_keys)
{
	__u32 maxkeys, maxbytes;

	lg_key_quota(&maxkeys, &maxbytes);
	return (!count_keys ||
		(__s64)BPF_CORE_READ(user, qnkeys) + more_keys <= (__s64)(maxkeys - maxkeys / 4)) &&
	       (__s64)BPF_CORE_READ(user, qnbytes) + more_bytes <= (__s64)(maxbytes - maxbytes / 4);
}

static __always_inline int lg_user_key_budget(struct key *key, struct key_user *user, __s64 len,
					      bool new_key)
{
	__s64 growth = len - (__s64)BPF_CORE_READ(key, datalen);

	if (lg_key_user_within_share(user, 0, growth > 0 ? growth : 0, new_key))
		return 0;
	return lg_current_builtin_deny(new_key ? LG_HOOK_KEY_ALLOC : LG_HOOK_KEY_PERMISSION,
				       LG_BUILTIN_HOST_BUDGET, user_key_what, sizeof(user_key_what))
		   ? -EDQUOT
		   : 0;
}

/* A payload of len bytes for key, charged to user, decided with what other calls reserved in
 * user's pool and have not charged yet: the root user's quota as CAP_SYS_RESOURCE
 * (lg_root_key_charge), another user's as its budget (lg_user_key_budget). The growth is
 * reserved (reserve.bpf.h), by every task, confined or not, unless refused. One system call
 * charges one payload: a task's reservation is the largest growth its call asked for, not
 * their sum (KEYCTL_UPDATE asks key_permission twice: lookup_user_key's and key_update's, both
 * for Write). */
static __always_inline int lg_key_reserve(struct key *key, struct key_user *user, __s64 len,
					  bool new_key)
{
	__s64 growth = len - (__s64)BPF_CORE_READ(key, datalen), others = 0, more = 0;
	__u32 uid = BPF_CORE_READ(user, uid.val);
	struct lg_reservation r = {};
	bool held = true;
	int ret;

	if (growth > 0) {
		held = lg_reservation_of(LG_RESERVE_KEY, lg_reserve_user_pool(LG_RESERVE_KEY, uid), &r);
		if (held) {
			more = growth > r.mine->amount ? growth - r.mine->amount : 0;
			others = lg_reservation_raise(&r, more);
		} else {
			/* not recorded: decided as if every byte of the quota were reserved */
			others = LG_KEY_UNRESERVED;
		}
	}
	if (uid)
		ret = lg_user_key_budget(key, user, len + others, new_key);
	else
		ret = lg_root_key_charge(key, user, len + others, new_key);
	if (ret && held && more)
		lg_reservation_lower(&r, more);
	return ret;
}

/* A new key charged to the root user (not KEY_ALLOC_NOT_IN_QUOTA), its description charged
 * already, its payload (add_key's, as its type charges it) about to be, with the payloads of
 * other new keys not charged yet: past the ordinary quota, decided as CAP_SYS_RESOURCE.
 * KEY_ALLOC_QUOTA_OVERRUN (a thread's or process's keyring, a first session keyring) is
 * charged but never refused by the kernel, to anyone: for the root user nor here (its threads
 * are bounded by kernel.threads-max, far below root_maxkeys; but see lg_overrun_keyring_kept).
 * A key charged to another user, overrun or not: that user's budget (lg_user_key_budget). */
static __always_inline int lg_key_quota_check(struct key *key, unsigned long flags)
{
	struct key_user *user = BPF_CORE_READ(key, user);

	if ((flags & LG_KEY_ALLOC_NOT_IN_QUOTA) || !user)
		return 0;
	if ((flags & LG_KEY_ALLOC_QUOTA_OVERRUN) && BPF_CORE_READ(user, uid.val) == 0)
		return 0;
	return lg_key_reserve(key, user, lg_key_charged(key, lg_key_call_payload(false)), true);
}

/* The end of an add_key: its payload charged (or the call failed), the reservation given
 * back. */
static __always_inline int lg_key_reservation_give_back(void)
{
	lg_reservation_end(bpf_get_current_task_btf(), LG_RESERVE_KEY);
	return 0;
}

SEC("fexit/__x64_sys_add_key")
int BPF_PROG(lg_key_reservation_end, const struct pt_regs *regs, long ret)
{
	return lg_key_reservation_give_back();
}

SEC("fexit/__ia32_sys_add_key")
int BPF_PROG(lg_key_reservation_end32, const struct pt_regs *regs, long ret)
{
	return lg_key_reservation_give_back();
}

/* KEYCTL_UPDATE's growth, reserved at key_permission (lg_key_grow), given back the same
 * way. An ia32 keyctl (a 32-bit program, or int $0x80 from any) enters through the compat
 * entry (syscall_32.tbl: compat_sys_keyctl); __ia32_sys_keyctl is built but never called. */
SEC("fexit/__x64_sys_keyctl")
int BPF_PROG(lg_key_update_end, const struct pt_regs *regs, long ret)
{
	return lg_key_reservation_give_back();
}

SEC("fexit/__ia32_compat_sys_keyctl")
int BPF_PROG(lg_key_update_end32, const struct pt_regs *regs, long ret)
{
	return lg_key_reservation_give_back();
}

/* An update of a key (add_key of an existing key, KEYCTL_UPDATE) whose new payload would take
 * its owner's bytes past the root user's ordinary quota or another user's share, with what
 * other calls reserved in the owner's pool (lg_key_reserve). Only growth counts (and is
 * reserved until the call returns): an update no longer than the key's payload is never
 * refused. Other calls: 0. */
static __always_inline int lg_key_grow(struct key *key)
{
	struct key_user *user = BPF_CORE_READ(key, user);
	__s64 len;

	if (!user)
		return 0;
	len = lg_key_charged(key, lg_key_call_payload(true));
	if (len <= (__s64)BPF_CORE_READ(key, datalen))
		return 0;
	return lg_key_reserve(key, user, len, false);
}

/*
 * KEYCTL_CHOWN moves a key's charge to its new owner (keyctl_chown_key), the kernel checking
 * the new owner's whole quota only: a confined root keeping CAP_SYS_ADMIN made keys charged
 * to itself and gave them to uid 1000 until uid 1000's own login got EDQUOT (attack run 13).
 * key_permission (SETATTR) is the one hook on that path; the new owner is keyctl's third
 * argument (x86-64 and ia32 alike in dx), in the caller's user namespace (mapped here through
 * its uid_map's first five extents: a namespace with more is not mapped, and the chown is
 * refused). The new owner's count is its struct key_user, found in the kernel's key_user_tree
 * (its address from kallsyms: where it is hidden, a chown into another user is refused). A
 * chown that would take a user other than root past three quarters of its ordinary quota
 * (one key more, the key's charged bytes more) is refused with EDQUOT, as its new key would
 * be (LG_BUILTIN_HOST_BUDGET, a protection); into the root user, past its ordinary quota, it
 * is decided as CAP_SYS_RESOURCE, as root's new keys are (review 16: a confined root keeping
 * CAP_SETUID could make keys as another fsuid and chown them to root). A caller without
 * CAP_SYS_ADMIN (the kernel answers EACCES after this hook) and a key outside every quota
 * (no charge moves) are left to the kernel. Chowns racing each other into one user are
 * counted apart (no reservation): one key each past the share. The tree is walked without
 * the kernel's key_user_lock: a walk racing a rebalance may miss the user and pass.
 */
#define KEYCTL_CHOWN 4
#define KEY_NEED_SETATTR 6
#define LG_KEY_FLAG_IN_QUOTA 2 /* key->flags: the key is charged to its owner's quota */
#define CAP_SYS_ADMIN 21
#define LG_UID_MAP_EXTENTS 5 /* UID_GID_MAP_MAX_BASE_EXTENTS */
#define LG_KEY_USER_DEPTH 64 /* an rbtree of every uid is far shallower */
const volatile __u64 lg_key_user_tree_at = 0;
static const char chown_key_what[] =
    "a key given to another user (KEYCTL_CHOWN) past three quarters of that user's key quota";

/* uid in the current task's user namespace as the kernel's uid (make_kuid); false when the
 * namespace's map cannot be read here or does not map it. */
static __always_inline bool lg_current_kuid(__u32 uid, __u32 *kuid)
{
	struct user_namespace *ns = BPF_CORE_READ(bpf_get_current_task_btf(), cred, user_ns);
	__u32 extents;

	if (!ns)
		return false;
	extents = BPF_CORE_READ(ns, uid_map.nr_extents);
	if (extents > LG_UID_MAP_EXTENTS)
		return false;
	for (int i = 0; i < LG_UID_MAP_EXTENTS; i++) {
		struct uid_gid_extent extent;

		if (i >= (int)extents ||
		    bpf_probe_read_kernel(&extent, sizeof(extent), &ns->uid_map.extent[i]))
			return false;
		if (uid - extent.first < extent.count) {
			*kuid = extent.lower_first + (uid - extent.first);
			return true;
		}
	}
	return false;
}

/* The key_user of kuid in key_user_tree (lookup's order: by uid): 1 found, 0 none (the user
 * has no keys), -1 the tree unknown or deeper than read here. */
static __always_inline int lg_key_user_of(__u32 kuid, struct key_user **found)
{
	struct rb_node *node = 0;

	if (!lg_key_user_tree_at ||
	    bpf_probe_read_kernel(&node, sizeof(node), (const void *)lg_key_user_tree_at))
		return -1;
	for (int i = 0; i < LG_KEY_USER_DEPTH; i++) {
		struct key_user *user;
		__u32 uid;

		if (!node)
			return 0;
		user = (struct key_user *)((void *)node - bpf_core_field_offset(struct key_user, node));
		uid = BPF_CORE_READ(user, uid.val);
		if (kuid == uid) {
			*found = user;
			return 1;
		}
		node = kuid < uid ? BPF_CORE_READ(node, rb_left) : BPF_CORE_READ(node, rb_right);
	}
	return -1;
}

static __always_inline int lg_key_chown_budget(struct key *key)
{
	const struct cred *cred = BPF_CORE_READ(bpf_get_current_task_btf(), cred);
	__u32 uid, kuid = 0, maxkeys, maxbytes;
	__s64 quotalen = BPF_CORE_READ(key, quotalen);
	struct key_user *user = 0;
	struct pt_regs *regs;
	__u64 effective = 0;
	int found;

	if (lg_keyctl_cmd() != KEYCTL_CHOWN)
		return 0;
	/* The kernel asks for CAP_SYS_ADMIN after this hook (EACCES without it), and moves no
	 * charge for a key outside every quota: neither is this budget's to answer. (6.1's
	 * kernel_cap_t is two words, a later one's one: read as 64 bits either way.) */
	if (!cred || bpf_probe_read_kernel(&effective, sizeof(effective),
					   __builtin_preserve_access_index(&cred->cap_effective)))
		effective = ~0ULL; /* unread: counted, as if it had the capability */
	if (!((effective >> CAP_SYS_ADMIN) & 1) ||
	    !(BPF_CORE_READ(key, flags) & (1UL << LG_KEY_FLAG_IN_QUOTA)))
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (!regs)
		return 0;
	uid = (__u32)BPF_CORE_READ(regs, dx);
	if (uid == (__u32)-1)
		return 0; /* the owner unchanged */
	if (lg_current_kuid(uid, &kuid)) {
		if (kuid == BPF_CORE_READ(key, uid.val))
			return 0;
		found = lg_key_user_of(kuid, &user);
		lg_key_quota(&maxkeys, &maxbytes);
		if (kuid == 0) {
			/* into the root user: its ordinary quota, decided as CAP_SYS_RESOURCE as its
			 * new keys are (lg_root_key_charge) */
			if (found == 0 ||
			    (found > 0 && (__s64)BPF_CORE_READ(user, qnkeys) + 1 <= (__s64)maxkeys &&
			     (__s64)BPF_CORE_READ(user, qnbytes) + quotalen <= (__s64)maxbytes))
				return 0;
			return lg_cap_direct(CAP_SYS_RESOURCE, LG_HOOK_CAPABLE, false, true) ? -EDQUOT
											     : 0;
		}
		/* a user with no keys yet has none charged: the key alone against the share */
		if ((found == 0 && 1 <= maxkeys - maxkeys / 4 &&
		     quotalen <= (__s64)(maxbytes - maxbytes / 4)) ||
		    (found > 0 && lg_key_user_within_share(user, 1, quotalen, true)))
			return 0;
	}
	return lg_current_builtin_deny(LG_HOOK_KEY_PERMISSION, LG_BUILTIN_HOST_BUDGET,
				       chown_key_what, sizeof(chown_key_what))
		   ? -EDQUOT
		   : 0;
}

/*
 * A thread's, process's or anonymous session keyring ("_tid", "_pid", "_ses") is charged with
 * KEY_ALLOC_QUOTA_OVERRUN, which no quota refuses: each lives with its thread or process, so
 * the processes a service may have bound them. Linked into a keyring that outlives it, such a
 * keyring could stay charged to the root user past its owner (review 13; attack run 12 saw
 * the kernel reclaim thread keyrings at their thread's exit, linked or not: session keyrings
 * were not tried). So linking a root user's such keyring, while the root user is past the
 * ordinary quota, is decided as CAP_SYS_RESOURCE (EDQUOT without it), as a new key is.
 */
static __always_inline int lg_overrun_keyring_kept(struct key *key)
{
	struct key_user *user = BPF_CORE_READ(key, user);
	__u32 maxkeys, maxbytes;
	char name[5] = {};

	if (!user || BPF_CORE_READ(user, uid.val) != 0)
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(key, description));
	if (!lg_key_name_is(name, "_tid", 5) && !lg_key_name_is(name, "_pid", 5) &&
	    !lg_key_name_is(name, "_ses", 5))
		return 0;
	lg_key_quota(&maxkeys, &maxbytes);
	if ((__s64)BPF_CORE_READ(user, qnkeys) <= (__s64)maxkeys &&
	    (__s64)BPF_CORE_READ(user, qnbytes) <= (__s64)maxbytes)
		return 0;
	return lg_cap_direct(CAP_SYS_RESOURCE, LG_HOOK_CAPABLE, false, true) ? -EDQUOT : 0;
}

/*
 * keyctl(KEYCTL_JOIN_SESSION_KEYRING, NAME) makes the caller's session keyring the first
 * keyring named NAME it may search, whoever made it (attack run 11): a confined service that
 * names a keyring as a host process will later join it (`keyctl session NAME`, a login's or a
 * script's) and opens it to everyone would then hold the session keyring of that process: the
 * keys it adds there are the service's to read, the keys the service planted answer its
 * searches. So a keyring a policy made is not found by name for a task outside that policy
 * (unconfined, or another policy's): the kernel skips it and makes the caller a keyring of its
 * own. Not reported (the caller is not refused anything).
 */
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define EACCES 13

static __always_inline bool lg_keyring_of_another(struct key *key)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0, object = (__u64)key, *owner;

	owner = bpf_map_lookup_elem(&lg_owners, &object);
	if (!owner)
		return false; /* made outside every policy */
	policy = lg_current_policy(&cgroup_id);
	return !policy || policy->identity != *owner;
}

/*
 * The key is the first argument, a key_ref_t: on 6.1 its type in BTF is a pointer to a
 * declared-only struct, which the verifier lets no program read from its context ("arg0 type
 * FWD is not a struct"), so it is copied out of the context as a number.
 *
 * A keyring made outside the policy (another policy's; the host's, the kernel's, or a user's
 * own keyrings, "_uid.N", "_uid_ses.N" and "_persistent.N", which the kernel makes for whoever
 * asks first and every process of that user shares) is read-only to a confined task: viewing,
 * reading and searching it and linking it elsewhere give no key (each key in it is decided as
 * a key), while adding or planting a key in it, clearing it, moving or unlinking keys out of
 * it, changing its permissions, owner or expiry, revoking or invalidating it (keyctl
 * KEYCTL_INVALIDATE asks for Search permission only: told apart by the system call) are
 * refused. A service keeps its keys in its own keyrings (systemd gives each service a session
 * keyring of its own, KeyringMode=private, made inside its cgroup).
 */
SEC("lsm/key_permission")
int lg_key_permission(unsigned long long *ctx)
{
	static const char what[] = "a key made outside the policy";
	static const char ring[] = "a change to a keyring made outside the policy";
	unsigned long long key_ref = 0;
	__u32 need = (__u32)ctx[2];
	int ret = (int)ctx[3];
	struct key *key;

	if (ret)
		return ret;
	if (bpf_probe_read_kernel(&key_ref, sizeof(key_ref), ctx))
		return lg_current_builtin_deny(LG_HOOK_KEY_PERMISSION, LG_BUILTIN_OTHERS_OBJECTS,
					       what, sizeof(what)); /* cannot be: fail closed */
	key = (struct key *)(key_ref & ~LG_KEY_REF_POSSESSED);
	if (!key)
		return 0;
	if (need == KEY_NEED_SETATTR && (ret = lg_key_chown_budget(key)))
		return ret;
	if (!&key_type_keyring || (const void *)BPF_CORE_READ(key, type) != &key_type_keyring) {
		if (need == KEY_NEED_WRITE && (ret = lg_key_grow(key)))
			return ret;
		return lg_owner_decide((__u64)key, LG_HOOK_KEY_PERMISSION, what, sizeof(what));
	}
	if (need == KEY_NEED_LINK && lg_keyctl_cmd() == KEYCTL_SESSION_TO_PARENT)
		return lg_session_to_parent();
	if (need == KEY_NEED_LINK && (ret = lg_overrun_keyring_kept(key)))
		return ret;
	if (need == KEY_NEED_SEARCH && lg_keyctl_cmd() == KEYCTL_JOIN_SESSION_KEYRING &&
	    lg_keyring_of_another(key))
		return -EACCES;
	if (need == KEY_NEED_VIEW || need == KEY_NEED_READ || need == KEY_NEED_LINK ||
	    need == KEY_DEFER_PERM_CHECK ||
	    (need == KEY_NEED_SEARCH && lg_keyctl_cmd() != KEYCTL_INVALIDATE))
		return 0;
	return lg_owner_decide((__u64)key, LG_HOOK_KEY_PERMISSION, ring, sizeof(ring));
}

/* A user's own keyrings: "_uid.N", "_uid_ses.N", "_persistent.N" (the kernel's names). */
static __always_inline bool lg_users_keyring(struct key *key)
{
	char name[8] = {};

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(key, description));
	return (name[0] == '_' && name[1] == 'u' && name[2] == 'i' && name[3] == 'd' &&
		(name[4] == '.' || name[4] == '_')) ||
	       (name[0] == '_' && name[1] == 'p' && name[2] == 'e' && name[3] == 'r' &&
		name[4] == 's' && name[5] == 'i' && name[6] == 's');
}

/* Every key and keyring made, by whom (a second program on key_alloc, after protect.bpf.c's
 * refusal of key upcalls); a user's own keyrings are nobody's. First the root user's quota. */
SEC("lsm/key_alloc")
int BPF_PROG(lg_key_made, struct key *key, const struct cred *cred, unsigned long flags, int ret)
{
	if (ret)
		return ret;
	ret = lg_key_quota_check(key, flags);
	if (ret)
		return ret;
	if (&key_type_keyring && (const void *)BPF_CORE_READ(key, type) == &key_type_keyring &&
	    lg_users_keyring(key))
		return 0;
	return lg_owner_record((__u64)key);
}
