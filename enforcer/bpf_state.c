// SPDX-License-Identifier: GPL-2.0-only
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_state.h"
#include "linkcap.h"
#include "host.h"
#include "devices.h"
#include "lsmguard.skel.h"
#include "lsmguard_abi.h"

const char *const lg_map_names[LG_MAP_COUNT] = {
	[LG_MAP_POLICIES] = "lg_policies",
	[LG_MAP_CGROUP_POLICY] = "lg_cgroup_policy",
	[LG_MAP_CGROUP_PATHS] = "lg_cgroup_paths",
	[LG_MAP_PATHS] = "lg_paths",
	[LG_MAP_NETS] = "lg_nets",
	[LG_MAP_MOUNTS] = "lg_mounts",
	[LG_MAP_CONFIG] = "lg_config_map",
	[LG_MAP_COUNTERS] = "lg_counters",
	[LG_MAP_EVENTS] = "lg_events",
	[LG_MAP_LINKS] = "lg_links",
	[LG_MAP_RATE] = "lg_rate",
	[LG_MAP_EPOCHS] = "lg_epochs",
	[LG_MAP_LOST] = "lg_lost",
	[LG_MAP_DENY_FILTER] = "lg_deny_filter",
	[LG_MAP_HELD] = "lg_held",
	[LG_MAP_MOUNT_DETACHED] = "lg_mount_detached",
};

/*
 * Every program of the BPF object, one line each, in the order they are attached (each is
 * pinned as a link of its name). The build checks this list against the skeleton: a program of
 * bpf_lsm/ left out (the counts differ), listed twice (a duplicate member of struct
 * program_list) or misspelt (no such field in skel->progs) does not compile. The LSM hooks come
 * first: they decide nothing until the policies are applied.
 */
