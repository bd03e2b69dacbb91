#!/usr/bin/env bash
# The plugin wall: no file under plugins/ or examples/ includes a header of
# vmtest's core. Plugins build against sdk/ alone (vmtest::sdk,
# vmtest::plugin-support), as an out-of-tree plugin must; core headers are
# reachable from nowhere else, but a relative path ("../../core/...") would
# still get through, and so would a CMake change that exposes core again.
# Usage: include_wall_test.sh SOURCE_DIR [DIR...]   (default: plugins examples)
set -euo pipefail
source_dir=$(realpath "$1")
shift
[ $# -gt 0 ] || set -- plugins examples
core=$source_dir/core

# True when `candidate` names an existing file inside core/.
in_core() {
  local resolved
  [ -e "$1" ] || return 1
  resolved=$(realpath "$1")
  [[ $resolved == "$core"/* ]]
}

breaches=0 files=0
for dir in "$@"; do
  [[ $dir == /* ]] || dir=$source_dir/$dir
  while IFS= read -r -d '' file; do
    files=$((files + 1))
    # Every #include "x" and #include <x>, with its line number.
    while IFS=: read -r line target; do
      # A quoted include is looked up beside the including file first; any
      # include resolves against the include roots core's libraries use
      # (core/) and the source root (for "core/..." spellings).
      if in_core "$(dirname "$file")/$target" || in_core "$core/$target" ||
         in_core "$source_dir/$target"; then
        echo "${file#"$source_dir"/}:$line: includes core header $target"
        breaches=$((breaches + 1))
      fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' "$file" |
               sed -E 's/^([0-9]+):[^"<]*["<]([^">]*)[">].*/\1:\2/')
  done < <(find "$dir" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' \
             -o -name '*.hh' -o -name '*.hpp' -o -name '*.S' \) -print0)
done
echo "scanned $files files: found $breaches includes of core headers"
[ "$breaches" -eq 0 ]
