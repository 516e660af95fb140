// ASCII text helpers for protocol and configuration text (SQL keywords and literals, server
// variables, HTTP header names, setting names, hex digits): case is mapped for A-Z and a-z only,
// never by locale, and every other byte (UTF-8 included) passes unchanged.
#pragma once

#include <string>
#include <string_view>

namespace binlake {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

inline std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// 0..15 for a hex digit of either case; -1 for any other byte.
inline int AsciiHexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the bytes `hex` spells (pairs of hex digits, either case) to *out; false, with *out
// as it was, for an odd length or a byte that is not a hex digit.
inline bool AppendHexBytes(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  const size_t before = out->size();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = AsciiHexDigit(hex[i]), lo = AsciiHexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      out->resize(before);
      return false;
    }
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

// `s` without leading and trailing spaces and tabs.
inline std::string_view TrimSpacesAndTabs(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace binlake
