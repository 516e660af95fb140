// Character sets of string columns and their conversion to UTF-8.
//
// Row images hold strings in the column's character set (collation ids from the TABLE_MAP
// optional metadata). binlake emits UTF-8 text:
//   utf8mb3 / utf8mb4 / ascii   passed through (zero-copy)
//   binary (collation 63)        raw bytes -> Value::Bytes
//   latin1                       MySQL's latin1 is Windows-1252 (with 0x81 0x8D 0x8F 0x90 0x9D
//                                mapped to U+0081...): a table, as the server converts it
//   anything else                iconv (ucs2/utf16/utf32 big-endian as MySQL stores them)
// Collation ids are resolved with Connector/C's compiled collation table, which covers MySQL's
// and MariaDB's ids (incl. MySQL 8 *_0900_* and MariaDB 10.10+ uca1400 ids).
#pragma once

#include <iconv.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "binlog/scratch_arena.h"
#include "common/status.h"

namespace binlake::binlog {

enum class TextEncoding : uint8_t {
  kUnknown,  // no charset information: UTF-8 if valid, else bytes
  kUtf8,
  kBinary,
  kLatin1,
  kIconv,
};

struct CharsetInfo {
  TextEncoding encoding = TextEncoding::kUnknown;
  uint8_t mbmaxlen = 1;
  std::string_view name;        // MySQL charset name ("utf8mb4", "latin1"), empty if unknown
  const char* iconv_name = "";  // for kIconv
};

// Charset of a collation id; {kUnknown} for 0 or ids nobody defines.
CharsetInfo CharsetOfCollation(uint32_t collation_id);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Appends the UTF-8 encoding of Windows-1252 bytes as MySQL's latin1 converts them.
// Returns the text in `arena`.
std::string_view Latin1ToUtf8(std::string_view in, ScratchArena* arena);

// Converts text in iconv charsets to UTF-8. Holds iconv descriptors: one per thread.
class IconvCache {
 public:
  IconvCache() = default;
  ~IconvCache();
  IconvCache(const IconvCache&) = delete;
  IconvCache& operator=(const IconvCache&) = delete;

  // Converts `in` from `from` (an iconv name) into UTF-8 in `arena`. Fails with kCorruption on
  // bytes invalid in that charset and kUnsupported if iconv does not know it.
  Result<std::string_view> ToUtf8(const char* from, std::string_view in, ScratchArena* arena);

 private:
  std::unordered_map<std::string, iconv_t> open_;
};

}  // namespace binlake::binlog
