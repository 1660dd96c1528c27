# lsmguard build. Everything generated goes to build/; `make V=1` shows the commands.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

BUILD    ?= build
CC       ?= gcc
CLANG    ?= clang
Q        := $(if $(V),,@)
msg       = $(if $(V),,@printf '  %-8s %s\n' '$(1)' '$(2)';)

# Debian 12 packages the build and the tests need (`make deps` installs the missing ones).
DEB_PACKAGES := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libinih-dev \
	libseccomp-dev pkg-config libclang-rt-14-dev qemu-system-x86 busybox-static cpio \
	debhelper dpkg-dev man-db python3-jsonschema mmdebstrap apparmor btrfs-progs

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
CPPFLAGS += -D_GNU_SOURCE -Iinclude -Ipolicy -Ienforcer -I$(BUILD)/bpf -I$(BUILD)/gen
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARNINGS) -MMD -MP
LDLIBS   += -linih
ENFORCER_LDLIBS := -lbpf -lelf -lz

BPFTOOL  ?= bpftool
LLVM_STRIP ?= llvm-strip
LLVM_OBJDUMP ?= llvm-objdump
# -mcpu=v3: 64-bit atomics with fetch (kernel 5.12+; lsmguard needs 5.15 anyway).
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Iinclude -Ibpf_lsm \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -MMD -MP