#define LG_PROGRAMS(X)                                                                            \
	X(lg_file_open)                                                                           \
	X(lg_file_budget) /* a new file: the host's budget (fs.file-max) */                       \
	X(lg_bprm_check)                                                                          \
	X(lg_mmap_file)                                                                           \
	X(lg_file_mprotect)                                                                       \
	X(lg_socket_connect)                                                                      \
	X(lg_socket_sendmsg)                                                                      \
	X(lg_socket_create)                                                                       \
	X(lg_socket_setsockopt)                                                                   \
	X(lg_socket_bind)                                                                         \
	X(lg_socket_listen)                                                                       \
	X(lg_sctp_bind_connect)                                                                   \
	/* System V IPC and keys: the makers recorded, then decided (ipc.bpf.c) */                \
	X(lg_shm_made)                                                                            \
	X(lg_msg_queue_made)                                                                      \
	X(lg_mqueue_made) /* a POSIX message queue: the IPC namespace's budget, its user's bytes */ \
	X(lg_mq_open_reserve) /* mq_open's bytes reserved in its user's pool */                   \
	X(lg_mq_open_end)     /* and given back at its return */                                  \
	X(lg_mq_made_end)     /* or when the queue is charged (mqueue_create_attr) */             \
	X(lg_fds_sent_stream) /* a send's descriptors in flight given back at the family's return */ \
	X(lg_fds_sent_dgram)                                                                      \
	X(lg_fds_sent_seqpacket)                                                                  \
	X(lg_sem_made)                                                                            \
	X(lg_key_made)                                                                            \
	X(lg_key_reservation_end) /* a new key's payload reservation given back */                 \
	X(lg_key_reservation_end32) /* the same for ia32's add_key (IA32_EMULATION) */             \
	X(lg_key_update_end)       /* and at keyctl's return, for KEYCTL_UPDATE */                 \
	X(lg_key_update_end32)                                                                    \
	X(lg_shm_gone)                                                                            \
	X(lg_msg_queue_gone)                                                                      \
	X(lg_sem_gone)                                                                            \
	X(lg_key_gone)                                                                            \
	X(lg_ipc_permission)                                                                      \
	X(lg_shm_shmctl)                                                                          \
	X(lg_msg_queue_msgctl)                                                                    \
	X(lg_sem_semctl)                                                                          \
	X(lg_key_permission)                                                                      \
	X(lg_unix_copy_seen)                                                                      \
	X(lg_path_link)                                                                           \
	X(lg_path_link_record)                                                                    \
	X(lg_path_rename)                                                                         \
	X(lg_path_rename_beneath)                                                                 \
	X(lg_path_rename_record) /* a link record follows its name... */                          \
	X(lg_renamed)            /* ...once the rename is done */                                 \
	X(lg_path_unlink)                                                                         \
	X(lg_inode_freed) /* a freed file's link record goes with it */                            \
	X(lg_path_truncate)                                                                       \
	X(lg_path_mknod)                                                                          \
	X(lg_path_symlink)                                                                        \
	X(lg_path_mkdir)                                                                          \
	X(lg_path_rmdir)                                                                          \
	X(lg_inode_rmdir) /* a name with a mount on it (mounted.bpf.c) */                         \
	X(lg_inode_unlink)                                                                        \
	X(lg_inode_rename)                                                                        \
	X(lg_path_chmod)                                                                          \
	X(lg_path_chown)                                                                          \
	X(lg_inode_setxattr)                                                                      \
	X(lg_inode_removexattr)                                                                   \
	X(lg_inode_setattr)                                                                       \
	X(lg_file_ioctl)                                                                          \
	X(lg_file_ioctl_compat) /* left out where the kernel lacks its hook */                    \
	X(lg_file_receive)                                                                        \
	X(lg_unix_stream_connect)                                                                 \
	X(lg_unix_may_send)                                                                       \
	X(lg_task_alloc)                                                                          \
	X(lg_setup_task_alloc)                                                                    \
	X(lg_setup_exec)                                                                          \
	X(lg_userns_create)                                                                       \
	X(lg_mount_ns_made) /* before the mount hooks: a namespace made unseen is not one's own */ \
	X(lg_mount_ns_put)                                                                        \
	X(lg_sb_mount)                                                                            \
	X(lg_move_mount)                                                                          \
	X(lg_sb_remount)                                                                          \
	X(lg_sb_pivotroot)                                                                        \
	X(lg_fs_context_parse_param)                                                              \
	X(lg_super_freed) /* before the marks: no address outlives its superblock (review 47) */ \
	X(lg_sb_set_mnt_opts)                                                                     \
	X(lg_capable)                                                                             \
	X(lg_bpf)                                                                                 \
	X(lg_kernel_load_data)                                                                    \
	X(lg_kernel_read_file)                                                                    \
	X(lg_ptrace_access_check)                                                                 \
	X(lg_setup_ptrace)                                                                        \
	X(lg_sb_umount)                                                                           \
	X(lg_sb_umount_confine)                                                                   \
	X(lg_bpf_map)                                                                             \
	X(lg_task_kill)                                                                           \
	X(lg_file_send_sigiotask)                                                                 \
	X(lg_perf_event_alloc)                                                                    \
	X(lg_task_setnice)                                                                        \
	X(lg_task_setscheduler)                                                                   \
	X(lg_task_setioprio)                                                                      \
	X(lg_task_setrlimit)                                                                      \
	X(lg_locked_down)                                                                         \
	X(lg_settime)                                                                             \
	X(lg_capable_host)                                                                        \
	X(lg_batch_net_raw) /* CAP_NET_RAW in a sendmmsg batch's later messages */                \
	X(lg_subflow_connect4) /* MPTCP subflows: cgroup programs at the policies' cgroups */     \
	X(lg_subflow_connect6)                                                                    \
	X(lg_capable_keep) /* [capabilities]: after the built-ins, which name what they refuse */ \
	/* [capabilities]: the capability LSM's own checks (securebits: refused, then a backstop) */ \
	X(lg_capset_keep)                                                                         \
	X(lg_securebits_keep)                                                                     \
	X(lg_securebits_checked)                                                                  \
	X(lg_mmap_addr_keep)                                                                      \
	X(lg_aio_reservation_end) /* an io_setup's reserved events given back */                 \
	X(lg_aio_reservation_end32) /* the same for ia32's io_setup (IA32_EMULATION) */           \
	X(lg_nproc_keep)                                                                          \
	X(lg_task_counted) /* a confined fork's reservation given back: counted */                \
	X(lg_task_freed)   /* or failed */                                                        \
	X(lg_syslog)                                                                              \
	X(lg_quotactl)                                                                            \
	X(lg_uring_cmd)                                                                           \
	X(lg_kernel_module_request)                                                               \
	X(lg_crypto_lookup) /* a confined task's crypto names: the crypto manager's thread's modules */ \
	X(lg_key_alloc)                                                                           \
	X(lg_ptmx_opened)                                                                         \
	X(lg_dev_alloc_region)                                                                    \
	X(lg_dev_register_region)                                                                 \
	X(lg_dev_register)                                                                        \
	X(lg_dev_misc_register)                                                                   \
	X(lg_path_notify)                                                                         \
	X(lg_file_fcntl)                                                                          \
	/* Who set each file's owner (file_send_sigiotask reads it), and its end. */             \
	X(lg_sigio_owner_set)                                                                     \
	X(lg_sigio_owner_checked) /* after it: a run it skipped, recorded (fail closed) */       \
	/* The verdict caches' epoch: before the cgroups, so nothing is cached unseen. */         \
	X(lg_name_moving)                                                                         \
	X(lg_name_moved)                                                                          \
	X(lg_name_linked)                                                                         \
	X(lg_name_instantiated)                                                                   \
	X(lg_mount_unhash)                                                                        \
	X(lg_mount_umount_tree)                                                                   \
	X(lg_mount_sb_gone)                                                                       \
	/* The setup window's marks: a task moved into a policy's cgroup by an unconfined task. */ \
	X(lg_setup_attach_enter)                                                                  \
	X(lg_setup_attach_exit)                                                                   \
	X(lg_setup_clone_into)                                                                    \
	/* Last: cgroup binding, once every hook is in place. */                                  \
	X(lg_cgroup_mkdir)                                                                        \
	X(lg_cgroup_rmdir)

