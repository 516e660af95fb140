#include "store/curl_library.h"

#include <dlfcn.h>
#include <link.h>

#include <cstring>
#include <mutex>
#include <string>

#ifndef BINLAKE_CURL_SONAME
#define BINLAKE_CURL_SONAME "libcurl.so.4"
#endif

namespace binlake::s3 {
namespace {

struct Loaded {
  CurlFunctions functions{};
  Status status;
};

// Binds `*slot` to `name` in `handle`; false (and the reason in *error) when it is missing.
template <typename F>
bool Bind(void* handle, const char* name, F* slot, std::string* error) {
  dlerror();
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    const char* why = dlerror();
    *error =
        std::string(BINLAKE_CURL_SONAME " has no ") + name + (why ? std::string(": ") + why : "");
    return false;
  }
  *slot = reinterpret_cast<F>(symbol);
  return true;
}

Loaded Load() {
  Loaded l;
  // RTLD_LOCAL: curl's symbols stay out of the global scope; RTLD_NOW: a broken install fails
  // here, with a message, instead of at some later call.
  void* handle = dlopen(BINLAKE_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    l.status = Internal(std::string("S3 needs libcurl, which cannot be loaded: ") +
                        (why ? why : BINLAKE_CURL_SONAME));
    return l;
  }
  CurlFunctions& f = l.functions;
  CURLcode (*global_init)(long) = nullptr;
  std::string error;
  const bool bound = Bind(handle, "curl_global_init", &global_init, &error) &&
                     Bind(handle, "curl_easy_init", &f.easy_init, &error) &&
                     Bind(handle, "curl_easy_cleanup", &f.easy_cleanup, &error) &&
                     Bind(handle, "curl_easy_reset", &f.easy_reset, &error) &&
                     Bind(handle, "curl_easy_setopt", &f.easy_setopt, &error) &&
                     Bind(handle, "curl_easy_perform", &f.easy_perform, &error) &&
                     Bind(handle, "curl_easy_getinfo", &f.easy_getinfo, &error) &&
                     Bind(handle, "curl_easy_strerror", &f.easy_strerror, &error) &&
                     Bind(handle, "curl_slist_append", &f.slist_append, &error) &&
                     Bind(handle, "curl_slist_free_all", &f.slist_free_all, &error);
  if (!bound) {
    l.status = Internal("S3 needs libcurl, which cannot be used: " + error);
    return l;
  }
  CURLcode rc = global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) {
    l.status = Internal(std::string("curl_global_init failed: ") + f.easy_strerror(rc));
  }
  // The handle is never closed: the functions stay bound until exit.
  return l;
}

}  // namespace

Result<const CurlFunctions*> CurlLibrary() {
  static const Loaded* loaded = new Loaded(Load());  // thread-safe once; never destroyed
  if (!loaded->status.ok()) return loaded->status;
  return &loaded->functions;
}

bool CurlLibraryMapped() {
  return dl_iterate_phdr(
             [](dl_phdr_info* info, size_t, void*) {
               const char* base = std::strrchr(info->dlpi_name, '/');
               base = base ? base + 1 : info->dlpi_name;
               return std::strncmp(base, "libcurl", 7) == 0 ? 1 : 0;
             },
             nullptr) != 0;
}

}  // namespace binlake::s3
