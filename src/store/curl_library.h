// libcurl, loaded when the first HTTP request needs it (dlopen of its soname) instead of at
// process start. libcurl's dependency tree (TLS, Kerberos, LDAP, SSH, IDN ...: about 30 shared
// objects) takes the dynamic loader ~17 ms to map and relocate, which every command paid even
// when it never spoke HTTP (a materialize or status between local directories). The program is
// built against curl/curl.h as before; only the binding moves to the first use.
//
// Thread-safety: CurlLibrary() may be called from any thread; the library is loaded and
// curl_global_init runs exactly once. The table it returns is immutable and lives until exit.
#pragma once

#include <curl/curl.h>

#include "common/status.h"

namespace binlake::s3 {

// The libcurl entry points the HTTP client calls (same signatures as curl/curl.h).
struct CurlFunctions {
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// The loaded library, initialized with CURL_GLOBAL_DEFAULT. kInternal, with dlerror's one-line
// reason, when libcurl cannot be loaded or lacks one of the functions (every later call
// returns the same error).
Result<const CurlFunctions*> CurlLibrary();

// Whether this process has libcurl mapped (for tests: it must not be before the first request).
bool CurlLibraryMapped();

}  // namespace binlake::s3