#define PROGRAM_MEMBER(prog) char prog;
struct program_list {
	LG_PROGRAMS(PROGRAM_MEMBER)
};
#undef PROGRAM_MEMBER
_Static_assert(sizeof(struct program_list) == sizeof(((struct lsmguard_bpf *)0)->progs) /
						      sizeof(struct bpf_program *),
	       "a program of bpf_lsm/ is not in LG_PROGRAMS (enforcer/bpf_state.c): it would "
	       "never be attached");

#define PROGRAM_NAME(prog) #prog,
const char *const lg_program_names[] = {LG_PROGRAMS(PROGRAM_NAME)};
#undef PROGRAM_NAME
const int lg_program_count = sizeof(lg_program_names) / sizeof(lg_program_names[0]);

/* Whether the kernel's BTF has name of kind (unreadable BTF: assumed, and the load then says
 * what is wrong). */
static bool kernel_has(const char *name, int kind)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool has = !vmlinux || btf__find_by_name_kind(vmlinux, name, kind) >= 0;

	btf__free(vmlinux);
	return has;
}

/*
 * Whether this kernel has what a program that not every supported kernel has needs:
 * lg_file_ioctl_compat's hook came with 6.8 and was backported to 6.1.y; where it is missing,
 * 32-bit ioctls reach file_ioctl, which lg_file_ioctl decides, so the program is left out. The
 * MPTCP subflow programs need MPTCP (CONFIG_MPTCP): without it there are no subflows.
 * lg_key_reservation_end32 and lg_key_update_end32 need ia32's add_key and keyctl entries
 * (CONFIG_IA32_EMULATION; keyctl's is the compat one, __ia32_compat_sys_keyctl): without
 * them no ia32 task makes or updates keys. lg_mq_open_reserve and lg_mq_open_end need
 * do_mq_open out of line (ipc.bpf.c: without them a queue is counted at the most it may ask).
 */
static bool program_has_hook(const char *program)
{
	static int compat_hook = -1, mptcp = -1, ia32 = -1, ia32_keyctl = -1; /* unknown yet */

	if (strcmp(program, "lg_key_reservation_end32") == 0) {
		if (ia32 < 0)
			ia32 = kernel_has("__ia32_sys_add_key", BTF_KIND_FUNC);
		return ia32;
	}
	if (strcmp(program, "lg_aio_reservation_end32") == 0)
		return kernel_has("__ia32_compat_sys_io_setup", BTF_KIND_FUNC);
	if (strcmp(program, "lg_key_update_end32") == 0) {
		if (ia32_keyctl < 0)
			ia32_keyctl = kernel_has("__ia32_compat_sys_keyctl", BTF_KIND_FUNC);
		return ia32_keyctl;
	}

	if (strcmp(program, "lg_mq_open_reserve") == 0 || strcmp(program, "lg_mq_open_end") == 0)
		return kernel_has("do_mq_open", BTF_KIND_FUNC);
	if (strcmp(program, "lg_mq_made_end") == 0)
		return kernel_has("mqueue_create_attr", BTF_KIND_FUNC);
	if (strcmp(program, "lg_file_ioctl_compat") == 0) {
		if (compat_hook < 0)
			compat_hook = kernel_has("bpf_lsm_file_ioctl_compat", BTF_KIND_FUNC);
		return compat_hook;
	}
	if (strncmp(program, "lg_subflow_connect", 18) == 0) {
		if (mptcp < 0)
			mptcp = kernel_has("mptcp_sock", BTF_KIND_STRUCT);
		return mptcp;
	}
	return true;
}

static void pin_path(char *buf, size_t size, const char *pin_dir, const char *kind, const char *name)
{
	snprintf(buf, size, "%s/%s/%s", pin_dir, kind, name);
}

static int make_dirs(const char *pin_dir)
{
	char path[512];

	if (mkdir(pin_dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/maps", pin_dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/links", pin_dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/progs", pin_dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static struct bpf_map *skel_map(struct lsmguard_bpf *skel, enum lg_map_id id)
{
	return bpf_object__find_map_by_name(skel->obj, lg_map_names[id]);
}

/* Whether name is a cgroup connect program: pinned as a program, attached per cgroup. */
static bool is_cgroup_program(const char *name)
{
	return strncmp(name, "lg_subflow_connect", 18) == 0;
}

/*
 * Attach prog (its link in *link, which the skeleton destroys) and pin the link as name. A cgroup
 * connect program is pinned as a program instead (progs/NAME), its id recorded for the kernel's
 * check, and attached at the cgroups bound to a policy by the daemon (connect_attach.c).
 */
static int attach_and_pin(struct bpf_program *prog, struct bpf_link **link, const char *name,
			  const char *pin_dir, int epochs_fd, char *err, size_t errsize)
{
	char path[512];
	int ret;

	if (bpf_program__type(prog) == BPF_PROG_TYPE_CGROUP_SOCK_ADDR) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info), index = LG_EPOCH_CONNECT_PROGRAMS;
		__u64 ids = 0;

		pin_path(path, sizeof(path), pin_dir, "progs", name);
		ret = bpf_program__pin(prog, path);
		if (ret) {
			snprintf(err, errsize, "cannot pin program %s: %s", path, strerror(-ret));
			return ret;
		}
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) ||
		    bpf_map_lookup_elem(epochs_fd, &index, &ids)) {
			ret = -errno;
			snprintf(err, errsize, "cannot record the id of %s: %s", name, strerror(-ret));
			return ret;
		}
		ids |= name[strlen(name) - 1] == '6' ? (__u64)info.id << 32 : info.id;
		if (bpf_map_update_elem(epochs_fd, &index, &ids, BPF_ANY)) {
			ret = -errno;
			snprintf(err, errsize, "cannot record the id of %s: %s", name, strerror(-ret));
			return ret;
		}
		return 0;
	}
	*link = bpf_program__attach(prog);
	if (!*link) {
		ret = -errno;
		snprintf(err, errsize, "cannot attach %s: %s", name, strerror(-ret));
		return ret;
	}
	pin_path(path, sizeof(path), pin_dir, "links", name);
	ret = bpf_link__pin(*link, path);
	if (ret)
		snprintf(err, errsize, "cannot pin link %s: %s", path, strerror(-ret));
	return ret;
}

