// NamePattern: a DMS table-mappings name with its wildcards, compiled once (the syntax is in
// table_mappings.h; implementation in table_mappings_pattern.cc).
// Thread-safety: immutable after Compile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace binlake {

// A compiled DMS name pattern.
class NamePattern {
 public:
  NamePattern() = default;
  // Wildcard syntax (see the file comment). Errors: unclosed '[', empty set '[]', bad range.
  static Result<NamePattern> Compile(std::string_view pattern);
  // Matches exactly `name` (no wildcards).
  static NamePattern Literal(std::string_view name);

  bool Matches(std::string_view name) const;
  // True if the pattern contains `%`, i.e. can match names of any length.
  bool has_percent() const { return has_percent_; }
  // True if it matches one fixed string (no wildcard or set at all).
  bool is_literal() const { return is_literal_; }
  const std::string& text() const { return text_; }

 private:
  struct Token {
    enum Kind : uint8_t { kChar, kAnyOne, kAnyMany, kSet } kind = kChar;
    uint32_t ch = 0;                                    // kChar
    std::vector<std::pair<uint32_t, uint32_t>> ranges;  // kSet: inclusive code point ranges
  };
  bool TokenMatches(const Token& t, uint32_t cp) const;

  std::string text_;
  std::vector<Token> tokens_;
  bool has_percent_ = false;
  bool is_literal_ = true;
};

}  // namespace binlake
