#include "store/s3_range.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <atomic>
#include <charconv>
#include <limits>

#include "common/ascii.h"

namespace binlake::s3 {
namespace {

// A decimal uint64 that is the whole of `s`.
std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// The last byte asked for (kMax for "to the end"); length > 0.
uint64_t LastAsked(uint64_t offset, uint64_t length) {
  return length - 1 > kMax - offset ? kMax : offset + length - 1;
}

}  // namespace

std::string RangeHeaderValue(uint64_t offset, uint64_t length) {
  const uint64_t last = LastAsked(offset, length);
  return "bytes=" + std::to_string(offset) + "-" + (last == kMax ? "" : std::to_string(last));
}

std::optional<ContentRange> ParseContentRange(std::string_view value) {
  value = TrimSpacesAndTabs(value);
  constexpr std::string_view kUnit = "bytes ";
  if (value.size() < kUnit.size() || ::strncasecmp(value.data(), "bytes", 5) != 0 ||
      value[5] != ' ') {
    return std::nullopt;
  }
  value.remove_prefix(kUnit.size());
  const size_t dash = value.find('-');
  const size_t slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  std::optional<uint64_t> first = ParseU64(value.substr(0, dash));
  std::optional<uint64_t> last = ParseU64(value.substr(dash + 1, slash - dash - 1));
  if (!first || !last || *last < *first) return std::nullopt;
  ContentRange out{*first, *last, std::nullopt};
  std::string_view total = value.substr(slash + 1);
  if (total != "*") {
    out.total = ParseU64(total);
    if (!out.total || *out.total <= *last) return std::nullopt;
  }
  return out;
}

Result<std::string> SliceOfRangeAnswer(HttpResponse& response, uint64_t offset, uint64_t length,
                                       const ErrorContext& ctx, int attempts) {
  std::string& body = response.body;
  if (response.status == 416) return std::string();  // InvalidRange: offset >= size
  if (response.status == 200) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      spdlog::warn(
          "S3 at {} ignored the Range of GetObject {} and sent the whole object ({} bytes): "
          "every slice read from this server downloads its whole object",
          ctx.endpoint, ctx.object_url, body.size());
    }
    if (offset >= body.size()) return std::string();
    return body.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }
  if (response.status != 206) return ErrorStatus(ctx, response, attempts);

  auto bad = [&](const std::string& why) {
    return Corruption(ctx.operation + " " + ctx.object_url + " at " + ctx.endpoint + ": " + why +
                      " (asked for " + RangeHeaderValue(offset, length) + ")");
  };
  const std::string header = response.Header("content-range");
  std::optional<ContentRange> range = ParseContentRange(header);
  if (!range) return bad("answered 206 without a valid Content-Range ('" + header + "')");
  if (range->first != offset || range->last > LastAsked(offset, length)) {
    return bad("answered another range (Content-Range '" + header + "')");
  }
  if (body.size() != range->last - range->first + 1) {
    return bad("answered " + std::to_string(body.size()) + " bytes for Content-Range '" + header +
               "'");
  }
  // Shorter than asked only where the object ends (a server that cut the slice short would
  // otherwise pass for the end of the object).
  if (range->last < LastAsked(offset, length) && range->total && range->last + 1 != *range->total) {
    return bad("answered a shorter range than asked before the object's end (Content-Range '" +
               header + "')");
  }
  return std::move(body);
}

}  // namespace binlake::s3