/*
 * Attach and pin each program, through the skeleton's typed fields, in the order of
 * LG_PROGRAMS. Once its link is pinned, a program stays attached whatever happens to this
 * process.
 */
static int attach_programs(struct lsmguard_bpf *skel, const char *pin_dir, int epochs_fd,
			   char *err, size_t errsize)
{
	int ret;

#define PROGRAM_ATTACH(prog)                                                                      \
	ret = bpf_program__autoload(skel->progs.prog)                                             \
		      ? attach_and_pin(skel->progs.prog, &skel->links.prog, #prog, pin_dir,       \
				       epochs_fd, err, errsize)                                   \
		      : 0;                                                                        \
	if (ret)                                                                                  \
		return ret;
	LG_PROGRAMS(PROGRAM_ATTACH)
#undef PROGRAM_ATTACH
	return 0;
}

struct device_maps {
	int majors, numbers;
};

static int record_device(const struct lg_device_number *number, void *arg)
{
	const struct device_maps *maps = arg;
	__u32 key = number->number, value = number->value;

	if (number->kind == LG_DEVCLASS_MAJOR && key >= LG_CHRDEV_MAJORS)
		return 0;
	if (number->kind == LG_DEVCLASS_MISC)
		key = LG_KERNEL_DEV(LG_MISC_MAJOR, key);
	if (bpf_map_update_elem(number->kind == LG_DEVCLASS_MAJOR ? maps->majors : maps->numbers,
				&key, &value, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * Kernel variables the programs read where the kernel keeps them (6.1's BTF has no record of
 * them), found in one reading of /proc/kallsyms; where it does not show one, the programs use
 * the value in force at the load (vm.mmap_min_addr, the key quota) or keep no budget (ptys,
 * AIO): capabilities.bpf.c's vm.mmap_min_addr and AIO events, ipc.bpf.c's ordinary key quota
 * (kernel.keys.maxkeys, maxbytes), files.bpf.c's ptys.
 */
static void set_kernel_variables(struct lsmguard_bpf *skel)
{
	unsigned long long at[LG_KV_COUNT];
	int cpus = libbpf_num_possible_cpus();

	if (lg_kallsyms_addresses("/proc/kallsyms", lg_kernel_variable_names, at, LG_KV_COUNT))
		memset(at, 0, sizeof(at));
	skel->rodata->lg_mmap_min_addr_at = at[LG_KV_MMAP_MIN_ADDR];
	skel->rodata->lg_key_maxkeys_at = at[LG_KV_KEY_MAXKEYS];
	skel->rodata->lg_key_maxbytes_at = at[LG_KV_KEY_MAXBYTES];
	skel->rodata->lg_pty_count_at = at[LG_KV_PTY_COUNT];
	skel->rodata->lg_pty_limit_at = at[LG_KV_PTY_LIMIT];
	skel->rodata->lg_pty_reserve_at = at[LG_KV_PTY_RESERVE];
	skel->rodata->lg_aio_nr_at = at[LG_KV_AIO_NR];
	skel->rodata->lg_aio_max_nr_at = at[LG_KV_AIO_MAX_NR];
	skel->rodata->lg_key_user_tree_at = at[LG_KV_KEY_USER_TREE];
	skel->rodata->lg_nr_threads_at = at[LG_KV_NR_THREADS];
	skel->rodata->lg_max_threads_at = at[LG_KV_MAX_THREADS];
	skel->rodata->lg_nr_files_at = at[LG_KV_NR_FILES];
	skel->rodata->lg_files_stat_at = at[LG_KV_FILES_STAT];
	skel->rodata->lg_possible_cpus = cpus > 0 ? cpus : 1; /* lg_file_budget's allowance */
	skel->rodata->lg_mmap_min_addr_loaded = lg_sysctl_number("/proc/sys/vm/mmap_min_addr", 65536);
	skel->rodata->lg_key_maxkeys_loaded = lg_sysctl_number("/proc/sys/kernel/keys/maxkeys", 200);
	skel->rodata->lg_key_maxbytes_loaded =
	    lg_sysctl_number("/proc/sys/kernel/keys/maxbytes", 20000);
}

/*
 * The character devices registered before the programs were attached, classified by their
 * driver's name (the programs of devices.bpf.c see every later registration), and the ttys of
 * the kernel's consoles.
 */
static int classify_devices(struct lsmguard_bpf *skel, char *err, size_t errsize)
{
	struct device_maps maps = {bpf_map__fd(skel->maps.lg_dev_majors),
				   bpf_map__fd(skel->maps.lg_dev_numbers)};
	int ret = lg_devices_scan("/proc/devices", "/proc/misc", "/proc/consoles", record_device,
				  &maps, err, errsize);

	if (ret && !*err)
		snprintf(err, errsize, "cannot record the host's device numbers: %s",
			 strerror(-ret));
	return ret;
}

/* ---- why the kernel refused the programs (host.h: lg_lsm_refusal) ---- */

static bool capable_of_bpf(void)
{
	unsigned long long eff = 0;
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return geteuid() == 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return ((eff >> 21) & 1) || (((eff >> 39) & 1) && ((eff >> 38) & 1)); /* SYS_ADMIN; BPF, PERFMON */
}

/* "none [integrity] confidentiality": the bracketed one. */
static int lockdown_level(void)
{
	char line[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	if (strstr(line, "[confidentiality]"))
		return 2;
	if (strstr(line, "[integrity]"))
		return 1;
	return strstr(line, "[none]") ? 0 : -1;
}

/* A program of two instructions (r0 = 0; exit) of type: 0 when the kernel loads it, -errno. */
static int probe_program(enum bpf_prog_type type, __u32 attach_btf_id)
{
	const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	int fd;

	if (type == BPF_PROG_TYPE_LSM) {
		opts.expected_attach_type = BPF_LSM_MAC;
		opts.attach_btf_id = attach_btf_id;
	}
	fd = bpf_prog_load(type, "lg_probe", "GPL", insns, 2, &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void explain_refusal(struct lsmguard_bpf *skel, char *out, size_t size)
{
	struct lg_lsm_facts facts = {.bpf_listed = -1};
	struct bpf_program *prog;
	int file_open;
	FILE *f;

	facts.capable = capable_of_bpf();
	facts.btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	f = fopen("/sys/kernel/security/lsm", "re");
	if (f) {
		if (!fgets(facts.lsm, sizeof(facts.lsm), f))
			facts.lsm[0] = '\0';
		fclose(f);
		facts.lsm[strcspn(facts.lsm, "\n")] = '\0';
		facts.bpf_listed = 0;
		for (const char *p = facts.lsm; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
			if (strncmp(p, "bpf", 3) == 0 && (p[3] == ',' || p[3] == '\0'))
				facts.bpf_listed = 1;
	}
	file_open = libbpf_find_vmlinux_btf_id("file_open", BPF_LSM_MAC);
	facts.bpf_lsm = file_open > 0;
	bpf_object__for_each_program(prog, skel->obj) {
		const char *sec = bpf_program__section_name(prog);

		/* a program left out on purpose where its hook is missing (autoload off) is not
		 * what refused the load */
		if (facts.bpf_lsm && !facts.missing_hook[0] && bpf_program__autoload(prog) && sec &&
		    strncmp(sec, "lsm/", 4) == 0 &&
		    libbpf_find_vmlinux_btf_id(sec + 4, BPF_LSM_MAC) < 0)
			snprintf(facts.missing_hook, sizeof(facts.missing_hook), "%s", sec + 4);
	}
	facts.lockdown = lockdown_level();
	facts.probe_lsm = facts.bpf_lsm ? probe_program(BPF_PROG_TYPE_LSM, (__u32)file_open) : -ENOENT;
	facts.probe_filter = probe_program(BPF_PROG_TYPE_SOCKET_FILTER, 0);
	lg_lsm_refusal(&facts, out, size);
}

static __u32 link_records = LG_MAX_LINKS;
static bool link_records_given;

void lg_bpf_set_link_records(__u32 count)
{
	link_records = count;
	link_records_given = true;
}

int lg_bpf_adopt_link_records(const struct lg_bpf *bpf, __u32 *capacity, __u32 *room,
			      __u64 *made)
{
	*made = 0;
	if (!link_records_given)
		return 0;
	return lg_link_capacity_apply(bpf->map_fd[LG_MAP_LINKS], bpf->map_fd[LG_MAP_EPOCHS],
				      link_records, capacity, room, made);
}

int lg_bpf_load(struct lg_bpf *bpf, const char *pin_dir, char *err, size_t errsize)
{
	struct lsmguard_bpf *skel;
	char path[512];
	int ret;

	memset(bpf, 0, sizeof(*bpf));
	for (int i = 0; i < LG_MAP_COUNT; i++)
		bpf->map_fd[i] = -1;
	snprintf(bpf->pin_dir, sizeof(bpf->pin_dir), "%s", pin_dir);

	skel = lsmguard_bpf__open();
	if (!skel) {
		ret = -errno;
		snprintf(err, errsize, "cannot open the BPF object: %s", strerror(-ret));
		return ret;
	}
	if (!program_has_hook("lg_file_ioctl_compat"))
		bpf_program__set_autoload(skel->progs.lg_file_ioctl_compat, false);
	if (!program_has_hook("lg_key_reservation_end32"))
		bpf_program__set_autoload(skel->progs.lg_key_reservation_end32, false);
	if (!program_has_hook("lg_key_update_end32"))
		bpf_program__set_autoload(skel->progs.lg_key_update_end32, false);
	if (!program_has_hook("lg_aio_reservation_end32"))
		bpf_program__set_autoload(skel->progs.lg_aio_reservation_end32, false);
	if (!program_has_hook("lg_mq_open_reserve")) {
		bpf_program__set_autoload(skel->progs.lg_mq_open_reserve, false);
		bpf_program__set_autoload(skel->progs.lg_mq_open_end, false);
	}
	if (!program_has_hook("lg_mq_made_end"))
		bpf_program__set_autoload(skel->progs.lg_mq_made_end, false);
	if (!program_has_hook("lg_subflow_connect4")) {
		bpf_program__set_autoload(skel->progs.lg_subflow_connect4, false);
		bpf_program__set_autoload(skel->progs.lg_subflow_connect6, false);
	} else {
		/* they also write a decided address into a connect to 0.0.0.0 (network.bpf.c) */
		skel->rodata->lg_connect_rewrites = true;
	}
	set_kernel_variables(skel);
	ret = bpf_map__set_max_entries(skel->maps.lg_links, link_records + LG_LINK_RESERVE);
	if (ret) {
		snprintf(err, errsize, "cannot size the link records: %s", strerror(-ret));
		goto out_destroy;
	}
	ret = lsmguard_bpf__load(skel);
	if (ret) {
		char why[512];

		explain_refusal(skel, why, sizeof(why));
		snprintf(err, errsize, "cannot load the BPF programs: %s: %s", strerror(-ret), why);
		goto out_destroy;
	}
	ret = make_dirs(pin_dir);
	if (ret) {
		snprintf(err, errsize, "cannot create %s: %s (is bpffs mounted on /sys/fs/bpf?)",
			 pin_dir, strerror(-ret));
		goto out_destroy;
	}
	for (int i = 0; i < LG_MAP_COUNT; i++) {
		struct bpf_map *map = skel_map(skel, (enum lg_map_id)i);

		pin_path(path, sizeof(path), pin_dir, "maps", lg_map_names[i]);
		ret = map ? bpf_map__pin(map, path) : -ENOENT;
		if (ret) {
			snprintf(err, errsize, "cannot pin map %s: %s", path, strerror(-ret));
			goto out_unpin;
		}
		bpf->map_fd[i] = dup(bpf_map__fd(map));
	}
	{
		__u32 index = LG_EPOCH_LINKS_CAPACITY;
		__u64 capacity = link_records;

		/* Before any program runs: the kernel's share of the link records. */
		if (bpf_map_update_elem(bpf->map_fd[LG_MAP_EPOCHS], &index, &capacity, BPF_ANY)) {
			ret = -errno;
			snprintf(err, errsize, "cannot set the link records' capacity: %s",
				 strerror(-ret));
			goto out_unpin;
		}
	}
	ret = attach_programs(skel, pin_dir, bpf->map_fd[LG_MAP_EPOCHS], err, errsize);
	if (ret)
		goto out_unpin;
	err[0] = '\0';
	ret = classify_devices(skel, err, errsize);
	if (ret)
		goto out_unpin;
	lsmguard_bpf__destroy(skel);
	return 0;

out_unpin:
	lg_bpf_unpin(pin_dir);
	for (int i = 0; i < LG_MAP_COUNT; i++)
		if (bpf->map_fd[i] >= 0)
			close(bpf->map_fd[i]);
out_destroy:
	lsmguard_bpf__destroy(skel);
	return ret;
}

/* What this build's maps look like: adopting pins of another layout would misread them. */
static const struct {
	__u32 type, key_size, value_size;
	__u32 max_entries; /* where it is indexed by ABI numbers (0: not compared) */
} expected_layout[LG_MAP_COUNT] = {
	[LG_MAP_POLICIES] = {BPF_MAP_TYPE_ARRAY, 4, sizeof(struct lg_policy_value)},
	[LG_MAP_CGROUP_POLICY] = {BPF_MAP_TYPE_HASH, 8, 4},
	[LG_MAP_CGROUP_PATHS] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_cgroup_path_key), 4},
	[LG_MAP_PATHS] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_path_key),
			  sizeof(struct lg_path_value)},
	[LG_MAP_NETS] = {BPF_MAP_TYPE_LPM_TRIE, sizeof(struct lg_net_key),
			 sizeof(struct lg_net_value)},
	[LG_MAP_MOUNTS] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_inode_key),
			   sizeof(struct lg_mount_value)},
	[LG_MAP_CONFIG] = {BPF_MAP_TYPE_ARRAY, 4, sizeof(struct lg_config)},
	/* policy * LG_HOOK_COUNT + hook: a version with other hooks would count under others */
	[LG_MAP_COUNTERS] = {BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct lg_counter),
			     (LG_POLICY_ID_MAX + 1) * LG_HOOK_COUNT},
	[LG_MAP_EVENTS] = {BPF_MAP_TYPE_RINGBUF, 0, 0},
	[LG_MAP_LINKS] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_inode_key),
			  sizeof(struct lg_link_value)},
	[LG_MAP_RATE] = {BPF_MAP_TYPE_LRU_HASH, sizeof(struct lg_rate_key),
			 sizeof(struct lg_rate_value)},
	[LG_MAP_EPOCHS] = {BPF_MAP_TYPE_ARRAY, 4, 8}, /* fewer slots: an older version (apply.c) */
	[LG_MAP_LOST] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_lost_key),
			 sizeof(struct lg_lost_value)},
	[LG_MAP_DENY_FILTER] = {BPF_MAP_TYPE_ARRAY, 4, 8},
	[LG_MAP_HELD] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_rate_key), 8},
	[LG_MAP_MOUNT_DETACHED] = {BPF_MAP_TYPE_HASH, sizeof(struct lg_inode_key), 8},
};

