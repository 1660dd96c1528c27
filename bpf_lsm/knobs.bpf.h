/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel settings that make the kernel run a program or load code (issue 12, class 3): a
 * protection for every confined task, in every mode, whatever its [files] rules allow. Each is
 * recognised by what it is, never by a path a mount could move:
 *
 *  - sysctls (any procfs mount, any name it is reached by): the proc inode's sysctl table
 *    entry, whose data pointer is compared with the kernel variable it sets (addresses from
 *    kallsyms, resolved by libbpf at load; a variable this kernel lacks resolves to 0 and
 *    matches nothing):
 *      kernel.core_pattern      "|program": run as root by the kernel at the next crash
 *      kernel.core_pipe_limit, fs.suid_dumpable   how and whether set-id processes dump into it
 *      kernel.modprobe          run as root by every module autoload
 *      kernel.poweroff_cmd      run by orderly_poweroff()
 *      kernel.hotplug           run for every uevent (CONFIG_UEVENT_HELPER kernels)
 *      kernel.usermodehelper.bset, .inheritable   capabilities of every helper above
 *                               (their data is a tag, so they are known by their handler)
 *  - binfmt_misc (any mount: the filesystem's magic): `register` installs an interpreter the
 *    kernel runs for matching files (with the C flag, with the file's set-id credentials);
 *    `status` and each entry's file switch them on and off.
 *  - sysfs attributes (any sysfs mount: the kernfs node and its parents' names, fixed by the
 *    kernel): /sys/kernel/uevent_helper (kernel.hotplug's twin),
 *    /sys/module/firmware_class/parameters/path (firmware, code for devices, loaded from
 *    there), /sys/power/resume and resume_offset (resuming a hibernation image is booting it).
 */
#ifndef LSMGUARD_KNOBS_BPF_H
#define LSMGUARD_KNOBS_BPF_H

#include "common.bpf.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define BINFMTFS_MAGIC 0x42494e4d

extern const void core_pattern __ksym __weak;
extern const void core_pipe_limit __ksym __weak;
extern const void suid_dumpable __ksym __weak;
extern const void modprobe_path __ksym __weak;
extern const void poweroff_cmd __ksym __weak;
extern const void uevent_helper __ksym __weak;
/* kernel.usermodehelper.{bset,inheritable}: their data is a tag (1, 2), their handler this. */
extern const void proc_cap_handler __ksym __weak;

/* 6.1's kernfs_node (later kernels renamed parent to __parent). */
struct kernfs_node___lg {
	struct kernfs_node___lg *parent;
	const char *name;
} __attribute__((preserve_access_index));

static __always_inline bool lg_knob_sysctl(struct inode *inode)
{
	struct proc_inode *pi = (void *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode);
	const struct ctl_table *entry = BPF_CORE_READ(pi, sysctl_entry);
	const void *data, *handler;

	if (!entry)
		return false;
	data = BPF_CORE_READ(entry, data);
	handler = BPF_CORE_READ(entry, proc_handler);
	if (handler && handler == &proc_cap_handler)
		return true;
	if (!data)
		return false;
	return data == &core_pattern || data == &core_pipe_limit || data == &suid_dumpable ||
	       data == &modprobe_path || data == &poweroff_cmd || data == &uevent_helper;
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
	struct kernfs_node___lg *kn = inode->i_private, *parent, *grand, *great;
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
	/* /sys/module/firmware_class/parameters/path */
	if (!lg_knob_name_is(name, "path", 5) || !lg_knob_name_is(pname, "parameters", 11))
		return false;
	lg_kn_name(grand, gname);
	return lg_knob_name_is(gname, "firmware_class", 15);
}

/* Whether opening file for writing would change a setting listed above. */
static __always_inline bool lg_is_code_knob(struct file *file)
{
	struct inode *inode = file->f_inode;
	unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);

	if (magic == BINFMTFS_MAGIC)
		return true;
	if (magic == PROC_SUPER_MAGIC)
		return lg_knob_sysctl(inode);
	if (magic == SYSFS_MAGIC)
		return lg_knob_sysfs(inode);
	return false;
}

#endif /* LSMGUARD_KNOBS_BPF_H */
