// SPDX-License-Identifier: GPL-2.0-only
/*
 * File rules: lsm/file_open.
 *
 * Guarantees: every open of a file system object by a task under a policy (open, openat,
 * openat2, io_uring openat, a re-open through /proc/PID/fd) is decided by the policy's [files]
 * rules on the object the path leads to (after symlinks), as a write when the open asks for
 * write access, appending or truncation. A file opened through overlayfs is decided on the
 * real file's path too (path.bpf.h, lg_overlay_verdict): deny wins.
 *
 * Built in (protections, every mode): opening for writing a kernel setting that runs code or
 * weakens a protection, opening kernel memory at all (knobs.bpf.h), opening for writing a file
 * of lsmguard's own /proc/PID directory, opening a block device at all unless the policy says
 * [system] raw-disks = allow; and the cgroup files below.
 *
 * Not covered here: opens the kernel makes to execute a program (FMODE_EXEC), which [exec]
 * decides in bprm_check_security; file descriptors a task already holds or receives over a
 * socket; objects never opened (pipes, sockets, memfd) unless re-opened through /proc.
 */
#include "knobs.bpf.h"
#include "path.bpf.h"
#include "setup.bpf.h"

#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define __FMODE_EXEC 0x20 /* in f_flags: the open execve makes (do_open_execat) */
#define O_TRUNC 01000
#define O_APPEND 02000

#define CGROUP2_SUPER_MAGIC 0x63677270
#define CGROUP_SUPER_MAGIC 0x27e0eb

char LICENSE[] SEC("license") = "GPL";

/*
 * Built-in: a confined task may not move processes into a cgroup under another policy or none
 * (out from under its own); moves within its own policy's cgroups are allowed. Opening
 * cgroup.procs or cgroup.threads for writing, on any cgroup2 mount, is the way to do that;
 * clone3(CLONE_INTO_CGROUP) is the other, closed in cgroup.bpf.c.
 *
 * Built-in: nor may it write any other file of a cgroup outside its own policy: cgroup.freeze
 * and cgroup.kill (stop or kill every process there, lsmguard's own cgroup included),
 * cgroup.subtree_control, cgroup.type, cgroup.max.*, memory.*, pids.*, cpu.*, io.*, cpuset.*.
 * The cgroup is the directory that holds the file (its kernfs node), so it does not matter
 * where cgroupfs is mounted or by what name the file was reached. The files of its own
 * policy's cgroups too, unless the policy says [system] cgroups = delegate (then its [files]
 * rules decide them): they are the limits and shares the administrator gave the service.
 */
/* Equal, NUL included. (__builtin_memcmp would leave an extern memcmp the linker refuses.) */
static __always_inline bool lg_name_is(const char *name, const char *want, int size)
{
	for (int i = 0; i < size; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/*
 * The cgroup filesystem a file is on: 2 for cgroup2, 1 for a cgroup v1 hierarchy, 0 for none.
 * Confinement is keyed on cgroup2 ids, so a v1 hierarchy's cgroups are never bound and none of
 * its files is under the task's own policy (nor are its kernfs ids compared with cgroup2 ids,
 * which they may equal). Every write to a v1 file is refused: release_agent makes the kernel run
 * a program as root, freezer.state = FROZEN stops any process moved there, cgroup.procs and
 * tasks move processes into its controllers' limits. Only systemd's child for a service, in its
 * setup window, may move itself into its unit's v1 cgroups (hybrid hierarchies).
 */
static __always_inline int lg_cgroup_version(struct file *file)
{
	unsigned long magic = BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic);

	return magic == CGROUP2_SUPER_MAGIC ? 2 : magic == CGROUP_SUPER_MAGIC ? 1 : 0;
}

/* cgroup.procs, cgroup.threads, and v1's tasks: writing a pid moves a process. */
static __always_inline bool lg_is_cgroup_migration(struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	char name[16] = {};

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name));
	return lg_name_is(name, "cgroup.procs", 13) || lg_name_is(name, "cgroup.threads", 15) ||
	       lg_name_is(name, "tasks", 6);
}

