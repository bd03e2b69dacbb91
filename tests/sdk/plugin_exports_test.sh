#!/usr/bin/env bash
# The SDK's export rule: a plugin's dynamic symbol table defines
# vmtest_plugin_entry and nothing else. Anything more is a plugin's internals
# leaking into the process that loads it, where two plugins carrying
# different copies of one library would bind to each other's.
# Usage: plugin_exports_test.sh PLUGIN.so...
set -euo pipefail
[ $# -gt 0 ] || { echo "FAIL: no plugin to check"; exit 1; }

# Names the linker defines in every shared object's dynamic symbol table
# whatever the version script says, on toolchains that export them at all:
#   _init, _fini                  DT_INIT/DT_FINI code of older ELF layouts;
#   _edata, _end, __bss_start     section boundary markers of ld.bfd.
# None is code or data of the plugin's; the loader never binds them across
# objects. (GNU ld with the SDK's version script exports none of them today.)
linker_markers='^(_init|_fini|_edata|_end|__bss_start)$'

failed=0
for plugin in "$@"; do
  # --defined-only drops undefined (imported) symbols: what the plugin uses
  # from libc, libstdc++ and the like is not what it exports.
  exported=$(nm --dynamic --defined-only --format=posix "$plugin" | awk '{print $1}' |
               grep -Ev "$linker_markers" | sort -u || true)
  if [ "$exported" = vmtest_plugin_entry ]; then
    echo "ok   $(basename "$plugin")"
  else
    count=$(grep -c . <<<"$exported" || true)
    echo "FAIL $plugin exports $count symbols, not just vmtest_plugin_entry:"
    sed 's/^/       /' <<<"$exported" | head -n 20
    failed=1
  fi
done
exit $failed
