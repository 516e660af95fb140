#!/bin/bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script):
#   1. install what is missing (scripts/setup.sh)
#   2. check the layering (scripts/check-layering.sh) and the formatting (scripts/check-format.sh)
#   3. build with warnings as errors, run the unit tests, then the integration tests against real
#      MariaDB and Ceph radosgw servers the tests start and stop themselves
#   4. rebuild the unit tests of the byte-handling stages (label "asan": common to store) with
#      clang, AddressSanitizer + UndefinedBehaviorSanitizer (in the fuzz targets' build,
#      build-fuzz) and run them
#   5. rebuild the tests of threaded code (label "tsan") with clang and ThreadSanitizer and run
#      them
#   6. run every libFuzzer target for a bounded time (scripts/fuzz.sh; FUZZ_SECONDS per target,
#      default 10: a smoke run of every target on its seeds in each suite run; run scripts/fuzz.sh
#      longer to explore)
# The builds of 4-6 run in the background, at the lowest priority, while 3's tests run.
# Exits non-zero on the first failure. Leaves no server process behind.
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)
step() { echo "=== $* ($(( $(date +%s) - T0 )) s)" >&2; }

# Servers are started and stopped by the tests themselves. If a test is killed (a ctest
# timeout), its server would outlive it: stop every server this run started that still runs.
TMP=${TMPDIR:-/tmp}
before=$(ls -d "$TMP"/binlake-mariadb.* "$TMP"/binlake-radosgw.* 2>/dev/null || true)
stop_leftovers() {
  set +e
  for d in "$TMP"/binlake-mariadb.* "$TMP"/binlake-radosgw.*; do
    [ -d "$d" ] || continue
    case "$before" in *"$d"*) continue ;; esac
    case "$d" in
      */binlake-mariadb.*) scripts/test-servers/mariadb-stop.sh "$d" >/dev/null 2>&1 ;;
      */binlake-radosgw.*) scripts/test-servers/radosgw-stop.sh "$d" >/dev/null 2>&1 ;;
    esac
  done
}
trap stop_leftovers EXIT

step setup
scripts/setup.sh

step checks
scripts/check-layering.sh
scripts/check-format.sh

step build
scripts/build.sh

# The sanitizer and fuzzer builds compile while the tests of the main build run (they mostly
# wait on servers): at the lowest priority, so the tests keep the CPU they ask for. Their output
# goes to build/sanitizers.log, shown if they fail.
asan_targets=$(ctest --test-dir build -L asan -N | sed -n 's/^ *Test *#[0-9]*: //p')
tsan_targets=$(ctest --test-dir build -L tsan -N | sed -n 's/^ *Test *#[0-9]*: //p')
build_sanitizers() {
  set -e
  # One clang build with AddressSanitizer + UndefinedBehaviorSanitizer serves the fuzz targets and
  # the unit tests (scripts/fuzz.sh configures it in build-fuzz).
  scripts/fuzz.sh --build-only
  # shellcheck disable=SC2086
  ninja -C build-fuzz -j"$(nproc)" $asan_targets
  # -g1: line tables for ThreadSanitizer's stack traces, without the full debug information that
  # makes the build slow. Clang: it compiles this build in about 70% of GCC's CPU time.
  CC=clang CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DBINLAKE_TSAN=ON -DBINLAKE_BENCH=OFF -DCMAKE_UNITY_BUILD=ON
  # shellcheck disable=SC2086
  ninja -C build-tsan -j"$(nproc)" $tsan_targets
}
export asan_targets tsan_targets
export -f build_sanitizers
# Its own process group (setsid), so an early exit stops the whole build.
setsid nice -n 19 bash -c build_sanitizers >build/sanitizers.log 2>&1 &
sanitizers_pid=$!
trap 'kill -- -$sanitizers_pid 2>/dev/null || true; stop_leftovers' EXIT

step "unit tests"
ctest --test-dir build -L unit --output-on-failure -j2

step "integration tests"
ctest --test-dir build -L integration --output-on-failure -j2

step "waiting for the sanitizer and fuzzer builds"
if ! wait $sanitizers_pid; then
  tail -60 build/sanitizers.log >&2
  echo "the sanitizer or fuzzer build failed (build/sanitizers.log)" >&2
  exit 1
fi

step "unit tests of the byte-handling stages under ASan/UBSan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-fuzz -L asan --output-on-failure -j2

step "threaded tests under ThreadSanitizer"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --test-dir build-tsan -L tsan --output-on-failure -j2

step "fuzzing"
scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
step "all tests passed"
