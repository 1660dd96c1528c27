// SPDX-License-Identifier: GPL-2.0-only
/* What a skipped run of each tracing program leaves behind (skipped.h). */
#include <string.h>

#include "skipped.h"

/*
 * Each tracing program of bpf_lsm/, what a run the kernel skipped leaves behind, and what the
 * daemon does about it. A program not named here is reported with "not known".
 */
static const struct {
	const char *name;
	enum lg_skip_repair repair;
	const char *effect;
} effects[] = {
    {"lg_key_reservation_end", LG_SKIP_REPORT,
     "a new key's reserved payload given back at the task's next call or its end: its owner's "
     "later keys are refused that much sooner to confined tasks (stricter) until then"},
    {"lg_key_update_end", LG_SKIP_REPORT,
     "a key update's reserved growth given back at the task's next call or its end: its owner's "
     "later keys are refused that much sooner to confined tasks (stricter) until then"},
    {"lg_key_update_end32", LG_SKIP_REPORT,
     "a key update's reserved growth given back at the task's next call or its end: its owner's "
     "later keys are refused that much sooner to confined tasks (stricter) until then"},
    {"lg_key_reservation_end32", LG_SKIP_REPORT,
     "a new key's reserved payload given back at the task's next call or its end: its owner's "
     "later keys are refused that much sooner to confined tasks (stricter) until then"},
    {"lg_mq_open_reserve", LG_SKIP_REPORT,
     "an mq_open's asked bytes not recorded: a confined task's new queue in that call is counted "
     "at the most it may ask (stricter), unless the task's previous mq_open made no queue and "
     "its end was skipped too: then at that call's size (one queue past the share at most)"},
    {"lg_mq_open_end", LG_SKIP_REPORT,
     "an mq_open's reserved queue bytes given back at the task's next mq_open or its end: its "
     "user's later queues are refused that much sooner to confined tasks (stricter) until then; "
     "a call that made no queue leaves its asked size for a next mq_open whose entry is skipped "
     "too (one queue past the share at most)"},
    {"lg_fds_sent_stream", LG_SKIP_REPORT,
     "a send's reserved descriptors given back at the end of the task's next unix send or its "
     "end: its user's later sends are refused that much sooner to confined tasks (stricter) "
     "until then"},
    {"lg_fds_sent_dgram", LG_SKIP_REPORT,
     "a send's reserved descriptors given back at the end of the task's next unix send or its "
     "end: its user's later sends are refused that much sooner to confined tasks (stricter) "
     "until then"},
    {"lg_fds_sent_seqpacket", LG_SKIP_REPORT,
     "a send's reserved descriptors given back at the end of the task's next unix send or its "
     "end: its user's later sends are refused that much sooner to confined tasks (stricter) "
     "until then"},
    {"lg_mq_made_end", LG_SKIP_REPORT,
     "a queue's reserved bytes given back at mq_open's return, the task's next queue or its "
     "end: its user's later queues are refused that much sooner to confined tasks (stricter) "
     "until then"},
    {"lg_crypto_lookup", LG_SKIP_REPORT,
     "a confined task's crypto algorithm name not remembered: a name short enough for its module "
     "request is remembered at that request's refusal; a longer one's template module can be "
     "loaded by the crypto manager's thread for it"},
    {"lg_aio_reservation_end", LG_SKIP_REPORT,
     "an io_setup's reserved AIO events given back at the task's next io_setup or its end: "
     "confined tasks' io_setup calls are refused that much sooner (stricter) until then"},
    {"lg_aio_reservation_end32", LG_SKIP_REPORT,
     "an io_setup's reserved AIO events given back at the task's next io_setup or its end: "
     "confined tasks' io_setup calls are refused that much sooner (stricter) until then"},
    {"lg_task_counted", LG_SKIP_REPORT,
     "a confined fork's reserved task given back only at the task's end: confined tasks' "
     "forks are refused one task sooner (stricter) while it lives"},
    {"lg_unix_copy_seen", LG_SKIP_REPORT,
     "a datagram's copy unseen: a send to a notify socket is refused (fail closed)"},
    {"lg_sigio_owner_set", LG_SKIP_REPORT,
     "a file owner's setter unrecorded: lg_sigio_owner_checked records it (fail closed)"},
    {"lg_mount_ns_made", LG_SKIP_REPORT,
     "a mount namespace a service made unrecorded: mount = namespace refuses its mounts "
     "there (fail closed) until the service makes another"},
    {"lg_mount_ns_put", LG_SKIP_REPORT,
     "a freed mount namespace's record kept: it stays until the least recently used are "
     "forgotten (its number is never used again)"},
    {"lg_ptmx_opened", LG_SKIP_REPORT,
     "a pty's maker unrecorded: its slave is somebody else's (fail closed)"},
    {"lg_name_moving", LG_SKIP_RETIRE_VERDICTS,
     "a rename did not retire cached verdicts before it: the daemon retired them"},
    {"lg_name_moved", LG_SKIP_RETIRE_VERDICTS,
     "a rename did not retire cached verdicts: the daemon retired them"},
    {"lg_name_linked", LG_SKIP_RETIRE_VERDICTS,
     "a hard link did not retire cached verdicts: the daemon retired them; a new name under a "
     "deny rule did not become the file's denied-name record until a reload records an exact "
     "deny rule's name"},
    {"lg_renamed", LG_SKIP_REPORT,
     "a rename's link-record change not made: a file's record keeps the name it had (its other "
     "names decided by it) until a reload puts the name of an exact deny rule in its place"},
    {"lg_name_instantiated", LG_SKIP_RETIRE_VERDICTS,
     "a new dentry did not clear its file's cached verdicts: the daemon retired them"},
    {"lg_mount_unhash", LG_SKIP_REREAD_MOUNTS,
     "a mount left unmarked: the daemon read the mount table again and retired cached verdicts"},
    {"lg_mount_umount_tree", LG_SKIP_REREAD_MOUNTS,
     "a mount left unmarked: the daemon read the mount table again and retired cached verdicts"},
    {"lg_setup_attach_enter", LG_SKIP_REPORT,
     "a task moved into a policy's cgroup got no setup window (stricter)"},
    {"lg_setup_attach_exit", LG_SKIP_REPORT,
     "a task moved into a policy's cgroup got no setup window (stricter)"},
    {"lg_setup_clone_into", LG_SKIP_REPORT,
     "a child cloned into a policy's cgroup (clone3 CLONE_INTO_CGROUP) got no setup window "
     "(stricter)"},
    {"lg_dev_alloc_region", LG_SKIP_REPORT,
     "a driver's device numbers unclassified until lsmguard's next load"},
    {"lg_dev_register_region", LG_SKIP_REPORT,
     "a driver's device numbers unclassified until lsmguard's next load"},
    {"lg_dev_register", LG_SKIP_REPORT,
     "a driver's device numbers unclassified until lsmguard's next load"},
    {"lg_dev_misc_register", LG_SKIP_REPORT,
     "a driver's device numbers unclassified until lsmguard's next load"},
    {"lg_cgroup_mkdir", LG_SKIP_REPORT,
     "a new cgroup's path unrecorded: it is bound by its ancestors' walk"},
    {"lg_cgroup_rmdir", LG_SKIP_REPORT, "a removed cgroup's record stays until the next reload"},
    {"lg_securebits_keep", LG_SKIP_REPORT,
     "a PR_SET_SECUREBITS not refused first: lg_securebits_checked kills a task that may not "
     "(fail closed)"},
};

const char *lg_skip_effect(const char *name, enum lg_skip_repair *repair)
{
	for (size_t i = 0; i < sizeof(effects) / sizeof(effects[0]); i++) {
		if (strcmp(effects[i].name, name) == 0) {
			*repair = effects[i].repair;
			return effects[i].effect;
		}
	}
	*repair = LG_SKIP_REPORT;
	return "not known";
}

