// ASCII text helpers for protocol and configuration text (SQL keywords, server variables, HTTP
// header names, setting names): case is mapped for A-Z and a-z only, never by locale, and every
// other byte (UTF-8 included) passes unchanged.
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

// `s` without leading and trailing spaces and tabs.
inline std::string_view TrimSpacesAndTabs(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace binlake
