#!/usr/bin/env bash
# The bash completion (cli/completion/vmtest.bash) run as bash runs it on
# <TAB>: COMP_WORDS and COMP_CWORD set, _vmtest called, COMPREPLY checked.
# Uses the real vmtest (for --list and --list-plugins).
# Usage: completion_test.sh VMTEST_BIN_DIR SOURCE_DIR
set -uo pipefail
export PATH="$(realpath "$1"):$PATH"
tests=$(realpath "$(dirname "$0")")
source "$2/cli/completion/vmtest.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0

# complete WORD... : COMPREPLY for the last word, sorted, one a line.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _vmtest
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect() {
  local what=$1 expected=$2
  shift 2
  local got
  got=$(complete_words "$@")
  if [ "$got" != "$expected" ]; then
    echo "FAIL: $what: completing '$*'"
    echo "  expected: $(tr '\n' '|' <<<"$expected")"
    echo "  got:      $(tr '\n' '|' <<<"$got")"
    failures=$((failures + 1))
  fi
}

cat >vmtest.toml <<'TOML'
[[target]]
name = "alpha"
kernel = "/nonexistent/bzImage"
command = "true"

[[target]]
name = "beta 6.1"
kernel = "/nonexistent/bzImage"
command = "true"
TOML
mkdir ci
sed 's/alpha/gamma/; s/beta 6.1/delta/' vmtest.toml >ci/other.toml
touch bzImage-6.1

expect "flags" $'--reporter' vmtest --rep
expect "short and long" $'--list\n--list-plugins' vmtest --list
# Regex characters escaped, then quoted for the shell: the word bash inserts
# reads back as the regex that matches the name.
expect "target names from vmtest.toml, regex-escaped" $'alpha\nbeta\\ 6\\\\.1' vmtest -f ''
expect "target names from the -c file" $'delta' vmtest -c ci/other.toml --filter d
expect "target names from --config=" $'gamma' vmtest --config=ci/other.toml -f g
expect "reporters from the installed plugins" $'console\njson\njunit\nmarkdown\ntap' vmtest --reporter ''
expect "shares" $'virtiofs' vmtest --share v
expect "backends" $'qemu-kvm\nqemu-tcg' vmtest --backend qemu
expect "kernel files" $'bzImage-6.1' vmtest -k bz
expect "config files" $'ci' vmtest -c c
expect "nothing after --timeout" '' vmtest --timeout ''

# Every flag vmtest --help prints can be completed.
for flag in $("$tests/help_flags.sh" vmtest); do
  if ! complete_words vmtest "$flag" | grep -qx -- "$flag"; then
    echo "FAIL: $flag (in vmtest --help) does not complete"
    failures=$((failures + 1))
  fi
done
echo "completion: $failures problems"
[ "$failures" = 0 ]
