#!/usr/bin/env bash
# A third-party share as its author builds and uses it: install vmtest to a
# prefix, build examples/share-9p-cached out of tree with
# find_package(vmtest-sdk), check the installed vmtest lists it, then boot
# once with `--share 9p-cached` and check the guest's mounts are the
# plugin's. Usage: out_of_tree_share_test.sh BUILD_DIR SOURCE_DIR
# Exits 77 (skipped) without a kernel in /boot.
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/share-9p-cached" -B "$work/plugin" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null
vmtest=$work/prefix/bin/vmtest

listing=$("$vmtest" --plugin-path "$work/plugin" --list-plugins)
grep -q $'^share\t9p-cached\t1.0.0\t' <<<"$listing" || fail "9p-cached not loaded: $listing"
if grep -q '^refused' <<<"$listing"; then fail "a plugin was refused: $listing"; fi
"$source/tests/sdk/plugin_exports_test.sh" "$work/plugin/share-9p-cached.so" ||
  fail "the out-of-tree share exports more than vmtest_plugin_entry"

kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$kernel" ] || { echo "SKIP: no kernel in /boot to boot"; exit 77; }
project=$work/project
mkdir -p "$project/data" "$work/run"
echo from-host > "$project/data/file"
cat > "$project/vmtest.toml" <<EOF
[[target]]
name = "example share"
kernel = "$kernel"
command = "grep -E ' /(data|mnt/vmtest) ' /proc/mounts; cat /data/file; echo from-guest > out.txt"
[target.vm]
mounts = { "/data" = { host_path = "data" } }
EOF
out=$(cd "$project" && XDG_RUNTIME_DIR=$work/run XDG_STATE_HOME=$work/state \
        VMTEST_CACHE_DIR=$build/e2e-cache VMTEST_NO_UI=1 \
        "$vmtest" --plugin-path "$work/plugin" --share 9p-cached 2>&1) || fail "vmtest failed: $out"
echo "$out"
grep -qE '^vmtest_mount0 /data 9p ro,.*loose' <<<"$out" || fail "/data is not 9p ro with cache=loose"
grep -qE '^vmtest_project /mnt/vmtest 9p rw,.*mmap' <<<"$out" || fail "/mnt/vmtest is not 9p rw with cache=mmap"
grep -qx from-host <<<"$out" || fail "the guest did not read /data/file"
[ "$(cat "$project/out.txt")" = from-guest ] || fail "the guest's write is not on the host"
echo "out-of-tree share plugin serves a real guest"
