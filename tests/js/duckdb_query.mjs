// Runs SQL statements in an in-memory DuckDB (the independent reader binlake's tests trust) and
// prints the rows of the last statement as one JSON array on stdout. Values are converted to
// strings with DuckDB's own VARCHAR cast unless --typed is given, so tests compare text exactly.
// With --each, prints one JSON array with an element per statement: that statement's rows.
//
// Usage: node duckdb_query.mjs [--typed] [--each] "SQL1" ["SQL2" ...]
//    or: node duckdb_query.mjs [--typed] [--each] --file script.sql  (statements separated by ';\n')
// Exit 1 with the DuckDB error on stderr if a statement fails.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let typed = false;
let each = false;
let statements = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--typed') typed = true;
  else if (args[i] === '--each') each = true;
  else if (args[i] === '--file') statements.push(...readFileSync(args[++i], 'utf8').split(/;\s*\n/).filter(s => s.trim()));
  else statements.push(args[i]);
}
try {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  let rows = [];
  const all = [];
  for (const sql of statements) {
    const reader = await conn.runAndReadAll(sql);
    rows = typed ? reader.getRowObjectsJson() : reader.getRowObjectsJS().map(r => {
      const o = {};
      for (const [k, v] of Object.entries(r)) o[k] = v === null ? null : String(v);
      return o;
    });
    all.push(rows);
  }
  process.stdout.write(JSON.stringify(each ? all : rows) + '\n');
} catch (e) {
  process.stderr.write(String(e.message || e).split('\n')[0] + '\n');
  process.exit(1);
}
