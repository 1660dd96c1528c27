#!/usr/bin/env bash
# Build the test VM's initramfs: busybox-static, the static lsmguard and test programs, /init.
# Usage: vm-tests/build-initramfs.sh BUILD_DIR OUT.cpio.gz
set -euo pipefail
build=$1 out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
root=$build/vm/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,run,tmp,mnt,etc/lsmguard/policy.d,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
install -m 0755 "$build/lsmguard-static" "$root/bin/lsmguard"
install -m 0755 "$build/vm/vmtest" "$root/bin/vmtest"
install -m 0755 "$build/vm/probe" "$root/bin/probe"
install -m 0755 "$build/vm/bench" "$root/bin/bench"
install -m 0755 "$build/vm/noop" "$root/bin/noop"
install -m 0755 "$top/vm-tests/init.sh" "$root/init"
# overlayfs, a module of the test kernel (vm-tests/fstypes.c loads it)
mkdir -p "$root/usr/lib/modules"
install -m 0644 "$build/vm/overlay.ko" "$root/usr/lib/modules/overlay.ko" # /lib is usr/lib
# RAM disks and MSRs, modules too (vm-tests/hardware.c loads them)
install -m 0644 "$build/vm/brd.ko" "$root/usr/lib/modules/brd.ko"
install -m 0644 "$build/vm/msr.ko" "$root/usr/lib/modules/msr.ko"
# the watchdog core, a software watchdog and HID's core: majors chosen at load (hardware.c)
install -m 0644 "$build/vm/watchdog.ko" "$root/usr/lib/modules/watchdog.ko"
install -m 0644 "$build/vm/softdog.ko" "$root/usr/lib/modules/softdog.ko"
install -m 0644 "$build/vm/hid.ko" "$root/usr/lib/modules/hid.ko"
# SCTP, loaded in that order (vm-tests/sockets.c)
for m in libcrc32c udp_tunnel ip6_udp_tunnel sctp; do
	install -m 0644 "$build/vm/$m.ko" "$root/usr/lib/modules/$m.ko"
done
# btrfs, what it needs, loop devices, a filesystem to mount, and FUSE (vm-tests/btrfs.c)
for m in xor raid6_pq zstd_compress btrfs loop fuse; do
	install -m 0644 "$build/vm/$m.ko" "$root/usr/lib/modules/$m.ko"
done
mkdir -p "$root/usr/share/lsmguard-test"
install -m 0644 "$build/vm/btrfs.img" "$root/usr/share/lsmguard-test/btrfs.img"
install -m 0755 "$top/vm-tests/demo.sh" "$root/demo.sh"
install -m 0644 "$top"/policy/examples/*.ini "$root/etc/lsmguard/"
# The loader and libc, laid out as on Debian 12 (merged /usr), for the dynamically linked tests.
mkdir -p "$root/usr/lib/x86_64-linux-gnu" "$root/lib64" "$root/data/dyn"
cp "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)" \
	"$root/usr/lib/x86_64-linux-gnu/"
ln -s usr/lib "$root/lib"
ln -s ../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
install -m 0755 "$build/vm/dyn" "$root/data/dyn/allowed-dyn"
install -m 0755 "$build/vm/dyn" "$root/data/dyn/denied-dyn"
install -m 0755 "$build/vm/preload.so" "$root/data/dyn/preload.so"
# Debian's AppArmor parser (the bench loads a profile with it; it needs only libc)
install -m 0755 /sbin/apparmor_parser "$root/sbin/apparmor_parser"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
