// Commit-to-visible latency of binlake CDC: polls DIR (a local target's bench/ping folder) every
// 10 ms for new CDC files, notes when each first appears, reads its rows (Op, id, sent_at =
// epoch seconds with microseconds, written by the source at commit) and prints, after SECONDS,
// {"rows": N, "p50_ms": .., "p99_ms": .., "max_ms": ..}. Only files named like CDC files
// (YYYYMMDD-...) count; a file's rows are visible from the moment the file appears.
// Usage: node latency_watch.mjs DIR SECONDS
import { readdirSync, readFileSync, existsSync } from 'node:fs';

const [dir, seconds] = process.argv.slice(2);
const seen = new Map();
const latencies = [];
const deadline = Date.now() + Number(seconds) * 1000;
function poll() {
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (!/^\d{8}-\d+\.csv$/.test(name) || seen.has(name)) continue;
      const visibleAt = Date.now() / 1000;
      seen.set(name, visibleAt);
      for (const line of readFileSync(`${dir}/${name}`, 'utf8').split('\n')) {
        const f = line.split(',');
        if (f.length < 3 || f[0] !== 'I') continue;
        latencies.push((visibleAt - Number(f[f.length - 1])) * 1000);
      }
    }
  }
  if (Date.now() < deadline) setTimeout(poll, 10);
  else report();
}
function report() {
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
  process.stdout.write(JSON.stringify({ rows: latencies.length, files: seen.size,
    p50_ms: Math.round(q(0.5)), p99_ms: Math.round(q(0.99)), max_ms: Math.round(q(1)) }) + '\n');
}
poll();
