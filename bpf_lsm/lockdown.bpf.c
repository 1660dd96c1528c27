// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw hardware, the clock, the kernel log and the host's switches: lsm/locked_down, lsm/settime,
 * lsm/capable (CAP_SYS_TIME, CAP_SYS_BOOT, CAP_SYS_PACCT, CAP_SYS_TTY_CONFIG only), lsm/syslog, lsm/uring_cmd
 * (disks' passthrough commands). No path is walked here: each decision is a comparison or two.
 *
 * Guarantees, for a task under a policy:
 *  - lsm/locked_down (a protection, every mode): nothing the kernel's lockdown would refuse.
 *    The kernel asks security_locked_down(reason) wherever an operation reaches hardware or
 *    kernel memory past the kernel's own control, so this covers each route by what it does,
 *    not by its name: iopl and ioperm (LOCKDOWN_IOPORT, also /dev/port), writing a PCI
 *    device's sysfs config, writing or mapping its resourceN BARs, /proc/bus/pci writes, ioctls
 *    and mmaps (LOCKDOWN_PCI_ACCESS), writing MSRs through /dev/cpu/N/msr (LOCKDOWN_MSR),
 *    /dev/mem, /dev/kmem (LOCKDOWN_DEV_MEM), /proc/kcore (LOCKDOWN_KCORE), loading ACPI tables
 *    through configfs (LOCKDOWN_ACPI_TABLES), kprobe events (LOCKDOWN_KPROBES), mmiotrace, the
 *    writable or mappable files of debugfs (LOCKDOWN_DEBUGFS) and every tracefs file
 *    (LOCKDOWN_TRACEFS), perf samples of kernel registers at interrupts (LOCKDOWN_PERF),
 *    hibernation and /dev/snapshot (LOCKDOWN_HIBERNATION), kexec_load, unsigned modules, the
 *    I/O port and IRQ of a serial port (TIOCSSERIAL), hardware module parameters, the BPF
 *    helpers that read kernel or write user memory, the secret keys in xfrm state dumps
 *    (LOCKDOWN_XFRM_SECRET: the kernel then redacts them and the dump goes on).
 *    Where this refuses what a service might do in passing: reading /sys/power/state or
 *    /sys/power/disk (hibernation is then shown as unavailable), `ip xfrm state` (keys shown
 *    as zeros), setserial changing a port's I/O address or IRQ, reading tracefs. A service that
 *    needs any of them needs the hardware itself; there is no key for it.
 *    Two reasons are let through: LOCKDOWN_DBG_READ_KERNEL and LOCKDOWN_DBG_WRITE_KERNEL are
 *    asked by kgdb and kdb in the debug trap, where the current task is whatever the CPU was
 *    running when an administrator's debugger stopped it, never a requester (and a confined
 *    task cannot enter the debugger: sysrq-trigger is a refused setting).
 *    The hook also runs in lsmguard's own loads (LOCKDOWN_BPF_READ_KERNEL when a program that
 *    reads kernel memory is verified), in kernel threads and at boot: those tasks are under no
 *    policy, and only confined tasks are refused.
 *  - lsm/settime and lsm/capable (a confinement of the policy's own service, following its
 *    mode): the clock is not set unless [system] clock = allow. settimeofday, clock_settime
 *    and stime reach settime (after the capability check, which lets these system calls
 *    through to it); adjtimex and clock_adjtime that change the clock (ADJ_SETOFFSET jumps it,
 *    ADJ_OFFSET and ADJ_FREQUENCY slew it), the RTC's RTC_SET_TIME and a time namespace's
 *    offsets reach no hook of their own: the kernel asks for CAP_SYS_TIME, refused here for the
 *    current task's own credentials. Reading the clock (adjtimex with no modes) asks nothing.
 *  - lsm/syslog (a protection, every mode): the kernel log is not cleared (SYSLOG_ACTION_CLEAR,
 *    READ_CLEAR: dmesg -c, -C), not consumed (SYSLOG_ACTION_READ and reading /proc/kmsg take
 *    messages away from the system logger that reads them there) and the console not silenced
 *    (CONSOLE_OFF, CONSOLE_ON, CONSOLE_LEVEL: dmesg -n, -D, -E). Reading it all (dmesg,
 *    /dev/kmsg) stays allowed.
 *
 * sethostname and setdomainname have no LSM hook in 6.1: mount.bpf.c's lsm/capable decides them
 * as kernel settings.
 */
