// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "devices.h"

/* The kernel's side reads names into LG_DEVCLASS_NAME_MAX bytes: every name must fit whole. */
#define NAME_FITS(k, n, builtin, write_only)                                                       \
	_Static_assert(sizeof(n) <= LG_DEVCLASS_NAME_MAX, "device class name too long: " n);
LG_DEVICE_CLASSES(NAME_FITS)
#undef NAME_FITS

__u32 lg_device_class_of(int kind, const char *name)
{
#define CLASS_OF(k, n, builtin, write_only)                                                        \
	if (kind == (k) && strcmp(name, (n)) == 0)                                                \
		return (builtin) | (write_only);
	LG_DEVICE_CLASSES(CLASS_OF)
#undef CLASS_OF
	return 0;
}

/* One "NUMBER NAME" line of either file; 0 when it is not one (a heading, a blank line). */
static int parse_line(const char *line, unsigned int *number, char *name, size_t size)
{
	char fmt[32];

	snprintf(fmt, sizeof(fmt), " %%u %%%zus", size - 1);
	return sscanf(line, fmt, number, name) == 2;
}

/* fopen for reading, or NULL with *ret = -errno and err naming path. */
static FILE *open_table(const char *path, int *ret, char *err, size_t errsize)
{
	FILE *f = fopen(path, "re");

	*ret = f ? 0 : -errno;
	if (!f)
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
	return f;
}

static int scan_file(const char *path, int kind, bool whole,
		     int (*found)(const struct lg_device_number *, void *), void *arg, char *err,
		     size_t errsize)
{
	bool in_char = whole;
	char line[256];
	int ret = 0;
	FILE *f;

	f = open_table(path, &ret, err, errsize);
	if (!f)
		return ret;
	while (!ret && fgets(line, sizeof(line), f)) {
		struct lg_device_number number = {.kind = kind};
		char name[64];

		if (!whole) {
			/* /proc/devices: "Character devices:", then "Block devices:". */
			if (strncmp(line, "Character devices:", 18) == 0) {
				in_char = true;
				continue;
			}
			if (strncmp(line, "Block devices:", 14) == 0) {
				in_char = false;
				continue;
			}
		}
		if (!in_char || !parse_line(line, &number.number, name, sizeof(name)))
			continue;
		number.value = lg_device_class_of(kind, name);
		if (number.value)
			ret = found(&number, arg);
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(EIO));
	}
	fclose(f);
	return ret;
}

/*
 * /proc/consoles: "NAME FLAGS (MORE) MAJOR:MINOR" a line, the number last (a console without a
 * tty, such as netconsole, has none).
 */
static int scan_consoles(const char *path, int (*found)(const struct lg_device_number *, void *),
			 void *arg, char *err, size_t errsize)
{
	char line[256];
	int ret = 0;
	FILE *f;

	f = open_table(path, &ret, err, errsize);
	if (!f)
		return ret;
	while (!ret && fgets(line, sizeof(line), f)) {
		struct lg_device_number number = {.kind = LG_DEVCLASS_CONSOLE,
						  .value = LG_BUILTIN_TERMINAL};
		unsigned int major, minor;
		char *last;

		line[strcspn(line, "\n")] = '\0';
		last = strrchr(line, ' ');
		if (!last || sscanf(last + 1, "%u:%u", &major, &minor) != 2 || major >= 4096 ||
		    minor >= (1u << 20))
			continue;
		number.number = LG_KERNEL_DEV(major, minor);
		ret = found(&number, arg);
	}
	fclose(f);
	return ret;
}

int lg_devices_scan(const char *devices, const char *misc, const char *consoles,
		    int (*found)(const struct lg_device_number *number, void *arg), void *arg,
		    char *err, size_t errsize)
{
	int ret = scan_file(devices, LG_DEVCLASS_MAJOR, false, found, arg, err, errsize);

	if (!ret)
		ret = scan_file(misc, LG_DEVCLASS_MISC, true, found, arg, err, errsize);
	if (!ret)
		ret = scan_consoles(consoles, found, arg, err, errsize);
	return ret;
}

struct wanted {
	unsigned int major, minor;
	__u32 value;
};

static int match_number(const struct lg_device_number *number, void *arg)
{
	struct wanted *wanted = arg;

	if ((number->kind == LG_DEVCLASS_MAJOR && number->number == wanted->major) ||
	    (number->kind == LG_DEVCLASS_MISC && wanted->major == LG_MISC_MAJOR &&
	     number->number == wanted->minor) ||
	    (number->kind == LG_DEVCLASS_CONSOLE &&
	     number->number == LG_KERNEL_DEV(wanted->major, wanted->minor))) {
		wanted->value = number->value;
		return 1;
	}
	return 0;
}

__u32 lg_device_class_of_number(const char *devices, const char *misc, const char *consoles,
				unsigned int major, unsigned int minor)
{
	struct wanted wanted = {major, minor, 0};
	char err[256];

	lg_devices_scan(devices, misc, consoles, match_number, &wanted, err, sizeof(err));
	return wanted.value;
}
