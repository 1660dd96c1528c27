#!/usr/bin/env bash
# Fetch Debian's cloud kernel (the version linux-image-cloud-amd64 depends on) without
# installing it, as OUT_DIR/vmlinuz. Cached: a second run does nothing.
# Usage: vm-tests/fetch-kernel.sh OUT_DIR   -> prints the vmlinuz path
#        vm-tests/fetch-kernel.sh OUT_DIR overlay   -> OUT_DIR/overlay.ko, the same kernel's
#        overlayfs module (CONFIG_OVERLAY_FS=m), from the package vmlinuz came from; likewise
#        brd (RAM disks, CONFIG_BLK_DEV_RAM=m: a block device for vm-tests/hardware.c) and msr
#        (/dev/cpu/N/msr, CONFIG_X86_MSR=m), watchdog and softdog (the watchdog core and a
#        software watchdog, CONFIG_WATCHDOG_CORE=m: a dynamic major for vm-tests/hardware.c)
#        and hid (HID's core, CONFIG_HID=m, which registers hidraw's major when it loads);
#        sctp (CONFIG_IP_SCTP=m) and what it depends on, libcrc32c, udp_tunnel and
#        ip6_udp_tunnel (vm-tests/sockets.c: SCTP refused by [network] sockets, and connectx);
#        btrfs (CONFIG_BTRFS_FS=m) and what it needs, xor, raid6_pq and zstd_compress, and loop
#        (CONFIG_BLK_DEV_LOOP=m: vm-tests/btrfs.c mounts an image); fuse (CONFIG_FUSE_FS=m:
#        vm-tests/btrfs.c's mount that never answers)
set -euo pipefail
out=$1
want=${2:-vmlinuz}
mkdir -p "$out"
case "$want" in
overlay) module=fs/overlayfs/overlay ;;
brd) module=drivers/block/brd ;;
msr) module=arch/x86/kernel/msr ;;
watchdog) module=drivers/watchdog/watchdog ;;
softdog) module=drivers/watchdog/softdog ;;
hid) module=drivers/hid/hid ;;
sctp) module=net/sctp/sctp ;;
libcrc32c) module=lib/libcrc32c ;;
udp_tunnel) module=net/ipv4/udp_tunnel ;;
ip6_udp_tunnel) module=net/ipv6/ip6_udp_tunnel ;;
xor) module=crypto/xor ;;
raid6_pq) module=lib/raid6/raid6_pq ;;
zstd_compress) module=lib/zstd/zstd_compress ;;
btrfs) module=fs/btrfs/btrfs ;;
loop) module=drivers/block/loop ;;
fuse) module=fs/fuse/fuse ;;
*) module= ;;
esac
if [ -n "$module" ]; then
	[ -s "$out/$want.ko" ] && { echo "$out/$want.ko"; exit 0; }
	pkg=$(cat "$out/kernel-package" 2>/dev/null || true)
	if [ -z "$pkg" ]; then
		echo "fetch-kernel: no $out/kernel-package: fetch the kernel first" >&2
		exit 1
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "fetch-kernel: apt-get download $pkg failed" >&2; exit 1; }
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards "./lib/modules/*/kernel/$module.ko*"
	ko=$(find "$tmp/lib/modules" -name "$want.ko*" | head -n 1)
	case "$ko" in
	*.xz) xz -dc "$ko" >"$out/$want.ko.tmp" ;;
	*.zst) zstd -qdc "$ko" >"$out/$want.ko.tmp" ;;
	*) cp "$ko" "$out/$want.ko.tmp" ;;
	esac
	mv "$out/$want.ko.tmp" "$out/$want.ko"
	echo "$out/$want.ko"
	exit 0
fi
if [ -s "$out/vmlinuz" ]; then
	echo "$out/vmlinuz"
	exit 0
fi
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "fetch-kernel: apt-cache knows no linux-image-cloud-amd64; run apt-get update" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "fetch-kernel: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./boot
cp "$tmp"/boot/config-* "$out"/
cp "$tmp"/boot/vmlinuz-* "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$pkg" >"$out/kernel-package"
echo "$out/vmlinuz"
