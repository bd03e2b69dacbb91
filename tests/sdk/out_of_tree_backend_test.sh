#!/usr/bin/env bash
# A third-party backend as its author builds and uses it: install vmtest to
# a prefix, build examples/backend-qemu-microvm out of tree with
# find_package(vmtest-sdk), check the installed vmtest lists it, then boot
# QEMU's microvm machine with `--backend qemu-microvm` over each share (9p,
# virtiofs) and check that the command's output and exit status come back
# and that the guest really is a microvm (no PCI bus, the TSC rate on its
# kernel command line), that vmtest still reads a panic from its console,
# and that its probe refuses what it cannot do.
# Usage: out_of_tree_backend_test.sh BUILD_DIR SOURCE_DIR
# Exits 77 (skipped) without a kernel in /boot or a QEMU with microvm.
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$kernel" ] || { echo "SKIP: no kernel in /boot to boot"; exit 77; }
qemu-system-x86_64 -machine help 2>/dev/null | grep -q '^microvm ' ||
  { echo "SKIP: no qemu-system-x86_64 with the microvm machine"; exit 77; }
release=${kernel##*/vmlinuz-}

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/backend-qemu-microvm" -B "$work/plugin" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null
vmtest=$work/prefix/bin/vmtest

listing=$("$vmtest" --plugin-path "$work/plugin" --list-plugins)
grep -q $'^backend\tqemu-microvm\t1.0.0\t' <<<"$listing" || fail "qemu-microvm not loaded: $listing"
if grep -q '^refused' <<<"$listing"; then fail "a plugin was refused: $listing"; fi

project=$work/project
mkdir -p "$project" "$work/run"
run_vmtest() {
  (cd "$project" && XDG_RUNTIME_DIR=$work/run XDG_STATE_HOME=$work/state \
     VMTEST_CACHE_DIR=$build/e2e-cache VMTEST_NO_UI=1 \
     "$vmtest" --plugin-path "$work/plugin" --backend qemu-microvm "$@" 2>&1)
}

# What it cannot do, its probe refuses before anything boots, in one line.
out=$(run_vmtest -q "$work/no-such-qemu" -k "$kernel" true) && fail "a missing QEMU was accepted"
grep -qF "backend qemu-microvm cannot run here: $work/no-such-qemu cannot be run" <<<"$out" ||
  fail "no probe refusal for a missing QEMU: $out"
out=$(run_vmtest -k "$kernel" - </dev/null) && fail "the interactive console was accepted"
grep -qF "backend qemu-microvm cannot run here: qemu-microvm has no interactive console" <<<"$out" ||
  fail "no probe refusal for the interactive console: $out"

echo from-host > "$project/host-file"
# What the guest reports, one fact a line; exit 3 so that the status has to
# come back through the backend, the runner and vmtest.
command='cat host-file; echo "release $(uname -r)"; echo "pci devices $(ls /sys/bus/pci/devices 2>/dev/null | wc -l)"
echo "cmdline $(cat /proc/cmdline)"; awk '\''$2 == "/mnt/vmtest" { print "project fs " $3 }'\'' /proc/mounts; echo from-guest > guest-file; exit 3'

for share in 9p virtiofs; do
  rm -f "$project/guest-file"
  status=0
  out=$(run_vmtest --share "$share" -k "$kernel" -- "$command") || status=$?
  echo "--- --share $share (exit status $status)"
  echo "$out"
  [ "$status" = 3 ] || fail "--share $share: vmtest exited $status, not the command's 3"
  grep -qx from-host <<<"$out" || fail "--share $share: the guest did not read the project's file"
  grep -qx "release $release" <<<"$out" || fail "--share $share: the guest did not run $release"
  grep -qx "pci devices 0" <<<"$out" || fail "--share $share: the guest has PCI devices: not a microvm"
  grep -qE '^cmdline .* tsc_early_khz=[0-9]+' <<<"$out" ||
    fail "--share $share: no tsc_early_khz= on the guest's kernel command line"
  grep -qx "project fs $share" <<<"$out" || fail "--share $share: /mnt/vmtest is not $share"
  [ "$(cat "$project/guest-file" 2>/dev/null)" = from-guest ] ||
    fail "--share $share: the guest's write is not on the host"
done
# The console log is microvm's ISA serial port: vmtest still reads a panic
# from it (no root to mount: the kernel panics before vmtest's init runs).
out=$(run_vmtest --kargs "rdinit=/no-such-init init=/no-such-init" -k "$kernel" true) &&
  fail "a guest without an init passed"
echo "$out" | tail -n 2
grep -q "FAILED (the guest kernel panicked: Kernel panic" <<<"$out" ||
  fail "the panic was not read from the console log: $out"
echo "out-of-tree backend plugin boots microvm over 9p and virtiofs"
