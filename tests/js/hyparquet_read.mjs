// Reads Parquet files with hyparquet (an independent JavaScript reader) and prints JSON on stdout.
// For one file: one object {"num_rows", "row_groups", "columns": [{name, type, codec, encodings}],
// "rows": [[cell, ...], ...]}. Cells are printed losslessly as JSON-friendly values:
//   integers (INT32/INT64, any annotation) -> decimal string   FLOAT/DOUBLE -> number as string
//   DATE -> days since the epoch (string)    TIMESTAMP -> the stored integer (string)
//   DECIMAL -> hyparquet's Number as string  strings -> string   binary -> lowercase hex
// GZIP pages are inflated with node:zlib, ZSTD pages in process with fzstd (a pure-JS decoder;
// node 20 has no zstd); SNAPPY is hyparquet's own.
//
// Usage: node hyparquet_read.mjs FILE.parquet
//        Exit 1 with the error on stderr if the file cannot be read.
//    or: node hyparquet_read.mjs --many FILE1.parquet [FILE2.parquet ...]
//        Prints one JSON array with an element per file, in argument order: the object above,
//        or {"error": "..."} for a file that cannot be read. Exit 0 unless the arguments are bad.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { decompress as zstdDecompress } from 'fzstd';
import { gunzipSync } from 'node:zlib';

const compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  ZSTD: (input) => zstdDecompress(input),
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

async function readOne(path) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const names = metadata.schema.slice(1).map(e => e.name);
  const rows = await parquetReadObjects({ file, metadata, compressors, parsers, utf8: false });
  const columns = metadata.schema.slice(1).map((e, i) => {
    const chunk = metadata.row_groups[0]?.columns[i]?.meta_data;
    return { name: e.name, type: e.type, codec: chunk?.codec ?? null, encodings: chunk?.encodings ?? [] };
  });
  return {
    num_rows: String(metadata.num_rows),
    row_groups: metadata.row_groups.length,
    columns,
    rows: rows.map(r => names.map(n => cell(r[n]))),
  };
}

const firstLine = (e) => String(e.message || e).split('\n')[0];
const args = process.argv.slice(2);
if (args[0] === '--many') {
  const out = [];
  for (const path of args.slice(1)) {
    try {
      out.push(await readOne(path));
    } catch (e) {
      out.push({ error: `${path}: ${firstLine(e)}` });
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} else if (args.length === 1) {
  try {
    process.stdout.write(JSON.stringify(await readOne(args[0])) + '\n');
  } catch (e) {
    process.stderr.write(firstLine(e) + '\n');
    process.exit(1);
  }
} else {
  process.stderr.write('usage: node hyparquet_read.mjs FILE.parquet | --many FILE...\n');
  process.exit(2);
}
