#!/bin/bash
# The demo: installs what is missing, builds binlake, starts a private MariaDB with sample data
# (scripts/demo/sample.sql), runs a full load into a local directory (or, with --s3, into a local
# Ceph radosgw S3 server), shows what was written, and stops the servers it started.
#
# Usage: scripts/demo.sh [--s3] [--out DIR]      (default DIR: ./out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USE_S3=0
OUT="$ROOT/out/demo"
while [ $# -gt 0 ]; do
  case "$1" in
    --s3) USE_S3=1 ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

scripts/setup.sh
echo "demo: building binlake (first time: a few minutes)" >&2
BUILD_LOG=$(mktemp)
scripts/build.sh >"$BUILD_LOG" 2>&1 || { tail -40 "$BUILD_LOG" >&2; echo "demo: build failed" >&2; exit 1; }
rm -f "$BUILD_LOG"

MDB=""; RGW=""
cleanup() {
  set +e
  [ -n "$MDB" ] && scripts/test-servers/mariadb-stop.sh "$MDB"
  [ -n "$RGW" ] && scripts/test-servers/radosgw-stop.sh "$RGW" 2>/dev/null
}
trap cleanup EXIT

echo "demo: starting a private MariaDB with sample data" >&2
eval "$(scripts/test-servers/mariadb-start.sh)"
MDB=$MARIADB_STATE_DIR
mariadb --defaults-file="$MARIADB_CNF" < scripts/demo/sample.sql
mariadb --defaults-file="$MARIADB_CNF" -e "CREATE USER binlake@'%' IDENTIFIED BY 'demo-password';
  GRANT SELECT, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO binlake@'%';"
export BINLAKE_SOURCE_PASSWORD=demo-password
SOURCE="mysql://binlake@127.0.0.1:$MARIADB_PORT"

if [ $USE_S3 = 1 ]; then
  echo "demo: starting a local Ceph radosgw (about 20 s)" >&2
  eval "$(scripts/test-servers/radosgw-start.sh)"
  RGW=$S3_STATE_DIR
  build/src/cli/binlake full-load --source "$SOURCE" --tls-mode disabled \
    --target "s3://$S3_BUCKET/demo" --endpoint-url "$S3_ENDPOINT" --region "$S3_REGION" \
    --path-style --threads 2
  echo
  echo "demo: objects in s3://$S3_BUCKET/demo (endpoint $S3_ENDPOINT):"
  /usr/bin/python3 - "$S3_ENDPOINT" "$S3_BUCKET" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[2], Prefix="demo/"):
    for o in page.get("Contents", []):
        print(f"  {o['Size']:>10}  s3://{sys.argv[2]}/{o['Key']}")
PY
  echo "(the S3 server is stopped when the demo ends; use the local-directory demo to keep files)"
else
  rm -rf "$OUT"
  build/src/cli/binlake full-load --source "$SOURCE" --tls-mode disabled \
    --target "file://$OUT" --threads 2
  echo
  echo "demo: the output is in $OUT"
  (cd "$OUT" && find . -type f | sort | sed 's|^\./|  |')
  echo
  echo "demo: showcase/every_type/LOAD00000001.csv:"
  cat "$OUT/showcase/every_type/LOAD00000001.csv"
  echo
  echo "demo: first rows of shop/orders/LOAD00000001.csv:"
  head -3 "$OUT/shop/orders/LOAD00000001.csv"
fi
