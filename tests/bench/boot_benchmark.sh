#!/usr/bin/env bash
# How much does vmtest add to a bare boot? Times, in the same run and on the
# same kernel:
#   bare    qemu-system-x86_64 -kernel <bzImage> -initrd <busybox init that
#           powers off at once>: the least any tool can do with this kernel
#   vmtest  vmtest -k <bzImage> true: boot, modules, 9p root, guest agent,
#           command, clean poweroff
# and prints the median of each and the ratio vmtest/bare.
#
# Usage: boot_benchmark.sh [VMTEST_BINARY] [KERNEL] [RUNS]
set -euo pipefail
vmtest=$(realpath "${1:-build/bin/vmtest}")
kernel=${2:-$(ls /boot/vmlinuz-* | sort -V | tail -n 1)}
runs=${3:-5}
accel=${VMTEST_BENCH_ACCEL:-tcg}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/initramfs/bin" "$work/initramfs/dev" "$work/project"
cp /bin/busybox "$work/initramfs/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' > "$work/initramfs/init"
chmod +x "$work/initramfs/init"
(cd "$work/initramfs" && find . | cpio -o -H newc 2>/dev/null) > "$work/tiny.cpio"

source "$(dirname "$0")/timing.sh"

bare() {
  qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot -machine q35 \
    -accel "$accel" -m 512 -kernel "$kernel" -initrd "$work/tiny.cpio" \
    -append "console=ttyS0 panic=-1 quiet" -serial "file:$work/bare.log"
}
run_vmtest() { (cd "$work/project" && VMTEST_NO_UI=1 "$vmtest" -k "$kernel" --backend "qemu-$accel" true); }

# One untimed vmtest run fills the caches (extracted kernel, initramfs), as
# any second run of a user's would find them.
run_vmtest >/dev/null 2>&1 || { echo "vmtest failed; is it built?" >&2; exit 1; }

time_alternately "$runs" bare run_vmtest
echo "kernel:  $kernel ($accel, $runs runs each, median)"
printf 'bare:    %.2f s   (%s)\n' "$median_a" "${times_a[*]}"
printf 'vmtest:  %.2f s   (%s)\n' "$median_b" "${times_b[*]}"
awk -v v="$median_b" -v b="$median_a" 'BEGIN {printf "ratio:   %.2f (vmtest / bare)\n", v / b}'
