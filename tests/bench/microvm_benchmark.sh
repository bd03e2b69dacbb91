#!/usr/bin/env bash
# How much faster does the microvm example backend boot than the built-in
# qemu-tcg (q35, PCI, SeaBIOS)? Installs the build to a temporary prefix,
# builds examples/backend-qemu-microvm against it out of tree, then times
#   vmtest -k <kernel> --backend qemu-microvm true
#   vmtest -k <kernel> --backend qemu-tcg true
# alternately (so load drifts hit both alike) and prints the medians of
# each (wall time and CPU time) and the ratios microvm/tcg. Both run under
# TCG, with the same kernel and share.
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

# "<wall seconds> <CPU seconds>" of one run: CPU time (vmtest, QEMU and
# helpers, user + system) is the steadier number on a loaded host, where
# wall time mostly measures the other processes.
measure() {
  local TIMEFORMAT='%R %U %S' times
  times=$( { time "$@" >/dev/null 2>&1 || echo failed; } 2>&1 )
  if [[ $times == *failed* ]]; then echo "$* failed" >&2; return 1; fi
  awk '{printf "%.2f %.2f", $1, $2 + $3}' <<<"$times"
}
source "$(dirname "$0")/timing.sh"
run_vmtest() {
  (cd "$work/project" && VMTEST_NO_UI=1 "$work/prefix/bin/vmtest" \
     --plugin-path "$work/plugin" --backend "$1" -k "$kernel" true)
}

# One untimed run of each fills the caches (extracted kernel, initramfs with
# each backend's modules), as any second run of a user's would find them.
measure run_vmtest qemu-microvm >/dev/null
measure run_vmtest qemu-tcg >/dev/null

microvm_runs=() tcg_runs=()
for ((i = 0; i < runs; i++)); do   # alternating, so load drifts hit both alike
  microvm_runs+=("$(measure run_vmtest qemu-microvm)")
  tcg_runs+=("$(measure run_vmtest qemu-tcg)")
done
column() { printf '%s\n' "${@:2}" | awk -v c="$1" '{print $c}'; }
report() {  # NAME WALL_MEDIAN CPU_MEDIAN RUNS...
  printf '%-9s wall %6.2f s  cpu %6.2f s   (wall cpu: %s)\n' "$1" "$2" "$3" "$(IFS=,; echo "${*:4}" | sed 's/,/, /g')"
}
microvm_wall=$(column 1 "${microvm_runs[@]}" | median) microvm_cpu=$(column 2 "${microvm_runs[@]}" | median)
tcg_wall=$(column 1 "${tcg_runs[@]}" | median) tcg_cpu=$(column 2 "${tcg_runs[@]}" | median)

echo "kernel:   $kernel (TCG, $runs runs each, alternating, medians)"
report microvm "$microvm_wall" "$microvm_cpu" "${microvm_runs[@]}"
report qemu-tcg "$tcg_wall" "$tcg_cpu" "${tcg_runs[@]}"
awk -v mw="$microvm_wall" -v tw="$tcg_wall" -v mc="$microvm_cpu" -v tc="$tcg_cpu" \
  'BEGIN {printf "ratio:    wall %.2f  cpu %.2f (microvm / qemu-tcg)\n", mw / tw, mc / tc}'
