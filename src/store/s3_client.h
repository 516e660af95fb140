// Signed S3 requests with retries: builds the URL (s3_endpoint.h), signs with SigV4 (sigv4.h,
// signed payload hash in x-amz-content-sha256), sends (http_client.h) and retries transport
// failures and retryable answers (s3_errors.h) with backoff + full jitter (common/retry.h).
//
// Thread-safety: Send may be called from several threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "common/retry.h"
#include "common/status.h"
#include "store/http_client.h"
#include "store/s3_endpoint.h"
#include "store/s3_errors.h"
#include "store/sigv4.h"

namespace binlake::s3 {

struct S3ClientOptions {
  S3Endpoint endpoint;
  std::string region;
  sigv4::Credentials credentials;     // never logged
  std::string credentials_source;     // for messages
  std::string expected_bucket_owner;  // x-amz-expected-bucket-owner on every request, if set
  // Per request: 8 attempts, waits of uniform[0, min(20 s, 100 ms * 2^k)] (full jitter).
  BackoffPolicy retry{.initial_delay = std::chrono::milliseconds(100),
                      .max_delay = std::chrono::milliseconds(20000),
                      .multiplier = 2.0,
                      .jitter = 1.0,
                      .max_attempts = 8};
  HttpOptions http;
  // Injected for tests; the defaults sleep for real, draw real randomness and read the clock.
  RetryClock* retry_clock = nullptr;                             // nullptr = RealRetryClock()
  JitterSource jitter;                                           // empty = DefaultJitter()
  std::function<std::chrono::system_clock::time_point()> clock;  // empty = system_clock::now
};

struct S3Request {
  std::string method;
  std::string key;  // the full object key (store prefix included); "" for bucket requests
  sigv4::KeyValues query;
  sigv4::KeyValues headers;  // sent and signed
  std::string_view body;     // must outlive Send
  // The operation answers 200 with an <Error> body on failure (CompleteMultipartUpload).
  bool error_in_200 = false;
};

struct S3Outcome {
  HttpResponse response;  // the final answer, any status
  // Requests sent, libcurl's own re-sends included (HttpResponse::resent). > 1: an earlier
  // one may have taken effect on the server, and this answer may be about it.
  int attempts = 1;
};

// The S3 API operation `request` is ("PutObject", "UploadPart", "ListObjectsV2", ...), for the
// metrics' labels.
std::string_view OperationName(const S3Request& request);

class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);

  // Sends `request`, retrying per the policy. A transport failure that outlasts the retries is
  // a Status naming the endpoint (kNetworkError for refused/reset/timeout); any HTTP answer is
  // an S3Outcome (check the status; ErrorStatus maps failures).
  Result<S3Outcome> Send(const S3Request& request);

  // ErrorContext for `operation` on `key` ("" = the bucket).
  ErrorContext Context(std::string_view operation, std::string_view key,
                       bool if_none_match = false) const;

  const S3Endpoint& endpoint() const { return options_.endpoint; }

 private:
  HttpRequest Sign(const S3Request& request, const std::string& payload_hash) const;

  S3ClientOptions options_;
  HttpClient http_;
};

// "20150830T123600Z" for a UTC time point.
std::string AmzDate(std::chrono::system_clock::time_point t);

}  // namespace binlake::s3
