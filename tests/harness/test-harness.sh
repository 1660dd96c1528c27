#!/usr/bin/env bash
# The harness's own test: runs tests/harness/selftest.c's cases and checks each verdict of the
# runner (pass, fail, crash, time limits, skip, fixtures) and each guard (no case, too many
# cases, a duplicate name, a name that matches no case, the plan).
# Usage: tests/harness/test-harness.sh BUILD/tests/harness-selftest BUILD/tests/harness-selftest-empty
set -u
selftest=$1 empty=$2
work=$(mktemp -d /tmp/lsmguard-harness.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 n=0

ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
# not_ok NAME DETAIL...: every line of the details indented, so none reads as a TAP result
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '%s\n' "$@" | sed 's/^/    /'; }
# expect NAME WANT_EXIT REGEX...: the last run exited WANT_EXIT and printed a line for each REGEX
expect() {
	local name=$1 want=$2 re
	shift 2
	if [ "$status" != "$want" ]; then
		not_ok "$name" "exit status $status, expected $want" "$(head -c 1500 "$work/out")"
		return
	fi
	for re in "$@"; do
		if ! grep -qE -- "$re" "$work/out"; then
			not_ok "$name" "no line matches: $re" "$(head -c 1500 "$work/out")"
			return
		fi
	done
	ok "$name"
}
run() { "$@" >"$work/out" 2>&1; status=$?; }

run "$selftest" passes
expect "a passing case passes; the plan and the summary count it" 0 '^TAP version 13$' '^1\.\.1$' \
	'^ok 1 - passes$' '^selftest: 1 passed, 0 failed, 0 skipped$'
run "$selftest" fails_a_check
expect "a failed check fails the case, its message as TAP comments" 1 '^not ok 1 - fails_a_check$' \
	'^#   .*selftest.c:[0-9]+: a failed check$' '^#   with a second line$'
run "$selftest" crashes
expect "a case killed by a signal fails" 1 '^#   killed by signal 11' '^not ok 1 - crashes$'
run "$selftest" hangs
expect "a case past its time limit fails" 1 '^#   timed out \(SIGALRM:' '^not ok 1 - hangs$'
run "$selftest" hangs_ignoring_its_alarm
expect "a case that ignores its alarm is killed by the runner" 1 \
	'^#   timed out: killed by the runner' '^not ok 1 - hangs_ignoring_its_alarm$'
run "$selftest" raises_its_time_limit
expect "a case may raise its time limit" 0 '^ok 1 - raises_its_time_limit$'
run "$selftest" skips
expect "a skipped case is reported and counted as skipped" 0 \
	'^ok 1 - skips # SKIP the machine lacks something$' '^selftest: 0 passed, 0 failed, 1 skipped$'
run "$selftest" skips_after_a_failed_check
expect "a case that skips after a failed check fails" 1 '^not ok 1 - skips_after_a_failed_check$'
run "$selftest" exits_0_after_a_failed_check
expect "a case that exits 0 after a failed check fails" 1 '^not ok 1 - exits_0_after_a_failed_check$'
run "$selftest" exits_77_without_skipping
expect "exit status 77 without harness_skip() is a failure" 1 \
	'^#   the case.s process exited with status 77$' '^not ok 1 - exits_77_without_skipping$'
run "$selftest" declares_what_after_case_must_see
expect "what a case declares reaches the suite's after_case" 0 "^# after_case saw 'expected-text'$"
: >"$work/marker"
run env HARNESS_SELFTEST_MARKER="$work/marker" "$selftest" fixture_fails_then_tears_down \
	fixture_skips_then_tears_down
expect "a fixture's teardown runs after a failure and after a skip" 1 \
	'^not ok 1 - fixture_fails_then_tears_down$' '^ok 2 - fixture_skips_then_tears_down # SKIP'
[ "$(grep -c teardown "$work/marker")" = 2 ] && ok "both teardowns ran" ||
	not_ok "both teardowns ran" "marker: $(cat "$work/marker")"
run "$selftest"
cases=$(grep -cE '^(not )?ok [0-9]+ ' "$work/out")
expect "a whole run: every case reported, the plan matches, the slowest cases named" 1 \
	"^1\.\.$cases\$" '^selftest: 3 passed, 8 failed, 2 skipped$' \
	'^# time: [0-9]+\.[0-9] s in all; the slowest cases: (hangs_ignoring_its_alarm|raises_its_time_limit) [1-9][0-9]*\.[0-9] s, [a-z_]+ [0-9]+\.[0-9] s(, [a-z_0-9]+ [0-9]+\.[0-9] s){8}$'

