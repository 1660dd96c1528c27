// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw hardware, disks, the clock and the kernel log (issue 12, attack run 4 findings 12 and 14):
 * what a confined task reaches past every path rule. Three policies allow every file, program
 * and address, so that only the built-ins stand in the way: hw (enforce, mounts in its own
 * namespaces), hw-audit (audit) and hw-optin (enforce, [system] clock = allow, raw-disks = allow,
 * kernel-settings = allow, mounts in its own namespaces). Each route is tried as root
 * and as uid 1000, with an unconfined control that shows the route works.
 *
 * The test VM has no disk: a RAM disk (brd, a module of the test kernel) is the block device;
 * /dev/cpu/0/msr comes from the msr module.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <linux/reboot.h>
#include <sys/fanotify.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <scsi/sg.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "uring.h"
#include "vmtest.h"
#include "vmutil.h"

#define HW "/lgt/hw"
#define HW_AUDIT "/lgt/hw-audit"
#define HW_OPTIN "/lgt/hw-optin"
#define USER 1000
#define RAMDISK "/dev/ram0"
#define DISK_COPY "/data/hw-disk-node" /* the same disk under another name and place */
#define USER_DISK "/data/hw-user-disk" /* a node of the disk that uid 1000 owns */
#define MSR_DEV "/dev/cpu/0/msr"
#define MSR_PAT 0x277 /* IA32_PAT: written back with the value it has */
#define TRACE_FILE "/sys/kernel/tracing/trace"

#define HW_RULES "[files]\ndefault = allow\n[exec]\ndefault = allow\n[network]\ndefault = allow\n"
static const char hw_policy[] = "[policy]\nname = hw\ncgroup = " HW "\nmode = enforce\n" HW_RULES
				"[system]\nmount = namespace\n";
static const char hw_audit_policy[] =
    "[policy]\nname = hw-audit\ncgroup = " HW_AUDIT "\nmode = audit\n" HW_RULES;
static const char hw_optin_policy[] =
    "[policy]\nname = hw-optin\ncgroup = " HW_OPTIN "\nmode = enforce\n" HW_RULES
    "[system]\nclock = allow\nraw-disks = allow\nkernel-settings = allow\nmount = namespace\n"
    "module-autoload = allow\n";

#define LOCKDOWN_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot reach raw hardware or kernel memory (what " \
	"the kernel's lockdown refuses: I/O ports, PCI, MSRs, /dev/mem, ACPI tables, kprobes, "    \
	"kcore...; UIO and VFIO devices, the firmware's NVRAM)\""
#define SYSCTL_SOURCE                                                                              \
	"\"source\":\"built-in: a confined task cannot change kernel settings (/proc/sys, /sys) "  \
	"unless its policy says [system] kernel-settings = allow\""
#define TERMINAL_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot type into a terminal or console (TIOCSTI, "   \
	"TIOCLINUX, line disciplines, keymaps, uinput and other input devices), nor read or "      \
	"redirect the console (vcs, TIOCCONS)\""
#define CLOCK_SOURCE                                                                               \
	"\"source\":\"built-in: a confined task cannot set the clock unless its policy says "      \
	"[system] clock = allow\""
#define KERNEL_LOG_SOURCE                                                                          \
	"\"source\":\"built-in: a confined task cannot clear, consume, silence or write into the "  \
	"kernel log\""

/* The policies, once per boot; and the modules (loaded here, under no policy). */
static void hw_setup(void)
{
	/* These cases run after unload_ends_enforcement (199): start a daemon again if none. */
	if (daemon_pid() < 0)
		VM_CHECK(daemon_start() > 0);
	if (access(POLICY_DIR "/hw.ini", F_OK) != 0) {
		write_file(POLICY_DIR "/hw.ini", hw_policy, 0644);
		write_file(POLICY_DIR "/hw-audit.ini", hw_audit_policy, 0644);
		write_file(POLICY_DIR "/hw-optin.ini", hw_optin_policy, 0644);
		VM_CHECK(daemon_reload_wait());
	}
	if (access(RAMDISK, F_OK) != 0)
		VM_CHECK(system("insmod /lib/modules/brd.ko rd_nr=1 rd_size=1024") == 0);
	if (access(MSR_DEV, F_OK) != 0)
		VM_CHECK(system("insmod /lib/modules/msr.ko") == 0);
}

/* A result for messages: "success", an errno's text, or "-" for the tests' own codes. */
static const char *result_text(int got)
{
	if (got == 0)
		return "success";
	return got > 0 && got < 100 ? strerror(got) : "-";
}

/* ---- what is tried, each in a child (in_cgroup), as root or as USER ---- */

enum hw_op {
	HW_IOPL,	 /* iopl(3) */
	HW_IOPERM,	 /* ioperm(0xcf8, 8, 1): PCI configuration mechanism 1 */
	HW_PORT_ID,	 /* iopl(3), then the host bridge's id through ports 0xcf8/0xcfc */
	HW_OPEN,	 /* open(path, flags) */
	HW_REOPEN,	 /* open(path, O_PATH), then /proc/self/fd/N with flags */
	HW_CONFIG_WRITE, /* a byte of a PCI configuration file written back as it is */
	HW_MMAP,	 /* a PCI resource file mapped shared, read-write */
	HW_PORT_WRITE,	 /* a PCI I/O resource file: a zero byte written at offset 1 */
	HW_MSR_WRITE,	 /* IA32_PAT written back as it is through /dev/cpu/0/msr */
};

struct hw_arg {
	enum hw_op op;
	uid_t uid;
	const char *path;
	int flags;
};

