// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "names.h"

static const char *const hook_names[LG_HOOK_COUNT] = {
	[LG_HOOK_NONE] = "none",
	[LG_HOOK_FILE_OPEN] = "file_open",
	[LG_HOOK_BPRM_CHECK] = "bprm_check_security",
	[LG_HOOK_SOCKET_CONNECT] = "socket_connect",
	[LG_HOOK_SOCKET_SENDMSG] = "socket_sendmsg",
	[LG_HOOK_SOCKET_CREATE] = "socket_create",
	[LG_HOOK_SOCKET_SETSOCKOPT] = "socket_setsockopt",
	[LG_HOOK_SOCKET_BIND] = "socket_bind",
	[LG_HOOK_SOCKET_LISTEN] = "socket_listen",
	[LG_HOOK_SCTP_BIND_CONNECT] = "sctp_bind_connect",
	[LG_HOOK_IPC_PERMISSION] = "ipc_permission",
	[LG_HOOK_SHM_SHMCTL] = "shm_shmctl",
	[LG_HOOK_MSG_QUEUE_MSGCTL] = "msg_queue_msgctl",
	[LG_HOOK_SEM_SEMCTL] = "sem_semctl",
	[LG_HOOK_KEY_PERMISSION] = "key_permission",
	[LG_HOOK_CAPSET] = "capset",
	[LG_HOOK_TASK_PRCTL] = "task_prctl",
	[LG_HOOK_MMAP_ADDR] = "mmap_addr",
	[LG_HOOK_MPTCP_SUBFLOW] = "mptcp_subflow",
	[LG_HOOK_SHM_ALLOC] = "shm_alloc_security",
	[LG_HOOK_MSG_QUEUE_ALLOC] = "msg_queue_alloc_security",
	[LG_HOOK_SEM_ALLOC] = "sem_alloc_security",
	[LG_HOOK_INODE_CREATE] = "inode_create",
	[LG_HOOK_FILE_ALLOC] = "file_alloc_security",
	[LG_HOOK_INODE_RMDIR] = "inode_rmdir",
	[LG_HOOK_INODE_UNLINK] = "inode_unlink",
	[LG_HOOK_INODE_RENAME] = "inode_rename",
	[LG_HOOK_PATH_RENAME] = "path_rename",
	[LG_HOOK_PATH_LINK] = "path_link",
	[LG_HOOK_PATH_UNLINK] = "path_unlink",
	[LG_HOOK_PATH_TRUNCATE] = "path_truncate",
	[LG_HOOK_TASK_ALLOC] = "task_alloc",
	[LG_HOOK_BPF] = "bpf",
	[LG_HOOK_KERNEL_MODULE] = "kernel_module",
	[LG_HOOK_PTRACE] = "ptrace_access_check",
	[LG_HOOK_SB_UMOUNT] = "sb_umount",
	[LG_HOOK_MMAP_FILE] = "mmap_file",
	[LG_HOOK_FILE_MPROTECT] = "file_mprotect",
	[LG_HOOK_BPF_MAP] = "bpf_map",
	[LG_HOOK_TASK_KILL] = "task_kill",
	[LG_HOOK_FILE_SEND_SIGIOTASK] = "file_send_sigiotask",
	[LG_HOOK_PERF_EVENT_ALLOC] = "perf_event_alloc",
	[LG_HOOK_PATH_MKNOD] = "path_mknod",
	[LG_HOOK_PATH_SYMLINK] = "path_symlink",
	[LG_HOOK_PATH_MKDIR] = "path_mkdir",
	[LG_HOOK_PATH_RMDIR] = "path_rmdir",
	[LG_HOOK_PATH_CHMOD] = "path_chmod",
	[LG_HOOK_PATH_CHOWN] = "path_chown",
	[LG_HOOK_INODE_SETXATTR] = "inode_setxattr",
	[LG_HOOK_INODE_REMOVEXATTR] = "inode_removexattr",
	[LG_HOOK_USERNS_CREATE] = "userns_create",
	[LG_HOOK_SB_MOUNT] = "sb_mount",
	[LG_HOOK_MOVE_MOUNT] = "move_mount",
	[LG_HOOK_SB_REMOUNT] = "sb_remount",
	[LG_HOOK_SB_PIVOTROOT] = "sb_pivotroot",
	[LG_HOOK_CAPABLE] = "capable",
	[LG_HOOK_FILE_RECEIVE] = "file_receive",
	[LG_HOOK_UNIX_STREAM_CONNECT] = "unix_stream_connect",
	[LG_HOOK_UNIX_MAY_SEND] = "unix_may_send",
	[LG_HOOK_FILE_IOCTL] = "file_ioctl",
	[LG_HOOK_TASK_SETNICE] = "task_setnice",
	[LG_HOOK_TASK_SETSCHEDULER] = "task_setscheduler",
	[LG_HOOK_TASK_SETIOPRIO] = "task_setioprio",
	[LG_HOOK_TASK_SETRLIMIT] = "task_setrlimit",
	[LG_HOOK_INODE_SETATTR] = "inode_setattr",
	[LG_HOOK_LOCKED_DOWN] = "locked_down",
	[LG_HOOK_URING_CMD] = "uring_cmd",
	[LG_HOOK_MODULE_REQUEST] = "kernel_module_request",
	[LG_HOOK_PATH_NOTIFY] = "path_notify",
	[LG_HOOK_FILE_FCNTL] = "file_fcntl",
	[LG_HOOK_KEY_ALLOC] = "key_alloc",
	[LG_HOOK_SB_SET_MNT_OPTS] = "sb_set_mnt_opts",
	[LG_HOOK_QUOTACTL] = "quotactl",
	[LG_HOOK_FS_CONTEXT_PARSE_PARAM] = "fs_context_parse_param",
	[LG_HOOK_SETTIME] = "settime",
	[LG_HOOK_SYSLOG] = "syslog",
};

