// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's reading of the host's device numbers (enforcer/devices.c): /proc/devices'
 * character majors and /proc/misc's minors whose driver's name lsmguard classifies
 * (LG_DEVICE_CLASSES).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "devices.h"
#include "harness.h"

TEST(devices_classes_by_driver_name)
{
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "watchdog"), LG_BUILTIN_HOST_CONTROL);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "nvme-generic"), LG_BUILTIN_RAW_DISK);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "megaraid_sas_ioctl"), LG_BUILTIN_RAW_DISK);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MISC, "mpt3ctl"), LG_BUILTIN_RAW_DISK);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MISC, "btrfs-control"), LG_BUILTIN_RAW_DISK);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "hidraw"),
		  LG_BUILTIN_TERMINAL | LG_DEVCLASS_WRITE_ONLY);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MISC, "cpu_dma_latency"),
		  LG_BUILTIN_KERNEL_SETTING | LG_DEVCLASS_WRITE_ONLY);
	/* A name is classified only in its own table, and whole. */
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MISC, "hidraw"), 0);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "cpu_dma_latency"), 0);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "watchdog0"), 0);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "nvme-"), 0);
	CHECK_INT(lg_device_class_of(LG_DEVCLASS_MAJOR, "mem"), 0);
}

struct found {
	struct lg_device_number numbers[16];
	int count;
};

static int record(const struct lg_device_number *number, void *arg)
{
	struct found *found = arg;

	if (found->count < 16)
		found->numbers[found->count++] = *number;
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

TEST(devices_scan_reads_character_majors_and_misc_minors)
{
	char dir[] = "/tmp/lg-devices.XXXXXX", devices[64], misc[64], consoles[64], err[256] = "";
	struct found found = {0};

	CHECK(mkdtemp(dir) != NULL);
	snprintf(devices, sizeof(devices), "%s/devices", dir);
	snprintf(misc, sizeof(misc), "%s/misc", dir);
	snprintf(consoles, sizeof(consoles), "%s/consoles", dir);
	/* A serial console, a virtual terminal, a console with no tty (netconsole). */
	write_text(consoles, "ttyS0                -W- (EC p a)    4:64\ntty0                 -WU (E  p  )    4:7\n"
			     "netcon0              -W- (E     )\n");
	/* As 6.1 prints them: block majors share the numbers and some names ("sg" is not one,
	 * but a block driver named like a character one must not count). */
	write_text(devices, "Character devices:\n  1 mem\n 10 misc\n 21 sg\n245 hidraw\n"
			    "247 watchdog\n248 nvme-generic\n250 /dev/vc/0\n\nBlock devices:\n"
			    "  7 loop\n252 watchdog\n259 blkext\n");
	write_text(misc, "130 watchdog\n 61 cpu_dma_latency\n183 hw_random\n236 device-mapper\n");
	CHECK_INT(lg_devices_scan(devices, misc, consoles, record, &found, err, sizeof(err)), 0);
	CHECK_INT(found.count, 8);
	CHECK_INT(found.numbers[0].kind, LG_DEVCLASS_MAJOR);
	CHECK_INT(found.numbers[0].number, 21);
	CHECK_INT(found.numbers[0].value, LG_BUILTIN_RAW_DISK);
	CHECK_INT(found.numbers[1].number, 245);
	CHECK_INT(found.numbers[1].value, LG_BUILTIN_TERMINAL | LG_DEVCLASS_WRITE_ONLY);
	CHECK_INT(found.numbers[2].number, 247);
	CHECK_INT(found.numbers[3].number, 248);
	CHECK_INT(found.numbers[4].kind, LG_DEVCLASS_MISC);
	CHECK_INT(found.numbers[4].number, 130);
	CHECK_INT(found.numbers[4].value, LG_BUILTIN_HOST_CONTROL);
	CHECK_INT(found.numbers[5].number, 61);
	CHECK_INT(found.numbers[5].value, LG_BUILTIN_KERNEL_SETTING | LG_DEVCLASS_WRITE_ONLY);
	CHECK_INT(found.numbers[6].kind, LG_DEVCLASS_CONSOLE);
	CHECK_INT(found.numbers[6].number, LG_KERNEL_DEV(4, 64));
	CHECK_INT(found.numbers[6].value, LG_BUILTIN_TERMINAL);
	CHECK_INT(found.numbers[7].number, LG_KERNEL_DEV(4, 7));
	CHECK_INT(lg_device_class_of_number(devices, misc, consoles, 4, 64), LG_BUILTIN_TERMINAL);
	CHECK_INT(lg_device_class_of_number(devices, misc, consoles, 4, 65), 0);
	CHECK_INT(lg_device_class_of_number(devices, misc, consoles, 247, 3),
		  LG_BUILTIN_HOST_CONTROL);
	CHECK_INT(lg_device_class_of_number(devices, misc, consoles, 10, 61),
		  LG_BUILTIN_KERNEL_SETTING | LG_DEVCLASS_WRITE_ONLY);

	/* A file that cannot be read is an error naming it. */
	unlink(misc);
	CHECK_INT(lg_devices_scan(devices, misc, consoles, record, &found, err, sizeof(err)),
		  -ENOENT);
	CHECK(strstr(err, misc) != NULL && strstr(err, "No such file") != NULL);
	unlink(devices);
	unlink(consoles);
	rmdir(dir);
}
