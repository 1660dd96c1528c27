#!/usr/bin/env bash
# Build the real-services VM: a Debian 12 userland made with mmdebstrap from Debian's packages
# (cached in BUILD/realsvc/root.tar between runs), booted with systemd as init from an
# initramfs. lsmguard is installed as a package would install it (the unit enabled, the
# example policies of nginx, ssh and PostgreSQL in /etc/lsmguard/policy.d), and a oneshot unit
# runs test.sh once the services are up, then powers off.
# Usage: vm-tests/realsvc/build.sh BUILD LSMGUARD_STATIC SVC_STATIC
set -euo pipefail
build=$1 lsmguard=$2 svc=$3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$build/realsvc
mkdir -p "$out"
packages=systemd,systemd-sysv,dbus,libpam-systemd,nginx-light,openssh-server,openssh-client,postgresql,wget,iproute2,procps,libbpf1,libelf1,libinih1,apache2-utils,gcc,libc6-dev,make,apparmor
if [ ! -s "$out/root.tar" ] || [ "$(cat "$out/packages" 2>/dev/null)" != "$packages" ]; then
	echo "realsvc: building the Debian 12 userland (mmdebstrap, cached in $out/root.tar)"
	mmdebstrap --variant=minbase --include="$packages" bookworm "$out/root.tmp.tar" >"$out/mmdebstrap.log" 2>&1 ||
		{ tail -20 "$out/mmdebstrap.log"; exit 1; }
	mv "$out/root.tmp.tar" "$out/root.tar"
	echo "$packages" >"$out/packages"
fi
rm -rf "$out/root"
mkdir "$out/root"
tar -C "$out/root" -xf "$out/root.tar"
root=$out/root
# What no test reads, out of the initramfs the guest unpacks into its memory: translations,
# documentation, and gcc's link-time optimiser (the workloads bench's build does not use -flto).
rm -rf "$root/usr/share/locale" "$root/usr/share/doc" "$root/usr/share/man" \
	"$root/usr/lib/gcc/x86_64-linux-gnu/12/lto1" "$root"/usr/bin/x86_64-linux-gnu-lto-dump-12

# lsmguard, as the package installs it, enabled.
install -D -m 0755 "$lsmguard" "$root/usr/sbin/lsmguard"
install -D -m 0755 "$svc" "$root/usr/local/sbin/svc"
sed -e 's|@SBINDIR@|/usr/sbin|g' -e 's|@SYSCONFDIR@|/etc|g' "$top/enforcer/dist/lsmguard.service.in" \
	>"$root/lib/systemd/system/lsmguard.service"
mkdir -p "$root/etc/systemd/system/basic.target.wants" "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /lib/systemd/system/lsmguard.service "$root/etc/systemd/system/basic.target.wants/lsmguard.service"
# The emulated guest loads lsmguard's programs in 80 to 105 s (the verifier under TCG, on two
# vCPUs shared with the services starting beside it; a host does it in seconds): the shipped
# unit's 90 s start limit stopped a load about to succeed (2026-12-07: 103 s, the start timed
# out, the unit restarted over its pins, and two cases failed). This guest's own drop-in.
mkdir -p "$root/etc/systemd/system/lsmguard.service.d"
printf '[Service]\nTimeoutStartSec=300s\n' >"$root/etc/systemd/system/lsmguard.service.d/emulation.conf"
install -d -m 0755 "$root/etc/lsmguard/policy.d"
for p in nginx sshd postgresql; do
	install -m 0644 "$top/policy/examples/$p.ini" "$root/etc/lsmguard/policy.d/"
	# REALSVC_AUDIT=1: a diagnostic boot, the examples in audit mode, every would-deny shown.
	if [ "${REALSVC_AUDIT:-0}" = 1 ]; then
		sed -i 's/^mode = enforce$/mode = audit/' "$root/etc/lsmguard/policy.d/$p.ini"
	fi
done

# The package, twice, for the upgrade test (test.sh): this build's (v1), and the same repacked
# as a newer version (v2), whose unpacking puts a new executable in place as a real upgrade
# does. Its dependencies (libbpf1, libelf1, libinih1) are in the userland above.
make -s -C "$top" deb BUILD="$build" >/dev/null
deb=$(ls "$build"/deb/lsmguard_*_amd64.deb | head -n 1)
install -d -m 0755 "$root/var/cache/lsmguard-upgrade"
cp "$deb" "$root/var/cache/lsmguard-upgrade/lsmguard_v1.deb"
repack=$(mktemp -d)
dpkg-deb -R "$deb" "$repack/pkg"
sed -i 's/^Version: .*/&+upgrade/' "$repack/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$repack/pkg" "$root/var/cache/lsmguard-upgrade/lsmguard_v2.deb" >/dev/null
rm -rf "$repack"

# The policies an administrator starts from, pristine, for `lsmguard check` on this real
# Debian 12 (test.sh): the examples, the README's and docs/policy.md's first ones.
install -d -m 0755 "$root/usr/share/lsmguard/examples" "$root/usr/share/lsmguard/readme" \
	"$root/usr/share/lsmguard/policy-md"
