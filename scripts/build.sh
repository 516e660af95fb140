#!/bin/bash
# Configures and builds binlake (Release, warnings as errors, a unity build: CMakeLists.txt) into
# build/ (or $BUILD_DIR).
# Usage: scripts/build.sh [extra cmake args]
#   BUILD_TARGETS="binlake ..."  build only these ninja targets (default: everything, tests too)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} \
  -DBINLAKE_WERROR=ON -DCMAKE_UNITY_BUILD=ON "$@" >/dev/null
# shellcheck disable=SC2086
ninja -C "$BUILD_DIR" -j"${JOBS:-$(nproc)}" ${BUILD_TARGETS:-}
