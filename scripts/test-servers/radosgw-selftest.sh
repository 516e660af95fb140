#!/bin/bash
# Checks radosgw-start.sh and radosgw-stop.sh on a private instance: the server answers S3 on
# the printed endpoint, the printed lines equal the env file, and after stop no recorded process
# runs (zombies awaiting their reaper excepted), the S3 port is closed, and the state directory
# and env file are gone. Exit 0 on success; on failure, one line on stderr saying what is wrong.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d -t binlake-radosgw-selftest.XXXXXX)
ENV_FILE=$TMP/radosgw.env
cleanup() {
  set +e
  [ -f "$ENV_FILE" ] && "$HERE/radosgw-stop.sh" --env-file "$ENV_FILE"
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "radosgw selftest: $*" >&2; exit 1; }

"$HERE/radosgw-start.sh" --env-file "$ENV_FILE" > "$TMP/printed"
cmp -s "$TMP/printed" "$ENV_FILE" || fail "printed export lines differ from $ENV_FILE"
# shellcheck disable=SC1090
source "$ENV_FILE"
code=$(curl -s -o /dev/null -w '%{http_code}' "$S3_ENDPOINT/$S3_BUCKET")
[ "$code" = 403 ] || fail "anonymous GET of the bucket gave HTTP $code, not 403"
PORT=${S3_ENDPOINT##*:}
PIDS=$(awk '{print $2}' "$S3_STATE_DIR/pids")
[ "$(echo "$PIDS" | wc -w)" = 3 ] || fail "expected 3 recorded PIDs, got: $PIDS"
for p in $PIDS; do kill -0 "$p" 2>/dev/null || fail "recorded PID $p is not running"; done

"$HERE/radosgw-stop.sh" --env-file "$ENV_FILE" 2>/dev/null
left=$(ps -o pid=,stat=,comm= -p "$(echo $PIDS | tr ' ' ',')" | awk '$2 !~ /^Z/' || true)
[ -z "$left" ] || fail "processes left after stop: $left"
[ ! -e "$S3_STATE_DIR" ] || fail "state directory $S3_STATE_DIR still exists"
[ ! -e "$ENV_FILE" ] || fail "env file $ENV_FILE still exists"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then fail "port $PORT still open"; fi
echo "radosgw start/stop selftest passed (PIDs $(echo $PIDS))"
