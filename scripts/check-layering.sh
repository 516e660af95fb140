#!/bin/bash
# Fails when a file under src/ includes a later stage of the pipeline. The stages, lowest first
# (README.md, "Development"):
#
#   common -> binlog -> source -> transform -> format -> store -> config -> fullload -> cdc -> lake
#   -> materialize -> validate -> pipe -> ops -> cli
#
# A file in stage S may include its own stage and any stage listed before S, never one after it.
# Test helpers of the test support library (tests/support, included as "support/...") may be
# included only by tests (*_test.cc) and test utilities (*test_util*, testing/).
#
# Usage: scripts/check-layering.sh [SRC_DIR]   (default: src/ of this checkout)
# Exit: 0 when every include goes one way down, 1 otherwise (each offending include listed).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:-src}
STAGES=(common binlog source transform format store config fullload cdc lake materialize validate pipe ops cli)

declare -A rank
for i in "${!STAGES[@]}"; do rank[${STAGES[$i]}]=$i; done

bad=0
# Every top-level folder of src/ must be a known stage, so a new folder is placed on purpose.
for dir in "$SRC"/*/; do
  name=$(basename "$dir")
  if [ -z "${rank[$name]+x}" ]; then
    echo "layering: src/$name/ is not a stage; add it to STAGES in $0 and README.md" >&2
    bad=1
  fi
done

# Every project include of every file, from one grep over the tree ("path:line:target"): one
# process, not two per file.
while IFS=: read -r file line target; do
  rel=${file#"$SRC"/}
  stage=${rel%%/*}
  [ -n "${rank[$stage]+x}" ] || continue
  inc=${target%%/*}
  if [ "$inc" = support ]; then
    case "$rel" in
      *_test.cc | *test_util* | */testing/*) continue ;;
    esac
    echo "layering: src/$rel:$line includes test support \"$target\" outside a test" >&2
    bad=1
    continue
  fi
  [ -n "${rank[$inc]+x}" ] || continue  # not a project header (e.g. <...>-style paths)
  if [ "${rank[$inc]}" -gt "${rank[$stage]}" ]; then
    echo "layering: src/$rel:$line: $stage/ includes \"$target\" of a later stage ($inc/)" >&2
    bad=1
  fi
done < <(grep -rn --include='*.h' --include='*.cc' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$SRC" |
           sed 's/^\([^:]*\):\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2:\3/' | sort || true)

if [ $bad = 0 ]; then
  echo "layering: ok (${STAGES[*]})" >&2
fi
exit $bad
