#!/bin/sh
# The real-services test, as a oneshot unit once multi-user.target is reached: each service
# runs in the cgroup systemd gave it, under its example policy in enforce mode. Each is
# exercised as a client would, then attacked from inside its cgroup (svc moves itself there).
# TAP lines, then "realsvc: N passed, N failed".
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "#   $2"; }
check() { name=$1; shift; if "$@" >/tmp/out 2>&1; then ok "$name"; else not_ok "$name" "$(head -c 500 /tmp/out | tr '\n' ' ')"; fi; }
wait_for() { for i in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }
events() { journalctl -u lsmguard -o cat --no-pager 2>/dev/null; }
# expect_denied NAME POLICY CGROUP OP ARG [PORT] NEEDLE
expect_denied() {
	name=$1 policy=$2 cgroup=$3 op=$4 arg=$5 needle=$7
	got=$(svc "$op" "$cgroup" "$arg" $6)
	if [ "$got" = EPERM ]; then ok "$name: EPERM"; else not_ok "$name: EPERM" "got '$got'"; fi
	if wait_for sh -c "journalctl -u lsmguard -o cat --no-pager | grep '\"event\":\"deny\"' | grep '\"policy\":\"$policy\"' | grep '\"comm\":\"svc\"' | grep -q '$needle'"; then
		ok "$name: deny event of $policy"
	else
		not_ok "$name: deny event of $policy" "$(events | grep "\"policy\":\"$policy\"" | tail -2)"
	fi
}
# ssh_root COMMAND...: as root over ssh with the key; $SSH_EXTRA: more ssh options (-v).
ssh_root() {
	ssh ${SSH_EXTRA:-} -i /root/.ssh/id_ed25519 -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes root@127.0.0.1 "$@"
}
login_runs_a_command() { ssh_root echo logged-in | grep -qx logged-in; }
session_is_in_its_scope() {
	ssh_root cat /proc/self/cgroup | grep -q '^0::/user.slice/user-0.slice/session-[0-9]*.scope$'
}
echo "REALSVC: kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm)"

# Type=notify: systemd calls the unit active only once the daemon sent READY=1, which it does
# after its canary proved enforcement; the ready event in the journal says so.
notify_ready_after_canary() {
	type=$(systemctl show -p Type --value lsmguard.service)
	state=$(systemctl is-active lsmguard.service)
	ready=$(events | grep '"event":"ready"' | tail -1)
	echo "Type=$type, $state, ready event: $ready"
	[ "$type" = notify ] && [ "$state" = active ] &&
		echo "$ready" | grep -qF '"canary":"ok"'
}
check "lsmguard.service is active (Type=notify: the canary proved enforcement)" notify_ready_after_canary
check "lsmguard status says enforcement is active" sh -c 'lsmguard status | grep -q "enforcement: active"'
# The unit runs the daemon with --stop-guard: status names the pid PID 1 cannot signal.
guard_shown() {
	main=$(systemctl show -p MainPID --value lsmguard.service)
	lsmguard status | grep stop.guard
	lsmguard status | grep -qxF "stop guard: on (PID 1 cannot signal pid $main before \`lsmguard stop\`)" &&
		lsmguard status --json | grep -qF "\"stop_guard_pid\":$main,"
}
check "lsmguard status shows the stop guard on lsmguard.service's main process" guard_shown
# in_force POLICY UNIT: POLICY is in force, in enforce mode, on the cgroup systemd gave UNIT.
in_force() {
	cgroup=$(systemctl show -p ControlGroup --value "$2")
	entry=$(lsmguard status --json |
		grep -oE "\{\"name\":\"$1\",\"id\":[0-9]+,\"mode\":\"[a-z]+\",\"cgroup\":\"[^\"]*\"")
	echo "$2 runs in '$cgroup'; status: $entry"
	[ -n "$cgroup" ] && echo "$entry" | grep -qF "\"mode\":\"enforce\",\"cgroup\":\"$cgroup\""
}
check "policy nginx is in force in enforce mode on nginx.service's cgroup" in_force nginx nginx.service
check "policy sshd is in force in enforce mode on ssh.service's cgroup" in_force sshd ssh.service
check "policy postgresql is in force in enforce mode on postgresql@15-main.service's cgroup" \
	in_force postgresql postgresql@15-main.service
for u in nginx.service ssh.service postgresql@15-main.service; do
	check "$u is active" systemctl is-active "$u"
done

# nginx: serves its default page.
NGINX=/system.slice/nginx.service
check "nginx serves its page" sh -c 'wget -q -O - http://127.0.0.1/ | grep -q "Welcome to nginx"'

# check knows what the programs need (issue 14): on this Debian 12, with nginx, sshd and
# PostgreSQL installed, every example policy, the README's and docs/policy.md's first one pass
# `lsmguard check` without a warning (each program's loader, libraries and interpreters
# allowed, nothing both writable and executable); one without its libraries warns.
check_quiet() { out=$(lsmguard check "$1" 2>&1) && ! printf '%s\n' "$out" | grep -q warning || { echo "$out"; return 1; }; }
for d in examples readme policy-md; do
	check "lsmguard check /usr/share/lsmguard/$d: policy OK, no warning" check_quiet "/usr/share/lsmguard/$d"
done
# ...and they run it (issue 14): each in turn becomes nginx.ini (with the hardened unit's runtime
# directory, as build.sh adds to the example), lsmguard reloads, nginx restarts (its ExecStop
# too) and serves its page, and nothing nginx's own processes did was denied; then the example
# is back in force.
reloaded() {
	before=$(events | grep -c '"event":"reload","result":"ok"')
	systemctl reload lsmguard.service || return 1
	wait_for sh -c "[ \$(journalctl -u lsmguard -o cat --no-pager | grep -c '\"event\":\"reload\",\"result\":\"ok\"') -gt $before ]"
}
runs_nginx() {
	since=$(events | wc -l)
	[ -e /tmp/nginx.ini.in-force ] || cp -p /etc/lsmguard/policy.d/nginx.ini /tmp/nginx.ini.in-force
	sed 's|^allow = /run/nginx.pid *\(;.*\)\{0,1\}$|&\nallow = /run/nginx-hardened/|' "$1" \
		>/etc/lsmguard/policy.d/nginx.ini
	grep -qx 'allow = /run/nginx-hardened/' /etc/lsmguard/policy.d/nginx.ini || { echo "no pid rule in $1"; return 1; }
	reloaded || { echo "no reload"; return 1; }
	systemctl restart nginx.service && systemctl is-active nginx.service &&
		wget -q -O - http://127.0.0.1/ | grep -q "Welcome to nginx" || { echo "nginx did not serve"; return 1; }
	denied=$(events | tail -n +$((since + 1)) | grep '"event":"deny"' | grep '"policy":"nginx"' | head -5)
	echo "denied: $denied"
	[ -z "$denied" ]
}
# On a failure, the policy in force is put back at once, so that later tests run under it.
runs_nginx_or_restore() {
	runs_nginx "$1" && return 0
	cp -p /tmp/nginx.ini.in-force /etc/lsmguard/policy.d/nginx.ini && reloaded &&
		systemctl restart nginx.service
	return 1
}
for d in readme policy-md; do
	check "the $d policy runs Debian 12's nginx: reload, restart, its page, no denial" \
		runs_nginx_or_restore "/usr/share/lsmguard/$d/nginx.ini"