static int hw_do(const void *data)
{
	const struct hw_arg *a = data;
	char reopen[64];
	uint64_t value;
	unsigned char byte;
	int fd, ret = 0;
	void *map;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	switch (a->op) {
	case HW_IOPL:
		return iopl(3) ? errno : 0;
	case HW_IOPERM:
		return ioperm(0xcf8, 8, 1) ? errno : 0;
	case HW_PORT_ID:
		if (iopl(3))
			return errno;
		outl(0x80000000u, 0xcf8); /* bus 0, device 0, function 0, register 0 */
		return inl(0xcfc) == 0xffffffffu ? 201 : 0;
	case HW_OPEN:
		fd = open(a->path, a->flags | O_CLOEXEC);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case HW_REOPEN:
		fd = open(a->path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		snprintf(reopen, sizeof(reopen), "/proc/self/fd/%d", fd);
		ret = open(reopen, a->flags | O_CLOEXEC);
		if (ret < 0) {
			ret = errno;
		} else {
			close(ret);
			ret = 0;
		}
		close(fd);
		return ret;
	case HW_CONFIG_WRITE:
	case HW_MMAP:
	case HW_PORT_WRITE:
	case HW_MSR_WRITE:
		fd = open(a->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		if (a->op == HW_CONFIG_WRITE) {
			/* 0x3c: the interrupt line, a scratch register for the firmware */
			if (pread(fd, &byte, 1, 0x3c) != 1)
				ret = 150;
			else if (pwrite(fd, &byte, 1, 0x3c) != 1)
				ret = errno;
		} else if (a->op == HW_PORT_WRITE) {
			byte = 0;
			if (pwrite(fd, &byte, 1, 1) != 1)
				ret = errno;
		} else if (a->op == HW_MSR_WRITE) {
			if (pread(fd, &value, 8, MSR_PAT) != 8)
				ret = 150;
			else if (pwrite(fd, &value, 8, MSR_PAT) != 8)
				ret = errno;
		} else {
			map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				ret = errno;
			else
				munmap(map, 4096);
		}
		close(fd);
		return ret;
	}
	return 240;
}

static int hw_try(const char *cgroup, enum hw_op op, uid_t uid, const char *path, int flags)
{
	struct hw_arg a = {op, uid, path, flags};

	return in_cgroup(cgroup, hw_do, &a);
}

/* Fail unless op from cgroup gives want. */
static void hw_expect(const char *cgroup, enum hw_op op, uid_t uid, const char *path, int flags,
		      int want, const char *what)
{
	int got = hw_try(cgroup, op, uid, path, flags);

	if (got != want)
		VM_FAIL("%s from %s as uid %u: %d (%s), expected %s", what,
			cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
}

static const char *const confined[] = {HW, HW_AUDIT};

/*
 * I/O ports: iopl(3) gives every port (PCI configuration space, the DMA controllers of old
 * devices, the keyboard controller's reset line), ioperm a range. The kernel asks lockdown
 * (LOCKDOWN_IOPORT) after CAP_SYS_RAWIO: refused to a confined root in both modes.
 */
VM_TEST(hardware_io_ports_are_refused, 210)
{
	long mark;

	hw_setup();
	mark = event_mark();
	/* Control: outside any policy root reads the host bridge's id through the ports. */
	hw_expect(NULL, HW_PORT_ID, 0, NULL, 0, 0, "the host bridge's id by port I/O");
	hw_expect(NULL, HW_IOPERM, 0, NULL, 0, 0, "ioperm(0xcf8)");
	for (size_t c = 0; c < 2; c++) {
		hw_expect(confined[c], HW_IOPL, 0, NULL, 0, EPERM, "iopl(3)");
		hw_expect(confined[c], HW_IOPERM, 0, NULL, 0, EPERM, "ioperm(0xcf8)");
		hw_expect(confined[c], HW_PORT_ID, 0, NULL, 0, EPERM, "port I/O");
		/* uid 1000 lacks CAP_SYS_RAWIO: the kernel refuses, confined or not. */
		hw_expect(confined[c], HW_IOPL, USER, NULL, 0, EPERM, "iopl(3)");
		hw_expect(confined[c], HW_IOPERM, USER, NULL, 0, EPERM, "ioperm(0xcf8)");
	}
	hw_expect(NULL, HW_IOPL, USER, NULL, 0, EPERM, "iopl(3)");
	/* The opt-in keys are about the clock and disks: ports stay refused. */
	hw_expect(HW_OPTIN, HW_IOPL, 0, NULL, 0, EPERM, "iopl(3)");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"locked_down\"", "\"path\":\"lockdown: raw io port access\"",
			   LOCKDOWN_SOURCE);
	/* A protection: denied, and reported as denied, under the audit-mode policy too. */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"locked_down\"", "\"path\":\"lockdown: raw io port access\"");
	print_events_after(mark, "\"hook\":\"locked_down\"");
}

/*
 * The first PCI device with a resource0 file: its directory, its /proc/bus/pci file, and
 * whether BAR 0 is memory (mapped) or I/O ports (read and written). The test VM has no device
 * with a memory BAR: its IDE controller's BAR 0 is the legacy ports 0x1f0-0x1f7.
 */
static bool pci_device(char *dir, size_t size, char *proc, size_t proc_size, bool *memory)
{
	FILE *ls = popen("for d in /sys/bus/pci/devices/*; do [ -e $d/resource0 ] || continue; "
			 "set -- $(head -n 1 $d/resource); echo ${d##*/} $(( $3 & 0x200 )); "
			 "break; done",
			 "r");
	char line[96] = "";
	unsigned domain, bus, slot, function, mem = 0;

	if (ls && !fgets(line, sizeof(line), ls))
		line[0] = '\0';
	if (ls)
		pclose(ls);
	if (sscanf(line, "%x:%x:%x.%x %u", &domain, &bus, &slot, &function, &mem) != 5)
		return false;
	line[strcspn(line, " ")] = '\0';
	snprintf(dir, size, "/sys/bus/pci/devices/%s", line);
	snprintf(proc, proc_size, "/proc/bus/pci/%02x/%02x.%x", bus, slot, function);
	*memory = mem != 0;
	return true;
}

/*
 * A PCI device's registers by its sysfs files (config, resourceN) and by /proc/bus/pci: a
 * device that does DMA writes any memory. Opening them is reading (lspci does it); every
 * write, mapping and ioctl asks lockdown (LOCKDOWN_PCI_ACCESS), refused to confined tasks.
 * MSRs (/dev/cpu/N/msr) likewise (LOCKDOWN_MSR).
 */
VM_TEST(hardware_pci_registers_and_msrs_are_refused, 211)
{
	char dir[160], proc[64], config[200], resource[200];
	bool memory = false;
	enum hw_op bar_op;
	long mark;

	hw_setup();
	if (!pci_device(dir, sizeof(dir), proc, sizeof(proc), &memory)) {
		VM_FAIL("no PCI device with a resource0 file in the test VM");
		return;
	}
	snprintf(config, sizeof(config), "%s/config", dir);
	snprintf(resource, sizeof(resource), "%s/resource0", dir);
	/* A memory BAR is mapped; an I/O BAR's ports are written through the file (offset 1 of
	 * the IDE ports is the features register, inert without a command). */
	bar_op = memory ? HW_MMAP : HW_PORT_WRITE;
	printf("# PCI device %s (%s), BAR 0 %s\n", dir, proc, memory ? "memory" : "I/O ports");
	mark = event_mark();
	/* Controls: outside any policy the configuration is written back as it is. */
	hw_expect(NULL, HW_CONFIG_WRITE, 0, config, 0, 0, "writing config");
	hw_expect(NULL, HW_CONFIG_WRITE, 0, proc, 0, 0, "writing /proc/bus/pci");
	hw_expect(NULL, HW_OPEN, 0, resource, O_RDWR, 0, "opening resource0");
	hw_expect(NULL, HW_MSR_WRITE, 0, MSR_DEV, 0, 0, "writing IA32_PAT");
	for (size_t c = 0; c < 2; c++) {
		/* sysfs files opened for writing are kernel settings first: refused at the open
		 * under the enforce-mode policy, logged under the audit-mode one, where lockdown
		 * refuses the write itself. */
		int sysfs_write = c == 0 ? 100 + EPERM : EPERM;

		/* Reading stays allowed (lspci as root). */
		hw_expect(confined[c], HW_OPEN, 0, config, O_RDONLY, 0, "reading config");
		hw_expect(confined[c], HW_CONFIG_WRITE, 0, config, 0, sysfs_write, "writing config");
		/* procfs's own files are kernel settings too (opened for writing) */
		hw_expect(confined[c], HW_CONFIG_WRITE, 0, proc, 0, sysfs_write,
			  "writing /proc/bus/pci");
		hw_expect(confined[c], bar_op, 0, resource, 0, sysfs_write,
			  "BAR 0 through resource0");
		hw_expect(confined[c], HW_MSR_WRITE, 0, MSR_DEV, 0, EPERM, "writing IA32_PAT");
		/* uid 1000: the files are root's (0644, 0600): the kernel refuses the open. */
		hw_expect(confined[c], HW_CONFIG_WRITE, USER, config, 0, 100 + EACCES,
			  "writing config");
		hw_expect(confined[c], bar_op, USER, resource, 0, 100 + EACCES,
			  "BAR 0 through resource0");
	}
	hw_expect(NULL, HW_CONFIG_WRITE, USER, config, 0, 100 + EACCES, "writing config");
	/* kernel-settings = allow opens the sysfs files; lockdown still refuses the writes. */
	hw_expect(HW_OPTIN, HW_CONFIG_WRITE, 0, config, 0, EPERM, "writing config");
	hw_expect(HW_OPTIN, bar_op, 0, resource, 0, EPERM, "BAR 0 through resource0");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-optin\"",
			   "\"hook\":\"locked_down\"", "\"path\":\"lockdown: direct PCI access\"",
			   LOCKDOWN_SOURCE);
	/* Under the enforce-mode policy every PCI file is refused at its open (a kernel
	 * setting); under the audit-mode one lockdown refuses the writes themselves. */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"locked_down\"", "\"path\":\"lockdown: direct PCI access\"",
			   LOCKDOWN_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"locked_down\"", "\"path\":\"lockdown: raw MSR access\"");
	print_events_after(mark, "\"hook\":\"locked_down\"");
}

/*
 * Tracing (kprobes, function tracing, the trace buffers with other services' system calls) and
 * debugfs: lockdown asks at every tracefs open (LOCKDOWN_TRACEFS), reading included; writing
 * them is refused already as a kernel setting (knobs.bpf.h).
 */
VM_TEST(hardware_tracefs_is_refused, 212)
{
	long mark;

	hw_setup();
	if (access(TRACE_FILE, F_OK) != 0)
		VM_CHECK(mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0);
	mark = event_mark();
	hw_expect(NULL, HW_OPEN, 0, TRACE_FILE, O_RDONLY, 0, "reading the trace");
	for (size_t c = 0; c < 2; c++)
		hw_expect(confined[c], HW_OPEN, 0, TRACE_FILE, O_RDONLY, EPERM,
			  "reading the trace");
	/* uid 1000: tracefs is root's (0700). */
	hw_expect(HW, HW_OPEN, USER, TRACE_FILE, O_RDONLY, EACCES, "reading the trace");
	hw_expect(NULL, HW_OPEN, USER, TRACE_FILE, O_RDONLY, EACCES, "reading the trace");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"locked_down\"", "\"path\":\"lockdown: use of tracefs\"",
			   LOCKDOWN_SOURCE);
}

/*
 * A block device: every block of every file on the disk, lsmguard's policy directory and the
 * host's code among them, past every path rule. Refused by what the inode is, under any name
 * and in any place, for reading and for writing, in both modes; [system] raw-disks = allow
 * lets the rules decide.
 */
VM_TEST(hardware_block_devices_are_refused, 213)
{
	static const int modes[] = {O_RDONLY, O_WRONLY, O_RDWR};
	struct stat st;
	long mark;

	hw_setup();
	VM_CHECK(stat(RAMDISK, &st) == 0 && S_ISBLK(st.st_mode));
	unlink(DISK_COPY);
	unlink(USER_DISK);
	VM_CHECK(mknod(DISK_COPY, S_IFBLK | 0600, st.st_rdev) == 0);
	VM_CHECK(mknod(USER_DISK, S_IFBLK | 0600, st.st_rdev) == 0);
	VM_CHECK(chown(USER_DISK, USER, USER) == 0);
	mark = event_mark();
	for (size_t m = 0; m < 3; m++) {
		hw_expect(NULL, HW_OPEN, 0, RAMDISK, modes[m], 0, "opening the disk");
		hw_expect(NULL, HW_OPEN, USER, USER_DISK, modes[m], 0, "opening the user's node");
		hw_expect(HW_OPTIN, HW_OPEN, 0, RAMDISK, modes[m], 0,
			  "opening the disk (opted in)");
		for (size_t c = 0; c < 2; c++) {
			hw_expect(confined[c], HW_OPEN, 0, RAMDISK, modes[m], EPERM,
				  "opening " RAMDISK);
			hw_expect(confined[c], HW_OPEN, 0, DISK_COPY, modes[m], EPERM,
				  "opening " DISK_COPY);
			hw_expect(confined[c], HW_REOPEN, 0, RAMDISK, modes[m], EPERM,
				  "reopening " RAMDISK " through /proc/self/fd");
			/* uid 1000: its own node of the disk, refused like root's */
			hw_expect(confined[c], HW_OPEN, USER, USER_DISK, modes[m], EPERM,
				  "opening " USER_DISK);
			/* the disk's own node is root's: the kernel refuses first */
			hw_expect(confined[c], HW_OPEN, USER, RAMDISK, modes[m], EACCES,
				  "opening " RAMDISK);
		}
	}
	/* Only block devices: a character device and a file of the same policy are opened. */
	hw_expect(HW, HW_OPEN, 0, "/dev/null", O_RDWR, 0, "opening /dev/null");
	hw_expect(HW, HW_OPEN, 0, POLICY_DIR "/hw.ini", O_RDONLY, 0, "opening a file");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"file_open\"", "\"access\":\"read\"",
			   "\"path\":\"" RAMDISK "\"", RAW_DISK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"file_open\"", "\"access\":\"write\"",
			   "\"path\":\"" DISK_COPY "\"", RAW_DISK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"path\":\"" USER_DISK "\"", "\"uid\":1000", RAW_DISK_SOURCE);
	VM_CHECK(count_events_after_both(mark, "\"policy\":\"hw-optin\"", RAW_DISK_SOURCE) == 0);
	VM_CHECK(unlink(DISK_COPY) == 0);
	VM_CHECK(unlink(USER_DISK) == 0);
}

/* ---- the clock ---- */

