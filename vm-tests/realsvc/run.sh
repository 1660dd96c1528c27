#!/usr/bin/env bash
# Boot the real-services VM (systemd as init from the initramfs, vm-tests/qemu.sh) and report
# its test's result.
# Usage: vm-tests/realsvc/run.sh VMLINUZ INITRD
set -u
vmlinuz=$1 initrd=$2
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../qemu.sh" --mem 2G --timeout "${VM_TIMEOUT:-900}" --result realsvc \
	--drop-kernel-lines "$vmlinuz" "$initrd" "$(dirname "$initrd")/console.log" "REALSVC: kernel" \
	systemd.show_status=error rdinit=/init