/*
 * Whether lg_open_builtin could answer anything for this open: any write; a read only of a
 * procfs file (/proc/kcore), a character device (/dev/mem) or a block device (a disk). Every
 * open of a confined task
 * passes here, so these are direct loads, and an ordinary read never reaches the helper calls
 * of the global check.
 */
static __always_inline bool lg_may_be_builtin(struct file *file, bool write)
{
	struct inode *inode = file->f_inode;

	if (write)
		return true;
	if (!inode)
		return false;
	return (inode->i_mode & LG_S_IFMT) == LG_S_IFCHR ||
	       (inode->i_mode & LG_S_IFMT) == LG_S_IFBLK ||
	       inode->i_sb->s_magic == PROC_SUPER_MAGIC;
}

#define LG_EXT4_SUPER_MAGIC 0xef53 /* ext2 and ext3 too */
#define LG_XFS_SUPER_MAGIC 0x58465342
#define LG_TMPFS_MAGIC 0x01021994

/*
 * A regular file or directory on a filesystem that holds nothing but data (ext2/3/4, XFS,
 * btrfs, tmpfs): no built-in of lg_open_builtins can decide its open, read or written (they
 * decide devices, procfs, sysfs, configfs, cgroupfs, devpts, fusectl, binfmt_misc, tracefs,
 * debugfs, securityfs and efivarfs; lsmguard's own objects and host code are decided in the
 * walk, not there). A built-in added there for such files must take their filesystem off
 * this list (knobs.bpf.h, lg_open_builtin, says so too). Most opens are these, and one look at
 * the inode's type and filesystem spares every check its own loads (each load through a BTF
 * pointer is a checked load: about 150 instructions of a read's hit path went to the checks one
 * by one, make bench 2026-12-07). A filesystem not on this list is checked in full.
 */
static __always_inline bool lg_plain_data_inode(struct inode *inode)
{
	unsigned long magic;
	__u32 type;

	if (!inode)
		return false;
	type = inode->i_mode & LG_S_IFMT;
	if (type != LG_S_IFREG && type != LG_S_IFDIR)
		return false;
	magic = inode->i_sb->s_magic;
	return magic == LG_EXT4_SUPER_MAGIC || magic == LG_XFS_SUPER_MAGIC ||
	       magic == LG_BTRFS_SUPER_MAGIC || magic == LG_TMPFS_MAGIC;
}

/*
 * The host's ptys (attack run 6's 262): the kernel makes one for whoever opens /dev/ptmx (5:2,
 * under any name, in any devpts instance) until kernel.pty.max, keeping kernel.pty.reserve
 * of them from the devpts instances of containers only, not from the host's own, where a
 * confined service's ptys are made; holding the rest, it leaves an administrator's ssh login
 * without a terminal. A confined task's /dev/ptmx open is refused (ENOSPC, the kernel's answer
 * past the limit) as the kernel refuses an open in a container's devpts instance:
 * pty_count + 1 >= pty_limit - pty_reserve (fs/devpts/inode.c), read where the kernel keeps
 * them as the loader found them in /proc/kallsyms (0: not found, no budget). The kernel counts
 * under devpts_mutex, after this check: opens racing each other may each pass with a count the
 * others have not raised yet, one pty each past the share (review 15).
 */
const volatile __u64 lg_pty_count_at = 0;
const volatile __u64 lg_pty_limit_at = 0;
const volatile __u64 lg_pty_reserve_at = 0;

#define LG_PTMX_RDEV LG_KDEV(5, 2)
#define ENOSPC 28

