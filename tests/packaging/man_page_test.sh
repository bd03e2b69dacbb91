#!/usr/bin/env bash
# cli/vmtest.1 against the program: every flag `vmtest --help` prints and
# every exit status README.md's table lists is in the man page, and groff
# (where installed) renders it without a warning.
# Usage: man_page_test.sh VMTEST SOURCE_DIR
set -euo pipefail
vmtest=$1 source_dir=$2
page="$source_dir/cli/vmtest.1"
# The page's text as a reader sees it: roff's \- is a hyphen.
text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page")
failures=0

flags=$("$(dirname "$0")/help_flags.sh" "$vmtest")
[ -n "$flags" ] || { echo "FAIL: no flags read from $vmtest --help"; exit 1; }
for flag in $flags; do
  if ! grep -qE -- "(^|[^a-z-])$flag([^a-z-]|$)" <<<"$text"; then
    echo "FAIL: $flag (in vmtest --help) is not in $page"
    failures=$((failures + 1))
  fi
done

statuses=$(sed -n '/^### Exit status/,/^### /p' "$source_dir/README.md" | grep -oE '^\| [0-9]+ ' | tr -dc '0-9\n')
for status in $statuses; do
  grep -qE "^\.B $status$" "$page" || { echo "FAIL: exit status $status is not in $page"; failures=$((failures + 1)); }
done
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES; do
  grep -q "^\.SH \"\?$section\"\?$" "$page" || { echo "FAIL: no $section section"; failures=$((failures + 1)); }
done

if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  if [ -n "$warnings" ]; then
    echo "FAIL: groff warns about $page:"
    echo "$warnings"
    failures=$((failures + 1))
  fi
else
  echo "groff is not installed: rendering not checked"
fi
echo "checked $(wc -w <<<"$flags") flags and $(wc -w <<<"$statuses") exit statuses: $failures problems"
[ "$failures" = 0 ]