install -m 0644 "$top"/policy/examples/*.ini "$root/usr/share/lsmguard/examples/"
awk '/^```ini$/ {on = 1; next} on && /^```$/ {exit} on' "$top/README.md" \
	>"$root/usr/share/lsmguard/readme/nginx.ini"
awk '/^```ini$/ {on = 1; next} on && /^```$/ {exit} on' "$top/docs/policy.md" \
	>"$root/usr/share/lsmguard/policy-md/nginx.ini"
chmod 0644 "$root"/usr/share/lsmguard/readme/nginx.ini "$root"/usr/share/lsmguard/policy-md/nginx.ini

# nginx hardened as a unit file would be: systemd's child sets up its namespace, mounts, /dev
# nodes and runtime directory inside nginx's cgroup before it executes nginx (lsmguard's setup
# window); nginx's own code gets none of that (test.sh).
mkdir -p "$root/etc/systemd/system/nginx.service.d"
cat >"$root/etc/systemd/system/nginx.service.d/hardening.conf" <<'UNIT'
[Service]
PrivateTmp=yes
ProtectSystem=strict
ReadWritePaths=/var/log/nginx /var/lib/nginx /run
ProtectHome=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RuntimeDirectory=nginx-hardened
UNIT
# A unit's RuntimeDirectory= belongs in its policy: systemd's child opens it (to set its owner and
# mode) before nginx runs, and lsmguard's rules on opens apply in the setup window too.
sed -i 's|^allow = /run/nginx.pid$|&\nallow = /run/nginx-hardened/|' "$root/etc/lsmguard/policy.d/nginx.ini"
grep -qx 'allow = /run/nginx-hardened/' "$root/etc/lsmguard/policy.d/nginx.ini"

# A root service whose policy allows every file, program and address: what it still cannot do
# is what lsmguard's protections refuse (test.sh: reaching the service manager).
cat >"$root/etc/systemd/system/lgprobe.service" <<'UNIT'
[Unit]
Description=lsmguard real-services test: a confined root service with every rule open

[Service]
ExecStart=/bin/sleep infinity
UNIT
cat >"$root/etc/lsmguard/policy.d/probe.ini" <<'POLICY'
[policy]
name = probe
unit = lgprobe.service
mode = enforce

[files]
default = allow

[exec]
default = allow

[network]
default = allow
POLICY

# A root oneshot unit with PrivateTmp= and the default MountFlags= (shared: systemd makes the
# unit's namespace slave, then shared again, each mount a peer group of its own) whose policy
# says mount = namespace: its own mounts in /tmp work; one that would reach a namespace copied
# from its own is refused (test.sh). It writes what each step gave to /run/lgmountns.result.
cat >"$root/etc/systemd/system/lgmountns.service" <<'UNIT'
[Unit]
Description=lsmguard real-services test: mounts of its own in a systemd unit's namespace

[Service]
Type=oneshot
RemainAfterExit=yes
PrivateTmp=yes
ExecStart=/usr/local/sbin/lgmountns
UNIT
cat >"$root/usr/local/sbin/lgmountns" <<'SCRIPT'
#!/bin/sh
# lgmountns.service's main process, in the namespace systemd made for the unit.
exec >/run/lgmountns.result 2>&1
step() { name=$1; shift; "$@"; echo "$name $?"; }
echo "propagation of /tmp: $(grep ' /tmp ' /proc/self/mountinfo | grep -o 'shared:[0-9]*' | head -1)"
mkdir -p /tmp/a /tmp/b /tmp/c
step tmpfs mount -t tmpfs lgmountns /tmp/a
echo own >/tmp/a/f
step bind mount --bind /tmp/a /tmp/b
echo "read $(cat /tmp/b/f)"
step umount-bind umount /tmp/b
step umount umount /tmp/a
# A namespace copied from the unit's (its copies are peers of the unit's mounts): a mount
# under /tmp would propagate into it.
unshare -m --propagation unchanged sleep 30 &
holder=$!
for i in $(seq 1 100); do
	[ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break
	sleep 0.1
done
echo "held copy: $(readlink /proc/$holder/ns/mnt)"
step held-copy mount -t tmpfs lgmountns /tmp/c
kill $holder
SCRIPT
chmod 0755 "$root/usr/local/sbin/lgmountns"
sed -e 's/^name = probe$/name = mountns/' -e 's/^unit = lgprobe.service$/unit = lgmountns.service/' \
	"$root/etc/lsmguard/policy.d/probe.ini" >"$root/etc/lsmguard/policy.d/mountns.ini"
printf '\n[system]\nmount = namespace\n' >>"$root/etc/lsmguard/policy.d/mountns.ini"
grep -qx 'unit = lgmountns.service' "$root/etc/lsmguard/policy.d/mountns.ini"

# Type=notify root units whose own main process relays what the test writes into a fifo to
# the service manager (svc notify-main): lgnotify.service under an allow-everything policy,
# lgnotify-free.service under none (the control). Started by the test.
for unit in lgnotify lgnotify-free; do
	cat >"$root/etc/systemd/system/$unit.service" <<UNIT
[Unit]
Description=lsmguard real-services test: a Type=notify root unit ($unit)

[Service]
Type=notify
NotifyAccess=main
ExecStart=/usr/local/sbin/svc notify-main /run/$unit.fifo
UNIT
done
sed -e 's/^name = probe$/name = notify-probe/' -e 's/^unit = lgprobe.service$/unit = lgnotify.service/' \
	"$root/etc/lsmguard/policy.d/probe.ini" >"$root/etc/lsmguard/policy.d/notify-probe.ini"
grep -qx 'unit = lgnotify.service' "$root/etc/lsmguard/policy.d/notify-probe.ini"
# A Type=forking root unit under the same kind of policy whose pid file names another process
# (the PIDFile= variant of MAINPID=): the test writes the pid to name into /run/lgpidfile.want
# before it starts the unit. A stop whose SIGTERM to the main pid is refused waits
# TimeoutStopSec= for the rest of the unit: 3 s, not 90.
cat >"$root/etc/systemd/system/lgpidfile.service" <<'UNIT'
[Unit]
Description=lsmguard real-services test: a Type=forking root unit whose pid file names another

[Service]
Type=forking
PIDFile=/run/lgpidfile.pid
ExecStart=/bin/sh -c 'sleep infinity & cat /run/lgpidfile.want >/run/lgpidfile.pid'
TimeoutStopSec=3s
UNIT
sed -e 's/^name = probe$/name = pidfile-probe/' -e 's/^unit = lgprobe.service$/unit = lgpidfile.service/' \
	"$root/etc/lsmguard/policy.d/probe.ini" >"$root/etc/lsmguard/policy.d/pidfile-probe.ini"
grep -qx 'unit = lgpidfile.service' "$root/etc/lsmguard/policy.d/pidfile-probe.ini"

# The test, run once the services are up; its output on the serial console.
install -m 0755 "$here/test.sh" "$root/usr/local/sbin/realsvc-test"
cat >"$root/etc/systemd/system/realsvc-test.service" <<'UNIT'
[Unit]
Description=lsmguard real-services test
After=multi-user.target nginx.service ssh.service postgresql@15-main.service lsmguard.service lgprobe.service
Wants=nginx.service ssh.service postgresql@15-main.service lgprobe.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/realsvc-test
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
ExecStopPost=/bin/systemctl --no-block poweroff

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/realsvc-test.service "$root/etc/systemd/system/multi-user.target.wants/realsvc-test.service"

# The workloads bench (bench.sh; make bench-workloads): the same image booted into its own
# target (systemd.unit=realsvc-bench.target on the kernel's command line), which starts nginx
# and lsmguard but none of the test's other services. Its files stay out of /etc/apparmor.d and
# policy.d: bench.sh loads them itself.
install -m 0755 "$here/bench.sh" "$root/usr/local/sbin/realsvc-bench"
install -d -m 0755 "$root/usr/share/lsmguard-bench/apparmor"
install -m 0644 "$here/build.ini" "$root/usr/share/lsmguard-bench/build.ini"
install -m 0644 "$here"/apparmor/lg* "$root/usr/share/lsmguard-bench/apparmor/"
cat >"$root/etc/systemd/system/realsvc-bench.target" <<'UNIT'
[Unit]
Description=lsmguard workloads bench
Requires=basic.target realsvc-bench.service
After=basic.target
AllowIsolate=yes
UNIT
cat >"$root/etc/systemd/system/realsvc-bench.service" <<'UNIT'
[Unit]
Description=lsmguard workloads bench
After=basic.target nginx.service lsmguard.service
Wants=nginx.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/realsvc-bench
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TimeoutStartSec=infinity
ExecStopPost=/bin/systemctl --no-block poweroff
UNIT

# A key login for root; host keys made now (ssh-keygen of the userland itself).
chroot "$root" ssh-keygen -A >/dev/null
mkdir -p -m 0700 "$root/root/.ssh"
rm -f "$root/root/.ssh/id_ed25519"
chroot "$root" ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519
cp "$root/root/.ssh/id_ed25519.pub" "$root/root/.ssh/authorized_keys"

# A quiet, quick boot: what the test does not need is masked.
for u in getty@tty1.service serial-getty@ttyS0.service systemd-timesyncd.service apt-daily.timer \
	apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer dpkg-db-backup.timer \
	systemd-tmpfiles-clean.timer logrotate.timer cron.service remote-fs.target \
	systemd-networkd-wait-online.service; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done
echo realsvc >"$root/etc/hostname"
: >"$root/etc/fstab"
ln -sf /lib/systemd/systemd "$root/init"

(cd "$root" && find . -xdev | cpio -o -H newc --quiet) | gzip -1 >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "realsvc: $(du -h "$out/initrd.gz" | cut -f1) initramfs"
