/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Character devices known by their driver's name (LG_DEVICE_CLASSES, lsmguard_abi.h): the
 * numbers the host's drivers registered before lsmguard's programs were loaded. Those loaded
 * classify every later registration themselves (bpf_lsm/devices.bpf.c).
 */
#ifndef LSMGUARD_DEVICES_H
#define LSMGUARD_DEVICES_H

#include <stddef.h>
#include "lsmguard_abi.h"

/* The class of a driver's name (a built-in, with LG_DEVCLASS_WRITE_ONLY), 0 for none. */
__u32 lg_device_class_of(int kind, const char *name);

/* A classified device number: kind LG_DEVCLASS_MAJOR (number = a major), LG_DEVCLASS_MISC
 * (number = a minor of the misc major) or LG_DEVCLASS_CONSOLE (number = the kernel's device
 * number, LG_KERNEL_DEV, of a console's tty). */
struct lg_device_number {
	int kind;
	unsigned int number;
	__u32 value;
};

/*
 * Reads devices (/proc/devices: only its "Character devices:" part) and misc (/proc/misc) and
 * calls found for each line whose name is classified, then consoles (/proc/consoles: each
 * console's tty, as LG_BUILTIN_TERMINAL); a non-zero return from found stops the scan and is
 * returned. Returns 0, or -errno with err naming the file.
 */
int lg_devices_scan(const char *devices, const char *misc, const char *consoles,
		    int (*found)(const struct lg_device_number *number, void *arg), void *arg,
		    char *err, size_t errsize);

/*
 * The class of the character device major:minor on this host (what the kernel's tables hold
 * for it), read from the files as lg_devices_scan does; 0 for none or when unreadable.
 */
__u32 lg_device_class_of_number(const char *devices, const char *misc, const char *consoles,
				unsigned int major, unsigned int minor);

#endif /* LSMGUARD_DEVICES_H */
