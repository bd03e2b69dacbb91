#!/usr/bin/env bash
# Step "build": vmtest from the action's own source, installed into
# VMTEST_PREFIX (bin/vmtest, lib/vmtest/plugins), which actions/cache keeps
# so that a later job with the same source and system does not compile.
# Uses ccache when the runner has it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# The cross compiler of the aarch64 guest's init, so that the build (cached
# for every later job) boots aarch64 targets too. Without it the build still
# works, and aarch64 targets fail saying what to install.
cross=(g++-aarch64-linux-gnu libc6-dev-arm64-cross)
if ! command -v aarch64-linux-gnu-g++ >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q --no-install-recommends "${cross[@]}" ||
    { as_root apt-get update -q && as_root apt-get install -y -q --no-install-recommends "${cross[@]}"; } ||
    echo "vmtest-action: could not install ${cross[*]}; aarch64 targets will not boot"
fi

build_dir="$(action_dir)/build"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# Release and stripped: no debug information to compile or to cache (the
# install is 10 times smaller).
cmake -S "${VMTEST_ACTION_PATH:?}" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVMTEST_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX="${VMTEST_PREFIX:?}" "${launcher[@]}"
cmake --build "$build_dir" --parallel "${VMTEST_ACTION_BUILD_JOBS:-$(nproc)}"
cmake --install "$build_dir" --strip
# The build tree is not needed any more and not cached: the runner's disk is small.
rm -rf "$build_dir"
