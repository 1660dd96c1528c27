// SPDX-License-Identifier: GPL-2.0-only
/*
 * Character devices known by their driver's name (LG_DEVICE_CLASSES, lsmguard_abi.h): a driver
 * that registers with a dynamic major (a watchdog, IPMI, UIO, VFIO, bsg, NVMe's character
 * devices, hidraw) or a dynamic misc minor (cpu_dma_latency) gets a number that only its name
 * identifies, and file_open sees only the number (the driver's open has not run yet). Every
 * registration passes one of four exported functions, traced here on their way out: a name
 * lsmguard classifies records its class at the number it got (lg_dev_majors, lg_dev_numbers in
 * devices.bpf.h), before any node of it can be opened. A major handed out free by the kernel, or
 * a misc minor, that another driver registers has its class cleared (a number reused after an
 * unload). What was registered before the programs were loaded the daemon reads from
 * /proc/devices and /proc/misc (enforcer/devices.c).
 */
#include "devices.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Whether name (read from the kernel, NUL-padded) is the literal lit of size n (its NUL too). */
static __always_inline bool lg_name_is(const char *name, const char *lit, int n)
{
	if (n > LG_DEVCLASS_NAME_MAX)
		return false;
	for (int i = 0; i < n; i++)
		if (name[i] != lit[i])
			return false;
	return true;
}

/* The class of a driver's name (a built-in with LG_DEVCLASS_WRITE_ONLY), 0 for none. */
static __always_inline __u32 lg_name_class(int kind, const char *kname)
{
	char name[LG_DEVCLASS_NAME_MAX] = {};

	if (!kname || bpf_probe_read_kernel_str(name, sizeof(name), kname) <= 0)
		return 0;
#define LG_NAME_CLASS(k, n, builtin, write_only)                                                    \
	if (kind == (k) && lg_name_is(name, n, sizeof(n)))                                        \
		return (builtin) | (write_only);
	LG_DEVICE_CLASSES(LG_NAME_CLASS)
#undef LG_NAME_CLASS
	return 0;
}

static __always_inline void lg_classify_major(__u32 major, const char *kname, bool fresh)
{
	__u32 class = lg_name_class(LG_DEVCLASS_MAJOR, kname);

	/* A static major shared by several drivers keeps what a classified one recorded. */
	if (major < LG_CHRDEV_MAJORS && (class || fresh))
		bpf_map_update_elem(&lg_dev_majors, &major, &class, BPF_ANY);
}

/* alloc_chrdev_region: a free major, chosen by the kernel, in *dev. */
SEC("fexit/alloc_chrdev_region")
int BPF_PROG(lg_dev_alloc_region, dev_t *dev, unsigned int baseminor, unsigned int count,
	     const char *name, int ret)
{
	dev_t got = 0;

	if (ret || bpf_probe_read_kernel(&got, sizeof(got), dev))
		return 0;
	lg_classify_major(got >> 20, name, true);
	return 0;
}

/* register_chrdev_region: the majors from's range spans (fixed numbers). */
SEC("fexit/register_chrdev_region")
int BPF_PROG(lg_dev_register_region, dev_t from, unsigned int count, const char *name, int ret)
{
	__u32 first = from >> 20, last = ((__u64)from + (count ? count - 1 : 0)) >> 20;

	if (ret)
		return 0;
	for (int i = 0; i < 4 && first + i <= last; i++)
		lg_classify_major(first + i, name, false);
	return 0;
}

/* __register_chrdev (register_chrdev): major 0 asks for a free one, returned. */
SEC("fexit/__register_chrdev")
int BPF_PROG(lg_dev_register, unsigned int major, unsigned int baseminor, unsigned int count,
	     const char *name, const struct file_operations *fops, int ret)
{
	if (ret < 0)
		return 0;
	lg_classify_major(major ? major : (__u32)ret, name, !major);
	return 0;
}

/* misc_register: the minor (fixed or dynamic) in misc->minor. */
SEC("fexit/misc_register")
int BPF_PROG(lg_dev_misc_register, struct miscdevice *misc, int ret)
{
	__u32 key, class;

	if (ret)
		return 0;
	key = LG_KERNEL_DEV(LG_MISC_MAJOR, BPF_CORE_READ(misc, minor));
	class = lg_name_class(LG_DEVCLASS_MISC, BPF_CORE_READ(misc, name));
	if (class)
		bpf_map_update_elem(&lg_dev_numbers, &key, &class, BPF_ANY);
	else
		bpf_map_delete_elem(&lg_dev_numbers, &key);
	return 0;
}
