#!/usr/bin/env bash
# What do targets running side by side save? Times the same vmtest.toml of
# four cheap targets (the host's kernel, 512M guests, `true`) run with -j2
# and with -j1, interleaved, and prints the median of each and their ratio.
# Under TCG a guest keeps about one host CPU busy while it boots, so on a
# host with N free CPUs -j2 can save up to half; on a busy host less.
#
# Usage: parallel_benchmark.sh [VMTEST_BINARY] [KERNEL] [RUNS]
#        (KERNEL defaults to the newest /boot/vmlinuz-*)
set -euo pipefail
vmtest=$(realpath "${1:-build/bin/vmtest}")
kernel=$(realpath "${2:-$(ls /boot/vmlinuz-* | sort -V | tail -n 1)}")
runs=${3:-3}
accel=${VMTEST_BENCH_ACCEL:-tcg}
targets=4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project"
ln -s "$kernel" "$work/project/kernel"
for i in $(seq "$targets"); do
  cat >>"$work/project/vmtest.toml" <<TOML
[[target]]
name = "target-$i"
kernel = "kernel"
backend = "qemu-$accel"
command = "true"
[target.vm]
memory = "512M"
TOML
done

source "$(dirname "$0")/timing.sh"
in_project() { (cd "$work/project" && VMTEST_NO_UI=1 VMTEST_CACHE_DIR="$work/cache" "$@"); }

# One run first: it must pass, or every number below is a failure's; it also
# fills the kernel and initramfs caches, which both timed runs then share.
in_project "$vmtest" -j2 >/dev/null 2>&1 ||
  { echo "vmtest -j2 failed in $work/project; is it built?" >&2; exit 1; }

with_j2() { in_project "$vmtest" -j2; }
with_j1() { in_project "$vmtest" -j1; }
time_alternately "$runs" with_j2 with_j1
echo "$targets targets (true, 512M), $accel, $(nproc) CPUs, $runs runs each, median"
printf -- '-j1:    %6.2f s   (%s)\n' "$median_b" "${times_b[*]}"
printf -- '-j2:    %6.2f s   (%s)\n' "$median_a" "${times_a[*]}"
awk -v s="$median_b" -v p="$median_a" \
  'BEGIN {printf "ratio:  %.2f (-j1 / -j2)\n", s / p}'
