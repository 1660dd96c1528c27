#!/usr/bin/env bash
# Boot the real-services VM (systemd as init from the initramfs) and report its test's result.
# Usage: vm-tests/realsvc/run.sh VMLINUZ INITRD
set -u
vmlinuz=$1 initrd=$2
log=$(dirname "$initrd")/console.log
for f in "$vmlinuz" "$initrd"; do
	if [ ! -s "$f" ]; then
		echo "# $f is missing: make builds it (make realsvc-check)"
		echo "realsvc: 0 passed, 1 failed"
		exit 1
	fi
done
timeout_s=${VM_TIMEOUT:-900}
timeout --foreground "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2G \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 lsm=lockdown,capability,landlock,yama,bpf panic=-1 quiet systemd.show_status=error rdinit=/init" \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none </dev/null >"$log" 2>&1
status=$?
tr -d '\r' <"$log" | sed -n 's/^.*\(REALSVC: kernel\)/\1/; /REALSVC: kernel/,$p' | grep -v '^\[ *[0-9.]*\] ' >"$log.txt"
cat "$log.txt"
if ! grep -qE '^realsvc: [0-9]+ passed, [0-9]+ failed$' "$log.txt"; then
	[ "$status" = 124 ] && echo "# the guest did not finish in ${timeout_s}s"
	echo "# no result from the guest (qemu exit $status); console: $log"
	tr -d '\r' <"$log" | grep -E 'Failed|failed|error' | tail -15 | sed 's/^/# /'
	echo "realsvc: 0 passed, 1 failed"
	exit 1
fi
grep -qE '^realsvc: [0-9]+ passed, 0 failed$' "$log.txt"
