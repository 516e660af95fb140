#!/bin/bash
# Start a private, throw-away MariaDB server for tests, the demo and benchmarks: datadir, socket,
# pid file and logs under one temp directory; TCP on 127.0.0.1 and a free port; configured for CDC
# (log-bin, binlog_format=ROW, binlog_row_image=FULL, binlog_row_metadata=FULL, server-id=1).
#
# Usage:  eval "$(scripts/test-servers/mariadb-start.sh [STATE_DIR])"
#         scripts/test-servers/mariadb-stop.sh "$MARIADB_STATE_DIR"
# Env:    MARIADB_PORT         port (default: a free one)
#         MARIADB_EXTRA_CNF    extra [mariadbd] lines, newline-separated, appended last
#                              (e.g. "binlog_row_metadata=MINIMAL", "log_bin_compress=ON")
# Prints shell `export` lines: MARIADB_STATE_DIR, MARIADB_HOST, MARIADB_PORT, MARIADB_SOCKET,
# MARIADB_PID. root@localhost has no password and may connect over the socket or TCP.
# Readiness is polled with a deadline (no blind sleeps); a failed start kills what it started.
set -euo pipefail
for b in mariadb-install-db mariadbd mariadb-admin; do
  command -v "$b" >/dev/null || { echo "missing $b: run scripts/setup.sh" >&2; exit 2; }
done
STATE=${1:-$(mktemp -d -t binlake-mariadb.XXXXXX)}
mkdir -p "$STATE"/{data,log,tmp}
STATE=$(cd "$STATE" && pwd)
free_port() {
  # Below the kernel's ephemeral range, so no client socket can hold the port, and among the
  # last 16 ports of a 64-port block: radosgw-start.sh takes only the first 48 of its block.
  local p lo top
  read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range
  top=$(( lo < 32000 ? lo : 32000 ))
  for _ in $(seq 1 200); do
    p=$(( 10000 + (RANDOM % ((top - 10000) / 64 - 1)) * 64 + 48 + RANDOM % 16 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo $p; return; fi
  done
  echo "no free port found" >&2; exit 1
}
PORT=${MARIADB_PORT:-$(free_port)}
CNF=$STATE/my.cnf
write_cnf() {
{
  echo "[mariadbd]"
  echo "datadir=$STATE/data"
  echo "socket=$STATE/mysqld.sock"
  echo "pid-file=$STATE/mysqld.pid"
  echo "log-error=$STATE/log/error.log"
  echo "tmpdir=$STATE/tmp"
  echo "bind-address=127.0.0.1"
  echo "port=$PORT"
  [ "$(id -u)" = 0 ] && echo "user=root"
  echo "server-id=1"
  echo "log-bin=$STATE/data/binlog"
  echo "binlog_format=ROW"
  echo "binlog_row_image=FULL"
  echo "binlog_row_metadata=FULL"
  echo "max_connections=200"
  echo "innodb_buffer_pool_size=256M"
  echo "innodb_log_file_size=256M"
  echo "innodb_flush_log_at_trx_commit=2"
  echo "sync_binlog=0"
  echo "max_allowed_packet=256M"
  echo "skip-name-resolve"
  echo "character-set-server=utf8mb4"
  echo "collation-server=utf8mb4_general_ci"
  [ -n "${MARIADB_EXTRA_CNF:-}" ] && printf '%s\n' "$MARIADB_EXTRA_CNF"
  echo "[client]"
  echo "socket=$STATE/mysqld.sock"
  echo "user=root"
} > "$CNF"
}
write_cnf
ok=0
PID=""
cleanup() { set +e; [ $ok = 1 ] && return
  echo "mariadb start failed; log: $STATE/log/error.log" >&2
  tail -5 "$STATE/log/error.log" >&2 2>/dev/null
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; }
trap cleanup EXIT
mariadb-install-db --defaults-file="$CNF" --auth-root-authentication-method=normal \
  --skip-test-db >"$STATE/log/install.log" 2>&1
# A port found free can still be taken before mariadbd binds it (another test starting a
# server): then start again on another port, unless the caller chose the port.
for attempt in 1 2 3 4 5; do
  : > "$STATE/log/error.log"
  mariadbd --defaults-file="$CNF" >"$STATE/log/mariadbd.out" 2>&1 &
  PID=$!
  echo "$PID" > "$STATE/pid"
  started=0
  for i in $(seq 1 600); do
    if mariadb-admin --defaults-file="$CNF" ping >/dev/null 2>&1; then started=1; break; fi
    kill -0 "$PID" 2>/dev/null || break
    [ "$i" = 600 ] && { echo "mariadbd not ready after 60 s" >&2; exit 1; }
    sleep 0.1
  done
  [ $started = 1 ] && break
  if [ -z "${MARIADB_PORT:-}" ] && [ $attempt -lt 5 ] &&
     grep -q "Address already in use" "$STATE/log/error.log" 2>/dev/null; then
    PID=""
    PORT=$(free_port)
    write_cnf
    continue
  fi
  echo "mariadbd exited during start" >&2; exit 1
done
ok=1
cat > "$STATE/env" <<ENV
export MARIADB_STATE_DIR=$STATE
export MARIADB_HOST=127.0.0.1
export MARIADB_PORT=$PORT
export MARIADB_SOCKET=$STATE/mysqld.sock
export MARIADB_PID=$PID
export MARIADB_CNF=$CNF
ENV
cat "$STATE/env"
