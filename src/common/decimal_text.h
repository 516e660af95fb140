// SplitDecimalText: the parts of a decimal number written as text, "[+-]digits[.digits]" (at
// least one digit; "5.", ".5" and "+0.50" are fine), for the places that read such numbers
// from users and expressions (transform/cdc_row_filter.h, transform/expression.h).
// Thread-safety: a pure function; the parts view the caller's text.
#pragma once

#include <optional>
#include <string_view>

namespace binlake {

struct DecimalTextParts {
  bool negative = false;
  std::string_view whole;     // the digits before the point, leading zeros kept
  std::string_view fraction;  // the digits after it
};

inline std::optional<DecimalTextParts> SplitDecimalText(std::string_view s) {
  DecimalTextParts parts;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    parts.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  parts.whole = s;
  if (size_t dot = s.find('.'); dot != std::string_view::npos) {
    parts.whole = s.substr(0, dot);
    parts.fraction = s.substr(dot + 1);
  }
  auto digits = [](std::string_view d) {
    for (char c : d) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if ((parts.whole.empty() && parts.fraction.empty()) || !digits(parts.whole) ||
      !digits(parts.fraction)) {
    return std::nullopt;
  }
  return parts;
}

}  // namespace binlake