BPF_SRCS      := $(wildcard bpf_lsm/*.bpf.c)
BPF_OBJS      := $(BPF_SRCS:bpf_lsm/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
BPF_LINKED    := $(BUILD)/bpf/lsmguard.bpf.o
BPF_SKEL      := $(BUILD)/bpf/lsmguard.skel.h
POLICY_SRCS   := $(wildcard policy/*.c)
ENFORCER_SRCS := $(wildcard enforcer/*.c)
UNIT_SRCS     := $(wildcard tests/unit/*.c)
# The one test harness (runner, TAP, guards) of the unit tests and the vm-tests.
HARNESS_SRCS  := tests/harness/harness.c

POLICY_OBJS   := $(POLICY_SRCS:%.c=$(BUILD)/%.o)
ENFORCER_OBJS := $(ENFORCER_SRCS:%.c=$(BUILD)/%.o)
UNIT_OBJS     := $(UNIT_SRCS:%.c=$(BUILD)/%.o) $(HARNESS_SRCS:%.c=$(BUILD)/%.o)
# The enforcer's helpers the unit tests check (none of them needs the BPF skeleton).
UNIT_ENFORCER_OBJS := $(addprefix $(BUILD)/enforcer/,json.o names.o loaded.o atomic_file.o output.o \
	state.o devices.o ringbuf.o skip_effect.o host.o events.o table.o dirmemo.o linkcap.o)

# Variables used in prerequisites must be set before the rules that use them.
VM_DIR    := $(BUILD)/vm
VM_KERNEL := $(VM_DIR)/vmlinuz
VM_INITRD := $(VM_DIR)/initrd.gz
REALSVC_INITRD := $(BUILD)/realsvc/initrd.gz
VM_TESTS  := $(VM_DIR)/vmtest
VM_PROBE  := $(VM_DIR)/probe
VM_DYN    := $(VM_DIR)/dyn $(VM_DIR)/preload.so
VM_BENCH  := $(VM_DIR)/bench $(VM_DIR)/noop
FLOOR_SKEL := $(BUILD)/bench/floor.skel.h
VM_SRCS   := $(HARNESS_SRCS) enforcer/names.c \
	vm-tests/vmtest.c vm-tests/vmutil.c vm-tests/mptcp.c vm-tests/cases.c vm-tests/hardening.c \
	vm-tests/uring.c vm-tests/compare.c vm-tests/cache.c vm-tests/explain.c \
	vm-tests/operations.c vm-tests/learn.c vm-tests/protect.c vm-tests/attempts.c vm-tests/names.c \
	vm-tests/namespaces.c vm-tests/preempt.c vm-tests/selfprot.c vm-tests/fstypes.c vm-tests/unix.c vm-tests/knobs.c \
	vm-tests/hostcode.c vm-tests/blind.c vm-tests/hoststate.c vm-tests/creds.c vm-tests/hardware.c \
	vm-tests/attack6.c vm-tests/attack7.c vm-tests/destinations.c vm-tests/unixpeer.c vm-tests/sockets.c vm-tests/listen.c vm-tests/capabilities.c \
	vm-tests/ipc.c vm-tests/budgets.c vm-tests/attack8.c vm-tests/attack9.c vm-tests/attack10.c vm-tests/attack11.c vm-tests/attack12.c vm-tests/attack13.c vm-tests/attack14.c vm-tests/attack16.c vm-tests/attack17.c vm-tests/attack18.c vm-tests/attack19.c vm-tests/btrfs.c vm-tests/attack20.c vm-tests/attack21.c vm-tests/attack22.c vm-tests/attack23.c vm-tests/attack24.c vm-tests/attack25.c vm-tests/attack27.c vm-tests/attack28.c vm-tests/attack29.c vm-tests/attack30.c vm-tests/attack31.c vm-tests/attack32.c vm-tests/mountnames.c

LSMGUARD   := $(BUILD)/lsmguard
LIBPOLICY  := $(BUILD)/libpolicy.a
UNIT_TESTS := $(BUILD)/tests/unit-tests
HARNESS_SELFTEST := $(BUILD)/tests/harness-selftest $(BUILD)/tests/harness-selftest-empty
FUZZER     := $(BUILD)/fuzz/fuzz_policy
FUZZER_ELF := $(BUILD)/fuzz/fuzz_elfdeps
BENCH_COMPILE := $(BUILD)/bench/bench_compile

.PHONY: all bpf deps check vm-check vm-preempt-check demo bench bench-check bench-workloads bench-workloads-check unit-check harness-check cli-check fuzz fuzz-check bench-compile clean format \
	man install deb install-check realsvc-check

all: $(LSMGUARD)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install packages" >&2; exit 1; fi; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "deps: all $(words $(DEB_PACKAGES)) packages present"; \
	fi

$(BUILD)/%.o: %.c | $(BUILD)/policy $(BUILD)/enforcer $(BUILD)/tests/unit $(BUILD)/tests/harness \
		$(BUILD)/tests/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/policy $(BUILD)/enforcer $(BUILD)/tests/unit $(BUILD)/tests/harness $(BUILD)/tests/bench \
		$(BUILD)/fuzz $(BUILD)/bench $(BUILD)/bpf:
	$(Q)mkdir -p $@

# ---- BPF: one object per hook family, linked into one (maps are shared __weak definitions),
# stripped of DWARF (BTF stays), then the skeleton the enforcer compiles against.
$(BUILD)/bpf/%.bpf.o: bpf_lsm/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_LINKED): $(BPF_OBJS)
	$(call msg,BPFLINK,$@)
	$(Q)$(BPFTOOL) gen object $@.tmp $^ && $(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp

$(BPF_SKEL): $(BPF_LINKED)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name lsmguard_bpf > $@

bpf: $(BPF_SKEL)

$(LIBPOLICY): $(POLICY_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The enforcer compiles against the generated skeleton.
$(filter-out $(UNIT_ENFORCER_OBJS),$(ENFORCER_OBJS)): | $(BPF_SKEL)

# The installed paths the binary knows (its policy directory): one source, SYSCONFDIR below,
# for the binary, `make install` and the package. Rewritten only when a value changes, so that
# `make install SYSCONFDIR=...` rebuilds what uses it and nothing else.
$(BUILD)/gen/paths.h: FORCE
	$(Q)mkdir -p $(@D) && printf '#define LG_SYSCONFDIR "%s"\n' '$(SYSCONFDIR)' >$@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@; }
FORCE:
$(ENFORCER_OBJS) $(UNIT_OBJS): | $(BUILD)/gen/paths.h

$(LSMGUARD): $(ENFORCER_OBJS) $(LIBPOLICY)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(ENFORCER_LDLIBS)

# A static build for the test VM's initramfs (no libraries to copy in).
$(LSMGUARD)-static: $(ENFORCER_OBJS) $(LIBPOLICY)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $^ $(LDLIBS) $(ENFORCER_LDLIBS)

# ---- tests ----
$(UNIT_TESTS): $(UNIT_OBJS) $(UNIT_ENFORCER_OBJS) $(LIBPOLICY)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(ENFORCER_LDLIBS)

# Every suite prints its own "N passed, N failed"; tests/run-all.sh adds them up and prints
# the closing line, and fails when any suite fails or prints no count.
check: $(LSMGUARD) $(UNIT_TESTS) $(HARNESS_SELFTEST) $(FUZZER) $(FUZZER_ELF) $(VM_KERNEL) $(VM_INITRD) $(REALSVC_INITRD)
	$(Q)tests/run-all.sh $(BUILD)

unit-check: $(UNIT_TESTS)
	$(Q)$(UNIT_TESTS)
	$(Q)python3 tests/unit/hash_reference.py --check tests/unit/test_hash.c

# The harness's own test (tests/harness/test-harness.sh): its verdicts and its guards.
$(BUILD)/tests/harness-selftest: tests/harness/selftest.c $(BUILD)/tests/harness/harness.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MF $@.d -o $@ $^
$(BUILD)/tests/harness-selftest-empty: tests/harness/selftest.c $(BUILD)/tests/harness/harness.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DSELFTEST_EMPTY -MF $@.d -o $@ $^
harness-check: $(HARNESS_SELFTEST)
	$(Q)tests/harness/test-harness.sh $(HARNESS_SELFTEST)

cli-check: $(LSMGUARD)
	$(Q)tests/cli/test-cli.sh $(LSMGUARD)

# ---- vm-tests: Debian's 6.1 cloud kernel under qemu, with an initramfs of static binaries ----

$(VM_DIR):
	$(Q)mkdir -p $@

$(VM_KERNEL): | $(VM_DIR)
	$(call msg,FETCH,$@)
	$(Q)vm-tests/fetch-kernel.sh $(VM_DIR) >/dev/null

# Every binary of the test VMs is built by this one rule, from the C files among its
# prerequisites: static unless VM_LDFLAGS says otherwise; per binary, extra flags in VM_CFLAGS
# and libraries in VM_LDLIBS (target-specific and private, so nothing else inherits them).
VM_BASE_CFLAGS := -D_GNU_SOURCE -std=gnu11 -O2 -g $(WARNINGS) -Wno-missing-prototypes
VM_LDFLAGS := -static
$(VM_DIR)/%: | $(VM_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(VM_BASE_CFLAGS) $(VM_CFLAGS) $(VM_LDFLAGS) -o $@ $(filter %.c,$^) $(VM_LDLIBS)

$(VM_TESTS): private VM_CFLAGS := -Iinclude -Ienforcer
$(VM_TESTS): private VM_LDLIBS := -lseccomp
$(VM_TESTS): $(VM_SRCS) vm-tests/vmtest.h vm-tests/vmutil.h vm-tests/mptcp.h vm-tests/uring.h vm-tests/attempts.h \
	tests/harness/harness.h include/lsmguard_abi.h enforcer/names.h

# Dynamically linked on purpose: the exec-mapping tests need the loader and libc.
$(VM_DIR)/dyn: private VM_LDFLAGS :=
$(VM_DIR)/dyn: vm-tests/dyn.c
$(VM_DIR)/preload.so: private VM_LDFLAGS := -shared -fPIC
$(VM_DIR)/preload.so: vm-tests/preload.c

# The benchmark's floor (configuration F): a program that returns at once on every hook and
# traced function lsmguard's object attaches to, generated from it; loaded by the bench binary.
$(BUILD)/bench/floor.bpf.c: tests/bench/gen-floor.sh $(BPF_LINKED) | $(BUILD)/bench
	$(call msg,GEN,$@)
	$(Q)sh tests/bench/gen-floor.sh $(LLVM_OBJDUMP) $(BPF_LINKED) > $@.tmp && mv $@.tmp $@

$(BUILD)/bench/floor.bpf.o: $(BUILD)/bench/floor.bpf.c | $(BUILD)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp && $(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp

$(FLOOR_SKEL): $(BUILD)/bench/floor.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(VM_DIR)/bench: private VM_CFLAGS := -I$(BUILD)/bench -I$(BUILD)/bpf -Iinclude -Ienforcer
$(VM_DIR)/bench: private VM_LDLIBS := -lseccomp -lbpf -lelf -lz
$(VM_DIR)/bench: vm-tests/bench.c vm-tests/vmutil.c vm-tests/vmutil.h vm-tests/vmtest.h \
	enforcer/names.c enforcer/names.h tests/harness/harness.h $(FLOOR_SKEL) $(BPF_SKEL)
$(VM_DIR)/noop: tests/bench/noop.c
$(VM_PROBE): vm-tests/probe.c
$(VM_DIR)/svc: vm-tests/realsvc/svc.c

# overlayfs is a module of the test kernel (CONFIG_OVERLAY_FS=m): the fstypes cases load it.
# So are RAM disks (brd: the block device of vm-tests/hardware.c), /dev/cpu/N/msr (msr) and the
# watchdogs (watchdog, softdog) and HID's core (hid: hidraw's major), device numbers the kernel
# chooses at load (vm-tests/hardware.c); SCTP and its dependencies (vm-tests/sockets.c); btrfs,
# what it needs, and loop devices (vm-tests/btrfs.c); FUSE (a mount that never answers).
VM_MODULES := $(addprefix $(VM_DIR)/,overlay.ko brd.ko msr.ko watchdog.ko softdog.ko hid.ko \
	libcrc32c.ko udp_tunnel.ko ip6_udp_tunnel.ko sctp.ko xor.ko raid6_pq.ko zstd_compress.ko \
	btrfs.ko loop.ko fuse.ko)
$(VM_MODULES): | $(VM_KERNEL)
	$(call msg,FETCH,$@)
	$(Q)vm-tests/fetch-kernel.sh $(VM_DIR) $(basename $(notdir $@)) >/dev/null

# A btrfs filesystem for vm-tests/btrfs.c (mixed block groups: the smallest mkfs.btrfs makes).
$(VM_DIR)/btrfs.img:
	$(call msg,MKFS,$@)
	$(Q)rm -f $@.tmp && truncate -s 16M $@.tmp && mkfs.btrfs -q -M -f $@.tmp >/dev/null && \
		mv $@.tmp $@

$(VM_INITRD): $(LSMGUARD)-static $(VM_TESTS) $(VM_PROBE) $(VM_DYN) $(VM_BENCH) \
		$(VM_MODULES) $(VM_DIR)/btrfs.img vm-tests/init.sh vm-tests/demo.sh \
		vm-tests/build-initramfs.sh $(wildcard policy/examples/*.ini)
	$(call msg,INITRD,$@)
	$(Q)vm-tests/build-initramfs.sh $(BUILD) $@

vm-check: $(VM_KERNEL) $(VM_INITRD)
	$(Q)vm-tests/run-vm.sh $(VM_KERNEL) $(VM_INITRD) test

# The same suite in a kernel booted with preempt=full (vm-tests/preempt.c says why).
vm-preempt-check: $(VM_KERNEL) $(VM_INITRD)
	$(Q)vm-tests/run-vm.sh $(VM_KERNEL) $(VM_INITRD) preempt

# Real services (nginx, OpenSSH, PostgreSQL 15) of a Debian 12 userland under their example
# policies, booted with systemd; the userland is cached in build/realsvc/root.tar.
$(REALSVC_INITRD): $(LSMGUARD)-static $(LSMGUARD) $(VM_DIR)/svc vm-tests/realsvc/build.sh \
		vm-tests/realsvc/test.sh vm-tests/realsvc/bench.sh vm-tests/realsvc/build.ini \
		$(wildcard vm-tests/realsvc/apparmor/lg*) enforcer/dist/lsmguard.service.in \
		$(wildcard policy/examples/*.ini debian/*) README.md docs/policy.md
	$(call msg,REALSVC,$@)
	$(Q)vm-tests/realsvc/build.sh $(BUILD) $(LSMGUARD)-static $(VM_DIR)/svc
realsvc-check: $(VM_KERNEL) $(REALSVC_INITRD)
	$(Q)vm-tests/realsvc/run.sh $(VM_KERNEL) $(REALSVC_INITRD)

# The main job on a machine whose own kernel cannot run BPF LSM: boot the test kernel with the
# example policies and show denials and their events.
demo: $(VM_KERNEL) $(VM_INITRD)
	$(Q)vm-tests/run-vm.sh $(VM_KERNEL) $(VM_INITRD) demo

# The performance benchmark (vm-tests/bench.c) in the test VM; results in build/bench/, written
# only when the bench proved every configuration's state and every operation's result.
# ITERATIONS=N caps each operation's count (a quick look at the checks, not at speed).
bench: $(VM_KERNEL) $(VM_INITRD) | $(BUILD)/bench
	$(Q)rm -f $(BUILD)/bench/table.md $(BUILD)/bench/results.json $(BUILD)/bench/programs.json
	$(Q)VM_TIMEOUT=1500 vm-tests/run-bench.sh $(VM_KERNEL) $(VM_INITRD) $(ROUNDS) $(ITERATIONS)
	$(Q)sed -n 's/^BENCH-TABLE //p' $(VM_DIR)/console-bench.log.txt > $(BUILD)/bench/table.md
	$(Q)sed -n 's/^BENCH-JSON //p' $(VM_DIR)/console-bench.log.txt > $(BUILD)/bench/results.json
	$(Q)sed -n 's/^BENCH-PROGRAMS /{/p' $(VM_DIR)/console-bench.log.txt > $(BUILD)/bench/programs.json
	$(Q)test -s $(BUILD)/bench/results.json && echo "bench: build/bench/table.md, build/bench/results.json"
	$(Q)$(MAKE) --no-print-directory bench-workloads

# The workloads (issue 15): nginx serving a static file to ab, and a small C project built by
# gcc from a confined shell, under nothing, AppArmor, lsmguard, and lsmguard with no policy for
# either, in the real-services image (mmdebstrap, as realsvc-check) booted with the
# instruction clock (vm-tests/realsvc/bench.sh). Results in build/bench/.
WORKLOAD_ROUNDS   ?= 5
WORKLOAD_REQUESTS ?= 2000
WORKLOAD_FILES    ?= 8
bench-workloads: $(VM_KERNEL) $(REALSVC_INITRD) | $(BUILD)/bench
	$(Q)rm -f $(BUILD)/bench/workloads.md $(BUILD)/bench/workloads.json
	$(Q)vm-tests/realsvc/run-bench.sh $(VM_KERNEL) $(REALSVC_INITRD) $(WORKLOAD_ROUNDS) \
		$(WORKLOAD_REQUESTS) $(WORKLOAD_FILES)
	$(Q)sed -n 's/^WORKLOADS-TABLE //p' $(BUILD)/realsvc/console-bench.log.txt > $(BUILD)/bench/workloads.md
	$(Q)sed -n 's/^WORKLOADS-TARGET /- /p' $(BUILD)/realsvc/console-bench.log.txt >> $(BUILD)/bench/workloads.md
	$(Q)sed -n 's/^WORKLOADS-JSON //p' $(BUILD)/realsvc/console-bench.log.txt > $(BUILD)/bench/workloads.json
	$(Q)test -s $(BUILD)/bench/workloads.json && echo "bench: build/bench/workloads.md, build/bench/workloads.json"
# Its checks (suite workloads of make check): one round, few requests, a two-unit project.
bench-workloads-check: $(VM_KERNEL) $(REALSVC_INITRD)
	$(Q)vm-tests/realsvc/run-bench.sh $(VM_KERNEL) $(REALSVC_INITRD) 1 50 2

# The bench's own checks (suite bench of make check): one round, BENCH_CHECK_ITERATIONS of each
# operation; it fails when a configuration cannot prove its state, not when it is slow.
bench-check: $(VM_KERNEL) $(VM_INITRD)
	$(Q)vm-tests/run-bench.sh $(VM_KERNEL) $(VM_INITRD) 1 $(BENCH_CHECK_ITERATIONS)

# ---- fuzzing: libFuzzer over parse + compile + evaluate, with ASan and UBSan ----
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	$(WARNINGS) -Wno-unused-command-line-argument
FUZZ_TIME   ?= 600
ROUNDS      ?= 7
ITERATIONS  ?= 0
BENCH_CHECK_ITERATIONS ?= 20
FUZZ_CHECK_TIME ?= 30

$(FUZZER): tests/fuzz/fuzz_policy.c $(POLICY_SRCS) $(wildcard policy/*.h include/*.h) | $(BUILD)/fuzz
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_policy.c $(POLICY_SRCS) $(LDLIBS)

$(FUZZER_ELF): tests/fuzz/fuzz_elfdeps.c enforcer/elfdeps.c enforcer/elfdeps.h | $(BUILD)/fuzz
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_elfdeps.c enforcer/elfdeps.c -lelf

fuzz: $(FUZZER) $(FUZZER_ELF)
	$(Q)tests/fuzz/run-fuzz.sh $(FUZZ_TIME) $(FUZZER) $(FUZZER_ELF)

fuzz-check: $(FUZZER) $(FUZZER_ELF)
	$(Q)tests/fuzz/run-fuzz.sh $(FUZZ_CHECK_TIME) $(FUZZER) $(FUZZER_ELF)

# ---- benchmarks ----
$(BENCH_COMPILE): $(BUILD)/tests/bench/bench_compile.o $(LIBPOLICY) | $(BUILD)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench-compile: $(BENCH_COMPILE)
	$(Q)$(BENCH_COMPILE) 10000

FORMAT_SRCS := $(POLICY_SRCS) $(ENFORCER_SRCS) $(UNIT_SRCS) $(HARNESS_SRCS) policy/*.h enforcer/*.h \
	include/lsmguard_abi.h tests/unit/*.h tests/harness/*.h $(BPF_SRCS) bpf_lsm/*.bpf.h
format:
	clang-format -i $(FORMAT_SRCS)

# ---- install and package ----
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
# /etc whatever the prefix: the binary is built with it (build/gen/paths.h), so a binary in
# /usr/local/sbin reads the same /etc/lsmguard/policy.d that the docs, the unit and the
# package name; a packager who sets another builds a binary that reads that one.
SYSCONFDIR ?= /etc
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
MAN_PAGES  := $(BUILD)/man/lsmguard.8 $(BUILD)/man/lsmguard.ini.5

# The manual pages are made from docs/lsmguard.8.md and docs/policy.md.
man: $(MAN_PAGES)
$(BUILD)/man/lsmguard.8: docs/lsmguard.8.md docs/man/md2man.awk
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D) && awk -v name=lsmguard -v section=8 \
		-v summary="per-service mandatory access control with BPF LSM" \
		-f docs/man/md2man.awk $< > $@
$(BUILD)/man/lsmguard.ini.5: docs/policy.md docs/man/md2man.awk
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D) && awk -v name=lsmguard.ini -v section=5 \
		-v summary="the lsmguard policy language" -f docs/man/md2man.awk $< > $@

# PREFIX (/usr/local) and DESTDIR are honoured; policies go to $(SYSCONFDIR)/lsmguard/policy.d
# (the examples as *.ini.example, which lsmguard ignores until renamed).
install: $(LSMGUARD) $(MAN_PAGES)
	install -D -m 0755 $(LSMGUARD) $(DESTDIR)$(SBINDIR)/lsmguard
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		enforcer/dist/lsmguard.service.in > $(DESTDIR)$(UNITDIR)/lsmguard.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/lsmguard.service
	install -D -m 0644 $(BUILD)/man/lsmguard.8 $(DESTDIR)$(MANDIR)/man8/lsmguard.8
	install -D -m 0644 $(BUILD)/man/lsmguard.ini.5 $(DESTDIR)$(MANDIR)/man5/lsmguard.ini.5
	install -D -m 0644 enforcer/dist/lsmguard.bash-completion $(DESTDIR)$(COMPLETIONDIR)/lsmguard
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/lsmguard/policy.d
	install -m 0644 enforcer/dist/policy.d-README $(DESTDIR)$(SYSCONFDIR)/lsmguard/policy.d/README
	for f in policy/examples/*.ini; do \
		install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/lsmguard/policy.d/$$(basename $$f).example; \
	done

# A Debian package (debian/), built with dpkg-buildpackage into build/deb/.
deb:
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	$(Q)git ls-files -z | xargs -0 cp --parents -t $(BUILD)/deb/src
	$(Q)cd $(BUILD)/deb/src && dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
		{ tail -n 40 ../build.log; exit 1; }
	$(Q)ls $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f -not -path '*/vm/root/*' -not -path '*/realsvc/*' 2>/dev/null)
