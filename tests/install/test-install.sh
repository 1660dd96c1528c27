#!/usr/bin/env bash
# Install and packaging: `make install` (PREFIX, DESTDIR), the unit file's syntax
# (systemd-analyze verify), the manual pages (man --warnings), the bash completion, and the
# Debian package (`make deb`) installed with apt on this machine, checked, then purged. Not as
# root, the package cannot be installed: those tests are reported skipped ("ok N - ... # SKIP").
# Usage: tests/install/test-install.sh BUILD
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
work=$(mktemp -d /tmp/lsmguard-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0 n=0

ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
# not_ok NAME DETAIL...: every line of the details indented, so none reads as a TAP result
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '%s\n' "$@" | sed 's/^/    /'; }
check() { local name=$1; shift; if "$@" >"$work/out" 2>&1; then ok "$name"; else not_ok "$name" "$(head -c 800 "$work/out")"; fi; }

# ---- make install ----
dest=$work/dest
check "make install PREFIX=/usr/local DESTDIR=..." make -s install PREFIX=/usr/local DESTDIR="$dest" BUILD="$build"
(cd "$dest" && find . -type f | sort) >"$work/files"
cat >"$work/want" <<'EOF'
./etc/lsmguard/policy.d/README
./etc/lsmguard/policy.d/logrotate.ini.example
./etc/lsmguard/policy.d/nginx.ini.example
./etc/lsmguard/policy.d/postgresql.ini.example
./etc/lsmguard/policy.d/redis.ini.example
./etc/lsmguard/policy.d/sshd.ini.example
./usr/local/lib/systemd/system/lsmguard.service
./usr/local/sbin/lsmguard
./usr/local/share/bash-completion/completions/lsmguard
./usr/local/share/man/man5/lsmguard.ini.5
./usr/local/share/man/man8/lsmguard.8
EOF
check "installed files are exactly the expected ones" diff -u "$work/want" "$work/files"
unit=$dest/usr/local/lib/systemd/system/lsmguard.service
check "the unit runs the installed binary" grep -qx 'ExecStart=/usr/local/sbin/lsmguard run --stop-guard --metrics-file /run/lsmguard/lsmguard.prom' "$unit"
check "the unit's stop clears the stop guard" grep -qx 'ExecStop=/usr/local/sbin/lsmguard stop' "$unit"
check "a stop that skipped ExecStop= still stops the daemon" grep -qx 'ExecStopPost=-/usr/local/sbin/lsmguard stop --main-pid=${MAINPID}' "$unit"
check "the unit is Type=notify" grep -qx 'Type=notify' "$unit"
check "the unit reloads with SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
check "the unit restarts on any exit" grep -qx 'Restart=always' "$unit"
check "journald does not rate-limit the unit's events" grep -qx 'LogRateLimitIntervalSec=0' "$unit"
check "the OOM killer never picks the daemon" grep -qx 'OOMScoreAdjust=-1000' "$unit"
check "systemd never gives up restarting it" grep -qx 'StartLimitIntervalSec=0' "$unit"
# verify checks that the executables exist: point the unit at the DESTDIR copy.
sed "s|/usr/local/sbin/lsmguard|$dest/usr/local/sbin/lsmguard|" "$unit" >"$work/lsmguard.service"
check "systemd-analyze verify accepts the unit" systemd-analyze verify --man=no "$work/lsmguard.service"

mkdir "$work/pd"
# One set of paths (issue 14): the policies go where the installed binary, its manual and its
# README look for them, with PREFIX=/usr/local as with the package's /usr.
check "the installed binary reads the installed policy directory" \
	grep -q -- "--policy-dir DIR *the policy directory (/etc/lsmguard/policy.d)" \
	<("$dest/usr/local/sbin/lsmguard" help run)
check "the installed manual names the installed policy directory" \
	grep -q "/etc/lsmguard/policy.d" "$dest/usr/local/share/man/man8/lsmguard.8"
check "the installed README names the installed policy directory" \
	grep -q "/etc/lsmguard/policy.d" "$dest/etc/lsmguard/policy.d/README"
