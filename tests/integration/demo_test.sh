#!/bin/bash
# The README's demo (scripts/demo.sh, local-directory target) end to end with the binlake under
# test: it must exit 0, and its target must hold the full load (row counts read back by DuckDB)
# and exactly the CDC rows scripts/demo/changes.sql causes; then the README's training-feed demo
# (materialize --layout training, binlake pipe, a Python reader). Leaves no process behind.
# Usage: demo_test.sh SOURCE_DIR BINLAKE
set -euo pipefail
SRC=$1; BINLAKE=$2
OUT=$(mktemp -d -t binlake-demo-test.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$SRC/scripts/demo.sh" --binary "$BINLAKE" --out "$OUT/lake" > "$OUT/demo.log" 2>&1 ||
  { cat "$OUT/demo.log" >&2; fail "scripts/demo.sh exited non-zero"; }
! pgrep -f -- "$OUT/lake" >/dev/null || fail "a process naming the demo's target still runs"

counts=$(node "$SRC/tests/js/duckdb_query.mjs" "SELECT
  (SELECT count(*) FROM read_csv('$OUT/lake/shop/customers/LOAD00000001.csv', header=false)) || ',' ||
  (SELECT count(*) FROM read_csv('$OUT/lake/shop/orders/LOAD00000001.csv', header=false)) || ',' ||
  (SELECT count(*) FROM read_csv('$OUT/lake/shop/products/LOAD00000001.csv', header=false)) AS c")
[ "$counts" = '[{"c":"5000,100000,500"}]' ] || fail "full-load row counts: $counts"

cdc() { cat "$OUT/lake/$1"/2*.csv; }  # a table's CDC rows, files in name (= time) order
expect() {  # table, expected CDC rows (everything but the commit-time column of customers)
  local got; got=$(cdc "$1")
  [ "$got" = "$2" ] || fail "CDC rows of $1:"$'\n'"$got"$'\n'"expected:"$'\n'"$2"
}
expect shop/orders "U,5,6,SKU-00006,6,shipped,2024-06-01 00:03:05.000000,left the warehouse
U,9,10,SKU-00010,3,shipped,2024-06-01 00:05:33.000000,left the warehouse"
expect shop/products 'D,SKU-00001,"Product ""1"", deluxe",1.37,"sale,eco","{""weight_g"":10,""colors"":[""red"",""blue""]}"'
# created_at is the insert's time; the DDL added vip, so the update's row has one more column.
got=$(cdc shop/customers | sed 's/,20[0-9-]* [0-9:.]*/,T/')
[ "$got" = 'I,5001,"New, customer",new@example.com,FR,T
U,5001,"New, customer",new@example.com,FR,T,1' ] || fail "CDC rows of shop/customers: $got"
cdc showcase/every_type | grep -q '^U,1,-128,18446744073709551615,-12345678901234567889.0123456789,.*,changed by CDC,00ff2c0a,y,' ||
  fail "CDC row of showcase.every_type: $(cdc showcase/every_type)"
grep -q 'shop.customers  *5000  *1  *1  *0  *1 ' "$OUT/demo.log" ||
  fail "binlake status in the demo's output does not count shop.customers' changes"
# The README's training-feed demo, as written there (its code block, with this test's paths): the
# orders table as RecordIO-protobuf training data, served by `binlake pipe`, read by Python.
awk '/^A demo after `scripts\/demo.sh`/ {on = 1; next}
     on && /^    / {print substr($0, 5); if ($0 == "    PY") exit; next}' "$SRC/README.md" |
  sed -e "s#/tmp/#$OUT/#g" -e "s#build/src/cli/binlake#$BINLAKE#g" \
      -e "s#\$PWD/out/demo#$OUT/lake#g" -e "s#python3 -#/usr/bin/python3 -#" > "$OUT/training-demo.sh"
grep -q "binlake pipe\|pipe --channel" "$OUT/training-demo.sh" || fail "no training demo in README.md"
got=$(cd "$OUT" && timeout 120 bash "$OUT/training-demo.sh" 2>&1) ||
  fail "the README's training demo failed: $got"
grep -q '^epoch 0: 100000 records' <<<"$got" || fail "the README's training demo printed: $got"
! pgrep -f -- "$OUT/ml" >/dev/null || fail "binlake pipe still runs after the training demo"
echo "demo_test: ok"
