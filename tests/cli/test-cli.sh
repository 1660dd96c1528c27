#!/usr/bin/env bash
# Command-line tests of `lsmguard check` and `show`: exit codes, exact messages, golden output.
# Usage: tests/cli/test-cli.sh BUILD/lsmguard    (UPDATE_GOLDEN=1 rewrites the golden files)
set -u
lsmguard=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
golden=$top/tests/golden
work=$(mktemp -d /tmp/lsmguard-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 n=0

ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '    %s\n' "$@"; }

# run NAME EXPECTED_EXIT CMD...: runs in $work, keeps stdout/stderr in $work/out, $work/err
run() {
	local name=$1 want=$2 got
	shift 2
	(cd "$work" && "$@" >"$work/out" 2>"$work/err")
	got=$?
	if [ "$got" != "$want" ]; then
		not_ok "$name" "exit status $got, expected $want" "stderr: $(head -c 600 "$work/err")"
		return 1
	fi
	return 0
}

# same NAME FILE GOLDEN: FILE must equal GOLDEN (or becomes it with UPDATE_GOLDEN=1)
same() {
	case "$3" in "$golden"/*) [ -n "${UPDATE_GOLDEN:-}" ] && cp "$2" "$3" ;; esac
	if diff -u "$3" "$2" >"$work/diff"; then ok "$1"; else not_ok "$1" "$(cat "$work/diff")"; fi
}

# Inputs are copied with mode 0644, so the owner check passes whatever the clone's umask.
install -m 0644 "$golden/show.ini" "$golden/bad.ini" "$work/"
mkdir "$work/examples"
install -m 0644 "$top"/policy/examples/*.ini "$work/examples/"

run "check examples" 0 "$lsmguard" check examples &&
	same "check examples prints the summary" "$work/out" <(echo "policy OK: 5 files, 105 rules")

run "check malformed policy exits 1" 1 "$lsmguard" check bad.ini &&
	same "check malformed policy: every error as FILE:LINE, in one run" "$work/err" "$golden/bad.err"
[ -s "$work/out" ] && not_ok "check malformed policy prints nothing on stdout" "$(cat "$work/out")" ||
	ok "check malformed policy prints nothing on stdout"

run "check a directory with one bad file exits 1" 1 "$lsmguard" check examples bad.ini &&
	same "nothing was loaded" <(tail -n 1 "$work/err") <(echo "lsmguard: 12 errors in 1 of 6 files; nothing was loaded")

run "show text" 0 "$lsmguard" show show.ini && same "show text matches golden" "$work/out" "$golden/show.out"
run "show json" 0 "$lsmguard" show --json show.ini && same "show --json matches golden" "$work/out" "$golden/show.json"

install -m 0664 "$golden/show.ini" "$work/writable.ini"
run "group-writable policy refused" 1 "$lsmguard" check writable.ini &&
	same "group-writable message" <(head -n 1 "$work/err") \
		<(echo "writable.ini: error: refusing a policy file that is group-writable (mode 0664); run 'chmod go-w writable.ini'")

run "missing path" 1 "$lsmguard" check /nonexistent/x.ini &&
	same "missing path message" "$work/err" <(printf '%s\n' "/nonexistent/x.ini: error: No such file or directory" "lsmguard: 1 error in 1 file; nothing was loaded")

run "check without arguments is a usage error" 2 "$lsmguard" check &&
	same "check usage" "$work/err" <(echo "lsmguard: usage: lsmguard check PATH...  (policy files or directories)")
run "unknown command" 2 "$lsmguard" frobnicate &&
	same "unknown command message" "$work/err" <(echo "lsmguard: unknown command 'frobnicate'; run 'lsmguard --help'")
run "show with a bad option" 2 "$lsmguard" show --yaml show.ini && ok "show rejects --yaml"

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
