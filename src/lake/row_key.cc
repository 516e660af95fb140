#include "lake/row_key.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace binlake {
namespace {

enum class KeyKind { kInt64, kUInt64, kDecimal, kFloat, kBytes };

KeyKind KindOf(const ColumnType& t) {
  switch (t.type) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
      return t.is_unsigned ? KeyKind::kUInt64 : KeyKind::kInt64;
    case SqlType::kDecimal:
    case SqlType::kYear:
    case SqlType::kBit:
      return KeyKind::kDecimal;
    case SqlType::kFloat:
    case SqlType::kDouble:
      return KeyKind::kFloat;
    default:
      return KeyKind::kBytes;
  }
}

void AppendBigEndian(uint64_t v, std::string* out) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(b, 8);
}

void AppendEscaped(std::string_view text, bool last, std::string* out) {
  if (last) {
    out->append(text);
    return;
  }
  for (char c : text) {
    out->push_back(c);
    if (c == '\0') out->push_back(static_cast<char>(0xff));
  }
  out->push_back('\0');
  out->push_back('\0');
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Decimal text -> order-preserving bytes; false if it is not a decimal number.
bool AppendDecimal(std::string_view text, std::string* out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if ((whole.empty() && frac.empty()) || !IsDigits(whole) || !IsDigits(frac)) return false;
  while (!whole.empty() && whole[0] == '0') whole.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (whole.size() > 200) return false;
  if (whole.empty() && frac.empty()) {
    out->push_back(static_cast<char>(0x81));  // zero, whatever its sign
    return true;
  }
  // Positive: 0x82, length of the whole part, digits, 0x00. Negative: 0x80 and every following
  // byte complemented, so a larger magnitude sorts first.
  const auto put = [&](unsigned char c) {
    out->push_back(static_cast<char>(negative ? static_cast<unsigned char>(~c) : c));
  };
  out->push_back(static_cast<char>(negative ? 0x80 : 0x82));
  put(static_cast<unsigned char>(whole.size()));
  for (char c : whole) put(static_cast<unsigned char>(c));
  for (char c : frac) put(static_cast<unsigned char>(c));
  put(0);
  return true;
}

}  // namespace

KeyEncoder::KeyEncoder(std::vector<ColumnType> columns, bool nullable)
    : types_(std::move(columns)), nullable_(nullable) {}

Status KeyEncoder::Append(size_t i, std::optional<std::string_view> text, std::string* key) const {
  const bool last = i + 1 == types_.size();
  if (nullable_) {
    key->push_back(text ? '\1' : '\0');
    if (!text) return Status::Ok();
  } else if (!text) {
    return Corruption("a NULL in a primary key column");
  }
  const std::string_view t = *text;
  auto not_a_number = [&] {
    return Corruption("a key value that is not a number: '" + std::string(t.substr(0, 40)) + "'");
  };
  switch (KindOf(types_[i])) {
    case KeyKind::kInt64: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size()) return not_a_number();
      AppendBigEndian(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63), key);
      return Status::Ok();
    }
    case KeyKind::kUInt64: {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size()) return not_a_number();
      AppendBigEndian(v, key);
      return Status::Ok();
    }
    case KeyKind::kDecimal:
      if (!AppendDecimal(t, key)) return not_a_number();
      return Status::Ok();
    case KeyKind::kFloat: {
      double v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() && ec != std::errc::result_out_of_range) return not_a_number();
      if (v == 0) v = 0;  // -0 sorts with 0
      uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);
      bits = (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
      AppendBigEndian(bits, key);
      AppendEscaped(t, last, key);
      return Status::Ok();
    }
    case KeyKind::kBytes:
      AppendEscaped(t, last, key);
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace binlake
