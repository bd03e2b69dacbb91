#!/usr/bin/env bash
# A build without a cross compiler still builds, and its vmtest says how to
# get the missing guest init. Cheap enough for CI: it configures the whole
# project with the other arch's compiler disabled (VMTEST_INIT_CXX_<arch>=OFF),
# checks the status line and that no cross init is built, builds only what
# depends on which inits exist (the host's init and core/boot's two
# embedded_init objects), links them into a probe and runs it.
# Usage: init_without_cross_compiler_test.sh SCRATCH_DIR SOURCE_DIR CXX [LAUNCHER]
# SCRATCH_DIR stays at the same place from run to run so ccache (CI sets
# CCACHE_BASEDIR) finds the earlier compilations; it is emptied first.
set -euo pipefail
work=$1 source=$2 cxx=$3 launcher=${4:-}
host=$(uname -m)
case $host in
  x86_64) other=aarch64 compiler=aarch64-linux-gnu-g++
          packages="g++-aarch64-linux-gnu and libc6-dev-arm64-cross" ;;
  aarch64) other=x86_64 compiler=x86_64-linux-gnu-g++
           packages="g++-x86-64-linux-gnu and libc6-dev-amd64-cross" ;;
  *) echo "SKIP: vmtest builds no guest init for a $host host"; exit 77 ;;
esac
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work"
mkdir -p "$work"
cmake -S "$source" -B "$work" -G Ninja -DVMTEST_BUILD_TESTS=OFF -DVMTEST_INIT_CXX_$other=OFF \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher -DCMAKE_C_COMPILER_LAUNCHER=$launcher} \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure failed"; }
status=$(grep -- "-- vmtest guest inits:" "$work/configure.log") || fail "no status line"
echo "$status"
expected="-- vmtest guest inits: $host; not built: $other (no $compiler: install $packages, or set VMTEST_INIT_CXX_$other)"
[ "$status" = "$expected" ] || fail "status line is not: $expected"
if ninja -C "$work" -t targets all | grep -q "vmtest-init-$other"; then
  fail "the build still has a $other init target"
fi

objects=(core/boot/CMakeFiles/vmtest_boot.dir/embedded_init.S.o
         core/boot/CMakeFiles/vmtest_boot.dir/embedded_init.cpp.o)
ninja -C "$work" "${objects[@]}" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }
"$cxx" -std=c++20 -I"$source/core" "$source/tests/build/missing_init_probe.cpp" \
  "${objects[@]/#/$work/}" -o "$work/probe"
report=$("$work/probe" "$host" "$other")
echo "$report"
grep -Eq "^$host: [0-9]+ bytes$" <<<"$report" || fail "no $host init embedded"
grep -Fxq "$other: this vmtest was built without a guest init for $other: install $packages, then rebuild vmtest" \
  <<<"$report" || fail "the missing $other init is not reported as expected"
echo "a build without $compiler builds, and says how to get the $other init"
