#!/bin/sh
# The workloads bench (issue 15), booted from the real-services userland as its own target
# (realsvc-bench.target) with -icount (the guest clock counts guest instructions) and AppArmor
# beside BPF in lsm=. Two workloads a user would recognise:
#   nginx: Debian 12's nginx, hardened as build.sh's drop-in makes it, serving a 1 KiB static
#     file to ab (apache2-utils) on loopback: requests per second of the guest clock;
#   build: a small C project (bench.sh writes it: FILES units and a main) built by make and gcc
#     from a shell in its own unit (systemd-run, lgbuild.service): the guest instructions of
#     `make` from clean, measured inside the job.
# Under four configurations:
#   none      nothing: lsmguard unloaded, no AppArmor profile for either (AppArmor's hooks still
#             run for unconfined tasks, as on a default Debian host);
#   apparmor  profiles of the same intent (/usr/share/lsmguard-bench/apparmor: lgnginx attached
#             to /usr/sbin/nginx at its exec, lgbuild entered by the job's AppArmorProfile=);
#   lsmguard  lsmguard.service started: nginx under policy/examples/nginx.ini, the job under
#             build.ini (both in enforce mode), every other example policy of the image in force;
#   lsmguard-nopolicy  the same daemon and programs with neither nginx.ini nor build.ini: what
#             lsmguard's hooks cost tasks under no policy (ab is one in every configuration).
# Every round visits each configuration once, in alternating order (A B C D, then D C B A), each
# visit after an uncounted warm-up (one build, WARMUP requests). Before it measures, a visit
# proves its state: what a request for /lg-secret (a file readable by every user, outside both
# policies) answers (200, AppArmor's EACCES as 403, lsmguard's EPERM as 500), what the job's
# read of the same file says, and which AppArmor profile nginx's processes and the job run
# under. Every measurement is checked too (every request complete, none failed; the build's
# program runs and prints its checksum).
# Lines: TAP, "WORKLOAD NAME CONFIG ROUND VALUE" per measurement, then the summary
# ("WORKLOADS-TABLE " and "WORKLOADS-JSON " lines) and "workloads: N passed, N failed".
# Kernel arguments: realsvc.rounds=N (3), realsvc.requests=N (2000), realsvc.files=N (8).
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "#   $(echo "$2" | head -c 600 | tr '\n' ' ')"; }
arg() { v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^realsvc\.$1=\([0-9][0-9]*\)$/\1/p" | tail -n 1); echo "${v:-$2}"; }
rounds=$(arg rounds 3) requests=$(arg requests 2000) files=$(arg files 8)
warmup=$((requests / 10 + 1))
profiles=/usr/share/lsmguard-bench/apparmor
secret=/etc/lg-bench-secret
url=http://127.0.0.1
results=/run/workloads.results
: >"$results"
echo "REALSVC: kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm), workloads bench:" \
	"$rounds rounds, $requests requests, a build of $files units"

# The job's policy beside the image's others; the secret, the page, nginx's route to the
# secret; the project.
install -m 0644 /usr/share/lsmguard-bench/build.ini /etc/lsmguard/policy.d/build.ini
echo "lsmguard workloads bench secret" >"$secret" && chmod 0644 "$secret"
head -c 1024 /dev/zero | tr '\0' 'x' >/var/www/html/lg-bench.html
grep -q 'location = /lg-secret' /etc/nginx/sites-enabled/default ||
	sed -i "0,/^\tlocation \/ {/s||\tlocation = /lg-secret { alias $secret; default_type text/plain; }\n&|" \
		/etc/nginx/sites-enabled/default
mkdir -p /srv/build
i=1
while [ "$i" -le "$files" ]; do
	cat >/srv/build/unit$i.c <<EOF
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lgproj.h"

static int compare$i(const void *a, const void *b)
{
	return (*(const unsigned *)a > *(const unsigned *)b) - (*(const unsigned *)a < *(const unsigned *)b);
}

unsigned unit$i(const char *seed)
{
	unsigned v[64], sum = $i;
	char buf[128];
	size_t k;

	for (k = 0; k < 64; k++) {
		snprintf(buf, sizeof(buf), "%s-%zu-%d", seed, k, $i);
		v[k] = (unsigned)strtoul(buf + strlen(seed) + 1, NULL, 10) * 2654435761u + (unsigned)strlen(buf);
	}
	qsort(v, 64, sizeof(v[0]), compare$i);
	for (k = 0; k < 64; k++)
		sum = sum * 31 + v[k];
	return sum;
}
EOF
	i=$((i + 1))
done
{
	echo '#ifndef LGPROJ_H'; echo '#define LGPROJ_H'
	i=1; while [ "$i" -le "$files" ]; do echo "unsigned unit$i(const char *seed);"; i=$((i + 1)); done
	echo '#endif'
} >/srv/build/lgproj.h
{
	echo '#include <stdio.h>'; echo '#include "lgproj.h"'
	echo 'int main(void)'; echo '{'; echo '	unsigned sum = 0;'
	i=1; while [ "$i" -le "$files" ]; do echo "	sum ^= unit$i(\"lsmguard\");"; i=$((i + 1)); done
	echo '	printf("lgproj %08x\\n", sum);'; echo '	return 0;'; echo '}'
} >/srv/build/main.c
objs="main.o"; i=1; while [ "$i" -le "$files" ]; do objs="$objs unit$i.o"; i=$((i + 1)); done
printf 'CC = gcc\nCFLAGS = -O2 -Wall -g\nOBJS = %s\nlgproj: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %%.c lgproj.h\n\t$(CC) $(CFLAGS) -c -o $@ $<\nclean:\n\trm -f lgproj $(OBJS)\n' \
	"$objs" >/srv/build/Makefile
# The job: its state, then the timed build from clean, then its program's output.
cat >/srv/build/job.sh <<EOF
cd /srv/build || exit 1
echo "profile: \$(cat /proc/self/attr/apparmor/current)"
if cat $secret >/dev/null 2>/tmp/secret.err; then echo "secret: read"; else echo "secret: \$(sed 's/.*: //' /tmp/secret.err)"; fi
make -s clean >/dev/null 2>&1 && [ ! -e lgproj ] && ! ls ./*.o >/dev/null 2>&1 || { echo "clean failed"; exit 1; }
t0=\$(date +%s%N)
make -s -j1 >/tmp/make.out 2>&1 || { echo "make failed: \$(tail -c 300 /tmp/make.out)"; exit 1; }
t1=\$(date +%s%N)
echo "build-ns: \$((t1 - t0))"
echo "objects: \$(ls ./*.o | wc -l)"
./lgproj
EOF
expected_sum=$(sh /srv/build/job.sh | sed -n 's/^lgproj //p')
if [ -n "$expected_sum" ]; then ok "the project builds unconfined and prints lgproj $expected_sum"; else not_ok "the project builds unconfined" "$(sh /srv/build/job.sh 2>&1)"; fi

aa_loaded() { grep -q "^$1 (enforce)$" /sys/kernel/security/apparmor/profiles; }
parked=/run/lsmguard-bench-parked
mkdir -p "$parked"
# lsmguard-nopolicy takes nginx's and the job's policies out of policy.d; every other visit
# puts them back.
policies_in() { for p in nginx build; do [ -e "$parked/$p.ini" ] && { mv "$parked/$p.ini" /etc/lsmguard/policy.d/ || return 1; }; done; return 0; }
policies_out() { for p in nginx build; do mv /etc/lsmguard/policy.d/$p.ini "$parked/" || return 1; done; }
aa_remove() {
	for p in lgnginx lgbuild; do
		aa_loaded $p && { apparmor_parser -R "$profiles/$p" || return 1; }
	done
	return 0
}
# The configuration's state: lsmguard and the profiles as it wants them, nginx restarted so its
# processes start under them.
enter() {
	case $1 in
	none)
		policies_in && systemctl stop lsmguard.service && lsmguard unload >/dev/null && [ ! -e /sys/fs/bpf/lsmguard ] &&
			aa_remove && ! aa_loaded lgnginx && ! aa_loaded lgbuild ;;
	apparmor)
		policies_in && systemctl stop lsmguard.service && lsmguard unload >/dev/null && [ ! -e /sys/fs/bpf/lsmguard ] &&
			apparmor_parser -r -q "$profiles/lgnginx" "$profiles/lgbuild" && aa_loaded lgnginx && aa_loaded lgbuild ;;
	lsmguard | lsmguard-nopolicy)
		systemctl stop lsmguard.service && lsmguard unload >/dev/null && aa_remove &&
			! aa_loaded lgnginx && ! aa_loaded lgbuild && policies_in &&
			{ [ "$1" = lsmguard ] || policies_out; } && systemctl start lsmguard.service &&
			lsmguard status | grep -q "enforcement: active" ;;
	esac || return 1
	systemctl restart nginx.service && systemctl is-active --quiet nginx.service
}
status_of() { wget -S -q -O /dev/null "$url$1" 2>&1 | awk '/^  HTTP\// {code = $2} END {print code}'; }
# lsmguard's own lines: what its daemon wrote (_SYSTEMD_UNIT=), not PID 1's lines about the unit.
lg_events() { journalctl _SYSTEMD_UNIT=lsmguard.service -o cat --no-pager; }
# What lsmguard status says: "active N" or "INACTIVE 0" (its programs attached).
lsmguard_state() { lsmguard status 2>&1 | sed -n 's/^enforcement: \([A-Za-z]*\) (\([0-9]*\) of .*/\1 \2/p'; }
# Refusals other than the secret's (which each visit's proof and each job cause on purpose):
# AppArmor's (the kernel log) and lsmguard's (its events). One while measuring is a workload
# that does not run as it does unconfined: its figure would not be comparable.
other_denials() {
	a=$(dmesg | grep 'apparmor="DENIED"' | grep -vc 'lg-bench-secret')
	l=$(lg_events | grep -E '"event":"(deny|audit|lost)"' | grep -vc '"path":"/etc/lg-bench-secret"')
	echo "$a AppArmor, $l lsmguard"
}
# The positive control of that count: lsmguard's refusals of the secret to the job.
secret_denials() { lg_events | grep '"event":"deny"' | grep '"policy":"build"' | grep -c '"path":"/etc/lg-bench-secret"'; }
# The AppArmor profiles of nginx's processes (master and workers), each once: "NAME (MODE);".
nginx_profiles() { for p in $(pgrep -x nginx); do cat /proc/$p/attr/apparmor/current; done | grep . | sort -u | tr '\n' ';'; }
job() { # CONFIG: the build job in lgbuild.service, under the configuration's AppArmor profile
	if [ "$1" = apparmor ]; then
		systemd-run --quiet --wait --pipe --collect --unit=lgbuild.service -p AppArmorProfile=lgbuild \
			/bin/sh /srv/build/job.sh
	else
		systemd-run --quiet --wait --pipe --collect --unit=lgbuild.service /bin/sh /srv/build/job.sh
	fi
}
# visit CONFIG ROUND: enter, prove, warm up, measure.
visit() {
	cfg=$1 round=$2
	case $cfg in
	none) want_code=200 want_nginx="unconfined;" want_job_profile=unconfined want_secret=read ;;
	apparmor) want_code=403 want_nginx="lgnginx (enforce);" want_job_profile="lgbuild (enforce)" want_secret="Permission denied" ;;
	lsmguard) want_code=500 want_nginx="unconfined;" want_job_profile=unconfined want_secret="Operation not permitted" ;;
	lsmguard-nopolicy) want_code=200 want_nginx="unconfined;" want_job_profile=unconfined want_secret=read ;;
	esac
	case $cfg in lsmguard*) want_lsmguard=active ;; *) want_lsmguard="INACTIVE 0" ;; esac
	if ! enter "$cfg" >/tmp/enter.out 2>&1; then
		not_ok "$cfg, round $round: configuration entered" "$(cat /tmp/enter.out; journalctl -u nginx -u lsmguard -o cat --no-pager | tail -5)"
		return
	fi
	page=$(status_of /lg-bench.html) code=$(status_of /lg-secret) profs=$(nginx_profiles) lg=$(lsmguard_state)
	case $lg in "$want_lsmguard"*) lg_ok=1 ;; *) lg_ok=0 ;; esac
	[ "$lg" = "active 0" ] && lg_ok=0
	if [ "$page" = 200 ] && [ "$code" = "$want_code" ] && [ "$profs" = "$want_nginx" ] && [ "$lg_ok" = 1 ]; then
		ok "$cfg, round $round: nginx serves the page (200), /lg-secret answers $code, nginx runs $profs lsmguard: $lg programs"
	else
		# No figure is kept for a visit whose state is not what it is called.
		not_ok "$cfg, round $round: nginx serves the page (200), /lg-secret answers $want_code, nginx runs $want_nginx lsmguard: $want_lsmguard" \
			"page $page, /lg-secret $code, nginx runs $profs, lsmguard: $lg; $(dmesg | grep -i 'apparmor="DENIED"' | tail -3)"
		return
	fi
	denials_before=$(other_denials) secret_before=$(secret_denials)
	# Warm-up (uncounted): a build, and requests.
	job "$cfg" >/tmp/job.out 2>&1
	ab -q -n "$warmup" -c 1 "$url/lg-bench.html" >/dev/null 2>&1
	ab -q -n "$requests" -c 1 "$url/lg-bench.html" >/tmp/ab.out 2>&1
	rps=$(sed -n 's/^Requests per second: *\([0-9.]*\) .*/\1/p' /tmp/ab.out)
	complete=$(sed -n 's/^Complete requests: *\([0-9]*\)$/\1/p' /tmp/ab.out)
	failedr=$(sed -n 's/^Failed requests: *\([0-9]*\)$/\1/p' /tmp/ab.out)
	if [ -n "$rps" ] && [ "$complete" = "$requests" ] && [ "$failedr" = 0 ] && ! grep -q '^Non-2xx' /tmp/ab.out; then
		ok "$cfg, round $round: ab: $requests requests complete, none failed ($rps a second)"
		echo "WORKLOAD nginx-rps $cfg $round $rps" >>"$results.visit"
	else
		not_ok "$cfg, round $round: ab: $requests requests complete, none failed" "$(cat /tmp/ab.out)"
	fi
	job "$cfg" >/tmp/job.out 2>&1
	prof=$(sed -n 's/^profile: //p' /tmp/job.out) sec=$(sed -n 's/^secret: //p' /tmp/job.out)
	ns=$(sed -n 's/^build-ns: \([0-9]*\)$/\1/p' /tmp/job.out) sum=$(sed -n 's/^lgproj //p' /tmp/job.out)
	objects=$(sed -n 's/^objects: //p' /tmp/job.out)
	if [ "$prof" = "$want_job_profile" ] && [ "$sec" = "$want_secret" ] && [ -n "$ns" ] &&
		[ "$sum" = "$expected_sum" ] && [ "$objects" = $((files + 1)) ]; then
		ok "$cfg, round $round: the job runs $prof, its read of the secret: $sec; it built $objects objects and lgproj ($sum)"
		echo "WORKLOAD build-ns $cfg $round $ns" >>"$results.visit"
	else
		not_ok "$cfg, round $round: the job runs $want_job_profile, its read of the secret: $want_secret; it builds $((files + 1)) objects and lgproj ($expected_sum)" \
			"$(cat /tmp/job.out); $(lg_events | grep '"policy":"build"' | tail -3)"
	fi
	# Under lsmguard each of the two jobs was refused the secret once: wait for both events, so
	# the journal has caught up before the count is read.
	want_secret_events=$secret_before
	[ "$cfg" = lsmguard ] && want_secret_events=$((secret_before + 2))
	for i in $(seq 1 40); do [ "$(secret_denials)" -ge "$want_secret_events" ] && break; sleep 0.25; done
	denials_after=$(other_denials) secret_after=$(secret_denials)
	if [ "$denials_after" = "$denials_before" ] && [ "$secret_after" = "$want_secret_events" ]; then
		ok "$cfg, round $round: no other refusal while measuring ($denials_after in all; the job's secret refusals $secret_before -> $secret_after)"
		cat "$results.visit" 2>/dev/null | tee -a "$results"
	else
		not_ok "$cfg, round $round: no other refusal while measuring" "before: $denials_before; after: $denials_after; the job's secret refusals $secret_before -> $secret_after (want $want_secret_events); $(dmesg | grep 'apparmor="DENIED"' | grep -v lg-bench-secret | tail -2); $(lg_events | grep -E '"event":"(deny|audit)"' | grep -v lg-bench-secret | tail -2)"
	fi
	rm -f "$results.visit"
}

