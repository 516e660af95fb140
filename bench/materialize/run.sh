#!/bin/bash
# Materialize benchmark, binlake vs DuckDB on the same target files, in one run:
#   a sysbench full load (TABLES x ROWS rows) + a backlog of >= CHANGES CDC row changes
#   (oltp_write_only), replicated by `binlake cdc` into a target in /dev/shm (so the figures
#   exclude disk reads); then, alternately, RUNS times each:
#     - binlake materialize --as-of latest: every table, one row per key, sorted, as CSV
#     - DuckDB (npm @duckdb/node-api) computing the same state with SQL over the same files
#       (LOAD rows, each key's last change by the sequence column wins, deletes drop it) and
#       writing it as CSV with a header, sorted by key (and, once, as Parquet)
#   and checks both outputs hold the same rows (and, once more, both writing Parquet). Prints
#   seconds, the ratios and binlake's peak RSS.
#   Then the incremental advance, twice: ~1% of the rows change (a) at random keys (sysbench
#   oltp_write_only) and (b) in a clustered key range (the newest 0.5% of each table updated, as
#   many rows appended); CDC commits them; then, alternately, RUNS times each: `materialize`
#   advancing a copy of the previous output vs `materialize --rebuild` of the same point; both
#   outputs must be byte-identical. The same with Parquet output (DuckDB checks that both hold
#   the same rows). Prints the seconds and the ratios advance/rebuild, and the CSV advance's
#   floor: the bytes of the parts it replaced, copied alone in the kernel (cp), alternating too.
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
# The server's background work after the writes (InnoDB purging the old row versions) would
# share the 2 cores with the contenders: wait (at most 3 minutes) until it is done.
quiet_server() {
  local deadline=$((SECONDS + 180)) history
  while [ $SECONDS -lt $deadline ]; do
    history=$(sql "SHOW ENGINE INNODB STATUS" | sed -n 's/.*History list length \([0-9]*\).*/\1/p')
    [ "${history:-0}" -lt 100 ] && return 0
    sleep 1
  done
  echo "bench: the server still purges ($history undo records) after 3 minutes" >&2
}
quiet_server

now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN{printf "%.3f", a-b}'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }
run_binlake() {  # $1 = csv|parquet
  rm -rf "$WORK/binlake"; local t0; t0=$(now)
  /usr/bin/time -v "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/binlake" \
    --format "${1:-csv}" >/dev/null 2>"$WORK/time.txt"
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

best_b=999999; best_d=999999; best_bp=999999; best_dp=999999; rss_kb=0
peak() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$WORK/time.txt"; }
for i in $(seq 1 "$RUNS"); do
  bp=$(run_binlake parquet); r=$(peak); [ "$r" -gt "$rss_kb" ] && rss_kb=$r
  dp=$(run_duckdb parquet)
  b=$(run_binlake csv); r=$(peak); [ "$r" -gt "$rss_kb" ] && rss_kb=$r
  d=$(run_duckdb csv)
  echo "bench: run $i: binlake ${b}s csv ${bp}s parquet (peak RSS $((rss_kb / 1024)) MB)," \
    "duckdb ${d}s csv ${dp}s parquet" >&2
  best_b=$(min "$best_b" "$b"); best_d=$(min "$best_d" "$d")
  best_bp=$(min "$best_bp" "$bp"); best_dp=$(min "$best_dp" "$dp")
done
same=yes
for t in $(seq 1 "$TABLES"); do
  cmp -s <(tail -q -n +2 "$WORK"/binlake/sbtest/sbtest$t/part-*.csv) \
    <(tail -n +2 "$WORK/duckdb/sbtest$t.csv") || same=no
done
rows=$(cat "$WORK"/binlake/sbtest/*/part-*.csv | wc -l)
rows=$((rows - $(ls "$WORK"/binlake/sbtest/*/part-*.csv | wc -l)))  # headers

# sbtest1 alone (one table: its advance gets every thread), CSV and Parquet: the advance with
# the default --threads (one per core) and with --threads 1, and the rebuild.
ONE_TABLE=$WORK/one-table.json
echo '{"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"1","object-locator":
  {"schema-name":"sbtest","table-name":"sbtest1"},"rule-action":"include"}]}' >"$ONE_TABLE"
declare -A best_one
one_table_round() {  # $1 = csv|parquet; best_one[<format><threads>] (threads 0 = default)
  local format=$1 t0 a threads key
  for threads in 0 1 rebuild; do
    rm -rf "$WORK/o$threads"
    if [ $threads = rebuild ]; then
      t0=$(now)
      "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/o$threads" \
        --table-mappings "$ONE_TABLE" --format "$format" --rebuild >/dev/null
    else
      cp -a "$WORK/obase-$format" "$WORK/o$threads"; t0=$(now)
      "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/o$threads" \
        --table-mappings "$ONE_TABLE" --format "$format" --threads $threads >/dev/null
    fi
    a=$(elapsed "$t0"); key=$format$threads
    best_one[$key]=$(min "${best_one[$key]:-999999}" "$a")
  done
  [ "$format" = csv ] || return 0
  for threads in 0 1; do  # the same rows as the rebuild
    cmp -s <(tail -q -n +2 $(jq -r '.tables[0].files[]' "$WORK/o$threads/_binlake/materialization.json" \
      | sed "s|^|$WORK/o$threads/|")) <(tail -q -n +2 "$WORK"/orebuild/sbtest/sbtest1/part-*.csv) ||
      { echo "bench: sbtest1 alone: the advance differs from the rebuild" >&2; return 1; }
  done
}

