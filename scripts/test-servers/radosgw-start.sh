#!/bin/bash
# Start a throw-away S3 server for tests: Ceph radosgw 16 (Debian 12) on a one-node RADOS cluster
# (1 mon, 1 OSD on memstore = RAM, no mgr), everything on 127.0.0.1 and under one temp directory.
# Ceph 16 has no standalone rgw backend, hence the mon and the OSD.
#
# Usage:  eval "$(scripts/test-servers/radosgw-start.sh [--env-file FILE] [STATE_DIR])"
#         scripts/test-servers/radosgw-stop.sh [--env-file FILE | STATE_DIR]
# Prints shell `export` lines: S3_ENDPOINT, S3_HTTPS_ENDPOINT, S3_CA_BUNDLE, S3_REGION,
# S3_BUCKET, S3_KMS_KEY_ID, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, S3_STATE_DIR (also written
# to $STATE/env and, with --env-file, to FILE). The bucket exists. If FILE names a cluster that is
# still running (a run that was interrupted), that cluster is stopped first, through its recorded
# PIDs.
# Ports: a free block is chosen below the ephemeral port range (S3, the mon's v2 and v1 ports,
# S3 over https, and a 32-port range for the OSD); RADOSGW_PORT_BASE=N forces the block to start
# at N. https: the same gateway serves S3_HTTPS_ENDPOINT with a certificate for 127.0.0.1 and
# localhost signed by a throw-away CA, S3_CA_BUNDLE (tls-certs.sh, in $STATE/tls).
# Env:    S3_BUCKET (default test-bucket), MEMSTORE_BYTES (RAM cap of all object data, 1 GiB).
# Keys come from S3_ACCESS_KEY/S3_SECRET_KEY (never from AWS_*: a variable left over from CI must
# not change them). SSE-KMS works with the key id S3_KMS_KEY_ID (rgw's "testing" KMS backend).
# Readiness is polled with deadlines; a failed start kills what it started. PIDs: $STATE/pids.
set -euo pipefail
T0=$(date +%s.%N)
ENV_FILE=""
STATE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) ENV_FILE=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) STATE=$1; shift ;;
  esac
done
for b in ceph-authtool monmaptool ceph-mon ceph-osd ceph radosgw radosgw-admin curl uuidgen openssl; do
  command -v "$b" >/dev/null || { echo "missing $b: run scripts/setup.sh (apt: radosgw ceph-mon ceph-osd curl uuid-runtime openssl)" >&2; exit 2; }
done
HERE=$(cd "$(dirname "$0")" && pwd)

# A cluster recorded in the env file of an interrupted run is stopped first.
if [ -n "$ENV_FILE" ] && [ -f "$ENV_FILE" ]; then
  "$HERE/radosgw-stop.sh" --env-file "$ENV_FILE" 2>/dev/null || true
  rm -f "$ENV_FILE"
fi

BUCKET=${S3_BUCKET:-test-bucket}
ACCESS_KEY=${S3_ACCESS_KEY:-AKIAIOSFODNN7EXAMPLE}
SECRET_KEY=${S3_SECRET_KEY:-wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
case "$ACCESS_KEY" in *:*) echo "S3_ACCESS_KEY must not contain ':'" >&2; exit 2 ;; esac
KMS_KEY_ID=testkey-1
KMS_KEY_B64=$(head -c 32 /dev/urandom | base64 -w0)

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
block_free() {  # $1 = base; the block is base .. base+47
  local p
  for p in $(seq "$1" $(($1 + 47))); do port_in_use "$p" && return 1; done
  return 0
}
if [ -n "${RADOSGW_PORT_BASE:-}" ]; then
  BASE=$RADOSGW_PORT_BASE
  block_free "$BASE" || { echo "ports $BASE..$((BASE + 47)) are not all free" >&2; exit 1; }
else
  read -r EPH_LO _ < /proc/sys/net/ipv4/ip_local_port_range
  TOP=$(( EPH_LO < 32000 ? EPH_LO : 32000 ))
  BASE=""
  for _ in $(seq 1 100); do
    cand=$(( 10000 + (RANDOM % ((TOP - 10000) / 64 - 1)) * 64 ))
    if block_free "$cand"; then BASE=$cand; break; fi
  done
  [ -n "$BASE" ] || { echo "no free block of 48 ports found in 10000..$TOP" >&2; exit 1; }
fi
S3_PORT=$BASE
MON_PORT=$((BASE + 1))      # msgr v2; v1 is MON_PORT+1
S3_TLS_PORT=$((BASE + 3))
OSD_MIN=$((BASE + 16))
OSD_MAX=$((BASE + 47))

