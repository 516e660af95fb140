#include "store/s3_errors.h"

#include <optional>

#include "store/s3_xml.h"

namespace binlake::s3 {
namespace {

std::optional<S3Error> BodyError(const HttpResponse& response) {
  if (response.body.empty()) return std::nullopt;
  Result<S3Error> e = ParseError(response.body);
  if (!e.ok()) return std::nullopt;
  return *e;
}

bool IsRetryableCode(std::string_view code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" ||
         code == "ServiceUnavailable" || code == "Throttling" || code == "ThrottlingException" ||
         code == "RequestLimitExceeded" || code == "ConditionalRequestConflict" ||
         code == "RequestThrottled";
}

std::string Attempts(int attempts) {
  return attempts > 1 ? " after " + std::to_string(attempts) + " attempts" : "";
}

}  // namespace

bool IsRetryableResponse(const HttpResponse& response, bool error_in_200) {
  const long s = response.status;
  if (s >= 200 && s < 300) {
    if (!error_in_200) return false;
    std::optional<S3Error> e = BodyError(response);
    return e && IsRetryableCode(e->code);
  }
  if (s == 429 || (s >= 500 && s != 501)) return true;
  std::optional<S3Error> e = BodyError(response);
  return e && IsRetryableCode(e->code);
}

std::string ErrorCode(const HttpResponse& response) {
  if (std::optional<S3Error> e = BodyError(response)) return e->code;
  switch (response.status) {
    case 301:
      return "PermanentRedirect";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 412:
      return "PreconditionFailed";
    case 503:
      return "ServiceUnavailable";
    default:
      return "HTTP " + std::to_string(response.status);
  }
}

Status ErrorStatus(const ErrorContext& ctx, const HttpResponse& response, int attempts) {
  std::optional<S3Error> e = BodyError(response);
  const std::string code = ErrorCode(response);
  const std::string detail = e && !e->message.empty() ? ": " + e->message : "";
  const long s = response.status;
  const std::string creds = ctx.credentials_source.empty()
                                ? std::string()
                                : " (credentials from " + ctx.credentials_source + ")";

  if (code == "NoSuchBucket") {
    return NotFound("bucket '" + ctx.bucket + "' does not exist at " + ctx.endpoint);
  }
  if (code == "NoSuchKey" || (s == 404 && code == "NotFound")) {
    return NotFound(ctx.object_url + " does not exist");
  }
  if (code == "NoSuchUpload") {
    return NotFound(ctx.operation + " " + ctx.object_url +
                    ": the multipart upload no longer exists (aborted or expired)");
  }
  if (code == "InvalidAccessKeyId") {
    return PermissionDenied("S3 at " + ctx.endpoint +
                            " does not know the access key id (InvalidAccessKeyId)" + creds);
  }
  if (code == "SignatureDoesNotMatch") {
    return PermissionDenied("S3 at " + ctx.endpoint +
                            " rejected the request signature (SignatureDoesNotMatch): the secret "
                            "access key is probably wrong" +
                            creds);
  }
  if (code == "InvalidToken" || code == "ExpiredToken" || code == "TokenRefreshRequired") {
    return PermissionDenied("S3 at " + ctx.endpoint + " rejected the session token (" + code + ")" +
                            creds);
  }
  if (code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" ||
      code == "IllegalLocationConstraintException") {
    std::string region = response.Header("x-amz-bucket-region");
    if (region.empty() && e) region = e->region;
    return InvalidArgument("bucket '" + ctx.bucket + "' is " +
                           (region.empty() ? "in another region" : "in region " + region) +
                           ", not " + ctx.region + ": set the region (" + code + ")");
  }
  if (s == 403 || code == "AccessDenied" || code == "AllAccessDisabled") {
    return PermissionDenied("access denied by S3 for " + ctx.operation + " " + ctx.object_url +
                            " at " + ctx.endpoint + " (" + code + detail + ")" + creds);
  }
  if (s == 412 || code == "PreconditionFailed") {
    if (ctx.if_none_match) return AlreadyExists(ctx.object_url + " already exists");
    return PreconditionFailed(ctx.operation + " " + ctx.object_url + ": precondition failed");
  }
  if (s == 501 || code == "NotImplemented") {
    return Unsupported("S3 at " + ctx.endpoint + " does not support " + ctx.operation + " (" +
                       code + detail + ")");
  }
  if (s == 429 || s == 503 || code == "SlowDown" || code == "Throttling" ||
      code == "ThrottlingException" || code == "RequestLimitExceeded") {
    return Throttled("S3 at " + ctx.endpoint + " is throttling " + ctx.operation + " " +
                     ctx.object_url + " (" + code + ")" + Attempts(attempts));
  }
  if (s >= 500 || (s >= 200 && s < 300)) {
    return Internal("S3 at " + ctx.endpoint + " failed " + ctx.operation + " " + ctx.object_url +
                    " (HTTP " + std::to_string(s) + " " + code + detail + ")" + Attempts(attempts));
  }
  if (s == 409) {
    return PreconditionFailed(ctx.operation + " " + ctx.object_url + ": " + code + detail);
  }
  return InvalidArgument("S3 rejected " + ctx.operation + " " + ctx.object_url + " (HTTP " +
                         std::to_string(s) + " " + code + detail + ")");
}

Status OutcomeUnknown(const ErrorContext& ctx, std::string_view why) {
  return NetworkError("outcome unknown: " + ctx.operation + " " + ctx.object_url +
                      " with If-None-Match: * was sent again after an answer was lost and then " +
                      "answered 412 (already exists), but " + std::string(why) +
                      ": the first request may have created it");
}

}  // namespace binlake::s3
