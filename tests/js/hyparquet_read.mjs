// Reads a Parquet file with hyparquet (an independent JavaScript reader) and prints one JSON
// object on stdout: {"num_rows", "row_groups", "columns": [{name, type, codec, encodings}],
// "rows": [[cell, ...], ...]}. Cells are printed losslessly as JSON-friendly values:
//   integers (INT32/INT64, any annotation) -> decimal string   FLOAT/DOUBLE -> number as string
//   DATE -> days since the epoch (string)    TIMESTAMP -> the stored integer (string)
//   DECIMAL -> hyparquet's Number as string  strings -> string   binary -> lowercase hex
// GZIP pages are inflated with node:zlib, ZSTD pages with the zstd command (node 20 has no zstd);
// SNAPPY is hyparquet's own.
//
// Usage: node hyparquet_read.mjs FILE.parquet
// Exit 1 with the error on stderr if the file cannot be read.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';

const compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  ZSTD: (input) => {
    try {
      return new Uint8Array(execFileSync('zstd', ['-d', '-c', '-q'], { input, maxBuffer: 1 << 30 }));
    } catch (e) {
      if (e.code === 'ENOENT') throw new Error('ZSTD pages need the zstd command (apt-get install zstd)');
      throw e;
    }
  },
};
const raw = (v) => (v === null || v === undefined ? v : String(v));
const parsers = {
  dateFromDays: raw,
  timestampFromMilliseconds: raw,
  timestampFromMicroseconds: raw,
  timestampFromNanoseconds: raw,
};

function cell(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return String(v);
  return v;
}

try {
  const file = await asyncBufferFromFile(process.argv[2]);
  const metadata = await parquetMetadataAsync(file);
  const names = metadata.schema.slice(1).map(e => e.name);
  const rows = await parquetReadObjects({ file, metadata, compressors, parsers, utf8: false });
  const columns = metadata.schema.slice(1).map((e, i) => {
    const chunk = metadata.row_groups[0]?.columns[i]?.meta_data;
    return { name: e.name, type: e.type, codec: chunk?.codec ?? null, encodings: chunk?.encodings ?? [] };
  });
  const out = {
    num_rows: String(metadata.num_rows),
    row_groups: metadata.row_groups.length,
    columns,
    rows: rows.map(r => names.map(n => cell(r[n]))),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
} catch (e) {
  process.stderr.write(String(e.message || e).split('\n')[0] + '\n');
  process.exit(1);
}
