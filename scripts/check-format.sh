#!/bin/bash
# Fails when a C++ file in git is not formatted as .clang-format says (clang-format, Debian's
# clang-format package). Prints the files that differ and the command that fixes them.
# Usage: scripts/check-format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.h' '*.cc' | grep -v '^tests/js/')
if [ "${1:-}" = --fix ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
# One clang-format process for every file; it names each file that would change.
bad=$(clang-format --dry-run "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning:.*/\1/p' |
      sort -u)
if [ -n "$bad" ]; then
  printf 'format: not clang-formatted: %s\n' $bad >&2
  echo "format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "format: ok (${#files[@]} files)" >&2
