#!/usr/bin/env bash
# What does a kernel given as a .deb URL cost the first time, and after?
# Serves a linux-image .deb over loopback HTTP (python3 -m http.server) and
# times, in the same run:
#   source cold   vmtest -k URL with an empty cache, stopped right after the
#                 kernel is ready (a missing --rootfs fails the target before
#                 it boots): download + SHA-256 + unpacking the package
#   source warm   the same with that cache: a conditional GET answered 304
#                 (the copy's SHA-256 is on record), nothing unpacked
#   boot cold     vmtest -k URL true with an empty cache: the above, plus
#                 the first boot's PVH vmlinux and initramfs
#   boot warm     the same with that cache: what every later run pays
# and prints the median of each and the cold/warm ratios.
#
# Usage: kernel_source_benchmark.sh [VMTEST_BINARY] [DEB] [RUNS]
#        (DEB defaults to what .ci/deb-kernel prints, downloading it once)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
vmtest=$(realpath "${1:-build/bin/vmtest}")
deb=$(realpath "${2:-$("$here/../../.ci/deb-kernel")}")
runs=${3:-3}
accel=${VMTEST_BENCH_ACCEL:-tcg}

work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/www" "$work/project"
ln -s "$deb" "$work/www/kernel.deb"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$port" >"$work/http.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port/kernel.deb"
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('$url', timeout=1).close()" 2>/dev/null && break
  sleep 0.1
done

source "$(dirname "$0")/timing.sh"
in_project() { (cd "$work/project" && VMTEST_NO_UI=1 VMTEST_CACHE_DIR="$1" "${@:2}"); }
source_only() { in_project "$1" "$vmtest" -k "$url" -r "$work/no-such-root" true; }
boot() { in_project "$1" "$vmtest" -k "$url" --backend "qemu-$accel" true; }

# One boot first: it must work, or every number below is a failure's.
in_project "$work/check-cache" "$vmtest" -k "$url" --backend "qemu-$accel" true >/dev/null 2>&1 ||
  { echo "vmtest -k $url failed; is it built?" >&2; exit 1; }
rm -rf "$work/check-cache"

source_cold=() source_warm=() boot_cold=() boot_warm=()
for ((i = 0; i < runs; i++)); do   # interleaved, so load drifts hit all alike
  source_cold+=("$(seconds source_only "$work/source-$i")")
  source_warm+=("$(seconds source_only "$work/source-$i")")
  boot_cold+=("$(seconds boot "$work/boot-$i")")
  boot_warm+=("$(seconds boot "$work/boot-$i")")
  rm -rf "$work/source-$i" "$work/boot-$i"
done
for name in source_cold source_warm boot_cold boot_warm; do
  declare -n times=$name
  printf -v "${name}_median" '%s' "$(printf '%s\n' "${times[@]}" | median)"
done

echo "package: $(basename "$deb") ($(du -m "$deb" | cut -f1) MB), $accel, $runs runs each, median"
printf 'source cold:  %6.2f s   (%s)  download + unpack\n' "$source_cold_median" "${source_cold[*]}"
printf 'source warm:  %6.2f s   (%s)  revalidate (304), nothing unpacked\n' "$source_warm_median" "${source_warm[*]}"
printf 'boot cold:    %6.2f s   (%s)\n' "$boot_cold_median" "${boot_cold[*]}"
printf 'boot warm:    %6.2f s   (%s)\n' "$boot_warm_median" "${boot_warm[*]}"
awk -v c="$source_cold_median" -v w="$source_warm_median" \
  'BEGIN {printf "ratio:        %.1f (source cold / warm), one-time cost %.2f s\n", c / w, c - w}'
awk -v c="$boot_cold_median" -v w="$boot_warm_median" \
  'BEGIN {printf "ratio:        %.2f (boot cold / warm)\n", c / w}'
grep -c '" 304 ' "$work/http.log" | xargs printf 'revalidations answered 304: %s\n'
