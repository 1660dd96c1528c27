#!/usr/bin/env bash
# The one qemu launcher of the test VMs (vm-tests/run-vm.sh, vm-tests/realsvc/run.sh): boots
# VMLINUZ with INITRD under qemu (TCG: KVM does not work on these machines) with BPF LSM in the
# kernel's LSM list, keeps the serial console in LOG and the guest's own lines (from the first
# line holding MARKER) in LOG.txt, and prints those.
# With --result NAME the guest must print "NAME: N passed, N failed[, N skipped]": a guest that
# crashes, hangs past the time limit or prints no such line is a failure (the result starts as
# failed, as the kernel's vmtest.sh does), and the exit status is 0 only when it says 0 failed.
# Without --result, the exit status is qemu's (124: the time limit passed).
# With --nvme IMAGE the guest has an NVMe controller with IMAGE as its one namespace
# (/dev/nvme0, /dev/nvme0n1, /dev/ng0n1: a disk behind character devices too).
# Usage: vm-tests/qemu.sh [--mem SIZE] [--smp N] [--icount SHIFT] [--timeout SECONDS] [--lsm LIST]
#        [--result NAME] [--drop-kernel-lines] [--nvme IMAGE] VMLINUZ INITRD LOG MARKER
#        [KERNEL_ARGUMENT...]
set -u
mem=1G smp=2 icount="" timeout_s=600 result="" nvme="" lsm=lockdown,capability,landlock,yama,bpf
# printk lines dropped from LOG.txt: the reboot, what a case's sysrq prints to the console
# whatever the log level (the OOM case's "Manual OOM execution", an unknown key's help), and the
# module loader's error at the unconfined control of hardening.c's module case, which loads an
# 8-byte file on purpose (its ENOEXEC is asserted), and the softdog's lines from hardware.c's
# watchdog case (soft_noboot: it only logs; opened by an unconfined control and closed without
# the magic character). The kernel's report of the OOM kill that cases.c makes on purpose stays:
# the same line from any other case would be news.
kernel_lines='^\[ *[0-9.]*\] \(reboot\|sysrq: \|Invalid ELF header len 8$\|watchdog: watchdog[0-9]*: watchdog did not stop!$\|softdog: Triggered - Reboot ignored\)'
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--icount) icount=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--result) result=$2; shift 2 ;;
	--drop-kernel-lines) kernel_lines='^\[ *[0-9.]*\] '; shift ;;
	--nvme) nvme=$2; shift 2 ;;
	--lsm) lsm=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 4 ]; then
	echo "usage: $0 [options] VMLINUZ INITRD LOG MARKER [KERNEL_ARGUMENT...]" >&2
	exit 2
fi
vmlinuz=$1 initrd=$2 log=$3 marker=$4
shift 4

no_result() { # say why, then the failed result line
	printf '# %s\n' "$@"
	[ -n "$result" ] && echo "$result: 0 passed, 1 failed"
	exit 1
}
command -v qemu-system-x86_64 >/dev/null || no_result "qemu-system-x86_64 is missing (make deps)"
for f in "$vmlinuz" "$initrd"; do
	[ -s "$f" ] || no_result "$f is missing: make builds it"
done

cpu_args=(-smp "$smp")
# -icount: the guest's clock advances by 2^shift ns per guest instruction (see
# docs/performance.md), so host load cannot move what the guest measures.
[ -n "$icount" ] && cpu_args+=(-icount "shift=$icount,sleep=off,align=off")
[ -n "$nvme" ] && cpu_args+=(-drive "file=$nvme,if=none,id=lgnvme,format=raw"
	-device "nvme,serial=lgnvme0,drive=lgnvme")
timeout --foreground "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max "${cpu_args[@]}" \
	-m "$mem" -kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 lsm=$lsm panic=-1 quiet $*" \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none </dev/null >"$log" 2>&1
status=$?
# The console has carriage returns and firmware escape sequences: keep the guest's lines.
tr -d '\r' <"$log" | sed -n "s/^.*\($marker\)/\1/; /$marker/,\$p" | grep -v "$kernel_lines" >"$log.txt"
if [ -z "$result" ]; then
	cat "$log.txt"
	exit "$status"
fi

# A passing run is quiet: the guest's event lines (LSMGUARD-EVENT, for the schema suite, which
# reads LOG.txt) are counted, not shown; a failing run shows everything.
line=$(grep -E "^$result: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$" "$log.txt" | tail -n 1)
case $line in
*" passed, 0 failed"*)
	grep -v '^LSMGUARD-EVENT ' "$log.txt"
	echo "# $(grep -c '^LSMGUARD-EVENT ' "$log.txt") event lines, kept in $log.txt"
	;;
*) cat "$log.txt" ;;
esac
if [ -z "$line" ]; then
	[ "$status" = 124 ] && echo "# the guest did not finish in ${timeout_s}s"
	tr -d '\r' <"$log" | grep -E 'Kernel panic|BUG|WARNING|Failed|failed|error' | tail -15 |
		sed 's/^/# /'
	no_result "no result from the guest (qemu exit $status); console: $log"
fi
case $line in
"$result: 0 passed, 0 failed"*) echo "# the guest ran no test"; exit 1 ;;
*" 0 failed"*) exit 0 ;;
*) exit 1 ;;
esac
