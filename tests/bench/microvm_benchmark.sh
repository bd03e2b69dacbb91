#!/usr/bin/env bash
# How much faster does the microvm example backend boot than the built-in
# qemu-tcg (q35, PCI, SeaBIOS)? Installs the build to a temporary prefix,
# builds examples/backend-qemu-microvm against it out of tree, then times
#   vmtest -k <kernel> --backend qemu-microvm true
#   vmtest -k <kernel> --backend qemu-tcg true
# alternately (so load drifts hit both alike) and prints the median of each
# and the ratio microvm/tcg. Both run under TCG, the same kernel and share.
#
# Usage: microvm_benchmark.sh [BUILD_DIR] [KERNEL] [RUNS]
set -euo pipefail
build=$(realpath "${1:-build}")
kernel=${2:-$(ls /boot/vmlinuz-* | sort -V | tail -n 1)}
runs=${3:-5}
source=$(realpath "$(dirname "$0")/../..")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/backend-qemu-microvm" -B "$work/plugin" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null

seconds() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "vmtest $* failed" >&2; exit 1; }
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
run_vmtest() {
  (cd "$work/project" && VMTEST_NO_UI=1 "$work/prefix/bin/vmtest" \
     --plugin-path "$work/plugin" --backend "$1" -k "$kernel" true)
}

# One untimed run of each fills the caches (extracted kernel, initramfs with
# each backend's modules), as any second run of a user's would find them.
seconds run_vmtest qemu-microvm >/dev/null
seconds run_vmtest qemu-tcg >/dev/null

microvm_times=() tcg_times=()
for ((i = 0; i < runs; i++)); do
  microvm_times+=("$(seconds run_vmtest qemu-microvm)")
  tcg_times+=("$(seconds run_vmtest qemu-tcg)")
done
microvm_median=$(printf '%s\n' "${microvm_times[@]}" | median)
tcg_median=$(printf '%s\n' "${tcg_times[@]}" | median)

echo "kernel:   $kernel (TCG, $runs runs each, alternating, median)"
printf 'microvm:  %.2f s   (%s)\n' "$microvm_median" "${microvm_times[*]}"
printf 'qemu-tcg: %.2f s   (%s)\n' "$tcg_median" "${tcg_times[*]}"
awk -v m="$microvm_median" -v t="$tcg_median" 'BEGIN {printf "ratio:    %.2f (microvm / qemu-tcg)\n", m / t}'