enum clock_op {
	CLOCK_SET_NOW,	 /* clock_settime(CLOCK_REALTIME) to what it reads */
	CLOCK_TIMEZONE,	 /* settimeofday(NULL, the time zone it has) */
	CLOCK_FREQUENCY, /* adjtimex(ADJ_FREQUENCY) to the frequency it has */
	CLOCK_JUMP_ZERO, /* adjtimex(ADJ_SETOFFSET) by nothing */
	CLOCK_ADJTIME,	 /* clock_adjtime(CLOCK_REALTIME, ADJ_FREQUENCY) as it is */
	CLOCK_READ,	 /* adjtimex with no modes: a read */
	CLOCK_OP_COUNT,
};

static const char *const clock_names[CLOCK_OP_COUNT] = {
    "clock_settime(CLOCK_REALTIME)", "settimeofday(time zone)",	     "adjtimex(ADJ_FREQUENCY)",
    "adjtimex(ADJ_SETOFFSET)",	     "clock_adjtime(ADJ_FREQUENCY)", "adjtimex(read)",
};

struct clock_arg {
	enum clock_op op;
	uid_t uid;
};

static int clock_do(const void *data)
{
	const struct clock_arg *a = data;
	struct timex tx = {0};
	struct timezone tz;
	struct timeval tv;
	struct timespec ts;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	switch (a->op) {
	case CLOCK_SET_NOW:
		if (clock_gettime(CLOCK_REALTIME, &ts))
			return 201;
		return clock_settime(CLOCK_REALTIME, &ts) ? errno : 0;
	case CLOCK_TIMEZONE:
		if (gettimeofday(&tv, &tz))
			return 201;
		return settimeofday(NULL, &tz) ? errno : 0;
	case CLOCK_FREQUENCY:
	case CLOCK_ADJTIME:
		if (adjtimex(&tx) < 0)
			return 201;
		tx.modes = ADJ_FREQUENCY;
		if (a->op == CLOCK_ADJTIME)
			return clock_adjtime(CLOCK_REALTIME, &tx) < 0 ? errno : 0;
		return adjtimex(&tx) < 0 ? errno : 0;
	case CLOCK_JUMP_ZERO:
		tx.modes = ADJ_SETOFFSET | ADJ_NANO;
		return adjtimex(&tx) < 0 ? errno : 0;
	case CLOCK_READ:
		return adjtimex(&tx) < 0 ? errno : 0;
	default:
		return 240;
	}
}

static void clock_expect(const char *cgroup, enum clock_op op, uid_t uid, int want)
{
	struct clock_arg a = {op, uid};
	int got = in_cgroup(cgroup, clock_do, &a);

	if (got != want)
		VM_FAIL("%s from %s as uid %u: %d (%s), expected %s", clock_names[op],
			cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
}

/*
 * The time every event carries (its "time", the journal's stamps): set by settimeofday,
 * clock_settime (lsm/settime), adjtimex and clock_adjtime (CAP_SYS_TIME at lsm/capable). The
 * policy's own confinement: refused in enforce mode, logged in audit mode, allowed with
 * [system] clock = allow. Each try sets the clock to what it is (nothing moves).
 */
VM_TEST(hardware_clock_is_set_only_with_clock_allow, 214)
{
	long mark;

	hw_setup();
	mark = event_mark();
	for (enum clock_op op = 0; op < CLOCK_OP_COUNT; op++) {
		int set = op == CLOCK_READ ? 0 : EPERM;

		clock_expect(NULL, op, 0, 0);
		clock_expect(HW_OPTIN, op, 0, 0);
		clock_expect(HW, op, 0, set);
		clock_expect(HW_AUDIT, op, 0, 0);
		/* uid 1000 lacks CAP_SYS_TIME: the kernel refuses, confined or not. */
		clock_expect(HW, op, USER, set);
		clock_expect(NULL, op, USER, set);
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"hook\":\"settime\"",
			   "\"path\":\"the system clock\"", CLOCK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"hook\":\"settime\"",
			   "\"path\":\"the kernel's time zone\"", CLOCK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"hook\":\"capable\"",
			   "\"path\":\"the system clock (CAP_SYS_TIME: adjtimex, clock_adjtime, "
			   "RTC)\"",
			   CLOCK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"settime\"", "\"path\":\"the system clock\"", CLOCK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"capable\"",
			   "\"path\":\"the system clock (CAP_SYS_TIME: adjtimex, clock_adjtime, "
			   "RTC)\"");
	/* One verdict per operation: settimeofday is decided once, at settime, not at capable. */
	VM_CHECK(count_events_after_both(mark, "\"policy\":\"hw-optin\"", CLOCK_SOURCE) == 0);
	VM_CHECK(policy_counter("hw-audit", "settime", "audited") == 2);
	/* adjtimex(ADJ_SETOFFSET) asks for CAP_SYS_TIME twice: 1 + 2 + 1. */
	VM_CHECK(policy_counter("hw-audit", "capable", "audited") == 4);
}

/* ---- the kernel log ---- */

enum log_op {
	LOG_CLEAR,	   /* klogctl(SYSLOG_ACTION_CLEAR): dmesg -C */
	LOG_READ_CLEAR,	   /* klogctl(SYSLOG_ACTION_READ_CLEAR): dmesg -c */
	LOG_CONSOLE_OFF,   /* dmesg -D */
	LOG_CONSOLE_ON,	   /* dmesg -E */
	LOG_CONSOLE_LEVEL, /* dmesg -n, to the level it has */
	LOG_READ,      /* klogctl(SYSLOG_ACTION_READ): takes messages from /proc/kmsg's reader */
	LOG_PROC_KMSG, /* reading /proc/kmsg: the same */
	LOG_READ_ALL,  /* klogctl(SYSLOG_ACTION_READ_ALL): dmesg, allowed */
	LOG_DEV_KMSG,  /* reading /dev/kmsg: journald's way, allowed */
	LOG_OP_COUNT,
};

static const char *const log_names[LOG_OP_COUNT] = {
    "SYSLOG_ACTION_CLEAR",	"SYSLOG_ACTION_READ_CLEAR",    "SYSLOG_ACTION_CONSOLE_OFF",
    "SYSLOG_ACTION_CONSOLE_ON", "SYSLOG_ACTION_CONSOLE_LEVEL", "SYSLOG_ACTION_READ",
    "reading /proc/kmsg",	"SYSLOG_ACTION_READ_ALL",      "reading /dev/kmsg",
};

struct log_arg {
	enum log_op op;
	uid_t uid;
};

/* The console's log level now (the first field of kernel.printk). */
static int console_level(void)
{
	FILE *f = fopen("/proc/sys/kernel/printk", "r");
	int level = 7;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 7;
		fclose(f);
	}
	return level;
}

