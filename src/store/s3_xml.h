// S3 REST XML bodies: the few binlake reads (ListObjectsV2, InitiateMultipartUpload,
// CompleteMultipartUpload, ListMultipartUploads, Error) and the one it writes
// (CompleteMultipartUpload request).
// Spec: Amazon S3 API Reference (API_ListObjectsV2, API_CreateMultipartUpload,
// API_CompleteMultipartUpload, ErrorResponses). Pure functions over untrusted bytes: a malformed
// body gives kCorruption with a one-line message, never a crash (fuzzed by s3_xml_fuzz.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace binlake::s3 {

// <Error><Code>..</Code><Message>..</Message>..</Error>, also inside <ErrorResponse> (S3 Control).
struct S3Error {
  std::string code;
  std::string message;
  std::string request_id;
  std::string bucket_name;  // some servers name the bucket (NoSuchBucket)
  std::string region;       // <Region> of PermanentRedirect / AuthorizationHeaderMalformed
};

// kCorruption if `body` is not XML or its root is not an error document.
Result<S3Error> ParseError(std::string_view body);

struct ListEntry {
  std::string key;  // decoded if the response says EncodingType=url
  uint64_t size = 0;
  std::string etag;  // as sent, usually with quotes
  std::string last_modified;
};

struct ListResult {
  std::vector<ListEntry> contents;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;  // absent = false
  std::string next_continuation_token;
  std::optional<uint64_t> key_count;
  std::string name;
  std::string prefix;
  std::string encoding_type;
};

// Parses a <ListBucketResult>. With EncodingType=url the keys and prefixes are percent-decoded
// ('+' is a space, as botocore reads it). Checked, as a client must before it trusts the page:
// KeyCount (when present) equals Contents + CommonPrefixes, and a truncated page has a
// NextContinuationToken (otherwise paging would never end).
Result<ListResult> ParseListObjectsV2(std::string_view body);

// <InitiateMultipartUploadResult> -> the UploadId (non-empty).
Result<std::string> ParseInitiateMultipartUpload(std::string_view body);

struct CompleteResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;  // radosgw 16 returns an empty ETag (Red Hat BZ 2266579): tolerated
};

// <CompleteMultipartUploadResult>. S3 may answer 200 and put an <Error> in the body (the request
// failed after the headers were sent); that gives a non-OK status whose message names the code.
// Callers that must tell the two apart call ParseError first.
Result<CompleteResult> ParseCompleteMultipartUpload(std::string_view body);

struct MultipartUpload {
  std::string key;  // decoded if the response says EncodingType=url
  std::string upload_id;
  std::string initiated;  // ISO 8601, as sent
};

struct ListUploadsResult {
  std::vector<MultipartUpload> uploads;
  bool is_truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// <ListMultipartUploadsResult> (API_ListMultipartUploads). Checked: every <Upload> has a Key and
// an UploadId, and a truncated page names where the next one starts.
Result<ListUploadsResult> ParseListMultipartUploads(std::string_view body);

struct CompletedPart {
  int part_number = 0;
  std::string etag;  // as returned by UploadPart, quotes included
};

// The CompleteMultipartUpload request body, parts in the given (ascending) order.
std::string BuildCompleteMultipartUpload(const std::vector<CompletedPart>& parts);

// The PutObjectTagging request body: <Tagging><TagSet><Tag><Key>..</Key><Value>..</Value></Tag>...
std::string BuildTagging(const std::vector<std::pair<std::string, std::string>>& tags);

// Percent-decoding for EncodingType=url values; kCorruption on a bad %XX.
Result<std::string> UrlDecode(std::string_view s);

}  // namespace binlake::s3