#include "common.bpf.h"
#include "terminal.bpf.h"

#define CAP_SYS_PACCT 20
#define CAP_SYS_BOOT 22
#define CAP_SYS_TIME 25
#define CAP_SYS_TTY_CONFIG 26
/* syslog(2) actions (include/linux/syslog.h) */
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
/* System calls that set the clock through security_settime64 (lsm/settime decides them):
 * x86-64's settimeofday and clock_settime, ia32's stime, settimeofday, clock_settime and
 * clock_settime64. The ia32 numbers are 64-bit calls that never ask for CAP_SYS_TIME
 * (mremap, getcwd, renameat), so one list serves both tables. */
#define NR_SETTIMEOFDAY 164
#define NR_CLOCK_SETTIME 227
#define NR_IA32_STIME 25
#define NR_IA32_SETTIMEOFDAY 79
#define NR_IA32_CLOCK_SETTIME 264
#define NR_IA32_CLOCK_SETTIME64 404

char LICENSE[] SEC("license") = "GPL";

/* The kernel's names of the reasons (security/security.c), read for the event. */
extern const void lockdown_reasons __ksym __weak;

/* The lockdown built-in's verdict, its event naming the reason in the kernel's own words. */
static __always_inline int lg_lockdown_deny(const struct lg_policy_value *policy, __u64 cgroup_id,
					    __u32 reason)
{
	static const char prefix[] = "lockdown: ";
	struct lg_event *ev =
	    lg_event_start(policy, cgroup_id, LG_HOOK_LOCKED_DOWN, LG_DECISION_FILE_WRITE, 0,
			   LG_EVENT_BUILTIN, lg_hash_mix(reason, LG_BUILTIN_LOCKDOWN),
			   LG_BUILTIN_LOCKDOWN);
	const char *text = 0;

	if (ev) {
		lg_event_builtin(ev, LG_BUILTIN_LOCKDOWN);
		bpf_probe_read_kernel(ev->object.path, sizeof(prefix), prefix);
		if (&lockdown_reasons &&
		    reason <=
			bpf_core_enum_value(enum lockdown_reason, LOCKDOWN_CONFIDENTIALITY_MAX))
			bpf_probe_read_kernel(&text, sizeof(text),
					      (const char *const *)&lockdown_reasons + reason);
		if (text)
			bpf_probe_read_kernel_str(ev->object.path + sizeof(prefix) - 1,
						  LG_EVENT_PATH_MAX - sizeof(prefix), text);
		bpf_ringbuf_submit(ev, 0);
	}
	return lg_protect_deny(policy, LG_HOOK_LOCKED_DOWN);
}

/* Whether reason is asked in the debugger's trap (kgdb, kdb), where no task requests it. */
static __always_inline bool lg_lockdown_debugger(__u32 reason)
{
	if (bpf_core_enum_value_exists(enum lockdown_reason, LOCKDOWN_DBG_READ_KERNEL) &&
	    reason == bpf_core_enum_value(enum lockdown_reason, LOCKDOWN_DBG_READ_KERNEL))
		return true;
	return bpf_core_enum_value_exists(enum lockdown_reason, LOCKDOWN_DBG_WRITE_KERNEL) &&
	       reason == bpf_core_enum_value(enum lockdown_reason, LOCKDOWN_DBG_WRITE_KERNEL);
}

SEC("lsm/locked_down")
int BPF_PROG(lg_locked_down, enum lockdown_reason what, int ret)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	if (lg_lockdown_debugger(what))
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_lockdown_deny(policy, cgroup_id, what);
}

/* The clock built-in for the current task: 0, or the hook's answer (counted, reported). */
static __always_inline int lg_clock_check(__u8 hook, const char *what, int size)
{
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_CLOCK) {
		lg_count_allowed(policy->id, hook);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, hook, LG_BUILTIN_CLOCK, what, size);
}

