#!/usr/bin/env bash
# A passing suite is quiet: print the lines of LOG that read like failures although nothing
# failed (a shell's job killed under it, a busybox applet the image lacks, an ELF file read as
# something else: the loader's "invalid ELF header", the module loader's "Invalid ELF header
# len", the loader's preload errors), and exit 1 when there is one. (A kernel line about a task
# the OOM killer chose is not one: cases that exhaust a budget expect it. Expected kernel lines
# are dropped from the console by vm-tests/qemu.sh.)
# tests/run-all.sh counts such a passing suite as one more failure.
# Usage: tests/noise.sh LOG
set -u
# (The cases' standard error that a slow vm suite shows before its time limit, vm-tests/init.sh,
# is marked "# watch| " and left out: it is what the cases said, not what the suite printed.)
grep -niE -- 'applet not found|(^|: |[0-9] )Terminated( |$)|invalid ELF header|ERROR: ld\.so' "$1" |
	grep -v '^[0-9]*:# watch| ' | head -n 5 | grep . || exit 0
exit 1
