#!/bin/bash
# Installs everything binlake needs to build, test, benchmark and run the demo on Debian 12.
# Idempotent: installs only what is missing (apt packages; npm test tools into tests/js).
# Usage: scripts/setup.sh            (as root, or a user with sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  g++ cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format clang-tidy
  libmariadb-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libzstd-dev libsnappy-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libpugixml-dev
  libgtest-dev libgmock-dev libbenchmark-dev libdeflate-dev libcctz-dev libsqlite3-dev
  prometheus-cpp-dev libcpp-httplib-dev libprotobuf-dev protobuf-compiler
  # real servers and peers for tests, the demo and benchmarks
  mariadb-server mariadb-client radosgw ceph-mon ceph-osd curl uuid-runtime
  sysbench mydumper procps python3-boto3 python3-yaml python3-protobuf zstd openssl sqlite3 prometheus
  # runtime: the time zone database (DatePartitionTimezone), CA certificates
  tzdata ca-certificates
  # the release (scripts/release.sh: static archives come with the -dev packages above) and its
  # container image (deploy/container), built in the tests by buildah
  buildah
)
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
# kubectl (for `kubectl kustomize` of deploy/kubernetes): Debian's, unless one is installed
# already (another package's kubectl would conflict with it).
if ! command -v kubectl >/dev/null; then missing+=(kubernetes-client); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm test tools (DuckDB, hyparquet, s3rver, zongji) into tests/js/node_modules (git-ignored).
if [ ! -f tests/js/node_modules/.package-lock.json ] ||
   [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  echo "setup: installing npm test tools into tests/js/node_modules" >&2
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: ok" >&2