static int log_do(const void *data)
{
	const struct log_arg *a = data;
	static char buf[8192];
	int level = console_level(), fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	switch (a->op) {
	case LOG_CLEAR:
		return klogctl(5, NULL, 0) < 0 ? errno : 0;
	case LOG_READ_CLEAR:
		return klogctl(4, buf, sizeof(buf)) < 0 ? errno : 0;
	case LOG_CONSOLE_OFF:
		return klogctl(6, NULL, 0) < 0 ? errno : 0;
	case LOG_CONSOLE_ON:
		return klogctl(7, NULL, 0) < 0 ? errno : 0;
	case LOG_CONSOLE_LEVEL:
		return klogctl(8, NULL, level) < 0 ? errno : 0;
	case LOG_READ:
		/* Only when there is something unread: otherwise the call would wait. */
		if (klogctl(9, NULL, 0) <= 0)
			return 201;
		return klogctl(2, buf, sizeof(buf)) < 0 ? errno : 0;
	case LOG_READ_ALL:
		return klogctl(3, buf, sizeof(buf)) < 0 ? errno : 0;
	case LOG_PROC_KMSG:
	case LOG_DEV_KMSG:
		fd = open(a->op == LOG_PROC_KMSG ? "/proc/kmsg" : "/dev/kmsg",
			  O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		ret = read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		close(fd);
		return ret;
	default:
		return 240;
	}
}

static void log_expect(const char *cgroup, enum log_op op, uid_t uid, int want)
{
	struct log_arg a = {op, uid};
	int got = in_cgroup(cgroup, log_do, &a);

	if (got != want)
		VM_FAIL("%s from %s as uid %u: %d (%s), expected %s", log_names[op],
			cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
}

/*
 * The kernel log, where the kernel's own record of what happened is kept: not cleared, not
 * consumed from the system logger's reader (/proc/kmsg), the console not switched off or
 * quietened; a protection, in both modes. Reading it all stays allowed. The unconfined
 * controls only read and set the console to its own level: clearing the log would take what
 * the other cases may need.
 */
VM_TEST(hardware_kernel_log_is_not_cleared_or_silenced, 215)
{
	long mark;

	hw_setup();
	mark = event_mark();
	log_expect(NULL, LOG_CONSOLE_LEVEL, 0, 0);
	log_expect(NULL, LOG_READ_ALL, 0, 0);
	for (size_t c = 0; c < 2; c++) {
		for (enum log_op op = 0; op < LOG_READ_ALL; op++)
			log_expect(confined[c], op, 0, EPERM);
		log_expect(confined[c], LOG_READ_ALL, 0, 0);
		log_expect(confined[c], LOG_DEV_KMSG, 0, 0);
		/* uid 1000 lacks CAP_SYSLOG (and kmsg is root's): the kernel refuses. */
		log_expect(confined[c], LOG_CLEAR, USER, EPERM);
		log_expect(confined[c], LOG_PROC_KMSG, USER, 100 + EACCES);
	}
	log_expect(HW_OPTIN, LOG_CLEAR, 0, EPERM); /* no key lifts it */
	log_expect(NULL, LOG_CLEAR, USER, EPERM);
	/* The same switches as kernel settings: kernel.printk (the console's level) and
	 * kernel.printk_devkmsg (user space's lines), refused for writing, readable. */
	for (size_t k = 0; k < 2; k++) {
		const char *knob =
		    k ? "/proc/sys/kernel/printk_devkmsg" : "/proc/sys/kernel/printk";

		hw_expect(NULL, HW_OPEN, 0, knob, O_WRONLY, 0, "opening a kernel log setting");
		for (size_t c = 0; c < 2; c++) {
			hw_expect(confined[c], HW_OPEN, 0, knob, O_WRONLY, EPERM,
				  "writing a kernel log setting");
			hw_expect(confined[c], HW_OPEN, 0, knob, O_RDONLY, 0,
				  "reading a kernel log setting");
			hw_expect(confined[c], HW_OPEN, USER, knob, O_WRONLY, EACCES,
				  "writing a kernel log setting");
		}
		/* Not a setting that kernel-settings = allow lets through. */
		hw_expect(HW_OPTIN, HW_OPEN, 0, knob, O_WRONLY, EPERM, "writing a kernel log setting");
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"hook\":\"syslog\"",
			   "\"path\":\"the kernel log (clear)\"", KERNEL_LOG_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"syslog\"", "\"path\":\"the kernel log's console\"",
			   KERNEL_LOG_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"syslog\"",
			   "\"path\":\"the kernel log (a consuming read: /proc/kmsg)\"");
	EXPECT_EVENT_AFTER(
	    mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"", "\"hook\":\"file_open\"",
	    "\"path\":\"/proc/sys/kernel/printk\"",
	    "\"source\":\"built-in: a confined task cannot change kernel settings that "
	    "run programs, load code, weaken protections or bind every process, nor open kernel "
	    "memory\"");
}

/* ---- disks behind character devices ---- */

#define NVME_CTRL "/dev/nvme0"
#define NVME_GENERIC "/dev/ng0n1"
#define USER_NG "/data/hw-user-ng" /* NVME_GENERIC's node, owned by USER */
#define SG_NODE "/data/hw-sg"	   /* SCSI generic, 21:0 (no sg driver in the test kernel) */
#define DISK_COMMAND_SOURCE RAW_DISK_SOURCE

enum disk_op {
	DISK_IDENTIFY, /* NVME_IOCTL_ADMIN_CMD: identify the controller, on path */
	DISK_READ,     /* NVME_IOCTL_IO_CMD: read block 0 of namespace 1, on path */
	DISK_SG_IO,    /* SG_IO with an empty header, on path */
	DISK_URING,    /* io_uring NVME_URING_CMD_IO: read block 0, on path */
	DISK_OPEN,     /* open(path, O_RDWR) */
};

struct disk_arg {
	enum disk_op op;
	uid_t uid;
	const char *path;
	int fd; /* >= 0: a descriptor of path opened before the task was confined */
};

/* 0 or the errno of what a->op did (100 + errno: the open before it failed). */
static int disk_do(const void *data)
{
	const struct disk_arg *a = data;
	static char buf[4096] __attribute__((aligned(4096)));
	struct nvme_passthru_cmd cmd = {.addr = (uintptr_t)buf};
	struct nvme_uring_cmd ucmd = {.opcode = 0x02, .nsid = 1, .addr = (uintptr_t)buf,
				      .data_len = 512};
	struct sg_io_hdr sg = {.interface_id = 'S'};
	int fd, ret = 0;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	fd = a->fd >= 0 ? a->fd : open(a->path, (a->op == DISK_OPEN ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return a->op == DISK_OPEN ? errno : 100 + errno;
	switch (a->op) {
	case DISK_IDENTIFY:
		cmd.opcode = 0x06; /* identify */
		cmd.data_len = 4096;
		cmd.cdw10 = 1; /* the controller */
		ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd) < 0 ? errno : 0;
		break;
	case DISK_READ:
		cmd.opcode = 0x02; /* read */
		cmd.nsid = 1;
		cmd.data_len = 512;
		ret = ioctl(fd, NVME_IOCTL_IO_CMD, &cmd) < 0 ? errno : 0;
		break;
	case DISK_SG_IO:
		ret = ioctl(fd, SG_IO, &sg) < 0 ? errno : 0;
		break;
	case DISK_URING:
		ret = uring_cmd(fd, NVME_URING_CMD_IO, &ucmd, sizeof(ucmd));
		ret = ret < 0 ? -ret : 0;
		break;
	case DISK_OPEN:
		break;
	}
	close(fd);
	return ret;
}

static void disk_expect(const char *cgroup, enum disk_op op, uid_t uid, const char *path,
			int want, const char *what)
{
	struct disk_arg a = {op, uid, path, -1};
	int got = in_cgroup(cgroup, disk_do, &a);

	if (got != want)
		VM_FAIL("%s on %s from %s as uid %u: %d (%s), expected %s", what, path,
			cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
}

/* As disk_expect, on a descriptor opened (read-only) before the task joins cgroup. */
static void disk_expect_held(const char *cgroup, enum disk_op op, uid_t uid, const char *path,
			     int want, const char *what)
{
	struct disk_arg a = {op, uid, path, open(path, O_RDONLY | O_CLOEXEC)};
	int got;

	VM_CHECK(a.fd >= 0);
	got = in_cgroup(cgroup, disk_do, &a);
	close(a.fd);
	if (got != want)
		VM_FAIL("%s on a descriptor of %s held from before, from %s as uid %u: %d (%s), "
			"expected %s", what, path, cgroup ? cgroup : "no policy", (unsigned)uid,
			got, result_text(got), result_text(want));
}

/*
 * A disk reached through character devices: NVMe's controller (/dev/nvme0) and generic
 * namespace (/dev/ng0n1) nodes take the disk's own commands by ioctl and by io_uring, SCSI's
 * sg nodes by read and write, bsg's and tapes' by SG_IO. Refused like the block device, in
 * both modes, as root and as uid 1000 on its own node; raw-disks = allow lets them through.
 * (The test VM's NVMe disk is an 8 MiB image, vm-tests/run-vm.sh.)
 */
VM_TEST(hardware_disk_commands_are_refused, 217)
{
	struct stat st;
	long mark;

	hw_setup();
	for (int i = 0; i < 50 && access(NVME_GENERIC, F_OK) != 0; i++)
		usleep(100 * 1000);
	VM_CHECK(stat(NVME_GENERIC, &st) == 0 && S_ISCHR(st.st_mode));
	unlink(USER_NG);
	unlink(SG_NODE);
	VM_CHECK(mknod(USER_NG, S_IFCHR | 0600, st.st_rdev) == 0);
	VM_CHECK(chown(USER_NG, USER, USER) == 0);
	VM_CHECK(mknod(SG_NODE, S_IFCHR | 0600, makedev(21, 0)) == 0);
	mark = event_mark();
	/* Controls: outside any policy, and with raw-disks = allow, the disk answers. */
	for (size_t c = 0; c < 2; c++) {
		const char *cg = c ? HW_OPTIN : NULL;

		disk_expect(cg, DISK_IDENTIFY, 0, NVME_CTRL, 0, "identify");
		disk_expect(cg, DISK_READ, 0, NVME_GENERIC, 0, "read");
		disk_expect(cg, DISK_URING, 0, NVME_GENERIC, 0, "io_uring read");
		/* not a SCSI device: the driver's own answer */
		disk_expect(cg, DISK_SG_IO, 0, NVME_GENERIC, ENOTTY, "SG_IO");
		/* no sg driver in the test kernel (under a policy, the open's module request
		 * for char-major-21 is refused on its own: not tried there) */
		if (!cg)
			disk_expect(cg, DISK_OPEN, 0, SG_NODE, ENXIO, "opening sg");
	}
	/* uid 1000 outside any policy: the kernel asks CAP_SYS_ADMIN for passthrough. */
	disk_expect(NULL, DISK_READ, USER, USER_NG, EACCES, "read");
	disk_expect(NULL, DISK_URING, USER, USER_NG, EACCES, "io_uring read");
	for (size_t c = 0; c < 2; c++) {
		/* The nodes themselves, known by their drivers' names ("nvme", "nvme-generic":
		 * majors the kernel chose at boot), are refused at the open... */
		disk_expect(confined[c], DISK_OPEN, 0, NVME_GENERIC, EPERM, "opening");
		disk_expect(confined[c], DISK_OPEN, 0, NVME_CTRL, EPERM, "opening");
		disk_expect(confined[c], DISK_IDENTIFY, 0, NVME_CTRL, 100 + EPERM, "identify");
		disk_expect(confined[c], DISK_OPEN, USER, USER_NG, EPERM, "opening");
		disk_expect(confined[c], DISK_OPEN, 0, SG_NODE, EPERM, "opening sg");
		/* ...and a descriptor opened before (or received) still takes no command. */
		disk_expect_held(confined[c], DISK_IDENTIFY, 0, NVME_CTRL, EPERM, "identify");
		disk_expect_held(confined[c], DISK_READ, 0, NVME_GENERIC, EPERM, "read");
		disk_expect_held(confined[c], DISK_URING, 0, NVME_GENERIC, EPERM, "io_uring read");
		disk_expect_held(confined[c], DISK_SG_IO, 0, NVME_GENERIC, EPERM, "SG_IO");
		disk_expect_held(confined[c], DISK_READ, USER, NVME_GENERIC, EPERM, "read");
		disk_expect_held(confined[c], DISK_URING, USER, NVME_GENERIC, EPERM,
				 "io_uring read");
	}
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"file_ioctl\"",
			   "\"path\":\"a disk's own commands (SG_IO, NVMe passthrough ioctls)\"",
			   DISK_COMMAND_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"uring_cmd\"",
			   "\"path\":\"a disk's own commands (io_uring passthrough)\"",
			   DISK_COMMAND_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" SG_NODE "\"",
			   DISK_COMMAND_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"uid\":1000",
			   "\"hook\":\"file_open\"", "\"path\":\"" USER_NG "\"",
			   DISK_COMMAND_SOURCE);
	/* (a late line of the previous case's hw-optin, a kernel log refusal, once failed a
	 * count of every hw-optin event under preempt=full) */
	VM_CHECK(count_events_after_both(mark, "\"policy\":\"hw-optin\"", DISK_COMMAND_SOURCE) ==
		 0);
	VM_CHECK(unlink(USER_NG) == 0);
	VM_CHECK(unlink(SG_NODE) == 0);
}

/* ---- what stops or watches the whole host ---- */

#define HC_FILE "/tmp/hw-hc-file"
#define HC_MODPROBE "/tmp/hw-modprobe"    /* kernel.modprobe's stand-in, under no policy */
#define HC_RAN "/tmp/hw-modprobe-ran"     /* what it was asked for */
#define MODULE_SOURCE                                                                              \
	"\"source\":\"built-in: a confined task cannot load kernel modules or kexec images, nor "  \
	"have the kernel run its helpers for it (module autoload unless its policy says [system] "  \
	"module-autoload = allow, key upcalls)\""

enum hc_op {
	HC_CAD_OFF,	/* reboot(LINUX_REBOOT_CMD_CAD_OFF): the same check as restart, power off */
	HC_ACCT,	/* acct(HC_FILE) */
	HC_FREEZE,	/* ioctl(FIFREEZE) on a read-only descriptor of /tmp */
	HC_SHUTDOWN,	/* ioctl(EXT4_IOC_SHUTDOWN, NOLOGFLUSH) there */
	HC_FAN_PERM,	/* fanotify FAN_OPEN_PERM on HC_FILE */
	HC_FAN_FS,	/* fanotify FAN_MARK_FILESYSTEM, FAN_OPEN on /tmp */
	HC_FAN_INODE,	/* fanotify FAN_OPEN on HC_FILE (a notification mark on one inode) */
	HC_AUTOLOAD,	/* socket(AF_DECnet): the kernel asks for net-pf-12 */
	HC_LEASE,	/* F_SETLEASE F_RDLCK on the path given, read-only */
	HC_KMSG,	/* /dev/kmsg opened for writing, a line written */
	HC_KEY_UPCALL,	/* request_key("user", "hw:upcall", callout): /sbin/request-key runs */
};

struct hc_arg {
	enum hc_op op;
	uid_t uid;
	const char *path;
};

static int hc_do(const void *data)
{
	const struct hc_arg *a = data;
	int fd, ret = 0, level = 0;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	switch (a->op) {
	case HC_CAD_OFF:
		if (reboot(LINUX_REBOOT_CMD_CAD_OFF))
			return errno;
		reboot(LINUX_REBOOT_CMD_CAD_ON); /* as it was */
		return 0;
	case HC_ACCT:
		if (acct(HC_FILE))
			return errno;
		acct(NULL);
		return 0;
	case HC_FREEZE:
	case HC_SHUTDOWN:
		fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		level = 2; /* EXT4_GOING_FLAGS_NOLOGFLUSH */
		if (a->op == HC_FREEZE)
			ret = ioctl(fd, FIFREEZE, &level) ? errno : (ioctl(fd, FITHAW, &level), 0);
		else
			ret = ioctl(fd, _IOR('X', 125, __u32), &level) ? errno : 0;
		close(fd);
		return ret;
	case HC_FAN_PERM:
	case HC_FAN_FS:
	case HC_FAN_INODE:
		fd = fanotify_init(a->op == HC_FAN_PERM ? FAN_CLASS_CONTENT : FAN_CLASS_NOTIF,
				   O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		if (a->op == HC_FAN_PERM)
			ret = fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, HC_FILE);
		else if (a->op == HC_FAN_FS)
			ret = fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN,
					    AT_FDCWD, "/tmp");
		else
			ret = fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, HC_FILE);
		ret = ret ? errno : 0;
		close(fd);
		return ret;
	case HC_AUTOLOAD:
		fd = socket(12 /* AF_DECnet */, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			close(fd);
		return 0; /* the kernel's answer is the same either way: HC_RAN tells */
	case HC_LEASE:
		fd = open(a->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		ret = fcntl(fd, F_SETLEASE, F_RDLCK) ? errno : 0;
		if (!ret)
			fcntl(fd, F_SETLEASE, F_UNLCK);
		close(fd);
		return ret;
	case HC_KEY_UPCALL:
		syscall(SYS_request_key, "user", "hw:upcall", "hw-callout", -2 /* process */);
		return 0; /* it fails either way (nothing instantiates the key): HC_RAN tells */
	case HC_KMSG:
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return 100 + errno;
		ret = write(fd, "<6>hw: a line\n", 14) == 14 ? 0 : errno;
		close(fd);
		return ret;
	}
	return 240;
}

static void hc_expect(const char *cgroup, enum hc_op op, uid_t uid, const char *path, int want,
		      const char *what)
{
	struct hc_arg a = {op, uid, path};
	int got = in_cgroup(cgroup, hc_do, &a);

	if (got != want)
		VM_FAIL("%s from %s as uid %u: %d (%s), expected %s", what,
			cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
}

/* Set kernel.modprobe (a file of /proc: written in place). */
static void set_modprobe(const char *path)
{
	int fd = open("/proc/sys/kernel/modprobe", O_WRONLY | O_CLOEXEC);

	VM_CHECK(fd >= 0 && write(fd, path, strlen(path)) == (ssize_t)strlen(path));
	if (fd >= 0)
		close(fd);
}

/* Whether the helpers' stand-in ran for op (an autoload, a key upcall) from cgroup as uid. */
static bool helper_ran(enum hc_op op, const char *cgroup, uid_t uid)
{
	struct hc_arg a = {op, uid, NULL};

	unlink(HC_RAN);
	VM_CHECK(in_cgroup(cgroup, hc_do, &a) == 0);
	return access(HC_RAN, F_OK) == 0;
}

/*
 * The kernel's helpers replaced by a stand-in that records what it was asked (HC_RAN), under no
 * policy: kernel.modprobe (saved into saved, size bytes) and /sbin/request-key (which the test
 * VM does not have).
 */
static void helpers_standin_start(char *saved, size_t size)
{
	FILE *f;

	write_file(HC_MODPROBE, "#!/bin/sh\necho \"$@\" > " HC_RAN "\n", 0755);
	saved[0] = '\0';
	f = fopen("/proc/sys/kernel/modprobe", "r");
	if (f && !fgets(saved, (int)size, f))
		saved[0] = '\0';
	if (f)
		fclose(f);
	saved[strcspn(saved, "\n")] = '\0';
	set_modprobe(HC_MODPROBE);
	VM_CHECK(access("/sbin/request-key", F_OK) != 0);
	VM_CHECK(symlink(HC_MODPROBE, "/sbin/request-key") == 0);
}

static void helpers_standin_end(const char *saved)
{
	if (saved[0])
		set_modprobe(saved);
	unlink("/sbin/request-key");
	unlink(HC_MODPROBE);
	unlink(HC_RAN);
}

/*
 * Reboot, process accounting, freezing or shutting down a filesystem, fanotify's permission
 * events and whole-filesystem marks, a module loaded for the task (the kernel runs the
 * modprobe helper as root, outside every policy), a lease on a protected file, lines written
 * into the kernel log (attack run 5): refused in both modes, as root and as uid 1000 where the
 * kernel would let uid 1000 do it; unconfined, the kernel's own answers.
 */
VM_TEST(hardware_host_switches_are_refused, 218)
{
	char saved_modprobe[256];
	long mark;

	hw_setup();
	write_file(HC_FILE, "x\n", 0644);
	helpers_standin_start(saved_modprobe, sizeof(saved_modprobe));
	mark = event_mark();
	/* Controls: outside any policy the kernel does it (tmpfs cannot be frozen: its own
	 * EOPNOTSUPP; nor shut down: ENOTTY). */
	hc_expect(NULL, HC_CAD_OFF, 0, NULL, 0, "reboot(CAD_OFF)");
	hc_expect(NULL, HC_ACCT, 0, NULL, 0, "acct");
	hc_expect(NULL, HC_FREEZE, 0, NULL, EOPNOTSUPP, "FIFREEZE");
	hc_expect(NULL, HC_SHUTDOWN, 0, NULL, ENOTTY, "shutdown");
	hc_expect(NULL, HC_FAN_PERM, 0, NULL, 0, "FAN_OPEN_PERM");
	hc_expect(NULL, HC_FAN_FS, 0, NULL, 0, "FAN_MARK_FILESYSTEM");
	hc_expect(NULL, HC_LEASE, 0, POLICY_DIR "/hw.ini", 0, "a lease on a policy file");
	hc_expect(NULL, HC_KMSG, 0, NULL, 0, "writing /dev/kmsg");
	VM_CHECK(helper_ran(HC_AUTOLOAD, NULL, 0));
	VM_CHECK(helper_ran(HC_AUTOLOAD, NULL, USER)); /* the kernel runs it as root for uid 1000 too */
	VM_CHECK(helper_ran(HC_KEY_UPCALL, NULL, 0));
	VM_CHECK(helper_ran(HC_KEY_UPCALL, NULL, USER));
	for (size_t c = 0; c < 2; c++) {
		hc_expect(confined[c], HC_CAD_OFF, 0, NULL, EPERM, "reboot(CAD_OFF)");
		hc_expect(confined[c], HC_ACCT, 0, NULL, EPERM, "acct");
		hc_expect(confined[c], HC_FREEZE, 0, NULL, EPERM, "FIFREEZE");
		hc_expect(confined[c], HC_SHUTDOWN, 0, NULL, EPERM, "shutdown");
		hc_expect(confined[c], HC_FAN_PERM, 0, NULL, EPERM, "FAN_OPEN_PERM");
		hc_expect(confined[c], HC_FAN_FS, 0, NULL, EPERM, "FAN_MARK_FILESYSTEM");
		hc_expect(confined[c], HC_FAN_INODE, 0, NULL, 0, "FAN_OPEN on one file");
		hc_expect(confined[c], HC_LEASE, 0, POLICY_DIR "/hw.ini", EPERM,
			  "a lease on a policy file");
		hc_expect(confined[c], HC_LEASE, 0, HC_FILE, 0, "a lease on a file it may write");
		hc_expect(confined[c], HC_KMSG, 0, NULL, 100 + EPERM, "writing /dev/kmsg");
		VM_CHECK(!helper_ran(HC_AUTOLOAD, confined[c], 0));
		VM_CHECK(!helper_ran(HC_AUTOLOAD, confined[c], USER));
		VM_CHECK(!helper_ran(HC_KEY_UPCALL, confined[c], 0));
		VM_CHECK(!helper_ran(HC_KEY_UPCALL, confined[c], USER));
		/* uid 1000: the kernel's CAP_SYS_BOOT, CAP_SYS_PACCT and CAP_SYS_ADMIN checks
		 * come first (no event). */
		hc_expect(confined[c], HC_CAD_OFF, USER, NULL, EPERM, "reboot(CAD_OFF)");
		hc_expect(confined[c], HC_FREEZE, USER, NULL, EPERM, "FIFREEZE");
	}
	/* No key lifts them. */
	hc_expect(HW_OPTIN, HC_ACCT, 0, NULL, EPERM, "acct");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"capable\"", "\"path\":\"reboot (CAP_SYS_BOOT)\"",
			   HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"hook\":\"capable\"",
			   "\"path\":\"process accounting (CAP_SYS_PACCT)\"", HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"file_ioctl\"",
			   "\"path\":\"freezing or shutting down a filesystem\"", HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"path_notify\"", "\"path\":\"fanotify permission events\"",
			   HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"path_notify\"",
			   "\"path\":\"fanotify marks on a whole filesystem or mount\"",
			   HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"uid\":1000",
			   "\"hook\":\"kernel_module_request\"",
			   "\"path\":\"a module loaded for it (request_module)\"", MODULE_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"", "\"uid\":1000",
			   "\"hook\":\"key_alloc\"", "\"path\":\"a key upcall (request_key)\"",
			   MODULE_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"file_fcntl\"", "\"path\":\"" POLICY_DIR "/hw.ini\"");
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"file_open\"", "\"path\":\"/dev/kmsg\"", KERNEL_LOG_SOURCE);
	helpers_standin_end(saved_modprobe);
	unlink(HC_FILE);
}

/* A counter of hw-optin's kernel_module_request (0 while none is reported). */
static long long autoload_counter(const char *field)
{
	long long n = policy_counter("hw-optin", "kernel_module_request", field);

	return n < 0 ? 0 : n;
}

/*
 * [system] module-autoload = allow (hw-optin): socket() of a family not loaded makes the kernel
 * run the modprobe helper for the task, as root and as uid 1000, counted as allowed and not
 * reported; a key upcall stays refused. Without the key (hw, hw-audit) the helper never runs.
 */

#define SG_FREE_NODE "/data/hw-sg-autoload" /* 21:0, sg's number: its driver is not loaded */

static int open_node_do(const void *data)
{
	int fd = open(data, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

VM_TEST(hardware_module_autoload_key, 219)
{
	char saved_modprobe[256];
	long long allowed, denied;
	long mark;
	bool ran;

	hw_setup();
	helpers_standin_start(saved_modprobe, sizeof(saved_modprobe));
	mark = event_mark();
	allowed = autoload_counter("allowed");
	denied = autoload_counter("denied");
	VM_CHECK(helper_ran(HC_AUTOLOAD, HW_OPTIN, 0));
	VM_CHECK(helper_ran(HC_AUTOLOAD, HW_OPTIN, USER));
	/* Counted as allowed, never as denied (no event). */
	if (autoload_counter("allowed") < allowed + 2 || autoload_counter("denied") != denied)
		VM_FAIL("hw-optin's kernel_module_request counters: allowed %lld -> %lld, denied "
			"%lld -> %lld", allowed, autoload_counter("allowed"), denied,
			autoload_counter("denied"));
	/* What the stand-in was asked: the kernel's alias for the family, not a name of the
	 * task's. */
	{
		char asked[128] = "";
		FILE *f = fopen(HC_RAN, "r");

		if (f && !fgets(asked, sizeof(asked), f))
			asked[0] = '\0';
		if (f)
			fclose(f);
		if (!strstr(asked, "net-pf-12"))
			VM_FAIL("the stand-in modprobe was asked '%s', expected net-pf-12", asked);
	}
	VM_CHECK(!helper_ran(HC_KEY_UPCALL, HW_OPTIN, 0));
	VM_CHECK(!helper_ran(HC_KEY_UPCALL, HW_OPTIN, USER));
	for (size_t c = 0; c < 2; c++) {
		ran = helper_ran(HC_AUTOLOAD, confined[c], 0) || helper_ran(HC_AUTOLOAD, confined[c], USER);
		if (ran)
			VM_FAIL("%s: the kernel ran modprobe for the task without module-autoload",
				confined[c]);
	}
	VM_CHECK(helper_ran(HC_AUTOLOAD, NULL, USER)); /* control: under no policy */
	/* A device number's driver ("char-major-21-0", asked by the open of a node after
	 * file_open decided on a number no driver had: sg's SCSI commands by write) stays
	 * refused with module-autoload = allow (and raw-disks = allow: the rules decide the node). */
	unlink(SG_FREE_NODE);
	VM_CHECK(mknod(SG_FREE_NODE, S_IFCHR | 0600, makedev(21, 0)) == 0);
	unlink(HC_RAN);
	VM_CHECK(in_cgroup(HW_OPTIN, open_node_do, SG_FREE_NODE) == ENXIO);
	VM_CHECK(access(HC_RAN, F_OK) != 0);
	unlink(HC_RAN);
	VM_CHECK(in_cgroup(NULL, open_node_do, SG_FREE_NODE) == ENXIO);
	VM_CHECK(access(HC_RAN, F_OK) == 0); /* control: the kernel asked for it */
	VM_CHECK(unlink(SG_FREE_NODE) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-optin\"",
			   "\"hook\":\"kernel_module_request\"",
			   "\"path\":\"a module loaded for it (request_module)\"", MODULE_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-optin\"",
			   "\"hook\":\"key_alloc\"", "\"path\":\"a key upcall (request_key)\"",
			   MODULE_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"", "\"uid\":1000",
			   "\"hook\":\"kernel_module_request\"",
			   "\"path\":\"a module loaded for it (request_module)\"", MODULE_SOURCE);
	helpers_standin_end(saved_modprobe);
}

/* This file's programs are attached, each cheap for the verifier (no path walk). */
VM_TEST(hardware_programs_attached, 216)
{
	static const char *const programs[] = {
	    "lg_locked_down", "lg_settime",	  "lg_capable_host",	      "lg_syslog",
	    "lg_uring_cmd",   "lg_path_notify", "lg_kernel_module_request", "lg_key_alloc",
	    "lg_sb_set_mnt_opts", "lg_fs_context_parse_param", "lg_quotactl",
	    "lg_unix_copy_seen", "lg_socket_create", "lg_socket_setsockopt", "lg_socket_bind",
	    "lg_socket_listen", "lg_capable_keep", "lg_sigio_owner_checked", "lg_sctp_bind_connect",
	    "lg_dev_alloc_region", "lg_dev_register_region",
	    "lg_dev_register", "lg_dev_misc_register", "lg_capset_keep", "lg_securebits_keep",
	    "lg_securebits_checked", "lg_mmap_addr_keep", "lg_nproc_keep", "lg_inode_freed",
	    "lg_subflow_connect4",
	    "lg_subflow_connect6", "lg_key_reservation_end", "lg_key_reservation_end32", "lg_key_update_end",
	    "lg_key_update_end32", "lg_mqueue_made", "lg_mq_open_reserve", "lg_mq_open_end",
	    "lg_fds_sent_stream", "lg_fds_sent_dgram",
	    "lg_fds_sent_seqpacket", "lg_mq_made_end", "lg_crypto_lookup",
	    "lg_aio_reservation_end",
	    "lg_aio_reservation_end32", "lg_file_budget", "lg_task_counted", "lg_task_freed", "lg_file_open"};
	const size_t walkless = sizeof(programs) / sizeof(programs[0]) - 1;
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[1048576];

	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		unsigned long verified = program_verified(out, programs[i]);

		/* Those without a path walk: a few thousand each (2,000-5,600 on 6.1), where the
		 * programs that walk a path process 50,000-100,000; socket_bind and socket_listen
		 * decide an abstract unix name too, 108 unrolled steps whose scratch may be a spare
		 * (41,323 and 39,614 on 6.1; 23,670 and 23,516 before the spare's branches),
		 * sctp_bind_connect reads an address of either family (21,648) and decides it by
		 * the [network] rules (lg_net_decide), as the subflow programs do after a walk up
		 * the cgroups (connect6: 30,515); mmap_addr also reserves an io_setup's AIO
		 * events and reports the host budget (13,507); nproc_keep also reserves a confined
		 * fork's task (10,558); mqueue_made also reserves a queue's bytes in its user's
		 * pool (10,591). */
		unsigned long limit = !strncmp(programs[i], "lg_subflow_connect", 18) ? 60000
				      : strcmp(programs[i], "lg_socket_bind") &&
						      strcmp(programs[i], "lg_socket_listen") &&
						      strcmp(programs[i], "lg_sctp_bind_connect") &&
						      strcmp(programs[i], "lg_mmap_addr_keep") &&
						      strcmp(programs[i], "lg_nproc_keep") &&
						      strcmp(programs[i], "lg_mqueue_made")
					  ? 10000
				      : !strncmp(programs[i], "lg_socket_", 10) ? 50000
										: 30000;

		if (i < walkless && verified > limit)
			VM_FAIL("%s: %lu instructions processed, expected at most %lu", programs[i],
				verified, limit);
	}
}

/* ---- a disk's filesystem mounted ---- */

#define DISK_MNT "/tmp/hw-disk-mnt"	/* where a confined task mounts it, in its own namespace */
#define HOST_DISK_MNT "/tmp/hw-host-disk" /* where the host has it mounted, for the second round */

enum disk_mount_op {
	DM_MOUNT,   /* mount(2) of RAMDISK's ext2 read-only */
	DM_NEW_API, /* fsopen("ext4"), fsconfig source (refused here) and ro, FSCONFIG_CMD_CREATE */
};

struct dm_arg {
	enum disk_mount_op op;
	uid_t uid;
};

/* In a mount namespace of its own (root), or where it is (uid 1000): mount the RAM disk. */
static int dm_do(const void *data)
{
	const struct dm_arg *a = data;
	int fd, ret;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (!a->uid && (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)))
		return 100 + errno;
	if (a->op == DM_MOUNT) {
		if (mount(RAMDISK, DISK_MNT, "ext4", MS_RDONLY, NULL))
			return errno;
		umount(DISK_MNT);
		return 0;
	}
	fd = syscall(SYS_fsopen, "ext4", 1 /* FSOPEN_CLOEXEC */);
	if (fd < 0)
		return errno;
	/* The source is refused when it is named, before the filesystem reads the disk. */
	if (syscall(SYS_fsconfig, fd, 1 /* FSCONFIG_SET_STRING */, "source", RAMDISK, 0))
		ret = errno;
	else if (syscall(SYS_fsconfig, fd, 0 /* FSCONFIG_SET_FLAG */, "ro", NULL, 0))
		ret = 150;
	else
		ret = syscall(SYS_fsconfig, fd, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0) ? errno
											   : 0;
	close(fd);
	return ret;
}

static void dm_expect(const char *cgroup, enum disk_mount_op op, uid_t uid, int want,
		      const char *round)
{
	struct dm_arg a = {op, uid};
	int got = in_cgroup(cgroup, dm_do, &a);

	if (got != want)
		VM_FAIL("%s (%s) from %s as uid %u: %d (%s), expected %s",
			op == DM_MOUNT ? "mount(2) of the disk" : "fsconfig(source, CMD_CREATE) of the disk",
			round, cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
}

/*
 * A disk's filesystem mounted in a namespace of the service's own (mount = namespace lets it
 * mount there): every file of the disk at a path of its choosing, and a disk the host has not
 * mounted has no rules at all. The kernel opens the block device itself, so it is refused like
 * opening it (raw-disks, a protection: audit mode too), by mount(2) and by the new mount API,
 * whether the host has the filesystem mounted or not. uid 1000 has no route: the kernel mounts
 * disk filesystems only for CAP_SYS_ADMIN in the host's user namespace.
 */
VM_TEST(hardware_disk_filesystems_are_not_mounted, 219)
{
	static const enum disk_mount_op ops[] = {DM_MOUNT, DM_NEW_API};
	long mark;

	hw_setup();
	VM_CHECK(system("busybox mke2fs " RAMDISK " >/dev/null 2>&1") == 0);
	VM_CHECK(mkdir(DISK_MNT, 0755) == 0 || errno == EEXIST);
	VM_CHECK(mkdir(HOST_DISK_MNT, 0755) == 0 || errno == EEXIST);
	mark = event_mark();
	for (int round = 0; round < 2; round++) {
		const char *what = round ? "the host has it mounted" : "mounted nowhere";

		if (round)
			VM_CHECK(mount(RAMDISK, HOST_DISK_MNT, "ext4", MS_RDONLY, NULL) == 0);
		for (size_t o = 0; o < 2; o++) {
			dm_expect(NULL, ops[o], 0, 0, what);
			dm_expect(HW_OPTIN, ops[o], 0, 0, what);
			dm_expect(HW, ops[o], 0, EPERM, what);
			dm_expect(HW_AUDIT, ops[o], 0, EPERM, what);
			dm_expect(HW, ops[o], USER, EPERM, what); /* the kernel's */
		}
	}
	VM_CHECK(vm_umount(HOST_DISK_MNT) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"fs_context_parse_param\"",
			   "\"path\":\"a disk's filesystem, mounted from its block device\"",
			   RAW_DISK_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"fs_context_parse_param\"",
			   "\"path\":\"a disk's filesystem, mounted from its block device\"",
			   RAW_DISK_SOURCE);
	{
		/* uid 1000's mounts were the kernel's refusals, not lsmguard's */
		const char *const user_events[] = {"\"hook\":\"fs_context_parse_param\"", "\"uid\":1000",
						   NULL};

		VM_CHECK(!wait_event_after(mark, user_events, 300));
	}
	/* the opt-in policy's mounts made without a refusal of its own: by the hooks a disk's
	 * mount reaches (not any hw-optin event: the previous case's last refusal, written late
	 * by a daemon slowed by a busy host, landed after the mark in one CI run) */
	VM_CHECK(count_events_after_both(mark, "\"policy\":\"hw-optin\"",
					 "\"hook\":\"fs_context_parse_param\"") == 0);
	VM_CHECK(count_events_after_both(mark, "\"policy\":\"hw-optin\"", "\"hook\":\"sb_mount\"") ==
		 0);
}

/* ---- devices known by their driver's name ---- */

#define WD_NODE "/data/hw-watchdog"  /* /dev/watchdog0's number (a major chosen at load), 0666 */
#define LAT_NODE "/data/hw-latency"  /* /dev/cpu_dma_latency's (a dynamic misc minor), 0666 */
#define HIDRAW_NODE "/data/hw-hidraw" /* hidraw's major, minor 0 (no device behind it), 0666 */
#define CONSOLE_NODE "/data/hw-console" /* the kernel's console's tty (ttyS0 here), 0666 */

/* The device number of the first console /proc/consoles lists with a tty. */
static dev_t console_tty(void)
{
	char line[256], *last;
	unsigned int major, minor;
	dev_t dev = 0;
	FILE *f = fopen("/proc/consoles", "re");

	if (!f)
		return 0;
	while (!dev && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		last = strrchr(line, ' ');
		if (last && sscanf(last + 1, "%u:%u", &major, &minor) == 2)
			dev = makedev(major, minor);
	}
	fclose(f);
	return dev;
}

/* The major /proc/devices gives a character driver's name, or -1. */
static int char_major(const char *name)
{
	char line[128], got[64];
	bool in_char = false;
	int major = -1, n;
	FILE *f = fopen("/proc/devices", "re");

	if (!f)
		return -1;
	while (major < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Character", 9) == 0 || strncmp(line, "Block", 5) == 0)
			in_char = line[0] == 'C';
		else if (in_char && sscanf(line, " %d %63s", &n, got) == 2 && !strcmp(got, name))
			major = n;
	}
	fclose(f);
	return major;
}

static void node_like(const char *path, dev_t rdev)
{
	unlink(path);
	VM_CHECK(mknod(path, S_IFCHR | 0666, rdev) == 0);
	VM_CHECK(chmod(path, 0666) == 0);
}

/*
 * Character devices whose number only their driver's name identifies: a watchdog (opened, the
 * host reboots unless it is fed for ever), cpu_dma_latency (a latency every CPU keeps: a kernel
 * setting, written), hidraw (reports sent to a keyboard: typing, written). The watchdog core and
 * HID's core are loaded here, after the daemon: their majors are classified by the kernel as
 * they register; cpu_dma_latency's minor (and NVMe's majors) were registered at boot and read
 * by the daemon from /proc/misc and /proc/devices.
 * And the kernel's console's tty (/proc/consoles, read by the daemon: ttyS0 in the test VM).
 * Each through a node of its number elsewhere, mode 0666, so that uid 1000 reaches the check.
 * (NVMe's nodes, "nvme" and "nvme-generic": hardware_disk_commands_are_refused.)
 */
VM_TEST(hardware_devices_known_by_driver_name, 220)
{
	struct stat st;
	int hidraw;
	long mark;

	hw_setup();
	/* soft_noboot: the software watchdog only logs when it fires, the test VM goes on */
	if (access("/dev/watchdog0", F_OK) != 0)
		VM_CHECK(system("insmod /lib/modules/watchdog.ko && "
				"insmod /lib/modules/softdog.ko soft_noboot=1") == 0);
	for (int i = 0; i < 50 && access("/dev/watchdog0", F_OK) != 0; i++)
		usleep(100 * 1000);
	VM_CHECK(stat("/dev/watchdog0", &st) == 0 && S_ISCHR(st.st_mode));
	VM_CHECK((int)major(st.st_rdev) == char_major("watchdog"));
	node_like(WD_NODE, st.st_rdev);
	VM_CHECK(stat("/dev/cpu_dma_latency", &st) == 0 && S_ISCHR(st.st_mode));
	node_like(LAT_NODE, st.st_rdev);
	/* HID's core registers hidraw's major when it loads (a module of the test kernel) */
	if (char_major("hidraw") < 0)
		VM_CHECK(system("insmod /lib/modules/hid.ko") == 0);
	hidraw = char_major("hidraw");
	VM_CHECK(hidraw > 0);
	node_like(HIDRAW_NODE, makedev(hidraw, 0));
	VM_CHECK(console_tty() == makedev(4, 64)); /* console=ttyS0 (vm-tests/qemu.sh) */
	node_like(CONSOLE_NODE, console_tty());
	mark = event_mark();

	/* The kernel's console on a serial line: an administrator's login there, the kernel's
	 * SysRq (a break looped back by TIOCM_LOOP). A terminal, in any way. */
	for (size_t c = 0; c < 2; c++)
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			hw_expect(confined[c], HW_OPEN, uid, CONSOLE_NODE, O_RDONLY | O_NOCTTY, EPERM,
				  "opening the console's tty");
			hw_expect(confined[c], HW_OPEN, uid, CONSOLE_NODE, O_WRONLY | O_NOCTTY, EPERM,
				  "opening the console's tty");
		}
	hw_expect(NULL, HW_OPEN, USER, CONSOLE_NODE, O_WRONLY | O_NOCTTY, 0,
		  "opening the console's tty");

	/* The watchdog: a protection, opened in any way, opted in or not. */
	for (size_t c = 0; c < 2; c++)
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			hw_expect(confined[c], HW_OPEN, uid, WD_NODE, O_RDONLY, EPERM,
				  "opening a watchdog");
			hw_expect(confined[c], HW_OPEN, uid, "/dev/watchdog0", O_WRONLY,
				  uid ? EACCES : EPERM, "opening /dev/watchdog0");
		}
	hw_expect(HW_OPTIN, HW_OPEN, 0, WD_NODE, O_WRONLY, EPERM, "opening a watchdog (opted in)");
	/* unconfined: the driver opens it (and soft_noboot makes its expiry harmless) */
	hw_expect(NULL, HW_OPEN, 0, WD_NODE, O_WRONLY, 0, "opening a watchdog");

	/* cpu_dma_latency: written, a kernel setting (the mode, kernel-settings = allow). */
	for (uid_t uid = 0; uid <= USER; uid += USER) {
		hw_expect(HW, HW_OPEN, uid, LAT_NODE, O_WRONLY, EPERM, "writing cpu_dma_latency");
		hw_expect(HW_AUDIT, HW_OPEN, uid, LAT_NODE, O_WRONLY, 0,
			  "writing cpu_dma_latency (audit)");
		hw_expect(HW, HW_OPEN, uid, LAT_NODE, O_RDONLY, 0, "reading cpu_dma_latency");
	}
	hw_expect(HW_OPTIN, HW_OPEN, 0, LAT_NODE, O_WRONLY, 0, "writing cpu_dma_latency (opted in)");
	hw_expect(NULL, HW_OPEN, USER, LAT_NODE, O_WRONLY, 0, "writing cpu_dma_latency");

	/* hidraw, written: refused before the driver looks for its device; read: the driver's
	 * answer (no device at minor 0). */
	for (size_t c = 0; c < 2; c++)
		for (uid_t uid = 0; uid <= USER; uid += USER) {
			hw_expect(confined[c], HW_OPEN, uid, HIDRAW_NODE, O_WRONLY, EPERM,
				  "writing hidraw");
			hw_expect(confined[c], HW_OPEN, uid, HIDRAW_NODE, O_RDONLY, ENODEV,
				  "reading hidraw");
		}
	hw_expect(NULL, HW_OPEN, USER, HIDRAW_NODE, O_WRONLY, ENODEV, "writing hidraw");

	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"file_open\"", "\"path\":\"" WD_NODE "\"", "\"uid\":1000",
			   HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"file_open\"", "\"access\":\"write\"",
			   "\"path\":\"" LAT_NODE "\"", SYSCTL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"hw-audit\"",
			   "\"path\":\"" LAT_NODE "\"", SYSCTL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"path\":\"" HIDRAW_NODE "\"", TERMINAL_SOURCE);
	{
		const char *const reads[] = {"\"path\":\"" LAT_NODE "\"", "\"access\":\"read\"",
					     NULL};

		VM_CHECK(!wait_event_after(mark, reads, 300));
	}
	VM_CHECK(unlink(WD_NODE) == 0);
	VM_CHECK(unlink(LAT_NODE) == 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"", "\"uid\":1000",
			   "\"path\":\"" CONSOLE_NODE "\"", TERMINAL_SOURCE);
	VM_CHECK(unlink(HIDRAW_NODE) == 0);
	VM_CHECK(unlink(CONSOLE_NODE) == 0);
}

