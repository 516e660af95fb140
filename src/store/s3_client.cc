#include "store/s3_client.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "common/health.h"
#include "common/metrics.h"

namespace binlake::s3 {

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

namespace {

bool HasQuery(const S3Request& request, std::string_view name) {
  for (const auto& [k, v] : request.query) {
    if (k == name) return true;
  }
  return false;
}

}  // namespace

std::string_view OperationName(const S3Request& request) {
  const std::string& m = request.method;
  if (m == "GET") {
    if (HasQuery(request, "uploads")) return "ListMultipartUploads";
    if (HasQuery(request, "list-type")) return "ListObjectsV2";
    return "GetObject";
  }
  if (m == "PUT") return HasQuery(request, "partNumber") ? "UploadPart" : "PutObject";
  if (m == "POST") {
    return HasQuery(request, "uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
  }
  if (m == "DELETE") return HasQuery(request, "uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  if (m == "HEAD") return "HeadObject";
  return m;
}

S3Client::S3Client(S3ClientOptions options) : options_(std::move(options)), http_(options_.http) {
  if (options_.retry_clock == nullptr) options_.retry_clock = &RealRetryClock();
  if (!options_.jitter) options_.jitter = DefaultJitter();
  if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
}

ErrorContext S3Client::Context(std::string_view operation, std::string_view key,
                               bool if_none_match) const {
  ErrorContext ctx;
  ctx.operation = std::string(operation);
  ctx.bucket = options_.endpoint.bucket();
  ctx.object_url = "s3://" + ctx.bucket + (key.empty() ? "" : "/" + std::string(key));
  ctx.endpoint = options_.endpoint.display();
  ctx.region = options_.region;
  ctx.credentials_source = options_.credentials_source;
  ctx.if_none_match = if_none_match;
  return ctx;
}

HttpRequest S3Client::Sign(const S3Request& request, const std::string& payload_hash) const {
  sigv4::Request sr;
  sr.method = request.method;
  sr.path = options_.endpoint.Path(request.key);
  sr.query = request.query;
  sr.headers = request.headers;
  sr.headers.emplace_back("Host", options_.endpoint.host());
  if (!options_.expected_bucket_owner.empty()) {
    sr.headers.emplace_back("x-amz-expected-bucket-owner", options_.expected_bucket_owner);
  }
  sr.payload_hash = payload_hash;
  sigv4::Options so;
  so.region = options_.region;
  so.service = "s3";
  so.amz_date = AmzDate(options_.clock());
  sigv4::HeaderSignature sig = sigv4::SignHeaders(sr, options_.credentials, so);

  HttpRequest http;
  http.method = request.method;
  http.url = options_.endpoint.Url(request.key, request.query);
  http.headers = std::move(sr.headers);
  http.headers.insert(http.headers.end(), sig.headers_to_add.begin(), sig.headers_to_add.end());
  http.body = request.body;
  return http;
}

Result<S3Outcome> S3Client::Send(const S3Request& request) {
  const std::string payload_hash = sigv4::Sha256Hex(request.body);
  RetryLoop loop(options_.retry, *options_.retry_clock, options_.jitter);
  const std::string_view operation = OperationName(request);
  int resends = 0;  // requests libcurl sent again by itself (HttpResponse::resent)
  while (true) {
    // Signed afresh each attempt: the date moves, and S3 rejects signatures older than 15 min.
    HttpRequest http = Sign(request, payload_hash);
    Result<HttpResponse> r = http_.Send(http);
    if (r.ok() && r->resent) ++resends;
    const bool retry =
        r.ok() ? IsRetryableResponse(*r, request.error_in_200) : r.status().IsRetryable();
    // Metrics and health: every attempt, by operation and answer (common/metrics.h).
    const std::string code = r.ok() ? std::to_string(r->status) : "network";
    metrics::StoreRequest(operation, code);
    // 404, 409, 412 are answers the protocol expects; a denial is a failure like a 5xx.
    const bool failed =
        retry || (r.ok() && (r->status >= 500 || r->status == 401 || r->status == 403));
    if (failed) {
      health::StoreFailed(std::string(operation) + " " + code);
    } else {
      health::StoreSucceeded();
    }
    if (!retry || !loop.BackoffAndContinue()) {
      if (failed) metrics::StoreError(operation, code);
      if (!r.ok()) {
        const std::string attempts =
            loop.attempts() > 1 ? " after " + std::to_string(loop.attempts()) + " attempts" : "";
        return Status(r.status().code(), "cannot reach S3 endpoint " + options_.endpoint.display() +
                                             attempts + ": " + r.status().message());
      }
      return S3Outcome{std::move(r).value(), loop.attempts() + resends};
    }
    metrics::StoreRetry(operation);
    spdlog::debug(
        "S3 {} s3://{}/{}: {}; retrying (attempt {} of {})", request.method,
        options_.endpoint.bucket(), request.key,
        r.ok() ? "HTTP " + std::to_string(r->status) + " " + ErrorCode(*r) : r.status().message(),
        loop.attempts(), options_.retry.max_attempts);
  }
}

}  // namespace binlake::s3
