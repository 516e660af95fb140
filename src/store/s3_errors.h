// How S3 answers become retries and user-facing Statuses.
// Spec: S3 API Reference "Error responses" (list of error codes) and "Retry behavior";
// AWS SDKs' retryable set: 5xx except 501, 429, SlowDown, RequestTimeout, InternalError,
// ServiceUnavailable, Throttling*, RequestLimitExceeded, ConditionalRequestConflict (409).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/http_client.h"

namespace binlake::s3 {

// What a message may name. Never holds a secret.
struct ErrorContext {
  std::string operation;   // "PutObject", "ListObjectsV2", ...
  std::string object_url;  // "s3://bucket/prefix/key" or "s3://bucket"
  std::string bucket;
  std::string endpoint;            // "http://127.0.0.1:18081"
  std::string region;              // the configured region
  std::string credentials_source;  // "environment", "task config", "/root/.aws/credentials [p]"
  bool if_none_match = false;      // a 412 means "already exists"
};

// True if the response should be retried. `error_in_200`: the operation may answer 200 with an
// <Error> body (CompleteMultipartUpload).
bool IsRetryableResponse(const HttpResponse& response, bool error_in_200);

// The S3 error code of a response: <Code> of an <Error> body, else derived from the status
// ("NotFound" for a bodiless 404, "HTTP 503" when nothing better is known).
std::string ErrorCode(const HttpResponse& response);

// A one-line Status for a failed response (non-2xx, or a 200 carrying <Error>), after
// `attempts` attempts:
//   NoSuchBucket -> kNotFound "bucket 'b' does not exist at <endpoint>"
//   NoSuchKey/404 -> kNotFound; InvalidAccessKeyId, SignatureDoesNotMatch, Invalid/ExpiredToken
//   -> kPermissionDenied naming where the credentials came from; AccessDenied -> kPermissionDenied;
//   412 -> kAlreadyExists if ctx.if_none_match, else kPreconditionFailed; wrong region (301,
//   AuthorizationHeaderMalformed) -> kInvalidArgument naming the bucket's region; 501 ->
//   kUnsupported; 503/429/SlowDown -> kThrottled; other 5xx -> kInternal; other 4xx ->
//   kInvalidArgument.
Status ErrorStatus(const ErrorContext& ctx, const HttpResponse& response, int attempts);

// A conditional create (If-None-Match: *) that was sent more than once and answered 412 to a
// later copy, when the object under the key could not be checked (`why`): the first copy may
// have created it, so neither success nor AlreadyExists is known. kNetworkError (retryable; no
// StatusCode means "outcome unknown" more closely), message "outcome unknown: <operation>
// <url> ...". The commit protocol reads such a key back before it decides.
Status OutcomeUnknown(const ErrorContext& ctx, std::string_view why);

}  // namespace binlake::s3