/* ---- swap ---- */

#define SWAP_MNT "/tmp/hw-swap-disk"
#define SWAP_FILE SWAP_MNT "/swap"

enum swap_op { SWAP_ON, SWAP_OFF };

struct swap_arg {
	enum swap_op op;
	uid_t uid;
};

static int swap_do(const void *data)
{
	const struct swap_arg *a = data;

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	if (a->op == SWAP_ON)
		return syscall(SYS_swapon, SWAP_FILE, 0) ? errno : 0;
	return syscall(SYS_swapoff, SWAP_FILE) ? errno : 0;
}

static void swap_expect(const char *cgroup, enum swap_op op, uid_t uid, int want)
{
	struct swap_arg a = {op, uid};
	int got = in_cgroup(cgroup, swap_do, &a);

	if (got != want)
		VM_FAIL("%s from %s as uid %u: %d (%s), expected %s",
			op == SWAP_ON ? "swapon" : "swapoff", cgroup ? cgroup : "no policy",
			(unsigned)uid, got, result_text(got), result_text(want));
}

/*
 * Swap: a swap file of the task's own (the kernel then writes every process's memory into a
 * file the task reads), and swapoff of the host's swap (its memory taken away). Refused to a
 * confined root in both modes and opted in; uid 1000 has no route (CAP_SYS_ADMIN); unconfined,
 * the kernel swaps. The swap file lives on the RAM disk's ext2, mounted by the suite.
 */
