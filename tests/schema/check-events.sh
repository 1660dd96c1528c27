#!/usr/bin/env bash
# The event format: every event line the vm-tests made the daemon print (collected by
# vm-tests/init.sh as "LSMGUARD-EVENT ..." lines of the console log) must validate against
# docs/event.schema.json, and every kind the tests provoke must be there. A second log, the
# real-services test's (vm-tests/realsvc/test.sh prints lsmguard.service's journal the same
# way), must validate too: those are events of nginx, sshd and PostgreSQL under systemd.
# Usage: tests/schema/check-events.sh CONSOLE_LOG [REALSVC_CONSOLE_LOG]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# Debian's python3 with python3-jsonschema (make deps), not whatever python3 PATH finds first.
exec /usr/bin/python3 - "$top/docs/event.schema.json" "$@" <<'PY'
import json, sys
import jsonschema

schema_path, logs = sys.argv[1], sys.argv[2:]
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
passed = failed = 0
n = 0

def result(ok, name, detail=""):
    global passed, failed, n
    n += 1
    if ok:
        passed += 1
        print(f"ok {n} - {name}")
    else:
        failed += 1
        print(f"not ok {n} - {name}")
        if detail:
            print("    " + detail[:600])

def collect(log):
    """The kinds of event seen in log, and the lines that do not validate."""
    kinds, bad = {}, []
    for line in open(log, errors="replace"):
        if not line.startswith("LSMGUARD-EVENT "):
            continue
        text = line[len("LSMGUARD-EVENT "):].rstrip("\n")
        try:
            event = json.loads(text)
        except ValueError as e:
            bad.append(f"not JSON ({e}): {text}")
            continue
        kind = event.get("event", "?") + "/" + str(event.get("hook", event.get("result", "")))
        kinds[kind] = kinds.get(kind, 0) + 1
        errors = sorted(validator.iter_errors(event), key=lambda e: e.path)
        if errors:
            bad.append(f"{errors[0].message}: {text}")
    return kinds, bad

kinds, bad = collect(logs[0])
result(sum(kinds.values()) > 0, "the vm-tests' event lines were collected")
result(not bad, f"all {sum(kinds.values())} event lines validate against docs/event.schema.json",
       "; ".join(bad[:3]))
for kind in ["ready/", "reload/ok", "reload/error", "deny/file_open", "audit/file_open",
             "deny/bprm_check_security", "deny/socket_connect", "deny/socket_sendmsg",
             "deny/mmap_file", "deny/path_rename", "deny/task_alloc", "deny/bpf",
             "deny/file_receive", "deny/unix_stream_connect", "deny/unix_may_send",
             "notice/path_link", "deny/file_ioctl", "audit/file_ioctl",
             "deny/task_setnice", "deny/socket_bind", "deny/socket_listen",
             "audit/socket_listen", "deny/capable", "audit/capable",
             "deny/socket_create", "audit/socket_create", "deny/socket_setsockopt",
             "audit/socket_setsockopt", "deny/capset", "audit/capset", "deny/task_prctl",
             "audit/task_prctl", "deny/mmap_addr", "audit/mmap_addr", "deny/mptcp_subflow",
             "audit/mptcp_subflow",
             "reload_refused/", "mount_ignored/"]:
    result(kind in kinds, f"events of kind {kind} were seen and checked",
           "seen: " + ", ".join(sorted(kinds)))
if len(logs) > 1:
    real, real_bad = collect(logs[1])
    result(sum(real.values()) > 0, "the real services' event lines were collected")
    result(not real_bad, f"all {sum(real.values())} events of the real services validate",
           "; ".join(real_bad[:3]))
    for kind in ["ready/", "deny/file_open", "deny/bprm_check_security", "deny/socket_connect",
                 "deny/socket_bind", "deny/socket_listen", "deny/capable"]:
        result(kind in real, f"the real services gave events of kind {kind}",
               "seen: " + ", ".join(sorted(real)))
print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
