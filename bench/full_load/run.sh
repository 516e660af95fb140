#!/bin/bash
# Full-load benchmark, binlake vs mydumper, on the same sysbench data in one run.
#
# Prepares sysbench data (4 tables x 500k rows by default) in a private MariaDB, warms the buffer
# pool, then times, alternately and RUNS times each:
#   - mydumper -t THREADS (Debian's mydumper 0.10; writes SQL INSERT files)
#   - binlake full-load --threads THREADS to a local directory (DMS CSV)
#   - binlake full-load to a local directory as Parquet (DMS defaults: version 1.0,
#     rle-dictionary, RowGroupLength 10000, no compression) beside the CSV, and the size of
#     binlake's Parquet files against DuckDB's own COPY ... (FORMAT parquet) of the same rows
#     with the same codec, version and row group size
#   - binlake full-load to CSV with transformation rules (docs/TRANSFORMATIONS.md) beside the
#     same load without them: table sbtest1 renamed, column c renamed and column k removed in
#     every table (case (a); k is the smallest column, so little work is saved), and with one
#     add-column rule whose SQLite expression concatenates two columns (case (b))
#   - with --s3: binlake full-load to a local Ceph radosgw
# and prints the best time of each, rows/s, output MB/s and the ratio binlake/mydumper
# (< 1.0 means binlake is faster). Both tools read the same server over TCP on 127.0.0.1.
# binlake's local target fsyncs every file before making it visible (a crash never shows a
# partial file); mydumper does not sync. The like-for-like ratio therefore times mydumper plus
# `sync -f` of its output (its data on disk too); mydumper's time without the sync is printed as
# well.
#
# Usage: bench/full_load/run.sh [--tables N] [--rows N] [--threads N] [--runs N] [--s3]
#        [--format csv|parquet (the format of the mydumper ratio and radosgw runs)] [--keep]
#        [--binary PATH (time this binlake instead of building one)]
#        [--record (write the summary to bench/full_load/last-run.txt)]
set -euo pipefail
cd "$(dirname "$0")/../.."
TABLES=4; ROWS=500000; THREADS=2; RUNS=3; USE_S3=0; FORMAT=csv; KEEP=0; BINLAKE=""; RECORD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES=$2; shift ;; --rows) ROWS=$2; shift ;; --threads) THREADS=$2; shift ;;
    --runs) RUNS=$2; shift ;; --s3) USE_S3=1 ;; --format) FORMAT=$2; shift ;; --keep) KEEP=1 ;;
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
WORK=$(mktemp -d -t binlake-bench.XXXXXX)
MDB=""; RGW=""
cleanup() { set +e; [ -n "$MDB" ] && scripts/test-servers/mariadb-stop.sh "$MDB";
  [ -n "$RGW" ] && scripts/test-servers/radosgw-stop.sh "$RGW" >/dev/null 2>&1
  [ $KEEP = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

export MARIADB_EXTRA_CNF="innodb_buffer_pool_size=2G"
eval "$(scripts/test-servers/mariadb-start.sh)"
MDB=$MARIADB_STATE_DIR
mariadb --defaults-file="$MARIADB_CNF" -e "CREATE DATABASE sbtest"
echo "bench: sysbench prepare: $TABLES tables x $ROWS rows" >&2
sysbench oltp_read_only --db-driver=mysql --mysql-socket="$MARIADB_SOCKET" --mysql-user=root \
  --mysql-db=sbtest --tables="$TABLES" --table-size="$ROWS" --threads=2 prepare >/dev/null
mariadb --defaults-file="$MARIADB_CNF" -e "ANALYZE TABLE $(seq -s, -f 'sbtest.sbtest%g' 1 "$TABLES")" >/dev/null
TOTAL_ROWS=$((TABLES * ROWS))

now() { date +%s.%N; }
best_mydumper=999999; best_mydumper_nosync=999999; best_binlake=999999; best_s3=999999
best_csv=999999; best_parquet=999999; best_plain=999999; best_rules=999999; best_expr=999999
run_mydumper() {  # prints "seconds_without_sync seconds_with_sync"
  rm -rf "$WORK/mydumper"; sync; local t0 t1; t0=$(now)
  mydumper -h 127.0.0.1 -P "$MARIADB_PORT" -u root -t "$THREADS" -B sbtest -o "$WORK/mydumper" \
    >/dev/null 2>&1
  t1=$(now)
  sync -f "$WORK/mydumper"
  awk -v a="$(now)" -v m="$t1" -v b="$t0" 'BEGIN{printf "%.3f %.3f\n", m-b, a-b}'
}
run_binlake() {  # $1 = target url, extra args after
  local target=$1; shift
  [[ $target == file://* ]] && rm -rf "${target#file://}" && sync
  local t0; t0=$(now)
  "$BINLAKE" full-load --source "mysql://root@127.0.0.1:$MARIADB_PORT" --tls-mode disabled \
    --target "$target" --threads "$THREADS" --progress off --log-level warn \
    --set DataFormat="${DATA_FORMAT:-$FORMAT}" "$@" >/dev/null
  awk -v a="$(now)" -v b="$t0" 'BEGIN{printf "%.3f", a-b}'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }

echo "bench: warm-up" >&2
run_binlake "file://$WORK/binlake" >/dev/null
run_mydumper >/dev/null
for i in $(seq 1 "$RUNS"); do
  read -r mn m < <(run_mydumper); b=$(run_binlake "file://$WORK/binlake")
  echo "bench: run $i: mydumper ${mn}s (+sync ${m}s), binlake ${b}s" >&2
  best_mydumper=$(min "$best_mydumper" "$m"); best_binlake=$(min "$best_binlake" "$b")
  best_mydumper_nosync=$(min "$best_mydumper_nosync" "$mn")
done
mydumper_bytes=$(du -sb "$WORK/mydumper" | cut -f1)
binlake_bytes=$(du -sb "$WORK/binlake" | cut -f1)

# Parquet beside CSV, alternately, same threads and data.
for i in $(seq 1 "$RUNS"); do
  c=$(DATA_FORMAT=csv run_binlake "file://$WORK/csv"); p=$(DATA_FORMAT=parquet run_binlake "file://$WORK/parquet")
  echo "bench: run $i: binlake csv ${c}s, parquet ${p}s" >&2
  best_csv=$(min "$best_csv" "$c"); best_parquet=$(min "$best_parquet" "$p")
done
csv_bytes=$(du -sb "$WORK/csv" | cut -f1)
parquet_bytes=$(du -sb "$WORK/parquet" | cut -f1)
# DuckDB writes the same rows (read back from binlake's files) with the same settings.
node tests/js/duckdb_query.mjs "COPY (SELECT * FROM read_parquet('$WORK/parquet/sbtest/sbtest1/*.parquet')) \
  TO '$WORK/duckdb_sbtest1.parquet' (FORMAT parquet, COMPRESSION uncompressed, \
  ROW_GROUP_SIZE 10000, PARQUET_VERSION V1)" >/dev/null
duck_bytes=$(stat -c %s "$WORK/duckdb_sbtest1.parquet")
ours_bytes=$(cat "$WORK"/parquet/sbtest/sbtest1/*.parquet | wc -c)

# Transformation rules beside the same CSV load without them, alternately.
cat > "$WORK/rules-a.json" <<'JSON'
{"rules": [
  {"rule-type": "selection", "rule-id": "1", "rule-action": "include",
   "object-locator": {"schema-name": "sbtest", "table-name": "%"}},
  {"rule-type": "transformation", "rule-id": "2", "rule-target": "table", "rule-action": "rename",
   "value": "first", "object-locator": {"schema-name": "sbtest", "table-name": "sbtest1"}},
  {"rule-type": "transformation", "rule-id": "3", "rule-target": "column", "rule-action": "rename",
   "value": "text",
   "object-locator": {"schema-name": "sbtest", "table-name": "%", "column-name": "c"}},
  {"rule-type": "transformation", "rule-id": "4", "rule-target": "column",
   "rule-action": "remove-column",
   "object-locator": {"schema-name": "sbtest", "table-name": "%", "column-name": "k"}}]}
JSON
cat > "$WORK/rules-b.json" <<'JSON'
{"rules": [
  {"rule-type": "selection", "rule-id": "1", "rule-action": "include",
   "object-locator": {"schema-name": "sbtest", "table-name": "%"}},
  {"rule-type": "transformation", "rule-id": "2", "rule-target": "column",
   "rule-action": "add-column", "value": "c_pad", "expression": "$c || '/' || $pad",
   "data-type": {"type": "string", "length": 250},
   "object-locator": {"schema-name": "sbtest", "table-name": "%"}}]}
JSON
for i in $(seq 1 "$RUNS"); do
  c=$(DATA_FORMAT=csv run_binlake "file://$WORK/plain")
  r=$(DATA_FORMAT=csv run_binlake "file://$WORK/rules" --table-mappings "$WORK/rules-a.json")
  e=$(DATA_FORMAT=csv run_binlake "file://$WORK/expr" --table-mappings "$WORK/rules-b.json")
  echo "bench: run $i: binlake csv ${c}s, rename + remove-column ${r}s, add-column ${e}s" >&2
  best_plain=$(min "$best_plain" "$c"); best_rules=$(min "$best_rules" "$r")
  best_expr=$(min "$best_expr" "$e")
done
[ -d "$WORK/rules/sbtest/first" ] || { echo "bench: the rules did not rename sbtest1" >&2; exit 1; }
head -n 1 "$(ls "$WORK"/expr/sbtest/sbtest1/LOAD* | head -n 1)" | grep -q / ||
  { echo "bench: the add-column rule wrote no value" >&2; exit 1; }

if [ $USE_S3 = 1 ]; then
  echo "bench: starting radosgw" >&2
  eval "$(MEMSTORE_BYTES=$((4 << 30)) scripts/test-servers/radosgw-start.sh)"
  RGW=$S3_STATE_DIR
  for i in $(seq 1 "$RUNS"); do
    s=$(run_binlake "s3://$S3_BUCKET/run$i" --endpoint-url "$S3_ENDPOINT" --path-style)
    echo "bench: run $i: binlake -> radosgw ${s}s" >&2
    best_s3=$(min "$best_s3" "$s")
  done
fi

echo
{
bench_header
echo "full load of sysbench ${TABLES}x${ROWS} rows ($TOTAL_ROWS rows), $THREADS threads, best of $RUNS, $(nproc) cores"
printf "%-34s %9s %13s %10s\n" tool seconds rows/s "out MB/s"
line() { awk -v n="$1" -v t="$2" -v r="$TOTAL_ROWS" -v by="$3" \
  'BEGIN{printf "%-34s %9.2f %13.0f %10.1f\n", n, t, r/t, by/t/1e6}'; }
line "mydumper 0.10 (SQL), no sync" "$best_mydumper_nosync" "$mydumper_bytes"
line "mydumper 0.10 (SQL) + sync" "$best_mydumper" "$mydumper_bytes"
line "binlake -> local dir ($FORMAT)" "$best_binlake" "$binlake_bytes"
[ $USE_S3 = 1 ] && line "binlake -> radosgw ($FORMAT)" "$best_s3" "$binlake_bytes"
line "binlake -> local dir (csv)" "$best_csv" "$csv_bytes"
line "binlake -> local dir (parquet)" "$best_parquet" "$parquet_bytes"
awk -v c="$best_csv" -v p="$best_parquet" \
  'BEGIN{printf "parquet/csv throughput (rows/s): %.2f  (goal >= 0.70)\n", c/p}'
line "binlake csv, no rules" "$best_plain" "$(du -sb "$WORK/plain" | cut -f1)"
line "binlake csv, rename + remove-column" "$best_rules" "$(du -sb "$WORK/rules" | cut -f1)"
line "binlake csv, add-column expression" "$best_expr" "$(du -sb "$WORK/expr" | cut -f1)"
awk -v c="$best_plain" -v r="$best_rules" \
  'BEGIN{printf "rename + remove-column / no rules (throughput, rows/s): %.2f  (goal >= 0.95)\n", c/r}'
awk -v c="$best_plain" -v e="$best_expr" \
  'BEGIN{printf "add-column expression / no rules (throughput, rows/s): %.2f  (goal >= 0.60)\n", c/e}'
awk -v o="$ours_bytes" -v d="$duck_bytes" \
  'BEGIN{printf "parquet size of sbtest1, binlake / DuckDB COPY (uncompressed, v1, groups of 10000): %d / %d = %.3f  (goal <= 1.10)\n", o, d, o/d}'
awk -v b="$best_binlake" -v m="$best_mydumper" \
  -v n="$best_mydumper_nosync" 'BEGIN{printf "ratio binlake/mydumper (time, both on disk): %.2f  (<= 1.0: binlake at least as fast)\nratio binlake/mydumper without its sync: %.2f\n", b/m, b/n}'
} | bench_output full_load
