#!/bin/bash
# CDC benchmark, in one run on the same source:
#   1. catch-up: a backlog of >= ROWS row changes (sysbench oltp_write_only) replicated by
#      `binlake cdc` to a local directory and to a local Ceph radosgw, beside zongji (npm
#      @vlasky/zongji) reading the same binlog range: row changes/s and the ratio;
#   2. commit-to-visible latency p50/p99 with CdcMaxBatchInterval=1 under sysbench load: a
#      pinger commits rows holding their own commit time every 20 ms; a watcher notes when the
#      CDC file holding each row appears in the local target;
#   3. peak RSS of `binlake cdc` replicating one 1,000,000-row transaction;
#   4. the catch-up of 1. with --metrics-address on and /metrics scraped every second, back to
#      back with the same without, in alternating order: the metrics endpoint's cost, as the
#      median over the rounds of each round's throughput ratio (goal: >= 0.98).
# For reference it also times stream_drain (bench/cdc/stream_drain.cc): the same range of the
# dump stream read raw on one thread, without checksums or decoding: about what the source's
# dump thread can hand over (binlake, whose reading thread overlaps with decoding, can come in a
# little under it: it is a reference, not a strict floor); and
# binlake with every table filtered out by its table mappings (it receives, checks and decodes
# every event and row, and writes nothing): what the CSV rendering and the file writes add.
# Usage: bench/cdc/run.sh [--rows N] [--runs N (best of, default 5)] [--no-s3] [--keep]
#        [--binary PATH (time this binlake instead of building one)]
#        [--record (write the summary to bench/cdc/last-run.txt)]
# Env:   BUILD_DIR  the build directory (default build/, as scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=260000; USE_S3=1; KEEP=0; RUNS=5; BINLAKE=""; RECORD=0
while [ $# -gt 0 ]; do
  case "$1" in --rows) ROWS=$2; shift ;; --runs) RUNS=$2; shift ;; --no-s3) USE_S3=0 ;; --keep) KEEP=1 ;;
    --binary) BINLAKE=$(realpath "$2"); shift ;; --record) RECORD=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;; esac; shift
done
. bench/lib.sh
scripts/setup.sh
BUILD_TARGETS="binlake stream_drain" scripts/build.sh >/dev/null
BUILD_DIR=$(realpath -m "${BUILD_DIR:-build}")  # scripts/build.sh's, relative to the checkout
[ -n "$BINLAKE" ] || BINLAKE=$BUILD_DIR/src/cli/binlake
WORK=$(mktemp -d -t binlake-cdc-bench.XXXXXX)
MDB=""; RGW=""; BG=""
cleanup() { set +e; [ -n "$BG" ] && kill $BG 2>/dev/null; [ -n "$MDB" ] && scripts/test-servers/mariadb-stop.sh "$MDB"
  [ -n "$RGW" ] && scripts/test-servers/radosgw-stop.sh "$RGW" >/dev/null 2>&1
  [ $KEEP = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
export MARIADB_EXTRA_CNF="innodb_buffer_pool_size=1G"
eval "$(scripts/test-servers/mariadb-start.sh)"
MDB=$MARIADB_STATE_DIR
sql() { mariadb --defaults-file="$MARIADB_CNF" -N -e "$1"; }
pos() { sql "SHOW MASTER STATUS" | awk '{print $1":"$2}'; }
sql "CREATE DATABASE sbtest; CREATE DATABASE bench;
     CREATE TABLE bench.ping (id INT AUTO_INCREMENT PRIMARY KEY, sent_at DECIMAL(20,6));
     CREATE TABLE bench.big (id INT PRIMARY KEY, pad VARCHAR(100))"
SB="sysbench oltp_write_only --db-driver=mysql --mysql-socket=$MARIADB_SOCKET --mysql-user=root --mysql-db=sbtest --tables=4 --table-size=100000"
$SB --threads=2 prepare >/dev/null
P0=$(pos)
echo "bench: making a backlog of >= $ROWS row changes" >&2
$SB --threads=2 --time=0 --events=$(( ROWS / 4 + 100 )) run >/dev/null
P1=$(pos)
SOURCE="mysql://root@127.0.0.1:$MARIADB_PORT"
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN{printf "%.3f", a-b}'; }

run_cdc() {  # target [extra...] -> "seconds rows"
  local target=$1; shift; local t0 out; t0=$(now)
  out=$("$BINLAKE" cdc --source "$SOURCE" --tls-mode disabled --target "$target" \
        --start-position "$P0" --stop-at "$P1" --log-level warn "$@")
  local s; s=$(elapsed "$t0")
  echo "$s $(echo "$out" | sed -n 's/.*: \([0-9]*\) row changes.*/\1/p') $(echo "$out" | sed -n 's/.*(\([0-9.]*\) s streaming).*/\1/p')"
}
# Best of RUNS for every reader (a freshly started radosgw is slow on its first uploads, and
# short runs on a 2-core machine are noisy).
best() { sort -k3n | head -1; }  # lines "total rows streaming" -> the fastest streaming
# The local readers take turns in each round, so that all meet the same machine state (the
# source's background work after building the backlog fades during the first rounds).
local_runs=""; s3_runs=""; z_runs=""; d_runs=""; n_runs=""; m_runs=""; m_ratios=""
cat > "$WORK/select-nothing.json" <<'EOF2'
{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "1", "rule-action": "include",
            "object-locator": {"schema-name": "no_such_schema", "table-name": "%"}}]}