static const char *const decision_names[LG_DECISION_COUNT] = {
	[LG_DECISION_FILE_READ] = "read",
	[LG_DECISION_FILE_WRITE] = "write",
	[LG_DECISION_EXEC] = "exec",
	[LG_DECISION_NET] = "connect",
};

/*
 * A hook added to the ABI without a name here prints as "unknown"; the unit test
 * hook_names_cover_every_hook_once (tests/unit/test_json.c) fails then.
 */
const char *lg_hook_name(unsigned hook)
{
	return lg_hook_is_named(hook) ? hook_names[hook] : "unknown";
}

bool lg_hook_is_named(unsigned hook)
{
	return hook < LG_HOOK_COUNT && hook_names[hook];
}

bool lg_hook_is_listen(unsigned hook)
{
	return hook == LG_HOOK_SOCKET_BIND || hook == LG_HOOK_SOCKET_LISTEN;
}

bool lg_hook_is_capability(unsigned hook)
{
	return hook == LG_HOOK_CAPABLE || hook == LG_HOOK_CAPSET || hook == LG_HOOK_TASK_PRCTL ||
	       hook == LG_HOOK_MMAP_ADDR || hook == LG_HOOK_TASK_ALLOC;
}

unsigned lg_hook_next(unsigned hook)
{
	while (++hook < LG_HOOK_COUNT && !hook_names[hook])
		;
	return hook < LG_HOOK_COUNT ? hook : LG_HOOK_COUNT;
}

unsigned lg_hook_from_name(const char *name)
{
	for (unsigned hook = LG_HOOK_NONE + 1; hook < LG_HOOK_COUNT; hook++)
		if (hook_names[hook] && strcmp(hook_names[hook], name) == 0)
			return hook;
	return LG_HOOK_NONE;
}

const char *lg_decision_name(unsigned decision)
{
	return decision < LG_DECISION_COUNT && decision_names[decision] ? decision_names[decision]
									: "unknown";
}

unsigned lg_decision_from_name(const char *name)
{
	for (unsigned decision = 0; decision < LG_DECISION_COUNT; decision++)
		if (decision_names[decision] && strcmp(decision_names[decision], name) == 0)
			return decision;
	return LG_DECISION_COUNT;
}

const char *lg_mode_name(unsigned mode)
{
	return mode == LG_MODE_AUDIT ? "audit" : "enforce";
}
