#!/bin/bash
# Binlog decoding benchmark: binlake vs `mariadb-binlog -v` on the same binlog.
#
# Starts a private MariaDB (scripts/test-servers/mariadb-start.sh), runs sysbench oltp_write_only
# until the binlog holds at least $BINLOG_MB MB of that workload (the prepare phase is reset
# away), then decodes the files, pinned to one core, with:
#   binlake binlog decode --stats      decode every event and row image, print counts only
#   binlake binlog decode > /dev/null  decode + render one JSON line per row change
#   mariadb-binlog -v > /dev/null      the server's own printer (base64 + pseudo-SQL rows)
# and prints row changes/s, MB/s and the ratios. The binlog files are copied to /dev/shm first,
# so the figures exclude disk reads (page-cache eviction cannot reach them), and the three
# contenders take turns in each of $REPEAT rounds; each figure is the best of its runs.
#
# Usage: bench/binlog/run.sh [--record (write the summary to bench/binlog/last-run.txt)]
# Env:   BINLAKE_BUILD (default build), BINLOG_MB (100), REPEAT (3), CPU (core to pin to, 1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
. bench/lib.sh
RECORD=0
[ "${1:-}" = --record ] && RECORD=1
BUILD=${BINLAKE_BUILD:-$ROOT/build}
BINLOG_MB=${BINLOG_MB:-100}
REPEAT=${REPEAT:-3}
CPU=${CPU:-1}
BIN=$BUILD/src/cli/binlake
for b in sysbench mariadb-binlog mariadb taskset; do
  command -v $b >/dev/null || { echo "missing $b: run scripts/setup.sh" >&2; exit 2; }
done
if [ ! -x "$BIN" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    ninja -C "$BUILD" -j2 binlake
fi

STATE=$(mktemp -d -t binlake-bench.XXXXXX)
SHM=$(mktemp -d /dev/shm/binlake-bench.XXXXXX)
cleanup() {
  "$ROOT/scripts/test-servers/mariadb-stop.sh" "$STATE" >/dev/null 2>&1 || true
  rm -rf "$SHM"
}
trap cleanup EXIT
eval "$("$ROOT/scripts/test-servers/mariadb-start.sh" "$STATE")"
SQL=(mariadb --defaults-file="$MARIADB_CNF" -N -B)
SB=(sysbench oltp_write_only --db-driver=mysql --mysql-socket="$MARIADB_SOCKET" --mysql-user=root
    --mysql-db=sbtest --tables=4 --table-size=100000)
"${SQL[@]}" -e "CREATE DATABASE sbtest"
echo "== sysbench prepare (4 x 100k rows)"
"${SB[@]}" --threads=2 prepare >/dev/null
"${SQL[@]}" -e "RESET MASTER"
binlog_bytes() { "${SQL[@]}" -e "SHOW BINARY LOGS" | awk '{s+=$2} END {print s+0}'; }
echo "== sysbench oltp_write_only until the binlog has ${BINLOG_MB} MB"
while [ "$(binlog_bytes)" -lt $((BINLOG_MB * 1000000)) ]; do
  "${SB[@]}" --threads=4 --time=10 --report-interval=0 run | grep -E "transactions:" || true
done
"${SQL[@]}" -e "FLUSH BINARY LOGS"
FILES=""
for f in $("${SQL[@]}" -e "SHOW BINARY LOGS" | awk '{print $1}'); do
  cp "$STATE/data/$f" "$SHM/$f"
  FILES="$FILES $SHM/$f"
done
BYTES=$(cat $FILES | wc -c)
echo "binlog: $(echo $FILES | wc -w) files, $BYTES bytes (copied to /dev/shm)"

seconds() {  # wall time in seconds of one run of "$@" (output discarded), pinned to $CPU
  local t0 t1
  t0=$(date +%s.%N)
  taskset -c "$CPU" "$@" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
STATS=$("$BIN" binlog decode --stats $FILES)
ROWS=$(echo "$STATS" | sed -E 's/.*"row_changes":([0-9]+).*/\1/')
echo "row changes: $ROWS"
T_STATS=""; T_JSONL=""; T_PEER=""
for round in $(seq 1 "$REPEAT"); do
  s=$(seconds "$BIN" binlog decode --stats $FILES); T_STATS=$(min "$T_STATS" "$s")
  j=$(seconds "$BIN" binlog decode $FILES); T_JSONL=$(min "$T_JSONL" "$j")
  p=$(seconds mariadb-binlog -v $FILES); T_PEER=$(min "$T_PEER" "$p")
  echo "round $round: --stats ${s}s, jsonl ${j}s, mariadb-binlog ${p}s"
done
report() {  # name seconds
  awk -v n="$1" -v t="$2" -v r="$ROWS" -v b="$BYTES" \
    'BEGIN { printf "%-34s %8.3f s  %10.0f row changes/s  %8.1f MB/s\n", n, t, r/t, b/t/1e6 }'
}
echo
{
  bench_header
  echo "binlog decoding of $ROWS row changes ($BYTES bytes of sysbench oltp_write_only binlog in" \
    "/dev/shm), one core, best of $REPEAT alternating rounds"
  report "binlake decode --stats" "$T_STATS"
  report "binlake decode (jsonl > /dev/null)" "$T_JSONL"
  report "mariadb-binlog -v > /dev/null" "$T_PEER"
  awk -v a="$T_PEER" -v s="$T_STATS" -v j="$T_JSONL" 'BEGIN {
    printf "ratio vs mariadb-binlog -v: %.1fx (--stats), %.1fx (jsonl)\n", a/s, a/j }'
} | bench_output binlog