done
restore_example() {
	cp -p /tmp/nginx.ini.in-force /etc/lsmguard/policy.d/nginx.ini && reloaded && systemctl restart nginx.service && systemctl is-active nginx.service &&
		wget -q -O - http://127.0.0.1/ | grep -q "Welcome to nginx"
}
check "the example nginx.ini is back in force and nginx serves its page" restore_example
needs_warning() {
	mkdir -p /tmp/nolibs && sed '/^allow = \/usr\/lib\/x86_64-linux-gnu\//d' \
		/usr/share/lsmguard/readme/nginx.ini >/tmp/nolibs/nginx.ini && chmod 0644 /tmp/nolibs/nginx.ini &&
		lsmguard check /tmp/nolibs 2>&1 | grep -q "nginx.ini:[0-9]*: warning: \[exec\] allows /usr/sbin/nginx, which needs /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 (/lib64/ld-linux-x86-64.so.2, the dynamic loader of /usr/sbin/nginx) and [0-9]* more there, refused by \[exec\] default = deny; add allow = /usr/lib/x86_64-linux-gnu/"
}
check "without its libraries the README's policy warns, naming the rule to add" needs_warning
expect_denied "nginx: read /etc/shadow" nginx $NGINX open /etc/shadow "" '"path":"/etc/shadow"'
expect_denied "nginx: run a shell" nginx $NGINX exec /bin/sh "" '"path":"/usr/bin/dash"'
expect_denied "nginx: connect out" nginx $NGINX connect 192.0.2.1 443 '"address":"192.0.2.1"'
# A server on a port nginx.ini does not name (bind), and on "some ephemeral port" (listen).
expect_denied "nginx: bind a port of its own" nginx $NGINX listen 0.0.0.0 4444 \
	'"hook":"socket_bind","access":"listen",.*"address":"0.0.0.0","port":4444,"protocol":"tcp"'
expect_denied "nginx: listen on an ephemeral port" nginx $NGINX listen 0.0.0.0 0 \
	'"hook":"socket_listen","access":"listen",.*"address":"0.0.0.0","port":0,"protocol":"tcp"'

