#!/usr/bin/env bash
# The SDK as a third party uses it: install vmtest to a prefix, build the
# example plugin out of tree with find_package(vmtest-sdk), and check the
# installed vmtest loads it. Usage: out_of_tree_plugin_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/reporter-summary" -B "$work/plugin" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null

listing=$("$work/prefix/bin/vmtest" --plugin-path "$work/plugin" --list-plugins)
echo "$listing"
grep -q $'^reporter\tsummary\t1.0.0\t' <<<"$listing" || { echo "FAIL: summary plugin not loaded"; exit 1; }
# The installed vmtest also finds its own plugins relative to itself.
grep -q $'^backend\tqemu-tcg\t' <<<"$listing" || { echo "FAIL: built-in plugins not found"; exit 1; }
if grep -q '^refused' <<<"$listing"; then echo "FAIL: a plugin was refused"; exit 1; fi
# Built with the installed vmtest_add_plugin, it exports its entry point only.
"$source/tests/sdk/plugin_exports_test.sh" "$work/plugin/reporter-summary.so" ||
  { echo "FAIL: the out-of-tree plugin exports more than vmtest_plugin_entry"; exit 1; }
echo "out-of-tree plugin loads"

# Its unit test, built against the installed fake host, runs without vmtest.
"$work/plugin/summary_reporter_test" || { echo "FAIL: the plugin's fake-host test"; exit 1; }

# vmtest::plugin-support, installed and exported with the SDK, links and
# works out of tree.
cmake -S "$source/tests/sdk/plugin-support-consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/plugin-support-consumer" || { echo "FAIL: plugin-support consumer"; exit 1; }