for f in "$dest"/etc/lsmguard/policy.d/*.ini.example; do
	b=$(basename "$f" .example)
	install -m 0644 "$f" "$work/pd/$b"
done
check "the installed examples pass lsmguard check" "$dest/usr/local/sbin/lsmguard" check "$work/pd"

# ---- manual pages ----
for page in "$dest/usr/local/share/man/man8/lsmguard.8" "$dest/usr/local/share/man/man5/lsmguard.ini.5"; do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$work/page" 2>"$work/warn"
	if [ -s "$work/warn" ]; then not_ok "$(basename "$page") renders without warnings" "$(head -5 "$work/warn")"
	else ok "$(basename "$page") renders without warnings"; fi
done
check "lsmguard(8) has its sections" grep -q '^SYNOPSIS' <(LC_ALL=C.UTF-8 man -l "$dest/usr/local/share/man/man8/lsmguard.8" 2>/dev/null)
check "lsmguard.ini(5) has the policy reference" grep -q '^WHICH RULE DECIDES' <(LC_ALL=C.UTF-8 man -l "$dest/usr/local/share/man/man5/lsmguard.ini.5" 2>/dev/null)

# ---- bash completion ----
complete_words() { # the completions of the command line "$@" (the last word is being typed)
	bash -c '
		source "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_lsmguard
		printf "%s\n" "${COMPREPLY[@]}"' "$dest/usr/local/share/bash-completion/completions/lsmguard" "$@"
}
check "completion of commands" diff <(complete_words lsmguard ex | sort) <(printf '%s\n' exec explain)
check "completion of explain's operations" diff <(complete_words lsmguard explain nginx open | sort) <(printf '%s\n' open-read open-write)

# ---- the Debian package ----
if dpkg-query -W -f='${Status}' lsmguard 2>/dev/null | grep -q 'install ok installed'; then
	apt-get purge -y -q lsmguard >/dev/null 2>&1 # a leftover of an interrupted run
fi
check "make deb" make -s deb BUILD="$build"
deb=$(ls "$build"/deb/lsmguard_*_amd64.deb 2>/dev/null | head -n 1)
package_tests=(
	"apt installs the package"
	"the installed lsmguard runs"
	"systemd-analyze verify accepts the installed unit"
	"the unit is Type=notify in the installed package"
	"the unit is installed disabled"
	"the packaged files are owned by root"
	"the packaged examples pass lsmguard check"
	"man finds the packaged pages"
	"an upgrade never stops lsmguard (no stop in preinst or for prerm's upgrade)"
	"apt remove ends enforcement (prerm runs lsmguard unload)"
	"apt purges the package"
	"nothing is left in /usr/sbin"
)
if [ "$(id -u)" != 0 ]; then
	for t in "${package_tests[@]}"; do skip "$t" "installing a package needs root"; done
elif [ -d /sys/fs/bpf/lsmguard/links ]; then
	# a real lsmguard enforces on this host: removing the package (prerm) would end it
	for t in "${package_tests[@]}"; do
		not_ok "$t" "lsmguard enforces on this host; the package tests would end it (run them where it does not)"
	done
elif [ -z "$deb" ]; then
	not_ok "make deb produced a package" "$(ls "$build"/deb 2>&1)"
else
	check "${package_tests[0]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$(realpath "$deb")"
	check "${package_tests[1]}" /usr/sbin/lsmguard --version
	check "${package_tests[2]}" systemd-analyze verify /lib/systemd/system/lsmguard.service
	check "${package_tests[3]}" grep -qx 'Type=notify' /lib/systemd/system/lsmguard.service
	# --root: read the unit files and their links, with or without systemd running.
	check "${package_tests[4]}" test "$(systemctl --root=/ is-enabled lsmguard.service 2>&1)" = disabled
	check "${package_tests[5]}" test -z "$(find /usr/sbin/lsmguard /lib/systemd/system/lsmguard.service \
		/etc/lsmguard ! -user root -o ! -group root 2>&1)"
	mkdir "$work/pd2"
	for f in /etc/lsmguard/policy.d/*.ini.example; do install -m 0644 "$f" "$work/pd2/$(basename "$f" .example)"; done
	check "${package_tests[6]}" /usr/sbin/lsmguard check "$work/pd2"
	check "${package_tests[7]}" man -w lsmguard.ini
	# preinst stops nothing; prerm's only stop is under "remove" (dh_installsystemd
	# --no-stop-on-upgrade), so postinst finds the daemon running and hands over
	no_stop_on_upgrade() {
		! grep -q 'stop' /var/lib/dpkg/info/lsmguard.preinst 2>/dev/null &&
			awk '/deb-systemd-invoke stop|systemctl stop/ && !r {bad = 1} /"\$1" = remove/ {r = 1}
			     /^fi/ {r = 0} END {exit bad}' /var/lib/dpkg/info/lsmguard.prerm
	}
	check "${package_tests[8]}" no_stop_on_upgrade
	# on this host no programs are pinned: unload says so, from prerm
	removed_and_unloaded() {
		env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q lsmguard >"$work/remove" 2>&1 &&
			grep -q "lsmguard: nothing to unload" "$work/remove" && test ! -e /usr/sbin/lsmguard
	}
	check "${package_tests[9]}" removed_and_unloaded
	check "${package_tests[10]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q lsmguard
	check "${package_tests[11]}" test ! -e /usr/sbin/lsmguard
fi

echo "install: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
