// Text helpers shared by the GTID parsers (gtid_set.cc, maria_gtid_list.cc). Not a public API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/gtid.h"

namespace binlake::binlog::internal {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Decimal digits only (no sign, no blanks), at most `max`. False on anything else or overflow.
inline bool ParseUnsigned(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (v > (max - digit) / 10) return false;  // v * 10 + digit > max
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

// A MySQL transaction number: 1 .. kMaxGno.
inline bool ParseGno(std::string_view s, int64_t* out) {
  uint64_t v = 0;
  if (!ParseUnsigned(s, static_cast<uint64_t>(kMaxGno), &v) || v == 0) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

// A tag starts with a letter or '_' (mysql::gtid::Tag::is_character_valid), a GNO with a digit.
inline bool IsTagStart(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// "" if `tag` is a valid GTID tag ([A-Za-z_][A-Za-z0-9_]{0,31}), else what is wrong with it.
inline std::string TagProblem(std::string_view tag) {
  bool chars_ok = !tag.empty() && IsTagStart(tag.front());
  for (char c : tag) chars_ok = chars_ok && (IsTagStart(c) || (c >= '0' && c <= '9'));
  if (chars_ok && tag.size() <= kMaxGtidTagLength) return {};
  return "'" + std::string(tag) + "' is not a GTID tag (a letter or _, then letters, digits or _" +
         (chars_ok ? "; at most 32 characters)" : ")");
}

}  // namespace binlake::binlog::internal
