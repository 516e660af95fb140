// Helpers shared by the files of the expression evaluator (expression.h); not for other code.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace binlake {

// A short one-line excerpt of untrusted text for an error message: at most 40 bytes, control
// characters as \xNN.
inline std::string EscapedExcerpt(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > 40) out += "...";
  return out;
}

}  // namespace binlake
