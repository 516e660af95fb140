#!/bin/bash
# Stop a cluster started by radosgw-start.sh: only the PIDs it recorded in $STATE/pids, and only
# while each PID still runs the program recorded next to it (a PID reused by another program is
# left alone). All get SIGTERM at once (the cluster is throw-away), up to 10 s grace, then SIGKILL.
# Then the state directory is deleted (KEEP_STATE=1 keeps it, logs under $STATE/log).
# Usage: radosgw-stop.sh [--env-file FILE | STATE_DIR]   (default: $S3_STATE_DIR)
#        With --env-file the state directory is read from FILE, and FILE is deleted.
set -u
ENV_FILE=""
STATE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) ENV_FILE=$2; shift 2 ;;
    *) STATE=$1; shift ;;
  esac
done
if [ -n "$ENV_FILE" ]; then
  [ -f "$ENV_FILE" ] || { echo "no $ENV_FILE: nothing to stop" >&2; exit 0; }
  STATE=$(sed -n 's/^export S3_STATE_DIR=//p' "$ENV_FILE")
fi
STATE=${STATE:-${S3_STATE_DIR:-}}
[ -n "$STATE" ] || { echo "give --env-file FILE or STATE_DIR, or set S3_STATE_DIR" >&2; exit 2; }
if [ ! -f "$STATE/pids" ]; then
  echo "no $STATE/pids: nothing to stop" >&2
  [ -n "$ENV_FILE" ] && rm -f "$ENV_FILE"
  exit 0
fi

ours() {  # $1 = pid, $2 = recorded program name
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}
running() {  # a zombie (exited, not yet reaped by its parent) counts as stopped
  local st
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ]
}
pids=""
while read -r name pid; do
  [ -n "$pid" ] && ours "$pid" "$name" && pids="$pid $pids"   # newest first
done < "$STATE/pids"
for p in $pids; do kill -TERM "$p" 2>/dev/null; done
alive=""
for _ in $(seq 1 100); do
  alive=""
  for p in $pids; do running "$p" && alive="$alive $p"; done
  [ -z "$alive" ] && break
  sleep 0.1
done
for p in $alive; do kill -KILL "$p" 2>/dev/null; done
# Wait, with a deadline, until the SIGKILLed processes are gone.
for _ in $(seq 1 50); do
  still=""
  for p in $alive; do running "$p" && still="$still $p"; done
  [ -z "$still" ] && break
  sleep 0.1
done
[ "${KEEP_STATE:-0}" = 1 ] || rm -rf "$STATE"
[ -n "$ENV_FILE" ] && rm -f "$ENV_FILE"
echo "radosgw stopped (PIDs:${pids:+ }${pids% }${alive:+; SIGKILLed:$alive})" >&2
exit 0