VM_TEST(hardware_swap_is_refused, 221)
{
	const char *const cgroups[] = {HW, HW_AUDIT, HW_OPTIN};
	long mark;

	hw_setup();
	VM_CHECK(mkdir(SWAP_MNT, 0755) == 0 || errno == EEXIST);
	VM_CHECK(system("busybox mke2fs " RAMDISK " >/dev/null 2>&1") == 0);
	VM_CHECK(mount(RAMDISK, SWAP_MNT, "ext4", 0, NULL) == 0);
	VM_CHECK(system("dd if=/dev/zero of=" SWAP_FILE " bs=4096 count=64 2>/dev/null && "
			"chmod 0600 " SWAP_FILE " && busybox mkswap " SWAP_FILE " >/dev/null") == 0);
	mark = event_mark();
	for (size_t c = 0; c < 3; c++) {
		swap_expect(cgroups[c], SWAP_ON, 0, EPERM);
		swap_expect(cgroups[c], SWAP_ON, USER, EPERM); /* the kernel's */
	}
	swap_expect(NULL, SWAP_ON, USER, EPERM);
	swap_expect(NULL, SWAP_ON, 0, 0);
	for (size_t c = 0; c < 3; c++)
		swap_expect(cgroups[c], SWAP_OFF, 0, EPERM);
	swap_expect(NULL, SWAP_OFF, 0, 0);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"capable\"", "\"path\":\"swap (swapon, swapoff)\"",
			   HOST_CONTROL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw-optin\"",
			   "\"hook\":\"capable\"", "\"path\":\"swap (swapon, swapoff)\"",
			   HOST_CONTROL_SOURCE);
	VM_CHECK(vm_umount(SWAP_MNT) == 0);
}

