# Sourced by the benchmark scripts (bench/*/run.sh).
#
# Each benchmark keeps one current result file, bench/<name>/last-run.txt, refreshed (with
# --record) when a change moves a figure: the summary of the run, headed by the date, the commit
# and the machine, so a figure is never read without knowing where it was measured.

# The header of a result: date (UTC), commit (+changes when the tree differs from it), machine.
bench_header() {
  local commit changes=""
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- src 2>/dev/null || changes="+changes"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $commit$changes"
  echo "machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
    "$(nproc) cores, $(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB RAM," \
    "Linux $(uname -r)"
}

# bench_output NAME: stdin to stdout and, when RECORD=1, also to bench/NAME/last-run.txt.
bench_output() {
  if [ "${RECORD:-0}" = 1 ]; then tee "bench/$1/last-run.txt"; else cat; fi
}