# nginx runs hardened (build.sh's drop-in): systemd's child made its private mount namespace,
# /tmp, /dev (mknod) and /run/nginx-hardened inside nginx's cgroup, in lsmguard's setup window.
hardened() {
	props=$(systemctl show -p PrivateTmp -p PrivateDevices -p ProtectSystem -p ProtectHome \
		-p RuntimeDirectory nginx.service | tr '\n' ' ')
	main=$(systemctl show -p MainPID --value nginx.service)
	echo "$props; MainPID $main: $(readlink /proc/$main/ns/mnt) vs $(readlink /proc/1/ns/mnt)"
	echo "$props" | grep -q 'PrivateTmp=yes' && echo "$props" | grep -q 'PrivateDevices=yes' &&
		echo "$props" | grep -q 'ProtectSystem=strict' && [ -d /run/nginx-hardened ] &&
		[ "$(readlink /proc/$main/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] &&
		[ -c /proc/$main/root/dev/null ] && ! [ -e /proc/$main/root/dev/sda ]
}
check "nginx runs with PrivateTmp, PrivateDevices, ProtectSystem=strict, its own namespace" hardened
restarted() {
	for i in 1 2 3; do
		systemctl restart nginx.service || return 1
		systemctl is-active nginx.service || return 1
		wait_for sh -c 'wget -q -O - http://127.0.0.1/ | grep -q "Welcome to nginx"' || return 1
	done
}
check "nginx, restarted three times, serves its page each time" restarted
# ... and the service's own code gets none of it.
expect_denied "nginx: unshare(CLONE_NEWUSER)" nginx $NGINX unshare-user - "" \
	'"hook":"userns_create",.*"source":"built-in: a confined task cannot create user namespaces'
# nginx.ini keeps no CAP_SYS_ADMIN: its unshare(CLONE_NEWNS) is refused as a capability; the
# mount built-in is shown in probe's cgroup (every rule open, no [capabilities]).
expect_denied "nginx: unshare(CLONE_NEWNS) for a tmpfs mount (CAP_SYS_ADMIN, not kept)" nginx $NGINX \
	mount-tmpfs /mnt "" '"hook":"capable",.*"capability":"CAP_SYS_ADMIN"'
expect_denied "nginx: mknod a character device" nginx $NGINX mknod /tmp/lg-null "" \
	'"hook":"path_mknod",.*"source":"built-in: a confined task cannot create device nodes.*"path":"/tmp/lg-null"'
expect_denied "nginx: SCHED_FIFO for itself (CAP_SYS_NICE, not kept)" nginx $NGINX sched-fifo - "" \
	'"hook":"capable",.*"capability":"CAP_SYS_NICE"'

# sshd: a key login runs a command (the session leaves ssh.service for user.slice).
SSH=/system.slice/ssh.service
check "a key login over ssh runs a command" login_runs_a_command
check "the ssh session runs outside ssh.service, in its logind session scope" session_is_in_its_scope
expect_denied "sshd: run a shell" sshd $SSH exec /bin/sh "" '"path":"/usr/bin/dash"'
expect_denied "sshd: connect out" sshd $SSH connect 192.0.2.1 25 '"address":"192.0.2.1"'
expect_denied "sshd: bind a port of its own" sshd $SSH listen 0.0.0.0 2222 \
	'"hook":"socket_bind","access":"listen",.*"address":"0.0.0.0","port":2222,"protocol":"tcp"'
expect_denied "sshd: listen on an ephemeral port" sshd $SSH listen 0.0.0.0 0 \
	'"hook":"socket_listen","access":"listen",.*"address":"0.0.0.0","port":0,"protocol":"tcp"'
expect_denied "sshd: SCHED_FIFO for itself (CAP_SYS_NICE, not kept)" sshd $SSH sched-fifo - "" \
	'"hook":"capable",.*"capability":"CAP_SYS_NICE"'

# PostgreSQL 15: answers a query.
PG=/system.slice/system-postgresql.slice/postgresql@15-main.service
check "postgres answers a query" sh -c 'su postgres -s /bin/sh -c "psql -tAc \"select 40 + 2\"" | grep -qx 42'
expect_denied "postgres: read /etc/shadow" postgresql $PG open /etc/shadow "" '"path":"/etc/shadow"'
expect_denied "postgres: run a program it does not need" postgresql $PG exec /usr/bin/wget "" '"path":"/usr/bin/wget"'
expect_denied "postgres: connect out" postgresql $PG connect 192.0.2.1 80 '"address":"192.0.2.1"'
# A unix socket is a write at its path ([files]): nginx may not reach PostgreSQL's socket, nor
# PostgreSQL (Type=forking) the manager's notify socket; their own sockets and syslog stay open.
expect_denied "nginx: connect PostgreSQL's socket" nginx $NGINX unix-connect \
	/run/postgresql/.s.PGSQL.5432 "" '"hook":"unix_stream_connect",.*"path":"/run/postgresql/.s.PGSQL.5432"'
expect_denied "postgres: a datagram to the manager's notify socket" postgresql $PG unix-send \
	/run/systemd/notify STATUS=realsvc '"hook":"unix_may_send",.*"path":"/run/systemd/notify"'
check "postgres: its own socket connects" sh -c "svc unix-connect $PG /run/postgresql/.s.PGSQL.5432 | grep -qx OK"
check "sshd: syslog through /dev/log" sh -c "svc unix-send $SSH /dev/log '<13>realsvc: sshd syslog' | grep -qx OK"
# Its own port on every address: postgresql.ini names 127.0.0.1 and ::1 only.
expect_denied "postgres: bind 0.0.0.0:5433" postgresql $PG listen 0.0.0.0 5433 \
	'"hook":"socket_bind","access":"listen",.*"address":"0.0.0.0","port":5433,"protocol":"tcp"'
expect_denied "postgres: listen on an ephemeral port" postgresql $PG listen 0.0.0.0 0 \
	'"hook":"socket_listen","access":"listen",.*"address":"0.0.0.0","port":0,"protocol":"tcp"'
expect_denied "postgres: SCHED_FIFO for itself (CAP_SYS_NICE, not kept)" postgresql $PG sched-fifo - "" \
	'"hook":"capable",.*"capability":"CAP_SYS_NICE"'

# The one denial postgresql.ini documents: pg_ctlcluster (Perl, as root) reads the shadow
# entry with every getpwnam; denied, logged, harmless.
SHADOW_LOOKUP='"policy":"postgresql".*"path":"/etc/shadow".*"comm":"pg_ctlcluster"'
check "postgres: pg_ctlcluster's shadow lookup is denied and logged, as its policy says" \
	sh -c "journalctl -u lsmguard -o cat --no-pager | grep '\"event\":\"deny\"' | grep -q '$SHADOW_LOOKUP'"

# The service manager is out of every confined task's reach (a protection): its private socket,
# the D-Bus system bus (sshd's policy opts in: pam_systemd), signals to PID 1.
expect_denied "nginx: connect systemd's private socket" nginx $NGINX unix-connect \
	/run/systemd/private "" '"hook":"unix_stream_connect",.*"path":"/run/systemd/private"'
expect_denied "nginx: connect the D-Bus system bus" nginx $NGINX unix-connect \
	/run/dbus/system_bus_socket "" '"hook":"unix_stream_connect",.*"path":"/run/dbus/system_bus_socket"'
# glibc's SIGRTMIN is 34: 35 is systemd's SIGRTMIN+1.
expect_denied "postgres: SIGRTMIN+1 to PID 1 (isolate rescue.target)" postgresql $PG kill-init \
	35 "" '"hook":"task_kill",.*"path":"PID 1 (the service manager)"'
# ... while systemd's other sockets, which services log and notify through, stay open (the
# units' stdout streams are connected by systemd's child: every unit here started).
journal_reachable() {
	svc unix-send $NGINX /run/systemd/journal/socket "MESSAGE=realsvc: a line from nginx's cgroup" |
		grep -qx OK &&
		wait_for sh -c 'journalctl -o cat --no-pager | grep -q "realsvc: a line from nginx"'
}
check "nginx's cgroup still reaches journald (native datagram)" journal_reachable
# Journal entries filed under lsmguard.service by another unit (attack run 15): journald keeps a
# root sender's OBJECT_SYSTEMD_UNIT=, and `journalctl -u lsmguard` shows the entry.
forged_journal_entry() { # CGROUP WHO: the datagram's answer
	svc unix-send "$1" /run/systemd/journal/socket "$(printf 'MESSAGE=realsvc: filed under lsmguard by %s\nOBJECT_SYSTEMD_UNIT=lsmguard.service' "$2")"
}
journal_forged_control() {
	[ "$(forged_journal_entry / "an unconfined root")" = OK ] &&
		wait_for sh -c 'journalctl -u lsmguard -o cat --no-pager | grep -q "filed under lsmguard by an unconfined root"'
}
check "journal control: an unconfined root's OBJECT_SYSTEMD_UNIT=lsmguard.service shows in journalctl -u lsmguard" \
	journal_forged_control
journal_forged_refused() {
	got=$(forged_journal_entry $NGINX nginx)
	echo "nginx's cgroup: $got"
	[ "$got" = EPERM ] &&
		wait_for sh -c "journalctl -u lsmguard -o cat --no-pager | grep '\"event\":\"deny\"' | grep '\"policy\":\"nginx\"' | grep -q '\"path\":\"OBJECT_ or COREDUMP fields to the journal\"'" &&
		! journalctl -u lsmguard -o cat --no-pager | grep -q "filed under lsmguard by nginx"
}
check "nginx: an entry with OBJECT_SYSTEMD_UNIT=lsmguard.service is refused (EPERM, deny event, not in journalctl -u lsmguard)" \
	journal_forged_refused
expect_denied "nginx: a stream of its own to journald (the header names a unit)" nginx $NGINX \
	unix-connect /run/systemd/journal/stdout "" '"hook":"unix_stream_connect",.*"path":"a journal stream opened by a confined task'
check "journal control: an unconfined root connects to journald's stdout stream" \
	sh -c "svc unix-connect / /run/systemd/journal/stdout | grep -qx OK"
# A root service whose rules allow everything still cannot stop or blind lsmguard through
# systemd, nor start a unit outside every policy.
PROBE=/system.slice/lgprobe.service
check "policy probe is in force in enforce mode on lgprobe.service's cgroup" in_force probe lgprobe.service
LSMGUARD_PID=$(systemctl show -p MainPID --value lsmguard.service)
expect_denied "probe: unshare(CLONE_NEWNS), mount tmpfs" probe $PROBE mount-tmpfs /mnt "" \
	'"hook":"sb_mount",.*"source":"built-in: a confined task cannot mount, .*"path":"/mnt"'
# A unit with PrivateTmp= and the default MountFlags= (its namespace slave, then shared again)
# under mount = namespace mounts, binds and unmounts in its /tmp (review 48 M2: the shared flag
# alone refused it); with a namespace copied from its own held, a mount under /tmp would
# propagate into that one: EPERM, and the deny event names the built-in.
# The one denial unit_mounts wants: the mount while a copied namespace is held (its /tmp/c).
MOUNTNS_HELD='"hook":"sb_mount","access":"write","policy":"mountns",.*"path":"/tmp/systemd-private-[0-9a-f]*-lgmountns.service-[A-Za-z0-9]*/tmp/c",'
unit_mounts() {
	systemctl start lgmountns.service
	cat /run/lgmountns.result
	grep -q '^propagation of /tmp: shared:[0-9]' /run/lgmountns.result &&
		grep -qx 'tmpfs 0' /run/lgmountns.result && grep -qx 'bind 0' /run/lgmountns.result &&
		grep -qx 'read own' /run/lgmountns.result &&
		grep -qx 'umount-bind 0' /run/lgmountns.result &&
		grep -qx 'umount 0' /run/lgmountns.result &&
		grep -q 'permission denied' /run/lgmountns.result &&
		grep -qx 'held-copy 32' /run/lgmountns.result &&
		wait_for sh -c "journalctl -u lsmguard -o cat --no-pager | grep '\"event\":\"deny\"' | grep '\"source\":\"built-in: a confined task cannot mount, ' | grep -q '$MOUNTNS_HELD'" &&
		[ "$(events | grep '"event":"deny"' | grep -c '"policy":"mountns"')" = 1 ]
}
check "mountns: a unit's own mounts in its shared-again namespace work; one reaching a copied namespace is refused" \
	unit_mounts
# refused PROGRAM...: run in probe's cgroup, it fails for want of the service manager.
refused() {
	out=$(svc cmd $PROBE -- "$@" 2>&1)
	rc=$?
	echo "exit $rc: $out"
	[ "$rc" != 0 ] && echo "$out" | grep -q 'Operation not permitted'
}
check "probe: programs run (control): systemctl --version" svc cmd $PROBE -- /usr/bin/systemctl --version
check "probe: systemctl stop lsmguard fails" refused /usr/bin/systemctl stop lsmguard.service
check "probe: systemctl kill -s SIGSTOP lsmguard fails" \
	refused /usr/bin/systemctl kill -s SIGSTOP lsmguard.service
check "probe: busctl StopUnit lsmguard fails" refused /usr/bin/busctl call org.freedesktop.systemd1 \
	/org/freedesktop/systemd1 org.freedesktop.systemd1.Manager StopUnit ss lsmguard.service replace
check "probe: systemd-run of a unit outside every policy fails" \
	refused /usr/bin/systemd-run --wait --quiet /bin/true
# journald's varlink socket (/run/systemd/journal/io.systemd.journal) takes RelinquishVar (the
# persistent journal stops: found by attack run 5) and Rotate from any uid 0 peer.
relinquish_var() {
	refused /usr/bin/journalctl --relinquish-var
	rc=$?
	echo "journald says: $(journalctl -b -u systemd-journald -o cat --no-pager | tail -n 2 |
		tr '\n' ' ')"
	journalctl --flush >/dev/null 2>&1
	return $rc
}
check "probe: journalctl --relinquish-var (journald's varlink) fails" relinquish_var
check "probe: journalctl --rotate (journald's varlink) fails" refused /usr/bin/journalctl --rotate
still_running() {
	state=$(systemctl is-active lsmguard.service)
	pid=$(systemctl show -p MainPID --value lsmguard.service)
	echo "$state, main PID $pid (was $LSMGUARD_PID): $(grep State: /proc/$pid/status)"
	[ "$state" = active ] && [ "$pid" = "$LSMGUARD_PID" ] && grep -q '^State:.*[RS]' /proc/$pid/status
}
check "lsmguard.service stays active, same process, not stopped" still_running
# journald: no confined task stops it (every log on the host, lsmguard's events among them);
# it restarts with a new pid and is still refused; lsmguard's stream to it survives that.
journald_running() {
	pid=$(systemctl show -p MainPID --value systemd-journald.service)
	echo "journald $pid: $(grep State: /proc/$pid/status)"
	[ "$pid" -gt 1 ] && grep -q '^State:.*[RS]' /proc/$pid/status
}
journald_refused() {
	refused /bin/kill -s STOP "$(systemctl show -p MainPID --value systemd-journald.service)" &&
		journald_running
}
check "probe: kill -STOP systemd-journald fails" journald_refused
check "the OOM killer never picks lsmguard (OOMScoreAdjust=-1000)" \
	grep -qx -- -1000 /proc/$LSMGUARD_PID/oom_score_adj