static __always_inline bool lg_pty_budget_spent(struct file *file)
{
	struct inode *inode = file->f_inode; /* direct loads: every confined open passes here */
	int count = 0, limit = 0, reserve = 0;

	if (!inode || (inode->i_mode & LG_S_IFMT) != LG_S_IFCHR || inode->i_rdev != LG_PTMX_RDEV ||
	    !lg_pty_count_at || !lg_pty_limit_at || !lg_pty_reserve_at)
		return false;
	bpf_probe_read_kernel(&count, sizeof(count), (const void *)lg_pty_count_at);
	bpf_probe_read_kernel(&limit, sizeof(limit), (const void *)lg_pty_limit_at);
	bpf_probe_read_kernel(&reserve, sizeof(reserve), (const void *)lg_pty_reserve_at);
	return count + 1 >= limit - reserve; /* devpts_new_index's test for a container */
}

/*
 * The host's open files (attack run 13): alloc_empty_file refuses a new file to every task
 * without CAP_SYS_ADMIN once the host has fs.file-max of them (ENFILE), so a confined service
 * holding them leaves every unprivileged process of the host unable to open anything (a
 * confined root, whom the kernel never refuses, the same). A confined task's new file of any
 * kind (an open, a socket, a pipe, an epoll or event descriptor) is refused with ENFILE when
 * the host's files would pass three quarters of fs.file-max (LG_BUILTIN_HOST_BUDGET, a
 * protection): the count is nr_files's shared total (a percpu_counter: each CPU may hold up to
 * its batch uncounted, as the kernel's own first test reads it) and the limit files_stat's,
 * both where the kernel keeps them (kallsyms; hidden: no budget). file_alloc_security runs in
 * __alloc_file, before the kernel adds the file. Every file of every task passes here: the two
 * loads come before any policy lookup (measured both ways, 2026-12-04: the policy first cost a
 * task under a policy about 220 instructions more on every open and socket, and saved a task
 * under none nothing).
 *
 * The two reads (kernel memory, a helper call each: about 190 instructions of a task under no
 * policy's 266 in this program, make bench 2026-12-04) are made once for many files: while the
 * line is far, each CPU lets the next min(64, headroom / (2 x CPUs), quarter / (16 x CPUs))
 * files pass unread, the headroom as that CPU last read it. The line can then be passed by at
 * most that many files per CPU (a CPU that read a larger headroom before the others used it
 * up, or an administrator who lowered fs.file-max since): a sixteenth of the quarter kept back
 * in all, besides the kernel count's own lag (docs/security.md).
 *
 * The allowance is one word per CPU, the count in its low half and a refill number in its high
 * half, changed only by compare-and-swap (lg_allowance_take and _refill, lsmguard_abi.h): a
 * program preempted (preempt=full) between its read of the counters and its refill finds the
 * word changed by any refill made meanwhile and stores nothing, so a stale headroom is never
 * stored over a newer one (attack run 16 found the plain store: each such preemption could
 * hand out 64 files past the line); a take preempted between its read and its write finds the
 * word changed and reads the counters instead.
 */
const volatile __u64 lg_nr_files_at = 0;
const volatile __u64 lg_files_stat_at = 0;
const volatile __u32 lg_possible_cpus = 1;
static const char files_what[] = "the host's open files (fs.file-max): past three quarters of them";
#define ENFILE 23
#define LG_FILES_UNREAD_MAX 64

