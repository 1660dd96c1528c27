#!/usr/bin/env bash
# Fetch Debian's cloud kernel (the version linux-image-cloud-amd64 depends on) without
# installing it, as OUT_DIR/vmlinuz. Cached: a second run does nothing.
# Usage: vm-tests/fetch-kernel.sh OUT_DIR   -> prints the vmlinuz path
set -euo pipefail
out=$1
mkdir -p "$out"
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