journald_restarted_still_refused() {
	old=$(systemctl show -p MainPID --value systemd-journald.service)
	systemctl restart systemd-journald.service || return 1
	new=$(systemctl show -p MainPID --value systemd-journald.service)
	echo "journald $old -> $new"
	[ "$new" != "$old" ] && journald_refused
}
check "journald restarted: a new pid, still refused" journald_restarted_still_refused
expect_denied "after journald's restart, lsmguard's events still reach the journal" nginx $NGINX \
	open /etc/machine-id "" '"path":"/etc/machine-id"'
check "probe: systemctl's connections are denied and logged" sh -c "journalctl -u lsmguard -o cat \
	--no-pager | grep '\"event\":\"deny\"' | grep '\"policy\":\"probe\"' | grep '\"comm\":\"systemctl\"' |
	grep -q '\"hook\":\"unix_stream_connect\"'"

# Host code: what systemd runs as root at its next daemon-reload or boot. The files are staged
# here (unconfined); the probe, whose rules allow every write, only puts them where systemd
# reads them, and each copy fails with EPERM.
mkdir -p /usr/local/share/lgt-host
cat >/usr/local/share/lgt-host/generator <<'EOF2'
#!/bin/sh
cat /proc/self/cgroup >/run/lgt-generator-ran
mkdir -p "$1/lsmguard.service.d"
printf '[Service]\nEnvironment=LGT_GENERATOR=1\n' >"$1/lsmguard.service.d/lgt.conf"
EOF2
chmod 755 /usr/local/share/lgt-host/generator
printf '[Service]\nEnvironment=LGT_DROPIN=1\n' >/usr/local/share/lgt-host/dropin.conf
printf 'f+ /etc/lsmguard/lgt-planted 0644 root root - planted\n' >/usr/local/share/lgt-host/tmpfiles.conf
plant_generator() {
	out=$(svc cmd $PROBE -- /bin/sh -c 'mkdir -p /etc/systemd/system-generators; echo mkdir $?;
		cp /usr/local/share/lgt-host/generator /usr/lib/systemd/system-generators/lgt; echo gen $?;
		mkdir -p /usr/local/lib/systemd/system/service.d; echo mkdir-local $?;
		mkdir -p /etc/systemd/system/ssh.service.d; echo dropin-dir $?' 2>&1)
	echo "$out" | tr '\n' ' '
	rm -f /run/lgt-generator-ran
	systemctl daemon-reload # an administrator's routine reload (apt does it)
	env=$(systemctl show -p Environment lsmguard.service ssh.service)
	echo "generator ran: '$(cat /run/lgt-generator-ran 2>/dev/null)'; $env"
	[ ! -e /run/lgt-generator-ran ] && ! echo "$env" | grep -q LGT_ &&
		[ "$(echo "$out" | grep -c ' 1$')" = 4 ] && echo "$out" | grep -q 'Operation not permitted'
}
check "probe: a generator or a drop-in systemd would run cannot be planted (host code)" plant_generator
plant_tmpfiles() {
	svc cmd $PROBE -- /bin/cp /usr/local/share/lgt-host/tmpfiles.conf /etc/tmpfiles.d/lgt.conf
	rc=$?
	systemd-tmpfiles --create # what systemd-tmpfiles-setup.service does at boot
	echo "cp exit $rc; planted: '$(cat /etc/lsmguard/lgt-planted 2>/dev/null)'"
	rm -f /etc/tmpfiles.d/lgt.conf /etc/lsmguard/lgt-planted
	[ "$rc" != 0 ] && [ ! -e /etc/lsmguard/lgt-planted ]
}
check "probe: a tmpfiles.d entry that writes into /etc/lsmguard cannot be planted (host code)" \
	plant_tmpfiles
check "probe: host code refusals are logged with their reason" sh -c "journalctl -u lsmguard -o cat \
	--no-pager | grep '\"event\":\"deny\"' | grep '\"policy\":\"probe\"' |
	grep '\"path\":\"/etc/tmpfiles.d/lgt.conf\"' | grep -q 'host-code = allow'"

# What the whole host lives by (attack run 4, vm-tests/hoststate.c for the rest).
# Root's user manager (user@0.service, started at root's next login, outside every policy)
# runs the generators in /run/systemd/user-generators as root.
cat >/usr/local/share/lgt-host/user-generator <<'EOF2'
#!/bin/sh
{ cat /proc/self/cgroup; id -u; } >/run/lgt-user-generator-ran
EOF2
chmod 755 /usr/local/share/lgt-host/user-generator
user_generator() {
	out=$(svc cmd $PROBE -- /bin/sh -c 'mkdir -p /run/systemd/user-generators; echo mkdir $?;
		cp /usr/local/share/lgt-host/user-generator /run/systemd/user-generators/lgt; echo cp $?' 2>&1)
	echo "$out" | tr '\n' ' '
	rm -f /run/lgt-user-generator-ran
	systemctl stop user@0.service >/dev/null 2>&1
	ssh_root true
	for i in $(seq 1 30); do [ -e /run/lgt-user-generator-ran ] && break; sleep 0.5; done
	echo "generator ran: '$(tr '\n' ' ' </run/lgt-user-generator-ran 2>/dev/null)'"
	rm -rf /run/systemd/user-generators/lgt
	[ ! -e /run/lgt-user-generator-ran ] && echo "$out" | grep -q 'cp 1'
}
check "host: the probe cannot plant a generator that root's user manager runs" user_generator
# journald's stdout socket and PID 1's notify socket: renamed away, every later start of
# lsmguard logs nowhere, or never becomes ready.
stdout_socket() {
	svc cmd $PROBE -- /bin/mv /run/systemd/journal/stdout /run/systemd/journal/stdout.lgt
	rc=$?
	echo "mv exit $rc"
	[ "$rc" != 0 ] && [ -S /run/systemd/journal/stdout ] && return 0
	mv /run/systemd/journal/stdout.lgt /run/systemd/journal/stdout
	return 1
}
check "host: the probe cannot rename journald's stdout socket away" stdout_socket
notify_socket() {
	svc cmd $PROBE -- /bin/mv /run/systemd/notify /run/systemd/notify.lgt
	rc=$?
	echo "mv exit $rc"
	[ "$rc" = 0 ] && mv /run/systemd/notify.lgt /run/systemd/notify
	[ "$rc" != 0 ] && [ -S /run/systemd/notify ]
}
check "host: the probe cannot rename systemd's notify socket away" notify_socket
# Another user's logins: its authorized_keys, then ssh as that user (the session runs in
# user.slice, outside every policy).
other_users_login() {
	id lgtuser >/dev/null 2>&1 || useradd -m -s /bin/sh lgtuser
	out=$(svc cmd $PROBE -- /bin/sh -c 'rm -f /tmp/lgtkey /tmp/lgtkey.pub
		ssh-keygen -q -t ed25519 -N "" -f /tmp/lgtkey; mkdir -p /home/lgtuser/.ssh; echo mkdir $?
		cp /tmp/lgtkey.pub /home/lgtuser/.ssh/authorized_keys; echo keys $?
		ssh -i /tmp/lgtkey -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
			-o BatchMode=yes lgtuser@127.0.0.1 "id -un; cat /proc/self/cgroup"' 2>&1)
	echo "$out" | tr '\n' ' '
	echo "$out" | grep -q 'keys 1' && ! echo "$out" | grep -q 'session-[0-9]*\.scope'
}
check "host: the probe cannot log in as another user through its authorized_keys" \
	other_users_login
# TIOCSTI into an administrator's root login over ssh (a pty).
sti_into_admin_session() {
	rm -f /tmp/lgtfifo /run/lgt-sti-ran
	mkfifo /tmp/lgtfifo
	sleep 40 >/tmp/lgtfifo &
	keeper=$!
	ssh_root -tt sh </tmp/lgtfifo >/tmp/lgtssh.out 2>&1 &
	sshpid=$!
	tty=
	for i in $(seq 1 20); do
		for p in /proc/[0-9]*; do
			t=$(readlink $p/fd/0 2>/dev/null)
			case "$t" in /dev/pts/*) grep -q 'session-' $p/cgroup 2>/dev/null && tty=$t ;; esac
		done
		[ -n "$tty" ] && break
		sleep 0.5
	done
	out=$(svc sti $PROBE "${tty:-/dev/pts/0}" 'cat /proc/self/cgroup > /run/lgt-sti-ran')
	for i in $(seq 1 10); do [ -e /run/lgt-sti-ran ] && break; sleep 0.5; done
	echo "admin's pty '$tty'; TIOCSTI: $out; ran: '$(cat /run/lgt-sti-ran 2>/dev/null)'"
	kill $keeper $sshpid 2>/dev/null
	[ -n "$tty" ] && [ "$out" = EPERM ] && [ ! -e /run/lgt-sti-ran ]
}
check "host: the probe cannot type into an administrator's root session (TIOCSTI)" \
	sti_into_admin_session
# kernel.ftrace_enabled = 0 would switch off every BPF LSM program; then the probe asks PID 1
# for a unit outside every policy.
ftrace_off() {
	svc cmd $PROBE -- /bin/sh -c 'echo 0 > /proc/sys/kernel/ftrace_enabled'
	rc=$?
	echo "write exit $rc, ftrace_enabled $(cat /proc/sys/kernel/ftrace_enabled)"
	rm -f /run/lgt-ftrace-ran
	[ "$rc" = 0 ] && svc cmd $PROBE -- /usr/bin/systemd-run --wait --quiet /bin/sh -c \
		'cat /proc/self/cgroup > /run/lgt-ftrace-ran'
	echo "ran: '$(cat /run/lgt-ftrace-ran 2>/dev/null)'"
	echo 1 >/proc/sys/kernel/ftrace_enabled
	[ "$rc" != 0 ] && [ ! -e /run/lgt-ftrace-ran ]
}
check "host: the probe cannot turn the LSM programs off (kernel.ftrace_enabled = 0)" ftrace_off
# PID 1's own limits: RLIMIT_NOFILE 12, then an administrator restarts lsmguard.
pid1_nofile() {
	was=$(prlimit --pid 1 --nofile --output SOFT,HARD --noheadings | awk '{print $1 ":" $2}')
	svc cmd $PROBE -- /usr/bin/prlimit --pid 1 --nofile=12:12
	rc=$?
	now=$(prlimit --pid 1 --nofile --output SOFT,HARD --noheadings | awk '{print $1 ":" $2}')
	echo "prlimit by the probe: exit $rc; PID 1's limit $was -> $now"
	[ "$now" != "$was" ] && prlimit --pid 1 --nofile="$was"
	[ "$rc" != 0 ] && [ "$now" = "$was" ]
}
check "host: the probe cannot cut PID 1's file limit" pid1_nofile
# journald's limits and priority (its signals are refused too): the evidence's keeper.
journald_tuning() {
	j=$(systemctl show -p MainPID --value systemd-journald.service)
	was=$(prlimit --pid "$j" --nofile --output SOFT,HARD --noheadings | awk '{print $1 ":" $2}')
	svc cmd $PROBE -- /usr/bin/prlimit --pid "$j" --nofile=12:12
	rc=$?
	svc cmd $PROBE -- /usr/bin/renice -n 19 -p "$j"
	rn=$?
	now=$(prlimit --pid "$j" --nofile --output SOFT,HARD --noheadings | awk '{print $1 ":" $2}')
	echo "journald $j: prlimit exit $rc, renice exit $rn; limit $was -> $now; nice $(ps -o ni= -p "$j")"
	[ "$now" != "$was" ] && prlimit --pid "$j" --nofile="$was"
	renice -n 0 -p "$j" >/dev/null
	[ "$rc" != 0 ] && [ "$rn" != 0 ] && [ "$now" = "$was" ]
}
check "host: the probe cannot cut journald's file limit or priority" journald_tuning
host_logged() {
	events | grep '"policy":"probe"' | grep '"path":"/proc/sys/kernel/ftrace_enabled"' |
		grep -q 'bind every process' &&
		events | grep '"policy":"probe"' | grep -q 'cannot type into a terminal or console'
}
check "host: the refusals are logged with their reasons" host_logged

# Credentials: journald and systemd name the sender of a message by the pid its SCM_CREDENTIALS
# carry (journald: _PID, _SYSTEMD_UNIT; systemd: the unit whose sd_notify it is). The probe, a
# confined root (CAP_SYS_ADMIN), may claim only its own pid.
LG_PID=$(systemctl show -p MainPID --value lsmguard.service)
creds_journal() {
	forged=$(svc send-creds $PROBE /run/systemd/journal/socket "$LG_PID" 0 0 \
		"MESSAGE=creds-forged: written by lgprobe.service")
	own=$(svc send-creds $PROBE /run/systemd/journal/socket self 0 0 \
		"MESSAGE=creds-own: written by lgprobe.service")
	sleep 2
	n_forged=$(journalctl -o cat --no-pager | grep -c 'creds-forged')
	n_own=$(journalctl -o cat --no-pager | grep -c 'creds-own')
	echo "as lsmguard ($LG_PID): $forged, lines in the journal $n_forged; as itself: $own," \
		"lines $n_own"
	[ "$forged" = EPERM ] && [ "$n_forged" = 0 ] && [ "$own" = OK ] && [ "$n_own" = 1 ]
}
check "creds: the probe cannot write lines into lsmguard's journal (SCM_CREDENTIALS)" creds_journal
check "creds: the refusal is logged with the claimed credentials" sh -c "journalctl -u lsmguard \
	-o cat --no-pager | grep '\"event\":\"deny\"' | grep '\"policy\":\"probe\"' |
	grep '\"hook\":\"socket_sendmsg\"' | grep -q 'SCM_CREDENTIALS pid $LG_PID uid 0 gid 0'"
# sd_notify in lsmguard's name: STATUS= (the unconfined control shows the channel works),
# WATCHDOG=trigger (PID 1 would kill lsmguard with SIGABRT), MAINPID= (systemctl reload, kill and
# stop would reach the probe's process).
creds_notify_status() {
	control=$(svc send-creds / /run/systemd/notify "$LG_PID" 0 0 "STATUS=creds: control")
	sleep 1
	shown=$(systemctl show -p StatusText --value lsmguard.service)
	forged=$(svc send-creds $PROBE /run/systemd/notify "$LG_PID" 0 0 "STATUS=creds: forged")
	sleep 1
	now=$(systemctl show -p StatusText --value lsmguard.service)
	echo "unconfined: $control, StatusText '$shown'; the probe: $forged, StatusText '$now'"
	[ "$control" = OK ] && [ "$shown" = "creds: control" ] && [ "$forged" = EPERM ] &&
		[ "$now" = "creds: control" ]
}
check "creds: the probe cannot set lsmguard.service's status (sd_notify STATUS=)" creds_notify_status
creds_notify_watchdog() {
	forged=$(svc send-creds $PROBE /run/systemd/notify "$LG_PID" 0 0 "WATCHDOG=trigger")
	sleep 5
	main=$(systemctl show -p MainPID --value lsmguard.service)
	echo "the probe: $forged; lsmguard.service $(systemctl is-active lsmguard.service), MainPID" \
		"$LG_PID -> $main"
	[ "$forged" = EPERM ] && [ "$main" = "$LG_PID" ] && systemctl is-active lsmguard.service
}
check "creds: the probe cannot make PID 1 kill lsmguard (sd_notify WATCHDOG=trigger)" \
	creds_notify_watchdog
creds_notify_mainpid() {
	svc cmd $PROBE -- /bin/sh -c 'sleep 300 >/dev/null 2>&1 & echo $! >/run/creds-sleeper'
	sleeper=$(cat /run/creds-sleeper)
	forged=$(svc send-creds $PROBE /run/systemd/notify "$LG_PID" 0 0 "MAINPID=$sleeper")
	sleep 1
	main=$(systemctl show -p MainPID --value lsmguard.service)
	kill "$sleeper"
	echo "the probe's sleeper $sleeper; the probe: $forged; MainPID $LG_PID -> $main"
	[ "$main" != "$LG_PID" ] && systemctl restart lsmguard.service
	[ "$forged" = EPERM ] && [ "$main" = "$LG_PID" ]
}
check "creds: the probe cannot make its process lsmguard.service's main process (MAINPID=)" \
	creds_notify_mainpid
# MAINPID= with the sender's own credentials: lgnotify.service (Type=notify, root, under policy
# notify-probe) has its own main process tell PID 1 that lsmguard is its main process. systemd
# 252 would take it (a root sender may name a process outside its unit) and signal lsmguard at
# the unit's stop; lsmguard refuses the datagram (unix_may_send, on the kernel's copy). The control,
# lgnotify-free.service under no policy, names a sleeper outside it: systemd takes it, and the
# unit's stop kills the sleeper.
notify_unit_says() { # UNIT LINE: the unit's own main process sends LINE
	printf '%s\n' "$2" >"/run/$1.fifo"
	sleep 2
}
notify_mainpid_own_credentials() {
	systemctl start lgnotify.service lgnotify-free.service || return 1
	wait_for test -p /run/lgnotify.fifo && wait_for test -p /run/lgnotify-free.fifo || return 1
	own=$(systemctl show -p MainPID --value lgnotify.service)
	notify_unit_says lgnotify "MAINPID=$LG_PID"
	after=$(systemctl show -p MainPID --value lgnotify.service)
	sleep 300 >/dev/null 2>&1 &
	sleeper=$!
	free=$(systemctl show -p MainPID --value lgnotify-free.service)
	notify_unit_says lgnotify-free "MAINPID=$sleeper"
	free_after=$(systemctl show -p MainPID --value lgnotify-free.service)
	systemctl stop lgnotify.service lgnotify-free.service
	sleep 1
	lg_now=$(systemctl show -p MainPID --value lsmguard.service)
	if kill -0 "$sleeper" 2>/dev/null; then sleeper_state=alive; kill "$sleeper"; else sleeper_state=gone; fi
	echo "lgnotify.service MainPID $own, after MAINPID=$LG_PID: $after; lsmguard.service" \
		"$(systemctl is-active lsmguard.service) MainPID $LG_PID -> $lg_now after the stop;" \
		"control: MainPID $free, after MAINPID=$sleeper: $free_after, sleeper after the stop:" \
		"$sleeper_state"
	[ -n "$own" ] && [ "$own" != 0 ] && [ "$after" = "$own" ] && [ "$lg_now" = "$LG_PID" ] &&
		systemctl is-active lsmguard.service && [ "$free_after" = "$sleeper" ] &&
		[ "$sleeper_state" = gone ]
}
check "creds: a confined unit's own main process cannot make lsmguard its main process (MAINPID=, own credentials)" \
	notify_mainpid_own_credentials
check "creds: the refused MAINPID= is logged (unix_may_send, notify-probe)" sh -c "journalctl \
	-u lsmguard -o cat --no-pager | grep '\"event\":\"deny\"' | grep '\"policy\":\"notify-probe\"' |
	grep '\"hook\":\"unix_may_send\"' | grep -q '\"path\":\"MAINPID=$LG_PID to a notify socket\"'"
# PIDFile=: a Type=forking confined root unit writes another process's pid into its pid file.
# systemd 252 takes a pid outside the unit from a root-owned pid file, and the unit's stop
# signals it. The control: a sleeper outside every unit, which the unit's stop kills (the route
# is open for every process but lsmguard, docs/security.md). lsmguard's daemon runs with
# --stop-guard: PID 1's signals to it are refused, it stays, and the refusal is an event.
pidfile_names_another() {
	sleep 300 >/dev/null 2>&1 &
	sleeper=$!
	echo "$sleeper" >/run/lgpidfile.want
	systemctl start lgpidfile.service
	main=$(systemctl show -p MainPID --value lgpidfile.service)
	systemctl stop lgpidfile.service
	sleep 1
	if kill -0 "$sleeper" 2>/dev/null; then state=alive; kill "$sleeper"; else state=gone; fi
	echo "control: the pid file named the sleeper $sleeper; lgpidfile.service MainPID $main;" \
		"after its stop the sleeper is $state (systemd took it and signalled it)"
	[ "$main" = "$sleeper" ] && [ "$state" = gone ]
}
check "creds: PIDFile= naming a process outside the unit is taken by systemd (control: a sleeper)" \
	pidfile_names_another
STOP_GUARDED='"source":"built-in: the service manager (PID 1) cannot signal lsmguard before `lsmguard stop`.*"path":"lsmguard (a unit.s main pid?), by PID 1"'
pidfile_names_lsmguard() {
	before=$(journalctl -u lsmguard -o cat --no-pager | grep -c "$STOP_GUARDED")
	echo "$LG_PID" >/run/lgpidfile.want
	systemctl start lgpidfile.service
	main=$(systemctl show -p MainPID --value lgpidfile.service)
	systemctl stop lgpidfile.service
	stopped=$?
	result=$(systemctl show -p Result --value lgpidfile.service)
	systemctl reset-failed lgpidfile.service 2>/dev/null
	sleep 1
	now=$(systemctl show -p MainPID --value lsmguard.service)
	if kill -0 "$LG_PID" 2>/dev/null; then state=alive; else state=gone; fi
	after=$(journalctl -u lsmguard -o cat --no-pager | grep '"event":"deny"' |
		grep '"hook":"task_kill"' | grep -c "$STOP_GUARDED")
	echo "$after" >/run/lg-stop-guard-refusals
	echo "the pid file named lsmguard ($LG_PID); lgpidfile.service MainPID $main; its stop" \
		"exited $stopped with result $result; lsmguard is $state, lsmguard.service" \
		"$(systemctl is-active lsmguard.service) MainPID $now; refusals logged $before -> $after"
	[ "$main" = "$LG_PID" ] && [ "$state" = alive ] && [ "$now" = "$LG_PID" ] &&
		systemctl is-active lsmguard.service && [ "$after" -gt "$before" ]
}
check "creds: PIDFile= naming lsmguard: the unit's stop does not stop it (--stop-guard)" \
	pidfile_names_lsmguard
# A confused deputy: confined nginx (a root master) writes lsmguard's pid into its own pid file,
# then an administrator's unconfined `nginx -s SIGNAL` (or a logrotate script's kill of the
# pid in /run/nginx.pid) signals what the file names. The daemon ignores the signals it has no
# use for (reopen is SIGUSR1, quit SIGQUIT), and under --stop-guard a SIGTERM (stop) from
# anything but lsmguard's executable. The control: nginx's real pid is signalled as asked.
deputy_pid_file() {
	real=$(cat /run/nginx.pid)
	w=$(svc replace $NGINX /run/nginx.pid "$LG_PID")
	named=$(cat /run/nginx.pid)
	for s in reopen quit stop; do nginx -s "$s" >/dev/null 2>&1; done
	sleep 1
	if kill -0 "$LG_PID" 2>/dev/null; then state=alive; else state=gone; fi
	now=$(systemctl show -p MainPID --value lsmguard.service)
	ignored=$(journalctl -u lsmguard -o cat --no-pager | grep -c "ignored signal 15 from pid .*(nginx")
	echo "$real" >/run/nginx.pid
	nginx -s reopen >/dev/null 2>&1
	echo "nginx's cgroup wrote lsmguard's pid: $w (the file named $named); after nginx -s" \
		"reopen, quit and stop: lsmguard $LG_PID is $state, MainPID $now, SIGTERMs ignored:" \
		"$ignored; control: nginx $(systemctl is-active nginx.service) after its own reopen"
	[ "$named" = "$LG_PID" ] && [ "$state" = alive ] && [ "$now" = "$LG_PID" ] &&
		[ "$ignored" -ge 1 ] && systemctl is-active nginx.service
}
check "creds: nginx -s reopen|quit|stop through a pid file confined nginx rewrote leaves lsmguard running" \
	deputy_pid_file
# The pid file: a clean stop removes it; a daemon that died (SIGKILL: a crash, the OOM killer)
# leaves it, and the probe puts a process named lsmguard at its pid, holding the locks a reader
# can take on the file. systemd's restart starts lsmguard all the same.
creds_clean_stop() {
	systemctl stop lsmguard.service
	left=$(ls /run/lsmguard/ 2>&1 | tr '\n' ' ')
	systemctl start lsmguard.service
	echo "after the stop, /run/lsmguard holds: $left; then $(systemctl is-active lsmguard.service)"
	! echo "$left" | grep -q 'lsmguard.pid' && systemctl is-active lsmguard.service
}
check "creds: a clean stop removes lsmguard's pid file" creds_clean_stop
creds_stale_pid() {
	old=$(systemctl show -p MainPID --value lsmguard.service)
	kill -KILL "$old"
	for i in $(seq 1 100); do [ -e "/proc/$old" ] || break; sleep 0.02; done
	named=$(cat /run/lsmguard/lsmguard.pid)
	imp=$(svc impostor $PROBE "$old")
	comm=$(cat "/proc/$imp/comm" 2>/dev/null)
	sleep 1
	wait_for systemctl is-active lsmguard.service
	new=$(systemctl show -p MainPID --value lsmguard.service)
	refused=$(journalctl -u lsmguard -o cat --no-pager | grep -c 'already running')
	echo "killed $old (the file named $named); impostor '$imp' ($comm, in" \
		"$(cut -d: -f3 /proc/$imp/cgroup 2>/dev/null)); lsmguard.service" \
		"$(systemctl is-active lsmguard.service), MainPID $new; 'already running' lines: $refused"
	[ -n "$imp" ] && [ "$imp" -gt 1 ] && kill "$imp"
	[ "$named" = "$old" ] && [ "$imp" = "$old" ] && [ "$comm" = lsmguard ] &&
		systemctl is-active lsmguard.service && [ "$new" != "$old" ] && [ "$new" != 0 ] &&
		[ "$refused" = 0 ]
}
check "creds: a process named lsmguard at the dead daemon's pid does not keep it down" \
	creds_stale_pid

# The stop guard refused PID 1 only at lgpidfile.service's stop: not at lsmguard.service's own
# stops and restarts since (ExecStop= cleared the guard first).
guard_refusals() {
	now=$(events | grep '"event":"deny"' | grep '"hook":"task_kill"' | grep -c "$STOP_GUARDED")
	echo "refusals of the stop guard: $now; at lgpidfile.service's stop: $(cat /run/lg-stop-guard-refusals)"
	[ "$now" = "$(cat /run/lg-stop-guard-refusals)" ]
}
check "creds: the stop guard refused nothing at lsmguard.service's own stops" guard_refusals
# Apart from that, the services' own work, from boot to here, was never denied.
others=$(events | grep '"event":"deny"' | grep -v '"comm":"svc"' | grep -v "$SHADOW_LOOKUP" |
	grep -v '"policy":"probe"' | grep -v "$STOP_GUARDED" | grep -v "$MOUNTNS_HELD" | head -5)
if [ -z "$others" ]; then ok "the services' own work caused no denial"
else
	not_ok "the services' own work caused no denial" "$others"
	# for diagnosis: when each unit started and lsmguard became ready, and its restarts
	for u in lsmguard.service nginx.service ssh.service postgresql@15-main.service; do
		echo "#   $u: $(systemctl show -p NRestarts -p InactiveExitTimestampMonotonic \
			-p ActiveEnterTimestampMonotonic -p ExecMainStartTimestampMonotonic "$u" |
			tr '\n' ' ')"
	done
	journalctl -b -o short-monotonic --no-pager -u lsmguard.service | grep -v '"event"' |
		head -20 | sed 's/^/#   /'
fi

# ---- the package's upgrade, removal and purge (issue 14), last: they end enforcement ----
# The daemon runs as the package would have it (installed by build.sh as files); the package
# of this build goes over it (v1), then the same repacked as a newer version (v2) is installed
# with apt while code in nginx's cgroup keeps trying to read /etc/shadow: not once may it
# succeed. The new executable is the daemon after, having adopted the pins (its ready event
# says "adopted":true), not loaded new ones. apt remove stops it and ends enforcement (the
# read then succeeds, as documented), apt purge leaves nothing.
PKG=/var/cache/lsmguard-upgrade
leaks=/tmp/upgrade-leaks tries=/tmp/upgrade-tries
: >"$leaks"
: >"$tries"
deny_loop() {
	while [ ! -e /tmp/upgrade-stop ]; do
		r=$(svc open "$NGINX" /etc/shadow)
		echo "$r" >>"$tries"
		# anything but EPERM counts: a try that did not run in the cgroup proves nothing
		[ "$r" != EPERM ] && echo "$r" >>"$leaks"
	done
}
check "apt installs the package over the running daemon (v1)" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$PKG/lsmguard_v1.deb"
old_pid=$(systemctl show -p MainPID --value lsmguard.service)
readies=$(events | grep -c '"event":"ready"')
deny_loop &
loop=$!
sleep 1
check "apt upgrades it (v2) while lsmguard runs" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$PKG/lsmguard_v2.deb"
wait_for sh -c "[ \$(journalctl -u lsmguard -o cat --no-pager | grep -c '\"event\":\"ready\"') -gt $readies ]"
sleep 1
touch /tmp/upgrade-stop
wait "$loop"
new_pid=$(systemctl show -p MainPID --value lsmguard.service)
if [ "$(wc -l <"$tries")" -gt 20 ] && [ ! -s "$leaks" ]; then
	ok "each of $(wc -l <"$tries") reads in nginx's cgroup during the upgrade was refused (EPERM)"
else
	not_ok "each read in nginx's cgroup during the upgrade was refused (EPERM)" \
		"$(wc -l <"$tries") tries, $(wc -l <"$leaks") succeeded; $(sort "$tries" | uniq -c | tr '\n' ' ')"
fi
upgraded() {
	dpkg-query -W -f='${Version}' lsmguard | grep -q '+upgrade$' &&
		[ "$new_pid" != "$old_pid" ] && [ "$new_pid" != 0 ] &&
		[ "$(readlink /proc/"$new_pid"/exe)" = /usr/sbin/lsmguard ] &&
		events | grep '"event":"ready"' | tail -1 | grep -q '"adopted":true'
}
check "the new executable runs the daemon and adopted the pins (ready, \"adopted\":true)" upgraded
expect_denied "after the upgrade, nginx: read /etc/shadow" nginx $NGINX open /etc/shadow "" '"path":"/etc/shadow"'
removed() {
	env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q lsmguard >/tmp/remove.out 2>&1 &&
		grep -q "lsmguard: unloaded: [0-9]* programs detached, enforcement ended" /tmp/remove.out &&
		! systemctl is-active --quiet lsmguard.service && [ ! -e /usr/sbin/lsmguard ] &&
		[ ! -e /sys/fs/bpf/lsmguard ] && [ "$(svc open "$NGINX" /etc/shadow)" = OK ] ||
		{ cat /tmp/remove.out; return 1; }
}
check "apt remove stops the daemon and ends enforcement (the new executable's unload)" removed
purged() {
	env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q lsmguard >/dev/null 2>&1 &&
		! dpkg-query -W lsmguard >/dev/null 2>&1 && [ ! -e /run/lsmguard ] &&
		[ ! -e /etc/lsmguard/policy.d/README ]
}
check "apt purge leaves no package, runtime state or packaged file" purged

if [ "$failed" != 0 ]; then
	echo "# every denial and would-deny, for diagnosis:"
	events | grep -E '"event":"(deny|audit)"' | grep -v '"comm":"svc"' | sed 's/^/# /'
	echo "# ssh -v:"
	SSH_EXTRA=-v ssh_root echo logged-in 2>&1 | tail -25 | sed 's/^/# /'
	echo "# sshd and logind:"
	journalctl -u ssh -u systemd-logind -u postgresql@15-main -o cat --no-pager | tail -30 | sed 's/^/# /'
fi
# Every JSON line lsmguard.service printed, for the event schema check (tests/schema).
events | grep '^{' | sed 's/^/LSMGUARD-EVENT /'
echo "realsvc: $passed passed, $failed failed"
