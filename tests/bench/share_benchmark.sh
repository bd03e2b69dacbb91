#!/usr/bin/env bash
# 9p against virtiofs, in the same run, on the same kernel and files. For
# each share it boots vmtest and times, inside the guest:
#   small   reading many small files (FILES files of 1-4 KiB in 40
#           directories, `cat` of them all), first and second time
#   large   reading one large file (LARGE_MB MiB), first time
#   exec    running 100 short programs from the guest's root (what test
#           scripts do most: every exec looks up the binary, its loader and
#           libraries)
#   cpu     a shell loop that touches no file, as a control (virtiofs
#           makes guest RAM shared memory, which vhost-user needs)
# and, on the host, boot-to-command: from starting vmtest until the
# command's first output line arrives. Prints the median of RUNS runs.
#
# Usage: share_benchmark.sh [VMTEST_BINARY] [KERNEL] [RUNS]
#   env: FILES (default 3000), LARGE_MB (default 256), SHARES (default
#        "9p virtiofs"), VMTEST_BENCH_ACCEL (tcg or kvm; default tcg)
set -euo pipefail
vmtest=$(realpath "${1:-build/bin/vmtest}")
kernel=${2:-$(ls /boot/vmlinuz-* | sort -V | tail -n 1)}
runs=${3:-3}
files=${FILES:-3000}
large_mb=${LARGE_MB:-256}
shares=(${SHARES:-9p virtiofs})
accel=${VMTEST_BENCH_ACCEL:-tcg}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project=$work/project
mkdir -p "$project"
for ((i = 0; i < files; i++)); do
  dir=$project/small/d$((i % 40))
  [ -d "$dir" ] || mkdir -p "$dir"
  head -c $((1024 + (i * 37) % 3072)) /dev/urandom > "$dir/f$i"
done
head -c $((large_mb * 1024 * 1024)) /dev/urandom > "$project/large.bin"

# Guest side: times in seconds, from the guest's own monotonic clock.
cat > "$project/measure.sh" <<'EOF'
echo command-started
now() { read -r up _ < /proc/uptime; echo "$up"; }
t0=$(now); cat small/*/* > /dev/null
t1=$(now); cat small/*/* > /dev/null
t2=$(now); cat large.bin > /dev/null
t3=$(now); for i in $(seq 100); do /usr/bin/true; done
t4=$(now); i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done
t5=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" 'BEGIN {
  printf "result small=%.2f small_again=%.2f large=%.2f exec=%.2f cpu=%.2f\n",
         b - a, c - b, d - c, e - d, f - e}'
EOF

# One run: prints "boot=S small=S small_again=S large=S exec=S cpu=S".
run_once() {
  local share=$1 start line boot=""
  start=$EPOCHREALTIME
  while IFS= read -r line; do
    if [[ -z $boot && $line == command-started ]]; then
      boot=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}')
    elif [[ $line == result* ]]; then
      echo "boot=$boot ${line#result }"
    fi
  done < <(cd "$project" && VMTEST_NO_UI=1 "$vmtest" -k "$kernel" --backend "qemu-$accel" \
             --share "$share" "bash measure.sh" 2>/dev/null)
}

source "$(dirname "$0")/timing.sh"
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

# One untimed run per share fills the caches (extracted kernel, initramfs).
for share in "${shares[@]}"; do
  run_once "$share" | grep -q small= || { echo "vmtest --share $share failed" >&2; exit 1; }
done

declare -A results
for ((i = 0; i < runs; i++)); do   # interleaved, so load drifts hit both alike
  for share in "${shares[@]}"; do
    results[$share]+="$(run_once "$share")"$'\n'
  done
done

echo "kernel: $kernel ($accel); $files small files, ${large_mb} MiB large file; median of $runs runs"
printf '%-10s %12s %10s %12s %10s %10s %10s\n' share boot-to-cmd small small-again large exec cpu
for share in "${shares[@]}"; do
  row=()
  for key in boot small small_again large exec cpu; do
    row+=("$(printf '%s' "${results[$share]}" | field "$key" | median)")
  done
  printf '%-10s %11.2fs %9.2fs %11.2fs %9.2fs %9.2fs %9.2fs\n' "$share" "${row[@]}"
done