static int check_layout(int fd, enum lg_map_id id, char *err, size_t errsize)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) {
		snprintf(err, errsize, "cannot inspect pinned map %s: %s", lg_map_names[id],
			 strerror(errno));
		return -errno;
	}
	if (info.type != expected_layout[id].type || info.key_size != expected_layout[id].key_size ||
	    info.value_size != expected_layout[id].value_size ||
	    (expected_layout[id].max_entries &&
	     info.max_entries != expected_layout[id].max_entries)) {
		char entries[2][32] = {"", ""};

		/* The entries only where they are compared (maps indexed by ABI numbers). */
		if (expected_layout[id].max_entries) {
			snprintf(entries[0], sizeof(entries[0]), ", %u entries", info.max_entries);
			snprintf(entries[1], sizeof(entries[1]), ", %u entries",
				 expected_layout[id].max_entries);
		}
		snprintf(err, errsize,
			 "pinned map %s is from another lsmguard version (type %u, key %u, value %u "
			 "bytes%s; this one expects type %u, key %u, value %u%s); run 'lsmguard "
			 "unload' with the version that pinned it, then start this one",
			 lg_map_names[id], info.type, info.key_size, info.value_size, entries[0],
			 expected_layout[id].type, expected_layout[id].key_size,
			 expected_layout[id].value_size, entries[1]);
		return -EPROTO;
	}
	return 0;
}

