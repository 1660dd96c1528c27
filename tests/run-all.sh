#!/usr/bin/env bash
# Run every test suite this machine can run and add up their results. Each suite ends with a
# line "NAME: N passed, N failed" (possibly followed by ", N skipped"). A suite counts as one
# more failure when it exits non-zero with no failed test, prints no such line, ran fewer tests
# than its known minimum (skipped tests do not count: a dropped or skipped case must not pass
# unnoticed), prints a TAP plan "1..N" or a count that its "ok"/"not ok" lines contradict, or
# passes while printing a line that reads like a failure (tests/noise.sh).
# The last line is the total: "N passed, N failed", followed by ", N skipped" when tests were
# skipped.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
total_passed=0 total_failed=0 total_skipped=0 broken=""

# Goldens are rewritten by hand only (tests/cli/test-cli.sh says how), never by a check.
if [ -n "${UPDATE_GOLDEN:-}" ]; then
	echo "run-all: UPDATE_GOLDEN is set; a check never rewrites golden files:" \
		"unset it (to update goldens, run tests/cli/test-cli.sh alone)"
	echo "0 passed, 1 failed"
	exit 1
fi

broken() { # NAME WHY: the suite counts as one more failure
	echo "$1: $2: counted as 1 failure"
	total_failed=$((total_failed + 1))
	case " $broken " in *" $1 "*) ;; *) broken="$broken $1" ;; esac
}

# suite NAME MINIMUM COMMAND...: MINIMUM is the number of tests the suite has today (passed,
# failed and skipped); raise it when tests are added.
suite() {
	local name=$1 minimum=$2 log line p f s status results plan noise
	shift 2
	log=$build/test-$name.log
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?\$" "$log" | tail -n 1)
	if [ -z "$line" ]; then
		broken "$name" "printed no result line (exit $status)"
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=0
	case $line in *skipped) s=$(echo "$line" | sed -E 's/.* ([0-9]+) skipped$/\1/') ;; esac
	total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
	total_skipped=$((total_skipped + s))
	if [ "$status" != 0 ] && [ "$f" = 0 ]; then
		broken "$name" "exited $status with no failed test"
	fi
	# A passing run is quiet: a line that reads like a failure is one (tests/noise.sh).
	if [ "$f" = 0 ] && ! noise=$(tests/noise.sh "$log"); then
		broken "$name" "passed but printed what reads like a failure: $(echo "$noise" | tr '\n' ' ')"
	fi
	# Named again just before the total, so the end of a long run says which tests failed.
	# With each one's diagnostics, cut at 300 characters, so that a rare failure is explained
	# by the tail of the run alone. The suites print them in three ways: the harness-based ones
	# (vm, vm-preempt, unit) as "# ..." lines before the result (the first 3 and last 3 of
	# them shown); cli, install, harness and schema as lines indented by 4 after it; realsvc
	# and workloads as "#   ..." lines after it (up to 6 of those shown).
	case $name in realsvc | workloads) after_hash=1 ;; *) after_hash=0 ;; esac
	failures="$failures$(awk -v name="$name" -v after_hash="$after_hash" '
		function show(line) { print name ":   " substr(line, 1, 300) }
		/^(not )?ok [0-9]+/ {
			failing = 0
			if (/^not ok/) {
				for (i = 0; !after_hash && i < n; i++) {
					if (n > 6 && i == 3)
						print name ":   ..."
					if (n <= 6 || i < 3 || i >= n - 3)
						show(diag[i])
				}
				print name ": " $0
				failing = 1
				shown = 0
			}
			n = 0
			next
		}
		failing && (/^    / || (after_hash && /^#   /)) {
			if (shown++ < 6)
				show($0)
			next
		}
		{ failing = 0 }
		/^#/ { diag[n++] = $0 }' "$log")"
	[ -n "$failures" ] && failures="${failures%$'\n'}"$'\n'
	results=$(grep -cE '^(not )?ok [0-9]+( |$)' "$log")
	if [ "$results" != $((p + f + s)) ]; then
		broken "$name" "its result line counts $((p + f + s)) tests, its TAP lines $results"
	fi
	plan=$(grep -E '^1\.\.[0-9]+$' "$log" | tail -n 1)
	if [ -n "$plan" ] && [ "${plan#1..}" != "$results" ]; then
		broken "$name" "its TAP plan was $plan, $results results were reported"
	fi
	# A skipped test did not run: only the tests that ran count toward the minimum, so a suite
	# whose cases all skip cannot pass for a full one.
	counts="$counts$name: $((p + f)) tests ran (minimum $minimum)"
	[ "$s" != 0 ] && counts="$counts, $s skipped"
	if [ $((p + f)) -lt "$minimum" ]; then
		counts="$counts: BELOW THE MINIMUM"$'\n'
		broken "$name" "$((p + f)) tests ran, fewer than its minimum $minimum"
	else
		counts="$counts"$'\n'
	fi
}
counts=""
failures=""

suite harness 30 tests/harness/test-harness.sh "$build/tests/harness-selftest" "$build/tests/harness-selftest-empty"
suite unit 165 "$build/tests/unit-tests"
suite hashref 1 python3 tests/unit/hash_reference.py --check tests/unit/test_hash.c
suite cli 167 tests/cli/test-cli.sh "$build/lsmguard"
suite fuzz 2 tests/fuzz/run-fuzz.sh "${FUZZ_CHECK_TIME:-30}" "$build/fuzz/fuzz_policy" "$build/fuzz/fuzz_elfdeps"
suite install 35 tests/install/test-install.sh "$build"
suite vm 509 vm-tests/run-vm.sh "$build/vm/vmlinuz" "$build/vm/initrd.gz" test
# The concurrency, cache and first verdict cases again, under full preemption (vm-tests/preempt.c;
# vm-tests/run-vm.sh says which and why).
suite vm-preempt 85 vm-tests/run-vm.sh "$build/vm/vmlinuz" "$build/vm/initrd.gz" preempt
suite bench 90 make --no-print-directory -s bench-check BUILD="$build"
suite realsvc 133 vm-tests/realsvc/run.sh "$build/vm/vmlinuz" "$build/realsvc/initrd.gz"
# The workloads bench's checks (vm-tests/realsvc/bench.sh): one round, as a test, not a figure.
suite workloads 17 make --no-print-directory -s bench-workloads-check BUILD="$build"
suite schema 49 tests/schema/check-events.sh "$build/vm/console-test.log.txt" "$build/realsvc/console.log.txt"

echo "== counts"
printf '%s' "$counts"
[ -n "$broken" ] && echo "broken suites:$broken"
[ -n "$failures" ] && printf 'failed tests:\n%s' "$failures"
if [ "$total_skipped" != 0 ]; then
	echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
else
	echo "$total_passed passed, $total_failed failed"
fi
[ "$total_failed" = 0 ]
