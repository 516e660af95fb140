#!/bin/bash
# Builds binlake's self-contained release: a directory that runs on any x86-64 (or the build
# machine's architecture) Linux kernel with nothing installed, and a .tar.gz of it.
#
# Usage: scripts/release.sh [OUT_DIR]          (default OUT_DIR: dist)
#   BUILD_DIR   the Release build to link from (default build-release: configured and built
#               here; an existing build directory is only brought up to date)
#
# OUT_DIR/binlake/                 the release (deploy/release/launcher.c says how it starts)
#   binlake                        a static launcher: run this
#   lib/binlake                    the program. Linked statically against every library Debian
#                                  ships a static archive for and no other bundled library also
#                                  uses (mariadb client, sqlite3, yaml-cpp, pugixml, snappy,
#                                  libdeflate); the rest are shared objects beside it:
#   lib/*.so*                      the C and C++ runtimes, curl with its TLS and protocol
#                                  libraries, OpenSSL, cctz, spdlog, fmt, prometheus-cpp,
#                                  cpp-httplib (Debian 12 ships no static archive of these, or of
#                                  curl's dependencies) and the dynamic loader they were built for
#   share/zoneinfo/                the IANA time zone database (tzdata)
#   share/doc/PACKAGE/copyright    the license of each bundled Debian package
# OUT_DIR/ca-certificates.crt      the CA bundle, for images (deploy/container/Containerfile)
# OUT_DIR/binlake-VERSION-linux-ARCH.tar.gz
#
# The program finds CA certificates where Debian's curl does (/etc/ssl/certs/ca-certificates.crt).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)
BUILD_DIR=${BUILD_DIR:-build-release}
die() { echo "release: $*" >&2; exit 1; }

if [ -f "$BUILD_DIR/build.ninja" ]; then
  ninja -C "$BUILD_DIR" binlake >/dev/null
else
  BUILD_DIR=$BUILD_DIR BUILD_TARGETS=binlake scripts/build.sh -DBINLAKE_BENCH=OFF
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
version=$("$BUILD_DIR/src/cli/binlake" --version | awk '{print $2}')
arch=$(uname -m)
multiarch=$(gcc -print-multiarch)

stage="$OUT/binlake"
rm -rf "$stage" "$OUT/binlake-"*.tar.gz
mkdir -p "$stage/lib" "$stage/share/doc"

# 1. Link the program again from the build's objects, with static archives in place of the
#    shared libraries listed here. A library some bundled shared object also links (zlib, zstd,
#    OpenSSL: curl's; libstdc++: the C++ libraries') stays shared, so the process holds one copy.
static_libs='mariadb|sqlite3|yaml-cpp|pugixml|snappy|deflate'
link=$(ninja -C "$BUILD_DIR" -t commands binlake | tail -1)
case "$link" in *" -o src/cli/binlake "*) ;; *) die "unexpected link command in $BUILD_DIR" ;; esac
libdir="/usr/lib/$multiarch"
link=$(sed -E -e "s#-o src/cli/binlake #-o $stage/lib/binlake #" \
  -e "s#($libdir/lib($static_libs))\.so[.0-9]*#\1.a#g" <<<"$link")
for lib in ${static_libs//|/ }; do
  [ -f "$libdir/lib$lib.a" ] || die "no static archive $libdir/lib$lib.a (scripts/setup.sh installs it)"
done
# The static mariadb client needs what its pkg-config --static names (pkg-config --static --libs
# libmariadb): OpenSSL and zlib, shared here.
(cd "$BUILD_DIR" && eval "${link% && :} -lssl -lcrypto -lz -ldl -lm")

# 2. The shared libraries the program still needs, and the loader they were built with.
interp=$(readelf -l "$stage/lib/binlake" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] || die "cannot read the program interpreter"
missing=$(ldd "$stage/lib/binlake" | grep 'not found' || true)
[ -z "$missing" ] || die "unresolved libraries: $missing"
# libcurl is not among them: the program loads it on its first HTTP request (dlopen,
# src/store/curl_library.h), so it and its own libraries are bundled by name.
curl="$libdir/libcurl.so.4"
[ -f "$curl" ] || die "no $curl (scripts/setup.sh installs libcurl)"
libs=$( { ldd "$stage/lib/binlake"; echo " => $curl ("; ldd "$curl"; } |
  sed -n 's/.* => \(\/[^ ]*\) .*/\1/p' | sort -u)
for f in $libs "$interp"; do
  cp -L "$f" "$stage/lib/"
  pkg=$(dpkg -S "$(readlink -f "$f")" 2>/dev/null | head -1 | cut -d: -f1 || true)
  if [ -n "$pkg" ] && [ -f "/usr/share/doc/$pkg/copyright" ] && [ ! -d "$stage/share/doc/$pkg" ]; then
    mkdir -p "$stage/share/doc/$pkg"
    cp "/usr/share/doc/$pkg/copyright" "$stage/share/doc/$pkg/"
  fi
done
mkdir -p "$stage/share/doc/binlake"
cp README.md "$stage/share/doc/binlake/"

# 3. The launcher: static, so it starts without any loader; it runs lib/binlake on the bundled one.
gcc -static -O2 -Wall -Wextra -Werror -DBINLAKE_LOADER="\"$(basename "$interp")\"" \
  -o "$stage/binlake" deploy/release/launcher.c

# 4. Time zones (tzdata), without the duplicate trees (right/ and posix/).
[ -d /usr/share/zoneinfo ] || die "no /usr/share/zoneinfo (apt-get install tzdata)"
mkdir -p "$stage/share/zoneinfo"
tar -C /usr/share/zoneinfo --exclude=./right --exclude=./posix -cf - . |
  tar -C "$stage/share/zoneinfo" -xf -
ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] || die "no $ca (apt-get install ca-certificates)"
cp "$ca" "$OUT/ca-certificates.crt"

tarball="$OUT/binlake-$version-linux-$arch.tar.gz"
tar -C "$OUT" -czf "$tarball" binlake
echo "release: $stage ($(du -sh "$stage" | cut -f1)), $tarball"