EOF2
# The catch-up with the metrics endpoint on, scraped every second (Prometheus's default is once a
# minute) by one client process (none started per scrape).
# The client is started, and has started (its ready file), before binlake: a Prometheus runs
# before the task starts, and the interpreter's start-up is not binlake's cost.
run_cdc_scraped() {  # run number -> the run_cdc line
  local mport scraper r ready=$WORK/scraper-ready.$1 deadline
  mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 - "$mport" "$ready" >/dev/null 2>&1 <<'PY' &
import http.client, sys, time
port = int(sys.argv[1])
open(sys.argv[2], "w").close()
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/metrics")
        c.getresponse().read()
        c.close()
        time.sleep(1)
    except (OSError, http.client.HTTPException):
        time.sleep(0.05)  # not listening yet, or gone
PY
  scraper=$!
  deadline=$(( $(date +%s) + 30 ))
  while [ ! -e "$ready" ] && [ "$(date +%s)" -lt $deadline ]; do sleep 0.05; done
  r=$(run_cdc "file://$WORK/metrics$1" --metrics-address "127.0.0.1:$mport")
  kill $scraper; wait $scraper 2>/dev/null || true
  echo "$r"
}
for i in $(seq 1 "$RUNS"); do
  # binlake with and without the metrics endpoint run back to back, in alternating order (the
  # machine's state drifts between rounds).
  for which in $( ((i % 2)) && echo "plain scraped" || echo "scraped plain"); do
    if [ "$which" = plain ]; then
      r=$(run_cdc "file://$WORK/local$i"); local_runs+="$r"$'\n'; plain_s=${r##* }
      echo "bench: run $i: binlake -> local: $r" >&2
    else
      r=$(run_cdc_scraped "$i"); m_runs+="$r"$'\n'; scraped_s=${r##* }
      echo "bench: run $i: binlake -> local, metrics scraped: $r" >&2
    fi
  done
  # This round's throughput ratio, scraped / plain (the rounds' median is reported).
  m_ratios+="$(awk -v p="$plain_s" -v m="$scraped_s" 'BEGIN{printf "%.4f", p/m}')"$'\n'
  z=$(node tests/js/zongji_count.mjs 127.0.0.1 "$MARIADB_PORT" root "${P0%%:*}" "${P0##*:}" "${P1%%:*}" "${P1##*:}")
  zs=$(echo "$z" | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p')
  zr=$(echo "$z" | sed -n 's/.*"rows":\([0-9]*\).*/\1/p')
  z_runs+="- $zr $zs"$'\n'
  echo "bench: run $i: zongji: ${zs}s, $zr rows" >&2
  read -r ds _ < <("$BUILD_DIR"/bench/cdc/stream_drain "$MARIADB_PORT" "${P0%%:*}" "${P0##*:}" "${P1##*:}")
  d_runs+="- - $ds"$'\n'
  echo "bench: run $i: raw stream drain: ${ds}s" >&2
  r=$(run_cdc "file://$WORK/none$i" --table-mappings "$WORK/select-nothing.json"); n_runs+="$r"$'\n'
  echo "bench: run $i: binlake, every table filtered out: $r" >&2
done
read -r local_s local_rows local_stream < <(printf '%s' "$local_runs" | best)
read -r _ z_rows z_s < <(printf '%s' "$z_runs" | best)
read -r _ _ drain_s < <(printf '%s' "$d_runs" | best)
read -r _ _ none_stream < <(printf '%s' "$n_runs" | best)
read -r _ _ metrics_stream < <(printf '%s' "$m_runs" | best)
s3_s=""; s3_rows=""
if [ $USE_S3 = 1 ]; then
  eval "$(MEMSTORE_BYTES=$((3 << 30)) scripts/test-servers/radosgw-start.sh)"
  RGW=$S3_STATE_DIR
  for i in $(seq 1 "$RUNS"); do
    r=$(run_cdc "s3://$S3_BUCKET/cdc$i" --endpoint-url "$S3_ENDPOINT" --path-style)
    s3_runs+="$r"$'\n'
    echo "bench: run $i: binlake -> radosgw: $r" >&2
  done
  read -r s3_s s3_rows s3_stream < <(printf '%s' "$s3_runs" | best)
fi

echo "bench: latency under load (CdcMaxBatchInterval=1)" >&2
P2=$(pos)
"$BINLAKE" cdc --source "$SOURCE" --tls-mode disabled --target "file://$WORK/lat" \
  --start-position "$P2" --set CdcMaxBatchInterval=1 --log-level warn >/dev/null 2>&1 &
BG=$!
node bench/cdc/latency_watch.mjs "$WORK/lat/bench/ping" 25 > "$WORK/latency.json" &
WATCH=$!
$SB --threads=2 --time=20 --rate=300 run >/dev/null &
LOAD=$!
end=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -lt $end ]; do
  sql "INSERT INTO bench.ping (sent_at) VALUES (UNIX_TIMESTAMP(NOW(6)))"; sleep 0.02
done
wait $LOAD; wait $WATCH
kill -TERM $BG; wait $BG 2>/dev/null || true; BG=""

echo "bench: peak memory with a 1,000,000-row transaction" >&2
P3=$(pos)
sql "USE bench; INSERT INTO bench.big SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000"
P4=$(pos)
/usr/bin/time -v "$BINLAKE" cdc --source "$SOURCE" --tls-mode disabled --target "file://$WORK/big" \
  --start-position "$P3" --stop-at "$P4" --log-level warn >/dev/null 2>"$WORK/time.txt"
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$WORK/time.txt")

echo
{
bench_header
echo "CDC catch-up of $local_rows row changes ($P0 -> $P1), $(nproc) cores, best of $RUNS"
echo "(streaming s: from the first event to the end, commits included; total s: the whole process)"
printf "%-28s %12s %9s %14s\n" reader "streaming s" "total s" "row changes/s"
line() { awk -v n="$1" -v s="$2" -v t="$3" -v r="$4" 'BEGIN{printf "%-28s %12.3f %9s %14.0f\n", n, s, t, r/s}'; }
line "raw dump stream (ref.)" "$drain_s" "-" "$local_rows"
line "zongji 0.9 (count only)" "$z_s" "-" "$z_rows"
line "binlake, nothing selected" "$none_stream" "-" "$local_rows"
line "binlake -> local dir" "$local_stream" "$local_s" "$local_rows"
line "  the same, /metrics scraped" "$metrics_stream" "-" "$local_rows"
[ $USE_S3 = 1 ] && line "binlake -> radosgw" "$s3_stream" "$s3_s" "$s3_rows"
awk -v b="$local_stream" -v br="$local_rows" -v z="$z_s" -v zr="$z_rows" \
  'BEGIN{printf "ratio binlake(local)/zongji rows/s: %.1fx (goal >= 10x)\n", (br/b)/(zr/z)}'
printf '%s' "$m_ratios" | sort -n | awk '{r[NR] = $1} END {
  m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
  printf "ratio with /metrics scraped / without, median of the rounds: %.3f (min %.3f, max %.3f; goal >= 0.98)\n", m, r[1], r[NR]}'
awk -v d="$drain_s" -v br="$local_rows" -v z="$z_s" -v zr="$z_rows" -v b="$local_stream" -v n="$none_stream" \
  'BEGIN{printf "reference: the raw dump stream alone is %.1fx zongji; binlake takes %.2fx the raw stream'"'"'s time (%.2fx when it selects nothing and writes nothing)\n", (br/d)/(zr/z), b/d, n/d}'
echo "latency (commit -> file visible, CdcMaxBatchInterval=1): $(cat "$WORK/latency.json") (goal p99 <= 2000 ms)"
echo "peak RSS replicating one 1,000,000-row transaction: $((rss_kb / 1024)) MB (goal <= 256 MB)"
} | bench_output cdc
