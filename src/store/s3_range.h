// Ranged GetObject: the Range header of a slice and what the answer to it means.
// Spec: RFC 9110 §14 (Range Requests: "bytes=first-last", 206 with Content-Range, 416 Range Not
// Satisfiable, and a server MAY ignore Range and answer 200 with the whole representation);
// S3 API Reference, GetObject ("Range", 416 InvalidRange).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/http_client.h"
#include "store/s3_errors.h"

namespace binlake::s3 {

// "bytes=<offset>-<offset + length - 1>", or "bytes=<offset>-" (to the end) when that last byte
// would pass 2^64 - 1. `length` > 0.
std::string RangeHeaderValue(uint64_t offset, uint64_t length);

// A Content-Range of a 206: "bytes <first>-<last>/<complete length or *>".
struct ContentRange {
  uint64_t first = 0;
  uint64_t last = 0;              // >= first
  std::optional<uint64_t> total;  // nullopt for "*"
};
// nullopt when `value` is not that form (unsatisfied-range "bytes */N" included).
std::optional<ContentRange> ParseContentRange(std::string_view value);

// The bytes [offset, offset + length) from the answer to a GET sent with
// Range: RangeHeaderValue(offset, length) (`response.body` is moved from):
//   206: the body, checked against its Content-Range: it must start at `offset`, be as long as
//        it says, no longer than asked and shorter only where the object ends (kCorruption
//        otherwise, naming ctx.object_url);
//   200: the server ignored Range and sent the whole object: its slice (a warning, once);
//   416 (InvalidRange): `offset` is at or past the end: "";
//   anything else: ErrorStatus(ctx, response, attempts) (404 NoSuchKey -> kNotFound).
Result<std::string> SliceOfRangeAnswer(HttpResponse& response, uint64_t offset, uint64_t length,
                                       const ErrorContext& ctx, int attempts);

}  // namespace binlake::s3
