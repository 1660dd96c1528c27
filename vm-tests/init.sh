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
	# lsmguard.cases=a,b (VM_CASES=a,b on the host): run only those cases.
	CASES=$(sed -n 's/.*lsmguard.cases=\([A-Za-z0-9_,]*\).*/\1/p' /proc/cmdline | tr , ' ')
	/bin/vmtest $CASES
	echo "LSMGUARD-VM: suite exited $?"
	# The daemon's event lines, for the schema check on the host (tests/schema): up to 20 of
	# each kind (event, hook, result), so that a flood does not flood the console.
	awk '{ k = ""
		if (match($0, /"event":"[a-z]*"/)) k = substr($0, RSTART, RLENGTH)
		if (match($0, /"hook":"[a-z_]*"/)) k = k substr($0, RSTART, RLENGTH)
		if (match($0, /"result":"[a-z]*"/)) k = k substr($0, RSTART, RLENGTH)
		if (k != "" && n[k]++ < 20) print "LSMGUARD-EVENT " $0 }' /run/events.log
	if [ -s /run/daemon.err ]; then
		echo "LSMGUARD-VM: daemon stderr (last 20 lines):"
		tail -n 20 /run/daemon.err | sed 's/^/# /'
	fi
fi
echo "LSMGUARD-VM: done"
poweroff -f
