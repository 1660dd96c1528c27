#!/usr/bin/env bash
# Boot the real-services image into its workloads bench (vm-tests/realsvc/bench.sh): one vCPU,
# qemu's instruction clock (-icount shift=0: the guest clock counts guest instructions, so
# host load cannot move a figure), AppArmor beside BPF in lsm= as in the main bench. Passes only
# when the guest prints "workloads: N passed, 0 failed".
# Usage: vm-tests/realsvc/run-bench.sh VMLINUZ INITRD ROUNDS REQUESTS FILES
set -u
vmlinuz=$1 initrd=$2 rounds=$3 requests=$4 files=$5
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../qemu.sh" --mem 2G --smp 1 --icount 0 --lsm lockdown,capability,landlock,yama,apparmor,bpf \
	--timeout "${VM_TIMEOUT:-1800}" --result workloads --drop-kernel-lines "$vmlinuz" "$initrd" \
	"$(dirname "$initrd")/console-bench.log" "REALSVC: kernel" systemd.show_status=error rdinit=/init \
	systemd.unit=realsvc-bench.target "realsvc.rounds=$rounds" "realsvc.requests=$requests" \
	"realsvc.files=$files"
