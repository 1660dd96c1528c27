#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""An independent reference for lsmguard's path and cgroup hashes, written from the algorithm
described in include/lsmguard_abi.h (no code shared with the C). It prints the known-answer
table of tests/unit/test_hash.c; with --check FILE it compares that table with FILE's copy.

The algorithm, in words:
  mix(h, w)   = x ^ (x >> 29), where x = (h ^ w) * 0x100000001b3 mod 2^64
  root(seed)  = mix(0xcbf29ce484222325, seed)
  component c = mix(h, 0x2f + 256 * len(c)), then mix with each 8 bytes of c read as a
                little-endian number (the last group zero-padded)
  path        = root, then each component of the path between slashes, in order
  cgroup path = root, then h = (h ^ byte) * 0x100000001b3 mod 2^64 for each byte
"""
import sys

M64 = (1 << 64) - 1
PRIME = 0x100000001B3
BASIS = 0xCBF29CE484222325


def mix(h, w):
    x = ((h ^ w) * PRIME) & M64
    return x ^ (x >> 29)


def root(seed):
    return mix(BASIS, seed)


def component(h, name):
    h = mix(h, 0x2F + 256 * len(name))
    for at in range(0, len(name), 8):
        h = mix(h, int.from_bytes(name[at:at + 8].ljust(8, b"\0"), "little"))
    return h


def components(path):
    path = path.lstrip(b"/")
    return path.split(b"/") if path else []


def prefix_hashes(seed, path):
    hashes = [root(seed)]
    for name in components(path):
        hashes.append(component(hashes[-1], name))
    return hashes


def cgroup_hash(seed, path):
    h = root(seed)
    for byte in path:
        h = ((h ^ byte) * PRIME) & M64
    return h


SEEDS = [0, 42, 0x0123456789ABCDEF, M64]
LONG = (b"abcdefghijklmnopqrstuvwxyz0123456789" * 8)[:255]
PATHS = [
    b"/",
    b"/etc",
    b"/etc/shadow",
    b"/abcdefg",            # 7 bytes: one padded word
    b"/abcdefgh",           # 8 bytes: exactly one word
    b"/abcdefghi",          # 9 bytes: a second word of one byte
    b"/abcdefghijklmnop/q", # 16 bytes: two full words
    b"/usr/lib/x86_64-linux-gnu/libc.so.6",
    b"/tmp/caf\xc3\xa9/\xff\xfe\x80",  # UTF-8 and bytes that are no UTF-8
    b"/srv/" + LONG + b"/x",  # the longest component a name can have
]
PREFIX_PATHS = [b"/var/lib/postgresql/15/main/base", b"/srv/" + LONG + b"/x"]
CGROUPS = [b"", b"/", b"/system.slice/nginx.service", b"/t.slice/caf\xc3\xa9\xff.service"]


def c_string(data, indent):
    out, piece = [], ""
    for byte in data:
        ch = chr(byte)
        piece += ch if 0x20 <= byte < 0x7F and ch not in '"\\?' else "\\%03o" % byte
        if len(piece) >= 60:
            out.append('"%s"' % piece)
            piece = ""
    if piece or not out:
        out.append('"%s"' % piece)
    return ("\n" + indent).join(out)


def table():
    lines = ["static const struct path_vector path_vectors[] = {"]
    for seed in SEEDS:
        for path in PATHS:
            lines.append("\t{0x%016xULL, %s," % (seed, c_string(path, "\t\t")))
            lines.append("\t 0x%016xULL}," % prefix_hashes(seed, path)[-1])
    lines.append("};")
    lines.append("static const struct prefix_vector prefix_vectors[] = {")
    for seed in (42, M64):
        for path in PREFIX_PATHS:
            hashes = prefix_hashes(seed, path)
            lines.append("\t{0x%016xULL, %s, %d, {" % (seed, c_string(path, "\t\t"),
                                                       len(hashes) - 1))
            lines.extend("\t\t0x%016xULL," % h for h in hashes)
            lines.append("\t}},")
    lines.append("};")
    lines.append("static const struct path_vector cgroup_vectors[] = {")
    for seed in SEEDS:
        for path in CGROUPS:
            lines.append("\t{0x%016xULL, %s, 0x%016xULL}," % (seed, c_string(path, "\t\t"),
                                                              cgroup_hash(seed, path)))
    lines.append("};")
    return "\n".join(lines) + "\n"


BEGIN = "/* BEGIN hash_reference.py */\n"
END = "/* END hash_reference.py */\n"

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        # TAP with a result line, so that tests/run-all.sh counts it as the suite "hashref".
        text = open(sys.argv[2]).read()
        copy = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
        same = copy == table()
        print("1..1")
        print("%s 1 - %s holds hash_reference.py's answers" % ("ok" if same else "not ok", sys.argv[2]))
        print("hashref: %d passed, %d failed" % (same, not same))
        sys.exit(0 if same else 1)
    elif len(sys.argv) == 1:
        sys.stdout.write(BEGIN + table() + END)
    else:
        sys.exit("usage: hash_reference.py [--check tests/unit/test_hash.c]")