int lg_bpf_adopt(struct lg_bpf *bpf, const char *pin_dir, char *err, size_t errsize)
{
	char path[512];
	int ret;

	memset(bpf, 0, sizeof(*bpf));
	snprintf(bpf->pin_dir, sizeof(bpf->pin_dir), "%s", pin_dir);
	for (int i = 0; i < LG_MAP_COUNT; i++)
		bpf->map_fd[i] = -1;
	for (int i = 0; i < LG_MAP_COUNT; i++) {
		pin_path(path, sizeof(path), pin_dir, "maps", lg_map_names[i]);
		bpf->map_fd[i] = bpf_obj_get(path);
		/* the detached roots' marks: an older version's programs write none */
		if (bpf->map_fd[i] < 0 && errno == ENOENT && i == LG_MAP_MOUNT_DETACHED)
			continue;
		if (bpf->map_fd[i] < 0) {
			ret = -errno;
			snprintf(err, errsize, "cannot open pinned map %s: %s", path, strerror(errno));
			lg_bpf_close(bpf);
			return ret;
		}
		ret = check_layout(bpf->map_fd[i], (enum lg_map_id)i, err, errsize);
		if (ret) {
			lg_bpf_close(bpf);
			return ret;
		}
	}
	bpf->adopted = true;
	return 0;
}