[ -n "$STATE" ] || STATE=$(mktemp -d -t binlake-radosgw.XXXXXX)
mkdir -p "$STATE"/{log,run,mon.a,osd.0}
STATE=$(cd "$STATE" && pwd)
CONF=$STATE/ceph.conf
KR=$STATE/keyring
: > "$STATE/pids"
ok=0
on_exit() {  # set +e: under set -e the first kill of a dead PID would end the handler
  set +e
  [ $ok = 1 ] && return
  echo "radosgw start failed; logs in $STATE/log" >&2
  tail -3 "$STATE"/log/*.log 2>/dev/null | head -40 >&2
  KEEP_STATE=1 "$HERE/radosgw-stop.sh" "$STATE"
}
trap on_exit EXIT

"$HERE/tls-certs.sh" "$STATE/tls" "IP:127.0.0.1,DNS:localhost"

MON_ADDR="[v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$((MON_PORT + 1))]"
cat > "$CONF" <<CONF
[global]
fsid = $(uuidgen)
mon host = $MON_ADDR
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = $OSD_MIN
ms bind port max = $OSD_MAX
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
keyring = $KR
run dir = $STATE/run
admin socket = $STATE/run/\$name.asok
log file = $STATE/log/\$name.log
pid file = $STATE/run/\$name.pid
crash dir = $STATE/crash
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
rgw rados pool pg num min = 8
[mon]
mon data = $STATE/mon.\$id
mon data avail warn = 1
mon data avail crit = 0
mon cluster log file = $STATE/log/cluster.log
[osd]
osd data = $STATE/osd.\$id
osd objectstore = memstore
memstore device bytes = ${MEMSTORE_BYTES:-1073741824}
osd op num shards = 2
osd op num threads per shard = 1
osd mon shutdown timeout = 1
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT ssl_endpoint=127.0.0.1:$S3_TLS_PORT ssl_certificate=$STATE/tls/server.pem ssl_private_key=$STATE/tls/server.key
rgw dns name = localhost
rgw thread pool size = 32
log file = $STATE/log/rgw.log
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = $KMS_KEY_ID=$KMS_KEY_B64
CONF

# Keys: ceph-mon --mkfs imports every key of the keyring with its caps, so no "ceph auth add".
ceph-authtool "$KR" --create-keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$KR" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
  --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$KR" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' \
  --cap mgr 'allow profile osd' >/dev/null
ceph-authtool "$KR" --gen-key -n client.rgw --cap mon 'allow rw' --cap osd 'allow rwx' \
  --cap mgr 'allow rw' >/dev/null

# Daemons run in the foreground (-f) as background jobs, so $! is the daemon itself.
# Each PID is recorded with its program name; stop checks the name before it signals.
monmaptool --create --clobber --fsid "$(awk '/^fsid/{print $3}' "$CONF")" \
  --addv a "$MON_ADDR" "$STATE/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$STATE/monmap" --keyring "$KR"
ceph-mon -c "$CONF" -f -i a </dev/null >"$STATE/log/mon.a.out" 2>&1 &
echo "ceph-mon $!" >> "$STATE/pids"

CEPH=(ceph -c "$CONF" --connect-timeout 20)
OSD_UUID=$(uuidgen)
"${CEPH[@]}" osd new "$OSD_UUID" 0 >/dev/null
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >"$STATE/log/osd.0.mkfs" 2>&1
ceph-osd -c "$CONF" -f -i 0 </dev/null >"$STATE/log/osd.0.out" 2>&1 &
echo "ceph-osd $!" >> "$STATE/pids"
for i in $(seq 1 300); do
  "${CEPH[@]}" osd dump 2>/dev/null | grep -q '^osd.0 up' && break
  [ "$i" = 300 ] && { echo "osd.0 not up after 60 s" >&2; exit 1; }
  sleep 0.2
done

# The S3 user (the first radosgw-admin run also creates the zone and its pools).
radosgw-admin -c "$CONF" -n client.admin user create --uid=tester --display-name=tester \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$STATE/log/user.json"

radosgw -c "$CONF" -n client.rgw -f </dev/null >"$STATE/log/rgw.out" 2>&1 &
RGW_PID=$!
echo "radosgw $RGW_PID" >> "$STATE/pids"
for i in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" &&
    curl -s -o /dev/null --cacert "$STATE/tls/ca.pem" "https://127.0.0.1:$S3_TLS_PORT/" && break
  kill -0 "$RGW_PID" 2>/dev/null || { echo "radosgw exited during start" >&2; exit 1; }
  [ "$i" = 600 ] && { echo "radosgw not answering after 60 s" >&2; exit 1; }
  sleep 0.1
done

# The bucket, SigV4-signed by curl (curl signs x-amz-content-sha256 when given, never adds it).
EMPTY_SHA=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
code=$(curl -s -o "$STATE/log/create-bucket.out" -w '%{http_code}' -X PUT \
  -H "x-amz-content-sha256: $EMPTY_SHA" --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user "$ACCESS_KEY:$SECRET_KEY" "http://127.0.0.1:$S3_PORT/$BUCKET")
if [ "$code" != 200 ]; then
  echo "bucket create failed: HTTP $code: $(head -c 300 "$STATE/log/create-bucket.out")" >&2
  exit 1
fi

ok=1
cat > "$STATE/env" <<ENV
export S3_STATE_DIR=$STATE
export S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export S3_HTTPS_ENDPOINT=https://127.0.0.1:$S3_TLS_PORT
export S3_CA_BUNDLE=$STATE/tls/ca.pem
export S3_REGION=us-east-1
export S3_BUCKET=$BUCKET
export S3_KMS_KEY_ID=$KMS_KEY_ID
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
ENV
if [ -n "$ENV_FILE" ]; then
  mkdir -p "$(dirname "$ENV_FILE")"
  cp "$STATE/env" "$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"
fi
cat "$STATE/env"
echo "# radosgw ready on port $S3_PORT in $(awk -v a="$(date +%s.%N)" -v b="$T0" \
  'BEGIN{printf "%.1f", a-b}') s" >&2
