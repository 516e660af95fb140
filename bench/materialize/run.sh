#!/bin/bash
# Materialize benchmark, binlake vs DuckDB on the same target files, in one run:
#   a sysbench full load (TABLES x ROWS rows) + a backlog of >= CHANGES CDC row changes
#   (oltp_write_only), replicated by `binlake cdc` into a target in /dev/shm (so the figures
#   exclude disk reads); then, alternately, RUNS times each:
#     - binlake materialize --as-of latest: every table, one row per key, sorted, as CSV
#     - DuckDB (npm @duckdb/node-api) computing the same state with SQL over the same files
#       (LOAD rows, each key's last change by the sequence column wins, deletes drop it) and
#       writing it as CSV with a header, sorted by key (and, once, as Parquet)
#   and checks both outputs hold the same rows. Prints seconds, the ratio and binlake's peak RSS.
# Usage: bench/materialize/run.sh [--tables N] [--rows N] [--changes N] [--runs N] [--keep]
#        [--binary PATH] [--record (write the summary to bench/materialize/last-run.txt)]
set -euo pipefail
cd "$(dirname "$0")/../.."
TABLES=4; ROWS=500000; CHANGES=250000; RUNS=3; KEEP=0; BINLAKE=""; RECORD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES=$2; shift ;; --rows) ROWS=$2; shift ;; --changes) CHANGES=$2; shift ;;
    --runs) RUNS=$2; shift ;; --keep) KEEP=1 ;; --binary) BINLAKE=$(realpath "$2"); shift ;;
    --record) RECORD=1 ;;
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
WORK=$(mktemp -d -p /dev/shm binlake-bench-materialize.XXXXXX)
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
"$BINLAKE" full-load --source "$SOURCE" --tls-mode disabled --target "$TARGET" --progress off \
  --log-level warn >/dev/null
echo "bench: a backlog of >= $CHANGES row changes" >&2
$SB --threads=2 --time=0 --events=$(( CHANGES / 4 + 100 )) run >/dev/null
END=$(pos)
"$BINLAKE" cdc --source "$SOURCE" --tls-mode disabled --target "$TARGET" --stop-at "$END" \
  --sequence-column seq --log-level warn >/dev/null
changes=$(cat "$WORK"/target/sbtest/*/2*.csv | wc -l)

now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN{printf "%.3f", a-b}'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }
run_binlake() {
  rm -rf "$WORK/binlake"; local t0; t0=$(now)
  /usr/bin/time -v "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/binlake" \
    >/dev/null 2>"$WORK/time.txt"
  elapsed "$t0"
}
# DuckDB: the same state, per table, as one CSV with a header sorted by id (format = csv|parquet).
duck_script() {
  local format=$1 t
  for t in $(seq 1 "$TABLES"); do
    local dir="$WORK/target/sbtest/sbtest$t"
    echo "COPY (WITH ch AS (SELECT * FROM read_csv('$dir/2*.csv', header=false, \
names=['Op','seq','id','k','c','pad'], types={'id':'BIGINT','k':'BIGINT','c':'VARCHAR', \
'pad':'VARCHAR','seq':'VARCHAR','Op':'VARCHAR'})), last AS (SELECT * FROM ch QUALIFY \
row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1), load AS (SELECT * FROM \
read_csv('$dir/LOAD*.csv', header=false, names=['id','k','c','pad'], types={'id':'BIGINT', \
'k':'BIGINT','c':'VARCHAR','pad':'VARCHAR'})) SELECT id, k, c, pad FROM load ANTI JOIN last \
USING (id) UNION ALL SELECT id, k, c, pad FROM last WHERE Op <> 'D' ORDER BY id) TO \
'$WORK/duckdb/sbtest$t.$format' (FORMAT $format$([ "$format" = csv ] && echo ", HEADER true"));"
  done
}
duck_script csv >"$WORK/duck_csv.sql"
duck_script parquet >"$WORK/duck_parquet.sql"
run_duckdb() {  # $1 = csv|parquet
  rm -rf "$WORK/duckdb"; mkdir -p "$WORK/duckdb"; local t0; t0=$(now)
  node tests/js/duckdb_query.mjs --file "$WORK/duck_$1.sql" >/dev/null
  elapsed "$t0"
}

best_b=999999; best_d=999999; rss_kb=0
for i in $(seq 1 "$RUNS"); do
  b=$(run_binlake); d=$(run_duckdb csv)
  r=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$WORK/time.txt")
  echo "bench: run $i: binlake ${b}s (peak RSS $((r / 1024)) MB), duckdb ${d}s" >&2
  best_b=$(min "$best_b" "$b"); best_d=$(min "$best_d" "$d")
  [ "$r" -gt "$rss_kb" ] && rss_kb=$r
done
same=yes
for t in $(seq 1 "$TABLES"); do
  cmp -s <(cat "$WORK"/binlake/sbtest/sbtest$t/part-*.csv) "$WORK/duckdb/sbtest$t.csv" || same=no
done
dp=$(run_duckdb parquet)
rows=$(cat "$WORK"/binlake/sbtest/*/part-*.csv | wc -l)
rows=$((rows - TABLES))  # headers

echo
{
  bench_header
  echo "materialize latest: $TABLES tables, $rows rows as of a backlog of $changes CDC row" \
    "changes after a $((TABLES * ROWS))-row full load (CSV target in /dev/shm), best of $RUNS," \
    "alternating"
  printf "%-44s %9s\n" contender seconds
  printf "%-44s %9.3f\n" "binlake materialize (CSV out)" "$best_b"
  printf "%-44s %9.3f\n" "DuckDB SQL over the same files (CSV out)" "$best_d"
  printf "%-44s %9.3f\n" "DuckDB SQL over the same files (Parquet out)" "$dp"
  awk -v b="$best_b" -v d="$best_d" \
    'BEGIN{printf "ratio binlake/DuckDB (time, CSV out): %.2f (goal <= 1.0)\n", b/d}'
  echo "outputs byte-identical to DuckDB's: $same"
  echo "binlake peak RSS: $((rss_kb / 1024)) MB (goal <= 512 MB)"
} | bench_output materialize