bool lg_bpf_links_pinned(const char *pin_dir, int *count)
{
	int found = 0;

	for (int i = 0; i < lg_program_count; i++) {
		char path[512];

		pin_path(path, sizeof(path), pin_dir,
			 is_cgroup_program(lg_program_names[i]) ? "progs" : "links",
			 lg_program_names[i]);
		/* A program this kernel has no hook for counts as in place. */
		if (access(path, F_OK) == 0 || !program_has_hook(lg_program_names[i]))
			found++;
	}
	if (count)
		*count = found;
	return found == lg_program_count;
}

static int remove_pins_in(const char *dir)
{
	struct dirent *entry;
	int ret = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((entry = readdir(d))) {
		char path[768];

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
		if (unlink(path) && !ret)
			ret = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

int lg_bpf_unpin(const char *pin_dir)
{
	char path[512];
	int ret, ret2;

	snprintf(path, sizeof(path), "%s/links", pin_dir);
	ret = remove_pins_in(path);
	snprintf(path, sizeof(path), "%s/progs", pin_dir);
	ret2 = remove_pins_in(path);
	if (!ret)
		ret = ret2;
	snprintf(path, sizeof(path), "%s/maps", pin_dir);
	ret2 = remove_pins_in(path);
	if (rmdir(pin_dir) && errno != ENOENT && !ret && !ret2)
		return -errno;
	return ret ? ret : ret2;
}

void lg_bpf_close(struct lg_bpf *bpf)
{
	for (int i = 0; i < LG_MAP_COUNT; i++) {
		if (bpf->map_fd[i] >= 0)
			close(bpf->map_fd[i]);
		bpf->map_fd[i] = -1;
	}
}

int lg_bpf_wait_for_readers(void)
{
	/*
	 * The kernel waits for an RCU grace period (synchronize_rcu) when an element of a
	 * map-in-map is updated, so that no program still uses the inner map it replaced. BPF LSM
	 * programs run inside an RCU read-side section, so that wait covers them too.
	 */
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int inner, outer, zero = 0, ret = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lg_grace_inner", 4, 4, 1, NULL);
	if (inner < 0)
		return -errno;
	opts.inner_map_fd = inner;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "lg_grace", 4, 4, 1, &opts);
	if (outer < 0) {
		ret = -errno;
		goto out_close_inner;
	}
	/* An update, then a delete of an element that exists: each waits on every kernel since
	 * 5.x (newer kernels skip the wait when nothing is replaced or removed). */
	if (bpf_map_update_elem(outer, &zero, &inner, BPF_ANY) ||
	    bpf_map_delete_elem(outer, &zero))
		ret = -errno;
	close(outer);
out_close_inner:
	close(inner);
	return ret;
}

/* Counters of one policy and hook, summed over CPUs. */
void lg_counter_read(const struct lg_bpf *bpf, __u32 policy, unsigned hook, struct lg_counter *sum)
{
	int cpus = libbpf_num_possible_cpus();
	__u32 key = policy * LG_HOOK_COUNT + hook;
	struct lg_counter *values;

	memset(sum, 0, sizeof(*sum));
	if (cpus <= 0)
		return;
	values = calloc((size_t)cpus, sizeof(*values));
	if (!values)
		return;
	if (bpf_map_lookup_elem(bpf->map_fd[LG_MAP_COUNTERS], &key, values) == 0) {
		for (int c = 0; c < cpus; c++) {
			sum->allowed += values[c].allowed;
			sum->denied += values[c].denied;
			sum->audited += values[c].audited;
			sum->dropped += values[c].dropped;
			sum->suppressed += values[c].suppressed;
			sum->cached += values[c].cached;
		}
	}
	free(values);
}

/*
 * The byte offset of member within struct type in btf, looking into unnamed structs and unions
 * (-ENOENT when it is not there).
 */
static int btf_member_offset(const struct btf *btf, __s32 type_id, const char *member)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_member *m;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		int inner;

		if (name && strcmp(name, member) == 0)
			return (int)(btf_member_bit_offset(t, i) / 8);
		if (name && name[0])
			continue;
		inner = btf_member_offset(btf, btf__resolve_type(btf, m->type), member);
		if (inner >= 0)
			return (int)(btf_member_bit_offset(t, i) / 8) + inner;
	}
	return -ENOENT;
}

