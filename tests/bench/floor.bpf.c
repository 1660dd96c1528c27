// SPDX-License-Identifier: GPL-2.0-only
/*
 * The floor for any BPF-LSM enforcer (benchmark configuration F): programs on the hooks lsmguard
 * uses on the measured paths that return at once. What lsmguard costs beyond this is its own.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_open")
int BPF_PROG(floor_file_open, struct file *file, int ret)
{
	return ret;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(floor_bprm_check, struct linux_binprm *bprm, int ret)
{
	return ret;
}

SEC("lsm/mmap_file")
int BPF_PROG(floor_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	return ret;
}

SEC("lsm/socket_connect")
int BPF_PROG(floor_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	return ret;
}

SEC("lsm/socket_sendmsg")
int BPF_PROG(floor_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	return ret;
}

SEC("lsm/socket_bind")
int BPF_PROG(floor_socket_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	return ret;
}

SEC("lsm/socket_listen")
int BPF_PROG(floor_socket_listen, struct socket *sock, int backlog, int ret)
{
	return ret;
}

SEC("lsm/task_alloc")
int BPF_PROG(floor_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	return ret;
}
