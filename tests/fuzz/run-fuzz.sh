#!/usr/bin/env bash
# Run the policy fuzzer for SECONDS over the seed corpus (tests/fuzz/corpus) plus what it
# learns (build/fuzz/corpus). Prints the execution count and, last, "fuzz: N passed, N failed".
# A crash leaves its input in build/fuzz/ (crash-*): fix it, then add it to tests/fuzz/corpus.
set -u
fuzzer=$1 seconds=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(dirname "$fuzzer")
mkdir -p "$out/corpus"
log=$out/fuzz-${seconds}s.log  # per length: a long run and make check can overlap
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	-print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" "$top/tests/fuzz/corpus" >"$log" 2>&1
status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$status" = 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
	echo "ok 1 - fuzz_policy: $execs executions in ${seconds}s, no finding (ASan+UBSan)"
	echo "fuzz: 1 passed, 0 failed"
	exit 0
fi
echo "not ok 1 - fuzz_policy exited $status after ${execs:-0} executions; log: $log"
grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 | sed 's/^/    /'
echo "fuzz: 0 passed, 1 failed"
exit 1
