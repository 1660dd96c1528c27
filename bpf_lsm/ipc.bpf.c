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
 * shares; keyrings themselves (the user, session and persistent keyrings the kernel makes on
 * first use, by whoever asks) are not decided, the keys in them are.
 *
 * The maker is recorded when the object is made (shm, msg_queue, sem _alloc_security and
 * key_alloc: LSM hooks, never skipped), by its kernel address, when it is a task under a
 * policy: as that policy's identity (lg_policy_value.identity, the hash of its name: the same
 * across reloads and restarts of the service, whose cgroup is then another); forgotten when the
 * object is freed. An object with no record was made outside every policy (by the host, or
 * before lsmguard's load): refused like another policy's. Tasks under no policy never touch
 * the records, so nothing the host does can fill them; each policy may hold LG_OWNED_PER_POLICY
 * records (ENOSPC past them: root may make a million keys), so that no service can use up
 * another's room. Keyrings are neither recorded nor decided (the kernel makes the user, session
 * and persistent keyrings for whoever asks first): the keys in them are.
 */
#include "common.bpf.h"

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

SEC("lsm/shm_alloc_security")
int BPF_PROG(lg_shm_made, struct kern_ipc_perm *perm, int ret)
{
	return ret ? ret : lg_owner_record((__u64)perm);
}

SEC("lsm/msg_queue_alloc_security")
int BPF_PROG(lg_msg_queue_made, struct kern_ipc_perm *perm, int ret)
{
	return ret ? ret : lg_owner_record((__u64)perm);
}

SEC("lsm/sem_alloc_security")
int BPF_PROG(lg_sem_made, struct kern_ipc_perm *perm, int ret)
{
	return ret ? ret : lg_owner_record((__u64)perm);
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

/*
 * The key is the first argument, a key_ref_t: on 6.1 its type in BTF is a pointer to a
 * declared-only struct, which the verifier lets no program read from its context ("arg0 type
 * FWD is not a struct"), so it is copied out of the context as a number.
 */
SEC("lsm/key_permission")
int lg_key_permission(unsigned long long *ctx)
{
	static const char what[] = "a key made outside the policy";
	unsigned long long key_ref = 0;
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
	/* Keyrings are made by the kernel for whoever asks first; the keys in them decide. */
	if (&key_type_keyring && (const void *)BPF_CORE_READ(key, type) == &key_type_keyring)
		return 0;
	return lg_owner_decide((__u64)key, LG_HOOK_KEY_PERMISSION, what, sizeof(what));
}

/* Every key made, by whom (a second program on key_alloc, after protect.bpf.c's refusal of
 * key upcalls). */
SEC("lsm/key_alloc")
int BPF_PROG(lg_key_made, struct key *key, const struct cred *cred, unsigned long flags, int ret)
{
	if (ret || (&key_type_keyring && (const void *)BPF_CORE_READ(key, type) == &key_type_keyring))
		return ret;
	return lg_owner_record((__u64)key);
}
