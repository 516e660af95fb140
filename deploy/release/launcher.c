/* The entry point of binlake's self-contained release (scripts/release.sh builds it with
 * `gcc -static`, so it needs nothing from the host but the kernel).
 *
 * The release directory holds:
 *   binlake                      this launcher
 *   lib/binlake                  the program, linked against the libraries next to it
 *   lib/ld-linux-*.so.*          the dynamic loader those libraries were built for (BINLAKE_LOADER)
 *   lib/lib*.so.*                the shared libraries Debian ships no static archive for
 *   share/zoneinfo/              the IANA time zone database (TZif files, RFC 8536)
 *
 * The launcher finds its own directory (/proc/self/exe, or argv[0] where /proc is not mounted,
 * as in a bare chroot), then replaces itself (execv, no child process: signals, the exit status
 * and the process id are the program's) with
 *   lib/LOADER --library-path lib --argv0 ARGV0 lib/binlake ARGS...
 * so the program runs on the loader and C library it was linked with, whatever the host has
 * (or lacks) under /lib. TZDIR is set to share/zoneinfo unless the caller set it.
 *
 * Errors (the release directory moved apart, a truncated copy) are one line on stderr and exit
 * status 127, like a shell's "command not found". */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BINLAKE_LOADER
#define BINLAKE_LOADER "ld-linux-x86-64.so.2"
#endif

static int Fail(const char* what, const char* path) {
  fprintf(stderr, "binlake: %s %s: %s\n", what, path, strerror(errno));
  return 127;
}

/* The absolute path of this executable, into `out` (PATH_MAX bytes). */
static int OwnPath(const char* argv0, char* out) {
  ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 1);
  if (n > 0) {
    out[n] = '\0';
    return 0;
  }
  if (strchr(argv0, '/') != NULL) return realpath(argv0, out) != NULL ? 0 : -1;
  /* Started through PATH without /proc: search PATH as the shell did. */
  const char* path = getenv("PATH");
  if (path == NULL) return -1;
  char candidate[PATH_MAX];
  for (const char* p = path; *p != '\0';) {
    const char* end = strchr(p, ':');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    int written = snprintf(candidate, sizeof candidate, "%.*s/%s", (int)len, p, argv0);
    if (len > 0 && written > 0 && written < (int)sizeof candidate &&
        access(candidate, X_OK) == 0 && realpath(candidate, out) != NULL) {
      return 0;
    }
    if (end == NULL) break;
    p = end + 1;
  }
  errno = ENOENT;
  return -1;
}

int main(int argc, char** argv) {
  const char* argv0 = argc > 0 ? argv[0] : "binlake";
  char self[PATH_MAX];
  if (OwnPath(argv0, self) != 0) return Fail("cannot find the launcher's own path from", argv0);
  char* slash = strrchr(self, '/');
  if (slash == NULL) return Fail("unexpected launcher path", self);
  *slash = '\0'; /* self is now the release directory ("" for "/"). */

  char lib[PATH_MAX], loader[PATH_MAX], program[PATH_MAX], zoneinfo[PATH_MAX];
  if (snprintf(lib, sizeof lib, "%s/lib", self) >= (int)sizeof lib ||
      snprintf(loader, sizeof loader, "%s/%s", lib, BINLAKE_LOADER) >= (int)sizeof loader ||
      snprintf(program, sizeof program, "%s/binlake", lib) >= (int)sizeof program ||
      snprintf(zoneinfo, sizeof zoneinfo, "%s/share/zoneinfo", self) >= (int)sizeof zoneinfo) {
    errno = ENAMETOOLONG;
    return Fail("release directory path too long:", self);
  }
  if (access(program, R_OK) != 0) return Fail("cannot read the program", program);
  if (getenv("TZDIR") == NULL && access(zoneinfo, R_OK) == 0) setenv("TZDIR", zoneinfo, 1);

  /* loader --library-path LIB --argv0 ARGV0 PROGRAM ARGS... NULL */
  char** args = calloc((size_t)argc + 7, sizeof *args);
  if (args == NULL) return Fail("out of memory starting", program);
  int k = 0;
  args[k++] = loader;
  args[k++] = "--library-path";
  args[k++] = lib;
  args[k++] = "--argv0";
  args[k++] = (char*)argv0;
  args[k++] = program;
  for (int i = 1; i < argc; ++i) args[k++] = argv[i];
  args[k] = NULL;
  execv(loader, args);
  return Fail("cannot start the loader", loader);
}
