// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw hardware, disks, the clock and the kernel log (issue 12, attack run 4 findings 12 and 14):
 * what a confined task reaches past every path rule. Three policies allow every file, program
 * and address, so that only the built-ins stand in the way: hw (enforce), hw-audit (audit) and
 * hw-optin (enforce, [system] clock = allow and raw-disks = allow). Each route is tried as root
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timex.h>
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
static const char hw_policy[] = "[policy]\nname = hw\ncgroup = " HW "\nmode = enforce\n" HW_RULES;
static const char hw_audit_policy[] =
    "[policy]\nname = hw-audit\ncgroup = " HW_AUDIT "\nmode = audit\n" HW_RULES;
static const char hw_optin_policy[] =
    "[policy]\nname = hw-optin\ncgroup = " HW_OPTIN "\nmode = enforce\n" HW_RULES
    "[system]\nclock = allow\nraw-disks = allow\nkernel-settings = allow\nmodule-autoload = allow\n";

#define LOCKDOWN_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot reach raw hardware or kernel memory (what " \
	"the kernel's lockdown refuses: I/O ports, PCI, MSRs, /dev/mem, ACPI tables, kprobes, "    \
	"kcore...)\""
#define RAW_DISK_SOURCE                                                                            \
	"\"source\":\"built-in: a confined task cannot reach a disk past its files (block "        \
	"devices, SCSI generic, SG_IO, NVMe passthrough, configfs targets) unless its policy "     \
	"says [system] raw-disks = allow\""
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
	VM_CHECK(count_events_after(mark, "\"policy\":\"hw-optin\"") == 0);
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
	VM_CHECK(count_events_after(mark, "\"policy\":\"hw-optin\"") == 0);
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
	fd = open(a->path, (a->op == DISK_OPEN ? O_RDWR : O_RDONLY) | O_CLOEXEC);
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
	struct disk_arg a = {op, uid, path};
	int got = in_cgroup(cgroup, disk_do, &a);

	if (got != want)
		VM_FAIL("%s on %s from %s as uid %u: %d (%s), expected %s", what, path,
			cgroup ? cgroup : "no policy", (unsigned)uid, got, result_text(got),
			result_text(want));
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
		disk_expect(confined[c], DISK_IDENTIFY, 0, NVME_CTRL, EPERM, "identify");
		disk_expect(confined[c], DISK_READ, 0, NVME_GENERIC, EPERM, "read");
		disk_expect(confined[c], DISK_URING, 0, NVME_GENERIC, EPERM, "io_uring read");
		disk_expect(confined[c], DISK_SG_IO, 0, NVME_GENERIC, EPERM, "SG_IO");
		disk_expect(confined[c], DISK_OPEN, 0, SG_NODE, EPERM, "opening sg");
		disk_expect(confined[c], DISK_READ, USER, USER_NG, EPERM, "read");
		disk_expect(confined[c], DISK_URING, USER, USER_NG, EPERM, "io_uring read");
		/* Opening the nodes is the rules' (the commands are refused). */
		disk_expect(confined[c], DISK_OPEN, 0, NVME_GENERIC, 0, "opening");
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
	VM_CHECK(count_events_after(mark, "\"policy\":\"hw-optin\"") == 0);
	VM_CHECK(unlink(USER_NG) == 0);
	VM_CHECK(unlink(SG_NODE) == 0);
}

/* ---- what stops or watches the whole host ---- */

#define HC_FILE "/tmp/hw-hc-file"
#define HC_MODPROBE "/tmp/hw-modprobe"    /* kernel.modprobe's stand-in, under no policy */
#define HC_RAN "/tmp/hw-modprobe-ran"     /* what it was asked for */
#define HOST_CONTROL_SOURCE                                                                        \
	"\"source\":\"built-in: a confined task cannot reboot the host, account every process, "   \
	"freeze or shut down a filesystem, nor watch a whole filesystem or hold other processes' " \
	"opens (fanotify)\""
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
	    "lg_file_open"};
	const char *const argv[] = {LSMGUARD, "status", "--json", NULL};
	static char out[262144];

	VM_CHECK(run_command(argv, out, sizeof(out)) == 0);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		unsigned long verified = program_verified(out, programs[i]);

		/* The eight without a path walk: a few thousand each (2,000-5,600 on 6.1), where
		 * the programs that walk a path process 50,000-100,000. */
		if (i < 8 && verified > 10000)
			VM_FAIL("%s: %lu instructions processed, expected a few thousand",
				programs[i], verified);
	}
}
