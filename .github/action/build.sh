#!/usr/bin/env bash
# Step "build": vmtest from the action's own source, installed into
# VMTEST_PREFIX (bin/vmtest, lib/vmtest/plugins), which actions/cache keeps
# so that a later job with the same source and system does not compile.
# Uses ccache when the runner has it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

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
