#include "lake/column_default.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

#include "common/ascii.h"
#include "common/value.h"

namespace binlake {
namespace {

// "DEFAULT '300' does not fit type TINYINT".
Status DoesNotFit(std::string_view literal, const ColumnType& type) {
  return Unsupported("DEFAULT '" + std::string(literal) + "' does not fit type " +
                     AsciiUpper(SqlTypeName(type.type)));
}

// [-]digits into a signed or unsigned integer of the type's width.
Result<Value> IntegerValue(const ColumnType& type, std::string_view text) {
  const int bits = type.type == SqlType::kTinyInt     ? 8
                   : type.type == SqlType::kSmallInt  ? 16
                   : type.type == SqlType::kMediumInt ? 24
                   : type.type == SqlType::kInt       ? 32
                                                      : 64;
  if (type.is_unsigned) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    const uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
    if (ec != std::errc() || end != text.data() + text.size() || v > max) {
      return DoesNotFit(text, type);
    }
    return Value::UInt(v);
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  if (ec != std::errc() || end != text.data() + text.size() || v > max || v < -max - 1) {
    return DoesNotFit(text, type);
  }
  return Value::Int(v);
}

// DECIMAL(p,s): rounded half away from zero to s digits, as the server stores a literal.
Result<std::string> DecimalText(const ColumnType& type, std::string_view text) {
  auto bad = [&] { return DoesNotFit(text, type); };
  bool negative = false;
  std::string_view s = text;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  std::string whole(s.substr(0, dot));
  std::string fraction(dot == std::string_view::npos ? "" : s.substr(dot + 1));
  if (whole.empty() && fraction.empty()) return bad();
  for (char c : whole + fraction) {
    if (c < '0' || c > '9') return bad();
  }
  std::string digits = whole + fraction;  // scaled by 10^fraction.size()
  if (fraction.size() > type.scale) {
    bool carry = digits[whole.size() + type.scale] >= '5';
    digits.resize(whole.size() + type.scale);
    for (size_t i = digits.size(); carry;) {
      if (i == 0) {
        digits.insert(digits.begin(), '1');
        break;
      }
      --i;
      if (digits[i] == '9') {
        digits[i] = '0';
      } else {
        ++digits[i];
        carry = false;
      }
    }
  } else {
    digits.append(type.scale - fraction.size(), '0');
  }
  std::string int_part = digits.substr(0, digits.size() - type.scale);
  const std::string frac_part = digits.substr(digits.size() - type.scale);
  while (int_part.size() > 1 && int_part.front() == '0') int_part.erase(int_part.begin());
  if (int_part.empty()) int_part = "0";
  if (int_part.size() > static_cast<size_t>(type.precision - type.scale) && int_part != "0") {
    return bad();
  }
  const bool zero = int_part == "0" && frac_part.find_first_not_of('0') == std::string::npos;
  std::string out = negative && !zero ? "-" : "";
  out += int_part;
  if (type.scale > 0) out += "." + frac_part;
  return out;
}

// Reads `n` digits at s[*i] into *out.
bool Digits(std::string_view s, size_t* i, size_t n, uint32_t* out) {
  if (*i + n > s.size()) return false;
  uint32_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

// ".ffffff" at s[*i] (at most fsp digits) into microseconds.
bool Fraction(std::string_view s, size_t* i, uint8_t fsp, uint32_t* micros) {
  *micros = 0;
  if (*i == s.size()) return true;
  if (s[*i] != '.') return false;
  ++*i;
  const size_t n = s.size() - *i;
  if (n == 0 || n > fsp) return false;
  uint32_t v = 0;
  if (!Digits(s, i, n, &v)) return false;
  for (size_t k = n; k < 6; ++k) v *= 10;
  *micros = v;
  return true;
}

// 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.f]'.
bool DateTimeOf(std::string_view s, bool date_only, uint8_t fsp, DateTimeParts* p) {
  size_t i = 0;
  uint32_t y, mo, d, h = 0, mi = 0, se = 0, us = 0;
  if (!Digits(s, &i, 4, &y) || i >= s.size() || s[i++] != '-' || !Digits(s, &i, 2, &mo) ||
      i >= s.size() || s[i++] != '-' || !Digits(s, &i, 2, &d)) {
    return false;
  }
  if (i < s.size()) {
    if (date_only || (s[i] != ' ' && s[i] != 'T')) return false;
    ++i;
    if (!Digits(s, &i, 2, &h) || i >= s.size() || s[i++] != ':' || !Digits(s, &i, 2, &mi) ||
        i >= s.size() || s[i++] != ':' || !Digits(s, &i, 2, &se) || !Fraction(s, &i, fsp, &us)) {
      return false;
    }
  }
  if (mo > 12 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
  *p = DateTimeParts{static_cast<uint16_t>(y),
                     static_cast<uint8_t>(mo),
                     static_cast<uint8_t>(d),
                     static_cast<uint8_t>(h),
                     static_cast<uint8_t>(mi),
                     static_cast<uint8_t>(se),
                     us};
  return true;
}

// '[-]H..H:MM:SS[.f]'.
bool TimeOf(std::string_view s, uint8_t fsp, TimeParts* t) {
  size_t i = 0;
  t->negative = !s.empty() && s[0] == '-';
  if (t->negative) ++i;
  const size_t colon = s.find(':', i);
  if (colon == std::string_view::npos || colon == i || colon - i > 3) return false;
  uint32_t h, mi, se, us;
  if (!Digits(s, &i, colon - i, &h) || s[i++] != ':' || !Digits(s, &i, 2, &mi) || i >= s.size() ||
      s[i++] != ':' || !Digits(s, &i, 2, &se) || !Fraction(s, &i, fsp, &us)) {
    return false;
  }
  if (h > 838 || mi > 59 || se > 59) return false;
  t->hours = h;
  t->minute = static_cast<uint8_t>(mi);
  t->second = static_cast<uint8_t>(se);
  t->micros = us;
  if (h == 0 && mi == 0 && se == 0 && us == 0) t->negative = false;
  return true;
}

// The Value a literal default gives a column of `type`; `bytes`: the literal is b'..'/x'..'
// (text holds the bits as '0'/'1' or the bytes). *storage keeps text the Value views.
Result<Value> LiteralValue(const ColumnType& type, const ColumnDefault& d, std::string* storage) {
  const std::string& text = d.text;
  auto bad = [&] { return DoesNotFit(text, type); };
  const bool bits = d.kind == ColumnDefault::Kind::kBits;
  uint64_t bits_value = 0;
  if (bits && !d.hex) {
    if (text.size() > 64) return bad();
    for (char c : text) bits_value = bits_value << 1 | (c == '1' ? 1 : 0);
  } else if (bits) {
    if (text.size() > 8) return bad();
    for (char c : text) bits_value = bits_value << 8 | static_cast<unsigned char>(c);
  }
  const bool binary_text = type.collation_id == kBinaryCollationId;
  switch (type.type) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
      if (bits) return IntegerValue(type, std::to_string(bits_value));
      return IntegerValue(type, text);
    case SqlType::kYear: {
      uint32_t y = 0;
      size_t i = 0;
      if (text == "0") return Value::Int(0);
      if (!Digits(text, &i, 4, &y) || i != text.size() || y < 1901 || y > 2155) return bad();
      return Value::Int(y);
    }
    case SqlType::kDecimal: {
      if (bits) return bad();
      ASSIGN_OR_RETURN(*storage, DecimalText(type, text));
      return Value::Decimal(*storage);
    }
    case SqlType::kFloat:
    case SqlType::kDouble: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (bits || ec != std::errc() || end != text.data() + text.size()) return bad();
      if (type.type == SqlType::kDouble) return Value::Double(v);
      if (v > std::numeric_limits<float>::max() || v < -std::numeric_limits<float>::max()) {
        return bad();
      }
      return Value::Float(static_cast<float>(v));
    }
    case SqlType::kBit: {
      uint64_t v = bits_value;
      if (!bits) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size()) return bad();
      }
      if (type.length > 0 && type.length < 64 && v >> type.length != 0) return bad();
      return Value::Bit(v);
    }
    case SqlType::kChar:
    case SqlType::kVarChar:
    case SqlType::kText:
      *storage = text;
      if (type.type == SqlType::kChar && !binary_text) {
        while (!storage->empty() && storage->back() == ' ') storage->pop_back();
      }
      if (type.type == SqlType::kChar && binary_text && type.length > storage->size()) {
        storage->append(type.length - storage->size(), '\0');
      }
      return binary_text ? Value::Bytes(*storage) : Value::String(*storage);
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
      *storage = text;
      if (type.type == SqlType::kBinary && type.length > storage->size()) {
        storage->append(type.length - storage->size(), '\0');
      }
      return Value::Bytes(*storage);
    case SqlType::kEnum:
      for (size_t i = 0; i < type.elements.size(); ++i) {
        if (AsciiLower(type.elements[i]) == AsciiLower(text)) return Value::EnumIndex(i + 1);
      }
      return bad();
    case SqlType::kSet: {
      uint64_t set = 0;
      std::string_view rest = text;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string item(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
        bool found = false;
        for (size_t i = 0; i < type.elements.size() && i < 64 && !found; ++i) {
          if (AsciiLower(type.elements[i]) == AsciiLower(item)) {
            set |= uint64_t{1} << i;
            found = true;
          }
        }
        if (!found) return bad();
      }
      return Value::SetBits(set);
    }
    case SqlType::kDate:
    case SqlType::kDateTime: {
      DateTimeParts p;
      if (bits || !DateTimeOf(text, type.type == SqlType::kDate, type.fsp, &p)) return bad();
      return type.type == SqlType::kDate ? Value::Date(p.year, p.month, p.day) : Value::DateTime(p);
    }
    case SqlType::kTime: {
      TimeParts t;
      if (bits || !TimeOf(text, type.fsp, &t)) return bad();
      return Value::Time(t);
    }
    case SqlType::kTimestamp:
      return Unsupported("a TIMESTAMP literal's value depends on the session's time zone");
    default:
      return Unsupported("binlake does not render a default of a " +
                         AsciiUpper(SqlTypeName(type.type)) + " column");
  }
}

