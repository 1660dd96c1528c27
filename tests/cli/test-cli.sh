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
	same "check examples prints the summary" "$work/out" <(echo "policy OK: 5 files, 111 rules")

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
run "show with a bad option" 2 "$lsmguard" show --yaml show.ini &&
	same "show --yaml message" "$work/err" <(echo "lsmguard: unknown option '--yaml'; usage: lsmguard show [--json] PATH...")

# Malformed command lines: exit status and the exact message, for every subcommand.
# bad_args EXIT "MESSAGE" ARGS...
bad_args() {
	local want=$1 message=$2
	shift 2
	run "lsmguard $* exits $want" "$want" "$lsmguard" "$@" &&
		same "lsmguard $*: message" "$work/err" <(echo "$message")
}
u_run="usage: lsmguard run [--policy-dir DIR] [--log FILE]"
u_exec="usage: lsmguard exec [--policy-dir DIR] NAME -- COMMAND [ARGS...]"
bad_args 2 "lsmguard: unknown option '--bogus'; $u_run" run --bogus
bad_args 2 "lsmguard: unexpected argument 'extra'; $u_run" run extra
bad_args 2 "lsmguard: missing value after '--policy-dir'; $u_run" run --policy-dir
bad_args 1 "lsmguard: cannot open log file /nonexistent/x/y: No such file or directory" run --log /nonexistent/x/y
bad_args 2 "lsmguard: unexpected argument 'extra'; usage: lsmguard status [--json]" status extra
bad_args 2 "lsmguard: unknown option '--yaml'; usage: lsmguard status [--json]" status --yaml
bad_args 2 "lsmguard: no policy name given; $u_exec" exec
bad_args 2 "lsmguard: expected '--' after the policy name; $u_exec" exec web true
bad_args 2 "lsmguard: no command given after '--'; $u_exec" exec web --
bad_args 2 "lsmguard: missing value after '--policy-dir'; $u_exec" exec --policy-dir
bad_args 1 "lsmguard: no policy named 'nosuch' is loaded or in /nonexistent" exec --policy-dir /nonexistent nosuch -- true
bad_args 2 "lsmguard: unexpected argument 'now'; usage: lsmguard unload" unload now
bad_args 2 "lsmguard: unknown option '-x'; usage: lsmguard check PATH...  (policy files or directories)" check -x
bad_args 2 "lsmguard: no policy file or directory given; usage: lsmguard show [--json] PATH..." show --json
bad_args 2 "lsmguard: unknown option '-x'; run 'lsmguard --help'" -x
run "lsmguard --version" 0 "$lsmguard" --version &&
	same "version line" "$work/out" <(echo "lsmguard 0.1.0 (ABI 1)")

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
