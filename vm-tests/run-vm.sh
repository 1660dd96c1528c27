#!/usr/bin/env bash
# Boot the test kernel with the initramfs (vm-tests/qemu.sh) and report what the guest printed.
# Usage: vm-tests/run-vm.sh VMLINUZ INITRD [test|preempt|demo|bench]
# VM_CASES=NAME[,NAME...] runs only those vm-test cases; VM_TIMEOUT changes the time limit.
set -u
vmlinuz=$1 initrd=$2 mode=${3:-test}
here=$(cd "$(dirname "$0")" && pwd)
# The whole suite takes about 35 minutes under emulation (508 cases, 2026-12-07: about 2,150 s
# after the slowest cases were cut, past 2,700 s before; the harness's last lines name the
# slowest cases), and more on a busier machine: a guest stopped at its limit loses the event
# log it prints last, and CI counts the suite as failed. The limit leaves about 1.4 times that
# (CI's whole run must end within 90 minutes); the preempt pass runs a fifth of the cases.
# The cases go on the kernel's command line, which x86 cuts at 2,048 bytes; a longer list left
# the guest hung before its kernel printed anything (seen 2026-12-05 with 56 names): run fewer.
cases=${VM_CASES:-}
if [ "${#cases}" -gt 1500 ]; then
	echo "run-vm.sh: VM_CASES is ${#cases} characters; the kernel's command line holds" \
		"about 2,000 with the rest: give at most 1,500 (split the list across runs)" >&2
	exit 2
fi
args=(--timeout "${VM_TIMEOUT:-3000}")
extra=("lsmguard.mode=$mode")
case $mode in
# The test VM has an NVMe disk (8 MiB, made anew each run): vm-tests/hardware.c's disk cases.
test)
	args+=(--result vm --nvme "$(dirname "$initrd")/nvme.img")
	rm -f "$(dirname "$initrd")/nvme.img"
	truncate -s 8M "$(dirname "$initrd")/nvme.img"
	;;
# The suite again under full preemption (vm-tests/preempt.c says why): Debian's kernels are built
# with CONFIG_PREEMPT_DYNAMIC, so an administrator can boot any of them with preempt=full.
# Preemption changes when the kernel's side (a hook's program, a map update) can be
# interrupted, and so which interleavings of tasks on one CPU happen: this pass runs the cases
# whose subject is concurrency (preemption itself, races, racing tasks and threads, floods,
# reloads under load, the setup window's races), the verdict caches, the first verdict cases
# of each kind (files, exec, network, cgroups, unix sockets), and four cases whose names do not
# say it: a check only preempt=full makes (blind_sigio_owner_recording_skipped), a thread
# racing the kernel's read (blind_other_policies_sigio_sent), tasks moved between cgroups
# while they open or send (a16_policy_lookup_deep_and_moving, a17_net_sender_moved_between_
# cgroups, which failed once under preempt=full only). A new concurrency case joins by name. The rest run in the vm
# suite; under preempt=full they take the same single-task paths. The whole suite twice took
# more than CI's 90 minutes with the rest (stop 45: the suite is about 30 minutes here, much
# of it loading all of lsmguard's programs again, about 80 s each under emulation).
# VM_CASES, when given, is run as given.
preempt)
	cases=${VM_CASES:-'daemon_starts_and_reports_ready,*preempt*,*raced*,*races*,*racing*,*thread*,*flood*,reload_*,setup_window_*,cache_*,files_*,exec_*,net_*,cgroup_*,unix_*,blind_sigio_owner_recording_skipped,blind_other_policies_sigio_sent,a16_policy_lookup_deep_and_moving,a17_net_sender_moved_between_cgroups'}
	args=(--timeout "${VM_TIMEOUT:-1500}" --result vm-preempt --nvme "$(dirname "$initrd")/nvme.img")
	rm -f "$(dirname "$initrd")/nvme.img"
	truncate -s 8M "$(dirname "$initrd")/nvme.img"
	extra=(preempt=full lsmguard.mode=test)
	;;
# The benchmark runs on one vCPU with qemu's instruction counting (docs/performance.md says what
# that clock does and does not measure), with AppArmor active as Debian boots it (one of the
# configurations it measures).
bench)
	args+=(--smp 1 --icount "${VM_ICOUNT_SHIFT:-0}"
		--lsm lockdown,capability,landlock,yama,apparmor,bpf)
	;;
esac
# The guest shows what the cases said five minutes before the limit (init.sh).
limit=${args[1]}
exec "$here/qemu.sh" "${args[@]}" "$vmlinuz" "$initrd" "$(dirname "$initrd")/console-$mode.log" \
	"LSMGUARD-VM: kernel" "${extra[@]}" "lsmguard.watch=$((limit > 600 ? limit - 300 : limit))" "lsmguard.rounds=${BENCH_ROUNDS:-7}" \
	"lsmguard.iterations=${BENCH_ITERATIONS:-0}" \
	${cases:+"lsmguard.cases=$cases"}
