#!/bin/bash
# Stop a server started by mariadb-start.sh (by its recorded PID only) and delete its directory.
# Usage: mariadb-stop.sh [STATE_DIR]   (default: $MARIADB_STATE_DIR); KEEP_STATE=1 keeps the files.
set -u
STATE=${1:-${MARIADB_STATE_DIR:?give the state dir or set MARIADB_STATE_DIR}}
if [ -f "$STATE/pid" ]; then
  PID=$(cat "$STATE/pid")
  kill -TERM "$PID" 2>/dev/null
  for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null
fi
[ "${KEEP_STATE:-0}" = 1 ] || rm -rf "$STATE"
exit 0
