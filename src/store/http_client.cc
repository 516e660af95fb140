#include "store/http_client.h"

#include <strings.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "store/curl_library.h"

namespace binlake::s3 {
namespace {

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  static_cast<std::string*>(user)->append(data, size * nmemb);
  return size * nmemb;
}

// Collects "Name: value" lines; a new status line (after 100 Continue or a redirect) starts over.
size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * nmemb);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return size * nmemb;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * nmemb;
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  (*headers)[name] = std::string(value);
  return size * nmemb;
}

Status TransportError(const CurlFunctions& curl, CURLcode code, const char* detail,
                      const std::string& ca_bundle) {
  std::string msg = detail[0] != '\0' ? detail : curl.easy_strerror(code);
  if (code == CURLE_PEER_FAILED_VERIFICATION &&
      msg.find("certificate problem") != std::string::npos) {
    // "SSL certificate problem: unable to get local issuer certificate": say what was trusted.
    msg += ca_bundle.empty()
               ? " (the server's TLS certificate is not signed by a CA the system trusts; give "
                 "the CA's PEM file with AWS_CA_BUNDLE, --ca-bundle or the profile's ca_bundle)"
               : " (the server's TLS certificate is not signed by a CA in the bundle " + ca_bundle +
                     ")";
  }
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_AGAIN:
      return NetworkError(msg);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return InvalidArgument(msg);
    default:
      return Internal(msg);
  }
}

// The request body, fed to libcurl by a read callback. libcurl rewinds it (the seek callback)
// only to send the request again: that is how a silent re-send becomes visible.
struct BodyReader {
  std::string_view body;
  size_t offset = 0;
  bool rewound = false;
};

size_t OnRead(char* buffer, size_t size, size_t nitems, void* user) {
  auto* r = static_cast<BodyReader*>(user);
  const size_t n = std::min(size * nitems, r->body.size() - r->offset);
  std::memcpy(buffer, r->body.data() + r->offset, n);
  r->offset += n;
  return n;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* r = static_cast<BodyReader*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > r->body.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  r->offset = static_cast<size_t>(offset);
  r->rewound = true;
  return CURL_SEEKFUNC_OK;
}

struct SlistDeleter {
  const CurlFunctions* curl;
  void operator()(curl_slist* l) const { curl->slist_free_all(l); }
};

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(HttpOptions options) : options_(options) {}

HttpClient::~HttpClient() {
  // Idle handles exist only once libcurl was loaded (they came from it).
  if (idle_.empty()) return;
  const CurlFunctions* curl = *CurlLibrary();
  for (void* h : idle_) curl->easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::Acquire(const CurlFunctions& api) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return api.easy_init();
}

void HttpClient::Release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  ASSIGN_OR_RETURN(const CurlFunctions* api, CurlLibrary());
  CURL* curl = static_cast<CURL*>(Acquire(*api));
  if (curl == nullptr) return Internal("curl_easy_init failed");
  // reset keeps the handle's live connections, DNS and TLS session caches.
  api->easy_reset(curl);

  HttpResponse response;
  BodyReader reader{request.body};
  char error[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers(nullptr, SlistDeleter{api});
  auto add_header = [&headers, api](const std::string& line) {
    headers.reset(api->slist_append(headers.release(), line.c_str()));
  };
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    // "Name;" sends a header with an empty value ("Name:" would remove it).
    add_header(value.empty() ? name + ";" : name + ": " + value);
    if (name.size() == 12 && strncasecmp(name.c_str(), "content-type", 12) == 0) {
      has_content_type = true;
    }
  }
  add_header("Expect:");                               // no 100-continue round trip
  if (!has_content_type) add_header("Content-Type:");  // no curl default for bodies

  api->easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  api->easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  api->easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  api->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  api->easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  api->easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (!options_.ca_bundle.empty()) {
    // The bundle replaces the system's CAs (as AWS_CA_BUNDLE does for the AWS CLI).
    api->easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    api->easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  }
  api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  api->easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  api->easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  api->easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "HEAD") {
    api->easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    // A POST with a known size (Content-Length, never chunked) read from `reader`, sent with
    // the request's method.
    api->easy_setopt(curl, CURLOPT_POST, 1L);
    api->easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    api->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    api->easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    api->easy_setopt(curl, CURLOPT_READDATA, &reader);
    api->easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
    api->easy_setopt(curl, CURLOPT_SEEKDATA, &reader);
  } else if (request.method != "GET") {
    api->easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = api->easy_perform(curl);
  if (rc == CURLE_OK) api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.resent = reader.rewound;
  // Drop the header list before the handle is reused by another thread.
  api->easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  api->easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  Release(curl);
  if (rc != CURLE_OK) return TransportError(*api, rc, error, options_.ca_bundle);
  return response;
}

}  // namespace binlake::s3
