// A small blocking HTTP/1.1 client over libcurl (loaded on the first request: curl_library.h),
// for the S3 client. One request in, one response
// out; no retries and no S3 knowledge here (s3_client.h adds both).
//
// Thread-safety: Send may be called from several threads at once. Easy handles are pooled and
// reused, so connections (and TLS sessions) are kept alive between requests.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace binlake::s3 {

struct CurlFunctions;  // curl_library.h

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // fully encoded
  std::vector<std::pair<std::string, std::string>> headers;
  // The body (not copied; must outlive Send). PUT and POST always send Content-Length.
  std::string_view body;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names; last value wins
  std::string body;
  // libcurl sent the request more than once: a kept-alive connection it reused died after (part
  // of) the body went out and before any answer, and libcurl silently re-sent the request on a
  // fresh connection ("Connection died, retrying a fresh connect"). The first copy may have
  // taken effect on the server, so this answer may be about it (a 412 about our own PUT).
  // Detected by the body's rewind, so a request without a body is never flagged.
  bool resent = false;
  // The header's value, or "" if absent. `lower_name` must be lowercase.
  std::string Header(const std::string& lower_name) const;
  bool Is2xx() const { return status >= 200 && status < 300; }
};

struct HttpOptions {
  int connect_timeout_ms = 10000;
  int request_timeout_ms = 120000;  // whole request, 0 = none
  // https: a PEM file of the CAs to trust, instead of the system's (CURLOPT_CAINFO, and no
  // CA directory). "" = libcurl's default, the system's CAs.
  std::string ca_bundle;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response (see HttpResponse::resent). A failure to get one is kNetworkError
  // (connection refused or reset, DNS, timeout: worth retrying), kInvalidArgument (bad URL,
  // untrusted TLS certificate) or kInternal; the message is curl's one-line description, plus,
  // for an untrusted certificate, which CAs were trusted and how to trust another.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  void* Acquire(const CurlFunctions& curl);  // CURL*
  void Release(void* handle);

  HttpOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // guarded by mu_
};

}  // namespace binlake::s3
