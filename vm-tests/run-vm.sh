#!/usr/bin/env bash
# Boot the test kernel with the initramfs (vm-tests/qemu.sh) and report what the guest printed.
# Usage: vm-tests/run-vm.sh VMLINUZ INITRD [test|preempt|demo|bench]
# VM_CASES=NAME[,NAME...] runs only those vm-test cases; VM_TIMEOUT changes the time limit.
set -u
vmlinuz=$1 initrd=$2 mode=${3:-test}
here=$(cd "$(dirname "$0")" && pwd)
# The whole suite takes about 20 minutes under emulation (310 cases, 2026-12-02; the harness's
# last lines name the slowest cases), and more on a busier machine: a stop at 1200 s cost a CI
# run (the guest stopped at the limit loses the event log it prints last). The limits leave
# about 1.6 times that. CI gives a run 90 minutes: both suites at their limits and the rest
# would pass it, which only hung guests reach.
# The cases go on the kernel's command line, which x86 cuts at 2,048 bytes; a longer list left
# the guest hung before its kernel printed anything (seen 2026-12-05 with 56 names): run fewer.
cases=${VM_CASES:-}
if [ "${#cases}" -gt 1500 ]; then
	echo "run-vm.sh: VM_CASES is ${#cases} characters; the kernel's command line holds" \
		"about 2,000 with the rest: give at most 1,500 (split the list across runs)" >&2
	exit 2
fi
args=(--timeout "${VM_TIMEOUT:-2100}")
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
# interrupted, so this pass runs every verdict and race case again. It leaves out the cases
# whose subject is the daemon's own life in user space, which preempt=full does not change, and
# whose time goes to loading all of lsmguard's programs again (about 80 s each under
# emulation) or to waiting on the daemon's output: CI's 90 minutes hold both passes only
# without them (the whole suite is about 28 minutes here, stop 45's CI ran out of time).
#   unload_ends_enforcement, pins_of_another_version_are_refused_with_the_reason: an unload,
#     then the next case that needs a daemon loads everything again;
#   names_links_when_the_records_are_full: two loads, to give the records another size;
#   a20_admin_link_before_start_long_name: an unload and a load, to see the load's walk;
#   blind_daemon_output_nobody_reads_never_stalls_it, a7_full_run_status_names_the_generation_in_force,
#   a7_full_run_at_a_restart_reports_losses_once, a7_suppressed_count_evicted_from_the_rate_limit:
#     the daemon's event output and its counts of what it did not deliver.
# VM_CASES, when given, is run as given.
preempt)
	cases=${VM_CASES:--unload_ends_enforcement,-pins_of_another_version_are_refused_with_the_reason,-names_links_when_the_records_are_full,-a20_admin_link_before_start_long_name,-blind_daemon_output_nobody_reads_never_stalls_it,-a7_full_run_status_names_the_generation_in_force,-a7_full_run_at_a_restart_reports_losses_once,-a7_suppressed_count_evicted_from_the_rate_limit}
	args=(--timeout "${VM_TIMEOUT:-2400}" --result vm-preempt --nvme "$(dirname "$initrd")/nvme.img")
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
exec "$here/qemu.sh" "${args[@]}" "$vmlinuz" "$initrd" "$(dirname "$initrd")/console-$mode.log" \
	"LSMGUARD-VM: kernel" "${extra[@]}" "lsmguard.rounds=${BENCH_ROUNDS:-7}" \
	"lsmguard.iterations=${BENCH_ITERATIONS:-0}" \
	${cases:+"lsmguard.cases=$cases"}