/* This CPU's allowance (lg_file_budget): files it lets pass unread (low 32 bits), and how many
 * times it was refilled (high 32 bits). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lg_files_unread __weak SEC(".maps");

SEC("lsm/file_alloc_security")
int BPF_PROG(lg_file_budget, struct file *file, int ret)
{
	__u64 max = 0, line, headroom, cpus, seen = 0, *unread;
	__u32 zero = 0;
	__s64 files = 0;

	if (ret || !lg_nr_files_at || !lg_files_stat_at)
		return ret;
	unread = bpf_map_lookup_elem(&lg_files_unread, &zero);
	if (unread) {
		seen = *(volatile __u64 *)unread;
		if (lg_allowance_take(unread, seen))
			return 0;
	}
	bpf_probe_read_kernel(&files, sizeof(files),
			      (const void *)(lg_nr_files_at +
					     bpf_core_field_offset(struct percpu_counter, count)));
	bpf_probe_read_kernel(&max, sizeof(max),
			      (const void *)(lg_files_stat_at +
					     bpf_core_field_offset(struct files_stat_struct, max_files)));
	if (files < 0)
		files = 0;
	line = max - (max >> 2);
	if ((__u64)files + 1 <= line) {
		cpus = lg_possible_cpus ?: 1;
		headroom = (line - (__u64)files - 1) / (2 * cpus);
		/* and a sixteenth of the quarter kept back, a CPU: however small fs.file-max is
		 * set, what the CPUs let pass unread stays within the quarter (review 33) */
		if (headroom > (max >> 2) / (16 * cpus))
			headroom = (max >> 2) / (16 * cpus);
		if (headroom > LG_FILES_UNREAD_MAX)
			headroom = LG_FILES_UNREAD_MAX;
		/* only over the empty word this program read: a refill since then wins */
		if (unread)
			lg_allowance_refill(unread, seen, headroom);
		return 0;
	}
	return lg_current_builtin_deny(LG_HOOK_FILE_ALLOC, LG_BUILTIN_HOST_BUDGET, files_what,
				       sizeof(files_what))
		   ? -ENFILE
		   : 0;
}

/*
 * The built-ins of getting hold of file for decision (file_open; file_receive, with the mode the
 * descriptor has): kernel settings and kernel memory, lsmguard's own /proc/PID files, cgroup
 * files. Returns 1 with the hook's answer in *ret when one of them decides, else 0 (the rules
 * decide).
 */
static __always_inline int lg_open_builtins(const struct lg_policy_value *policy,
					    __u64 cgroup_id, __u8 hook, enum lg_decision decision,
					    struct file *file, int *ret)
{
	struct lg_path_verdict verdict;
	int builtin = 0;