r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) = 1 ]; then order="none apparmor lsmguard lsmguard-nopolicy"; else order="lsmguard-nopolicy lsmguard apparmor none"; fi
	for c in $order; do visit "$c" "$r"; done
	r=$((r + 1))
done

# The summary: per workload and configuration, the median, lowest and highest, and the ratio
# of medians to none (for nginx requests a second, higher is better; for the build, lower).
summary() {
	for w in nginx-rps build-ns; do
		base=$(awk -v w=$w '$2 == w && $3 == "none" {print $5}' "$results" | sort -g |
			awk '{v[NR] = $1} END {if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}')
		for c in none apparmor lsmguard lsmguard-nopolicy; do
			awk -v w=$w -v c=$c '$2 == w && $3 == c {print $5}' "$results" | sort -g |
				awk -v w=$w -v c=$c -v base="$base" '{v[NR] = $1} END {
					if (!NR) exit
					m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
					printf "WORKLOADS-JSON {\"workload\":\"%s\",\"configuration\":\"%s\",\"rounds\":%d,\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"ratio\":%.4f}\n", w, c, NR, m, v[1], v[NR], base ? m / base : 0
					printf "WORKLOADS-ROW %s %s %.1f %.1f %.1f %.4f\n", w, c, m, v[1], v[NR], base ? m / base : 0
				}'
		done
	done
}
# The summary only from a run whose every visit proved its state and measured cleanly.
[ "$failed" = 0 ] && summary >/run/workloads.summary
[ "$failed" = 0 ] && grep '^WORKLOADS-JSON ' /run/workloads.summary
[ "$failed" = 0 ] && {
	echo "| configuration | nginx: requests a second (ratio to none) | build: guest instructions of make from clean (ratio to none) |"
	echo "| --- | --- | --- |"
	for c in none apparmor lsmguard lsmguard-nopolicy; do
		ng=$(awk -v c=$c '$2 == "nginx-rps" && $3 == c {printf "%.1f (%.1f-%.1f), %.3fx", $4, $5, $6, $7}' /run/workloads.summary)
		bu=$(awk -v c=$c '$2 == "build-ns" && $3 == c {printf "%.0f (%.0f-%.0f), %.4fx", $4, $5, $6, $7}' /run/workloads.summary)
		echo "| $c | $ng | $bu |"
	done
} | sed 's/^/WORKLOADS-TABLE /'
# Issue 15's targets, from the medians: nginx at least 0.98x of none and at least AppArmor's;
# the build at most 1.02x of none and no slower than AppArmor.
[ "$failed" = 0 ] && awk '$1 == "WORKLOADS-ROW" {r[$2 " " $3] = $7; lo[$2 " " $3] = $5; hi[$2 " " $3] = $6}
	function say(what, ok, figure) { printf "WORKLOADS-TARGET %s: %s (%s)\n", what, ok ? "met" : "MISSED", figure }
	END {
		n = r["nginx-rps lsmguard"]; na = r["nginx-rps apparmor"]; b = r["build-ns lsmguard"]; ba = r["build-ns apparmor"]
		say("nginx at least 0.98x of none", n >= 0.98, sprintf("%.4fx", n))
		say("nginx at least AppArmor", n >= na, sprintf("%.4fx against %.4fx", n, na))
		say("the build at most 1.02x of none", b <= 1.02, sprintf("%.4fx", b))
		level = lo["build-ns lsmguard"] <= hi["build-ns apparmor"] && lo["build-ns apparmor"] <= hi["build-ns lsmguard"]
		say("the build no slower than AppArmor", b <= ba, sprintf("%.4fx against %.4fx%s", b, ba, level ? "; the rounds overlap: level within the spread" : ""))
	}' /run/workloads.summary
[ "$failed" != 0 ] && lg_events | grep -E '"event":"deny"' | tail -20 | sed 's/^/# /'
echo "workloads: $passed passed, $failed failed"
