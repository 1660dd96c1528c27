/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel settings that make the kernel run a program, load code or drop a protection, and the
 * files that are kernel memory (issue 12, class 3): a protection for every confined task, in
 * every mode, whatever its [files] rules allow. Each is recognised by what it is, never by a
 * path a mount could move:
 *
 *  - sysctls (any procfs mount, any name it is reached by): the proc inode's sysctl table
 *    entry, whose data pointer is compared with the kernel variable it sets (addresses from
 *    kallsyms, resolved by libbpf at load; a variable this kernel lacks resolves to 0 and
 *    matches nothing). Each name below must be unique in kallsyms (libbpf refuses an
 *    ambiguous one): checked in the 6.1 test kernel. Writing is refused:
 *      kernel.core_pattern      "|program": run as root by the kernel at the next crash
 *      kernel.core_pipe_limit, fs.suid_dumpable   how and whether set-id processes dump into it
 *      kernel.modprobe          run as root by every module autoload
 *      kernel.poweroff_cmd      run by orderly_poweroff()
 *      kernel.hotplug           run for every uevent (CONFIG_UEVENT_HELPER kernels)
 *      kernel.usermodehelper.bset, .inheritable   capabilities of every helper above
 *                               (their data is a tag, so they are known by their handler)
 *    and the settings that weaken a protection of the whole host (no service needs to write
 *    them; an administrator sets them at boot):
 *      kernel.unprivileged_userns_clone   (Debian) user namespaces for every user
 *      kernel.yama.ptrace_scope           who may ptrace whom
 *      kernel.perf_event_paranoid         perf events for unprivileged users, kernel profiling
 *      kernel.kptr_restrict, kernel.dmesg_restrict   kernel addresses for every reader
 *      kernel.unprivileged_bpf_disabled   bpf() for every user
 *      net.core.bpf_jit_harden            constant blinding of JIT-compiled BPF
 *      kernel.kexec_load_disabled, kernel.modules_disabled   one-way switches an administrator
 *                               throws; a service throwing them stops the host's updates
 *      fs.protected_symlinks, _hardlinks, _fifos, _regular   the /tmp link and fifo traps
 *      vm.mmap_min_addr                   NULL-page mappings (kernel NULL dereferences)
 *      vm.unprivileged_userfaultfd        stalling the kernel at a chosen page fault
 *      kernel.randomize_va_space          address space randomisation
 *      kernel.sched_rt_runtime_us, sched_rt_period_us   real-time throttling: with it off
 *                               (-1, or runtime = period) a SCHED_FIFO loop starves every
 *                               other task on its CPU, lsmguard's daemon included
 *      kernel.printk, kernel.printk_devkmsg   the console's log level and whether user space
 *                               may write the kernel log: the kernel log's own switches,
 *                               which syslog(2) refuses as well (lockdown.bpf.c)
 *      kernel.ftrace_enabled              0 patches out every ftrace call site, and the BPF LSM
 *                               programs are ftrace trampolines on bpf_lsm_*: every hook of
 *                               lsmguard stops running, for every policy (attack run 4)
 *    and the limits every process lives by, root and lsmguard's daemon included (no capability
 *    lifts them; set low, the next start of lsmguard or of any service fails, set high or
 *    turned into panics, one service takes the host's memory or the host itself down):
 *      fs.epoll.max_user_watches (libbpf's ring buffer is an epoll set), fs.inotify.* and the
 *      user.max_* of the host's user namespace (its ucount limits), kernel.threads-max,
 *      kernel.pid_max, kernel.ns_last_pid (which pid the next process gets: taking a dead
 *      daemon's pid), fs.file-max, fs.nr_open, fs.mount-max, fs.aio-max-nr, vm.max_map_count,
 *      vm.admin_reserve_kbytes, vm.user_reserve_kbytes, vm.overcommit_memory, _ratio, _kbytes,
 *      vm.min_free_kbytes, vm.nr_hugepages (and its mempolicy and overcommit twins),
 *      vm.panic_on_oom, kernel.panic_on_oops, kernel.panic_on_warn, kernel.hung_task_panic,
 *      kernel.softlockup_panic, kernel.keys.root_maxkeys, root_maxbytes; since attack run 30
 *      also kernel.keys.maxkeys, maxbytes (every user's key quota, which the budgets read),
 *      gc_delay, persistent_keyring_expiry (how long keys outlive their use), the other
 *      panic switches (kernel.warn_limit, oops_limit, panic_on_rcu_stall,
 *      max_rcu_stall_to_panic, hardlockup_panic, unknown_nmi_panic, panic_on_unrecovered_nmi,
 *      panic_on_io_nmi, panic), vm.oom_kill_allocating_task (which process the OOM killer
 *      takes), kernel.ctrl-alt-del and kernel.cad_pid (Ctrl-Alt-Del's SIGINT sent to a
 *      process of the writer's choosing: lsmguard's daemon), kernel.sysrq (the keyboard's
 *      SysRq), kernel.pty.max and pty.reserve, the System V and POSIX queue limits of the host's IPC namespace
 *      (kernel.shm*, msg*, sem, fs.mqueue.*: the budgets' limits), fs.pipe-user-pages-soft,
 *      -hard, fs.pipe-max-size, net.core.bpf_jit_enable
 *    Every other sysctl write, and every write to a sysfs or configfs attribute (a regular
 *    file: /sys/power/state suspends the host, /sys/devices/system/cpu/cpuN/online takes a CPU
 *    away, module parameters, block queue settings; configfs builds NVMe and iSCSI targets that
 *    export the host's disks), is LG_BUILTIN_KERNEL_SETTING: refused unless the policy says
 *    [system] kernel-settings = allow (the policy's own confinement, following its mode); the
 *    settings listed here stay refused whatever it says.
 *  - procfs entries (any procfs mount: the proc_dir_entry's operations, from kallsyms):
 *    /proc/sysrq-trigger for writing ('b' reboots, 'c' crashes, 'e' and 'i' kill every process,
 *    lsmguard included, whatever kernel.sysrq says); /proc/kcore for reading too (all kernel
 *    memory: lsmguard's maps, their path seed and policies, other services' secrets).
 *  - the memory devices, by device number wherever the node is: /dev/mem (physical memory),
 *    /dev/kmem, /dev/port (I/O ports), for reading and writing.
 *  - whole filesystems, for writing (any mount: the superblock's magic):
 *      binfmt_misc   `register` installs an interpreter the kernel runs for matching files
 *                    (with the C flag, with the file's set-id credentials); `status` and each
 *                    entry's file switch them on and off
 *      tracefs, debugfs   kprobe_events, uprobe_events and dynamic_events attach probes whose
 *                    fetch arguments read any kernel or user memory; set_ftrace_filter and
 *                    current_tracer patch every kernel function's entry; events/ and trace_pipe
 *                    record other services' system calls; debugfs holds drivers' raw controls
 *                    (/sys/kernel/debug/tracing is tracefs, automounted). Reading is left to
 *                    the rules.
 *      securityfs    LSM policy loads: AppArmor's .load/.replace/.remove, the IMA policy, the
 *                    lockdown level, EVM's switches
 *      efivarfs      UEFI variables: BootOrder/BootNext choose what boots next (a write or an
 *                    unlink reaches the firmware)
 *  - sysfs attributes (any sysfs mount: the kernfs node and its parents' names, fixed by the
 *    kernel): /sys/kernel/uevent_helper (kernel.hotplug's twin),
 *    /sys/module/firmware_class/parameters/path (firmware, code for devices, loaded from
 *    there), /sys/power/resume and resume_offset (resuming a hibernation image is booting it);
 *    since attack run 30 the twins of listed sysctls: every parameter under
 *    /sys/module/kernel/parameters and /sys/module/printk/parameters, and the hugepage pools'
 *    nr_hugepages, nr_overcommit_hugepages, nr_hugepages_mempolicy (any hugepages directory).
 *
 * Not listed: module parameters other than the firmware path (most take effect at load, which
 * confined tasks cannot do); sysctls that tune without weakening (the rules decide them).
 */
#ifndef LSMGUARD_KNOBS_BPF_H
#define LSMGUARD_KNOBS_BPF_H

#include "common.bpf.h"
#include "devices.bpf.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define BINFMTFS_MAGIC 0x42494e4d
#define TRACEFS_MAGIC 0x74726163
#define DEBUGFS_MAGIC 0x64626720
#define SECURITYFS_MAGIC 0x73636673
#define CONFIGFS_MAGIC 0x62656570
#define FUSECTL_SUPER_MAGIC 0x65735543 /* fusectl: each FUSE connection's abort and limits */
#define LG_S_IFREG 0100000
#define LG_S_IFMT 00170000
#define LG_S_IFCHR 0020000
#define LG_S_IFBLK 0060000
#define LG_S_IFDIR 0040000
#define LG_SCSI_GENERIC_MAJOR 21
/* /dev/mem 1:1, /dev/kmem 1:2, /dev/port 1:4 (the kernel's dev_t: major << 20 | minor) */
#define LG_MEM_MAJOR 1
#define LG_KDEV(major, minor) (((major) << 20) | (minor))

extern const void core_pattern __ksym __weak;
extern const void core_pipe_limit __ksym __weak;
extern const void suid_dumpable __ksym __weak;
extern const void modprobe_path __ksym __weak;
extern const void poweroff_cmd __ksym __weak;
extern const void uevent_helper __ksym __weak;
/* kernel.usermodehelper.{bset,inheritable}: their data is a tag (1, 2), their handler this. */
extern const void proc_cap_handler __ksym __weak;
extern const void unprivileged_userns_clone __ksym __weak;
extern const void ptrace_scope __ksym __weak;
extern const void sysctl_perf_event_paranoid __ksym __weak;
extern const void kptr_restrict __ksym __weak;
extern const void dmesg_restrict __ksym __weak;
extern const void sysctl_unprivileged_bpf_disabled __ksym __weak;
extern const void bpf_jit_harden __ksym __weak;
extern const void kexec_load_disabled __ksym __weak;
extern const void modules_disabled __ksym __weak;
extern const void sysctl_protected_symlinks __ksym __weak;
extern const void sysctl_protected_hardlinks __ksym __weak;
extern const void sysctl_protected_fifos __ksym __weak;
extern const void sysctl_protected_regular __ksym __weak;
extern const void dac_mmap_min_addr __ksym __weak; /* vm.mmap_min_addr's data */
extern const void sysctl_unprivileged_userfaultfd __ksym __weak;
extern const void randomize_va_space __ksym __weak;
extern const void sysctl_sched_rt_runtime __ksym __weak;
extern const void sysctl_sched_rt_period __ksym __weak;
extern const void ftrace_enabled __ksym __weak;
extern const void max_user_watches __ksym __weak;
extern const void sysctl_max_threads __ksym __weak;   /* kernel.threads-max's handler */
extern const void pid_max __ksym __weak;
extern const void pid_ns_ctl_handler __ksym __weak;   /* kernel.ns_last_pid's handler */
extern const void init_user_ns __ksym __weak;         /* fs.inotify.*, user.*: ucount_max[] */
extern const void files_stat __ksym __weak;           /* fs.file-max: files_stat.max_files */
extern const void sysctl_nr_open __ksym __weak;
extern const void sysctl_mount_max __ksym __weak;
extern const void aio_max_nr __ksym __weak;
extern const void sysctl_max_map_count __ksym __weak;
extern const void sysctl_admin_reserve_kbytes __ksym __weak;
extern const void sysctl_user_reserve_kbytes __ksym __weak;
extern const void sysctl_overcommit_memory __ksym __weak;
extern const void sysctl_overcommit_ratio __ksym __weak;
extern const void sysctl_overcommit_kbytes __ksym __weak;
extern const void min_free_kbytes __ksym __weak;
extern const void hugetlb_sysctl_handler __ksym __weak;
extern const void hugetlb_mempolicy_sysctl_handler __ksym __weak;
extern const void hugetlb_overcommit_handler __ksym __weak;
extern const void sysctl_panic_on_oom __ksym __weak;
extern const void panic_on_oops __ksym __weak;
extern const void panic_on_warn __ksym __weak;
extern const void sysctl_hung_task_panic __ksym __weak;
extern const void softlockup_panic __ksym __weak;
extern const void key_quota_root_maxkeys __ksym __weak;
extern const void key_quota_root_maxbytes __ksym __weak;
extern const void console_printk __ksym __weak;  /* kernel.printk's data (console_loglevel) */
/* attack run 30: the ordinary key quota, the other panic switches, Ctrl-Alt-Del's target, the
 * System V and POSIX queue limits of the host's IPC namespace, pipes' limits, the JIT */
extern const void key_quota_maxkeys __ksym __weak;
extern const void key_quota_maxbytes __ksym __weak;
extern const void key_gc_delay __ksym __weak;
extern const void persistent_keyring_expiry __ksym __weak;
extern const void warn_limit __ksym __weak;
extern const void oops_limit __ksym __weak;
extern const void sysctl_panic_on_rcu_stall __ksym __weak;
extern const void sysctl_max_rcu_stall_to_panic __ksym __weak;
extern const void hardlockup_panic __ksym __weak;
extern const void unknown_nmi_panic __ksym __weak;
extern const void panic_on_unrecovered_nmi __ksym __weak;
extern const void panic_on_io_nmi __ksym __weak;
extern const void panic_timeout __ksym __weak;
extern const void sysctl_oom_kill_allocating_task __ksym __weak;
extern const void C_A_D __ksym __weak;               /* kernel.ctrl-alt-del */
extern const void proc_do_cad_pid __ksym __weak;     /* kernel.cad_pid's handler */
extern const void sysrq_sysctl_handler __ksym __weak; /* kernel.sysrq's handler */
extern const void pty_limit __ksym __weak;           /* kernel.pty.max */
extern const void pty_reserve __ksym __weak;         /* kernel.pty.reserve */
extern const void init_ipc_ns __ksym __weak;         /* kernel.shm*, msg*, sem, fs.mqueue.* */
extern const void pipe_user_pages_soft __ksym __weak;
extern const void pipe_user_pages_hard __ksym __weak;
extern const void pipe_max_size __ksym __weak;
extern const void bpf_jit_enable __ksym __weak;
extern const void devkmsg_log_str __ksym __weak; /* kernel.printk_devkmsg's */
/* The operations of /proc/sysrq-trigger and /proc/kcore (static: kallsyms has them with
 * CONFIG_KALLSYMS_ALL, which Debian sets; without it they resolve to 0 and match nothing). */
extern const void sysrq_trigger_proc_ops __ksym __weak;
extern const void proc_fd_operations __ksym __weak; /* a /proc/PID/fd directory's */
extern const void kcore_proc_ops __ksym __weak;

/* 6.1's kernfs_node (later kernels renamed parent to __parent). */
struct kernfs_node___lg {
	struct kernfs_node___lg *parent;
	const char *name;
} __attribute__((preserve_access_index));

static __always_inline struct proc_inode *lg_proc_inode(struct inode *inode)
{
	return (void *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode);
}

/* Whether a sysctl's data is one of the protection-weakening settings listed above. */
static __always_inline bool lg_knob_weakening(const void *data)
{
	return data == &unprivileged_userns_clone || data == &ptrace_scope ||
	       data == &sysctl_perf_event_paranoid || data == &kptr_restrict ||
	       data == &dmesg_restrict || data == &sysctl_unprivileged_bpf_disabled ||
	       data == &bpf_jit_harden || data == &kexec_load_disabled ||
	       data == &modules_disabled || data == &sysctl_protected_symlinks ||
	       data == &sysctl_protected_hardlinks || data == &sysctl_protected_fifos ||
	       data == &sysctl_protected_regular || data == &dac_mmap_min_addr ||
	       data == &sysctl_unprivileged_userfaultfd || data == &randomize_va_space ||
	       data == &sysctl_sched_rt_runtime || data == &sysctl_sched_rt_period ||
	       data == &console_printk || data == &devkmsg_log_str;
}

/* Whether data lies inside the object at base of size bytes (0 when the kernel lacks it). */
static __always_inline bool lg_knob_within(const void *data, const void *base, __u64 size)
{
	return base && data >= base && data < base + size;
}

/* Whether a sysctl's data is one of the limits listed above (or ftrace's switch). */
static __always_inline bool lg_knob_limit(const void *data)
{
	__u64 ucounts = bpf_core_field_offset(struct user_namespace, ucount_max);

	return data == &ftrace_enabled || data == &max_user_watches || data == &pid_max ||
	       data == &sysctl_nr_open || data == &sysctl_mount_max || data == &aio_max_nr ||
	       data == &sysctl_max_map_count || data == &sysctl_admin_reserve_kbytes ||
	       data == &sysctl_user_reserve_kbytes || data == &sysctl_overcommit_memory ||
	       data == &sysctl_overcommit_ratio || data == &sysctl_overcommit_kbytes ||
	       data == &min_free_kbytes || data == &sysctl_panic_on_oom ||
	       data == &panic_on_oops || data == &panic_on_warn ||
	       data == &sysctl_hung_task_panic || data == &softlockup_panic ||
	       data == &key_quota_root_maxkeys || data == &key_quota_root_maxbytes ||
	       data == &key_quota_maxkeys || data == &key_quota_maxbytes ||
	       data == &key_gc_delay || data == &persistent_keyring_expiry ||
	       data == &warn_limit || data == &oops_limit || data == &sysctl_panic_on_rcu_stall ||
	       data == &sysctl_max_rcu_stall_to_panic || data == &hardlockup_panic ||
	       data == &unknown_nmi_panic || data == &panic_on_unrecovered_nmi ||
	       data == &panic_on_io_nmi || data == &panic_timeout ||
	       data == &sysctl_oom_kill_allocating_task || data == &C_A_D ||
	       data == &pty_limit || data == &pty_reserve || data == &pipe_user_pages_soft ||
	       data == &pipe_user_pages_hard || data == &pipe_max_size ||
	       data == &bpf_jit_enable ||
	       lg_knob_within(data, &init_ipc_ns, bpf_core_type_size(struct ipc_namespace)) ||
	       lg_knob_within(data, &files_stat, bpf_core_type_size(struct files_stat_struct)) ||
	       lg_knob_within(data, &init_user_ns ? (const void *)&init_user_ns + ucounts : 0,
			      bpf_core_field_size(struct user_namespace, ucount_max));
}

/* The sysctl of a /proc/sys file, or NULL when inode is not one. */
static __always_inline const struct ctl_table *lg_sysctl_entry(struct inode *inode)
{
	return BPF_CORE_READ(lg_proc_inode(inode), sysctl_entry);
}

static __always_inline bool lg_knob_sysctl(const struct ctl_table *entry)
{
	const void *data, *handler;

	handler = BPF_CORE_READ(entry, proc_handler);
	if (handler && (handler == &proc_cap_handler || handler == &sysctl_max_threads ||
			handler == &pid_ns_ctl_handler || handler == &proc_do_cad_pid ||
			handler == &sysrq_sysctl_handler || handler == &hugetlb_sysctl_handler ||
			handler == &hugetlb_mempolicy_sysctl_handler ||
			handler == &hugetlb_overcommit_handler))
		return true;
	data = BPF_CORE_READ(entry, data);
	if (!data)
		return false;
	return data == &core_pattern || data == &core_pipe_limit || data == &suid_dumpable ||
	       data == &modprobe_path || data == &poweroff_cmd || data == &uevent_helper ||
	       lg_knob_weakening(data) || lg_knob_limit(data);
}

/* /proc/kcore (any access) and /proc/sysrq-trigger (writing), by their operations. */
static __always_inline bool lg_knob_proc_entry(struct inode *inode, bool write)
{
	struct proc_dir_entry *pde = BPF_CORE_READ(lg_proc_inode(inode), pde);
	const void *ops;

	if (!pde)
		return false;
	ops = BPF_CORE_READ(pde, proc_ops);
	if (!ops)
		return false;
	return ops == &kcore_proc_ops || (write && ops == &sysrq_trigger_proc_ops);
}

/* Equal, NUL included, to a string of size bytes (size <= 16). */
static __always_inline bool lg_knob_name_is(const char *name, const char *want, int size)
{
	for (int i = 0; i < size; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/* The name of kernfs node kn (up to 15 bytes), "" when none. */
static __always_inline void lg_kn_name(struct kernfs_node___lg *kn, char name[16])
{
	name[0] = 0;
	if (kn)
		bpf_probe_read_kernel_str(name, 16, BPF_CORE_READ(kn, name));
}

static __always_inline bool lg_knob_sysfs(struct inode *inode)
{
	struct kernfs_node___lg *kn = BPF_CORE_READ(inode, i_private), *parent, *grand, *great;
	char name[16], pname[16], gname[16];

	if (!kn)
		return false;
	parent = BPF_CORE_READ(kn, parent);
	if (!parent)
		return false;
	grand = BPF_CORE_READ(parent, parent);
	if (!grand)
		return false;
	great = BPF_CORE_READ(grand, parent);
	lg_kn_name(kn, name);
	lg_kn_name(parent, pname);
	if (!great) { /* /sys/DIR/FILE */
		if (lg_knob_name_is(pname, "kernel", 7))
			return lg_knob_name_is(name, "uevent_helper", 14);
		if (lg_knob_name_is(pname, "power", 6))
			return lg_knob_name_is(name, "resume", 7) ||
			       lg_knob_name_is(name, "resume_offset", 14);
		return false;
	}
	lg_kn_name(grand, gname);
	/* vm.nr_hugepages' twins (attack run 30): .../hugepages/hugepages-SIZE/nr_hugepages,
	 * nr_overcommit_hugepages, nr_hugepages_mempolicy (names read to 15 bytes), the host's
	 * and each NUMA node's */
	if (lg_knob_name_is(gname, "hugepages", 10))
		return lg_knob_name_is(name, "nr_hugepages", 13) ||
		       lg_knob_name_is(name, "nr_overcommit_h", 16) ||
		       lg_knob_name_is(name, "nr_hugepages_me", 16);
	if (!lg_knob_name_is(pname, "parameters", 11))
		return false;
	/* /sys/module/firmware_class/parameters/path; every parameter of the kernel itself
	 * (/sys/module/kernel/parameters: panic, panic_on_warn, the sysctls' twins: attack run
	 * 30) and of printk (kernel.printk's: ignore_loglevel, console_suspend) */
	return (lg_knob_name_is(name, "path", 5) && lg_knob_name_is(gname, "firmware_class", 15)) ||
	       lg_knob_name_is(gname, "kernel", 7) || lg_knob_name_is(gname, "printk", 7);
}

/* /dev/mem, /dev/kmem, /dev/port: a character device of these numbers, whatever its name. */
static __always_inline bool lg_is_memory_device(struct inode *inode)
{
	__u32 rdev;

	if ((BPF_CORE_READ(inode, i_mode) & LG_S_IFMT) != LG_S_IFCHR)
		return false;
	rdev = BPF_CORE_READ(inode, i_rdev);
	return rdev == LG_KDEV(LG_MEM_MAJOR, 1) || rdev == LG_KDEV(LG_MEM_MAJOR, 2) ||
	       rdev == LG_KDEV(LG_MEM_MAJOR, 4);
}

/*
 * Input a person's session reads, injected: /dev/uinput (10:223, a new keyboard of the
 * caller's making), /dev/uhid (10:239, a HID device of its making: a keyboard again),
 * /dev/userio (10:240, a PS/2 port of its making, to which the kernel binds its keyboard
 * driver) and the event devices (13:64 and up, /dev/input/eventN: a write is an event of that
 * keyboard or mouse), opened for writing. With TIOCSTI, TIOCLINUX's paste, line disciplines
 * and the console's keymap (meta.bpf.c) this is typing into an administrator's console or
 * terminal, outside every policy.
 */
static __always_inline bool lg_is_input_injection(struct inode *inode)
{
	__u32 rdev;

	if ((BPF_CORE_READ(inode, i_mode) & LG_S_IFMT) != LG_S_IFCHR)
		return false;
	rdev = BPF_CORE_READ(inode, i_rdev);
	return rdev == LG_KDEV(10, 223) || rdev == LG_KDEV(10, 239) || rdev == LG_KDEV(10, 240) ||
	       (rdev >> 20 == 13 && (rdev & 0xfffff) >= 64);
}

/*
 * Whether opening file (for writing when write) would change a setting listed above or reach
 * kernel memory. A few loads for an ordinary file opened for reading (its mode, its magic).
 */
static __always_inline bool lg_is_code_knob(struct inode *inode, bool write)
{
	unsigned long magic;

	if (lg_is_memory_device(inode))
		return true;
	magic = BPF_CORE_READ(inode, i_sb, s_magic);
	if (magic == PROC_SUPER_MAGIC) {
		const struct ctl_table *entry = write ? lg_sysctl_entry(inode) : NULL;

		return lg_knob_proc_entry(inode, write) || (entry && lg_knob_sysctl(entry));
	}
	if (!write)
		return false;
	if (magic == BINFMTFS_MAGIC || magic == TRACEFS_MAGIC || magic == DEBUGFS_MAGIC ||
	    magic == SECURITYFS_MAGIC || magic == EFIVARFS_MAGIC)
		return true;
	if (magic == SYSFS_MAGIC)
		return lg_knob_sysfs(inode);
	return false;
}

/* A sysctl, or a sysfs, configfs or fusectl attribute (any mount of them): a setting of the
 * kernel. fusectl's files abort or throttle any FUSE connection of the host (attack run 27's
 * 2707: a confined root aborted the host's through /sys/fs/fuse/connections/N/abort). */
static __always_inline bool lg_is_kernel_setting(struct inode *inode)
{
	unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);

	/* A sysctl, or a file of procfs's own tree outside the processes' directories
	 * (/proc/irq/N/smp_affinity and default_smp_affinity, /proc/mtrr, /proc/driver/...). */
	if (magic == PROC_SUPER_MAGIC)
		return lg_sysctl_entry(inode) != NULL ||
		       (BPF_CORE_READ(lg_proc_inode(inode), pde) &&
			!BPF_CORE_READ(lg_proc_inode(inode), pid) &&
			(BPF_CORE_READ(inode, i_mode) & LG_S_IFMT) == LG_S_IFREG);
	return (magic == SYSFS_MAGIC || magic == CONFIGFS_MAGIC || magic == FUSECTL_SUPER_MAGIC) &&
	       (BPF_CORE_READ(inode, i_mode) & LG_S_IFMT) == LG_S_IFREG;
}

#include "terminal.bpf.h"

/*
 * A procfs file of a network namespace other than the caller's (attack run 31's 3100): the
 * kernel shows /proc/PID/net (and task/TID/net) of any process it lets the caller see, with no
 * ptrace check (get_proc_task_net), so a confined task read another service's private
 * network namespace's sockets (its abstract unix names, bound ports, connections) in
 * net/unix, net/udp, net/tcp and the rest. Each such file's proc entry lies under its
 * namespace's net directory, whose entry's data is the struct net and which that net's
 * proc_net points back to (proc_net_ns_init): found by that, at most four levels up (net/stat/,
 * net/netfilter/ entries are one deeper). The caller's own namespace (/proc/net,
 * /proc/self/net) is its own to read.
 */
#define LG_PROC_NET_DEPTH 4

static __always_inline bool lg_proc_net_of_another_ns(struct inode *inode)
{
	struct proc_dir_entry *pde = BPF_CORE_READ(lg_proc_inode(inode), pde);

	for (int i = 0; i < LG_PROC_NET_DEPTH && pde; i++) {
		struct net *net = BPF_CORE_READ(pde, data);
		struct proc_dir_entry *up;

		if (net && BPF_CORE_READ(net, proc_net) == pde)
			return net != BPF_CORE_READ(bpf_get_current_task_btf(), nsproxy, net_ns);
		up = BPF_CORE_READ(pde, parent);
		if (up == pde)
			break;
		pde = up;
	}
	return false;
}

/*
 * The built-in for a file of a procfs's directory of a process (or thread) that runs
 * lsmguard, PID 1 or systemd-journald (LG_BUILTIN_TUNE), or that is under another policy
 * (LG_BUILTIN_OTHER_POLICY): /proc/PID/oom_score_adj, timerslack_ns, and the rest of it,
 * wherever procfs is mounted; 0 for any other. The proc inode's struct pid names the process,
 * as for /proc/self (path.bpf.h).
 */
static __always_inline int lg_proc_of_protected(struct inode *inode, __u32 policy_id)
{
	struct hlist_node *first;
	struct task_struct *task;
	struct pid *pid;

	if (BPF_CORE_READ(inode, i_sb, s_magic) != PROC_SUPER_MAGIC)
		return false;
	pid = BPF_CORE_READ(lg_proc_inode(inode), pid);
	if (!pid)
		return false;
	first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	if (!first)
		return false; /* the process has gone */
	task = (void *)first - bpf_core_field_offset(struct task_struct, pid_links);
	/* the caller's own process (a confined task is never lsmguard, PID 1 or journald): its
	 * own, whatever its cgroup's depth (lg_task_policy does not walk a deep one) */
	if ((__u32)BPF_CORE_READ(task, tgid) == bpf_get_current_pid_tgid() >> 32)
		return 0;
	if (lg_task_protected_kind(task))
		return LG_BUILTIN_TUNE;
	return lg_task_of_other_policy(task, policy_id) ? LG_BUILTIN_OTHER_POLICY : 0;
}

/*
 * The built-in that refuses opening the file at inode_addr (a struct inode's address) for
 * reading (write 0) or writing: LG_BUILTIN_KNOB for a setting or kernel memory above,
 * LG_BUILTIN_KERNEL_SETTING for writing any other sysctl or sysfs or configfs attribute (the
 * caller lets [system] kernel-settings = allow pass), LG_BUILTIN_TUNE for the /proc/PID files of
 * lsmguard, PID 1 and journald, LG_BUILTIN_TERMINAL for input devices, LG_BUILTIN_RAW_DISK for
 * any block device (the caller lets [system] raw-disks = allow through); 0 for any other file.
 * Global, so that the verifier checks it once and the calling program sees only the answer
 * (inline, its branches multiplied the states of everything file_open does after it).
 * Never asked for a regular file or directory on ext2/3/4, XFS, btrfs or tmpfs
 * (files.bpf.c, lg_plain_data_inode): a built-in added here that can refuse such a file must
 * take its filesystem off that list, or it is never reached.
 */
__weak __noinline int lg_open_builtin(__u64 inode_addr, int write, __u32 policy_id,
				     __u64 dentry_addr)
{
	struct inode *inode = (struct inode *)inode_addr;
	__u32 mode;

	if (!inode)
		return 0;
	/* A disk, a partition, a loop, RAM or device-mapper device, wherever its node is and
	 * whatever its name: every block of every file on it, past every path rule. SCSI
	 * generic (/dev/sgN, major 21) is a disk too: its read and write carry SCSI commands.
	 * (bsg and NVMe's character devices have dynamic majors: their commands are ioctls and
	 * io_uring commands, decided in meta.bpf.c and lockdown.bpf.c.) */
	mode = BPF_CORE_READ(inode, i_mode) & LG_S_IFMT;
	if (mode == LG_S_IFBLK ||
	    (mode == LG_S_IFCHR && BPF_CORE_READ(inode, i_rdev) >> 20 == LG_SCSI_GENERIC_MAJOR))
		return LG_BUILTIN_RAW_DISK;
	if (lg_is_code_knob(inode, write))
		return LG_BUILTIN_KNOB;
	if (write && lg_is_kernel_setting(inode))
		return LG_BUILTIN_KERNEL_SETTING;
	if (write) {
		int of_protected = lg_proc_of_protected(inode, policy_id);

		if (of_protected)
			return of_protected;
	}
	/* /proc/PID/fd (and task/TID/fd) of a process under another policy or none, or of
	 * lsmguard, PID 1 or journald, for listing: the kernel checks only DAC on the directory
	 * (proc_fd_permission), and the listing gives the descriptors' numbers and, by the
	 * entries' modes, how each is open (attack run 30's 3040); the entries themselves, and
	 * fdinfo, are ptrace-guarded (ptrace_access_check). Refused as ptrace is. (Its entries
	 * looked up one by one, lstat or O_PATH, still give the numbers and modes: only
	 * inode_permission sees that lookup, measured too dear to attach, docs/security.md.) */
	if (BPF_CORE_READ(inode, i_sb, s_magic) == PROC_SUPER_MAGIC &&
	    lg_proc_net_of_another_ns(inode))
		return LG_BUILTIN_PTRACE;
	if (!write && mode == LG_S_IFDIR && &proc_fd_operations &&
	    (const void *)BPF_CORE_READ(inode, i_fop) == &proc_fd_operations &&
	    lg_proc_of_protected(inode, policy_id))
		return LG_BUILTIN_PTRACE;
	if (write && lg_is_input_injection(inode))
		return LG_BUILTIN_TERMINAL;
	if (lg_foreign_terminal((struct dentry *)dentry_addr, policy_id))
		return LG_BUILTIN_TERMINAL;
	if (mode == LG_S_IFCHR) {
		__u32 rdev = BPF_CORE_READ(inode, i_rdev);

		/* The virtual consoles (4:0-63: tty0..tty63) and /dev/console (5:1): an
		 * administrator's console login, read, written, its keyboard switched off.
		 * (Serial lines, 4:64 and up, are devices: left to the rules, but for the kernel's
		 * consoles, classified by the daemon: lg_device_class.) */
		if ((rdev >> 20 == 4 && (rdev & 0xfffff) < 64) || rdev == LG_KDEV(5, 1))
			return LG_BUILTIN_TERMINAL;
		/* /dev/watchdog (10:130): opened, the host reboots unless it is fed for ever. */
		if (rdev == LG_KDEV(10, 130))
			return LG_BUILTIN_HOST_CONTROL;
		/* /dev/mapper/control (10:236): a device-mapper table opens any disk inside the
		 * kernel, and suspends one like FIFREEZE. */
		if (rdev == LG_KDEV(10, 236))
			return LG_BUILTIN_RAW_DISK;
	}
	/* Devices of dynamic numbers, known by their driver's name (watchdog0, ipmi0, uio0,
	 * vfio groups, bsg, NVMe's character devices, hidraw, cpu_dma_latency...). */
	if (mode == LG_S_IFCHR) {
		int class = lg_device_class(BPF_CORE_READ(inode, i_rdev), write);

		if (class)
			return class;
	}
	/* The console's screen, read or written (/dev/vcs*, vcsa*, vcsu*: major 7): what an
	 * administrator's console shows, and fake output on it. */
	if (mode == LG_S_IFCHR && BPF_CORE_READ(inode, i_rdev) >> 20 == 7)
		return LG_BUILTIN_TERMINAL;
	/* /dev/kmsg (1:11) for writing: lines in the kernel log at any priority, which journald
	 * files as the kernel's. */
	if (write && mode == LG_S_IFCHR && BPF_CORE_READ(inode, i_rdev) == LG_KDEV(LG_MEM_MAJOR, 11))
		return LG_BUILTIN_KERNEL_LOG;
	return 0;
}

#endif /* LSMGUARD_KNOBS_BPF_H */