/* ---- disk quotas ---- */

#define QUOTA_MNT "/tmp/hw-quota-disk"
#define QUOTA_FILE QUOTA_MNT "/aquota.user"

enum quota_op {
	QUOTA_ON,	/* Q_QUOTAON of users' quotas from QUOTA_FILE */
	QUOTA_SET,	/* Q_SETQUOTA: uid 1000's block limits to 1 */
	QUOTA_GET,	/* Q_GETQUOTA of uid 1000 */
	QUOTA_OP_COUNT,
};

static const char *const quota_names[QUOTA_OP_COUNT] = {"Q_QUOTAON", "Q_SETQUOTA", "Q_GETQUOTA"};

struct quota_arg {
	enum quota_op op;
	uid_t uid;
};

static int quota_do(const void *data)
{
	const struct quota_arg *a = data;
	struct dqblk dq = {.dqb_bhardlimit = 1, .dqb_bsoftlimit = 1, .dqb_valid = QIF_BLIMITS};

	if (a->uid && (setgid(a->uid) || setuid(a->uid)))
		return 200;
	switch (a->op) {
	case QUOTA_ON:
		return quotactl(QCMD(Q_QUOTAON, USRQUOTA), RAMDISK, QFMT_VFS_V0,
				(caddr_t)QUOTA_FILE) ? errno : 0;
	case QUOTA_SET:
		return quotactl(QCMD(Q_SETQUOTA, USRQUOTA), RAMDISK, USER, (caddr_t)&dq) ? errno : 0;
	default:
		return quotactl(QCMD(Q_GETQUOTA, USRQUOTA), RAMDISK, USER, (caddr_t)&dq) ? errno : 0;
	}
}

