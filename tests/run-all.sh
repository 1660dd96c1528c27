#!/usr/bin/env bash
# Run every test suite this machine can run and add up their results. Each suite ends with a
# line "NAME: N passed, N failed"; a suite that exits non-zero or prints no such line counts as
# failed. The last line is the total: "N passed, N failed".
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
total_passed=0 total_failed=0 broken=""

suite() {
	local name=$1 log line p f status
	shift
	log=$build/test-$name.log
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: printed no result line (exit $status): counted as 1 failure"
		total_failed=$((total_failed + 1)) broken="$broken $name"
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
	if [ "$status" != 0 ] && [ "$f" = 0 ]; then
		echo "$name: exited $status with no failed test: counted as 1 failure"
		total_failed=$((total_failed + 1)) broken="$broken $name"
	fi
}

suite unit "$build/tests/unit-tests"
suite cli tests/cli/test-cli.sh "$build/lsmguard"
suite fuzz tests/fuzz/run-fuzz.sh "$build/fuzz/fuzz_policy" "${FUZZ_CHECK_TIME:-30}"
suite install tests/install/test-install.sh "$build"
suite vm vm-tests/run-vm.sh "$build/vm/vmlinuz" "$build/vm/initrd.gz" test
suite bench make --no-print-directory -s bench-check BUILD="$build"
suite realsvc vm-tests/realsvc/run.sh "$build/vm/vmlinuz" "$build/realsvc/initrd.gz"
suite schema tests/schema/check-events.sh "$build/vm/console-test.log.txt" "$build/realsvc/console.log.txt"

[ -n "$broken" ] && echo "broken suites:$broken"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
