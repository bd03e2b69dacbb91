#!/usr/bin/env bash
# The flags `vmtest --help` lists, one a line (short and long), read from
# its option lines ("  -c [ --config ] PATH   ...", "  --kargs STRING  ..."),
# not from the prose around them.
# Usage: help_flags.sh VMTEST
set -euo pipefail
"$1" --help | grep -oE '^  (-[a-zA-Z] \[ --[a-z][a-z-]* \]|--[a-z][a-z-]*)' |
  grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u