# The floor of a CSV advance: the bytes of the parts it replaced (the previous version's, in
# $WORK/base, that $WORK/adv no longer names), copied alone in the kernel (cp: copy_file_range,
# as the advance copies what lies between changes), one cp per core; best_c = the best.
copy_floor() {
  local n t0 c
  comm -23 <(jq -r '.tables[].files[]' "$WORK/base/_binlake/materialization.json" | sort) \
    <(jq -r '.tables[].files[]' "$WORK/adv/_binlake/materialization.json" | sort) >"$WORK/replaced"
  n=$(wc -l <"$WORK/replaced"); n=$(((n + $(nproc) - 1) / $(nproc))); [ "$n" -gt 0 ] || n=1
  rm -rf "$WORK/copy"; mkdir -p "$WORK/copy"; t0=$(now)
  (cd "$WORK/base" && xargs -r -a "$WORK/replaced" -P "$(nproc)" -n "$n" \
    cp --parents --reflink=never -t "$WORK/copy")
  c=$(elapsed "$t0"); best_c=$(min "$best_c" "$c")
}

# The incremental advance after ~1% of the rows changed: $1 = random|clustered.
advance_round() {
  local kind=$1
  rm -rf "$WORK/base"; cp -a "$WORK/binlake" "$WORK/base"  # the previous version
  rm -rf "$WORK/pbase"  # and as Parquet
  "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/pbase" --format parquet \
    >/dev/null
  if [ "$kind" = random ]; then  # and sbtest1 alone, its parts rewritten on every core
    local f
    for f in csv parquet; do
      rm -rf "$WORK/obase-$f"
      "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/obase-$f" --format $f \
        --table-mappings "$ONE_TABLE" >/dev/null
    done
    $SB --threads=2 --time=0 --events=$(( TABLES * ROWS / 100 / 4 )) run >/dev/null
  else
    local t per=$(( ROWS / 200 ))
    for t in $(seq 1 "$TABLES"); do
      sql "USE sbtest; UPDATE sbtest$t SET k = k + 1 WHERE id > $(( ROWS - per ));
        INSERT INTO sbtest$t (k, c, pad) SELECT k, c, pad FROM sbtest$t WHERE id > $(( ROWS - per ))"
    done
  fi
  local end; end=$(pos)
  "$BINLAKE" cdc --source "$SOURCE" --tls-mode disabled --target "$TARGET" --stop-at "$end" \
    --sequence-column seq --log-level warn >/dev/null
  quiet_server
  local best_a=999999 best_r=999999 a r i parts="" best_pa=999999 best_pr=999999 pparts=""
  best_c=999999
  for i in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/padv"; cp -a "$WORK/pbase" "$WORK/padv"
    local t0; t0=$(now)
    pparts=$("$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/padv" \
      --format parquet | sed -n 's/.*: \([0-9]* of [0-9]*\) part.*/\1/p')
    a=$(elapsed "$t0")
    rm -rf "$WORK/pfull"; t0=$(now)
    "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/pfull" --format parquet \
      --rebuild >/dev/null
    r=$(elapsed "$t0")
    best_pa=$(min "$best_pa" "$a"); best_pr=$(min "$best_pr" "$r")
    rm -rf "$WORK/adv"; cp -a "$WORK/base" "$WORK/adv"
    local t0; t0=$(now)
    parts=$("$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/adv" | \
      sed -n 's/.*: \([0-9]* of [0-9]*\) part.*/\1/p')
    a=$(elapsed "$t0")
    rm -rf "$WORK/full"; t0=$(now)
    "$BINLAKE" materialize --target "$TARGET" --output "file://$WORK/full" --rebuild >/dev/null
    r=$(elapsed "$t0")
    best_a=$(min "$best_a" "$a"); best_r=$(min "$best_r" "$r")
    copy_floor
    if [ "$kind" = random ]; then one_table_round csv; one_table_round parquet; fi
  done
  local same_adv=yes
  for t in $(seq 1 "$TABLES"); do
    cmp -s <(tail -q -n +2 $(jq -r ".tables[] | select(.table==\"sbtest$t\") | .files[]" \
      "$WORK/adv/_binlake/materialization.json" | sed "s|^|$WORK/adv/|")) \
      <(tail -q -n +2 "$WORK"/full/sbtest/sbtest$t/part-*.csv) || same_adv=no
  done
  local same_padv
  same_padv=$(node tests/js/duckdb_query.mjs "SELECT (SELECT count(*) FROM (SELECT * FROM \
read_parquet('$WORK/padv/sbtest/*/*.parquet') EXCEPT ALL SELECT * FROM \
read_parquet('$WORK/pfull/sbtest/*/*.parquet'))) + (SELECT count(*) FROM (SELECT * FROM \
read_parquet('$WORK/pfull/sbtest/*/*.parquet') EXCEPT ALL SELECT * FROM \
read_parquet('$WORK/padv/sbtest/*/*.parquet'))) AS n" | sed -n 's/.*"n":"\([0-9]*\)".*/\1/p')
  [ "$same_padv" = 0 ] && same_padv=yes || same_padv="no($same_padv)"
  echo "$kind $best_a $best_r $same_adv $parts $best_pa $best_pr $same_padv $pparts $best_c" \
    "${best_one[csv0]:-} ${best_one[csv1]:-} ${best_one[csvrebuild]:-}" \
    "${best_one[parquet0]:-} ${best_one[parquet1]:-} ${best_one[parquetrebuild]:-}"
  rm -rf "$WORK/binlake"; mv "$WORK/adv" "$WORK/binlake"  # the next round advances from here
}
# Every CDC file so far is the backlog; count the new ones per round.
before=$(cat "$WORK"/target/sbtest/*/2*.csv | wc -l)
adv_random=$(advance_round random)
mid=$(cat "$WORK"/target/sbtest/*/2*.csv | wc -l)
adv_clustered=$(advance_round clustered)
after=$(cat "$WORK"/target/sbtest/*/2*.csv | wc -l)

echo
{
  bench_header
  echo "materialize latest: $TABLES tables, $rows rows as of a backlog of $changes CDC row" \
    "changes after a $((TABLES * ROWS))-row full load (CSV target in /dev/shm), best of $RUNS," \
    "alternating"
  printf "%-44s %9s\n" contender seconds
  printf "%-44s %9.3f\n" "binlake materialize (CSV out)" "$best_b"
  printf "%-44s %9.3f\n" "DuckDB SQL over the same files (CSV out)" "$best_d"
  printf "%-44s %9.3f\n" "binlake materialize (Parquet out)" "$best_bp"
  printf "%-44s %9.3f\n" "DuckDB SQL over the same files (Parquet out)" "$best_dp"
  awk -v b="$best_b" -v d="$best_d" -v bp="$best_bp" -v dp="$best_dp" \
    'BEGIN{printf "ratio binlake/DuckDB: CSV out %.2f, Parquet out %.2f (goal <= 1.0)\n", b/d, bp/dp}'
  echo "outputs byte-identical to DuckDB's (CSV): $same"
  echo "binlake peak RSS: $((rss_kb / 1024)) MB (goal <= 512 MB)"
  echo "incremental advance after ~1% of the rows changed, best of $RUNS, alternating with a rebuild:"
  printf "%-12s %-8s %8s %10s %10s %9s %10s %s\n" changes output rows advance rebuild ratio \
    identical parts-written
  round="" rows=""
  for round in random clustered; do
    if [ $round = random ]; then set -- $adv_random; rows=$((mid - before))
    else set -- $adv_clustered; rows=$((after - mid)); fi
    printf "%-12s %-8s %8s %10.3f %10.3f %9.2f %10s %s\n" $round csv $rows "$2" "$3" \
      "$(awk -v a="$2" -v r="$3" 'BEGIN{print a/r}')" "$4" "$5 of $7"
    printf "%-12s %-8s %8s %10.3f %10.3f %9.2f %10s %s\n" $round parquet $rows "$8" "$9" \
      "$(awk -v a="$8" -v r="$9" 'BEGIN{print a/r}')" "${10}" "${11} of ${13}"
  done
  printf "the CSV advance's floor: the bytes of the parts it replaced, copied alone (cp, in the"
  printf " kernel, %s processes):\n" "$(nproc)"
  for round in random clustered; do
    if [ $round = random ]; then set -- $adv_random; else set -- $adv_clustered; fi
    printf "%-12s %s parts, %.3f s = %.2f of the rebuild\n" $round "$5" "${14}" \
      "$(awk -v c="${14}" -v r="$3" 'BEGIN{print c/r}')"
  done
  echo "(goal: advance <= 0.2 x rebuild; parts of at most 32 MiB and, from 1 MiB, 1/16 of a" \
    "table's rows: --parts-per-table 16; a part written again copies what lies between its" \
    "changes as bytes, found by its marks: 4 KiB stretches of a CSV part, the row groups of a" \
    "Parquet part (--row-group-rows 10000))"
  set -- $adv_random
  shift 14
  echo "sbtest1 alone (one table: an advance rewrites its parts on every core, $(nproc) threads):"
  printf "%-12s %-8s %10s %10s %10s %9s\n" changes output advance "on 1 thread" rebuild ratio
  printf "%-12s %-8s %10.3f %10.3f %10.3f %9.2f\n" random csv "$1" "$2" "$3" \
    "$(awk -v a="$1" -v r="$3" 'BEGIN{print a/r}')"
  printf "%-12s %-8s %10.3f %10.3f %10.3f %9.2f\n" random parquet "$4" "$5" "$6" \
    "$(awk -v a="$4" -v r="$6" 'BEGIN{print a/r}')"
} | bench_output materialize