SEC("lsm/settime")
int BPF_PROG(lg_settime, const struct timespec64 *ts, const struct timezone *tz, int ret)
{
	static const char clock[] = "the system clock";
	static const char zone[] = "the kernel's time zone";

	if (ret)
		return ret;
	if (!ts)
		return lg_clock_check(LG_HOOK_SETTIME, zone, sizeof(zone));
	return lg_clock_check(LG_HOOK_SETTIME, clock, sizeof(clock));
}

/*
 * Disk quotas (quotactl, quotactl_fd): limits and accounting of every user of a filesystem,
 * switched on from a quota file the kernel then writes, switched off, set to nothing for
 * another user. Changing them is a kernel setting (LG_BUILTIN_KERNEL_SETTING: follows the
 * mode, [system] kernel-settings = allow opens it); reading them and syncing are allowed. The
 * hook gets the subcommand (the system call's cmd >> 8).
 */
#define LG_Q_SYNC 0x800001
#define LG_Q_GETFMT 0x800004
#define LG_Q_GETINFO 0x800005
#define LG_Q_GETQUOTA 0x800007
#define LG_Q_GETNEXTQUOTA 0x800009
#define LG_XQM_CMD(x) (('X' << 8) + (x))
SEC("lsm/quotactl")
int BPF_PROG(lg_quotactl, int cmds, int type, int id, struct super_block *sb, int ret)
{
	static const char what[] = "disk quotas (quotactl)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	switch (cmds) {
	case LG_Q_SYNC:
	case LG_Q_GETFMT:
	case LG_Q_GETINFO:
	case LG_Q_GETQUOTA:
	case LG_Q_GETNEXTQUOTA:
	case LG_XQM_CMD(3): /* Q_XGETQUOTA */
	case LG_XQM_CMD(5): /* Q_XGETQSTAT */
	case LG_XQM_CMD(7): /* Q_XQUOTASYNC */
	case LG_XQM_CMD(8): /* Q_XGETQSTATV */
	case LG_XQM_CMD(9): /* Q_XGETNEXTQUOTA */
		return 0;
	}
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_KERNEL_SETTINGS) {
		lg_count_allowed(policy->id, LG_HOOK_QUOTACTL);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_QUOTACTL, LG_BUILTIN_KERNEL_SETTING, what,
			       sizeof(what));
}

/*
 * The host's own switches, asked as capabilities of the current task: CAP_SYS_BOOT (reboot(2):
 * restart, power off, halt, kexec, the Ctrl-Alt-Del switch; in a pid namespace of its own,
 * that namespace's init) and CAP_SYS_PACCT (acct(2): every process exit on the host written to
 * a file of the caller's choosing). A protection (LG_BUILTIN_HOST_CONTROL).
 */
static __always_inline int lg_host_switch(int cap)
{
	static const char boot[] = "reboot (CAP_SYS_BOOT)";
	static const char pacct[] = "process accounting (CAP_SYS_PACCT)";

	if (cap == CAP_SYS_BOOT)
		return lg_current_builtin_deny(LG_HOOK_CAPABLE, LG_BUILTIN_HOST_CONTROL, boot,
					       sizeof(boot));
	return lg_current_builtin_deny(LG_HOOK_CAPABLE, LG_BUILTIN_HOST_CONTROL, pacct,
				       sizeof(pacct));
}

/*
 * vhangup(2) hangs up the caller's controlling terminal (CAP_SYS_TTY_CONFIG), and every process
 * of its session gets SIGHUP from the kernel: a confined member of an administrator's login
 * killed the login's shell (attack run 31's 3120 v). Refused while the caller's controlling
 * terminal is somebody else's (terminal.bpf.h), as TIOCVHANGUP is (meta.bpf.c); the
 * capability's other uses (the console's keymap ioctls) are refused at their ioctls already.
 */