	if (lg_plain_data_inode(file->f_inode))
		return 0;
	if (lg_may_be_builtin(file, decision == LG_DECISION_FILE_WRITE))
		builtin = lg_open_builtin((__u64)BPF_CORE_READ(file, f_inode),
					  decision == LG_DECISION_FILE_WRITE, policy->id,
					  (__u64)BPF_CORE_READ(file, f_path.dentry));
	/*
	 * A block device: refused in every mode (written, it reaches lsmguard's policy directory
	 * and the host's code; read, every other policy's secrets) unless the policy says
	 * [system] raw-disks = allow, or the task is in its setup window (systemd's child
	 * attaching a unit's RootImage= to a loop device), when the rules decide the node.
	 */
	if (builtin == LG_BUILTIN_RAW_DISK &&
	    ((policy->flags & LG_POLICY_SYSTEM_RAW_DISKS) || lg_in_setup_window()))
		builtin = 0;
	/* systemd's child opens a unit's TTYPath= (a console, a VT) before it executes the
	 * service. */
	if (builtin == LG_BUILTIN_TERMINAL && lg_in_setup_window())
		builtin = 0;
	/* a new pty past the host's budget (a received /dev/ptmx descriptor makes none) */
	if (!builtin && hook == LG_HOOK_FILE_OPEN && lg_pty_budget_spent(file))
		builtin = LG_BUILTIN_HOST_BUDGET;
	/*
	 * kernel-settings = allow lets a setting through to the rules; but configfs builds the
	 * kernel's SCSI and NVMe targets, whose backstores open a disk inside the kernel (no
	 * file_open of the task's): a disk's every block, so raw-disks = allow is needed too.
	 */
	if (builtin == LG_BUILTIN_KERNEL_SETTING) {
		if (!(policy->flags & LG_POLICY_SYSTEM_RAW_DISKS) &&
		    BPF_CORE_READ(file, f_inode, i_sb, s_magic) == CONFIGFS_MAGIC)
			builtin = LG_BUILTIN_RAW_DISK; /* a protection: audit mode too */
		else if (policy->flags & LG_POLICY_SYSTEM_KERNEL_SETTINGS)
			builtin = 0;
	}
	if (builtin) {
		lg_path_decide(policy, LG_CLASS_FILE, decision, file->f_path.dentry,
			       file->f_path.mnt, &verdict); /* for the event's path */
		lg_verdict_builtin(&verdict, builtin);
		*ret = lg_path_verdict_finish(policy, cgroup_id, hook, decision, &verdict);
		if (builtin == LG_BUILTIN_HOST_BUDGET && *ret)
			*ret = -ENOSPC;
		return 1;
	}
	if (decision == LG_DECISION_FILE_WRITE && lg_cgroup_version(file)) {
		bool v1 = lg_cgroup_version(file) == 1;
		bool move = lg_is_cgroup_migration(file);
		bool own = !v1 &&
			   lg_policy_ids_same(lg_cgroup_file_policy(file->f_path.dentry), policy->id);

		if (v1 && move && lg_in_setup_window()) {
			lg_count_allowed(policy->id, hook);
			*ret = 0;
			return 1;
		}
		/*
		 * Its own policy's cgroups: other files are left to the rules; a move is allowed
		 * whatever [files] says to systemd's child (in its setup window it writes its
		 * service's cgroup.procs) and under cgroups = delegate. Otherwise the kernel
		 * checks only the writer's access to the cgroups, so a process from anywhere,
		 * lsmguard's daemon included, could be pulled in and frozen or starved there.
		 */
		if (own && move &&
		    (lg_in_setup_window() || (policy->flags & LG_POLICY_SYSTEM_CGROUPS_DELEGATE))) {
			lg_count_allowed(policy->id, hook);
			*ret = 0;
			return 1;
		}
		/*
		 * Its own cgroups' other files are resource controls the administrator set
		 * (cpu.weight, memory.max, pids.max, io.*, cgroup.subtree_control, freeze, kill):
		 * raised, the service starves others, lsmguard's reloads among them, or escapes
		 * its limits. Refused like another's unless [system] cgroups = delegate.
		 */
		if (!own || move || !(policy->flags & LG_POLICY_SYSTEM_CGROUPS_DELEGATE)) {
			lg_path_decide(policy, LG_CLASS_FILE, decision, file->f_path.dentry,
				       file->f_path.mnt, &verdict); /* for the event's path */
			lg_verdict_builtin(&verdict, move && !v1 ? LG_BUILTIN_CGROUP_MOVE
								 : LG_BUILTIN_CGROUP_FILE);
			*ret = lg_path_verdict_finish(policy, cgroup_id, hook, decision,
						      &verdict);
			return 1;
		}
	}
	return 0;
}

/*
 * Who made each pty (lg_pty_owners, knobs.bpf.h): after /dev/ptmx's open succeeds, its slave's
 * tty_struct and the opener's policy's identity (32 bits of it). ptmx_open is the only way a pty pair is made (every devpts
 * instance), and its address is taken (ptmx_fops), so it is never inlined.
 */
