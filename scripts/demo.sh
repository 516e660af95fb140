#!/bin/bash
# The demo: installs what is missing, builds binlake, starts a private MariaDB with sample data
# (scripts/demo/sample.sql) and runs `binlake run` (full load, then CDC) into a local directory
# (or, with --s3, into a local Ceph radosgw S3 server). Once the full load is in, it changes the
# source (scripts/demo/changes.sql: inserts, updates, deletes, a DDL), waits until binlake has
# committed those changes, stops binlake with SIGTERM, shows what was written and `binlake status`,
# and stops the servers it started. Fails (non-zero) if any step does not complete in time.
#
# Usage: scripts/demo.sh [--s3] [--out DIR] [--binary PATH]
#   --out DIR       the local target (default ./out/demo; emptied first)
#   --binary PATH   use this binlake and skip installing and building (the demo's test)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USE_S3=0
OUT="$ROOT/out/demo"
BINLAKE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --s3) USE_S3=1 ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    --binary) BINLAKE=$(realpath "$2"); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "demo: $*" >&2; }

if [ -z "$BINLAKE" ]; then
  scripts/setup.sh
  say "building binlake (first time: a few minutes; only the program, not the tests)"
  BUILD_LOG=$(mktemp)
  BUILD_TARGETS=binlake scripts/build.sh >"$BUILD_LOG" 2>&1 || { tail -40 "$BUILD_LOG" >&2; say "build failed"; exit 1; }
  rm -f "$BUILD_LOG"
  BINLAKE=$ROOT/build/src/cli/binlake
fi

MDB=""; RGW=""; RUN_PID=""
cleanup() {
  set +e
  [ -n "$RUN_PID" ] && kill -TERM "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null
  [ -n "$MDB" ] && scripts/test-servers/mariadb-stop.sh "$MDB"
  [ -n "$RGW" ] && scripts/test-servers/radosgw-stop.sh "$RGW" 2>/dev/null
}
trap cleanup EXIT

say "starting a private MariaDB with sample data"
eval "$(scripts/test-servers/mariadb-start.sh)"
MDB=$MARIADB_STATE_DIR
sql() { mariadb --defaults-file="$MARIADB_CNF" "$@"; }
sql < scripts/demo/sample.sql
sql -e "CREATE USER binlake@'%' IDENTIFIED BY 'demo-password';
  GRANT SELECT, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO binlake@'%';"
export BINLAKE_SOURCE_PASSWORD=demo-password
SOURCE="mysql://binlake@127.0.0.1:$MARIADB_PORT"

if [ $USE_S3 = 1 ]; then
  say "starting a local Ceph radosgw (about 20 s)"
  eval "$(scripts/test-servers/radosgw-start.sh)"
  RGW=$S3_STATE_DIR
  TARGET=(--target "s3://$S3_BUCKET/demo" --endpoint-url "$S3_ENDPOINT" --region "$S3_REGION"
          --path-style)
else
  rm -rf "$OUT"
  TARGET=(--target "file://$OUT")
fi
status_json() { "$BINLAKE" status "${TARGET[@]}" --json 2>/dev/null || true; }
# Polls `binlake status --json` until it matches the pattern; fails after a deadline, or at once
# when binlake has exited.
wait_for_status() {  # what pattern seconds
  local deadline=$(( $(date +%s) + $3 ))
  until status_json | grep -q -- "$2"; do
    kill -0 "$RUN_PID" 2>/dev/null || { say "binlake ended before $1"; wait "$RUN_PID"; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { say "no $1 within $3 s"; exit 1; }
    sleep 0.2
  done
}

say "binlake run: full load, then CDC (CdcMaxBatchInterval=1: changes are written within ~1 s)"
"$BINLAKE" run --source "$SOURCE" --tls-mode disabled "${TARGET[@]}" --threads 2 \
  --set CdcMaxBatchInterval=1 --progress off --log-level warn &
RUN_PID=$!
wait_for_status "full load" '"status": "complete"' 300

say "changing the source (scripts/demo/changes.sql)"
sql < scripts/demo/changes.sql
POSITION=$(sql -N -e "SHOW MASTER STATUS" | awk '{print $1":"$2}')
wait_for_status "CDC checkpoint at $POSITION" "\"position\": \"$POSITION\"" 60
say "binlake committed every change up to $POSITION; stopping it (SIGTERM)"
kill -TERM "$RUN_PID"
wait "$RUN_PID"
RUN_PID=""

echo
"$BINLAKE" status "${TARGET[@]}"
echo
if [ $USE_S3 = 1 ]; then
  say "objects in s3://$S3_BUCKET/demo (endpoint $S3_ENDPOINT):"
  /usr/bin/python3 - "$S3_ENDPOINT" "$S3_BUCKET" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[2], Prefix="demo/"):
    for o in page.get("Contents", []):
        print(f"  {o['Size']:>10}  s3://{sys.argv[2]}/{o['Key']}")
PY
  echo "(the S3 server is stopped when the demo ends; use the local-directory demo to keep files)"
else
  say "the output is in $OUT"
  (cd "$OUT" && find . -type f | sort | sed 's|^\./|  |')
  echo
  say "showcase/every_type/LOAD00000001.csv (full load):"
  cat "$OUT/showcase/every_type/LOAD00000001.csv"
  echo
  say "first rows of shop/orders/LOAD00000001.csv (full load):"
  head -3 "$OUT/shop/orders/LOAD00000001.csv"
  echo
  say "the CDC files (Op, then the row; U: the row after, D: the row before):"
  (cd "$OUT" && find . -path ./_binlake -prune -o -type f -name '2*.csv' -print | sort |
    while read -r f; do echo "  ${f#./}:"; sed 's/^/    /' "$f"; done)
fi
