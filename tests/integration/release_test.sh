#!/bin/bash
# The self-contained release (scripts/release.sh) runs where nothing is installed:
#   1. the statically linkable libraries are inside the program (ldd names none of them);
#   2. in an empty root (a chroot holding only the release and a CA bundle: no /lib, no /usr,
#      no /proc) `binlake --version` answers, and a full load from a real MariaDB to a local
#      directory writes exactly the files the build's own binary writes from the same snapshot;
#   3. the container image (deploy/container/Containerfile, FROM scratch) builds with Debian's
#      buildah, and its binary runs from the image's root filesystem as the image's user.
# Usage: release_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC=$1; BUILD=$2
BINLAKE=$BUILD/src/cli/binlake
OUT=$(mktemp -d -t binlake-release-test.XXXXXX)
MDB=""; STORE=""
BUILDAH=(buildah --root "$OUT/buildah/root" --runroot "$OUT/buildah/run" --storage-driver vfs)
cleanup() {
  set +e
  [ -n "$MDB" ] && "$SRC/scripts/test-servers/mariadb-stop.sh" "$MDB" >/dev/null 2>&1
  if [ -n "$STORE" ]; then
    "${BUILDAH[@]}" rm -a >/dev/null 2>&1
    "${BUILDAH[@]}" rmi -a -f >/dev/null 2>&1
  fi
  rm -rf "$OUT"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# chroot needs CAP_SYS_CHROOT: root, or a user namespace of our own.
if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(unshare --map-root-user); fi
in_root() { "${as_root[@]}" chroot "$@"; }

BUILD_DIR=$BUILD "$SRC/scripts/release.sh" "$OUT/dist" >"$OUT/release.log" 2>&1 ||
  { cat "$OUT/release.log" >&2; fail "scripts/release.sh exited non-zero"; }
REL=$OUT/dist/binlake
tar -tzf "$OUT"/dist/binlake-*-linux-*.tar.gz >"$OUT/tarball.list"
grep -qx 'binlake/lib/binlake' "$OUT/tarball.list" ||
  fail "the tarball does not hold binlake/lib/binlake"

# 1. Static where Debian ships the archive.
deps=$(ldd "$REL/lib/binlake")
for lib in libmariadb libsqlite3 libyaml-cpp libpugixml libsnappy libdeflate; do
  ! grep -q "$lib\." <<<"$deps" || fail "the release program links $lib dynamically"
done
! readelf -l "$REL/binlake" | grep -q 'program interpreter' || fail "the launcher is not static"

# 2. An empty root: the release, the CA bundle, a /tmp and the directory the load writes to.
ROOT=$OUT/root
mkdir -p "$ROOT/opt" "$ROOT/etc/ssl/certs" "$ROOT/tmp" "$ROOT/lake"
cp -a "$REL" "$ROOT/opt/binlake"
cp "$OUT/dist/ca-certificates.crt" "$ROOT/etc/ssl/certs/"
[ "$(find "$ROOT" -maxdepth 1 | sort | tr '\n' ' ')" = "$ROOT $ROOT/etc $ROOT/lake $ROOT/opt $ROOT/tmp " ] ||
  fail "the empty root holds more than expected: $(ls "$ROOT")"
want=$("$BINLAKE" --version)
got=$(in_root "$ROOT" /opt/binlake/binlake --version) || fail "--version in the empty root failed"
[ "$got" = "$want" ] || fail "--version in the empty root: '$got', expected '$want'"

eval "$("$SRC/scripts/test-servers/mariadb-start.sh")"
MDB=$MARIADB_STATE_DIR
sql() { mariadb --defaults-file="$MARIADB_CNF" "$@"; }
sql < "$SRC/scripts/demo/sample.sql"
sql -e "CREATE USER binlake@'%' IDENTIFIED BY 'release-test';
  GRANT SELECT, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO binlake@'%';"
export BINLAKE_SOURCE_PASSWORD=release-test
load=(full-load --source "mysql://binlake@127.0.0.1:$MARIADB_PORT" --tls-mode disabled
      --threads 2 --progress off --log-level warn)
in_root "$ROOT" /opt/binlake/binlake "${load[@]}" --target file:///lake >"$OUT/chroot.out" 2>"$OUT/chroot.err" ||
  { cat "$OUT/chroot.err" >&2; fail "the full load in the empty root failed"; }
"$BINLAKE" "${load[@]}" --target "file://$OUT/host" >"$OUT/host.out" 2>"$OUT/host.err" ||
  { cat "$OUT/host.err" >&2; fail "the full load with the build's binary failed"; }
# The data files must be identical; the bookkeeping under _binlake holds times.
n=$(cd "$OUT/host" && find . -path ./_binlake -prune -o -type f -print | wc -l)
[ "$n" -ge 4 ] || fail "the build's full load wrote only $n data files"
diff -r -x _binlake "$OUT/host" "$ROOT/lake" >"$OUT/diff" ||
  { head -20 "$OUT/diff" >&2; fail "the empty root's full load differs from the build's"; }
# S3 needs libcurl, which the program loads on its first request: the empty root must hold it
# (a closed loopback port, so the request fails to connect, after libcurl was loaded).
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AWS_ACCESS_KEY_ID=release AWS_SECRET_ACCESS_KEY=release-test in_root "$ROOT" /opt/binlake/binlake \
  status --target s3://bucket/lake --endpoint-url "http://127.0.0.1:$port" >"$OUT/s3.out" 2>"$OUT/s3.err" &&
  fail "status against a closed port succeeded in the empty root"
grep -q "Couldn't connect to server" "$OUT/s3.err" ||
  { cat "$OUT/s3.err" >&2; fail "S3 in the empty root did not get as far as connecting"; }
position() { grep '^snapshot position' "$1"; }
[ -n "$(position "$OUT/host.out")" ] && [ "$(position "$OUT/chroot.out")" = "$(position "$OUT/host.out")" ] ||
  fail "snapshot positions: '$(position "$OUT/chroot.out")' in the empty root, '$(position "$OUT/host.out")' outside"

# 3. The image, where buildah runs on this machine (scripts/setup.sh installs it; its
#    unprivileged mode needs subordinate ids this test does not set up).
if ! command -v buildah >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "release_test: not root or no buildah; the image build is not checked here" >&2
else
  STORE=1
  "${BUILDAH[@]}" bud --isolation chroot -q -f "$SRC/deploy/container/Containerfile" \
    -t binlake-release-test:1 "$OUT/dist" >"$OUT/bud.log" 2>&1 ||
    { cat "$OUT/bud.log" >&2; fail "buildah bud of deploy/container/Containerfile failed"; }
  user=$("${BUILDAH[@]}" inspect --format '{{.OCIv1.Config.User}}' binlake-release-test:1)
  [ "$user" = 65532:65532 ] || fail "the image runs as '$user', expected 65532:65532"
  ctr=$("${BUILDAH[@]}" from -q binlake-release-test:1)
  mnt=$("${BUILDAH[@]}" mount "$ctr")
  layers=$(cd "$mnt" && find . -maxdepth 1 | sort | tr '\n' ' ')
  [ "$layers" = ". ./etc ./opt " ] || fail "the image's root holds: $layers"
  got=$(chroot --userspec=65532:65532 "$mnt" /opt/binlake/binlake --version) ||
    fail "the image's binlake did not run"
  [ "$got" = "$want" ] || fail "the image's --version: '$got'"
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
fi
echo "release_test: ok ($(du -sh "$REL" | cut -f1) release)"