SEC("fexit/ptmx_open")
int BPF_PROG(lg_ptmx_opened, struct inode *inode, struct file *filp, int ret)
{
	const struct lg_policy_value *policy;
	struct tty_file_private *priv;
	__u64 cgroup_id = 0, key;
	__u32 owner;

	if (ret)
		return 0;
	priv = (struct tty_file_private *)BPF_CORE_READ(filp, private_data);
	key = (__u64)BPF_CORE_READ(priv, tty, link);
	if (!key)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	/* by name, as the makers of IPC objects (ipc.bpf.c): a reload gives the policy a new id */
	owner = policy ? (__u32)policy->identity : 0;
	bpf_map_update_elem(&lg_pty_owners, &key, &owner, BPF_ANY);
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(lg_file_open, struct file *file, int ret)
{
	const struct lg_policy_value *policy;
	enum lg_decision decision;
	__u64 cgroup_id = 0;
	bool plain;

	if (ret)
		return ret; /* an earlier LSM already denied: keep its answer */
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	/* execve's own open of the program: [exec] decides it in bprm_check_security. At this
	 * point 6.1 has the flag in f_flags only; later kernels also set FMODE_EXEC. */
	if ((file->f_mode & FMODE_EXEC) || (file->f_flags & __FMODE_EXEC))
		return 0;
	decision = (file->f_mode & FMODE_WRITE) || (file->f_flags & (O_TRUNC | O_APPEND))
			   ? LG_DECISION_FILE_WRITE
			   : LG_DECISION_FILE_READ;
	/* Kernel settings and kernel memory (knobs.bpf.h); lsmguard's own /proc/PID files
	 * (oom_score_adj: the OOM killer's first choice). The inode is read with BPF_CORE_READ:
	 * a global function takes a scalar, not a pointer. None of them for a plain file. */
	plain = lg_plain_data_inode(file->f_inode);
	/* The common answer first: a plain file's allowed verdict in its slots. Nothing else
	 * decides it: no built-in (above), and not overlayfs (a plain inode is not overlayfs's,
	 * and a hit's inode is its dentry's, which overlayfs's inner open's is not). */
	if (plain && lg_cache_hit(file, policy->id,
				  LG_CLASS_FILE << 1 | (decision == LG_DECISION_FILE_WRITE))) {
		lg_count_cached(policy->id, LG_HOOK_FILE_OPEN);
		return 0;
	}
	if (!plain && lg_open_builtins(policy, cgroup_id, LG_HOOK_FILE_OPEN, decision, file, &ret))
		return ret;
	ret = lg_file_verdict(policy, cgroup_id, LG_HOOK_FILE_OPEN, LG_CLASS_FILE, decision, file);
	if (ret)
		return ret;
	/* Through overlayfs: the real file's path decides too (the second file_open, that of
	 * the real file under the overlay's path). */
	return lg_overlay_verdict(policy, cgroup_id, LG_HOOK_FILE_OPEN, LG_CLASS_FILE, decision,
				  file);
}

/*
 * Descriptors received: lsm/file_receive (here, beside file_open, whose built-ins it shares).
 *
 * Guarantees, for a task under a policy: a file descriptor it receives from another process
 * (SCM_RIGHTS over a unix socket, by recvmsg or io_uring's recvmsg; pidfd_getfd; a seccomp
 * supervisor's SECCOMP_IOCTL_NOTIF_ADDFD) is decided by its own policy's [files] rules, as if it
 * had opened the file itself with the file's access mode: a read at the path when the file is
 * open for reading, a write when open for writing, both when both (through the same path
 * decision and verdict cache as file_open). So a process under another policy, or none, cannot
 * hand it a file its rules deny.
 *
 * Allowed without a path decision: O_PATH descriptors (every use of one goes through a hook of
 * its own: an open of /proc/self/fd/N, execveat, linkat) and files of the kernel's internal
 * mounts (pipes, sockets, anonymous inodes such as eventfd or pidfd, memfd), which have no path
 * a rule could name; a memfd executed is still [exec] anonymous. POSIX message queues are on an
 * internal mount too, but are named (/dev/mqueue/NAME): decided by path.
 *
 * Refused (built-in protection, every mode): namespace descriptors (nsfs: setns into another
 * task's namespaces, the host's mount namespace among them) and BPF objects (maps, programs,
 * links: a map fd could be mmap'd, or used by a task that may call bpf()).
 *
 * The kernel stops at a refused descriptor: recvmsg succeeds with MSG_CTRUNC and installs no
 * descriptor from that one on; pidfd_getfd and SECCOMP_IOCTL_NOTIF_ADDFD fail with EPERM.
 *
 * Not covered: io_uring's IORING_OP_MSG_RING with IORING_MSG_SEND_FD (6.0+), which installs a
 * descriptor in another ring's fixed file table without this hook; descriptors inherited at fork
 * or exec from an unconfined parent (how a unit or `lsmguard exec` hands them over).
 */
#define FMODE_READ 0x1
#define FMODE_PATH 0x4000
#define MNT_INTERNAL 0x4000 /* include/linux/mount.h, 6.1: kern_mount()ed filesystems */
#define NSFS_MAGIC 0x6e736673
#define ANON_INODE_FS_MAGIC 0x09041934
#define MQUEUE_MAGIC 0x19800202

/* A BPF object's anonymous inode: "bpf-map", "bpf-prog", "bpf_link", "bpf_iter". */
static __always_inline bool lg_is_bpf_object(struct file *file)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	char name[4] = {};

	if (BPF_CORE_READ(dentry, d_sb, s_magic) != ANON_INODE_FS_MAGIC)
		return false;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name));
	return name[0] == 'b' && name[1] == 'p' && name[2] == 'f';
}

