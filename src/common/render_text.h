// The one text rendering of a typed value, used by CSV output, the `binlog decode` command and
// anything else that prints values. The rules are binlake's compatibility contract,
// written down for users in README.md ("How values are written"):
//   integers, BIT      decimal digits (BIT as an unsigned integer)
//   YEAR               four digits, 0 as 0000
//   DECIMAL            exactly as the server prints it (all scale digits)
//   FLOAT, DOUBLE      shortest text that reads back to the same float/double (-0 kept)
//   DATE               YYYY-MM-DD (zero dates kept: 0000-00-00)
//   TIME               [-]HH:MM:SS[.f...] hours may exceed 99
//   DATETIME/TIMESTAMP YYYY-MM-DD HH:MM:SS[.f...]; TIMESTAMP in UTC
//                      fractional digits = the column's declared precision (0-6)
//   ENUM, SET          labels (SET: comma-joined in declaration order)
//   strings            UTF-8 as stored
//   binary, GEOMETRY   lowercase hex (or base64 when configured); GEOMETRY is SRID + WKB
//   JSON               compact JSON text: no insignificant whitespace, keys in stored order
//   VECTOR             [f1,f2,...] with shortest float text
// NULL is not rendered here: the output format decides how to write it.
// The inverse (text back to the Value, for readers of binlake's files): parse_rendered_text.h.
#pragma once

#include <string>
#include <string_view>

#include "common/schema.h"
#include "common/value.h"

namespace binlake {

enum class BinaryEncoding { kHex, kBase64 };

struct RenderOptions {
  BinaryEncoding binary_encoding = BinaryEncoding::kHex;
};

// Appends the text of `value` to `out`. REQUIRES: !value.is_null().
void AppendValueText(const Value& value, const ColumnType& type, const RenderOptions& options,
                     std::string* out);

// Helpers exposed for the formats and tests.
void AppendHex(std::string_view bytes, std::string* out);
void AppendBase64(std::string_view bytes, std::string* out);
void AppendShortestFloat(float v, std::string* out);
void AppendShortestDouble(double v, std::string* out);
void AppendDate(const DateTimeParts& p, std::string* out);
void AppendDateTime(const DateTimeParts& p, int fsp, std::string* out);
void AppendTime(const TimeParts& t, int fsp, std::string* out);
// Compact JSON; returns false (and appends nothing) if `text` is not valid JSON.
bool AppendCanonicalJson(std::string_view text, std::string* out);

}  // namespace binlake
