#!/usr/bin/env bash
# What does an aarch64 guest cost on this x86_64 host? Times, in the same
# run, vmtest's boot-to-command (`true`: boot, modules, 9p root, guest
# agent, command, clean poweroff) of
#   x86_64   Debian's host kernel on the host's root (KVM-less here: TCG)
#   aarch64  Debian's arm64 kernel on an arm64 root filesystem, emulated
# and prints the median of each and the ratio aarch64/x86_64.
#
# Usage: arch_benchmark.sh [VMTEST_BINARY] [ARM64_ROOTFS] [RUNS]
#   ARM64_ROOTFS  an arm64 root filesystem with its kernel under boot/
#                 (default: the one .ci/arm64-rootfs builds and caches)
set -euo pipefail
vmtest=$(realpath "${1:-build/bin/vmtest}")
rootfs=${2:-$("$(dirname "$0")/../../.ci/arm64-rootfs" | sed -n 1p)}
runs=${3:-5}
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
arm_kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -n 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$(dirname "$0")/timing.sh"

x86() { (cd "$work" && VMTEST_NO_UI=1 "$vmtest" -k "$kernel" true); }
arm() { (cd "$work" && VMTEST_NO_UI=1 "$vmtest" -a aarch64 -k "$arm_kernel" -r "$rootfs" true); }

# One untimed run of each fills the caches (initramfs), as any second run
# of a user's would find them.
x86 >/dev/null 2>&1 || { echo "vmtest failed on $kernel; is it built?" >&2; exit 1; }
arm >/dev/null 2>&1 || { echo "vmtest failed on $arm_kernel (aarch64)" >&2; exit 1; }

time_alternately "$runs" x86 arm
echo "kernels: $kernel, $arm_kernel (TCG, $runs runs each, median)"
printf 'x86_64:  %.2f s   (%s)\n' "$median_a" "${times_a[*]}"
printf 'aarch64: %.2f s   (%s)\n' "$median_b" "${times_b[*]}"
awk -v a="$median_b" -v x="$median_a" 'BEGIN {printf "ratio:   %.2f (aarch64 / x86_64)\n", a / x}'
