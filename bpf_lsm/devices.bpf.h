/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LSMGUARD_DEVICES_BPF_H
#define LSMGUARD_DEVICES_BPF_H

#include "common.bpf.h"

/*
 * Character devices known by their driver's name (LG_DEVICE_CLASSES): the class of each major
 * (lg_dev_majors) and of each misc device and console by number (lg_dev_numbers), written by
 * the kernel as drivers register (devices.bpf.c) and by the daemon at load for those registered
 * before and for the consoles.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LG_CHRDEV_MAJORS);
	__type(key, __u32);
	__type(value, __u32);
} lg_dev_majors __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} lg_dev_numbers __weak SEC(".maps");

/* The built-in of opening the character device rdev (for writing when write), 0 for none. */
static __always_inline int lg_device_class(__u32 rdev, bool write)
{
	__u32 major = rdev >> 20, class = 0, *value;

	value = bpf_map_lookup_elem(&lg_dev_majors, &major);
	if (value)
		class = *value;
	if (!class) {
		value = bpf_map_lookup_elem(&lg_dev_numbers, &rdev);
		if (value)
			class = *value;
	}
	if (!class || ((class & LG_DEVCLASS_WRITE_ONLY) && !write))
		return 0;
	return class & 0xff;
}

#endif /* LSMGUARD_DEVICES_BPF_H */
