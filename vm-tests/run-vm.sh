#!/usr/bin/env bash
# Boot the test kernel with the initramfs under qemu (TCG: KVM does not work on these machines)
# and report what the guest printed. A guest that crashes, hangs past the time limit or prints
# no result line is a failure: the result starts as failed, as the kernel's vmtest.sh does.
# Usage: vm-tests/run-vm.sh VMLINUZ INITRD [test|demo]
set -u
vmlinuz=$1 initrd=$2 mode=${3:-test}
timeout_s=${VM_TIMEOUT:-600}
log=$(dirname "$initrd")/console-$mode.log
if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "#############################################################"
	echo "# vm-tests SKIPPED: qemu-system-x86_64 is missing (make deps) #"
	echo "#############################################################"
	echo "vm: 0 passed, 1 failed"
	exit 1
fi
# The benchmark runs on one vCPU with qemu's instruction counting (-icount): the guest's clock
# advances by 2^shift ns per guest instruction, so host load and qemu's own timing cannot move
# the figures (see docs/performance.md for what that clock does and does not measure).
cpu_args=(-smp 2)
[ "$mode" = bench ] && cpu_args=(-smp 1 -icount "shift=${VM_ICOUNT_SHIFT:-0},sleep=off,align=off")
timeout --foreground "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max "${cpu_args[@]}" -m 1G \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 lsm=lockdown,capability,landlock,yama,bpf panic=-1 quiet lsmguard.mode=$mode lsmguard.rounds=${BENCH_ROUNDS:-7}${VM_CASES:+ lsmguard.cases=$VM_CASES}" \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none </dev/null >"$log" 2>&1
status=$?
# The console has carriage returns and firmware escape sequences: keep the guest's lines.
tr -d '\r' <"$log" | sed -n 's/^.*\(LSMGUARD-VM: kernel\)/\1/; /LSMGUARD-VM: kernel/,$p' | grep -v '^\[ *[0-9.]*\] reboot' >"$log.txt"
cat "$log.txt"
if [ "$mode" = test ]; then
	if ! grep -qE '^vm: [0-9]+ passed, [0-9]+ failed$' "$log.txt"; then
		[ "$status" = 124 ] && echo "# the guest did not finish in ${timeout_s}s"
		echo "# no result from the guest (qemu exit $status); console: $log"
		echo "vm: 0 passed, 1 failed"
		exit 1
	fi
	grep -qE '^vm: [0-9]+ passed, 0 failed$' "$log.txt"
fi