int lg_btrfs_offsets(struct lg_config *config)
{
	static struct lg_config known;
	static bool found, vmlinux_looked, module_looked;
	struct btf *vmlinux, *btrfs = NULL, *types;
	int vfs_inode, root, anon_dev;
	__s32 inode_id, root_id;

	if (!found) {
		/* A module's types are in its own BTF once it is loaded; a btrfs built into the
		 * kernel has them in vmlinux's (looked at once). */
		bool module = access("/sys/kernel/btf/btrfs", R_OK) == 0;

		/* Looked at once each: this runs at every write of the config. */
		if ((!module && vmlinux_looked) || (module && module_looked))
			return -ENOENT;
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			return -errno;
		if (module) {
			btrfs = btf__load_module_btf("btrfs", vmlinux);
			if (!btrfs) {
				btf__free(vmlinux);
				return -errno;
			}
			module_looked = true;
		} else {
			vmlinux_looked = true;
		}
		types = btrfs ? btrfs : vmlinux;
		inode_id = btf__find_by_name_kind(types, "btrfs_inode", BTF_KIND_STRUCT);
		root_id = btf__find_by_name_kind(types, "btrfs_root", BTF_KIND_STRUCT);
		vfs_inode = inode_id > 0 ? btf_member_offset(types, inode_id, "vfs_inode") : -ENOENT;
		root = inode_id > 0 ? btf_member_offset(types, inode_id, "root") : -ENOENT;
		anon_dev = root_id > 0 ? btf_member_offset(types, root_id, "anon_dev") : -ENOENT;
		btf__free(btrfs);
		btf__free(vmlinux);
		if (vfs_inode < 0 || root < 0 || anon_dev < 0)
			return -ENOENT;
		known.btrfs_vfs_inode = (__u32)vfs_inode;
		known.btrfs_root = (__u32)root;
		known.btrfs_anon_dev = (__u32)anon_dev;
		found = true;
	}
	config->btrfs_vfs_inode = known.btrfs_vfs_inode;
	config->btrfs_root = known.btrfs_root;
	config->btrfs_anon_dev = known.btrfs_anon_dev;
	config->btrfs_known = 1;
	return 0;
}