# ---- guards: each ends the run as a failure, with one failed result ----
run "$empty"
expect "no case registered fails the run" 1 '^Bail out! no case registered$' \
	'^selftest: 0 passed, 1 failed, 0 skipped$'
run "$selftest" no_such_case
expect "a name that matches no case fails the run" 1 "^#   no case is named 'no_such_case'$" \
	'^selftest: 0 passed, 1 failed'
run "$selftest" -no_such_case
expect "an exclusion that matches no case fails the run" 1 "^#   no case is named 'no_such_case'$" \
	'^selftest: 0 passed, 1 failed'
run "$selftest" passes skips -skips
expect "an exclusion leaves its case out of the cases named" 0 '^1\.\.1$' '^ok 1 - passes$' \
	'^selftest: 1 passed, 0 failed, 0 skipped$'
run "$selftest" -fails_a_check
expect "exclusions alone run every other case" 1 "^1\.\.$((cases - 1))\$" \
	'^selftest: 3 passed, 7 failed, 2 skipped$'
grep -q 'fails_a_check' "$work/out" && not_ok "the excluded case did not run" "$(head -c 1500 "$work/out")" ||
	ok "the excluded case did not run"
run "$selftest" 'skips*' -skips_after_a_failed_check
expect "a pattern selects the cases it matches, an exclusion takes one back" 0 '^1\.\.1$' \
	'^ok 1 - skips # SKIP' '^selftest: 0 passed, 0 failed, 1 skipped$'
run "$selftest" 'no_such_*'
expect "a pattern that matches no case fails the run" 1 "^#   no case is named 'no_such_\*'$"
run "$selftest" 'skips*' '-skips*'
expect "a selection whose exclusions leave nothing fails the run, saying so" 1 \
	'^#   the exclusions leave out every case the names select$' '^Bail out! selection$'
run env HARNESS_SELFTEST_MANY=600 "$selftest"
expect "more cases than the harness holds fail the run" 1 \
	'^#   613 cases registered, at most 512 are run$' '^Bail out! too many cases'
run env HARNESS_SELFTEST_MANY=300 "$selftest" many_0 many_299
expect "300 cases are all kept" 0 '^ok 2 - many_299$'
run env HARNESS_SELFTEST_DUPLICATE=1 "$selftest" passes
expect "two cases of one name fail the run" 1 "^#   two cases are named 'passes'$"

# ---- tests/noise.sh: what a passing suite must not print (run-all counts it as a failure) ----
noise=$(dirname "$0")/../noise.sh
printf '%s\n' 'ok 1 - a case' '# time: 1.0 s in all' 'sh: 1: foo: applet not found' \
	'tests/cli/test-cli.sh: line 40:  4242 Terminated              sleep 100' \
	"ERROR: ld.so: object 'x.so' from LD_PRELOAD cannot be preloaded: ignored." \
	'./a: error while loading shared libraries: libx.so: invalid ELF header' >"$work/noisy"
run "$noise" "$work/noisy"
expect "a log with a killed job, a missing applet, a preload error and a misread ELF is noisy" 1 \
	'^3:sh: 1: foo: applet not found$' '^4:.* Terminated +sleep 100$' '^5:ERROR: ld\.so: object' \
	'^6:.*: invalid ELF header$'
printf '%s\n' 'ok 1 - a case terminated by its own timer is reported' 'ok 2 - Killed? no' \
	'# reading the ELF header' 'cli: 2 passed, 0 failed' >"$work/quiet"
run "$noise" "$work/quiet"
expect "a log whose words only mention those things is quiet" 0
printf '%s\n' 'ok 1 - a case' 'LSMGUARD-VM: still running after 2400 s; the cases'"'"' stderr' \
	'# watch| sh: line 1:   412 Terminated              sleep 100' 'ok 2 - a slow case' \
	'vm: 2 passed, 0 failed' >"$work/watched"
run "$noise" "$work/watched"
expect "what the cases said, shown by a slow suite before its limit, is not the suite's noise" 0
printf '%s\n' 'ok 1 - a case' '# sh: line 1:   412 Terminated              sleep 100' \
	>"$work/unmarked"
run "$noise" "$work/unmarked"
expect "the same line unmarked is noise" 1 '^2:# sh: line 1: +412 Terminated +sleep 100$'

echo "harness: $passed passed, $failed failed"
[ "$failed" = 0 ]