static int quota_try(const char *cgroup, enum quota_op op, uid_t uid)
{
	struct quota_arg a = {op, uid};

	return in_cgroup(cgroup, quota_do, &a);
}

/*
 * Disk quotas: switched on from a file the kernel then writes, a user's limits set to nothing.
 * Changing them is a kernel setting: refused in enforce mode, logged in audit mode, allowed with
 * kernel-settings = allow (the kernel's own answer then, as unconfined); reading them is the
 * kernel's everywhere. uid 1000: the kernel's EPERM (CAP_SYS_ADMIN), no event.
 */
VM_TEST(hardware_quotas_are_kernel_settings, 222)
{
	int kernel[QUOTA_OP_COUNT];
	long mark;

	hw_setup();
	VM_CHECK(mkdir(QUOTA_MNT, 0755) == 0 || errno == EEXIST);
	VM_CHECK(system("busybox mke2fs " RAMDISK " >/dev/null 2>&1") == 0);
	VM_CHECK(mount(RAMDISK, QUOTA_MNT, "ext4", 0, "usrquota") == 0);
	write_file(QUOTA_FILE, "", 0600);
	/* What the kernel answers on its own: ESRCH in the test VM (no quota format module; the
	 * quota file is empty), never EPERM. */
	for (int op = 0; op < QUOTA_OP_COUNT; op++) {
		kernel[op] = quota_try(NULL, op, 0);
		printf("# %s unconfined: %d (%s)\n", quota_names[op], kernel[op],
		       result_text(kernel[op]));
		VM_CHECK(kernel[op] != EPERM && kernel[op] < 100);
	}
	mark = event_mark();
	for (int op = 0; op < QUOTA_OP_COUNT; op++) {
		int want = op == QUOTA_GET ? kernel[op] : EPERM, got;

		if ((got = quota_try(HW, op, 0)) != want)
			VM_FAIL("%s from %s: %d, expected %d", quota_names[op], HW, got, want);
		if ((got = quota_try(HW_AUDIT, op, 0)) != kernel[op])
			VM_FAIL("%s from %s: %d, expected %d", quota_names[op], HW_AUDIT, got,
				kernel[op]);
		if ((got = quota_try(HW_OPTIN, op, 0)) != kernel[op])
			VM_FAIL("%s from %s: %d, expected %d", quota_names[op], HW_OPTIN, got,
				kernel[op]);
	}
	VM_CHECK(quota_try(HW, QUOTA_SET, USER) == EPERM); /* the kernel's */
	EXPECT_EVENT_AFTER(mark, "\"event\":\"deny\"", "\"policy\":\"hw\"",
			   "\"hook\":\"quotactl\"", "\"path\":\"disk quotas (quotactl)\"",
			   SYSCTL_SOURCE);
	EXPECT_EVENT_AFTER(mark, "\"event\":\"audit\"", "\"policy\":\"hw-audit\"",
			   "\"hook\":\"quotactl\"", "\"path\":\"disk quotas (quotactl)\"",
			   SYSCTL_SOURCE);
	{
		const char *const user_events[] = {"\"hook\":\"quotactl\"", "\"uid\":1000", NULL};

		/* hw-optin's Q_QUOTAON asks for the format's module, refused on its own (the
		 * module built-in): no quotactl event of it */
		const char *const optin_events[] = {"\"hook\":\"quotactl\"",
						    "\"policy\":\"hw-optin\"", NULL};

		VM_CHECK(!wait_event_after(mark, user_events, 300));
		VM_CHECK(!wait_event_after(mark, optin_events, 300));
	}
	VM_CHECK(vm_umount(QUOTA_MNT) == 0);
}
