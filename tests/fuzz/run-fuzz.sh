#!/usr/bin/env bash
# Run each fuzzer for SECONDS over its seed corpus (tests/fuzz/corpus for fuzz_policy,
# tests/fuzz/corpus-NAME for the others, plus seeds made here from the host's own files) and
# what it learns (build/fuzz/corpus-NAME). Prints one TAP line per fuzzer and, last,
# "fuzz: N passed, N failed". A crash leaves its input in build/fuzz/ (crash-*): fix it, then
# add it to the fuzzer's seed corpus.
# Usage: tests/fuzz/run-fuzz.sh SECONDS FUZZER...
set -u
seconds=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0 n=0

# fuzz_elfdeps's seeds: the start of a real program, a script, and the loader's cache (its
# first byte says which the rest is).
elf_seeds() {
	mkdir -p "$1"
	{ printf '\0'; cat /usr/bin/true; } >"$1/program-true" # whole: its sections are at the end
	printf '\0#!/bin/sh\necho\n' >"$1/script"
	{ printf '\1'; cat /etc/ld.so.cache; } >"$1/ld.so.cache"
}

for fuzzer in "$@"; do
	name=$(basename "$fuzzer")
	out=$(dirname "$fuzzer")
	n=$((n + 1))
	if [ "$name" = fuzz_policy ]; then
		learned=$out/corpus seeds=$top/tests/fuzz/corpus max_len=8192
	else
		learned=$out/corpus-${name#fuzz_} seeds=$out/seeds-${name#fuzz_} max_len=131072
		[ "$name" = fuzz_elfdeps ] && elf_seeds "$seeds"
	fi
	mkdir -p "$learned" "$seeds"
	log=$out/$name-${seconds}s.log # per length: a long run and make check can overlap
	"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
		-print_final_stats=1 -artifact_prefix="$out/" "$learned" "$seeds" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$status" = 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
		echo "ok $n - $name: $execs executions in ${seconds}s, no finding (ASan+UBSan)"
		passed=$((passed + 1))
	else
		echo "not ok $n - $name exited $status after ${execs:-0} executions; log: $log"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