// The implicit default of a NOT NULL column added without DEFAULT.
Result<Value> ImplicitValue(const ColumnType& type, std::string* storage) {
  ColumnDefault zero;
  zero.kind = ColumnDefault::Kind::kLiteral;
  switch (type.type) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
    case SqlType::kDecimal:
    case SqlType::kFloat:
    case SqlType::kDouble:
    case SqlType::kBit:
    case SqlType::kYear:
      zero.text = "0";
      return LiteralValue(type, zero, storage);
    case SqlType::kChar:
    case SqlType::kVarChar:
    case SqlType::kText:
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
    case SqlType::kSet:
      return LiteralValue(type, zero, storage);
    case SqlType::kEnum:
      if (type.elements.empty()) return Unsupported("the ENUM's labels are not known");
      return Value::EnumIndex(1);
    case SqlType::kDate:
      return Value::Date(0, 0, 0);
    case SqlType::kDateTime:
      return Value::DateTime(DateTimeParts{});
    case SqlType::kTime:
      return Value::Time(TimeParts{});
    default:
      return Unsupported("binlake does not know the implicit default of a " +
                         AsciiUpper(SqlTypeName(type.type)) + " column");
  }
}

}  // namespace

Result<std::optional<std::string>> AddedColumnValue(const ColumnType& type, bool nullable,
                                                    const ColumnDefault& given,
                                                    const RenderOptions& render) {
  std::string storage;
  Value value;
  switch (given.kind) {
    case ColumnDefault::Kind::kNull:
      return std::optional<std::string>();
    case ColumnDefault::Kind::kNone: {
      if (nullable) return std::optional<std::string>();
      ASSIGN_OR_RETURN(value, ImplicitValue(type, &storage));
      break;
    }
    case ColumnDefault::Kind::kExpression:
      return Unsupported("DEFAULT " + given.text + " is an expression");
    case ColumnDefault::Kind::kLiteral:
    case ColumnDefault::Kind::kBits: {
      ASSIGN_OR_RETURN(value, LiteralValue(type, given, &storage));
      break;
    }
  }
  std::string text;
  AppendValueText(value, type, render, &text);
  return std::optional<std::string>(std::move(text));
}

}  // namespace binlake