static __always_inline int lg_tty_config(struct task_struct *current)
{
	static const char what[] = "hanging up somebody else's terminal (vhangup)";
	const struct lg_policy_value *policy;
	struct tty_struct *tty;
	__u64 cgroup_id = 0;

	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	tty = BPF_CORE_READ(current, signal, tty);
	if (!tty || !lg_foreign_tty(tty, policy->id))
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_CAPABLE, LG_BUILTIN_TERMINAL, what,
			       sizeof(what));
}

/*
 * CAP_SYS_TIME asked about the current task's own credentials (the kernel also asks about
 * other tasks' in passing, which is never refused), outside the system calls lsm/settime
 * decides with what they set; and the host's switches above.
 */
SEC("lsm/capable")
int BPF_PROG(lg_capable_host, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	static const char what[] = "the system clock (CAP_SYS_TIME: adjtimex, clock_adjtime, RTC)";
	struct task_struct *current;
	struct pt_regs *regs;

	if (ret || (cap != CAP_SYS_TIME && cap != CAP_SYS_BOOT && cap != CAP_SYS_PACCT &&
		    cap != CAP_SYS_TTY_CONFIG))
		return ret;
	current = bpf_get_current_task_btf();
	if (cred != current->cred)
		return 0;
	if (cap == CAP_SYS_TTY_CONFIG)
		return lg_tty_config(current);
	if (cap != CAP_SYS_TIME)
		return lg_host_switch(cap);
	regs = (struct pt_regs *)bpf_task_pt_regs(current);
	if (regs) {
		switch (BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT) {
		case NR_SETTIMEOFDAY:
		case NR_CLOCK_SETTIME:
		case NR_IA32_STIME:
		case NR_IA32_SETTIMEOFDAY:
		case NR_IA32_CLOCK_SETTIME:
		case NR_IA32_CLOCK_SETTIME64:
			return 0; /* lsm/settime decides */
		}
	}
	return lg_clock_check(LG_HOOK_CAPABLE, what, sizeof(what));
}

/*
 * io_uring's passthrough commands (IORING_OP_URING_CMD), which in 6.1 NVMe's character devices
 * (/dev/ngXnY, /dev/nvmeX) and ublk's (/dev/ublkcN) take: commands to a disk or a block
 * device's server, past every path rule. Refused like opening a block device (a protection)
 * unless the policy says [system] raw-disks = allow.
 */
SEC("lsm/uring_cmd")
int BPF_PROG(lg_uring_cmd, struct io_uring_cmd *ioucmd, int ret)
{
	static const char what[] = "a disk's own commands (io_uring passthrough)";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;

	if (ret)
		return ret;
	/* Character devices only (sockets take uring_cmd from 6.7 on: socket options). */
	if ((BPF_CORE_READ(ioucmd, file, f_inode, i_mode) & 00170000) != 0020000)
		return 0;
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	if (policy->flags & LG_POLICY_SYSTEM_RAW_DISKS) {
		lg_count_allowed(policy->id, LG_HOOK_URING_CMD);
		return 0;
	}
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_URING_CMD, LG_BUILTIN_RAW_DISK, what,
			       sizeof(what));
}

SEC("lsm/syslog")
int BPF_PROG(lg_syslog, int type, int ret)
{
	static const char clear[] = "the kernel log (clear)";
	static const char consume[] = "the kernel log (a consuming read: /proc/kmsg)";
	static const char console[] = "the kernel log's console";
	const struct lg_policy_value *policy;
	__u64 cgroup_id = 0;
	const char *what;
	int size;

	if (ret)
		return ret;
	switch (type) {
	case SYSLOG_ACTION_READ_CLEAR:
	case SYSLOG_ACTION_CLEAR:
		what = clear, size = sizeof(clear);
		break;
	case SYSLOG_ACTION_READ:
		what = consume, size = sizeof(consume);
		break;
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		what = console, size = sizeof(console);
		break;
	default:
		return 0;
	}
	policy = lg_current_policy(&cgroup_id);
	if (!policy)
		return 0;
	return lg_builtin_deny(policy, cgroup_id, LG_HOOK_SYSLOG, LG_BUILTIN_KERNEL_LOG, what,
			       size);
}
