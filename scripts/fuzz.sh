#!/bin/bash
# Builds binlake's libFuzzer targets with clang (own build dir, -DBINLAKE_FUZZ=ON, ASan/UBSan) and
# runs each for a bounded time on a seed corpus made from testdata/fixtures (and, for the Parquet
# reader, the committed files in fuzz/corpus/parquet_reader_fuzz).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]
#        scripts/fuzz.sh --build-only    builds the targets and stops
# Env:   BINLAKE_FUZZ_BUILD  build directory (default: build-fuzz)
#        BINLAKE_FUZZ_JOBS   ninja parallelism, and targets fuzzed at once (default 2)
# Exit status is non-zero if a target crashes, leaks or times out; the crashing input is left in
# $BINLAKE_FUZZ_BUILD/fuzz-artifacts/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_ONLY=0
if [ "${1:-}" = --build-only ]; then
  BUILD_ONLY=1
  shift
fi
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] &&
  TARGETS=(binlog_stream_fuzz binlog_event_fuzz json_binary_fuzz gtid_set_fuzz dump_packet_fuzz
    csv_reader_fuzz rendered_text_fuzz parquet_reader_fuzz pipe_input_fuzz part_marks_fuzz)
BUILD=${BINLAKE_FUZZ_BUILD:-$ROOT/build-fuzz}
JOBS=${BINLAKE_FUZZ_JOBS:-2}
command -v clang++-14 >/dev/null || { echo "clang++-14 missing: run scripts/setup.sh" >&2; exit 2; }

mkdir -p "$BUILD"
# -O1 -g1: the sanitizers' usual optimisation level, line tables for their stack traces. The unit
# tests are built here too (scripts/test.sh runs them under ASan/UBSan from this build).
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DBINLAKE_FUZZ=ON -DBINLAKE_SANITIZE=ON -DBINLAKE_BENCH=OFF -DCMAKE_UNITY_BUILD=ON \
  >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log" >&2; exit 1; }
ninja -C "$BUILD" -j"$JOBS" "${TARGETS[@]}"
[ "$BUILD_ONLY" = 1 ] && exit 0

# Seed corpora: whole fixture binlogs (stream), their events one per file (event), binary JSON
# vectors (json), PREVIOUS_GTIDS bodies and GTID set texts (gtid_set). Rebuilt every run; findings
# accumulate in fuzz-corpus/<target>.
SEEDS=$BUILD/fuzz-seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS"/{binlog_stream_fuzz,binlog_event_fuzz,json_binary_fuzz,gtid_set_fuzz,dump_packet_fuzz,csv_reader_fuzz,rendered_text_fuzz,parquet_reader_fuzz,pipe_input_fuzz,part_marks_fuzz} \
  "$BUILD/fuzz-artifacts"
