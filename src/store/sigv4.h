// AWS Signature Version 4 as pure functions over a request description: no clock, no network.
// Spec: "Create a signed AWS API request" (AWS General Reference, Signature Version 4) and, for S3,
// "Signature Calculations for the Authorization Header" (S3 API Reference,
// sig-v4-header-based-auth.html) and "Query String Authentication" (sigv4-query-string-auth.html).
// Tested against the botocore/aws-c-auth signing suites and the S3 documentation examples
// (testdata/fixtures/sigv4).
//
// S3 differs from other services in two ways that are options here: the path is not normalized
// (no "." / ".." / "//" removal) and the payload hash is sent as x-amz-content-sha256.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace binlake::sigv4 {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged
  std::string session_token;      // optional; never logged
};

struct Request {
  std::string method;  // "GET", "PUT", ...
  // The path as bytes, NOT percent-encoded ("/bucket/a key"); the signer encodes it, and the
  // caller must put exactly UriEncodePath(path) on the wire.
  std::string path;
  // Query parameters, NOT percent-encoded, in any order; a parameter without value has "".
  KeyValues query;
  // Every header given here is signed (names in any case, values as sent). Include Host.
  KeyValues headers;
  // Lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
};

struct Options {
  std::string region;    // "us-east-1"
  std::string service;   // "s3"
  std::string amz_date;  // ISO 8601 basic UTC: "20150830T123600Z"
  // Remove "." and ".." segments and empty segments (every service except S3).
  bool normalize_path = false;
  // Add and sign x-amz-content-sha256 (S3 requires it on every request).
  bool add_content_sha256_header = true;
  // Sign x-amz-security-token (true: what S3 wants). False leaves it out of the signature and
  // returns it as a header (or query parameter) to add after signing.
  bool sign_session_token = true;
};

// Result of header signing: the strings of each step (for tests and debugging; they contain no
// secret) and the headers the caller must add to the request as given.
struct HeaderSignature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // lowercase hex
  std::string authorization;   // value of the Authorization header
  // Headers to add, in this order: X-Amz-Date (unless the request has it),
  // x-amz-content-sha256 (if asked and absent), X-Amz-Security-Token (if a token is set and
  // absent), Authorization.
  KeyValues headers_to_add;
};

HeaderSignature SignHeaders(const Request& request, const Credentials& credentials,
                            const Options& options);

// Result of query-string signing (a presigned URL).
struct QuerySignature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  // Parameters to append to the request's query (not encoded), X-Amz-Signature last.
  KeyValues query_to_add;
};

// Presigns `request` for `expires_seconds`. The payload hash is request.payload_hash (S3 uses
// "UNSIGNED-PAYLOAD"); options.add_content_sha256_header is ignored.
QuerySignature SignQuery(const Request& request, const Credentials& credentials,
                         const Options& options, int expires_seconds);

// --- Building blocks, exposed for the S3 client and tests. ---

// RFC 3986 percent-encoding as SigV4 wants it: unreserved bytes (A-Z a-z 0-9 - . _ ~) stay,
// everything else becomes %XX (uppercase hex). UriEncodePath also keeps '/'.
std::string UriEncode(std::string_view s);
std::string UriEncodePath(std::string_view path);
// The canonical query string: each name and value encoded, sorted by name then value.
std::string CanonicalQueryString(const KeyValues& query);
// Lowercase hex of SHA-256(data), and of HMAC-SHA256(key, data) as raw bytes.
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);

// SHA-256 of the empty string, the payload hash of bodiless requests.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace binlake::sigv4
