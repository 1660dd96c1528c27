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
# The vm-tests bind the daemons' $NOTIFY_SOCKET and read it only in the cases about it: a queue
# this long keeps every notification of a run (the 1,000 reloads too), so that no READY=1 fails
# with EAGAIN, a daemon warning the runner would have caused (systemd reads its socket).
echo 65536 >/proc/sys/net/unix/max_dgram_qlen
echo "LSMGUARD-VM: kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm)"
MODE=$(sed -n 's/.*lsmguard.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ "$MODE" = demo ]; then
	/demo.sh
elif [ "$MODE" = bench ]; then
	/bin/bench "$(sed -n 's/.*lsmguard.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)" \
		"$(sed -n 's/.*lsmguard.iterations=\([0-9]*\).*/\1/p' /proc/cmdline)"
	echo "LSMGUARD-VM: bench exited $?"
else
	# lsmguard.cases=A,B (VM_CASES on the host) runs only those cases (shell patterns too);
	# -A,-B all but those.
	# A passing run is quiet: the TAP lines and their diagnostics are standard output; what the
	# cases' own commands say on standard error (a refused cat, a loader's error, a shell's
	# "Terminated", the daemon's warnings about a test policy: expected, and read as failures)
	# is kept, and shown with the kernel's warnings only when the suite fails (the console shows
	# only the kernel's errors, "quiet").
	# A run that hangs until the host kills it would take that evidence with it: five minutes
	# before the host's limit (lsmguard.watch, vm-tests/run-vm.sh), what the cases said is
	# shown anyway.
	watch=$(sed -n 's/.*lsmguard.watch=\([0-9]*\).*/\1/p' /proc/cmdline)
	# (marked "# watch| ": a passing suite's standard error reads like failures by design, and
	# tests/noise.sh leaves these lines out; a slow run that then passes is not a noisy one)
	(sleep "${watch:-2400}" && echo "LSMGUARD-VM: still running after ${watch:-2400} s; the" \
		"cases' standard error (the last 60):" &&
		tail -n 60 /run/cases.err | sed 's/^/# watch| /') &
	watcher=$!
	# (the names may be patterns, for vmtest to match: no globbing here)
	set -f
	/bin/vmtest $(sed -n 's/.*lsmguard.cases=\([A-Za-z0-9_,*-]*\).*/\1/p' /proc/cmdline | tr , ' ') \
		2>/run/cases.err
	status=$?
	set +f
	kill "$watcher" 2>/dev/null
	echo "LSMGUARD-VM: suite exited $status"
	# The daemon's event lines, for the schema check on the host (tests/schema): up to 20 of
	# each kind (event, hook, result), so that a flood does not flood the console.
	awk '{ k = ""
		if (match($0, /"event":"[a-z_]*"/)) k = substr($0, RSTART, RLENGTH)
		if (match($0, /"hook":"[a-z_]*"/)) k = k substr($0, RSTART, RLENGTH)
		if (match($0, /"result":"[a-z]*"/)) k = k substr($0, RSTART, RLENGTH)
		if (k != "" && n[k]++ < 20) print "LSMGUARD-EVENT " $0 }' /run/events.log
	if [ "$status" != 0 ]; then
		echo "LSMGUARD-VM: the cases' standard error, $(wc -l </run/cases.err) lines (the last 60):"
		tail -n 60 /run/cases.err | sed 's/^/# /'
		# A case fails on a daemon warning it did not declare; the whole stderr is here.
		if [ -s /run/daemon.err ]; then
			echo "LSMGUARD-VM: daemon stderr, $(wc -l </run/daemon.err) lines (the last 20):"
			tail -n 20 /run/daemon.err | sed 's/^/# /'
		fi
		echo "LSMGUARD-VM: the kernel's warnings and errors (the last 40):"
		dmesg -r | grep -E '^<[0-4]>' | tail -n 40 | sed 's/^/# /'
	fi
	# A kernel bug is never quiet, whatever the suite says.
	dmesg | grep -E 'BUG:|WARNING:|Oops|general protection' | sed 's/^/LSMGUARD-VM: kernel: /'
fi
echo "LSMGUARD-VM: done"
poweroff -f