# Parquet files binlake's writer wrote (every EncodingType, codec and ParquetVersion is among them).
cp "$ROOT"/fuzz/corpus/parquet_reader_fuzz/*.parquet "$SEEDS/parquet_reader_fuzz/"
python3 - "$ROOT/testdata/fixtures" "$SEEDS" <<'PY'
import gzip, json, os, struct, sys
fixtures, seeds = sys.argv[1], sys.argv[2]
n = 0
for dirpath, _, files in os.walk(fixtures):
    for f in files:
        path = os.path.join(dirpath, f)
        data = open(path, 'rb').read()
        if data[:2] == b'\x1f\x8b':
            data = gzip.decompress(data)
        if data[:4] != b'\xfebin':
            continue
        if len(data) <= 256 * 1024:
            open(os.path.join(seeds, 'binlog_stream_fuzz', 'file%03d' % n), 'wb').write(data)
        pos, k = 4, 0
        while pos + 19 <= len(data) and k < 200:
            size = struct.unpack_from('<I', data, pos + 9)[0]
            if size < 19 or pos + size > len(data):
                break
            ev = data[pos:pos + size]
            if ev[4] == 35:  # PREVIOUS_GTIDS: the body (CRC32 too, if any: Decode stops early)
                open(os.path.join(seeds, 'gtid_set_fuzz', 'prev%03d_%03d' % (n, k)),
                     'wb').write(b'\x01' + ev[19:])
            if size <= 64 * 1024 and k < 50:  # a dump reply packet: status byte 0x00, one event
                open(os.path.join(seeds, 'dump_packet_fuzz', 'pk%03d_%03d' % (n, k)),
                     'wb').write(b'\x00' + ev)
            if size <= 64 * 1024:
                for mode in (0, 1, 2, 3):  # MySQL/MariaDB x without/with CRC32
                    open(os.path.join(seeds, 'binlog_event_fuzz', 'ev%03d_%03d_%d' % (n, k, mode)),
                         'wb').write(bytes([mode]) + ev)
            pos += size
            k += 1
        n += 1
for i, text in enumerate([
        '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:mytag:1-3,\n'
        ' b9b88c66-0755-11f1-9899-4a9da94c4d71:1',
        '0-1-100,1-2-7']):
    open(os.path.join(seeds, 'gtid_set_fuzz', 'text%d' % i), 'wb').write(b'\x00' + text.encode())
# ERR and EOF packets as servers send them.
open(os.path.join(seeds, 'dump_packet_fuzz', 'err'), 'wb').write(
    b'\xff\x7a\x04#HY000Could not find first log file name in binary log index file')
open(os.path.join(seeds, 'dump_packet_fuzz', 'eof'), 'wb').write(b'\xfe\x00\x00\x02\x00')
vec = json.load(open(os.path.join(fixtures, 'type-vectors', 'mysqlcdc-type-vectors.json')))
for i, v in enumerate(vec['jsonb']):
    doc = bytes.fromhex(v['hex'])
    open(os.path.join(seeds, 'json_binary_fuzz', 'json%02d' % i), 'wb').write(
        bytes([min(len(doc), 255)]) + doc)
# CSV as binlake writes it (quoted fields, doubled quotes, NULL, empty strings), in each dialect,
# plain and gzip.
import gzip
csv = b'I,1,plain\nU,2,"with,comma"\nD,3,"say ""hi"""\nI,4,"two\nlines"\nI,5,""\nI,6,\n'
for mode in range(16):
    open(os.path.join(seeds, 'csv_reader_fuzz', 'csv%02d' % mode), 'wb').write(bytes([mode]) + csv)
open(os.path.join(seeds, 'csv_reader_fuzz', 'gzip'), 'wb').write(b'\x80' + gzip.compress(csv))
# Field texts as render_text writes them, each after the type byte of rendered_text_fuzz.cc's
# kTypes (its index; top bit: base64), plus the fixtures' DECIMAL/DATETIME2/TIME2/JSON texts.
texts = {
    0: ['-128', '127', '0'], 1: ['255'], 2: ['-32768'], 3: ['16777215'], 4: ['-2147483648'],
    5: ['4294967295'], 6: ['-9223372036854775808'], 7: ['18446744073709551615'],
    8: ['0000', '2155'], 9: ['-999.99', '0.00'], 10: ['9' * 35 + '.' + '9' * 30],
    11: ['9' * 38], 12: ['-12.340'], 13: ['3.4028235e+38', '-0', '0.1', 'inf', 'nan'],
    14: ['0.30000000000000004', '-2.2250738585072014e-308', '1e+300'], 15: ['4'],
    16: ['18446744073709551615'], 17: ['0000-00-00', '2024-02-29'], 18: ['-838:59:59'],
    19: ['-00:00:00.000001', '100:00:00.500000'], 20: ['2021-02-30 00:00:00'],
    21: ['2038-01-19 03:14:07.999'], 22: ['1970-01-01 00:00:00.999999'],
    23: ['a\'b"c,d\ne', ''], 24: ['00ff1080'], 25: ['c d', ''], 26: ['x,z', ''],
    27: ['00ff1080', ''], 28: ['000000000101000000' + '01' * 16], 29: ['[1.1,2.2,3.3]', '[]'],
    30: ['{"b":1,"a":[1,2.5,"\u00e9"]}', 'null'],
}
texts[0x80 | 27] = ['AP8QgA==', 'QUI=', '']
texts[0x80 | 24] = ['AP8Q']
vec = json.load(open(os.path.join(fixtures, 'type-vectors', 'go-mysql-type-vectors.json')))
texts[12] += [v['expected'] for v in vec['decimal_TestDecodeDecimal'][:40]]
texts[20] += [v['expected'] for v in vec['datetime2'] if v['fsp'] == 0]
texts[18] += [v['expected'] for v in vec['time2'] if v['fsp'] == 0]
cdcvec = json.load(open(os.path.join(fixtures, 'type-vectors', 'mysqlcdc-type-vectors.json')))
texts[30] += [v['expected'] for v in cdcvec['jsonb'] if 'expected' in v]
for kind, items in texts.items():
    for i, text in enumerate(items):
        open(os.path.join(seeds, 'rendered_text_fuzz', 't%03d_%02d' % (kind, i)), 'wb').write(
            bytes([kind]) + text.encode())
# binlake pipe's inputs (pipe_input_fuzz.cc: the first byte picks the parser).
pipe_seeds = [
    (0, b'[{"prefix": "s3://bucket/train/"}, "a.rec", "b/c.rec"]'),
    (1, b'{"source-ref": "s3://b/x.jpg", "label": 1}\n{"source-ref": "s3://b/y.jpg", "label": [0, 1]}\n'),
    (2, b'{"train": {"TrainingInputMode": "Pipe", "S3DistributionType": "ShardedByS3Key", '
        b'"RecordWrapperType": "RecordIO", "CompressionType": "Gzip", "ShuffleConfig": {"Seed": 7}, '
        b'"DataSource": {"S3DataSource": {"S3Uri": "s3://b/p/", "S3DataType": "S3Prefix"}}}}'),
    (3, b'{"current_host": "algo-2", "hosts": ["algo-1", "algo-2"]}'),
    (4, gzip.compress(b'sample 1\n') + gzip.compress(b'sample 2\n')),
]
for i, (kind, body) in enumerate(pipe_seeds):
    open(os.path.join(seeds, 'pipe_input_fuzz', 'p%02d' % i), 'wb').write(bytes([kind]) + body)
# Part marks (part_marks_fuzz.cc: part size and rows, then the object as part_marks.h encodes it:
# varints of offset and row steps, the key, the previous key's shared prefix and suffix).
def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])
def marks(entries):
    out = b'binlake-part-marks 1\n' + varint(len(entries))
    offset = row = 0
    for off, r, key, prev in entries:
        shared = 0
        while shared < min(len(prev), len(key)) and prev[shared] == key[shared]:
            shared += 1
        out += varint(off - offset) + varint(r - row) + varint(len(key)) + key
        out += varint(shared) + varint(len(prev) - shared) + prev[shared:]
        offset, row = off, r
    return out
for i, entries in enumerate([
        [(6, 0, b'k000000', b'')],
        [(6, 0, b'k000000', b''), (4100, 300, b'k000300', b'k000299'),
         (8200, 600, b'k000600', b'k000599')],
        [(2, 0, b'\x80\x00\x00\x01', b''), (5000, 40, b'\x80\x00\x01\x00', b'\x80\x00\x00\xff')]]):
    open(os.path.join(seeds, 'part_marks_fuzz', 'm%02d' % i), 'wb').write(
        struct.pack('<II', 1 << 20, 100000) + marks(entries))
PY

# The targets run $JOBS at a time (libFuzzer's -max_total_time is wall-clock time: each target
# gets one core for SECS seconds); their results are printed in order afterwards.
run_target() {
  local t=$1 corpus=$BUILD/fuzz-corpus/$1
  mkdir -p "$corpus"
  if "$BUILD/fuzz/$t" -max_total_time="$SECS" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$BUILD/fuzz-artifacts/$t-" "$corpus" "$SEEDS/$t" \
      >"$BUILD/fuzz-$t.log" 2>&1; then
    echo ok >"$BUILD/fuzz-$t.result"
  else
    echo failed >"$BUILD/fuzz-$t.result"
  fi
}
for t in "${TARGETS[@]}"; do
  rm -f "$BUILD/fuzz-$t.result"
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  run_target "$t" &
done
wait
status=0
for t in "${TARGETS[@]}"; do
  echo "== $t: ${SECS}s, $(ls "$SEEDS/$t" | wc -l) seeds"
  if [ "$(cat "$BUILD/fuzz-$t.result" 2>/dev/null)" != ok ]; then
    echo "FAILED: $t (see $BUILD/fuzz-$t.log)" >&2
    tail -40 "$BUILD/fuzz-$t.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$BUILD/fuzz-$t.log" || true
  fi
done
exit $status
