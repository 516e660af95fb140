#!/bin/bash
# Validate benchmark: `binlake validate` vs a `binlake full-load` of the same tables, in one run.
#   A sysbench source (TABLES x ROWS rows), a full load, then a backlog of >= CHANGES CDC row
#   changes (oltp_write_only) replicated by `binlake cdc` into a target in /dev/shm (so the
#   figures exclude disk reads); then, alternately, RUNS times each:
#     - binlake validate: every table of the source (one consistent snapshot) against the lake
#       (LOAD + the CDC backlog merged), all values compared as rendered text
#     - binlake full-load of the same tables into a scratch target in /dev/shm
#   Prints seconds, the ratio validate / full load (goal <= 1.5) and validate's peak RSS (goal
#   < 512 MB); validate must find the lake equal (exit 0).
# Usage: bench/validate/run.sh [--tables N] [--rows N] [--changes N] [--runs N] [--threads N]
#        [--keep] [--binary PATH] [--record (write the summary to bench/validate/last-run.txt)]
set -euo pipefail
cd "$(dirname "$0")/../.."
TABLES=4; ROWS=500000; CHANGES=250000; RUNS=3; THREADS=2; KEEP=0; BINLAKE=""; RECORD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES=$2; shift ;; --rows) ROWS=$2; shift ;; --changes) CHANGES=$2; shift ;;
    --runs) RUNS=$2; shift ;; --threads) THREADS=$2; shift ;; --keep) KEEP=1 ;;
    --binary) BINLAKE=$(realpath "$2"); shift ;; --record) RECORD=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
. bench/lib.sh
scripts/setup.sh
if [ -z "$BINLAKE" ]; then
  BUILD_TARGETS=binlake scripts/build.sh >/dev/null
  BINLAKE=$PWD/build/src/cli/binlake
fi
WORK=$(mktemp -d -p /dev/shm binlake-bench-validate.XXXXXX)
MDB=""
cleanup() { set +e; [ -n "$MDB" ] && scripts/test-servers/mariadb-stop.sh "$MDB"
  [ $KEEP = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

export MARIADB_EXTRA_CNF="innodb_buffer_pool_size=2G"
eval "$(scripts/test-servers/mariadb-start.sh)"
MDB=$MARIADB_STATE_DIR
sql() { mariadb --defaults-file="$MARIADB_CNF" -N -e "$1"; }
pos() { sql "SHOW MASTER STATUS" | awk '{print $1":"$2}'; }
sql "CREATE DATABASE sbtest"
SB="sysbench oltp_write_only --db-driver=mysql --mysql-socket=$MARIADB_SOCKET --mysql-user=root
  --mysql-db=sbtest --tables=$TABLES --table-size=$ROWS"
echo "bench: sysbench prepare: $TABLES tables x $ROWS rows" >&2
$SB --threads=2 prepare >/dev/null
SOURCE="mysql://root@127.0.0.1:$MARIADB_PORT"
TARGET="file://$WORK/target"
COMMON=(--source "$SOURCE" --tls-mode disabled --threads "$THREADS" --log-level warn)
"$BINLAKE" full-load "${COMMON[@]}" --target "$TARGET" --progress off >/dev/null
echo "bench: a backlog of >= $CHANGES row changes" >&2
$SB --threads=2 --time=0 --events=$(( CHANGES / 4 + 100 )) run >/dev/null
END=$(pos)
"$BINLAKE" cdc --source "$SOURCE" --tls-mode disabled --target "$TARGET" --stop-at "$END" \
  --log-level warn >/dev/null
changes=$(cat "$WORK"/target/sbtest/*/2*.csv | wc -l)

now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN{printf "%.3f", a-b}'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }
run_validate() {  # [more flags]
  local t0 rc=0; t0=$(now)
  /usr/bin/time -v "$BINLAKE" validate "${COMMON[@]}" --target "$TARGET" --wait 10 \
    --report "$WORK/report.json" "$@" >"$WORK/validate.out" 2>"$WORK/time.txt" || rc=$?
  local s; s=$(elapsed "$t0")
  if [ $rc != 0 ]; then
    cat "$WORK/validate.out" "$WORK/time.txt" >&2
    echo "bench: validate exited $rc (the lake must equal the source)" >&2
    exit 1
  fi
  echo "$s"
}
run_full_load() {
  rm -rf "$WORK/load"; local t0; t0=$(now)
  "$BINLAKE" full-load "${COMMON[@]}" --target "file://$WORK/load" --progress off >/dev/null
  elapsed "$t0"
}
peak() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$WORK/time.txt"; }

# Key ranges per table in the last report: "2,2,2,2".
ranges() {
  python3 -c 'import json,sys; print(",".join(str(t["ranges"]) for t in json.load(open(sys.argv[1]))["tables"]))' \
    "$WORK/report.json"
}

best_v=999999; best_w=999999; best_f=999999; best_o=999999; best_ow=999999; rss_kb=0
for i in $(seq 1 "$RUNS"); do
  v=$(run_validate); r=$(peak); [ "$r" -gt "$rss_kb" ] && rss_kb=$r
  in_ranges=$(ranges)
  rows=$(sed -n 's/^validated [0-9]* table(s), \([0-9]*\) source row.*/\1/p' "$WORK/validate.out")
  f=$(run_full_load)
  # The same comparison with every table whole (one thread each): what the key ranges gain.
  w=$(run_validate --range-kb 1073741824)
  # One table alone: compared in --threads key ranges, and whole.
  o=$(run_validate --tables sbtest.sbtest1); one_ranges=$(ranges)
  ow=$(run_validate --tables sbtest.sbtest1 --range-kb 1073741824)
  echo "bench: run $i: validate ${v}s (peak RSS $((r / 1024)) MB, ranges $in_ranges)," \
    "whole tables ${w}s, full load ${f}s; one table: ${o}s in $one_ranges ranges, ${ow}s whole" >&2
  best_v=$(min "$best_v" "$v"); best_w=$(min "$best_w" "$w"); best_f=$(min "$best_f" "$f")
  best_o=$(min "$best_o" "$o"); best_ow=$(min "$best_ow" "$ow")
done

echo
{
  bench_header
  echo "validate: $TABLES sysbench tables, $rows rows, lake = a $((TABLES * ROWS))-row full load" \
    "+ a backlog of $changes CDC row changes (CSV target in /dev/shm); $THREADS threads each;" \
    "best of $RUNS, alternating"
  printf "%-52s %9s\n" contender seconds
  printf "%-52s %9.3f\n" "binlake validate (source snapshot vs lake merge)" "$best_v"
  printf "%-52s %9.3f\n" "  the same, every table whole (no key ranges)" "$best_w"
  printf "%-52s %9.3f\n" "binlake full-load of the same tables" "$best_f"
  awk -v v="$best_v" -v f="$best_f" \
    'BEGIN{printf "ratio validate/full load: %.2f (goal <= 1.5)\n", v/f}'
  echo "key ranges per table: $in_ranges"
  printf "%-52s %9.3f\n" "validate of one table (sbtest1), in $one_ranges key ranges" "$best_o"
  printf "%-52s %9.3f\n" "  the same table whole" "$best_ow"
  echo "validate found the lake equal: yes (exit 0)"
  echo "validate peak RSS: $((rss_kb / 1024)) MB (goal < 512 MB)"
} | bench_output validate
