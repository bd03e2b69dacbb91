#!/usr/bin/env bash
# Step "keys": where vmtest is installed and the key of its build cache.
#
# The key is a hash of everything the build reads from the action's source
# (actions/cache's own hashFiles() only sees the workspace, not the action's
# directory) and of the runner's system: a vmtest built on ubuntu-22.04 links
# other library versions than one built on ubuntu-24.04.
# Outputs: prefix, build-key.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

source_dir=${VMTEST_ACTION_PATH:?}
cd "$source_dir"
# What the build reads (tests and examples are not built by the action).
inputs=(CMakeLists.txt cmake cli core plugins sdk .github/action/build.sh)
existing=()
for input in "${inputs[@]}"; do
  [ -e "$input" ] && existing+=("$input")
done
source_hash=$(find "${existing[@]}" -type f -print0 | LC_ALL=C sort -z |
  xargs -0 sha256sum | sha256sum | cut -c1-32)
system=$(. /etc/os-release && echo "${ID}-${VERSION_ID:-rolling}")-$(uname -m)

set_output prefix "$(action_dir)/install"
set_output build-key "$system-$source_hash"
echo "vmtest build key: $system-$source_hash"
