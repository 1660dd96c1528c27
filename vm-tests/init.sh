#!/bin/busybox sh
# /init of the test VM: mount what the kernel does not, run the suite, print the result, power
# off. The host reads the serial console; no result line means the run failed.
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ip link set lo up
echo "LSMGUARD-VM: kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm)"
MODE=$(sed -n 's/.*lsmguard.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ "$MODE" = demo ]; then
	/demo.sh
elif [ "$MODE" = bench ]; then
	/bin/bench "$(sed -n 's/.*lsmguard.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)"
else
	/bin/vmtest
	echo "LSMGUARD-VM: suite exited $?"
	if [ -s /run/daemon.err ]; then
		echo "LSMGUARD-VM: daemon stderr (last 20 lines):"
		tail -n 20 /run/daemon.err | sed 's/^/# /'
	fi
fi
echo "LSMGUARD-VM: done"
poweroff -f
