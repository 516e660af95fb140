// CDC peer for the benchmark: zongji (npm @vlasky/zongji) streams the binlog from FILE:POS and
// counts row changes until it reaches END_FILE:END_POS, then prints one JSON line:
// {"rows": N, "seconds": S}, S measured from the first row event (connection set-up excluded).
// Usage: node zongji_count.mjs HOST PORT USER FILE POS END_FILE END_POS
import ZongJi from '@vlasky/zongji';

const [host, port, user, file, pos, endFile, endPos] = process.argv.slice(2);
const zongji = new ZongJi({ host, port: Number(port), user, password: process.env.MYSQL_PWD || '' });
let rows = 0;
let started = null;
const endNumber = Number(endFile.split('.').pop());
zongji.on('binlog', (evt) => {
  const name = evt.getEventName();
  if (name === 'writerows' || name === 'updaterows' || name === 'deleterows') {
    if (rows === 0) started = process.hrtime.bigint();  // like binlake: from the first rows
    rows += evt.rows.length;
  }
  const f = zongji.options.filename;
  const p = zongji.options.position;
  if (f && (Number(f.split('.').pop()) > endNumber || (f === endFile && p >= Number(endPos)))) {
    const seconds = (process.hrtime.bigint() - started) / 1000000n;
    process.stdout.write(JSON.stringify({ rows, seconds: Number(seconds) / 1000 }) + '\n');
    zongji.stop();
    process.exit(0);
  }
});
zongji.on('error', (e) => { process.stderr.write(String(e) + '\n'); process.exit(1); });
started = process.hrtime.bigint();
zongji.start({
  serverId: 4242,
  filename: file,
  position: Number(pos),
  includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'rotate', 'xid', 'query'],
});
