#!/usr/bin/env bash
# Boot the test VM in bench mode (vm-tests/bench.c) and pass only when the bench proved every
# configuration's state and every timed operation's result: its own last line
# "bench: N passed, 0 failed", and its exit status 0 (init.sh prints it). A guest that crashes,
# hangs or prints no count fails. make bench uses it for the figures, make check (suite bench)
# with one round and a few iterations as a test of those checks.
# Usage: vm-tests/run-bench.sh VMLINUZ INITRD ROUNDS [ITERATIONS]   (ITERATIONS 0: the full counts)
set -u
vmlinuz=$1 initrd=$2
export BENCH_ROUNDS=$3 BENCH_ITERATIONS=${4:-0}
log=$(dirname "$initrd")/console-bench.log.txt
rm -f "$log"
vm-tests/run-vm.sh "$vmlinuz" "$initrd" bench
count=$(grep -E '^bench: [0-9]+ passed, [0-9]+ failed$' "$log" 2>/dev/null | tail -n 1)
if [ -z "$count" ]; then
	echo "# the bench printed no count (console: $log)"
	echo "bench: 0 passed, 1 failed"
	exit 1
fi
if ! grep -qx 'LSMGUARD-VM: bench exited 0' "$log"; then
	echo "# the bench did not exit 0 ($(grep '^LSMGUARD-VM: bench exited' "$log" || echo 'no exit status'))"
	case $count in *" 0 failed") echo "${count% 0 failed} 1 failed" ;; esac
	exit 1
fi
case $count in *" 0 failed") exit 0 ;; esac
exit 1