SEC("lsm/file_receive")
int BPF_PROG(lg_file_receive, struct file *file, int ret)
{
	static const char namespace[] = "a namespace descriptor";
	static const char bpf_object[] = "a BPF object's descriptor";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	unsigned int mode;

	if (ret)
		return ret;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	mode = file->f_mode;
	if (mode & FMODE_PATH) {
		lg_count_allowed(policy->id, LG_HOOK_FILE_RECEIVE);
		return 0;
	}
	if (BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic) == NSFS_MAGIC)
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_BUILTIN_RECEIVE,
				       namespace, sizeof(namespace));
	if (lg_is_bpf_object(file))
		return lg_builtin_deny(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_BUILTIN_RECEIVE,
				       bpf_object, sizeof(bpf_object));
	/* A POSIX message queue (mq_open) lives on the IPC namespace's internal mount, but it has
	 * a name, /dev/mqueue/NAME under the filesystem's type, and is another service's channel:
	 * decided by the rules like any file (file_open decides mq_open the same way). */
	if ((BPF_CORE_READ(file, f_path.mnt, mnt_flags) & MNT_INTERNAL) &&
	    BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic) != MQUEUE_MAGIC) {
		lg_count_allowed(policy->id, LG_HOOK_FILE_RECEIVE);
		return 0;
	}
	/* The built-ins of opening it (kernel settings and memory, lsmguard's /proc/PID files,
	 * cgroup files) as for file_open: a descriptor handed over is no way around them. */
	if (lg_open_builtins(policy, cgroup_id, LG_HOOK_FILE_RECEIVE,
			     (mode & FMODE_WRITE) ? LG_DECISION_FILE_WRITE : LG_DECISION_FILE_READ,
			     file, &ret))
		return ret;
	if (mode & FMODE_READ) {
		ret = lg_file_verdict_of(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_CLASS_FILE,
					 LG_DECISION_FILE_READ, file, false);
		if (!ret)
			ret = lg_overlay_verdict(policy, cgroup_id, LG_HOOK_FILE_RECEIVE,
						 LG_CLASS_FILE, LG_DECISION_FILE_READ, file);
		if (ret)
			return ret;
	}
	if (mode & FMODE_WRITE) {
		ret = lg_file_verdict_of(policy, cgroup_id, LG_HOOK_FILE_RECEIVE, LG_CLASS_FILE,
					 LG_DECISION_FILE_WRITE, file, false);
		if (!ret)
			ret = lg_overlay_verdict(policy, cgroup_id, LG_HOOK_FILE_RECEIVE,
						 LG_CLASS_FILE, LG_DECISION_FILE_WRITE, file);
	}
	return ret;
}
